"""Plausible values: a date or a number a client's file may hold but no sales system means.

A date that reads but lies outside ``intake.earliest_date`` (default 1990-01-01) ..
``as_of`` + ``intake.years_after_as_of`` years (default 5) — ``01.01.0001``, ``1900-01-01`` (an empty
date some ERPs write), ``2099-12-31`` (a "never" placeholder) — rejects its row with reason
``date_out_of_range``, in every date column of every table (sales and activities dates, a pipeline's
expected close, a client's registration date, a manager's hiring date). A number that reads but is
infinite (a typed ``inf`` in a Parquet file) or whose size exceeds ``intake.max_amount`` (default
10¹² in the engagement's currency) rejects its row with reason ``amount_out_of_range``, in every
number column. Such a row is counted as read and rejected, like any other (rows read = used +
rejected), and a rejected amount out of range is left out of the rejected table's ``amount`` (so
revenue shares stay finite).

Why 10¹²: a trillion in the engagement's currency (RUB 10¹² ≈ USD 11 billion) is beyond any single
sales line, deal, target or client potential of the companies this playbook audits, and an amount
below it keeps its cents exact in a float64 (10¹⁴ cents < 2⁵³); a value above it is an export or
unit error (1e308 from a broken export, a phone number in an amount column). A consultant auditing
in a currency of very small units (VND, IDR) may raise it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..exceptions import ConfigError


@dataclass(frozen=True)
class Bounds:
    """The plausible range of dates (``earliest`` .. ``latest``, both included; ``latest`` None: no
    upper bound) and the largest plausible size of a number (``max_amount``)."""

    earliest: dt.date = dt.date(1990, 1, 1)
    latest: dt.date | None = None
    max_amount: float = 1e12

    @property
    def dates(self) -> str:
        """The date range in words, naming its settings (the reason's detail).

        Examples
        --------
        >>> Bounds(latest=dt.date(2031, 11, 25)).dates
        '1990-01-01 .. 2031-11-25 (intake.earliest_date, intake.years_after_as_of)'
        """
        upper = self.latest.isoformat() if self.latest else "…"
        return f"{self.earliest.isoformat()} .. {upper} (intake.earliest_date, intake.years_after_as_of)"

    @property
    def amounts(self) -> str:
        """The number bound in words, naming its setting (the reason's detail).

        Examples
        --------
        >>> Bounds().amounts
        '±1e+12 (intake.max_amount)'
        """
        return f"±{self.max_amount:.6g} (intake.max_amount)"


def plausible_bounds(settings=None, *, as_of=None) -> Bounds:
    """The bounds ``intake`` settings (:class:`salesaudit.engine.config.IntakeSettings`; None: the
    defaults) give for an engagement whose as-of date is ``as_of`` (None: no upper date bound).

    Raises
    ------
    ConfigError
        ``intake.earliest_date`` not before ``as_of`` (every row would be rejected).

    Examples
    --------
    >>> b = plausible_bounds(as_of=dt.date(2026, 11, 25))
    >>> b.earliest.isoformat(), b.latest.isoformat(), b.max_amount
    ('1990-01-01', '2031-11-25', 1000000000000.0)
    >>> plausible_bounds(as_of=dt.date(2024, 2, 29)).latest.isoformat()
    '2029-02-28'
    """
    if settings is None:
        from ..engine.config import IntakeSettings

        settings = IntakeSettings()
    latest = None
    if as_of is not None:
        as_of = pd.Timestamp(as_of).date()
        if settings.earliest_date >= as_of:
            raise ConfigError(
                f"intake.earliest_date {settings.earliest_date} is not before as_of {as_of}",
                key="intake.earliest_date",
                value=str(settings.earliest_date),
                hint="set intake.earliest_date to the first date the client's data may hold",
            )
        latest = (pd.Timestamp(as_of) + pd.DateOffset(years=settings.years_after_as_of)).date()
    return Bounds(earliest=settings.earliest_date, latest=latest, max_amount=float(settings.max_amount))


def dates_out_of_range(values: np.ndarray, bounds: Bounds) -> np.ndarray:
    """Where a read date lies outside the bounds (a missing date, NaT, is not out of range).

    Examples
    --------
    >>> v = np.array(["0001-01-01", "2026-02-01", "NaT", "2099-01-01"], dtype="datetime64[us]")
    >>> dates_out_of_range(v, Bounds(latest=dt.date(2031, 11, 25))).tolist()
    [True, False, False, True]
    """
    values = np.asarray(values).astype("datetime64[us]", copy=False)
    out = values < np.datetime64(bounds.earliest, "us")  # NaT compares False
    if bounds.latest is not None:
        out |= values > np.datetime64(bounds.latest, "us")
    return out


def numbers_out_of_range(values: np.ndarray, bounds: Bounds) -> np.ndarray:
    """Where a number is infinite or larger in size than ``bounds.max_amount`` (NaN, a missing or
    unreadable cell, is not out of range).

    Examples
    --------
    >>> numbers_out_of_range(np.array([1e308, -np.inf, np.nan, -1e15, 5.0]), Bounds()).tolist()
    [True, True, False, True, False]
    """
    values = np.asarray(values, dtype="float64")
    with np.errstate(invalid="ignore"):
        return np.abs(values) > bounds.max_amount  # inf > any bound; NaN compares False
