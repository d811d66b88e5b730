"""Every hint names a key that exists: each engagement.yaml-like key path in the package's strings and
in the report's labels is walked against the :class:`salesaudit.engine.config.Engagement` model.

A key path is a dotted token whose first part is a top-level engagement.yaml key (``motivation.salary``,
``inputs.sales.columns``, ``plan.target``). Label keys (``plan.note.target_given``) are told apart by the
label catalogue, file names (``brand.yml``) by their extension.
"""

from __future__ import annotations

import ast
import re
import types
import typing
from pathlib import Path

import pytest
import yaml
from pydantic import BaseModel

from salesaudit.engine.config import Engagement
from salesaudit.intake.schemas import CANONICAL

PACKAGE = Path(__file__).resolve().parents[1] / "salesaudit"
LABELS = PACKAGE / "report" / "labels"
TOP = sorted(Engagement.model_fields, key=len, reverse=True)
TOKEN = re.compile(rf"(?<![\w./-])(?:{'|'.join(TOP)})(?:\.[A-Za-z_][A-Za-z0-9_]*)+")
FILE_ENDINGS = {
    "yml",
    "yaml",
    "csv",
    "xlsx",
    "xls",
    "py",
    "ipynb",
    "html",
    "pdf",
    "json",
    "parquet",
    "svg",
    "gz",
}


def _label_keys() -> set[str]:
    keys: set[str] = set()
    for path in LABELS.glob("*.yaml"):
        keys |= set(yaml.safe_load(path.read_text(encoding="utf-8")) or {})
    return keys


LABEL_KEYS = _label_keys()
LABEL_PREFIXES = {k.rsplit(".", n)[0] for k in LABEL_KEYS for n in range(1, k.count(".") + 1)}


def _unwrap(annotation):
    """The model, ``dict`` value type or ``list`` item type behind Optional / Annotated."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            models = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
            dicts = [a for a in args if typing.get_origin(a) is dict]
            annotation = (models or dicts or args)[0]
        else:
            return annotation


def key_exists(path: str) -> bool:
    """Whether ``path`` (``inputs.sales.columns.amount``) walks through the Engagement model: model
    fields by name or alias, ``inputs.<table>`` a canonical table, any key of other mappings."""
    node = Engagement
    parts = path.split(".")
    for i, part in enumerate(parts):
        if isinstance(node, type) and issubclass(node, BaseModel):
            fields = dict(node.model_fields)
            fields |= {f.alias: f for f in node.model_fields.values() if f.alias}
            if part not in fields:
                return False
            node = _unwrap(fields[part].annotation)
        elif typing.get_origin(node) is dict:
            if parts[:i] == ["inputs"] and part not in CANONICAL:
                return False
            node = _unwrap(typing.get_args(node)[1])
        else:  # a scalar or a list: nothing below it
            return False
    return True


def _constants(node: ast.AST):
    for sub in ast.walk(node):
        if isinstance(sub, ast.Constant) and isinstance(sub.value, str):
            yield sub.lineno, sub.value


def _strings(path: Path):
    """(line, text) of the strings a consultant reads: ``hint=`` and ``key=`` values, the arguments of
    an error (``...Error(...)``) or of a message printed by the CLI, and every string of the preflight
    (f-strings' constant parts included)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    if path.name == "preflight.py":
        yield from _constants(tree)
        return
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg in ("hint", "key"):
            yield from _constants(node.value)
        elif isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name.endswith("Error") or name in ("echo", "_err", "_progress"):
                for arg in node.args:
                    yield from _constants(arg)


def _label_texts(path: Path):
    for key, value in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).items():
        texts = value.values() if isinstance(value, dict) else [value]
        for text in texts:
            yield key, str(text)


def _is_key_path(token: str) -> bool:
    if token in LABEL_KEYS or token in LABEL_PREFIXES:
        return False
    return token.rsplit(".", 1)[1] not in FILE_ENDINGS


def collected() -> list[tuple[str, str]]:
    """(where, key path) for every key-like token of the package's strings and labels."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for line, text in _strings(path):
            for token in TOKEN.findall(text):
                if _is_key_path(token):
                    found.append((f"{path.relative_to(PACKAGE.parent)}:{line}", token))
    for path in sorted(LABELS.glob("*.yaml")):
        for key, text in _label_texts(path):
            for token in TOKEN.findall(text):
                if _is_key_path(token):
                    found.append((f"{path.name}:{key}", token))
    return found


def test_the_walk_tells_keys_that_exist_from_those_that_do_not():
    for good in (
        "motivation.salary",
        "motivation.commission_rate",
        "inputs.sales.columns",
        "inputs.managers.read.date_format",
        "plan.target",
        "tracking.week",
        "intake.max_rejected_share",
        "motivation.accelerators",
        "client.name",
    ):
        assert key_exists(good), good
    for bad in (
        "motivation.salaries",
        "inputs.staff.files",
        "plan.target.amount",
        "tracking.weeks",
        "inputs.sales.colums",
    ):
        assert not key_exists(bad), bad


def test_the_scan_finds_the_keys_hints_name():
    tokens = {token for _, token in collected()}
    # hints and labels that name these keys exist in the package today; the scan must see them
    assert {"motivation.salary", "plan.target", "tracking.week"} <= tokens


@pytest.mark.parametrize("where, token", collected())
def test_every_key_named_exists(where, token):
    assert key_exists(token), f"{where}: {token!r} is not a key of engagement.yaml"
