"""Data-quality findings: counted, with the share of revenue affected and an example, in ru and en."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from salesaudit.engine import config
from salesaudit.intake.canonical import Intake, read_engagement
from salesaudit.intake.quality import (
    QUALITY_COLUMNS,
    describe,
    normalise_name,
    quality_checks,
    quality_summary,
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
    assert got.loc["duplicate_document", "count"] == 1 and got.loc["duplicate_document", "example"] == "Д1"
    # the Д1 lines: 100 + 100 + 80
    assert got.loc["duplicate_document", "revenue_share"] == pytest.approx(280 / total)
    assert got.loc["no_manager", "example"] == "a.csv, row 4: К2"
    assert list(quality_checks({"sales": SALES}, _rejected([])).columns) == QUALITY_COLUMNS


def test_duplicates_across_files_are_told_apart_from_repeats_within_a_file():
    rows = [("2026-01-05", "К1", 100.0, "Иванов", "Д1")] * 3 + [("2026-01-06", "К2", 5.0, "Иванов", "Д2")]
    got = checks_of({"sales": _sales(rows, files=["2024.csv", "2024.csv", "2025.csv", "2025.csv"])})
    assert got.loc["duplicate_line", "count"] == 1  # the 2nd line of 2024.csv
    assert got.loc["duplicate_across_files", "count"] == 1  # 2025.csv repeats a 2024.csv line
    assert got.loc["duplicate_across_files", "example"] == "2025.csv, row 4: К1"


def test_outliers_against_the_median():
    rows = [("2026-01-05", f"К{i}", 10.0, "И", f"Д{i}") for i in range(9)] + [
        ("2026-01-05", "Кит", 600.0, "И", "Д9")
    ]
    got = checks_of({"sales": _sales(rows)}, outlier_factor=50)
    assert got.loc["outlier", "count"] == 1 and "Кит" in got.loc["outlier", "example"]
    assert "outlier" not in checks_of({"sales": _sales(rows)}, outlier_factor=100).index


def test_managers_and_clients_against_their_registers():
    managers = pd.DataFrame({"manager": ["Иванов", "Петров", "Орлова"]}, dtype="str")
    clients = pd.DataFrame(
        {"client_id": ["К1", "К2", "К9"], "name": ["ООО «Ромашка»", "Лютик", "Ромашка ООО"]}, dtype="str"
    )
    got = checks_of({"sales": SALES, "managers": managers, "clients": clients})
    assert got.loc["manager_not_listed", ["count", "example"]].tolist() == [1, "Сидоров"]
    assert got.loc["manager_without_sales", ["count", "example", "table"]].tolist() == [
        1,
        "Орлова",
        "managers",
    ]
    assert got.loc["client_not_in_register", ["count", "example"]].tolist() == [1, "К3"]
    assert got.loc["similar_client_names", "count"] == 1
    assert got.loc["similar_client_names", "example"] == "ООО «Ромашка» / Ромашка ООО"


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
    assert got.loc["rejected: not_a_number", "example"] == "a.csv, row 7: н/д"
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
    assert en["rejected: not_a_number"] == "1 rows rejected: not a number"
    assert en["duplicate_line"] == "1 sales lines repeat an earlier line of the same file exactly"
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
    import re
    from importlib import resources
    from pathlib import Path

    import yaml

    package = Path(resources.files("salesaudit"))
    code = "".join(p.read_text(encoding="utf-8") for p in sorted((package / "intake").glob("*.py")))
    for area, pattern in (("intake", r'"(intake\.reject\.[a-z_]+)"'), ("quality", r'"(quality\.[a-z_]+)"')):
        labels = yaml.safe_load((package / "report" / "labels" / f"{area}.yaml").read_text(encoding="utf-8"))
        assert set(re.findall(pattern, code)) == set(labels), area
        for key, texts in labels.items():
            assert set(texts) == {"ru", "en"} and all(texts.values()), key


def test_different_legal_forms_are_different_companies():
    df = pd.DataFrame(
        {"client_id": ["1", "2", "3", "4"], "name": ["ЗАО «Альянс»", "ООО «Альянс»", "АО Гранит", "Гранит"]}
    )
    sim = similar_names(df)
    assert sim["client_id"].tolist() == ["3", "4"]  # no form on "Гранит": it may be АО Гранит
