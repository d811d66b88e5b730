"""Plan stage, the weeks' link: Monday–Sunday weeks cut at month ends, and each manager's month plan
over them.

A manager's month is split over its week-parts by the working days the manager is present in each
(largest-remainder rounding), so a manager's week-parts sum to the manager's month to the unit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..frames import require
from ..workdays import working_day_calendar
from .allocation import largest_remainder
from .funnel import NORM_COLUMNS
from .managers import Presence, build_roster, daily_presence, split_absences
from .months import year_calendar

WEEKLY_COLUMNS: list[str] = [
    "manager",
    "period",
    "week_start",
    "week_end",
    "iso_week",
    "working_days",
    "plan",
    *NORM_COLUMNS,
]
"""Columns of ``plan_weekly`` (the tracking stage depends on them)."""


def split_weeks(start, end, *, country: str = "RU") -> pd.DataFrame:
    """Monday–Sunday weeks cut at month boundaries: one row per week-part.

    A week that spans two months is two parts: the first ends on the month's last day, the second
    starts on the 1st. ``iso_week`` is the ISO week of ``week_start``, so both parts of a split week
    carry the same label. ``start`` and ``end`` are widened to whole months.

    Parameters
    ----------
    start, end
        Any days of the first and last month to cover.
    country
        Working-day calendar (ISO alpha-2, default ``"RU"``).

    Returns
    -------
    DataFrame: ``period`` (str "YYYY-MM"), ``week_start`` (datetime64: the Monday, or the 1st of the
    month), ``week_end`` (datetime64: the Sunday, or the month's last day), ``iso_week`` (str like
    ``"2026-W14"``), ``working_days`` (int64), in date order.

    Examples
    --------
    >>> parts = split_weeks("2026-03-01", "2026-04-30", country="RU")
    >>> split = parts[parts["iso_week"] == "2026-W14"]  # Mon 30 Mar .. Sun 5 Apr
    >>> split[["period", "working_days"]].values.tolist()
    [['2026-03', 2], ['2026-04', 3]]
    """
    first = pd.Timestamp(start).to_period("M").to_timestamp()
    last = pd.Timestamp(end).to_period("M").to_timestamp(how="end").normalize()
    return _parts(working_day_calendar(first, last, country=country))[0]


def _parts(calendar: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """Week-parts of a day calendar and, per day, the number of its part (days are contiguous)."""
    dates = calendar["date"]
    monday = dates - pd.to_timedelta(dates.dt.day_of_week, unit="D")
    month = dates.dt.year * 12 + dates.dt.month
    key = (month.to_numpy() != np.roll(month.to_numpy(), 1)) | (
        monday.to_numpy() != np.roll(monday.to_numpy(), 1)
    )
    if len(key):
        key[0] = True
    part_of_day = np.cumsum(key) - 1
    grouped = calendar.groupby(part_of_day, sort=True)
    parts = pd.DataFrame(
        {
            "week_start": grouped["date"].min().to_numpy(),
            "week_end": grouped["date"].max().to_numpy(),
            "working_days": grouped["is_working"].sum().to_numpy(np.int64),
        }
    )
    iso = parts["week_start"].dt.isocalendar()
    parts.insert(0, "period", parts["week_start"].dt.strftime("%Y-%m").astype("str"))
    parts.insert(
        3,
        "iso_week",
        (iso["year"].astype(str) + "-W" + iso["week"].astype(str).str.zfill(2)).astype("str"),
    )
    return parts, part_of_day


def split_into_weeks(
    plan_monthly: pd.DataFrame,
    *,
    managers: pd.DataFrame | None = None,
    absences: pd.DataFrame | None = None,
    country: str = "RU",
) -> pd.DataFrame:
    """Each manager's month plan split over the month's week-parts by the manager's working days.

    A part's weight is the number of working days in it on which the manager is employed and not on
    a dated absence ("its working days" of the playbook, per manager): a part with 0 such days gets
    0, so nothing is planned before hire or after leaving. When a manager has a month plan but no
    such day (only possible with count-type absences), the month's calendar working days are used.
    Largest-remainder rounding: the parts sum to the month exactly.

    Parameters
    ----------
    plan_monthly
        manager, period, plan (from :func:`salesaudit.plan.managers.split_among_managers`); any
        whole years.
    managers
        Canonical managers table (hired, left) for presence; None = everyone present all year.
    absences
        Dated absences (manager, start, end) as in :func:`salesaudit.plan.managers.measure_capacity`.
    country
        Working-day calendar (ISO alpha-2, default ``"RU"``).

    Returns
    -------
    ``plan_weekly``: one row per manager × week-part: ``manager``, ``period``, ``week_start``,
    ``week_end``, ``iso_week``, ``working_days`` (int64, calendar working days of the part), ``plan``
    (int64), and ``deals``, ``proposals``, ``meetings``, ``calls`` (NaN until
    :func:`salesaudit.plan.funnel.activity_norms` fills them).

    Examples
    --------
    >>> monthly = pd.DataFrame({"manager": ["Ann"], "period": ["2026-04"], "plan": [2100]})
    >>> weekly = split_into_weeks(monthly, country="RU")  # April 2026: 22 working days
    >>> weekly["working_days"].tolist(), weekly["plan"].tolist()
    ([3, 5, 5, 5, 4], [287, 477, 477, 477, 382])
    """
    require(plan_monthly, ["manager", "period", "plan"], "plan_monthly")
    years = sorted({int(str(p)[:4]) for p in plan_monthly["period"]})
    frames = []
    for year in years:  # one pass per plan year (normally one)
        rows = plan_monthly.loc[plan_monthly["period"].astype(str).str.startswith(str(year))]
        calendar = year_calendar(year, country)
        if managers is not None:
            roster = build_roster(managers)
            roster = roster.loc[roster["manager"].isin(rows["manager"])]
            extra = sorted(set(rows["manager"]) - set(roster["manager"]))
            roster = pd.concat([roster, pd.DataFrame({"manager": extra, "fte": 1.0})], ignore_index=True)
        else:
            roster = pd.DataFrame({"manager": pd.unique(rows["manager"]), "fte": 1.0})
            roster["hired"] = pd.NaT
            roster["left"] = pd.NaT
        ranges, _ = split_absences(absences, roster["manager"])
        presence = daily_presence(roster.reset_index(drop=True), calendar, ranges)
        frames.append(split_presence_into_weeks(rows, presence))
    return pd.concat(frames, ignore_index=True) if frames else _empty_weekly()


def _empty_weekly() -> pd.DataFrame:
    return pd.DataFrame({c: [] for c in WEEKLY_COLUMNS})


def split_presence_into_weeks(plan_monthly: pd.DataFrame, presence: Presence) -> pd.DataFrame:
    """:func:`split_into_weeks` with the managers' :class:`~salesaudit.plan.managers.Presence` already
    built (a part weighs the manager's working days present in it; norm columns NaN)."""
    parts, part_of_day = _parts(presence.calendar)
    n_parts = len(parts)
    names = pd.Index(presence.roster["manager"])
    # manager × part: working days present
    starts = np.flatnonzero(np.r_[True, part_of_day[1:] != part_of_day[:-1]])
    present = np.add.reduceat(presence.days.astype(np.int64), starts, axis=1)
    rows = plan_monthly.assign(_m=names.get_indexer(plan_monthly["manager"]))
    part_period = parts["period"].to_numpy()
    # items: every (plan row, part of its month)
    by_period = pd.Series(np.arange(n_parts)).groupby(part_period).apply(list).to_dict()
    lengths = rows["period"].map(lambda p: len(by_period.get(p, []))).to_numpy()
    item_row = np.repeat(np.arange(len(rows)), lengths)
    item_part = np.concatenate([by_period[p] for p in rows["period"]]) if len(rows) else []
    item_part = np.asarray(item_part, dtype=np.intp)
    mgr = rows["_m"].to_numpy()[item_row]
    weight = present[mgr, item_part].astype(float)
    calendar_wd = parts["working_days"].to_numpy(float)[item_part]
    group_sum = np.bincount(item_row, weights=weight, minlength=len(rows))
    fallback = group_sum[item_row] <= 0
    weight = np.where(fallback, calendar_wd, weight)
    group_sum = np.bincount(item_row, weights=weight, minlength=len(rows))
    days_long = (parts["week_end"] - parts["week_start"]).dt.days.to_numpy(float)[item_part] + 1
    weight = np.where(group_sum[item_row] <= 0, days_long, weight)
    plan = largest_remainder(rows["plan"].to_numpy(np.int64), weight, item_row)
    out = parts.iloc[item_part].reset_index(drop=True)
    out.insert(0, "manager", pd.Series(rows["manager"].to_numpy()[item_row], dtype="str"))
    out["plan"] = plan.astype(np.int64)
    for col in NORM_COLUMNS:
        out[col] = np.nan
    return out[WEEKLY_COLUMNS]
