"""The canonical table of one file from its coerced columns, and of a table from all its files: missing
optional columns blank, categoricals over one set of categories, plus ``_file`` and ``_row``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
from pandas.api.types import union_categoricals

from .categoricals import CATEGORICAL, STR
from .coercion import _Coded
from .parsing import NAT
from .schemas import CANONICAL


@dataclass
class _FileResult:
    frame: pd.DataFrame
    rows: np.ndarray
    rejected: pd.DataFrame
    rows_read: int
    notes: list[str]


# ------------------------------------------------------------------------------------------------
# Assembling the canonical table


def _series(values) -> pd.Series:
    if isinstance(values, pd.Series):
        return values
    if isinstance(values, np.ndarray):
        return pd.Series(values, copy=False)
    if isinstance(values, _Coded):
        return pd.Series(values.categorical(), copy=False)
    if isinstance(values, pa.Array):
        values = pa.chunked_array([values])
    if values.type != pa.large_string():
        values = values.cast(pa.large_string())
    return values.to_pandas(types_mapper=lambda _: STR)


def _frame(table: str, columns: dict) -> pd.DataFrame:
    """The canonical columns of one file as a DataFrame, without copying the arrays."""
    spec = CANONICAL[table]
    data = {c: _series(columns[c]) for c in spec.columns if c in columns}
    return pd.DataFrame(data, copy=False)


def _assemble(table: str, results: list[_FileResult], names: list[str]) -> pd.DataFrame:
    spec = CANONICAL[table]
    cat = CATEGORICAL.get(table, ())
    present = [c for c in spec.columns if c in spec.required or any(c in r.frame for r in results)]
    frames = []
    for r in results:
        f = r.frame
        for c in present:
            if c not in f:
                f = f.assign(**{c: _series(_blank(spec.columns[c], len(f), categorical=c in cat))})
        frames.append(f[present])
    if not frames:
        frame = pd.DataFrame({c: _series(_blank(spec.columns[c], 0, categorical=c in cat)) for c in present})
    elif len(frames) == 1:
        frame = frames[0]
    else:  # categoricals of several files: one set of categories, still sorted
        coded = [c for c in present if c in cat]
        frame = pd.concat([f.drop(columns=coded) for f in frames], ignore_index=True)
        for c in coded:
            frame[c] = union_categoricals([f[c] for f in frames], sort_categories=True)
        frame = frame[present]
    for c in present:
        if spec.columns[c] == "date" and frame[c].dtype != "datetime64[us]":
            frame[c] = frame[c].astype("datetime64[us]")
        elif spec.columns[c] == "int":
            frame[c] = frame[c].round().astype("Int64")
    lengths = [len(r.rows) for r in results]
    categories = list(dict.fromkeys(names))
    if len(categories) == 1:
        codes = np.zeros(sum(lengths), dtype=np.int8)
    else:
        codes = np.repeat(np.array([categories.index(n) for n in names], dtype=np.int16), lengths)
    frame["_file"] = pd.Categorical.from_codes(codes, categories=pd.Index(categories, dtype=STR))
    if len(results) == 1:
        frame["_row"] = results[0].rows
    else:
        frame["_row"] = np.concatenate([r.rows for r in results]) if results else np.zeros(0, np.int32)
    return frame


def _blank(kind: str, n: int, *, categorical: bool = False):
    if categorical:
        return _Coded(codes=np.full(n, -1, dtype=np.int8), categories=pa.array([], pa.large_string()))
    if kind == "str":
        return pa.nulls(n, type=pa.large_string())
    if kind == "date":
        return np.full(n, NAT)
    return np.full(n, np.nan)
