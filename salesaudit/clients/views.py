"""Views on the client table of :func:`salesaudit.clients.segmentation.segment_clients`: the ABC × XYZ
and migration matrices, and the lists the report shows (lost, dormant, growth candidates), plus the
clients shared by several managers (from the sales lines). Numbers only; the sentences about them are
in :mod:`salesaudit.clients.wording`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..frames import coded, positive_int
from .abc import CLASSES
from .arrays import require_columns, sales_lines
from .xyz import XYZ_CLASSES

MIGRATION_FROM: tuple[str, ...] = ("A", "B", "C", "D", "new", "none")
MIGRATION_TO: tuple[str, ...] = ("A", "B", "C", "D", "lost")


def need_client_table(table: pd.DataFrame, columns: Sequence[str]) -> None:
    """A DataError unless ``table`` has ``columns`` (the client table of ``segment_clients``)."""
    require_columns(table, columns, table="client", hint="pass the table segment_clients returns")


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
    need_client_table(clients_table, ("abc_class", "xyz_class", "revenue"))
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
    need_client_table(clients_table, ("prev_class", "abc_class", "lost"))
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
    need_client_table(clients_table, (*cols, "lost"))
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
    need_client_table(clients_table, (*cols, "dormant"))
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
    need_client_table(clients_table, cols)
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
    lines = sales_lines(sales, as_of=as_of, window_months=window_months)
    if "manager" not in sales.columns:
        return pd.DataFrame({c: [] for c in columns})
    inside = lines.window(0)
    manager, names = coded(sales["manager"])
    names = names.to_numpy(dtype=object)
    manager = manager[lines.rows[inside]]
    sold = manager >= 0  # a line without a manager is no one's
    # summed per client and manager on codes first: the names are looked up per pair, not per line
    pairs = (
        pd.DataFrame({"c": lines.code[inside][sold], "m": manager[sold], "minor": lines.minor[inside][sold]})
        .groupby(["c", "m"], as_index=False)["minor"]
        .sum()
    )
    frame = pd.DataFrame(
        {
            "client_id": lines.ids[pairs["c"].to_numpy()],
            "manager": names[pairs["m"].to_numpy()],
            "minor": pairs["minor"],
        }
    )
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
