"""The other files a table's rows are joined with or look values up in: ``inputs.<table>.join`` (order
headers for a file of order lines) and ``inputs.<table>.lookups`` (employee number -> name, region ->
regional manager). Each such file is read once per table (:class:`LinkedFiles`), with
:func:`~salesaudit.intake.readers.read_raw` and its own ``read`` settings.

Matching
--------
Keys match exactly after trimming spaces at both ends (text as the reader gives it: an Excel number
``42`` is the text ``42``). An empty key matches nothing. A ``join.on`` of several headers matches when
every part does.

Join: how rows count
--------------------
The table's own ``files`` are the lines; each line takes the columns of the header row whose ``on``
values match (under their own names, and always as ``"join.<header>"`` too — the only name of a
header-file column whose name the lines file also has). A line with no matching header row is rejected
("no order header for this key in <file>"). A header row is *used* when at least one line of any of the
table's files matched it, whatever then happened to that line; a header row no line matched is
rejected ("order header without lines"), so the header file has its own accounting line:
rows read = used + rejected (its totals rows and malformed lines rejected as in any file). Two header
rows with the same key stop intake with one :class:`~salesaudit.exceptions.DataError` naming the file,
the key and both rows: the key must identify one order.

Lookups: how rows count
-----------------------
A lookup file is reference data, not rows of the table: it has no accounting line. Every row of the
table is kept: a row whose ``on`` value is in the lookup gets the ``value`` of that key; a row whose
``on`` value is not keeps that value as written (an employee number stays visible in the report
rather than the row's revenue going missing), and one note per file counts them and names two; an
empty ``on`` cell leaves the column empty (a required column then rejects the row as empty). One key
with two different values in the lookup file stops intake with one error naming the file, the key and
both values; the same key repeated with the same value is fine.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..engine.config import InputSpec, Join, Lookup, expand_files
from ..exceptions import DataError, InputFileError
from .assemble import _FileResult
from .mapping import _norm
from .parsing import NAT
from .raw import RawTable
from .readers import read_raw
from .rejections import _dropped_frame, _rejected_frame

JOIN_PREFIX = "join."
_SEP = "\x1f"


def find_header(name: str, headers: list[str]) -> str | None:
    """``name`` among ``headers``: exactly, else the one header equal to it ignoring case, spacing
    and ё (as ``columns`` are matched); ``None`` when there is none or more than one."""
    if name in headers:
        return name
    hits = [h for h in headers if _norm(h) == _norm(name)]
    return hits[0] if len(hits) == 1 else None


def missing_header(name: str, raw: RawTable, *, path: Path, key: str, what: str) -> InputFileError:
    return InputFileError(
        f"{what} {name!r} is not a column of the file",
        file=str(path),
        column=name,
        key=key,
        hint=f"columns in the file: {', '.join(raw.headers)}. Fix {key} in engagement.yaml",
    )


def clean_text(arr) -> pa.Array:
    """Text trimmed at both ends, an empty cell as null."""
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
        arr = arr.cast(pa.large_string())
    trimmed = pc.utf8_trim_whitespace(arr)
    return pc.if_else(pc.equal(trimmed, ""), pa.scalar(None, trimmed.type), trimmed)


def _keys(raw: RawTable, headers: list[str]) -> pa.Array:
    parts = [clean_text(raw.column(h)) for h in headers]
    if len(parts) == 1:
        return parts[0]
    return pc.binary_join_element_wise(*parts, _SEP)


def _show(key) -> str:
    return " / ".join(str(key).split(_SEP))


@dataclass
class _HeaderFile:
    path: Path
    label: str
    raw: RawTable
    on: list[str]  # the key headers, as in this file
    used: np.ndarray = field(default=None)


class _Headers:
    """The order-header files of one table's ``join``, read once, indexed by key."""

    def __init__(self, join: Join, paths: list[Path], *, table: str, hints: list[str]) -> None:
        self.table, self.join = table, join
        self.key = f"inputs.{table}.join"
        self.files: list[_HeaderFile] = []
        for path in paths:
            raw = read_raw(path, options=join.read, headers=list(join.on.values()) + hints)
            on = []
            for name in join.on.values():
                found = find_header(name, raw.headers)
                if found is None:
                    raise missing_header(name, raw, path=path, key=f"{self.key}.on", what="the key header")
                on.append(found)
            self.files.append(_HeaderFile(path, path.name, raw, on, np.zeros(len(raw), dtype=bool)))
        keys = [_keys(f.raw, f.on) for f in self.files]
        self.keys = pa.concat_arrays([k.cast(pa.large_string()) for k in keys])
        self.owner = np.repeat(np.arange(len(self.files)), [len(f.raw) for f in self.files])
        self.offset = np.cumsum([0] + [len(f.raw) for f in self.files])
        self._check_unique()
        self.columns, self.numbers, self.dates = self._columns()

    def _check_unique(self) -> None:
        keys = pd.Series(self.keys.to_pandas(), dtype=object)
        dup = keys.notna() & keys.duplicated(keep=False)
        if not dup.any():
            return
        first = keys[dup].iloc[0]
        where = np.flatnonzero((keys == first).to_numpy())[:2]
        places = []
        for i in where:
            f = self.files[self.owner[i]]
            places.append(f"{f.label} row {int(f.raw.row_numbers.iloc[i - self.offset[self.owner[i]]])}")
        f = self.files[self.owner[where[1]]]
        raise DataError(
            f"the order key {_show(first)!r} is on two header rows ({' and '.join(places)}): "
            "the key must identify one order",
            file=str(f.path),
            column=", ".join(f.on),
            value=_show(first),
            key=f"{self.key}.on",
            hint=f"{self.key}.on must name the header(s) that identify an order in the header file",
        )

    def _columns(self):
        """Every header-file column but the key, over all header files, in file order."""
        names: list[str] = []
        for f in self.files:
            names += [h for h in f.raw.headers if h not in f.on and h not in names]
        columns, numbers, dates = {}, {}, {}
        for h in names:
            parts = [
                f.raw.column(h).cast(pa.large_string())
                if h in f.raw.columns
                else pa.nulls(len(f.raw), pa.large_string())
                for f in self.files
            ]
            columns[h] = pa.chunked_array(
                [c for p in parts for c in (p.chunks if isinstance(p, pa.ChunkedArray) else [p])],
                type=pa.large_string(),
            )
            if any(h in f.raw.numbers for f in self.files):
                numbers[h] = np.concatenate(
                    [f.raw.numbers.get(h, np.full(len(f.raw), np.nan)) for f in self.files]
                )
            if any(h in f.raw.dates for f in self.files):
                dates[h] = np.concatenate([f.raw.dates.get(h, np.full(len(f.raw), NAT)) for f in self.files])
        return columns, numbers, dates

    def attach(self, raw: RawTable, *, path: Path) -> tuple[RawTable, list[tuple]]:
        """The lines ``raw`` with the matching header row's columns added, and the "no order header"
        problem of the lines that match none."""
        on = []
        for name in self.join.on:
            found = find_header(name, raw.headers)
            if found is None:
                raise missing_header(name, raw, path=path, key=f"{self.key}.on", what="the lines' key header")
            on.append(found)
        idx = pc.index_in(_keys(raw, on), value_set=self.keys)
        matched = ~np.asarray(pc.is_null(idx).to_numpy(zero_copy_only=False), dtype=bool)
        pos = np.asarray(pc.fill_null(idx, 0).to_numpy(zero_copy_only=False), dtype=np.int64)
        hit = pos[matched]
        for i, f in enumerate(self.files):
            mine = hit[self.owner[hit] == i] - self.offset[i]
            f.used[mine] = True
        take = pa.array(pos, mask=~matched)
        columns = dict(raw.columns)
        numbers, dates = dict(raw.numbers), dict(raw.dates)
        for h, col in self.columns.items():
            joined = col.take(take)
            names = [JOIN_PREFIX + h] + ([h] if h not in raw.columns else [])
            for name in names:
                columns[name] = joined
                if h in self.numbers:
                    numbers[name] = np.where(matched, self.numbers[h][pos], np.nan)
                if h in self.dates:
                    dates[name] = np.where(matched, self.dates[h][pos], NAT)
        out = replace(
            raw, columns=columns, numbers=numbers, dates=dates, _encoded=dict(raw._encoded), _frame=None
        )
        problems = []
        if not matched.all():
            labels = ", ".join(f.label for f in self.files)
            problems.append((~matched, on[0], "no_header", labels))
        return out, problems

    def results(self) -> list[tuple[str, _FileResult]]:
        """Each header file's accounting: rows no line matched rejected, totals rows too."""
        out = []
        for f in self.files:
            problems = [(~f.used, f.on[0], "header_without_lines", None)]
            rejected = _rejected_frame(f.raw, problems, table=self.table, label=f.label, amounts=None)
            if len(f.raw.dropped):
                rejected = pd.concat(
                    [rejected, _dropped_frame(f.raw, self.table, f.label)], ignore_index=True
                )
            rows_read = len(f.raw) + len(f.raw.dropped)
            frame = pd.DataFrame()
            out.append(
                (
                    f.label,
                    _FileResult(
                        frame=frame,
                        rows=np.zeros(0, np.int32),
                        rejected=rejected,
                        rows_read=rows_read,
                        notes=[],
                    ),
                )
            )
        return out


@dataclass
class _LookupTable:
    label: str
    keys: pa.Array
    values: pa.Array


def _read_lookup(lookup: Lookup, paths: list[Path], *, key: str) -> _LookupTable:
    """The lookup's files as one table of unique keys and their values."""
    frames = []
    for path in paths:
        raw = read_raw(path, options=lookup.read, headers=[lookup.key, lookup.value])
        found = {}
        for what in ("key", "value"):
            name = getattr(lookup, what)
            found[what] = find_header(name, raw.headers)
            if found[what] is None:
                raise missing_header(name, raw, path=path, key=f"{key}.{what}", what=f"the {what} header")
        frames.append(
            pd.DataFrame(
                {
                    "key": clean_text(raw.column(found["key"])).to_pandas(),
                    "value": clean_text(raw.column(found["value"])).to_pandas(),
                    "row": raw.row_numbers.to_numpy(),
                    "file": str(path),
                    "header": found["key"],
                }
            )
        )
    table = pd.concat(frames, ignore_index=True)
    table = table[table["key"].notna()].drop_duplicates(["key", "value"])
    clash = table["key"].duplicated(keep=False)
    if clash.any():
        first = table[clash].iloc[0]["key"]
        two = table[table["key"] == first].iloc[:2]
        a, b = two.iloc[0], two.iloc[1]
        raise DataError(
            f"the key {first!r} has two values in the lookup: {a['value']!r} (row {a['row']}) and "
            f"{b['value']!r} (row {b['row']})",
            file=b["file"],
            row=int(b["row"]),
            column=b["header"],
            value=first,
            key=key,
            hint="a lookup key must give one value: correct the lookup file or choose another key header",
        )
    label = ", ".join(p.name for p in paths)
    keys = pa.array(table["key"].tolist(), type=pa.large_string())
    values = pa.array(table["value"].tolist(), type=pa.large_string())
    return _LookupTable(label, keys, values)


class LinkedFiles:
    """The join's header files and the lookups' files of one table, each read once (on first use)
    however many files the table has; ``folder``: where relative paths start (the engagement
    folder)."""

    def __init__(
        self, table: str, spec: InputSpec, *, folder: Path | None = None, allow_outside: bool = False
    ) -> None:
        self.table, self.spec, self.folder = table, spec, folder
        self.allow_outside = allow_outside
        self._headers: _Headers | None = None
        self._lookups: dict[str, _LookupTable] = {}

    def headers(self) -> _Headers:
        if self._headers is None:
            hints = list(self.spec.columns.values())
            paths = expand_files(
                self.spec.join.files,
                self.folder,
                key=f"inputs.{self.table}.join.files",
                allow_outside=self.allow_outside,
            )
            self._headers = _Headers(self.spec.join, paths, table=self.table, hints=hints)
        return self._headers

    def lookup(self, canonical: str) -> _LookupTable:
        if canonical not in self._lookups:
            spec = self.spec.lookups[canonical]
            key = f"inputs.{self.table}.lookups.{canonical}"
            files = expand_files(
                spec.files, self.folder, key=f"{key}.files", allow_outside=self.allow_outside
            )
            self._lookups[canonical] = _read_lookup(spec, files, key=key)
        return self._lookups[canonical]

    def header_results(self) -> list[tuple[str, _FileResult]]:
        """The accounting of the join's header files (none without a join, or before any line was
        read)."""
        return self._headers.results() if self._headers is not None else []


def look_up(raw: RawTable, canonical: str, lookup: Lookup, table: _LookupTable, *, path: Path, key: str):
    """The looked-up column of ``raw`` (Arrow text) and the note on unmatched values (or None)."""
    on = find_header(lookup.on, raw.headers)
    if on is None:
        raise missing_header(lookup.on, raw, path=path, key=f"{key}.on", what="the header")
    values = clean_text(raw.column(on))
    idx = pc.index_in(values, value_set=table.keys)
    found = pc.take(table.values, idx)
    unmatched = pc.and_(pc.is_null(idx), pc.is_valid(values))
    column = pc.if_else(unmatched, values, found)
    n = pc.sum(unmatched).as_py() or 0
    note = None
    if n:
        examples = pc.unique(pc.filter(values, unmatched)).to_pylist()[:2]
        note = (
            f"{n} row(s) have a {on!r} value not found in {table.label} "
            f"(e.g. {', '.join(map(repr, examples))}): {canonical} kept as that value"
        )
    return pa.chunked_array([column.cast(pa.large_string())]), note
