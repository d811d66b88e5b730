"""Reverse funnel: the deals, proposals, meetings and calls a money plan needs, per manager and week.

``deals = plan / average deal``; ``proposals = deals / win rate``; ``meetings = proposals /
proposal rate`` (meeting -> proposal); ``calls = meetings / meeting rate`` (call -> meeting)
(PLAYBOOK.md, "Plan"). Each rate comes from the manager's own data when there is enough of it, else
from the department's, else from the configured default — and the rates table says which.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from ..exceptions import ConfigError
from ..frames import coded, deal_codes, require, resolve_as_of, sales_window
from ..weekly.pipeline import classify_deals
from ..weekly.tracking import ACTIVITY_TYPES as _TYPE_TO_NORM

NORM_COLUMNS: list[str] = ["deals", "proposals", "meetings", "calls"]
"""Activity-norm columns of ``plan_weekly`` (see :func:`activity_norms`)."""

SOURCES: tuple[str, ...] = ("manager", "department", "default", "missing")
"""Where a rate came from: the manager's data, the department's, the configured default, nowhere."""

ACTIVITY_TYPES: dict[str, frozenset[str]] = {
    kind: frozenset(raw for raw, norm in _TYPE_TO_NORM.items() if norm == f"{kind}s")
    for kind in ("call", "meeting", "proposal")
}
"""Activity ``type`` values (lower-cased, trimmed) counted as calls, meetings and proposals — the one
vocabulary of :data:`salesaudit.weekly.tracking.ACTIVITY_TYPES`, grouped by kind."""

RATE_COLUMNS: list[str] = [
    "level",
    "manager",
    "avg_deal",
    "avg_deal_source",
    "deals_count",
    "win_rate",
    "win_rate_source",
    "proposal_rate",
    "proposal_rate_source",
    "meeting_rate",
    "meeting_rate_source",
]


def _check_rate(value: float, name: str) -> float:
    rate = float(value)
    if not 0.0 < rate <= 1.0:
        raise ConfigError(f"{name} must be above 0 and at most 1", key=f"funnel.{name}", value=value)
    return rate


def _check_defaults(win_rate, proposal_rate, meeting_rate) -> dict[str, float]:
    """The default rates by name, each checked to be in (0, 1]."""
    given = {"win_rate": win_rate, "proposal_rate": proposal_rate, "meeting_rate": meeting_rate}
    return {name: _check_rate(value, name) for name, value in given.items()}


def funnel_rates(
    sales: pd.DataFrame | None,
    *,
    managers: Iterable[str] | pd.DataFrame | None = None,
    pipeline: pd.DataFrame | None = None,
    activities: pd.DataFrame | None = None,
    as_of=None,
    win_rate: float = 0.25,
    proposal_rate: float = 0.5,
    meeting_rate: float = 0.1,
    min_deals: int = 10,
    min_activities: int = 20,
    window_months: int = 12,
) -> pd.DataFrame:
    """Average deal and conversion rates per manager, each with its source.

    Window of the average deal and the activity rates: the ``window_months`` (12) months before
    ``as_of`` (default: the day after the last sale).

    * **Average deal**: from the pipeline's won deals (closed in the window) where there are at least
      ``min_deals`` of them (source ``"pipeline manager"`` / ``"pipeline department"``) — the funnel's
      unit is a CRM deal; otherwise from sales: a deal is a ``document_id`` (else a client-day; a line
      with neither is no deal); average deal = net sales (returns netted) / number of deals with a
      positive net amount. The manager's own figure (matched by text) needs ``min_deals`` positive
      deals and positive net sales; else the department's (any positive deal); else NaN, ``"missing"``.
    * **Win rate** = won / (won + lost) deals closed by ``as_of``, counted by number; the outcome
      is :func:`salesaudit.weekly.pipeline.classify_deals`'s (``status``, else ``stage``), the same as the
      tracking stage uses. Own figure with ``min_deals`` won or lost deals and at least one won;
      else department (same rule); else ``win_rate``.
    * **Proposal rate** (meeting -> proposal) = proposals / meetings; **meeting rate** (call ->
      meeting) = meetings / calls; from ``activities`` types (see :data:`ACTIVITY_TYPES`). Own figure
      when the denominator has ``min_activities`` and the numerator is positive; else department;
      else the default. Capped at 1.

    Parameters
    ----------
    sales
        Canonical sales (date, client_id, amount, + manager, document_id).
    managers
        Managers to report (names, or a table with a ``manager`` column); default those in sales.
    pipeline
        Canonical pipeline (deal_id, manager, amount, stage, + status, created, closed).
    activities
        Canonical activities (date, manager, type).
    as_of
        End of the window (exclusive).
    win_rate, proposal_rate, meeting_rate
        Defaults, each in (0, 1].
    min_deals, min_activities
        Minimum counts for a manager's (or the department's) own figure.
    window_months
        Length of the window.

    Returns
    -------
    DataFrame: one row per manager (``level="manager"``) then one department row
    (``level="department"``, ``manager`` NA), columns ``level``, ``manager``, ``avg_deal``,
    ``avg_deal_source``, ``deals_count`` (positive deals behind the average), ``win_rate``,
    ``win_rate_source``, ``proposal_rate``, ``proposal_rate_source``, ``meeting_rate``,
    ``meeting_rate_source``; sources in :data:`SOURCES`.

    Examples
    --------
    >>> sales = pd.DataFrame({"date": pd.to_datetime(["2026-01-10", "2026-01-10", "2026-02-02"]),
    ...     "client_id": ["c1", "c1", "c2"], "amount": [100.0, 50.0, 250.0],
    ...     "manager": ["Ann"] * 3})
    >>> rates = funnel_rates(sales, as_of="2026-03-01", min_deals=2)
    >>> float(rates.loc[0, "avg_deal"]), rates.loc[0, "avg_deal_source"], rates.loc[0, "win_rate_source"]
    (200.0, 'manager', 'default')
    """
    defaults = _check_defaults(win_rate, proposal_rate, meeting_rate)
    as_of_ts = resolve_as_of(sales, as_of)
    names = _manager_names(managers, sales)
    parts = [
        _deal_sizes(sales, pipeline, names, as_of_ts, window_months, min_deals),
        _win_rates(pipeline, names, as_of_ts, min_deals, defaults["win_rate"]),
        _activity_rates(activities, names, as_of_ts, window_months, min_activities, defaults),
    ]
    return _rates_table(names, parts)


def _rates_table(names: list[str], parts) -> pd.DataFrame:
    """The manager rows then the department row, from ``(own, department)`` frame pairs."""
    out = pd.concat(
        [pd.DataFrame({"level": "manager", "manager": names}), *(own for own, _ in parts)], axis=1
    )
    dept = pd.DataFrame({"level": ["department"], "manager": [pd.NA]})
    dept = pd.concat([dept, *(d for _, d in parts)], axis=1)
    rates = pd.concat([out, dept], ignore_index=True)[RATE_COLUMNS]
    for col in ("level", "manager", *[c for c in RATE_COLUMNS if c.endswith("_source")]):
        rates[col] = rates[col].astype("str")
    rates["deals_count"] = rates["deals_count"].astype(np.int64)
    return rates


def _deal_sizes(sales, pipeline, names, as_of, months, min_deals):
    """Average deal (own, department): from the sales, or from the pipeline's won deals when it
    records at least ``min_deals`` of them (sources then read ``"pipeline ..."``)."""
    deal = _average_deal(sales, names, as_of, months, min_deals)
    won = _won_deals_as_sales(pipeline, as_of)
    if won is not None and len(won) >= min_deals:
        # The funnel's unit is a CRM deal: where the pipeline records won deals, their average is the
        # average deal (a distributor's repeat invoices would make the norms absurdly high).
        deal = _average_deal(won, names, as_of, months, min_deals)
        for frame in deal:
            frame["avg_deal_source"] = "pipeline " + frame["avg_deal_source"].astype(str)
    return deal


def _manager_names(managers, sales) -> list[str]:
    if isinstance(managers, pd.DataFrame):
        return [str(m) for m in pd.unique(managers["manager"].dropna())]
    if managers is not None:
        return [str(m) for m in managers]
    if sales is not None and "manager" in sales.columns:
        return sorted(str(m) for m in sales["manager"].dropna().unique())
    return []


def _pick(own_value, own_ok, dept_value, dept_ok, default):
    """Per-manager value and source: own where ok, else department where ok, else default."""
    value = np.where(own_ok, own_value, dept_value if dept_ok else default)
    source = np.where(own_ok, "manager", "department" if dept_ok else "default")
    dept_source = "department" if dept_ok else "default"
    return value, source, (dept_value if dept_ok else default), dept_source


def _won_deals_as_sales(pipeline, as_of) -> pd.DataFrame | None:
    """Won pipeline deals in the sales layout (date = closed, one document per deal), or None."""
    if pipeline is None or len(pipeline) == 0 or as_of is None or "closed" not in pipeline.columns:
        return None
    deals = classify_deals(pipeline, as_of=as_of)
    won = deals[(deals["outcome"] == "won") & deals["closed"].notna()]
    return pd.DataFrame(
        {
            "date": won["closed"],
            "client_id": won["client_id"] if "client_id" in won.columns else won["deal_id"],
            "amount": won["amount"].astype(float),
            "manager": won["manager"],
            "document_id": won["deal_id"].astype(str),
        }
    )


def _average_deal(sales, names, as_of, months, min_deals):
    n = len(names)
    if sales is None or len(sales) == 0 or as_of is None:
        own = pd.DataFrame({"avg_deal": np.full(n, np.nan), "avg_deal_source": "missing", "deals_count": 0})
        dept = pd.DataFrame({"avg_deal": [np.nan], "avg_deal_source": ["missing"], "deals_count": [0]})
        return own, dept
    require(sales, ["date", "client_id", "amount"], "sales")
    used = [c for c in ("date", "client_id", "amount", "manager", "document_id") if c in sales.columns]
    deals, manager_of_deal, labels = _deal_amounts(sales_window(sales[used], end=as_of, months=months))
    positive = deals > 0
    dept_count = int(positive.sum())
    dept_net = float(deals.sum())
    dept_ok = dept_count > 0 and dept_net > 0
    dept_value = dept_net / dept_count if dept_ok else np.nan
    per = (
        pd.DataFrame({"amount": deals, "pos": positive})
        .groupby(manager_of_deal)
        .agg(net=("amount", "sum"), count=("pos", "sum"))
    )
    per.index = labels[per.index]
    per = per.reindex(names).fillna(0.0)
    count = per["count"].to_numpy(np.int64)
    net = per["net"].to_numpy(float)
    own_ok = (count >= min_deals) & (net > 0)
    own_value = np.divide(net, count, out=np.full(n, np.nan), where=count > 0)
    value, source, dv, ds = _pick(own_value, own_ok, dept_value, dept_ok, np.nan)
    if not dept_ok:
        source = np.where(own_ok, "manager", "missing")
        ds = "missing"
    own = pd.DataFrame(
        {
            "avg_deal": value.astype(float),
            "avg_deal_source": source,
            "deals_count": np.where(own_ok, count, dept_count),
        }
    )
    dept = pd.DataFrame({"avg_deal": [float(dv)], "avg_deal_source": [ds], "deals_count": [dept_count]})
    return own, dept


def _manager_labels(window: pd.DataFrame) -> tuple[np.ndarray, pd.Index]:
    """Each line's manager as an integer into the returned labels: the manager's text (missing or no
    manager column: ``""``), managers whose text is the same sharing one label. Factorises the column
    once and makes text of its distinct values only, never a string per line."""
    if "manager" not in window.columns:
        return np.zeros(len(window), np.int64), pd.Index([""])
    line, distinct = coded(window["manager"])
    # one text per distinct manager; the appended last one stands for a missing manager (code -1)
    text = np.append(pd.Series(distinct).astype("str").fillna("").to_numpy(object), "")
    merged, labels = pd.factorize(text)
    return merged[line], pd.Index(labels)


def _deal_amounts(window: pd.DataFrame) -> tuple[pd.Series, np.ndarray, pd.Index]:
    """Net amount of each (manager, deal) in the order the pairs first appear, the manager label of
    each and the labels (see :func:`_manager_labels`, :func:`salesaudit.frames.deal_codes`). A line
    with neither a document nor a client belongs to no deal and is left out."""
    known = window["client_id"].notna()
    if "document_id" in window.columns:
        known |= window["document_id"].notna()
    if not known.all():
        window = window.loc[known]
    manager, labels = _manager_labels(window)
    deal = deal_codes(window)
    width = int(deal.max(initial=-1)) + 1
    pair = manager * width + deal
    amounts = pd.Series(window["amount"].to_numpy(float)).groupby(pair, sort=False).sum()
    return amounts.reset_index(drop=True), amounts.index.to_numpy() // max(width, 1), labels


def _win_rates(pipeline, names, as_of, min_deals, default):
    n = len(names)
    won = lost = pd.Series(0.0, index=pd.Index(names))
    dept_won = dept_lost = 0
    if pipeline is not None and len(pipeline):
        deals = classify_deals(pipeline, as_of=as_of)
        is_won, is_lost = deals["outcome"] == "won", deals["outcome"] == "lost"
        dept_won, dept_lost = int(is_won.sum()), int(is_lost.sum())
        who = deals["manager"].astype("str")
        won = is_won.groupby(who).sum().reindex(names).fillna(0)
        lost = is_lost.groupby(who).sum().reindex(names).fillna(0)
    w, c = won.to_numpy(float), (won + lost).to_numpy(float)
    own_ok = (c >= min_deals) & (w > 0)
    own_value = np.divide(w, c, out=np.full(n, np.nan), where=c > 0)
    dept_closed = dept_won + dept_lost
    dept_ok = dept_closed >= min_deals and dept_won > 0
    dept_value = dept_won / dept_closed if dept_ok else np.nan
    value, source, dv, ds = _pick(own_value, own_ok, dept_value, dept_ok, default)
    return (
        pd.DataFrame({"win_rate": value.astype(float), "win_rate_source": source}),
        pd.DataFrame({"win_rate": [float(dv)], "win_rate_source": [ds]}),
    )


def _activity_rates(activities, names, as_of, months, min_count, defaults):
    kinds = ("call", "meeting", "proposal")
    counts = pd.DataFrame(0, index=pd.Index(names), columns=list(kinds))
    dept = dict.fromkeys(kinds, 0)
    if activities is not None and len(activities):
        require(activities, ["date", "manager", "type"], "activities")
        rows = activities
        if as_of is not None:
            rows = sales_window(rows, end=as_of, months=months)
        kind = rows["type"].astype(str).str.strip().str.lower()
        mapped = pd.Series(pd.NA, index=rows.index, dtype="str")
        for name, values in ACTIVITY_TYPES.items():
            mapped = mapped.where(~kind.isin(values), name)
        table = pd.crosstab(rows["manager"], mapped).reindex(columns=list(kinds), fill_value=0)
        dept = {k: int(table[k].sum()) for k in kinds}
        counts = table.reindex(pd.Index(names)).fillna(0)
    own_frame, dept_frame = {}, {}
    for rate, num, den in (("proposal_rate", "proposal", "meeting"), ("meeting_rate", "meeting", "call")):
        a, b = counts[num].to_numpy(float), counts[den].to_numpy(float)
        own_ok = (b >= min_count) & (a > 0)
        own_value = np.minimum(np.divide(a, b, out=np.full(len(names), np.nan), where=b > 0), 1.0)
        dept_ok = dept[den] >= min_count and dept[num] > 0
        dept_value = min(dept[num] / dept[den], 1.0) if dept_ok else np.nan
        value, source, dv, ds = _pick(own_value, own_ok, dept_value, dept_ok, defaults[rate])
        own_frame[rate], own_frame[f"{rate}_source"] = value.astype(float), source
        dept_frame[rate], dept_frame[f"{rate}_source"] = [float(dv)], [ds]
    return pd.DataFrame(own_frame), pd.DataFrame(dept_frame)


def activity_norms(
    plan_weekly: pd.DataFrame,
    *,
    sales: pd.DataFrame | None = None,
    pipeline: pd.DataFrame | None = None,
    activities: pd.DataFrame | None = None,
    win_rate: float = 0.25,
    proposal_rate: float = 0.5,
    meeting_rate: float = 0.1,
    as_of=None,
    rates: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Fill the reverse-funnel norms of each manager's week-parts.

    ``deals = plan / avg_deal``, ``proposals = deals / win_rate``, ``meetings = proposals /
    proposal_rate``, ``calls = meetings / meeting_rate``, with each manager's rates from
    :func:`funnel_rates` (own data, else department, else the defaults given here). Norms are
    floats (fractions of an activity per week-part are kept; round for display). A manager absent
    from ``rates`` uses the department row. With no average deal available, the norms are NaN.

    Parameters
    ----------
    plan_weekly
        manager, plan (+ the other plan_weekly columns); existing norm columns are replaced.
    sales, pipeline, activities, win_rate, proposal_rate, meeting_rate, as_of
        Passed to :func:`funnel_rates` (ignored when ``rates`` is given).
    rates
        A table from :func:`funnel_rates`, to reuse.

    Returns
    -------
    A copy of ``plan_weekly`` with float columns ``deals``, ``proposals``, ``meetings``, ``calls``.

    Examples
    --------
    >>> weekly = pd.DataFrame({"manager": ["Ann"], "plan": [100_000]})
    >>> sales = pd.DataFrame({"date": pd.to_datetime(["2026-01-12"]), "client_id": ["c1"],
    ...                       "amount": [50_000.0], "manager": ["Ann"]})
    >>> norms = activity_norms(weekly, sales=sales, as_of="2026-02-01")  # defaults .25, .5, .1
    >>> norms[["deals", "proposals", "meetings", "calls"]].values.tolist()
    [[2.0, 8.0, 16.0, 160.0]]
    """
    require(plan_weekly, ["manager", "plan"], "plan_weekly")
    if rates is None:
        rates = funnel_rates(
            sales,
            managers=pd.unique(plan_weekly["manager"].dropna()),
            pipeline=pipeline,
            activities=activities,
            as_of=as_of,
            win_rate=win_rate,
            proposal_rate=proposal_rate,
            meeting_rate=meeting_rate,
        )
    cols = ["avg_deal", "win_rate", "proposal_rate", "meeting_rate"]
    own = rates.loc[rates["level"] == "manager"].set_index("manager")[cols]
    dept = rates.loc[rates["level"] == "department", cols]
    per = own.reindex(plan_weekly["manager"].astype(str))
    if len(dept):
        per = per.fillna(dept.iloc[0])
    out = plan_weekly.drop(columns=[c for c in NORM_COLUMNS if c in plan_weekly.columns])
    plan = plan_weekly["plan"].to_numpy(float)
    deals = plan / per["avg_deal"].to_numpy(float)
    proposals = deals / per["win_rate"].to_numpy(float)
    meetings = proposals / per["proposal_rate"].to_numpy(float)
    calls = meetings / per["meeting_rate"].to_numpy(float)
    for name, values in zip(NORM_COLUMNS, (deals, proposals, meetings, calls), strict=True):
        out[name] = values.astype(float)
    return out
