"""The target-client portrait (PLAYBOOK.md, error 2: "understand why A clients buy from you").

Three steps, numbers only (the sentences and the chart live with the report):

1. :func:`client_attributes` -- one row per client of the client table plus the registered clients
   who bought nothing in the window ("non-buyers"), with the attributes the engagement has, each as a
   short categorical value: ``industry``, ``region`` (register text), ``size`` (potential quartile),
   ``relationship`` (age), ``frequency`` (how regularly it buys), ``product_mix`` (what it buys most),
   ``channel`` (where it buys most).
2. :func:`portrait` -- the A clients against all buyers, value by value, as lifts ("A clients are
   1.8× more often in construction"), the few values that tell most, and a verdict: ``"enough"``, or
   ``"thin"`` with the reasons (too few A clients, no attributes, nothing stands out). A thin portrait
   is said to be thin, never invented.
3. :func:`rank_lookalikes` -- a small logistic regression (scikit-learn) on the one-hot attributes,
   A against the other buyers, scoring B/C buyers ("grow") and non-buyers ("find"), each with the
   two or three attribute values that put it high.

Conventions:

* **Band codes** (translated by the report's labels): ``size`` ``q1`` .. ``q4`` (quartile of the
  known potentials; ``q4`` = top 25 %); ``relationship`` ``lt1y``, ``1to3y``, ``3y_plus``;
  ``frequency`` ``monthly``, ``quarterly``, ``rarer``; ``product_mix`` / ``channel`` ``other`` for
  the groups beyond the :data:`MAX_GROUPS` - 1 that are the main one of most clients. Register text is kept as written (trimmed,
  inner blanks collapsed; empty -> NA).
* **Shares** are of the clients whose value of that attribute is known (an attribute blank for a
  third of the clients does not dilute the others).
* scikit-learn is imported inside :func:`rank_lookalikes` only (about 1.4 s): a thin portrait costs
  nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..exceptions import DataError
from ..frames import as_of_date, positive_int
from .arrays import require_columns, sales_lines

__all__ = [
    "ATTRIBUTES",
    "BAND_CODES",
    "LIFT_COLUMNS",
    "MODEL_ATTRIBUTES",
    "RANK_COLUMNS",
    "Portrait",
    "client_attributes",
    "portrait",
    "rank_lookalikes",
]

ATTRIBUTES: tuple[str, ...] = (
    "industry",
    "region",
    "size",
    "relationship",
    "frequency",
    "product_mix",
    "channel",
)
"""The attribute columns :func:`client_attributes` may produce, in this order."""

MODEL_ATTRIBUTES: tuple[str, ...] = ("industry", "region", "size", "relationship", "product_mix", "channel")
"""The attributes :func:`rank_lookalikes` scores on: all but ``frequency`` (see there why)."""

BAND_CODES: dict[str, tuple[str, ...]] = {
    "size": ("q1", "q2", "q3", "q4"),
    "relationship": ("lt1y", "1to3y", "3y_plus"),
    "frequency": ("monthly", "quarterly", "rarer"),
    "product_mix": ("other",),
    "channel": ("other",),
}
"""The codes this module creates (the report translates them); ``other`` = the smaller groups."""

STATUSES: tuple[str, ...] = ("A", "B", "C", "D", "non_buyer")
BUYERS: tuple[str, ...] = ("A", "B", "C", "D")
MAX_GROUPS = 12
"""At most this many product groups / channels: those that are the main one of most clients, the rest
being ``other``."""
MIN_KNOWN_POTENTIAL = 0.5
"""``size`` only when the potential is known for at least this share of the clients."""
MONTHLY, QUARTERLY = 0.75, 0.25
"""``frequency``: share of the client's months in the window with a purchase (>= 0.75: monthly)."""
TOP_LIFT, TOP_ROWS = 1.3, 5
"""A value tells when its lift is at least :data:`TOP_LIFT`; the portrait shows at most
:data:`TOP_ROWS` of them."""

_ID_COLUMNS = ("client_id", "name", "manager", "status")
RANK_COLUMNS: tuple[str, ...] = ("client_id", "name", "manager", "status", "kind", "score", "rank", "reasons")
"""Columns of :func:`rank_lookalikes`' table."""


# --------------------------------------------------------------------------------------------------
# 1. attributes


def client_attributes(
    clients_table: pd.DataFrame,
    *,
    register: pd.DataFrame | None = None,
    sales: pd.DataFrame | None = None,
    as_of=None,
    window_months: int = 12,
) -> pd.DataFrame:
    """One row per client with its status and the attributes the engagement has.

    Parameters
    ----------
    clients_table
        :func:`~salesaudit.clients.segmentation.segment_clients` output: ``client_id`` and
        ``segment`` (else ``abc_class``) required; ``name``, ``manager``, ``revenue``,
        ``first_purchase``, ``last_purchase``, ``months_active``, ``xyz_months`` used when present.
    register
        The canonical ``clients`` table (``client_id``; ``name``, ``manager``, ``potential``,
        ``industry``, ``region``, ``created`` used when present). Its clients that are not in the
        client table are added as non-buyers (without it: ``size`` from the table's ``potential``).
    sales
        The canonical ``sales`` table; ``product`` and ``channel`` give ``product_mix`` and
        ``channel`` (the group with the most net revenue of the client in the window).
    as_of
        Analysis date (the window is the ``window_months`` full months before it). ``None``: the day
        after the last sales line, else the day after the table's last purchase.
    window_months
        Length of the window, as in ``segment_clients``.

    Returns
    -------
    DataFrame
        ``client_id``, ``name``, ``manager``, ``status`` (``segment`` A/B/C/D; ``non_buyer`` when
        the revenue in the window is 0 or missing, or the client is only in the register), then one
        ``category`` column per attribute of :data:`ATTRIBUTES` the data have (an attribute with no
        known value is left out): ``industry`` and ``region`` (register text); ``size`` (``q1`` ..
        ``q4``: quartile of the known potentials, only when at least half are known);
        ``relationship`` (``lt1y`` / ``1to3y`` / ``3y_plus``: from the register's ``created``, else
        the first purchase, to ``as_of``); ``frequency`` (buyers: ``monthly`` when it bought in at
        least 75 % of its months in the window -- ``months_active / xyz_months`` --, ``quarterly``
        at least 25 %, else ``rarer``); ``product_mix`` (the product making most of the client's
        window revenue; with more than :data:`MAX_GROUPS` products, the name's first word; beyond
        the 11 groups that are the main one of most clients: ``other``); ``channel`` (likewise, no
        first word). Rows: the client table's order, then the register's.

    Raises
    ------
    DataError
        A missing ``client_id`` / ``segment`` column, a duplicated ``client_id``, a class that is
        not A/B/C/D.

    Examples
    --------
    >>> table = pd.DataFrame({"client_id": ["a", "b"], "segment": ["A", "C"], "revenue": [9.0, 1.0]})
    >>> register = pd.DataFrame({"client_id": ["a", "b", "z"], "industry": ["Build", " ", "Build "]})
    >>> client_attributes(table, register=register)[["client_id", "status", "industry"]]
      client_id     status industry
    0         a          A    Build
    1         b          C      NaN
    2         z  non_buyer    Build
    """
    frame = _base_rows(clients_table, register)
    reg = _register_on(frame, register)
    stamp = _as_of(as_of, sales, clients_table)
    months = positive_int(window_months, key="window_months")
    columns = {
        "industry": _text(reg.get("industry")),
        "region": _text(reg.get("region")),
        "size": _size(reg.get("potential", frame["potential"])),
        "relationship": _relationship(frame, reg.get("created"), stamp),
        "frequency": _frequency(frame),
    }
    if sales is not None and stamp is not None:
        columns |= _sales_groups(frame, sales, stamp, months)
    out = frame[list(_ID_COLUMNS)].copy()
    for name in ATTRIBUTES:
        values = columns.get(name)
        if values is not None and values.notna().any():
            out[name] = _categorical(values, BAND_CODES.get(name) if name in _BANDED else None)
    return out


_BANDED = ("size", "relationship", "frequency")


def _base_rows(clients_table: pd.DataFrame, register: pd.DataFrame | None) -> pd.DataFrame:
    """The client table's rows (``client_id``, ``name``, ``manager``, ``status`` and the columns the
    attributes read), then the register's clients missing from it, as non-buyers."""
    require_columns(
        clients_table, ("client_id",), table="client", hint="pass the table segment_clients returns"
    )
    status_col = "segment" if "segment" in clients_table.columns else "abc_class"
    if status_col not in clients_table.columns:
        raise DataError(
            "client table lacks column segment (or abc_class)",
            column="segment",
            hint="pass the table segment_clients returns",
        )
    ids = clients_table["client_id"].astype("str")
    _no_duplicates(ids, "client")
    n = len(clients_table)

    def col(name: str, default=None) -> pd.Series:
        if name in clients_table.columns:
            return clients_table[name].reset_index(drop=True)
        return pd.Series([default] * n, dtype=object)

    status = col(status_col).astype(object)
    bad = ~status.isin(BUYERS)
    if bad.any():
        raise DataError("a client's class is not A, B, C or D", column=status_col, value=status[bad].iloc[0])
    revenue = pd.to_numeric(col("revenue", np.nan), errors="coerce")
    if "revenue" in clients_table.columns:
        status = status.where(revenue.fillna(0.0) != 0, "non_buyer")
    frame = pd.DataFrame(
        {
            "client_id": ids.reset_index(drop=True).astype(object),
            "name": col("name").astype(object),
            "manager": col("manager").astype(object),
            "status": status,
            "first_purchase": pd.to_datetime(col("first_purchase", pd.NaT)),
            "months_active": pd.to_numeric(col("months_active", np.nan), errors="coerce"),
            "xyz_months": pd.to_numeric(col("xyz_months", np.nan), errors="coerce"),
            "potential": pd.to_numeric(col("potential", np.nan), errors="coerce"),
        }
    )
    if register is None:
        return frame
    require_columns(register, ("client_id",), table="clients")
    reg_ids = register["client_id"].astype("str")
    _no_duplicates(reg_ids[register["client_id"].notna()], "clients")
    known = pd.Index(frame["client_id"]).get_indexer(reg_ids.to_numpy(dtype=object)) >= 0
    new = register.iloc[np.flatnonzero(register["client_id"].notna().to_numpy() & ~known)]

    def reg_col(name: str):
        return new[name].to_numpy(dtype=object) if name in new.columns else None

    extra = pd.DataFrame(
        {
            "client_id": new["client_id"].astype("str").to_numpy(dtype=object),
            "name": reg_col("name"),
            "manager": reg_col("manager"),
            "status": "non_buyer",
        }
    )
    frame = pd.concat([frame, extra], ignore_index=True) if len(extra) else frame
    frame["name"] = frame["name"].where(frame["name"].notna(), frame["client_id"])
    return frame


def _no_duplicates(ids: pd.Series, table: str) -> None:
    dup = ids.duplicated()
    if dup.any():
        raise DataError(
            f"a client_id appears twice in the {table} table", column="client_id", value=ids[dup].iloc[0]
        )


def _register_on(frame: pd.DataFrame, register: pd.DataFrame | None) -> dict[str, pd.Series]:
    """The register's ``industry``, ``region``, ``potential``, ``created`` aligned on ``frame``'s rows
    (only the columns it has)."""
    if register is None:
        return {}
    reg = register[register["client_id"].notna()]
    if reg.empty:
        return {}
    pos = pd.Index(reg["client_id"].astype("str")).get_indexer(frame["client_id"])
    found = pos >= 0
    out = {}
    for name in ("industry", "region", "potential", "created"):
        if name not in reg.columns:
            continue
        values = reg[name].iloc[np.where(found, pos, 0)].reset_index(drop=True)
        out[name] = values.where(pd.Series(found), None if values.dtype == object else np.nan)
    return out


def _as_of(as_of, sales: pd.DataFrame | None, table: pd.DataFrame) -> pd.Timestamp | None:
    """The analysis date: given, else the day after the last sales line / the table's last purchase."""
    if as_of is not None:
        return as_of_date(as_of)
    for frame, column in ((sales, "date"), (table, "last_purchase")):
        if frame is not None and column in frame.columns:
            last = pd.to_datetime(frame[column], errors="coerce").max()
            if pd.notna(last):
                return as_of_date(last) + pd.Timedelta(days=1)
    return None


def _text(values: pd.Series | None) -> pd.Series | None:
    """Register text trimmed, inner blanks collapsed; empty -> NA (on the distinct values only)."""
    if values is None:
        return None
    codes, uniques = pd.factorize(values.astype(object), use_na_sentinel=True)
    clean = np.array([re.sub(r"\s+", " ", str(v)).strip() or None for v in uniques] + [None], dtype=object)
    return pd.Series(clean[codes], dtype=object)


def _size(potential: pd.Series | None) -> pd.Series | None:
    """Quartile band of the known potentials (``q4`` = top 25 %); None when most are unknown."""
    if potential is None:
        return None
    values = pd.to_numeric(potential, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    known = ~np.isnan(values)
    if not known.any() or known.mean() < MIN_KNOWN_POTENTIAL:
        return None
    edges = np.quantile(values[known], [0.25, 0.5, 0.75])
    band = np.searchsorted(edges, values, side="right").clip(0, 3)
    codes = np.array(BAND_CODES["size"], dtype=object)[band]
    return pd.Series(np.where(known, codes, None), dtype=object)


def _relationship(frame: pd.DataFrame, created: pd.Series | None, as_of: pd.Timestamp | None):
    """Age of the relationship at ``as_of``: from the register's ``created``, else the first
    purchase; ``lt1y`` under a year, ``1to3y`` under three, else ``3y_plus``."""
    if as_of is None:
        return None
    since = frame["first_purchase"]
    if created is not None:
        since = pd.to_datetime(created, errors="coerce").reset_index(drop=True).fillna(since)
    if since.isna().all():
        return None
    one, three = as_of - pd.DateOffset(years=1), as_of - pd.DateOffset(years=3)
    codes = np.where(since > one, "lt1y", np.where(since > three, "1to3y", "3y_plus"))
    return pd.Series(np.where(since.notna(), codes, None), dtype=object)


def _frequency(frame: pd.DataFrame) -> pd.Series | None:
    """Buyers: the share of their months in the window with a purchase, banded."""
    share = frame["months_active"] / frame["xyz_months"].where(frame["xyz_months"] > 0)
    share = share.where(frame["status"] != "non_buyer")
    if share.isna().all():
        return None
    codes = np.where(share >= MONTHLY, "monthly", np.where(share >= QUARTERLY, "quarterly", "rarer"))
    return pd.Series(np.where(share.notna(), codes, None), dtype=object)


def _sales_groups(frame: pd.DataFrame, sales: pd.DataFrame, as_of: pd.Timestamp, months: int) -> dict:
    """``product_mix`` and ``channel``: each client's group with the most net revenue in the window."""
    present = [c for c in ("product", "channel") if c in sales.columns and sales[c].notna().any()]
    if not present:
        return {}
    lines = sales_lines(sales, as_of=as_of, window_months=months)
    current = lines.window(0)
    rows = lines.rows[current]
    target = pd.Index(lines.ids.astype("str")).get_indexer(frame["client_id"])
    out = {}
    for column, name in (("product", "product_mix"), ("channel", "channel")):
        if column in present:
            group, labels = _groups(sales[column].iloc[rows], by_word=column == "product")
            main = _main_group(lines.code[current], group, lines.minor[current], lines.n, len(labels))
            picked = np.where(target >= 0, main[np.maximum(target, 0)], -1)
            out[name] = _fewer_groups(picked, labels)
    return out


def _groups(values: pd.Series, *, by_word: bool) -> tuple[np.ndarray, list[str]]:
    """Each line's group code (-1: none) and the group labels: the trimmed value, or -- with more than
    :data:`MAX_GROUPS` distinct values and ``by_word`` -- its first word. Works on the distinct
    values only."""
    raw, uniques = pd.factorize(values, use_na_sentinel=True)
    names = pd.Series(np.asarray(uniques, dtype=object)).map(lambda v: re.sub(r"\s+", " ", str(v)).strip())
    if by_word and names[names != ""].nunique() > MAX_GROUPS:
        names = names.map(lambda v: re.sub(r"[^\w-]+$", "", v.split(" ")[0]) if v else v)
    names = names.where(names != "", None)
    code_of_unique, labels = pd.factorize(names, use_na_sentinel=True)
    group = np.where(raw >= 0, code_of_unique[np.maximum(raw, 0)], -1) if len(raw) else raw
    return group, list(labels)


def _main_group(code: np.ndarray, group: np.ndarray, minor: np.ndarray, n: int, k: int) -> np.ndarray:
    """Per client: the group with the largest positive net revenue (ties: the first group); -1 none."""
    if k == 0:
        return np.full(n, -1)
    ok = group >= 0
    net = np.bincount(code[ok] * k + group[ok], weights=minor[ok].astype(np.float64), minlength=n * k)
    net = net.reshape(n, k)
    return np.where(net.max(axis=1) > 0, net.argmax(axis=1), -1)


def _fewer_groups(picked: np.ndarray, labels: list[str]) -> pd.Series:
    """Each client's main group as text (None for -1); beyond the ``MAX_GROUPS - 1`` groups that are
    the main one of most clients, ``other``."""
    counts = np.bincount(picked[picked >= 0], minlength=len(labels))
    names = np.asarray(labels + [None], dtype=object)
    if np.count_nonzero(counts) > MAX_GROUPS:
        keep = np.argsort(-counts, kind="stable")[: MAX_GROUPS - 1]
        names[np.setdiff1d(np.arange(len(labels)), keep)] = "other"
    return pd.Series(names[picked], dtype=object)


def _categorical(values: pd.Series, order: tuple[str, ...] | None) -> pd.Categorical:
    """Values as a ``category`` column; bands in their own order, text in order of appearance."""
    if order is not None and set(values.dropna()) <= set(order):
        return pd.Categorical(values, categories=list(order), ordered=True)
    return pd.Categorical(values)


# --------------------------------------------------------------------------------------------------
# 2. portrait


@dataclass(frozen=True)
class Portrait:
    """The A clients against all buyers (:func:`portrait`).

    ``lifts``: ``attribute``, ``value``, ``a_clients``, ``a_share``, ``base_share``, ``lift``;
    ``top``: the same columns, the rows that tell most; ``verdict``: ``"enough"`` | ``"thin"``;
    ``reasons``: codes of a thin verdict (``few_a``, ``no_attributes``, ``no_lift``); ``n_a`` and
    ``n_buyers``: the A clients and all buyers counted.
    """

    lifts: pd.DataFrame
    top: pd.DataFrame
    verdict: str
    reasons: tuple[str, ...]
    n_a: int
    n_buyers: int


LIFT_COLUMNS: tuple[str, ...] = ("attribute", "value", "a_clients", "a_share", "base_share", "lift")


def portrait(attributes: pd.DataFrame, *, min_a: int = 10, min_support: int = 5) -> Portrait:
    """Lifts of each attribute value among A clients against all buyers, and the verdict.

    A value's ``a_share`` is the share of the A clients with that value, ``base_share`` the share of
    all buyers (A, B, C, D) with it, both among the clients whose value of that attribute is known;
    ``lift = a_share / base_share``. Only values held by at least ``min_support`` A clients are kept.
    ``top``: per attribute, its value with lift >= :data:`TOP_LIFT` that stands out most (largest
    binomial z of ``a_share`` against ``base_share``), at most :data:`TOP_ROWS` attributes, most
    telling first. The verdict is ``"thin"`` (and ``top`` empty) with reason ``few_a`` when there are
    fewer than ``min_a`` A clients, ``no_attributes`` when there is no attribute column with a known
    value, ``no_lift`` when no value stands out; else ``"enough"``.

    Parameters
    ----------
    attributes
        :func:`client_attributes` output.
    min_a, min_support
        Fewest A clients for a portrait; fewest A clients holding a value for it to be shown.

    Returns
    -------
    Portrait
        ``lifts`` sorted by lift descending (then attribute, value), ``top``, ``verdict``,
        ``reasons``, ``n_a``, ``n_buyers``.

    Examples
    --------
    >>> a = pd.DataFrame({"client_id": list("abcdef"), "name": None, "manager": None,
    ...     "status": ["A", "A", "B", "B", "C", "C"], "industry": ["x", "x", "x", "y", "y", "y"]})
    >>> p = portrait(a, min_a=1, min_support=1)
    >>> p.lifts[["value", "a_clients", "a_share", "base_share", "lift"]]
      value  a_clients  a_share  base_share  lift
    0     x          2      1.0         0.5   2.0
    >>> p.verdict, p.top["value"].tolist()
    ('enough', ['x'])
    """
    _check_attributes(attributes)
    min_a = positive_int(min_a, key="portrait.min_a")
    min_support = positive_int(min_support, key="portrait.min_support")
    buyers = attributes[attributes["status"].isin(BUYERS)]
    is_a = (buyers["status"] == "A").to_numpy()
    columns = [c for c in _attribute_columns(attributes) if buyers[c].notna().any()]
    rows, z = [], []
    for column in columns:
        values = buyers[column].astype(object)
        known = values.notna().to_numpy()
        n_a_known, n_known = int((known & is_a).sum()), int(known.sum())
        if n_a_known == 0:
            continue
        a_counts = values[is_a & known].value_counts()
        all_counts = values[known].value_counts()
        for value, a_clients in a_counts.items():
            if a_clients < min_support:
                continue
            a_share, base_share = a_clients / n_a_known, all_counts[value] / n_known
            rows.append((column, value, int(a_clients), a_share, base_share, a_share / base_share))
            spread = np.sqrt(base_share * (1 - base_share) / n_a_known)
            z.append((a_share - base_share) / spread if spread > 0 else 0.0)
    lifts = pd.DataFrame(rows, columns=list(LIFT_COLUMNS)).astype({"a_clients": "int64"})
    lifts["_z"] = np.asarray(z, dtype=np.float64)
    lifts = lifts.sort_values(["lift", "attribute", "value"], ascending=[False, True, True], kind="stable")
    lifts = lifts.reset_index(drop=True)
    reasons = []
    if int(is_a.sum()) < min_a:
        reasons.append("few_a")
    if not columns:
        reasons.append("no_attributes")
    top = _top_rows(lifts) if not reasons else lifts.iloc[:0]
    if not reasons and top.empty:
        reasons.append("no_lift")
    return Portrait(
        lifts=lifts.drop(columns="_z"),
        top=top.drop(columns="_z").reset_index(drop=True),
        verdict="thin" if reasons else "enough",
        reasons=tuple(reasons),
        n_a=int(is_a.sum()),
        n_buyers=len(buyers),
    )


def _top_rows(lifts: pd.DataFrame) -> pd.DataFrame:
    """Per attribute, the value with lift >= TOP_LIFT and the largest z; the TOP_ROWS largest z."""
    telling = lifts[lifts["lift"] >= TOP_LIFT]
    telling = telling.sort_values(["_z", "lift"], ascending=False, kind="stable")
    return telling.drop_duplicates("attribute").head(TOP_ROWS)


def _check_attributes(attributes: pd.DataFrame) -> None:
    """A DataError unless ``attributes`` looks like :func:`client_attributes` output."""
    require_columns(
        attributes, ("client_id", "status"), table="attributes", hint="pass client_attributes' table"
    )
    bad = ~attributes["status"].isin(STATUSES)
    if bad.any():
        raise DataError("unknown client status", column="status", value=attributes["status"][bad].iloc[0])


def _attribute_columns(attributes: pd.DataFrame, names: tuple[str, ...] = ATTRIBUTES) -> list[str]:
    return [c for c in names if c in attributes.columns]


# --------------------------------------------------------------------------------------------------
# 3. lookalikes


def rank_lookalikes(
    attributes: pd.DataFrame,
    *,
    top_n: int | None = None,
    seed: int = 0,
    min_a: int = 10,
    min_support: int = 5,
) -> pd.DataFrame:
    """B/C buyers ("grow") and non-buyers ("find") ranked by how much they look like A clients.

    The model: a logistic regression (scikit-learn, ``C = 1``, L2, classes balanced) on the one-hot
    :data:`MODEL_ATTRIBUTES` (values held by fewer than ``min_support`` buyers are left out), fitted
    on all buyers, A against B/C/D -- once per kind, on the attributes that kind has: non-buyers have
    no sales, so their model knows only the register's attributes and their score is the probability
    of A given those (comparable within a kind, not across kinds). Its ``score`` is the probability of being A; a client's
    ``reasons`` are its (attribute, value) pairs with the largest positive coefficient (its
    contribution ``coef × x``, x being 0/1), at most three. ``frequency`` is left out on purpose: how
    regularly a client buys is mostly how much it buys (A clients are A because they buy a lot, and
    often), so it would rank the largest B clients first -- re-finding big buyers, not lookalikes --
    and non-buyers have none. ``product_mix`` and ``channel`` stay: they say *what* and *where* a
    client buys, not how much. A and D clients are not ranked.

    Parameters
    ----------
    attributes
        :func:`client_attributes` output.
    top_n
        Keep the first ``top_n`` of each kind (``None``: all).
    seed
        ``random_state`` of the model (the result is deterministic for a seed).
    min_a, min_support
        As :func:`portrait`; when its verdict is thin, nothing is ranked.

    Returns
    -------
    DataFrame
        :data:`RANK_COLUMNS`: ``client_id``, ``name``, ``manager``, ``status``, ``kind`` (``grow`` |
        ``find``), ``score`` (0..1), ``rank`` (1 = best, within kind; ties by ``client_id``),
        ``reasons`` (tuple of ``(attribute, value)``); sorted by kind (grow first) then rank. Empty,
        with ``attrs["reason"]`` the first of the portrait's reasons (all in ``attrs["reasons"]``),
        when the portrait is thin.
    """
    verdict = portrait(attributes, min_a=min_a, min_support=min_support)
    if verdict.verdict == "thin":
        return _empty_ranking(verdict.reasons)
    status = attributes["status"].to_numpy(dtype=object)
    parts = []
    for kind, members in (("grow", np.isin(status, ["B", "C"])), ("find", status == "non_buyer")):
        if not members.any():
            continue
        columns = [
            c
            for c in _attribute_columns(attributes, MODEL_ATTRIBUTES)
            if attributes[c][members].notna().any()
        ]
        scored = _fit_score(attributes, members, columns, min_support=min_support, seed=seed)
        if scored is not None:
            parts.append(scored.assign(kind=kind))
    if not parts:
        return _empty_ranking(("no_attributes",))
    out = pd.concat(parts, ignore_index=True)
    out = out.sort_values(["kind", "score", "client_id"], ascending=[False, False, True], kind="stable")
    out["rank"] = out.groupby("kind", sort=False).cumcount().astype("int64") + 1
    if top_n is not None:
        out = out[out["rank"] <= positive_int(top_n, key="top_n")]
    return out[list(RANK_COLUMNS)].reset_index(drop=True)


def _fit_score(attributes: pd.DataFrame, members: np.ndarray, columns: list[str], *, min_support, seed):
    """The ``members``' rows (id columns, ``score``, ``reasons``) from a model fitted on every buyer with
    the attribute ``columns`` (None when no value is held by ``min_support`` buyers)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import OneHotEncoder

    index, features = _feature_index(attributes, columns, min_support)
    if not features:
        return None
    # sparse one-hot of the feature positions (-1, no feature, is "unknown": a row of zeros)
    kept = [np.unique(index[:, j][index[:, j] >= 0]) for j in range(index.shape[1])]
    encoder = OneHotEncoder(categories=kept, handle_unknown="ignore", dtype=np.float64)
    matrix = encoder.fit_transform(index).tocsr()
    status = attributes["status"].to_numpy(dtype=object)
    buyer = np.isin(status, BUYERS)
    model = LogisticRegression(C=1.0, class_weight="balanced", max_iter=1000, random_state=seed)
    model.fit(matrix[buyer], status[buyer] == "A")
    out = attributes.loc[members, list(_ID_COLUMNS)].reset_index(drop=True)
    out["score"] = model.predict_proba(matrix[members])[:, 1]
    out["reasons"] = _reasons(index[members], model.coef_[0], features)
    return out


def _empty_ranking(reasons: tuple[str, ...]) -> pd.DataFrame:
    out = pd.DataFrame({c: pd.Series(dtype=object) for c in RANK_COLUMNS})
    out = out.astype({"score": "float64", "rank": "int64"})
    out.attrs["reason"] = reasons[0] if reasons else "thin"
    out.attrs["reasons"] = tuple(reasons)
    return out


def _feature_index(attributes: pd.DataFrame, columns: list[str], min_support: int) -> tuple[np.ndarray, list]:
    """The one-hot features -- the ``(attribute, value)`` pairs held by at least ``min_support``
    buyers -- and, per client and attribute, the position of its feature (-1: none)."""
    buyer = attributes["status"].isin(BUYERS).to_numpy()
    blocks: list[np.ndarray] = []
    features: list[tuple[str, object]] = []
    for column in columns:
        codes, uniques = pd.factorize(attributes[column].astype(object), use_na_sentinel=True)
        counts = np.bincount(codes[buyer & (codes >= 0)], minlength=len(uniques))
        kept = np.flatnonzero(counts >= min_support)
        if kept.size == 0:
            continue
        position = np.full(len(uniques) + 1, -1, dtype=np.int64)  # the last one: NA (code -1)
        position[kept] = len(features) + np.arange(kept.size)
        blocks.append(position[codes])
        features += [(column, uniques[i]) for i in kept]
    index = np.stack(blocks, axis=1) if blocks else np.zeros((len(attributes), 0), dtype=np.int64)
    return index, features


def _reasons(index: np.ndarray, coef: np.ndarray, features: list, n: int = 3) -> list[tuple]:
    """Per row, its (attribute, value) features with the largest positive ``coef × x`` (x = 1), at
    most ``n``; tuples built once per distinct combination."""
    contribution = np.where(index >= 0, coef[np.maximum(index, 0)], -np.inf)
    order = np.argsort(-contribution, axis=1, kind="stable")[:, :n]
    best = np.take_along_axis(index, order, axis=1)
    best[np.take_along_axis(contribution, order, axis=1) <= 0] = -1
    combos, inverse = np.unique(best, axis=0, return_inverse=True)
    made = [tuple(features[j] for j in row if j >= 0) for row in combos.tolist()]
    return [made[i] for i in inverse.reshape(-1).tolist()]
