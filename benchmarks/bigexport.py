"""A large client's engagement: the demo's 9-column Russian 1C sales export at N lines (issue 17).

:func:`big_engagement` writes, under ``--dir`` (default ``/tmp/salesaudit_big``, never the repository),
an engagement folder ``rows_N/`` the benchmarks run ``salesaudit`` on:

* ``data/sales_2024.csv``, ``sales_2025.csv``, ``sales_2026.csv`` — the demo's export shape (columns
  Дата, Документ, Код клиента, Контрагент, Менеджер, Номенклатура, Количество, Сумма, Валовая прибыль;
  ``;``-separated, UTF-8 with BOM, CRLF, DD.MM.YYYY dates, decimal comma), exactly N data lines over
  2024-01-01 .. 2026-11-24 in date order: ~N/200 clients (1M: 5 000, 10M: 50 000) with lognormal sizes
  (a real ABC curve), 25 managers (each client has an owner; 3 % of documents are served by another),
  a few thousand products, documents of 1-9 lines (2 % of them returns, ``ВЗ00-`` with negative
  amounts and margins), and **one unreadable number cell** (``Сумма`` = ``#ЗНАЧ!`` in the 2025 file:
  a real export has one; intake rejects that row);
* ``data/clients.csv`` (the register: code, name, owner, potential for 60 %, industry, region,
  registration date), ``data/managers.csv`` (the demo's columns), and ``engagement.yaml`` from the
  shipped template with the demo's column mapping (:data:`salesaudit.demo.engagement.INPUTS`), the
  demo's ``as_of`` and plan year; ``brand.yml``, ``logo.svg`` and an empty questionnaire.

With ``one_file=True`` also ``rows_N_one/``: the same lines as a single ``data/sales.csv`` (the same
register and managers, hard-linked). Deterministic for a seed; a folder already complete (a
``.complete`` marker holding the rows and seed) is reused. Vectorised: 10M lines in well under a minute.

    .venv/bin/python benchmarks/bigexport.py --rows 1000000 [--one-file] [--dir /tmp/salesaudit_big]
"""

from __future__ import annotations

import argparse
import os
import shutil
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DIR = Path("/tmp/salesaudit_big")
SEED = 20261125
HEADER = "Дата;Документ;Код клиента;Контрагент;Менеджер;Номенклатура;Количество;Сумма;Валовая прибыль"
YEARS = (2024, 2025, 2026)
FIRST_DAY = np.datetime64("2024-01-01")
N_DAYS = int((np.datetime64("2026-11-25") - FIRST_DAY).astype(int))  # up to the day before as_of
N_MANAGERS = 25
BAD_CELL = "#ЗНАЧ!"
CHUNK = 1_000_000
_SURNAMES = (
    "Иванов Сергей,Петрова Анна,Смирнов Алексей,Кузнецова Ольга,Попов Дмитрий,Васильева Елена,"
    "Соколов Игорь,Михайлова Мария,Новиков Андрей,Фёдорова Татьяна,Морозов Павел,Волкова Ирина,"
    "Алексеев Николай,Лебедева Наталья,Семёнов Виктор,Егорова Светлана,Павлов Максим,Козлова Юлия,"
    "Степанов Артём,Николаева Дарья,Орлов Роман,Андреева Ксения,Макаров Илья,Захарова Вера,Зайцев Олег"
).split(",")
_GOODS = ("Кабель ВВГнг", "Автомат IEK ВА47", "Светильник LED", "Розетка Legrand", "Щит ЩРН", "Провод ПуГВ")
_INDUSTRIES = ("Строительство", "Производство", "Розница", "Энергетика", "Монтаж", "ЖКХ")
_REGIONS = ("Москва", "Санкт-Петербург", "Казань", "Екатеринбург", "Новосибирск", "Самара", "Пермь")


def sizes(rows: int) -> dict[str, int]:
    """Clients and products for ``rows`` lines: 1M -> 5 000 clients, 10M -> 50 000; 1 000-4 000 products."""
    return {"clients": max(20, rows // 200), "products": int(min(4_000, max(50, rows // 2_500)))}


def _money(kop: np.ndarray) -> pa.Array:
    """Kopecks as ``-1234,56`` text."""
    whole = pa.array(np.abs(kop) // 100).cast(pa.string())
    cents = pc.utf8_lpad(pa.array(np.abs(kop) % 100).cast(pa.string()), width=2, padding="0")
    return pc.binary_join_element_wise(pc.if_else(pa.array(kop < 0), "-", ""), whole, ",", cents, "")


def _names(prefix: str, n: int, width: int) -> np.ndarray:
    return np.char.add(prefix, np.char.zfill(np.arange(1, n + 1).astype(str), width)).astype(object)


def _documents(rng: np.random.Generator, rows: int, n_clients: int, owner: np.ndarray) -> dict:
    """Documents in date order: day, client, manager, return flag, number and line count (sum = rows)."""
    lines = rng.integers(1, 10, rows // 3 + 10)
    lines = lines[: int(np.searchsorted(np.cumsum(lines), rows)) + 1]
    lines[-1] -= int(lines.sum()) - rows
    n_docs = lines.size
    weight = rng.lognormal(0, 1.6, n_clients)
    client = rng.choice(n_clients, size=n_docs, p=weight / weight.sum())
    day = np.sort(rng.integers(0, N_DAYS, n_docs))
    manager = np.where(rng.random(n_docs) < 0.03, rng.integers(0, N_MANAGERS, n_docs), owner[client])
    is_return = rng.random(n_docs) < 0.02
    number = np.empty(n_docs, dtype=np.int64)
    number[~is_return] = np.arange(1, int((~is_return).sum()) + 1)
    number[is_return] = np.arange(1, int(is_return.sum()) + 1)
    text = pc.binary_join_element_wise(
        pc.if_else(pa.array(is_return), "ВЗ00-", "ТС00-"),
        pc.utf8_lpad(pa.array(number).cast(pa.string()), width=8, padding="0"),
        "",
    )
    return {"lines": lines, "client": client, "day": day, "manager": manager, "ret": is_return, "text": text}


def _line_table(rng: np.random.Generator, docs: dict, lo: int, hi: int, sz: dict, names: dict) -> pa.Table:
    """Lines ``lo`` .. ``hi`` of the export as text columns (header order)."""
    doc = docs["line_doc"][lo:hi]
    m = hi - lo
    product = np.minimum(rng.zipf(1.3, m) - 1, sz["products"] - 1)
    quantity = rng.integers(1, 120, m)
    price_kop = names["price"][product]
    sign = np.where(docs["ret"][doc], -1, 1)
    kop = sign * quantity * price_kop
    margin = np.round(kop * rng.uniform(-0.05, 0.35, m)).astype(np.int64)
    take = pa.array(doc)
    return pa.table(
        {
            "d": names["days"].take(pa.array(docs["day"][doc])),
            "doc": docs["text"].take(take),
            "id": names["ids"].take(pa.array(docs["client"][doc])),
            "name": names["clients"].take(pa.array(docs["client"][doc])),
            "mgr": names["managers"].take(pa.array(docs["manager"][doc])),
            "prod": names["products"].take(pa.array(product)),
            "qty": pa.array(sign * quantity).cast(pa.string()),
            "sum": _money(kop),
            "margin": _money(margin),
        }
    )


def _write_sales(data: Path, rows: int, seed: int) -> dict:
    """The three yearly files; returns the register's arrays and the planted cell's place."""
    rng = np.random.default_rng(seed)
    sz = sizes(rows)
    owner = rng.integers(0, N_MANAGERS, sz["clients"])
    docs = _documents(rng, rows, sz["clients"], owner)
    docs["line_doc"] = np.repeat(np.arange(docs["lines"].size), docs["lines"])
    goods = np.array(_GOODS, dtype=object)[np.arange(sz["products"]) % len(_GOODS)]
    names = {
        "days": pc.strftime(
            pa.array((FIRST_DAY + np.arange(N_DAYS)).astype("datetime64[s]")), format="%d.%m.%Y"
        ),
        "ids": pa.array(_names("ЦБ-", sz["clients"], 6)),
        "clients": pa.array(np.char.add(_names("ООО «Клиент ", sz["clients"], 6).astype(str), "»")),
        "managers": pa.array(_SURNAMES[:N_MANAGERS]),
        "products": pa.array(np.char.add(goods.astype(str), _names(" арт. ", sz["products"], 5).astype(str))),
        "price": np.round(rng.lognormal(7, 1.2, sz["products"]) * 100).astype(np.int64) + 100,
    }
    line_year = (FIRST_DAY + docs["day"][docs["line_doc"]]).astype("datetime64[Y]").astype(int) + 1970
    bounds = np.searchsorted(line_year, [2025, 2026])
    edges = [0, int(bounds[0]), int(bounds[1]), rows]
    bad_line = (edges[1] + edges[2]) // 2  # in the 2025 file
    options = pcsv.WriteOptions(include_header=False, delimiter=";", quoting_style="none")
    for i, year in enumerate(YEARS):
        with pa.OSFile(str(data / f"sales_{year}.csv"), "wb") as sink:
            sink.write(("\ufeff" + HEADER + "\r\n").encode())
            for lo in range(edges[i], edges[i + 1], CHUNK):
                hi = min(lo + CHUNK, edges[i + 1])
                table = _line_table(rng, docs, lo, hi, sz, names)
                if lo <= bad_line < hi:
                    planted = np.arange(lo, hi) == bad_line
                    table = table.set_column(7, "sum", pc.if_else(pa.array(planted), BAD_CELL, table["sum"]))
                pcsv.write_csv(table, sink, write_options=options)
    _crlf(data, YEARS)
    return {"owner": owner, "names": names, "rows_per_file": np.diff(edges).tolist()}


def _crlf(data: Path, years) -> None:
    """pyarrow writes LF; a 1C export has CRLF line ends (the header has them already)."""
    for year in years:
        path = data / f"sales_{year}.csv"
        tmp = path.with_suffix(".tmp")
        with path.open("rb") as src, tmp.open("wb") as dst:
            head = src.readline()
            dst.write(head)
            while block := src.read(64 << 20):
                if block.endswith(b"\r"):  # never split a line end (there are no bare CRs)
                    block += src.read(1)
                dst.write(block.replace(b"\n", b"\r\n"))
        tmp.replace(path)


def _write_register(data: Path, made: dict, seed: int) -> None:
    rng = np.random.default_rng(seed + 1)
    names = made["names"]
    n = len(names["ids"])
    potential = np.round(rng.lognormal(14, 1.0, n), -3).astype(np.int64)
    has = rng.random(n) < 0.6
    created = pc.strftime(
        pa.array((np.datetime64("2012-01-01") + rng.integers(0, 4_000, n)).astype("datetime64[s]")),
        format="%d.%m.%Y",
    )
    table = pa.table(
        {
            "Код клиента": names["ids"],
            "Наименование": names["clients"],
            "Менеджер": names["managers"].take(pa.array(made["owner"])),
            "Потенциал (руб./год)": pa.array(np.where(has, potential, 0)).cast(pa.string()),
            "Отрасль": pa.array(np.array(_INDUSTRIES, dtype=object)[rng.integers(0, len(_INDUSTRIES), n)]),
            "Регион": pa.array(np.array(_REGIONS, dtype=object)[rng.integers(0, len(_REGIONS), n)]),
            "Дата регистрации": created,
        }
    )
    table = table.set_column(3, "Потенциал (руб./год)", pc.if_else(pa.array(has), table[3], ""))
    options = pcsv.WriteOptions(delimiter=";", quoting_style="none")
    pcsv.write_csv(table, str(data / "clients.csv"), write_options=options)
    lines = ["Менеджер,Оклад,Процент,Дата приема,Дата увольнения,Ставка"]
    for i, name in enumerate(_SURNAMES[:N_MANAGERS]):
        lines.append(f"{name},{45000 + 5000 * (i % 4)},0.01,{1 + i % 27:02d}.0{1 + i % 9}.20{15 + i % 8},,1")
    (data / "managers.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _engagement_yaml(sales_files: list[str]) -> str:
    """The shipped template with the demo's mapping for sales, and a CSV clients register."""
    import json

    from salesaudit.demo.engagement import INPUTS
    from salesaudit.demo.story import AS_OF, PLAN_YEAR
    from salesaudit.engine.templates import template_path

    def flow(value) -> str:
        if isinstance(value, dict):
            return "{" + ", ".join(f"{k}: {flow(v)}" for k, v in value.items()) + "}"
        if isinstance(value, list):
            return "[" + ", ".join(flow(v) for v in value) + "]"
        return json.dumps(value, ensure_ascii=False) if isinstance(value, str) else str(value)

    csv_read = {"delimiter": ";", "encoding": "utf-8", "date_format": "%d.%m.%Y", "decimal": "."}
    inputs = {
        "sales": {**INPUTS["sales"], "files": sales_files},
        "clients": {"files": ["data/clients.csv"], "columns": INPUTS["clients"]["columns"], "read": csv_read},
        "managers": INPUTS["managers"],
    }
    block = "\n".join(
        f"  {table}:\n" + "\n".join(f"    {key}: {flow(value)}" for key, value in spec.items())
        for table, spec in inputs.items()
    )
    return (
        template_path("engagement.yaml")
        .read_text(encoding="utf-8")
        .replace("{client_name}", "ООО «Крупный дистрибьютор»")
        .replace("{language}", "ru")
        .replace("{as_of}", AS_OF.isoformat())
        .replace("{plan_year}", str(PLAN_YEAR))
        .replace("{inputs}", block)
    )


def _folder_files(folder: Path, sales_files: list[str]) -> None:
    from salesaudit.engine.templates import template_path

    (folder / "engagement.yaml").write_text(_engagement_yaml(sales_files), encoding="utf-8")
    shutil.copyfile(template_path("brand.yml"), folder / "brand.yml")
    shutil.copyfile(template_path("logo.svg"), folder / "logo.svg")
    (folder / "questionnaire.yaml").write_text("{}\n", encoding="utf-8")


def _one_file(three: Path, one: Path) -> None:
    """The same lines as one file: the three yearly files' lines, one header."""
    data = one / "data"
    data.mkdir(parents=True, exist_ok=True)
    with (data / "sales.tmp").open("wb") as dst:
        for i, year in enumerate(YEARS):
            with (three / "data" / f"sales_{year}.csv").open("rb") as src:
                head = src.readline()
                if i == 0:
                    dst.write(head)
                shutil.copyfileobj(src, dst, 64 << 20)
    (data / "sales.tmp").replace(data / "sales.csv")
    for name in ("clients.csv", "managers.csv"):
        if not (data / name).exists():
            os.link(three / "data" / name, data / name)
    _folder_files(one, ["data/sales.csv"])


def big_engagement(
    rows: int, folder: Path = DEFAULT_DIR, *, one_file: bool = False, seed: int = SEED
) -> dict:
    """The engagement folders for ``rows`` lines under ``folder``, generated unless already complete.

    Returns ``{"three": Path, "one": Path | None, "seconds": float}`` (seconds 0 when reused)."""
    folder = Path(folder).resolve()
    if folder.is_relative_to(ROOT):
        raise ValueError(f"{folder}: the generated data never goes into the repository")
    three, one = folder / f"rows_{rows}", folder / f"rows_{rows}_one"
    stamp = f"{rows} {seed}"
    start = time.perf_counter()
    marker = three / ".complete"
    if not (marker.is_file() and marker.read_text() == stamp):
        if three.exists():
            shutil.rmtree(three)
        (three / "data").mkdir(parents=True)
        made = _write_sales(three / "data", rows, seed)
        _write_register(three / "data", made, seed)
        _folder_files(three, [f"data/sales_{y}.csv" for y in YEARS])
        marker.write_text(stamp)
    if one_file and not ((one / ".complete").is_file() and (one / ".complete").read_text() == stamp):
        if one.exists():
            shutil.rmtree(one)
        _one_file(three, one)
        (one / ".complete").write_text(stamp)
    return {"three": three, "one": one if one_file else None, "seconds": time.perf_counter() - start}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--one-file", action="store_true")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    made = big_engagement(args.rows, args.dir, one_file=args.one_file, seed=args.seed)
    print(f"{made['three']} (one file: {made['one']}) in {made['seconds']:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
