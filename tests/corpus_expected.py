"""What each corpus client's run must show, computed here from the raw files with plain pandas —
never with salesaudit code — so a figure in the run can be checked against an independent count.

:data:`EXPECTED` maps a client of :mod:`tests.corpus.make_corpus` to a function of its folder that
returns an :class:`Expect`.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd


@dataclass
class Source:
    """One raw file (or archive) of a table: the accounting line(s) whose file label contains any of
    ``labels`` must add up to ``read`` rows read and ``used`` rows used."""

    table: str
    labels: tuple[str, ...]
    read: int
    used: int


@dataclass
class Expect:
    sources: list[Source]
    revenue: float  # net revenue of the used sales lines
    clients: int  # distinct clients among the used sales lines
    excluded: dict[str, int] = field(default_factory=dict)  # exclude name -> rows it rejects
    open_without_amount: set[str] = field(default_factory=set)  # deal ids to find in the pipeline
    sales_by_manager: dict[str, float] | None = None  # lookups: revenue per manager name
    client_manager: dict[str, str] | None = None  # lookups: client_id -> manager in the clients table


def _num(values: pd.Series, *, decimal: str = ",", thousands: str = "") -> pd.Series:
    """Money text to float; what does not read becomes NaN."""
    text = (
        values.fillna("").astype(str).str.replace("\u00a0", "", regex=False).str.replace(" ", "", regex=False)
    )
    text = text.str.replace("$", "", regex=False)
    if thousands:
        text = text.str.replace(thousands, "", regex=False)
    if decimal == ",":
        text = text.str.replace(",", ".", regex=False)
    return pd.to_numeric(text.where(text != ""), errors="coerce")


def _csv(path: Path, **kw) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, **kw)


def amocrm(folder: Path) -> Expect:
    df = pd.read_excel(folder / "data/amocrm_export.xlsx", sheet_name="Сделки", dtype=str, engine="openpyxl")
    won = df[df["Этап сделки"] == "Успешно реализовано"]
    is_open = ~df["Этап сделки"].isin(["Успешно реализовано", "Закрыто и не реализовано"])
    name = ("amocrm_export.xlsx",)
    return Expect(
        sources=[Source("pipeline", name, len(df), len(df)), Source("sales", name, len(won), len(won))],
        revenue=float(won["Бюджет"].astype(float).sum()),
        clients=won["Компания"].nunique(),
        open_without_amount=set(df.loc[is_open & df["Бюджет"].isna(), "ID"]),
    )


def _deals_en(
    path: Path, *, stage: str, won: str, lost: str, amount: str, company: str, deal_id: str
) -> Expect:
    df = _csv(path)
    is_won = df[stage] == won
    is_open = ~df[stage].isin([won, lost])
    return Expect(
        sources=[
            Source("pipeline", (path.name,), len(df), len(df)),
            Source("sales", (path.name,), int(is_won.sum()), int(is_won.sum())),
        ],
        revenue=float(_num(df.loc[is_won, amount], decimal=".", thousands=",").sum()),
        clients=df.loc[is_won, company].nunique(),
        open_without_amount=set(df.loc[is_open & (df[amount] == ""), deal_id]),
    )


def salesforce(folder: Path) -> Expect:
    e = _deals_en(
        folder / "data/opportunities.csv",
        stage="Stage",
        won="Closed Won",
        lost="Closed Lost",
        amount="Amount",
        company="Account Name",
        deal_id="Opportunity ID",
    )
    e.sources.append(Source("managers", ("reps.csv",), 5, 5))
    return e


def hubspot(folder: Path) -> Expect:
    e = _deals_en(
        folder / "data/hubspot-crm-exports-all-deals.csv",
        stage="Deal Stage",
        won="closedwon",
        lost="closedlost",
        amount="Amount",
        company="Associated Company",
        deal_id="Record ID",
    )
    e.sources.append(Source("managers", ("owners.csv",), 4, 4))
    return e


def onec(folder: Path) -> Expect:
    path = folder / "data/1c_sales_2023-2025.xlsx"
    df = pd.read_excel(path, sheet_name="TDSheet", header=3, dtype=str, engine="openpyxl")
    lines = df[df["Период"] != "Итого"]
    assert len(df) - len(lines) == 1  # the totals row
    return Expect(
        sources=[
            Source("sales", (path.name,), len(df), len(lines)),
            Source("managers", ("managers.csv",), 5, 5),
        ],
        revenue=float(_num(lines["Сумма"]).sum()),
        clients=lines["Контрагент"].nunique(),
    )


def sales_only(folder: Path) -> Expect:
    path = folder / "data/Продажи_2024_2025.csv"
    df = _csv(path, sep=";", encoding="cp1251")
    amount = _num(df["Сумма с НДС"])
    ok = amount.notna()
    return Expect(
        sources=[Source("sales", (path.name,), len(df), int(ok.sum()))],
        revenue=float(amount[ok].sum()),
        clients=df.loc[ok, "Покупатель"].nunique(),
    )


def orders_join(folder: Path) -> Expect:
    lines = _csv(folder / "data/order_lines.csv")
    headers = _csv(folder / "data/orders.csv", sep="\t")
    joined = lines.merge(headers, left_on="Order Ref", right_on="Order No", how="inner")
    return Expect(
        sources=[Source("sales", ("order_lines.csv",), len(lines), len(joined))],
        revenue=float(_num(joined["Line Total"], decimal=".").sum()),
        clients=joined["Customer"].nunique(),
    )


def derived(folder: Path) -> Expect:
    df = _csv(folder / "data/stroki_zakazov.csv", sep=";")
    amount = _num(df["Кол-во"]) * _num(df["Цена"]) - _num(df["Скидка"]).fillna(0)
    return Expect(
        sources=[
            Source("sales", ("stroki_zakazov.csv",), len(df), len(df)),
            Source("managers", ("managers.xlsx",), 3, 3),
        ],
        revenue=float(amount.sum()),
        clients=df["Клиент"].nunique(),
    )


def exclude(folder: Path) -> Expect:
    df = _csv(folder / "data/orders_2023_2025.csv", encoding="utf-8-sig")
    cancelled = df["Статус"] == "Отменён"
    test = df["Клиент"] == "ТЕСТ"
    assert not (cancelled & test).any()
    used = df[~cancelled & ~test]
    return Expect(
        sources=[Source("sales", ("orders_2023_2025.csv",), len(df), len(used))],
        revenue=float(_num(used["Сумма"], decimal=".").sum()),
        clients=used["Клиент"].nunique(),
        excluded={"cancelled": int(cancelled.sum()), "test_orders": int(test.sum())},
    )


def lookups(folder: Path) -> Expect:
    sales = _csv(folder / "data/prodazhi.csv", sep=";")
    clients = _csv(folder / "data/clients.csv", sep=";")
    staff = pd.read_excel(folder / "data/staff.xlsx", sheet_name="Сотрудники", dtype=str, engine="openpyxl")
    regions = pd.read_excel(folder / "data/staff.xlsx", sheet_name="Регионы", dtype=str, engine="openpyxl")
    name = sales["Таб. номер"].map(staff.set_index("Табельный номер")["ФИО"])
    assert name.notna().all()
    amount = _num(sales["Сумма"])
    chief = clients["Регион"].map(regions.set_index("Регион")["Региональный менеджер"])
    return Expect(
        sources=[
            Source("sales", ("prodazhi.csv",), len(sales), len(sales)),
            Source("clients", ("clients.csv",), len(clients), len(clients)),
            Source("managers", ("staff.xlsx",), len(staff), len(staff)),
        ],
        revenue=float(amount.sum()),
        clients=sales["Контрагент"].nunique(),
        sales_by_manager=amount.groupby(name).sum().round(2).to_dict(),
        client_manager=dict(zip(clients["Код"], chief, strict=True)),
    )


def gz_zip(folder: Path) -> Expect:
    year24 = _csv(folder / "data/sales_2024.csv.gz", sep=";", compression="gzip")
    with zipfile.ZipFile(folder / "data/sales_2025.zip") as zf:
        members = sorted(n for n in zf.namelist() if n.endswith(".csv"))
        year25 = pd.concat([_csv(io.BytesIO(zf.read(n)), sep=";") for n in members])
    every = pd.concat([year24, year25])
    return Expect(
        sources=[
            Source("sales", ("sales_2024.csv.gz",), len(year24), len(year24)),
            Source("sales", ("sales_2025.zip", *members), len(year25), len(year25)),
        ],
        revenue=float(_num(every["Сумма, тг"]).sum()),
        clients=every["Клиент"].nunique(),
    )


def monthly(folder: Path) -> Expect:
    files = sorted((folder / "data/months").glob("*.xlsx"))
    parts = {
        p.name: pd.read_excel(p, sheet_name="Продажи", dtype={"ИНН покупателя": str}, engine="openpyxl")
        for p in files
    }
    every = pd.concat(parts.values())
    return Expect(
        sources=[Source("sales", (name,), len(part), len(part)) for name, part in parts.items()]
        + [Source("clients", ("clients.xlsx",), 95, 95)],
        revenue=float(every["Сумма"].sum()),
        clients=every["ИНН покупателя"].nunique(),
    )


def _key(name: str) -> str:
    """This test's own match key: spaces of any kind collapsed, quotes dropped, case folded."""
    return re.sub(r"\s+", " ", re.sub(r"[\"'«»“”„]", "", name.replace("\u00a0", " "))).strip().casefold()


def names(folder: Path) -> Expect:
    sales = _csv(folder / "data/sales.csv", sep=";")
    register = pd.read_excel(folder / "data/clients.xlsx", sheet_name="Клиенты", dtype=str, engine="openpyxl")
    keys = sales["Клиент"].map(_key)
    assert set(keys) == set(register["Клиент"].map(_key))  # every sales client is in the register
    assert (sales["Клиент"].nunique(), keys.nunique()) == (len(register), len(register))
    return Expect(
        sources=[
            Source("sales", ("sales.csv",), len(sales), len(sales)),
            Source("clients", ("clients.xlsx",), len(register), len(register)),
            Source("managers", ("managers.csv",), 3, 3),
        ],
        revenue=float(_num(sales["Сумма"]).sum()),
        clients=len(register),
    )


def year_edge(folder: Path) -> Expect:
    df = _csv(folder / "data/invoices_2024_2025.csv", sep=";")
    assert df["Invoice Date"].max() < "2026-01-01"
    return Expect(
        sources=[
            Source("sales", ("invoices_2024_2025.csv",), len(df), len(df)),
            Source("managers", ("reps.csv",), 4, 4),
        ],
        revenue=float(_num(df["Net Amount"], thousands=".").sum()),
        clients=df["Customer"].nunique(),
    )


EXPECTED = {
    "ru_amocrm_deals": amocrm,
    "en_salesforce_usd": salesforce,
    "ru_1c_report": onec,
    "ru_sales_only": sales_only,
    "en_orders_join": orders_join,
    "ru_derived_amount": derived,
    "ru_exclude_cancelled": exclude,
    "ru_lookups_staff": lookups,
    "ru_gz_zip_kzt": gz_zip,
    "ru_monthly_folder": monthly,
    "ru_names_spaces": names,
    "en_year_edge_eur": year_edge,
    "en_hubspot_default_pay": hubspot,
}
