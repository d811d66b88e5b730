"""The audit stage: the key figures of the sales system, and the inputs the scorecard evaluates."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
from babel import Locale

from ..exceptions import SalesAuditError
from ..frames import analysis_window  # one definition of the window for every stage
from .claims import COVERAGE_GRACE_DAYS, decide
from .rules import coverage_figures


def key_figures(sales: pd.DataFrame, *, as_of, window_months: int = 12) -> pd.DataFrame:
    """Headline numbers over the analysis window.

    ``growth`` compares the window's revenue with the window before; when the data cover either
    window only in part (:func:`growth_figures`) there is no growth figure (NaN) and a row
    ``prev_days`` says for how many days of the earlier window there are data.

    Returns
    -------
    DataFrame with columns ``figure`` (an id), ``value``, ``kind`` (money/int/percent/date).

    Examples
    --------
    >>> sales = pd.DataFrame({"date": pd.to_datetime(["2025-05-04", "2026-03-02"]),
    ...                       "client_id": ["c1", "c1"], "amount": [100.0, 300.0]})
    >>> f = key_figures(sales, as_of="2026-11-25").set_index("figure")["value"]
    >>> bool(pd.isna(f["growth"])), f["prev_days"]  # May 4 - October 31 of the previous window
    (True, 181)
    """
    start, end = analysis_window(as_of=as_of, window_months=window_months)
    win = sales[(sales["date"] >= start) & (sales["date"] <= end)]
    change = growth_figures(sales, as_of=as_of, window_months=window_months)
    rows = [
        ("revenue", change["after"], "money"),
        ("growth", growth(change), "percent"),
    ]
    if decide("change", change) == "unknown":
        rows.append(("prev_days", change["before_days"], "int"))
    rows += [
        ("clients", int(win.loc[win["amount"] > 0, "client_id"].nunique()), "int"),
        ("managers", int(win["manager"].nunique()) if "manager" in win else float("nan"), "int"),
        ("lines", int(len(win)), "int"),
        ("history_from", sales["date"].min(), "date"),
        ("history_to", sales["date"].max(), "date"),
    ]
    return pd.DataFrame(rows, columns=["figure", "value", "kind"])


def growth_figures(sales: pd.DataFrame, *, as_of, window_months: int = 12) -> dict:
    """Net revenue of the analysis window (``after``) and of the window before (``before``), and how
    many days of each the data cover: the figures of a ``change`` claim
    (:mod:`salesaudit.audit.claims`; a window missing more than
    :data:`~salesaudit.audit.claims.COVERAGE_GRACE_DAYS` days is partly covered)."""
    cover = coverage_figures(sales, as_of=as_of, window_months=window_months, grace_days=COVERAGE_GRACE_DAYS)
    start, end = analysis_window(as_of=as_of, window_months=window_months)
    prev_start, _ = analysis_window(as_of=as_of, window_months=window_months, offset=1)
    after = float(sales.loc[(sales["date"] >= start) & (sales["date"] <= end), "amount"].sum())
    before = float(sales.loc[(sales["date"] >= prev_start) & (sales["date"] < start), "amount"].sum())
    return {"before": before, "after": after, **cover}


def growth(change: dict) -> float:
    """``after / before - 1`` of :func:`growth_figures`; NaN when a window is partly covered or
    ``before`` is not positive (no growth claim)."""
    if decide("change", change) == "unknown" or not change["before"] > 0:
        return float("nan")
    return change["after"] / change["before"] - 1


@dataclass
class AuditInputs:
    """What the audit stage evaluates, gathered from an opened engagement by :func:`gather_inputs`.

    Attributes
    ----------
    checks
        Keyword arguments of :func:`salesaudit.audit.scorecard.evaluate_checks` (tables, results, settings).
    plan
        The plan stage's :class:`salesaudit.plan.decomposition.PlanResult`, or None when it cannot be built.
    answers
        The interview answers (:func:`salesaudit.audit.questionnaire.load_answers`).
    backtest
        :func:`salesaudit.weekly.tracking.backtest` output, or None.
    unavailable
        (what, reason) of each result that could not be computed: what is named in the report's appendix,
        the reason (an English message) is the run's ``unavailable`` table.
    """

    checks: dict
    plan: object | None
    answers: dict
    backtest: pd.DataFrame | None
    unavailable: list[tuple[str, str]] = field(default_factory=list)

    @property
    def target(self) -> float | None:
        """The plan's year target (None without a plan)."""
        return None if self.plan is None else float(self.plan.target)

    @property
    def clients(self) -> pd.DataFrame | None:
        """The client table of the clients stage (None when it could not be built)."""
        return self.checks.get("clients")


def gather_inputs(session, week: str | None = None) -> AuditInputs:
    """Compute every stage result the scorecard reads, with the engagement's settings.

    The same functions and settings as the stage notebooks (so the figures agree): the client table
    (:meth:`Session.segment`), the plan (:meth:`Session.plan`), past attainment, the income ceiling,
    weekly tracking and its backtest, pipeline coverage and stale deals, the data-quality checks. A
    result whose data is missing is None; one that fails on the client's data (a
    :class:`~salesaudit.exceptions.SalesAuditError`, e.g. no history to derive a target from) is None
    and its message goes to ``unavailable`` — the checks that need it are then ``unknown``.
    The tracked week is the weekly stage's (:meth:`Session.week` of ``week``, the ``--week`` asked for).
    """
    from ..intake import quality
    from .questionnaire import load_answers

    s, eng = session, session.eng
    attempt = _Attempts()
    sales, activities, deals = s.table("sales"), s.table("activities"), s.table("pipeline")
    managers, targets = s.table("managers"), s.table("targets")
    answers = attempt("questionnaire", lambda: load_answers(eng.path(eng.questionnaire))) or {}
    clients = attempt("segmentation", s.segment)
    plan = attempt("plan", s.plan)
    results = {"history": _history(s, sales, targets, attempt)}
    results |= _plan_results(s, plan, sales, activities, attempt, week=week)
    results |= _pipeline_results(s, deals, results.pop("week"), attempt)
    checks_quality = attempt(
        "data_quality",
        lambda: quality.quality_checks(
            s.intake.tables,
            s.intake.rejected,
            names=s.intake.names,
            as_of=s.as_of,
            window_months=s.eng.window_months,
            settings=s.eng.intake.quality,
        ),
    )
    checks = {
        "sales": sales,
        "as_of": s.as_of,
        "answers": answers,
        "clients": clients,
        "register": s.table("clients"),
        "managers": managers,
        "targets": targets,
        "seasonality": plan.seasonality if plan is not None else None,
        "history": results["history"],
        "ceiling": results["ceiling"],
        "pipeline": deals,
        "activities": activities,
        "tracking": results["weekly"],
        "coverage": results["coverage"],
        "stale": results["stale"],
        "backtest": results["backtest"],
        "quality": checks_quality,
        "window_months": eng.window_months,
        "comfortable_income": eng.motivation.comfortable_income,
        "lang": s.lang,
        "currency": eng.currency,
        "thresholds": eng.scorecard.model_dump() | {"activity_alert": eng.tracking.activity_alert},
    }
    return AuditInputs(
        checks=checks,
        plan=plan,
        answers=answers,
        backtest=results["backtest"],
        unavailable=attempt.unavailable,
    )


UNAVAILABLE: tuple[str, ...] = (
    "questionnaire", "segmentation", "plan", "data_quality", "historical_attainment", "income_ceiling",
    "weekly_tracking", "tracked_week", "backtest", "pipeline_coverage", "stale_deals",
)  # fmt: skip
"""What :func:`gather_inputs` may fail to compute on a client's data (labels ``audit.unavailable.*``)."""


class _Attempts:
    """Runs one stage computation: a :class:`~salesaudit.exceptions.SalesAuditError` on the client's data
    gives None and a pair of ``unavailable``: what (one of :data:`UNAVAILABLE`) and the error's first
    line."""

    def __init__(self) -> None:
        self.unavailable: list[tuple[str, str]] = []

    def __call__(self, what: str, fn):
        assert what in UNAVAILABLE, what
        try:
            return fn()
        except SalesAuditError as exc:
            self.unavailable.append((what, str(exc).splitlines()[0]))
            return None


def _history(s, sales, targets, attempt: _Attempts) -> pd.DataFrame | None:
    """Past attainment per manager-month (None without targets)."""
    from ..plan import motivation

    sc = s.eng.scorecard
    if targets is None or not len(targets):
        return None
    return attempt(
        "historical_attainment",
        lambda: motivation.historical_attainment(
            sales, targets, as_of=s.as_of, soft=sc.soft_attainment, hard=sc.hard_attainment, lang=s.lang
        ),
    )


def _plan_results(s, plan, sales, activities, attempt: _Attempts, *, week: str | None = None) -> dict:
    """What needs the plan: the income ceiling, weekly tracking, the tracked week and the backtest
    (each None without a plan; the ceiling covers the planned managers whose salary and commission
    rate are known — :meth:`Session.managers` — and is None when there are none)."""
    from ..plan import motivation
    from ..weekly import tracking

    out = dict.fromkeys(("ceiling", "weekly", "week", "backtest"))
    if plan is None:
        return out
    eng = s.eng
    paid, _ = motivation.split_by_pay(s.managers(), plan.monthly)
    if len(paid):
        out["ceiling"] = attempt(
            "income_ceiling",
            lambda: motivation.income_ceiling(
                paid,
                plan.monthly,
                comfortable_income=eng.motivation.comfortable_income,
                sales=sales if "manager" in sales.columns else None,
                as_of=s.as_of,
            ),
        )
    common = {
        "plan_weekly": plan.weekly,
        "as_of": s.as_of,
        "country": eng.country,
        "thresholds": s.thresholds(),
    }
    out["weekly"] = attempt(
        "weekly_tracking", lambda: tracking.tracking_weekly(sales, activities=activities, **common)
    )
    choice = attempt("tracked_week", lambda: s.week(week))
    if choice is not None and choice.week is not None:  # as the weekly stage tracks it
        seen = {**common, "as_of": tracking.week_as_of(choice.given, as_of=s.as_of), "week": choice.week}
        out["week"] = attempt(
            "tracked_week", lambda: tracking.track_week(sales, activities=activities, **seen)
        )
    out["backtest"] = attempt("backtest", lambda: tracking.backtest(sales, **common))
    return out


def _pipeline_results(s, deals, week: pd.DataFrame | None, attempt: _Attempts) -> dict:
    """Pipeline coverage of the tracked ``week`` and the stale deals (None without deals)."""
    from ..weekly import pipeline

    out = dict.fromkeys(("coverage", "stale"))
    eng = s.eng
    if deals is None or not len(deals):
        return out
    if week is not None:
        out["coverage"] = attempt(
            "pipeline_coverage",
            lambda: pipeline.pipeline_coverage(
                deals, tracking=week, as_of=s.as_of, default_win_rate=eng.funnel.win_rate
            ),
        )
    out["stale"] = attempt(
        "stale_deals",
        lambda: pipeline.stale_deals(deals, as_of=s.as_of, stale_factor=eng.tracking.stale_factor),
    )
    return out


def unavailable_table(inputs: AuditInputs) -> pd.DataFrame:
    """What could not be computed on the client's data and why: columns ``what`` (an id of
    :data:`UNAVAILABLE`) and ``reason`` (the error's first line), for the run's tables.

    Examples
    --------
    >>> unavailable_table(AuditInputs({}, None, {}, None, [("backtest", "no plan")])).values.tolist()
    [['backtest', 'no plan']]
    """
    return pd.DataFrame(inputs.unavailable, columns=["what", "reason"], dtype=object)


def method_notes(eng, *, lang: str, seasonality: pd.DataFrame | None = None, unavailable=()) -> list[str]:
    """The conventions behind the report's figures, one sentence each, for the appendix: analysis
    window, ABC boundary rule, XYZ on the population σ, dormancy, working-day calendar (the ``holidays``
    package for the engagement's country), seasonality source, weeks, rounding — and what could not be
    computed.

    Parameters
    ----------
    eng
        The engagement (:class:`salesaudit.engine.config.Engagement`).
    lang
        Language of the sentences.
    seasonality
        ``PlanResult.seasonality`` (month, index, source, years), if there is a plan.
    unavailable
        :attr:`AuditInputs.unavailable`: (what, reason) pairs; the notes name what, in ``lang`` (the
        reasons, English messages naming settings and values, are the run's ``unavailable`` table:
        :func:`unavailable_table`).

    Examples
    --------
    >>> from salesaudit.engine.config import Engagement
    >>> eng = Engagement.model_validate({"client": {"name": "X"}, "as_of": "2026-11-25",
    ...     "inputs": {"sales": {"files": ["s.csv"]}}, "plan": {"year": 2026}})
    >>> method_notes(eng, lang="en")[0]
    'Analysis window: the last 12 full months before 11/25/26, from 11/1/25 to 10/31/26.'
    """
    from importlib import metadata

    from ..report.formatting import fmt_date, fmt_percent
    from ..report.i18n import t

    start, end = analysis_window(as_of=eng.as_of, window_months=eng.window_months)
    seg, xyz = eng.segmentation, eng.xyz
    pct = lambda v: fmt_percent(v, lang=lang)  # noqa: E731
    notes = [
        t(
            "audit.method.window",
            lang,
            months=eng.window_months,
            as_of=fmt_date(eng.as_of, lang=lang),
            start=fmt_date(start, lang=lang),
            end=fmt_date(end, lang=lang),
        ),
        t(f"audit.method.abc_{seg.rule}", lang, a=pct(seg.cutoffs[0]), b=pct(seg.cutoffs[1])),
        t("audit.method.xyz", lang, x=pct(xyz.x), y=pct(xyz.y), months=xyz.new_months),
        t("audit.method.dormant", lang, months=seg.dormant_months),
    ]
    try:
        version = metadata.version("holidays")
    except metadata.PackageNotFoundError:  # pragma: no cover - holidays is a dependency
        version = "?"
    country = Locale.parse(lang).territories.get(eng.country, eng.country)  # "Россия", not "RU"
    notes.append(t("audit.method.calendar", lang, country=country, version=version))
    if seasonality is not None and len(seasonality):
        if (seasonality["source"] == "history").all():
            notes.append(t("audit.method.seasonality_history", lang, years=str(seasonality["years"].iloc[0])))
        else:
            notes.append(t("audit.method.seasonality_days", lang))
    notes += [
        t("audit.method.weeks", lang),
        t("audit.method.rounding", lang),
        t("audit.method.returns", lang),
    ]
    if unavailable:
        items = dict.fromkeys(t(f"audit.unavailable.{what}", lang) for what, _ in unavailable)
        notes.append(t("audit.method.unavailable", lang, items="; ".join(items)))
    return notes
