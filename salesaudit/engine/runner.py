"""Running the playbook: engagement folder in, dated output folder out.

One process driving up to two kernels (this interpreter, over IPC — see :mod:`salesaudit.engine.kernel`) that
execute the stage notebooks with papermill's Python API, two stages at a time on two cores; then the
report, the workbook and the manifest. Config and the output folder are checked before any kernel
starts, the client's files before any stage; a failing stage stops the run with its name and the
failing cell's error, keeping the partial executed notebook for inspection. The run folder's life (its
permissions, its manifest's process, a run killed half-way) is :mod:`salesaudit.engine.runfolder`'s.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import platform
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from ..exceptions import ConfigError, StageError
from . import config, runfolder

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


@dataclass(frozen=True)
class Stage:
    name: str
    notebook: str


STAGES: tuple[Stage, ...] = (
    Stage("audit", "01_audit.ipynb"),
    Stage("clients", "02_clients.ipynb"),
    Stage("plan", "03_plan.ipynb"),
    Stage("weekly", "04_weekly.ipynb"),
)
PROGRESS = Stage("progress", "05_progress.ipynb")
"""After the four stages of a full run, when the engagement has an earlier finished one: the section
"What changed since DATE" (:mod:`salesaudit.audit.progress`; ``salesaudit compare`` runs it alone)."""
REQUIRED_PARAMETERS = ("engagement", "run_dir")
MAX_KERNELS = 2
"""Kernels a run uses at most (never more than the stages or the cores): each holds the client's data."""
RESET_TAG = (
    "salesaudit-reset"  # the cell the runner puts first in stages 2..n: %reset -f (modules stay loaded)
)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def notebook_parameters(path: Path) -> set[str]:
    """Names assigned in the notebook's ``parameters``-tagged cell (read as JSON + ``ast``, no kernel)."""
    import ast

    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"not a readable notebook ({exc})", file=str(path)) from None
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code" and "parameters" in cell.get("metadata", {}).get("tags", []):
            source = "".join(cell.get("source", []))
            try:
                tree = ast.parse(source)
            except SyntaxError as exc:
                raise ConfigError(
                    f"the parameters cell is not valid Python: {exc.msg}", file=str(path), row=exc.lineno
                ) from None
            return {
                target.id
                for node in tree.body
                if isinstance(node, ast.Assign | ast.AnnAssign)
                for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
                if isinstance(target, ast.Name)
            }
    return set()


def check_notebook(path: Path, extra: Sequence[str] = ()) -> None:
    """The notebook exists and declares every parameter the runner passes (before any kernel starts)."""
    if not path.is_file():
        raise ConfigError("notebook not found", file=str(path))
    declared = notebook_parameters(path)
    missing = [p for p in (*REQUIRED_PARAMETERS, *extra) if p not in declared]
    if missing:
        raise ConfigError(
            f"the notebook's parameters cell does not declare {', '.join(missing)}", file=str(path)
        )


def _versions() -> dict[str, str]:
    names = [
        "salesaudit",
        "pandas",
        "numpy",
        "papermill",
        "nbconvert",
        "weasyprint",
        "pandera",
        "holidays",
        "babel",
        "openpyxl",
        "matplotlib",
        "seaborn",
    ]
    out = {"python": platform.python_version()}
    for n in names:
        try:
            out[n] = metadata.version(n)
        except metadata.PackageNotFoundError:
            pass
    return out


def execute_stages(
    stages: Sequence[Stage],
    *,
    kms: Sequence,
    parameters: dict,
    run_dir: Path,
    progress: Callable[[str], None],
    notebooks: Path = NOTEBOOKS,
    optional: dict | None = None,
    used: bool = False,
) -> dict[str, float]:
    """Execute the stage notebooks into ``run_dir/notebooks`` on the kernels ``kms``; return timings.

    ``parameters`` go to every notebook (each must declare them); ``optional`` ones (the tracked
    ``week`` of ``run --week``) only to the notebooks whose parameters cell declares them.

    Stages are independent (each reads the run's intake, none reads another's results), so with
    several kernels each kernel takes the next stage in order whenever it is free: on two cores the
    four stages take about the time of the two longest pairs. A kernel that already ran a stage gets a
    ``%reset -f`` cell first. After a failure no new stage starts; the stages running finish, and the
    error of the earliest failed stage is raised. ``used``: the kernels have run a stage already (each
    then starts with ``%reset -f`` too).
    """
    import nbformat

    nb_dir = run_dir / "notebooks"
    nb_dir.mkdir(parents=True, exist_ok=True)
    todo = list(enumerate(stages, 1))
    lock = threading.Lock()
    timings: dict[str, float] = {}
    failures: dict[int, Exception] = {}

    def lane(km) -> None:
        ran_before = used
        while True:
            with lock:
                if failures or not todo:
                    return
                i, stage = todo.pop(0)
            start = time.perf_counter()
            progress(f"[{i}/{len(stages)}] {stage.name} ...")
            nb = nbformat.read(str(notebooks / stage.notebook), as_version=4)
            if ran_before:  # the kernel is shared: no stage may see (or lean on) an earlier stage's variables
                nb.cells.insert(0, nbformat.v4.new_code_cell("%reset -f", metadata={"tags": [RESET_TAG]}))
            try:
                _execute(
                    nb,
                    nb_dir / stage.notebook,
                    stage=stage,
                    km=km,
                    parameters=parameters | _declared(notebooks / stage.notebook, optional or {}),
                    notebooks=notebooks,
                )
            except Exception as exc:  # a failed stage (or a dead kernel); Ctrl-C goes up at once
                with lock:
                    failures[i] = exc
                return
            ran_before = True
            timings[stage.name] = round(time.perf_counter() - start, 3)
            progress(f"[{i}/{len(stages)}] {stage.name} done in {timings[stage.name]:.1f} s")

    lanes = [threading.Thread(target=lane, args=(km,), daemon=True) for km in kms[1:]]
    for t in lanes:
        t.start()
    try:
        lane(kms[0])
        for t in lanes:
            t.join()
    except BaseException:  # Ctrl-C: no new stage starts; the caller shuts the kernels down
        with lock:
            todo.clear()
        raise
    if failures:
        raise failures[min(failures)]
    return {s.name: timings[s.name] for s in stages}


def _declared(path: Path, optional: dict) -> dict:
    """The ``optional`` parameters (those not None) the notebook at ``path`` declares."""
    optional = {k: v for k, v in optional.items() if v is not None}
    declared = notebook_parameters(path) if optional else set()
    return {k: v for k, v in optional.items() if k in declared}


def _execute(nb, out_nb: Path, *, stage: Stage, km, parameters: dict, notebooks: Path) -> None:
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    try:
        pm.execute_notebook(
            nb,
            str(out_nb),
            parameters=parameters,
            km=km,
            request_save_on_cell_execute=False,  # saved once at the end (and on failure)
            progress_bar=False,
            cwd=str(notebooks),
            kernel_name="python3",
            language="python",
        )
    except PapermillExecutionError as exc:
        raise StageError(
            f"{exc.ename}: {_last_line(exc.evalue)}", stage=stage.name, notebook=str(out_nb)
        ) from None


def _last_line(text: str) -> str:
    lines = [ln for ln in str(text).strip().splitlines() if ln.strip()]
    return "\n  ".join(lines[-6:]) if lines else ""


def run(
    engagement: str | Path | config.Engagement,
    *,
    out: str | Path | None = None,
    stages: Sequence[Stage] = STAGES,
    progress: Callable[[str], None] = print,
    notebooks: Path = NOTEBOOKS,
    report: bool = True,
    extra_parameters: dict | None = None,
    suffix: str = "",
    command: str = "run",
    title_key: str = "report.title",
    compact: bool = False,
    week: str | None = None,
    per_manager: bool = False,
) -> Path:
    """Run the playbook on an engagement folder; return the output folder.

    ``week`` (``run --week``, wins over ``tracking.week``; ``2026-w47`` is read as ``2026-W47``) goes to
    the notebooks declaring it. ``progress`` hears one line per step, ``<step> ...`` as it starts and
    ``<step> done in <seconds> s`` as it ends (:mod:`salesaudit.console` shows them live on a terminal).

    The output folder is checked writable before any kernel starts (:func:`.runfolder.check_output`);
    the run writes under umask 077 (folders 0700, files 0600: the client's data are the user's only);
    its manifest records the process (pid, host, start time) and, on any failure, says ``failed`` with
    the error (best effort: a full disk may refuse that too).

    Raises
    ------
    ConfigError, InputFileError, DataError
        Before any stage: bad config or files, a preflight error (:mod:`.preflight`, as ``validate``).
    SalesAuditError
        Before any kernel: the output folder cannot be created or written (read-only, full, a file).
    StageError
        When a notebook cell fails; the partial notebook stays in ``OUT/notebooks``.
    OSError
        A disk failing during the run (the manifest then says ``failed``).
    """
    t0 = time.perf_counter()
    week = _iso(week)
    eng = _check_before_kernels(
        engagement, stages, notebooks=notebooks, extra=extra_parameters, week=week, report=report
    )
    runfolder.check_output(eng.folder, out)  # a read-only or full disk stops here, before any kernel
    with runfolder.private_files():  # kernels and the PDF worker inherit the umask as they start
        run_dir, manifest, pdf_proc, warm = _run_stages(
            eng,
            out=out,
            stages=stages,
            progress=progress,
            notebooks=notebooks,
            report=report,
            extra_parameters=extra_parameters,
            suffix=suffix,
            command=command,
            week=week,
            t0=t0,
        )
        with _failing(eng, run_dir, manifest, pdf_proc):
            timings = manifest["timings"]
            if report:
                warm.join()
                _write_report(
                    run_dir,
                    eng=eng,
                    stages=(*stages, PROGRESS) if manifest.get("progress_from") else stages,
                    title_key=title_key,
                    compact=compact,
                    pdf_proc=pdf_proc,
                    timings=timings,
                    progress=progress,
                )
            if report and per_manager:  # weekly --per-manager: a page per manager after the flash
                manifest["per_manager"] = _manager_pages(run_dir, eng=eng, timings=timings, progress=progress)
            timings["total"] = round(time.perf_counter() - t0, 3)
            manifest["status"] = "ok"
            manifest["finished"] = dt.datetime.now().isoformat(timespec="seconds")
            runfolder.write_manifest(run_dir, manifest)
        runfolder.unregister(eng.folder, run_dir)
    return run_dir


def _run_stages(
    eng: config.Engagement,
    *,
    out,
    stages: Sequence[Stage],
    progress: Callable[[str], None],
    notebooks: Path,
    report: bool,
    extra_parameters: dict | None,
    suffix: str,
    command: str,
    week: str | None,
    t0: float,
):
    """Kernels started, the client's files read, the run folder opened, the PDF worker started and the
    stages executed; returns ``(run_dir, manifest, pdf_proc, warm)`` with the kernels shut down."""
    from .kernel import local_kernels, usable_cores
    from .memory import trim_memory

    timings: dict[str, float] = {}
    kernels = max(1, min(len(stages), usable_cores(), MAX_KERNELS))
    threading.Thread(target=_warm_executor, daemon=True).start()
    checksums = _checksums_soon(eng)  # hashed while the files are read (10M lines: 1.5 s of one core)
    with local_kernels(kernels, cwd=notebooks) as kms:  # they boot while this process reads the files
        # data problems fail here
        intake = _read_intake(eng, timings, week=week, stages=stages, progress=progress)
        kms = _affordable(kms, intake, progress)
        run_dir, manifest = _open_run(
            eng,
            intake,
            checksums=checksums.result(),
            out=out,
            suffix=suffix,
            command=command,
            extra_parameters=extra_parameters,
            kernels=len(kms),
            timings=timings,
            progress=progress,
        )
        del intake
        trim_memory()  # the files read and saved: on 10M lines the runner kept 2.5 GB through the stages
        with _failing(eng, run_dir, manifest, None):
            pdf_proc, warm = _start_report(report)
        timings["before_stages"] = round(time.perf_counter() - t0, 3)
        parameters = {"engagement": str(eng.folder), "run_dir": str(run_dir), **(extra_parameters or {})}
        with _failing(eng, run_dir, manifest, pdf_proc):
            timings.update(
                execute_stages(
                    stages,
                    kms=kms,
                    parameters=parameters,
                    run_dir=run_dir,
                    progress=progress,
                    notebooks=notebooks,
                    optional={"week": week},
                )
            )
            if command == "run" and tuple(stages) == STAGES and (notebooks / PROGRESS.notebook).is_file():
                _progress(
                    run_dir,
                    manifest,
                    eng=eng,
                    kms=kms,
                    parameters=parameters,
                    notebooks=notebooks,
                    progress=progress,
                )
    return run_dir, manifest, pdf_proc, warm


def _progress(
    run_dir: Path, manifest: dict, *, eng, kms, parameters: dict, notebooks: Path, progress
) -> None:
    """The section "What changed since DATE" when the engagement has an earlier finished full run (the
    newest whose data date is not after this run's): the progress notebook compares it with this run's
    tables (the manifest names the run compared with)."""
    from .outputs import full_runs

    runs = full_runs(eng.folder, not_after=eng.as_of)
    earlier = next((r for r in runs if r.resolve() != run_dir.resolve()), None)
    if earlier is None:
        return
    manifest["progress_from"] = str(earlier)
    manifest["timings"].update(
        execute_stages(
            (PROGRESS,),
            kms=kms[:1],
            parameters=parameters | {"previous_run": str(earlier)},
            run_dir=run_dir,
            progress=progress,
            notebooks=notebooks,
            used=True,
        )
    )


def _check_before_kernels(
    engagement, stages, *, notebooks: Path, extra: dict | None, week: str | None, report: bool
) -> config.Engagement:
    """The engagement loaded (or as given), the week asked for (:func:`check_week`), each stage's
    notebook (:func:`check_notebook`) and, for a report, the brand (a hostile or broken brand.yml
    stops the run before any kernel starts) checked."""
    eng = engagement if isinstance(engagement, config.Engagement) else config.load(engagement)
    if week is not None:
        check_week(eng, week, key=None)
    for stage in stages:
        check_notebook(notebooks / stage.notebook, extra=extra or ())
    if report:
        from ..report.brand import load_brand

        load_brand(eng.path(eng.brand, key="brand"), root=eng.folder, allow_outside=eng.allows_outside)
    return eng


def _start_report(report: bool):
    """``(pdf_proc, warm)``: the PDF child process, and a thread in which the report's libraries load
    in this idle process while the notebooks run (``(None, None)`` without a report)."""
    if not report:
        return None, None
    from ..report.pdf import start_pdf

    pdf_proc = start_pdf()
    warm = threading.Thread(target=_warm_report, daemon=True)
    warm.start()
    return pdf_proc, warm


@contextmanager
def _failing(eng: config.Engagement, run_dir: Path, manifest: dict, pdf_proc):
    """On any exception (Ctrl-C, a full disk too): stop the PDF process, mark the manifest ``failed``
    (best effort, never raising: :func:`.runfolder.fail_manifest`), re-raise."""
    try:
        yield
    except BaseException as exc:
        from ..report.pdf import stop_pdf

        with suppress(Exception):
            stop_pdf(pdf_proc)
        if isinstance(exc, OSError) and exc.filename is None:  # a write that failed at flush or close
            exc.filename = str(run_dir)
        runfolder.fail_manifest(run_dir, manifest, exc)
        runfolder.unregister(eng.folder, run_dir)
        raise


def _read_intake(
    eng: config.Engagement, timings: dict[str, float], *, week=None, stages=STAGES, progress=None
):
    """The client's files read into the canonical tables (timed as ``intake``; a ``progress`` with a
    ``reading`` method hears of each file, :class:`salesaudit.console.Progress`), then the preflight for
    ``stages`` and the ``week`` asked for: what could stop a stage stops the run here, before any
    notebook starts (the kernels boot meanwhile)."""
    # imported only now: pandas & co load while the kernels boot on the other core
    from ..intake.canonical import read_engagement

    start = time.perf_counter()
    step = progress or (lambda _: None)
    step("intake ...")
    intake = read_engagement(eng, progress=getattr(progress, "reading", None))
    timings["intake"] = round(time.perf_counter() - start, 3)
    step(f"intake done in {timings['intake']:.1f} s")
    _preflight(eng, intake, week=week, stages=stages)
    return intake


def _affordable(kms: Sequence, intake, progress: Callable[[str], None]) -> Sequence:
    """The kernels there is free memory for, each holding a copy of the data; the others shut down."""
    from .kernel import affordable_kernels
    from .lifetime import stop_kernel

    data_bytes = sum(int(df.memory_usage(deep=True).sum()) for df in intake.tables.values())
    keep = affordable_kernels(len(kms), data_bytes=data_bytes)
    if keep < len(kms):
        for km in kms[keep:]:  # not enough free memory for a copy of the data in each kernel
            stop_kernel(km)
        kms = kms[:keep]
        progress(f"memory: {keep} kernel(s) for {data_bytes / 2**20:.0f} MB of tables")
    return kms


def _open_run(
    eng: config.Engagement,
    intake,
    *,
    checksums: dict[str, str],
    out,
    suffix: str,
    command: str,
    extra_parameters: dict | None,
    kernels: int,
    timings: dict[str, float],
    progress: Callable[[str], None],
) -> tuple[Path, dict]:
    """A new run folder with its manifest (status ``running``, the process writing it), the intake
    tables, the rejected rows and the row accounting; returns the folder and the manifest. A failure
    once the folder exists marks the manifest ``failed``."""
    from . import outputs
    from .session import save_intake

    run_dir = outputs.new_run_dir(eng.folder, out, suffix=suffix)
    progress(f"output: {run_dir}")
    manifest = {
        "salesaudit": _versions().get("salesaudit"),
        "engagement": str(eng.folder),
        "output": str(run_dir),
        "command": command,
        "started": dt.datetime.now().isoformat(timespec="seconds"),
        "status": "running",
        **runfolder.identity(),
        "parameters": config.settings(eng) | {"notebook_parameters": dict(extra_parameters or {})},
        "inputs": _inputs(eng, intake, checksums),
        "versions": _versions(),
        "kernels": kernels,
        "timings": timings,
    }
    with _failing(eng, run_dir, manifest, None):
        runfolder.register(eng.folder, run_dir)  # an --out elsewhere: the engagement points to it
        runfolder.write_manifest(run_dir, manifest)
        save_intake(intake, run_dir / "intake")
        outputs.save_table(intake.rejected, "rejected_rows", run_dir=run_dir)
        outputs.save_table(intake.accounting, "row_accounting", run_dir=run_dir)
    return run_dir, manifest


def _write_report(
    run_dir: Path,
    *,
    eng: config.Engagement,
    stages: Sequence[Stage],
    title_key: str,
    compact: bool,
    pdf_proc,
    timings: dict[str, float],
    progress: Callable[[str], None],
) -> None:
    """The HTML report, the PDF (printed by the waiting child process) and the workbook."""
    from ..report.html import build_report
    from ..report.pdf import finish_pdf, print_pdf
    from ..report.workbook import write_workbook

    start = time.perf_counter()
    progress("report ...")
    html_path = build_report(
        run_dir,
        eng=eng,
        stages=[s.notebook for s in stages],
        title_key=title_key,
        compact=compact,
        pdf=False,
    )
    # the waiting child process prints the PDF while this one writes the workbook (2 cores)
    print_pdf(pdf_proc, html_path, run_dir / "report.pdf")
    write_workbook(run_dir, eng=eng)
    timings["workbook"] = round(time.perf_counter() - start, 3)
    finish_pdf(pdf_proc, run_dir / "report.pdf")
    timings["report"] = round(time.perf_counter() - start, 3)
    progress(f"report done in {timings['report']:.1f} s")


def _manager_pages(run_dir: Path, *, eng: config.Engagement, timings: dict, progress) -> list[str]:
    """The page per manager (:mod:`salesaudit.report.manager_pdf`); the PDFs' paths in the run folder."""
    from ..report.manager_pdf import write_manager_pages

    start = time.perf_counter()
    progress("per-manager pages ...")
    written = write_manager_pages(run_dir, eng=eng, progress=progress)
    timings["per_manager"] = round(time.perf_counter() - start, 3)
    progress(f"per-manager pages done in {timings['per_manager']:.1f} s")
    return [str(p.relative_to(run_dir)) for p in written]


def _warm_executor() -> None:
    """Import what executes the notebooks (papermill, with nbclient and nbformat: 1.7 s, most of it
    jsonschema's format checkers) in a thread while the kernels boot and the client's files are read,
    instead of when the first stage starts (run in a thread; an import the main thread needs meanwhile
    waits for this one to finish, as Python's import lock has it)."""
    import nbformat  # noqa: F401
    import papermill  # noqa: F401


def _warm_report() -> None:
    """Import the report's and workbook's libraries and compile the report template (run in a thread)."""
    from ..report import workbook  # noqa: F401
    from ..report.html import exporter

    exporter()


def run_weekly(
    engagement: str | Path,
    *,
    week: str | None = None,
    out: str | Path | None = None,
    progress: Callable[[str], None] = print,
    notebooks: Path = NOTEBOOKS,
    per_manager: bool = False,
) -> Path:
    """The weekly flash: only the ``04_weekly`` notebook, in flash mode, for one ISO week.

    The week is checked before any kernel starts (:func:`check_week`): it must exist, start on or
    before ``as_of`` and lie in the plan; without it, the notebook chooses (engagement.yaml's
    ``tracking.week``, else :func:`salesaudit.weekly.weekchoice.choose_week`). ``per_manager``: a page
    per manager too (``per_manager/`` in the run folder, listed in the manifest).
    """
    eng = config.load(engagement)  # loaded once: run() takes it as it is
    week = _iso(week)
    if week is not None:
        check_week(eng, week, key=None)
    return run(
        eng,
        out=out,
        stages=(Stage("weekly", "04_weekly.ipynb"),),
        progress=progress,
        notebooks=notebooks,
        extra_parameters={"week": week, "flash": True, **({"per_manager": True} if per_manager else {})},
        suffix=f"_weekly-{week}" if week else "_weekly",
        command="weekly",
        title_key="report.weekly_title",
        compact=True,
        per_manager=per_manager,
    )


def check_week(eng: config.Engagement, week: str, *, key: str | None = "tracking.week") -> None:
    """A week asked for (``--week``, or ``tracking.week``) is an ISO week that starts on or before
    ``as_of`` and lies in the plan year; a :class:`ConfigError` otherwise, before any kernel starts
    (:func:`salesaudit.weekly.weekchoice.check_week`)."""
    from ..weekly.weekchoice import check_week as check

    check(week, as_of=eng.as_of, plan_year=eng.plan.year, key=key)


def _iso(week: str | None) -> str | None:
    """The week asked for written the ISO way (``2026-w47`` -> ``2026-W47``), so the notebooks, the run
    folder's name and the report all see one spelling; a :class:`ConfigError` when it is no ISO week."""
    from ..weekly.weekchoice import normalize_week

    return None if week is None else normalize_week(week, key=None)


def _preflight(eng, intake, *, week, stages) -> None:
    """:func:`salesaudit.engine.preflight.preflight` for the stages about to run; its errors stop the
    run, its notes are not repeated (``validate`` prints them)."""
    from .preflight import preflight

    preflight(eng, intake, week=week, stages=[s.name for s in stages]).raise_first()


def _checksums_soon(eng) -> Future:
    """The SHA-256 of every input file (:func:`_checksums`), computed in a thread from now on (hashlib
    lets go of the GIL): ``.result()`` when the manifest is written."""
    pool = ThreadPoolExecutor(1, thread_name_prefix="checksums")
    try:
        return pool.submit(_checksums, eng)
    finally:
        pool.shutdown(wait=False)


def _checksums(eng) -> dict[str, str]:
    """``{path: SHA-256}`` of the engagement's input files."""
    return {str(path): _sha256(path) for table in eng.inputs for path in eng.input_files(table)}


def _inputs(eng, intake, checksums: dict[str, str]) -> list[dict]:
    """One entry per raw file with its checksum (from ``checksums``) and its rows. An archive's rows are
    the sum of its members' accounting lines (``archive.zip:member.csv``), listed under ``members``."""
    acc = intake.accounting
    out = []
    for table in eng.inputs:
        mine = acc[acc["table"] == table]
        for path in eng.input_files(table):
            names = mine["file"].astype(str)
            rows = mine[(names == path.name) | names.str.startswith(f"{path.name}:")]
            counts = {
                col: int(rows[col].sum()) if len(rows) else None
                for col in ("rows_read", "rows_used", "rows_rejected")
            }
            entry = {
                "table": table,
                "file": str(path),
                "sha256": checksums[str(path)],
                "bytes": path.stat().st_size,
                **counts,
            }
            members = [f for f in rows["file"].astype(str) if f != path.name]
            if members:
                entry["members"] = members
            out.append(entry)
    return out


__all__ = [
    "STAGES",
    "Stage",
    "run",
    "run_weekly",
    "check_week",
    "execute_stages",
    "check_notebook",
    "notebook_parameters",
]
