"""A page per manager for the Monday meeting: one weekly run of the demo with ``per_manager=True``
(its PDFs inspected as PNG and as text, its figures added up against the department row), and the
page's HTML for hostile names and in English without a run."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from salesaudit.engine import config
from salesaudit.engine.outputs import read_table, run_manifest
from salesaudit.report.brand import load_brand
from salesaudit.report.html import unsafe_content
from salesaudit.report.manager_pdf import pages_html, safe_file_names
from salesaudit.weekly.manager_pages import department_check, manager_pages, page_managers
from tests.conftest import TINY_YAML, make_engagement
from tests.scripts import load_script


def _pdf_pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def _pdf_text(pdf: Path, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    out = subprocess.run(["pdftotext", *pages, str(pdf), "-"], capture_output=True, text=True, check=True)
    return " ".join(out.stdout.split())


def _number(text: str) -> float:
    """A money cell as the page shows it ("1 915 853 ₽", "$1,234") back to a number (whole units)."""
    digits = re.sub(r"[^\d]", "", text)
    return (-1 if re.search(r"[-−]", text) else 1) * float(digits)


@pytest.fixture(scope="module")
def weekly_run(tmp_path_factory) -> Path:
    """One weekly run of the demo with a page per manager."""
    import salesaudit
    from salesaudit.demo import generate_demo

    folder = tmp_path_factory.mktemp("managers") / "demo"
    generate_demo(folder)
    return salesaudit.weekly(folder, per_manager=True, progress=None).folder


@pytest.fixture(scope="module")
def sections(weekly_run) -> list:
    page = (weekly_run / "per_manager" / "all_managers.html").read_text(encoding="utf-8")
    return BeautifulSoup(page, "html.parser").select("section.manager-page")


@pytest.mark.slow
@pytest.mark.xdist_group("manager_pages")
def test_one_page_per_manager_with_a_plan_and_one_pdf_each(weekly_run):
    tracking_week = read_table(weekly_run, "tracking_week")
    managers = tracking_week[(tracking_week["level"] == "manager") & tracking_week["manager"].notna()]
    planned = sorted(managers.loc[managers["month_plan"] > 0, "manager"])
    assert planned and sorted(page_managers(tracking_week)) == planned  # the demo: no one sells unplanned
    combined = weekly_run / "per_manager" / "all_managers.pdf"
    assert _pdf_pages(combined) == len(planned)
    for number, name in enumerate(page_managers(tracking_week), 1):  # each page names its manager
        assert name in _pdf_text(combined, number)
    files = dict(
        zip(page_managers(tracking_week), safe_file_names(page_managers(tracking_week)), strict=True)
    )
    for name, stem in files.items():
        pdf = weekly_run / "per_manager" / f"{stem}.pdf"
        assert _pdf_pages(pdf) == 1, name
        assert name in _pdf_text(pdf)
        others = [m for m in planned if m != name]
        assert not any(m in _pdf_text(pdf) for m in others), name
    listed = run_manifest(weekly_run)["per_manager"]
    assert listed[0] == "per_manager/all_managers.pdf" and len(listed) == len(planned) + 1
    assert all((weekly_run / p).is_file() for p in listed)


@pytest.mark.slow
@pytest.mark.xdist_group("manager_pages")
def test_pages_as_png_nothing_off_the_page_nothing_cut(weekly_run, tmp_path):
    inspect = load_script("inspect_report")
    pdf = weekly_run / "per_manager" / "all_managers.pdf"
    pngs = inspect.render_pages(pdf, tmp_path / "pages", dpi=50)
    assert len(pngs) == _pdf_pages(pdf)
    from PIL import Image

    for png in pngs:
        with Image.open(png) as image:
            assert image.size[1] > image.size[0]  # A4 portrait
            assert image.convert("L").getextrema()[0] < 100  # something printed on it
    page = (weekly_run / "per_manager" / "all_managers.html").read_text(encoding="utf-8")
    assert inspect.overflowing_boxes(page) == []
    assert inspect.split_across_pages(page) == []
    for number in range(1, len(pngs) + 1):  # the last section ends on the manager's own page
        text = _pdf_text(pdf, number)
        assert "Три действия на эту неделю" in text and "Зависшие сделки" in text, number


@pytest.mark.slow
@pytest.mark.xdist_group("manager_pages")
def test_managers_pages_add_up_to_the_department_row(weekly_run, sections):
    tracking_week = read_table(weekly_run, "tracking_week")
    by_row = tracking_week[tracking_week["level"] == "manager"]
    unassigned = by_row[by_row["manager"].isna()]
    dept = tracking_week[tracking_week["level"] == "department"].iloc[0]
    shown = {
        s.select_one(".manager-name").get_text(): {
            td["data-figure"]: td.get_text() for td in s.select("td[data-figure]")
        }
        for s in sections
    }
    assert list(shown) == page_managers(tracking_week)
    for figure in ("plan", "fact", "mtd_fact"):
        values = [_number(cells[figure]) for cells in shown.values()]
        for name, value in zip(shown, values, strict=True):  # each as the table says, to the unit
            row = by_row[by_row["manager"] == name].iloc[0]
            assert abs(value - float(row[figure])) <= 0.5, (name, figure)
        total = sum(values) + float(unassigned[figure].sum())
        # the page rounds each manager's figure to whole units: the sum may be off by half a unit each
        assert abs(total - float(dept[figure])) <= 0.5 * (len(values) + 1), figure
    pages = manager_pages(tracking_week, alerts=read_table(weekly_run, "alerts"))
    assert department_check(tracking_week, pages)["difference"].abs().max() == 0


@pytest.mark.slow
@pytest.mark.xdist_group("manager_pages")
def test_actions_are_the_managers_most_urgent_alerts_and_lists_match_the_flash(weekly_run, sections):
    from salesaudit.report.i18n import t

    alerts = read_table(weekly_run, "alerts")
    silent = read_table(weekly_run, "silent_clients")
    names = {t(f"managers.rule.{rule}", "ru"): rule for rule in alerts["rule"].unique()}
    for section in sections:
        name = section.select_one(".manager-name").get_text()
        mine = alerts[(alerts["level"] == "manager") & (alerts["manager"] == name)]
        rules = [names[div.get_text()] for div in section.select("ol.actions .rule")]
        assert rules == mine["rule"].head(3).tolist(), name  # most urgent first, no more than there are
        assert len(rules) == min(3, len(mine))
        # the silent A clients are the flash's: one alert each
        assert (silent["manager"] == name).sum() == (mine["rule"] == "silent_client").sum(), name
        assert len(section.select("div.silent tbody tr")) == min(5, (silent["manager"] == name).sum())


@pytest.mark.slow
@pytest.mark.xdist_group("manager_pages")
def test_each_page_has_the_managers_month_chances_as_the_flash_computed_them(weekly_run, sections):
    chances = read_table(weekly_run, "plan_chances")
    month = chances[(chances["level"] == "manager") & (chances["horizon"] == "month")].set_index("manager")
    shown = read_table(weekly_run, "manager_chances").set_index("manager")
    guide = "chance_plan_guide" in shown.columns
    for section in sections:
        name = section.select_one(".manager-name").get_text()
        text = " ".join(section.get_text(" ").split())
        plan = f"{round(100 * month.loc[name, 'chance_plan'])}%"
        assert f"Шанс выполнить план месяца — {plan}" in text, (name, text)
        assert ("(ориентир)" in text) == guide, name  # the flash's verdict, on the page too


def _pages_for(name: str, *, tmp_path: Path, language: str = "ru", chances=None) -> tuple[str, list]:
    folder = make_engagement(tmp_path / "eng", yaml_text=TINY_YAML + f"language: {language}\n")
    eng = config.load(folder)
    brand = load_brand(eng.path(eng.brand), root=eng.folder, allow_outside=eng.allows_outside)
    week = {
        "iso_week": "2026-W47",
        "week_start": pd.Timestamp("2026-11-16"),
        "week_end": pd.Timestamp("2026-11-22"),
    }
    tw = pd.DataFrame(
        {
            "level": ["manager", "department"],
            "manager": [name, None],
            "plan": [100, 100],
            "fact": [80.0, 80.0],
            "attainment": [0.8, 0.8],
            "mtd_plan": [300.0, 300.0],
            "mtd_fact": [250.0, 250.0],
            "mtd_attainment": [0.83, 0.83],
            "month_plan": [500, 500],
            "forecast": [450.0, 450.0],
            "forecast_attainment": [0.9, 0.9],
            "required_daily": [25.0, 25.0],
            "working_days_left": [10, 10],
            **week,
        }
    )
    alerts = pd.DataFrame(
        {
            "level": ["manager"],
            "manager": [name],
            "rule": ["runrate"],
            "severity": ["medium"],
            "text": [f"{name}: at the current pace <i>x</i>"],
        }
    )
    silent = pd.DataFrame(
        {
            "manager": [name],
            "name": ['ООО "Альфа <b>"'],
            "revenue": [10.0],
            "last_order": [pd.Timestamp("2026-10-01")],
            "days_silent": [50],
            "median_gap_days": [10.0],
        }
    )
    pages = manager_pages(tw, alerts=alerts, silent=silent, stale=None, chances=chances)
    return pages_html(pages, eng=eng, brand=brand), pages


def test_hostile_names_are_escaped_and_the_page_stays_safe(tmp_path):
    name = 'Иванов <b>"Ваня"</b> / O\'Neil & Co'
    page, pages = _pages_for(name, tmp_path=tmp_path)
    assert "<b>" not in page.split("</style>", 1)[1] and "<i>" not in page
    assert "&lt;b&gt;" in page and "&lt;i&gt;" in page
    assert unsafe_content(page) == []
    soup = BeautifulSoup(page, "html.parser")
    assert soup.select_one(".manager-name").get_text() == name
    assert 'ООО "Альфа <b>"' in soup.get_text()
    assert "Ещё" not in soup.get_text() and "1 сигнал" in soup.get_text()  # one alert: said, none invented
    assert len(soup.select("ol.actions li")) == 1
    stem = safe_file_names([p.manager for p in pages])[0]
    assert "/" not in stem and '"' not in stem and "<" not in stem and stem.startswith("Иванов")


def test_english_pages(tmp_path):
    page, _ = _pages_for("Ann Lee", tmp_path=tmp_path, language="en")
    text = BeautifulSoup(page, "html.parser").get_text()
    assert "This week's three actions" in text and "Monday meeting · week 2026-W47" in text
    assert "no pipeline export" in text and "Планёрка" not in text


def test_an_unconfirmed_chance_is_a_guide_and_no_chances_no_sentence(tmp_path):
    chances = pd.DataFrame({"manager": ["Ann Lee"], "chance_plan_guide": [0.42], "chance_threshold": [0.9]})
    page, _ = _pages_for("Ann Lee", tmp_path=tmp_path / "a", language="en", chances=chances)
    text = " ".join(BeautifulSoup(page, "html.parser").get_text(" ").split())
    assert "The chance of making the month's plan: 42% (guide); of reaching the bonus threshold" in text
    assert "(70% of the plan): 90%." in text and "did not confirm this chance" in text
    page, _ = _pages_for("Ann Lee", tmp_path=tmp_path / "b", language="en")
    assert "chance of making" not in BeautifulSoup(page, "html.parser").get_text()


def test_safe_file_names_are_unique_and_plain():
    names = ["Анна", "анна", 'A"/\\:*?<>|B', "..", "x" * 300, "all_managers"]
    stems = safe_file_names(names)
    assert len({s.lower() for s in stems}) == len(stems)
    assert all(re.fullmatch(r"[\w\- .]+", s) and len(s) <= 82 for s in stems)
    assert stems[0] == "Анна" and stems[1] == "анна-2" and stems[-1] != "all_managers"
