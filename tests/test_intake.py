import pandas as pd
import pytest

from salesaudit import config
from salesaudit.exceptions import DataError, InputFileError
from salesaudit.intake import read_engagement
from salesaudit.parsing import parse_dates, parse_numbers
from tests.conftest import TINY_YAML, make_engagement


def test_every_row_used_or_rejected_with_its_line_number(tiny):
    result = read_engagement(config.load(tiny))
    sales = result.tables["sales"]
    assert sales["amount"].tolist() == [1000.5, -100.0]  # the return is kept, netted later
    rej = result.rejected.set_index("row")
    # line numbers as the consultant sees them in the file (header = line 1; the blank line 6 is skipped)
    assert rej.loc[3, "reason"] == "not a number" and rej.loc[3, "value"] == "н/д"
    assert rej.loc[4, "reason"].startswith("not a date") and rej.loc[4, "value"] == "31.02.2026"
    assert rej.loc[5, "reason"] == "client_id is empty"
    assert rej.loc[8, "reason"].startswith("totals row")
    assert rej.loc[9, "reason"] == "date is after the as-of date"
    acc = result.accounting.iloc[0]
    assert acc["rows_read"] == acc["rows_used"] + acc["rows_rejected"] == 7


def test_raw_file_is_not_modified(tiny):
    path = tiny / "data" / "sales.csv"
    before = path.read_bytes()
    read_engagement(config.load(tiny))
    assert path.read_bytes() == before


def test_missing_mapped_column_names_file_and_column(tmp_path):
    folder = make_engagement(tmp_path / "e", yaml_text=TINY_YAML.replace("amount: Сумма", "amount: Итог"))
    with pytest.raises(InputFileError) as err:
        read_engagement(config.load(folder))
    assert err.value.column == "Итог"
    assert "sales.csv" in err.value.file
    assert "Сумма" in err.value.hint  # lists what the file does have


def test_ambiguous_dates_ask_for_a_format(tmp_path):
    sales = "date,client,amount\n01/02/2026,A,1\n03/04/2026,B,2\n"
    text = TINY_YAML.replace(
        "columns: {date: Дата, client_id: Клиент, amount: Сумма, manager: Менеджер, document_id: Документ}",
        "columns: {date: date, client_id: client, amount: amount}",
    ).replace('read: {date_format: "%d.%m.%Y", decimal: ","}', "read: {}")
    folder = make_engagement(tmp_path / "e", yaml_text=text, sales=sales)
    with pytest.raises(DataError, match="ambiguous") as err:
        read_engagement(config.load(folder))
    assert err.value.column == "date"


def test_unsupported_and_empty_files(tmp_path):
    folder = make_engagement(tmp_path / "e", sales="")
    with pytest.raises(InputFileError, match="empty"):
        read_engagement(config.load(folder))


def test_parse_numbers_formats():
    nums, bad = parse_numbers(pd.Series(["1\u00a0234\u00a0567,89 ₽", "(500,00)", "12'345,5", "abc"]), decimal=",")
    assert nums.tolist()[:3] == [1234567.89, -500.0, 12345.5]
    assert bad.tolist() == [False, False, False, True]
    nums, _ = parse_numbers(pd.Series(["$1,234.50"]), decimal=".")
    assert nums.iloc[0] == 1234.5


def test_parse_dates_detects_unambiguous_format():
    dates, bad = parse_dates(pd.Series(["31.01.2026", "15.02.2026", ""]))
    assert dates.iloc[0] == pd.Timestamp("2026-01-31") and not bad.any()
