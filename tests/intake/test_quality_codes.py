"""Data quality on integer codes: the same findings whatever the text columns' type (categorical with
unused categories, Arrow text, Python objects), with missing text, and on an empty table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from salesaudit.engine.config import QualitySettings
from salesaudit.frames import coded as codes_of
from salesaudit.intake import quality
from salesaudit.intake.quality import quality_checks
from salesaudit.intake.quality_sales import LineCodes, gaps, line_values, present, top_client

TEXT = ["client_id", "manager", "document_id", "client_name"]


def _sales(rows, files) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=["date", "client_id", "amount", "manager", "document_id", "client_name"])
    df["date"] = pd.to_datetime(df["date"]).astype("datetime64[us]")
    df["_file"] = pd.Categorical(files, categories=sorted(set(files)) + ["unused.csv"])
    df["_row"] = np.arange(2, 2 + len(df), dtype="int32")
    return df


ROWS = [
    ("2026-01-05", "К1", 100.0, "Иванов", "Д1", "ООО «Ромашка»"),  # 2
    ("2026-01-05", "К1", 100.0, "Иванов", "Д1", "ООО «Ромашка»"),  # 3: repeats line 2 in its file
    ("2026-01-06", "К2", 50.0, None, None, None),  # 4: no manager, document or name
    ("2026-01-06", "К2", 50.0, None, None, None),  # 5: repeats line 4, missing text is one value
    ("2026-01-07", "К3", 80.0, "Петров", "Д1", "Ромашка ООО"),  # 6: Д1 on another date, another client
    ("2026-01-07", "К3", 80.0, "Петров", "Д1", "Ромашка"),  # 7: К3 written another way
    ("2026-01-05", "К1", 100.0, "Иванов", "Д1", "ООО «Ромашка»"),  # 8: line 2 again, in b.csv
    ("2026-01-08", "К4", 70.0, "Петров", "Д4", "Лютик"),  # 9: in b.csv only
    ("2026-01-08", "К4", 70.0, "Петров", "Д4", "Лютик"),  # 10: repeats line 9 in b.csv
]
FILES = ["a.csv"] * 7 + ["b.csv"] * 2
FILES[6] = "b.csv"


def _typed(kind: str) -> pd.DataFrame:
    df = _sales(ROWS, FILES)
    for column in TEXT:
        if kind == "category":  # with an unused category, not in the data's order
            df[column] = pd.Categorical(df[column], categories=["яяя", *sorted(df[column].dropna().unique())])
        else:
            df[column] = df[column].astype("str" if kind == "str" else object)
    return df


@pytest.mark.parametrize("kind", ["category", "str", "object"])
def test_the_findings_follow_the_values_not_the_column_type(kind):
    got = quality_checks({"sales": _typed(kind)}, pd.DataFrame()).set_index("check")
    # equal in every column (a missing manager, document or name equals another missing one)
    assert got.loc["duplicate_line", "count"] == 3  # lines 3, 5 and 10
    assert got.loc["duplicate_across_files", ["count", "file", "row"]].tolist() == [1, "b.csv", 8]
    # Д1 has two dates and two clients; a line without a document is no document
    assert got.loc["duplicate_document", ["count", "value"]].tolist() == [1, "Д1"]
    assert got.loc["duplicate_document", "revenue_share"] == pytest.approx(460 / 700)
    assert got.loc["no_manager", "count"] == 2
    # К1 and К3 are one company; К3's first spelling is the one shown, though it sorts after the other
    assert got.loc["similar_client_names", "value"] == "ООО «Ромашка» / Ромашка ООО"
    assert got.loc["similar_client_names", "revenue_share"] == pytest.approx(460 / 700)


def test_the_same_table_whatever_the_column_type():
    frames = [
        quality_checks({"sales": _typed(kind)}, pd.DataFrame()) for kind in ("category", "str", "object")
    ]
    for other in frames[1:]:
        pd.testing.assert_frame_equal(frames[0], other, check_exact=True)


def test_duplicates_are_exact_even_when_fingerprints_collide(monkeypatch):
    sales = _typed("str")
    sales.loc[8, "amount"] = 71.0  # line 10 no longer repeats line 9 (same name: same print below)
    expected = quality_checks({"sales": sales}, pd.DataFrame())
    monkeypatch.setattr(quality, "_MIX", np.uint64(0))  # every line's print is its last column's value
    got = quality_checks({"sales": sales}, pd.DataFrame())
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    assert got.set_index("check").loc["duplicate_line", "count"] == 2


def test_an_empty_sales_table_finds_nothing_about_lines():
    empty = _typed("category").iloc[:0]
    assert quality_checks({"sales": empty}, pd.DataFrame()).empty
    assert quality._sales_findings(empty, lambda a: 0.0, 50.0, lines=0) == []
    assert quality._register_findings(empty, {"sales": empty}, lambda a: 0.0) == []


def test_codes_of_each_column_type():
    for column in (
        pd.Series(pd.Categorical(["b", None, "a", "b"], categories=["z", "a", "b"])),
        pd.Series(["b", None, "a", "b"], dtype="str"),
        pd.Series(["b", None, "a", "b"], dtype=object),
        pd.Series(["b", None, "a", "b"], dtype=pd.ArrowDtype(pa.string())),
    ):
        codes, values = codes_of(column)
        assert [values[c] if c >= 0 else None for c in codes] == ["b", None, "a", "b"]
    assert codes_of(pd.Series([], dtype="str"))[0].tolist() == []


def test_line_values_are_equal_where_the_values_are():
    dates = pd.Series(pd.to_datetime(["2026-01-05", None, "2026-01-05", None]))
    assert line_values(dates)[0] == line_values(dates)[2] and line_values(dates)[1] == line_values(dates)[3]
    amounts = line_values(pd.Series([1.5, np.nan, 1.5, np.nan, 2.0]))
    assert amounts[0] == amounts[2] and amounts[1] == amounts[3] and amounts[0] != amounts[4]
    assert present(np.array([1, -1], dtype=np.int8), 3).tolist() == [False, True, False]
    codes = LineCodes(pd.DataFrame({"t": pd.Categorical([None, "x", "y"])}))
    assert codes.first("t", np.array([True, False, True])) == "y"
    assert codes.first("t", np.array([True, False, False])) is None


def test_gaps_see_only_the_window_and_no_missing_date():
    dates = pd.Series(pd.to_datetime(["2025-12-20", "2026-01-10", None, "2026-03-01"]))
    found = gaps(dates, start="2026-01-01", end="2026-01-31", min_days=5)
    assert [(a.date().isoformat(), b.date().isoformat()) for a, b in found] == [
        ("2026-01-01", "2026-01-09"),
        ("2026-01-11", "2026-01-31"),
    ]
    assert gaps(dates, start="2026-02-01", end="2026-01-31", min_days=1) == []


@pytest.mark.parametrize("kind", ["category", "str"])
def test_top_client_is_named_from_its_first_named_line_else_the_register(kind):
    sales = _typed(kind)
    sales["amount"] = np.where(sales["client_id"].astype(str) == "К4", 5000.0, 1.0)
    sales["client_name"] = sales["client_name"].where(sales["_row"] != 9)  # К4's first line unnamed
    settings = QualitySettings()
    got = top_client(sales, start="2026-01-01", end="2026-01-31", settings=settings)
    assert [(f["count"], f["value"], f["detail"]) for f in got] == [(2, "Лютик", "К4")]
    sales["client_name"] = sales["client_name"].where(sales["client_id"].astype(str) != "К4")
    register = pd.DataFrame({"client_id": ["К4"], "name": ["ИП Лютиков"]})
    got = top_client(sales, start="2026-01-01", end="2026-01-31", settings=settings, clients=register)
    assert got[0]["value"] == "ИП Лютиков"
    assert top_client(sales, start="2027-01-01", end="2027-01-31", settings=settings) == []
