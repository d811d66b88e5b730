"""Report text in the engagement's language.

Every user-visible label lives in ``salesaudit/report/labels/<area>.yaml`` as ``key: {ru: ..., en: ...}``;
keys are unique across files. Text may hold ``{name}`` placeholders filled by :func:`t`. Plural forms
use Babel's plural rules: a value may be a mapping of CLDR plural categories (``one``, ``few``,
``many``, ``other``) chosen by the ``count`` argument.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from importlib import resources

from babel import Locale

from ..engine.config import load_yaml

LANGUAGES: tuple[str, ...] = ("ru", "en")


@lru_cache(maxsize=1)
def catalog() -> dict[str, dict[str, object]]:
    """All labels, ``{key: {lang: text}}``, merged from every file in ``salesaudit/labels``.

    Raises ``ValueError`` on a key defined twice, so two areas never fight over one word.
    """
    merged: dict[str, dict[str, object]] = {}
    for entry in sorted(resources.files("salesaudit.report.labels").iterdir(), key=lambda p: p.name):
        if not entry.name.endswith(".yaml"):
            continue
        data = load_yaml(entry.read_text(encoding="utf-8")) or {}
        for key, texts in data.items():
            if key in merged:
                raise ValueError(f"label {key!r} is defined twice (again in {entry.name})")
            merged[key] = texts
    return merged


def t(key: str, lang: str = "ru", /, count: float | None = None, **params: object) -> str:
    """Translate ``key`` into ``lang`` and fill its placeholders.

    Examples
    --------
    >>> t("report.title", "en")
    'Sales system audit'
    >>> t("unit.clients", "ru", count=21)
    '21 клиент'
    >>> t("unit.clients", "ru", count=5)
    '5 клиентов'
    """
    texts = catalog()[key]
    text = texts[lang]
    if isinstance(text, dict):
        if count is None:
            raise ValueError(f"label {key!r} has plural forms; pass count=")
        form = Locale.parse(lang).plural_form(abs(count))
        text = text.get(form, text["other"])
    if count is not None:
        params.setdefault("count", _count_text(count, lang))
    return _closed(str(text), params).format(**params) if params else str(text)


def _closed(text: str, params: Mapping[str, object]) -> str:
    """``text`` without the period after a placeholder whose value already ends with one, so a
    sentence ending in "Hub Client Inc." or "2 нед." is closed once.

    Examples
    --------
    >>> _closed("Audit: {client}. Data.", {"client": "Hub Client Inc."}).format(client="Hub Client Inc.")
    'Audit: Hub Client Inc. Data.'
    """
    for name, value in params.items():
        if str(value).endswith(".") and "{" + name + "}." in text:
            text = text.replace("{" + name + "}.", "{" + name + "}")
    return text


def _count_text(count: float, lang: str) -> str:
    from .formatting import fmt_number

    return fmt_number(count, lang=lang)


def column_label(column: str, lang: str) -> str:
    """A table column's header in ``lang`` (``col.<column>`` in the labels), else the column name.

    Examples
    --------
    >>> column_label("amount", "ru"), column_label("no_such_column", "ru")
    ('Сумма', 'no_such_column')
    """
    entry = catalog().get(f"col.{column}")
    return str(entry[lang]) if entry else column
