"""What the ``salesaudit`` command prints for a person to read: tables that fit, progress that moves.

Tables (``validate``'s row accounting and data-quality summary) are drawn with rich at the terminal's
width, never wider than :data:`MAX_WIDTH` columns (``COLUMNS`` counts; a pipe or a test gets
:data:`MAX_WIDTH`): long file names and texts wrap inside their cell, a client's value is cut to
:data:`MAX_CELL` characters, a missing number is a dash. Headers, severities and table names are the
report's labels (``col.*``, ``cli.*``) in the engagement's language, numbers in its locale.

Progress (:class:`Progress`) hears the runner's lines. A line ``<step> ...`` starts a step and
``<step> done in <seconds> s`` ends it (``[1/4] audit ...``, ``report done in 5.2 s``); any other line
is a message. On a terminal each running step is one live line with its elapsed time and, while intake
reads the client's files, a bar over them; elsewhere (CI logs, pytest, a pipe) every line is printed
as it comes, plain.
"""

from __future__ import annotations

import re
import shutil
import sys
import textwrap
import threading
import unicodedata
from collections.abc import Iterable
from typing import TextIO

import pandas as pd
from rich import box
from rich.console import Console
from rich.progress import BarColumn, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn
from rich.progress import Progress as _Live
from rich.table import Column, Table
from rich.text import Text

from .exceptions import shorten
from .report.formatting import fmt_number, fmt_percent
from .report.i18n import catalog, column_label, t

MAX_WIDTH = 100
"""No line the command prints for reading is wider than this (a narrower terminal: its width)."""
MAX_CELL = 120
"""A client's value shown in a table cell is cut to this many characters (an ellipsis marks the cut)."""
MAX_PATH = 400
"""A file's name in the accounting is cut only past this many characters (it wraps in its cell)."""
_START = re.compile(r"^(?P<step>.+) \.\.\.$")
_DONE = re.compile(r"^(?P<step>.+) done in (?P<seconds>[0-9.]+) s$")


def width() -> int:
    """Columns to print in: the terminal's (or ``COLUMNS``), at most :data:`MAX_WIDTH`, at least 40."""
    return max(40, min(MAX_WIDTH, shutil.get_terminal_size((MAX_WIDTH, 24)).columns))


def console(stream: TextIO | None = None) -> Console:
    """A rich console on ``stream`` (default: standard output as it is now) at :func:`width`; colour
    only on a terminal, never markup or highlighting in the text printed."""
    return Console(
        file=stream if stream is not None else sys.stdout,
        width=width(),
        highlight=False,
        markup=False,
        emoji=False,
    )


def show(renderable: object, stream: TextIO | None = None) -> None:
    """Print a rich ``renderable`` (a table) on ``stream`` (default: standard output) at :func:`width`,
    each line without the trailing blanks rich pads it with."""
    out = console(stream)
    with out.capture() as captured:
        out.print(renderable)
    for line in captured.get().splitlines():
        print(line.rstrip(), file=out.file)


def cell(value: object, limit: int = MAX_CELL) -> Text:
    """A table cell: a missing value empty, control characters as spaces, cut to ``limit`` characters.

    Examples
    --------
    >>> cell(float("nan")).plain, cell("a\\tb\\x1b[31m").plain, cell("x" * 200, 5).plain
    ('', 'a b [31m', 'xxxx…')
    """
    try:
        missing = value is None or bool(pd.isna(value))
    except (TypeError, ValueError):  # an array-like is never a missing scalar
        missing = False
    if missing:
        return Text("")
    text = "".join(" " if unicodedata.category(ch) in ("Cc", "Cf") else ch for ch in str(value))
    return Text(shorten(text, limit))


def wrapped(line: str, columns: int | None = None) -> list[str]:
    """``line`` wrapped at :func:`width` (or ``columns``); lines after the first indented by the
    first's leading label (``info  weekly: ...``) so a note reads as one.

    Examples
    --------
    >>> wrapped("info  weekly: " + "word " * 12, 40)
    ['info  weekly: word word word word word', '      word word word word word word word']
    """
    columns = columns or width()
    lead = re.match(r"^(\S+ +)", line)
    indent = " " * len(lead[1]) if lead and len(lead[1]) <= 12 else ""
    return textwrap.wrap(
        line, columns, subsequent_indent=indent, break_on_hyphens=False, drop_whitespace=True
    ) or [""]


def _label(family: str, name: str, lang: str) -> str:
    key = f"{family}.{name}"
    if family == "cli.severity" and key in catalog():
        return t(f"cli.severity.{name}", lang)
    if family == "cli.table" and key in catalog():
        return t(f"cli.table.{name}", lang)
    return name


def _number_column(table: Table, header: str, values: Iterable[str], *, footer: str = "") -> None:
    values = list(values)
    least = max([len(v) for v in [*values, footer]] + [1])
    table.add_column(header, justify="right", min_width=least, footer=footer, overflow="fold")


def accounting_table(accounting: pd.DataFrame, *, lang: str) -> Table:
    """The row accounting, one row per file (a total row below several), columns ``table, file,
    rows_read, rows_used, rows_rejected`` as :func:`salesaudit.intake.canonical.read_engagement` gives."""
    numbers = ("rows_read", "rows_used", "rows_rejected")
    several = len(accounting) > 1
    table = Table(
        title=t("cli.accounting.title", lang),
        title_justify="left",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        show_footer=several,
    )
    table.add_column(column_label("table", lang), footer=t("cli.total", lang) if several else "")
    table.add_column(column_label("file", lang), overflow="fold", ratio=1)
    shown = {col: [fmt_number(v, lang=lang) for v in accounting[col]] for col in numbers}
    for col in numbers:
        total = fmt_number(accounting[col].sum(), lang=lang) if several else ""
        _number_column(table, column_label(col, lang), shown[col], footer=total)
    for i, row in enumerate(accounting.itertuples(index=False)):
        table.add_row(
            cell(_label("cli.table", str(row.table), lang)),
            cell(row.file, MAX_PATH),
            *(shown[col][i] for col in numbers),
        )
    return table


def share(value: object, *, lang: str) -> str:
    """A share of revenue as a percentage with one decimal; a dash when unknown, ``<0.1%`` when small.

    Examples
    --------
    >>> share(0.2512, lang="en"), share(float("nan"), lang="en"), share(0.00002, lang="en")
    ('25.1%', '—', '<0.1%')
    """
    number = pd.to_numeric(pd.Series([value]), errors="coerce").iloc[0]
    if pd.isna(number):
        return "—"
    if 0 < number < 0.0005:
        return "<" + fmt_percent(0.001, lang=lang, digits=1)
    return fmt_percent(number, lang=lang, digits=1)


def quality_table(summary: pd.DataFrame, *, lang: str) -> Table:
    """The data-quality summary (:func:`salesaudit.intake.quality.quality_summary`: columns
    ``severity, count, revenue_share, text, example``), its note under it."""
    table = Table(
        title=t("cli.quality.title", lang),
        title_justify="left",
        caption=t("cli.quality.note", lang),
        caption_justify="left",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        show_lines=True,
    )
    table.add_column(column_label("severity", lang), overflow="fold")
    counts = [fmt_number(v, lang=lang) for v in summary["count"]]
    shares = [share(v, lang=lang) for v in summary["revenue_share"]]
    _number_column(table, column_label("count", lang), counts)
    _number_column(table, column_label("revenue_share", lang), shares)
    table.add_column(column_label("text", lang), overflow="fold", ratio=3)
    table.add_column(column_label("example", lang), overflow="fold", ratio=2)
    for i, row in enumerate(summary.itertuples(index=False)):
        table.add_row(
            cell(_label("cli.severity", str(row.severity), lang)),
            counts[i],
            shares[i],
            cell(row.text, 400),
            cell(row.example),
        )
    return table


class _SizedBar(BarColumn):
    """A bar only for a task that knows its total (a step without one shows its spinner alone)."""

    def render(self, task):
        return super().render(task) if task.total is not None else Text("")


class _Count(TextColumn):
    def __init__(self) -> None:
        super().__init__("")

    def render(self, task):
        return Text(f"{task.completed:.0f}/{task.total:.0f}" if task.total is not None else "")


class Progress:
    """The runner's ``progress`` callback for a person (rules: module docstring), used as a context
    manager around the work; :meth:`reading` is intake's per-file hook
    (:func:`salesaudit.intake.canonical.read_engagement`'s ``progress``).

    ``live`` None: live when ``stream`` (default standard error) is a terminal.

    Examples
    --------
    >>> import io
    >>> out = io.StringIO()
    >>> with Progress(out) as progress:
    ...     progress("[1/2] audit ...")
    ...     progress.reading("sales.csv", 0, 1)
    ...     progress("[1/2] audit done in 1.5 s")
    >>> out.getvalue()
    '[1/2] audit ...\\n[1/2] audit done in 1.5 s\\n'
    """

    def __init__(self, stream: TextIO | None = None, *, live: bool | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.live = _is_terminal(self.stream) if live is None else live
        self._lock = threading.Lock()
        self._steps: dict[str, TaskID] = {}
        self._bars: _Live | None = None

    def __enter__(self) -> Progress:
        if self.live:
            self._bars = _Live(
                SpinnerColumn(),
                TextColumn("{task.description}", table_column=Column(ratio=1, no_wrap=True)),
                _SizedBar(bar_width=24),
                _Count(),
                TimeElapsedColumn(),
                console=console(self.stream),
                transient=True,
                redirect_stdout=False,
                redirect_stderr=False,
            )
            self._bars.start()
        return self

    def __exit__(self, *exc) -> None:
        if self._bars is not None:
            self._bars.stop()
            self._bars = None
        self._steps.clear()

    def __call__(self, line: str) -> None:
        bars = self._bars
        if bars is None:  # one write per line: stages report from two threads at once
            with self._lock:
                self.stream.write(line + "\n")
                self.stream.flush()
            return
        with self._lock:
            if started := _START.match(line):
                self._steps[started["step"]] = bars.add_task(started["step"], total=None)
                return
            if (done := _DONE.match(line)) and done["step"] in self._steps:
                bars.remove_task(self._steps.pop(done["step"]))
        bars.console.print(Text(line))

    def reading(self, label: str, done: int, total: int) -> None:
        """Intake is about to read file ``label``, ``done`` of ``total`` read so far: the bar of the
        running ``intake`` step (or of its own) moves."""
        bars = self._bars
        if bars is None:
            return
        with self._lock:
            task = self._steps.get("intake")
            if task is None:
                task = self._steps["intake"] = bars.add_task("intake", total=total)
            described = f"intake · {shorten(label, 60)}" if label else "intake"
            bars.update(task, total=total, completed=done, description=described)


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or fake stream
        return False


__all__ = [
    "MAX_WIDTH",
    "Progress",
    "accounting_table",
    "cell",
    "console",
    "quality_table",
    "share",
    "show",
    "width",
    "wrapped",
]
