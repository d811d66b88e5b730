"""The layout inspection of ``scripts/inspect_report.py`` added for charts: a legend over a plot (from
the ``data-boxes`` that ``show.figure`` writes) and a chart cut at the page edge (WeasyPrint layout)."""

from __future__ import annotations

import base64
import io
import json

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from bs4 import BeautifulSoup  # noqa: E402
from PIL import Image  # noqa: E402

from salesaudit.report import figures, show  # noqa: E402
from tests.scripts import load_script


@pytest.fixture(scope="module")
def inspect():
    return load_script("inspect_report")


def _chart(*, series: int = 4, legend: str = "over", figsize=(6, 3)):
    fig, ax = plt.subplots(figsize=figsize, layout="constrained")
    for i in range(series):
        ax.plot(range(12), np.arange(12) * (i + 1), label=f"Менеджер {i + 1}")
    if legend == "over":
        ax.legend(loc="center", framealpha=1)
    else:
        fig.legend(loc="outside lower center", ncols=3, frameon=False)
    return fig


def _boxes(html: str) -> list[dict]:
    return [json.loads(img["data-boxes"]) for img in BeautifulSoup(html, "html.parser").find_all("img")]


# --------------------------------------------------------------------------------------------------
# the boxes show.figure measures


def test_figure_boxes_are_where_the_saved_image_shows_the_plot():
    fig, ax = plt.subplots(figsize=(5, 3), layout="constrained")
    ax.set_facecolor((1, 0, 0))
    ax.set_title("A title that widens nothing")
    ax.plot([0, 1], [0, 1], label="line")
    fig.legend(loc="outside right center")
    png, boxes = figures._png_boxes(fig, 150)
    plt.close(fig)
    image = np.asarray(Image.open(io.BytesIO(base64.b64decode(png))).convert("RGB")).astype(int)
    red = (image[:, :, 0] > 240) & (image[:, :, 1] < 20) & (image[:, :, 2] < 20)
    ys, xs = np.nonzero(red)
    measured = json.loads(boxes)
    assert measured["size"] == [image.shape[1], image.shape[0]]
    assert np.allclose(measured["axes"][0], [xs.min(), ys.min(), xs.max() + 1, ys.max() + 1], atol=2)
    assert len(measured["legends"]) == 1


def test_figure_and_figure_row_carry_the_boxes():
    one = show.figure(_chart()).data
    row = show.figure_row(_chart(), _chart(legend="outside")).data
    plt.close("all")
    assert len(_boxes(one)) == 1 and len(_boxes(row)) == 2
    assert all(len(b["axes"]) == 1 and len(b["legends"]) == 1 for b in _boxes(one) + _boxes(row))


def test_a_figure_whose_canvas_cannot_render_is_measured_and_keeps_its_canvas():
    from matplotlib.figure import Figure

    fig = Figure(figsize=(4, 2))  # a bare FigureCanvasBase, as in a kernel without a GUI backend
    ax = fig.add_subplot()
    ax.plot([0, 1], label="x")
    ax.legend()
    canvas = fig.canvas
    assert not hasattr(canvas, "get_renderer")
    assert len(_boxes(show.figure(fig).data)[0]["legends"]) == 1
    assert fig.canvas is canvas


# --------------------------------------------------------------------------------------------------
# a legend over a plot


def test_a_legend_over_the_plot_is_found(inspect):
    page = "<h2>План по менеджерам</h2>" + show.figure(_chart(legend="over")).data
    plt.close("all")
    found = inspect.legends_over_plots(page)
    assert [f["problem"] for f in found] == ["legend over plot"]
    assert "План по менеджерам" in found[0]["chart"]
    assert min(found[0]["overlap_px"]) > inspect.LEGEND_TOLERANCE_PX


def test_a_legend_outside_the_plot_is_fine(inspect):
    page = (
        "<h2>План</h2>"
        + show.figure(_chart(legend="outside")).data
        + show.figure_row(_chart(legend="outside")).data
    )
    plt.close("all")
    assert inspect.legends_over_plots(page) == []


def test_a_plot_squeezed_away_by_a_long_legend_is_found(inspect):
    fig = _chart(series=27, legend="outside", figsize=(6, 2.5))  # 9 legend rows below a 2.5-inch chart
    page = show.figure(fig).data
    plt.close(fig)
    assert [f["problem"] for f in inspect.legends_over_plots(page)] == ["squeezed"]


def test_a_legend_too_long_for_any_layout_lands_on_the_plot_and_is_found(inspect):
    fig = _chart(series=40, legend="outside", figsize=(6, 2.5))  # constrained layout gives up
    with pytest.warns(UserWarning, match="constrained_layout not applied"):
        page = show.figure(fig).data
    plt.close(fig)
    assert "legend over plot" in [f["problem"] for f in inspect.legends_over_plots(page)]


def test_boxes_apart_or_touching_are_fine(inspect):
    axes = [[0, 0, 400, 300]]
    assert inspect.figure_box_problems({"axes": axes, "legends": [[0, 310, 400, 400]]}) == []
    assert inspect.figure_box_problems({"axes": axes, "legends": [[0, 298, 400, 400]]}) == []  # 2 px
    assert inspect.figure_box_problems({"axes": axes, "legends": [[0, 290, 400, 400]]})  # 10 px in


# --------------------------------------------------------------------------------------------------
# a chart cut at the page edge


def _png_uri() -> str:
    buf = io.BytesIO()
    Image.new("RGB", (20, 10), (30, 60, 90)).save(buf, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _img_page(style: str) -> str:
    return (
        "<html><head><style>@page { size: A4; margin: 20mm }</style></head><body>"
        f'<p>Before</p><img src="{_png_uri()}" style="{style}"><p>After</p></body></html>'
    )


def test_a_chart_wider_than_the_page_is_found(inspect):
    found = inspect.charts_cut_at_page_edge(_img_page("width:250mm; display:block"))
    assert [f["edges"] for f in found] == [["right"]]
    assert inspect.charts_cut_at_page_edge(_img_page("width:160mm; display:block")) == []


def test_a_chart_taller_than_the_page_is_found(inspect):
    found = inspect.charts_cut_at_page_edge(_img_page("width:20mm; height:300mm; display:block"))
    assert found and all("bottom" in f.get("edges", []) or len(f.get("pages", [])) > 1 for f in found)


# --------------------------------------------------------------------------------------------------
# slow: the demo's charts


@pytest.mark.slow
@pytest.mark.xdist_group("demo")
def test_no_legend_covers_a_plot_and_no_chart_is_cut_in_the_demo(inspect, demo_run):
    page = (demo_run / "report.html").read_text(encoding="utf-8")
    charts = BeautifulSoup(page, "html.parser").find_all("img", attrs={"data-boxes": True})
    assert len(charts) >= 8  # every chart of the report says where its plots and legends are
    assert inspect.legends_over_plots(page) == []
    assert inspect.charts_cut_at_page_edge(page) == []
