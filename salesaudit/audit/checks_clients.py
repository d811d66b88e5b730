"""The data side of the "clients" checks: each reads :class:`~salesaudit.audit.rules.CheckInputs` and
returns a :class:`~salesaudit.audit.rules.Reading` (status, figure, the figures its sentence quotes), or
None when its input is missing. No language: :mod:`salesaudit.audit.wording` tells the figures."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .claims import COVERAGE_GRACE_DAYS, decide, fully_covered, judged
from .rules import CheckInputs, Reading, coverage_figures, nonempty


def buying(c: CheckInputs) -> pd.DataFrame | None:
    """The client table's clients with a positive net revenue (None without a client table)."""
    if not nonempty(c.clients, "client_id", "revenue"):
        return None
    return c.clients[c.clients["revenue"] > 0]


def isin(values: pd.Series, among: pd.Series) -> np.ndarray:
    """``values.isin(among)`` as a boolean array (a missing value matches a missing one), computed in
    Arrow when both are Arrow text columns: pandas' own ``isin`` makes a Python object of every value
    of ``among`` there (0.5 s for a register of 50k clients).

    Examples
    --------
    >>> isin(pd.Series(["a", None, "c"], dtype="str"), pd.Series(["c", None], dtype="str")).tolist()
    [False, True, True]
    """
    if _arrow_text(values) and _arrow_text(among):
        arrow = pa.array(values.array)
        found = pc.is_in(arrow, value_set=pa.array(among.array).cast(arrow.type))
        return found.to_numpy(zero_copy_only=False).astype(bool)
    return values.isin(among).to_numpy(bool)


def _arrow_text(values: pd.Series) -> bool:
    return isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow"


def register(c: CheckInputs) -> Reading | None:
    """Share of buying clients' revenue with a client in the register that has an owner (its
    ``manager``): ``register_ok`` / ``register_warning``; clients served by several managers bringing
    ``shared_warning`` or more of revenue make an ok a warning."""
    paying = buying(c)
    if paying is None or c.register is None or "client_id" not in c.register.columns:
        return None
    reg = c.register
    owners = (
        reg.loc[reg["manager"].notna(), "client_id"]
        if "manager" in reg.columns
        else reg["client_id"].iloc[:0]
    )
    total = paying["revenue"].sum()
    owned = paying.loc[isin(paying["client_id"], owners), "revenue"].sum() / total if total > 0 else 0.0
    shared = 0.0
    if "n_managers" in paying.columns:
        shared = paying.loc[paying["n_managers"].fillna(0) > 1, "revenue"].sum() / total if total > 0 else 0.0
    figures = {
        "owned": owned,
        "shared": shared,
        "value": owned,
        "ok": c.th["register_ok"],
        "warning": c.th["register_warning"],
        "also_value": shared,
        "also_warning": c.th["shared_warning"],
    }
    return judged("threshold_low", figures)


def concentration(c: CheckInputs) -> Reading | None:
    """Largest client's share: ``top1_warning`` / ``top1_problem``; the top 20 % bringing
    ``top20_warning`` or more makes an ok a warning."""
    paying = buying(c)
    if paying is None or not len(paying):
        return None
    from ..clients.portfolio import concentration as client_concentration

    conc = client_concentration(paying)
    top1, top20 = float(conc["top1_share"]), float(conc["top_share"])
    figures = {
        "top20": top20,
        "top1": top1,
        "value": top1,
        "warning": c.th["top1_warning"],
        "problem": c.th["top1_problem"],
        "also_value": top20,
        "also_warning": c.th["top20_warning"],
    }
    return judged("threshold_high", figures)


def abc(c: CheckInputs) -> Reading | None:
    """The audit's ABC/XYZ (always computable from sales): a warning when A revenue comes mostly
    (``erratic_a_warning``) from erratic (Z) clients, else unknown — that the audit can rank the
    clients does not show that the company segments them: the interview says whether it does."""
    paying = buying(c)
    if paying is None or not len(paying) or "abc_class" not in paying.columns:
        return None
    a = paying[paying["abc_class"] == "A"]
    total = paying["revenue"].sum()
    z = (
        a.loc[a["xyz_class"] == "Z", "revenue"].sum() / a["revenue"].sum()
        if "xyz_class" in a and len(a)
        else 0.0
    )
    figures = {
        "a_clients": len(a),
        "client_share": len(a) / len(paying),
        "revenue_share": a["revenue"].sum() / total,
        "z_share": z,
        "value": z,
        "warning": c.th["erratic_a_warning"],
        "ok_as": "unknown",  # ranking clients does not show that the company segments them
    }
    return judged("threshold_high", figures)


def d_effort(c: CheckInputs) -> Reading | None:
    """Share of client activities spent on D clients: ``d_effort_warning`` / ``d_effort_problem``."""
    if not nonempty(c.clients, "segment", "activities") or c.clients["activities"].isna().all():
        return None
    acts = c.clients["activities"].astype(float).fillna(0)
    if acts.sum() <= 0:
        return None
    d = c.clients["segment"] == "D"
    share = float(acts[d].sum() / acts.sum())
    figures = {
        "d_clients": int(d.sum()),
        "share": share,
        "value": share,
        "warning": c.th["d_effort_warning"],
        "problem": c.th["d_effort_problem"],
    }
    return judged("threshold_high", figures)


def potential(c: CheckInputs) -> Reading | None:
    """Share of buying clients with a potential: ``potential_ok`` / ``potential_warning``; a register
    without a potential field -> problem."""
    paying = buying(c)
    if paying is None or not len(paying) or c.register is None:
        return None
    if "potential" not in c.register.columns:
        limits = {"value": 0.0, "ok": c.th["potential_ok"], "warning": c.th["potential_warning"]}
        return Reading("problem", 0.0, limits, case="no_column", kind="threshold_low")
    filled = float((paying["potential"].fillna(0) > 0).mean()) if "potential" in paying else 0.0
    figures = {
        "filled": filled,
        "value": filled,
        "ok": c.th["potential_ok"],
        "warning": c.th["potential_warning"],
    }
    return judged("threshold_low", figures, case="filled")


def dormant(c: CheckInputs) -> Reading | None:
    """A dormant A client -> problem; a dormant B client only -> warning; none -> ok."""
    if not nonempty(c.clients, "segment", "dormant", "revenue"):
        return None
    cl = c.clients
    a = cl["dormant"].astype(bool) & (cl["segment"] == "A")
    b = cl["dormant"].astype(bool) & (cl["segment"] == "B")
    total = cl.loc[cl["revenue"] > 0, "revenue"].sum()
    revenue = cl.loc[a | b, "revenue"].sum()
    if not (a | b).any():
        return Reading(
            "ok", 0.0, {"count": 0, "problem_count": 0, "warning_count": 0}, case="none", kind="count"
        )
    status = "problem" if a.any() else "warning"
    figures = {
        "a": int(a.sum()),
        "b": int(b.sum()),
        "revenue": revenue,
        "share": revenue / total if total > 0 else 0,
        "count": int((a | b).sum()),
        "problem_count": int(a.sum()),
        "warning_count": int(b.sum()),
    }
    value = float(revenue / total) if total > 0 else 0.0
    return Reading(status, value, figures, case="found", kind="count")


def has_previous(cl: pd.DataFrame) -> bool:
    """The client table knows the previous window's classes."""
    return "prev_class" in cl.columns and cl["prev_class"].isin(["A", "B", "C", "D"]).any()


def migration(c: CheckInputs) -> Reading | None:
    """Share of last window's A/B revenue with clients that left or fell to C/D:
    ``migration_warning`` / ``migration_problem``; unknown (``case`` "partial") when the data cover
    the previous window only in part."""
    if not nonempty(c.clients, "prev_class", "abc_class", "lost", "prev_revenue") or not has_previous(
        c.clients
    ):
        return None
    cover = covered(c)
    if not fully_covered(cover, "before"):
        return Reading("unknown", float("nan"), cover, case="partial")
    cl = c.clients
    prev = cl[cl["prev_class"].isin(["A", "B"])]
    rank = {"A": 0, "B": 1, "C": 2, "D": 3}
    now = prev["abc_class"].map(rank).fillna(3)
    before = prev["prev_class"].map(rank)
    fell = prev["lost"].astype(bool) | (now >= 2) & (now > before)
    base = prev["prev_revenue"].sum()
    share = float(prev.loc[fell, "prev_revenue"].sum() / base) if base > 0 else 0.0
    figures = {
        "share": share,
        "count": int(fell.sum()),
        "total": len(prev),
        "value": share,
        "warning": c.th["migration_warning"],
        "problem": c.th["migration_problem"],
    }
    return judged("threshold_high", figures)


def churn_new(c: CheckInputs) -> Reading | None:
    """Buying clients (net revenue > 0) in the analysis window against the window before, and the
    clients that started (``gained``: new or returning) and stopped (``lost``) buying between the two
    — one measure over the same two windows, so ``after = before + gained - lost``. Unknown when the
    data cover the earlier window only in part (``case`` "partial"); else the rule ``churn`` of
    :mod:`salesaudit.audit.claims`: nothing moved -> ok, more lost than gained -> problem, lost at
    least ``churn_warning`` × gained -> warning."""
    if not nonempty(c.clients, "revenue", "prev_revenue") or not has_previous(c.clients):
        return None
    cl = c.clients
    now, before = cl["revenue"] > 0, cl["prev_revenue"] > 0
    months = c.window_months
    figures = {
        "before": int(before.sum()),
        "after": int(now.sum()),
        "gained": int((now & ~before).sum()),
        "lost": int((before & ~now).sum()),
        "months": months,
        "churn_warning": c.th["churn_warning"],
        **covered(c),
    }
    figures |= {"gained_month": figures["gained"] / months, "lost_month": figures["lost"] / months}
    status = decide("churn", figures)
    case = "partial" if status == "unknown" else "shrank" if figures["lost"] > figures["gained"] else ""
    case = case or ("grew" if figures["gained"] > figures["lost"] else "flat")
    return Reading(status, float(figures["lost"] - figures["gained"]), figures, case=case, kind="churn")


def covered(c: CheckInputs) -> dict:
    """How far the sales data cover the analysis window and the one before it
    (:func:`~salesaudit.audit.rules.coverage_figures`)."""
    return coverage_figures(
        c.sales, as_of=c.as_of, window_months=c.window_months, grace_days=COVERAGE_GRACE_DAYS
    )


def why_a_buy(c: CheckInputs) -> Reading | None:
    """Interview only; the evidence counts the A-client interviews of the questionnaire."""
    n = len(c.answers.get("a_client_interviews") or [])
    return Reading("unknown", float(n), {"count": n})
