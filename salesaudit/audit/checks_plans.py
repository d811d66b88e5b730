"""The data side of the "plans and pay" checks: each reads :class:`~salesaudit.audit.rules.CheckInputs`
and returns a :class:`~salesaudit.audit.rules.Reading` (status, figure, the figures its sentence quotes),
or None when its input is missing. No language: :mod:`salesaudit.audit.wording` tells the figures."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .claims import judged
from .rules import CheckInputs, Reading, nonempty, window_start


def written_plan(c: CheckInputs) -> Reading | None:
    """Targets of ``as_of``'s year: none, or only a department row -> problem; for some of the
    managers employed on ``as_of`` -> warning; for all -> ok."""
    if c.targets is None:
        return None
    year = str(c.as_of.year)
    tg = c.targets
    in_year = tg[tg["period"].astype(str).str.startswith(year)] if len(tg) else tg
    if not len(in_year):
        last = tg["period"].astype(str).str[:4].max() if len(tg) else "—"
        return Reading(
            "problem",
            0.0,
            {"year": year, "last": last, "covered": 0, "total": 0},
            case="none",
            kind="share_of_all",
        )
    has_manager = "manager" in in_year.columns and in_year["manager"].notna().any()
    if not has_manager:
        amount = in_year["amount"].sum()
        figures = {"year": year, "amount": amount, "covered": 0, "total": 0}
        return Reading("problem", 0.0, figures, case="department_only", kind="share_of_all")
    active = active_managers(c)
    planned = set(in_year["manager"].dropna().astype(str))
    total = len(active) if active else len(planned)
    covered = len(planned & set(active)) if active else len(planned)
    share = covered / total if total else 0.0
    status = "ok" if share >= 1 else "warning"
    figures = {"year": year, "covered": covered, "total": total}
    return Reading(status, share, figures, case="managers", kind="share_of_all")


def active_managers(c: CheckInputs) -> list[str]:
    """Managers employed on ``as_of`` (managers table), else those with sales in the window."""
    m = c.managers
    if nonempty(m, "manager"):
        ok = pd.Series(True, index=m.index)
        if "hired" in m.columns:
            ok &= m["hired"].isna() | (m["hired"] <= c.as_of)
        if "left" in m.columns:
            ok &= m["left"].isna() | (m["left"] >= c.as_of)
        return sorted(m.loc[ok, "manager"].dropna().astype(str).unique())
    if nonempty(c.sales, "manager"):
        start = window_start(c.as_of, c.window_months)
        dates = c.sales["date"]
        inside = ((dates >= start) & (dates < c.as_of)).to_numpy(bool)
        distinct = pd.Series(c.sales["manager"][inside].unique())  # the text made once per manager
        return sorted(distinct.dropna().astype(str).unique())
    return []


def reconciliation(c: CheckInputs) -> Reading | None:
    """Periods with a department target and manager targets: every manager sum within
    ``reconcile_tolerance`` of the department's -> ok; the largest gap >= ``reconcile_problem`` -> problem;
    else warning. No such period -> unknown."""
    if not nonempty(c.targets, "period", "amount", "manager"):
        return None
    tg = c.targets.assign(period=c.targets["period"].astype(str))
    dept = tg[tg["manager"].isna()].groupby("period")["amount"].sum()
    man = tg[tg["manager"].notna()].groupby("period")["amount"].sum()
    both = dept.index.intersection(man.index)
    if not len(both):
        return Reading("unknown", float("nan"), case="unknown")
    d, m = dept[both], man[both]
    gap = (m - d).abs() / d.where(d != 0)
    bad = gap > c.th["reconcile_tolerance"]
    limits = {
        "warning": c.th["reconcile_tolerance"],
        "problem": c.th["reconcile_problem"],
        "strict": "warning",
    }
    if not bad.any():
        figures = {"periods": len(both), "value": float(gap.fillna(0).max()), **limits}
        return Reading("ok", 0.0, figures, case="ok", kind="threshold_high")
    worst_period = gap.idxmax()
    status = "problem" if gap.max() >= c.th["reconcile_problem"] else "warning"
    figures = {
        "bad": int(bad.sum()),
        "periods": len(both),
        "period": worst_period,
        "sum": m[worst_period],
        "dept": d[worst_period],
        "gap": m[worst_period] / d[worst_period] - 1,
        "value": float(gap.max()),
        **limits,
    }
    return Reading(status, float(gap.max()), figures, case="gap", kind="threshold_high")


def attainment_spread(c: CheckInputs) -> Reading | None:
    """Manager-months judged by :func:`salesaudit.plan.motivation.historical_attainment`: the share above
    ``soft_attainment`` or below ``hard_attainment`` (the larger): more than ``spread_problem`` (most)
    -> problem, from ``spread_warning`` -> warning."""
    h = c.history
    if not nonempty(h, "manager", "period", "attainment"):
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
    figures = {
        "months": len(rows),
        "above": above,
        "below": below,
        "soft": c.th["soft_attainment"],
        "hard": c.th["hard_attainment"],
        "median": float(att.median()),
        "value": share,
        "warning": c.th["spread_warning"],
        "problem": c.th["spread_problem"],
        "strict": "problem",  # "most" means more than half
    }
    return judged("threshold_high", figures)


def seasonality(c: CheckInputs) -> Reading | None:
    """The latest full year of monthly department targets against the sales seasonality index:
    mean |target share - sales share| measured in average months (1 = an average month's share);
    ``seasonality_warning`` / ``seasonality_problem``. Unknown without two full years of history."""
    if not nonempty(c.targets, "period", "amount") or not nonempty(c.seasonality, "month", "index"):
        return None
    if "source" in c.seasonality.columns and (c.seasonality["source"] != "history").any():
        return Reading("unknown", float("nan"), case="no_history")
    tg = c.targets.assign(period=c.targets["period"].astype(str))
    monthly = tg[tg["period"].str.len() == 7]
    if "manager" in monthly.columns and monthly["manager"].isna().any():
        monthly = monthly[monthly["manager"].isna()]
    per = monthly.groupby("period")["amount"].sum()
    years = per.groupby(per.index.str[:4]).size()
    full = years[years == 12].index
    if not len(full):
        return Reading("unknown", float("nan"), case="no_monthly")
    year = full.max()
    target = per[per.index.str[:4] == year].sort_index().to_numpy(float)
    season = c.seasonality.sort_values("month")["index"].to_numpy(float)
    if target.sum() <= 0 or season.sum() <= 0:
        return None
    ts, ss = target / target.sum() * 12, season / season.sum() * 12
    deviation = float(np.abs(ts - ss).mean())
    figures = {
        "year": year,
        "deviation": deviation,
        "tmin": ts.min(),
        "tmax": ts.max(),
        "smin": ss.min(),
        "smax": ss.max(),
        "value": deviation,
        "warning": c.th["seasonality_warning"],
        "problem": c.th["seasonality_problem"],
    }
    return judged("threshold_high", figures)


def pay_follows(c: CheckInputs) -> Reading | None:
    """Variable share of income = 1 - salary / income now (median over managers): below
    ``variable_pay_min`` -> problem, below half -> warning; the plan above the sales at which today's
    scheme already pays the comfortable income for most managers -> problem, for any -> warning."""
    ce = c.ceiling
    if not nonempty(ce, "salary", "plan_monthly_avg", "current_scheme_sales_for_income"):
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
    figures = {
        "variable": share,
        "above": above,
        "total": total,
        "income": c.comfortable_income,
        "variable_min": c.th["variable_pay_min"],
    }
    return Reading(status, share, figures, kind="pay")
