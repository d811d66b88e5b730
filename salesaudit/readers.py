"""Reading one client file, whatever its format, into a frame of text cells.

A reader never interprets values (numbers and dates are :mod:`salesaudit.parsing`'s job); it finds the
header, keeps every cell as text, and numbers each row as the user sees it in the file (spreadsheet row,
or CSV line of the record's start), so a rejected row can be found in the client's file.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .exceptions import InputFileError

TOTAL_MARKERS = ("итого", "всего", "total", "grand total", "итог")


@dataclass
class RawTable:
    """Text cells of one file: ``frame`` (original headers), ``row_numbers`` aligned with it, and the
    rows ``dropped`` on purpose (totals) with their reason, in the rejected-rows layout."""

    frame: pd.DataFrame
    row_numbers: pd.Series
    dropped: pd.DataFrame


def read_raw(path: Path, *, options) -> RawTable:
    """Read ``path`` (CSV/TXT, XLSX/XLSM, XLS, Parquet) as text cells.

    Raises
    ------
    InputFileError
        File missing, empty, unreadable, a wrong sheet name, or not what its extension says.
    """
    path = Path(path)
    if not path.is_file():
        raise InputFileError("file not found", file=str(path))
    if path.stat().st_size == 0:
        raise InputFileError("the file is empty", file=str(path))
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt", ".tsv"):
        frame, first_row = _read_csv(path, options)
    elif suffix in (".xlsx", ".xlsm", ".xls"):
        frame, first_row = _read_excel(path, options)
    elif suffix == ".parquet":
        frame, first_row = _read_parquet(path), 2
    else:
        raise InputFileError(
            f"unsupported file type {suffix!r}", file=str(path),
            hint="export the table as CSV or XLSX",
        )
    if frame.shape[1] == 0 or len(frame.columns) == 0:
        raise InputFileError("no columns found", file=str(path))
    frame.columns = [str(c).strip() for c in frame.columns]
    frame = frame.reset_index(drop=True)
    rows = pd.Series(range(first_row, first_row + len(frame)), index=frame.index, dtype="int64")
    frame, rows, dropped = _drop_blank_and_totals(frame, rows, path, options)
    return RawTable(frame=frame, row_numbers=rows, dropped=dropped)


def _decode(path: Path, encoding: str | None) -> tuple[str, str]:
    data = path.read_bytes()
    candidates = [encoding] if encoding else ["utf-8-sig", "cp1251"]
    for enc in candidates:
        try:
            return data.decode(enc), enc
        except (UnicodeDecodeError, LookupError):
            continue
    raise InputFileError(
        f"cannot decode the file as {' or '.join(candidates)}",
        file=str(path),
        hint="set inputs.<table>.read.encoding in engagement.yaml",
    )


def _read_csv(path: Path, options) -> tuple[pd.DataFrame, int]:
    text, _ = _decode(path, options.encoding)
    if "\x00" in text[:4096]:
        raise InputFileError("this is not a text (CSV) file", file=str(path))
    skip = (options.header_row or 1) - 1
    lines = text.splitlines()
    sample = "\n".join(lines[skip : skip + 50])
    delimiter = options.delimiter
    if delimiter is None:
        try:
            delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
        except csv.Error:
            delimiter = ","
    if delimiter == "\\t":
        delimiter = "\t"
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            dtype=str,
            keep_default_na=False,
            skiprows=skip,
            skip_blank_lines=False,
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputFileError(f"cannot parse as CSV: {exc}", file=str(path)) from None
    return frame, skip + 2


def _read_excel(path: Path, options) -> tuple[pd.DataFrame, int]:
    sheet = options.sheet if options.sheet is not None else 0
    try:
        frame = pd.read_excel(path, sheet_name=sheet, header=None, dtype=object, engine="calamine")
    except ValueError as exc:
        text = str(exc)
        if "not found" in text.lower() or "worksheet" in text.lower():
            raise InputFileError(
                f"sheet {sheet!r} not found", file=str(path), value=sheet,
                hint="set inputs.<table>.read.sheet to one of the workbook's sheets",
            ) from None
        raise InputFileError(f"cannot read the workbook: {exc}", file=str(path)) from None
    except Exception as exc:  # calamine raises its own errors for corrupt files
        raise InputFileError(f"not a readable Excel workbook ({exc})", file=str(path)) from None
    header = (options.header_row or 1) - 1
    if header >= len(frame):
        raise InputFileError("header row is past the end of the sheet", file=str(path), row=header + 1)
    columns = [("" if pd.isna(v) else str(v)).strip() for v in frame.iloc[header]]
    body = frame.iloc[header + 1 :].copy()
    body.columns = columns
    body = body.loc[:, [c != "" for c in columns]]
    body = body.map(_cell_text)
    return body, header + 2


def _cell_text(v) -> str:
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return ""
    if isinstance(v, pd.Timestamp) or hasattr(v, "isoformat"):
        return v.isoformat()
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _read_parquet(path: Path) -> pd.DataFrame:
    try:
        frame = pd.read_parquet(path)
    except Exception as exc:
        raise InputFileError(f"not a readable Parquet file ({exc})", file=str(path)) from None
    return frame.astype("str").where(frame.notna(), "")


def _drop_blank_and_totals(frame, rows, path, options):
    text = frame.astype("str")
    blank = (text.apply(lambda s: s.str.strip()) == "").all(axis=1)
    dropped = []
    if options.skip_totals and len(frame):
        first = text.apply(lambda s: s.str.strip().str.lower()).iloc[:, :3]
        is_total = first.apply(lambda s: s.isin(TOTAL_MARKERS) | s.str.startswith("итого")).any(axis=1)
        if is_total.any():
            dropped.append(
                pd.DataFrame(
                    {
                        "file": path.name,
                        "row": rows[is_total].to_numpy(),
                        "column": str(frame.columns[0]),
                        "value": text.loc[is_total].iloc[:, 0].to_numpy(),
                        "reason": "totals row (not a sales line)",
                    }
                )
            )
        blank = blank | is_total
    dropped_frame = (
        pd.concat(dropped, ignore_index=True)
        if dropped
        else pd.DataFrame(columns=["file", "row", "column", "value", "reason"])
    )
    keep = ~blank
    # Blank lines are not data: they are neither used nor rejected rows, and not counted as read.
    return frame[keep], rows[keep], dropped_frame
