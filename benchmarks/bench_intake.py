"""Intake benchmark: salesaudit's real intake path against DuckDB on the same generated CSV.

Usage::

    .venv/bin/python benchmarks/bench_intake.py                # 1M and 10M lines, 3 rounds
    .venv/bin/python benchmarks/bench_intake.py --rows 1000000 --rounds 5
    .venv/bin/python benchmarks/bench_intake.py --dir /tmp/elsewhere

What is measured, each in a fresh subprocess (so peak RSS is the side's own; imports are not timed,
including pandera's validation backends, which intake would otherwise load on its first validation):

* **salesaudit** — ``config.load`` of an engagement folder whose ``inputs.sales`` is the CSV, then
  :func:`salesaudit.intake.canonical.read_engagement` (read, map, parse numbers and dates, row accounting,
  validation against the canonical schema), then per-client totals
  ``sales.groupby("client_id", sort=False)["amount"].sum()`` on the canonical table (whose
  ``client_id`` is a categorical: see :data:`salesaudit.intake.canonical.CATEGORICAL`).
* **duckdb (all columns)** — ``read_csv`` with typed columns (VARCHAR client and manager, DATE with
  ``dateformat='%d.%m.%Y'``, DOUBLE amount with ``decimal_separator=','``) and ``GROUP BY`` client,
  the query touching every column (sum of amount, count of dates and managers) so DuckDB converts all
  four columns, as intake does.
* **duckdb (client+amount)** — the same query with only the client and the amount, for reference:
  DuckDB then skips converting the other two columns.

The generated CSV (client, manager, date as DD.MM.YYYY, amount with a decimal comma, ``;``-separated,
UTF-8) is written under ``--dir`` (default ``/tmp/salesaudit_bench``), never into the repository, and
reused when it already exists. Times are wall-clock seconds: the minimum over the rounds (the least
disturbed by other processes) and the median; the machine's other load shows in the spread.
CPU s is user+system time of the side's process (all its threads): the work done, which other
load on the machine disturbs far less than wall time. Benchmarks report ratios, not pass/fail.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
ENGAGEMENT_YAML = """\
client: {{name: "Benchmark"}}
as_of: 2026-11-25
inputs:
  sales:
    files: [{csv}]
    columns: {{client_id: Клиент, manager: Менеджер, date: Дата, amount: Сумма}}
    read: {{delimiter: ";", encoding: utf-8, date_format: "%d.%m.%Y", decimal: ","}}
plan: {{year: 2026}}
"""


# ------------------------------------------------------------------------------------------------
# Data


def generate_csv(path: Path, rows: int, *, seed: int = 20261125) -> Path:
    """Write ``rows`` sales lines: 20 000 clients, 40 managers, 1 000 days, kopeck amounts."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pcsv

    if path.is_file() and path.stat().st_size > 0 and path.with_suffix(".rows").read_text() == str(rows):
        return path
    rng = np.random.default_rng(seed)
    clients = pa.array([f"ООО Клиент {i:05d}" for i in range(20_000)])
    managers = pa.array([f"Менеджер {i:02d}" for i in range(40)])
    days = pc.strftime(
        pa.array(np.datetime64("2023-01-01") + np.arange(1_000), type=pa.timestamp("s")),
        format="%d.%m.%Y",
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    chunk = 1_000_000
    with pa.OSFile(str(tmp), "wb") as sink:
        sink.write("Клиент;Менеджер;Дата;Сумма\n".encode())
        for start in range(0, rows, chunk):
            m = min(chunk, rows - start)
            kop = rng.integers(-10_000, 5_000_000, m)
            whole = pa.array(np.abs(kop) // 100).cast(pa.string())
            cents = pc.utf8_lpad(pa.array(np.abs(kop) % 100).cast(pa.string()), width=2, padding="0")
            amount = pc.binary_join_element_wise(
                pc.if_else(pa.array(kop < 0), "-", ""), whole, ",", cents, ""
            )
            table = pa.table(
                {
                    "c": clients.take(pa.array(rng.integers(0, len(clients), m))),
                    "m": managers.take(pa.array(rng.integers(0, len(managers), m))),
                    "d": days.take(pa.array(rng.integers(0, len(days), m))),
                    "a": amount,
                }
            )
            pcsv.write_csv(
                table,
                sink,
                write_options=pcsv.WriteOptions(include_header=False, delimiter=";", quoting_style="none"),
            )
    tmp.replace(path)
    path.with_suffix(".rows").write_text(str(rows))
    return path


def make_engagement(folder: Path, csv: Path) -> Path:
    from salesaudit.engine.templates import template_path

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "engagement.yaml").write_text(ENGAGEMENT_YAML.format(csv=csv), encoding="utf-8")
    shutil.copyfile(template_path("brand.yml"), folder / "brand.yml")
    shutil.copyfile(template_path("logo.svg"), folder / "logo.svg")
    (folder / "questionnaire.yaml").write_text("{}\n", encoding="utf-8")
    return folder


# ------------------------------------------------------------------------------------------------
# One measurement (runs in a child process)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _import_lazily_loaded() -> None:
    """Import what intake loads on first use (pandera's validation backends): imports are not timed."""
    import pandas as pd
    import pandera.pandas as pa

    pa.DataFrameSchema({"x": pa.Column(int)}).validate(pd.DataFrame({"x": [1]}))


def child(side: str, target: str) -> dict:
    if side == "salesaudit":
        from salesaudit.engine import config
        from salesaudit.intake.canonical import read_engagement

        _import_lazily_loaded()
        start, cpu = time.perf_counter(), _cpu()
        intake = read_engagement(config.load(target))
        sales = intake.tables["sales"]
        totals = sales.groupby("client_id", sort=False)["amount"].sum()
        seconds, cpu = time.perf_counter() - start, _cpu() - cpu
        acc = intake.accounting.iloc[0]
        assert acc["rows_read"] == acc["rows_used"] + acc["rows_rejected"]
        return {
            "seconds": seconds,
            "cpu": cpu,
            "peak_mb": _peak_mb(),
            "rows": int(len(sales)),
            "clients": int(len(totals)),
            "total": float(totals.sum()),
        }
    if side == "demo":
        from salesaudit.engine import config
        from salesaudit.intake.canonical import read_engagement

        start = time.perf_counter()
        intake = read_engagement(config.load(target))
        seconds = time.perf_counter() - start
        return {
            "seconds": seconds,
            "peak_mb": _peak_mb(),
            "files": len(intake.accounting),
            "rows": int(intake.accounting["rows_read"].sum()),
        }
    import duckdb

    columns = "{'Клиент': 'VARCHAR', 'Менеджер': 'VARCHAR', 'Дата': 'DATE', 'Сумма': 'DOUBLE'}"
    source = (
        f"read_csv('{target}', delim=';', header=true, decimal_separator=',', "
        f"dateformat='%d.%m.%Y', columns={columns})"
    )
    select = (
        'sum("Сумма") AS amount, count("Дата") AS dated, count("Менеджер") AS managed'
        if side == "duckdb"
        else 'sum("Сумма") AS amount'
    )
    start, cpu = time.perf_counter(), _cpu()
    con = duckdb.connect()
    totals = con.execute(f'SELECT "Клиент" AS client_id, {select} FROM {source} GROUP BY 1').df()
    seconds, cpu = time.perf_counter() - start, _cpu() - cpu
    return {
        "seconds": seconds,
        "cpu": cpu,
        "peak_mb": _peak_mb(),
        "clients": int(len(totals)),
        "total": float(totals["amount"].sum()),
    }


def measure(side: str, target: Path) -> dict:
    out = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", side, str(target)],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


# ------------------------------------------------------------------------------------------------
# Report


def _summary(runs: list[dict]) -> dict:
    secs = [r["seconds"] for r in runs]
    cpu = [r.get("cpu", float("nan")) for r in runs]
    return {
        "min": min(secs),
        "median": statistics.median(secs),
        "cpu": min(cpu),
        "peak_mb": max(r["peak_mb"] for r in runs),
        "all": [round(x, 2) for x in secs],
    }


def bench(sizes: list[int], rounds: int, folder: Path) -> dict:
    results: dict[int, dict[str, dict]] = {}
    for rows in sizes:
        csv = generate_csv(folder / f"sales_{rows}.csv", rows)
        eng = make_engagement(folder / f"engagement_{rows}", csv)
        runs: dict[str, list[dict]] = {"salesaudit": [], "duckdb": [], "duckdb_min": []}
        for _ in range(rounds):  # interleaved, so a burst of load hits every side alike
            runs["salesaudit"].append(measure("salesaudit", eng))
            runs["duckdb"].append(measure("duckdb", csv))
            runs["duckdb_min"].append(measure("duckdb_min", csv))
        ours, duck = runs["salesaudit"][0], runs["duckdb"][0]
        assert ours["clients"] == duck["clients"], "both sides must find the same clients"
        assert abs(ours["total"] - duck["total"]) <= 1e-6 * abs(duck["total"]), "totals must agree"
        results[rows] = {side: _summary(r) for side, r in runs.items()}
    return results


def print_report(results: dict, demo: dict | None) -> None:
    print(
        f"{'lines':>11} {'side':<24} {'min s':>7} {'median s':>9} {'ratio':>7} {'CPU s':>7} "
        f"{'peak MB':>8}  every round (s)"
    )
    for rows, sides in results.items():
        base = sides["duckdb"]["min"]
        labels = {
            "salesaudit": "salesaudit intake+totals",
            "duckdb": "duckdb (all columns)",
            "duckdb_min": "duckdb (client+amount)",
        }
        for side, s in sides.items():
            ratio = s["min"] / base
            print(
                f"{rows:>11,} {labels[side]:<24} {s['min']:>7.2f} {s['median']:>9.2f} {ratio:>6.2f}x "
                f"{s['cpu']:>7.2f} {s['peak_mb']:>8.0f}  {s['all']}"
            )
    if len(results) > 1:
        small, big = min(results), max(results)
        t_small, t_big = results[small]["salesaudit"]["min"], results[big]["salesaudit"]["min"]
        growth = t_big / t_small
        print(
            f"\nscaling {small:,} -> {big:,} lines ({big / small:.0f}x): salesaudit time x{growth:.2f} "
            f"({t_small / small * 1e6:.2f} -> {t_big / big * 1e6:.2f} µs per line)"
        )
    if demo:
        print(
            f"\ndemo engagement intake ({demo['rows']:,} rows, {demo['files']} files incl. an xlsx): "
            f"{demo['min']:.2f} s (min), peak {demo['peak_mb']:.0f} MB"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="*", default=[1_000_000, 10_000_000])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/salesaudit_bench"))
    parser.add_argument("--no-demo", action="store_true")
    parser.add_argument("--child", nargs=2, metavar=("SIDE", "TARGET"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(*args.child)))
        return 0
    if str(args.dir.resolve()).startswith(str(ROOT)):
        parser.error("--dir must be outside the repository")
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPU(s), rounds={args.rounds}")
    results = bench(sorted(args.rows), args.rounds, args.dir)
    demo = None
    if not args.no_demo:
        from salesaudit.demo import generate_demo

        folder = args.dir / "demo"
        if not (folder / "engagement.yaml").is_file():
            generate_demo(folder)
        runs = [measure("demo", folder) for _ in range(args.rounds)]
        demo = {**_summary(runs), "rows": runs[0]["rows"], "files": runs[0]["files"]}
    print_report(results, demo)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
