"""Alerts: whom the head of sales should talk to this week, about which figure, and what to do.

PLAYBOOK.md, "Weekly tracking", default alerts. The rules, their figures, thresholds and severity are
:mod:`salesaudit.weekly.signals` (no language); this module words each alert in the report's language
and currency and lists them. :func:`silent_clients` and :data:`RULES` are importable from here too.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
from babel.dates import format_date

from ..report.formatting import fmt_money, fmt_number, fmt_percent
from ..report.i18n import t
from .pipeline import pipeline_coverage
from .signals import ALERT_COLUMNS, RULES, Fired, fire_rules, ranked, severity, silent_clients
from .tracking import resolve_thresholds, track_week

__all__ = ["RULES", "as_findings", "detect_alerts", "silent_clients"]

_ACTIVITY_LABELS = {
    "calls": "tracking.activity.calls",
    "meetings": "tracking.activity.meetings",
    "proposals": "tracking.activity.proposals",
    "deals": "tracking.activity.deals",
}
_TEXTS = {
    "runrate": "tracking.alert.runrate",
    "two_weeks": "tracking.alert.two_weeks",
    "chance": "tracking.alert.chance",
    "coverage": "tracking.alert.coverage",
    "activity": "tracking.alert.activity",
    "silent_client": "tracking.alert.silent_client",
}


def _who(level: str, manager, lang: str) -> str:
    if level == "department":
        return t("tracking.who.department", lang)
    if pd.isna(manager):
        return t("tracking.who.unassigned", lang)
    return str(manager)


def _month(period: str, lang: str) -> str:
    return format_date(pd.Timestamp(f"{period}-01").date(), "LLLL yyyy", locale=lang)


def _texts(alerts: pd.DataFrame, params: list[dict], *, lang: str) -> list[str]:
    texts = []
    for (_, row), extra in zip(alerts.iterrows(), params, strict=True):
        pct = row["rule"] in ("runrate", "two_weeks", "activity", "chance")
        shown = (
            fmt_percent(row["figure"], lang=lang) if pct else fmt_number(row["figure"], lang=lang, digits=1)
        )
        limit = (
            fmt_percent(row["threshold"], lang=lang)
            if pct
            else fmt_number(row["threshold"], lang=lang, digits=1)
        )
        who = _who(row["level"], row["manager"], lang)
        texts.append(t(_TEXTS[row["rule"]], lang, who=who, figure=shown, threshold=limit, **extra))
    return texts


def detect_alerts(
    sales: pd.DataFrame,
    *,
    plan_weekly: pd.DataFrame,
    as_of,
    week=None,
    country: str = "RU",
    activities: pd.DataFrame | None = None,
    pipeline: pd.DataFrame | None = None,
    clients: pd.DataFrame | None = None,
    win_rate: float | None = None,
    default_win_rate: float = 0.25,
    thresholds: Mapping[str, float] | None = None,
    activity_types: Mapping[str, str] | None = None,
    lang: str = "ru",
    currency: str = "RUB",
    tracking: pd.DataFrame | None = None,
    silent: pd.DataFrame | None = None,
    chances: pd.DataFrame | None = None,
    bonus_threshold: float = 0.7,
) -> pd.DataFrame:
    """The alert table for one week: each rule that fires, for a manager or the department, with text.

    Long because its signature and docstring document nineteen settings; the body only gathers the
    tables the rules read, fires the rules (:func:`salesaudit.weekly.signals.fire_rules`) and words them.

    Conventions: :mod:`salesaudit.weekly.signals`; figures as in :func:`salesaudit.weekly.tracking.track_week` (same
    ``week`` default: the last complete week before ``as_of``). The coverage rule needs ``pipeline``,
    the silent-client rule ``clients`` (with ``abc_class`` or ``segment``); without them those rules
    are skipped.

    Parameters
    ----------
    sales, plan_weekly, as_of, week, country, activities, thresholds, activity_types
        As in :func:`salesaudit.weekly.tracking.track_week`.
    pipeline, win_rate, default_win_rate
        As in :func:`salesaudit.weekly.pipeline.pipeline_coverage`.
    clients
        As in :func:`salesaudit.weekly.signals.silent_clients`.
    lang, currency
        Language of ``text`` ("ru"/"en") and the currency of amounts in it.
    tracking, silent
        The :func:`salesaudit.weekly.tracking.track_week` and :func:`~salesaudit.weekly.signals.silent_clients` tables of these same
        inputs, when the caller has them already (a notebook shows both): not computed again.

    Returns
    -------
    DataFrame with columns ``level`` ("manager"/"department"), ``manager`` (NA for the department),
    ``rule`` (one of :data:`RULES`), ``subject`` (activity kind or client_id, else NA), ``period``,
    ``iso_week``, ``figure``, ``threshold``, ``severity`` ("high"/"medium") and ``text``; high
    severity first, then by rule, department before managers.

    Examples
    --------
    >>> plan = pd.DataFrame({"manager": ["Ann", "Ann"],
    ...     "week_start": pd.to_datetime(["2026-04-06", "2026-04-13"]),
    ...     "week_end": pd.to_datetime(["2026-04-12", "2026-04-19"]), "plan": [1000, 1000]})
    >>> sales = pd.DataFrame({"date": pd.to_datetime(["2026-04-08", "2026-04-15"]),
    ...     "client_id": "c1", "amount": [500.0, 700.0], "manager": "Ann"})
    >>> alerts = detect_alerts(sales, plan_weekly=plan, as_of="2026-04-20", lang="en")
    >>> alerts[["level", "manager", "rule", "figure", "threshold", "severity"]]
            level manager       rule  figure  threshold severity
    0  department     NaN  two_weeks     0.7        0.8   medium
    1     manager     Ann  two_weeks     0.7        0.8   medium
    >>> print(alerts["text"][1][:60])
    Ann: a second week in a row below 80% of the weekly plan — w
    """
    th = resolve_thresholds(thresholds)
    if tracking is None:
        settings = {
            "week": week,
            "country": country,
            "activities": activities,
            "activity_types": activity_types,
        }
        tracking = track_week(sales, plan_weekly=plan_weekly, as_of=as_of, thresholds=th, **settings)
    coverage = None
    if pipeline is not None:
        coverage = pipeline_coverage(
            pipeline, tracking=tracking, win_rate=win_rate, default_win_rate=default_win_rate
        )
    if clients is not None and silent is None:
        silent = silent_clients(
            sales,
            clients=clients,
            as_of=as_of,
            silence_factor=th["silence_factor"],
            min_days=int(th["silence_min_days"]),
        )
    silent = None if clients is None else silent
    fired = fire_rules(tracking, thresholds=th, coverage=coverage, silent=silent, chances=chances)
    words = {"lang": lang, "currency": currency, "bonus": bonus_threshold}
    return _worded(fired, iso_week=tracking["iso_week"].iloc[0], **words)


def _worded(fired: list[Fired], *, iso_week: str, lang: str, currency: str, bonus: float) -> pd.DataFrame:
    """The alert table of the rules that fired: severity, the sentence in ``lang``, listing order."""
    alerts = pd.concat([f.alerts for f in fired], ignore_index=True)
    alerts["severity"] = severity(alerts)
    words = {"iso_week": iso_week, "lang": lang, "currency": currency, "bonus": bonus}
    alerts["text"] = _texts(alerts, [p for f in fired for p in _params(f, **words)], lang=lang)
    for col in ("level", "manager", "rule", "subject", "period", "iso_week", "severity", "text"):
        alerts[col] = alerts[col].astype("str")
    return alerts.loc[ranked(alerts), [*ALERT_COLUMNS, "severity", "text"]].reset_index(drop=True)


def _params(fired: Fired, *, iso_week: str, lang: str, currency: str, bonus: float) -> list[dict]:
    """The placeholders of each alert's sentence beyond who, figure and threshold, one dict per row."""
    money = {"currency": currency, "lang": lang}
    rows = fired.rows
    if fired.rule == "chance":
        return [
            {
                "period": _month(x.period, lang),
                "bonus": fmt_percent(bonus, lang=lang),
                "expected": fmt_money(x.expected, **money),
                "plan": fmt_money(x.plan, **money),
            }
            for x in rows.itertuples()
        ]
    if fired.rule == "runrate":
        return [
            {
                "period": _month(x.period, lang),
                "forecast": fmt_money(x.forecast, **money),
                "plan": fmt_money(x.month_plan, **money),
                "required": fmt_money(x.required_daily, **money),
            }
            for x in rows.itertuples()
        ]
    if fired.rule == "two_weeks":
        return [
            {"iso_week": x.iso_week, "fact": fmt_money(x.fact, **money), "plan": fmt_money(x.plan, **money)}
            for x in rows.itertuples()
        ]
    if fired.rule == "coverage":
        return [
            {
                "pipeline": fmt_money(x.pipeline_amount, **money),
                "remaining": fmt_money(x.remaining_plan, **money),
                "win_rate": fmt_percent(x.win_rate, lang=lang),
            }
            for x in rows.itertuples()
        ]
    if fired.rule == "activity":
        kind = fired.kind
        return [
            {
                "kind": t(_ACTIVITY_LABELS[kind], lang),
                "iso_week": iso_week,
                "fact": fmt_number(done, lang=lang),
                "norm": fmt_number(target, lang=lang),
            }
            for done, target in zip(rows[f"{kind}_fact"], rows[f"{kind}_norm"], strict=True)
        ]
    return [  # silent_client
        {
            "client": x.client_id if pd.isna(x.name) else x.name,
            "days": t("tracking.unit.days", lang, count=int(x.days_silent)),
            "gap": t("tracking.unit.days", lang, count=round(float(x.median_gap_days))),
        }
        for x in rows.itertuples()
    ]


def as_findings(alerts: pd.DataFrame) -> list[dict]:
    """Alerts as report findings: the text, ``problem`` for high severity and ``warning`` otherwise."""
    return [
        {"text": str(text), "severity": "problem" if sev == "high" else "warning"}
        for text, sev in zip(alerts["text"], alerts["severity"], strict=True)
    ]
