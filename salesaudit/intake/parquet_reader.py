"""Parquet files as cells: typed columns kept on the side (numbers, dates), everything also as text; a
row's number is the record number (1 = first record).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..exceptions import InputFileError
from .raw import Cells, _float_numpy

if TYPE_CHECKING:
    from .sources import Blob


def _read_parquet(path: Blob):
    """The cells of a Parquet file: ``path`` is the file (memory-mapped) or its decompressed bytes
    (:class:`~salesaudit.intake.sources.Blob`)."""
    import pyarrow.parquet as pq

    try:
        if path.data is None:
            table = pq.read_table(path.where, memory_map=True)
        else:
            table = pq.read_table(pa.BufferReader(path.data))
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
    return Cells(names, arrays, rows, numbers, dates, [], {"format": "parquet", "header_row": None}, None)
