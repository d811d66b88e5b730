"""End to end on the demo: `salesaudit run` against the same notebooks chained through command lines.

Baseline (what a consultant would do by hand): for each stage notebook `papermill IN OUT -p engagement E`
(a new kernel each, every notebook re-reading the client's files), then `jupyter nbconvert --to html
--no-input` per executed notebook, then `weasyprint` per HTML for the PDF. Ours: `salesaudit run E --out D`
(one process, one warm kernel over IPC, intake once, one merged report, one PDF, plus the workbook).

Prints wall-clock seconds of each side (median of --repeat runs) and their ratio. Not a test: the target
(<= 15 s, <= 0.5x the chain) is read off the output.

    .venv/bin/python benchmarks/bench_end_to_end.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
STAGES = ["01_audit", "02_clients", "03_plan", "04_weekly"]


def timed(cmd: list[str], **kw) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)
    return time.perf_counter() - start


def ours(engagement: Path, out: Path) -> float:
    return timed([str(BIN / "salesaudit"), "run", str(engagement), "--out", str(out)])


def chain(engagement: Path, out: Path) -> float:
    out.mkdir(parents=True)
    start = time.perf_counter()
    for stage in STAGES:
        nb = out / f"{stage}.ipynb"
        subprocess.run(
            [
                str(BIN / "papermill"),
                str(ROOT / "notebooks" / f"{stage}.ipynb"),
                str(nb),
                "-p",
                "engagement",
                str(engagement),
                "-p",
                "run_dir",
                str(out),
                "--cwd",
                str(ROOT / "notebooks"),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    for stage in STAGES:
        subprocess.run(
            [str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(out / f"{stage}.ipynb")],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    for stage in STAGES:
        subprocess.run(
            [str(BIN / "weasyprint"), str(out / f"{stage}.html"), str(out / f"{stage}.pdf")],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from salesaudit.demo import generate_demo

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        engagement = tmp / "demo"
        start = time.perf_counter()
        generate_demo(engagement)
        gen = time.perf_counter() - start
        os.environ["SALESAUDIT_DEMO_DIR"] = str(engagement)
        ours(engagement, tmp / "warmup")  # first run pays for cold file caches and .pyc files
        a = [ours(engagement, tmp / f"ours{i}") for i in range(args.repeat)]
        b = [chain(engagement, tmp / f"chain{i}") for i in range(args.repeat)]
    ma, mb = statistics.median(a), statistics.median(b)
    print(f"demo generation             {gen:6.2f} s")
    print(f"salesaudit run (median)     {ma:6.2f} s   runs: {', '.join(f'{x:.2f}' for x in a)}")
    print(f"papermill+nbconvert chain   {mb:6.2f} s   runs: {', '.join(f'{x:.2f}' for x in b)}")
    print(f"ratio ours / chain          {ma / mb:6.2f}x   (target <= 0.5x; end to end <= 15 s)")


if __name__ == "__main__":
    main()
