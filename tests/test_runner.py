import hashlib
import json
import shutil

import nbformat
import pytest

from salesaudit import runner
from salesaudit.exceptions import SalesAuditError, StageError

AUDIT = runner.STAGES[:1]


def _tree_hashes(folder):
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_run_writes_the_contract_and_a_manifest(tiny, tmp_path):
    out = runner.run(tiny, out=tmp_path / "out", stages=AUDIT, progress=lambda _: None)
    for name in (
        "report.html",
        "report.pdf",
        "workbook.xlsx",
        "manifest.json",
        "tables/rejected_rows.csv",
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
    rejected = (out / "tables" / "rejected_rows.csv").read_text(encoding="utf-8").splitlines()[0]
    assert {"file", "row", "reason"} <= set(rejected.split(","))


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
    before = _tree_hashes(good)
    with pytest.raises(StageError) as err:
        runner.run(tiny, out=tmp_path / "bad", stages=stages, notebooks=notebooks, progress=lambda _: None)
    assert err.value.stage == "clients"
    assert "a broken cell" in str(err.value)
    partial = nbformat.read(err.value.notebook, as_version=4)
    assert any(o.get("ename") == "ValueError" for c in partial.cells for o in c.get("outputs", []))
    assert json.loads((tmp_path / "bad" / "manifest.json").read_text())["status"] == "failed"
    assert _tree_hashes(good) == before


def test_parameters_are_checked_before_any_kernel(tiny, tmp_path):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_code_cell("x = 1"))
    nbformat.write(nb, str(notebooks / "01_audit.ipynb"))
    with pytest.raises(SalesAuditError, match="parameters"):
        runner.run(tiny, out=tmp_path / "o", stages=AUDIT, notebooks=notebooks, progress=lambda _: None)
    assert not (tmp_path / "o").exists()


def test_each_stage_starts_with_a_clean_namespace(tiny, tmp_path):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    shutil.copy(runner.NOTEBOOKS / "01_audit.ipynb", notebooks / "01_audit.ipynb")
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell("engagement = None\nrun_dir = None")
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell("print(findings)")]  # a variable of 01_audit
    nbformat.write(nb, str(notebooks / "02_leaning.ipynb"))
    stages = (runner.Stage("audit", "01_audit.ipynb"), runner.Stage("clients", "02_leaning.ipynb"))
    with pytest.raises(StageError, match="NameError"):
        runner.run(tiny, out=tmp_path / "o", stages=stages, notebooks=notebooks, progress=lambda _: None)
