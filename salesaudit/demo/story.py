"""The demo's story: fixed names, dates and the positions of the planted clients (independent of the
seed), the facts planted on purpose (:data:`DEMO_FACTS`), the product list and the parts client names
are made of."""

from __future__ import annotations

import datetime as dt

import numpy as np

CLIENT_NAME = "ООО «ТехноСнаб»"
AS_OF = dt.date(2026, 11, 25)
START = dt.date(2023, 12, 1)
LAST = dt.date(2026, 11, 24)  # last day with data (the day before as_of)
PLAN_YEAR = 2026
N_CLIENTS = 800
N_NEW_CLIENTS = 130  # registered during the history (the last indices)

MANAGERS = [
    # name, salary, commission_rate, hired, left
    # salary + about 1 % of sales: each settles at a comfortable 90-120 k a month
    ("Соколова Анна", 50000, 0.01, "15.03.2018", ""),
    ("Петров Дмитрий", 45000, 0.01, "02.09.2019", ""),
    ("Кузнецов Алексей", 45000, 0.012, "10.02.2021", ""),
    ("Фёдорова Ольга", 60000, 0.008, "01.06.2017", ""),
    ("Морозов Игорь", 50000, 0.01, "20.04.2020", "30.06.2026"),
    ("Белов Никита", 40000, 0.012, "01.09.2026", ""),
]
SOK, PET, KUZ, FED, MOR, BEL = range(6)
STEADY = [SOK, PET, KUZ, FED]
LEFT_DAY = dt.date(2026, 6, 30)
HIRED_DAY = dt.date(2026, 9, 1)

# Seasonality index per calendar month (average month = 1): weak January, May dip, December peak.
SEASONALITY = np.array([0.60, 0.90, 1.05, 1.05, 0.85, 1.00, 0.95, 0.98, 1.08, 1.10, 1.12, 1.32])
LEVELS = {2023: 240e6, 2024: 258e6, 2025: 284e6}  # gross yearly sales level
GROWTH_2026 = 1.15  # 2026 runs at the owner's target pace (last year × 1.15) ...
SLUMP_MONTH, SLUMP_FACTOR = (2026, 10), 0.67  # ... except October 2026
WEEKEND_WEIGHT = 0.03
KEY_ACCOUNTS = 60  # the largest clients order on a schedule (steadier months)
SIGMA, TOP_TAMED = 1.75, 12  # client weights: lognormal σ; the largest few are tamed (square root)

# Planted clients: index in the register (registration order) -> rank of its weight (0 = largest).
I_TOP = [3, 8, 17]  # large, loyal A clients (interviewed)
I_HTML = 12  # A client whose name holds quotes and <b>
I_DORMANT = [5, 21]  # A clients silent since about April 2026
I_LOST = [30, 44]  # A/B clients of 2024-25, lost entirely
I_GIANT = 60  # the giant with a low share of wallet
I_HIGH_POTENTIAL = [75, 90, 105]  # other high-potential, low-share clients
I_NEGATIVE_MARGIN = 120
I_DUPLICATE_NAMES = [(140, 141), (160, 161)]
RANKS = {3: 0, 8: 2, 17: 3, I_HTML: 4, 5: 1, 21: 6, 30: 9, 44: 22}
RANKS |= {I_GIANT: 560, 75: 160, 90: 280, 105: 360, I_NEGATIVE_MARGIN: 300}
DORMANT_LAST = [dt.date(2026, 4, 3), dt.date(2026, 3, 20)]
LOST_LAST = [dt.date(2025, 6, 10), dt.date(2025, 9, 5)]
GIANT_POTENTIAL = 180_000_000
HIGH_POTENTIALS = [45_000_000, 36_000_000, 28_000_000]
# The target-client portrait: the largest clients (about the A class) are mostly in construction and
# in Moscow; the "future A" clients (B-sized for the default seed, none of the planted ones above) have
# the same attributes. Drawn from their own generator, after every other draw: sales stay as they are.
PORTRAIT = {"industry": "Строительство", "region": "Москва"}
PORTRAIT_SHARES = {"industry": 0.60, "region": 0.55}  # among the N_PORTRAIT largest (base: ~25 %, ~30 %)
N_PORTRAIT, PORTRAIT_SEED = 160, 16
I_FUTURE_A = [169, 170, 211, 224, 344, 374, 380, 498, 501, 555]  # B clients by revenue (default seed)
I_FUTURE_A += [602, 624, 639, 701, 729, 733, 740, 743, 756, 766]

PLANTED_NAMES = {
    I_HTML: 'ООО "Альфа <b>Трейд</b>"',
    I_GIANT: "ПАО «СеверСтальМонтаж»",
    75: "АО «УралЭнергоСтрой»",
    90: "ООО «ГазПромМонтаж-Сервис»",
    105: "АО «Волжский трубный комбинат»",
    140: "ООО «Электромир»",
    141: 'ООО "ЭЛЕКТРОМИР"',
    160: "ООО «Вольт-Сервис»",
    161: "ООО  «Вольт-Сервис» ",
}


def _cid(index: int) -> str:
    return f"ЦБ-{1001 + index:06d}"


STATUS_VALUES = {
    "В работе": "open",
    "Успешно реализовано": "won",
    "Закрыто и не реализовано": "lost",
}
STAGES = [  # open stages of the funnel and their probability
    ("Первичный контакт", 0.1),
    ("Выявление потребности", 0.2),
    ("КП отправлено", 0.4),
    ("Переговоры", 0.6),
    ("Согласование договора", 0.8),
]
ACTIVITY_TYPES = {"Звонок": "call", "Встреча": "meeting", "КП": "proposal"}
OUTCOMES = {
    "Звонок": (
        ["Дозвонился", "Не дозвонился", "Назначена встреча", "Перезвонить позже", "Отказ"],
        [0.45, 0.30, 0.07, 0.13, 0.05],
    ),
    "Встреча": (["Проведена", "Перенесена", "Отменена"], [0.8, 0.15, 0.05]),
    "КП": (["Отправлено", "Согласовано", "Отклонено"], [0.6, 0.25, 0.15]),
}
# activities per working day, by manager (Кузнецов clearly below the others)
ACTIVITY_RATES = {SOK: 45, PET: 42, KUZ: 15, FED: 44, MOR: 40, BEL: 45}
WIN_RATES = {SOK: 0.34, PET: 0.29, KUZ: 0.21, FED: 0.32, MOR: 0.27, BEL: 0.24}

BAD_ROWS = [  # (column, broken value) — rows intake must reject
    ("Сумма", "н/д"),
    ("Сумма", "#ЗНАЧ!"),
    ("Дата", "31.02.2025"),
    ("Дата", "29.02.2025"),
]
FUTURE_DAY = dt.date(2026, 12, 15)
N_DUPLICATE_DOCUMENTS = 5
MISSPELLED_MANAGER = "Федорова Ольга"

DEMO_FACTS: dict = {
    "client_name": CLIENT_NAME,
    "as_of": AS_OF.isoformat(),
    "history": (START.isoformat(), LAST.isoformat()),
    "plan_year": PLAN_YEAR,
    "n_clients": N_CLIENTS,
    "managers": [m[0] for m in MANAGERS],
    "new_hire": {"manager": MANAGERS[BEL][0], "hired": HIRED_DAY.isoformat()},
    "leaver": {"manager": MANAGERS[MOR][0], "left": LEFT_DAY.isoformat()},
    "low_activity_manager": MANAGERS[KUZ][0],
    "d_effort_manager": MANAGERS[PET][0],  # spends most of his activities on small clients
    "misspelled_manager": {"in_sales": MISSPELLED_MANAGER, "in_managers": MANAGERS[FED][0], "lines": 2},
    "slump_month": "2026-10",
    "slump_factor": SLUMP_FACTOR,
    "seasonality": dict(zip(range(1, 13), SEASONALITY.tolist(), strict=True)),
    "giant_client_id": _cid(I_GIANT),
    "giant_name": PLANTED_NAMES[I_GIANT],
    "giant_potential": GIANT_POTENTIAL,
    "high_potential_client_ids": [_cid(i) for i in I_HIGH_POTENTIAL],
    "html_client_id": _cid(I_HTML),
    "html_client_name": PLANTED_NAMES[I_HTML],
    "top_client_ids": [_cid(i) for i in I_TOP],
    "dormant_a_client_ids": [_cid(i) for i in I_DORMANT],
    "dormant_last_purchase": [d.isoformat() for d in DORMANT_LAST],
    "lost_client_ids": [_cid(i) for i in I_LOST],
    "lost_last_purchase": [d.isoformat() for d in LOST_LAST],
    "negative_margin_client_id": _cid(I_NEGATIVE_MARGIN),
    "duplicate_client_names": [(_cid(a), _cid(b)) for a, b in I_DUPLICATE_NAMES],
    "interviewed_client_ids": [_cid(i) for i in [*I_TOP, I_HTML]],
    "bad_rows": [{"column": c, "value": v} for c, v in BAD_ROWS],
    "future_date": FUTURE_DAY.isoformat(),
    "duplicate_documents": N_DUPLICATE_DOCUMENTS,
    "missing_manager_share": 0.005,
    "return_share": 0.014,
    "status_values": STATUS_VALUES,
    "activity_types": ACTIVITY_TYPES,
    "stage_probabilities": dict(STAGES),
    "soft_target_factor": 0.85,  # 2025 manager targets = 85 % of the manager's 2024 monthly average
    "questionnaire_unknown": ["people.turnover", "people.hunter_farmer"],
    "a_portrait": dict(PORTRAIT),
    "future_a_client_ids": [_cid(i) for i in I_FUTURE_A],
}
"""Facts the demo plants on purpose (client ids, managers, dates, counts, value mappings)."""

PRODUCTS = [  # name, category, price (RUB per unit)
    ("Кабель ВВГнг(А)-LS 3х2,5 ГОСТ, м", "Кабель", 95),
    ("Кабель ВВГнг(А)-LS 3х1,5 ГОСТ, м", "Кабель", 65),
    ("Кабель ВВГнг(А)-LS 5х10, м", "Кабель", 820),
    ("Кабель АВБШв 4х120, м", "Кабель", 1150),
    ("Провод ПуГВ 1х4, м", "Кабель", 42),
    ("Кабель КГ 4х16, м", "Кабель", 640),
    ("Кабель NYM 3х2,5, м", "Кабель", 88),
    ("Кабель UTP 4PR 24AWG cat.5e, м", "Кабель", 28),
    ("Автоматический выключатель IEK ВА47-29 1P 16А C", "Автоматика", 180),
    ("Автоматический выключатель ABB S201 C25", "Автоматика", 950),
    ("Дифавтомат IEK АВДТ32 C16 30мА", "Автоматика", 1350),
    ("УЗО DEKraft УЗО-03 2P 40А 30мА", "Автоматика", 1100),
    ("Контактор КМИ-22510 25А 230В", "Автоматика", 1450),
    ("Реле напряжения ZUBR D63t", "Автоматика", 3900),
    ("Автоматический выключатель Systeme Electric 3P 32А", "Автоматика", 1850),
    ("Светильник светодиодный ДПО 36Вт 4000К", "Свет", 690),
    ("Прожектор светодиодный 100Вт IP65", "Свет", 1890),
    ("Лампа светодиодная E27 11Вт 4000К", "Свет", 95),
    ("Светильник Армстронг 595х595 40Вт", "Свет", 1250),
    ("Светильник уличный консольный 150Вт", "Свет", 7800),
    ("Щит распределительный ЩРН-24 IP31", "Щиты", 2650),
    ("Корпус металлический ЩМП-3 IP54", "Щиты", 5900),
    ("Бокс пластиковый ЩРН-П-12", "Щиты", 690),
    ("ВРУ-1 вводно-распределительное устройство", "Щиты", 68000),
    ("Гофротруба ПВХ 20 мм с зондом (100 м)", "Монтаж", 850),
    ("Кабель-канал 40х25 (2 м)", "Монтаж", 120),
    ("Лоток перфорированный 200х50 (3 м)", "Монтаж", 1450),
    ("Хомут нейлоновый 4,8х200 (100 шт.)", "Монтаж", 210),
    ("Труба ПНД 32 мм (бухта 50 м)", "Монтаж", 1900),
    ("Коробка распаячная 100х100х50 IP55", "Монтаж", 160),
    ("Металлорукав РЗ-ЦХ 20 (50 м)", "Монтаж", 1350),
    ("Розетка Legrand Valena 2P+E белая", "ЭУИ", 420),
    ("Выключатель одноклавишный AtlasDesign", "ЭУИ", 310),
    ("Удлинитель силовой на катушке 4 гн. 50 м", "ЭУИ", 4200),
    ("Мультиметр цифровой Fluke 117", "Инструмент", 29500),
    ("Клещи токоизмерительные UNI-T UT203", "Инструмент", 6800),
    ("Перфоратор Makita HR2470", "Инструмент", 14200),
    ("Трансформатор тока Т-0,66 300/5", "Учёт", 1150),
    ("Стабилизатор напряжения 10 кВА", "Учёт", 32000),
    ("Счётчик электроэнергии Меркурий 230 ART-01", "Учёт", 7900),
]
CATEGORY_MARGIN = {
    "Кабель": 0.16,
    "Автоматика": 0.27,
    "Свет": 0.31,
    "Щиты": 0.24,
    "Монтаж": 0.34,
    "ЭУИ": 0.30,
    "Инструмент": 0.21,
    "Учёт": 0.19,
}

_ROOTS = (
    "Электро Техно Пром Строй Энерго Монтаж Сиб Урал Волга Север Юг Мега Инж Спец Гранит Альянс "
    "Вектор Импульс Феникс Орион Меридиан Кварц Атлант Полюс Лидер Гарант Ресурс Профи Стандарт Форвард"
).split()
_SUFFIXES = (
    "снаб сервис комплект торг монтаж строй энерго проект систем групп инвест техника свет кабель"
).split()
_TAILS = ["", "", "", "", "-М", " Плюс", "-Регион", "-2000", " Групп", "-Центр"]
_SURNAMES = (
    "Гусев Лебедев Козлов Новиков Волков Соловьёв Васильев Зайцев Павлов Семёнов Голубев Виноградов "
    "Богданов Воробьёв Фролов Медведев Ершов Никитин Орлов Андреев Макаров Захаров Зуев Киселев Титов"
).split()
_INITIALS = list("АБВГДЕИКЛМНОПРСТ")
INDUSTRIES = [
    "Строительство",
    "Электромонтаж",
    "Промышленное производство",
    "ЖКХ",
    "Энергетика",
    "Оптовая торговля",
    "Проектирование",
    "Нефтегаз",
]
REGIONS = [
    "Москва",
    "Московская обл.",
    "Санкт-Петербург",
    "Екатеринбург",
    "Казань",
    "Нижний Новгород",
    "Самара",
    "Челябинск",
    "Пермь",
    "Тула",
]
