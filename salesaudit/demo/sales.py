"""The demo's sales: monthly totals, orders, lines with products and margins, returns and the clients'
potential; written as 1C-style yearly CSV exports, with the owner's targets."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from .clients import _owner_at
from .story import (
    BAD_ROWS,
    CATEGORY_MARGIN,
    DEMO_FACTS,
    FED,
    FUTURE_DAY,
    GIANT_POTENTIAL,
    GROWTH_2026,
    HIGH_POTENTIALS,
    I_GIANT,
    I_HIGH_POTENTIAL,
    I_HTML,
    I_NEGATIVE_MARGIN,
    I_TOP,
    KEY_ACCOUNTS,
    KUZ,
    LEVELS,
    MANAGERS,
    MISSPELLED_MANAGER,
    MOR,
    N_CLIENTS,
    N_DUPLICATE_DOCUMENTS,
    PET,
    PRODUCTS,
    SEASONALITY,
    SLUMP_FACTOR,
    SLUMP_MONTH,
    SOK,
    WEEKEND_WEIGHT,
)
from .timeline import _Calendar


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
    """Sales lines by index arrays (``day``, ``client``, ``product``, ``quantity``, ``kop``, ``margin``,
    ``document``, ``is_return``) and ``n_orders``. The random draws happen in a fixed order: monthly
    totals, orders, lines, amounts, products, margins, returns."""
    totals = _month_totals(rng, cal)
    order_day, order_client = _orders(rng, cal, clients, totals)
    # lines: 1 + Poisson(2.3) per order, size ∝ weight^0.4 × lognormal, scaled to the month's total
    per_order = 1 + rng.poisson(2.3, order_day.size)
    line_order = np.repeat(np.arange(order_day.size), per_order)
    day, client = order_day[line_order], order_client[line_order]
    amount = _line_amounts(rng, cal, clients, totals, day, client)
    product, quantity, kop = _products(rng, amount)
    margin = _margins(rng, kop, product, client)
    document = line_order  # order number; renumbered by date when written
    lines = {
        "day": day,
        "client": client,
        "product": product,
        "quantity": quantity,
        "kop": kop,
        "margin": margin,
        "document": document,
    }
    return _with_returns(rng, cal, clients, lines) | {"n_orders": order_day.size}


def _orders(rng: np.random.Generator, cal: _Calendar, clients: dict, totals: np.ndarray):
    """``(order_day, order_client)``: orders per day at the month's pace (days off weigh
    :data:`WEEKEND_WEIGHT`), each given to a client active on that day."""
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
    return order_day[keep], order_client[keep]


def _line_amounts(rng: np.random.Generator, cal: _Calendar, clients: dict, totals, day, client) -> np.ndarray:
    """Line amounts in roubles: ∝ the client's weight^0.4 × lognormal noise, scaled twice — each
    week-part (Monday-Sunday, cut at month ends) to its working-day share of the month × noise, so
    weeks are as steady as a real department's; then each month exactly to its total."""
    raw = clients["weight"][client] ** 0.4 * rng.lognormal(0.0, 0.45, day.size)
    part = cal.part[day]
    by_month = np.bincount(cal.mi[day], weights=raw, minlength=cal.n_months)
    part_target = totals[cal.part_month] * cal.part_share * (1 + rng.normal(0, 0.05, cal.n_parts))
    part_raw = np.bincount(part, weights=raw, minlength=cal.n_parts)
    enough = np.bincount(part, minlength=cal.n_parts) >= 30
    factor = np.where(enough, part_target / np.maximum(part_raw, 1e-9), (totals / by_month)[cal.part_month])
    amount = raw * factor[part]
    amount *= (totals / np.bincount(cal.mi[day], weights=amount, minlength=cal.n_months))[cal.mi[day]]
    return amount


def _products(rng: np.random.Generator, amount: np.ndarray):
    """``(product, quantity, kop)`` per line: a product drawn by popularity among those that cost at
    most the line's amount; the amount at least one unit's price, in kopecks."""
    prices = np.array([p[2] for p in PRODUCTS], dtype=float)
    by_price = np.argsort(prices, kind="stable")
    cum = np.cumsum(rng.dirichlet(np.full(len(PRODUCTS), 1.5))[by_price])
    affordable = np.maximum(np.searchsorted(prices[by_price], amount, side="right"), 1)
    pick = np.searchsorted(cum, rng.random(amount.size) * cum[affordable - 1], side="right")
    product = by_price[np.minimum(pick, affordable - 1)]
    price = prices[product]
    amount = np.maximum(amount, price)
    quantity = np.maximum(np.rint(amount / price), 1).astype(np.int64)
    kop = np.rint(amount * 100).astype(np.int64)
    return product, quantity, kop


def _margins(
    rng: np.random.Generator, kop: np.ndarray, product: np.ndarray, client: np.ndarray
) -> np.ndarray:
    """Margin in kopecks: the product category's rate ± noise; negative for the planted client."""
    cat_margin = np.array([CATEGORY_MARGIN[p[1]] for p in PRODUCTS])[product]
    rate = np.clip(cat_margin + rng.normal(0, 0.04, kop.size), 0.02, 0.45)
    bad = client == I_NEGATIVE_MARGIN
    rate[bad] = rng.normal(-0.06, 0.02, bad.sum())
    return np.rint(kop * rate).astype(np.int64)


def _with_returns(rng: np.random.Generator, cal: _Calendar, clients: dict, lines: dict) -> dict:
    """``lines`` plus returns: ~1.4 % of lines, same client, 3-30 days later, never after the client's
    last day; ``is_return`` marks them."""
    day, client, product = lines["day"], lines["client"], lines["product"]
    quantity, kop, margin = lines["quantity"], lines["kop"], lines["margin"]
    n_lines = day.size
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
        "document": np.concatenate([lines["document"], np.arange(ret.size)]),
        "is_return": np.concatenate([np.zeros(n_lines, bool), np.ones(ret.size, bool)]),
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
