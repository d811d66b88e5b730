"""Working-day calendar of the engagement's country, from the ``holidays`` package.

``holidays`` knows national holidays, transferred days off and (for Russia) the Saturdays that are
working days by government decree, so the counts match the official production calendar.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays
import numpy as np
import pandas as pd

from .exceptions import ConfigError


@lru_cache(maxsize=64)
def _country_calendar(country: str, years: tuple[int, ...]) -> holidays.HolidayBase:
    try:
        return holidays.country_holidays(country, years=list(years))
    except NotImplementedError as exc:  # unknown country code
        raise ConfigError(
            f"the holidays package has no calendar for country {country!r}",
            key="country",
            value=country,
            hint="use an ISO 3166 alpha-2 code such as RU, KZ, BY, DE, US",
        ) from exc


def working_day_calendar(start, end, *, country: str = "RU") -> pd.DataFrame:
    """One row per calendar day from ``start`` to ``end`` inclusive, with whether it is a working day.

    Parameters
    ----------
    start, end
        First and last day (anything ``pd.Timestamp`` accepts); both included.
    country
        ISO 3166 alpha-2 code of the calendar (default ``"RU"``).

    Returns
    -------
    DataFrame with columns ``date`` (datetime64, midnight) and ``is_working`` (bool).

    Examples
    --------
    >>> cal = working_day_calendar("2025-11-01", "2025-11-04", country="RU")
    >>> cal["is_working"].tolist()  # Sat 1 Nov 2025 is a working Saturday; 3-4 Nov are off
    [True, False, False, False]
    """
    days = pd.date_range(pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize(), freq="D")
    if len(days) == 0:
        return pd.DataFrame({"date": days, "is_working": np.zeros(0, dtype=bool)})
    cal = _country_calendar(country, tuple(range(days[0].year, days[-1].year + 1)))
    flags = np.fromiter((cal.is_working_day(d.date()) for d in days), dtype=bool, count=len(days))
    return pd.DataFrame({"date": days, "is_working": flags})


def working_days_between(start, end, *, country: str = "RU") -> int:
    """Number of working days from ``start`` to ``end``, both included (0 if ``end < start``).

    Examples
    --------
    >>> working_days_between("2026-01-01", "2026-01-31", country="RU")
    15
    """
    return int(working_day_calendar(start, end, country=country)["is_working"].sum())


def is_working_day(day: dt.date | pd.Timestamp | str, *, country: str = "RU") -> bool:
    """Whether one day is a working day in ``country``.

    Examples
    --------
    >>> is_working_day("2026-05-01", country="RU")
    False
    """
    d = pd.Timestamp(day).date()
    return bool(_country_calendar(country, (d.year,)).is_working_day(d))


def working_days_by_month(start, end, *, country: str = "RU") -> pd.DataFrame:
    """Working days per calendar month, counting only the days from ``start`` to ``end`` inclusive.

    A month only partly inside the range counts the working days inside it; months are in calendar
    order. Vectorised over one :func:`working_day_calendar` call.

    Parameters
    ----------
    start, end
        First and last day (anything ``pd.Timestamp`` accepts); both included.
    country
        ISO 3166 alpha-2 code of the calendar (default ``"RU"``).

    Returns
    -------
    DataFrame with one row per month touched: ``period`` (str ``"YYYY-MM"``), ``month_start``
    (datetime64, the 1st), ``working_days`` (int64).

    Examples
    --------
    >>> working_days_by_month("2026-01-01", "2026-03-31", country="RU")["working_days"].tolist()
    [15, 19, 21]
    >>> working_days_by_month("2026-03-30", "2026-04-05", country="RU")["working_days"].tolist()
    [2, 3]
    """
    cal = working_day_calendar(start, end, country=country)
    month_start = cal["date"].dt.to_period("M").dt.to_timestamp()
    out = (
        cal.assign(month_start=month_start)
        .groupby("month_start", sort=True)["is_working"]
        .sum()
        .astype("int64")
        .rename("working_days")
        .reset_index()
    )
    out.insert(0, "period", out["month_start"].dt.strftime("%Y-%m"))
    return out
