"""Intake: the client's files become the canonical tables, and every row is accounted for.

Only this module reads client files (through :mod:`salesaudit.intake.readers`); files are opened read-only
and nothing is ever written next to them. For each configured table intake reads every file, maps the
client's headers onto the canonical columns (a preset's usual headers, overridden column by column by
``inputs.<table>.columns``), coerces types (:mod:`salesaudit.intake.parsing`), checks each row against
:mod:`salesaudit.intake.schemas`, and returns the rows that passed plus a ``rejected`` table naming the file,
the row as the user sees it, the column, the value and the reason of every row that did not.

Row accounting
--------------
Per (table, file): ``rows_read = rows_used + rows_rejected``, always. Blank lines are not rows. A
totals row or a malformed line is read and rejected. A row with several problems is one rejected row
(listed once per problem in ``rejected``).

A deal export (preset ``amocrm``, ``bitrix24``, ``generic_en``, or ``won_stages`` set) listed for both
``sales`` and ``pipeline`` is read once and each row is routed by its stage: every deal is a pipeline
row (``status`` won / lost / open, so lost deals feed the conversion statistics), and WON deals are
also sales lines (date = close date). The pipeline's accounting line counts all the file's rows; the
sales line counts the won deals (the rows that belong to sales), so each of the two lines adds up on
its own. A deal export listed for ``sales`` only rejects its open and lost deals with reason
"deal is not won" instead of dropping them.

Errors, not rejections
----------------------
A problem with the settings rather than with some rows stops the run with one
:class:`~salesaudit.exceptions.SalesAuditError` naming the file, column, row and value: a mapped
column missing from the file, an ambiguous day/month order or decimal mark, a date format that is not
one, and a number or date column of which not one value (among at least :data:`WHOLE_COLUMN`) reads —
that is a wrong format, decimal mark or mapping, not hundreds of bad rows. (An optional column that a
preset mapped by itself is then left out with a note instead.)

Representation
--------------
Dates are ``datetime64[us]``, numbers ``float64`` (``Int64`` for int columns), text ``str`` —
except the sales table's text columns listed in :data:`CATEGORICAL` (client_id, manager, product,
status, channel, client_name): pandas categoricals whose categories are the values present, as
``str``, sorted. A few thousand clients repeated over millions of lines then take 2 bytes a line
instead of a string each, and grouping by client needs no hashing of text.

Speed: text and date columns are read dictionary-encoded (:class:`salesaudit.intake.parsing.DictColumn`):
text is cleaned, and dates parsed, once per distinct value, then spread over the rows by integer
lookups; numbers are parsed by vectorised kernels; the per-row arrays live in one Arrow memory pool
(:func:`salesaudit.intake.parsing.memory_pool`); Python objects are built only for rejected rows
(measured against DuckDB by benchmarks/bench_intake.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pandas.api.types import union_categoricals

from ..engine.config import Engagement, InputSpec, ReadOptions
from ..exceptions import DataError, InputFileError, SalesAuditError
from ..report.i18n import t
from .parsing import NAT, DictColumn, parse_date_array, parse_number_array, pool_empty
from .presets import get_preset
from .readers import RawTable, read_raw
from .schemas import CANONICAL, schemas

REJECTED_COLUMNS = [
    "table",
    "file",
    "row",
    "column",
    "value",
    "reason",
    "reason_code",
    "detail",
    "amount",
]
ACCOUNTING_COLUMNS = ["table", "file", "rows_read", "rows_used", "rows_rejected"]
REASONS = {  # reason_code -> its label (intake.yaml), ru and en
    "not_a_number": "intake.reject.not_a_number",
    "not_a_date": "intake.reject.not_a_date",
    "not_a_date_format": "intake.reject.not_a_date_format",
    "empty": "intake.reject.empty",
    "after_as_of": "intake.reject.after_as_of",
    "totals_row": "intake.reject.totals_row",
    "wrong_field_count": "intake.reject.wrong_field_count",
    "not_won": "intake.reject.not_won",
    "negative": "intake.reject.negative",
    "out_of_range": "intake.reject.out_of_range",
    "bad_period": "intake.reject.bad_period",
    "check_failed": "intake.reject.check_failed",
}
REASON_CODES = tuple(REASONS)
DEAL_STATUSES = ("won", "lost", "open")
WHOLE_COLUMN = 5  # a number/date column with at least this many values, none readable, is a setting error
STR = pd.StringDtype(na_value=np.nan)
CATEGORICAL: dict[str, tuple[str, ...]] = {
    "sales": ("client_id", "manager", "product", "status", "channel", "client_name")
}
"""Text columns held as pandas categoricals: categories are the values present, ``str``, sorted.

Equality, ``isin``, ``groupby`` (observed values only, pandas 3's default), ``sort_values``,
``nunique``, ``astype("str")`` and ``.str`` behave as on ``str`` columns. Not so: filling or
assigning a value that is not a category (``fillna("")``, ``where(..., "x")``) raises, ``.map()``
keeps the category order, ``min``/``max`` raise, ``value_counts`` lists categories no row holds
any more after filtering — take ``astype("str")`` first where that matters."""


@dataclass
class Intake:
    """What intake produced.

    ``tables``: ``{table: DataFrame}`` in canonical columns (the :data:`CATEGORICAL` ones as
    categoricals) plus ``_file`` (categorical) and ``_row`` (int32: the row as the user sees it in
    that file); ``rejected``: one row per problem, columns
    :data:`REJECTED_COLUMNS`; ``accounting``: one row per (table, file), columns
    :data:`ACCOUNTING_COLUMNS`; ``notes``: what was detected or assumed (encoding, delimiter,
    header row, sheet, date formats, mapped columns missing from a file), one sentence each.
    """

    tables: dict[str, pd.DataFrame]
    rejected: pd.DataFrame
    accounting: pd.DataFrame
    notes: list[str] = field(default_factory=list)

    def table(self, name: str) -> pd.DataFrame | None:
        return self.tables.get(name)


@dataclass
class _FileResult:
    frame: pd.DataFrame
    rows: np.ndarray
    rejected: pd.DataFrame
    rows_read: int
    notes: list[str]


# ------------------------------------------------------------------------------------------------
# Engagement level


def read_engagement(eng: Engagement) -> Intake:
    """Read every table configured in ``eng.inputs`` (see the module docstring for the accounting).

    Returns
    -------
    Intake
        ``tables`` in canonical columns (+ ``_file``, ``_row``; :data:`CATEGORICAL` columns as
        categoricals), ``rejected`` (columns table, file,
        row, column, value, reason, reason_code, detail, amount), ``accounting`` (columns table, file,
        rows_read, rows_used, rows_rejected) and ``notes``.

    Raises
    ------
    InputFileError, DataError, ConfigError
        An unreadable file, an unmapped required column, a wrong sheet, an undecidable date format or
        decimal mark — one message naming the file, column, row and value.
    """
    files = {table: eng.input_files(table) for table in eng.inputs}
    pipeline_files = {p.resolve() for p in files.get("pipeline", [])}
    labels = _labels(files)
    raws: dict[tuple, RawTable] = {}
    shared = {p.resolve() for p in files.get("sales", [])} & pipeline_files
    tables, rejected, accounting, notes = {}, [], [], []
    for table in _order(eng.inputs):
        spec = eng.inputs[table]
        results, names = [], []
        for path in files[table]:
            key = (path.resolve(), _read_key(spec))
            raw = raws.get(key)
            deals_elsewhere = table == "sales" and path.resolve() in pipeline_files
            res = _read_table_file(
                path,
                table=table,
                spec=spec,
                as_of=eng.as_of,
                raw=raw,
                label=labels[path],
                deals_elsewhere=deals_elsewhere,
                keep_raw=raws if path.resolve() in shared else None,
                key=key,
            )
            results.append(res)
            names.append(labels[path])
            rejected.append(res.rejected)
            notes.extend(res.notes)
            n_rejected = int(res.rejected["row"].nunique()) if len(res.rejected) else 0
            accounting.append(
                {
                    "table": table,
                    "file": labels[path],
                    "rows_read": res.rows_read,
                    "rows_used": res.rows_read - n_rejected,
                    "rows_rejected": n_rejected,
                }
            )
        tables[table] = _assemble(table, results, names)
    order = list(eng.inputs)
    tables = {name: tables[name] for name in order}
    accounting.sort(key=lambda a: order.index(a["table"]))
    rej = (
        pd.concat([r for r in rejected if len(r)] or [_empty_rejected()], ignore_index=True)
        if rejected
        else _empty_rejected()
    )
    acc = pd.DataFrame(accounting, columns=ACCOUNTING_COLUMNS).astype(
        {"rows_read": "int64", "rows_used": "int64", "rows_rejected": "int64"}
    )
    return Intake(tables=tables, rejected=rej, accounting=acc, notes=notes)


def _order(inputs) -> list[str]:
    """Pipeline before sales, so a shared deal export is read once for both."""
    return sorted(inputs, key=lambda t: (t != "pipeline", list(inputs).index(t)))


def _labels(files: dict[str, list[Path]]) -> dict[Path, str]:
    """How a file is named in the outputs: its name, or its relative path when two files share it."""
    paths = {p for ps in files.values() for p in ps}
    names = pd.Series([p.name for p in paths]).value_counts()
    out = {}
    for p in paths:
        if names[p.name] > 1:
            parts = p.parts[-3:]
            out[p] = "/".join(parts)
        else:
            out[p] = p.name
    return out


def _read_key(spec: InputSpec) -> tuple:
    return (spec.preset, spec.read.model_dump_json())


def read_file(path: Path, *, table: str, spec: InputSpec, as_of=None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read one client file into one canonical table.

    Returns ``(frame, rejected)``; each source row is in exactly one of them (a row with several
    problems appears in ``rejected`` once per problem, with the same ``row``).
    """
    path = Path(path)
    res = _read_table_file(path, table=table, spec=spec, as_of=as_of, label=path.name)
    return _assemble(table, [res], [path.name]), res.rejected


# ------------------------------------------------------------------------------------------------
# One file


def effective_read(spec: InputSpec) -> ReadOptions:
    """``inputs.<table>.read`` with the preset's read settings filling what the engagement left out.

    Examples
    --------
    >>> effective_read(InputSpec(files=["x.csv"], preset="1c")).decimal
    ','
    >>> effective_read(InputSpec(files=["x.csv"], preset="1c", read={"decimal": "."})).decimal
    '.'
    """
    preset = get_preset(spec.preset)
    if preset is None or not preset.read:
        return spec.read
    given = spec.read.model_dump(exclude_unset=True)
    return spec.read.model_copy(update={k: v for k, v in preset.read.items() if k not in given})


def _read_table_file(
    path: Path,
    *,
    table: str,
    spec: InputSpec,
    as_of=None,
    raw: RawTable | None = None,
    label: str,
    deals_elsewhere: bool = False,
    keep_raw: dict | None = None,
    key=None,
) -> _FileResult:
    preset = get_preset(spec.preset, key=f"inputs.{table}.preset")
    alternatives = dict(preset.tables.get(table, {})) if preset else {}
    kinds = CANONICAL[table].columns
    read = effective_read(spec)
    if raw is None:
        hints = list(spec.columns.values()) + [h for hs in alternatives.values() for h in hs]
        wanted = {h: kinds[c] for c, hs in alternatives.items() for h in hs}
        wanted.update({h: kinds[c] for c, h in spec.columns.items()})
        raw = read_raw(path, options=read, headers=hints, kinds=_read_kinds(wanted, table))
        if keep_raw is not None:
            keep_raw[key] = raw
    notes = [_describe_read(label, table, raw)]
    mapping, missing_notes = _resolve(spec, alternatives, raw.headers, path, table)
    notes += [f"{label}: {m}" for m in missing_notes]
    n = len(raw)
    percent = set(spec.percent_columns) | {
        c for c, h in mapping.items() if preset and h in preset.percent_headers
    }

    columns: dict[str, object] = {}
    categorical = CATEGORICAL.get(table, ())
    distinct: dict[str, tuple] = {}  # text columns: (DictColumn, cleaned distinct values)
    bad: dict[str, np.ndarray] = {}
    missing: dict[str, np.ndarray] = {}
    problems: list[tuple] = []  # (mask, header, code, detail)

    def fail(exc: SalesAuditError, header: str) -> None:
        exc.file, exc.column = str(path), header
        exc.key = exc.key or f"inputs.{table}.read"
        if exc.value is not None and exc.row is None:
            hit = pc.index(raw.column(header), str(exc.value)).as_py()
            if hit is not None and hit >= 0:
                exc.row = int(raw.row_numbers.iloc[hit])
        if exc.hint:
            exc.hint = exc.hint.replace("<table>", table)
        raise exc

    # deal routing first: which rows belong to this table at all
    won_set, lost_set = _stage_sets(spec, preset)
    routed = won_set is not None
    scope = np.ones(n, dtype=bool)
    deal_class = None
    if routed:
        status_col = "status" if "status" in mapping else "stage" if "stage" in mapping else None
        if status_col is None:
            raise InputFileError(
                "won_stages/lost_stages need the deal stage column",
                file=str(path),
                hint=f"map inputs.{table}.columns.status (or stage) to the stage header",
            )
        _, _, (enc, cleaned) = _text(raw, mapping[status_col], read.na_values, spec.recode.get(status_col))
        deal_class = _classify(enc, cleaned, won_set, lost_set)
        if table == "sales":
            won = deal_class == "won"
            if deals_elsewhere:
                scope = won
            else:
                problems.append((~won, mapping[status_col], "not_won", None))
    rows_read = int(scope.sum())
    checked = scope  # rows whose other columns are checked (masks are never changed in place)
    if routed and table == "sales" and not deals_elsewhere:
        checked = deal_class == "won"

    for canonical, header in mapping.items():
        kind = kinds[canonical]
        if kind == "str":
            if routed and canonical == "status":
                columns[canonical] = _deal_status(deal_class, categorical=canonical in categorical)
                missing[canonical] = np.zeros(n, dtype=bool)
                continue
            values, miss, distinct[canonical] = _text(
                raw, header, read.na_values, spec.recode.get(canonical), categorical=canonical in categorical
            )
            columns[canonical], missing[canonical] = values, miss
            continue
        if kind in ("float", "int"):
            try:
                values, b, miss = _numbers(raw, header, read, percent=canonical in percent)
            except DataError as exc:
                fail(exc, header)
            code, detail = "not_a_number", None
        else:
            fmt = read.date_format
            fmt = fmt.get(canonical) if isinstance(fmt, dict) else fmt
            try:
                values, b, miss, used = _dates(raw, header, read.na_values, fmt)
            except DataError as exc:
                fail(exc, header)
            if used and not fmt:
                notes.append(f"{label}: dates in {header!r} read as {used}")
            code, detail = ("not_a_date_format", fmt) if fmt else ("not_a_date", None)
        bad_here = b & checked if b.any() else None  # (a per-row mask only when needed)
        if bad_here is not None and bad_here.any():
            present = int((~miss & checked).sum())
            if present >= WHOLE_COLUMN and int(bad_here.sum()) == present:
                if canonical not in spec.columns and canonical not in CANONICAL[table].required:
                    # an optional column the preset guessed, not one value readable: leave it out
                    notes.append(
                        f"{label}: column {header!r} (preset mapping for {canonical}) has no "
                        f"readable value; left out"
                    )
                    continue
                fail(_unreadable(raw, header, bad_here, kind, detail), header)
            problems.append((bad_here, header, code, detail))
        columns[canonical], bad[canonical], missing[canonical] = values, b, miss

    if routed and table == "pipeline" and "status" not in columns:
        columns["status"] = _deal_status(deal_class, categorical="status" in categorical)
        missing["status"] = np.zeros(n, dtype=bool)

    for canonical in CANONICAL[table].required:
        if not missing[canonical].any():
            continue
        empty = missing[canonical] & checked
        if canonical in bad:
            empty &= ~bad[canonical]
        if empty.any():
            problems.append((empty, mapping[canonical], "empty", canonical))
    if as_of is not None and "date" in columns and table in ("sales", "activities"):
        late = columns["date"] > np.datetime64(pd.Timestamp(as_of).date(), "us")
        future = late & checked if late.any() else late
        if future.any():
            problems.append((future, mapping["date"], "after_as_of", str(as_of)))

    kept = scope
    if problems:
        rejected_mask = np.zeros(n, dtype=bool)
        for mask, *_ in problems:
            rejected_mask |= mask
        kept = scope & ~rejected_mask
    everything = not problems and bool(kept.all())
    keep = None if everything else np.flatnonzero(kept)
    frame = _frame(table, {c: _take(v, keep) for c, v in columns.items()})
    failed = _validate(table, frame, kept, keep, mapping, distinct)
    if failed:
        problems += failed
        failing = np.zeros(n, dtype=bool)
        for mask, *_ in failed:
            failing |= mask
        local = failing if keep is None else failing[keep]
        frame = frame[~local].reset_index(drop=True)
        keep = np.flatnonzero(kept & ~failing)

    amounts = columns.get("amount")
    rejected = _rejected_frame(raw, problems, table=table, label=label, amounts=amounts)
    if len(raw.dropped) and not (table == "sales" and deals_elsewhere):
        rejected = pd.concat([rejected, _dropped_frame(raw, table, label)], ignore_index=True)
        rows_read += len(raw.dropped)
    rows = raw.row_numbers.to_numpy()
    rows = rows if keep is None else rows[keep]
    if keep is not None or len(raw.dropped):  # categories of values only rejected rows held go
        frame = as_categoricals(frame, table=table)
    return _FileResult(frame=frame, rows=rows, rejected=rejected, rows_read=rows_read, notes=notes)


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


def _describe_read(label: str, table: str, raw: RawTable) -> str:
    info = raw.info
    parts = [f"{label} ({table}): {info.get('format')}"]
    if info.get("encoding"):
        parts.append(f"encoding {info['encoding']}")
    if info.get("delimiter"):
        parts.append(f"delimiter {info['delimiter']!r}")
    if info.get("sheet"):
        parts.append(f"sheet {info['sheet']!r}")
    if info.get("header_row"):
        parts.append(f"header on row {info['header_row']}")
    return ", ".join(parts)


def _norm(text: str) -> str:
    return " ".join(str(text).replace("ё", "е").replace("Ё", "Е").split()).casefold()


def _resolve(spec: InputSpec, alternatives, headers: list[str], path: Path, table: str):
    """``{canonical: header in the file}``: the engagement's header, else the preset's spellings."""
    exact = {h: h for h in headers}
    loose: dict[str, list[str]] = {}
    for h in headers:
        loose.setdefault(_norm(h), []).append(h)

    def find(name: str) -> str | None:
        if name in exact:
            return name
        hits = loose.get(_norm(name), [])
        return hits[0] if len(hits) == 1 else None

    mapping, notes = {}, []
    required = CANONICAL[table].required
    for canonical in CANONICAL[table].columns:
        explicit = spec.columns.get(canonical)
        alts = tuple(alternatives.get(canonical, ()))
        candidates = [explicit] if explicit else []
        if not explicit or explicit in alts:
            candidates += [a for a in alts if a != explicit]
        found = next((h for h in map(find, candidates) if h is not None), None)
        if found is not None:
            mapping[canonical] = found
        elif canonical in required and candidates:
            raise InputFileError(
                f"the mapped column for {canonical!r} is not in the file",
                file=str(path),
                column=candidates[0],
                key=f"inputs.{table}.columns.{canonical}",
                hint=f"columns in the file: {', '.join(headers)}. "
                f"Fix inputs.{table}.columns.{canonical} in engagement.yaml",
            )
        elif explicit:
            notes.append(f"column {explicit!r} (mapped to {canonical}) is not in the file; left empty")
    missing = [c for c in required if c not in mapping]
    if missing:
        raise InputFileError(
            f"no column is mapped to the required {', '.join(missing)}",
            file=str(path),
            key=f"inputs.{table}.columns",
            hint=f"add inputs.{table}.columns.{missing[0]}: <header> to engagement.yaml "
            f"(columns in the file: {', '.join(headers)})",
        )
    return mapping, notes


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


def _deal_status(deal_class: np.ndarray, *, categorical: bool):
    """The won / lost / open column of a routed deal export."""
    if categorical:
        return _Coded.from_values(deal_class)
    return pa.array(deal_class, type=pa.large_string())


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


def _classify(enc: DictColumn, dictionary: pa.Array, won: set[str], lost: set[str]) -> np.ndarray:
    """won / lost / open per deal from its stage text (case, spacing and ``C1:`` prefixes ignored),
    decided once per distinct stage (``dictionary``: the cleaned values of ``enc.dictionary``)."""
    names = [_stage_key(v) for v in dictionary.to_pylist()]
    cls = np.array(
        ["won" if v in won else "lost" if v in lost else "open" for v in names] + ["open"], dtype=object
    )
    return enc.lookup(cls)


def _stage_key(value) -> str:
    return re.sub(r"^c\d+:", "", _norm(value or ""))


def _stage_sets(spec: InputSpec, preset) -> tuple[set | None, set | None]:
    if spec.won_stages is None and spec.lost_stages is None and not (preset and preset.deals):
        return None, None
    won = spec.won_stages if spec.won_stages is not None else (preset.won_stages if preset else ())
    lost = spec.lost_stages if spec.lost_stages is not None else (preset.lost_stages if preset else ())
    return {_stage_key(s) for s in (*won, "won")}, {_stage_key(s) for s in (*lost, "lost")}


def _read_kinds(wanted: dict[str, str], table: str) -> dict[str, str]:
    """The kinds hint for the reader (``int`` columns are read like ``float``)."""
    return {h: "float" if k == "int" else k for h, k in wanted.items()}


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


_CHECK_CODES = [
    (re.compile(r"^(\w+) is empty$"), "empty"),
    (re.compile(r"^(\w+) is negative$"), "negative"),
    (re.compile(r"^(\w+ outside .+)$"), "out_of_range"),
    (re.compile(r"^(period is not .+)$"), "bad_period"),
]


def _check_code(text: str) -> tuple[str, str]:
    for regex, code in _CHECK_CODES:
        m = regex.match(text)
        if m:
            return code, m.group(1)
    return "check_failed", text


_STRUCTURE: dict[str, object] = {}


def _structure(table: str):
    """The table's pandera schema without its row checks (types, nulls, required columns) and
    without its :data:`CATEGORICAL` columns (:func:`_check_categoricals` checks those)."""
    if table not in _STRUCTURE:
        schema = schemas()[table]
        cat = [c for c in CATEGORICAL.get(table, ()) if c in schema.columns]
        schema = schema.remove_columns(cat)
        _STRUCTURE[table] = schema.update_columns({c: {"checks": []} for c in schema.columns})
    return _STRUCTURE[table]


def _check_categoricals(table: str, frame: pd.DataFrame) -> None:
    """The structure check of the :data:`CATEGORICAL` columns: categoricals of ``str`` values,
    present and without nulls when required (as pandera would check a ``str`` column, in a
    fraction of the time pandera takes to compare categorical dtypes)."""
    required = CANONICAL[table].required
    for c in CATEGORICAL.get(table, ()):
        if c not in frame.columns:
            if c in required:
                raise InputFileError("column check failed: column_in_dataframe", column=c)
            continue
        dtype = frame[c].dtype
        if not (isinstance(dtype, pd.CategoricalDtype) and dtype.categories.dtype == STR):
            raise InputFileError(f"column check failed: dtype('{dtype}')", column=c)
        if c in required and (frame[c].cat.codes.to_numpy() < 0).any():
            raise InputFileError("column check failed: not_nullable", column=c)


def _validate(table, frame, kept, keep, mapping, distinct) -> list:
    """Validate the rows that passed coercion against :data:`salesaudit.intake.schemas.SCHEMAS`.

    Types, nulls and required columns: lazy pandera validation of ``frame``. Row checks (non-empty
    client_id, ranges, period format): each check of the schema run by pandera on the column — on
    its distinct values for text columns (same verdicts, computed once per value), then spread over
    the rows. Returns problems over the file's rows (``kept`` = rows in ``frame``; ``keep`` = their
    positions, ``None`` when all rows are kept).
    """
    if not len(frame):
        return []
    from pandera.errors import SchemaErrors  # here, not at the top: the kernels load intake too

    _check_categoricals(table, frame)
    try:
        _structure(table).validate(frame, lazy=True, inplace=True)
    except SchemaErrors as exc:  # a wrong dtype or a null here is a bug in coercion, not bad data
        case = exc.failure_cases.iloc[0]
        raise InputFileError(f"column check failed: {case['check']}", column=str(case["column"])) from None
    n = len(kept)
    out = []
    for column, spec in schemas()[table].columns.items():
        if column not in frame or not spec.checks:
            continue
        for check in spec.checks:
            if column in distinct:
                enc, values = distinct[column]
                verdict = check(values.to_pandas(types_mapper=lambda _: STR)).check_output
                failed_u = np.append(~verdict.to_numpy(dtype=bool), False)  # last: an empty cell
                if not failed_u.any():
                    continue
                mask = enc.lookup(failed_u) & kept
            else:
                verdict = check(frame[column]).check_output
                failed = verdict.index[~verdict.to_numpy(dtype=bool)].to_numpy()
                if not len(failed):
                    continue
                mask = np.zeros(n, dtype=bool)
                mask[failed if keep is None else keep[failed]] = True
            if mask.any():
                code, detail = _check_code(str(check.error))
                out.append((mask, mapping.get(column, column), code, detail))
    return out


def _rejected_frame(raw: RawTable, problems, *, table: str, label: str, amounts) -> pd.DataFrame:
    parts = []
    rows = raw.row_numbers.to_numpy()
    for mask, header, code, detail in problems:
        idx = np.flatnonzero(mask)
        if not len(idx):
            continue
        values = raw.text_at(header, idx)
        amount = np.asarray(amounts)[idx] if isinstance(amounts, np.ndarray) else np.full(len(idx), np.nan)
        parts.append(
            pd.DataFrame(
                {
                    "table": table,
                    "file": label,
                    "row": rows[idx].astype(np.int64),
                    "column": str(header),
                    "value": ["" if v is None else v for v in values],
                    "reason": t(REASONS[code], "en", detail=detail),
                    "reason_code": code,
                    "detail": detail,
                    "amount": amount,
                }
            )
        )
    if not parts:
        return _empty_rejected()
    return pd.concat(parts, ignore_index=True).sort_values(["row", "column"], kind="stable")


def _dropped_frame(raw: RawTable, table: str, label: str) -> pd.DataFrame:
    """Totals rows and malformed lines set aside by the reader, in the rejected layout."""
    dropped = raw.dropped
    detail = np.where(dropped["reason_code"] == "wrong_field_count", dropped["reason"], None)
    return pd.DataFrame(
        {
            "table": table,
            "file": label,
            "row": dropped["row"].to_numpy(),
            "column": dropped["column"].to_numpy(),
            "value": dropped["value"].fillna("").to_numpy(),
            "reason": [
                t(REASONS[c], "en", detail=d) for c, d in zip(dropped["reason_code"], detail, strict=True)
            ],
            "reason_code": dropped["reason_code"].to_numpy(),
            "detail": detail,
            "amount": np.nan,
        }
    )


def _empty_rejected() -> pd.DataFrame:
    dtypes = {"row": "int64", "amount": "float64"}
    return pd.DataFrame({c: pd.Series(dtype=dtypes.get(c, STR)) for c in REJECTED_COLUMNS})


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


def as_categoricals(frame: pd.DataFrame, *, table: str) -> pd.DataFrame:
    """``frame`` with its :data:`CATEGORICAL` columns as intake holds them: categoricals whose
    categories are the values present, as ``str``, sorted (so sorting by the column sorts by text).

    Text or categorical columns are accepted; a frame already in that form is returned as is.

    Examples
    --------
    >>> sales = pd.DataFrame({"client_id": pd.Series(["b", "a", None, "b"], dtype="str")})
    >>> out = as_categoricals(sales, table="sales")
    >>> list(out["client_id"].cat.categories), out["client_id"].isna().tolist()
    (['a', 'b'], [False, False, True, False])
    """
    changed = {}
    for c in CATEGORICAL.get(table, ()):
        if c not in frame.columns:
            continue
        values = original = frame[c]
        if not isinstance(values.dtype, pd.CategoricalDtype):
            values = values.astype(STR).astype("category")
        cats = values.cat.categories
        if cats.dtype != STR:
            values = values.cat.rename_categories(pd.Index(cats.astype(STR)))
        if not values.cat.categories.is_monotonic_increasing:
            values = values.cat.reorder_categories(values.cat.categories.sort_values())
        values = _used_categories(values)
        if values is not original:
            changed[c] = values
    return frame.assign(**changed) if changed else frame


def _used_categories(values: pd.Series) -> pd.Series:
    """The categorical without the categories no kept row uses (values of rejected rows)."""
    codes = values.cat.codes.to_numpy()
    seen = np.zeros(len(values.cat.categories) + 1, dtype=bool)
    seen[codes] = True  # code -1 (missing) marks the last slot
    used = seen[:-1]
    if used.all():
        return values
    remap = np.full(len(used) + 1, -1, dtype=codes.dtype)  # last slot: missing (code -1)
    remap[:-1][used] = np.arange(int(used.sum()), dtype=codes.dtype)
    dtype = pd.CategoricalDtype(values.cat.categories[used])
    return pd.Series(
        pd.Categorical.from_codes(remap[codes], dtype=dtype, validate=False),
        index=values.index,
        name=values.name,
    )


def _blank(kind: str, n: int, *, categorical: bool = False):
    if categorical:
        return _Coded(codes=np.full(n, -1, dtype=np.int8), categories=pa.array([], pa.large_string()))
    if kind == "str":
        return pa.nulls(n, type=pa.large_string())
    if kind == "date":
        return np.full(n, NAT)
    return np.full(n, np.nan)


# ------------------------------------------------------------------------------------------------
# Rejection reasons in the report's language


def localize_rejected(rejected: pd.DataFrame, *, lang: str) -> pd.DataFrame:
    """A copy of ``rejected`` whose ``reason`` is in ``lang`` (``ru`` or ``en``).

    Examples
    --------
    >>> rej = pd.DataFrame({"reason": ["not a number"], "reason_code": ["not_a_number"],
    ...                     "detail": [None]})
    >>> localize_rejected(rej, lang="ru")["reason"].tolist()
    ['не число']
    """
    if not len(rejected):
        return rejected.copy()
    reasons = [
        t(REASONS[code], lang, detail=detail if isinstance(detail, str) else "")
        for code, detail in zip(rejected["reason_code"], rejected["detail"], strict=True)
    ]
    return rejected.assign(reason=pd.Series(reasons, index=rejected.index, dtype=STR))


def reason_text(code: str, *, lang: str, detail: str | None = None) -> str:
    """One rejection reason in ``lang``.

    Examples
    --------
    >>> reason_text("after_as_of", lang="en")
    'date is after the as-of date'
    """
    return t(REASONS[code], lang, detail=detail or "")
