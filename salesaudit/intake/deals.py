"""A deal export's rows routed by their stage: won / lost / open per deal (``won_stages`` /
``lost_stages`` or the preset's), decided once per distinct stage text.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pyarrow as pa

from ..engine.config import InputSpec, ReadOptions
from ..exceptions import InputFileError
from .coercion import _Coded, _text
from .mapping import _norm
from .parsing import DictColumn
from .raw import RawTable

DEAL_STATUSES = ("won", "lost", "open")


def _deal_status(deal_class: np.ndarray, *, categorical: bool):
    """The won / lost / open column of a routed deal export."""
    if categorical:
        return _Coded.from_values(deal_class)
    return pa.array(deal_class, type=pa.large_string())


def _classify(enc: DictColumn, dictionary: pa.Array, won: set[str], lost: set[str]) -> np.ndarray:
    """won / lost / open per deal from its stage text (case, spacing and ``C1:`` prefixes ignored),
    decided once per distinct stage (``dictionary``: the cleaned values of ``enc.dictionary``)."""
    names = [_stage_key(v) for v in dictionary.to_pylist()]
    cls = np.array(
        ["won" if v in won else "lost" if v in lost else "open" for v in names] + ["open"], dtype=object
    )
    return enc.lookup(cls)


def _stage_key(value) -> str:
    return re.sub(r"^c\d+:", "", _norm(value or ""))


def _stage_sets(spec: InputSpec, preset) -> tuple[set | None, set | None]:
    if spec.won_stages is None and spec.lost_stages is None and not (preset and preset.deals):
        return None, None
    won = spec.won_stages if spec.won_stages is not None else (preset.won_stages if preset else ())
    lost = spec.lost_stages if spec.lost_stages is not None else (preset.lost_stages if preset else ())
    return {_stage_key(s) for s in (*won, "won")}, {_stage_key(s) for s in (*lost, "lost")}


def route_deals(
    raw: RawTable,
    *,
    path: Path,
    table: str,
    spec: InputSpec,
    read: ReadOptions,
    preset,
    mapping: dict[str, str],
    deals_elsewhere: bool,
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, list[tuple]]:
    """Which rows of a file belong to ``table`` at all, decided by the deal stage.

    Returns ``(scope, checked, deal_class, problems)``: the rows the table reads, the rows whose other
    columns are checked, won / lost / open per row (``None`` when the file is no deal export) and the
    "deal is not won" problems of a deal export read for ``sales`` only. Masks are never changed in
    place.
    """
    won_set, lost_set = _stage_sets(spec, preset)
    scope = np.ones(len(raw), dtype=bool)
    if won_set is None:
        return scope, scope, None, []
    status_col = "status" if "status" in mapping else "stage" if "stage" in mapping else None
    if status_col is None:
        raise InputFileError(
            "won_stages/lost_stages need the deal stage column",
            file=str(path),
            hint=f"map inputs.{table}.columns.status (or stage) to the stage header",
        )
    _, _, (enc, cleaned) = _text(raw, mapping[status_col], read.na_values, spec.recode.get(status_col))
    deal_class = _classify(enc, cleaned, won_set, lost_set)
    if table != "sales":
        return scope, scope, deal_class, []
    won = deal_class == "won"
    if deals_elsewhere:  # the pipeline reads every deal; sales only the won ones
        return won, won, deal_class, []
    return scope, won, deal_class, [(~won, mapping[status_col], "not_won", None)]
