"""The large-client generator of ``benchmarks/bench_big.py`` (``benchmarks/bigexport.py``), at 2 000 lines:
what it writes is an engagement salesaudit's intake reads, with the lines asked for and the one planted
unreadable number cell rejected; the one-file variant holds the same lines."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from salesaudit.engine import config
from salesaudit.intake.canonical import read_engagement

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import bigexport  # noqa: E402

ROWS = 2_000


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    return bigexport.big_engagement(ROWS, tmp_path_factory.mktemp("big"), one_file=True)


@pytest.fixture(scope="module")
def read(made):
    """Each variant read once through intake: ``read("three")`` -> (Intake, its sales accounting)."""
    cache: dict = {}

    def _read(variant: str):
        if variant not in cache:
            intake = read_engagement(config.load(made[variant]))
            acc = intake.accounting
            cache[variant] = intake, acc[acc["table"] == "sales"]
        return cache[variant]

    return _read


def test_three_yearly_files_read_with_exactly_the_planted_cell_rejected(read):
    intake, sales = read("three")
    assert list(sales["file"]) == ["sales_2024.csv", "sales_2025.csv", "sales_2026.csv"]
    assert sales["rows_read"].sum() == ROWS
    assert sales["rows_rejected"].tolist() == [0, 1, 0]  # the planted #ЗНАЧ! in the 2025 file
    table = intake.tables["sales"]
    assert len(table) == ROWS - 1
    assert table["date"].dt.year.tolist() == sorted(table["date"].dt.year.tolist())
    register = set(intake.tables["clients"]["client_id"].astype(str))
    assert len(register) == bigexport.sizes(ROWS)["clients"]
    assert set(table["client_id"].astype(str)) <= register
    assert (table["amount"] < 0).any() and (table["amount"] > 0).any()  # returns and sales
    assert set(intake.tables) >= {"clients", "managers"}
    assert len(intake.tables["managers"]) == bigexport.N_MANAGERS


def test_one_file_holds_the_same_lines(read):
    one, sales = read("one")
    three, _ = read("three")
    assert sales["file"].tolist() == ["sales.csv"]
    assert sales["rows_read"].tolist() == [ROWS] and sales["rows_rejected"].tolist() == [1]
    columns = ["date", "client_id", "document_id", "product", "amount", "margin", "quantity"]
    left = one.tables["sales"][columns].astype(str).reset_index(drop=True)
    right = three.tables["sales"][columns].astype(str).reset_index(drop=True)
    assert left.equals(right)


def test_deterministic_reused_and_never_in_the_repository(made, tmp_path):
    written = (made["three"] / "data" / "sales_2024.csv").stat().st_mtime_ns
    again = bigexport.big_engagement(ROWS, made["three"].parent)  # complete: reused, not rewritten
    assert again["three"] == made["three"]
    assert (again["three"] / "data" / "sales_2024.csv").stat().st_mtime_ns == written
    fresh = bigexport.big_engagement(ROWS, tmp_path)["three"]
    for name in ("sales_2024.csv", "sales_2025.csv", "sales_2026.csv", "clients.csv"):
        assert (fresh / "data" / name).read_bytes() == (made["three"] / "data" / name).read_bytes()
    assert (fresh / "data" / "sales_2025.csv").read_bytes().startswith("\ufeffДата;Документ".encode())
    with pytest.raises(ValueError, match="repository"):
        bigexport.big_engagement(ROWS, bigexport.ROOT / "tmp_big")
