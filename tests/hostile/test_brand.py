"""Hostile brand.yml values and logos (issue 13, "brand values are data, not code").

Probes covered, each refused by ``validate`` (one message naming brand.yml, the key and the value,
before any kernel) unless said otherwise:

- script through a font family (base and headings); a colour carrying ``url(http://…)`` or ``;}``; a
  hostile palette entry, chart palette entry, headings colour, font size;
- firm name and contact holding ``<script>``: not refused, shown as inert text in the report;
- the logo: ``../`` outside the engagement, an absolute ``file:///`` path outside, a symlink to
  ``/etc/passwd`` or to an image outside, a URL with another scheme, a ``.png`` that is text, an
  ``.svg`` that is HTML, an SVG with ``<script>``, ``onload``, an external ``href``,
  ``<foreignObject>``, a stylesheet ``url()``, and the "billion laughs" entities.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from salesaudit.engine import config
from salesaudit.report.brand import load_brand
from salesaudit.report.html import render_html, unsafe_content
from tests.hostile.conftest import refused

SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="4" height="4"'
)


def _spoil(eng: Path, old: str, new: str) -> None:
    """Replace ``old`` by ``new`` in the engagement's brand.yml."""
    path = eng / "brand.yml"
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


SCRIPT = '</style><script>document.title="PWNED"</script><style>'
VALUES = {
    "font_base_script": (
        'family: "DejaVu Sans"\n    size',
        f"family: 'DejaVu Sans\"; }} {SCRIPT} :root {{ --z: \"'\n    size",
        "typography.base.family",
    ),
    "font_headings_script": (
        'family: "DejaVu Sans"\n    weight',
        f"family: 'X\"; }} {SCRIPT}'\n    weight",
        "typography.headings.family",
    ),
    "colour_with_external_url": (
        'foreground: "#1E2430"',
        'foreground: "#1B3A5C; } body{background-image:url(http://evil.example/x.png)}"',
        "color.foreground",
    ),
    "colour_closing_the_rule": ("primary: navy", 'primary: "#fff;} h1{color:red"', "color.primary"),
    "palette_entry_hostile": (
        'navy: "#1B3A5C"',
        f"navy: '#1B3A5C{SCRIPT}'",
        "color.palette.navy",
    ),
    "chart_palette_entry_hostile": (
        "chart_palette: [navy,",
        'chart_palette: ["url(http://evil.example/x)",',
        "defaults.salesaudit.chart_palette[0]",
    ),
    "heading_colour_hostile": (
        "weight: 700\n    color: navy",
        'weight: 700\n    color: "red; background: url(http://evil.example/x)"',
        "typography.headings.color",
    ),
    "font_size_hostile": ("size: 10pt", 'size: "10pt; } body { display: none"', "typography.base.size"),
}


@pytest.mark.parametrize("case", list(VALUES))
def test_hostile_brand_value_is_refused_by_validate(eng, case):
    old, new, key = VALUES[case]
    _spoil(eng, old, new)
    refused("validate", eng, says=("brand.yml", key, "expected", "value:"))


def test_script_in_firm_name_and_contact_is_inert_text(eng):
    _spoil(eng, 'full: "Консалтинговая группа «Вектор роста»"', 'full: "<img src=x onerror=alert(1)>"')
    _spoil(eng, 'contact: "audit', 'contact: "<script>alert(1)</script> audit')
    brand = load_brand(eng / "brand.yml")
    page = render_html(_notebook(), eng=config.load(eng), brand=brand)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; audit" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert unsafe_content(page) == []


def _notebook():
    from nbformat.v4 import new_code_cell, new_notebook, new_output

    nb = new_notebook()
    cell = new_code_cell("x")
    cell.outputs = [new_output("display_data", data={"text/html": "<p>x</p>"})]
    nb.cells.append(cell)
    return nb


def _logo(eng: Path, name: str, content: bytes | str | None = None) -> Path:
    """Point the brand's logo at ``name`` (relative to the engagement), written with ``content``."""
    _spoil(eng, "mark: logo.svg", f"mark: {name}")
    path = eng / name
    if content is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


@pytest.fixture
def outside(eng: Path) -> Path:
    """A secret file beside the engagement folder, out of its reach."""
    secret = eng.parent / "outside" / "secret.png"
    secret.parent.mkdir()
    secret.write_text("SECRET DATA", encoding="utf-8")
    return secret


def test_logo_dotdot_outside_the_engagement_is_refused(eng, outside):
    _logo(eng, "../outside/secret.png")
    refused("validate", eng, says=("brand.yml", "logo", "outside the engagement folder", "secret.png"))


def test_logo_absolute_file_url_outside_is_refused(eng, outside):
    _logo(eng, f"file://{outside}")
    refused("validate", eng, says=("brand.yml", "logo", "outside the engagement folder"))


def test_logo_symlink_to_etc_passwd_is_refused(eng):
    os.symlink("/etc/passwd", eng / "logo-link.svg")
    _logo(eng, "logo-link.svg")
    refused("validate", eng, says=("brand.yml", "logo", "outside the engagement folder", "/etc/passwd"))


def test_logo_symlink_to_an_image_outside_is_refused(eng, outside):
    outside.write_bytes(b"\x89PNG\r\n\x1a\n" + b"SECRET DATA")
    os.symlink(outside, eng / "logo-link.png")
    _logo(eng, "logo-link.png")
    refused("validate", eng, says=("brand.yml", "logo", "outside the engagement folder", "secret.png"))


def test_logo_url_with_another_scheme_is_refused(eng):
    _logo(eng, "ftp://evil.example/logo.png")
    refused("validate", eng, says=("brand.yml", "logo", "not a URL"))


def test_logo_png_that_is_really_text_is_refused(eng):
    _logo(eng, "logo.png", "SECRET DATA, not an image")
    refused("validate", eng, says=("brand.yml", "logo.png", "not a PNG, JPEG or SVG image"))


def test_logo_xml_that_is_no_svg_is_refused(eng):
    _logo(eng, "logo-page.svg", "<html><body><p>x</p></body></html>")
    refused("validate", eng, says=("brand.yml", "logo", "<html> root"))


SVGS = {
    "svg_with_script": (f"{SVG}><script>alert(1)</script></svg>", "<script> element"),
    "svg_with_onload": (f'{SVG} onload="alert(1)"/>', "event handler (onload"),
    "svg_with_external_href": (f'{SVG}><image href="http://evil.example/x.png"/></svg>', "links to http"),
    "svg_with_external_xlink_href": (
        f'{SVG}><use xlink:href="https://evil.example/a.svg#x"/></svg>',
        "links to https",
    ),
    "svg_with_foreign_object": (
        f"{SVG}><foreignObject><p xmlns='http://www.w3.org/1999/xhtml'>x</p></foreignObject></svg>",
        "<foreignobject> element",
    ),
    "svg_with_stylesheet_url": (
        f"{SVG}><style>rect {{ fill: url(http://evil.example/p) }}</style></svg>",
        "loads url(http://evil.example/p)",
    ),
    "svg_billion_laughs": (
        '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa">'
        + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9))
        + f"]>{SVG}><text>&j;</text></svg>",
        "declares XML entities",
    ),
}


@pytest.mark.parametrize("case", list(SVGS))
def test_unsafe_svg_logo_is_refused(eng, case):
    content, says = SVGS[case]
    _logo(eng, "logo-hostile.svg", content)
    refused("validate", eng, says=("brand.yml", "logo-hostile.svg", "not a safe image", says))
