"""The client zoo (issue 18): every profile of :data:`salesaudit.demo.zoo.PROFILES`, in Russian and in
English, goes through ``validate`` (in its own language: the other reads the same files with the same
settings) and the whole playbook (every stage, the HTML report and the
workbook; the PDF printer does not depend on the client's shape and is checked on the demo), and the
finished report is read the way the owner would read it:

* ``scripts/check_report.py`` finds no raw key, repeated sentence, doubled punctuation, word in the
  other language's script, wording of another status, or claim that its figures contradict (the
  ``claims`` table is required);
* ``scripts/inspect_report.py`` lays the HTML out as the PDF prints it and finds no box sticking out of
  the page, no table row or chart split across pages, no legend over a plot, no chart cut at the edge.

The same two checks run on the demo's own report in ``tests/report/test_report_content.py``.
"""

from __future__ import annotations

import traceback

import pytest

from salesaudit.demo.zoo import PROFILES, generate_profile
from tests.scripts import load_script

LANGUAGES = ("ru", "en")


def _cases():
    return [
        pytest.param(name, lang, marks=[pytest.mark.slow], id=f"{name}-{lang}")
        for name in sorted(PROFILES)
        for lang in LANGUAGES
    ]


def test_the_zoo_has_the_profiles_the_issue_names():
    wanted = {
        "growing", "shrinking", "short_history", "mid_window_start", "one_manager", "forty_managers",
        "sales_only", "empty_questionnaire", "full_questionnaire", "english_usd", "b2c",
        "one_client_60pct", "zero_amounts",
    }  # fmt: skip
    assert wanted <= set(PROFILES) and len(PROFILES) >= 12


@pytest.mark.parametrize(("name", "lang"), _cases())
def test_every_profile_reads_true_and_whole(name, lang, tmp_path):
    from typer.testing import CliRunner

    import salesaudit
    from salesaudit.cli import app

    folder = generate_profile(tmp_path / name, name, language=lang).parent
    if lang == PROFILES[name].language:  # the same files and settings in the other language
        validate = CliRunner().invoke(app, ["validate", str(folder)])
        assert validate.exit_code == 0, validate.stdout + validate.stderr
    try:
        run = salesaudit.run(folder, out=tmp_path / "out", progress=None, pdf=False)
    except Exception:  # the traceback in the failure message, not a bare "stage failed"
        pytest.fail(f"{name} ({lang}) did not run:\n{traceback.format_exc()}")

    found = load_script("check_report").check_run(run.folder, require_claims=True)
    problems = [f"{p.kind} in {p.section!r}: {p.text}" for p in found.problems]
    assert not problems, f"{name} ({lang}): " + "\n".join(problems)

    inspect = load_script("inspect_report")
    page = (run.folder / "report.html").read_text(encoding="utf-8")
    layout = {
        "overflowing": inspect.overflowing_boxes(page),
        "split": inspect.split_across_pages(page),
        "legend_over_plot": inspect.legends_over_plots(page),
        "chart_cut": inspect.charts_cut_at_page_edge(page),
    }
    assert not any(layout.values()), f"{name} ({lang}): {layout}"
