"""What the tests ask of files on disk."""

from __future__ import annotations

import hashlib
from pathlib import Path


def file_hashes(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (by its path inside it) with its sha256: two calls compare equal
    exactly when nothing was written, removed or changed in between."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(Path(folder).rglob("*"))
        if p.is_file()
    }
