"""Sales lines as flat arrays, and the small column helpers the clients stage shares.

The Clients stage works on NumPy arrays, one value per client coded 0..n-1, rather than on grouped
DataFrames: :func:`sales_lines` turns the canonical sales table into such arrays once (window,
money in kopecks, day and month numbers), and :mod:`salesaudit.clients.segmentation`,
:mod:`~salesaudit.clients.xyz` and :mod:`~salesaudit.clients.views` read them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..exceptions import DataError
from ..frames import as_of_date, day_numbers, minor_units, positive_int

CANONICAL_HINT = "pass the canonical {table} table (salesaudit.intake.schemas.CANONICAL)"
"""Default hint of :func:`require_columns` (``{table}`` is filled in)."""

NEVER = np.iinfo(np.int64).max
"""Day number of a first purchase that never happened (``-NEVER`` for the last one)."""


def require_columns(
    frame: pd.DataFrame, columns: Sequence[str], *, table: str, hint: str | None = CANONICAL_HINT
) -> None:
    """Fail with one DataError naming every missing column of ``frame`` (the first as ``column``).

    ``hint`` may hold ``{table}``; ``None`` gives no hint.

    Examples
    --------
    >>> require_columns(pd.DataFrame({"date": []}), ("date", "amount", "client_id"), table="sales")
    Traceback (most recent call last):
    ...
    salesaudit.exceptions.DataError: column 'amount': sales table lacks column(s): amount, client_id
      hint: pass the canonical sales table (salesaudit.intake.schemas.CANONICAL)
    """
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataError(
            f"{table} table lacks column(s): {', '.join(missing)}",
            column=missing[0],
            hint=None if hint is None else hint.format(table=table),
        )


def int_or_na(values: np.ndarray) -> pd.arrays.IntegerArray:
    """Whole numbers as a nullable ``Int64`` array, NaN becoming <NA>."""
    values = np.asarray(values, dtype=np.float64)
    missing = np.isnan(values)
    return pd.arrays.IntegerArray(np.where(missing, 0, values).astype(np.int64), missing)


def str_array(values) -> pd.Series:
    """Text values as a pandas ``str`` Series on a fresh RangeIndex (missing stays missing)."""
    values = values.to_numpy(dtype=object) if isinstance(values, (pd.Series, pd.Index)) else values
    return pd.Series(values, dtype="str")


@dataclass(frozen=True)
class Lines:
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


def month_of_day(days: np.ndarray) -> np.ndarray:
    """Months since 1970-01 of day numbers."""
    return days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)


def sales_lines(sales: pd.DataFrame, *, as_of, window_months: int) -> Lines:
    """The sales lines dated up to ``as_of`` as :class:`Lines`; a DataError for a line without a date,
    an amount or a client_id."""
    require_columns(sales, ("date", "client_id", "amount"), table="sales")
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
    return Lines(
        ids=pd.Index(ids, name="client_id"),
        code=code.astype(np.int64),
        day=day,
        month=month_of_day(day),
        minor=minor_units(amount[rows]),
        rows=rows,
        start=int(np.datetime64(stamp.date(), "M").astype(np.int64)) - months,
        months=months,
        as_of=stamp,
    )


def first_last_purchase(lines: Lines) -> tuple[np.ndarray, np.ndarray]:
    """Day number of each client's first and last purchase (positive line); sentinels if none."""
    buy = lines.minor > 0
    first = np.full(lines.n, NEVER, dtype=np.int64)
    last = np.full(lines.n, -NEVER, dtype=np.int64)
    np.minimum.at(first, lines.code[buy], lines.day[buy])
    np.maximum.at(last, lines.code[buy], lines.day[buy])
    return first, last


def days_to_dates(days: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """Day numbers as ``datetime64[us]`` dates, NaT where not ``valid``."""
    out = np.full(len(days), np.datetime64("NaT"), dtype="datetime64[us]")
    out[valid] = days[valid].astype("datetime64[D]").astype("datetime64[us]")
    return out
