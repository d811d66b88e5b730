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

Where things are: this module holds the entry points; the checked inputs and thresholds are in
:mod:`salesaudit.weekly.inputs`, the day arithmetic in :mod:`salesaudit.weekly.days`, the week-part engine
in :mod:`salesaudit.weekly.weekparts`, the backtest in :mod:`salesaudit.weekly.backtest` and the labels and
sentences in :mod:`salesaudit.weekly.wording` (their public names are importable from here too).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..exceptions import ConfigError, DataError
from .backtest import backtest, summarise_backtest
from .days import (
    _dates,
    _iso_weeks,
    _monday,
    _month_end,
    _month_start,
    _part_bounds,
    _ratio,
    _timestamp,
    _to_day,
)
from .inputs import (
    _DEPARTMENT,
    _UNASSIGNED,
    ACTIVITY_TYPES,
    DEFAULT_THRESHOLDS,
    NORM_COLUMNS,
    _Inputs,
    _prepare,
    resolve_thresholds,
)
from .weekparts import (
    _FLAGS,
    _MTD_COLUMNS,
    _WEEKLY_COLUMNS,
    _additive,
    _calendar,
    _derive,
    _finish,
    _Grid,
    _grid_for,
    _kind_columns,
    _measure,
    _order,
    _weekly_table,
)
from .wording import backtest_headline, calibration_note, chance_sentence, week_with_chances, with_labels

__all__ = [
    "ACTIVITY_TYPES",
    "DEFAULT_THRESHOLDS",
    "NORM_COLUMNS",
    "backtest",
    "backtest_headline",
    "calibration_note",
    "chance_sentence",
    "drop_idle",
    "resolve_thresholds",
    "summarise_backtest",
    "track_trend",
    "track_week",
    "tracking_weekly",
    "week_as_of",
    "week_with_chances",
    "with_labels",
]

_ISO_WEEK = re.compile(r"^(\d{4})-W(\d{1,2})$")


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
    monday, ref = _week_days(inputs, week)
    lo, hi = _week_span(monday, ref)
    m_all, notes = _week_managers(inputs, lo=lo, hi=hi, ref=ref)
    grid = _grid_for(inputs, lo, hi, country)
    if mode == "weekly":
        rows, keys = _manager_rows(grid, inputs, m_all, monday=monday, ref=ref), []
    else:
        rows, keys = _day_rows(grid, inputs, m_all, monday=monday), ["_day"]
    table = _with_department(rows, keys, inputs, monday=monday, ref=ref)
    columns = _week_columns(keys, inputs.kinds)
    if mode == "weekly":
        table = _with_flags(table, inputs, country=country, thresholds=th, ref=ref)
        columns += _FLAGS
    return _finish(table, columns, notes)


def _week_days(inputs: _Inputs, week) -> tuple[int, int]:
    """Monday of the week tracked and its reference day ``min(Sunday, as_of)``; fails when the week
    starts after ``as_of`` or the plan has no week-part in it."""
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
    return monday, min(sunday, as_day)


def _week_span(monday: int, ref: int) -> tuple[int, int]:
    """First and last day of the week plus the MTD month of ``ref`` (the two overlap or touch)."""
    ms, me = int(_month_start(np.int64(ref))), int(_month_end(np.int64(ref)))
    return min(monday, ms), max(monday + 6, me)


def _week_managers(inputs: _Inputs, *, lo: int, hi: int, ref: int) -> tuple[np.ndarray, dict]:
    """Codes of the managers with a plan in ``lo..hi`` or sales or activities in ``lo..ref`` (sorted,
    as the names are), and the notes with ``managers_without_plan``."""
    plan = inputs.plan
    planned = set(plan.loc[(plan["ws"] >= lo) & (plan["ws"] <= hi), "m"])
    seen = set()
    for frame in (inputs.sales, inputs.acts):
        seen |= set(frame.loc[(frame["day"] >= lo) & (frame["day"] <= ref), "m"])
    m_all = np.array(sorted(planned | seen), dtype=np.int64)  # names are sorted: so are the codes
    unplanned = inputs.names[sorted(seen - planned)]
    notes = {**inputs.notes, "managers_without_plan": [n for n in unplanned if n != _UNASSIGNED]}
    return m_all, notes


def _manager_rows(grid: _Grid, inputs: _Inputs, m_all: np.ndarray, *, monday: int, ref: int) -> pd.DataFrame:
    """Weekly mode: one row per manager, figures over Monday–Sunday and month to date at ``ref``."""
    sunday = monday + 6
    a, b, refs = (np.full(len(m_all), day) for day in (monday, sunday, ref))
    figures = _measure(grid, m_all, a=a, b=b, ref=refs, kinds=inputs.kinds)
    rows = pd.DataFrame({"manager": inputs.names[m_all], **figures})
    cal = _calendar(grid, np.array([ref]))
    rows = rows.assign(**{k: v[0] for k, v in cal.items()})
    rows["working_days"] = int(grid.workdays(monday, sunday))
    return rows


def _day_rows(grid: _Grid, inputs: _Inputs, m_all: np.ndarray, *, monday: int) -> pd.DataFrame:
    """Daily mode: one row per manager and day of the week up to ``as_of`` (working days and busy days
    off), each day's plan and norms its working-day share of the week-part's."""
    days = np.arange(monday, min(monday + 6, inputs.as_of) + 1, dtype=np.int64)
    m = np.repeat(m_all, len(days))
    d = np.tile(days, len(m_all))
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
    return rows


def _with_department(rows: pd.DataFrame, keys: list[str], inputs: _Inputs, *, monday: int, ref: int):
    """The manager rows plus the department row (per day in daily mode: ``keys``), whose additive
    columns are the sums of the manager rows; with the week's columns and the derived ratios."""
    sunday = monday + 6
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
    table["complete"] = (sunday if not keys else ref_days) < inputs.as_of
    return _derive(table, inputs.kinds)


def _week_columns(keys: list[str], kinds: list[str]) -> list[str]:
    columns = ["level", "manager"] + (["date", "is_working"] if keys else [])
    columns += ["week_start", "week_end", "iso_week", "period", "reference_day", "complete"]
    columns += ["working_days", "plan", "fact", "attainment", *_MTD_COLUMNS]
    return columns + _kind_columns(kinds)


def _with_flags(table: pd.DataFrame, inputs: _Inputs, *, country: str, thresholds: dict, ref: int):
    """The alert flags of :func:`tracking_weekly` for the week-part holding ``ref`` (False without one)."""
    table[_FLAGS] = False
    if (inputs.plan["ws"] <= inputs.as_of).any():
        weekly = _weekly_table(inputs, country=country, thresholds=thresholds)
        ref_part = int(_part_bounds(np.array([ref]))[0][0])
        flags = weekly.loc[weekly["ws"] == ref_part, ["level", "manager", *_FLAGS]]
        table = table.drop(columns=_FLAGS).merge(flags, on=["level", "manager"], how="left")
        table[_FLAGS] = table[_FLAGS].fillna(False).astype(bool)
    return table


# --------------------------------------------------------------------------------------------------
# trend


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


# --------------------------------------------------------------------------------------------------
# helpers for notebooks


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
