"""The preflight: after intake and before any kernel, every check that could stop a stage.

``salesaudit validate`` prints it and exits 1 on its first error; ``salesaudit run`` runs the same checks
before the first notebook starts. The rule it keeps: ``validate`` exit 0 means ``run`` does not fail for
a data or configuration reason. Each check calls the function the stage itself calls (the plan's target,
its roster, the tracked week, the brand file, the questionnaire), so the two cannot disagree.

Findings are of two levels: ``error`` (a :class:`~salesaudit.exceptions.ConfigError` or
:class:`~salesaudit.exceptions.DataError` naming the key to set) and ``info`` (what a stage will do
without an optional table or setting — it carries on and the report says what is missing).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import pandas as pd

from ..exceptions import ConfigError, DataError, SalesAuditError

if TYPE_CHECKING:
    from ..intake.canonical import Intake
    from .config import Engagement

STAGE_NAMES = ("audit", "clients", "plan", "weekly")


@dataclass(frozen=True)
class Finding:
    """One preflight result: ``level`` ("error" or "info"), the ``stage`` it concerns, the ``text``,
    and for an error the exception to raise."""

    level: Literal["error", "info"]
    stage: str
    text: str
    error: SalesAuditError | None = None


@dataclass
class Preflight:
    """All findings of :func:`preflight`, errors and notes, in the order the checks ran."""

    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "error"]

    @property
    def notes(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "info"]

    def raise_first(self) -> None:
        """Raise the first error's exception (nothing when there is none)."""
        if self.errors:
            raise self.errors[0].error

    def lines(self) -> list[str]:
        """The notes as ``"info  plan: ..."`` lines (errors are raised, not listed)."""
        return [f"info  {f.stage}: {f.text}" for f in self.notes]


def preflight(
    eng: Engagement,
    intake: Intake,
    *,
    week: str | None = None,
    stages: Sequence[str] = STAGE_NAMES,
) -> Preflight:
    """Every check that could stop one of ``stages`` on this engagement and its canonical tables.

    Parameters
    ----------
    eng
        The engagement (:func:`salesaudit.engine.config.load`).
    intake
        Its canonical tables (:func:`salesaudit.intake.canonical.read_engagement`).
    week
        The week asked for on the command line (``--week``); None = engagement.yaml's ``tracking.week``
        or chosen.
    stages
        The stages about to run (a weekly flash runs only ``weekly``).

    Returns
    -------
    :class:`Preflight`; its :meth:`~Preflight.raise_first` raises the first error.
    """
    out = Preflight()
    checks: list[tuple[str, Callable]] = [
        ("audit", lambda: _files(eng)),
        ("plan", lambda: _team(eng, intake)),
        ("plan", lambda: _target(eng, intake)),
        ("plan", lambda: _pay(eng, intake)),
        ("weekly", lambda: _week(eng, week)),
        ("audit", lambda: _optional_tables(eng, intake)),
    ]
    plan_needed = bool({"plan", "weekly"} & set(stages))  # the audit stage does without a plan
    for stage, check in checks:
        if stage in ("plan", "weekly") and not plan_needed:
            continue
        try:
            notes = check() or []
        except (ConfigError, DataError) as exc:
            out.findings.append(Finding("error", stage, str(exc), exc))
            continue
        out.findings += [Finding("info", where, text) for where, text in notes]
    return out


def _files(eng: Engagement) -> None:
    """The brand file and the questionnaire parse (the report and the audit stage read them)."""
    from ..audit.questionnaire import load_answers
    from ..report.brand import load_brand

    load_brand(eng.path(eng.brand), root=eng.folder, allow_outside=eng.allows_outside)
    load_answers(eng.path(eng.questionnaire))


def _team(eng: Engagement, intake: Intake) -> list[tuple[str, str]]:
    """The plan's team: the managers table checked as the plan reads it (names, dates, someone
    working in the plan year), or the managers named on the sales lines."""
    from ..plan.managers import build_roster

    managers = intake.tables.get("managers")
    notes = []
    if managers is None:
        sales = intake.tables["sales"]
        names = set(sales["manager"].dropna().unique()) if "manager" in sales else set()
        if names:
            notes.append(
                ("plan", f"no managers table: the {len(names)} managers named on the sales lines are planned")
            )
        else:
            notes.append(
                ("plan", "no managers table and no manager on the sales lines: one plan for the department")
            )
    else:
        try:
            roster = build_roster(managers)
        except DataError as exc:
            exc.key = exc.key or "inputs.managers.files"
            raise
        _someone_works(roster, eng.plan.year)
        names = set(roster["manager"])
    unknown = sorted(set(eng.plan.overrides) - names)
    if unknown:
        raise ConfigError(
            "an override names a manager who is not on the team", key="plan.overrides", value=unknown[0]
        )
    return notes


def _someone_works(roster: pd.DataFrame, year: int) -> None:
    """Someone on the roster is employed in ``year`` (hired before its end, not gone before its start)."""
    start, end = pd.Timestamp(year, 1, 1), pd.Timestamp(year, 12, 31)
    hired, left = roster["hired"], roster["left"]
    if not ((hired.isna() | (hired <= end)) & (left.isna() | (left >= start))).any():
        raise DataError(
            f"no manager in the managers table works in {year}",
            key="plan.year",
            value=year,
            hint="check the hired/left dates in the managers file, or plan.year",
        )


def _target(eng: Engagement, intake: Intake) -> None:
    """The year target can be made: given, or grown from the sales of the 12 months before the plan year
    (:func:`salesaudit.plan.months.resolve_target_with_notes`, as the plan stage calls it)."""
    from ..plan.months import resolve_target_with_notes

    p = eng.plan
    try:
        resolve_target_with_notes(
            intake.tables["sales"],
            year=p.year,
            target=p.target,
            growth=p.growth,
            monthly_targets=p.monthly_targets,
            as_of=pd.Timestamp(eng.as_of),
        )
    except DataError as exc:  # growth has no base: name the key that gives the target instead
        raise DataError(
            f"plan.year {p.year}: {exc.message}; growth (plan.growth) needs a positive base",
            key="plan.target",
            value=None,
            hint=f"set plan.target (the owner's target for {p.year}) in engagement.yaml, or check plan.year "
            "and as_of against the sales history",
        ) from None


def _pay(eng: Engagement, intake: Intake) -> list[tuple[str, str]]:
    """Whether the motivation parts will have pay data (managers table or motivation defaults)."""
    from ..plan.motivation import pay_known, with_default_pay

    m = eng.motivation
    managers = intake.tables.get("managers")
    if managers is None:
        managers = pd.DataFrame({"manager": pd.Series([], dtype="str")})
    team = with_default_pay(managers, salary=m.salary, commission_rate=m.commission_rate)
    if len(team) and pay_known(team).all():
        return []
    if m.salary is None or m.commission_rate is None:
        return [
            (
                "plan",
                "pay unknown for some or all managers: the motivation and income-ceiling sections say "
                "'no pay data' for them (set motivation.salary and motivation.commission_rate, or map "
                "salary and commission_rate in inputs.managers.columns)",
            )
        ]
    return []


def _week(eng: Engagement, week: str | None) -> list[tuple[str, str]]:
    """The tracked week lies in the plan (:func:`salesaudit.weekly.weekchoice.choose_week`)."""
    from ..weekly.weekchoice import choose_week

    choice = choose_week(
        as_of=eng.as_of,
        plan_year=eng.plan.year,
        week=week or eng.tracking.week,
        key=None if week else "tracking.week",
    )
    said = {
        "given": f"tracking the week asked for, {choice.week}",
        "last_complete": f"tracking {choice.week}, the last complete week before as_of",
        "last_of_plan": f"the plan year {eng.plan.year} is over: tracking its last week, {choice.week}",
        "first_of_plan": f"no complete week of the plan before as_of: tracking the plan's first week, "
        f"{choice.week} (plan, no fact yet)",
        "plan_not_started": f"the plan starts after as_of ({eng.as_of}): no week to track yet",
    }
    return [("weekly", said[choice.reason])]


_OPTIONAL = {
    "clients": ("clients", "no client register: client names from the sales lines, no potential"),
    "targets": ("plan", "no targets table: past plans are not judged"),
    "pipeline": ("weekly", "no pipeline table: no pipeline coverage or stale deals"),
    "activities": ("weekly", "no activities table: activity norms are shown, not tracked"),
}


def _optional_tables(eng: Engagement, intake: Intake) -> list[tuple[str, str]]:
    """What each stage leaves out for an optional table that is not there."""
    return [(stage, text) for table, (stage, text) in _OPTIONAL.items() if table not in intake.tables]
