"""Many engagements in one command: each in isolation, on this machine's cores.

``salesaudit weekly clients/*`` (or ``run a b c``) hands each engagement folder to :func:`run_batch`,
which runs them in a :class:`concurrent.futures.ProcessPoolExecutor` — one engagement per task, as
many worker processes as cores (``jobs``). Isolation:

* every engagement runs in a worker process of its own run, writes its own run folder (its
  ``output/``, never overwriting) and its failure — a :class:`~salesaudit.exceptions.SalesAuditError`,
  a file-system fault or any other exception — becomes that client's :class:`Outcome` with the one
  message the single-client command prints (:func:`failure_message`); the others go on;
* each worker keeps its kernels between its clients (:func:`salesaudit.kernel_pool`, entered in the
  worker's main thread when it starts, so the kernels live as long as the worker); a kernel is reused
  only after a run that went well, having forgotten it (:mod:`salesaudit.engine.pool`).

The per-client figures the portfolio page lists (:func:`summarize`) are read in the worker from the
run's tables, so an :class:`Outcome` is small and plain (the same travels back from a Dask worker:
:mod:`salesaudit.engine.batch_dask`). Progress: ``progress(index, line)`` hears ``started`` when a
client's run starts and each line of its run; ``done(outcome)`` each outcome as it arrives
(:class:`salesaudit.engine.batch_view.BatchView` shows both).
"""

from __future__ import annotations

import glob
import math
import os
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from ..exceptions import ConfigError

COMMANDS = ("run", "weekly")
_MAGIC = set("*?[")


@dataclass(frozen=True)
class Job:
    """One engagement of a batch: its folder and what to run on it."""

    index: int
    folder: str
    command: str = "weekly"
    week: str | None = None
    pdf: bool = True
    per_manager: bool = False  # weekly: a page per manager too


@dataclass
class Outcome:
    """What one engagement's run left: ``status`` ``ok`` or ``failed`` (with ``message``), the run
    folder, and the portfolio's figures (None where the run has none): the tracked week's
    ``attainment``, ``mtd_attainment``, the run-rate ``forecast_attainment`` (department row of
    ``tracking_week``), the number of ``alerts`` and the overall ``maturity`` score (a full run's)."""

    index: int
    folder: str
    client: str
    command: str
    status: str = "queued"
    message: str = ""
    run_dir: str | None = None
    seconds: float = 0.0
    week: str | None = None
    attainment: float | None = None
    mtd_attainment: float | None = None
    forecast_attainment: float | None = None
    alerts: int | None = None
    maturity: float | None = None
    extra: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def expand(arguments: Sequence[str | Path]) -> list[Path]:
    """The engagement folders named by ``arguments``: a folder as it is; a pattern the shell left
    unexpanded (``"clients/*"``) as the folders it matches that hold an ``engagement.yaml``; a path to
    an ``engagement.yaml`` as its folder. Other files among several arguments (``clients/notes.txt``
    from the shell's ``clients/*``) are left out; each folder once, in the order given.

    Raises
    ------
    ConfigError
        A pattern that matches no engagement folder, or nothing left to run.

    Examples
    --------
    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp())
    >>> for name in ("b", "a"):
    ...     (root / name).mkdir(); _ = (root / name / "engagement.yaml").write_text("")
    >>> _ = (root / "notes.txt").write_text("")
    >>> [p.name for p in expand([str(root / "*")])]
    ['a', 'b']
    >>> [p.name for p in expand([root / "b", root / "notes.txt", root / "b" / "engagement.yaml"])]
    ['b']
    """
    folders: list[Path] = []
    for arg in map(str, arguments):
        if _MAGIC & set(arg) and not Path(arg).exists():
            found = [Path(p) for p in sorted(glob.glob(arg)) if (Path(p) / "engagement.yaml").is_file()]
            if not found:
                raise ConfigError(
                    "the pattern matches no engagement folder (one holding engagement.yaml)",
                    value=arg,
                    hint="name the folders, or a pattern such as clients/*",
                )
            folders += found
        elif Path(arg).is_file():
            if Path(arg).name == "engagement.yaml":
                folders.append(Path(arg).parent)
            elif len(arguments) == 1:
                folders.append(Path(arg))  # the single-client command says why a file is no folder
        else:
            folders.append(Path(arg))
    unique = list({str(p.resolve()): p for p in reversed(folders)}.values())[::-1]
    if not unique:
        raise ConfigError("no engagement folder to run", value=" ".join(map(str, arguments)))
    return unique


def failure_message(exc: BaseException, command: str) -> str:
    """The message the single-client command prints for ``exc`` (without ``error:``): a
    SalesAuditError as it is, an OSError as :func:`.runfolder.os_error` says it, anything else as its
    type and text.

    Examples
    --------
    >>> from salesaudit.exceptions import DataError
    >>> failure_message(DataError("no sales", file="s.csv"), "weekly")
    'file s.csv: no sales'
    >>> failure_message(ValueError("boom"), "run")
    'ValueError: boom'
    """
    from ..exceptions import SalesAuditError
    from .runfolder import os_error

    if isinstance(exc, SalesAuditError):
        return str(exc)
    if isinstance(exc, OSError):
        return str(os_error(exc, f"salesaudit {command} stopped"))
    return f"{type(exc).__name__}: {exc}"


def summarize(run_dir: str | Path) -> dict:
    """The portfolio's figures of a finished run, from its tables (None where it has none):
    ``week``, ``attainment``, ``mtd_attainment``, ``forecast_attainment`` (the ``department`` row of
    ``tracking_week``), ``alerts`` (rows of ``alerts``), ``maturity`` (the ``overall`` row of
    ``maturity``: a full run's only)."""
    from .outputs import has_table, read_table

    out: dict = {}
    if has_table(run_dir, "tracking_week"):
        week = read_table(run_dir, "tracking_week")
        dept = week[week["level"] == "department"]
        if len(dept):
            row = dept.iloc[0]
            out["week"] = str(row.get("iso_week")) if "iso_week" in row else None
            for col in ("attainment", "mtd_attainment", "forecast_attainment"):
                out[col] = _number(row.get(col))
    if has_table(run_dir, "alerts"):
        out["alerts"] = len(read_table(run_dir, "alerts"))
    if has_table(run_dir, "maturity"):
        maturity = read_table(run_dir, "maturity")
        overall = maturity[maturity["area"] == "overall"]
        out["maturity"] = _number(overall["score"].iloc[0]) if len(overall) else None
    return out


def _number(value) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _client_name(folder: Path) -> str:
    from . import config

    try:
        return config.load(folder).client.name or folder.name
    except Exception:  # a broken engagement.yaml: its run says why
        return folder.name


_EVENTS = None  # a worker's line back to the parent (a multiprocessing queue), set by _start_worker


def _start_worker(events) -> None:
    """A worker process's initializer: keep kernels between its clients for the worker's life (entered
    here, in the worker's main thread; shut down when the worker ends)."""
    from multiprocessing import util

    from .pool import kernel_pool

    global _EVENTS
    _EVENTS = events
    pool = kernel_pool()
    pool.__enter__()
    util.Finalize(None, pool.__exit__, args=(None, None, None), exitpriority=10)


def run_one(job: Job, progress: Callable[[int, str], None] | None = None) -> Outcome:
    """Run one engagement (``salesaudit.run`` or ``salesaudit.weekly``) and return its
    :class:`Outcome`; never raises for the client's sake (Ctrl-C still goes up)."""
    events = _EVENTS

    def line(text: str) -> None:
        if progress is not None:
            progress(job.index, text)
        elif events is not None:
            events.put((job.index, text))

    folder = Path(job.folder)
    outcome = Outcome(index=job.index, folder=str(folder), client=_client_name(folder), command=job.command)
    start = time.perf_counter()
    line("started")
    try:
        run_dir = _run(job, line)
        outcome.run_dir = str(run_dir)
        outcome.__dict__.update(summarize(run_dir))
        outcome.status = "ok"
    except Exception as exc:
        outcome.status, outcome.message = "failed", failure_message(exc, job.command)
    outcome.seconds = round(time.perf_counter() - start, 3)
    return outcome


def _run(job: Job, line: Callable[[str], None]) -> Path:
    """The run folder of ``job``: ``salesaudit weekly``, or ``run`` (without the PDF when ``pdf`` is
    False, as :func:`salesaudit.run` does)."""
    from . import config
    from .runner import STAGES, run, run_weekly

    if job.command == "weekly":
        return run_weekly(job.folder, week=job.week, progress=line, per_manager=job.per_manager)
    if job.pdf:
        return run(job.folder, week=job.week, progress=line)
    from ..report.html import build_report
    from ..report.workbook import write_workbook

    out = run(job.folder, week=job.week, progress=line, report=False)
    eng = config.load(job.folder)
    build_report(out, eng=eng, stages=[s.notebook for s in STAGES], pdf=False)
    write_workbook(out, eng=eng)
    return out


def default_jobs() -> int:
    """Worker processes by default: the cores this process may use."""
    from .kernel import usable_cores

    return usable_cores()


def run_batch(
    folders: Sequence[str | Path],
    *,
    command: str = "weekly",
    week: str | None = None,
    pdf: bool = True,
    per_manager: bool = False,
    jobs: int | None = None,
    progress: Callable[[int, str], None] | None = None,
    done: Callable[[Outcome], None] | None = None,
) -> list[Outcome]:
    """Run ``command`` on every engagement folder, each in isolation, ``jobs`` at a time (default: the
    cores) in worker processes that keep their kernels; return one :class:`Outcome` per folder, in
    the order given (``per_manager``: each weekly flash with its page per manager). ``progress(index, line)`` hears each client's lines (in this process's listener
    thread), ``done(outcome)`` each outcome as it arrives."""
    import multiprocessing

    if command not in COMMANDS:
        raise ConfigError("a batch runs run or weekly", value=command)
    todo = [Job(i, str(f), command, week, pdf, per_manager) for i, f in enumerate(folders)]
    jobs = max(1, min(jobs or default_jobs(), len(todo)))
    ctx = multiprocessing.get_context("forkserver")  # no fork of this threaded process
    events = ctx.SimpleQueue()
    listener = threading.Thread(target=_listen, args=(events, progress), daemon=True)
    listener.start()
    outcomes: dict[int, Outcome] = {}
    try:
        with ProcessPoolExecutor(jobs, mp_context=ctx, initializer=_start_worker, initargs=(events,)) as ex:
            futures = {ex.submit(run_one, job): job for job in todo}
            for future in as_completed(futures):
                job = futures[future]
                outcomes[job.index] = _result(future, job)
                if done is not None:
                    done(outcomes[job.index])
    finally:
        events.put(None)
        listener.join(timeout=5)
    return [outcomes[job.index] for job in todo]


def _result(future, job: Job) -> Outcome:
    """A task's outcome; a worker that died (killed, out of memory) fails its client alone."""
    try:
        return future.result()
    except Exception as exc:
        return Outcome(
            index=job.index,
            folder=job.folder,
            client=_client_name(Path(job.folder)),
            command=job.command,
            status="failed",
            message=failure_message(exc, job.command),
        )


def _listen(events, progress) -> None:
    while True:
        item = events.get()
        if item is None:
            return
        if progress is not None:
            progress(*item)


def default_out(now=None) -> Path:
    """``portfolio/<YYYY-MM-DD_HHMMSS>/`` under the current folder (not created here)."""
    import datetime as dt

    return Path(os.getcwd()) / "portfolio" / (now or dt.datetime.now()).strftime("%Y-%m-%d_%H%M%S")


__all__ = [
    "Job",
    "Outcome",
    "default_jobs",
    "default_out",
    "expand",
    "failure_message",
    "run_batch",
    "run_one",
    "summarize",
]
