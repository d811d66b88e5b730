"""The run folder's tables: a Parquet copy for machines, a CSV for people, and readers of both ages."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from salesaudit.engine import outputs
from salesaudit.exceptions import SalesAuditError

PLAN = pd.DataFrame(
    {
        "manager": ["Иванов", "Петров"],
        "period": ["2026-01", "2026-02"],
        "iso_week": ["2026-W01", "2026-W06"],
        "week_start": pd.to_datetime(["2026-01-01", "2026-02-02"]),
        "week_end": pd.to_datetime(["2026-01-04", "2026-02-08"]),
        "plan": [1000.5, 0.0],
    }
)


def _old_run(folder, tables: dict[str, pd.DataFrame]):
    """A run folder as written before the Parquet copies: plain CSV only."""
    (folder / "tables").mkdir(parents=True)
    for name, df in tables.items():
        df.to_csv(folder / "tables" / f"{name}.csv", index=False, date_format="%Y-%m-%d")
    return folder


def test_save_table_writes_parquet_and_csv_atomically(tmp_path):
    df = pd.DataFrame({"a": [1, 2]})
    assert outputs.save_table(df, "t", run_dir=tmp_path) is df
    assert sorted(p.name for p in (tmp_path / "tables").iterdir()) == ["t.csv", "t.parquet"]
    assert outputs.save_table(df, "t", run_dir=None) is df


def test_read_table_gives_back_exact_values_and_types(tmp_path):
    df = pd.DataFrame(
        {
            "client_id": ["001", "ЦБ-7", None],
            "rank": pd.array([1, None, 3], dtype="Int64"),
            "amount": [0.1 + 0.2, -5.0, float("nan")],
            "day": pd.to_datetime(["2026-01-05", None, "2026-11-25"]),
            "flag": [True, False, True],
        }
    )
    outputs.save_table(df, "t", run_dir=tmp_path)
    back = outputs.read_table(tmp_path, "t")
    pd.testing.assert_frame_equal(back, df, check_dtype=False)
    assert back["client_id"].tolist()[0] == "001"  # a CSV would have read the number 1
    assert back["amount"].tolist()[0] == 0.1 + 0.2


def test_mixed_columns_and_non_text_names_are_kept_as_a_csv_shows_them(tmp_path):
    df = pd.DataFrame({0: ["x", 1.5, None], "b": [1, 2, 3]})
    outputs.save_table(df, "t", run_dir=tmp_path)
    back = outputs.read_table(tmp_path, "t")
    assert list(back.columns) == ["0", "b"]
    assert back["0"].tolist()[:2] == ["x", "1.5"] and pd.isna(back["0"].tolist()[2])


def test_repeated_column_names_are_numbered_as_a_csv_reader_numbers_them(tmp_path):
    outputs.save_table(pd.DataFrame([[1, 2, 3]], columns=["x", "x", "x"]), "t", run_dir=tmp_path)
    assert list(outputs.read_table(tmp_path, "t").columns) == ["x", "x.1", "x.2"]


def test_csv_follows_the_run_language_in_the_manifest(tmp_path):
    (tmp_path / "manifest.json").write_text(json.dumps({"parameters": {"language": "ru"}}), encoding="utf-8")
    outputs.save_table(pd.DataFrame({"a": [1.5]}), "t", run_dir=tmp_path)
    assert (tmp_path / "tables" / "t.csv").read_bytes().decode("utf-8-sig") == "a\r\n1,5\r\n"
    outputs.save_table(pd.DataFrame({"a": [1.5]}), "u", run_dir=tmp_path, lang="en")
    assert (tmp_path / "tables" / "u.csv").read_bytes().decode("utf-8-sig") == "a\r\n1.5\r\n"
    assert outputs.run_language(tmp_path / "elsewhere") == "en"


def test_read_table_of_a_run_from_before_reads_its_csv(tmp_path):
    run = _old_run(tmp_path / "old", {"t": pd.DataFrame({"a": ["x"], "n": [1]})})
    assert outputs.has_table(run, "t") and not outputs.has_table(run, "u")
    assert outputs.read_table(run, "t").to_dict("list") == {"a": ["x"], "n": [1]}
    assert list(outputs.read_tables(run)) == ["t"]
    with pytest.raises(SalesAuditError, match="no result table 'u'"):
        outputs.read_table(run, "u")


def test_read_tables_prefers_parquet_and_lists_each_table_once(tmp_path):
    outputs.save_table(pd.DataFrame({"a": ["=1+1"]}), "t", run_dir=tmp_path)
    tables = outputs.read_tables(tmp_path)
    assert list(tables) == ["t"] and tables["t"]["a"].tolist() == ["=1+1"]  # not the CSV's "'=1+1"


def test_read_plan_is_the_same_from_parquet_and_from_an_old_csv(tmp_path):
    new = tmp_path / "new"
    outputs.save_table(PLAN, "plan_weekly", run_dir=new)
    old = _old_run(tmp_path / "old", {"plan_weekly": PLAN})
    a, b = outputs.read_plan(new)["weekly"], outputs.read_plan(old)["weekly"]
    pd.testing.assert_frame_equal(a, b, check_dtype=False)
    assert pd.api.types.is_datetime64_any_dtype(a["week_start"]) and a["iso_week"].tolist() == [
        "2026-W01",
        "2026-W06",
    ]


@pytest.mark.parametrize("writer", ["parquet", "old csv"])
def test_latest_full_run_finds_a_plan_of_either_age(tmp_path, writer):
    run = tmp_path / "eng" / "output" / "2026-01-01_000000"
    if writer == "parquet":
        outputs.save_table(PLAN, "plan_weekly", run_dir=run)
    else:
        _old_run(run, {"plan_weekly": PLAN})
    (run / "manifest.json").write_text(json.dumps({"status": "ok", "command": "run"}), encoding="utf-8")
    assert outputs.latest_full_run(tmp_path / "eng") == run


def test_full_runs_are_the_finished_audits_newest_first_up_to_a_data_date(tmp_path):
    maturity = pd.DataFrame({"area": ["overall"], "score": [30.0], "level": ["initial"]})
    made = {}
    for name, status, command, as_of, audit in (
        ("2026-01-01_000000", "ok", "run", "2025-12-31", True),
        ("2026-02-01_000000", "ok", "run", "2026-01-31", True),
        ("2026-02-02_000000", "failed", "run", "2026-01-31", True),
        ("2026-02-03_000000_weekly", "ok", "weekly", "2026-01-31", True),
        ("2026-02-04_000000", "ok", "run", "2026-01-31", False),  # no audit tables
        ("2026-03-01_000000", "ok", "run", "2026-02-28", True),
    ):
        run = tmp_path / "eng" / "output" / name
        run.mkdir(parents=True)
        if audit:
            outputs.save_table(maturity, "maturity", run_dir=run)
        manifest = {"status": status, "command": command, "parameters": {"as_of": as_of}}
        (run / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
        made[name] = run
    runs = outputs.full_runs(tmp_path / "eng")
    assert runs == [made["2026-03-01_000000"], made["2026-02-01_000000"], made["2026-01-01_000000"]]
    assert outputs.full_runs(tmp_path / "eng", not_after="2026-02-15") == runs[1:]
    assert outputs.full_runs(tmp_path / "nowhere") == []
