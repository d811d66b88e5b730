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

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .exceptions import DataError

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
    encoded: pa.DictionaryArray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, str]:
    """Arrow-level :func:`parse_dates`: dates (``datetime64[us]``, NaT where missing or bad), bad mask,
    missing mask and the format(s) used. Each distinct text is parsed once (``encoded``: the column
    already dictionary-encoded)."""
    if encoded is None:
        encoded = pc.dictionary_encode(arr)
        encoded = encoded.combine_chunks() if isinstance(encoded, pa.ChunkedArray) else encoded
    n = len(encoded)
    if n == 0:
        return np.array([], dtype="datetime64[us]"), np.zeros(0, bool), np.zeros(0, bool), ""
    indices, dictionary = encoded.indices, encoded.dictionary
    if len(dictionary) > 50_000:  # timestamps: drop the time before parsing, then encode again
        day_part = pc.replace_substring_regex(dictionary, r"[ T]+\d{1,2}:\d{2}.*$", "")
        inner = pc.dictionary_encode(day_part)
        indices = pc.take(inner.indices, indices)
        dictionary = inner.dictionary
    texts = [t.strip() for t in dictionary.to_pylist()]
    na = {v.strip() for v in na_values}
    # one slot per distinct text, plus a last slot for null cells
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
    if indices.null_count:
        idx = pc.fill_null(indices, len(texts)).to_numpy(zero_copy_only=False)
    else:
        idx = indices.to_numpy(zero_copy_only=False)
    missing = missing_u[idx]
    bad = ~(missing | ok_u[idx])
    return values_u[idx], bad, missing, used


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
