"""Weekly tracking on hand-made weeks: every expected figure is worked out in the comments."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from salesaudit.exceptions import ConfigError, DataError
from salesaudit.weekly.tracking import (
    backtest,
    resolve_thresholds,
    summarise_backtest,
    track_trend,
    track_week,
    tracking_weekly,
)


def plan_frame(rows, **norms) -> pd.DataFrame:
    """plan_weekly in the planning module's format from (manager, week_start, week_end, plan)."""
    df = pd.DataFrame(rows, columns=["manager", "week_start", "week_end", "plan"])
    df["manager"] = df["manager"].astype("str")
    df["week_start"] = pd.to_datetime(df["week_start"])
    df["week_end"] = pd.to_datetime(df["week_end"])
    df.insert(1, "period", df["week_start"].dt.strftime("%Y-%m").astype("str"))
    iso = df["week_start"].dt.isocalendar()
    df.insert(4, "iso_week", (iso["year"].astype(str) + "-W" + iso["week"].astype(str).str.zfill(2)))
    df["plan"] = df["plan"].astype("int64")
    for name, value in norms.items():
        df[name] = float(value)
    return df


def sales_frame(rows) -> pd.DataFrame:
    """Sales from (date, manager, amount); client ids are irrelevant to tracking."""
    df = pd.DataFrame(rows, columns=["date", "manager", "amount"])
    df["date"] = pd.to_datetime(df["date"])
    df["manager"] = df["manager"].astype("str")
    df["client_id"] = "c1"
    df["amount"] = df["amount"].astype(float)
    return df[["date", "client_id", "amount", "manager"]]


# April 2026 starts on a Wednesday: ISO week 14 (Mon 30 Mar .. Sun 5 Apr) is two week-parts.
# Russian working days: 30-31 Mar = 2; 1-5 Apr = 3; then 5, 5, 5 and 27-30 Apr = 4; April = 22.
APRIL_PARTS = [
    ("2026-03-30", "2026-03-31"),
    ("2026-04-01", "2026-04-05"),
    ("2026-04-06", "2026-04-12"),
    ("2026-04-13", "2026-04-19"),
    ("2026-04-20", "2026-04-26"),
    ("2026-04-27", "2026-04-30"),
]
ANN = [200, 300, 500, 500, 500, 400]  # April: 2200
BOB = [100, 150, 250, 250, 250, 200]  # April: 1100


@pytest.fixture
def april_plan() -> pd.DataFrame:
    rows = [("Ann", s, e, p) for (s, e), p in zip(APRIL_PARTS, ANN, strict=True)]
    rows += [("Bob", s, e, p) for (s, e), p in zip(APRIL_PARTS, BOB, strict=True)]
    return plan_frame(rows)


@pytest.fixture
def april_sales() -> pd.DataFrame:
    return sales_frame(
        [
            ("2026-03-30", "Ann", 100),
            ("2026-04-02", "Ann", 400),
            ("2026-04-03", "Ann", -100),  # a return: reduces the fact
            ("2026-04-04", "Eve", 50),  # Eve has no plan
        ]
    )


def row(out: pd.DataFrame, manager=None) -> pd.Series:
    if manager is None:
        return out[out["level"] == "department"].iloc[0]
    return out[(out["level"] == "manager") & (out["manager"] == manager)].iloc[0]


def test_week_spanning_two_months_uses_both_parts_and_the_month_of_its_sunday(april_plan, april_sales):
    out = track_week(april_sales, plan_weekly=april_plan, as_of="2026-04-08")  # Wed: default W14
    ann = row(out, "Ann")
    assert ann["iso_week"] == "2026-W14"
    assert ann["week_start"] == pd.Timestamp("2026-03-30") and ann["week_end"] == pd.Timestamp("2026-04-05")
    assert ann["plan"] == 200 + 300 and ann["fact"] == 100 + 400 - 100
    assert ann["attainment"] == pytest.approx(0.8)
    assert ann["working_days"] == 5
    # month to date: April (the month of Sunday 5 Apr), 1-5 Apr = 3 of April's 22 working days
    assert ann["period"] == "2026-04" and ann["reference_day"] == pd.Timestamp("2026-04-05")
    assert ann["mtd_plan"] == 300 and ann["mtd_fact"] == 300 and ann["month_plan"] == 2200
    assert (ann["working_days_elapsed"], ann["working_days_left"]) == (3, 19)
    assert ann["expected_pace"] == pytest.approx(2200 * 3 / 22)  # 300
    assert ann["forecast"] == pytest.approx(300 / 3 * 22)  # 2200
    assert ann["required_daily"] == pytest.approx((2200 - 300) / 19)  # 100
    assert bool(ann["complete"])


def test_manager_without_sales_gets_fact_zero_and_manager_without_plan_gets_plan_zero(
    april_plan, april_sales
):
    out = track_week(april_sales, plan_weekly=april_plan, as_of="2026-04-08")
    bob, eve = row(out, "Bob"), row(out, "Eve")
    assert (bob["plan"], bob["fact"], bob["attainment"]) == (250, 0.0, 0.0)
    assert bob["required_daily"] == pytest.approx(1100 / 19)
    assert eve["plan"] == 0 and eve["fact"] == 50 and pd.isna(eve["attainment"])
    assert eve["month_plan"] == 0 and eve["required_daily"] == 0
    assert out.attrs["notes"]["managers_without_plan"] == ["Eve"]
    assert list(out["level"]) == ["manager"] * 3 + ["department"]
    assert pd.isna(row(out)["manager"])


def test_manager_rows_sum_to_the_department_row_exactly():
    plan = plan_frame(
        [("Ann", "2026-04-06", "2026-04-12", 333), ("Bob", "2026-04-06", "2026-04-12", 667)]
        + [("Cid", "2026-04-06", "2026-04-12", 1)]
    )
    # amounts that are not exact in binary floating point, and a line without a manager
    sales = sales_frame(
        [("2026-04-06", "Ann", 0.1), ("2026-04-07", "Ann", 0.2), ("2026-04-08", "Bob", 0.3)]
        + [("2026-04-09", "Cid", 1e9 + 0.07), ("2026-04-10", None, 0.7)]
    )
    out = track_week(sales, plan_weekly=plan, as_of="2026-04-13")
    managers = out[out["level"] == "manager"]
    assert managers["manager"].isna().sum() == 1  # the sales without a manager
    dept = row(out)
    for col in ("plan", "fact", "mtd_plan", "mtd_fact", "month_plan"):
        assert managers[col].sum() == dept[col], col
    assert dept["plan"] == 1001
    assert dept["fact"] == pytest.approx(1e9 + 1.37)
    assert out.attrs["notes"]["sales_lines_without_manager"] == 1


def test_week_with_a_holiday_counts_working_days_from_the_calendar():
    # May 2026 (RU): 1 May off, 9 May is a Saturday so Monday 11 May is off; 19 working days.
    parts = [("2026-05-01", "2026-05-03", 0), ("2026-05-04", "2026-05-10", 500)]
    parts += [("2026-05-11", "2026-05-17", 400), ("2026-05-18", "2026-05-24", 500)]
    parts += [("2026-05-25", "2026-05-31", 500)]
    plan = plan_frame([("Ann", *p) for p in parts])
    sales = sales_frame([("2026-05-05", "Ann", 450), ("2026-05-12", "Ann", 450)])
    ann = row(track_week(sales, plan_weekly=plan, as_of="2026-05-18"), "Ann")  # W20: 11-17 May
    assert ann["iso_week"] == "2026-W20" and ann["working_days"] == 4
    assert (ann["working_days_elapsed"], ann["working_days_left"]) == (9, 10)  # 4-8 May, 12-15 May
    assert ann["expected_pace"] == pytest.approx(1900 * 9 / 19)  # 900
    assert ann["forecast"] == pytest.approx(900 / 9 * 19)  # 1900
    assert ann["required_daily"] == pytest.approx((1900 - 900) / 10)


def test_new_year_week_has_no_forecast_before_the_first_working_day():
    # W01 2026: 29-30 Dec working, 31 Dec and 1-11 Jan off in Russia; January has 15 working days.
    parts = [("2025-12-29", "2025-12-31", 300), ("2026-01-01", "2026-01-04", 0)]
    parts += [("2026-01-05", "2026-01-11", 0), ("2026-01-12", "2026-01-18", 500)]
    parts += [("2026-01-19", "2026-01-25", 500), ("2026-01-26", "2026-01-31", 500)]
    plan = plan_frame([("Ann", *p) for p in parts])
    sales = sales_frame([("2025-12-30", "Ann", 200)])
    ann = row(track_week(sales, plan_weekly=plan, as_of="2026-01-07"), "Ann")
    assert ann["iso_week"] == "2026-W01" and ann["working_days"] == 2
    assert (ann["plan"], ann["fact"]) == (300, 200)
    assert ann["period"] == "2026-01" and ann["working_days_elapsed"] == 0
    assert pd.isna(ann["forecast"]) and ann["expected_pace"] == 0
    assert ann["mtd_plan"] == 0 and pd.isna(ann["mtd_attainment"])
    assert ann["required_daily"] == pytest.approx(1500 / 15)


def test_week_before_any_sales_has_fact_zero(april_plan):
    sales = sales_frame([("2026-04-20", "Ann", 1000)])
    out = track_week(sales, plan_weekly=april_plan, as_of="2026-04-30", week="2026-W15")
    assert out["fact"].tolist() == [0.0, 0.0, 0.0]
    assert out["plan"].tolist() == [500, 250, 750]
    assert out["mtd_fact"].tolist() == [0.0, 0.0, 0.0]


@pytest.mark.parametrize(
    ("as_of", "iso_week"),
    [
        ("2026-04-15", "2026-W15"),  # Wednesday: the week in progress is not complete
        ("2026-04-13", "2026-W15"),  # Monday: last week ended yesterday
        ("2026-04-12", "2026-W14"),  # Sunday: the as-of day may still be in progress
    ],
)
def test_default_week_is_the_last_complete_week_before_as_of(april_plan, april_sales, as_of, iso_week):
    out = track_week(april_sales, plan_weekly=april_plan, as_of=as_of)
    assert set(out["iso_week"]) == {iso_week}
    assert out["complete"].all()


def test_week_in_progress_counts_data_up_to_as_of_and_lines_after_are_noted(april_plan):
    sales = sales_frame([("2026-04-06", "Ann", 100), ("2026-04-08", "Ann", 200), ("2026-04-09", "Ann", 400)])
    out = track_week(sales, plan_weekly=april_plan, as_of="2026-04-08", week="2026-04-08")
    ann = row(out, "Ann")
    assert ann["iso_week"] == "2026-W15" and not ann["complete"]
    assert ann["fact"] == 300 and ann["plan"] == 500  # the whole week's plan
    assert ann["reference_day"] == pd.Timestamp("2026-04-08")
    assert ann["mtd_plan"] == pytest.approx(300 + 500 * 3 / 5)  # 1-5 Apr + 3 of 5 working days
    assert ann["working_days_elapsed"] == 6
    notes = out.attrs["notes"]
    assert notes["sales_lines_after_as_of"] == 1 and notes["sales_amount_after_as_of"] == 400


def test_daily_mode_spreads_the_plan_over_working_days_and_keeps_days_off_with_sales(april_plan):
    sales = sales_frame([("2026-04-07", "Ann", 120), ("2026-04-11", "Ann", 30)])  # 11 Apr: Sat
    out = track_week(sales, plan_weekly=april_plan, as_of="2026-04-13", mode="daily")
    ann = out[out["manager"] == "Ann"]
    assert ann["date"].dt.day.tolist() == [6, 7, 8, 9, 10, 11]  # Sunday 12 Apr: no sale, no plan
    assert ann["plan"].tolist() == [100, 100, 100, 100, 100, 0]  # 500 over 5 working days
    assert ann["fact"].tolist() == [0, 120, 0, 0, 0, 30]
    wed = ann[ann["date"] == pd.Timestamp("2026-04-08")].iloc[0]
    assert wed["mtd_plan"] == pytest.approx(300 + 300)  # 1-5 Apr, then Mon..Wed
    assert wed["working_days_elapsed"] == 6 and wed["mtd_fact"] == 120
    dept = out[out["level"] == "department"]
    assert len(dept) == 6 and dept["plan"].sum() == pytest.approx(750)
    assert "alert_runrate" not in out.columns


def test_activities_are_counted_against_their_norms():
    plan = plan_frame([("Ann", "2026-04-06", "2026-04-12", 500)], calls=50, meetings=10, deals=2)
    sales = sales_frame([("2026-04-07", "Ann", 500)])
    types = ["Call"] * 20 + ["звонок"] * 10 + ["Meeting"] * 10 + ["email"]
    activities = pd.DataFrame(
        {
            "date": pd.Timestamp("2026-04-08"),
            "manager": "Ann",
            "type": pd.Series(types, dtype="str"),
        }
    )
    out = track_week(sales, plan_weekly=plan, as_of="2026-04-13", activities=activities)
    ann = row(out, "Ann")
    assert (ann["calls_fact"], ann["calls_norm"]) == (30, 50)
    assert ann["calls_attainment"] == pytest.approx(0.6)
    assert ann["meetings_attainment"] == 1.0
    assert "deals_fact" not in out.columns  # never logged as an activity: not tracked
    assert bool(ann["alert_activity"]) and not bool(ann["alert_runrate"])
    assert out.attrs["notes"]["activities_not_counted"] == 1


# June 2026 (RU): 12 Jun off; parts 1-7 (5 wd), 8-14 (4), 15-21 (5), 22-28 (5), 29-30 (2) = 21.
JUNE = [("2026-06-01", "2026-06-07", 250), ("2026-06-08", "2026-06-14", 200)]
JUNE += [("2026-06-15", "2026-06-21", 250), ("2026-06-22", "2026-06-28", 250)]
JUNE += [("2026-06-29", "2026-06-30", 100)]  # 1050
# July 2026: 1-5 (3 wd), 6-12, 13-19, 20-26, 27-31 (5 each) = 23.
JULY = [("2026-07-01", "2026-07-05", 300), ("2026-07-06", "2026-07-12", 500)]
JULY += [("2026-07-13", "2026-07-19", 500), ("2026-07-20", "2026-07-26", 500)]
JULY += [("2026-07-27", "2026-07-31", 500)]  # 2300
# August 2026: 1-2 (0 wd), 3-9, 10-16, 17-23, 24-30 (5 each), 31 (1) = 21.
AUGUST = [("2026-08-01", "2026-08-02", 0), ("2026-08-03", "2026-08-09", 500)]
AUGUST += [("2026-08-10", "2026-08-16", 500), ("2026-08-17", "2026-08-23", 500)]
AUGUST += [("2026-08-24", "2026-08-30", 500), ("2026-08-31", "2026-08-31", 100)]  # 2100

SUMMER_SALES = [("2026-06-03", "Ann", 100), ("2026-06-10", "Ann", 100), ("2026-06-17", "Ann", 100)]
SUMMER_SALES += [(d, "Ann", v) for d, v in [("2026-07-01", 300), ("2026-07-06", 500)]]
SUMMER_SALES += [(d, "Ann", 500) for d in ("2026-07-13", "2026-07-20", "2026-07-27")]
SUMMER_SALES += [
    ("2026-08-05", "Ann", 100),
    ("2026-08-12", "Ann", 100),
    ("2026-08-20", "Ann", 2000),
]


@pytest.fixture
def summer():
    return plan_frame([("Ann", *p) for p in JUNE + JULY + AUGUST]), sales_frame(SUMMER_SALES)


def test_tracking_weekly_flags_runrate_only_after_the_second_week_and_two_bad_weeks(summer):
    plan, sales = summer
    out = tracking_weekly(sales, plan_weekly=plan, as_of="2026-09-02")
    ann = out[out["manager"] == "Ann"].set_index("week_end")
    assert len(ann) == len(plan)
    # week 1 of June: 100 of 250 and the forecast 100/5*21 = 420 < 945, but it is only week 1
    assert not ann.loc["2026-06-07", "alert_runrate"] and not ann.loc["2026-06-07", "alert_two_weeks"]
    # week 2: forecast 200/9*21 = 467 < 90 % of 1050; 100/200 follows 100/250: two weeks below 80 %
    assert ann.loc["2026-06-14", "alert_runrate"] and ann.loc["2026-06-14", "alert_two_weeks"]
    assert ann.loc["2026-06-14", "forecast"] == pytest.approx(200 / 9 * 21)
    # the split week 29 Jun - 5 Jul closes in July: 0 + 300 of 100 + 300 = 75 % after a 0 % week
    assert ann.loc["2026-07-05", "week_plan"] == 400 and ann.loc["2026-07-05", "week_fact"] == 300
    assert ann.loc["2026-07-05", "alert_two_weeks"]
    assert pd.isna(ann.loc["2026-06-30", "week_plan"])  # its first part does not close the week
    assert not ann.loc["2026-07-12":"2026-07-31", "alert_runrate"].any()
    assert ann.loc["2026-06-30", "mtd_fact"] == 300 and ann.loc["2026-06-30", "mtd_plan"] == 1050


def test_backtest_flags_a_shortfall_from_week_one_early_and_leaves_a_month_on_plan_alone(summer):
    plan, sales = summer
    bt = backtest(sales, plan_weekly=plan, as_of="2026-09-02")
    ann = bt[bt["level"] == "manager"].set_index("period")
    june, july, august = ann.loc["2026-06"], ann.loc["2026-07"], ann.loc["2026-08"]
    assert june["missed"] and june["fact"] == 300 and june["plan"] == 1050
    assert june["first_flag_week"] == pd.Timestamp("2026-06-14")
    assert june["weeks_of_warning"] >= 2 and june["weeks_of_warning"] == (30 - 14) // 7
    assert june["flagged_by"] == "runrate+two_weeks"
    # July: on plan every week; the 5 Jul two-weeks flag comes from June's last week, not July
    assert not july["missed"] and not july["flagged"] and pd.isna(july["first_flag_week"])
    assert pd.isna(july["weeks_of_warning"]) and pd.isna(july["flagged_by"])
    # August: 20 % in the first two weeks, then a big deal: hit, so the flag was a false alarm
    assert not august["missed"] and august["false_alarm"]
    assert august["first_flag_week"] == pd.Timestamp("2026-08-16")
    dept = bt[bt["level"] == "department"]
    assert dept["missed"].tolist() == [True, False, False]
    summary = summarise_backtest(bt)
    headline = summary[summary["level"] == "department"].iloc[0]
    assert (headline["missed"], headline["missed_flagged"], headline["false_alarms"]) == (1, 1, 1)


def test_backtest_skips_months_that_are_not_complete(summer):
    plan, sales = summer
    bt = backtest(sales, plan_weekly=plan, as_of="2026-08-31")  # 31 Aug is not before as_of
    assert sorted(bt["period"].unique()) == ["2026-06", "2026-07"]


def test_backtest_of_three_years_and_twelve_managers_covers_every_month():
    # speed is measured in benchmarks/bench_scale.py, never asserted here
    rng = np.random.default_rng(1)
    days = pd.date_range("2023-01-01", "2025-12-31")
    starts = np.maximum(days - pd.to_timedelta(days.day_of_week, unit="D"), days.to_period("M").start_time)
    ends = np.minimum(
        starts + pd.to_timedelta(6 - starts.day_of_week, unit="D"), days.to_period("M").end_time
    )
    parts = pd.DataFrame({"week_start": starts, "week_end": ends.normalize()}).drop_duplicates()
    managers = [f"M{i:02d}" for i in range(12)]
    plan = pd.concat([parts.assign(manager=m, plan=np.int64(250_000)) for m in managers])
    n = 100_000
    sales = pd.DataFrame(
        {
            "date": days[rng.integers(0, len(days), n)],
            "client_id": "c",
            "amount": rng.gamma(2.0, 5_000.0, n),
            "manager": np.array(managers)[rng.integers(0, 12, n)],
        }
    )
    bt = backtest(sales, plan_weekly=plan, as_of="2026-01-10")
    assert len(bt) == 36 * 13


def test_trend_lists_the_last_complete_weeks(april_plan, april_sales):
    out = track_trend(april_sales, plan_weekly=april_plan, as_of="2026-04-15", weeks=2)
    ann = out[out["manager"] == "Ann"]
    assert ann["iso_week"].tolist() == ["2026-W14", "2026-W15"]
    assert ann["plan"].tolist() == [500, 500] and ann["fact"].tolist() == [400.0, 0.0]
    assert ann["week_start"].tolist() == [pd.Timestamp("2026-03-30"), pd.Timestamp("2026-04-06")]
    dept = out[out["level"] == "department"]
    assert dept["plan"].tolist() == [750, 750]


def test_bad_inputs_raise_typed_errors(april_plan, april_sales):
    with pytest.raises(DataError, match="lacks"):
        track_week(april_sales, plan_weekly=april_plan.drop(columns="plan"), as_of="2026-04-08")
    shifted = april_plan.assign(week_start=april_plan["week_start"] + pd.Timedelta(days=1))
    with pytest.raises(DataError, match="Monday"):
        track_week(april_sales, plan_weekly=shifted, as_of="2026-04-08")
    with pytest.raises(DataError, match="twice"):
        track_week(april_sales, plan_weekly=pd.concat([april_plan, april_plan]), as_of="2026-04-08")
    with pytest.raises(DataError, match="no week-part"):
        track_week(april_sales, plan_weekly=april_plan, as_of="2026-06-01", week="2026-W20")
    with pytest.raises(ConfigError, match="after as_of"):
        track_week(april_sales, plan_weekly=april_plan, as_of="2026-04-08", week="2026-W16")
    with pytest.raises(ConfigError, match="mode"):
        track_week(april_sales, plan_weekly=april_plan, as_of="2026-04-08", mode="monthly")
    with pytest.raises(ConfigError, match="ISO week"):
        track_week(april_sales, plan_weekly=april_plan, as_of="2026-04-08", week="2026-W54")
    with pytest.raises(DataError, match="not dates"):
        track_week(april_sales.assign(date="soon"), plan_weekly=april_plan, as_of="2026-04-08")
    with pytest.raises(DataError, match="no week-part starting"):
        tracking_weekly(april_sales, plan_weekly=april_plan, as_of="2026-01-01")


def test_thresholds_accept_the_tracking_block_and_reject_unknown_keys():
    assert resolve_thresholds({"mode": "daily", "weekly_alert": 0.7})["weekly_alert"] == 0.7
    with pytest.raises(ConfigError, match="unknown"):
        resolve_thresholds({"runrate": 0.9})
    with pytest.raises(ConfigError, match="positive"):
        resolve_thresholds({"weekly_alert": -1})
