import datetime

import openpyxl
import pandas as pd

from salesaudit.engine import config
from salesaudit.engine.outputs import save_table
from salesaudit.report.workbook import needs_neutralising, write_workbook


def test_formula_like_text_is_stored_as_quoted_text(tiny, tmp_path):
    eng = config.load(tiny)
    run = tmp_path / "run"
    evil = ['=HYPERLINK("http://x","y")', "+1+1", "-2", "@SUM(A1)", "\tx", "ООО «Ромашка»"]
    save_table(pd.DataFrame({"name": evil, "amount": [1.5, 2, 3, 4, 5, 6]}), "clients", run_dir=run)
    path = write_workbook(run, eng=eng)
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    cells = [ws.cell(row=i, column=1) for i in range(2, 2 + len(evil))]
    assert [c.value for c in cells] == evil  # the text is kept exactly...
    assert all(c.data_type == "s" for c in cells)  # ...as text, never a formula
    assert [c.quotePrefix for c in cells] == [True, True, True, True, True, False]
    assert ws.cell(row=2, column=2).value == 1.5
    assert ws.freeze_panes == "A2"
    assert ws.cell(row=1, column=1).value == "Клиент"  # translated header (language ru)


def test_per_manager_sheets(tiny, tmp_path):
    eng = config.load(tiny)
    run = tmp_path / "run"
    save_table(
        pd.DataFrame({"client_id": ["a", "b", "c"], "manager": ["Иванов", "Петров/Сидоров", "Иванов"]}),
        "clients",
        run_dir=run,
    )
    wb = openpyxl.load_workbook(write_workbook(run, eng=eng))
    names = wb.sheetnames
    assert "Иванов" in names and "Петров_Сидоров" in names  # '/' is not allowed in a sheet name
    ws = wb["Иванов"]
    assert [ws.cell(row=i, column=1).value for i in (3, 4)] == ["a", "c"]


def test_needs_neutralising():
    assert needs_neutralising("=1") and needs_neutralising("@x") and not needs_neutralising("1=1")


def test_a_long_list_of_names_is_kept_whole_and_class_columns_are_words(tiny, tmp_path):
    """Issue 18: the report counts a client's 29 managers; the workbook lists every one of them, and the
    portfolio sheet's class columns have worded headers (never ``clients_A``) in both languages."""
    names = ", ".join(f"Менеджер {i:02d}" for i in range(29))
    ru = config.load(tiny)
    for lang, header in (("ru", "Клиентов\u00a0A"), ("en", "A\u00a0clients")):
        run = tmp_path / lang
        save_table(
            pd.DataFrame({"client_id": ["ЦБ-1"], "n_managers": [29], "managers": [names]}),
            "shared_clients",
            run_dir=run,
        )
        save_table(
            pd.DataFrame({"manager": ["Ivanov"], "clients_A": [3], "revenue_D": [1.0]}),
            "manager_portfolios",
            run_dir=run,
        )
        wb = openpyxl.load_workbook(write_workbook(run, eng=ru.model_copy(update={"language": lang})))
        shared = next(
            ws for ws in wb.worksheets if ws.cell(row=1, column=1).value in ("Код клиента", "Client ID")
        )
        assert shared.cell(row=2, column=3).value == names
        portfolios = next(ws for ws in wb.worksheets if ws.cell(row=1, column=2).value == header)
        assert "revenue_D" not in [c.value for c in portfolios[1]]


def test_status_and_area_codes_are_words_in_the_workbook_and_codes_in_the_tables(tiny, tmp_path):
    """Issue 18: the owner's workbook shows "проблема", not ``problem``; the csv keeps the code."""
    ru = config.load(tiny)
    for lang, problem, area in (("ru", "проблема", "Клиенты"), ("en", "problem", "Clients")):
        run = tmp_path / lang
        findings = pd.DataFrame(
            {"check_id": ["clients.concentration"], "area": ["clients"], "status": ["problem"]}
        )
        save_table(findings, "findings", run_dir=run)
        wb = openpyxl.load_workbook(write_workbook(run, eng=ru.model_copy(update={"language": lang})))
        row = [c.value for c in wb.worksheets[0][2]]
        assert row == ["clients.concentration", area, problem]
        assert pd.read_csv(run / "tables" / "findings.csv", sep=None, engine="python")["area"].tolist() == [
            "clients"
        ]


def _written(tmp_path, df: pd.DataFrame, lang: str = "ru"):
    """``df`` written by the workbook's writer alone, read back: its first sheet."""
    from salesaudit.report.workbook import _Writer

    w = _Writer(tmp_path / "w.xlsx", lang)
    w.frame(w.sheet("t"), df)
    w.book.close()
    return openpyxl.load_workbook(tmp_path / "w.xlsx").worksheets[0]


def test_a_column_mixing_numbers_and_text_is_written_cell_by_cell(tmp_path):
    """A column of no single type keeps each cell's own type; its formula-like text stays quoted even
    where most cells are numbers (the writer is decided per column only for columns of one type)."""
    mixed = [1.5, "=SUM(A1)", None, "", "ООО «Ромашка»", True, 7, float("nan")]
    ws = _written(tmp_path, pd.DataFrame({"amount": pd.Series(mixed, dtype=object)}))
    cells = [ws.cell(row=i, column=1) for i in range(2, 2 + len(mixed))]
    assert [c.value for c in cells] == [1.5, "=SUM(A1)", None, None, "ООО «Ромашка»", True, 7, None]
    assert [c.data_type for c in cells] == ["n", "s", "n", "n", "s", "b", "n", "n"]
    assert [c.quotePrefix for c in cells] == [False, True, False, False, False, False, False, False]
    assert ws.cell(row=2, column=1).number_format == "General"  # a text column: numbers unformatted


def test_columns_of_one_type_keep_their_blanks_formats_and_quotes(tmp_path):
    df = pd.DataFrame(
        {
            "amount": [1200.5, float("nan"), -3.0],
            "n_deals": pd.array([2, None, 5], dtype="Int64"),
            "date": pd.to_datetime(["2026-01-05 13:30", None, "1969-12-31 12:00"]),
            "is_new": [True, False, True],
            "name": pd.Series(["-5", "", None], dtype="str"),
        }
    )
    ws = _written(tmp_path, df)
    rows = [[c.value for c in ws[i]] for i in (2, 3, 4)]
    assert rows == [
        [1200.5, 2, datetime.datetime(2026, 1, 5), True, "-5"],  # dates are days
        [None, None, None, False, None],
        [-3, 5, datetime.datetime(1969, 12, 31), True, None],
    ]
    assert [ws.cell(row=2, column=j).number_format for j in (1, 2, 3)] == ["#,##0", "#,##0", "dd.mm.yyyy"]
    assert ws.cell(row=2, column=4).data_type == "b" and ws.cell(row=2, column=5).quotePrefix
    assert _written(tmp_path, df[["date"]], lang="en").cell(row=2, column=1).number_format == "yyyy-mm-dd"
