"""Shared fixtures: a tiny engagement written by hand, and one demo run shared by the end-to-end tests."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

import salesaudit.cli  # noqa: F401  (first: it keeps jsonschema from compiling rfc3987's grammar)
from salesaudit.engine.templates import template_path

TINY_SALES = (
    "\ufeffДата;Клиент;Сумма;Менеджер;Документ\n"
    "01.02.2026;К1;1 000,50;Иванов;Д1\n"
    "02.02.2026;К2;н/д;Петров;Д2\n"
    "31.02.2026;К3;10;;Д3\n"
    "03.02.2026;;5;Иванов;Д4\n"
    "\n"
    "04.02.2026;К1;-100;Иванов;Д5\n"
    "Итого;;1000;;\n"
    "01.12.2026;К1;7;Иванов;Д6\n"
)

TINY_YAML = """\
client: {name: "ООО «Тест»"}
as_of: 2026-11-25
inputs:
  sales:
    files: [data/sales.csv]
    columns: {date: Дата, client_id: Клиент, amount: Сумма, manager: Менеджер, document_id: Документ}
    read: {date_format: "%d.%m.%Y", decimal: ","}
plan: {year: 2026}
"""


def make_engagement(folder: Path, *, yaml_text: str = TINY_YAML, sales: str = TINY_SALES) -> Path:
    (folder / "data").mkdir(parents=True, exist_ok=True)
    (folder / "engagement.yaml").write_text(yaml_text, encoding="utf-8")
    (folder / "data" / "sales.csv").write_text(sales, encoding="utf-8")
    shutil.copyfile(template_path("brand.yml"), folder / "brand.yml")
    shutil.copyfile(template_path("logo.svg"), folder / "logo.svg")
    (folder / "questionnaire.yaml").write_text("{}\n", encoding="utf-8")
    return folder


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    """A hand-made engagement whose every row's fate is known (see TINY_SALES)."""
    return make_engagement(tmp_path / "tiny")


@pytest.fixture(scope="session")
def demo_engagement(tmp_path_factory) -> Path:
    """The demo client, generated once per test process."""
    from salesaudit.demo import generate_demo

    folder = tmp_path_factory.mktemp("demo") / "engagement"
    generate_demo(folder)
    return folder


@pytest.fixture(scope="session")
def demo_run(demo_engagement, tmp_path_factory) -> Path:
    """One full run of the playbook on the demo (the end-to-end tests read its output)."""
    from salesaudit.engine.runner import run

    out = tmp_path_factory.mktemp("run") / "out"
    return run(demo_engagement, out=out, progress=lambda _: None)


@pytest.fixture(autouse=True, scope="session")
def _warm_kernels():
    """The runs of a test process share warm kernels (:func:`salesaudit.kernel_pool`), as a batch of
    engagements does: about 3 s of start-up per run paid once per kernel. A run that fails gets fresh
    ones; runs from the command line in a subprocess (tests/engine/test_kill.py) start their own."""
    from salesaudit.engine.pool import kernel_pool

    with kernel_pool():
        yield


@pytest.fixture(autouse=True, scope="session")
def _demo_cache(tmp_path_factory):
    """Notebooks opened with engagement="demo" use a per-session demo folder, never the user's cache."""
    os.environ["SALESAUDIT_DEMO_DIR"] = str(tmp_path_factory.mktemp("democache") / "demo")
    yield


# ------------------------------------------------------------------------------------------------
# Progress under xdist: `-n 2` prints only dots, and a test file that ends says nothing. The
# controller counts each file's tests (from the workers' collection) and prints one line when the
# last test of a file has finished: the file, its counts, the time since the start.


class _FileProgress:
    def __init__(self, config):
        self.config, self.left, self.outcomes, self.start = config, None, {}, time.monotonic()
        self.files = 0

    def pytest_xdist_node_collection_finished(self, node, ids):
        if self.left is None:  # every worker collects the same ids
            self.left = {}
            for nodeid in ids:
                path = nodeid.split("::")[0]
                self.left[path] = self.left.get(path, 0) + 1

    def pytest_runtest_logreport(self, report):
        path = report.nodeid.split("::")[0]
        if self.left is None or path not in self.left:
            return
        if report.when == "call" or report.outcome != "passed":
            counts = self.outcomes.setdefault(path, {})
            counts[report.outcome] = counts.get(report.outcome, 0) + 1
        if report.when == "teardown":
            self.left[path] -= 1
            if self.left[path] == 0:
                self.files += 1
                said = ", ".join(f"{n} {k}" for k, n in sorted(self.outcomes.get(path, {}).items()))
                reporter = self.config.pluginmanager.get_plugin("terminalreporter")
                if reporter is None:
                    return
                reporter.write("\n")  # after the dots of the line
                reporter.write_line(
                    f"[{self.files}/{len(self.left)} files, {time.monotonic() - self.start:4.0f} s] "
                    f"{path}: {said}"
                )


def pytest_configure(config):
    if not hasattr(config, "workerinput") and config.getoption("numprocesses", None):  # xdist controller
        config.pluginmanager.register(_FileProgress(config), "salesaudit-file-progress")
    _one_core_per_worker(config)


def _one_core_per_worker(config) -> None:
    """Each xdist worker (and the kernels and PDF workers its runs start) on a core of its own: the
    workers already keep every core busy, so a run inside a test starts one kernel
    (``kernel.usable_cores``) instead of one per core, each paying its start-up for no gain."""
    worker = getattr(config, "workerinput", {}).get("workerid", "")
    cores = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    if worker.startswith("gw") and len(cores) > 1:
        os.sched_setaffinity(0, {cores[int(worker[2:]) % len(cores)]})


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """``--dist loadgroup`` pins the tests of an ``xdist_group`` to one worker by a ``@group`` suffix
    that pytest-xdist 3.8 writes to ``item._nodeid``; pytest 9 reads the node id from ``item._id``, so
    the suffix was lost and every group spread over both workers (each one then ran the group's
    session fixtures -- the demo run, each corpus client -- again). Set it where pytest 9 reads it."""
    if not hasattr(config, "workerinput") or not getattr(config.option, "loadgroup", False):
        return
    try:
        from _pytest.nodeid import NodeId
    except ImportError:  # pytest < 9: xdist's own suffix works
        return
    for item in items:
        names = sorted({str(m.args[0] if m.args else m.kwargs.get("name", "default"))
                        for m in item.iter_markers("xdist_group")})  # fmt: skip
        if names and "@" not in item.nodeid.rpartition("]")[2].rpartition("::")[2]:
            item._id = NodeId.parse(f"{item.nodeid}@{'_'.join(names)}")
