"""One client file to one canonical table's rows, step by step: read the cells, join / look up / filter
/ derive as ``engagement.yaml`` says (:mod:`~salesaudit.intake.transform`), map the headers, route a
deal export's rows, coerce each column, reject empty required cells, implausible dates and numbers
(:mod:`~salesaudit.intake.plausible`) and dates after ``as_of``, validate against the schema, and
list every rejected row with its reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from ..engine.config import InputSpec, ReadOptions
from ..exceptions import DataError, SalesAuditError
from .assemble import _FileResult, _frame
from .categoricals import CATEGORICAL, as_categoricals
from .coercion import WHOLE_COLUMN, _dates, _numbers, _take, _text, _unreadable
from .deals import _deal_status, route_deals
from .linked import LinkedFiles
from .mapping import _describe_read, _read_kinds, _resolve, effective_read
from .plausible import Bounds, dates_out_of_range, numbers_out_of_range, plausible_bounds
from .presets import get_preset
from .raw import RawTable
from .readers import read_raw
from .rejections import _dropped_frame, _rejected_frame
from .schemas import CANONICAL
from .transform import narrow, referenced_headers, referenced_kinds, transform
from .validation import _validate


@dataclass
class _Conforming:
    """One file on its way to its canonical table: what the steps share and add to."""

    path: Path
    table: str
    spec: InputSpec
    read: ReadOptions
    raw: RawTable
    label: str
    mapping: dict[str, str]  # canonical column -> header in the file
    notes: list[str]
    problems: list[tuple] = field(default_factory=list)  # (mask, header, code, detail)
    columns: dict[str, object] = field(default_factory=dict)
    distinct: dict[str, tuple] = field(default_factory=dict)  # text: (DictColumn, cleaned distinct values)
    bad: dict[str, np.ndarray] = field(default_factory=dict)
    missing: dict[str, np.ndarray] = field(default_factory=dict)
    implausible: dict[str, np.ndarray] = field(default_factory=dict)  # canonical -> out of range

    @property
    def n(self) -> int:
        return len(self.raw)

    def fail(self, exc: SalesAuditError, header: str) -> None:
        """Raise ``exc`` naming this file, the column, the setting and (if found) the row."""
        exc.file, exc.column = str(self.path), header
        exc.key = exc.key or f"inputs.{self.table}.read"
        if exc.value is not None and exc.row is None:
            hit = pc.index(self.raw.column(header), str(exc.value)).as_py()
            if hit is not None and hit >= 0:
                exc.row = int(self.raw.row_numbers.iloc[hit])
        if exc.hint:
            exc.hint = exc.hint.replace("<table>", self.table)
        raise exc


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
    linked: LinkedFiles | None = None,
    bounds: Bounds | None = None,
) -> _FileResult:
    """One file's rows of ``table``: the canonical frame, its row numbers, the rejected rows and
    ``rows_read`` (see :mod:`salesaudit.intake.canonical` for the accounting). ``raw``: the file's
    cells when already read for another table; ``keep_raw[key]`` receives them when read here.
    ``linked``: the table's join and lookup files, read once for all its files (read here when
    ``None``); ``join``, ``lookups``, ``exclude`` and ``derive`` are applied right after reading
    (:mod:`~salesaudit.intake.transform`). ``bounds``: the plausible dates and numbers (None: the
    defaults for ``as_of``, :func:`~salesaudit.intake.plausible.plausible_bounds`)."""
    bounds = bounds if bounds is not None else plausible_bounds(as_of=as_of)
    preset = get_preset(spec.preset, key=f"inputs.{table}.preset")
    alternatives = dict(preset.tables.get(table, {})) if preset else {}
    read = effective_read(spec)
    if raw is None:
        raw = _read_cells(path, table=table, spec=spec, read=read, alternatives=alternatives)
        if keep_raw is not None:
            keep_raw[key] = raw
    notes = [_describe_read(label, table, raw)]
    shaped = transform(raw, path=path, table=table, spec=spec, read=read, label=label, linked=linked)
    raw, spec, notes = shaped.raw, shaped.spec, notes + shaped.notes
    mapping, missing_notes = _resolve(spec, alternatives, raw.headers, path, table)
    notes += [f"{label}: {m}" for m in missing_notes]
    percent = set(spec.percent_columns) | {
        c for c, h in mapping.items() if preset and h in preset.percent_headers
    }
    f = _Conforming(
        path=path, table=table, spec=spec, read=read, raw=raw, label=label, mapping=mapping, notes=notes
    )
    scope, checked, deal_class, f.problems = route_deals(
        raw,
        path=path,
        table=table,
        spec=spec,
        read=read,
        preset=preset,
        mapping=mapping,
        deals_elsewhere=deals_elsewhere,
    )
    rows_read = int(scope.sum())
    transformed, checked = narrow(shaped.problems, checked)
    f.problems += transformed
    _coerce_columns(f, checked=checked, deal_class=deal_class, percent=percent)
    _reject_implausible(f, checked=checked, bounds=bounds)
    _reject_empty_and_late(f, checked=checked, as_of=as_of)
    frame, keep = _keep_valid(f, scope=scope)
    return _result(f, frame, keep, rows_read=rows_read, deals_elsewhere=deals_elsewhere)


def _read_cells(path: Path, *, table: str, spec: InputSpec, read: ReadOptions, alternatives) -> RawTable:
    """The file's cells, the header row found by the mapped headers, the used columns typed."""
    kinds = CANONICAL[table].columns
    hints = list(spec.columns.values()) + [h for hs in alternatives.values() for h in hs]
    hints += referenced_headers(spec)
    wanted = {h: kinds[c] for c, hs in alternatives.items() for h in hs}
    wanted.update({h: kinds[c] for c, h in spec.columns.items()})
    wanted.update({h: k for h, k in referenced_kinds(spec, table).items() if h not in wanted})
    return read_raw(path, options=read, headers=hints, kinds=_read_kinds(wanted, table))


def _coerce_columns(f: _Conforming, *, checked: np.ndarray, deal_class, percent: set[str]) -> None:
    """Every mapped column in its canonical type (``f.columns``, ``f.bad``, ``f.missing``); a routed
    deal export's ``status`` is its deal class."""
    kinds = CANONICAL[f.table].columns
    categorical = CATEGORICAL.get(f.table, ())
    for canonical, header in f.mapping.items():
        kind = kinds[canonical]
        if kind != "str":
            _coerce_parsed(f, canonical, header, kind, checked=checked, percent=canonical in percent)
        elif deal_class is not None and canonical == "status":
            f.columns[canonical] = _deal_status(deal_class, categorical=canonical in categorical)
            f.missing[canonical] = np.zeros(f.n, dtype=bool)
        else:
            values, miss, f.distinct[canonical] = _text(
                f.raw,
                header,
                f.read.na_values,
                f.spec.recode.get(canonical),
                categorical=canonical in categorical,
            )
            f.columns[canonical], f.missing[canonical] = values, miss
    if deal_class is not None and f.table == "pipeline" and "status" not in f.columns:
        f.columns["status"] = _deal_status(deal_class, categorical="status" in categorical)
        f.missing["status"] = np.zeros(f.n, dtype=bool)


def _coerce_parsed(f: _Conforming, canonical: str, header: str, kind: str, *, checked, percent: bool) -> None:
    """A number or date column; its unreadable cells are problems. A column of which not one value
    reads (among at least :data:`WHOLE_COLUMN`) stops the run — or, an optional column the preset
    mapped by itself, is left out with a note."""
    if kind in ("float", "int"):
        try:
            values, b, miss = _numbers(f.raw, header, f.read, percent=percent)
        except DataError as exc:
            f.fail(exc, header)
        code, detail = "not_a_number", None
    else:
        fmt = f.read.date_format
        fmt = fmt.get(canonical) if isinstance(fmt, dict) else fmt
        try:
            values, b, miss, used = _dates(f.raw, header, f.read.na_values, fmt)
        except DataError as exc:
            f.fail(exc, header)
        if used and not fmt:
            f.notes.append(f"{f.label}: dates in {header!r} read as {used}")
        code, detail = ("not_a_date_format", fmt) if fmt else ("not_a_date", None)
    bad_here = b & checked if b.any() else None  # (a per-row mask only when needed)
    if bad_here is not None and bad_here.any():
        present = int((~miss & checked).sum())
        if present >= WHOLE_COLUMN and int(bad_here.sum()) == present:
            if canonical not in f.spec.columns and canonical not in CANONICAL[f.table].required:
                # an optional column the preset guessed, not one value readable: leave it out
                f.notes.append(
                    f"{f.label}: column {header!r} (preset mapping for {canonical}) has no "
                    f"readable value; left out"
                )
                return
            f.fail(_unreadable(f.raw, header, bad_here, kind, detail), header)
        f.problems.append((bad_here, header, code, detail))
    f.columns[canonical], f.bad[canonical], f.missing[canonical] = values, b, miss


def _reject_implausible(f: _Conforming, *, checked: np.ndarray, bounds: Bounds) -> None:
    """Problems for dates outside the plausible range and for infinite or absurd numbers, in every
    date and number column (:mod:`~salesaudit.intake.plausible`); ``f.implausible`` keeps the masks."""
    kinds = CANONICAL[f.table].columns
    for canonical, values in f.columns.items():
        kind = kinds[canonical]
        if kind == "date":
            out, code, detail = dates_out_of_range(values, bounds), "date_out_of_range", bounds.dates
        elif kind in ("float", "int") and isinstance(values, np.ndarray):
            out, code, detail = numbers_out_of_range(values, bounds), "amount_out_of_range", bounds.amounts
        else:
            continue
        if out.any():
            out &= checked
            if out.any():
                f.implausible[canonical] = out
                f.problems.append((out, f.mapping[canonical], code, detail))


def _reject_empty_and_late(f: _Conforming, *, checked: np.ndarray, as_of) -> None:
    """Problems for empty required cells (that are not already unreadable) and for sales or
    activities dated after ``as_of``."""
    for canonical in CANONICAL[f.table].filled:  # (issue 12: a pipeline amount may be empty)
        if not f.missing[canonical].any():
            continue
        empty = f.missing[canonical] & checked
        if canonical in f.bad:
            empty &= ~f.bad[canonical]
        if empty.any():
            f.problems.append((empty, f.mapping[canonical], "empty", canonical))
    if as_of is not None and "date" in f.columns and f.table in ("sales", "activities"):
        late = f.columns["date"] > np.datetime64(pd.Timestamp(as_of).date(), "us")
        future = late & checked if late.any() else late
        if "date" in f.implausible:  # already rejected as out of range: one reason for the cell
            future &= ~f.implausible["date"]
        if future.any():
            f.problems.append((future, f.mapping["date"], "after_as_of", str(as_of)))


def _keep_valid(f: _Conforming, *, scope: np.ndarray) -> tuple[pd.DataFrame, np.ndarray | None]:
    """The canonical frame of the rows in ``scope`` without a problem, checked against the schema
    (its failures added to the problems); and the kept rows' positions (``None``: every row)."""
    kept = scope
    if f.problems:
        rejected_mask = np.zeros(f.n, dtype=bool)
        for mask, *_ in f.problems:
            rejected_mask |= mask
        kept = scope & ~rejected_mask
    everything = not f.problems and bool(kept.all())
    keep = None if everything else np.flatnonzero(kept)
    frame = _frame(f.table, {c: _take(v, keep) for c, v in f.columns.items()})
    failed = _validate(f.table, frame, kept, keep, f.mapping, f.distinct)
    if failed:
        f.problems += failed
        failing = np.zeros(f.n, dtype=bool)
        for mask, *_ in failed:
            failing |= mask
        local = failing if keep is None else failing[keep]
        frame = frame[~local].reset_index(drop=True)
        keep = np.flatnonzero(kept & ~failing)
    return frame, keep


def _result(f: _Conforming, frame, keep, *, rows_read: int, deals_elsewhere: bool) -> _FileResult:
    """The file's result: kept rows' numbers, rejected rows (the reader's totals rows and malformed
    lines too, except on the sales side of a shared deal export) and ``rows_read``."""
    amounts = f.columns.get("amount")
    if "amount" in f.implausible:  # an absurd amount is no revenue share of anything
        amounts = np.where(f.implausible["amount"], np.nan, amounts)
    rejected = _rejected_frame(f.raw, f.problems, table=f.table, label=f.label, amounts=amounts)
    if len(f.raw.dropped) and not (f.table == "sales" and deals_elsewhere):
        rejected = pd.concat([rejected, _dropped_frame(f.raw, f.table, f.label)], ignore_index=True)
        rows_read += len(f.raw.dropped)
    rows = f.raw.row_numbers.to_numpy()
    rows = rows if keep is None else rows[keep]
    if keep is not None or len(f.raw.dropped):  # categories of values only rejected rows held go
        frame = as_categoricals(frame, table=f.table)
    return _FileResult(frame=frame, rows=rows, rejected=rejected, rows_read=rows_read, notes=f.notes)
