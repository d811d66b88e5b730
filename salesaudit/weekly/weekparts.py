"""The week-part engine of weekly tracking: per-manager cumulative day arrays and the week-part table.

:class:`_Grid` holds, per manager, cumulative sums over days of plan, fact (minor units), norms and
activities, so that any day range sums in O(1). :func:`_weekly_table` builds every week-part up to
``as_of`` with its figures and alert flags; :func:`salesaudit.weekly.tracking.tracking_weekly`,
``track_trend``, ``backtest`` and the flags of ``track_week`` all read it. Conventions: the module
docstring of :mod:`salesaudit.weekly.tracking`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..exceptions import DataError
from ..workdays import working_day_calendar
from .days import (
    _dates,
    _iso_weeks,
    _monday,
    _month_end,
    _month_start,
    _part_bounds,
    _periods,
    _ratio,
    _timestamp,
)
from .inputs import _DEPARTMENT, _UNASSIGNED, _Inputs


class _Grid:
    def __init__(self, inputs: _Inputs, *, first: int, last: int, country: str):
        self.first, self.last = int(first), int(last)
        self.n = self.last - self.first + 1
        self.size = len(inputs.names)
        cal = working_day_calendar(_timestamp(first), _timestamp(last), country=country)
        self.working = cal["is_working"].to_numpy()
        self.cw = np.concatenate([[0], np.cumsum(self.working)])
        plan = inputs.plan
        self.plan = self._cumulate(plan["m"], plan["ws"], plan["plan"], int_=inputs.plan_is_int)
        self.norms = {k: self._cumulate(plan["m"], plan["ws"], plan[k]) for k in inputs.kinds}
        sales = inputs.sales
        self.fact = self._cumulate(sales["m"], sales["day"], sales["cents"], int_=True)
        acts = inputs.acts
        kind = acts["kind"].to_numpy(dtype=object)
        self.acts = {k: self._cumulate(acts["m"][kind == k], acts["day"][kind == k]) for k in inputs.kinds}

    def _cumulate(self, m, days, weights=None, *, int_=False) -> np.ndarray:
        m = np.asarray(m, dtype=np.int64)
        d = np.asarray(days, dtype=np.int64)
        keep = (d >= self.first) & (d <= self.last)
        flat = m[keep] * self.n + (d[keep] - self.first)
        w = None if weights is None else np.asarray(weights, dtype=float)[keep]
        totals = np.bincount(flat, weights=w, minlength=self.size * self.n)
        totals = totals.reshape(self.size, self.n)
        if weights is None or int_:
            totals = np.rint(totals).astype(np.int64)
        out = np.zeros((self.size, self.n + 1), dtype=totals.dtype)
        np.cumsum(totals, axis=1, out=out[:, 1:])
        return out

    def _span(self, a, b):
        a = np.clip(np.asarray(a, dtype=np.int64), self.first, self.last + 1) - self.first
        b = np.clip(np.asarray(b, dtype=np.int64), self.first - 1, self.last) - self.first + 1
        return a, np.maximum(a, b)

    def total(self, arr: np.ndarray, m, a, b) -> np.ndarray:
        """Sum of ``arr`` for managers ``m`` over days ``a..b`` inclusive (0 for an empty range)."""
        a, b = self._span(a, b)
        return arr[m, b] - arr[m, a]

    def workdays(self, a, b) -> np.ndarray:
        a, b = self._span(a, b)
        return self.cw[b] - self.cw[a]

    def is_working(self, days) -> np.ndarray:
        return self.working[np.asarray(days, dtype=np.int64) - self.first]


def _grid_for(inputs: _Inputs, first: int, last: int, country: str) -> _Grid:
    return _Grid(
        inputs,
        first=_month_start(np.array([first]))[0],
        last=_month_end(np.array([last]))[0],
        country=country,
    )


def _calendar(grid: _Grid, ref: np.ndarray) -> dict[str, np.ndarray]:
    ms, me = _month_start(ref), _month_end(ref)
    elapsed = grid.workdays(ms, ref)
    month = grid.workdays(ms, me)
    return {
        "period": _periods(ref),
        "reference_day": _dates(ref),
        "working_days_elapsed": elapsed,
        "working_days_left": month - elapsed,
        "working_days_month": month,
    }


def _measure(grid: _Grid, m, *, a, b, ref, kinds) -> dict[str, np.ndarray]:
    """Additive figures of manager rows: plan and fact over ``a..b``, month-to-date at ``ref``."""
    ms, me = _month_start(ref), _month_end(ref)
    ps, pe = _part_bounds(ref)
    part_wd = grid.workdays(ps, pe)
    share = np.where(part_wd > 0, _ratio(grid.workdays(ps, ref), part_wd), (ref >= pe) * 1.0)
    prior = grid.total(grid.plan, m, ms, ps - 1)
    out = {
        "plan": grid.total(grid.plan, m, a, b),
        "fact": grid.total(grid.fact, m, a, b) / 100.0,
        "mtd_plan": prior + grid.total(grid.plan, m, ps, ps) * share,
        "mtd_fact": grid.total(grid.fact, m, ms, ref) / 100.0,
        "month_plan": grid.total(grid.plan, m, ms, me),
    }
    for k in kinds:
        out[f"{k}_fact"] = grid.total(grid.acts[k], m, a, b)
        out[f"{k}_norm"] = grid.total(grid.norms[k], m, a, b)
    return out


def _additive(kinds, extra=()) -> list[str]:
    cols = ["plan", "fact", "mtd_plan", "mtd_fact", "month_plan", *extra]
    for k in kinds:
        cols += [f"{k}_fact", f"{k}_norm"]
    return cols


def _derive(df: pd.DataFrame, kinds) -> pd.DataFrame:
    """Ratios and forecasts from the additive columns (same formulas for managers and department)."""
    elapsed = df["working_days_elapsed"].to_numpy(dtype=float)
    month = df["working_days_month"].to_numpy(dtype=float)
    left = df["working_days_left"].to_numpy(dtype=float)
    month_plan = df["month_plan"].to_numpy(dtype=float)
    mtd_fact = df["mtd_fact"].to_numpy(dtype=float)
    df["attainment"] = _ratio(df["fact"], df["plan"])
    df["mtd_attainment"] = _ratio(df["mtd_fact"], df["mtd_plan"])
    df["expected_pace"] = month_plan * _ratio(elapsed, month)
    df["forecast"] = _ratio(mtd_fact, elapsed) * month
    df["forecast_attainment"] = _ratio(df["forecast"], month_plan)
    df["required_daily"] = _ratio(np.maximum(month_plan - mtd_fact, 0.0), left)
    for k in kinds:
        df[f"{k}_attainment"] = _ratio(df[f"{k}_fact"], df[f"{k}_norm"])
    return df


def _finish(df: pd.DataFrame, columns: list[str], notes: dict) -> pd.DataFrame:
    df = df.copy()
    manager = df["manager"].astype("str")
    df["manager"] = manager.where(~manager.isin([_UNASSIGNED, _DEPARTMENT]))
    df = df[[c for c in columns if c in df.columns]].reset_index(drop=True)
    df.attrs["notes"] = dict(notes)
    return df


def _order(df: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    return df.sort_values([*keys, "_level_order", "manager"], kind="stable")


# --------------------------------------------------------------------------------------------------
# the week-part table (tracking_weekly, trend, backtest and the flags of track_week)


def _weekly_table(inputs: _Inputs, *, country: str, thresholds: dict) -> pd.DataFrame:
    as_of = inputs.as_of
    plan = inputs.plan[inputs.plan["ws"] <= as_of]
    if plan.empty:
        raise DataError(
            "the plan has no week-part starting on or before as_of",
            value=str(_timestamp(as_of).date()),
            hint="check as_of or extend the plan",
        )
    first = int(_month_start(plan["ws"].to_numpy()).min())
    last = int(_month_end(plan["ws"].to_numpy()).max())
    days = np.arange(first, last + 1, dtype=np.int64)
    ws, we = _part_bounds(days)
    parts = pd.DataFrame({"ws": ws, "we": we}).drop_duplicates("ws")
    parts = parts[(parts["ws"] >= plan["ws"].min()) & (parts["ws"] <= as_of)]
    parts["ms"] = _month_start(parts["ws"].to_numpy())

    # (manager, month) pairs with a plan, sales or activities
    sources = [plan[["m", "ws"]].rename(columns={"ws": "day"})]
    for frame in (inputs.sales, inputs.acts):
        inside = frame[(frame["day"] >= first) & (frame["day"] <= last)]
        sources.append(inside[["m", "day"]])
    presence = pd.concat(sources, ignore_index=True)
    presence["ms"] = _month_start(presence["day"].to_numpy(dtype=np.int64))
    presence = presence[["m", "ms"]].drop_duplicates()
    grid = _grid_for(inputs, int(_monday(np.int64(first))), last, country)

    rows = presence.merge(parts, on="ms")
    m = rows["m"].to_numpy()
    ws, we = rows["ws"].to_numpy(), rows["we"].to_numpy()
    ref = np.minimum(we, as_of)
    monday = _monday(we)
    closing = (we == monday + 6) & (we < as_of)
    week = {
        "week_plan": grid.total(grid.plan, m, monday, we).astype(float),
        "week_fact": grid.total(grid.fact, m, monday, we) / 100.0,
    }
    for k in inputs.kinds:
        week[f"_week_{k}_fact"] = grid.total(grid.acts[k], m, monday, we).astype(float)
        week[f"_week_{k}_norm"] = grid.total(grid.norms[k], m, monday, we)
    figures = pd.DataFrame(_measure(grid, m, a=ws, b=we, ref=ref, kinds=inputs.kinds))
    figures = figures.assign(**{k: np.where(closing, v, np.nan) for k, v in week.items()})
    managers_rows = pd.concat([rows[["ws"]].reset_index(drop=True), figures], axis=1)
    managers_rows.insert(0, "manager", inputs.names[m])
    additive = [c for c in managers_rows.columns if c not in ("manager", "ws")]
    dept = managers_rows.groupby("ws")[additive].sum(min_count=1)
    dept = dept.reindex(parts["ws"]).reset_index()
    for col in _additive(inputs.kinds):
        dept[col] = dept[col].fillna(0).astype(managers_rows[col].dtype)
    dept["manager"] = _DEPARTMENT
    table = pd.concat([managers_rows, dept], ignore_index=True)

    # calendar columns, per part
    cal_parts = parts.reset_index(drop=True)
    ref_parts = np.minimum(cal_parts["we"].to_numpy(), as_of)
    cal = pd.DataFrame(_calendar(grid, ref_parts))
    cal["ws"] = cal_parts["ws"].to_numpy()
    cal["week_start"] = _dates(cal_parts["ws"])
    cal["week_end"] = _dates(cal_parts["we"])
    cal["iso_week"] = _iso_weeks(cal_parts["ws"].to_numpy())
    cal["working_days"] = grid.workdays(cal_parts["ws"], cal_parts["we"])
    cal["complete"] = cal_parts["we"].to_numpy() < as_of
    cal["_closing"] = (cal_parts["we"].to_numpy() == _monday(cal_parts["we"].to_numpy()) + 6) & (
        cal["complete"]
    )
    cal["_weeks_done"] = _weeks_done(grid, ref_parts, as_of)
    table = table.merge(cal, on="ws", how="left")
    table["level"] = np.where(table["manager"] == _DEPARTMENT, "department", "manager")
    table["_level_order"] = (table["level"] == "department").astype(int)
    table = _order(table, ["ws"])
    table = _derive(table, inputs.kinds)
    table["week_attainment"] = _ratio(table["week_fact"], table["week_plan"])
    return _flag(table, inputs.kinds, thresholds)


def _weeks_done(grid: _Grid, ref: np.ndarray, as_of: int) -> np.ndarray:
    """Complete week-parts with working days from the 1st of ``ref``'s month up to ``ref``."""
    days = np.arange(grid.first, grid.last + 1, dtype=np.int64)
    ps, pe = _part_bounds(days)
    ends = (days == pe) & (grid.workdays(ps, pe) > 0) & (days < as_of)
    cum = np.concatenate([[0], np.cumsum(ends)])
    return cum[ref - grid.first + 1] - cum[_month_start(ref) - grid.first]


def _flag(table: pd.DataFrame, kinds, thresholds: dict) -> pd.DataFrame:
    who = ["level", "manager"]
    # run-rate: from the end of the month's n-th complete week-part with working days
    table["alert_runrate"] = (
        (table["_weeks_done"] >= thresholds["runrate_after_weeks"])
        & (table["month_plan"] > 0)
        & (table["forecast"] < thresholds["runrate_alert"] * table["month_plan"])
    )
    # two consecutive planned ISO weeks below the weekly threshold
    closing = table[table["_closing"] & (table["week_plan"] > 0)].sort_values([*who, "ws"])
    below = closing["week_fact"] < thresholds["weekly_alert"] * closing["week_plan"]
    groups = [closing[c] for c in who]
    previous = below.groupby(groups).shift(1, fill_value=False)
    same_month = closing["period"].groupby(groups).shift(1) == closing["period"]
    table["alert_two_weeks"] = False
    table.loc[closing.index, "alert_two_weeks"] = (below & previous).to_numpy()
    table["_two_weeks_in_month"] = False  # both weeks close in the same month (for the backtest)
    table.loc[closing.index, "_two_weeks_in_month"] = (below & previous & same_month).to_numpy()
    # activities below their norm over the ISO week
    flag = pd.Series(False, index=table.index)
    for k in kinds:
        fact, norm = table[f"_week_{k}_fact"], table[f"_week_{k}_norm"]
        flag |= table["_closing"] & (norm > 0) & (fact < thresholds["activity_alert"] * norm)
    table["alert_activity"] = flag
    return table


_WEEKLY_COLUMNS = [
    "level",
    "manager",
    "period",
    "week_start",
    "week_end",
    "iso_week",
    "working_days",
    "complete",
    "plan",
    "fact",
    "attainment",
    "week_plan",
    "week_fact",
    "week_attainment",
    "mtd_plan",
    "mtd_fact",
    "mtd_attainment",
    "month_plan",
    "expected_pace",
    "forecast",
    "forecast_attainment",
    "required_daily",
    "working_days_elapsed",
    "working_days_left",
    "working_days_month",
]
_MTD_COLUMNS = _WEEKLY_COLUMNS[_WEEKLY_COLUMNS.index("mtd_plan") :]
_FLAGS = ["alert_runrate", "alert_two_weeks", "alert_activity"]


def _kind_columns(kinds) -> list[str]:
    return [f"{k}_{s}" for k in kinds for s in ("fact", "norm", "attainment")]
