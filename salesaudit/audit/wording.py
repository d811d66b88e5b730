"""The scorecard's sentences: each check's evidence and recommendation, the headlines' evidence — in
the report's language and currency (labels ``scorecard.*`` of :func:`salesaudit.report.i18n.t`, numbers
by :mod:`salesaudit.report.formatting`).

Every function here tells what :mod:`salesaudit.audit.checks` decided and measured; none computes a
status or a figure.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from ..report.formatting import fmt_date, fmt_money, fmt_number, fmt_percent
from ..report.i18n import t
from .checks import Assessment, HeadlineDecision
from .rules import HEADLINES, QUESTION_CHECK, Reading


@dataclass(frozen=True)
class Words:
    """Numbers and evidence sentences in one language and currency."""

    lang: str
    currency: str = "RUB"

    def pct(self, v) -> str:
        return fmt_percent(v, lang=self.lang)

    def money(self, v) -> str:
        return fmt_money(v, currency=self.currency, lang=self.lang)

    def num(self, v, digits: int = 0) -> str:
        return fmt_number(v, lang=self.lang, digits=digits)

    def compact(self, v: float) -> str:
        """A whole number without decimals, else one decimal (a mean of weeks, a headcount)."""
        return self.num(v, 0 if v.is_integer() else 1)

    def say(self, key: str, count=None, **params) -> str:
        return t(f"scorecard.evidence.{key}", self.lang, count=count, **params)


# --------------------------------------------------------------------------------------------------
# each check's evidence sentence (the check's Reading told)


def _written_plan(r: Reading, w: Words) -> str:
    f = r.figures
    if r.case == "none":
        return w.say("plans.written_plan.none", year=f["year"], last=f["last"])
    if r.case == "department_only":
        return w.say("plans.written_plan.department_only", year=f["year"], amount=w.money(f["amount"]))
    return w.say("plans.written_plan.managers", year=f["year"], covered=f["covered"], total=f["total"])


def _reconciliation(r: Reading, w: Words) -> str:
    f = r.figures
    if r.case == "unknown":
        return w.say("plans.reconciliation.unknown")
    if r.case == "ok":
        return w.say("plans.reconciliation.ok", periods=f["periods"])
    return w.say(
        "plans.reconciliation.gap",
        bad=f["bad"],
        periods=f["periods"],
        period=f["period"],
        sum=w.money(f["sum"]),
        dept=w.money(f["dept"]),
        gap=w.pct(f["gap"]),
    )


def _attainment_spread(r: Reading, w: Words) -> str:
    f = r.figures
    return w.say(
        "plans.attainment_spread",
        months=f["months"],
        above=w.pct(f["above"]),
        below=w.pct(f["below"]),
        soft=w.pct(f["soft"]),
        hard=w.pct(f["hard"]),
        median=w.pct(f["median"]),
    )


def _seasonality(r: Reading, w: Words) -> str:
    f = r.figures
    if r.case == "no_history":
        return w.say("plans.seasonality.no_history")
    if r.case == "no_monthly":
        return w.say("plans.seasonality.no_monthly")
    return w.say(
        "plans.seasonality",
        year=f["year"],
        deviation=w.pct(f["deviation"]),
        tmin=w.pct(f["tmin"]),
        tmax=w.pct(f["tmax"]),
        smin=w.pct(f["smin"]),
        smax=w.pct(f["smax"]),
    )


def _pay_follows(r: Reading, w: Words) -> str:
    f = r.figures
    return w.say(
        "plans.pay_follows_attainment",
        variable=w.pct(f["variable"]),
        above=f["above"],
        total=f["total"],
        income=w.money(f["income"]),
    )


def _register(r: Reading, w: Words) -> str:
    return w.say("clients.register", owned=w.pct(r.figures["owned"]), shared=w.pct(r.figures["shared"]))


def _concentration(r: Reading, w: Words) -> str:
    return w.say("clients.concentration", top20=w.pct(r.figures["top20"]), top1=w.pct(r.figures["top1"]))


def _abc(r: Reading, w: Words) -> str:
    f = r.figures
    return w.say(
        "clients.abc",
        a_clients=t("unit.clients", w.lang, count=f["a_clients"]),
        client_share=w.pct(f["client_share"]),
        revenue_share=w.pct(f["revenue_share"]),
        z_share=w.pct(f["z_share"]),
    )


def _d_effort(r: Reading, w: Words) -> str:
    f = r.figures
    return w.say(
        "clients.d_effort", d_clients=t("unit.clients", w.lang, count=f["d_clients"]), share=w.pct(f["share"])
    )


def _potential(r: Reading, w: Words) -> str:
    if r.case == "no_column":
        return w.say("clients.potential.no_column")
    return w.say("clients.potential.filled", filled=w.pct(r.figures["filled"]))


def _dormant(r: Reading, w: Words) -> str:
    f = r.figures
    if r.case == "none":
        return w.say("clients.dormant_ab.none")
    return w.say(
        "clients.dormant_ab.found", a=f["a"], b=f["b"], revenue=w.money(f["revenue"]), share=w.pct(f["share"])
    )


def partial(f: dict, w: Words) -> str:
    """The previous window is only partly covered by the data: no comparison (coverage in days)."""
    return w.say(
        "partial",
        start=fmt_date(pd.Timestamp(f["before_from"]), lang=w.lang),
        end=fmt_date(pd.Timestamp(f["before_to"]), lang=w.lang),
        days=t("scorecard.unit.days", w.lang, count=f["before_days"]),
        total=f["before_period_days"],
    )


def _migration(r: Reading, w: Words) -> str:
    f = r.figures
    if r.case == "partial":
        return partial(f, w)
    return w.say("clients.migration", share=w.pct(f["share"]), count=f["count"], total=f["total"])


def _churn_new(r: Reading, w: Words) -> str:
    """Gained and lost buying clients per month, the buying clients of both windows, and the direction
    the counts show (``case``: grew, shrank, flat; partial: no comparison)."""
    f = r.figures
    if r.case == "partial":
        return partial(f, w)
    return t(
        f"scorecard.evidence.clients.churn_new.{r.case}",
        w.lang,
        gained=w.num(f["gained_month"], 1),
        lost=w.num(f["lost_month"], 1),
        now=f["after"],
        before=f["before"],
    )


def _why_a_buy(r: Reading, w: Words) -> str:
    return w.say("clients.why_a_buy", count=r.figures["count"])


def _conversion(r: Reading, w: Words) -> str:
    f = r.figures
    stage_text = (
        w.say("funnel.conversion.stage", stage=f["stage"], share=w.pct(f["stage_share"]))
        if f["stage"] is not None
        else ""
    )
    text = w.say(
        "funnel.conversion",
        dept=w.pct(f["dept"]),
        low=w.pct(f["low"]),
        low_manager=f["low_manager"],
        high=w.pct(f["high"]),
        high_manager=f["high_manager"],
    )
    return f"{text} {stage_text}".strip()


def _stale(r: Reading, w: Words) -> str:
    f = r.figures
    return w.say("funnel.stale_deals", count=f["count"], amount=w.money(f["amount"]), share=w.pct(f["share"]))


def _activity(r: Reading, w: Words) -> str:
    f = r.figures
    names = ", ".join(f"{m} ({w.pct(v)})" for m, v in f["below"]) or t("scorecard.nobody", w.lang)
    return w.say(
        "funnel.activity",
        weeks=f["weeks"],
        dept=w.pct(f["dept"]),
        threshold=w.pct(f["threshold"]),
        below=names,
    )


def _deal_size_cycle(r: Reading, w: Words) -> str:
    deal_text = ", ".join(f"{k} — {w.money(v)}" for k, v in r.figures["deals"])
    if r.case == "no_cycle":
        return w.say("funnel.deal_size_cycle.no_cycle", deals=deal_text)
    cycle_text = ", ".join(
        f"{k} — {t('scorecard.unit.days', w.lang, count=int(round(v)))}" for k, v in r.figures["cycles"]
    )
    return w.say("funnel.deal_size_cycle", deals=deal_text, cycles=cycle_text)


def _coverage(r: Reading, w: Words) -> str:
    f = r.figures
    if r.case == "met":
        return w.say("funnel.coverage.met")
    return w.say(
        "funnel.coverage.gap",
        coverage=w.num(f["coverage"], 1),
        required=w.num(f["required"], 1),
        remaining=w.money(f["remaining"]),
    )


def _crm_quality(r: Reading, w: Words) -> str:
    f = r.figures
    parts = [
        f"{t(f'scorecard.table.{name}', w.lang)}: {t(f'col.{field}', w.lang)} {w.pct(fill)}"
        for name, field, fill in f["fields"]
    ]
    return w.say(
        "funnel.crm_quality", fill=w.pct(f["fill"]), fields="; ".join(parts), duplicates=f["duplicates"]
    )


def _weekly_plans(r: Reading, w: Words) -> str:
    if r.case == "monthly":
        return w.say("cadence.weekly_plans.monthly")
    return w.say("cadence.weekly_plans.yearly")


def _warned(warned: tuple[int, float], w: Words) -> str:
    count, weeks = warned
    return w.say("cadence.warned", count=count, weeks=w.compact(weeks))


def _forecast(r: Reading, w: Words) -> str:
    f = r.figures
    text = w.say("cadence.forecast_accuracy", error=w.pct(f["error"]), months=f["months"])
    if f["warned"] is not None:
        text += " " + _warned(f["warned"], w)
    return text


def _ramp(r: Reading, w: Words) -> str:
    texts = []
    for hire in r.figures["hires"]:
        if hire["case"] == "reached":
            texts.append(
                w.say(
                    "people.ramp.reached",
                    manager=hire["manager"],
                    level=w.pct(hire["level"]),
                    month=hire["month"],
                )
            )
        else:
            texts.append(
                w.say(
                    "people.ramp.not_yet",
                    manager=hire["manager"],
                    months=hire["months"],
                    share=w.pct(hire["share"]),
                )
            )
    return "; ".join(texts)


def _turnover(r: Reading, w: Words) -> str:
    f = r.figures
    return w.say(
        "people.turnover", left=f["left"], headcount=w.compact(f["headcount"]), rate=w.pct(f["rate"])
    )


EVIDENCE: dict[str, Callable[[Reading, Words], str]] = {
    "plans.written_plan": _written_plan,
    "plans.reconciliation": _reconciliation,
    "plans.attainment_spread": _attainment_spread,
    "plans.seasonality": _seasonality,
    "plans.pay_follows_attainment": _pay_follows,
    "clients.register": _register,
    "clients.concentration": _concentration,
    "clients.abc": _abc,
    "clients.d_effort": _d_effort,
    "clients.potential": _potential,
    "clients.dormant_ab": _dormant,
    "clients.migration": _migration,
    "clients.why_a_buy": _why_a_buy,
    "clients.churn_new": _churn_new,
    "funnel.conversion": _conversion,
    "funnel.stale_deals": _stale,
    "funnel.activity": _activity,
    "funnel.deal_size_cycle": _deal_size_cycle,
    "funnel.coverage": _coverage,
    "funnel.crm_quality": _crm_quality,
    "cadence.weekly_plans": _weekly_plans,
    "cadence.forecast_accuracy": _forecast,
    "people.ramp": _ramp,
    "people.turnover": _turnover,
}
"""Check id -> the sentence that tells its data side's :class:`~salesaudit.audit.rules.Reading`."""


# --------------------------------------------------------------------------------------------------
# a check's row, a headline's row


def data_sentence(a: Assessment, w: Words) -> str:
    """The data side's sentence: its reading told, or what is missing (empty for an interview check)."""
    if a.reading is not None:
        return EVIDENCE[a.check.check_id](a.reading, w)
    if a.missing is None:
        return ""
    if a.missing:
        return t("scorecard.no_data", w.lang, what=", ".join(_input_names(a.missing, w)))
    return t("scorecard.insufficient", w.lang)


def _input_names(needs, w: Words) -> list[str]:
    return [t(f"scorecard.input.{n}", w.lang) for n in needs]


def recommendation(a: Assessment, w: Words) -> str:
    """What to do: keep it (ok), the check's fix (warning, problem), or what to collect (unknown)."""
    if a.status == "unknown":
        missing = _input_names(a.missing or (), w)
        if a.answer == "unknown":
            missing.append(t("scorecard.input.answer", w.lang))
        what = ", ".join(missing) or t("scorecard.input.history", w.lang)
        return t("scorecard.reco_unknown", w.lang, what=what)
    if a.status == "ok":
        return t("scorecard.reco_ok", w.lang)
    return t(f"scorecard.reco.{a.check.check_id}", w.lang)


def finding_row(a: Assessment, w: Words) -> dict:
    """One row of :func:`salesaudit.audit.scorecard.evaluate_checks`' table."""
    data_text = data_sentence(a, w)
    texts = [data_text] if data_text else []
    if a.answer is not None:
        word = t(f"scorecard.answer.{a.answer}", w.lang)
        key = "scorecard.interview_note" if a.note else "scorecard.interview"
        texts.append(t(key, w.lang, answer=word, note=a.note))
    check = a.check
    return {
        "check_id": check.check_id,
        "area": check.area,
        "source": check.source,
        "title": t(f"scorecard.check.{check.check_id}", w.lang),
        "status": a.status,
        "data_status": a.data_status,
        "answer_status": a.answer_status,
        "answer": a.answer if a.answer is not None else pd.NA,
        "value": a.value,
        "evidence": " ".join(texts),
        "data_evidence": data_text if a.data_status != "unknown" else "",
        "recommendation": recommendation(a, w),
        "fix": check.fix,
    }


def headline_evidence(d: HeadlineDecision, by_id: pd.DataFrame, w: Words) -> str:
    """A headline's evidence: the quoted checks' data sentences (``by_id``: the findings by check
    id), the missed months and those the weekly view warned of, the supporting check; then the
    interview answers, whether the two sides agree, and — for an undecided headline — why it cannot
    be decided. A sentence said once is not said again."""
    texts = [by_id.at[i, "data_evidence"] for i in d.quoted if by_id.at[i, "data_evidence"]]
    if d.missed is not None and d.missed["count"]:
        texts.append(_missed(d.missed, w))
    if d.warned is not None:
        texts.append(_warned(d.warned, w))
    texts += [by_id.at[i, "data_evidence"] for i in d.support]
    answer_texts = []
    for q, a, note in d.answered:
        text = f"{t(f'scorecard.check.{QUESTION_CHECK[q]}', w.lang)} — {t(f'scorecard.answer.{a}', w.lang)}"
        note = note.rstrip(".")
        answer_texts.append(text + (f" ({note})" if note else ""))
    if answer_texts:
        texts.append(t("scorecard.headline.interview", w.lang, answers="; ".join(answer_texts)))
    if d.agreement:
        texts.append(t(f"scorecard.headline.{d.agreement}", w.lang))
    if d.status == "unknown":
        undecided = (
            "scorecard.headline.needs_answer" if d.data_status == "ok" else "scorecard.headline.undecided"
        )
        texts.append(t(undecided, w.lang))
    return once(texts)


def once(texts) -> str:
    """The texts joined, each sentence kept only the first time it occurs.

    Examples
    --------
    >>> once(["A: 2. B.", "A: 2.", "C."])
    'A: 2. B. C.'
    """
    seen, out = set(), []
    for text in texts:
        for sentence in SENTENCE.split(str(text).strip()):
            if sentence and sentence not in seen:
                seen.add(sentence)
                out.append(sentence)
    return " ".join(out)


SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-ZА-ЯЁ«\"(])")
"""Where one sentence ends and the next begins."""


def _missed(missed: dict, w: Words) -> str:
    """The department's missed months and their attainment (worst first, at most three named)."""
    months = missed["items"].split(";")
    attainments = [float(a) for a in missed["attainments"].split(";")]
    pairs = sorted(zip(attainments, months, strict=True))[:3]
    named = ", ".join(f"{m} ({w.pct(a)})" for a, m in pairs)
    return w.say("cadence.missed", count=missed["count"], months=named)


def headline_title_key(d: HeadlineDecision) -> str:
    """The label of a headline's title for its status (the failure's title only when it is present)."""
    key = f"{d.headline_id}.title.{d.status}"
    return f"scorecard.headline.{key}"


def headline_row(d: HeadlineDecision, by_id: pd.DataFrame, w: Words) -> dict:
    """One row of :func:`salesaudit.audit.scorecard.headline_findings`' table: the title worded for the
    status; the fix when the failure is present, else keep it (ok) or what to answer (unknown)."""
    spec = HEADLINES[d.headline_id]
    if d.present:
        fix = t(f"scorecard.headline.{d.headline_id}.fix", w.lang)
    else:
        fix = t("scorecard.reco_ok" if d.status == "ok" else "scorecard.headline.ask", w.lang)
    return {
        "headline_id": d.headline_id,
        "status": d.status,
        "present": d.present,
        "title": t(headline_title_key(d), w.lang),
        "evidence": headline_evidence(d, by_id, w),
        "recommendation": fix,
        "anchor": spec["anchor"],
        "section": t(spec["section"], w.lang),
    }
