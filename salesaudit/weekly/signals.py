"""Alert rules and their figures: which rows fire, the figure and threshold of each, and its severity.

No language here: :mod:`salesaudit.weekly.alerts` puts each alert into a sentence.
PLAYBOOK.md, "Weekly tracking", default alerts (thresholds: ``salesaudit.weekly.tracking.DEFAULT_THRESHOLDS``,
overridable with engagement.yaml's ``tracking`` block):

- ``runrate`` — run-rate forecast below 90 % of the month plan, from the end of the month's second
  working week on (figure: forecast / month plan);
- ``two_weeks`` — the week and the previous planned week both below 80 % of their plan (figure: the
  week's attainment);
- ``coverage`` — the pipeline closing this month covers the remaining plan less than 1 / win rate times
  (figure: coverage; threshold: 1 / win rate);
- ``activity`` — an activity kind below 80 % of its weekly norm (figure: fact / norm), one alert per kind;
- ``silent_client`` — an A client silent for more than 1.5 × its median gap between orders (figure:
  days silent / median gap);
- ``chance`` — the chance of reaching the bonus threshold (motivation.threshold × month plan) below
  ``chance_alert`` (30 %) (figure: the chance, :func:`salesaudit.weekly.chance.plan_chances`); only for
  chances the backtest found calibrated — an uncalibrated chance is not a fact to alert on.

The first three are the flags of :func:`salesaudit.weekly.tracking.track_week` for the week tracked, so the
alert table and the tracking table never disagree. **Severity**: "high" when the figure misses its
threshold by more than a quarter (figure < 0.75 × threshold for the "below" rules, figure > threshold /
0.75 for silence), else "medium".
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from ..exceptions import DataError
from ..frames import coded
from .inputs import NORM_COLUMNS

RULES: tuple[str, ...] = ("runrate", "two_weeks", "chance", "coverage", "activity", "silent_client")
"""Rule ids, in the order alerts of equal severity are listed."""

ALERT_COLUMNS = ["level", "manager", "rule", "subject", "period", "iso_week", "figure", "threshold"]
"""The columns of an alert row before its severity and text."""


def silent_clients(
    sales: pd.DataFrame,
    *,
    clients: pd.DataFrame,
    as_of,
    silence_factor: float = 1.5,
    min_days: int = 14,
    classes: tuple[str, ...] = ("A",),
) -> pd.DataFrame:
    """Clients of the given ABC classes and how long they have been silent, against their own rhythm.

    Convention: an *order day* is a day on which the client's net sales (returns netted) are positive,
    up to ``as_of``; the client's usual gap is the median number of days between consecutive order
    days (needs at least two); days silent = ``as_of`` − last order day; silent when days silent >
    ``silence_factor`` × the usual gap. The class comes from ``clients.abc_class`` (or ``segment``),
    "A" or an ABC×XYZ cell such as "AX". The manager is ``clients.manager``, else the manager of the
    client's last sale.

    Parameters
    ----------
    sales
        Canonical sales: ``date``, ``client_id``, ``amount`` (optional ``manager``).
    clients
        ``client_id``, ``abc_class`` or ``segment``, optional ``manager`` and ``name``.
    as_of
        Analysis date.
    silence_factor
        engagement.yaml ``tracking.silence_factor``.
    min_days
        engagement.yaml ``tracking.silence_min_days``: a client is silent only after this many days too
        (default 14), so weekly buyers a few days late raise no alarm.
    classes
        Classes watched.

    Returns
    -------
    One row per client of those classes: ``client_id``, ``name``, ``manager``, ``abc_class``,
    ``orders`` (order days), ``last_order``, ``median_gap_days``, ``days_silent``, ``ratio`` (days
    silent / median gap), ``silent`` (bool); silent clients first, longest silence first.

    Examples
    --------
    >>> sales = pd.DataFrame({"date": pd.to_datetime(["2026-01-05", "2026-01-15", "2026-01-25"]),
    ...     "client_id": "c1", "amount": [10.0, 10.0, 10.0]})
    >>> clients = pd.DataFrame({"client_id": ["c1"], "abc_class": ["A"], "manager": ["Ann"]})
    >>> silent_clients(sales, clients=clients, as_of="2026-02-20")[
    ...     ["client_id", "median_gap_days", "days_silent", "ratio", "silent"]]
      client_id  median_gap_days  days_silent  ratio  silent
    0        c1             10.0           26    2.6    True
    """
    class_col = _class_column(sales, clients)
    day = pd.Timestamp(as_of).normalize()
    abc = clients[class_col].astype("str").str.strip().str.upper().str.extract(r"^([ABCD])[XYZ]?$")[0]
    watched = clients[abc.isin(classes).to_numpy()].drop_duplicates("client_id")
    ids = watched["client_id"].astype("str")
    out = pd.DataFrame(
        {
            "client_id": ids.to_numpy(),
            "name": _column(watched, "name"),
            "manager": _column(watched, "manager"),
            "abc_class": abc[watched.index].astype("str").to_numpy(),
        }
    )
    out = out.merge(_order_days(sales, ids=ids, day=day), left_on="client_id", right_index=True, how="left")
    if "manager" in sales.columns:
        unknown = out.loc[out["manager"].isna(), "client_id"]
        out["manager"] = out["manager"].fillna(
            out["client_id"].map(_last_managers(sales, ids=unknown, day=day))
        )
    out["orders"] = out["orders"].fillna(0).astype(int)
    out["days_silent"] = (day - out["last_order"]).dt.days.astype("Int64")
    gap = out["median_gap_days"].astype(float)
    out["ratio"] = out["days_silent"].astype(float) / gap.where(gap > 0)
    # a weekly buyer six days quiet is not news: silence must also last ``min_days``
    out["silent"] = (
        ((out["ratio"] > silence_factor) & (out["days_silent"] >= min_days)).fillna(False).astype(bool)
    )
    out = out.sort_values(["silent", "ratio"], ascending=[False, False], na_position="last")
    return out.reset_index(drop=True)


def _class_column(sales: pd.DataFrame, clients: pd.DataFrame) -> str:
    """The ABC class column of ``clients``; fails when a column :func:`silent_clients` needs is missing."""
    if "client_id" not in clients.columns:
        raise DataError("clients lacks the column client_id", column="client_id")
    class_col = next((c for c in ("abc_class", "segment") if c in clients.columns), None)
    if class_col is None:
        raise DataError(
            "clients has no ABC class",
            column="abc_class",
            hint="pass the clients table with abc_class (or segment) from segmentation",
        )
    missing = [c for c in ("date", "client_id", "amount") if c not in sales.columns]
    if missing:
        raise DataError(f"sales lacks column(s) {', '.join(missing)}", column=missing[0])
    return class_col


def _column(frame: pd.DataFrame, column: str) -> np.ndarray:
    """``frame[column]`` as text, NA throughout when ``frame`` has no such column."""
    values = frame[column] if column in frame else pd.Series(pd.NA, index=frame.index)
    return values.astype("str").to_numpy()


def _order_days(sales: pd.DataFrame, *, ids: pd.Series, day: pd.Timestamp) -> pd.DataFrame:
    """Per client of ``ids``: ``orders`` (days with positive net sales up to ``day``), ``last_order`` and
    ``median_gap_days`` (median days between consecutive order days). Only the lines of those clients
    are grouped, on client codes and day numbers (10M lines: no string per line)."""
    client, names = _client_codes(sales["client_id"], ids)
    dates = pd.to_datetime(sales["date"])
    days = dates.to_numpy().astype("datetime64[D]")
    keep = (client >= 0) & (days <= day.to_datetime64().astype("datetime64[D]"))
    number = days[keep].astype(np.int64)
    first = int(number.min()) if len(number) else 0
    span = int(number.max()) - first + 1 if len(number) else 1
    # one integer per client-day, so grouping sorts by client, then day
    net = pd.Series(sales["amount"].to_numpy()[keep]).groupby(client[keep] * span + (number - first)).sum()
    net = net[net > 0]
    key = net.index.to_numpy()
    orders = pd.DataFrame(
        {
            "client": key // span,
            "date": (key % span + first).astype("datetime64[D]").astype(dates.dtype),  # the sales' unit
        }
    )
    orders["gap"] = orders.groupby("client")["date"].diff().dt.days
    out = orders.groupby("client").agg(
        orders=("date", "size"), last_order=("date", "max"), median_gap_days=("gap", "median")
    )
    out.index = pd.Index(names[out.index.to_numpy()], name="client_id")
    return out.sort_index()


def _client_codes(values: pd.Series, ids: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Each line's client as a number: the position of its client (as text) in the distinct ``ids``,
    -1 for a client not among them or none; and those distinct ids, the numbers' names."""
    codes, distinct = coded(values)
    names = pd.unique(ids.to_numpy())
    where = pd.Index(names).get_indexer(pd.Series(distinct).astype("str").to_numpy())
    lookup = np.append(where, -1)  # code -1 (no client) looks up the last entry
    return lookup[codes], np.asarray(names, dtype=object)


def _last_managers(sales: pd.DataFrame, *, ids: pd.Series, day: pd.Timestamp) -> pd.Series:
    """The manager of each client of ``ids``' last sale with a manager up to ``day`` (of a day's
    sales, the last line), by ``client_id``."""
    client, names = _client_codes(sales["client_id"], ids)
    dates = pd.to_datetime(sales["date"]).to_numpy()
    keep = np.flatnonzero(
        (client >= 0) & sales["manager"].notna().to_numpy() & (dates <= day.to_datetime64())
    )
    order = keep[np.lexsort((keep, dates[keep], client[keep]))]  # by client, then date, then line
    last = order[np.append(client[order][1:] != client[order][:-1], True)] if len(order) else order
    return pd.Series(
        sales["manager"].iloc[last].to_numpy(),
        index=pd.Index(names[client[last]], name="client_id"),
        name="manager",
    ).astype("str")


class Fired(NamedTuple):
    """One rule's catch: the rows it flagged and their alert rows (:data:`ALERT_COLUMNS`)."""

    rule: str
    rows: pd.DataFrame  # tracking rows, coverage rows or silent clients, as the rule reads them
    alerts: pd.DataFrame
    kind: str | None = None  # the activity kind of an "activity" rule


def fire_rules(
    tracking: pd.DataFrame,
    *,
    thresholds: dict,
    coverage: pd.DataFrame | None = None,
    silent: pd.DataFrame | None = None,
    chances: pd.DataFrame | None = None,
) -> list[Fired]:
    """Each rule's flagged rows and alert rows, in the order of :data:`RULES` (activity: one per kind).

    ``tracking`` is a weekly :func:`salesaudit.weekly.tracking.track_week` table, ``thresholds`` resolved
    ones, ``coverage`` the :func:`salesaudit.weekly.pipeline.pipeline_coverage` table, ``silent`` the
    :func:`silent_clients` table and ``chances`` the calibrated :func:`salesaudit.weekly.chance.plan_chances`
    table (their rules are skipped when None).
    """
    th = thresholds
    week = {"period": tracking["period"].iloc[0], "iso_week": tracking["iso_week"].iloc[0]}
    r = tracking[tracking["alert_runrate"]]
    fired = [Fired("runrate", r, _frame(r, "runrate", r["forecast_attainment"], th["runrate_alert"], **week))]
    r = tracking[tracking["alert_two_weeks"]]
    fired.append(Fired("two_weeks", r, _frame(r, "two_weeks", r["attainment"], th["weekly_alert"], **week)))
    if chances is not None:
        month = chances[(chances["horizon"] == "month") & (chances["plan"] > 0)]
        r = month[month["chance_threshold"].lt(th["chance_alert"]).fillna(False).astype(bool)]
        alerts = _frame(
            r, "chance", r["chance_threshold"], th["chance_alert"], **(week | {"period": r["period"]})
        )
        fired.append(Fired("chance", r, alerts))
    if coverage is not None:
        r = coverage[coverage["below"]]
        alerts = _frame(r, "coverage", r["coverage"], r["required_coverage"], **week)
        fired.append(Fired("coverage", r, alerts))
    for kind in [k for k in NORM_COLUMNS if f"{k}_norm" in tracking.columns]:
        fact, norm = tracking[f"{kind}_fact"], tracking[f"{kind}_norm"]
        r = tracking[tracking["alert_activity"] & (norm > 0) & (fact < th["activity_alert"] * norm)]
        attainment = r[f"{kind}_attainment"]
        alerts = _frame(r, "activity", attainment, th["activity_alert"], subject=kind, **week)
        fired.append(Fired("activity", r, alerts, kind))
    if silent is not None:
        r = silent[silent["silent"]]
        r = r.assign(level=np.where(r["manager"].isna(), "department", "manager"))
        alerts = _frame(r, "silent_client", r["ratio"], th["silence_factor"], subject=r["client_id"], **week)
        fired.append(Fired("silent_client", r, alerts))
    return fired


def _frame(rows: pd.DataFrame, rule: str, figure, threshold, *, period, iso_week, subject=pd.NA):
    """Alert rows for the ``rows`` a rule flagged (severity and text come later)."""
    return pd.DataFrame(
        {
            "level": rows["level"].to_numpy(),
            "manager": rows["manager"].to_numpy(),
            "rule": rule,
            "subject": subject.to_numpy() if isinstance(subject, pd.Series) else subject,
            "period": period.to_numpy() if isinstance(period, pd.Series) else period,
            "iso_week": iso_week,
            "figure": np.asarray(figure, dtype=float),
            "threshold": np.broadcast_to(np.asarray(threshold, dtype=float), (len(rows),)),
        }
    )


def severity(alerts: pd.DataFrame) -> np.ndarray:
    """Severity of each alert: "high" when the figure misses its threshold by more than a quarter
    (figure < 0.75 × threshold; for silence figure > threshold / 0.75), else "medium"."""
    above = (alerts["rule"] == "silent_client").to_numpy()
    figure, threshold = alerts["figure"].to_numpy(), alerts["threshold"].to_numpy()
    return np.where(
        above,
        _severity(figure, threshold, above=True),
        _severity(figure, threshold, above=False),
    )


def _severity(figure: np.ndarray, threshold: np.ndarray, *, above: bool) -> np.ndarray:
    if above:
        return np.where(figure > threshold / 0.75, "high", "medium")
    return np.where(figure < 0.75 * threshold, "high", "medium")


def ranked(alerts: pd.DataFrame) -> pd.Index:
    """The index of ``alerts`` in listing order: high severity first, then by rule (:data:`RULES`),
    department before managers, then manager and subject."""
    order = pd.DataFrame(
        {
            "s": (alerts["severity"] != "high").astype(int),
            "r": alerts["rule"].map({rule: i for i, rule in enumerate(RULES)}),
            "l": (alerts["level"] != "department").astype(int),
        }
    )
    keys = pd.concat([order, alerts[["manager", "subject"]]], axis=1)
    return keys.sort_values(["s", "r", "l", "manager", "subject"], kind="stable").index
