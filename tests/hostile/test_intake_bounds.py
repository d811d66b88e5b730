"""Hostile input, issue 13 — bounded reading of client files and plausible values.

Probes covered:

- workbooks whose sheet spans more cells than intake reads (``XFD1048576`` in a 2 KB xlsx, a lying
  ``<dimension>``, cells without references, a row past any limit): refused before calamine reads
  them (calamine would abort the process); a Rust panic inside calamine becomes one message;
- a CSV whose encoding changes part-way (UTF-8 then cp1251, cp1251 then UTF-8, a stray byte): refused
  naming the line; UTF-16 with BOM, UTF-8 with BOM and cp1251 throughout still read right;
- implausible dates (``01.01.0001``, ``01.01.1900``, ``01.01.2099``) and numbers (``1e308``, ``-1e15``,
  ``inf``, ``nan``, ``-inf``, a typed infinity in xlsx and Parquet) in sales and other tables: rejected
  with their reason, nothing lost, out of the tables every later stage reads.
"""

from __future__ import annotations

import io
import re
import zipfile

import numpy as np
import pandas as pd
import pytest

from salesaudit.engine import config
from salesaudit.intake.canonical import read_engagement
from salesaudit.intake.quality import quality_checks
from tests.hostile.conftest import TINY_YAML, assert_nothing_lost, cli, make_engagement, refused

HEAD = "Дата;Клиент;Сумма;Менеджер;Документ\n"
LINE = "01.02.2026;ЦБ-001188;10;Петров;Д1\n"
LINES_IN_A_MB = (1 << 20) // len(LINE.encode()) + 50


# ------------------------------------------------------------------------------------------------
# Workbooks


def _xlsx(far: str | None = None, **extra) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Продажи"
    ws.append(["Дата", "Клиент", "Сумма", "Менеджер", "Документ"])
    ws.append(["01.02.2026", "К1", 10, "Иванов", "Д1"])
    ws.append(["02.02.2026", "К2", extra.get("amount", 20), "Петров", "Д2"])
    if far:
        ws[far] = 1
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _edit_sheet(data: bytes, edit) -> bytes:
    """The workbook with its first sheet's XML passed through ``edit``."""
    src, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            body = src.read(info.filename)
            z.writestr(info, edit(body) if info.filename == "xl/worksheets/sheet1.xml" else body)
    return out.getvalue()


def _xlsx_engagement(folder, data: bytes):
    eng = make_engagement(folder)
    (eng / "data" / "sales.xlsx").write_bytes(data)
    (eng / "engagement.yaml").write_text(TINY_YAML.replace("sales.csv", "sales.xlsx"), encoding="utf-8")
    return eng


def _far_row(body: bytes, cells: bytes) -> bytes:
    return body.replace(b"</sheetData>", cells + b"</sheetData>")


def test_xfd1048576_in_a_small_xlsx_is_refused(tmp_path):
    data = _xlsx(far="XFD1048576")
    assert len(data) < 8000
    eng = _xlsx_engagement(tmp_path / "e", data)
    refused(
        "validate", eng, says=("sales.xlsx", "'Продажи'", "1,048,576 rows × 16,384 columns", "A1:XFD1048576")
    )


def test_a_lying_dimension_is_not_trusted(tmp_path):
    far = b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    data = _edit_sheet(_xlsx(), lambda b: _far_row(b, far))
    assert b'ref="A1:E3"' in zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    eng = _xlsx_engagement(tmp_path / "e", data)
    refused("validate", eng, says=("sales.xlsx", "A1:XFD1048576", "it declares A1:E3"))


def test_a_sheet_without_a_dimension_is_counted(tmp_path):
    far = b'<row r="900000"><c r="ZZ900000"><v>1</v></c></row>'
    data = _edit_sheet(_xlsx(), lambda b: _far_row(re.sub(rb"<dimension[^>]*/>", b"", b), far))
    eng = _xlsx_engagement(tmp_path / "e", data)
    refused("validate", eng, says=("sales.xlsx", "900,000 rows × 702 columns"))


def test_cells_without_references_are_counted_as_calamine_places_them(tmp_path):
    wide = b'<row r="40000">' + b"<c><v>1</v></c>" * 3000 + b"</row>"
    data = _edit_sheet(_xlsx(), lambda b: _far_row(b, wide))
    eng = _xlsx_engagement(tmp_path / "e", data)
    refused("validate", eng, says=("40,000 rows ×", "it declares A1:E3", "more than the 50,000,000 cells"))


def test_a_row_number_past_any_sheet_is_refused(tmp_path):
    data = _edit_sheet(_xlsx(), lambda b: b.replace(b'r="A3"', b'r="A99999999999"'))
    eng = _xlsx_engagement(tmp_path / "e", data)
    refused("validate", eng, says=("99,999,999,999 rows",))


def test_an_empty_styled_cell_far_away_does_not_block_the_sheet(tmp_path):
    far = b'<row r="1048576"><c r="XFD1048576" s="0"/></row>'  # calamine skips empty cells too
    eng = _xlsx_engagement(tmp_path / "e", _edit_sheet(_xlsx(), lambda b: _far_row(b, far)))
    intake = read_engagement(config.load(eng))
    assert len(intake.tables["sales"]) == 2
    assert_nothing_lost(intake)


class PanicException(BaseException):
    """What pyo3 raises for a Rust panic: a BaseException, not an Exception."""


@pytest.mark.parametrize("where", ["open", "sheet"])
def test_a_rust_panic_in_calamine_is_one_message(tmp_path, monkeypatch, where):
    import python_calamine

    eng = _xlsx_engagement(tmp_path / "e", _xlsx())

    def panic(*_a, **_k):
        raise PanicException("called `Option::unwrap()` on a `None` value")

    if where == "open":
        monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_filelike", panic)
        says = ("sales.xlsx", "not a readable Excel workbook", "unwrap")
    else:
        monkeypatch.setattr(python_calamine.CalamineWorkbook, "get_sheet_by_name", panic)
        says = ("sales.xlsx", "cannot read sheet 'Продажи'", "unwrap")
    refused("validate", eng, says=says)


def test_a_typed_infinity_in_xlsx_is_rejected(tmp_path):
    data = _edit_sheet(_xlsx(), lambda b: re.sub(rb'(<c r="C3"[^>]*><v>)20(</v>)', rb"\g<1>1e400\2", b))
    intake = read_engagement(config.load(_xlsx_engagement(tmp_path / "e", data)))
    rej = intake.rejected.set_index("row")
    assert rej.loc[3, "reason_code"] == "amount_out_of_range"
    assert np.isnan(rej.loc[3, "amount"])
    assert_nothing_lost(intake)


# ------------------------------------------------------------------------------------------------
# Encodings


def _csv_engagement(folder, data: bytes):
    eng = make_engagement(folder)
    (eng / "data" / "sales.csv").write_bytes(data)
    return eng


def test_utf8_then_cp1251_is_refused_naming_the_line(tmp_path):
    data = (HEAD + LINE * LINES_IN_A_MB).encode() + (LINE * 20).encode("cp1251")
    eng = _csv_engagement(tmp_path / "e", data)
    line = LINES_IN_A_MB + 2
    refused("validate", eng, says=("sales.csv", f"line {line} is not valid utf-8", "detected"))


def test_cp1251_then_utf8_is_refused_naming_the_line(tmp_path):
    data = (HEAD + LINE * LINES_IN_A_MB).encode("cp1251") + (LINE * 20).encode()
    eng = _csv_engagement(tmp_path / "e", data)
    line = LINES_IN_A_MB + 2
    refused("validate", eng, says=("sales.csv", f"line {line} holds UTF-8 text", "read as cp1251"))


def test_a_stray_byte_in_a_utf8_file_is_refused_naming_its_line(tmp_path):
    data = (HEAD + LINE * 5).encode() + b"03.02.2026;\xff\xfe;10;X;D7\n" + (LINE * 5).encode()
    eng = _csv_engagement(tmp_path / "e", data)
    refused("validate", eng, says=("sales.csv", "line 7 is not valid utf-8 text (byte 0xFF)"))


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig", "cp1251"])
def test_one_encoding_throughout_still_reads(tmp_path, encoding):
    text = HEAD + LINE * 3 + "02.02.2026;ООО «Ёлка» №1;7;Пётр;Д2\n"
    intake = read_engagement(config.load(_csv_engagement(tmp_path / "e", text.encode(encoding))))
    sales = intake.tables["sales"]
    assert set(sales["client_id"].astype(str)) == {"ЦБ-001188", "ООО «Ёлка» №1"}
    assert set(sales["manager"].astype(str)) == {"Петров", "Пётр"}


# ------------------------------------------------------------------------------------------------
# Plausible values


def _one_bad_line(tmp_path, line: str, yaml_text: str = TINY_YAML):
    """The tiny engagement plus ``line`` (row 10 of its sales file), read."""
    from tests.conftest import TINY_SALES

    eng = make_engagement(tmp_path / "e", sales=TINY_SALES + line + "\n", yaml_text=yaml_text)
    intake = read_engagement(config.load(eng))
    assert_nothing_lost(intake)
    return intake


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("01.01.0001", "date_out_of_range"),
        ("01.01.1900", "date_out_of_range"),
        ("01.01.2099", "date_out_of_range"),  # after as_of + 5 years: out of range, not just "after as_of"
    ],
)
def test_an_implausible_sales_date_is_rejected(tmp_path, value, code):
    intake = _one_bad_line(tmp_path, f"{value};К9;10;Иванов;X1")
    rows = intake.rejected[intake.rejected["row"] == 10]
    assert rows[["value", "reason_code"]].values.tolist() == [[value, code]]
    assert "1990-01-01 .. 2031-11-25" in rows["reason"].iloc[0]
    assert "К9" not in set(intake.tables["sales"]["client_id"].astype(str))  # no first purchase in 1900


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("1e308", "amount_out_of_range"),
        ("-1e15", "amount_out_of_range"),
        ("-1 000 000 000 000 000", "amount_out_of_range"),
        ("inf", "not_a_number"),
        ("-inf", "not_a_number"),
        ("nan", "not_a_number"),
    ],
)
def test_an_absurd_amount_is_rejected(tmp_path, value, code):
    intake = _one_bad_line(tmp_path, f"05.02.2026;К9;{value};Иванов;X1")
    rows = intake.rejected[intake.rejected["row"] == 10]
    assert rows[["value", "reason_code"]].values.tolist() == [[value, code]]
    assert np.isnan(rows["amount"].iloc[0])  # no revenue share of anything
    assert np.isfinite(intake.tables["sales"]["amount"]).all()
    checks = quality_checks(intake.tables, intake.rejected)
    assert np.isfinite(checks["revenue_share"].dropna()).all()
    assert (checks["revenue_share"].dropna() <= 1).all()


def test_a_typed_infinity_in_parquet_is_rejected(tmp_path):
    eng = make_engagement(tmp_path / "e")
    frame = pd.DataFrame(
        {
            "Дата": pd.to_datetime(["2026-02-01", "2026-02-02", "2026-02-03"]),
            "Клиент": ["К1", "К2", "К3"],
            "Сумма": [10.0, np.inf, -np.inf],
        }
    )
    frame.to_parquet(eng / "data" / "sales.parquet")
    yaml_text = TINY_YAML.replace("sales.csv", "sales.parquet").replace(
        "Менеджер, document_id: Документ", "Менеджер"
    )
    yaml_text = yaml_text.replace(", manager: Менеджер", "")
    (eng / "engagement.yaml").write_text(yaml_text, encoding="utf-8")
    intake = read_engagement(config.load(eng))
    assert intake.rejected["reason_code"].tolist() == ["amount_out_of_range"] * 2
    assert len(intake.tables["sales"]) == 1
    assert_nothing_lost(intake)


def test_implausible_dates_in_other_tables_are_rejected(tmp_path):
    yaml_text = TINY_YAML.replace(
        "plan:",
        "  clients:\n    files: [data/clients.csv]\n"
        "    columns: {client_id: Клиент, created: Создан}\n"
        '    read: {date_format: "%d.%m.%Y"}\nplan:',
    )
    eng = make_engagement(tmp_path / "e", yaml_text=yaml_text)
    (eng / "data" / "clients.csv").write_text(
        "Клиент;Создан\nК1;01.03.2015\nК2;01.01.1900\nК3;31.12.2099\n", encoding="utf-8"
    )
    intake = read_engagement(config.load(eng))
    rej = intake.rejected[intake.rejected["table"] == "clients"]
    assert rej[["row", "reason_code"]].values.tolist() == [[3, "date_out_of_range"], [4, "date_out_of_range"]]
    assert intake.tables["clients"]["client_id"].astype(str).tolist() == ["К1"]
    assert_nothing_lost(intake)


def test_the_plausible_range_is_a_setting(tmp_path):
    yaml_text = TINY_YAML + "intake: {earliest_date: 1900-01-01, max_amount: 1.0e+16}\n"
    intake = _one_bad_line(tmp_path, "01.01.1900;К9;-1e15;Иванов;X1", yaml_text=yaml_text)
    assert 10 not in set(intake.rejected["row"])
    k9 = intake.tables["sales"][intake.tables["sales"]["client_id"].astype(str) == "К9"]
    assert k9["amount"].tolist() == [-1e15]


def test_an_earliest_date_after_as_of_is_refused(eng):
    text = (eng / "engagement.yaml").read_text(encoding="utf-8") + "intake: {earliest_date: 2030-01-01}\n"
    (eng / "engagement.yaml").write_text(text, encoding="utf-8")
    refused("validate", eng, says=("intake.earliest_date", "not before as_of"))


def test_validate_lists_the_implausible_rows(tmp_path):
    from tests.conftest import TINY_SALES

    eng = make_engagement(tmp_path / "e", sales=TINY_SALES + "01.01.0001;К9;1e308;Иванов;X1\n")
    result = cli("validate", eng)
    assert "Traceback" not in result.output
    intake = read_engagement(config.load(eng))
    codes = set(intake.rejected.loc[intake.rejected["row"] == 10, "reason_code"])
    assert codes == {"date_out_of_range", "amount_out_of_range"}
    assert_nothing_lost(intake)
