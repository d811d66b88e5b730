"""The deliverable's content: the scorecard and headlines on the demo, the report's order and print
quality (inspected with ``scripts/inspect_report.py``), the English report, and the brand swap."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat
import pandas as pd
import pytest
import yaml
from bs4 import BeautifulSoup
from nbformat.v4 import new_code_cell, new_notebook, new_output

from salesaudit.audit.scorecard import CHECKS, STATUSES
from salesaudit.engine import config
from salesaudit.engine.outputs import read_table
from salesaudit.report.brand import load_brand
from salesaudit.report.html import BACK_TAG, FRONT_TAG, merge_notebooks, render_html
from tests.scripts import load_script

ROOT = Path(__file__).resolve().parents[2]
SECTIONS = ["summary", "audit", "clients", "plan", "weekly", "appendix"]
CYRILLIC = re.compile(r"[А-Яа-яЁё]+")


def _inspect_module():
    return load_script("inspect_report")


def _soup(run: Path) -> BeautifulSoup:
    # <wbr> break points (show.wrappable) are not text: drop them so get_text(" ") keeps words whole
    html = re.sub(r"<wbr\s*/?>", "", (run / "report.html").read_text(encoding="utf-8"))
    return BeautifulSoup(html, "html.parser")


# --------------------------------------------------------------------------------------------------
# fast: the merge order and the brand


def _nb(*cells):
    nb = new_notebook()
    for html, tags in cells:
        cell = new_code_cell("x")
        cell.outputs = [new_output("display_data", data={"text/html": html, "text/plain": "x"})]
        if tags:
            cell.metadata["tags"] = tags
        nb.cells.append(cell)
    return nb


def test_front_and_back_cells_open_and_close_the_report(tmp_path):
    a = _nb(
        ("<h1>A body</h1>", None), ("<h1>A summary</h1>", [FRONT_TAG]), ("<h1>A appendix</h1>", [BACK_TAG])
    )
    b = _nb(("<h1>B body</h1>", None))
    paths = []
    for name, nb in (("01.ipynb", a), ("02.ipynb", b)):
        nbformat.write(nb, str(tmp_path / name))
        paths.append(tmp_path / name)
    merged = merge_notebooks(paths)
    order = [c.outputs[0]["data"]["text/html"] for c in merged.cells]
    assert order == ["<h1>A summary</h1>", "<h1>A body</h1>", "<h1>B body</h1>", "<h1>A appendix</h1>"]
    assert len({c["id"] for c in merged.cells}) == 4


def test_swapping_the_brand_file_changes_the_look_without_code(tiny):
    eng = config.load(tiny)
    nb = _nb(('<h1 id="s">Раздел</h1>', None))
    default = render_html(nb, eng=eng, brand=load_brand(tiny / "brand.yml"))
    other = tiny / "other.yml"
    data = yaml.safe_load((tiny / "brand.yml").read_text(encoding="utf-8"))
    data["meta"]["name"] = {"short": "Acme", "full": "Acme Sales Partners"}
    data["color"]["palette"]["navy"] = "#7A1F5C"
    data["typography"]["base"]["family"] = "DejaVu Serif"
    data["defaults"]["salesaudit"]["contact"] = "hello@acme.example"
    other.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    swapped = render_html(nb, eng=eng, brand=load_brand(other))
    assert "--primary: #1B3A5C" in default and "--primary: #7A1F5C" in swapped
    assert "Вектор роста" in default and "Acme Sales Partners" in swapped and "Вектор роста" not in swapped
    assert '"DejaVu Serif"' in swapped and "hello@acme.example" in swapped


# --------------------------------------------------------------------------------------------------
# slow: one full demo run in Russian (shared), one in English


@pytest.mark.slow
@pytest.mark.xdist_group("demo")
def test_every_check_has_a_status_and_each_status_occurs(demo_run):
    findings = read_table(demo_run, "findings")
    assert findings["check_id"].tolist() == [c.check_id for c in CHECKS]
    assert set(findings["status"]) == set(STATUSES)  # ok, warning, problem and unknown all occur
    assert {"check_id", "status", "area", "evidence", "recommendation"} <= set(findings.columns)
    assert (findings["evidence"].str.len() > 10).all() and (findings["recommendation"].str.len() > 10).all()
    by_id = findings.set_index("check_id")
    # the demo's planted stories: no written plan (no 2026 targets, the owner says no), dormant A clients
    assert by_id.loc["plans.written_plan", "status"] == "problem"
    assert "2026" in by_id.loc["plans.written_plan", "evidence"]
    assert by_id.loc["clients.dormant_ab", "status"] == "problem"
    assert by_id.loc["people.hunter_farmer", "status"] == "unknown"  # not answered in the interview


@pytest.mark.slow
@pytest.mark.xdist_group("demo")
def test_three_headlines_with_evidence_and_links_to_the_fixing_section(demo_run):
    heads = read_table(demo_run, "headlines")
    assert heads["headline_id"].tolist() == ["no_money_plan", "no_segmentation", "monthly_cadence"]
    assert heads["present"].all() and set(heads["status"]) <= {"problem", "warning"}
    assert heads["evidence"].str.contains(r"\d").all()  # each quotes a figure
    assert heads["evidence"].str.contains("Интервью").all()  # ... and the interview
    soup = _soup(demo_run)
    block = soup.find("div", class_="headlines")
    links = [a["href"] for a in block.find_all("a")]
    assert links == ["#plan", "#clients", "#weekly"]
    for anchor in links:
        assert soup.find(id=anchor[1:]) is not None


@pytest.mark.slow
@pytest.mark.xdist_group("demo")
def test_summary_first_then_the_stages_then_the_appendix(demo_run):
    main = _soup(demo_run).find("main")
    assert [h["id"] for h in main.find_all("h1")] == SECTIONS
    soup = _soup(demo_run)
    assert soup.find("nav", id="toc").find("a")["href"] == "#summary"
    ids = {tag["id"] for tag in soup.find_all(id=True)}
    broken = sorted({a["href"] for a in soup.find_all("a", href=True) if a["href"][1:] not in ids})
    assert not broken, f"links to missing sections: {broken}"


@pytest.mark.slow
@pytest.mark.xdist_group("demo")
def test_tables_have_translated_headers(demo_run):
    headers = {th.get_text() for th in _soup(demo_run).find_all("th")}
    raw = sorted(h for h in headers if re.fullmatch(r"[a-z][a-z0-9_]*", h))
    assert not raw, f"untranslated column names: {raw}"


@pytest.mark.slow
@pytest.mark.xdist_group("demo")
def test_every_chart_is_printed_within_its_own_width(demo_run):
    """Nothing (a long title, a wide legend) sticks out of a chart's figure: the tight bounding box
    would widen the image and the report would print the whole chart smaller."""
    import base64
    import io

    from PIL import Image

    pad = 2 * 0.1 * 150  # savefig's pad_inches on each side, at the report's 150 dpi
    figures = _soup(demo_run).select(".figure img, table.figrow img")
    assert len(figures) >= 8
    for img in figures:
        png = Image.open(io.BytesIO(base64.b64decode(img["src"].split(",", 1)[1])))
        width_mm = re.search(r"width:(\d+)mm", img.get("style", ""))
        inches = int(width_mm.group(1)) / 25.4 if width_mm else 3.6  # figure_row: half-width charts
        assert png.size[0] <= inches * 150 + pad + 2, (png.size, inches)


@pytest.mark.slow
@pytest.mark.xdist_group("demo")
def test_print_quality_inspected_like_a_reader(demo_run, tmp_path):
    inspect = _inspect_module()
    summary = inspect.inspect(demo_run, pages_dir=tmp_path / "pages", browser=False)
    assert summary["overflowing"] == [], summary["overflowing"][:3]
    assert summary["split"] == [], summary["split"][:3]  # no table row split mid-way, no chart cut
    assert summary["missing_headings"] == []
    assert summary["legend_over_plot"] == [] and summary["chart_cut"] == []
    assert summary["footer_ok"]
    assert 12 <= summary["pages"] <= 22, summary["pages"]  # a report an owner reads, not a data dump
    headings = inspect.headings((demo_run / "report.html").read_text(encoding="utf-8"))
    assert "Главное: итоги аудита" in headings and "Приложение: данные и методика" in headings
    assert len(list((tmp_path / "pages").glob("page-*.png"))) == summary["pages"]


@pytest.fixture(scope="session")  # not module: other tests between this module's would re-run it
def english_run(demo_engagement, tmp_path_factory):
    """The demo with ``language: en`` in its engagement.yaml, run once."""
    from salesaudit.engine.runner import run

    folder = tmp_path_factory.mktemp("demo_en") / "engagement"
    shutil.copytree(demo_engagement, folder, ignore=shutil.ignore_patterns("output"))
    path = folder / "engagement.yaml"
    text = path.read_text(encoding="utf-8")
    assert re.search(r"^language: ru\b", text, re.M)
    path.write_text(re.sub(r"^language: ru\b", "language: en", text, count=1, flags=re.M), encoding="utf-8")
    return run(folder, out=tmp_path_factory.mktemp("run_en") / "out", progress=lambda _: None)


@pytest.mark.slow
@pytest.mark.xdist_group("demo")
def test_the_english_demo_report_reads_true_and_whole(english_run):
    """The checker and the layout inspection on the English demo (the Russian one: test_check_report
    and test_print_quality_inspected_like_a_reader)."""
    found = load_script("check_report").check_run(english_run, require_claims=True)
    assert [f"{p.kind} in {p.section!r}: {p.text}" for p in found.problems] == []
    inspect = load_script("inspect_report")
    page = (english_run / "report.html").read_text(encoding="utf-8")
    for check in ("overflowing_boxes", "split_across_pages", "legends_over_plots", "charts_cut_at_page_edge"):
        assert getattr(inspect, check)(page) == [], check


def _client_data(run: Path, engagement: Path) -> list[str]:
    """Every text the client (or the consultant's brand) supplied: values of the canonical tables,
    the interview answers, the client and firm names — longest first."""
    texts: set[str] = set()
    for parquet in (run / "intake").glob("*.parquet"):
        df = pd.read_parquet(parquet)
        for col in df.columns:
            if df[col].dtype == object or pd.api.types.is_string_dtype(df[col]):
                texts |= {str(v) for v in df[col].dropna().unique()}

    def walk(value):
        if isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)
        elif isinstance(value, str):
            texts.add(value)

    texts |= load_script("check_report").portrait_traits(run / "tables" / "portrait_lifts.parquet")
    walk(yaml.safe_load((engagement / "questionnaire.yaml").read_text(encoding="utf-8")))
    walk(yaml.safe_load((engagement / "brand.yml").read_text(encoding="utf-8")))
    eng = config.load(engagement)
    texts.add(eng.client.name)
    brand = load_brand(engagement / "brand.yml")
    texts |= {brand.firm, brand.short_name, brand.contact}
    return sorted((t for t in texts if CYRILLIC.search(t)), key=len, reverse=True)


@pytest.mark.slow
@pytest.mark.xdist_group("demo")
def test_english_report_has_no_russian_label_left(english_run):
    manifest = pd.read_json(english_run / "manifest.json", typ="series")
    engagement = Path(manifest["engagement"])
    text = " ".join(_soup(english_run).get_text(" ").split())
    for data in _client_data(english_run, engagement):
        data = " ".join(data.split())
        text = text.replace(data, " ").replace(data.rstrip(" ."), " ")  # notes may be quoted without the dot
    left = sorted({m.group(0) for m in CYRILLIC.finditer(text)})
    contexts = [text[max(0, m.start() - 60) : m.end() + 60] for m in CYRILLIC.finditer(text)][:5]
    assert not left, f"Russian words left in the English report: {left[:20]}\n" + "\n".join(contexts)
    assert "Executive summary" in text and "Headline findings" in text
    assert re.search(r"₽\d{1,3}(,\d{3})+", text)  # English money format


@pytest.mark.slow
@pytest.mark.xdist_group("demo")
def test_english_and_russian_runs_agree_on_the_statuses(demo_run, english_run):
    ru = read_table(demo_run, "findings")
    en = read_table(english_run, "findings")
    assert ru["status"].tolist() == en["status"].tolist()
    assert (ru["title"] != en["title"]).all()
