"""Clients stage: who the clients are and where the effort goes (PLAYBOOK.md, "Clients").

ABC(D) by net revenue, gross margin and number of orders; potential, share of wallet and "A by
potential"; a multi-criteria score; XYZ by the stability of monthly revenue; dormant clients;
migration between the previous and the current window; growth candidates; clients shared by several
managers; and the consultant's findings, in the report's language. Manager portfolios and concentration
figures live in :mod:`salesaudit.clients.portfolio`.

Conventions (each one is pinned by a test in ``tests/test_segmentation.py``):

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

from ..exceptions import ConfigError, DataError
from ..frames import analysis_window, as_of_date, day_numbers, minor_units, positive_int
from ..report.formatting import fmt_money, fmt_percent
from ..report.i18n import t

CLASSES: tuple[str, ...] = ("A", "B", "C")
SEGMENTS: tuple[str, ...] = ("A", "B", "C", "D")
XYZ_CLASSES: tuple[str, ...] = ("X", "Y", "Z", "new", "none")
RULES: tuple[str, ...] = ("reach", "below")
D_REASONS: tuple[str, ...] = ("no_sales", "nonpositive_revenue", "negative_margin", "cost_to_serve")
DEFAULT_WEIGHTS: dict[str, float] = {
    "revenue": 0.4,
    "margin": 0.3,
    "frequency": 0.2,
    "potential": 0.1,
}
MIGRATION_FROM: tuple[str, ...] = ("A", "B", "C", "D", "new", "none")
MIGRATION_TO: tuple[str, ...] = ("A", "B", "C", "D", "lost")

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


# --------------------------------------------------------------------------------------------------
# settings and small helpers


def _rule(rule: str) -> str:
    if rule not in RULES:
        raise ConfigError(
            "unknown ABC boundary rule",
            key="segmentation.rule",
            value=rule,
            hint="use 'reach' (default) or 'below'",
        )
    return rule


def _cutoff_fractions(cutoffs) -> tuple[Fraction, Fraction]:
    """Cut-offs as exact fractions: ``0.8`` is read as its decimal text, i.e. exactly 4/5."""
    try:
        values = tuple(c if isinstance(c, Fraction) else Fraction(str(c)) for c in cutoffs)
    except (TypeError, ValueError, ZeroDivisionError) as exc:
        raise ConfigError(
            "ABC cut-offs must be two numbers", key="segmentation.cutoffs", value=cutoffs
        ) from exc
    if len(values) != 2 or not (0 < values[0] < values[1] <= 1):
        raise ConfigError(
            "ABC cut-offs must be two increasing shares in (0, 1]",
            key="segmentation.cutoffs",
            value=cutoffs,
            hint="e.g. [0.8, 0.95]",
        )
    return values  # type: ignore[return-value]


def _xyz_limits(x, y) -> tuple[float, float]:
    if not (0 <= float(x) <= float(y)):
        raise ConfigError("XYZ limits must satisfy 0 <= x <= y", key="xyz", value=(x, y))
    return float(x), float(y)


def _require(frame: pd.DataFrame, columns: Sequence[str], *, table: str, hint: str | None = None) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataError(
            f"{table} table lacks column(s): {', '.join(missing)}",
            column=missing[0],
            hint=hint or f"pass the canonical {table} table (salesaudit.intake.schemas.CANONICAL)",
        )


def _int_or_na(values: np.ndarray) -> pd.arrays.IntegerArray:
    """Whole numbers as a nullable ``Int64`` array, NaN becoming <NA>."""
    values = np.asarray(values, dtype=np.float64)
    missing = np.isnan(values)
    return pd.arrays.IntegerArray(np.where(missing, 0, values).astype(np.int64), missing)


def _str_array(values) -> pd.Series:
    """Text values as a pandas ``str`` Series on a fresh RangeIndex (missing stays missing)."""
    values = values.to_numpy(dtype=object) if isinstance(values, (pd.Series, pd.Index)) else values
    return pd.Series(values, dtype="str")


# --------------------------------------------------------------------------------------------------
# ABC


def _abc_codes(sorted_minor: np.ndarray, cutoffs: Sequence[Fraction], rule: str) -> np.ndarray:
    """Class index (0 = A, 1 = B, 2 = C) of positive integer values sorted descending."""
    cum = np.cumsum(sorted_minor)
    total = int(cum[-1])
    key = cum - sorted_minor if rule == "reach" else cum
    codes = np.zeros(len(cum), dtype=np.int64)
    for cut in cutoffs:
        # key < cut × total  <=>  key < ceil(num × total / den), exactly, for an integer key
        threshold = -((-cut.numerator * total) // cut.denominator)
        codes += key >= threshold
    # ties share the better class: each run of equal values takes its first member's class
    starts = np.r_[True, sorted_minor[1:] != sorted_minor[:-1]]
    run = np.cumsum(starts) - 1
    return codes[np.flatnonzero(starts)][run]


@dataclass(frozen=True)
class _Ranked:
    """ABC of an array, in ranking order: ``order`` (positions) and one value per ranked position."""

    order: np.ndarray
    labels: np.ndarray  # object: class or None
    share: np.ndarray
    cum_share: np.ndarray
    rank: np.ndarray  # float: 1..n for positive values, NaN otherwise

    def by_position(self, name: str) -> np.ndarray:
        """Column ``name`` back in the input's order."""
        sorted_values = getattr(self, name)
        out = np.empty_like(sorted_values)
        out[self.order] = sorted_values
        return out


def _rank(
    raw: np.ndarray,
    id_rank: np.ndarray,
    *,
    cutoffs: Sequence[Fraction],
    rule: str,
    decimals: int = 2,
    nonpositive: str | None = "D",
) -> _Ranked:
    """The ABC core on arrays: ``raw`` values (NaN = missing), ``id_rank`` the ``client_id`` order."""
    known = ~np.isnan(raw)
    minor = np.zeros(len(raw), dtype=np.int64)
    minor[known] = minor_units(raw[known], decimals)
    group = np.where(known, np.where(minor > 0, 0, 1), 2)
    order = np.lexsort((id_rank, -minor, group))
    n_pos = int((group == 0).sum())
    n_known = int(known.sum())
    sorted_minor = minor[order]
    labels = np.full(len(raw), None, dtype=object)
    cum_share = np.full(len(raw), np.nan)
    share = np.full(len(raw), np.nan)
    rank = np.full(len(raw), np.nan)
    if n_pos:
        positive = sorted_minor[:n_pos]
        labels[:n_pos] = np.array(CLASSES, dtype=object)[_abc_codes(positive, cutoffs, rule)]
        total = int(positive.sum())
        cum_share[:n_pos] = np.cumsum(positive) / total
        share[:n_known] = sorted_minor[:n_known] / total
        rank[:n_pos] = np.arange(1, n_pos + 1)
    labels[n_pos:n_known] = nonpositive
    return _Ranked(order=order, labels=labels, share=share, cum_share=cum_share, rank=rank)


def abc_classes(
    values: pd.Series,
    *,
    cutoffs: Sequence[float] = (0.8, 0.95),
    rule: str = "reach",
    decimals: int = 2,
    nonpositive: str | None = "D",
) -> pd.DataFrame:
    """ABC classes of the values of a Series indexed by ``client_id``.

    Values are rounded half-even to ``decimals`` places (kopecks for money) and compared as
    integers. Sorting: value descending, ties by ``client_id``. Rule ``"reach"`` (default): A is the
    smallest set of top clients whose cumulative share reaches at least ``cutoffs[0]`` -- the
    crossing client is A, one landing exactly on the cut-off too; B likewise up to ``cutoffs[1]``;
    the rest C. Rule ``"below"``: A when the cumulative share including the client is below
    ``cutoffs[0]``, B when below ``cutoffs[1]``, else C. Clients tied in value share the better class.
    Values <= 0 are not in the share base and get ``nonpositive``; missing values get no class.

    Parameters
    ----------
    values
        One number per client (revenue, margin, orders, potential, score...), index ``client_id``.
    cutoffs
        Two increasing cumulative shares; read exactly (``0.8`` is 4/5).
    rule
        ``"reach"`` or ``"below"``.
    decimals
        Precision of the exact comparison (2 for money, 0 for counts).
    nonpositive
        Class of values <= 0 (``"D"``; ``None`` for no class).

    Returns
    -------
    DataFrame
        Index ``client_id`` in ranking order (positive values by rank, then values <= 0, then
        missing ones); columns ``value`` (as given), ``share`` (of the total of positive values;
        negative for a negative value), ``cum_share`` (positive values only), ``rank`` (1 = largest,
        positive values only) and ``abc_class``.

    Raises
    ------
    ConfigError
        Bad cut-offs or rule.
    DataError
        A ``client_id`` appears twice.

    Examples
    --------
    >>> v = pd.Series([15.0, 50.0, 30.0, 5.0], index=["c3", "c1", "c2", "c4"])
    >>> abc_classes(v)["abc_class"].to_dict()
    {'c1': 'A', 'c2': 'A', 'c3': 'B', 'c4': 'C'}
    >>> abc_classes(v, rule="below")["abc_class"].to_dict()
    {'c1': 'A', 'c2': 'B', 'c3': 'C', 'c4': 'C'}
    """
    fractions = _cutoff_fractions(cutoffs)
    _rule(rule)
    if not values.index.is_unique:
        dup = values.index[values.index.duplicated()][0]
        raise DataError("a client_id appears twice in the values to classify", value=dup)
    raw = values.to_numpy(dtype=np.float64, na_value=np.nan)
    id_rank = np.empty(len(raw), dtype=np.int64)
    id_rank[values.index.argsort()] = np.arange(len(raw))
    ranked = _rank(raw, id_rank, cutoffs=fractions, rule=rule, decimals=decimals, nonpositive=nonpositive)
    order = ranked.order
    rank = pd.array(ranked.rank, dtype="Int64")
    rank[~(ranked.rank > 0)] = pd.NA
    index = pd.Index(values.index[order], name=values.index.name or "client_id")
    return pd.DataFrame(
        {
            "value": raw[order],
            "share": ranked.share,
            "cum_share": ranked.cum_share,
            "rank": rank,
            "abc_class": _str_array(ranked.labels).to_numpy(),
        },
        index=index,
    )


# --------------------------------------------------------------------------------------------------
# sales lines as arrays


@dataclass(frozen=True)
class _Lines:
    """Sales lines up to ``as_of`` as flat arrays, clients coded 0..n-1 (position in ``ids``)."""

    ids: pd.Index
    code: np.ndarray
    day: np.ndarray  # days since 1970-01-01
    month: np.ndarray  # months since 1970-01
    minor: np.ndarray  # amount in kopecks
    rows: np.ndarray  # positions of these lines in the sales table
    start: int  # first month of the current window
    months: int  # window length
    as_of: pd.Timestamp

    @property
    def n(self) -> int:
        return len(self.ids)

    def window(self, offset: int = 0) -> np.ndarray:
        lo = self.start - offset * self.months
        return (self.month >= lo) & (self.month < lo + self.months)

    def per_client(self, values: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
        code = self.code if mask is None else self.code[mask]
        vals = values if mask is None else values[mask]
        return np.bincount(code, weights=vals, minlength=self.n)


def _month_of_day(days: np.ndarray) -> np.ndarray:
    return days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)


def _lines(sales: pd.DataFrame, *, as_of, window_months: int) -> _Lines:
    _require(sales, ("date", "client_id", "amount"), table="sales")
    stamp = as_of_date(as_of)
    months = positive_int(window_months, key="window_months")
    day = day_numbers(sales["date"], table="sales")
    amount = sales["amount"].to_numpy(dtype=np.float64, na_value=np.nan)
    if np.isnan(amount).any():
        where = f"index {sales.index[int(np.flatnonzero(np.isnan(amount))[0])]}"
        raise DataError("sales has a line without an amount", column="amount", value=where)
    if sales["client_id"].isna().any():
        where = f"index {sales.index[int(np.flatnonzero(sales['client_id'].isna().to_numpy())[0])]}"
        raise DataError("sales has a line without a client_id", column="client_id", value=where)
    keep = day <= np.datetime64(stamp.date(), "D").astype(np.int64)
    rows = np.flatnonzero(keep)
    code, ids = pd.factorize(sales["client_id"].iloc[rows])
    day = day[rows]
    return _Lines(
        ids=pd.Index(ids, name="client_id"),
        code=code.astype(np.int64),
        day=day,
        month=_month_of_day(day),
        minor=minor_units(amount[rows]),
        rows=rows,
        start=int(np.datetime64(stamp.date(), "M").astype(np.int64)) - months,
        months=months,
        as_of=stamp,
    )


_NEVER = np.iinfo(np.int64).max


def _first_last_purchase(lines: _Lines) -> tuple[np.ndarray, np.ndarray]:
    """Day number of each client's first and last purchase (positive line); sentinels if none."""
    buy = lines.minor > 0
    first = np.full(lines.n, _NEVER, dtype=np.int64)
    last = np.full(lines.n, -_NEVER, dtype=np.int64)
    np.minimum.at(first, lines.code[buy], lines.day[buy])
    np.maximum.at(last, lines.code[buy], lines.day[buy])
    return first, last


def _days_to_dates(days: np.ndarray, valid: np.ndarray) -> np.ndarray:
    out = np.full(len(days), np.datetime64("NaT"), dtype="datetime64[us]")
    out[valid] = days[valid].astype("datetime64[D]").astype("datetime64[us]")
    return out


# --------------------------------------------------------------------------------------------------
# XYZ


def _xyz_arrays(
    lines: _Lines, first_day: np.ndarray, *, x: float, y: float, new_months: int
) -> dict[str, np.ndarray]:
    n, width, start = lines.n, lines.months, lines.start
    end = start + width
    inside = lines.window(0)
    flat = lines.code[inside] * width + (lines.month[inside] - start)
    monthly = np.bincount(flat, weights=lines.minor[inside], minlength=n * width)
    monthly = monthly.reshape(n, width) / 100.0
    bought = first_day != _NEVER
    first_month = np.full(n, end, dtype=np.int64)
    first_month[bought] = _month_of_day(first_day[bought])
    offset = np.clip(first_month - start, 0, width)
    span = width - offset
    mask = np.arange(width)[None, :] >= offset[:, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(mask, monthly, 0.0).sum(axis=1) / span
        dev = np.where(mask, monthly - mean[:, None], 0.0)
        std = np.sqrt((dev**2).sum(axis=1) / span)  # population sigma, ddof=0
        cv = np.where(mean > 0, std / mean, np.nan)
    is_new = (first_month < end) & (end - first_month < new_months)
    rounded = np.round(cv, 10)
    labels = np.select(
        [is_new, ~(mean > 0), rounded <= x, rounded <= y],
        ["new", "none", "X", "Y"],
        default="Z",
    )
    cv = np.where(labels == "new", np.nan, cv)
    return {
        "monthly": monthly,
        "xyz_months": span,
        "months_active": (monthly > 0).sum(axis=1),
        "mean": np.where(span > 0, mean, np.nan),
        "std": np.where(span > 0, std, np.nan),
        "cv": cv,
        "xyz_class": labels.astype(object),
    }


def xyz_classes(
    sales: pd.DataFrame,
    *,
    as_of,
    window_months: int = 12,
    x: float = 0.10,
    y: float = 0.25,
    new_months: int = 3,
) -> pd.DataFrame:
    """XYZ classes by the stability of each client's monthly net revenue.

    Coefficient of variation ``cv = σ / mean`` of monthly net revenue with the **population σ
    (ddof=0)**, over the months from the client's first purchase month (or the window's first month,
    if later) to the window's last month, months without a purchase counting as 0. X: cv <= ``x``;
    Y: cv <= ``y``; Z above (compared after rounding the cv to 10 decimals). ``"new"``: the first
    purchase ever (a positive line) is fewer than ``new_months`` months before the window's end,
    counting both ends (first purchase in the window's last two months, by default); ``"none"``:
    mean <= 0 (never X).

    Parameters
    ----------
    sales
        Canonical sales table (``date``, ``client_id``, ``amount``).
    as_of
        Analysis date; the window is the last ``window_months`` full months before it.
    window_months, x, y, new_months
        Window length and class limits.

    Returns
    -------
    DataFrame
        One row per client with a line in the window, index ``client_id`` (sorted); columns
        ``xyz_months`` (months observed), ``months_active`` (months with net revenue > 0), ``mean``,
        ``std``, ``cv`` and ``xyz_class`` (X/Y/Z/new/none).

    Examples
    --------
    >>> sales = pd.DataFrame({
    ...     "date": pd.to_datetime(["2026-08-05", "2026-09-05", "2026-10-05", "2026-10-20"]),
    ...     "client_id": ["c1", "c1", "c1", "c2"],
    ...     "amount": [100.0, 100.0, 130.0, 50.0]})
    >>> xyz = xyz_classes(sales, as_of="2026-11-25")
    >>> xyz[["xyz_months", "cv", "xyz_class"]].round(4)  # doctest: +NORMALIZE_WHITESPACE
               xyz_months      cv xyz_class
    client_id
    c1                  3  0.1286         Y
    c2                  1     NaN       new
    """
    x, y = _xyz_limits(x, y)
    new_months = positive_int(new_months, key="xyz.new_months")
    lines = _lines(sales, as_of=as_of, window_months=window_months)
    first_day, _ = _first_last_purchase(lines)
    arrays = _xyz_arrays(lines, first_day, x=x, y=y, new_months=new_months)
    present = np.bincount(lines.code[lines.window(0)], minlength=lines.n) > 0
    out = pd.DataFrame(
        {k: arrays[k][present] for k in ("xyz_months", "months_active", "mean", "std", "cv")},
        index=lines.ids[present],
    )
    out["xyz_class"] = _str_array(arrays["xyz_class"][present]).to_numpy()
    return out.sort_index()


def monthly_revenue(sales: pd.DataFrame, *, as_of, window_months: int = 12) -> pd.DataFrame:
    """Net revenue per client and calendar month of the analysis window (0 where nothing sold).

    Parameters
    ----------
    sales
        Canonical sales table.
    as_of, window_months
        The window, as in :func:`analysis_window`.

    Returns
    -------
    DataFrame
        Index ``client_id`` (clients with a line in the window, sorted); one column per month,
        named by ``period`` ``"YYYY-MM"``; values netted in kopecks, then in currency units.

    Examples
    --------
    >>> sales = pd.DataFrame({"date": pd.to_datetime(["2026-09-05", "2026-09-30", "2026-10-01"]),
    ...                       "client_id": ["c1", "c1", "c1"], "amount": [100.0, -40.0, 10.0]})
    >>> monthly_revenue(sales, as_of="2026-11-25", window_months=3)  # doctest: +NORMALIZE_WHITESPACE
    period     2026-08  2026-09  2026-10
    client_id
    c1             0.0     60.0     10.0
    """
    lines = _lines(sales, as_of=as_of, window_months=window_months)
    first_day = np.full(lines.n, _NEVER, dtype=np.int64)
    arrays = _xyz_arrays(lines, first_day, x=0.1, y=0.25, new_months=1)
    present = np.bincount(lines.code[lines.window(0)], minlength=lines.n) > 0
    periods = pd.period_range(
        start=pd.Period(lines.as_of, "M") - lines.months, periods=lines.months, freq="M"
    ).strftime("%Y-%m")
    out = pd.DataFrame(
        arrays["monthly"][present],
        index=lines.ids[present],
        columns=pd.Index(periods, name="period"),
    )
    return out.sort_index()


# --------------------------------------------------------------------------------------------------
# per-client figures for segment_clients


def _margin_minor(lines: _Lines, sales: pd.DataFrame, mask: np.ndarray):
    """Per-client gross margin in kopecks over ``mask`` and whether any line had one."""
    if "margin" not in sales.columns and "cost" not in sales.columns:
        return None, None
    rows = lines.rows[mask]
    margin = np.full(len(rows), np.nan)
    if "margin" in sales.columns:
        margin = sales["margin"].to_numpy(dtype=np.float64, na_value=np.nan)[rows]
    if "cost" in sales.columns:
        amount = sales["amount"].to_numpy(dtype=np.float64)[rows]
        cost = sales["cost"].to_numpy(dtype=np.float64, na_value=np.nan)[rows]
        margin = np.where(np.isnan(margin), amount - cost, margin)
    known = ~np.isnan(margin)
    codes = lines.code[mask][known]
    total = np.bincount(codes, weights=minor_units(margin[known]), minlength=lines.n)
    has = np.bincount(codes, minlength=lines.n) > 0
    return total.astype(np.int64), has


def _orders(lines: _Lines, sales: pd.DataFrame, mask: np.ndarray) -> np.ndarray:
    """Distinct documents (or purchase dates) per client among positive lines in ``mask``."""
    take = mask & (lines.minor > 0)
    codes = lines.code[take]
    day = lines.day[take]
    key = day - (day.min() if len(day) else 0)
    if "document_id" in sales.columns:
        doc, uniques = pd.factorize(sales["document_id"].iloc[lines.rows[take]])
        key = np.where(doc >= 0, doc, len(uniques) + key)
    width = int(key.max()) + 1 if len(key) else 1
    combined = np.sort(codes * width + key)
    distinct = combined[np.r_[True, combined[1:] != combined[:-1]]] if len(combined) else combined
    return np.bincount(distinct // width, minlength=lines.n)


def _group_sums(keys: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct integer keys (sorted) and the sum of ``weights`` for each (sort-based)."""
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]
    starts = np.r_[True, sorted_keys[1:] != sorted_keys[:-1]] if len(keys) else sorted_keys > 0
    group = np.cumsum(starts) - 1
    sums = np.bincount(group, weights=weights[order]) if len(keys) else np.zeros(0)
    return sorted_keys[starts], sums


def _managers(lines: _Lines, sales: pd.DataFrame, mask: np.ndarray):
    """Main manager (largest net revenue in ``mask``; ties by name) and number of managers."""
    if "manager" not in sales.columns:
        return None, None
    manager = sales["manager"].iloc[lines.rows[mask]]
    mcode, names = pd.factorize(manager, sort=True)
    ok = mcode >= 0
    codes = lines.code[mask][ok]
    width = max(len(names), 1)
    pairs, sums = _group_sums(codes * width + mcode[ok], lines.minor[mask][ok])
    client, man = pairs // width, pairs % width
    order = np.lexsort((man, -sums, client))
    first = order[np.r_[True, client[order][1:] != client[order][:-1]]] if len(order) else order
    main = np.full(lines.n, None, dtype=object)
    main[client[first]] = np.asarray(names, dtype=object)[man[first]]
    count = np.bincount(client, minlength=lines.n)
    return main, count


def _client_names(lines: _Lines, sales: pd.DataFrame) -> np.ndarray:
    """The client's name on its latest line (by date) that has one."""
    out = np.full(lines.n, None, dtype=object)
    if "client_name" not in sales.columns:
        return out
    names = sales["client_name"].iloc[lines.rows]
    has = names.notna().to_numpy()
    order = np.lexsort((lines.day[has], lines.code[has]))
    codes = lines.code[has][order]
    last = np.r_[codes[1:] != codes[:-1], True] if len(codes) else codes.astype(bool)
    out[codes[last]] = names.to_numpy(dtype=object)[has][order][last]
    return out


def _positions(ids: pd.Index, values: pd.Series) -> np.ndarray:
    """Position of each value in the unique ``ids`` (-1 when absent), by one factorisation of both
    (much faster than ``Index.get_indexer`` on text)."""
    both = pd.concat(
        [pd.Series(ids.to_numpy(), dtype=values.dtype), values.reset_index(drop=True)], ignore_index=True
    )
    codes = pd.factorize(both)[0][len(ids) :]
    return np.where(codes < len(ids), codes, -1)


def _activity_counts(activities, ids: pd.Index, start, end) -> np.ndarray | None:
    """Activities with each client dated within ``start``..``end`` (both included)."""
    if activities is None or "client_id" not in activities.columns:
        return None
    _require(activities, ("date",), table="activities")
    day = day_numbers(activities["date"], table="activities")
    lo = np.datetime64(start.date(), "D").astype(np.int64)
    hi = np.datetime64(end.date(), "D").astype(np.int64)
    inside = (day >= lo) & (day <= hi)
    pos = _positions(ids, activities["client_id"][inside])
    return np.bincount(pos[pos >= 0], minlength=len(ids))


def _weights(weights: Mapping[str, float] | None) -> dict[str, float]:
    if weights is None:
        return dict(DEFAULT_WEIGHTS)
    if not isinstance(weights, Mapping):
        raise ConfigError("score weights must be a mapping", key="segmentation.weights")
    unknown = sorted(set(weights) - set(DEFAULT_WEIGHTS))
    if unknown:
        raise ConfigError(
            f"unknown score criterion: {unknown[0]}",
            key="segmentation.weights",
            value=unknown[0],
            hint=f"use {', '.join(DEFAULT_WEIGHTS)}",
        )
    out = {}
    for name in DEFAULT_WEIGHTS:
        value = weights.get(name, 0.0)
        if not isinstance(value, Real) or isinstance(value, bool) or not value >= 0:
            raise ConfigError(
                "score weights must be numbers >= 0", key=f"segmentation.weights.{name}", value=value
            )
        out[name] = float(value)
    if sum(out.values()) <= 0:
        raise ConfigError("score weights are all zero", key="segmentation.weights")
    return out


def _score(criteria: Mapping[str, np.ndarray | None], weights: Mapping[str, float]) -> np.ndarray:
    """Weighted sum of each criterion's share of its positive total, weights renormalised."""
    n = len(criteria["revenue"])
    parts = {}
    for name, values in criteria.items():
        if values is None or weights[name] <= 0:
            continue
        clipped = np.clip(np.nan_to_num(values, nan=0.0), 0.0, None)
        total = clipped.sum()
        if total > 0:
            parts[name] = clipped / total
    used = sum(weights[name] for name in parts)
    if not parts:
        return np.zeros(n)
    return sum(weights[name] * share for name, share in parts.items()) / used


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
        ``client_id``; ``name`` (clients.name, else the latest sales.client_name); ``manager`` (main
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
    fractions = _cutoff_fractions(cutoffs)
    _rule(rule)
    x, y = _xyz_limits(x, y)
    new_months = positive_int(new_months, key="xyz.new_months")
    dormant_months = positive_int(dormant_months, key="segmentation.dormant_months")
    weights = _weights(weights)
    if not isinstance(d_activity_threshold, Real) or not d_activity_threshold >= 0:
        raise ConfigError(
            "d_activity_threshold must be a number >= 0",
            key="segmentation.d_activity_threshold",
            value=d_activity_threshold,
        )
    abc_kw = {"cutoffs": fractions, "rule": rule}

    lines = _lines(sales, as_of=as_of, window_months=window_months)
    current, previous = lines.window(0), lines.window(1)
    cur_lines = np.bincount(lines.code[current], minlength=lines.n)
    prev_lines = np.bincount(lines.code[previous], minlength=lines.n)
    revenue = lines.per_client(lines.minor, current).astype(np.int64)
    prev_revenue = lines.per_client(lines.minor, previous).astype(np.int64)
    first_day, last_day = _first_last_purchase(lines)
    xyz = _xyz_arrays(lines, first_day, x=x, y=y, new_months=new_months)
    margin, margin_known = _margin_minor(lines, sales, current)
    orders = _orders(lines, sales, current)
    main_manager, n_managers = _managers(lines, sales, current)
    names = _client_names(lines, sales)

    keep = np.flatnonzero((cur_lines > 0) | (prev_lines > 0))
    ids = lines.ids[keep]
    n = len(keep)
    rev = revenue[keep] / 100.0

    # clients register: name, manager, potential
    reg = _register(clients, ids)
    name = np.where(pd.isna(reg["name"]), names[keep], reg["name"])
    manager = (
        reg["manager"].to_numpy(dtype=object)
        if main_manager is None
        else np.where(pd.isna(main_manager[keep]), reg["manager"], main_manager[keep])
    )
    potential = reg["potential"].to_numpy(dtype=np.float64, na_value=np.nan)
    pot_window = potential * lines.months / 12.0
    with np.errstate(invalid="ignore", divide="ignore"):
        share_of_wallet = np.where(pot_window > 0, rev / pot_window, np.nan)

    id_rank = np.empty(n, dtype=np.int64)
    id_rank[ids.argsort()] = np.arange(n)

    def classes_of(values, **kw) -> np.ndarray:
        return _rank(np.asarray(values, dtype=np.float64), id_rank, **abc_kw, **kw).by_position("labels")

    by_revenue = _rank(rev, id_rank, **abc_kw)
    abc = by_revenue.by_position("labels")
    margin_val = (
        np.full(n, np.nan) if margin is None else np.where(margin_known[keep], margin[keep] / 100.0, np.nan)
    )
    margin_class = classes_of(margin_val)
    orders_k = orders[keep]
    orders_class = classes_of(orders_k, decimals=0)
    pot_cls = classes_of(potential, nonpositive=None)

    score = _score(
        {
            "revenue": rev,
            "margin": None if margin is None or not margin_known[keep].any() else margin_val,
            "frequency": orders_k.astype(np.float64),
            "potential": None if np.isnan(potential).all() else potential,
        },
        weights,
    )
    score_class = classes_of(score, decimals=12)

    # activities in the current window
    start, end = analysis_window(as_of=lines.as_of, window_months=lines.months)
    acts = _activity_counts(activities, ids, start, end)

    # D rules, in order of precedence
    has_cur = cur_lines[keep] > 0
    reason = np.full(n, None, dtype=object)
    reason[has_cur & (revenue[keep] <= 0)] = "nonpositive_revenue"
    reason[~has_cur] = "no_sales"
    if margin is not None:
        negative = margin_known[keep] & (margin[keep] < 0)
        reason[pd.isna(reason) & negative] = "negative_margin"
    if acts is not None:
        costly = (abc == "C") & ~np.isin(pot_cls, ["A", "B"]) & (acts > d_activity_threshold)
        reason[pd.isna(reason) & costly] = "cost_to_serve"
    segment = np.where(pd.isna(reason), abc, "D")

    # dormant
    bought = last_day[keep] != -_NEVER
    as_of_day = np.datetime64(lines.as_of.date(), "D").astype(np.int64)
    since = lines.as_of - pd.DateOffset(months=dormant_months)
    since_day = np.datetime64(since.date(), "D").astype(np.int64)
    dormant = ~bought | (last_day[keep] < since_day)
    days_silent = _int_or_na(np.where(bought, as_of_day - last_day[keep], np.nan))

    # previous window class and migration labels
    had_prev = prev_lines[keep] > 0
    prev_ranked = _rank(prev_revenue[keep][had_prev] / 100.0, id_rank[had_prev], **abc_kw)
    start_day = np.datetime64(start.date(), "D").astype(np.int64)
    first_valid = first_day[keep] != _NEVER
    prev_class = np.where(first_valid & (first_day[keep] >= start_day), "new", "none")
    prev_class = prev_class.astype(object)
    prev_class[had_prev] = prev_ranked.by_position("labels")

    table = pd.DataFrame(
        {
            "client_id": _str_array(ids),
            "name": _str_array(name),
            "manager": _str_array(manager),
            "revenue": rev,
            "share": by_revenue.by_position("share"),
            "cum_share": by_revenue.by_position("cum_share"),
            "rank": _int_or_na(by_revenue.by_position("rank")),
            "abc_class": _str_array(abc),
            "margin": margin_val,
            "margin_class": _str_array(margin_class),
            "orders": orders_k.astype(np.int64),
            "orders_class": _str_array(orders_class),
            "potential": potential,
            "share_of_wallet": share_of_wallet,
            "headroom": pot_window - rev,
            "potential_class": _str_array(pot_cls),
            "a_by_potential": pot_cls == "A",
            "score": score,
            "score_class": _str_array(score_class),
            "xyz_class": _str_array(xyz["xyz_class"][keep]),
            "cv": xyz["cv"][keep],
            "xyz_months": xyz["xyz_months"][keep].astype(np.int64),
            "months_active": xyz["months_active"][keep].astype(np.int64),
            "first_purchase": _days_to_dates(first_day[keep], first_valid),
            "last_purchase": _days_to_dates(last_day[keep], bought),
            "days_silent": days_silent,
            "dormant": dormant,
            "dormant_alarm": dormant & np.isin(segment, ["A", "B"]),
            "activities": _int_or_na(np.full(n, np.nan) if acts is None else acts),
            "n_managers": _int_or_na(np.full(n, np.nan) if n_managers is None else n_managers[keep]),
            "prev_revenue": prev_revenue[keep] / 100.0,
            "prev_class": _str_array(prev_class),
            "lost": ~has_cur,
            "segment": _str_array(segment),
            "d_reason": _str_array(reason),
        }
    )
    return table.iloc[by_revenue.order].reset_index(drop=True)


def _register(clients: pd.DataFrame | None, ids: pd.Index) -> pd.DataFrame:
    """``name``, ``manager``, ``potential`` of the clients register, aligned on ``ids``."""
    empty = pd.DataFrame(
        {
            "name": pd.Series([None] * len(ids), dtype=object),
            "manager": pd.Series([None] * len(ids), dtype=object),
            "potential": np.full(len(ids), np.nan),
        }
    )
    if clients is None:
        return empty
    _require(clients, ("client_id",), table="clients")
    dup = clients["client_id"].duplicated()
    if dup.any():
        raise DataError(
            "a client_id appears twice in the clients register",
            column="client_id",
            value=clients["client_id"][dup].iloc[0],
        )
    pos = _positions(ids, clients["client_id"])
    found = pos >= 0
    for col in ("name", "manager"):
        if col in clients.columns:
            values = np.full(len(ids), None, dtype=object)
            values[pos[found]] = clients[col].to_numpy(dtype=object, na_value=None)[found]
            empty[col] = values
    if "potential" in clients.columns:
        values = np.full(len(ids), np.nan)
        values[pos[found]] = clients["potential"].to_numpy(dtype=np.float64, na_value=np.nan)[found]
        empty["potential"] = values
    return empty


# --------------------------------------------------------------------------------------------------
# views on the client table


def _need(table: pd.DataFrame, columns: Sequence[str]) -> None:
    _require(table, columns, table="client", hint="pass the table segment_clients returns")


_LIST_COLUMNS = ("client_id", "name", "manager")


def abc_xyz_matrix(clients_table: pd.DataFrame) -> pd.DataFrame:
    """ABC × XYZ: client counts and revenue shares, rows A/B/C (revenue class).

    D clients (net revenue <= 0) are left out: their mean monthly revenue is <= 0, so they have no
    XYZ class, and they are not in the revenue base. Revenue shares are of the A+B+C revenue, so
    the share cells add up to 1.

    Parameters
    ----------
    clients_table
        :func:`segment_clients` output (``abc_class``, ``xyz_class``, ``revenue``).

    Returns
    -------
    DataFrame
        Index ``abc_class`` A/B/C; two-level columns: ``("clients", X/Y/Z/new/none)`` counts and
        ``("revenue_share", X/Y/Z/new/none)``.

    Examples
    --------
    >>> t = pd.DataFrame({"abc_class": ["A", "A", "B", "C"], "xyz_class": ["X", "Z", "X", "new"],
    ...                   "revenue": [50.0, 30.0, 15.0, 5.0]})
    >>> abc_xyz_matrix(t)["clients"]  # doctest: +NORMALIZE_WHITESPACE
    xyz_class  X  Y  Z  new  none
    abc_class
    A          1  0  1    0     0
    B          1  0  0    0     0
    C          0  0  0    1     0
    """
    _need(clients_table, ("abc_class", "xyz_class", "revenue"))
    ranked = clients_table[clients_table["abc_class"].isin(CLASSES)]
    rows = pd.Index(CLASSES, name="abc_class")
    cols = pd.Index(XYZ_CLASSES, name="xyz_class")
    counts = pd.crosstab(ranked["abc_class"], ranked["xyz_class"]).reindex(
        index=rows, columns=cols, fill_value=0
    )
    revenue = ranked.pivot_table(
        index="abc_class", columns="xyz_class", values="revenue", aggfunc="sum", observed=True
    ).reindex(index=rows, columns=cols)
    total = ranked["revenue"].sum()
    shares = revenue.fillna(0.0) / total if total > 0 else revenue.fillna(0.0) * 0.0
    return pd.concat({"clients": counts.astype(np.int64), "revenue_share": shares}, axis=1)


def migration_matrix(clients_table: pd.DataFrame) -> pd.DataFrame:
    """Client counts by class in the previous window (rows) and in the current one (columns).

    Rows: ``prev_class`` A/B/C/D, ``new`` (first purchase in the current window), ``none``
    (returning: bought before the previous window, nothing in it). Columns: ``abc_class`` A/B/C/D,
    or ``lost`` when the client has no line in the current window. The revenue class is used on both
    sides (so the D of cost-to-serve does not make a client "migrate").

    Parameters
    ----------
    clients_table
        :func:`segment_clients` output (``prev_class``, ``abc_class``, ``lost``).

    Returns
    -------
    DataFrame
        Index ``previous`` (:data:`MIGRATION_FROM`), columns ``current`` (:data:`MIGRATION_TO`),
        integer counts, every row and column present.

    Examples
    --------
    >>> t = pd.DataFrame({"prev_class": ["A", "B", "new", "A"], "abc_class": ["A", "A", "C", "D"],
    ...                   "lost": [False, False, False, True]})
    >>> migration_matrix(t).loc[["A", "B", "new"]]  # doctest: +NORMALIZE_WHITESPACE
    current   A  B  C  D  lost
    previous
    A         1  0  0  0     1
    B         1  0  0  0     0
    new       0  0  1  0     0
    """
    _need(clients_table, ("prev_class", "abc_class", "lost"))
    current = clients_table["abc_class"].astype(object).where(~clients_table["lost"], "lost")
    counts = pd.crosstab(
        clients_table["prev_class"].astype(object).rename("previous"), current.rename("current")
    )
    return counts.reindex(
        index=pd.Index(MIGRATION_FROM, name="previous"),
        columns=pd.Index(MIGRATION_TO, name="current"),
        fill_value=0,
    ).astype(np.int64)


def lost_clients(clients_table: pd.DataFrame, *, classes: Sequence[str] = ("A", "B")) -> pd.DataFrame:
    """Clients of ``classes`` in the previous window that bought nothing in the current one.

    Parameters
    ----------
    clients_table
        :func:`segment_clients` output.
    classes
        Previous-window classes to list.

    Returns
    -------
    DataFrame
        Columns ``client_id``, ``name``, ``manager``, ``prev_class``, ``prev_revenue``,
        ``last_purchase``, ``days_silent``; largest previous revenue first.

    Examples
    --------
    >>> t = pd.DataFrame({"client_id": ["a", "b"], "name": [None, None], "manager": ["M", "M"],
    ...     "prev_class": ["A", "C"], "prev_revenue": [10.0, 1.0], "lost": [True, True],
    ...     "last_purchase": pd.to_datetime(["2025-01-05", "2025-02-05"]), "days_silent": [600, 570]})
    >>> lost_clients(t)["client_id"].tolist()
    ['a']
    """
    cols = (*_LIST_COLUMNS, "prev_class", "prev_revenue", "last_purchase", "days_silent")
    _need(clients_table, (*cols, "lost"))
    rows = clients_table[clients_table["lost"] & clients_table["prev_class"].isin(list(classes))]
    return _sorted(rows, "prev_revenue")[list(cols)]


def dormant_clients(clients_table: pd.DataFrame, *, classes: Sequence[str] = ("A", "B")) -> pd.DataFrame:
    """Dormant clients of the given segments (A and B: the dormant alarm).

    Parameters
    ----------
    clients_table
        :func:`segment_clients` output.
    classes
        Segments to list.

    Returns
    -------
    DataFrame
        Columns ``client_id``, ``name``, ``manager``, ``segment``, ``revenue``, ``last_purchase``,
        ``days_silent``; largest revenue first.

    Examples
    --------
    >>> t = pd.DataFrame({"client_id": ["a", "b"], "name": [None, None], "manager": ["M", "M"],
    ...     "segment": ["A", "C"], "revenue": [10.0, 1.0], "dormant": [True, True],
    ...     "last_purchase": pd.to_datetime(["2026-01-05", "2026-02-05"]), "days_silent": [300, 270]})
    >>> dormant_clients(t)["client_id"].tolist()
    ['a']
    """
    cols = (*_LIST_COLUMNS, "segment", "revenue", "last_purchase", "days_silent")
    _need(clients_table, (*cols, "dormant"))
    rows = clients_table[clients_table["dormant"] & clients_table["segment"].isin(list(classes))]
    return _sorted(rows, "revenue")[list(cols)]


def growth_candidates(clients_table: pd.DataFrame, *, max_share_of_wallet: float = 0.5) -> pd.DataFrame:
    """Clients to grow one class up: C with potential class A or B (C→B), B with potential A (B→A).

    "High potential" means a better class by potential than by revenue (same cut-off logic);
    "low share of wallet" means ``share_of_wallet`` below ``max_share_of_wallet``. Only segments B
    and C are considered (a D client is not grown).

    Parameters
    ----------
    clients_table
        :func:`segment_clients` output.
    max_share_of_wallet
        Upper bound (excluded) of the share of wallet of a candidate.

    Returns
    -------
    DataFrame
        Columns ``client_id``, ``name``, ``manager``, ``segment``, ``target_class`` (one class up),
        ``potential_class``, ``revenue``, ``potential``, ``share_of_wallet``, ``headroom``;
        largest headroom first.

    Examples
    --------
    >>> t = pd.DataFrame({"client_id": ["a", "b", "c"], "name": None, "manager": "M",
    ...     "segment": ["C", "B", "C"], "potential_class": ["A", "A", "C"],
    ...     "revenue": [10.0, 50.0, 5.0], "potential": [1000.0, 400.0, 10.0],
    ...     "share_of_wallet": [0.01, 0.125, 0.5], "headroom": [990.0, 350.0, 5.0]})
    >>> growth_candidates(t)[["client_id", "target_class"]].values.tolist()
    [['a', 'B'], ['b', 'A']]
    """
    cols = (
        *_LIST_COLUMNS,
        "segment",
        "potential_class",
        "revenue",
        "potential",
        "share_of_wallet",
        "headroom",
    )
    _need(clients_table, cols)
    seg = clients_table["segment"]
    pot = clients_table["potential_class"]
    up = ((seg == "C") & pot.isin(["A", "B"])) | ((seg == "B") & (pot == "A"))
    low = clients_table["share_of_wallet"] < max_share_of_wallet
    rows = clients_table[up & low].copy()
    rows["target_class"] = rows["segment"].map({"C": "B", "B": "A"}).astype("str")
    out = _sorted(rows, "headroom")
    return out[[*_LIST_COLUMNS, "segment", "target_class", *cols[4:]]]


def _sorted(rows: pd.DataFrame, by: str) -> pd.DataFrame:
    return rows.sort_values([by, "client_id"], ascending=[False, True]).reset_index(drop=True)


def shared_clients(
    sales: pd.DataFrame, *, as_of, window_months: int = 12, min_managers: int = 2
) -> pd.DataFrame:
    """Clients sold to by several managers in the window (a client register without an owner).

    Parameters
    ----------
    sales
        Canonical sales table with ``manager``; without it the result is empty.
    as_of, window_months
        The window, as in :func:`analysis_window`.
    min_managers
        Least number of distinct managers to list a client.

    Returns
    -------
    DataFrame
        Columns ``client_id``, ``n_managers``, ``managers`` (names joined by ", ", largest net
        revenue first), ``revenue`` (net, all managers), ``main_manager``, ``main_share`` (its share
        of the client's net revenue); most managers first, then largest revenue.

    Examples
    --------
    >>> sales = pd.DataFrame({"date": pd.to_datetime(["2026-05-01", "2026-06-01", "2026-07-01"]),
    ...     "client_id": ["c1", "c1", "c2"], "amount": [300.0, 100.0, 50.0],
    ...     "manager": ["Petrov", "Ivanov", "Petrov"]})
    >>> shared = shared_clients(sales, as_of="2026-11-25")
    >>> shared[["client_id", "managers", "main_share"]]  # doctest: +NORMALIZE_WHITESPACE
      client_id          managers  main_share
    0        c1  Petrov, Ivanov        0.75
    """
    columns = ["client_id", "n_managers", "managers", "revenue", "main_manager", "main_share"]
    min_managers = positive_int(min_managers, key="min_managers")
    lines = _lines(sales, as_of=as_of, window_months=window_months)
    if "manager" not in sales.columns:
        return pd.DataFrame({c: [] for c in columns})
    inside = lines.window(0)
    frame = pd.DataFrame(
        {
            "client_id": lines.ids[lines.code[inside]],
            "manager": sales["manager"].iloc[lines.rows[inside]].to_numpy(dtype=object),
            "minor": lines.minor[inside],
        }
    ).dropna(subset=["manager"])
    per = frame.groupby(["client_id", "manager"], as_index=False)["minor"].sum()
    counts = per.groupby("client_id")["manager"].transform("size")
    per = per[counts >= min_managers]
    per = per.sort_values(["client_id", "minor", "manager"], ascending=[True, False, True])
    grouped = per.groupby("client_id", sort=False)
    out = pd.DataFrame(
        {
            "n_managers": grouped.size(),
            "managers": grouped["manager"].agg(", ".join),
            "revenue": grouped["minor"].sum() / 100.0,
            "main_manager": grouped["manager"].first(),
            "main_revenue": grouped["minor"].first() / 100.0,
        }
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        out["main_share"] = np.where(out["revenue"] != 0, out["main_revenue"] / out["revenue"], np.nan)
    out = out.rename_axis("client_id").reset_index()
    out = out.sort_values(["n_managers", "revenue", "client_id"], ascending=[False, False, True])
    for col in ("client_id", "managers", "main_manager"):
        out[col] = out[col].astype("str")
    return out[columns].reset_index(drop=True)


# --------------------------------------------------------------------------------------------------
# findings


def _finding(key: str, severity: str, value, lang: str, count=None, **params) -> dict:
    return {
        "key": key,
        "severity": severity,
        "value": value,
        "text": t(key, lang, count=count, **params),
    }


def findings(
    clients_table: pd.DataFrame,
    *,
    lang: str = "ru",
    currency: str = "RUB",
    dormant_months: int = 6,
    top1_alarm: float = 0.10,
) -> list[dict]:
    """Consultant-style findings on the client table: what the figure means and what to do.

    Findings, in report order (each only when it applies): ``clients.finding.abc`` (always, when
    any client has positive revenue: A clients' count, share of clients and of revenue);
    ``clients.finding.concentration`` (largest client's share >= ``top1_alarm``);
    ``clients.finding.dormant_ab``; ``clients.finding.lost_ab``; ``clients.finding.a_by_potential``
    (A by potential, B or C by revenue); ``clients.finding.d_clients`` (with the share of activities
    spent on D clients where activities are known: ``clients.finding.d_effort``);
    ``clients.finding.unstable_a`` (A clients in Z); ``clients.finding.shared`` (clients with
    several managers); ``clients.finding.no_potential`` (potential filled for fewer than half of
    the clients).

    Parameters
    ----------
    clients_table
        :func:`segment_clients` output.
    lang, currency
        Report language (``ru``/``en``) and currency for money figures.
    dormant_months
        The dormancy setting used, quoted in the text.
    top1_alarm
        Share of revenue of the largest client from which concentration is a finding.

    Returns
    -------
    list of dict
        ``{"key", "severity" ("problem"/"warning"/"opportunity"/"info"), "value", "text"}``.

    Examples
    --------
    >>> sales = pd.DataFrame({"date": pd.to_datetime(["2026-10-10", "2026-10-12"]),
    ...                       "client_id": ["c1", "c2"], "amount": [900.0, 100.0]})
    >>> table = segment_clients(sales, as_of="2026-11-25")
    >>> [f["key"] for f in findings(table, lang="en")]
    ['clients.finding.abc', 'clients.finding.concentration', 'clients.finding.no_potential']
    >>> findings(table, lang="en")[0]["text"].split(" — ")[0]
    '1 A client (50% of the clients with purchases) brings 90% of net revenue'
    """
    _need(
        clients_table,
        ("revenue", "abc_class", "segment", "dormant_alarm", "lost", "prev_class", "xyz_class"),
    )
    out: list[dict] = []
    pct = lambda v: fmt_percent(v, lang=lang)  # noqa: E731
    money = lambda v: fmt_money(v, currency=currency, lang=lang)  # noqa: E731
    tab = clients_table
    rev = tab["revenue"]
    positive = rev[rev > 0]
    total = positive.sum()
    if total > 0:
        a = tab["abc_class"] == "A"
        a_rev = rev[a].sum()
        out.append(
            _finding(
                "clients.finding.abc",
                "info",
                a_rev / total,
                lang,
                count=int(a.sum()),
                client_share=pct(a.sum() / len(positive)),
                revenue_share=pct(a_rev / total),
            )
        )
        top1 = positive.max() / total
        if top1 >= top1_alarm:
            top10 = positive.nlargest(10).sum() / total
            out.append(
                _finding(
                    "clients.finding.concentration",
                    "warning",
                    top1,
                    lang,
                    top1=pct(top1),
                    top10=pct(top10),
                )
            )
    alarm = tab["dormant_alarm"]
    if alarm.any():
        out.append(
            _finding(
                "clients.finding.dormant_ab",
                "problem",
                int(alarm.sum()),
                lang,
                count=int(alarm.sum()),
                months=dormant_months,
                revenue=money(rev[alarm].sum()),
            )
        )
    lost = tab["lost"] & tab["prev_class"].isin(["A", "B"])
    if lost.any():
        prev = tab.loc[lost, "prev_revenue"].sum() if "prev_revenue" in tab else np.nan
        out.append(
            _finding(
                "clients.finding.lost_ab",
                "problem",
                int(lost.sum()),
                lang,
                count=int(lost.sum()),
                revenue=money(prev),
            )
        )
    if "a_by_potential" in tab.columns:
        strategic = tab["a_by_potential"] & tab["segment"].isin(["B", "C"])
        if strategic.any():
            sow = tab.loc[strategic, "share_of_wallet"].median()
            out.append(
                _finding(
                    "clients.finding.a_by_potential",
                    "opportunity",
                    int(strategic.sum()),
                    lang,
                    count=int(strategic.sum()),
                    share_of_wallet=pct(sow),
                )
            )
    d = tab["segment"] == "D"
    if d.any():
        out.append(
            _finding(
                "clients.finding.d_clients",
                "warning",
                int(d.sum()),
                lang,
                count=int(d.sum()),
                revenue=money(rev[d].sum()),
            )
        )
        acts = tab["activities"] if "activities" in tab.columns else None
        if acts is not None and acts.notna().any() and acts.sum() > 0:
            share = acts[d].sum() / acts.sum()
            if share > 0:
                out.append(
                    _finding(
                        "clients.finding.d_effort",
                        "warning",
                        float(share),
                        lang,
                        activity_share=pct(share),
                    )
                )
    unstable = (tab["abc_class"] == "A") & (tab["xyz_class"] == "Z")
    if unstable.any():
        out.append(
            _finding(
                "clients.finding.unstable_a",
                "warning",
                int(unstable.sum()),
                lang,
                count=int(unstable.sum()),
            )
        )
    if "n_managers" in tab.columns:
        shared = tab["n_managers"].fillna(0) > 1
        if shared.any():
            out.append(
                _finding(
                    "clients.finding.shared",
                    "warning",
                    int(shared.sum()),
                    lang,
                    count=int(shared.sum()),
                )
            )
    if "potential" in tab.columns and len(tab):
        filled = float(tab["potential"].notna().mean())
        if filled < 0.5:
            out.append(_finding("clients.finding.no_potential", "warning", filled, lang, filled=pct(filled)))
    return out
