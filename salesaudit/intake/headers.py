"""The header row of a client's table and its column names: found among the first rows (title rows
above it skipped), or taken from ``read.header_row``; trimmed and made unique."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..exceptions import InputFileError


def _norm(text: str) -> str:
    return " ".join(str(text).replace("\ufeff", "").replace("ё", "е").replace("Ё", "Е").split()).casefold()


def find_header(records: list[list[str]], hints) -> int:
    """Index of the header among the first records: the one holding most of the expected headers
    (case and spacing ignored); without hints or matches, the first record as wide as most records
    (title rows above a table are narrower).

    Examples
    --------
    >>> find_header([["Отчёт о продажах"], [], ["Дата", "Клиент", "Сумма"], ["1", "2", "3"]],
    ...             ["Клиент", "Сумма"])
    2
    """
    wanted = {_norm(h) for h in hints if str(h).strip()}
    best, best_hits = None, 0
    widths = []
    for i, rec in enumerate(records):
        cells = [_norm(c) for c in rec if str(c).strip()]
        widths.append(len(cells))
        hits = len(wanted.intersection(cells))
        if hits > best_hits:
            best, best_hits = i, hits
    if best is not None:
        return best
    nonzero = [w for w in widths if w]
    if not nonzero:
        return 0
    values, freq = np.unique(nonzero, return_counts=True)
    width = int(values[np.argmax(freq)])
    return next(i for i, w in enumerate(widths) if w >= width)


def _configured_header(path: Path, header_row: int, size: int, where: str, unit: str) -> int:
    """The 0-based index of the configured (1-based) ``read.header_row``, if the file has that row."""
    if header_row > size:
        raise InputFileError(
            f"header_row {header_row} is past the end of the {where} ({size} {unit})",
            file=str(path),
            row=header_row,
            hint="fix inputs.<table>.read.header_row in engagement.yaml",
        )
    return header_row - 1


def _unique_names(names: list[str]) -> list[str]:
    out, seen = [], {}
    for j, name in enumerate(names):
        name = " ".join(str(name).replace("\ufeff", "").split())
        if not name:
            name = f"column {j + 1}"
        if name in seen:
            seen[name] += 1
            name = f"{name} ({seen[name]})"
        else:
            seen[name] = 1
        out.append(name)
    return out
