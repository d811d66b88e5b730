"""The run folder: where a run's result tables go, and how runs never overwrite each other.

Notebooks hand their result tables to :func:`save_table`; with no run folder (ad-hoc use in JupyterLab)
nothing is written. Only this module, the report and the runner write files.

Each table is written twice: ``tables/<name>.parquet``, the machine-readable copy every reader uses
(:func:`read_table`, :func:`read_tables`, :func:`read_plan`), and ``tables/<name>.csv`` for people —
Excel in the report's locale, formula-like text neutralised (:mod:`salesaudit.report.spreadsheet`).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from ..exceptions import SalesAuditError


def new_run_dir(
    engagement_folder: Path, out: str | Path | None = None, *, now=None, suffix: str = ""
) -> Path:
    """Create the output folder of a new run and return it.

    Without ``out``: ``ENGAGEMENT/output/<YYYY-MM-DD_HHMMSS>/`` (a ``-2``, ``-3``... suffix if a run
    started in the same second). With ``out``: that folder, which must not exist or be empty — an earlier
    run's output is never overwritten. The run folder is private to the user (0700).
    """
    from .runfolder import refuse_used

    if out is not None:
        path = Path(out).resolve()
        refuse_used(path)
        path.mkdir(parents=True, exist_ok=True)
        path.chmod(0o700)  # the client's data: the user's only (an existing empty folder too)
        return path
    stamp = (now or dt.datetime.now()).strftime("%Y-%m-%d_%H%M%S") + suffix
    base = Path(engagement_folder).resolve() / "output"
    base.mkdir(parents=True, exist_ok=True)
    for n in range(1, 1000):
        path = base / (stamp if n == 1 else f"{stamp}-{n}")
        try:
            path.mkdir(mode=0o700)
            return path
        except FileExistsError:
            continue
    raise SalesAuditError("could not create a new output folder", file=str(base))


def tables_dir(run_dir: str | Path) -> Path:
    path = Path(run_dir) / "tables"
    path.mkdir(parents=True, exist_ok=True)
    return path


def save_table(
    df: pd.DataFrame, name: str, *, run_dir: str | Path | None, lang: str | None = None
) -> pd.DataFrame:
    """Write ``df`` as ``run_dir/tables/<name>.parquet`` (the machine-readable copy: exact values and
    types) and ``<name>.csv`` (for people: Excel in the report's language, formulas neutralised, see
    :mod:`salesaudit.report.spreadsheet`) when a run folder is given.

    ``lang``: the report's language, which sets the CSV's separator and decimal mark; by default the
    one the run folder's ``manifest.json`` records (the runner writes it before any stage starts, so
    the notebooks need not pass it), English without a manifest.

    Returns ``df`` unchanged, so a notebook can save and display in one line. Each file is written
    atomically (temporary file, then rename), so a crash never leaves half a table; the temporary name
    is the writing process's own, as two kernels of a run write tables side by side. Read a table back
    with :func:`read_table`.
    """
    if run_dir is None:
        return df
    from ..report.spreadsheet import write_csv

    folder = tables_dir(run_dir)
    parquet = folder / f"{name}.parquet"
    tmp = parquet.with_suffix(f".parquet.{os.getpid()}.tmp")
    _machine_frame(df).to_parquet(tmp, index=False)
    os.replace(tmp, parquet)
    path = folder / f"{name}.csv"
    tmp = path.with_suffix(f".csv.{os.getpid()}.tmp")
    write_csv(df, tmp, lang=lang or run_language(run_dir))
    os.replace(tmp, path)
    return df


def _machine_frame(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` as Parquet can hold it: column names as text (as a CSV header has them; a repeated name
    gets ``.1``, ``.2`` as pandas reads it from a CSV), and an object column of mixed types (text and
    numbers) as text, missing values kept missing."""
    import pyarrow as pa

    out = df.copy()
    names: list[str] = []
    for c in map(str, out.columns):
        name, n = c, 0
        while name in names:
            n += 1
            name = f"{c}.{n}"
        names.append(name)
    out.columns = names
    for j in range(out.shape[1]):
        series = out.iloc[:, j]
        if not pd.api.types.is_object_dtype(series):
            continue
        try:
            pa.array(series, from_pandas=True)
        except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
            out.isetitem(j, series.map(str, na_action="ignore").astype(object))
    return out


_LANGUAGES: dict[Path, str] = {}


def run_language(run_dir: str | Path) -> str:
    """The report language a run folder's manifest records (read once per folder); ``en`` without one.

    Examples
    --------
    >>> import json, tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> run_language(folder)
    'en'
    >>> _ = (folder / "manifest.json").write_text(json.dumps({"parameters": {"language": "ru"}}))
    >>> run_language(folder)
    'ru'
    """
    key = Path(run_dir).resolve()
    if key not in _LANGUAGES:
        lang = run_manifest(key).get("parameters", {}).get("language")
        if not lang:
            return "en"
        _LANGUAGES[key] = lang
    return _LANGUAGES[key]


def has_table(run_dir: str | Path, name: str) -> bool:
    """Whether a run wrote the result table ``name`` (Parquet, or only a CSV in a run from before)."""
    folder = Path(run_dir) / "tables"
    return (folder / f"{name}.parquet").is_file() or (folder / f"{name}.csv").is_file()


def read_table(run_dir: str | Path, name: str) -> pd.DataFrame:
    """One result table of a run, as the stage computed it: ``tables/<name>.parquet``, the
    machine-readable copy :func:`save_table` wrote (exact values and types: dates as dates, text as
    text, missing values as missing). A run folder from before the Parquet copies existed has only
    ``<name>.csv``; that is read as pandas reads a CSV (types guessed, dates as ISO text).

    The ``tables/*.csv`` beside it are for people (Excel, formulas neutralised with a leading ``'``):
    never read them back for figures.

    Examples
    --------
    >>> import tempfile
    >>> run = Path(tempfile.mkdtemp())
    >>> _ = save_table(pd.DataFrame({"manager": ["=1+1"], "amount": [-2.5]}), "t", run_dir=run)
    >>> read_table(run, "t").to_dict("list")
    {'manager': ['=1+1'], 'amount': [-2.5]}
    """
    folder = Path(run_dir) / "tables"
    parquet = folder / f"{name}.parquet"
    if parquet.is_file():
        return pd.read_parquet(parquet)
    path = folder / f"{name}.csv"
    if not path.is_file():
        raise SalesAuditError(
            f"the run has no result table {name!r}",
            file=str(parquet),
            hint="run the stage that writes it (salesaudit run)",
        )
    return pd.read_csv(path, keep_default_na=True, low_memory=False)


def read_tables(run_dir: str | Path) -> dict[str, pd.DataFrame]:
    """Every result table of a run, by name (:func:`read_table`: the Parquet copy, else the CSV of a
    run from before)."""
    folder = Path(run_dir) / "tables"
    names = {p.stem for p in folder.glob("*.parquet")} | {p.stem for p in folder.glob("*.csv")}
    return {name: read_table(run_dir, name) for name in sorted(names)}


def run_manifest(run_dir: str | Path) -> dict:
    """A run's manifest (empty if it has none or it is unreadable)."""
    import json

    try:
        return json.loads((Path(run_dir) / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _finished_full_runs(engagement_folder: str | Path) -> Iterator[tuple[Path, dict]]:
    """``(run folder, manifest)`` of each successful full run (``salesaudit run``/``demo``) in
    ``ENGAGEMENT/output``, newest first."""
    base = Path(engagement_folder) / "output"
    if not base.is_dir():
        return
    for run in sorted((p for p in base.iterdir() if p.is_dir()), reverse=True):
        manifest = run_manifest(run)
        if manifest.get("status") == "ok" and manifest.get("command", "run") == "run":
            yield run, manifest


def latest_full_run(engagement_folder: str | Path, *, plan_settings: dict | None = None) -> Path | None:
    """The newest successful full run (``salesaudit run``/``demo``) of an engagement that wrote a weekly
    plan, optionally only one made with the same ``plan`` settings."""
    for run, manifest in _finished_full_runs(engagement_folder):
        if plan_settings is not None and manifest.get("parameters", {}).get("plan") != plan_settings:
            continue
        if has_table(run, "plan_weekly"):
            return run
    return None


def full_runs(engagement_folder: str | Path, *, not_after=None) -> list[Path]:
    """The engagement's finished full runs (``salesaudit run``/``demo``) that wrote an audit (the
    ``maturity`` table), newest first: what :mod:`salesaudit.audit.progress` compares. ``not_after``: only
    runs whose data date (``as_of``) is not after that day."""
    limit = None if not_after is None else pd.Timestamp(not_after)
    out = []
    for run, manifest in _finished_full_runs(engagement_folder):
        as_of = manifest.get("parameters", {}).get("as_of")
        if limit is not None and (as_of is None or pd.Timestamp(as_of) > limit):
            continue
        if has_table(run, "maturity"):
            out.append(run)
    return out


def read_plan(run_dir: str | Path) -> dict[str, pd.DataFrame]:
    """The plan tables a full run wrote (``weekly``, ``monthly``), with their dates parsed."""
    out = {}
    for name in ("weekly", "monthly"):
        if not has_table(run_dir, f"plan_{name}"):
            continue
        df = read_table(run_dir, f"plan_{name}")
        for col in ("manager", "period", "iso_week"):
            if col in df:
                df[col] = df[col].astype("str")
        for col in ("week_start", "week_end", "month_start"):
            if col in df and not pd.api.types.is_datetime64_any_dtype(df[col]):
                df[col] = pd.to_datetime(df[col], format="ISO8601")
        out[name] = df
    return out
