"""Where the shipped templates live (``templates/`` in a checkout, packaged data when installed)."""

from __future__ import annotations

from pathlib import Path

_ROOT = Path(__file__).resolve().parents[2] / "templates"


def template_path(name: str) -> Path:
    """Absolute path of a shipped template file, e.g. ``template_path("brand.yml")``."""
    for base in (_ROOT, Path(__file__).resolve().parents[1] / "_templates"):
        if (base / name).exists():
            return base / name
    raise FileNotFoundError(f"template {name!r} is not installed")
