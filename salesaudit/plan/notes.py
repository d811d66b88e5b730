"""Plan stage, the wording: the plan's notes, rate sources, attainment verdicts and the penalty rule
in the report's language.

The arithmetic modules (:mod:`~salesaudit.plan.months`, :mod:`~salesaudit.plan.managers`,
:mod:`~salesaudit.plan.funnel`, :mod:`~salesaudit.plan.motivation`) give language-free keys and
numbers; this module alone turns them into sentences (:func:`salesaudit.report.i18n.t`, numbers,
percentages and dates by :mod:`salesaudit.report.formatting`).
"""

from __future__ import annotations

from collections.abc import Iterable

from ..exceptions import ConfigError
from ..report.formatting import fmt_date, fmt_number, fmt_percent
from ..report.i18n import t
from .funnel import SOURCES

_SOURCE_LABELS = {
    "manager": "plan.source.manager",
    "department": "plan.source.department",
    "default": "plan.source.default",
    "missing": "plan.source.missing",
}

VERDICT_LABELS = {
    "too soft": "plan.motivation.verdict.too_soft",
    "too hard": "plan.motivation.verdict.too_hard",
    "ok": "plan.motivation.verdict.ok",
    "unknown": "plan.motivation.verdict.unknown",
}
"""Label key of each verdict of :func:`salesaudit.plan.motivation.judge_attainment`."""


def note_text(key: str, params: dict, lang: str) -> str:
    """One plan note ``(label key, parameters)`` as a sentence in ``lang``: amounts as numbers,
    start / end / date as dates, growth as a percentage.

    Examples
    --------
    >>> note_text("plan.note.target_given", {"amount": 1_000_000}, "en")
    'The year target is set by the owner: 1,000,000.'
    """
    shown = {}
    for name, value in params.items():
        if name in ("amount", "base"):
            shown[name] = fmt_number(value, lang=lang)
        elif name in ("start", "end", "date"):
            shown[name] = fmt_date(value, lang=lang, style="short" if lang == "ru" else "medium")
        elif name == "growth":
            shown[name] = fmt_percent(value, lang=lang, digits=1)
        else:
            shown[name] = value
    return t(key, lang, **shown)


def label_source(source: str, lang: str = "ru") -> str:
    """A rate source (:data:`salesaudit.plan.funnel.SOURCES`) in words, for tables in the report.

    Examples
    --------
    >>> label_source("default", "en")
    'default assumption'
    """
    if source not in _SOURCE_LABELS:
        raise ConfigError("unknown rate source", value=source, hint=f"one of {', '.join(SOURCES)}")
    return t(_SOURCE_LABELS[source], lang)


def verdict_texts(verdicts: Iterable[str], lang: str = "ru") -> list[str]:
    """Each attainment verdict (``"too soft"``, ``"too hard"``, ``"ok"``, ``"unknown"``) in words.

    Examples
    --------
    >>> verdict_texts(["ok", "unknown"], "en")
    ['plan realistic', 'not enough data']
    """
    return [t(VERDICT_LABELS[v], lang) for v in verdicts]


def penalty_note(country: str = "RU", lang: str = "ru") -> str | None:
    """The legal note on "penalties" for the report, or None where none is needed.

    In Russia cash fines are not a lawful sanction (Labour Code art. 192): a "penalty" for missing
    the plan is a reduced or withheld bonus under the company's bonus regulation. Other countries:
    None (no note is stated).

    Examples
    --------
    >>> penalty_note("RU", "en").startswith("In Russia, cash fines")
    True
    >>> penalty_note("DE", "en") is None
    True
    """
    if str(country).upper() != "RU":
        return None
    return t("plan.motivation.penalty_note", lang)
