"""HTML to an A4 PDF with WeasyPrint, in this process or in a child process.

The renderer may read inline ``data:`` resources only: it cannot fetch a file or a URL, so the PDF step
can never reach the network. ``python -m salesaudit.pdf IN.html OUT.pdf`` is the child-process form the
runner uses to print the PDF while it writes the workbook.
"""

from __future__ import annotations

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


def start_pdf(html_path: Path, pdf_path: Path) -> subprocess.Popen:
    """Print ``html_path`` to ``pdf_path`` in a child process (see :func:`finish_pdf`)."""
    return subprocess.Popen(
        [sys.executable, "-m", "salesaudit.pdf", str(html_path), str(pdf_path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish_pdf(proc: subprocess.Popen, pdf_path: Path) -> None:
    """Wait for :func:`start_pdf`'s child; raise with its last error line if it failed."""
    from .exceptions import SalesAuditError

    _, err = proc.communicate()
    if proc.returncode != 0 or not pdf_path.is_file():
        last = (err or "").strip().splitlines()[-1:] or ["no output"]
        raise SalesAuditError(f"the PDF could not be printed: {last[0]}", file=str(pdf_path))


def main(argv: list[str]) -> int:
    html_path, pdf_path = map(Path, argv)
    tmp = pdf_path.with_name(pdf_path.name + ".tmp")
    write_pdf(html_path.read_text(encoding="utf-8"), tmp)
    tmp.replace(pdf_path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
