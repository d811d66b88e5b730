"""The demo's calendar: every day from ``START`` to ``LAST`` with its month, week-part and working-day
flag (the RU calendar), as index arrays the generators share."""

from __future__ import annotations

import datetime as dt

import numpy as np

from ..workdays import working_day_calendar
from .story import LAST, START, WEEKEND_WEIGHT


class _Calendar:
    """Days of the history as integer offsets from START, with month index and working flag."""

    def __init__(self) -> None:
        full = working_day_calendar(START, dt.date(2026, 12, 31), country="RU")
        self.n_days = (LAST - START).days + 1
        dates = full["date"].iloc[: self.n_days]
        self.working = full["is_working"].to_numpy()[: self.n_days]
        self.year = dates.dt.year.to_numpy()
        self.month = dates.dt.month.to_numpy()
        key = self.year * 12 + self.month - 1
        self.mi = key - key[0]  # month index per day, 0 = Dec 2023
        self.n_months = int(self.mi[-1]) + 1
        self.m_year = np.array([(2023 * 12 + 11 + m) // 12 for m in range(self.n_months)])
        self.m_month = np.array([(2023 * 12 + 11 + m) % 12 + 1 for m in range(self.n_months)])
        self.labels = dates.dt.strftime("%d.%m.%Y").to_numpy()
        # week-parts: Monday-Sunday weeks cut at month boundaries
        monday = np.arange(self.n_days) - dates.dt.day_of_week.to_numpy()
        keys, first, self.part = np.unique(self.mi * 10_000 + monday, return_index=True, return_inverse=True)
        self.n_parts = keys.size
        self.part_month = self.mi[first]
        weight = np.where(self.working, 1.0, WEEKEND_WEIGHT)
        in_part = np.bincount(self.part, weights=weight)
        self.part_share = in_part / np.bincount(self.part_month, weights=in_part)[self.part_month]
        # the first working day on or after each day (the last day itself if none follows)
        upcoming = np.where(self.working, np.arange(self.n_days), self.n_days - 1)
        self.next_working = np.minimum.accumulate(upcoming[::-1])[::-1]
        nov = full["date"].dt.month.eq(11) & full["date"].dt.year.eq(2026)
        self.nov_elapsed = float(full.loc[nov, "is_working"].iloc[: LAST.day].sum())
        self.nov_total = float(full.loc[nov, "is_working"].sum())

    def day(self, d: dt.date) -> int:
        return (d - START).days

    def month_of(self, year: int, month: int) -> int:
        return (year * 12 + month - 1) - (2023 * 12 + 11)
