"""HTML to an A4 PDF with WeasyPrint, in this process or in a child process.

The renderer may read inline ``data:`` resources only: it cannot fetch a file or a URL, so the PDF step
can never reach the network. ``python -m salesaudit.report.pdf IN.html OUT.pdf`` is the child-process form the
runner uses to print the PDF while it writes the workbook (``--worker PARENT_PID``: load WeasyPrint now,
read ``IN.html<TAB>OUT.pdf`` from stdin later). The worker dies with the run that started it
(:func:`salesaudit.engine.lifetime.die_with_parent`) and never renames a finished PDF into the run
folder once that run is gone: a killed run gets no ``report.pdf``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def write_pdf(page: str, path: Path) -> None:
    """Print the HTML text ``page`` to ``path``."""
    import logging

    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    fetcher = URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)
    HTML(string=page, url_fetcher=fetcher).write_pdf(str(path))


def start_pdf() -> subprocess.Popen:
    """A child process that loads WeasyPrint now and prints a PDF once :func:`print_pdf` names the HTML:
    the runner starts it while the notebooks run, so the import is off the critical path. Its stderr
    goes to a temporary file (a pipe could fill while the parent is busy)."""
    import tempfile

    errors = tempfile.TemporaryFile(mode="w+", encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-m", "salesaudit.report.pdf", "--worker", str(os.getpid())],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=errors,
        text=True,
    )
    proc.errors_file = errors  # type: ignore[attr-defined]
    return proc


def print_pdf(proc: subprocess.Popen, html_path: Path, pdf_path: Path) -> None:
    """Tell the worker which HTML to print where; returns at once (see :func:`finish_pdf`)."""
    proc.stdin.write(f"{html_path}\t{pdf_path}\n")
    proc.stdin.close()


def finish_pdf(proc: subprocess.Popen, pdf_path: Path) -> None:
    """Wait for the worker; raise with its last error line if it failed."""
    from ..exceptions import SalesAuditError

    proc.wait()
    errors = proc.errors_file  # type: ignore[attr-defined]
    errors.seek(0)
    err = errors.read()
    errors.close()
    if proc.returncode != 0 or not pdf_path.is_file():
        last = err.strip().splitlines()[-1:] or ["no output"]
        raise SalesAuditError(f"the PDF could not be printed: {last[0]}", file=str(pdf_path))


def stop_pdf(proc: subprocess.Popen | None) -> None:
    """End a worker that will not be needed (the run failed before the report)."""
    if proc is not None and proc.poll() is None:
        proc.kill()
        proc.wait()


def main(argv: list[str]) -> int:
    """``IN.html OUT.pdf``, or ``--worker [PARENT_PID]`` (see the module's docstring); exit status 1 when
    the parent run is gone before the PDF is in place."""
    parent = None
    if argv[:1] == ["--worker"]:
        from ..engine.lifetime import die_with_parent

        parent = int(argv[1]) if len(argv) > 1 else os.getppid()
        if not die_with_parent(parent):
            return 1
        import weasyprint  # noqa: F401  (loaded before the HTML exists)

        line = sys.stdin.readline().strip()
        if not line:
            return 0
        argv = line.split("\t")
    html_path, pdf_path = map(Path, argv)
    tmp = pdf_path.with_name(pdf_path.name + ".tmp")
    write_pdf(html_path.read_text(encoding="utf-8"), tmp)
    if parent is not None and os.getppid() != parent:  # the run died meanwhile: no PDF in its folder
        tmp.unlink(missing_ok=True)
        return 1
    tmp.replace(pdf_path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
