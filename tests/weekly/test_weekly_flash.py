"""`salesaudit weekly` on the demo: every week of the last quarter adds up; a whole flash at both ends."""

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


def _adds_up(table, week: str) -> None:
    """One ISO week in the table, one department line, the managers adding up to it."""
    assert set(table["iso_week"]) == {week}
    managers, dept = table[table["level"] == "manager"], table[table["level"] == "department"]
    assert len(dept) == 1
    for col in ("plan", "fact", "mtd_plan", "mtd_fact"):
        assert managers[col].sum() == pytest.approx(dept[col].iloc[0], abs=0.01), (week, col)


@pytest.mark.parametrize("week", [0, -1], ids=["first", "last"])
def test_a_flash_of_the_quarter_s_first_and_last_week(demo_engagement, tmp_path, week):
    """The whole `salesaudit weekly` (kernel, notebook, HTML, PDF) at both ends of the quarter."""
    week = last_quarter_weeks(DEMO_FACTS["as_of"])[week]
    out = runner.run_weekly(demo_engagement, week=week, out=tmp_path / week, progress=lambda _: None)
    assert (out / "report.pdf").is_file() and (out / "report.html").is_file()
    _adds_up(read_table(out, "tracking_week"), week)
    assert week in (out / "report.html").read_text(encoding="utf-8")


def test_every_week_of_the_last_quarter_adds_up(demo_engagement):
    """Every week of the quarter as the weekly notebook tracks it (the same calls, in this process,
    on one intake and one plan; the flash around it is checked at both ends of the quarter above)."""
    from salesaudit.engine.session import open_engagement
    from salesaudit.weekly import tracking

    s = open_engagement(demo_engagement)
    sales, activities, plan = s.table("sales"), s.table("activities"), s.plan()
    for week in last_quarter_weeks(DEMO_FACTS["as_of"]):
        choice = s.week(week)
        assert choice.week == week
        table = tracking.track_week(
            sales,
            plan_weekly=plan.weekly,
            as_of=tracking.week_as_of(choice.given, as_of=s.as_of),
            week=choice.week,
            country=s.eng.country,
            activities=activities,
            thresholds=s.thresholds(),
        )
        _adds_up(table, week)


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
