"""SQL expressions of ``engagement.yaml`` (``inputs.<table>.derive`` and ``exclude``): checked when the
configuration is read, evaluated over one file's columns by DuckDB.

What an expression may hold
---------------------------
One DuckDB SQL *expression* (never a statement) over the file's headers written as double-quoted
identifiers: column references, literals, operators (arithmetic, comparison, ``AND``/``OR``/``NOT``,
``IN``, ``BETWEEN``, ``LIKE``, ``IS NULL``), ``CASE``, casts (``::DOUBLE``, ``CAST``, ``TRY_CAST``) and
scalar functions (``coalesce``, ``round``, ``lower``, ``strptime``, ...). :func:`check_expression`
parses the text with DuckDB's own parser (``json_serialize_sql``) and refuses, with a
:class:`~salesaudit.exceptions.ConfigError` naming the key, anything else: a second statement, a
``FROM``, a subquery, ``*``, a table function (``read_csv``), an aggregate or window function, a
parameter, a lambda.

Where it runs
-------------
:func:`evaluate` runs the expressions in an in-memory DuckDB connection opened with
``enable_external_access = false`` and ``lock_configuration = true`` (and no extension auto-loading):
even an expression that got past the parse check could read no file and reach no network, and
could not switch that off. Nothing in the YAML ever runs Python.
"""

from __future__ import annotations

import json
from functools import lru_cache

import numpy as np
import pyarrow as pa

from ..exceptions import ConfigError, DataError

# Expression node classes of DuckDB's parse tree an expression may hold (everything else is refused)
ALLOWED_CLASSES = {
    "COLUMN_REF",
    "CONSTANT",
    "FUNCTION",
    "OPERATOR",
    "COMPARISON",
    "CONJUNCTION",
    "CASE",
    "CAST",
    "BETWEEN",
    "COLLATE",
    "TYPE",  # the target type of a cast
}
_NOT_ALLOWED = {
    "SUBQUERY": "a subquery",
    "STAR": "*",
    "WINDOW": "a window function",
    "PARAMETER": "a parameter",
    "POSITIONAL_REFERENCE": "a positional reference",
    "LAMBDA": "a lambda",
    "DEFAULT": "DEFAULT",
}
_EMPTY_CLAUSES = ("where_clause", "having", "sample", "qualify")


def connection():
    """An in-memory DuckDB connection that can read no file, reach no network, load no extension and
    not change these settings (a cursor of one such database per process: opening it costs ~0.1 s)."""
    return _database().cursor()


@lru_cache(maxsize=1)
def _database():
    import duckdb

    return duckdb.connect(
        ":memory:",
        config={
            "enable_external_access": False,
            "autoinstall_known_extensions": False,
            "autoload_known_extensions": False,
            "lock_configuration": True,
            "threads": 4,
        },
    )


@lru_cache(maxsize=1)
def _functions() -> dict[str, str]:
    """DuckDB's built-in function names and their type (scalar, aggregate, table, macro, ...)."""
    con = connection()
    rows = con.execute("SELECT function_name, function_type FROM duckdb_functions()").fetchall()
    kinds: dict[str, str] = {}
    for name, kind in rows:
        # a name that is both scalar and something else (e.g. an aggregate) counts as the other
        if kinds.get(name.lower(), "scalar") == "scalar":
            kinds[name.lower()] = kind
    return kinds


@lru_cache(maxsize=512)
def _parse(text: str) -> tuple[tuple[str, ...], str | None]:
    """``(headers referenced, why the text is refused or None)``, from DuckDB's parse tree."""
    con = connection()
    tree = json.loads(con.execute("SELECT json_serialize_sql(?)", ["SELECT " + text]).fetchone()[0])
    if tree.get("error"):
        message = tree.get("error_message", "not an expression")
        if "Only SELECT" in message:
            return (), "a statement, not one expression"
        return (), f"not a valid SQL expression ({message})"
    statements = tree.get("statements", [])
    if len(statements) != 1:
        return (), "more than one statement"
    node = statements[0]["node"]
    if node.get("type") != "SELECT_NODE":
        return (), "a query (UNION, ...), not one expression"
    if (node.get("from_table") or {}).get("type") != "EMPTY":
        return (), "FROM reads a table: refer to the file's headers in double quotes instead"
    if any(node.get(c) for c in _EMPTY_CLAUSES) or node.get("group_expressions") or node.get("modifiers"):
        return (), "a query clause (WHERE, GROUP BY, ORDER BY, LIMIT...), not one expression"
    if node.get("cte_map", {}).get("map"):
        return (), "a WITH clause, not one expression"
    if len(node.get("select_list", [])) != 1:
        return (), "several expressions separated by commas; write one"
    headers: list[str] = []
    problem = _walk(node["select_list"][0], headers)
    return tuple(dict.fromkeys(headers)), problem


def _walk(item, headers: list[str]) -> str | None:
    """Check every expression node under ``item``; collect the column references."""
    if isinstance(item, list):
        for x in item:
            if problem := _walk(x, headers):
                return problem
        return None
    if not isinstance(item, dict):
        return None
    cls = item.get("class")
    if cls is not None:
        if cls in _NOT_ALLOWED:
            return f"{_NOT_ALLOWED[cls]} is not allowed"
        if cls not in ALLOWED_CLASSES:
            return f"{cls.lower()} expressions are not allowed"
        if cls == "COLUMN_REF":
            names = item.get("column_names", [])
            if len(names) != 1:
                return f"{'.'.join(names)!r}: write a header in double quotes, without a table name"
            headers.append(names[0])
        if cls == "FUNCTION":
            name = str(item.get("function_name", "")).lower()
            kind = _functions().get(name)
            if item.get("schema") or item.get("catalog"):
                return f"function {name!r} with a schema is not allowed"
            if kind is None:
                return f"unknown function {name!r}"
            if kind not in ("scalar", "macro"):
                what = "a table function" if kind.startswith("table") else f"an {kind} function"
                return f"{name}() is {what}: only functions of one row's values are allowed"
    for key, value in item.items():
        if key != "class" and isinstance(value, dict | list):
            if problem := _walk(value, headers):
                return problem
    return None


def check_expression(text, *, key: str) -> tuple[str, ...]:
    """Check one expression of ``engagement.yaml``; returns the headers it refers to (as written).

    Raises
    ------
    ConfigError
        Naming ``key`` (e.g. ``inputs.sales.derive.amount``): the text is empty, not one SQL
        expression, or holds what an expression may not (see the module docstring).

    Examples
    --------
    >>> check_expression('"Кол-во" * "Цена" - coalesce("Скидка", 0)', key="inputs.sales.derive.amount")
    ('Кол-во', 'Цена', 'Скидка')
    >>> check_expression("(SELECT 1 FROM read_csv('/etc/passwd'))", key="inputs.sales.derive.amount")
    Traceback (most recent call last):
    ...
    salesaudit.exceptions.ConfigError: ... a subquery is not allowed ...
    """
    if not isinstance(text, str) or not text.strip():
        raise ConfigError("the expression is empty", key=key)
    headers, problem = _parse(text.strip())
    if problem:
        raise ConfigError(
            f"not allowed in an expression: {problem}",
            key=key,
            value=text,
            hint="write one SQL expression over the file's headers in double quotes, "
            'e.g. \'"Кол-во" * "Цена"\'; functions of one row only, no FROM / SELECT / files',
        )
    return headers


def evaluate(columns: dict[str, pa.Array], expressions: dict[str, str], *, n: int, keys: dict[str, str]):
    """Evaluate ``expressions`` (``{name: SQL}``) over ``columns`` (``{header as written in the
    expressions: Arrow array}``, all of length ``n``), in one pass of a sandboxed connection.

    Returns ``{name: Arrow array}`` in row order. Raises a :class:`DataError` naming ``keys[name]`` when
    DuckDB cannot bind or run an expression (a function applied to the wrong type, a failing cast).
    """
    import duckdb

    con = connection()
    table = pa.table(columns) if columns else pa.table({"__row": pa.array(np.zeros(n, dtype=np.int8))})
    out = {}
    rel = con.from_arrow(table)
    for name, text in expressions.items():  # one at a time: an error then names its key
        try:
            result = rel.select(duckdb.SQLExpression(text).alias("v")).to_arrow_table()
        except duckdb.Error as exc:
            message = str(exc).splitlines()[0]
            raise DataError(
                f"the expression cannot be computed: {message}",
                key=keys[name],
                value=text,
                hint="check the types: text cells compare with 'quoted' values, numbers with numbers; "
                "TRY_CAST(... AS ...) gives NULL instead of an error",
            ) from None
        out[name] = result.column(0).combine_chunks()
    return out
