"""Shared fixtures: a tiny engagement written by hand, and one demo run shared by the end-to-end tests."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from salesaudit.engine.templates import template_path

TINY_SALES = (
    "\ufeffДата;Клиент;Сумма;Менеджер;Документ\n"
    "01.02.2026;К1;1 000,50;Иванов;Д1\n"
    "02.02.2026;К2;н/д;Петров;Д2\n"
    "31.02.2026;К3;10;;Д3\n"
    "03.02.2026;;5;Иванов;Д4\n"
    "\n"
    "04.02.2026;К1;-100;Иванов;Д5\n"
    "Итого;;1000;;\n"
    "01.12.2026;К1;7;Иванов;Д6\n"
)

TINY_YAML = """\
client: {name: "ООО «Тест»"}
as_of: 2026-11-25
inputs:
  sales:
    files: [data/sales.csv]
    columns: {date: Дата, client_id: Клиент, amount: Сумма, manager: Менеджер, document_id: Документ}
    read: {date_format: "%d.%m.%Y", decimal: ","}
plan: {year: 2026}
"""


def make_engagement(folder: Path, *, yaml_text: str = TINY_YAML, sales: str = TINY_SALES) -> Path:
    (folder / "data").mkdir(parents=True, exist_ok=True)
    (folder / "engagement.yaml").write_text(yaml_text, encoding="utf-8")
    (folder / "data" / "sales.csv").write_text(sales, encoding="utf-8")
    shutil.copyfile(template_path("brand.yml"), folder / "brand.yml")
    shutil.copyfile(template_path("logo.svg"), folder / "logo.svg")
    (folder / "questionnaire.yaml").write_text("{}\n", encoding="utf-8")
    return folder


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    """A hand-made engagement whose every row's fate is known (see TINY_SALES)."""
    return make_engagement(tmp_path / "tiny")


@pytest.fixture(scope="session")
def demo_engagement(tmp_path_factory) -> Path:
    """The demo client, generated once per test process."""
    from salesaudit.demo import generate_demo

    folder = tmp_path_factory.mktemp("demo") / "engagement"
    generate_demo(folder)
    return folder


@pytest.fixture(scope="session")
def demo_run(demo_engagement, tmp_path_factory) -> Path:
    """One full run of the playbook on the demo (the end-to-end tests read its output)."""
    from salesaudit.engine.runner import run

    out = tmp_path_factory.mktemp("run") / "out"
    return run(demo_engagement, out=out, progress=lambda _: None)


@pytest.fixture(autouse=True, scope="session")
def _demo_cache(tmp_path_factory):
    """Notebooks opened with engagement="demo" use a per-session demo folder, never the user's cache."""
    os.environ["SALESAUDIT_DEMO_DIR"] = str(tmp_path_factory.mktemp("democache") / "demo")
    yield
