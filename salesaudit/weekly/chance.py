"""Probability of the plan: the chance that a manager and the department reach the month's and the year's
plan, from a simulation of the rest of the period built on the client's own sales history.

The figures only (no language); conventions (net sales, working days, week-parts, "complete") as in the
module docstring of :mod:`salesaudit.weekly.tracking`. How the chances are computed, in plain words (the
report's method appendix reuses this):

1. **The pace.** For each planned manager and for the department, the *reference pace* of a month is its
   net sales per working day over the 26 weeks before the month began (returns reduce it; sales on
   weekends and holidays are rare and counted into the working days' pace). A manager who started inside
   those 26 weeks is measured from the first sale; at least 15 working days with sales are needed. Working
   days come from the country's official calendar (:mod:`salesaudit.workdays`).
2. **The season.** Where the department's history reaches back far enough, the pace is scaled by how the
   same month a year earlier compared with the same 26 weeks before it a year earlier (department sales
   per working day in both, so a single manager's luck does not set everyone's season). This also carries
   last year's drift over those months. Where the history is shorter, the factor is 1.
3. **Day-to-day noise.** A working day's sales vary around the pace; their variance is measured over the
   same 26 weeks (working days only). The rest of the month is drawn as one sum over the working days left
   with that mean and variance: a gamma distribution with exactly those two moments, which keeps the sum
   positive and slightly skewed like real sales (large orders), and costs one draw per simulation instead
   of one per day. Under a month's level ``θ`` its mean and variance both scale with ``θ`` (more orders,
   not bigger ones).
4. **Month shocks.** Whole months run above or below their expected pace (a big client pauses, a tender
   lands, a slump). How much is measured on the unit's own past: for every earlier month, actual ÷
   expected is computed as it would have been then (same pace and season rules), and the mean squared
   deviation of those ratios from 1 is the variance ``τ²`` of a month's level — own months computed the
   same way (with or without the season factor), at least 6, else all managers' months pooled; never
   below 1 %². This is the months' whole spread, not only its excess over independent day-to-day noise:
   B2B orders come on schedules, so months are steadier than independent days would make them, and
   subtracting the day-noise share left nothing for the steadiest managers (on the demo's backtest the
   forecast errors were then 1.17 times the model's spread; with the whole spread 1.00). With fewer
   such months the chance is not computed (basis ``"short_history"``).
5. **This month's evidence.** The month so far says how the month runs: its ratio to the expected pace
   ``y`` is weighed against the prior (level 1 ± ``τ``) like a normal–normal posterior, the month-to-date
   noise being the day-to-day variance over the working days elapsed. A month running a third below its
   pace for two and a half weeks pulls the rest of the month down too; one bad day barely does.
6. **The simulation.** Each of ``n_sims`` runs draws the month's level from that posterior (cut at 0),
   then the rest of the month; the total is the fact to date plus that draw. The chance of the plan is the
   share of runs reaching it (≥ plan), likewise for ``threshold`` × plan; ``expected``, ``low`` and
   ``high`` are the mean and the 10th and 90th percentiles of the totals. With no working day left the
   total is the fact (a chance of 0 or 1).
7. **The year.** The rest of the current month as above, plus each later month of the plan year drawn the
   same way from the same pace and its own season factor with a fresh month level (prior 1 ± ``τ``;
   months are independent, so the year's spread is if anything too narrow). A manager projected from the
   month to date alone takes the managers' median ``τ`` for the later months.
8. **No history.** A manager without 15 working days of sales before the month (a new hire) is projected
   from the month-to-date pace alone (basis ``"month_only"``, from 5 working days in), its uncertainty
   that of a mean of the days elapsed; with less than that the chance is NaN (basis ``"none"``) — never a
   made-up number.

The open pipeline is **not** added: a deal closed this month is already in the sales to date, and the
pace of past months already contains the deals that closed in them, so adding weighted open deals would
count the same sales twice. Sales without a manager count for the department only. Results are
deterministic for a given ``seed``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..exceptions import ConfigError, DataError
from ..workdays import working_day_calendar
from .days import _dates, _month_end, _month_start, _part_bounds, _periods, _timestamp
from .inputs import _DEPARTMENT, _UNASSIGNED, _Inputs, _prepare
from .weekparts import _finish

__all__ = ["chance_before_end", "chance_history", "plan_chances", "with_chances"]

WINDOW_DAYS = 182
"""The trailing window of the reference pace: 26 weeks before the month's 1st."""
MIN_HISTORY_DAYS = 15
"""Working days of sales needed in that window for a pace from history."""
MIN_MONTH_DAYS = 5
"""Working days of the month needed for a pace from the month to date alone."""
MIN_SHOCK_MONTHS = 6
"""Past months needed to measure the month shocks (own months, else all managers' months pooled)."""
TAU2_FLOOR = 1e-4
"""Lower bound of a month level's variance (a month is never known to better than 1 %)."""

_CHANCE_COLUMNS = ["level", "manager", "horizon", "period", "plan", "fact", "days_left", "expected"]
_CHANCE_COLUMNS += ["low", "high", "chance_plan", "chance_threshold", "basis"]
_BASIS = np.array(["history", "month_only", "short_history", "none"], dtype=object)
_HISTORY, _MONTH_ONLY, _SHORT, _NONE = range(4)
_FAR = np.iinfo(np.int64).max // 4


# --------------------------------------------------------------------------------------------------
# the history as cumulative day arrays


@dataclass(frozen=True)
class _Book:
    """Per unit (the inputs' managers, then the department) cumulative sums over calendar days from
    ``first``: net sales in minor units, sales and squared sales on working days; working days."""

    first: int
    names: np.ndarray
    managers: np.ndarray  # bool per unit: a named manager (not the stand-in for NA, not the department)
    cents: np.ndarray
    cx: np.ndarray
    cx2: np.ndarray
    cw: np.ndarray
    start: np.ndarray  # per unit: the first day with a sale (_FAR when none)
    data_start: int  # the first day with any sale

    @property
    def dept(self) -> int:
        return len(self.names) - 1

    def _span(self, a, b):
        n = self.cw.shape[0] - 1
        a = np.clip(np.asarray(a, dtype=np.int64) - self.first, 0, n)
        b = np.clip(np.asarray(b, dtype=np.int64) - self.first + 1, 0, n)
        return a, np.maximum(a, b)

    def sales(self, u, a, b) -> np.ndarray:
        """Net sales (currency) of units ``u`` over days ``a..b`` inclusive."""
        a, b = self._span(a, b)
        return (self.cents[u, b] - self.cents[u, a]) / 100.0

    def workdays(self, a, b) -> np.ndarray:
        a, b = self._span(a, b)
        return self.cw[b] - self.cw[a]

    def day_stats(self, u, a, b) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Working days, pace (net sales per working day, days off included) and the sample variance
        of working-day sales over ``a..b`` (NaN below two working days)."""
        wd = self.workdays(a, b).astype(float)
        i, j = self._span(a, b)
        sx, sx2 = self.cx[u, j] - self.cx[u, i], self.cx2[u, j] - self.cx2[u, i]
        with np.errstate(divide="ignore", invalid="ignore"):
            pace = np.where(wd > 0, self.sales(u, a, b) / wd, np.nan)
            mean = sx / wd
            var = np.where(wd > 1, np.maximum(sx2 - wd * mean**2, 0.0) / (wd - 1), np.nan)
        return wd, pace, var


def _book(inputs: _Inputs, *, last: int, country: str) -> _Book:
    sales = inputs.sales
    plan_first = int(_month_start(inputs.plan["ws"].to_numpy()).min()) if len(inputs.plan) else last
    first = min(int(sales["day"].min()) if len(sales) else plan_first, plan_first)
    n = last - first + 1
    cal = working_day_calendar(_timestamp(first), _timestamp(last), country=country)
    working = cal["is_working"].to_numpy()
    names = np.append(inputs.names, _DEPARTMENT).astype(object)
    size = len(names)
    m = sales["m"].to_numpy(dtype=np.int64)
    day = sales["day"].to_numpy(dtype=np.int64)
    keep = day <= last
    m, day, cents = m[keep], day[keep], sales["cents"].to_numpy(dtype=float)[keep]
    daily = np.bincount(m * n + (day - first), weights=cents, minlength=(size - 1) * n)
    daily = np.vstack([daily.reshape(size - 1, n), np.zeros((1, n))])
    daily[-1] = daily[:-1].sum(axis=0)
    daily = np.rint(daily)

    def cumulate(values):
        out = np.zeros((size, n + 1), dtype=values.dtype)
        np.cumsum(values, axis=1, out=out[:, 1:])
        return out

    on_working = np.where(working, daily / 100.0, 0.0)
    busy = daily != 0
    start = np.where(busy.any(axis=1), first + busy.argmax(axis=1), _FAR)
    return _Book(
        first=first,
        names=names,
        managers=np.array([x not in (_UNASSIGNED, _DEPARTMENT) for x in names]),
        cents=cumulate(daily.astype(np.int64)),
        cx=cumulate(on_working),
        cx2=cumulate(on_working**2),
        cw=np.concatenate([[0], np.cumsum(working)]),
        start=start.astype(np.int64),
        data_start=int(start[-1]),
    )


@dataclass(frozen=True)
class _Months:
    """Calendar months from the book's first to ``last``: bounds, the same month a year earlier,
    working days and labels."""

    ms: np.ndarray
    me: np.ndarray
    prev_ms: np.ndarray
    prev_me: np.ndarray
    wd: np.ndarray
    label: np.ndarray

    def index(self, days) -> np.ndarray:
        return np.searchsorted(self.ms, _month_start(np.asarray(days, dtype=np.int64)), side="left")


def _months(book: _Book, last: int) -> _Months:
    m0 = np.datetime64(_timestamp(book.first).date(), "M")
    m1 = np.datetime64(_timestamp(last).date(), "M")
    months = np.arange(m0, m1 + 1)

    def days(ms):
        return ms.astype("datetime64[D]").astype(np.int64)

    ms, me = days(months), days(months + 1) - 1
    prev_ms, prev_me = days(months - 12), days(months - 11) - 1
    return _Months(ms, me, prev_ms, prev_me, book.workdays(ms, me), _periods(ms))


def _season(book: _Book, target: tuple, window: tuple) -> tuple[np.ndarray, np.ndarray]:
    """Department pace over ``target`` (days a year earlier) ÷ its pace over ``window`` (the same
    reference window a year earlier), and whether the history covers that window; 1 where not."""
    dept = book.dept
    _, p_target, _ = book.day_stats(dept, *target)
    _, p_window, _ = book.day_stats(dept, *window)
    covered = (np.asarray(window[0]) >= book.data_start) & (p_target > 0) & (p_window > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(covered, p_target / p_window, 1.0), covered


@dataclass(frozen=True)
class _Refs:
    """Per unit × month: the trailing pace and daily variance, its window start, the season factor,
    whether the season factor was available and whether there was a history to speak of."""

    pace: np.ndarray
    var: np.ndarray
    a: np.ndarray
    s: np.ndarray
    seasonal: np.ndarray
    history: np.ndarray

    @property
    def mu(self) -> np.ndarray:
        return self.pace * self.s


def _month_refs(book: _Book, months: _Months) -> _Refs:
    u = np.arange(len(book.names))[:, None]
    ms = months.ms[None, :]
    a = np.maximum(ms - WINDOW_DAYS, book.start[:, None])
    b = np.broadcast_to(ms - 1, a.shape)
    wd, pace, var = book.day_stats(u, a, b)
    history = (wd >= MIN_HISTORY_DAYS) & (pace > 0) & np.isfinite(var)
    shift = (months.ms - months.prev_ms)[None, :]
    target = (np.broadcast_to(months.prev_ms, a.shape), np.broadcast_to(months.prev_me, a.shape))
    s, seasonal = _season(book, target, (a - shift, b - shift))
    return _Refs(pace, var, a, s, seasonal, history)


def _earlier_mean(values: np.ndarray, mask: np.ndarray, *, pooled: bool = False):
    """Mean of ``values`` where ``mask`` over the months before each month (last axis) and how many
    distinct months it rests on; ``pooled``: over all units at once (the result is per month)."""
    v = np.where(mask, values, 0.0)
    cases = mask.astype(np.int64)
    distinct = cases
    if pooled:
        v, cases, distinct = v.sum(axis=0), cases.sum(axis=0), mask.any(axis=0).astype(np.int64)
    total = np.cumsum(v, axis=-1) - v
    n = np.cumsum(cases, axis=-1) - cases
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.where(n > 0, total / n, np.nan)
    return mean, np.cumsum(distinct, axis=-1) - distinct


def _shock_variance(book: _Book, refs: _Refs, months: _Months) -> np.ndarray:
    """τ² per unit × month: the mean squared deviation from 1 of earlier months' actual ÷ expected — own
    months of the same kind (with or without the season factor), else the managers' months of that kind
    pooled, else own months of any kind, else pooled of any kind; each needs MIN_SHOCK_MONTHS distinct
    months (NaN if none does); never below TAU2_FLOOR."""
    u = np.arange(len(book.names))[:, None]
    actual = book.sales(u, months.ms[None, :], months.me[None, :])
    expected = refs.mu * months.wd
    ok = refs.history & (expected > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        squares = (actual / expected - 1.0) ** 2
    same = refs.seasonal
    pool = ok & book.managers[:, None]

    def by_kind(with_season, without_season):
        return tuple(np.where(same, a, b) for a, b in zip(with_season, without_season, strict=True))

    candidates = [
        by_kind(_earlier_mean(squares, ok & same), _earlier_mean(squares, ok & ~same)),
        by_kind(
            _earlier_mean(squares, pool & same, pooled=True),
            _earlier_mean(squares, pool & ~same, pooled=True),
        ),
        _earlier_mean(squares, ok),
        _earlier_mean(squares, pool, pooled=True),
    ]
    tau2 = np.full(squares.shape, np.nan)
    for mean, count in reversed(candidates):
        tau2 = np.where(count >= MIN_SHOCK_MONTHS, mean, tau2)
    return np.maximum(tau2, TAU2_FLOOR)


def _plan_matrix(inputs: _Inputs, book: _Book, months: _Months) -> np.ndarray:
    """Month plans per unit × month (the department's is the sum over managers)."""
    plan = inputs.plan
    out = np.zeros((len(book.names), len(months.ms)), dtype=float)
    j = months.index(plan["ws"].to_numpy())
    inside = j < len(months.ms)
    np.add.at(out, (plan["m"].to_numpy()[inside], j[inside]), plan["plan"].to_numpy(dtype=float)[inside])
    out[book.dept] = out[:-1].sum(axis=0)
    return out


# --------------------------------------------------------------------------------------------------
# the simulation


@dataclass(frozen=True)
class _Rows:
    """One row per unit × evaluation day: the month to date and what the rest of the month is drawn
    from (``mu`` and ``var`` per working day, ``tau2`` of the month's level)."""

    u: np.ndarray
    day: np.ndarray
    j: np.ndarray
    fact: np.ndarray
    elapsed: np.ndarray
    left: np.ndarray
    mu: np.ndarray
    var: np.ndarray
    tau2: np.ndarray
    basis: np.ndarray

    def _replace_fact(self, fact: np.ndarray) -> _Rows:
        return dataclasses.replace(self, fact=fact)


def _rows(book: _Book, months: _Months, refs: _Refs, tau2: np.ndarray, u, day) -> _Rows:
    """The month-to-date figures of units ``u`` at days ``day`` and the basis of their projection."""
    j = months.index(day)
    ms = months.ms[j]
    fact = book.sales(u, ms, day)
    elapsed = book.workdays(ms, day)
    left = months.wd[j] - elapsed
    wd, _, var_mtd = book.day_stats(u, ms, day)
    with np.errstate(divide="ignore", invalid="ignore"):
        pace_mtd = np.where(elapsed > 0, fact / elapsed, np.nan)
    history = refs.history[u, j]
    month_only = ~history & (elapsed >= MIN_MONTH_DAYS) & (pace_mtd > 0) & np.isfinite(var_mtd)
    t2 = tau2[u, j]
    basis = np.where(history, np.where(np.isfinite(t2), _HISTORY, _SHORT), _NONE)
    basis = np.where(month_only, _MONTH_ONLY, basis)
    mu = np.where(history, refs.mu[u, j], np.where(month_only, pace_mtd, np.nan))
    var = np.where(history, refs.var[u, j] * refs.s[u, j], np.where(month_only, var_mtd, np.nan))
    return _Rows(u, day, j, fact, elapsed, left, mu, var, t2, basis)


def _level_draws(rows: _Rows, z: np.ndarray) -> np.ndarray:
    """The month's level θ per row × run: the normal–normal posterior given the month to date (history),
    or the uncertainty of the month-to-date mean (month only); cut at 0."""
    mu, e = rows.mu, rows.elapsed.astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        y = rows.fact / (e * mu)
        v = rows.var / (e * mu**2)  # variance of y from day-to-day noise
        precision = 1.0 / rows.tau2 + np.where(e > 0, 1.0 / v, 0.0)
        mean = (1.0 / rows.tau2 + np.where(e > 0, y / v, 0.0)) / precision
        sd = np.sqrt(1.0 / precision)
    exact = (e > 0) & (v == 0)  # days without any variation: the month to date is the level
    mean, sd = np.where(exact, y, mean), np.where(exact, 0.0, sd)
    month_only = rows.basis == _MONTH_ONLY
    mean = np.where(month_only, 1.0, mean)
    sd = np.where(month_only, np.sqrt(v), sd)
    return np.maximum(mean[:, None] + sd[:, None] * z, 0.0)


def _sum_of_days(rng, days, mu, var, theta) -> np.ndarray:
    """Sales over ``days`` working days at level ``theta`` (row × run): gamma with mean days·mu·θ and
    variance days·var·θ; the mean itself where the variance is 0."""
    days, mu, var = (np.asarray(x, dtype=float)[:, None] for x in (days, mu, var))
    mean = days * mu * theta
    noisy = (var > 0) & (mu > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(noisy, var / mu, 1.0)
        shape = np.where(noisy & (mean > 0), mean / scale, 0.0)
    draws = rng.gamma(np.nan_to_num(shape), np.broadcast_to(scale, shape.shape))
    return np.where(noisy, draws, np.nan_to_num(mean))


def _simulate(rng, rows: _Rows, n_sims: int) -> np.ndarray:
    """Month totals per row × run (NaN rows where the rest of the month cannot be projected)."""
    z = rng.standard_normal((len(rows.u), n_sims))
    theta = _level_draws(rows, z)
    rest = _sum_of_days(rng, rows.left, rows.mu, rows.var, theta)
    total = rows.fact[:, None] + rest
    settled = rows.left == 0
    unknown = (rows.basis >= _SHORT) & ~settled
    total[settled] = np.broadcast_to(rows.fact[:, None], total.shape)[settled]
    total[unknown] = np.nan
    return total


def _chances(total: np.ndarray, plan: np.ndarray, threshold: float) -> tuple[np.ndarray, np.ndarray]:
    known = ~np.isnan(total[:, 0]) if total.shape[1] else np.zeros(len(total), bool)
    hit = (total >= plan[:, None]).mean(axis=1)
    hit_threshold = (total >= threshold * plan[:, None]).mean(axis=1)
    return np.where(known, hit, np.nan), np.where(known, hit_threshold, np.nan)


def _check_settings(threshold, n_sims) -> tuple[float, int]:
    try:
        value = float(threshold)
    except (TypeError, ValueError):
        value = float("nan")
    if not 0 < value <= 1:
        raise ConfigError(
            "the bonus threshold must be a share of the plan above 0 and at most 1",
            key="motivation.threshold",
            value=threshold,
        )
    if isinstance(n_sims, bool) or not isinstance(n_sims, (int, np.integer)) or n_sims < 100:
        raise ConfigError("n_sims must be a whole number of at least 100", key="n_sims", value=n_sims)
    return value, int(n_sims)


def _model(inputs: _Inputs, *, last: int, country: str):
    book = _book(inputs, last=last, country=country)
    months = _months(book, last)
    refs = _month_refs(book, months)
    return book, months, refs, _shock_variance(book, refs, months)


def _level(book: _Book, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    level = np.where(u == book.dept, "department", "manager")
    return level, book.names[u]


# --------------------------------------------------------------------------------------------------
# plan_chances


def plan_chances(
    sales: pd.DataFrame,
    *,
    plan_weekly: pd.DataFrame,
    day,
    country: str = "RU",
    threshold: float = 0.7,
    n_sims: int = 4000,
    seed: int = 0,
) -> pd.DataFrame:
    """The chance of reaching the plan and the bonus threshold by the end of the month and of the year.

    The model: module docstring. Only sales lines dated up to ``day`` count, for the pace and for the
    fact alike (lines after it are counted in ``attrs["notes"]``).

    Parameters
    ----------
    sales
        Canonical sales (``date``, ``amount``, optional ``manager``).
    plan_weekly
        Week-parts of the plan: ``manager``, ``week_start``, ``week_end``, ``plan``.
    day
        The last day whose sales count (inclusive): tracking's reference day. The month and the plan
        year containing it are projected.
    country
        Working-day calendar (ISO 3166 code).
    threshold
        The bonus threshold as a share of the plan (engagement.yaml ``motivation.threshold``).
    n_sims
        Simulation runs (at least 100).
    seed
        Seed of the random draws: the same inputs and seed give the same figures.

    Returns
    -------
    DataFrame with one row per planned manager (month plan > 0) and the department, per horizon
    (``"month"`` first, then ``"year"``): ``level``, ``manager`` (NA for the department), ``horizon``,
    ``period`` ("2026-10" or "2026"), ``plan``, ``fact`` (net sales to ``day``), ``days_left`` (working
    days after ``day`` to the period's end), ``expected``, ``low``, ``high`` (mean, 10th and 90th
    percentile of the simulated period total), ``chance_plan``, ``chance_threshold`` (0..1, NaN where
    they cannot be computed) and ``basis`` ("history", "month_only", "short_history" or "none").

    Examples
    --------
    Ann sold 1 000 every working day for ten months; April's plan is 22 000 over its 22 working days:

    >>> from salesaudit.workdays import working_day_calendar
    >>> cal = working_day_calendar("2025-06-01", "2026-04-30", country="US")
    >>> sales = pd.DataFrame({"date": cal.loc[cal["is_working"], "date"], "amount": 1000.0,
    ...     "manager": "Ann"})
    >>> starts = ["2026-04-01", "2026-04-06", "2026-04-13", "2026-04-20", "2026-04-27"]
    >>> ends = ["2026-04-05", "2026-04-12", "2026-04-19", "2026-04-26", "2026-04-30"]
    >>> plan = pd.DataFrame({"manager": "Ann", "week_start": pd.to_datetime(starts),
    ...     "week_end": pd.to_datetime(ends), "plan": [3000, 5000, 5000, 5000, 4000]})
    >>> out = plan_chances(sales, plan_weekly=plan, day="2026-04-15", country="US")
    >>> out.loc[out.horizon == "month", ["level", "fact", "days_left", "expected", "chance_plan", "basis"]]
            level     fact  days_left  expected  chance_plan    basis
    0     manager  11000.0         11   22000.0          1.0  history
    2  department  11000.0         11   22000.0          1.0  history
    """
    threshold, n_sims = _check_settings(threshold, n_sims)
    inputs = _prepare(sales, plan_weekly, None, day)
    d = inputs.as_of
    book, months, refs, tau2 = _model(inputs, last=_year_end(d), country=country)
    plans = _plan_matrix(inputs, book, months)
    j = int(months.index(np.array([d]))[0])
    u = _planned(plans[:, j], d)
    out = _horizons(
        book,
        (months, refs, tau2),
        plans,
        u,
        d,
        rng=np.random.default_rng(seed),
        n_sims=n_sims,
        threshold=threshold,
    )
    out["level"], out["manager"] = _level(book, out.pop("_u").to_numpy())
    return _ordered(out, inputs, _CHANCE_COLUMNS, by="_h")


def _planned(month_plans: np.ndarray, d: int) -> np.ndarray:
    """The units with a plan in the month of ``d``; fails when there is none."""
    u = np.flatnonzero(month_plans > 0)
    if not len(u):
        raise DataError(
            "the plan has no week-part with a plan in the month of the day",
            value=str(_timestamp(d).date()),
            hint="pick a day inside the plan's months",
        )
    return u


def _ordered(out: pd.DataFrame, inputs: _Inputs, columns: list[str], *, by: str) -> pd.DataFrame:
    """Managers first (by name), then the department; the plan in whole numbers if it came so."""
    out["_order"] = (out["level"] == "department").astype(int)
    out = out.sort_values(["_order", "manager", by], kind="stable")
    if inputs.plan_is_int:
        out["plan"] = out["plan"].round().astype(np.int64)
    return _finish(out, columns, inputs.notes)


def _year_end(day: int) -> int:
    """31 December of the year of ``day`` (a day number)."""
    return int(np.datetime64(f"{_timestamp(day).year}-12-31", "D").astype(np.int64))


def _horizons(book: _Book, model, plans, u, d: int, *, rng, n_sims: int, threshold: float) -> pd.DataFrame:
    """Month and plan-year figures of units ``u`` at day ``d`` (one frame, ``_u`` and ``_h`` keys)."""
    months, refs, tau2 = model
    year = _timestamp(d).year
    year_start = int(np.datetime64(f"{year}-01-01", "D").astype(np.int64))
    year_end = _year_end(d)
    j = int(months.index(np.array([d]))[0])
    rows = _rows(book, months, refs, tau2, u, np.full(len(u), d, dtype=np.int64))
    month_total = _simulate(rng, rows, n_sims)
    year_total = _year_totals(rng, book, months, refs, tau2, rows, month_total)
    in_year = np.char.startswith(months.label.astype(str), f"{year}-")
    return pd.concat(
        [
            _summary(rows, ("month", months.label[j]), plans[u, j], rows.left, month_total, threshold),
            _summary(
                rows._replace_fact(book.sales(u, year_start, d)),
                ("year", str(year)),
                plans[u][:, in_year].sum(axis=1),
                book.workdays(d + 1, year_end),
                year_total,
                threshold,
            ),
        ],
        ignore_index=True,
    )


def _summary(rows: _Rows, horizon: tuple[str, str], plan, left, total, threshold) -> pd.DataFrame:
    """The figures of one horizon from the simulated totals (row × run)."""
    chance, chance_threshold = _chances(total, plan, threshold)
    known = ~np.isnan(total[:, 0])
    with np.errstate(all="ignore"):
        low, high = np.percentile(np.where(known[:, None], total, 0.0), [10, 90], axis=1)
        expected = total.mean(axis=1)
    return pd.DataFrame(
        {
            "_u": rows.u,
            "_h": int(horizon[0] == "year"),
            "horizon": horizon[0],
            "period": horizon[1],
            "plan": plan,
            "fact": rows.fact,
            "days_left": np.asarray(left, dtype=np.int64),
            "expected": expected,
            "low": np.where(known, low, np.nan),
            "high": np.where(known, high, np.nan),
            "chance_plan": chance,
            "chance_threshold": chance_threshold,
            "basis": _BASIS[rows.basis].astype(str),
        }
    )


def _year_totals(rng, book, months, refs, tau2, rows: _Rows, month_total) -> np.ndarray:
    """Plan-year totals per row × run: sales of the year's earlier months, the month's simulated total
    and each later month of the year drawn from the same pace with its own season factor and level."""
    d, j, u = rows.day[0], rows.j[0], rows.u
    ms = months.ms[j]
    year = _timestamp(d).year
    later = np.flatnonzero((months.ms > ms) & (_periods(months.ms) <= f"{year}-12"))
    month_only = rows.basis == _MONTH_ONLY
    # the reference window of the pace: the trailing window, or the month to date
    a = np.where(month_only, ms, refs.a[u, j])
    b = np.where(month_only, d, ms - 1)
    pace = np.where(month_only, rows.mu, refs.pace[u, j])
    var = np.where(month_only, rows.var, refs.var[u, j])
    known = tau2[book.managers, j]
    known = known[np.isfinite(known)]
    t2 = np.where(month_only, np.median(known) if len(known) else np.nan, rows.tau2)
    shift = ms - months.prev_ms[j]
    year_start = int(np.datetime64(f"{year}-01-01", "D").astype(np.int64))
    total = book.sales(u, year_start, ms - 1)[:, None] + month_total
    for k in later:
        target = (np.full(len(u), months.prev_ms[k]), np.full(len(u), months.prev_me[k]))
        s, _ = _season(book, target, (a - shift, b - shift))
        z = rng.standard_normal(month_total.shape)
        theta = np.maximum(1.0 + np.sqrt(t2)[:, None] * z, 0.0)
        total = total + _sum_of_days(rng, np.full(len(u), months.wd[k]), pace * s, var * s, theta)
    unknown = ~np.isfinite(t2) | (rows.basis >= _SHORT)
    if len(later):
        total[unknown] = np.nan
    return total


# --------------------------------------------------------------------------------------------------
# chance_history


def chance_history(
    sales: pd.DataFrame,
    *,
    plan_weekly: pd.DataFrame,
    as_of,
    country: str = "RU",
    threshold: float = 0.7,
    n_sims: int = 1000,
    seed: int = 0,
) -> pd.DataFrame:
    """The backtest: the month's chances as they would have been at the end of every past week-part.

    At the last day of every complete week-part of the plan (its last day strictly before ``as_of``; a
    week spanning two months is two parts), per manager with a month plan > 0 and for the department:
    the month-horizon chances of :func:`plan_chances`, computed with only the sales up to that day (for
    the pace and the fact alike), and what happened where the month is complete.

    Parameters
    ----------
    sales, plan_weekly, country, threshold, n_sims, seed
        As in :func:`plan_chances`.
    as_of
        Analysis date: week-parts ending before it are replayed; months ending before it have an outcome.

    Returns
    -------
    DataFrame with columns ``level``, ``manager``, ``period``, ``week_start``, ``week_end`` (the
    week-part), ``plan`` (the month's), ``fact`` (month to ``week_end``), ``chance_plan``,
    ``chance_threshold``, ``month_fact`` (NaN while the month is not complete), ``made_plan``,
    ``made_threshold`` (boolean, NA while the month is not complete), ``days_left`` (working days of the
    month after ``week_end``; 0 = the month was settled, not forecast) and ``basis``; ordered by level
    (managers first), manager, week.

    Examples
    --------
    >>> from salesaudit.workdays import working_day_calendar
    >>> cal = working_day_calendar("2025-06-01", "2026-04-30", country="US")
    >>> sales = pd.DataFrame({"date": cal.loc[cal["is_working"], "date"], "amount": 1000.0,
    ...     "manager": "Ann"})
    >>> parts = pd.DataFrame({"week_start": pd.to_datetime(["2026-04-20", "2026-04-27"])})
    >>> parts["week_end"] = pd.to_datetime(["2026-04-26", "2026-04-30"])
    >>> plan = parts.assign(manager="Ann", plan=[18000, 5000])
    >>> out = chance_history(sales, plan_weekly=plan, as_of="2026-05-04", country="US")
    >>> out[["level", "week_end", "plan", "fact", "chance_plan", "made_plan", "days_left"]]
            level   week_end   plan     fact  chance_plan  made_plan  days_left
    0     manager 2026-04-26  23000  18000.0          0.0      False          4
    1     manager 2026-04-30  23000  22000.0          0.0      False          0
    2  department 2026-04-26  23000  18000.0          0.0      False          4
    3  department 2026-04-30  23000  22000.0          0.0      False          0
    """
    threshold, n_sims = _check_settings(threshold, n_sims)
    inputs = _prepare(sales, plan_weekly, None, as_of)
    ends = _complete_part_ends(inputs)
    columns = ["level", "manager", "period", "week_start", "week_end", "plan", "fact", "chance_plan"]
    columns += ["chance_threshold", "month_fact", "made_plan", "made_threshold", "days_left", "basis"]
    if not len(ends):
        return _finish(pd.DataFrame({c: [] for c in ["manager", *columns]}), columns, inputs.notes)
    book, months, refs, tau2 = _model(inputs, last=int(_month_end(ends).max()), country=country)
    plans = _plan_matrix(inputs, book, months)
    unit, part = np.nonzero(plans[:, months.index(ends)] > 0)
    rows = _rows(book, months, refs, tau2, unit, ends[part])
    total = _simulate(np.random.default_rng(seed), rows, n_sims)
    plan = plans[unit, rows.j]
    chance, chance_threshold = _chances(total, plan, threshold)
    out = pd.DataFrame({"manager": book.names[unit], "period": months.label[rows.j], "plan": plan})
    out["level"], _ = _level(book, unit)
    out["week_start"] = _dates(_part_bounds(rows.day)[0])
    out["week_end"] = _dates(rows.day)
    out["fact"], out["chance_plan"], out["chance_threshold"] = rows.fact, chance, chance_threshold
    out = _with_outcomes(out, book, months, rows, plan, as_of=inputs.as_of, threshold=threshold)
    out["days_left"], out["basis"] = rows.left.astype(np.int64), _BASIS[rows.basis].astype(str)
    return _ordered(out, inputs, columns, by="week_end")


def _complete_part_ends(inputs: _Inputs) -> np.ndarray:
    """Last days of the week-parts from the plan's first one that end strictly before ``as_of``."""
    ws = inputs.plan["ws"].to_numpy(dtype=np.int64)
    if not len(ws):
        return np.array([], dtype=np.int64)
    days = np.arange(int(ws.min()), inputs.as_of, dtype=np.int64)
    ends = np.unique(_part_bounds(days)[1])
    return ends[ends < inputs.as_of]


def _with_outcomes(out, book, months, rows: _Rows, plan, *, as_of: int, threshold: float) -> pd.DataFrame:
    """``month_fact``, ``made_plan`` and ``made_threshold`` where the month ended before ``as_of``."""
    complete = months.me[rows.j] < as_of
    month_fact = book.sales(rows.u, months.ms[rows.j], months.me[rows.j])
    out["month_fact"] = np.where(complete, month_fact, np.nan)
    made = pd.array(month_fact >= plan, dtype="boolean")
    made_threshold = pd.array(month_fact >= threshold * plan, dtype="boolean")
    made[~complete] = pd.NA
    made_threshold[~complete] = pd.NA
    out["made_plan"], out["made_threshold"] = made, made_threshold
    return out


# --------------------------------------------------------------------------------------------------
# the backtest beside the other weekly tables


def with_chances(weekly: pd.DataFrame, history: pd.DataFrame) -> pd.DataFrame:
    """``weekly`` (a :func:`~salesaudit.weekly.tracking.tracking_weekly` table) with the month's
    ``chance_plan`` and ``chance_threshold`` of :func:`chance_history` on each week-part's row (matched
    on level, manager and the week-part; NaN where the history has none: no plan, or not complete)."""
    keys = ["level", "manager", "week_start", "week_end"]
    if not len(history):  # no complete week-part yet: no chances as they were
        return weekly.assign(chance_plan=np.nan, chance_threshold=np.nan)
    right = history[[*keys, "chance_plan", "chance_threshold"]]
    out = weekly.drop(columns=["chance_plan", "chance_threshold"], errors="ignore").merge(
        right, on=keys, how="left"
    )
    out.attrs = dict(weekly.attrs)
    return out


def chance_before_end(history: pd.DataFrame, *, days: int = 14) -> pd.DataFrame:
    """Per level, manager and month of :func:`chance_history`: the chances at the last week-part ending
    at least ``days`` days before the month's last day (what the weekly meeting knew two weeks ahead),
    with ``week_end``; months without such a week-part are left out."""
    columns = ["level", "manager", "period", "week_end", "chance_plan", "chance_threshold"]
    if not len(history):  # no complete week-part yet (a plan year that has just begun)
        return pd.DataFrame(
            {c: pd.Series(dtype="float64" if c.startswith("chance") else object) for c in columns}
        )
    month_end = pd.to_datetime(history["period"].astype(str) + "-01") + pd.offsets.MonthEnd(0)
    early = history[(month_end - history["week_end"]).dt.days >= days]
    last = early.groupby(["level", "manager", "period"], dropna=False, sort=False)["week_end"].transform(
        "max"
    )
    picked = early[early["week_end"] == last]
    return picked[columns].reset_index(drop=True)
