"""The canonical tables, declared once.

Whatever a client's export looks like, intake turns it into these tables (PLAYBOOK.md, "Canonical
tables"). Column names are the project's vocabulary: ``client_id``, ``manager``, ``amount``, ``date``...
Every analysis function takes these columns and nothing else.

``CANONICAL`` lists, per table, the required and optional columns and their kind; ``SCHEMAS`` holds the
pandera models intake validates against, lazily, so that every failing row is reported at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandera.pandas as pa


@dataclass(frozen=True)
class TableSpec:
    """Columns of one canonical table: ``{name: kind}`` with kind one of
    ``"str"``, ``"float"``, ``"int"``, ``"date"``.

    ``required`` columns must be mapped and, except those in ``nullable``, filled on every row (a
    row with one empty is rejected); ``nullable`` ones may be empty (the pipeline's ``amount``: an
    open deal whose amount is not known yet is still a deal).
    """

    required: dict[str, str]
    optional: dict[str, str] = field(default_factory=dict)
    nullable: frozenset[str] = frozenset()

    @property
    def columns(self) -> dict[str, str]:
        return {**self.required, **self.optional}

    @property
    def filled(self) -> dict[str, str]:
        """The required columns no row may leave empty."""
        return {c: k for c, k in self.required.items() if c not in self.nullable}


CANONICAL: dict[str, TableSpec] = {
    "sales": TableSpec(
        required={"date": "date", "client_id": "str", "amount": "float"},
        optional={
            "manager": "str",
            "margin": "float",
            "cost": "float",
            "document_id": "str",
            "product": "str",
            "quantity": "float",
            "status": "str",
            "channel": "str",
            "client_name": "str",
        },
    ),
    "clients": TableSpec(
        required={"client_id": "str"},
        optional={
            "name": "str",
            "manager": "str",
            "potential": "float",
            "industry": "str",
            "region": "str",
            "created": "date",
        },
    ),
    "managers": TableSpec(
        required={"manager": "str"},
        optional={
            "salary": "float",
            "commission_rate": "float",
            "hired": "date",
            "left": "date",
            "fte": "float",
            "team": "str",
        },
    ),
    "targets": TableSpec(
        required={"period": "str", "amount": "float"},
        optional={"manager": "str"},
    ),
    "pipeline": TableSpec(
        required={"deal_id": "str", "manager": "str", "amount": "float", "stage": "str"},
        nullable=frozenset({"amount"}),  # open deals without an amount stay in the pipeline
        optional={
            "client_id": "str",
            "expected_close": "date",
            "probability": "float",
            "created": "date",
            "closed": "date",
            "status": "str",
        },
    ),
    "activities": TableSpec(
        required={"date": "date", "manager": "str", "type": "str"},
        optional={"client_id": "str", "outcome": "str"},
    ),
}

TABLES: tuple[str, ...] = tuple(CANONICAL)


def _checks() -> dict[tuple[str, str], list]:
    """Row-level rules beyond types: each becomes a rejection reason in intake."""
    import pandera.pandas as pa

    return {
        ("sales", "client_id"): [pa.Check.str_length(min_value=1, error="client_id is empty")],
        ("clients", "potential"): [pa.Check.ge(0, error="potential is negative")],
        ("managers", "fte"): [pa.Check.in_range(0, 1, error="fte outside 0..1")],
        ("managers", "commission_rate"): [pa.Check.in_range(0, 1, error="commission_rate outside 0..1")],
        ("pipeline", "probability"): [pa.Check.in_range(0, 1, error="probability outside 0..1")],
        ("targets", "period"): [
            pa.Check.str_matches(r"^\d{4}(-\d{2})?$", error="period is not YYYY or YYYY-MM")
        ],
    }


def _schema(table: str, checks: dict) -> pa.DataFrameSchema:
    import pandera.pandas as pa

    dtypes = {"str": pa.String, "float": pa.Float64, "int": pa.Int64, "date": pa.DateTime}
    spec = CANONICAL[table]
    cols = {}
    for name, kind in spec.columns.items():
        required = name in spec.required
        cols[name] = pa.Column(
            dtypes[kind],
            checks=checks.get((table, name), []),
            nullable=name not in spec.filled,
            required=required,
            coerce=False,
        )
    return pa.DataFrameSchema(cols, name=table, strict=False, ordered=False)


@cache
def schemas() -> dict[str, pa.DataFrameSchema]:
    """The pandera models, built on first use (pandera is slow to import; the CLI checks config first)."""
    checks = _checks()
    return {t: _schema(t, checks) for t in TABLES}


def __getattr__(name: str):
    if name == "SCHEMAS":  # the pandera models as a module attribute, built lazily
        return schemas()
    raise AttributeError(name)
