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


def test_a_dask_task_runs_in_a_thread_that_keeps_its_kernel_pool():
    """Each Dask worker thread hands its tasks to one salesaudit thread of its own, whose kernel pool
    lives from one task to the next (no kernel is started here: a pool starts them when a run asks)."""
    from salesaudit.engine import batch_dask
    from salesaudit.engine.pool import active

    try:
        first = batch_dask._runner_thread().submit(active).result()
        again = batch_dask._runner_thread().submit(active).result()
        assert first is not None and again is first  # the same pool, kept
        assert first is not active()  # not the pool of the thread that asked (the tests keep one)
        other: list = []
        import threading

        worker = threading.Thread(
            target=lambda: other.append(batch_dask._runner_thread().submit(active).result())
        )
        worker.start()
        worker.join()
        assert other[0] is not None and other[0] is not first  # another Dask thread, another pool
    finally:
        batch_dask.release_kernels()
    assert batch_dask._RUNNERS == {}
