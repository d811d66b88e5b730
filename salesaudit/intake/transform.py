"""One file's rows reshaped by ``engagement.yaml`` before its columns are coerced: joined with order
headers (``join``), canonical columns looked up in another file (``lookups``), rows filtered out
(``exclude``) and canonical columns computed (``derive``) — in that order, so a condition or a formula
may use a header-file column, and nothing in the YAML runs Python.

How a derived column is computed
--------------------------------
``derive: {canonical column: SQL expression}`` is evaluated by DuckDB
(:mod:`salesaudit.intake.expressions`) over the file's headers in double quotes (matched like
``columns``: exactly, else ignoring case, spacing and ё). Each referenced header is given to DuckDB as

* a number when more than half of its non-empty cells read as numbers with the table's number format
  (``read.decimal`` / ``thousands``, detected when not set; Excel's typed numbers as they are) and none
  has a leading zero (``0042`` is a code, kept as text): ``BIGINT`` when every value is whole, else
  ``DOUBLE``; its cells that do not read as numbers are NULL in DuckDB *and reject their row*;
* else as text, trimmed; an empty cell or one of ``read.na_values`` is NULL.

The result becomes the canonical column as if the file had it (header ``derive.<column>`` in the
rejected rows), then coerced and checked like any other column: a number, a date (``DATE`` /
``TIMESTAMP``) or text (anything else, as text).

Rows and their accounting
-------------------------
Nothing here changes how many rows a file has: rows read = used + rejected still holds per file. A row
is rejected — for the first of these reasons that applies, in this order, its other columns then not
checked — when

* an ``exclude`` condition is TRUE for it: "filtered out by exclude.<name>" naming the first header the
  condition refers to (NULL — e.g. an empty status — is not TRUE: the row stays);
* a number cell a condition needs is not a number: "not a number (needed by exclude.<name>)", naming
  the header and the cell;
* a ``join`` finds no order header for it (see :mod:`salesaudit.intake.linked`, which also says how the
  header file's rows count, and how ``lookups`` treat values not in the lookup file);
* a number cell a formula needs is not a number: "not a number (needed by derive.amount)";
* a derived *required* column is NULL for it (e.g. ``coalesce`` forgotten around an empty discount):
  "derive.amount has no value for this row", naming the first referenced header whose cell is empty.
  A derived *optional* column that is NULL is left empty, as an empty cell of a mapped column is.

An expression DuckDB cannot run at all (text multiplied by a number, a failing cast) stops intake with
one :class:`~salesaudit.exceptions.DataError` naming its key.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..engine.config import InputSpec, ReadOptions
from ..exceptions import DataError
from .coercion import _numbers
from .expressions import check_expression, evaluate
from .linked import LinkedFiles, clean_text, find_header, look_up, missing_header
from .parsing import parse_number_array
from .raw import RawTable
from .schemas import CANONICAL

DERIVE_PREFIX = "derive."
LOOKUP_PREFIX = "lookups."
_WHOLE_LIMIT = 2.0**53


@dataclass
class Transformed:
    """A file after the transformations: ``raw`` with the joined, looked-up and derived columns added,
    ``spec`` whose ``columns`` map the derived and looked-up canonical columns to those headers, the
    rows' ``problems`` (``(mask, header, reason code, detail)``, before the deal routing narrows them)
    and ``notes``."""

    raw: RawTable
    spec: InputSpec
    problems: list[tuple] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def has_transforms(spec: InputSpec) -> bool:
    return bool(spec.derive or spec.exclude or spec.lookups or spec.join)


def referenced_headers(spec: InputSpec) -> list[str]:
    """The headers the transformations name (to find the header row by)."""
    out: list[str] = []
    for text in [*spec.derive.values(), *spec.exclude.values()]:
        out += check_expression(text, key="inputs")
    out += [lk.on for lk in spec.lookups.values()]
    if spec.join is not None:
        out += list(spec.join.on)
    return list(dict.fromkeys(out))


def transform(
    raw: RawTable,
    *,
    path: Path,
    table: str,
    spec: InputSpec,
    read: ReadOptions,
    label: str,
    linked: LinkedFiles | None,
) -> Transformed:
    """Apply ``join``, ``lookups``, ``exclude`` and ``derive`` of ``spec`` to one file (see the module
    docstring for how rows count)."""
    if not has_transforms(spec):
        return Transformed(raw, spec)
    linked = linked or LinkedFiles(table, spec)
    out = Transformed(raw, spec)
    joined: list[tuple] = []
    if spec.join is not None:
        out.raw, joined = linked.headers().attach(raw, path=path)
    columns = dict(spec.columns)
    added: dict[str, pa.ChunkedArray] = {}
    for canonical, lookup in spec.lookups.items():
        key = f"inputs.{table}.lookups.{canonical}"
        added[LOOKUP_PREFIX + canonical], note = look_up(
            out.raw, canonical, lookup, linked.lookup(canonical), path=path, key=key
        )
        columns[canonical] = LOOKUP_PREFIX + canonical
        if note:
            out.notes.append(f"{label}: {note}")
    numbers, dates, filtered, computed = {}, {}, [], []
    if spec.derive or spec.exclude:
        derived, numbers, dates, filtered, computed = _expressions(out, path=path, table=table, read=read)
        added.update(derived)
        columns.update({c: DERIVE_PREFIX + c for c in spec.derive})
    out.problems = filtered + joined + computed  # a row is rejected for the first that applies
    if added:
        out.raw = replace(
            out.raw,
            columns={**out.raw.columns, **added},
            numbers={**out.raw.numbers, **numbers},
            dates={**out.raw.dates, **dates},
            _encoded=dict(out.raw._encoded),
            _frame=None,
        )
    out.spec = spec.model_copy(update={"columns": columns})
    return out


def narrow(problems: list[tuple], checked: np.ndarray) -> tuple[list[tuple], np.ndarray]:
    """The problems limited to the ``checked`` rows, each without the rows an earlier one rejects, and
    ``checked`` without the rows they reject (a row filtered out or not computable is not checked
    further)."""
    kept, out = [], checked
    for mask, header, code, detail in problems:
        mask = mask & out
        if mask.any():
            kept.append((mask, header, code, detail))
            out = out & ~mask
    return kept, out


# ------------------------------------------------------------------------------------------------
# derive and exclude


@dataclass
class _Operand:
    array: pa.Array
    bad: np.ndarray | None  # non-number cells of a number column
    missing: np.ndarray  # empty cells


def _operand(raw: RawTable, header: str, read: ReadOptions) -> _Operand:
    """One referenced header as DuckDB gets it (see the module docstring); text columns are cleaned
    and tried as numbers once per distinct value."""
    if raw.typed(header) == "float" or header in raw.numbers:  # typed cells (CSV read as numbers, Excel)
        values, bad, miss = _numbers(raw, header, read, percent=False)
        return _as_number(values, bad, miss) or _Operand(_cleaned_rows(raw, header, read)[0], None, miss)
    text, enc, miss_d = _cleaned_rows(raw, header, read)
    missing = enc.lookup(np.append(miss_d, True))
    try:
        nums_d, bad_d, _, _ = parse_number_array(
            pa.chunked_array([enc.dictionary]),
            decimal=read.decimal,
            thousands=read.thousands,
            na_values=read.na_values,
            column=header,
        )
    except DataError:  # e.g. an undecidable decimal mark: not a number column
        return _Operand(text, None, missing)
    bad_d = bad_d & ~miss_d
    counts = np.bincount(enc.ids, minlength=len(enc.dictionary) + 1)[:-1]
    present, bad = int(counts[~miss_d].sum()), int(counts[bad_d].sum())
    zero = pc.any(pc.match_substring_regex(pc.utf8_trim_whitespace(enc.dictionary), r"^[-+]?0\d")).as_py()
    if not present or bad * 2 >= present or zero:
        return _Operand(text, None, missing)
    values = enc.lookup(np.append(np.where(bad_d | miss_d, np.nan, nums_d), np.nan))
    rows_bad = enc.lookup(np.append(bad_d, False)) if bad else np.zeros(len(enc), dtype=bool)
    return _as_number(values, rows_bad, missing) or _Operand(text, None, missing)


def _cleaned_rows(raw: RawTable, header: str, read: ReadOptions):
    """The column's text per row (trimmed, empty and ``na_values`` as null), its
    :class:`~salesaudit.intake.parsing.DictColumn` and which distinct values are missing."""
    enc = raw.encoded(header)
    cleaned = clean_text(enc.dictionary)
    if read.na_values:
        na = pa.array([v.strip() for v in read.na_values], type=cleaned.type)
        cleaned = pc.if_else(pc.is_in(cleaned, value_set=na), pa.scalar(None, cleaned.type), cleaned)
    miss_d = np.asarray(pc.is_null(cleaned).to_numpy(zero_copy_only=False), dtype=bool)
    return pc.take(cleaned, enc.indices), enc, miss_d


def _as_number(values: np.ndarray, bad: np.ndarray, missing: np.ndarray) -> _Operand | None:
    """A number column for DuckDB (``BIGINT`` when every value is whole, else ``DOUBLE``), or None
    when it does not count as one (half or more of its non-empty cells are not numbers)."""
    present = int((~missing).sum())
    if not present or int(bad.sum()) * 2 >= present:
        return None
    ok = ~missing & ~bad
    finite = values[ok]
    if np.all(finite == np.floor(finite)) and np.all(np.abs(finite) < _WHOLE_LIMIT):
        array = pa.array(np.where(ok, values, 0).astype(np.int64), mask=~ok)
    else:
        array = pa.array(values, mask=~ok)
    return _Operand(array, bad if bad.any() else None, missing)


def referenced_kinds(spec: InputSpec, table: str) -> dict[str, str]:
    """How the reader may hold the headers the expressions use (a speed-up only, see
    :func:`~salesaudit.intake.readers.read_raw`): numbers for the formulas of number columns, text
    (read once per distinct value) for the rest."""
    kinds = CANONICAL[table].columns
    out: dict[str, str] = {}
    for column, text in spec.derive.items():
        for h in check_expression(text, key=f"inputs.{table}.derive.{column}"):
            out.setdefault(h, "float" if kinds[column] in ("float", "int") else "str")
    for name, text in spec.exclude.items():
        for h in check_expression(text, key=f"inputs.{table}.exclude.{name}"):
            out.setdefault(h, "str")
    return out


def _expressions(out: Transformed, *, path: Path, table: str, read: ReadOptions):
    """Evaluate ``exclude`` and ``derive``: the derived columns (``{header: Arrow}``), their typed
    values (numbers, dates), and the problems of the conditions and of the formulas."""
    raw, spec = out.raw, out.spec
    refs: dict[str, tuple[str, ...]] = {}
    keys: dict[str, str] = {}
    exprs: dict[str, str] = {}
    for kind, items in (("exclude", spec.exclude), ("derive", spec.derive)):
        for name, text in items.items():
            key = f"inputs.{table}.{kind}.{name}"
            refs[f"{kind}.{name}"] = check_expression(text, key=key)
            keys[f"{kind}.{name}"], exprs[f"{kind}.{name}"] = key, text
    operands: dict[str, _Operand] = {}
    for name, headers in refs.items():
        for h in headers:
            if h not in operands:
                found = find_header(h, raw.headers)
                if found is None:
                    raise missing_header(h, raw, path=path, key=keys[name], what="the header")
                operands[h] = _operand(raw, found, read)
    results = evaluate({h: o.array for h, o in operands.items()}, exprs, n=len(raw), keys=keys)
    found_of = {h: find_header(h, raw.headers) for h in operands}
    required = CANONICAL[table].required
    derived, numbers, dates, filtered, undecided, computed = {}, {}, {}, [], [], []
    for name, result in results.items():
        kind, _, target = name.partition(".")
        excluded = _excluded(result, keys[name]) if kind == "exclude" else np.zeros(len(raw), dtype=bool)
        not_number = np.zeros(len(raw), dtype=bool)
        for h in refs[name]:
            if operands[h].bad is not None:
                bad = operands[h].bad & ~excluded  # a condition TRUE anyway excludes the row
                (undecided if kind == "exclude" else computed).append(
                    (bad, found_of[h], "needs_a_number", name)
                )
                not_number |= bad
        if kind == "exclude":
            filtered.append((excluded, found_of[refs[name][0]], "filtered_out", name))
            continue
        header = DERIVE_PREFIX + target
        if target in required and result.null_count:
            empty = np.asarray(pc.is_null(result).to_numpy(zero_copy_only=False), dtype=bool) & ~not_number
            for h in refs[name]:
                here = empty & operands[h].missing
                if here.any():
                    computed.append((here, found_of[h], "derive_empty", name))
                    empty &= ~here
            if empty.any():
                computed.append((empty, header, "derive_empty", name))
        derived[header], typed = _as_column(result)
        if typed is not None and typed.dtype.kind == "M":
            dates[header] = typed
        elif typed is not None:
            numbers[header] = typed
    return derived, numbers, dates, filtered + undecided, computed


def _excluded(result: pa.Array, key: str) -> np.ndarray:
    """Where an ``exclude`` condition is TRUE (NULL is not)."""
    if pa.types.is_null(result.type):
        return np.zeros(len(result), dtype=bool)
    if not pa.types.is_boolean(result.type):
        raise DataError(
            f"an exclude condition must be true or false; this one gives {result.type}",
            key=key,
            hint="compare the header with a value, e.g. '\"Статус\" = ''Отменён'''",
        )
    return np.asarray(pc.fill_null(result, False).to_numpy(zero_copy_only=False), dtype=bool)


def _as_column(result: pa.Array) -> tuple[pa.ChunkedArray, np.ndarray | None]:
    """A derived column as the readers hold cells: numbers as ``float64`` (+ their numpy values),
    dates as ``timestamp[us]`` (+ numpy), anything else as text."""
    typ = result.type
    if pa.types.is_integer(typ) or pa.types.is_floating(typ) or pa.types.is_decimal(typ):
        values = pc.cast(result, pa.float64())
        typed = np.asarray(values.to_numpy(zero_copy_only=False), dtype=np.float64)
        return pa.chunked_array([values]), typed
    if pa.types.is_date(typ) or (pa.types.is_timestamp(typ) and typ.tz is None):
        values = pc.cast(result, pa.timestamp("us"))
        typed = np.asarray(values.to_numpy(zero_copy_only=False), dtype="datetime64[us]")
        return pa.chunked_array([values]), typed
    return pa.chunked_array([result.cast(pa.large_string())]), None
