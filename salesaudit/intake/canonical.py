"""Intake: the client's files become the canonical tables, and every row is accounted for.

Only intake reads client files (through :mod:`salesaudit.intake.readers`); files are opened read-only
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

``join``, ``lookups``, ``exclude`` and ``derive`` keep the accounting per file: a filtered-out row, or
one whose derived value cannot be computed, is read and rejected with its reason; a join's order-header
file gets its own line (rows no order line matched are rejected); a lookup file is reference data
without a line (:mod:`~salesaudit.intake.transform`, :mod:`~salesaudit.intake.linked`).

Files, archives, folders
------------------------
A ``.gz`` file and each member of a ``.zip`` is a file of its own here — in the accounting, in
``rejected`` and in ``_file`` (``archive.zip:2025-01.csv``); a folder stands for its readable files
(:mod:`~salesaudit.intake.sources`).

Errors, not rejections
----------------------
A problem with the settings rather than with some rows stops the run with one
:class:`~salesaudit.exceptions.SalesAuditError` naming the file, column, row and value: a column
mapped in ``columns`` (required or optional) missing from the file, a header that only another
delimiter splits, an ambiguous day/month order or decimal mark, a date format that is not one, a
number or date column of which not one value (among at least :data:`WHOLE_COLUMN`) reads, and a date
or number format that rejects more than ``intake.max_rejected_share`` of a table's rows or revenue
(:mod:`~salesaudit.intake.tolerance`) — that is a wrong format, decimal mark or mapping, not hundreds
of bad rows. (An optional column that a preset mapped by itself is left out with a note instead.)

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

Where each step lives
---------------------
This module reads the engagement's files table by table and keeps the row accounting
(:class:`Intake`). One file becomes one table's rows in :mod:`~salesaudit.intake.conform`, step by
step: :mod:`~salesaudit.intake.mapping` (headers to canonical columns),
:mod:`~salesaudit.intake.deals` (routing a deal export by stage), :mod:`~salesaudit.intake.coercion`
(text, numbers, dates), :mod:`~salesaudit.intake.validation` (the schema's checks) and
:mod:`~salesaudit.intake.rejections` (the rejected rows and their reasons);
:mod:`~salesaudit.intake.assemble` puts the files of a table together and
:mod:`~salesaudit.intake.categoricals` holds the :data:`CATEGORICAL` columns' form.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..engine.config import Engagement, InputSpec
from ..exceptions import ConfigError, SalesAuditError
from .assemble import _assemble
from .categoricals import CATEGORICAL, as_categoricals
from .coercion import WHOLE_COLUMN
from .conform import _read_table_file
from .linked import LinkedFiles
from .mapping import effective_read
from .names import empty_log, unify_names
from .plausible import plausible_bounds
from .raw import RawTable
from .rejections import REJECTED_COLUMNS, _empty_rejected, localize_rejected, reason_text
from .sources import Source, sources_of
from .tolerance import check_rejected_share

ACCOUNTING_COLUMNS = ["table", "file", "rows_read", "rows_used", "rows_rejected"]


@dataclass
class Intake:
    """What intake produced.

    ``tables``: ``{table: DataFrame}`` in canonical columns (the :data:`CATEGORICAL` ones as
    categoricals) plus ``_file`` (categorical) and ``_row`` (int32: the row as the user sees it in
    that file); ``rejected``: one row per problem, columns
    :data:`REJECTED_COLUMNS`; ``accounting``: one row per (table, file), columns
    :data:`ACCOUNTING_COLUMNS`; ``notes``: what was detected or assumed (encoding, delimiter,
    header row, sheet, date formats), one sentence each;
    ``names``: the spellings of managers and client ids unified across tables (or kept apart), the
    log of :func:`salesaudit.intake.names.unify_names`.
    """

    tables: dict[str, pd.DataFrame]
    rejected: pd.DataFrame
    accounting: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    names: pd.DataFrame = field(default_factory=empty_log)

    def table(self, name: str) -> pd.DataFrame | None:
        return self.tables.get(name)


# ------------------------------------------------------------------------------------------------
# Engagement level


def read_engagement(eng: Engagement, *, progress: Callable[[str, int, int], None] | None = None) -> Intake:
    """Read every table configured in ``eng.inputs`` (see the module docstring for the accounting);
    ``progress(label, done, total)`` hears of each file before it is read, ``("", total, total)`` last.

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
    files = {table: _sources(eng, table) for table in eng.inputs}
    pipeline_files = {_ident(p) for p in files.get("pipeline", [])}
    labels = _labels(files)
    told, raws = _told(files, labels, progress), dict[tuple, RawTable]()
    shared = {_ident(p) for p in files.get("sales", [])} & pipeline_files
    tables, rejected, accounting, notes = {}, [], [], []
    bounds = plausible_bounds(eng.intake, as_of=eng.as_of)
    for table in _order(eng.inputs):
        spec = eng.inputs[table]
        results, names = [], []
        linked = _linked_files(eng, table)
        for path in told(files[table]):
            key = (_ident(path), _read_key(spec))
            raw = raws.get(key)
            deals_elsewhere = table == "sales" and _ident(path) in pipeline_files
            with _in_table(table):
                res = _read_table_file(
                    path,
                    table=table,
                    spec=spec,
                    as_of=eng.as_of,
                    raw=raw,
                    label=labels[path],
                    deals_elsewhere=deals_elsewhere,
                    keep_raw=raws if _ident(path) in shared else None,
                    key=key,
                    linked=linked,
                    bounds=bounds,
                )
            results.append(res)
            names.append(labels[path])
            rejected.append(res.rejected)
            notes.extend(res.notes)
            accounting.append(_accounting_line(table, labels[path], res))
        for label, res in linked.header_results() if linked else ():  # a join's order-header files
            rejected.append(res.rejected)
            accounting.append(_accounting_line(table, label, res))
        tables[table] = _assemble(table, results, names)
        check_rejected_share(
            table,
            rejected=pd.concat([r.rejected for r in results] or [_empty_rejected()], ignore_index=True),
            rows_read=sum(r.rows_read for r in results),
            frame=tables[table],
            read=effective_read(spec),
            max_share=eng.intake.max_rejected_share,
            notes=[n for r in results for n in r.notes],
        )
    order = list(eng.inputs)
    tables = {name: tables[name] for name in order}
    # Names (issue 12.4): one spelling per manager / client id across tables, so joins match exactly.
    tables, spellings = unify_names(tables)
    accounting.sort(key=lambda a: order.index(a["table"]))
    rej = (
        pd.concat([r for r in rejected if len(r)] or [_empty_rejected()], ignore_index=True)
        if rejected
        else _empty_rejected()
    )
    acc = pd.DataFrame(accounting, columns=ACCOUNTING_COLUMNS).astype(
        {"rows_read": "int64", "rows_used": "int64", "rows_rejected": "int64"}
    )
    return Intake(tables=tables, rejected=rej, accounting=acc, notes=notes, names=spellings)


def _told(files: dict[str, list], labels: dict, progress: Callable[[str, int, int], None] | None):
    """``told(paths)`` yields the paths, each announced to ``progress(label, done, total)`` first, and
    ``progress("", total, total)`` after the last of all tables' files (nothing without ``progress``)."""
    total, done = sum(len(paths) for paths in files.values()), 0

    def told(paths):
        nonlocal done
        for path in paths:
            if progress is not None:
                progress(labels[path], done, total)
            yield path
            done += 1
            if progress is not None and done == total:
                progress("", total, total)

    return told


def _linked_files(eng: Engagement, table: str) -> LinkedFiles | None:
    """The join's and lookups' files of ``table`` (kept to the engagement folder as its inputs are),
    or None when it has neither."""
    spec = eng.inputs[table]
    if not (spec.join or spec.lookups):
        return None
    return LinkedFiles(table, spec, folder=eng.folder, allow_outside=eng.allows_outside)


def _accounting_line(table: str, label: str, res) -> dict:
    n_rejected = int(res.rejected["row"].nunique()) if len(res.rejected) else 0
    return {
        "table": table,
        "file": label,
        "rows_read": res.rows_read,
        "rows_used": res.rows_read - n_rejected,
        "rows_rejected": n_rejected,
    }


def _order(inputs) -> list[str]:
    """Pipeline before sales, so a shared deal export is read once for both."""
    return sorted(inputs, key=lambda t: (t != "pipeline", list(inputs).index(t)))


def _sources(eng: Engagement, table: str) -> list[Path | Source]:
    """The table's files as intake reads them: a ``.gz`` file's content and each ``.zip`` member are
    files of their own (:func:`salesaudit.intake.sources.sources_of`)."""
    members = eng.inputs[table].members
    paths = eng.input_files(table)
    if members is not None and not any(p.name.lower().endswith(".zip") for p in paths):
        raise ConfigError(
            "members picks files inside a .zip archive, and no .zip is listed",
            key=f"inputs.{table}.members",
            value=members,
            hint=f"remove inputs.{table}.members, or list the archive in inputs.{table}.files",
        )
    out: list[Path | Source] = []
    for path in paths:
        with _in_table(table):
            out.extend(sources_of(path, members=members))
    return out


def _ident(item: Path | Source) -> tuple:
    """The same file (or member), however its path was spelled."""
    return item.key if isinstance(item, Source) else (item.resolve(), None)


@contextmanager
def _in_table(table: str):
    """Errors raised while reading one of ``table``'s files name its keys (``inputs.sales.read``)."""
    try:
        yield
    except SalesAuditError as exc:
        exc.hint = exc.hint.replace("<table>", table) if exc.hint else exc.hint
        exc.key = exc.key.replace("<table>", table) if exc.key else exc.key
        raise


def _labels(files: dict[str, list[Path | Source]]) -> dict[Path | Source, str]:
    """How a file is named in the outputs: its name, or its relative path when two files share it; a
    ``.zip`` member as ``archive.zip:member.csv``."""
    items = {p for ps in files.values() for p in ps}
    paths = {p.path if isinstance(p, Source) else p for p in items}
    names = pd.Series([p.name for p in paths], dtype=object).value_counts()
    disk = {p: "/".join(p.parts[-3:]) if names[p.name] > 1 else p.name for p in paths}
    out = {}
    for p in items:
        if isinstance(p, Source):
            out[p] = f"{disk[p.path]}:{p.shown}" if p.member is not None else disk[p.path]
        else:
            out[p] = disk[p]
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


__all__ = [
    "ACCOUNTING_COLUMNS",
    "CATEGORICAL",
    "REJECTED_COLUMNS",
    "WHOLE_COLUMN",
    "Intake",
    "as_categoricals",
    "localize_rejected",
    "read_engagement",
    "read_file",
    "reason_text",
]
