"""Warm kernels kept between runs (:mod:`salesaudit.engine.pool`): reused only after a run that went
well, having forgotten it; shut down at the end of the block."""

import os

import pytest

from salesaudit.engine import pool, runner
from salesaudit.engine.kernel import start_kernel
from salesaudit.exceptions import StageError
from tests.engine.test_runner import _notebook

PID = "import os, pathlib\npathlib.Path(run_dir, 'pid.txt').write_text(str(os.getpid()))"


@pytest.fixture
def fresh_pool(monkeypatch):
    """A pool of the test's own (the suite's session pool, if any, set aside)."""
    own = pool.KernelPool()
    monkeypatch.setattr(pool._LOCAL, "pool", own, raising=False)
    monkeypatch.setattr(runner, "MAX_KERNELS", 1)
    yield own
    own.close()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat", encoding="ascii") as f:  # a zombie is gone too
        return f.read().split(") ")[-1][0] != "Z"


def _run(tiny, out, notebooks, name):
    return runner.run(
        tiny, out=out, stages=(runner.Stage("audit", name),), notebooks=notebooks,
        progress=lambda _: None, report=False,
    )  # fmt: skip


def test_the_next_run_gets_the_same_kernel_with_nothing_of_the_last(tiny, tmp_path, fresh_pool):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    _notebook(
        notebooks / "01_client_a.ipynb",
        "from salesaudit.engine import session\nsession._CACHE['client A'] = 'tables'",
        "secret = 'client A'",
        PID,
    )
    _notebook(
        notebooks / "02_client_b.ipynb",
        "from salesaudit.engine import session\nassert not session._CACHE, session._CACHE",
        "assert 'secret' not in dir()",
        PID,
    )
    first = _run(tiny, tmp_path / "a", notebooks, "01_client_a.ipynb")
    second = _run(tiny, tmp_path / "b", notebooks, "02_client_b.ipynb")
    pid = (first / "pid.txt").read_text()
    assert (second / "pid.txt").read_text() == pid
    assert (fresh_pool.started, fresh_pool.reused) == (1, 1)
    fresh_pool.close()
    assert not _alive(int(pid))


def test_a_kernel_whose_run_failed_is_not_reused(tiny, tmp_path, fresh_pool):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    _notebook(notebooks / "01_fails.ipynb", PID, "raise ValueError('bad data')")
    _notebook(notebooks / "02_next.ipynb", PID)
    with pytest.raises(StageError, match="bad data"):
        _run(tiny, tmp_path / "a", notebooks, "01_fails.ipynb")
    failed = int((tmp_path / "a" / "pid.txt").read_text())
    assert not _alive(failed)
    second = _run(tiny, tmp_path / "b", notebooks, "02_next.ipynb")
    assert int((second / "pid.txt").read_text()) != failed
    assert (fresh_pool.started, fresh_pool.reused) == (2, 0)


def test_at_most_the_idle_limit_waits(tmp_path, fresh_pool):
    kms = fresh_pool.take(pool.IDLE_KERNELS + 1, tmp_path, warm=False, start=start_kernel)
    fresh_pool.give_back(kms, tmp_path, warm=False)
    assert [km.is_alive() for km in kms] == [False] + [True] * pool.IDLE_KERNELS
    again = fresh_pool.take(1, tmp_path, warm=False, start=start_kernel)
    assert again[0] is kms[1] and fresh_pool.reused == 1 and kms[2].is_alive()  # the other still waits
    fresh_pool.give_back(again, tmp_path, warm=False)
    fresh_pool.close()
    assert not any(km.is_alive() for km in kms)


def test_a_pool_belongs_to_the_thread_that_opened_it():
    # a pool's kernels die with the thread that started them: a Dask task in a worker thread (or any
    # other thread) must start its own, not borrow the main thread's
    import threading

    seen = {}
    with pool.kernel_pool() as mine:
        assert pool.active() is mine
        worker = threading.Thread(target=lambda: seen.update(active=pool.active()))
        worker.start()
        worker.join()
    assert seen == {"active": None}
