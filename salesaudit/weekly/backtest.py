"""Backtest: would the weekly view have warned of each past month's shortfall, and how early?

The figures only (no language); the headline sentence is :func:`salesaudit.weekly.wording.backtest_headline`.
Conventions: the module docstring of :mod:`salesaudit.weekly.tracking`.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from .days import _dates, _month_end, _part_bounds, _ratio
from .inputs import _prepare, resolve_thresholds
from .weekparts import _finish, _weekly_table


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
    plan), and the first week-part (by its end date) at which :func:`~salesaudit.weekly.tracking.tracking_weekly` raised the
    run-rate or the two-consecutive-weeks alert in that month. Each flag uses only data up to the end
    of its week-part, so the backtest sees what the weekly meeting would have seen. A two-weeks flag
    counts for a month only when both weeks close in it: a bad last week of the previous month plus
    a bad first week is a warning about the manager, not yet about the new month. Weeks of warning
    = whole weeks from the flag to the month's last day, ``(month end − flag day) // 7``. A flag in a
    month that hit its plan is a false alarm.

    Parameters
    ----------
    sales, plan_weekly, as_of, country, activities, thresholds
        As in :func:`~salesaudit.weekly.tracking.tracking_weekly` (``thresholds``: ``runrate_alert``, ``weekly_alert``,
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
    table = _complete_months(_weekly_table(inputs, country=country, thresholds=th), as_of=inputs.as_of)
    who = ["_level_order", "manager", "period"]
    last = table[table["_we"] == table["_me"]]
    months = last[[*who, "level", "month_plan", "mtd_fact", "_me"]].rename(
        columns={"month_plan": "plan", "mtd_fact": "fact"}
    )
    months = months[months["plan"] > 0]
    out = months.merge(_first_flags(table, who), on=who, how="left")
    out = _warning(out).sort_values(who, kind="stable")
    columns = ["level", "manager", "period", "plan", "fact", "attainment", "missed", "flagged"]
    columns += ["first_flag_week", "weeks_of_warning", "flagged_by", "false_alarm"]
    return _finish(out, columns, inputs.notes)


def _complete_months(table: pd.DataFrame, *, as_of: int) -> pd.DataFrame:
    """The week-parts of months that ended before ``as_of``, with ``_me`` (month end) and ``_we``
    (week-part end) as day numbers."""
    month_end = _month_end(table["ws"].to_numpy())
    table = table[month_end < as_of].copy()
    table["_me"] = month_end[month_end < as_of]
    table["_we"] = _part_bounds(table["ws"].to_numpy())[1]
    return table


def _first_flags(table: pd.DataFrame, who: list[str]) -> pd.DataFrame:
    """Per manager-month: ``_flag``, the end of the first week-part flagged by the run-rate or the
    two-weeks-in-the-month rule, and ``flagged_by``, the rules that flagged it."""
    flags = table[table["alert_runrate"] | table["_two_weeks_in_month"]]
    first = flags.sort_values("ws").drop_duplicates(who)
    by = np.where(first["alert_runrate"], "runrate", "")
    by = np.where(first["_two_weeks_in_month"], np.char.add(by, "+two_weeks"), by)
    first = first.assign(flagged_by=np.char.lstrip(by.astype(str), "+"), _flag=first["_we"])
    return first[[*who, "_flag", "flagged_by"]]


def _warning(out: pd.DataFrame) -> pd.DataFrame:
    """Attainment, missed, flagged, first flag week, weeks of warning and false alarm of each month."""
    out["attainment"] = _ratio(out["fact"], out["plan"])
    out["missed"] = out["fact"] < out["plan"]
    out["flagged"] = out["_flag"].notna()
    flag_day = out["_flag"].fillna(0).to_numpy(dtype=np.int64)
    out["first_flag_week"] = pd.Series(_dates(flag_day)).where(out["flagged"])
    warning = pd.array((out["_me"].to_numpy(dtype=np.int64) - flag_day) // 7, dtype="Int64")
    out["weeks_of_warning"] = pd.Series(warning).where(out["flagged"])
    out["flagged_by"] = out["flagged_by"].astype("str")
    out["false_alarm"] = out["flagged"] & ~out["missed"]
    return out


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
