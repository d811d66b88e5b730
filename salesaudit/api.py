"""The playbook from a notebook cell: :func:`run`, :func:`weekly` and :func:`compare` do what
``salesaudit run``, ``salesaudit weekly`` and ``salesaudit compare`` do, importing the runner only when
called (re-exported as ``salesaudit.run`` / ``salesaudit.weekly`` / ``salesaudit.compare``)."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable


@dataclass(frozen=True)
class Run:
    """A finished run: its output folder and its manifest (``manifest.json`` as a dict).

    ``html``, ``pdf`` and ``workbook`` are the paths of the report and the Excel workbook in ``folder``.
    """

    folder: Path
    manifest: dict

    @property
    def html(self) -> Path:
        return self.folder / "report.html"

    @property
    def pdf(self) -> Path:
        return self.folder / "report.pdf"

    @property
    def workbook(self) -> Path:
        return self.folder / "workbook.xlsx"


def _engagement(engagement: str | Path) -> Path:
    """``"demo"`` is the demo engagement (generated when missing), as in the notebooks."""
    if str(engagement) == "demo":
        from .engine.session import ensure_demo

        return ensure_demo()
    return Path(engagement)


def _finished(folder: Path) -> Run:
    from .engine.outputs import run_manifest

    return Run(folder=folder, manifest=run_manifest(folder))


def run(
    engagement: str | Path,
    *,
    out: str | Path | None = None,
    week: str | None = None,
    progress: Callable[[str], None] | None = print,
    pdf: bool = True,
) -> Run:
    """Run the whole playbook on an engagement folder, as ``salesaudit run`` does.

    Parameters
    ----------
    engagement
        The engagement folder (``clients/acme``, holding ``engagement.yaml``), or ``"demo"`` for the demo
        client (the folder ``salesaudit demo`` writes, generated when missing).
    out
        Output folder, new or empty; default ``ENGAGEMENT/output/<YYYY-MM-DD_HHMMSS>/``.
    week
        ISO week to track, e.g. ``"2026-W47"`` (wins over ``tracking.week``; default: chosen).
    progress
        Called with each progress line (a stage starting, its time); ``None`` for silence.
    pdf
        False: every stage, the HTML report and the workbook, but no PDF (a quick look, and the tests
        that run many clients: the printer does not depend on the client's data).

    Returns
    -------
    Run
        ``folder`` (the output folder), ``manifest`` (inputs, parameters, versions, timings), and the
        paths ``html``, ``pdf``, ``workbook``.

    Raises
    ------
    ConfigError, InputFileError, DataError
        Before any stage starts: a bad engagement.yaml, an unreadable file, a preflight error (what
        ``salesaudit validate`` reports).
    StageError
        A notebook cell failed; the partial notebook stays in the output folder's ``notebooks/``.

    Examples
    --------
    >>> import salesaudit
    >>> result = salesaudit.run("clients/acme")  # doctest: +SKIP
    >>> result.pdf  # doctest: +SKIP
    PosixPath('clients/acme/output/2026-11-25_101500/report.pdf')
    >>> from pathlib import Path
    >>> from salesaudit.exceptions import ConfigError
    >>> try:
    ...     salesaudit.run("no/such/client")
    ... except ConfigError as exc:
    ...     print(Path(exc.file).name)
    client
    """
    from .engine.runner import run as run_playbook

    folder = _engagement(engagement)
    quiet = progress or (lambda _: None)
    if pdf:
        return _finished(run_playbook(folder, out=out, week=week, progress=quiet))
    from .engine import config
    from .engine.runner import STAGES
    from .report.html import build_report
    from .report.workbook import write_workbook

    out = run_playbook(folder, out=out, week=week, progress=quiet, report=False)
    eng = config.load(folder)
    build_report(out, eng=eng, stages=[s.notebook for s in STAGES], pdf=False)
    write_workbook(out, eng=eng)
    return _finished(out)


def kernel_pool():
    """A ``with`` block whose runs share warm kernels: each kernel's start-up (about 3 s of CPU) is paid
    once, not once per run; a kernel is reused only after a run that went well, having forgotten it
    (:mod:`salesaudit.engine.pool`)::

        with salesaudit.kernel_pool():
            for folder in ["clients/acme", "clients/globex"]:
                salesaudit.run(folder)
    """
    from .engine.pool import kernel_pool as pool

    return pool()


def weekly(
    engagement: str | Path,
    *,
    week: str | None = None,
    out: str | Path | None = None,
    progress: Callable[[str], None] | None = print,
    per_manager: bool = False,
) -> Run:
    """The weekly flash report for one ISO week, as ``salesaudit weekly`` does.

    It tracks against the plan of the newest successful full run with the same ``plan:`` settings
    (computed afresh without one).

    Parameters
    ----------
    engagement
        The engagement folder, or ``"demo"`` for the demo client.
    week
        ISO week, e.g. ``"2026-W47"``; default ``tracking.week``, else the last complete week.
    out
        Output folder, new or empty; default ``ENGAGEMENT/output/<YYYY-MM-DD_HHMMSS>_weekly-WEEK/``.
    progress
        Called with each progress line; ``None`` for silence.
    per_manager
        Also a page per manager for the Monday meeting (``weekly --per-manager``): the folder's
        ``per_manager/all_managers.pdf`` (a page each) and ``per_manager/<manager>.pdf``, listed in
        ``manifest["per_manager"]``.

    Returns
    -------
    Run
        As :func:`run` returns; ``manifest["command"]`` is ``"weekly"``.

    Raises
    ------
    ConfigError, InputFileError, DataError, StageError
        As :func:`run`; a week that is not in the plan or starts after ``as_of`` is a ConfigError.

    Examples
    --------
    >>> import salesaudit
    >>> salesaudit.weekly("clients/acme", week="2026-W47").html  # doctest: +SKIP
    PosixPath('clients/acme/output/2026-11-25_101500_weekly-2026-W47/report.html')
    >>> from pathlib import Path
    >>> from salesaudit.exceptions import ConfigError
    >>> try:
    ...     salesaudit.weekly("no/such/client")
    ... except ConfigError as exc:
    ...     print(Path(exc.file).name)
    client
    """
    from .engine.runner import run_weekly

    quiet = progress or (lambda _: None)
    folder = run_weekly(_engagement(engagement), week=week, out=out, progress=quiet, per_manager=per_manager)
    return _finished(folder)


_weekly_report = weekly


def compare(
    earlier: str | Path,
    later: str | Path,
    *,
    out: str | Path | None = None,
    progress: Callable[[str], None] | None = print,
) -> Run:
    """What changed between two full runs of an engagement, as ``salesaudit compare`` writes it: the
    report's section "What changed since DATE" alone (``report.html``, ``report.pdf``, the tables), in a
    new folder (default ``ENGAGEMENT/output/<YYYY-MM-DD_HHMMSS>_compare/``). A full run whose engagement
    has an earlier finished run has the same section in its own report.

    For the figures alone, without a document: ``salesaudit.audit.progress.compare(earlier, later)``.

    Raises
    ------
    SalesAuditError
        Either folder is not a finished full run, the same run twice, or the first has newer data.
    """
    from .engine.compare import compare_runs

    quiet = progress or (lambda _: None)
    return _finished(compare_runs(earlier, later, out=out, progress=quiet))


class _WeeklyStage(ModuleType):
    """The ``salesaudit.weekly`` sub-package, callable as :func:`weekly` (the weekly flash report)."""

    def __call__(
        self,
        engagement: str | Path,
        *,
        week: str | None = None,
        out: str | Path | None = None,
        progress: Callable[[str], None] | None = print,
        per_manager: bool = False,
    ) -> Run:
        return _weekly_report(engagement, week=week, out=out, progress=progress, per_manager=per_manager)

    __call__.__doc__ = _weekly_report.__doc__


# ``salesaudit.weekly`` is the sub-package (any ``import salesaudit.weekly.tracking`` binds that name to
# it); it holds only a docstring, so importing it is free — made callable, the name means the API too
import_module("salesaudit.weekly").__class__ = _WeeklyStage
