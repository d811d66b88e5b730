import pandas as pd
import pytest

from salesaudit.engine import config
from salesaudit.exceptions import DataError, InputFileError
from salesaudit.intake.canonical import read_engagement
from salesaudit.intake.parsing import parse_dates, parse_numbers
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
    nums, bad = parse_numbers(
        pd.Series(["1\u00a0234\u00a0567,89 ₽", "(500,00)", "12'345,5", "abc"]), decimal=","
    )
    assert nums.tolist()[:3] == [1234567.89, -500.0, 12345.5]
    assert bad.tolist() == [False, False, False, True]
    nums, _ = parse_numbers(pd.Series(["$1,234.50"]), decimal=".")
    assert nums.iloc[0] == 1234.5


def test_parse_dates_detects_unambiguous_format():
    dates, bad = parse_dates(pd.Series(["31.01.2026", "15.02.2026", ""]))
    assert dates.iloc[0] == pd.Timestamp("2026-01-31") and not bad.any()


# --- added with the full intake -------------------------------------------------------------------

import shutil  # noqa: E402

import numpy as np  # noqa: E402
import yaml  # noqa: E402

from salesaudit.engine.templates import template_path  # noqa: E402
from salesaudit.intake.canonical import (  # noqa: E402
    REJECTED_COLUMNS,
    localize_rejected,
    read_file,
    reason_text,
)


def _eng(folder, inputs: dict, files: dict):
    (folder / "data").mkdir(parents=True)
    for name, text in files.items():
        (folder / "data" / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / "data" / name).write_text(text, encoding="utf-8")
    raw = {"client": {"name": "T"}, "as_of": "2026-11-25", "inputs": inputs, "plan": {"year": 2026}}
    (folder / "engagement.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    shutil.copyfile(template_path("brand.yml"), folder / "brand.yml")
    shutil.copyfile(template_path("logo.svg"), folder / "logo.svg")
    (folder / "questionnaire.yaml").write_text("{}\n", encoding="utf-8")
    return config.load(folder)


SALES_MAP = {"date": "Дата", "client_id": "Клиент", "amount": "Сумма"}


def test_canonical_dtypes_and_bookkeeping_columns(tiny):
    sales = read_engagement(config.load(tiny)).tables["sales"]
    assert list(sales.columns) == ["date", "client_id", "amount", "manager", "document_id", "_file", "_row"]
    assert sales["date"].dtype == "datetime64[us]" and sales["amount"].dtype == "float64"
    for column in ("client_id", "manager"):  # few values repeated over many lines: categoricals
        dtype = sales[column].dtype
        assert isinstance(dtype, pd.CategoricalDtype) and dtype.categories.dtype == "str"
    # the categories are the values of the rows kept (К2 and К3 were rejected); document ids stay text
    assert list(sales["client_id"].cat.categories) == ["К1"] and sales["document_id"].dtype == "str"
    assert isinstance(sales["_file"].dtype, pd.CategoricalDtype) and sales["_row"].tolist() == [2, 7]


def test_rejected_layout_and_reasons_in_both_languages(tiny):
    rejected = read_engagement(config.load(tiny)).rejected
    assert list(rejected.columns) == REJECTED_COLUMNS
    row5 = rejected.set_index("row").loc[5]
    assert (row5["reason_code"], row5["detail"], row5["amount"]) == ("empty", "client_id", 5.0)
    ru = localize_rejected(rejected, lang="ru").set_index("row")["reason"]
    assert ru[3] == "не число" and ru[4] == "не дата в формате %d.%m.%Y" and ru[8].startswith("строка итогов")
    assert reason_text("not_won", lang="en").startswith("deal is not won")


def test_every_file_adds_up_on_its_own(tmp_path):
    eng = _eng(
        tmp_path / "e",
        {"sales": {"files": ["data/a.csv", "data/b.csv"], "columns": SALES_MAP}},
        {
            "a.csv": "Дата;Клиент;Сумма\n01.02.2026;К1;5\n02.02.2026;К2;x\n",
            "b.csv": "Дата,Клиент,Сумма\n2026-02-03,К3,7\n",
        },
    )
    intake = read_engagement(eng)
    assert intake.accounting[["file", "rows_read", "rows_used", "rows_rejected"]].values.tolist() == [
        ["a.csv", 2, 1, 1],
        ["b.csv", 1, 1, 0],
    ]
    assert intake.tables["sales"]["_file"].tolist() == ["a.csv", "b.csv"]
    assert any("b.csv (sales): csv, encoding utf-8, delimiter ','" in n for n in intake.notes)


def test_same_file_name_in_two_folders_is_told_apart(tmp_path):
    files = {f"{y}/s.csv": f"Дата;Клиент;Сумма\n01.02.{y};К;1\n" for y in ("2024", "2025")}
    eng = _eng(
        tmp_path / "e",
        {"sales": {"files": ["data/2024/s.csv", "data/2025/s.csv"], "columns": SALES_MAP}},
        files,
    )
    intake = read_engagement(eng)
    assert intake.accounting["file"].tolist() == ["data/2024/s.csv", "data/2025/s.csv"]


def test_recode_na_values_and_a_mapped_optional_column_missing(tmp_path):
    inputs = {
        "activities": {
            "files": ["data/a.csv"],
            "columns": {"date": "Дата", "manager": "Менеджер", "type": "Тип"},
            "recode": {"type": {"Звонок": "call", "встреча": "meeting"}},
            "read": {"na_values": ["—"]},
        },
        "sales": {"files": ["data/s.csv"], "columns": SALES_MAP},
    }
    eng = _eng(
        tmp_path / "e",
        inputs,
        {
            "a.csv": "Дата;Менеджер;Тип\n01.02.2026;Иванов;Звонок\n02.02.2026;—;Звонок\n"
            "03.02.2026;Петров;Встреча \n04.02.2026;Петров;КП\n",
            "s.csv": "Дата;Клиент;Сумма\n01.02.2026;К;1\n",
        },
    )
    intake = read_engagement(eng)
    acts = intake.tables["activities"]
    assert acts["type"].tolist() == ["call", "meeting", "КП"]  # trimmed, case ignored, others kept
    # "—" means missing here, and an activity needs its manager
    assert intake.rejected[["table", "row", "reason_code", "detail"]].values.tolist() == [
        ["activities", 3, "empty", "manager"]
    ]
    assert "outcome" not in acts
    # a mapped optional column that the file lacks stops intake, naming the file's headers (issue 12)
    inputs["activities"]["columns"]["outcome"] = "Итог звонка"
    eng = _eng(
        tmp_path / "f",
        inputs,
        {
            "a.csv": "Дата;Менеджер;Тип\n01.02.2026;Иванов;Звонок\n",
            "s.csv": "Дата;Клиент;Сумма\n01.02.2026;К;1\n",
        },
    )
    with pytest.raises(InputFileError, match="mapped column for 'outcome' is not in the file") as err:
        read_engagement(eng)
    assert err.value.key == "inputs.activities.columns.outcome"
    assert "columns in the file: Дата, Менеджер, Тип" in err.value.hint


def test_schema_checks_reject_rows_with_their_rule(tmp_path):
    inputs = {
        "sales": {"files": ["data/s.csv"], "columns": SALES_MAP},
        "managers": {
            "files": ["data/m.csv"],
            "columns": {"manager": "ФИО", "fte": "Ставка", "commission_rate": "Процент"},
            "percent_columns": ["commission_rate"],
        },
        "targets": {"files": ["data/t.csv"], "columns": {"period": "Период", "amount": "План"}},
    }
    eng = _eng(
        tmp_path / "e",
        inputs,
        {
            "s.csv": "Дата;Клиент;Сумма\n01.02.2026;К;1\n",
            "m.csv": "ФИО;Ставка;Процент\nИванов;1;3\nПетров;1,5;2,5\nОрлова;0,5;150\n",
            "t.csv": "Период;План\n2026-01;100\n2026-13-01;5\n2026;1200\n",
        },
    )
    intake = read_engagement(eng)
    managers = intake.tables["managers"]
    assert managers[["manager", "commission_rate"]].values.tolist() == [["Иванов", 0.03]]
    rej = intake.rejected.set_index(["table", "row"])
    assert rej.loc[("managers", 3), "reason"] == "fte outside 0..1"
    assert rej.loc[("managers", 4), "reason"] == "commission_rate outside 0..1"
    assert rej.loc[("targets", 3), "reason_code"] == "bad_period"
    assert (
        localize_rejected(intake.rejected, lang="ru")
        .set_index(["table", "row"])
        .loc[("targets", 3), "reason"]
        == "период не в формате ГГГГ или ГГГГ-ММ"
    )


def test_date_format_per_column(tmp_path):
    inputs = {
        "sales": {"files": ["data/s.csv"], "columns": SALES_MAP},
        "pipeline": {
            "files": ["data/p.csv"],
            "columns": {
                "deal_id": "ID",
                "manager": "М",
                "amount": "Сумма",
                "stage": "Этап",
                "created": "Создана",
                "expected_close": "План",
            },
            "read": {"date_format": {"created": "%m/%d/%Y"}},
        },
    }
    eng = _eng(
        tmp_path / "e",
        inputs,
        {
            "s.csv": "Дата;Клиент;Сумма\n01.02.2026;К;1\n",
            "p.csv": "ID;М;Сумма;Этап;Создана;План\n1;И;5;КП;01/02/2026;03.04.2026\n",
        },
    )
    pipeline = read_engagement(eng).tables["pipeline"]
    assert pipeline["created"].iloc[0] == pd.Timestamp("2026-01-02")  # as configured, month first
    assert pipeline["expected_close"].iloc[0] == pd.Timestamp("2026-04-03")  # detected, dotted


def test_a_whole_column_that_does_not_read_is_a_setting_error(tmp_path):
    rows = "".join(f"0{d}.02.2026;К{d};1 000.5{d}\n" for d in range(1, 7))
    eng = _eng(
        tmp_path / "e",
        {"sales": {"files": ["data/s.csv"], "columns": SALES_MAP, "read": {"decimal": ","}}},
        {"s.csv": "Дата;Клиент;Сумма\n" + rows},
    )
    with pytest.raises(DataError, match="no value of this column reads as a number") as err:
        read_engagement(eng)
    assert (err.value.column, err.value.row, err.value.value) == ("Сумма", 2, "1 000.51")
    assert "inputs.sales.read.decimal" in err.value.hint


def test_read_file_keeps_every_row_accounted(tiny):
    spec = config.load(tiny).inputs["sales"]
    frame, rejected = read_file(
        tiny / "data" / "sales.csv", table="sales", spec=spec, as_of=pd.Timestamp("2026-11-25").date()
    )
    assert len(frame) + rejected["row"].nunique() == 7
    assert np.array_equal(frame["_row"].to_numpy(), [2, 7])


# --- the sales table's text columns as categoricals (a few clients over millions of lines) ----------

import pyarrow as pa  # noqa: E402

from salesaudit.engine.session import load_intake, save_intake  # noqa: E402
from salesaudit.intake.canonical import CATEGORICAL, as_categoricals  # noqa: E402
from salesaudit.intake.parsing import DictColumn  # noqa: E402
from salesaudit.intake.quality import similar_names  # noqa: E402
from salesaudit.plan.funnel import funnel_rates  # noqa: E402

HEADER = "Дата;Клиент;Сумма;Менеджер;Товар;Документ;Контрагент\n"
FULL_MAP = {
    **SALES_MAP,
    "manager": "Менеджер",
    "product": "Товар",
    "document_id": "Документ",
    "client_name": "Контрагент",
}


def test_sales_text_columns_are_sorted_categoricals_of_the_kept_values(tmp_path):
    files = {  # unsorted, a stray space, a value ("Яблоко", "Гайка") only on a rejected line
        "a.csv": HEADER + "01.02.2026;Вега;5;Петров;Болт;Д1;В\n02.02.2026;Яблоко;x;Петров;Гайка;Д2;Я\n"
        "03.02.2026; Альфа ;7;;Болт;Д3;А\n",
        "b.csv": HEADER + "04.02.2026;Бета;1;Иванов;Шайба;Д4;Б\n",
    }
    eng = _eng(tmp_path / "e", {"sales": {"files": ["data/a.csv", "data/b.csv"], "columns": FULL_MAP}}, files)
    sales = read_engagement(eng).tables["sales"]
    ids = sales["client_id"]
    assert list(ids.cat.categories) == ["Альфа", "Бета", "Вега"] and ids.cat.categories.dtype == "str"
    assert ids.tolist() == ["Вега", "Альфа", "Бета"] and sales["manager"].isna().tolist() == [
        False,
        True,
        False,
    ]
    assert list(sales["product"].cat.categories) == ["Болт", "Шайба"]
    assert sales["document_id"].dtype == "str"  # one value a document: text, not a categorical
    # sorted categories: sorting and grouping by the column go by the text
    assert sales.sort_values("client_id")["amount"].tolist() == [7.0, 1.0, 5.0]
    assert sales.groupby("client_id")["amount"].sum().to_dict() == {"Альфа": 7.0, "Бета": 1.0, "Вега": 5.0}


def test_other_tables_keep_text_columns(tmp_path):
    eng = _eng(
        tmp_path / "e",
        {
            "sales": {"files": ["data/s.csv"], "columns": SALES_MAP},
            "clients": {"files": ["data/c.csv"], "columns": {"client_id": "Клиент", "manager": "Менеджер"}},
        },
        {"s.csv": "Дата;Клиент;Сумма\n01.02.2026;К;1\n", "c.csv": "Клиент;Менеджер\nК;Петров\n"},
    )
    clients = read_engagement(eng).tables["clients"]
    assert clients["client_id"].dtype == "str" and clients["manager"].dtype == "str"
    assert set(CATEGORICAL) == {"sales"}


def test_saved_intake_files_hold_text_and_load_back_as_read(tiny, tmp_path):
    intake = read_engagement(config.load(tiny))
    save_intake(intake, tmp_path / "intake")
    on_disk = pd.read_parquet(tmp_path / "intake" / "sales.parquet")
    assert on_disk["client_id"].dtype == "str" and on_disk["manager"].dtype == "str"
    loaded = load_intake(tmp_path / "intake")
    pd.testing.assert_frame_equal(loaded.tables["sales"], intake.tables["sales"])


def test_saved_intake_of_files_listed_out_of_order_loads_back_as_read(tmp_path):
    """Categoricals are written from their codes: the files' order (``_file``), managers and clients
    with missing values and a file of one spelling each come back exactly, and read as text."""
    eng = _eng(
        tmp_path / "e",
        {"sales": {"files": ["data/z.csv", "data/a.csv"], "columns": {**SALES_MAP, "manager": "Менеджер"}}},
        {
            "z.csv": "Дата;Клиент;Сумма;Менеджер\n01.02.2026;Вега;1;Петров\n02.02.2026;Альфа;2;\n",
            "a.csv": "Дата;Клиент;Сумма;Менеджер\n03.02.2026;Альфа;3;Иванов\n",
        },
    )
    intake = read_engagement(eng)
    assert list(intake.tables["sales"]["_file"].cat.categories) == ["z.csv", "a.csv"]
    save_intake(intake, tmp_path / "intake")
    on_disk = pd.read_parquet(tmp_path / "intake" / "sales.parquet")
    assert all(on_disk[c].dtype == "str" for c in ("client_id", "manager", "_file"))
    assert on_disk["_file"].tolist() == ["z.csv", "z.csv", "a.csv"]
    loaded = load_intake(tmp_path / "intake")
    pd.testing.assert_frame_equal(loaded.tables["sales"], intake.tables["sales"], check_exact=True)


def test_as_categoricals_sorts_categories_and_drops_unused_ones():
    frame = pd.DataFrame({"client_id": pd.Categorical(["b", "a"], categories=["z", "b", "a"]), "amount": 1.0})
    out = as_categoricals(frame, table="sales")
    assert list(out["client_id"].cat.categories) == ["a", "b"] and out["client_id"].tolist() == ["b", "a"]
    assert as_categoricals(out, table="sales") is out  # already as intake holds it
    text = pd.DataFrame({"manager": pd.Series(["Петров", None], dtype="str")})
    assert as_categoricals(text, table="clients") is text  # no categorical columns in that table
    assert list(as_categoricals(text, table="sales")["manager"].cat.categories) == ["Петров"]


def test_dict_column_spreads_work_per_value_over_the_rows():
    chunks = [  # as the CSV reader gives them: a dictionary per chunk, one chunk all empty cells
        pa.array(["x", "y"]).dictionary_encode(),
        pa.array([None, None], pa.string()).dictionary_encode(),
        pa.array(["y", None, "z"]).dictionary_encode(),
    ]
    col = DictColumn.encode(pa.chunked_array(chunks))
    assert col.dictionary.to_pylist() == ["x", "y", "z"] and col.null_count == 3
    assert col.ids.tolist() == [0, 1, 3, 3, 1, 3, 2] and col.ids.dtype == np.int8
    assert col.lookup(np.array(["X", "Y", "Z", "-"], dtype=object)).tolist() == list("XY--Y-Z")
    assert not col.lookup(np.zeros(4, dtype=bool)).any()
    assert col.ids_at([6, 0]).tolist() == [2, 0]
    assert col.filter(np.array([1, 0, 0, 0, 1, 1, 1], dtype=bool)).as_arrow().to_pylist() == [
        "x",
        "y",
        None,
        "z",
    ]


def test_analyses_answer_the_same_on_categorical_and_text_sales(tmp_path):
    lines = [  # two companies written two ways each; one line without a manager
        "01.02.2026;1;100;Петров;Болт;Д1;Бета",
        "02.02.2026;2;50;Петров;Болт;Д2;Бета",
        "03.02.2026;3;70;;Болт;Д3;ООО Альфа",
        "04.02.2026;4;30;Иванов;Болт;Д4;ООО Альфа",
    ]
    files = {"s.csv": HEADER + "\n".join(lines) + "\n"}
    sales = read_engagement(
        _eng(tmp_path / "e", {"sales": {"files": ["data/s.csv"], "columns": FULL_MAP}}, files)
    )
    sales = sales.tables["sales"].drop(columns=["_file", "_row"])
    text = sales.astype({c: "str" for c in CATEGORICAL["sales"] if c in sales})

    def names(s):
        return s[["client_id", "client_name"]].rename(columns={"client_name": "name"})

    groups = similar_names(names(sales))
    assert groups["key"].tolist() == ["альфа", "альфа", "бета", "бета"]  # by key, as with text
    pd.testing.assert_frame_equal(groups, similar_names(names(text)))
    rates = funnel_rates(sales, as_of="2026-03-01", min_deals=1)
    pd.testing.assert_frame_equal(rates, funnel_rates(text, as_of="2026-03-01", min_deals=1))


def test_a_categorical_is_saved_as_the_same_text_as_astype_str(tmp_path):
    """save_intake writes a categorical column from its codes (no Python string per row): a reader gets
    the same text and missing cells as ``astype("str")`` gives; categories that are not text too."""
    from salesaudit.engine.session import _write_text_parquet

    text = pd.Series(pd.Categorical.from_codes([0, 2, -1, 1, 0], ["Ёлка", "ООО «Б»", "c"]), name="client_id")
    numbers = pd.Series(pd.Categorical([1.5, 2.0, None]), name="x")
    for column in (text, numbers):
        _write_text_parquet(column.to_frame(), tmp_path / "a.parquet")
        got = pd.read_parquet(tmp_path / "a.parquet")[column.name]
        pd.testing.assert_series_equal(got, column.astype("str"))
