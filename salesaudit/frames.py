"""DataFrame helpers every stage shares: required columns, the as-of date, the analysis window, exact
money units, day numbers and deal codes. One definition of each, so the clients, plan, weekly and audit
stages agree on what "the window", "as of" or "a deal" means."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .exceptions import ConfigError, DataError


def as_of_date(as_of) -> pd.Timestamp:
    """``as_of`` as a timezone-naive midnight Timestamp; a clear ConfigError when it is not a date."""
    try:
        stamp = pd.Timestamp(as_of)
    except (TypeError, ValueError) as exc:
        raise ConfigError("as_of is not a date", key="as_of", value=as_of) from exc
    if pd.isna(stamp):
        raise ConfigError("as_of is missing", key="as_of", value=as_of)
    return stamp.tz_localize(None).normalize() if stamp.tzinfo else stamp.normalize()


def positive_int(value, *, key: str, minimum: int = 1) -> int:
    """``value`` as an int >= ``minimum`` (bools refused); the error names the engagement.yaml ``key``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ConfigError(f"{key} must be a whole number >= {minimum}", key=key, value=value)
    return int(value)


def analysis_window(*, as_of, window_months: int = 12, offset: int = 0) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last day of the analysis window.

    Parameters
    ----------
    as_of
        Analysis date; the month holding it is never in the window.
    window_months
        Number of full calendar months in the window.
    offset
        0 for the current window, 1 for the previous one (the ``window_months`` before it), etc.

    Returns
    -------
    tuple of Timestamp
        ``(start, end)``, both included.

    Examples
    --------
    >>> analysis_window(as_of="2026-11-25")
    (Timestamp('2025-11-01 00:00:00'), Timestamp('2026-10-31 00:00:00'))
    >>> analysis_window(as_of="2026-11-25", window_months=12, offset=1)[0]
    Timestamp('2024-11-01 00:00:00')
    """
    stamp = as_of_date(as_of)
    months = positive_int(window_months, key="window_months")
    end = stamp.to_period("M").to_timestamp() - pd.DateOffset(months=offset * months)
    start = end - pd.DateOffset(months=months)
    return start, end - pd.Timedelta(days=1)


def minor_units(values, decimals: int = 2) -> np.ndarray:
    """Round to ``decimals`` places, half-even, as integers (kopecks for money).

    ``x × 10**decimals`` is first rounded to 4 decimals to drop binary noise, so 0.285 (stored as
    0.28499999...) becomes 28.5 and then 28, as the decimal 0.285 would.
    """
    scaled = np.asarray(values, dtype=np.float64) * 10.0**decimals
    cleaned = np.where(np.abs(scaled) < 1e11, np.round(scaled, 4), scaled)
    return np.rint(cleaned).astype(np.int64)


def day_numbers(dates: pd.Series, *, table: str) -> np.ndarray:
    """Dates as whole days since 1970-01-01 (int64); a line without a date is a DataError naming ``table``."""
    if not pd.api.types.is_datetime64_any_dtype(dates):
        raise DataError(f"{table}.date is not a date column", column="date", value=str(dates.dtype))
    days = dates.to_numpy().astype("datetime64[D]")
    missing = np.isnat(days)
    if missing.any():
        raise DataError(
            f"{table} has a line without a date",
            column="date",
            value=f"index {dates.index[int(np.flatnonzero(missing)[0])]}",
            hint="intake rejects such lines; pass the validated table",
        )
    return days.astype(np.int64)


def coded(column: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Each value of ``column`` as the position of its distinct value, and the distinct values: the
    one way every stage turns a text column into integers, never a Python object per line.

    A categorical gives its codes and categories (unused ones included); an Arrow text column is
    dictionary-encoded by pyarrow; any other column is factorised. A missing value is coded ``-1``.
    The codes keep their small integer type (a categorical's ``int8`` / ``int16``).

    Examples
    --------
    >>> codes, values = coded(pd.Series(["b", None, "a", "b"], dtype="str"))
    >>> codes.tolist(), values.tolist()
    ([0, -1, 1, 0], ['b', 'a'])
    """
    if isinstance(column.dtype, pd.CategoricalDtype):
        return column.cat.codes.to_numpy(), column.cat.categories
    if isinstance(column.array, pd.arrays.ArrowExtensionArray):
        text = pa.array(column.array)
        if isinstance(text, pa.ChunkedArray):  # one array: encoding chunks repeats the dictionary in each
            text = text.combine_chunks()
        if pa.types.is_string(text.type) or pa.types.is_large_string(text.type):
            encoded = pc.dictionary_encode(text)
            codes = pc.fill_null(encoded.indices, -1).to_numpy()
            return codes, pd.Index(pd.array(encoded.dictionary, dtype=column.dtype))
    codes, values = pd.factorize(column)
    return codes, pd.Index(values)


def codes(values: pd.Series) -> np.ndarray:
    """The codes of :func:`coded` as int64 (missing: -1), for arithmetic on them.

    Examples
    --------
    >>> codes(pd.Series(["b", "a", None, "b"])).tolist()
    [0, 1, -1, 0]
    >>> codes(pd.Series(["b", "a", "b"], dtype="category")).tolist()
    [1, 0, 1]
    """
    return coded(values)[0].astype(np.int64, copy=False)


def deal_codes(sales: pd.DataFrame) -> np.ndarray:
    """One integer per sales line naming its deal: the line's document (``document_id``) where it has
    one, else its client and day (a client's lines of one day without a document are one deal). Two
    lines share a code exactly when they belong to one deal; the undocumented lines of a client
    without a date are one deal. Works on codes and day numbers, never a string per line.

    Examples
    --------
    >>> sales = pd.DataFrame({
    ...     "date": pd.to_datetime(["2026-03-02 09:00", "2026-03-02 17:00", "2026-03-02 00:00", "2026-03-03 00:00"]),
    ...     "client_id": ["K1", "K1", "K1", "K1"],
    ...     "document_id": [None, None, "D7", None],
    ... })
    >>> deal_codes(sales).tolist()  # the two undocumented lines of 2 March are one deal
    [1, 1, 0, 2]
    """
    n = len(sales)
    doc = codes(sales["document_id"]) if "document_id" in sales.columns else np.full(n, -1, np.int64)
    loose = doc < 0
    out = doc.copy()
    if loose.any():
        client = codes(sales["client_id"])[loose]
        day = sales["date"].to_numpy()[loose].astype("datetime64[D]")
        known = ~np.isnat(day)
        number = day.astype(np.int64)
        first = int(number[known].min()) if known.any() else 0
        days = np.where(known, number - first + 1, 0)  # 0: no date
        pair = (client + 1) * (int(days.max()) + 1) + days
        out[loose] = int(doc.max(initial=-1)) + 1 + pd.factorize(pair)[0]
    return out


def require(frame: pd.DataFrame | None, columns: Sequence[str], table: str) -> None:
    """Fail with one DataError when ``frame`` is None or lacks one of ``columns`` (the first is named)."""
    if frame is None:
        raise DataError(f"the {table} table is needed here", hint=f"provide the {table} table")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataError(
            f"the {table} table has no column {missing[0]!r}",
            column=missing[0],
            hint=f"{table} needs columns: {', '.join(columns)}",
        )


def resolve_as_of(sales: pd.DataFrame | None, as_of) -> pd.Timestamp | None:
    """``as_of`` as a midnight Timestamp; by default the day after the last sale (None if no sales)."""
    if as_of is not None:
        return pd.Timestamp(as_of).normalize()
    if sales is None or len(sales) == 0 or sales["date"].isna().all():
        return None
    return pd.Timestamp(sales["date"].max()).normalize() + pd.Timedelta(days=1)


def sales_window(sales: pd.DataFrame, *, end: pd.Timestamp, months: int = 12) -> pd.DataFrame:
    """Sales lines with ``end - months <= date < end``. Exports usually come in date order: then the
    window is a slice found by binary search, not a mask over every line (the same rows, in order)."""
    start = end - pd.DateOffset(months=months)
    dates = sales["date"]
    if dates.is_monotonic_increasing:  # False with a missing date: those never fall in a window
        return sales.iloc[dates.searchsorted(start, side="left") : dates.searchsorted(end, side="left")]
    return sales.loc[(dates >= start) & (dates < end)]
