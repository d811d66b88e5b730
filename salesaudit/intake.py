"""Intake: the client's files become the canonical tables, and every row is accounted for.

Only this module reads client files. Files are opened read-only; nothing is ever written next to them.
For each configured table, intake reads every file, maps the client's headers onto the canonical columns
(``engagement.yaml`` → ``inputs.<table>.columns``), coerces types, validates the result against
:mod:`salesaudit.schemas` lazily, and returns the rows that passed plus a ``rejected`` table with the file,
the row number as the user sees it in the file, the column, the value and the reason for every row that
did not. The identity ``rows_read = rows_used + rows_rejected`` holds per file, always.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from .config import Engagement, InputSpec
from .exceptions import DataError, InputFileError
from .parsing import parse_dates, parse_numbers
from .readers import read_raw
from .schemas import CANONICAL, SCHEMAS

REJECTED_COLUMNS = ["table", "file", "row", "column", "value", "reason"]


@dataclass
class Intake:
    """What intake produced: canonical ``tables``, ``rejected`` rows and per-file ``accounting``."""

    tables: dict[str, pd.DataFrame]
    rejected: pd.DataFrame
    accounting: pd.DataFrame
    notes: list[str] = field(default_factory=list)

    def table(self, name: str) -> pd.DataFrame | None:
        return self.tables.get(name)


def read_engagement(eng: Engagement) -> Intake:
    """Read every table configured in ``eng.inputs``.

    Returns
    -------
    Intake
        ``tables``: ``{table: DataFrame}`` in canonical columns (plus ``_file`` and ``_row``, the source
        of each row); ``rejected``: columns table, file, row, column, value, reason; ``accounting``:
        columns table, file, rows_read, rows_used, rows_rejected.
    """
    tables, rejected, accounting = {}, [], []
    for table, spec in eng.inputs.items():
        frames = []
        for path in eng.input_files(table):
            frame, rej = read_file(path, table=table, spec=spec, as_of=eng.as_of)
            frames.append(frame)
            rejected.append(rej)
            accounting.append(
                {
                    "table": table,
                    "file": path.name,
                    "rows_read": len(frame) + len(rej.drop_duplicates("row")),
                    "rows_used": len(frame),
                    "rows_rejected": rej["row"].nunique(),
                }
            )
        tables[table] = pd.concat(frames, ignore_index=True) if frames else _empty(table)
    rej = pd.concat(rejected, ignore_index=True) if rejected else pd.DataFrame(columns=REJECTED_COLUMNS)
    return Intake(tables=tables, rejected=rej, accounting=pd.DataFrame(accounting))


def _empty(table: str) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in CANONICAL[table].required})


def read_file(
    path: Path, *, table: str, spec: InputSpec, as_of=None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read one client file into one canonical table.

    Returns ``(frame, rejected)``; each source row is in exactly one of them (a row with several problems
    appears in ``rejected`` once per problem, with the same ``row``).
    """
    raw = read_raw(path, options=spec.read)
    mapping = _mapping(spec, table, raw.frame.columns, path)
    kinds = CANONICAL[table].columns
    out = pd.DataFrame(index=raw.frame.index)
    problems: list[pd.DataFrame] = [raw.dropped.assign(table=table)] if len(raw.dropped) else []

    for canonical, header in mapping.items():
        values = raw.frame[header]
        kind = kinds[canonical]
        if canonical in spec.recode:
            values = _recode(values, spec.recode[canonical])
        if kind == "str":
            out[canonical] = _clean_str(values, na_values=spec.read.na_values)
            continue
        if kind == "float":
            parsed, bad = parse_numbers(values, decimal=spec.read.decimal, na_values=spec.read.na_values)
            what = "not a number"
        else:
            try:
                parsed, bad = parse_dates(
                    values, date_format=spec.read.date_format, na_values=spec.read.na_values
                )
            except DataError as exc:
                exc.file, exc.column = str(path), header
                raise
            what = "not a date" + (f" in format {spec.read.date_format}" if spec.read.date_format else "")
        out[canonical] = parsed
        if bad.any():
            problems.append(_problems(raw, bad, table, path, header, values, what))

    for canonical in CANONICAL[table].required:
        missing = out[canonical].isna() & ~_any_bad(problems, raw, canonical, mapping)
        if missing.any():
            problems.append(
                _problems(raw, missing, table, path, mapping[canonical], raw.frame[mapping[canonical]],
                          f"{canonical} is empty")
            )
    if as_of is not None and "date" in out and table in ("sales", "activities"):
        future = out["date"] > pd.Timestamp(as_of)
        if future.any():
            problems.append(
                _problems(raw, future, table, path, mapping["date"], raw.frame[mapping["date"]],
                          "date is after the as-of date")
            )

    bad_rows = _rows(problems)
    keep = ~raw.row_numbers.isin(bad_rows)
    frame = out[keep.to_numpy()]
    frame, schema_problems = _validate(frame, table, raw, path, mapping)
    problems += schema_problems
    frame = frame.reset_index(drop=True)
    frame["_file"] = path.name
    rejected = (
        pd.concat(problems, ignore_index=True)[REJECTED_COLUMNS]
        if problems
        else pd.DataFrame(columns=REJECTED_COLUMNS)
    )
    return frame, rejected


def _mapping(spec: InputSpec, table: str, headers, path: Path) -> dict[str, str]:
    from .presets import preset_columns

    mapping = {**preset_columns(spec.preset, table), **spec.columns}
    present = {str(h).strip(): h for h in headers}
    resolved = {}
    for canonical, header in mapping.items():
        if header in present:
            resolved[canonical] = present[header]
        elif canonical in CANONICAL[table].required:
            raise InputFileError(
                f"the mapped column for {canonical!r} is not in the file",
                file=str(path),
                column=header,
                hint=f"columns in the file: {', '.join(map(str, present))}. "
                f"Fix inputs.{table}.columns.{canonical} in engagement.yaml",
            )
    missing = [c for c in CANONICAL[table].required if c not in resolved]
    if missing:
        raise InputFileError(
            f"no column is mapped to the required {', '.join(missing)}",
            file=str(path),
            hint=f"add inputs.{table}.columns.{missing[0]}: <header> to engagement.yaml",
        )
    return resolved


def _clean_str(values: pd.Series, *, na_values) -> pd.Series:
    s = values.astype("str").str.strip()
    empty = s.isna() | (s == "") | s.isin(list(na_values))
    return s.mask(empty)


def _recode(values: pd.Series, mapping: dict[str, str]) -> pd.Series:
    s = values.astype("str").str.strip()
    return s.map(lambda v: mapping.get(v, v) if isinstance(v, str) else v).astype("str")


def _problems(raw, mask, table, path, header, values, reason) -> pd.DataFrame:
    m = np.asarray(mask, dtype=bool)
    return pd.DataFrame(
        {
            "table": table,
            "file": path.name,
            "row": raw.row_numbers.to_numpy()[m],
            "column": str(header),
            "value": values.astype("str").to_numpy()[m],
            "reason": reason,
        }
    )


def _rows(problems: list[pd.DataFrame]) -> set:
    return set().union(*(set(p["row"]) for p in problems)) if problems else set()


def _any_bad(problems, raw, canonical, mapping) -> pd.Series:
    """Rows already rejected for this column (so an unparseable value is not also 'empty')."""
    col = str(mapping[canonical])
    rows = set().union(*(set(p.loc[p["column"] == col, "row"]) for p in problems)) if problems else set()
    return pd.Series(raw.row_numbers.isin(rows).to_numpy(), index=raw.frame.index)


def _validate(frame, table, raw, path, mapping) -> tuple[pd.DataFrame, list[pd.DataFrame]]:
    """Lazy pandera validation: failing rows move to ``rejected`` with pandera's check as reason."""
    schema: pa.DataFrameSchema = SCHEMAS[table]
    try:
        schema.validate(frame, lazy=True)
        return frame, []
    except SchemaErrors as exc:
        cases = exc.failure_cases
    rows = cases.dropna(subset=["index"])
    whole = cases[cases["index"].isna()]
    if len(whole):  # a column-level failure (wrong dtype...) is a bug in coercion, not bad data
        raise InputFileError(
            f"column check failed: {whole.iloc[0]['check']}",
            file=str(path),
            column=str(whole.iloc[0]["column"]),
        )
    idx = rows["index"].astype(int).to_numpy()
    source_rows = raw.row_numbers.reindex(idx).to_numpy()
    rej = pd.DataFrame(
        {
            "table": table,
            "file": path.name,
            "row": source_rows,
            "column": [str(mapping.get(c, c)) for c in rows["column"]],
            "value": rows["failure_case"].astype("str").to_numpy(),
            "reason": rows["check"].astype("str").to_numpy(),
        }
    )
    return frame.drop(index=np.unique(idx)), [rej]
