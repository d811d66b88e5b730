"""inputs.<table>.derive / exclude / lookups / join: each on tiny files (CSV in cp1251, XLSX), with the
row accounting, the reasons of the rejected rows and the errors a wrong setting gives."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from salesaudit.engine import config
from salesaudit.exceptions import ConfigError, DataError, InputFileError
from salesaudit.intake.canonical import read_engagement
from salesaudit.intake.expressions import check_expression, connection
from tests.conftest import make_engagement

# Order lines: quantity × price − discount, decimal comma, spaces as thousands, Windows-1251
LINES = (
    "Дата;Клиент;Кол-во;Цена;Скидка;Статус;Номер;Таб. номер\n"
    "01.02.2026;К1;2;1 000,50;;Проведён;A1;0042\n"  # 2001.00
    "02.02.2026;К2;3;н/д;10;Проведён;A2;0043\n"  # price not a number
    "03.02.2026;К3;1;100;5;Отменён;A1;0042\n"  # cancelled
    "04.02.2026;К4;;100;0;Проведён;A2;0099\n"  # quantity empty: no amount
    "05.02.2026;К5;4;2,5;1,5;Проведён;A9;0043\n"  # 8.50, no order header
    "06.02.2026;К6;1;10;0;;A2;0043\n"  # empty status: not cancelled; 10.00
)

YAML = """\
client: {{name: "ООО «Тест»"}}
as_of: 2026-11-25
inputs:
  sales:
    files: [data/lines.csv]
    columns: {{date: Дата, client_id: Клиент}}
    read: {{date_format: "%d.%m.%Y", decimal: ","}}
{extra}
plan: {{year: 2026}}
"""

DERIVE = """\
    derive:
      amount: '"Кол-во" * "Цена" - coalesce("Скидка", 0)'
    exclude:
      cancelled: '"Статус" = ''Отменён'''
"""


def _engagement(tmp_path: Path, extra: str, lines: str = LINES, encoding: str = "cp1251") -> Path:
    folder = make_engagement(tmp_path / "e", yaml_text=YAML.format(extra=extra.rstrip("\n")))
    (folder / "data" / "sales.csv").unlink()
    (folder / "data" / "lines.csv").write_bytes(lines.encode(encoding))
    return folder


def _xlsx(path: Path, sheet: str, rows: list[list]) -> None:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    book.save(path)


def _reasons(intake) -> dict[tuple[str, int], tuple]:
    rej = intake.rejected
    return {
        (f, int(r)): (c, v, code, d)
        for f, r, c, v, code, d in rej[
            ["file", "row", "column", "value", "reason_code", "detail"]
        ].itertuples(index=False)
    }


def _accounting_holds(intake) -> None:
    for a in intake.accounting.itertuples():
        assert a.rows_read == a.rows_used + a.rows_rejected
        listed = intake.rejected[intake.rejected["file"] == a.file]["row"].nunique()
        assert listed == a.rows_rejected


# ------------------------------------------------------------------------------------------------
# derive and exclude


def test_derive_and_exclude_compute_amount_and_list_every_rejected_row(tmp_path):
    intake = read_engagement(config.load(_engagement(tmp_path, DERIVE)))
    sales = intake.tables["sales"]
    # the amounts computed here from the raw cells: 2 × 1000.50 − 0, 4 × 2.5 − 1.5, 1 × 10 − 0
    assert dict(zip(sales["_row"], sales["amount"], strict=True)) == {
        2: 2 * 1000.5,
        6: 4 * 2.5 - 1.5,
        7: 10.0,
    }
    reasons = _reasons(intake)
    assert reasons == {
        ("lines.csv", 3): ("Цена", "н/д", "needs_a_number", "derive.amount"),
        ("lines.csv", 4): ("Статус", "Отменён", "filtered_out", "exclude.cancelled"),
        ("lines.csv", 5): ("Кол-во", "", "derive_empty", "derive.amount"),
    }
    rej = intake.rejected.set_index("row")
    assert rej.loc[4, "reason"] == "filtered out by exclude.cancelled"
    assert rej.loc[4, "amount"] == 95.0  # the filtered row's amount is still known (for the share checks)
    assert rej.loc[3, "reason"] == "not a number (needed by derive.amount)"
    acc = intake.accounting.iloc[0]
    assert (acc["rows_read"], acc["rows_used"], acc["rows_rejected"]) == (6, 3, 3)
    _accounting_holds(intake)


def test_rejection_reasons_in_russian():
    from salesaudit.intake.canonical import reason_text

    assert reason_text("filtered_out", lang="ru", detail="exclude.cancelled") == (
        "исключено условием exclude.cancelled"
    )
    assert reason_text("header_without_lines", lang="en") == "order header without lines"


def test_derived_text_keeps_whole_numbers_and_codes_as_written(tmp_path):
    extra = """\
    columns: {date: Дата}
    derive:
      client_id: '"Клиент" || ''-'' || "Кол-во" || ''-'' || "Таб. номер"'
      amount: '"Цена" * 1'
"""
    lines = "Дата;Клиент;Кол-во;Цена;Таб. номер\n01.02.2026;К1;2;5;0042\n02.02.2026;К2;3;7,5;0043\n"
    text = YAML.format(extra=extra.rstrip("\n")).replace("    columns: {date: Дата, client_id: Клиент}\n", "")
    folder = make_engagement(tmp_path / "e", yaml_text=text)
    (folder / "data" / "lines.csv").write_bytes(lines.encode("cp1251"))
    sales = read_engagement(config.load(folder)).tables["sales"]
    # a whole-number column is BIGINT (2, not 2.0); a code with a leading zero stays text
    assert sales["client_id"].astype(str).tolist() == ["К1-2-0042", "К2-3-0043"]
    assert sales["amount"].tolist() == [5.0, 7.5]


def test_an_optional_derived_column_left_empty_keeps_the_row(tmp_path):
    extra = DERIVE.replace("    exclude:", '      margin: \'"Цена" - "Скидка"\'\n    exclude:')
    intake = read_engagement(config.load(_engagement(tmp_path, extra)))
    sales = intake.tables["sales"].set_index("_row")
    assert sales.loc[2, "amount"] == 2001.0 and sales.loc[2, "margin"] != sales.loc[2, "margin"]  # NaN
    assert sales.loc[6, "margin"] == 1.0


def test_unknown_header_in_an_expression_names_it_and_lists_the_headers(tmp_path):
    extra = DERIVE.replace('"Кол-во" *', '"Количество" *')
    with pytest.raises(InputFileError) as err:
        read_engagement(config.load(_engagement(tmp_path, extra)))
    assert err.value.column == "Количество"
    assert err.value.key == "inputs.sales.derive.amount"
    assert "Кол-во" in err.value.hint and "Цена" in err.value.hint
    assert err.value.file.endswith("lines.csv")


def test_an_expression_duckdb_cannot_run_names_its_key(tmp_path):
    extra = DERIVE.replace('"Кол-во" * "Цена"', '"Статус" * "Цена"')
    with pytest.raises(DataError) as err:
        read_engagement(config.load(_engagement(tmp_path, extra)))
    assert err.value.key == "inputs.sales.derive.amount"


@pytest.mark.parametrize(
    "expression, words",
    [
        ("read_csv('/etc/passwd')", "table function"),
        ("(SELECT 1 FROM read_csv('/etc/passwd'))", "subquery"),
        ("\"Цена\" FROM read_csv('/etc/passwd')", "FROM"),
        ('"Цена"; DROP TABLE x', "statement"),
        ('sum("Цена")', "aggregate"),
        ("row_number() OVER ()", "window"),
        ("", "empty"),
    ],
)
def test_an_expression_that_reads_a_table_is_refused_with_its_key(tmp_path, expression, words):
    extra = "    derive:\n      amount: " + repr(expression).replace("\\'", "''") + "\n"
    with pytest.raises(ConfigError, match=words) as err:
        config.load(_engagement(tmp_path, extra))
    assert err.value.key == "inputs.sales.derive.amount"
    assert err.value.file.endswith("engagement.yaml")


def test_the_connection_reads_no_file_and_stays_locked():
    import duckdb

    con = connection()
    with pytest.raises(duckdb.Error, match="disabled"):
        con.execute("SELECT * FROM read_csv('/etc/passwd')").fetchall()
    with pytest.raises(duckdb.Error, match="locked"):
        con.execute("SET enable_external_access = true")


def test_check_expression_returns_the_headers():
    assert check_expression('coalesce("Скидка", 0) + "Цена"::DOUBLE', key="k") == ("Скидка", "Цена")


@pytest.mark.parametrize(
    "extra, key",
    [
        ("    derive: {revenue: '\"Цена\"'}", "inputs.sales.derive"),
        ("    derive: {client_id: '\"Клиент\"'}", "inputs.sales.derive.client_id"),  # also in columns
        ("    lookups: {boss: {files: [data/lines.csv], on: X, key: Y, value: Z}}", "inputs.sales.lookups"),
        ("    exclude: {all: 'true'}", "inputs.sales.exclude.all"),
        (
            "    columns: {date: Дата, client_id: Клиент, manager: Менеджер}\n"
            "    lookups: {manager: {files: [data/lines.csv], on: X, key: Y, value: Z}}",
            "inputs.sales.lookups.manager.on",
        ),
    ],
)
def test_config_checks_the_transform_keys(tmp_path, extra, key):
    text = extra if "columns:" not in extra else extra
    folder = _engagement(tmp_path, text)
    if "columns:" in extra:
        body = (folder / "engagement.yaml").read_text(encoding="utf-8")
        body = body.replace("    columns: {date: Дата, client_id: Клиент}\n", "", 1)
        (folder / "engagement.yaml").write_text(body, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        config.load(folder)
    assert err.value.key == key


# ------------------------------------------------------------------------------------------------
# lookups


STAFF = [["Табельный номер", "ФИО"], ["0042", "Иванов И."], ["0043", "Петров П."], ["0042", "Иванов И."]]


def _lookup_yaml(sheet: str = "Сотрудники") -> str:
    return (
        DERIVE
        + "    lookups:\n"
        + f"      manager: {{files: [data/staff.xlsx], read: {{sheet: {sheet}}}, on: Таб. номер, "
        + "key: Табельный номер, value: ФИО}\n"
    )


def test_lookup_gives_the_name_and_keeps_unknown_numbers_with_a_note(tmp_path):
    folder = _engagement(tmp_path, _lookup_yaml())
    _xlsx(folder / "data" / "staff.xlsx", "Сотрудники", STAFF)
    intake = read_engagement(config.load(folder))
    sales = intake.tables["sales"].set_index("_row")
    assert sales["manager"].astype(str).to_dict() == {2: "Иванов И.", 6: "Петров П.", 7: "Петров П."}
    _accounting_holds(intake)
    assert list(intake.accounting["file"]) == ["lines.csv"]  # a lookup file has no accounting line


def test_lookup_value_not_found_is_kept_and_counted(tmp_path):
    folder = _engagement(tmp_path, _lookup_yaml())
    _xlsx(folder / "data" / "staff.xlsx", "Сотрудники", STAFF[:2])  # no 0043
    intake = read_engagement(config.load(folder))
    sales = intake.tables["sales"].set_index("_row")
    assert sales.loc[6, "manager"] == "0043"
    note = [n for n in intake.notes if "not found" in n]  # 0043 on rows 3, 6, 7 and 0099 on row 5
    assert len(note) == 1 and "4 row(s)" in note[0] and "'0043'" in note[0] and "staff.xlsx" in note[0]


def test_lookup_key_with_two_values_is_one_error(tmp_path):
    folder = _engagement(tmp_path, _lookup_yaml())
    _xlsx(folder / "data" / "staff.xlsx", "Сотрудники", STAFF + [["0043", "Сидоров С."]])
    with pytest.raises(DataError) as err:
        read_engagement(config.load(folder))
    assert err.value.file.endswith("staff.xlsx") and err.value.value == "0043"
    assert "'Петров П.'" in err.value.message and "'Сидоров С.'" in err.value.message
    assert err.value.key == "inputs.sales.lookups.manager"


def test_lookup_key_header_missing_lists_the_lookup_files_headers(tmp_path):
    folder = _engagement(tmp_path, _lookup_yaml().replace("key: Табельный номер", "key: Таб"))
    _xlsx(folder / "data" / "staff.xlsx", "Сотрудники", STAFF)
    with pytest.raises(InputFileError) as err:
        read_engagement(config.load(folder))
    assert err.value.key == "inputs.sales.lookups.manager.key" and "Табельный номер" in err.value.hint


# ------------------------------------------------------------------------------------------------
# join


HEADERS = [
    ["Номер", "Дата заказа", "Покупатель", "Менеджер"],
    ["A1", "2026-02-01", "ООО Один", "Иванов"],
    ["A2", "2026-02-02", "ООО Два", "Петров"],
    ["A3", "2026-02-03", "ООО Три", "Сидоров"],
]


def _join_yaml() -> str:
    return (
        DERIVE + "    join:\n" + "      files: [data/headers.xlsx]\n" + '      on: {"Номер": "Номер"}\n'
    ).replace(
        "columns: {date: Дата, client_id: Клиент}",
        "columns: {date: Дата, client_id: Покупатель, manager: Менеджер}",
    )


def test_join_gives_each_line_its_headers_columns_and_accounts_for_both_files(tmp_path):
    text = YAML.format(extra=_join_yaml().rstrip("\n")).replace(
        "columns: {date: Дата, client_id: Клиент}",
        "columns: {date: Дата, client_id: Покупатель, manager: Менеджер}",
    )
    folder = make_engagement(tmp_path / "e", yaml_text=text)
    (folder / "data" / "lines.csv").write_bytes(LINES.encode("cp1251"))
    _xlsx(folder / "data" / "headers.xlsx", "Заказы", HEADERS)
    intake = read_engagement(config.load(folder))
    sales = intake.tables["sales"].set_index("_row")
    assert sales["client_id"].astype(str).to_dict() == {2: "ООО Один", 7: "ООО Два"}
    assert sales["manager"].astype(str).to_dict() == {2: "Иванов", 7: "Петров"}
    reasons = _reasons(intake)
    assert reasons[("lines.csv", 6)] == ("Номер", "A9", "no_header", "headers.xlsx")
    assert reasons[("headers.xlsx", 4)] == ("Номер", "A3", "header_without_lines", None)
    acc = intake.accounting.set_index("file")
    assert acc.loc["headers.xlsx", ["rows_read", "rows_used", "rows_rejected"]].tolist() == [3, 2, 1]
    assert acc.loc["lines.csv", ["rows_read", "rows_used", "rows_rejected"]].tolist() == [6, 2, 4]
    _accounting_holds(intake)


def test_a_header_column_named_like_a_line_column_is_join_prefixed(tmp_path):
    extra = DERIVE.replace('"Статус" = ', "\"join.Менеджер\" = ''Иванов'' AND \"Статус\" = ") + (
        "    join: {files: [data/headers.csv], on: {Номер: Номер}}\n"
    )
    folder = _engagement(tmp_path, extra)
    (folder / "data" / "headers.csv").write_text(
        "Номер;Статус;Менеджер\nA1;Закрыт;Иванов\nA2;Закрыт;Петров\nA9;Закрыт;Петров\n", encoding="utf-8"
    )
    intake = read_engagement(config.load(folder))
    # the lines' own "Статус" is used (row 4: Отменён, manager Иванов → filtered out)
    assert _reasons(intake)[("lines.csv", 4)][2] == "filtered_out"
    _accounting_holds(intake)


def test_join_with_a_duplicate_order_key_is_one_error(tmp_path):
    extra = DERIVE + "    join: {files: [data/headers.csv], on: {Номер: Номер}}\n"
    folder = _engagement(tmp_path, extra)
    (folder / "data" / "headers.csv").write_text(
        "Номер;Менеджер\nA1;Иванов\nA2;Петров\nA1;Сидоров\n", encoding="utf-8"
    )
    with pytest.raises(DataError) as err:
        read_engagement(config.load(folder))
    assert err.value.value == "A1" and "row 2" in err.value.message and "row 4" in err.value.message


def test_join_files_must_exist(tmp_path):
    extra = DERIVE + "    join: {files: [data/nope.csv], on: {Номер: Номер}}\n"
    with pytest.raises(ConfigError) as err:
        config.load(_engagement(tmp_path, extra))
    assert err.value.key == "inputs.sales.join.files"
