"""Benchmark: ``segment_clients`` on 100k clients × 36 months against a naive groupby-apply baseline.

Run: ``.venv/bin/python benchmarks/bench_segmentation.py`` (``--help`` for sizes). Prints seconds and
ratios; it is not a test and asserts nothing about timings (the target is < 3 s for the full table on
the 2-core reference machine). The naive baseline -- one Python function per client through
``groupby().apply`` -- is slow, so by default it runs on a sample of clients and is compared with the
vectorised code on the same sample; ``--naive-clients 0`` runs it on every client.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from salesaudit.clients.segmentation import segment_clients
from salesaudit.frames import analysis_window  # noqa: E402

AS_OF = pd.Timestamp("2026-11-25")


def make_data(n_clients: int, n_months: int = 36, *, seed: int = 0):
    """Sales (one line per client-month, random gaps, late starters, churners, 2 % returns),
    a clients register with potential, and activities (5 per client on average)."""
    rng = np.random.default_rng(seed)
    client = np.repeat(np.arange(n_clients), n_months)
    month = np.tile(np.arange(n_months), n_clients)
    start = np.where(rng.random(n_clients) < 0.1, rng.integers(0, n_months, n_clients), 0)
    stop = np.where(rng.random(n_clients) < 0.1, rng.integers(0, n_months, n_clients), n_months)
    keep = (month >= start[client]) & (month < stop[client]) & (rng.random(len(client)) > 0.1)
    second = keep & (rng.random(len(client)) < 0.2)  # a second invoice in some months
    client = np.r_[client[keep], client[second]]
    month = np.r_[month[keep], month[second]]
    first = np.datetime64(AS_OF.to_period("M").start_time.date(), "M") - n_months
    days = (first + month).astype("datetime64[D]") + rng.integers(0, 28, len(client))
    scale = rng.lognormal(10, 1.5, n_clients)
    amount = np.round(scale[client] * rng.lognormal(0, 0.4, len(client)), 2)
    returns = rng.random(len(client)) < 0.02
    amount[returns] = -np.round(amount[returns] * 0.3, 2)
    ids = np.char.add("C", np.arange(n_clients).astype(str))
    managers = np.array([f"Manager {i:02d}" for i in range(40)])
    owner = rng.integers(0, 40, n_clients)
    line_manager = np.where(rng.random(len(client)) < 0.05, rng.integers(0, 40, len(client)), owner[client])
    sales = pd.DataFrame(
        {
            "date": pd.to_datetime(days),
            "client_id": pd.Series(ids[client], dtype="str"),
            "amount": amount,
            "manager": pd.Series(managers[line_manager], dtype="str"),
            "margin": np.round(amount * rng.uniform(-0.05, 0.35, len(client)), 2),
            "document_id": pd.Series(np.char.add("INV-", np.arange(len(client)).astype(str)), dtype="str"),
        }
    )
    clients = pd.DataFrame(
        {
            "client_id": pd.Series(ids, dtype="str"),
            "manager": pd.Series(managers[owner], dtype="str"),
            "potential": np.where(
                rng.random(n_clients) < 0.6, scale * 12 * rng.uniform(1, 20, n_clients), np.nan
            ),
        }
    )
    n_acts = 5 * n_clients
    act_days = np.datetime64("2025-01-01") + rng.integers(0, 690, n_acts)
    act_client = rng.integers(0, n_clients, n_acts)
    activities = pd.DataFrame(
        {
            "date": pd.to_datetime(act_days),
            "manager": pd.Series(managers[owner[act_client]], dtype="str"),
            "type": pd.Series(np.array(["call", "meeting"])[rng.integers(0, 2, n_acts)], dtype="str"),
            "client_id": pd.Series(ids[act_client], dtype="str"),
        }
    )
    return sales, clients, activities


def naive_segment(sales: pd.DataFrame, *, as_of, window_months: int = 12) -> pd.DataFrame:
    """What a first pandas draft looks like: a Python function per client, float shares."""
    start, end = analysis_window(as_of=as_of, window_months=window_months)
    prev_start, prev_end = analysis_window(as_of=as_of, window_months=window_months, offset=1)
    months = pd.date_range(start, periods=window_months, freq="MS")
    dormant_since = pd.Timestamp(as_of) - pd.DateOffset(months=6)

    def per_client(g: pd.DataFrame) -> pd.Series:
        g = g[g["date"] <= as_of]
        cur = g[(g["date"] >= start) & (g["date"] <= end)]
        prev = g[(g["date"] >= prev_start) & (g["date"] <= prev_end)]
        bought = g[g["amount"] > 0]
        first = bought["date"].min()
        monthly = cur.set_index("date")["amount"].resample("MS").sum().reindex(months, fill_value=0.0)
        if pd.notna(first):
            monthly = monthly[monthly.index >= first.to_period("M").start_time]
        mean = monthly.mean() if len(monthly) else np.nan
        cv = monthly.std(ddof=0) / mean if mean > 0 else np.nan
        return pd.Series(
            {
                "revenue": cur["amount"].sum(),
                "prev_revenue": prev["amount"].sum(),
                "in_window": len(cur) + len(prev) > 0,
                "margin": cur["margin"].sum(),
                "orders": cur.loc[cur["amount"] > 0, "document_id"].nunique(),
                "manager": cur.groupby("manager")["amount"].sum().idxmax() if len(cur) else None,
                "cv": cv,
                # no purchase at all (returns only): not "new" -- mean <= 0 gives "none"
                "months_old": (end.to_period("M") - first.to_period("M")).n + 1 if pd.notna(first) else 99,
                "last_purchase": bought["date"].max(),
            }
        )

    per = sales.groupby("client_id").apply(per_client, include_groups=False)
    per = per[per["in_window"].astype(bool)].sort_values("revenue", ascending=False)
    positive = per["revenue"].clip(lower=0)
    cum_before = positive.cumsum().shift(fill_value=0.0) / positive.sum()
    per["abc_class"] = np.select([cum_before < 0.8, cum_before < 0.95], ["A", "B"], "C")
    per.loc[per["revenue"] <= 0, "abc_class"] = "D"
    per["xyz_class"] = np.select(
        [per["months_old"] < 3, ~(per["cv"] >= 0), per["cv"] <= 0.10, per["cv"] <= 0.25],
        ["new", "none", "X", "Y"],
        "Z",
    )
    per["dormant"] = ~(per["last_purchase"] >= dormant_since)
    return per


def timed(fn, repeat: int) -> tuple[list[float], object]:
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return times, result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--months", type=int, default=36)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--naive-clients", type=int, default=5_000, help="0 = all clients")
    args = parser.parse_args(argv)

    t0 = time.perf_counter()
    sales, clients, activities = make_data(args.clients, args.months)
    print(
        f"data: {len(sales):,} sales lines, {args.clients:,} clients, {len(activities):,} activities "
        f"(generated in {time.perf_counter() - t0:.1f} s)"
    )

    def fast(s=sales, c=clients, a=activities):
        return segment_clients(s, as_of=AS_OF, clients=c, activities=a)

    times, table = timed(fast, args.repeat)
    print(
        f"segment_clients, full table: best {min(times):.2f} s, median {statistics.median(times):.2f} s "
        f"over {args.repeat} runs ({len(table):,} clients out; target < 3 s)"
    )

    n_naive = args.naive_clients or args.clients
    sample_ids = set(clients["client_id"].iloc[:n_naive])
    sample = sales[sales["client_id"].isin(sample_ids)]
    fast_times, fast_table = timed(lambda: segment_clients(sample, as_of=AS_OF), args.repeat)
    naive_times, naive_table = timed(lambda: naive_segment(sample, as_of=AS_OF), 1)
    fast_s, naive_s = min(fast_times), min(naive_times)
    print(
        f"on {n_naive:,} clients ({len(sample):,} lines): segment_clients {fast_s:.3f} s, "
        f"naive groupby-apply {naive_s:.2f} s, ratio naive/vectorised = {naive_s / fast_s:.0f}x"
    )
    if n_naive < args.clients:
        est = naive_s * args.clients / n_naive
        print(
            f"naive extrapolated to {args.clients:,} clients: ~{est:.0f} s, "
            f"ratio vs full segment_clients ~ {est / min(times):.0f}x"
        )

    merged = fast_table.merge(
        naive_table, left_on="client_id", right_index=True, suffixes=("", "_naive"), how="inner"
    )
    same_rev = np.isclose(merged["revenue"], merged["revenue_naive"], rtol=0, atol=0.005).mean()
    same_abc = (merged["abc_class"] == merged["abc_class_naive"]).mean()
    same_xyz = (merged["xyz_class"] == merged["xyz_class_naive"]).mean()
    print(
        f"cross-check on the sample ({len(merged):,} clients): revenue {same_rev:.2%}, "
        f"ABC {same_abc:.2%}, XYZ {same_xyz:.2%} identical"
    )


if __name__ == "__main__":
    main()
