"""Many small engagements' weekly flash: the batch (``salesaudit weekly clients/*``: a process pool,
kernels kept in each worker) against one after another the way a consultant does it today (one
``salesaudit weekly FOLDER`` command per client, a process each).

Both sides run the same generated clients (small zoo profiles, varied seeds), each side on its own
copy, so neither finds the other's runs. Prints the seconds of each side and their ratio (the issue's
target on a 2-core machine: the batch at least 1.7 times as fast). Not a test.

    .venv/bin/python benchmarks/bench_batch.py [--clients 20] [--jobs 2] [--in-process]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SMALL = ("one_manager", "short_history", "sales_only", "empty_questionnaire", "english_usd")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--in-process", action="store_true", help="also one after another in this process")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from salesaudit.demo.zoo import generate_profile
    from salesaudit.engine.batch import run_batch

    tmp = Path(tempfile.mkdtemp(prefix="bench-batch-"))
    try:
        base = tmp / "clients"
        for i in range(args.clients):
            generate_profile(base / f"c{i:02d}", SMALL[i % len(SMALL)], seed=1000 + i)
        sides = {name: tmp / name for name in ("batch", "commands", "in_process")}
        for folder in sides.values():
            shutil.copytree(base, folder)
        folders = sorted(p for p in sides["batch"].iterdir())
        start = time.perf_counter()
        outcomes = run_batch(folders, command="weekly", jobs=args.jobs)
        batch = time.perf_counter() - start
        failed = [o.client for o in outcomes if not o.ok]
        command = [str(Path(sys.executable).with_name("salesaudit")), "weekly"]
        start = time.perf_counter()
        for folder in sorted(sides["commands"].iterdir()):
            subprocess.run([*command, str(folder)], check=True, capture_output=True)
        one_by_one = time.perf_counter() - start
        print(f"clients                   {args.clients} (failed in the batch: {len(failed)})")
        print(f"batch ({args.jobs} workers)        {batch:8.1f} s")
        print(f"one command per client    {one_by_one:8.1f} s   ratio {one_by_one / batch:.2f}x")
        if args.in_process:
            import salesaudit

            start = time.perf_counter()
            for folder in sorted(sides["in_process"].iterdir()):
                salesaudit.weekly(folder, progress=None)
            in_process = time.perf_counter() - start
            print(f"one after another here    {in_process:8.1f} s   ratio {in_process / batch:.2f}x")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
