"""Clients stage: ABC(D), XYZ, potential, score, dormant, migration (PLAYBOOK.md, "Clients").

Every expected value below is worked out by hand in the comment next to it.
"""

from __future__ import annotations

from fractions import Fraction
from importlib import resources

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from salesaudit.clients.segmentation import (
    CLIENT_COLUMNS,
    MIGRATION_FROM,
    MIGRATION_TO,
    abc_classes,
    abc_xyz_matrix,
    dormant_clients,
    growth_candidates,
    lost_clients,
    migration_matrix,
    monthly_revenue,
    segment_clients,
    shared_clients,
    xyz_classes,
)
from salesaudit.clients.wording import findings
from salesaudit.exceptions import ConfigError, DataError
from salesaudit.frames import analysis_window
from salesaudit.frames import minor_units as _minor_units
from salesaudit.report.i18n import t

AS_OF = "2026-11-25"  # window 2025-11-01 .. 2026-10-31, previous 2024-11-01 .. 2025-10-31


def sales_frame(rows, **extra) -> pd.DataFrame:
    """Canonical sales from ``(date, client_id, amount)`` tuples plus optional columns."""
    frame = pd.DataFrame(rows, columns=["date", "client_id", "amount"])
    frame["date"] = pd.to_datetime(frame["date"])
    frame["client_id"] = frame["client_id"].astype("str")
    frame["amount"] = frame["amount"].astype(float)
    for name, values in extra.items():
        frame[name] = pd.Series(values, dtype="float64" if name in ("margin", "cost") else "str")
    return frame


def classes(values, ids=None, **kw) -> list[str]:
    ids = ids or [f"c{i}" for i in range(len(values))]
    out = abc_classes(pd.Series(values, index=ids, dtype=float), **kw)
    return out["abc_class"].reindex(ids).tolist()


# --------------------------------------------------------------------------------------------------
# window


def test_window_is_last_full_months_before_as_of():
    assert analysis_window(as_of=AS_OF) == (pd.Timestamp("2025-11-01"), pd.Timestamp("2026-10-31"))
    # the previous window is the 12 months before it
    assert analysis_window(as_of=AS_OF, offset=1) == (
        pd.Timestamp("2024-11-01"),
        pd.Timestamp("2025-10-31"),
    )
    # even on the month's last day, the month of as_of is not full "before as_of"
    assert analysis_window(as_of="2026-11-30", window_months=3)[1] == pd.Timestamp("2026-10-31")


def test_window_errors():
    with pytest.raises(ConfigError):
        analysis_window(as_of="not a date")
    with pytest.raises(ConfigError):
        analysis_window(as_of=AS_OF, window_months=0)


def test_lines_on_window_edges():
    sales = sales_frame(
        [
            ("2025-10-31", "k", 1.0),  # previous window's last day
            ("2025-11-01", "k", 10.0),  # current window's first day
            ("2026-10-31", "k", 100.0),  # current window's last day
            ("2026-11-01", "k", 1000.0),  # after the window, before as_of: not revenue
            ("2026-11-26", "k", 10000.0),  # after as_of: does not exist yet
        ]
    )
    row = segment_clients(sales, as_of=AS_OF).iloc[0]
    assert row["revenue"] == 110.0
    assert row["prev_revenue"] == 1.0
    # the last purchase looks up to as_of (inclusive), not only in the window
    assert row["last_purchase"] == pd.Timestamp("2026-11-01")
    assert row["days_silent"] == 24


# --------------------------------------------------------------------------------------------------
# ABC boundary rules


def test_crossing_client_is_a():
    # 50 + 40 = 90 % crosses 80 %: the crossing client is A; the next starts at 90 % -> B
    assert classes([50, 40, 10]) == ["A", "A", "B"]


def test_client_exactly_on_80_percent_is_a():
    # 40 + 40 lands exactly on 80 %: both A; 10 starts at 80 % (not below) -> B, and 10 starts at
    # 90 % < 95 % -> B (its cumulative reaches 100 %, crossing 95 %)
    assert classes([40, 40, 10, 10]) == ["A", "A", "B", "B"]


def test_exact_comparison_beats_float_error():
    # In floats 0.7 + 0.1 < 0.8, so a float comparison would think 80 % not yet reached and make
    # the third client A. In kopecks 70 + 10 = 80 of 100: exactly 80 %, the third client is B.
    assert 0.7 + 0.1 < 0.8
    # cumulative before each: 0, 70, 80, 89, 95 kopecks of 100
    assert classes([0.7, 0.1, 0.09, 0.06, 0.05]) == ["A", "A", "B", "B", "C"]


def test_tie_across_the_boundary_shares_the_better_class():
    # alone, the third client would start at 85 % -> B; it ties with the second (A) -> A
    assert classes([70, 15, 15]) == ["A", "A", "A"]
    # the same at the B/C line: 85 + 5 + 5 + 5; cumulative before: 0, 85, 90, 95 -> A, B, B, C;
    # the last ties with the two B -> B
    assert classes([85, 5, 5, 5]) == ["A", "B", "B", "B"]


def test_ties_sorted_by_client_id():
    out = abc_classes(pd.Series([5.0, 5.0, 90.0], index=["z", "a", "m"]))
    assert out.index.tolist() == ["m", "a", "z"]
    assert out["rank"].tolist() == [1, 2, 3]


def test_below_rule_differs_from_reach():
    # cumulative including each: 50, 80, 95, 100 %
    # reach (before: 0, 50, 80, 95):  A, A, B, C
    # below (including < cut-off):    A (50<80), B (80 not < 80, < 95), C (95 not < 95), C
    values = [50, 30, 15, 5]
    assert classes(values) == ["A", "A", "B", "C"]
    assert classes(values, rule="below") == ["A", "B", "C", "C"]


def test_nonpositive_values_are_out_of_the_base():
    # base 85 + 15 = 100: 85 -> A; 15 starts at 85 % -> B
    out = abc_classes(pd.Series([85.0, 15.0, 0.0, -30.0, np.nan], index=list("abcde")))
    assert out["abc_class"].tolist()[:4] == ["A", "B", "D", "D"]
    assert pd.isna(out.loc["e", "abc_class"])
    # shares are of 85 + 15 only: the negative client does not inflate anyone's share
    assert out.loc["a", "share"] == pytest.approx(0.85)
    assert out.loc["d", "share"] == pytest.approx(-0.3)
    assert pd.isna(out.loc["c", "cum_share"]) and pd.isna(out.loc["c", "rank"])
    # nonpositive=None: no class at all (used for potential)
    none = abc_classes(pd.Series([1.0, 0.0], index=["a", "b"]), nonpositive=None)
    assert pd.isna(none.loc["b", "abc_class"])


def test_cutoffs_are_read_exactly_and_custom_ones_work():
    # 0.5 / 0.9, sorted a 30, d 22, b 20, c 18, e 10; before each: 0, 30, 52, 72, 90 %.
    # a, d -> A (d crosses 50 %); b, c -> B (c lands exactly on 90 %); e starts at 90 % -> C
    assert classes([30, 20, 18, 22, 10], ids=list("abcde"), cutoffs=(0.5, 0.9)) == [
        "A",
        "B",
        "B",
        "A",
        "C",
    ]
    assert classes([1, 1], cutoffs=(Fraction(1, 2), 1)) == ["A", "A"]


def test_minor_units_round_half_even():
    # kopecks half-even: 0.125 -> 12, 0.135 -> 14, 0.285 (stored 0.28499999...) -> 28 like "0.285"
    assert _minor_units([0.125, 0.135, 0.285, -0.125, 2.5], decimals=2).tolist() == [12, 14, 28, -12, 250]
    assert _minor_units([2.5, 3.5], decimals=0).tolist() == [2, 4]


@pytest.mark.parametrize(
    "kw",
    [
        {"cutoffs": (0.95, 0.8)},
        {"cutoffs": (0.8,)},
        {"cutoffs": (0.0, 0.5)},
        {"cutoffs": ("x", 0.9)},
        {"rule": "inventorize"},
    ],
)
def test_abc_setting_errors(kw):
    with pytest.raises(ConfigError):
        abc_classes(pd.Series([1.0], index=["a"]), **kw)


def test_abc_duplicate_client_is_an_error():
    with pytest.raises(DataError):
        abc_classes(pd.Series([1.0, 2.0], index=["a", "a"]))


kopecks = st.lists(st.integers(min_value=1, max_value=10**9), min_size=1, max_size=40)


@settings(max_examples=150, deadline=None)
@given(kopecks)
def test_property_a_reaches_80_percent_and_ties_stay_together(values):
    money = pd.Series(np.array(values) / 100.0, index=[f"c{i:03d}" for i in range(len(values))])
    out = abc_classes(money)
    minor = np.array(values)[[int(i[1:]) for i in out.index]]
    cls = out["abc_class"].to_numpy()
    total = minor.sum()
    # A reaches at least 80 % exactly; A+B at least 95 %
    assert 5 * minor[cls == "A"].sum() >= 4 * total
    assert 20 * minor[np.isin(cls, ["A", "B"])].sum() >= 19 * total
    # classes never improve down the ranking, and equal values share a class
    codes = np.searchsorted(np.array(["A", "B", "C"]), cls)
    assert (np.diff(codes) >= 0).all()
    for value in np.unique(minor):
        assert len(set(cls[minor == value])) == 1
    # "below" never gives a better class than "reach"
    below = abc_classes(money, rule="below")["abc_class"].reindex(out.index).to_numpy()
    assert (np.searchsorted(np.array(["A", "B", "C"]), below) >= codes).all()


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=10**9), min_size=2, max_size=40, unique=True))
def test_property_removing_the_last_a_drops_below_80_percent(values):
    # distinct values (no tie extension): A is the smallest set reaching 80 %
    out = abc_classes(pd.Series(np.array(values) / 100.0, index=range(len(values))))
    a = out.index[out["abc_class"] == "A"]
    minor = np.array(values)
    assert 5 * (minor[a].sum() - minor[a[-1]]) < 4 * minor.sum()


def reference_classes(values: list[int], rule: str) -> dict[int, str]:
    """Playbook rule written naively with Fractions: position -> class, ties take the better class."""
    positive = sorted((i for i, v in enumerate(values) if v > 0), key=lambda i: (-values[i], i))
    total = sum(values[i] for i in positive)
    cum, out, first_of_value = 0, {}, {}
    for i in positive:
        before = Fraction(cum, total)
        cum += values[i]
        key = before if rule == "reach" else Fraction(cum, total)
        own = "A" if key < Fraction(4, 5) else "B" if key < Fraction(19, 20) else "C"
        out[i] = first_of_value.setdefault(values[i], own)
    out.update({i: "D" for i, v in enumerate(values) if v <= 0})
    return out


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(min_value=-5, max_value=12), min_size=1, max_size=30),
    st.sampled_from(["reach", "below"]),
)
def test_property_matches_a_naive_fraction_reference(values, rule):
    # small integers (kopecks) make ties and exact landings on 80 % / 95 % frequent
    money = pd.Series(np.array(values) / 100.0, index=[f"c{i:03d}" for i in range(len(values))])
    out = abc_classes(money, rule=rule)["abc_class"]
    expected = reference_classes(values, rule)
    assert {int(k[1:]): v for k, v in out.items()} == expected


# --------------------------------------------------------------------------------------------------
# XYZ


def monthly_sales(table: dict[str, list[float]], *, lead: bool = True) -> pd.DataFrame:
    """One line per client-month of the window Nov 2025 .. Oct 2026 (zeros skipped), plus a purchase
    in the previous window when ``lead`` so that the whole window is observed."""
    months = pd.date_range("2025-11-01", periods=12, freq="MS") + pd.Timedelta(days=9)
    rows = []
    for client, values in table.items():
        if lead:
            rows.append(("2025-05-15", client, 1.0))
        rows += [(d, client, v) for d, v in zip(months, values, strict=True) if v != 0]
    return sales_frame(rows)


def test_xyz_published_style_table_matches_numpy_to_001_percent():
    table = {
        "steady": [100] * 12,  # σ = 0 -> cv 0 -> X
        "alternating": [100, 120] * 6,  # mean 110, σ = 10 -> cv 1/11 = 9.09 % -> X
        "seasonal": [80, 90, 100, 110, 120, 130, 120, 110, 100, 90, 80, 70],
        "gaps": [0, 0, 300, 0, 0, 0, 150, 0, 0, 0, 0, 60],  # months without purchase count as 0
        "returns": [200, -50, 180, 220, 0, 190, 210, 205, 195, 200, 210, 190],
    }
    xyz = xyz_classes(monthly_sales(table), as_of=AS_OF)
    for client, values in table.items():
        v = np.array(values, dtype=float)
        expected = v.std(ddof=0) / v.mean()
        assert xyz.loc[client, "cv"] == pytest.approx(expected, rel=1e-4, abs=1e-12), client
        assert xyz.loc[client, "xyz_months"] == 12
    assert xyz.loc["steady", "cv"] == 0.0
    assert xyz.loc["alternating", "cv"] == pytest.approx(1 / 11, rel=1e-4)
    # seasonal: mean 100, σ = sqrt(3400/12) = 16.83 % -> Y; gaps: Z; returns: Z (cv about 0.44)
    assert xyz["xyz_class"].to_dict() == {
        "alternating": "X",
        "gaps": "Z",
        "returns": "Z",
        "seasonal": "Y",
        "steady": "X",
    }
    assert xyz.loc["gaps", "months_active"] == 3


def test_xyz_population_sigma_not_sample():
    # three months 88, 100, 112: mean 100; population σ = sqrt(288/3) = 9.80 -> cv 9.80 % -> X;
    # the sample σ would be sqrt(288/2) = 12 -> 12 % -> Y
    values = np.array([88.0, 100.0, 112.0])
    assert values.std(ddof=1) / values.mean() > 0.10 >= values.std(ddof=0) / values.mean()
    sales = sales_frame([("2026-08-03", "p", 88.0), ("2026-09-03", "p", 100.0), ("2026-10-03", "p", 112.0)])
    row = xyz_classes(sales, as_of=AS_OF).loc["p"]
    assert row["cv"] == pytest.approx(np.sqrt(96) / 100)
    assert row["xyz_class"] == "X"
    assert row["xyz_months"] == 3  # observed from the first purchase month, not the whole window


def test_xyz_mean_zero_has_no_class():
    # bought 100 in January, returned it in February: 10 months observed, mean 0 -> "none"
    sales = sales_frame([("2026-01-10", "z", 100.0), ("2026-02-10", "z", -100.0)])
    row = xyz_classes(sales, as_of=AS_OF).loc["z"]
    assert row["xyz_class"] == "none"
    assert pd.isna(row["cv"])
    assert row["mean"] == 0.0


def test_xyz_new_clients():
    sales = sales_frame(
        [
            ("2026-09-15", "two_months", 100.0),  # Sep + Oct: 2 months < 3 -> new
            ("2026-10-01", "two_months", 100.0),
            ("2026-08-31", "three_months", 100.0),  # Aug, Sep, Oct: 3 months -> classified
            ("2026-09-30", "three_months", 100.0),
            ("2026-10-30", "three_months", 100.0),
            ("2024-01-10", "old", 100.0),  # old client buying again: not new, whole window observed
            ("2026-10-10", "old", 100.0),
        ]
    )
    xyz = xyz_classes(sales, as_of=AS_OF)
    assert xyz.loc["two_months", "xyz_class"] == "new" and pd.isna(xyz.loc["two_months", "cv"])
    assert xyz.loc["three_months", "xyz_class"] == "X"
    assert xyz.loc["old", "xyz_class"] == "Z" and xyz.loc["old", "xyz_months"] == 12
    # new_months=2 lets a two-month client have a class
    assert xyz_classes(sales, as_of=AS_OF, new_months=2).loc["two_months", "xyz_class"] == "X"


def test_xyz_limits_inclusive_and_errors():
    # cv exactly 10 %: alternating 90 / 110, mean 100, σ 10 -> X (<=), with x = 0.09 -> Y
    sales = monthly_sales({"edge": [90, 110] * 6})
    assert xyz_classes(sales, as_of=AS_OF).loc["edge", "xyz_class"] == "X"
    assert xyz_classes(sales, as_of=AS_OF, x=0.09).loc["edge", "xyz_class"] == "Y"
    assert xyz_classes(sales, as_of=AS_OF, x=0.01, y=0.05).loc["edge", "xyz_class"] == "Z"
    with pytest.raises(ConfigError):
        xyz_classes(sales, as_of=AS_OF, x=0.3, y=0.2)
    with pytest.raises(ConfigError):
        xyz_classes(sales, as_of=AS_OF, new_months=0)


def test_monthly_revenue_nets_returns_per_month():
    sales = sales_frame([("2026-09-05", "c", 100.0), ("2026-09-30", "c", -40.0), ("2026-10-01", "c", 10.0)])
    table = monthly_revenue(sales, as_of=AS_OF)
    assert list(table.columns[:2]) == ["2025-11", "2025-12"] and table.columns[-1] == "2026-10"
    assert table.loc["c", "2026-09"] == 60.0 and table.loc["c", "2026-10"] == 10.0
    assert table.loc["c"].sum() == 70.0


# --------------------------------------------------------------------------------------------------
# segment_clients: one scenario worked out by hand


@pytest.fixture
def scenario():
    sales = sales_frame(
        [
            ("2025-03-01", "K1", 500.0),  # previous window
            ("2026-01-15", "K1", 600.0),
            ("2026-02-15", "K1", 200.0),
            ("2026-11-10", "K1", 100.0),  # after the window: last purchase only
            ("2025-05-05", "K2", 100.0),
            ("2026-03-10", "K2", 150.0),
            ("2026-09-20", "K3", 50.0),  # first purchase ever: new
            ("2025-06-01", "K4", 400.0),  # previous window only: lost
            ("2026-05-01", "K5", 100.0),
            ("2026-06-01", "K5", -150.0),  # net -50
            ("2023-05-01", "K6", 100.0),  # returning after a break
            ("2026-07-01", "K6", 20.0),
            ("2023-01-01", "K7", 999.0),  # before both windows: not in the table
            ("2026-12-01", "K9", 999.0),  # after as_of: ignored
        ],
        manager=["Ivanov", "Ivanov", "Petrov", "Ivanov", "Petrov", "Petrov", "Petrov", "Sidorov"]
        + ["Sidorov", "Sidorov", "Ivanov", None, "Ivanov", "Ivanov"],
        document_id=["D0", "D1", "D2", "D9", "D3", "D4", "D5", "D6", "D7", "D8"] + [None, None, "D10", "D11"],
        client_name=[None, None, None, None, None, "ООО Бета", None, None, None, None]
        + [None, None, None, None],
    )
    clients = pd.DataFrame(
        {
            "client_id": pd.Series(["K1", "K2", "K6"], dtype="str"),
            "name": pd.Series(["ООО Альфа", None, None], dtype="str"),
            "manager": pd.Series(["Sidorov", "Sidorov", "Sidorov"], dtype="str"),
        }
    )
    return sales, clients


def test_segment_clients_scenario(scenario):
    sales, clients = scenario
    table = segment_clients(sales, as_of=AS_OF, clients=clients).set_index("client_id")
    assert list(segment_clients(sales, as_of=AS_OF).columns) == list(CLIENT_COLUMNS)
    # revenue: K1 800, K2 150, K3 50, K6 20 (positive total 1020); K5 -50; K4 0 (lost)
    assert sorted(table.index) == ["K1", "K2", "K3", "K4", "K5", "K6"]
    assert table["revenue"].to_dict() == {
        "K1": 800.0,
        "K2": 150.0,
        "K3": 50.0,
        "K6": 20.0,
        "K5": -50.0,
        "K4": 0.0,
    }
    # sorted by rank: K1, K2, K3, K6, then the non-positive by value: K4 (0), K5 (-50)
    assert table.index.tolist() == ["K1", "K2", "K3", "K6", "K4", "K5"]
    # before each: 0 -> A; 800/1020 = 78.4 % -> A; 950/1020 = 93.1 % -> B; 1000/1020 = 98 % -> C
    assert table["abc_class"].to_dict() == {
        "K1": "A",
        "K2": "A",
        "K3": "B",
        "K6": "C",
        "K4": "D",
        "K5": "D",
    }
    assert table.loc["K2", "cum_share"] == pytest.approx(950 / 1020)
    assert table.loc["K5", "d_reason"] == "nonpositive_revenue"
    assert table.loc["K4", "d_reason"] == "no_sales" and table.loc["K4", "lost"]
    assert table["segment"].tolist() == ["A", "A", "B", "C", "D", "D"]
    # previous window: K1 500, K4 400, K2 100 -> before: 0, 50 %, 90 % -> A, A, B
    assert table["prev_class"].to_dict() == {
        "K1": "A",
        "K2": "B",
        "K3": "new",
        "K6": "none",
        "K4": "A",
        "K5": "new",
    }
    # main manager by revenue: K1 Ivanov 600 vs Petrov 200; K4 has no line in the window -> register
    # or, without a register entry, none; K6's only window line has no manager -> register
    assert table.loc["K1", "manager"] == "Ivanov" and table.loc["K1", "n_managers"] == 2
    assert table.loc["K3", "manager"] == "Petrov"
    assert table.loc["K6", "manager"] == "Sidorov" and table.loc["K6", "n_managers"] == 0
    assert pd.isna(table.loc["K4", "manager"])
    # names: register first, else the sales lines
    assert table.loc["K1", "name"] == "ООО Альфа" and table.loc["K2", "name"] == "ООО Бета"
    # orders: K1 D1 + D2 in the window (D9 is after it); K5's return D8 is no order; K6 has no
    # document_id -> its date counts
    assert table["orders"].to_dict() == {"K1": 2, "K2": 1, "K3": 1, "K6": 1, "K4": 0, "K5": 1}
    # dormant since 2026-05-25: K2 (last 2026-03-10) is an A -> alarm; K4 is dormant too, no alarm
    assert table["dormant"].to_dict() == {
        "K1": False,
        "K2": True,
        "K3": False,
        "K6": False,
        "K4": True,
        "K5": True,
    }
    assert table.index[table["dormant_alarm"]].tolist() == ["K2"]
    assert table.loc["K1", "last_purchase"] == pd.Timestamp("2026-11-10")
    assert table.loc["K1", "first_purchase"] == pd.Timestamp("2025-03-01")
    assert table.loc["K3", "xyz_class"] == "new"
    # no activities, margin or potential data: columns present but empty
    assert table["activities"].isna().all() and table["margin"].isna().all()
    assert table["margin_class"].isna().all() and table["potential_class"].isna().all()
    assert not table["a_by_potential"].any()


def test_segment_clients_does_not_mutate_inputs(scenario):
    sales, clients = scenario
    before_sales, before_clients = sales.copy(), clients.copy()
    segment_clients(sales, as_of=AS_OF, clients=clients)
    pd.testing.assert_frame_equal(sales, before_sales)
    pd.testing.assert_frame_equal(clients, before_clients)


def test_migration_views(scenario):
    sales, clients = scenario
    table = segment_clients(sales, as_of=AS_OF, clients=clients)
    matrix = migration_matrix(table)
    assert list(matrix.index) == list(MIGRATION_FROM) and list(matrix.columns) == list(MIGRATION_TO)
    assert matrix.loc["A", "A"] == 1  # K1
    assert matrix.loc["B", "A"] == 1  # K2 grew
    assert matrix.loc["new", "B"] == 1  # K3
    assert matrix.loc["new", "D"] == 1  # K5
    assert matrix.loc["none", "C"] == 1  # K6 came back
    assert matrix.loc["A", "lost"] == 1  # K4
    assert matrix.to_numpy().sum() == len(table)
    assert lost_clients(table)["client_id"].tolist() == ["K4"]
    assert lost_clients(table, classes=("B",)).empty
    dormant = dormant_clients(table)
    assert dormant["client_id"].tolist() == ["K2"] and dormant.loc[0, "days_silent"] == 260


def test_negative_margin_makes_d_but_keeps_the_revenue_class():
    sales = sales_frame(
        [("2026-03-01", "big", 1000.0), ("2026-03-01", "small", 100.0)],
        margin=[-10.0, 30.0],
    )
    table = segment_clients(sales, as_of=AS_OF).set_index("client_id")
    assert table.loc["big", "abc_class"] == "A"
    assert table.loc["big", "segment"] == "D" and table.loc["big", "d_reason"] == "negative_margin"
    assert table.loc["big", "margin_class"] == "D" and table.loc["small", "margin_class"] == "A"


def test_margin_from_cost_and_unknown_margin():
    # margin = amount - cost where no margin is given; a client without any cost stays unknown
    sales = sales_frame(
        [("2026-03-01", "a", 100.0), ("2026-04-01", "a", 50.0), ("2026-03-01", "b", 80.0)],
        cost=[70.0, 60.0, np.nan],
    )
    table = segment_clients(sales, as_of=AS_OF).set_index("client_id")
    assert table.loc["a", "margin"] == pytest.approx(20.0)  # 30 - 10
    assert pd.isna(table.loc["b", "margin"]) and table.loc["b", "segment"] != "D"


def activities_frame(rows) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["date", "manager", "type", "client_id"])
    frame["date"] = pd.to_datetime(frame["date"])
    for col in ("manager", "type", "client_id"):
        frame[col] = frame[col].astype("str")
    return frame


def test_cost_to_serve_d_rule():
    # revenue 900, 60, 30, 10: before each 0, 90 %, 96 %, 99 % -> A, B, C, C
    sales = sales_frame(
        [
            ("2026-03-01", "a", 900.0),
            ("2026-03-01", "b", 60.0),
            ("2026-03-01", "busy", 30.0),
            ("2026-03-01", "calm", 10.0),
        ]
    )
    acts = activities_frame(
        [("2026-04-01", "M", "call", "busy")] * 3
        + [("2026-04-01", "M", "call", "calm")] * 2
        + [("2026-04-01", "M", "call", "b")] * 9
        + [("2025-01-01", "M", "call", "calm")] * 9  # before the window: not counted
    )
    table = segment_clients(sales, as_of=AS_OF, activities=acts, d_activity_threshold=2)
    table = table.set_index("client_id")
    assert table["activities"].to_dict() == {"a": 0, "b": 9, "busy": 3, "calm": 2}
    # busy: C, 3 > 2 activities -> D; calm: exactly 2 is not above -> C; b has many but is B
    assert table.loc["busy", "segment"] == "D" and table.loc["busy", "d_reason"] == "cost_to_serve"
    assert table.loc["calm", "segment"] == "C" and table.loc["b", "segment"] == "B"
    # a potential that would lift it (A or B by potential) protects a C client
    clients = pd.DataFrame(
        {"client_id": pd.Series(["busy", "a"], dtype="str"), "potential": [5000.0, 1000.0]}
    )
    lifted = segment_clients(
        sales, as_of=AS_OF, activities=acts, clients=clients, d_activity_threshold=2
    ).set_index("client_id")
    assert lifted.loc["busy", "potential_class"] == "A" and lifted.loc["busy", "segment"] == "C"


def test_dormant_boundary_and_alarm_only_for_a_b():
    # as_of 2026-11-25 - 6 months = 2026-05-25: a purchase that day is recent; a day earlier is not
    sales = sales_frame(
        [
            ("2026-05-25", "recent", 500.0),
            ("2026-05-24", "dormant_a", 400.0),
            ("2026-05-24", "dormant_c", 10.0),
        ]
    )
    table = segment_clients(sales, as_of=AS_OF).set_index("client_id")
    assert table["dormant"].to_dict() == {"recent": False, "dormant_a": True, "dormant_c": True}
    assert table["abc_class"].to_dict() == {"recent": "A", "dormant_a": "A", "dormant_c": "C"}
    assert table["dormant_alarm"].to_dict() == {"recent": False, "dormant_a": True, "dormant_c": False}
    assert not segment_clients(sales, as_of=AS_OF, dormant_months=7)["dormant"].any()


def test_potential_share_of_wallet_and_a_by_potential():
    sales = sales_frame(
        [("2026-06-01", "a", 960.0), ("2026-06-01", "giant", 30.0), ("2026-06-01", "c", 10.0)]
    )
    clients = pd.DataFrame(
        {"client_id": pd.Series(["a", "giant", "c"], dtype="str"), "potential": [1200.0, 10000.0, np.nan]}
    )
    table = segment_clients(sales, as_of=AS_OF, clients=clients).set_index("client_id")
    # 12-month window: share of wallet = revenue / potential
    assert table.loc["a", "share_of_wallet"] == pytest.approx(0.8)
    assert table.loc["giant", "share_of_wallet"] == pytest.approx(0.003)
    assert pd.isna(table.loc["c", "share_of_wallet"])
    # by revenue giant starts at 96 % -> C; by potential 10000 of 11200 -> A (a starts at 89 % -> B);
    # A by potential is shown beside the revenue class: its segment stays C
    assert table.loc["giant", "a_by_potential"] and table.loc["giant", "abc_class"] == "C"
    assert table.loc["giant", "segment"] == "C"
    assert table.loc["a", "potential_class"] == "B" and not table.loc["a", "a_by_potential"]
    assert table.loc["giant", "headroom"] == pytest.approx(9970.0)
    # a 6-month window halves the yearly potential: 960 / 600 = 1.6
    half = segment_clients(sales, as_of=AS_OF, clients=clients, window_months=6).set_index("client_id")
    assert half.loc["a", "share_of_wallet"] == pytest.approx(1.6)
    growth = growth_candidates(table.reset_index())
    assert growth["client_id"].tolist() == ["giant"] and growth.loc[0, "target_class"] == "B"


def test_score_renormalises_weights_over_available_criteria():
    # no margin, no potential: weights revenue .4 and frequency .2 -> 2/3 and 1/3.
    # revenue shares 300/400 = .75 and .25; order shares 1/4 and 3/4
    # score a = 2/3 × .75 + 1/3 × .25 = 7/12; b = 2/3 × .25 + 1/3 × .75 = 5/12
    sales = sales_frame(
        [("2026-03-01", "a", 300.0)] + [(f"2026-0{m}-01", "b", v) for m, v in ((3, 40), (4, 30), (5, 30))]
    )
    table = segment_clients(sales, as_of=AS_OF).set_index("client_id")
    assert table.loc["a", "score"] == pytest.approx(7 / 12)
    assert table.loc["b", "score"] == pytest.approx(5 / 12)
    assert table["score"].sum() == pytest.approx(1.0)
    # only frequency: b has 3 of 4 orders -> .75 -> A; a starts at 75 % -> A (crosses to 100 %)
    freq = segment_clients(sales, as_of=AS_OF, weights={"frequency": 1}).set_index("client_id")
    assert freq.loc["b", "score"] == pytest.approx(0.75) and freq["score_class"].eq("A").all()


@pytest.mark.parametrize(
    "weights", [{"revenue": -1}, {"loyalty": 1}, {"revenue": 0}, {"revenue": "high"}, [0.4]]
)
def test_score_weight_errors(weights):
    sales = sales_frame([("2026-03-01", "a", 300.0)])
    with pytest.raises(ConfigError):
        segment_clients(sales, as_of=AS_OF, weights=weights)


def test_orders_without_document_id_count_dates():
    sales = sales_frame(
        [
            ("2026-03-01", "a", 10.0),
            ("2026-03-01", "a", 10.0),  # same day: one order
            ("2026-03-02", "a", 10.0),
            ("2026-03-03", "a", -5.0),  # a return is no order
        ]
    )
    assert segment_clients(sales, as_of=AS_OF)["orders"].tolist() == [2]


@pytest.mark.parametrize(
    "mutate, error",
    [
        (lambda s: s.drop(columns="amount"), DataError),
        (lambda s: s.assign(amount=[np.nan]), DataError),
        (lambda s: s.assign(date=pd.Series([pd.NaT], dtype="datetime64[us]")), DataError),
        (lambda s: s.assign(date=["2026-03-01"]), DataError),
        (lambda s: s.assign(client_id=pd.Series([None], dtype="str")), DataError),
    ],
)
def test_segment_clients_bad_sales(mutate, error):
    with pytest.raises(error):
        segment_clients(mutate(sales_frame([("2026-03-01", "a", 1.0)])), as_of=AS_OF)


@pytest.mark.parametrize(
    "kw",
    [
        {"as_of": "soon"},
        {"window_months": 0},
        {"dormant_months": 0},
        {"d_activity_threshold": -1},
        {"rule": "x"},
        {"new_months": 0},
    ],
)
def test_segment_clients_bad_settings(kw):
    kw = {"as_of": AS_OF, **kw}
    with pytest.raises(ConfigError):
        segment_clients(sales_frame([("2026-03-01", "a", 1.0)]), **kw)


def test_duplicate_register_client_is_an_error():
    clients = pd.DataFrame({"client_id": pd.Series(["a", "a"], dtype="str")})
    with pytest.raises(DataError):
        segment_clients(sales_frame([("2026-03-01", "a", 1.0)]), as_of=AS_OF, clients=clients)


# --------------------------------------------------------------------------------------------------
# other views


def test_abc_xyz_matrix_counts_and_shares():
    table = pd.DataFrame(
        {
            "abc_class": ["A", "A", "B", "C", "D"],
            "xyz_class": ["X", "X", "Z", "new", "none"],
            "revenue": [50.0, 30.0, 15.0, 5.0, -10.0],
        }
    )
    m = abc_xyz_matrix(table)
    assert m["clients"].loc["A", "X"] == 2 and m["clients"].to_numpy().sum() == 4  # D left out
    assert m["revenue_share"].loc["A", "X"] == pytest.approx(0.8)
    assert m["revenue_share"].loc["B", "Z"] == pytest.approx(0.15)
    assert m["revenue_share"].to_numpy().sum() == pytest.approx(1.0)
    with pytest.raises(DataError):
        abc_xyz_matrix(table.drop(columns="xyz_class"))


def test_shared_clients():
    sales = sales_frame(
        [
            ("2026-05-01", "c1", 300.0),
            ("2026-06-01", "c1", 100.0),
            ("2026-06-02", "c1", 100.0),
            ("2026-07-01", "c2", 50.0),
            ("2024-07-01", "c2", 50.0),  # outside the window
        ],
        manager=["Petrov", "Ivanov", "Sidorov", "Petrov", "Ivanov"],
    )
    out = shared_clients(sales, as_of=AS_OF)
    assert out["client_id"].tolist() == ["c1"]
    # Ivanov and Sidorov tie at 100: by name
    assert out.loc[0, "managers"] == "Petrov, Ivanov, Sidorov"
    assert out.loc[0, "n_managers"] == 3 and out.loc[0, "main_share"] == pytest.approx(0.6)
    assert shared_clients(sales.drop(columns="manager"), as_of=AS_OF).empty


@pytest.mark.parametrize("text", ["category", "object"])
def test_shared_clients_on_coded_managers(text):
    """Managers as categories (one unused) or text, a line without a manager: the same answer."""
    sales = sales_frame(
        [("2026-05-01", "c1", 300.0), ("2026-06-01", "c1", -100.0), ("2026-06-02", "c1", 80.0)]
        + [("2026-06-03", "c1", 500.0), ("2026-07-01", "c2", 50.0), ("2026-07-02", "c2", 70.0)],
        manager=["Petrov", "Ivanov", "Ivanov", None, "Petrov", "Sidorov"],
    )
    sales["manager"] = sales["manager"].astype(text)
    if text == "category":
        sales["manager"] = sales["manager"].cat.add_categories(["Zed"])
    out = shared_clients(sales, as_of=AS_OF).set_index("client_id")
    assert out.index.tolist() == ["c1", "c2"]  # 280 > 120: the line without a manager is no one's
    assert out.loc["c1", "managers"] == "Petrov, Ivanov" and out.loc["c1", "revenue"] == pytest.approx(280.0)
    assert out.loc["c2", "main_manager"] == "Sidorov" and out.loc["c2", "main_share"] == pytest.approx(
        70 / 120
    )


def test_growth_candidates_limits_share_of_wallet():
    table = pd.DataFrame(
        {
            "client_id": ["c_to_b", "b_to_a", "b_pot_b", "full", "d"],
            "name": None,
            "manager": "M",
            "segment": ["C", "B", "B", "C", "D"],
            "potential_class": ["B", "A", "B", "A", "A"],
            "revenue": [10.0, 50.0, 60.0, 90.0, 0.0],
            "potential": [400.0, 1000.0, 500.0, 100.0, 900.0],
            "share_of_wallet": [0.025, 0.05, 0.12, 0.9, 0.0],
            "headroom": [390.0, 950.0, 440.0, 10.0, 900.0],
        }
    )
    out = growth_candidates(table)
    assert out["client_id"].tolist() == ["b_to_a", "c_to_b"]  # largest headroom first
    assert out["target_class"].tolist() == ["A", "B"]
    assert growth_candidates(table, max_share_of_wallet=0.03)["client_id"].tolist() == ["c_to_b"]


# --------------------------------------------------------------------------------------------------
# findings


@pytest.fixture
def findings_table():
    return pd.DataFrame(
        {
            "client_id": ["a1", "a2", "b1", "c1", "d1", "lost1"],
            "revenue": [500.0, 300.0, 100.0, 50.0, -10.0, 0.0],
            "abc_class": ["A", "A", "B", "C", "D", "D"],
            "segment": ["A", "A", "B", "C", "D", "D"],
            "xyz_class": ["Z", "X", "Y", "Z", "none", "none"],
            "dormant_alarm": [True, False, False, False, False, False],
            "lost": [False, False, False, False, False, True],
            "prev_class": ["A", "A", "B", "C", "new", "A"],
            "prev_revenue": [400.0, 300.0, 90.0, 10.0, 0.0, 400.0],
            "a_by_potential": [False, False, False, True, False, False],
            "potential": [1000.0, np.nan, np.nan, 5000.0, np.nan, np.nan],
            "share_of_wallet": [0.5, np.nan, np.nan, 0.01, np.nan, np.nan],
            "activities": pd.array([1, 0, 0, 0, 3, 0], dtype="Int64"),
            "n_managers": pd.array([2, 1, 1, 1, 1, 0], dtype="Int64"),
        }
    )


def test_findings_cover_every_clients_label(findings_table):
    out = findings(findings_table, lang="en")
    keys = [f["key"] for f in out]
    labels = yaml.safe_load(
        resources.files("salesaudit.report.labels").joinpath("clients.yaml").read_text("utf-8")
    )
    assert set(keys) == set(labels)  # every label is used, every finding has a label
    assert len(keys) == len(set(keys))
    for f in out:
        assert f["severity"] in {"problem", "warning", "opportunity", "info"}
        assert "{" not in f["text"] and f["text"]


def test_findings_figures_in_text(findings_table):
    by_key = {f["key"]: f for f in findings(findings_table, lang="en")}
    # A: 800 of positive 950 = 84 %; 2 of the 4 clients with purchases = 50 %
    assert by_key["clients.finding.abc"]["text"].startswith(
        "2 A clients (50% of the clients with purchases) bring 84% of net revenue"
    )
    # largest client 500 / 950 = 53 %
    assert "53%" in by_key["clients.finding.concentration"]["text"]
    assert "1 A/B client has not bought for 6 months" in by_key["clients.finding.dormant_ab"]["text"]
    assert "₽400" in by_key["clients.finding.lost_ab"]["text"]
    # activities on D: 3 of 4 = 75 %
    assert by_key["clients.finding.d_effort"]["value"] == pytest.approx(0.75)
    assert "75%" in by_key["clients.finding.d_effort"]["text"]
    # potential filled for 2 of 6 = 33 %
    assert "33%" in by_key["clients.finding.no_potential"]["text"]


def test_findings_russian_plural_forms(findings_table):
    ru = {f["key"]: f["text"] for f in findings(findings_table, lang="ru")}
    assert ru["clients.finding.abc"].startswith("2 клиента класса A")
    assert ru["clients.finding.dormant_ab"].startswith("1 клиент A/B")
    assert t("clients.finding.d_clients", "ru", count=5, revenue="0").startswith("5 клиентов класса D")


def test_findings_quiet_when_nothing_to_say():
    sales = sales_frame([("2026-10-10", f"c{i}", 100.0) for i in range(20)])
    clients = pd.DataFrame(
        {"client_id": pd.Series([f"c{i}" for i in range(20)], dtype="str"), "potential": 1000.0}
    )
    table = segment_clients(sales, as_of=AS_OF, clients=clients)
    # 20 equal clients: all A by the tie rule, 5 % each (< 10 %), no dormant, lost, D or Z
    assert [f["key"] for f in findings(table)] == ["clients.finding.abc"]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 4), st.integers(0, 6), st.one_of(st.none(), st.sampled_from(["a", "b", "c"]))
        ),
        min_size=1,
        max_size=40,
    )
)
def test_a_clients_name_is_on_its_latest_named_line_the_last_of_that_day(rows):
    """figures.client_names against the rule said plainly: of a client's lines that carry a name, the
    latest by date, and of several that day the last in the file; a client without any name: None."""
    from salesaudit.clients import arrays, figures

    sales = pd.DataFrame(
        {
            "date": [pd.Timestamp("2025-06-01") + pd.Timedelta(days=d) for _, d, _ in rows],
            "client_id": [f"K{c}" for c, _, _ in rows],
            "amount": 1.0,
            "client_name": pd.Series([n for _, _, n in rows], dtype="str"),
        }
    )
    lines = arrays.sales_lines(sales, as_of=pd.Timestamp("2025-12-31"), window_months=12)
    got = dict(zip(lines.ids, figures.client_names(lines, sales), strict=True))
    named = sales[sales["client_name"].notna()].reset_index()
    want = {}
    for client, group in named.groupby("client_id"):
        latest = group[group["date"] == group["date"].max()]
        want[client] = latest.sort_values("index")["client_name"].iloc[-1]
    assert {k: v for k, v in got.items() if v is not None} == want


@settings(max_examples=150, deadline=None)
@given(
    keys=st.lists(st.integers(0, 40), max_size=300) | st.lists(st.integers(0, 10**8), max_size=300),
    seed=st.integers(0, 10**6),
)
def test_group_sums_add_each_keys_weights_in_the_order_they_come(keys, seed):
    """Per-client-manager sums (the main manager): by bins or by sorting, every distinct key once, in
    order, with its weights added one after another as they come, to the last bit."""
    from salesaudit.clients.figures import _group_sums

    keys = np.asarray(keys, dtype=np.int64)
    weights = np.random.default_rng(seed).normal(0, 1e6, len(keys)).round(2)
    want: dict[int, float] = {}
    for k, w in zip(keys.tolist(), weights.tolist(), strict=True):
        want[k] = want.get(k, 0.0) + w
    got_keys, got_sums = _group_sums(keys, weights)
    assert got_keys.tolist() == sorted(want) and got_keys.dtype == keys.dtype
    assert got_sums.tolist() == [want[k] for k in sorted(want)]
