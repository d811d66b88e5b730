"""Every check of the playbook evaluated into statuses and figures, and the three headline decisions.

No language here (the numbers are testable without one): :func:`assess_checks` gives each check of
:data:`~salesaudit.audit.rules.CHECKS` its data side (a :class:`~salesaudit.audit.rules.Reading` of the
``checks_*`` modules), its interview side and the combined status; :func:`decide_headlines` decides the
three headline failures from the checks' statuses and the answers. :mod:`salesaudit.audit.wording`
turns both into sentences; :mod:`salesaudit.audit.scorecard` is the public entry point.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import pandas as pd

from ..exceptions import DataError
from . import checks_clients, checks_funnel, checks_people, checks_plans, claims
from .rules import (
    ANSWER_STATUS,
    CHECKS,
    FAILING,
    HEADLINES,
    RANK,
    Check,
    CheckInputs,
    Reading,
    nonempty,
    resolve_thresholds,
    warned_months,
    worst,
)

DATA_SIDES: dict[str, Callable[[CheckInputs], Reading | None]] = {
    "plans.written_plan": checks_plans.written_plan,
    "plans.reconciliation": checks_plans.reconciliation,
    "plans.attainment_spread": checks_plans.attainment_spread,
    "plans.seasonality": checks_plans.seasonality,
    "plans.pay_follows_attainment": checks_plans.pay_follows,
    "clients.register": checks_clients.register,
    "clients.concentration": checks_clients.concentration,
    "clients.abc": checks_clients.abc,
    "clients.d_effort": checks_clients.d_effort,
    "clients.potential": checks_clients.potential,
    "clients.dormant_ab": checks_clients.dormant,
    "clients.migration": checks_clients.migration,
    "clients.why_a_buy": checks_clients.why_a_buy,
    "clients.churn_new": checks_clients.churn_new,
    "funnel.conversion": checks_funnel.conversion,
    "funnel.stale_deals": checks_funnel.stale,
    "funnel.activity": checks_funnel.activity,
    "funnel.deal_size_cycle": checks_funnel.deal_size_cycle,
    "funnel.coverage": checks_funnel.coverage,
    "funnel.crm_quality": checks_funnel.crm_quality,
    "cadence.weekly_plans": checks_people.weekly_plans,
    "cadence.forecast_accuracy": checks_people.forecast,
    "people.ramp": checks_people.ramp,
    "people.turnover": checks_people.turnover,
}
"""Check id -> its data side (the checks without one are interview only)."""


def check_inputs(
    sales: pd.DataFrame | None = None,
    *,
    as_of,
    answers: Mapping | None = None,
    clients: pd.DataFrame | None = None,
    register: pd.DataFrame | None = None,
    managers: pd.DataFrame | None = None,
    targets: pd.DataFrame | None = None,
    seasonality: pd.DataFrame | None = None,
    history: pd.DataFrame | None = None,
    ceiling: pd.DataFrame | None = None,
    pipeline: pd.DataFrame | None = None,
    activities: pd.DataFrame | None = None,
    tracking: pd.DataFrame | None = None,
    coverage: pd.DataFrame | None = None,
    stale: pd.DataFrame | None = None,
    backtest: pd.DataFrame | None = None,
    quality: pd.DataFrame | None = None,
    window_months: int = 12,
    comfortable_income: float | None = 100_000,
    thresholds: Mapping[str, float] | None = None,
) -> CheckInputs:
    """What the checks read, validated: the parameters of
    :func:`salesaudit.audit.scorecard.evaluate_checks` but its language and currency.

    The thresholds are resolved first (an unknown one fails), then ``sales`` must have date, client_id
    and amount; without a client table one is segmented from ``sales``.

    Examples
    --------
    >>> sales = pd.DataFrame({"date": pd.to_datetime(["2026-03-02"]), "client_id": ["c1"],
    ...                       "amount": [100.0]})
    >>> inputs = check_inputs(sales, as_of="2026-11-25 10:00")
    >>> inputs.as_of, inputs.clients["client_id"].tolist()
    (Timestamp('2026-11-25 00:00:00'), ['c1'])
    """
    th = resolve_thresholds(thresholds)
    if sales is not None:
        missing = [col for col in ("date", "client_id", "amount") if col not in sales.columns]
        if missing:
            raise DataError(f"sales lacks the column(s) {', '.join(missing)}", column=missing[0])
    if clients is None and sales is not None and len(sales):
        from ..clients.segmentation import segment_clients

        clients = segment_clients(sales, as_of=as_of, window_months=window_months)
    return CheckInputs(
        sales=sales,
        as_of=pd.Timestamp(as_of).normalize(),
        answers=answers or {},
        clients=clients,
        register=register,
        managers=managers,
        targets=targets,
        seasonality=seasonality,
        history=history,
        ceiling=ceiling,
        pipeline=pipeline,
        activities=activities,
        tracking=tracking,
        coverage=coverage,
        stale=stale,
        backtest=backtest,
        quality=quality,
        window_months=int(window_months),
        comfortable_income=None if comfortable_income is None else float(comfortable_income),
        th=th,
    )


@dataclass(frozen=True)
class Assessment:
    """One check assessed: the combined ``status`` (the worse known side), each side's status, the
    interview ``answer`` (None for a check without a question) and its ``note``, the data side's
    ``reading`` (None when it has none) and, when its data side could not be read, the inputs of
    :attr:`Check.needs` that are absent (``missing``; None otherwise, empty when all were given)."""

    check: Check
    status: str
    data_status: str
    answer_status: str
    answer: str | None
    note: str
    reading: Reading | None
    missing: tuple[str, ...] | None

    @property
    def value(self) -> float:
        """The evidence figure (NaN without a reading)."""
        return self.reading.value if self.reading is not None else float("nan")


_INPUTS = {"clients": "register"}  # a check's need -> the inputs' table (the register is "clients")


def _absent(inputs: CheckInputs, need: str) -> bool:
    table = getattr(inputs, _INPUTS.get(need, need), None)
    return table is None or len(table) == 0


def assess(check: Check, inputs: CheckInputs) -> Assessment:
    """``check``'s data side (if any) and interview side, and the worse known of the two."""
    answer, note = None, ""
    if check.question is not None:
        item = inputs.answers.get(check.question) or {}
        answer, note = str(item.get("answer", "unknown")), str(item.get("note") or "").strip()
    answer_status = ANSWER_STATUS.get(answer, "unknown") if answer is not None else "unknown"
    reading, missing = None, None
    if check.check_id in DATA_SIDES:
        reading = DATA_SIDES[check.check_id](inputs)
        if reading is None:
            missing = tuple(n for n in check.needs if _absent(inputs, n))
    data_status = reading.status if reading is not None else "unknown"
    return Assessment(
        check=check,
        status=worst([data_status, answer_status]),
        data_status=data_status,
        answer_status=answer_status,
        answer=answer,
        note=note,
        reading=reading,
        missing=missing,
    )


def assess_checks(inputs: CheckInputs) -> list[Assessment]:
    """Every check of :data:`~salesaudit.audit.rules.CHECKS`, in that order, assessed on ``inputs``.

    Examples
    --------
    >>> sales = pd.DataFrame({"date": pd.to_datetime(["2026-03-02", "2026-05-04"]),
    ...                       "client_id": ["c1", "c2"], "amount": [100.0, 300.0]})
    >>> found = {a.check.check_id: a for a in assess_checks(check_inputs(sales, as_of="2026-11-25"))}
    >>> r = found["clients.concentration"].reading
    >>> r.status, r.figures["top1"]
    ('problem', 0.75)
    >>> found["plans.reconciliation"].status, found["plans.reconciliation"].missing
    ('unknown', ('targets',))
    """
    return [assess(check, inputs) for check in CHECKS]


# --------------------------------------------------------------------------------------------------
# the headline decisions


@dataclass(frozen=True)
class HeadlineDecision:
    """One headline failure decided: ``status``, whether the data and interview sides ``agreement``
    (``agree``/``disagree``; "" when a side is unknown), the data checks whose evidence is quoted
    (``quoted``: the failing ones, else all of them), the supporting check quoted after them
    (``support``: the first failing one, if any), the missed months the weekly view warned of
    (``warned``: count and mean weeks of warning; monthly cadence only, None when there are none),
    the interview answers given (``answered``: question, answer, note), the department's missed
    months of the backtest (``missed``: the figures of a ``count`` claim; monthly cadence only, None
    without a backtest), ``data_status`` (the worst status of the data side before
    ``data_can_clear`` applies) and the ``figures`` its ``headline`` claim is re-checked from."""

    headline_id: str
    status: str
    agreement: str
    quoted: tuple[str, ...]
    support: tuple[str, ...]
    warned: tuple[int, float] | None
    answered: tuple[tuple[str, str, str], ...]
    missed: dict | None = None
    data_status: str = "unknown"
    figures: dict = field(default_factory=dict)

    @property
    def present(self) -> bool:
        """The failure is present: its status is problem or warning."""
        return self.status in ("problem", "warning")


def combine(data: str, answer: str) -> tuple[str, str]:
    """Status and agreement ("agree"/"disagree"/"") of a headline from its two sides (the status:
    the rule of :func:`salesaudit.audit.claims.combine`).

    Examples
    --------
    >>> combine("problem", "warning"), combine("ok", "problem"), combine("unknown", "ok")
    (('problem', 'agree'), ('warning', 'disagree'), ('ok', ''))
    """
    status = claims.combine(data, answer)
    if data == "unknown" or answer == "unknown":
        return status, ""
    return status, "agree" if (RANK[data] >= 1) == (RANK[answer] >= 1) else "disagree"


def missed_months(backtest: pd.DataFrame | None, *, hard: float) -> dict | None:
    """The department's missed months of the backtest as the figures of a ``count`` claim: ``count``
    and ``items`` (the months), ``attainments``, ``warned`` (missed months the weekly view flagged at
    least a week ahead), ``below_hard`` (attainment below ``hard``), ``problem_count`` (warned or below
    ``hard``), ``warning_count`` (every missed month: a month lost is never ok) and ``ok_as`` unknown
    (no missed month does not show that the month is controlled weekly). None without a backtest.

    Examples
    --------
    >>> bt = pd.DataFrame({"level": "department", "period": ["2026-01", "2026-02", "2026-03"],
    ...     "plan": 100.0, "fact": [77.0, 120.0, 80.0], "missed": [True, False, True],
    ...     "flagged": False, "weeks_of_warning": pd.NA})
    >>> f = missed_months(bt, hard=0.7)
    >>> f["count"], f["items"], f["problem_count"], claims.decide("count", f)
    (2, '2026-01;2026-03', 0, 'warning')
    """
    if not nonempty(backtest, "level", "missed", "flagged", "weeks_of_warning"):
        return None
    dept = backtest[backtest["level"] == "department"]
    missed = dept[dept["missed"].astype(bool)]
    warned = warned_months(backtest)
    if "attainment" in missed.columns:
        attainment = missed["attainment"].astype(float)
    elif {"plan", "fact"} <= set(missed.columns):
        attainment = missed["fact"].astype(float) / missed["plan"].astype(float)
    else:
        attainment = pd.Series(float("nan"), index=missed.index)
    periods = missed["period"].astype(str) if "period" in missed.columns else missed.index.astype(str)
    below = attainment < hard
    flagged = missed.index.isin(warned.index) if warned is not None else below & False
    return {
        "count": len(missed),
        "items": ";".join(periods),
        "attainments": ";".join(f"{a:.4f}" for a in attainment),
        "warned": int(flagged.sum()),
        "below_hard": int(below.sum()),
        "hard": float(hard),
        "problem_count": int((flagged | below).sum()),
        "warning_count": len(missed),
        "ok_as": "unknown",
    }


def decide_headline(
    headline_id: str,
    by_id: pd.DataFrame,
    *,
    answers: Mapping,
    backtest: pd.DataFrame | None,
    thresholds: Mapping[str, float] | None = None,
) -> HeadlineDecision:
    """One headline of :data:`~salesaudit.audit.rules.HEADLINES` from the checks' ``data_status``
    (``by_id``: the findings indexed by check id) and the interview answers; the rule is
    :func:`salesaudit.audit.scorecard.headline_findings`' (and the claim rule ``headline``)."""
    spec = HEADLINES[headline_id]
    data_ids = [i for i in spec["data"] if i in by_id.index]
    figures: dict = {f"data.{i}": str(by_id.at[i, "data_status"]) for i in data_ids}
    failing = [i for i in data_ids if by_id.at[i, "data_status"] in FAILING]
    warned, missed = None, None
    if headline_id == "monthly_cadence":
        missed = missed_months(backtest, hard=resolve_thresholds(thresholds)["hard_attainment"])
        if missed is not None:
            figures["data.missed_months"] = claims.decide("count", missed)
            months = warned_months(backtest)
            if len(months):
                warned = (len(months), float(months["weeks_of_warning"].astype(float).mean()))
    support = [i for i in spec["support"] if i in by_id.index and by_id.at[i, "data_status"] in FAILING]
    answer_statuses, answered = [], []
    for q in spec["answers"]:
        item = answers.get(q) or {}
        a = str(item.get("answer", "unknown"))
        figures[f"answer.{q}"] = a
        answer_statuses.append(ANSWER_STATUS.get(a, "unknown"))
        if a != "unknown":
            answered.append((q, a, str(item.get("note") or "").strip()))
    figures["data_can_clear"] = int(spec["data_can_clear"])
    data_status = worst(v for k, v in figures.items() if k.startswith("data."))
    side = "unknown" if data_status == "ok" and not spec["data_can_clear"] else data_status
    status, agreement = combine(side, worst(answer_statuses))
    return HeadlineDecision(
        headline_id=headline_id,
        status=status,
        agreement=agreement,
        quoted=tuple(failing or data_ids),
        support=tuple(support[:1]),
        warned=warned,
        answered=tuple(answered),
        missed=missed,
        data_status=data_status,
        figures=figures,
    )


def decide_headlines(
    findings: pd.DataFrame,
    *,
    answers: Mapping | None = None,
    backtest: pd.DataFrame | None = None,
    thresholds: Mapping[str, float] | None = None,
) -> list[HeadlineDecision]:
    """Every headline of :data:`~salesaudit.audit.rules.HEADLINES`, in order, decided from
    ``findings`` (check_id, data_status) and the answers (``thresholds``: ``hard_attainment`` judges
    the missed months of the backtest).

    Examples
    --------
    >>> f = pd.DataFrame({"check_id": ["plans.written_plan"], "data_status": ["problem"]})
    >>> d = decide_headlines(f, answers={"plans.written_plan": {"answer": "yes"}})[0]
    >>> d.headline_id, d.status, d.agreement, d.present
    ('no_money_plan', 'warning', 'disagree', True)
    """
    by_id = findings.set_index("check_id")
    answers = answers or {}
    return [
        decide_headline(hid, by_id, answers=answers, backtest=backtest, thresholds=thresholds)
        for hid in HEADLINES
    ]
