"""Plan stage, the managers' link: who works when, how much of a full share each carries, and their
split of the department's months.

* :func:`build_roster` validates the managers table (hired, left, fte);
* :func:`measure_capacity` — ``fte × present working days / month's working days × ramp``;
* :func:`estimate_shares` — equal / history / potential blended by ``fair_share`` weights;
* :func:`split_among_managers` — each month among the managers active in it, by share × capacity,
  overrides fixed first; largest-remainder rounding, so the managers sum to the department's month.

Helpers that return ``(result, notes)`` give the notes as language-free ``(label key, parameters)``
pairs; the sentences are made in :mod:`salesaudit.plan.notes`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..exceptions import ConfigError, DataError
from ..frames import require, resolve_as_of, sales_window
from ..intake.names import respell
from .allocation import largest_remainder, whole_units
from .months import year_calendar, year_periods

MONTHLY_COLUMNS: list[str] = ["manager", "period", "month_start", "working_days", "plan"]
"""Columns of ``plan_monthly`` (the tracking stage depends on them)."""


DEFAULT_RAMP: tuple[float, ...] = (0.5, 0.75, 1.0)
"""Share of a full plan in months 1, 2, 3 after hire (month 1 = the month of the hire date)."""

DEFAULT_WEIGHTS: dict[str, float] = {"equal": 0.3, "history": 0.5, "potential": 0.2}
"""Blend of the ``fair_share`` method: equal split, sales history, portfolio potential."""

METHODS: tuple[str, ...] = ("equal", "history", "fair_share")


def build_roster(managers: pd.DataFrame) -> pd.DataFrame:
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


def split_absences(absences: pd.DataFrame | None, names: pd.Series) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split planned absences into date ranges (manager, start, end) and counts (manager, period, days)."""
    empty_ranges = pd.DataFrame({"manager": [], "start": [], "end": []})
    empty_counts = pd.DataFrame({"manager": [], "period": [], "days": []})
    if absences is None or len(absences) == 0:
        return empty_ranges, empty_counts
    if not isinstance(absences, pd.DataFrame):  # engagement.yaml's list of {manager, start, end}
        absences = pd.DataFrame([a.model_dump() if hasattr(a, "model_dump") else dict(a) for a in absences])
    require(absences, ["manager"], "absences")
    absences = absences.assign(manager=respell(absences["manager"], names))  # spelled as in the tables
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
class Presence:
    """Per manager and day of the plan year: whether the manager works (vectorised helpers)."""

    roster: pd.DataFrame
    calendar: pd.DataFrame
    days: np.ndarray  # (n_managers, n_days) bool: working day, employed, not absent
    month_of_day: np.ndarray  # 0..11


def daily_presence(roster, calendar, ranges) -> Presence:
    """Who works on which day of ``calendar``: employed (hired..left, inclusive), a working day, not
    on a dated absence (``ranges`` from :func:`split_absences`)."""
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
    return Presence(roster, calendar, present, month_of_day)


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
    roster = build_roster(managers)
    calendar = year_calendar(year, country)
    ranges, counts = split_absences(absences, roster["manager"])
    presence = daily_presence(roster, calendar, ranges)
    return capacity_from_presence(presence, counts, year=year, ramp=ramp)


def capacity_from_presence(presence: Presence, counts: pd.DataFrame, *, year: int, ramp) -> pd.DataFrame:
    """:func:`measure_capacity` from a :class:`Presence` and absence counts already built."""
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
        col = pd.Index(year_periods(year)).get_indexer(counts["period"])
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
            "period": pd.Series(np.tile(year_periods(year), n), dtype="str"),
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
    return estimate_shares_with_notes(
        managers, sales=sales, clients=clients, method=method, weights=weights, as_of=as_of
    )[0]


def estimate_shares_with_notes(managers, *, sales, clients, method, weights, as_of):
    """:func:`estimate_shares` and its notes: ``(shares, [(label key, parameters), ...])``."""
    notes: list[tuple[str, dict]] = []
    roster = build_roster(managers)
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


def employed_sales(roster, sales, end) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Net sales per roster manager in the 12 months before ``end``, the months each was employed
    in that window (from the earlier of ``hired`` and their first sale there — the window start
    when ``hired`` is unknown — to ``left``; at least 1), and the names selling there who are not
    in the roster."""
    start = end - pd.DateOffset(months=12)
    window = sales_window(sales[["date", "manager", "amount"]], end=end)  # only the columns used
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
    net, months, outsiders = employed_sales(roster, sales, resolve_as_of(sales, as_of))
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
    items = list(zip(respell([name for name, _ in items], names), [a for _, a in items], strict=True))
    for name, amount in items:
        if name not in set(names):
            raise ConfigError(
                "an override names a manager who is not planned this year", key="plan.overrides", value=name
            )
        value = whole_units(amount)
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
        period, month_start, working_days, plan (from :func:`salesaudit.plan.months.split_target_by_month`).
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
    >>> from salesaudit.plan.months import seasonality_index, split_target_by_month
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
    dept = department_monthly["plan"].to_numpy(np.int64)
    fixed = _overrides(overrides, pd.Series(names), int(str(periods[0])[:4]))
    plan = _overridden_months(fixed, names, dept=dept, cap=cap)
    weights = np.where(names.isin(list(fixed))[:, None], 0.0, shares["share"].to_numpy(float)[:, None] * cap)
    plan = plan + _split_the_rest(dept - plan.sum(axis=0), weights, dept=dept, periods=periods)
    n, m = plan.shape
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


def _overridden_months(fixed: dict[str, int], names: pd.Index, *, dept, cap) -> np.ndarray:
    """Managers × months plan with only the overridden managers filled: each one's yearly amount
    spread over the months by the department's month plan × their capacity (others 0)."""
    n, m = cap.shape
    plan = np.zeros((n, m), dtype=np.int64)
    if not fixed:
        return plan
    rows = np.flatnonzero(names.isin(list(fixed)))
    totals = np.array([fixed[names[i]] for i in rows], dtype=np.int64)
    if totals.sum() > dept.sum():
        raise ConfigError(
            "overrides exceed the department's year target", key="plan.overrides", value=int(totals.sum())
        )
    w = dept[None, :].astype(float) * cap[rows]
    try:
        plan[rows] = largest_remainder(totals, w.ravel(), np.repeat(np.arange(len(rows)), m)).reshape(
            len(rows), m
        )
    except DataError as exc:
        raise DataError(
            "an overridden manager has no working month this year",
            hint="check hired/left dates and the override",
        ) from exc
    return plan


def _split_the_rest(rest, weights, *, dept, periods: pd.Index) -> np.ndarray:
    """Each month's plan left after the overrides, split among the managers by ``weights``
    (managers × months: share × capacity, 0 for the overridden)."""
    if (rest < 0).any():
        bad = int(np.flatnonzero(rest < 0)[0])
        raise DataError(
            f"overrides exceed the department plan of {periods[bad]}",
            value=int(dept[bad]),
            hint="lower the overrides",
        )
    empty = (rest > 0) & (weights.sum(axis=0) <= 0)
    if empty.any():
        bad = int(np.flatnonzero(empty)[0])
        raise DataError(
            f"no manager is active in {periods[bad]} to carry its plan",
            value=int(rest[bad]),
            hint="check hired/left dates and absences",
        )
    n, m = weights.shape
    return largest_remainder(rest, weights.T.ravel(), np.repeat(np.arange(m), n)).reshape(m, n).T
