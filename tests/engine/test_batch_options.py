"""A batch hands each client's run what the single command would get (no runs: the plumbing alone)."""

from __future__ import annotations

import io
from pathlib import Path

from salesaudit.engine import batch, batch_view, runner


def test_a_weekly_batch_asks_each_client_for_its_pages_per_manager(monkeypatch, tmp_path):
    seen = {}

    def fake_weekly(folder, *, week, progress, per_manager):
        seen.update(folder=folder, week=week, per_manager=per_manager)
        return tmp_path

    monkeypatch.setattr(runner, "run_weekly", fake_weekly)
    job = batch.Job(0, "clients/acme", "weekly", "2026-W47", True, per_manager=True)
    assert batch._run(job, lambda _: None) == tmp_path
    assert seen == {"folder": "clients/acme", "week": "2026-W47", "per_manager": True}


def test_the_portfolio_passes_per_manager_to_the_batch(monkeypatch, tmp_path):
    folder = tmp_path / "acme"
    folder.mkdir()
    (folder / "engagement.yaml").write_text("client: {name: Acme}\n", encoding="utf-8")
    seen = {}

    def fake_batch(folders, **kw):
        seen.update(kw)
        return []

    monkeypatch.setattr(batch, "run_batch", fake_batch)
    monkeypatch.setattr("salesaudit.report.portfolio_page.write_portfolio", lambda *a, **k: Path("p.html"))
    batch_view.run_portfolio(
        [folder], per_manager=True, out=tmp_path / "page", live=False, stream=io.StringIO()
    )
    assert seen["per_manager"] is True and seen["command"] == "weekly"
