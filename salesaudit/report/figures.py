"""Charts as inline PNG images for the report: :func:`figure` (one chart at its own size) and
:func:`figure_row` (charts side by side), each ``<img>`` carrying ``data-boxes`` — where its plots and
legends are in the image, measured after matplotlib laid the figure out — so
``scripts/inspect_report.py`` can find a legend drawn over a plot. Re-exported by
:mod:`salesaudit.report.show`, which notebooks use."""

from __future__ import annotations

import html

from IPython.display import HTML


def _png(fig, dpi: int) -> str:
    return _png_boxes(fig, dpi)[0]


def _png_boxes(fig, dpi: int) -> tuple[str, str]:
    """The figure as base64 PNG and, as JSON, where its plots and legends are in that image:
    ``{"size": [w, h], "axes": [[x0, y0, x1, y1], ...], "legends": [...]}`` in image pixels from the
    top left (``scripts/inspect_report.py`` finds a legend over a plot with it).

    A figure with a layout engine (every chart of :mod:`salesaudit.report.charts` is ``constrained``)
    already fits its figure and is saved whole, drawn once; any other is cropped with
    ``bbox_inches="tight"``, which draws it twice.
    """
    import base64
    import io
    import json
    import struct

    import matplotlib as mpl

    tight = fig.get_layout_engine() is None
    buf = io.BytesIO()
    with mpl.rc_context({"savefig.bbox": "tight" if tight else "standard"}):  # the brand's rc says tight
        fig.savefig(buf, format="png", dpi=dpi)
    png = buf.getvalue()
    size = struct.unpack(">II", png[16:24])  # the IHDR chunk: width, height
    return base64.b64encode(png).decode("ascii"), json.dumps(_figure_boxes(fig, dpi, size, tight=tight))


def _figure_boxes(fig, dpi: int, size: tuple[int, int], *, tight: bool) -> dict:
    """Window extents of the visible axes (colorbars aside) and of every legend, mapped from display
    pixels to the pixels of the image ``savefig(dpi=dpi)`` wrote (``size``; cropped when ``tight``)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    shown_on = fig.canvas  # a notebook's canvas may have no renderer: measure on Agg, then put it back
    try:  # savefig has just laid the figure out: measuring needs a renderer's text metrics, not a draw
        return _measured_boxes(fig, FigureCanvasAgg(fig).get_renderer(), dpi, size, tight=tight)
    finally:
        fig.set_canvas(shown_on)


def _measured_boxes(fig, renderer, dpi: int, size: tuple[int, int], *, tight: bool) -> dict:
    import matplotlib as mpl

    if tight:
        pad = mpl.rcParams["savefig.pad_inches"]
        pad = pad if isinstance(pad, (int, float)) else 0.0
        crop = fig.get_tightbbox(renderer)  # inches, as savefig crops
        left, top, width, height = crop.x0 - pad, crop.y1 + pad, crop.width + 2 * pad, crop.height + 2 * pad
    else:
        left, top, (width, height) = 0.0, fig.get_figheight(), fig.get_size_inches()
    sx, sy = size[0] / (width * dpi), size[1] / (height * dpi)  # ~1: absorbs savefig's rounding

    def box(extent) -> list[float]:
        x0, y0, x1, y1 = (v / fig.dpi for v in extent.extents)
        return [
            round((x0 - left) * dpi * sx, 1),
            round((top - y1) * dpi * sy, 1),
            round((x1 - left) * dpi * sx, 1),
            round((top - y0) * dpi * sy, 1),
        ]

    axes = [ax for ax in fig.axes if ax.get_visible() and ax.axison and ax.get_label() != "<colorbar>"]
    legends = [ax.get_legend() for ax in fig.axes] + list(fig.legends)
    return {
        "size": list(size),
        "axes": [box(ax.get_window_extent(renderer)) for ax in axes],
        "legends": [
            box(lg.get_window_extent(renderer)) for lg in legends if lg is not None and lg.get_visible()
        ],
    }


def figure(fig, *, dpi: int = 150) -> HTML:
    """One chart at its own size (the figure's width in inches, at most the page width), as an inline
    PNG ``data:`` URI — so a small chart stays small in print instead of being stretched. The image's
    ``data-boxes`` says where its plots and legends are (:func:`_png_boxes`).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig = plt.figure(figsize=(4, 2))
    >>> 'style="width:102mm"' in figure(fig).data
    True
    """
    width = round(fig.get_figwidth() * 25.4)
    png, boxes = _png_boxes(fig, dpi)
    return HTML(
        f'<div class="figure"><img src="data:image/png;base64,{png}" alt="" '
        f'style="width:{width}mm" data-boxes="{html.escape(boxes)}"></div>'
    )


def figure_row(*figures, dpi: int = 150) -> HTML:
    """Charts side by side (each a matplotlib figure, drawn at half width: see
    :data:`salesaudit.report.charts.HALF`), embedded as inline PNG ``data:`` URIs — the report never links out.
    A one-row table lays them out (robust in print); each image carries ``data-boxes`` as in :func:`figure`."""
    cells = []
    for fig in figures:
        png, boxes = _png_boxes(fig, dpi)
        cells.append(
            f'<td><img src="data:image/png;base64,{png}" alt="" data-boxes="{html.escape(boxes)}"></td>'
        )
    return HTML('<table class="figrow"><tr>' + "".join(cells) + "</tr></table>")
