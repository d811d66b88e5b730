"""Where the revenue sits and where the effort goes: manager portfolios and concentration.

Works on the client table of :func:`salesaudit.clients.segmentation.segment_clients` (PLAYBOOK.md, "Clients"
and the audit checks "concentration — top-20 % share, largest client's share" and "D clients and effort
spent on them").

Conventions (pinned in ``tests/clients/test_portfolio.py``):

* Concentration figures are over clients with a positive value (revenue by default); clients with
  net revenue <= 0 are out of the base, as in ABC.
* Top 20 % of clients = the ``ceil(0.2 × n)`` largest (at least one client), ties by ``client_id``.
* Gini coefficient of the positive values, ``G = 2 Σ i·x(i) / (n Σ x) − (n + 1) / n`` with ``x``
  ascending and ``i`` = 1..n: 0 when all clients are equal, ``(n − 1) / n`` when one has everything.
* The Pareto (80/20) point is the first client on the curve whose cumulative revenue share reaches at
  least 80 %, compared exactly in kopecks (the crossing client of the ABC "reach" rule, ties not
  merged).
* Activities: those dated in the analysis window, counted by the activity's ``manager``; the share on
  D clients is activities with a D client over all the manager's activities in the window (activities
  without a client count in the denominator).
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pandas as pd

from ..exceptions import ConfigError
from ..frames import analysis_window, day_numbers, minor_units
from .abc import SEGMENTS
from .arrays import require_columns

CLASS_CLIENTS = ("clients_A", "clients_B", "clients_C", "clients_D")
"""Columns of :func:`manager_portfolios` counting a manager's clients per class (in ``SEGMENTS``' order)."""
CLASS_REVENUE = ("revenue_A", "revenue_B", "revenue_C", "revenue_D")
"""... and their revenue per class."""
_CLIENT_TABLE = "client (segment_clients)"
"""How a missing column's error names the client table."""


def _share(value, *, key: str) -> Fraction:
    try:
        share = value if isinstance(value, Fraction) else Fraction(str(value))
    except (TypeError, ValueError) as exc:
        raise ConfigError("must be a share between 0 and 1", key=key, value=value) from exc
    if not 0 < share <= 1:
        raise ConfigError("must be a share between 0 and 1", key=key, value=value)
    return share


def _positive_sorted(table: pd.DataFrame, value: str) -> pd.DataFrame:
    """Clients with a positive ``value``, largest first, ties by ``client_id``."""
    require_columns(table, ("client_id", value), table=_CLIENT_TABLE, hint=None)
    values = table[value].to_numpy(dtype=np.float64, na_value=np.nan)
    ok = values > 0
    rows = pd.DataFrame({"client_id": table["client_id"].to_numpy()[ok], "value": values[ok]}).sort_values(
        ["value", "client_id"], ascending=[False, True], kind="stable"
    )
    return rows.reset_index(drop=True)


def manager_portfolios(
    clients_table: pd.DataFrame,
    *,
    activities: pd.DataFrame | None = None,
    as_of=None,
    window_months: int = 12,
) -> pd.DataFrame:
    """Each manager's clients and revenue by segment, and the effort spent on D clients.

    Parameters
    ----------
    clients_table
        :func:`~salesaudit.clients.segmentation.segment_clients` output (``manager``, ``segment``,
        ``revenue``, ``dormant_alarm``). A client counts for its main ``manager``.
    activities
        Optional canonical activities table (``date``, ``manager``, + ``client_id``).
    as_of, window_months
        The analysis window (required with ``activities``).

    Returns
    -------
    DataFrame
        One row per manager (managers with activities but no client included), largest revenue
        first. Clients without a manager (and activities without one) are left out — a report cannot
        name an owner the data does not have; :func:`unassigned_clients` counts them. Columns ``manager``,
        ``clients``, ``revenue``, ``revenue_share`` (of the positive total), ``clients_A`` ..
        ``clients_D``, ``revenue_A`` .. ``revenue_D``, ``dormant_alarms``; with activities also
        ``activities``, ``activities_on_d`` and ``d_activity_share`` (NA when the activities have no
        ``client_id``).

    Raises
    ------
    ConfigError
        ``activities`` without ``as_of``.
    DataError
        A missing column.

    Examples
    --------
    >>> t = pd.DataFrame({"client_id": ["a", "b", "c"], "manager": ["Ivanov", "Ivanov", "Petrov"],
    ...     "segment": ["A", "D", "B"], "revenue": [80.0, -5.0, 20.0],
    ...     "dormant_alarm": [False, False, True]})
    >>> p = manager_portfolios(t)
    >>> p[["manager", "clients", "revenue", "clients_A", "clients_D", "dormant_alarms"]].values.tolist()
    [['Ivanov', 2, 75.0, 1, 1, 0], ['Petrov', 1, 20.0, 0, 0, 1]]
    """
    require_columns(
        clients_table,
        ("client_id", "manager", "segment", "revenue", "dormant_alarm"),
        table=_CLIENT_TABLE,
        hint=None,
    )
    out = _per_manager(clients_table)
    if activities is not None:
        if as_of is None:
            raise ConfigError("activities need the analysis date", key="as_of")
        out = _with_activities(out, clients_table, activities, as_of=as_of, window_months=window_months)
    out = out[out.index.notna()]
    return _ordered(out, with_activities=activities is not None)


def unassigned_clients(clients_table: pd.DataFrame) -> pd.Series:
    """The clients :func:`manager_portfolios` leaves out because no manager is known for them.

    Returns
    -------
    Series
        ``clients`` (how many), ``revenue`` (their net revenue) and ``revenue_share`` (of the positive
        total, as ``manager_portfolios``'s ``revenue_share``; NaN when no revenue is positive).

    Examples
    --------
    >>> t = pd.DataFrame({"client_id": ["a", "b"], "manager": ["Ivanov", None], "revenue": [75.0, 25.0]})
    >>> unassigned_clients(t).tolist()
    [1.0, 25.0, 0.25]
    """
    require_columns(clients_table, ("client_id", "manager", "revenue"), table=_CLIENT_TABLE, hint=None)
    revenue = clients_table["revenue"].to_numpy(dtype=np.float64, na_value=np.nan)
    missing = clients_table["manager"].isna().to_numpy()
    total = revenue[revenue > 0].sum()
    own = float(np.nansum(revenue[missing]))
    return pd.Series(
        {
            "clients": int(missing.sum()),
            "revenue": own,
            "revenue_share": own / total if total > 0 else np.nan,
        },
        dtype=np.float64,
    )


def _per_manager(tab: pd.DataFrame) -> pd.DataFrame:
    """Per manager (index; None for clients without one): ``clients``, ``revenue``,
    ``dormant_alarms``, ``clients_A`` .. ``clients_D``, ``revenue_A`` .. ``revenue_D``,
    ``revenue_share``."""
    manager = tab["manager"].astype(object).where(tab["manager"].notna(), None)
    frame = pd.DataFrame(
        {
            "manager": manager.to_numpy(),
            "segment": tab["segment"].to_numpy(dtype=object),
            "revenue": tab["revenue"].to_numpy(dtype=np.float64),
            "alarm": tab["dormant_alarm"].to_numpy(dtype=bool),
        }
    )
    grouped = frame.groupby("manager", dropna=False, sort=False)
    out = pd.DataFrame(
        {
            "clients": grouped.size(),
            "revenue": grouped["revenue"].sum(),
            "dormant_alarms": grouped["alarm"].sum(),
        }
    )
    counts = pd.crosstab(frame["manager"].fillna("\0"), frame["segment"])
    money = frame.pivot_table(
        index=frame["manager"].fillna("\0"), columns="segment", values="revenue", aggfunc="sum"
    )
    key = out.index.to_series().fillna("\0")
    for seg, n_col, money_col in zip(SEGMENTS, CLASS_CLIENTS, CLASS_REVENUE, strict=True):
        col_counts = counts[seg] if seg in counts.columns else pd.Series(dtype=np.int64)
        col_money = money[seg] if seg in money.columns else pd.Series(dtype=np.float64)
        out[n_col] = col_counts.reindex(key).fillna(0).astype(np.int64).to_numpy()
        out[money_col] = col_money.reindex(key).fillna(0.0).to_numpy()
    total = frame.loc[frame["revenue"] > 0, "revenue"].sum()
    out["revenue_share"] = out["revenue"] / total if total > 0 else np.nan
    return out


def _ordered(out: pd.DataFrame, *, with_activities: bool) -> pd.DataFrame:
    """The manager table's final types, order (largest revenue first) and columns."""
    out = out.rename_axis("manager").reset_index()
    out["manager"] = out["manager"].astype("str")
    out["clients"] = out["clients"].astype(np.int64)
    out["dormant_alarms"] = out["dormant_alarms"].astype(np.int64)
    out = out.sort_values(["revenue", "manager"], ascending=[False, True], na_position="last")
    columns = [
        "manager",
        "clients",
        "revenue",
        "revenue_share",
        *CLASS_CLIENTS,
        *CLASS_REVENUE,
        "dormant_alarms",
    ]
    if with_activities:
        columns += ["activities", "activities_on_d", "d_activity_share"]
    return out[columns].reset_index(drop=True)


def _with_activities(out, tab, activities, *, as_of, window_months) -> pd.DataFrame:
    require_columns(activities, ("date", "manager"), table="activities", hint=None)
    start, end = analysis_window(as_of=as_of, window_months=window_months)
    day = day_numbers(activities["date"], table="activities")
    lo = np.datetime64(start.date(), "D").astype(np.int64)
    hi = np.datetime64(end.date(), "D").astype(np.int64)
    inside = (day >= lo) & (day <= hi)
    acts = pd.DataFrame({"manager": activities["manager"].to_numpy(dtype=object)[inside]})
    has_client = "client_id" in activities.columns
    if has_client:
        d_clients = set(tab.loc[tab["segment"] == "D", "client_id"].tolist())
        client = activities["client_id"].to_numpy(dtype=object)[inside]
        acts["on_d"] = pd.Series(client).isin(d_clients).to_numpy()
    else:
        acts["on_d"] = False
    acts["manager"] = acts["manager"].where(acts["manager"].notna(), None)
    per = acts.groupby("manager", dropna=False, sort=False).agg(
        activities=("on_d", "size"), activities_on_d=("on_d", "sum")
    )
    out = out.join(per, how="outer")
    for col in ("clients", "dormant_alarms", *CLASS_CLIENTS):
        out[col] = out[col].fillna(0).astype(np.int64)
    for col in ("revenue", *CLASS_REVENUE):
        out[col] = out[col].fillna(0.0)
    out["activities"] = out["activities"].fillna(0).astype("Int64")
    if has_client:
        out["activities_on_d"] = out["activities_on_d"].fillna(0).astype("Int64")
        with np.errstate(invalid="ignore", divide="ignore"):
            share = out["activities_on_d"].astype(float) / out["activities"].astype(float)
        out["d_activity_share"] = share.where(out["activities"] > 0)
    else:
        out["activities_on_d"] = pd.array([pd.NA] * len(out), dtype="Int64")
        out["d_activity_share"] = np.nan
    return out


def concentration(
    clients_table: pd.DataFrame, *, value: str = "revenue", top_share: float = 0.2, point=0.8
) -> pd.Series:
    """Concentration figures of the client base.

    Parameters
    ----------
    clients_table
        A table with ``client_id`` and ``value`` (the client table of ``segment_clients``).
    value
        Column to measure (``revenue``, ``margin``...).
    top_share
        Share of clients called "top" (20 %).
    point
        Cumulative revenue share of the Pareto point (80 %).

    Returns
    -------
    Series
        ``clients`` (with a positive value), ``total``, ``top_clients`` (``ceil(top_share × n)``),
        ``top_share`` (their share of the total), ``top1_share``, ``top10_share``, ``gini``,
        ``pareto_clients`` (clients up to the Pareto point), ``pareto_client_share`` and
        ``pareto_revenue_share`` (the point's coordinates). NaN shares when no value is positive.

    Examples
    --------
    >>> t = pd.DataFrame({"client_id": list("abcde"), "revenue": [60.0, 20.0, 10.0, 5.0, 5.0]})
    >>> c = concentration(t)
    >>> c[["top_clients", "top_share", "top1_share", "pareto_clients"]].tolist()
    [1.0, 0.6, 0.6, 2.0]
    >>> round(float(c["gini"]), 2)
    0.5
    """
    top = _share(top_share, key="top_share")
    rows = _positive_sorted(clients_table, value)
    x = rows["value"].to_numpy()
    n = len(x)
    total = float(x.sum())
    if n == 0:
        nan = np.nan
        return pd.Series(
            {
                "clients": 0,
                "total": 0.0,
                "top_clients": 0,
                "top_share": nan,
                "top1_share": nan,
                "top10_share": nan,
                "gini": nan,
                "pareto_clients": 0,
                "pareto_client_share": nan,
                "pareto_revenue_share": nan,
            },
            dtype=np.float64,
        )
    k = max(1, -((-top.numerator * n) // top.denominator))
    ascending = x[::-1]
    gini = 2.0 * np.sum(np.arange(1, n + 1) * ascending) / (n * total) - (n + 1) / n
    at = _pareto_index(x, point)
    cum = np.cumsum(x)
    return pd.Series(
        {
            "clients": n,
            "total": total,
            "top_clients": k,
            "top_share": x[:k].sum() / total,
            "top1_share": x[0] / total,
            "top10_share": x[:10].sum() / total,
            "gini": gini,
            "pareto_clients": at + 1,
            "pareto_client_share": (at + 1) / n,
            "pareto_revenue_share": cum[at] / total,
        },
        dtype=np.float64,
    )


def _pareto_index(sorted_values: np.ndarray, point) -> int:
    """Position of the first client whose cumulative share reaches ``point``, exactly in kopecks."""
    share = _share(point, key="point")
    minor = minor_units(sorted_values)
    cum = np.cumsum(minor)
    threshold = -((-share.numerator * int(cum[-1])) // share.denominator)
    return int(np.searchsorted(cum, threshold, side="left"))


def pareto_curve(clients_table: pd.DataFrame, *, value: str = "revenue", point=0.8) -> pd.DataFrame:
    """Points of the Pareto (Lorenz-type) curve: cumulative client share vs cumulative value share.

    Parameters
    ----------
    clients_table
        A table with ``client_id`` and ``value``.
    value
        Column to accumulate.
    point
        Cumulative share marking the Pareto point (80 %).

    Returns
    -------
    DataFrame
        An origin row (rank 0) then one row per client with a positive value, largest first, ties by
        ``client_id``; columns ``rank``, ``client_id``, ``value``, ``client_share``,
        ``revenue_share`` (cumulative share of the value) and ``is_point`` (True on the first client
        reaching ``point``).

    Examples
    --------
    >>> t = pd.DataFrame({"client_id": ["a", "b", "c"], "revenue": [70.0, 20.0, 10.0]})
    >>> pareto_curve(t)[["rank", "client_share", "revenue_share", "is_point"]].round(2).values.tolist()
    [[0, 0.0, 0.0, False], [1, 0.33, 0.7, False], [2, 0.67, 0.9, True], [3, 1.0, 1.0, False]]
    """
    rows = _positive_sorted(clients_table, value)
    n = len(rows)
    x = rows["value"].to_numpy()
    total = x.sum()
    is_point = np.zeros(n + 1, dtype=bool)
    if n:
        is_point[_pareto_index(x, point) + 1] = True
    return pd.DataFrame(
        {
            "rank": np.arange(n + 1, dtype=np.int64),
            "client_id": pd.Series([None, *rows["client_id"].tolist()], dtype="str"),
            "value": np.r_[0.0, x],
            "client_share": np.arange(n + 1) / n if n else np.zeros(1),
            "revenue_share": np.r_[0.0, np.cumsum(x) / total] if n else np.zeros(1),
            "is_point": is_point,
        }
    )
