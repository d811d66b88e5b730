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
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import os
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from ..exceptions import InputFileError
from .parsing import DictColumn, memory_pool, pool_empty

TOTAL_PATTERN = (
    r"(?i)^\s*(?:итого|всего|итог|total|totals|grand\s+total|sub-?total)\s*(?:[:.].*|по\s.*|for\s.*)?$"
)
DROPPED_COLUMNS = ["file", "row", "column", "value", "reason", "reason_code"]
CSV_SUFFIXES = (".csv", ".txt", ".tsv")
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls")
HEAD_BYTES = 1 << 20
BLOCK_BYTES = 1 << 22  # CSV block per reader thread: larger blocks hold more memory, not less time
STR = pd.StringDtype(na_value=np.nan)
_CYRILLIC_PAGES = ["cp1251", "koi8_r", "cp866", "mac_cyrillic", "cp1252"]


@dataclass
class RawTable:
    """The cells of one file, as the file's own (trimmed, de-duplicated) headers.

    ``columns`` holds one Arrow array per header: text (``large_string``, null = empty cell), or —
    when the caller's ``kinds`` allow it on a CSV — dictionary-encoded text (the text and date
    columns the caller uses; :meth:`encoded` gives them as a
    :class:`~salesaudit.intake.parsing.DictColumn`) or ``float64`` (a number column whose every cell read
    as a number with the configured decimal mark). :meth:`column` always gives text;
    :attr:`frame` is every column as pandas ``str``.
    ``row_numbers`` (int32) is aligned with the rows; ``dropped`` lists the rows removed on purpose (totals,
    malformed lines) in the rejected-rows layout (columns ``file``, ``row``, ``column``, ``value``,
    ``reason``, ``reason_code``). ``numbers`` and ``dates`` hold, per header, the values of typed
    cells (Excel, Parquet, typed CSV columns) aligned with the rows (NaN / NaT elsewhere). ``info``
    says what was detected (format, encoding, delimiter, header_row, sheet).
    """

    columns: dict[str, pa.ChunkedArray]
    row_numbers: pd.Series
    dropped: pd.DataFrame
    numbers: dict[str, np.ndarray] = field(default_factory=dict)
    dates: dict[str, np.ndarray] = field(default_factory=dict)
    info: dict[str, object] = field(default_factory=dict)
    _encoded: dict[str, DictColumn] = field(default_factory=dict, repr=False)
    _frame: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def headers(self) -> list[str]:
        return list(self.columns)

    def __len__(self) -> int:
        return len(self.row_numbers)

    @property
    def frame(self) -> pd.DataFrame:
        """Every column as text (pandas ``str``), built on first use."""
        if self._frame is None:
            data = {h: _to_pandas(self.column(h)) for h in self.columns}
            self._frame = pd.DataFrame(data, copy=False) if data else pd.DataFrame()
        return self._frame

    def typed(self, header: str) -> str:
        """``"text"``, ``"dictionary"``, ``"float"`` or ``"date"``: how the column is held."""
        typ = self.columns[header].type
        if pa.types.is_dictionary(typ):
            return "dictionary"
        if pa.types.is_floating(typ):
            return "float"
        if pa.types.is_timestamp(typ):
            return "date"
        return "text"

    def column(self, header: str) -> pa.ChunkedArray:
        """One column's text (no copy when it is held as text)."""
        arr = self.columns[header]
        kind = self.typed(header)
        if kind == "text":
            return arr
        if kind == "dictionary":
            enc = self.encoded(header)
            return pa.chunked_array([pc.take(enc.dictionary, enc.indices)], type=enc.dictionary.type)
        if kind == "date":
            return pa.chunked_array([pc.strftime(arr, format="%Y-%m-%d").combine_chunks()]).cast(
                pa.large_string()
            )
        return _float_text(arr)

    def text_at(self, header: str, positions) -> list:
        """The text of a few cells of one column (for messages and rejected rows)."""
        idx = pa.array(np.asarray(positions, dtype=np.int64))
        if self.typed(header) == "dictionary":
            enc = self.encoded(header)
            ids = enc.ids_at(np.asarray(positions, dtype=np.int64))
            return pc.take(enc.dictionary, pa.array(ids, mask=ids == len(enc.dictionary))).to_pylist()
        arr = self.columns[header].take(idx)
        if self.typed(header) == "text":
            return arr.to_pylist()
        return (
            _float_text(arr).to_pylist()
            if self.typed(header) == "float"
            else [None if v is None else v.date().isoformat() for v in arr.to_pylist()]
        )

    def encoded(self, header: str) -> DictColumn:
        """One column as distinct values + per-row ids (computed once): cheap per-distinct-value
        work (:class:`salesaudit.intake.parsing.DictColumn`)."""
        if header not in self._encoded:
            arr = self.columns[header]
            self._encoded[header] = _encode(
                arr if self.typed(header) == "dictionary" else self.column(header)
            )
        return self._encoded[header]


def _float_text(arr) -> pa.ChunkedArray:
    """Numbers as the text a user would type (``1234.5``, ``7``)."""
    values = arr if isinstance(arr, pa.ChunkedArray) else pa.chunked_array([arr])
    whole = pc.equal(values, pc.floor(values))
    as_int = pc.cast(pc.if_else(whole, values, None), pa.int64(), safe=False)
    text = pc.if_else(whole, pc.cast(as_int, pa.large_string()), pc.cast(values, pa.large_string()))
    return text if isinstance(text, pa.ChunkedArray) else pa.chunked_array([text])


def _to_pandas(arr: pa.ChunkedArray) -> pd.Series:
    if arr.type != pa.large_string():
        arr = arr.cast(pa.large_string())
    return arr.to_pandas(types_mapper=lambda _: STR)


def read_raw(path: Path, *, options, headers=(), kinds=None) -> RawTable:
    """Read ``path`` (CSV/TXT/TSV, XLSX/XLSM, XLS, Parquet) as cells.

    Parameters
    ----------
    path
        The client's file (opened read-only).
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
        row past the end, or no data rows.
    """
    path = Path(path)
    if not path.is_file():
        raise InputFileError("file not found", file=str(path))
    if path.stat().st_size == 0:
        raise InputFileError("the file is empty (0 bytes)", file=str(path))
    suffix = path.suffix.lower()
    with path.open("rb") as fh:
        head = fh.read(HEAD_BYTES)
    kind = sniff_kind(head)
    hints = [str(h) for h in headers]
    kinds = {_norm(h): k for h, k in (kinds or {}).items()}
    if suffix in CSV_SUFFIXES:
        _expect(path, kind, ("text",), "a text (CSV) file")
        parts = _read_csv(path, head, options, hints, kinds)
    elif suffix in EXCEL_SUFFIXES:
        _expect(path, kind, ("zip", "ole"), "an Excel workbook")
        parts = _read_excel(path, options, hints)
    elif suffix == ".parquet":
        _expect(path, kind, ("parquet",), "a Parquet file")
        parts = _read_parquet(path)
    else:
        raise InputFileError(
            f"unsupported file type {suffix or '(no extension)'!r}",
            file=str(path),
            hint="export the table as CSV, XLSX, XLS or Parquet",
        )
    return _finish(path, options, kinds, *parts)


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


def _expect(path: Path, kind: str, allowed: tuple[str, ...], what: str) -> None:
    if kind in allowed:
        return
    suffix = path.suffix.lower()
    hints = {
        "html": "open it in Excel and save it as .xlsx (or export the report as CSV) — exports from "
        "1C and Bitrix24 often save a web page under an .xls name",
        "spreadsheetml": "open it in Excel and save it as .xlsx",
        "zip": "if it is an Excel workbook, rename it to .xlsx",
        "ole": "if it is an Excel workbook, rename it to .xls",
        "text": "if it is a CSV export, rename it to .csv",
        "parquet": "rename it to .parquet",
    }
    raise InputFileError(
        f"this {suffix} file is not {what}: its content is {_DESCRIPTION.get(kind, kind)}",
        file=str(path),
        hint=hints.get(kind, "ask the client for the export again, as CSV or XLSX"),
    )


# ------------------------------------------------------------------------------------------------
# CSV


def detect_encoding(head: bytes) -> str:
    """The text encoding of a file from its first bytes: a BOM, valid UTF-8, else the most likely
    Cyrillic/Western single-byte code page (charset-normalizer), else cp1251.

    Examples
    --------
    >>> detect_encoding("Клиент;Сумма\\nООО Ромашка;10\\n".encode("cp1251"))
    'cp1251'
    >>> detect_encoding(b"\\xef\\xbb\\xbfa;b"), detect_encoding("Клиент".encode())
    ('utf-8-sig', 'utf-8')
    """
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    import charset_normalizer

    best = charset_normalizer.from_bytes(head[:200_000], cp_isolation=_CYRILLIC_PAGES).best()
    return best.encoding if best is not None else "cp1251"


def _decode_head(path: Path, head: bytes, encoding: str) -> str:
    try:
        return codecs.getincrementaldecoder(encoding)(errors="strict").decode(head, final=False)
    except LookupError:
        raise InputFileError(
            f"unknown encoding {encoding!r}",
            file=str(path),
            value=encoding,
            hint="use utf-8, utf-8-sig, cp1251 or utf-16 in inputs.<table>.read.encoding",
        ) from None
    except UnicodeDecodeError as exc:
        raise _not_text(path, encoding, exc) from None


def _not_text(path: Path, encoding: str, exc: UnicodeDecodeError) -> InputFileError:
    """The error for bytes that do not decode in the file's encoding (head or whole file)."""
    return InputFileError(
        f"the file is not valid {encoding} text (byte {exc.start})",
        file=str(path),
        hint="set inputs.<table>.read.encoding in engagement.yaml (utf-8, cp1251, utf-16...)",
    )


def sniff_delimiter(lines: list[str]) -> str:
    """The delimiter that splits most lines into the same number (> 1) of fields; ties go to
    ``;``, then tab, ``,``, ``|``. ``,`` when nothing splits.

    Examples
    --------
    >>> sniff_delimiter(["Дата;Сумма", "01.02.2026;1 000,50", "02.02.2026;7,5"])
    ';'
    >>> sniff_delimiter(["Account Name,Amount", '"Acme, Inc.",100', "Beta,5"])
    ','
    """
    best, best_score = ",", (0, 0)
    sample = [line for line in lines if line.strip()][:200]
    for delim in (";", "\t", ",", "|"):
        records = (next(csv.reader([line], delimiter=delim), []) for line in sample)  # line by line:
        counts = [len(rec) for rec in records if len(rec) > 1]  # a stray quote spoils one line only
        if not counts:
            continue
        values, freq = np.unique(counts, return_counts=True)
        fields = int(values[np.argmax(freq)])
        score = (int(freq.max()), fields)
        if score > best_score:
            best, best_score = delim, score
    return best


def _norm(text: str) -> str:
    return " ".join(str(text).replace("\ufeff", "").replace("ё", "е").replace("Ё", "Е").split()).casefold()


def find_header(records: list[list[str]], hints) -> int:
    """Index of the header among the first records: the one holding most of the expected headers
    (case and spacing ignored); without hints or matches, the first record as wide as most records
    (title rows above a table are narrower).

    Examples
    --------
    >>> find_header([["Отчёт о продажах"], [], ["Дата", "Клиент", "Сумма"], ["1", "2", "3"]],
    ...             ["Клиент", "Сумма"])
    2
    """
    wanted = {_norm(h) for h in hints if str(h).strip()}
    best, best_hits = None, 0
    widths = []
    for i, rec in enumerate(records):
        cells = [_norm(c) for c in rec if str(c).strip()]
        widths.append(len(cells))
        hits = len(wanted.intersection(cells))
        if hits > best_hits:
            best, best_hits = i, hits
    if best is not None:
        return best
    nonzero = [w for w in widths if w]
    if not nonzero:
        return 0
    values, freq = np.unique(nonzero, return_counts=True)
    width = int(values[np.argmax(freq)])
    return next(i for i, w in enumerate(widths) if w >= width)


class _Reread(Exception):
    """The fast reader's record count disagrees with the exact one: read the slow, exact way."""


def _read_csv(path: Path, head: bytes, options, hints, kinds):
    encoding = options.encoding or detect_encoding(head)
    if encoding.lower().replace("_", "-") in ("utf-16", "utf-16-le", "utf-16-be"):
        text = _decode_all(path, encoding)
        return _csv_python(path, text, None, None, options, hints, encoding)
    text = _decode_head(path, head, encoding)
    complete = text if len(head) < HEAD_BYTES else text[: text.rfind("\n") + 1] or text
    lines = split_lines(complete)
    if not any(line.strip() for line in lines):
        raise InputFileError("the file has no text (only blank lines)", file=str(path))
    delimiter = _delimiter(options.delimiter, path, lines)
    header_line = _csv_header_line(path, lines, delimiter, options, hints)
    header = next(csv.reader([lines[header_line]], delimiter=delimiter), [])
    names = [h.replace("\ufeff", "") for h in header]
    offset = _byte_offset(head, encoding, header_line + 1)
    info = {"format": "csv", "encoding": encoding, "delimiter": delimiter, "header_row": header_line + 1}

    def exact():
        if options.encoding is None and encoding == "utf-8":  # detected on an all-ASCII start?
            later = _later_encoding(path)
            if later is not None:
                return _read_csv(path, head, options.model_copy(update={"encoding": later}), hints, kinds)
        text = _decode_all(path, encoding)
        return _csv_python(path, text, header_line, delimiter, options, hints, encoding)

    if offset is None:  # header beyond the first megabyte: rare, read it the slow, exact way
        return exact()
    types = _column_types(names, kinds, options.decimal)
    table, invalid = _arrow_csv(path, offset, names, delimiter, encoding, types, options.decimal)
    numbers = {}  # number columns, as Arrow here; _finish makes them numpy
    if table is not None and not invalid and any(t == pa.float64() for t in types):
        numbers = {j: table.column(j) for j, t in enumerate(types) if t == pa.float64()}
        if not all(map(_all_finite, numbers.values())):  # "nan", "inf": read as text so they are
            numbers = {}  # reported as bad cells
            table, invalid = _arrow_csv(path, offset, names, delimiter, encoding, None, None)
    if table is None and any(t != pa.large_string() for t in types):
        table, invalid = _arrow_csv(path, offset, names, delimiter, encoding, None, None)
    if table is None or invalid:  # malformed or blank-but-spaces lines: the exact reader sorts them
        return exact()
    first, n = header_line + 2, table.num_rows

    def numbering() -> np.ndarray:
        try:
            rows = _exact_row_numbers(_decode_all(path, encoding), header_line, delimiter)
        except InputFileError as exc:
            exc.file = str(path)
            raise
        if len(rows) != n:
            raise _Reread
        return rows

    arrays = [table.column(i) for i in range(table.num_columns)]
    del table
    rows = _Numbering(first=first, n=n, exact=numbering)
    return names, arrays, rows, numbers, {}, [], info, exact


@dataclass
class _Numbering:
    """Row numbers of a fast CSV read: consecutive from ``first`` (blank lines are rows too, dropped
    later) unless line breaks inside quoted fields make records start further down (then ``exact()``
    counts them)."""

    first: int
    n: int
    exact: object

    def consecutive(self) -> np.ndarray:
        """``first, first + 1, ...`` (4 bytes a row when that is enough)."""
        rows = pool_empty(self.n, np.int32 if self.first + self.n < 2**31 else np.int64)
        rows[:1] = self.first  # without a temporary
        rows[1:] = 1
        return np.cumsum(rows, out=rows)


def _later_encoding(path: Path) -> str | None:
    """The encoding of a file whose first megabyte looked like UTF-8 but whose rest is not."""
    data = path.read_bytes()
    try:
        data.decode("utf-8")
        return None
    except UnicodeDecodeError as exc:
        found = detect_encoding(data[max(0, exc.start - 2000) : exc.start + 200_000])
        return found if found not in ("utf-8", "utf-8-sig") else "cp1251"


def _column_types(names: list[str], kinds: dict, decimal) -> list:
    out = []
    for name in names:
        kind = kinds.get(_norm(name))
        if kind in ("date", "str"):  # parsed / cleaned once per distinct value anyway
            out.append(pa.dictionary(pa.int32(), pa.large_string()))
        elif kind == "float" and decimal in (",", "."):
            out.append(pa.float64())
        else:
            out.append(pa.large_string())
    return out


def _all_finite(values: pa.ChunkedArray) -> bool:
    """No "nan" / "inf" cell (empty cells are null, not NaN)."""
    return pc.all(pc.is_finite(values)).as_py() is not False


def _float_arrow(values: np.ndarray, nulls: int) -> pa.ChunkedArray:
    """A number column's numpy values as Arrow, without a copy (NaN = empty cell)."""
    return pa.chunked_array([pa.array(values, mask=np.isnan(values) if nulls else None)])


def _float_numpy(arr) -> np.ndarray:
    """A float64 column as one contiguous numpy array (null = NaN), in Arrow's memory pool."""
    chunks = [c.to_numpy(zero_copy_only=False) for c in arr.chunks] if arr.num_chunks else []
    out = pool_empty(len(arr), np.float64)
    if chunks:
        np.concatenate(chunks, out=out, casting="unsafe")
    return out


def _delimiter(configured, path: Path, lines: list[str]) -> str:
    if configured is None:
        return sniff_delimiter(lines[:400])
    delim = {"\\t": "\t", "tab": "\t", "TAB": "\t"}.get(configured, configured)
    if len(delim) != 1:
        raise InputFileError(
            "the delimiter must be one character",
            file=str(path),
            value=configured,
            hint='use ";", ",", "\\t" or "|" in inputs.<table>.read.delimiter',
        )
    return delim


def _configured_header(path: Path, header_row: int, size: int, where: str, unit: str) -> int:
    """The 0-based index of the configured (1-based) ``read.header_row``, if the file has that row."""
    if header_row > size:
        raise InputFileError(
            f"header_row {header_row} is past the end of the {where} ({size} {unit})",
            file=str(path),
            row=header_row,
            hint="fix inputs.<table>.read.header_row in engagement.yaml",
        )
    return header_row - 1


def _csv_header_line(path: Path, lines: list[str], delimiter: str, options, hints) -> int:
    if options.header_row is not None:
        return _configured_header(path, options.header_row, len(lines), "file", "lines")
    records = [next(csv.reader([line], delimiter=delimiter), []) for line in lines[:60]]
    return find_header(records, hints)


def _byte_offset(head: bytes, encoding: str, lines: int) -> int | None:
    """Byte position where physical line ``lines`` (0-based) starts, for ASCII-compatible encodings."""
    pos = 0
    for _ in range(lines):
        match = _NEWLINE.search(head, pos)
        if match is None:
            return None if len(head) >= HEAD_BYTES else len(head)
        if match.group() == b"\r" and match.end() == len(head):
            return None
        pos = match.end()
    return pos


def _arrow_csv(path: Path, offset: int, names: list[str], delimiter: str, encoding: str, types, decimal):
    """Fast multi-threaded read of the data lines; ``(None, [])`` when pyarrow cannot."""
    invalid: list = []

    def on_invalid(row) -> str:
        invalid.append(row)
        return "skip"

    width = max(len(names), 1)
    cols = [f"f{i}" for i in range(width)]
    types = types or [pa.large_string()] * width
    enc = encoding.lower().replace("_", "-")
    arrow_encoding = "utf8" if enc in ("utf-8", "utf-8-sig", "utf8", "ascii") else encoding
    with pa.OSFile(str(path), "r") as fh:  # read-only, native (no Python in the read loop)
        fh.seek(offset)
        try:
            table = pcsv.read_csv(
                fh,
                memory_pool=memory_pool(),
                read_options=pcsv.ReadOptions(
                    column_names=cols, encoding=arrow_encoding, block_size=BLOCK_BYTES
                ),
                parse_options=pcsv.ParseOptions(
                    delimiter=delimiter,
                    newlines_in_values=True,
                    invalid_row_handler=on_invalid,
                    ignore_empty_lines=False,  # a blank line is a row (then dropped): lines stay counted
                ),
                convert_options=pcsv.ConvertOptions(
                    column_types=dict(zip(cols, types, strict=False)),
                    strings_can_be_null=True,
                    quoted_strings_can_be_null=True,
                    null_values=[""],  # only an empty cell is empty: "NA", "N/A", "NULL" are text
                    decimal_point=decimal or ".",
                ),
            )
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, UnicodeDecodeError, LookupError):
            return None, []
    return table, invalid


def _decode_all(path: Path, encoding: str) -> str:
    data = path.read_bytes()
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise _not_text(path, encoding, exc) from None


_NEWLINE = re.compile(rb"\r\n|\r|\n")
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")
MAX_RECORD_LINES = 50


def split_lines(text: str, *, keepends: bool = False) -> list[str]:
    """Lines split at \\n, \\r\\n or \\r only (as editors and CSV readers count them; unlike
    ``str.splitlines``, which also splits at form feeds and Unicode separators).

    Examples
    --------
    >>> split_lines("a\\r\\nb\\u2028c\\rd")
    ['a', 'b\\u2028c', 'd']
    """
    lines = _LINE.findall(text)
    return lines if keepends else [line.rstrip("\r\n") for line in lines]


class _Lines:
    """Iterates over the lines of a text, counting them the way the user's editor does."""

    def __init__(self, text: str, start: int) -> None:
        self._lines = split_lines(text, keepends=True)
        self.pos = start

    def __iter__(self):
        return self

    def __next__(self) -> str:
        if self.pos >= len(self._lines):
            raise StopIteration
        self.pos += 1
        return self._lines[self.pos - 1]


def _records(text: str, header_line: int, delimiter: str):
    """(line where the record starts, fields) for every record after the header line."""
    lines = _Lines(text, header_line + 1)
    reader = csv.reader(lines, delimiter=delimiter, strict=False)
    while True:
        start = lines.pos + 1
        try:
            rec = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise InputFileError(
                f"cannot parse as CSV: {exc}",
                row=start,
                hint='a quoted field probably never ends (an unbalanced " quote)',
            ) from None
        if lines.pos - start + 1 > MAX_RECORD_LINES:
            raise InputFileError(
                f"a quoted field starting on line {start} runs over {lines.pos - start + 1} lines",
                row=start,
                hint='the line probably has an unbalanced " quote; fix it in the export',
            )
        yield start, rec


def _exact_row_numbers(text: str, header_line: int, delimiter: str) -> np.ndarray:
    """The starting line of every record, empty lines included (as the fast reader keeps them)."""
    rows = [start for start, _ in _records(text, header_line, delimiter)]
    return np.asarray(rows, dtype=np.int64)


def _csv_python(path: Path, text: str, header_line, delimiter, options, hints, encoding: str):
    """The exact (slower) reader: every record with its starting line; lines with more non-empty
    fields than the header are set aside as malformed, shorter ones padded with empty cells."""
    text = text.lstrip("\ufeff")
    lines = split_lines(text)
    if not any(line.strip() for line in lines):
        raise InputFileError("the file has no text (only blank lines)", file=str(path))
    if delimiter is None:
        delimiter = _delimiter(options.delimiter, path, lines[:400])
    if header_line is None:
        header_line = _csv_header_line(path, lines, delimiter, options, hints)
    names = next(csv.reader([lines[header_line]], delimiter=delimiter), [])
    width = len(names)
    rows, cells, malformed = [], [], []
    try:
        for start, rec in _records(text, header_line, delimiter):
            if not any(c.strip() for c in rec):
                continue
            if len(rec) > width and any(c.strip() for c in rec[width:]):
                malformed.append((start, delimiter.join(rec), len(rec), width))
                continue
            rows.append(start)
            cells.append(rec[:width] + [""] * (width - len(rec)))
    except InputFileError as exc:
        exc.file = str(path)
        raise
    arrays = []
    for j in range(width):
        col = [r[j] if r[j] != "" else None for r in cells]
        arrays.append(pa.chunked_array([pa.array(col, type=pa.large_string())]))
    info = {"format": "csv", "encoding": encoding, "delimiter": delimiter, "header_row": header_line + 1}
    return names, arrays, np.asarray(rows, dtype=np.int64), {}, {}, malformed, info, None


# ------------------------------------------------------------------------------------------------
# Excel


def _read_excel(path: Path, options, hints):
    import python_calamine

    try:
        with path.open("rb") as fh:
            book = python_calamine.CalamineWorkbook.from_filelike(fh)
    except python_calamine.PasswordError:
        raise InputFileError(
            "the workbook is password-protected",
            file=str(path),
            hint="ask the client for an unprotected copy",
        ) from None
    except Exception as exc:  # calamine raises its own errors for corrupt files
        raise InputFileError(f"not a readable Excel workbook ({exc})", file=str(path)) from None
    visible = [
        m.name
        for m in book.sheets_metadata
        if str(m.visible).endswith("Visible") and str(m.typ).endswith("WorkSheet")
    ] or list(book.sheet_names)
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


def _grid(path: Path, book, name: str) -> list[list]:
    try:
        sheet = book.get_sheet_by_name(name)
        rows = sheet.to_python(skip_empty_area=False)
        merged = sheet.merged_cell_ranges or []
    except Exception as exc:
        raise InputFileError(f"cannot read sheet {name!r} ({exc})", file=str(path)) from None
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
    return names, arrays, rows, numbers, dates, [], info, None


# ------------------------------------------------------------------------------------------------
# Parquet


def _read_parquet(path: Path):
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path, memory_map=True)
    except Exception as exc:
        raise InputFileError(f"not a readable Parquet file ({exc})", file=str(path)) from None
    names, arrays, numbers, dates = [], [], {}, {}
    for j, name in enumerate(table.column_names):
        col = table.column(j)
        if pa.types.is_dictionary(col.type):
            col = col.cast(col.type.value_type)
        typ = col.type
        if pa.types.is_timestamp(typ) and typ.tz is not None:
            col = pc.local_timestamp(col)
            typ = col.type
        if pa.types.is_integer(typ) or pa.types.is_floating(typ) or pa.types.is_decimal(typ):
            col = col.cast(pa.float64())
            numbers[j] = _float_numpy(col)
        elif pa.types.is_timestamp(typ) or pa.types.is_date(typ):
            col = pc.floor_temporal(col.cast(pa.timestamp("us")), unit="day")
            dates[j] = np.asarray(col.to_numpy(), dtype="datetime64[us]")
        elif pa.types.is_string(typ) or pa.types.is_large_string(typ):
            col = col.cast(pa.large_string())
        elif pa.types.is_boolean(typ):
            col = pc.if_else(col, "TRUE", "FALSE").cast(pa.large_string())
        else:
            try:
                col = col.cast(pa.large_string())
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                values = [None if v is None else str(v) for v in col.to_pylist()]
                col = pa.chunked_array([pa.array(values, pa.large_string())])
        names.append(str(name))
        arrays.append(col)
    rows = np.arange(1, table.num_rows + 1, dtype=np.int64)
    return names, arrays, rows, numbers, dates, [], {"format": "parquet", "header_row": None}, None


# ------------------------------------------------------------------------------------------------
# Common finishing: headers, blank rows, totals, malformed lines


def _unique_names(names: list[str]) -> list[str]:
    out, seen = [], {}
    for j, name in enumerate(names):
        name = " ".join(str(name).replace("\ufeff", "").split())
        if not name:
            name = f"column {j + 1}"
        if name in seen:
            seen[name] += 1
            name = f"{name} ({seen[name]})"
        else:
            seen[name] = 1
        out.append(name)
    return out


def _np(arr) -> np.ndarray:
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks() if arr.num_chunks != 1 else arr.chunk(0)
    return np.asarray(pc.fill_null(arr, False).to_numpy(zero_copy_only=False), dtype=bool)


def _blank_values(arr) -> pa.Array:
    return pc.or_kleene(
        pc.or_kleene(pc.is_null(arr), pc.equal(pc.binary_length(arr), 0)), pc.utf8_is_space(arr)
    )


def _blank_rows(arrays: list, encoded: dict[int, DictColumn]) -> np.ndarray:
    """Rows whose every cell is empty or blank (checked column by column on the candidates only)."""
    n = len(arrays[0]) if arrays else 0
    candidates = None  # None: every row is still a candidate
    for j, arr in enumerate(arrays):
        if candidates is not None and not len(candidates):
            break
        if j in encoded:
            enc = encoded[j]
            blank_u = np.append(_np(_blank_values(enc.dictionary)), enc.null_count > 0)  # last: empty
            blank = enc.lookup(blank_u) if candidates is None else blank_u[enc.ids_at(candidates)]
        else:
            sub = arr.take(pa.array(candidates)) if candidates is not None else arr
            blank = _np(pc.is_null(sub)) if not _is_text(sub) else _np(_blank_values(sub))
        candidates = np.flatnonzero(blank) if candidates is None else candidates[blank]
    mask = np.zeros(n, dtype=bool)
    mask[candidates if candidates is not None else slice(None)] = True
    return mask


def _is_text(arr) -> bool:
    return pa.types.is_large_string(arr.type) or pa.types.is_string(arr.type)


def _is_total(n: int, arr, encoded: DictColumn | None) -> np.ndarray:
    if encoded is not None:  # per distinct value, then spread over the rows
        hit = _np(pc.match_substring_regex(encoded.dictionary, TOTAL_PATTERN))
        return encoded.lookup(np.append(hit, False))
    if not _is_text(arr):
        return np.zeros(n, bool)
    return _np(pc.match_substring_regex(arr, TOTAL_PATTERN))


def _encode(arr) -> DictColumn:
    return DictColumn.encode(arr)


def _finish(path: Path, options, kinds, names, arrays, rows, numbers, dates, malformed, info, exact):
    names = _unique_names(list(names))
    keep_cols = [
        j for j, a in enumerate(arrays) if not names[j].startswith("column ") or a.null_count < len(a)
    ]
    if not keep_cols:
        raise InputFileError("no columns found", file=str(path), hint="is the header row right?")
    # Distinct values of the dictionary / text columns the caller uses (and of the first three, for
    # the totals check), computed in parallel.
    wanted = [
        j
        for pos, j in enumerate(keep_cols)
        if pa.types.is_dictionary(arrays[j].type)
        or (_is_text(arrays[j]) and (kinds.get(_norm(names[j])) in ("str", "date") or pos < 3))
    ]
    # ... and the contiguous copy of the number columns and the row numbers, all in parallel
    with ThreadPoolExecutor(max_workers=max(2, min(4, os.cpu_count() or 2))) as pool:
        floats = {
            j: pool.submit(_float_numpy, v) for j, v in numbers.items() if isinstance(v, pa.ChunkedArray)
        }
        futures = {j: pool.submit(_encode, arrays[j]) for j in wanted}
        consecutive = pool.submit(rows.consecutive) if isinstance(rows, _Numbering) else None
        encoded = {j: f.result() for j, f in futures.items()}
        for j, enc in encoded.items():  # held once, as compact ids: the reader's chunks are freed
            if pa.types.is_dictionary(arrays[j].type):
                arrays[j] = pa.chunked_array([enc.as_arrow()])
        for j, f in floats.items():  # one contiguous copy of a number column is enough
            numbers[j] = f.result()
            arrays[j] = _float_arrow(numbers[j], arrays[j].null_count)
        if consecutive is not None:
            try:
                fast = consecutive.result()
                rows = rows.exact() if _multiline(arrays, encoded, keep_cols) else fast
            except _Reread:
                return _finish(path, options, kinds, *exact())
    rows = np.asarray(rows)
    if rows.dtype != np.int32 and (not len(rows) or rows.max() < 2**31):
        rows = rows.astype(np.int32)  # 4 bytes a row are enough for any file's line numbers
    arrays = {names[j]: arrays[j] for j in keep_cols}
    encoded = {names[j]: e for j, e in encoded.items()}
    numbers = {names[j]: numbers[j] for j in keep_cols if j in numbers}
    dates = {names[j]: dates[j] for j in keep_cols if j in dates}
    order = list(arrays)
    dropped = []
    by_pos = {i: encoded[h] for i, h in enumerate(order) if h in encoded}
    drop = _blank_rows([arrays[h] for h in order], by_pos)
    if options.skip_totals and len(rows):
        totals = np.zeros(len(rows), dtype=bool)
        hits = []  # (rows, column): the first of the three columns that says "total"
        for h in order[:3]:
            hit = _is_total(len(rows), arrays[h], encoded.get(h)) & ~drop & ~totals
            if hit.any():
                hits.append((np.flatnonzero(hit), h))
                totals |= hit
        if hits:
            idx = np.concatenate([i for i, _ in hits])
            order_rows = np.argsort(idx, kind="stable")
            where = [h for i, h in hits for _ in i]
            idx, where = idx[order_rows], [where[k] for k in order_rows]
            values = [_cell(arrays[h], encoded.get(h), i) for i, h in zip(idx, where, strict=True)]
            dropped.append(
                pd.DataFrame(
                    {
                        "file": path.name,
                        "row": rows[idx].astype(np.int64),
                        "column": where,
                        "value": values,
                        "reason": "totals row (not a sales line)",
                        "reason_code": "totals_row",
                    }
                )
            )
            drop |= totals
    if malformed:
        dropped.append(
            pd.DataFrame(
                {
                    "file": path.name,
                    "row": [m[0] for m in malformed],
                    "column": "",
                    "value": [m[1][:200] for m in malformed],
                    "reason": [f"{m[2]} fields where the header has {m[3]}" for m in malformed],
                    "reason_code": "wrong_field_count",
                }
            )
        )
    if drop.any():
        kept = ~drop
        rows = rows[kept]
        numbers = {k: v[kept] for k, v in numbers.items()}
        dates = {k: v[kept] for k, v in dates.items()}
        encoded = {h: e.filter(kept) for h, e in encoded.items()}
        for h, a in arrays.items():  # a column held twice (text and ids, or text and numbers) once
            if pa.types.is_dictionary(a.type) and h in encoded:
                arrays[h] = pa.chunked_array([encoded[h].as_arrow()])
            elif pa.types.is_floating(a.type) and h in numbers:
                arrays[h] = _float_arrow(numbers[h], a.null_count)
            else:
                arrays[h] = a.filter(pa.array(kept))
    if not len(rows) and not dropped:
        raise InputFileError(
            "the file has a header but no data rows",
            file=str(path),
            row=info.get("header_row"),
            hint="check the export's period and filters",
        )
    dropped_frame = (
        pd.concat(dropped, ignore_index=True).astype({"row": "int64"})
        if dropped
        else pd.DataFrame({c: pd.Series(dtype="int64" if c == "row" else STR) for c in DROPPED_COLUMNS})
    )
    return RawTable(
        columns=arrays,
        row_numbers=pd.Series(rows, copy=False),
        dropped=dropped_frame,
        numbers=numbers,
        dates=dates,
        info=info,
        _encoded=encoded,
    )


def _multiline(arrays, encoded, columns) -> bool:
    """Does any cell hold a line break (so records and lines no longer coincide)?"""
    for j in columns:
        arr = encoded[j].dictionary if j in encoded else arrays[j]
        if not _is_text(arr):
            continue
        if pc.any(pc.match_substring(arr, "\n")).as_py() or pc.any(pc.match_substring(arr, "\r")).as_py():
            return True
    return False


def _cell(arr, encoded: DictColumn | None, i: int):
    if encoded is not None:
        code = int(encoded.ids_at([i])[0])
        return None if code == len(encoded.dictionary) else encoded.dictionary[code].as_py()
    return arr[i].as_py()
