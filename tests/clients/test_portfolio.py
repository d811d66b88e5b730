"""Manager portfolios and concentration figures; expected values worked out by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from salesaudit.clients.portfolio import concentration, manager_portfolios, pareto_curve, unassigned_clients
from salesaudit.exceptions import ConfigError, DataError

AS_OF = "2026-11-25"  # window 2025-11-01 .. 2026-10-31


@pytest.fixture
def table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "client_id": pd.Series(["a", "b", "c", "e"], dtype="str"),
            "manager": pd.Series(["Ivanov", "Ivanov", "Petrov", None], dtype="str"),
            "segment": pd.Series(["A", "D", "B", "C"], dtype="str"),
            "revenue": [80.0, -5.0, 20.0, 10.0],
            "dormant_alarm": [False, False, True, False],
        }
    )


def activities_frame(rows, *, with_client: bool = True) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["date", "manager", "type", "client_id"])
    frame["date"] = pd.to_datetime(frame["date"])
    for col in ("manager", "type", "client_id"):
        frame[col] = frame[col].astype("str")
    return frame if with_client else frame.drop(columns="client_id")


ACTIVITIES = [
    ("2026-03-01", "Ivanov", "call", "b"),
    ("2026-03-02", "Ivanov", "call", "b"),
    ("2026-03-03", "Ivanov", "meeting", "b"),
    ("2026-03-04", "Ivanov", "call", "a"),
    ("2026-03-05", "Ivanov", "call", None),  # no client: counts in the denominator only
    ("2025-10-31", "Ivanov", "call", "b"),  # before the window: ignored
    ("2026-04-01", "Petrov", "call", "c"),
    ("2026-04-02", "Petrov", "call", "c"),
    ("2026-04-03", "Kuznetsov", "call", "b"),  # a manager with activities but no client
    ("2026-04-04", None, "call", "b"),  # an activity without a manager
]


def test_portfolio_by_class(table):
    p = manager_portfolios(table).set_index("manager", drop=False)
    # positive revenue 80 + 20 + 10 = 110; Ivanov nets 80 - 5 = 75
    assert p["manager"].tolist()[:2] == ["Ivanov", "Petrov"]
    assert p.loc["Ivanov", "clients"] == 2 and p.loc["Ivanov", "revenue"] == 75.0
    assert p.loc["Ivanov", "revenue_share"] == pytest.approx(75 / 110)
    assert (p.loc["Ivanov", "clients_A"], p.loc["Ivanov", "clients_D"]) == (1, 1)
    assert (p.loc["Ivanov", "revenue_A"], p.loc["Ivanov", "revenue_D"]) == (80.0, -5.0)
    assert p.loc["Petrov", "clients_B"] == 1 and p.loc["Petrov", "dormant_alarms"] == 1
    # the client without a manager is no row (issue 18: an empty-manager row); it is counted instead
    assert p["manager"].notna().all() and p["clients"].sum() == 3
    assert unassigned_clients(table).tolist() == [1.0, 10.0, pytest.approx(10 / 110)]
    assert "activities" not in p.columns


def test_portfolio_share_of_activities_on_d(table):
    acts = activities_frame(ACTIVITIES)
    p = manager_portfolios(table, activities=acts, as_of=AS_OF).set_index("manager", drop=False)
    # Ivanov: 5 in the window (the 2025-10-31 one is out), 3 with D client b -> 60 %
    assert p.loc["Ivanov", "activities"] == 5 and p.loc["Ivanov", "activities_on_d"] == 3
    assert p.loc["Ivanov", "d_activity_share"] == pytest.approx(0.6)
    assert p.loc["Petrov", "d_activity_share"] == 0.0
    # Kuznetsov: no client, one activity, with a D client -> 100 %; sorted last (revenue 0)
    assert p.loc["Kuznetsov", "clients"] == 0 and p.loc["Kuznetsov", "revenue"] == 0.0
    assert p.loc["Kuznetsov", "d_activity_share"] == 1.0
    assert p["manager"].tolist()[-1] == "Kuznetsov"
    # no empty-manager row, not even from activities without a manager
    assert p["manager"].notna().all() and (p["manager"] != "").all()


def test_portfolio_activities_without_client_id(table):
    acts = activities_frame(ACTIVITIES, with_client=False)
    p = manager_portfolios(table, activities=acts, as_of=AS_OF).set_index("manager", drop=False)
    assert p.loc["Ivanov", "activities"] == 5
    assert pd.isna(p.loc["Ivanov", "activities_on_d"]) and pd.isna(p.loc["Ivanov", "d_activity_share"])


def test_portfolio_errors(table):
    acts = activities_frame(ACTIVITIES)
    with pytest.raises(ConfigError):
        manager_portfolios(table, activities=acts)  # no as_of
    with pytest.raises(DataError):
        manager_portfolios(table, activities=acts.drop(columns="manager"), as_of=AS_OF)
    with pytest.raises(DataError):
        manager_portfolios(table.drop(columns="segment"))


def test_concentration_figures():
    t = pd.DataFrame({"client_id": list("abcdefg"), "revenue": [60.0, 20.0, 10.0, 5.0, 5.0, 0.0, -7.0]})
    c = concentration(t)
    # zero and negative clients are out: n = 5, total 100
    assert c["clients"] == 5 and c["total"] == 100.0
    assert c["top_clients"] == 1 and c["top_share"] == pytest.approx(0.6)  # ceil(0.2 × 5) = 1
    assert c["top1_share"] == pytest.approx(0.6) and c["top10_share"] == pytest.approx(1.0)
    # Gini = Σ|xi - xj| / (2 n² mean): pairwise sum 500 / (2 × 25 × 20) = 0.5
    x = np.array([60.0, 20.0, 10.0, 5.0, 5.0])
    assert np.abs(x[:, None] - x[None, :]).sum() / (2 * 25 * x.mean()) == pytest.approx(0.5)
    assert c["gini"] == pytest.approx(0.5)
    # Pareto point: 60, 80 -> 2 clients (40 %) reach 80 % exactly
    assert c["pareto_clients"] == 2 and c["pareto_client_share"] == pytest.approx(0.4)
    assert c["pareto_revenue_share"] == pytest.approx(0.8)


def test_concentration_top20_rounds_up_and_equal_clients():
    t = pd.DataFrame({"client_id": [f"c{i}" for i in range(7)], "revenue": 10.0})
    c = concentration(t)
    assert c["top_clients"] == 2  # ceil(1.4)
    assert c["top_share"] == pytest.approx(2 / 7)
    assert c["gini"] == pytest.approx(0.0, abs=1e-12)
    # 6 of 7 equal clients make 85.7 % >= 80 %, 5 only 71.4 %
    assert c["pareto_clients"] == 6
    assert concentration(t, top_share=0.5)["top_clients"] == 4  # ceil(3.5)
    with pytest.raises(ConfigError):
        concentration(t, top_share=0)
    with pytest.raises(DataError):
        concentration(t, value="margin")


def test_pareto_curve_exact_point():
    # 0.7 + 0.1 is 0.7999... in floats; in kopecks it is exactly 80 % -> the point is the 2nd client
    t = pd.DataFrame({"client_id": ["d", "c", "b", "a"], "revenue": [0.1, 0.1, 0.1, 0.7]})
    curve = pareto_curve(t)
    assert curve["rank"].tolist() == [0, 1, 2, 3, 4]
    assert curve["client_id"].tolist()[1:] == ["a", "b", "c", "d"]  # ties by client_id
    assert curve.loc[0, "client_share"] == 0.0 and curve.loc[0, "revenue_share"] == 0.0
    assert curve["revenue_share"].iloc[-1] == pytest.approx(1.0)
    assert curve.index[curve["is_point"]].tolist() == [2]
    assert concentration(t)["pareto_clients"] == 2
    assert (np.diff(curve["revenue_share"]) >= 0).all()
