"""Weekly tracking: plan vs fact for a week and the month to date, forecast, activities, trend, backtest.

PLAYBOOK.md, "Weekly tracking". The plan arrives as week-parts (``plan_weekly``: one row per manager ×
Monday–Sunday week cut at month boundaries, so a week spanning two months is two parts). Every function
here follows the same conventions:

- **Fact** is net sales: each line's ``amount`` as it is, so returns (negative lines) reduce it. Amounts
  are summed in whole minor units (0.01) so that totals are exact. Only lines dated up to ``as_of``
  (inclusive) count; lines dated after it, or without a date or amount, are ignored and counted in
  ``result.attrs["notes"]``.
- **Complete**: a week, week-part or month is complete when its last day is strictly before ``as_of``
  (the as-of day itself may still be in progress). The default week is the last complete ISO week.
- **Reference day** of a row: the last day its figures include, ``min(period end, as_of)``. Month-to-date
  (MTD) figures are for the month that contains the reference day. For a week spanning two months this is
  the month of its Sunday — the month that can still be saved (the part of the week in the previous month
  is in the week's plan and fact, not in the MTD figures).
- **Working days** come from :mod:`salesaudit.workdays` for ``country``: *elapsed* = working days from the
  1st of the month to the reference day inclusive, *left* = working days in the month − elapsed.
- expected pace = month plan × elapsed / working days in month; run-rate forecast = MTD fact / elapsed ×
  working days in month (NaN while no working day has elapsed); required daily = max(month plan − MTD
  fact, 0) / working days left (NaN when none is left); MTD plan = plans of the month's earlier week-parts
  + the current part's plan × its elapsed share of working days.
- **attainment** = fact / plan, NaN when the plan is 0. A manager who sells but has no plan gets plan 0 and
  attainment NaN; a planned manager without sales gets fact 0.
- Sales lines without a manager form one row with ``level="manager"`` and manager NA, so that manager rows
  always add up to the department row (``level="department"``, manager NA).

Alert rules (defaults in :data:`DEFAULT_THRESHOLDS`, keys as in engagement.yaml's ``tracking`` block):

- ``alert_runrate``: run-rate forecast < ``runrate_alert`` (90 %) × month plan, from the end of the
  month's ``runrate_after_weeks``-th (2nd) complete week-part that has working days on.
- ``alert_two_weeks``: the ISO week and the previous planned ISO week (weeks with plan 0, such as the New
  Year holidays, are skipped) both below ``weekly_alert`` (80 %) of their plan; evaluated on whole ISO
  weeks, on the row of the week-part that closes the week (ends on its Sunday), once complete.
- ``alert_activity``: some activity kind below ``activity_alert`` (80 %) of its norm over the ISO week,
  evaluated like ``alert_two_weeks``. An activity kind is tracked only when the plan has its norm column
  and the activities table holds at least one line of that kind (a CRM that never logs a kind is not
  flagged for it).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..exceptions import ConfigError, DataError
from ..workdays import working_day_calendar

DEFAULT_THRESHOLDS: dict[str, float] = {
    "runrate_alert": 0.9,
    "weekly_alert": 0.8,
    "activity_alert": 0.8,
    "silence_factor": 1.5,
    "silence_min_days": 14,
    "stale_factor": 2.0,
    "runrate_after_weeks": 2,
}
"""Alert thresholds; the keys are those of engagement.yaml's ``tracking`` block."""

NORM_COLUMNS: tuple[str, ...] = ("calls", "meetings", "proposals", "deals")
"""Activity norm columns of ``plan_weekly`` (per week-part), in display order."""

ACTIVITY_TYPES: dict[str, str] = {
    "call": "calls",
    "calls": "calls",
    "phone call": "calls",
    "звонок": "calls",
    "звонки": "calls",
    "meeting": "meetings",
    "meetings": "meetings",
    "visit": "meetings",
    "встреча": "meetings",
    "встречи": "meetings",
    "proposal": "proposals",
    "proposals": "proposals",
    "offer": "proposals",
    "quote": "proposals",
    "phone": "calls",
    "исходящий звонок": "calls",
    "визит": "meetings",
    "кп": "proposals",
    "коммерческое предложение": "proposals",
    "deal": "deals",
    "deals": "deals",
    "сделка": "deals",
}
"""Activity ``type`` (lower-cased, stripped) -> norm column it counts against."""

_NAT = np.iinfo(np.int64).min
_UNASSIGNED = "\uffff1 unassigned"  # internal stand-ins for NA managers, so merges and groupbys are safe
_DEPARTMENT = "\uffff2 department"
_ISO_WEEK = re.compile(r"^(\d{4})-W(\d{1,2})$")


# --------------------------------------------------------------------------------------------------
# small helpers: day numbers (days since 1970-01-01, a Thursday) and week-parts


def _to_day(value, *, key: str) -> int:
    try:
        ts = pd.Timestamp(value)
    except (ValueError, TypeError) as exc:
        raise ConfigError(f"{key} is not a date", key=key, value=value) from exc
    if pd.isna(ts):
        raise ConfigError(f"{key} is missing", key=key, value=value)
    return int(np.datetime64(ts.date(), "D").astype(np.int64))


def _day_numbers(values: pd.Series, *, table: str, column: str) -> np.ndarray:
    if not pd.api.types.is_datetime64_any_dtype(values):
        try:
            values = pd.to_datetime(values, format="ISO8601")
        except (ValueError, TypeError) as exc:
            raise DataError(
                f"{table}.{column} holds values that are not dates",
                column=column,
                hint="pass the canonical table produced by intake (datetime64 columns)",
            ) from exc
    if getattr(values.dtype, "tz", None) is not None:
        values = values.dt.tz_localize(None)
    days = values.to_numpy().astype("datetime64[D]").astype(np.int64)
    return np.where(values.isna().to_numpy(), _NAT, days)


def _dates(days) -> np.ndarray:
    return np.asarray(days, dtype=np.int64).astype("datetime64[D]").astype("datetime64[us]")


def _timestamp(day: int) -> pd.Timestamp:
    return pd.Timestamp(np.datetime64(int(day), "D"))


def _month_start(days: np.ndarray) -> np.ndarray:
    return days.astype("datetime64[D]").astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)


def _month_end(days: np.ndarray) -> np.ndarray:
    months = days.astype("datetime64[D]").astype("datetime64[M]") + 1
    return months.astype("datetime64[D]").astype(np.int64) - 1


def _monday(days):
    return days - (days + 3) % 7


def _part_bounds(days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """First and last day of the week-part containing each day (Monday–Sunday cut at month ends)."""
    days = np.asarray(days, dtype=np.int64)
    monday = _monday(days)
    return np.maximum(monday, _month_start(days)), np.minimum(monday + 6, _month_end(days))


def _periods(days: np.ndarray) -> np.ndarray:
    return np.datetime_as_string(np.asarray(days).astype("datetime64[D]").astype("datetime64[M]"))


def _iso_weeks(days: np.ndarray) -> np.ndarray:
    iso = pd.DatetimeIndex(_dates(days)).isocalendar()
    return (iso["year"].astype(str) + "-W" + iso["week"].astype(str).str.zfill(2)).to_numpy()


def _ratio(num, den) -> np.ndarray:
    num = np.asarray(num, dtype=float)
    den = np.asarray(den, dtype=float)
    out = np.full(num.shape, np.nan)
    np.divide(num, den, out=out, where=den > 0)
    return out


def resolve_thresholds(thresholds: Mapping[str, float] | None = None) -> dict[str, float]:
    """Defaults from :data:`DEFAULT_THRESHOLDS` overridden by ``thresholds``.

    ``thresholds`` may be engagement.yaml's whole ``tracking`` block: its ``mode`` key is ignored.

    Examples
    --------
    >>> resolve_thresholds({"runrate_alert": 0.85, "mode": "weekly"})["runrate_alert"]
    0.85
    """
    merged = dict(DEFAULT_THRESHOLDS)
    for key, value in (thresholds or {}).items():
        if key == "mode":
            continue
        if key not in merged:
            raise ConfigError(
                f"unknown tracking threshold {key!r}",
                key=f"tracking.{key}",
                hint="known thresholds: " + ", ".join(DEFAULT_THRESHOLDS),
            )
        try:
            number = float(value)
        except (TypeError, ValueError):
            number = float("nan")
        if not number > 0:
            raise ConfigError(
                "a tracking threshold must be a positive number", key=f"tracking.{key}", value=value
            )
        merged[key] = number
    return merged


# --------------------------------------------------------------------------------------------------
# inputs


def _require(frame: pd.DataFrame, columns, *, table: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataError(
            f"{table} lacks column(s) {', '.join(missing)}",
            column=missing[0],
            hint=f"{table} needs the columns {', '.join(columns)}",
        )


def _numbers(values: pd.Series, *, table: str, column: str) -> pd.Series:
    if not (pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)):
        raise DataError(f"{table}.{column} is not numeric", column=column)
    return values


def _per_value(values: pd.Series, clean, *, missing) -> np.ndarray:
    """``clean`` (text Series -> array) applied once to each distinct value of ``values`` and spread
    over the rows as an object array; ``missing`` where the value is NA (thousands of lines share a
    few managers or activity types)."""
    codes, uniques = pd.factorize(values)
    table = np.append(np.asarray(clean(pd.Series(uniques, dtype="str")), dtype=object), missing)
    return table.astype(object)[np.where(codes < 0, len(table) - 1, codes)]


def _managers(values: pd.Series) -> np.ndarray:
    """Manager names as an object array, blanks as the NA stand-in."""
    return _per_value(
        values,
        lambda names: np.where(names.str.strip() == "", _UNASSIGNED, names.to_numpy(dtype=object)),
        missing=_UNASSIGNED,
    )


@dataclass
class _Inputs:
    """Prepared inputs; managers are integer codes ``m`` into ``names`` (sorted, NA stand-in last)."""

    as_of: int
    names: np.ndarray
    plan: pd.DataFrame  # m, ws, we, plan, <norm columns>
    plan_is_int: bool
    sales: pd.DataFrame  # m, day, cents
    acts: pd.DataFrame  # m, day, kind
    kinds: list[str]
    notes: dict = field(default_factory=dict)


def _prepare(sales, plan_weekly, activities, as_of, activity_types=None) -> _Inputs:
    as_day = _to_day(as_of, key="as_of")
    _require(plan_weekly, ("manager", "week_start", "week_end", "plan"), table="plan_weekly")
    ws = _day_numbers(plan_weekly["week_start"], table="plan_weekly", column="week_start")
    we = _day_numbers(plan_weekly["week_end"], table="plan_weekly", column="week_end")
    if (ws == _NAT).any() or (we == _NAT).any():
        raise DataError("plan_weekly has week-parts without dates", column="week_start")
    managers = _managers(plan_weekly["manager"])
    if (managers == _UNASSIGNED).any():
        raise DataError("plan_weekly has rows without a manager", column="manager")
    start, end = _part_bounds(ws)
    bad = np.flatnonzero((start != ws) | (end != we))
    if len(bad):
        i = bad[0]
        raise DataError(
            "plan_weekly rows must be Monday–Sunday weeks cut at month boundaries",
            column="week_start",
            value=f"{_timestamp(ws[i]).date()}..{_timestamp(we[i]).date()}",
            hint="a part starts on a Monday or the 1st and ends on a Sunday or the month's last day",
        )
    plan_values = _numbers(plan_weekly["plan"], table="plan_weekly", column="plan")
    if plan_values.isna().any():
        raise DataError("plan_weekly has an empty plan", column="plan")
    plan_is_int = pd.api.types.is_integer_dtype(plan_values)
    plan = pd.DataFrame(
        {
            "manager": managers,
            "ws": ws,
            "we": we,
            "plan": plan_values.to_numpy(dtype=np.int64 if plan_is_int else float),
        }
    )
    dup = plan.duplicated(["manager", "ws"])
    if dup.any():
        first = plan[dup].iloc[0]
        raise DataError(
            "plan_weekly has a manager's week-part twice",
            column="manager",
            value=f"{first['manager']} {_timestamp(first['ws']).date()}",
        )
    norm_cols = [c for c in NORM_COLUMNS if c in plan_weekly.columns]
    for col in norm_cols:
        values = _numbers(plan_weekly[col], table="plan_weekly", column=col)
        plan[col] = values.to_numpy(dtype=float, na_value=0.0)

    _require(sales, ("date", "amount"), table="sales")
    day = _day_numbers(sales["date"], table="sales", column="date")
    amount = _numbers(sales["amount"], table="sales", column="amount").to_numpy(dtype=float, na_value=np.nan)
    smanager = (
        _managers(sales["manager"])
        if "manager" in sales.columns
        else np.full(len(sales), _UNASSIGNED, dtype=object)
    )
    no_date = day == _NAT
    after = ~no_date & (day > as_day)
    no_amount = np.isnan(amount)
    used = ~no_date & ~after & ~no_amount
    notes = {
        "sales_lines_after_as_of": int(after.sum()),
        "sales_amount_after_as_of": float(np.nansum(amount[after])),
        "sales_lines_without_date": int(no_date.sum()),
        "sales_lines_without_amount": int((no_amount & ~no_date & ~after).sum()),
        "sales_lines_without_manager": int((used & (smanager == _UNASSIGNED)).sum()),
    }
    smanager, day, cents = smanager[used], day[used], np.rint(amount[used] * 100.0)

    amanager, aday, kind = np.array([], dtype=object), np.array([], dtype=np.int64), np.array([])
    kinds: list[str] = []
    if activities is not None:
        _require(activities, ("date", "manager", "type"), table="activities")
        mapping = {**ACTIVITY_TYPES, **{k.lower(): v for k, v in (activity_types or {}).items()}}
        aday = _day_numbers(activities["date"], table="activities", column="date")
        kind = _per_value(
            activities["type"],
            lambda types: types.str.strip().str.lower().map(mapping).to_numpy(dtype=object),
            missing=np.nan,
        )
        amanager = _managers(activities["manager"])
        a_after = (aday != _NAT) & (aday > as_day)
        mapped = pd.notna(kind)
        ok = (aday != _NAT) & ~a_after & mapped & (amanager != _UNASSIGNED)
        notes["activities_after_as_of"] = int(a_after.sum())
        notes["activities_not_counted"] = int((~ok & ~a_after).sum())
        amanager, aday, kind = amanager[ok], aday[ok], kind[ok]
        present = set(kind)
        kinds = [k for k in norm_cols if k in present]
    plan = plan.drop(columns=[c for c in norm_cols if c not in kinds])

    names = np.array(sorted(set(plan["manager"]) | set(smanager) | set(amanager)), dtype=object)
    lookup = pd.Index(names, dtype=object)
    plan.insert(0, "m", lookup.get_indexer(plan["manager"].to_numpy(dtype=object)))
    plan = plan.drop(columns="manager")
    sales_used = pd.DataFrame({"m": lookup.get_indexer(smanager), "day": day, "cents": cents})
    acts = pd.DataFrame({"m": lookup.get_indexer(amanager), "day": aday, "kind": kind.astype(object)})
    return _Inputs(as_day, names, plan, plan_is_int, sales_used, acts, kinds, notes)


# --------------------------------------------------------------------------------------------------
# the engine: per-manager cumulative day arrays, so that any day range sums in O(1)


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


def tracking_weekly(
    sales: pd.DataFrame,
    *,
    plan_weekly: pd.DataFrame,
    as_of,
    country: str = "RU",
    activities: pd.DataFrame | None = None,
    thresholds: Mapping[str, float] | None = None,
    activity_types: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Every week-part of the plan up to ``as_of``, per manager and for the department, with alert flags.

    Conventions: module docstring. Rows cover each week-part from the plan's first one to the last
    that starts on or before ``as_of`` (which may be incomplete: ``complete`` False, figures through
    ``as_of``), for each (manager, month) with a plan, sales or activities in that month; one
    department row per week-part. Sales outside the plan's span are not in any row.

    Parameters
    ----------
    sales
        Canonical sales (``date``, ``amount``, optional ``manager``).
    plan_weekly
        Week-parts of the plan: ``manager``, ``week_start``, ``week_end``, ``plan`` and optional norm
        columns ``calls``, ``meetings``, ``proposals``, ``deals``.
    as_of
        Analysis date; only data dated up to it count.
    country
        Working-day calendar (ISO 3166 code).
    activities
        Canonical activities (``date``, ``manager``, ``type``), optional.
    thresholds
        Overrides of :data:`DEFAULT_THRESHOLDS`.
    activity_types
        Extra ``type`` -> norm column mappings added to :data:`ACTIVITY_TYPES`.

    Returns
    -------
    DataFrame with columns ``level`` ("manager"/"department"), ``manager`` (NA for the department and
    for sales without a manager), ``period`` ("YYYY-MM"), ``week_start``, ``week_end``, ``iso_week``,
    ``working_days`` (of the part), ``complete``, ``plan``, ``fact``, ``attainment`` (of the part),
    ``week_plan``, ``week_fact``, ``week_attainment`` (whole ISO week, only on the complete part that
    closes it — else NaN), ``mtd_plan``, ``mtd_fact``, ``mtd_attainment``, ``month_plan``,
    ``expected_pace``, ``forecast``, ``forecast_attainment``, ``required_daily``,
    ``working_days_elapsed``, ``working_days_left``, ``working_days_month``, per tracked activity kind
    ``<kind>_fact``, ``<kind>_norm``, ``<kind>_attainment`` (of the part), and the booleans
    ``alert_runrate``, ``alert_two_weeks``, ``alert_activity``. ``attrs["notes"]`` counts ignored lines.

    Examples
    --------
    >>> plan = pd.DataFrame({"manager": ["Ann", "Ann"],
    ...     "week_start": pd.to_datetime(["2026-03-30", "2026-04-01"]),
    ...     "week_end": pd.to_datetime(["2026-03-31", "2026-04-05"]), "plan": [200, 300]})
    >>> sales = pd.DataFrame({"date": pd.to_datetime(["2026-03-31", "2026-04-02", "2026-04-03"]),
    ...     "client_id": ["c1", "c1", "c2"], "amount": [250.0, 400.0, -100.0], "manager": "Ann"})
    >>> out = tracking_weekly(sales, plan_weekly=plan, as_of="2026-04-08")
    >>> out[out.level == "manager"][["period", "plan", "fact", "week_plan", "week_fact"]]
        period  plan   fact  week_plan  week_fact
    0  2026-03   200  250.0        NaN        NaN
    2  2026-04   300  300.0      500.0      550.0
    4  2026-04     0    0.0        NaN        NaN
    """
    th = resolve_thresholds(thresholds)
    inputs = _prepare(sales, plan_weekly, activities, as_of, activity_types)
    table = _weekly_table(inputs, country=country, thresholds=th)
    columns = _WEEKLY_COLUMNS + _kind_columns(inputs.kinds) + _FLAGS
    return _finish(table, columns, inputs.notes)


# --------------------------------------------------------------------------------------------------
# one week (or its days)


def _parse_week(week, *, as_of: int) -> int:
    """Monday of ``week``: an ISO week "2026-W14", any date inside it, or None (last complete week)."""
    if week is None:
        return int(_monday(np.int64(as_of))) - 7
    if isinstance(week, str) and (match := _ISO_WEEK.match(week.strip())):
        try:
            monday = dt.date.fromisocalendar(int(match[1]), int(match[2]), 1)
        except ValueError as exc:
            raise ConfigError("no such ISO week", key="week", value=week) from exc
        return int(np.datetime64(monday, "D").astype(np.int64))
    return int(_monday(np.int64(_to_day(week, key="week"))))


def track_week(
    sales: pd.DataFrame,
    *,
    plan_weekly: pd.DataFrame,
    as_of,
    week=None,
    country: str = "RU",
    activities: pd.DataFrame | None = None,
    mode: str = "weekly",
    thresholds: Mapping[str, float] | None = None,
    activity_types: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Plan vs fact for one ISO week and the month to date, per manager and for the department.

    Conventions: module docstring. The week's plan is the sum of its week-parts (both parts when it
    spans two months); its fact is net sales Monday–Sunday up to ``as_of``. MTD figures are for the
    month containing the reference day ``min(Sunday, as_of)``; for a complete week that is the month of
    its Sunday. Managers: those with a plan in the week or that month, or with sales or activities in
    them. The department row's additive columns (plan, fact, MTD and month figures, activities) are
    ``Series.sum()`` of the manager rows, so manager rows add up to it exactly.

    Parameters
    ----------
    sales, plan_weekly, as_of, country, activities, thresholds, activity_types
        As in :func:`tracking_weekly`.
    week
        The ISO week ("2026-W14") or any date in it; default the last complete Monday–Sunday week
        (its Sunday strictly before ``as_of``) in both modes. Pass ``week=as_of`` for the week in
        progress (figures through ``as_of``, ``complete`` False, the whole week's plan).
    mode
        ``"weekly"``: one row per manager plus the department row. ``"daily"``: the same figures per
        day of the week up to ``as_of`` — each working day, plus any day off that has sales or
        activities — with the part's plan and norms spread evenly over its working days; MTD figures
        through each day; no alert columns.

    Returns
    -------
    DataFrame with columns ``level``, ``manager``, (daily: ``date``, ``is_working``), ``week_start``
    (Monday), ``week_end`` (Sunday), ``iso_week``, ``period`` (the MTD month), ``reference_day``,
    ``complete``, ``working_days`` (of the week; daily: 1 or 0), ``plan``, ``fact``, ``attainment``,
    ``mtd_plan``, ``mtd_fact``, ``mtd_attainment``, ``month_plan``, ``expected_pace``, ``forecast``,
    ``forecast_attainment``, ``required_daily``, ``working_days_elapsed``, ``working_days_left``,
    ``working_days_month``, per tracked activity kind ``<kind>_fact``, ``<kind>_norm``,
    ``<kind>_attainment``, and (weekly) ``alert_runrate``, ``alert_two_weeks``, ``alert_activity`` as
    in :func:`tracking_weekly` for the week-part holding the reference day. ``attrs["notes"]`` counts
    ignored lines and lists ``managers_without_plan``.

    Examples
    --------
    >>> plan = pd.DataFrame({"manager": ["Ann", "Bob"],
    ...     "week_start": pd.to_datetime(["2026-04-06"] * 2),
    ...     "week_end": pd.to_datetime(["2026-04-12"] * 2), "plan": [1000, 500]})
    >>> sales = pd.DataFrame({"date": pd.to_datetime(["2026-04-07", "2026-04-08"]),
    ...     "client_id": ["c1", "c2"], "amount": [800.0, 300.0], "manager": ["Ann", "Eve"]})
    >>> out = track_week(sales, plan_weekly=plan, as_of="2026-04-15")
    >>> out[["level", "manager", "iso_week", "plan", "fact", "attainment"]]
            level manager  iso_week  plan    fact  attainment
    0     manager     Ann  2026-W15  1000   800.0    0.800000
    1     manager     Bob  2026-W15   500     0.0    0.000000
    2     manager     Eve  2026-W15     0   300.0         NaN
    3  department     NaN  2026-W15  1500  1100.0    0.733333
    """
    if mode not in ("weekly", "daily"):
        raise ConfigError("mode must be 'weekly' or 'daily'", key="tracking.mode", value=mode)
    th = resolve_thresholds(thresholds)
    inputs = _prepare(sales, plan_weekly, activities, as_of, activity_types)
    as_day = inputs.as_of
    monday = _parse_week(week, as_of=as_day)
    sunday = monday + 6
    if monday > as_day:
        raise ConfigError(
            "the week starts after as_of: there is nothing to track yet",
            key="week",
            value=str(_timestamp(monday).date()),
        )
    plan = inputs.plan
    if not ((plan["ws"] >= monday) & (plan["ws"] <= sunday)).any():
        raise DataError(
            "the plan has no week-part in the week",
            value=str(_iso_weeks(np.array([monday]))[0]),
            hint="pick a week the plan covers (the default is the last complete week before as_of)",
        )
    ref = min(sunday, as_day)
    ms, me = int(_month_start(np.int64(ref))), int(_month_end(np.int64(ref)))
    lo, hi = min(monday, ms), max(sunday, me)

    # lo..hi is exactly the week plus the MTD month (the two overlap or touch)
    planned = set(plan.loc[(plan["ws"] >= lo) & (plan["ws"] <= hi), "m"])
    seen = set()
    for frame in (inputs.sales, inputs.acts):
        seen |= set(frame.loc[(frame["day"] >= lo) & (frame["day"] <= ref), "m"])
    m_all = np.array(sorted(planned | seen), dtype=np.int64)  # names are sorted: so are the codes
    managers = inputs.names[m_all]
    unplanned = inputs.names[sorted(seen - planned)]
    notes = {**inputs.notes, "managers_without_plan": [n for n in unplanned if n != _UNASSIGNED]}
    grid = _grid_for(inputs, lo, hi, country)

    if mode == "weekly":
        m = m_all
        a, b, refs = (np.full(len(m), day) for day in (monday, sunday, ref))
        figures = _measure(grid, m, a=a, b=b, ref=refs, kinds=inputs.kinds)
        rows = pd.DataFrame({"manager": managers, **figures})
        cal = _calendar(grid, np.array([ref]))
        rows = rows.assign(**{k: v[0] for k, v in cal.items()})
        rows["working_days"] = int(grid.workdays(monday, sunday))
        keys: list[str] = []
    else:
        days = np.arange(monday, min(sunday, as_day) + 1, dtype=np.int64)
        m = np.repeat(m_all, len(days))
        d = np.tile(days, len(managers))
        figures = _measure(grid, m, a=d, b=d, ref=d, kinds=inputs.kinds)
        ps, pe = _part_bounds(d)
        part_wd = grid.workdays(ps, pe)
        working = grid.is_working(d)
        share = np.where(part_wd > 0, _ratio(working, part_wd), (d == pe) * 1.0)
        figures["plan"] = grid.total(grid.plan, m, ps, ps) * share
        for k in inputs.kinds:
            figures[f"{k}_norm"] = grid.total(grid.norms[k], m, ps, ps) * share
        rows = pd.DataFrame({"manager": inputs.names[m], "_day": d, **figures})
        rows = rows.assign(**_calendar(grid, d))
        rows["is_working"] = working
        rows["working_days"] = working.astype(int)
        activity = rows[[f"{k}_fact" for k in inputs.kinds]].abs().sum(axis=1) if inputs.kinds else 0
        busy = (rows["fact"] != 0) | (activity != 0)
        busy_days = set(rows.loc[busy, "_day"])
        rows = rows[rows["is_working"] | rows["_day"].isin(busy_days)].reset_index(drop=True)
        rows["date"] = _dates(rows["_day"])
        keys = ["_day"]

    additive = _additive(inputs.kinds)
    calendar_cols = [c for c in rows.columns if c not in additive and c != "manager"]
    if keys:
        dept = rows.groupby(keys, sort=True)[additive].sum().reset_index()
        dept = dept.merge(rows[calendar_cols].drop_duplicates(keys), on=keys)
    else:
        dept = pd.DataFrame([{c: rows[c].sum() for c in additive}])
        for c in calendar_cols:
            dept[c] = rows[c].iloc[0]
    dept["manager"] = _DEPARTMENT
    table = pd.concat([rows, dept], ignore_index=True)
    for col in additive:
        table[col] = table[col].astype(rows[col].dtype)
    table["level"] = np.where(table["manager"] == _DEPARTMENT, "department", "manager")
    table["_level_order"] = (table["level"] == "department").astype(int)
    table = _order(table, keys).reset_index(drop=True)
    table["week_start"] = _timestamp(monday)
    table["week_end"] = _timestamp(sunday)
    table["iso_week"] = _iso_weeks(np.array([monday]))[0]
    ref_days = table["_day"].to_numpy() if keys else np.full(len(table), ref)
    table["complete"] = (sunday if not keys else ref_days) < as_day
    table = _derive(table, inputs.kinds)

    columns = ["level", "manager"] + (["date", "is_working"] if keys else [])
    columns += ["week_start", "week_end", "iso_week", "period", "reference_day", "complete"]
    columns += ["working_days", "plan", "fact", "attainment", *_MTD_COLUMNS]
    columns += _kind_columns(inputs.kinds)
    if mode == "weekly":
        table[_FLAGS] = False
        if (plan["ws"] <= as_day).any():
            weekly = _weekly_table(inputs, country=country, thresholds=th)
            ref_part = int(_part_bounds(np.array([ref]))[0][0])
            flags = weekly.loc[weekly["ws"] == ref_part, ["level", "manager", *_FLAGS]]
            table = table.drop(columns=_FLAGS).merge(flags, on=["level", "manager"], how="left")
            table[_FLAGS] = table[_FLAGS].fillna(False).astype(bool)
        columns += _FLAGS
    return _finish(table, columns, notes)


# --------------------------------------------------------------------------------------------------
# trend and backtest


def track_trend(
    sales: pd.DataFrame,
    *,
    plan_weekly: pd.DataFrame,
    as_of,
    weeks: int = 8,
    country: str = "RU",
    activities: pd.DataFrame | None = None,
    activity_types: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Plan vs fact and activities over the last ``weeks`` complete ISO weeks, per manager.

    Whole ISO weeks (both parts of a week spanning two months), complete = Sunday before ``as_of``;
    conventions as in the module docstring.

    Parameters
    ----------
    sales, plan_weekly, as_of, country, activities, activity_types
        As in :func:`tracking_weekly`.
    weeks
        How many complete weeks, the latest last.

    Returns
    -------
    DataFrame with columns ``level``, ``manager``, ``iso_week``, ``week_start`` (Monday),
    ``week_end`` (Sunday), ``plan``, ``fact``, ``attainment`` and per tracked activity kind
    ``<kind>_fact``, ``<kind>_norm``, ``<kind>_attainment``; ordered by level, manager, week.

    Examples
    --------
    >>> plan = pd.DataFrame({"manager": "Ann",
    ...     "week_start": pd.to_datetime(["2026-04-06", "2026-04-13", "2026-04-20"]),
    ...     "week_end": pd.to_datetime(["2026-04-12", "2026-04-19", "2026-04-26"]),
    ...     "plan": [100, 100, 100]})
    >>> sales = pd.DataFrame({"date": pd.to_datetime(["2026-04-14"]), "client_id": ["c1"],
    ...     "amount": [90.0], "manager": ["Ann"]})
    >>> out = track_trend(sales, plan_weekly=plan, as_of="2026-04-23", weeks=2)
    >>> out[out.level == "manager"][["iso_week", "plan", "fact", "attainment"]]
       iso_week  plan  fact  attainment
    0  2026-W15   100   0.0         0.0
    1  2026-W16   100  90.0         0.9
    """
    if int(weeks) < 1:
        raise ConfigError("weeks must be at least 1", key="weeks", value=weeks)
    inputs = _prepare(sales, plan_weekly, activities, as_of, activity_types)
    table = _weekly_table(inputs, country=country, thresholds=resolve_thresholds())
    closing = table[table["_closing"]].copy()
    last = np.sort(closing["ws"].unique())[-int(weeks) :]
    closing = closing[closing["ws"].isin(last)]
    out = pd.DataFrame(
        {
            "level": closing["level"],
            "manager": closing["manager"],
            "iso_week": closing["iso_week"],
            "week_start": _dates(_monday(closing["ws"].to_numpy())),
            "week_end": closing["week_end"],
            "plan": closing["week_plan"].astype(table["plan"].dtype),
            "fact": closing["week_fact"],
        }
    )
    out["attainment"] = _ratio(out["fact"], out["plan"])
    for k in inputs.kinds:
        out[f"{k}_fact"] = closing[f"_week_{k}_fact"].astype(np.int64)
        out[f"{k}_norm"] = closing[f"_week_{k}_norm"]
        out[f"{k}_attainment"] = _ratio(out[f"{k}_fact"], out[f"{k}_norm"])
    out["_level_order"] = (out["level"] == "department").astype(int)
    out = out.sort_values(["_level_order", "manager", "week_start"], kind="stable")
    columns = ["level", "manager", "iso_week", "week_start", "week_end", "plan", "fact"]
    return _finish(out, [*columns, "attainment", *_kind_columns(inputs.kinds)], inputs.notes)


def backtest(
    sales: pd.DataFrame,
    *,
    plan_weekly: pd.DataFrame,
    as_of,
    country: str = "RU",
    activities: pd.DataFrame | None = None,
    thresholds: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """Would the weekly view have warned of each past month's shortfall, and how early?

    For every complete month of the plan (its last day strictly before ``as_of``), per manager with a
    month plan > 0 and for the department: the month's plan and fact, whether it was missed (fact <
    plan), and the first week-part (by its end date) at which :func:`tracking_weekly` raised the
    run-rate or the two-consecutive-weeks alert in that month. Each flag uses only data up to the end
    of its week-part, so the backtest sees what the weekly meeting would have seen. A two-weeks flag
    counts for a month only when both weeks close in it: a bad last week of the previous month plus
    a bad first week is a warning about the manager, not yet about the new month. Weeks of warning
    = whole weeks from the flag to the month's last day, ``(month end − flag day) // 7``. A flag in a
    month that hit its plan is a false alarm.

    Parameters
    ----------
    sales, plan_weekly, as_of, country, activities, thresholds
        As in :func:`tracking_weekly` (``thresholds``: ``runrate_alert``, ``weekly_alert``,
        ``runrate_after_weeks`` matter here).

    Returns
    -------
    DataFrame with columns ``level``, ``manager``, ``period``, ``plan``, ``fact``, ``attainment``,
    ``missed`` (bool), ``flagged`` (bool), ``first_flag_week`` (date of the flagging week-part's end,
    NaT if never), ``weeks_of_warning`` (Int64, NA if never flagged), ``flagged_by`` ("runrate",
    "two_weeks" or "runrate+two_weeks"; NA if never), ``false_alarm`` (flagged but not missed);
    ordered by level (managers first), manager, period.

    Examples
    --------
    >>> parts = pd.DataFrame({"week_start": pd.to_datetime(["2026-06-01", "2026-06-08",
    ...     "2026-06-15", "2026-06-22", "2026-06-29"])})
    >>> parts["week_end"] = parts["week_start"] + pd.Timedelta(days=6)
    >>> parts.loc[4, "week_end"] = pd.Timestamp("2026-06-30")
    >>> plan = parts.assign(manager="Ann", plan=[250, 200, 250, 250, 100])
    >>> sales = pd.DataFrame({"date": pd.to_datetime(["2026-06-03", "2026-06-10", "2026-06-17"]),
    ...     "client_id": "c1", "amount": [100.0, 100.0, 100.0], "manager": "Ann"})
    >>> bt = backtest(sales, plan_weekly=plan, as_of="2026-07-10")
    >>> bt[["level", "plan", "fact", "missed", "first_flag_week", "weeks_of_warning"]]
            level  plan   fact  missed first_flag_week  weeks_of_warning
    0     manager  1050  300.0    True      2026-06-14                 2
    1  department  1050  300.0    True      2026-06-14                 2
    >>> bt["flagged_by"].tolist()
    ['runrate+two_weeks', 'runrate+two_weeks']
    """
    th = resolve_thresholds(thresholds)
    inputs = _prepare(sales, plan_weekly, activities, as_of, None)
    table = _weekly_table(inputs, country=country, thresholds=th)
    month_end = _month_end(table["ws"].to_numpy())
    table = table[month_end < inputs.as_of].copy()
    table["_me"] = month_end[month_end < inputs.as_of]
    who = ["_level_order", "manager", "period"]
    table["_we"] = _part_bounds(table["ws"].to_numpy())[1]
    last = table[table["_we"] == table["_me"]]
    months = last[[*who, "level", "month_plan", "mtd_fact", "_me"]].rename(
        columns={"month_plan": "plan", "mtd_fact": "fact"}
    )
    months = months[months["plan"] > 0]
    flags = table[table["alert_runrate"] | table["_two_weeks_in_month"]]
    first = flags.sort_values("ws").drop_duplicates(who)
    by = np.where(first["alert_runrate"], "runrate", "")
    by = np.where(first["_two_weeks_in_month"], np.char.add(by, "+two_weeks"), by)
    first = first.assign(flagged_by=np.char.lstrip(by.astype(str), "+"), _flag=first["_we"])
    out = months.merge(first[[*who, "_flag", "flagged_by"]], on=who, how="left")
    out["attainment"] = _ratio(out["fact"], out["plan"])
    out["missed"] = out["fact"] < out["plan"]
    out["flagged"] = out["_flag"].notna()
    flag_day = out["_flag"].fillna(0).to_numpy(dtype=np.int64)
    out["first_flag_week"] = pd.Series(_dates(flag_day)).where(out["flagged"])
    warning = pd.array((out["_me"].to_numpy(dtype=np.int64) - flag_day) // 7, dtype="Int64")
    out["weeks_of_warning"] = pd.Series(warning).where(out["flagged"])
    out["flagged_by"] = out["flagged_by"].astype("str")
    out["false_alarm"] = out["flagged"] & ~out["missed"]
    out = out.sort_values(who, kind="stable")
    columns = ["level", "manager", "period", "plan", "fact", "attainment", "missed", "flagged"]
    columns += ["first_flag_week", "weeks_of_warning", "flagged_by", "false_alarm"]
    return _finish(out, columns, inputs.notes)


def summarise_backtest(backtest_table: pd.DataFrame) -> pd.DataFrame:
    """Backtest totals per manager and for the department: the headline "weeks of warning".

    Parameters
    ----------
    backtest_table
        Output of :func:`backtest`.

    Returns
    -------
    DataFrame with columns ``level``, ``manager``, ``months``, ``missed``, ``missed_flagged``
    (missed months the weekly view flagged), ``median_weeks_of_warning`` (over flagged missed months,
    NaN if none), ``hit``, ``false_alarms``.

    Examples
    --------
    >>> bt = pd.DataFrame({"level": "department", "manager": pd.Series([pd.NA] * 3, dtype="str"),
    ...     "missed": [True, True, False], "flagged": [True, False, True],
    ...     "weeks_of_warning": pd.array([3, pd.NA, 1], dtype="Int64"),
    ...     "false_alarm": [False, False, True]})
    >>> summarise_backtest(bt)[["months", "missed", "missed_flagged", "median_weeks_of_warning",
    ...     "false_alarms"]]
       months  missed  missed_flagged  median_weeks_of_warning  false_alarms
    0       3       2               1                      3.0             1
    """
    bt = backtest_table.copy()
    bt["_warn"] = bt["weeks_of_warning"].astype(float).where(bt["missed"] & bt["flagged"])
    bt["_mf"] = bt["missed"] & bt["flagged"]
    bt["_hit"] = ~bt["missed"]
    out = (
        bt.groupby(["level", "manager"], dropna=False, sort=False)
        .agg(
            months=("missed", "size"),
            missed=("missed", "sum"),
            missed_flagged=("_mf", "sum"),
            median_weeks_of_warning=("_warn", "median"),
            hit=("_hit", "sum"),
            false_alarms=("false_alarm", "sum"),
        )
        .reset_index()
    )
    return out


def with_labels(table: pd.DataFrame, *, lang: str) -> pd.DataFrame:
    """A copy of a tracking table whose ``manager`` names every row: the department row and the row of
    sales without a manager get their labels in ``lang`` (for display; the data keep NA)."""
    from ..report.i18n import t

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
    from ..report.i18n import t

    dept = backtest_table[(backtest_table["level"] == "department") & backtest_table["missed"]]
    warned = dept[dept["flagged"] & dept["weeks_of_warning"].fillna(0).gt(0)]
    if not len(warned):
        return {"text": t("tracking.backtest_none", lang), "severity": "info", "months": 0, "weeks": 0.0}
    weeks = float(warned["weeks_of_warning"].astype(float).mean())
    from ..report.formatting import fmt_number

    text = t(
        "tracking.backtest_headline",
        lang,
        count=len(warned),
        weeks=fmt_number(weeks, lang=lang, digits=0 if weeks.is_integer() else 1),
    )
    return {"text": text, "severity": "problem", "months": len(warned), "weeks": weeks}


def week_as_of(week, *, as_of) -> pd.Timestamp:
    """The as-of date a report on ``week`` is made at: the Monday after that ISO week, never later than
    ``as_of`` (``week=None``: ``as_of`` itself). A flash for an earlier week then sees only the data a
    consultant had on that Monday — its alerts, silent clients and trend end with that week.

    Examples
    --------
    >>> week_as_of("2026-W40", as_of="2026-11-25").date().isoformat()
    '2026-10-05'
    >>> week_as_of("2026-W48", as_of="2026-11-25").date().isoformat()
    '2026-11-25'
    """
    limit = pd.Timestamp(as_of).normalize()
    if week is None:
        return limit
    monday = pd.Timestamp(dt.date.fromisocalendar(*map(int, str(week).split("-W")), 1))
    return min(limit, monday + pd.Timedelta(days=7))


def drop_idle(table: pd.DataFrame) -> pd.DataFrame:
    """Manager rows with neither plan nor sales (e.g. someone who left) removed; the department row stays.
    The remaining manager rows still add up to the department row.

    Examples
    --------
    >>> t = pd.DataFrame({"level": ["manager", "manager", "department"], "manager": ["a", "b", None],
    ...                   "plan": [5, 0, 5], "fact": [3, 0, 3]})
    >>> drop_idle(t)["level"].tolist()
    ['manager', 'department']
    """
    idle = (table["level"] == "manager") & (table["plan"].fillna(0) == 0) & (table["fact"].fillna(0) == 0)
    return table[~idle].reset_index(drop=True)
