"""The demo's ``engagement.yaml`` (the ``inputs`` block states every file's format and headers), the
managers list and the interview answers (``questionnaire.yaml``)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import yaml

from ..exceptions import ConfigError
from .story import ACTIVITY_TYPES, AS_OF, CLIENT_NAME, I_HTML, I_TOP, MANAGERS, PLAN_YEAR, STATUS_VALUES, _cid


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
