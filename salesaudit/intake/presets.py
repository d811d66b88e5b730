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
    Ответственный, Компания, Дата создания / Дата начала, Дата завершения (older portals:
    Предполагаемая дата закрытия), Вероятность (0–100). Bitrix24 keeps one date for the end of a deal:
    the day it closed for a closed deal, the planned day for an open one — so it is both ``closed``
    and ``expected_close`` of the pipeline (and the date of a won deal's sales line); the deal's
    outcome comes from its stage, never from that date. "Дата начала" (the deal's start) is the
    pipeline's ``created`` when the export has no "Дата создания".
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

File names
----------
``salesaudit new --preset NAME`` writes ``inputs.sales.files`` (and, for a deal export, the same files
for ``inputs.pipeline``) as globs matching what each system names its export, any letter case of the
key word (``[Ll][Ee][Aa][Dd][Ss]`` is glob for "leads" in any case):

* amoCRM: ``amocrm_export_leads_<date>.xlsx`` / ``.csv`` (Kommo: ``kommo_export_leads_…``), or a file
  named "Сделки…" — globs ``data/*leads*``, ``data/*сделк*``;
* Bitrix24: ``DEAL_<date>_<id>.xls`` / ``.csv`` (the "Сделки" list), or a file named "Сделки…" — globs
  ``data/*deal*``, ``data/*сделк*`` (a "web page" .xls: open it in Excel and save it as .xlsx);
* 1C: a report saved under its title ("Продажи.xlsx", "Валовая прибыль.xls", "Выручка и себестоимость
  продаж.xlsx"…) — every ``data/*.xlsx`` and ``data/*.xls`` (so other tables' files go to sub-folders);
* Salesforce ``report<digits>.csv`` / ``.xlsx``, HubSpot ``hubspot-crm-exports-all-deals-<date>.csv`` —
  every ``data/*.csv``, ``data/*.xlsx`` and ``data/*.xls``.

The globs of one preset never match the same name twice unless both key words are in it (a file
named "сделки leads.csv"); the globs that match nothing are harmless as long as one matches.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..exceptions import ConfigError


def _any_case(word: str) -> str:
    """A glob fragment matching ``word`` in any letter case.

    Examples
    --------
    >>> _any_case("deal")
    '[Dd][Ee][Aa][Ll]'
    """
    return "".join(f"[{c.upper()}{c.lower()}]" if c.isalpha() else c for c in word)


@dataclass(frozen=True)
class Preset:
    """One export format: ``tables`` maps table -> canonical column -> header spellings."""

    name: str
    title: str
    tables: dict[str, dict[str, tuple[str, ...]]]
    files: tuple[str, ...]
    files_note: str = ""
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
        files=(f"data/*{_any_case('leads')}*", f"data/*{_any_case('сделк')}*"),
        files_note="amoCRM names its export amocrm_export_leads_<date>.xlsx / .csv",
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
                "created": ("Дата создания", "Дата начала"),
                "closed": ("Дата закрытия", "Дата завершения", "Предполагаемая дата закрытия"),
                "expected_close": ("Предполагаемая дата закрытия", "Дата завершения"),
                "probability": ("Вероятность", "Вероятность, %"),
            },
        },
        files=(f"data/*{_any_case('deal')}*", f"data/*{_any_case('сделк')}*"),
        files_note="Bitrix24 names its deal list DEAL_<date>_<id>.xls / .csv",
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
        files=("data/*.xlsx", "data/*.xls"),
        files_note="a 1C report saved under its title: Продажи.xlsx, Валовая прибыль.xls…; "
        "every Excel file in data/ is read as sales lines",
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
        files=("data/*.csv", "data/*.xlsx", "data/*.xls"),
        files_note="Salesforce report<digits>.csv, HubSpot hubspot-crm-exports-all-deals-<date>.csv; "
        "every CSV / Excel file in data/ is read as the export",
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


def preset_tables(name: str) -> tuple[str, ...]:
    """The tables a fresh engagement reads from the preset's export: ``sales``, and ``pipeline`` from
    the same file for a deal export. The preset's other mappings (1C's counterparty list for
    ``clients``) need a file the consultant may not have; the scaffold shows them commented out.

    Examples
    --------
    >>> preset_tables("amocrm"), preset_tables("1c")
    (('sales', 'pipeline'), ('sales',))
    """
    preset = get_preset(name)
    return ("sales", "pipeline") if preset.deals else ("sales",)


def preset_inputs(name: str) -> dict[str, dict]:
    """The ``inputs`` block ``salesaudit new --preset NAME`` writes into engagement.yaml: per table of
    :func:`preset_tables`, the files (globs matching the system's usual export names, see "File
    names" above), the preset and, for deal exports, the stage names that mean won and lost.

    No ``columns``: the preset tries each of its header spellings, so an export that lacks one
    optional column (say, amoCRM's "Компания") still reads; ``columns`` is for this client's own
    headers. See :func:`preset_inputs_text` for the commented block.

    Examples
    --------
    >>> block = preset_inputs("amocrm")
    >>> sorted(block), block["sales"]["files"][0], block["sales"]["won_stages"]
    (['pipeline', 'sales'], 'data/*[Ll][Ee][Aa][Dd][Ss]*', ['Успешно реализовано'])
    >>> list(preset_inputs("1c"))
    ['sales']
    """
    preset = get_preset(name)
    out: dict[str, dict] = {}
    for table in preset_tables(name):
        spec: dict[str, object] = {"files": list(preset.files), "preset": preset.name, "columns": {}}
        if preset.deals:
            spec["won_stages"] = list(preset.won_stages)
            spec["lost_stages"] = list(preset.lost_stages)
        out[table] = spec
    return out


def _flow(value) -> str:
    import yaml

    return yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=10_000).strip()


_OPTIONAL_TABLES = {
    "ru": {
        "clients": "{files: [data/clients/клиенты.xlsx], columns: {client_id: Контрагент, potential: Потенциал}}",
        "managers": "{files: [data/managers/менеджеры.xlsx], "
        "columns: {manager: Менеджер, salary: Оклад, commission_rate: Процент}}",
        "targets": "{files: [data/targets/планы.xlsx], columns: {period: Период, amount: План, manager: Менеджер}}",
        "pipeline": "{files: [data/pipeline/сделки.xlsx], "
        "columns: {deal_id: ID, manager: Ответственный, amount: Бюджет, stage: Этап}}",
        "activities": "{files: [data/activities/звонки.xlsx], columns: {date: Дата, manager: Менеджер, type: Тип}}",
    },
    "en": {
        "clients": "{files: [data/clients/accounts.csv], columns: {client_id: Account Name, potential: Potential}}",
        "managers": "{files: [data/managers/reps.csv], "
        "columns: {manager: Name, salary: Base Salary, commission_rate: Commission}}",
        "targets": "{files: [data/targets/quotas.csv], columns: {period: Month, amount: Quota, manager: Owner}}",
        "pipeline": "{files: [data/pipeline/deals.csv], "
        "columns: {deal_id: Deal ID, manager: Owner, amount: Amount, stage: Stage}}",
        "activities": "{files: [data/activities/calls.csv], columns: {date: Date, manager: Owner, type: Type}}",
    },
}


def preset_inputs_text(name: str) -> str:
    """:func:`preset_inputs` as the commented, indented ``inputs:`` block of engagement.yaml: what
    each table reads, the headers the preset tries, and the tables the consultant may add (commented
    out, their files in sub-folders of ``data/`` so that the sales globs never pick them up).

    Examples
    --------
    >>> import yaml
    >>> yaml.safe_load("inputs:\\n" + preset_inputs_text("1c")) == {"inputs": preset_inputs("1c")}
    True
    """
    preset = get_preset(name)
    lang = "en" if name == "generic_en" else "ru"
    lines: list[str] = []
    for table, spec in preset_inputs(name).items():
        if table == "pipeline":
            what = "the same export: every deal, open, won and lost"
        else:
            what = "its won deals are the sales lines" if preset.deals else "one row per sales line"
        lines += [
            f"  {table}:{' ' * (28 - len(table))}# {preset.title}: {what}",
            f"    files: {_flow(spec['files'])}",
            f"    # {preset.files_note}",
            f"    preset: {name}{' ' * max(1, 19 - len(name))}# reads the export's usual headers (below)",
            "    columns: {}                # only for headers the preset does not know, "
            + ("e.g. manager: <заголовок в файле>" if lang == "ru" else "e.g. manager: <header in the file>"),
            "    # the preset tries each header in turn:",
            *(f"    #   {c}: {' | '.join(h)}" for c, h in preset.tables[table].items()),
        ]
        if preset.read:
            lines.append(f"    # and reads with {_flow(dict(preset.read))} (override under read:)")
        for key in ("won_stages", "lost_stages"):
            if key in spec:
                lines.append(f"    {key}: {_flow(spec[key])}")
    for table, example in _OPTIONAL_TABLES[lang].items():
        if table in preset.tables and table not in preset_tables(name):
            example = f"{{files: [data/{table}/*.xlsx], preset: {name}}}"
        if table not in preset_tables(name):
            lines.append(f"  # {table}:{' ' * max(1, 11 - len(table))}{example}")
    return "\n".join(lines)
