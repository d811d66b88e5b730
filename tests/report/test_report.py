import nbformat
from nbformat.v4 import new_code_cell, new_notebook, new_output

from salesaudit.engine import config
from salesaudit.report.brand import load_brand
from salesaudit.report.html import external_urls, render_html, write_pdf
from salesaudit.report.show import heading_html, table_html


def _nb(html_snippets):
    nb = new_notebook()
    for snippet in html_snippets:
        cell = new_code_cell("print('secret code')")
        cell.outputs = [
            new_output("display_data", data={"text/html": snippet, "text/plain": "x"}),
            new_output("stream", name="stdout", text="debug output"),
        ]
        nb.cells.append(cell)
    return nb


def test_report_has_no_code_no_external_urls_and_escapes_client_text(tiny):
    import pandas as pd

    eng = config.load(tiny)
    table = table_html(pd.DataFrame({"name": ['ООО "Альфа <b>Трейд</b>"']}), lang="ru")
    page = render_html(
        _nb([heading_html("Раздел", level=1, anchor="s1"), table]),
        eng=eng,
        brand=load_brand(tiny / "brand.yml"),
    )
    assert external_urls(page) == []
    assert "secret code" not in page and "debug output" not in page
    assert "&lt;b&gt;Трейд&lt;/b&gt;" in page and "<b>Трейд" not in page
    assert 'href="#s1"' in page  # table of contents links to the section
    assert "ООО «Тест»" in page


def test_pdf_is_a4_with_footer(tiny, tmp_path):
    import subprocess

    eng = config.load(tiny)
    page = render_html(
        _nb([heading_html("Раздел первый", level=1, anchor="s1")]),
        eng=eng,
        brand=load_brand(tiny / "brand.yml"),
    )
    pdf = tmp_path / "r.pdf"
    write_pdf(page, pdf)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "595.276 x 841.89" in info  # A4 in points
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Раздел первый" in text
    assert "Страница 2 из" in text and "ООО «Тест»" in text


def test_logo_url_is_refused(tiny):
    import pytest

    from salesaudit.exceptions import ConfigError

    brand = (
        (tiny / "brand.yml")
        .read_text(encoding="utf-8")
        .replace("mark: logo.svg", "mark: https://x.example/l.png")
    )
    (tiny / "brand.yml").write_text(brand, encoding="utf-8")
    with pytest.raises(ConfigError):
        load_brand(tiny / "brand.yml")


def test_nbformat_roundtrip_is_valid():
    nbformat.validate(_nb(["<p>x</p>"]))
