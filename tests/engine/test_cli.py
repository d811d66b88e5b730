"""The command line as a consultant meets it: exit codes and one clear message, never a traceback."""

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import TINY_YAML, make_engagement

SALESAUDIT = [sys.executable, "-m", "salesaudit"]


def _run(*args, cwd=None):
    return subprocess.run(
        [*SALESAUDIT, *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=300
    )


def test_usage_error_is_exit_2():
    result = _run("run")  # missing ENGAGEMENT
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_missing_mapped_column_is_exit_1_with_file_and_column(tmp_path):
    folder = make_engagement(tmp_path / "e", yaml_text=TINY_YAML.replace("amount: Сумма", "amount: Итог"))
    result = _run("run", folder, "--out", tmp_path / "out")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "sales.csv" in result.stderr and "'Итог'" in result.stderr
    assert not (tmp_path / "out").exists()


LATE_KILL = """
import asyncio, sys, time
from jupyter_client.manager import KernelManager
from salesaudit.engine.kernel import local_kernels

kill = KernelManager._async_kill_kernel

async def late(self, restart=False):  # a loaded machine: the kill comes half a second after the interrupt
    await asyncio.sleep(0.5)
    await kill(self, restart)

KernelManager._async_kill_kernel = late
with local_kernels(2):
    time.sleep(float(sys.argv[1]))  # the kernels are still importing when the run gives up
"""


@pytest.mark.parametrize("after", [0.05, 0.2])
def test_kernels_stopped_while_booting_print_no_traceback(after):
    """A run whose intake fails in its first second stops kernels that are still booting: they are
    killed, not interrupted first (an interrupted kernel prints KeyboardInterrupt's traceback)."""
    result = subprocess.run(
        [sys.executable, "-c", LATE_KILL, str(after)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "KeyboardInterrupt" not in result.stderr


def test_unparseable_date_format_is_exit_1(tmp_path):
    sales = "date,client,amount\n01/02/2026,A,1\n03/04/2026,B,2\n"
    text = TINY_YAML.replace(
        "columns: {date: Дата, client_id: Клиент, amount: Сумма, manager: Менеджер, document_id: Документ}",
        "columns: {date: date, client_id: client, amount: amount}",
    ).replace('read: {date_format: "%d.%m.%Y", decimal: ","}', "read: {}")
    folder = make_engagement(tmp_path / "e", yaml_text=text, sales=sales)
    result = _run("validate", folder)
    assert result.returncode == 1
    assert "ambiguous" in result.stderr and "date_format" in result.stderr
    assert "Traceback" not in result.stderr


def test_config_typo_is_exit_1_naming_the_key(tmp_path):
    folder = make_engagement(tmp_path / "e", yaml_text=TINY_YAML + "langauge: en\n")
    result = _run("validate", folder)
    assert result.returncode == 1
    assert "langauge" in result.stderr and "Traceback" not in result.stderr


def test_validate_prints_accounting(tmp_path):
    # a target: the tiny sales (2026 only) give growth no base, which the preflight stops (issue 12)
    text = TINY_YAML.replace("plan: {year: 2026}", "plan: {year: 2026, target: 1000000}")
    tiny = make_engagement(tmp_path / "e", yaml_text=text)
    result = _run("validate", tiny)
    assert result.returncode == 0, result.stderr
    assert "Отклонено" in result.stdout and "sales.csv" in result.stdout  # the ru engagement's labels


def test_new_scaffolds_a_folder_that_loads(tmp_path):
    args = ("--client", "ООО «Акме»", "--lang", "en", "--currency", "USD", "--country", "US")
    result = _run("new", tmp_path / "acme", *args)
    assert result.returncode == 0, result.stderr
    folder = Path(tmp_path / "acme")
    data = yaml.safe_load((folder / "engagement.yaml").read_text(encoding="utf-8"))
    assert data["client"]["name"] == "ООО «Акме»" and data["language"] == "en"
    assert (data["currency"], data["country"]) == ("USD", "US")
    assert (folder / "brand.yml").is_file() and (folder / "data").is_dir()
    questionnaire = (folder / "questionnaire.yaml").read_text(encoding="utf-8")
    assert "Is there a written money plan" in questionnaire
    # refusing to scaffold over existing work
    again = _run("new", tmp_path / "acme")
    assert again.returncode == 1 and "not empty" in again.stderr


@pytest.mark.parametrize("week", ["2026-W60", "2026-W00", "2025-W53"])  # 2025 has 52 ISO weeks
def test_a_week_that_does_not_exist_is_exit_1_before_any_kernel(tmp_path, week):
    eng = make_engagement(tmp_path / "e")
    r = _run("weekly", eng, "--week", week, "--out", tmp_path / "o")
    assert r.returncode == 1
    assert "has no ISO week" in r.stderr and week in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "o").exists()  # refused before anything ran


def test_a_week_after_as_of_is_exit_1_before_any_kernel(tmp_path):
    eng = make_engagement(tmp_path / "e")  # as_of 2026-11-25
    r = _run("weekly", eng, "--week", "2026-W49", "--out", tmp_path / "o")
    assert r.returncode == 1
    assert "starts after as_of (2026-11-25)" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "o").exists()
