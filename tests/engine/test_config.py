import pytest
import yaml

from salesaudit.engine import config
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
