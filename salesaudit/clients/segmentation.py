"""Clients stage: who the clients are and where the effort goes (PLAYBOOK.md, "Clients").

ABC(D) by net revenue, gross margin and number of orders; potential, share of wallet and "A by
potential"; a multi-criteria score; XYZ by the stability of monthly revenue; dormant clients;
migration between the previous and the current window; growth candidates; clients shared by several
managers; and the consultant's findings, in the report's language. Manager portfolios and concentration
figures live in :mod:`salesaudit.clients.portfolio`.

This module assembles the client table (:func:`segment_clients`) and is the stage's front door: the
notebook and the session import everything from here. The arithmetic sits in :mod:`.abc` (cut-offs),
:mod:`.xyz` (stability), :mod:`.figures` (per-client margin, orders, managers, score),
:mod:`.views` (matrices and lists on the client table) and :mod:`.arrays` (sales lines as arrays);
the sentences in :mod:`.wording`, which only reads the numbers.

Conventions (each one is pinned by a test in ``tests/clients/test_segmentation.py``):

* **Window.** The analysis window is the last ``window_months`` *full* calendar months before
  ``as_of``; the month holding ``as_of`` is never in it, even on its last day (as_of 2026-11-25,
  12 months: 2025-11-01 .. 2026-10-31). The previous window is the ``window_months`` just before it.
  Sales lines dated after ``as_of`` do not exist yet for the analysis and are ignored.
* **Money** is netted per client (returns and credit notes are negative lines, never dropped) and
  compared in integer minor units: every line is converted to kopecks, rounded half-even, and summed
  as integers, so a revenue is exact whatever the number of lines.
* **ABC boundary ("reach", default).** Clients sorted by value descending, ties by ``client_id``. A is
  the smallest set of top clients whose cumulative share reaches at least the first cut-off (80 %):
  the client that crosses the line is A; B likewise at 95 %; the rest C. Shares are compared exactly:
  cumulative integer sums against ``cutoff × total`` with the cut-off as a :class:`fractions.Fraction`
  (``0.8`` means exactly 4/5), so a client landing exactly on 80 % is A and float error never moves
  anyone. Rule ``"below"`` (inventorize's): a client is A when the cumulative share *including* it
  is below 80 %, B when below 95 %, else C. Under both rules clients tied in value share the better
  class: a tie group straddling a boundary goes whole to the better side. Values <= 0 are left out of
  the share base and get class D (revenue, margin, orders) or no class (potential).
* **D.** Net revenue <= 0 (``d_reason`` ``"nonpositive_revenue"``, or ``"no_sales"`` when the client
  has no line in the window at all: bought in the previous window only); else a negative gross margin
  where the margin is known (``"negative_margin"``); else a C client (by revenue) that is neither A
  nor B by potential and had more than ``d_activity_threshold`` activities in the window
  (``"cost_to_serve"``).
* **Orders** = distinct ``document_id`` among the client's positive lines in the window (a credit note
  is no order); without ``document_id`` (or where it is missing), distinct purchase dates. ABC by gross
  margin (``margin``, else ``amount - cost``; a client's margin is the sum over its lines that have
  one, unknown when none has) and by orders use the same rule as revenue.
* **Manager** of a client: the one with the largest net revenue with it in the window (ties by name),
  else ``clients.manager``; ``n_managers`` counts the distinct managers with a line in the window.
* **Dormant**: no purchase (a line with a positive amount) from ``as_of`` minus ``dormant_months``
  calendar months (that day included) to ``as_of``. A flag for every class; ``dormant_alarm`` for
  segments A and B.
* **Potential** is yearly: ``share_of_wallet = revenue / (potential × window_months / 12)``; ABC on
  potential with the same cut-off logic; potential class A = ``a_by_potential`` (strategic), shown
  beside the revenue class, never replacing it.
* **Score**: each criterion (revenue, gross margin, purchase frequency = orders, potential) is turned
  into a share of its total over the clients (values below 0 count as 0), then weighted; weights are
  renormalised over the criteria the data have, so scores add up to 1 and the ABC cut-off logic
  applies to them unchanged. A client with no value for an available criterion scores 0 on it.
* **XYZ**: coefficient of variation of monthly net revenue, **population σ (ddof=0)**, over the months
  from the client's first purchase month (or the window's first month, if later) to the window's last
  month; months without a purchase count as 0. X <= 10 %, Y <= 25 %, Z above (the CV is compared
  after rounding to 10 decimals, so 0.1 computed as 0.1000000000000001 is still X). A client whose first
  purchase ever is fewer than ``new_months`` months before the window's end (counting its first month
  and the window's last month) is ``"new"``; a mean <= 0 gives ``"none"`` (never X).
* **Migration**: revenue class in the previous window (``prev_class``: A/B/C/D, ``"new"`` when the
  first purchase ever is in the current window, ``"none"`` when a returning client bought nothing in
  the previous window) against the current one (``lost`` when no line at all in the current window).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from numbers import Real

import numpy as np
import pandas as pd

from ..exceptions import ConfigError
from ..frames import analysis_window, positive_int
from .abc import CLASSES, RULES, SEGMENTS, Ranked, abc_classes, abc_rank, check_rule, cutoff_fractions
from .arrays import NEVER, Lines, days_to_dates, first_last_purchase, int_or_na, sales_lines, str_array
from .figures import (
    DEFAULT_WEIGHTS,
    activity_counts,
    check_weights,
    client_names,
    client_register,
    main_managers,
    margin_minor,
    order_counts,
    weighted_score,
)
from .views import (
    MIGRATION_FROM,
    MIGRATION_TO,
    abc_xyz_matrix,
    dormant_clients,
    growth_candidates,
    lost_clients,
    migration_matrix,
    shared_clients,
)
from .wording import findings  # the notebook's segmentation.findings; wording never imports this module
from .xyz import XYZ_CLASSES, monthly_revenue, xyz_arrays, xyz_classes, xyz_limits

__all__ = [
    "CLASSES",
    "CLIENT_COLUMNS",
    "D_REASONS",
    "DEFAULT_WEIGHTS",
    "MIGRATION_FROM",
    "MIGRATION_TO",
    "RULES",
    "SEGMENTS",
    "XYZ_CLASSES",
    "abc_classes",
    "abc_xyz_matrix",
    "dormant_clients",
    "findings",
    "growth_candidates",
    "lost_clients",
    "migration_matrix",
    "monthly_revenue",
    "segment_clients",
    "shared_clients",
    "xyz_classes",
]

D_REASONS: tuple[str, ...] = ("no_sales", "nonpositive_revenue", "negative_margin", "cost_to_serve")

CLIENT_COLUMNS: tuple[str, ...] = (
    "client_id",
    "name",
    "manager",
    "revenue",
    "share",
    "cum_share",
    "rank",
    "abc_class",
    "margin",
    "margin_class",
    "orders",
    "orders_class",
    "potential",
    "share_of_wallet",
    "headroom",
    "potential_class",
    "a_by_potential",
    "score",
    "score_class",
    "xyz_class",
    "cv",
    "xyz_months",
    "months_active",
    "first_purchase",
    "last_purchase",
    "days_silent",
    "dormant",
    "dormant_alarm",
    "activities",
    "n_managers",
    "prev_revenue",
    "prev_class",
    "lost",
    "segment",
    "d_reason",
)
"""Columns of :func:`segment_clients`' table, in order."""


def segment_clients(
    sales: pd.DataFrame,
    *,
    as_of,
    clients: pd.DataFrame | None = None,
    activities: pd.DataFrame | None = None,
    window_months: int = 12,
    cutoffs: Sequence[float] = (0.8, 0.95),
    rule: str = "reach",
    dormant_months: int = 6,
    x: float = 0.10,
    y: float = 0.25,
    new_months: int = 3,
    weights: Mapping[str, float] | None = None,
    d_activity_threshold: float = 12,
) -> pd.DataFrame:
    """The client table of the Clients stage: ABC(D), XYZ, potential, score, dormant, migration.

    Long because this docstring is the contract of the stage's table (its settings and 35 columns); the
    body is a short sequence of named steps (``_settings``, ``_client_figures``, ``_*_columns``).

    Every convention of the module docstring applies: the window is the last ``window_months`` full
    months before ``as_of``; money is netted and compared in kopecks; ABC rule ``rule`` with exact
    cut-offs, ties sharing the better class; D by net revenue <= 0, negative margin, or cost to
    serve; XYZ on the population σ; potential yearly, scaled to the window.

    Parameters
    ----------
    sales
        Canonical sales table: ``date``, ``client_id``, ``amount`` (+ optional ``manager``,
        ``margin`` or ``cost``, ``document_id``, ``client_name``).
    as_of
        Analysis date.
    clients
        Optional canonical clients table (``name``, ``manager``, ``potential``).
    activities
        Optional canonical activities table; those with a ``client_id`` in the window are the cost
        to serve.
    window_months, cutoffs, rule, dormant_months, x, y, new_months, weights, d_activity_threshold
        Settings (``engagement.yaml`` ``segmentation`` and ``xyz`` blocks). ``weights`` replaces
        :data:`DEFAULT_WEIGHTS` whole (a criterion left out weighs 0).

    Returns
    -------
    DataFrame
        One row per client with a sales line in the current or the previous window, sorted by
        revenue rank (then revenue, then ``client_id``); columns :data:`CLIENT_COLUMNS`:
        ``client_id``; ``name`` (clients.name, else the latest sales.client_name, else the
        ``client_id``: a client without a name is shown by its id); ``manager`` (main
        manager by net revenue in the window, else clients.manager); ``revenue`` (net, window);
        ``share``, ``cum_share``, ``rank``, ``abc_class`` (by revenue: A/B/C, D when <= 0);
        ``margin``, ``margin_class`` (NA without margin data); ``orders`` (distinct ``document_id``,
        or distinct dates, among positive lines), ``orders_class``; ``potential`` (yearly),
        ``share_of_wallet``, ``headroom`` (potential for the window minus revenue),
        ``potential_class`` (NA when potential <= 0 or missing), ``a_by_potential``; ``score``,
        ``score_class``; ``xyz_class`` (X/Y/Z/new/none), ``cv``, ``xyz_months``,
        ``months_active`` (window months with net revenue > 0); ``first_purchase``,
        ``last_purchase`` (positive lines up to ``as_of``), ``days_silent`` (``as_of`` minus the
        last purchase), ``dormant``, ``dormant_alarm`` (dormant and segment A or B);
        ``activities`` (with the client in the window; NA without activities data); ``n_managers``
        (distinct managers with a line in the window; NA without managers);
        ``prev_revenue``, ``prev_class`` (A/B/C/D/new/none), ``lost`` (no line in the current
        window); ``segment`` (final A/B/C/D) and ``d_reason`` (one of :data:`D_REASONS` or NA).

    Raises
    ------
    ConfigError
        Bad settings.
    DataError
        A missing column, a line without date, amount or client_id, a duplicated client_id in
        ``clients``.

    Examples
    --------
    >>> sales = pd.DataFrame({
    ...     "date": pd.to_datetime(["2026-03-10", "2026-04-10", "2026-05-10", "2025-06-01"]),
    ...     "client_id": ["big", "big", "small", "gone"],
    ...     "amount": [900.0, 800.0, 100.0, 500.0]})
    >>> table = segment_clients(sales, as_of="2026-11-25")
    >>> cols = ["client_id", "revenue", "abc_class", "segment", "d_reason", "prev_class"]
    >>> table[cols]  # doctest: +NORMALIZE_WHITESPACE
      client_id  revenue abc_class segment      d_reason prev_class
    0       big   1700.0         A       A           NaN        new
    1     small    100.0         B       B           NaN        new
    2      gone      0.0         D       D      no_sales          A
    """
    settings = _settings(
        cutoffs=cutoffs,
        rule=rule,
        x=x,
        y=y,
        new_months=new_months,
        dormant_months=dormant_months,
        weights=weights,
        d_activity_threshold=d_activity_threshold,
    )
    lines = sales_lines(sales, as_of=as_of, window_months=window_months)
    fig = _client_figures(lines, sales, settings)
    register = client_register(clients, fig.ids)
    ranker = _Ranker.of(fig.ids, settings)
    by_revenue, columns = _revenue_columns(fig, ranker)
    columns |= _name_columns(fig, register)
    columns |= _margin_order_columns(fig, ranker)
    potential_class, potential_columns = _potential_columns(
        register, columns["revenue"], ranker, lines.months
    )
    columns |= potential_columns
    columns |= _score_columns(columns, fig, ranker, settings.weights)
    columns |= _xyz_columns(fig)
    start, end = analysis_window(as_of=lines.as_of, window_months=lines.months)
    acts = activity_counts(activities, fig.ids, start, end)
    abc = by_revenue.by_position("labels")
    reason = _d_reasons(fig, abc, potential_class, acts, settings.d_activity_threshold)
    segment = np.where(pd.isna(reason), abc, "D")
    columns |= _purchase_columns(fig, lines, settings.dormant_months, segment)
    columns |= _previous_columns(fig, ranker, start)
    n = len(fig.ids)
    columns |= {
        "activities": int_or_na(np.full(n, np.nan) if acts is None else acts),
        "n_managers": int_or_na(np.full(n, np.nan) if fig.n_managers is None else fig.n_managers),
        "segment": str_array(segment),
        "d_reason": str_array(reason),
    }
    table = pd.DataFrame({name: columns[name] for name in CLIENT_COLUMNS})
    return table.iloc[by_revenue.order].reset_index(drop=True)


# --------------------------------------------------------------------------------------------------
# the steps of segment_clients


@dataclass(frozen=True)
class _Settings:
    """The checked settings of :func:`segment_clients`."""

    cutoffs: tuple[Fraction, Fraction]
    rule: str
    x: float
    y: float
    new_months: int
    dormant_months: int
    weights: dict[str, float]
    d_activity_threshold: float


def _settings(*, cutoffs, rule, x, y, new_months, dormant_months, weights, d_activity_threshold) -> _Settings:
    """Every setting checked, in this order, before any data is read (a ConfigError names the key)."""
    fractions = cutoff_fractions(cutoffs)
    check_rule(rule)
    x, y = xyz_limits(x, y)
    new_months = positive_int(new_months, key="xyz.new_months")
    dormant_months = positive_int(dormant_months, key="segmentation.dormant_months")
    weights = check_weights(weights)
    if not isinstance(d_activity_threshold, Real) or not d_activity_threshold >= 0:
        raise ConfigError(
            "d_activity_threshold must be a number >= 0",
            key="segmentation.d_activity_threshold",
            value=d_activity_threshold,
        )
    return _Settings(fractions, rule, x, y, new_months, dormant_months, weights, d_activity_threshold)


@dataclass(frozen=True)
class _Figures:
    """Per-client arrays, one value per client with a line in the current or the previous window."""

    ids: pd.Index
    has_cur: np.ndarray  # a line in the current window
    had_prev: np.ndarray  # a line in the previous window
    revenue: np.ndarray  # net, kopecks, current window
    prev_revenue: np.ndarray  # net, kopecks, previous window
    first_day: np.ndarray  # first purchase ever (day number; NEVER when none)
    last_day: np.ndarray  # last purchase up to as_of (-NEVER when none)
    xyz: dict[str, np.ndarray]  # xyz_arrays of the current window
    margin: np.ndarray | None  # gross margin, kopecks, current window (None without margin data)
    margin_known: np.ndarray | None  # whether any line had a margin
    orders: np.ndarray
    main_manager: np.ndarray | None  # None without managers in sales
    n_managers: np.ndarray | None
    names: np.ndarray  # latest sales.client_name


def _client_figures(lines: Lines, sales: pd.DataFrame, settings: _Settings) -> _Figures:
    """The per-client figures of the sales lines, kept for clients with a line in either window."""
    current, previous = lines.window(0), lines.window(1)
    cur_lines = np.bincount(lines.code[current], minlength=lines.n)
    prev_lines = np.bincount(lines.code[previous], minlength=lines.n)
    revenue = lines.per_client(lines.minor, current).astype(np.int64)
    prev_revenue = lines.per_client(lines.minor, previous).astype(np.int64)
    first_day, last_day = first_last_purchase(lines)
    xyz = xyz_arrays(lines, first_day, x=settings.x, y=settings.y, new_months=settings.new_months)
    margin, margin_known = margin_minor(lines, sales, current)
    orders = order_counts(lines, sales, current)
    main_manager, n_managers = main_managers(lines, sales, current)
    names = client_names(lines, sales)

    keep = np.flatnonzero((cur_lines > 0) | (prev_lines > 0))

    def kept(values: np.ndarray | None) -> np.ndarray | None:
        return None if values is None else values[keep]

    return _Figures(
        ids=lines.ids[keep],
        has_cur=cur_lines[keep] > 0,
        had_prev=prev_lines[keep] > 0,
        revenue=revenue[keep],
        prev_revenue=prev_revenue[keep],
        first_day=first_day[keep],
        last_day=last_day[keep],
        xyz={name: values[keep] for name, values in xyz.items()},
        margin=kept(margin),
        margin_known=kept(margin_known),
        orders=orders[keep],
        main_manager=kept(main_manager),
        n_managers=kept(n_managers),
        names=names[keep],
    )


@dataclass(frozen=True)
class _Ranker:
    """ABC of per-client arrays with the engagement's cut-offs and rule, ties by ``client_id``."""

    id_rank: np.ndarray
    cutoffs: tuple[Fraction, Fraction]
    rule: str

    @classmethod
    def of(cls, ids: pd.Index, settings: _Settings) -> _Ranker:
        id_rank = np.empty(len(ids), dtype=np.int64)
        id_rank[ids.argsort()] = np.arange(len(ids))
        return cls(id_rank, settings.cutoffs, settings.rule)

    def ranked(self, values, *, where: np.ndarray | None = None, **kw) -> Ranked:
        """ABC of ``values`` (of the clients ``where`` is True, when given)."""
        id_rank = self.id_rank if where is None else self.id_rank[where]
        return abc_rank(
            np.asarray(values, dtype=np.float64), id_rank, cutoffs=self.cutoffs, rule=self.rule, **kw
        )

    def classes(self, values, **kw) -> np.ndarray:
        """The class of each value, in the clients' order."""
        return self.ranked(values, **kw).by_position("labels")


def _revenue_columns(fig: _Figures, ranker: _Ranker) -> tuple[Ranked, dict]:
    """``client_id`` and ABC by net revenue: ``revenue``, ``share``, ``cum_share``, ``rank``,
    ``abc_class``; with the ranking itself (its order is the table's)."""
    revenue = fig.revenue / 100.0
    by_revenue = ranker.ranked(revenue)
    return by_revenue, {
        "client_id": str_array(fig.ids),
        "revenue": revenue,
        "share": by_revenue.by_position("share"),
        "cum_share": by_revenue.by_position("cum_share"),
        "rank": int_or_na(by_revenue.by_position("rank")),
        "abc_class": str_array(by_revenue.by_position("labels")),
    }


def _name_columns(fig: _Figures, register: pd.DataFrame) -> dict:
    """``name`` (register, else the latest sales name, else the id) and ``manager`` (main one, else
    register)."""
    name = np.where(pd.isna(register["name"]), fig.names, register["name"])
    name = np.where(pd.isna(name), np.asarray(fig.ids, dtype=object), name)  # no name: shown by its id
    manager = (
        register["manager"].to_numpy(dtype=object)
        if fig.main_manager is None
        else np.where(pd.isna(fig.main_manager), register["manager"], fig.main_manager)
    )
    return {"name": str_array(name), "manager": str_array(manager)}


def _margin_order_columns(fig: _Figures, ranker: _Ranker) -> dict:
    """``margin`` (NaN where unknown), ``margin_class``, ``orders`` and ``orders_class``."""
    margin = (
        np.full(len(fig.ids), np.nan)
        if fig.margin is None
        else np.where(fig.margin_known, fig.margin / 100.0, np.nan)
    )
    return {
        "margin": margin,
        "margin_class": str_array(ranker.classes(margin)),
        "orders": fig.orders.astype(np.int64),
        "orders_class": str_array(ranker.classes(fig.orders, decimals=0)),
    }


def _potential_columns(
    register: pd.DataFrame, revenue: np.ndarray, ranker: _Ranker, months: int
) -> tuple[np.ndarray, dict]:
    """The potential class (for the D rules) and ``potential`` (yearly), ``share_of_wallet``,
    ``headroom`` (both for the window's ``months``), ``potential_class``, ``a_by_potential``."""
    potential = register["potential"].to_numpy(dtype=np.float64, na_value=np.nan)
    pot_window = potential * months / 12.0
    with np.errstate(invalid="ignore", divide="ignore"):
        share_of_wallet = np.where(pot_window > 0, revenue / pot_window, np.nan)
    pot_cls = ranker.classes(potential, nonpositive=None)
    return pot_cls, {
        "potential": potential,
        "share_of_wallet": share_of_wallet,
        "headroom": pot_window - revenue,
        "potential_class": str_array(pot_cls),
        "a_by_potential": pot_cls == "A",
    }


def _score_columns(columns: dict, fig: _Figures, ranker: _Ranker, weights: dict[str, float]) -> dict:
    """``score`` over the criteria the data have and ``score_class``."""
    margin_known = fig.margin is not None and fig.margin_known.any()
    potential = columns["potential"]
    score = weighted_score(
        {
            "revenue": columns["revenue"],
            "margin": columns["margin"] if margin_known else None,
            "frequency": fig.orders.astype(np.float64),
            "potential": None if np.isnan(potential).all() else potential,
        },
        weights,
    )
    return {"score": score, "score_class": str_array(ranker.classes(score, decimals=12))}


def _xyz_columns(fig: _Figures) -> dict:
    """``xyz_class``, ``cv``, ``xyz_months`` and ``months_active``."""
    return {
        "xyz_class": str_array(fig.xyz["xyz_class"]),
        "cv": fig.xyz["cv"],
        "xyz_months": fig.xyz["xyz_months"].astype(np.int64),
        "months_active": fig.xyz["months_active"].astype(np.int64),
    }


def _d_reasons(
    fig: _Figures, abc: np.ndarray, pot_cls: np.ndarray, acts: np.ndarray | None, threshold
) -> np.ndarray:
    """Each client's ``d_reason`` (None when not D); the rules in order of precedence."""
    reason = np.full(len(fig.ids), None, dtype=object)
    reason[fig.has_cur & (fig.revenue <= 0)] = "nonpositive_revenue"
    reason[~fig.has_cur] = "no_sales"
    if fig.margin is not None:
        negative = fig.margin_known & (fig.margin < 0)
        reason[pd.isna(reason) & negative] = "negative_margin"
    if acts is not None:
        costly = (abc == "C") & ~np.isin(pot_cls, ["A", "B"]) & (acts > threshold)
        reason[pd.isna(reason) & costly] = "cost_to_serve"
    return reason


def _purchase_columns(fig: _Figures, lines: Lines, dormant_months: int, segment: np.ndarray) -> dict:
    """``first_purchase``, ``last_purchase``, ``days_silent``, ``dormant`` and ``dormant_alarm``."""
    bought = fig.last_day != -NEVER
    as_of_day = np.datetime64(lines.as_of.date(), "D").astype(np.int64)
    since = lines.as_of - pd.DateOffset(months=dormant_months)
    since_day = np.datetime64(since.date(), "D").astype(np.int64)
    dormant = ~bought | (fig.last_day < since_day)
    return {
        "first_purchase": days_to_dates(fig.first_day, fig.first_day != NEVER),
        "last_purchase": days_to_dates(fig.last_day, bought),
        "days_silent": int_or_na(np.where(bought, as_of_day - fig.last_day, np.nan)),
        "dormant": dormant,
        "dormant_alarm": dormant & np.isin(segment, ["A", "B"]),
    }


def _previous_columns(fig: _Figures, ranker: _Ranker, start: pd.Timestamp) -> dict:
    """``prev_revenue``, ``prev_class`` (ABC of the previous window, or new/none) and ``lost``."""
    prev_ranked = ranker.ranked(fig.prev_revenue[fig.had_prev] / 100.0, where=fig.had_prev)
    start_day = np.datetime64(start.date(), "D").astype(np.int64)
    first_valid = fig.first_day != NEVER
    prev_class = np.where(first_valid & (fig.first_day >= start_day), "new", "none")
    prev_class = prev_class.astype(object)
    prev_class[fig.had_prev] = prev_ranked.by_position("labels")
    return {
        "prev_revenue": fig.prev_revenue / 100.0,
        "prev_class": str_array(prev_class),
        "lost": ~fig.has_cur,
    }
