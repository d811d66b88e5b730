"""The demo engagement: deterministic, complete, and carrying every planted fact of DEMO_FACTS.

The files are read back with plain pandas (not through intake), the way a consultant would open them.
Class checks use the playbook's default ABC rule, re-implemented here in a few lines: sort by net revenue
descending; a client is A when the clients ranked before it hold less than 80 % of the total (so the
client crossing 80 % is A), B likewise at 95 %.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from salesaudit.demo import DEMO_FACTS, generate_demo
from salesaudit.engine.templates import template_path
from salesaudit.exceptions import ConfigError
from salesaudit.workdays import working_days_between
from tests.files import file_hashes

AS_OF = pd.Timestamp("2026-11-25")
WINDOW = (pd.Timestamp("2025-11-01"), pd.Timestamp("2026-10-31"))  # last 12 full months
PREVIOUS = (pd.Timestamp("2024-11-01"), pd.Timestamp("2025-10-31"))
SALES_FILES = ["sales_2024.csv", "sales_2025.csv", "sales_2026.csv"]


# --------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("demo") / "engagement"
    generate_demo(folder)
    return folder


@pytest.fixture(scope="module")
def raw_sales(folder) -> pd.DataFrame:
    frames = [
        pd.read_csv(
            folder / "data" / name, sep=";", encoding="utf-8-sig", dtype=str, keep_default_na=False
        ).assign(_file=name)
        for name in SALES_FILES
    ]
    return pd.concat(frames, ignore_index=True)


def _number(values: pd.Series) -> pd.Series:
    return pd.to_numeric(values.str.replace(",", ".", regex=False), errors="coerce")


def _date(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values, format="%d.%m.%Y", errors="coerce")


@pytest.fixture(scope="module")
def sales(raw_sales) -> pd.DataFrame:
    """Valid lines up to as_of, in canonical names."""
    out = pd.DataFrame(
        {
            "date": _date(raw_sales["Дата"]),
            "client_id": raw_sales["Код клиента"],
            "client_name": raw_sales["Контрагент"],
            "manager": raw_sales["Менеджер"],
            "document_id": raw_sales["Документ"],
            "amount": _number(raw_sales["Сумма"]),
            "margin": _number(raw_sales["Валовая прибыль"]),
        }
    )
    return out[out["date"].notna() & out["amount"].notna() & (out["date"] <= AS_OF)]


@pytest.fixture(scope="module")
def clients(folder) -> pd.DataFrame:
    return pd.read_excel(folder / "data" / "clients.xlsx", sheet_name="Клиенты", header=2, engine="openpyxl")


@pytest.fixture(scope="module")
def engagement(folder) -> dict:
    return yaml.safe_load((folder / "engagement.yaml").read_text(encoding="utf-8"))


def _csv(folder: Path, name: str, **kw) -> pd.DataFrame:
    return pd.read_csv(folder / "data" / name, dtype=str, keep_default_na=False, **kw)


def _revenue(sales: pd.DataFrame, start, end) -> pd.Series:
    inside = sales[(sales["date"] >= start) & (sales["date"] <= end)]
    return inside.groupby("client_id")["amount"].sum()


def _abc(values: pd.Series) -> pd.Series:
    """Reach rule at 80 % / 95 % on positive values (see the module docstring)."""
    positive = values[values > 0]
    ordered = positive.sort_index().sort_values(ascending=False, kind="stable")
    before = (ordered.cumsum() - ordered) / ordered.sum()
    return pd.Series(np.where(before < 0.8, "A", np.where(before < 0.95, "B", "C")), index=ordered.index)


# --------------------------------------------------------------------------------------------------
def test_same_seed_gives_byte_identical_files(folder, tmp_path):
    again = generate_demo(tmp_path / "again").parent
    first, second = file_hashes(folder), file_hashes(again)
    assert len(first) >= 12
    assert first == second


def test_another_seed_changes_the_numbers_not_the_story(folder, tmp_path):
    target = tmp_path / "empty"
    target.mkdir()  # an existing empty folder is accepted
    other = generate_demo(target, seed=7).parent
    assert file_hashes(other)["data/sales_2025.csv"] != file_hashes(folder)["data/sales_2025.csv"]
    register = pd.read_excel(other / "data" / "clients.xlsx", header=2, engine="openpyxl")
    names = register.set_index("Код клиента")["Наименование"]
    assert names[DEMO_FACTS["giant_client_id"]] == DEMO_FACTS["giant_name"]
    assert names[DEMO_FACTS["html_client_id"]] == DEMO_FACTS["html_client_name"]


def test_refuses_a_non_empty_folder(tmp_path):
    (tmp_path / "notes.txt").write_text("client's file", encoding="utf-8")
    with pytest.raises(ConfigError, match="not empty"):
        generate_demo(tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]  # nothing written


def test_refuses_a_file_in_place_of_the_folder(tmp_path):
    path = tmp_path / "demo"
    path.write_text("", encoding="utf-8")
    with pytest.raises(ConfigError):
        generate_demo(path)


# --------------------------------------------------------------------------------------------------
def test_engagement_yaml_parses_with_what_was_set(folder, engagement, sales):
    assert engagement["client"]["name"] == "ООО «ТехноСнаб»"
    assert engagement["language"] == "ru"
    assert engagement["as_of"] == dt.date(2026, 11, 25)
    assert engagement["plan"]["year"] == 2026
    # target = net 2025 sales × 1.15, rounded to a whole million
    net_2025 = sales.loc[sales["date"].dt.year == 2025, "amount"].sum()
    assert engagement["plan"]["target"] == round(net_2025 * 1.15 / 1e6) * 1_000_000
    assert set(engagement["inputs"]) == {"sales", "clients", "managers", "targets", "pipeline", "activities"}


def test_every_mapped_header_is_in_its_file(folder, engagement):
    for table, spec in engagement["inputs"].items():
        for name in spec["files"]:
            path = folder / name
            read = spec["read"]
            if path.suffix == ".xlsx":
                header = pd.read_excel(
                    path, sheet_name=read["sheet"], header=read["header_row"] - 1, nrows=0, engine="openpyxl"
                )
            else:
                header = pd.read_csv(path, sep=read["delimiter"], encoding=read["encoding"], nrows=0)
            missing = set(spec["columns"].values()) - set(header.columns)
            assert not missing, f"{table}: {missing}"


def test_recoded_values_cover_the_files(folder, engagement):
    deals = _csv(folder, "deals.csv", sep=";", encoding="utf-8-sig")
    activities = _csv(folder, "activities.csv")
    status = engagement["inputs"]["pipeline"]["recode"]["status"]
    kinds = engagement["inputs"]["activities"]["recode"]["type"]
    assert set(deals["Статус"]) == set(status) and set(status.values()) == {"open", "won", "lost"}
    assert set(activities["Тип"]) == set(kinds) and set(kinds.values()) == {"call", "meeting", "proposal"}


def test_brand_files_are_copied(folder):
    templates = template_path("engagement.yaml").parent
    shipped = [p for p in [*templates.glob("brand*"), *templates.glob("logo*")] if p.is_file()]
    assert shipped, "the lead ships templates/brand.yml and templates/logo.svg"
    for src in shipped:
        assert (folder / src.name).read_bytes() == src.read_bytes()


# --------------------------------------------------------------------------------------------------
def test_sales_files_look_like_a_1c_export(folder, raw_sales):
    assert (folder / "data" / "sales_2025.csv").read_bytes().startswith("\ufeffДата;".encode())
    assert len(raw_sales) >= 100_000
    amounts = raw_sales["Сумма"]
    well_formed = amounts.str.fullmatch(r"-?\d+,\d{2}")
    assert set(amounts[~well_formed]) == {"н/д", "#ЗНАЧ!"}
    # each file holds its year (December 2023 travels with 2024)
    years = raw_sales["Дата"].str[-4:]
    assert set(years[raw_sales["_file"] == "sales_2024.csv"]) == {"2023", "2024"}
    assert set(years[raw_sales["_file"] == "sales_2025.csv"]) == {"2025"}


def test_broken_rows_and_the_future_line(raw_sales):
    amount, date = _number(raw_sales["Сумма"]), _date(raw_sales["Дата"])
    assert sorted(raw_sales.loc[amount.isna(), "Сумма"]) == ["#ЗНАЧ!", "н/д"]
    assert sorted(raw_sales.loc[date.isna(), "Дата"]) == ["29.02.2025", "31.02.2025"]  # 2025 is not leap
    future = raw_sales[date > AS_OF]
    assert future["Дата"].tolist() == ["15.12.2026"]
    assert len(DEMO_FACTS["bad_rows"]) == 4


def test_history_spans_three_years(sales):
    assert sales["date"].min() == pd.Timestamp("2023-12-01")
    assert pd.Timestamp("2026-11-20") <= sales["date"].max() <= pd.Timestamp("2026-11-24")


def test_yearly_volume_and_pareto(sales):
    yearly = sales.groupby(sales["date"].dt.year)["amount"].sum()
    assert 250e6 <= yearly[2024] <= 400e6 and 250e6 <= yearly[2025] <= 400e6
    revenue = _revenue(sales, *WINDOW)
    revenue = revenue[revenue > 0].sort_values(ascending=False)
    assert 650 <= len(revenue) <= 800
    top = int(np.ceil(0.2 * len(revenue)))
    assert 0.75 <= revenue.iloc[:top].sum() / revenue.sum() <= 0.85
    assert revenue.iloc[0] / revenue.sum() < 0.10  # no single client dominates


def test_seasonality_weak_january_may_dip_december_peak(sales):
    for year in (2024, 2025):
        months = sales[sales["date"].dt.year == year].groupby(sales["date"].dt.month)["amount"].sum()
        index = months / months.mean()
        assert index[1] < 0.7
        assert index.idxmax() == 12
        assert index[5] < index[4] and index[5] < index[6]


def test_sales_fall_mostly_on_working_days(sales):
    weekend = sales["date"].dt.day_of_week >= 5
    assert 0 < weekend.mean() < 0.05


# --------------------------------------------------------------------------------------------------
def _pace(sales, start, end) -> float:
    """Net sales per working day from start to end (inclusive)."""
    inside = sales[(sales["date"] >= start) & (sales["date"] <= end)]
    return inside["amount"].sum() / working_days_between(start, end, country="RU")


def test_october_2026_slumps_from_its_first_weeks(sales):
    september = _pace(sales, "2026-09-01", "2026-09-30")
    assert _pace(sales, "2026-10-01", "2026-10-31") < 0.8 * september
    assert _pace(sales, "2026-10-01", "2026-10-14") < 0.8 * september  # visible by mid-month
    # a normal year has no such fall from September to October
    assert _pace(sales, "2025-10-01", "2025-10-31") > 0.85 * _pace(sales, "2025-09-01", "2025-09-30")


def test_2026_follows_the_plan_except_october(sales, engagement):
    history = sales[sales["date"].dt.year.isin([2024, 2025])]
    monthly = history.groupby([history["date"].dt.year, history["date"].dt.month])["amount"].sum()
    shares = (monthly / monthly.groupby(level=0).transform("sum")).groupby(level=1).mean()
    plan = engagement["plan"]["target"] * shares / shares.sum()
    fact = sales[sales["date"].dt.year == 2026].groupby(sales["date"].dt.month)["amount"].sum()
    ratio = fact / plan
    assert (ratio[1:9].sub(1).abs() < 0.12).sum() >= 8
    assert 0.6 < ratio[10] < 0.75


def test_new_hire_and_leaver(sales, folder):
    hire, leaver = DEMO_FACTS["new_hire"], DEMO_FACTS["leaver"]
    hired_lines = sales[sales["manager"] == hire["manager"]]
    left_lines = sales[sales["manager"] == leaver["manager"]]
    assert len(hired_lines) > 100 and hired_lines["date"].min() >= pd.Timestamp(hire["hired"])
    assert len(left_lines) > 1000 and left_lines["date"].max() <= pd.Timestamp(leaver["left"])
    # the leaver's clients keep buying, from others
    his = set(left_lines.loc[left_lines["date"] >= "2026-01-01", "client_id"])
    after = sales[(sales["date"] > leaver["left"]) & sales["client_id"].isin(his)]
    assert after["client_id"].nunique() > 0.5 * len(his)
    assert hire["manager"] in set(after["manager"])
    managers = _csv(folder, "managers.csv").set_index("Менеджер")
    assert managers.loc[hire["manager"], "Дата приема"] == "01.09.2026"
    assert managers.loc[leaver["manager"], "Дата увольнения"] == "30.06.2026"
    assert (managers["Дата увольнения"] != "").sum() == 1


def test_returns_are_negative_lines_after_a_purchase(sales):
    returns = sales[sales["amount"] < 0]
    assert 0.01 <= len(returns) / len(sales) <= 0.02
    first_buy = sales[sales["amount"] > 0].groupby("client_id")["date"].min()
    assert (returns["date"] > returns["client_id"].map(first_buy)).all()
    assert returns["document_id"].str.startswith("ВЗ").all()


def test_data_flaws(sales, folder):
    assert 0.003 <= (sales["manager"] == "").mean() <= 0.007
    official = set(_csv(folder, "managers.csv")["Менеджер"])
    odd = sales.loc[~sales["manager"].isin(official | {""}), "manager"]
    assert odd.tolist() == [DEMO_FACTS["misspelled_manager"]["in_sales"]] * 2
    assert odd.iloc[0].replace("е", "ё", 1) in official  # «Федорова» is «Фёдорова»
    # invoice numbers reused on another date
    dates_per_document = sales.groupby("document_id")["date"].nunique()
    assert (dates_per_document > 1).sum() == DEMO_FACTS["duplicate_documents"] == 5


def test_near_duplicate_client_names(clients):
    names = clients.set_index("Код клиента")["Наименование"]

    def normal(name: str) -> str:
        return re.sub(r"\s+", " ", re.sub(r"[«»\"]", "", name)).strip().casefold()

    for a, b in DEMO_FACTS["duplicate_client_names"]:
        assert names[a] != names[b] and normal(names[a]) == normal(names[b])
    assert names.is_unique


# --------------------------------------------------------------------------------------------------
def test_clients_register_layout(folder, clients):
    top = pd.read_excel(folder / "data" / "clients.xlsx", header=None, nrows=3, engine="openpyxl")
    assert top.iloc[0, 0] == "Справочник клиентов на 25.11.2026"
    assert top.iloc[1].isna().all()
    assert len(clients) == DEMO_FACTS["n_clients"] and clients["Код клиента"].is_unique
    assert 0.25 <= clients["Потенциал (руб./год)"].notna().mean() <= 0.35
    assert pd.api.types.is_datetime64_any_dtype(clients["Дата регистрации"])


def test_giant_has_a_potential_but_buys_little(sales, clients):
    giant = DEMO_FACTS["giant_client_id"]
    potential = clients.set_index("Код клиента")["Потенциал (руб./год)"]
    revenue = _revenue(sales, *WINDOW)
    assert potential[giant] == DEMO_FACTS["giant_potential"] >= 100e6
    assert 0 < revenue[giant] < 0.01 * potential[giant]  # share of wallet below 1 %
    assert _abc(revenue)[giant] == "C"
    assert _abc(potential.dropna())[giant] == "A"  # A when ranked by potential
    for cid in DEMO_FACTS["high_potential_client_ids"]:
        assert revenue[cid] < 0.05 * potential[cid]


def test_client_with_markup_in_its_name_is_a(sales, clients):
    cid = DEMO_FACTS["html_client_id"]
    name = clients.set_index("Код клиента").loc[cid, "Наименование"]
    assert "<b>" in name and '"' in name
    assert set(sales.loc[sales["client_id"] == cid, "client_name"]) == {name}
    assert _abc(_revenue(sales, *WINDOW))[cid] == "A"


def test_dormant_a_clients(sales):
    current, previous = _abc(_revenue(sales, *WINDOW)), _abc(_revenue(sales, *PREVIOUS))
    for cid in DEMO_FACTS["dormant_a_client_ids"]:
        bought = sales[(sales["client_id"] == cid) & (sales["amount"] > 0)]["date"]
        assert bought.max() < pd.Timestamp("2026-04-06")
        assert (AS_OF - bought.max()).days > 182  # silent for more than six months
        assert previous[cid] == "A" and current[cid] == "A"


def test_lost_clients(sales):
    previous = _abc(_revenue(sales, *PREVIOUS))
    for cid in DEMO_FACTS["lost_client_ids"]:
        lines = sales[sales["client_id"] == cid]
        assert lines["date"].max() <= pd.Timestamp("2025-09-30")
        assert previous[cid] in ("A", "B")


def test_negative_margin_client(sales):
    lines = sales[sales["client_id"] == DEMO_FACTS["negative_margin_client_id"]]
    assert lines["amount"].sum() > 0 > lines["margin"].sum()
    assert (sales["margin"].sum() / sales["amount"].sum()) > 0.15


# --------------------------------------------------------------------------------------------------
def test_targets_2025_are_flat_and_soft(folder, sales):
    targets = _csv(folder, "targets.csv")
    targets["План"] = targets["План"].astype(float)
    department = targets[targets["Менеджер"] == ""]
    assert department["Период"].tolist() == [f"2025-{m:02d}" for m in range(1, 13)]
    assert department["План"].nunique() == 1  # the owner's number, not seasonal
    personal = targets[targets["Менеджер"] != ""].set_index(["Период", "Менеджер"])["План"]
    assert personal.groupby(level=0).sum().iloc[0] != department["План"].iloc[0]
    in_2025 = sales[sales["date"].dt.year == 2025]
    fact = in_2025.groupby([in_2025["date"].dt.strftime("%Y-%m"), "manager"])["amount"].sum()
    attainment = (fact.reindex(personal.index) / personal).unstack()
    soft = (attainment > 1.10).mean()  # share of months above 110 %, per manager
    assert (soft > 0.5).sum() >= 4 and len(soft) == 5


def test_deals(folder):
    deals = _csv(folder, "deals.csv", sep=";", encoding="utf-8-sig")
    status = deals["Статус"].map(DEMO_FACTS["status_values"])
    closed = status[status != "open"]
    assert 0.22 <= (closed == "won").mean() <= 0.32 and len(closed) > 1000
    is_open = status == "open"
    assert 120 <= is_open.sum() <= 180
    created = _date(deals["Дата создания"])
    expected = _date(deals["Ожидаемая дата закрытия"])
    assert (is_open & (expected < AS_OF)).sum() >= 20  # past their expected close
    assert (is_open & (created < AS_OF - pd.Timedelta(days=150))).sum() >= 10  # open very long
    assert (deals.loc[is_open, "Дата закрытия"] == "").all()
    assert _number(deals["Вероятность"]).between(0, 1).all()
    assert deals["ID сделки"].is_unique
    leaver, hire = DEMO_FACTS["leaver"], DEMO_FACTS["new_hire"]
    assert (created[deals["Ответственный"] == leaver["manager"]] <= leaver["left"]).all()
    assert (created[deals["Ответственный"] == hire["manager"]] >= hire["hired"]).all()
    assert not (is_open & (deals["Ответственный"] == leaver["manager"])).any()


def test_activities(folder, sales):
    acts = _csv(folder, "activities.csv")
    date = _date(acts["Дата"])
    assert 40_000 <= len(acts) <= 60_000
    assert date.min() >= pd.Timestamp("2025-11-25") and date.max() <= pd.Timestamp("2026-11-24")
    assert set(acts["Тип"]) == set(DEMO_FACTS["activity_types"])
    # per manager-day where the manager was active: the low one is far below the others
    per_day = acts.groupby(["Менеджер", "Дата"]).size().groupby(level=0).mean()
    low = DEMO_FACTS["low_activity_manager"]
    assert per_day[low] < 0.5 * per_day.drop(low).median()
    # one manager spends most of his activities on small clients (bottom half by revenue)
    revenue = _revenue(sales, *WINDOW)
    small = set(revenue[revenue <= revenue.median()].index) | (set(acts["Код клиента"]) - set(revenue.index))
    with_client = acts[acts["Код клиента"] != ""]
    on_small = with_client["Код клиента"].isin(small).groupby(with_client["Менеджер"]).mean()
    heavy = DEMO_FACTS["d_effort_manager"]
    assert on_small[heavy] > 0.4 and on_small[heavy] > 2 * on_small.drop(heavy).median()


def test_questionnaire(folder, clients, sales):
    data = yaml.safe_load((folder / "questionnaire.yaml").read_text(encoding="utf-8"))
    ids = [
        "plans.written_plan",
        "plans.pay_structure",
        "plans.bonus_regulation",
        "clients.why_a_buy",
        "clients.potential_known",
        "cadence.weekly_meeting",
        "cadence.weekly_plans",
        "people.turnover",
        "people.scripts",
        "people.hunter_farmer",
    ]
    assert set(data) == {*ids, "a_client_interviews"}
    answers = {q: data[q]["answer"] for q in ids}
    assert set(answers.values()) <= {"yes", "no", "partly", "unknown"}
    assert all(isinstance(data[q]["note"], str) and data[q]["note"] for q in ids)
    assert answers["plans.written_plan"] == answers["cadence.weekly_meeting"] == "no"
    unknown = sorted(q for q, a in answers.items() if a == "unknown")
    assert unknown == sorted(DEMO_FACTS["questionnaire_unknown"]) and 1 <= len(unknown) <= 2
    interviews = data["a_client_interviews"]
    assert 3 <= len(interviews) <= 5
    classes = _abc(_revenue(sales, *WINDOW))
    for item in interviews:
        assert item["client_id"] in set(clients["Код клиента"])
        assert classes[item["client_id"]] == "A"
        assert item["reasons"] and item["criteria"]
