"""The consulting firm's brand, read from a brand.yml file (the ``brand-yml`` package).

What the report needs is flattened into :class:`Brand`: firm name and contact, colours, fonts, the logo
as inline markup (never a link), and the chart palette.

Brand values are data, never code: they end up inside the report's ``<style>`` and in matplotlib, so
:func:`load_brand` refuses anything but a colour (``#rgb``, ``#rrggbb``, ``#rrggbbaa`` or a CSS colour
name), a font name (letters, digits, space, ``-``, ``_``, ``.``) and a size (``10pt``, ``1.1em``);
the logo must be an image by its content (PNG, JPEG, or SVG without scripts, event handlers or external
references) lying inside the engagement folder. Names and contact are plain text, escaped in the HTML.
"""

from __future__ import annotations

import base64
import html
import re
from dataclasses import dataclass, field
from pathlib import Path

import brand_yml
from pydantic import ValidationError

from ..engine.paths import confined
from ..engine.yamlfile import read_yaml_file
from ..exceptions import ConfigError, shorten

DEFAULT_COLORS = {
    "primary": "#1B3A5C",
    "secondary": "#6B7785",
    "success": "#1F8A8A",
    "warning": "#E0A526",
    "danger": "#C0392B",
    "light": "#F3F5F8",
    "foreground": "#1E2430",
    "background": "#FFFFFF",
}

MAX_LOGO_BYTES = 5 * 2**20
"""A logo is embedded in the report: larger than this is not a logo."""

_HEX_COLOR = re.compile(r"#(?:[0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})")
_FONT = re.compile(r"[^\W_][\w .\-]{0,63}")  # letters (any script), digits, space - _ . ; 64 at most
_SIZE = re.compile(r"\d{1,3}(?:\.\d{1,3})?(?:pt|px|em|rem|%)")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
_PNG, _JPEG = b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff"


@dataclass(frozen=True)
class Brand:
    firm: str
    short_name: str
    contact: str
    colors: dict[str, str]
    font_base: str
    font_headings: str
    font_size: str
    heading_color: str
    logo_markup: str
    palette: list[str] = field(default_factory=list)


def is_color(value: str) -> bool:
    """Whether ``value`` is a colour the report may paste into CSS and matplotlib may draw: ``#rgb``,
    ``#rgba``, ``#rrggbb``, ``#rrggbbaa`` or one of the 148 CSS colour names.

    Examples
    --------
    >>> is_color("#1B3A5C"), is_color("teal"), is_color("RebeccaPurple")
    (True, True, True)
    >>> is_color("#1B3A5C; } body{background:url(http://x)}"), is_color("navyy")
    (False, False)
    """
    if _HEX_COLOR.fullmatch(value):
        return True
    if not value.isascii() or not value.isalpha():
        return False
    from matplotlib.colors import CSS4_COLORS  # the CSS colour names (imported only for a name)

    return value.lower() in CSS4_COLORS


def is_font_name(value: str) -> bool:
    """Whether ``value`` is a plain font family name: letters of any script, digits, space, hyphen,
    underscore and dot, 64 characters at most — no quote, semicolon, brace, bracket, slash.

    Examples
    --------
    >>> is_font_name("DejaVu Sans"), is_font_name("PT Sans Narrow"), is_font_name("Шрифт-2.0")
    (True, True, True)
    >>> is_font_name('DejaVu Sans"; } </style><script>'), is_font_name("x" * 65)
    (False, False)
    """
    return bool(_FONT.fullmatch(value))


def is_font_size(value: str) -> bool:
    """Whether ``value`` is a number with a CSS unit: ``pt``, ``px``, ``em``, ``rem`` or ``%``.

    Examples
    --------
    >>> is_font_size("10pt"), is_font_size("1.1em"), is_font_size("10"), is_font_size("10pt;}")
    (True, True, False, False)
    """
    return bool(_SIZE.fullmatch(value))


def _checked(value: object, check, *, what: str, key: str, file: str, example: str) -> str:
    """``value`` as text when ``check`` accepts it; a :class:`ConfigError` naming the key otherwise."""
    text = "" if value is None else str(value)
    if not check(text):
        raise ConfigError(
            f"{what} expected",
            file=file,
            key=key,
            value=shorten(str(text), 60),
            hint=f"write it as, e.g., {example} (brand values are data, not code)",
        )
    return text


def load_brand(path: str | Path, *, root: str | Path | None = None, allow_outside: bool = False) -> Brand:
    """Read a brand.yml file, every value checked (colours, fonts, size, logo).

    Parameters
    ----------
    path
        The brand.yml file.
    root
        The folder the logo must lie in: the engagement folder (default: the brand file's folder).
    allow_outside
        ``files_outside_folder: allow`` in engagement.yaml: the logo may lie anywhere.

    Raises
    ------
    ConfigError
        When the file is missing or does not follow the brand.yml format; when a colour, font or size
        is not one (naming the key and the value); when the logo lies outside ``root`` or is not a PNG,
        JPEG or safe SVG image.

    Examples
    --------
    >>> from salesaudit.engine.templates import template_path
    >>> b = load_brand(template_path("brand.yml"))
    >>> b.colors["primary"], b.font_base, b.logo_markup[:36]
    ('#1B3A5C', 'DejaVu Sans', '<img src="data:image/svg+xml;base64,')
    """
    path = Path(path)
    b = _parse(path)
    file = str(path)
    colors, palette, heading_color = _colors(b, file=file)
    base, headings, size = _typography(b, file=file)
    name = b.meta.name if b.meta is not None else None
    firm = (getattr(name, "full", None) or getattr(name, "short", None) or "") if name else ""
    short = (getattr(name, "short", None) or firm) if name else ""
    contact = ((b.defaults or {}).get("salesaudit") or {}).get("contact", "")
    root = path.parent if root is None else Path(root)
    return Brand(
        firm=str(firm),
        short_name=str(short),
        contact=str(contact),
        colors=colors,
        font_base=base,
        font_headings=headings,
        font_size=size,
        heading_color=heading_color,
        logo_markup=_logo(b, path, firm, root=root, allow_outside=allow_outside),
        palette=palette,
    )


def _parse(path: Path):
    """The brand.yml file parsed by ``brand-yml``; its errors as one :class:`ConfigError`."""
    if not path.is_file():
        raise ConfigError("brand file not found", file=str(path))
    data = read_yaml_file(path, what="brand")  # size, alias and duplicate-key bounds
    if not isinstance(data, dict):
        raise ConfigError("not a valid brand.yml: it must be a mapping (meta:, color:, ...)", file=str(path))
    try:
        return brand_yml.Brand.model_validate({**data, "path": path.absolute()})
    except ValidationError as exc:
        errors = exc.errors()
        # a union's first branch is rarely the one meant: the error a validator raised says more
        err = next((e for e in errors if e["type"] == "value_error"), errors[0])
        loc = [str(p) for p in err["loc"] if not re.fullmatch(r"(Brand|FileLocation)\w*", str(p))]
        raise ConfigError(
            f"not a valid brand.yml: {shorten(str(err['msg']), 200)}", file=str(path), key=".".join(loc)
        ) from None
    except Exception as exc:  # YAML errors, circular colour references...
        raise ConfigError(f"not a valid brand.yml: {shorten(str(exc), 200)}", file=str(path)) from None


def _colors(b, *, file: str) -> tuple[dict[str, str], list[str], str]:
    """The theme colours, the chart palette and the headings' colour, each checked to be a colour."""
    colors = dict(DEFAULT_COLORS)
    named = dict((b.color.palette or {}) if b.color is not None else {})
    for name, value in named.items():
        _checked(value, is_color, what="a colour", key=f"color.palette.{name}", file=file, example="#1B3A5C")
    if b.color is not None:
        for name in DEFAULT_COLORS:
            value = getattr(b.color, name, None)
            if value:
                colors[name] = _checked(
                    value, is_color, what="a colour", key=f"color.{name}", file=file, example="#1B3A5C"
                )
    palette_names = ((b.defaults or {}).get("salesaudit") or {}).get("chart_palette") or []
    palette = [
        _checked(
            named.get(str(n), colors.get(str(n), n)),
            is_color,
            what="a palette colour name or a colour",
            key=f"defaults.salesaudit.chart_palette[{i}]",
            file=file,
            example="navy or #1B3A5C",
        )
        for i, n in enumerate(palette_names)
    ] or [colors["primary"], colors["success"], colors["warning"], colors["secondary"], colors["danger"]]
    heading = getattr(getattr(b.typography, "headings", None), "color", None) or colors["primary"]
    heading = _checked(
        named.get(str(heading), heading),
        is_color,
        what="a colour",
        key="typography.headings.color",
        file=file,
        example="#1B3A5C",
    )
    return colors, palette, heading


def _typography(b, *, file: str) -> tuple[str, str, str]:
    """The base and headings font families and the base size, each checked."""
    typo = b.typography
    base = getattr(getattr(typo, "base", None), "family", None) or "DejaVu Sans"
    headings = getattr(getattr(typo, "headings", None), "family", None) or base
    size = getattr(getattr(typo, "base", None), "size", None) or "10pt"
    font = {"what": "a font family name", "file": file, "example": '"DejaVu Sans"'}
    return (
        _checked(base, is_font_name, key="typography.base.family", **font),
        _checked(headings, is_font_name, key="typography.headings.family", **font),
        _checked(
            size, is_font_size, what="a font size", key="typography.base.size", file=file, example="10pt"
        ),
    )


def _logo(b, brand_file: Path, alt: str, *, root: Path, allow_outside: bool) -> str:
    """The logo inline: an ``<img>`` with a ``data:`` URI (SVG, PNG or JPEG by content). Never a URL,
    never a file outside ``root``."""
    logo = b.logo
    if logo is None:
        return ""
    res = getattr(logo, "medium", None) or getattr(logo, "small", None) or getattr(logo, "large", None)
    if res is None:
        return ""
    loc = getattr(res, "path", res)
    rel = str(getattr(loc, "root", loc))
    file = str(brand_file)
    if rel.startswith("file:"):  # brand-yml's way of writing an absolute path
        rel = re.sub(r"^file:(//)?", "", rel)
    elif _SCHEME.match(rel):
        raise ConfigError("the logo must be a local file, not a URL", file=file, key="logo", value=rel)
    p = confined(brand_file.parent / rel, root, key="logo", file=file, allow_outside=allow_outside)
    if not p.is_file():
        raise ConfigError("logo file not found", file=file, key="logo", value=str(p))
    if p.stat().st_size > MAX_LOGO_BYTES:
        raise ConfigError(
            f"the logo is larger than {MAX_LOGO_BYTES // 2**20} MB", file=file, key="logo", value=str(p)
        )
    data = p.read_bytes()
    mime = "image/png" if data.startswith(_PNG) else "image/jpeg" if data.startswith(_JPEG) else None
    if mime is None:
        check_svg(data, logo=p, file=file)
        mime = "image/svg+xml"
    return f'<img src="data:{mime};base64,{base64.b64encode(data).decode()}" alt="{html.escape(alt)}">'


def check_svg(data: bytes, *, logo: Path, file: str | None = None) -> None:
    """Refuse an SVG logo that is not a plain picture: not XML with an ``<svg>`` root, entity
    declarations (the "billion laughs"), ``<script>``, ``<foreignObject>``, ``on*`` event handlers, a
    link or ``url()`` to anything but ``#…`` or ``data:image/…``, ``@import``, ``javascript:``.

    Raises
    ------
    ConfigError
        Naming the logo and what it holds.

    Examples
    --------
    >>> check_svg(b'<svg xmlns="http://www.w3.org/2000/svg"><rect width="4" height="4"/></svg>',
    ...           logo=Path("logo.svg"))
    >>> check_svg(b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', logo=Path("logo.svg"))
    Traceback (most recent call last):
    ...
    salesaudit.exceptions.ConfigError: key 'logo': the logo logo.svg is not a safe image: ...
    """

    def refuse(why: str):
        raise ConfigError(
            f"the logo {logo.name} is not a safe image: {why}",
            file=file,
            key="logo",
            value=str(logo),
            hint="use a PNG, a JPEG or a plain SVG (no scripts, event handlers, links or embedded HTML)",
        )

    root = _parse_svg(data, refuse)
    if _local(root.tag) != "svg":
        refuse(f"its content is XML with a <{_local(root.tag)}> root, not a PNG, JPEG or SVG image")
    if re.search(rb"<\?xml-stylesheet", data, re.I):
        refuse("it loads a stylesheet")
    for el in root.iter():
        tag = _local(el.tag)
        if tag in ("script", "foreignobject", "iframe", "embed", "object", "handler", "listener"):
            refuse(f"it holds a <{tag}> element")
        if tag == "style" and unsafe_css(el.text or ""):
            refuse(f"its style loads {unsafe_css(el.text or '')[0]}")
        for key, value in el.attrib.items():
            name, low = _local(key), value.strip().lower()
            if name.startswith("on"):
                refuse(f"it has an event handler ({name}=...)")
            if name in ("href", "src") and not low.startswith(("#", "data:image/")):
                refuse(f"it links to {shorten(str(value), 60)}")
            if (name == "attributename" and low in ("href", "xlink:href")) or "javascript:" in low:
                refuse(f"it rewrites a link ({name}={shorten(str(value), 60)})")
            if unsafe_css(value):
                refuse(f"its {name} loads {unsafe_css(value)[0]}")


def _parse_svg(data: bytes, refuse):
    """The XML tree of ``data``, entity declarations refused (defusedxml when installed)."""
    from xml.etree.ElementTree import ParseError

    try:
        import defusedxml.ElementTree as safe_xml
    except ImportError:  # pragma: no cover - defusedxml comes with nbconvert
        safe_xml = None
    if re.search(rb"<!ENTITY", data, re.I):
        refuse("it declares XML entities")
    try:
        if safe_xml is not None:
            return safe_xml.fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
        from xml.etree.ElementTree import fromstring

        return fromstring(data)
    except (ParseError, ValueError) as exc:  # defusedxml's refusals are ValueErrors
        refuse(f"its content is not a PNG, JPEG or SVG image ({shorten(str(exc), 80)})")


def _local(name: object) -> str:
    """An XML tag or attribute name without its namespace, lower case."""
    return str(name).rsplit("}", 1)[-1].lower()


_CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})\s?|\\(.)", re.S)
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_CSS_URL = re.compile(r"\burl\(\s*['\"]?\s*([^)'\"\s]*)", re.I)


def unsafe_css(css: str) -> list[str]:
    r"""What in ``css`` would load something: ``@import``, ``image-set(``, ``url(`` to anything but
    ``data:`` or ``#…``, ``javascript:`` (CSS escapes such as ``\75 rl(`` decoded first).

    Examples
    --------
    >>> unsafe_css("body { background: url(data:image/png;base64,AA) } .a { fill: url(#g) }")
    []
    >>> unsafe_css("body { background: \\75 rl('http://x.example/a.png') } @import 'b.css';")
    ['@import', 'url(http://x.example/a.png)']
    """

    def unescape(m: re.Match) -> str:
        if m.group(1):
            code = int(m.group(1), 16)
            return chr(code) if 0 < code <= 0x10FFFF else "\ufffd"
        return m.group(2)

    text = _CSS_COMMENT.sub("", _CSS_ESCAPE.sub(unescape, css))
    low = text.lower()
    bad = ["@import"] if "@import" in low else []
    bad += ["image-set("] if "image-set(" in low else []
    bad += ["javascript:"] if "javascript:" in low else []
    bad += [f"url({t})" for t in _CSS_URL.findall(text) if not t.lower().startswith(("data:", "#"))]
    return bad


def css_string(text: str) -> str:
    r"""``text`` as a double-quoted CSS string: every character but letters, digits, space and
    ``-_.,:`` written as a CSS escape, so the value can end neither the string, nor the rule, nor the
    ``<style>`` element.

    Examples
    --------
    >>> css_string("DejaVu Sans")
    '"DejaVu Sans"'
    >>> print(css_string('x"; } </style>'))
    "x\22 \3b  \7d  \3c \2f style\3e "
    """
    return '"' + "".join(ch if ch.isalnum() or ch in " -_.,:" else f"\\{ord(ch):x} " for ch in text) + '"'


def css_variables(brand: Brand, *, page_word: str, of_word: str) -> str:
    """The ``:root`` block the report's stylesheet reads its brand values from.

    Font names and words are written as escaped CSS strings (:func:`css_string`); colours and the
    size are pasted only when they are one (a :class:`ConfigError` otherwise), whoever built ``brand``.
    """
    c = dict(brand.colors, heading=brand.heading_color)
    for name, value in c.items():
        if not is_color(str(value)):
            raise ConfigError("not a colour", key=f"color.{name}", value=shorten(str(value), 60))
    if not is_font_size(brand.font_size):
        raise ConfigError(
            "not a font size", key="typography.base.size", value=shorten(str(brand.font_size), 60)
        )

    def font(name: str) -> str:
        return f'{css_string(name)}, "DejaVu Sans", sans-serif'

    return (
        ":root {"
        f" --primary: {c['primary']}; --muted: {c['secondary']}; --success: {c['success']};"
        f" --warning: {c['warning']}; --danger: {c['danger']}; --light: {c['light']};"
        f" --fg: {c['foreground']}; --bg: {c['background']}; --heading: {c['heading']};"
        f" --font-base: {font(brand.font_base)}; --font-headings: {font(brand.font_headings)};"
        f" --font-size: {brand.font_size};"
        f" --page-word: {css_string(page_word)}; --of-word: {css_string(of_word)};"
        " }\n"
    )
