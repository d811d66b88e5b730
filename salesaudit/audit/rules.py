"""The playbook's audit checks as data, and the rules every check shares.

What the checks are (:data:`CHECKS`: id, area, source, the question and inputs each reads), their
thresholds (:data:`DEFAULT_THRESHOLDS`), the statuses and how two of them combine (:func:`worst`), a
figure against its thresholds (:func:`level_low`; the rules that give most checks their status are
:mod:`salesaudit.audit.claims`'), and what a check reads (:class:`CheckInputs`) and finds
(:class:`Reading`). No language here: the sentences are
:mod:`salesaudit.audit.wording`'s; the conventions are those of :mod:`salesaudit.audit.scorecard`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..exceptions import ConfigError

AREAS: tuple[str, ...] = ("plans_pay", "clients", "funnel", "cadence", "people")
"""Scorecard areas, in report order."""

STATUSES: tuple[str, ...] = ("ok", "warning", "problem", "unknown")
RANK: dict[str, int] = {"ok": 0, "warning": 1, "problem": 2}
"""How bad a known status is (``unknown`` has no rank: it is never better or worse than another)."""
ANSWER_STATUS: dict[str, str] = {"yes": "ok", "partly": "warning", "no": "problem", "unknown": "unknown"}
"""Interview answer -> status (every question is phrased so that "yes" is healthy)."""


@dataclass(frozen=True)
class Check:
    """One audit check: its id, area, source (``D``, ``I`` or ``D+I``), the interview question it
    reads (an id of :data:`salesaudit.audit.questionnaire.QUESTIONS`), the inputs its data side needs, and the
    report section (anchor) that deals with it."""

    check_id: str
    area: str
    source: str
    question: str | None = None
    needs: tuple[str, ...] = ()
    fix: str = ""


CHECKS: tuple[Check, ...] = (
    Check("plans.written_plan", "plans_pay", "D+I", "plans.written_plan", ("targets",), "plan"),
    Check("plans.reconciliation", "plans_pay", "D", None, ("targets",), "plan-managers"),
    Check("plans.attainment_spread", "plans_pay", "D", None, ("targets",), "plan-history"),
    Check("plans.seasonality", "plans_pay", "D", None, ("targets", "sales"), "plan-target"),
    Check("plans.pay_structure", "plans_pay", "I", "plans.pay_structure", (), "motivation"),
    Check("plans.pay_follows_attainment", "plans_pay", "D", None, ("managers",), "income-ceiling"),
    Check("plans.bonus_regulation", "plans_pay", "I", "plans.bonus_regulation", (), "motivation"),
    Check("clients.register", "clients", "D+I", "clients.register", ("clients",), "portfolios"),
    Check("clients.concentration", "clients", "D", None, ("sales",), "concentration"),
    Check("clients.abc", "clients", "D+I", "clients.segmentation", ("sales",), "concentration"),
    Check("clients.d_effort", "clients", "D", None, ("activities",), "portfolios"),
    Check("clients.potential", "clients", "D+I", "clients.potential_known", ("clients",), "by-potential"),
    Check("clients.dormant_ab", "clients", "D", None, ("sales",), "at-risk"),
    Check("clients.migration", "clients", "D", None, ("sales",), "migration"),
    Check("clients.why_a_buy", "clients", "I", "clients.why_a_buy", (), "interviews"),
    Check("clients.churn_new", "clients", "D", None, ("sales",), "migration"),
    Check("funnel.conversion", "funnel", "D", None, ("pipeline",), "plan-weeks"),
    Check("funnel.stale_deals", "funnel", "D", None, ("pipeline",), "pipeline"),
    Check("funnel.activity", "funnel", "D", None, ("activities",), "week-managers"),
    Check("funnel.deal_size_cycle", "funnel", "D", None, ("sales", "pipeline"), "plan-weeks"),
    Check("funnel.coverage", "funnel", "D", None, ("pipeline",), "pipeline"),
    Check("funnel.crm_quality", "funnel", "D", None, ("pipeline", "activities"), "data-quality"),
    Check("cadence.weekly_meeting", "cadence", "I", "cadence.weekly_meeting", (), "weekly"),
    Check("cadence.weekly_plans", "cadence", "D+I", "cadence.weekly_plans", ("targets",), "plan-weeks"),
    Check("cadence.forecast_accuracy", "cadence", "D", None, ("sales",), "backtest"),
    Check("people.ramp", "people", "D", None, ("managers",), "plan-managers"),
    Check("people.turnover", "people", "D+I", "people.turnover", ("managers",), "plan-managers"),
    Check("people.scripts", "people", "I", "people.scripts", (), "weekly"),
    Check("people.hunter_farmer", "people", "I", "people.hunter_farmer", (), "portfolios"),
)
"""Every check of PLAYBOOK.md "Audit checks", in report (and priority) order."""

DEFAULT_THRESHOLDS: dict[str, float] = {
    "soft_attainment": 1.10,  # a month above this attainment: the plan was too soft
    "hard_attainment": 0.70,  # a month below: too hard
    "spread_warning": 0.25,  # share of manager-months too soft (or too hard) from which: warning
    "spread_problem": 0.50,  # ... problem (the playbook's "most")
    "reconcile_tolerance": 0.005,  # manager targets within 0.5 % of the department's: reconciled
    "reconcile_problem": 0.05,  # a gap of 5 % or more: problem
    "seasonality_warning": 0.05,  # mean |target share - sales share| in average months: warning from
    "seasonality_problem": 0.10,
    "variable_pay_min": 0.30,  # variable share of income below this: pay does not follow results
    "register_ok": 0.95,  # share of revenue with a registered client and owner: ok from
    "register_warning": 0.80,  # below this: problem
    "shared_warning": 0.20,  # share of revenue with clients of several managers: warning from
    "top1_warning": 0.10,  # largest client's share of revenue: warning from
    "top1_problem": 0.25,
    "top20_warning": 0.90,  # top 20 % of clients' share: warning from
    "erratic_a_warning": 0.50,  # share of A revenue from Z (erratic) clients: warning from
    "d_effort_warning": 0.10,  # share of client activities spent on D clients
    "d_effort_problem": 0.20,
    "potential_ok": 0.80,  # share of buying clients with a potential: ok from
    "potential_warning": 0.50,  # below this: problem
    "migration_warning": 0.10,  # share of last period's A/B revenue with clients that fell or left
    "migration_problem": 0.20,
    "churn_warning": 0.80,  # lost clients per month / new clients per month: warning from
    "win_rate_spread_warning": 0.30,  # (best - worst manager win rate) / department win rate
    "win_rate_spread_problem": 0.60,
    "stale_warning": 0.10,  # share of the open pipeline (amount) in stale deals
    "stale_problem": 0.30,
    "activity_alert": 0.80,  # activities below this share of the norm (engagement tracking block)
    "activity_weeks": 4,  # complete week-parts looked at
    "coverage_warning": 0.50,  # coverage / required coverage below 1: warning; below this: problem
    "fill_ok": 0.90,  # CRM key fields filled: ok from
    "fill_problem": 0.70,  # below this: problem
    "forecast_warning": 0.10,  # mean abs. error of the mid-month run-rate forecast: warning from
    "forecast_problem": 0.20,
    "ramp_level": 0.80,  # a new manager is ramped at this share of an experienced one's sales
    "ramp_months": 3,  # ... expected within this many full months
    "turnover_warning": 0.15,  # leavers in 12 months / average headcount
    "turnover_problem": 0.30,
    "warning_points": 0.5,  # maturity points of a warning (ok = 1, problem = 0)
}
"""Default thresholds of the checks (engagement.yaml ``scorecard:`` overrides them)."""

HEADLINES: dict[str, dict] = {
    "no_money_plan": {
        "data": ("plans.written_plan",),
        "answers": ("plans.written_plan",),
        "support": ("plans.pay_follows_attainment", "plans.attainment_spread"),
        "data_can_clear": True,
        "anchor": "plan",
        "section": "plan.title",
    },
    "no_segmentation": {
        "data": ("clients.register", "clients.potential"),
        "answers": ("clients.segmentation", "clients.why_a_buy"),
        "support": ("clients.dormant_ab", "clients.d_effort"),
        "data_can_clear": False,
        "anchor": "clients",
        "section": "clients.title",
    },
    "monthly_cadence": {
        "data": ("cadence.weekly_plans",),
        "answers": ("cadence.weekly_meeting", "cadence.weekly_plans"),
        "support": ("cadence.forecast_accuracy",),
        "data_can_clear": False,
        "anchor": "weekly",
        "section": "tracking.title",
    },
}
"""The three failures the audit exists to expose: the checks whose data and answers decide each one,
the checks quoted as further evidence, whether the data alone can show the practice is in place
(``data_can_clear``: targets per manager show a plan; no table shows that a company segments its
clients or reviews sales weekly — there an ok needs the interview), and the report section (anchor)
that fixes it."""

FAILING: tuple[str, ...] = ("warning", "problem")
"""The statuses that point to a failure."""

QUESTION_CHECK: dict[str, str] = {c.question: c.check_id for c in CHECKS if c.question}
"""Interview question id -> the check that reads it."""


# --------------------------------------------------------------------------------------------------
# settings and the status rules


def resolve_thresholds(thresholds: Mapping[str, float] | None = None) -> dict[str, float]:
    """:data:`DEFAULT_THRESHOLDS` updated with ``thresholds``; unknown names fail.

    Examples
    --------
    >>> resolve_thresholds({"top1_warning": 0.2})["top1_warning"]
    0.2
    >>> resolve_thresholds({"top_one": 0.2})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    salesaudit.exceptions.ConfigError: key 'scorecard.top_one': unknown scorecard threshold...
    """
    out = dict(DEFAULT_THRESHOLDS)
    for key, value in (thresholds or {}).items():
        if key not in out:
            raise ConfigError(
                "unknown scorecard threshold",
                key=f"scorecard.{key}",
                hint=f"known: {', '.join(sorted(out))}",
            )
        if value is None or not np.isfinite(float(value)) or float(value) < 0:
            raise ConfigError(
                "a scorecard threshold must be a number >= 0", key=f"scorecard.{key}", value=value
            )
        out[key] = float(value)
    return out


def worst(statuses) -> str:
    """The worst known status (problem > warning > ok); ``unknown`` when none is known.

    Examples
    --------
    >>> worst(["ok", "unknown", "warning"]), worst(["unknown"]), worst([])
    ('warning', 'unknown', 'unknown')
    """
    known = [s for s in statuses if s in RANK]
    return max(known, key=RANK.__getitem__) if known else "unknown"


def level_low(value: float, ok: float, warning: float) -> str:
    """``ok`` from ``ok``, ``warning`` from ``warning``, ``problem`` below (higher is better)."""
    return "ok" if value >= ok else "warning" if value >= warning else "problem"


@dataclass
class CheckInputs:
    """What the checks read: the stage results, the interview answers and the settings — no language.

    Built by :func:`salesaudit.audit.checks.check_inputs`; every table is optional (None when missing).
    ``th`` holds the resolved thresholds (:func:`resolve_thresholds`).
    """

    sales: pd.DataFrame | None
    as_of: pd.Timestamp
    answers: Mapping
    clients: pd.DataFrame | None
    register: pd.DataFrame | None
    managers: pd.DataFrame | None
    targets: pd.DataFrame | None
    seasonality: pd.DataFrame | None
    history: pd.DataFrame | None
    ceiling: pd.DataFrame | None
    pipeline: pd.DataFrame | None
    activities: pd.DataFrame | None
    tracking: pd.DataFrame | None
    coverage: pd.DataFrame | None
    stale: pd.DataFrame | None
    backtest: pd.DataFrame | None
    quality: pd.DataFrame | None
    window_months: int
    comfortable_income: float | None
    th: dict


@dataclass(frozen=True)
class Reading:
    """What the data side of one check found: ``status``, the evidence figure ``value`` (NaN when
    none), which of the check's sentences tells it (``case``; "" when the check has one), the
    ``figures`` that sentence quotes — numbers, names, periods, never text in a language — and the
    ``kind`` of rule (:data:`salesaudit.audit.claims.RULES`) that gives ``status`` from ``figures``
    (which therefore hold the thresholds the rule used).

    A data side whose input is missing returns None instead (the check is then ``unknown``)."""

    status: str
    value: float
    figures: dict = field(default_factory=dict)
    case: str = ""
    kind: str = "undecided"


def nonempty(df: pd.DataFrame | None, *columns: str) -> bool:
    """``df`` is given, has rows, and has every one of ``columns``."""
    return df is not None and len(df) > 0 and all(c in df.columns for c in columns)


def window_start(as_of: pd.Timestamp, months: int) -> pd.Timestamp:
    """First day of the analysis window: ``months`` full months before ``as_of``'s month."""
    return as_of.normalize().replace(day=1) - pd.DateOffset(months=months)


def warned_months(backtest: pd.DataFrame | None) -> pd.DataFrame | None:
    """The department's missed months that the weekly view flagged at least a week before month end."""
    if not nonempty(backtest, "level", "missed", "flagged", "weeks_of_warning"):
        return None
    bt = backtest[(backtest["level"] == "department") & backtest["missed"].astype(bool)]
    return bt[bt["flagged"].astype(bool) & (bt["weeks_of_warning"].fillna(0).astype(float) >= 1)]


def period_days(first, last, start: pd.Timestamp, end: pd.Timestamp) -> tuple[int, int]:
    """(days of ``start``..``end`` inside the data's span ``first``..``last``, days of the period);
    both ends included, (0, days) without data.

    Examples
    --------
    >>> period_days(pd.Timestamp("2025-05-01"), pd.Timestamp("2026-10-31"),
    ...             pd.Timestamp("2024-11-01"), pd.Timestamp("2025-10-31"))
    (184, 365)
    """
    total = int((end - start).days) + 1
    if first is None or last is None or pd.isna(first) or pd.isna(last):
        return 0, total
    lo, hi = max(pd.Timestamp(first).normalize(), start), min(pd.Timestamp(last).normalize(), end)
    return max(int((hi - lo).days) + 1, 0), total


def coverage_figures(sales: pd.DataFrame | None, *, as_of, window_months: int, grace_days: int) -> dict:
    """How far the sales data cover the analysis window (``after``) and the one before it
    (``before``): ``<which>_days``, ``<which>_period_days``, ``<which>_from``, ``<which>_to`` and
    ``grace_days`` — the figures of the rules ``change`` and ``churn`` of :mod:`salesaudit.audit.claims`."""
    from ..frames import analysis_window

    dates = sales["date"] if nonempty(sales, "date") else pd.Series(dtype="datetime64[ns]")
    first, last = (dates.min(), dates.max()) if len(dates) else (None, None)
    out: dict = {"grace_days": int(grace_days)}
    for which, offset in (("after", 0), ("before", 1)):
        start, end = analysis_window(as_of=as_of, window_months=window_months, offset=offset)
        days, total = period_days(first, last, start, end)
        out |= {
            f"{which}_from": start.strftime("%Y-%m-%d"),
            f"{which}_to": end.strftime("%Y-%m-%d"),
            f"{which}_days": days,
            f"{which}_period_days": total,
        }
    return out
