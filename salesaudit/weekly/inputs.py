"""Inputs of weekly tracking: thresholds, activity vocabulary, and the checked, coded tables.

:func:`_prepare` turns the canonical ``sales``, ``plan_weekly`` and ``activities`` into :class:`_Inputs`:
day numbers (:mod:`salesaudit.weekly.days`), amounts in whole minor units, managers as integer codes,
lines after ``as_of`` or without a date / amount left out and counted in ``notes``. Conventions: the
module docstring of :mod:`salesaudit.weekly.tracking`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..exceptions import ConfigError, DataError
from ..intake.names import match_keys
from .days import _NAT, _day_numbers, _part_bounds, _timestamp, _to_day

DEFAULT_THRESHOLDS: dict[str, float] = {
    "runrate_alert": 0.9,
    "weekly_alert": 0.8,
    "activity_alert": 0.8,
    "silence_factor": 1.5,
    "silence_min_days": 14,
    "stale_factor": 2.0,
    "runrate_after_weeks": 2,
    "chance_alert": 0.3,
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
_UNASSIGNED = "\uffff1 unassigned"  # internal stand-ins for NA managers, so merges and groupbys are safe
_DEPARTMENT = "\uffff2 department"


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


def _coded(values: pd.Series, clean, *, missing) -> tuple[np.ndarray, np.ndarray]:
    """``clean`` (text Series -> array) applied once to each distinct value of ``values``: per row the
    position of its value in the returned table (an object array; its last entry, ``missing``, for NA).
    Thousands of lines share a few managers or activity types: no Python object per row."""
    codes, uniques = pd.factorize(values)
    table = np.append(np.asarray(clean(pd.Series(uniques, dtype="str")), dtype=object), missing)
    return np.where(codes < 0, len(table) - 1, codes), table.astype(object)


def _per_value(values: pd.Series, clean, *, missing) -> np.ndarray:
    """:func:`_coded` spread over the rows as an object array."""
    codes, table = _coded(values, clean, missing=missing)
    return table[codes]


def _manager_names(names: pd.Series) -> np.ndarray:
    return np.where(match_keys(names) == "", _UNASSIGNED, names.to_numpy(dtype=object))


def _managers(values: pd.Series) -> np.ndarray:
    """Manager names as an object array, blanks (no match key: spaces, quotes) as the NA stand-in.

    Names are matched exactly: intake already wrote each manager in one spelling across the tables
    (:func:`salesaudit.intake.names.unify_names`)."""
    return _per_value(values, _manager_names, missing=_UNASSIGNED)


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
    """The checked, coded inputs of every tracking function (see the module docstring)."""
    as_day = _to_day(as_of, key="as_of")
    plan, plan_is_int = _plan_parts(plan_weekly)
    norm_cols = [c for c in NORM_COLUMNS if c in plan.columns]
    (scode, stable), day, cents, notes = _sales_lines(sales, as_day=as_day)
    amanager, aday, kind = np.array([], dtype=object), np.array([], dtype=np.int64), np.array([])
    kinds: list[str] = []
    if activities is not None:
        amanager, aday, kind = _activity_lines(activities, as_day=as_day, types=activity_types, notes=notes)
        present = set(kind)
        kinds = [k for k in norm_cols if k in present]
    plan = plan.drop(columns=[c for c in norm_cols if c not in kinds])

    seen = stable[np.unique(scode)]  # the managers of the sales lines used
    names = np.array(sorted(set(plan["manager"]) | set(seen) | set(amanager)), dtype=object)
    lookup = pd.Index(names, dtype=object)
    plan.insert(0, "m", lookup.get_indexer(plan["manager"].to_numpy(dtype=object)))
    plan = plan.drop(columns="manager")
    sales_used = pd.DataFrame({"m": lookup.get_indexer(stable)[scode], "day": day, "cents": cents})
    acts = pd.DataFrame({"m": lookup.get_indexer(amanager), "day": aday, "kind": kind.astype(object)})
    return _Inputs(as_day, names, plan, plan_is_int, sales_used, acts, kinds, notes)


def _plan_parts(plan_weekly: pd.DataFrame) -> tuple[pd.DataFrame, bool]:
    """The plan's week-parts checked: ``manager``, ``ws``, ``we`` (day numbers), ``plan`` and the norm
    columns it has (NA norms as 0); and whether the plan is in whole numbers."""
    _require(plan_weekly, ("manager", "week_start", "week_end", "plan"), table="plan_weekly")
    ws = _day_numbers(plan_weekly["week_start"], table="plan_weekly", column="week_start")
    we = _day_numbers(plan_weekly["week_end"], table="plan_weekly", column="week_end")
    if (ws == _NAT).any() or (we == _NAT).any():
        raise DataError("plan_weekly has week-parts without dates", column="week_start")
    managers = _managers(plan_weekly["manager"])
    if (managers == _UNASSIGNED).any():
        raise DataError("plan_weekly has rows without a manager", column="manager")
    _check_week_parts(ws, we)
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
    for col in [c for c in NORM_COLUMNS if c in plan_weekly.columns]:
        values = _numbers(plan_weekly[col], table="plan_weekly", column=col)
        plan[col] = values.to_numpy(dtype=float, na_value=0.0)
    return plan, plan_is_int


def _check_week_parts(ws: np.ndarray, we: np.ndarray) -> None:
    """Fails unless each ``ws..we`` is exactly a Monday–Sunday week cut at month boundaries."""
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


def _sales_lines(sales: pd.DataFrame, *, as_day: int) -> tuple[tuple, np.ndarray, np.ndarray, dict]:
    """Managers (per line a code into a table of names: ``(codes, table)``), day numbers and amounts in
    minor units of the sales lines that count, and the notes counting those that do not."""
    _require(sales, ("date", "amount"), table="sales")
    day = _day_numbers(sales["date"], table="sales", column="date")
    amount = _numbers(sales["amount"], table="sales", column="amount").to_numpy(dtype=float, na_value=np.nan)
    if "manager" in sales.columns:  # each row's manager as a code into a table of the distinct names
        scode, stable = _coded(sales["manager"], _manager_names, missing=_UNASSIGNED)
    else:
        scode, stable = np.zeros(len(sales), dtype=np.intp), np.array([_UNASSIGNED], dtype=object)
    no_date = day == _NAT
    after = ~no_date & (day > as_day)
    no_amount = np.isnan(amount)
    used = ~no_date & ~after & ~no_amount
    notes = {
        "sales_lines_after_as_of": int(after.sum()),
        "sales_amount_after_as_of": float(np.nansum(amount[after])),
        "sales_lines_without_date": int(no_date.sum()),
        "sales_lines_without_amount": int((no_amount & ~no_date & ~after).sum()),
        "sales_lines_without_manager": int((used & (stable == _UNASSIGNED)[scode]).sum()),
    }
    return (scode[used], stable), day[used], np.rint(amount[used] * 100.0), notes


def _activity_lines(
    activities: pd.DataFrame, *, as_day: int, types: Mapping[str, str] | None, notes: dict
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Managers, day numbers and norm column (kind) of the activities that count; adds to ``notes`` the
    counts of those after ``as_of`` and of those not counted otherwise."""
    _require(activities, ("date", "manager", "type"), table="activities")
    mapping = {**ACTIVITY_TYPES, **{k.lower(): v for k, v in (types or {}).items()}}
    aday = _day_numbers(activities["date"], table="activities", column="date")
    kind = _per_value(
        activities["type"],
        lambda values: values.str.strip().str.lower().map(mapping).to_numpy(dtype=object),
        missing=np.nan,
    )
    amanager = _managers(activities["manager"])
    a_after = (aday != _NAT) & (aday > as_day)
    mapped = pd.notna(kind)
    ok = (aday != _NAT) & ~a_after & mapped & (amanager != _UNASSIGNED)
    notes["activities_after_as_of"] = int(a_after.sum())
    notes["activities_not_counted"] = int((~ok & ~a_after).sum())
    return amanager[ok], aday[ok], kind[ok]
