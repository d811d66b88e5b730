"""The words of weekly tracking: display labels of tracking tables, the backtest's headline sentence and
the sentences of the chances of the plan (:mod:`salesaudit.weekly.chance`) and their calibration.

Everything here takes ``lang`` and calls :func:`salesaudit.report.i18n.t`; the figures it words come from
:mod:`salesaudit.weekly.tracking` and :mod:`salesaudit.weekly.backtest`, which stay free of language.
The alert sentences are in :mod:`salesaudit.weekly.alerts`.
"""

from __future__ import annotations

import pandas as pd
from babel.dates import format_date

from ..report.formatting import fmt_money, fmt_number, fmt_percent
from ..report.i18n import t


def with_labels(table: pd.DataFrame, *, lang: str) -> pd.DataFrame:
    """A copy of a tracking table whose ``manager`` names every row: the department row and the row of
    sales without a manager get their labels in ``lang`` (for display; the data keep NA)."""
    out = table.copy()
    names = out["manager"].astype("object")
    dept = out["level"].eq("department") if "level" in out else pd.Series(False, index=out.index)
    names = names.where(~(dept & names.isna()), t("tracking.who.department", lang))
    names = names.where(names.notna(), t("tracking.who.unassigned", lang))
    out["manager"] = names.astype("str")
    return out


def backtest_headline(backtest_table: pd.DataFrame, *, lang: str) -> dict:
    """The backtest's argument in one sentence: in how many missed months the department's weekly view
    warned before month end, and the mean weeks of warning. Returns ``{"text", "severity", "months",
    "weeks"}``."""
    dept = backtest_table[(backtest_table["level"] == "department") & backtest_table["missed"]]
    warned = dept[dept["flagged"] & dept["weeks_of_warning"].fillna(0).gt(0)]
    if not len(warned):
        return {"text": t("tracking.backtest_none", lang), "severity": "info", "months": 0, "weeks": 0.0}
    weeks = float(warned["weeks_of_warning"].astype(float).mean())
    text = t(
        "tracking.backtest_headline",
        lang,
        count=len(warned),
        weeks=fmt_number(weeks, lang=lang, digits=0 if weeks.is_integer() else 1),
    )
    return {"text": text, "severity": "problem", "months": len(warned), "weeks": weeks}


def _chance(value, lang: str) -> str:
    return t("chance.unknown", lang) if pd.isna(value) else fmt_percent(float(value), lang=lang)


def chance_sentence(chances: pd.DataFrame, *, lang: str, currency: str, bonus: float) -> str | None:
    """The department's chances in one sentence: the month's plan, the bonus threshold and the year's
    plan, with the simulated month total (mean and the middle 80 % of outcomes). None when the
    department has no month row (no plan this month)."""
    dept = chances[chances["level"] == "department"]
    month = dept[dept["horizon"] == "month"]
    if not len(month):
        return None
    m = month.iloc[0]
    year = dept[dept["horizon"] == "year"]
    money = {"lang": lang, "currency": currency}
    text = t(
        "chance.sentence",
        lang,
        period=format_date(pd.Timestamp(f"{m['period']}-01").date(), "LLLL yyyy", locale=lang),
        chance_plan=_chance(m["chance_plan"], lang),
        bonus=fmt_percent(bonus, lang=lang),
        chance_threshold=_chance(m["chance_threshold"], lang),
        expected=fmt_money(m["expected"], **money),
        low=fmt_money(m["low"], **money),
        high=fmt_money(m["high"], **money),
        plan=fmt_money(m["plan"], **money),
    )
    if len(year) and pd.notna(year.iloc[0]["chance_plan"]):
        y = year.iloc[0]
        text += " " + t(
            "chance.sentence_year", lang, year=y["period"], chance_plan=_chance(y["chance_plan"], lang)
        )
    return text


def calibration_note(level: str, chance: str, cal, *, lang: str, min_cases: int = 30) -> dict:
    """What the backtest says of one chance (``chance_plan`` / ``chance_threshold``) at one level
    (``manager`` / ``department``), from its :class:`~salesaudit.weekly.calibration.Calibration`, as a
    finding ``{"text", "severity", "trusted"}``. Trusted (shown as fact, alerted on) only when
    ``calibrated``; ``unknown`` (too few past forecasts with a known outcome) and ``miscalibrated`` are
    said as such, never as ok."""
    who = t(f"chance.who.{level}", lang) + " " + t(f"chance.of.{chance}", lang)
    brier = {
        "brier": fmt_number(cal.brier, lang=lang, digits=3),
        "brier_base": fmt_number(cal.brier_base, lang=lang, digits=3),
    }
    params = {
        "who": who,
        "cases": fmt_number(cal.cases, lang=lang),
        "events": fmt_number(cal.events, lang=lang),
        "min_cases": fmt_number(min_cases, lang=lang),
        **brier,
    }
    if cal.verdict == "miscalibrated":
        params["whom"] = who[:1].lower() + who[1:]
        params["why"] = "; ".join(_why(code, cal, brier, lang=lang) for code in cal.reasons)
    severity = {"calibrated": "info", "unknown": "warning", "miscalibrated": "problem"}[cal.verdict]
    text = t(f"chance.calibration.{cal.verdict}", lang, **params)
    return {"text": text, "severity": severity, "trusted": cal.verdict == "calibrated"}


def _why(code: str, cal, brier: dict, *, lang: str) -> str:
    """A miscalibration reason (``no_skill``, ``bin:0.6-0.8``) in words, with its figures."""
    if not code.startswith("bin:"):
        return t("chance.why.no_skill", lang, **brier)
    row = cal.table[cal.table["lo"].round(6) == round(float(code[4:].split("-")[0]), 6)].iloc[0]
    return t(
        "chance.why.bin",
        lang,
        bin=row["bin"],
        observed=fmt_percent(row["observed"], lang=lang),
        predicted=fmt_percent(row["predicted"], lang=lang),
    )


def week_with_chances(week: pd.DataFrame, chances: pd.DataFrame, trust: dict) -> pd.DataFrame:
    """A :func:`~salesaudit.weekly.tracking.track_week` table with each row's month chances beside it
    (``chance_plan``, ``chance_threshold``, matched on level and manager); a chance the backtest did not
    confirm at the managers' level (:func:`salesaudit.weekly.calibration.trusted`) is renamed
    ``<chance>_guide``, so its header says it is a guide."""
    month = chances[chances["horizon"] == "month"][["level", "manager", "chance_plan", "chance_threshold"]]
    out = week.merge(month, on=["level", "manager"], how="left")
    guides = [kind for kind in ("chance_plan", "chance_threshold") if not trust.get(("manager", kind), False)]
    return out.rename(columns={kind: f"{kind}_guide" for kind in guides})
