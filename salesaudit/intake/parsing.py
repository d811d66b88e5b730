"""Turning text cells into numbers and dates, with a mask of the cells that failed.

Conventions
-----------
* A cell that is empty, blank, or listed in ``na_values`` is *missing*, not bad. ``"NA"``, ``"N/A"``
  and ``"-"`` are text like any other unless ``na_values`` lists them: in a number or date column they
  are bad cells, shown to the consultant, never silently dropped.
* A cell with text that cannot be read is *bad*; intake rejects its row and shows the value.
* Numbers: decimal comma or point; spaces, no-break spaces, apostrophes and the other punctuation mark
  as thousands separators (only in groups of three digits); currency signs and codes before or after
  (``1 234 567,89 ₽``, ``$1,234.50``, ``USD 12,500.00``); parentheses or a trailing minus for negatives;
  a trailing ``%`` divides by 100. When the decimal mark is not configured it is detected per column;
  a column whose only evidence is ``1,234`` or ``1.234`` is ambiguous and raises :class:`DataError`.
* Dates: ISO ``2026-01-31``, ``31.01.2026`` (a dotted date is always day first), ``31.01.26``,
  ``1/31/2026`` or ``31/01/2026`` (order detected per column), ``2026/01/31``, ``20260131`` and Excel
  serial numbers (``46053``), each optionally followed by a time, which is dropped: dates are
  normalised to midnight. The day/month order is never guessed: if a column's slashed or dashed dates
  read both ways, :class:`DataError` asks the user to set ``read.date_format``.
* Speed: the work is done with pyarrow compute kernels; dates are parsed once per distinct value.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from functools import cache, cached_property

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..exceptions import DataError

NAT = np.datetime64("NaT", "us")

# ------------------------------------------------------------------------------------------------
# Arrow helpers


def as_arrow(values) -> pa.ChunkedArray:
    """Text cells as a pyarrow string ``ChunkedArray`` (missing cells null), without copying
    pandas' pyarrow-backed ``str`` columns.

    Examples
    --------
    >>> as_arrow(pd.Series(["a", None])).to_pylist()
    ['a', None]
    """
    if isinstance(values, pa.ChunkedArray):
        arr = values
    elif isinstance(values, pa.Array):
        arr = pa.chunked_array([values])
    else:
        s = values if isinstance(values, pd.Series) else pd.Series(values)
        if isinstance(s.dtype, pd.StringDtype) and s.dtype.storage == "pyarrow":
            arr = s.array.__arrow_array__()
        else:
            if not (isinstance(s.dtype, pd.StringDtype) or s.dtype == object):
                s = s.astype("str")
            arr = pa.chunked_array([pa.array(s.astype("str"), type=pa.large_string(), from_pandas=True)])
    if not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
        arr = arr.cast(pa.large_string())
    return arr


@cache
def memory_pool() -> pa.MemoryPool:
    """The Arrow memory pool intake reads big CSV files with and keeps their per-row arrays in:
    jemalloc where pyarrow has it (on the 10-million-line benchmark ~0.3 s faster than Arrow's
    default mimalloc, almost all of it kernel time spent on fresh memory), else Arrow's default."""
    try:
        return pa.jemalloc_memory_pool()
    except NotImplementedError:
        return pa.default_memory_pool()


def pool_empty(n: int, dtype) -> np.ndarray:
    """An uninitialised, writable numpy array whose memory comes from :func:`memory_pool`.

    Per-row arrays built right after a CSV read use this instead of ``np.empty``, so they come
    from the pool that holds the reader's buffers and re-uses what it frees; a large numpy
    allocation is always new memory from the kernel, zeroed page by page — on a 10-million-line
    file that was most of the kernel time intake took. The array keeps its buffer alive.

    Examples
    --------
    >>> a = pool_empty(3, np.int32)
    >>> a[:] = 7
    >>> a.tolist(), a.flags.writeable
    ([7, 7, 7], True)
    """
    dtype = np.dtype(dtype)
    buf = pa.allocate_buffer(max(n * dtype.itemsize, 1), memory_pool=memory_pool())
    return np.frombuffer(buf, dtype=dtype, count=n)


_BLOCK = 1 << 20


class DictColumn:
    """A text column as its distinct values and, for every row, which of them it holds.

    ``dictionary``: the distinct values; ``ids``: per row, the position of its value in
    ``dictionary``, or ``len(dictionary)`` for an empty cell — in the smallest integer type that
    holds them (2 bytes a row for up to 32 767 distinct values). Work done once per distinct value
    (trimming, parsing a date, a totals check) is spread over the rows by :meth:`lookup`.

    Examples
    --------
    >>> col = DictColumn.encode(pa.chunked_array([["b", "a"], ["a", None]]))
    >>> col.dictionary.to_pylist(), col.ids.tolist()
    (['b', 'a'], [0, 1, 1, 2])
    >>> col.lookup(np.array([10, 20, -1])).tolist()
    [10, 20, 20, -1]
    """

    def __init__(self, ids: np.ndarray, dictionary: pa.Array, *, null_count: int | None = None) -> None:
        self.ids = ids
        self.dictionary = dictionary
        if null_count is not None:
            self.null_count = null_count  # known: spares a pass over the ids

    @classmethod
    def encode(cls, values) -> DictColumn:
        """From text or a dictionary-typed column (an Arrow array or chunked array), e.g. as the
        CSV reader delivers it: chunks with a dictionary each, turned into one ``ids`` array."""
        if isinstance(values, pa.Array):
            values = pa.chunked_array([values])
        if not pa.types.is_dictionary(values.type):
            # chunk by chunk: Arrow's encoding of a chunked array gives chunk k the dictionary of chunks
            # 1..k, and the memo below would then read every value once per later chunk (quadratic:
            # 3M distinct document numbers in 100 chunks took 40 s, 1 s encoded chunk by chunk)
            values = pa.chunked_array(
                [pc.dictionary_encode(c) for c in values.chunks],
                type=pa.dictionary(pa.int32(), values.type),
            )
        value_type = values.type.value_type
        chunks = values.chunks
        # every chunk's dictionary against one memo of distinct values: a translation per chunk
        dicts = [c.dictionary for c in chunks if len(c.dictionary)]
        memo = pc.dictionary_encode(pa.chunked_array(dicts, type=value_type))
        dictionary = memo.chunk(0).dictionary if dicts else pa.array([], type=value_type)
        null = len(dictionary)
        dtype = _id_dtype(null)
        ids = pool_empty(len(values), dtype)
        trans = iter(memo.chunks)
        start = 0
        for chunk in chunks:
            own = _filled(next(trans).indices, null) if len(chunk.dictionary) else np.zeros(0, dtype)
            table = np.append(own, null).astype(dtype)
            # ids are in range by construction; mode="clip" also spares numpy a buffered copy
            stop = start + len(chunk)
            np.take(table, _filled(chunk.indices, len(chunk.dictionary)), out=ids[start:stop], mode="clip")
            start = stop
        nulls = sum(c.null_count for c in chunks) if not memo.null_count else None
        return cls(ids, dictionary, null_count=nulls)

    def __len__(self) -> int:
        return len(self.ids)

    @cached_property
    def null_count(self) -> int:
        return int(np.count_nonzero(self.ids == len(self.dictionary)))

    def lookup(self, table: np.ndarray) -> np.ndarray:
        """``table[id]`` for every row, in :func:`pool_empty` memory; ``table`` has
        ``len(dictionary) + 1`` entries (the last for empty cells). An all-false boolean table
        gives untouched zeros (no memory written)."""
        table = np.asarray(table)
        if table.dtype == bool and not table.any():
            return np.zeros(len(self.ids), dtype=bool)
        n = len(self.ids)
        out = np.empty(n, dtype=object) if table.dtype == object else pool_empty(n, table.dtype)
        for start in range(0, n, _BLOCK):  # by blocks: numpy widens the ids it takes to 8 bytes
            stop = start + _BLOCK
            # ids are in range by construction; mode="clip" also spares numpy a buffered copy
            np.take(table, self.ids[start:stop], out=out[start:stop], mode="clip")
        return out

    def ids_at(self, positions) -> np.ndarray:
        """The ids of a few rows."""
        return self.ids[np.asarray(positions, dtype=np.int64)].astype(np.int64)

    @property
    def indices(self) -> pa.Array:
        """Every row's id as an Arrow array, null where the cell is empty."""
        null = len(self.dictionary)
        return pa.array(self.ids, mask=self.ids == null) if self.null_count else pa.array(self.ids)

    def as_arrow(self) -> pa.DictionaryArray:
        """The column as an Arrow dictionary array (the ids as its indices)."""
        return pa.DictionaryArray.from_arrays(self.indices, self.dictionary)

    def filter(self, keep: np.ndarray) -> DictColumn:
        """The rows where ``keep`` is true (the dictionary stays as it is)."""
        return DictColumn(self.ids[keep], self.dictionary)


def _id_dtype(null: int):
    """The smallest signed integer type holding ids ``0 .. null``."""
    for dtype in (np.int8, np.int16, np.int32):
        if null <= np.iinfo(dtype).max:
            return dtype
    return np.int64


def _filled(ids: pa.Array, null: int) -> np.ndarray:
    """Arrow integer ids as numpy, ``null`` where they are null."""
    if ids.null_count:
        ids = pc.fill_null(ids, null)
    return ids.to_numpy(zero_copy_only=False)


def _np_bool(arr) -> np.ndarray:
    """A boolean arrow array (nulls false) as numpy."""
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks() if arr.num_chunks != 1 else arr.chunk(0)
    return np.asarray(pc.fill_null(arr, False).to_numpy(zero_copy_only=False), dtype=bool)


def _np_float(arr) -> np.ndarray:
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks() if arr.num_chunks != 1 else arr.chunk(0)
    return np.asarray(pc.fill_null(arr, np.nan).to_numpy(zero_copy_only=False), dtype="float64")


def missing_mask(arr: pa.ChunkedArray, na_values: Iterable[str] = ()) -> np.ndarray:
    """Cells that mean "no value": null, blank, or one of ``na_values`` (compared after trimming)."""
    na = [v.strip() for v in na_values]
    if not len(arr):
        return np.zeros(0, dtype=bool)
    trimmed = pc.utf8_trim_whitespace(arr)
    empty = pc.or_kleene(pc.is_null(trimmed), pc.equal(trimmed, ""))
    if na:
        empty = pc.or_kleene(empty, pc.is_in(trimmed, pa.array(na, type=trimmed.type)))
    return _np_bool(empty)


# ------------------------------------------------------------------------------------------------
# Numbers

_SPACE_CHARS = " \u00a0\u202f\u2009'’`"
_CURRENCY = r"(?i)(₽|руб\.?|р\.|\$|€|£|¥|₸|usd|rub|eur|gbp|грн\.?)"
_MINUS = "[\u2212\u2013\u2014]"
_NUMBER_CHECK = re.compile(r"^[+-]?[\d.,]+$")


def _class(chars: str) -> str:
    """A regex character class of ``chars`` (RE2 syntax)."""
    return "[" + "".join("\\" + c if c in "]\\^-[" else c for c in chars) + "]"


def _number_pattern(decimal: str, groups: str) -> str:
    d = "\\" + decimal
    g = _class(groups)
    return rf"^[+-]?(?:(?:\d{{1,3}}(?:{g}\d{{3}})+|\d+)(?:{d}\d*)?|{d}\d+|\d+(?:{d}\d+)?[eE][+-]?\d+)$"


def detect_decimal(values, *, column: str | None = None) -> str:
    """The decimal mark of a number column: ``","`` or ``"."``.

    Evidence for a comma: ``12,5``, ``1 234,56``, ``1.234.567``, ``0,125``; for a point the mirror
    images. A column with evidence for both, or whose only separated values look like thousands
    groups (``1,234`` / ``1.234``), is ambiguous.

    Raises
    ------
    DataError
        When the mark cannot be told; set ``read.decimal`` in engagement.yaml.

    Examples
    --------
    >>> detect_decimal(pd.Series(["1 234,56", "17"])), detect_decimal(pd.Series(["$1,234.50"]))
    (',', '.')
    """
    arr = as_arrow(values)
    comma_ev = r",\d{1,2}\D*$|,\d{4,}\D*$|\.\d{3}\D*,|\d\.\d{3}\.\d{3}|(?:^|[^\d.,])0,\d"
    dot_ev = r"\.\d{1,2}\D*$|\.\d{4,}\D*$|,\d{3}\D*\.|\d,\d{3},\d{3}|(?:^|[^\d.,])0\.\d"
    has_comma = pc.any(pc.match_substring(arr, ",")).as_py()
    has_dot = pc.any(pc.match_substring(arr, ".")).as_py()
    if not has_comma and not has_dot:
        return "."
    c = bool(pc.any(pc.match_substring_regex(arr, comma_ev)).as_py())
    d = bool(pc.any(pc.match_substring_regex(arr, dot_ev)).as_py())
    if c != d:
        return "," if c else "."
    sample = arr.filter(pc.match_substring_regex(arr, r"\d[.,]\d")).slice(0, 1).to_pylist()
    example = sample[0] if sample else None
    why = "uses both a decimal comma and a decimal point" if c else "can be read both ways"
    raise DataError(
        f"the decimal mark of this number column {why} (e.g. {example!r})",
        column=column,
        value=example,
        hint='set inputs.<table>.read.decimal to "," or "." in engagement.yaml',
    )


def _clean_numbers(
    arr: pa.ChunkedArray | pa.Array, decimal: str, thousands: str | None, percent: bool = False
):
    """Vectorised messy-number parsing; returns (float64 numpy array, valid mask). With
    ``percent`` every value is a percentage, so a ``%`` sign does not divide it a second time."""
    s = pc.utf8_trim_whitespace(arr)
    s = pc.replace_substring_regex(s, _MINUS, "-")
    paren = _np_bool(pc.match_substring_regex(s, r"^-?\s*\(.*\)$"))
    s = pc.replace_substring_regex(s, r"^(-?)\s*\((.*)\)$", r"\1\2")
    s = pc.utf8_trim_whitespace(pc.replace_substring_regex(s, _CURRENCY, ""))
    has_percent = _np_bool(pc.ends_with(s, "%"))
    s = pc.utf8_trim_whitespace(pc.replace_substring_regex(s, r"%$", ""))
    trailing_minus = _np_bool(pc.match_substring_regex(s, r"^\d[\d\s.,'’]*-$"))
    s = pc.replace_substring_regex(s, r"^(\d[\d\s.,'’]*)-$", r"\1")
    s = pc.replace_substring_regex(s, r"^([+-])\s+", r"\1")
    other = "." if decimal == "," else ","
    groups = _SPACE_CHARS + (thousands if thousands else other)
    valid = _np_bool(pc.match_substring_regex(s, _number_pattern(decimal, groups)))
    s = pc.replace_substring_regex(s, _class(groups), "")
    if decimal == ",":
        s = pc.replace_substring(s, ",", ".")
    s = pc.if_else(pa.array(valid), s, pa.scalar(None, type=s.type))
    nums = _np_float(pc.cast(s, pa.float64()))
    valid &= np.isfinite(nums)
    nums = np.where(paren | trailing_minus, -np.abs(nums), nums)
    if not percent:
        nums = np.where(has_percent, nums / 100.0, nums)
    return np.where(valid, nums, np.nan), valid


def parse_number_array(
    arr: pa.ChunkedArray,
    *,
    decimal: str | None = None,
    thousands: str | None = None,
    na_values: Iterable[str] = (),
    column: str | None = None,
    percent: bool = False,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, str]:
    """Arrow-level :func:`parse_numbers`: returns numbers, bad mask, missing mask and the decimal
    mark used (numpy arrays aligned with ``arr``). ``percent``: the column holds percentages
    (0–100, with or without ``%``), returned as fractions."""
    nums, bad, missing, decimal = _parse_number_array(arr, decimal, thousands, na_values, column, percent)
    if percent:
        nums = nums / 100.0
    return nums, bad, missing, decimal


def _parse_number_array(arr, decimal, thousands, na_values, column, percent):
    na = [v.strip() for v in na_values]
    n = len(arr)
    if decimal is None:
        decimal = detect_decimal(arr, column=column)
    other = "." if decimal == "," else ","
    numeric_na = any(_NUMBER_CHECK.match(v) for v in na)
    # Fast path: plain numbers (the usual export): one kernel to swap the mark, one cast.
    if not numeric_na and not pc.any(pc.match_substring(arr, other)).as_py():
        candidate = arr if decimal == "." else pc.replace_substring(arr, ",", ".")
        try:
            nums = _np_float(pc.cast(candidate, pa.float64()))
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            nums = None
        if nums is not None:
            null = _np_bool(pc.is_null(arr))
            if np.isfinite(nums[~null]).all():
                return nums, np.zeros(n, dtype=bool), null, decimal
    missing = missing_mask(arr, na)
    nums = np.full(n, np.nan)
    bad = np.zeros(n, dtype=bool)
    todo = np.flatnonzero(~missing)
    if len(todo):
        if isinstance(arr, pa.ChunkedArray):
            arr = arr.combine_chunks()
        subset = arr.take(pa.array(todo))
        simple = rf"^-?\d+(?:{re.escape(decimal)}\d+)?$"
        is_simple = _np_bool(pc.match_substring_regex(subset, simple))
        if is_simple.any():
            plain = subset.filter(pa.array(is_simple))
            if decimal == ",":
                plain = pc.replace_substring(plain, ",", ".")
            nums[todo[is_simple]] = _np_float(pc.cast(plain, pa.float64()))
        rest = todo[~is_simple]
        if len(rest):
            values, valid = _clean_numbers(subset.filter(pa.array(~is_simple)), decimal, thousands, percent)
            nums[rest] = values
            bad[rest] = ~valid
    return nums, bad, missing, decimal


def parse_numbers(
    values: pd.Series,
    *,
    decimal: str | None = None,
    thousands: str | None = None,
    na_values: Iterable[str] = (),
) -> tuple[pd.Series, pd.Series]:
    """Parse money/number text: ``"1 234 567,89 ₽"``, ``"$1,234.50"``, ``"(500)"`` (negative).

    Parameters
    ----------
    values
        Text cells.
    decimal
        ``","`` or ``"."``; ``None`` detects it for the column (see :func:`detect_decimal`).
    thousands
        An extra thousands separator; spaces, no-break spaces and apostrophes are always accepted,
        and so is the mark that is not the decimal one, in groups of three digits.
    na_values
        Text meaning "missing" in this export (e.g. ``["н/д", "-"]``).

    Returns
    -------
    (numbers as float64 Series, bad mask Series), both with the index of ``values``. Missing cells
    are NaN and not bad.

    Raises
    ------
    DataError
        When ``decimal`` is not given and the column's decimal mark is ambiguous.

    Examples
    --------
    >>> nums, bad = parse_numbers(pd.Series(["1 234,50", "(10)", "", "н/д"]), decimal=",")
    >>> nums.tolist()[:2], bad.tolist()
    ([1234.5, -10.0], [False, False, False, True])
    >>> parse_numbers(pd.Series(["$1,234.50", "15%"]))[0].tolist()
    [1234.5, 0.15]
    """
    nums, bad, _, _ = parse_number_array(
        as_arrow(values), decimal=decimal, thousands=thousands, na_values=na_values
    )
    return (
        pd.Series(nums, index=values.index, dtype="float64"),
        pd.Series(bad, index=values.index, dtype=bool),
    )


# ------------------------------------------------------------------------------------------------
# Dates

EXCEL_EPOCH = dt.date(1899, 12, 30)
_SERIAL_MIN, _SERIAL_MAX = 18264, 73415  # 1950-01-01 .. 2100-12-31
_TIME = r"(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?\s*(?:[AaPp][Mm])?(?:Z|[+-]\d{2}:?\d{2})?)?"
_SPLIT = re.compile(r"^(\S+?)" + _TIME + r"$")
_FAMILIES = [  # name, regex, group order
    ("iso", re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"), "ymd"),
    ("ymd", re.compile(r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})$"), "ymd"),
    ("dotted", re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$"), "dmy"),
    ("dotted2", re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{2})$"), "dmy"),
    ("slash", re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})$"), "?"),
    ("dash", re.compile(r"^(\d{1,2})-(\d{1,2})-(\d{4})$"), "?"),
    ("compact", re.compile(r"^(\d{4})(\d{2})(\d{2})$"), "ymd"),
    ("serial", re.compile(r"^(\d{5})(?:\.\d+)?$"), "serial"),
]
_DESCRIBE = {
    "iso": "%Y-%m-%d",
    "ymd": "%Y/%m/%d",
    "dotted": "%d.%m.%Y",
    "dotted2": "%d.%m.%y",
    "compact": "%Y%m%d",
    "serial": "excel",
}
_SEP = {"slash": "/", "dash": "-"}
_SPECIAL_FORMATS = {"excel", "serial", "excel serial"}


def _year(text: str) -> int:
    y = int(text)
    if len(text) == 2:
        y += 2000 if y < 70 else 1900
    return y


def _day(y: int, m: int, d: int):
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def _serial(text: str):
    value = float(text)
    if not _SERIAL_MIN <= value <= _SERIAL_MAX:
        return None
    return EXCEL_EPOCH + dt.timedelta(days=int(value))


def _time_ok(groups) -> bool:
    h, m, s = groups
    if h is None:
        return True
    return int(h) < 24 and int(m) < 60 and (s is None or int(s) < 61)


_HUMAN = [("YYYY", "%Y"), ("YY", "%y"), ("MM", "%m"), ("DD", "%d")]


def date_format_codes(date_format: str) -> str:
    """A configured date format as strftime codes; ``DD.MM.YYYY``-style spellings are translated.

    Raises
    ------
    DataError
        When the format is not a usable date format.

    Examples
    --------
    >>> date_format_codes("DD.MM.YYYY"), date_format_codes("%m/%d/%Y"), date_format_codes("excel")
    ('%d.%m.%Y', '%m/%d/%Y', 'excel')
    """
    fmt = date_format.strip()
    if fmt.lower() in _SPECIAL_FORMATS:
        return fmt.lower()
    if "%" not in fmt:
        for human, code in _HUMAN:
            fmt = fmt.replace(human, code)
    date_only = re.split(r"[ T](?=%[HIl])", fmt)[0]
    try:
        probe = dt.date(2026, 1, 31).strftime(date_only)
        ok = dt.datetime.strptime(probe, date_only).date() == dt.date(2026, 1, 31)
    except ValueError:
        ok = False
    if not ok:
        raise DataError(
            f"{date_format!r} is not a date format",
            value=date_format,
            hint='write inputs.<table>.read.date_format with strftime codes, e.g. "%d.%m.%Y", '
            '"%m/%d/%Y", "%Y-%m-%d", or "excel" for Excel day numbers',
        )
    return fmt


def _parse_explicit(texts: list[str], date_format: str) -> list:
    """Each text with one strftime format (time part optional), or Excel serials."""
    out = []
    fmt = date_format_codes(date_format)
    if fmt.lower() in _SPECIAL_FORMATS:
        for text in texts:
            m = _SPLIT.match(text)
            out.append(_serial(m.group(1)) if m and re.fullmatch(r"\d+(\.\d+)?", m.group(1)) else None)
        return out
    date_only = re.split(r"[ T](?=%[HIl])", fmt)[0]
    for text in texts:
        day = None
        try:
            day = dt.datetime.strptime(text, fmt).date()
        except ValueError:
            m = _SPLIT.match(text)  # the date with a time the format does not name, or without one
            if m and _time_ok(m.groups()[1:4]):
                try:
                    day = dt.datetime.strptime(m.group(1), date_only).date()
                except ValueError:
                    day = None
        out.append(day)
    return out


def _parse_detected(texts: list[str], column: str | None) -> tuple[list, str]:
    """Each text with the one reading its family allows; slashed/dashed order decided per column."""
    parsed: list = [None] * len(texts)
    pending: dict[str, list] = {"slash": [], "dash": []}
    used: set[str] = set()
    for i, text in enumerate(texts):
        m = _SPLIT.match(text)
        if not m or not _time_ok(m.groups()[1:4]):
            continue
        token = m.group(1)
        for name, regex, order in _FAMILIES:
            g = regex.match(token)
            if not g:
                continue
            if order == "ymd":
                parsed[i] = _day(int(g.group(1)), int(g.group(2)), int(g.group(3)))
            elif order == "dmy":
                parsed[i] = _day(_year(g.group(3)), int(g.group(2)), int(g.group(1)))
            elif order == "serial":
                parsed[i] = _serial(token)
            else:
                pending[name].append((i, int(g.group(1)), int(g.group(2)), _year(g.group(3)), text))
                break
            if parsed[i] is not None:
                used.add(_DESCRIBE[name])
            break
    for name, items in pending.items():
        if not items:
            continue
        a = np.array([it[1] for it in items])
        b = np.array([it[2] for it in items])
        day_first = bool((a > 12).any())
        month_first = bool((b > 12).any())
        sep = _SEP[name]
        if day_first and month_first:
            ex1 = next(it[4] for it in items if it[1] > 12)
            ex2 = next(it[4] for it in items if it[2] > 12)
            raise DataError(
                f"dates are written both day first ({ex1!r}) and month first ({ex2!r})",
                column=column,
                value=ex1,
                hint=f'set inputs.<table>.read.date_format (e.g. "%d{sep}%m{sep}%Y") in engagement.yaml;'
                " dates in the other order will be listed as rejected",
            )
        if not day_first and not month_first and (a != b).any():
            ex = next(it[4] for it in items if it[1] != it[2])
            raise DataError(
                f"day/month order is ambiguous: {ex!r} reads as two different dates",
                column=column,
                value=ex,
                hint=f'set inputs.<table>.read.date_format to "%d{sep}%m{sep}%Y" or '
                f'"%m{sep}%d{sep}%Y" in engagement.yaml',
            )
        for i, first, second, year, _ in items:
            d, m = (first, second) if day_first or not month_first else (second, first)
            parsed[i] = _day(year, m, d)
        used.add(f"%d{sep}%m{sep}%Y" if day_first or not month_first else f"%m{sep}%d{sep}%Y")
    return parsed, ", ".join(sorted(used))


def parse_date_array(
    arr: pa.ChunkedArray | None,
    *,
    date_format: str | None = None,
    na_values: Iterable[str] = (),
    column: str | None = None,
    encoded: DictColumn | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, str]:
    """Arrow-level :func:`parse_dates`: dates (``datetime64[us]``, NaT where missing or bad), bad mask,
    missing mask and the format(s) used. Each distinct text is parsed once (``encoded``: the column
    already as a :class:`DictColumn`)."""
    if encoded is None:
        encoded = DictColumn.encode(arr)
    n = len(encoded)
    if n == 0:
        return np.array([], dtype="datetime64[us]"), np.zeros(0, bool), np.zeros(0, bool), ""
    dictionary, via = encoded.dictionary, None
    if len(dictionary) > 50_000:  # timestamps: drop the time, then parse each distinct day once
        inner = pc.dictionary_encode(pc.replace_substring_regex(dictionary, r"[ T]+\d{1,2}:\d{2}.*$", ""))
        dictionary, via = inner.dictionary, np.asarray(inner.indices.to_numpy(zero_copy_only=False))
    texts = [t.strip() for t in dictionary.to_pylist()]
    na = {v.strip() for v in na_values}
    # one slot per distinct text, plus a last slot for empty cells
    missing_u = np.array([t == "" or t in na for t in texts] + [True], dtype=bool)
    todo = [t for t, m in zip(texts, missing_u, strict=False) if not m]
    if date_format:
        days, used = _parse_explicit(todo, date_format), date_format
    else:
        days, used = _parse_detected(todo, column)
    values_u = np.full(len(texts) + 1, NAT)
    ok_u = np.zeros(len(texts) + 1, dtype=bool)
    for j, day in zip(np.flatnonzero(~missing_u), days, strict=True):
        if day is not None:
            values_u[j] = np.datetime64(day, "us")
            ok_u[j] = True
    if via is not None:  # back to one slot per value of the column's dictionary
        sel = np.append(via, len(texts))
        values_u, ok_u, missing_u = values_u[sel], ok_u[sel], missing_u[sel]
    missing = encoded.lookup(missing_u)
    bad = encoded.lookup(~(missing_u | ok_u))
    return encoded.lookup(values_u), bad, missing, used


def parse_dates(
    values: pd.Series, *, date_format: str | None = None, na_values: Iterable[str] = ()
) -> tuple[pd.Series, pd.Series]:
    """Parse date text with a given format, or detect each value's unambiguous reading.

    Parameters
    ----------
    values
        Text cells.
    date_format
        A strftime format (``"%d.%m.%Y"``, ``"%m/%d/%Y %H:%M"``...), or ``"excel"`` for Excel serial
        numbers; a time after the date is accepted and dropped. ``None`` detects (module docstring).
    na_values
        Text meaning "missing".

    Returns
    -------
    (dates as ``datetime64[us]`` at midnight, bad mask), with the index of ``values``.

    Raises
    ------
    DataError
        When no format is given and the day/month order of slashed or dashed dates is ambiguous.

    Examples
    --------
    >>> d, bad = parse_dates(pd.Series(["31.01.2026", "01.02.2026 10:30", "x"]), date_format="%d.%m.%Y")
    >>> d.dt.strftime("%Y-%m-%d").tolist()[:2], bad.tolist()
    (['2026-01-31', '2026-02-01'], [False, False, True])
    >>> parse_dates(pd.Series(["1/31/2026", "2/1/2026", "46053"]))[0].dt.day.tolist()
    [31, 1, 31]
    """
    days, bad, _, _ = parse_date_array(as_arrow(values), date_format=date_format, na_values=na_values)
    return (
        pd.Series(days, index=values.index, dtype="datetime64[us]"),
        pd.Series(bad, index=values.index, dtype=bool),
    )


def coerce_float(values, default=np.nan) -> pd.Series:
    """Numbers already typed (Excel) or text, to float64."""
    return pd.to_numeric(values, errors="coerce").astype("float64").fillna(default)
