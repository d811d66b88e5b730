"""Calibration of chances: synthetic probabilities whose truth is known, a hand-worked Brier score."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from salesaudit.exceptions import ConfigError, DataError
from salesaudit.weekly.calibration import by_level, calibration, trusted, verdict_table, wilson_interval


def frame(p, o, **extra) -> pd.DataFrame:
    return pd.DataFrame({"chance_plan": p, "made_plan": pd.array(o, dtype="boolean"), **extra})


def test_bernoulli_outcomes_of_their_own_chances_are_calibrated():
    rng = np.random.default_rng(1)
    p = rng.uniform(0, 1, 5000)
    result = calibration(frame(p, rng.uniform(0, 1, 5000) < p))
    assert result.verdict == "calibrated" and result.reasons == ()
    assert result.cases == 5000
    assert result.skill > 0.2
    table = result.table
    assert table["bin"].tolist() == ["0–20 %", "20–40 %", "40–60 %", "60–80 %", "80–100 %"]
    assert table["cases"].sum() == 5000
    assert np.allclose(table["predicted"], table["observed"], atol=0.05)
    assert (table["observed_low"] <= table["observed"]).all() and (
        table["observed"] <= table["observed_high"]
    ).all()


def test_chances_that_promise_too_much_are_miscalibrated():
    rng = np.random.default_rng(2)
    p = np.r_[np.full(300, 0.9), rng.uniform(0, 0.6, 700)]
    happened = np.r_[rng.uniform(0, 1, 300) < 0.3, rng.uniform(0, 1, 700) < p[300:]]
    result = calibration(frame(p, happened))
    assert result.verdict == "miscalibrated"
    assert "bin:0.8-1" in result.reasons
    row = result.table.iloc[4]
    assert row["predicted"] == pytest.approx(0.9) and row["observed"] < 0.4


def test_no_skill_is_miscalibrated_and_few_cases_unknown():
    rng = np.random.default_rng(3)
    o = rng.uniform(0, 1, 400) < 0.5
    noise = calibration(frame(rng.uniform(0.3, 0.7, 400), o))  # chances unrelated to outcomes
    assert noise.skill <= 0 and "no_skill" in noise.reasons and noise.verdict == "miscalibrated"
    few = calibration(frame([0.5] * 29, [True, False] * 14 + [True]))
    assert few.verdict == "unknown" and few.reasons[0] == "too_few_cases"
    assert calibration(frame([0.95] * 29, [True] * 29), min_cases=5).verdict == "calibrated"  # skill NaN
    assert calibration(frame([0.5] * 29, [True] * 29), min_cases=5).reasons == ("bin:0.4-0.6",)


def test_brier_worked_by_hand():
    # (0.9-1)² + (0.6-0)² + (0.3-1)² + (0.2-0)² = 0.01 + 0.36 + 0.49 + 0.04 = 0.90 → Brier 0.225;
    # base rate 0.5 → base Brier 0.25; skill 1 - 0.225/0.25 = 0.1
    result = calibration(frame([0.9, 0.6, 0.3, 0.2], [True, False, True, False]), min_cases=4, bins=2)
    assert result.cases == 4
    assert result.brier == pytest.approx(0.225)
    assert result.brier_base == pytest.approx(0.25)
    assert result.skill == pytest.approx(0.1)
    assert result.table["cases"].tolist() == [2, 2]
    assert result.table["predicted"].tolist() == pytest.approx([0.25, 0.75])
    assert result.table["observed"].tolist() == pytest.approx([0.5, 0.5])


def test_rows_without_outcome_or_with_the_month_over_are_left_out():
    h = frame([0.9, 0.1, 0.4, 1.0], [True, pd.NA, False, True], days_left=[5, 5, 3, 0])
    h.loc[2, "chance_plan"] = np.nan
    result = calibration(h, min_cases=1)
    assert result.cases == 1 and result.brier == pytest.approx(0.01)
    assert np.isnan(result.skill)  # one outcome only: no base to beat


def test_wilson_interval_matches_the_closed_formula():
    low, high = wilson_interval(np.array([0, 5, 10]), np.array([10, 10, 10]))
    assert low[0] == 0 and high[2] == pytest.approx(1)
    assert (low[1], high[1]) == pytest.approx((0.2366, 0.7634), abs=1e-4)
    assert np.isnan(wilson_interval(0, 0)[0])


def test_bad_input_is_named():
    with pytest.raises(DataError) as err:
        calibration(pd.DataFrame({"chance_plan": [0.5]}))
    assert err.value.column == "made_plan"
    with pytest.raises(DataError) as err:
        calibration(frame([1.5], [True]))
    assert err.value.column == "chance_plan"
    with pytest.raises(ConfigError) as err:
        calibration(frame([0.5], [True]), bins=0)
    assert err.value.key == "bins"


def test_the_weeks_of_one_month_are_one_event_not_independent_cases():
    # ten months, each forecast at 0.5 in 20 weekly rows; 8 of the 10 months were made. Counted as 200
    # independent rows, 80 % against 50 % looks certain; as 10 months it is within chance (Wilson 8/10).
    rows = [
        {
            "level": "manager",
            "manager": "Ann",
            "period": f"2025-{m:02d}",
            "chance_plan": 0.5,
            "made_plan": m <= 8,
        }
        for m in range(1, 11)
        for _ in range(20)
    ]
    history = pd.DataFrame(rows)
    cal = calibration(history)
    middle = cal.table.set_index("bin").loc["40–60 %"]
    assert (middle["cases"], middle["events"]) == (200, 10) and cal.events == 10
    assert middle["observed_low"] < 0.5 < middle["observed_high"]
    assert not any(r.startswith("bin:") for r in cal.reasons)  # (a constant 0.5 has no skill: that stays)
    flat = calibration(history.drop(columns=["level", "manager", "period"]))  # no event columns: rows count
    assert flat.verdict == "miscalibrated" and "bin:0.4-0.6" in flat.reasons


def test_managers_and_department_are_judged_apart():
    rng = np.random.default_rng(3)
    p = rng.uniform(0, 1, 400)
    rows = pd.DataFrame(
        {
            "level": "department",
            "manager": pd.NA,
            "period": [f"m{i}" for i in range(400)],
            "chance_plan": p,
            "made_plan": rng.uniform(0, 1, 400) < p,
            "chance_threshold": p,
            "made_threshold": rng.uniform(0, 1, 400) < p,
        }
    )
    managers = rows.assign(
        level="manager", manager="Bob", made_plan=True
    )  # made every month: overconfident no more
    managers["chance_plan"] = 0.2  # ... but forecast at 20 %
    checked = by_level(pd.concat([rows, managers], ignore_index=True))
    got = {(r.level, r.chance): r.verdict for r in verdict_table(checked).itertuples()}
    assert got[("department", "chance_plan")] == "calibrated"
    assert got[("manager", "chance_plan")] == "miscalibrated"
    assert (
        trusted(checked)[("department", "chance_plan")] and not trusted(checked)[("manager", "chance_plan")]
    )


def test_only_confirmed_chances_are_kept_and_unconfirmed_ones_are_headed_as_guides():
    from salesaudit.weekly.calibration import confirmed
    from salesaudit.weekly.wording import week_with_chances

    chances = pd.DataFrame(
        {
            "level": ["manager", "department", "department"],
            "manager": pd.Series(["Ann", pd.NA, pd.NA], dtype="str"),
            "horizon": ["month", "month", "year"],
            "chance_plan": [0.2, 0.5, 0.1],
            "chance_threshold": [0.1, 0.9, 0.3],
        }
    )
    trust = {("manager", "chance_threshold"): False, ("department", "chance_threshold"): True,
             ("manager", "chance_plan"): False, ("department", "chance_plan"): True}  # fmt: skip
    assert list(confirmed(chances, trust, "chance_threshold")["level"]) == ["department", "department"]
    week = pd.DataFrame(
        {"level": ["manager", "department"], "manager": pd.Series(["Ann", pd.NA], dtype="str")}
    )
    shown = week_with_chances(week, chances, trust)
    assert list(shown.columns) == ["level", "manager", "chance_plan_guide", "chance_threshold_guide"]
    assert list(shown["chance_plan_guide"]) == [0.2, 0.5]  # the month row of each, the year left out
