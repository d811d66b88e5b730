"""Benchmark: the target-client portrait on 50k clients against ``segment_clients`` on the same data.

Run: ``.venv/bin/python benchmarks/bench_portrait.py`` (``--help`` for sizes). Prints seconds and the
ratio; it is not a test and asserts nothing about timings (the target is < 3 s for
``client_attributes`` + ``portrait`` + ``rank_lookalikes`` on 50k clients on the 2-core reference
machine). The baseline is the step that always runs before it: ``segment_clients`` on the same sales,
so the ratio says what the portrait adds to the clients stage. scikit-learn's import (paid once per
process, inside ``rank_lookalikes``) is timed apart.

The data are shaped like a 1C export of a distributor: a register (industry, region, potential for
70 % of the clients, registration date), about 20 sales lines per client over 36 months with a
product name (300 products, 30 first words) and a sales channel; the large clients are more often in
one industry and region, so the portrait has something to find.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from salesaudit.clients.portrait import client_attributes, portrait, rank_lookalikes  # noqa: E402
from salesaudit.clients.segmentation import segment_clients  # noqa: E402

AS_OF = pd.Timestamp("2026-11-25")
INDUSTRIES = ["Строительство", "Электромонтаж", "Производство", "ЖКХ", "Энергетика", "Опт", "Проекты"]
REGIONS = ["Москва", "Московская обл.", "Санкт-Петербург", "Екатеринбург", "Казань", "Самара", "Пермь"]
CHANNELS = ["Менеджер", "Интернет-магазин", "Розница", "Тендер"]


def make_data(n_clients: int, lines_per_client: int = 20, *, seed: int = 0):
    """Register, sales lines (with product and channel) over 36 months, ~``lines_per_client`` each."""
    rng = np.random.default_rng(seed)
    weight = rng.lognormal(0, 1.5, n_clients)
    big = weight > np.quantile(weight, 0.8)
    industry = np.where(big & (rng.random(n_clients) < 0.5), 0, rng.integers(0, len(INDUSTRIES), n_clients))
    region = np.where(big & (rng.random(n_clients) < 0.5), 0, rng.integers(0, len(REGIONS), n_clients))
    ids = np.char.add("ЦБ-", np.arange(100_000, 100_000 + n_clients).astype(str))
    created = np.datetime64("2012-01-01") + rng.integers(0, 5_400, n_clients)
    register = pd.DataFrame(
        {
            "client_id": pd.Series(ids, dtype="str"),
            "name": pd.Series(np.char.add("ООО Клиент ", np.arange(n_clients).astype(str)), dtype="str"),
            "manager": pd.Series(
                np.char.add("Менеджер ", (np.arange(n_clients) % 40).astype(str)), dtype="str"
            ),
            "potential": np.where(
                rng.random(n_clients) < 0.7, weight * 1e6 * rng.uniform(1, 5, n_clients), np.nan
            ),
            "industry": pd.Series(np.array(INDUSTRIES)[industry], dtype="str"),
            "region": pd.Series(np.array(REGIONS)[region], dtype="str"),
            "created": pd.to_datetime(created),
        }
    )
    n_lines = n_clients * lines_per_client
    p = weight**0.6 / (weight**0.6).sum()
    client = rng.choice(n_clients, size=n_lines, p=p)
    active = rng.random(n_clients) < 0.9  # a tenth of the register never bought
    client = client[active[client]]
    days = np.datetime64("2023-11-01") + rng.integers(0, 1_120, client.size)
    words = [f"Товар{k:02d}" for k in range(30)]
    products = np.array([f"{words[k % 30]} модель {k}" for k in range(300)], dtype=object)
    amount = np.round(weight[client] ** 0.4 * rng.lognormal(8, 0.8, client.size), 2)
    amount[rng.random(client.size) < 0.015] *= -0.5
    sales = pd.DataFrame(
        {
            "date": pd.to_datetime(days),
            "client_id": pd.Categorical(ids[client]),
            "amount": amount,
            "product": pd.Categorical(products[rng.integers(0, 300, client.size)]),
            "channel": pd.Categorical(
                np.array(CHANNELS)[rng.choice(4, client.size, p=[0.6, 0.2, 0.15, 0.05])]
            ),
            "document_id": pd.Series(np.char.add("ТС-", np.arange(client.size).astype(str)), dtype="str"),
        }
    )
    return sales, register


def timed(fn, repeat: int) -> tuple[list[float], object]:
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return times, result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50_000)
    parser.add_argument("--lines-per-client", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    t0 = time.perf_counter()
    sales, register = make_data(args.clients, args.lines_per_client)
    print(
        f"data: {len(sales):,} sales lines, {len(register):,} registered clients "
        f"(generated in {time.perf_counter() - t0:.1f} s)"
    )

    base_times, table = timed(lambda: segment_clients(sales, as_of=AS_OF, clients=register), args.repeat)
    base = min(base_times)
    print(f"baseline segment_clients: best {base:.2f} s, median {statistics.median(base_times):.2f} s")

    t0 = time.perf_counter()
    import sklearn.linear_model  # noqa: F401  (paid once per process; rank_lookalikes imports them)
    import sklearn.preprocessing  # noqa: F401

    print(f"scikit-learn import (once per process): {time.perf_counter() - t0:.2f} s")

    steps = {}

    def whole():
        t = time.perf_counter()
        attributes = client_attributes(table, register=register, sales=sales, as_of=AS_OF)
        steps.setdefault("client_attributes", []).append(time.perf_counter() - t)
        t = time.perf_counter()
        found = portrait(attributes)
        steps.setdefault("portrait", []).append(time.perf_counter() - t)
        t = time.perf_counter()
        ranked = rank_lookalikes(attributes)
        steps.setdefault("rank_lookalikes", []).append(time.perf_counter() - t)
        return attributes, found, ranked

    times, (attributes, found, ranked) = timed(whole, args.repeat)
    best = min(times)
    print(
        "  ".join(f"{name} {min(ts):.2f} s" for name, ts in steps.items())
        + f"\nportrait total: best {best:.2f} s, median {statistics.median(times):.2f} s over {args.repeat} runs "
        f"({len(attributes):,} clients, {len(ranked):,} ranked; target < 3 s)"
    )
    print(f"ratio portrait / segment_clients = {best / base:.2f}x")
    top = ", ".join(f"{a}={v} ×{lift:.2f}" for a, v, lift in found.top[["attribute", "value", "lift"]].values)
    print(f"verdict {found.verdict}; top: {top}")


if __name__ == "__main__":
    main()
