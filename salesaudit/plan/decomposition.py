"""Plan stage: the owner's money target decomposed to months, week-parts and managers.

The chain (PLAYBOOK.md, "Plan"): a yearly target (given, or last year's sales × (1 + growth)) is spread
over months by a seasonality index, split among the managers active each month, then over each
manager's week-parts (Monday–Sunday weeks cut at month boundaries) by working days. Every split is
an exact, whole-currency-unit allocation with largest-remainder rounding
(:func:`salesaudit.plan.allocation.allocate`), so:

* the twelve months sum to the year target,
* the managers sum to the department's month,
* a manager's week-parts sum to the manager's month.

This module is the stage's entry point (:func:`decompose_plan`), the client-class split and the
report views of the plan tables. The links of the chain live in :mod:`salesaudit.plan.months`
(target, seasonality, months), :mod:`salesaudit.plan.managers` (roster, capacity, shares, the split
among managers) and :mod:`salesaudit.plan.weeks` (week-parts); activity norms (the reverse funnel) in
:mod:`salesaudit.plan.funnel`; pay schemes in :mod:`salesaudit.plan.motivation`; the notes' wording in
:mod:`salesaudit.plan.notes`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..exceptions import ConfigError, DataError
from ..frames import require, resolve_as_of, sales_window
from .allocation import largest_remainder
from .funnel import activity_norms, funnel_rates
from .managers import (
    DEFAULT_RAMP,
    Presence,
    build_roster,
    capacity_from_presence,
    daily_presence,
    estimate_shares_with_notes,
    split_absences,
    split_among_managers,
)
from .months import (
    department_months,
    resolve_target_with_notes,
    seasonality_with_notes,
    year_bounds,
    year_calendar,
)
from .notes import note_text
from .weeks import split_presence_into_weeks

Notes = list[tuple[str, dict]]
"""Notes on the choices made, language-free: ``(label key, parameters)`` pairs (see
:func:`salesaudit.plan.notes.note_text`)."""


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
        raise ConfigError(  # a parameter of the function, not an engagement.yaml key
            "new_client_share must be between 0 and 1", value=new_client_share
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
    plan = largest_remainder(plan_monthly["plan"].to_numpy(np.int64), weights, np.repeat(np.arange(n), k))
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
        month, index, source, years (see :func:`salesaudit.plan.months.seasonality_index`).
    department_monthly
        period, month_start, working_days, index, fixed, plan (int64).
    shares
        manager, equal, history, potential, share (see :func:`salesaudit.plan.managers.estimate_shares`).
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

    Long because it is the stage's one entry point: 21 keyword settings, each documented below,
    and the six steps of the chain; the body only calls the steps, each a named function.

    1. Target: :func:`~salesaudit.plan.months.resolve_target` (given, sum of months, or last year
       × (1 + ``growth``)), whole units, rounded half away from zero.
    2. Months: :func:`~salesaudit.plan.months.seasonality_index` (history from ≥ 2 full years,
       else working days) and :func:`~salesaudit.plan.months.split_target_by_month` (fixed
       ``monthly_targets`` kept, the rest by index).
    3. Managers: those in ``managers`` employed at some point of ``year``;
       :func:`~salesaudit.plan.managers.estimate_shares` (``method``: equal / history / fair_share
       with ``weights``) × :func:`~salesaudit.plan.managers.measure_capacity` (fte, hire/leave
       dates, absences, ``ramp``), split per month among the managers active that month by
       :func:`~salesaudit.plan.managers.split_among_managers` — a leaver's share goes to the
       others, so the department total is preserved; ``overrides`` fix yearly amounts.
    4. Week-parts: :func:`~salesaudit.plan.weeks.split_into_weeks` (Monday–Sunday cut at month
       ends, by the manager's working days present).
    5. Norms: :func:`salesaudit.plan.funnel.activity_norms` (reverse funnel from ``sales``,
       ``pipeline``, ``activities``, defaults otherwise).
    6. Client classes: :func:`split_by_class` when ``clients`` has a ``segment`` column (revenue
       from ``clients.revenue``, else the last 12 months' net sales per client).

    All splits use :func:`~salesaudit.plan.allocation.allocate` (largest remainder), so months sum
    to the target, managers to the department month and week-parts to the manager month, to the
    unit. The notes are made language-free and worded in ``lang`` last
    (:func:`salesaudit.plan.notes.note_text`).

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
        Split among managers (see :func:`~salesaudit.plan.managers.estimate_shares`,
        :func:`~salesaudit.plan.managers.split_among_managers`);
        ``overrides`` maps manager -> yearly amount (or a targets table with a manager column).
    absences, ramp
        See :func:`~salesaudit.plan.managers.measure_capacity`.
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

    notes: Notes = []
    if sales is not None:
        require(sales, ["date", "amount"], "sales")
    as_of_ts = resolve_as_of(sales, as_of)
    value, calendar, seasonality, department = _department_plan(
        sales,
        year=year,
        target=target,
        growth=growth,
        monthly_targets=monthly_targets,
        as_of=as_of_ts,
        country=country,
        notes=notes,
    )
    roster, presence, counts = _planned_team(managers, absences, calendar, year=year, notes=notes)
    shares, more = estimate_shares_with_notes(
        roster, sales=sales, clients=clients, method=method, weights=weights, as_of=as_of_ts
    )
    notes += more
    capacity = capacity_from_presence(presence, counts, year=year, ramp=ramp)
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
    weekly = activity_norms(split_presence_into_weeks(monthly, presence), rates=rates)
    return PlanResult(
        target=value,
        monthly=monthly,
        weekly=weekly,
        seasonality=seasonality,
        department_monthly=department,
        shares=shares,
        capacity=capacity,
        rates=rates,
        by_class=_class_plan(clients, sales, monthly, as_of=as_of_ts, new_client_share=new_client_share),
        notes=[note_text(key, params, lang) for key, params in notes],
    )


def _department_plan(sales, *, year, target, growth, monthly_targets, as_of, country, notes: Notes):
    """Steps 1–2 of :func:`decompose_plan`: the year target, the year's day calendar, the seasonality
    and the department's twelve months (notes appended to ``notes``)."""
    value, more = resolve_target_with_notes(
        sales, year=year, target=target, growth=growth, monthly_targets=monthly_targets, as_of=as_of
    )
    notes += more
    calendar = year_calendar(year, country)
    seasonality, more = seasonality_with_notes(
        sales, year=year, as_of=as_of, country=country, min_years=2, max_years=3, calendar=calendar
    )
    notes += more
    department = department_months(
        value, seasonality=seasonality, year=year, monthly_targets=monthly_targets, calendar=calendar
    )
    return value, calendar, seasonality, department


def _planned_team(managers, absences, calendar, *, year: int, notes: Notes):
    """Step 3's team: the managers employed at some point of ``year``, their daily presence and the
    absence counts; notes on those not working this year and on the year's leavers."""
    roster = build_roster(managers)
    ranges, counts = split_absences(absences, roster["manager"])
    presence = daily_presence(roster, calendar, ranges)
    active = presence.days.any(axis=1)
    for name in roster.loc[~active, "manager"]:
        notes.append(("plan.note.inactive", {"manager": name, "year": year}))
    if not active.any():
        raise DataError(f"no manager in the managers table works in {year}", hint="check hired/left dates")
    keep = np.flatnonzero(active)
    roster = roster.iloc[keep].reset_index(drop=True)
    presence = Presence(roster, calendar, presence.days[keep], presence.month_of_day)
    year_start, year_end = year_bounds(year)
    for name, left in zip(roster["manager"], roster["left"], strict=True):
        if pd.notna(left) and year_start <= left < year_end:
            notes.append(("plan.note.leaver", {"manager": name, "date": left}))
    return roster, presence, counts


def _class_plan(clients, sales, monthly, *, as_of, new_client_share) -> pd.DataFrame | None:
    """Step 6: :func:`split_by_class` when ``clients`` carry a segment (revenue from
    ``clients.revenue``, else the last 12 months' net sales per client); None otherwise."""
    if clients is None or not {"client_id", "manager", "segment"} <= set(clients.columns):
        return None
    table = clients
    if "revenue" not in clients.columns:
        table = clients.assign(revenue=_client_revenue(sales, clients, as_of))
    return split_by_class(table, plan_monthly=monthly, new_client_share=new_client_share)


def _client_revenue(sales, clients, as_of) -> np.ndarray:
    """Each client's net sales in the 12 months before ``as_of`` (0 without sales or client ids)."""
    if sales is None or as_of is None or "client_id" not in sales.columns:
        return np.zeros(len(clients))
    net = sales_window(sales, end=as_of).groupby("client_id")["amount"].sum()
    return clients["client_id"].map(net).fillna(0.0).to_numpy(float)


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
