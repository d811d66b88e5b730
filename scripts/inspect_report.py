"""Inspect a run's report the way a person would, and check what a person would notice.

    .venv/bin/python scripts/inspect_report.py OUTPUT_FOLDER [--pages DIR] [--dpi 60] [--no-browser]

1. Renders every PDF page to PNG (``pdftoppm``) and screenshots the HTML in headless Chromium
   (``/usr/bin/chromium``), so the pages can be looked at (``DIR/page-NN.png``, ``DIR/html.png``).
2. Lays the HTML out with WeasyPrint (as the PDF is printed) and lists every box that sticks out of
   its page's content area (a table wider than the page, a word that runs into the margin), and every
   table row or chart split across two pages.
3. Checks that the PDF's text layer (``pdftotext``) holds every section heading (h1/h2) of the HTML,
   e.g. the Russian headings of a Russian report, and the "page x of y" footer.
4. Finds a legend over a plot: each chart image carries ``data-boxes`` (where its plots and legends are
   in the image, written by ``salesaudit.report.show.figure``); a legend that covers a plot, or a plot
   squeezed to a sliver by its legend, is listed.
5. Finds a chart cut at the page edge: an image whose printed box runs past the page's content area
   (any side) or that is split across two pages.

Exit status 0 when nothing overflows or splits, no heading is missing, no legend covers a plot and no
chart is cut, 1 otherwise; a JSON summary is written to ``DIR/inspection.json``. The functions are importable (``tests/report/test_report_content.py`` uses them).
"""

from __future__ import annotations

import argparse
import functools
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bs4 import BeautifulSoup

CHROMIUM = "/usr/bin/chromium"
TOLERANCE_PX = 1.0  # layout rounding; 1 CSS px = 0.26 mm
LEGEND_TOLERANCE_PX = 3.0  # image px (150 dpi: 0.5 mm): a legend's frame may touch a plot's edge
MIN_PLOT_PX = 24.0  # image px (150 dpi: 4 mm): a plot narrower or lower than this is squeezed away


def render_pages(pdf: Path, folder: Path, *, dpi: int = 60) -> list[Path]:
    """Every page of ``pdf`` as ``folder/page-NN.png`` (pdftoppm)."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("page-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(pdf), str(folder / "page")], check=True)
    return sorted(folder.glob("page-*.png"))


def screenshot_html(html: Path, png: Path, *, width: int = 1280, height: int = 4000) -> Path | None:
    """A headless-Chromium screenshot of the HTML report (None when Chromium is not installed)."""
    if not Path(CHROMIUM).exists():
        return None
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                CHROMIUM,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                f"--user-data-dir={profile}",
                f"--screenshot={png}",
                f"--window-size={width},{height}",
                Path(html).resolve().as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
    return png if png.is_file() else None


def _boxes(box):
    yield box
    for child in getattr(box, "children", None) or []:
        yield from _boxes(child)


def _describe(box) -> str:
    element = getattr(box, "element", None)
    tag = element.tag if element is not None else "?"
    cls = element.get("class", "") if element is not None else ""
    text = ""
    if hasattr(box, "text"):
        text = box.text
    elif element is not None:
        text = " ".join("".join(element.itertext()).split())
    return f"<{tag} class={cls!r}> {text[:60]!r}"


@functools.lru_cache(maxsize=2)
def _document(page: str):
    """The printed report: WeasyPrint's layout of the HTML ``page`` (rendered once per page text)."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)
    return HTML(string=page, url_fetcher=fetcher).render()


def overflowing_boxes(page: str) -> list[dict]:
    """Boxes of the printed report (WeasyPrint layout of the HTML ``page``) that stick out of the
    content area of their page, left or right, by more than a pixel: one dict per box with ``page``,
    ``box`` (tag, class, text), ``left``/``right`` (px) and the page's ``content_left``/``content_right``.
    Only the outermost overflowing box of a branch is listed."""
    document = _document(page)
    found = []
    for number, pg in enumerate(document.pages, 1):
        page_box = pg._page_box
        left = page_box.margin_left
        right = left + page_box.width
        for root in page_box.children:
            found += _overflow_in(root, number, left, right)
    return found


def _overflow_in(box, number: int, left: float, right: float) -> list[dict]:
    if not hasattr(box, "position_x") or box.width is None:
        return []
    x0 = box.border_box_x()
    x1 = x0 + box.border_width()
    if box.element_tag not in ("html", "body", "@page") and (
        x1 > right + TOLERANCE_PX or x0 < left - TOLERANCE_PX
    ):
        return [
            {
                "page": number,
                "box": _describe(box),
                "left": round(x0, 1),
                "right": round(x1, 1),
                "content_left": round(left, 1),
                "content_right": round(right, 1),
            }
        ]
    out = []
    for child in getattr(box, "children", None) or []:
        out += _overflow_in(child, number, left, right)
    return out


def split_across_pages(page: str) -> list[dict]:
    """Table rows (outside a repeated ``thead``) and images that WeasyPrint lays out on more than one
    page — a row split mid-way or a cut chart. One dict per element: ``box`` and ``pages``."""
    document = _document(page)
    seen: dict[int, tuple[object, set[int]]] = {}

    def walk(box, number, in_thead):
        tag = getattr(box, "element_tag", None)
        in_thead = in_thead or tag == "thead"
        if tag in ("tr", "img") and not in_thead and getattr(box, "element", None) is not None:
            seen.setdefault(id(box.element), (box, set()))[1].add(number)
        for child in getattr(box, "children", None) or []:
            walk(child, number, in_thead)

    for number, pg in enumerate(document.pages, 1):
        walk(pg._page_box, number, False)
    return [{"box": _describe(box), "pages": sorted(pages)} for box, pages in seen.values() if len(pages) > 1]


def _overlap(a, b) -> tuple[float, float]:
    """Width and height of the intersection of boxes ``a`` and ``b`` (x0, y0, x1, y1), 0 if apart."""
    return max(0.0, min(a[2], b[2]) - max(a[0], b[0])), max(0.0, min(a[3], b[3]) - max(a[1], b[1]))


def figure_box_problems(boxes: dict) -> list[dict]:
    """What is wrong in one chart's ``data-boxes`` (image px): a legend over a plot by more than
    :data:`LEGEND_TOLERANCE_PX` each way (``overlap`` w×h), or a plot under :data:`MIN_PLOT_PX` wide
    or high (``squeezed``: its legend took the room)."""
    found = []
    for axes in boxes.get("axes", []):
        width, height = axes[2] - axes[0], axes[3] - axes[1]
        if width < MIN_PLOT_PX or height < MIN_PLOT_PX:
            found.append(
                {"problem": "squeezed", "axes": axes, "plot_px": [round(width, 1), round(height, 1)]}
            )
        for legend in boxes.get("legends", []):
            w, h = _overlap(axes, legend)
            if w > LEGEND_TOLERANCE_PX and h > LEGEND_TOLERANCE_PX:
                found.append(
                    {
                        "problem": "legend over plot",
                        "axes": axes,
                        "legend": legend,
                        "overlap_px": [round(w, 1), round(h, 1)],
                    }
                )
    return found


def legends_over_plots(page: str) -> list[dict]:
    """Charts of the report (images with ``data-boxes``) whose legend covers a plot or squeezed it
    away: one dict per finding with ``chart`` (its number in the report and the heading above it)
    and what :func:`figure_box_problems` says."""
    soup = BeautifulSoup(page, "html.parser")
    found = []
    for number, img in enumerate(soup.find_all("img", attrs={"data-boxes": True}), 1):
        heading = img.find_previous(["h1", "h2", "h3"])
        where = (
            f"chart {number} under {' '.join(heading.get_text().split())[:60]!r}"
            if heading
            else f"chart {number}"
        )
        try:
            boxes = json.loads(img["data-boxes"])
        except ValueError:
            found.append({"chart": where, "problem": "unreadable data-boxes"})
            continue
        found += [{"chart": where, **problem} for problem in figure_box_problems(boxes)]
    return found


def charts_cut_at_page_edge(page: str) -> list[dict]:
    """Images of the printed report (WeasyPrint layout) that run past their page's content area on any
    side by more than a pixel (``edges``), or that are laid out on more than one page (``pages``)."""
    document = _document(page)
    found, pages_of = [], {}
    for number, pg in enumerate(document.pages, 1):
        box = pg._page_box
        area = (
            box.content_box_x(),
            box.content_box_y(),
            box.content_box_x() + box.width,
            box.content_box_y() + box.height,
        )
        for child in _boxes(box):
            if getattr(child, "element_tag", None) != "img" or getattr(child, "width", None) is None:
                continue
            pages_of.setdefault(id(child.element), (child, set()))[1].add(number)
            x0, y0 = child.border_box_x(), child.border_box_y()
            x1, y1 = x0 + child.border_width(), y0 + child.border_height()
            edges = [
                name
                for name, out in (
                    ("left", area[0] - x0),
                    ("top", area[1] - y0),
                    ("right", x1 - area[2]),
                    ("bottom", y1 - area[3]),
                )
                if out > TOLERANCE_PX
            ]
            if edges:
                found.append(
                    {
                        "page": number,
                        "box": _describe(child),
                        "edges": edges,
                        "image": [round(v, 1) for v in (x0, y0, x1, y1)],
                        "content": [round(v, 1) for v in area],
                    }
                )
    found += [{"box": _describe(b), "pages": sorted(p)} for b, p in pages_of.values() if len(p) > 1]
    return found


def headings(page: str) -> list[str]:
    """The text of every h1/h2 of the report's ``main`` (the sections a reader looks for)."""
    soup = BeautifulSoup(page, "html.parser")
    main = soup.find("main") or soup
    return [" ".join(h.get_text().split()) for h in main.find_all(["h1", "h2"]) if h.get_text().strip()]


def pdf_text(pdf: Path) -> str:
    """The PDF's text layer (pdftotext), whitespace collapsed."""
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(text.split())


def missing_headings(page: str, pdf: Path) -> list[str]:
    """Headings of the HTML whose text is not in the PDF's text layer (hyphenation aside)."""
    text = pdf_text(pdf)
    squeezed = re.sub(r"\s+", "", text)
    return [h for h in headings(page) if h not in text and re.sub(r"\s+", "", h) not in squeezed]


def inspect(run_dir: Path, *, pages_dir: Path | None = None, dpi: int = 60, browser: bool = True) -> dict:
    """Everything above for one run folder; returns the summary (also written as JSON)."""
    run_dir = Path(run_dir)
    pages_dir = Path(pages_dir or run_dir / "inspection")
    html_path, pdf = run_dir / "report.html", run_dir / "report.pdf"
    page = html_path.read_text(encoding="utf-8")
    pngs = render_pages(pdf, pages_dir, dpi=dpi)
    shot = screenshot_html(html_path, pages_dir / "html.png") if browser else None
    summary = {
        "run": str(run_dir),
        "pages": len(pngs),
        "page_images": [str(p) for p in pngs],
        "html_screenshot": str(shot) if shot else None,
        "overflowing": overflowing_boxes(page),
        "split": split_across_pages(page),
        "missing_headings": missing_headings(page, pdf),
        "legend_over_plot": legends_over_plots(page),
        "chart_cut": charts_cut_at_page_edge(page),
        "footer_ok": bool(re.search(r"(Страница|Page) \d+ (из|of) \d+", pdf_text(pdf))),
    }
    (pages_dir / "inspection.json").write_text(
        json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("run_dir", type=Path, help="output folder of a salesaudit run")
    parser.add_argument("--pages", type=Path, default=None, help="where the PNGs go (default RUN/inspection)")
    parser.add_argument("--dpi", type=int, default=60)
    parser.add_argument("--no-browser", action="store_true", help="skip the Chromium screenshot")
    args = parser.parse_args(argv)
    if shutil.which("pdftoppm") is None or shutil.which("pdftotext") is None:
        print("pdftoppm and pdftotext (poppler-utils) are required", file=sys.stderr)
        return 2
    s = inspect(args.run_dir, pages_dir=args.pages, dpi=args.dpi, browser=not args.no_browser)
    print(f"{s['pages']} pages rendered to {Path(s['page_images'][0]).parent if s['page_images'] else '-'}")
    print(f"HTML screenshot: {s['html_screenshot'] or 'not taken'}")
    for o in s["overflowing"]:
        print(
            f"  OVERFLOW page {o['page']}: {o['box']} spans {o['left']}–{o['right']} px, "
            f"page content {o['content_left']}–{o['content_right']} px"
        )
    for o in s["split"]:
        print(f"  SPLIT across pages {o['pages']}: {o['box']}")
    for h in s["missing_headings"]:
        print(f"  MISSING from the PDF text: {h!r}")
    if not s["footer_ok"]:
        print("  MISSING: the 'page x of y' footer")
    for o in s["legend_over_plot"]:
        print(f"  LEGEND {o['chart']}: {o['problem']} {o.get('overlap_px') or o.get('plot_px') or ''}")
    for o in s["chart_cut"]:
        where = (
            f"page {o['page']} past the {'/'.join(o['edges'])} edge"
            if "edges" in o
            else f"pages {o['pages']}"
        )
        print(f"  CHART CUT {where}: {o['box']}")
    problems = ("overflowing", "split", "missing_headings", "legend_over_plot", "chart_cut")
    ok = not any(s[k] for k in problems) and s["footer_ok"]
    print("ok" if ok else "problems found")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
