"""The data side of the "cadence" and "people" checks: each reads
:class:`~salesaudit.audit.rules.CheckInputs` and returns a :class:`~salesaudit.audit.rules.Reading`
(status, figure, the figures its sentence quotes), or None when its input is missing. No language:
:mod:`salesaudit.audit.wording` tells the figures."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..frames import coded
from .claims import judged
from .rules import CheckInputs, Reading, nonempty, warned_months, worst


def weekly_plans(c: CheckInputs) -> Reading | None:
    """Targets no finer than a month -> warning (no weekly plans); yearly only -> problem."""
    if not nonempty(c.targets, "period"):
        return None
    monthly = c.targets["period"].astype(str).str.len().eq(7).any()
    if monthly:
        return Reading("warning", 0.0, {"finest": "month"}, case="monthly", kind="finest_period")
    return Reading("problem", 0.0, {"finest": "year"}, case="yearly", kind="finest_period")


def forecast(c: CheckInputs) -> Reading | None:
    """Mean absolute error of the department's run-rate forecast at mid-month (the week-part
    holding the 15th) against the month's result, complete months: ``forecast_warning`` /
    ``forecast_problem``. The figures add, when the backtest has them, the missed months the weekly
    view warned of (``warned``: their count and mean weeks of warning)."""
    tr = c.tracking
    if not nonempty(tr, "level", "period", "week_start", "week_end", "forecast", "mtd_fact"):
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
    figures = {
        "error": error,
        "months": len(both),
        "warned": warning_weeks(c.backtest),
        "value": error,
        "warning": c.th["forecast_warning"],
        "problem": c.th["forecast_problem"],
    }
    return judged("threshold_high", figures)


def warning_weeks(backtest: pd.DataFrame | None) -> tuple[int, float] | None:
    """(missed months flagged at least a week ahead, their mean weeks of warning); None when the
    backtest has no such month (or is missing)."""
    warned = warned_months(backtest)
    if warned is None or not len(warned):
        return None
    return len(warned), float(warned["weeks_of_warning"].astype(float).mean())


def _monthly_sales(sales: pd.DataFrame, *, before: pd.Timestamp) -> pd.Series:
    """Net sales of the lines dated before ``before`` per manager (as text, ``astype(str)``; lines
    without one left out) and calendar month period, for every manager of the column and every month
    from the first such line's to the last's (0 without sales). Grouped on integer codes: the text of
    each distinct manager and the month of each distinct day are made once, not once per line."""
    line, uniques = coded(sales["manager"])
    name_of, names = pd.factorize(pd.Series(uniques, dtype=object).astype(str))  # one per distinct text
    who = np.append(name_of, -1)[line]  # no manager -> -1
    keep = (sales["date"] < before).to_numpy(bool) & (who >= 0)
    day = sales["date"].to_numpy()[keep].astype("datetime64[D]").astype(np.int64)
    month, first, span = day, 0, 0
    if len(day):
        calendar = np.arange(day.min(), day.max() + 1).astype("datetime64[D]").astype("datetime64[M]")
        calendar = calendar.astype(np.int64)  # the month of each day from the first to the last
        month, first, span = calendar[day - day.min()], int(calendar[0]), int(calendar[-1] - calendar[0]) + 1
    slot = pd.Categorical.from_codes(
        who[keep] * span + (month - first), categories=pd.RangeIndex(len(names) * span)
    )
    sums = sales["amount"][keep].groupby(slot, observed=False).sum()
    months = pd.PeriodIndex.from_ordinals(np.arange(first, first + span), freq="M")
    return pd.Series(sums.to_numpy(), index=pd.MultiIndex.from_product([pd.Index(names), months]))


def ramp(c: CheckInputs) -> Reading | None:
    """Ramp time: the first full month after hire in which a new manager sells at least ``ramp_level``
    of the median experienced manager's average month (managers employed for 12+ months and still
    there; average over the 12 full months before ``as_of``). Only hires after the first sale can be
    measured; a hire not yet ramped within ``ramp_months`` full months is too early to judge. The
    figures list each hire (``hires``: manager, case ``reached`` with its month or ``not_yet`` with
    the months so far and the last month's share of the benchmark)."""
    m = c.managers
    if not nonempty(m, "manager", "hired") or not nonempty(c.sales, "date", "amount", "manager"):
        return None
    earliest = c.sales["date"].min()
    first_sale = earliest if earliest < c.as_of else pd.NaT
    this_month = c.as_of.to_period("M")
    per_month = _monthly_sales(c.sales, before=c.as_of)
    left = m["left"] if "left" in m.columns else pd.Series(pd.NaT, index=m.index)
    start = (this_month - 12).start_time
    window = pd.period_range(this_month - 12, this_month - 1, freq="M")
    veterans = m.loc[(m["hired"] <= start) & (left.isna() | (left >= c.as_of)), "manager"].astype(str)
    averages = [per_month.get(v, pd.Series(dtype=float)).reindex(window).fillna(0).mean() for v in veterans]
    bench = float(np.median(averages)) if averages else float("nan")
    hires = m[(m["hired"] > first_sale) & (m["hired"] < this_month.start_time)]
    if not len(hires) or not bench > 0:
        return None
    level, expected = c.th["ramp_level"], int(c.th["ramp_months"])
    statuses, found, months_to_ramp = [], [], []
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
            found.append({"case": "reached", "manager": name, "level": level, "month": month_no})
        else:
            tenure = len(own)
            share = float(own[-1] / bench) if tenure else 0.0
            statuses.append(
                "unknown" if tenure <= expected else "problem" if tenure > 2 * expected else "warning"
            )
            found.append({"case": "not_yet", "manager": name, "months": tenure, "share": share})
    value = float(max(months_to_ramp)) if months_to_ramp else float("nan")
    figures = {
        "hires": found,
        "reached": ",".join(str(h["month"]) for h in found if h["case"] == "reached"),
        "not_yet": ",".join(str(h["months"]) for h in found if h["case"] == "not_yet"),
        "ramp_months": expected,
    }
    return Reading(worst(statuses), value, figures, kind="ramp")


def turnover(c: CheckInputs) -> Reading | None:
    """Leavers in the 12 months before ``as_of`` / the mean of the headcount then and now:
    ``turnover_warning`` / ``turnover_problem``."""
    m = c.managers
    if not nonempty(m, "manager", "left"):
        return None
    start = c.as_of - pd.DateOffset(months=12)
    hired = m["hired"] if "hired" in m.columns else pd.Series(pd.NaT, index=m.index)

    def headcount(day):
        return int(((hired.isna() | (hired <= day)) & (m["left"].isna() | (m["left"] >= day))).sum())

    leavers = int(((m["left"] > start) & (m["left"] <= c.as_of)).sum())
    avg = (headcount(start) + headcount(c.as_of)) / 2
    rate = leavers / avg if avg > 0 else 0.0
    figures = {
        "left": leavers,
        "headcount": avg,
        "rate": rate,
        "value": rate,
        "warning": c.th["turnover_warning"],
        "problem": c.th["turnover_problem"],
    }
    return judged("threshold_high", figures)
