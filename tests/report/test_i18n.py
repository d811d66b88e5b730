"""Every label exists in Russian and English; every key the code uses exists; every key is used.

How a key counts as *used* (documented here, checked below):

1. **Literal**: the key occurs as a string literal in the package or the notebooks (``t("plan.title")``,
   a dict of keys such as ``alerts._TEXTS``).
2. **Wrapper**: a call of a label helper with a literal first argument — ``t``/``_t``/``s.t`` (the key
   itself), ``_finding`` (segmentation's findings: the key itself), ``say`` (the scorecard's evidence:
   ``scorecard.evidence.`` + the argument).
3. **Family**: a label call whose key is built from a variable — an f-string such as
   ``t(f"col.{name}")``, ``catalog().get(f"sheet.{name}")`` or ``t(f"scorecard.headline.{hid}.title")``,
   a concatenation ``t("question." + q)``, or ``show.translate(..., prefix="tracking.rule")`` —
   declares a family: the constant text before the placeholder (``col.``) and the constant tail after
   it (``.title``). A key of a family counts as used when the part the placeholder stands for
   (``revenue`` in ``col.revenue``) is a value the code can produce: a string literal somewhere in
   the code or the notebooks (a column name, a check id, a table name...), or the result of an
   f-string of such literals (``f"{kind}_fact"`` gives ``calls_fact``; ``f"plan_{name}"`` gives
   ``plan_weekly``). Families are discovered from the code, not listed by hand.

A key is *missing* when a wrapper call names it (rule 2) and the catalog lacks it, or when an f-string
family has no key at all. Labels live in ``salesaudit/report/labels/*.yaml``; a failure names the key and file.
"""

from __future__ import annotations

import ast
import json
import re
import string
from functools import lru_cache
from importlib import resources
from pathlib import Path

import pytest
import yaml

import salesaudit
from salesaudit.report.i18n import LANGUAGES, catalog, t

PACKAGE = Path(salesaudit.__file__).parent
NOTEBOOKS = PACKAGE.parent / "notebooks"
WRAPPERS = {"t": "", "_t": "", "_finding": "", "say": "scorecard.evidence."}
PLURAL_FORMS = {"ru": {"one", "few", "many", "other"}, "en": {"one", "other"}}


def _label_files() -> dict[str, dict]:
    out = {}
    for entry in sorted(resources.files("salesaudit.report.labels").iterdir(), key=lambda p: p.name):
        if entry.name.endswith(".yaml"):
            out[entry.name] = yaml.safe_load(entry.read_text(encoding="utf-8")) or {}
    return out


def _file_of(key: str) -> str:
    return next((name for name, data in _label_files().items() if key in data), "?")


@lru_cache(maxsize=1)
def _sources() -> dict[str, ast.AST]:
    """Every Python file of the package and every notebook's code cells, parsed."""
    trees = {str(p): ast.parse(p.read_text(encoding="utf-8")) for p in sorted(PACKAGE.rglob("*.py"))}
    for nb in sorted(NOTEBOOKS.glob("*.ipynb")):
        cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        code = "\n\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        trees[str(nb)] = ast.parse(code)
    return trees


def _literals() -> set[str]:
    return {
        node.value
        for tree in _sources().values()
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }


def _call_name(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def _wrapper_keys() -> dict[str, str]:
    """Keys named by wrapper calls with a literal first argument -> where."""
    out = {}
    for path, tree in _sources().items():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _call_name(node) in WRAPPERS and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    out[WRAPPERS[_call_name(node)] + first.value] = f"{Path(path).name}:{node.lineno}"
    return out


def _is_label_call(node: ast.Call) -> bool:
    """``t(...)``-like wrappers, and ``catalog().get(...)`` (the workbook's and column_label's lookups)."""
    if _call_name(node) in WRAPPERS:
        return True
    func = node.func
    return (
        isinstance(func, ast.Attribute)
        and func.attr == "get"
        and isinstance(func.value, ast.Call)
        and _call_name(func.value) == "catalog"
    )


def _families() -> dict[tuple[str, str], str]:
    """(prefix, tail) of every key built from a variable -> where: an f-string (or ``"prefix" + x``) given
    to a label call, or the ``prefix=`` of ``show.translate``."""
    out = {}
    for path, tree in _sources().items():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            where = f"{Path(path).name}:{node.lineno}"
            for kw in node.keywords if _call_name(node) == "translate" else ():
                if (
                    kw.arg == "prefix"
                    and isinstance(kw.value, ast.Constant)
                    and isinstance(kw.value.value, str)
                ):
                    out[(kw.value.value + ".", "")] = where
            if not (_is_label_call(node) and node.args):
                continue
            first = node.args[0]
            if isinstance(first, ast.JoinedStr) and isinstance(first.values[0], ast.Constant):
                parts = first.values
                tail = parts[2].value if len(parts) == 3 and isinstance(parts[2], ast.Constant) else ""
                out[(parts[0].value, tail)] = where
            elif (
                isinstance(first, ast.BinOp)
                and isinstance(first.op, ast.Add)
                and isinstance(first.left, ast.Constant)
                and isinstance(first.left.value, str)
            ):
                out[(first.left.value, "")] = where
    return out


def _patterns() -> list[re.Pattern]:
    """Every f-string of the code as a pattern (placeholders as groups): the values it can build."""
    out = []
    for tree in _sources().values():
        for node in ast.walk(tree):
            if isinstance(node, ast.JoinedStr) and any(
                isinstance(v, ast.FormattedValue) for v in node.values
            ):
                regex = "".join(
                    "([a-z0-9_]+)" if isinstance(v, ast.FormattedValue) else re.escape(str(v.value))
                    for v in node.values
                )
                out.append(re.compile(regex))
    return out


def _producible(value: str, literals: set[str]) -> bool:
    """A literal, or a value an f-string builds from literals (``f"{kind}_fact"`` -> ``calls_fact``)."""
    if value in literals:
        return True
    for pattern in _patterns():
        m = pattern.fullmatch(value)
        if m and all(g in literals for g in m.groups()):
            return True
    return False


def _used(key: str, literals: set[str], wrapped: dict, families: dict) -> bool:
    if key in literals or key in wrapped:
        return True
    for prefix, tail in families:
        if key.startswith(prefix) and key.endswith(tail) and len(key) > len(prefix) + len(tail):
            middle = key[len(prefix) : len(key) - len(tail)] if tail else key[len(prefix) :]
            # the variable's value, or (for "a+b" combined codes) each part of it
            if all(_producible(part, literals) for part in middle.split("+")):
                return True
    return False


def _placeholders(text) -> set[str]:
    texts = text.values() if isinstance(text, dict) else [text]
    return {name for s in texts for _, name, _, _ in string.Formatter().parse(str(s)) if name}


# --------------------------------------------------------------------------------------------------


def test_every_key_has_every_language_with_the_same_placeholders():
    problems = []
    for file, data in _label_files().items():
        for key, texts in data.items():
            if not isinstance(texts, dict) or set(texts) != set(LANGUAGES):
                problems.append(
                    f"{file}: {key} has languages {sorted(texts) if isinstance(texts, dict) else texts}"
                )
                continue
            for lang in LANGUAGES:
                value = texts[lang]
                if isinstance(value, dict):
                    if not PLURAL_FORMS[lang] <= set(value) or not all(
                        str(v).strip() for v in value.values()
                    ):
                        problems.append(
                            f"{file}: {key}.{lang} lacks plural forms {sorted(PLURAL_FORMS[lang])}"
                        )
                elif not str(value).strip():
                    problems.append(f"{file}: {key}.{lang} is empty")
            if _placeholders(texts["ru"]) != _placeholders(texts["en"]):
                problems.append(f"{file}: {key} placeholders differ between ru and en")
    assert not problems, "\n".join(problems)


def test_keys_are_unique_across_files():
    seen: dict[str, str] = {}
    twice = []
    for file, data in _label_files().items():
        for key in data:
            if key in seen:
                twice.append(f"{key} in {seen[key]} and {file}")
            seen[key] = file
    assert not twice, "\n".join(twice)


def test_every_key_named_in_code_exists():
    labels = catalog()
    missing = [f"{key} (used at {where})" for key, where in _wrapper_keys().items() if key not in labels]
    assert not missing, "keys used in code or notebooks but missing from the labels:\n" + "\n".join(missing)


def test_every_family_has_keys():
    labels = catalog()
    empty = [
        f"{prefix}<...>{tail} (built at {where})"
        for (prefix, tail), where in _families().items()
        if not any(k.startswith(prefix) and k.endswith(tail) for k in labels)
    ]
    assert not empty, "key families built in code without any label:\n" + "\n".join(empty)


def test_every_key_is_used():
    literals, wrapped, families = _literals(), _wrapper_keys(), _families()
    unused = [f"{key} ({_file_of(key)})" for key in catalog() if not _used(key, literals, wrapped, families)]
    assert not unused, "labels never used in code or notebooks:\n" + "\n".join(unused)


def test_the_usage_rules_themselves():
    literals = {"revenue", "runrate", "two_weeks", "no_money_plan"}
    families = {("col.", ""): "x", ("tracking.rule.", ""): "y", ("scorecard.headline.", ".title"): "z"}
    assert _used("col.revenue", literals, {}, families)
    assert not _used("col.margin", literals, {}, families)
    assert _used("tracking.rule.runrate+two_weeks", literals, {}, families)
    assert _used("scorecard.headline.no_money_plan.title", literals, {}, families)
    assert not _used("scorecard.headline.no_money_plan.fix", literals, {}, families)


def test_headline_sections_and_check_texts_exist_in_both_languages():
    from salesaudit.audit.scorecard import AREAS, CHECKS, HEADLINES, STATUSES

    for spec in HEADLINES.values():
        assert t(spec["section"], "ru") and t(spec["section"], "en")
    for check in CHECKS:
        for prefix in ("scorecard.check.", "scorecard.reco."):
            assert t(prefix + check.check_id, "en") != t(prefix + check.check_id, "ru")
    assert all(t(f"scorecard.area.{a}", "en") for a in (*AREAS, "overall"))
    assert all(t(f"scorecard.status.{s}", "en") for s in STATUSES)


@pytest.mark.parametrize(
    ("count", "ru"),
    [(1, "1 день"), (3, "3 дня"), (5, "5 дней"), (21, "21 день"), (22, "22 дня"), (11, "11 дней")],
)
def test_plural_forms(count, ru):
    assert t("scorecard.unit.days", "ru", count=count) == ru
    assert t("scorecard.unit.days", "en", count=count) == f"{count} day" + ("" if count == 1 else "s")
