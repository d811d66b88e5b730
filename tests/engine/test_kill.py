"""A run killed with SIGKILL (issue 13): no process of it lives on, no ``report.pdf`` appears in its
folder afterwards, the next command reports the folder as abandoned, and an earlier finished run of the
same engagement stays byte-identical.

Real processes and real signals: the run is a child process, killed while its stages run (``python -m
salesaudit run``) and while its PDF worker prints (the audit stage only, so the report comes quickly:
the report's code path is the same).
"""

from __future__ import annotations

import json
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
import pytest
from typer.testing import CliRunner

from salesaudit.cli import app
from salesaudit.engine import runner
from tests.conftest import TINY_YAML, make_engagement
from tests.files import file_hashes

pytestmark = [
    pytest.mark.xdist_group("kill"),
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's"),
]
RUNNABLE = TINY_YAML.replace("plan: {year: 2026}", "plan: {year: 2026, target: 1000000}")
AUDIT_ONLY = (
    "import sys\nfrom salesaudit.engine import runner\n"
    "runner.run(sys.argv[1], out=sys.argv[2], stages=runner.STAGES[:1], "
    "progress=lambda line: print(line, file=sys.stderr, flush=True))"
)


@pytest.fixture(scope="module")
def engagement(tmp_path_factory) -> tuple[Path, Path, dict[str, str]]:
    """A runnable tiny engagement with one finished run in ``output/``, and that run's file hashes."""
    folder = make_engagement(tmp_path_factory.mktemp("kill") / "eng", yaml_text=RUNNABLE)
    finished = runner.run(folder, stages=runner.STAGES[:1], progress=lambda _: None, report=False)
    return folder, finished, file_hashes(finished)


class Run:
    """A run in a child process whose stderr lines are collected by a thread."""

    def __init__(self, *args: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, *args], stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stderr:
            self.lines.put(line)

    def wait_for(self, text: str, *, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                assert self.proc.poll() is None, "the run ended early:\n" + "".join(self.seen)
                continue
            self.seen.append(line)
            if text in line:
                return
        pytest.fail(f"no {text!r} within {timeout} s:\n" + "".join(self.seen))

    def kill(self) -> list[psutil.Process]:
        """SIGKILL the run; return the processes it had started (kernels, PDF worker)."""
        children = psutil.Process(self.proc.pid).children(recursive=True)
        self.commands = [" ".join(p.cmdline()) for p in children]
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)
        return children


def _alive(processes: list[psutil.Process]) -> list[psutil.Process]:
    out = []
    for p in processes:
        try:
            if p.is_running() and p.status() != psutil.STATUS_ZOMBIE:
                out.append(p)
        except psutil.NoSuchProcess:
            pass
    return out


def _gone_within(processes: list[psutil.Process], seconds: float) -> list[psutil.Process]:
    deadline = time.monotonic() + seconds
    while _alive(processes) and time.monotonic() < deadline:
        time.sleep(0.1)
    return _alive(processes)


def _manifest(folder: Path) -> dict:
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


def test_sigkill_during_the_stages_leaves_no_process_and_an_abandoned_folder(engagement, tmp_path):
    folder, finished, before = engagement
    out = tmp_path / "killed"
    run = Run("-m", "salesaudit", "run", str(folder), "--out", str(out))
    run.wait_for("] audit ...")  # a stage started
    assert _manifest(out)["status"] == "running" and _manifest(out)["pid"] == run.proc.pid
    children = run.kill()
    assert sum("salesaudit.engine.lifetime" in c for c in run.commands) >= 1, run.commands  # kernels
    assert any("salesaudit.report.pdf" in c for c in run.commands), run.commands  # the PDF worker
    assert _gone_within(children, 5) == []

    result = CliRunner().invoke(app, ["validate", str(folder)])
    assert "Traceback" not in result.output
    assert f"{out} was abandoned (its run, pid {run.proc.pid}, stopped without finishing)" in result.output
    assert _manifest(out)["status"] == "abandoned"
    again = CliRunner().invoke(app, ["validate", str(folder)])
    assert "abandoned" not in again.output  # reported once
    assert not (folder / "output" / ".elsewhere").exists()  # the pointer to the --out folder is gone
    assert file_hashes(finished) == before


def test_sigkill_while_the_pdf_prints_leaves_no_pdf_and_no_orphan(engagement, tmp_path):
    folder, finished, before = engagement
    out = tmp_path / "killed"
    run = Run("-c", AUDIT_ONLY, str(folder), str(out))
    run.wait_for("report ...")
    deadline = time.monotonic() + 60
    while not (out / "report.html").exists():  # the HTML is written, the worker is told to print it
        assert time.monotonic() < deadline and run.proc.poll() is None, "".join(run.seen)
        time.sleep(0.01)
    children = run.kill()
    assert not (out / "report.pdf").exists()  # killed before the PDF was in place
    assert any("salesaudit.report.pdf" in c for c in run.commands), run.commands  # the worker
    assert _gone_within(children, 5) == []
    time.sleep(5)  # the worker would have finished the PDF by now
    assert not (out / "report.pdf").exists()
    assert _manifest(out)["status"] == "running"  # until the next command looks

    result = CliRunner().invoke(app, ["validate", str(folder)])
    assert f"{out} was abandoned" in result.output
    assert file_hashes(finished) == before


def test_a_run_records_its_process_and_leaves_no_pointer(engagement):
    folder, finished, _ = engagement
    manifest = _manifest(finished)
    assert manifest["status"] == "ok"
    assert manifest["pid"] == os.getpid() and manifest["host"] == socket.gethostname()
    assert manifest["process_started"] == pytest.approx(psutil.Process().create_time(), abs=1)
