"""The run folder: where a run's result tables go, and how runs never overwrite each other.

Notebooks hand their result tables to :func:`save_table`; with no run folder (ad-hoc use in JupyterLab)
nothing is written. Only this module, the report and the runner write files.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pandas as pd

from ..exceptions import SalesAuditError


def new_run_dir(
    engagement_folder: Path, out: str | Path | None = None, *, now=None, suffix: str = ""
) -> Path:
    """Create the output folder of a new run and return it.

    Without ``out``: ``ENGAGEMENT/output/<YYYY-MM-DD_HHMMSS>/`` (a ``-2``, ``-3``... suffix if a run
    started in the same second). With ``out``: that folder, which must not exist or be empty — an earlier
    run's output is never overwritten.
    """
    if out is not None:
        path = Path(out).resolve()
        if path.exists() and (not path.is_dir() or any(path.iterdir())):
            raise SalesAuditError(
                "the output folder exists and is not empty; a run never overwrites earlier output",
                file=str(path),
                hint="choose a new --out folder, or leave --out out for a dated folder",
            )
        path.mkdir(parents=True, exist_ok=True)
        return path
    stamp = (now or dt.datetime.now()).strftime("%Y-%m-%d_%H%M%S") + suffix
    base = Path(engagement_folder).resolve() / "output"
    base.mkdir(parents=True, exist_ok=True)
    for n in range(1, 1000):
        path = base / (stamp if n == 1 else f"{stamp}-{n}")
        try:
            path.mkdir()
            return path
        except FileExistsError:
            continue
    raise SalesAuditError("could not create a new output folder", file=str(base))


def tables_dir(run_dir: str | Path) -> Path:
    path = Path(run_dir) / "tables"
    path.mkdir(parents=True, exist_ok=True)
    return path


def save_table(df: pd.DataFrame, name: str, *, run_dir: str | Path | None) -> pd.DataFrame:
    """Write ``df`` to ``run_dir/tables/<name>.csv`` (UTF-8, ISO dates) when a run folder is given.

    Returns ``df`` unchanged, so a notebook can save and display in one line. Written atomically
    (temporary file, then rename), so a crash never leaves half a table; the temporary name is the
    writing process's own, as two kernels of a run write tables side by side.
    """
    if run_dir is None:
        return df
    path = tables_dir(run_dir) / f"{name}.csv"
    tmp = path.with_suffix(f".csv.{os.getpid()}.tmp")
    df.to_csv(tmp, index=False, date_format="%Y-%m-%d")
    os.replace(tmp, path)
    return df


def read_tables(run_dir: str | Path) -> dict[str, pd.DataFrame]:
    """Every result table of a run, by name, as written by :func:`save_table`."""
    out = {}
    for path in sorted((Path(run_dir) / "tables").glob("*.csv")):
        out[path.stem] = pd.read_csv(path, keep_default_na=True, low_memory=False)
    return out


def run_manifest(run_dir: str | Path) -> dict:
    """A run's manifest (empty if it has none or it is unreadable)."""
    import json

    try:
        return json.loads((Path(run_dir) / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def latest_full_run(engagement_folder: str | Path, *, plan_settings: dict | None = None) -> Path | None:
    """The newest successful full run (``salesaudit run``/``demo``) of an engagement that wrote a weekly
    plan, optionally only one made with the same ``plan`` settings."""
    base = Path(engagement_folder) / "output"
    if not base.is_dir():
        return None
    for run in sorted((p for p in base.iterdir() if p.is_dir()), reverse=True):
        manifest = run_manifest(run)
        if manifest.get("status") != "ok" or manifest.get("command", "run") != "run":
            continue
        if plan_settings is not None and manifest.get("parameters", {}).get("plan") != plan_settings:
            continue
        if (run / "tables" / "plan_weekly.csv").is_file():
            return run
    return None


def read_plan(run_dir: str | Path) -> dict[str, pd.DataFrame]:
    """The plan tables a full run wrote (``weekly``, ``monthly``), with their dates parsed."""
    out = {}
    for name in ("weekly", "monthly"):
        path = Path(run_dir) / "tables" / f"plan_{name}.csv"
        if path.is_file():
            df = pd.read_csv(path, dtype={"manager": "str", "period": "str", "iso_week": "str"})
            for col in ("week_start", "week_end", "month_start"):
                if col in df:
                    df[col] = pd.to_datetime(df[col], format="ISO8601")
            out[name] = df
    return out
