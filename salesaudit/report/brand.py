"""The consulting firm's brand, read from a brand.yml file (the ``brand-yml`` package).

What the report needs is flattened into :class:`Brand`: firm name and contact, colours, fonts, the logo
as inline markup (never a link), and the chart palette.
"""

from __future__ import annotations

import base64
import html
from dataclasses import dataclass, field
from pathlib import Path

import brand_yml
from pydantic import ValidationError

from ..exceptions import ConfigError

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


def load_brand(path: str | Path) -> Brand:
    """Read a brand.yml file.

    Raises
    ------
    ConfigError
        When the file is missing or does not follow the brand.yml format.
    """
    path = Path(path)
    try:
        b = brand_yml.Brand.from_yaml(path)
    except FileNotFoundError:
        raise ConfigError("brand file not found", file=str(path)) from None
    except ValidationError as exc:
        err = exc.errors()[0]
        raise ConfigError(
            f"not a valid brand.yml: {err['msg']}",
            file=str(path),
            key=".".join(map(str, err["loc"])),
        ) from None
    except Exception as exc:  # YAML errors, circular colour references...
        raise ConfigError(f"not a valid brand.yml: {exc}", file=str(path)) from None

    colors = dict(DEFAULT_COLORS)
    if b.color is not None:
        for name in DEFAULT_COLORS:
            value = getattr(b.color, name, None)
            if value:
                colors[name] = str(value)
    palette_names = ((b.defaults or {}).get("salesaudit") or {}).get("chart_palette") or []
    named = dict((b.color.palette or {}) if b.color is not None else {})
    palette = [str(named.get(n, n)) for n in palette_names] or [
        colors["primary"],
        colors["success"],
        colors["warning"],
        colors["secondary"],
        colors["danger"],
    ]
    name = b.meta.name if b.meta is not None else None
    firm = (getattr(name, "full", None) or getattr(name, "short", None) or "") if name else ""
    short = (getattr(name, "short", None) or firm) if name else ""
    contact = ((b.defaults or {}).get("salesaudit") or {}).get("contact", "")
    typo = b.typography
    base = getattr(getattr(typo, "base", None), "family", None) or "DejaVu Sans"
    headings = getattr(getattr(typo, "headings", None), "family", None) or base
    size = getattr(getattr(typo, "base", None), "size", None) or "10pt"
    heading_color = getattr(getattr(typo, "headings", None), "color", None) or colors["primary"]
    heading_color = str(named.get(heading_color, heading_color))
    return Brand(
        firm=firm,
        short_name=short,
        contact=str(contact),
        colors=colors,
        font_base=base,
        font_headings=headings,
        font_size=str(size),
        heading_color=heading_color,
        logo_markup=_logo(b, path.parent, firm),
        palette=palette,
    )


def _logo(b, folder: Path, alt: str) -> str:
    """The logo inline: SVG markup as is, raster images as data: URIs. Never a URL."""
    logo = b.logo
    if logo is None:
        return ""
    res = getattr(logo, "medium", None) or getattr(logo, "small", None) or getattr(logo, "large", None)
    if res is None:
        return ""
    loc = getattr(res, "path", res)
    rel = str(getattr(loc, "root", loc))
    if rel.startswith(("http://", "https://")):
        raise ConfigError("the logo must be a local file, not a URL", key="logo", value=rel)
    p = (folder / rel).resolve()
    if not p.is_file():
        raise ConfigError("logo file not found", file=str(p), key="logo")
    data = p.read_bytes()
    if p.suffix.lower() == ".svg":
        data_uri = "data:image/svg+xml;base64," + base64.b64encode(data).decode()
    else:
        mime = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}.get(p.suffix.lower())
        if mime is None:
            raise ConfigError("logo must be SVG, PNG or JPEG", file=str(p))
        data_uri = f"data:{mime};base64," + base64.b64encode(data).decode()
    return f'<img src="{data_uri}" alt="{html.escape(alt)}">'


def css_variables(brand: Brand, *, page_word: str, of_word: str) -> str:
    """The ``:root`` block the report's stylesheet reads its brand values from."""
    c = brand.colors

    def font(name: str) -> str:
        return f'"{name}", "DejaVu Sans", sans-serif'

    return (
        ":root {"
        f" --primary: {c['primary']}; --muted: {c['secondary']}; --success: {c['success']};"
        f" --warning: {c['warning']}; --danger: {c['danger']}; --light: {c['light']};"
        f" --fg: {c['foreground']}; --bg: {c['background']}; --heading: {brand.heading_color};"
        f" --font-base: {font(brand.font_base)}; --font-headings: {font(brand.font_headings)};"
        f" --font-size: {brand.font_size};"
        f' --page-word: "{page_word}"; --of-word: "{of_word}";'
        " }\n"
    )
