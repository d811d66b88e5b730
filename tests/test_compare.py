"""Progress since the last audit on two demo runs with changed data: the section "What changed since
DATE" in the later run's report, and ``salesaudit compare`` writing it alone (issue 15).

The earlier run audits the demo as of 2026-10-31; before the later one (as of 2026-11-25, the demo's
own date) the client fills in every client's potential — so the potential check must improve — and
November's sales arrive, so the plan handed over in October meets three weeks of sales.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from bs4 import BeautifulSoup
from typer.testing import CliRunner

from salesaudit.cli import app
from salesaudit.engine.outputs import read_plan, read_table
from salesaudit.engine.runner import run
from tests.files import file_hashes

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("progress")]

POTENTIAL = "Потенциал (руб./год)"


def _as_of(folder: Path, day: str) -> None:
    path = folder / "engagement.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"(?m)^as_of: \S+", f"as_of: {day}", text, count=1), encoding="utf-8")


def _fill_potential(folder: Path) -> int:
    """Every client without a potential gets one (the register's sheet, header on row 3)."""
    path = folder / "data" / "clients.xlsx"
    wb = openpyxl.load_workbook(path)
    ws = wb["Клиенты"]
    col = [c.value for c in ws[3]].index(POTENTIAL) + 1
    filled = 0
    for row in range(4, ws.max_row + 1):
        if ws.cell(row, col).value in (None, ""):
            ws.cell(row, col).value = 5_000_000
            filled += 1
    wb.save(path)
    return filled


@pytest.fixture(scope="module")
def two_runs(demo_engagement, tmp_path_factory):
    folder = tmp_path_factory.mktemp("progress") / "client"
    shutil.copytree(demo_engagement, folder, ignore=shutil.ignore_patterns("output"))
    _as_of(folder, "2026-10-31")
    earlier = run(folder, progress=lambda _: None)
    _as_of(folder, "2026-11-25")
    assert _fill_potential(folder) > 100
    before = file_hashes(earlier)
    later = run(folder, progress=lambda _: None)
    assert file_hashes(earlier) == before  # the later run wrote nothing into the earlier one
    return earlier, later


def _section(report: Path) -> str:
    """The text of the report from the heading "What changed since" to the next top-level heading."""
    heading = BeautifulSoup(report.read_text(encoding="utf-8"), "html.parser").find(id="progress")
    words = [heading.get_text(" ", strip=True)]
    for element in heading.find_all_next(["h1", "p", "li", "td", "th", "caption", "h3"]):
        if element.name == "h1":
            break
        words.append(element.get_text(" ", strip=True))
    return "\n".join(words)


def test_the_later_report_says_what_changed_right_after_the_executive_summary(two_runs):
    earlier, later = two_runs
    manifest = json.loads((later / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["progress_from"] == str(earlier)
    assert "progress" in manifest["timings"]
    soup = BeautifulSoup((later / "report.html").read_text(encoding="utf-8"), "html.parser")
    h1 = [h.get_text(" ", strip=True) for h in soup.find("main").find_all("h1")]
    assert h1[h1.index("Главное: итоги аудита") + 1] == "Что изменилось с 31.10.2026"
    first = json.loads((earlier / "manifest.json").read_text(encoding="utf-8"))
    assert "progress_from" not in first  # the first run had nothing to compare with


def test_the_changed_checks_are_exactly_the_checks_whose_status_differs(two_runs):
    earlier, later = two_runs
    then = read_table(earlier, "findings").set_index("check_id")["status"]
    now = read_table(later, "findings").set_index("check_id")["status"]
    differ = {c for c in then.index.union(now.index) if then.get(c) != now.get(c)}
    listed = read_table(later, "progress_checks").set_index("check_id")
    assert set(listed.index) == differ
    for check, row in listed.iterrows():
        assert (row["then"], row["now"]) == (then[check], now[check])
    # the planted change: every client's potential filled in
    assert listed.loc["clients.potential", "then"] == "problem"
    assert listed.loc["clients.potential", "direction"] == "better"
    section = _section(later / "report.html")
    assert "Потенциал клиентов заполнен" in section
    better = int((listed["direction"] == "better").sum())
    worse = int((listed["direction"] == "worse").sum())
    assert f"Проверки: лучше — {better}, хуже — {worse}," in section


def test_maturity_figures_migration_and_plan_add_up_to_the_two_runs(two_runs):
    earlier, later = two_runs
    maturity = read_table(later, "progress_maturity").set_index("area")
    for run_dir, col in ((earlier, "then"), (later, "now")):
        scores = read_table(run_dir, "maturity").set_index("area")["score"]
        assert maturity[col].to_dict() == pytest.approx(scores.to_dict())
    figures = read_table(later, "progress_figures").set_index("figure")
    shown = read_table(later, "summary_figures").set_index("figure")["value"]
    assert figures.loc["revenue", "now"] == pytest.approx(shown["revenue"])
    assert figures.loc["revenue", "then"] == pytest.approx(read_table(earlier, "clients")["revenue"].sum())
    migration = read_table(later, "progress_migration").set_index("then")
    ids = set(read_table(earlier, "clients")["client_id"]) | set(read_table(later, "clients")["client_id"])
    assert int(migration.to_numpy().sum()) == len(ids)
    plan = read_table(later, "progress_plan").set_index("period")
    total = plan.loc["total"]
    assert pd.Timestamp(total["start"]) > pd.Timestamp("2026-10-31")
    assert pd.Timestamp(total["end"]) <= pd.Timestamp("2026-11-25")
    weeks = read_plan(earlier)["weekly"]
    handed = weeks[(weeks["week_start"] >= total["start"]) & (weeks["week_end"] <= total["end"])]
    assert total["plan"] == pytest.approx(handed["plan"].sum())  # the plan of the earlier run
    sales = pd.read_parquet(later / "intake" / "sales.parquet", columns=["date", "amount"])
    span = sales["date"].between(total["start"], total["end"])
    assert total["fact"] == pytest.approx(sales.loc[span, "amount"].sum())
    assert total["fact"] > 0


def test_compare_writes_the_same_section_alone_and_touches_neither_run(two_runs, tmp_path):
    earlier, later = two_runs
    before = {p: file_hashes(p) for p in two_runs}
    out = tmp_path / "compare"
    config = later.parents[1] / "engagement.yaml"
    as_written = config.read_text(encoding="utf-8")
    # the consultant has since switched the engagement to English: the document stays the runs' Russian
    config.write_text(re.sub(r"(?m)^language: ru", "language: en", as_written), encoding="utf-8")
    try:
        result = CliRunner().invoke(app, ["compare", str(earlier), str(later), "--out", str(out)])
    finally:
        config.write_text(as_written, encoding="utf-8")
    assert result.exit_code == 0, result.output
    assert {p: file_hashes(p) for p in two_runs} == before
    assert result.stdout.splitlines()[-1].endswith(str(out / "report.pdf"))
    text = subprocess.run(["pdftotext", "-layout", str(out / "report.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout  # fmt: skip
    assert "Что изменилось с 31.10.2026" in text
    assert "Прогресс с прошлого аудита" in text and "Page" not in text  # title and footer in Russian
    assert "Потенциал клиентов заполнен" in text
    alone = read_table(out, "progress_checks")
    inside = read_table(later, "progress_checks")
    pd.testing.assert_frame_equal(alone, inside)

    backwards = CliRunner().invoke(app, ["compare", str(later), str(earlier)])
    assert backwards.exit_code == 1
    assert "newer" in backwards.output and "Traceback" not in backwards.output


def test_the_report_with_the_section_passes_the_checker(two_runs):
    from tests.scripts import load_script

    checker = load_script("check_report")
    found = checker.check_run(two_runs[1], require_claims=True)
    assert [f"{p.kind} in {p.section!r}: {p.text}" for p in found.problems] == []


def test_an_earlier_run_this_version_cannot_read_is_named_and_the_run_goes_on(two_runs, tmp_path):
    """Inside a run the progress notebook meets an earlier run whose findings lack a column (another
    version wrote them): the section says it could not compare, by the run's name, and the stage ends."""
    import papermill as pm

    from salesaudit.engine.runner import NOTEBOOKS, PROGRESS

    earlier, later = (shutil.copytree(p, tmp_path / p.name) for p in two_runs)
    findings = pd.read_parquet(earlier / "tables" / "findings.parquet").drop(columns=["title"])
    findings.to_parquet(earlier / "tables" / "findings.parquet")
    executed = tmp_path / "executed.ipynb"
    pm.execute_notebook(
        str(NOTEBOOKS / PROGRESS.notebook),
        str(executed),
        parameters={
            "engagement": str(two_runs[1].parents[1]),
            "run_dir": str(later),
            "previous_run": str(earlier),
        },
        progress_bar=False,
        cwd=str(NOTEBOOKS),
    )
    html = executed.read_text(encoding="utf-8")
    assert "Что изменилось с прошлого аудита" in html
    assert f"С прошлым прогоном ({earlier.name}) сравнить не удалось" in html
