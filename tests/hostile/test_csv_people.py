"""Hostile input, issue 13 — CSV for people: formulas in the CSVs a consultant opens in Excel.

Probes covered:

- a manager / client name or a value starting with ``= + - @``, a tab, a carriage return or spaces then
  ``=`` (``=cmd|' /C calc'!A0``, ``+1+1``, ``-2+3``, ``@SUM(A1)`` ...), read through a real intake:
  ``validate --rejected FILE`` (the file for the client) and a run's ``tables/*.csv`` (``save_table``)
  hold it inert, with a leading ``'``; the Parquet copy and the workbook keep the exact value;
- a negative number stays a number; a formula in a column name is neutralised too;
- the CSVs open in Excel in the report's language: BOM, ``;`` and a decimal comma for Russian
  (read back by pandas with ``sep=";", decimal=","``), ``,`` and ``.`` for English, ISO dates;
- one full (shared) demo run: every table has both ``.csv`` and ``.parquet``, every CSV starts with the BOM.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from salesaudit.engine import config
from salesaudit.engine.outputs import read_table, save_table
from salesaudit.intake.canonical import read_engagement
from salesaudit.report import spreadsheet, workbook
from tests.hostile.conftest import TINY_YAML, cli, make_engagement

BOM = "\ufeff".encode()
EVIL = {
    "cmd": "=cmd|' /C calc'!A0",
    "plus": "+1+1",
    "minus": "-2+3",
    "at": "@SUM(A1)",
    "tab": "\t=1+1",
    "cr": "\r=1+1",
    "spaces": "  =1+1",
}
NUMBER = re.compile(r"^-?\d+(?:[.,]\d+)?$")


def _cells(path: Path, sep: str) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(BOM), f"{path.name} has no byte-order mark"
    return list(csv.reader(io.StringIO(raw[len(BOM) :].decode("utf-8"), newline=""), delimiter=sep))


def _assert_inert(rows: list[list[str]]) -> None:
    """No cell Excel would run: formula-like text starts with ``'``; only plain numbers start with ``-``."""
    live = [c for row in rows for c in row if spreadsheet.needs_neutralising(c) and not NUMBER.match(c)]
    assert not live, f"cells Excel would read as formulas: {live}"


def _evil_engagement(folder: Path, evil: str, yaml_text: str = TINY_YAML) -> Path:
    q = '"' + evil.replace('"', '""') + '"'
    sales = (
        "\ufeffДата;Клиент;Сумма;Менеджер;Документ\n"
        f"01.02.2026;{q};1 000,50;{q};Д1\n"  # client and manager names
        f"02.02.2026;К2;{q};Петров;Д2\n"  # an amount: rejected, the value goes back to the client
        f"03.02.2026;К3;-100,5;Петров;Д3\n"  # a refund: a negative number
    )
    return make_engagement(folder, yaml_text=yaml_text, sales=sales)


def _run_folder(path: Path, lang: str) -> Path:
    path.mkdir(parents=True)
    manifest = {"status": "running", "parameters": {"language": lang}}
    (path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return path


@pytest.mark.parametrize("evil", list(EVIL.values()), ids=list(EVIL))
def test_formula_in_the_rejected_file_for_the_client_is_inert(tmp_path, evil):
    folder = _evil_engagement(tmp_path / "eng", evil)
    out = tmp_path / "rejected.csv"
    cli("validate", folder, "--rejected", out)
    rows = _cells(out, ";")  # the engagement's language is Russian
    _assert_inert(rows)
    values = [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    amount = next(v for v in values if v["column"] == "Сумма")
    assert amount["value"] == "'" + evil and amount["reason"] == "not a number"


@pytest.mark.parametrize("evil", list(EVIL.values()), ids=list(EVIL))
def test_formula_in_a_manager_and_client_name_is_inert_in_tables_csv(tmp_path, evil):
    intake = read_engagement(config.load(_evil_engagement(tmp_path / "eng", evil)))
    sales = intake.tables["sales"]
    run = _run_folder(tmp_path / "run", "ru")
    save_table(sales, "sales", run_dir=run)
    save_table(intake.rejected, "rejected_rows", run_dir=run)
    for name in ("sales", "rejected_rows"):
        _assert_inert(_cells(run / "tables" / f"{name}.csv", ";"))
    # the machine-readable copy holds the value the intake kept, unchanged
    back = read_table(run, "sales")
    assert back["manager"].astype(str).tolist() == sales["manager"].astype(str).tolist()
    assert evil in read_table(run, "rejected_rows")["value"].tolist()


def test_a_negative_number_stays_a_number(tmp_path):
    run = _run_folder(tmp_path / "run", "ru")
    save_table(pd.DataFrame({"amount": [-100.5, 3.0], "n": [-2, 1], "text": ["-2", "x"]}), "t", run_dir=run)
    rows = _cells(run / "tables" / "t.csv", ";")
    assert rows[1] == ["-100,5", "-2", "'-2"]  # numbers as numbers; a text "-2" is text
    assert read_table(run, "t")["amount"].tolist() == [-100.5, 3.0]


def test_a_formula_in_a_column_name_is_inert(tmp_path):
    run = _run_folder(tmp_path / "run", "en")
    save_table(pd.DataFrame({"=HYPERLINK(1)": [1], "ok": ["x"]}), "t", run_dir=run)
    assert _cells(run / "tables" / "t.csv", ",")[0] == ["'=HYPERLINK(1)", "ok"]
    assert list(read_table(run, "t").columns) == ["=HYPERLINK(1)", "ok"]


FRAME = pd.DataFrame(
    {
        "manager": ["Иванов", "=1+1", None],
        "amount": [1234.5, -0.25, float("nan")],
        "orders": [3, -1, 0],
        "week_start": pd.to_datetime(["2026-01-05", "2026-11-23", None]),
    }
)


def test_russian_csv_is_semicolon_separated_with_a_decimal_comma(tmp_path):
    run = _run_folder(tmp_path / "run", "ru")
    save_table(FRAME, "plan", run_dir=run)
    text = (run / "tables" / "plan.csv").read_bytes()
    assert text.startswith(BOM + b"manager;amount;orders;week_start\r\n")  # Excel's CRLF
    assert "Иванов;1234,5;3;2026-01-05" in text.decode("utf-8-sig")  # ISO dates
    back = pd.read_csv(run / "tables" / "plan.csv", sep=";", decimal=",", encoding="utf-8-sig")
    assert back["amount"].tolist()[:2] == [1234.5, -0.25] and back["orders"].tolist() == [3, -1, 0]
    assert back["manager"].tolist()[:2] == ["Иванов", "'=1+1"]


def test_english_csv_is_comma_separated_with_a_decimal_point(tmp_path):
    run = _run_folder(tmp_path / "run", "en")
    save_table(FRAME, "plan", run_dir=run)
    text = (run / "tables" / "plan.csv").read_bytes().decode("utf-8")
    assert text.startswith("\ufeffmanager,amount,orders,week_start\r\nИванов,1234.5,3,2026-01-05\r\n")
    # the --rejected file follows the engagement's language too
    en = make_engagement(tmp_path / "en", yaml_text=TINY_YAML + "language: en\ncurrency: USD\ncountry: US\n")
    cli("validate", en, "--rejected", tmp_path / "rej.csv")
    assert _cells(tmp_path / "rej.csv", ",")[0][:3] == ["table", "file", "row"]


def test_parquet_holds_the_raw_values_and_types(tmp_path):
    run = _run_folder(tmp_path / "run", "ru")
    save_table(FRAME, "plan", run_dir=run)
    back = read_table(run, "plan")
    pd.testing.assert_frame_equal(back, FRAME, check_dtype=False)
    assert back["manager"].tolist()[1] == "=1+1"  # no quote in the machine copy
    assert pd.api.types.is_datetime64_any_dtype(back["week_start"])


def test_the_workbook_uses_the_same_rule_and_keeps_the_value(tmp_path, eng):
    assert workbook.needs_neutralising is spreadsheet.needs_neutralising
    run = _run_folder(tmp_path / "run", "ru")
    save_table(pd.DataFrame({"client_id": ["  =1+1", "ok"]}), "clients", run_dir=run)
    ws = openpyxl.load_workbook(workbook.write_workbook(run, eng=config.load(eng))).worksheets[0]
    assert ws["A2"].value == "  =1+1" and ws["A2"].quotePrefix  # read from Parquet: no doubled quote
    assert not ws["A3"].quotePrefix


@pytest.mark.slow
@pytest.mark.xdist_group("demo")
def test_every_table_of_a_demo_run_has_a_csv_for_people_and_a_parquet(demo_run):
    folder = demo_run / "tables"
    csvs = {p.stem for p in folder.glob("*.csv")}
    assert len(csvs) >= 20 and csvs == {p.stem for p in folder.glob("*.parquet")}
    for name in sorted(csvs):
        assert (folder / f"{name}.csv").read_bytes().startswith(BOM), name
    header = (folder / "findings.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.startswith("check_id;")  # the demo's report is Russian
