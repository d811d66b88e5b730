"""The Excel workbook: every result table as a formatted sheet, plus one sheet per manager.

Text that a spreadsheet could take for a formula (starting with ``= + - @``, tab or carriage return;
the rule of :mod:`salesaudit.report.spreadsheet`, shared with the CSVs) is written as text with Excel's
quote prefix — shown as typed, never evaluated (OWASP "CSV injection"). Formulas are never written at
all (``strings_to_formulas`` off). The tables are read from the run's Parquet copies.
"""

from __future__ import annotations

import numbers
import re
from pathlib import Path

import numpy as np
import pandas as pd
import xlsxwriter

from ..engine.config import Engagement
from ..engine.outputs import read_tables
from .i18n import catalog, column_label
from .spreadsheet import formula_like, needs_neutralising

# Column kinds by name: the same vocabulary everywhere, so one rule formats every sheet.
_MONEY_NAMES = (
    "amount revenue plan fact margin potential sales salary bonus pay forecast expected_pace required_daily "
    "month_plan mtd_plan mtd_fact week_plan week_fact gap target headroom prev_revenue avg_deal "
    "pipeline_amount remaining_plan weighted current_scheme_sales_for_income plan_monthly_avg "
    "actual_monthly_sales actual_monthly_income income_at_plan comfortable_income expected low high month_fact"
).split()
_MONEY = re.compile(r"^(" + "|".join(_MONEY_NAMES) + r"|revenue_[A-Z]|.*_revenue)$")
_PERCENT = re.compile(
    r"^(share|cum_share|attainment|share_of_wallet|cv|cost_of_sales|coverage_share"
    r"|.*_share|.*_attainment|.*_rate|chance_.*|predicted|observed|observed_low|observed_high|similarity|skill)$"
)
_DATE = re.compile(
    r"^(date|week_start|week_end|month_start|last_purchase|first_purchase|last_order|hired|left|created"
    r"|closed|expected_close|reference_day|first_flag_week|.*_date)$"
)

SHEET_ORDER = [
    "findings",
    "headlines",
    "maturity",
    "clients",
    "growth_candidates",
    "dormant_ab",
    "lost_ab",
    "manager_portfolios",
    "plan_monthly",
    "plan_weekly",
    "payout_scenarios",
    "income_ceiling",
    "tracking_week",
    "alerts",
    "tracking_weekly",
    "backtest",
    "pipeline_coverage",
    "stale_deals",
    "data_quality",
    "rejected_rows",
    "row_accounting",
]
"""Sheets in reading order (the audit's conclusions first, the data's bookkeeping last); other result
tables follow in alphabetical order, then one sheet per manager."""
WRAP_FROM = 40
"""Text columns with longer values are wrapped in a wide column instead of running over their neighbours."""


def _kind(column: str, series: pd.Series) -> str:
    if _DATE.match(column):
        return "date"
    if not pd.api.types.is_numeric_dtype(series):
        return "text"
    if _PERCENT.match(column):
        return "percent"
    if _MONEY.match(column):
        return "money"
    if pd.api.types.is_integer_dtype(series):
        return "int"
    return "number"


def _sheet_name(name: str, used: set[str]) -> str:
    clean = re.sub(r"[\[\]:*?/\\']", "_", name).strip() or "sheet"
    clean = clean[:31]
    base, n = clean, 2
    while clean.lower() in used:
        suffix = f" ({n})"
        clean = base[: 31 - len(suffix)] + suffix
        n += 1
    used.add(clean.lower())
    return clean


class _Writer:
    def __init__(self, path: Path, lang: str) -> None:
        self.book = xlsxwriter.Workbook(
            str(path),
            {
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
                "nan_inf_to_errors": True,
            },
        )
        self.lang = lang
        self.used: set[str] = set()
        f = self.book.add_format
        self.fmt = {
            "header": f(
                {
                    "bold": True,
                    "bg_color": "#1B3A5C",
                    "font_color": "#FFFFFF",
                    "text_wrap": True,
                    "valign": "top",
                    "border": 1,
                }
            ),
            "money": f({"num_format": "#,##0"}),
            "percent": f({"num_format": "0.0%"}),
            "int": f({"num_format": "#,##0"}),
            "number": f({"num_format": "#,##0.00"}),
            "date": f({"num_format": "dd.mm.yyyy" if lang == "ru" else "yyyy-mm-dd"}),
            "text": None,
            "quoted": f({"quote_prefix": True}),
            "wrap": f({"text_wrap": True, "valign": "top"}),
            "title": f({"bold": True, "font_size": 13}),
        }

    def sheet(self, name: str):
        return self.book.add_worksheet(_sheet_name(name, self.used))

    def frame(self, ws, df: pd.DataFrame, *, first_row: int = 0, title: str | None = None) -> int:
        """Write ``df`` at ``first_row``; return the next free row.

        Each column is converted once (:meth:`_column`); the loop over the rows only writes, row by
        row as before (so the shared strings keep their order) and skipping blanks (a blank without a
        format writes nothing)."""
        row = first_row
        if title:
            ws.write_string(row, 0, title, self.fmt["title"])
            row += 1
        kinds = [_kind(c, df[c]) for c in df.columns]
        for j, col in enumerate(df.columns):
            ws.write_string(row, j, column_label(col, self.lang), self.fmt["header"])
        widths = [max(8, min(WRAP_FROM, len(column_label(c, self.lang)) + 2)) for c in df.columns]
        wrap = [False] * len(df.columns)
        columns = []
        for j, (kind, (_, series)) in enumerate(zip(kinds, df.items(), strict=True)):
            cells, longest = self._column(ws, _typed(series, kind), kind)
            columns.append(cells)
            if longest >= 0:  # the column holds text: as wide as its longest, wrapped past WRAP_FROM
                widths[j] = max(widths[j], min(WRAP_FROM, longest + 2))
                wrap[j] = longest > WRAP_FROM
        for i, cells in enumerate(zip(*columns, strict=True), start=row + 1):
            for j, cell in enumerate(cells):
                if cell is not None:
                    write, value, cell_format = cell
                    write(i, j, value, cell_format)
        for j, (w, kind) in enumerate(zip(widths, kinds, strict=True)):
            if kind == "text":
                ws.set_column(j, j, 60 if wrap[j] else w, self.fmt["wrap"] if wrap[j] else None)
            else:
                ws.set_column(j, j, w, self.fmt[kind])
        if first_row == 0 and not title:
            ws.freeze_panes(row + 1, 0)
            if len(df.columns):
                ws.autofilter(row, 0, row + len(df), len(df.columns) - 1)
        return row + len(df) + 2

    def _column(self, ws, series: pd.Series, kind: str) -> tuple[list, int]:
        """The cells of one column as ``(write, value, format)`` (``None`` for a blank) and the length
        of its longest text (-1 when it holds none).

        The writer is decided once for a column of one type: numbers (NaN/NA blank), booleans, dates
        (NaT blank), text (missing or empty blank); any other column, such as object columns mixing
        numbers and text, is decided cell by cell (:meth:`_cell`), by the same rules."""
        dtype, number_format = series.dtype, self.fmt[kind] if kind != "text" else None
        if isinstance(dtype, np.dtype) and dtype.kind == "b":  # numpy booleans are never missing
            write = ws.write_boolean
            return [(write, v, None) for v in series.tolist()], -1
        numeric = isinstance(dtype, np.dtype) and dtype.kind in "iuf"
        if numeric or isinstance(series.array, pd.arrays.IntegerArray | pd.arrays.FloatingArray):
            write = ws.write_number  # NaN and NA are blanks
            values = series.to_numpy(dtype="float64", na_value=np.nan).tolist()
            return [None if v != v else (write, v, number_format) for v in values], -1
        if kind == "date" and isinstance(dtype, np.dtype) and dtype.kind == "M":
            # days (the floor, as Timestamp.normalize) as datetimes; NaT becomes None, a blank
            write, date_format = ws.write_datetime, self.fmt["date"]
            days = series.to_numpy().astype("datetime64[D]").astype("datetime64[us]").astype(object)
            return [None if v is None else (write, v, date_format) for v in days.tolist()], -1
        if isinstance(dtype, pd.StringDtype):
            texts = series.to_numpy(dtype=object, na_value=None).tolist()
            write = ws.write_string
            cells = [(write, v, None) if v else None for v in texts]  # missing or "": a blank
            quoted = self.fmt["quoted"]
            for k in formula_like(series).tolist():  # each distinct text looked at once
                cells[k] = (write, texts[k], quoted)
            return cells, max((len(v) for v in texts if v is not None), default=-1)
        values = list(series)  # the values a row-by-row loop over the frame sees
        cells = [self._cell(ws, v, kind) for v in values]
        return cells, max((len(v) for v in values if isinstance(v, str)), default=-1)

    def _cell(self, ws, value, kind) -> tuple | None:
        if (value == "") if isinstance(value, str) else (value is None or pd.isna(value)):
            return None  # an empty text is no value, as it was when read from CSV
        if kind == "date" and isinstance(value, pd.Timestamp):
            return ws.write_datetime, value.to_pydatetime(), self.fmt["date"]
        if isinstance(value, str):
            return self._text(ws, value)
        if isinstance(value, bool):
            return ws.write_boolean, value, None
        if isinstance(value, numbers.Number):
            return ws.write_number, float(value), self.fmt[kind] if kind != "text" else None
        return self._text(ws, str(value))  # a period, a time span ...: its text, as a CSV showed it

    def _text(self, ws, value: str) -> tuple:
        return ws.write_string, value, self.fmt["quoted"] if needs_neutralising(value) else None


def _typed(series: pd.Series, kind: str) -> pd.Series:
    """A date column parsed (a cell that is not a date stays text); dates are days (as the tables'
    ISO dates are: a NumPy date column is floored to days by :meth:`_Writer._column`), and a
    date-time column that is not a date column is ISO text."""
    if pd.api.types.is_datetime64_any_dtype(series):
        aware = not isinstance(series.dtype, np.dtype) and series.dt.tz is not None  # .dt costs an index
        days = series.dt.tz_localize(None) if aware else series
        if kind != "date":
            return days.dt.strftime("%Y-%m-%d")
        return days if isinstance(days.dtype, np.dtype) else days.dt.normalize()
    if kind == "date":
        parsed = pd.to_datetime(series, errors="coerce", format="ISO8601")
        return parsed.astype(object).where(parsed.notna(), series)
    return series


def write_workbook(run_dir: Path, *, eng: Engagement) -> Path:
    """``run_dir/workbook.xlsx`` from the run's result tables."""
    run_dir = Path(run_dir)
    tables = read_tables(run_dir)
    path = run_dir / "workbook.xlsx"
    tmp = run_dir / "workbook.tmp.xlsx"
    w = _Writer(tmp, eng.language)
    order = [n for n in SHEET_ORDER if n in tables] + sorted(set(tables) - set(SHEET_ORDER))
    for name in order:
        w.frame(w.sheet(_sheet_title(name, eng.language)), worded_codes(tables[name], lang=eng.language))
    for manager, blocks in _manager_blocks(tables).items():
        ws = w.sheet(manager)
        row = 0
        for title, df in blocks:
            row = w.frame(ws, df, first_row=row, title=title)
    w.book.close()
    tmp.replace(path)
    return path


CODED: dict[str, str] = {
    "status": "scorecard.status",
    "data_status": "scorecard.status",
    "answer_status": "scorecard.status",
    "area": "scorecard.area",
}
"""Columns whose values are codes a person reads as words: column -> the label prefix of its values."""


def worded_codes(df: pd.DataFrame, *, lang: str) -> pd.DataFrame:
    """``df`` with the codes of :data:`CODED` columns in words (``problem`` -> "проблема"), where every
    value of the column has a label; the machine-readable tables (csv, parquet) keep the codes.

    Examples
    --------
    >>> df = pd.DataFrame({"status": ["problem", "ok"], "area": ["clients", "people"], "n": [1, 2]})
    >>> worded_codes(df, lang="ru").values.tolist()
    [['проблема', 'Клиенты', 1], ['в порядке', 'Люди', 2]]
    >>> worded_codes(pd.DataFrame({"status": ["open"]}), lang="en")["status"].tolist()  # deal status: no label
    ['open']
    """
    labels = catalog()
    out = df
    for column, prefix in CODED.items():
        if column not in df.columns:
            continue
        values = df[column].dropna().astype(str).unique()
        if len(values) and all(f"{prefix}.{v}" in labels for v in values):
            words = {v: str(labels[f"{prefix}.{v}"][lang]) for v in values}
            out = out.copy() if out is df else out
            out[column] = df[column].map(lambda v, words=words: words.get(str(v), v) if pd.notna(v) else v)
    return out


def _sheet_title(name: str, lang: str) -> str:
    entry = catalog().get(f"sheet.{name}")
    return str(entry[lang]) if entry else name


def _manager_blocks(tables: dict[str, pd.DataFrame]) -> dict[str, list[tuple[str, pd.DataFrame]]]:
    """Per manager: their weekly plan and their clients (the sheet handed to each manager)."""
    out: dict[str, list[tuple[str, pd.DataFrame]]] = {}
    for name in ("plan_weekly", "clients"):
        df = tables.get(name)
        if df is None or "manager" not in df.columns:
            continue
        for manager, part in df.groupby("manager", sort=True, dropna=True):
            out.setdefault(str(manager), []).append((name, part.drop(columns="manager")))
    return out
