"""The report checker (``scripts/check_report.py``): each rule finds its defect in a small inline HTML
and passes the clean counterpart; then the checker on a real demo run (what it finds is printed)."""

from __future__ import annotations

import json
import sys
import types
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytest

from salesaudit.engine.outputs import save_table
from tests.scripts import load_script


@pytest.fixture(scope="module")
def checker():
    return load_script("check_report")


def _page(body: str, lang: str = "ru") -> str:
    return f'<!DOCTYPE html><html lang="{lang}"><head><title>t</title></head><body>{body}</body></html>'


def _kinds(found) -> list[str]:
    return [p.kind for p in found.problems]


# --------------------------------------------------------------------------------------------------
# raw keys


def test_raw_snake_case_keys_in_headers_cells_and_prose_are_found(checker):
    page = _page(
        "<h2>Портфели менеджеров</h2><table><tr><th>Менеджер</th><th>clients_A</th></tr>"
        "<tr><td>Иванов</td><td>data_status</td></tr></table>"
        "<p>Заполните a_client_interviews в анкете.</p><p>Статус: scorecard.status.ok</p>"
    )
    found = checker.check_html(page)
    keys = [p for p in found.problems if p.kind == "raw_key"]
    assert [p.text.split()[0] for p in keys] == ["clients_A", "data_status", "Заполните", "Статус:"]
    assert {p.section for p in keys} == {"Портфели менеджеров"}
    assert "a_client_interviews" in keys[2].text and "scorecard.status.ok" in keys[3].text


def test_translated_headers_file_names_and_client_text_are_no_raw_keys(checker):
    page = _page(
        "<h2>Портфели</h2><table><tr><th>Клиенты A</th><th>Клиенты D</th></tr>"
        "<tr><td>ООО «склад_1»</td><td>sales_2025.csv</td></tr></table>"
    )
    assert checker.check_html(page, client_texts={"ООО «склад_1»"}).problems == []


# --------------------------------------------------------------------------------------------------
# repeated sentences

_MISSED = "Сорванных месяцев, о которых недельный контроль предупредил бы заранее: 3."


def test_a_sentence_twice_in_one_headline_is_found(checker):
    page = _page(
        f'<h2>Главные выводы</h2><div class="headline problem"><div class="headline-title">Ежемесячная '
        f'отчётность</div><div class="headline-evidence">{_MISSED} {_MISSED}</div></div>'
        f"<ul><li>Первый пункт списка здесь. Первый пункт списка здесь.</li></ul>"
    )
    found = checker.check_html(page)
    assert [(p.kind, p.section, p.text) for p in found.problems] == [
        ("repeated_sentence", "Главные выводы", _MISSED),
        ("repeated_sentence", "Главные выводы", "Первый пункт списка здесь."),
    ]


def test_the_same_sentence_in_two_blocks_is_no_repeat(checker):
    page = _page(
        f'<div class="headline"><p>{_MISSED}</p></div><div class="headline"><p>{_MISSED}</p></div>'
        "<table><tr><td>Да. Да.</td></tr></table>"  # too short to be a sentence that repeats
    )
    assert checker.check_html(page).problems == []


# --------------------------------------------------------------------------------------------------
# doubled punctuation


@pytest.mark.parametrize(
    "text",
    [
        "Крупнейший клиент — Hub Client Inc..",
        "Выручка выросла,, а клиентов меньше.",
        "Выручка выросла .",
        "Выручка выросла. .",
        "Срочно!.",
    ],
)
def test_doubled_punctuation_is_found(checker, text):
    found = checker.check_html(_page(f"<h1>Итоги</h1><p>{text}</p>"), client_texts={"Hub Client Inc."})
    assert _kinds(found) == ["double_punctuation"], found.problems


def test_an_ellipsis_and_punctuation_inside_client_text_are_fine(checker):
    page = _page(
        "<p>Крупнейший клиент — Hub Client Inc. Его доля растёт… и растёт...</p><p>Клиент ООО „Рога,, и К“ ушёл.</p>"
    )
    assert checker.check_html(page, client_texts={"Hub Client Inc.", "ООО „Рога,, и К“"}).problems == []


# --------------------------------------------------------------------------------------------------
# the other script


def test_latin_words_in_a_russian_report_are_found_and_allowed_words_listed(checker):
    page = _page(
        "<h2>Качество данных</h2><p>sales_2024.csv, row 707: н/д</p>"
        "<p>Сегментация ABC и XYZ в CRM, отчёт из 1С за 2026-W47, сумма в RUB.</p>"
    )
    found = checker.check_html(page)
    assert [(p.kind, p.text.split(":")[0]) for p in found.problems] == [("wrong_script", "'row'")]
    assert found.problems[0].section == "Качество данных"
    assert {"word: ABC", "word: XYZ", "word: CRM", "onec: 1С", "week: 2026-W47", "currency: RUB"} <= set(
        found.allowed
    )
    assert "file: sales_2024.csv" in found.allowed


def test_cyrillic_in_an_english_report_is_found_but_client_names_are_not(checker):
    page = _page("<h2>Clients</h2><p>The largest client is ООО «Ромашка»; выручка grew.</p>", lang="en")
    found = checker.check_html(page, client_texts={"ООО «Ромашка»"})
    assert [(p.kind, p.text.split(":")[0]) for p in found.problems] == [("wrong_script", "'выручка'")]
    clean = _page("<h2>Clients</h2><p>The largest client is ООО «Ромашка».</p>", lang="en")
    assert checker.check_html(clean, client_texts={"ООО «Ромашка»"}).problems == []
    latin = _page("<p>Crossed 1 000 000 in May.</p>", lang="en")
    assert checker.check_html(latin).problems == []  # Latin is the English report's own script


# --------------------------------------------------------------------------------------------------
# a status worded as another status


@pytest.fixture
def labels(monkeypatch):
    from salesaudit.report import i18n

    fake = {
        "test.segmentation.ok": {
            "ru": "Клиенты разделены на классы ({n} A).",
            "en": "Clients are segmented.",
        },
        "test.segmentation.problem": {"ru": "Нет учёта клиентов и нет ABC-сегментации.", "en": "No ABC."},
    }
    monkeypatch.setattr(i18n, "catalog", lambda: fake)


def test_a_status_shown_with_the_wording_of_another_status_is_found(checker, labels):
    wrong = _page(
        '<h2>Главные выводы</h2><div class="headline" data-claim="test.segmentation" data-status="ok">'
        "<b>Нет учёта клиентов и нет ABC-сегментации.</b></div>"
    )
    found = checker.check_html(wrong)
    assert _kinds(found) == ["status_wording"]
    assert found.problems[0].section == "Главные выводы" and "worded as problem" in found.problems[0].text
    right = wrong.replace("Нет учёта клиентов и нет ABC-сегментации.", "Клиенты разделены на классы (12 A).")
    assert checker.check_html(right).problems == []


def test_a_label_template_becomes_a_regex_with_wildcards(checker):
    regex = checker.template_regex("Клиенты разделены на классы ({n} A).")
    assert regex.fullmatch("Клиенты разделены  на классы (1 234 A).")
    assert not regex.fullmatch("Клиенты не разделены на классы (12 A).")
    assert checker.template_regex("{what}: {n}") is None  # too little of its own to tell statuses apart


# --------------------------------------------------------------------------------------------------
# claims re-checked against their figures


@pytest.fixture(params=["Claim", "from_row"])
def claims_module(monkeypatch, request):
    """A stand-in for ``salesaudit.audit.claims`` with the shared interface: ``Claim`` and ``recheck``
    (here: a "grew" claim is true when ``after > before``), with or without ``from_row`` (a table row
    as read, figures as JSON text, to a ``Claim``)."""
    import salesaudit.audit

    @dataclass
    class Claim:
        id: str
        kind: str
        status: str
        figures: dict = field(default_factory=dict)
        text_key: str = ""

    def recheck(claim) -> bool:
        return claim.figures["after"] > claim.figures["before"]

    module = types.ModuleType("salesaudit.audit.claims")
    module.Claim, module.recheck = Claim, recheck
    if request.param == "from_row":
        module.from_row = lambda row: Claim(
            row["claim_id"], row["kind"], row["status"], json.loads(row["figures"]), row["text_key"]
        )
    monkeypatch.setitem(sys.modules, "salesaudit.audit.claims", module)
    monkeypatch.setattr(salesaudit.audit, "claims", module, raising=False)
    return module


def _claims_table(run: Path, rows) -> None:
    frame = pd.DataFrame(
        [
            {
                "claim_id": cid,
                "kind": "growth",
                "status": status,
                "figures": json.dumps(figures),
                "text_key": f"clients.base.{status}",
                "text": text,
            }
            for cid, status, figures, text in rows
        ]
    )
    save_table(frame, "claims", run_dir=run)


def test_a_claim_its_figures_contradict_is_found(checker, claims_module, tmp_path):
    _claims_table(
        tmp_path,
        [
            ("base_grew", "ok", {"before": 637, "after": 693}, "Клиентская база растёт: 637 → 693."),
            ("base_shrank", "ok", {"before": 80, "after": 75}, "Клиентская база растёт: 80 → 75."),
        ],
    )
    problems = checker.check_claims(tmp_path, sections={"clients.base": "Клиенты"})
    assert [(p.kind, p.section) for p in problems] == [("claim_contradicted", "Клиенты")]
    assert problems[0].text.startswith("base_shrank [ok]")


def test_the_weekly_alerts_are_rechecked_with_the_real_rules(checker, tmp_path):
    from salesaudit.audit.claims import Claim, claims_table

    ok = Claim("check.x", "threshold_high", "warning", {"value": 0.2, "warning": 0.1, "problem": 0.5})
    save_table(claims_table([ok]), "claims", run_dir=tmp_path)
    alerts = pd.DataFrame(
        {
            "level": ["department", "manager"],
            "manager": [None, "Иванов"],
            "rule": ["runrate", "runrate"],
            "iso_week": ["2026-W47", "2026-W47"],
            "figure": [0.66, 0.85],  # both below 0.9; only the first by more than a quarter
            "threshold": [0.9, 0.9],
            "severity": ["high", "high"],  # the second says high where its figures make it medium
            "text": ["Отдел: 66% плана.", "Иванов: 85% плана."],
        }
    )
    save_table(alerts, "alerts", run_dir=tmp_path)
    problems = checker.check_claims(tmp_path, require=True)
    assert [p.kind for p in problems] == ["claim_contradicted"]
    assert problems[0].text.startswith("alert.runrate.Иванов")


def test_a_missing_claims_table_is_a_problem_only_when_required(checker, claims_module, tmp_path):
    assert checker.check_claims(tmp_path) == []
    problems = checker.check_claims(tmp_path, require=True)
    assert [p.kind for p in problems] == ["claims_missing"]


# --------------------------------------------------------------------------------------------------
# a run folder: the client's words come from its tables


def test_a_run_folders_client_text_comes_from_its_tables(checker, tmp_path):
    run = tmp_path / "run"
    (run / "intake").mkdir(parents=True)
    pd.DataFrame({"client_id": ["Acme Trading Ltd."], "manager": ["Иванов"], "_file": ["x.csv"]}).to_parquet(
        run / "intake" / "sales.parquet"
    )
    (run / "report.html").write_text(
        _page(
            "<h2>Клиенты</h2><p>Крупнейший клиент — Acme Trading Ltd. Его менеджер — Иванов.</p>"
            "<table><tr><th>clients_A</th></tr></table>"
        ),
        encoding="utf-8",
    )
    found = checker.check_run(run)
    assert [(p.kind, p.text) for p in found.problems] == [("raw_key", "clients_A")]
    assert checker.main([str(run), "--json", str(tmp_path / "out.json")]) == 1
    written = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert written["counts"] == {"raw_key": 1} and written["ok"] is False


# --------------------------------------------------------------------------------------------------
# slow: the demo's own report (the zoo's reports: tests/test_zoo.py)


@pytest.mark.slow
@pytest.mark.xdist_group("demo")
def test_the_demo_report_passes_the_checker(checker, demo_run):
    found = checker.check_run(demo_run, require_claims=True)
    assert all(isinstance(p, checker.Problem) and p.kind and p.section for p in found.problems)
    assert [f"{p.kind} in {p.section!r}: {p.text}" for p in found.problems] == []
    assert found.allowed  # the allow-list was consulted: A, B, ABC, XYZ ... are in the demo report
