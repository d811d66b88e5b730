"""The audit stage: the key figures of the sales system (the scorecard builds on these)."""

from __future__ import annotations

import pandas as pd


def analysis_window(as_of, *, window_months: int = 12) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last day of the analysis window: the last ``window_months`` FULL calendar months
    before ``as_of`` (as_of 2026-11-25, 12 months -> 2025-11-01 .. 2026-10-31).

    Examples
    --------
    >>> [d.date().isoformat() for d in analysis_window("2026-11-25", window_months=12)]
    ['2025-11-01', '2026-10-31']
    """
    first_of_month = pd.Timestamp(as_of).normalize().replace(day=1)
    start = first_of_month - pd.DateOffset(months=window_months)
    end = first_of_month - pd.Timedelta(days=1)
    return start, end


def key_figures(sales: pd.DataFrame, *, as_of, window_months: int = 12) -> pd.DataFrame:
    """Headline numbers over the analysis window.

    Returns
    -------
    DataFrame with columns ``figure`` (an id), ``value``, ``kind`` (money/int/percent/date).
    """
    start, end = analysis_window(as_of, window_months=window_months)
    win = sales[(sales["date"] >= start) & (sales["date"] <= end)]
    prev = sales[(sales["date"] >= start - pd.DateOffset(months=window_months)) & (sales["date"] < start)]
    revenue = float(win["amount"].sum())
    prev_revenue = float(prev["amount"].sum())
    rows = [
        ("revenue", revenue, "money"),
        ("growth", revenue / prev_revenue - 1 if prev_revenue > 0 else float("nan"), "percent"),
        ("clients", int(win.loc[win["amount"] > 0, "client_id"].nunique()), "int"),
        ("managers", int(win["manager"].nunique()) if "manager" in win else float("nan"), "int"),
        ("lines", int(len(win)), "int"),
        ("history_from", sales["date"].min(), "date"),
        ("history_to", sales["date"].max(), "date"),
    ]
    return pd.DataFrame(rows, columns=["figure", "value", "kind"])
