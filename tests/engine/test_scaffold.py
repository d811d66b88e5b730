"""`salesaudit new`: the locale is the consultant's choice, money defaults follow the currency, and a
fresh preset scaffold plus the client's real export (named as that system names it) validates."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from salesaudit.cli import app
from salesaudit.engine import config
from salesaudit.engine.scaffold import resolve_locale, scaffold
from salesaudit.exceptions import ConfigError
from salesaudit.intake.canonical import read_engagement
from salesaudit.intake.presets import PRESETS, preset_inputs
from salesaudit.plan.motivation import income_ceiling
from salesaudit.report.i18n import t
from tests.intake.test_presets import AMOCRM, BITRIX24, SALESFORCE, _hubspot, _one_c_report

TODAY = dt.date(2026, 11, 25)


def _new(*args: str):
    return CliRunner().invoke(app, ["new", *map(str, args)])


def _yaml(folder: Path) -> dict:
    return yaml.safe_load((folder / "engagement.yaml").read_text(encoding="utf-8"))


# --------------------------------------------------------------------------------------------------
# Locale


def test_english_needs_its_own_currency_and_country(tmp_path):
    result = _new(tmp_path / "e", "--client", "Acme", "--lang", "en")
    assert result.exit_code == 1
    assert "--currency and --country" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "e").exists()  # nothing written
    one = _new(tmp_path / "e", "--lang", "en", "--currency", "EUR")
    assert (
        one.exit_code == 1
        and "needs --country" in one.output
        and "--currency" not in one.output.split(":")[0]
    )


def test_english_engagement_in_dollars_says_what_it_wrote(tmp_path):
    result = _new(
        tmp_path / "acme", "--client", "Acme", "--lang", "en", "--currency", "usd", "--country", "us"
    )
    assert result.exit_code == 0, result.output
    data = _yaml(tmp_path / "acme")
    assert (data["language"], data["currency"], data["country"]) == ("en", "USD", "US")
    assert data["motivation"]["comfortable_income"] is None  # no rouble figure read as dollars
    assert "currency USD, country US" in result.output
    assert "comfortable_income is null" in result.output
    text = (tmp_path / "acme" / "engagement.yaml").read_text(encoding="utf-8")
    assert "comfortable_income: null     # ask the owner" in text and "(in USD)" in text
    # the example mapping speaks the report's language
    assert data["inputs"]["sales"]["columns"]["client_id"] == "Customer"


def test_russian_defaults_are_said_aloud(tmp_path):
    result = _new(tmp_path / "r", "--client", "ООО Ромашка")
    assert result.exit_code == 0, result.output
    data = _yaml(tmp_path / "r")
    assert (data["currency"], data["country"], data["motivation"]["comfortable_income"]) == (
        "RUB",
        "RU",
        100000,
    )
    assert "currency and country by default for --lang ru" in result.output
    assert data["inputs"]["sales"]["columns"]["client_id"] == "Контрагент"


def test_english_report_for_a_rouble_client_keeps_the_rouble_default(tmp_path):
    folder = scaffold(tmp_path / "x", client="X", lang="en", currency="RUB", country="KZ", today=TODAY)
    data = _yaml(folder)
    assert (data["currency"], data["country"], data["motivation"]["comfortable_income"]) == (
        "RUB",
        "KZ",
        100000,
    )


@pytest.mark.parametrize(
    ("args", "option", "value"),
    [
        (("--lang", "en", "--currency", "DOL", "--country", "US"), "--currency", "DOL"),
        (("--lang", "en", "--currency", "USD", "--country", "XX"), "--country", "XX"),
        (("--currency", "RUR"), "--currency", "RUR"),
        (("--lang", "de"), "--lang", "de"),
        (("--preset", "sap"), "--preset", "sap"),
    ],
)
def test_bad_codes_are_named_by_their_option(tmp_path, args, option, value):
    result = _new(tmp_path / "e", *args)
    assert result.exit_code == 1, result.output
    first = result.output.splitlines()[0]
    assert first.startswith(f"error: {option}:") and repr(value) in first
    assert not (tmp_path / "e").exists()


def test_resolve_locale_fills_only_what_russian_implies():
    assert resolve_locale("ru", currency="KZT") == resolve_locale("ru", "KZT", None)
    locale = resolve_locale("ru", currency="kzt")
    assert (locale.currency, locale.country, locale.defaulted) == ("KZT", "RU", ("country",))
    with pytest.raises(ConfigError, match="needs --currency"):
        resolve_locale("en", country="GB")


def test_every_scaffold_validates_against_the_config_model(tmp_path):
    for i, (lang, cur, country) in enumerate([("ru", None, None), ("en", "GBP", "GB"), ("ru", "BYN", "BY")]):
        folder = scaffold(
            tmp_path / str(i), client="C", lang=lang, currency=cur, country=country, today=TODAY
        )
        raw = _yaml(folder)
        raw["inputs"]["sales"]["files"] = ["engagement.yaml"]
        eng = config.parse(raw, folder=folder)
        assert eng.currency == (cur or "RUB") and eng.country == (country or "RU")
        assert (eng.motivation.comfortable_income is None) == (cur is not None and cur != "RUB")


# --------------------------------------------------------------------------------------------------
# Comfortable income unknown


def test_income_ceiling_with_the_income_unknown_keeps_pay_and_leaves_the_ceiling_empty():
    team = pd.DataFrame(
        {"manager": ["Ann", "Bob"], "salary": [40_000.0, 0.0], "commission_rate": [0.03, 0.0]}
    )
    plan = pd.DataFrame(
        {"manager": ["Ann", "Bob"], "period": ["2026-01"] * 2, "plan": [3_000_000.0, 1_000_000.0]}
    )
    out = income_ceiling(team, plan, comfortable_income=None).set_index("manager")
    assert out["comfortable_income"].isna().all() and out["current_scheme_sales_for_income"].isna().all()
    assert out["gap"].isna().all() and out["plan_to_ceiling"].isna().all()
    assert out.loc["Ann", "income_at_plan"] == 40_000 + 0.03 * 3_000_000
    known = income_ceiling(team, plan, comfortable_income=100_000).set_index("manager")
    assert known.loc["Ann", "current_scheme_sales_for_income"] == 2_000_000
    assert known.loc["Bob", "plan_to_ceiling"] == 0  # no commission: the ceiling is infinite


def test_the_unknown_income_label_exists_in_both_languages():
    ru, en = t("plan.ceiling_unknown", "ru"), t("plan.ceiling_unknown", "en")
    assert "engagement.yaml" in ru and "engagement.yaml" in en  # where the consultant sets it
    assert "comfortable_income" not in ru + en  # the owner's report names no raw key (issue 18)
    assert ru != en


# --------------------------------------------------------------------------------------------------
# A preset scaffold plus the real export


def _write(path: Path, content) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    content(path) if callable(content) else path.write_bytes(content)


EXPORTS = [  # preset, the file name that system gives its export, its content, rows (sales, pipeline)
    ("amocrm", "amocrm_export_leads_2025-04-07.csv", AMOCRM.encode(), {"sales": 2, "pipeline": 5}),
    ("amocrm", "kommo_export_leads_2025-04-07.csv", AMOCRM.encode(), {"sales": 2, "pipeline": 5}),
    ("amocrm", "Сделки.csv", AMOCRM.encode(), {"sales": 2, "pipeline": 5}),
    (
        "bitrix24",
        "DEAL_20250312_6a1b2c3d_67d1a2b3c4d5e.csv",
        BITRIX24.encode("cp1251"),
        {"sales": 2, "pipeline": 4},
    ),
    ("bitrix24", "сделки 2025.csv", BITRIX24.encode("cp1251"), {"sales": 2, "pipeline": 4}),
    ("1c", "Валовая прибыль.xlsx", _one_c_report, {"sales": 4}),
    ("1c", "Продажи за 2025.xlsx", _one_c_report, {"sales": 4}),
    ("generic_en", "report1741872000000.csv", SALESFORCE.encode(), {"sales": 1, "pipeline": 4}),
    ("generic_en", "hubspot-crm-exports-all-deals-2025-03-12.xlsx", _hubspot, {"sales": 1, "pipeline": 3}),
]


@pytest.mark.parametrize(("preset", "name", "content", "rows"), EXPORTS, ids=[e[1] for e in EXPORTS])
def test_fresh_preset_scaffold_plus_the_export_validates(tmp_path, preset, name, content, rows):
    folder = scaffold(tmp_path / "e", client="Клиент", preset=preset, today=TODAY)
    _write(folder / "data" / name, content)
    eng = config.load(folder)
    assert list(eng.inputs) == list(preset_inputs(preset))  # only what the export gives
    for table in eng.inputs:
        assert [p.name for p in eng.input_files(table)] == [name]  # found once, by its usual name
    intake = read_engagement(eng)
    acc = intake.accounting.set_index("table")
    assert (acc["rows_read"] == acc["rows_used"] + acc["rows_rejected"]).all()
    assert acc["rows_read"].to_dict() == rows
    assert len(intake.tables["sales"]) > 0


def test_1c_scaffold_leaves_the_clients_list_commented_and_out_of_the_sales_globs(tmp_path):
    folder = scaffold(tmp_path / "e", client="Клиент", preset="1c", today=TODAY)
    text = (folder / "engagement.yaml").read_text(encoding="utf-8")
    assert "  # clients:    {files: [data/clients/*.xlsx], preset: 1c}" in text
    assert "clients" not in _yaml(folder)["inputs"]
    _write(folder / "data" / "Продажи.xlsx", _one_c_report)
    _write(folder / "data" / "clients" / "Контрагенты.xlsx", _one_c_report)  # where the example puts it
    assert [p.name for p in config.load(folder).input_files("sales")] == ["Продажи.xlsx"]


@pytest.mark.parametrize(
    ("preset", "matched", "not_matched"),
    [
        (
            "amocrm",
            ["amocrm_export_leads_2025-01-31.xlsx", "LEADS.CSV", "Leads 2025.xlsx", "СДЕЛКИ.xlsx"],
            ["contacts.csv", "companies.xlsx"],
        ),
        (
            "bitrix24",
            ["DEAL_20250131_1a2b3c4d_5e6f7a8b9c0d1.xls", "deals.csv", "Deal list.xlsx", "Сделки.csv"],
            ["CONTACT_20250131_1a2b.csv", "COMPANY_20250131_1a2b.csv"],
        ),
        ("1c", ["Валовая прибыль.xlsx", "Продажи.xls"], ["Продажи.csv", "Продажи.pdf"]),
        ("generic_en", ["report1741872000000.csv", "Opportunities.xlsx", "deals.xls"], ["notes.txt"]),
    ],
)
def test_preset_globs_match_the_systems_export_names_once(tmp_path, preset, matched, not_matched):
    folder = scaffold(tmp_path / "e", client="C", preset=preset, today=TODAY)
    for name in matched + not_matched:
        (folder / "data" / name).write_text("x", encoding="utf-8")
    files = [p.name for p in config.load(folder).input_files("sales")]
    assert sorted(files) == sorted(matched)  # each once: the globs of a preset do not overlap here


def test_every_preset_scaffold_has_only_the_export_tables():
    for name, preset in PRESETS.items():
        block = preset_inputs(name)
        assert list(block) == (["sales", "pipeline"] if preset.deals else ["sales"])
        assert all(spec["columns"] == {} and spec["files"] == list(preset.files) for spec in block.values())


# --------------------------------------------------------------------------------------------------
# Bitrix24's own date columns

BITRIX24_NEW = (
    "ID;Название;Стадия сделки;Сумма;Валюта;Ответственный;Компания;Дата начала;Дата завершения;Вероятность\r\n"
    "201;Поставка;Сделка успешна;100000;RUB;Анна Соколова;ООО Альфа;03.02.2025;20.02.2025;100\r\n"
    "202;Монтаж;Подготовка документов;50000;RUB;Дмитрий Петров;ИП Бета;05.02.2025;30.04.2025;40\r\n"
    "203;Тендер;Сделка провалена;70000;RUB;Анна Соколова;АО Гамма;06.02.2025;10.03.2025;0\r\n"
)


def test_bitrix24_start_and_end_dates(tmp_path):
    folder = scaffold(tmp_path / "e", client="Клиент", preset="bitrix24", today=TODAY)
    _write(folder / "data" / "DEAL_20250312_6a1b2c3d_67d1a2b3c4d5e.csv", BITRIX24_NEW.encode("cp1251"))
    intake = read_engagement(config.load(folder))
    pipeline, sales = intake.tables["pipeline"], intake.tables["sales"]

    def days(column):
        return pipeline[column].dt.strftime("%d.%m").tolist()

    assert days("created") == ["03.02", "05.02", "06.02"]  # "Дата начала": no "Дата создания" here
    assert days("closed") == ["20.02", "30.04", "10.03"]  # "Дата завершения"
    assert days("expected_close") == ["20.02", "30.04", "10.03"]
    assert pipeline["status"].tolist() == ["won", "open", "lost"]  # the stage decides, not the date
    assert sales["date"].dt.strftime("%d.%m.%Y").tolist() == ["20.02.2025"]
    assert sales["amount"].tolist() == [100000.0]
    assert intake.rejected.empty


@pytest.mark.parametrize("client", ["X {inputs}", "A {as_of}", 'ООО "Ромашка": #1 & *co', "две\nстроки"])
def test_the_client_name_is_written_by_the_yaml_library(tmp_path, client):
    folder = scaffold(tmp_path / "e", client=client, today=TODAY)
    (folder / "data" / "sales.csv").write_text("Дата;Контрагент;Сумма;Менеджер\n", encoding="utf-8")
    eng = config.load(folder)
    assert eng.client.name == client and eng.as_of == TODAY
    text = (folder / "engagement.yaml").read_text(encoding="utf-8")
    assert "# shown on the title page and in the PDF footer" in text  # the template's comments kept
