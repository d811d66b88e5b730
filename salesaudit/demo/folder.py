"""Where the demo engagement lives: one decision for ``salesaudit demo`` and the notebooks' ``"demo"``.

In a checkout of the repository (the package sits next to ``pyproject.toml`` and ``notebooks/``) it is
the repository's ``demo/`` folder, the one ``make demo`` writes, so an edit to ``demo/engagement.yaml``
reaches the notebooks as well as the next ``salesaudit demo``. ``$SALESAUDIT_DEMO_DIR`` wins over that;
an installed package without a checkout, or a checkout whose ``demo/`` cannot be created, uses a
per-user folder (``~/.cache/salesaudit/demo-VERSION``).
"""

from __future__ import annotations

import os
from pathlib import Path

from ..exceptions import ConfigError

ENV = "SALESAUDIT_DEMO_DIR"
_PACKAGE = Path(__file__).resolve().parents[1]


def checkout_root(package: Path | None = None) -> Path | None:
    """The repository folder the package was loaded from, or ``None`` for an installed package.

    A checkout is recognised by the package's parent folder holding ``pyproject.toml`` and
    ``notebooks/`` (where the runner finds the stage notebooks).

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     (Path(tmp) / "salesaudit").mkdir()
    ...     print(checkout_root(Path(tmp) / "salesaudit"))
    None
    """
    root = (package or _PACKAGE).parent
    if (root / "pyproject.toml").is_file() and (root / "notebooks").is_dir():
        return root
    return None


def demo_folder(*, package: Path | None = None) -> Path:
    """The demo engagement folder (absolute), whether generated yet or not.

    In this order: ``$SALESAUDIT_DEMO_DIR``; in a checkout, ``<repository>/demo`` when it holds an
    ``engagement.yaml`` or can be created there (the repository folder is writable); else
    ``~/.cache/salesaudit/demo-VERSION``. ``package`` is the package folder to judge (default: this
    one), for tests.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     repo = Path(tmp)
    ...     (repo / "notebooks").mkdir()
    ...     _ = (repo / "pyproject.toml").write_text("")
    ...     chosen = demo_folder(package=repo / "salesaudit")
    ...     chosen == repo.resolve() / "demo" or bool(os.environ.get(ENV))
    True
    """
    given = os.environ.get(ENV)
    if given:
        return Path(given).expanduser().resolve()
    root = checkout_root(package)
    if root is not None:
        folder = root.resolve() / "demo"
        if (folder / "engagement.yaml").is_file() or os.access(folder if folder.is_dir() else root, os.W_OK):
            return folder
    from .. import __version__

    return Path.home() / ".cache" / "salesaudit" / f"demo-{__version__}"


def refuse_filled(folder: Path) -> None:
    """A :class:`ConfigError` if ``folder`` exists and is a file or a folder that is not empty: a demo
    or zoo client is generated into a new or empty folder only."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise ConfigError(
            "the demo folder already exists and is not empty",
            file=str(folder),
            hint="choose a new folder name or empty this one",
        )
