"""The ``salesaudit`` command: demo, new, validate, run, weekly, compare.

What it prints for a person to read (tables at most 100 columns wide, live progress on a terminal)
is :mod:`salesaudit.console`'s. Every command takes ``-h``; ``salesaudit --version`` prints the version.

Exit status: 0 success; 1 a data / configuration / stage problem or a file-system fault (a full or
read-only disk, a missing folder), explained in one message on stderr (no traceback); 2 wrong usage
(click's own). ``run``, ``weekly``, ``demo`` and ``validate`` first note the engagement's earlier runs
that stopped without finishing (:func:`salesaudit.engine.runfolder.note_earlier_runs`).
"""

from __future__ import annotations

import functools
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Annotated

import typer

from . import __version__
from .exceptions import ConfigError, SalesAuditError

# JupyterLab's jupyter-events pulls in rfc3987-syntax, and jsonschema (imported by nbformat) then imports
# it, which compiles an Earley grammar: 2.3 s of CPU in every command. The notebook schema checks no IRI
# format, so the command line does without it (a Lab server or kernel is not affected).
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    help="Audit a client's sales system and write a branded report.",
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"salesaudit {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit."),
    ] = False,
) -> None:
    """Audit a client's sales system and write a branded report."""


def _err(text: str) -> None:
    typer.echo(text, err=True)


def _friendly(func):
    """Turn SalesAuditError, and any OSError (what failed, the path, the system's reason), into one
    message and exit status 1."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except SalesAuditError as exc:
            _err(f"error: {exc}")
            raise typer.Exit(1) from None
        except OSError as exc:  # a full or read-only disk, a missing folder: no traceback either
            from .engine.runfolder import os_error

            command = func.__name__.removesuffix("_cmd")
            _err(f"error: {os_error(exc, f'salesaudit {command} stopped')}")
            raise typer.Exit(1) from None
        except KeyboardInterrupt:
            _err("interrupted")
            raise typer.Exit(130) from None

    return wrapper


def _progress(line: str) -> None:
    typer.echo(line, err=True)


def _folder(engagement: Path) -> Path:
    """The engagement folder the user meant: a path to an ``engagement.yaml`` means its folder (the
    config is always read from there, so nothing is ambiguous); any other file is refused with its own
    message rather than "folder not found"."""
    if engagement.is_file():
        if engagement.name == "engagement.yaml":
            return engagement.parent
        near = next((p for p in engagement.parents[:3] if (p / "engagement.yaml").is_file()), None)
        raise ConfigError(
            "this is a file; the engagement is the folder that holds engagement.yaml",
            file=str(engagement),
            hint=f"give its folder: {near}" if near else "give the folder that holds engagement.yaml",
        )
    return engagement


def _week(week: str | None) -> str | None:
    """``--week`` written the ISO way: ``2026-w47``, ``2026W47``, ``2026-W1`` are read as ISO weeks."""
    from .weekly.weekchoice import normalize_week

    return None if week is None else normalize_week(week, key=None)


def _outputs(run_dir: Path) -> None:
    """The files a person opens, one per line, last: the HTML report, its PDF and the workbook."""
    files = (("report", "report.html"), ("pdf", "report.pdf"), ("workbook", "workbook.xlsx"))
    for label, name in (*files, ("managers", "per_manager/all_managers.pdf")):
        if (run_dir / name).exists():
            typer.echo(f"{label + ':':<10}{run_dir / name}")


def _note_earlier_runs(engagement: Path) -> None:
    """One line per earlier run of the engagement marked running whose process is gone (abandoned) or
    lives on another host."""
    from .engine.runfolder import note_earlier_runs

    note_earlier_runs(engagement, _progress)


@app.command()
@_friendly
def demo(
    out: Annotated[Path | None, typer.Option(help="Output folder (new or empty).")] = None,
    engagement: Annotated[
        Path | None,
        typer.Option(help="Where the demo engagement is generated (default: the repository's demo/)."),
    ] = None,
    profile: Annotated[
        str | None,
        typer.Option(help="A client of the zoo instead of the demo, e.g. growing, b2c, english_usd."),
    ] = None,
    language: Annotated[
        str | None, typer.Option(help="Report language, ru or en (default: the client's own).")
    ] = None,
) -> None:
    """Generate the built-in demo client and run the whole playbook on it."""
    from .console import Progress
    from .demo import generate_demo
    from .demo.folder import demo_folder
    from .engine.runner import run

    if profile is not None:
        from .demo.zoo import check_profile

        check_profile(profile)
    if language not in (None, "ru", "en"):
        raise ConfigError("--language: the report language must be ru or en", value=language)
    if engagement is None:  # the folder the notebooks' engagement = "demo" opens; a variant beside it
        engagement = demo_folder()
        suffix = "-".join(filter(None, [profile, language]))
        engagement = engagement.with_name(f"{engagement.name}-{suffix}") if suffix else engagement
    if (engagement / "engagement.yaml").is_file():
        _progress(f"demo engagement: {engagement.resolve()} (already generated)")
    else:
        start = time.perf_counter()
        variant = {k: v for k, v in (("profile", profile), ("language", language)) if v is not None}
        generate_demo(engagement, **variant)  # the demo itself: generate_demo(engagement), as before
        _progress(f"demo engagement: {engagement.resolve()} ({time.perf_counter() - start:.1f} s)")
    _note_earlier_runs(engagement)
    with Progress() as progress:
        run_dir = run(engagement, out=out, progress=progress)
    _outputs(run_dir)


@app.command()
@_friendly
def new(
    folder: Annotated[Path, typer.Argument(help="The new engagement folder, e.g. clients/acme.")],
    client: Annotated[str, typer.Option(help="Client company name.")] = "",
    lang: Annotated[str, typer.Option(help="Report language: ru or en.")] = "ru",
    currency: Annotated[
        str | None,
        typer.Option(help="ISO 4217 code of the client's money, e.g. USD (default RUB for --lang ru only)."),
    ] = None,
    country: Annotated[
        str | None,
        typer.Option(
            help="ISO 3166 code of the working-day calendar, e.g. US (default RU for --lang ru only)."
        ),
    ] = None,
    preset: Annotated[
        str | None, typer.Option(help="Column mapping of a known export (amocrm, bitrix24, 1c, generic_en).")
    ] = None,
) -> None:
    """Scaffold an engagement folder: engagement.yaml, brand.yml, questionnaire, data/."""
    from .engine.scaffold import resolve_locale, scaffold

    locale = resolve_locale(lang, currency, country)
    path = scaffold(
        folder,
        client=client or folder.name,
        lang=locale.language,
        currency=locale.currency,
        country=locale.country,
        preset=preset,
    )
    typer.echo(f"created {path}")
    said = f"language {locale.language}, currency {locale.currency}, country {locale.country}"
    if locale.defaulted:
        said += f" ({' and '.join(locale.defaulted)} by default for --lang {locale.language}; "
        said += "another client: --currency / --country, or edit engagement.yaml)"
    typer.echo(said)
    if locale.currency != "RUB":
        typer.echo(
            "motivation.comfortable_income is null: ask the owner what monthly income (in "
            f"{locale.currency}) the managers settle for and set it in engagement.yaml"
        )
    typer.echo(
        f"next: put the client's exports in {path / 'data'}, map their columns in "
        f"{path / 'engagement.yaml'}, then `salesaudit validate {folder}`"
    )


@app.command()
@_friendly
def validate(
    engagement: Annotated[Path, typer.Argument(help="Engagement folder.")],
    rejected: Annotated[
        Path | None, typer.Option(help="Also write the rejected rows to this CSV (for the client).")
    ] = None,
    week: Annotated[
        str | None, typer.Option(help="ISO week `run --week` will track, e.g. 2026-W47 (checked here too).")
    ] = None,
) -> None:
    """Read the client's files, report data quality and run the preflight: every check that could stop
    a stage of `run` (exit 1 on the first error; what a stage leaves out is printed as info)."""
    from . import console
    from .engine import config
    from .engine.preflight import preflight
    from .intake.quality import quality_summary
    from .report.i18n import t

    engagement, week = _folder(engagement), _week(week)
    _note_earlier_runs(engagement)
    if rejected is not None:  # before any file is read: the CSV can be created there
        from .engine.runfolder import check_new_file

        check_new_file(rejected)
    eng = config.load(engagement)
    intake = _read(eng)
    checked = preflight(eng, intake, week=week)
    lang = eng.language
    console.show(console.accounting_table(intake.accounting, lang=lang))
    summary = quality_summary(
        intake,
        as_of=eng.as_of,
        window_months=eng.window_months,
        settings=eng.intake.quality,
        lang=lang,
        currency=eng.currency,
    )
    typer.echo("")
    if len(summary):
        console.show(console.quality_table(summary, lang=lang))
    else:
        _say(t("cli.quality.none", lang))
    if rejected is not None:
        if rejected.exists():
            raise SalesAuditError("file exists; choose a new name", file=str(rejected))
        from .report.spreadsheet import write_csv

        write_csv(intake.rejected, rejected, lang=lang)  # Excel in the client's locale, no formulas
        _say(t("cli.rejected_written", lang, path=str(rejected)))
    typer.echo("")
    for line in checked.lines():
        _say(line)
    checked.raise_first()
    typer.echo("preflight: every stage can run")


def _read(eng):
    """The client's files read (``read_engagement``), a bar over them on a terminal."""
    from .console import Progress
    from .intake.canonical import read_engagement

    with Progress() as progress:
        start = time.perf_counter()
        progress("intake ...")
        intake = read_engagement(eng, progress=progress.reading)
        progress(f"intake done in {time.perf_counter() - start:.1f} s")
    return intake


def _say(line: str) -> None:
    """One line for a person, wrapped to the console's width (:func:`salesaudit.console.wrapped`)."""
    from .console import wrapped

    for part in wrapped(line):
        typer.echo(part)


_Engagements = Annotated[
    list[Path], typer.Argument(help='Engagement folder; several, or a pattern such as "clients/*".')
]
_Out = Annotated[
    Path | None, typer.Option(help="Output folder (new or empty); several clients: the portfolio page's.")
]
_Jobs = Annotated[
    int | None, typer.Option(min=1, help="Several clients: how many at a time (default: the cores).")
]
_Scheduler = Annotated[
    str | None,
    typer.Option(help="Several clients on Dask: a scheduler's address (tcp://host:8786) or local."),
]
_Language = Annotated[str, typer.Option(help="Several clients: the portfolio page's language, ru or en.")]


def _is_batch(engagements: list[Path], jobs: int | None, scheduler: str | None) -> bool:
    """Several folders, a pattern that is no path, ``--jobs`` or ``--scheduler``: a batch."""
    one = engagements[0]
    pattern = bool(set("*?[") & set(str(one))) and not one.exists()
    return len(engagements) > 1 or pattern or jobs is not None or scheduler is not None


def _batch(command, engagements, week, out, jobs, scheduler, language, *, per_manager: bool = False) -> None:
    """Each client in isolation, shown live; the portfolio page; exit 1 when any client failed."""
    from .engine.batch_view import run_portfolio

    outcomes, page = run_portfolio(
        engagements,
        command=command,
        week=_week(week),
        jobs=jobs,
        scheduler=scheduler,
        out=out,
        language=language,
        per_manager=per_manager,
    )
    for outcome in outcomes:
        if not outcome.ok:
            _err(f"{outcome.client}: error: {outcome.message}")
    failed = sum(not o.ok for o in outcomes)
    typer.echo(f"{len(outcomes) - failed} of {len(outcomes)} client(s) done, {failed} failed")
    typer.echo(f"{'portfolio:':<11}{page}")
    typer.echo(f"{'pdf:':<11}{page.with_suffix('.pdf')}")
    if failed:
        raise typer.Exit(1)


@app.command("run")
@_friendly
def run_cmd(
    engagements: _Engagements,
    out: _Out = None,
    week: Annotated[
        str | None,
        typer.Option(help="ISO week to track, e.g. 2026-W47 (wins over tracking.week; default: chosen)."),
    ] = None,
    jobs: _Jobs = None,
    scheduler: _Scheduler = None,
    language: _Language = "ru",
) -> None:
    """Run the whole playbook: audit, clients, plan, weekly tracking; write the report.

    Several folders (or a pattern such as "clients/*"): each client in isolation, then a portfolio page."""
    from .console import Progress
    from .engine.runner import run

    if _is_batch(engagements, jobs, scheduler):
        return _batch("run", engagements, week, out, jobs, scheduler, language)
    engagement, week = _folder(engagements[0]), _week(week)
    _note_earlier_runs(engagement)
    with Progress() as progress:
        run_dir = run(engagement, out=out, progress=progress, week=week)
    _outputs(run_dir)


@app.command()
@_friendly
def weekly(
    engagements: _Engagements,
    week: Annotated[
        str | None, typer.Option(help="ISO week, e.g. 2026-W47 (default: last complete week).")
    ] = None,
    out: _Out = None,
    jobs: _Jobs = None,
    scheduler: _Scheduler = None,
    language: _Language = "ru",
    per_manager: Annotated[
        bool, typer.Option("--per-manager", help="Also a page per manager: one PDF, and one per manager.")
    ] = False,
) -> None:
    """The weekly flash report: plan vs fact for one week, alerts, next steps.

    Several folders (or a pattern such as "clients/*"): each client in isolation, then a portfolio page."""
    from .console import Progress
    from .engine.runner import run_weekly

    if _is_batch(engagements, jobs, scheduler):
        return _batch("weekly", engagements, week, out, jobs, scheduler, language, per_manager=per_manager)
    engagement, week = _folder(engagements[0]), _week(week)
    _note_earlier_runs(engagement)
    with Progress() as progress:
        run_dir = run_weekly(engagement, week=week, out=out, progress=progress, per_manager=per_manager)
    _outputs(run_dir)


@app.command()
@_friendly
def compare(
    earlier: Annotated[
        Path, typer.Argument(help="The earlier full run's folder (ENGAGEMENT/output/<date_time>).")
    ],
    later: Annotated[Path, typer.Argument(help="The later full run's folder.")],
    out: Annotated[
        Path | None, typer.Option(help="Output folder (new or empty; default: a dated *_compare folder).")
    ] = None,
) -> None:
    """What changed between two full runs: the report's section "What changed since DATE" alone.

    Maturity per area, the checks that changed status, key figures, client migration, and the plan
    handed over at the earlier run against the sales since; HTML and PDF in the engagement's brand."""
    from .engine.compare import compare_runs

    _outputs(compare_runs(earlier, later, out=out, progress=_progress))


def main() -> None:  # console script entry point
    """Run the CLI, then leave without the interpreter's teardown.

    Freeing ~1,700 modules and Arrow's memory pools takes 0.3-0.5 s after a run, on every command;
    by the time a command returns, every file it wrote is closed and in place, kernels and the PDF
    worker are gone, so the process ends at once with the command's exit status (an unexpected
    exception still ends the normal way, with its traceback).
    """
    try:
        app()
        code = 0
    except SystemExit as exc:
        code = exc.code
    if code is None:
        code = 0
    elif not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (`salesaudit run ... | head`): nothing to keep
            pass
    os._exit(code)


__all__ = ["app", "main", "shutil"]
