"""A public sample read as a client's exports: Microsoft's Northwind database (MIT licence; source and
licence in ``tests/data/northwind/SOURCE.md``), order lines joined to order headers, the amount derived,
the salesperson's name looked up by employee number — by ``engagement.yaml`` alone.

Every expected figure is computed here from the committed CSVs with plain pandas, never written down:
revenue = Σ UnitPrice × Quantity × (1 − Discount) over the lines, orders, clients, revenue per
salesperson (FirstName + " " + LastName from the employee number), revenue per client in the window.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

import pandas as pd
import pytest
import yaml

from salesaudit.engine.outputs import read_table
from salesaudit.engine.templates import template_path

SAMPLE = Path(__file__).parent / "data" / "northwind"
SCRIPT = Path(__file__).parents[1] / "scripts" / "make_northwind_sample.py"
CSVS = ("orders.csv", "order_details.csv", "customers.csv", "employees.csv")


def _csv(name: str) -> pd.DataFrame:
    """A committed CSV as text cells, empty cells missing (no other NA spellings)."""
    return pd.read_csv(SAMPLE / name, dtype=str, keep_default_na=False, na_values=[""])


@dataclass(frozen=True)
class Expected:
    lines: pd.DataFrame  # one row per order line: OrderID, CustomerID, date, manager, amount, cents
    customers: pd.DataFrame
    as_of: dt.date

    @property
    def revenue(self) -> float:
        return float(self.lines["amount"].sum())

    def by_manager(self) -> dict[str, float]:
        return self.lines.groupby("manager")["amount"].sum().to_dict()

    def window(self) -> tuple[pd.Timestamp, pd.Timestamp]:
        """The analysis window by its definition: the ``window_months`` full months before as_of's month."""
        end = pd.Timestamp(self.as_of.year, self.as_of.month, 1)
        return end - pd.DateOffset(months=12), end - pd.Timedelta(days=1)


def expected() -> Expected:
    lines = _csv("order_details.csv")
    orders = _csv("orders.csv")
    staff = _csv("employees.csv")
    exact = [
        Decimal(price) * Decimal(qty) * (1 - Decimal(discount))
        for price, qty, discount in zip(lines["UnitPrice"], lines["Quantity"], lines["Discount"], strict=True)
    ]
    lines["cents"] = [float(a.quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)) for a in exact]
    for col in ("UnitPrice", "Quantity", "Discount"):
        lines[col] = pd.to_numeric(lines[col])
    lines = lines.merge(orders, on="OrderID", how="left", validate="many_to_one", indicator=True)
    assert (lines["_merge"] == "both").all()
    staff["manager"] = staff["FirstName"] + " " + staff["LastName"]
    lines = lines.drop(columns="_merge").merge(
        staff[["EmployeeID", "manager"]], on="EmployeeID", how="left", validate="many_to_one"
    )
    lines["amount"] = lines["UnitPrice"] * lines["Quantity"] * (1 - lines["Discount"])
    lines["date"] = pd.to_datetime(lines["OrderDate"], format="%m/%d/%Y")
    eng = yaml.safe_load((SAMPLE / "engagement.yaml").read_text(encoding="utf-8"))
    return Expected(
        lines=lines[["OrderID", "CustomerID", "date", "manager", "amount", "cents"]],
        customers=_csv("customers.csv"),
        as_of=eng["as_of"],
    )


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def make_folder(folder: Path) -> Path:
    """A copy of the committed sample as an engagement folder (brand, logo, empty questionnaire added)."""
    folder.mkdir(parents=True)
    for name in (*CSVS, "engagement.yaml"):
        shutil.copyfile(SAMPLE / name, folder / name)
    shutil.copyfile(template_path("brand.yml"), folder / "brand.yml")
    shutil.copyfile(template_path("logo.svg"), folder / "logo.svg")
    (folder / "questionnaire.yaml").write_text("{}\n", encoding="utf-8")
    return folder


def _cli(*args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "salesaudit", *map(str, args)], capture_output=True, text=True, timeout=900
    )


# ------------------------------------------------------------------------------------------------
# The sample itself and the script that made it


def test_source_names_the_repository_the_file_and_the_mit_licence():
    text = (SAMPLE / "SOURCE.md").read_text(encoding="utf-8")
    assert "https://github.com/microsoft/sql-server-samples" in text
    assert "samples/databases/northwind-pubs/instnwnd.sql" in text
    assert "MIT License" in text and "Permission is hereby granted, free of charge" in text
    assert "Copyright (c) Microsoft Corporation" in text
    for name in CSVS:
        assert f"`{name}`" in text, name
    size = sum(p.stat().st_size for p in SAMPLE.iterdir())
    assert size < 200_000, f"the sample has grown to {size} bytes"


def test_committed_tables_hang_together():
    orders, lines = _csv("orders.csv"), _csv("order_details.csv")
    customers, staff = _csv("customers.csv"), _csv("employees.csv")
    assert set(lines["OrderID"]) == set(orders["OrderID"])
    assert orders["OrderID"].is_unique and customers["CustomerID"].is_unique and staff["EmployeeID"].is_unique
    assert set(orders["CustomerID"]) <= set(customers["CustomerID"])
    assert set(orders["EmployeeID"]) <= set(staff["EmployeeID"])
    assert (staff["Name"] == staff["FirstName"] + " " + staff["LastName"]).all()
    assert "Photo" not in staff.columns
    dates = pd.to_datetime(orders["OrderDate"], format="%m/%d/%Y")
    eng = yaml.safe_load((SAMPLE / "engagement.yaml").read_text(encoding="utf-8"))
    assert eng["as_of"] == dates.max().date() + dt.timedelta(days=1)
    assert eng["plan"]["year"] == dates.max().year


SNIPPET = """\
SET DATEFORMAT mdy
GO
CREATE TABLE "Employees" (
\t"EmployeeID" "int" IDENTITY (1, 1) NOT NULL ,
\t"LastName" nvarchar (20) NOT NULL ,
\t"FirstName" nvarchar (10) NOT NULL ,
\t"Photo" "image" NULL ,
\t"Notes" "ntext" NULL ,
\tCONSTRAINT "PK_Employees" PRIMARY KEY  CLUSTERED
\t(
\t\t"EmployeeID"
\t)
)
GO
CREATE TABLE "Customers" (
\t"CustomerID" nchar (5) NOT NULL ,
\t"CompanyName" nvarchar (40) NOT NULL ,
\t"Region" nvarchar (15) NULL
)
GO
CREATE TABLE "Orders" (
\t"OrderID" "int" IDENTITY (1, 1) NOT NULL ,
\t"CustomerID" nchar (5) NULL ,
\t"EmployeeID" "int" NULL ,
\t"OrderDate" "datetime" NULL ,
\t"ShipName" nvarchar (40) NULL
)
GO
CREATE TABLE "Order Details" (
\t"OrderID" "int" NOT NULL ,
\t"ProductID" "int" NOT NULL ,
\t"UnitPrice" "money" NOT NULL ,
\t"Quantity" "smallint" NOT NULL ,
\t"Discount" "real" NOT NULL
)
GO
INSERT "Employees"("EmployeeID","LastName","FirstName","Photo","Notes") VALUES(1,'Davolio','Nancy',0x151C2F00,'Says "hi", twice')
INSERT "Employees"("EmployeeID","LastName","FirstName","Photo","Notes") VALUES(2,'O''Hara','Ann',0x00,NULL)
INSERT "Customers" VALUES('ALFKI','Alfreds Futterkiste',NULL)
INSERT "Customers" VALUES('ANTON','Antonio Moreno Taquería','DF')
INSERT INTO "Orders"
("OrderID","CustomerID","EmployeeID","OrderDate",
\t"ShipName")
VALUES (10248,N'ALFKI',2,'7/4/1996',
\tN'l''Abbaye, Reims')
INSERT INTO "Orders"
("OrderID","CustomerID","EmployeeID","OrderDate","ShipName")
VALUES (10249,N'ANTON',1,'12/31/1997',NULL)
INSERT "Order Details" VALUES(10248,11,14,12,0)
INSERT "Order Details" VALUES(10248,42,9.8,10,0.15)
INSERT "Order Details" VALUES(10249,7,30,3,0.05)
"""


def test_script_writes_the_inserts_as_csv_changing_nothing_but_the_format(tmp_path):
    (tmp_path / "nw.sql").write_text(SNIPPET, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(SCRIPT), str(tmp_path / "nw.sql"), "--out", str(tmp_path / "out")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    out = tmp_path / "out"
    assert (out / "employees.csv").read_text(encoding="utf-8") == (
        "EmployeeID,LastName,FirstName,Notes,Name\n"
        '1,Davolio,Nancy,"Says ""hi"", twice",Nancy Davolio\n'
        "2,O'Hara,Ann,,Ann O'Hara\n"
    )
    assert (out / "customers.csv").read_text(encoding="utf-8") == (
        "CustomerID,CompanyName,Region\nALFKI,Alfreds Futterkiste,\nANTON,Antonio Moreno Taquería,DF\n"
    )
    assert (out / "orders.csv").read_text(encoding="utf-8") == (
        "OrderID,CustomerID,EmployeeID,OrderDate,ShipName\n"
        '10248,ALFKI,2,7/4/1996,"l\'Abbaye, Reims"\n'
        "10249,ANTON,1,12/31/1997,\n"
    )
    assert (out / "order_details.csv").read_text(encoding="utf-8") == (
        "OrderID,ProductID,UnitPrice,Quantity,Discount\n10248,11,14,12,0\n10248,42,9.8,10,0.15\n10249,7,30,3,0.05\n"
    )
    one_year = subprocess.run(
        [
            sys.executable,
            str(SCRIPT),
            str(tmp_path / "nw.sql"),
            "--out",
            str(tmp_path / "y"),
            "--year",
            "1997",
        ],
        capture_output=True,
        text=True,
    )
    assert one_year.returncode == 0, one_year.stderr
    assert pd.read_csv(tmp_path / "y" / "orders.csv")["OrderID"].tolist() == [10249]
    assert pd.read_csv(tmp_path / "y" / "order_details.csv")["OrderID"].tolist() == [10249]


# ------------------------------------------------------------------------------------------------
# validate: the preflight, fast enough for every test run


def test_engagement_yaml_as_written_by_hand_keeps_its_on_keys(tmp_path):
    """``on:`` written bare, as a consultant types it: a YAML 1.1 loader would read the key as True."""
    from salesaudit.engine import config

    sales = config.load(make_folder(tmp_path / "northwind")).inputs["sales"]
    assert sales.join is not None and sales.join.on == {"OrderID": "OrderID"}
    lookup = sales.lookups["manager"]
    assert (lookup.on, lookup.key, lookup.value) == ("EmployeeID", "EmployeeID", "Name")
    assert sales.derive == {"amount": '"UnitPrice" * "Quantity" * (1 - "Discount")'}


def test_validate_exits_0(tmp_path):
    folder = make_folder(tmp_path / "northwind")
    result = _cli("validate", folder)
    assert result.returncode == 0, result.stderr.strip()[-1500:]


# ------------------------------------------------------------------------------------------------
# run: one full run shared by the checks below


@dataclass
class Outcome:
    folder: Path
    out: Path
    validate: subprocess.CompletedProcess
    run: subprocess.CompletedProcess | None
    before: dict[str, str]

    def ran(self) -> Path:
        """The run folder; fails (never skips) with the CLI's message when validate or run exited non-zero."""
        if self.validate.returncode != 0:
            pytest.fail(f"validate exit {self.validate.returncode}: {self.validate.stderr.strip()[-1500:]}")
        if self.run is None or self.run.returncode != 0:
            pytest.fail(
                f"validate exit 0 but run exit {self.run.returncode}: {self.run.stderr.strip()[-1500:]}"
            )
        return self.out


@pytest.fixture(scope="session")  # not module: other tests between this module's would re-run it
def northwind(tmp_path_factory) -> Outcome:
    root = tmp_path_factory.mktemp("northwind")
    folder = make_folder(root / "engagement")
    before = {name: _sha256(folder / name) for name in CSVS}
    validate = _cli("validate", folder)
    run = _cli("run", folder, "--out", root / "out") if validate.returncode == 0 else None
    return Outcome(folder, root / "out", validate, run, before)


def _table(run_dir: Path, name: str) -> pd.DataFrame:
    return read_table(run_dir, name)


@pytest.mark.slow
@pytest.mark.xdist_group("northwind")
def test_run_exits_0_and_leaves_the_raw_files_alone(northwind):
    run_dir = northwind.ran()
    manifest = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "ok"
    for nb in ("01_audit", "02_clients", "03_plan", "04_weekly"):
        assert (run_dir / "notebooks" / f"{nb}.ipynb").is_file(), nb
    for entry in manifest["inputs"]:
        assert entry["rows_read"] == entry["rows_used"] + entry["rows_rejected"], entry
    assert {name: _sha256(northwind.folder / name) for name in CSVS} == northwind.before
    assert northwind.before == {name: _sha256(SAMPLE / name) for name in CSVS}


@pytest.mark.slow
@pytest.mark.xdist_group("northwind")
def test_every_row_of_every_file_is_used(northwind):
    run_dir = northwind.ran()
    acc = _table(run_dir, "row_accounting")
    assert (acc["rows_read"] == acc["rows_used"] + acc["rows_rejected"]).all(), acc
    for table, name, frame in (
        ("sales", "order_details.csv", _csv("order_details.csv")),
        ("sales", "orders.csv", _csv("orders.csv")),  # the joined headers: every order has lines
        ("clients", "customers.csv", _csv("customers.csv")),
        ("managers", "employees.csv", _csv("employees.csv")),
    ):
        rows = acc[(acc["table"] == table) & acc["file"].str.endswith(name)]
        assert len(rows) == 1, acc.to_dict("records")
        assert (rows["rows_read"].item(), rows["rows_used"].item()) == (len(frame), len(frame)), rows


@pytest.mark.slow
@pytest.mark.xdist_group("northwind")
def test_revenue_orders_and_clients_match_the_raw_files(northwind):
    run_dir = northwind.ran()
    expect = expected()
    sales = pd.read_parquet(run_dir / "intake" / "sales.parquet")
    assert len(sales) == len(expect.lines)
    assert sales["amount"].sum() == pytest.approx(expect.revenue, abs=0.01)
    assert sales["document_id"].astype(str).nunique() == expect.lines["OrderID"].nunique()
    assert sales["client_id"].astype(str).nunique() == expect.lines["CustomerID"].nunique()
    per_order = sales.groupby(sales["document_id"].astype(str))["amount"].sum()
    want = expect.lines.groupby("OrderID")["amount"].sum()
    assert per_order.sort_index().to_numpy() == pytest.approx(want.sort_index().to_numpy(), abs=1e-6)
    dates = sales.groupby(sales["document_id"].astype(str))["date"].first().dt.date
    want_dates = expect.lines.groupby("OrderID")["date"].first().dt.date
    assert dates.sort_index().to_dict() == want_dates.sort_index().to_dict()


@pytest.mark.slow
@pytest.mark.xdist_group("northwind")
def test_revenue_per_salesperson_comes_from_the_employee_lookup(northwind):
    run_dir = northwind.ran()
    expect = expected()
    sales = pd.read_parquet(run_dir / "intake" / "sales.parquet")
    got = sales.groupby(sales["manager"].astype(str))["amount"].sum().to_dict()
    want = expect.by_manager()
    assert set(got) == set(want)
    for name, amount in want.items():
        assert got[name] == pytest.approx(amount, abs=0.01), name
    order_manager = dict(zip(sales["document_id"].astype(str), sales["manager"].astype(str), strict=True))
    assert order_manager == dict(zip(expect.lines["OrderID"], expect.lines["manager"], strict=True))


@pytest.mark.slow
@pytest.mark.xdist_group("northwind")
def test_clients_are_the_customers_with_their_window_revenue(northwind):
    run_dir = northwind.ran()
    expect = expected()
    intake = pd.read_parquet(run_dir / "intake" / "clients.parquet")
    names = dict(zip(expect.customers["CustomerID"], expect.customers["CompanyName"], strict=True))
    assert dict(zip(intake["client_id"].astype(str), intake["name"].astype(str), strict=True)) == names
    start, end = expect.window()
    lines = expect.lines[expect.lines["date"].between(start, end)]
    # the clients stage sums each line's amount in whole cents, rounded half-even (frames.minor_units):
    # 35.625 counts as 35.62, so the exact sums are not what the table must show
    want = lines.groupby("CustomerID")["cents"].sum()
    table = _table(run_dir, "clients").set_index("client_id")
    missing = sorted(set(want.index) - set(table.index))
    assert not missing, f"clients with sales in the window missing from tables/clients.csv: {missing}"
    assert table.loc[want.index, "revenue"].to_numpy() == pytest.approx(want.to_numpy(), abs=0.001)
    others = table.drop(index=want.index)
    assert (others["revenue"].fillna(0) == 0).all(), others["revenue"]
    assert table.loc[want.index, "name"].to_dict() == {c: names[c] for c in want.index}
