"""Claims as data: every status the audit asserts, with the figures and the rule that make it true.

A :class:`Claim` is one assertion of the report — a check's status, a headline's decision, a
comparison between two periods, a count of missed months — as plain data: its ``kind`` (which rule
decides it), its ``status``, the ``figures`` the rule reads (plain numbers and strings, the thresholds
the rule used among them) and the label it is worded with (``text_key``). :func:`recheck` re-evaluates
the rule from the figures alone, so a claim whose status its own figures contradict is caught
(the tests re-check every claim of a run; a run writes them as the table ``claims``).

Rules (:data:`RULES`, by kind; every one documented on its function):

* ``threshold_high`` / ``threshold_low`` — a figure against its warning / problem (ok / warning)
  thresholds, optionally a second figure that turns an ok into a warning;
* ``count`` — listed items (missed months, dormant clients): problem / warning counts, and the count
  equals the items listed;
* ``change`` — a figure in two periods: grew / shrank / flat, ``unknown`` when either period is only
  partly covered by the data;
* ``churn`` — clients gained and lost between two windows: one measure, so ``after = before +
  gained - lost``;
* ``share_of_all``, ``pay``, ``activity``, ``coverage``, ``finest_period``, ``ramp`` — the rules of
  single checks; ``headline`` — a headline from its checks' data statuses and interview answers;
  ``undecided`` — what the data cannot decide (always ``unknown``).

Conventions: a threshold named "warning from" is met with ``>=`` (so is "problem from"), as in
:mod:`salesaudit.audit.scorecard`; ``strict`` names the thresholds met only with ``>``. A figure that
is missing is None (never NaN). A claim carrying an ``answer`` figure (an interview answer) has the
worse known of its rule's status and the answer's status.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import pandas as pd

from .rules import ANSWER_STATUS, RANK, Reading, worst

CLAIM_COLUMNS: list[str] = ["claim_id", "kind", "status", "figures", "text_key", "text"]
"""Columns of the ``claims`` table (:func:`claims_table`)."""

COVERAGE_GRACE_DAYS = 7
"""A period counts as fully covered by the data when the data miss at most this many of its days at
either end (a first line on the first working day after the New Year holidays still covers January)."""


@dataclass(frozen=True)
class Claim:
    """One assertion: id, the rule's ``kind``, the ``status`` asserted, the ``figures`` the rule reads
    (plain numbers and strings), the label key it is worded with and the words themselves."""

    claim_id: str
    kind: str
    status: str
    figures: dict = field(default_factory=dict)
    text_key: str = ""
    text: str = ""


RULES: dict[str, Callable[[Mapping], str]] = {}
"""Kind -> the rule: the status the figures make true."""


def rule(kind: str):
    """Register the decorated function as the rule of ``kind``."""

    def register(fn: Callable[[Mapping], str]) -> Callable[[Mapping], str]:
        RULES[kind] = fn
        return fn

    return register


def decide(kind: str, figures: Mapping) -> str:
    """The status the rule of ``kind`` gives ``figures`` (with an ``answer`` figure: the worse known of
    that status and the answer's).

    Examples
    --------
    >>> decide("threshold_high", {"value": 0.3, "warning": 0.1, "problem": 0.25})
    'problem'
    >>> decide("undecided", {"answer": "no"})
    'problem'
    """
    status = RULES[kind](figures)
    if "answer" in figures:
        status = worst([status, ANSWER_STATUS.get(str(figures["answer"]), "unknown")])
    return status


def judged(kind: str, figures: dict, *, case: str = "") -> Reading:
    """A check's data side whose status is the rule of ``kind`` applied to its ``figures`` — the rule
    :func:`recheck` applies — so a check states its figure and thresholds once and never decides apart.

    Examples
    --------
    >>> r = judged("threshold_high", {"value": 0.3, "warning": 0.1, "problem": 0.25})
    >>> r.status, r.value, r.kind
    ('problem', 0.3, 'threshold_high')
    """
    return Reading(RULES[kind](figures), float(figures["value"]), figures, case=case, kind=kind)


def recheck(claim: Claim) -> bool:
    """Whether ``claim``'s status is the one its rule gives its figures (an unknown kind, or figures
    the rule cannot read, are False).

    Examples
    --------
    >>> recheck(Claim("c", "threshold_low", "ok", {"value": 0.96, "ok": 0.95, "warning": 0.8}))
    True
    >>> recheck(Claim("c", "threshold_low", "ok", {"value": 0.5, "ok": 0.95, "warning": 0.8}))
    False
    """
    if claim.kind not in RULES:
        return False
    try:
        return decide(claim.kind, claim.figures) == claim.status
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return False


# --------------------------------------------------------------------------------------------------
# the rules


def _num(figures: Mapping, key: str) -> float | None:
    value = figures.get(key)
    return None if value is None else float(value)


def _escalate(status: str, figures: Mapping) -> str:
    """An ok turned into a warning by ``also_value`` >= ``also_warning`` (when both are given)."""
    also, limit = _num(figures, "also_value"), _num(figures, "also_warning")
    if status == "ok" and also is not None and limit is not None and also >= limit:
        return "warning"
    return status


def _met(value: float, limit: float | None, strict: bool) -> bool:
    return limit is not None and (value > limit if strict else value >= limit)


@rule("threshold_high")
def threshold_high(f: Mapping) -> str:
    """Higher is worse: ``problem`` from ``problem`` (if given), ``warning`` from ``warning``, else
    ``ok_as`` (default ok; ``unknown`` where a low figure cannot show the practice is in place).
    ``strict`` lists the thresholds met only above them ("problem", "warning")."""
    value = float(f["value"])
    strict = str(f.get("strict", "")).split(",")
    if _met(value, _num(f, "problem"), "problem" in strict):
        return "problem"
    if _met(value, _num(f, "warning"), "warning" in strict):
        return "warning"
    return _escalate(str(f.get("ok_as", "ok")), f)


@rule("threshold_low")
def threshold_low(f: Mapping) -> str:
    """Higher is better: ``ok`` from ``ok``, ``warning`` from ``warning``, ``problem`` below."""
    value = float(f["value"])
    if value >= float(f["ok"]):
        return _escalate("ok", f)
    return "warning" if value >= float(f["warning"]) else "problem"


def _items(f: Mapping) -> list[str]:
    text = str(f.get("items") or "")
    return [item for item in text.split(";") if item]


@rule("count")
def count(f: Mapping) -> str:
    """Listed items: ``problem`` when ``problem_count`` > 0, ``warning`` when ``warning_count`` > 0,
    else ``ok_as`` (default ok). ``count`` must equal the items listed in ``items`` (``;``-separated),
    when they are listed, and the problem and warning counts are among them."""
    n = int(f["count"])
    if "items" in f and len(_items(f)) != n:
        raise ValueError("count differs from the items listed")
    problems, warnings = int(f.get("problem_count", 0)), int(f.get("warning_count", 0))
    if problems > n or warnings > n:
        raise ValueError("more flagged items than items")
    if problems > 0:
        return "problem"
    return "warning" if warnings > 0 else str(f.get("ok_as", "ok"))


def fully_covered(f: Mapping, prefix: str) -> bool:
    """``<prefix>_days`` (days of the period inside the data's span) against ``<prefix>_period_days``,
    missing at most ``grace_days``."""
    return int(f[f"{prefix}_days"]) >= int(f[f"{prefix}_period_days"]) - int(f.get("grace_days", 0))


@rule("change")
def change(f: Mapping) -> str:
    """A figure in two periods (``before``, ``after``): ``grew``, ``shrank`` or ``flat`` — ``unknown``
    (no growth claim) when either period is only partly covered by the data (:func:`fully_covered`)
    or ``before`` is missing."""
    if not (fully_covered(f, "before") and fully_covered(f, "after")) or f.get("before") is None:
        return "unknown"
    before, after = float(f["before"]), float(f["after"])
    return "grew" if after > before else "shrank" if after < before else "flat"


@rule("churn")
def churn(f: Mapping) -> str:
    """Buying clients in two windows (``before``, ``after``), those that started (``gained``) and
    stopped (``lost``) buying between them — one measure, so ``after = before + gained - lost``.
    ``unknown`` when the earlier window is only partly covered; nothing moved -> ok; more lost than
    gained -> problem; lost at least ``churn_warning`` × gained -> warning; else ok."""
    before, after, gained, lost = (int(f[k]) for k in ("before", "after", "gained", "lost"))
    if after != before + gained - lost:
        raise ValueError("gained and lost do not add up to the change")
    if not (fully_covered(f, "before") and fully_covered(f, "after")):
        return "unknown"
    if gained == 0 and lost == 0:
        return "ok"
    if lost > gained:
        return "problem"
    return "warning" if lost >= float(f["churn_warning"]) * gained else "ok"


@rule("share_of_all")
def share_of_all(f: Mapping) -> str:
    """``covered`` of ``total`` (managers with a plan): none -> problem, all -> ok, some -> warning."""
    covered, total = int(f["covered"]), int(f["total"])
    if covered <= 0:
        return "problem"
    return "ok" if covered >= total else "warning"


@rule("pay")
def pay(f: Mapping) -> str:
    """Variable share of income below ``variable_min`` or the plan above the comfort sales for most
    managers -> problem; below half or for any -> warning; else ok."""
    variable, above, total = float(f["variable"]), int(f["above"]), int(f["total"])
    if variable < float(f["variable_min"]) or above * 2 > total:
        return "problem"
    return "warning" if variable < 0.5 or above else "ok"


@rule("activity")
def activity(f: Mapping) -> str:
    """The department's fact / norm below ``threshold`` -> problem; ``below_count`` managers under it
    -> warning; else ok (``dept`` None: the managers alone)."""
    dept = _num(f, "dept")
    if dept is not None and dept < float(f["threshold"]):
        return "problem"
    return "warning" if int(f["below_count"]) > 0 else "ok"


@rule("coverage")
def coverage(f: Mapping) -> str:
    """Nothing left of the month's plan (``coverage`` None) -> ok; else coverage / required against
    1 (ok) and ``warning`` (warning from)."""
    cov = _num(f, "coverage")
    if cov is None:
        return "ok"
    required = float(f["required"])
    return threshold_low(
        {"value": cov / required if required > 0 else 0.0, "ok": 1.0, "warning": f["warning"]}
    )


@rule("finest_period")
def finest_period(f: Mapping) -> str:
    """The finest plan period in the data: ``year`` -> problem, ``month`` -> warning (no weekly plan);
    anything finer cannot show that plans are used weekly -> unknown."""
    return {"year": "problem", "month": "warning"}.get(str(f["finest"]), "unknown")


@rule("ramp")
def ramp(f: Mapping) -> str:
    """The worst hire: one that reached ``ramp_level`` in month m -> ok when m <= ``ramp_months``, else
    warning; one not yet there after t months -> unknown while t <= ``ramp_months``, problem after
    twice that, warning between (``reached``, ``not_yet``: comma-separated months)."""
    expected = int(f["ramp_months"])
    reached = [int(m) for m in str(f.get("reached") or "").split(",") if m]
    waiting = [int(m) for m in str(f.get("not_yet") or "").split(",") if m]
    statuses = ["ok" if m <= expected else "warning" for m in reached]
    statuses += [
        "unknown" if t <= expected else "problem" if t > 2 * expected else "warning" for t in waiting
    ]
    return worst(statuses)


def combine(data: str, answer: str) -> str:
    """A headline's status from its data and interview sides (the rule of
    :func:`salesaudit.audit.checks.combine`)."""
    if data == "unknown" or answer == "unknown":
        return answer if data == "unknown" else data
    d, a = RANK[data], RANK[answer]
    if min(d, a) >= 1:
        return "problem" if max(d, a) == 2 else "warning"
    return "ok" if max(d, a) == 0 else "warning"


@rule("headline")
def headline(f: Mapping) -> str:
    """The data side = the worst ``data.<check>`` status (and ``data.missed_months``); an ok data side
    counts only where the data can show the practice is in place (``data_can_clear`` = 1), else it is
    unknown. The interview side = the worst status of the ``answer.<question>`` answers. Then
    :func:`combine`."""
    data = worst(str(v) for k, v in f.items() if k.startswith("data."))
    if data == "ok" and not int(f["data_can_clear"]):
        data = "unknown"
    answers = worst(ANSWER_STATUS.get(str(v), "unknown") for k, v in f.items() if k.startswith("answer."))
    return combine(data, answers)


@rule("undecided")
def undecided(f: Mapping) -> str:
    """What the data cannot decide (a missing input, too short a history): unknown."""
    return "unknown"


ALERT_STATUS: dict[str, str] = {"high": "problem", "medium": "warning"}
"""An alert's severity as a claim status."""


@rule("alert")
def alert(f: Mapping) -> str:
    """An alert of the weekly flash (:mod:`salesaudit.weekly.signals`): it fires when its ``figure``
    is below its ``threshold`` (above, for ``silent_client``) — ``problem`` (severity high) when it
    misses by more than a quarter, ``warning`` (medium) otherwise; ``ok`` when it does not fire.

    Examples
    --------
    >>> alert({"rule": "runrate", "figure": 0.66, "threshold": 0.9}), alert({"rule": "runrate", "figure": 0.95, "threshold": 0.9})
    ('problem', 'ok')
    """
    figure, limit = float(f["figure"]), float(f["threshold"])
    if f["rule"] == "silent_client":
        return "problem" if figure > limit / 0.75 else "warning" if figure > limit else "ok"
    return "problem" if figure < 0.75 * limit else "warning" if figure < limit else "ok"


def alert_claims(alerts: pd.DataFrame) -> list[Claim]:
    """The weekly flash's alerts (the ``alerts`` table) as claims: each says its figure misses its
    threshold, as badly as its severity says.

    Examples
    --------
    >>> a = pd.DataFrame({"level": ["manager"], "manager": ["Ivanov"], "rule": ["two_weeks"],
    ...     "iso_week": ["2026-W47"], "figure": [0.5], "threshold": [0.8], "severity": ["medium"], "text": ["..."]})
    >>> c = alert_claims(a)[0]
    >>> c.status, recheck(c)  # 0.5 is below 0.75 x 0.8: high, not medium
    ('warning', False)
    """
    out = []
    for i, row in enumerate(alerts.to_dict("records")):
        who = row.get("manager") if isinstance(row.get("manager"), str) else row.get("level")
        figures = {
            k: plain(row.get(k)) for k in ("rule", "figure", "threshold", "level", "manager", "iso_week")
        }
        status = ALERT_STATUS.get(str(row.get("severity")), "unknown")
        claim_id = f"alert.{row.get('rule')}.{who}.{i}"
        out.append(
            Claim(claim_id, "alert", status, figures, f"alerts.{row.get('rule')}", str(row.get("text", "")))
        )
    return out


# --------------------------------------------------------------------------------------------------
# figures as plain data, claims as a table


def plain(value):
    """A figure as plain JSON data: numbers (NaN -> None), strings, lists of them.

    Examples
    --------
    >>> plain({"a": float("nan"), "b": [("x", 0.5)], "c": pd.Timestamp("2026-01-02")})
    {'a': None, 'b': [['x', 0.5]], 'c': '2026-01-02'}
    """
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    if value is None or isinstance(value, str | bool):
        return value
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if isinstance(value, int):
        return value
    return None if pd.isna(value) else str(value)


def claims_table(claims) -> pd.DataFrame:
    """The claims as the table ``claims`` (:data:`CLAIM_COLUMNS`; ``figures`` as JSON text).

    Examples
    --------
    >>> claims_table([Claim("x", "undecided", "unknown", {"n": 1}, "k", "text")])["figures"].tolist()
    ['{"n": 1}']
    """
    rows = [
        (c.claim_id, c.kind, c.status, json.dumps(plain(c.figures), ensure_ascii=False), c.text_key, c.text)
        for c in claims
    ]
    return pd.DataFrame(rows, columns=CLAIM_COLUMNS).astype("str")


def from_row(row: Mapping) -> Claim:
    """A claim read back from a row of the ``claims`` table."""
    return Claim(
        claim_id=str(row["claim_id"]),
        kind=str(row["kind"]),
        status=str(row["status"]),
        figures=json.loads(str(row["figures"])),
        text_key=str(row["text_key"]),
        text=str(row["text"]),
    )
