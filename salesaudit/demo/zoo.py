"""The client zoo: engagement folders for very different clients, each drawn from a :class:`Profile`.

:func:`generate_profile` writes what ``salesaudit new`` writes (``engagement.yaml`` from the template,
``questionnaire.yaml``, ``brand.yml`` and the logo) and the client's exports in ``data/``, in the
profile's own export style (:data:`~salesaudit.demo.zoo_profiles.STYLES`: headers, file names, formats),
all declared in ``engagement.yaml``'s ``inputs``.

How the data are drawn (one ``numpy`` generator seeded by ``seed`` and the profile's name; same profile,
language and seed -> byte-identical files):

* Each client has a weight (lognormal), an owner and a span of life inside the history: ``new_clients``
  of them start at a uniform day of it, ``lost_clients`` end at one. Orders per month follow
  ``orders_per_month`` × ``growth`` ** (years from the start) × seasonality, and go to the clients alive
  that month with probability ∝ weight^0.6; a line's quantity grows with weight^0.4 and its amount is
  quantity × the product's price (money in minor units, integers).
* A retail profile (``buyers``) has card holders instead: a card's first purchase is at a uniform day,
  most cards buy once or twice.
* ``top_share``: the first client buys every week and its lines are scaled, month by month, to that
  share of the month's revenue. ``zero_share``: that share of the lines get amount 0 (free goods, warranty
  work). A small share of orders has a return (a negative line a few days later).
* A line's manager is the client's owner; before a new hire's start or after a leaver's last day the
  client is served by a colleague; 3 % of lines (half in a shop) go to another manager.
"""

from __future__ import annotations

import datetime as dt
import shutil
import zlib
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from ..engine.templates import template_path
from ..exceptions import ConfigError
from ..workdays import working_day_calendar
from .folder import refuse_filled
from .zoo_profiles import (
    FULL_ANSWERS,
    INTERVIEW_TEXT,
    NAMES,
    OTHER_HEADERS,
    PARTIAL_QUESTIONS,
    PROFILES,
    STYLES,
    VOCABULARY,
    Profile,
    Style,
)

__all__ = ["PROFILES", "Profile", "generate_profile"]

DEFAULT_SEED = 20261125
_FILES = {
    "ru": {
        "clients": "data/klienty.csv",
        "managers": "data/sotrudniki.csv",
        "targets": "data/plany.csv",
        "pipeline": "data/sdelki.csv",
        "activities": "data/dela.csv",
    },
    "en": {
        "clients": "data/accounts.csv",
        "managers": "data/reps.csv",
        "targets": "data/quotas.csv",
        "pipeline": "data/opportunities.csv",
        "activities": "data/activities.csv",
    },
}


def profile_names() -> list[str]:
    """The known profile names, sorted."""
    return sorted(PROFILES)


def check_profile(name: str) -> Profile:
    """The profile called ``name``; an unknown name is a :class:`ConfigError` listing the known ones.

    Examples
    --------
    >>> check_profile("b2c").buyers
    4000
    """
    if name not in PROFILES:
        raise ConfigError(
            "--profile: unknown demo profile",
            value=name,
            hint=f"known profiles: {', '.join(profile_names())}",
        )
    return PROFILES[name]


def generate_profile(folder, name: str, *, language: str | None = None, seed: int = DEFAULT_SEED) -> Path:
    """Write the engagement folder of profile ``name`` and return the path of its ``engagement.yaml``.

    ``language`` (ru | en) overrides the report language of the profile (the data stay the same; the
    questionnaire's question texts and notes follow the language).

    Raises
    ------
    ConfigError
        An unknown profile or language, or ``folder`` exists and is not an empty directory.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = generate_profile(Path(tmp) / "zoo", "one_manager", language="en")
    ...     print(path.name, yaml.safe_load(path.read_text(encoding="utf-8"))["language"])
    engagement.yaml en
    """
    profile = check_profile(name)
    lang = language or profile.language
    if lang not in ("ru", "en"):
        raise ConfigError("the report language must be ru or en", key="language", value=lang)
    folder = Path(folder)
    refuse_filled(folder)
    rng = np.random.default_rng([seed, zlib.crc32(name.encode("utf-8"))])
    world = _World(profile, rng)
    (folder / "data").mkdir(parents=True, exist_ok=True)
    inputs = _write_data(world, folder)
    _write_questionnaire(world, lang, folder / "questionnaire.yaml")
    for src in ("brand.yml", "logo.svg"):
        shutil.copyfile(template_path(src), folder / src)
    from ..engine.config import engagement_yaml_text

    text = engagement_yaml_text(
        client_name=profile.client_name,
        language=lang,
        as_of=profile.as_of,
        plan_year=profile.plan_year,
        inputs=inputs,
        plan_target=profile.plan_target,
        currency=profile.currency,
        country=profile.country,
    )
    path = folder / "engagement.yaml"
    path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------------------------------
class _World:
    """Everything drawn for one profile: calendar, managers, clients, sales lines, CRM."""

    def __init__(self, profile: Profile, rng: np.random.Generator) -> None:
        self.p, self.rng = profile, rng
        self.style: Style = STYLES[profile.style]
        self.data_lang = self.style.language
        self._calendar()
        self.managers = _managers(self)
        self.clients = _clients(self)
        orders = _orders_retail(self) if profile.buyers else _orders(self)
        self.lines = _lines(self, orders)

    def _calendar(self) -> None:
        p = self.p
        self.start = (pd.Timestamp(p.as_of) - pd.DateOffset(months=p.months)).date()
        self.last = p.as_of - dt.timedelta(days=1)
        cal = working_day_calendar(self.start, self.last, country=p.country)
        self.dates = pd.DatetimeIndex(cal["date"])
        self.working = cal["is_working"].to_numpy()
        self.n_days = len(self.dates)
        key = self.dates.year.to_numpy() * 12 + self.dates.month.to_numpy() - 1
        self.month = key - key[0]
        self.n_months = int(self.month[-1]) + 1
        off = 1.2 if p.buyers else 0.03  # shops sell at weekends, wholesalers hardly
        self.day_weight = np.where(self.working, 1.0, off)

    def date(self, day) -> pd.DatetimeIndex:
        return pd.DatetimeIndex(pd.Timestamp(self.start) + pd.to_timedelta(np.asarray(day), unit="D"))

    def text_dates(self, day) -> np.ndarray:
        return self.date(day).strftime(self.style.date_format).to_numpy()


def _person_names(rng: np.random.Generator, lang: str, n: int) -> list[str]:
    """``n`` distinct people: "Фамилия Имя" (the surname in the feminine form for a woman) or "First Last"."""
    names = NAMES[lang]
    out: list[str] = []
    while len(out) < n:
        surname = names["surnames"][rng.integers(len(names["surnames"]))]
        female = rng.random() < 0.5
        first = names["female" if female else "male"][rng.integers(10)]
        if lang == "ru" and female:
            surname = surname + "а"
        name = f"{surname} {first}" if lang == "ru" else f"{first} {surname}"
        if name not in out:
            out.append(name)
    return out


def _company_names(rng: np.random.Generator, lang: str, n: int) -> list[str]:
    names = NAMES[lang]
    out: list[str] = []
    seen: set[str] = set()
    while len(out) < n:
        root = names["roots"][rng.integers(len(names["roots"]))] + names["tails"][rng.integers(8)]
        if len(seen) > len(names["roots"]) * 5:
            root += f" {len(out) % 90 + 2}"
        form = names["forms"][rng.integers(len(names["forms"]))]
        if form == "ИП":
            surname = names["surnames"][rng.integers(len(names["surnames"]))]
            name = f"ИП {surname} {names['male'][rng.integers(10)][0]}. {names['male'][rng.integers(10)][0]}."
        else:
            name = f"{form} «{root}»" if form else root
        if name.casefold() not in seen:
            seen.add(name.casefold())
            out.append(name)
    return out


def _managers(w: _World) -> dict:
    """Names, pay and dates; the last ``hires`` joined inside the history, the ``leavers`` before them
    left inside it; each of those hands its clients to a stable colleague when absent."""
    p, rng = w.p, w.rng
    n = p.n_managers
    names = _person_names(rng, w.data_lang, n)
    n_stable = max(n - p.leavers - p.hires, 1)
    hired = -rng.integers(200, 2500, n)
    left = np.full(n, w.n_days + 10_000)
    for k in range(n_stable, n_stable + p.leavers):
        left[k] = int(w.n_days * rng.uniform(0.3, 0.75))
    for k in range(n_stable + p.leavers, n):
        hired[k] = int(w.n_days * rng.uniform(0.45, 0.8))
    salary = np.round(p.salary * rng.uniform(0.8, 1.25, n), -3 if p.salary >= 10_000 else -2)
    rate = np.round(rng.uniform(0.01, 0.04, n), 3)
    fte = np.where(rng.random(n) < 0.1, 0.5, 1.0)
    fte[:n_stable] = 1.0
    handover = np.array([k if k < n_stable else k % n_stable for k in range(n)])
    return {"name": names, "hired": hired, "left": left, "salary": salary, "rate": rate, "fte": fte,
            "handover": handover, "n_stable": n_stable}  # fmt: skip


def _clients(w: _World) -> dict:
    """Ids, names, weights, owner and the days between which each client buys."""
    p, rng = w.p, w.rng
    n = p.n_clients
    weight = np.sort(rng.lognormal(0.0, 1.3, n))[::-1]
    if p.top_share:
        weight[0] = weight[1] * 1.5
    order = rng.permutation(n)  # registration order: ids are not sorted by size
    ids = np.array([w.style.client_id.format(n=1000 + 37 * int(k)) for k in order], dtype=object)
    names = list(ids) if p.buyers else _company_names(rng, w.data_lang, n)  # receipts name no buyer
    start = np.where(rng.random(n) < p.new_clients, rng.integers(0, w.n_days, n), 0)
    gone = rng.random(n) < p.lost_clients
    end = np.where(
        gone, np.minimum(start + rng.integers(60, max(w.n_days, 61), n), w.n_days - 1), w.n_days - 1
    )
    if p.top_share:
        start[0], end[0] = 0, w.n_days - 1
    capacity = rng.gamma(4.0, 1.0, p.n_managers)
    owner = rng.choice(p.n_managers, size=n, p=capacity / capacity.sum())
    return {"id": ids, "name": np.array(names, dtype=object), "weight": weight, "start": start, "end": end,
            "owner": owner}  # fmt: skip


def _month_days(w: _World) -> list[np.ndarray]:
    return [np.flatnonzero(w.month == m) for m in range(w.n_months)]


def _orders(w: _World) -> pd.DataFrame:
    """Orders (day, client) of a wholesale client: the month's count from trend and season, each to a
    client alive that month, ∝ weight^0.6; the top client (``top_share``) orders every week besides."""
    p, rng, c = w.p, w.rng, w.clients
    first = w.dates[0]
    level = np.array(
        [
            p.growth ** (m / 12) * p.seasonality[(first.month - 1 + m) % 12] * len(d) / 30.4
            for m, d in enumerate(_month_days(w))
        ]
    )
    expected = (
        p.orders_per_month * level / np.mean(level * 30.4 / np.maximum([len(d) for d in _month_days(w)], 1))
    )
    days, clients = [], []
    for m, month_days in enumerate(_month_days(w)):
        lo, hi = month_days[0], month_days[-1]
        alive = np.flatnonzero((c["start"] <= hi) & (c["end"] >= lo))
        if p.top_share:
            alive = alive[alive != 0]
        k = rng.poisson(expected[m])
        if k == 0 or alive.size == 0:
            continue
        prob = c["weight"][alive] ** 0.6
        who = alive[rng.choice(alive.size, size=k, p=prob / prob.sum())]
        dw = w.day_weight[month_days]
        day = rng.choice(month_days, size=k, p=dw / dw.sum())
        days.append(np.clip(day, c["start"][who], c["end"][who]))
        clients.append(who)
    if p.top_share:  # the big client: one order a week, on a working day
        weekly = np.flatnonzero(w.working & (w.dates.day_of_week.to_numpy() == 1))
        days.append(weekly)
        clients.append(np.zeros(weekly.size, dtype=int))
    day, client = np.concatenate(days), np.concatenate(clients)
    sort = np.lexsort((client, day))
    return pd.DataFrame({"day": day[sort], "client": client[sort]})


def _orders_retail(w: _World) -> pd.DataFrame:
    """Receipts of card holders: a card's first purchase at a uniform day, then 0, 1 or a few more."""
    rng, c = w.rng, w.clients
    n = w.p.buyers
    extra = rng.choice([0, 1, 2], size=n, p=[0.66, 0.24, 0.10])
    extra = np.where(extra == 2, 2 + np.minimum(rng.geometric(0.45, n), 9), extra)
    dw = w.day_weight / w.day_weight.sum()
    first = rng.choice(w.n_days, size=n, p=dw)
    c["start"] = first
    days, clients = [first], [np.arange(n)]
    for k in range(1, int(extra.max()) + 1):
        who = np.flatnonzero(extra >= k)
        gap = rng.integers(7, 120, who.size) * k
        day = first[who] + gap
        keep = day < w.n_days
        days.append(day[keep])
        clients.append(who[keep])
    day, client = np.concatenate(days), np.concatenate(clients)
    sort = np.lexsort((client, day))
    return pd.DataFrame({"day": day[sort], "client": client[sort]})


def _lines(w: _World, orders: pd.DataFrame) -> pd.DataFrame:
    """Order lines: product, quantity, amount and margin (minor units), manager; returns, the top
    client's share and the zero lines applied."""
    p, rng, c = w.p, w.rng, w.clients
    n_prod = len(p.products)
    price = np.round(p.line_median * 100 / 4 * rng.lognormal(0, 0.5, n_prod)).astype(np.int64)
    margin_rate = rng.uniform(0.12, 0.35, n_prod)
    popularity = 1 / np.arange(1, n_prod + 1) ** 0.7
    extra_lines = 0.05 if p.buyers else p.lines_per_order - 1
    per_order = np.minimum(1 + rng.poisson(extra_lines, len(orders)), n_prod)
    order = np.repeat(np.arange(len(orders)), per_order)
    client = orders["client"].to_numpy()[order]
    day = orders["day"].to_numpy()[order]
    first = rng.choice(n_prod, size=len(orders), p=popularity / popularity.sum())
    step = np.arange(order.size) - np.repeat(np.cumsum(per_order) - per_order, per_order)
    product = (first[order] + step * 3) % n_prod  # distinct products within an order
    size = (c["weight"][client] / np.median(c["weight"])) ** 0.4
    qty = np.maximum(np.rint(4 * size * rng.lognormal(0, 0.6, order.size)), 1).astype(np.int64)
    amount = qty * price[product]
    if p.top_share:
        amount = _scale_top(w, amount, client, day)
    margin = np.rint(amount * margin_rate[product]).astype(np.int64)
    if p.zero_share:
        zero = rng.random(order.size) < p.zero_share
        amount[zero], margin[zero] = 0, 0
    lines = pd.DataFrame(
        {
            "order": order,
            "day": day,
            "client": client,
            "product": product,
            "qty": qty,
            "amount": amount,
            "margin": margin,
        }  # fmt: skip
    )
    lines = pd.concat([lines, _returns(w, lines)], ignore_index=True)
    lines = lines.sort_values(["day", "order", "amount"], ascending=[True, True, False], kind="stable")
    lines = lines.reset_index(drop=True)
    lines["manager"] = _line_managers(w, lines)
    return lines


def _scale_top(w: _World, amount: np.ndarray, client: np.ndarray, day: np.ndarray) -> np.ndarray:
    """The top client's lines scaled, month by month, to ``top_share`` of the month's revenue."""
    share = w.p.top_share
    month = w.month[day]
    top = client == 0
    others = np.bincount(month[~top], weights=amount[~top], minlength=w.n_months)
    mine = np.bincount(month[top], weights=amount[top], minlength=w.n_months)
    factor = np.divide(others * share / (1 - share), mine, out=np.zeros(w.n_months), where=mine > 0)
    out = amount.copy()
    out[top] = np.rint(amount[top] * factor[month[top]]).astype(np.int64)
    return out


def _returns(w: _World, lines: pd.DataFrame) -> pd.DataFrame:
    """A part of one line of some orders comes back a few days later (never after the client's end)."""
    rng = w.rng
    paid = lines[lines["amount"] > 0].drop_duplicates("order")
    picked = paid[rng.random(len(paid)) < w.p.returns].copy()
    if picked.empty:
        return picked
    end = w.clients["end"][picked["client"].to_numpy()]
    picked["day"] = np.minimum(picked["day"].to_numpy() + rng.integers(3, 30, len(picked)), end)
    part = rng.uniform(0.2, 1.0, len(picked))
    picked["qty"] = -np.maximum(np.rint(picked["qty"].to_numpy() * part), 1).astype(np.int64)
    picked["amount"] = -np.rint(picked["amount"].to_numpy() * part).astype(np.int64)
    picked["margin"] = -np.rint(picked["margin"].to_numpy() * part).astype(np.int64)
    picked["order"] = picked["order"] + 10**6  # a return document of its own
    return picked


def _line_managers(w: _World, lines: pd.DataFrame) -> np.ndarray:
    m, rng = w.managers, w.rng
    day = lines["day"].to_numpy()
    owner = w.clients["owner"][lines["client"].to_numpy()]
    away = (day < m["hired"][owner]) | (day > m["left"][owner])
    manager = np.where(away, m["handover"][owner], owner)
    share = 0.5 if w.p.buyers else 0.03
    other = rng.integers(0, m["n_stable"], len(lines))
    swap = rng.random(len(lines)) < share
    manager = np.where(swap, other, manager)
    return np.array(m["name"], dtype=object)[manager]


# --------------------------------------------------------------------------------------------------
def _money(minor: np.ndarray, decimal: str) -> np.ndarray:
    minor = np.asarray(minor, dtype=np.int64)
    sign = np.where(minor < 0, "-", "")
    whole, frac = np.divmod(np.abs(minor), 100)
    return np.array(
        [f"{s}{a}{decimal}{b:02d}" for s, a, b in zip(sign, whole, frac, strict=True)], dtype=object
    )


def _number(value: float, decimal: str) -> str:
    return f"{value:g}".replace(".", decimal)


def _write(w: _World, frame: pd.DataFrame, path: Path) -> None:
    s = w.style
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, sep=s.delimiter, index=False, encoding=s.encoding, lineterminator="\n")


def _read_options(s: Style, *, dates: bool = True, numbers: bool = True) -> dict:
    read: dict = {"delimiter": s.delimiter, "encoding": s.encoding}
    if dates:
        read["date_format"] = s.date_format
    if numbers:
        read["decimal"] = s.decimal
    return read


def _write_data(w: _World, folder: Path) -> dict:
    """Every input file; returns the ``inputs`` block of engagement.yaml."""
    inputs = {"sales": _write_sales(w, folder)}
    writers = {
        "clients": _write_clients,
        "managers": _write_managers,
        "targets": _write_targets,
        "pipeline": _write_pipeline,
        "activities": _write_activities,
    }
    headers = OTHER_HEADERS[w.data_lang]
    for table, writer in writers.items():
        if table in w.p.tables:
            rel = _FILES[w.data_lang][table]
            frame, spec = writer(w)
            columns = {col: headers[table][col] for col in frame.columns}
            _write(w, frame.rename(columns=columns), folder / rel)
            inputs[table] = {"files": [rel], "columns": columns, **spec}
    return inputs


def _write_sales(w: _World, folder: Path) -> dict:
    s, lines, p = w.style, w.lines, w.p
    doc_number = 1000 + np.unique(lines["order"].to_numpy(), return_inverse=True)[1] * 3
    documents = np.array([s.document.format(n=int(k)) for k in doc_number], dtype=object)
    back = lines["order"].to_numpy() >= 10**6
    documents[back] = np.array(
        [d + ("/В" if w.data_lang == "ru" else "-CR") for d in documents[back]], dtype=object
    )
    values = {
        "date": w.text_dates(lines["day"].to_numpy()),
        "client_id": w.clients["id"][lines["client"].to_numpy()],
        "client_name": w.clients["name"][lines["client"].to_numpy()],
        "amount": _money(lines["amount"].to_numpy(), s.decimal),
        "manager": lines["manager"].to_numpy(),
        "document_id": documents,
        "product": np.array(p.products, dtype=object)[lines["product"].to_numpy()],
        "quantity": lines["qty"].astype(str).to_numpy(),
        "margin": _money(lines["margin"].to_numpy(), s.decimal),
    }
    if "channel" in s.sales:
        shops = _shops(w.data_lang)
        values["channel"] = np.array(shops, dtype=object)[lines["client"].to_numpy() % len(shops)]
    frame = pd.DataFrame({header: values[col] for col, header in s.sales.items()})
    years = w.date(lines["day"].to_numpy()).year.to_numpy()
    files = []
    if "{year}" in s.sales_file:
        for year in np.unique(years):
            rel = s.sales_file.format(year=int(year))
            _write(w, frame[years == year], folder / rel)
            files.append(rel)
    else:
        _write(w, frame, folder / s.sales_file)
        files.append(s.sales_file)
    return {"files": files, "columns": dict(s.sales), "read": _read_options(s)}


def _shops(lang: str) -> list[str]:
    if lang == "ru":
        return ["ТЦ «Радуга»", "ул. Ленина, 12", "Интернет-магазин"]
    return ["Mall", "Main St", "Online"]


def _write_clients(w: _World) -> tuple[pd.DataFrame, dict]:
    p, rng, c = w.p, w.rng, w.clients
    n = p.n_clients
    vocab = VOCABULARY[w.data_lang]
    revenue = np.bincount(w.lines["client"], weights=w.lines["amount"] / 100, minlength=n)
    yearly = revenue * 12 / max(w.n_months, 1)
    known = rng.random(n) < 0.55
    potential = np.maximum(yearly * rng.uniform(1.3, 4.0, n), p.line_median * 10)
    potential_text = np.where(known, np.round(potential, -3).astype(np.int64).astype(str), "")
    created = np.where(c["start"] > 0, c["start"] - rng.integers(0, 20, n), -rng.integers(30, 2500, n))
    m = w.managers
    owner = np.where(m["left"][c["owner"]] < w.n_days, m["handover"][c["owner"]], c["owner"])
    frame = pd.DataFrame(
        {
            "client_id": c["id"],
            "name": c["name"],
            "manager": np.array(m["name"], dtype=object)[owner],
            "potential": potential_text,
            "industry": np.array(vocab["industries"], dtype=object)[rng.integers(0, 6, n)],
            "region": np.array(vocab["regions"], dtype=object)[rng.integers(0, 7, n)],
            "created": w.text_dates(created),
        }
    )
    return frame, {"read": _read_options(w.style)}


def _write_managers(w: _World) -> tuple[pd.DataFrame, dict]:
    m, s = w.managers, w.style
    left = np.where(m["left"] < w.n_days, w.text_dates(np.minimum(m["left"], w.n_days)), "")
    frame = pd.DataFrame(
        {
            "manager": m["name"],
            "salary": m["salary"].astype(np.int64).astype(str),
            "commission_rate": [_number(r, s.decimal) for r in m["rate"]],
            "hired": w.text_dates(m["hired"]),
            "left": left,
            "fte": [_number(f, s.decimal) for f in m["fte"]],
        }
    )
    return frame, {"read": _read_options(s)}


def _write_targets(w: _World) -> tuple[pd.DataFrame, dict]:
    """The owner's monthly targets for the months of the window the history covers: a flat department
    month (the history's average month × 1.1) and each manager's own average × 1.05."""
    lines, m = w.lines, w.managers
    month = w.month[lines["day"].to_numpy()]
    total = lines["amount"].sum() / 100
    dept = round(total / w.n_months * 1.1, -4)
    rows = []
    for k in range(max(w.n_months - 13, 0), w.n_months - 1):  # full months before as_of's month
        first = int(np.flatnonzero(w.month == k)[0])
        period = w.date([first]).strftime("%Y-%m")[0]
        rows.append((period, "", dept))
        for i, name in enumerate(m["name"]):
            if not (m["hired"][i] <= first + 10 and m["left"][i] >= first + 20):
                continue
            mine = (lines["manager"] == name).to_numpy()
            active_months = np.unique(month[mine]).size
            avg = lines["amount"][mine].sum() / 100 / max(active_months, 1)
            rows.append((period, name, round(avg * 1.05, -4)))
    frame = pd.DataFrame(rows, columns=["period", "manager", "amount"])
    frame["amount"] = frame["amount"].astype(np.int64).astype(str)
    return frame, {"read": {"delimiter": w.style.delimiter, "encoding": w.style.encoding, "decimal": "."}}


def _alive_managers(w: _World, day: np.ndarray) -> list[np.ndarray]:
    m = w.managers
    return [np.flatnonzero((m["hired"] <= d) & (m["left"] >= d)) for d in day]


def _write_pipeline(w: _World) -> tuple[pd.DataFrame, dict]:
    """A year of deals (win rate ~30 %), the ones closing after as_of still open, some of them stale."""
    p, rng, c, m = w.p, w.rng, w.clients, w.managers
    vocab = VOCABULARY[w.data_lang]
    span = min(365, w.n_days)
    n = min(1200, 28 * p.n_managers * span // 365)
    created = np.sort(rng.integers(w.n_days - span, w.n_days, n))
    client = rng.choice(p.n_clients, size=n)
    owner = c["owner"][client]
    away = (created < m["hired"][owner]) | (created > m["left"][owner])
    manager = np.where(away, m["handover"][owner], owner)
    cycle = np.rint(rng.lognormal(np.log(30), 0.6, n)).astype(int) + 1
    closed = created + cycle
    is_open = closed >= w.n_days
    won = rng.random(n) < 0.3
    planned = created + np.where(
        rng.random(n) < 0.75, cycle + rng.integers(-5, 20, n), rng.integers(5, 30, n)
    )
    n_st = len(vocab["stages"])
    stage_idx = rng.choice(n_st, size=n, p=[0.3, 0.25, 0.2, 0.15, 0.1])
    stage_names = np.array([s for s, _ in vocab["stages"]], dtype=object)
    status_key = np.where(is_open, "open", np.where(won, "won", "lost"))
    status = np.array([vocab["status"][k] for k in status_key], dtype=object)
    stage = np.where(is_open, stage_names[stage_idx], status)
    prob = np.where(is_open, np.array([pr for _, pr in vocab["stages"]])[stage_idx], np.where(won, 1.0, 0.0))
    amount = np.round(rng.lognormal(np.log(p.line_median * p.lines_per_order * 3), 0.8, n), -2)
    dates_closed = np.where(is_open, "", w.text_dates(np.minimum(closed, w.n_days - 1)))
    frame = pd.DataFrame(
        {
            "deal_id": [f"{7000 + 3 * k}" for k in range(n)],
            "manager": np.array(m["name"], dtype=object)[manager],
            "amount": amount.astype(np.int64).astype(str),
            "stage": stage,
            "client_id": np.where(rng.random(n) < 0.2, "", c["id"][client]),
            "created": w.text_dates(created),
            "closed": dates_closed,
            "expected_close": w.text_dates(planned),
            "probability": [_number(v, w.style.decimal) for v in prob],
            "status": status,
        }
    )
    recode = {"status": {v: k for k, v in vocab["status"].items()}}
    return frame, {"read": _read_options(w.style), "recode": recode}


def _write_activities(w: _World) -> tuple[pd.DataFrame, dict]:
    """Sixteen weeks of calls, meetings and proposals of the managers at work, mostly with their clients."""
    p, rng, c, m = w.p, w.rng, w.clients, w.managers
    vocab = VOCABULARY[w.data_lang]
    days = np.arange(max(w.n_days - 112, 0), w.n_days)
    days = days[w.working[days]]
    rate = min(6.0, 2400 / max(p.n_managers * len(days), 1))
    out_day, out_mgr = [], []
    for d, alive in zip(days, _alive_managers(w, days), strict=True):
        k = rng.poisson(rate * rng.uniform(0.5, 1.5, alive.size))
        out_day.append(np.full(k.sum(), d))
        out_mgr.append(np.repeat(alive, k))
    day, manager = np.concatenate(out_day).astype(int), np.concatenate(out_mgr).astype(int)
    kinds = np.array(list(vocab["activity"]), dtype=object)
    kind = rng.choice(3, size=day.size, p=[0.78, 0.12, 0.10])
    client = np.full(day.size, "", dtype=object)
    for k in range(p.n_managers):
        sel = np.flatnonzero(manager == k)
        mine = np.flatnonzero(c["owner"] == k)
        pool = mine if mine.size else np.arange(p.n_clients)
        client[sel] = c["id"][pool[rng.integers(0, pool.size, sel.size)]]
    client[rng.random(day.size) < 0.1] = ""
    outcome = np.array(vocab["outcomes"], dtype=object)[rng.integers(0, 4, day.size)]
    frame = pd.DataFrame(
        {
            "date": w.text_dates(day),
            "manager": np.array(m["name"], dtype=object)[manager],
            "type": np.array([vocab["activity"][t] for t in kinds[kind]], dtype=object),
            "client_id": client,
            "outcome": outcome,
        }
    )
    recode = {"type": {v: k for k, v in vocab["activity"].items()}}
    return frame, {"read": _read_options(w.style, numbers=False), "recode": recode}


# --------------------------------------------------------------------------------------------------
def _write_questionnaire(w: _World, lang: str, path: Path) -> None:
    """The interview answers in ``lang``: every question unknown (``empty``), four answered
    (``partial``) or all of them with notes and three A-client interviews (``full``)."""
    from ..audit.questionnaire import QUESTIONS, questionnaire_text
    from ..report.i18n import t

    mode = w.p.questionnaire
    if mode == "empty":
        path.write_text(questionnaire_text(lang), encoding="utf-8")
        return
    lines = [f"# {t('questionnaire.header', lang)}", f"# {t('questionnaire.answers', lang)}", ""]
    for q in QUESTIONS:
        answer, ru, en = FULL_ANSWERS[q]
        entry = {"answer": answer, "note": ru if lang == "ru" else en}
        if mode == "partial" and q not in PARTIAL_QUESTIONS:
            entry = {"answer": "unknown", "note": ""}
        lines.append(f"# {t('question.' + q, lang)}")
        lines.append(yaml.safe_dump({q: entry}, allow_unicode=True, sort_keys=False, width=200).rstrip())
        lines.append("")
    lines.append(f"# {t('questionnaire.a_clients', lang)}")
    interviews = []
    if mode == "full":
        revenue = np.bincount(w.lines["client"], weights=w.lines["amount"], minlength=w.p.n_clients)
        reasons, criteria = INTERVIEW_TEXT[lang]
        for k, i in enumerate(np.argsort(-revenue, kind="stable")[:3]):
            interviews.append(
                {
                    "client_id": str(w.clients["id"][i]),
                    "reasons": reasons[k : k + 2] if k < 2 else reasons[:1],
                    "criteria": criteria[k : k + 3],
                }
            )
    lines.append(
        yaml.safe_dump({"a_client_interviews": interviews}, allow_unicode=True, sort_keys=False).rstrip()
    )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
