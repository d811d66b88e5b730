"""What the stages find on the demo client, read from one full run's tables and report.

The demo plants its stories on purpose (salesaudit.demo.DEMO_FACTS); each test names the one it checks.
"""

from __future__ import annotations

import pytest

from salesaudit.demo import DEMO_FACTS
from salesaudit.engine.outputs import read_table

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("demo")]


def _table(run, name):
    return read_table(run, name)


def test_the_giant_with_low_share_of_wallet_is_a_by_potential_and_named(demo_run):
    clients = _table(demo_run, "clients")
    giant = clients.set_index("client_id").loc[DEMO_FACTS["giant_client_id"]]
    assert giant["abc_class"] == "C"  # by revenue...
    assert bool(giant["a_by_potential"]) is True  # ...but A by potential: strategic
    assert giant["share_of_wallet"] < 0.01
    html = (demo_run / "report.html").read_text(encoding="utf-8")
    assert DEMO_FACTS["giant_name"].replace("«", "").split("»")[0][:12] in html.replace("«", "")


def test_clients_table_has_the_promised_columns(demo_run):
    cols = set(_table(demo_run, "clients").columns)
    assert {
        "client_id",
        "abc_class",
        "xyz_class",
        "segment",
        "revenue",
        "share",
        "cum_share",
        "margin",
        "orders",
        "potential",
        "share_of_wallet",
        "score",
        "dormant",
        "manager",
    } <= cols


def test_plan_reconciles_ramps_the_new_hire_and_stops_for_the_leaver(demo_run, demo_engagement):
    import yaml

    target = yaml.safe_load((demo_engagement / "engagement.yaml").read_text(encoding="utf-8"))["plan"][
        "target"
    ]
    weekly = _table(demo_run, "plan_weekly")
    monthly = _table(demo_run, "plan_monthly")
    assert weekly["plan"].sum() == target  # every week-part row adds up to the owner's target, to the rouble
    assert monthly["plan"].sum() == target
    leaver = DEMO_FACTS["leaver"]
    after = weekly[(weekly["manager"] == leaver["manager"]) & (weekly["week_start"] > leaver["left"])]
    assert len(after) == 0 or after["plan"].sum() == 0
    hire = DEMO_FACTS["new_hire"]
    ramp = monthly[monthly["manager"] == hire["manager"]].set_index("period")["plan"]
    others = monthly[monthly["manager"] != hire["manager"]].groupby("period")["plan"].mean()
    first, second, third = (ramp[p] / others[p] for p in ("2026-09", "2026-10", "2026-11"))
    assert first < second < third  # 50 % -> 75 % -> 100 % of a full share
    assert ramp[[p for p in ramp.index if p < "2026-09"]].sum() == 0


def test_backtest_warns_of_the_october_slump_two_weeks_ahead(demo_run):
    bt = _table(demo_run, "backtest")
    dept = bt[bt["level"] == "department"].set_index("period")
    october = dept.loc[DEMO_FACTS["slump_month"]]  # the demo's planted slump: 2026-10
    assert bool(october["missed"]) and bool(october["flagged"])
    assert october["weeks_of_warning"] >= 2


def test_tracking_tables_have_the_promised_columns(demo_run):
    weekly = _table(demo_run, "tracking_weekly")
    assert {"manager", "week_start", "plan", "fact", "attainment", "forecast"} <= set(weekly.columns)
    assert any(c.startswith("alert_") for c in weekly.columns)
    alerts = _table(demo_run, "alerts")
    assert {"manager", "rule", "text"} <= set(alerts.columns)
