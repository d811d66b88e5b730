"""``salesaudit new``: a fresh engagement folder the consultant fills in."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import yaml

from ..audit.questionnaire import questionnaire_text
from ..exceptions import ConfigError
from .config import engagement_yaml_text
from .templates import template_path


def scaffold(
    folder: str | Path,
    *,
    client: str,
    lang: str = "ru",
    preset: str | None = None,
    today: dt.date | None = None,
) -> Path:
    """Create ``folder`` with a commented ``engagement.yaml``, the default brand, an empty interview
    questionnaire in ``lang`` and an empty ``data/``. Refuses a folder that exists and is not empty."""
    folder = Path(folder)
    if lang not in ("ru", "en"):
        raise ConfigError("language must be ru or en", key="language", value=lang)
    if folder.exists() and any(folder.iterdir()):
        raise ConfigError("the folder exists and is not empty; nothing was written", file=str(folder))
    today = today or dt.date.today()
    inputs = None
    if preset is not None:
        from ..intake.presets import PRESETS, preset_inputs

        if preset not in PRESETS:
            raise ConfigError(
                f"unknown preset {preset!r}",
                value=preset,
                hint=f"known presets: {', '.join(sorted(PRESETS)) or 'none yet'}",
            )
        inputs = preset_inputs(preset)
    text = engagement_yaml_text(
        client_name=client, language=lang, as_of=today.isoformat(), plan_year=today.year, inputs=inputs
    )
    yaml.safe_load(text)  # the scaffold itself must always parse
    (folder / "data").mkdir(parents=True, exist_ok=True)
    (folder / "engagement.yaml").write_text(text, encoding="utf-8")
    shutil.copyfile(template_path("brand.yml"), folder / "brand.yml")
    shutil.copyfile(template_path("logo.svg"), folder / "logo.svg")
    (folder / "questionnaire.yaml").write_text(questionnaire_text(lang), encoding="utf-8")
    return folder
