"""Turning text cells into numbers and dates, with a mask of the cells that failed.

Conventions: a cell that is empty (or listed in ``na_values``) is missing, not bad; a cell with text
that cannot be read is *bad* and its row is rejected with the value shown. Day/month order is never
guessed: if a column's dates read both ways, :class:`DataError` asks the user to set the format.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .exceptions import DataError

_SPACES = re.compile(r"[\s\u00a0\u202f']")
_CURRENCY = re.compile(r"(₽|руб\.?|р\.|\$|€|USD|RUB|EUR)", re.IGNORECASE)


def _missing(values: pd.Series, na_values) -> pd.Series:
    s = values.astype("str").str.strip()
    return s.isna() | (s == "") | s.isin(list(na_values))


def parse_numbers(values: pd.Series, *, decimal: str | None = None, na_values=()) -> tuple[pd.Series, pd.Series]:
    """Parse money/number text: ``"1 234 567,89 ₽"``, ``"$1,234.50"``, ``"(500)"`` (negative).

    Parameters
    ----------
    values
        Text cells.
    decimal
        ``","`` or ``"."``; ``None`` detects per column (a comma followed by 1–2 final digits and no dot
        is a decimal comma).

    Returns
    -------
    (numbers as float64, bad mask)

    Examples
    --------
    >>> nums, bad = parse_numbers(pd.Series(["1 234,50", "(10)", "", "н/д"]), decimal=",")
    >>> nums.tolist()[:2], bad.tolist()
    ([1234.5, -10.0], [False, False, False, True])
    """
    missing = _missing(values, na_values)
    s = values.astype("str").str.strip().fillna("")
    negative = s.str.startswith("(") & s.str.endswith(")")
    s = s.str.strip("()")
    s = s.str.replace(_CURRENCY, "", regex=True)
    s = s.str.replace(_SPACES, "", regex=True)
    if decimal is None:
        decimal = "," if (s.str.contains(r",\d{1,2}$", regex=True) & ~s.str.contains(".", regex=False)).any() else "."
    if decimal == ",":
        s = s.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    else:
        s = s.str.replace(",", "", regex=False)
    nums = pd.to_numeric(s.where(~missing, None), errors="coerce").astype("float64")
    nums = nums.where(~negative, -nums)
    bad = nums.isna() & ~missing
    return nums, bad


_DATE_FORMATS = ("%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%d.%m.%Y", "%d.%m.%Y %H:%M",
                 "%d.%m.%Y %H:%M:%S", "%d/%m/%Y", "%m/%d/%Y", "%Y%m%d")


def parse_dates(values: pd.Series, *, date_format: str | None = None, na_values=()) -> tuple[pd.Series, pd.Series]:
    """Parse date text with a given format, or detect the one format that reads every cell.

    Returns dates normalised to midnight (``datetime64``) and the bad mask.

    Raises
    ------
    DataError
        When no format is given and two formats that disagree (day/month order) both read every cell.

    Examples
    --------
    >>> d, bad = parse_dates(pd.Series(["31.01.2026", "01.02.2026 10:30", "x"]), date_format="%d.%m.%Y")
    >>> d.dt.strftime("%Y-%m-%d").tolist()[:2], bad.tolist()
    (['2026-01-31', '2026-02-01'], [False, False, True])
    """
    missing = _missing(values, na_values)
    s = values.astype("str").str.strip().where(~missing, None)
    if date_format:
        parsed = _with_format(s, date_format)
        if date_format.endswith("%Y") and " " not in date_format:  # tolerate a time after the date
            parsed = parsed.fillna(_with_format(s.str.split(" ").str[0], date_format))
    else:
        parsed = _detect(s, missing)
    parsed = parsed.dt.normalize()
    bad = parsed.isna() & ~missing
    return parsed, bad


def _with_format(s: pd.Series, fmt: str) -> pd.Series:
    return pd.to_datetime(s, format=fmt, errors="coerce")


def _detect(s: pd.Series, missing: pd.Series) -> pd.Series:
    present = ~missing
    if not present.any():
        return pd.to_datetime(s, errors="coerce")
    best, full = None, []
    for fmt in _DATE_FORMATS:
        parsed = _with_format(s, fmt)
        ok = parsed.notna() | ~present
        if ok.all():
            full.append((fmt, parsed))
        if best is None or parsed.notna().sum() > best[1].notna().sum():
            best = (fmt, parsed)
    if len(full) > 1:
        a, b = full[0][1], full[1][1]
        if not a.equals(b):
            raise DataError(
                f"dates read both as {full[0][0]} and {full[1][0]}: day/month order is ambiguous",
                value=s[present].iloc[0],
                hint="set inputs.<table>.read.date_format in engagement.yaml (e.g. \"%d.%m.%Y\")",
            )
    if full:
        return full[0][1]
    return best[1] if best is not None else pd.to_datetime(s, errors="coerce")


def coerce_float(values, default=np.nan) -> pd.Series:
    """Numbers already typed (Excel) or text, to float64."""
    return pd.to_numeric(values, errors="coerce").astype("float64").fillna(default)
