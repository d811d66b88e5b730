"""A corpus of malformed and awkward client files, generated here, each with its expected outcome.

Every case writes one engagement into ``tmp_path`` and states what intake must do with it: accept it
with so many used rows and so many rejected rows of each reason (rows_read = used + rejected is
checked for every accepted case), or stop with a given error naming the file and, where it applies,
the column, row and value. Row numbers are the lines / spreadsheet rows a consultant sees.
"""

from __future__ import annotations

import codecs
import datetime as dt
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytest
import yaml

from salesaudit.engine import config
from salesaudit.engine.templates import template_path
from salesaudit.exceptions import DataError, InputFileError, SalesAuditError
from salesaudit.intake.canonical import read_engagement

BASE_COLUMNS = {"date": "Дата", "client_id": "Клиент", "amount": "Сумма"}


@dataclass
class Case:
    id: str
    files: dict[str, bytes | Callable[[Path], None]]
    spec: dict = field(default_factory=dict)
    used: int | None = None
    rejected: dict[str, int] = field(default_factory=dict)
    error: type[SalesAuditError] | None = None
    match: str = ""
    where: dict = field(default_factory=dict)  # expected attributes of the error (row, column, value)
    check: Callable | None = None  # more assertions on the Intake


def csv_bytes(text: str, encoding: str = "utf-8") -> bytes:
    return text.encode(encoding)


def write_engagement(folder: Path, case: Case) -> Path:
    data = folder / "data"
    data.mkdir(parents=True)
    for name, content in case.files.items():
        if callable(content):
            content(data / name)
        else:
            (data / name).write_bytes(content)
    spec = {"files": [f"data/{n}" for n in case.files], "columns": BASE_COLUMNS, **case.spec}
    eng = {
        "client": {"name": "Corpus"},
        "as_of": "2026-11-25",
        "inputs": {"sales": spec},
        "plan": {"year": 2026},
    }
    (folder / "engagement.yaml").write_text(yaml.safe_dump(eng, allow_unicode=True), encoding="utf-8")
    shutil.copyfile(template_path("brand.yml"), folder / "brand.yml")
    shutil.copyfile(template_path("logo.svg"), folder / "logo.svg")
    (folder / "questionnaire.yaml").write_text("{}\n", encoding="utf-8")
    return folder


def xlsx(build: Callable) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        import xlsxwriter

        book = xlsxwriter.Workbook(str(path))
        build(book)
        book.close()

    return write


def parquet(frame: dict) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        pd.DataFrame(frame).to_parquet(path, index=False)

    return write


def sales(rows: list[str], header: str = "Дата;Клиент;Сумма", sep: str = "\n") -> str:
    return sep.join([header, *rows]) + sep


# --- workbooks ----------------------------------------------------------------------------------


def _report_1c(book) -> None:
    """Title rows, a two-row header with merged cells, real dates and numbers, an Итого row."""
    ws = book.add_worksheet("Продажи")
    bold = book.add_format({"bold": True})
    date = book.add_format({"num_format": "dd.mm.yyyy"})
    ws.write(0, 0, "Продажи за период 01.01.2026 - 31.01.2026", bold)
    ws.write(1, 0, "Отбор: Организация = ООО «Тест»")
    ws.merge_range(3, 0, 4, 0, "Дата", bold)  # merged down over both header rows
    ws.merge_range(3, 1, 4, 1, "Клиент", bold)
    ws.merge_range(3, 2, 3, 3, "Продажи", bold)  # merged across the two money columns
    ws.write(4, 2, "Количество", bold)
    ws.write(4, 3, "Сумма", bold)
    rows = [
        (dt.date(2026, 1, 12), "ООО «Ромашка»", 3, 1500.5),
        (dt.date(2026, 1, 13), "ИП Петров", 1, 99.0),
        (dt.date(2026, 1, 14), "АО Лютик", 2, -40.0),
    ]
    for i, (d, client, qty, amount) in enumerate(rows):
        ws.write_datetime(5 + i, 0, dt.datetime.combine(d, dt.time()), date)
        ws.write_string(5 + i, 1, client)
        ws.write_number(5 + i, 2, qty)
        ws.write_number(5 + i, 3, amount)
    ws.write_string(8, 0, "Итого")
    ws.write_number(8, 3, 1559.5)


def _two_sheets(book) -> None:
    book.add_worksheet("Справка").write(0, 0, "Эта выгрузка сделана из 1С")
    ws = book.add_worksheet("Данные")
    ws.write_row(0, 0, ["Дата", "Клиент", "Сумма"])
    ws.write_row(1, 0, ["05.02.2026", "К1", "1 234,56"])  # text cells, 1C style
    ws.write_row(2, 0, ["06.02.2026", "К2", 10])


def _mixed_cells(book) -> None:
    ws = book.add_worksheet("Лист1")
    ws.write_row(0, 0, ["Дата", "Клиент", "Сумма"])
    ws.write_datetime(1, 0, dt.datetime(2026, 2, 1), book.add_format({"num_format": "dd.mm.yyyy"}))
    ws.write_row(1, 1, ["К1", 100.25])
    ws.write_row(2, 0, ["02.02.2026", "К2", "2 000,00"])  # text date and text number
    ws.write_number(3, 0, 46056)  # an Excel serial day number in a general cell: 2026-02-03
    ws.write_row(3, 1, ["К3", "н/д"])


def _english_total(book) -> None:
    ws = book.add_worksheet("Report")
    ws.write_row(0, 0, ["Close Date", "Account Name", "Amount"])
    ws.write_row(1, 0, ["2026-03-02", "Acme", 1200])
    ws.write_row(2, 0, ["Grand Total", "", 1200])


# --- the corpus -------------------------------------------------------------------------------------

GOOD = ["01.02.2026;К1;1 000,50", "02.02.2026;К2;20", "03.02.2026;К3;-5,5"]


def _amounts(expected):
    def check(intake):
        assert intake.tables["sales"]["amount"].tolist() == pytest.approx(expected)

    return check


def _rows(table, expected, column="_row"):
    def check(intake):
        assert intake.tables[table][column].tolist() == expected

    return check


def _rejected_rows(expected: dict[int, str]):
    def check(intake):
        got = dict(zip(intake.rejected["row"], intake.rejected["reason_code"], strict=True))
        assert got == expected

    return check


CASES = [
    Case(
        "utf8-bom-semicolon-decimal-comma",
        {"s.csv": csv_bytes("\ufeff" + sales(GOOD))},
        used=3,
        check=_amounts([1000.5, 20.0, -5.5]),
    ),
    Case(
        "cp1251-detected",
        {"s.csv": csv_bytes(sales(["01.02.2026;ООО «Ромашка»;5"] * 3), "cp1251")},
        used=3,
        check=lambda i: (
            set(i.tables["sales"]["client_id"]) == {"ООО «Ромашка»"} or pytest.fail("cp1251 text misread")
        ),
    ),
    Case(
        "cp1251-configured",
        {"s.csv": csv_bytes(sales(["01.02.2026;Ёлка;5"]), "cp1251")},
        spec={"read": {"encoding": "cp1251"}},
        used=1,
        check=lambda i: i.tables["sales"]["client_id"].iloc[0] == "Ёлка" or pytest.fail(),
    ),
    Case(
        "utf16-tab-unicode-text",
        {
            "s.txt": codecs.BOM_UTF16_LE
            + sales(["01.02.2026\tК1\t7"], "Дата\tКлиент\tСумма", "\r\n").encode("utf-16-le")
        },
        used=1,
    ),
    Case(
        "tab-delimited-tsv",
        {"s.tsv": csv_bytes(sales(["01.02.2026\tК;1\t7,5"], "Дата\tКлиент\tСумма"))},
        used=1,
        check=_amounts([7.5]),
    ),
    Case(
        "comma-delimited-quoted-decimal-comma",
        {
            "s.csv": csv_bytes(
                'Дата,Клиент,Сумма\n01.02.2026,"ООО ""Ромашка"", филиал","1 234,50"\n02.02.2026,К2,"7,25"\n'
            )
        },
        spec={"read": {"decimal": ","}},
        used=2,
        check=_amounts([1234.5, 7.25]),
    ),
    Case(
        "embedded-newline-keeps-line-numbers",
        {
            "s.csv": csv_bytes(
                'Дата;Клиент;Сумма\n01.02.2026;"ООО\nРомашка";5\n02.02.2026;К2;н/д\n03.02.2026;К3;7\n'
            )
        },
        used=2,
        rejected={"not_a_number": 1},
        check=_rejected_rows({4: "not_a_number"}),
    ),
    Case(
        "blank-lines-are-not-rows",
        {"s.csv": csv_bytes("Дата;Клиент;Сумма\n01.02.2026;К1;5\n\n;;\n02.02.2026;К2;x\n\n\n")},
        used=1,
        rejected={"not_a_number": 1},
        check=_rejected_rows({5: "not_a_number"}),
    ),
    Case(
        "title-rows-above-the-header",
        {
            "s.csv": csv_bytes(
                "Отчёт о продажах\nПериод: январь 2026\n\n" + sales(["10.01.2026;К1;5", "11.01.2026;К2;x"])
            )
        },
        used=1,
        rejected={"not_a_number": 1},
        check=_rejected_rows({6: "not_a_number"}),
    ),
    Case(
        "header-row-configured",
        {"s.csv": csv_bytes("Дата;Клиент;Сумма\n" + sales(GOOD))},
        spec={"read": {"header_row": 2}},
        used=3,
        check=_rows("sales", [3, 4, 5]),
    ),
    Case(
        "totals-row-is-read-and-rejected",
        {"s.csv": csv_bytes(sales([*GOOD, "Итого:;;1015"]))},
        used=3,
        rejected={"totals_row": 1},
        check=_rejected_rows({5: "totals_row"}),
    ),
    Case(
        "subtotal-rows-in-the-middle",
        {
            "s.csv": csv_bytes(
                sales(["01.02.2026;К1;5", ";Итого по Иванов;5", "02.02.2026;К2;6", "Всего;;11"])
            )
        },
        used=2,
        rejected={"totals_row": 2},
    ),
    Case(
        "nbsp-thousands-and-ruble-sign",
        {
            "s.csv": csv_bytes(
                sales(["01.02.2026;К1;1\u00a0234\u00a0567,89 ₽", "02.02.2026;К2;12\u202f000 руб."])
            )
        },
        spec={"read": {"decimal": ","}},
        used=2,
        check=_amounts([1234567.89, 12000.0]),
    ),
    Case(
        "dollar-sign-comma-thousands",
        {
            "s.csv": csv_bytes(
                'Date,Client,Amount\n2026-02-01,Acme,"$1,234.50"\n2026-02-02,Beta,"USD 12,500.00"\n'
            )
        },
        spec={"columns": {"date": "Date", "client_id": "Client", "amount": "Amount"}},
        used=2,
        check=_amounts([1234.5, 12500.0]),
    ),
    Case(
        "apostrophe-thousands",
        {"s.csv": csv_bytes(sales(["01.02.2026;К1;12'345.50", "02.02.2026;К2;1’000"]))},
        spec={"read": {"decimal": "."}},
        used=2,
        check=_amounts([12345.5, 1000.0]),
    ),
    Case(
        "parentheses-and-trailing-minus-negatives",
        {"s.csv": csv_bytes(sales(["01.02.2026;К1;(500,00)", "02.02.2026;К2;120-", "03.02.2026;К3;−7"]))},
        spec={"read": {"decimal": ","}},
        used=3,
        check=_amounts([-500.0, -120.0, -7.0]),
    ),
    Case(
        "iso-dates-detected",
        {"s.csv": csv_bytes(sales(["2026-02-01;К1;5", "2026-02-28;К2;6"]))},
        used=2,
        check=lambda i: i.tables["sales"]["date"].dt.day.tolist() == [1, 28] or pytest.fail(),
    ),
    Case(
        "dotted-dates-with-time",
        {"s.csv": csv_bytes(sales(["01.02.2026 14:30;К1;5", "02.02.2026 09:05:59;К2;6"]))},
        used=2,
        check=lambda i: (i.tables["sales"]["date"].dt.hour == 0).all() or pytest.fail(),
    ),
    Case(
        "us-dates-detected-by-a-day-over-12",
        {"s.csv": csv_bytes(sales(["2/13/2026;К1;5", "3/1/2026;К2;6"]))},
        used=2,
        check=lambda i: i.tables["sales"]["date"].dt.month.tolist() == [2, 3] or pytest.fail(),
    ),
    Case(
        "ambiguous-day-month-order-stops",
        {"s.csv": csv_bytes(sales(["01/02/2026;К1;5", "03/04/2026;К2;6"]))},
        error=DataError,
        match="ambiguous",
        where={"column": "Дата", "value": "01/02/2026", "row": 2},
    ),
    Case(
        "ambiguous-order-settled-by-config",
        {"s.csv": csv_bytes(sales(["01/02/2026;К1;5", "03/04/2026;К2;6"]))},
        spec={"read": {"date_format": "%m/%d/%Y"}},
        used=2,
        check=lambda i: i.tables["sales"]["date"].dt.month.tolist() == [1, 3] or pytest.fail(),
    ),
    Case(
        "excel-serial-dates-in-csv",
        {"s.csv": csv_bytes(sales(["46053;К1;5", "46054;К2;6"]))},
        used=2,
        check=lambda i: (
            i.tables["sales"]["date"].dt.strftime("%Y-%m-%d").tolist() == ["2026-01-31", "2026-02-01"]
            or pytest.fail()
        ),
    ),
    Case(
        "yyyymmdd-integer-dates",
        {"s.csv": csv_bytes(sales(["20260131;К1;5", "20261301;К2;6"]))},
        used=1,
        rejected={"not_a_date": 1},
    ),
    Case(
        "na-strings-stay-strings",
        {
            "s.csv": csv_bytes(
                "Дата;Клиент;Сумма;Менеджер\n01.02.2026;К1;5;NA\n02.02.2026;К2;6;N/A\n03.02.2026;К3;-;-\n"
            )
        },
        spec={"columns": {**BASE_COLUMNS, "manager": "Менеджер"}},
        used=2,
        rejected={"not_a_number": 1},
        check=lambda i: i.tables["sales"]["manager"].tolist() == ["NA", "N/A"] or pytest.fail(),
    ),
    Case(
        "na-values-configured-mean-missing",
        {"s.csv": csv_bytes("Дата;Клиент;Сумма;Менеджер\n01.02.2026;К1;5;н/д\n02.02.2026;К2;-;Иванов\n")},
        spec={"columns": {**BASE_COLUMNS, "manager": "Менеджер"}, "read": {"na_values": ["-", "н/д"]}},
        used=1,
        rejected={"empty": 1},
        check=lambda i: i.tables["sales"]["manager"].isna().all() or pytest.fail(),
    ),
    Case(
        "impossible-date-rejected",
        {"s.csv": csv_bytes(sales(["31.02.2026;К1;5", *GOOD]))},
        spec={"read": {"date_format": "%d.%m.%Y"}},
        used=3,
        rejected={"not_a_date_format": 1},
    ),
    Case(
        "date-after-as-of-rejected",
        {"s.csv": csv_bytes(sales(["15.12.2026;К1;5", *GOOD]))},
        used=3,
        rejected={"after_as_of": 1},
    ),
    Case(
        "line-without-client-rejected",
        {"s.csv": csv_bytes(sales(["01.02.2026;  ;5", *GOOD]))},
        used=3,
        rejected={"empty": 1},
    ),
    Case(
        "line-with-extra-fields-rejected",
        {"s.csv": csv_bytes(sales(["01.02.2026;К1;1;5", *GOOD, "04.02.2026;К4;7;;"]))},
        used=4,
        rejected={"wrong_field_count": 1},
        check=_rejected_rows({2: "wrong_field_count"}),
    ),
    Case(
        "several-problems-one-row",
        {"s.csv": csv_bytes(sales(["99.99.2026;;x", *GOOD]))},
        used=3,
        rejected={"not_a_date": 1, "empty": 1, "not_a_number": 1},
        check=lambda i: i.accounting["rows_rejected"].tolist() == [1] or pytest.fail(),
    ),
    Case(
        "unbalanced-quote-stops",
        {"s.csv": csv_bytes(sales(['01.02.2026;"К1;5', *(GOOD * 30)]))},
        error=InputFileError,
        match="quote",
        where={"row": 2},
    ),
    Case("empty-file-stops", {"s.csv": b""}, error=InputFileError, match="empty"),
    Case("blank-lines-only-stops", {"s.csv": b"\r\n\r\n"}, error=InputFileError, match="no text"),
    Case(
        "header-only-stops",
        {"s.csv": csv_bytes("Дата;Клиент;Сумма\n")},
        error=InputFileError,
        match="no data rows",
    ),
    Case(
        "pdf-renamed-xlsx-stops",
        {"s.xlsx": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"},
        error=InputFileError,
        match="PDF",
    ),
    Case(
        "html-saved-as-xls-stops",
        {
            "s.xls": csv_bytes(
                "<html><head><meta charset=utf-8></head><body><table><tr><td>Дата</td></tr></table></body></html>"
            )
        },
        error=InputFileError,
        match="HTML",
    ),
    Case(
        "spreadsheetml-2003-stops",
        {
            "s.xls": csv_bytes(
                '<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"></Workbook>'
            )
        },
        error=InputFileError,
        match="XML Spreadsheet",
    ),
    Case(
        "csv-text-named-xlsx-stops",
        {"s.xlsx": csv_bytes(sales(GOOD))},
        error=InputFileError,
        match="rename it to .csv",
    ),
    Case(
        "xlsx-named-csv-stops",
        {"s.csv": b"PK\x03\x04\x14\x00\x06\x00garbage"},
        error=InputFileError,
        match="rename it to .xlsx",
    ),
    Case(
        "corrupt-xls-stops",
        {"s.xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600},
        error=InputFileError,
        match="not a readable Excel workbook",
    ),
    Case("unsupported-extension-stops", {"s.docx": b"PK\x03\x04"}, error=InputFileError, match="unsupported"),
    Case(
        "unmapped-required-column-stops",
        {"s.csv": csv_bytes(sales(GOOD, "Дата;Покупатель;Сумма"))},
        error=InputFileError,
        match="not in the file",
        where={"column": "Клиент"},
    ),
    Case(
        "decimal-mark-ambiguous-stops",
        {"s.csv": csv_bytes(sales(["01.02.2026;К1;1,234", "02.02.2026;К2;2,500"]))},
        error=DataError,
        match="decimal",
        where={"column": "Сумма", "value": "1,234", "row": 2},
    ),
    Case(
        "unknown-encoding-stops",
        {"s.csv": csv_bytes(sales(GOOD))},
        spec={"read": {"encoding": "klingon"}},
        error=InputFileError,
        match="unknown encoding",
    ),
    Case(
        "xlsx-1c-report-titles-merged-header-totals",
        {"s.xlsx": xlsx(_report_1c)},
        used=3,
        rejected={"totals_row": 1},
        check=lambda i: (
            (
                i.tables["sales"]["_row"].tolist(),
                i.tables["sales"]["date"].dt.day.tolist(),
                i.tables["sales"]["amount"].tolist(),
            )
            == ([6, 7, 8], [12, 13, 14], [1500.5, 99.0, -40.0])
            or pytest.fail(str(i.tables["sales"]))
        ),
    ),
    Case(  # the legacy BIFF8 format 1C still saves; a committed fixture (scripts/make_xls_fixture.py)
        "xls-biff8-1c-report-titles-merged-header-totals",
        {"s.xls": (Path(__file__).parents[1] / "data" / "1c_report.xls").read_bytes()},
        spec={"read": {"decimal": ","}},
        used=4,
        rejected={"totals_row": 1, "empty": 1},
        check=lambda i: (
            (
                (
                    i.tables["sales"]["_row"].tolist(),
                    i.tables["sales"]["date"].dt.day.tolist(),
                    i.tables["sales"]["amount"].tolist(),
                    i.tables["sales"]["client_id"].astype(str).tolist()[0],
                )
                == ([6, 7, 8, 9], [12, 13, 14, 15], [1500.5, 99.0, -40.0, 1234.5], "ООО «Ромашка»")
                or pytest.fail(str(i.tables["sales"]))
            )
            and _rejected_rows({10: "empty", 11: "totals_row"})(i) is None
        ),
    ),
    Case(
        "xlsx-sheet-found-by-its-headers",
        {"s.xlsx": xlsx(_two_sheets)},
        spec={"read": {"decimal": ","}},
        used=2,
        check=_amounts([1234.56, 10.0]),
    ),
    Case(
        "xlsx-wrong-sheet-name-stops",
        {"s.xlsx": xlsx(_two_sheets)},
        spec={"read": {"sheet": "Продажи"}},
        error=InputFileError,
        match="sheet 'Продажи' not found",
        where={"value": "Продажи"},
    ),
    Case(
        "xlsx-typed-and-text-cells",
        {"s.xlsx": xlsx(_mixed_cells)},
        spec={"read": {"decimal": ","}},
        used=2,
        rejected={"not_a_number": 1},
        check=lambda i: i.tables["sales"]["date"].dt.day.tolist() == [1, 2] or pytest.fail(),
    ),
    Case(
        "xlsx-english-grand-total",
        {"s.xlsx": xlsx(_english_total)},
        spec={"columns": {"date": "Close Date", "client_id": "Account Name", "amount": "Amount"}},
        used=1,
        rejected={"totals_row": 1},
    ),
    Case(
        "parquet-typed-columns",
        {
            "s.parquet": parquet(
                {
                    "Дата": pd.to_datetime(["2026-02-01 10:00", "2026-02-02 00:00"]),
                    "Клиент": ["К1", None],
                    "Сумма": [1.5, 2.0],
                }
            )
        },
        used=1,
        rejected={"empty": 1},
        check=_rows("sales", [1]),
    ),
    Case(
        "parquet-text-columns",
        {
            "s.parquet": parquet(
                {"Дата": ["01.02.2026", "02.02.2026"], "Клиент": ["К1", "К2"], "Сумма": ["1 234,50", "x"]}
            )
        },
        spec={"read": {"decimal": ","}},
        used=1,
        rejected={"not_a_number": 1},
    ),
    Case(
        "two-files-duplicate-lines-across",
        {"a.csv": csv_bytes(sales(GOOD)), "b.csv": csv_bytes(sales([GOOD[2], "04.02.2026;К4;8"]))},
        used=5,
        check=lambda i: _cross_file(i, 1),
    ),
]


def _cross_file(intake, expected: int) -> None:
    from salesaudit.intake.quality import quality_checks

    checks = quality_checks(intake.tables, intake.rejected).set_index("check")
    assert checks.loc["duplicate_across_files", "count"] == expected
    assert intake.accounting["file"].tolist() == ["a.csv", "b.csv"]


def test_the_corpus_is_big_enough():
    assert len(CASES) >= 30
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_corpus(case: Case, tmp_path: Path):
    folder = write_engagement(tmp_path / "eng", case)
    originals = {p: p.read_bytes() for p in (folder / "data").iterdir()}
    eng = config.load(folder)
    if case.error is not None:
        with pytest.raises(case.error, match=case.match) as err:
            read_engagement(eng)
        assert err.value.file and Path(err.value.file).name in case.files
        for attr, value in case.where.items():
            assert getattr(err.value, attr) == value, attr
        assert "\n" not in err.value.message  # one clear line (the hint goes on its own line)
    else:
        intake = read_engagement(eng)
        acc = intake.accounting
        assert (acc["rows_read"] == acc["rows_used"] + acc["rows_rejected"]).all()
        assert int(acc["rows_used"].sum()) == case.used == len(intake.tables["sales"])
        got = intake.rejected.drop_duplicates(["file", "row", "reason_code"])["reason_code"].value_counts()
        assert got.to_dict() == case.rejected
        if case.check is not None:
            case.check(intake)
    assert {p: p.read_bytes() for p in (folder / "data").iterdir()} == originals  # never modified
