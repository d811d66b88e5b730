"""Which header of a client's file holds which canonical column: the engagement's ``inputs.<table>.columns``,
else the preset's usual spellings (case, spacing and ё ignored); the read settings a preset fills in.
"""

from __future__ import annotations

import difflib
from pathlib import Path

from ..engine.config import InputSpec, ReadOptions
from ..exceptions import InputFileError
from .presets import get_preset
from .raw import RawTable
from .schemas import CANONICAL

# ------------------------------------------------------------------------------------------------
# One file


def effective_read(spec: InputSpec) -> ReadOptions:
    """``inputs.<table>.read`` with the preset's read settings filling what the engagement left out.

    Examples
    --------
    >>> effective_read(InputSpec(files=["x.csv"], preset="1c")).decimal
    ','
    >>> effective_read(InputSpec(files=["x.csv"], preset="1c", read={"decimal": "."})).decimal
    '.'
    """
    preset = get_preset(spec.preset)
    if preset is None or not preset.read:
        return spec.read
    given = spec.read.model_dump(exclude_unset=True)
    return spec.read.model_copy(update={k: v for k, v in preset.read.items() if k not in given})


def _describe_read(label: str, table: str, raw: RawTable) -> str:
    info = raw.info
    parts = [f"{label} ({table}): {info.get('format')}"]
    if info.get("encoding"):
        parts.append(f"encoding {info['encoding']}")
    if info.get("delimiter"):
        parts.append(f"delimiter {info['delimiter']!r}")
    if info.get("sheet"):
        parts.append(f"sheet {info['sheet']!r}")
    if info.get("header_row"):
        parts.append(f"header on row {info['header_row']}")
    return ", ".join(parts)


def _norm(text: str) -> str:
    return " ".join(str(text).replace("ё", "е").replace("Ё", "Е").split()).casefold()


def _resolve(spec: InputSpec, alternatives, headers: list[str], path: Path, table: str):
    """``{canonical: header in the file}``: the engagement's header, else the preset's spellings.

    A header mapped in ``inputs.<table>.columns`` must be in the file, whether its column is required
    or optional; a preset's optional spellings may all be absent. Returns the mapping and notes (none
    today; kept for the caller's sake).
    """
    exact = {h: h for h in headers}
    loose: dict[str, list[str]] = {}
    for h in headers:
        loose.setdefault(_norm(h), []).append(h)

    def find(name: str) -> str | None:
        if name in exact:
            return name
        hits = loose.get(_norm(name), [])
        return hits[0] if len(hits) == 1 else None

    mapping, notes = {}, []
    required = CANONICAL[table].required
    for canonical in CANONICAL[table].columns:
        explicit = spec.columns.get(canonical)
        alts = tuple(alternatives.get(canonical, ()))
        candidates = [explicit] if explicit else []
        if not explicit or explicit in alts:
            candidates += [a for a in alts if a != explicit]
        found = next((h for h in map(find, candidates) if h is not None), None)
        if found is not None:
            mapping[canonical] = found
        elif explicit or (canonical in required and candidates):
            # a column the consultant mapped must exist, optional or not (a preset's optional
            # spellings are only what an export may have)
            raise _not_in_file(canonical, candidates[0], headers, path, table)
    missing = [c for c in required if c not in mapping]
    if missing:
        raise InputFileError(
            f"no column is mapped to the required {', '.join(missing)}",
            file=str(path),
            key=f"inputs.{table}.columns",
            hint=f"add inputs.{table}.columns.{missing[0]}: <header> to engagement.yaml "
            f"(columns in the file: {', '.join(headers)})",
        )
    return mapping, notes


def _not_in_file(canonical: str, header: str, headers: list[str], path: Path, table: str) -> InputFileError:
    """The mapped header is not among the file's headers: list them, and the closest spellings."""
    close = difflib.get_close_matches(_norm(header), [_norm(h) for h in headers], n=3, cutoff=0.6)
    similar = [h for h in headers if _norm(h) in close]
    maybe = f"did you mean {', '.join(repr(h) for h in similar)}? " if similar else ""
    return InputFileError(
        f"the mapped column for {canonical!r} is not in the file",
        file=str(path),
        column=header,
        key=f"inputs.{table}.columns.{canonical}",
        hint=f"{maybe}columns in the file: {', '.join(headers)}. "
        f"Fix inputs.{table}.columns.{canonical} in engagement.yaml",
    )


def _read_kinds(wanted: dict[str, str], table: str) -> dict[str, str]:
    """The kinds hint for the reader (``int`` columns are read like ``float``)."""
    return {h: "float" if k == "int" else k for h, k in wanted.items()}
