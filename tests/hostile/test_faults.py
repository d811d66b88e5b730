"""Faults (issue 13): a dead disk, a read-only folder, a killed run, and who may read a run folder.

Probes covered, each asserting one message and exit 1 (no traceback), or the note a later command
prints:

- a full disk while the intake is saved (simulated ENOSPC in-process; and a real 16 KB tmpfs when the
  tests run as root and may mount one): manifest ``failed``, no ``manifest.json.tmp`` left;
- the manifest itself unwritable (simulated EACCES); the failure path never raises;
- ``--out`` read-only, inside a missing read-only parent, and a read-only engagement folder — real
  permissions: as root, the command runs without the capability that lets root ignore them
  (``setpriv --bounding-set=-dac_override,-dac_read_search``); a simulated read-only disk (EROFS)
  in-process; all refused before any kernel starts;
- ``--out`` that is a file; an engagement "folder" that is a file;
- ``validate --rejected`` into a missing folder, onto an existing file;
- an input that cannot be read (simulated EIO); any OSError in any command is one message;
- a run folder left "running" by a killed run (reported abandoned, once), by a process whose pid was
  recycled, by a live run (not reported), by another host (reported as such);
- a run folder's permissions: folders 0700, files 0600 (the demo run).

The kill itself (SIGKILL during the stages and during the PDF) is tests/engine/test_kill.py.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import socket
import stat
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import psutil
import pytest

from salesaudit.engine import runfolder
from tests.hostile.conftest import TINY_YAML, cli, make_engagement, refused

RUNNABLE = TINY_YAML.replace("plan: {year: 2026}", "plan: {year: 2026, target: 1000000}")


@pytest.fixture
def runnable(tmp_path: Path) -> Path:
    """A tiny engagement whose run gets past the preflight."""
    return make_engagement(tmp_path / "eng", yaml_text=RUNNABLE)


@pytest.fixture
def kernels(monkeypatch) -> list[int]:
    """No real kernel starts (these faults come before any stage): the list of kernel counts asked for."""
    asked: list[int] = []

    @contextmanager
    def fake(n: int = 1, cwd=None, *, warm: bool = True):
        asked.append(n)
        yield [object()] * n

    monkeypatch.setattr("salesaudit.engine.kernel.local_kernels", fake)
    return asked


def one_message(out: str) -> None:
    assert out.count("error:") == 1 and "Traceback" not in out, out


def _manifest(folder: Path) -> dict:
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


# -- a full or failing disk ---------------------------------------------------------------------------
def test_full_disk_during_the_intake_save(runnable, tmp_path, kernels, monkeypatch):
    def full(intake, folder: Path) -> None:  # half a file written, then the disk is full
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "sales.parquet").write_bytes(b"PAR1")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(folder / "sales.parquet"))

    monkeypatch.setattr("salesaudit.engine.session.save_intake", full)
    out = tmp_path / "out"
    text = refused("run", runnable, "--out", out, says=("No space left on device", "sales.parquet", "hint:"))
    one_message(text)
    manifest = _manifest(out)
    assert manifest["status"] == "failed" and "No space left on device" in manifest["error"]
    assert not (out / "manifest.json.tmp").exists()


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("mount"), reason="mounting a tmpfs needs root")
def test_a_really_full_disk(runnable, tmp_path, kernels):
    disk = tmp_path / "disk"
    disk.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", str(disk)]).returncode != 0:
        pytest.skip("this container may not mount a tmpfs")
    try:
        text = refused("run", runnable, "--out", disk / "out", says=("No space left on device", str(disk)))
        one_message(text)
        manifest = _manifest(disk / "out")  # rewritten in place: the atomic write had no room
        assert manifest["status"] == "failed" and manifest["pid"] == os.getpid()
        assert not (disk / "out" / "manifest.json.tmp").exists()
    finally:
        subprocess.run(["umount", str(disk)], check=True)


def test_manifest_unwritable(runnable, tmp_path, kernels, monkeypatch):
    def denied(run_dir: Path, manifest: dict) -> None:
        (Path(run_dir) / "manifest.json.tmp").write_bytes(b"")  # as a failed write leaves it
        raise PermissionError(
            errno.EACCES, os.strerror(errno.EACCES), str(Path(run_dir) / "manifest.json.tmp")
        )

    monkeypatch.setattr(runfolder, "write_manifest", denied)
    out = tmp_path / "out"
    one_message(refused("run", runnable, "--out", out, says=("Permission denied", "manifest.json.tmp")))
    assert not (out / "manifest.json.tmp").exists()
    assert not (runnable / "output").exists()  # no pointer to the --out folder is left behind


def test_the_failure_path_never_raises(tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    (tmp_path / "manifest.json.tmp").write_bytes(b"")
    monkeypatch.setattr(runfolder, "write_manifest", broken)
    monkeypatch.setattr(runfolder, "open", broken, raising=False)  # the in-place rewrite fails too
    runfolder.fail_manifest(tmp_path, {"status": "running"}, RuntimeError("stage failed"))  # no raise
    assert not (tmp_path / "manifest.json.tmp").exists()


def test_eio_while_reading_an_input(eng, monkeypatch):
    real_open = Path.open

    def failing(self, *args, **kwargs):
        if self.name == "sales.csv":
            raise OSError(errno.EIO, os.strerror(errno.EIO), str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", failing)
    text = refused("validate", eng, says=("Input/output error", "sales.csv", "hint:"))
    one_message(text)


def test_any_oserror_in_any_command_is_one_message(tmp_path, monkeypatch):
    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(tmp_path / "acme" / "engagement.yaml"))

    monkeypatch.setattr("salesaudit.engine.scaffold.scaffold", full)
    one_message(refused("new", tmp_path / "acme", says=("No space left on device", "engagement.yaml")))


# -- read-only folders ----------------------------------------------------------------------------------
def _without_root_powers(*args) -> subprocess.CompletedProcess:
    """``salesaudit ARGS`` in a child process that permissions bind: as root, without the capabilities
    that let root ignore them."""
    cmd = [sys.executable, "-m", "salesaudit", *map(str, args)]
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("root ignores folder permissions and setpriv is not installed")
        cmd = [setpriv, "--bounding-set=-dac_override,-dac_read_search", *cmd]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300)


@contextmanager
def read_only(folder: Path):
    folder.chmod(0o555)
    try:
        yield folder
    finally:
        folder.chmod(0o755)


def _refused_in_child(result: subprocess.CompletedProcess, *says: str) -> None:
    assert result.returncode == 1, result.stderr
    one_message(result.stderr)
    for text in says:
        assert text in result.stderr, result.stderr
    # stopped before the client's files were read and any kernel was used: no "output: FOLDER" line
    assert not any(line.startswith("output:") for line in result.stderr.splitlines())


def test_read_only_out(runnable, tmp_path):
    (tmp_path / "ro").mkdir()
    with read_only(tmp_path / "ro") as ro:
        result = _without_root_powers("run", runnable, "--out", ro)
    _refused_in_child(result, "Permission denied", f"file {ro}:", "cannot be written")
    assert list(ro.iterdir()) == []


def test_out_inside_a_missing_read_only_parent(runnable, tmp_path):
    (tmp_path / "ro").mkdir()
    with read_only(tmp_path / "ro") as ro:
        result = _without_root_powers("run", runnable, "--out", ro / "new" / "out")
    _refused_in_child(result, "Permission denied", str(ro / "new"))
    assert list(ro.iterdir()) == []


def test_read_only_engagement_folder(runnable):
    with read_only(runnable):
        result = _without_root_powers("run", runnable)
    _refused_in_child(result, "Permission denied", str(runnable / "output"), "--out")
    assert not (runnable / "output").exists()


def test_read_only_disk_is_refused_before_any_kernel(runnable, tmp_path, kernels, monkeypatch):
    real_open = open

    def read_only_disk(file, *args, **kwargs):
        if ".salesaudit-probe" in str(file):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(runfolder, "open", read_only_disk, raising=False)
    out = tmp_path / "out"
    one_message(refused("run", runnable, "--out", out, says=("Read-only file system", "read-only")))
    assert kernels == [] and not out.exists()  # the folder the check made is gone again


def test_out_that_is_a_file(runnable, tmp_path, kernels):
    (tmp_path / "notes.txt").write_text("keep me", encoding="utf-8")
    one_message(refused("run", runnable, "--out", tmp_path / "notes.txt", says=("is a file", "notes.txt")))
    assert kernels == [] and (tmp_path / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_engagement_folder_that_is_a_file(tmp_path):
    (tmp_path / "acme").write_text("not a folder", encoding="utf-8")
    one_message(
        refused(
            "validate",
            tmp_path / "acme",
            says=("acme", "this is a file", "the folder that holds engagement.yaml"),
        )
    )
    one_message(
        refused(
            "run", tmp_path / "acme", says=("acme", "this is a file", "the folder that holds engagement.yaml")
        )
    )


# -- validate --rejected ------------------------------------------------------------------------------
def test_rejected_into_a_missing_folder(eng, tmp_path):
    target = tmp_path / "missing" / "rejected.csv"
    one_message(refused("validate", eng, "--rejected", target, says=(str(target), "does not exist")))
    assert not target.parent.exists()


def test_rejected_onto_an_existing_file(eng, tmp_path):
    target = tmp_path / "rejected.csv"
    target.write_text("the client's earlier list", encoding="utf-8")
    one_message(refused("validate", eng, "--rejected", target, says=(str(target), "file exists")))
    assert target.read_text(encoding="utf-8") == "the client's earlier list"


# -- run folders left "running" ----------------------------------------------------------------------
def _left_running(eng: Path, name: str, **process) -> Path:
    folder = eng / "output" / name
    folder.mkdir(parents=True)
    manifest = {"status": "running", "command": "run", **process}
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return folder


def _dead_pid() -> tuple[int, float]:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    started = psutil.Process(proc.pid).create_time()
    proc.wait()
    return proc.pid, started


def test_an_abandoned_folder_is_reported_by_validate(eng):
    pid, started = _dead_pid()
    host = socket.gethostname()
    folder = _left_running(eng, "2026-01-05_101500", pid=pid, host=host, process_started=started)
    out = cli("validate", eng).output
    assert (
        f"note: output/2026-01-05_101500 was abandoned (its run, pid {pid}, stopped without finishing)" in out
    )
    assert _manifest(folder)["status"] == "abandoned"
    assert "abandoned" not in cli("validate", eng).output  # said once


def test_a_recycled_pid_does_not_pass_for_the_run(eng):
    mine = psutil.Process()  # alive, but started long after the run's process did
    started = mine.create_time() - 3600
    _left_running(eng, "old", pid=mine.pid, host=socket.gethostname(), process_started=started)
    assert "output/old was abandoned" in cli("validate", eng).output


def test_a_live_run_is_not_reported(eng):
    me = runfolder.identity()
    folder = _left_running(eng, "live", **me)
    assert "note:" not in cli("validate", eng).output
    assert _manifest(folder)["status"] == "running"


def test_a_folder_running_on_another_host(eng):
    folder = _left_running(eng, "elsewhere", pid=4242, host="consultant-laptop", process_started=1.0)
    out = cli("validate", eng).output
    assert "output/elsewhere is marked running on consultant-laptop (cannot tell whether it is alive)" in out
    assert _manifest(folder)["status"] == "running"


# -- who may read a run folder ------------------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.xdist_group("demo")
def test_run_folder_is_the_users_only(demo_run):
    modes = {p: stat.S_IMODE(p.stat().st_mode) for p in [demo_run, *demo_run.rglob("*")]}
    wrong = {str(p): oct(m) for p, m in modes.items() if m != (0o700 if p.is_dir() else 0o600)}
    assert wrong == {}
    assert {"notebooks", "tables", "intake", "report.pdf", "workbook.xlsx"} <= {p.name for p in modes}
