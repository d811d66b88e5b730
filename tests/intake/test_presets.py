"""Presets: each CRM/ERP export, written the way that system writes it, becomes the canonical tables."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from salesaudit.engine import config
from salesaudit.engine.scaffold import scaffold
from salesaudit.engine.templates import template_path
from salesaudit.exceptions import ConfigError
from salesaudit.intake.canonical import read_engagement
from salesaudit.intake.presets import PRESETS, preset_alternatives, preset_columns, preset_inputs

AMOCRM = (
    "\ufeffID;Название сделки;Бюджет;Ответственный;Дата создания;Кем создана;Дата закрытия;Теги;"
    "Этап сделки;Воронка;Компания;Основной контакт\r\n"
    "28400101;Поставка кабеля;150000;Соколова Анна;12.03.2025 15:42:10;Соколова Анна;"
    "20.03.2025 11:05:00;опт;Успешно реализовано;Продажи;ООО «Сибмонтаж»;Иван Петров\r\n"
    "28400102;Щиты для ЖК;1 250 000;Петров Дмитрий;14.03.2025 09:10:00;Петров Дмитрий;;;"
    "Переговоры;Продажи;АО Энергострой;\r\n"
    "28400103;Светильники;80000;Соколова Анна;15.03.2025 10:00:00;Соколова Анна;"
    "01.04.2025 16:20:00;;Закрыто и не реализовано;Продажи;ИП Гусев;\r\n"
    "28400104;Автоматика;230000;Кузнецов Алексей;16.03.2025 12:00:00;Кузнецов Алексей;"
    "05.04.2025 10:00:00;;Успешно реализовано;Продажи;;Мария Орлова\r\n"
    "28400105;Кабель-канал;45000;Кузнецов Алексей;17.03.2025 08:30:00;Кузнецов Алексей;;;"
    "Первичный контакт;Продажи;ООО Вектор;\r\n"
)

BITRIX24 = (
    "ID;Название сделки;Стадия сделки;Сумма;Валюта;Ответственный;Компания;Контакт;Дата создания;"
    "Предполагаемая дата закрытия;Вероятность;Закрыта;Направление\r\n"
    '112;Оптовый заказ;Сделка успешна;150000.00;RUB;Анна Соколова;ООО "Ромашка";;'
    "10.02.2025 10:15:00;28.02.2025;100;Да;Общее\r\n"
    "113;Монтаж;В работе;48000.00;RUB;Дмитрий Петров;ИП Лютиков;Олег Лютиков;"
    "11.02.2025 12:00:00;15.03.2025;40;Нет;Общее\r\n"
    "114;Тендер;Сделка провалена;990000.00;RUB;Анна Соколова;АО Гранит;;"
    "12.02.2025 09:00:00;01.03.2025;0;Да;Общее\r\n"
    "115;Повторный заказ;C1:WON;12000.50;RUB;Дмитрий Петров;ИП Лютиков;;"
    "13.02.2025 17:45:00;05.03.2025;100;Да;Розница\r\n"
)

SALESFORCE = (
    '"Opportunity Owner","Account Name","Opportunity Name","Stage","Fiscal Period","Amount",'
    '"Probability (%)","Age","Close Date","Created Date","Next Step","Lead Source","Type"\n'
    '"Jane Smith","Acme Corp","Acme - 200 licenses","Closed Won","Q1-2025","$24,000.00","100","35",'
    '"3/14/2025","2/7/2025","","Web","New Business"\n'
    '"John Doe","Globex","Globex renewal","Negotiation/Review","Q2-2025","$12,500.00","90","12",'
    '"4/30/2025","3/19/2025","Send contract","Partner","Existing Business"\n'
    '"Jane Smith","Initech","Initech pilot","Closed Lost","Q1-2025","$5,000.00","0","60",'
    '"3/31/2025","1/30/2025","","Cold Call","New Business"\n'
    '"John Doe","Umbrella","Umbrella expansion","Prospecting","Q2-2025","","10","3",'
    '"6/15/2025","3/28/2025","","Web","Existing Business"\n'
)


def _engagement(folder: Path, inputs: dict, files: dict) -> Path:
    (folder / "data").mkdir(parents=True)
    for name, content in files.items():
        path = folder / "data" / name
        content(path) if callable(content) else path.write_bytes(content)
    eng = {"client": {"name": "T"}, "as_of": "2026-11-25", "inputs": inputs, "plan": {"year": 2026}}
    (folder / "engagement.yaml").write_text(yaml.safe_dump(eng, allow_unicode=True), encoding="utf-8")
    shutil.copyfile(template_path("brand.yml"), folder / "brand.yml")
    shutil.copyfile(template_path("logo.svg"), folder / "logo.svg")
    (folder / "questionnaire.yaml").write_text("{}\n", encoding="utf-8")
    return folder


def _deals(preset: str, name: str, **extra) -> dict:
    return {t: {"files": [f"data/{name}"], "preset": preset, **extra} for t in ("sales", "pipeline")}


def _accounting(intake) -> dict:
    acc = intake.accounting.set_index("table")
    assert (acc["rows_read"] == acc["rows_used"] + acc["rows_rejected"]).all()
    return {
        t: tuple(int(v) for v in row)
        for t, row in acc[["rows_read", "rows_used", "rows_rejected"]].iterrows()
    }


def test_amocrm_export_feeds_sales_and_pipeline(tmp_path):
    folder = _engagement(tmp_path / "e", _deals("amocrm", "amo.csv"), {"amo.csv": AMOCRM.encode()})
    intake = read_engagement(config.load(folder))
    pipeline, sales = intake.tables["pipeline"], intake.tables["sales"]
    # every deal is in the pipeline with its outcome; won deals are sales lines (one has no company)
    assert pipeline["status"].tolist() == ["won", "open", "lost", "won", "open"]
    assert pipeline["amount"].tolist() == [150000.0, 1250000.0, 80000.0, 230000.0, 45000.0]
    assert pipeline["closed"].isna().tolist() == [False, True, False, False, True]
    assert sales["client_id"].tolist() == ["ООО «Сибмонтаж»"]
    assert sales["date"].tolist() == [pd.Timestamp("2025-03-20")]
    assert sales["document_id"].tolist() == ["28400101"]
    rej = intake.rejected
    assert rej[["table", "row", "reason_code", "detail"]].values.tolist() == [
        ["sales", 5, "empty", "client_id"]
    ]
    # pipeline counts every row of the file; sales counts its won deals, each side adding up
    assert _accounting(intake) == {"sales": (2, 1, 1), "pipeline": (5, 5, 0)}


def test_amocrm_columns_and_stages_overridden_one_by_one(tmp_path):
    inputs = _deals("amocrm", "amo.csv")
    inputs["sales"]["columns"] = {"client_id": "Основной контакт"}  # the contact stands for the client
    inputs["sales"]["won_stages"] = ["Успешно реализовано", "Переговоры"]
    folder = _engagement(tmp_path / "e", inputs, {"amo.csv": AMOCRM.encode()})
    intake = read_engagement(config.load(folder))
    sales = intake.tables["sales"]
    assert sales["client_id"].tolist() == ["Иван Петров", "Мария Орлова"]
    # "Переговоры" counts as won for sales, but a deal without a close date (nor a contact here)
    # cannot be a sales line
    rej = intake.rejected
    assert sorted(rej.loc[rej["row"] == 3, "detail"]) == ["client_id", "date"]
    assert intake.tables["pipeline"]["status"].tolist() == ["won", "open", "lost", "won", "open"]


def test_deal_export_for_sales_only_rejects_the_deals_not_won(tmp_path):
    inputs = {"sales": {"files": ["data/amo.csv"], "preset": "amocrm"}}
    folder = _engagement(tmp_path / "e", inputs, {"amo.csv": AMOCRM.encode()})
    intake = read_engagement(config.load(folder))
    codes = intake.rejected.set_index("row")["reason_code"].to_dict()
    assert codes == {3: "not_won", 4: "not_won", 5: "empty", 6: "not_won"}
    assert _accounting(intake) == {"sales": (5, 1, 4)}


def test_bitrix24_export_in_windows_1251(tmp_path):
    folder = _engagement(
        tmp_path / "e", _deals("bitrix24", "deals.csv"), {"deals.csv": BITRIX24.encode("cp1251")}
    )
    intake = read_engagement(config.load(folder))
    pipeline, sales = intake.tables["pipeline"], intake.tables["sales"]
    assert pipeline["status"].tolist() == ["won", "open", "lost", "won"]  # "C1:WON" of another funnel
    assert pipeline["probability"].tolist() == [1.0, 0.4, 0.0, 1.0]  # percent -> share
    assert pipeline["expected_close"].dt.strftime("%d.%m").tolist() == ["28.02", "15.03", "01.03", "05.03"]
    assert sales["client_id"].tolist() == ['ООО "Ромашка"', "ИП Лютиков"]
    assert sales["amount"].tolist() == [150000.0, 12000.5]
    assert _accounting(intake) == {"sales": (2, 2, 0), "pipeline": (4, 4, 0)}


def _one_c_report(path: Path) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("TDSheet")  # the sheet name 1C gives
    ws.write(0, 0, "Валовая прибыль")
    ws.write(1, 0, "Период: 01.01.2025 - 31.01.2025")
    ws.write(2, 0, "Показатели: Количество, Сумма, Валовая прибыль")
    header = [
        "Период",
        "Регистратор",
        "Контрагент",
        "Менеджер",
        "Номенклатура",
        "Количество",
        "Сумма",
        "Валовая прибыль",
    ]
    ws.write_row(4, 0, header)
    rows = [
        [
            "15.01.2025",
            "Реализация товаров и услуг ТС00-000123 от 15.01.2025 12:00:00",
            "ООО «Сибмонтаж»",
            "Соколова Анна",
            "Кабель ВВГнг(А)-LS 3х2,5",
            500,
            "47\u00a0500,00",
            "7\u00a0600,00",
        ],
        [
            "16.01.2025",
            "Реализация товаров и услуг ТС00-000124 от 16.01.2025 9:30:00",
            "ИП Гусев",
            "Петров Дмитрий",
            "Щит ЩРН-24",
            2,
            5300,
            1272,
        ],
        [
            "20.01.2025",
            "Возврат товаров от клиента ВЗ00-000007 от 20.01.2025 10:00:00",
            "ООО «Сибмонтаж»",
            "Соколова Анна",
            "Кабель ВВГнг(А)-LS 3х2,5",
            -20,
            "-1\u00a0900,00",
            "-304,00",
        ],
    ]
    for i, row in enumerate(rows):
        ws.write_row(5 + i, 0, row)
    ws.write_row(8, 0, ["Итого", "", "", "", "", 482, "50 900,00", "8 568,00"])
    book.close()


def test_1c_sales_report_saved_to_excel(tmp_path):
    inputs = {"sales": {"files": ["data/report.xlsx"], "preset": "1c"}}
    folder = _engagement(tmp_path / "e", inputs, {"report.xlsx": _one_c_report})
    intake = read_engagement(config.load(folder))
    sales = intake.tables["sales"]
    assert sales["amount"].tolist() == [47500.0, 5300.0, -1900.0]  # the return is a negative line
    assert sales["margin"].tolist() == [7600.0, 1272.0, -304.0]
    assert sales["quantity"].tolist() == [500.0, 2.0, -20.0]
    assert sales["product"].iloc[2] == "Кабель ВВГнг(А)-LS 3х2,5"
    assert sales["_row"].tolist() == [6, 7, 8]
    assert intake.rejected[["row", "reason_code"]].values.tolist() == [[9, "totals_row"]]


def test_1c_csv_export_in_windows_1251(tmp_path):
    text = (
        "Период;Документ;Контрагент;Ответственный;Номенклатура;Количество;Сумма\r\n"
        "03.02.2025 10:12:45;Реализация ТС00-000301;ООО Вектор;Кузнецов Алексей;Лоток 200х50;4;5 800,00\r\n"
        "04.02.2025 11:00:00;Реализация ТС00-000302;ООО Вектор;Кузнецов Алексей;Хомут;10;2 100,00\r\n"
        "Итого;;;;;14;7 900,00\r\n"
    )
    inputs = {"sales": {"files": ["data/sales.csv"], "preset": "1c"}}
    folder = _engagement(tmp_path / "e", inputs, {"sales.csv": text.encode("cp1251")})
    intake = read_engagement(config.load(folder))
    sales = intake.tables["sales"]
    assert sales["manager"].tolist() == ["Кузнецов Алексей"] * 2  # "Ответственный", the 2nd spelling
    assert sales["amount"].sum() == 7900.0
    assert _accounting(intake) == {"sales": (3, 2, 1)}


def test_salesforce_opportunities_report(tmp_path):
    folder = _engagement(tmp_path / "e", _deals("generic_en", "opps.csv"), {"opps.csv": SALESFORCE.encode()})
    intake = read_engagement(config.load(folder))
    pipeline, sales = intake.tables["pipeline"], intake.tables["sales"]
    assert sales[["client_id", "amount", "manager"]].values.tolist() == [["Acme Corp", 24000.0, "Jane Smith"]]
    assert sales["date"].tolist() == [pd.Timestamp("2025-03-14")]  # M/D/YYYY, told by 4/30 and 3/31
    deals = ["Acme - 200 licenses", "Globex renewal", "Initech pilot", "Umbrella expansion"]
    assert pipeline["deal_id"].tolist() == deals  # the open deal without an amount stays (issue 12)
    assert pipeline["amount"].tolist()[:3] == [24000.0, 12500.0, 5000.0]
    assert np.isnan(pipeline["amount"].iloc[3])
    assert pipeline["probability"].tolist() == [1.0, 0.9, 0.0, 0.1]
    assert pipeline["status"].tolist() == ["won", "open", "lost", "open"]
    assert intake.rejected.empty


def _hubspot(path: Path) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("All deals")
    when = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    ws.write_row(
        0,
        0,
        [
            "Record ID",
            "Deal Name",
            "Deal Stage",
            "Close Date",
            "Deal owner",
            "Amount",
            "Create Date",
            "Pipeline",
            "Associated Company",
        ],
    )
    deals = [
        (
            9001,
            "Website redesign",
            "Closed Won",
            dt.datetime(2025, 5, 2, 14, 3),
            "Ann Lee",
            18000,
            dt.datetime(2025, 3, 1, 9, 0),
            "Sales Pipeline",
            "Northwind",
        ),
        (
            9002,
            "Support plan",
            "Contract Sent",
            dt.datetime(2025, 6, 30),
            "Bob Ray",
            7200.5,
            dt.datetime(2025, 4, 11, 16, 45),
            "Sales Pipeline",
            "Contoso",
        ),
        (
            9003,
            "Data migration",
            "Closed Lost",
            dt.datetime(2025, 5, 20),
            "Ann Lee",
            30000,
            dt.datetime(2025, 2, 3, 11, 20),
            "Sales Pipeline",
            "Fabrikam",
        ),
    ]
    for i, (rid, name, stage, close, owner, amount, created, pipe, company) in enumerate(deals, start=1):
        ws.write_number(i, 0, rid)
        ws.write_string(i, 1, name)
        ws.write_string(i, 2, stage)
        ws.write_datetime(i, 3, close, when)
        ws.write_string(i, 4, owner)
        ws.write_number(i, 5, amount)
        ws.write_datetime(i, 6, created, when)
        ws.write_string(i, 7, pipe)
        ws.write_string(i, 8, company)
    book.close()


def test_hubspot_deals_workbook(tmp_path):
    folder = _engagement(tmp_path / "e", _deals("generic_en", "deals.xlsx"), {"deals.xlsx": _hubspot})
    intake = read_engagement(config.load(folder))
    pipeline, sales = intake.tables["pipeline"], intake.tables["sales"]
    assert pipeline["deal_id"].tolist() == ["9001", "9002", "9003"]  # numeric ids read as text
    assert pipeline["status"].tolist() == ["won", "open", "lost"]
    assert pipeline["created"].tolist() == [
        pd.Timestamp(d) for d in ("2025-03-01", "2025-04-11", "2025-02-03")
    ]
    assert sales[["client_id", "amount"]].values.tolist() == [["Northwind", 18000.0]]
    assert sales["date"].iloc[0] == pd.Timestamp("2025-05-02")  # midnight, the time dropped
    assert _accounting(intake) == {"sales": (1, 1, 0), "pipeline": (3, 3, 0)}


def test_preset_columns_and_alternatives():
    assert preset_columns("amocrm", "pipeline")["stage"] == "Этап сделки"
    assert "Компания контакта" in preset_alternatives("amocrm", "sales")["client_id"]
    assert preset_columns("1c", "managers") == {}
    with pytest.raises(ConfigError, match="unknown preset") as err:
        preset_columns("salesforce", "sales")
    assert "generic_en" in err.value.hint


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_preset_inputs_are_valid_engagement_yaml(name, tmp_path):
    folder = scaffold(tmp_path / name, client="Клиент", preset=name, today=dt.date(2026, 11, 25))
    inputs = yaml.safe_load((folder / "engagement.yaml").read_text(encoding="utf-8"))["inputs"]
    assert inputs == yaml.safe_load(yaml.safe_dump(preset_inputs(name), allow_unicode=True))
    assert all(spec["preset"] == name for spec in inputs.values())
    raw = yaml.safe_load((folder / "engagement.yaml").read_text(encoding="utf-8"))
    for spec in raw["inputs"].values():  # point the files at an existing one: the block validates
        spec["files"] = ["engagement.yaml"]
    eng = config.parse(raw, folder=folder)
    # no explicit columns: the preset tries each of its spellings, so a missing optional one is no error
    assert eng.inputs["sales"].columns == {} and eng.inputs["sales"].preset == name


def test_unknown_preset_and_table_without_mapping_fail_in_config(tiny):
    raw = yaml.safe_load((tiny / "engagement.yaml").read_text(encoding="utf-8"))
    raw["inputs"]["sales"]["preset"] = "sap"
    with pytest.raises(ConfigError, match="unknown preset 'sap'"):
        config.parse(raw, folder=tiny)
    raw["inputs"]["sales"]["preset"] = "amocrm"
    raw["inputs"]["managers"] = {"files": ["data/sales.csv"], "preset": "amocrm"}
    with pytest.raises(ConfigError, match="no mapping for managers"):
        config.parse(raw, folder=tiny)


def test_a_deal_export_shared_by_two_tables_is_read_once(tmp_path, monkeypatch):
    from salesaudit.intake import conform as intake_module

    calls = []
    original = intake_module.read_raw

    def counting(path, **kw):
        calls.append(Path(path).name)
        return original(path, **kw)

    monkeypatch.setattr(intake_module, "read_raw", counting)
    folder = _engagement(tmp_path / "e", _deals("amocrm", "amo.csv"), {"amo.csv": AMOCRM.encode()})
    eng = config.load(folder)
    intake = read_engagement(eng)
    assert calls == ["amo.csv"]
    assert list(intake.tables) == list(eng.inputs)  # in engagement.yaml's order


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"percent_columns": ["share"]}, "percent_columns: unknown canonical column"),
        ({"read": {"date_format": {"when": "%d.%m.%Y"}}}, "read.date_format: unknown canonical column"),
        ({"recode": {"colour": {"a": "b"}}}, "recode: unknown canonical column"),
        ({"won_stages": ["Won"]}, "needs inputs.sales.columns.status"),
    ],
)
def test_deal_and_format_settings_are_checked_in_config(tiny, change, message):
    raw = yaml.safe_load((tiny / "engagement.yaml").read_text(encoding="utf-8"))
    raw["inputs"]["sales"].update(change)
    with pytest.raises(ConfigError, match=message):
        config.parse(raw, folder=tiny)
    raw["inputs"]["sales"].pop(next(iter(change)))
    raw["inputs"]["managers"] = {
        "files": ["data/sales.csv"],
        "columns": {"manager": "Менеджер"},
        "won_stages": ["x"],
    }
    with pytest.raises(ConfigError, match="apply to sales and pipeline only"):
        config.parse(raw, folder=tiny)
