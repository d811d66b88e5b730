"""Column-mapping presets for the usual CRM / ERP exports, selectable in engagement.yaml.

A preset maps canonical columns to the export's usual headers; ``inputs.<table>.columns`` overrides any
of them column by column.
"""

from __future__ import annotations

from .exceptions import ConfigError

PRESETS: dict[str, dict[str, dict[str, str]]] = {}


def preset_columns(name: str | None, table: str) -> dict[str, str]:
    """The preset's mapping for ``table`` (empty when no preset is chosen)."""
    if name is None:
        return {}
    if name not in PRESETS:
        raise ConfigError(
            f"unknown preset {name!r}", key=f"inputs.{table}.preset", value=name,
            hint=f"known presets: {', '.join(sorted(PRESETS)) or 'none yet'}",
        )
    return dict(PRESETS[name].get(table, {}))
