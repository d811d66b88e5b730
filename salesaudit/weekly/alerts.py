"""Alerts: whom the head of sales should talk to this week, about which figure, and what to do.

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
  days silent / median gap).

The first three are the flags of :func:`salesaudit.weekly.tracking.track_week` for the week tracked, so the
alert table and the tracking table never disagree. **Severity**: "high" when the figure misses its
threshold by more than a quarter (figure < 0.75 × threshold for the "below" rules, figure > threshold /
0.75 for silence), else "medium".
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from babel.dates import format_date

from ..exceptions import DataError
from ..report.formatting import fmt_money, fmt_number, fmt_percent
from ..report.i18n import t
from .pipeline import pipeline_coverage
from .tracking import resolve_thresholds, track_week

RULES: tuple[str, ...] = ("runrate", "two_weeks", "coverage", "activity", "silent_client")
"""Rule ids, in the order alerts of equal severity are listed."""

_ACTIVITY_LABELS = {
    "calls": "tracking.activity.calls",
    "meetings": "tracking.activity.meetings",
    "proposals": "tracking.activity.proposals",
    "deals": "tracking.activity.deals",
}
_TEXTS = {
    "runrate": "tracking.alert.runrate",
    "two_weeks": "tracking.alert.two_weeks",
    "coverage": "tracking.alert.coverage",
    "activity": "tracking.alert.activity",
    "silent_client": "tracking.alert.silent_client",
}
_COLUMNS = ["level", "manager", "rule", "subject", "period", "iso_week", "figure", "threshold"]


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
    day = pd.Timestamp(as_of).normalize()
    abc = clients[class_col].astype("str").str.strip().str.upper().str.extract(r"^([ABCD])[XYZ]?$")[0]
    watched = clients[abc.isin(classes).to_numpy()].drop_duplicates("client_id")
    ids = watched["client_id"].astype("str")

    lines = sales[["date", "client_id", "amount"]].copy()
    lines["date"] = pd.to_datetime(lines["date"]).dt.normalize()
    lines["client_id"] = lines["client_id"].astype("str")
    lines = lines[(lines["date"] <= day) & lines["client_id"].isin(set(ids))]
    net = lines.groupby(["client_id", "date"], as_index=False)["amount"].sum()
    orders = net[net["amount"] > 0].sort_values(["client_id", "date"])
    orders["gap"] = orders.groupby("client_id")["date"].diff().dt.days
    stats = orders.groupby("client_id").agg(
        orders=("date", "size"), last_order=("date", "max"), median_gap_days=("gap", "median")
    )

    out = pd.DataFrame(
        {
            "client_id": ids.to_numpy(),
            "name": (watched["name"] if "name" in watched else pd.Series(pd.NA, index=watched.index))
            .astype("str")
            .to_numpy(),
            "manager": (watched["manager"] if "manager" in watched else pd.Series(pd.NA, index=watched.index))
            .astype("str")
            .to_numpy(),
            "abc_class": abc[watched.index].astype("str").to_numpy(),
        }
    )
    out = out.merge(stats, left_on="client_id", right_index=True, how="left")
    if "manager" in sales.columns:
        last_manager = (
            sales.assign(client_id=sales["client_id"].astype("str"))
            .loc[lambda s: pd.to_datetime(s["date"]) <= day]
            .sort_values("date", kind="stable")
            .groupby("client_id")["manager"]
            .last()
            .astype("str")
        )
        out["manager"] = out["manager"].fillna(out["client_id"].map(last_manager))
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


def _severity(figure: np.ndarray, threshold: np.ndarray, *, above: bool) -> np.ndarray:
    if above:
        return np.where(figure > threshold / 0.75, "high", "medium")
    return np.where(figure < 0.75 * threshold, "high", "medium")


def _who(level: str, manager, lang: str) -> str:
    if level == "department":
        return t("tracking.who.department", lang)
    if pd.isna(manager):
        return t("tracking.who.unassigned", lang)
    return str(manager)


def _month(period: str, lang: str) -> str:
    return format_date(pd.Timestamp(f"{period}-01").date(), "LLLL yyyy", locale=lang)


def _frame(rows: pd.DataFrame, rule: str, figure, threshold, *, period, iso_week, subject=pd.NA):
    """Alert rows for the ``rows`` a rule flagged (text and severity come later)."""
    return pd.DataFrame(
        {
            "level": rows["level"].to_numpy(),
            "manager": rows["manager"].to_numpy(),
            "rule": rule,
            "subject": subject.to_numpy() if isinstance(subject, pd.Series) else subject,
            "period": period,
            "iso_week": iso_week,
            "figure": np.asarray(figure, dtype=float),
            "threshold": np.broadcast_to(np.asarray(threshold, dtype=float), (len(rows),)),
        }
    )


def _texts(alerts: pd.DataFrame, params: list[dict], *, lang: str) -> list[str]:
    texts = []
    for (_, row), extra in zip(alerts.iterrows(), params, strict=True):
        pct = row["rule"] in ("runrate", "two_weeks", "activity")
        shown = (
            fmt_percent(row["figure"], lang=lang) if pct else fmt_number(row["figure"], lang=lang, digits=1)
        )
        limit = (
            fmt_percent(row["threshold"], lang=lang)
            if pct
            else fmt_number(row["threshold"], lang=lang, digits=1)
        )
        who = _who(row["level"], row["manager"], lang)
        texts.append(t(_TEXTS[row["rule"]], lang, who=who, figure=shown, threshold=limit, **extra))
    return texts


def detect_alerts(
    sales: pd.DataFrame,
    *,
    plan_weekly: pd.DataFrame,
    as_of,
    week=None,
    country: str = "RU",
    activities: pd.DataFrame | None = None,
    pipeline: pd.DataFrame | None = None,
    clients: pd.DataFrame | None = None,
    win_rate: float | None = None,
    default_win_rate: float = 0.25,
    thresholds: Mapping[str, float] | None = None,
    activity_types: Mapping[str, str] | None = None,
    lang: str = "ru",
    currency: str = "RUB",
    tracking: pd.DataFrame | None = None,
    silent: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The alert table for one week: each rule that fires, for a manager or the department, with text.

    Conventions: module docstring; figures as in :func:`salesaudit.weekly.tracking.track_week` (same
    ``week`` default: the last complete week before ``as_of``). The coverage rule needs ``pipeline``,
    the silent-client rule ``clients`` (with ``abc_class`` or ``segment``); without them those rules
    are skipped.

    Parameters
    ----------
    sales, plan_weekly, as_of, week, country, activities, thresholds, activity_types
        As in :func:`salesaudit.weekly.tracking.track_week`.
    pipeline, win_rate, default_win_rate
        As in :func:`salesaudit.weekly.pipeline.pipeline_coverage`.
    clients
        As in :func:`silent_clients`.
    lang, currency
        Language of ``text`` ("ru"/"en") and the currency of amounts in it.
    tracking, silent
        The :func:`salesaudit.weekly.tracking.track_week` and :func:`silent_clients` tables of these same
        inputs, when the caller has them already (a notebook shows both): not computed again.

    Returns
    -------
    DataFrame with columns ``level`` ("manager"/"department"), ``manager`` (NA for the department),
    ``rule`` (one of :data:`RULES`), ``subject`` (activity kind or client_id, else NA), ``period``,
    ``iso_week``, ``figure``, ``threshold``, ``severity`` ("high"/"medium") and ``text``; high
    severity first, then by rule, department before managers.

    Examples
    --------
    >>> plan = pd.DataFrame({"manager": ["Ann", "Ann"],
    ...     "week_start": pd.to_datetime(["2026-04-06", "2026-04-13"]),
    ...     "week_end": pd.to_datetime(["2026-04-12", "2026-04-19"]), "plan": [1000, 1000]})
    >>> sales = pd.DataFrame({"date": pd.to_datetime(["2026-04-08", "2026-04-15"]),
    ...     "client_id": "c1", "amount": [500.0, 700.0], "manager": "Ann"})
    >>> alerts = detect_alerts(sales, plan_weekly=plan, as_of="2026-04-20", lang="en")
    >>> alerts[["level", "manager", "rule", "figure", "threshold", "severity"]]
            level manager       rule  figure  threshold severity
    0  department     NaN  two_weeks     0.7        0.8   medium
    1     manager     Ann  two_weeks     0.7        0.8   medium
    >>> print(alerts["text"][1][:60])
    Ann: a second week in a row below 80% of the weekly plan — w
    """
    th = resolve_thresholds(thresholds)
    tw = (
        tracking
        if tracking is not None
        else track_week(
            sales,
            plan_weekly=plan_weekly,
            as_of=as_of,
            week=week,
            country=country,
            activities=activities,
            thresholds=th,
            activity_types=activity_types,
        )
    )
    kinds = [k for k in _ACTIVITY_LABELS if f"{k}_norm" in tw.columns]
    money = {"currency": currency, "lang": lang}
    week = {"period": tw["period"].iloc[0], "iso_week": tw["iso_week"].iloc[0]}
    parts: list[pd.DataFrame] = []
    params: list[dict] = []  # text placeholders, one dict per alert, in the order of ``parts``

    r = tw[tw["alert_runrate"]]
    parts.append(_frame(r, "runrate", r["forecast_attainment"], th["runrate_alert"], **week))
    params += [
        {
            "period": _month(x.period, lang),
            "forecast": fmt_money(x.forecast, **money),
            "plan": fmt_money(x.month_plan, **money),
            "required": fmt_money(x.required_daily, **money),
        }
        for x in r.itertuples()
    ]
    r = tw[tw["alert_two_weeks"]]
    parts.append(_frame(r, "two_weeks", r["attainment"], th["weekly_alert"], **week))
    params += [
        {"iso_week": x.iso_week, "fact": fmt_money(x.fact, **money), "plan": fmt_money(x.plan, **money)}
        for x in r.itertuples()
    ]
    if pipeline is not None:
        cov = pipeline_coverage(pipeline, tracking=tw, win_rate=win_rate, default_win_rate=default_win_rate)
        r = cov[cov["below"]]
        parts.append(_frame(r, "coverage", r["coverage"], r["required_coverage"], **week))
        params += [
            {
                "pipeline": fmt_money(x.pipeline_amount, **money),
                "remaining": fmt_money(x.remaining_plan, **money),
                "win_rate": fmt_percent(x.win_rate, lang=lang),
            }
            for x in r.itertuples()
        ]
    for kind in kinds:
        fact, norm = tw[f"{kind}_fact"], tw[f"{kind}_norm"]
        r = tw[tw["alert_activity"] & (norm > 0) & (fact < th["activity_alert"] * norm)]
        attainment = r[f"{kind}_attainment"]
        parts.append(_frame(r, "activity", attainment, th["activity_alert"], subject=kind, **week))
        params += [
            {
                "kind": t(_ACTIVITY_LABELS[kind], lang),
                "iso_week": week["iso_week"],
                "fact": fmt_number(done, lang=lang),
                "norm": fmt_number(target, lang=lang),
            }
            for done, target in zip(r[f"{kind}_fact"], r[f"{kind}_norm"], strict=True)
        ]
    if clients is not None:
        quiet = (
            silent
            if silent is not None
            else silent_clients(
                sales,
                clients=clients,
                as_of=as_of,
                silence_factor=th["silence_factor"],
                min_days=int(th["silence_min_days"]),
            )
        )
        r = quiet[quiet["silent"]]
        r = r.assign(level=np.where(r["manager"].isna(), "department", "manager"))
        parts.append(
            _frame(r, "silent_client", r["ratio"], th["silence_factor"], subject=r["client_id"], **week)
        )
        params += [
            {
                "client": x.client_id if pd.isna(x.name) else x.name,
                "days": t("tracking.unit.days", lang, count=int(x.days_silent)),
                "gap": t("tracking.unit.days", lang, count=round(float(x.median_gap_days))),
            }
            for x in r.itertuples()
        ]

    alerts = pd.concat(parts, ignore_index=True)
    above = (alerts["rule"] == "silent_client").to_numpy()
    figure, threshold = alerts["figure"].to_numpy(), alerts["threshold"].to_numpy()
    alerts["severity"] = np.where(
        above,
        _severity(figure, threshold, above=True),
        _severity(figure, threshold, above=False),
    )
    alerts["text"] = _texts(alerts, params, lang=lang)
    for col in ("level", "manager", "rule", "subject", "period", "iso_week", "severity", "text"):
        alerts[col] = alerts[col].astype("str")
    order = pd.DataFrame(
        {
            "s": (alerts["severity"] != "high").astype(int),
            "r": alerts["rule"].map({rule: i for i, rule in enumerate(RULES)}),
            "l": (alerts["level"] != "department").astype(int),
        }
    )
    keys = pd.concat([order, alerts[["manager", "subject"]]], axis=1)
    idx = keys.sort_values(["s", "r", "l", "manager", "subject"], kind="stable").index
    return alerts.loc[idx, [*_COLUMNS, "severity", "text"]].reset_index(drop=True)


def as_findings(alerts: pd.DataFrame) -> list[dict]:
    """Alerts as report findings: the text, ``problem`` for high severity and ``warning`` otherwise."""
    return [
        {"text": str(text), "severity": "problem" if sev == "high" else "warning"}
        for text, sev in zip(alerts["text"], alerts["severity"], strict=True)
    ]
