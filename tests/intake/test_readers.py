"""Readers: what a file is, how it is encoded and delimited, where its header is, row numbers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from salesaudit.engine.config import ReadOptions
from salesaudit.exceptions import InputFileError
from salesaudit.intake.csv_reader import detect_encoding, sniff_delimiter, split_lines
from salesaudit.intake.headers import find_header
from salesaudit.intake.readers import read_raw, sniff_kind

OPTS = ReadOptions()
HEADERS = ["Дата", "Клиент", "Сумма"]


def write(tmp_path: Path, name: str, content: str | bytes, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
    return path


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"%PDF-1.4", "pdf"),
        (b"PK\x03\x04rest", "zip"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"),
        (b"PAR1\x15\x04", "parquet"),
        (b"  <!DOCTYPE html><html>", "html"),
        (
            b'<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">',
            "spreadsheetml",
        ),
        (b"\xff\xfeD\x00a\x00", "text"),
        ("Дата;Сумма".encode("cp1251"), "text"),
        (b"\x00\x01\x02binary", "binary"),
    ],
)
def test_sniff_kind(head, kind):
    assert sniff_kind(head) == kind


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        ("Клиент;Сумма\nООО «Ромашка»;5\n".encode("cp1251"), "cp1251"),
        ("Клиент;Сумма\nООО Ромашка;5\nИП Ёлкин;7\n".encode("koi8_r"), "koi8_r"),
        ("Клиент".encode(), "utf-8"),
        (b"\xef\xbb\xbfa;b", "utf-8-sig"),
        ("a\tb".encode("utf-16"), "utf-16"),
    ],
)
def test_detect_encoding(data, encoding):
    assert detect_encoding(data) == encoding


def test_detect_encoding_ignores_a_letter_cut_at_the_sample_end():
    data = ("Клиент;" * 10).encode()[:-2]  # ";" and half of the last "т" cut off by the sample
    assert detect_encoding(data) == "utf-8"


@pytest.mark.parametrize(
    ("lines", "delimiter"),
    [
        (["Дата;Клиент;Сумма", "01.02.2026;К1;1 000,50", "02.02.2026;К2;7,5"], ";"),
        (["a\tb\tc", "1\t2,5\t3"], "\t"),
        (["Account,Amount", '"Acme, Inc.",100', "Beta,5"], ","),
        (["a|b", "1|2"], "|"),
        (["Отчёт", "Период: январь", "Дата;Сумма", "01.01.2026;5"], ";"),
        (["Дата;Клиент", '01.02.2026;"К1', "02.02.2026;К2", "03.02.2026;К3"], ";"),  # a stray quote
        (["single column", "value"], ","),
    ],
)
def test_sniff_delimiter(lines, delimiter):
    assert sniff_delimiter(lines) == delimiter


def test_find_header_prefers_the_expected_headers_then_the_widest_row():
    records = [["Продажи за январь"], [], ["Дата", "Клиент", "Сумма"], ["01.01", "К1", "5"]]
    assert find_header(records, ["  клиент ", "СУММА"]) == 2  # case and spacing ignored
    assert find_header(records, []) == 2  # title rows are narrower than the table
    assert find_header(records, ["Нет такого"]) == 2


def test_split_lines_counts_only_real_line_breaks():
    assert split_lines("a\r\nb\rc\nd\u2028e\x0cf") == ["a", "b", "c", "d\u2028e\x0cf"]
    assert split_lines("x\n", keepends=True) == ["x\n"]


def test_csv_row_numbers_follow_the_lines_the_user_sees(tmp_path):
    text = 'Дата;Клиент;Сумма\r\n01.02.2026;"ООО\r\nРомашка";5\r\n\r\n02.02.2026;К2;6\r\n'
    raw = read_raw(write(tmp_path, "s.csv", text), options=OPTS, headers=HEADERS)
    assert raw.row_numbers.tolist() == [2, 5]  # the record starting on line 2 spans two lines
    assert raw.frame["Клиент"].tolist() == ["ООО\r\nРомашка", "К2"]


def test_csv_header_below_title_rows_and_cp1251(tmp_path):
    text = "Отчёт о продажах\r\nза январь 2026\r\n\r\nДата;Клиент;Сумма\r\n10.01.2026;Ёлкин;5\r\n"
    raw = read_raw(write(tmp_path, "s.csv", text, "cp1251"), options=OPTS, headers=HEADERS)
    assert raw.info == {"format": "csv", "encoding": "cp1251", "delimiter": ";", "header_row": 4}
    assert raw.row_numbers.tolist() == [5]
    assert raw.frame.loc[0, "Клиент"] == "Ёлкин"


def test_header_row_past_the_end(tmp_path):
    path = write(tmp_path, "s.csv", "Дата;Клиент;Сумма\n01.02.2026;К1;5\n")
    with pytest.raises(InputFileError, match="past the end") as err:
        read_raw(path, options=ReadOptions(header_row=9), headers=HEADERS)
    assert err.value.row == 9


def test_duplicate_and_empty_headers_are_named(tmp_path):
    path = write(tmp_path, "s.csv", "Сумма;;Сумма;Клиент\n1;x;2;К1\n")
    raw = read_raw(path, options=OPTS)
    assert raw.headers == ["Сумма", "column 2", "Сумма (2)", "Клиент"]


def test_totals_rows_are_set_aside_with_their_reason(tmp_path):
    text = "Дата;Клиент;Сумма\n01.02.2026;Total Energies;5\n;Итого по Иванов:;5\nGRAND TOTAL;;5\n"
    raw = read_raw(write(tmp_path, "s.csv", text), options=OPTS, headers=HEADERS, kinds={"Клиент": "str"})
    assert raw.frame["Клиент"].tolist() == ["Total Energies"]  # a name starting with Total is a client
    assert raw.dropped[["row", "value", "reason_code"]].values.tolist() == [
        [3, "Итого по Иванов:", "totals_row"],
        [4, "GRAND TOTAL", "totals_row"],
    ]
    kept = read_raw(write(tmp_path, "t.csv", text), options=ReadOptions(skip_totals=False), headers=HEADERS)
    assert len(kept) == 3 and not len(kept.dropped)


def test_a_line_with_more_fields_than_the_header_is_set_aside(tmp_path):
    text = "Дата;Клиент;Сумма\n01.02.2026;К1;5;;\n01.02.2026;К;1;5\n03.02.2026;К3\n"
    raw = read_raw(write(tmp_path, "s.csv", text), options=OPTS, headers=HEADERS)
    assert raw.row_numbers.tolist() == [2, 4]  # trailing empty fields are fine; a short line is padded
    assert raw.frame["Сумма"].isna().tolist() == [False, True]
    assert raw.dropped[["row", "reason_code"]].values.tolist() == [[3, "wrong_field_count"]]


def test_typed_csv_columns_when_the_caller_says_how(tmp_path):
    text = "Дата;Клиент;Сумма\n01.02.2026;К1;1234,5\n02.02.2026;К2;\n"
    raw = read_raw(
        write(tmp_path, "s.csv", text),
        options=ReadOptions(decimal=","),
        headers=HEADERS,
        kinds={"Дата": "date", "Сумма": "float", "Клиент": "str"},
    )
    assert raw.typed("Сумма") == "float" and raw.typed("Дата") == "dictionary"
    np.testing.assert_array_equal(raw.numbers["Сумма"], [1234.5, np.nan])
    assert raw.frame["Сумма"].iloc[0] == "1234.5" and raw.frame["Сумма"].isna().iloc[1]
    assert raw.text_at("Дата", [1]) == ["02.02.2026"]
    # a cell that is not a number: the column stays text, to be reported by the parser
    text2 = "Дата;Клиент;Сумма\n01.02.2026;К1;1234,5\n02.02.2026;К2;н/д\n"
    raw2 = read_raw(
        write(tmp_path, "t.csv", text2),
        options=ReadOptions(decimal=","),
        headers=HEADERS,
        kinds={"Сумма": "float"},
    )
    assert raw2.typed("Сумма") == "text" and raw2.frame["Сумма"].tolist() == ["1234,5", "н/д"]


def test_excel_merged_header_title_rows_and_typed_cells(tmp_path):
    import xlsxwriter

    path = tmp_path / "r.xlsx"
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("Отчёт")
    ws.write(0, 0, "Продажи")
    ws.merge_range(2, 0, 3, 0, "Клиент")
    ws.merge_range(2, 1, 2, 2, "Итоги")
    ws.write_row(3, 1, ["Дата", "Сумма"])
    ws.write_string(4, 0, "К1")
    ws.write_datetime(4, 1, dt.datetime(2026, 2, 1, 15, 30), book.add_format({"num_format": "dd.mm.yy"}))
    ws.write_number(4, 2, 1234.5)
    ws.merge_range(5, 0, 6, 0, "К2")  # a client merged down over two lines belongs to both
    ws.write_row(5, 1, ["02.02.2026", 7])
    ws.write_row(6, 1, ["03.02.2026", 8])
    book.close()
    raw = read_raw(path, options=OPTS, headers=HEADERS)
    assert raw.info == {"format": "excel", "sheet": "Отчёт", "header_row": 4}
    assert raw.frame["Клиент"].tolist() == ["К1", "К2", "К2"]
    assert raw.row_numbers.tolist() == [5, 6, 7]
    assert raw.dates["Дата"][0] == np.datetime64("2026-02-01")  # a real date, at midnight
    assert np.isnat(raw.dates["Дата"][1])  # text cell: parsed later
    assert raw.numbers["Сумма"].tolist() == [1234.5, 7.0, 8.0]


def test_excel_sheet_by_position_and_errors(tmp_path):
    import xlsxwriter

    path = tmp_path / "b.xlsx"
    book = xlsxwriter.Workbook(str(path))
    book.add_worksheet("A").write_row(0, 0, ["x"])
    b = book.add_worksheet("B")
    b.write_row(0, 0, HEADERS)
    b.write_row(1, 0, ["01.02.2026", "К1", 5])
    book.close()
    assert read_raw(path, options=ReadOptions(sheet=2)).info["sheet"] == "B"
    assert read_raw(path, options=ReadOptions(sheet=" b ")).info["sheet"] == "B"  # case, spaces
    assert read_raw(path, options=OPTS, headers=HEADERS).info["sheet"] == "B"  # found by headers
    with pytest.raises(InputFileError, match="no sheet number 3") as err:
        read_raw(path, options=ReadOptions(sheet=3))
    assert "A, B" in err.value.hint


def test_parquet_keeps_types_and_numbers_records_from_one(tmp_path):
    path = tmp_path / "s.parquet"
    pd.DataFrame(
        {
            "Дата": pd.to_datetime(["2026-02-01 13:00", None]),
            "Клиент": ["К1", "К2"],
            "Сумма": [1.5, 2.0],
            "Кол": pd.array([3, None], dtype="Int64"),
        }
    ).to_parquet(path, index=False)
    raw = read_raw(path, options=OPTS)
    assert raw.row_numbers.tolist() == [1, 2]
    assert raw.typed("Сумма") == "float" and raw.typed("Дата") == "date"
    assert raw.dates["Дата"][0] == np.datetime64("2026-02-01")
    assert raw.frame["Кол"].tolist()[0] == "3"
    assert raw.text_at("Дата", [0]) == ["2026-02-01"]


def test_files_are_only_read(tmp_path):
    path = write(tmp_path, "s.csv", "Дата;Клиент;Сумма\n01.02.2026;К1;5\n")
    path.chmod(0o444)
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    read_raw(path, options=OPTS, headers=HEADERS)
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("s.csv", b"", "empty"),
        ("s.csv", "Дата;Клиент\n".encode(), "no data rows"),
        ("s.csv", "Дата;Клиент\n1;2\n".encode("cp1251"), None),
        ("s.json", b"{}", "unsupported file type"),
        ("s.parquet", b"PAR1 not really", "not a readable Parquet file"),
        ("s.xlsx", b"PK\x03\x04 broken zip", "not a readable Excel workbook"),
    ],
)
def test_unreadable_files(tmp_path, name, content, message):
    path = write(tmp_path, name, content)
    if message is None:
        assert len(read_raw(path, options=ReadOptions(encoding="cp1251"))) == 1
        return
    with pytest.raises(InputFileError, match=message) as err:
        read_raw(path, options=OPTS)
    assert err.value.file == str(path)


def test_windows_1251_after_a_long_plain_ascii_start(tmp_path):
    text = "date;client;amount\n" + "01.02.2026;ACME;5\n" * 80_000 + "02.02.2026;Ёлкин;7\n"
    raw = read_raw(write(tmp_path, "s.csv", text, "cp1251"), options=OPTS)
    assert raw.info["encoding"] == "cp1251" and raw.frame["client"].iloc[-1] == "Ёлкин"


def test_wrong_encoding_configured(tmp_path):
    path = write(tmp_path, "s.csv", "Дата;Клиент\n01.02.2026;Ёлкин\n", "cp1251")
    with pytest.raises(InputFileError, match="not valid utf-8") as err:
        read_raw(path, options=ReadOptions(encoding="utf-8"))
    assert "encoding" in err.value.hint


def test_missing_file(tmp_path):
    with pytest.raises(InputFileError, match="not found"):
        read_raw(tmp_path / "nope.csv", options=OPTS)


def test_one_unreadable_number_leaves_the_other_columns_typed(tmp_path):
    """A number column Arrow cannot convert (one "#ЗНАЧ!") is read as text alone: its cells are parsed one
    by one (the bad one reported later, by row), while the other number column and the text and date
    columns keep the types the fast read gave them — not the whole file as text."""
    head = "Дата;Клиент;Сумма;Прибыль\n"
    body = "".join(f"0{1 + i % 9}.02.2026;К{i};{i},5;{i},25\n" for i in range(40))
    text = head + body + "10.02.2026;К99;#ЗНАЧ!;1,5\n"
    kinds = {"Дата": "date", "Клиент": "str", "Сумма": "float", "Прибыль": "float"}
    raw = read_raw(write(tmp_path, "s.csv", text), options=ReadOptions(decimal=","), kinds=kinds)
    assert raw.typed("Сумма") == "text" and raw.column("Сумма").to_pylist()[-1] == "#ЗНАЧ!"
    assert raw.typed("Прибыль") == "float" and raw.typed("Клиент") == "dictionary"
    assert raw.typed("Дата") == "dictionary"
    assert raw.row_numbers.tolist()[-1] == 42  # the bad line keeps its number
    clean = read_raw(write(tmp_path, "t.csv", head + body), options=ReadOptions(decimal=","), kinds=kinds)
    assert clean.typed("Сумма") == "float"
    nan = read_raw(write(tmp_path, "u.csv", head + body + "10.02.2026;К98;1,5;nan\n"),
                   options=ReadOptions(decimal=","), kinds=kinds)  # fmt: skip
    assert nan.typed("Прибыль") == "text" and nan.typed("Сумма") == "float"  # nan: reported, not a number
