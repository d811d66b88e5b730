"""Confinement: every file an engagement names lies inside the engagement folder.

A client's exports, the brand file, its logo and the interview answers are read from the engagement
folder and nowhere else: a path that leaves it — absolute, ``../``, a glob reaching out, or a symlink
whose target is elsewhere — is refused before anything is read, unless ``engagement.yaml`` says
``files_outside_folder: allow`` (the one explicit key for a firm that keeps exports on a shared drive).
"""

from __future__ import annotations

from pathlib import Path

from ..exceptions import ConfigError


def confined(
    path: str | Path,
    root: str | Path,
    *,
    key: str | None = None,
    allow_outside: bool = False,
    file: str | None = None,
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
    leads = "" if str(resolved) == str(raw) else f" (it leads to {resolved})"
    raise ConfigError(
        f"{raw} lies outside the engagement folder {root}{leads}; files are read from the engagement "
        "folder only",
        file=file,
        key=key,
        hint="copy the file into the engagement folder, or set files_outside_folder: allow in "
        "engagement.yaml if the firm keeps exports elsewhere on purpose",
    )


__all__ = ["confined"]
