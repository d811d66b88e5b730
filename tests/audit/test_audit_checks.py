"""The audit checks' figures and the headline decisions, without a language: what
:mod:`salesaudit.audit.checks` measures and decides before :mod:`salesaudit.audit.wording` tells it."""

from __future__ import annotations

import pandas as pd
import pytest

from salesaudit.audit.checks import DATA_SIDES, assess_checks, check_inputs, combine, decide_headlines
from salesaudit.audit.rules import CHECKS, HEADLINES
from salesaudit.audit.scorecard import evaluate_checks
from salesaudit.audit.wording import EVIDENCE
from salesaudit.exceptions import ConfigError, DataError

AS_OF = "2026-11-25"
SALES = pd.DataFrame(
    {
        "date": pd.to_datetime(["2026-03-02", "2026-05-04", "2026-06-10"]),
        "client_id": ["c1", "c2", "c1"],
        "amount": [100.0, 300.0, 50.0],
        "manager": ["Ann", "Bob", "Ann"],
    }
)


def _assessed(**kw):
    kw.setdefault("as_of", AS_OF)
    return {a.check.check_id: a for a in assess_checks(check_inputs(kw.pop("sales", SALES), **kw))}


def test_every_data_side_has_a_sentence_and_a_check():
    assert set(DATA_SIDES) == set(EVIDENCE)
    assert set(DATA_SIDES) <= {c.check_id for c in CHECKS}


def test_the_figures_are_numbers_and_agree_with_the_worded_table():
    found = _assessed()
    conc = found["clients.concentration"].reading
    quoted = {k: conc.figures[k] for k in ("top20", "top1")}
    assert quoted == {"top20": pytest.approx(300 / 450), "top1": pytest.approx(300 / 450)}
    # issue 18: the figures also carry the rule's thresholds, so the status can be re-checked from them
    assert (conc.kind, conc.figures["warning"], conc.figures["problem"]) == ("threshold_high", 0.1, 0.25)
    worded = evaluate_checks(SALES, as_of=AS_OF, lang="en").set_index("check_id")
    for check_id, a in found.items():
        assert worded.at[check_id, "status"] == a.status
        assert worded.at[check_id, "data_status"] == a.data_status
        assert worded.at[check_id, "value"] == pytest.approx(a.value, nan_ok=True)


def test_a_missing_input_is_named_and_unknown():
    found = _assessed()
    reconciliation = found["plans.reconciliation"]
    assert (reconciliation.status, reconciliation.reading, reconciliation.missing) == (
        "unknown",
        None,
        ("targets",),
    )
    interview_only = found["plans.pay_structure"]
    assert interview_only.missing is None and interview_only.answer == "unknown"


def test_the_sentence_variant_is_a_case_not_a_text():
    targets = pd.DataFrame({"period": ["2026"], "amount": [900.0], "manager": [None]})
    plan = _assessed(targets=targets)["plans.written_plan"].reading
    assert (plan.status, plan.case, {k: plan.figures[k] for k in ("year", "amount")}) == (
        "problem",
        "department_only",
        {"year": "2026", "amount": 900.0},
    )
    assert (plan.figures["covered"], plan.kind) == (0, "share_of_all")  # issue 18: the rule's figures


def test_inputs_are_validated_before_anything_is_read():
    with pytest.raises(ConfigError, match="unknown scorecard threshold"):
        check_inputs(SALES, as_of=AS_OF, thresholds={"top_one": 0.1})
    with pytest.raises(DataError, match="client_id"):
        check_inputs(SALES.drop(columns="client_id"), as_of=AS_OF)


@pytest.mark.parametrize(
    ("data", "answer", "expected"),
    [
        ("problem", "problem", ("problem", "agree")),
        ("warning", "warning", ("warning", "agree")),
        ("ok", "ok", ("ok", "agree")),
        ("problem", "ok", ("warning", "disagree")),
        ("unknown", "warning", ("warning", "")),
        ("unknown", "unknown", ("unknown", "")),
    ],
)
def test_a_headline_combines_its_two_sides(data, answer, expected):
    assert combine(data, answer) == expected


def test_headline_decisions_quote_the_failing_checks_and_the_answers():
    findings = pd.DataFrame(
        {
            "check_id": ["cadence.weekly_plans", "cadence.forecast_accuracy"],
            "data_status": ["warning", "problem"],
        }
    )
    answers = {"cadence.weekly_meeting": {"answer": "no", "note": " Monthly only. "}}
    backtest = pd.DataFrame(
        {
            "level": ["department"] * 2,
            "missed": [True, True],
            "flagged": [True, False],
            "weeks_of_warning": [2, 0],
        }
    )
    decisions = {d.headline_id: d for d in decide_headlines(findings, answers=answers, backtest=backtest)}
    assert list(decisions) == list(HEADLINES)
    cadence = decisions["monthly_cadence"]
    assert (cadence.status, cadence.agreement, cadence.present) == ("problem", "agree", True)
    assert cadence.quoted == ("cadence.weekly_plans",) and cadence.support == ("cadence.forecast_accuracy",)
    assert cadence.warned == (1, 2.0)
    assert cadence.answered == (("cadence.weekly_meeting", "no", "Monthly only."),)
    assert decisions["no_money_plan"].status == "unknown" and not decisions["no_money_plan"].present
