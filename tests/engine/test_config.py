import pytest
import yaml

from salesaudit.engine import config
from salesaudit.engine.yamlfile import MAX_YAML_BYTES
from salesaudit.exceptions import ConfigError
from tests.conftest import TINY_YAML, make_engagement


def _write(folder, text):
    make_engagement(folder)
    (folder / "engagement.yaml").write_text(text, encoding="utf-8")
    return folder


def test_loads_and_applies_defaults(tiny):
    eng = config.load(tiny)
    assert eng.client.name == "ООО «Тест»"
    assert eng.language == "ru" and eng.country == "RU" and eng.window_months == 12
    assert eng.segmentation.cutoffs == (0.8, 0.95)
    assert eng.input_files("sales") == [tiny.resolve() / "data" / "sales.csv"]


def test_unknown_key_names_the_key(tmp_path):
    folder = _write(tmp_path / "e", TINY_YAML + "segmentaton: {}\n")
    with pytest.raises(ConfigError) as err:
        config.load(folder)
    assert err.value.key == "segmentaton"
    assert "unknown key" in str(err.value)


def test_wrong_type_names_key_and_value(tmp_path):
    folder = _write(tmp_path / "e", TINY_YAML.replace("plan: {year: 2026}", "plan: {year: twenty}"))
    with pytest.raises(ConfigError) as err:
        config.load(folder)
    assert err.value.key == "plan.year"
    assert err.value.value == "twenty"


def test_missing_input_file(tmp_path):
    folder = _write(tmp_path / "e", TINY_YAML.replace("data/sales.csv", "data/nope.csv"))
    with pytest.raises(ConfigError, match="input file not found") as err:
        config.load(folder)
    assert err.value.key == "inputs.sales.files"


def test_unknown_canonical_column(tmp_path):
    folder = _write(tmp_path / "e", TINY_YAML.replace("amount: Сумма", "amont: Сумма"))
    with pytest.raises(ConfigError, match="amont"):
        config.load(folder)


def test_bad_cutoffs_rejected(tmp_path):
    folder = _write(tmp_path / "e", TINY_YAML + "segmentation: {cutoffs: [0.95, 0.8]}\n")
    with pytest.raises(ConfigError) as err:
        config.load(folder)
    assert err.value.key.startswith("segmentation.cutoffs")


def test_invalid_yaml_reports_line(tmp_path):
    folder = _write(tmp_path / "e", TINY_YAML + "plan: [\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        config.load(folder)


def test_missing_folder_and_file(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        config.load(tmp_path / "nowhere")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ConfigError, match="no engagement.yaml"):
        config.load(tmp_path / "empty")


def test_scaffold_text_round_trips():
    text = config.engagement_yaml_text(
        client_name='ООО "Кавычки" \\ слэш',
        language="en",
        as_of="2026-01-31",
        plan_year=2026,
        plan_target=5e6,
    )
    data = yaml.safe_load(text)
    assert data["client"]["name"] == 'ООО "Кавычки" \\ слэш'
    assert data["language"] == "en" and data["plan"]["target"] == 5_000_000


def test_every_path_must_lie_inside_the_folder_unless_allowed(tmp_path):
    folder = make_engagement(tmp_path / "e")
    (tmp_path / "elsewhere.csv").write_text("x\n", encoding="utf-8")
    eng = config.load(folder)
    assert eng.files_outside_folder is None and not eng.allows_outside
    with pytest.raises(ConfigError, match="outside the engagement folder") as err:
        eng.path("../elsewhere.csv", key="brand")
    assert err.value.key == "brand"
    allowed = eng.model_copy(update={"files_outside_folder": "allow"})
    assert allowed.path("../elsewhere.csv") == eng.folder / "../elsewhere.csv"


def test_a_key_given_twice_is_an_error_naming_both_lines(tmp_path):
    folder = _write(tmp_path / "e", TINY_YAML + "language: en\nlanguage: ru\n")
    with pytest.raises(ConfigError, match=r"given twice \(lines 9 and 10\)") as err:
        config.load(folder)
    assert err.value.key == "language" and err.value.row == 10


def test_settings_files_are_bounded_and_strict(tmp_path):
    folder = make_engagement(tmp_path / "e")
    (folder / "brand.yml").write_text("a: &x [1, 1, 1, 1]\nb: [*x, *x, *x, *x]\n", encoding="utf-8")
    assert config.read_yaml_file(folder / "brand.yml", what="brand")["b"][3] == [1, 1, 1, 1]
    (folder / "brand.yml").write_text("x" * (MAX_YAML_BYTES + 1), encoding="utf-8")
    with pytest.raises(ConfigError, match="the brand file is larger than 1024 KB"):
        config.load(folder)


def test_scaffold_text_leaves_slot_names_in_a_client_name_alone():
    for name in ("X {inputs}", "A {as_of} {plan_year} {language}", "line\nbreak: #1"):
        text = config.engagement_yaml_text(
            client_name=name, language="ru", as_of="2026-01-31", plan_year=2026
        )
        data = yaml.safe_load(text)
        assert data["client"]["name"] == name and str(data["as_of"]) == "2026-01-31"


def test_a_date_out_of_range_in_engagement_yaml_is_one_message_naming_its_line(tmp_path):
    """``as_of: 2026-13-45`` looks like a YAML date but is none: one ConfigError with the file, the line
    and the value, not the yaml library's ValueError traceback."""
    import re

    text = re.sub(r"^as_of: .*$", "as_of: 2026-13-45", TINY_YAML, count=1, flags=re.M)
    folder = make_engagement(tmp_path / "e", yaml_text=text)
    row = 1 + text.splitlines().index("as_of: 2026-13-45")
    with pytest.raises(ConfigError) as err:
        config.load(folder)
    assert err.value.row == row and err.value.value == "2026-13-45"
    assert "engagement.yaml" in str(err.value.file)
