"""Issue 16 on the demo's full run: the chances of the plan beside the run-rate, their check on the history
in the appendix, the planted October shortfall seen two weeks ahead, and the target-client portrait with
its look-alikes, in the report, the tables and the workbook."""

from __future__ import annotations

import pandas as pd
import pytest
from bs4 import BeautifulSoup
from openpyxl import load_workbook

from salesaudit.demo import DEMO_FACTS
from salesaudit.engine.outputs import read_table
from salesaudit.report.formatting import fmt_number, fmt_percent

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("demo")]


@pytest.fixture(scope="module")
def page(demo_run) -> BeautifulSoup:
    return BeautifulSoup((demo_run / "report.html").read_text(encoding="utf-8"), "html.parser")


def section(page: BeautifulSoup, anchor: str) -> str:
    """The text from the heading ``anchor`` to the next heading of its level or above."""
    head = page.find(id=anchor)
    assert head is not None, anchor
    parts = []
    for el in head.find_all_next():
        if el.name in ("h1", "h2") and el is not head and int(el.name[1]) <= int(head.name[1]):
            break
        if el.name in ("p", "li", "td", "th", "caption", "h3") or "finding" in (el.get("class") or []):
            parts.append(el.get_text(" ", strip=True))
    return "\n".join(parts)


def test_the_october_shortfall_has_a_low_chance_two_weeks_before_month_end(demo_run):
    weekly = read_table(demo_run, "tracking_weekly")
    assert {"chance_plan", "chance_threshold"} <= set(weekly.columns)
    dept = weekly[(weekly["level"] == "department") & (weekly["week_end"] == pd.Timestamp("2026-10-11"))]
    assert DEMO_FACTS["slump_month"] == "2026-10" and len(dept) == 1
    # the week-part 5-11 October 2026 ends 20 days before the month's end: the chance was already tiny
    assert dept["chance_plan"].iloc[0] < 0.30
    september = weekly[(weekly["level"] == "department") & (weekly["week_end"] == pd.Timestamp("2026-09-13"))]
    assert september["chance_plan"].iloc[0] > 0.30  # a normal month at the same point is not


def test_the_brier_score_and_reliability_table_are_in_the_appendix(demo_run, page):
    verdicts = read_table(demo_run, "chance_calibration")
    assert set(zip(verdicts["level"], verdicts["chance"], strict=True)) == {
        (lv, c) for lv in ("manager", "department") for c in ("chance_plan", "chance_threshold")
    }
    text = section(page, "chance-method")
    for row in verdicts.itertuples():
        assert fmt_number(row.brier, lang="ru", digits=3) in text  # each verdict's Brier score is quoted
        assert row.verdict in ("calibrated", "miscalibrated", "unknown")
    assert "Надёжность шансов отдела выполнить план" in text and "Прогноз шанса" in text
    backtest = read_table(demo_run, "chance_backtest")
    complete = backtest[
        backtest["made_plan"].notna() & (backtest["days_left"] > 0) & (backtest["level"] == "department")
    ]
    row = verdicts[(verdicts["level"] == "department") & (verdicts["chance"] == "chance_plan")].iloc[0]
    assert row["cases"] == len(complete)
    brier = ((complete["chance_plan"] - complete["made_plan"].astype(float)) ** 2).mean()
    assert row["brier"] == pytest.approx(brier)


def test_the_flash_says_the_departments_chances_beside_the_run_rate(demo_run, page):
    chances = read_table(demo_run, "plan_chances")
    dept = chances[(chances["level"] == "department") & (chances["horizon"] == "month")].iloc[0]
    text = section(page, "week")
    assert f"Шанс выполнить план за ноябрь 2026 — {fmt_percent(dept['chance_plan'], lang='ru')}" in text
    managers = section(page, "week-managers")
    assert "Шанс плана" in managers and "Шанс порога премии" in managers


def test_the_portrait_names_the_planted_attributes_and_the_lookalikes(demo_run, page):
    text = section(page, "portrait")
    for attribute, value in DEMO_FACTS["a_portrait"].items():
        lifts = read_table(demo_run, "portrait_lifts")
        assert ((lifts["attribute"] == attribute) & (lifts["value"] == value) & (lifts["lift"] > 1.3)).any()
        assert value in text
    assert "Почему клиенты A покупают у нас" in text  # the interviews beside the portrait
    ranked = read_table(demo_run, "lookalikes")
    grow = ranked[ranked["kind"] == "grow"].nsmallest(20, "rank")
    planted = set(DEMO_FACTS["future_a_client_ids"])
    chance = 20 * len(planted) / (ranked["kind"] == "grow").sum()
    assert grow["client_id"].isin(planted).sum() >= max(3, 3 * chance)
    assert "Кого растить дальше" in text and "Кого искать" in text


def test_the_workbook_has_the_new_sheets(demo_run):
    sheets = load_workbook(demo_run / "workbook.xlsx", read_only=True).sheetnames
    for title in (
        "Шансы выполнить план",
        "Шансы на истории",
        "Проверка шансов",
        "Портрет клиента A",
        "Похожие на A",
    ):
        assert title in sheets
