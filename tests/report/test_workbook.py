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
