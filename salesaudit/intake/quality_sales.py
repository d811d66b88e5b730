"""Data-quality findings about the sales lines as a whole: zero amounts, periods without a line,
one client over half of revenue, round amounts — and the finding row every check of
:mod:`salesaudit.intake.quality` produces (no language: :mod:`salesaudit.intake.quality_words`
words it).

Conventions (thresholds: :class:`salesaudit.engine.config.QualitySettings`)
---------------------------------------------------------------------------
* **Analysed period**: the analysis window of ``as_of`` (:func:`salesaudit.frames.analysis_window`);
  without ``as_of`` the sales lines' own first to last date.
* **Zero amount**: a used sales line whose amount is exactly 0; share of lines of the sales lines read.
* **Gap**: ``gap_days`` or more days in a row inside the analysed period without a sales line, where
  the data's usual pace (lines per day between its first and last date) would have given at least
  ``gap_min_lines`` lines. A gap holding a whole calendar month is a problem, a shorter one a warning.
  ``value`` is the longest gap as an ISO interval ``YYYY-MM-DD/YYYY-MM-DD``.
* **Top client**: the client whose net revenue in the analysed period exceeds ``top_client_share``
  of the period's revenue (Σ of the positive client nets); ``value`` is its name (client text).
* **Round amounts**: non-zero amounts that are multiples of ``round_unit`` (of ``10 × round_unit``
  from ``100 × round_unit`` on) on at least ``round_share`` of at least ``round_min_lines`` non-zero
  lines; ``line_share`` is of the non-zero lines.

Lines as integers (:class:`LineCodes`): every check works on each column as integers, coded once per
call — a categorical's codes, an Arrow text column dictionary-encoded by pyarrow, dates and numbers as
their int64 bits — never on one Python string per line. Two lines are equal in a column when their
integers are (a missing value is one value; ``-0.0`` and ``0.0`` are two amounts, as their bits are).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..engine.config import QualitySettings
from ..frames import analysis_window, coded

QUALITY_COLUMNS = [
    "check",
    "table",
    "severity",
    "count",
    "revenue_share",
    "line_share",
    "file",
    "row",
    "value",
    "amount",
    "detail",
]
"""A finding: the check, its table, severity (info/warning/problem), how many rows (or names or
periods), the share of revenue and of the sales lines affected, an example as data (``file``,
``row``, ``value``, ``amount``) and ``detail``: the rule's parameter in no language (a rejection
reason's detail, the gap's minimum days, the round unit, ``<table>:<rows>`` of a unified name)."""


def line_values(column: pd.Series, codes: tuple[np.ndarray, pd.Index] | None = None) -> np.ndarray:
    """``column`` as integers, equal where its values are: dates and numbers as their bits (NaT, NaN:
    one value; no copy), anything else as the codes of :func:`salesaudit.frames.coded` (or of ``codes``).

    Examples
    --------
    >>> line_values(pd.Series([1.5, -0.0, 0.0])).tolist() == [4609434218613702656, -2**63, 0]
    True
    """
    if isinstance(column.dtype, np.dtype) and column.dtype.kind in "fmMiub":
        values = column.to_numpy()
        return values.view(f"i{values.dtype.itemsize}") if values.dtype.kind in "fmM" else values
    return (codes or coded(column))[0]


class LineCodes:
    """The sales lines' columns as :func:`salesaudit.frames.coded` and :func:`line_values`, each text column coded once.

    Examples
    --------
    >>> codes = LineCodes(pd.DataFrame({"client_id": pd.Categorical(["B", "A", "B"])}))
    >>> codes("client_id")[0].tolist(), codes("client_id")[1].tolist()
    ([1, 0, 1], ['A', 'B'])
    >>> codes.first("client_id", np.array([False, True, True]))
    'A'
    """

    def __init__(self, frame: pd.DataFrame):
        self.frame = frame
        self._codes: dict[str, tuple[np.ndarray, pd.Index]] = {}

    def __call__(self, column: str) -> tuple[np.ndarray, pd.Index]:
        """The column's codes and distinct values (:func:`salesaudit.frames.coded`)."""
        if column not in self._codes:
            self._codes[column] = coded(self.frame[column])
        return self._codes[column]

    def values(self, column: str) -> np.ndarray:
        """The column as integers, equal where its values are (:func:`line_values`)."""
        col = self.frame[column]
        if isinstance(col.dtype, np.dtype) and col.dtype.kind in "fmMiub":
            return line_values(col)
        return self(column)[0]

    def first(self, column: str, mask: np.ndarray):
        """The value of the first line of ``mask`` with a value in ``column``; None when none."""
        codes, values = self(column)
        known = np.flatnonzero(np.asarray(mask) & (codes >= 0))
        return values[codes[known[0]]] if len(known) else None


def present(codes: np.ndarray, n: int) -> np.ndarray:
    """Which of the codes ``0 .. n-1`` occur in ``codes`` (``-1``, missing, aside).

    Examples
    --------
    >>> present(np.array([2, -1, 2, 0]), 4).tolist()
    [True, False, True, False]
    """
    seen = np.zeros(n + 1, dtype=bool)
    seen[codes] = True  # -1 marks the extra last slot
    return seen[:n]


def finding(
    check: str, table: str, severity: str, count: int, revenue_share: float = np.nan, **example
) -> dict:
    """One row of the findings table (:data:`QUALITY_COLUMNS`); ``example``: ``file``, ``row``,
    ``value``, ``amount``, ``line_share``, ``detail``."""
    unknown = set(example) - set(QUALITY_COLUMNS)
    if unknown:
        raise TypeError(f"not a finding column: {sorted(unknown)}")
    return {
        "check": check,
        "table": table,
        "severity": severity,
        "count": int(count),
        "revenue_share": revenue_share,
    } | example


def findings_frame(rows: list[dict]) -> pd.DataFrame:
    """The findings as a table with :data:`QUALITY_COLUMNS` and their dtypes (``row`` nullable)."""
    frame = pd.DataFrame(rows, columns=QUALITY_COLUMNS)
    return frame.astype(
        {
            "count": "int64",
            "revenue_share": "float64",
            "line_share": "float64",
            "row": "Int64",
            "amount": "float64",
            "file": "object",
            "value": "object",
            "detail": "object",
        }
    )


def example_at(frame: pd.DataFrame, mask, *, with_amount: bool = False) -> dict:
    """The first line of ``mask`` as an example: its ``file`` and ``row`` (when intake recorded
    them), its client as ``value`` and, ``with_amount``, its amount."""
    pos = int(np.flatnonzero(np.asarray(mask))[0])
    line = frame.iloc[pos]
    out: dict = {"value": str(line["client_id"])}
    if "_file" in frame and "_row" in frame:
        out |= {"file": str(line["_file"]), "row": int(line["_row"])}
    if with_amount:
        out["amount"] = float(line["amount"])
    return out


def analysed_period(
    sales: pd.DataFrame, *, as_of=None, window_months: int = 12
) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last day analysed: the analysis window of ``as_of``, else the lines' own span.

    Examples
    --------
    >>> sales = pd.DataFrame({"date": pd.to_datetime(["2026-01-05", "2026-03-02"])})
    >>> [d.date().isoformat() for d in analysed_period(sales)]
    ['2026-01-05', '2026-03-02']
    >>> [d.date().isoformat() for d in analysed_period(sales, as_of="2026-04-10", window_months=3)]
    ['2026-01-01', '2026-03-31']
    """
    if as_of is not None:
        return analysis_window(as_of=as_of, window_months=window_months)
    dates = pd.to_datetime(sales["date"])
    return dates.min().normalize(), dates.max().normalize()


def zero_amounts(sales: pd.DataFrame, share, *, lines: int) -> list[dict]:
    """Used sales lines with an amount of exactly 0 (severity set by the caller from the line share)."""
    zero = sales["amount"].to_numpy(dtype=float) == 0
    if not zero.any():
        return []
    count = int(zero.sum())
    return [
        finding(
            "zero_amount",
            "sales",
            "warning",
            count,
            share(sales["amount"][zero]),
            line_share=count / lines if lines else np.nan,
            **example_at(sales, zero, with_amount=True),
        )
    ]


def gaps(dates: pd.Series, *, start, end, min_days: int) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    """Runs of at least ``min_days`` days from ``start`` to ``end`` (both included) without a date of
    ``dates``, as ``(first empty day, last empty day)``.

    Examples
    --------
    >>> d = pd.Series(pd.to_datetime(["2026-01-31", "2026-04-01"]))
    >>> [(a.date().isoformat(), b.date().isoformat()) for a, b in gaps(d, start="2026-01-01",
    ...                                                                 end="2026-04-30", min_days=14)]
    [('2026-01-01', '2026-01-30'), ('2026-02-01', '2026-03-31'), ('2026-04-02', '2026-04-30')]
    """
    first = np.datetime64(pd.Timestamp(start).date(), "D")
    last = np.datetime64(pd.Timestamp(end).date(), "D")
    day = pd.to_datetime(dates).to_numpy().astype("datetime64[D]").view(np.int64)
    day = day[(day >= first.astype(np.int64)) & (day <= last.astype(np.int64))] - first.astype(np.int64)
    seen = np.zeros(max(int((last - first).astype(np.int64)) + 1, 0), dtype=bool)
    seen[day] = True  # the days with a line, in order, each once
    days = first + np.flatnonzero(seen)
    edges = np.concatenate([[first - 1], days, [last + 1]])
    empty = np.diff(edges).astype(np.int64) - 1
    return [
        (pd.Timestamp(edges[i] + 1), pd.Timestamp(edges[i + 1] - 1))
        for i in np.flatnonzero(empty >= min_days)
    ]


def _holds_a_month(first: pd.Timestamp, last: pd.Timestamp) -> bool:
    month = first if first.day == 1 else first + pd.offsets.MonthBegin(1)
    return month + pd.offsets.MonthEnd(0) <= last


def data_gaps(sales: pd.DataFrame, *, start, end, settings: QualitySettings) -> list[dict]:
    """Periods inside ``start .. end`` without a sales line where the data's pace expected some."""
    dates = pd.to_datetime(sales["date"])
    span = (dates.max() - dates.min()).days + 1
    pace = len(dates) / span if span > 0 else 0.0
    found = [
        (a, b)
        for a, b in gaps(dates, start=start, end=end, min_days=settings.gap_days)
        if pace * ((b - a).days + 1) >= settings.gap_min_lines
    ]
    if not found:
        return []
    longest = max(found, key=lambda g: (g[1] - g[0]).days)
    severity = "problem" if any(_holds_a_month(a, b) for a, b in found) else "warning"
    period = f"{longest[0].date().isoformat()}/{longest[1].date().isoformat()}"
    return [finding("data_gap", "sales", severity, len(found), value=period, detail=str(settings.gap_days))]


def top_client(
    sales: pd.DataFrame,
    *,
    start,
    end,
    settings: QualitySettings,
    clients: pd.DataFrame | None = None,
    codes: LineCodes | None = None,
) -> list[dict]:
    """The client above ``top_client_share`` of the period's net revenue, named; ``codes``: the sales
    lines' :class:`LineCodes` when already made."""
    codes = codes or LineCodes(sales)
    dates = pd.to_datetime(sales["date"])
    inside = ((dates >= pd.Timestamp(start)) & (dates <= pd.Timestamp(end))).to_numpy()
    if not inside.any():
        return []
    client, ids = codes("client_id")
    keep = inside & (client >= 0)
    # summed per client code as a groupby of the client column sums (in line order), then in its order
    net = pd.Series(sales["amount"].array[keep], copy=False).groupby(client[keep], sort=True).sum()
    net.index = ids[net.index.to_numpy()]
    if not isinstance(sales["client_id"].dtype, pd.CategoricalDtype):
        net = net.sort_index()
    revenue = float(net[net > 0].sum())
    if revenue <= 0:
        return []
    top = net.idxmax()
    top_share = float(net.max()) / revenue
    if top_share <= settings.top_client_share:
        return []
    lines = inside & (client == ids.get_loc(top))
    return [
        finding(
            "top_client",
            "sales",
            "warning",
            int(lines.sum()),
            top_share,
            value=_name_of(top, lines, codes, clients),
            detail=str(top),
        )
    ]


def _name_of(client_id, lines: np.ndarray, codes: LineCodes, clients: pd.DataFrame | None) -> str:
    """The client's name as the client wrote it: on its sales lines, else in the register, else its id."""
    if "client_name" in codes.frame:
        name = codes.first("client_name", lines)
        if name is not None:
            return str(name)
    if clients is not None and "name" in clients:
        names = clients.loc[clients["client_id"] == client_id, "name"].dropna().astype(str)
        if len(names):
            return names.iloc[0]
    return str(client_id)


def round_amounts(sales: pd.DataFrame, share, *, settings: QualitySettings) -> list[dict]:
    """Amounts that are (nearly) all round numbers: plans typed in as facts?"""
    amount = sales["amount"].to_numpy(dtype=float)
    size = np.abs(amount)
    nonzero = np.isfinite(size)
    nonzero &= size > 0
    lines = int(np.count_nonzero(nonzero))
    if lines < settings.round_min_lines:
        return []
    unit = float(settings.round_unit)
    step = np.where(size >= 100 * unit, 10 * unit, unit)
    rest = np.mod(size, step)
    round_ = rest < 0.005
    round_ |= np.subtract(step, rest, out=step) < 0.005  # in place: one array less of 8 bytes a line
    round_ &= nonzero
    count = int(np.count_nonzero(round_))
    line_share = count / lines
    if line_share < settings.round_share:
        return []
    return [
        finding(
            "round_amounts",
            "sales",
            "warning",
            count,
            share(amount[round_]),
            line_share=line_share,
            detail=f"{unit:g}",
            **example_at(sales, round_, with_amount=True),
        )
    ]
