"""The chance of the plan: a synthetic history of known distribution against the analytic answer, the
demo's planted October slump, the backtest's outcomes, and bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

from salesaudit.exceptions import ConfigError, DataError
from salesaudit.weekly.calibration import calibration
from salesaudit.weekly.chance import chance_before_end, chance_history, plan_chances, with_chances
from salesaudit.workdays import working_day_calendar

MU, SD = 100.0, 30.0  # each synthetic manager's sales per working day: normal, iid
MANAGERS = [f"m{i:02d}" for i in range(40)]
MARCH_DAYS = 21  # working days of March 2026 in Russia


def working_days(start: str, end: str) -> pd.Series:
    cal = working_day_calendar(start, end, country="RU")
    return cal.loc[cal["is_working"], "date"].reset_index(drop=True)


def synthetic_sales(*, shocks: bool) -> pd.DataFrame:
    """40 managers, iid normal days from August 2024 to March 2026; with ``shocks`` every month before
    March 2026 is scaled by one common factor (lognormal, σ 0.25) — March itself is not."""
    days = working_days("2024-08-01", "2026-03-31")
    rng = np.random.default_rng(7)
    amounts = rng.normal(MU, SD, size=(len(MANAGERS), len(days)))
    if shocks:
        month = days.dt.to_period("M")
        factors = dict(zip(month.unique(), rng.lognormal(0.0, 0.25, month.nunique()), strict=True))
        scale = np.array(month.map(factors), dtype=float)
        scale[(month == pd.Period("2026-03", "M")).to_numpy()] = 1.0
        amounts = amounts * scale
    return pd.DataFrame(
        {
            "date": np.tile(days.to_numpy(), len(MANAGERS)),
            "amount": amounts.ravel().round(2),
            "manager": np.repeat(MANAGERS, len(days)),
        }
    )


def march_plan(targets: np.ndarray) -> pd.DataFrame:
    """March 2026 week-parts; each manager's month target split evenly over its five parts."""
    starts = pd.to_datetime(
        ["2026-03-01", "2026-03-02", "2026-03-09", "2026-03-16", "2026-03-23", "2026-03-30"]
    )
    ends = pd.to_datetime(
        ["2026-03-01", "2026-03-08", "2026-03-15", "2026-03-22", "2026-03-29", "2026-03-31"]
    )
    rows = []
    for name, target in zip(MANAGERS, targets, strict=True):
        shares = np.array([0, 5, 5, 5, 5, 1]) / MARCH_DAYS  # working days per part (the 1st is a Sunday)
        rows += [(name, s, e, float(target * w)) for s, e, w in zip(starts, ends, shares, strict=True)]
    return pd.DataFrame(rows, columns=["manager", "week_start", "week_end", "plan"])


# targets around the expected month (2 100) so that the chances spread over 0..1
TARGETS = MU * MARCH_DAYS + np.linspace(-300, 300, len(MANAGERS))


@pytest.mark.parametrize("day", ["2026-03-11", "2026-03-18", "2026-03-25"])
def test_chances_agree_with_the_analytic_sum_of_iid_days(day):
    sales = synthetic_sales(shocks=False)
    out = plan_chances(sales, plan_weekly=march_plan(TARGETS), day=day, n_sims=4000)
    rows = out[(out.level == "manager") & (out.horizon == "month")].set_index("manager").loc[MANAGERS]
    assert (rows["basis"] == "history").all()
    left = rows["days_left"].to_numpy()
    # the sum of the days left is normal with mean left·μ and variance left·σ² (known parameters)
    analytic = norm.sf(TARGETS - rows["fact"].to_numpy(), loc=left * MU, scale=np.sqrt(left) * SD)
    diff = rows["chance_plan"].to_numpy() - analytic
    # Tolerances: the model does not know μ and σ. It estimates the pace from 26 weeks (≈ 125 days: a
    # manager's pace is off by σ/√125 ≈ 2.7 %, ≈ 0.3 sd of the rest of the month) and, by design, takes
    # the whole spread of past months as uncertainty of the month's level, so it leans on the month to
    # date (weight ≈ 0.3 at a third of the month) where, with iid days, that is only noise. Single
    # chances near 0.5 therefore move by up to ~0.3, but these errors are symmetric and cancel over 40
    # managers: the mean difference stays within 0.04 (its standard error ≈ 0.02; Monte-Carlo ≈ 0.008),
    # the mean absolute difference within 0.1.
    assert abs(diff.mean()) < 0.04
    assert np.abs(diff).mean() < 0.1
    # the expected total is the fact plus left·μ within the pace's error and the lean on the month to date
    expected = rows["fact"].to_numpy() + left * MU
    assert np.abs(rows["expected"].to_numpy() / expected - 1).mean() < 0.03


def test_month_shocks_in_the_history_give_wider_chances():
    # March 2026 is the same in both histories; only the earlier months differ (common monthly shocks)
    day = "2026-03-11"

    def month(sales, targets):
        out = plan_chances(sales, plan_weekly=march_plan(targets), day=day)
        return out[(out.level == "manager") & (out.horizon == "month")].set_index("manager").loc[MANAGERS]

    results = {}
    for shocks in (False, True):
        sales = synthetic_sales(shocks=shocks)
        expected = month(sales, TARGETS)["expected"].to_numpy()
        results[shocks] = month(sales, 0.85 * expected)  # each plan 15 % below its own expected month
    calm, shaky = results[False], results[True]
    assert calm["chance_plan"].mean() > 0.95
    assert (shaky["chance_plan"] - 0.5).abs().mean() < (calm["chance_plan"] - 0.5).abs().mean() - 0.05
    width = ((shaky["high"] - shaky["low"]) / shaky["expected"]).mean()
    assert width > 1.4 * ((calm["high"] - calm["low"]) / calm["expected"]).mean()


def test_same_seed_same_figures_and_seed_matters():
    sales, plan = synthetic_sales(shocks=False), march_plan(TARGETS)
    a = plan_chances(sales, plan_weekly=plan, day="2026-03-11", n_sims=500, seed=3)
    b = plan_chances(sales, plan_weekly=plan, day="2026-03-11", n_sims=500, seed=3)
    c = plan_chances(sales, plan_weekly=plan, day="2026-03-11", n_sims=500, seed=4)
    pd.testing.assert_frame_equal(a, b)
    assert not a["chance_plan"].equals(c["chance_plan"])


def test_the_year_horizon_adds_the_months_left():
    sales, plan = synthetic_sales(shocks=False), march_plan(TARGETS)
    out = plan_chances(sales, plan_weekly=plan, day="2026-03-18")
    year = out[(out.level == "department") & (out.horizon == "year")].iloc[0]
    month = out[(out.level == "department") & (out.horizon == "month")].iloc[0]
    assert year["period"] == "2026" and month["period"] == "2026-03"
    assert year["plan"] == pytest.approx(TARGETS.sum())
    jan_feb = sales[(sales.date >= "2026-01-01") & (sales.date < "2026-03-01")]["amount"].sum()
    assert year["fact"] == pytest.approx(jan_feb + month["fact"])
    rest_of_year = working_days("2026-04-01", "2026-12-31").size
    assert year["days_left"] == month["days_left"] + rest_of_year
    # April-December at 40 managers × μ a day on top of the month's expected total
    assert year["expected"] == pytest.approx(jan_feb + month["expected"] + rest_of_year * MU * 40, rel=0.02)


def test_sales_after_day_do_not_count():
    sales, plan = synthetic_sales(shocks=False), march_plan(TARGETS)
    cut = sales[sales.date <= "2026-03-11"]
    a = plan_chances(sales, plan_weekly=plan, day="2026-03-11", n_sims=300)
    b = plan_chances(cut, plan_weekly=plan, day="2026-03-11", n_sims=300)
    pd.testing.assert_frame_equal(a, b)
    assert a.attrs["notes"]["sales_lines_after_as_of"] > 0


def test_a_new_hire_is_projected_from_the_month_or_not_at_all():
    sales = synthetic_sales(shocks=False)
    days = working_days("2026-03-02", "2026-03-31")
    new = pd.DataFrame({"date": days, "amount": 120.0, "manager": "new"})
    plan = pd.concat([march_plan(TARGETS), march_plan(TARGETS).assign(manager="new")[:6]])
    sales = pd.concat([sales, new], ignore_index=True)
    early = plan_chances(sales, plan_weekly=plan, day="2026-03-04")  # 3 working days in
    later = plan_chances(sales, plan_weekly=plan, day="2026-03-18")
    first = early[(early.manager == "new") & (early.horizon == "month")].iloc[0]
    assert first["basis"] == "none" and np.isnan(first["chance_plan"]) and np.isnan(first["expected"])
    row = later[(later.manager == "new") & (later.horizon == "month")].iloc[0]
    assert row["basis"] == "month_only"
    # a constant 120 a day: 12 days done, 9 left → exactly 21 × 120 = 2 520 against a 1 800..2 400 plan
    assert row["expected"] == pytest.approx(2520.0)
    assert row["chance_plan"] == 1.0


# --------------------------------------------------------------------------------------------------
# the demo


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from salesaudit.demo import generate_demo
    from salesaudit.engine.session import open_engagement

    folder = tmp_path_factory.mktemp("chance") / "demo"
    generate_demo(folder)
    s = open_engagement(folder)
    sales, plan = s.table("sales"), s.plan().weekly
    history = chance_history(sales, plan_weekly=plan, as_of=s.as_of, country=s.eng.country)
    return {"sales": sales, "plan": plan, "as_of": s.as_of, "country": s.eng.country, "history": history}


def _department(history: pd.DataFrame, week_end: str) -> pd.Series:
    rows = history[(history.level == "department") & (history.week_end == pd.Timestamp(week_end))]
    assert len(rows) == 1
    return rows.iloc[0]


def test_the_planted_october_slump_shows_three_weeks_before_month_end(demo):
    # week-part 2026-10-05..2026-10-11: 20 days (15 working days) before 31 October
    row = _department(demo["history"], "2026-10-11")
    assert row["week_start"] == pd.Timestamp("2026-10-05") and row["days_left"] == 15
    assert row["chance_plan"] < 0.30
    assert not row["made_plan"]
    now = plan_chances(demo["sales"], plan_weekly=demo["plan"], day="2026-10-11", country=demo["country"])
    dept = now[(now.level == "department") & (now.horizon == "month")].iloc[0]
    assert dept["period"] == "2026-10" and dept["chance_plan"] < 0.30
    assert dept["expected"] < dept["plan"]


def test_normal_months_are_not_written_off_at_the_same_point(demo):
    # July 2026 made its plan (103 %), September nearly (96 %): neither looked lost with three weeks left
    for week_end in ("2026-07-12", "2026-09-13"):
        row = _department(demo["history"], week_end)
        assert row["chance_plan"] > 0.2, week_end
        assert row["chance_threshold"] > 0.95, week_end


def test_history_outcomes_agree_with_the_months_facts(demo):
    history, sales = demo["history"], demo["sales"]
    dept = history[history.level == "department"]
    months = sales.assign(period=sales["date"].dt.strftime("%Y-%m")).groupby("period")["amount"].sum()
    done = dept[dept["month_fact"].notna()]
    assert set(done["period"]) == {f"2026-{m:02d}" for m in range(1, 11)}
    assert np.allclose(done["month_fact"], done["period"].map(months), atol=0.01)
    assert (done["made_plan"].astype(bool) == (done["month_fact"] >= done["plan"])).all()
    assert (done["made_threshold"].astype(bool) == (done["month_fact"] >= 0.7 * done["plan"])).all()
    assert done.loc[done.period == "2026-10", "made_plan"].eq(False).all()
    open_month = dept[dept.period == "2026-11"]
    assert len(open_month) and open_month["made_plan"].isna().all() and open_month["month_fact"].isna().all()
    # each week's fact is the month to date; the last part of a month holds the whole month
    last = done[done["days_left"] == 0].drop_duplicates("period", keep="last")
    assert np.allclose(last["fact"], last["month_fact"])
    # a new hire (1 September) has no history for September: month-to-date only, and nothing first
    bel = history[(history.manager == "Белов Никита") & (history.period == "2026-09")]
    assert bel["basis"].iloc[0] == "none" and np.isnan(bel["chance_plan"].iloc[0])
    assert (bel["basis"].iloc[1:] == "month_only").all()
    # managers: only those with a plan that month (the leaver is gone after June)
    assert not ((history.manager == "Морозов Игорь") & (history.period > "2026-06")).any()


def test_demo_chances_have_skill(demo):
    result = calibration(demo["history"])
    assert result.cases >= 100
    assert result.skill > 0.3
    assert result.verdict in {"calibrated", "miscalibrated"}


# --------------------------------------------------------------------------------------------------
# errors


def test_a_plan_without_its_columns_is_a_data_error():
    sales = synthetic_sales(shocks=False).head(100)
    plan = march_plan(TARGETS)
    for column in ("plan", "week_end", "manager"):
        with pytest.raises(DataError) as err:
            plan_chances(sales, plan_weekly=plan.drop(columns=column), day="2026-03-11")
        assert err.value.column == column
        assert column in str(err.value)
        with pytest.raises(DataError) as err:
            chance_history(sales, plan_weekly=plan.drop(columns=column), as_of="2026-03-11")
        assert err.value.column == column


def test_sales_without_amount_and_bad_settings_are_named():
    sales, plan = synthetic_sales(shocks=False).head(100), march_plan(TARGETS)
    with pytest.raises(DataError) as err:
        plan_chances(sales.drop(columns="amount"), plan_weekly=plan, day="2026-03-11")
    assert err.value.column == "amount"
    with pytest.raises(ConfigError) as err:
        plan_chances(sales, plan_weekly=plan, day="2026-03-11", threshold=1.5)
    assert err.value.key == "motivation.threshold"
    with pytest.raises(ConfigError) as err:
        chance_history(sales, plan_weekly=plan, as_of="2026-03-11", n_sims=10)
    assert err.value.key == "n_sims"
    with pytest.raises(DataError):
        plan_chances(sales, plan_weekly=plan, day="2026-05-11")  # no plan in May


def test_a_plan_year_without_a_complete_week_has_no_backtest_and_says_so_quietly():
    # the first days of January: chance_history has no row, and the tables built on it stay empty
    sales = pd.DataFrame(
        {"date": pd.to_datetime(["2025-12-01", "2025-12-02"]), "amount": [10.0, 20.0], "manager": "Ann"}
    )
    plan = pd.DataFrame(
        {
            "manager": "Ann",
            "week_start": pd.to_datetime(["2026-01-01"]),
            "week_end": pd.to_datetime(["2026-01-04"]),
            "plan": [100],
        }
    )
    past = chance_history(sales, plan_weekly=plan, as_of="2026-01-02")
    assert past.empty
    ahead = chance_before_end(past)
    assert ahead.empty and list(ahead.columns) == [
        "level",
        "manager",
        "period",
        "week_end",
        "chance_plan",
        "chance_threshold",
    ]
    months = pd.DataFrame({"period": ["2026-01"], "plan": [100]})
    assert months.merge(ahead[["period", "chance_plan"]], on="period", how="left")["chance_plan"].isna().all()
    weekly = pd.DataFrame(
        {
            "level": ["manager"],
            "manager": ["Ann"],
            "week_start": plan["week_start"],
            "week_end": plan["week_end"],
        }
    )
    assert with_chances(weekly, past)[["chance_plan", "chance_threshold"]].isna().all().all()
