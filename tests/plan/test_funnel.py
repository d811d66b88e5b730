"""Reverse funnel: rates with their sources, and the weekly activity norms."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from salesaudit.exceptions import ConfigError
from salesaudit.plan.funnel import activity_norms, funnel_rates
from salesaudit.plan.notes import label_source


def sales_lines(rows, *, documents=True) -> pd.DataFrame:
    """rows: (date, client_id, amount, manager, document_id)."""
    dates, clients, amounts, managers, docs = zip(*rows, strict=True)
    frame = pd.DataFrame(
        {
            "date": pd.to_datetime(list(dates)),
            "client_id": pd.Series(clients, dtype="str"),
            "amount": np.array(amounts, dtype=float),
            "manager": pd.Series(managers, dtype="str"),
        }
    )
    if documents:
        frame["document_id"] = pd.Series(docs, dtype="str")
    return frame


SALES = sales_lines(
    [
        ("2026-01-10", "c1", 100.0, "Ann", "D1"),
        ("2026-01-10", "c1", 50.0, "Ann", "D1"),  # same document: one deal of 150
        ("2026-02-02", "c2", 250.0, "Ann", "D2"),
        ("2026-02-20", "c2", -50.0, "Ann", "R1"),  # credit note: netted, not a deal
        ("2026-02-03", "c3", 900.0, "Bob", "D3"),
        ("2025-01-05", "c3", 10_000.0, "Bob", "D0"),  # before the 12-month window
        ("2026-03-05", "c3", 10_000.0, "Bob", "D9"),  # on as_of: not yet known
    ]
)


def test_average_deal_per_document_nets_returns_and_falls_back_to_the_department():
    rates = funnel_rates(SALES, as_of="2026-03-05", min_deals=2).set_index("level")
    ann = rates[rates["manager"] == "Ann"].iloc[0]
    # Ann: net 150 + 250 - 50 = 350 over 2 positive deals
    assert ann["avg_deal"] == pytest.approx(175.0) and ann["avg_deal_source"] == "manager"
    assert ann["deals_count"] == 2
    # Bob has one deal (< min_deals): the department's (350 + 900) / 3
    bob = rates[rates["manager"] == "Bob"].iloc[0]
    assert bob["avg_deal"] == pytest.approx(1250 / 3) and bob["avg_deal_source"] == "department"
    dept = rates.loc["department"]
    assert pd.isna(dept["manager"]) and dept["avg_deal"] == pytest.approx(1250 / 3)


def test_without_document_ids_a_deal_is_a_client_day():
    rates = funnel_rates(SALES.drop(columns="document_id"), as_of="2026-03-05", min_deals=2)
    ann = rates[rates["manager"] == "Ann"].iloc[0]
    # client-days: c1 10 Jan (150), c2 2 Feb (250), c2 20 Feb (-50, not a deal) -> 350 / 2
    assert ann["avg_deal"] == pytest.approx(175.0)


def test_win_rate_from_closed_deals_with_sources():
    status = ["won"] * 3 + ["lost"] * 7 + ["open"] * 5  # Ann: 3 of 10 closed won
    ann = pd.DataFrame(
        {
            "deal_id": [f"a{i}" for i in range(15)],
            "manager": "Ann",
            "amount": 1.0,
            "stage": "x",
            "status": status,
        }
    )
    # Bob: two closed deals, one won through the CRM stage name (status empty)
    bob = pd.DataFrame(
        {
            "deal_id": ["b1", "b2"],
            "manager": "Bob",
            "amount": 1.0,
            "stage": ["Успешно реализовано", "x"],
            "status": [None, "lost"],
        }
    )
    pipeline = pd.concat([ann, bob], ignore_index=True)
    rates = funnel_rates(SALES, pipeline=pipeline, as_of="2026-03-05", min_deals=10).set_index(
        "manager", drop=False
    )
    assert (
        rates.loc["Ann", "win_rate"] == pytest.approx(0.3)
        and rates.loc["Ann", "win_rate_source"] == "manager"
    )
    # Bob's 2 closed deals are too few: department (3 + 1) / (10 + 2)
    assert rates.loc["Bob", "win_rate"] == pytest.approx(4 / 12)
    assert rates.loc["Bob", "win_rate_source"] == "department"
    few = funnel_rates(SALES, pipeline=bob, as_of="2026-03-05", win_rate=0.2)
    assert (few["win_rate"] == 0.2).all() and (few["win_rate_source"] == "default").all()


def test_activity_rates_from_counts_by_type():
    types = (
        ["звонок"] * 40 + ["Встреча"] * 8 + ["КП"] * 4 + ["call"] * 10 + ["meeting"] * 30 + ["proposal"] * 6
    )
    who = ["Ann"] * 52 + ["Bob"] * 46
    activities = pd.DataFrame({"date": pd.Timestamp("2026-02-01"), "manager": who, "type": types})
    rates = funnel_rates(SALES, activities=activities, as_of="2026-03-05", min_activities=20).set_index(
        "manager"
    )
    # Ann: 8 meetings / 40 calls = 0.2 (own); 8 meetings < 20: proposal rate from the department
    assert rates.loc["Ann", "meeting_rate"] == pytest.approx(0.2)
    assert rates.loc["Ann", "meeting_rate_source"] == "manager"
    assert rates.loc["Ann", "proposal_rate"] == pytest.approx(10 / 38)  # (4 + 6) / (8 + 30)
    assert rates.loc["Ann", "proposal_rate_source"] == "department"
    # Bob: 30 meetings > his 10 calls; calls too few -> department 38 / 50; proposals own 6 / 30
    assert rates.loc["Bob", "meeting_rate"] == pytest.approx(38 / 50)
    assert rates.loc["Bob", "proposal_rate"] == pytest.approx(0.2)
    assert rates.loc["Bob", "proposal_rate_source"] == "manager"


def test_norms_follow_the_reverse_funnel_per_week_part():
    weekly = pd.DataFrame(
        {"manager": ["Ann", "Ann", "Zed"], "plan": [350, 0, 1250], "deals": [9.0, 9.0, 9.0]}
    )
    rates = funnel_rates(
        SALES, as_of="2026-03-05", min_deals=2, win_rate=0.5, proposal_rate=0.5, meeting_rate=0.25
    )
    out = activity_norms(weekly, rates=rates)
    # Ann: 350 / 175 = 2 deals -> 4 proposals -> 8 meetings -> 32 calls; a zero plan needs nothing
    assert out.loc[0, ["deals", "proposals", "meetings", "calls"]].tolist() == pytest.approx([2, 4, 8, 32])
    assert out.loc[1, ["deals", "calls"]].tolist() == [0.0, 0.0]
    # Zed is not in the rates: department average deal 1250 / 3 -> 3 deals
    assert out.loc[2, "deals"] == pytest.approx(3.0)
    assert list(out.columns) == ["manager", "plan", "deals", "proposals", "meetings", "calls"]
    assert weekly["deals"].tolist() == [9.0, 9.0, 9.0]  # input untouched


def test_norms_are_missing_without_any_sale():
    weekly = pd.DataFrame({"manager": ["Ann"], "plan": [1000]})
    out = activity_norms(weekly, sales=None)
    assert out[["deals", "calls"]].isna().all(axis=None)
    rates = funnel_rates(None, managers=["Ann"])
    assert rates["avg_deal_source"].tolist() == ["missing", "missing"]


@pytest.mark.parametrize("kwargs", [{"win_rate": 0.0}, {"proposal_rate": 1.5}, {"meeting_rate": -0.1}])
def test_default_rates_are_checked(kwargs):
    with pytest.raises(ConfigError):
        funnel_rates(SALES, as_of="2026-03-05", **kwargs)


def test_sources_read_as_words():
    assert label_source("manager", "ru") == "данные менеджера"
    assert label_source("missing", "en") == "no data"
    with pytest.raises(ConfigError):
        label_source("guess", "en")


# --- deals are grouped on codes: the same figures whatever the text columns' dtype -------------------

MIXED = pd.DataFrame(
    {
        "date": pd.to_datetime(
            [
                "2026-01-10 09:00",
                "2026-01-10 17:00",  # same client, same day, no document: one deal of 150
                "2026-01-11 00:00",
                "2026-01-12 00:00",  # same document a day later: still deal D1, net 200
                "2026-01-13 00:00",  # neither a client nor a document: no deal at all
                "2026-01-14 00:00",  # no manager: the department's deal, nobody's own
                "2026-01-15 00:00",
            ]
        ),
        "client_id": ["c1", "c1", "c2", "c2", None, "c3", "c3"],
        "amount": [100.0, 50.0, 300.0, -100.0, 999.0, 600.0, 400.0],
        "manager": ["Ann", "Ann", "Ann", "Ann", "Ann", None, "Bob"],
        "document_id": [None, None, "D1", "D1", None, "D2", "D3"],
    }
)


def _as(frame: pd.DataFrame, kind: str) -> pd.DataFrame:
    """``frame`` with its text columns as object, Arrow-backed str, or categories (with an unused one)."""
    out = frame.copy()
    for col in ("client_id", "manager", "document_id"):
        if kind == "str":
            out[col] = out[col].astype("str")
        elif kind == "category":
            values = sorted(out[col].dropna().unique())
            out[col] = pd.Categorical(out[col], categories=["zz-unused", *values])
    return out


@pytest.mark.parametrize("kind", ["object", "str", "category"])
def test_deals_follow_the_rule_for_every_text_dtype(kind):
    rates = funnel_rates(_as(MIXED, kind), managers=["Ann", "Bob", "Eve"], as_of="2026-03-01", min_deals=2)
    ann, bob, eve, dept = (rates.iloc[i] for i in range(4))
    # Ann: the client-day (150) and document D1 (300 - 100); the line without client or document is no deal
    assert (ann["avg_deal"], ann["avg_deal_source"], ann["deals_count"]) == (175.0, "manager", 2)
    # the department: 150 + 200 + 600 (no manager) + 400 over four deals
    assert (dept["avg_deal"], dept["avg_deal_source"], dept["deals_count"]) == (337.5, "department", 4)
    assert (bob["avg_deal"], bob["avg_deal_source"]) == (337.5, "department")  # one deal < min_deals
    assert (eve["avg_deal"], eve["deals_count"]) == (337.5, 4)  # no sales at all: the department's
    pd.testing.assert_frame_equal(
        rates, funnel_rates(MIXED, managers=["Ann", "Bob", "Eve"], as_of="2026-03-01", min_deals=2)
    )


def test_a_manager_column_of_numbers_is_matched_by_its_text():
    sales = MIXED.assign(manager=pd.Series([7, 7, 7, 7, 7, None, 8], dtype=object))
    rates = funnel_rates(sales, managers=["7", "8"], as_of="2026-03-01", min_deals=2)
    assert rates["avg_deal"].tolist()[:2] == [175.0, 337.5]
    assert rates["avg_deal_source"].tolist()[:2] == ["manager", "department"]


@pytest.mark.parametrize("kind", ["object", "str", "category"])
def test_no_sales_in_the_window_or_none_at_all_leave_the_average_deal_missing(kind):
    for sales, as_of in ((_as(MIXED, kind), "2025-06-01"), (_as(MIXED, kind).iloc[:0], "2026-03-01")):
        rates = funnel_rates(sales, managers=["Ann"], as_of=as_of, min_deals=1)
        assert rates["avg_deal"].isna().all() and set(rates["avg_deal_source"]) == {"missing"}
        assert rates["deals_count"].tolist() == [0, 0]


def test_without_a_manager_column_every_deal_is_the_departments():
    rates = funnel_rates(MIXED.drop(columns="manager"), managers=["Ann"], as_of="2026-03-01", min_deals=1)
    # four deals: c1's day 150, D1 200, D2 600, D3 400; no manager has an own figure
    assert (
        rates["avg_deal"].tolist() == [337.5, 337.5] and rates["avg_deal_source"].tolist()[0] == "department"
    )
