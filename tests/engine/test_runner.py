import hashlib
import json
import os
import shutil
import stat

import nbformat
import pytest

from salesaudit.engine import outputs, runner
from salesaudit.exceptions import SalesAuditError, StageError
from tests.files import file_hashes

AUDIT = runner.STAGES[:1]


def test_run_writes_the_contract_and_a_manifest(tiny, tmp_path):
    umask = os.umask(0o022)
    out = runner.run(tiny, out=tmp_path / "out", stages=AUDIT, progress=lambda _: None)
    assert os.umask(umask) == 0o022  # the run's umask 077 is undone
    # the client's data are the user's only: every folder 0700, every file 0600 (issue 13)
    modes = {str(p.relative_to(out)): stat.S_IMODE(p.stat().st_mode) for p in [out, *out.rglob("*")]}
    assert {k: m for k, m in modes.items() if m != (0o700 if (out / k).is_dir() else 0o600)} == {}
    assert {"notebooks", "tables", "intake", "report.pdf"} <= set(modes)
    for name in (
        "report.html",
        "report.pdf",
        "workbook.xlsx",
        "manifest.json",
        "tables/rejected_rows.csv",
        "tables/rejected_rows.parquet",
        "notebooks/01_audit.ipynb",
    ):
        assert (out / name).is_file(), name
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["engagement"] == str(tiny.resolve())
    assert manifest["status"] == "ok"
    sales = manifest["inputs"][0]
    assert sales["sha256"] == hashlib.sha256((tiny / "data" / "sales.csv").read_bytes()).hexdigest()
    assert sales["rows_read"] == sales["rows_used"] + sales["rows_rejected"]
    assert set(manifest["timings"]) >= {"intake", "audit", "report", "total"}
    rejected = outputs.read_table(out, "rejected_rows")
    assert {"file", "row", "reason"} <= set(rejected.columns)


def test_default_output_folder_is_new_and_dated(tiny):
    first = runner.run(tiny, stages=AUDIT, progress=lambda _: None, report=False)
    second = runner.run(tiny, stages=AUDIT, progress=lambda _: None, report=False)
    assert first != second
    assert first.parent == second.parent == tiny.resolve() / "output"


def test_out_folder_that_is_not_empty_is_refused(tiny, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("earlier work")
    with pytest.raises(SalesAuditError, match="not empty"):
        runner.run(tiny, out=out, stages=AUDIT, progress=lambda _: None)
    assert (out / "keep.txt").read_text() == "earlier work"


def test_failing_cell_stops_the_run_and_leaves_earlier_output_intact(tiny, tmp_path):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    shutil.copy(runner.NOTEBOOKS / "01_audit.ipynb", notebooks / "01_audit.ipynb")
    nb = nbformat.read(str(runner.NOTEBOOKS / "01_audit.ipynb"), as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("raise ValueError('a broken cell')"))
    nbformat.write(nb, str(notebooks / "02_broken.ipynb"))
    stages = (runner.Stage("audit", "01_audit.ipynb"), runner.Stage("clients", "02_broken.ipynb"))

    good = runner.run(
        tiny, out=tmp_path / "good", stages=stages[:1], notebooks=notebooks, progress=lambda _: None
    )
    before = file_hashes(good)
    with pytest.raises(StageError) as err:
        runner.run(tiny, out=tmp_path / "bad", stages=stages, notebooks=notebooks, progress=lambda _: None)
    assert err.value.stage == "clients"
    assert "a broken cell" in str(err.value)
    partial = nbformat.read(err.value.notebook, as_version=4)
    assert any(o.get("ename") == "ValueError" for c in partial.cells for o in c.get("outputs", []))
    assert json.loads((tmp_path / "bad" / "manifest.json").read_text())["status"] == "failed"
    assert file_hashes(good) == before


def test_parameters_are_checked_before_any_kernel(tiny, tmp_path):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_code_cell("x = 1"))
    nbformat.write(nb, str(notebooks / "01_audit.ipynb"))
    with pytest.raises(SalesAuditError, match="parameters"):
        runner.run(tiny, out=tmp_path / "o", stages=AUDIT, notebooks=notebooks, progress=lambda _: None)
    assert not (tmp_path / "o").exists()


def _notebook(path, *cells):
    """A stage notebook: the runner's parameters cell, then ``cells`` of code."""
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell("engagement = None\nrun_dir = None")
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, *(nbformat.v4.new_code_cell(code) for code in cells)]
    nbformat.write(nb, str(path))


def test_each_stage_starts_with_a_clean_namespace(tiny, tmp_path, monkeypatch):
    monkeypatch.setattr(runner, "MAX_KERNELS", 1)  # both stages in one kernel: the reset must hold
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    # the kernel's warm-up imports leave no names behind either
    _notebook(
        notebooks / "01_first.ipynb",
        "assert 'pandas' not in dir() and 'catalog' not in dir()",
        "findings = 1",
    )
    _notebook(notebooks / "02_leaning.ipynb", "print(findings)")  # a variable of the first stage
    stages = (runner.Stage("audit", "01_first.ipynb"), runner.Stage("clients", "02_leaning.ipynb"))
    with pytest.raises(StageError, match="NameError") as err:
        runner.run(tiny, out=tmp_path / "o", stages=stages, notebooks=notebooks, progress=lambda _: None)
    assert err.value.stage == "clients"
    assert json.loads((tmp_path / "o" / "manifest.json").read_text())["kernels"] == 1


def _pid_and_clock(name):
    """Cells recording the kernel's pid and the stage's start and end (wall clock) in run_dir."""
    return (
        "import os, time, pathlib\n_start = time.time()",
        "time.sleep(1.5)",
        f"pathlib.Path(run_dir, '{name}.txt').write_text(f'{{os.getpid()}} {{_start}} {{time.time()}}')",
    )


def _clocks(folder, names):
    out = {}
    for name in names:
        pid, start, end = (folder / f"{name}.txt").read_text().split()
        out[name] = (int(pid), float(start), float(end))
    return out


def test_two_kernels_run_two_stages_at_once(tiny, tmp_path, monkeypatch):
    monkeypatch.setattr("salesaudit.engine.kernel.usable_cores", lambda: 2)
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    for name in ("a", "b", "c"):
        _notebook(notebooks / f"{name}.ipynb", *_pid_and_clock(name))
    stages = tuple(runner.Stage(n, f"{n}.ipynb") for n in ("a", "b", "c"))
    out = runner.run(
        tiny, out=tmp_path / "o", stages=stages, notebooks=notebooks, report=False, progress=lambda _: None
    )
    seen = _clocks(out, "abc")
    assert seen["a"][0] != seen["b"][0]  # the first two stages start on different kernels ...
    assert seen["b"][1] < seen["a"][2] and seen["a"][1] < seen["b"][2]  # ... and overlap in time
    assert seen["c"][0] in (seen["a"][0], seen["b"][0])  # the third waits for a free one
    assert seen["c"][1] >= min(seen["a"][2], seen["b"][2])
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["kernels"] == 2 and set(manifest["timings"]) >= {"a", "b", "c"}
    executed = nbformat.read(str(out / "notebooks" / "c.ipynb"), as_version=4)
    assert runner.RESET_TAG in executed.cells[0].metadata.get("tags", [])  # a used kernel is reset


def test_after_a_failure_no_new_stage_starts(tiny, tmp_path, monkeypatch):
    monkeypatch.setattr("salesaudit.engine.kernel.usable_cores", lambda: 2)
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    _notebook(notebooks / "a.ipynb", "raise ValueError('stage a is broken')")
    _notebook(notebooks / "b.ipynb", *_pid_and_clock("b"))
    _notebook(notebooks / "c.ipynb", *_pid_and_clock("c"))
    stages = tuple(runner.Stage(n, f"{n}.ipynb") for n in ("a", "b", "c"))
    with pytest.raises(StageError, match="stage a is broken") as err:
        runner.run(tiny, out=tmp_path / "o", stages=stages, notebooks=notebooks, progress=lambda _: None)
    assert err.value.stage == "a"
    assert (tmp_path / "o" / "b.txt").is_file()  # the stage already running finished
    assert not (tmp_path / "o" / "c.txt").exists()  # the next one never started
    assert json.loads((tmp_path / "o" / "manifest.json").read_text())["status"] == "failed"


def test_without_memory_for_two_copies_of_the_data_one_kernel_runs_every_stage(tiny, tmp_path, monkeypatch):
    monkeypatch.setattr("salesaudit.engine.kernel.usable_cores", lambda: 2)
    monkeypatch.setattr("salesaudit.engine.kernel.KERNEL_BASE_MEMORY", 2**60)  # no machine has room for two
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    for name in ("a", "b"):
        _notebook(notebooks / f"{name}.ipynb", *_pid_and_clock(name))
    stages = tuple(runner.Stage(n, f"{n}.ipynb") for n in ("a", "b"))
    lines = []
    out = runner.run(
        tiny, out=tmp_path / "o", stages=stages, notebooks=notebooks, report=False, progress=lines.append
    )
    seen = _clocks(out, "ab")
    assert seen["a"][0] == seen["b"][0] and seen["b"][1] >= seen["a"][2]  # one kernel, one after the other
    assert json.loads((out / "manifest.json").read_text())["kernels"] == 1
    assert any(line.startswith("memory: 1 kernel") for line in lines)


def test_two_kernels_writing_the_same_table_do_not_trip_over_each_other(tiny, tmp_path, monkeypatch):
    monkeypatch.setattr("salesaudit.engine.kernel.usable_cores", lambda: 2)
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    write = (
        "import pandas as pd\nfrom salesaudit.engine import outputs\n"
        "for _ in range(200):\n    outputs.save_table(pd.DataFrame({'x': range(500)}), 'same', run_dir=run_dir)"
    )
    for name in ("a", "b"):
        _notebook(notebooks / f"{name}.ipynb", write)
    stages = tuple(runner.Stage(n, f"{n}.ipynb") for n in ("a", "b"))
    out = runner.run(
        tiny, out=tmp_path / "o", stages=stages, notebooks=notebooks, report=False, progress=lambda _: None
    )
    assert len((out / "tables" / "same.csv").read_text().splitlines()) == 501
    assert len(outputs.read_table(out, "same")) == 500
    assert not list((out / "tables").glob("*.tmp"))


def test_a_kernel_listens_on_no_network_socket():
    """ipykernel's IOPub subprocess pipe would listen on 127.0.0.1; the runner's kernels open none."""
    import psutil

    from salesaudit.engine.kernel import local_kernels

    with local_kernels(1, warm=False) as kms:
        client = kms[0].client()
        client.start_channels()
        try:
            client.wait_for_ready(timeout=120)
            said = []
            hook = lambda m: said.append(m["content"].get("text", ""))  # noqa: E731
            reply = client.execute_interactive("print('over IPC')", timeout=60, output_hook=hook)
            assert reply["content"]["status"] == "ok" and "over IPC\n" in said  # output still comes
            kernel = psutil.Process(kms[0].provisioner.process.pid)
            assert "salesaudit.engine.lifetime" in kernel.cmdline()
            assert kernel.net_connections(kind="inet") == []
            assert kernel.net_connections(kind="unix")  # the IPC sockets
        finally:
            client.stop_channels()
