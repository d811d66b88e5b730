"""The deliverable: the executed stage notebooks become one branded HTML document and its A4 PDF.

nbconvert's ``HTMLExporter`` renders the merged notebooks with our template (``templates/report``,
built on ``lab``): no code, no prompts, no scripts, no external URL — images are inline ``data:`` URIs.
A strict Content-Security-Policy (:data:`REPORT_CSP`) opens the page's ``<head>``, and
:func:`unsafe_content` checks the finished page before it is written: a browser runs nothing and loads
nothing from outside the file even if a value slipped past escaping.
WeasyPrint prints the same HTML to A4 with the client's name and "page x of y" in the footer; its URL
fetcher refuses anything but inline data, so the PDF cannot reach the network either.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from pathlib import Path

import nbformat
from bs4 import BeautifulSoup
from nbconvert import HTMLExporter

from ..engine.config import Engagement
from ..engine.templates import template_path
from ..exceptions import SalesAuditError
from .brand import Brand, css_variables, load_brand, unsafe_css
from .formatting import fmt_date
from .i18n import t
from .pdf import write_pdf

FRONT_TAG = "report-front"
"""Cells with this tag open the report, before every stage (the executive summary)."""
BACK_TAG = "report-back"
"""Cells with this tag close the report, after every stage (the appendix)."""
REPORT_CSP = (
    "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; "
    "script-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'"
)
"""The report's Content-Security-Policy (a ``<meta>`` in ``templates/report/index.html.j2``): inline
styles and ``data:`` images and fonts only — no script, no plugin, no remote load, no form."""
URL_ATTRIBUTES = frozenset(
    "src href xlink:href srcset action formaction poster data background ping lowsrc longdesc "
    "cite manifest codebase archive icon".split()
)
"""Attributes whose value a browser may fetch or navigate to."""
FORBIDDEN_TAGS = frozenset("script iframe frame frameset object embed applet base link form portal".split())
"""Elements a report never holds (scripts, plugins, frames, remote stylesheets, forms, base URL)."""


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


def unsafe_content(page: str) -> list[str]:
    """Everything in ``page`` a browser could run or load from outside the file (must be empty for a
    report): a ``<script`` anywhere, frames, plugins, forms, ``<link>``/``<base>``, ``on*`` event
    handlers, a ``src``/``href`` (or other URL attribute) to anything but ``#…`` or ``data:``, and in
    every stylesheet and ``style`` attribute ``@import`` or ``url(`` to anything but ``data:``/``#…``
    (:func:`salesaudit.report.brand.unsafe_css`); also a missing or different Content-Security-Policy.

    Text between tags is not CSS: a client's comment saying ``url(http://…)`` is shown, not loaded.

    Examples
    --------
    >>> unsafe_content('<p style="color: red">ok</p><img src="data:image/png;base64,AA">')
    ['Content-Security-Policy missing or changed']
    >>> unsafe_content('<img src=x onerror=alert(1)><style>b{background:url(http://e.x/a)}</style>')[1:]
    ['<img src=x>', '<img onerror=...>', '<style>: url(http://e.x/a)']
    """
    soup = BeautifulSoup(page, "html.parser")
    bad = []
    csp = soup.find("meta", attrs={"http-equiv": lambda v: v and v.lower() == "content-security-policy"})
    if csp is None or csp.get("content") != REPORT_CSP:
        bad.append("Content-Security-Policy missing or changed")
    if re.search(r"<\s*script", page, re.I):
        bad.append("<script")
    for tag in soup.find_all(True):
        name = tag.name.lower()
        if name in FORBIDDEN_TAGS:
            bad.append(f"<{name}>")
        if name == "meta" and tag.get("http-equiv", "").lower() not in ("", "content-security-policy"):
            bad.append(f"<meta http-equiv={tag['http-equiv']}>")
        for attr, value in tag.attrs.items():
            value = " ".join(value) if isinstance(value, list) else str(value)
            if attr.lower().startswith("on"):
                bad.append(f"<{name} {attr}=...>")
            elif attr.lower() in URL_ATTRIBUTES and not value.strip().startswith(("#", "data:")):
                bad.append(f"<{name} {attr}={value[:80]}>")
            elif attr.lower() == "style":
                bad += [f"<{name} style>: {b}" for b in unsafe_css(value)]
        if name == "style":
            bad += [f"<style>: {b}" for b in unsafe_css(tag.get_text())]
    return bad


external_urls = unsafe_content
"""The check's former name (it looked only at ``src``/``href``)."""


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
    brand = load_brand(eng.path(eng.brand), root=eng.folder, allow_outside=eng.allows_outside)
    nb = merge_notebooks([run_dir / "notebooks" / s for s in stages])
    page = render_html(nb, eng=eng, brand=brand, title_key=title_key, compact=compact)
    bad = unsafe_content(page)
    if bad:
        raise SalesAuditError(
            f"the report would run or load something from outside the file ({len(bad)} finding(s)); "
            "refusing to write it",
            value=bad[0][:120],
            hint="check brand.yml and the notebooks' HTML outputs",
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
