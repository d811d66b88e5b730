"""The demo's CRM: a year of manager activities and amoCRM-like deals, written as CSV."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from .story import (
    ACTIVITY_RATES,
    ACTIVITY_TYPES,
    AS_OF,
    BEL,
    HIRED_DAY,
    LEFT_DAY,
    MANAGERS,
    MOR,
    OUTCOMES,
    PET,
    STAGES,
    STEADY,
    WIN_RATES,
)
from .timeline import _Calendar


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


def _write_deals(deals: pd.DataFrame, path: Path) -> None:
    deals.to_csv(path, sep=";", index=False, encoding="utf-8-sig", lineterminator="\r\n")


def _write_activities(activities: pd.DataFrame, path: Path) -> None:
    activities.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
