"""The shared helpers of :mod:`salesaudit.frames`: deal codes against the rule said plainly."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from salesaudit.frames import codes, deal_codes


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
