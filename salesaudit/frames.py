"""DataFrame helpers every stage shares: required columns, the as-of date, the analysis window, exact
money units and day numbers. One definition of each, so the clients, plan, weekly and audit stages agree
on what "the window" or "as of" means."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

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
    """Sales lines with ``end - months <= date < end``."""
    start = end - pd.DateOffset(months=months)
    dates = sales["date"]
    return sales.loc[(dates >= start) & (dates < end)]
