"""What the command prints for a person: validate's tables fit 100 (or 80) columns, in the engagement's
language, without NaN; --version, -h, lenient weeks, a file given for the folder, run's last lines."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

import salesaudit
from salesaudit.cli import app
from salesaudit.console import Progress, wrapped
from salesaudit.weekly.weekchoice import normalize_week
from tests.conftest import TINY_SALES, TINY_YAML, make_engagement

TARGET = TINY_YAML.replace("plan: {year: 2026}", "plan: {year: 2026, target: 1000000}")  # preflight passes
LONG_FILE = "sales_export_" + "very_long_file_name_" * 6 + "2026.csv"  # 141 characters
LONG_VALUE = "Документ-" + "ОченьДлинныйНомерБезПробелов" * 8


def _cli(*args, columns: int = 100):
    return CliRunner().invoke(app, [str(a) for a in args], env={"COLUMNS": str(columns)})


def _long(folder: Path, *, lang: str = "ru") -> Path:
    """The tiny engagement read from a file with a 141-character name, a 233-character document id on
    two dates (the example of a duplicate document number), in ``lang``."""
    text = TARGET.replace("data/sales.csv", f"data/{LONG_FILE}") + f"language: {lang}\n"
    sales = TINY_SALES + f"05.02.2026;К1;10;Иванов;{LONG_VALUE}\n06.02.2026;К2;10;Иванов;{LONG_VALUE}\n"
    make_engagement(folder, yaml_text=text, sales=sales)
    (folder / "data" / "sales.csv").rename(folder / "data" / LONG_FILE)
    return folder


@pytest.mark.parametrize("columns", [100, 80])
def test_validate_fits_the_width_without_nan_in_russian(tmp_path, columns):
    result = _cli("validate", _long(tmp_path / "e"), columns=columns)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= columns, "\n".join(lines)
    assert not re.search(r"\bnan\b", result.output, re.IGNORECASE)
    for label in ("Строки по файлам", "Прочитано строк", "Отклонено", "Качество данных", "Важность"):
        assert label in result.stdout, label
    assert "rows_rejected" not in result.stdout and "revenue_share" not in result.stdout
    assert "продажи" in result.stdout and "Итого" not in result.stdout  # one file: no total row
    header = next(line for line in lines if "Файл" in line)
    start, end = header.index("Файл"), header.index("Прочитано")
    accounting = lines[lines.index(header) + 2 : lines.index("")]
    assert "".join(line[start:end].strip() for line in accounting) == LONG_FILE  # folded in its cell
    assert "…" in result.stdout and "Документ-" in result.stdout  # the client's long value, cut
    assert sum(line.count("ОченьДлинный") for line in lines) < LONG_VALUE.count("ОченьДлинный")
    assert "intake done in" in result.output  # the progress line (stderr), plain: not a terminal


def test_validate_in_english_with_locale_numbers(tmp_path):
    many = TINY_SALES + "".join(f"05.02.2026;К{i};{i},00;Иванов;Д{i + 100}\n" for i in range(1200))
    folder = make_engagement(tmp_path / "e", yaml_text=TARGET + "language: en\n", sales=many)
    result = _cli("validate", folder)
    assert result.exit_code == 0, result.output
    labels = ("Rows per file", "Rows read", "Rows rejected", "Data quality", "Severity", "Share of revenue")
    for label in labels:
        assert label in result.stdout, label
    assert "Прочитано" not in result.stdout and "Важность" not in result.stdout
    assert "1,207" in result.stdout  # rows read, grouped the English way


def test_version():
    result = _cli("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"salesaudit {salesaudit.__version__}"


@pytest.mark.parametrize("command", [[], ["demo"], ["new"], ["validate"], ["run"], ["weekly"]])
def test_h_is_help_on_every_command(command):
    result = _cli(*command, "-h")
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output and "--help" in result.output


@pytest.mark.parametrize(
    "typed, iso",
    [("2026-w47", "2026-W47"), ("2026-W1", "2026-W01"), ("2026W47", "2026-W47"), ("2026-W01", "2026-W01")],
)
def test_week_forms_read_as_iso_weeks(typed, iso):
    assert normalize_week(typed) == iso


def test_validate_reads_a_lenient_week_and_refuses_an_impossible_one(tmp_path):
    folder = make_engagement(tmp_path / "e", yaml_text=TARGET)
    ok = _cli("validate", folder, "--week", "2026w46")
    assert ok.exit_code == 0, ok.output
    assert "tracking the week asked for, 2026-W46" in ok.stdout
    bad = _cli("validate", folder, "--week", "2026-W60")
    assert bad.exit_code == 1
    assert "2026 has no ISO week 60" in bad.output and "Traceback" not in bad.output


def test_a_file_for_the_folder(tmp_path):
    folder = make_engagement(tmp_path / "e", yaml_text=TARGET)
    as_yaml = _cli("validate", folder / "engagement.yaml")  # means its folder
    assert as_yaml.exit_code == 0, as_yaml.output
    other = _cli("validate", folder / "data" / "sales.csv")
    assert other.exit_code == 1 and "Traceback" not in other.output
    assert "this is a file; the engagement is the folder that holds engagement.yaml" in other.output
    assert f"give its folder: {folder}" in other.output
    assert "engagement folder not found" not in other.output


def test_progress_plain_and_live():
    plain = io.StringIO()
    with Progress(plain) as progress:  # not a terminal: every line as it comes
        progress("intake ...")
        progress.reading("sales.csv", 0, 2)
        progress("intake done in 1.0 s")
    assert plain.getvalue() == "intake ...\nintake done in 1.0 s\n"
    live = io.StringIO()
    with Progress(live, live=True) as progress:  # a running step is a live line, gone when it ends
        progress("[1/2] audit ...")
        progress.reading("sales.csv", 1, 2)
        progress("[1/2] audit done in 2.5 s")
        progress("output: /somewhere")
    text = live.getvalue()
    assert "[1/2] audit done in 2.5 s" in text and "output: /somewhere" in text
    assert "[1/2] audit ..." not in text


def test_wrapped_lines_keep_the_width():
    line = "info  weekly: " + "a-long-path/" * 20 + " and words " * 10
    assert all(len(part) <= 60 for part in wrapped(line, 60))
    assert "".join(p.strip() for p in wrapped(line, 60)).replace(" ", "") == line.replace(" ", "")


@pytest.mark.slow
@pytest.mark.xdist_group("demo")
def test_run_ends_with_the_paths_of_its_outputs(demo_engagement, demo_run, monkeypatch):
    """The CLI around the runner (the demo's one real run): the folder given as its engagement.yaml,
    the week as typed, the last lines naming the HTML, the PDF and the workbook."""
    from salesaudit.engine import runner

    seen = {}

    def fake_run(engagement, *, out, progress, week):
        seen.update(engagement=Path(engagement), week=week, live=getattr(progress, "live", None))
        return demo_run

    monkeypatch.setattr(runner, "run", fake_run)
    result = _cli("run", demo_engagement / "engagement.yaml", "--week", "2026-w47")
    assert result.exit_code == 0, result.output
    assert seen == {"engagement": demo_engagement, "week": "2026-W47", "live": False}
    last = result.stdout.splitlines()[-3:]
    named = [Path(line.split(maxsplit=1)[1]) for line in last]
    assert [p.suffix for p in named] == [".html", ".pdf", ".xlsx"]
    assert all(p.is_file() and p.parent == demo_run for p in named), last
