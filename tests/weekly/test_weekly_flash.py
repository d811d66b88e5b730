"""`salesaudit weekly` on the demo: a flash for every week of the last quarter, each adding up."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest

from salesaudit.demo import DEMO_FACTS
from salesaudit.engine import runner
from salesaudit.engine.outputs import read_table

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("weekly")]


def last_quarter_weeks(as_of: str, n: int = 13) -> list[str]:
    """The ISO weeks of the last ``n`` complete Monday-Sunday weeks before ``as_of``."""
    day = dt.date.fromisoformat(as_of)
    last_sunday = day - dt.timedelta(days=day.isoweekday() % 7 or 7)
    weeks = [last_sunday - dt.timedelta(weeks=k) for k in range(n)]
    return [f"{d.isocalendar()[0]}-W{d.isocalendar()[1]:02d}" for d in reversed(weeks)]


def test_last_quarter_weeks():
    weeks = last_quarter_weeks("2026-11-25")
    assert weeks[-1] == "2026-W47" and weeks[0] == "2026-W35" and len(weeks) == 13


def test_a_flash_for_every_week_of_the_last_quarter(demo_engagement, tmp_path):
    for week in last_quarter_weeks(DEMO_FACTS["as_of"]):
        out = runner.run_weekly(demo_engagement, week=week, out=tmp_path / week, progress=lambda _: None)
        assert (out / "report.pdf").is_file() and (out / "report.html").is_file()
        table = read_table(out, "tracking_week")
        assert set(table["iso_week"]) == {week}
        managers, dept = table[table["level"] == "manager"], table[table["level"] == "department"]
        assert len(dept) == 1
        for col in ("plan", "fact", "mtd_plan", "mtd_fact"):
            assert managers[col].sum() == pytest.approx(dept[col].iloc[0], abs=0.01), (week, col)
        assert week in (out / "report.html").read_text(encoding="utf-8")


def test_weekly_cli_rejects_a_malformed_week(demo_engagement, tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "salesaudit",
            "weekly",
            str(demo_engagement),
            "--week",
            "47",
            "--out",
            str(tmp_path / "o"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "2026-W47" in result.stderr and "Traceback" not in result.stderr
