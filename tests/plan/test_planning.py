"""Plan stage: working days, week-parts, allocation, target, seasonality, managers, reconciliation."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from salesaudit.exceptions import ConfigError, DataError
from salesaudit.plan.allocation import allocate
from salesaudit.plan.decomposition import decompose_plan, split_by_class
from salesaudit.plan.managers import MONTHLY_COLUMNS, estimate_shares, measure_capacity
from salesaudit.plan.months import resolve_target, seasonality_index, split_target_by_month
from salesaudit.plan.weeks import WEEKLY_COLUMNS, split_into_weeks, split_weeks
from salesaudit.workdays import working_days_by_month

RU_2025 = [17, 20, 21, 22, 18, 19, 23, 21, 22, 23, 19, 22]
RU_2026 = [15, 19, 21, 22, 19, 21, 23, 21, 22, 22, 20, 22]


def team(*names, **columns) -> pd.DataFrame:
    frame = pd.DataFrame({"manager": pd.Series(names, dtype="str")})
    for name, values in columns.items():
        frame[name] = pd.to_datetime(values) if name in ("hired", "left") else values
    return frame


def sales_frame(rows) -> pd.DataFrame:
    """rows: (date, client_id, amount, manager)."""
    dates, clients, amounts, managers = zip(*rows, strict=True)
    return pd.DataFrame(
        {
            "date": pd.to_datetime(list(dates)),
            "client_id": pd.Series(clients, dtype="str"),
            "amount": np.array(amounts, dtype=float),
            "manager": pd.Series(managers, dtype="str"),
        }
    )


def check_reconciled(res, target: int) -> None:
    """Months sum to the target, managers to the department month, week-parts to the manager month."""
    assert res.target == target
    assert int(res.department_monthly["plan"].sum()) == target
    dept = res.monthly.groupby("period")["plan"].sum()
    assert dept.tolist() == res.department_monthly["plan"].tolist()
    weeks = res.weekly.groupby(["manager", "period"])["plan"].sum()
    months = res.monthly.set_index(["manager", "period"])["plan"]
    assert weeks.reindex(months.index).fillna(0).astype(np.int64).tolist() == months.tolist()
    assert int(res.weekly["plan"].sum()) == target


# --- working days and week-parts ---------------------------------------------------------------


def test_russian_working_days_match_the_official_calendar():
    by_month = working_days_by_month("2025-01-01", "2026-12-31", country="RU")
    assert by_month["working_days"].tolist() == RU_2025 + RU_2026
    assert by_month["period"].iloc[0] == "2025-01" and by_month["period"].iloc[-1] == "2026-12"
    assert sum(RU_2025) == sum(RU_2026) == 247


def test_other_country_has_its_own_working_days():
    # Germany 2026 (national holidays): January loses only New Year (22 weekdays - 1 = 21);
    # May loses 1 May, Ascension (14th) and Whit Monday (25th): 21 weekdays - 3 = 18.
    de = working_days_by_month("2026-01-01", "2026-12-31", country="DE")["working_days"].tolist()
    assert de[0] == 21 and de[4] == 18
    assert de != RU_2026


def test_a_week_spanning_two_months_is_two_parts():
    parts = split_weeks("2026-03-01", "2026-04-30", country="RU")
    split = parts[parts["iso_week"] == "2026-W14"]
    # Mon 30 and Tue 31 March are working; Wed 1 .. Fri 3 April are working, 4-5 are the weekend.
    assert split["period"].tolist() == ["2026-03", "2026-04"]
    assert split["week_start"].tolist() == [pd.Timestamp("2026-03-30"), pd.Timestamp("2026-04-01")]
    assert split["week_end"].tolist() == [pd.Timestamp("2026-03-31"), pd.Timestamp("2026-04-05")]
    assert split["working_days"].tolist() == [2, 3]


def test_week_parts_cover_the_year_without_overlap():
    parts = split_weeks("2026-01-01", "2026-12-31", country="RU")
    assert list(parts.columns) == ["period", "week_start", "week_end", "iso_week", "working_days"]
    assert parts["working_days"].sum() == 247
    days = (parts["week_end"] - parts["week_start"]).dt.days + 1
    assert days.sum() == 365
    assert (
        parts["week_start"].iloc[1:].to_numpy()
        == (parts["week_end"] + pd.Timedelta(days=1)).iloc[:-1].to_numpy()
    ).all()
    mid_week = parts["week_start"].dt.day_of_week != 0
    assert (parts.loc[mid_week, "week_start"].dt.day == 1).all()  # only a month's 1st starts mid-week
    assert (parts["week_start"].dt.strftime("%Y-%m") == parts["period"]).all()
    assert (parts["week_end"].dt.strftime("%Y-%m") == parts["period"]).all()
    # 1 Jan 2026 is a Thursday: ISO week 1 of 2026; the New Year holidays leave it no working day
    assert parts["iso_week"].iloc[0] == "2026-W01" and parts["working_days"].iloc[0] == 0
    assert parts["iso_week"].str.fullmatch(r"\d{4}-W\d{2}").all()


def test_a_week_part_without_working_days_gets_no_plan():
    monthly = pd.DataFrame({"manager": ["Ann"], "period": ["2026-01"], "plan": [15_000]})
    weekly = split_into_weeks(monthly, country="RU")
    # January 2026: 1-4 and 5-11 are holidays; 12-16, 19-23, 26-30 have 5 working days each.
    assert weekly["working_days"].tolist() == [0, 0, 5, 5, 5]
    assert weekly["plan"].tolist() == [0, 0, 5_000, 5_000, 5_000]
    assert list(weekly.columns) == WEEKLY_COLUMNS


# --- allocate ----------------------------------------------------------------------------------


def test_allocate_gives_spare_units_to_the_largest_remainders():
    # quotas 0.7, 1.4, 2.1, 2.8 -> floors 0, 1, 2, 2 (5); the 2 spare units go to .8 and .7
    assert allocate(7, [1, 2, 3, 4]).tolist() == [1, 1, 2, 3]


def test_allocate_breaks_ties_by_position_and_skips_zero_weights():
    assert allocate(10, [1, 1, 1]).tolist() == [4, 3, 3]
    assert allocate(2, [0, 1, 1, 1]).tolist() == [0, 1, 1, 0]
    assert allocate(0, [0, 0]).tolist() == [0, 0]
    assert allocate(-10, [1, 1, 1]).tolist() == [-4, -3, -3]
    assert allocate(5.0, [1, 1]).dtype == np.int64


@pytest.mark.parametrize(
    "total, weights",
    [(5, [1, -1]), (5, [0, 0]), (5, [1, np.nan]), (5.5, [1, 1]), (5, [[1, 2]])],
)
def test_allocate_rejects_impossible_splits(total, weights):
    with pytest.raises(DataError):
        allocate(total, weights)


@settings(max_examples=200, deadline=None)
@given(
    st.integers(min_value=0, max_value=10**12),
    st.lists(st.floats(min_value=0, max_value=1e6), min_size=1, max_size=30).filter(lambda w: sum(w) > 0),
)
def test_allocate_is_exact_and_within_one_unit_of_the_quota(total, weights):
    out = allocate(total, weights)
    assert out.sum() == total
    quota = total * np.array(weights) / sum(weights)
    assert np.all(np.abs(out - quota) < 1 + 1e-6 * max(1.0, total / 1e9))
    assert np.all(out[np.array(weights) == 0] == 0)


# --- target ------------------------------------------------------------------------------------


def test_target_given_is_rounded_half_up_to_whole_units():
    assert resolve_target(None, year=2026, target=1_000_000.5) == 1_000_001
    assert resolve_target(None, year=2026, target=999.49) == 999


def test_target_from_last_year_nets_returns_and_adds_growth():
    sales = sales_frame(
        [
            ("2025-01-09", "a", 600.0, "Ann"),
            ("2025-05-05", "a", -100.0, "Ann"),
            ("2025-12-30", "b", 500.0, "Bob"),
        ]
        + [("2024-12-30", "b", 9_999.0, "Bob"), ("2026-01-15", "b", 9_999.0, "Bob")]  # outside 2025
    )
    # as_of after the plan year's start: last year = calendar 2025 = 1000 net; × 1.15
    assert resolve_target(sales, year=2026, growth=0.15, as_of="2026-02-01") == 1150


def test_target_base_is_annualised_when_history_is_short():
    # history starts in July 2025: 1 Jul .. 31 Dec = 184 of 365 days; 1840 -> 3650 a year
    sales = sales_frame([("2025-07-10", "a", 1000.0, "Ann"), ("2025-11-10", "a", 840.0, "Ann")])
    assert resolve_target(sales, year=2026, growth=0.0, as_of="2026-01-01") == 3650


def test_target_uses_the_last_12_months_when_planning_before_the_year_ends():
    # planning 2026 on 2025-11-21: last year = 2024-11-21 .. 2025-11-20
    sales = sales_frame(
        [
            ("2024-11-20", "a", 5000.0, "Ann"),
            ("2024-11-21", "a", 100.0, "Ann"),
            ("2025-11-20", "a", 100.0, "Ann"),
        ]
    )
    assert resolve_target(sales, year=2026, growth=0.5, as_of="2025-11-21") == 300


def test_target_is_the_sum_of_twelve_monthly_targets():
    months = {f"2026-{m:02d}": 100.0 for m in range(1, 13)}
    assert resolve_target(None, year=2026, monthly_targets=months) == 1200


def test_target_errors():
    with pytest.raises(ConfigError):
        resolve_target(None, year=2026, target=-5)
    with pytest.raises(DataError):
        resolve_target(None, year=2026)
    with pytest.raises(ConfigError):
        resolve_target(None, year=2026, monthly_targets={"2025-01": 10.0})  # not the plan year
    with pytest.raises(ConfigError):
        resolve_target(None, year=2026, monthly_targets={13: 10.0})
    empty = sales_frame([("2020-01-10", "a", 10.0, "Ann")])
    with pytest.raises(DataError):
        resolve_target(empty, year=2026, as_of="2026-01-01")  # nothing in 2025


# --- seasonality and months --------------------------------------------------------------------


def two_years_of_history() -> pd.DataFrame:
    # 2024: December 13, other months 1 (total 24); 2025: every month 1 (total 12)
    rows = [(f"2024-{m:02d}-15", "a", 13.0 if m == 12 else 1.0, "Ann") for m in range(1, 13)]
    rows += [(f"2025-{m:02d}-15", "a", 1.0, "Ann") for m in range(1, 13)]
    return sales_frame(rows)


def test_seasonality_averages_each_months_share_over_full_years():
    idx = seasonality_index(two_years_of_history(), year=2026, as_of="2026-01-01")
    # December: (13/24 + 1/12) / 2 = 15/48; other months: (1/24 + 1/12) / 2 = 3/48
    assert idx["index"].iloc[11] == pytest.approx(15 / 48)
    assert idx["index"].iloc[:11].to_numpy() == pytest.approx(np.full(11, 3 / 48))
    assert idx["index"].sum() == pytest.approx(1.0)
    assert set(idx["source"]) == {"history"} and idx["years"].iloc[0] == "2024, 2025"


def test_seasonality_falls_back_to_working_days_with_less_than_two_full_years():
    history = two_years_of_history()
    late_start = history[history["date"] >= "2024-02-01"]  # 2024 no longer full
    idx = seasonality_index(late_start, year=2026, as_of="2026-01-01", country="RU")
    assert set(idx["source"]) == {"working_days"} and idx["years"].iloc[0] == ""
    assert (idx["index"] * 247).round(9).tolist() == RU_2026
    # 2025 is not over yet on 2025-12-15: only 2024 is full
    idx = seasonality_index(history, year=2026, as_of="2025-12-15")
    assert idx["source"].iloc[0] == "working_days"


@pytest.mark.parametrize("unit", ["s", "us", "ns"])
def test_seasonality_reads_months_from_any_date_unit_and_skips_undated_lines(unit):
    history = two_years_of_history()
    extra = sales_frame(
        [
            ("2023-06-15 23:59", "a", 500.0, "Ann"),  # 2023 is not a full year (history starts in June)
            ("2024-12-31 23:59", "a", 3.0, "Ann"),  # the last minute of December 2024
            ("2026-01-05 00:00", "a", 700.0, "Ann"),  # the plan year itself
        ]
    )
    undated = sales_frame([("2025-03-01", "a", 9_000.0, "Ann")]).assign(date=pd.NaT)
    sales = pd.concat([extra.iloc[:1], history, extra.iloc[1:], undated], ignore_index=True)
    sales["date"] = sales["date"].astype(f"datetime64[{unit}]")
    sales["manager"] = pd.Categorical(sales["manager"], categories=["Ann", "unused"])
    idx = seasonality_index(sales, year=2026, as_of="2026-01-06")
    # 2024: December 13 + 3 = 16 of 27; 2025: every month 1 of 12
    assert idx["years"].iloc[0] == "2024, 2025"
    assert idx["index"].iloc[11] == pytest.approx((16 / 27 + 1 / 12) / 2)
    assert idx["index"].iloc[0] == pytest.approx((1 / 27 + 1 / 12) / 2)
    empty = seasonality_index(sales.iloc[:0], year=2026, country="RU")
    assert set(empty["source"]) == {"working_days"}


def test_months_keep_fixed_targets_and_share_the_rest_by_index():
    uniform = pd.DataFrame({"month": range(1, 13), "index": 1 / 12})
    months = split_target_by_month(1200, seasonality=uniform, year=2026, monthly_targets={"2026-01": 210})
    assert months["plan"].tolist() == [210] + [90] * 11  # (1200 - 210) / 11
    assert months["fixed"].tolist() == [True] + [False] * 11
    assert months["working_days"].tolist() == RU_2026
    assert months["plan"].dtype == np.int64


def test_months_reject_fixed_targets_above_the_year():
    uniform = pd.DataFrame({"month": range(1, 13), "index": 1 / 12})
    with pytest.raises(ConfigError):
        split_target_by_month(100, seasonality=uniform, year=2026, monthly_targets={1: 200})
    all_months = {m: 10 for m in range(1, 13)}
    with pytest.raises(ConfigError):
        split_target_by_month(100, seasonality=uniform, year=2026, monthly_targets=all_months)


# --- managers ----------------------------------------------------------------------------------


def test_history_shares_annualise_and_give_newcomers_the_average():
    sales = sales_frame(
        [
            ("2025-03-01", "c1", 300.0, "Ann"),
            ("2025-04-01", "c2", 100.0, "Bob"),
            ("2025-05-01", "c3", 50.0, "Gone"),
        ]
    )
    shares = estimate_shares(team("Ann", "Bob", "Cid"), sales=sales, method="history", as_of="2026-01-01")
    # per month 300/12, 100/12; Cid has none -> the average 200/12; "Gone" is not in the roster
    assert shares["share"].to_numpy() == pytest.approx([0.5, 1 / 6, 1 / 3])
    hired = team("Ann", "Bob", hired=["2020-01-01", "2025-07-01"])
    shares = estimate_shares(hired, sales=sales.iloc[:1], method="history", as_of="2026-01-01")
    assert shares["history"].to_numpy() == pytest.approx([0.5, 0.5])  # Bob: no sales -> average


def test_fair_share_blends_equal_history_and_potential():
    sales = sales_frame([("2025-03-01", "c1", 300.0, "Ann"), ("2025-04-01", "c2", 100.0, "Bob")])
    clients = pd.DataFrame(
        {"client_id": ["c1", "c2"], "manager": ["Ann", "Bob"], "potential": [200.0, 800.0]}
    )
    shares = estimate_shares(team("Ann", "Bob"), sales=sales, clients=clients, as_of="2026-01-01")
    # 0.3 × 1/2 + 0.5 × 3/4 + 0.2 × 1/5 = 0.565
    assert shares["share"].to_numpy() == pytest.approx([0.565, 0.435])
    # without potential its weight is shared: 0.375 × 1/2 + 0.625 × 3/4
    shares = estimate_shares(team("Ann", "Bob"), sales=sales, as_of="2026-01-01")
    assert shares["share"].iloc[0] == pytest.approx(0.65625)
    assert shares["potential"].isna().all()


@pytest.mark.parametrize(
    "kwargs",
    [
        {"method": "random"},
        {"weights": {"luck": 1.0}},
        {"weights": {"equal": -1.0}},
        {"weights": {"equal": 0}},
    ],
)
def test_share_settings_are_checked(kwargs):
    with pytest.raises(ConfigError):
        estimate_shares(team("Ann"), **kwargs)


@pytest.mark.parametrize(
    "managers",
    [
        team("Ann", "Ann"),
        team("Ann", fte=[1.5]),
        team("Ann", hired=["2026-05-01"], left=["2026-04-01"]),
        pd.DataFrame({"name": ["Ann"]}),
        pd.DataFrame({"manager": pd.Series([], dtype="str")}),
    ],
)
def test_managers_table_is_checked(managers):
    with pytest.raises(DataError):
        measure_capacity(managers, year=2026)


def test_capacity_counts_working_days_present_fte_and_ramp():
    managers = team("Ann", "Ned", hired=[None, "2026-03-16"], fte=[0.5, 1.0])
    cap = measure_capacity(managers, year=2026, country="RU").set_index(["manager", "period"])
    assert cap.loc[("Ann", "2026-01"), "capacity"] == pytest.approx(0.5)
    # Ned: March 2026 has 21 working days, 16..31 March hold 12 of them; ramp 0.5 / 0.75 / 1.0
    assert cap.loc[("Ned", "2026-02"), "capacity"] == 0
    assert cap.loc[("Ned", "2026-03"), "present_days"] == 12
    assert cap.loc[("Ned", "2026-03"), "capacity"] == pytest.approx(0.5 * 12 / 21)
    assert cap.loc[("Ned", "2026-04"), "capacity"] == pytest.approx(0.75)
    assert cap.loc[("Ned", "2026-05"), "capacity"] == pytest.approx(1.0)


def test_absences_by_count_and_unknown_names():
    counts = pd.DataFrame({"manager": ["Ann"], "period": ["2026-04"], "days": [11]})
    cap = measure_capacity(team("Ann"), year=2026, absences=counts)
    assert cap.loc[cap["period"] == "2026-04", "capacity"].item() == pytest.approx(0.5)  # 11 of 22
    with pytest.raises(ConfigError):
        measure_capacity(team("Ann"), year=2026, absences=counts.assign(manager="Zed"))
    with pytest.raises(ConfigError):
        measure_capacity(team("Ann"), year=2026, absences=pd.DataFrame({"manager": ["Ann"], "when": [1]}))
    with pytest.raises(ConfigError):
        measure_capacity(team("Ann"), year=2026, ramp=[-0.5, 1.0])


# --- decompose_plan: reconciliation and people moving -------------------------------------------


@pytest.mark.parametrize("n_managers", [1, 3, 12])
def test_a_prime_target_reconciles_to_the_unit(n_managers):
    names = [f"M{i:02d}" for i in range(n_managers)]
    res = decompose_plan(None, year=2026, managers=team(*names), target=1_000_003, method="equal")
    check_reconciled(res, 1_000_003)
    assert list(res.monthly.columns) == MONTHLY_COLUMNS
    assert list(res.weekly.columns) == WEEKLY_COLUMNS
    assert len(res.monthly) == 12 * n_managers
    quota = 1_000_003 * np.array(RU_2026) / 247  # working-day seasonality without history
    assert np.all(np.abs(res.department_monthly["plan"].to_numpy() - quota) < 1)
    per_manager = res.monthly.groupby("period")["plan"]
    assert (per_manager.max() - per_manager.min()).max() <= 1  # equal split, whole units


def test_plan_tables_have_the_agreed_types():
    res = decompose_plan(None, year=2026, managers=team("Ann", "Bob"), target=1_000_000, method="equal")
    m, w = res.monthly, res.weekly
    assert m["plan"].dtype == np.int64 and w["plan"].dtype == np.int64
    assert m["working_days"].dtype == np.int64 and w["working_days"].dtype == np.int64
    assert pd.api.types.is_datetime64_any_dtype(m["month_start"])
    assert pd.api.types.is_datetime64_any_dtype(w["week_start"])
    assert m["period"].dtype == "str" and w["iso_week"].dtype == "str" and w["manager"].dtype == "str"
    assert m["month_start"].iloc[0] == pd.Timestamp("2026-01-01")
    assert m["working_days"].iloc[:12].tolist() == RU_2026
    for col in ("deals", "proposals", "meetings", "calls"):
        assert w[col].dtype == np.float64


def test_a_leaver_gets_nothing_after_leaving_and_the_team_keeps_the_total():
    managers = team("Ann", "Bob", "Cid", left=[None, None, "2026-06-15"])
    res = decompose_plan(None, year=2026, managers=managers, target=2_470_000, method="equal", lang="en")
    check_reconciled(res, 2_470_000)
    cid_weeks = res.weekly[res.weekly["manager"] == "Cid"]
    assert cid_weeks.loc[cid_weeks["week_start"] > pd.Timestamp("2026-06-15"), "plan"].eq(0).all()
    assert cid_weeks.loc[cid_weeks["week_start"] == pd.Timestamp("2026-06-15"), "plan"].item() > 0
    cid = res.monthly[res.monthly["manager"] == "Cid"].set_index("period")["plan"]
    assert cid.loc["2026-07":].eq(0).all() and cid.loc[:"2026-05"].gt(0).all()
    # June 2026: 21 working days, Cid present on 10 (1-5, 8-11, 15) -> weight 10/21 against 1 + 1
    june = res.department_monthly.set_index("period").loc["2026-06", "plan"]
    assert abs(cid.loc["2026-06"] - june * (10 / 21) / (2 + 10 / 21)) < 1
    july = res.monthly[res.monthly["period"] == "2026-07"].set_index("manager")["plan"]
    assert july["Ann"] + july["Bob"] == res.department_monthly.set_index("period").loc["2026-07", "plan"]
    assert any("Cid" in note and "Jun 15, 2026" in note for note in res.notes)


def test_a_new_hire_ramps_up():
    managers = team("Ann", "Ned", hired=[None, "2026-03-02"])
    res = decompose_plan(None, year=2026, managers=managers, target=2_470_000, method="equal")
    check_reconciled(res, 2_470_000)
    plan = res.monthly.pivot(index="period", columns="manager", values="plan")
    dept = res.department_monthly.set_index("period")["plan"]
    assert plan.loc["2026-01", "Ned"] == 0 and plan.loc["2026-02", "Ned"] == 0
    # 2 March is the first working day of March: full month present, ramp 0.5 / 0.75 / 1.0
    assert abs(plan.loc["2026-03", "Ned"] - dept["2026-03"] * 0.5 / 1.5) < 1
    assert abs(plan.loc["2026-04", "Ned"] - dept["2026-04"] * 0.75 / 1.75) < 1
    assert abs(plan.loc["2026-05", "Ned"] - dept["2026-05"] / 2) < 1
    custom = decompose_plan(
        None, year=2026, managers=managers, target=2_470_000, method="equal", ramp=(0.2, 1.0)
    )
    custom_plan = custom.monthly.pivot(index="period", columns="manager", values="plan")
    assert abs(custom_plan.loc["2026-03", "Ned"] - dept["2026-03"] * 0.2 / 1.2) < 1


def test_dated_absence_empties_those_weeks_and_fte_scales_the_share():
    absences = pd.DataFrame(
        {"manager": ["Bob"], "start": pd.to_datetime(["2026-07-06"]), "end": pd.to_datetime(["2026-07-19"])}
    )
    managers = team("Ann", "Bob", "Cid", fte=[1.0, 1.0, 0.5])
    res = decompose_plan(
        None, year=2026, managers=managers, target=3_000_000, method="equal", absences=absences
    )
    check_reconciled(res, 3_000_000)
    dept = res.department_monthly.set_index("period")["plan"]
    month = res.monthly.set_index(["manager", "period"])["plan"]
    # July 2026: 23 working days; Bob away 6-10 and 13-17 July (10) -> 13/23; Cid at half time
    bob_weight = 13 / 23
    assert abs(month[("Bob", "2026-07")] - dept["2026-07"] * bob_weight / (1.5 + bob_weight)) < 1
    assert abs(month[("Cid", "2026-03")] - dept["2026-03"] * 0.5 / 2.5) < 1
    bob = res.weekly[(res.weekly["manager"] == "Bob") & (res.weekly["period"] == "2026-07")]
    away = bob["week_start"].isin(pd.to_datetime(["2026-07-06", "2026-07-13"]))
    assert (
        bob.loc[away, "plan"].eq(0).all() and bob.loc[~away & (bob["working_days"] > 0), "plan"].gt(0).all()
    )
    as_list = [{"manager": "Bob", "start": "2026-07-06", "end": "2026-07-19"}]
    again = decompose_plan(
        None, year=2026, managers=managers, target=3_000_000, method="equal", absences=as_list
    )
    assert again.monthly["plan"].tolist() == res.monthly["plan"].tolist()


def test_overrides_fix_a_yearly_amount_and_the_others_share_the_rest():
    res = decompose_plan(
        None,
        year=2026,
        managers=team("Ann", "Bob", "Cid"),
        target=1_000_003,
        method="equal",
        overrides={"Ann": 120_000},
    )
    check_reconciled(res, 1_000_003)
    yearly = res.monthly.groupby("manager")["plan"].sum()
    assert yearly["Ann"] == 120_000
    assert abs(yearly["Bob"] - yearly["Cid"]) <= 12
    with pytest.raises(ConfigError):
        decompose_plan(None, year=2026, managers=team("Ann", "Bob"), target=1000, overrides={"Ann": 2000})
    with pytest.raises(ConfigError):
        decompose_plan(None, year=2026, managers=team("Ann", "Bob"), target=1000, overrides={"Zed": 10})


def test_nobody_active_is_an_error_and_inactive_people_are_left_out():
    gone = team("Ann", left=["2025-12-31"])
    with pytest.raises(DataError):
        decompose_plan(None, year=2026, managers=gone, target=1000)
    res = decompose_plan(
        None, year=2026, managers=team("Ann", "Old", left=[None, "2025-06-30"]), target=1000, lang="en"
    )
    assert set(res.monthly["manager"]) == {"Ann"}
    assert any("Old" in note for note in res.notes)


def test_a_month_without_any_active_manager_cannot_be_planned():
    managers = team("Ann", hired=["2026-03-01"])
    with pytest.raises(DataError):
        decompose_plan(None, year=2026, managers=managers, target=1000)


def test_another_countrys_calendar_still_reconciles():
    res = decompose_plan(
        None, year=2026, managers=team("Ann", "Bob", "Cid"), target=1_000_003, country="DE", method="equal"
    )
    check_reconciled(res, 1_000_003)
    wd = res.department_monthly["working_days"].tolist()
    assert wd[0] == 21 and wd[4] == 18 and wd != RU_2026
    assert res.weekly.drop_duplicates(["period", "week_start"])["working_days"].sum() == sum(wd)
    with pytest.raises(ConfigError):
        decompose_plan(None, year=2026, managers=team("Ann"), target=1000, country="XX")


def test_history_drives_target_seasonality_and_shares():
    rows = [
        (f"{y}-{m:02d}-15", "c1", 3.0 if m == 12 else 1.0, "Ann") for y in (2024, 2025) for m in range(1, 13)
    ]
    rows += [
        (f"{y}-{m:02d}-16", "c2", 1.0 if m == 12 else 1 / 3, "Bob")
        for y in (2024, 2025)
        for m in range(1, 13)
    ]
    sales = sales_frame(rows)
    res = decompose_plan(
        sales, year=2026, managers=team("Ann", "Bob"), growth=0.0, method="history", as_of="2026-01-01"
    )
    # 2025 net = 14 + 14/3 = 56/3 -> rounds to 19; December share 4/(56/3) = 3/14 in both years
    assert res.target == 19
    assert res.seasonality["source"].iloc[0] == "history"
    assert res.seasonality["index"].iloc[11] == pytest.approx(3 / 14)
    assert res.shares["share"].to_numpy() == pytest.approx([0.75, 0.25])
    check_reconciled(res, 19)


def test_class_split_follows_revenue_by_class_plus_new_clients():
    clients = pd.DataFrame(
        {
            "client_id": ["1", "2", "3", "4", "5"],
            "manager": ["Ann", "Ann", "Ann", "Ann", "Bob"],
            "segment": ["A", "B", "C", "D", "D"],
            "revenue": [500.0, 250.0, 250.0, 9_000.0, 100.0],
        }
    )
    monthly = pd.DataFrame({"manager": ["Ann", "Bob"], "period": ["2026-01", "2026-01"], "plan": [1001, 77]})
    out = split_by_class(clients, plan_monthly=monthly, new_client_share=0.2)
    ann = out[out["manager"] == "Ann"].set_index("segment")["plan"]
    # 80 % by A:B:C = 2:1:1 (D not planned), 20 % new: 400.4, 200.2, 200.2, 200.2 -> 401, 200, 200, 200
    assert ann.to_dict() == {"A": 401, "B": 200, "C": 200, "new": 200}
    bob = out[out["manager"] == "Bob"].set_index("segment")["plan"]
    assert bob["new"] == 77 and bob.drop("new").eq(0).all()  # only D clients: all from new ones
    with pytest.raises(ConfigError):
        split_by_class(clients, plan_monthly=monthly, new_client_share=1.5)
    with pytest.raises(DataError):
        split_by_class(clients.drop(columns="segment"), plan_monthly=monthly)


def test_decompose_plan_splits_by_class_when_clients_are_segmented():
    sales = sales_frame([("2025-10-01", "1", 300.0, "Ann"), ("2025-10-02", "2", 100.0, "Ann")])
    clients = pd.DataFrame({"client_id": ["1", "2"], "manager": ["Ann", "Ann"], "segment": ["A", "B"]})
    res = decompose_plan(
        sales,
        year=2026,
        managers=team("Ann"),
        target=10_000,
        clients=clients,
        as_of="2026-01-01",
        new_client_share=0.0,
    )
    table = res.by_class.pivot(index="period", columns="segment", values="plan")
    month = res.monthly.set_index("period")["plan"]
    # A has 3/4 of each month; a .5 tie goes to the earlier class (A): round half up
    assert table["A"].tolist() == np.floor(month * 0.75 + 0.5).astype(np.int64).tolist()
    assert (table["A"] + table["B"]).tolist() == month.tolist() and table["new"].eq(0).all()


def test_twelve_managers_a_year_of_30k_lines_reconciles():
    # speed is measured in benchmarks/bench_scale.py, never asserted here (a busy machine is not a failure)
    rng = np.random.default_rng(7)
    n = 30_000
    names = [f"M{i:02d}" for i in range(12)]
    sales = pd.DataFrame(
        {
            "date": pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 1095, n), unit="D"),
            "client_id": pd.Series(rng.integers(0, 500, n).astype(str), dtype="str"),
            "amount": rng.lognormal(10, 1, n),
            "manager": pd.Series(rng.choice(names, n), dtype="str"),
        }
    )
    managers = team(
        *names, hired=["2020-01-01"] * 11 + ["2026-04-01"], left=[None] * 10 + ["2026-08-31", None]
    )
    res = decompose_plan(sales, year=2026, managers=managers, as_of="2026-01-01")
    check_reconciled(res, res.target)


# --- labels ------------------------------------------------------------------------------------


def test_every_plan_label_is_used_and_every_used_label_exists():
    labels = yaml.safe_load(
        resources.files("salesaudit.report.labels").joinpath("plan.yaml").read_text(encoding="utf-8")
    )
    package = Path(resources.files("salesaudit")) / "plan"
    code = "".join(p.read_text(encoding="utf-8") for p in sorted(package.glob("*.py")))
    used = set(re.findall(r'"(plan\.(?:note|source|motivation)\.[a-z_.]+)"', code))
    assert set(labels) == used
    for texts in labels.values():
        assert set(texts) == {"ru", "en"}
