"""salesaudit.run / salesaudit.weekly: the playbook from a notebook cell, as the CLI runs it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import salesaudit
from salesaudit.exceptions import DataError
from tests.conftest import TINY_YAML, make_engagement


def test_importing_the_package_loads_neither_the_runner_nor_pandas():
    code = "import sys, salesaudit; print(sorted(m for m in sys.modules if m.startswith(('salesaudit.engine', 'pandas'))))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_weekly_stays_callable_when_its_sub_package_is_imported():
    import salesaudit.weekly.tracking as tracking
    from salesaudit import weekly

    assert weekly is salesaudit.weekly and callable(weekly)
    assert salesaudit.weekly.tracking is tracking  # the stage's modules are still reached through it


def test_run_raises_the_typed_error_before_any_kernel_starts(tiny):
    with pytest.raises(DataError) as err:  # the tiny client has no 2025 sales to derive a target from
        salesaudit.run(tiny, progress=None)
    assert err.value.key == "plan.target"
    assert not (tiny / "output").exists()


def _fake_runner(calls: list):
    def fake(engagement, *, out=None, progress=print, **options):
        calls.append({"engagement": engagement, "out": out, "progress": progress, **options})
        folder = Path(out)
        folder.mkdir(parents=True)
        (folder / "manifest.json").write_text(json.dumps({"command": "run", "status": "ok"}))
        return folder

    return fake


def test_run_takes_demo_and_the_cli_options_and_returns_the_run(tiny, tmp_path, monkeypatch):
    calls: list = []
    monkeypatch.setattr("salesaudit.engine.runner.run", _fake_runner(calls))
    monkeypatch.setattr("salesaudit.engine.session.ensure_demo", lambda: tiny)
    result = salesaudit.run("demo", out=tmp_path / "o", week="2026-W47", progress=None)
    assert calls[0]["engagement"] == tiny  # "demo" is the demo engagement, as in the notebooks
    assert calls[0]["week"] == "2026-W47" and calls[0]["progress"] is not None
    assert result.folder == tmp_path / "o" and result.manifest == {"command": "run", "status": "ok"}
    assert (result.html.name, result.pdf.name, result.workbook.name) == (
        "report.html",
        "report.pdf",
        "workbook.xlsx",
    )


@pytest.mark.slow  # one real weekly run (a stage and the report): the only kernel this file starts
def test_weekly_writes_the_flash_report_and_returns_its_manifest(tmp_path):
    yaml_text = TINY_YAML.replace("plan: {year: 2026}", "plan: {year: 2026, target: 1000000}")
    tiny = make_engagement(tmp_path / "tiny", yaml_text=yaml_text)
    lines: list[str] = []
    result = salesaudit.weekly(tiny, week="2026-W47", progress=lines.append)
    assert result.folder.parent == tiny.resolve() / "output"
    assert result.folder.name.endswith("_weekly-2026-W47")
    assert result.manifest["command"] == "weekly" and result.manifest["status"] == "ok"
    assert result.html.is_file() and result.pdf.is_file()
    assert any("weekly" in line for line in lines)
