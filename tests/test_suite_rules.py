"""Rules for the test suite itself: no test asserts how long something took.

Speed depends on the machine and on what else runs on it; a test that fails on a busy machine while the
code is as fast as before tells nothing. Speed is measured in ``benchmarks/`` (``make bench``), which
prints ratios against a baseline side by side.

What :func:`wall_clock_asserts` flags, in every ``.py`` file under ``tests/``: a comparison, inside an
``assert`` or in the condition of an ``if`` whose body fails the test (``pytest.fail``, ``raise``),
where one side is *clock-derived* and another side is a *constant*.

- Clock-derived: a call of ``time.perf_counter``, ``time.time``, ``time.monotonic``,
  ``time.process_time`` (and their ``_ns`` forms), ``timeit.timeit``/``repeat``/``default_timer`` (also
  imported by name); a name or attribute assigned from an expression holding one of those (``start``,
  ``elapsed = time.perf_counter() - start``, ...); a name or attribute called ``elapsed``, ``took``,
  ``duration``, ``seconds`` or ending in ``_elapsed``/``_seconds``/``_duration``.
- Constant: a number, or an expression of numbers and names assigned only numbers in that file
  (``LIMIT = 1.0``).

What it does not flag, on purpose: a timeout handed to a function (``subprocess.run(..., timeout=5)``),
a deadline that only stops a wait loop (``while time.monotonic() < deadline:``), and an assert that a
wait did not run out (``assert time.monotonic() < deadline``: both sides clock-derived, no constant) --
waiting with a timeout is not a speed assertion (tests/engine/test_kill.py waits so for processes to
die). Timings that are only recorded or printed (the corpus's ``corpus_times.json``) are not compared.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
CLOCKS = {
    "perf_counter",
    "perf_counter_ns",
    "time",
    "time_ns",
    "monotonic",
    "monotonic_ns",
    "process_time",
    "process_time_ns",
    "timeit",
    "repeat",
    "default_timer",
}
CLOCK_MODULES = {"time", "timeit"}
TIMING_NAMES = {"elapsed", "took", "duration", "seconds"}
TIMING_SUFFIXES = ("_elapsed", "_seconds", "_duration")


def _name(node: ast.AST) -> str | None:
    """``x`` for a name, ``a.b.x`` for an attribute chain of names, else None."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _name(node.value)
        return None if base is None else f"{base}.{node.attr}"
    return None


class _File:
    """The clock-derived and the constant names of one module (assignments anywhere in it)."""

    def __init__(self, tree: ast.Module):
        self.bare_clocks = {  # from time import perf_counter [as pc]
            alias.asname or alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module in CLOCK_MODULES
            for alias in node.names
            if alias.name in CLOCKS
        }
        assigns = [
            (target, node.value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign) and node.value is not None
            for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
        ]
        self.clocked: set[str] = set()
        changed = True
        while changed:  # a name fed from a clock-derived name is clock-derived too
            changed = False
            for target, value in assigns:
                name = _name(target)
                if name and name not in self.clocked and self.is_clocked(value):
                    self.clocked.add(name)
                    changed = True
        values: dict[str, list[ast.AST]] = {}
        for target, value in assigns:
            if (name := _name(target)) is not None:
                values.setdefault(name, []).append(value)
        self.constants: set[str] = set()
        changed = True
        while changed:
            changed = False
            for name, vals in values.items():
                if name not in self.constants and all(self.is_constant(v) for v in vals):
                    self.constants.add(name)
                    changed = True

    def is_clock_call(self, node: ast.AST) -> bool:
        if not isinstance(node, ast.Call):
            return False
        func = node.func
        if isinstance(func, ast.Attribute):
            return func.attr in CLOCKS and _name(func.value) in CLOCK_MODULES
        return isinstance(func, ast.Name) and func.id in self.bare_clocks

    def is_clocked(self, node: ast.AST) -> bool:
        for sub in ast.walk(node):
            if self.is_clock_call(sub):
                return True
            name = _name(sub) if isinstance(sub, ast.Name | ast.Attribute) else None
            if name is not None:
                last = name.rsplit(".", 1)[-1]
                if name in self.clocked or last in TIMING_NAMES or last.endswith(TIMING_SUFFIXES):
                    return True
        return False

    def is_constant(self, node: ast.AST) -> bool:
        if isinstance(node, ast.Constant):
            return isinstance(node.value, int | float) and not isinstance(node.value, bool)
        if isinstance(node, ast.UnaryOp):
            return self.is_constant(node.operand)
        if isinstance(node, ast.BinOp):
            return self.is_constant(node.left) and self.is_constant(node.right)
        name = _name(node)
        return name is not None and name in self.constants


def _fails(body: list[ast.stmt]) -> bool:
    """The block fails the test: it raises or calls ``pytest.fail``."""
    for node in (sub for stmt in body for sub in ast.walk(stmt)):
        if isinstance(node, ast.Raise):
            return True
        if isinstance(node, ast.Call) and _name(node.func) in ("pytest.fail", "fail"):
            return True
    return False


def wall_clock_asserts(source: str) -> list[int]:
    """Line numbers of the comparisons of a clock-derived value with a constant that fail a test.

    Examples
    --------
    >>> clock = "time.perf_counter()"
    >>> wall_clock_asserts(f"import time\\ns = {clock}\\nf()\\nassert {clock} - s < 1.0")
    [4]
    >>> wall_clock_asserts(f"import time\\nd = {clock} + 60\\nwhile {clock} < d:\\n    pass")
    []
    """
    tree = ast.parse(source)
    info = _File(tree)
    checked: list[ast.AST] = [n.test for n in ast.walk(tree) if isinstance(n, ast.Assert)]
    checked += [n.test for n in ast.walk(tree) if isinstance(n, ast.If) and _fails(n.body)]
    lines = set()
    for test in checked:
        for node in ast.walk(test):
            if not isinstance(node, ast.Compare):
                continue
            sides = [node.left, *node.comparators]
            if any(info.is_clocked(s) for s in sides) and any(info.is_constant(s) for s in sides):
                lines.add(node.lineno)
    return sorted(lines)


# The examples name the clock as ``{clock}`` (each is checked with every clock of the time module) and
# the measured span as ``{span}``: the rule is shown every spelling, and this file's text holds no
# speed assert a plain search would take for one.
EXAMPLE_CLOCKS = ("perf_counter", "time", "monotonic")
SPANS = ("elapsed", "took")  # the names the rule reads as a measured span
FLAGGED = {
    "clock call": "import time\nstart = time.{clock}()\nwork()\nassert time.{clock}() - start < 1",
    "span name": "import time\nt0 = time.{clock}()\nwork()\n{span} = time.{clock}() - t0\nassert {span} < 1.0",
    "named limit": "LIMIT = 2 * 0.5\ndef test():\n    assert {span} <= LIMIT, {span}",
    "from import": "from time import {clock} as m\ns = m()\nassert m() - s < 3",
    "timeit": "import timeit\nassert timeit.{timeit}(f, number=3) < 0.5",
    "if fail": "import pytest, time\ns = time.{clock}()\nif time.{clock}() - s > 2:\n    pytest.fail('slow')",
    "attribute": "import time\nself.start = time.{clock}()\nassert 5 > time.{clock}() - self.start",
}
ALLOWED = {
    "timeout argument": "import subprocess\nsubprocess.run(['x'], timeout=5)\nassert True",
    "wait loop": "import time\nd = time.{clock}() + 60\nwhile time.{clock}() < d:\n    time.sleep(0.1)",
    "wait ran out": "import time\nd = time.{clock}() + 60\nassert time.{clock}() < d, 'still running'",
    "recorded only": "import time\ns = time.{clock}()\nwork()\nprint(time.{clock}() - s)",
    "data column": "assert ann['working_days_elapsed'] == 3",
    "loop that breaks": "import time\ns = time.{clock}()\nif time.{clock}() - s > 30:\n    break_out = True",
}


def _spellings(example: str) -> list[str]:
    """The example with each clock and each span name filled in."""
    return sorted({example.format(clock=c, span=n, timeit="timeit") for c in EXAMPLE_CLOCKS for n in SPANS})


@pytest.mark.parametrize("case", sorted(FLAGGED))
def test_the_rule_flags_a_wall_clock_assert(case):
    for source in _spellings(FLAGGED[case]):
        assert wall_clock_asserts(source), source


@pytest.mark.parametrize("case", sorted(ALLOWED))
def test_the_rule_leaves_timeouts_and_waits_alone(case):
    for source in _spellings(ALLOWED[case]):
        assert wall_clock_asserts(source) == [], source


def test_no_test_asserts_wall_clock_time():
    found = {
        str(path.relative_to(TESTS.parent)): lines
        for path in sorted(TESTS.rglob("*.py"))
        if (lines := wall_clock_asserts(path.read_text(encoding="utf-8")))
    }
    assert not found, f"wall-clock asserts (move them to benchmarks/): {found}"
