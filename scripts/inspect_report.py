"""Inspect a run's report the way a person would, and check what a person would notice.

    .venv/bin/python scripts/inspect_report.py OUTPUT_FOLDER [--pages DIR] [--dpi 60] [--no-browser]

1. Renders every PDF page to PNG (``pdftoppm``) and screenshots the HTML in headless Chromium
   (``/usr/bin/chromium``), so the pages can be looked at (``DIR/page-NN.png``, ``DIR/html.png``).
2. Lays the HTML out with WeasyPrint (as the PDF is printed) and lists every box that sticks out of
   its page's content area (a table wider than the page, a word that runs into the margin), and every
   table row or chart split across two pages.
3. Checks that the PDF's text layer (``pdftotext``) holds every section heading (h1/h2) of the HTML,
   e.g. the Russian headings of a Russian report, and the "page x of y" footer.

Exit status 0 when nothing overflows or splits and no heading is missing, 1 otherwise; a JSON summary is written
to ``DIR/inspection.json``. The functions are importable (``tests/report/test_report_content.py`` uses them).
"""

from __future__ import annotations

import argparse
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


def overflowing_boxes(page: str) -> list[dict]:
    """Boxes of the printed report (WeasyPrint layout of the HTML ``page``) that stick out of the
    content area of their page, left or right, by more than a pixel: one dict per box with ``page``,
    ``box`` (tag, class, text), ``left``/``right`` (px) and the page's ``content_left``/``content_right``.
    Only the outermost overflowing box of a branch is listed."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)
    document = HTML(string=page, url_fetcher=fetcher).render()
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
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)
    document = HTML(string=page, url_fetcher=fetcher).render()
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
    ok = not s["overflowing"] and not s["split"] and not s["missing_headings"] and s["footer_ok"]
    print("ok" if ok else "problems found")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
