"""Calibration of the plan's chances: do the backtest's probabilities happen as often as they say?

The figures only (no language). :func:`calibration` reads a backtest such as
:func:`salesaudit.weekly.chance.chance_history` — one row per past forecast, a chance and what happened —
and returns the Brier score, its skill against always predicting the base rate, a reliability table
(predicted 20 % → happened how often, with a Wilson interval: 95 % for the bins together) and a verdict. A chance the backtest
shows to be miscalibrated is to be flagged, not shown as fact; too few cases give the verdict
``"unknown"``, never ``"calibrated"``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from statistics import NormalDist

import numpy as np
import pandas as pd

from ..exceptions import ConfigError, DataError

__all__ = [
    "CHANCES",
    "Calibration",
    "by_level",
    "calibration",
    "confirmed",
    "trusted",
    "verdict_table",
    "wilson_interval",
]

Z95 = 1.959963984540054
"""The normal quantile of a two-sided 95 % interval."""
CONFIDENCE = 0.95
"""Joint confidence of the reliability table's intervals (all bins together)."""
MIN_BIN_CASES = 10
"""Cases a reliability bin needs before its disagreement counts against the verdict."""
EVENT = ("level", "manager", "period")
"""The columns naming the event a backtest row forecast: one manager's (or the department's) month.
The weeks of one month share its outcome, so they are not independent cases: a bin's Wilson interval
counts the distinct events in it (``events``), not its rows — with every row a month of its own the two
agree."""


@dataclass(frozen=True)
class Calibration:
    """The calibration of a backtest's chances.

    Attributes
    ----------
    cases
        Rows with both a chance and an outcome (rows with no working day left, ``days_left == 0``,
        are settled, not forecast, and are left out).
    brier
        Mean of (chance − outcome)², 0 = perfect; NaN without cases.
    brier_base
        Brier score of always predicting the observed base rate: base × (1 − base).
    skill
        1 − brier / brier_base: above 0 the chances know more than the base rate; NaN when every case
        had the same outcome (base Brier 0).
    table
        Reliability table, one row per bin of the chance: ``bin`` (label "0–20 %"), ``lo``, ``hi``,
        ``cases``, ``events`` (distinct months forecast: :data:`EVENT`), ``predicted`` (mean chance),
        ``observed`` (share that happened), ``observed_low``, ``observed_high`` (Wilson interval
        of ``observed`` over the bin's events; NaN for an empty bin).
    verdict
        ``"calibrated"``, ``"miscalibrated"`` or ``"unknown"`` (fewer than ``min_cases`` cases).
    reasons
        Short codes of what made the verdict: ``"too_few_cases"``, ``"no_skill"`` (skill <= 0),
        ``"bin:0.6-0.8"`` (a bin of at least :data:`MIN_BIN_CASES` cases whose mean chance is outside
        its Wilson interval).
    events
        Distinct months forecast among the cases (:data:`EVENT`).
    """

    cases: int
    brier: float
    brier_base: float
    skill: float
    table: pd.DataFrame = field(repr=False)
    verdict: str
    reasons: tuple[str, ...]
    events: int = 0


def wilson_interval(successes, cases, *, z: float = Z95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of a share ``successes / cases`` (NaN where ``cases`` is 0).

    Examples
    --------
    >>> low, high = wilson_interval(3, 10)
    >>> round(float(low), 3), round(float(high), 3)
    (0.108, 0.603)
    """
    k = np.asarray(successes, dtype=float)
    n = np.asarray(cases, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = k / n
        denominator = 1.0 + z**2 / n
        centre = (p + z**2 / (2 * n)) / denominator
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denominator
    empty = n <= 0
    return np.where(empty, np.nan, centre - half), np.where(empty, np.nan, centre + half)


def calibration(
    history: pd.DataFrame,
    *,
    column: str = "chance_plan",
    outcome: str = "made_plan",
    bins: int = 5,
    min_cases: int = 30,
) -> Calibration:
    """Brier score, skill, reliability table and verdict of the chances in ``history``.

    Parameters
    ----------
    history
        One row per past forecast, e.g. :func:`salesaudit.weekly.chance.chance_history`; rows without a
        chance or an outcome (month not complete) are skipped, as are rows with ``days_left == 0`` when
        that column is present (the month was over: its chance was a fact, not a forecast).
    column
        The chance (0..1).
    outcome
        What happened (boolean, or 0/1).
    bins
        Equal-width bins of the chance in the reliability table.
    min_cases
        Below this many cases the verdict is ``"unknown"``.

    Returns
    -------
    :class:`Calibration`.

    Examples
    --------
    >>> h = pd.DataFrame({"chance_plan": [0.9, 0.8, 0.2, 0.1], "made_plan": [True, False, False, False]})
    >>> c = calibration(h, min_cases=4)
    >>> round(c.brier, 4), round(c.brier_base, 4), round(c.skill, 4), c.verdict
    (0.175, 0.1875, 0.0667, 'calibrated')
    >>> calibration(h).verdict, calibration(h).reasons
    ('unknown', ('too_few_cases',))
    """
    p, o, event = _cases(history, column=column, outcome=outcome)
    bins, min_cases = _check(bins, min_cases)
    n = len(p)
    brier = float(np.mean((p - o) ** 2)) if n else float("nan")
    base = float(o.mean()) if n else float("nan")
    brier_base = base * (1 - base)
    skill = 1 - brier / brier_base if brier_base > 0 else float("nan")
    table = _reliability(p, o, event, bins)
    reasons: list[str] = []
    if n < min_cases:
        reasons.append("too_few_cases")
    if skill <= 0:
        reasons.append("no_skill")
    off = (table["cases"] >= MIN_BIN_CASES) & (
        (table["predicted"] < table["observed_low"]) | (table["predicted"] > table["observed_high"])
    )
    reasons += [f"bin:{lo:g}-{hi:g}" for lo, hi in table.loc[off, ["lo", "hi"]].itertuples(index=False)]
    if n < min_cases:
        verdict = "unknown"
    else:
        verdict = "miscalibrated" if reasons else "calibrated"
    return Calibration(n, brier, brier_base, skill, table, verdict, tuple(reasons), len(np.unique(event)))


def _cases(history: pd.DataFrame, *, column: str, outcome: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Chances, outcomes (0/1) and the event each row forecast (its :data:`EVENT` key as a code; each
    row its own event when the history lacks those columns), of the rows that have both a chance and
    an outcome (and a working day left)."""
    for name in (column, outcome):
        if name not in history.columns:
            raise DataError(
                f"the backtest lacks the column {name}",
                column=name,
                hint="pass the output of chance_history (or name the columns with column=, outcome=)",
            )
    p = pd.to_numeric(history[column], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    o_raw = history[outcome]
    if not (pd.api.types.is_bool_dtype(o_raw) or pd.api.types.is_numeric_dtype(o_raw)):
        raise DataError(f"the backtest's {outcome} is not boolean", column=outcome)
    o = pd.to_numeric(o_raw.astype("Float64"), errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    keep = ~np.isnan(p) & ~np.isnan(o)
    if "days_left" in history.columns:
        keep &= pd.to_numeric(history["days_left"], errors="coerce").fillna(1).to_numpy() > 0
    if all(c in history.columns for c in EVENT):
        event = history.groupby(list(EVENT), dropna=False, sort=False).ngroup().to_numpy()
    else:
        event = np.arange(len(history))
    p, o, event = p[keep], o[keep], event[keep]
    if ((p < 0) | (p > 1)).any():
        raise DataError(f"the backtest's {column} holds values outside 0..1", column=column)
    if not np.isin(o, (0.0, 1.0)).all():
        raise DataError(f"the backtest's {outcome} holds values other than true/false", column=outcome)
    return p, o, event


def _check(bins, min_cases) -> tuple[int, int]:
    for key, value in (("bins", bins), ("min_cases", min_cases)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ConfigError(f"{key} must be a whole number of at least 1", key=key, value=value)
    return int(bins), int(min_cases)


def _reliability(p: np.ndarray, o: np.ndarray, event: np.ndarray, bins: int) -> pd.DataFrame:
    edges = np.round(np.linspace(0.0, 1.0, bins + 1), 10)
    which = np.clip(np.searchsorted(edges, p, side="right") - 1, 0, bins - 1)
    cases = np.bincount(which, minlength=bins)
    hits = np.bincount(which, weights=o, minlength=bins)
    pairs = np.unique(np.stack([which, event]), axis=1) if len(p) else np.zeros((2, 0), dtype=np.int64)
    events = np.bincount(pairs[0], minlength=bins)
    with np.errstate(divide="ignore", invalid="ignore"):
        predicted = np.bincount(which, weights=p, minlength=bins) / cases
        observed = hits / cases
    # 95 % for the bins together (Bonferroni): with 5 bins at 95 % each, a perfectly calibrated backtest
    # would be flagged one time in five (measured: 22 % of 200 seeds; 5 % with the joint interval)
    z = NormalDist().inv_cdf(1 - (1 - CONFIDENCE) / (2 * bins))
    low, high = wilson_interval(np.nan_to_num(observed) * events, events, z=z)
    lo, hi = edges[:-1], edges[1:]
    return pd.DataFrame(
        {
            "bin": [f"{_percent(a)}–{_percent(b)} %" for a, b in zip(lo, hi, strict=True)],
            "lo": lo,
            "hi": hi,
            "cases": cases.astype(np.int64),
            "events": events.astype(np.int64),
            "predicted": predicted,
            "observed": observed,
            "observed_low": low,
            "observed_high": high,
        }
    )


def _percent(share: float) -> str:
    return f"{round(share * 100, 1):g}"


CHANCES: tuple[tuple[str, str], ...] = (("chance_plan", "made_plan"), ("chance_threshold", "made_threshold"))
"""The chances of :func:`salesaudit.weekly.chance.chance_history` and the outcome each forecasts."""


def by_level(history: pd.DataFrame, *, min_cases: int = 30) -> dict[tuple[str, str], Calibration]:
    """The :func:`calibration` of each chance (:data:`CHANCES`) for the managers and the department
    apart, ``{(level, chance): Calibration}``: a department's chance can be calibrated while the
    managers' is not, and each is trusted (or flagged) on its own evidence."""
    out = {}
    for level in ("manager", "department"):
        part = history[history["level"] == level] if "level" in history.columns else history
        for column, outcome in CHANCES:
            out[(level, column)] = calibration(part, column=column, outcome=outcome, min_cases=min_cases)
    return out


def verdict_table(checked: dict[tuple[str, str], Calibration]) -> pd.DataFrame:
    """:func:`by_level` as a table: ``level``, ``chance``, ``cases``, ``events``, ``brier``,
    ``brier_base``, ``skill``, ``verdict``, ``reasons`` (codes joined by ", ")."""
    return pd.DataFrame(
        [
            {
                "level": level,
                "chance": chance,
                "cases": cal.cases,
                "events": cal.events,
                "brier": cal.brier,
                "brier_base": cal.brier_base,
                "skill": cal.skill,
                "verdict": cal.verdict,
                "reasons": ", ".join(cal.reasons),
            }
            for (level, chance), cal in checked.items()
        ]
    )


def trusted(checked: dict[tuple[str, str], Calibration]) -> dict[tuple[str, str], bool]:
    """``{(level, chance): calibrated?}`` from :func:`by_level`: only a calibrated chance is shown as a
    fact and alerted on; an unknown or miscalibrated one is a rough guide, said so."""
    return {key: cal.verdict == "calibrated" for key, cal in checked.items()}


def confirmed(chances: pd.DataFrame, trust: dict[tuple[str, str], bool], chance: str) -> pd.DataFrame:
    """The rows of a :func:`salesaudit.weekly.chance.plan_chances` table whose ``chance`` the backtest
    confirmed at their level (:func:`trusted`): what an alert may rest on."""
    keep = [trust.get((level, chance), False) for level in chances["level"]]
    return chances[np.asarray(keep, dtype=bool)]
