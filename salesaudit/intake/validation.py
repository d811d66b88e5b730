"""The rows that passed coercion checked against the canonical schema
(:mod:`salesaudit.intake.schemas`): types, nulls and required columns as a structure check; the row
checks (non-empty, ranges, period format) as problems naming the rows that fail.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..exceptions import InputFileError
from .categoricals import CATEGORICAL, STR
from .schemas import CANONICAL, schemas

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
        if c in CANONICAL[table].filled and (frame[c].cat.codes.to_numpy() < 0).any():
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
