"""A large client, side by side with the columnar floor (issue 17): 1M and 10M lines of the real 9-column export.

Usage::

    .venv/bin/python benchmarks/bench_big.py --rows 1000000                 # every step, one round
    .venv/bin/python benchmarks/bench_big.py --rows 1000000 --rows 10000000 --only intake,validate
    .venv/bin/python benchmarks/bench_big.py --rows 10000000 --only intake1 --json /tmp/big.json
    .venv/bin/python benchmarks/bench_big.py --rows 10000000 --only run,weekly --baseline /tmp/base

The engagement is :mod:`bigexport`'s (the demo's 1C sales export at N lines, ~N/200 clients, three
yearly files with one unreadable number cell, a clients register and managers), generated once under
``--dir`` (default ``/tmp/salesaudit_big``) and reused. Every measurement runs in a fresh subprocess;
the two sides of a step alternate (salesaudit, floor, salesaudit, floor ... for ``--rounds``), so a
burst of load from elsewhere on the machine hits both alike. The steps (``--only``, comma-separated):

* **intake** — salesaudit: ``config.load`` and :func:`salesaudit.intake.canonical.read_engagement`
  (every input table: read, map, parse, accounting, validation), then per-client totals
  ``sales.groupby("client_id", observed=True)["amount"].sum()``. Floor: DuckDB ``read_csv`` of the same
  three files with all 9 columns typed (DATE, DOUBLE with ``decimal_separator=','``, VARCHAR), the
  unreadable row skipped (``ignore_errors``), and a ``GROUP BY`` client touching every column.
* **intake1** — the same, on the same lines as **one** file (``rows_N_one/``; not run by default:
  issue 17 found its per-chunk dictionary encoding quadratic, 214 s at 10M). Its note line gives the
  one-file / three-file time of salesaudit when both ran.
* **segment** — salesaudit: ``Session.segment()`` (``segment_clients`` with the engagement's settings,
  as the clients notebook calls it) on the session's canonical tables, read before the clock starts.
  Floor: a DuckDB SQL over the same lines (loaded into a DuckDB table before the clock starts) giving
  each client with a line in the current or the previous window its ABC class by net revenue in the
  window, kopecks exact, the "reach" rule with ties going whole to the better class, cut-offs compared
  as exact fractions. The two sides' ABC classes are joined on client: the agreement share is printed.
* **validate**, **run**, **weekly** — ``salesaudit validate F``, ``salesaudit run F`` (into
  ``F/output/``, where the weekly flash finds its plan) and ``salesaudit weekly F --out TMP``: the
  whole command's wall time (imports and kernels included). No floor; with ``--baseline DIR`` (a
  checkout of an earlier version, e.g. ``git worktree add /tmp/base <commit>``) each command runs
  with that version too (``PYTHONPATH=DIR``, its notebooks), alternating with this one, and the
  ratio column is this version / the baseline.

Seconds of intake and segment are the timed section inside the child (imports and untimed reads
excluded); of the commands, the command's wall time. Peak RSS is of the **whole process tree** (the
child, its kernels and every other descendant): psutil samples the tree every 0.2 s and sums the RSS
of its processes; the table shows the maximum (a peak shorter than 0.2 s can be missed). With two
sizes, growth = time at the larger / time at the smaller. Note the load (``uptime``) printed first:
the machine is shared. Benchmarks report; they assert nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from bigexport import DEFAULT_DIR, big_engagement  # noqa: E402

STEPS = ("intake", "segment", "validate", "run", "weekly")
ALL_STEPS = (*STEPS, "intake1")
BIN = Path(sys.executable).parent
SAMPLE_S = 0.2
_TYPES = {
    "Дата": "DATE",
    "Документ": "VARCHAR",
    "Код клиента": "VARCHAR",
    "Контрагент": "VARCHAR",
    "Менеджер": "VARCHAR",
    "Номенклатура": "VARCHAR",
    "Количество": "DOUBLE",
    "Сумма": "DOUBLE",
    "Валовая прибыль": "DOUBLE",
}


# ------------------------------------------------------------------------------------------------
# Children: one side of one step, timed inside a fresh process


def _sales_files(folder: Path) -> list[str]:
    from salesaudit.engine import config

    eng = config.load(folder)
    return [str(eng.path(f)) for f in eng.inputs["sales"].files]


def _duck_source(folder: Path) -> str:
    files = ", ".join(f"'{f}'" for f in _sales_files(folder))
    columns = "{" + ", ".join(f"'{k}': '{v}'" for k, v in _TYPES.items()) + "}"
    return (
        f"read_csv([{files}], delim=';', header=true, decimal_separator=',', dateformat='%d.%m.%Y', "
        f"columns={columns}, ignore_errors=true)"
    )


def _intake_child(side: str, folder: Path) -> dict:
    if side == "salesaudit":
        import pandas as pd
        import pandera.pandas as pa

        from salesaudit.engine import config
        from salesaudit.intake.canonical import read_engagement

        pa.DataFrameSchema({"x": pa.Column(int)}).validate(pd.DataFrame({"x": [1]}))  # lazy imports
        start = time.perf_counter()
        intake = read_engagement(config.load(folder))
        sales = intake.tables["sales"]
        totals = sales.groupby("client_id", observed=True)["amount"].sum()
        seconds = time.perf_counter() - start
        acc = intake.accounting
        rejected = int(acc.loc[acc["table"] == "sales", "rows_rejected"].sum()) if "table" in acc else -1
        return {"seconds": seconds, "lines": len(sales), "clients": len(totals), "rejected": rejected}
    import duckdb

    source = _duck_source(folder)
    start = time.perf_counter()
    totals = (
        duckdb.connect()
        .execute(
            'SELECT "Код клиента" AS client_id, sum("Сумма") AS amount, sum("Валовая прибыль") AS margin, '
            'sum("Количество") AS quantity, max("Дата") AS last_day, count("Документ") AS docs, '
            'count("Контрагент") AS named, count("Менеджер") AS managed, count("Номенклатура") AS products, '
            f"count(*) AS lines FROM {source} GROUP BY 1"
        )
        .df()
    )
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "lines": int(totals["lines"].sum()), "clients": len(totals)}


def _abc_sql(as_of, window_months: int, cutoffs, rule: str) -> str:
    """Each client's ABC class by net revenue in the window, exactly as segment_clients' "reach" rule."""
    from salesaudit.frames import analysis_window

    start, end = analysis_window(as_of=as_of, window_months=window_months)
    prev_start, _ = analysis_window(as_of=as_of, window_months=window_months, offset=1)
    if rule != "reach":
        raise SystemExit(f"the floor implements the reach rule only, not {rule!r}")
    a, b = (Fraction(str(c)) for c in cutoffs)
    return f"""
    WITH per AS (
      SELECT client_id,
             sum(CASE WHEN day BETWEEN DATE '{start:%Y-%m-%d}' AND DATE '{end:%Y-%m-%d}'
                      THEN kop ELSE 0 END)::HUGEINT AS rev,
             bool_or(day BETWEEN DATE '{start:%Y-%m-%d}' AND DATE '{end:%Y-%m-%d}') AS cur
      FROM lines WHERE day BETWEEN DATE '{prev_start:%Y-%m-%d}' AND DATE '{end:%Y-%m-%d}'
      GROUP BY client_id),
    pos AS (
      SELECT client_id, rev,
             sum(rev) OVER (ORDER BY rev DESC RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
               - rev * count(*) OVER (PARTITION BY rev) AS above,
             sum(rev) OVER () AS total
      FROM per WHERE rev > 0)
    SELECT per.client_id,
           CASE WHEN per.rev <= 0 THEN 'D'
                WHEN pos.above * {a.denominator} < {a.numerator} * pos.total THEN 'A'
                WHEN pos.above * {b.denominator} < {b.numerator} * pos.total THEN 'B'
                ELSE 'C' END AS abc_class
    FROM per LEFT JOIN pos USING (client_id)"""


def _segment_child(side: str, folder: Path, out: Path) -> dict:
    from salesaudit.engine.session import open_engagement

    s = open_engagement(folder)
    for name in ("sales", "clients", "activities"):
        s.table(name)
    e = s.eng
    if side == "salesaudit":
        start = time.perf_counter()
        table = s.segment()
        seconds = time.perf_counter() - start
        table[["client_id", "abc_class"]].astype(str).to_parquet(out)
        return {"seconds": seconds, "clients": len(table)}
    import duckdb

    con = duckdb.connect()
    con.execute(
        'CREATE TABLE lines AS SELECT "Код клиента" AS client_id, "Дата" AS day, '
        f'CAST(round("Сумма" * 100) AS BIGINT) AS kop FROM {_duck_source(folder)}'
    )
    del s
    query = _abc_sql(e.as_of, e.window_months, e.segmentation.cutoffs, e.segmentation.rule)
    start = time.perf_counter()
    table = con.execute(query).df()
    seconds = time.perf_counter() - start
    table.to_parquet(out)
    return {"seconds": seconds, "clients": len(table)}


def child(step: str, side: str, folder: str, out: str) -> dict:
    if step.startswith("intake"):
        return _intake_child(side, Path(folder))
    return _segment_child(side, Path(folder), Path(out))


# ------------------------------------------------------------------------------------------------
# The parent: a subprocess, its tree's peak RSS


def _tree_rss(proc) -> int:
    import psutil

    total = 0
    try:
        family = [proc, *proc.children(recursive=True)]
    except psutil.Error:
        return 0
    for p in family:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return total


def measure(cmd: list[str], *, code: Path | None = None) -> dict:
    """Run ``cmd``; its wall seconds, the peak RSS of its process tree (MB) and its last stdout line.
    ``code``: a checkout whose ``salesaudit`` the command imports instead (``PYTHONPATH``)."""
    import psutil

    env = {**os.environ, "PYTHONPATH": str(code)} if code else None
    with tempfile.TemporaryFile("w+") as log:
        start = time.perf_counter()
        proc = subprocess.Popen(
            cmd, stdout=log, stderr=subprocess.STDOUT, cwd=code or ROOT, text=True, env=env
        )
        watched, peak = psutil.Process(proc.pid), 0
        while proc.poll() is None:
            peak = max(peak, _tree_rss(watched))
            time.sleep(SAMPLE_S)
        wall = time.perf_counter() - start
        log.seek(0)
        text = log.read()
    if proc.returncode != 0:
        print(f"   ! {' '.join(cmd[-4:])} exited {proc.returncode}:\n{text[-2000:]}", flush=True)
    last = text.strip().splitlines()[-1] if text.strip() else ""
    return {"wall": wall, "peak_mb": peak / 2**20, "ok": proc.returncode == 0, "last": last}


def _side(step: str, side: str, folder: Path, out: Path) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", step, side, str(folder), str(out)]
    got = measure(cmd)
    result = json.loads(got["last"]) if got["ok"] else {"seconds": float("nan")}
    return {**result, "peak_mb": got["peak_mb"], "wall": got["wall"]}


def _paired(step: str, folder: Path, rounds: int, work: Path) -> dict:
    """salesaudit and the floor, alternating; the best of each side."""
    runs: dict[str, list[dict]] = {"salesaudit": [], "floor": []}
    for r in range(rounds):
        for side in ("salesaudit", "duckdb"):
            got = _side(step, side, folder, work / f"{step}_{side}_{r}.parquet")
            runs["salesaudit" if side == "salesaudit" else "floor"].append(got)
            print(f"   {step} {side}: {got['seconds']:.2f} s, tree peak {got['peak_mb']:.0f} MB", flush=True)
    best = {k: min(v, key=lambda g: g["seconds"]) for k, v in runs.items()}
    row = {
        "seconds": best["salesaudit"]["seconds"],
        "floor": best["floor"]["seconds"],
        "peak_mb": max(g["peak_mb"] for g in runs["salesaudit"]),
        "floor_peak_mb": max(g["peak_mb"] for g in runs["floor"]),
        "all": [round(g["seconds"], 2) for g in runs["salesaudit"]],
        "floor_all": [round(g["seconds"], 2) for g in runs["floor"]],
    }
    if step == "segment":
        row["abc_agree"] = _agreement(
            work / f"{step}_salesaudit_0.parquet", work / f"{step}_duckdb_0.parquet"
        )
    else:
        row["check"] = {
            k: {f: v[0].get(f) for f in ("lines", "clients", "rejected")} for k, v in runs.items()
        }
    return row


def _agreement(ours: Path, floor: Path) -> float | None:
    import pandas as pd

    if not (ours.is_file() and floor.is_file()):
        return None
    both = pd.read_parquet(ours).merge(
        pd.read_parquet(floor), on="client_id", how="outer", suffixes=("", "_sql")
    )
    return float((both["abc_class"] == both["abc_class_sql"]).mean())


def _command(step: str, folder: Path, rounds: int, work: Path, baseline: Path | None = None) -> dict:
    """The command, ``rounds`` times; with a ``baseline`` checkout, that version's command before each."""
    runs: dict[str, list[dict]] = {"ours": [], "baseline": []}
    for r in range(rounds):
        for side, code in (("baseline", baseline), ("ours", None)):
            if side == "baseline" and baseline is None:
                continue
            cmd = [str(BIN / "python"), "-m", "salesaudit", step, str(folder)]
            if step == "weekly":
                cmd += ["--out", str(work / f"weekly_{side}_{r}")]
            got = measure(cmd, code=code)
            runs[side].append(got)
            state = "" if got["ok"] else " (FAILED)"
            print(
                f"   {step} {side}: {got['wall']:.1f} s, tree peak {got['peak_mb']:.0f} MB{state}", flush=True
            )
    row = _best(runs["ours"])
    if runs["baseline"]:
        base = _best(runs["baseline"])
        row |= {"floor": base["seconds"], "floor_peak_mb": base["peak_mb"], "floor_all": base["all"]}
        row["floor_kind"] = "baseline"
    return row


def _best(runs: list[dict]) -> dict:
    ok = [g for g in runs if g["ok"]]
    return {
        "seconds": min(g["wall"] for g in ok) if ok else float("nan"),
        "peak_mb": max(g["peak_mb"] for g in runs),
        "all": [round(g["wall"], 1) for g in runs],
    }


# ------------------------------------------------------------------------------------------------
# The table


def bench(
    sizes: list[int], steps: list[str], rounds: int, folder: Path, baseline: Path | None = None
) -> dict:
    results: dict[int, dict] = {}
    for rows in sizes:
        made = big_engagement(rows, folder, one_file="intake1" in steps)
        print(f"== {rows:,} lines: {made['three']} (ready in {made['seconds']:.1f} s)", flush=True)
        results[rows] = {}
        with tempfile.TemporaryDirectory(prefix="bench_big_") as tmp:
            for step in [s for s in ALL_STEPS if s in steps]:
                target = made["one"] if step == "intake1" else made["three"]
                if step in ("intake", "intake1", "segment"):
                    results[rows][step] = _paired(step, target, rounds, Path(tmp))
                else:
                    results[rows][step] = _command(step, target, rounds, Path(tmp), baseline)
    return results


def print_table(results: dict, load: str) -> None:
    print(f"\nload: {load}  (floor: DuckDB, or with --baseline the earlier version's command)")
    print(
        f"{'lines':>11} {'step':<9} {'salesaudit s':>12} {'floor s':>8} {'ratio':>7} {'peak RSS MB':>11}  notes"
    )
    for rows, steps in results.items():
        for step, r in steps.items():
            floor = r.get("floor")
            ratio = f"{r['seconds'] / floor:6.1f}x" if floor else "      -"
            notes = [f"rounds {r['all']}"]
            if floor:
                kind = r.get("floor_kind", "floor")
                notes.append(f"{kind} {r['floor_all']}, {kind} peak {r['floor_peak_mb']:.0f} MB")
            if "check" in r:
                ours, theirs = r["check"]["salesaudit"], r["check"]["floor"]
                notes.append(
                    f"lines {ours['lines']} vs {theirs['lines']}, clients {ours['clients']} vs {theirs['clients']}"
                )
            if r.get("abc_agree") is not None:
                notes.append(f"ABC agree {r['abc_agree']:.2%}")
            if step == "intake1" and "intake" in steps:
                notes.append(f"one file / three files {r['seconds'] / steps['intake']['seconds']:.2f}x")
            floor_s = f"{floor:8.2f}" if floor else f"{'-':>8}"
            print(
                f"{rows:>11,} {step:<9} {r['seconds']:>12.2f} {floor_s} {ratio} {r['peak_mb']:>11.0f}  "
                + "; ".join(notes)
            )
    if len(results) > 1:
        small, big = min(results), max(results)
        for step in results[big]:
            if step in results[small]:
                growth = results[big][step]["seconds"] / results[small][step]["seconds"]
                print(f"growth {small:,} -> {big:,} lines, {step}: {growth:.1f}x")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, action="append", help="lines (repeatable); default 1000000")
    parser.add_argument("--only", default=",".join(STEPS), help=f"comma-separated steps of {ALL_STEPS}")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument(
        "--baseline", type=Path, help="a checkout of an earlier version: its commands side by side"
    )
    parser.add_argument("--child", nargs=4, metavar=("STEP", "SIDE", "FOLDER", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(*args.child)))
        return 0
    steps = [s.strip() for s in args.only.split(",") if s.strip()]
    if unknown := sorted(set(steps) - set(ALL_STEPS)):
        parser.error(f"unknown steps {unknown}; known: {', '.join(ALL_STEPS)}")
    load = f"{os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}"
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPU(s), load {load}, rounds {args.rounds}")
    results = bench(sorted(args.rows or [1_000_000]), steps, args.rounds, args.dir, args.baseline)
    end_load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print_table(results, f"{load} at the start, {end_load} at the end")
    if args.json:
        args.json.write_text(json.dumps({"load": [load, end_load], "results": results}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
