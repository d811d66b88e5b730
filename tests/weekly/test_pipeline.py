"""Pipeline analytics on hand-made deals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from salesaudit.exceptions import ConfigError, DataError
from salesaudit.weekly.pipeline import (
    classify_deals,
    pipeline_coverage,
    stale_deals,
    weighted_pipeline,
    win_rate,
)


def deals_frame(**columns) -> pd.DataFrame:
    n = len(next(iter(columns.values())))
    base = {
        "deal_id": [str(i + 1) for i in range(n)],
        "manager": ["Ann"] * n,
        "amount": [100.0] * n,
        "stage": ["proposal"] * n,
    }
    base.update(columns)
    df = pd.DataFrame(base)
    for col in ("created", "closed", "expected_close"):
        if col in df:
            df[col] = pd.to_datetime(df[col])
    return df


def test_outcome_comes_from_status_then_stage_then_closed_date():
    deals = deals_frame(
        status=["Won", "закрыто и не реализовано", None, None, None, "open"],
        stage=["x", "x", "Успешно реализовано", "negotiation", "negotiation", "Closed Won"],
        closed=[None, None, None, "2026-03-01", None, None],
    )
    assert classify_deals(deals)["outcome"].tolist() == [
        "won",
        "lost",
        "won",
        "closed",
        "open",
        "open",
    ]


def test_as_of_reopens_deals_closed_later_and_drops_deals_created_later():
    deals = deals_frame(
        status=["won", "won", "open"],
        closed=["2026-03-10", "2026-04-10", None],
        created=["2026-01-01", "2026-01-01", "2026-05-01"],
    )
    out = classify_deals(deals, as_of="2026-04-01")
    assert out["deal_id"].tolist() == ["1", "2"]
    assert out["outcome"].tolist() == ["won", "open"]


def test_win_rate_per_manager_with_default_when_nothing_closed():
    deals = deals_frame(
        manager=["Ann", "Ann", "Ann", "Ann", "Bob"],
        status=["won", "lost", "lost", "lost", "open"],
    )
    out = win_rate(deals, default=0.3).set_index("level")
    ann = out[out["manager"] == "Ann"].iloc[0]
    bob = out[out["manager"] == "Bob"].iloc[0]
    assert (ann["won"], ann["lost"], ann["win_rate"], ann["source"]) == (1, 3, 0.25, "data")
    assert (bob["win_rate"], bob["source"]) == (0.3, "default")
    assert out.loc["department", "win_rate"] == 0.25
    with pytest.raises(ConfigError):
        win_rate(deals, default=0)


def test_weighted_pipeline_uses_the_probability_column_then_the_stage_mapping():
    deals = deals_frame(
        manager=["Ann", "Ann", "Ann", "Bob", "Bob"],
        amount=[1000.0, 500.0, 300.0, 200.0, 999.0],
        stage=["Meeting", "proposal", "mystery", "proposal", "proposal"],
        probability=[0.1, None, None, 0.5, None],
        status=["open", "open", "open", "open", "won"],
    )
    out = weighted_pipeline(deals, stage_probability={"PROPOSAL": 0.4})
    ann = out[out["manager"] == "Ann"].iloc[0]
    # 1000 × 0.1 + 500 × 0.4 + 300 × (unknown: 0)
    assert (ann["deals"], ann["amount"], ann["weighted"]) == (3, 1800.0, pytest.approx(300.0))
    assert ann["without_probability"] == 1
    dept = out[out["level"] == "department"].iloc[0]
    assert dept["deals"] == 4 and dept["weighted"] == pytest.approx(300.0 + 100.0)  # won deal left out
    with pytest.raises(ConfigError):
        weighted_pipeline(deals, stage_probability={"proposal": 40})
    with pytest.raises(DataError):
        weighted_pipeline(deals.assign(probability=[0.1, 2.0, None, None, None]))


def tracking_frame(ann_plan=1000, ann_fact=600.0, bob_plan=500, bob_fact=500.0) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "level": ["manager", "manager", "department"],
            "manager": pd.Series(["Ann", "Bob", None], dtype="str"),
            "month_plan": [ann_plan, bob_plan, ann_plan + bob_plan],
            "mtd_fact": [ann_fact, bob_fact, ann_fact + bob_fact],
            "reference_day": pd.Timestamp("2026-04-12"),
        }
    )


def test_coverage_counts_open_deals_closing_after_the_reference_day_within_the_month():
    deals = deals_frame(
        manager=["Ann", "Ann", "Ann", "Ann", "Ann", "Eve"],
        amount=[100.0, 200.0, 400.0, 800.0, 1600.0, 50.0],
        expected_close=[
            "2026-04-12",
            "2026-04-13",
            "2026-04-30",
            "2026-05-01",
            "2026-04-20",
            "2026-04-20",
        ],
        status=["open", "open", "open", "open", "lost", "open"],
    )
    out = pipeline_coverage(deals, tracking=tracking_frame(), win_rate=0.5)
    ann = out[out["manager"] == "Ann"].iloc[0]
    # 13 Apr and 30 Apr are in; 12 Apr (the reference day) and 1 May are not; the lost deal is not open
    assert ann["pipeline_amount"] == 600.0 and ann["remaining_plan"] == 400.0
    assert ann["coverage"] == 1.5 and ann["required_coverage"] == 2.0 and ann["below"]
    bob = out[out["manager"] == "Bob"].iloc[0]
    assert bob["remaining_plan"] == 0 and pd.isna(bob["coverage"]) and not bob["below"]
    dept = out[out["level"] == "department"].iloc[0]
    assert dept["pipeline_amount"] == 650.0  # Eve is not tracked but her deal is the department's
    assert dept["coverage"] == pytest.approx(650 / 400)
    assert out["period"].unique().tolist() == ["2026-04"]


def test_coverage_threshold_comes_from_the_pipeline_win_rate_by_default():
    deals = deals_frame(
        status=["won", "lost", "lost", "lost", "open"],
        expected_close=[None, None, None, None, "2026-04-20"],
        amount=[1.0, 1.0, 1.0, 1.0, 1000.0],
    )
    out = pipeline_coverage(deals, tracking=tracking_frame())
    assert out["win_rate"].unique().tolist() == [0.25]
    assert out["required_coverage"].unique().tolist() == [4.0]
    nothing_won = deals.assign(status=["lost", "lost", "lost", "lost", "open"])
    hopeless = pipeline_coverage(nothing_won, tracking=tracking_frame())
    assert np.isinf(hopeless["required_coverage"]).all()
    assert hopeless["below"].tolist() == [True, False, True]  # Bob has nothing left to sell
    with pytest.raises(DataError, match="several rows"):
        pipeline_coverage(deals, tracking=pd.concat([tracking_frame(), tracking_frame()]))
    with pytest.raises(DataError, match="lacks"):
        pipeline_coverage(deals, tracking=tracking_frame().drop(columns="mtd_fact"))


def test_stale_deals_are_overdue_or_older_than_twice_the_median_cycle():
    deals = deals_frame(
        status=["won", "won", "won", "open", "open", "open", "open"],
        created=[
            "2026-01-01",
            "2026-01-01",
            "2026-01-01",
            "2026-03-01",
            "2026-04-01",
            "2026-01-01",
            None,
        ],
        closed=["2026-01-11", "2026-01-21", "2026-02-20", None, None, None, None],
        expected_close=[None, None, None, "2026-04-30", "2026-04-10", "2026-04-10", "2026-04-14"],
        amount=[1.0, 1.0, 1.0, 10.0, 20.0, 30.0, 40.0],
    )
    # won cycles 10, 20, 50 days: median 20; stale beyond 40 days open
    out = stale_deals(deals, as_of="2026-04-15").set_index("deal_id")
    assert set(out.index) == {"4", "5", "6", "7"}
    assert out.loc["4", "reason"] == "too_long" and out.loc["4", "age_days"] == 45
    assert out.loc["5", "reason"] == "overdue"
    assert out.loc["6", "reason"] == "overdue+too_long"
    assert out.loc["7", "reason"] == "overdue" and pd.isna(out.loc["7", "age_days"])
    assert (out["cycle_days"] == 20).all()
    assert out.index.tolist() == ["7", "6", "5", "4"]  # largest first
    # a 3-day usual cycle given by hand makes the 14-day-old deal 5 stale as well as overdue
    assert (
        stale_deals(deals, as_of="2026-04-15", cycle_days=3).set_index("deal_id").loc["5", "reason"]
        == "overdue+too_long"
    )


def test_without_won_deals_only_overdue_deals_are_stale():
    deals = deals_frame(
        status=["open", "open"],
        created=["2020-01-01", "2026-04-01"],
        expected_close=[None, "2026-04-02"],
    )
    out = stale_deals(deals, as_of="2026-04-15")
    assert out["deal_id"].tolist() == ["2"] and pd.isna(out["cycle_days"]).all()
    with pytest.raises(ConfigError):
        stale_deals(deals, as_of="2026-04-15", stale_factor=0)


def test_missing_columns_raise_a_data_error():
    with pytest.raises(DataError, match="stage"):
        classify_deals(pd.DataFrame({"deal_id": ["1"], "manager": ["Ann"], "amount": [1.0]}))
