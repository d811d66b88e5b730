"""A complete demo engagement: a believable Russian B2B distributor, generated deterministically.

:func:`generate_demo` writes an engagement folder for «ТехноСнаб», a wholesaler of electrical and
industrial supplies: ``engagement.yaml``, 1C-style sales exports for three years, a client register in
Excel, the managers list, the owner's 2025 targets, amoCRM-like deals, a year of activities, the
interview answers, and the brand files. The data carry on purpose everything the playbook looks for
(the three headline failures, a potential giant, dormant and lost A clients, an October slump, a new hire
and a leaver, the usual data flaws); :data:`DEMO_FACTS` lists them so tests and notebooks can assert on
them.

Conventions
-----------
* Same ``seed`` -> byte-identical files (numpy ``default_rng``; nothing depends on the current date, the
  locale or the machine; the Excel file carries a fixed creation time).
* Amounts are generated in kopecks (integers) and written as ``12345,60``: decimal comma, no thousands
  separator. Returns are negative lines of the same client at a later date (never after the client's
  last purchase date, so dormant and lost clients stay silent).
* A sales document (``Документ``) is one invoice: its lines share date and client. The planted duplicate
  documents reuse an invoice number on another date for another client.
* Monthly totals are set first (yearly level × seasonality index × noise ≤ 6 %; 2026 at the target's
  pace, October 2026 at 67 % of it), then orders are drawn per day (working days of the RU calendar
  weigh 1, days off 0.03), line amounts are scaled to each week-part's working-day share of its month
  (× 5 % noise) and then exactly to the month's total. A client's expected revenue is proportional to
  its weight (order frequency ∝ weight^0.6, line size ∝ weight^0.4); weights are lognormal quantiles
  (σ = 1.75, the largest dozen tamed), so the Pareto shape does not depend on the seed.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from statistics import NormalDist

import numpy as np
import pandas as pd
import yaml

from .engine.templates import template_path
from .exceptions import ConfigError
from .workdays import working_day_calendar

# --------------------------------------------------------------------------------------------------
# The story: fixed names, dates and the positions of the planted clients (independent of the seed).

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


# --------------------------------------------------------------------------------------------------
def generate_demo(folder, *, seed: int = 20261125) -> Path:
    """Write a complete demo engagement folder and return the path of its ``engagement.yaml``.

    Parameters
    ----------
    folder
        Target folder; created if missing. It must not exist with content in it.
    seed
        Seed of ``numpy.random.default_rng``. Same seed -> byte-identical files.

    Returns
    -------
    pathlib.Path of ``folder/engagement.yaml``. The folder holds ``engagement.yaml``,
    ``questionnaire.yaml``, ``brand.yml`` and the logo (copied from ``templates/``) and ``data/``:
    ``sales_2024.csv`` (with December 2023), ``sales_2025.csv``, ``sales_2026.csv``, ``clients.xlsx``,
    ``managers.csv``, ``targets.csv``, ``deals.csv``, ``activities.csv``. Formats and column headers
    are stated in the ``inputs`` block of ``engagement.yaml``; planted facts in :data:`DEMO_FACTS`.

    Raises
    ------
    ConfigError
        If ``folder`` exists and is not an empty directory, or the engagement template is missing.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = generate_demo(Path(tmp) / "demo")
    ...     print(path.name, sorted(p.name for p in (path.parent / "data").glob("sales_*.csv")))
    engagement.yaml ['sales_2024.csv', 'sales_2025.csv', 'sales_2026.csv']
    """
    folder = Path(folder)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise ConfigError(
            "the demo folder already exists and is not empty",
            file=str(folder),
            hint="choose a new folder name or empty this one",
        )
    try:
        template = template_path("engagement.yaml")
    except FileNotFoundError as exc:
        raise ConfigError("the engagement template is missing", file="templates/engagement.yaml") from exc

    rng = np.random.default_rng(seed)
    cal = _Calendar()
    clients = _make_clients(rng, cal)
    sales = _make_sales(rng, cal, clients)
    _add_potential(rng, cal, clients, sales)
    activities = _make_activities(rng, cal, clients)
    deals = _make_deals(rng, cal, clients)

    data = folder / "data"
    data.mkdir(parents=True, exist_ok=True)
    _write_sales(rng, cal, clients, sales, data)
    _write_clients(clients, data / "clients.xlsx")
    _write_managers(data / "managers.csv")
    _write_targets(cal, clients, sales, data / "targets.csv")
    _write_deals(deals, data / "deals.csv")
    _write_activities(activities, data / "activities.csv")
    _write_questionnaire(folder / "questionnaire.yaml")
    for src in sorted(template.parent.glob("brand*")) + sorted(template.parent.glob("logo*")):
        if src.is_file():
            shutil.copyfile(src, folder / src.name)
    target = _target_2026(cal, sales)
    path = folder / "engagement.yaml"
    path.write_text(_engagement_text(template.read_text(encoding="utf-8"), target), encoding="utf-8")
    return path


# --------------------------------------------------------------------------------------------------
class _Calendar:
    """Days of the history as integer offsets from START, with month index and working flag."""

    def __init__(self) -> None:
        full = working_day_calendar(START, dt.date(2026, 12, 31), country="RU")
        self.n_days = (LAST - START).days + 1
        dates = full["date"].iloc[: self.n_days]
        self.working = full["is_working"].to_numpy()[: self.n_days]
        self.year = dates.dt.year.to_numpy()
        self.month = dates.dt.month.to_numpy()
        key = self.year * 12 + self.month - 1
        self.mi = key - key[0]  # month index per day, 0 = Dec 2023
        self.n_months = int(self.mi[-1]) + 1
        self.m_year = np.array([(2023 * 12 + 11 + m) // 12 for m in range(self.n_months)])
        self.m_month = np.array([(2023 * 12 + 11 + m) % 12 + 1 for m in range(self.n_months)])
        self.labels = dates.dt.strftime("%d.%m.%Y").to_numpy()
        # week-parts: Monday-Sunday weeks cut at month boundaries
        monday = np.arange(self.n_days) - dates.dt.day_of_week.to_numpy()
        keys, first, self.part = np.unique(self.mi * 10_000 + monday, return_index=True, return_inverse=True)
        self.n_parts = keys.size
        self.part_month = self.mi[first]
        weight = np.where(self.working, 1.0, WEEKEND_WEIGHT)
        in_part = np.bincount(self.part, weights=weight)
        self.part_share = in_part / np.bincount(self.part_month, weights=in_part)[self.part_month]
        # the first working day on or after each day (the last day itself if none follows)
        upcoming = np.where(self.working, np.arange(self.n_days), self.n_days - 1)
        self.next_working = np.minimum.accumulate(upcoming[::-1])[::-1]
        nov = full["date"].dt.month.eq(11) & full["date"].dt.year.eq(2026)
        self.nov_elapsed = float(full.loc[nov, "is_working"].iloc[: LAST.day].sum())
        self.nov_total = float(full.loc[nov, "is_working"].sum())

    def day(self, d: dt.date) -> int:
        return (d - START).days

    def month_of(self, year: int, month: int) -> int:
        return (year * 12 + month - 1) - (2023 * 12 + 11)


# --------------------------------------------------------------------------------------------------
def _make_clients(rng: np.random.Generator, cal: _Calendar) -> dict:
    n = N_CLIENTS
    # weights: lognormal quantiles (not draws), so the Pareto shape does not depend on the seed;
    # planted clients get fixed ranks, the others a random permutation of the rest
    normal = NormalDist()
    draws = np.exp(SIGMA * np.array([normal.inv_cdf(1 - (k + 0.5) / n) for k in range(n)]))
    draws[:TOP_TAMED] = draws[TOP_TAMED] * (draws[:TOP_TAMED] / draws[TOP_TAMED]) ** 0.5
    weight = np.empty(n)
    fixed = np.array(sorted(RANKS))
    weight[fixed] = draws[[RANKS[i] for i in fixed]]
    free = np.setdiff1d(np.arange(n), fixed)
    weight[free] = rng.permutation(np.delete(draws, [RANKS[i] for i in fixed]))

    # registration: old clients 2012..Nov 2023, new ones during the history (index = registration order)
    n_old = n - N_NEW_CLIENTS
    old_span = (START - dt.date(2012, 1, 10)).days
    reg_old = np.sort(rng.integers(0, old_span - 5, n_old)) - old_span
    reg_new = np.sort(rng.integers(4, cal.n_days - 14, N_NEW_CLIENTS))
    registered = np.concatenate([reg_old, reg_new])  # day offsets from START (negative = before)
    start = np.maximum(
        registered + np.concatenate([np.zeros(n_old, int), rng.integers(0, 30, N_NEW_CLIENTS)]), 0
    )
    end = np.full(n, cal.n_days - 1)
    churn = (rng.random(n) < 0.12) & (np.arange(n) < n_old)
    churn[fixed] = False
    end[churn] = rng.integers(60, cal.n_days - 30, churn.sum())
    for i, last in zip(I_DORMANT, DORMANT_LAST, strict=True):
        end[i] = cal.day(last)
    for i, last in zip(I_LOST, LOST_LAST, strict=True):
        end[i] = cal.day(last)

    # owners: before 1 Jul 2026, Jul-Aug 2026 (leaver's clients reassigned), from 1 Sep 2026 (new hire)
    jul, sep = cal.day(dt.date(2026, 7, 1)), cal.day(HIRED_DAY)
    owner0 = rng.choice([SOK, PET, KUZ, FED, MOR], size=n, p=[0.24, 0.21, 0.19, 0.19, 0.17])
    snake = [SOK, PET, KUZ, FED, MOR, MOR, FED, KUZ, PET, SOK]  # the 40 largest: a snake draft
    owner0[np.argsort(-weight, kind="stable")[:40]] = snake * 4
    late = registered >= jul
    owner0[late] = rng.choice(STEADY, size=late.sum())
    owner1 = owner0.copy()
    ex = owner0 == MOR
    owner1[ex] = rng.choice(STEADY, size=ex.sum())
    owner2 = owner1.copy()
    owner2[ex & (rng.random(n) < 0.5)] = BEL
    newest = (registered >= sep) & (rng.random(n) < 0.7)
    owner0[newest] = owner1[newest] = owner2[newest] = BEL

    names = _client_names(rng, n)
    # sole traders (ИП) are small: none among the 60 largest clients
    big = np.argsort(-weight, kind="stable")[:60]
    planted = np.array(list(PLANTED_NAMES))
    is_ip = pd.Series(names).str.startswith("ИП").to_numpy()
    movable = ~np.isin(np.arange(n), planted)
    swap_in = big[is_ip[big] & movable[big]]
    donors = np.setdiff1d(np.flatnonzero(~is_ip & movable), big)
    donors = donors[np.argsort(weight[donors], kind="stable")][: swap_in.size]
    names[swap_in], names[donors] = names[donors], names[swap_in].copy()
    created = pd.Timestamp(START) + pd.to_timedelta(registered, unit="D")
    return {
        "id": np.array([_cid(i) for i in range(n)], dtype=object),
        "name": names,
        "weight": weight,
        "registered": created,
        "start": start,
        "end": end,
        "owners": np.stack([owner0, owner1, owner2]),
        "bounds": (jul, sep),
        "industry": np.array(INDUSTRIES, dtype=object)[
            rng.choice(len(INDUSTRIES), n, p=[0.25, 0.2, 0.15, 0.1, 0.08, 0.1, 0.07, 0.05])
        ],
        "region": np.array(REGIONS, dtype=object)[
            rng.choice(len(REGIONS), n, p=[0.3, 0.2, 0.1, 0.08, 0.07, 0.06, 0.06, 0.05, 0.04, 0.04])
        ],
    }


def _client_names(rng: np.random.Generator, n: int) -> np.ndarray:
    m = 3 * n
    roots = np.array(_ROOTS, dtype=object)[rng.integers(0, len(_ROOTS), m)]
    sufs = np.array(_SUFFIXES, dtype=object)[rng.integers(0, len(_SUFFIXES), m)]
    tails = np.array(_TAILS, dtype=object)[rng.integers(0, len(_TAILS), m)]
    forms = np.array(["ООО", "АО", "ЗАО", "ИП"], dtype=object)[rng.choice(4, m, p=[0.74, 0.06, 0.04, 0.16])]
    surnames = np.array(_SURNAMES, dtype=object)[rng.integers(0, len(_SURNAMES), m)]
    ini = np.array(_INITIALS, dtype=object)
    i1, i2 = ini[rng.integers(0, len(ini), m)], ini[rng.integers(0, len(ini), m)]
    company = pd.Series(forms + " «" + roots + sufs + tails + "»")
    person = pd.Series("ИП " + surnames + " " + i1 + "." + i2 + ".")
    names = company.where(forms != "ИП", person)
    names = names.drop_duplicates().to_numpy(dtype=object)
    names = names[~np.isin(names, list(PLANTED_NAMES.values()))][:n].copy()
    for i, name in PLANTED_NAMES.items():
        names[i] = name
    return names


def _owner_at(clients: dict, client: np.ndarray, day: np.ndarray) -> np.ndarray:
    jul, sep = clients["bounds"]
    period = (day >= jul).astype(int) + (day >= sep)
    return clients["owners"][period, client]


# --------------------------------------------------------------------------------------------------
def _month_totals(rng: np.random.Generator, cal: _Calendar) -> np.ndarray:
    """Expected gross sales per month index: yearly level / 12 × seasonality × noise."""
    level = np.array([LEVELS.get(int(y), LEVELS[2025] * GROWTH_2026) for y in cal.m_year], dtype=float)
    noise = 1 + np.clip(rng.normal(0, 0.03, cal.n_months), -0.06, 0.06)
    totals = level / 12 * SEASONALITY[cal.m_month - 1] * noise
    slump = cal.month_of(*SLUMP_MONTH)
    totals[slump] = level[slump] / 12 * SEASONALITY[9] * SLUMP_FACTOR * (1 + rng.normal(0, 0.01))
    totals[-1] *= cal.nov_elapsed / cal.nov_total  # November 2026 runs to the 24th only
    return totals


def _make_sales(rng: np.random.Generator, cal: _Calendar, clients: dict) -> dict:
    totals = _month_totals(rng, cal)
    order_value = 24000 * 1.06 ** (cal.m_year - 2024)
    day_weight = np.where(cal.working, 1.0, WEEKEND_WEIGHT)
    share = day_weight / np.bincount(cal.mi, weights=day_weight)[cal.mi]
    counts = rng.poisson(totals[cal.mi] / order_value[cal.mi] * share)
    order_day = np.repeat(np.arange(cal.n_days), counts)

    # clients per month: probability ∝ weight^0.6 among clients active in that month
    month_first = np.searchsorted(cal.mi, np.arange(cal.n_months))
    month_last = np.append(month_first[1:], cal.n_days) - 1
    base = clients["weight"] ** 0.6
    order_month = cal.mi[order_day]
    bounds = np.searchsorted(order_month, np.arange(cal.n_months + 1))
    order_client = np.empty(order_day.size, dtype=int)
    # key accounts (the KEY_ACCOUNTS largest) order on a schedule, so their monthly purchases are steady
    # apart from the season (XYZ class Y); everyone else orders at random (Z)
    key = np.zeros(N_CLIENTS, dtype=bool)
    key[np.argsort(-clients["weight"], kind="stable")[:KEY_ACCOUNTS]] = True
    for m in range(cal.n_months):
        active = (clients["start"] <= month_last[m]) & (clients["end"] >= month_first[m])
        size = bounds[m + 1] - bounds[m]
        p = base * active
        p = p / p.sum()
        counts = np.zeros(N_CLIENTS, dtype=np.int64)
        steady = key & active
        counts[steady] = np.rint(size * p[steady] * (1 + rng.normal(0, 0.05, steady.sum())))
        rest = max(size - int(counts.sum()), 0)
        others = p * ~steady
        counts += rng.multinomial(rest, others / others.sum())
        drawn = rng.permutation(np.repeat(np.arange(N_CLIENTS), counts))
        if drawn.size < size:  # rounding left a few orders over: random clients take them
            drawn = np.concatenate([drawn, rng.choice(N_CLIENTS, size - drawn.size, p=others / others.sum())])
        order_client[bounds[m] : bounds[m + 1]] = drawn[:size]
    keep = (order_day >= clients["start"][order_client]) & (order_day <= clients["end"][order_client])
    order_day, order_client = order_day[keep], order_client[keep]

    # lines: 1 + Poisson(2.3) per order, size ∝ weight^0.4 × lognormal, scaled to the month's total
    per_order = 1 + rng.poisson(2.3, order_day.size)
    line_order = np.repeat(np.arange(order_day.size), per_order)
    day, client = order_day[line_order], order_client[line_order]
    n_lines = day.size
    raw = clients["weight"][client] ** 0.4 * rng.lognormal(0.0, 0.45, n_lines)
    # scaled twice: each week-part (Monday-Sunday, cut at month ends) to its working-day share of the
    # month × noise, so weeks are as steady as a real department's; then each month to its total
    part = cal.part[day]
    by_month = np.bincount(cal.mi[day], weights=raw, minlength=cal.n_months)
    part_target = totals[cal.part_month] * cal.part_share * (1 + rng.normal(0, 0.05, cal.n_parts))
    part_raw = np.bincount(part, weights=raw, minlength=cal.n_parts)
    enough = np.bincount(part, minlength=cal.n_parts) >= 30
    factor = np.where(enough, part_target / np.maximum(part_raw, 1e-9), (totals / by_month)[cal.part_month])
    amount = raw * factor[part]
    amount *= (totals / np.bincount(cal.mi[day], weights=amount, minlength=cal.n_months))[cal.mi[day]]
    # product: drawn by popularity among the products that cost at most the line's amount
    prices = np.array([p[2] for p in PRODUCTS], dtype=float)
    by_price = np.argsort(prices, kind="stable")
    cum = np.cumsum(rng.dirichlet(np.full(len(PRODUCTS), 1.5))[by_price])
    affordable = np.maximum(np.searchsorted(prices[by_price], amount, side="right"), 1)
    pick = np.searchsorted(cum, rng.random(n_lines) * cum[affordable - 1], side="right")
    product = by_price[np.minimum(pick, affordable - 1)]
    price = prices[product]
    amount = np.maximum(amount, price)
    quantity = np.maximum(np.rint(amount / price), 1).astype(np.int64)
    kop = np.rint(amount * 100).astype(np.int64)
    cat_margin = np.array([CATEGORY_MARGIN[p[1]] for p in PRODUCTS])[product]
    rate = np.clip(cat_margin + rng.normal(0, 0.04, n_lines), 0.02, 0.45)
    bad = client == I_NEGATIVE_MARGIN
    rate[bad] = rng.normal(-0.06, 0.02, bad.sum())
    margin = np.rint(kop * rate).astype(np.int64)
    document = line_order  # order number; renumbered by date when written

    # returns: ~1.4 % of lines, same client, 3-30 days later, never after the client's last day
    limit = np.minimum(clients["end"][client], cal.n_days - 1)
    eligible = np.flatnonzero(day + 3 <= limit)
    ret = np.sort(rng.choice(eligible, size=int(0.014 * n_lines), replace=False))
    frac = np.where(rng.random(ret.size) < 0.6, 1.0, rng.uniform(0.2, 0.8, ret.size))
    later = np.minimum(day[ret] + rng.integers(3, 31, ret.size), cal.n_days - 1)
    ret_day = np.minimum(cal.next_working[later], limit[ret])
    return {
        "day": np.concatenate([day, ret_day]),
        "client": np.concatenate([client, client[ret]]),
        "product": np.concatenate([product, product[ret]]),
        "quantity": np.concatenate(
            [quantity, -np.maximum(np.rint(quantity[ret] * frac), 1).astype(np.int64)]
        ),
        "kop": np.concatenate([kop, -np.rint(kop[ret] * frac).astype(np.int64)]),
        "margin": np.concatenate([margin, -np.rint(margin[ret] * frac).astype(np.int64)]),
        "document": np.concatenate([document, np.arange(ret.size)]),
        "is_return": np.concatenate([np.zeros(n_lines, bool), np.ones(ret.size, bool)]),
        "n_orders": order_day.size,
    }


def _add_potential(rng: np.random.Generator, cal: _Calendar, clients: dict, sales: dict) -> None:
    """Potential (yearly purchases in the category) for ~30 % of clients, ≥ their last-12-months sales."""
    lo, hi = cal.day(dt.date(2025, 11, 1)), cal.day(dt.date(2026, 10, 31))
    inside = (sales["day"] >= lo) & (sales["day"] <= hi)
    revenue = np.bincount(sales["client"][inside], weights=sales["kop"][inside] / 100, minlength=N_CLIENTS)
    planted = [I_GIANT, *I_HIGH_POTENTIAL, *I_TOP, I_HTML]
    others = np.setdiff1d(np.arange(N_CLIENTS), planted)
    p = clients["weight"][others] ** 0.5
    chosen = rng.choice(others, size=int(0.3 * N_CLIENTS) - len(planted), replace=False, p=p / p.sum())
    potential = np.full(N_CLIENTS, np.nan)
    base = np.where(revenue > 0, revenue, rng.uniform(0.3e6, 3e6, N_CLIENTS))
    potential[chosen] = base[chosen] * rng.uniform(1.2, 3.0, chosen.size)
    potential[[*I_TOP, I_HTML]] = revenue[[*I_TOP, I_HTML]] * rng.uniform(1.2, 1.6, 4)
    potential[I_GIANT] = GIANT_POTENTIAL
    potential[I_HIGH_POTENTIAL] = HIGH_POTENTIALS
    clients["potential"] = np.round(potential, -4)


def _target_2026(cal: _Calendar, sales: dict) -> int:
    """The owner's 2026 target: net 2025 sales × 1.15, rounded to a whole million."""
    net_2025 = sales["kop"][cal.year[sales["day"]] == 2025].sum() / 100
    return int(round(net_2025 * GROWTH_2026 / 1e6)) * 1_000_000


# --------------------------------------------------------------------------------------------------
def _pick_clients(
    rng: np.random.Generator, clients: dict, manager: np.ndarray, day: np.ndarray, power: np.ndarray
) -> np.ndarray:
    """A client of ``manager``'s portfolio on ``day`` for each event (-1 = not a client yet).

    Probability ∝ weight ** power[manager]; portfolio = the clients the manager owns in that period.
    """
    jul, sep = clients["bounds"]
    period = (day >= jul).astype(int) + (day >= sep)
    out = np.full(day.size, -1)
    for per in range(3):
        for m in range(len(MANAGERS)):
            sel = np.flatnonzero((period == per) & (manager == m))
            members = np.flatnonzero(clients["owners"][per] == m)
            if sel.size == 0 or members.size == 0:
                continue
            p = clients["weight"][members] ** power[m]
            out[sel] = members[rng.choice(members.size, size=sel.size, p=p / p.sum())]
    out[clients["start"][out] > day] = -1
    return out


def _active_days(cal: _Calendar, m: int, first: int) -> np.ndarray:
    hired = cal.day(HIRED_DAY) if m == BEL else 0
    left = cal.day(LEFT_DAY) if m == MOR else cal.n_days - 1
    days = np.arange(max(first, hired), left + 1)
    return days


def _make_activities(rng: np.random.Generator, cal: _Calendar, clients: dict) -> pd.DataFrame:
    first = cal.day(dt.date(2025, 11, 25))
    days, mgrs = [], []
    for m, rate in ACTIVITY_RATES.items():
        d = _active_days(cal, m, first)
        d = d[cal.working[d]]
        lam = np.full(d.size, float(rate))
        if m == MOR:  # disengaged in the last two months before leaving
            lam[d >= cal.day(dt.date(2026, 5, 1))] *= 0.6
        n = rng.poisson(lam)
        days.append(np.repeat(d, n))
        mgrs.append(np.full(n.sum(), m))
    day, manager = np.concatenate(days), np.concatenate(mgrs)
    order = np.lexsort((manager, day))
    day, manager = day[order], manager[order]
    names = list(ACTIVITY_TYPES)
    kind = rng.choice(3, size=day.size, p=[0.86, 0.06, 0.08])
    power = np.full(len(MANAGERS), 0.5)
    power[PET] = -0.5  # Петров spends his time on small clients
    client = _pick_clients(rng, clients, manager, day, power)
    cold = (kind == 0) & (rng.random(day.size) < 0.12)
    client[cold] = -1
    outcome = np.empty(day.size, dtype=object)
    for k, name in enumerate(names):
        sel = kind == k
        values, probs = OUTCOMES[name]
        outcome[sel] = np.array(values, dtype=object)[rng.choice(len(values), sel.sum(), p=probs)]
    return pd.DataFrame(
        {
            "Дата": cal.labels[day],
            "Менеджер": np.array([m[0] for m in MANAGERS], dtype=object)[manager],
            "Тип": np.array(names, dtype=object)[kind],
            "Код клиента": np.where(client >= 0, clients["id"][client], ""),
            "Результат": outcome,
        }
    )


def _make_deals(rng: np.random.Generator, cal: _Calendar, clients: dict) -> pd.DataFrame:
    """amoCRM-like deals: two years of closed ones (win rate ~27 %) + ~150 open, some stale."""
    first = cal.day(dt.date(2024, 11, 25))
    asof = cal.day(AS_OF)
    created, mgr = [], []
    for m in WIN_RATES:
        d = _active_days(cal, m, first)
        n = rng.poisson(17 * d.size / 30.4)
        created.append(np.sort(rng.choice(d, size=n)))
        mgr.append(np.full(n, m))
    created, manager = np.concatenate(created), np.concatenate(mgr)
    cycle = np.rint(rng.lognormal(np.log(28), 0.6, created.size)).astype(int) + 1
    planned = np.rint(rng.lognormal(np.log(35), 0.4, created.size)).astype(int) + 3
    closed = created + cycle
    win_p = np.array([WIN_RATES[m] for m in manager])
    won = rng.random(created.size) < win_p
    left = cal.day(LEFT_DAY)
    cut = (manager == MOR) & (closed > left)  # closed when the manager left
    closed[cut], won[cut] = left, False
    is_open = closed >= asof
    # most open deals carry an expected date still ahead; the rest keep a passed one (stale)
    fresh = is_open & (rng.random(created.size) < 0.7)
    planned[fresh] = np.maximum(planned[fresh], asof - created[fresh] + rng.integers(3, 45, fresh.sum()))

    # stale open deals: expected close passed, or open very long
    n_passed, n_long = 30, 18
    active_now = np.array(STEADY + [BEL])
    s_created = np.concatenate(
        [asof - rng.integers(40, 120, n_passed), asof - rng.integers(200, 450, n_long)]
    )
    s_manager = rng.choice(active_now, size=n_passed + n_long, p=[0.2, 0.35, 0.2, 0.2, 0.05])
    s_manager[(s_manager == BEL) & (s_created < cal.day(HIRED_DAY))] = PET
    s_planned = np.concatenate(
        [asof - s_created[:n_passed] - rng.integers(5, 60, n_passed), rng.integers(30, 90, n_long)]
    )
    created = np.concatenate([created, s_created])
    manager = np.concatenate([manager, s_manager])
    planned = np.concatenate([planned, s_planned])
    closed = np.concatenate([closed, np.full(s_created.size, asof)])
    won = np.concatenate([won, np.zeros(s_created.size, bool)])
    is_open = np.concatenate([is_open, np.ones(s_created.size, bool)])
    order = np.argsort(created, kind="stable")
    created, manager, planned = created[order], manager[order], planned[order]
    closed, won, is_open = closed[order], won[order], is_open[order]

    n = created.size
    stage_names = np.array([s[0] for s in STAGES], dtype=object)
    stage_p = np.array([s[1] for s in STAGES])
    open_stage = rng.choice(len(STAGES), n, p=[0.3, 0.25, 0.2, 0.15, 0.1])
    lost_stage = rng.choice(len(STAGES), n, p=[0.35, 0.25, 0.2, 0.15, 0.05])
    stage = np.where(
        is_open, stage_names[open_stage], np.where(won, "Успешно реализовано", stage_names[lost_stage])
    )
    status = np.where(is_open, "В работе", np.where(won, "Успешно реализовано", "Закрыто и не реализовано"))
    probability = np.where(is_open, stage_p[open_stage], np.where(won, 1.0, 0.0))
    power = np.full(len(MANAGERS), 0.5)
    client = _pick_clients(rng, clients, manager, created, power)
    client[rng.random(n) < 0.2] = -1
    budget = np.maximum(np.round(rng.lognormal(np.log(250_000), 0.9, n), -3), 10_000)
    dates = np.concatenate([cal.labels, pd.date_range(AS_OF, periods=800).strftime("%d.%m.%Y")])
    prob_text = pd.Series(probability).map(lambda v: f"{v:.1f}".replace(".", ",")).to_numpy()
    return pd.DataFrame(
        {
            "ID сделки": (28_400_000 + np.cumsum(rng.integers(1, 400, n))).astype(str),
            "Ответственный": np.array([m[0] for m in MANAGERS], dtype=object)[manager],
            "Бюджет": budget.astype(np.int64).astype(str),
            "Этап": stage,
            "Код клиента": np.where(client >= 0, clients["id"][client], ""),
            "Дата создания": dates[created],
            "Дата закрытия": np.where(is_open, "", dates[np.minimum(closed, asof)]),
            "Ожидаемая дата закрытия": dates[created + planned],
            "Вероятность": prob_text,
            "Статус": status,
        }
    )


# --------------------------------------------------------------------------------------------------
def _money(kop: np.ndarray) -> np.ndarray:
    """Kopecks -> ``"-12345,60"`` (decimal comma, no grouping)."""
    a = np.abs(kop)
    text = (
        pd.Series(np.where(kop < 0, "-", ""), dtype=object)
        + pd.Series(a // 100).astype(str).astype(object)
        + ","
        + pd.Series(a % 100).astype(str).str.zfill(2).astype(object)
    )
    return text.to_numpy(dtype=object)


def _write_sales(rng: np.random.Generator, cal: _Calendar, clients: dict, sales: dict, data: Path) -> None:
    day, client = sales["day"], sales["client"]
    # invoice numbers by date: ТС00-xxxxxx for sales, ВЗ00-xxxxxx for returns
    n = day.size
    key = np.where(sales["is_return"], 1, 0) * 10_000_000 + sales["document"]
    order = np.lexsort((sales["document"], sales["is_return"], day))
    day, client, key = day[order], client[order], key[order]
    quantity, kop, margin = sales["quantity"][order], sales["kop"][order], sales["margin"][order]
    product, is_return = sales["product"][order], sales["is_return"][order]
    first_seen = np.unique(key, return_index=True)[1]
    rank = np.empty(first_seen.size, dtype=np.int64)
    rank[np.argsort(first_seen, kind="stable")] = np.arange(first_seen.size)
    doc_num = rank[np.searchsorted(np.unique(key), key)]
    ret_docs = np.unique(doc_num[is_return])
    sale_docs = np.unique(doc_num[~is_return])
    number = np.empty(first_seen.size, dtype=np.int64)
    number[sale_docs] = np.arange(1, sale_docs.size + 1)
    number[ret_docs] = np.arange(1, ret_docs.size + 1)
    prefix = np.where(np.isin(np.arange(first_seen.size), ret_docs), "ВЗ00-", "ТС00-")
    doc_text = pd.Series(prefix.astype(object)) + pd.Series(number).astype(str).str.zfill(6).astype(object)
    document = doc_text.to_numpy(dtype=object)[doc_num]

    # duplicate invoice numbers: five invoices reuse another invoice's number on another date
    docs = rng.choice(sale_docs, size=4 * N_DUPLICATE_DOCUMENTS, replace=False)
    doc_day = np.zeros(first_seen.size, dtype=np.int64)
    doc_day[doc_num] = day
    src, dst = docs[: 2 * N_DUPLICATE_DOCUMENTS], docs[2 * N_DUPLICATE_DOCUMENTS :]
    pairs = [(s, d) for s, d in zip(src, dst, strict=True) if doc_day[s] != doc_day[d]]
    for s, d in pairs[:N_DUPLICATE_DOCUMENTS]:
        document[doc_num == d] = document[np.flatnonzero(doc_num == s)[0]]

    manager_names = np.array([m[0] for m in MANAGERS] + [MISSPELLED_MANAGER, ""], dtype=object)
    mgr = _owner_at(clients, client, day)
    fed = np.flatnonzero(mgr == FED)
    mgr[rng.choice(fed, size=2, replace=False)] = len(MANAGERS)
    blank = rng.choice(np.flatnonzero(mgr != len(MANAGERS)), size=int(0.005 * n), replace=False)
    mgr[blank] = len(MANAGERS) + 1

    frame = pd.DataFrame(
        {
            "Дата": cal.labels[day],
            "Документ": document,
            "Код клиента": clients["id"][client],
            "Контрагент": clients["name"][client],
            "Менеджер": manager_names[mgr],
            "Номенклатура": np.array([p[0] for p in PRODUCTS], dtype=object)[product],
            "Количество": quantity.astype(str),
            "Сумма": _money(kop),
            "Валовая прибыль": _money(margin),
        }
    )
    year = cal.year[day].copy()
    year[year == 2023] = 2024

    # extra rows: the broken ones (intake must reject them) and one line dated after as_of
    last_number = int(number[sale_docs].max())
    picks = rng.choice(np.flatnonzero(~is_return & (year == 2025)), size=len(BAD_ROWS) + 1, replace=False)
    extra = frame.iloc[picks].copy()
    extra["Документ"] = [f"ТС00-{last_number + 1 + i:06d}" for i in range(len(picks))]
    for row, (column, value) in enumerate(BAD_ROWS):
        extra.iloc[row, extra.columns.get_loc(column)] = value
    extra.iloc[-1, extra.columns.get_loc("Дата")] = FUTURE_DAY.strftime("%d.%m.%Y")
    extra_year = np.array([2025] * len(BAD_ROWS) + [2026])
    position = np.concatenate([np.arange(n), picks[:-1] + 0.5, [n + 1.0]])
    frame = pd.concat([frame, extra], ignore_index=True)
    year = np.concatenate([year, extra_year])
    frame = frame.iloc[np.argsort(position, kind="stable")]
    year = year[np.argsort(position, kind="stable")]
    for y in (2024, 2025, 2026):
        frame[year == y].to_csv(
            data / f"sales_{y}.csv", sep=";", index=False, encoding="utf-8-sig", lineterminator="\r\n"
        )


def _write_clients(clients: dict, path: Path) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    book.set_properties({"created": dt.datetime(2026, 11, 25, 9, 0), "author": "1С:Предприятие"})
    sheet = book.add_worksheet("Клиенты")
    bold = book.add_format({"bold": True})
    datefmt = book.add_format({"num_format": "dd.mm.yyyy"})
    money = book.add_format({"num_format": "#,##0"})
    sheet.write(0, 0, f"Справочник клиентов на {AS_OF:%d.%m.%Y}", bold)
    header = [
        "Код клиента",
        "Наименование",
        "Менеджер",
        "Потенциал (руб./год)",
        "Отрасль",
        "Регион",
        "Дата регистрации",
    ]
    sheet.write_row(2, 0, header, bold)
    owner = np.array([m[0] for m in MANAGERS], dtype=object)[clients["owners"][2]]
    registered = [d.to_pydatetime() for d in clients["registered"]]
    for i in range(N_CLIENTS):  # 800 rows: the register, not the sales
        r = 3 + i
        sheet.write_string(r, 0, clients["id"][i])
        sheet.write_string(r, 1, clients["name"][i])
        sheet.write_string(r, 2, owner[i])
        if not np.isnan(clients["potential"][i]):
            sheet.write_number(r, 3, float(clients["potential"][i]), money)
        sheet.write_string(r, 4, clients["industry"][i])
        sheet.write_string(r, 5, clients["region"][i])
        sheet.write_datetime(r, 6, registered[i], datefmt)
    sheet.set_column(0, 0, 12)
    sheet.set_column(1, 1, 40)
    sheet.set_column(2, 6, 18)
    book.close()


def _write_managers(path: Path) -> None:
    frame = pd.DataFrame(
        {
            "Менеджер": [m[0] for m in MANAGERS],
            "Оклад": [str(m[1]) for m in MANAGERS],
            "Процент": [f"{m[2]:g}" for m in MANAGERS],
            "Дата приема": [m[3] for m in MANAGERS],
            "Дата увольнения": [m[4] for m in MANAGERS],
            "Ставка": ["1" for _ in MANAGERS],
        }
    )
    frame.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")


def _write_targets(cal: _Calendar, clients: dict, sales: dict, path: Path) -> None:
    """The owner's 2025 targets: a flat department month (2024 × 1.08 / 12, not seasonal) and soft
    flat manager months (85 % of the manager's 2024 monthly average; Фёдорова 100 %), which do not
    add up to the department's."""
    in_2024 = cal.year[sales["day"]] == 2024
    net_2024 = sales["kop"][in_2024].sum() / 100
    owner = _owner_at(clients, sales["client"], sales["day"])
    by_manager = np.bincount(owner[in_2024], weights=sales["kop"][in_2024] / 100, minlength=6)
    periods = [f"2025-{m:02d}" for m in range(1, 13)]
    rows = [(p, "", round(net_2024 * 1.08 / 12, -5)) for p in periods]
    for m in [SOK, PET, KUZ, FED, MOR]:
        factor = 1.0 if m == FED else DEMO_FACTS["soft_target_factor"]
        plan = round(by_manager[m] / 12 * factor, -4)
        rows += [(p, MANAGERS[m][0], plan) for p in periods]
    frame = pd.DataFrame(rows, columns=["Период", "Менеджер", "План"])
    frame["План"] = frame["План"].astype(np.int64).astype(str)
    frame.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")


def _write_deals(deals: pd.DataFrame, path: Path) -> None:
    deals.to_csv(path, sep=";", index=False, encoding="utf-8-sig", lineterminator="\r\n")


def _write_activities(activities: pd.DataFrame, path: Path) -> None:
    activities.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")


QUESTIONNAIRE = {
    "plans.written_plan": (
        "no",
        "План есть только у собственника: годовая цифра, менеджерам и отделу письменно не доводится.",
    ),
    "plans.pay_structure": (
        "partly",
        "Оклад 40–60 тыс. ₽ + 2–4 % от отгрузок; процент не зависит от выполнения плана.",
    ),
    "plans.bonus_regulation": (
        "no",
        "Положения о премировании нет; условия бонуса устные, снижение премии не оформлено.",
    ),
    "clients.why_a_buy": (
        "no",
        "Почему ключевые клиенты покупают у нас, не выясняли; интервью провели в ходе аудита.",
    ),
    "clients.potential_known": (
        "partly",
        "Потенциал записан примерно у трети клиентов, оценки менеджеров без единой методики.",
    ),
    "cadence.weekly_meeting": (
        "no",
        "Планёрка раз в месяц: разбираем итоги прошедшего месяца по отчёту из 1С.",
    ),
    "cadence.weekly_plans": ("no", "Недельных планов нет, отчёт по продажам — раз в месяц."),
    "people.turnover": ("unknown", "Данные о текучести за прошлые годы не предоставлены."),
    "people.scripts": ("no", "Скриптов нет, звонки не записываются и не прослушиваются."),
    "people.hunter_farmer": ("unknown", "Вопрос о разделении на охотников и фермеров не обсуждался."),
}
INTERVIEWS = [
    (
        I_TOP[0],
        ["Ходовые позиции всегда на складе", "Доставка на объект на следующий день"],
        ["Наличие", "Сроки поставки", "Цена"],
    ),
    (
        I_TOP[1],
        ["Отсрочка платежа 30 дней", "Один менеджер ведёт все заказы много лет"],
        ["Условия оплаты", "Персональный менеджер"],
    ),
    (
        I_HTML,
        ["Комплектуем объект целиком: кабель, щиты, свет", "Помогаем с подбором аналогов"],
        ["Ассортимент", "Техническая консультация", "Цена"],
    ),
    (
        I_TOP[2],
        ["Быстро выставляем счёт и КП", "Честно предупреждаем о сроках"],
        ["Скорость ответа", "Надёжность сроков"],
    ),
]


def _write_questionnaire(path: Path) -> None:
    data: dict = {key: {"answer": a, "note": note} for key, (a, note) in QUESTIONNAIRE.items()}
    data["a_client_interviews"] = [
        {"client_id": _cid(i), "reasons": reasons, "criteria": criteria}
        for i, reasons, criteria in INTERVIEWS
    ]
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    path.write_text("# Interview answers: yes | no | partly | unknown\n" + text, encoding="utf-8")


# --------------------------------------------------------------------------------------------------
_SALES_COLUMNS = {
    "date": "Дата",
    "client_id": "Код клиента",
    "client_name": "Контрагент",
    "amount": "Сумма",
    "manager": "Менеджер",
    "document_id": "Документ",
    "product": "Номенклатура",
    "quantity": "Количество",
    "margin": "Валовая прибыль",
}
INPUTS = {
    "sales": {
        "files": ["data/sales_2024.csv", "data/sales_2025.csv", "data/sales_2026.csv"],
        "columns": _SALES_COLUMNS,
        "read": {"delimiter": ";", "encoding": "utf-8-sig", "date_format": "%d.%m.%Y", "decimal": ","},
    },
    "clients": {
        "files": ["data/clients.xlsx"],
        "columns": {
            "client_id": "Код клиента",
            "name": "Наименование",
            "manager": "Менеджер",
            "potential": "Потенциал (руб./год)",
            "industry": "Отрасль",
            "region": "Регион",
            "created": "Дата регистрации",
        },
        "read": {"sheet": "Клиенты", "header_row": 3},
    },
    "managers": {
        "files": ["data/managers.csv"],
        "columns": {
            "manager": "Менеджер",
            "salary": "Оклад",
            "commission_rate": "Процент",
            "hired": "Дата приема",
            "left": "Дата увольнения",
            "fte": "Ставка",
        },
        "read": {"delimiter": ",", "encoding": "utf-8", "date_format": "%d.%m.%Y", "decimal": "."},
    },
    "targets": {
        "files": ["data/targets.csv"],
        "columns": {"period": "Период", "manager": "Менеджер", "amount": "План"},
        "read": {"delimiter": ",", "encoding": "utf-8", "decimal": "."},
    },
    "pipeline": {
        "files": ["data/deals.csv"],
        "columns": {
            "deal_id": "ID сделки",
            "manager": "Ответственный",
            "amount": "Бюджет",
            "stage": "Этап",
            "client_id": "Код клиента",
            "created": "Дата создания",
            "closed": "Дата закрытия",
            "expected_close": "Ожидаемая дата закрытия",
            "probability": "Вероятность",
            "status": "Статус",
        },
        "read": {"delimiter": ";", "encoding": "utf-8-sig", "date_format": "%d.%m.%Y", "decimal": ","},
        "recode": {"status": STATUS_VALUES},
    },
    "activities": {
        "files": ["data/activities.csv"],
        "columns": {
            "date": "Дата",
            "manager": "Менеджер",
            "type": "Тип",
            "client_id": "Код клиента",
            "outcome": "Результат",
        },
        "read": {"delimiter": ",", "encoding": "utf-8", "date_format": "%d.%m.%Y"},
        "recode": {"type": ACTIVITY_TYPES},
    },
}


def _flow(value) -> str:
    """A YAML flow value; strings double-quoted (JSON string syntax is valid YAML)."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _inputs_block() -> str:
    lines = []
    for table, spec in INPUTS.items():
        lines.append(f"  {table}:")
        for key in ("files", "columns", "read", "recode"):
            if key in spec:
                lines.append(f"    {key}: {_flow(spec[key])}")
    return "\n".join(lines)


def _engagement_text(template: str, target: int) -> str:
    text = (
        template.replace("{client_name}", CLIENT_NAME)
        .replace("{language}", "ru")
        .replace("{as_of}", AS_OF.isoformat())
        .replace("{plan_year}", str(PLAN_YEAR))
        .replace("{inputs}", _inputs_block())
    )
    if "target: null" not in text:
        raise ConfigError("the engagement template has no 'target: null' line", key="plan.target")
    return text.replace("target: null", f"target: {target}", 1)
