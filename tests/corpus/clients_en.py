"""English-language corpus clients: each writes ``data/`` and engagement.yaml into ``folder``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from .common import EN_PEOPLE, cents, en_companies, finish, sales_lines, working_dates, write_csv


def _engagement(name: str, as_of: dt.date, inputs: dict, *, currency: str, country: str, **more) -> dict:
    return {
        "client": {"name": name, "industry": more.pop("industry", "")},
        "language": "en",
        "currency": currency,
        "country": country,
        "as_of": as_of,
        "inputs": inputs,
        "plan": more.pop("plan", {"year": as_of.year}),
        **more,
    }


def _usd(c: int) -> str:
    return f"${c / 100:,.2f}"


def salesforce_usd(folder: Path, rng: np.random.Generator) -> Path:
    """A Salesforce opportunities report in USD (``,`` delimiter, decimal point, ``$1,234.50``,
    ``M/D/YYYY``); open opportunities may have no amount. A managers list with pay in dollars."""
    n = 700
    owners = EN_PEOPLE[:5]
    accounts = en_companies(rng, 90)
    created = working_dates(rng, "2024-01-02", "2025-09-26", n)
    stage = rng.choice(
        [
            "Closed Won",
            "Closed Lost",
            "Prospecting",
            "Qualification",
            "Proposal/Price Quote",
            "Negotiation/Review",
        ],
        size=n,
        p=[0.5, 0.25, 0.07, 0.07, 0.06, 0.05],
    )
    recent = created > pd.Timestamp("2025-08-01")
    stage = np.where(recent & (rng.random(n) < 0.6), "Qualification", stage)
    is_open = ~np.isin(stage, ["Closed Won", "Closed Lost"])
    amount = cents(rng, n, 12_000)
    no_amount = is_open & (rng.random(n) < 0.5)
    close = created + pd.to_timedelta(rng.integers(5, 60, size=n), unit="D")
    close = close.where(~(~is_open & (close > pd.Timestamp("2025-09-29"))), pd.Timestamp("2025-09-29"))
    prob = np.select(
        [stage == "Closed Won", stage == "Closed Lost", stage == "Prospecting", stage == "Qualification"],
        [100, 0, 10, 20],
        default=60,
    )

    def mdy(d: pd.Timestamp) -> str:
        return f"{d.month}/{d.day}/{d.year}"

    frame = pd.DataFrame(
        {
            "Opportunity ID": [f"006Hs00000{i:05d}AAA" for i in range(n)],
            "Opportunity Name": [f"Opportunity {i + 1}" for i in range(n)],
            "Account Name": [accounts[i] for i in rng.integers(0, len(accounts), size=n)],
            "Opportunity Owner": [owners[i] for i in rng.integers(0, len(owners), size=n)],
            "Stage": stage,
            "Amount": ["" if na else _usd(int(a)) for na, a in zip(no_amount, amount, strict=True)],
            "Probability (%)": prob.astype(str),
            "Close Date": [mdy(d) for d in close],
            "Created Date": [mdy(d) for d in created],
        }
    )
    write_csv(folder / "data" / "opportunities.csv", frame)
    reps = pd.DataFrame(
        {
            "Sales Rep": owners,
            "Base Salary": ["5200", "4800", "5000", "6100", "4500"],
            "Commission Rate": ["0.06", "0.05", "0.06", "0.04", "0.07"],
        }
    )
    write_csv(folder / "data" / "reps.csv", reps)
    spec = {
        "files": ["data/opportunities.csv"],
        "preset": "generic_en",
        "read": {"delimiter": ",", "decimal": ".", "date_format": "%m/%d/%Y"},
    }
    inputs = {
        "sales": spec,
        "pipeline": dict(spec),
        "managers": {
            "files": ["data/reps.csv"],
            "columns": {
                "manager": "Sales Rep",
                "salary": "Base Salary",
                "commission_rate": "Commission Rate",
            },
        },
    }
    eng = _engagement("Brightway Software Inc", dt.date(2025, 9, 30), inputs, currency="USD", country="US")
    eng["motivation"] = {"comfortable_income": 9000}
    return finish(folder, eng, lang="en")


def orders_join(folder: Path, rng: np.random.Generator) -> Path:
    """Order headers (tab-separated) and order lines (comma) joined on the order number (``join:``);
    three lines name an order the headers file does not have. GBP, GB."""
    reps = EN_PEOPLE[3:7]
    lines = sales_lines(
        rng,
        start="2024-01-02",
        end="2025-08-28",
        n=1600,
        clients=en_companies(rng, 80),
        managers=reps,
        median=450,
    )
    orders = lines.drop_duplicates("doc")
    headers = pd.DataFrame(
        {
            "Order No": "SO-" + orders["doc"].astype(str),
            "Order Date": orders["date"].dt.strftime("%Y-%m-%d"),
            "Customer": orders["client"],
            "Account Manager": orders["manager"],
            "Channel": np.where(rng.random(len(orders)) < 0.3, "Web", "Field"),
        }
    )
    write_csv(folder / "data" / "orders.csv", headers, sep="\t")
    ref = ("SO-" + lines["doc"].astype(str)).to_numpy(dtype=object)
    ref[[100, 900, 1500]] = ["SO-999001", "SO-999002", "SO-999003"]  # orphans: no such order
    items = pd.DataFrame(
        {
            "Order Ref": ref,
            "Line": lines.groupby("doc").cumcount() + 1,
            "SKU": [f"SKU-{k:05d}" for k in rng.integers(1, 3000, size=len(lines))],
            "Qty": rng.integers(1, 12, size=len(lines)).astype(str),
            "Line Total": [f"{c / 100:.2f}" for c in lines["cents"]],
        }
    )
    write_csv(folder / "data" / "order_lines.csv", items)
    inputs = {
        "sales": {
            "files": ["data/order_lines.csv"],
            "columns": {
                "date": "Order Date",
                "client_id": "Customer",
                "amount": "Line Total",
                "manager": "Account Manager",
                "document_id": "Order Ref",
                "product": "SKU",
                "quantity": "Qty",
                "channel": "Channel",
            },
            "read": {"delimiter": ",", "decimal": "."},
            "join": {
                "files": ["data/orders.csv"],
                "read": {"delimiter": "\t"},
                "on": {"Order Ref": "Order No"},
            },
        }
    }
    eng = _engagement("Harbor Tools Ltd", dt.date(2025, 8, 29), inputs, currency="GBP", country="GB")
    eng["motivation"] = {"comfortable_income": 3500}
    return finish(folder, eng, lang="en")


def year_edge(folder: Path, rng: np.random.Generator) -> Path:
    """Invoices ending in December 2025, audit on 1 January 2026 for the 2026 plan (EUR, DE; amounts
    ``1.234,50``, ISO dates). The tracking week is left to be chosen."""
    reps = EN_PEOPLE[5:9]
    lines = sales_lines(
        rng,
        start="2024-01-02",
        end="2025-12-30",
        n=1200,
        clients=en_companies(rng, 70),
        managers=reps,
        median=2_400,
    )

    def eur(c: int) -> str:
        return f"{c / 100:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")

    frame = pd.DataFrame(
        {
            "Invoice Date": lines["date"].dt.strftime("%Y-%m-%d"),
            "Invoice No": "RE-" + lines["doc"].astype(str),
            "Customer": lines["client"],
            "Net Amount": [eur(int(c)) for c in lines["cents"]],
            "Sales Rep": lines["manager"],
        }
    )
    write_csv(folder / "data" / "invoices_2024_2025.csv", frame, sep=";")
    reps_frame = pd.DataFrame(
        {
            "Rep": reps,
            "Monthly Salary": ["4200", "3900", "4400", "4100"],
            "Commission": ["0.04", "0.05", "0.03", "0.04"],
        }
    )
    write_csv(folder / "data" / "reps.csv", reps_frame)
    inputs = {
        "sales": {
            "files": ["data/invoices_2024_2025.csv"],
            "columns": {
                "date": "Invoice Date",
                "client_id": "Customer",
                "amount": "Net Amount",
                "manager": "Sales Rep",
                "document_id": "Invoice No",
            },
            "read": {"delimiter": ";", "decimal": ",", "thousands": ".", "date_format": "%Y-%m-%d"},
        },
        "managers": {
            "files": ["data/reps.csv"],
            "columns": {"manager": "Rep", "salary": "Monthly Salary", "commission_rate": "Commission"},
        },
    }
    eng = _engagement(
        "Nordlicht Technik GmbH",
        dt.date(2026, 1, 1),
        inputs,
        currency="EUR",
        country="DE",
        plan={"year": 2026, "growth": 0.1},
    )
    eng["motivation"] = {"comfortable_income": 6000}
    eng["tracking"] = {"week": None}
    return finish(folder, eng, lang="en")


def hubspot_default_pay(folder: Path, rng: np.random.Generator) -> Path:
    """A HubSpot deals export (CAD, CA; ``YYYY-MM-DD HH:MM``) with a managers list WITHOUT pay: the
    pay scheme comes from ``motivation.salary`` and ``motivation.commission_rate``."""
    n = 520
    owners = EN_PEOPLE[6:10]
    companies = en_companies(rng, 60)
    created = working_dates(rng, "2024-02-01", "2025-07-10", n)
    stage = rng.choice(
        ["closedwon", "closedlost", "appointmentscheduled", "qualifiedtobuy", "contractsent"],
        size=n,
        p=[0.55, 0.25, 0.08, 0.07, 0.05],
    )
    recent = created > pd.Timestamp("2025-06-01")
    stage = np.where(recent & (rng.random(n) < 0.6), "contractsent", stage)
    is_open = ~np.isin(stage, ["closedwon", "closedlost"])
    amount = cents(rng, n, 7_500)
    no_amount = is_open & (rng.random(n) < 0.6)
    close = created + pd.to_timedelta(rng.integers(7, 45, size=n), unit="D")
    close = close.where(~(~is_open & (close > pd.Timestamp("2025-07-14"))), pd.Timestamp("2025-07-14"))
    clock = pd.to_timedelta(rng.integers(8 * 60, 18 * 60, size=n), unit="min")
    frame = pd.DataFrame(
        {
            "Record ID": (9_100_000_000 + np.arange(n) * 13).astype(str),
            "Deal Name": [f"{companies[i % len(companies)]} - renewal {i}" for i in range(n)],
            "Deal Stage": stage,
            "Amount": ["" if na else f"{a / 100:.2f}" for na, a in zip(no_amount, amount, strict=True)],
            "Close Date": (close + clock).strftime("%Y-%m-%d %H:%M"),
            "Deal owner": [owners[i] for i in rng.integers(0, len(owners), size=n)],
            "Create Date": (created + clock).strftime("%Y-%m-%d %H:%M"),
            "Associated Company": [companies[i] for i in rng.integers(0, len(companies), size=n)],
        }
    )
    write_csv(folder / "data" / "hubspot-crm-exports-all-deals.csv", frame)
    team = pd.DataFrame(
        {
            "Owner": owners,
            "Team": ["East", "East", "West", "West"],
            "Start Date": ["2021-03-01", "2022-06-15", "2023-01-09", "2020-09-01"],
        }
    )
    write_csv(folder / "data" / "owners.csv", team)
    spec = {
        "files": ["data/hubspot-crm-exports-all-deals.csv"],
        "preset": "generic_en",
        "read": {"date_format": "%Y-%m-%d %H:%M"},
    }
    inputs = {
        "sales": spec,
        "pipeline": dict(spec),
        "managers": {
            "files": ["data/owners.csv"],
            "columns": {"manager": "Owner", "team": "Team", "hired": "Start Date"},
        },
    }
    eng = _engagement("Maple Leaf Analytics Corp", dt.date(2025, 7, 15), inputs, currency="CAD", country="CA")
    eng["motivation"] = {"salary": 4500, "commission_rate": 0.05, "comfortable_income": 7000}
    return finish(folder, eng, lang="en")
