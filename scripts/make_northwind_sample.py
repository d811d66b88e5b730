"""Writes ``tests/data/northwind/``: Microsoft's Northwind sample data as the CSV exports a client would send.

The source is the T-SQL script ``samples/databases/northwind-pubs/instnwnd.sql`` of the MIT-licensed
repository https://github.com/microsoft/sql-server-samples (see ``tests/data/northwind/SOURCE.md``). Not
run by the tests, and needs no network: give it a local copy of the script::

    python scripts/make_northwind_sample.py path/to/instnwnd.sql [--out tests/data/northwind] [--year 1997]

It reads the ``INSERT`` statements of four tables and writes one CSV per table (UTF-8, comma, header row):

======================  ========================  =====================================================
table in the script     file written              columns
======================  ========================  =====================================================
``Orders``              ``orders.csv``            every column, in the script's order
``Order Details``       ``order_details.csv``     every column
``Customers``           ``customers.csv``         every column
``Employees``           ``employees.csv``         every column but ``Photo`` (a bitmap), plus ``Name``
======================  ========================  =====================================================

Values are written as the script writes them: text unescaped (``''`` -> ``'``), numbers and dates
(``7/4/1996``, month first: the script sets ``DATEFORMAT mdy``) character for character, ``NULL`` as
an empty cell. ``Name`` is ``FirstName + ' ' + LastName``, the expression the script's own ``Invoices``
view uses for the salesperson: a staff export names people in one column, and a lookup reads one.
``--year`` keeps the orders dated in that year and their lines only (all four tables' other rows stay).
"""

from __future__ import annotations

import argparse
import csv
import re
from pathlib import Path

TABLES = {
    "Orders": "orders",
    "Order Details": "order_details",
    "Customers": "customers",
    "Employees": "employees",
}
DROPPED = {"Employees": {"Photo"}}

# One SQL literal or punctuation mark of a VALUES list.
_TOKEN = re.compile(
    r"""\s*(?:
        (?P<text>N?'(?:[^']|'')*')
      | (?P<null>NULL)\b
      | (?P<hex>0x[0-9A-Fa-f]*)
      | (?P<number>[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)
      | (?P<punct>[(),])
    )""",
    re.VERBOSE | re.IGNORECASE,
)
_HEX = object()  # a binary literal: its column is dropped


def create_columns(sql: str, table: str) -> list[str]:
    """The column names of ``CREATE TABLE "table"``, in order (for INSERTs without a column list)."""
    match = re.search(rf'CREATE TABLE "{re.escape(table)}" \((.*?)\n\)\s*\nGO', sql, re.DOTALL)
    if match is None:
        raise SystemExit(f"no CREATE TABLE {table!r} in the script")
    columns = []
    for line in match.group(1).splitlines():
        name = re.match(r'\s*"([^"]+)"\s', line)
        if name:
            columns.append(name.group(1))
        elif line.strip().upper().startswith("CONSTRAINT"):
            break
    return columns


def _values(sql: str, pos: int) -> tuple[list, int]:
    """The literals of the ``( ... )`` that starts at or after ``pos``, and the position after it."""
    match = _TOKEN.match(sql, pos)
    if match is None or match.group("punct") != "(":
        raise SystemExit(f"expected '(' at character {pos}: {sql[pos : pos + 60]!r}")
    values, pos, expect_value = [], match.end(), True
    while True:
        match = _TOKEN.match(sql, pos)
        if match is None:
            raise SystemExit(f"cannot read the VALUES list at character {pos}: {sql[pos : pos + 60]!r}")
        pos = match.end()
        punct = match.group("punct")
        if punct == ")" and not expect_value:
            return values, pos
        if punct == "," and not expect_value:
            expect_value = True
            continue
        if punct or not expect_value:
            raise SystemExit(f"unexpected {match.group().strip()!r} at character {match.start()}")
        if match.group("text"):
            values.append(match.group("text").removeprefix("N").removeprefix("n")[1:-1].replace("''", "'"))
        elif match.group("null"):
            values.append(None)
        elif match.group("hex"):
            values.append(_HEX)
        else:
            values.append(match.group("number"))
        expect_value = False


def insert_rows(sql: str, table: str) -> tuple[list[str], list[dict[str, str | None]]]:
    """The header and the rows of every ``INSERT [INTO] "table" [(columns)] VALUES (...)``, in order."""
    default = create_columns(sql, table)
    rows = []
    for match in re.finditer(rf'^INSERT\s+(?:INTO\s+)?"{re.escape(table)}"\s*', sql, re.MULTILINE):
        pos = match.end()
        columns = default
        if sql[pos] == "(":
            names_end = sql.index(")", pos)
            columns = re.findall(r'"([^"]+)"', sql[pos:names_end])
            pos = names_end + 1
        keyword = re.compile(r"\s*VALUES\s*", re.IGNORECASE).match(sql, pos)
        if keyword is None:
            raise SystemExit(f"INSERT {table!r} at character {match.start()}: no VALUES")
        values, _ = _values(sql, keyword.end())
        if len(values) != len(columns):
            raise SystemExit(
                f"INSERT {table!r} at character {match.start()}: {len(values)} values, {len(columns)} columns"
            )
        rows.append(dict(zip(columns, values, strict=True)))
    keep = [c for c in default if c not in DROPPED.get(table, set())]
    return keep, [{c: row.get(c) for c in keep} for row in rows]


def write_csv(path: Path, header: list[str], rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("script", type=Path, help="a local copy of instnwnd.sql")
    parser.add_argument("--out", type=Path, default=Path("tests/data/northwind"))
    parser.add_argument("--year", type=int, default=None, help="keep only the orders of this year")
    args = parser.parse_args(argv)
    sql = args.script.read_text(encoding="utf-8-sig")
    tables = {table: insert_rows(sql, table) for table in TABLES}
    if args.year is not None:
        header, orders = tables["Orders"]
        orders = [o for o in orders if o["OrderDate"] and o["OrderDate"].endswith(f"/{args.year}")]
        kept = {o["OrderID"] for o in orders}
        tables["Orders"] = (header, orders)
        header, lines = tables["Order Details"]
        tables["Order Details"] = (header, [line for line in lines if line["OrderID"] in kept])
    header, employees = tables["Employees"]
    tables["Employees"] = (
        [*header, "Name"],
        [{**e, "Name": f"{e['FirstName']} {e['LastName']}"} for e in employees],
    )
    args.out.mkdir(parents=True, exist_ok=True)
    for table, stem in TABLES.items():
        header, rows = tables[table]
        write_csv(args.out / f"{stem}.csv", header, rows)
        print(f"{table}: {len(rows)} rows -> {args.out / f'{stem}.csv'}")


if __name__ == "__main__":
    main()
