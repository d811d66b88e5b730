"""The data sides that group sales lines on integer codes (deal size, ramp, register): their rules on
tiny hand-made frames, whatever the text columns' dtype (Arrow text, object, categorical with an unused
category), with missing text, and on empty frames."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from salesaudit.audit import checks_funnel, checks_people, checks_plans
from salesaudit.audit.checks import check_inputs
from salesaudit.audit.checks_clients import isin

AS_OF = "2026-11-25"  # the window: 2025-11-01 .. 2026-10-31

CLIENTS = pd.DataFrame(
    {"client_id": ["c1", "c2", "c3", "c4"], "segment": ["A", "B", "D", "C"], "revenue": 1.0}
)

# (date, client, document, amount)
DEAL_LINES = [
    ("2026-03-02", "c1", "D1", 100.0),  # one document, two lines: a deal of 150
    ("2026-03-02", "c1", "D1", 50.0),
    ("2026-03-03 09:00", "c1", None, 40.0),  # no document: c1's lines of 3 March are one deal of 100,
    ("2026-03-03 17:30", "c1", None, 60.0),  # whatever their time of day
    ("2026-03-04", "c1", None, 70.0),  # another day, another deal
    ("2026-03-05", "c1", "D2", -30.0),  # a return: not a positive deal
    ("2026-04-01", "c2", "D3", 200.0),  # class B
    ("2026-04-01", "c3", "D4", 999.0),  # class D: not reported
    ("2026-04-01", "c5", "D5", 500.0),  # a client not in the client table: no class
    ("2026-04-01", None, None, 1000.0),  # no client: no class
    ("2025-10-31", "c1", "D6", 5000.0),  # before the window
    ("2026-11-25", "c1", "D7", 5000.0),  # on as_of: after the window
]


def _deal_sales(text_dtype) -> pd.DataFrame:
    sales = pd.DataFrame(DEAL_LINES, columns=["date", "client_id", "document_id", "amount"])
    sales["date"] = pd.to_datetime(sales["date"], format="ISO8601")
    if text_dtype == "category":
        return sales.astype(
            {
                "client_id": pd.CategoricalDtype(["zz", "c1", "c2", "c3", "c5"]),  # "zz" unused
                "document_id": pd.CategoricalDtype(["D7", "D6", "D5", "D4", "D3", "D2", "D1", "D0"]),
            }
        )
    if text_dtype == "object":
        sales["document_id"] = sales["document_id"].astype(object).where(sales["document_id"].notna(), np.nan)
        return sales.astype({"client_id": object})
    return sales.astype({"client_id": "str", "document_id": "str"})


@pytest.mark.parametrize("text_dtype", ["str", "object", "category"])
def test_average_deal_per_class_on_documents_and_client_days(text_dtype):
    reading = checks_funnel.deal_size_cycle(
        check_inputs(_deal_sales(text_dtype), as_of=AS_OF, clients=CLIENTS)
    )
    # A: deals 150 (D1), 100 (c1 on 3 March), 70 (c1 on 4 March); the return D2 is not a deal
    assert reading.figures["deals"] == [("A", 320.0 / 3), ("B", 200.0)]
    assert (reading.status, reading.value, reading.case) == ("warning", 320.0 / 3, "no_cycle")


def test_average_deal_without_a_document_column():
    sales = _deal_sales("str").drop(columns="document_id")
    reading = checks_funnel.deal_size_cycle(check_inputs(sales, as_of=AS_OF, clients=CLIENTS))
    # c1's lines per day: 2 March 150, 3 March 100, 4 March 70, 5 March -30 (not positive)
    assert reading.figures["deals"] == [("A", 320.0 / 3), ("B", 200.0)]


def test_average_deal_does_not_depend_on_the_order_of_the_deals():
    # one line per deal (documents, and c1's undocumented lines of distinct days): the sums are the
    # lines, and shuffling the lines only changes the order in which the deals first appear
    rng = np.random.default_rng(7)
    n, days = 2000, 300
    sales = pd.DataFrame(
        {
            "date": pd.Timestamp("2025-12-01")
            + pd.to_timedelta(np.r_[rng.integers(0, days, n), np.arange(days)], unit="D"),
            "client_id": pd.Series(["c1"] * (n + days), dtype="str"),
            "document_id": pd.Series([f"D{i}" for i in rng.permutation(n)] + [None] * days, dtype="str"),
            "amount": rng.random(n + days) * 1000 / 7,
        }
    )
    averages = set()
    for seed in range(6):
        shuffled = sales.sample(frac=1.0, random_state=seed).reset_index(drop=True)
        reading = checks_funnel.deal_size_cycle(check_inputs(shuffled, as_of=AS_OF, clients=CLIENTS))
        averages.add(reading.figures["deals"][0])
    assert len(averages) == 1  # exactly the same float
    assert averages.pop()[1] == pytest.approx(sales["amount"].mean(), rel=1e-12)


def test_no_deal_in_the_window_is_no_reading():
    outside = _deal_sales("str").iloc[-2:]
    assert checks_funnel.deal_size_cycle(check_inputs(outside, as_of=AS_OF, clients=CLIENTS)) is None
    empty = _deal_sales("str").iloc[:0]
    assert checks_funnel.deal_size_cycle(check_inputs(empty, as_of=AS_OF, clients=CLIENTS)) is None


# (date, manager, amount)
RAMP_LINES = [
    ("2026-01-05", "Ann", 100.0),
    ("2026-01-20", "Ann", 50.0),
    ("2026-02-01", None, 999.0),  # no manager: left out
    ("2026-02-10", "Bob", 10.0),
    ("2026-03-01", "Ann", 30.0),
    ("2026-04-01", "Ann", 500.0),  # on `before`: left out
]


def _ramp_sales(text_dtype) -> pd.DataFrame:
    sales = pd.DataFrame(RAMP_LINES, columns=["date", "manager", "amount"])
    sales["date"] = pd.to_datetime(sales["date"])
    if text_dtype == "category":
        return sales.astype({"manager": pd.CategoricalDtype(["Zed", "Bob", "Ann"])})  # Zed unused
    return sales.astype({"manager": text_dtype})


@pytest.mark.parametrize("text_dtype", ["str", "object", "category"])
def test_monthly_sales_per_manager_and_month(text_dtype):
    out = checks_people._monthly_sales(_ramp_sales(text_dtype), before=pd.Timestamp("2026-04-01"))
    months = pd.period_range("2026-01", "2026-03", freq="M")
    assert out.get("Ann").reindex(months).tolist() == [150.0, 0.0, 30.0]
    assert out.get("Bob").reindex(months).tolist() == [0.0, 10.0, 0.0]
    assert out.sum() == 190.0  # nothing of the line without a manager, nor of April
    assert set(out.index.get_level_values(0)) <= {"Ann", "Bob", "Zed"}


def test_monthly_sales_of_no_line_is_empty():
    assert not len(checks_people._monthly_sales(_ramp_sales("str"), before=pd.Timestamp("2026-01-01")))
    assert not len(checks_people._monthly_sales(_ramp_sales("str").iloc[:0], before=pd.Timestamp(AS_OF)))


@pytest.mark.parametrize("text_dtype", ["str", "object", "category"])
def test_ramp_reads_the_managers_whatever_the_text_dtype(text_dtype):
    team = pd.DataFrame(
        {
            "manager": pd.Series(["Vet", "New"], dtype="str"),
            "hired": pd.to_datetime(["2020-01-01", "2026-07-01"]),
            "left": pd.to_datetime([None, None]),
        }
    )
    rows = [(f"2026-{m:02d}-10", "Vet", 100.0) for m in range(1, 11)]
    rows += [("2026-07-10", "New", 50.0), ("2026-08-10", "New", 90.0), ("2026-08-11", None, 5000.0)]
    sales = pd.DataFrame(rows, columns=["date", "manager", "amount"]).assign(client_id="x")
    sales["date"] = pd.to_datetime(sales["date"])
    if text_dtype == "category":
        sales["manager"] = sales["manager"].astype(pd.CategoricalDtype(["Old", "New", "Vet"]))
    else:
        sales["manager"] = sales["manager"].astype(text_dtype)
    reading = checks_people.ramp(check_inputs(sales, as_of=AS_OF, managers=team))
    # benchmark: the veteran's 1000 over the 12 months before November = 83.3; the hire's month 1
    # (July) 50 < 80 % of it, month 2 (August) 90 >= it; the line without a manager counts for nobody
    assert (reading.status, reading.value) == ("ok", 2.0)
    assert reading.figures["hires"] == [{"case": "reached", "manager": "New", "level": 0.8, "month": 2}]


def test_isin_on_arrow_text_matches_missing_to_missing():
    values = pd.Series(["a", None, "c", "d"], dtype="str")
    assert isin(values, pd.Series(["c", None], dtype="str")).tolist() == [False, True, True, False]
    assert isin(values, pd.Series(["c"], dtype="str")).tolist() == [False, False, True, False]
    assert isin(values, pd.Series([], dtype="str")).tolist() == [False] * 4
    as_category = pd.Series(["c", "zz"], dtype="category")
    assert isin(values, as_category).tolist() == [False, False, True, False]
    assert isin(values.astype(object), pd.Series(["d"], dtype="str")).tolist() == [False, False, False, True]


@pytest.mark.parametrize("text_dtype", ["str", "object", "category"])
def test_active_managers_from_the_window_sales_without_a_managers_table(text_dtype):
    sales = _ramp_sales(text_dtype)  # Ann and Bob sell in the window, a line without a manager
    sales = pd.concat(
        [sales, pd.DataFrame({"date": pd.to_datetime(["2024-01-10"]), "manager": ["Old"], "amount": 1.0})]
    )
    if text_dtype == "category":
        sales["manager"] = sales["manager"].astype(pd.CategoricalDtype(["Zed", "Old", "Bob", "Ann"]))
    else:
        sales["manager"] = sales["manager"].astype(text_dtype)
    inputs = check_inputs(sales.assign(client_id="x"), as_of=AS_OF)
    assert checks_plans.active_managers(inputs) == ["Ann", "Bob"]  # not Old (before the window), not Zed
    assert checks_plans.active_managers(check_inputs(sales.iloc[:0].assign(client_id="x"), as_of=AS_OF)) == []
