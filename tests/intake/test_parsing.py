"""Parsing numbers and dates: every accepted spelling, every refusal, and never a guess."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from salesaudit.exceptions import DataError
from salesaudit.intake.parsing import (
    DictColumn,
    detect_decimal,
    missing_mask,
    parse_date_array,
    parse_dates,
    parse_number_array,
    parse_numbers,
)


def nums(values, **kw):
    out, bad = parse_numbers(pd.Series(values, dtype="str"), **kw)
    return [None if math.isnan(v) else v for v in out.tolist()], bad.tolist()


@pytest.mark.parametrize(
    ("text", "decimal", "value"),
    [
        ("1\u00a0234\u00a0567,89 ₽", ",", 1234567.89),
        ("1 234 567,89 руб.", ",", 1234567.89),
        ("12\u202f000 р.", ",", 12000.0),
        ("1.234.567,89", ",", 1234567.89),
        ("(500,00)", ",", -500.0),
        ("-(500,00)", ",", -500.0),
        ("120-", ",", -120.0),
        ("−7,5", ",", -7.5),
        ("+3", ",", 3.0),
        ("0,5", ",", 0.5),
        (",5", ",", 0.5),
        ("$1,234.50", ".", 1234.5),
        ("-$3.00", ".", -3.0),
        ("USD 12,500.00", ".", 12500.0),
        ("12'345.50", ".", 12345.5),
        ("1’000", ".", 1000.0),
        ("€ 99.9", ".", 99.9),
        ("1.5E+03", ".", 1500.0),
        ("15%", ".", 0.15),
        ("  42  ", ".", 42.0),
    ],
)
def test_numbers_accepted(text, decimal, value):
    got, bad = nums([text], decimal=decimal)
    assert got[0] == pytest.approx(value) and bad == [False]


@pytest.mark.parametrize(
    ("text", "decimal"),
    [
        ("abc", ","),
        ("-", ","),
        ("NA", ","),
        ("1,2,3", ","),  # a decimal comma twice
        ("12 34", ","),  # spaces only between groups of three
        ("1.23.4", ","),
        ("1,23", "."),  # a thousands comma before two digits
        ("nan", "."),
        ("inf", "."),
        ("#ЗНАЧ!", ","),
        ("5 ₽ 5", ","),
    ],
)
def test_numbers_refused(text, decimal):
    got, bad = nums([text], decimal=decimal)
    assert got == [None] and bad == [True]


def test_missing_is_not_bad_and_na_values_are_honoured():
    got, bad = nums(["", "   ", None, "н/д", "-", "7"], decimal=",", na_values=["н/д", "-"])
    assert got == [None, None, None, None, None, 7.0]
    assert bad == [False] * 6


def test_percent_columns():
    values = pa.chunked_array([pa.array(["40", "12,5 %", "100"])])
    out, bad, _, _ = parse_number_array(values, decimal=",", percent=True)
    assert out.tolist() == [0.4, 0.125, 1.0] and not bad.any()


def test_fast_and_slow_paths_agree():
    clean = ["1", "-2,5", "300", ""]
    messy = clean + ["1 000,5"]
    fast, _ = nums(clean, decimal=",")
    slow, _ = nums(messy, decimal=",")
    assert slow[:4] == fast == [1.0, -2.5, 300.0, None]
    assert slow[4] == 1000.5


@pytest.mark.parametrize(
    ("values", "decimal"),
    [
        (["1 234,56", "17"], ","),
        (["$1,234.50"], "."),
        (["0,125"], ","),
        (["0.125"], "."),
        (["1.234.567"], ","),
        (["1,234,567"], "."),
        (["1 234,5 ₽", "2 000"], ","),
        (["12", "15"], "."),
    ],
)
def test_detect_decimal(values, decimal):
    assert detect_decimal(pd.Series(values)) == decimal


@pytest.mark.parametrize("values", [["1,234", "2,500"], ["1.234"], ["1,5", "2.5"]])
def test_detect_decimal_refuses_to_guess(values):
    with pytest.raises(DataError, match="decimal mark") as err:
        detect_decimal(pd.Series(values), column="Сумма")
    assert err.value.column == "Сумма" and err.value.value in values
    assert "read.decimal" in err.value.hint


def days(values, **kw):
    out, bad = parse_dates(pd.Series(values, dtype="str"), **kw)
    return [None if pd.isna(v) else v.strftime("%Y-%m-%d") for v in out], bad.tolist()


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2026-01-31", "2026-01-31"),
        ("2026-01-31T23:59:59Z", "2026-01-31"),
        ("2026-01-31 10:00:00+03:00", "2026-01-31"),
        ("31.01.2026", "2026-01-31"),
        ("1.2.2026", "2026-02-01"),
        ("31.01.2026 14:30", "2026-01-31"),
        ("31.01.2026 14:30:59", "2026-01-31"),
        ("31.01.26", "2026-01-31"),
        ("2026/01/31", "2026-01-31"),
        ("20260131", "2026-01-31"),
        ("46053", "2026-01-31"),
        ("46053.75", "2026-01-31"),
        ("1/31/2026 10:30 AM", "2026-01-31"),
        ("31/01/2026", "2026-01-31"),
        ("31-01-2026", "2026-01-31"),
    ],
)
def test_dates_detected(text, iso):
    assert days([text]) == ([iso], [False])


@pytest.mark.parametrize(
    "text", ["31.02.2026", "2026-13-01", "20261301", "31.01.2026 25:00", "вчера", "2026", "99999"]
)
def test_dates_refused(text):
    assert days([text]) == ([None], [True])


def test_a_column_mixing_unambiguous_spellings():
    assert days(["2026-01-31", "01.02.2026", "46055"])[0] == ["2026-01-31", "2026-02-01", "2026-02-02"]


def test_day_month_order_is_read_from_the_column_or_refused():
    assert days(["13/01/2026", "01/02/2026"])[0] == ["2026-01-13", "2026-02-01"]  # day first
    assert days(["01/13/2026", "01/02/2026"])[0] == ["2026-01-13", "2026-01-02"]  # month first
    assert days(["05/05/2026"])[0] == ["2026-05-05"]  # both readings agree
    with pytest.raises(DataError, match="ambiguous") as err:
        days(["01/02/2026", "03/04/2026"])
    assert err.value.value == "01/02/2026" and "date_format" in err.value.hint
    with pytest.raises(DataError, match="both day first"):
        days(["13/01/2026", "01/13/2026"])


def test_explicit_formats():
    assert days(["01/02/2026", "x"], date_format="%m/%d/%Y") == (["2026-01-02", None], [False, True])
    assert days(["31.01.2026 10:00:00", "1.2.2026"], date_format="%d.%m.%Y %H:%M:%S")[0] == [
        "2026-01-31",
        "2026-02-01",
    ]
    assert days(["31.02.2026"], date_format="%d.%m.%Y") == ([None], [True])
    assert days(["46053", "abc"], date_format="excel") == (["2026-01-31", None], [False, True])


def test_dates_missing_and_na_values():
    assert days(["", None, "N/A", "NA"], na_values=["N/A"]) == ([None] * 4, [False, False, False, True])


def test_dates_are_midnight_datetime64():
    out, _ = parse_dates(pd.Series(["31.01.2026 23:59"]))
    assert out.dtype == "datetime64[us]" and out.iloc[0] == pd.Timestamp("2026-01-31")


def test_high_cardinality_timestamps_are_cut_to_days_before_parsing():
    stamps = pd.date_range("2026-01-01", periods=60_000, freq="min").strftime("%d.%m.%Y %H:%M:%S")
    out, bad, missing, fmt = parse_date_array(pa.chunked_array([pa.array(list(stamps))]))
    assert fmt == "%d.%m.%Y" and not bad.any() and not missing.any()
    assert out[-1] == np.datetime64("2026-02-11")  # 60 000 minutes after 1 January


def test_missing_mask():
    arr = pa.chunked_array([pa.array([" ", None, "x", "н/д "])])
    assert missing_mask(arr, ["н/д"]).tolist() == [True, True, False, True]


def test_date_formats_written_the_human_way_or_refused():
    assert days(["31.01.2026"], date_format="DD.MM.YYYY")[0] == ["2026-01-31"]
    assert days(["2026-01-31"], date_format="YYYY-MM-DD")[0] == ["2026-01-31"]
    for wrong in ("%Q", "dd/mm", "%H:%M"):
        with pytest.raises(DataError, match="is not a date format") as err:
            days(["31.01.2026"], date_format=wrong)
        assert "strftime" in err.value.hint


def test_a_text_column_in_many_chunks_is_encoded_in_linear_work(monkeypatch):
    """Issue 17: a 10M-line file read as text took 214 s in DictColumn.encode — Arrow's encoding of the
    whole chunked column gave chunk k the dictionary of chunks 1..k, and the memo of distinct values
    then read each value once per later chunk. The values encoded in all (each chunk, then the memo
    of their dictionaries) must stay within twice the rows, however many chunks."""
    import pyarrow.compute as pc

    rows, chunks = 20_000, 50
    values = pa.chunked_array(
        [[f"DOC-{i}" for i in range(k * rows // chunks, (k + 1) * rows // chunks)] for k in range(chunks)]
    )
    seen = []
    encode = pc.dictionary_encode
    monkeypatch.setattr(pc, "dictionary_encode", lambda v, *a, **k: seen.append(len(v)) or encode(v, *a, **k))
    col = DictColumn.encode(values)
    assert sum(seen) <= 2 * rows, f"{sum(seen)} values encoded for {rows} rows"
    assert col.dictionary.to_pylist() == values.to_pylist() and col.ids.tolist() == list(range(rows))


def test_chunked_and_whole_text_columns_encode_alike():
    parts = [["b", "a", None], ["a", "c"], [None], [], ["c", "d"]]
    whole = DictColumn.encode(pa.array([v for p in parts for v in p]))
    chunked = DictColumn.encode(pa.chunked_array(parts, type=pa.string()))
    assert chunked.dictionary.to_pylist() == whole.dictionary.to_pylist() == ["b", "a", "c", "d"]
    assert chunked.ids.tolist() == whole.ids.tolist() == [0, 1, 4, 1, 2, 4, 2, 3]
