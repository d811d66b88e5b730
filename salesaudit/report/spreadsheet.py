"""What a spreadsheet is handed: text that cannot run as a formula, CSV that opens in Excel as it should.

One rule for every file a person may open in Excel — the workbook, a run's ``tables/*.csv`` and
``validate --rejected FILE`` (OWASP, "CSV injection"): text starting with ``= + - @``, a tab or a
carriage return — or with ``= + - @`` after leading spaces — could be taken for a formula, so it is
neutralised. The workbook marks such a cell with Excel's quote prefix (the value is kept exactly); a CSV
has no such mark, so the text is written with a leading ``'`` (Excel shows the text, and hides the
quote). Numbers are never touched: ``-5`` written as a number stays the number ``-5``.

A CSV for people is UTF-8 with a byte-order mark (so Excel reads Cyrillic right) and uses the report
locale's decimal mark: where it is a comma (Russian), fields are separated by ``;`` — what Excel expects
there — else by ``,`` with a ``.`` decimal mark. Dates are ISO (``2026-11-25``). The exact values and
types stay in the Parquet copy (:func:`salesaudit.engine.outputs.save_table`).
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
from babel.numbers import get_decimal_symbol

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""What a cell must not start with (after leading whitespace: the first four)."""
QUOTE = "'"
"""Written before a neutralised text in a CSV."""


def needs_neutralising(text) -> bool:
    """Whether a spreadsheet could read ``text`` as a formula (only text can; numbers never).

    Examples
    --------
    >>> needs_neutralising("=HYPERLINK(\\"x\\")"), needs_neutralising("ООО Ромашка")
    (True, False)
    >>> needs_neutralising("  =1+1"), needs_neutralising("\\tx"), needs_neutralising("1=1")
    (True, True, False)
    >>> needs_neutralising(-5), needs_neutralising("-5")
    (False, True)
    """
    return isinstance(text, str) and (
        text.startswith(FORMULA_START) or text.lstrip().startswith(FORMULA_START[:4])
    )


def neutralise(value):
    """``value`` as a CSV cell may hold it: formula-like text gets a leading ``'``; anything else
    (numbers, dates, missing values, other text) is returned unchanged.

    Examples
    --------
    >>> neutralise("=cmd|' /C calc'!A0"), neutralise("-2+3"), neutralise("ООО «Ромашка»")
    ("'=cmd|' /C calc'!A0", "'-2+3", 'ООО «Ромашка»')
    >>> neutralise(-2.5), neutralise(None)
    (-2.5, None)
    """
    return QUOTE + value if needs_neutralising(value) else value


def neutralise_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose text cells and column names are neutralised (:func:`neutralise`);
    numeric, boolean and date columns are kept as they are. ``df`` is not changed.

    Examples
    --------
    >>> df = pd.DataFrame({"manager": ["=1+1", "Иванов"], "amount": [-100.0, 5.0]})
    >>> neutralise_frame(df).to_dict("list")
    {'manager': ["'=1+1", 'Иванов'], 'amount': [-100.0, 5.0]}
    """
    out = df.copy()
    for j in range(out.shape[1]):
        series = out.iloc[:, j]
        if not (
            isinstance(series.dtype, pd.CategoricalDtype)
            or pd.api.types.is_object_dtype(series)
            or pd.api.types.is_string_dtype(series)
        ):
            continue
        hit = formula_like(series)
        if len(hit):
            values = series.astype(object).to_numpy(copy=True)
            values[hit] = [QUOTE + v for v in values[hit]]
            out.isetitem(j, values)
    out.columns = [neutralise(c) for c in out.columns]
    return out


def formula_like(series: pd.Series) -> np.ndarray:
    """Positions of the cells :func:`needs_neutralising` flags; each distinct value is looked at once
    (a column of unhashable values, cell by cell).

    Examples
    --------
    >>> formula_like(pd.Series(["=1+1", "ok", None, "=1+1", " @x"])).tolist()
    [0, 3, 4]
    """
    try:
        codes, distinct = pd.factorize(series)
    except TypeError:
        return np.flatnonzero([needs_neutralising(v) for v in series.tolist()])
    bad = np.fromiter((needs_neutralising(v) for v in distinct), dtype=bool, count=len(distinct))
    return np.flatnonzero(bad[codes] & (codes >= 0)) if bad.any() else np.array([], dtype=np.intp)


def csv_dialect(lang: str) -> tuple[str, str]:
    """The field separator and decimal mark Excel expects in the locale ``lang`` (Babel's decimal
    symbol: a comma means ``;`` between fields).

    Examples
    --------
    >>> csv_dialect("ru"), csv_dialect("en")
    ((';', ','), (',', '.'))
    """
    decimal = get_decimal_symbol(lang)
    return (";", ",") if decimal == "," else (",", ".")


def csv_text(df: pd.DataFrame, *, lang: str) -> str:
    """``df`` as the text of a CSV for people (neutralised, the locale's separator and decimal mark,
    ISO dates, no index); written with a byte-order mark by :func:`write_csv`.

    Examples
    --------
    >>> df = pd.DataFrame({"client": ["@SUM(A1)"], "amount": [-1.5],
    ...                    "date": pd.to_datetime(["2026-11-25"])})
    >>> csv_text(df, lang="ru").splitlines()
    ['client;amount;date', "'@SUM(A1);-1,5;2026-11-25"]
    >>> csv_text(df, lang="en").splitlines()
    ['client,amount,date', "'@SUM(A1),-1.5,2026-11-25"]

    Lines end with CRLF, as Excel writes them; a field holding a line break of either kind is quoted
    (with a bare ``\\n`` line end, a ``\\r`` in a value would start a new row in Excel).

    >>> csv_text(pd.DataFrame({"a": ["x\\r=1+1"]}), lang="en")
    'a\\r\\n"x\\r=1+1"\\r\\n'
    """
    sep, decimal = csv_dialect(lang)
    buffer = io.StringIO()
    neutralise_frame(df).to_csv(
        buffer, index=False, sep=sep, decimal=decimal, date_format="%Y-%m-%d", lineterminator="\r\n"
    )
    return buffer.getvalue()


def write_csv(df: pd.DataFrame, path: str | Path, *, lang: str) -> Path:
    """Write ``df`` to ``path`` as a CSV for people (:func:`csv_text`, UTF-8 with a byte-order mark)."""
    path = Path(path)
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        f.write(csv_text(df, lang=lang))
    return path
