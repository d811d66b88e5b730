"""Many engagements in one command (salesaudit.engine.batch, batch_dask, batch_view and the portfolio
page): six generated clients, one with a mapping that names a column its sales file lacks, run as the
weekly flash on a process pool (through the command) and on a Dask LocalCluster; five reports, the
broken client listed with its message, a portfolio page as HTML and PDF."""

from __future__ import annotations

import io
import json
import re
import subprocess
from html import escape
from pathlib import Path

import pytest
from typer.testing import CliRunner

from salesaudit.cli import app
from salesaudit.demo.zoo import generate_profile
from salesaudit.engine.batch import Outcome, expand
from salesaudit.engine.batch_view import BatchView
from salesaudit.report.portfolio_page import render, write_portfolio

PROFILES = ("one_manager", "short_history", "sales_only", "empty_questionnaire", "english_usd")
BROKEN = "mid_window_start"
MESSAGE = "inputs.sales.columns.amount"


@pytest.fixture(scope="module")
def clients(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("batch") / "clients"
    for name in (*PROFILES, BROKEN):
        generate_profile(root / name, name)
    yaml = root / BROKEN / "engagement.yaml"
    text = yaml.read_text(encoding="utf-8")
    broken = re.sub(r"(\n      amount: ).*", r"\1No such column", text, count=1)
    assert broken != text
    yaml.write_text(broken, encoding="utf-8")
    return root


def _check(outcomes: list[Outcome], page: Path) -> None:
    """Five reports and the broken client failed with its message, all on the page and its PDF."""
    by_folder = {Path(o.folder).name: o for o in outcomes}
    assert sorted(by_folder) == sorted((*PROFILES, BROKEN))
    failed = [o for o in outcomes if not o.ok]
    assert [Path(o.folder).name for o in failed] == [BROKEN]
    assert MESSAGE in failed[0].message and failed[0].run_dir is None
    for name in PROFILES:
        o = by_folder[name]
        assert (Path(o.run_dir) / "report.html").is_file() and (Path(o.run_dir) / "report.pdf").is_file()
        assert Path(o.run_dir).parent == Path(o.folder).resolve() / "output"
        assert o.attainment is not None and o.alerts is not None and o.maturity is None
    html = page.read_text(encoding="utf-8")
    for o in outcomes:
        assert escape(o.client) in html
    assert html.count('href="../') == len(PROFILES) and MESSAGE in html
    text = subprocess.run(
        ["pdftotext", str(page.with_suffix(".pdf")), "-"], capture_output=True, text=True
    ).stdout
    flat = re.sub(r"\s", "", text)  # a long name wraps in its cell
    for o in outcomes:
        assert re.sub(r"\s", "", o.client) in flat, o.client
    assert page.with_suffix(".pdf").read_bytes()[:5] == b"%PDF-"


@pytest.mark.slow
@pytest.mark.xdist_group("batch")
def test_the_command_runs_each_client_alone_and_writes_the_portfolio(clients, tmp_path):
    out = tmp_path / "portfolio"
    result = CliRunner().invoke(
        app, ["weekly", str(clients / "*"), "--jobs", "2", "--out", str(out), "--language", "en"]
    )
    assert result.exit_code == 1, result.output
    assert "5 of 6 client(s) done, 1 failed" in result.stdout
    assert MESSAGE in result.stderr  # the failed client's message, as the single command prints it
    data = json.loads((out / "portfolio.json").read_text(encoding="utf-8"))
    outcomes = [Outcome(**row) for row in data]
    _check(outcomes, out / "portfolio.html")
    assert "Client portfolio" in (out / "portfolio.html").read_text(encoding="utf-8")


@pytest.mark.slow
@pytest.mark.xdist_group("batch")
def test_the_same_batch_on_a_dask_local_cluster(clients, tmp_path):
    from distributed import Client, LocalCluster

    from salesaudit.engine.batch_dask import release_kernels, run_batch_dask

    folders = expand([clients / "*"])
    seen: list = []
    try:
        with LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster:
            with Client(cluster) as client:
                outcomes = run_batch_dask(folders, client=client, done=seen.append)
    finally:
        release_kernels()  # the workers shared this process: their kept kernels end with the test
    assert len(seen) == 6
    page = write_portfolio(outcomes, tmp_path / "portfolio", lang="ru")
    _check(outcomes, page)


def test_a_pattern_that_matches_nothing_is_refused(tmp_path):
    result = CliRunner().invoke(app, ["weekly", str(tmp_path / "nothing-*")])
    assert result.exit_code == 1
    assert "matches no engagement folder" in result.stderr


def test_client_names_and_messages_are_escaped_and_nothing_links_out(tmp_path):
    from salesaudit.engine.templates import template_path
    from salesaudit.report.brand import load_brand
    from salesaudit.report.portfolio_page import check_page

    bad = '<script>alert(1)</script><a href="http://x">'
    outcomes = [
        Outcome(0, str(tmp_path / "a"), bad, "weekly", status="failed", message=bad),
        Outcome(1, str(tmp_path / "b"), "B", "weekly", status="ok", run_dir=str(tmp_path / "b" / "r")),
    ]
    page = render(
        outcomes, lang="en", brand=load_brand(template_path("brand.yml")), command="weekly", page_dir=tmp_path
    )
    assert "<script>" not in page and "&lt;script&gt;" in page
    check_page(page, outcomes, tmp_path)  # the relative link to b's report is the only one
    assert 'href="b/r/report.html"' in page


def test_the_view_prints_plain_lines_off_a_terminal():
    out = io.StringIO()
    with BatchView(["a", "b"], out) as view:
        view(0, "started")
        view(1, "started")
        view.finished(1, False, "no sales")
        view(1, "late line")  # from the listener thread, after the outcome: ignored
        view.finished(0, True)
    assert out.getvalue().splitlines() == [
        "[1/2] a: running",
        "[2/2] b: running",
        "[2/2] b: failed: no sales",
        "[1/2] a: ok",
    ]
    assert view.counts() == {"queued": 0, "running": 0, "ok": 1, "failed": 1}
