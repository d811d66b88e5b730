"""Per-client figures of :func:`salesaudit.clients.segmentation.segment_clients`: gross margin,
orders, main manager, name, activities, the clients register and the multi-criteria score.

Each function takes the sales lines as :class:`~salesaudit.clients.arrays.Lines` (or plain arrays) and
returns one value per client, in the clients' code order; the conventions are in
:mod:`salesaudit.clients.segmentation`'s docstring ("Orders", "Manager", "Score").
"""

from __future__ import annotations

from collections.abc import Mapping
from numbers import Real

import numpy as np
import pandas as pd

from ..exceptions import ConfigError, DataError
from ..frames import day_numbers, minor_units
from .arrays import Lines, require_columns

DEFAULT_WEIGHTS: dict[str, float] = {
    "revenue": 0.4,
    "margin": 0.3,
    "frequency": 0.2,
    "potential": 0.1,
}
"""Weights of the score's criteria when ``engagement.yaml`` sets none."""


def margin_minor(lines: Lines, sales: pd.DataFrame, mask: np.ndarray):
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


def order_counts(lines: Lines, sales: pd.DataFrame, mask: np.ndarray) -> np.ndarray:
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
    """Distinct non-negative integer keys (sorted) and the sum of ``weights`` for each: counted in a
    bin per possible key when there are not many more of those than keys (clients x managers: 47k x 25
    at 10M lines, 0.3 s instead of a sort), else sort-based. Either way each key's weights are added
    in the order they come, so the sums are the same to the last bit.

    Examples
    --------
    >>> _group_sums(np.array([5, 2, 5, 9]), np.array([1.0, 2.0, 3.0, 4.0]))
    (array([2, 5, 9]), array([2., 4., 4.]))
    """
    span = int(keys.max()) + 1 if len(keys) else 0
    if span <= max(4 * len(keys), 1 << 20):
        present = np.flatnonzero(np.bincount(keys, minlength=span))
        sums = np.bincount(keys, weights=weights, minlength=span)
        return present.astype(keys.dtype, copy=False), sums[present]
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]
    starts = np.r_[True, sorted_keys[1:] != sorted_keys[:-1]] if len(keys) else sorted_keys > 0
    group = np.cumsum(starts) - 1
    sums = np.bincount(group, weights=weights[order]) if len(keys) else np.zeros(0)
    return sorted_keys[starts], sums


def main_managers(lines: Lines, sales: pd.DataFrame, mask: np.ndarray):
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


def client_names(lines: Lines, sales: pd.DataFrame) -> np.ndarray:
    """The client's name on its latest line (by date) that has one."""
    out = np.full(lines.n, None, dtype=object)
    if "client_name" not in sales.columns:
        return out
    column = sales["client_name"]
    named = np.flatnonzero(column.notna().to_numpy()[lines.rows])  # the lines that have a name
    code, day = lines.code[named], lines.day[named]
    latest = np.full(lines.n, np.iinfo(np.int64).min)
    np.maximum.at(latest, code, day)  # each client's latest day with a name: linear, no sort of every line
    on_latest = np.flatnonzero(day == latest[code])
    # of the lines on that day, the last in the file; only those become Python strings (10M lines: 7 s)
    codes_from_end = code[on_latest][::-1]
    kept, first = np.unique(codes_from_end, return_index=True)
    chosen = on_latest[::-1][first]
    out[kept] = column.iloc[lines.rows[named[chosen]]].to_numpy(dtype=object)
    return out


def positions(ids: pd.Index, values: pd.Series) -> np.ndarray:
    """Position of each value in the unique ``ids`` (-1 when absent), by one factorisation of both
    (much faster than ``Index.get_indexer`` on text)."""
    both = pd.concat(
        [pd.Series(ids.to_numpy(), dtype=values.dtype), values.reset_index(drop=True)], ignore_index=True
    )
    codes = pd.factorize(both)[0][len(ids) :]
    return np.where(codes < len(ids), codes, -1)


def activity_counts(activities, ids: pd.Index, start, end) -> np.ndarray | None:
    """Activities with each client dated within ``start``..``end`` (both included)."""
    if activities is None or "client_id" not in activities.columns:
        return None
    require_columns(activities, ("date",), table="activities")
    day = day_numbers(activities["date"], table="activities")
    lo = np.datetime64(start.date(), "D").astype(np.int64)
    hi = np.datetime64(end.date(), "D").astype(np.int64)
    inside = (day >= lo) & (day <= hi)
    pos = positions(ids, activities["client_id"][inside])
    return np.bincount(pos[pos >= 0], minlength=len(ids))


def check_weights(weights: Mapping[str, float] | None) -> dict[str, float]:
    """The score weights, one per criterion of :data:`DEFAULT_WEIGHTS` (0 when left out), checked."""
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


def weighted_score(criteria: Mapping[str, np.ndarray | None], weights: Mapping[str, float]) -> np.ndarray:
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


def client_register(clients: pd.DataFrame | None, ids: pd.Index) -> pd.DataFrame:
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
    require_columns(clients, ("client_id",), table="clients")
    dup = clients["client_id"].duplicated()
    if dup.any():
        raise DataError(
            "a client_id appears twice in the clients register",
            column="client_id",
            value=clients["client_id"][dup].iloc[0],
        )
    pos = positions(ids, clients["client_id"])
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
