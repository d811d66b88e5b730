"""Issue 18, "Claims as data": every status the audit asserts is a claim whose rule, re-run on its own
figures, gives that status; a claim its figures contradict is rejected; the report's headline and
check blocks say which claim and status they show."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from salesaudit.audit.claims import CLAIM_COLUMNS, RULES, Claim, claims_table, from_row, recheck
from salesaudit.audit.rules import CHECKS, HEADLINES
from salesaudit.audit.scorecard import audit_claims, evaluate_checks, headline_findings
from salesaudit.report.i18n import t
from salesaudit.report.show import headlines_html, scorecard_sections

AS_OF = "2026-11-25"


def _sales():
    """Three years of monthly sales of six clients and two managers: both windows covered, one client
    lost, one new, one erratic."""
    rows = []
    for d in pd.date_range("2023-11-01", "2026-10-01", freq="MS"):
        rows += [
            (d + pd.Timedelta(days=9), "big", 900.0, "Ann"),
            (d + pd.Timedelta(days=9), "mid", 300.0, "Bob"),
        ]
        rows.append((d + pd.Timedelta(days=12), "small", 50.0, "Bob"))
        if d < pd.Timestamp("2025-06-01"):
            rows.append((d + pd.Timedelta(days=3), "gone", 200.0, "Ann"))
        if d >= pd.Timestamp("2026-01-01"):
            rows.append((d + pd.Timedelta(days=3), "fresh", 120.0, "Ann"))
        if d.month in (3, 9):
            rows.append((d + pd.Timedelta(days=5), "lumpy", 1500.0, "Bob"))
    rows.append((pd.Timestamp("2026-10-28"), "big", 10.0, "Ann"))  # the data run to the window's end
    df = pd.DataFrame(rows, columns=["date", "client_id", "amount", "manager"])
    return df.astype({"client_id": "str", "manager": "str"})


def _inputs() -> dict:
    """Every table the checks read, small and inline (the shapes of test_scorecard's frames)."""
    managers = pd.DataFrame(
        {
            "manager": pd.Series(["Ann", "Bob", "Cid"], dtype="str"),
            "hired": pd.to_datetime(["2020-01-01", "2020-01-01", "2026-07-01"]),
            "left": pd.to_datetime([None, None, None]),
        }
    )
    targets = pd.DataFrame(
        [(f"2025-{m:02d}", 1500.0, None) for m in range(1, 13)]
        + [(f"2025-{m:02d}", 700.0, "Ann") for m in range(1, 13)]
        + [(f"2025-{m:02d}", 700.0, "Bob") for m in range(1, 13)]
        + [("2026-01", 900.0, "Ann")],
        columns=["period", "amount", "manager"],
    ).astype({"period": "str", "manager": "str"})
    deals = pd.DataFrame(
        {
            "deal_id": [str(i) for i in range(8)],
            "manager": ["Ann"] * 4 + ["Bob"] * 4,
            "status": ["won", "won", "lost", "open", "won", "lost", "lost", "open"],
            "amount": 100.0,
            "stage": "x",
            "client_id": ["big", None, "mid", "mid", "mid", "small", None, "big"],
            "created": pd.Timestamp("2026-01-01"),
            "closed": pd.Timestamp("2026-02-01"),
            "expected_close": pd.Timestamp("2026-12-01"),
        }
    )
    tracking = pd.DataFrame(
        {
            "level": ["department", "manager", "manager", "department", "department"],
            "manager": pd.Series([None, "Ann", "Bob", None, None], dtype="str"),
            "period": ["2026-11", "2026-11", "2026-11", "2026-10", "2026-10"],
            "week_start": pd.to_datetime(
                ["2026-11-16", "2026-11-16", "2026-11-16", "2026-10-12", "2026-10-26"]
            ),
            "week_end": pd.to_datetime(
                ["2026-11-22", "2026-11-22", "2026-11-22", "2026-10-18", "2026-10-31"]
            ),
            "complete": True,
            "calls_fact": [85.0, 70.0, 100.0, 0.0, 0.0],
            "calls_norm": 100.0,
            "forecast": [None, None, None, 125.0, 100.0],
            "mtd_fact": [None, None, None, 50.0, 100.0],
        }
    )
    backtest = pd.DataFrame(
        {
            "level": "department",
            "period": ["2026-08", "2026-09", "2026-10"],
            "plan": 100.0,
            "fact": [77.0, 80.0, 104.0],
            "attainment": [0.77, 0.80, 1.04],
            "missed": [True, True, False],
            "flagged": [True, False, False],
            "weeks_of_warning": pd.array([2, pd.NA, pd.NA], dtype="Int64"),
        }
    )
    return {
        "sales": _sales(),
        "as_of": AS_OF,
        "answers": {
            "clients.segmentation": {"answer": "partly", "note": "ABC in Excel"},
            "cadence.weekly_meeting": {"answer": "no", "note": ""},
        },  # fmt: skip
        "register": pd.DataFrame(
            {
                "client_id": ["big", "mid", "small"],
                "manager": ["Ann", "Bob", None],
                "potential": [5000.0, None, 100.0],
            }
        ),  # fmt: skip
        "managers": managers,
        "targets": targets,
        "seasonality": pd.DataFrame(
            {"month": range(1, 13), "index": [1.2] + [1.0] * 11, "source": "history"}
        ),
        "history": pd.DataFrame(
            {
                "manager": pd.Series(["Ann"] * 4, dtype="str"),
                "period": [f"2025-{m:02d}" for m in range(1, 5)],
                "attainment": [1.2, 1.3, 0.6, 1.0],
            }
        ),  # fmt: skip
        "ceiling": pd.DataFrame(
            {
                "manager": pd.Series(["Ann"], dtype="str"),
                "salary": [40e3],
                "plan_monthly_avg": [1e6],
                "current_scheme_sales_for_income": [5e6],
                "actual_monthly_income": [100e3],
            }
        ),  # fmt: skip
        "pipeline": deals,
        "tracking": tracking,
        "coverage": pd.DataFrame(
            {
                "level": ["department"],
                "coverage": [2.0],
                "required_coverage": [4.0],
                "remaining_plan": [1000.0],
            }
        ),  # fmt: skip
        "stale": pd.DataFrame({"deal_id": ["3"], "amount": [100.0]}),
        "backtest": backtest,
    }


@pytest.fixture(scope="module")
def claims():
    return audit_claims(lang="en", **_inputs())


def test_every_check_and_headline_is_a_claim_its_figures_reproduce(claims):
    assert claims.columns.tolist() == CLAIM_COLUMNS
    ids = claims["claim_id"].tolist()
    assert [f"check.{c.check_id}" for c in CHECKS] == ids[: len(CHECKS)]
    assert {f"headline.{h}" for h in HEADLINES} <= set(ids) and "figure.growth" in ids
    rejected = [row["claim_id"] for row in claims.to_dict("records") if not recheck(from_row(row))]
    assert rejected == []
    assert len(set(claims["kind"])) >= 8  # the rules this input exercises
    for row in claims.to_dict("records"):
        figures = json.loads(row["figures"])
        assert all(isinstance(v, int | float | str | list | type(None)) for v in figures.values()), row
        assert row["text"] and row["text_key"]


def test_the_claims_agree_with_the_tables_the_report_shows(claims):
    inputs = _inputs()
    findings = evaluate_checks(lang="en", **inputs).set_index("check_id")
    heads = headline_findings(findings.reset_index(), answers=inputs["answers"], backtest=inputs["backtest"],
                              lang="en").set_index("headline_id")  # fmt: skip
    by_id = claims.set_index("claim_id")
    for check_id, row in findings.iterrows():
        assert by_id.at[f"check.{check_id}", "status"] == row["status"], check_id
    for hid, row in heads.iterrows():
        assert by_id.at[f"headline.{hid}", "status"] == row["status"]
        assert t(by_id.at[f"headline.{hid}", "text_key"], "en") == row["title"]
    assert by_id.at["headline.monthly_cadence.missed_months", "status"] == "problem"  # flagged 2 weeks ahead
    assert by_id.at["figure.growth", "status"] == "shrank"  # "gone" stopped, "fresh" started smaller


def test_a_table_read_back_still_rechecks(claims, tmp_path):
    claims.to_parquet(tmp_path / "claims.parquet")
    back = pd.read_parquet(tmp_path / "claims.parquet")
    assert all(recheck(from_row(row)) for row in back.to_dict("records"))


# --------------------------------------------------------------------------------------------------
# one contradicting claim per rule


TH = {"warning": 0.1, "problem": 0.25}
COVER = {
    "before_days": 365,
    "before_period_days": 365,
    "after_days": 365,
    "after_period_days": 365,
    "grace_days": 7,
}

CASES = {
    # kind: (figures, their status, a status the figures contradict)
    "threshold_high": ({"value": 0.3, **TH}, "problem", "ok"),
    "threshold_low": (
        {"value": 0.96, "ok": 0.95, "warning": 0.8, "also_value": 0.3, "also_warning": 0.2},
        "warning",
        "ok",
    ),  # fmt: skip
    "count": (
        {"count": 2, "items": "2026-01;2026-02", "problem_count": 0, "warning_count": 2, "ok_as": "unknown"},
        "warning",
        "ok",
    ),  # fmt: skip
    "change": ({"before": 637.0, "after": 693.0, **COVER}, "grew", "shrank"),
    "churn": (
        {"before": 75, "after": 80, "gained": 15, "lost": 10, "churn_warning": 0.8, **COVER},
        "ok",
        "problem",
    ),
    "share_of_all": ({"covered": 1, "total": 2}, "warning", "ok"),
    "pay": ({"variable": 0.6, "above": 0, "total": 2, "variable_min": 0.3}, "ok", "problem"),
    "activity": ({"dept": 0.85, "threshold": 0.8, "below_count": 1}, "warning", "problem"),
    "coverage": ({"coverage": 2.0, "required": 4.0, "warning": 0.5}, "warning", "ok"),
    "finest_period": ({"finest": "month"}, "warning", "ok"),
    "ramp": ({"reached": "2", "not_yet": "7", "ramp_months": 3}, "problem", "ok"),
    "headline": (
        {"data.clients.dormant_ab": "ok", "answer.clients.segmentation": "unknown", "data_can_clear": 0},
        "unknown",
        "ok",
    ),  # fmt: skip
    "undecided": ({"missing": "targets"}, "unknown", "ok"),
    "alert": ({"rule": "two_weeks", "figure": 0.7, "threshold": 0.8}, "warning", "problem"),
}


def test_every_rule_has_a_case():
    assert set(CASES) == set(RULES)


@pytest.mark.parametrize("kind", sorted(CASES))
def test_recheck_rejects_a_claim_its_figures_contradict(kind):
    figures, status, contradicted = CASES[kind]
    assert recheck(Claim("c", kind, status, figures))
    assert not recheck(Claim("c", kind, contradicted, figures))


@pytest.mark.parametrize(
    ("kind", "figures", "status"),
    [
        # the client: "the base is shrinking" beside 637 -> 693 buying clients
        (
            "churn",
            {"before": 637, "after": 693, "gained": 11, "lost": 80, "churn_warning": 0.8, **COVER},
            "problem",
        ),
        # 15 listed months counted as 2
        ("count", {"count": 2, "items": "2026-01", "warning_count": 1}, "warning"),
        # growth against a previous window the data half cover
        ("change", {"before": 100.0, "after": 367.7, **COVER, "before_days": 181}, "grew"),
    ],
)
def test_recheck_rejects_figures_that_do_not_add_up(kind, figures, status):
    assert not recheck(Claim("c", kind, status, figures))


def test_an_unknown_kind_or_unreadable_figures_are_rejected():
    assert not recheck(Claim("c", "no_such_rule", "ok", {}))
    assert not recheck(Claim("c", "threshold_high", "ok", {"value": "many"}))
    assert claims_table([]).columns.tolist() == CLAIM_COLUMNS


# --------------------------------------------------------------------------------------------------
# the report's blocks carry their claim and status


def test_headline_and_check_blocks_carry_their_claim_and_status():
    inputs = _inputs()
    findings = evaluate_checks(lang="en", **inputs)
    heads = headline_findings(findings, answers=inputs["answers"], backtest=inputs["backtest"], lang="en")
    html = headlines_html(heads, lang="en")
    for r in heads.itertuples():
        prefix = f"scorecard.headline.{r.headline_id}.title"
        assert f'data-claim="{prefix}" data-status="{r.status}"' in html
        assert r.title == t(f"{prefix}.{r.status}", "en")  # never the failure's title with ok
    sections = scorecard_sections(findings, lang="en").data
    for r in findings.itertuples():
        assert f'data-status="{r.status}" data-check="{r.check_id}"' in sections
    assert sections.count('data-claim="scorecard.status"') == len(findings)


@pytest.mark.slow
@pytest.mark.xdist_group("demo")
def test_every_claim_of_the_demo_run_rechecks(demo_run):
    from salesaudit.engine.outputs import read_table

    table = read_table(demo_run, "claims")
    assert len(table) > len(CHECKS) + len(HEADLINES)
    assert [row["claim_id"] for row in table.to_dict("records") if not recheck(from_row(row))] == []
