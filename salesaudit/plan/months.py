"""Plan stage, first links of the chain: the year target and its twelve months.

A yearly target (given, the sum of fixed months, or last year's sales × (1 + growth)) is spread over
the months by a seasonality index (history of ≥ 2 full years, else working days) with
largest-remainder rounding, so the twelve months sum to the year target to the unit. Helpers that
return ``(result, notes)`` give the notes as language-free ``(label key, parameters)`` pairs; the
sentences are made in :mod:`salesaudit.plan.notes`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..exceptions import ConfigError, DataError
from ..frames import require, resolve_as_of, sales_window
from ..workdays import working_day_calendar
from .allocation import allocate, whole_units

# --------------------------------------------------------------------------------------------------
# Input helpers
# --------------------------------------------------------------------------------------------------


def year_bounds(year: int) -> tuple[pd.Timestamp, pd.Timestamp]:
    """1 January and 31 December of ``year``."""
    return pd.Timestamp(year=year, month=1, day=1), pd.Timestamp(year=year, month=12, day=31)


def year_periods(year: int) -> list[str]:
    """The twelve ``"YYYY-MM"`` periods of ``year``."""
    return [f"{year}-{m:02d}" for m in range(1, 13)]


# --------------------------------------------------------------------------------------------------
# Target
# --------------------------------------------------------------------------------------------------


def _monthly_fixed(monthly_targets, year: int) -> dict[int, int]:
    """Owner's fixed months as ``{month number: whole units}``.

    Accepts a mapping keyed by month number (1..12) or ``"YYYY-MM"``, or a targets table (period,
    amount; rows with a manager are ignored here).
    """
    if monthly_targets is None:
        return {}
    if isinstance(monthly_targets, pd.DataFrame):
        require(monthly_targets, ["period", "amount"], "targets")
        rows = monthly_targets
        if "manager" in rows.columns:
            rows = rows.loc[rows["manager"].isna()]
        rows = rows.loc[rows["period"].astype(str).str.len() == 7]
        items = list(zip(rows["period"].astype(str), rows["amount"], strict=True))
    elif isinstance(monthly_targets, Mapping):
        items = list(monthly_targets.items())
    else:
        raise ConfigError(
            "monthly targets must be a mapping or a targets table",
            key="plan.monthly_targets",
            value=type(monthly_targets).__name__,
        )
    fixed: dict[int, int] = {}
    for key, amount in items:
        month = _month_of(key, year)
        if month in fixed:
            raise ConfigError("a month is targeted twice", key="plan.monthly_targets", value=key)
        value = whole_units(amount)
        if value < 0:
            raise ConfigError("a monthly target is negative", key="plan.monthly_targets", value=key)
        fixed[month] = value
    return fixed


def _month_of(key, year: int) -> int:
    text = str(key)
    if isinstance(key, (int, np.integer)) and 1 <= int(key) <= 12:
        return int(key)
    if len(text) == 7 and text[4] == "-" and text[:4].isdigit() and text[5:].isdigit():
        if int(text[:4]) == year and 1 <= int(text[5:]) <= 12:
            return int(text[5:])
    raise ConfigError(
        f"monthly target key is not a month of {year}",
        key="plan.monthly_targets",
        value=key,
        hint=f'use "YYYY-MM" periods of {year} or month numbers 1..12',
    )


def resolve_target(
    sales: pd.DataFrame | None,
    *,
    year: int,
    target: float | None = None,
    growth: float = 0.15,
    monthly_targets=None,
    as_of=None,
) -> int:
    """The year's money target in whole currency units.

    Rules, in order:

    1. ``target`` given: it is the year target (rounded half away from zero to whole units).
    2. else all twelve ``monthly_targets`` given: their sum.
    3. else last year's net sales × (1 + ``growth``). "Last year" is the 12 months before the earlier
       of ``as_of`` and 1 January of ``year`` (the calendar year before the plan year once the data
       cover it). Returns are netted. If the history starts after the window's first month, the
       sales are annualised by calendar days: × window days / days from the 1st of the month of
       the first sale to the window's end.

    Parameters
    ----------
    sales
        Canonical sales (date, amount); only needed for rule 3.
    year
        The plan year.
    target, growth, monthly_targets
        See the rules; ``monthly_targets`` as in :func:`salesaudit.plan.decomposition.decompose_plan`.
    as_of
        Date the data are complete up to (exclusive); default the day after the last sale.

    Returns
    -------
    int, the year target in whole currency units.

    Examples
    --------
    >>> resolve_target(None, year=2026, target=1_000_000.5)
    1000001
    >>> sales = pd.DataFrame({"date": pd.to_datetime(["2025-01-20", "2025-09-01", "2025-12-31"]),
    ...                       "client_id": ["a", "a", "b"], "amount": [600.0, -100.0, 500.0]})
    >>> resolve_target(sales, year=2026, growth=0.1, as_of="2026-01-01")  # (600 - 100 + 500) × 1.1
    1100
    """
    return resolve_target_with_notes(
        sales, year=year, target=target, growth=growth, monthly_targets=monthly_targets, as_of=as_of
    )[0]


def resolve_target_with_notes(sales, *, year, target, growth, monthly_targets, as_of):
    """:func:`resolve_target` and its notes: ``(year target, [(label key, parameters), ...])``."""
    notes: list[tuple[str, dict]] = []
    fixed = _monthly_fixed(monthly_targets, year)
    if target is not None:
        value = whole_units(target)
        if value < 0:
            raise ConfigError("the year target is negative", key="plan.target", value=target)
        notes.append(("plan.note.target_given", {"amount": value}))
        return value, notes
    if len(fixed) == 12:
        value = sum(fixed.values())
        notes.append(("plan.note.target_monthly_sum", {"amount": value}))
        return value, notes
    if growth is None or not math.isfinite(float(growth)) or float(growth) <= -1:
        raise ConfigError("growth must be a number above -1 (e.g. 0.15)", key="plan.growth", value=growth)
    hint = "set plan.target in engagement.yaml, or provide sales history"
    if sales is None:
        raise DataError("no target given and no sales to derive it from", hint=hint)
    require(sales, ["date", "amount"], "sales")
    as_of_ts = resolve_as_of(sales, as_of)
    if as_of_ts is None:
        raise DataError("no target given and no sales to derive it from", hint=hint)
    end = min(as_of_ts, year_bounds(year)[0])
    start = end - pd.DateOffset(months=12)
    window = sales_window(sales[["date", "amount"]], end=end)  # only the columns used
    if len(window) == 0:
        raise DataError(
            f"no sales between {start:%Y-%m-%d} and {end:%Y-%m-%d} to derive the target from",
            hint=hint,
        )
    base = float(window["amount"].sum())
    first = pd.Timestamp(sales["date"].min()).to_period("M").to_timestamp()
    if first > start:
        covered = (end - first).days
        base *= (end - start).days / covered
        notes.append(("plan.note.target_annualised", {"days": covered}))
    value = whole_units(base * (1.0 + float(growth)))
    if value <= 0:
        raise DataError("last year's net sales are not positive: cannot grow them", hint=hint)
    notes.append(
        (
            "plan.note.target_growth",
            {
                "start": start,
                "end": end - pd.Timedelta(days=1),
                "base": base,
                "growth": growth,
                "amount": value,
            },
        )
    )
    return value, notes


# --------------------------------------------------------------------------------------------------
# Seasonality and months
# --------------------------------------------------------------------------------------------------


def seasonality_index(
    sales: pd.DataFrame | None,
    *,
    year: int,
    as_of=None,
    country: str = "RU",
    min_years: int = 2,
    max_years: int = 3,
) -> pd.DataFrame:
    """Share of each calendar month in the plan year, and where it comes from.

    **History** (``source="history"``): needs at least ``min_years`` (2) *full* calendar years before
    ``year``. A year is full when the sales history starts no later than its January and the data
    reach its 31 December (``as_of`` after it); a year whose net total is not positive is skipped.
    The most recent ``max_years`` (3) full years are used. For each, every month's share of the year's
    net sales (returns netted); the index is the average share per month, negative averages set to 0,
    normalised to sum 1.

    **Working days** (``source="working_days"``), with less history: each month's working days in
    ``year`` / the year's working days (calendar of ``country``).

    Parameters
    ----------
    sales
        Canonical sales (date, amount); may be None or empty (working-day fallback).
    year
        The plan year.
    as_of
        Data complete up to this date (exclusive); default the day after the last sale.
    country
        Calendar for the fallback (ISO alpha-2, default ``"RU"``).
    min_years, max_years
        Full years required / used at most.

    Returns
    -------
    DataFrame, 12 rows: ``month`` (int 1..12), ``index`` (float, sums to 1), ``source``
    (``"history"`` or ``"working_days"``), ``years`` (str, the years used, e.g. ``"2024, 2025"``;
    empty for working days).

    Examples
    --------
    >>> idx = seasonality_index(None, year=2026, country="RU")
    >>> idx["source"].iloc[0], round(idx["index"].iloc[0] * 247)  # January 2026: 15 of 247 days
    ('working_days', 15)
    """
    return seasonality_with_notes(
        sales, year=year, as_of=as_of, country=country, min_years=min_years, max_years=max_years
    )[0]


def seasonality_with_notes(sales, *, year, as_of, country, min_years, max_years, calendar=None):
    """:func:`seasonality_index` and its notes; ``calendar`` (:func:`year_calendar`) saves building it."""
    months = np.arange(1, 13)
    years: list[int] = []
    if sales is not None and len(sales):
        require(sales, ["date", "amount"], "sales")
        as_of_ts = resolve_as_of(sales, as_of)
        first = pd.Timestamp(sales["date"].min())
        candidates = range(first.year, year)
        full = [
            y
            for y in candidates
            if (y > first.year or first.month == 1) and as_of_ts > pd.Timestamp(year=y, month=12, day=31)
        ]
        pivot = (
            _monthly_totals(sales, full)
            .unstack(fill_value=0.0)
            .reindex(index=full, columns=months, fill_value=0.0)
        )
        totals = pivot.sum(axis=1)
        years = [int(y) for y in totals.index[totals > 0]][-max_years:]
    if len(years) >= max(min_years, 1):
        shares = pivot.loc[years].div(totals.loc[years], axis=0).mean(axis=0).clip(lower=0.0)
        index = shares.to_numpy(dtype=float) / float(shares.sum())
        source, used = "history", ", ".join(str(y) for y in years)
        notes = [("plan.note.seasonality_history", {"years": used})]
    else:
        cal = calendar if calendar is not None else year_calendar(year, country)
        wd = cal.groupby(cal["date"].dt.month)["is_working"].sum().reindex(months).to_numpy(float)
        index = wd / wd.sum()
        source, used = "working_days", ""
        notes = [("plan.note.seasonality_working_days", {"years": len(years)})]
    frame = pd.DataFrame({"month": months, "index": index, "source": source, "years": used})
    frame["source"] = frame["source"].astype("str")
    frame["years"] = frame["years"].astype("str")
    return frame, notes


def _monthly_totals(sales: pd.DataFrame, years: list[int]) -> pd.Series:
    """Net sales per (year, month) of the sales dated in ``years``, indexed by year and month (int32,
    as ``dt.year`` / ``dt.month`` give them), sorted; each month's lines are summed in their order.
    Works on the dates' integers and a day -> month table, never a date or a string per line."""
    wanted = sorted({int(y) for y in years})
    first, last = (wanted[0], wanted[-1]) if wanted else (1970, 1969)
    month_starts = np.arange(np.datetime64(f"{first}-01", "M"), np.datetime64(f"{last + 1}-02", "M"))
    dates = sales["date"].to_numpy()
    unit = dates.dtype.str.replace("M8", "m8")
    per_day = int(np.timedelta64(1, "D").astype(unit).astype(np.int64))
    edges = month_starts.astype(dates.dtype).astype(np.int64)  # the first month's start .. after the last
    values = dates.view(np.int64)  # NaT is the smallest integer: before every edge
    inside = (values >= edges[0]) & (values < edges[-1]) if len(edges) > 1 else np.zeros(len(values), bool)
    day_to_month = (
        np.searchsorted((edges - edges[0]) // per_day, np.arange(len(month_starts) * 31), "right") - 1
    )
    month = day_to_month[(values[inside] - edges[0]) // per_day]
    amounts = sales["amount"].to_numpy()[inside]
    wanted_month = np.isin(first + np.arange(len(month_starts) - 1) // 12, wanted)
    if not wanted_month.all():  # a year between two wanted ones is left out
        keep = wanted_month[month]
        month, amounts = month[keep], amounts[keep]
    sums = pd.Series(amounts).groupby(month, sort=True).sum()
    number = sums.index.to_numpy(np.int64)
    sums.index = pd.MultiIndex.from_arrays(
        [(first + number // 12).astype(np.int32), (number % 12 + 1).astype(np.int32)], names=["date", "date"]
    )
    return sums


def year_calendar(year: int, country: str) -> pd.DataFrame:
    """Every day of ``year`` with ``is_working`` (:func:`salesaudit.workdays.working_day_calendar`)."""
    start, end = year_bounds(year)
    return working_day_calendar(start, end, country=country)


def split_target_by_month(
    target: int,
    *,
    seasonality: pd.DataFrame,
    year: int,
    monthly_targets=None,
    country: str = "RU",
) -> pd.DataFrame:
    """The department's plan per month: ``target`` × seasonality index, in whole units.

    Months fixed by the owner (``monthly_targets``) keep their amounts; the remainder
    ``target − Σ fixed`` is shared among the other months by their index (largest-remainder
    rounding, :func:`salesaudit.plan.allocation.allocate`), so the months sum to ``target`` exactly.
    If the free months' index is all zero they share by working days.

    Parameters
    ----------
    target
        Year target, whole units (see :func:`resolve_target`).
    seasonality
        Output of :func:`seasonality_index` (month, index).
    year
        The plan year.
    monthly_targets
        Fixed months: mapping ``{"YYYY-MM" or month number: amount}`` or a targets table.
    country
        Working-day calendar (ISO alpha-2, default ``"RU"``).

    Returns
    -------
    DataFrame, 12 rows: ``period`` (str "YYYY-MM"), ``month_start`` (datetime64), ``working_days``
    (int64), ``index`` (float), ``fixed`` (bool), ``plan`` (int64).

    Raises
    ------
    ConfigError
        Fixed months exceed the target, or all twelve are fixed and do not sum to it.

    Examples
    --------
    >>> idx = seasonality_index(None, year=2026)
    >>> months = split_target_by_month(1_000_003, seasonality=idx, year=2026,
    ...                                monthly_targets={"2026-01": 50_000})
    >>> int(months["plan"].sum()), int(months["plan"].iloc[0])
    (1000003, 50000)
    """
    return department_months(
        target,
        seasonality=seasonality,
        year=year,
        monthly_targets=monthly_targets,
        calendar=year_calendar(year, country),
    )


def department_months(target, *, seasonality, year, monthly_targets, calendar):
    """:func:`split_target_by_month` on a day calendar already built (:func:`year_calendar`)."""
    target = int(target)
    fixed = _monthly_fixed(monthly_targets, year)
    index = seasonality.set_index("month")["index"].reindex(range(1, 13)).fillna(0.0).to_numpy(float)
    wd = (
        calendar.groupby(calendar["date"].dt.month)["is_working"]
        .sum()
        .reindex(range(1, 13))
        .to_numpy(np.int64)
    )
    is_fixed = np.array([m in fixed for m in range(1, 13)])
    plan = np.array([fixed.get(m, 0) for m in range(1, 13)], dtype=np.int64)
    rest = target - int(plan.sum())
    if rest < 0:
        raise ConfigError(
            "the fixed monthly targets exceed the year target",
            key="plan.monthly_targets",
            value=int(plan.sum()),
            hint=f"the year target is {target}",
        )
    free = ~is_fixed
    if not free.any():
        if rest != 0:
            raise ConfigError(
                "the twelve monthly targets do not sum to the year target",
                key="plan.monthly_targets",
                value=int(plan.sum()),
                hint=f"the year target is {target}",
            )
    else:
        weights = np.where(free, index, 0.0)
        if weights.sum() <= 0:
            weights = np.where(free, wd.astype(float), 0.0)
        plan = plan + allocate(rest, weights)
    month_start = pd.to_datetime([f"{p}-01" for p in year_periods(year)])
    return pd.DataFrame(
        {
            "period": pd.Series(year_periods(year), dtype="str"),
            "month_start": month_start,
            "working_days": wd,
            "index": index,
            "fixed": is_fixed,
            "plan": plan.astype(np.int64),
        }
    )
