"""XLSX / XLSM / XLS workbooks as cells (python-calamine): the sheet holding most of the expected headers
(or ``read.sheet``), merged cells carried into every cell they cover, typed cells kept on the side
(``numbers``, ``dates``) so Excel dates arrive as dates. A row's number is the spreadsheet row.

A sheet's size is checked before calamine reads it (:mod:`~salesaudit.intake.sheet_size`: a sheet
over :data:`~salesaudit.intake.sheet_size.MAX_CELLS` is refused), and whatever calamine raises — its
errors, or a Rust panic (pyo3's ``PanicException``, a ``BaseException``) — becomes an
:class:`~salesaudit.exceptions.InputFileError` naming the file.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from ..exceptions import InputFileError
from .headers import _configured_header, _norm, find_header
from .raw import Cells
from .sheet_size import check_sheet_size

if TYPE_CHECKING:
    from .sources import Blob


def _read_excel(path: Blob, options, hints):
    """The cells of the chosen sheet: ``path`` is the file or its decompressed bytes
    (:class:`~salesaudit.intake.sources.Blob`)."""
    import python_calamine

    try:
        with path.open() as fh:
            book = python_calamine.CalamineWorkbook.from_filelike(fh)
        visible = [
            m.name
            for m in book.sheets_metadata
            if str(m.visible).endswith("Visible") and str(m.typ).endswith("WorkSheet")
        ] or list(book.sheet_names)
    except python_calamine.PasswordError:
        raise InputFileError(
            "the workbook is password-protected",
            file=str(path),
            hint="ask the client for an unprotected copy",
        ) from None
    except _FATAL:
        raise
    except BaseException as exc:  # calamine's errors for corrupt files, and a Rust panic
        raise InputFileError(f"not a readable Excel workbook ({_why(exc)})", file=str(path)) from None
    if options.sheet is not None:
        names = [_sheet_name(path, book.sheet_names, options.sheet)]
    else:
        names = visible
    best = None
    for name in names:
        grid = _grid(path, book, name)
        header = _excel_header(path, grid, options, hints)
        hits = _hits(grid[header] if header < len(grid) else [], hints)
        if best is None or hits > best[3]:
            best = (name, grid, header, hits)
        if options.sheet is not None or not hints or hits == len({_norm(h) for h in hints}):
            break
    name, grid, header, _ = best
    return _excel_columns(path, grid, header, name)


def _sheet_name(path: Path, sheets: list[str], wanted) -> str:
    if isinstance(wanted, int) and not isinstance(wanted, bool):
        if 1 <= wanted <= len(sheets):
            return sheets[wanted - 1]
        raise InputFileError(
            f"the workbook has no sheet number {wanted} (it has {len(sheets)})",
            file=str(path),
            value=wanted,
            hint=f"sheets: {', '.join(sheets)}; inputs.<table>.read.sheet counts from 1",
        )
    if wanted in sheets:
        return wanted
    close = [s for s in sheets if _norm(s) == _norm(wanted)]
    if len(close) == 1:
        return close[0]
    raise InputFileError(
        f"sheet {wanted!r} not found",
        file=str(path),
        value=wanted,
        hint=f"the workbook's sheets: {', '.join(sheets)}; fix inputs.<table>.read.sheet",
    )


_FATAL = (KeyboardInterrupt, SystemExit, GeneratorExit, MemoryError)


def _why(exc: BaseException) -> str:
    """Calamine's own words, short (a panic's message may be long)."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:200]


def _grid(path: Path, book, name: str) -> list[list]:
    check_sheet_size(path, name)  # before calamine allocates the sheet's whole rectangle
    try:
        sheet = book.get_sheet_by_name(name)
        rows = sheet.to_python(skip_empty_area=False)
        merged = sheet.merged_cell_ranges or []
    except _FATAL:
        raise
    except BaseException as exc:  # calamine's errors, and a Rust panic (pyo3 PanicException)
        raise InputFileError(f"cannot read sheet {name!r} ({_why(exc)})", file=str(path)) from None
    rows = [list(r) for r in rows]
    for (r0, c0), (r1, c1) in merged:  # a merged cell's value belongs to every cell it covers
        if r0 >= len(rows) or c0 >= len(rows[r0]):
            continue
        value = rows[r0][c0]
        for r in range(r0, min(r1, len(rows) - 1) + 1):
            for c in range(c0, min(c1, len(rows[r]) - 1) + 1):
                if rows[r][c] == "" or rows[r][c] is None:
                    rows[r][c] = value
    return rows


def _hits(record, hints) -> int:
    wanted = {_norm(h) for h in hints if str(h).strip()}
    return len(wanted.intersection(_norm(_cell_text(c)) for c in record))


def _excel_header(path: Path, grid: list[list], options, hints) -> int:
    if options.header_row is not None:
        return _configured_header(path, options.header_row, len(grid), "sheet", "rows")
    records = [[_cell_text(c) for c in row if _cell_text(c).strip()] for row in grid[:60]]
    return find_header(records, hints) if records else 0


def _cell_text(v) -> str:
    if v is None or v == "":
        return ""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float):
        if v != v:
            return ""
        return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)
    if isinstance(v, dt.datetime):
        return v.isoformat(sep=" ") if (v.hour, v.minute, v.second) != (0, 0, 0) else v.date().isoformat()
    if isinstance(v, (dt.date, dt.time)):
        return v.isoformat()
    return str(v)


def _excel_columns(path: Path, grid: list[list], header: int, sheet: str):
    width = max((len(r) for r in grid), default=0)
    head = grid[header] if header < len(grid) else []
    names = [_cell_text(head[j]) if j < len(head) else "" for j in range(width)]
    body = grid[header + 1 :]
    first = header + 2
    arrays, numbers, dates = [], {}, {}
    for j in range(width):
        text, nums, days = [], [], []
        any_num = any_day = False
        for row in body:
            v = row[j] if j < len(row) else ""
            t = _cell_text(v)
            text.append(t if t != "" else None)
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                nums.append(float(v))
                days.append(None)
                any_num = True
            elif isinstance(v, (dt.date, dt.datetime)):
                nums.append(np.nan)
                days.append(v.date() if isinstance(v, dt.datetime) else v)
                any_day = True
            else:
                nums.append(np.nan)
                days.append(None)
        arrays.append(pa.array(text, type=pa.large_string()))
        if any_num:
            numbers[j] = np.asarray(nums, dtype="float64")
        if any_day:
            dates[j] = np.array(
                [np.datetime64(d, "us") if d is not None else np.datetime64("NaT", "us") for d in days],
                dtype="datetime64[us]",
            )
    rows = np.arange(first, first + len(body), dtype=np.int64)
    info = {"format": "excel", "sheet": sheet, "header_row": header + 1}
    arrays = [pa.chunked_array([a]) for a in arrays]
    return Cells(names, arrays, rows, numbers, dates, [], info, None)
