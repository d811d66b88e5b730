"""XYZ classes: how stable each client's monthly net revenue is (the conventions are in
:mod:`salesaudit.clients.segmentation`'s docstring, "XYZ"), and the monthly revenue they rest on.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..exceptions import ConfigError
from ..frames import positive_int
from .arrays import NEVER, Lines, first_last_purchase, month_of_day, sales_lines, str_array

XYZ_CLASSES: tuple[str, ...] = ("X", "Y", "Z", "new", "none")


def xyz_limits(x, y) -> tuple[float, float]:
    """The X and Y limits as floats, checked: 0 <= x <= y."""
    if not (0 <= float(x) <= float(y)):
        raise ConfigError("XYZ limits must satisfy 0 <= x <= y", key="xyz", value=(x, y))
    return float(x), float(y)


def xyz_arrays(
    lines: Lines, first_day: np.ndarray, *, x: float, y: float, new_months: int
) -> dict[str, np.ndarray]:
    """Per-client arrays of the window: ``monthly`` revenue (n × months), ``xyz_months``,
    ``months_active``, ``mean``, ``std``, ``cv`` and ``xyz_class``."""
    n, width, start = lines.n, lines.months, lines.start
    end = start + width
    inside = lines.window(0)
    flat = lines.code[inside] * width + (lines.month[inside] - start)
    monthly = np.bincount(flat, weights=lines.minor[inside], minlength=n * width)
    monthly = monthly.reshape(n, width) / 100.0
    bought = first_day != NEVER
    first_month = np.full(n, end, dtype=np.int64)
    first_month[bought] = month_of_day(first_day[bought])
    offset = np.clip(first_month - start, 0, width)
    span = width - offset
    mask = np.arange(width)[None, :] >= offset[:, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(mask, monthly, 0.0).sum(axis=1) / span
        dev = np.where(mask, monthly - mean[:, None], 0.0)
        std = np.sqrt((dev**2).sum(axis=1) / span)  # population sigma, ddof=0
        cv = np.where(mean > 0, std / mean, np.nan)
    is_new = (first_month < end) & (end - first_month < new_months)
    rounded = np.round(cv, 10)
    labels = np.select(
        [is_new, ~(mean > 0), rounded <= x, rounded <= y],
        ["new", "none", "X", "Y"],
        default="Z",
    )
    cv = np.where(labels == "new", np.nan, cv)
    return {
        "monthly": monthly,
        "xyz_months": span,
        "months_active": (monthly > 0).sum(axis=1),
        "mean": np.where(span > 0, mean, np.nan),
        "std": np.where(span > 0, std, np.nan),
        "cv": cv,
        "xyz_class": labels.astype(object),
    }


def xyz_classes(
    sales: pd.DataFrame,
    *,
    as_of,
    window_months: int = 12,
    x: float = 0.10,
    y: float = 0.25,
    new_months: int = 3,
) -> pd.DataFrame:
    """XYZ classes by the stability of each client's monthly net revenue.

    Coefficient of variation ``cv = σ / mean`` of monthly net revenue with the **population σ
    (ddof=0)**, over the months from the client's first purchase month (or the window's first month,
    if later) to the window's last month, months without a purchase counting as 0. X: cv <= ``x``;
    Y: cv <= ``y``; Z above (compared after rounding the cv to 10 decimals). ``"new"``: the first
    purchase ever (a positive line) is fewer than ``new_months`` months before the window's end,
    counting both ends (first purchase in the window's last two months, by default); ``"none"``:
    mean <= 0 (never X).

    Parameters
    ----------
    sales
        Canonical sales table (``date``, ``client_id``, ``amount``).
    as_of
        Analysis date; the window is the last ``window_months`` full months before it.
    window_months, x, y, new_months
        Window length and class limits.

    Returns
    -------
    DataFrame
        One row per client with a line in the window, index ``client_id`` (sorted); columns
        ``xyz_months`` (months observed), ``months_active`` (months with net revenue > 0), ``mean``,
        ``std``, ``cv`` and ``xyz_class`` (X/Y/Z/new/none).

    Examples
    --------
    >>> sales = pd.DataFrame({
    ...     "date": pd.to_datetime(["2026-08-05", "2026-09-05", "2026-10-05", "2026-10-20"]),
    ...     "client_id": ["c1", "c1", "c1", "c2"],
    ...     "amount": [100.0, 100.0, 130.0, 50.0]})
    >>> xyz = xyz_classes(sales, as_of="2026-11-25")
    >>> xyz[["xyz_months", "cv", "xyz_class"]].round(4)  # doctest: +NORMALIZE_WHITESPACE
               xyz_months      cv xyz_class
    client_id
    c1                  3  0.1286         Y
    c2                  1     NaN       new
    """
    x, y = xyz_limits(x, y)
    new_months = positive_int(new_months, key="xyz.new_months")
    lines = sales_lines(sales, as_of=as_of, window_months=window_months)
    first_day, _ = first_last_purchase(lines)
    arrays = xyz_arrays(lines, first_day, x=x, y=y, new_months=new_months)
    present = np.bincount(lines.code[lines.window(0)], minlength=lines.n) > 0
    out = pd.DataFrame(
        {k: arrays[k][present] for k in ("xyz_months", "months_active", "mean", "std", "cv")},
        index=lines.ids[present],
    )
    out["xyz_class"] = str_array(arrays["xyz_class"][present]).to_numpy()
    return out.sort_index()


def monthly_revenue(sales: pd.DataFrame, *, as_of, window_months: int = 12) -> pd.DataFrame:
    """Net revenue per client and calendar month of the analysis window (0 where nothing sold).

    Parameters
    ----------
    sales
        Canonical sales table.
    as_of, window_months
        The window, as in :func:`analysis_window`.

    Returns
    -------
    DataFrame
        Index ``client_id`` (clients with a line in the window, sorted); one column per month,
        named by ``period`` ``"YYYY-MM"``; values netted in kopecks, then in currency units.

    Examples
    --------
    >>> sales = pd.DataFrame({"date": pd.to_datetime(["2026-09-05", "2026-09-30", "2026-10-01"]),
    ...                       "client_id": ["c1", "c1", "c1"], "amount": [100.0, -40.0, 10.0]})
    >>> monthly_revenue(sales, as_of="2026-11-25", window_months=3)  # doctest: +NORMALIZE_WHITESPACE
    period     2026-08  2026-09  2026-10
    client_id
    c1             0.0     60.0     10.0
    """
    lines = sales_lines(sales, as_of=as_of, window_months=window_months)
    first_day = np.full(lines.n, NEVER, dtype=np.int64)
    arrays = xyz_arrays(lines, first_day, x=0.1, y=0.25, new_months=1)
    present = np.bincount(lines.code[lines.window(0)], minlength=lines.n) > 0
    periods = pd.period_range(
        start=pd.Period(lines.as_of, "M") - lines.months, periods=lines.months, freq="M"
    ).strftime("%Y-%m")
    out = pd.DataFrame(
        arrays["monthly"][present],
        index=lines.ids[present],
        columns=pd.Index(periods, name="period"),
    )
    return out.sort_index()
