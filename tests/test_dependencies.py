"""Dependencies as declared, as locked and as imported: pyproject.toml, requirements.lock and
environment.yml agree, each runtime dependency is imported by the package or a notebook, each import of
theirs is declared, and what only the tests or JupyterLab need stays out of the package."""

from __future__ import annotations

import ast
import doctest
import json
import re
import sys
import tomllib
from functools import cache
from importlib import metadata
from pathlib import Path

import yaml
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.scripts import load_script

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
RUNTIME = {canonicalize_name(Requirement(r).name): Requirement(r) for r in PROJECT["dependencies"]}
EXTRAS = {
    extra: {canonicalize_name(Requirement(r).name): Requirement(r) for r in reqs}
    for extra, reqs in PROJECT["optional-dependencies"].items()
}


@cache
def _script():
    """scripts/environment.py as a module (scripts/ is not a package)."""
    return load_script("environment")


def _lock() -> dict[str, str]:
    """requirements.lock as ``{canonical name: version}``."""
    text = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    return {canonicalize_name(p.split("==")[0]): p.split("==")[1] for p in _script().pins(text)}


def _top_level_imports(source: str) -> set[str]:
    """The top-level names of the absolute imports anywhere in ``source`` (function bodies included)."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


@cache
def _imports() -> dict[str, set[str]]:
    """What salesaudit/ and the notebooks' code cells import: ``{top-level module: {where}}``."""
    where: dict[str, set[str]] = {}
    for path in sorted((ROOT / "salesaudit").rglob("*.py")):
        for name in _top_level_imports(path.read_text(encoding="utf-8")):
            where.setdefault(name, set()).add(str(path.relative_to(ROOT)))
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        for cell in (c for c in cells if c["cell_type"] == "code"):
            code = "".join(cell["source"])
            code = "\n".join(line for line in code.splitlines() if not line.lstrip().startswith(("%", "!")))
            for name in _top_level_imports(code):
                where.setdefault(name, set()).add(str(path.relative_to(ROOT)))
    return where


def _third_party(where: dict[str, set[str]]) -> dict[str, set[str]]:
    return {m: w for m, w in where.items() if m not in sys.stdlib_module_names and m != "salesaudit"}


@cache
def _import_names(distribution: str) -> frozenset[str]:
    """The top-level modules an installed distribution provides (pyyaml → yaml, pillow → PIL, ...), read
    from its metadata as ``importlib.metadata.packages_distributions`` does, for this one distribution."""
    try:
        dist = metadata.distribution(distribution)
    except metadata.PackageNotFoundError:
        return frozenset({distribution.replace("-", "_")})
    top = (dist.read_text("top_level.txt") or "").split()
    if not top:
        top = [
            f.parts[0].removesuffix(".py")
            for f in dist.files or []
            if f.suffix in {".py", ".so", ".pyd"} and ".." not in f.parts
        ]
    return frozenset(m for m in top if m.isidentifier())


def test_environment_yml_is_generated_from_the_lock():
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    pinned = {canonicalize_name(p.split("==")[0]): p.split("==")[1] for p in pip if "==" in p}
    lock = _lock()
    differ = {
        n: (pinned.get(n), lock.get(n)) for n in pinned.keys() | lock.keys() if pinned.get(n) != lock.get(n)
    }
    assert not differ, f"environment.yml vs requirements.lock (run `make environment.yml`): {differ}"
    assert f"-e .[{_script().EXTRAS}]" in pip
    expected = _script().render(
        (ROOT / "pyproject.toml").read_text(encoding="utf-8"),
        (ROOT / "requirements.lock").read_text(encoding="utf-8"),
    )
    assert (ROOT / "environment.yml").read_text(encoding="utf-8") == expected, "run `make environment.yml`"


def test_environment_yml_brings_the_fonts_pango_poppler_and_jupyterlab():
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    conda = {d.split("=")[0] for d in env["dependencies"] if isinstance(d, str)}
    assert {"pango", "poppler", "font-ttf-dejavu", "python", "pip"} <= conda
    assert "jupyterlab" in _lock()


def test_setup_installs_what_the_environment_and_the_lock_describe():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(rf"^EXTRAS := {re.escape(_script().EXTRAS)}$", makefile, re.M)
    assert re.search(r'install -q -c requirements\.lock -e "\.\[\$\(EXTRAS\)\]"', makefile)
    assert "lab" in _script().EXTRAS.split(",") and "jupyterlab" in EXTRAS["lab"]


def test_the_lock_pins_every_declared_dependency_within_its_range():
    lock = _lock()
    declared = [*RUNTIME.values()] + [r for e in _script().EXTRAS.split(",") for r in EXTRAS[e].values()]
    for req in declared:
        name = canonicalize_name(req.name)
        assert name in lock, f"{req} is not pinned in requirements.lock: run `make lock`"
        assert req.specifier.contains(lock[name], prereleases=True), f"{req}: locked at {lock[name]}"


def test_the_lock_pins_everything_setup_installs():
    """Every distribution that salesaudit[EXTRAS] needs, followed through the installed metadata."""
    lock, seen = _lock(), set()
    todo = [
        (r, frozenset(_script().EXTRAS.split(","))) for r in map(Requirement, metadata.requires("salesaudit"))
    ]
    while todo:
        req, extras = todo.pop()
        env = default_environment()
        if req.marker and not any(req.marker.evaluate({**env, "extra": e}) for e in extras or {""}):
            continue
        name = canonicalize_name(req.name)
        assert name in lock, (
            f"{name} (needed by {req}) is installed by `make setup` but not pinned: `make lock`"
        )
        if (name, frozenset(req.extras)) in seen:
            continue
        seen.add((name, frozenset(req.extras)))
        todo += [(Requirement(r), frozenset(req.extras)) for r in metadata.requires(req.name) or []]
    assert "jupyterlab" in {n for n, _ in seen}


def test_every_runtime_dependency_is_imported_by_the_package_or_a_notebook():
    imported = set(_imports())
    unused = {name for name in RUNTIME if not _import_names(name) & imported}
    assert not unused, (
        f"declared in pyproject.toml but imported nowhere in salesaudit/ or notebooks/: {unused}"
    )


def test_every_import_of_the_package_and_the_notebooks_is_a_declared_dependency():
    provided = {m: n for n in RUNTIME for m in _import_names(n)}
    undeclared = {m: sorted(w) for m, w in _third_party(_imports()).items() if m not in provided}
    assert not undeclared, f"imported but not in [project.dependencies]: {undeclared}"


def test_test_and_lab_packages_stay_out_of_the_package():
    only_extras = {n for extra in EXTRAS.values() for n in extra} - set(RUNTIME)
    assert {"openpyxl", "pytest", "hypothesis", "jupyterlab"} <= only_extras
    imported = _imports()
    leaked = {
        n: sorted(w for m in _import_names(n) & set(imported) for w in imported[m]) for n in only_extras
    }
    assert not {n: w for n, w in leaked.items() if w}, f"an extra's package imported by the product: {leaked}"


def test_dropped_and_moved_packages_stay_where_the_issue_put_them():
    assert "openpyxl" not in RUNTIME and "openpyxl" in EXTRAS["test"]
    assert "rich" in RUNTIME  # the CLI prints its tables with rich: declared, not borrowed from typer
    assert "nbclient" not in RUNTIME  # papermill brings it; salesaudit never imports it


def test_the_environment_script_examples():
    result = doctest.testmod(_script(), optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 4 and result.failed == 0
