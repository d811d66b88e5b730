"""`validate` is the preflight: what can stop a stage stops `validate`; what a stage leaves out is info.

The fast tests run the preflight on hand-made and demo-derived engagements; the slow ones keep the rule
"validate exit 0 => run exit 0" on a few degraded copies of the demo (the wider corpus is in tests/corpus).
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from salesaudit.cli import app
from salesaudit.engine import config
from salesaudit.engine.outputs import read_table
from salesaudit.engine.preflight import preflight
from salesaudit.engine.session import open_engagement
from salesaudit.exceptions import ConfigError, DataError
from salesaudit.intake.canonical import read_engagement
from salesaudit.weekly.weekchoice import choose_week
from tests.conftest import TINY_YAML, make_engagement


def _engagement(folder: Path, **changes) -> Path:
    """The tiny engagement with top-level engagement.yaml keys changed (None deletes a key)."""
    data = yaml.safe_load(TINY_YAML)
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return make_engagement(folder, yaml_text=yaml.safe_dump(data, allow_unicode=True))


def _validate(folder: Path, *args: str):
    return CliRunner().invoke(app, ["validate", str(folder), *args])


def _checked(folder: Path, week: str | None = None):
    eng = config.load(folder)
    return preflight(eng, read_engagement(eng), week=week)


def test_growth_without_a_base_stops_validate_naming_plan_target(tmp_path):
    # the tiny sales are all in 2026: a 2026 plan grown from 2025 has no base
    folder = _engagement(tmp_path / "e", plan={"year": 2026, "target": None})
    checked = _checked(folder)
    assert [f.stage for f in checked.errors] == ["plan"]
    with pytest.raises(DataError) as err:
        checked.raise_first()
    assert err.value.key == "plan.target"
    result = _validate(folder)
    assert result.exit_code == 1
    assert "plan.target" in result.output and "Traceback" not in result.output


def test_a_given_target_needs_no_history(tmp_path):
    folder = _engagement(tmp_path / "e", plan={"year": 2026, "target": 1_000_000})
    assert not _checked(folder).errors
    result = _validate(folder)
    assert result.exit_code == 0, result.output
    assert "preflight: every stage can run" in result.output


def test_tracking_week_outside_the_plan_stops_validate(tmp_path):
    folder = _engagement(
        tmp_path / "e", plan={"year": 2026, "target": 1_000_000}, tracking={"week": "2025-W40"}
    )
    with pytest.raises(ConfigError) as err:
        _checked(folder).raise_first()
    assert err.value.key == "tracking.week" and err.value.value == "2025-W40"
    assert _validate(folder).exit_code == 1
    # --week wins over tracking.week
    assert _validate(folder, "--week", "2026-W10").exit_code == 0
    assert _validate(folder, "--week", "2026-W60").exit_code == 1


def test_run_checks_the_week_before_any_kernel(tmp_path, monkeypatch):
    from salesaudit.engine import kernel, runner

    folder = _engagement(tmp_path / "e", plan={"year": 2026, "target": 1_000_000})
    monkeypatch.setattr(kernel, "local_kernels", lambda *a, **k: pytest.fail("a kernel started"))
    with pytest.raises(ConfigError, match="starts after as_of"):
        runner.run(folder, out=tmp_path / "out", week="2026-W50", progress=lambda _: None)
    with pytest.raises(ConfigError, match="has no day in the week"):
        runner.run_weekly(folder, out=tmp_path / "out", week="2025-W50", progress=lambda _: None)


def test_brand_and_questionnaire_are_parsed(tmp_path):
    folder = _engagement(tmp_path / "e", plan={"year": 2026, "target": 1_000_000})
    (folder / "questionnaire.yaml").write_text("plans.written_plan: maybe\n", encoding="utf-8")
    assert _validate(folder).exit_code == 1
    (folder / "questionnaire.yaml").write_text("{}\n", encoding="utf-8")
    (folder / "brand.yml").write_text("color: [unclosed\n", encoding="utf-8")
    result = _validate(folder)
    assert result.exit_code == 1 and "brand.yml" in result.output


def test_missing_optional_tables_are_listed_as_info(tmp_path):
    folder = _engagement(tmp_path / "e", plan={"year": 2026, "target": 1_000_000})
    checked = _checked(folder)
    text = "\n".join(checked.lines())
    for table in ("managers", "targets", "pipeline", "activities", "client register"):
        assert f"no {table}" in text, table
    assert "pay unknown" in text and "motivation.salary" in text
    assert "tracking 2026-W47, the last complete week" in text


def test_the_week_at_a_year_edge_is_the_plans_first():
    choice = choose_week(as_of=dt.date(2026, 1, 1), plan_year=2026)
    assert (choice.week, choice.reason) == ("2026-W01", "first_of_plan")
    # a week in progress at as_of is chosen only when no complete week of the plan exists
    assert choose_week(as_of=dt.date(2026, 1, 13), plan_year=2026).week == "2026-W02"
    assert choose_week(as_of=dt.date(2026, 1, 5), plan_year=2026).week == "2026-W01"


def test_session_managers_from_the_sales_lines_with_default_pay(tmp_path):
    folder = _engagement(
        tmp_path / "e",
        plan={"year": 2026, "target": 1_000_000},
        motivation={"salary": 40000, "commission_rate": 0.03},
    )
    team = open_engagement(folder).managers()
    assert team["manager"].tolist() == ["Иванов"]  # Петров's only line is rejected (amount "н/д")
    assert team["salary"].tolist() == [40000.0]
    assert team["commission_rate"].tolist() == [0.03]


# --------------------------------------------------------------------------------------------------
# validate exit 0 => run exit 0, on degraded copies of the demo (slow: full runs)


def _degraded(demo: Path, folder: Path, edit) -> Path:
    shutil.copytree(demo, folder)
    data = yaml.safe_load((folder / "engagement.yaml").read_text(encoding="utf-8"))
    edit(data)
    (folder / "engagement.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return folder


def _sales_only_from_lines(data):
    """No managers, pipeline or activities table; default pay in engagement.yaml."""
    for table in ("managers", "pipeline", "activities"):
        del data["inputs"][table]
    data["motivation"] |= {"salary": 45000, "commission_rate": 0.04}


def _bare_sales(data):
    """Only sales with date, client and amount; the target grown from last year."""
    sales = data["inputs"]["sales"]
    sales["columns"] = {k: v for k, v in sales["columns"].items() if k in ("date", "client_id", "amount")}
    data["inputs"] = {"sales": sales}
    data["plan"]["target"] = None


def _year_edge_without_pay(data):
    """Sales up to December 2025, as_of 1 January 2026; managers listed without pay."""
    data["inputs"]["sales"]["files"] = [f for f in data["inputs"]["sales"]["files"] if "2026" not in f]
    data["as_of"] = "2026-01-01"
    managers = data["inputs"]["managers"]
    managers["columns"] = {
        k: v for k, v in managers["columns"].items() if k not in ("salary", "commission_rate")
    }


DEGRADED = {
    "managers_from_sales": _sales_only_from_lines,
    "bare_sales": _bare_sales,
    "year_edge_no_pay": _year_edge_without_pay,
}


@pytest.mark.slow
# no xdist group: each case runs where a worker is free (the demo is generated once per worker)
@pytest.mark.parametrize("name", sorted(DEGRADED))
def test_validate_green_means_run_green(name, demo_engagement, tmp_path):
    from salesaudit.engine import config
    from salesaudit.engine.runner import STAGES, run
    from salesaudit.report.html import build_report

    folder = _degraded(demo_engagement, tmp_path / name, DEGRADED[name])
    result = _validate(folder)
    assert result.exit_code == 0, result.output
    # every stage runs; the report is checked as HTML (the PDF and the workbook of the whole demo run
    # are checked in tests/test_end_to_end.py)
    out = run(folder, out=tmp_path / "out", progress=lambda _: None, report=False)
    build_report(out, eng=config.load(folder), stages=[s.notebook for s in STAGES], pdf=False)
    tables = out / "tables"
    plan = read_table(out, "plan_monthly")
    html = (out / "report.html").read_text(encoding="utf-8")
    if name == "managers_from_sales":
        assert "no managers table: the 7 managers" in result.output
        ceiling = read_table(out, "income_ceiling")
        assert set(ceiling["manager"]) <= set(plan["manager"]) and len(ceiling)
        assert (ceiling["salary"] == 45000).all() and (ceiling["commission_rate"] == 0.04).all()
    elif name == "bare_sales":
        assert set(plan["manager"]) == {"Отдел продаж"}
        assert "Нет данных об оплате менеджеров" in html
    else:
        week = read_table(out, "tracking_week")
        assert set(week["iso_week"]) == {"2026-W01"}
        assert "первая неделя плана, 2026-W01" in html
        assert not (tables / "payout_scenarios.csv").exists()
        assert "Нет данных об оплате менеджеров" in html
