"""Motivation: pay tiers, scenarios, income ceiling, historical attainment, the legal note."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from salesaudit.exceptions import ConfigError, DataError
from salesaudit.plan.motivation import (
    SCENARIO_COLUMNS,
    historical_attainment,
    income_ceiling,
    payout,
    payout_scenarios,
    penalty_note,
)

SCHEME = {"plan": 100_000, "salary": 50_000, "base_rate": 0.05, "threshold": 0.7}


@pytest.mark.parametrize(
    "sales, bonus",
    [
        (69_999, 0.0),  # just below the threshold: nothing
        (70_000, 3_500.0),  # at the threshold: 5 % on all 70 000
        (85_000, 4_250.0),  # between threshold and plan: base rate
        (100_000, 5_000.0),  # on target
        (120_000, 6_500.0),  # 5 000 + 20 000 × 7.5 % (accelerator 1.5×)
        (-5_000, 0.0),  # returns above sales
    ],
)
def test_pay_at_each_tier_boundary(sales, bonus):
    result = payout(sales, accelerators=[(1.0, 1.5)], **SCHEME)
    assert result.bonus == pytest.approx(bonus)
    assert result.pay == pytest.approx(50_000 + bonus)
    assert result.attainment == pytest.approx(sales / 100_000)


def test_cap_limits_the_bonus_to_a_multiple_of_the_on_target_bonus():
    capped = dict(SCHEME, accelerators=[(1.0, 1.5)], cap=1.2)  # at most 6 000
    assert payout(110_000, **capped).bonus == pytest.approx(5_750.0)  # below the cap
    # the cap is reached at 100 000 + 1 000 / 7.5 % = 113 333.33
    assert payout(113_333.333333, **capped).bonus == pytest.approx(6_000.0, abs=1e-3)
    assert payout(150_000, **capped).bonus == pytest.approx(6_000.0)


def test_decelerator_and_several_accelerator_tiers_are_marginal():
    dec = dict(SCHEME, decelerator=0.5, accelerators=None)
    # 70 000 × 5 % + 20 000 × 2.5 %
    assert payout(90_000, **dec).bonus == pytest.approx(4_000.0)
    # above plan without accelerators: the base rate again
    assert payout(110_000, **dec).bonus == pytest.approx(3_500 + 750 + 500)
    # cap relative to the on-target bonus with the decelerator: 3 500 + 30 000 × 2.5 % = 4 250
    assert payout(200_000, **dict(dec, cap=1.0)).bonus == pytest.approx(4_250.0)
    tiers = dict(SCHEME, accelerators=[(1.0, 1.5), (1.2, 2.0)])
    # 5 000 + 20 000 × 7.5 % + 10 000 × 10 %
    assert payout(130_000, **tiers).bonus == pytest.approx(7_500.0)
    late = dict(SCHEME, accelerators=[{"from": 1.1, "multiplier": 2.0}])
    # 5 000 + 10 000 × 5 % (100-110 %, base rate) + 10 000 × 10 %
    assert payout(120_000, **late).bonus == pytest.approx(6_500.0)


def test_payout_is_vectorised_and_threshold_zero_always_pays():
    result = payout(np.array([10_000.0, 69_999.0, 70_000.0]), plan=100_000, base_rate=0.1, threshold=0.7)
    assert result.bonus.tolist() == pytest.approx([0.0, 0.0, 7_000.0])
    assert payout(10_000, plan=100_000, base_rate=0.1, threshold=0.0).bonus == pytest.approx(1_000.0)


@pytest.mark.parametrize(
    "change, error",
    [
        ({"accelerators": [(0.9, 1.5)]}, ConfigError),
        ({"accelerators": [(1.2, 1.5), (1.1, 2.0)]}, ConfigError),
        ({"accelerators": ["fast"]}, ConfigError),
        ({"threshold": 1.2}, ConfigError),
        ({"cap": 0}, ConfigError),
        ({"decelerator": -1}, ConfigError),
        ({"base_rate": -0.01}, ConfigError),
        ({"plan": 0}, DataError),
    ],
)
def test_bad_schemes_are_refused(change, error):
    with pytest.raises(error):
        payout(100_000, **{**SCHEME, **change})


MANAGERS = pd.DataFrame(
    {
        "manager": pd.Series(["Ann", "Bob", "Cid"], dtype="str"),
        "salary": [50_000.0, 40_000.0, 40_000.0],
        "commission_rate": [0.05, 0.03, 0.0],
    }
)
PLAN = pd.DataFrame(
    {
        "manager": ["Ann", "Ann", "Ann", "Bob", "Cid"],
        "period": ["2026-01", "2026-02", "2026-03", "2026-01", "2026-01"],
        "plan": [100_000, 100_000, 0, 3_000_000, 0],  # Ann leaves in March; Cid has no plan
    }
)


def test_scenarios_show_pay_and_cost_of_sales_from_50_to_150_percent():
    out = payout_scenarios(MANAGERS, PLAN)
    assert list(out.columns) == SCENARIO_COLUMNS
    assert set(out["manager"]) == {"Ann", "Bob"}  # no plan, no scenario
    ann = out[out["manager"] == "Ann"].set_index("attainment")
    assert ann.index.tolist() == pytest.approx([0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3, 1.4, 1.5])
    assert (ann["plan"] == 100_000).all()  # the month with plan 0 is not averaged in
    assert ann.loc[0.5, "bonus"] == 0 and ann.loc[0.5, "pay"] == 50_000
    assert ann.loc[0.7, "bonus"] == pytest.approx(3_500.0)  # 0.7 reaches the threshold
    assert ann.loc[1.0, "cost_of_sales"] == pytest.approx(0.55)  # (50 000 + 5 000) / 100 000
    assert ann.loc[1.5, "bonus"] == pytest.approx(5_000 + 50_000 * 0.075)
    flat = payout_scenarios(MANAGERS, PLAN, salary=0, base_rate={"Ann": 0.1, "Bob": 0.1}, accelerators=None)
    assert flat.loc[flat["attainment"] == 1.0, "pay"].tolist() == pytest.approx([10_000.0, 300_000.0])
    with pytest.raises(ConfigError):
        payout_scenarios(MANAGERS.drop(columns="commission_rate"), PLAN)
    with pytest.raises(ConfigError):
        payout_scenarios(MANAGERS, PLAN, base_rate={"Ann": 0.1})  # Bob has none


def test_income_ceiling_compares_the_comfort_sales_with_the_plan():
    out = income_ceiling(MANAGERS, PLAN, comfortable_income=100_000).set_index("manager")
    # Bob: (100 000 - 40 000) / 3 % = 2 000 000 a month is enough; the plan asks 3 000 000
    assert out.loc["Bob", "current_scheme_sales_for_income"] == pytest.approx(2_000_000)
    assert out.loc["Bob", "gap"] == pytest.approx(1_000_000)
    assert out.loc["Bob", "plan_to_ceiling"] == pytest.approx(1.5)
    assert out.loc["Bob", "income_at_plan"] == pytest.approx(130_000)
    # Ann: (100 000 - 50 000) / 5 % = 1 000 000, ten times her plan
    assert out.loc["Ann", "gap"] == pytest.approx(100_000 - 1_000_000)
    rich = income_ceiling(MANAGERS, PLAN, comfortable_income={"Ann": 30_000, "Bob": 100_000}).set_index(
        "manager"
    )
    assert rich.loc["Ann", "current_scheme_sales_for_income"] == 0  # the salary alone pays it
    no_rate = MANAGERS.assign(commission_rate=0.0)
    assert np.isinf(income_ceiling(no_rate, PLAN)["current_scheme_sales_for_income"]).all()
    with pytest.raises(DataError):
        income_ceiling(MANAGERS.drop(columns="salary"), PLAN)


def test_income_ceiling_adds_actual_sales_per_month_employed():
    sales = pd.DataFrame(
        {
            "date": pd.to_datetime(["2025-03-10", "2025-09-10", "2026-01-10"]),
            "client_id": ["c", "c", "c"],
            "amount": [600_000.0, 600_000.0, 777.0],
            "manager": ["Bob", "Bob", "Bob"],
        }
    )
    out = income_ceiling(MANAGERS, PLAN, sales=sales, as_of="2026-01-01").set_index("manager")
    assert out.loc["Bob", "actual_monthly_sales"] == pytest.approx(100_000)  # 1.2 M over 12 months
    assert out.loc["Bob", "actual_monthly_income"] == pytest.approx(43_000)
    assert out.loc["Ann", "actual_monthly_sales"] == 0


def test_historical_attainment_verdicts():
    months = [f"2025-{m:02d}" for m in (1, 2, 3)]
    targets = pd.DataFrame(
        {
            "period": months * 3 + ["2025-01", "2025-04"],
            "amount": [100.0] * 9 + [300.0, 100.0],
            "manager": ["Ann"] * 3 + ["Bob"] * 3 + ["Cid"] * 3 + [None, "Ann"],
        }
    )
    rows = [
        ("2025-01-10", 120.0, "Ann"),
        ("2025-02-10", 111.0, "Ann"),
        ("2025-03-10", 110.0, "Ann"),  # exactly 110 %: not above
        ("2025-01-10", 60.0, "Bob"),
        ("2025-02-10", 69.0, "Bob"),
        ("2025-03-10", 90.0, "Bob"),
        ("2025-01-10", 100.0, "Cid"),
        ("2025-02-10", 130.0, "Cid"),
        ("2025-03-10", 50.0, "Cid"),
        ("2025-03-20", 20.0, "Cid"),  # 70 %: not below
        ("2025-02-15", -30.0, "Cid"),  # a return: 100 % in February
        ("2025-04-10", 500.0, "Ann"),  # April is not over on as_of
    ]
    sales = pd.DataFrame(
        {
            "date": pd.to_datetime([r[0] for r in rows]),
            "client_id": "c",
            "amount": [r[1] for r in rows],
            "manager": [r[2] for r in rows],
        }
    )
    out = historical_attainment(sales, targets, as_of="2025-04-15", lang="en")
    assert "2025-04" not in set(out["period"])
    verdict = out.groupby(out["manager"].fillna("dept"))["verdict"].first()
    assert verdict.to_dict() == {"Ann": "too soft", "Bob": "too hard", "Cid": "ok", "dept": "ok"}
    ann = out[out["manager"] == "Ann"]
    assert ann["attainment"].tolist() == pytest.approx([1.2, 1.11, 1.1])
    dept = out[out["manager"].isna()].iloc[0]
    assert dept["fact"] == 280.0 and dept["attainment"] == pytest.approx(280 / 300)  # January total
    assert out.loc[out["manager"] == "Bob", "verdict_text"].iloc[0] == "plan too hard"


def test_historical_attainment_unknown_and_errors():
    targets = pd.DataFrame({"period": ["2025-01"], "amount": [0.0], "manager": ["Ann"]})
    sales = pd.DataFrame(
        {"date": pd.to_datetime(["2025-01-10"]), "client_id": ["c"], "amount": [5.0], "manager": ["Ann"]}
    )
    out = historical_attainment(sales, targets, as_of="2025-03-01", lang="ru")
    assert out["verdict"].tolist() == ["unknown"] and out["attainment"].isna().all()
    with pytest.raises(DataError):
        historical_attainment(sales.drop(columns="manager"), targets.assign(amount=1.0), as_of="2025-03-01")
    with pytest.raises(DataError):
        historical_attainment(sales, targets.assign(period="Jan 2025"), as_of="2025-03-01")
    yearly = pd.DataFrame({"period": ["2025"], "amount": [4.0], "manager": ["Ann"]})
    out = historical_attainment(sales, yearly, as_of="2026-01-01")
    assert out["attainment"].tolist() == pytest.approx([1.25]) and out["verdict"].tolist() == ["too soft"]


def test_penalty_note_is_the_russian_legal_rule():
    ru = penalty_note("RU", "ru")
    assert "192" in ru and "преми" in ru
    assert "art. 192" in penalty_note("RU", "en")
    assert penalty_note("KZ", "ru") is None


def test_exactly_half_the_months_above_110_percent_is_not_most():
    months = ["2025-01", "2025-02", "2025-03", "2025-04"]
    targets = pd.DataFrame({"period": months, "amount": 100.0, "manager": "Dan"})
    sales = pd.DataFrame(
        {
            "date": pd.to_datetime([f"{m}-10" for m in months]),
            "client_id": "c",
            "amount": [150.0, 150.0, 100.0, 100.0],
            "manager": "Dan",
        }
    )
    out = historical_attainment(sales, targets, as_of="2025-05-01")
    assert set(out["verdict"]) == {"ok"}
    out = historical_attainment(
        sales.assign(amount=[150.0, 150.0, 150.0, 100.0]), targets, as_of="2025-05-01"
    )
    assert set(out["verdict"]) == {"too soft"}
