"""The client zoo's generator (issue 18): every profile generates and has, in the files it writes, the
property its name claims. No validate and no full runs here (``tests/test_zoo.py`` runs them); the raw files are read back with plain pandas through the ``inputs`` block of their own
``engagement.yaml``, the way a consultant would open them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

from salesaudit.audit.questionnaire import QUESTIONS, load_answers
from salesaudit.demo import DEMO_FACTS, generate_demo
from salesaudit.demo.zoo import PROFILES, generate_profile
from salesaudit.demo.zoo_profiles import ALL_TABLES
from tests.hostile.conftest import refused

NAMES = sorted(PROFILES)
DEMO_SALES_HEADERS = {"Дата", "Код клиента", "Контрагент", "Сумма", "Менеджер", "Документ"}


@pytest.fixture(scope="module")
def zoo(tmp_path_factory) -> dict[str, Path]:
    """Every profile generated once, in its own language."""
    root = tmp_path_factory.mktemp("zoo")
    return {name: generate_profile(root / name, name).parent for name in NAMES}


def _engagement(folder: Path) -> dict:
    return yaml.safe_load((folder / "engagement.yaml").read_text(encoding="utf-8"))


def _table(folder: Path, table: str) -> pd.DataFrame:
    """An input table as its engagement.yaml declares it: headers renamed to canonical columns, dates
    and amounts parsed."""
    spec = _engagement(folder)["inputs"][table]
    read = spec.get("read", {})
    frames = [
        pd.read_csv(
            folder / f,
            sep=read.get("delimiter", ","),
            encoding=read.get("encoding", "utf-8"),
            dtype=str,
            keep_default_na=False,
        )
        for f in spec["files"]
    ]
    raw = pd.concat(frames, ignore_index=True)
    df = raw.rename(columns={header: col for col, header in spec["columns"].items()})
    for col in ("date", "created", "hired", "left"):
        if col in df:
            df[col] = pd.to_datetime(df[col], format=read["date_format"], errors="coerce")
    if "amount" in df:
        df["amount"] = pd.to_numeric(df["amount"].str.replace(read.get("decimal", "."), ".", regex=False))
    return df


def _sales(folder: Path) -> pd.DataFrame:
    return _table(folder, "sales")


def _windows(folder: Path) -> tuple[tuple[pd.Timestamp, pd.Timestamp], tuple[pd.Timestamp, pd.Timestamp]]:
    """The last 12 full months before as_of, and the 12 before them."""
    as_of = pd.Timestamp(_engagement(folder)["as_of"])
    end = as_of.to_period("M").to_timestamp()  # first day of as_of's month
    start = end - pd.DateOffset(months=12)
    return (start, end), (start - pd.DateOffset(months=12), start)


def _in(sales: pd.DataFrame, span) -> pd.DataFrame:
    return sales[(sales["date"] >= span[0]) & (sales["date"] < span[1])]


# --------------------------------------------------------------------------------------------------
def test_at_least_thirteen_profiles():
    assert len(PROFILES) >= 13
    assert {p.language for p in PROFILES.values()} == {"ru", "en"}


# validate, in both languages, and the whole run of every profile: tests/test_zoo.py


@pytest.mark.parametrize("name", ["forty_managers", "b2c", "full_questionnaire"])
def test_same_seed_same_bytes_other_seed_other_data(tmp_path, name):
    folders = [
        generate_profile(tmp_path / f"{name}{k}", name, seed=seed).parent for k, seed in enumerate([7, 7, 8])
    ]
    files = sorted(p.relative_to(folders[0]) for p in folders[0].rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(folders[1]) for p in folders[1].rglob("*") if p.is_file())
    for rel in files:
        assert (folders[0] / rel).read_bytes() == (folders[1] / rel).read_bytes(), rel
    sales_files = _engagement(folders[0])["inputs"]["sales"]["files"]
    assert any(
        (folders[0] / f).read_bytes() != (folders[2] / f).read_bytes()
        for f in sales_files
        if (folders[2] / f).is_file()
    )


def test_the_language_changes_the_report_language_not_the_data(tmp_path):
    ru = generate_profile(tmp_path / "ru", "growing").parent
    en = generate_profile(tmp_path / "en", "growing", language="en").parent
    assert (_engagement(ru)["language"], _engagement(en)["language"]) == ("ru", "en")
    data = sorted(p.relative_to(ru) for p in (ru / "data").rglob("*") if p.is_file())
    assert data and all((ru / rel).read_bytes() == (en / rel).read_bytes() for rel in data)
    assert load_answers(ru / "questionnaire.yaml")["plans.written_plan"]["answer"] == "partly"
    note = load_answers(en / "questionnaire.yaml")["plans.written_plan"]["note"]
    assert note and not re.search("[А-Яа-яЁё]", (en / "questionnaire.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", NAMES)
def test_each_profile_differs_from_the_demo_and_stays_small(zoo, name):
    folder = zoo[name]
    eng = _engagement(folder)
    assert eng["client"]["name"] != DEMO_FACTS["client_name"]
    assert str(eng["as_of"]) != DEMO_FACTS["as_of"]
    headers = set(eng["inputs"]["sales"]["columns"].values())
    assert len(headers & DEMO_SALES_HEADERS) <= 1, headers & DEMO_SALES_HEADERS  # its own export
    sales = _sales(folder)
    assert sales["date"].notna().all() and sales["amount"].notna().all()
    if "manager" in sales:
        assert not set(sales["manager"]) & set(DEMO_FACTS["managers"])
    limit = 7000 if PROFILES[name].buyers else 3500
    assert 100 <= len(sales) <= limit
    assert 40 <= sales["client_id"].nunique() <= (5000 if PROFILES[name].buyers else 300)
    for required in ("engagement.yaml", "questionnaire.yaml", "brand.yml", "logo.svg"):
        assert (folder / required).is_file(), required


def test_growing_has_more_buying_clients_and_revenue_than_the_year_before(zoo):
    sales = _sales(zoo["growing"])
    last, before = (_in(sales, w) for w in _windows(zoo["growing"]))
    buying = [d[d["amount"] > 0]["client_id"].nunique() for d in (last, before)]
    revenue = [d["amount"].sum() for d in (last, before)]
    assert buying[0] > buying[1] * 1.15, buying
    assert revenue[0] > revenue[1] * 1.2, revenue


def test_shrinking_has_fewer_buying_clients_and_less_revenue(zoo):
    sales = _sales(zoo["shrinking"])
    last, before = (_in(sales, w) for w in _windows(zoo["shrinking"]))
    buying = [d[d["amount"] > 0]["client_id"].nunique() for d in (last, before)]
    revenue = [d["amount"].sum() for d in (last, before)]
    assert buying[0] < buying[1] * 0.85, buying
    assert revenue[0] < revenue[1] * 0.85, revenue


def test_short_history_spans_five_months(zoo):
    sales = _sales(zoo["short_history"])
    days = (sales["date"].max() - sales["date"].min()).days
    assert 140 <= days <= 153, days


def test_mid_window_start_starts_in_the_middle_of_the_window(zoo):
    sales = _sales(zoo["mid_window_start"])
    (start, end), _ = _windows(zoo["mid_window_start"])
    first = sales["date"].min()
    assert start + pd.DateOffset(months=4) <= first <= start + pd.DateOffset(months=8), first


@pytest.mark.parametrize(("name", "count"), [("one_manager", 1), ("forty_managers", 40)])
def test_the_number_of_managers(zoo, name, count):
    assert _sales(zoo[name])["manager"].nunique() == count
    assert _table(zoo[name], "managers")["manager"].nunique() == count


def test_sales_only_has_no_other_input(zoo):
    folder = zoo["sales_only"]
    assert set(_engagement(folder)["inputs"]) == {"sales"}
    files = _engagement(folder)["inputs"]["sales"]["files"]
    assert sorted(p.relative_to(folder).as_posix() for p in (folder / "data").iterdir()) == sorted(files)
    assert all(
        set(_engagement(zoo[n])["inputs"]) == {"sales"} | ALL_TABLES for n in ("growing", "zero_amounts")
    )


def test_empty_questionnaire_answers_nothing(zoo):
    answers = load_answers(zoo["empty_questionnaire"] / "questionnaire.yaml")
    assert all(answers[q]["answer"] == "unknown" and not answers[q]["note"] for q in QUESTIONS)
    assert answers["a_client_interviews"] == []


def test_full_questionnaire_answers_everything_with_notes_and_interviews(zoo):
    folder = zoo["full_questionnaire"]
    answers = load_answers(folder / "questionnaire.yaml")
    assert all(answers[q]["answer"] in ("yes", "no", "partly") and answers[q]["note"] for q in QUESTIONS)
    interviews = answers["a_client_interviews"]
    clients = set(_sales(folder)["client_id"])
    assert len(interviews) >= 3
    assert all(i["client_id"] in clients and i["reasons"] and i["criteria"] for i in interviews)


def test_english_usd_is_an_english_client_in_dollars(zoo):
    folder = zoo["english_usd"]
    eng = _engagement(folder)
    assert (eng["language"], eng["currency"], eng["country"]) == ("en", "USD", "US")
    for table, spec in eng["inputs"].items():
        headers = " ".join(spec["columns"].values())
        assert re.fullmatch(r"[A-Za-z ]+", headers), (table, headers)
    sales = _sales(folder)
    assert not sales.apply(lambda c: c.astype(str).str.contains("[А-Яа-яЁё]")).any().any()


def test_b2c_has_thousands_of_buyers_most_buying_once_or_twice(zoo):
    sales = _sales(zoo["b2c"])
    receipts = sales[sales["amount"] > 0].groupby("client_id")["document_id"].nunique()
    assert receipts.size >= 3500
    assert (receipts <= 2).mean() >= 0.8
    assert sales.loc[sales["amount"] > 0, "amount"].median() < 20_000


def test_one_client_has_sixty_percent_of_revenue(zoo):
    sales = _sales(zoo["one_client_60pct"])
    share = sales.groupby("client_id")["amount"].sum().max() / sales["amount"].sum()
    assert 0.55 <= share <= 0.65, share


def test_zero_amounts_has_forty_percent_zero_lines(zoo):
    sales = _sales(zoo["zero_amounts"])
    share = (sales["amount"] == 0).mean()
    assert 0.35 <= share <= 0.45, share
    others = [(_sales(zoo[n])["amount"] == 0).mean() for n in ("growing", "english_usd")]
    assert max(others) == 0


def test_generate_demo_with_a_profile_is_that_profile(tmp_path):
    path = generate_demo(tmp_path / "a", profile="one_manager", language="en")
    same = generate_profile(tmp_path / "b", "one_manager", language="en")
    assert path.read_bytes() == same.read_bytes()


def test_unknown_profile_is_one_error_naming_the_known_ones(tmp_path):
    refused(
        "demo", "--profile", "nope", "--engagement", tmp_path / "x", says=("nope", *NAMES)
    )  # exit 1, no traceback
    assert not (tmp_path / "x").exists()
