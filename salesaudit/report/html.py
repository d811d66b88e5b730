"""The deliverable: the executed stage notebooks become one branded HTML document and its A4 PDF.

nbconvert's ``HTMLExporter`` renders the merged notebooks with our template (``templates/report``,
built on ``lab``): no code, no prompts, no scripts, no external URL — images are inline ``data:`` URIs.
WeasyPrint prints the same HTML to A4 with the client's name and "page x of y" in the footer; its URL
fetcher refuses anything but inline data, so the PDF cannot reach the network either.
"""

from __future__ import annotations

import html
from functools import lru_cache
from pathlib import Path

import nbformat
from bs4 import BeautifulSoup
from nbconvert import HTMLExporter

from ..engine.config import Engagement
from ..engine.templates import template_path
from ..exceptions import SalesAuditError
from .brand import Brand, css_variables, load_brand
from .formatting import fmt_date
from .i18n import t
from .pdf import write_pdf

FRONT_TAG = "report-front"
"""Cells with this tag open the report, before every stage (the executive summary)."""
BACK_TAG = "report-back"
"""Cells with this tag close the report, after every stage (the appendix)."""


def merge_notebooks(paths: list[Path]) -> nbformat.NotebookNode:
    """One notebook holding the cells of ``paths`` in order (the report's single document).

    Cells tagged :data:`FRONT_TAG` come first and cells tagged :data:`BACK_TAG` last, each group in
    notebook order: a stage can write the executive summary and the appendix from its results while
    the stages keep their order.
    """
    nbs = [nbformat.read(str(p), as_version=4) for p in paths]
    merged = nbformat.v4.new_notebook(metadata=nbs[0].metadata if nbs else {})
    front, body, back = [], [], []
    for i, nb in enumerate(nbs):
        for cell in nb.cells:
            n = len(front) + len(body) + len(back)
            cell["id"] = f"s{i}-{cell.get('id', n)}"  # ids stay unique across notebooks
            tags = cell.get("metadata", {}).get("tags", [])
            (front if FRONT_TAG in tags else back if BACK_TAG in tags else body).append(cell)
    merged.cells.extend(front + body + back)
    return merged


def page_css(*, client: str, lang: str) -> str:
    """A4 page rules with the footer in the report's language."""
    page_word = t("report.page", lang)
    of_word = t("report.of", lang)
    return (
        "@page { size: A4; margin: 18mm 16mm 20mm 16mm;"
        " @bottom-left { content: string(client); font-size: 8pt; color: #6B7785; }"
        f' @bottom-right {{ content: "{page_word} " counter(page) " {of_word} " counter(pages);'
        " font-size: 8pt; color: #6B7785; } }\n"
        "@page :first { @bottom-left { content: none; } @bottom-right { content: none; } }\n"
    )


@lru_cache(maxsize=1)
def exporter() -> HTMLExporter:
    """nbconvert's exporter with our template, its Jinja templates compiled (made once per process:
    the runner makes it while the notebooks run)."""
    exp = HTMLExporter(
        extra_template_basedirs=[str(template_path("report").parent)],
        template_name="report",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
    )
    exp.template  # noqa: B018 (compiles the template chain now)
    return exp


def render_html(
    nb: nbformat.NotebookNode,
    *,
    eng: Engagement,
    brand: Brand,
    title_key: str = "report.title",
    compact: bool = False,
) -> str:
    """The report's HTML: title page, table of contents, the stages' outputs."""
    lang = eng.language
    css = (
        css_variables(brand, page_word=t("report.page", lang), of_word=t("report.of", lang))
        + page_css(client=eng.client.name, lang=lang)
        + template_path("report/report.css").read_text(encoding="utf-8")
    )
    resources = {
        "sa": {
            "lang": lang,
            "title": t(title_key, lang),
            "client": eng.client.name,
            "firm": brand.firm,
            "contact": brand.contact,
            "subtitle": t("report.subtitle", lang, as_of=fmt_date(eng.as_of, lang=lang)),
            "toc_title": t("report.toc", lang),
            "css": css,
            "logo": brand.logo_markup,
            "compact": compact,
        }
    }
    body, _ = exporter().from_notebook_node(nb, resources=resources)
    return body if compact else add_toc(body)


def add_toc(page: str) -> str:
    """Fill the ``<!-- TOC -->`` placeholder with links to every h1/h2 of ``main``."""
    soup = BeautifulSoup(page, "html.parser")
    main = soup.find("main")
    items = []
    for h in main.find_all(["h1", "h2"]) if main else []:
        if not h.get("id"):
            continue
        level = "l1" if h.name == "h1" else "l2"
        items.append(
            f'<li class="{level}"><a href="#{html.escape(h["id"])}">{html.escape(h.get_text())}</a></li>'
        )
    return page.replace("<!-- TOC -->", "<ol>" + "".join(items) + "</ol>", 1)


def external_urls(page: str) -> list[str]:
    """Every ``src``/``href`` that points off the document (must be empty for a report)."""
    soup = BeautifulSoup(page, "html.parser")
    bad = []
    for tag in soup.find_all(True):
        for attr in ("src", "href"):
            value = tag.get(attr)
            if value and not value.startswith(("#", "data:")):
                bad.append(value)
    return bad


def build_report(
    run_dir: Path,
    *,
    eng: Engagement,
    stages: list[str],
    pdf: bool = True,
    title_key: str = "report.title",
    compact: bool = False,
) -> Path:
    """Render ``run_dir/report.html`` (and ``report.pdf``) from the executed notebooks of a run."""
    run_dir = Path(run_dir)
    brand = load_brand(eng.path(eng.brand))
    nb = merge_notebooks([run_dir / "notebooks" / s for s in stages])
    page = render_html(nb, eng=eng, brand=brand, title_key=title_key, compact=compact)
    bad = external_urls(page)
    if bad:
        raise SalesAuditError(
            f"the report would load {len(bad)} external resource(s); refusing to write it",
            value=bad[0],
        )
    out = run_dir / "report.html"
    tmp = out.with_suffix(".html.tmp")
    tmp.write_text(page, encoding="utf-8")
    tmp.replace(out)
    if pdf:
        tmp_pdf = run_dir / "report.pdf.tmp"
        write_pdf(page, tmp_pdf)
        tmp_pdf.replace(run_dir / "report.pdf")
    return out
