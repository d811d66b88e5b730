"""A date or number format that rejects too much of a table stops intake: a wrong setting, not bad rows.

``intake.max_rejected_share`` (default 5 %) bounds, per table and per column, the rows rejected because
a cell does not read as a date (``read.date_format``, or the format detected) or as a number
(``read.decimal`` / ``read.thousands``):

* **share of rows** = rows rejected for that column and reason / rows the table reads — leaving out
  rows outside its scope whatever else is wrong with them (open or lost deals of a sales table, rows
  ``exclude`` filtered out, totals rows, order headers without lines);
* **share of revenue** (tables with an ``amount``) = Σ |amount| of those rows / Σ |amount| of every
  row in scope whose amount reads (used and rejected rows; :mod:`salesaudit.intake.quality` counts
  revenue the same way).

Either above the bound, with at least :data:`~salesaudit.intake.coercion.WHOLE_COLUMN` rows
rejected, raises one :class:`~salesaudit.exceptions.DataError` naming the setting, the column and two
rejected values — so ``validate`` fails and ``run`` never starts on a table that is mostly thrown away.
A handful of bad cells in a small file stays a list of rejected rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from ..exceptions import DataError
from .coercion import WHOLE_COLUMN

FORMAT_CODES = {"not_a_date": "date", "not_a_date_format": "date", "not_a_number": "number"}
OUT_OF_SCOPE = frozenset({"not_won", "filtered_out", "totals_row", "header_without_lines"})


def check_rejected_share(
    table: str,
    *,
    rejected: pd.DataFrame,
    rows_read: int,
    frame: pd.DataFrame,
    read,
    max_share: float,
    notes: list[str] = (),
) -> None:
    """Raise when a date or number format rejects more than ``max_share`` of ``table``'s rows or revenue.

    Parameters
    ----------
    table
        The canonical table.
    rejected
        Its rejected rows, every file (columns as :data:`salesaudit.intake.rejections.REJECTED_COLUMNS`).
    rows_read
        The rows its files read, in total.
    frame
        The rows used (their ``amount`` is the rest of the revenue).
    read
        The effective ``inputs.<table>.read`` (:class:`salesaudit.engine.config.ReadOptions`).
    max_share
        ``intake.max_rejected_share``.
    notes
        Intake's notes (they name the date format detected per column).

    Raises
    ------
    DataError
        Naming the setting (key ``inputs.<table>.read.date_format`` or ``.decimal``), the column, the
        first rejected value with its file and row, and a second example.

    Examples
    --------
    >>> from salesaudit.engine.config import ReadOptions
    >>> rej = pd.DataFrame({"file": "s.csv", "row": range(2, 9), "column": "Дата",
    ...     "value": ["25.01.2025", "31.01.2025", "13.02.2025", "14.02.2025", "15.02.2025",
    ...               "16.02.2025", "17.02.2025"], "reason_code": "not_a_date_format",
    ...     "amount": 100.0})
    >>> try:
    ...     check_rejected_share("sales", rejected=rej, rows_read=10, read=ReadOptions(date_format="%m/%d/%Y"),
    ...                          frame=pd.DataFrame({"amount": [1.0] * 3}), max_share=0.05)
    ... except DataError as exc:
    ...     print(exc.key)
    ...     print(exc.message.replace(" in this column: ", "; "))
    ...     print(exc.hint.split(";")[0])
    inputs.sales.read.date_format
    read.date_format '%m/%d/%Y' rejects 70.0 % of the rows (7 of 10) and 99.6 % of the revenue of sales; e.g. '25.01.2025' (s.csv row 2), '31.01.2025' (s.csv row 3)
    these values read as '%d.%m.%Y': set inputs.sales.read.date_format to it
    """
    if not len(rejected) or not rows_read:
        return
    rej = rejected.assign(_at=list(zip(rejected["file"], rejected["row"], strict=True)))
    outside = set(rej.loc[rej["reason_code"].isin(OUT_OF_SCOPE), "_at"])
    rej = rej[~rej["_at"].isin(outside)]
    in_scope = rows_read - len(outside)
    if in_scope <= 0:
        return
    base = _revenue(rej, frame)
    for (column, code), hits in rej[rej["reason_code"].isin(FORMAT_CODES)].groupby(
        ["column", "reason_code"], sort=True
    ):
        hits = hits.drop_duplicates("_at")
        row_share = len(hits) / in_scope
        money = _abs_sum(hits["amount"]) if "amount" in hits else 0.0
        revenue_share = min(money / base, 1.0) if base > 0 else 0.0  # (sums in another order: ≤ 1 ulp over)
        if len(hits) >= WHOLE_COLUMN and max(row_share, revenue_share) > max_share:
            raise _too_many(
                table, str(column), code, hits, read, notes, row_share, revenue_share, in_scope, max_share
            )


def _abs_sum(values) -> float:
    return float(np.nansum(np.abs(pd.to_numeric(values, errors="coerce").to_numpy(dtype=float))))


def _revenue(rej: pd.DataFrame, frame: pd.DataFrame) -> float:
    """Σ |amount| of the used rows and of the rejected rows in scope (once per row)."""
    if frame is None or "amount" not in frame:
        return 0.0
    once = rej.drop_duplicates("_at")
    return _abs_sum(frame["amount"]) + (_abs_sum(once["amount"]) if "amount" in once else 0.0)


def _too_many(
    table, column, code, hits, read, notes, row_share, revenue_share, in_scope, max_share
) -> DataError:
    kind = FORMAT_CODES[code]
    setting, key, hint = _setting(table, column, kind, read, notes)
    first = hits.drop_duplicates("value").head(2)
    if len(first) < 2:
        first = hits.head(2)
    examples = ", ".join(
        f"{v!r} ({f} row {r})" for v, f, r in zip(first["value"], first["file"], first["row"], strict=True)
    )
    shares = f"{row_share:.1%} of the rows ({len(hits)} of {in_scope})".replace("%", " %")
    if revenue_share > 0:
        shares += f" and {revenue_share:.1%} of the revenue".replace("%", " %")
    suggestion = _suggest(kind, list(first["value"]), read)
    return DataError(
        f"{setting} rejects {shares} of {table} in this column: e.g. {examples}",
        file=str(first["file"].iloc[0]),
        row=int(first["row"].iloc[0]),
        column=column,
        value=first["value"].iloc[0],
        key=key,
        hint=(suggestion.format(key=key) if suggestion else hint)
        + f"; if these rows are truly bad, raise intake.max_rejected_share (now {max_share:.0%})".replace(
            "%", " %"
        ),
    )


def _setting(table: str, column: str, kind: str, read, notes) -> tuple[str, str, str]:
    """How the format is named, its key, and the hint without a suggestion."""
    if kind == "date":
        key = f"inputs.{table}.read.date_format"
        fmt = read.date_format
        if isinstance(fmt, dict) and len(fmt) == 1:
            fmt = next(iter(fmt.values()))
        if fmt:
            setting = f"read.date_format {fmt!r}"
        else:
            detected = _detected(column, notes)
            setting = f"the date format detected ({detected})" if detected else "the date format detected"
        hint = f'set {key} to the format of this column (e.g. "%d.%m.%Y")'
    else:
        key = f"inputs.{table}.read.decimal"
        setting = f"read.decimal {read.decimal!r}" if read.decimal else "the decimal mark detected"
        if read.thousands:
            setting += f" with read.thousands {read.thousands!r}"
        hint = f"check {key} and inputs.{table}.read.thousands"
    return setting, key, f'{hint}; if the values mean "missing", list them in inputs.{table}.read.na_values'


def _detected(column: str, notes) -> str | None:
    marker = f"dates in {column!r} read as "
    for note in notes:
        if marker in note:
            return note.split(marker, 1)[1]
    return None


def _suggest(kind: str, values: list[str], read) -> str | None:
    """A setting under which the example values read, as a hint (``{key}`` to fill in)."""
    from .parsing import parse_date_array, parse_number_array

    arr = pa.chunked_array([pa.array([str(v) for v in values], type=pa.large_string())])
    try:
        if kind == "date":
            _, bad, missing, used = parse_date_array(arr, date_format=None, na_values=read.na_values)
            if used and not bad.any() and not missing.any() and used != read.date_format:
                return f"these values read as {used!r}: set {{key}} to it"
            return None
        other = "." if read.decimal == "," else ","
        _, bad, missing, _ = parse_number_array(arr, decimal=other, na_values=read.na_values)
        if not bad.any() and not missing.any():
            return f'these values read with the decimal mark {other!r}: set {{key}}: "{other}"'
    except DataError:
        return None
    return None
