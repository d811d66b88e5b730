"""The audit scorecard: every check of the playbook, its status, evidence and recommendation.

PLAYBOOK.md, "Audit checks". Each check reads the stage results (client table, targets, pipeline,
tracking...) and/or the interview answers of ``questionnaire.yaml`` and yields one row: ``status``
(ok / warning / problem / unknown), the evidence figure as a sentence in the report's language, and a
recommendation. The three headline failures of the playbook are decided from data AND answers together
(:func:`headline_findings`); :func:`maturity_scores` turns the statuses into a score per area.

Layout: this module is the public entry point (the notebooks call it). The checks themselves, their
thresholds and the status rules are :mod:`salesaudit.audit.rules`; the figures each check finds and the
headline decisions, with no language, :mod:`salesaudit.audit.checks` (the data sides per area in
``checks_plans``, ``checks_clients``, ``checks_funnel``, ``checks_people``); the sentences,
:mod:`salesaudit.audit.wording`.

Conventions
-----------
* **Unknown is never ok.** A data check whose table (or column) is missing is ``unknown``; an
  interview check without an answer (``unknown`` in the questionnaire) is ``unknown``.
* **Data + interview** (source ``D+I``): each side gets its own status (``data_status``,
  ``answer_status``); the check's status is the worse of the known ones (problem > warning > ok), so a
  good answer never hides bad data and vice versa. Answers map yes -> ok, partly -> warning,
  no -> problem (every question is phrased so that "yes" is the healthy answer).
* **Thresholds** are keyword settings (:data:`DEFAULT_THRESHOLDS`, engagement.yaml ``scorecard:``);
  a figure equal to a "warning from" threshold is a warning (``>=``), the same for problems.
* **Shares** are exact ratios of net amounts (returns netted), shown rounded to whole percent.
* **Windows**: the analysis window is the last ``window_months`` full months before ``as_of`` (as in
  the clients stage); "the last 12 months" of turnover are the 12 months before ``as_of``.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..exceptions import ConfigError
from .checks import assess_checks, check_inputs, decide_headlines
from .rules import (
    ANSWER_STATUS,
    AREAS,
    CHECKS,
    DEFAULT_THRESHOLDS,
    HEADLINES,
    STATUSES,
    Check,
    resolve_thresholds,
    warned_months,
    worst,
)
from .wording import Words, finding_row, headline_row

__all__ = [
    "ANSWER_STATUS",
    "AREAS",
    "CHECKS",
    "DEFAULT_THRESHOLDS",
    "FINDING_COLUMNS",
    "HEADLINES",
    "HEADLINE_COLUMNS",
    "LEVELS",
    "MATURITY_COLUMNS",
    "STATUSES",
    "Check",
    "audit_claims",
    "evaluate_checks",
    "headline_findings",
    "maturity_scores",
    "resolve_thresholds",
    "summary_figures",
    "top_recommendations",
    "worst",
]

FINDING_COLUMNS: list[str] = [
    "check_id",
    "area",
    "source",
    "title",
    "status",
    "data_status",
    "answer_status",
    "answer",
    "value",
    "evidence",
    "data_evidence",
    "recommendation",
    "fix",
]
"""Columns of :func:`evaluate_checks`' table (``tables/findings.csv``)."""


HEADLINE_COLUMNS = [
    "headline_id",
    "status",
    "present",
    "title",
    "evidence",
    "recommendation",
    "anchor",
    "section",
]
MATURITY_COLUMNS = ["area", "checks", "assessed", "ok", "warning", "problem", "unknown", "score", "level"]
LEVELS: tuple[tuple[float, str], ...] = ((40.0, "initial"), (70.0, "developing"), (101.0, "managed"))
"""Maturity level by score: below 40 initial, below 70 developing, else managed."""


# --------------------------------------------------------------------------------------------------
# public API


def evaluate_checks(
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
    lang: str = "ru",
    currency: str = "RUB",
    thresholds: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """Every check of :data:`CHECKS` on the stage results and the interview answers.

    Long because it documents its 22 parameters one by one: the signature and the numpydoc
    Parameters are most of it; the body is three named steps (:func:`~salesaudit.audit.checks.check_inputs`,
    :func:`~salesaudit.audit.checks.assess_checks`, :func:`~salesaudit.audit.wording.finding_row`).

    Conventions: module docstring (unknown is never ok; a ``D+I`` check takes the worse known side).
    Every input is optional: a check whose input is missing is ``unknown`` and says what is missing.

    Parameters
    ----------
    sales
        Canonical sales (date, client_id, amount, + manager, document_id).
    as_of
        Analysis date.
    answers
        :func:`salesaudit.audit.questionnaire.load_answers` output (question id -> ``{answer, note}``, and
        ``a_client_interviews``).
    clients
        :func:`salesaudit.clients.segmentation.segment_clients` output (the client table).
    register, managers, targets, pipeline, activities
        Canonical tables (``register`` is the canonical clients table: the client register).
    seasonality
        ``PlanResult.seasonality`` (month, index, source).
    history
        :func:`salesaudit.plan.motivation.historical_attainment` output.
    ceiling
        :func:`salesaudit.plan.motivation.income_ceiling` output (with ``sales``: actual income).
    tracking
        :func:`salesaudit.weekly.tracking.tracking_weekly` output (week-parts with activity norms, forecast).
    coverage
        :func:`salesaudit.weekly.pipeline.pipeline_coverage` output for the tracked week.
    stale
        :func:`salesaudit.weekly.pipeline.stale_deals` output.
    backtest
        :func:`salesaudit.weekly.tracking.backtest` output.
    quality
        :func:`salesaudit.intake.quality.quality_checks` output (duplicates count for the CRM check).
    window_months, comfortable_income
        Analysis window; the comfortable income of engagement.yaml ``motivation``.
    lang, currency
        Language of the texts; currency of money figures.
    thresholds
        Overrides of :data:`DEFAULT_THRESHOLDS`.

    Returns
    -------
    DataFrame, one row per check of :data:`CHECKS` in that order; columns :data:`FINDING_COLUMNS`:
    ``check_id``, ``area``, ``source`` (D/I/D+I), ``title``, ``status`` (ok/warning/problem/unknown),
    ``data_status`` and ``answer_status`` (each side's status; ``unknown`` when the side is absent or
    missing), ``answer`` (yes/no/partly/unknown, NA for data checks), ``value`` (the evidence figure as
    a number, NaN when none), ``evidence`` (sentence with the figure, locale-formatted, and the
    interview answer and note), ``data_evidence`` (the data sentence alone; empty when the data side
    is unknown), ``recommendation`` (what to do; for ``ok`` keep it, for ``unknown``
    what to collect), ``fix`` (anchor of the report section that deals with it).

    Raises
    ------
    ConfigError
        An unknown threshold.
    DataError
        A required column missing from a table that is given.

    Examples
    --------
    >>> sales = pd.DataFrame({"date": pd.to_datetime(["2026-03-02", "2026-05-04"]),
    ...                       "client_id": ["c1", "c2"], "amount": [100.0, 300.0]})
    >>> out = evaluate_checks(sales, as_of="2026-11-25",
    ...                       answers={"cadence.weekly_meeting": {"answer": "no", "note": ""}}, lang="en")
    >>> out.set_index("check_id").loc[["cadence.weekly_meeting", "plans.reconciliation"], "status"].tolist()
    ['problem', 'unknown']
    """
    inputs = check_inputs(
        sales,
        as_of=as_of,
        answers=answers,
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
        window_months=window_months,
        comfortable_income=comfortable_income,
        thresholds=thresholds,
    )
    words = Words(lang, currency)
    rows = [finding_row(a, words) for a in assess_checks(inputs)]
    out = pd.DataFrame(rows, columns=FINDING_COLUMNS)
    for col in FINDING_COLUMNS:
        if col != "value":
            out[col] = out[col].astype("str")
    out["value"] = out["value"].astype(float)
    return out


def headline_findings(
    findings: pd.DataFrame,
    *,
    answers: Mapping | None = None,
    backtest: pd.DataFrame | None = None,
    lang: str = "ru",
    thresholds: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """The three headline failures of the playbook, each decided from data AND interview together.

    Decision: the data side is the worst ``data_status`` of the headline's data checks
    (:data:`HEADLINES`; the evidence quotes those that fail, and the first failing supporting
    check) — for monthly cadence also the department's missed months of the backtest: a problem when
    the weekly view flagged one at least a week ahead or one fell below ``hard_attainment``, else a
    warning for any missed month. Where the data cannot show the practice is in place (segmentation,
    weekly control: ``data_can_clear`` false) an ok data side counts as unknown. The interview side
    is the worst status of its answers. Both sides known: **problem** when both point to the failure
    (each at least a warning) and one is a problem; **warning** when one side points to it and the
    other does not (they disagree) or both only warn; **ok** when neither does. One side known: its
    status. Neither: **unknown**. The failure is ``present`` when the status is problem or warning;
    the title is worded for the status (``scorecard.headline.<id>.title.<status>``).

    Parameters
    ----------
    findings
        :func:`evaluate_checks` output.
    answers
        The interview answers (question id -> ``{answer, note}``); questions not in ``findings``
        (``clients.segmentation`` feeds the check ``clients.abc``) are read here.
    backtest
        :func:`salesaudit.weekly.tracking.backtest` output (monthly cadence's data side).
    lang
        Language of the texts.
    thresholds
        Overrides of :data:`DEFAULT_THRESHOLDS` (``hard_attainment`` judges the missed months).

    Returns
    -------
    DataFrame, one row per headline (``no_money_plan``, ``no_segmentation``, ``monthly_cadence``):
    ``headline_id``, ``status``, ``present`` (bool), ``title``, ``evidence`` (data, then interview,
    then whether they agree), ``recommendation`` (the fix), ``anchor`` (report section id, e.g.
    ``plan``), ``section`` (that section's title).

    Examples
    --------
    >>> sales = pd.DataFrame({"date": pd.to_datetime(["2026-03-02"]), "client_id": ["c1"],
    ...                       "amount": [100.0]})
    >>> targets = pd.DataFrame({"period": ["2025-01"], "amount": [90.0], "manager": ["Ann"]})
    >>> answers = {"plans.written_plan": {"answer": "no", "note": ""}}
    >>> f = evaluate_checks(sales, as_of="2026-11-25", targets=targets, answers=answers, lang="en")
    >>> h = headline_findings(f, answers=answers, lang="en").set_index("headline_id")
    >>> h.loc["no_money_plan", ["status", "anchor"]].tolist(), bool(h.loc["no_money_plan", "present"])
    (['problem', 'plan'], True)
    >>> h.loc["monthly_cadence", "status"]  # monthly targets only: no weekly plans in the data
    'warning'
    """
    decisions = decide_headlines(findings, answers=answers, backtest=backtest, thresholds=thresholds)
    by_id, words = findings.set_index("check_id"), Words(lang)
    out = pd.DataFrame([headline_row(d, by_id, words) for d in decisions], columns=HEADLINE_COLUMNS)
    for col in HEADLINE_COLUMNS:
        if col != "present":
            out[col] = out[col].astype("str")
    return out


def audit_claims(
    sales: pd.DataFrame | None = None,
    *,
    as_of,
    lang: str = "ru",
    currency: str = "RUB",
    **tables,
) -> pd.DataFrame:
    """Every claim of the audit as the table ``claims`` (:data:`salesaudit.audit.claims.CLAIM_COLUMNS`):
    each check's status, each headline's decision and the monthly cadence's missed months, the
    growth of revenue — each with its rule (``kind``), the figures the rule reads (JSON text, the
    thresholds among them) and its words. :func:`salesaudit.audit.claims.recheck` re-derives every
    status from the figures alone. Parameters: those of :func:`evaluate_checks`.

    Examples
    --------
    >>> sales = pd.DataFrame({"date": pd.to_datetime(["2026-03-02", "2026-05-04"]),
    ...                       "client_id": ["c1", "c2"], "amount": [100.0, 300.0]})
    >>> table = audit_claims(sales, as_of="2026-11-25", lang="en")
    >>> table.set_index("claim_id").loc["check.clients.concentration", ["kind", "status"]].tolist()
    ['threshold_high', 'problem']
    """
    from .claims import claims_table
    from .claimset import audit_claims as build

    inputs = check_inputs(sales, as_of=as_of, **tables)
    return claims_table(build(inputs, Words(lang, currency)))


def maturity_scores(findings: pd.DataFrame, *, warning_points: float = 0.5, lang: str = "ru") -> pd.DataFrame:
    """A maturity score per area and overall, from the checks' statuses.

    Convention: each assessed check (status not ``unknown``) earns points — ok 1, warning
    ``warning_points`` (0.5), problem 0; an area's score = 100 × points / assessed checks (NaN when no
    check of the area could be assessed). The overall score is the mean of the area scores, so every
    area counts the same whatever its number of checks. Level: below 40 initial, below 70 developing,
    else managed (:data:`LEVELS`). Unknown checks lower no score but are counted, so the coverage of
    the assessment shows.

    Returns
    -------
    DataFrame, one row per area of :data:`AREAS` and a last row ``overall``: ``area``, ``checks``,
    ``assessed``, ``ok``, ``warning``, ``problem``, ``unknown`` (counts), ``score`` (0–100, rounded to
    a whole number, half to even), ``level`` (initial/developing/managed, NA without a score).

    Examples
    --------
    >>> f = pd.DataFrame({"area": ["plans_pay", "plans_pay", "clients"],
    ...                   "status": ["ok", "warning", "problem"]})
    >>> m = maturity_scores(f).set_index("area")
    >>> m.loc[["plans_pay", "clients", "overall"], "score"].tolist()
    [75.0, 0.0, 38.0]
    >>> bool(pd.isna(m.loc["funnel", "score"])), m.loc["overall", "level"]
    (True, 'initial')
    """
    if not 0 <= warning_points <= 1:
        raise ConfigError(
            "warning_points must be between 0 and 1", key="scorecard.warning_points", value=warning_points
        )
    counts = (
        pd.crosstab(findings["area"], findings["status"])
        .reindex(index=list(AREAS), columns=list(STATUSES), fill_value=0)
        .astype("int64")
    )
    out = counts.copy()
    out.insert(0, "checks", counts.sum(axis=1))
    out.insert(1, "assessed", counts[["ok", "warning", "problem"]].sum(axis=1))
    points = counts["ok"] + warning_points * counts["warning"]
    score = 100 * points / out["assessed"].where(out["assessed"] > 0)
    overall = out.sum(axis=0).to_frame("overall").T
    out["score"] = score
    overall["score"] = score.mean() if score.notna().any() else np.nan
    out = pd.concat([out, overall])
    out["score"] = out["score"].round(0)
    out["level"] = [_maturity_level(s) for s in out["score"]]
    out["level"] = out["level"].astype("str")
    out.index.name = "area"
    out = out.reset_index()
    out["area"] = out["area"].astype("str")
    for col in ("checks", "assessed", *STATUSES):
        out[col] = out[col].astype("int64")
    return out[MATURITY_COLUMNS]


def _maturity_level(score: float):
    if pd.isna(score):
        return pd.NA
    return next(name for bound, name in LEVELS if score < bound)


def top_recommendations(findings: pd.DataFrame, *, n: int = 5) -> pd.DataFrame:
    """The ``n`` most urgent recommendations: problems first, then warnings, each in
    :data:`CHECKS` order (the playbook's priority: plans and pay, clients, funnel, cadence, people).

    Returns
    -------
    DataFrame with columns ``check_id``, ``area``, ``status``, ``title``, ``recommendation``,
    ``fix``; at most ``n`` rows.

    Examples
    --------
    >>> f = pd.DataFrame({"check_id": ["a", "b", "c"], "area": "clients",
    ...     "status": ["warning", "problem", "ok"], "title": "", "recommendation": "", "fix": ""})
    >>> top_recommendations(f, n=5)["check_id"].tolist()
    ['b', 'a']
    """
    if n < 0:
        raise ConfigError("n must be >= 0", value=n)
    order = {s: i for i, s in enumerate(("problem", "warning"))}
    rows = findings[findings["status"].isin(list(order))]
    rows = rows.assign(_s=rows["status"].map(order), _p=range(len(rows)))
    rows = rows.sort_values(["_s", "_p"], kind="stable")
    return (
        rows[["check_id", "area", "status", "title", "recommendation", "fix"]].head(n).reset_index(drop=True)
    )


def summary_figures(
    clients: pd.DataFrame | None,
    *,
    target: float | None = None,
    backtest: pd.DataFrame | None = None,
    maturity: pd.DataFrame | None = None,
    sales: pd.DataFrame | None = None,
    as_of=None,
    window_months: int = 12,
) -> pd.DataFrame:
    """The executive summary's key figures.

    ``revenue`` = net revenue of the window (sum of the client table's ``revenue``, returns netted);
    ``growth`` against the previous window (``prev_revenue``) — with ``sales`` and ``as_of``, none
    (NaN) when the data cover either window only in part, and then a figure ``prev_days``: the days
    of the previous window the data cover (:func:`salesaudit.audit.keyfigures.growth_figures`); ``top20_share`` / ``top1_share`` as in
    :func:`salesaudit.clients.portfolio.concentration`; ``plan_target`` the year plan and ``plan_gap`` = plan
    − the window's revenue relative to that revenue (the growth the plan asks for);
    ``weeks_of_warning`` = mean weeks of warning over the department's missed months the weekly view
    flagged at least a week ahead (0 when none); ``maturity`` the overall score of
    :func:`maturity_scores`. A figure whose input is missing is NaN.

    Returns
    -------
    DataFrame with columns ``figure``, ``value``, ``kind`` (money/percent/int/number1), ready for
    :func:`salesaudit.report.show.key_figures` (labels ``figure.<figure>``).

    Examples
    --------
    >>> cl = pd.DataFrame({"client_id": ["a", "b"], "revenue": [80.0, 20.0], "prev_revenue": [50.0, 30.0]})
    >>> f = summary_figures(cl, target=120.0).set_index("figure")["value"]
    >>> f[["revenue", "growth", "plan_gap"]].round(2).tolist()
    [100.0, 0.25, 0.2]
    """
    from ..clients.portfolio import concentration

    has = clients is not None and len(clients) > 0
    revenue = float(clients["revenue"].sum()) if has else np.nan
    conc = concentration(clients) if has else pd.Series(dtype=float)
    prev = float(clients["prev_revenue"].sum()) if has and "prev_revenue" in clients.columns else np.nan
    warned = warned_months(backtest)
    if warned is None:
        weeks = np.nan
    else:
        weeks = float(warned["weeks_of_warning"].astype(float).mean()) if len(warned) else 0.0
    overall = np.nan
    if maturity is not None and (maturity["area"] == "overall").any():
        overall = float(maturity.loc[maturity["area"] == "overall", "score"].iloc[0])
    gap = (float(target) - revenue) / revenue if target is not None and revenue > 0 else np.nan
    rows = [("revenue", revenue, "money"), ("growth", revenue / prev - 1 if prev > 0 else np.nan, "percent")]
    if sales is not None and as_of is not None:
        from .claims import decide
        from .keyfigures import growth_figures

        change = growth_figures(sales, as_of=as_of, window_months=window_months)
        if decide("change", change) == "unknown":
            rows = [rows[0], ("growth", np.nan, "percent"), ("prev_days", change["before_days"], "int")]
    rows += [
        ("top20_share", float(conc.get("top_share", np.nan)), "percent"),
        ("top1_share", float(conc.get("top1_share", np.nan)), "percent"),
        ("plan_target", float(target) if target is not None else np.nan, "money"),
        ("plan_gap", gap, "percent"),
        ("weeks_of_warning", weeks, "number1"),
        ("maturity", overall, "int"),
    ]
    return pd.DataFrame(rows, columns=["figure", "value", "kind"])
