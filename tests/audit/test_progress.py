"""Progress since the last audit, on small frames whose answers are known (salesaudit.audit.progress)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from salesaudit.audit import progress, progress_words
from salesaudit.audit.progress import _view
from salesaudit.engine.outputs import save_table
from salesaudit.exceptions import SalesAuditError


def _findings(**statuses):
    ids = list(statuses)
    return pd.DataFrame(
        {
            "check_id": ids,
            "area": [i.split(".")[0] for i in ids],
            "title": [f"title of {i}" for i in ids],
            "status": list(statuses.values()),
        }
    )


def _pair(**kw):
    before = {k[:-2]: v for k, v in kw.items() if k.endswith("_a")}
    after = {k[:-2]: v for k, v in kw.items() if k.endswith("_b")}
    return (
        _view(folder=Path("a"), as_of=pd.Timestamp("2026-03-04"), **before),
        _view(folder=Path("b"), as_of=pd.Timestamp("2026-04-15"), **after),
    )


def test_checks_that_changed_carry_their_direction_and_the_unchanged_are_left_out():
    a = _findings(**{"plans.x": "problem", "plans.y": "ok", "clients.z": "unknown", "clients.w": "warning",
                     "funnel.v": "ok", "funnel.gone": "problem"})  # fmt: skip
    b = _findings(**{"plans.x": "warning", "plans.y": "problem", "clients.z": "ok", "clients.w": "warning",
                     "funnel.v": "unknown", "people.new": "ok"})  # fmt: skip
    changes = progress.check_changes(*_pair(findings_a=a, findings_b=b))
    got = dict(zip(changes["check_id"], changes["direction"], strict=True))
    assert got == {
        "plans.x": "better",
        "plans.y": "worse",
        "clients.z": "assessed",
        "people.new": "assessed",  # not in the earlier run: now assessed
        "funnel.v": "unassessed",
        "funnel.gone": "unassessed",  # no longer in the later run
    }
    assert list(changes["direction"]) == sorted(
        changes["direction"], key=["better", "worse", "assessed", "unassessed"].index
    )
    gone = changes.set_index("check_id").loc["funnel.gone"]
    assert gone["title"] == "title of funnel.gone" and pd.isna(gone["now"]) and gone["area"] == "funnel"


def test_maturity_then_and_now_per_area_with_overall_last():
    m_a = pd.DataFrame({"area": ["overall", "plans_pay", "clients"], "score": [30.0, 10.0, 50.0],
                        "level": ["initial", "initial", "developing"]})  # fmt: skip
    m_b = pd.DataFrame({"area": ["plans_pay", "clients", "people", "overall"], "score": [25.0, 45.0, 60.0, 43.0],
                        "level": ["initial", "developing", "developing", "developing"]})  # fmt: skip
    m = progress.maturity_change(*_pair(maturity_a=m_a, maturity_b=m_b)).set_index("area")
    assert list(m.index) == ["plans_pay", "clients", "people", "overall"]
    assert m.loc["plans_pay", "change"] == 15.0 and m.loc["clients", "change"] == -5.0
    assert pd.isna(m.loc["people", "then"]) and pd.isna(m.loc["people", "change"])
    assert (m.loc["overall", "level_then"], m.loc["overall", "level_now"]) == ("initial", "developing")


def test_figures_then_and_now_keep_the_later_order_and_a_missing_figure_stays_missing():
    f_a = pd.DataFrame({"figure": ["revenue", "prev_days", "growth", "top1_share"],
                        "value": [100.0, 200, None, 0.2], "kind": ["money", "int", "percent", "percent"]})  # fmt: skip
    f_b = pd.DataFrame({"figure": ["revenue", "growth", "top1_share", "a_clients"],
                        "value": [130.0, 0.3, 0.15, 12], "kind": ["money", "percent", "percent", "int"]})  # fmt: skip
    f = progress.figure_changes(*_pair(figures_a=f_a, figures_b=f_b))
    assert list(f["figure"]) == ["revenue", "growth", "top1_share", "a_clients"]  # prev_days: a footnote
    row = f.set_index("figure")
    assert row.loc["revenue", "change"] == 30.0
    assert pd.isna(row.loc["growth", "then"]) and pd.isna(row.loc["growth", "change"])
    assert row.loc["top1_share", "change"] == pytest.approx(-0.05)
    shown = progress_words.figures_shown(progress.compare(*_pair(figures_a=f_a, figures_b=f_b)), lang="en")
    assert shown.set_index("figure").loc["Largest client's share", "change"] == "-5 pp"
    assert shown.set_index("figure").loc["Revenue", "change"] == "+₽30"


def test_migration_counts_every_client_of_either_run_once():
    c_a = pd.DataFrame({"client_id": ["k1", "k2", "k3", "k4", "k5"], "segment": ["A", "A", "B", "C", "D"],
                        "lost": [False, False, False, False, True]})  # fmt: skip
    c_b = pd.DataFrame({"client_id": ["k1", "k2", "k3", "k6", "k5"], "segment": ["A", "C", "A", "A", "D"],
                        "lost": [False, False, False, False, True]})  # fmt: skip
    before, after = _pair(clients_a=c_a, clients_b=c_b)
    m = progress.migration_between(before, after)
    assert int(m.to_numpy().sum()) == len({*c_a["client_id"], *c_b["client_id"]})
    assert int(m.loc["A", "A"]) == 1 and int(m.loc["A", "C"]) == 1 and int(m.loc["B", "A"]) == 1
    assert int(m.loc["C", "none"]) == 1 and int(m.loc["none", "A"]) == 1 and int(m.loc["lost", "lost"]) == 1
    sentence = progress_words.migration_sentence(progress.compare(before, after), lang="en")
    assert sentence == ("A clients at the last audit: 2; still A: 1, down to B–D: 1, lost or gone from the "
                        "data: 0. Became A: 2.")  # fmt: skip
    assert progress.migration_between(*_pair(clients_a=c_a)) is None


def _plan_weeks():
    """Two managers' week-parts from 2026-03-02 to 2026-04-19 (Monday to Sunday; March and April split)."""
    rows = []
    for start in pd.date_range("2026-03-02", "2026-04-13", freq="7D"):
        end = start + pd.Timedelta(days=6)
        parts = [(start, end)] if start.month == end.month else [
            (start, pd.Timestamp(end.year, end.month, 1) - pd.Timedelta(days=1)),
            (pd.Timestamp(end.year, end.month, 1), end)]  # fmt: skip
        for a, b in parts:
            for manager, per_day in (("Ann", 100), ("Bob", 50)):
                rows.append({"manager": manager, "period": a.strftime("%Y-%m"), "week_start": a, "week_end": b,
                             "plan": per_day * ((b - a).days + 1)})  # fmt: skip
    return pd.DataFrame(rows)


def test_the_plan_handed_over_against_the_sales_since():
    days = pd.date_range("2026-02-20", "2026-04-30")
    sales = pd.DataFrame({"date": days, "amount": 90.0, "manager": "Ann"})
    sales = pd.concat(
        [sales, pd.DataFrame({"date": days, "amount": 10.0, "manager": pd.NA})], ignore_index=True
    )
    before, after = _pair(plan_weekly_a=_plan_weeks())
    p = progress.plan_since(before, after, sales=sales)
    months = p["months"].set_index("period")
    # handed over on 2026-03-04 (a Wednesday): the first week-part after it starts Monday 2026-03-09;
    # the later data end on Wednesday 2026-04-15: the last week-part ended by then is 2026-04-06..12
    assert months.loc["total", "start"] == pd.Timestamp("2026-03-09")
    assert months.loc["total", "end"] == pd.Timestamp("2026-04-12")
    assert months.loc["2026-03", "plan"] == 150 * 23 and months.loc["2026-04", "plan"] == 150 * 12
    assert months.loc["2026-03", "fact"] == 100 * 23 and months.loc["2026-04", "fact"] == 100 * 12
    assert months.loc["total", "attainment"] == pytest.approx(100 / 150)
    managers = p["managers"].set_index("manager")
    assert managers.loc["Ann", "fact"] == 90 * 35 and managers.loc["Bob", "fact"] == 0
    assert managers.loc["Ann", "attainment"] == pytest.approx(0.9)
    assert managers.loc["", "fact"] == 10 * 35 and pd.isna(managers.loc["", "plan"])
    assert managers["fact"].sum() == months.loc["total", "fact"]  # every sale counted once
    anonymous = progress.plan_since(before, after, sales=sales.drop(columns="manager"))
    assert anonymous["managers"].empty and anonymous["months"].equals(p["months"])  # no manager: not 0
    found = progress.compare(before, after)
    found = progress.Progress(**{**found.__dict__, "plan": p})  # the sales given here, not a folder's
    assert progress_words.plan_sentence(found, lang="en") == (
        "From 3/9/26 to 4/12/26: ₽3,500 sold against a plan of ₽5,250, 67% of the plan handed over after "
        "the audit."
    )


def test_no_week_of_the_plan_has_ended_since_the_handover():
    before = _view(folder=Path("a"), as_of=pd.Timestamp("2026-04-14"), plan_weekly=_plan_weeks())
    after = _view(folder=Path("b"), as_of=pd.Timestamp("2026-04-15"))
    sales = pd.DataFrame({"date": [pd.Timestamp("2026-04-14")], "amount": [5.0], "manager": ["Ann"]})
    p = progress.plan_since(before, after, sales=sales)
    assert p["months"].empty and p["managers"].empty
    found = progress.Progress(before=before, after=after, maturity=pd.DataFrame(columns=["area", "then", "now"]),
                              checks=pd.DataFrame(), figures=pd.DataFrame(), migration=None, plan=p)  # fmt: skip
    assert progress_words.plan_sentence(found, lang="en") == (
        "No week of the plan has ended since 4/14/26: there is no attainment to show yet."
    )
    without = progress.Progress(**{**found.__dict__, "before": _view(folder=Path("a"))})
    assert progress_words.plan_sentence(without, lang="en").startswith("The earlier run has no weekly plan")


def test_the_sentences_count_what_the_tables_list():
    a = _findings(**{"plans.x": "problem", "plans.y": "ok", "clients.z": "unknown"})
    b = _findings(**{"plans.x": "ok", "plans.y": "ok", "clients.z": "warning"})
    found = progress.compare(*_pair(findings_a=a, findings_b=b))
    assert progress_words.checks_sentence(found, lang="en") == (
        "Checks: 1 better, 0 worse, 1 newly assessed, 0 no longer assessed."
    )
    same = progress.compare(*_pair(findings_a=a, findings_b=a))
    assert progress_words.checks_sentence(same, lang="ru") == "Ни одна проверка не сменила статус."


def _run_folder(root: Path, name: str, **manifest) -> Path:
    folder = root / name
    (folder / "tables").mkdir(parents=True)
    base = {"status": "ok", "command": "run", "parameters": {"as_of": "2026-03-04", "language": "en"}}
    (folder / "manifest.json").write_text(json.dumps(base | manifest), encoding="utf-8")
    return folder


def test_a_folder_that_is_not_a_finished_full_run_is_refused_by_name(tmp_path):
    with pytest.raises(SalesAuditError, match="no readable manifest") as exc:
        progress.load_run(tmp_path)
    assert exc.value.file == str(tmp_path.resolve())
    with pytest.raises(SalesAuditError, match="did not finish"):
        progress.load_run(_run_folder(tmp_path, "failed", status="failed"))
    with pytest.raises(SalesAuditError, match="'weekly' run"):
        progress.load_run(_run_folder(tmp_path, "flash", command="weekly"))
    with pytest.raises(SalesAuditError, match="no maturity, findings table"):
        progress.load_run(_run_folder(tmp_path, "empty"))


def test_the_earlier_run_goes_first(tmp_path):
    folders = []
    for name, as_of in (("old", "2026-03-04"), ("new", "2026-04-15")):
        folder = _run_folder(tmp_path, name, parameters={"as_of": as_of, "language": "en"})
        save_table(pd.DataFrame({"area": ["overall"], "score": [30.0], "level": ["initial"]}), "maturity",
                   run_dir=folder)  # fmt: skip
        save_table(_findings(**{"plans.x": "problem"}), "findings", run_dir=folder)
        folders.append(folder)
    found = progress.compare(*folders)
    assert found.before.as_of == pd.Timestamp("2026-03-04") and found.migration is None
    with pytest.raises(SalesAuditError, match="newer") as exc:
        progress.compare(folders[1], folders[0])
    assert "salesaudit compare EARLIER LATER" in exc.value.hint
    with pytest.raises(SalesAuditError, match="same folder"):
        progress.compare(folders[0], folders[0])


def test_a_table_written_by_another_version_is_refused_by_its_file_and_column(tmp_path):
    folder = _run_folder(tmp_path, "old")
    save_table(
        pd.DataFrame({"area": ["overall"], "score": [30.0], "level": ["initial"]}), "maturity", run_dir=folder
    )
    save_table(pd.DataFrame({"check_id": ["plans.x"], "status": ["ok"]}), "findings", run_dir=folder)
    with pytest.raises(SalesAuditError, match="findings table has no column area, title") as exc:
        progress.load_run(folder)
    assert exc.value.file.endswith("tables/findings.parquet")


def test_a_change_agrees_with_the_two_figures_printed_beside_it():
    f_a = pd.DataFrame(
        {"figure": ["a_share", "maturity"], "value": [0.8004, 30.4], "kind": ["percent", "int"]}
    )
    f_b = pd.DataFrame(
        {"figure": ["a_share", "maturity"], "value": [0.8008, 30.6], "kind": ["percent", "int"]}
    )
    shown = progress_words.figures_shown(progress.compare(*_pair(figures_a=f_a, figures_b=f_b)), lang="en")
    rows = shown.set_index("figure")
    assert rows.loc["A clients' share of revenue"].tolist() == ["80.0%", "80.1%", "+0.1 pp"]
    assert rows.loc["Sales system maturity, out of 100"].tolist() == ["30", "31", "+1"]
