"""Hostile engagement settings (issue 13): paths that leave the folder, YAML that explodes, values that
flood the terminal, client names that break the scaffold.

Probes covered, one test (or parametrize id) each:

- confinement: an input that is a symlink to a file outside, an absolute path, ``../``, globs reaching
  outside (``../*/*.csv``, ``/…/**/*.csv``), a folder input holding a symlink to a file outside, join
  and lookup files outside, the brand and questionnaire keys outside (and a brand.yml symlink) — all
  refused by ``validate`` (and ``run``, before any kernel) naming the key and the path; the
  engagement's own ``output/`` is never input; what must keep working: ``data/../data/sales.csv``, a
  symlink inside pointing inside, ``files_outside_folder: allow``;
- bounded, strict YAML: an alias bomb, a file over 1 MB (engagement.yaml, brand.yml,
  questionnaire.yaml), duplicate keys (engagement.yaml, questionnaire.yaml) — one short message each;
- values shortened in every message (a 100,000-character value or key);
- the scaffold writes the client name through the YAML library: every hostile name reads back exactly.

The outside file is ``tmp_path/outside/secret.csv``, a valid sales export: before the fix each probe
loaded it silently (its rows reached the run's tables).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from salesaudit.engine import config
from salesaudit.exceptions import ConfigError
from salesaudit.intake.canonical import read_engagement
from tests.conftest import TINY_SALES
from tests.hostile.conftest import TINY_YAML, cli, refused

FILES = "inputs.sales.files"


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    """A file outside the engagement folder (``tmp_path/eng``), readable as the sales export."""
    (tmp_path / "outside").mkdir()
    path = tmp_path / "outside" / "secret.csv"
    path.write_text(TINY_SALES, encoding="utf-8")
    return path


def _files(eng: Path, files: str, extra: str = "") -> Path:
    """The tiny engagement with ``inputs.sales.files`` replaced (and top-level keys added)."""
    text = TINY_YAML.replace("files: [data/sales.csv]", f"files: [{files!r}]") + extra
    (eng / "engagement.yaml").write_text(text, encoding="utf-8")
    return eng


def _sales_extra(eng: Path, block: str) -> Path:
    """The tiny engagement with ``block`` (lines of the sales input, 4 spaces in) added."""
    text = TINY_YAML.replace("plan: {year: 2026}", block + "plan: {year: 2026}")
    (eng / "engagement.yaml").write_text(text, encoding="utf-8")
    return eng


# --------------------------------------------------------------------------------------------------
# Confinement: refused


def test_input_symlink_to_a_file_outside_is_refused(eng, secret):
    (eng / "data" / "sales.csv").unlink()
    (eng / "data" / "sales.csv").symlink_to(secret)
    out = refused("validate", eng, says=(FILES, "data/sales.csv", "outside the engagement folder"))
    assert str(secret) in out  # where the link leads


def test_absolute_input_path_outside_is_refused(eng, secret):
    refused("validate", _files(eng, str(secret)), says=(FILES, str(secret), "outside the engagement folder"))


def test_dotdot_input_path_is_refused(eng, secret):
    refused("validate", _files(eng, "../outside/secret.csv"), says=(FILES, "../outside/secret.csv"))


@pytest.mark.parametrize(
    "pattern", ["../*/*.csv", "../**/*.csv", "ABS/**/*.csv"], ids=["up", "up_recursive", "absolute"]
)
def test_glob_reaching_outside_is_refused(eng, secret, pattern):
    pattern = pattern.replace("ABS", str(secret.parent.parent))
    refused("validate", _files(eng, pattern), says=(FILES, pattern, "outside the engagement folder"))


def test_glob_whose_match_leads_outside_through_a_symlinked_folder_is_refused(eng, secret):
    (eng / "data" / "shared").symlink_to(secret.parent, target_is_directory=True)
    refused("validate", _files(eng, "data/*/*.csv"), says=(FILES, "data/shared/secret.csv", str(secret)))


def test_folder_input_holding_a_symlink_outside_is_refused(eng, secret):
    (eng / "data" / "x.csv").symlink_to(secret)
    refused("validate", _files(eng, "data"), says=(FILES, "data/x.csv", str(secret)))


def test_join_file_outside_is_refused(eng, secret):
    _sales_extra(eng, "    join: {files: [../outside/secret.csv], on: {Документ: Документ}}\n")
    refused("validate", eng, says=("inputs.sales.join.files", "../outside/secret.csv"))


def test_lookup_file_outside_is_refused(eng, secret):
    block = "    lookups: {manager: {files: [../outside/secret.csv], on: Менеджер, key: Менеджер, value: Клиент}}\n"
    _sales_extra(eng, block)
    refused("validate", eng, says=("inputs.sales.lookups.manager.files", "../outside/secret.csv"))


@pytest.mark.parametrize("key", ["brand", "questionnaire"])
def test_brand_or_questionnaire_outside_is_refused(eng, secret, key):
    (eng / "engagement.yaml").write_text(TINY_YAML + f"{key}: ../outside/secret.csv\n", encoding="utf-8")
    refused("validate", eng, says=(f"key '{key}'", "../outside/secret.csv", "outside the engagement folder"))


def test_brand_yml_that_is_a_symlink_outside_is_refused(eng, tmp_path):
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "brand.yml").write_bytes((eng / "brand.yml").read_bytes())
    (eng / "brand.yml").unlink()
    (eng / "brand.yml").symlink_to(tmp_path / "outside" / "brand.yml")
    refused("validate", eng, says=("key 'brand'", "brand.yml", "outside the engagement folder"))


def test_run_refuses_an_outside_input_before_any_kernel(eng, secret):
    refused("run", _files(eng, "../outside/secret.csv"), says=(FILES, "../outside/secret.csv"))
    assert not (eng / "output").exists()  # no run folder: refused before anything started


def test_files_outside_folder_takes_only_allow_or_refuse(eng):
    (eng / "engagement.yaml").write_text(TINY_YAML + "files_outside_folder: yes please\n", encoding="utf-8")
    refused("validate", eng, says="files_outside_folder")


# --------------------------------------------------------------------------------------------------
# The engagement's output/ is never input


def test_a_recursive_glob_skips_earlier_runs_in_output(eng):
    tables = eng / "output" / "2026-11-25_120000" / "tables"
    tables.mkdir(parents=True)
    (tables / "findings.csv").write_text(TINY_SALES, encoding="utf-8")
    files = config.load(_files(eng, "**/*.csv")).input_files("sales")
    assert [p.relative_to(eng.resolve()).as_posix() for p in files] == ["data/sales.csv"]


def test_a_file_in_output_named_as_input_is_refused(eng):
    tables = eng / "output" / "run" / "tables"
    tables.mkdir(parents=True)
    (tables / "findings.csv").write_text(TINY_SALES, encoding="utf-8")
    refused(
        "validate",
        _files(eng, "output/run/tables/findings.csv"),
        says=(FILES, "output/", "never read as input"),
    )


# --------------------------------------------------------------------------------------------------
# Confinement: what keeps working


def test_a_relative_path_through_dotdot_that_stays_inside_works(eng):
    loaded = config.load(_files(eng, "data/../data/sales.csv"))
    assert [p.resolve() for p in loaded.input_files("sales")] == [(eng / "data" / "sales.csv").resolve()]


def test_a_symlink_inside_pointing_inside_works(eng):
    (eng / "data" / "link.csv").symlink_to(eng / "data" / "sales.csv")
    loaded = config.load(_files(eng, "data/link.csv"))
    assert [p.name for p in loaded.input_files("sales")] == ["link.csv"]  # named as listed


def test_files_outside_folder_allow_reads_the_outside_file(eng, secret):
    (eng / "data" / "sales.csv").unlink()
    loaded = config.load(_files(eng, "../outside/secret.csv", "files_outside_folder: allow\n"))
    assert loaded.allows_outside
    intake = read_engagement(loaded)
    assert intake.accounting["rows_read"].sum() > 0
    assert list(intake.accounting["file"]) == ["secret.csv"]


# --------------------------------------------------------------------------------------------------
# Bounded, strict YAML


def _bomb(levels: int = 10) -> str:
    lines = ['- &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"- &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, levels)]
    return "\n".join("    " + line for line in lines) + "\n"


def test_yaml_alias_bomb_in_engagement_yaml_is_one_short_message(eng):
    text = TINY_YAML.replace('client: {name: "ООО «Тест»"}', "client:\n  name: x\n  industry:\n" + _bomb())
    (eng / "engagement.yaml").write_text(text, encoding="utf-8")
    out = refused("validate", eng, says=("engagement.yaml", "100,000 values", "aliases"))
    assert len(out) < 2000


def test_yaml_alias_bomb_in_the_questionnaire_is_refused(eng):
    (eng / "questionnaire.yaml").write_text("a_client_interviews:\n" + _bomb(), encoding="utf-8")
    out = refused("validate", eng, says=("questionnaire.yaml", "100,000 values"))
    assert len(out) < 2000


@pytest.mark.parametrize("name", ["engagement.yaml", "brand.yml", "questionnaire.yaml"])
def test_settings_file_over_1_mb_is_refused_unread(eng, name):
    path = eng / name
    path.write_text(path.read_text(encoding="utf-8") + "\n# padding\n" + "#" * (1 << 20), encoding="utf-8")
    refused("validate", eng, says=(name, "larger than 1024 KB"))


def test_duplicate_key_in_engagement_yaml_names_the_key_and_both_lines(eng):
    (eng / "engagement.yaml").write_text(TINY_YAML + "as_of: 2020-01-01\n", encoding="utf-8")
    refused("validate", eng, says=("'as_of'", "given twice", "lines 2 and 9"))


def test_duplicate_nested_key_names_its_dotted_path(eng):
    text = TINY_YAML.replace("    read:", "    files: [data/other.csv]\n    read:")
    (eng / "engagement.yaml").write_text(text, encoding="utf-8")
    refused("validate", eng, says=("inputs.sales.files", "given twice", "lines 5 and 7"))


def test_duplicate_question_id_in_the_questionnaire_is_refused(eng):
    (eng / "questionnaire.yaml").write_text("I1: {answer: yes}\nI1: {answer: no}\n", encoding="utf-8")
    refused("validate", eng, says=("questionnaire.yaml", "'I1'", "lines 1 and 2"))


# --------------------------------------------------------------------------------------------------
# Values shortened in every message


def test_a_huge_value_is_shortened_in_the_message(eng):
    (eng / "engagement.yaml").write_text(TINY_YAML + f"currency: {'A' * 100_000}\n", encoding="utf-8")
    out = refused("validate", eng, says=("currency", "AAAA", "…"))
    assert len(out) < 2000


def test_a_huge_unknown_key_is_shortened_in_the_message(eng):
    (eng / "engagement.yaml").write_text(TINY_YAML + f"{'k' * 1000}: 1\n", encoding="utf-8")
    out = refused("validate", eng, says=("unknown key", "kkkk", "…"))
    assert len(out) < 2000


def test_a_huge_structured_value_is_shortened_without_building_it(tmp_path):
    text = str(ConfigError("bad", value=[[list(range(10_000))] * 10_000] * 10_000))  # 10^12 numbers
    assert len(text) < 200 and "..." in text


# --------------------------------------------------------------------------------------------------
# The scaffold writes the client name through the YAML library

NAMES = {
    "braces_inputs": "X {inputs}",
    "braces_as_of": "A {as_of}",
    "quotes": "ООО \"Кавычки\" \\ и 'апостроф'",
    "colon_hash": "Acme: sales #1 # not a comment",
    "newline": "two\nlines\r\nand a tab\t",
    "alias_anchor_tag": "*star &anchor !tag",
    "leading_anchor": "&x",
    "leading_tag": "!!python/object:os.system",
    "yaml_words": "yes",
    "long": "Ромашка " * 1000,
    "guillemets": "ООО «Ромашка» — ТД",
    "flow": "[1, 2]: {a: b}",
}


@pytest.mark.parametrize("name", list(NAMES.values()), ids=list(NAMES))
def test_new_writes_any_client_name_so_that_it_reads_back_exactly(tmp_path, name):
    folder = tmp_path / "e"
    result = cli("new", folder, "--client", name)
    assert result.exit_code == 0, result.output
    (folder / "data" / "sales.csv").write_text(TINY_SALES, encoding="utf-8")  # the example's glob
    assert config.load(folder).client.name == name
    assert "# shown on the title page" in (folder / "engagement.yaml").read_text(encoding="utf-8")
