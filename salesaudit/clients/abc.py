"""ABC classes: the exact cut-off arithmetic of the Clients stage (the conventions are in
:mod:`salesaudit.clients.segmentation`'s docstring, "ABC boundary").

Values are compared in integer minor units against ``cutoff × total`` with the cut-off as a
:class:`fractions.Fraction`, so float error never moves a client across a boundary.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import pandas as pd

from ..exceptions import ConfigError, DataError
from ..frames import minor_units
from .arrays import str_array

CLASSES: tuple[str, ...] = ("A", "B", "C")
SEGMENTS: tuple[str, ...] = ("A", "B", "C", "D")
"""The final segments of a client: the ABC classes and D (see ``segment_clients``' ``d_reason``)."""
RULES: tuple[str, ...] = ("reach", "below")


def check_rule(rule: str) -> str:
    """``rule`` when it is one of :data:`RULES`, else a ConfigError."""
    if rule not in RULES:
        raise ConfigError(
            "unknown ABC boundary rule",
            key="segmentation.rule",
            value=rule,
            hint="use 'reach' (default) or 'below'",
        )
    return rule


def cutoff_fractions(cutoffs) -> tuple[Fraction, Fraction]:
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
class Ranked:
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


def abc_rank(
    raw: np.ndarray,
    id_rank: np.ndarray,
    *,
    cutoffs: Sequence[Fraction],
    rule: str,
    decimals: int = 2,
    nonpositive: str | None = "D",
) -> Ranked:
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
    return Ranked(order=order, labels=labels, share=share, cum_share=cum_share, rank=rank)


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
    fractions = cutoff_fractions(cutoffs)
    check_rule(rule)
    if not values.index.is_unique:
        dup = values.index[values.index.duplicated()][0]
        raise DataError("a client_id appears twice in the values to classify", value=dup)
    raw = values.to_numpy(dtype=np.float64, na_value=np.nan)
    id_rank = np.empty(len(raw), dtype=np.int64)
    id_rank[values.index.argsort()] = np.arange(len(raw))
    ranked = abc_rank(raw, id_rank, cutoffs=fractions, rule=rule, decimals=decimals, nonpositive=nonpositive)
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
            "abc_class": str_array(ranked.labels).to_numpy(),
        },
        index=index,
    )
