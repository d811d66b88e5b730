"""What a batch shows while it runs: which clients are queued, running, done or failed.

:class:`BatchView` is the ``progress(index, line)`` callback of :func:`salesaudit.engine.batch.run_batch`
(and of the Dask batch). On a terminal it is a live rich table, one row per client with its state, its
current step and its time, redrawn as lines arrive; elsewhere (a pipe, CI, pytest) one plain line per
client as it starts and as it ends.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from rich import box
from rich.live import Live
from rich.table import Table
from rich.text import Text

from ..exceptions import shorten

STATES = ("queued", "running", "ok", "failed")
_STYLE = {"queued": "dim", "running": "cyan", "ok": "green", "failed": "red"}


class BatchView:
    """Live state of the clients ``names`` (by index); a context manager around the batch.

    Examples
    --------
    >>> import io
    >>> out = io.StringIO()
    >>> with BatchView(["acme", "globex"], out) as view:
    ...     view(0, "started"); view(0, "[1/1] weekly ..."); view.finished(0, True)
    ...     view(1, "started"); view.finished(1, False, "file s.csv: no sales")
    >>> print(out.getvalue(), end="")
    [1/2] acme: running
    [1/2] acme: ok
    [2/2] globex: running
    [2/2] globex: failed: file s.csv: no sales
    >>> view.counts()
    {'queued': 0, 'running': 0, 'ok': 1, 'failed': 1}
    """

    def __init__(self, names: list[str], stream: TextIO | None = None, *, live: bool | None = None) -> None:
        from ..console import _is_terminal

        self.names = list(names)
        self.stream = stream if stream is not None else sys.stderr
        self.live = _is_terminal(self.stream) if live is None else live
        self.state = ["queued"] * len(names)
        self.step = [""] * len(names)
        self.started: list[float | None] = [None] * len(names)
        self.ended: list[float | None] = [None] * len(names)
        self._lock = threading.Lock()
        self._live: Live | None = None

    def __enter__(self) -> BatchView:
        if self.live:
            from ..console import console

            self._live = Live(self._table(), console=console(self.stream), refresh_per_second=4)
            self._live.start()
        return self

    def __exit__(self, *exc) -> None:
        if self._live is not None:
            self._live.update(self._table(), refresh=True)
            self._live.stop()
            self._live = None

    def __call__(self, index: int, line: str) -> None:
        """A line of client ``index``'s run: ``started``, then each step of it (a client whose
        outcome has arrived hears no more: the lines come from another thread and may lag)."""
        with self._lock:
            if self.ended[index] is not None:
                return
            if line != "started":
                self.step[index] = line
            else:
                self.state[index], self.started[index] = "running", time.monotonic()
        if line == "started":
            self._plain(index, "running")
        self._refresh()

    def finished(self, index: int, ok: bool, message: str = "") -> None:
        """The outcome of client ``index``: ``ok``, or failed with ``message`` (what the single-client
        command prints)."""
        with self._lock:
            self.state[index] = "ok" if ok else "failed"
            self.step[index] = "" if ok else (message.splitlines() or [""])[0]
            self.ended[index] = time.monotonic()
            if self.started[index] is None:
                self.started[index] = self.ended[index]
        self._plain(index, "ok" if ok else f"failed: {message}")
        self._refresh()

    def counts(self) -> dict[str, int]:
        return {s: self.state.count(s) for s in STATES}

    def _plain(self, index: int, what: str) -> None:
        if self._live is not None:
            return
        with self._lock:
            self.stream.write(f"[{index + 1}/{len(self.names)}] {self.names[index]}: {what}\n")
            self.stream.flush()

    def _refresh(self) -> None:
        if self._live is not None:
            self._live.update(self._table())

    def _table(self) -> Table:
        counts = self.counts()
        title = " · ".join(f"{s} {counts[s]}" for s in STATES)
        table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, show_edge=False)
        table.add_column("client", overflow="ellipsis", no_wrap=True, ratio=2)
        table.add_column("state")
        table.add_column("step", overflow="ellipsis", no_wrap=True, ratio=3)
        table.add_column("time", justify="right")
        now = time.monotonic()
        for i, name in enumerate(self.names):
            start, end = self.started[i], self.ended[i]
            took = f"{(end or now) - start:.0f} s" if start is not None else ""
            state = self.state[i]
            table.add_row(Text(shorten(name, 60)), Text(state, style=_STYLE[state]), Text(self.step[i]), took)
        return table


def run_portfolio(
    engagements: Sequence[str | Path],
    *,
    command: str = "weekly",
    week: str | None = None,
    pdf: bool = True,
    per_manager: bool = False,
    jobs: int | None = None,
    scheduler: str | None = None,
    out: str | Path | None = None,
    language: str = "ru",
    stream: TextIO | None = None,
    live: bool | None = None,
) -> tuple[list, Path]:
    """What ``salesaudit weekly|run FOLDER... `` does: the folders (or patterns) expanded
    (:func:`.batch.expand`), each engagement run in isolation on this machine's cores
    (:func:`.batch.run_batch`, ``jobs`` at a time) or as tasks of the Dask ``scheduler``
    (:mod:`.batch_dask`: an address, or ``local``), shown live (:class:`BatchView`), then the portfolio
    page written to ``out`` (default ``portfolio/<timestamp>/``; new or empty, checked before any run)
    in ``language``; ``per_manager``: each weekly flash with its page per manager. Returns the outcomes
    (in the order given) and the page's path."""
    from ..exceptions import ConfigError
    from ..report.portfolio_page import write_portfolio
    from .batch import _client_name, default_out, expand, run_batch
    from .runfolder import check_output

    if language not in ("ru", "en"):
        raise ConfigError("--language: the portfolio's language must be ru or en", value=language)
    folders = expand(engagements)
    out = Path(out) if out is not None else default_out()
    check_output(out.parent, out)  # the page's folder: new or empty, writable, before any run
    view = BatchView([_client_name(f) for f in folders], stream, live=live)
    settings = {"command": command, "week": week, "pdf": pdf, "per_manager": per_manager}
    with view:

        def done(outcome) -> None:
            view.finished(outcome.index, outcome.ok, outcome.message)

        if scheduler:
            from .batch_dask import LOCAL, connect, run_batch_dask

            client = connect(scheduler, workers=jobs)
            try:
                outcomes = run_batch_dask(folders, client=client, progress=view, done=done, **settings)
            finally:
                cluster = client.cluster if scheduler == LOCAL else None
                client.close()
                if cluster is not None:
                    cluster.close()
        else:
            outcomes = run_batch(folders, jobs=jobs, progress=view, done=done, **settings)
    page = write_portfolio(outcomes, out, lang=language, command=command)
    return outcomes, page


__all__ = ["STATES", "BatchView", "run_portfolio"]
