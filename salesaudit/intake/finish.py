"""What every reader's cells go through: unique headers, empty columns and blank rows dropped, totals
rows ("Итого", "Всего", "Total" in one of the first three columns) and malformed lines set aside with
their reason, the columns held once in their compact form — then the :class:`~salesaudit.intake.raw.RawTable`.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..exceptions import InputFileError
from .csv_reader import _Numbering, _Reread
from .headers import _norm, _unique_names
from .parsing import DictColumn
from .raw import DROPPED_COLUMNS, STR, RawTable, _encode, _float_arrow, _float_numpy, _is_text, _np

TOTAL_PATTERN = (
    r"(?i)^\s*(?:итого|всего|итог|total|totals|grand\s+total|sub-?total)\s*(?:[:.].*|по\s.*|for\s.*)?$"
)


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


def _is_total(n: int, arr, encoded: DictColumn | None) -> np.ndarray:
    if encoded is not None:  # per distinct value, then spread over the rows
        hit = _np(pc.match_substring_regex(encoded.dictionary, TOTAL_PATTERN))
        return encoded.lookup(np.append(hit, False))
    if not _is_text(arr):
        return np.zeros(n, bool)
    return _np(pc.match_substring_regex(arr, TOTAL_PATTERN))


def finish(
    path: Path, options, kinds, names, arrays, rows, numbers, dates, malformed, info, exact
) -> RawTable:
    """A reader's cells as a :class:`RawTable`: the steps every format shares.

    ``names``, ``arrays`` (one per column), ``rows`` (row numbers, or a CSV's :class:`_Numbering`),
    ``numbers`` / ``dates`` (typed cells by column position), ``malformed`` (CSV lines with too many
    fields), ``info`` and ``exact`` (the CSV's exact re-read, when the fast one may be off) are what
    each reader returns (a :class:`~salesaudit.intake.raw.Cells`, unpacked). Empty unnamed columns go, the columns are held once in their compact form,
    blank rows go, and totals rows and malformed lines are set aside in ``dropped``.
    """
    names = _unique_names(list(names))
    keep_cols = _kept_columns(path, names, arrays)
    try:
        arrays, numbers, encoded, rows = _compact(names, arrays, rows, numbers, keep_cols, kinds)
    except _Reread:
        return finish(path, options, kinds, *exact())
    rows = _small_rows(np.asarray(rows))
    arrays = {names[j]: arrays[j] for j in keep_cols}
    encoded = {names[j]: e for j, e in encoded.items()}
    numbers = {names[j]: numbers[j] for j in keep_cols if j in numbers}
    dates = {names[j]: dates[j] for j in keep_cols if j in dates}
    order = list(arrays)
    dropped = []
    by_pos = {i: encoded[h] for i, h in enumerate(order) if h in encoded}
    drop = _blank_rows([arrays[h] for h in order], by_pos)
    if options.skip_totals and len(rows):
        totals, found = _totals(path, rows, arrays, encoded, order, drop)
        if found is not None:
            dropped.append(found)
            drop |= totals
    if malformed:
        dropped.append(_malformed(path, malformed))
    if drop.any():
        rows, arrays, numbers, dates, encoded = _without(~drop, rows, arrays, numbers, dates, encoded)
    if not len(rows) and not dropped:
        raise InputFileError(
            "the file has a header but no data rows",
            file=str(path),
            row=info.get("header_row"),
            hint="check the export's period and filters",
        )
    return RawTable(
        columns=arrays,
        row_numbers=pd.Series(rows, copy=False),
        dropped=_dropped_frame(dropped),
        numbers=numbers,
        dates=dates,
        info=info,
        _encoded=encoded,
    )


def _kept_columns(path: Path, names: list[str], arrays: list) -> list[int]:
    """Positions of the columns kept: all but the unnamed ones without a single cell."""
    keep_cols = [
        j for j, a in enumerate(arrays) if not names[j].startswith("column ") or a.null_count < len(a)
    ]
    if not keep_cols:
        raise InputFileError("no columns found", file=str(path), hint="is the header row right?")
    return keep_cols


def _compact(names, arrays, rows, numbers, keep_cols, kinds):
    """Distinct values of the dictionary / text columns the caller uses (and of the first three, for
    the totals check), the contiguous copy of the number columns and the row numbers, all computed in
    parallel; each column then held once. Returns ``(arrays, numbers, encoded, rows)``; raises
    :class:`_Reread` when the fast CSV read's rows do not match the exact count."""
    wanted = [
        j
        for pos, j in enumerate(keep_cols)
        if pa.types.is_dictionary(arrays[j].type)
        or (_is_text(arrays[j]) and (kinds.get(_norm(names[j])) in ("str", "date") or pos < 3))
    ]
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
            fast = consecutive.result()
            rows = rows.exact() if _multiline(arrays, encoded, keep_cols) else fast
    return arrays, numbers, encoded, rows


def _small_rows(rows: np.ndarray) -> np.ndarray:
    """4 bytes a row are enough for any file's line numbers."""
    if rows.dtype != np.int32 and (not len(rows) or rows.max() < 2**31):
        rows = rows.astype(np.int32)
    return rows


def _totals(path: Path, rows, arrays, encoded, order, drop) -> tuple[np.ndarray, pd.DataFrame | None]:
    """Totals rows (not blank): the mask and their ``dropped`` lines (``None`` when there are none),
    each named by the first of the first three columns that says "total"."""
    totals = np.zeros(len(rows), dtype=bool)
    hits = []  # (rows, column): the first of the three columns that says "total"
    for h in order[:3]:
        hit = _is_total(len(rows), arrays[h], encoded.get(h)) & ~drop & ~totals
        if hit.any():
            hits.append((np.flatnonzero(hit), h))
            totals |= hit
    if not hits:
        return totals, None
    idx = np.concatenate([i for i, _ in hits])
    order_rows = np.argsort(idx, kind="stable")
    where = [h for i, h in hits for _ in i]
    idx, where = idx[order_rows], [where[k] for k in order_rows]
    values = [_cell(arrays[h], encoded.get(h), i) for i, h in zip(idx, where, strict=True)]
    found = pd.DataFrame(
        {
            "file": path.name,
            "row": rows[idx].astype(np.int64),
            "column": where,
            "value": values,
            "reason": "totals row (not a sales line)",
            "reason_code": "totals_row",
        }
    )
    return totals, found


def _malformed(path: Path, malformed: list) -> pd.DataFrame:
    """CSV lines with more fields than the header, as ``dropped`` lines."""
    return pd.DataFrame(
        {
            "file": path.name,
            "row": [m[0] for m in malformed],
            "column": "",
            "value": [m[1][:200] for m in malformed],
            "reason": [f"{m[2]} fields where the header has {m[3]}" for m in malformed],
            "reason_code": "wrong_field_count",
        }
    )


def _without(kept: np.ndarray, rows, arrays, numbers, dates, encoded):
    """Only the ``kept`` rows; a column held twice (text and ids, or text and numbers) is held once."""
    rows = rows[kept]
    numbers = {k: v[kept] for k, v in numbers.items()}
    dates = {k: v[kept] for k, v in dates.items()}
    encoded = {h: e.filter(kept) for h, e in encoded.items()}
    for h, a in arrays.items():
        if pa.types.is_dictionary(a.type) and h in encoded:
            arrays[h] = pa.chunked_array([encoded[h].as_arrow()])
        elif pa.types.is_floating(a.type) and h in numbers:
            arrays[h] = _float_arrow(numbers[h], a.null_count)
        else:
            arrays[h] = a.filter(pa.array(kept))
    return rows, arrays, numbers, dates, encoded


def _dropped_frame(dropped: list[pd.DataFrame]) -> pd.DataFrame:
    """The rows set aside on purpose, in the rejected-rows layout (:data:`DROPPED_COLUMNS`)."""
    if dropped:
        return pd.concat(dropped, ignore_index=True).astype({"row": "int64"})
    return pd.DataFrame({c: pd.Series(dtype="int64" if c == "row" else STR) for c in DROPPED_COLUMNS})


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
