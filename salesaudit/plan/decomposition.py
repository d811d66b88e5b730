"""Plan stage: the owner's money target decomposed to months, week-parts and managers.

The chain (PLAYBOOK.md, "Plan"): a yearly target (given, or last year's sales × (1 + growth)) is spread
over months by a seasonality index, split among the managers active each month, then over each
manager's week-parts (Monday–Sunday weeks cut at month boundaries) by working days. Every split is
an exact, whole-currency-unit allocation with largest-remainder rounding (:func:`allocate`), so:

* the twelve months sum to the year target,
* the managers sum to the department's month,
* a manager's week-parts sum to the manager's month.

Activity norms (the reverse funnel) live in :mod:`salesaudit.plan.funnel`; pay schemes in
:mod:`salesaudit.plan.motivation`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..exceptions import ConfigError, DataError
from ..frames import require, resolve_as_of, sales_window
from ..report.formatting import fmt_date, fmt_number, fmt_percent
from ..report.i18n import t
from ..workdays import working_day_calendar
from .funnel import NORM_COLUMNS, activity_norms, funnel_rates

MONTHLY_COLUMNS: list[str] = ["manager", "period", "month_start", "working_days", "plan"]
"""Columns of ``plan_monthly`` (the tracking stage depends on them)."""

"""Activity-norm columns of ``plan_weekly`` (see :func:`salesaudit.plan.funnel.activity_norms`)."""

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

DEFAULT_RAMP: tuple[float, ...] = (0.5, 0.75, 1.0)
"""Share of a full plan in months 1, 2, 3 after hire (month 1 = the month of the hire date)."""

DEFAULT_WEIGHTS: dict[str, float] = {"equal": 0.3, "history": 0.5, "potential": 0.2}
"""Blend of the ``fair_share`` method: equal split, sales history, portfolio potential."""

METHODS: tuple[str, ...] = ("equal", "history", "fair_share")

_ROUND_DIGITS = 9  # remainders equal to 1e-9 are ties, broken by position


# --------------------------------------------------------------------------------------------------
# Rounding
# --------------------------------------------------------------------------------------------------


def allocate(total: int, weights) -> np.ndarray:
    """Split a whole number of currency units in proportion to ``weights``, exactly.

    Largest-remainder (Hamilton) rounding: every item gets the floor of its exact quota
    ``total × weight / Σ weights``; the units left over go one each to the items with the largest
    remainders. Remainders equal to 9 decimal places are ties, broken by position: the earlier item
    gets the unit. Items with weight 0 always get 0. A negative ``total`` is split as ``-allocate(-total)``.
    The result always sums to ``total`` exactly. Every split in the plan uses this one rule.

    Parameters
    ----------
    total
        Whole currency units (an int, or a float with no fractional part).
    weights
        One non-negative finite weight per item; they need not sum to 1.

    Returns
    -------
    ``np.ndarray`` of int64, one amount per item, summing to ``total``.

    Raises
    ------
    DataError
        ``total`` is not whole, a weight is negative or not finite, or a non-zero total meets
        all-zero weights.

    Examples
    --------
    >>> allocate(10, [1, 1, 1]).tolist()  # tie: the first item gets the spare unit
    [4, 3, 3]
    >>> allocate(100, [0.5, 0.3, 0.2, 0.0]).tolist()
    [50, 30, 20, 0]
    >>> allocate(1_000_003, [1] * 12).sum()
    np.int64(1000003)
    """
    if isinstance(total, (float, np.floating)) and not float(total).is_integer():
        raise DataError("the total to allocate must be whole currency units", value=total)
    w = np.asarray(weights, dtype=float)
    if w.ndim != 1:
        raise DataError("weights must be one-dimensional", value=w.shape)
    return _largest_remainder(np.array([int(total)], dtype=np.int64), w, np.zeros(len(w), dtype=np.intp))


def _largest_remainder(totals, weights, groups) -> np.ndarray:
    """:func:`allocate` for many groups at once: item ``k`` belongs to group ``groups[k]``."""
    totals = np.asarray(totals, dtype=np.int64)
    w = np.asarray(weights, dtype=float)
    g = np.asarray(groups, dtype=np.intp)
    n_groups, n = len(totals), len(w)
    if not np.all(np.isfinite(w)) or np.any(w < 0):
        raise DataError("allocation weights must be finite and non-negative")
    wsum = np.bincount(g, weights=w, minlength=n_groups)
    size = np.abs(totals)
    impossible = (size != 0) & (wsum <= 0)
    if impossible.any():
        raise DataError(
            "cannot split a non-zero amount when every weight is zero",
            value=int(totals[impossible][0]),
        )
    denom = wsum[g]
    share = np.divide(w, denom, out=np.zeros(n), where=denom > 0)
    quota = size[g] * share
    floor = np.floor(quota)
    rem = np.round(quota - floor, _ROUND_DIGITS)
    rem[w <= 0] = -1.0  # zero weight never receives a unit
    out = floor.astype(np.int64)
    deficit = size - np.bincount(g, weights=out, minlength=n_groups).astype(np.int64)
    pos = np.arange(n)

    def ranked(keys):
        order = np.lexsort((*keys, g))
        sorted_g = g[order]
        first = np.searchsorted(sorted_g, np.arange(n_groups))
        return order, pos - first[sorted_g], sorted_g

    order, rank, sorted_g = ranked((pos, -rem))
    out[order[rank < np.maximum(deficit, 0)[sorted_g]]] += 1
    if (deficit < 0).any():  # float error pushed a floor up: take the unit back, smallest remainder
        take = np.where(out > 0, rem, np.inf)
        order, rank, sorted_g = ranked((-pos, take))
        out[order[rank < np.maximum(-deficit, 0)[sorted_g]]] -= 1
    if n and not np.array_equal(np.bincount(g, weights=out, minlength=n_groups), size):
        raise RuntimeError("largest-remainder allocation did not reconcile")  # pragma: no cover
    sign = np.where(totals < 0, -1, 1)
    return out * sign[g] if n else out


def _whole(amount: float) -> int:
    """Money to whole currency units, half away from zero (0.5 -> 1, -0.5 -> -1)."""
    value = float(amount)
    if not math.isfinite(value):
        raise ConfigError("a money amount is not a finite number", value=amount)
    return int(math.copysign(math.floor(abs(value) + 0.5), value))


# --------------------------------------------------------------------------------------------------
# Input helpers
# --------------------------------------------------------------------------------------------------


def _year_bounds(year: int) -> tuple[pd.Timestamp, pd.Timestamp]:
    return pd.Timestamp(year=year, month=1, day=1), pd.Timestamp(year=year, month=12, day=31)


def _periods(year: int) -> list[str]:
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
        value = _whole(amount)
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
        See the rules; ``monthly_targets`` as in :func:`decompose_plan`.
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
    return _resolve_target(
        sales, year=year, target=target, growth=growth, monthly_targets=monthly_targets, as_of=as_of
    )[0]


def _resolve_target(sales, *, year, target, growth, monthly_targets, as_of):
    notes: list[tuple[str, dict]] = []
    fixed = _monthly_fixed(monthly_targets, year)
    if target is not None:
        value = _whole(target)
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
    end = min(as_of_ts, _year_bounds(year)[0])
    start = end - pd.DateOffset(months=12)
    window = sales_window(sales, end=end)
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
    value = _whole(base * (1.0 + float(growth)))
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
    return _seasonality(
        sales, year=year, as_of=as_of, country=country, min_years=min_years, max_years=max_years
    )[0]


def _seasonality(sales, *, year, as_of, country, min_years, max_years, calendar=None):
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
        dates = sales["date"]
        in_years = sales.loc[dates.dt.year.isin(full)]
        pivot = (
            in_years.groupby([in_years["date"].dt.year, in_years["date"].dt.month])["amount"]
            .sum()
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
        cal = calendar if calendar is not None else _calendar(year, country)
        wd = cal.groupby(cal["date"].dt.month)["is_working"].sum().reindex(months).to_numpy(float)
        index = wd / wd.sum()
        source, used = "working_days", ""
        notes = [("plan.note.seasonality_working_days", {"years": len(years)})]
    frame = pd.DataFrame({"month": months, "index": index, "source": source, "years": used})
    frame["source"] = frame["source"].astype("str")
    frame["years"] = frame["years"].astype("str")
    return frame, notes


def _calendar(year: int, country: str) -> pd.DataFrame:
    start, end = _year_bounds(year)
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
    rounding, :func:`allocate`), so the months sum to ``target`` exactly. If the free months' index
    is all zero they share by working days.

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
    return _split_months(
        target,
        seasonality=seasonality,
        year=year,
        monthly_targets=monthly_targets,
        calendar=_calendar(year, country),
    )


def _split_months(target, *, seasonality, year, monthly_targets, calendar):
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
    month_start = pd.to_datetime([f"{p}-01" for p in _periods(year)])
    return pd.DataFrame(
        {
            "period": pd.Series(_periods(year), dtype="str"),
            "month_start": month_start,
            "working_days": wd,
            "index": index,
            "fixed": is_fixed,
            "plan": plan.astype(np.int64),
        }
    )


# --------------------------------------------------------------------------------------------------
# Week-parts
# --------------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------------
# Managers: roster, presence, capacity, shares
# --------------------------------------------------------------------------------------------------


def _roster(managers: pd.DataFrame) -> pd.DataFrame:
    """Validated copy: manager, hired, left (NaT = unknown), fte (NaN -> 1)."""
    require(managers, ["manager"], "managers")
    if len(managers) == 0:
        raise DataError("the managers table is empty", hint="list the sales managers to plan for")
    names = managers["manager"]
    if names.isna().any():
        raise DataError("a manager has no name", column="manager")
    dup = names[names.duplicated()]
    if len(dup):
        raise DataError("a manager is listed twice", column="manager", value=str(dup.iloc[0]))
    n = len(managers)
    nat = pd.Series(pd.NaT, index=managers.index, dtype="datetime64[us]")
    roster = pd.DataFrame(
        {
            "manager": names.astype("str").to_numpy(),
            "hired": pd.to_datetime(managers["hired"]) if "hired" in managers else nat,
            "left": pd.to_datetime(managers["left"]) if "left" in managers else nat,
            "fte": managers["fte"].astype(float) if "fte" in managers else np.ones(n),
        }
    ).reset_index(drop=True)
    roster["fte"] = roster["fte"].fillna(1.0)
    bad = (roster["fte"] < 0) | (roster["fte"] > 1)
    if bad.any():
        raise DataError(
            "fte must be between 0 and 1",
            column="fte",
            value=float(roster.loc[bad, "fte"].iloc[0]),
        )
    late = roster["left"].notna() & roster["hired"].notna() & (roster["left"] < roster["hired"])
    if late.any():
        raise DataError(
            "a manager left before being hired",
            column="left",
            value=str(roster.loc[late, "manager"].iloc[0]),
        )
    return roster


def _absences(absences: pd.DataFrame | None, names: pd.Series) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split planned absences into date ranges (manager, start, end) and counts (manager, period, days)."""
    empty_ranges = pd.DataFrame({"manager": [], "start": [], "end": []})
    empty_counts = pd.DataFrame({"manager": [], "period": [], "days": []})
    if absences is None or len(absences) == 0:
        return empty_ranges, empty_counts
    if not isinstance(absences, pd.DataFrame):  # engagement.yaml's list of {manager, start, end}
        absences = pd.DataFrame([a.model_dump() if hasattr(a, "model_dump") else dict(a) for a in absences])
    require(absences, ["manager"], "absences")
    has_range = {"start", "end"} <= set(absences.columns)
    has_count = {"period", "days"} <= set(absences.columns)
    if not (has_range or has_count):
        raise ConfigError(
            "absences need columns start and end (dates), or period and days (working days)",
            key="plan.absences",
        )
    unknown = ~absences["manager"].isin(names)
    if unknown.any():
        raise ConfigError(
            "an absence names a manager who is not in the managers table",
            key="plan.absences",
            value=str(absences.loc[unknown, "manager"].iloc[0]),
        )
    ranges, counts = empty_ranges, empty_counts
    if has_range:
        rows = absences.loc[absences["start"].notna()]
        ranges = pd.DataFrame(
            {
                "manager": rows["manager"].to_numpy(),
                "start": pd.to_datetime(rows["start"]).to_numpy(),
                "end": pd.to_datetime(rows["end"].fillna(rows["start"])).to_numpy(),
            }
        )
        if (ranges["end"] < ranges["start"]).any():
            raise ConfigError("an absence ends before it starts", key="plan.absences")
    if has_count:
        rows = absences.loc[absences["period"].notna()]
        counts = pd.DataFrame(
            {
                "manager": rows["manager"].to_numpy(),
                "period": rows["period"].astype(str).to_numpy(),
                "days": rows["days"].astype(float).to_numpy(),
            }
        )
        if (counts["days"] < 0).any():
            raise ConfigError("absence days are negative", key="plan.absences")
    return ranges, counts


@dataclass
class _Presence:
    """Per manager and day of the plan year: whether the manager works (vectorised helpers)."""

    roster: pd.DataFrame
    calendar: pd.DataFrame
    days: np.ndarray  # (n_managers, n_days) bool: working day, employed, not absent
    month_of_day: np.ndarray  # 0..11


def _presence(roster, calendar, ranges) -> _Presence:
    dates = calendar["date"].to_numpy()
    working = calendar["is_working"].to_numpy(bool)
    hired = roster["hired"].to_numpy(dtype="datetime64[ns]")
    left = roster["left"].to_numpy(dtype="datetime64[ns]")
    d = dates.astype("datetime64[ns]")
    after_hire = np.isnat(hired)[:, None] | (d[None, :] >= hired[:, None])
    before_leave = np.isnat(left)[:, None] | (d[None, :] <= left[:, None])
    present = working[None, :] & after_hire & before_leave
    if len(ranges):
        row = pd.Index(roster["manager"]).get_indexer(ranges["manager"])
        s = np.searchsorted(d, ranges["start"].to_numpy(dtype="datetime64[ns]"), side="left")
        e = np.searchsorted(d, ranges["end"].to_numpy(dtype="datetime64[ns]"), side="right")
        diff = np.zeros((len(roster), len(d) + 1), dtype=np.int64)
        np.add.at(diff, (row, s), 1)
        np.add.at(diff, (row, e), -1)
        present &= ~(np.cumsum(diff, axis=1)[:, : len(d)] > 0)
    month_of_day = calendar["date"].dt.month.to_numpy() - 1
    return _Presence(roster, calendar, present, month_of_day)


def measure_capacity(
    managers: pd.DataFrame,
    *,
    year: int,
    absences: pd.DataFrame | None = None,
    ramp: Sequence[float] = DEFAULT_RAMP,
    country: str = "RU",
) -> pd.DataFrame:
    """How much of a full share each manager can carry in each month of ``year``.

    ``capacity = fte × present_days / working_days × ramp``, where

    * ``present_days``: the month's working days on which the manager is employed — from ``hired``
      to ``left``, both included (a month partly worked is scaled by working days present; none
      before hire or after leaving) — minus planned absences;
    * ``ramp``: for a new hire, ``ramp[k-1]`` in month ``k`` after hire, **month 1 being the calendar
      month of the hire date** (default 0.5 / 0.75 / 1.0); 1 afterwards and when ``hired`` is unknown.
    * ``fte``: 1 when missing.

    Parameters
    ----------
    managers
        Canonical managers table: manager (+ hired, left, fte).
    year
        The plan year.
    absences
        Planned absences, either date ranges (columns manager, start, end; inclusive; only working
        days count) or counts (columns manager, period "YYYY-MM", days = working days absent); a
        list of ``{manager, start, end}`` mappings is accepted too.
    ramp
        Share of a full plan in months 1, 2, ... after hire.
    country
        Working-day calendar (ISO alpha-2, default ``"RU"``).

    Returns
    -------
    DataFrame, one row per manager × month: ``manager``, ``period``, ``working_days`` (int64, the
    month's), ``present_days`` (int64), ``fte``, ``ramp``, ``capacity`` (float, 0..1).

    Examples
    --------
    >>> team = pd.DataFrame({"manager": ["Ann"], "hired": pd.to_datetime(["2026-03-16"])})
    >>> cap = measure_capacity(team, year=2026, country="RU")
    >>> cap.loc[cap["period"].isin(["2026-03", "2026-04", "2026-05"]), "ramp"].tolist()
    [0.5, 0.75, 1.0]
    >>> cap.loc[cap["period"] == "2026-03", ["present_days", "working_days"]].values.tolist()
    [[12, 21]]
    """
    roster = _roster(managers)
    calendar = _calendar(year, country)
    ranges, counts = _absences(absences, roster["manager"])
    presence = _presence(roster, calendar, ranges)
    return _capacity(presence, counts, year=year, ramp=ramp)


def _capacity(presence: _Presence, counts: pd.DataFrame, *, year: int, ramp) -> pd.DataFrame:
    ramp = np.asarray(tuple(ramp), dtype=float)
    if ramp.ndim != 1 or (ramp < 0).any() or not np.isfinite(ramp).all():
        raise ConfigError("ramp must be a list of non-negative shares", key="plan.ramp")
    roster = presence.roster
    n = len(roster)
    month_wd = np.bincount(
        presence.month_of_day, weights=presence.calendar["is_working"].to_numpy(float), minlength=12
    ).astype(np.int64)
    present = np.zeros((n, 12), dtype=np.int64)
    for m in range(12):  # 12 columns, vectorised over managers and days
        present[:, m] = presence.days[:, presence.month_of_day == m].sum(axis=1)
    if len(counts):
        row = pd.Index(roster["manager"]).get_indexer(counts["manager"])
        col = pd.Index(_periods(year)).get_indexer(counts["period"])
        ok = col >= 0
        absent = np.zeros((n, 12))
        np.add.at(absent, (row[ok], col[ok]), counts["days"].to_numpy(float)[ok])
        present = np.maximum(present - np.round(absent).astype(np.int64), 0)
    hired = roster["hired"]
    since = np.full(n, -(10**6))
    known = hired.notna().to_numpy()
    since[known] = (hired[known].dt.year * 12 + hired[known].dt.month - 1).to_numpy()
    k = (year * 12 + np.arange(12))[None, :] - since[:, None] + 1  # month number after hire
    factor = np.ones((n, 12))
    in_ramp = (k >= 1) & (k <= len(ramp))
    factor[in_ramp] = ramp[k[in_ramp] - 1]
    factor[k < 1] = 0.0
    factor[~known] = 1.0
    fte = roster["fte"].to_numpy(float)
    share_of_month = np.divide(present, month_wd[None, :], out=np.zeros((n, 12)), where=month_wd[None, :] > 0)
    capacity = fte[:, None] * share_of_month * factor
    return pd.DataFrame(
        {
            "manager": pd.Series(np.repeat(roster["manager"].to_numpy(), 12), dtype="str"),
            "period": pd.Series(np.tile(_periods(year), n), dtype="str"),
            "working_days": np.tile(month_wd, n),
            "present_days": present.ravel(),
            "fte": np.repeat(fte, 12),
            "ramp": factor.ravel(),
            "capacity": capacity.ravel(),
        }
    )


def estimate_shares(
    managers: pd.DataFrame,
    *,
    sales: pd.DataFrame | None = None,
    clients: pd.DataFrame | None = None,
    method: str = "fair_share",
    weights: Mapping[str, float] | None = None,
    as_of=None,
) -> pd.DataFrame:
    """Each manager's full share of the department plan (before capacity), by ``method``.

    Components, each a share over the managers given (summing to 1):

    * ``equal``: 1 / number of managers.
    * ``history``: net sales (returns netted) in the 12 months before ``as_of`` per month employed
      in that window and per full-time equivalent (÷ ``fte``, since capacity scales by ``fte``
      afterwards), normalised. Employed = from the earlier of ``hired`` and the manager's first
      sale in the window (the whole window when ``hired`` is unknown) to ``left``, at least one
      month — so someone hired mid-window is not penalised for the months before hire. Managers
      with no positive sales there get the average of the others. Sales of people not in
      ``managers`` do not count. Unavailable without a ``manager`` column in sales.
    * ``potential``: Σ ``clients.potential`` of the clients each manager owns (``clients.manager``),
      normalised. Unavailable without those columns or with no positive potential.

    ``equal`` and ``history`` use one component; ``fair_share`` blends them with ``weights``
    (default ``{"equal": 0.3, "history": 0.5, "potential": 0.2}``, as in engagement.yaml). An
    unavailable component's weight is shared among the available ones in proportion (``equal`` is
    always available).

    Parameters
    ----------
    managers
        Canonical managers table (manager, + hired, left).
    sales, clients
        Canonical sales (date, amount, manager) and clients (client_id, manager, potential).
    method
        ``"equal"``, ``"history"`` or ``"fair_share"``.
    weights
        Blend for ``fair_share``: keys among equal, history, potential; non-negative.
    as_of
        End of the history window (exclusive); default the day after the last sale.

    Returns
    -------
    DataFrame, one row per manager: ``manager``, ``equal``, ``history``, ``potential`` (component
    shares, NaN when unavailable), ``share`` (the blend, sums to 1).

    Examples
    --------
    >>> team = pd.DataFrame({"manager": ["Ann", "Bob"]})
    >>> sales = pd.DataFrame({"date": pd.to_datetime(["2025-06-01", "2025-07-01"]),
    ...     "client_id": ["c1", "c2"], "amount": [300.0, 100.0], "manager": ["Ann", "Bob"]})
    >>> estimate_shares(team, sales=sales, method="history", as_of="2026-01-01")["share"].tolist()
    [0.75, 0.25]
    """
    return _estimate_shares(
        managers, sales=sales, clients=clients, method=method, weights=weights, as_of=as_of
    )[0]


def _estimate_shares(managers, *, sales, clients, method, weights, as_of):
    notes: list[tuple[str, dict]] = []
    roster = _roster(managers)
    names = roster["manager"]
    n = len(roster)
    if method not in METHODS:
        raise ConfigError(
            f"unknown split method {method!r}",
            key="plan.method",
            value=method,
            hint=f"use one of: {', '.join(METHODS)}",
        )
    blend = {"equal": {"equal": 1.0}, "history": {"history": 1.0}}.get(method)
    if blend is None:
        blend = dict(DEFAULT_WEIGHTS if weights is None else weights)
    unknown = set(blend) - {"equal", "history", "potential"}
    if unknown:
        raise ConfigError(
            "unknown fair_share weight",
            key="plan.weights",
            value=sorted(unknown)[0],
            hint="use equal, history, potential",
        )
    if any(not math.isfinite(float(v)) or float(v) < 0 for v in blend.values()) or not any(
        float(v) > 0 for v in blend.values()
    ):
        raise ConfigError(
            "fair_share weights must be non-negative and not all zero", key="plan.weights", value=dict(blend)
        )
    equal = np.full(n, 1.0 / n)
    history = _history_share(roster, sales, as_of, notes) if blend.get("history", 0) > 0 else None
    potential = _potential_share(roster, clients, notes) if blend.get("potential", 0) > 0 else None
    parts = {"equal": equal, "history": history, "potential": potential}
    used = {k: float(v) for k, v in blend.items() if float(v) > 0 and parts[k] is not None}
    if not used:
        used = {"equal": 1.0}
        notes.append(("plan.note.method_fallback_equal", {"method": method}))
    total = sum(used.values())
    share = sum(parts[k] * (v / total) for k, v in used.items())
    nan = np.full(n, np.nan)
    return (
        pd.DataFrame(
            {
                "manager": pd.Series(names.to_numpy(), dtype="str"),
                "equal": equal,
                "history": nan if history is None else history,
                "potential": nan if potential is None else potential,
                "share": share / share.sum(),
            }
        ),
        notes,
    )


def _employed_sales(roster, sales, end) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Net sales per roster manager in the 12 months before ``end``, the months each was employed
    in that window (from the earlier of ``hired`` and their first sale there — the window start
    when ``hired`` is unknown — to ``left``; at least 1), and the names selling there who are not
    in the roster."""
    start = end - pd.DateOffset(months=12)
    window = sales_window(sales, end=end)
    net = window.groupby("manager")["amount"].sum().reindex(roster["manager"]).fillna(0.0)
    outsiders = sorted(set(window["manager"].dropna().unique()) - set(roster["manager"]))
    first_sale = window.groupby("manager")["date"].min().reindex(roster["manager"])
    begin = pd.concat([roster["hired"], pd.Series(first_sale.to_numpy())], axis=1).min(axis=1)
    begin = begin.where(roster["hired"].notna(), start)  # hire date unknown: the whole window
    hired = begin.clip(lower=start)  # sales before a hire date count as employed
    left = (roster["left"] + pd.Timedelta(days=1)).fillna(end).clip(upper=end)
    span = (end - start).days
    months = ((left - hired).dt.days.clip(lower=0) / span * 12).clip(lower=1.0)
    return net.to_numpy(float), months.to_numpy(float), outsiders


def _history_share(roster, sales, as_of, notes) -> np.ndarray | None:
    if sales is None or "manager" not in sales.columns or len(sales) == 0:
        notes.append(("plan.note.history_unavailable", {}))
        return None
    require(sales, ["date", "amount", "manager"], "sales")
    net, months, outsiders = _employed_sales(roster, sales, resolve_as_of(sales, as_of))
    if outsiders:
        notes.append(("plan.note.sales_outside_roster", {"managers": ", ".join(outsiders)}))
    fte = roster["fte"].to_numpy(float)
    per_fte = np.divide(1.0, fte, out=np.zeros(len(fte)), where=fte > 0)  # fte 0: no history
    rate = net / months * per_fte
    has = rate > 0
    if not has.any():
        notes.append(("plan.note.history_unavailable", {}))
        return None
    for name in roster["manager"][~has]:
        notes.append(("plan.note.no_history_manager", {"manager": name}))
    rate = np.where(has, rate, rate[has].mean())
    return rate / rate.sum()


def _potential_share(roster, clients, notes) -> np.ndarray | None:
    if clients is None or not {"manager", "potential"} <= set(clients.columns):
        notes.append(("plan.note.potential_unavailable", {}))
        return None
    pot = (
        clients.loc[clients["potential"] > 0]
        .groupby("manager")["potential"]
        .sum()
        .reindex(roster["manager"])
        .fillna(0.0)
        .to_numpy(float)
    )
    if pot.sum() <= 0:
        notes.append(("plan.note.potential_unavailable", {}))
        return None
    return pot / pot.sum()


def _overrides(overrides, names: pd.Series, year: int) -> dict[str, int]:
    if overrides is None:
        return {}
    if isinstance(overrides, pd.DataFrame):
        require(overrides, ["manager", "amount"], "targets")
        rows = overrides.loc[overrides["manager"].notna()]
        if "period" in rows.columns:
            rows = rows.loc[rows["period"].astype(str) == str(year)]
        items = list(zip(rows["manager"].astype(str), rows["amount"], strict=True))
    elif isinstance(overrides, Mapping):
        items = list(overrides.items())
    else:
        raise ConfigError("overrides must map manager -> yearly amount", key="plan.overrides")
    out: dict[str, int] = {}
    for name, amount in items:
        if name not in set(names):
            raise ConfigError(
                "an override names a manager who is not planned this year", key="plan.overrides", value=name
            )
        value = _whole(amount)
        if value < 0:
            raise ConfigError("an override amount is negative", key="plan.overrides", value=name)
        out[str(name)] = value
    return out


def split_among_managers(
    department_monthly: pd.DataFrame,
    *,
    shares: pd.DataFrame,
    capacity: pd.DataFrame,
    overrides: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """Each manager's plan per month, summing exactly to the department's month.

    The department month is split by ``share × capacity`` among the managers **active that month**
    (capacity > 0). When someone leaves, is absent or ramps up, the rest of the team carries the
    difference, so the department total is preserved.

    Overrides fix a manager's *yearly* amount: it is spread over that manager's months by the
    department's month plan × their capacity, and the rest of each month is split among the others.

    Parameters
    ----------
    department_monthly
        period, month_start, working_days, plan (from :func:`split_target_by_month`).
    shares
        manager, share (from :func:`estimate_shares`).
    capacity
        manager, period, capacity (from :func:`measure_capacity`).
    overrides
        ``{manager: yearly amount}`` fixed by the owner.

    Returns
    -------
    ``plan_monthly``: one row per manager × month with ``manager`` (str), ``period`` (str
    "YYYY-MM"), ``month_start`` (datetime64), ``working_days`` (int64, the month's), ``plan`` (int64).

    Raises
    ------
    DataError
        A month has a plan but no active manager, or overrides exceed a month's plan.

    Examples
    --------
    >>> dept = split_target_by_month(1_000, seasonality=seasonality_index(None, year=2026),
    ...                              year=2026)
    >>> team = pd.DataFrame({"manager": ["Ann", "Bob"], "left": pd.to_datetime([None, "2026-06-30"])})
    >>> plan = split_among_managers(dept, shares=estimate_shares(team, method="equal"),
    ...                             capacity=measure_capacity(team, year=2026))
    >>> int(plan["plan"].sum()), int(plan.loc[(plan.manager == "Bob") & (plan.period > "2026-06"),
    ...                                       "plan"].sum())
    (1000, 0)
    """
    names = pd.Index(shares["manager"])
    periods = pd.Index(department_monthly["period"])
    cap = (
        capacity.pivot(index="manager", columns="period", values="capacity")
        .reindex(index=names, columns=periods)
        .fillna(0.0)
        .to_numpy(float)
    )
    share = shares["share"].to_numpy(float)
    dept = department_monthly["plan"].to_numpy(np.int64)
    fixed = _overrides(overrides, pd.Series(names), int(str(periods[0])[:4]))
    n, m = cap.shape
    plan = np.zeros((n, m), dtype=np.int64)
    is_over = names.isin(list(fixed))
    if fixed:
        rows = np.flatnonzero(is_over)
        totals = np.array([fixed[names[i]] for i in rows], dtype=np.int64)
        if totals.sum() > dept.sum():
            raise ConfigError(
                "overrides exceed the department's year target", key="plan.overrides", value=int(totals.sum())
            )
        w = dept[None, :].astype(float) * cap[rows]
        try:
            plan[rows] = _largest_remainder(totals, w.ravel(), np.repeat(np.arange(len(rows)), m)).reshape(
                len(rows), m
            )
        except DataError as exc:
            raise DataError(
                "an overridden manager has no working month this year",
                hint="check hired/left dates and the override",
            ) from exc
    rest = dept - plan.sum(axis=0)
    if (rest < 0).any():
        bad = int(np.flatnonzero(rest < 0)[0])
        raise DataError(
            f"overrides exceed the department plan of {periods[bad]}",
            value=int(dept[bad]),
            hint="lower the overrides",
        )
    w = np.where(is_over[:, None], 0.0, share[:, None] * cap)
    empty = (rest > 0) & (w.sum(axis=0) <= 0)
    if empty.any():
        bad = int(np.flatnonzero(empty)[0])
        raise DataError(
            f"no manager is active in {periods[bad]} to carry its plan",
            value=int(rest[bad]),
            hint="check hired/left dates and absences",
        )
    others = _largest_remainder(rest, w.T.ravel(), np.repeat(np.arange(m), n)).reshape(m, n).T
    plan = plan + others
    out = pd.DataFrame(
        {
            "manager": pd.Series(np.repeat(names.to_numpy(), m), dtype="str"),
            "period": pd.Series(np.tile(periods.to_numpy(), n), dtype="str"),
            "month_start": np.tile(department_monthly["month_start"].to_numpy(), n),
            "working_days": np.tile(department_monthly["working_days"].to_numpy(np.int64), n),
            "plan": plan.ravel().astype(np.int64),
        }
    )
    return out[MONTHLY_COLUMNS]


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
        manager, period, plan (from :func:`split_among_managers`); any whole years.
    managers
        Canonical managers table (hired, left) for presence; None = everyone present all year.
    absences
        Dated absences (manager, start, end) as in :func:`measure_capacity`.
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
        calendar = _calendar(year, country)
        if managers is not None:
            roster = _roster(managers)
            roster = roster.loc[roster["manager"].isin(rows["manager"])]
            extra = sorted(set(rows["manager"]) - set(roster["manager"]))
            roster = pd.concat([roster, pd.DataFrame({"manager": extra, "fte": 1.0})], ignore_index=True)
        else:
            roster = pd.DataFrame({"manager": pd.unique(rows["manager"]), "fte": 1.0})
            roster["hired"] = pd.NaT
            roster["left"] = pd.NaT
        ranges, _ = _absences(absences, roster["manager"])
        presence = _presence(roster.reset_index(drop=True), calendar, ranges)
        frames.append(_weeks(rows, presence))
    return pd.concat(frames, ignore_index=True) if frames else _empty_weekly()


def _empty_weekly() -> pd.DataFrame:
    return pd.DataFrame({c: [] for c in WEEKLY_COLUMNS})


def _weeks(plan_monthly: pd.DataFrame, presence: _Presence) -> pd.DataFrame:
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
    plan = _largest_remainder(rows["plan"].to_numpy(np.int64), weight, item_row)
    out = parts.iloc[item_part].reset_index(drop=True)
    out.insert(0, "manager", pd.Series(rows["manager"].to_numpy()[item_row], dtype="str"))
    out["plan"] = plan.astype(np.int64)
    for col in NORM_COLUMNS:
        out[col] = np.nan
    return out[WEEKLY_COLUMNS]


# --------------------------------------------------------------------------------------------------
# Client classes
# --------------------------------------------------------------------------------------------------


def split_by_class(
    clients: pd.DataFrame,
    *,
    plan_monthly: pd.DataFrame,
    new_client_share: float = 0.1,
    classes: Sequence[str] = ("A", "B", "C"),
) -> pd.DataFrame:
    """Where each manager's plan should come from: client classes and new clients.

    ``new_client_share`` of every manager-month goes to new clients; the rest is split by the
    manager's revenue per class in the last window (``clients.revenue``), over ``classes`` only
    (D clients are not planned for: they are not worth serving). Classes with non-positive revenue
    get 0. A manager with no revenue in ``classes`` gets the whole plan from new clients.
    Largest-remainder rounding: the classes sum to the manager's month exactly.

    Parameters
    ----------
    clients
        One row per client: ``client_id``, ``manager``, ``segment`` (A/B/C/D), ``revenue`` (e.g. the
        output of the Clients stage).
    plan_monthly
        manager, period, plan.
    new_client_share
        Share of each plan expected from clients who have not bought yet (0..1).
    classes
        Classes planned for, in output order.

    Returns
    -------
    DataFrame, one row per manager × period × segment (``classes`` then ``"new"``): ``manager``,
    ``period``, ``segment``, ``share`` (float), ``plan`` (int64).

    Examples
    --------
    >>> clients = pd.DataFrame({"client_id": ["1", "2", "3"], "manager": ["Ann"] * 3,
    ...     "segment": ["A", "B", "D"], "revenue": [600.0, 300.0, 100.0]})
    >>> monthly = pd.DataFrame({"manager": ["Ann"], "period": ["2026-01"], "plan": [1000]})
    >>> split_by_class(clients, plan_monthly=monthly, new_client_share=0.1)["plan"].tolist()
    [600, 300, 0, 100]
    """
    require(clients, ["client_id", "manager", "segment", "revenue"], "clients")
    require(plan_monthly, ["manager", "period", "plan"], "plan_monthly")
    share_new = float(new_client_share)
    if not 0.0 <= share_new <= 1.0:
        raise ConfigError(
            "new_client_share must be between 0 and 1", key="plan.new_client_share", value=new_client_share
        )
    labels = [*map(str, classes), "new"]
    rev = (
        clients.loc[clients["segment"].isin(classes)]
        .groupby(["manager", "segment"])["revenue"]
        .sum()
        .clip(lower=0.0)
        .unstack(fill_value=0.0)
        .reindex(columns=list(classes), fill_value=0.0)
    )
    managers = pd.Index(pd.unique(plan_monthly["manager"]))
    rev = rev.reindex(managers).fillna(0.0)
    total = rev.sum(axis=1).to_numpy(float)
    has = total > 0
    cls_share = np.divide(rev.to_numpy(float), total[:, None], out=np.zeros(rev.shape), where=has[:, None])
    shares = np.column_stack([cls_share * (1 - share_new), np.where(has, share_new, 1.0)])
    k = len(labels)
    mgr = managers.get_indexer(plan_monthly["manager"])
    weights = shares[mgr].ravel()
    n = len(plan_monthly)
    plan = _largest_remainder(plan_monthly["plan"].to_numpy(np.int64), weights, np.repeat(np.arange(n), k))
    return pd.DataFrame(
        {
            "manager": pd.Series(np.repeat(plan_monthly["manager"].to_numpy(), k), dtype="str"),
            "period": pd.Series(np.repeat(plan_monthly["period"].to_numpy(), k), dtype="str"),
            "segment": pd.Series(np.tile(labels, n), dtype="str"),
            "share": weights,
            "plan": plan.astype(np.int64),
        }
    )


# --------------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------------


@dataclass
class PlanResult:
    """Everything :func:`decompose_plan` produces.

    Attributes
    ----------
    target
        Year target, whole currency units.
    monthly
        ``plan_monthly``: manager, period, month_start, working_days, plan (int64).
    weekly
        ``plan_weekly``: manager, period, week_start, week_end, iso_week, working_days, plan (int64),
        deals, proposals, meetings, calls (float norms per week-part).
    seasonality
        month, index, source, years (see :func:`seasonality_index`).
    department_monthly
        period, month_start, working_days, index, fixed, plan (int64).
    shares
        manager, equal, history, potential, share (see :func:`estimate_shares`).
    capacity
        manager, period, working_days, present_days, fte, ramp, capacity.
    rates
        Reverse-funnel rates per manager with their sources (see
        :func:`salesaudit.plan.funnel.funnel_rates`).
    by_class
        manager, period, segment, share, plan — only when ``clients`` carry a segment.
    notes
        Plain-language notes on the choices made (in ``lang``).
    """

    target: int
    monthly: pd.DataFrame
    weekly: pd.DataFrame
    seasonality: pd.DataFrame
    department_monthly: pd.DataFrame
    shares: pd.DataFrame
    capacity: pd.DataFrame
    rates: pd.DataFrame
    by_class: pd.DataFrame | None = None
    notes: list[str] = field(default_factory=list)


def decompose_plan(
    sales: pd.DataFrame | None,
    *,
    year: int,
    managers: pd.DataFrame,
    target: float | None = None,
    growth: float = 0.15,
    monthly_targets=None,
    method: str = "fair_share",
    weights: Mapping[str, float] | None = None,
    overrides=None,
    absences: pd.DataFrame | None = None,
    ramp: Sequence[float] = DEFAULT_RAMP,
    clients: pd.DataFrame | None = None,
    country: str = "RU",
    as_of=None,
    pipeline: pd.DataFrame | None = None,
    activities: pd.DataFrame | None = None,
    win_rate: float = 0.25,
    proposal_rate: float = 0.5,
    meeting_rate: float = 0.1,
    new_client_share: float = 0.1,
    lang: str = "ru",
) -> PlanResult:
    """Decompose the owner's target into months, managers, week-parts and activity norms.

    1. Target: :func:`resolve_target` (given, sum of months, or last year × (1 + ``growth``)),
       whole units, rounded half away from zero.
    2. Months: :func:`seasonality_index` (history from ≥ 2 full years, else working days) and
       :func:`split_target_by_month` (fixed ``monthly_targets`` kept, the rest by index).
    3. Managers: those in ``managers`` employed at some point of ``year``;
       :func:`estimate_shares` (``method``: equal / history / fair_share with ``weights``) ×
       :func:`measure_capacity` (fte, hire/leave dates, absences, ``ramp``), split per month among
       the managers active that month by :func:`split_among_managers` — a leaver's share goes to the
       others, so the department total is preserved; ``overrides`` fix yearly amounts.
    4. Week-parts: :func:`split_into_weeks` (Monday–Sunday cut at month ends, by the manager's
       working days present).
    5. Norms: :func:`salesaudit.plan.funnel.activity_norms` (reverse funnel from ``sales``, ``pipeline``,
       ``activities``, defaults otherwise).
    6. Client classes: :func:`split_by_class` when ``clients`` has a ``segment`` column (revenue
       from ``clients.revenue``, else the last 12 months' net sales per client).

    All splits use :func:`allocate` (largest remainder), so months sum to the target, managers to
    the department month and week-parts to the manager month, to the unit.

    Parameters
    ----------
    sales
        Canonical sales (date, client_id, amount, + manager, document_id); may be None when a
        target is given and the method needs no history.
    year
        The plan year.
    managers
        Canonical managers table: manager (+ salary, commission_rate, hired, left, fte).
    target, growth, monthly_targets
        Year target / growth over last year / fixed months (mapping ``{"YYYY-MM": amount}`` or a
        targets table).
    method, weights, overrides
        Split among managers (see :func:`estimate_shares`, :func:`split_among_managers`);
        ``overrides`` maps manager -> yearly amount (or a targets table with a manager column).
    absences, ramp
        See :func:`measure_capacity`.
    clients
        Canonical clients (potential for ``fair_share``; segment and revenue for the class split).
    country
        Working-day calendar (ISO alpha-2, default ``"RU"``).
    as_of
        Data complete up to this date (exclusive); default the day after the last sale.
    pipeline, activities, win_rate, proposal_rate, meeting_rate
        Reverse funnel (see :func:`salesaudit.plan.funnel.funnel_rates`).
    new_client_share
        See :func:`split_by_class`.
    lang
        Language of ``notes`` (``"ru"`` or ``"en"``).

    Returns
    -------
    :class:`PlanResult`.

    Examples
    --------
    >>> team = pd.DataFrame({"manager": ["Ann", "Bob", "Cid"]})
    >>> res = decompose_plan(None, year=2026, managers=team, target=1_000_003, method="equal")
    >>> int(res.monthly["plan"].sum()), int(res.weekly["plan"].sum()), res.seasonality["source"][0]
    (1000003, 1000003, 'working_days')
    """

    notes: list[tuple[str, dict]] = []
    if sales is not None:
        require(sales, ["date", "amount"], "sales")
    as_of_ts = resolve_as_of(sales, as_of)
    value, more = _resolve_target(
        sales, year=year, target=target, growth=growth, monthly_targets=monthly_targets, as_of=as_of_ts
    )
    notes += more
    calendar = _calendar(year, country)
    seasonality, more = _seasonality(
        sales, year=year, as_of=as_of_ts, country=country, min_years=2, max_years=3, calendar=calendar
    )
    notes += more
    department = _split_months(
        value, seasonality=seasonality, year=year, monthly_targets=monthly_targets, calendar=calendar
    )

    roster = _roster(managers)
    ranges, counts = _absences(absences, roster["manager"])
    presence = _presence(roster, calendar, ranges)
    active = presence.days.any(axis=1)
    for name in roster.loc[~active, "manager"]:
        notes.append(("plan.note.inactive", {"manager": name, "year": year}))
    if not active.any():
        raise DataError(f"no manager in the managers table works in {year}", hint="check hired/left dates")
    keep = np.flatnonzero(active)
    roster = roster.iloc[keep].reset_index(drop=True)
    presence = _Presence(roster, calendar, presence.days[keep], presence.month_of_day)
    year_start, year_end = _year_bounds(year)
    for name, left in zip(roster["manager"], roster["left"], strict=True):
        if pd.notna(left) and year_start <= left < year_end:
            notes.append(("plan.note.leaver", {"manager": name, "date": left}))

    shares, more = _estimate_shares(
        roster, sales=sales, clients=clients, method=method, weights=weights, as_of=as_of_ts
    )
    notes += more
    capacity = _capacity(presence, counts, year=year, ramp=ramp)
    monthly = split_among_managers(department, shares=shares, capacity=capacity, overrides=overrides)
    rates = funnel_rates(
        sales,
        managers=roster["manager"],
        pipeline=pipeline,
        activities=activities,
        as_of=as_of_ts,
        win_rate=win_rate,
        proposal_rate=proposal_rate,
        meeting_rate=meeting_rate,
    )
    weekly = activity_norms(_weeks(monthly, presence), rates=rates)
    by_class = None
    if clients is not None and {"client_id", "manager", "segment"} <= set(clients.columns):
        table = clients
        if "revenue" not in clients.columns:
            table = clients.assign(revenue=_client_revenue(sales, clients, as_of_ts))
        by_class = split_by_class(table, plan_monthly=monthly, new_client_share=new_client_share)
    return PlanResult(
        target=value,
        monthly=monthly,
        weekly=weekly,
        seasonality=seasonality,
        department_monthly=department,
        shares=shares,
        capacity=capacity,
        rates=rates,
        by_class=by_class,
        notes=[_note(key, params, lang) for key, params in notes],
    )


def _client_revenue(sales, clients, as_of) -> np.ndarray:
    if sales is None or as_of is None or "client_id" not in sales.columns:
        return np.zeros(len(clients))
    net = sales_window(sales, end=as_of).groupby("client_id")["amount"].sum()
    return clients["client_id"].map(net).fillna(0.0).to_numpy(float)


def _note(key: str, params: dict, lang: str) -> str:
    shown = {}
    for name, value in params.items():
        if name in ("amount", "base"):
            shown[name] = fmt_number(value, lang=lang)
        elif name in ("start", "end", "date"):
            shown[name] = fmt_date(value, lang=lang, style="short" if lang == "ru" else "medium")
        elif name == "growth":
            shown[name] = fmt_percent(value, lang=lang, digits=1)
        else:
            shown[name] = value
    return t(key, lang, **shown)


# -- report views of the plan tables ---------------------------------------------------------------
def plan_matrix(plan_monthly: pd.DataFrame) -> pd.DataFrame:
    """Managers × months (``YYYY-MM`` columns) plus a ``total`` column and a department row.

    Examples
    --------
    >>> m = pd.DataFrame({"manager": ["a", "a", "b"], "period": ["2026-01", "2026-02", "2026-01"],
    ...                   "plan": [1, 2, 3]})
    >>> plan_matrix(m).to_dict("list")["total"]
    [3, 3, 6]
    """
    wide = plan_monthly.pivot_table(
        index="manager", columns="period", values="plan", aggfunc="sum", fill_value=0, sort=True
    )
    wide["total"] = wide.sum(axis=1)
    total = wide.sum(axis=0).to_frame().T
    total.index = ["Σ"]
    out = pd.concat([wide, total]).astype("int64")
    out.index.name = "manager"
    out.columns.name = None
    return out.reset_index()


def class_matrix(by_class: pd.DataFrame) -> pd.DataFrame:
    """Each manager's yearly plan by client class (columns A, B, C, new), from :func:`split_by_class`."""
    wide = by_class.pivot_table(
        index="manager", columns="segment", values="plan", aggfunc="sum", fill_value=0
    )
    wide.columns.name = None
    return wide.reset_index()


def coming_weeks(plan_weekly: pd.DataFrame, *, as_of, weeks: int = 4) -> pd.DataFrame:
    """The week-parts that start in the ``weeks`` ISO weeks from ``as_of``'s week on, managers with a plan.

    Examples
    --------
    >>> w = pd.DataFrame({"manager": ["a"] * 3, "week_start": pd.to_datetime(["2026-11-16", "2026-11-23",
    ...                   "2026-11-30"]), "plan": [1, 1, 1]})
    >>> coming_weeks(w, as_of="2026-11-25", weeks=1)["week_start"].dt.day.tolist()
    [23]
    """
    ts = pd.Timestamp(as_of).normalize()
    monday = ts - pd.Timedelta(days=ts.weekday())
    end = monday + pd.Timedelta(weeks=weeks)
    mask = (
        (plan_weekly["week_start"] >= monday) & (plan_weekly["week_start"] < end) & (plan_weekly["plan"] > 0)
    )
    return plan_weekly[mask].sort_values(["week_start", "manager"]).reset_index(drop=True)
