"""Whole-currency-unit splits: largest-remainder rounding, the one rule every split of the plan uses.

:func:`allocate` splits one total; :func:`largest_remainder` splits many totals at once (months among
managers, a manager's month over its week-parts); :func:`whole_units` rounds a money amount to whole
units, half away from zero.
"""

from __future__ import annotations

import math

import numpy as np

from ..exceptions import ConfigError, DataError

_ROUND_DIGITS = 9  # remainders equal to 1e-9 are ties, broken by position


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
    return largest_remainder(np.array([int(total)], dtype=np.int64), w, np.zeros(len(w), dtype=np.intp))


def largest_remainder(totals, weights, groups) -> np.ndarray:
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


def whole_units(amount: float) -> int:
    """Money to whole currency units, half away from zero (0.5 -> 1, -0.5 -> -1)."""
    value = float(amount)
    if not math.isfinite(value):
        raise ConfigError("a money amount is not a finite number", value=amount)
    return int(math.copysign(math.floor(abs(value) + 0.5), value))
