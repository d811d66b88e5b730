"""One mapped column of a client's file coerced to its canonical type: text trimmed, recoded and missing
values marked (once per distinct value), numbers and dates parsed (typed cells of Excel / Parquet taken
as they are), with a mask of the cells that do not read.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..engine.config import ReadOptions
from ..exceptions import DataError
from .categoricals import STR
from .mapping import _norm
from .parsing import NAT, DictColumn, parse_date_array, parse_number_array, pool_empty
from .raw import RawTable

WHOLE_COLUMN = 5  # a number/date column with at least this many values, none readable, is a setting error


def _unreadable(raw: RawTable, header: str, bad: np.ndarray, kind: str, fmt) -> DataError:
    """Not one value of the column reads: the format, decimal mark or mapping must be wrong."""
    first = int(np.flatnonzero(bad)[0])
    value = raw.text_at(header, [first])[0]
    if kind == "date":
        what = f"a date in format {fmt}" if fmt else "a date"
        hint = 'set inputs.<table>.read.date_format to the format of this column (e.g. "%d.%m.%Y")'
    else:
        what, hint = "a number", "check inputs.<table>.read.decimal / thousands and the column mapping"
    return DataError(
        f"no value of this column reads as {what}",
        row=int(raw.row_numbers.iloc[first]),
        value=value,
        hint=hint,
    )


# ------------------------------------------------------------------------------------------------
# Columns


def _text(raw: RawTable, header: str, na_values, recode: dict | None, *, categorical: bool = False):
    """Trimmed text (null where missing), recoded; work done once per distinct value.

    Returns ``(column, missing mask, (the column's DictColumn, its cleaned distinct values))``; the
    column is Arrow text, or with ``categorical`` a :class:`_Coded` (codes into the sorted distinct
    cleaned values: no text is copied per row).
    """
    enc = raw.encoded(header)
    dictionary = enc.dictionary
    cleaned = pc.utf8_trim_whitespace(dictionary)
    na = [v.strip() for v in na_values]
    miss_d = pc.equal(cleaned, "")
    if na:
        miss_d = pc.or_(miss_d, pc.is_in(cleaned, pa.array(na, type=cleaned.type)))
    miss_d_np = np.asarray(miss_d.to_numpy(zero_copy_only=False), dtype=bool)
    if recode:
        table = {str(k).strip(): str(v) for k, v in recode.items()}
        loose = {_norm(k): v for k, v in table.items()}
        values = cleaned.to_pylist()
        mapped = [table.get(v, loose.get(_norm(v), v)) for v in values]
        if mapped != values:
            cleaned = pa.array(mapped, type=cleaned.type)
    if len(dictionary):
        cleaned = pc.if_else(pa.array(miss_d_np), pa.scalar(None, cleaned.type), cleaned)
    if categorical:
        coded = _Coded.from_encoded(enc, cleaned)
        return coded, coded.missing(), (enc, cleaned)
    missing = enc.lookup(np.append(miss_d_np, enc.null_count > 0))  # last: an empty cell
    return pc.take(cleaned, enc.indices), missing, (enc, cleaned)


@dataclass
class _Coded:
    """A text column as codes (``-1`` = missing) into its sorted, distinct, non-null values.

    What intake holds per row for a text column: a canonical column is built from it as a pandas
    categorical (:data:`CATEGORICAL`) or as ``str`` text, without any per-row text in between.
    """

    codes: np.ndarray
    categories: pa.Array  # large_string, sorted (code point order), unique, no nulls

    @classmethod
    def from_encoded(cls, enc: DictColumn, dictionary: pa.Array) -> _Coded:
        """The rows of ``enc`` with ``dictionary`` in place of ``enc.dictionary`` (the same values
        cleaned: it may hold nulls and repeats)."""
        inner = pc.dictionary_encode(dictionary)  # repeats (after trimming, recoding) merged
        uniq = inner.dictionary.cast(pa.large_string())
        order = np.asarray(pc.sort_indices(uniq).to_numpy(zero_copy_only=False), dtype=np.int64)
        dtype = _code_dtype(len(uniq))
        rank = np.empty(len(uniq), dtype=dtype)
        rank[order] = np.arange(len(uniq), dtype=dtype)
        remap = np.full(len(dictionary) + 1, -1, dtype=dtype)  # last slot: a null cell
        ids = inner.indices
        has = ~_np(pc.is_null(ids)) if ids.null_count else np.ones(len(ids), dtype=bool)
        remap[:-1][has] = rank[np.asarray(pc.fill_null(ids, 0).to_numpy(zero_copy_only=False))[has]]
        return cls(codes=enc.lookup(remap), categories=uniq.take(pa.array(order)))

    @classmethod
    def from_values(cls, values: np.ndarray) -> _Coded:
        """A small column of Python strings (e.g. deal classes)."""
        enc = DictColumn.encode(pa.array(values, type=pa.large_string()))
        return cls.from_encoded(enc, enc.dictionary)

    def __len__(self) -> int:
        return len(self.codes)

    def missing(self) -> np.ndarray:
        """Where the value is missing (code -1)."""
        if self.codes.min(initial=0) >= 0:
            return np.zeros(len(self.codes), dtype=bool)  # untouched zeros: no memory written
        return np.less(self.codes, 0, out=pool_empty(len(self.codes), bool))

    def take(self, idx: np.ndarray) -> _Coded:
        return _Coded(codes=self.codes[idx], categories=self.categories)

    def categorical(self) -> pd.Categorical:
        dtype = pd.CategoricalDtype(pd.Index(self.categories.to_pandas(types_mapper=lambda _: STR)))
        return pd.Categorical.from_codes(self.codes, dtype=dtype, validate=False)


def _code_dtype(n: int):
    """The smallest signed integer type holding codes ``-1 .. n - 1`` (pandas' own choice)."""
    for dtype in (np.int8, np.int16, np.int32):
        if n < np.iinfo(dtype).max:
            return dtype
    return np.int64


def _np(arr) -> np.ndarray:
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    return np.asarray(pc.fill_null(arr, False).to_numpy(zero_copy_only=False), dtype=bool)


def _numbers(raw: RawTable, header: str, read: ReadOptions, *, percent: bool):
    typed = raw.numbers.get(header)
    if raw.typed(header) == "float":  # every cell already read as a number
        values = typed / 100.0 if percent else typed
        return values, np.zeros(len(typed), bool), np.isnan(typed)
    text = raw.column(header)
    if typed is not None:
        has = ~np.isnan(typed)
        text = pc.if_else(pa.array(has), pa.scalar(None, text.type), text)
    nums, bad, missing, _ = parse_number_array(
        text,
        decimal=read.decimal,
        thousands=read.thousands,
        na_values=read.na_values,
        column=header,
        percent=percent,
    )
    if typed is not None:
        nums = np.where(has, typed / (100.0 if percent else 1.0), nums)
        missing = missing & ~has
    return nums, bad, missing


def _dates(raw: RawTable, header: str, na_values, fmt):
    typed = raw.dates.get(header)
    if raw.typed(header) == "date":  # a typed (Parquet) date column
        return typed, np.zeros(len(typed), bool), np.isnat(typed), ""
    text = raw.columns[header]
    serial = raw.numbers.get(header)
    has = np.zeros(len(text), dtype=bool)
    if typed is not None:
        has |= ~np.isnat(typed)
    if serial is not None:  # Excel numbers in a date column: serial day numbers
        from .parsing import EXCEL_EPOCH

        ok = (serial >= 18264) & (serial <= 73415)
        days = np.where(ok, np.floor(np.nan_to_num(serial)), 0).astype("int64")
        as_dates = np.where(ok, np.datetime64(EXCEL_EPOCH, "us") + days.astype("timedelta64[D]"), NAT)
        typed = as_dates if typed is None else np.where(np.isnat(typed), as_dates, typed)
        has |= ok
    encoded = None
    if has.any():
        text = raw.column(header)
        text = pc.if_else(pa.array(has), pa.scalar(None, text.type), text)
    else:
        encoded = raw.encoded(header)
    values, bad, missing, used = parse_date_array(
        text, date_format=fmt, na_values=na_values, column=header, encoded=encoded
    )
    if has.any():
        values = np.where(has, typed, values).astype("datetime64[us]")
        missing = missing & ~has
    return values, bad, missing, used


def _take(values, idx: np.ndarray | None):
    if idx is None:
        return values  # every row kept: no copy
    if isinstance(values, np.ndarray):
        return values[idx]
    if isinstance(values, _Coded):
        return values.take(idx)
    return values.take(pa.array(idx))
