"""Russian-language corpus clients: each writes ``data/`` and engagement.yaml into ``folder``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from .common import (
    NBSP,
    RU_PEOPLE,
    cents,
    csv_bytes,
    finish,
    frame_rows,
    money_plain,
    money_ru,
    ru_companies,
    sales_lines,
    working_dates,
    write_csv,
    write_gz,
    write_xlsx,
    write_zip,
)


def _engagement(name: str, as_of: dt.date, inputs: dict, **more) -> dict:
    return {
        "client": {"name": name, "industry": more.pop("industry", "")},
        "language": more.pop("language", "ru"),
        "currency": more.pop("currency", "RUB"),
        "country": more.pop("country", "RU"),
        "as_of": as_of,
        "inputs": inputs,
        "plan": more.pop("plan", {"year": as_of.year}),
        **more,
    }


def amocrm_deals(folder: Path, rng: np.random.Generator) -> Path:
    """amoCRM "Сделки → Экспорт" as xlsx: won deals are sales, every deal is pipeline; open deals
    without a budget (empty cell) stay in the pipeline. Dates ``dd.mm.yyyy hh:mm:ss`` as text."""
    n = 620
    companies = ru_companies(rng, 70)
    managers = RU_PEOPLE[:4]
    created = working_dates(rng, "2024-01-09", "2025-10-10", n)
    stage = rng.choice(
        [
            "Успешно реализовано",
            "Закрыто и не реализовано",
            "Переговоры",
            "Первичный контакт",
            "Принимают решение",
        ],
        size=n,
        p=[0.55, 0.2, 0.1, 0.08, 0.07],
    )
    budget = cents(rng, n, 85_000).astype(float) / 100
    # deals created in the last two months are still open
    recent = created > pd.Timestamp("2025-08-15")
    stage = np.where(recent & (rng.random(n) < 0.7), "Переговоры", stage)
    is_open = ~np.isin(stage, ["Успешно реализовано", "Закрыто и не реализовано"])
    budget[is_open & (rng.random(n) < 0.5)] = np.nan
    close = created + pd.to_timedelta(rng.integers(3, 40, size=n), unit="D")
    close = close.where(close <= pd.Timestamp("2025-10-14"), pd.Timestamp("2025-10-14"))
    clock = pd.to_timedelta(rng.integers(8 * 3600, 19 * 3600, size=n), unit="s")
    fmt = "%d.%m.%Y %H:%M:%S"
    frame = pd.DataFrame(
        {
            "ID": (20_000_000 + np.arange(n) * 7).astype(str),
            "Название сделки": [f"Сделка #{i + 1}" for i in range(n)],
            "Бюджет": budget,
            "Ответственный": [managers[i] for i in rng.integers(0, len(managers), size=n)],
            "Этап сделки": stage,
            "Воронка": "Продажи",
            "Компания": [companies[i] for i in rng.integers(0, len(companies), size=n)],
            "Дата создания": (created + clock).strftime(fmt),
            "Дата закрытия": np.where(is_open, None, (close + clock).strftime(fmt)),
        }
    )
    write_xlsx(folder / "data" / "amocrm_export.xlsx", {"Сделки": frame_rows(frame)})
    spec = {"files": ["data/amocrm_export.xlsx"], "preset": "amocrm", "read": {"date_format": fmt}}
    return finish(
        folder,
        _engagement("ООО «Климат Про»", dt.date(2025, 10, 15), {"sales": spec, "pipeline": dict(spec)}),
        lang="ru",
    )


def onec_report(folder: Path, rng: np.random.Generator) -> Path:
    """A 1C "Продажи" report saved to Excel: three title rows, header on row 4, amounts as text
    ``1 234,50`` (no-break space), an "Итого" row at the end; a managers list with pay."""
    managers = RU_PEOPLE[2:7]
    lines = sales_lines(
        rng,
        start="2023-11-01",
        end="2025-11-03",
        n=1400,
        clients=ru_companies(rng, 120),
        managers=managers,
        median=24_000,
    )
    goods = ["Кабель ВВГнг 3x2.5", "Автомат 16А", "Щит ЩРН-12", "Светильник LED 36Вт", "Розетка двойная"]
    margin = (lines["cents"] * rng.uniform(0.08, 0.3, size=len(lines))).round().astype(np.int64)
    body = [
        [
            d.strftime("%d.%m.%Y"),
            f"Реализация товаров и услуг {doc} от {d.strftime('%d.%m.%Y')}",
            c,
            m,
            goods[i % len(goods)],
            str(1 + i % 9),
            money_ru(a, sep=" " if i % 2 else NBSP),
            money_ru(g),
        ]
        for i, (d, c, m, a, g, doc) in enumerate(
            zip(
                lines["date"],
                lines["client"],
                lines["manager"],
                lines["cents"],
                margin,
                lines["doc"],
                strict=True,
            )
        )
    ]
    head = [
        "Период",
        "Документ",
        "Контрагент",
        "Менеджер",
        "Номенклатура",
        "Количество",
        "Сумма",
        "Валовая прибыль",
    ]
    total = [
        "Итого",
        None,
        None,
        None,
        None,
        None,
        money_ru(int(lines["cents"].sum())),
        money_ru(int(margin.sum())),
    ]
    rows = [["Продажи"], ["Период: 01.11.2023 - 03.11.2025"], [], head, *body, total]
    write_xlsx(folder / "data" / "1c_sales_2023-2025.xlsx", {"TDSheet": rows})
    staff = pd.DataFrame(
        {
            "Сотрудник": managers,
            "Оклад": ["45000", "50000", "40000", "55000", "42000"],
            "Процент": ["0,03", "0,025", "0,03", "0,02", "0,035"],
        }
    )
    write_csv(folder / "data" / "managers.csv", staff, sep=";", encoding="utf-8-sig")
    inputs = {
        "sales": {
            "files": ["data/1c_sales*.xlsx"],
            "preset": "1c",
            "read": {"sheet": "TDSheet", "header_row": 4, "date_format": "%d.%m.%Y"},
        },
        "managers": {
            "files": ["data/managers.csv"],
            "columns": {"manager": "Сотрудник", "salary": "Оклад", "commission_rate": "Процент"},
            "read": {"delimiter": ";", "decimal": ","},
        },
    }
    return finish(
        folder, _engagement("ООО «ЭлектроОпт»", dt.date(2025, 11, 5), inputs, industry="Опт"), lang="ru"
    )


def sales_only(folder: Path, rng: np.random.Generator) -> Path:
    """Only a sales file (cp1251, ``;``, decimal comma, dates ``dd/mm/yyyy``): no managers table, no
    pay, no pipeline; managers come from the sales lines. Two rows carry an unreadable amount."""
    lines = sales_lines(
        rng,
        start="2024-01-09",
        end="2025-06-19",
        n=900,
        clients=ru_companies(rng, 60),
        managers=RU_PEOPLE[5:8],
        median=15_000,
    )
    amounts = [money_plain(c) for c in lines["cents"]]
    for i in (37, 611):
        amounts[i] = "н/д" if i == 37 else "#ЗНАЧ!"
    frame = pd.DataFrame(
        {
            "Дата": lines["date"].dt.strftime("%d/%m/%Y"),
            "Покупатель": lines["client"],
            "Сумма с НДС": amounts,
            "Менеджер": lines["manager"],
            "Номер документа": "РН-" + lines["doc"].astype(str),
        }
    )
    write_csv(folder / "data" / "Продажи_2024_2025.csv", frame, sep=";", encoding="cp1251")
    inputs = {
        "sales": {
            "files": ["data/Продажи_2024_2025.csv"],
            "columns": {
                "date": "Дата",
                "client_id": "Покупатель",
                "amount": "Сумма с НДС",
                "manager": "Менеджер",
                "document_id": "Номер документа",
            },
            "read": {"encoding": "cp1251", "delimiter": ";", "decimal": ",", "date_format": "%d/%m/%Y"},
        }
    }
    return finish(folder, _engagement("ИП Сидоров А. В.", dt.date(2025, 6, 20), inputs), lang="ru")


def derived_amount(folder: Path, rng: np.random.Generator) -> Path:
    """Order lines with quantity, unit price and an optional discount but no amount column:
    ``derive: amount``. Decimal comma, ``;``; a managers list in Excel with pay."""
    managers = RU_PEOPLE[0:3]
    lines = sales_lines(
        rng,
        start="2024-01-09",
        end="2025-09-26",
        n=1100,
        clients=ru_companies(rng, 75),
        managers=managers,
        median=3_000,
    )
    qty = rng.integers(1, 25, size=len(lines))
    price = cents(rng, len(lines), 1_200, 0.6)
    discount = np.where(
        rng.random(len(lines)) < 0.3, (qty * price * rng.uniform(0.02, 0.1, len(lines))).round(), 0
    )
    frame = pd.DataFrame(
        {
            "Дата": lines["date"].dt.strftime("%d.%m.%Y"),
            "Заказ": "З-" + lines["doc"].astype(str),
            "Клиент": lines["client"],
            "Менеджер": lines["manager"],
            "Артикул": [f"ART-{k:04d}" for k in rng.integers(1, 400, size=len(lines))],
            "Кол-во": qty.astype(str),
            "Цена": [money_plain(c) for c in price],
            "Скидка": [money_plain(int(d)) if d else "" for d in discount],
        }
    )
    write_csv(folder / "data" / "stroki_zakazov.csv", frame, sep=";")
    staff = pd.DataFrame(
        {"Менеджер": managers, "Оклад": [60000, 55000, 50000], "Процент": [0.02, 0.025, 0.03]}
    )
    write_xlsx(folder / "data" / "managers.xlsx", {"Лист1": frame_rows(staff)})
    inputs = {
        "sales": {
            "files": ["data/stroki_zakazov.csv"],
            "columns": {
                "date": "Дата",
                "client_id": "Клиент",
                "manager": "Менеджер",
                "document_id": "Заказ",
                "product": "Артикул",
                "quantity": "Кол-во",
            },
            "derive": {"amount": '"Кол-во" * "Цена" - coalesce("Скидка", 0)'},
            "read": {"delimiter": ";", "decimal": ",", "date_format": "%d.%m.%Y"},
        },
        "managers": {
            "files": ["data/managers.xlsx"],
            "columns": {"manager": "Менеджер", "salary": "Оклад", "commission_rate": "Процент"},
        },
    }
    return finish(folder, _engagement("ООО «Крепёж-Маркет»", dt.date(2025, 9, 29), inputs), lang="ru")


def exclude_cancelled(folder: Path, rng: np.random.Generator) -> Path:
    """An orders list whose cancelled orders and test orders are left out (``exclude:``); returns are
    negative lines that stay in. Dates with time ``dd.mm.yyyy hh:mm``; utf-8 with BOM; ``,``."""
    lines = sales_lines(
        rng,
        start="2023-10-02",
        end="2025-03-28",
        n=1300,
        clients=ru_companies(rng, 90),
        managers=RU_PEOPLE[3:7],
        median=40_000,
    )
    status = rng.choice(["Выполнен", "Отменён", "Возврат"], size=len(lines), p=[0.86, 0.1, 0.04])
    signed = np.where(status == "Возврат", -(lines["cents"] // 3), lines["cents"])
    client = lines["client"].to_numpy(dtype=object).copy()
    test_rows = rng.choice(np.flatnonzero(status == "Выполнен"), size=17, replace=False)
    client[test_rows] = "ТЕСТ"
    stamp = lines["date"] + pd.to_timedelta(rng.integers(9 * 60, 18 * 60, size=len(lines)), unit="min")
    frame = pd.DataFrame(
        {
            "Дата заказа": stamp.dt.strftime("%d.%m.%Y %H:%M"),
            "Номер": lines["doc"].astype(str),
            "Клиент": client,
            "Менеджер": lines["manager"],
            "Сумма": [money_plain(int(c), ".") for c in signed],
            "Статус": status,
        }
    )
    write_csv(folder / "data" / "orders_2023_2025.csv", frame, sep=",", encoding="utf-8-sig")
    inputs = {
        "sales": {
            "files": ["data/orders_2023_2025.csv"],
            "columns": {
                "date": "Дата заказа",
                "client_id": "Клиент",
                "amount": "Сумма",
                "manager": "Менеджер",
                "document_id": "Номер",
            },
            "exclude": {"cancelled": "\"Статус\" = 'Отменён'", "test_orders": "\"Клиент\" = 'ТЕСТ'"},
            "read": {"delimiter": ",", "decimal": ".", "date_format": "%d.%m.%Y %H:%M"},
        }
    }
    plan = {"year": 2025, "target": 60_000_000}
    return finish(
        folder, _engagement("АО «Торговый дом Вега»", dt.date(2025, 3, 31), inputs, plan=plan), lang="ru"
    )


def lookups_staff(folder: Path, rng: np.random.Generator) -> Path:
    """Employee numbers in the sales file; names and pay on the "Сотрудники" sheet of staff.xlsx
    (``lookups:``), and each client's regional manager by region from its "Регионы" sheet."""
    staff_names = RU_PEOPLE[:6]
    tab = [f"{n:05d}" for n in (17, 42, 108, 230, 311, 404)]
    regions = ["Москва", "Санкт-Петербург", "Урал", "Сибирь"]
    chiefs = [staff_names[0], staff_names[1], staff_names[4], staff_names[5]]
    companies = ru_companies(rng, 85)
    codes = [f"К-{i:04d}" for i in range(1, len(companies) + 1)]
    lines = sales_lines(
        rng, start="2024-01-09", end="2025-07-30", n=1000, clients=codes, managers=tab[:5], median=55_000
    )
    sales = pd.DataFrame(
        {
            "Дата": lines["date"].dt.strftime("%Y-%m-%d"),
            "Контрагент": lines["client"],
            "Сумма": [money_plain(c) for c in lines["cents"]],
            "Таб. номер": lines["manager"],
        }
    )
    write_csv(folder / "data" / "prodazhi.csv", sales, sep=";")
    clients = pd.DataFrame(
        {
            "Код": codes,
            "Наименование": companies,
            "Регион": [regions[i % len(regions)] for i in range(len(codes))],
            "Потенциал": [money_plain(int(c)) for c in cents(rng, len(codes), 900_000)],
        }
    )
    write_csv(folder / "data" / "clients.csv", clients, sep=";")
    employees = [["Табельный номер", "ФИО", "Оклад", "Процент", "Дата приема"]] + [
        [t, n, 40000 + 5000 * i, 0.02 + 0.005 * (i % 3), dt.date(2019 + i % 4, 1 + i, 10)]
        for i, (t, n) in enumerate(zip(tab, staff_names, strict=True))
    ]
    region_rows = [["Регион", "Региональный менеджер"]] + [
        [r, c] for r, c in zip(regions, chiefs, strict=True)
    ]
    write_xlsx(folder / "data" / "staff.xlsx", {"Сотрудники": employees, "Регионы": region_rows})
    inputs = {
        "sales": {
            "files": ["data/prodazhi.csv"],
            "columns": {"date": "Дата", "client_id": "Контрагент", "amount": "Сумма"},
            "read": {"delimiter": ";", "decimal": ","},
            "lookups": {
                "manager": {
                    "files": ["data/staff.xlsx"],
                    "read": {"sheet": "Сотрудники"},
                    "on": "Таб. номер",
                    "key": "Табельный номер",
                    "value": "ФИО",
                }
            },
        },
        "clients": {
            "files": ["data/clients.csv"],
            "columns": {
                "client_id": "Код",
                "name": "Наименование",
                "region": "Регион",
                "potential": "Потенциал",
            },
            "read": {"delimiter": ";", "decimal": ","},
            "lookups": {
                "manager": {
                    "files": ["data/staff.xlsx"],
                    "read": {"sheet": "Регионы"},
                    "on": "Регион",
                    "key": "Регион",
                    "value": "Региональный менеджер",
                }
            },
        },
        "managers": {
            "files": ["data/staff.xlsx"],
            "columns": {
                "manager": "ФИО",
                "salary": "Оклад",
                "commission_rate": "Процент",
                "hired": "Дата приема",
            },
            "read": {"sheet": "Сотрудники"},
        },
    }
    return finish(folder, _engagement("ООО «СеверЛес»", dt.date(2025, 7, 31), inputs), lang="ru")


def gz_and_zip(folder: Path, rng: np.random.Generator) -> Path:
    """A Kazakh distributor (KZT, KZ): 2024 as ``sales_2024.csv.gz``, 2025 as a ``.zip`` of monthly
    CSVs plus a readme that ``members: "*.csv"`` leaves out."""
    lines = sales_lines(
        rng,
        start="2024-01-03",
        end="2025-10-29",
        n=1500,
        clients=ru_companies(rng, 110),
        managers=RU_PEOPLE[6:10],
        median=180_000,
    )
    frame = pd.DataFrame(
        {
            "Дата": lines["date"].dt.strftime("%d.%m.%Y"),
            "Клиент": lines["client"],
            "Менеджер": lines["manager"],
            "Сумма, тг": [money_plain(c) for c in lines["cents"]],
            "Накладная": lines["doc"].astype(str),
        }
    )
    year = lines["date"].dt.year.to_numpy()
    write_gz(folder / "data" / "sales_2024.csv.gz", csv_bytes(frame[year == 2024], sep=";"))
    members = {}
    for month, part in frame[year == 2025].groupby(lines["date"][year == 2025].dt.strftime("%Y-%m")):
        members[f"sales_{month}.csv"] = csv_bytes(part, sep=";")
    members["readme.txt"] = "Выгрузка из учётной системы, по месяцам.\n".encode()
    write_zip(folder / "data" / "sales_2025.zip", members)
    inputs = {
        "sales": {
            "files": ["data/sales_2024.csv.gz", "data/sales_2025.zip"],
            "members": "*.csv",
            "columns": {
                "date": "Дата",
                "client_id": "Клиент",
                "amount": "Сумма, тг",
                "manager": "Менеджер",
                "document_id": "Накладная",
            },
            "read": {"delimiter": ";", "decimal": ",", "date_format": "%d.%m.%Y"},
        }
    }
    eng = _engagement("ТОО «Дала Трейд»", dt.date(2025, 10, 31), inputs, currency="KZT", country="KZ")
    eng["motivation"] = {"comfortable_income": 600_000}
    return finish(folder, eng, lang="ru")


def monthly_folder(folder: Path, rng: np.random.Generator) -> Path:
    """A folder of monthly Excel files ("Продажи 2024-01.xlsx", ...) with real date cells and number
    cells; a client register in Excel."""
    companies = ru_companies(rng, 95)
    codes = [f"{7700000000 + i * 1379}" for i in range(len(companies))]  # ИНН-like codes
    lines = sales_lines(
        rng,
        start="2024-01-09",
        end="2025-10-17",
        n=1300,
        clients=codes,
        managers=RU_PEOPLE[1:5],
        median=32_000,
    )
    month = lines["date"].dt.strftime("%Y-%m")
    for key, part in lines.groupby(month):
        rows = [["Дата", "ИНН покупателя", "Менеджер", "Сумма"]] + [
            [d.date(), c, m, a / 100]
            for d, c, m, a in zip(part["date"], part["client"], part["manager"], part["cents"], strict=True)
        ]
        write_xlsx(folder / "data" / "months" / f"Продажи {key}.xlsx", {"Продажи": rows})
    register = pd.DataFrame(
        {
            "ИНН": codes,
            "Наименование": companies,
            "Отрасль": [["Строительство", "Розница", "Производство"][i % 3] for i in range(len(codes))],
        }
    )
    write_xlsx(folder / "data" / "clients.xlsx", {"Клиенты": frame_rows(register)})
    inputs = {
        "sales": {
            "files": ["data/months/"],
            "columns": {
                "date": "Дата",
                "client_id": "ИНН покупателя",
                "amount": "Сумма",
                "manager": "Менеджер",
            },
            "read": {"sheet": "Продажи"},
        },
        "clients": {
            "files": ["data/clients.xlsx"],
            "columns": {"client_id": "ИНН", "name": "Наименование", "industry": "Отрасль"},
        },
    }
    return finish(folder, _engagement("ООО «Бумага и Ко»", dt.date(2025, 10, 20), inputs), lang="ru")


def _variant(name: str, k: int) -> str:
    """The same name as another table writes it: no-break space, doubled space, other quotes, case."""
    if k == 0:
        return name.replace(" ", NBSP, 1)
    if k == 1:
        return name.replace(" ", "  ", 1) + " "
    if k == 2:
        return name.replace("«", '"').replace("»", '"')
    return name.upper()


def names_with_spaces(folder: Path, rng: np.random.Generator) -> Path:
    """Client and manager names that differ between sales and the other tables only by a no-break
    space, repeated spaces, quotes or case. Every client buys within the last 12 months."""
    companies = [c for c in ru_companies(rng, 70) if "«" in c][:60]
    managers = RU_PEOPLE[7:10]
    lines = sales_lines(
        rng, start="2024-11-04", end="2025-10-24", n=800, clients=companies, managers=managers, median=27_000
    )
    spelled = {c: _variant(c, i % 4) for i, c in enumerate(companies)}
    as_sold = {m: m.replace(" ", NBSP) if i != 1 else m.lower() for i, m in enumerate(managers)}
    sales = pd.DataFrame(
        {
            "Дата": lines["date"].dt.strftime("%d.%m.%Y"),
            "Клиент": lines["client"].map(spelled),
            "Сумма": [money_plain(c) for c in lines["cents"]],
            "Менеджер": lines["manager"].map(as_sold),
        }
    )
    write_csv(folder / "data" / "sales.csv", sales, sep=";")
    register = pd.DataFrame(
        {
            "Клиент": companies,
            "Потенциал": [int(c) // 100 for c in cents(rng, len(companies), 2_000_000)],
            "Отрасль": [
                ["HoReCa", "Ритейл", "Девелопмент", "Логистика"][i % 4] for i in range(len(companies))
            ],
            "Менеджер": [
                m.upper() if i % 5 == 0 else m
                for i, m in enumerate(lines.groupby("client")["manager"].first().reindex(companies))
            ],
        }
    )
    write_xlsx(folder / "data" / "clients.xlsx", {"Клиенты": frame_rows(register)})
    staff = pd.DataFrame(
        {
            "Менеджер": [f" {m}" for m in managers],
            "Оклад": ["70000", "65000", "60000"],
            "Процент": ["0,015", "0,02", "0,02"],
        }
    )
    write_csv(folder / "data" / "managers.csv", staff, sep=";")
    inputs = {
        "sales": {
            "files": ["data/sales.csv"],
            "columns": {"date": "Дата", "client_id": "Клиент", "amount": "Сумма", "manager": "Менеджер"},
            "read": {"delimiter": ";", "decimal": ",", "date_format": "%d.%m.%Y"},
        },
        "clients": {
            "files": ["data/clients.xlsx"],
            "columns": {
                "client_id": "Клиент",
                "potential": "Потенциал",
                "industry": "Отрасль",
                "manager": "Менеджер",
            },
        },
        "managers": {
            "files": ["data/managers.csv"],
            "columns": {"manager": "Менеджер", "salary": "Оклад", "commission_rate": "Процент"},
            "read": {"delimiter": ";", "decimal": ","},
        },
    }
    plan = {"year": 2025, "target": 36_000_000}
    return finish(
        folder, _engagement("ООО «Городские кухни»", dt.date(2025, 10, 27), inputs, plan=plan), lang="ru"
    )
