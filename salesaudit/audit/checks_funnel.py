"""The data side of the "funnel" checks: each reads :class:`~salesaudit.audit.rules.CheckInputs` and
returns a :class:`~salesaudit.audit.rules.Reading` (status, figure, the figures its sentence quotes), or
None when its input is missing. No language: :mod:`salesaudit.audit.wording` tells the figures."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..frames import coded, deal_codes
from .claims import judged
from .rules import CheckInputs, Reading, level_low, nonempty, window_start


def conversion(c: CheckInputs) -> Reading | None:
    """(best - worst manager win rate) / department win rate: ``win_rate_spread_warning`` /
    ``win_rate_spread_problem``. The figures also name the stage holding most open deals (``stage``,
    None without open deals) and its share of them."""
    if not nonempty(c.pipeline, "deal_id", "manager", "amount", "stage"):
        return None
    from ..weekly.pipeline import classify_deals, win_rate

    rates = win_rate(c.pipeline, as_of=c.as_of)
    dept = rates[rates["level"] == "department"].iloc[0]
    if dept["source"] != "data":
        return None
    per = rates[(rates["level"] == "manager") & (rates["source"] == "data")].sort_values("win_rate")
    low, high = per.iloc[0], per.iloc[-1]
    spread = float((high["win_rate"] - low["win_rate"]) / dept["win_rate"]) if dept["win_rate"] > 0 else 0.0
    deals = classify_deals(c.pipeline, as_of=c.as_of)
    open_ = deals.loc[deals["outcome"] == "open", "stage"].astype(str)
    stage = open_.value_counts()
    figures = {
        "dept": dept["win_rate"],
        "low": low["win_rate"],
        "low_manager": low["manager"],
        "high": high["win_rate"],
        "high_manager": high["manager"],
        "stage": stage.index[0] if len(stage) else None,
        "stage_share": stage.iloc[0] / stage.sum() if len(stage) else None,
        "value": spread,
        "warning": c.th["win_rate_spread_warning"],
        "problem": c.th["win_rate_spread_problem"],
    }
    return judged("threshold_high", figures)


def stale(c: CheckInputs) -> Reading | None:
    """Share of the open pipeline's amount in stale deals: ``stale_warning`` / ``stale_problem``."""
    if not nonempty(c.pipeline, "deal_id", "manager", "amount", "stage") or c.stale is None:
        return None
    from ..weekly.pipeline import classify_deals

    deals = classify_deals(c.pipeline, as_of=c.as_of)
    open_amount = float(deals.loc[deals["outcome"] == "open", "amount"].sum())
    stale_amount = float(c.stale["amount"].sum()) if len(c.stale) else 0.0
    share = stale_amount / open_amount if open_amount > 0 else 0.0
    figures = {
        "count": len(c.stale),
        "amount": stale_amount,
        "share": share,
        "value": share,
        "warning": c.th["stale_warning"],
        "problem": c.th["stale_problem"],
    }
    return judged("threshold_high", figures)


KINDS = ("calls", "meetings", "proposals")
"""Activity kinds whose fact and norm the activity check compares."""


def activity(c: CheckInputs) -> Reading | None:
    """Last ``activity_weeks`` complete week-parts, fact / norm per activity kind (the worst kind):
    the department below ``activity_alert`` -> problem; a manager below it -> warning. The figures
    list the managers below it, lowest first, as (manager, fact / norm) pairs."""
    tr = c.tracking
    if tr is None or not len(tr):
        return None
    kinds = [k for k in KINDS if f"{k}_fact" in tr.columns and f"{k}_norm" in tr.columns]
    if not kinds:
        return None
    done = tr[tr["complete"].astype(bool)] if "complete" in tr.columns else tr
    weeks = sorted(done["week_start"].unique())[-int(c.th["activity_weeks"]) :]
    recent = done[done["week_start"].isin(weeks)]
    if not len(recent):
        return None
    name = recent["manager"].astype(object).where(recent["level"] != "department", "\x00dept")
    sums = recent.groupby(name.fillna("\x00none"))[
        [f"{k}_{p}" for k in kinds for p in ("fact", "norm")]
    ].sum()
    ratio = pd.concat(
        [sums[f"{k}_fact"] / sums[f"{k}_norm"].where(sums[f"{k}_norm"] > 0) for k in kinds], axis=1
    ).min(axis=1)
    dept = float(ratio.get("\x00dept", np.nan))
    managers = ratio.drop(index=["\x00dept", "\x00none"], errors="ignore").dropna()
    threshold = c.th["activity_alert"]
    below = managers[managers < threshold].sort_values()
    if np.isnan(dept) and not len(managers):
        return None
    if not np.isnan(dept) and dept < threshold:
        status = "problem"
    elif len(below):
        status = "warning"
    else:
        status = "ok"
    figures = {
        "weeks": len(weeks),
        "dept": dept,
        "threshold": threshold,
        "below": list(below.items()),
        "below_count": len(below),
    }
    return Reading(status, dept, figures, kind="activity")


def deal_size_cycle(c: CheckInputs) -> Reading | None:
    """Average deal (positive documents, else client-days) per client class and the median
    created -> closed days of won deals per class: both known -> ok; no cycle -> warning. The figures
    are (class, average deal) and (class, median days) pairs.

    A deal is :func:`salesaudit.frames.deal_codes`' (a document, else a client's undocumented lines of
    one day, whatever their time of day) among the window's lines, split by the class of the line's
    client (a line whose client is not in the client table has no class and counts nowhere); its
    amount is the sum of its lines, and the average is over the deals whose amount is positive."""
    if not nonempty(c.sales, "date", "client_id", "amount") or not nonempty(
        c.clients, "client_id", "segment"
    ):
        return None
    avg = _average_deal(c)
    if not len(avg):
        return None
    cycles = _won_cycle_days(c)
    if not len(cycles):
        figures = {"deals": list(avg.items()), "value": 0, "ok": 1, "warning": 0}
        return Reading("warning", float(avg.iloc[0]), figures, case="no_cycle", kind="threshold_low")
    figures = {
        "deals": list(avg.items()),
        "cycles": list(cycles.items()),
        "value": len(cycles),
        "ok": 1,
        "warning": 0,
    }
    return Reading("ok", float(avg.iloc[0]), figures, kind="threshold_low")


CLASSES = ("A", "B", "C")
"""The client classes whose average deal and cycle the deal-size check reports, in order."""


def _average_deal(c: CheckInputs) -> pd.Series:
    """The mean amount of the window's positive deals per client class A, B, C (index: the classes
    that have one), on integer codes: deal codes, and the class of each line's client looked up once
    per distinct client. A class's deals are averaged in the order of their text keys
    (:func:`_deal_rank`), the order a group-by on the keys themselves gives (the float mean depends
    on the order of its terms)."""
    start = window_start(c.as_of, c.window_months)
    dates = c.sales["date"]
    inside = ((dates >= start) & (dates < c.as_of)).to_numpy(bool)
    columns = [col for col in ("date", "client_id", "document_id") if col in c.sales.columns]
    s = c.sales[columns][inside]
    klass = _class_codes(s["client_id"], c.clients)
    keep = klass >= 0
    deal = deal_codes(s)
    rank = _deal_rank(s, deal)
    n = len(rank)
    slot = pd.Categorical.from_codes(
        klass[keep] * n + rank[deal[keep]], categories=pd.RangeIndex(len(CLASSES) * n)
    )
    amount = pd.Series(c.sales["amount"].array.take(np.flatnonzero(inside)[keep]))
    sums = amount.groupby(slot, observed=False).sum().to_numpy()
    positive = np.flatnonzero(sums > 0)  # a slot without lines sums to 0: not a deal
    of_class = pd.Categorical.from_codes(positive // n, categories=pd.RangeIndex(len(CLASSES)))
    avg = pd.Series(sums[positive]).groupby(of_class, observed=True).mean()
    return pd.Series(avg.to_numpy(), index=[CLASSES[i] for i in avg.index], dtype=float)


def _deal_rank(s: pd.DataFrame, deal: np.ndarray) -> np.ndarray:
    """Per deal code, its rank among the deals in the order of their text key: the document, else
    the client followed by the day (``YYYY-MM-DD``). The keys are built in Arrow once per deal, not per
    line."""
    n = int(deal.max(initial=-1)) + 1
    one = np.zeros(n, dtype=np.int64)
    one[deal] = np.arange(len(deal))  # a line of each deal (any: they share the key)
    document = s["document_id"] if "document_id" in s.columns else pd.Series(None, index=s.index, dtype="str")
    documented = document.notna().to_numpy(bool)[one]
    doc_lines, loose_lines = one[documented], one[~documented]
    doc_keys = pa.array(document.iloc[doc_lines].astype("str"), type=pa.large_string())
    client = pa.array(s["client_id"].iloc[loose_lines].astype("str"), type=pa.large_string())
    day = pc.strftime(pa.array(s["date"].iloc[loose_lines]), format="%Y-%m-%d")
    glue = pa.scalar("", pa.large_string())
    loose_keys = pc.binary_join_element_wise(client, pc.cast(day, pa.large_string()), glue)
    keys = pa.concat_arrays([doc_keys, loose_keys])
    rank = np.empty(n, dtype=np.int64)
    rank[np.concatenate([np.flatnonzero(documented), np.flatnonzero(~documented)])] = (
        pc.rank(keys, tiebreaker="first").to_numpy() - 1
    )
    return rank


def _class_codes(client_id: pd.Series, clients: pd.DataFrame) -> np.ndarray:
    """Per line, the position in :data:`CLASSES` of its client's ``segment`` in ``clients`` (-1: another
    class, no class, no client or a client not in the table), looked up once per distinct client."""
    line, uniques = coded(client_id)
    row = pd.Index(clients["client_id"]).get_indexer(uniques)
    klass = np.append(pd.Index(CLASSES).get_indexer(pd.Index(clients["segment"])), -1)
    per_client = np.append(klass[row], -1)  # row -1 (not in the table) -> the appended -1
    return per_client[line]  # line -1 (no client) -> the last entry, -1


def _won_cycle_days(c: CheckInputs) -> pd.Series:
    """Median created -> closed days of the won deals per client class A, B, C (empty without them)."""
    if not nonempty(c.pipeline, "client_id", "created", "closed", "stage"):
        return pd.Series(dtype=float)
    from ..weekly.pipeline import classify_deals

    won = classify_deals(c.pipeline, as_of=c.as_of)
    won = won[(won["outcome"] == "won") & won["created"].notna() & won["closed"].notna()]
    days = (won["closed"] - won["created"]).dt.days
    seg = won["client_id"].map(c.clients.set_index("client_id")["segment"])
    return days.groupby(seg).median().reindex(["A", "B", "C"]).dropna()


def coverage(c: CheckInputs) -> Reading | None:
    """The department's coverage / required coverage: 1 or more -> ok, from ``coverage_warning``
    -> warning, below -> problem; nothing left of the month's plan -> ok."""
    cov = c.coverage
    if not nonempty(cov, "level", "coverage", "required_coverage"):
        return None
    dept = cov[cov["level"] == "department"].iloc[0]
    if pd.isna(dept["coverage"]):
        return Reading("ok", float("nan"), {"coverage": None}, case="met", kind="coverage")
    ratio = float(dept["coverage"] / dept["required_coverage"]) if dept["required_coverage"] > 0 else 0.0
    status = level_low(ratio, 1.0, c.th["coverage_warning"])
    figures = {
        "coverage": dept["coverage"],
        "required": dept["required_coverage"],
        "remaining": dept.get("remaining_plan", np.nan),
        "warning": c.th["coverage_warning"],
    }
    return Reading(status, float(dept["coverage"]), figures, case="gap", kind="coverage")


CRM_FIELDS = {"pipeline": ("client_id", "created", "expected_close"), "activities": ("client_id",)}
"""The key fields of the CRM check, per table."""


def crm_quality(c: CheckInputs) -> Reading | None:
    """Mean fill rate of the deals' client, created and expected close and the activities' client:
    ``fill_ok`` / ``fill_problem``; any duplicate (deal ids, documents, similar client names) makes an ok
    a warning. The figures list each field's fill rate as (table, field, fill) triples."""
    tables = {"pipeline": c.pipeline, "activities": c.activities}
    fields = []
    for name, columns in CRM_FIELDS.items():
        df = tables[name]
        if df is None or not len(df):
            continue
        for column in columns:
            fields.append((name, column, float(df[column].notna().mean()) if column in df.columns else 0.0))
    if not fields:
        return None
    fill = float(np.mean([f for _, _, f in fields]))
    dups = 0
    if nonempty(c.pipeline, "deal_id"):
        dups += int(c.pipeline["deal_id"].duplicated().sum())
    if nonempty(c.quality, "check", "count"):
        dup_checks = c.quality["check"].isin(["similar_client_names", "duplicate_document", "duplicate_line"])
        dups += int(c.quality.loc[dup_checks, "count"].sum())
    figures = {
        "fill": fill,
        "fields": fields,
        "duplicates": dups,
        "value": fill,
        "ok": c.th["fill_ok"],
        "warning": c.th["fill_problem"],
        "also_value": dups,
        "also_warning": 1,
    }
    return judged("threshold_low", figures)
