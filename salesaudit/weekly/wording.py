"""The words of weekly tracking: display labels of tracking tables and the backtest's headline sentence.

Everything here takes ``lang`` and calls :func:`salesaudit.report.i18n.t`; the figures it words come from
:mod:`salesaudit.weekly.tracking` and :mod:`salesaudit.weekly.backtest`, which stay free of language.
The alert sentences are in :mod:`salesaudit.weekly.alerts`.
"""

from __future__ import annotations

import pandas as pd

from ..report.formatting import fmt_number
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
