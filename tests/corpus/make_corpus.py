"""Generate the corpus of client shapes: one engagement folder per client, deterministically.

Each client differs from the built-in demo in the shape of its files (see :data:`CLIENTS`, one line
per shape of issue 12) and in language, currency, country, date and number formats, delimiters and
encodings. Every folder holds what ``salesaudit new`` writes (engagement.yaml, brand.yml, the logo,
questionnaire.yaml) and ``data/`` with the client's raw files. :data:`BROKEN` holds copies of a good
client with one wrong setting each; ``validate`` must stop them with one message.

Run ``python -m tests.corpus.make_corpus OUT [NAME ...]`` from the repository root to write the
folders into ``OUT`` (all clients and broken variants when no NAME is given).

Examples
--------
>>> len(CLIENTS) >= 12, sorted(set(CLIENTS) & set(BROKEN))
(True, [])
"""

from __future__ import annotations

import argparse
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import clients_en, clients_ru


@dataclass(frozen=True)
class Shape:
    """One corpus client: what it shows, in which language, and the function writing it."""

    build: Callable[[Path, np.random.Generator], Path]
    shape: str
    language: str


CLIENTS: dict[str, Shape] = {
    "ru_amocrm_deals": Shape(
        clients_ru.amocrm_deals, "amoCRM deal export (xlsx); open deals without amount", "ru"
    ),
    "en_salesforce_usd": Shape(
        clients_en.salesforce_usd, "English CRM export in USD (csv), managers with pay", "en"
    ),
    "ru_1c_report": Shape(
        clients_ru.onec_report, "1C report in Excel: title rows, header on row 4, totals row", "ru"
    ),
    "ru_sales_only": Shape(
        clients_ru.sales_only, "only a sales file (cp1251): no managers table, no pay", "ru"
    ),
    "en_orders_join": Shape(
        clients_en.orders_join, "order headers + order lines joined on the order number", "en"
    ),
    "ru_derived_amount": Shape(
        clients_ru.derived_amount, "quantity x price - discount, no amount column", "ru"
    ),
    "ru_exclude_cancelled": Shape(
        clients_ru.exclude_cancelled, "cancelled and test orders left out by exclude", "ru"
    ),
    "ru_lookups_staff": Shape(
        clients_ru.lookups_staff, "employee numbers -> names; region -> regional manager", "ru"
    ),
    "ru_gz_zip_kzt": Shape(clients_ru.gz_and_zip, ".csv.gz and a .zip of monthly CSVs (KZT)", "ru"),
    "ru_monthly_folder": Shape(clients_ru.monthly_folder, "a folder of monthly xlsx files", "ru"),
    "ru_names_spaces": Shape(
        clients_ru.names_with_spaces, "names differing by no-break space, spaces, quotes, case", "ru"
    ),
    "en_year_edge_eur": Shape(
        clients_en.year_edge, "data to December, as_of 1 January of the plan year (EUR)", "en"
    ),
    "en_hubspot_default_pay": Shape(
        clients_en.hubspot_default_pay, "managers without pay; motivation.salary set (CAD)", "en"
    ),
}

# name: (good client, the text of its engagement.yaml to replace, the replacement)
BROKEN: dict[str, tuple[str, str, str]] = {
    "broken_mistyped_manager": ("ru_sales_only", "manager: Менеджер\n", "manager: Менеджр\n"),
    "broken_mistyped_margin": (
        "ru_1c_report",
        "preset: 1c\n",
        "preset: 1c\n    columns:\n      margin: Валовая прибыл\n",
    ),
    "broken_date_format": ("ru_derived_amount", "date_format: '%d.%m.%Y'", "date_format: '%m.%d.%Y'"),
}


def seed_of(name: str) -> int:
    """A stable seed per client (not Python's salted ``hash``)."""
    return zlib.crc32(name.encode("utf-8"))


def generate(name: str, out: str | Path) -> Path:
    """Write the corpus client (or broken variant) ``name`` into ``out/name``; return its folder."""
    folder = Path(out) / name
    if folder.exists() and any(folder.iterdir()):
        raise FileExistsError(f"{folder} exists and is not empty")
    base = BROKEN[name][0] if name in BROKEN else name
    CLIENTS[base].build(folder, np.random.default_rng(seed_of(base)))
    if name in BROKEN:
        _, old, new = BROKEN[name]
        path = folder / "engagement.yaml"
        text = path.read_text(encoding="utf-8")
        if text.count(old) != 1:
            raise ValueError(f"{name}: {old!r} is not once in {base}'s engagement.yaml")
        path.write_text(text.replace(old, new), encoding="utf-8")
    return folder


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="folder to write the engagement folders into")
    parser.add_argument("names", nargs="*", help="clients to write (default: all, broken ones too)")
    args = parser.parse_args(argv)
    for name in args.names or [*CLIENTS, *BROKEN]:
        print(generate(name, args.out))


if __name__ == "__main__":
    main()
