"""Column-mapping presets for the usual CRM / ERP exports, selectable in engagement.yaml.

A preset knows one export's headers (several spellings per canonical column: the first one present in
the file is used), its read settings, and — for deal exports — which stage names mean won or lost.
``inputs.<table>.columns`` and ``inputs.<table>.read`` override any of them column by column, setting
by setting; ``won_stages`` / ``lost_stages`` replace the preset's lists.

Deal exports (amoCRM, Bitrix24, Salesforce/HubSpot) feed two tables from one file: WON deals become
sales lines (date = close date), and every deal — open, won or lost — goes to the pipeline with
``status`` won / lost / open, so conversion statistics see the lost ones too. See
:func:`salesaudit.intake.canonical.read_engagement` for the row accounting of such a file.

Presets
-------
``amocrm``
    amoCRM "Сделки → Экспорт" (CSV or XLSX): ID, Название сделки, Бюджет, Ответственный, Этап сделки,
    Воронка, Компания, Дата создания, Дата закрытия (``dd.mm.yyyy hh:mm:ss``). Won = "Успешно
    реализовано", lost = "Закрыто и не реализовано" (amoCRM's two fixed final stages).
``bitrix24``
    Bitrix24 deal list exported to CSV/Excel: ID, Название сделки, Стадия сделки, Сумма, Валюта,
    Ответственный, Компания, Дата создания, Предполагаемая дата закрытия, Вероятность (0–100).
    Won = "Сделка успешна" (WON), lost = "Сделка провалена" / "Анализ причины провала" (LOSE, APOLOGY).
``1c``
    A 1C sales report ("Продажи", "Валовая прибыль") saved to Excel or CSV: title rows, then
    Период/Дата, Документ/Регистратор, Контрагент, Менеджер/Ответственный, Номенклатура, Количество,
    Сумма, Валовая прибыль, Себестоимость; decimal comma, no-break-space thousands, an "Итого" row.
``generic_en``
    English CRM opportunity/deal reports — Salesforce (Opportunity Owner, Account Name, Opportunity
    Name, Stage, Amount, Probability (%), Close Date, Created Date; ``M/D/YYYY``, ``$1,234.50``) and
    HubSpot (Record ID, Deal Name, Deal Stage, Amount, Close Date, Deal owner, Create Date).
    Won = "Closed Won" / "closedwon", lost = "Closed Lost" / "closedlost".
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..exceptions import ConfigError


@dataclass(frozen=True)
class Preset:
    """One export format: ``tables`` maps table -> canonical column -> header spellings."""

    name: str
    title: str
    tables: dict[str, dict[str, tuple[str, ...]]]
    files: dict[str, str]
    read: dict[str, object] = field(default_factory=dict)
    deals: bool = False
    won_stages: tuple[str, ...] = ()
    lost_stages: tuple[str, ...] = ()
    percent_headers: tuple[str, ...] = ()


_AMO_DEAL = {
    "deal_id": ("ID", "ID сделки", "Id"),
    "manager": ("Ответственный", "Ответственный пользователь"),
    "amount": ("Бюджет", "Бюджет сделки", "Сумма"),
    "stage": ("Этап сделки", "Этап", "Статус"),
    "client_id": ("Компания", "Название компании", "Компания контакта"),
}
_BITRIX_DEAL = {
    "deal_id": ("ID", "ID сделки"),
    "manager": ("Ответственный",),
    "amount": ("Сумма", "Сумма сделки", "Возможная сумма"),
    "stage": ("Стадия сделки", "Стадия"),
    "client_id": ("Компания", "Название компании", "Клиент"),
}
_SF_DEAL = {
    "deal_id": ("Opportunity ID", "Record ID", "Deal ID", "Opportunity Name", "Deal Name"),
    "manager": ("Opportunity Owner", "Deal owner", "Deal Owner", "Owner"),
    "amount": ("Amount", "Amount (converted)", "Total Amount"),
    "stage": ("Stage", "Deal Stage"),
    "client_id": ("Account Name", "Associated Company", "Company name", "Company"),
}

PRESETS: dict[str, Preset] = {
    "amocrm": Preset(
        name="amocrm",
        title="amoCRM deals export",
        deals=True,
        tables={
            "sales": {
                "date": ("Дата закрытия",),
                "client_id": _AMO_DEAL["client_id"],
                "amount": _AMO_DEAL["amount"],
                "manager": _AMO_DEAL["manager"],
                "document_id": _AMO_DEAL["deal_id"],
                "status": _AMO_DEAL["stage"],
            },
            "pipeline": {
                **_AMO_DEAL,
                "status": _AMO_DEAL["stage"],
                "created": ("Дата создания",),
                "closed": ("Дата закрытия",),
            },
        },
        files={"sales": "data/amocrm_deals.csv", "pipeline": "data/amocrm_deals.csv"},
        won_stages=("Успешно реализовано",),
        lost_stages=("Закрыто и не реализовано",),
    ),
    "bitrix24": Preset(
        name="bitrix24",
        title="Bitrix24 deals export",
        deals=True,
        tables={
            "sales": {
                "date": ("Дата закрытия", "Дата завершения", "Предполагаемая дата закрытия"),
                "client_id": _BITRIX_DEAL["client_id"],
                "amount": _BITRIX_DEAL["amount"],
                "manager": _BITRIX_DEAL["manager"],
                "document_id": _BITRIX_DEAL["deal_id"],
                "status": _BITRIX_DEAL["stage"],
            },
            "pipeline": {
                **_BITRIX_DEAL,
                "status": _BITRIX_DEAL["stage"],
                "created": ("Дата создания",),
                "expected_close": ("Предполагаемая дата закрытия", "Дата завершения"),
                "probability": ("Вероятность", "Вероятность, %"),
            },
        },
        files={"sales": "data/bitrix24_deals.csv", "pipeline": "data/bitrix24_deals.csv"},
        won_stages=("Сделка успешна", "Успешная сделка", "Успешно", "WON"),
        lost_stages=("Сделка провалена", "Провалена", "Анализ причины провала", "LOSE", "APOLOGY"),
        percent_headers=("Вероятность", "Вероятность, %"),
    ),
    "1c": Preset(
        name="1c",
        title="1C sales report",
        tables={
            "sales": {
                "date": ("Дата", "Период", "Дата документа", "День"),
                "client_id": ("Контрагент", "Покупатель", "Клиент", "Партнер"),
                "amount": ("Сумма", "Выручка", "Сумма продажи", "Сумма с НДС", "Стоимость"),
                "manager": (
                    "Менеджер",
                    "Ответственный",
                    "Основной менеджер покупателя",
                    "Менеджер покупателя",
                ),
                "document_id": ("Документ", "Регистратор", "Документ продажи", "Документ движения"),
                "product": ("Номенклатура", "Товар"),
                "quantity": ("Количество",),
                "margin": ("Валовая прибыль",),
                "cost": ("Себестоимость",),
            },
            "clients": {
                "client_id": ("Контрагент", "Наименование", "Код"),
                "name": ("Полное наименование", "Наименование"),
                "manager": ("Основной менеджер", "Ответственный", "Менеджер"),
                "region": ("Бизнес-регион", "Регион"),
                "industry": ("Вид деятельности", "Отрасль"),
            },
        },
        files={"sales": "data/1c_sales*.xlsx", "clients": "data/1c_clients.xlsx"},
        read={"decimal": ","},
    ),
    "generic_en": Preset(
        name="generic_en",
        title="Salesforce / HubSpot opportunities report",
        deals=True,
        tables={
            "sales": {
                "date": ("Close Date", "Closed Date"),
                "client_id": _SF_DEAL["client_id"],
                "amount": _SF_DEAL["amount"],
                "manager": _SF_DEAL["manager"],
                "document_id": _SF_DEAL["deal_id"],
                "status": _SF_DEAL["stage"],
            },
            "pipeline": {
                **_SF_DEAL,
                "status": _SF_DEAL["stage"],
                "created": ("Created Date", "Create Date"),
                "expected_close": ("Close Date",),
                "probability": ("Probability (%)", "Probability", "Deal probability"),
            },
        },
        files={"sales": "data/opportunities.csv", "pipeline": "data/opportunities.csv"},
        read={"decimal": "."},
        won_stages=("Closed Won", "closedwon", "Won"),
        lost_stages=("Closed Lost", "closedlost", "Lost"),
        percent_headers=("Probability (%)",),
    ),
}


def get_preset(name: str | None, *, key: str = "preset") -> Preset | None:
    """The preset called ``name`` (``None`` for no preset).

    Raises
    ------
    ConfigError
        For an unknown name, listing the known ones.
    """
    if name is None:
        return None
    if name not in PRESETS:
        raise ConfigError(
            f"unknown preset {name!r}",
            key=key,
            value=name,
            hint=f"known presets: {', '.join(sorted(PRESETS))}",
        )
    return PRESETS[name]


def preset_alternatives(name: str | None, table: str) -> dict[str, tuple[str, ...]]:
    """Every header spelling the preset accepts, per canonical column of ``table``.

    Examples
    --------
    >>> preset_alternatives("generic_en", "pipeline")["manager"][:2]
    ('Opportunity Owner', 'Deal owner')
    """
    preset = get_preset(name, key=f"inputs.{table}.preset")
    return dict(preset.tables.get(table, {})) if preset else {}


def preset_columns(name: str | None, table: str) -> dict[str, str]:
    """The preset's mapping for ``table`` — the usual header of each canonical column (empty when no
    preset is chosen).

    Examples
    --------
    >>> preset_columns("amocrm", "sales")["amount"], preset_columns(None, "sales")
    ('Бюджет', {})
    """
    return {c: headers[0] for c, headers in preset_alternatives(name, table).items()}


def preset_inputs(name: str) -> dict[str, dict]:
    """The ``inputs`` block ``salesaudit new --preset NAME`` writes into engagement.yaml: per table,
    the files, the preset, its column mapping (usual headers, edit to the client's), its read settings
    and, for deal exports, the stage names that mean won and lost.

    Examples
    --------
    >>> block = preset_inputs("amocrm")
    >>> sorted(block), block["sales"]["columns"]["date"], block["sales"]["won_stages"]
    (['pipeline', 'sales'], 'Дата закрытия', ['Успешно реализовано'])
    """
    preset = get_preset(name)
    out: dict[str, dict] = {}
    for table in ("sales", *[t for t in preset.tables if t != "sales"]):
        if table not in preset.tables:
            continue
        spec: dict[str, object] = {
            "files": [preset.files[table]],
            "preset": preset.name,
            "columns": preset_columns(name, table),
        }
        if preset.read:
            spec["read"] = dict(preset.read)
        if preset.deals:
            spec["won_stages"] = list(preset.won_stages)
            spec["lost_stages"] = list(preset.lost_stages)
        out[table] = spec
    return out
