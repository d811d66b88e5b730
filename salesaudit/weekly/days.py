"""Day numbers and week-parts: the calendar arithmetic under weekly tracking.

A day is an ``int64`` number of days since 1970-01-01 (a Thursday), so that week and month bounds are
vectorised integer arithmetic. A *week-part* is a Monday–Sunday week cut at month boundaries: a week
spanning two months is two parts. ``_NAT`` stands for a missing date.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..exceptions import ConfigError, DataError

_NAT = np.iinfo(np.int64).min


def _to_day(value, *, key: str) -> int:
    try:
        ts = pd.Timestamp(value)
    except (ValueError, TypeError) as exc:
        raise ConfigError(f"{key} is not a date", key=key, value=value) from exc
    if pd.isna(ts):
        raise ConfigError(f"{key} is missing", key=key, value=value)
    return int(np.datetime64(ts.date(), "D").astype(np.int64))


def _day_numbers(values: pd.Series, *, table: str, column: str) -> np.ndarray:
    if not pd.api.types.is_datetime64_any_dtype(values):
        try:
            values = pd.to_datetime(values, format="ISO8601")
        except (ValueError, TypeError) as exc:
            raise DataError(
                f"{table}.{column} holds values that are not dates",
                column=column,
                hint="pass the canonical table produced by intake (datetime64 columns)",
            ) from exc
    if getattr(values.dtype, "tz", None) is not None:
        values = values.dt.tz_localize(None)
    days = values.to_numpy().astype("datetime64[D]").astype(np.int64)
    return np.where(values.isna().to_numpy(), _NAT, days)


def _dates(days) -> np.ndarray:
    return np.asarray(days, dtype=np.int64).astype("datetime64[D]").astype("datetime64[us]")


def _timestamp(day: int) -> pd.Timestamp:
    return pd.Timestamp(np.datetime64(int(day), "D"))


def _month_start(days: np.ndarray) -> np.ndarray:
    return days.astype("datetime64[D]").astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)


def _month_end(days: np.ndarray) -> np.ndarray:
    months = days.astype("datetime64[D]").astype("datetime64[M]") + 1
    return months.astype("datetime64[D]").astype(np.int64) - 1


def _monday(days):
    return days - (days + 3) % 7


def _part_bounds(days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """First and last day of the week-part containing each day (Monday–Sunday cut at month ends)."""
    days = np.asarray(days, dtype=np.int64)
    monday = _monday(days)
    return np.maximum(monday, _month_start(days)), np.minimum(monday + 6, _month_end(days))


def _periods(days: np.ndarray) -> np.ndarray:
    return np.datetime_as_string(np.asarray(days).astype("datetime64[D]").astype("datetime64[M]"))


def _iso_weeks(days: np.ndarray) -> np.ndarray:
    iso = pd.DatetimeIndex(_dates(days)).isocalendar()
    return (iso["year"].astype(str) + "-W" + iso["week"].astype(str).str.zfill(2)).to_numpy()


def _ratio(num, den) -> np.ndarray:
    num = np.asarray(num, dtype=float)
    den = np.asarray(den, dtype=float)
    out = np.full(num.shape, np.nan)
    np.divide(num, den, out=out, where=den > 0)
    return out
