"""Data-quality findings: counted, with the share of revenue affected and an example, in ru and en."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from salesaudit.engine import config
from salesaudit.intake.canonical import Intake, read_engagement
from salesaudit.intake.quality import (
    QUALITY_COLUMNS,
    any_problems,
    describe,
    normalise_name,
    quality_checks,
    quality_summary,
    rejected_in_words,
    similar_names,
)


def _sales(rows, files=None) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=["date", "client_id", "amount", "manager", "document_id"])
    df["date"] = pd.to_datetime(df["date"]).astype("datetime64[us]")
    for c in ("client_id", "manager", "document_id"):
        df[c] = df[c].astype("str")
    files = files or ["a.csv"] * len(df)
    df["_file"] = pd.Categorical(files)
    df["_row"] = np.arange(2, 2 + len(df))
    return df


def _rejected(rows) -> pd.DataFrame:
    cols = ["table", "file", "row", "column", "value", "reason", "reason_code", "detail", "amount"]
    return pd.DataFrame(rows, columns=cols)


SALES = _sales(
    [
        ("2026-01-05", "К1", 100.0, "Иванов", "Д1"),
        ("2026-01-05", "К1", 100.0, "Иванов", "Д1"),  # exact repeat within the file
        ("2026-01-06", "К2", -20.0, None, "Д2"),  # a return without a manager
        ("2026-01-07", "К3", 80.0, "Сидоров", "Д1"),  # Д1 reused on another date for another client
        ("2026-01-08", "К2", 100.0, "Петров", "Д3"),
    ]
)


def checks_of(tables, rejected=None, **kw) -> pd.DataFrame:
    return quality_checks(tables, rejected if rejected is not None else _rejected([]), **kw).set_index(
        "check"
    )


def test_sales_findings_counted_with_revenue_share():
    got = checks_of({"sales": SALES})
    total = 100 + 100 + 20 + 80 + 100
    assert got.loc["duplicate_line", ["count", "revenue_share"]].tolist() == [1, pytest.approx(100 / total)]
    assert got.loc["no_manager", ["count", "revenue_share"]].tolist() == [1, pytest.approx(20 / total)]
    assert got.loc["returns", "severity"] == "info"
    assert got.loc["duplicate_document", "count"] == 1 and got.loc["duplicate_document", "value"] == "Д1"
    # the Д1 lines: 100 + 100 + 80
    assert got.loc["duplicate_document", "revenue_share"] == pytest.approx(280 / total)
    assert got.loc["no_manager", ["file", "row", "value"]].tolist() == ["a.csv", 4, "К2"]
    assert list(quality_checks({"sales": SALES}, _rejected([])).columns) == QUALITY_COLUMNS


def test_duplicates_across_files_are_told_apart_from_repeats_within_a_file():
    rows = [("2026-01-05", "К1", 100.0, "Иванов", "Д1")] * 3 + [("2026-01-06", "К2", 5.0, "Иванов", "Д2")]
    got = checks_of({"sales": _sales(rows, files=["2024.csv", "2024.csv", "2025.csv", "2025.csv"])})
    assert got.loc["duplicate_line", "count"] == 1  # the 2nd line of 2024.csv
    assert got.loc["duplicate_across_files", "count"] == 1  # 2025.csv repeats a 2024.csv line
    assert got.loc["duplicate_across_files", ["file", "row", "value"]].tolist() == ["2025.csv", 4, "К1"]


def test_outliers_against_the_median():
    rows = [("2026-01-05", f"К{i}", 10.0, "И", f"Д{i}") for i in range(9)] + [
        ("2026-01-05", "Кит", 600.0, "И", "Д9")
    ]
    got = checks_of({"sales": _sales(rows)}, outlier_factor=50)
    assert got.loc["outlier", "count"] == 1 and got.loc["outlier", ["value", "amount"]].tolist() == [
        "Кит",
        600.0,
    ]
    assert "outlier" not in checks_of({"sales": _sales(rows)}, outlier_factor=100).index


def test_managers_and_clients_against_their_registers():
    managers = pd.DataFrame({"manager": ["Иванов", "Петров", "Орлова"]}, dtype="str")
    clients = pd.DataFrame(
        {"client_id": ["К1", "К2", "К9"], "name": ["ООО «Ромашка»", "Лютик", "Ромашка ООО"]}, dtype="str"
    )
    got = checks_of({"sales": SALES, "managers": managers, "clients": clients})
    assert got.loc["manager_not_listed", ["count", "value"]].tolist() == [1, "Сидоров"]
    assert got.loc["manager_without_sales", ["count", "value", "table"]].tolist() == [
        1,
        "Орлова",
        "managers",
    ]
    assert got.loc["client_not_in_register", ["count", "value"]].tolist() == [1, "К3"]
    assert got.loc["similar_client_names", "count"] == 1
    assert got.loc["similar_client_names", "value"] == "ООО «Ромашка» / Ромашка ООО"


def test_similar_names_in_the_sales_themselves():
    rows = [
        ("2026-01-05", "ООО «Ромашка»", 10.0, "И", "1"),
        ("2026-01-06", "Ромашка  ООО", 30.0, "И", "2"),
        ("2026-01-06", "ООО Лютик", 60.0, "И", "3"),
    ]
    got = checks_of({"sales": _sales(rows)})
    assert got.loc["similar_client_names", ["count", "table"]].tolist() == [1, "sales"]
    assert got.loc["similar_client_names", "revenue_share"] == pytest.approx(0.4)


def test_rejected_rows_become_findings():
    rejected = _rejected(
        [
            ("sales", "a.csv", 7, "Сумма", "н/д", "not a number", "not_a_number", None, np.nan),
            ("sales", "a.csv", 7, "Дата", "x", "not a date", "not_a_date", None, np.nan),
            (
                "sales",
                "a.csv",
                9,
                "Дата",
                "15.12.2026",
                "date is after the as-of date",
                "after_as_of",
                "2026-11-25",
                100.0,
            ),
            ("sales", "a.csv", 10, "Клиент", "", "client_id is empty", "empty", "client_id", 50.0),
            (
                "sales",
                "a.csv",
                11,
                "Дата",
                "Итого",
                "totals row (not a sales line)",
                "totals_row",
                None,
                np.nan,
            ),
        ]
    )
    got = checks_of({"sales": SALES}, rejected)
    base = 400 + 100 + 50  # used lines plus the rejected lines whose amount was read
    assert got.loc["future_date", ["severity", "count"]].tolist() == ["warning", 1]
    assert got.loc["future_date", "revenue_share"] == pytest.approx(100 / base)
    assert got.loc["no_client", ["severity", "revenue_share"]].tolist() == [
        "warning",
        pytest.approx(50 / base),
    ]
    assert got.loc["rejected: not_a_number", ["file", "row", "value"]].tolist() == ["a.csv", 7, "н/д"]
    assert np.isnan(got.loc["rejected: not_a_number", "revenue_share"])
    assert got.loc["totals_rows", "severity"] == "info"


def test_describe_in_both_languages():
    checks = quality_checks(
        {"sales": SALES},
        _rejected([("sales", "a.csv", 7, "Сумма", "н/д", "not a number", "not_a_number", None, np.nan)]),
    )
    ru = describe(checks, lang="ru").set_index("check")["text"]
    en = describe(checks, lang="en").set_index("check")["text"]
    assert ru["rejected: not_a_number"] == "Отклонено строк: 1 — причина: не число"
    assert en["rejected: not_a_number"] == "1 row rejected: not a number"
    assert en["duplicate_line"] == "1 sales line repeats an earlier line of the same file exactly"
    assert describe(checks.iloc[:0], lang="en").columns[-1] == "text"


def test_no_sales_no_findings():
    got = quality_checks({}, _rejected([]))
    assert got.empty and list(got.columns) == QUALITY_COLUMNS


def test_normalise_name_and_similar_names():
    assert normalise_name("ООО «Ромашка»") == normalise_name("ромашка ООО") == "ромашка"
    assert normalise_name("Ёлка LLC") == normalise_name("елка")
    assert normalise_name(None) == ""
    df = pd.DataFrame({"client_id": ["1", "2", "3", "3"], "name": ["ИП Ёлкин", "Елкин ИП", "Ёлкин", "Ёлкин"]})
    assert similar_names(df)["client_id"].tolist() == ["1", "2", "3"]


def test_quality_summary_on_the_tiny_engagement(tiny):
    intake = read_engagement(config.load(tiny))
    summary = quality_summary(intake, lang="ru").set_index("check")
    assert summary.loc["future_date", "count"] == 1
    assert summary.loc["no_client", "count"] == 1
    assert summary.loc["totals_rows", "count"] == 1
    assert summary.loc["rejected: not_a_date_format", "text"].endswith("не дата")
    assert isinstance(intake, Intake)


def test_every_intake_and_quality_label_is_used_and_translated():
    from importlib import resources
    from pathlib import Path

    import yaml

    package = Path(resources.files("salesaudit"))
    code = "".join(p.read_text(encoding="utf-8") for p in sorted((package / "intake").glob("*.py")))
    for area, pattern in (("intake", r'"(intake\.reject\.[a-z_]+)"'), ("quality", r'"(quality\.[a-z_]+)"')):
        labels = yaml.safe_load((package / "report" / "labels" / f"{area}.yaml").read_text(encoding="utf-8"))
        own = {k for k in labels if not k.startswith("col.")}  # column headers are used by column_label
        assert set(re.findall(pattern, code)) == own, area
        for key, texts in labels.items():
            assert set(texts) == {"ru", "en"} and all(texts.values()), key
        headers = {k.removeprefix("col.") for k in labels if k.startswith("col.")}
        assert headers <= set(QUALITY_COLUMNS) | {"fte", "probability"}, area


def test_different_legal_forms_are_different_companies():
    df = pd.DataFrame(
        {"client_id": ["1", "2", "3", "4"], "name": ["ЗАО «Альянс»", "ООО «Альянс»", "АО Гранит", "Гранит"]}
    )
    sim = similar_names(df)
    assert sim["client_id"].tolist() == ["3", "4"]  # no form on "Гранит": it may be АО Гранит


# ------------------------------------------------------------------------------------------------
# Issue 18: data quality sees what a consultant would


def _daily(start: str, end: str, *, skip=(), amount=1234.5, client="К1") -> pd.DataFrame:
    """One sales line a day from ``start`` to ``end``, the days of ``skip`` (pairs of dates) left out."""
    days = pd.date_range(start, end, freq="D")
    for first, last in skip:
        days = days[(days < pd.Timestamp(first)) | (days > pd.Timestamp(last))]
    rows = [(d, f"{client}{i % 7}", amount + i, "Иванов", f"Д{i}") for i, d in enumerate(days)]
    return _sales(rows)


LATIN = re.compile("[A-Za-z]")


def test_most_lines_at_zero_are_a_problem_not_no_problems_found():
    # a client's real export: 797 of 842 sales lines with a zero amount
    rows = [
        ("2026-01-05", f"К{i % 9}", 0.0 if i < 797 else 1500.5 + i, "Иванов", f"Д{i}") for i in range(842)
    ]
    checks = quality_checks({"sales": _sales(rows)}, _rejected([]))
    got = checks.set_index("check")
    assert got.loc["zero_amount", ["count", "severity"]].tolist() == [797, "problem"]
    assert got.loc["zero_amount", "line_share"] == pytest.approx(797 / 842)
    assert got.loc["zero_amount", "revenue_share"] == 0
    assert any_problems(checks)
    ru = describe(checks, lang="ru").set_index("check")
    assert ru.loc["zero_amount", "text"] == "Строк продаж с нулевой суммой: 797 — 94,7% строк"
    assert ru.loc["zero_amount", "example"] == "a.csv, строка 2: К0, 0\xa0₽"
    en = describe(checks, lang="en", currency="USD").set_index("check")
    assert en.loc["zero_amount", "text"] == "797 sales lines have a zero amount: 94.7% of the lines"


def test_a_few_zero_lines_are_a_warning():
    rows = [("2026-01-05", f"К{i}", 0.0 if i < 3 else 1500.5 + i, "И", f"Д{i}") for i in range(100)]
    got = checks_of({"sales": _sales(rows)})
    assert got.loc["zero_amount", ["count", "severity"]].tolist() == [3, "warning"]
    assert got.loc["zero_amount", "line_share"] == pytest.approx(0.03)


def test_shares_of_lines_and_revenue_without_a_manager_or_a_client():
    rows = [("2026-01-05", f"К{i}", 100.0 + i, None if i < 3 else "Иванов", f"Д{i}") for i in range(8)]
    rejected = _rejected(
        [
            ("sales", "a.csv", 20, "Клиент", "", "client_id is empty", "empty", "client_id", 50.0),
            ("sales", "a.csv", 21, "Клиент", "", "client_id is empty", "empty", "client_id", 50.0),
            ("sales", "a.csv", 22, "Дата", "", "date is empty", "empty", "date", 10.0),
        ]
    )
    got = checks_of({"sales": _sales(rows)}, rejected)
    base = sum(100.0 + i for i in range(8)) + 110.0
    lines = 8 + 3
    assert got.loc["no_manager", "line_share"] == pytest.approx(3 / lines)
    assert got.loc["no_manager", "revenue_share"] == pytest.approx((100 + 101 + 102) / base)
    assert got.loc["no_manager", "severity"] == "problem"  # 27 % of the lines: the analysis rests on them
    assert got.loc["no_client", ["count", "line_share", "severity"]].tolist() == [
        2,
        pytest.approx(2 / lines),
        "warning",
    ]
    assert got.loc["no_client", "revenue_share"] == pytest.approx(100 / base)
    # an empty date is not a line without a client
    assert got.loc["rejected: empty", ["count", "detail"]].tolist() == [1, "date"]
    text = describe(quality_checks({"sales": _sales(rows)}, rejected), lang="ru").set_index("check")["text"]
    assert text["no_manager"] == "Строк продаж без менеджера: 3 — 27,3% строк, 32,3% выручки"
    assert text["rejected: empty"] == "Отклонено строк: 1 — причина: не заполнено обязательное поле «Дата»"


def test_a_month_without_sales_inside_the_window_is_named():
    sales = _daily("2026-01-01", "2026-04-30", skip=[("2026-03-01", "2026-03-31")])
    checks = quality_checks({"sales": sales}, _rejected([]), as_of="2026-05-10", window_months=4)
    got = checks.set_index("check")
    assert got.loc["data_gap", ["count", "value", "severity"]].tolist() == [
        1,
        "2026-03-01/2026-03-31",
        "problem",
    ]
    ru = describe(checks, lang="ru").set_index("check")["text"]["data_gap"]
    en = describe(checks, lang="en").set_index("check")["text"]["data_gap"]
    assert ru.endswith("(от 14 дней подряд): 1; самый длинный — март 2026 (31 дн.)")
    assert en == "1 period of 14 or more days with no sales line in the analysed period: March 2026 (31 days)"
    full = _daily("2026-01-01", "2026-04-30")
    assert "data_gap" not in checks_of({"sales": full}, as_of="2026-05-10", window_months=4).index


def test_a_run_of_empty_weeks_is_a_warning_and_data_ending_early_a_gap():
    sales = _daily("2026-01-01", "2026-04-30", skip=[("2026-02-02", "2026-02-22")])  # three weeks
    got = checks_of({"sales": sales})
    assert got.loc["data_gap", ["count", "value", "severity"]].tolist() == [
        1,
        "2026-02-02/2026-02-22",
        "warning",
    ]
    # the export stops in March while the window runs to the end of April
    early = _daily("2026-01-01", "2026-03-20")
    got = checks_of({"sales": early}, as_of="2026-05-10", window_months=4)
    assert got.loc["data_gap", "value"] == "2026-03-21/2026-04-30"
    # a client with a few lines a year has long quiet spells: no gap expected at its pace
    sparse = _sales([(f"2026-{m:02d}-10", "К1", 500.5, "И", f"Д{m}") for m in range(1, 13)])
    assert "data_gap" not in checks_of({"sales": sparse}).index


def test_one_client_over_half_of_revenue_is_named_with_its_share():
    rows = [
        ("2026-02-01", "К1", 600.0, "И", "1"),
        ("2026-02-02", "К1", 100.0, "И", "2"),
        ("2026-02-03", "К2", 200.0, "И", "3"),
        ("2026-02-04", "К3", 100.0, "И", "4"),
        ("2025-01-10", "К2", 9000.0, "И", "5"),  # before the window
    ]
    sales = _sales(rows).assign(
        client_name=lambda d: d["client_id"].map({"К1": "ООО «Кит»", "К2": "Лютик", "К3": "Ёж"})
    )
    checks = quality_checks({"sales": sales}, _rejected([]), as_of="2026-03-15", window_months=2)
    got = checks.set_index("check")
    assert got.loc["top_client", ["count", "value", "detail", "severity"]].tolist() == [
        2,
        "ООО «Кит»",
        "К1",
        "warning",
    ]
    assert got.loc["top_client", "revenue_share"] == pytest.approx(0.7)
    ru = describe(checks, lang="ru").set_index("check")["text"]["top_client"]
    assert ru.startswith("Один клиент даёт 70,0% чистой выручки анализируемого периода (ООО «Кит»)")
    # over the whole data К2 leads with 9 200 of 10 000, and at exactly half nothing is said
    assert checks_of({"sales": sales}).loc["top_client", "value"] == "Лютик"
    even = _sales([("2026-02-01", "К1", 100.0, "И", "1"), ("2026-02-02", "К2", 100.0, "И", "2")])
    assert "top_client" not in checks_of({"sales": even}).index


def test_amounts_that_are_all_round_look_like_plans_typed_in():
    plans = [150_000.0, 20_000.0, 3_000.0, 1_250_000.0] * 5  # 20 lines, all round
    rows = [("2026-01-05", f"К{i}", a, "И", f"Д{i}") for i, a in enumerate(plans)]
    checks = quality_checks({"sales": _sales(rows)}, _rejected([]))
    got = checks.set_index("check")
    assert got.loc["round_amounts", ["count", "line_share", "revenue_share", "severity"]].tolist() == [
        20,
        1.0,
        pytest.approx(1.0),
        "problem",
    ]
    ru = describe(checks, lang="ru").set_index("check")["text"]["round_amounts"]
    assert "кратной 1\xa0000, от 100\xa0000 — кратной 10\xa0000): 20 — 100,0% строк" in ru
    # 155 000 is a multiple of 1 000 but not of 10 000: 5 of 20 lines are not round (75 %)
    odd = [("2026-01-05", f"К{i}", 155_000.0 if i % 4 == 0 else a, "И", f"Д{i}") for i, a in enumerate(plans)]
    assert "round_amounts" not in checks_of({"sales": _sales(odd)}).index
    assert "round_amounts" not in checks_of({"sales": _sales(rows[:19])}).index  # too few lines to judge
    # the thresholds are settings (engagement.yaml intake.quality)
    odd_loose = checks_of({"sales": _sales(odd)}, settings=config.QualitySettings(round_share=0.7))
    assert odd_loose.loc["round_amounts", ["count", "line_share"]].tolist() == [15, 0.75]


def test_status_agrees_with_what_a_finding_says():
    clean = _daily("2026-01-01", "2026-03-31")
    checks = quality_checks({"sales": clean}, _rejected([]), as_of="2026-04-05", window_months=3)
    assert not any_problems(checks)  # the report may say "no problems found"
    assert not any_problems(describe(checks.iloc[:0], lang="ru"))
    # every finding counts something, and its severity is one of three
    rows = [
        ("2026-01-05", f"К{i % 3}", 0.0 if i % 5 == 0 else 2000.0, None if i % 4 == 0 else "И", f"Д{i}")
        for i in range(40)
    ]
    many = quality_checks({"sales": _sales(rows)}, _rejected([]))
    assert {"zero_amount", "no_manager", "round_amounts"} <= set(many["check"])
    assert (many["count"] >= 1).all() and set(many["severity"]) <= {"info", "warning", "problem"}
    # a graded finding is a problem exactly from problem_share of the lines or revenue
    for _, f in many[many["check"].isin(["zero_amount", "no_manager", "round_amounts"])].iterrows():
        big = max(f["line_share"], f["revenue_share"]) >= config.QualitySettings().problem_share
        assert f["severity"] == ("problem" if big else "warning"), f["check"]


def test_examples_are_worded_in_the_reports_language():
    rejected = _rejected(
        [("sales", "a.csv", 707, "Сумма", "н/д", "not a number", "not_a_number", None, np.nan)]
    )
    checks = quality_checks({"sales": SALES}, rejected)
    ru = describe(checks, lang="ru").set_index("check")["example"]
    en = describe(checks, lang="en").set_index("check")["example"]
    assert ru["rejected: not_a_number"] == "a.csv, строка 707: н/д"
    assert en["rejected: not_a_number"] == "a.csv, row 707: н/д"
    assert ru["no_manager"] == "a.csv, строка 4: К2" and en["no_manager"] == "a.csv, row 4: К2"
    assert ru["duplicate_document"] == en["duplicate_document"] == "Д1"
    assert ru["returns"].startswith("a.csv, строка 4: К2, -20")  # a return shows its negative amount
    # no English in the Russian sentences or examples (the values here are Cyrillic, as a client's are)
    text = describe(checks, lang="ru")
    assert not [s for s in [*text["text"], *text["example"]] if LATIN.search(s.replace("a.csv", ""))]


def test_rejection_reasons_in_russian_carry_no_english():
    rejected = _rejected(
        [
            ("sales", "a.csv", 3, "Клиент", "", "client_id is empty", "empty", "client_id", np.nan),
            (
                "sales",
                "a.csv",
                4,
                "",
                "x;y;z",
                "3 fields where the header has 2",
                "wrong_field_count",
                "3 fields where the header has 2",
                np.nan,
            ),
            (
                "managers",
                "m.csv",
                5,
                "Ставка",
                "2",
                "fte outside 0..1",
                "out_of_range",
                "fte outside 0..1",
                np.nan,
            ),
            (
                "sales",
                "a.csv",
                6,
                "Дата",
                "01.01.1900",
                "date outside the plausible range",
                "date_out_of_range",
                "1990-01-01 .. 2031-11-25 (intake.earliest_date, intake.years_after_as_of)",
                np.nan,
            ),
            (
                "sales",
                "a.csv",
                8,
                "Дата",
                "2026-01-05",
                "not a date",
                "not_a_date_format",
                "%d.%m.%Y",
                np.nan,
            ),
            (
                "sales",
                "a.csv",
                7,
                "Сумма",
                "1e15",
                "number is infinite",
                "amount_out_of_range",
                "±1e+12 (intake.max_amount)",
                np.nan,
            ),
        ]
    )
    reasons = rejected_in_words(rejected, lang="ru")["reason"].tolist()
    assert reasons == [
        "не заполнено обязательное поле «Код клиента»",
        "неверное число полей в строке: 3, в заголовке: 2",
        "«Ставка»: значение вне диапазона 0..1",
        "дата вне правдоподобного диапазона 1990-01-01 .. 2031-11-25",
        "не дата в формате ДД.ММ.ГГГГ",
        "число бесконечно или больше правдоподобного предела ±1\xa0000\xa0000\xa0000\xa0000",
    ]
    texts = describe(quality_checks({"sales": SALES}, rejected), lang="ru")
    assert not [s for s in texts["text"] if LATIN.search(s)]
    en = rejected_in_words(rejected, lang="en")["reason"].tolist()
    assert en[:3] == ["Client ID is empty", "3 fields where the header has 2", "FTE outside 0..1"]


def test_quality_settings_come_from_engagement_yaml(tiny):
    eng = config.load(tiny)
    assert eng.intake.quality == config.QualitySettings()
    summary = quality_summary(read_engagement(eng), as_of=eng.as_of, lang="ru", settings=eng.intake.quality)
    assert not summary["example"].str.contains(r"\brow\b").any()
    assert summary["example"].str.contains("строка").any()
