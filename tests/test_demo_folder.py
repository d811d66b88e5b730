"""One demo engagement folder: what `salesaudit demo` writes is what the notebooks' engagement = "demo" opens."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import salesaudit
from salesaudit.cli import app
from salesaudit.demo.folder import ENV, checkout_root, demo_folder
from salesaudit.engine import runner, session
from salesaudit.exceptions import ConfigError
from tests.conftest import make_engagement


def _checkout(root: Path) -> Path:
    """A folder shaped like the repository; returns where its package would sit."""
    (root / "notebooks").mkdir(parents=True)
    (root / "pyproject.toml").write_text("[project]\nname = 'salesaudit'\n")
    return root / "salesaudit"


def test_in_this_checkout_the_demo_is_the_repository_demo_folder(monkeypatch):
    monkeypatch.delenv(ENV, raising=False)
    repository = runner.NOTEBOOKS.parent  # where the runner finds the notebooks
    assert checkout_root() == repository
    assert demo_folder() == repository / "demo"


def test_the_environment_variable_wins(tmp_path, monkeypatch):
    monkeypatch.setenv(ENV, str(tmp_path / "mine"))
    assert demo_folder(package=_checkout(tmp_path / "repo")) == tmp_path / "mine"


def test_a_checkout_uses_its_demo_folder_and_an_installed_package_a_per_user_one(tmp_path, monkeypatch):
    monkeypatch.delenv(ENV, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert demo_folder(package=_checkout(tmp_path / "repo")) == (tmp_path / "repo").resolve() / "demo"
    site = tmp_path / "site-packages" / "salesaudit"
    site.mkdir(parents=True)
    expected = tmp_path / "home" / ".cache" / "salesaudit" / f"demo-{salesaudit.__version__}"
    assert checkout_root(site) is None
    assert demo_folder(package=site) == expected


def test_cli_demo_and_notebooks_share_the_folder_and_its_edits(tmp_path, monkeypatch):
    folder = tmp_path / "demo"
    monkeypatch.setenv(ENV, str(folder))
    made: list[Path] = []

    def generate(target):
        made.append(Path(target))
        return make_engagement(Path(target)) / "engagement.yaml"

    ran: list[Path] = []
    monkeypatch.setattr("salesaudit.demo.generate_demo", generate)
    monkeypatch.setattr("salesaudit.engine.runner.run", lambda eng, **_: ran.append(eng) or tmp_path / "out")
    result = CliRunner().invoke(app, ["demo"])  # no --engagement: the one folder
    assert result.exit_code == 0, result.output
    assert made == [folder] and ran == [folder]
    assert session.ensure_demo() == folder and made == [folder]  # found, not generated again
    yaml_path = folder / "engagement.yaml"
    yaml_path.write_text(yaml_path.read_text(encoding="utf-8").replace("ООО «Тест»", "ООО «Правка»"))
    assert session.open_engagement("demo").eng.client.name == "ООО «Правка»"


def test_a_demo_folder_holding_something_else_is_named(tmp_path, monkeypatch):
    folder = tmp_path / "demo"
    (folder / "output").mkdir(parents=True)
    monkeypatch.setenv(ENV, str(folder))
    monkeypatch.setattr("salesaudit.demo.generate_demo", lambda target: make_engagement(Path(target)))
    with pytest.raises(ConfigError) as err:
        session.ensure_demo()
    assert err.value.file == str(folder)
    assert not list(tmp_path.glob("demo.tmp*"))  # the generated copy is not left behind
