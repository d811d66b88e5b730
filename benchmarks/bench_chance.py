"""The plan's chances backtested: `chance_history` against the run-rate `backtest` on the same data.

Data shaped like a real export: 25 managers × 3 years of daily sales lines (a few orders per manager and
working day, lognormal amounts, a few returns, seasonality, a small share without a manager) and a plan
of 52 weeks (2026) in week-parts. Ours: `salesaudit.weekly.chance.chance_history` (Monte-Carlo, 1000
runs per manager and week-part). Baseline: `salesaudit.weekly.tracking.backtest` (the run-rate
backtest) on the same frames. Prints the median seconds of each and the ratio; target: chance_history
for 25 managers × 52 weeks under 3 s.

    .venv/bin/python benchmarks/bench_chance.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
MANAGERS = 25
SEASON = np.array([0.60, 0.90, 1.05, 1.05, 0.85, 1.00, 0.95, 0.98, 1.08, 1.10, 1.12, 1.32])


def export(seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Sales lines 2024-01-01..2026-12-31 and the 2026 plan (week-parts), 25 managers."""
    from salesaudit.workdays import working_day_calendar

    rng = np.random.default_rng(seed)
    cal = working_day_calendar("2024-01-01", "2026-12-31", country="RU")
    days = cal.loc[cal["is_working"], "date"].to_numpy()
    names = np.array([f"Менеджер {i:02d}" for i in range(MANAGERS)], dtype=object)
    orders = rng.poisson(4, size=(MANAGERS, len(days)))  # orders per manager and working day
    m = np.repeat(np.tile(np.arange(MANAGERS), len(days)), orders.T.ravel())
    d = np.repeat(np.repeat(days, MANAGERS), orders.T.ravel())
    month = pd.DatetimeIndex(d).month.to_numpy() - 1
    level = rng.uniform(0.6, 1.6, MANAGERS)[m] * SEASON[month]
    amount = np.round(rng.lognormal(np.log(40_000), 1.0, len(m)) * level, 2)
    amount[rng.uniform(size=len(m)) < 0.015] *= -0.3  # returns
    manager = names[m]
    manager[rng.uniform(size=len(m)) < 0.005] = None
    sales = pd.DataFrame(
        {
            "date": d.astype("datetime64[us]"),
            "client_id": pd.Categorical(rng.integers(0, 2000, len(m)).astype(str)),
            "amount": amount,
            "manager": pd.Series(manager, dtype="str"),
        }
    )
    year = pd.date_range("2026-01-01", "2026-12-31", freq="D")
    starts = year[(year.day_of_week == 0) | (year.day == 1)]
    ends = [min(s + pd.Timedelta(days=6 - s.day_of_week), s + pd.offsets.MonthEnd(0)) for s in starts]
    parts = pd.DataFrame({"week_start": starts, "week_end": pd.DatetimeIndex(ends)})
    parts = parts[parts["week_start"] <= parts["week_end"]]
    per_day = sales[sales["date"] >= "2025-01-01"].groupby("manager")["amount"].sum() / 247 * 1.1
    plan = parts.merge(pd.DataFrame({"manager": names}), how="cross")
    wd = [cal.loc[(cal["date"] >= s) & (cal["date"] <= e), "is_working"].sum() for s, e in parts.to_numpy()]
    plan["plan"] = (np.tile(wd, MANAGERS) * plan["manager"].map(per_day).to_numpy()).round().astype("int64")
    return sales, plan


def timed(fn, repeat: int) -> tuple[float, list[float], object]:
    runs, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs), runs, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from salesaudit.weekly.chance import chance_history
    from salesaudit.weekly.tracking import backtest

    sales, plan = export()
    as_of = "2026-12-28"  # 52 complete weeks of 2026 behind it
    ours, ours_runs, history = timed(
        lambda: chance_history(sales, plan_weekly=plan, as_of=as_of), args.repeat
    )
    base, base_runs, _ = timed(lambda: backtest(sales, plan_weekly=plan, as_of=as_of), args.repeat)
    parts = history["week_end"].nunique()
    print(
        f"data: {len(sales):,} sales lines, {MANAGERS} managers, {parts} week-parts replayed, {len(history):,} rows"
    )
    print(f"chance_history (median)   {ours:6.2f} s   runs: {', '.join(f'{x:.2f}' for x in ours_runs)}")
    print(f"run-rate backtest         {base:6.2f} s   runs: {', '.join(f'{x:.2f}' for x in base_runs)}")
    print(f"ratio chance / backtest   {ours / base:6.2f}x   (target: chance_history under 3 s)")


if __name__ == "__main__":
    main()
