"""Every claim of one audit — each check, each headline, the missed months, the growth of revenue —
as :class:`~salesaudit.audit.claims.Claim` objects with their words, for the table ``claims``.

The statuses and figures are those :mod:`salesaudit.audit.checks` and :mod:`salesaudit.audit.keyfigures`
decide; the words those of :mod:`salesaudit.audit.wording` (labels ``scorecard.*``, ``audit.claim.*``).
"""

from __future__ import annotations

import pandas as pd

from ..report.formatting import fmt_money, fmt_percent
from ..report.i18n import catalog, t
from .checks import Assessment, HeadlineDecision, assess_checks, decide_headlines
from .claims import Claim, decide, plain
from .keyfigures import growth, growth_figures
from .rules import CheckInputs
from .wording import Words, data_sentence, finding_row, headline_evidence, headline_title_key


def evidence_key(check_id: str, case: str) -> str:
    """The label a check's data sentence is worded with (its case's, if the case has its own)."""
    if case == "partial":
        return "scorecard.evidence.partial"
    key = f"scorecard.evidence.{check_id}"
    return f"{key}.{case}" if case and f"{key}.{case}" in catalog() else key


def check_claim(a: Assessment, w: Words) -> Claim:
    """A check's status as a claim: its reading's rule and figures (``undecided`` without a reading),
    the interview answer as the figure ``answer``; worded by its evidence sentence."""
    r = a.reading
    if r is not None:
        kind, figures, key = r.kind, dict(r.figures), evidence_key(a.check.check_id, r.case)
    elif a.missing:
        kind, figures, key = "undecided", {"missing": ",".join(a.missing)}, "scorecard.no_data"
    else:
        kind, figures = "undecided", {}
        key = "scorecard.insufficient" if a.missing is not None else "scorecard.interview"
    if a.answer is not None:
        figures["answer"] = a.answer
    text = data_sentence(a, w) or finding_row(a, w)["evidence"]
    return Claim(f"check.{a.check.check_id}", kind, a.status, plain(figures), key, text)


def headline_claims(d: HeadlineDecision, by_id: pd.DataFrame, w: Words) -> list[Claim]:
    """A headline's decision (rule ``headline``) and, for monthly cadence, its missed months
    (rule ``count``), each worded as the report words it."""
    out = [
        Claim(
            f"headline.{d.headline_id}",
            "headline",
            d.status,
            plain(d.figures),
            headline_title_key(d),
            headline_evidence(d, by_id, w),
        )
    ]
    if d.missed is not None:
        status = decide("count", d.missed)
        key = "scorecard.evidence.cadence.missed"
        text = w.say("cadence.missed", count=d.missed["count"], months=d.missed["items"].replace(";", ", "))
        out.append(
            Claim(f"headline.{d.headline_id}.missed_months", "count", status, plain(d.missed), key, text)
        )
    return out


def growth_claim(sales: pd.DataFrame, *, as_of, window_months: int, w: Words) -> Claim:
    """Revenue of the analysis window against the window before (rule ``change``): grew, shrank or
    flat — unknown, with the days each window is covered, when the data cover one only in part."""
    f = growth_figures(sales, as_of=as_of, window_months=window_months)
    status = decide("change", f)
    change = growth(f)
    text = t(
        f"audit.claim.growth.{status}",
        w.lang,
        after=fmt_money(f["after"], currency=w.currency, lang=w.lang),
        before=fmt_money(f["before"], currency=w.currency, lang=w.lang),
        growth=fmt_percent(abs(change), lang=w.lang, digits=1) if change == change else "—",
        before_days=f["before_days"],
        before_total=f["before_period_days"],
        after_days=f["after_days"],
        after_total=f["after_period_days"],
    )
    return Claim("figure.growth", "change", status, plain(f), f"audit.claim.growth.{status}", text)


def audit_claims(inputs: CheckInputs, w: Words) -> list[Claim]:
    """Every claim of the audit on ``inputs``: the checks in :data:`~salesaudit.audit.rules.CHECKS`
    order, the headlines, the growth of revenue (with sales)."""
    assessed = assess_checks(inputs)
    out = [check_claim(a, w) for a in assessed]
    findings = pd.DataFrame([finding_row(a, w) for a in assessed])
    by_id = findings.set_index("check_id")
    for d in decide_headlines(
        findings, answers=inputs.answers, backtest=inputs.backtest, thresholds=inputs.th
    ):
        out += headline_claims(d, by_id, w)
    if inputs.sales is not None and len(inputs.sales):
        out.append(growth_claim(inputs.sales, as_of=inputs.as_of, window_months=inputs.window_months, w=w))
    return out
