"""The demo's client register: weights (planted ranks), names, owners, registration and last days; written
as ``clients.xlsx``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from statistics import NormalDist

import numpy as np
import pandas as pd

from .story import (
    _INITIALS,
    _ROOTS,
    _SUFFIXES,
    _SURNAMES,
    _TAILS,
    AS_OF,
    BEL,
    DORMANT_LAST,
    FED,
    HIRED_DAY,
    I_DORMANT,
    I_FUTURE_A,
    I_LOST,
    INDUSTRIES,
    KUZ,
    LOST_LAST,
    MANAGERS,
    MOR,
    N_CLIENTS,
    N_NEW_CLIENTS,
    N_PORTRAIT,
    PET,
    PLANTED_NAMES,
    PORTRAIT,
    PORTRAIT_SEED,
    PORTRAIT_SHARES,
    RANKS,
    REGIONS,
    SIGMA,
    SOK,
    START,
    STEADY,
    TOP_TAMED,
    _cid,
)
from .timeline import _Calendar


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
    clients = {
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
    _plant_portrait(clients)  # its own generator, after every draw above: the sales do not move
    return clients


def _plant_portrait(clients: dict) -> None:
    """The A clients' portrait: of the :data:`N_PORTRAIT` largest clients by weight, a share
    :data:`PORTRAIT_SHARES` has the :data:`PORTRAIT` value (the others keep a value of the base other
    than it); the "future A" clients :data:`I_FUTURE_A` get the portrait outright. In place; draws only
    from ``default_rng(PORTRAIT_SEED)``."""
    rng = np.random.default_rng(PORTRAIT_SEED)
    largest = np.argsort(-clients["weight"], kind="stable")[:N_PORTRAIT]
    for column, value in PORTRAIT.items():
        values = clients[column]
        hit = rng.random(largest.size) < PORTRAIT_SHARES[column]
        values[largest[hit]] = value
        # the rest of the largest: a value other than the portrait's, drawn as the base draws them
        rest = largest[~hit & (values[largest] == value)]
        others = values[(values != value) & ~np.isin(np.arange(values.size), largest)]
        values[rest] = rng.choice(others, size=rest.size)
        values[I_FUTURE_A] = value


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
