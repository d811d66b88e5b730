"""Alert rules on a hand-made June: who is flagged, with which figure, and what the text says."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

import salesaudit
from salesaudit.exceptions import DataError
from salesaudit.weekly.alerts import RULES, detect_alerts, silent_clients

# June 2026 (RU): 12 Jun off; parts 1-7 (5 working days), 8-14 (4), 15-21 (5), 22-28 (5), 29-30 (2).
JUNE = [("2026-06-01", "2026-06-07", 250), ("2026-06-08", "2026-06-14", 200)]
JUNE += [("2026-06-15", "2026-06-21", 250), ("2026-06-22", "2026-06-28", 250)]
JUNE += [("2026-06-29", "2026-06-30", 100)]  # 1050 a month each


@pytest.fixture
def plan() -> pd.DataFrame:
    df = pd.DataFrame(
        [(m, s, e, p) for m in ("Ann", "Bob") for s, e, p in JUNE],
        columns=["manager", "week_start", "week_end", "plan"],
    )
    df["manager"] = df["manager"].astype("str")
    df["week_start"] = pd.to_datetime(df["week_start"])
    df["week_end"] = pd.to_datetime(df["week_end"])
    df["calls"] = 50.0
    return df


@pytest.fixture
def sales() -> pd.DataFrame:
    # Ann: 100 in each of the first two weeks (40 %, then 50 %); Bob: exactly on plan.
    return pd.DataFrame(
        {
            "date": pd.to_datetime(["2026-06-03", "2026-06-10", "2026-06-03", "2026-06-10"]),
            "client_id": ["c1", "c1", "c2", "c2"],
            "amount": [100.0, 100.0, 250.0, 200.0],
            "manager": pd.Series(["Ann", "Ann", "Bob", "Bob"], dtype="str"),
        }
    )


def alert(alerts: pd.DataFrame, rule: str, manager=None) -> pd.Series:
    who = alerts["manager"].isna() if manager is None else alerts["manager"] == manager
    return alerts[(alerts["rule"] == rule) & who].iloc[0]


def test_runrate_and_two_weeks_alerts_name_the_manager_the_figure_and_the_action(plan, sales):
    alerts = detect_alerts(sales, plan_weekly=plan, as_of="2026-06-16", lang="en")  # week 8-14 Jun
    assert set(alerts.loc[alerts["manager"].notna(), "manager"]) == {"Ann"}  # Bob is on plan
    runrate = alert(alerts, "runrate", "Ann")
    # forecast = 200 / 9 working days × 21 = 466.67 = 44 % of 1050, far below 90 %
    assert runrate["figure"] == pytest.approx(200 / 9 * 21 / 1050)
    assert runrate["threshold"] == 0.9 and runrate["severity"] == "high"
    assert runrate["level"] == "manager" and runrate["period"] == "2026-06"
    assert "Ann" in runrate["text"] and "₽467" in runrate["text"] and "44%" in runrate["text"]
    assert "This week" in runrate["text"]
    # required: (1050 − 200) / 12 working days left = 70.83
    assert "₽71 per working day" in runrate["text"]
    two = alert(alerts, "two_weeks", "Ann")
    assert two["figure"] == 0.5 and two["severity"] == "high"  # 100 of 200, after 100 of 250
    assert "2026-W24" in two["text"] and "₽100 of ₽200" in two["text"]
    dept = alert(alerts, "runrate")
    assert dept["level"] == "department" and dept["text"].startswith("Department:")
    # 200 + 450 = 650 in 9 working days -> 1516.67 of 2100 = 72 %: below 90 %, within a quarter
    assert dept["figure"] == pytest.approx(650 / 9 * 21 / 2100) and dept["severity"] == "medium"


def test_russian_text_comes_from_the_labels(plan, sales):
    alerts = detect_alerts(sales, plan_weekly=plan, as_of="2026-06-16", lang="ru")
    text = alert(alerts, "runrate", "Ann")["text"]
    assert text.startswith("Ann: при текущем темпе месяц июнь 2026 закроется на 467")
    assert "На этой неделе" in text
    assert alert(alerts, "runrate")["text"].startswith("Отдел:")


def test_no_runrate_alert_in_the_first_week_of_the_month(plan, sales):
    alerts = detect_alerts(sales, plan_weekly=plan, as_of="2026-06-09")  # week 1-7 Jun
    assert "runrate" not in set(alerts["rule"]) and "two_weeks" not in set(alerts["rule"])


def test_activity_alert_per_kind_below_eighty_percent_of_the_norm(plan, sales):
    activities = pd.DataFrame(
        {
            "date": pd.Timestamp("2026-06-09"),
            "manager": ["Ann"] * 39 + ["Bob"] * 40,
            "type": "call",
        }
    )
    alerts = detect_alerts(sales, plan_weekly=plan, as_of="2026-06-16", activities=activities, lang="en")
    calls = alerts[alerts["rule"] == "activity"]
    # Ann 39 of 50 = 78 % < 80 %; Bob 40 of 50 = 80 % is not below; department 79 of 100
    assert sorted(calls["manager"].fillna("-")) == ["-", "Ann"]
    ann = alert(alerts, "activity", "Ann")
    assert ann["subject"] == "calls" and ann["figure"] == 0.78 and ann["severity"] == "medium"
    assert "Calls in week 2026-W24: 39 against a norm of 50" in ann["text"]


def test_coverage_alert_needs_the_pipeline(plan, sales):
    pipeline = pd.DataFrame(
        {
            "deal_id": ["1", "2", "3", "4"],
            "manager": ["Ann", "Bob", "Ann", "Ann"],
            "amount": [300.0, 2000.0, 10.0, 10.0],
            "stage": "proposal",
            "status": ["open", "open", "won", "lost"],
            "expected_close": pd.to_datetime(["2026-06-25", "2026-06-26", None, None]),
        }
    )
    alerts = detect_alerts(sales, plan_weekly=plan, as_of="2026-06-16", pipeline=pipeline)
    cov = alerts[alerts["rule"] == "coverage"]
    # win rate 1 / 2 -> 2× needed. Ann: 300 / (1050 − 200) = 0.35; Bob: 2000 / 600 = 3.3 is enough;
    # department: 2300 / 1450 = 1.59 < 2
    assert sorted(cov["manager"].fillna("-")) == ["-", "Ann"]
    ann = alert(alerts, "coverage", "Ann")
    assert ann["figure"] == pytest.approx(300 / 850) and ann["threshold"] == 2.0
    assert ann["severity"] == "high"
    assert "coverage" not in set(detect_alerts(sales, plan_weekly=plan, as_of="2026-06-16")["rule"])


def test_silent_a_clients_against_their_own_rhythm():
    sales = pd.DataFrame(
        {
            "date": pd.to_datetime(
                ["2026-01-01", "2026-01-11", "2026-01-21"]  # c1: every 10 days, then silence
                + ["2026-01-01", "2026-01-21", "2026-01-21"]  # c2: the 21 Jan order fully returned
                + ["2026-01-01", "2026-02-01"]  # c3: class B, not watched
                + ["2026-02-10"]  # c4: one order, no rhythm yet
            ),
            "client_id": ["c1"] * 3 + ["c2"] * 3 + ["c3"] * 2 + ["c4"],
            "amount": [10.0, 10.0, 10.0, 10.0, 50.0, -50.0, 10.0, 10.0, 10.0],
            "manager": ["Ann"] * 3 + ["Bob"] * 3 + ["Ann"] * 2 + ["Ann"],
        }
    )
    clients = pd.DataFrame(
        {
            "client_id": ["c1", "c2", "c3", "c4"],
            "segment": ["A", "AX", "B", "a"],
            "manager": [None] * 4,
        }
    )
    out = silent_clients(sales, clients=clients, as_of="2026-02-05").set_index("client_id")
    assert sorted(out.index) == ["c1", "c2", "c4"]
    # c1: last order 21 Jan, 15 days silent, median gap 10 -> 1.5, not above 1.5
    assert out.loc["c1", "days_silent"] == 15 and out.loc["c1", "ratio"] == 1.5
    assert not out.loc["c1", "silent"]
    # c2: order days 1 Jan only (21 Jan nets to 0): no gap, never silent
    assert out.loc["c2", "orders"] == 1 and not out.loc["c2", "silent"]
    assert out.loc["c1", "manager"] == "Ann" and out.loc["c2", "manager"] == "Bob"  # from sales
    later = silent_clients(sales, clients=clients, as_of="2026-02-06").set_index("client_id")
    assert later.loc["c1", "silent"] and later.loc["c1", "ratio"] == 1.6
    # the c4 order on 10 Feb is after as_of: no order day at all
    assert later.loc["c4", "orders"] == 0 and pd.isna(later.loc["c4", "last_order"])
    with pytest.raises(DataError, match="ABC"):
        silent_clients(sales, clients=clients.drop(columns="segment"), as_of="2026-02-06")


@pytest.mark.parametrize("text", ["category", "object", "str"])
def test_silent_clients_read_codes_not_text(text):
    """Codes of categorical or text columns give the same answer: unused categories, a line without a
    client, a line without a manager (the one before names the client's manager), a sale after
    as_of, and a time of day on an order day."""
    sales = pd.DataFrame(
        {
            "date": pd.to_datetime(
                [
                    "2026-01-01 09:00",
                    "2026-01-01 18:00",
                    "2026-01-11",
                    "2026-01-21",
                    "2026-01-25",
                    "2026-02-06 10:00",
                ],
                format="ISO8601",
            ),
            "client_id": ["c1", "c1", "c1", "c1", None, "c1"],
            "amount": [5.0, 5.0, 10.0, 10.0, 99.0, 10.0],
            "manager": ["Ann", "Ann", "Ann", None, "Eve", "Bob"],
        }
    )
    sales["client_id"] = sales["client_id"].astype(text)
    sales["manager"] = sales["manager"].astype(text)
    if text == "category":
        sales["client_id"] = sales["client_id"].cat.add_categories(["c0"])
        sales["manager"] = sales["manager"].cat.add_categories(["Zed"])
    clients = pd.DataFrame({"client_id": ["c1", "c9"], "abc_class": ["A", "A"]})
    out = silent_clients(sales, clients=clients, as_of="2026-02-05").set_index("client_id")
    # order days 1, 11, 21 Jan (the two lines of 1 Jan are one day; 6 Feb is after as_of)
    assert out.loc["c1", "orders"] == 3 and out.loc["c1", "median_gap_days"] == 10.0
    assert out.loc["c1", "last_order"] == pd.Timestamp("2026-01-21") and out.loc["c1", "days_silent"] == 15
    assert out.loc["c1", "manager"] == "Ann"  # 21 Jan has no manager; Bob sold after as_of
    assert out.loc["c9", "orders"] == 0 and pd.isna(out.loc["c9", "manager"])


def test_silent_client_alert_text_names_the_client(plan, sales):
    more = pd.DataFrame(
        {
            "date": pd.to_datetime(["2026-03-01", "2026-04-01", "2026-05-01"]),
            "client_id": "c9",
            "amount": 10.0,
            "manager": pd.Series(["Bob"] * 3, dtype="str"),
        }
    )
    clients = pd.DataFrame({"client_id": ["c9"], "name": ["ООО Ромашка"], "abc_class": ["A"]})
    alerts = detect_alerts(
        pd.concat([sales, more]), plan_weekly=plan, as_of="2026-06-16", clients=clients, lang="ru"
    )
    silent = alert(alerts, "silent_client", "Bob")
    # gaps 31 and 30 days: median 30.5; 46 days silent on 16 Jun -> 1.51 > 1.5
    assert silent["subject"] == "c9" and silent["figure"] == pytest.approx(46 / 30.5)
    assert "«ООО Ромашка»" in silent["text"] and "46 дней" in silent["text"]


def test_alerts_table_columns_and_order(plan, sales):
    alerts = detect_alerts(sales, plan_weekly=plan, as_of="2026-06-16")
    assert list(alerts.columns) == [
        "level", "manager", "rule", "subject", "period", "iso_week", "figure", "threshold",
        "severity", "text",
    ]  # fmt: skip
    assert set(alerts["rule"]) <= set(RULES)
    high = (alerts["severity"] == "high").to_numpy()
    assert list(high) == sorted(high, reverse=True)  # high severity first
    on_plan = sales.assign(amount=[250.0, 200.0, 250.0, 200.0])
    quiet = detect_alerts(on_plan, plan_weekly=plan, as_of="2026-06-16")
    assert quiet.empty and list(quiet.columns) == list(alerts.columns)


def test_every_tracking_label_is_used_and_translated():
    package = Path(salesaudit.__file__).parent
    labels = yaml.safe_load((package / "report" / "labels" / "tracking.yaml").read_text(encoding="utf-8"))
    code = "".join(p.read_text(encoding="utf-8") for p in sorted((package / "weekly").glob("*.py")))
    used = set(re.findall(r'"(tracking\.(?:alert|who|activity|unit)\.[a-z_]+)"', code))
    assert used == set(labels)
    for key, texts in labels.items():
        assert set(texts) == {"ru", "en"}, key


def test_a_low_chance_of_the_bonus_threshold_is_an_alert_with_its_figures(plan, sales):
    chances = pd.DataFrame(
        {
            "level": ["manager", "manager", "department", "manager"],
            "manager": pd.Series(["Ann", "Bob", pd.NA, "Ann"], dtype="str"),
            "horizon": ["month", "month", "month", "year"],
            "period": ["2026-06", "2026-06", "2026-06", "2026"],
            "plan": [1050.0, 1050.0, 2100.0, 12600.0],
            "expected": [600.0, 1100.0, 1700.0, 9000.0],
            "chance_threshold": [0.12, 0.8, float("nan"), 0.01],
        }
    )
    alerts = detect_alerts(
        sales, plan_weekly=plan, as_of="2026-06-16", lang="en", chances=chances, bonus_threshold=0.7
    )
    fired = alerts[alerts["rule"] == "chance"]
    # Ann's month only: Bob is likely, the department's chance is unknown, the year is not a month
    assert list(fired["manager"]) == ["Ann"] and list(fired["period"]) == ["2026-06"]
    row = fired.iloc[0]
    assert row["figure"] == pytest.approx(0.12) and row["threshold"] == 0.3 and row["severity"] == "high"
    assert "12%" in row["text"] and "70%" in row["text"] and "June 2026" in row["text"]
    assert "600" in row["text"] and "1,050" in row["text"]
    ru = detect_alerts(sales, plan_weekly=plan, as_of="2026-06-16", chances=chances, bonus_threshold=0.7)
    assert "шанс" in ru.loc[ru["rule"] == "chance", "text"].iloc[0]
    without = detect_alerts(sales, plan_weekly=plan, as_of="2026-06-16", lang="en")
    assert "chance" not in set(without["rule"])  # no calibrated chances given: no chance alert
