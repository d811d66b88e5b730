"""The client zoo's settings: one small frozen :class:`Profile` per kind of client, the export styles
(column headers, file names, formats) they are written in, and the names, products and interview answers
they are made of.

A new profile is one entry of :data:`PROFILES`; :mod:`salesaudit.demo.zoo` turns it into an engagement
folder. Nothing here is random: the generator draws from one ``numpy`` generator seeded per profile.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

ALL_TABLES = frozenset({"clients", "managers", "targets", "pipeline", "activities"})


def _items(text: str) -> tuple[str, ...]:
    """``"a; b; c"`` -> ``("a", "b", "c")``: long lists of names written compactly."""
    return tuple(part.strip() for part in text.split(";"))


B2B_SEASONALITY = (0.70, 0.90, 1.05, 1.05, 0.90, 1.00, 0.92, 0.95, 1.08, 1.10, 1.10, 1.25)
RETAIL_SEASONALITY = (0.85, 0.85, 1.00, 0.95, 0.95, 0.90, 0.90, 0.95, 1.00, 1.00, 1.10, 1.55)


@dataclass(frozen=True)
class Style:
    """How one client's system exports: the sales headers (canonical column -> header), the sales files
    (``{year}`` in the name: one file per calendar year), the text formats, and how ids look."""

    sales: dict[str, str]
    sales_file: str
    delimiter: str
    encoding: str
    date_format: str
    decimal: str
    client_id: str  # format with {n}
    document: str  # format with {n}
    language: str = "ru"


STYLES: dict[str, Style] = {
    "ut_ru": Style(  # 1C:Управление торговлей, «Валовая прибыль» report saved per year
        sales={
            "date": "Дата отгрузки",
            "client_id": "Код контрагента",
            "client_name": "Покупатель",
            "amount": "Сумма с НДС",
            "manager": "Ответственный",
            "document_id": "Накладная",
            "product": "Товар",
            "quantity": "Кол-во",
            "margin": "Маржа",
        },
        sales_file="data/otgruzki_{year}.csv",
        delimiter=";",
        encoding="utf-8-sig",
        date_format="%d.%m.%Y",
        decimal=",",
        client_id="К-{n:05d}",
        document="РН-{n:06d}",
    ),
    "bitrix_ru": Style(  # Bitrix24 invoices paid, one export
        sales={
            "date": "Дата оплаты",
            "client_id": "ID компании",
            "client_name": "Компания",
            "amount": "Сумма оплаты",
            "manager": "Ответственный менеджер",
            "document_id": "Номер счёта",
            "product": "Товар/услуга",
            "quantity": "Количество",
        },
        sales_file="data/oplaty_scheta.csv",
        delimiter=",",
        encoding="utf-8",
        date_format="%Y-%m-%d",
        decimal=".",
        client_id="{n}",
        document="СЧ-{n:05d}",
    ),
    "sklad_ru": Style(  # МойСклад, Windows-1251, one file per year
        sales={
            "date": "Период",
            "client_id": "ИНН",
            "client_name": "Клиент",
            "amount": "Выручка",
            "manager": "Менеджер",
            "document_id": "Номер документа",
            "product": "Номенклатурная группа",
            "quantity": "Количество",
            "margin": "Прибыль",
        },
        sales_file="data/prodazhi_{year}.csv",
        delimiter=";",
        encoding="cp1251",
        date_format="%d/%m/%Y",
        decimal=",",
        client_id="77{n:08d}",
        document="{n:07d}",
    ),
    "retail_ru": Style(  # a cash-register export: one line per receipt line, loyalty cards as clients
        sales={
            "date": "Дата чека",
            "client_id": "Номер карты",
            "amount": "Сумма со скидкой",
            "manager": "Продавец",
            "document_id": "Номер чека",
            "product": "Товар",
            "quantity": "Кол-во",
            "channel": "Магазин",
        },
        sales_file="data/cheki_{year}.csv",
        delimiter=";",
        encoding="utf-8-sig",
        date_format="%d.%m.%Y",
        decimal=",",
        client_id="2000{n:09d}",
        document="Ч-{n:07d}",
    ),
    "crm_en": Style(  # a US CRM's invoiced-opportunities report
        sales={
            "date": "Invoice Date",
            "client_id": "Account ID",
            "client_name": "Account Name",
            "amount": "Net Amount",
            "manager": "Account Owner",
            "document_id": "Invoice Number",
            "product": "Product Line",
            "quantity": "Units",
            "margin": "Gross Profit",
        },
        sales_file="data/invoices.csv",
        delimiter=",",
        encoding="utf-8",
        date_format="%m/%d/%Y",
        decimal=".",
        client_id="ACC-{n:05d}",
        document="INV-{n:06d}",
        language="en",
    ),
}

# The other tables' headers, per language of the client's systems.
OTHER_HEADERS: dict[str, dict[str, dict[str, str]]] = {
    "ru": {
        "clients": {
            "client_id": "Код",
            "name": "Название",
            "manager": "Ведёт",
            "potential": "Потенциал в год",
            "industry": "Сфера",
            "region": "Город",
            "created": "Создан",
        },
        "managers": {
            "manager": "Сотрудник",
            "salary": "Оклад, руб.",
            "commission_rate": "Бонус, доля",
            "hired": "Принят",
            "left": "Уволен",
            "fte": "Доля ставки",
        },
        "targets": {"period": "Месяц", "manager": "Сотрудник", "amount": "План продаж"},
        "pipeline": {
            "deal_id": "Номер сделки",
            "manager": "Ответственный",
            "amount": "Сумма сделки",
            "stage": "Стадия",
            "client_id": "Код клиента",
            "created": "Создана",
            "closed": "Закрыта",
            "expected_close": "План закрытия",
            "probability": "Вероятность",
            "status": "Итог",
        },
        "activities": {
            "date": "Дата",
            "manager": "Сотрудник",
            "type": "Вид дела",
            "client_id": "Код клиента",
            "outcome": "Результат",
        },
    },
    "en": {
        "clients": {
            "client_id": "Account ID",
            "name": "Account Name",
            "manager": "Account Owner",
            "potential": "Annual Potential",
            "industry": "Industry",
            "region": "State",
            "created": "Created Date",
        },
        "managers": {
            "manager": "Rep",
            "salary": "Base Salary",
            "commission_rate": "Commission Rate",
            "hired": "Start Date",
            "left": "End Date",
            "fte": "FTE",
        },
        "targets": {"period": "Month", "manager": "Rep", "amount": "Quota"},
        "pipeline": {
            "deal_id": "Opportunity ID",
            "manager": "Opportunity Owner",
            "amount": "Amount",
            "stage": "Stage",
            "client_id": "Account ID",
            "created": "Created Date",
            "closed": "Close Date",
            "expected_close": "Expected Close Date",
            "probability": "Probability",
            "status": "Outcome",
        },
        "activities": {
            "date": "Date",
            "manager": "Assigned To",
            "type": "Activity Type",
            "client_id": "Account ID",
            "outcome": "Result",
        },
    },
}

VOCABULARY: dict[str, dict] = {
    "ru": {
        "status": {"open": "В работе", "won": "Выиграна", "lost": "Проиграна"},
        "stages": (("Квалификация", 0.1), ("Встреча", 0.25), ("КП", 0.4), ("Переговоры", 0.6), ("Счёт", 0.8)),
        "activity": {"call": "Звонок", "meeting": "Встреча", "proposal": "Коммерческое предложение"},
        "outcomes": ("Состоялся", "Нет ответа", "Перезвонить", "Договорились о встрече"),
        "regions": ("Москва", "Санкт-Петербург", "Казань", "Екатеринбург", "Новосибирск", "Самара", "Тверь"),
        "industries": ("Строительство", "Производство", "Торговля", "Госсектор", "Логистика", "Сервис"),
    },
    "en": {
        "status": {"open": "Open", "won": "Won", "lost": "Lost"},
        "stages": (
            ("Qualify", 0.1),
            ("Discovery", 0.25),
            ("Proposal", 0.4),
            ("Negotiation", 0.6),
            ("Contract", 0.8),
        ),
        "activity": {"call": "Call", "meeting": "Meeting", "proposal": "Quote Sent"},
        "outcomes": ("Connected", "Left Voicemail", "Follow Up", "Meeting Booked"),
        "regions": ("WA", "OR", "CA", "ID", "NV", "MT", "UT"),
        "industries": ("Construction", "Manufacturing", "Utilities", "Municipal", "Logistics", "Agriculture"),
    },
}

NAMES: dict[str, dict[str, tuple[str, ...]]] = {
    "ru": {
        "surnames": tuple(
            "Гончаров Тихонов Ершов Медведев Голубев Виноградов Богданов Воробьёв Зайцев Павлов Семёнов Степанов Николаев Орлов Андреев Макаров Никитин Захаров Борисов Яковлев Григорьев Романов Воронцов Сергеев".split()
        ),
        "male": tuple("Артём Максим Илья Роман Кирилл Денис Глеб Олег Тимур Егор".split()),
        "female": tuple("Дарья Полина Вера Ксения Алина Юлия Марина Софья Нина Лидия".split()),
        "roots": tuple(
            "Промтех Сибирь Альянс Технопарк Уралсервис Арсенал Гарант Континент Ладога Стандарт Интеграл Монолит Прогресс Сигма Дельта Эверест Бастион Титан Ока Енисей Азимут Магнит Кристалл Легион".split()
        ),
        "tails": ("", " Групп", " Трейд", "-Строй", " Плюс", " Инжиниринг", " Снаб", "-Сервис"),
        "forms": ("ООО", "ООО", "ООО", "АО", "ИП"),
    },
    "en": {
        "surnames": tuple(
            "Carter Mitchell Parker Reed Hughes Foster Bennett Griffin Hayes Russell Sanders Price Barnes Powell Jenkins Perry Long Coleman Patterson Ross Howard Ward Brooks Kelly".split()
        ),
        "male": tuple("Ryan Kevin Brian Jason Eric Aaron Sean Derek Tyler Caleb".split()),
        "female": tuple("Megan Rachel Laura Hannah Chloe Grace Natalie Erin Julia Amy".split()),
        "roots": _items(
            "Pacific; Cascade; Columbia; Rainier; Puget; Willamette; Olympic; Sawtooth; Bitterroot; Yakima; Spokane; Tacoma; Shasta; Klamath; Snake River; Blue Mountain; Palouse; Teton; Wallowa; Siskiyou; Chelan; Skagit; Umpqua; Rogue Valley"
        ),
        "tails": (
            " Builders",
            " Electric",
            " Mechanical",
            " Contractors",
            " Utilities",
            " Industries",
            " Co",
            " Inc",
        ),
        "forms": ("",),
    },
}


@dataclass(frozen=True)
class Profile:
    """One kind of client. Money in major units of ``currency``; dates as :class:`datetime.date`.

    ``months`` of history end the day before ``as_of``; ``growth`` is the yearly factor of the order
    count (and so of revenue); ``new_clients`` / ``lost_clients`` are the shares of clients whose first /
    last purchase falls inside the history; ``tables`` the inputs beside sales; ``top_share`` one client's
    share of revenue; ``zero_share`` the share of sales lines with amount 0; ``buyers`` > 0 makes a
    retail client of that many card holders, most of them buying once or twice."""

    name: str
    summary: str
    client_name: str
    style: str
    as_of: dt.date
    plan_year: int
    products: tuple[str, ...]
    language: str = "ru"
    currency: str = "RUB"
    country: str = "RU"
    months: int = 30
    plan_target: int | None = None
    n_clients: int = 150
    n_managers: int = 5
    orders_per_month: float = 45.0
    lines_per_order: float = 2.0
    line_median: float = 18_000.0
    salary: float = 60_000.0
    growth: float = 1.06
    new_clients: float = 0.2
    lost_clients: float = 0.15
    tables: frozenset[str] = ALL_TABLES
    questionnaire: str = "partial"  # empty | partial | full
    top_share: float | None = None
    zero_share: float = 0.0
    buyers: int = 0
    leavers: int = 1
    hires: int = 1
    returns: float = 0.01
    seasonality: tuple[float, ...] = field(default=B2B_SEASONALITY)


_P = [
    Profile(
        name="growing",
        summary="an HVAC distributor winning clients: more buying clients and revenue every year",
        client_name="ООО «ВентПромСнаб»",
        style="ut_ru",
        as_of=dt.date(2026, 6, 15),
        plan_year=2026,
        months=36,
        products=_items(
            "Вентилятор канальный; Воздуховод оцинкованный; Решётка вентиляционная; Фильтр карманный; Кондиционер настенный; Клапан обратный; Шумоглушитель; Приточная установка"
        ),
        n_clients=240,
        n_managers=6,
        orders_per_month=34,
        growth=1.4,
        new_clients=0.65,
        lost_clients=0.06,
    ),
    Profile(
        name="shrinking",
        summary="a printing-supplies wholesaler losing clients: fewer buying clients, falling revenue",
        client_name="АО «ПолиграфКомплект»",
        style="bitrix_ru",
        as_of=dt.date(2025, 10, 20),
        plan_year=2025,
        months=30,
        products=_items(
            "Бумага мелованная; Краска офсетная; Пластины CTP; Ламинат плёночный; Клей переплётный; Картон хром-эрзац; Смывка для валов; Тонер"
        ),
        n_clients=190,
        orders_per_month=52,
        growth=0.7,
        new_clients=0.04,
        lost_clients=0.55,
    ),
    Profile(
        name="short_history",
        summary="a coffee-equipment dealer whose new accounting system holds five months",
        client_name="ООО «Кофейные системы»",
        style="sklad_ru",
        as_of=dt.date(2026, 4, 8),
        plan_year=2026,
        months=5,
        plan_target=96_000_000,
        products=_items(
            "Кофемашина рожковая; Кофемолка; Зерно арабика 1 кг; Сиропы; Чистящие таблетки; Молочник; Фильтр-кувшин; Сервисный набор"
        ),
        n_clients=110,
        n_managers=4,
        orders_per_month=110,
        line_median=25_000,
        tables=frozenset({"managers", "clients"}),
        leavers=0,
    ),
    Profile(
        name="mid_window_start",
        summary="a farm-machinery parts dealer whose CRM started in June, mid-way through the window",
        client_name="ООО «АгроТехЗапчасть»",
        style="bitrix_ru",
        as_of=dt.date(2025, 12, 5),
        plan_year=2026,
        months=6,
        plan_target=150_000_000,
        products=_items(
            "Подшипник ступицы; Ремень вариатора; Фильтр масляный; Нож жатки; Цепь приводная; Гидроцилиндр; Шина 16.9-28; Масло трансмиссионное"
        ),
        n_clients=160,
        orders_per_month=130,
        line_median=22_000,
        seasonality=(0.6, 0.7, 1.1, 1.3, 1.35, 1.2, 1.1, 1.15, 1.1, 0.9, 0.75, 0.65),
    ),
    Profile(
        name="one_manager",
        summary="a lock and door-hardware wholesaler where the founder's one sales manager serves everyone",
        client_name="ООО «Мастер Замков»",
        style="sklad_ru",
        as_of=dt.date(2026, 2, 18),
        plan_year=2026,
        months=26,
        products=_items(
            "Замок врезной; Цилиндровый механизм; Ручка дверная; Петля скрытая; Доводчик; Глазок дверной; Задвижка; Ключ-заготовка"
        ),
        n_clients=60,
        n_managers=1,
        orders_per_month=40,
        line_median=9_000,
        leavers=0,
        hires=0,
    ),
    Profile(
        name="forty_managers",
        summary="a pharmacy distributor with 40 sales agents, each with a handful of pharmacies",
        client_name="ООО «ФармаЛогистик»",
        style="ut_ru",
        as_of=dt.date(2025, 11, 12),
        plan_year=2025,
        months=24,
        products=_items(
            "Анальгетики; Витамины; Антисептики; Перевязочные средства; Сиропы от кашля; Тонометры; Детское питание; Косметика аптечная"
        ),
        n_clients=300,
        n_managers=40,
        orders_per_month=62,
        line_median=14_000,
        salary=45_000,
        leavers=3,
        hires=4,
    ),
    Profile(
        name="sales_only",
        summary="a ceramic-tile wholesaler that can give only its sales report",
        client_name="ООО «Стройкерамика»",
        style="ut_ru",
        as_of=dt.date(2026, 9, 3),
        plan_year=2026,
        months=28,
        products=_items(
            "Керамогранит 60×60; Плитка настенная; Мозаика; Клей плиточный; Затирка; Профиль алюминиевый; Ступени клинкерные; Бордюр"
        ),
        n_clients=130,
        n_managers=4,
        orders_per_month=45,
        tables=frozenset(),
    ),
    Profile(
        name="empty_questionnaire",
        summary="a packaging maker whose owner was not interviewed yet",
        client_name="ООО «ЭкоПак»",
        style="bitrix_ru",
        as_of=dt.date(2026, 5, 20),
        plan_year=2026,
        months=30,
        products=_items(
            "Коробка гофро; Стрейч-плёнка; Пакет ZIP; Скотч упаковочный; Лоток бумажный; Пузырчатая плёнка; Уголок защитный; Этикетка термо"
        ),
        n_clients=170,
        orders_per_month=48,
        questionnaire="empty",
    ),
    Profile(
        name="full_questionnaire",
        summary="a heating-installation company whose owner answered every question, with A-client interviews",
        client_name="АО «ТеплоМонтаж»",
        style="ut_ru",
        as_of=dt.date(2025, 7, 9),
        plan_year=2025,
        months=30,
        products=_items(
            "Котёл газовый; Радиатор биметаллический; Труба PEX; Насос циркуляционный; Бойлер косвенного нагрева; Коллектор; Термостат; Монтажные работы"
        ),
        n_clients=120,
        orders_per_month=40,
        line_median=30_000,
        questionnaire="full",
    ),
    Profile(
        name="english_usd",
        summary="a US electrical supply house reporting in dollars from its CRM",
        client_name="Cascade Industrial Supply LLC",
        style="crm_en",
        language="en",
        currency="USD",
        country="US",
        as_of=dt.date(2026, 3, 17),
        plan_year=2026,
        months=27,
        products=_items(
            "Wire & Cable; Conduit & Fittings; Lighting; Switchgear; Motor Controls; Breakers; Tools; Safety Supplies"
        ),
        n_clients=140,
        orders_per_month=44,
        line_median=1_400,
        salary=4_800,
    ),
    Profile(
        name="b2c",
        summary="a pet-supplies store chain: thousands of card holders, most buying once or twice",
        client_name="ООО «Лапки и Хвосты»",
        style="retail_ru",
        as_of=dt.date(2026, 1, 26),
        plan_year=2026,
        months=18,
        products=_items(
            "Корм сухой для кошек; Корм влажный; Наполнитель; Лакомства; Игрушка; Шлейка; Когтеточка; Витамины для собак"
        ),
        buyers=4000,
        n_clients=4000,
        n_managers=6,
        line_median=1_600,
        salary=38_000,
        tables=frozenset({"managers", "targets"}),
        returns=0.004,
        seasonality=RETAIL_SEASONALITY,
    ),
    Profile(
        name="one_client_60pct",
        summary="a dairy producer that sells 60 % of its output to one retail chain",
        client_name="ООО «Молочный двор»",
        style="sklad_ru",
        as_of=dt.date(2025, 8, 14),
        plan_year=2025,
        months=32,
        products=_items(
            "Молоко 3,2 %; Кефир; Творог 5 %; Сметана 20 %; Йогурт питьевой; Масло сливочное; Ряженка; Сыр мягкий"
        ),
        n_clients=75,
        n_managers=3,
        orders_per_month=42,
        line_median=12_000,
        top_share=0.6,
    ),
    Profile(
        name="zero_amounts",
        summary="a medical-equipment service firm: 40 % of its lines are free warranty work and consumables",
        client_name="ООО «МедТехника Сервис»",
        style="ut_ru",
        as_of=dt.date(2026, 10, 7),
        plan_year=2026,
        months=30,
        products=_items(
            "Техническое обслуживание; Ремонт по гарантии; Датчик SpO2; Электроды ЭКГ; Калибровка; Манжета НИАД; Аккумулятор; Выезд инженера"
        ),
        n_clients=90,
        n_managers=4,
        orders_per_month=36,
        line_median=26_000,
        zero_share=0.4,
    ),
]
PROFILES: dict[str, Profile] = {p.name: p for p in _P}
"""Every profile of the zoo, by name."""

# Interview answers of a fully answered questionnaire: question -> (answer, Russian note, English note).
FULL_ANSWERS: dict[str, tuple[str, str, str]] = {
    "plans.written_plan": (
        "partly",
        "Годовой план есть, по менеджерам и месяцам не расписан.",
        "A yearly plan exists; it is not split by rep or month.",
    ),
    "plans.pay_structure": (
        "yes",
        "Оклад плюс процент с оплат, процент растёт после 100 % плана.",
        "Base plus commission on payments; the rate rises above 100 % of quota.",
    ),
    "plans.bonus_regulation": (
        "no",
        "Положения о премировании нет, условия устные.",
        "No written bonus policy; the terms are verbal.",
    ),
    "clients.register": (
        "yes",
        "Все клиенты заведены в CRM с ответственным менеджером.",
        "Every account is in the CRM with an owner.",
    ),
    "clients.segmentation": (
        "partly",
        "Ключевых клиентов знают, формального ABC нет.",
        "Key accounts are known; there is no formal ABC.",
    ),
    "clients.why_a_buy": (
        "yes",
        "Интервью с ключевыми клиентами проведены в ходе аудита.",
        "Key accounts were interviewed during the audit.",
    ),
    "clients.potential_known": (
        "partly",
        "Потенциал оценён у половины клиентов.",
        "Potential is estimated for about half of the accounts.",
    ),
    "cadence.weekly_meeting": (
        "yes",
        "Планёрка по понедельникам, разбирают воронку.",
        "A Monday meeting reviews the pipeline.",
    ),
    "cadence.weekly_plans": (
        "no",
        "Недельных планов нет, только месячные итоги.",
        "No weekly plans, only month-end results.",
    ),
    "people.turnover": (
        "partly",
        "За год ушли двое, причины не разбирали.",
        "Two reps left last year; nobody asked why.",
    ),
    "people.scripts": (
        "no",
        "Скриптов нет, звонки не записываются.",
        "No call scripts; calls are not recorded.",
    ),
    "people.hunter_farmer": (
        "no",
        "Все менеджеры и ищут новых клиентов, и ведут текущих.",
        "Every rep both hunts and farms.",
    ),
}
PARTIAL_QUESTIONS = ("plans.written_plan", "plans.pay_structure", "cadence.weekly_meeting", "people.scripts")
"""Questions answered in a partly filled questionnaire (the rest unknown)."""

INTERVIEW_TEXT = {
    "ru": (
        ["Всегда есть на складе", "Доставка на следующий день", "Один менеджер много лет"],
        ["Наличие", "Сроки", "Цена", "Отсрочка платежа"],
    ),
    "en": (
        ["Always in stock", "Next-day delivery", "The same rep for years"],
        ["Availability", "Lead time", "Price", "Payment terms"],
    ),
}
