"""Several engagements one after another: fresh kernels for each run against warm kernels kept between
runs (:func:`salesaudit.kernel_pool`).

Both sides run the same generated clients (zoo profiles, as small as a typical engagement) through the
whole playbook (``salesaudit.run``: four stages, HTML, PDF, workbook) in this one process, interleaved:
client 1 fresh, client 1 pooled, client 2 fresh, ... so a busy moment of the machine hits both sides.
The pooled side's first run starts the kernels the pool then keeps.

Prints each run's seconds and the totals with their ratio. On idle cores a fresh kernel boots while the
runner reads the client's files, so the pool saves CPU more than wall-clock time; where the cores are
busy (several clients at once, the test suite's workers: ``--one-core`` runs everything on one core) the
CPU saved is time saved. Not a test.

    .venv/bin/python benchmarks/bench_pool.py [--clients 6] [--one-core]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def outside(pool):
    """The runs of the block start and stop their own kernels, as without a pool (the pool waits)."""
    from salesaudit.engine import pool as pools

    assert pools.active() is pool
    pools._LOCAL.pool = None
    try:
        yield
    finally:
        pools._LOCAL.pool = pool


def timed(fn, *args, **kwargs) -> float:
    start = time.perf_counter()
    fn(*args, **kwargs)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=6)
    parser.add_argument("--one-core", action="store_true", help="this process and its children on one core")
    args = parser.parse_args()
    if args.one_core:
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    sys.path.insert(0, str(ROOT))
    import salesaudit
    from salesaudit.demo.zoo import PROFILES, generate_profile

    names = [sorted(PROFILES)[i % len(PROFILES)] for i in range(args.clients)]
    fresh, pooled = [], []
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        tmp = Path(tmp)
        folders = [generate_profile(tmp / f"c{i}" / "e", n).parent for i, n in enumerate(names)]
        salesaudit.run(folders[0], out=tmp / "warmup", progress=None)  # .pyc files, file caches
        pool = stack.enter_context(salesaudit.kernel_pool())
        for i, folder in enumerate(folders):
            with outside(pool):
                fresh.append(timed(salesaudit.run, folder, out=tmp / f"fresh{i}", progress=None))
            pooled.append(timed(salesaudit.run, folder, out=tmp / f"pooled{i}", progress=None))
            print(f"{names[i]:22s} fresh {fresh[-1]:6.2f} s   pooled {pooled[-1]:6.2f} s", flush=True)
        started, reused = pool.started, pool.reused
    a, b = sum(fresh), sum(pooled)
    print(f"{len(folders)} clients one after another on {len(os.sched_getaffinity(0))} core(s):")
    print(f"  fresh kernels {a:6.1f} s, pooled {b:6.1f} s, ratio pooled / fresh {b / a:5.2f}x")
    print(f"  pool: {started} kernels started, {reused} reused")


if __name__ == "__main__":
    main()
