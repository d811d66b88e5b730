"""The backbone's contract on the demo client: one full run through the same runner the CLI uses."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys

import pytest
from bs4 import BeautifulSoup

from salesaudit.demo import DEMO_FACTS
from salesaudit.engine.outputs import read_table

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("demo")]

CONTRACT = ["report.html", "report.pdf", "workbook.xlsx", "manifest.json", "tables", "notebooks"]


def test_run_writes_every_file_of_the_contract(demo_run, demo_engagement):
    for name in CONTRACT:
        assert (demo_run / name).exists(), name
    for nb in ("01_audit", "02_clients", "03_plan", "04_weekly"):
        assert (demo_run / "notebooks" / f"{nb}.ipynb").is_file()
    manifest = json.loads((demo_run / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["engagement"] == str(demo_engagement.resolve())
    assert manifest["status"] == "ok"
    assert {"intake", "audit", "clients", "plan", "weekly", "report", "total"} <= set(manifest["timings"])
    for entry in manifest["inputs"]:
        assert len(entry["sha256"]) == 64
        assert entry["rows_read"] == entry["rows_used"] + entry["rows_rejected"]
    rejected = read_table(demo_run, "rejected_rows")
    assert {"file", "row", "reason"} <= set(rejected.columns)
    assert len(rejected) >= len(DEMO_FACTS["bad_rows"])  # the planted unparseable rows


def test_pdf_text_has_client_and_russian_headings(demo_run):
    text = subprocess.run(
        ["pdftotext", str(demo_run / "report.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert DEMO_FACTS["client_name"] in text
    for heading in ("Аудит", "Клиенты", "План", "Еженедельный контроль"):
        assert heading in text, heading
    assert re.search(r"Страница \d+ из \d+", text)


def test_html_is_self_contained_and_escapes_client_text(demo_run):
    html = (demo_run / "report.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup.find_all(True):
        for attr in ("src", "href"):
            value = tag.get(attr) or ""
            assert not re.match(r"\s*(https?:)?//", value), f"{tag.name} {attr}={value[:60]}"
    assert soup.find("script") is None
    # the demo client whose name holds <b>: shown as text, never as markup
    assert "Альфа &lt;b&gt;Трейд&lt;/b&gt;" in html
    assert "<b>Трейд</b>" not in html
    assert any("Альфа <b>Трейд</b>" in td.get_text() for td in soup.find_all("td"))


def _break(demo_engagement, tmp_path, old: str, new: str):
    folder = tmp_path / "broken"
    shutil.copytree(demo_engagement, folder, ignore=shutil.ignore_patterns("output"))
    yaml_path = folder / "engagement.yaml"
    text = yaml_path.read_text(encoding="utf-8")
    assert old in text
    yaml_path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return folder


def _cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "salesaudit", *map(str, args)], capture_output=True, text=True, timeout=600
    )


def test_demo_with_a_missing_mapped_column_exits_1(demo_engagement, tmp_path):
    folder = _break(demo_engagement, tmp_path, 'amount: "Сумма"', 'amount: "Сумма, руб"')
    result = _cli("run", folder, "--out", tmp_path / "out")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "sales_2024.csv" in result.stderr and "Сумма, руб" in result.stderr


def test_demo_with_unparseable_dates_exits_1(demo_engagement, tmp_path):
    folder = _break(demo_engagement, tmp_path, 'date_format: "%d.%m.%Y"', 'date_format: "%Y-%m-%d"')
    result = _cli("run", folder, "--out", tmp_path / "out")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "Дата" in result.stderr and "%Y-%m-%d" in result.stderr
