"""The corpus of client shapes (issue 12): every client goes through ``salesaudit validate`` and then
``salesaudit run`` as a consultant would run them (the command line called in this process; all but
one English client without the PDF, see :data:`FULL_REPORT`), and the run's figures are checked against numbers
computed independently from the raw files (:mod:`tests.corpus_expected`). The broken variants must stop
at ``validate`` with one message naming the wrong setting.

Run times of each client (validate, run) are written to ``corpus_times.json`` in pytest's base temp
folder (and to ``$SALESAUDIT_CORPUS_TIMES`` when set) and printed.
"""

from __future__ import annotations

import json
import os
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from salesaudit.engine.outputs import read_table
from tests.corpus.make_corpus import BROKEN, CLIENTS, generate
from tests.corpus_expected import EXPECTED

GOOD = sorted(CLIENTS)


def _each(names) -> list:
    """One xdist group per client, so that all tests of a client run in the process that ran it once,
    and the clients spread over the workers."""
    return [pytest.param(n, marks=[pytest.mark.slow, pytest.mark.xdist_group(f"corpus_{n}")]) for n in names]


def _one(name: str):
    return pytest.mark.parametrize("name", _each([name]))


def test_every_client_has_its_expected_figures():
    assert set(EXPECTED) == set(CLIENTS)
    assert {c.language for c in CLIENTS.values()} == {"ru", "en"}


def test_generator_is_deterministic(tmp_path):
    names = ["ru_gz_zip_kzt", "ru_amocrm_deals", "broken_date_format"]
    for out in ("a", "b"):
        for name in names:
            generate(name, tmp_path / out)
    for name in names:
        first = sorted(
            p.relative_to(tmp_path / "a") for p in (tmp_path / "a" / name).rglob("*") if p.is_file()
        )
        second = sorted(
            p.relative_to(tmp_path / "b") for p in (tmp_path / "b" / name).rglob("*") if p.is_file()
        )
        assert first == second
        for rel in first:
            assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes(), rel


def test_clients_vary_in_language_currency_country_and_formats(tmp_path):
    import yaml

    seen: dict[str, set] = {
        "language": set(),
        "currency": set(),
        "country": set(),
        "encoding": set(),
        "delimiter": set(),
        "date_format": set(),
    }
    for name in GOOD:
        eng = yaml.safe_load((generate(name, tmp_path) / "engagement.yaml").read_text(encoding="utf-8"))
        for key in ("language", "currency", "country"):
            seen[key].add(eng[key])
        for spec in eng["inputs"].values():
            for key in ("encoding", "delimiter", "date_format"):
                seen[key].add(spec.get("read", {}).get(key))
    assert len(seen["currency"]) >= 4 and len(seen["country"]) >= 4 and seen["language"] == {"ru", "en"}
    assert "cp1251" in seen["encoding"] and {";", ",", None} <= seen["delimiter"]
    assert len(seen["date_format"]) >= 6


# ------------------------------------------------------------------------------------------------
# Whole runs


@dataclass
class Done:
    """What a command left: its exit code and its two streams (as ``subprocess.CompletedProcess``)."""

    returncode: int
    stdout: str = ""
    stderr: str = ""


@dataclass
class Outcome:
    folder: Path
    validate: Done
    run: Done | None
    out: Path
    seconds: dict[str, float]

    def ran(self) -> Path:
        """The run folder; fails the test (never skips it) with the CLI's message when validate or
        run did not exit 0."""
        if self.validate.returncode != 0:
            pytest.fail(f"validate exit {self.validate.returncode}: {self.validate.stderr.strip()[-1500:]}")
        if self.run is None or self.run.returncode != 0:
            pytest.fail(
                f"validate exit 0 but run exit {self.run.returncode}: {self.run.stderr.strip()[-1500:]}"
            )
        return self.out


FULL_REPORT = {"en_salesforce_usd"}
"""Clients run as ``salesaudit run`` with the whole report (HTML, PDF, workbook): one, in English (the
Russian PDF is the demo's, tests/test_end_to_end.py); the others run every stage and get the HTML report and the workbook, not the PDF (the PDF printer does not
depend on the client's shape, and it is most of a small run's report time)."""


def _cli(*args) -> tuple[Done, float]:
    """The command line, in this process (no interpreter and imports to start per command)."""
    from typer.testing import CliRunner

    from salesaudit.cli import app

    start = time.perf_counter()
    result = CliRunner().invoke(app, list(map(str, args)))
    stderr = result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        stderr += "".join(traceback.format_exception(result.exception))
    return Done(result.exit_code, result.stdout, stderr), time.perf_counter() - start


def _run_without_pdf(folder: Path, out: Path) -> tuple[Done, float]:
    """Every stage, then the HTML report and the workbook of the run (``salesaudit.run(pdf=False)``)."""
    import salesaudit

    start = time.perf_counter()
    try:
        salesaudit.run(folder, out=out, progress=None, pdf=False)
        done = Done(0)
    except Exception:  # the test fails with the traceback, as with a CLI's stderr
        done = Done(1, stderr=traceback.format_exc())
    return done, time.perf_counter() - start


class _Corpus:
    """Generates each client on first use and runs validate (then run, when validate passed) once."""

    def __init__(self, root: Path, times: Path):
        self.root, self.times, self.done = root, times, {}

    def __call__(self, name: str) -> Outcome:
        if name not in self.done:
            folder = generate(name, self.root / "clients")
            out = self.root / "runs" / name
            validate, t_validate = _cli("validate", folder)
            seconds = {"validate": round(t_validate, 2)}
            run = None
            if validate.returncode == 0 and name in CLIENTS:
                if name in FULL_REPORT:
                    run, t_run = _cli("run", folder, "--out", out)
                else:
                    run, t_run = _run_without_pdf(folder, out)
                seconds["run"] = round(t_run, 2)
            self.done[name] = Outcome(folder, validate, run, out, seconds)
            self._record(name)
        return self.done[name]

    def _record(self, name: str) -> None:
        o = self.done[name]
        entry = {
            **o.seconds,
            "validate_exit": o.validate.returncode,
            "run_exit": None if o.run is None else o.run.returncode,
        }
        for path in filter(None, [self.times, os.environ.get("SALESAUDIT_CORPUS_TIMES")]):
            path = Path(path)
            data = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
            data[name] = entry
            path.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
        print(f"corpus {name}: {entry}")


@pytest.fixture(scope="session")
def corpus(tmp_path_factory) -> _Corpus:
    root = tmp_path_factory.mktemp("corpus")
    return _Corpus(root, tmp_path_factory.getbasetemp() / "corpus_times.json")


def _table(run_dir: Path, name: str) -> pd.DataFrame:
    return read_table(run_dir, name)


@pytest.mark.parametrize("name", _each(GOOD))
def test_validate_then_run_exit_0(corpus, name):
    outcome = corpus(name)
    run_dir = outcome.ran()
    manifest = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "ok"
    for nb in ("01_audit", "02_clients", "03_plan", "04_weekly"):
        assert (run_dir / "notebooks" / f"{nb}.ipynb").is_file(), nb
    for entry in manifest["inputs"]:
        assert entry["rows_read"] == entry["rows_used"] + entry["rows_rejected"], entry


@pytest.mark.parametrize("name", _each(GOOD))
def test_rows_read_used_per_raw_file(corpus, name):
    run_dir = corpus(name).ran()
    expect = EXPECTED[name](corpus(name).folder)
    acc = _table(run_dir, "row_accounting")
    assert (acc["rows_read"] == acc["rows_used"] + acc["rows_rejected"]).all(), acc
    for source in expect.sources:
        lines = acc[
            (acc["table"] == source.table)
            & acc["file"].map(lambda f, s=source: any(x in f for x in s.labels))
        ]
        assert len(lines), (
            f"no accounting line of {source.table} for {source.labels}: {acc.to_dict('records')}"
        )
        assert (lines["rows_read"].sum(), lines["rows_used"].sum()) == (source.read, source.used), source


@pytest.mark.parametrize("name", _each(GOOD))
def test_net_revenue_and_clients_of_used_sales(corpus, name):
    run_dir = corpus(name).ran()
    expect = EXPECTED[name](corpus(name).folder)
    sales = pd.read_parquet(run_dir / "intake" / "sales.parquet")
    assert sales["amount"].sum() == pytest.approx(expect.revenue, abs=0.01 + 1e-12 * abs(expect.revenue))
    assert sales["client_id"].astype(str).nunique() == expect.clients


@_one("ru_exclude_cancelled")
def test_exclude_filters_reject_the_rows_they_name(corpus, name):
    run_dir = corpus(name).ran()
    expect = EXPECTED[name](corpus(name).folder)
    rejected = _table(run_dir, "rejected_rows")
    text = rejected["reason"].fillna("") + " " + rejected["detail"].fillna("")
    for filt, count in expect.excluded.items():
        hit = rejected[text.str.contains(f"exclude.{filt}", regex=False)]
        assert hit[["file", "row"]].drop_duplicates().shape[0] == count, filt
        assert hit["reason"].str.contains(f"filtered out by exclude.{filt}", regex=False).all()


@pytest.mark.parametrize("name", _each(["ru_amocrm_deals", "en_salesforce_usd", "en_hubspot_default_pay"]))
def test_open_deals_without_amount_stay_in_the_pipeline(corpus, name):
    run_dir = corpus(name).ran()
    expect = EXPECTED[name](corpus(name).folder)
    assert len(expect.open_without_amount) >= 10
    pipeline = pd.read_parquet(run_dir / "intake" / "pipeline.parquet")
    pipeline = pipeline.assign(deal_id=pipeline["deal_id"].astype(str)).set_index("deal_id")
    missing = expect.open_without_amount - set(pipeline.index)
    assert not missing, f"{len(missing)} open deals without amount are not in the pipeline"
    assert pipeline.loc[sorted(expect.open_without_amount), "amount"].isna().all()


@_one("ru_lookups_staff")
def test_lookups_give_manager_names_and_regional_managers(corpus, name):
    run_dir = corpus(name).ran()
    expect = EXPECTED[name](corpus(name).folder)
    sales = pd.read_parquet(run_dir / "intake" / "sales.parquet")
    by_manager = sales.groupby(sales["manager"].astype(str))["amount"].sum().round(2).to_dict()
    assert by_manager == pytest.approx(expect.sales_by_manager)
    clients = pd.read_parquet(run_dir / "intake" / "clients.parquet")
    got = dict(zip(clients["client_id"].astype(str), clients["manager"].astype(str), strict=True))
    assert got == expect.client_manager


@_one("ru_names_spaces")
def test_names_match_across_tables_despite_spaces_quotes_and_case(corpus, name):
    run_dir = corpus(name).ran()
    expect = EXPECTED[name](corpus(name).folder)
    clients = _table(run_dir, "clients")
    assert len(clients) == expect.clients  # one row per client, not one per spelling
    assert clients["potential"].notna().all(), clients.loc[clients["potential"].isna(), "client_id"].tolist()
    ceiling = _table(run_dir, "income_ceiling")
    assert len(ceiling) == 3 and ceiling["salary"].notna().all(), ceiling[["manager", "salary"]]


@_one("en_hubspot_default_pay")
def test_default_pay_from_engagement_yaml(corpus, name):
    run_dir = corpus(name).ran()
    ceiling = _table(run_dir, "income_ceiling")
    assert len(ceiling) == 4
    assert (ceiling["salary"] == 4500).all() and (ceiling["commission_rate"] == 0.05).all(), ceiling


@_one("en_year_edge_eur")
def test_year_edge_tracks_a_week_of_the_plan_year(corpus, name):
    run_dir = corpus(name).ran()
    week = _table(run_dir, "tracking_week")
    assert len(week)
    assert (pd.to_datetime(week["week_end"]) >= "2026-01-01").all(), week[
        ["iso_week", "week_start", "week_end"]
    ]


# name: texts the one message must hold (the wrong value and where it is)
BROKEN_MESSAGES = {
    "broken_mistyped_manager": ["Менеджр", "Продажи_2024_2025.csv", "Менеджер"],
    "broken_mistyped_margin": ["Валовая прибыл", "1c_sales_2023-2025.xlsx", "Валовая прибыль"],
    "broken_date_format": ["%m.%d.%Y", "stroki_zakazov.csv"],
}


def test_every_broken_variant_has_its_message():
    assert set(BROKEN_MESSAGES) == set(BROKEN)


@pytest.mark.parametrize("name", _each(sorted(BROKEN)))
def test_wrong_setting_stops_validate_with_one_message(corpus, name):
    outcome = corpus(name)
    stderr = outcome.validate.stderr
    assert outcome.validate.returncode == 1, (
        f"validate exit {outcome.validate.returncode}; stderr: {stderr[-800:]}"
    )
    assert "Traceback" not in stderr
    assert len([line for line in stderr.splitlines() if line.startswith("error:")]) == 1, stderr
    for text in BROKEN_MESSAGES[name]:
        assert text in stderr, (text, stderr)
    if name == "broken_date_format":  # two of the rejected values are named
        dates = pd.read_csv(outcome.folder / "data" / "stroki_zakazov.csv", sep=";", dtype=str)["Дата"]
        bad = dates[dates.str.slice(0, 2).astype(int) > 12]
        assert sum(value in stderr for value in bad.unique()) >= 2, stderr
