"""CSV / TXT / TSV files as cells: encoding, delimiter and header line detected unless set in ``read``.

A record's row number is the line on which it starts (header on its line; a quoted field with line
breaks makes the next record start further down). The fast path reads with Arrow's multi-threaded CSV
reader; a file that path cannot read exactly (malformed lines, a plain-ASCII start whose rest is in a
code page, line breaks inside quoted fields) is read by the exact, slower Python reader. An encoding
change part-way through a file is refused naming the line (:mod:`~salesaudit.intake.charsets`).
"""

from __future__ import annotations

import codecs
import csv
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from ..exceptions import InputFileError
from .charsets import mostly_utf8, not_text, single_byte, utf8_inside, utf8_run
from .headers import _configured_header, _norm, find_header
from .parsing import memory_pool, pool_empty
from .raw import Cells

if TYPE_CHECKING:
    from .sources import Blob

HEAD_BYTES = 1 << 20
BLOCK_BYTES = 1 << 22  # CSV block per reader thread: larger blocks hold more memory, not less time
_CYRILLIC_PAGES = ["cp1251", "koi8_r", "cp866", "mac_cyrillic", "cp1252"]


def detect_encoding(head: bytes) -> str:
    """The text encoding of a file from its first bytes: a BOM, valid UTF-8 (or UTF-8 with a few stray
    bytes, :func:`~salesaudit.intake.charsets.mostly_utf8`: reading then names their line), else the
    most likely Cyrillic/Western single-byte code page (charset-normalizer), else cp1251.

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
        if mostly_utf8(head):
            return "utf-8"
    import charset_normalizer

    best = charset_normalizer.from_bytes(head[:200_000], cp_isolation=_CYRILLIC_PAGES).best()
    return best.encoding if best is not None else "cp1251"


def _decode_head(path: Path, head: bytes, encoding: str, *, detected: bool) -> str:
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
        raise not_text(path, encoding, exc, head, detected=detected) from None


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


class _Reread(Exception):
    """The fast reader's record count disagrees with the exact one: read the slow, exact way."""


def _read_csv(path: Blob, head: bytes, options, hints, kinds, *, detected: bool | None = None):
    """The cells of a CSV: ``path`` is the file or its decompressed bytes
    (:class:`~salesaudit.intake.sources.Blob`); ``detected``: whether ``options.encoding`` was
    detected rather than set (None: it was detected when not set)."""
    encoding = options.encoding or detect_encoding(head)
    detected = options.encoding is None if detected is None else detected
    if encoding.lower().replace("_", "-") in ("utf-16", "utf-16-le", "utf-16-be"):
        text = _decode_all(path, encoding, detected=detected)
        return _csv_python(path, text, None, None, options, hints, encoding)
    text = _decode_head(path, head, encoding, detected=detected)
    if single_byte(encoding):  # every byte decodes: look for UTF-8 text part-way through
        at = utf8_run(path)
        if at is not None:
            raise utf8_inside(path, encoding, at, detected=detected)
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
        if detected and encoding == "utf-8":  # detected on an all-ASCII start?
            later = _later_encoding(path)
            if later is not None:
                again = options.model_copy(update={"encoding": later})
                return _read_csv(path, head, again, hints, kinds, detected=True)
        text = _decode_all(path, encoding, detected=detected)
        return _csv_python(path, text, header_line, delimiter, options, hints, encoding)

    if offset is None:  # header beyond the first megabyte: rare, read it the slow, exact way
        return exact()
    types = _column_types(names, kinds, options.decimal)
    table, invalid, types = _typed_read(path, offset, names, delimiter, encoding, types, options.decimal)
    numbers = {}  # number columns, as Arrow here; finish makes them numpy
    if table is not None and not invalid:
        numbers = {j: table.column(j) for j, t in enumerate(types) if t == pa.float64()}
    if table is None and any(t != pa.large_string() for t in types):
        table, invalid, _ = _arrow_csv(path, offset, names, delimiter, encoding, None, None)
    if table is None or invalid:  # malformed or blank-but-spaces lines: the exact reader sorts them
        return exact()
    first, n = header_line + 2, table.num_rows

    def numbering() -> np.ndarray:
        try:
            rows = _exact_row_numbers(_decode_all(path, encoding, detected=detected), header_line, delimiter)
        except InputFileError as exc:
            exc.file = str(path)
            raise
        if len(rows) != n:
            raise _Reread
        return rows

    arrays = [table.column(i) for i in range(table.num_columns)]
    del table
    rows = _Numbering(first=first, n=n, exact=numbering)
    return Cells(names, arrays, rows, numbers, {}, [], info, exact)


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


def _later_encoding(path: Blob) -> str | None:
    """The encoding of a file whose first megabyte was plain ASCII (so it looked like UTF-8) but whose
    rest is not UTF-8; None when the file is UTF-8 throughout.

    Raises
    ------
    InputFileError
        UTF-8 text (non-ASCII) before the first byte that is not UTF-8: the encoding changes
        part-way through the file, or a byte is stray — named by its line.
    """
    data = path.read_bytes()
    try:
        data.decode("utf-8")
        return None
    except UnicodeDecodeError as exc:
        if not data[: exc.start].isascii():
            raise not_text(path, "utf-8", exc, data, detected=True) from None
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


def _csv_header_line(path: Path, lines: list[str], delimiter: str, options, hints) -> int:
    if options.header_row is not None:
        line = _configured_header(path, options.header_row, len(lines), "file", "lines")
    else:
        records = [next(csv.reader([line], delimiter=delimiter), []) for line in lines[:60]]
        line = find_header(records, hints)
    _one_column(path, lines, delimiter, line, hints)
    return line


def _one_column(path: Path, lines: list[str], delimiter: str, header_line: int, hints) -> None:
    """A header that another delimiter would split into the expected headers (``Дата;Клиент;Сумма``
    read with ``,``: one column, or cut at decimal commas) is a wrong ``read.delimiter``: say which
    one fits.

    Only when no expected header is found with ``delimiter`` among the first lines while another
    delimiter finds some (without expected headers: when the header is one column and another
    delimiter splits the lines consistently).
    """
    text = lines[header_line] if header_line < len(lines) else ""
    header = next(csv.reader([text], delimiter=delimiter), [])
    wanted = {_norm(h) for h in hints if str(h).strip()}
    numbered = [(i + 1, line) for i, line in enumerate(lines[:60]) if line.strip()]
    if wanted:
        mine = (next(csv.reader([line], delimiter=delimiter), []) for _, line in numbered)
        if any(wanted & {_norm(c) for c in rec} for rec in mine):
            return
    elif len([c for c in header if c.strip()]) > 1:
        return
    sample = [line for _, line in numbered]
    for other in (";", "\t", ",", "|"):
        if other == delimiter:
            continue
        records = [(n, next(csv.reader([line], delimiter=other), [])) for n, line in numbered]
        scored = [(len(wanted & {_norm(c) for c in rec}), len(rec), -n, rec) for n, rec in records]
        hits, width, at, split = max(scored, key=lambda t: t[:3], default=(0, 0, 0, []))
        if width > 1 and (hits or (not wanted and sniff_delimiter(sample) == other)):
            how = "one column" if len([c for c in header if c.strip()]) <= 1 else "no expected column"
            raise InputFileError(
                f"the header does not read with delimiter {_shown(delimiter)!r} ({how}), but "
                f"{_shown(other)!r} splits line {-at} into {width} columns ({', '.join(split[:4])}"
                f"{', …' if width > 4 else ''})",
                file=str(path),
                row=-at,
                value=lines[-at - 1][:120],
                key="inputs.<table>.read.delimiter",
                hint=f'set inputs.<table>.read.delimiter: "{_shown(other)}" in engagement.yaml',
            )


def _shown(delimiter: str) -> str:
    return "\\t" if delimiter == "\t" else delimiter


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


def _typed_read(path: Blob, offset: int, names, delimiter: str, encoding: str, types: list, decimal):
    """:func:`_arrow_csv` with the columns' types; a number column Arrow cannot convert (an unreadable
    cell: the error names the column) or that holds "nan"/"inf" is read again as text — that column
    alone, so it is parsed cell by cell and its bad cells reported, while the other columns keep their
    types (a real export with one "#ЗНАЧ!" among 10M lines was read whole as text before). Returns
    ``(table, invalid, types)`` with the types read; ``(None, [], types)`` when Arrow cannot read it."""
    for _ in range(len(types) + 1):
        table, invalid, bad = _arrow_csv(path, offset, names, delimiter, encoding, types, decimal)
        if table is not None and not invalid:
            bad = [j for j, t in enumerate(types) if t == pa.float64() and not _all_finite(table.column(j))]
        elif bad is not None and types[bad] == pa.float64():
            bad = [bad]
        else:
            return table, invalid, types
        if not bad:
            return table, invalid, types
        del table
        types = [pa.large_string() if j in bad else t for j, t in enumerate(types)]
    return None, [], types


_BAD_COLUMN = re.compile(r"^In CSV column #(\d+): CSV conversion error")


def _arrow_csv(path: Blob, offset: int, names: list[str], delimiter: str, encoding: str, types, decimal):
    """Fast multi-threaded read of the data lines: ``(table, invalid rows, None)``; ``(None, [], j)``
    when pyarrow cannot, ``j`` the column whose cell it could not convert (None when it says none)."""
    invalid: list = []

    def on_invalid(row) -> str:
        invalid.append(row)
        return "skip"

    width = max(len(names), 1)
    cols = [f"f{i}" for i in range(width)]
    types = types or [pa.large_string()] * width
    enc = encoding.lower().replace("_", "-")
    arrow_encoding = "utf8" if enc in ("utf-8", "utf-8-sig", "utf8", "ascii") else encoding
    with path.arrow() as fh:  # read-only, native (no Python in the read loop)
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
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, UnicodeDecodeError, LookupError) as exc:
            bad = _BAD_COLUMN.match(str(exc))
            return None, [], int(bad.group(1)) if bad else None
    return table, invalid, None


def _decode_all(path: Blob, encoding: str, *, detected: bool) -> str:
    data = path.read_bytes()
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise not_text(path, encoding, exc, data, detected=detected) from None


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
    return Cells(names, arrays, np.asarray(rows, dtype=np.int64), {}, {}, malformed, info, None)
