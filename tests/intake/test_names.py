"""Names across tables (issue 12, point 4): one match key for every name, one spelling per key.

Properties of :func:`salesaudit.intake.names.match_key` (idempotent; blind to no-break and thin
spaces, repeated spaces, stray quotes and case), the choice of the display spelling, and an intake
end to end: a managers list and a client register whose names differ from the sales only by a no-break
space, case or quotes now match, so the plan per manager covers those sales.
"""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from salesaudit.clients.segmentation import segment_clients
from salesaudit.engine import config
from salesaudit.engine.templates import template_path
from salesaudit.intake.canonical import read_engagement
from salesaudit.intake.categoricals import as_categoricals
from salesaudit.intake.names import (
    LOG_COLUMNS,
    QUOTES,
    _full_key,
    match_key,
    match_keys,
    respell,
    unify_names,
    visible,
)
from salesaudit.intake.quality import normalise_name, quality_summary
from salesaudit.plan.decomposition import decompose_plan
from salesaudit.plan.managers import split_absences

LETTERS = "АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯабвгдеёжзийклмнопрстуфхцчшщъыьэюяABCXYZabcxyz0123456789-."
SPACES = [" ", "\u00a0", "\u2009", "\u202f", "  ", "\t", " \u00a0 "]
WRAPS = [("«", "»"), ('"', '"'), ("„", "“"), ("“", "”"), ("'", "'"), ('""', '""'), ("", "")]

words = st.lists(st.text(alphabet=LETTERS, min_size=1, max_size=8), min_size=1, max_size=4)


@st.composite
def variant(draw, parts: list[str]) -> str:
    """``parts`` joined as a person or an export might write them: any spaces, case, stray quotes."""
    text = parts[0]
    for part in parts[1:]:
        text += draw(st.sampled_from(SPACES)) + part
    case = draw(st.sampled_from([str, str.upper, str.lower, str.swapcase, str.title]))
    left, right = draw(st.sampled_from(WRAPS))
    pad = draw(st.sampled_from(["", " ", "\u00a0", "\u202f\u2009"]))
    return pad + left + case(text) + right + pad


@settings(max_examples=300, deadline=None)
@given(text=st.text())
def test_match_key_is_idempotent(text):
    key = match_key(text)
    assert match_key(key) == key
    assert key == key.strip() and "  " not in key and not any(q in key for q in QUOTES)


PLAIN = "".join(
    chr(c)
    for c in [
        9,
        *range(32, 127),
        0xA0,
        0xAB,
        0xBB,
        *range(0x400, 0x460),
        0x2009,
        *range(0x2018, 0x2020),
        0x202F,
    ]
)


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=PLAIN))
def test_the_fast_path_gives_the_full_key(text):
    assert match_key(text) == _full_key(text)


@settings(max_examples=300, deadline=None)
@given(data=st.data(), parts=words)
def test_match_key_is_blind_to_spaces_quotes_and_case(data, parts):
    plain = " ".join(parts)
    assert match_key(data.draw(variant(parts))) == match_key(plain) == match_key(data.draw(variant(parts)))


def test_match_key_keeps_apart_what_differs():
    assert match_key("Фёдорова Ольга") != match_key("Федорова Ольга")  # ё is a spelling to see
    assert match_key("ЦБ-0001") != match_key("ЦБ-0010")
    assert match_key("Иванов Иван") != match_key("ИвановИван")
    assert match_key("O'Brien") == match_key("O’Brien") != match_key("OBrien")  # a quote is a space
    assert match_key("  ") == match_key("«»") == match_key(None) == ""


def test_similar_client_names_reuse_the_key():
    assert normalise_name("ООО\u00a0«Ромашка»") == normalise_name('"Ромашка"  ооо') == "ромашка"


def test_visible_shows_the_spaces_that_differ():
    assert visible("Иванов\u00a0Иван\u2009") == "Иванов<U+00A0>Иван<U+2009>"
    assert visible("Иванов Иван") == "Иванов Иван"


def test_respell_takes_the_tables_spelling_when_unambiguous():
    assert respell(["иванов иван", "ПЕТРОВ", "Сидоров"], ["Иванов\u00a0Иван", "Петров", "петров "]) == [
        "Иванов\u00a0Иван",
        "ПЕТРОВ",  # two spellings of Петров: left as typed
        "Сидоров",
    ]


# ------------------------------------------------------------------------------------------------
# One spelling per key


def _str(values) -> pd.Series:
    return pd.Series(values, dtype="str")


def test_master_spelling_wins_and_the_log_counts_rows():
    sales = as_categoricals(
        pd.DataFrame(
            {
                "client_id": _str(["К-1", "к-1 ", "К-2"]),
                "manager": _str(["Иванов\u00a0Иван", "«ИВАНОВ ИВАН»", "Петров"]),
                "amount": [100.0, -30.0, 5.0],
            }
        ),
        table="sales",
    )
    managers = pd.DataFrame({"manager": _str(["Иванов Иван", "Петров"])})
    out, log = unify_names({"sales": sales, "managers": managers})
    assert out["sales"]["manager"].tolist() == ["Иванов Иван", "Иванов Иван", "Петров"]
    assert list(out["sales"]["manager"].cat.categories) == ["Иванов Иван", "Петров"]
    assert out["managers"] is managers  # nothing of it rewritten: the same frame
    assert list(log.columns) == LOG_COLUMNS
    mgr = log[log["family"] == "manager"].set_index("written")
    assert mgr["rows"].to_dict() == {"«ИВАНОВ ИВАН»": 1, "Иванов\u00a0Иван": 1}
    assert mgr["amount"].to_dict() == {"«ИВАНОВ ИВАН»": 30.0, "Иванов\u00a0Иван": 100.0}
    assert set(mgr["name"]) == {"Иванов Иван"}
    # no register: "К-1" and "к-1 " once each, a tie -> the first seen
    assert out["sales"]["client_id"].tolist() == ["К-1", "К-1", "К-2"]


def test_without_a_master_the_most_frequent_spelling_wins():
    pipeline = pd.DataFrame(
        {"manager": _str(["петров", "Петров", "Петров"]), "client_id": _str(["a", "A", "A"])}
    )
    activities = pd.DataFrame({"manager": _str(["петров", "петров", "петров"])})
    out, _ = unify_names({"pipeline": pipeline, "activities": activities})
    assert set(out["pipeline"]["manager"]) == set(out["activities"]["manager"]) == {"петров"}  # 4 rows vs 2
    assert out["pipeline"]["client_id"].tolist() == ["A", "A", "A"]


def test_a_master_listing_two_spellings_keeps_them_apart():
    clients = pd.DataFrame({"client_id": _str(["ЦБ-1", "цб-1"]), "name": _str(["Альфа", "Бета"])})
    sales = pd.DataFrame({"client_id": _str(["ЦБ-1", "Цб-1"]), "amount": [1.0, 2.0]})
    out, log = unify_names({"clients": clients, "sales": sales})
    assert out["clients"] is clients and out["sales"] is sales
    assert log["kept_apart"].all() and set(log["written"]) == {"цб-1", "Цб-1"}


def test_nothing_to_unify_returns_the_same_tables_and_an_empty_log():
    sales = pd.DataFrame({"client_id": _str(["a", "b"]), "manager": _str(["X", None]), "amount": [1.0, 2.0]})
    out, log = unify_names({"sales": sales})
    assert out["sales"] is sales and len(log) == 0 and list(log.columns) == LOG_COLUMNS


@settings(max_examples=100, deadline=None)
@given(
    data=st.data(),
    names=st.lists(words, min_size=1, max_size=4),
    n=st.integers(min_value=1, max_value=30),
)
def test_unify_rewrites_only_within_a_key_and_keeps_every_row(data, names, n):
    written = [data.draw(variant(names[data.draw(st.integers(0, len(names) - 1))])) for _ in range(n)]
    sales = as_categoricals(pd.DataFrame({"client_id": _str(written), "amount": np.ones(n)}), table="sales")
    out, log = unify_names({"sales": sales})
    got = out["sales"]["client_id"].astype(str)
    assert len(got) == n
    assert match_keys(got).tolist() == match_keys(_str(written)).tolist()  # never merged across keys
    assert got.groupby(match_keys(got)).nunique().max() == 1  # one spelling per key
    assert set(got) <= set(written)  # a spelling the client wrote
    assert int(log["rows"].sum()) == int((got.to_numpy() != np.array(written, dtype=object)).sum())


# ------------------------------------------------------------------------------------------------
# End to end: intake, quality, plan, clients


def _engagement(folder, files: dict[str, str], inputs: dict):
    (folder / "data").mkdir(parents=True)
    for name, text in files.items():
        (folder / "data" / name).write_text(text, encoding="utf-8")
    raw = {"client": {"name": "T"}, "as_of": "2026-01-15", "inputs": inputs, "plan": {"year": 2026}}
    (folder / "engagement.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    for name in ("brand.yml", "logo.svg"):
        shutil.copyfile(template_path(name), folder / name)
    (folder / "questionnaire.yaml").write_text("{}\n", encoding="utf-8")
    return config.load(folder)


SALES = [  # (date, client, manager, amount): the managers and the register spell them otherwise
    ("10.02.2025", "ЦБ-0001 ", "Иванов\u00a0Иван", "300"),
    ("11.03.2025", "цб-0001", "иванов  иван", "500"),
    ("12.04.2025", "ЦБ-0002", "«Петров Пётр»", "200"),
    ("13.05.2025", "ЦБ-0003", "Петров\u202fПётр", "0"),
]


@pytest.fixture
def engagement(tmp_path):
    sales = "Дата;Клиент;Менеджер;Сумма\n" + "".join(";".join(r) + "\n" for r in SALES)
    managers = "Менеджер\nИванов Иван\nПетров Пётр\n"
    clients = "Код;Наименование\nЦБ-0001;ООО «Альфа»\nЦБ-0002;ООО «Бета»\nЦБ-0003;ООО «Гамма»\n"
    inputs = {
        "sales": {
            "files": ["data/sales.csv"],
            "read": {"delimiter": ";", "date_format": "%d.%m.%Y"},
            "columns": {"date": "Дата", "client_id": "Клиент", "manager": "Менеджер", "amount": "Сумма"},
        },
        "managers": {"files": ["data/managers.csv"], "columns": {"manager": "Менеджер"}},
        "clients": {
            "files": ["data/clients.csv"],
            "read": {"delimiter": ";"},
            "columns": {"client_id": "Код", "name": "Наименование"},
        },
    }
    return _engagement(
        tmp_path / "eng", {"sales.csv": sales, "managers.csv": managers, "clients.csv": clients}, inputs
    )


def test_intake_matches_names_that_differ_by_spaces_quotes_and_case(engagement):
    intake = read_engagement(engagement)
    sales = intake.tables["sales"]
    assert sales["manager"].tolist() == ["Иванов Иван", "Иванов Иван", "Петров Пётр", "Петров Пётр"]
    assert sales["client_id"].tolist() == ["ЦБ-0001", "ЦБ-0001", "ЦБ-0002", "ЦБ-0003"]
    acc = intake.accounting.set_index("table")
    assert (acc["rows_read"] == acc["rows_used"] + acc["rows_rejected"]).all()
    assert acc.loc["sales", "rows_used"] == len(SALES)

    checks = quality_summary(intake, lang="en").set_index("check")
    assert "manager_not_listed" not in checks.index and "client_not_in_register" not in checks.index
    assert checks.loc["manager_names_unified", "count"] == 4  # NBSP, double space + case, quotes, NNBSP
    assert checks.loc["client_ids_unified", "count"] == 1  # "цб-0001" ("ЦБ-0001 " is trimmed on reading)
    assert checks.loc["manager_names_unified", "example"] == "«Петров Пётр» → Петров Пётр (sales, 1)"
    assert checks.loc["manager_names_unified", "revenue_share"] == pytest.approx(1.0)  # every line respelled
    assert checks.loc["manager_names_unified", "text"].startswith("4 spellings of managers' names")


def test_the_plan_per_manager_covers_the_sales_written_otherwise(engagement):
    intake = read_engagement(engagement)
    plan = decompose_plan(
        intake.tables["sales"],
        year=2026,
        managers=intake.tables["managers"],
        target=1_000_000,
        method="history",
        as_of="2026-01-15",
    )
    raw = {}
    for _, _, manager, amount in SALES:
        raw[match_key(manager)] = raw.get(match_key(manager), 0) + float(amount)
    shares = plan.shares.set_index("manager")["history"]
    assert shares["Иванов Иван"] == pytest.approx(raw["иванов иван"] / sum(raw.values()))
    assert shares["Петров Пётр"] == pytest.approx(raw["петров пётр"] / sum(raw.values()))
    per = plan.monthly.groupby("manager")["plan"].sum()
    assert per.sum() == 1_000_000 and per["Иванов Иван"] == pytest.approx(800_000, abs=12)


def test_an_absence_typed_otherwise_in_engagement_yaml_matches_the_manager():
    absences = pd.DataFrame({"manager": ["иванов иван"], "start": ["2026-03-02"], "end": ["2026-03-06"]})
    ranges, _ = split_absences(absences, pd.Series(["Иванов\u00a0Иван", "Петров Пётр"]))
    assert ranges["manager"].tolist() == ["Иванов\u00a0Иван"]


def test_a_client_without_a_name_is_shown_by_its_id():
    sales = pd.DataFrame(
        {
            "date": pd.to_datetime(["2025-06-02", "2025-07-01", "2025-08-01"]),
            "client_id": _str(["ЦБ-7", "ЦБ-8", "ЦБ-7"]),
            "amount": [10.0, 20.0, 30.0],
        }
    )
    table = segment_clients(sales, as_of="2026-01-15").set_index("client_id")
    assert table["name"].to_dict() == {"ЦБ-7": "ЦБ-7", "ЦБ-8": "ЦБ-8"}
