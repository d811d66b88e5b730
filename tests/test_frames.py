"""The shared helpers of :mod:`salesaudit.frames`: deal codes against the rule said plainly."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salesaudit.frames import codes, deal_codes, sales_window


def _rule_keys(sales: pd.DataFrame) -> list:
    """The rule in words: a line's deal is its document, else its client and its day."""
    keys = []
    for row in sales.itertuples(index=False):
        doc = getattr(row, "document_id", None)
        if doc is not None and not pd.isna(doc):
            keys.append(("doc", doc))
        else:
            day = None if pd.isna(row.date) else pd.Timestamp(row.date).normalize()
            client = None if pd.isna(row.client_id) else row.client_id
            keys.append(("client-day", client, day))
    return keys


def _same_partition(codes_: np.ndarray, keys: list) -> bool:
    pairs = list(zip(codes_.tolist(), keys, strict=True))
    return all((a == b) == (k == m) for a, k in pairs for b, m in pairs)


_LINES = st.lists(
    st.tuples(
        st.sampled_from(["K1", "K2", None]),
        st.sampled_from(["2026-03-02 09:00", "2026-03-02 18:30", "2026-03-03 00:00", None]),
        st.sampled_from(["D1", "D2", None, None]),
    ),
    max_size=12,
)


@settings(max_examples=150, deadline=None)
@given(_LINES, st.sampled_from(["str", "category", "object"]))
def test_deal_codes_follow_the_rule(lines, text):
    sales = pd.DataFrame(lines, columns=["client_id", "date", "document_id"])
    sales["date"] = pd.to_datetime(sales["date"], format="%Y-%m-%d %H:%M")
    for col in ("client_id", "document_id"):
        sales[col] = sales[col].astype(text)
    got = deal_codes(sales)
    assert got.dtype == np.int64 and len(got) == len(sales)
    assert _same_partition(got, _rule_keys(sales))


def test_deal_codes_without_document_column_are_client_days():
    sales = pd.DataFrame(
        {
            "client_id": pd.Categorical(["K1", "K2", "K1", "K1"], categories=["K0", "K1", "K2"]),
            "date": pd.to_datetime(["2026-01-05", "2026-01-05", "2026-01-05", "2026-01-06"]),
        }
    )
    got = deal_codes(sales)
    assert got[0] == got[2] and len({got[0], got[1], got[3]}) == 3


def test_deal_codes_of_an_empty_table():
    empty = pd.DataFrame(
        {"client_id": pd.Series([], dtype="str"), "date": pd.Series([], dtype="datetime64[ns]")}
    )
    assert deal_codes(empty).tolist() == []


def test_codes_keep_missing_apart_and_ignore_unused_categories():
    values = pd.Series(pd.Categorical(["b", None, "b"], categories=["a", "b"]))
    got = codes(values)
    assert got[0] == got[2] and got[1] == -1


@pytest.mark.parametrize("shuffle", [False, True])
def test_sales_window_is_the_same_rows_sorted_or_not(shuffle):
    days = pd.to_datetime(
        ["2025-11-24 23:59", "2025-11-25", "2026-03-01", "2026-11-24 18:00", "2026-11-25"], format="ISO8601"
    )
    sales = pd.DataFrame({"date": days, "amount": [1.0, 2.0, 3.0, 4.0, 5.0]}, index=[10, 11, 12, 13, 14])
    if shuffle:
        sales = sales.iloc[[3, 0, 4, 2, 1]]
    got = sales_window(sales, end=pd.Timestamp("2026-11-25"), months=12)
    assert sorted(got["amount"]) == [2.0, 3.0, 4.0]  # from 25 Nov 2025 up to, not including, 25 Nov 2026
    assert got.index.tolist() == [i for i in sales.index if i in (11, 12, 13)]  # in the table's order


def test_sales_window_with_a_missing_date():
    sales = pd.DataFrame(
        {"date": pd.to_datetime(["2026-01-05", None, "2026-02-05"]), "amount": [1.0, 2.0, 3.0]}
    )
    assert sales_window(sales, end=pd.Timestamp("2026-03-01"), months=12)["amount"].tolist() == [1.0, 3.0]
