"""Reading one client file, whatever its format, into a table of text cells.

A reader never interprets values (numbers and dates are :mod:`salesaudit.intake.parsing`'s job); it checks
that the file is what its extension says, finds the header, keeps every cell as text, and numbers each
row as the user sees it in the file, so a rejected row can be found in the client's file:

* CSV / TXT / TSV: the line on which the record starts (header on its line; a quoted field with line
  breaks makes the next record start further down). Encoding (UTF-8, UTF-8 with BOM, UTF-16 with BOM,
  Windows-1251 and other Cyrillic code pages), delimiter (``;`` tab ``,`` ``|``) and the header line
  (title rows above it are skipped) are detected unless set in ``read``.
* XLSX / XLSM / XLS: the spreadsheet row. Merged cells carry their value into every cell they cover;
  typed cells keep their type on the side (``numbers``, ``dates``), so Excel dates arrive as dates.
* Parquet: the record number (1 = first record); typed columns are kept on the side as well.

Blank lines are not data: neither used, rejected nor counted. Totals rows ("Итого", "Всего", "Total"
in one of the first three columns) and CSV lines with more fields than the header are listed in
``dropped`` — they are counted as read and rejected with their reason, never silently lost.
Files are only ever opened for reading.

A ``.gz`` file or a ``.zip`` member (:mod:`~salesaudit.intake.sources`) is decompressed in memory and
read like the file it holds, under its own name (``archive.zip:2025-01.csv``).

Where each part lives: this module checks the file and picks the reader by extension and content
(:func:`sniff_kind`); :mod:`~salesaudit.intake.sources` opens compressed files; :mod:`~salesaudit.intake.csv_reader`,
:mod:`~salesaudit.intake.excel_reader` and :mod:`~salesaudit.intake.parquet_reader` read one format each
into cells; :mod:`~salesaudit.intake.headers` finds and names the header; :mod:`~salesaudit.intake.finish`
drops blank rows, totals rows and malformed lines the same way for every format and builds the
:class:`~salesaudit.intake.raw.RawTable`.
"""

from __future__ import annotations

from pathlib import Path

from ..exceptions import InputFileError
from .csv_reader import HEAD_BYTES, _read_csv
from .excel_reader import _read_excel
from .finish import finish
from .headers import _norm
from .parquet_reader import _read_parquet
from .raw import RawTable
from .sources import Blob, Source, sources_of

CSV_SUFFIXES = (".csv", ".txt", ".tsv")
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls")


def read_raw(path: Path | Source, *, options, headers=(), kinds=None) -> RawTable:
    """Read ``path`` (CSV/TXT/TSV, XLSX/XLSM, XLS, Parquet; a ``.gz`` of one; a ``.zip`` holding one) as
    cells.

    Parameters
    ----------
    path
        The client's file (opened read-only), or a :class:`~salesaudit.intake.sources.Source` (a ``.gz``
        file's content, a ``.zip`` member), decompressed in memory.
    options
        ``inputs.<table>.read`` (:class:`salesaudit.engine.config.ReadOptions`).
    headers
        Column headers the mapping expects; the header row (and, for a workbook without a ``sheet``
        setting, the sheet) is the one holding most of them.
    kinds
        ``{header: "str" | "date" | "float"}`` for the columns the caller will use. On a CSV, text
        and date columns are read dictionary-encoded and number columns as numbers when
        ``options.decimal`` is set and every cell reads (else as text, like everything else), in
        Arrow's :func:`~salesaudit.intake.parsing.memory_pool`, several threads at once. Purely a
        speed-up: the cells are the same.

    Raises
    ------
    InputFileError
        File missing, empty, unreadable, not what its extension says, a wrong sheet name, a header
        row past the end, no data rows, or an archive that does not hold exactly one table.
    """
    src = _blob(path)
    suffix = src.suffix
    head = src.head(HEAD_BYTES)
    kind = sniff_kind(head)
    hints = [str(h) for h in headers]
    kinds = {_norm(h): k for h, k in (kinds or {}).items()}
    if suffix in CSV_SUFFIXES:
        _expect(src, kind, ("text",), "a text (CSV) file")
        parts = _read_csv(src, head, options, hints, kinds)
    elif suffix in EXCEL_SUFFIXES:
        _expect(src, kind, ("zip", "ole"), "an Excel workbook")
        parts = _read_excel(src, options, hints)
    elif suffix == ".parquet":
        _expect(src, kind, ("parquet",), "a Parquet file")
        parts = _read_parquet(src)
    else:
        raise InputFileError(
            f"unsupported file type {suffix or '(no extension)'!r}",
            file=str(src),
            hint="export the table as CSV, XLSX, XLS or Parquet (a .gz or .zip of them is fine)",
        )
    return finish(src, options, kinds, *parts)


def _blob(path: Path | Source) -> Blob:
    """The bytes to read: the file on disk, or a ``.gz`` / ``.zip`` content decompressed in memory
    (a ``.zip`` given directly must hold exactly one readable table)."""
    if isinstance(path, Source):
        return path.load()
    path = Path(path)
    if not path.is_file():
        raise InputFileError("file not found", file=str(path))
    if path.stat().st_size == 0:
        raise InputFileError("the file is empty (0 bytes)", file=str(path))
    lower = path.name.lower()
    if lower.endswith(".gz"):
        return Source(path).load()
    if lower.endswith(".zip"):
        inside = sources_of(path)
        if len(inside) > 1:
            raise InputFileError(
                f"the archive holds {len(inside)} tables where one is expected",
                file=str(path),
                hint="its tables: " + ", ".join(s.shown for s in inside),
            )
        return inside[0].load()
    return Blob(path)


# ------------------------------------------------------------------------------------------------
# What is this file, really?

_KINDS = [
    (b"%PDF", "pdf"),
    (b"PK\x03\x04", "zip"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"),
    (b"PAR1", "parquet"),
    (b"\x89PNG", "image"),
    (b"\xff\xd8\xff", "image"),
    (b"GIF8", "image"),
    (b"{\\rtf", "rtf"),
    (b"\x1f\x8b", "gzip"),
    (b"Rar!", "rar"),
    (b"7z\xbc\xaf", "7z"),
]
_DESCRIPTION = {
    "pdf": "a PDF document",
    "zip": "a ZIP archive or an .xlsx workbook",
    "ole": "an Excel 97-2003 (.xls) workbook or another Office document",
    "parquet": "a Parquet file",
    "image": "an image",
    "rtf": "an RTF document",
    "gzip": "a gzip archive",
    "rar": "a RAR archive",
    "7z": "a 7-Zip archive",
    "html": "an HTML page (a web page saved with a spreadsheet extension)",
    "spreadsheetml": "an XML Spreadsheet 2003 file",
    "text": "a text (CSV) file",
    "binary": "a binary file of unknown type",
}


def sniff_kind(head: bytes) -> str:
    """What the first bytes of a file say it is: ``text``, ``zip``, ``ole``, ``parquet``, ``pdf``,
    ``html``, ``spreadsheetml``, ``image``... (``binary`` when unknown).

    Examples
    --------
    >>> sniff_kind(b"%PDF-1.7"), sniff_kind("Дата;Сумма\\n".encode("cp1251"))
    ('pdf', 'text')
    >>> sniff_kind(b"\\xef\\xbb\\xbf<html><body><table>")
    'html'
    """
    for magic, kind in _KINDS:
        if head.startswith(magic):
            return kind
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "text"  # UTF-16 with BOM (Excel's "Unicode text")
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith(b"<?xml"):
        return "spreadsheetml" if b"urn:schemas-microsoft-com:office:spreadsheet" in head else "html"
    if start.startswith((b"<!doctype", b"<html", b"<table", b"<meta", b"<head", b"<body", b"<style")):
        return "html"
    if b"\x00" in head:
        return "binary"
    return "text"


def _expect(path: Blob, kind: str, allowed: tuple[str, ...], what: str) -> None:
    if kind in allowed:
        return
    suffix = path.suffix
    hints = {
        "html": "open it in Excel and save it as .xlsx (or export the report as CSV) — exports from "
        "1C and Bitrix24 often save a web page under an .xls name",
        "spreadsheetml": "open it in Excel and save it as .xlsx",
        "zip": "if it is an Excel workbook, rename it to .xlsx; if a ZIP archive, to .zip",
        "gzip": f"add .gz to its name ({path.name}.gz): it is read then",
        "ole": "if it is an Excel workbook, rename it to .xls",
        "text": "if it is a CSV export, rename it to .csv",
        "parquet": "rename it to .parquet",
    }
    raise InputFileError(
        f"this {suffix} file is not {what}: its content is {_DESCRIPTION.get(kind, kind)}",
        file=str(path),
        hint=hints.get(kind, "ask the client for the export again, as CSV or XLSX"),
    )
