"""The cells of one client file as a reader hands them over: :class:`RawTable` and the small Arrow
helpers every reader shares."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .parsing import DictColumn, pool_empty

DROPPED_COLUMNS = ["file", "row", "column", "value", "reason", "reason_code"]
STR = pd.StringDtype(na_value=np.nan)


class Cells(NamedTuple):
    """What a format's reader returns, by column position, before
    :func:`salesaudit.intake.finish.finish` makes it a :class:`RawTable` (a new format's reader
    returns the same).

    ``names``: the header's cells; ``arrays``: one Arrow column per header (text, dictionary text or
    float64); ``rows``: each row's number as the user sees it (or a CSV's lazy numbering);
    ``numbers`` / ``dates``: typed cells by column position; ``malformed``: CSV lines with too many
    fields, as ``(row, text, fields, header fields)``; ``info``: what was detected; ``exact``: the
    exact, slower re-read (a CSV's), or ``None``.
    """

    names: list
    arrays: list
    rows: object
    numbers: dict
    dates: dict
    malformed: list
    info: dict
    exact: Callable[[], Cells] | None


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


def _np(arr) -> np.ndarray:
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks() if arr.num_chunks != 1 else arr.chunk(0)
    return np.asarray(pc.fill_null(arr, False).to_numpy(zero_copy_only=False), dtype=bool)


def _is_text(arr) -> bool:
    return pa.types.is_large_string(arr.type) or pa.types.is_string(arr.type)


def _encode(arr) -> DictColumn:
    return DictColumn.encode(arr)
