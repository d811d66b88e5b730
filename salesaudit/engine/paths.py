"""Confinement: every file an engagement names lies inside the engagement folder.

A client's exports, the brand file, its logo and the interview answers are read from the engagement
folder and nowhere else: a path that leaves it — absolute, ``../``, a glob reaching out, or a symlink
whose target is elsewhere — is refused before anything is read, unless ``engagement.yaml`` says
``files_outside_folder: allow`` (the one explicit key for a firm that keeps exports on a shared drive).
"""

from __future__ import annotations

import glob
from pathlib import Path

from ..exceptions import ConfigError

OUTPUT_FOLDER = "output"
"""The engagement's own run folders (``ENGAGEMENT/output/…``): never read as input."""


def confined(
    path: str | Path,
    root: str | Path,
    *,
    key: str | None = None,
    allow_outside: bool = False,
    file: str | None = None,
    shown: str | Path | None = None,
) -> Path:
    """``path`` (relative paths are taken from ``root``) resolved, symlinks included; it must lie
    inside ``root`` (resolved too) unless ``allow_outside``.

    Parameters
    ----------
    path
        As written by the consultant (``data/sales.csv``) or found by a glob.
    root
        The engagement folder (or, for a logo, the folder of the engagement that holds brand.yml).
    key
        The ``engagement.yaml`` key that named the path, for the message.
    allow_outside
        ``files_outside_folder: allow`` in engagement.yaml.
    file
        The file that named the path when it is not engagement.yaml (e.g. ``brand.yml`` for a logo).
    shown
        How the message names the path (default: ``path``), e.g. as relative to the folder.

    Returns
    -------
    Path
        The resolved path (the file need not exist: existence is the caller's check).

    Raises
    ------
    ConfigError
        When the resolved path lies outside ``root``, naming the path as written and where it leads.

    Examples
    --------
    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp())
    >>> confined("data/sales.csv", root) == (root / "data" / "sales.csv").resolve()
    True
    >>> confined("../elsewhere.csv", root)
    Traceback (most recent call last):
    ...
    salesaudit.exceptions.ConfigError: ... lies outside the engagement folder ...
    """
    root = Path(root).resolve()
    raw = Path(path)
    resolved = (raw if raw.is_absolute() else root / raw).resolve()
    if allow_outside or resolved == root or resolved.is_relative_to(root):
        return resolved
    shown = raw if shown is None else shown
    leads = "" if str(resolved) == str(shown) else f" (it leads to {resolved})"
    raise ConfigError(
        f"{shown} lies outside the engagement folder {root}{leads}; files are read from the engagement "
        "folder only",
        file=file,
        key=key,
        hint="copy the file into the engagement folder, or set files_outside_folder: allow in "
        "engagement.yaml if the firm keeps exports elsewhere on purpose",
    )


def expand_files(
    patterns: list[str],
    folder: Path | None,
    *,
    key: str | None = None,
    allow_outside: bool = False,
) -> list[Path]:
    """The files of ``patterns`` relative to ``folder``, in the order listed: globs expanded (sorted), a
    folder as its readable files (:func:`salesaudit.intake.sources.folder_files`), Office lock files
    (``~$*``) left out, a file listed twice read once. One rule for a table's files
    (:meth:`salesaudit.engine.config.Engagement.input_files`) and for those of ``join`` and ``lookups``.

    Every file, and the fixed part of every glob, must lie inside ``folder`` (:func:`confined`, symlinks
    followed) unless ``allow_outside``; the engagement's ``output/`` folder is never input: a glob
    skips what it finds there, and a path into it is refused. The paths are returned as listed
    (``folder/data/sales.csv``), not as their symlinks resolve. ``folder`` None: nothing is confined.

    Raises
    ------
    ConfigError
        A path outside the folder, or in its output folder, naming ``key`` and the path.

    Examples
    --------
    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp())
    >>> (root / "data").mkdir()
    >>> for name in ("b.csv", "a.csv", "~$a.xlsx"):
    ...     _ = (root / "data" / name).write_text("x\\n")
    >>> [p.name for p in expand_files(["data/*", "data/a.csv"], root)]
    ['a.csv', 'b.csv']
    >>> expand_files(["../*/*.csv"], root, key="inputs.sales.files")
    Traceback (most recent call last):
    ...
    salesaudit.exceptions.ConfigError: key 'inputs.sales.files': ../*/*.csv lies outside the engagement folder ...
    """
    from ..intake.sources import folder_files

    def check(path: Path, shown: str | Path) -> None:
        if folder is not None:
            confined(path, folder, key=key, allow_outside=allow_outside, shown=shown)

    files: list[Path] = []
    for pattern in patterns:
        full = Path(pattern)
        if not full.is_absolute() and folder is not None:
            full = folder / full
        if glob.has_magic(str(full)):
            fixed = _fixed_part(Path(pattern))
            check(fixed, pattern)  # nothing outside the folder is listed, even to find no match
            found = sorted(Path(p) for p in glob.glob(str(full), recursive=True))
            found = [p for p in found if not p.name.startswith("~$") and not _in_output(p, folder)]
        else:
            check(full, pattern)
            if _in_output(full, folder):
                raise ConfigError(
                    f"{pattern} is in the engagement's {OUTPUT_FOLDER}/ folder, where runs write their "
                    "tables; it is never read as input",
                    key=key,
                    hint="list the client's exports (e.g. in data/), not the tables of an earlier run",
                )
            found = [full]
        for p in found:
            for f in folder_files(p) if p.is_dir() else [p]:
                check(f, _shown(f, folder))
                files.append(f)
    return list(dict.fromkeys(files))


def _fixed_part(pattern: Path) -> Path:
    """The leading folders of a glob before its first wildcard (``../*/*.csv`` → ``..``)."""
    parts = []
    for part in pattern.parts:
        if glob.has_magic(part):
            break
        parts.append(part)
    return Path(*parts) if parts else Path(".")


def _in_output(path: Path, folder: Path | None) -> bool:
    if folder is None:
        return False
    out = (Path(folder) / OUTPUT_FOLDER).resolve()
    resolved = Path(path).resolve()
    return resolved == out or resolved.is_relative_to(out)


def _shown(path: Path, folder: Path | None) -> str:
    """``path`` as the consultant knows it: relative to the engagement folder when under it."""
    if folder is not None and path.is_relative_to(folder):
        return str(path.relative_to(folder))
    return str(path)


__all__ = ["OUTPUT_FOLDER", "confined", "expand_files"]
