"""``salesaudit new``: a fresh engagement folder the consultant fills in.

Locale: ``--lang`` is the report's language only. The engagement's currency (ISO 4217) and its
working-day calendar's country (ISO 3166) are options of their own; left out, they are RUB and RU for a
Russian report and must be given for an English one — a consultant abroad must never get roubles and
the Russian calendar by default. Money defaults follow the currency (see
:func:`salesaudit.engine.config.engagement_yaml_text`).
"""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass
from pathlib import Path

from ..audit.questionnaire import questionnaire_text
from ..exceptions import ConfigError
from .config import engagement_yaml_text
from .locale_codes import check_country, check_currency
from .templates import template_path
from .yamlfile import load_strict

LANGUAGES = ("ru", "en")
DEFAULT_LOCALE = {"ru": ("RUB", "RU")}
"""Currency and country a language implies when they are not given (none for English)."""


@dataclass(frozen=True)
class Locale:
    """The locale of a new engagement: report ``language``, ``currency``, ``country`` and which of the
    last two were defaulted rather than given (``defaulted``, for the command to say so)."""

    language: str
    currency: str
    country: str
    defaulted: tuple[str, ...] = ()


def resolve_locale(lang: str, currency: str | None = None, country: str | None = None) -> Locale:
    """The new engagement's locale from the ``new`` command's options.

    Raises
    ------
    ConfigError
        An unknown language, currency or country; or ``--lang en`` without ``--currency`` and
        ``--country``.

    Examples
    --------
    >>> resolve_locale("ru")
    Locale(language='ru', currency='RUB', country='RU', defaulted=('currency', 'country'))
    >>> resolve_locale("en", "usd", "us")
    Locale(language='en', currency='USD', country='US', defaulted=())
    """
    if lang not in LANGUAGES:
        raise ConfigError("--lang: the report language must be ru or en", value=lang)
    missing = [o for o, v in (("--currency", currency), ("--country", country)) if v is None]
    if missing and lang not in DEFAULT_LOCALE:
        raise ConfigError(
            f"--lang {lang} needs {' and '.join(missing)}: the engagement's money and working-day "
            "calendar are not implied by the report's language",
            hint="e.g. --currency USD --country US, or --currency EUR --country DE "
            "(--currency RUB --country RU for a Russian client)",
        )
    default_currency, default_country = DEFAULT_LOCALE.get(lang, (None, None))
    return Locale(
        language=lang,
        currency=check_currency(currency) if currency is not None else default_currency,
        country=check_country(country) if country is not None else default_country,
        defaulted=tuple(k for k, v in (("currency", currency), ("country", country)) if v is None),
    )


def scaffold(
    folder: str | Path,
    *,
    client: str,
    lang: str = "ru",
    preset: str | None = None,
    currency: str | None = None,
    country: str | None = None,
    today: dt.date | None = None,
) -> Path:
    """Create ``folder`` with a commented ``engagement.yaml``, the default brand, an empty interview
    questionnaire in ``lang`` and an empty ``data/``. Refuses a folder that exists and is not empty.

    ``currency`` / ``country`` as in :func:`resolve_locale`. With a ``preset``, ``inputs`` holds only
    what the consultant must provide — the export itself (sales, and the pipeline from the same file
    for a deal export), its files as globs matching what that system names its export — and the other
    tables as commented examples, so that a fresh folder plus the real export validates.

    ``client`` is written by the YAML library (:func:`salesaudit.engine.config.yaml_scalar`), never
    pasted into the text: any name — quotes, ``#``, braces, line breaks — reads back as given.
    """
    folder = Path(folder)
    locale = resolve_locale(lang, currency, country)
    if folder.exists() and any(folder.iterdir()):
        raise ConfigError("the folder exists and is not empty; nothing was written", file=str(folder))
    today = today or dt.date.today()
    inputs = None
    if preset is not None:
        from ..intake.presets import PRESETS, preset_inputs_text

        if preset not in PRESETS:
            raise ConfigError(
                "--preset: unknown preset",
                value=preset,
                hint=f"known presets: {', '.join(sorted(PRESETS)) or 'none yet'}",
            )
        inputs = preset_inputs_text(preset)
    text = engagement_yaml_text(
        client_name=client,
        language=locale.language,
        as_of=today.isoformat(),
        plan_year=today.year,
        inputs=inputs,
        currency=locale.currency,
        country=locale.country,
    )
    written = load_strict(text, file="engagement.yaml")  # the scaffold itself must always parse
    if written["client"]["name"] != client:  # written by the YAML library: reads back as given
        raise ConfigError("the client name does not read back as given; nothing was written", value=client)
    (folder / "data").mkdir(parents=True, exist_ok=True)
    (folder / "engagement.yaml").write_text(text, encoding="utf-8")
    shutil.copyfile(template_path("brand.yml"), folder / "brand.yml")
    shutil.copyfile(template_path("logo.svg"), folder / "logo.svg")
    (folder / "questionnaire.yaml").write_text(questionnaire_text(locale.language), encoding="utf-8")
    return folder
