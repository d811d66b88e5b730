"""The Monday flash on the demo: `salesaudit weekly` against the same notebook through command lines.

Ours: `salesaudit weekly E --week W --out D` after one full run exists (the flash tracks against that
run's plan). Baseline: `papermill 04_weekly.ipynb -p flash True -p week W`, `jupyter nbconvert --to html
--no-input`, `weasyprint`. Prints the median wall-clock seconds of each and the ratio; target <= 5 s.

    .venv/bin/python benchmarks/bench_weekly.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
WEEK = "2026-W47"


def run(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def chain(engagement: Path, out: Path) -> float:
    out.mkdir(parents=True)
    nb = out / "04_weekly.ipynb"
    start = time.perf_counter()
    for cmd in (
        [
            str(BIN / "papermill"),
            str(ROOT / "notebooks" / "04_weekly.ipynb"),
            str(nb),
            "-p",
            "engagement",
            str(engagement),
            "-p",
            "week",
            WEEK,
            "-p",
            "flash",
            "True",
            "--cwd",
            str(ROOT / "notebooks"),
        ],
        [str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(nb)],
        [str(BIN / "weasyprint"), str(out / "04_weekly.html"), str(out / "04_weekly.pdf")],
    ):
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from salesaudit.demo import generate_demo

    with tempfile.TemporaryDirectory() as tmp:
        engagement = Path(tmp) / "demo"
        generate_demo(engagement)
        run([str(BIN / "salesaudit"), "run", str(engagement)])  # the plan the weeks are tracked against
        ours = [
            run(
                [
                    str(BIN / "salesaudit"),
                    "weekly",
                    str(engagement),
                    "--week",
                    WEEK,
                    "--out",
                    str(Path(tmp) / f"w{i}"),
                ]
            )
            for i in range(args.repeat)
        ]
        base = [chain(engagement, Path(tmp) / f"c{i}") for i in range(args.repeat)]
    a, b = statistics.median(ours), statistics.median(base)
    print(f"salesaudit weekly (median)  {a:6.2f} s   runs: {', '.join(f'{x:.2f}' for x in ours)}")
    print(f"papermill+nbconvert chain   {b:6.2f} s   runs: {', '.join(f'{x:.2f}' for x in base)}")
    print(f"ratio ours / chain          {a / b:6.2f}x   (target: weekly flash <= 5 s)")


if __name__ == "__main__":
    main()
