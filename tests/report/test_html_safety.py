"""The report runs nothing and loads nothing from outside the file: its Content-Security-Policy, the
check every built page passes (:func:`salesaudit.report.html.unsafe_content`), and ``css_variables``
defending itself against a Brand built without :func:`load_brand`."""

from __future__ import annotations

import dataclasses

import nbformat
import pytest
from bs4 import BeautifulSoup
from nbformat.v4 import new_code_cell, new_notebook, new_output

from salesaudit.engine import config
from salesaudit.exceptions import ConfigError, SalesAuditError
from salesaudit.report.brand import css_variables, load_brand
from salesaudit.report.html import REPORT_CSP, add_toc, build_report, render_html, unsafe_content

DIRECTIVES = [
    "default-src 'none'",
    "img-src data:",
    "style-src 'unsafe-inline'",
    "font-src data:",
    "script-src 'none'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
]


def _nb(*snippets: str) -> nbformat.NotebookNode:
    nb = new_notebook()
    for snippet in snippets:
        cell = new_code_cell("x")
        cell.outputs = [new_output("display_data", data={"text/html": snippet})]
        nb.cells.append(cell)
    return nb


def _csp(page: str) -> list[str]:
    """The directives of the page's CSP meta, which must come first in <head> after the charset."""
    head = BeautifulSoup(page, "html.parser").find("head")
    metas = head.find_all(True)[:2]
    assert metas[0].name == "meta" and metas[0].get("charset") == "utf-8"
    assert metas[1].get("http-equiv") == "Content-Security-Policy"
    return [d.strip() for d in metas[1]["content"].split(";")]


def test_report_has_the_strict_csp_first_in_head(tiny):
    page = render_html(_nb("<p>x</p>"), eng=config.load(tiny), brand=load_brand(tiny / "brand.yml"))
    assert _csp(page) == DIRECTIVES
    assert [d.strip() for d in REPORT_CSP.split(";")] == DIRECTIVES
    assert unsafe_content(page) == []


@pytest.mark.slow
@pytest.mark.xdist_group("demo")
def test_demo_report_has_the_csp_and_nothing_unsafe(demo_run):
    page = (demo_run / "report.html").read_text(encoding="utf-8")
    assert _csp(page) == DIRECTIVES
    assert unsafe_content(page) == []


@pytest.mark.parametrize(
    ("snippet", "finding"),
    [
        ("<script>alert(1)</script>", "<script"),
        ("<SCRIPT\nsrc=data:,x></SCRIPT>", "<script"),
        ('<img src="http://evil.example/x.png">', "<img src=http://evil.example/x.png>"),
        ('<svg><image xlink:href="https://evil.example/x"/></svg>', "<image xlink:href=https://evil"),
        ('<p onclick="alert(1)">x</p>', "<p onclick=...>"),
        ('<p style="background: url(http://evil.example/x)">x</p>', "<p style>: url(http://evil"),
        ("<style>@import 'http://evil.example/a.css';</style>", "<style>: @import"),
        ("<style>p { background: \\75 rl(//evil.example/x) }</style>", "<style>: url(//evil"),
        ('<link rel="stylesheet" href="data:text/css,p{}">', "<link>"),
        ('<meta http-equiv="refresh" content="0;url=http://evil.example">', "<meta http-equiv=refresh>"),
        ('<iframe srcdoc="x"></iframe>', "<iframe>"),
        ('<a href="javascript:alert(1)">x</a>', "<a href=javascript:alert(1)>"),
    ],
)
def test_unsafe_content_finds_what_a_browser_would_run_or_load(tiny, snippet, finding):
    page = render_html(_nb(snippet), eng=config.load(tiny), brand=load_brand(tiny / "brand.yml"))
    found = unsafe_content(page)
    assert any(f.startswith(finding) for f in found), found


def test_text_that_looks_like_css_or_a_tag_is_inert(tiny):
    """A client's comment is text: escaped, shown, and no reason to refuse the report."""
    text = "<p>see url(http://x.example) and @import and &lt;script&gt;</p>"
    page = render_html(_nb(text), eng=config.load(tiny), brand=load_brand(tiny / "brand.yml"))
    assert unsafe_content(page) == []


def test_a_changed_csp_is_found(tiny):
    page = render_html(_nb("<p>x</p>"), eng=config.load(tiny), brand=load_brand(tiny / "brand.yml"))
    assert unsafe_content(page.replace("script-src 'none'", "script-src *")) == [
        "Content-Security-Policy missing or changed"
    ]


def test_build_report_refuses_a_page_with_a_script(tiny, tmp_path):
    run = tmp_path / "run"
    (run / "notebooks").mkdir(parents=True)
    nbformat.write(_nb("<p>ok</p>", "<script>document.title='PWNED'</script>"), run / "notebooks" / "a.ipynb")
    with pytest.raises(SalesAuditError, match="run or load something from outside") as err:
        build_report(run, eng=config.load(tiny), stages=["a.ipynb"], pdf=False)
    assert err.value.value == "<script"
    assert not (run / "report.html").exists()


def test_css_variables_escapes_fonts_and_refuses_non_colours(tiny):
    brand = load_brand(tiny / "brand.yml")
    hostile = dataclasses.replace(brand, font_base='X"; } </style><script>alert(1)</script>')
    css = css_variables(hostile, page_word='Page"</style>', of_word="of")
    assert "</style>" not in css and "<script" not in css
    assert '--font-base: "X\\22 \\3b  \\7d  \\3c \\2f style' in css  # the quote cannot end the string
    assert css.count('"') == 12  # six quoted strings, no quote of the values left bare
    with pytest.raises(ConfigError, match="not a colour"):
        css_variables(
            dataclasses.replace(brand, heading_color="red; } body{x:url(http://e)}"),
            page_word="p",
            of_word="o",
        )
    with pytest.raises(ConfigError, match="not a font size"):
        css_variables(dataclasses.replace(brand, font_size="1pt;}"), page_word="p", of_word="o")


def test_what_the_table_of_contents_brings_in_is_checked_on_the_finished_page():
    """The safety scan reads the page with its table of contents: a heading's text placed where it
    would be read as CSS (a placeholder inside a <style>) is found there."""
    csp = f'<meta http-equiv="Content-Security-Policy" content="{REPORT_CSP}">'
    body = '<main><h1 id="x">u</h1><h2 id="y">url(http://evil.example/a)</h2><p onclick="x">p</p></main>'
    page = add_toc(f"<head>{csp}</head><body><nav><!-- TOC --></nav>{body}</body>")
    assert '<li class="l2"><a href="#y">url(http://evil.example/a)</a></li>' in page
    assert unsafe_content(page) == ["<p onclick=...>"]
    styled = f"<head>{csp}<style>p {{}} <!-- TOC --></style></head><body><nav><!-- TOC --></nav>{body}</body>"
    assert unsafe_content(add_toc(styled)) == ["<style>: url(http://evil.example/a)", "<p onclick=...>"]
