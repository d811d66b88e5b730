"""The target-client portrait: attributes, lifts and verdicts, the look-alike ranking (tiny frames), and
on the demo the planted portrait and "future A" clients found again."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from salesaudit.clients.portrait import (
    LIFT_COLUMNS,
    RANK_COLUMNS,
    client_attributes,
    portrait,
    rank_lookalikes,
)
from salesaudit.exceptions import ConfigError, DataError

AS_OF = pd.Timestamp("2026-11-25")


def _attrs(status, **columns) -> pd.DataFrame:
    n = len(status)
    frame = pd.DataFrame(
        {
            "client_id": [f"c{i:03d}" for i in range(n)],
            "name": [f"Client {i}" for i in range(n)],
            "manager": "M",
            "status": status,
        }
    )
    for name, values in columns.items():
        frame[name] = pd.Categorical(values)
    return frame


# --------------------------------------------------------------------------------------------------
# portrait: lifts by hand


def test_lifts_match_a_hand_count():
    # 4 A, 6 other buyers, 2 non-buyers (never in the base); industry blank for one B client
    status = ["A"] * 4 + ["B"] * 3 + ["C"] * 2 + ["D"] + ["non_buyer"] * 2
    industry = ["x", "x", "x", "y", "x", "y", "y", None, "y", "y", "x", "x"]
    region = ["m", "m", "n", "n", "n", "n", "n", "m", "n", "n", "m", "m"]
    p = portrait(_attrs(status, industry=industry, region=region), min_a=2, min_support=1)
    lifts = p.lifts.set_index(["attribute", "value"])
    assert list(p.lifts.columns) == list(LIFT_COLUMNS)
    # industry known for 9 buyers: x = 4 (3 of them A), y = 5 (1 A)
    assert lifts.loc[("industry", "x"), "a_clients"] == 3
    assert lifts.loc[("industry", "x"), "a_share"] == pytest.approx(3 / 4)
    assert lifts.loc[("industry", "x"), "base_share"] == pytest.approx(4 / 9)
    assert lifts.loc[("industry", "x"), "lift"] == pytest.approx((3 / 4) / (4 / 9))
    assert lifts.loc[("industry", "y"), "lift"] == pytest.approx((1 / 4) / (5 / 9))
    # region known for all 10 buyers: m = 3 (2 A)
    assert lifts.loc[("region", "m"), "lift"] == pytest.approx((2 / 4) / (3 / 10))
    assert p.lifts["lift"].is_monotonic_decreasing
    assert (p.n_a, p.n_buyers) == (4, 10)


def test_min_support_drops_values_held_by_few_a_clients():
    status = ["A"] * 6 + ["B"] * 6
    industry = ["x"] * 5 + ["y"] + ["y"] * 6
    p = portrait(_attrs(status, industry=industry), min_a=2, min_support=2)
    assert p.lifts["value"].tolist() == ["x"]  # y is held by one A client only


def test_top_keeps_one_telling_value_per_attribute():
    status = ["A"] * 10 + ["B"] * 30
    industry = ["x"] * 8 + ["y"] * 2 + ["x"] * 5 + ["y"] * 25
    region = ["m"] * 6 + ["n"] * 4 + ["m"] * 9 + ["n"] * 21
    size = ["q4"] * 5 + ["q1"] * 5 + ["q4"] * 15 + ["q1"] * 15  # A as often q4 as anyone: no lift
    p = portrait(_attrs(status, industry=industry, region=region, size=size), min_support=2)
    assert p.verdict == "enough" and p.reasons == ()
    assert list(zip(p.top["attribute"], p.top["value"], strict=True)) == [("industry", "x"), ("region", "m")]
    assert (p.top["lift"] >= 1.3).all()


# --------------------------------------------------------------------------------------------------
# thin verdicts


def test_few_a_clients_is_thin_with_no_top():
    status = ["A"] * 3 + ["B"] * 20
    p = portrait(_attrs(status, industry=["x"] * 3 + ["y"] * 20), min_a=10, min_support=1)
    assert (p.verdict, p.reasons) == ("thin", ("few_a",))
    assert p.top.empty
    ranked = rank_lookalikes(_attrs(status, industry=["x"] * 3 + ["y"] * 20), min_support=1)
    assert ranked.empty and list(ranked.columns) == list(RANK_COLUMNS)
    assert ranked.attrs["reason"] == "few_a"


def test_no_attribute_columns_is_thin():
    p = portrait(_attrs(["A"] * 12 + ["C"] * 12))
    assert (p.verdict, p.reasons) == ("thin", ("no_attributes",))
    assert p.lifts.empty and p.top.empty
    # an attribute column with no known value counts as none
    p = portrait(_attrs(["A"] * 12 + ["C"] * 12, industry=[None] * 24))
    assert p.reasons == ("no_attributes",)


def test_nothing_standing_out_is_thin():
    status = ["A"] * 12 + ["B"] * 24
    industry = (["x", "y"] * 18)[:36]  # A split like everyone
    p = portrait(_attrs(status, industry=industry))
    assert (p.verdict, p.reasons) == ("thin", ("no_lift",))
    assert not p.lifts.empty and p.top.empty
    assert rank_lookalikes(_attrs(status, industry=industry)).attrs["reason"] == "no_lift"


def test_bad_attribute_tables_are_refused():
    with pytest.raises(DataError, match="status"):
        portrait(pd.DataFrame({"client_id": ["a"]}))
    with pytest.raises(DataError) as err:
        portrait(_attrs(["A", "Z"]))
    assert err.value.column == "status" and "Z" in str(err.value)
    with pytest.raises(ConfigError):
        portrait(_attrs(["A"]), min_a=0)


# --------------------------------------------------------------------------------------------------
# client_attributes


def _table(ids, segments, revenue, **more) -> pd.DataFrame:
    return pd.DataFrame({"client_id": ids, "name": [f"N {i}" for i in ids], "manager": "M",
                         "segment": segments, "revenue": revenue, **more})  # fmt: skip


def test_non_buyers_come_from_the_register_and_from_zero_revenue():
    table = _table(["a", "b", "gone"], ["A", "C", "D"], [10.0, 1.0, 0.0])
    register = pd.DataFrame(
        {"client_id": ["a", "b", "gone", "new"], "name": ["Reg A", None, None, "Newco"], "manager": "R"}
    )
    out = client_attributes(table, register=register)
    assert out["client_id"].tolist() == ["a", "b", "gone", "new"]
    assert out["status"].tolist() == ["A", "C", "non_buyer", "non_buyer"]
    assert out["name"].tolist() == ["N a", "N b", "N gone", "Newco"]  # the table's name first
    assert out.columns.tolist() == ["client_id", "name", "manager", "status"]  # no attribute known


def test_register_text_is_trimmed_and_blank_is_missing():
    table = _table(["a", "b", "c"], ["A", "B", "C"], [3.0, 2.0, 1.0])
    register = pd.DataFrame(
        {"client_id": ["a", "b", "c"], "industry": ["  Build  ", "", None], "region": ["Mos  cow", "x", "y"]}
    )
    out = client_attributes(table, register=register)
    assert out["industry"].tolist()[0] == "Build" and out["industry"].isna().tolist() == [False, True, True]
    assert out["region"].tolist()[0] == "Mos cow"
    assert isinstance(out["industry"].dtype, pd.CategoricalDtype)


def test_size_is_the_potential_quartile_and_needs_most_potentials_known():
    ids = [f"c{i}" for i in range(8)]
    table = _table(ids, ["B"] * 8, [1.0] * 8)
    potential = [10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0]
    out = client_attributes(table, register=pd.DataFrame({"client_id": ids, "potential": potential}))
    assert out["size"].astype(str).tolist() == ["q1", "q1", "q2", "q2", "q3", "q3", "q4", "q4"]
    assert list(out["size"].cat.categories) == ["q1", "q2", "q3", "q4"]
    mostly_unknown = [10.0, 20.0, 30.0] + [np.nan] * 5
    out = client_attributes(table, register=pd.DataFrame({"client_id": ids, "potential": mostly_unknown}))
    assert "size" not in out.columns


def test_relationship_from_created_else_first_purchase():
    table = _table(
        ["a", "b", "c", "d"],
        ["A", "B", "B", "C"],
        [4.0, 3.0, 2.0, 1.0],
        first_purchase=pd.to_datetime(["2015-01-01", "2025-06-01", "2024-01-01", None]),
    )
    register = pd.DataFrame(
        {"client_id": ["a", "b", "c", "d"], "created": pd.to_datetime(["2026-01-10", None, None, None])}
    )
    out = client_attributes(table, register=register, as_of=AS_OF)
    # a: created 10 months before as_of (the register wins over the first purchase); b: first purchase
    # 18 months before; c: almost 3 years; d: nothing known
    assert out["relationship"].astype(object).tolist()[:3] == ["lt1y", "1to3y", "1to3y"]
    assert pd.isna(out["relationship"].iloc[3])
    old = client_attributes(table.assign(first_purchase=pd.Timestamp("2023-11-25")), as_of=AS_OF)
    assert old["relationship"].astype(str).unique().tolist() == ["3y_plus"]  # exactly 3 years


def test_frequency_is_the_share_of_months_with_a_purchase():
    table = _table(
        ["a", "b", "c", "d", "e"],
        ["A", "B", "C", "C", "D"],
        [5.0, 4.0, 3.0, 2.0, 0.0],
        months_active=[9, 8, 3, 2, 0],
        xyz_months=[12, 12, 12, 12, 12],
    )
    out = client_attributes(table)
    assert out["frequency"].astype(object).tolist()[:4] == ["monthly", "quarterly", "quarterly", "rarer"]
    assert pd.isna(out["frequency"].iloc[4])  # a non-buyer has no frequency


def _sales(rows) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["date", "client_id", "amount", "product", "channel"])
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def test_product_mix_and_channel_are_the_largest_net_revenue_in_the_window():
    sales = _sales(
        [
            ("2026-03-01", "a", 100.0, "Cable 3x2.5", "shop"),
            ("2026-04-01", "a", 70.0, "Lamp E27", "web"),
            ("2026-04-02", "a", 60.0, "Lamp E27", "web"),
            ("2026-05-01", "a", -40.0, "Lamp E27", "web"),  # a return: Lamp nets 90 < Cable 100
            ("2024-01-01", "a", 999.0, "Lamp E27", "web"),  # outside the window
            ("2026-06-01", "b", 50.0, "  Lamp   E27 ", None),  # same product, blanks aside
            ("2026-12-01", "b", 500.0, "Cable 3x2.5", "shop"),  # after as_of
        ]
    )
    table = _table(["a", "b"], ["A", "B"], [190.0, 50.0])
    out = client_attributes(table, sales=sales, as_of=AS_OF)
    assert out["product_mix"].astype(object).tolist() == ["Cable 3x2.5", "Lamp E27"]
    assert out["channel"].astype(object).tolist()[0] == "shop" and pd.isna(out["channel"].iloc[1])


def test_many_products_are_grouped_by_first_word_then_other():
    words = [f"Group{k:02d}" for k in range(15)]
    rows = []
    for i, word in enumerate(words):  # client i buys mostly two products of group i
        rows += [
            ("2026-02-01", f"c{i:02d}", 60.0, f"{word} small", "x"),
            ("2026-02-02", f"c{i:02d}", 50.0, f"{word}, big", "x"),
        ]
        rows += [("2026-02-03", f"c{i:02d}", 80.0, f"Single{i}", "x")]
    for i in range(11):  # eleven groups are the main one of a second client too
        rows += [("2026-03-01", f"d{i:02d}", 10.0, f"{words[i]} small", "x")]
    sales = _sales(rows)
    ids = [f"c{i:02d}" for i in range(15)] + [f"d{i:02d}" for i in range(11)]
    out = client_attributes(_table(ids, ["B"] * len(ids), [1.0] * len(ids)), sales=sales, as_of=AS_OF)
    mix = out.set_index("client_id")["product_mix"].astype(object)
    assert mix["c00"] == "Group00" and mix["d10"] == "Group10"  # 60 + 50 beat the single 80
    assert (mix[[f"c{i}" for i in range(11, 15)]] == "other").all()
    assert mix.nunique() == 12


def test_as_of_defaults_to_the_day_after_the_last_line():
    sales = _sales([("2026-10-31", "a", 10.0, "P", "x"), ("2025-10-15", "b", 10.0, "Q", "x")])
    out = client_attributes(_table(["a", "b"], ["A", "B"], [10.0, 10.0]), sales=sales)
    # as_of 2026-11-01: the window is Nov 2025 .. Oct 2026, b's line is before it
    assert out["product_mix"].astype(object).tolist()[0] == "P" and pd.isna(out["product_mix"].iloc[1])


def test_bad_client_tables_are_refused():
    with pytest.raises(DataError) as err:
        client_attributes(pd.DataFrame({"name": ["x"], "segment": ["A"]}))
    assert err.value.column == "client_id"
    with pytest.raises(DataError) as err:
        client_attributes(pd.DataFrame({"client_id": ["a"]}))
    assert err.value.column == "segment"
    with pytest.raises(DataError) as err:
        client_attributes(_table(["a", "a"], ["A", "B"], [1.0, 1.0]))
    assert err.value.value == "a"
    with pytest.raises(DataError) as err:
        client_attributes(_table(["a"], ["A"], [1.0]), register=pd.DataFrame({"client_id": ["z", "z"]}))
    assert err.value.value == "z"
    with pytest.raises(DataError, match="class"):
        client_attributes(_table(["a"], ["Q"], [1.0]))


def test_an_empty_client_table_gives_a_thin_portrait_and_no_ranking():
    table = _table([], [], [])
    out = client_attributes(table, register=pd.DataFrame({"client_id": [], "industry": []}), as_of=AS_OF)
    assert out.empty and out.columns.tolist() == ["client_id", "name", "manager", "status"]
    p = portrait(out)
    assert (p.verdict, p.reasons) == ("thin", ("few_a", "no_attributes"))
    assert rank_lookalikes(out).attrs["reasons"] == ("few_a", "no_attributes")


# --------------------------------------------------------------------------------------------------
# rank_lookalikes on a synthetic base


@pytest.fixture(scope="module")
def synthetic() -> pd.DataFrame:
    """A: mostly industry x; B/C: mostly y; a few B/C and non-buyers with x."""
    rng = np.random.default_rng(3)
    status = ["A"] * 30 + ["B"] * 60 + ["C"] * 60 + ["D"] * 20 + ["non_buyer"] * 40
    p_x = {"A": 0.8, "B": 0.2, "C": 0.2, "D": 0.2, "non_buyer": 0.3}
    industry = [("x" if rng.random() < p_x[s] else "y") for s in status]
    region = rng.choice(["m", "n", "o"], len(status)).tolist()
    frame = _attrs(status, industry=industry, region=region)
    frame["frequency"] = pd.Categorical(["monthly" if s == "A" else "rarer" for s in status])
    return frame


def test_ranking_scores_grow_and_find_with_real_reasons(synthetic):
    ranked = rank_lookalikes(synthetic, seed=1)
    assert list(ranked.columns) == list(RANK_COLUMNS)
    kinds = ranked.groupby("kind")["status"].agg(set).to_dict()
    assert kinds == {"grow": {"B", "C"}, "find": {"non_buyer"}}  # A and D are not ranked
    assert ranked["kind"].tolist() == sorted(ranked["kind"], reverse=True)  # grow first
    for _, part in ranked.groupby("kind"):
        assert part["rank"].tolist() == list(range(1, len(part) + 1))
        assert part["score"].is_monotonic_decreasing
        assert part["score"].between(0, 1).all()
    # industry x is the A attribute: every x ranks above every y
    industry = synthetic.set_index("client_id")["industry"].astype(str)
    grow = ranked[ranked["kind"] == "grow"]
    is_x = grow["client_id"].map(industry).eq("x").to_numpy()
    assert is_x[: is_x.sum()].all()
    # reasons are the client's own values; frequency is never one (left out of the model)
    values = synthetic.set_index("client_id")
    for cid, reasons in zip(ranked["client_id"], ranked["reasons"], strict=True):
        assert len(reasons) <= 3
        for attribute, value in reasons:
            assert attribute != "frequency"
            assert values.loc[cid, attribute] == value
    assert ("industry", "x") in ranked["reasons"].iloc[0]


def test_ranking_is_deterministic_and_top_n_cuts_each_kind(synthetic):
    first = rank_lookalikes(synthetic, seed=5)
    pd.testing.assert_frame_equal(first, rank_lookalikes(synthetic, seed=5))
    top = rank_lookalikes(synthetic, top_n=7)
    assert top["kind"].value_counts().to_dict() == {"grow": 7, "find": 7}
    assert top["client_id"].tolist() == first[first["rank"] <= 7]["client_id"].tolist()


# --------------------------------------------------------------------------------------------------
# the demo: its planted portrait and future A clients


@pytest.fixture(scope="module")
def demo(demo_engagement):
    from salesaudit.demo import DEMO_FACTS
    from salesaudit.engine.session import open_engagement

    s = open_engagement(demo_engagement)
    attributes = client_attributes(
        s.segment(), register=s.table("clients"), sales=s.table("sales"), as_of=s.as_of
    )
    return attributes, DEMO_FACTS


def test_demo_portrait_names_the_planted_attributes(demo):
    attributes, facts = demo
    p = portrait(attributes)
    assert p.verdict == "enough"
    top = set(zip(p.top["attribute"], p.top["value"], strict=True))
    assert set(facts["a_portrait"].items()) <= top  # industry Строительство, region Москва
    assert {"industry", "region", "relationship", "frequency", "product_mix"} <= set(attributes.columns)
    assert "size" not in attributes.columns  # the demo knows the potential of 30 % of its clients


def test_demo_ranking_finds_the_future_a_clients(demo):
    attributes, facts = demo
    ranked = rank_lookalikes(attributes, seed=0)
    grow = ranked[ranked["kind"] == "grow"]
    planted = set(facts["future_a_client_ids"])
    candidates = int(grow["client_id"].isin(planted).sum())
    assert candidates == len(planted)  # every future A client is a B/C buyer
    chance = 20 * candidates / len(grow)
    found = int(grow.head(20)["client_id"].isin(planted).sum())
    assert found >= max(3, 3 * chance), (found, chance)
    values = attributes.set_index("client_id")
    for cid, reasons in zip(grow.head(20)["client_id"], grow.head(20)["reasons"], strict=True):
        assert len(reasons) >= 2
        assert all(values.loc[cid, a] == v for a, v in reasons)
    pd.testing.assert_frame_equal(ranked, rank_lookalikes(attributes, seed=0))
