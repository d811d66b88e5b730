"""Hostile and careless inputs (issue 13): helpers every case uses.

Each case asserts one of three outcomes, never a traceback:

- refused: exit status 1 and one clear message (``refused``);
- listed: the run goes on and the bad rows are rejected with their reason, nothing lost
  (``assert_nothing_lost``);
- harmless: the hostile value reaches the output as inert text.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from salesaudit.cli import app
from tests.conftest import TINY_YAML, make_engagement

__all__ = ["TINY_YAML", "make_engagement", "cli", "refused", "assert_nothing_lost"]


def cli(*args) -> object:
    """Run the ``salesaudit`` command in this process (no interpreter start-up per case)."""
    result = CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=True)
    exc = result.exception
    if exc is not None and not isinstance(exc, SystemExit):
        import traceback

        tb = "".join(traceback.format_exception(exc))
        pytest.fail(f"salesaudit {' '.join(map(str, args))} raised instead of a message:\n{tb}")
    return result


def refused(*args, says: tuple[str, ...] | str = ()) -> str:
    """The command exits 1 with a one-message error containing every text in ``says``; returns it."""
    result = cli(*args)
    out = result.output  # stdout and stderr together (click 8.2+)
    assert result.exit_code == 1, f"exit {result.exit_code}, expected 1:\n{out}"
    assert "Traceback" not in out
    assert "error:" in out, out
    for text in (says,) if isinstance(says, str) else says:
        assert text in out, f"{text!r} not in:\n{out}"
    return out


def assert_nothing_lost(intake) -> None:
    """Every row read is used or rejected with a reason (the intake's own accounting)."""
    acc = intake.accounting
    assert (acc["rows_read"] == acc["rows_used"] + acc["rows_rejected"]).all(), acc
    if len(intake.rejected):
        assert intake.rejected["reason"].astype(str).str.len().gt(0).all()


@pytest.fixture
def eng(tmp_path: Path) -> Path:
    """A small engagement (tests/conftest.py's tiny one) to spoil."""
    return make_engagement(tmp_path / "eng")
