"""Which ISO week the tracking stage shows: the one asked for, or one chosen from ``as_of`` and the plan.

The plan covers the days of its year (``plan.year``), cut into Monday–Sunday week-parts; a week *lies in
the plan* when at least one of its days is in that year. One place for the rule, so that ``validate``
(before any kernel starts), ``run --week`` / ``weekly --week`` and the notebooks agree:

- a week asked for (``--week`` on the command line, else ``tracking.week`` in engagement.yaml) must be a
  real ISO week, start on or before ``as_of`` and lie in the plan;
- otherwise the last complete week before ``as_of`` (its Sunday strictly before ``as_of``) that lies in
  the plan — at a year edge (data ending in December, ``as_of`` early in January of the plan year) there
  is none yet, and then the plan's first week, shown in progress (plan, no fact yet);
- a plan that starts after ``as_of`` has no week to track yet: no week (the stage says so).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ..exceptions import ConfigError

_ISO_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)
"""An ISO week as people type it: ``2026-W47``, ``2026-w47``, ``2026W47``, ``2026-W1``."""

REASONS = ("given", "last_complete", "last_of_plan", "first_of_plan", "plan_not_started")
"""Why the week was chosen (label ``tracking.week_choice.<reason>`` says it in the report)."""


@dataclass(frozen=True)
class WeekChoice:
    """The tracked week: ``week`` ("2026-W47", None when the plan has not started), its ``monday`` and
    the ``reason`` (one of :data:`REASONS`)."""

    week: str | None
    monday: dt.date | None
    reason: str

    @property
    def given(self) -> str | None:
        """The week when it was asked for (the report is then made as on the Monday after it), else None."""
        return self.week if self.reason == "given" else None


def iso_week(monday: dt.date) -> str:
    """``"2026-W47"`` for a date.

    Examples
    --------
    >>> iso_week(dt.date(2025, 12, 29))
    '2026-W01'
    """
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def parse_week(week: str, *, key: str | None = "tracking.week") -> dt.date:
    """The Monday of an ISO week written ``2026-W47`` (or ``2026-w47``, ``2026W47``, ``2026-W1``); a
    :class:`ConfigError` naming ``key`` otherwise.

    Examples
    --------
    >>> parse_week("2026-W01"), parse_week("2026w1")
    (datetime.date(2025, 12, 29), datetime.date(2025, 12, 29))
    >>> parse_week("2026-W60")
    Traceback (most recent call last):
    ...
    salesaudit.exceptions.ConfigError: key 'tracking.week': 2026 has no ISO week 60 (value: '2026-W60')
      hint: weeks run from W01 to W52 or W53
    """
    found = _ISO_WEEK.fullmatch(str(week).strip())
    if not found:
        raise ConfigError("the week must look like 2026-W47", key=key, value=week)
    try:
        return dt.date.fromisocalendar(int(found[1]), int(found[2]), 1)
    except ValueError:
        raise ConfigError(
            f"{found[1]} has no ISO week {int(found[2])}",
            key=key,
            value=week,
            hint="weeks run from W01 to W52 or W53",
        ) from None


def normalize_week(week: str, *, key: str | None = "tracking.week") -> str:
    """The week written the ISO way (``2026-W47``) however it was typed; a :class:`ConfigError` naming
    ``key`` when it is no ISO week (:func:`parse_week`).

    Examples
    --------
    >>> [normalize_week(w) for w in ("2026-w47", "2026-W1", "2026W47", " 2026-W01 ")]
    ['2026-W47', '2026-W01', '2026-W47', '2026-W01']
    >>> normalize_week("2026-47")
    Traceback (most recent call last):
    ...
    salesaudit.exceptions.ConfigError: key 'tracking.week': the week must look like 2026-W47 (value: '2026-47')
    """
    return iso_week(parse_week(week, key=key))


def _in_plan(monday: dt.date, plan_year: int) -> bool:
    return monday <= dt.date(plan_year, 12, 31) and monday + dt.timedelta(days=6) >= dt.date(plan_year, 1, 1)


def check_week(week: str, *, as_of: dt.date, plan_year: int, key: str = "tracking.week") -> dt.date:
    """The Monday of a week asked for, checked: a real ISO week, starting on or before ``as_of``, with a
    day in the plan year. Raises :class:`ConfigError` naming ``key`` otherwise.

    Examples
    --------
    >>> check_week("2026-W47", as_of=dt.date(2026, 11, 25), plan_year=2026)
    datetime.date(2026, 11, 16)
    >>> check_week("2025-W40", as_of=dt.date(2026, 1, 10), plan_year=2026)
    Traceback (most recent call last):
    ...
    salesaudit.exceptions.ConfigError: key 'tracking.week': the plan (2026) has no day in the week 2025-W40 (value: '2025-W40')
      hint: pick a week of 2026 on or before as_of (2026-01-10), or set tracking.week: null to have it chosen
    """
    monday = parse_week(week, key=key)
    if monday > as_of:
        raise ConfigError(
            f"the week starts after as_of ({as_of}): there is nothing to track yet",
            key=key,
            value=week,
            hint="pick an earlier week, or move as_of in engagement.yaml to the newest export's date",
        )
    if not _in_plan(monday, plan_year):
        raise ConfigError(
            f"the plan ({plan_year}) has no day in the week {week}",
            key=key,
            value=week,
            hint=f"pick a week of {plan_year} on or before as_of ({as_of}), or set tracking.week: null "
            "to have it chosen",
        )
    return monday


def choose_week(*, as_of, plan_year: int, week: str | None = None, key: str = "tracking.week") -> WeekChoice:
    """The week to track (rules: module docstring).

    Examples
    --------
    >>> choose_week(as_of=dt.date(2026, 11, 25), plan_year=2026)
    WeekChoice(week='2026-W47', monday=datetime.date(2026, 11, 16), reason='last_complete')
    >>> choose_week(as_of=dt.date(2026, 1, 1), plan_year=2026)  # data end in December: the plan's first week
    WeekChoice(week='2026-W01', monday=datetime.date(2025, 12, 29), reason='first_of_plan')
    >>> choose_week(as_of=dt.date(2027, 3, 1), plan_year=2026).week
    '2026-W53'
    >>> choose_week(as_of=dt.date(2026, 11, 25), plan_year=2027).reason
    'plan_not_started'
    >>> choose_week(as_of=dt.date(2026, 11, 25), plan_year=2026, week="2026-W40").reason
    'given'
    """
    as_of = as_of.date() if isinstance(as_of, dt.datetime) else as_of
    as_of = dt.date.fromisoformat(str(as_of)[:10]) if not isinstance(as_of, dt.date) else as_of
    if week is not None:
        monday = check_week(week, as_of=as_of, plan_year=plan_year, key=key)
        return WeekChoice(iso_week(monday), monday, "given")
    last = as_of - dt.timedelta(days=as_of.weekday() + 7)  # Monday of the last complete week
    if _in_plan(last, plan_year):
        return WeekChoice(iso_week(last), last, "last_complete")
    end = dt.date(plan_year, 12, 31)
    if last > end:  # the plan year is over: its last week
        monday = end - dt.timedelta(days=end.weekday())
        return WeekChoice(iso_week(monday), monday, "last_of_plan")
    start = dt.date(plan_year, 1, 1)
    monday = start - dt.timedelta(days=start.weekday())
    if monday <= as_of:
        return WeekChoice(iso_week(monday), monday, "first_of_plan")
    return WeekChoice(None, None, "plan_not_started")
