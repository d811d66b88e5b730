"""The audit scorecard: every check of the playbook, its status, evidence and recommendation.

PLAYBOOK.md, "Audit checks". Each check reads the stage results (client table, targets, pipeline,
tracking...) and/or the interview answers of ``questionnaire.yaml`` and yields one row: ``status``
(ok / warning / problem / unknown), the evidence figure as a sentence in the report's language, and a
recommendation. The three headline failures of the playbook are decided from data AND answers together
(:func:`headline_findings`); :func:`maturity_scores` turns the statuses into a score per area.

Conventions
-----------
* **Unknown is never ok.** A data check whose table (or column) is missing is ``unknown``; an
  interview check without an answer (``unknown`` in the questionnaire) is ``unknown``.
* **Data + interview** (source ``D+I``): each side gets its own status (``data_status``,
  ``answer_status``); the check's status is the worse of the known ones (problem > warning > ok), so a
  good answer never hides bad data and vice versa. Answers map yes -> ok, partly -> warning,
  no -> problem (every question is phrased so that "yes" is the healthy answer).
* **Thresholds** are keyword settings (:data:`DEFAULT_THRESHOLDS`, engagement.yaml ``scorecard:``);
  a figure equal to a "warning from" threshold is a warning (``>=``), the same for problems.
* **Shares** are exact ratios of net amounts (returns netted), shown rounded to whole percent.
* **Windows**: the analysis window is the last ``window_months`` full months before ``as_of`` (as in
  the clients stage); "the last 12 months" of turnover are the 12 months before ``as_of``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..exceptions import ConfigError, DataError
from ..report.formatting import fmt_money, fmt_number, fmt_percent
from ..report.i18n import t

AREAS: tuple[str, ...] = ("plans_pay", "clients", "funnel", "cadence", "people")
"""Scorecard areas, in report order."""

STATUSES: tuple[str, ...] = ("ok", "warning", "problem", "unknown")
_RANK = {"ok": 0, "warning": 1, "problem": 2}
ANSWER_STATUS: dict[str, str] = {"yes": "ok", "partly": "warning", "no": "problem", "unknown": "unknown"}
"""Interview answer -> status (every question is phrased so that "yes" is healthy)."""

FINDING_COLUMNS: list[str] = [
    "check_id",
    "area",
    "source",
    "title",
    "status",
    "data_status",
    "answer_status",
    "answer",
    "value",
    "evidence",
    "data_evidence",
    "recommendation",
    "fix",
]
"""Columns of :func:`evaluate_checks`' table (``tables/findings.csv``)."""


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
        "anchor": "plan",
        "section": "plan.title",
    },
    "no_segmentation": {
        "data": ("clients.register", "clients.potential", "clients.dormant_ab"),
        "answers": ("clients.segmentation", "clients.why_a_buy"),
        "support": ("clients.d_effort",),
        "anchor": "clients",
        "section": "clients.title",
    },
    "monthly_cadence": {
        "data": ("cadence.weekly_plans",),
        "answers": ("cadence.weekly_meeting", "cadence.weekly_plans"),
        "support": ("cadence.forecast_accuracy",),
        "anchor": "weekly",
        "section": "tracking.title",
    },
}
"""The three failures the audit exists to expose: the checks whose data and answers decide each one,
the checks quoted as further evidence, and the report section (anchor) that fixes it."""

_FAILING = ("warning", "problem")
_QUESTION_CHECK = {c.question: c.check_id for c in CHECKS if c.question}

HEADLINE_COLUMNS = [
    "headline_id",
    "status",
    "present",
    "title",
    "evidence",
    "recommendation",
    "anchor",
    "section",
]
MATURITY_COLUMNS = ["area", "checks", "assessed", "ok", "warning", "problem", "unknown", "score", "level"]
LEVELS: tuple[tuple[float, str], ...] = ((40.0, "initial"), (70.0, "developing"), (101.0, "managed"))
"""Maturity level by score: below 40 initial, below 70 developing, else managed."""


# --------------------------------------------------------------------------------------------------
# settings and small helpers


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
    known = [s for s in statuses if s in _RANK]
    return max(known, key=_RANK.__getitem__) if known else "unknown"


def _level(value: float, warning: float, problem: float) -> str:
    """``ok`` below ``warning``, ``warning`` from it, ``problem`` from ``problem`` (higher is worse)."""
    return "problem" if value >= problem else "warning" if value >= warning else "ok"


def _level_low(value: float, ok: float, warning: float) -> str:
    """``ok`` from ``ok``, ``warning`` from ``warning``, ``problem`` below (higher is better)."""
    return "ok" if value >= ok else "warning" if value >= warning else "problem"


@dataclass
class _Ctx:
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
    comfortable_income: float
    lang: str
    currency: str
    th: dict

    def pct(self, v) -> str:
        return fmt_percent(v, lang=self.lang)

    def money(self, v) -> str:
        return fmt_money(v, currency=self.currency, lang=self.lang)

    def num(self, v, digits: int = 0) -> str:
        return fmt_number(v, lang=self.lang, digits=digits)

    def say(self, key: str, count=None, **params) -> str:
        return t(f"scorecard.evidence.{key}", self.lang, count=count, **params)


# Each data side returns (status, value, evidence) or None when its input is missing (-> unknown).
_Data = tuple[str, float, str] | None


def _nonempty(df: pd.DataFrame | None, *columns: str) -> bool:
    return df is not None and len(df) > 0 and all(c in df.columns for c in columns)


def _window_start(as_of: pd.Timestamp, months: int) -> pd.Timestamp:
    return as_of.normalize().replace(day=1) - pd.DateOffset(months=months)


# --------------------------------------------------------------------------------------------------
# plans and pay


def _written_plan(c: _Ctx) -> _Data:
    """Targets of ``as_of``'s year: none, or only a department row -> problem; for some of the
    managers employed on ``as_of`` -> warning; for all -> ok."""
    if c.targets is None:
        return None
    year = str(c.as_of.year)
    tg = c.targets
    in_year = tg[tg["period"].astype(str).str.startswith(year)] if len(tg) else tg
    if not len(in_year):
        last = tg["period"].astype(str).str[:4].max() if len(tg) else "—"
        return "problem", 0.0, c.say("plans.written_plan.none", year=year, last=last)
    has_manager = "manager" in in_year.columns and in_year["manager"].notna().any()
    if not has_manager:
        amount = in_year["amount"].sum()
        return "problem", 0.0, c.say("plans.written_plan.department_only", year=year, amount=c.money(amount))
    active = _active_managers(c)
    planned = set(in_year["manager"].dropna().astype(str))
    total = len(active) if active else len(planned)
    covered = len(planned & set(active)) if active else len(planned)
    share = covered / total if total else 0.0
    status = "ok" if share >= 1 else "warning"
    return status, share, c.say("plans.written_plan.managers", year=year, covered=covered, total=total)


def _active_managers(c: _Ctx) -> list[str]:
    """Managers employed on ``as_of`` (managers table), else those with sales in the window."""
    m = c.managers
    if _nonempty(m, "manager"):
        ok = pd.Series(True, index=m.index)
        if "hired" in m.columns:
            ok &= m["hired"].isna() | (m["hired"] <= c.as_of)
        if "left" in m.columns:
            ok &= m["left"].isna() | (m["left"] >= c.as_of)
        return sorted(m.loc[ok, "manager"].dropna().astype(str).unique())
    if _nonempty(c.sales, "manager"):
        start = _window_start(c.as_of, c.window_months)
        s = c.sales[(c.sales["date"] >= start) & (c.sales["date"] < c.as_of)]
        return sorted(s["manager"].dropna().astype(str).unique())
    return []


def _reconciliation(c: _Ctx) -> _Data:
    """Periods with a department target and manager targets: every manager sum within
    ``reconcile_tolerance`` of the department's -> ok; the largest gap >= ``reconcile_problem`` -> problem;
    else warning. No such period -> unknown."""
    if not _nonempty(c.targets, "period", "amount", "manager"):
        return None
    tg = c.targets.assign(period=c.targets["period"].astype(str))
    dept = tg[tg["manager"].isna()].groupby("period")["amount"].sum()
    man = tg[tg["manager"].notna()].groupby("period")["amount"].sum()
    both = dept.index.intersection(man.index)
    if not len(both):
        return "unknown", float("nan"), c.say("plans.reconciliation.unknown")
    d, m = dept[both], man[both]
    gap = (m - d).abs() / d.where(d != 0)
    bad = gap > c.th["reconcile_tolerance"]
    if not bad.any():
        return "ok", 0.0, c.say("plans.reconciliation.ok", periods=len(both))
    worst_period = gap.idxmax()
    status = "problem" if gap.max() >= c.th["reconcile_problem"] else "warning"
    return (
        status,
        float(gap.max()),
        c.say(
            "plans.reconciliation.gap",
            bad=int(bad.sum()),
            periods=len(both),
            period=worst_period,
            sum=c.money(m[worst_period]),
            dept=c.money(d[worst_period]),
            gap=c.pct(m[worst_period] / d[worst_period] - 1),
        ),
    )


def _attainment_spread(c: _Ctx) -> _Data:
    """Manager-months judged by :func:`salesaudit.plan.motivation.historical_attainment`: the share above
    ``soft_attainment`` or below ``hard_attainment`` (the larger): more than ``spread_problem`` (most)
    -> problem, from ``spread_warning`` -> warning."""
    h = c.history
    if not _nonempty(h, "manager", "period", "attainment"):
        return None
    rows = h[h["manager"].notna() & h["attainment"].notna()]
    if rows["period"].astype(str).str.len().eq(7).any():
        rows = rows[rows["period"].astype(str).str.len() == 7]
    if not len(rows):
        return None
    att = rows["attainment"].astype(float)
    above = float((att > c.th["soft_attainment"]).mean())
    below = float((att < c.th["hard_attainment"]).mean())
    share = max(above, below)
    status = _level(share, c.th["spread_warning"], c.th["spread_problem"])
    if share <= c.th["spread_problem"] and status == "problem":  # "most" means more than half
        status = "warning"
    return (
        status,
        share,
        c.say(
            "plans.attainment_spread",
            months=len(rows),
            above=c.pct(above),
            below=c.pct(below),
            soft=c.pct(c.th["soft_attainment"]),
            hard=c.pct(c.th["hard_attainment"]),
            median=c.pct(float(att.median())),
        ),
    )


def _seasonality(c: _Ctx) -> _Data:
    """The latest full year of monthly department targets against the sales seasonality index:
    mean |target share - sales share| measured in average months (1 = an average month's share);
    ``seasonality_warning`` / ``seasonality_problem``. Unknown without two full years of history."""
    if not _nonempty(c.targets, "period", "amount") or not _nonempty(c.seasonality, "month", "index"):
        return None
    if "source" in c.seasonality.columns and (c.seasonality["source"] != "history").any():
        return "unknown", float("nan"), c.say("plans.seasonality.no_history")
    tg = c.targets.assign(period=c.targets["period"].astype(str))
    monthly = tg[tg["period"].str.len() == 7]
    if "manager" in monthly.columns and monthly["manager"].isna().any():
        monthly = monthly[monthly["manager"].isna()]
    per = monthly.groupby("period")["amount"].sum()
    years = per.groupby(per.index.str[:4]).size()
    full = years[years == 12].index
    if not len(full):
        return "unknown", float("nan"), c.say("plans.seasonality.no_monthly")
    year = full.max()
    target = per[per.index.str[:4] == year].sort_index().to_numpy(float)
    season = c.seasonality.sort_values("month")["index"].to_numpy(float)
    if target.sum() <= 0 or season.sum() <= 0:
        return None
    ts, ss = target / target.sum() * 12, season / season.sum() * 12
    deviation = float(np.abs(ts - ss).mean())
    status = _level(deviation, c.th["seasonality_warning"], c.th["seasonality_problem"])
    return (
        status,
        deviation,
        c.say(
            "plans.seasonality",
            year=year,
            deviation=c.pct(deviation),
            tmin=c.pct(ts.min()),
            tmax=c.pct(ts.max()),
            smin=c.pct(ss.min()),
            smax=c.pct(ss.max()),
        ),
    )


def _pay_follows(c: _Ctx) -> _Data:
    """Variable share of income = 1 - salary / income now (median over managers): below
    ``variable_pay_min`` -> problem, below half -> warning; the plan above the sales at which today's
    scheme already pays the comfortable income for most managers -> problem, for any -> warning."""
    ce = c.ceiling
    if not _nonempty(ce, "salary", "plan_monthly_avg", "current_scheme_sales_for_income"):
        return None
    income = ce["actual_monthly_income"] if "actual_monthly_income" in ce else ce["income_at_plan"]
    income = income.astype(float)
    variable = (1 - ce["salary"].astype(float) / income.where(income > 0)).dropna()
    if not len(variable):
        return None
    share = float(variable.median())
    above = int((ce["plan_monthly_avg"] > ce["current_scheme_sales_for_income"]).sum())
    total = len(ce)
    if share < c.th["variable_pay_min"] or above * 2 > total:
        status = "problem"
    elif share < 0.5 or above:
        status = "warning"
    else:
        status = "ok"
    return (
        status,
        share,
        c.say(
            "plans.pay_follows_attainment",
            variable=c.pct(share),
            above=above,
            total=total,
            income=c.money(c.comfortable_income),
        ),
    )


# --------------------------------------------------------------------------------------------------
# clients


def _buying(c: _Ctx) -> pd.DataFrame | None:
    if not _nonempty(c.clients, "client_id", "revenue"):
        return None
    return c.clients[c.clients["revenue"] > 0]


def _register(c: _Ctx) -> _Data:
    """Share of buying clients' revenue with a client in the register that has an owner (its
    ``manager``): ``register_ok`` / ``register_warning``; clients served by several managers bringing
    ``shared_warning`` or more of revenue make an ok a warning."""
    buying = _buying(c)
    if buying is None or c.register is None or "client_id" not in c.register.columns:
        return None
    reg = c.register
    owners = (
        reg.loc[reg["manager"].notna(), "client_id"]
        if "manager" in reg.columns
        else reg["client_id"].iloc[:0]
    )
    total = buying["revenue"].sum()
    owned = buying.loc[buying["client_id"].isin(owners), "revenue"].sum() / total if total > 0 else 0.0
    shared = 0.0
    if "n_managers" in buying.columns:
        shared = buying.loc[buying["n_managers"].fillna(0) > 1, "revenue"].sum() / total if total > 0 else 0.0
    status = _level_low(owned, c.th["register_ok"], c.th["register_warning"])
    if status == "ok" and shared >= c.th["shared_warning"]:
        status = "warning"
    return status, float(owned), c.say("clients.register", owned=c.pct(owned), shared=c.pct(shared))


def _concentration(c: _Ctx) -> _Data:
    """Largest client's share: ``top1_warning`` / ``top1_problem``; the top 20 % bringing
    ``top20_warning`` or more makes an ok a warning."""
    buying = _buying(c)
    if buying is None or not len(buying):
        return None
    from ..clients.portfolio import concentration

    conc = concentration(buying)
    top1, top20 = float(conc["top1_share"]), float(conc["top_share"])
    status = _level(top1, c.th["top1_warning"], c.th["top1_problem"])
    if status == "ok" and top20 >= c.th["top20_warning"]:
        status = "warning"
    return status, top1, c.say("clients.concentration", top20=c.pct(top20), top1=c.pct(top1))


def _abc(c: _Ctx) -> _Data:
    """The audit's ABC/XYZ (always computable from sales): ok, or a warning when A revenue comes
    mostly (``erratic_a_warning``) from erratic (Z) clients; the interview says whether the client
    segments."""
    buying = _buying(c)
    if buying is None or not len(buying) or "abc_class" not in buying.columns:
        return None
    a = buying[buying["abc_class"] == "A"]
    total = buying["revenue"].sum()
    z = (
        a.loc[a["xyz_class"] == "Z", "revenue"].sum() / a["revenue"].sum()
        if "xyz_class" in a and len(a)
        else 0.0
    )
    status = "warning" if z >= c.th["erratic_a_warning"] else "ok"
    return (
        status,
        float(z),
        c.say(
            "clients.abc",
            a_clients=t("unit.clients", c.lang, count=len(a)),
            client_share=c.pct(len(a) / len(buying)),
            revenue_share=c.pct(a["revenue"].sum() / total),
            z_share=c.pct(z),
        ),
    )


def _d_effort(c: _Ctx) -> _Data:
    """Share of client activities spent on D clients: ``d_effort_warning`` / ``d_effort_problem``."""
    if not _nonempty(c.clients, "segment", "activities") or c.clients["activities"].isna().all():
        return None
    acts = c.clients["activities"].astype(float).fillna(0)
    if acts.sum() <= 0:
        return None
    d = c.clients["segment"] == "D"
    share = float(acts[d].sum() / acts.sum())
    status = _level(share, c.th["d_effort_warning"], c.th["d_effort_problem"])
    return (
        status,
        share,
        c.say(
            "clients.d_effort", d_clients=t("unit.clients", c.lang, count=int(d.sum())), share=c.pct(share)
        ),
    )


def _potential(c: _Ctx) -> _Data:
    """Share of buying clients with a potential: ``potential_ok`` / ``potential_warning``; a register
    without a potential field -> problem."""
    buying = _buying(c)
    if buying is None or not len(buying) or c.register is None:
        return None
    if "potential" not in c.register.columns:
        return "problem", 0.0, c.say("clients.potential.no_column")
    filled = float((buying["potential"].fillna(0) > 0).mean()) if "potential" in buying else 0.0
    status = _level_low(filled, c.th["potential_ok"], c.th["potential_warning"])
    return status, filled, c.say("clients.potential.filled", filled=c.pct(filled))


def _dormant(c: _Ctx) -> _Data:
    """A dormant A client -> problem; a dormant B client only -> warning; none -> ok."""
    if not _nonempty(c.clients, "segment", "dormant", "revenue"):
        return None
    cl = c.clients
    a = cl["dormant"].astype(bool) & (cl["segment"] == "A")
    b = cl["dormant"].astype(bool) & (cl["segment"] == "B")
    total = cl.loc[cl["revenue"] > 0, "revenue"].sum()
    revenue = cl.loc[a | b, "revenue"].sum()
    if not (a | b).any():
        return "ok", 0.0, c.say("clients.dormant_ab.none")
    status = "problem" if a.any() else "warning"
    return (
        status,
        float(revenue / total) if total > 0 else 0.0,
        c.say(
            "clients.dormant_ab.found",
            a=int(a.sum()),
            b=int(b.sum()),
            revenue=c.money(revenue),
            share=c.pct(revenue / total if total > 0 else 0),
        ),
    )


def _has_previous(cl: pd.DataFrame) -> bool:
    return "prev_class" in cl.columns and cl["prev_class"].isin(["A", "B", "C", "D"]).any()


def _migration(c: _Ctx) -> _Data:
    """Share of last window's A/B revenue with clients that left or fell to C/D:
    ``migration_warning`` / ``migration_problem``."""
    if not _nonempty(c.clients, "prev_class", "abc_class", "lost", "prev_revenue") or not _has_previous(
        c.clients
    ):
        return None
    cl = c.clients
    prev = cl[cl["prev_class"].isin(["A", "B"])]
    rank = {"A": 0, "B": 1, "C": 2, "D": 3}
    now = prev["abc_class"].map(rank).fillna(3)
    before = prev["prev_class"].map(rank)
    fell = prev["lost"].astype(bool) | (now >= 2) & (now > before)
    base = prev["prev_revenue"].sum()
    share = float(prev.loc[fell, "prev_revenue"].sum() / base) if base > 0 else 0.0
    status = _level(share, c.th["migration_warning"], c.th["migration_problem"])
    return (
        status,
        share,
        c.say("clients.migration", share=c.pct(share), count=int(fell.sum()), total=len(prev)),
    )


def _churn_new(c: _Ctx) -> _Data:
    """Lost clients per month against new ones: more lost -> problem; at least ``churn_warning``
    times as many -> warning."""
    if not _nonempty(c.clients, "prev_class", "lost", "revenue", "prev_revenue") or not _has_previous(
        c.clients
    ):
        return None
    cl = c.clients
    months = c.window_months
    new = float((cl["prev_class"] == "new").sum()) / months
    lost = float(cl["lost"].astype(bool).sum()) / months
    if lost > new:
        status = "problem"
    elif lost >= c.th["churn_warning"] * new:
        status = "warning"
    else:
        status = "ok"
    return (
        status,
        lost - new,
        c.say(
            "clients.churn_new",
            new=c.num(new, 1),
            lost=c.num(lost, 1),
            now=int((cl["revenue"] > 0).sum()),
            before=int((cl["prev_revenue"] > 0).sum()),
        ),
    )


# --------------------------------------------------------------------------------------------------
# funnel


def _conversion(c: _Ctx) -> _Data:
    """(best - worst manager win rate) / department win rate: ``win_rate_spread_warning`` /
    ``win_rate_spread_problem``."""
    if not _nonempty(c.pipeline, "deal_id", "manager", "amount", "stage"):
        return None
    from ..weekly.pipeline import classify_deals, win_rate

    rates = win_rate(c.pipeline, as_of=c.as_of)
    dept = rates[rates["level"] == "department"].iloc[0]
    if dept["source"] != "data":
        return None
    per = rates[(rates["level"] == "manager") & (rates["source"] == "data")].sort_values("win_rate")
    low, high = per.iloc[0], per.iloc[-1]
    spread = float((high["win_rate"] - low["win_rate"]) / dept["win_rate"]) if dept["win_rate"] > 0 else 0.0
    status = _level(spread, c.th["win_rate_spread_warning"], c.th["win_rate_spread_problem"])
    deals = classify_deals(c.pipeline, as_of=c.as_of)
    open_ = deals.loc[deals["outcome"] == "open", "stage"].astype(str)
    stage = open_.value_counts()
    stage_text = (
        c.say("funnel.conversion.stage", stage=stage.index[0], share=c.pct(stage.iloc[0] / stage.sum()))
        if len(stage)
        else ""
    )
    text = c.say(
        "funnel.conversion",
        dept=c.pct(dept["win_rate"]),
        low=c.pct(low["win_rate"]),
        low_manager=low["manager"],
        high=c.pct(high["win_rate"]),
        high_manager=high["manager"],
    )
    return status, spread, f"{text} {stage_text}".strip()


def _stale(c: _Ctx) -> _Data:
    """Share of the open pipeline's amount in stale deals: ``stale_warning`` / ``stale_problem``."""
    if not _nonempty(c.pipeline, "deal_id", "manager", "amount", "stage") or c.stale is None:
        return None
    from ..weekly.pipeline import classify_deals

    deals = classify_deals(c.pipeline, as_of=c.as_of)
    open_amount = float(deals.loc[deals["outcome"] == "open", "amount"].sum())
    stale_amount = float(c.stale["amount"].sum()) if len(c.stale) else 0.0
    share = stale_amount / open_amount if open_amount > 0 else 0.0
    status = _level(share, c.th["stale_warning"], c.th["stale_problem"])
    return (
        status,
        share,
        c.say("funnel.stale_deals", count=len(c.stale), amount=c.money(stale_amount), share=c.pct(share)),
    )


_KINDS = ("calls", "meetings", "proposals")


def _activity(c: _Ctx) -> _Data:
    """Last ``activity_weeks`` complete week-parts, fact / norm per activity kind (the worst kind):
    the department below ``activity_alert`` -> problem; a manager below it -> warning."""
    tr = c.tracking
    if tr is None or not len(tr):
        return None
    kinds = [k for k in _KINDS if f"{k}_fact" in tr.columns and f"{k}_norm" in tr.columns]
    if not kinds:
        return None
    done = tr[tr["complete"].astype(bool)] if "complete" in tr.columns else tr
    weeks = sorted(done["week_start"].unique())[-int(c.th["activity_weeks"]) :]
    recent = done[done["week_start"].isin(weeks)]
    if not len(recent):
        return None
    name = recent["manager"].astype(object).where(recent["level"] != "department", "\x00dept")
    sums = recent.groupby(name.fillna("\x00none"))[
        [f"{k}_{p}" for k in kinds for p in ("fact", "norm")]
    ].sum()
    ratio = pd.concat(
        [sums[f"{k}_fact"] / sums[f"{k}_norm"].where(sums[f"{k}_norm"] > 0) for k in kinds], axis=1
    ).min(axis=1)
    dept = float(ratio.get("\x00dept", np.nan))
    managers = ratio.drop(index=["\x00dept", "\x00none"], errors="ignore").dropna()
    threshold = c.th["activity_alert"]
    below = managers[managers < threshold].sort_values()
    if np.isnan(dept) and not len(managers):
        return None
    if not np.isnan(dept) and dept < threshold:
        status = "problem"
    elif len(below):
        status = "warning"
    else:
        status = "ok"
    names = ", ".join(f"{m} ({c.pct(v)})" for m, v in below.items()) or t("scorecard.nobody", c.lang)
    return (
        status,
        dept,
        c.say("funnel.activity", weeks=len(weeks), dept=c.pct(dept), threshold=c.pct(threshold), below=names),
    )


def _deal_size_cycle(c: _Ctx) -> _Data:
    """Average deal (positive documents, else client-days) per client class and the median
    created -> closed days of won deals per class: both known -> ok; no cycle -> warning."""
    if not _nonempty(c.sales, "date", "client_id", "amount") or not _nonempty(
        c.clients, "client_id", "segment"
    ):
        return None
    start = _window_start(c.as_of, c.window_months)
    s = c.sales[(c.sales["date"] >= start) & (c.sales["date"] < c.as_of)]
    segment = s["client_id"].map(c.clients.set_index("client_id")["segment"])
    deal = s["document_id"] if "document_id" in s.columns else None
    key = (
        deal.astype(object).where(deal.notna(), s["client_id"].astype(str) + s["date"].astype(str))
        if (deal is not None)
        else (s["client_id"].astype(str) + s["date"].astype(str))
    )
    deals = (
        pd.DataFrame({"segment": segment, "deal": key, "amount": s["amount"]})
        .groupby(["segment", "deal"])["amount"]
        .sum()
    )
    deals = deals[deals > 0]
    avg = deals.groupby(level="segment").mean().reindex(["A", "B", "C"]).dropna()
    if not len(avg):
        return None
    deal_text = ", ".join(f"{k} — {c.money(v)}" for k, v in avg.items())
    cycles = pd.Series(dtype=float)
    if _nonempty(c.pipeline, "client_id", "created", "closed", "stage"):
        from ..weekly.pipeline import classify_deals

        won = classify_deals(c.pipeline, as_of=c.as_of)
        won = won[(won["outcome"] == "won") & won["created"].notna() & won["closed"].notna()]
        days = (won["closed"] - won["created"]).dt.days
        seg = won["client_id"].map(c.clients.set_index("client_id")["segment"])
        cycles = days.groupby(seg).median().reindex(["A", "B", "C"]).dropna()
    if not len(cycles):
        return "warning", float(avg.iloc[0]), c.say("funnel.deal_size_cycle.no_cycle", deals=deal_text)
    cycle_text = ", ".join(
        f"{k} — {t('scorecard.unit.days', c.lang, count=int(round(v)))}" for k, v in cycles.items()
    )
    return "ok", float(avg.iloc[0]), c.say("funnel.deal_size_cycle", deals=deal_text, cycles=cycle_text)


def _coverage(c: _Ctx) -> _Data:
    """The department's coverage / required coverage: 1 or more -> ok, from ``coverage_warning``
    -> warning, below -> problem; nothing left of the month's plan -> ok."""
    cov = c.coverage
    if not _nonempty(cov, "level", "coverage", "required_coverage"):
        return None
    dept = cov[cov["level"] == "department"].iloc[0]
    if pd.isna(dept["coverage"]):
        return "ok", float("nan"), c.say("funnel.coverage.met")
    ratio = float(dept["coverage"] / dept["required_coverage"]) if dept["required_coverage"] > 0 else 0.0
    status = _level_low(ratio, 1.0, c.th["coverage_warning"])
    return (
        status,
        float(dept["coverage"]),
        c.say(
            "funnel.coverage.gap",
            coverage=c.num(dept["coverage"], 1),
            required=c.num(dept["required_coverage"], 1),
            remaining=c.money(dept.get("remaining_plan", np.nan)),
        ),
    )


_CRM_FIELDS = {"pipeline": ("client_id", "created", "expected_close"), "activities": ("client_id",)}


def _crm_quality(c: _Ctx) -> _Data:
    """Mean fill rate of the deals' client, created and expected close and the activities' client:
    ``fill_ok`` / ``fill_problem``; any duplicate (deal ids, documents, similar client names) makes an ok
    a warning."""
    tables = {"pipeline": c.pipeline, "activities": c.activities}
    parts, fills = [], []
    for name, fields in _CRM_FIELDS.items():
        df = tables[name]
        if df is None or not len(df):
            continue
        for field in fields:
            fill = float(df[field].notna().mean()) if field in df.columns else 0.0
            fills.append(fill)
            label = t(f"scorecard.table.{name}", c.lang)
            parts.append(f"{label}: {t(f'col.{field}', c.lang)} {c.pct(fill)}")
    if not fills:
        return None
    fill = float(np.mean(fills))
    dups = 0
    if _nonempty(c.pipeline, "deal_id"):
        dups += int(c.pipeline["deal_id"].duplicated().sum())
    if _nonempty(c.quality, "check", "count"):
        dup_checks = c.quality["check"].isin(["similar_client_names", "duplicate_document", "duplicate_line"])
        dups += int(c.quality.loc[dup_checks, "count"].sum())
    status = _level_low(fill, c.th["fill_ok"], c.th["fill_problem"])
    if status == "ok" and dups:
        status = "warning"
    return (
        status,
        fill,
        c.say("funnel.crm_quality", fill=c.pct(fill), fields="; ".join(parts), duplicates=dups),
    )


# --------------------------------------------------------------------------------------------------
# cadence and people


def _weekly_plans(c: _Ctx) -> _Data:
    """Targets no finer than a month -> warning (no weekly plans); yearly only -> problem."""
    if not _nonempty(c.targets, "period"):
        return None
    monthly = c.targets["period"].astype(str).str.len().eq(7).any()
    if monthly:
        return "warning", 0.0, c.say("cadence.weekly_plans.monthly")
    return "problem", 0.0, c.say("cadence.weekly_plans.yearly")


def _forecast(c: _Ctx) -> _Data:
    """Mean absolute error of the department's run-rate forecast at mid-month (the week-part
    holding the 15th) against the month's result, complete months: ``forecast_warning`` /
    ``forecast_problem``."""
    tr = c.tracking
    if not _nonempty(tr, "level", "period", "week_start", "week_end", "forecast", "mtd_fact"):
        return None
    dept = tr[tr["level"] == "department"]
    month_start = pd.to_datetime(dept["period"] + "-01")
    month_end = month_start + pd.offsets.MonthEnd(0)
    done = dept[month_end < c.as_of]
    if not len(done):
        return None
    mid = month_start[month_end < c.as_of] + pd.Timedelta(days=14)
    at_mid = done[(done["week_start"] <= mid) & (done["week_end"] >= mid)].set_index("period")["forecast"]
    last = done.sort_values("week_end").groupby("period")["mtd_fact"].last()
    both = at_mid.index.intersection(last[last > 0].index)
    if not len(both):
        return None
    error = float(((at_mid[both] - last[both]).abs() / last[both]).mean())
    status = _level(error, c.th["forecast_warning"], c.th["forecast_problem"])
    text = c.say("cadence.forecast_accuracy", error=c.pct(error), months=len(both))
    warned = _warned_months(c.backtest)
    if warned is not None and len(warned):
        weeks = float(warned["weeks_of_warning"].astype(float).mean())
        text += " " + c.say(
            "cadence.warned", count=len(warned), weeks=c.num(weeks, 0 if weeks.is_integer() else 1)
        )
    return status, error, text


def _warned_months(backtest: pd.DataFrame | None) -> pd.DataFrame | None:
    """The department's missed months that the weekly view flagged at least a week before month end."""
    if not _nonempty(backtest, "level", "missed", "flagged", "weeks_of_warning"):
        return None
    bt = backtest[(backtest["level"] == "department") & backtest["missed"].astype(bool)]
    return bt[bt["flagged"].astype(bool) & (bt["weeks_of_warning"].fillna(0).astype(float) >= 1)]


def _monthly_sales(sales: pd.DataFrame) -> pd.Series:
    """Net sales per (manager, calendar month period)."""
    month = sales["date"].dt.to_period("M")
    return sales.groupby([sales["manager"].astype(str), month])["amount"].sum()


def _ramp(c: _Ctx) -> _Data:
    """Ramp time: the first full month after hire in which a new manager sells at least ``ramp_level``
    of the median experienced manager's average month (managers employed for 12+ months and still
    there; average over the 12 full months before ``as_of``). Only hires after the first sale can be
    measured; a hire not yet ramped within ``ramp_months`` full months is too early to judge."""
    m = c.managers
    if not _nonempty(m, "manager", "hired") or not _nonempty(c.sales, "date", "amount", "manager"):
        return None
    sales = c.sales[c.sales["date"] < c.as_of]
    this_month = c.as_of.to_period("M")
    per_month = _monthly_sales(sales)
    left = m["left"] if "left" in m.columns else pd.Series(pd.NaT, index=m.index)
    start = (this_month - 12).start_time
    window = pd.period_range(this_month - 12, this_month - 1, freq="M")
    veterans = m.loc[(m["hired"] <= start) & (left.isna() | (left >= c.as_of)), "manager"].astype(str)
    averages = [per_month.get(v, pd.Series(dtype=float)).reindex(window).fillna(0).mean() for v in veterans]
    bench = float(np.median(averages)) if averages else float("nan")
    hires = m[(m["hired"] > sales["date"].min()) & (m["hired"] < this_month.start_time)]
    if not len(hires) or not bench > 0:
        return None
    level, expected = c.th["ramp_level"], int(c.th["ramp_months"])
    statuses, texts, months_to_ramp = [], [], []
    for name, hired, gone in zip(
        hires["manager"].astype(str), hires["hired"], left[hires.index], strict=True
    ):
        first = hired.to_period("M") if hired.day == 1 else hired.to_period("M") + 1
        last = (gone.to_period("M") - 1) if pd.notna(gone) else this_month - 1
        months = pd.period_range(first, last, freq="M") if first <= last else pd.PeriodIndex([], freq="M")
        own = per_month.get(name, pd.Series(dtype=float)).reindex(months).fillna(0).to_numpy()
        reached = np.flatnonzero(own >= level * bench)
        if len(reached):
            month_no = int(reached[0]) + 1
            months_to_ramp.append(month_no)
            statuses.append("ok" if month_no <= expected else "warning")
            texts.append(c.say("people.ramp.reached", manager=name, level=c.pct(level), month=month_no))
        else:
            tenure = len(own)
            share = float(own[-1] / bench) if tenure else 0.0
            statuses.append(
                "unknown" if tenure <= expected else "problem" if tenure > 2 * expected else "warning"
            )
            texts.append(c.say("people.ramp.not_yet", manager=name, months=tenure, share=c.pct(share)))
    value = float(max(months_to_ramp)) if months_to_ramp else float("nan")
    return worst(statuses), value, "; ".join(texts)


def _turnover(c: _Ctx) -> _Data:
    """Leavers in the 12 months before ``as_of`` / the mean of the headcount then and now:
    ``turnover_warning`` / ``turnover_problem``."""
    m = c.managers
    if not _nonempty(m, "manager", "left"):
        return None
    start = c.as_of - pd.DateOffset(months=12)
    hired = m["hired"] if "hired" in m.columns else pd.Series(pd.NaT, index=m.index)

    def headcount(day):
        return int(((hired.isna() | (hired <= day)) & (m["left"].isna() | (m["left"] >= day))).sum())

    leavers = int(((m["left"] > start) & (m["left"] <= c.as_of)).sum())
    avg = (headcount(start) + headcount(c.as_of)) / 2
    rate = leavers / avg if avg > 0 else 0.0
    status = _level(rate, c.th["turnover_warning"], c.th["turnover_problem"])
    return (
        status,
        rate,
        c.say(
            "people.turnover",
            left=leavers,
            headcount=c.num(avg, 0 if avg.is_integer() else 1),
            rate=c.pct(rate),
        ),
    )


def _why_a_buy(c: _Ctx) -> _Data:
    """Interview only; the evidence counts the A-client interviews of the questionnaire."""
    n = len(c.answers.get("a_client_interviews") or [])
    return "unknown", float(n), c.say("clients.why_a_buy", count=n)


_DATA = {
    "plans.written_plan": _written_plan,
    "plans.reconciliation": _reconciliation,
    "plans.attainment_spread": _attainment_spread,
    "plans.seasonality": _seasonality,
    "plans.pay_follows_attainment": _pay_follows,
    "clients.register": _register,
    "clients.concentration": _concentration,
    "clients.abc": _abc,
    "clients.d_effort": _d_effort,
    "clients.potential": _potential,
    "clients.dormant_ab": _dormant,
    "clients.migration": _migration,
    "clients.why_a_buy": _why_a_buy,
    "clients.churn_new": _churn_new,
    "funnel.conversion": _conversion,
    "funnel.stale_deals": _stale,
    "funnel.activity": _activity,
    "funnel.deal_size_cycle": _deal_size_cycle,
    "funnel.coverage": _coverage,
    "funnel.crm_quality": _crm_quality,
    "cadence.weekly_plans": _weekly_plans,
    "cadence.forecast_accuracy": _forecast,
    "people.ramp": _ramp,
    "people.turnover": _turnover,
}


# --------------------------------------------------------------------------------------------------
# public API


def evaluate_checks(
    sales: pd.DataFrame | None = None,
    *,
    as_of,
    answers: Mapping | None = None,
    clients: pd.DataFrame | None = None,
    register: pd.DataFrame | None = None,
    managers: pd.DataFrame | None = None,
    targets: pd.DataFrame | None = None,
    seasonality: pd.DataFrame | None = None,
    history: pd.DataFrame | None = None,
    ceiling: pd.DataFrame | None = None,
    pipeline: pd.DataFrame | None = None,
    activities: pd.DataFrame | None = None,
    tracking: pd.DataFrame | None = None,
    coverage: pd.DataFrame | None = None,
    stale: pd.DataFrame | None = None,
    backtest: pd.DataFrame | None = None,
    quality: pd.DataFrame | None = None,
    window_months: int = 12,
    comfortable_income: float = 100_000,
    lang: str = "ru",
    currency: str = "RUB",
    thresholds: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """Every check of :data:`CHECKS` on the stage results and the interview answers.

    Conventions: module docstring (unknown is never ok; a ``D+I`` check takes the worse known side).
    Every input is optional: a check whose input is missing is ``unknown`` and says what is missing.

    Parameters
    ----------
    sales
        Canonical sales (date, client_id, amount, + manager, document_id).
    as_of
        Analysis date.
    answers
        :func:`salesaudit.audit.questionnaire.load_answers` output (question id -> ``{answer, note}``, and
        ``a_client_interviews``).
    clients
        :func:`salesaudit.clients.segmentation.segment_clients` output (the client table).
    register, managers, targets, pipeline, activities
        Canonical tables (``register`` is the canonical clients table: the client register).
    seasonality
        ``PlanResult.seasonality`` (month, index, source).
    history
        :func:`salesaudit.plan.motivation.historical_attainment` output.
    ceiling
        :func:`salesaudit.plan.motivation.income_ceiling` output (with ``sales``: actual income).
    tracking
        :func:`salesaudit.weekly.tracking.tracking_weekly` output (week-parts with activity norms, forecast).
    coverage
        :func:`salesaudit.weekly.pipeline.pipeline_coverage` output for the tracked week.
    stale
        :func:`salesaudit.weekly.pipeline.stale_deals` output.
    backtest
        :func:`salesaudit.weekly.tracking.backtest` output.
    quality
        :func:`salesaudit.intake.quality.quality_checks` output (duplicates count for the CRM check).
    window_months, comfortable_income
        Analysis window; the comfortable income of engagement.yaml ``motivation``.
    lang, currency
        Language of the texts; currency of money figures.
    thresholds
        Overrides of :data:`DEFAULT_THRESHOLDS`.

    Returns
    -------
    DataFrame, one row per check of :data:`CHECKS` in that order; columns :data:`FINDING_COLUMNS`:
    ``check_id``, ``area``, ``source`` (D/I/D+I), ``title``, ``status`` (ok/warning/problem/unknown),
    ``data_status`` and ``answer_status`` (each side's status; ``unknown`` when the side is absent or
    missing), ``answer`` (yes/no/partly/unknown, NA for data checks), ``value`` (the evidence figure as
    a number, NaN when none), ``evidence`` (sentence with the figure, locale-formatted, and the
    interview answer and note), ``data_evidence`` (the data sentence alone; empty when the data side
    is unknown), ``recommendation`` (what to do; for ``ok`` keep it, for ``unknown``
    what to collect), ``fix`` (anchor of the report section that deals with it).

    Raises
    ------
    ConfigError
        An unknown threshold.
    DataError
        A required column missing from a table that is given.

    Examples
    --------
    >>> sales = pd.DataFrame({"date": pd.to_datetime(["2026-03-02", "2026-05-04"]),
    ...                       "client_id": ["c1", "c2"], "amount": [100.0, 300.0]})
    >>> out = evaluate_checks(sales, as_of="2026-11-25",
    ...                       answers={"cadence.weekly_meeting": {"answer": "no", "note": ""}}, lang="en")
    >>> out.set_index("check_id").loc[["cadence.weekly_meeting", "plans.reconciliation"], "status"].tolist()
    ['problem', 'unknown']
    """
    th = resolve_thresholds(thresholds)
    if sales is not None:
        missing = [col for col in ("date", "client_id", "amount") if col not in sales.columns]
        if missing:
            raise DataError(f"sales lacks the column(s) {', '.join(missing)}", column=missing[0])
    if clients is None and sales is not None and len(sales):
        from ..clients.segmentation import segment_clients

        clients = segment_clients(sales, as_of=as_of, window_months=window_months)
    ctx = _Ctx(
        sales=sales,
        as_of=pd.Timestamp(as_of).normalize(),
        answers=answers or {},
        clients=clients,
        register=register,
        managers=managers,
        targets=targets,
        seasonality=seasonality,
        history=history,
        ceiling=ceiling,
        pipeline=pipeline,
        activities=activities,
        tracking=tracking,
        coverage=coverage,
        stale=stale,
        backtest=backtest,
        quality=quality,
        window_months=int(window_months),
        comfortable_income=float(comfortable_income),
        lang=lang,
        currency=currency,
        th=th,
    )
    rows = [_evaluate(check, ctx) for check in CHECKS]
    out = pd.DataFrame(rows, columns=FINDING_COLUMNS)
    for col in FINDING_COLUMNS:
        if col != "value":
            out[col] = out[col].astype("str")
    out["value"] = out["value"].astype(float)
    return out


_INPUTS = {"clients": "register"}  # a check's need -> the context's table (the register is "clients")


def _absent(ctx: _Ctx, need: str) -> bool:
    table = getattr(ctx, _INPUTS.get(need, need), None)
    return table is None or len(table) == 0


def _answer(check: Check, ctx: _Ctx) -> tuple[str | None, str]:
    if check.question is None:
        return None, ""
    item = ctx.answers.get(check.question) or {}
    return str(item.get("answer", "unknown")), str(item.get("note") or "").strip()


def _evaluate(check: Check, ctx: _Ctx) -> dict:
    lang = ctx.lang
    answer, note = _answer(check, ctx)
    answer_status = ANSWER_STATUS.get(answer, "unknown") if answer is not None else "unknown"
    data_text, value, data_status = "", float("nan"), "unknown"
    missing: list[str] = []
    if check.check_id in _DATA:
        result = _DATA[check.check_id](ctx)
        if result is None:
            missing = [t(f"scorecard.input.{n}", lang) for n in check.needs if _absent(ctx, n)]
            data_text = (
                t("scorecard.no_data", lang, what=", ".join(missing))
                if missing
                else t("scorecard.insufficient", lang)
            )
        else:
            data_status, value, data_text = result
    texts = [data_text] if data_text else []
    if answer is not None:
        word = t(f"scorecard.answer.{answer}", lang)
        key = "scorecard.interview_note" if note else "scorecard.interview"
        texts.append(t(key, lang, answer=word, note=note))
        if answer == "unknown":
            missing.append(t("scorecard.input.answer", lang))
    status = worst([data_status, answer_status])
    if status == "unknown":
        reco = t(
            "scorecard.reco_unknown", lang, what=", ".join(missing) or t("scorecard.input.history", lang)
        )
    elif status == "ok":
        reco = t("scorecard.reco_ok", lang)
    else:
        reco = t(f"scorecard.reco.{check.check_id}", lang)
    return {
        "check_id": check.check_id,
        "area": check.area,
        "source": check.source,
        "title": t(f"scorecard.check.{check.check_id}", lang),
        "status": status,
        "data_status": data_status,
        "answer_status": answer_status if answer is not None else "unknown",
        "answer": answer if answer is not None else pd.NA,
        "value": value,
        "evidence": " ".join(texts),
        "data_evidence": data_text if data_status != "unknown" else "",
        "recommendation": reco,
        "fix": check.fix,
    }


def headline_findings(
    findings: pd.DataFrame,
    *,
    answers: Mapping | None = None,
    backtest: pd.DataFrame | None = None,
    lang: str = "ru",
) -> pd.DataFrame:
    """The three headline failures of the playbook, each decided from data AND interview together.

    Decision: the data side is the worst ``data_status`` of the headline's data checks
    (:data:`HEADLINES`; the evidence quotes those that fail, and the first failing supporting check) — for monthly cadence also a problem when the backtest shows a missed month the
    weekly view flagged at least a week ahead; the interview side is the worst status of its answers.
    Both sides known: **problem** when both point to the failure (each at least a warning) and one is a
    problem; **warning** when one side points to it and the other does not (they disagree) or both only
    warn; **ok** when neither does. One side known: its status. Neither: **unknown**. The failure is
    ``present`` when the status is problem or warning.

    Parameters
    ----------
    findings
        :func:`evaluate_checks` output.
    answers
        The interview answers (question id -> ``{answer, note}``); questions not in ``findings``
        (``clients.segmentation`` feeds the check ``clients.abc``) are read here.
    backtest
        :func:`salesaudit.weekly.tracking.backtest` output (monthly cadence's data side).
    lang
        Language of the texts.

    Returns
    -------
    DataFrame, one row per headline (``no_money_plan``, ``no_segmentation``, ``monthly_cadence``):
    ``headline_id``, ``status``, ``present`` (bool), ``title``, ``evidence`` (data, then interview,
    then whether they agree), ``recommendation`` (the fix), ``anchor`` (report section id, e.g.
    ``plan``), ``section`` (that section's title).

    Examples
    --------
    >>> sales = pd.DataFrame({"date": pd.to_datetime(["2026-03-02"]), "client_id": ["c1"],
    ...                       "amount": [100.0]})
    >>> targets = pd.DataFrame({"period": ["2025-01"], "amount": [90.0], "manager": ["Ann"]})
    >>> answers = {"plans.written_plan": {"answer": "no", "note": ""}}
    >>> f = evaluate_checks(sales, as_of="2026-11-25", targets=targets, answers=answers, lang="en")
    >>> h = headline_findings(f, answers=answers, lang="en").set_index("headline_id")
    >>> h.loc["no_money_plan", ["status", "anchor"]].tolist(), bool(h.loc["no_money_plan", "present"])
    (['problem', 'plan'], True)
    >>> h.loc["monthly_cadence", "status"]  # monthly targets only: no weekly plans in the data
    'warning'
    """
    by_id = findings.set_index("check_id")
    answers = answers or {}
    rows = []
    for hid, spec in HEADLINES.items():
        data_ids = [i for i in spec["data"] if i in by_id.index]
        data_statuses = [by_id.at[i, "data_status"] for i in data_ids]
        failing = [i for i in data_ids if by_id.at[i, "data_status"] in ("warning", "problem")]
        texts = [by_id.at[i, "data_evidence"] for i in failing or data_ids if by_id.at[i, "data_evidence"]]
        if hid == "monthly_cadence":
            warned = _warned_months(backtest)
            if warned is not None:
                data_statuses.append("problem" if len(warned) else "ok")
                if len(warned):
                    weeks = float(warned["weeks_of_warning"].astype(float).mean())
                    texts.append(
                        t(
                            "scorecard.evidence.cadence.warned",
                            lang,
                            count=len(warned),
                            weeks=fmt_number(weeks, lang=lang, digits=0 if weeks.is_integer() else 1),
                        )
                    )
        support = [i for i in spec["support"] if i in by_id.index and by_id.at[i, "data_status"] in _FAILING]
        texts += [by_id.at[i, "data_evidence"] for i in support[:1]]
        answer_statuses, answer_texts = [], []
        for q in spec["answers"]:
            item = answers.get(q) or {}
            a = str(item.get("answer", "unknown"))
            answer_statuses.append(ANSWER_STATUS.get(a, "unknown"))
            if a != "unknown":
                note = str(item.get("note") or "").strip().rstrip(".")
                text = (
                    f"{t(f'scorecard.check.{_QUESTION_CHECK[q]}', lang)} — {t(f'scorecard.answer.{a}', lang)}"
                )
                answer_texts.append(text + (f" ({note})" if note else ""))
        d, a = worst(data_statuses), worst(answer_statuses)
        status, agreement = _combine(d, a)
        evidence = " ".join(texts)
        if answer_texts:
            evidence += " " + t("scorecard.headline.interview", lang, answers="; ".join(answer_texts))
        if agreement:
            evidence += " " + t(f"scorecard.headline.{agreement}", lang)
        if status == "unknown":
            evidence = (evidence + " " + t("scorecard.headline.undecided", lang)).strip()
        present = status in ("problem", "warning")
        rows.append(
            {
                "headline_id": hid,
                "status": status,
                "present": present,
                "title": t(f"scorecard.headline.{hid}.title", lang),
                "evidence": evidence.strip(),
                "recommendation": t(f"scorecard.headline.{hid}.fix", lang),
                "anchor": spec["anchor"],
                "section": t(spec["section"], lang),
            }
        )
    out = pd.DataFrame(rows, columns=HEADLINE_COLUMNS)
    for col in HEADLINE_COLUMNS:
        if col != "present":
            out[col] = out[col].astype("str")
    return out


def _combine(data: str, answer: str) -> tuple[str, str]:
    """Status and agreement ("agree"/"disagree"/"") of a headline from its two sides."""
    if data == "unknown" or answer == "unknown":
        return (answer if data == "unknown" else data), ""
    d, a = _RANK[data], _RANK[answer]
    if min(d, a) >= 1:
        return ("problem" if max(d, a) == 2 else "warning"), "agree"
    if max(d, a) == 0:
        return "ok", "agree"
    return "warning", "disagree"


def maturity_scores(findings: pd.DataFrame, *, warning_points: float = 0.5, lang: str = "ru") -> pd.DataFrame:
    """A maturity score per area and overall, from the checks' statuses.

    Convention: each assessed check (status not ``unknown``) earns points — ok 1, warning
    ``warning_points`` (0.5), problem 0; an area's score = 100 × points / assessed checks (NaN when no
    check of the area could be assessed). The overall score is the mean of the area scores, so every
    area counts the same whatever its number of checks. Level: below 40 initial, below 70 developing,
    else managed (:data:`LEVELS`). Unknown checks lower no score but are counted, so the coverage of
    the assessment shows.

    Returns
    -------
    DataFrame, one row per area of :data:`AREAS` and a last row ``overall``: ``area``, ``checks``,
    ``assessed``, ``ok``, ``warning``, ``problem``, ``unknown`` (counts), ``score`` (0–100, rounded to
    a whole number, half to even), ``level`` (initial/developing/managed, NA without a score).

    Examples
    --------
    >>> f = pd.DataFrame({"area": ["plans_pay", "plans_pay", "clients"],
    ...                   "status": ["ok", "warning", "problem"]})
    >>> m = maturity_scores(f).set_index("area")
    >>> m.loc[["plans_pay", "clients", "overall"], "score"].tolist()
    [75.0, 0.0, 38.0]
    >>> bool(pd.isna(m.loc["funnel", "score"])), m.loc["overall", "level"]
    (True, 'initial')
    """
    if not 0 <= warning_points <= 1:
        raise ConfigError(
            "warning_points must be between 0 and 1", key="scorecard.warning_points", value=warning_points
        )
    counts = (
        pd.crosstab(findings["area"], findings["status"])
        .reindex(index=list(AREAS), columns=list(STATUSES), fill_value=0)
        .astype("int64")
    )
    out = counts.copy()
    out.insert(0, "checks", counts.sum(axis=1))
    out.insert(1, "assessed", counts[["ok", "warning", "problem"]].sum(axis=1))
    points = counts["ok"] + warning_points * counts["warning"]
    score = 100 * points / out["assessed"].where(out["assessed"] > 0)
    overall = out.sum(axis=0).to_frame("overall").T
    out["score"] = score
    overall["score"] = score.mean() if score.notna().any() else np.nan
    out = pd.concat([out, overall])
    out["score"] = out["score"].round(0)
    out["level"] = [_maturity_level(s) for s in out["score"]]
    out["level"] = out["level"].astype("str")
    out.index.name = "area"
    out = out.reset_index()
    out["area"] = out["area"].astype("str")
    for col in ("checks", "assessed", *STATUSES):
        out[col] = out[col].astype("int64")
    return out[MATURITY_COLUMNS]


def _maturity_level(score: float):
    if pd.isna(score):
        return pd.NA
    return next(name for bound, name in LEVELS if score < bound)


def top_recommendations(findings: pd.DataFrame, *, n: int = 5) -> pd.DataFrame:
    """The ``n`` most urgent recommendations: problems first, then warnings, each in
    :data:`CHECKS` order (the playbook's priority: plans and pay, clients, funnel, cadence, people).

    Returns
    -------
    DataFrame with columns ``check_id``, ``area``, ``status``, ``title``, ``recommendation``,
    ``fix``; at most ``n`` rows.

    Examples
    --------
    >>> f = pd.DataFrame({"check_id": ["a", "b", "c"], "area": "clients",
    ...     "status": ["warning", "problem", "ok"], "title": "", "recommendation": "", "fix": ""})
    >>> top_recommendations(f, n=5)["check_id"].tolist()
    ['b', 'a']
    """
    if n < 0:
        raise ConfigError("n must be >= 0", value=n)
    order = {s: i for i, s in enumerate(("problem", "warning"))}
    rows = findings[findings["status"].isin(list(order))]
    rows = rows.assign(_s=rows["status"].map(order), _p=range(len(rows)))
    rows = rows.sort_values(["_s", "_p"], kind="stable")
    return (
        rows[["check_id", "area", "status", "title", "recommendation", "fix"]].head(n).reset_index(drop=True)
    )


def summary_figures(
    clients: pd.DataFrame | None,
    *,
    target: float | None = None,
    backtest: pd.DataFrame | None = None,
    maturity: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The executive summary's key figures.

    ``revenue`` = net revenue of the window (sum of the client table's ``revenue``, returns netted);
    ``growth`` against the previous window (``prev_revenue``); ``top20_share`` / ``top1_share`` as in
    :func:`salesaudit.clients.portfolio.concentration`; ``plan_target`` the year plan and ``plan_gap`` = plan
    − the window's revenue relative to that revenue (the growth the plan asks for);
    ``weeks_of_warning`` = mean weeks of warning over the department's missed months the weekly view
    flagged at least a week ahead (0 when none); ``maturity`` the overall score of
    :func:`maturity_scores`. A figure whose input is missing is NaN.

    Returns
    -------
    DataFrame with columns ``figure``, ``value``, ``kind`` (money/percent/int/number1), ready for
    :func:`salesaudit.report.show.key_figures` (labels ``figure.<figure>``).

    Examples
    --------
    >>> cl = pd.DataFrame({"client_id": ["a", "b"], "revenue": [80.0, 20.0], "prev_revenue": [50.0, 30.0]})
    >>> f = summary_figures(cl, target=120.0).set_index("figure")["value"]
    >>> f[["revenue", "growth", "plan_gap"]].round(2).tolist()
    [100.0, 0.25, 0.2]
    """
    from ..clients.portfolio import concentration

    has = clients is not None and len(clients) > 0
    revenue = float(clients["revenue"].sum()) if has else np.nan
    conc = concentration(clients) if has else pd.Series(dtype=float)
    prev = float(clients["prev_revenue"].sum()) if has and "prev_revenue" in clients.columns else np.nan
    warned = _warned_months(backtest)
    if warned is None:
        weeks = np.nan
    else:
        weeks = float(warned["weeks_of_warning"].astype(float).mean()) if len(warned) else 0.0
    overall = np.nan
    if maturity is not None and (maturity["area"] == "overall").any():
        overall = float(maturity.loc[maturity["area"] == "overall", "score"].iloc[0])
    gap = (float(target) - revenue) / revenue if target is not None and revenue > 0 else np.nan
    rows = [
        ("revenue", revenue, "money"),
        ("growth", revenue / prev - 1 if prev > 0 else np.nan, "percent"),
        ("top20_share", float(conc.get("top_share", np.nan)), "percent"),
        ("top1_share", float(conc.get("top1_share", np.nan)), "percent"),
        ("plan_target", float(target) if target is not None else np.nan, "money"),
        ("plan_gap", gap, "percent"),
        ("weeks_of_warning", weeks, "number1"),
        ("maturity", overall, "int"),
    ]
    return pd.DataFrame(rows, columns=["figure", "value", "kind"])
