"""Names across tables: one match key for every name, one spelling per key.

A manager or a client id is written in several tables by several people: ``"Иванов\\u00a0Иван"`` in the
sales, ``"Иванов Иван"`` in the managers list, ``"ЦБ-0001"`` in the register and ``"цб-0001"`` in
the CRM. :func:`match_key` is the one normaliser that says when two spellings are the same name;
:func:`unify_names` runs once, after intake has read every table, and rewrites each spelling to one
display spelling per key, so every later join (plan per manager, tracking, portfolios, the register)
matches exactly. Reports show the display spelling — a spelling the client wrote, never the key.

Conventions
-----------
* **Match key** (:func:`match_key`): Unicode NFKC (full-width letters, compatibility spaces), case
  folded (``str.casefold``), quote marks ``" ' « » „ “ ” ‟ ‘ ’ ‚ ‛ ‹ › ` ′ ″`` read as spaces,
  invisible characters (soft hyphen, zero-width spaces and joiners, BOM) removed, every run of Unicode
  whitespace (no-break U+00A0, thin U+2009, narrow no-break U+202F, tabs...) one space, trimmed.
  ``ё`` and ``е`` stay different ("Фёдорова" and "Федорова" are two spellings the consultant must
  see: the data-quality check ``manager_not_listed`` names them), and so do dashes, word order and
  legal forms (that is the similar-client-names check of :mod:`salesaudit.intake.quality`).
* **Families**: managers — ``manager`` of managers, sales, clients, pipeline, activities, targets;
  clients — ``client_id`` of clients, sales, pipeline, activities (:data:`FAMILIES`, master first).
* **Display spelling** of a key: the spelling in the master table (managers table for managers,
  clients register for clients); else the spelling on most rows across the family's tables, ties
  broken by the first seen (tables in :data:`FAMILIES` order, rows in file order).
* **Kept apart**: when the master table itself lists two spellings of one key (two rows), nothing of
  that key is rewritten — merging would list one manager or client twice — and the log says so.
* Never merged: names whose keys differ. Rows are rewritten, never added or dropped, so intake's
  accounting (rows read = used + rejected) is unchanged; a table without such names is returned as is.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .categoricals import STR

FAMILIES: dict[str, tuple[tuple[str, str], ...]] = {
    "manager": (
        ("managers", "manager"),
        ("sales", "manager"),
        ("clients", "manager"),
        ("pipeline", "manager"),
        ("activities", "manager"),
        ("targets", "manager"),
    ),
    "client_id": (
        ("clients", "client_id"),
        ("sales", "client_id"),
        ("pipeline", "client_id"),
        ("activities", "client_id"),
    ),
}
"""Name families: ``{family: ((table, column), ...)}``, the master table first."""

LOG_COLUMNS = ["family", "key", "name", "written", "table", "rows", "amount", "kept_apart"]
"""Columns of :func:`unify_names`' log (see there)."""

QUOTES = "\"'«»„“”‟‘’‚‛‹›`′″"
_INVISIBLE = "\u00ad\u180e\u200b\u200c\u200d\u200e\u200f\u2060\ufeff"
_TRANSLATE = str.maketrans({**dict.fromkeys(QUOTES, " "), **dict.fromkeys(_INVISIBLE)})
_QUOTE = re.compile("[" + re.escape(QUOTES) + "]")
_PLAIN = re.compile("[\t -~\u00a0\u00ab\u00bb\u0400-\u045f\u2009\u2018-\u201f\u202f]*")
"""Text NFKC leaves as it is but for spaces (printable ASCII, basic Cyrillic, the usual quotes and
no-break / thin spaces): its key needs no Unicode normalisation (the common case, 10× faster)."""


def _key_once(text: str) -> str:
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    return " ".join(folded.translate(_TRANSLATE).split())


def _full_key(text: str) -> str:
    key = _key_once(text)
    for _ in range(3):  # removing a quote or a joiner can bring two characters NFKC composes together
        again = _key_once(key)
        if again == key:
            break
        key = again
    return key


def match_key(name) -> str:
    """The key two spellings of one name share (module docstring); ``""`` for a missing or blank name.

    Idempotent: ``match_key(match_key(x)) == match_key(x)``.

    Examples
    --------
    >>> match_key("Иванов\\u00a0Иван") == match_key(" иванов  ИВАН ") == "иванов иван"
    True
    >>> match_key("ЦБ-0001 "), match_key('ООО "Ромашка"') == match_key("ООО «Ромашка»")
    ('цб-0001', True)
    >>> match_key("Фёдорова Ольга") == match_key("Федорова Ольга"), match_key(None)
    (False, '')
    """
    if not isinstance(name, str):
        return ""
    if _PLAIN.fullmatch(name):
        return " ".join(_QUOTE.sub(" ", name.casefold()).split())
    return _full_key(name)


def match_keys(values: pd.Series) -> pd.Series:
    """:func:`match_key` of each value, computed once per distinct value; ``""`` where missing.

    Examples
    --------
    >>> match_keys(pd.Series(["А\\u00a0Б", None, "а б"])).tolist()
    ['а б', '', 'а б']
    """
    codes, uniques = pd.factorize(values)
    keys = np.array([match_key(u) for u in uniques] + [""], dtype=object)
    return pd.Series(keys[codes], index=values.index, dtype=STR)


def visible(text: str) -> str:
    """``text`` with every space other than U+0020 and every invisible character shown as ``<U+XXXX>``
    (an example of unified spellings must show what differed).

    Examples
    --------
    >>> visible("Иванов\\u00a0Иван")
    'Иванов<U+00A0>Иван'
    """
    return "".join(
        f"<U+{ord(c):04X}>" if (c.isspace() and c != " ") or c in _INVISIBLE else c for c in str(text)
    )


def respell(values, spellings) -> list:
    """Each of ``values`` written as the one of ``spellings`` that shares its match key; unchanged
    when none does or when several do (for names typed in engagement.yaml — absences, overrides —
    matched against the managers of the tables).

    Examples
    --------
    >>> respell(["иванов  иван", "Сидоров"], ["Иванов\\u00a0Иван", "Петров"])
    ['Иванов\\xa0Иван', 'Сидоров']
    """
    by_key: dict[str, list[str]] = {}
    for s in dict.fromkeys(spellings):
        if isinstance(s, str):
            by_key.setdefault(match_key(s), []).append(s)
    out = []
    for v in values:
        found = by_key.get(match_key(v), []) if isinstance(v, str) else []
        out.append(found[0] if len(found) == 1 else v)
    return out


# ------------------------------------------------------------------------------------------------
# One spelling per key across tables


@dataclass
class _Column:
    """One text column as integer codes (``-1`` = missing) into its distinct values: the rows per value
    and the position each value is first seen at. Built once per column, read by every step."""

    codes: np.ndarray
    values: list[str]
    rows: np.ndarray
    first: np.ndarray

    @classmethod
    def of(cls, values: pd.Series) -> _Column:
        if isinstance(values.dtype, pd.CategoricalDtype):  # intake's sales columns: codes already there
            codes = values.cat.codes.to_numpy()
            uniques = [str(c) for c in values.cat.categories.to_numpy(dtype=object).tolist()]
            seen = pd.factorize(codes[codes >= 0])[1]  # category codes in the order first seen
        else:
            codes, found = pd.factorize(values)
            uniques = [str(u) for u in np.asarray(found, dtype=object).tolist()]
            seen = np.arange(len(uniques))
        first = np.full(len(uniques), len(codes), dtype=np.int64)
        first[seen] = np.arange(len(seen))
        rows = np.bincount(codes[codes >= 0], minlength=len(uniques))
        return cls(codes=np.asarray(codes), values=uniques, rows=rows, first=first)


def _choose(columns: list[tuple[bool, _Column]]) -> tuple[dict[str, str], list[tuple]]:
    """``{written: display}`` for the spellings to rewrite, and the spellings kept apart as
    ``(key, name, written, rows)``: the master lists two spellings of their key.

    ``columns``: ``(is master, column)`` in the family's order. Display: the master's spelling, else
    the most rows, else the first seen (module docstring)."""
    info: dict[str, list] = {}  # written -> [rows, in master, first seen (table, position)]
    for i, (master, col) in enumerate(columns):
        for value, rows, first in zip(col.values, col.rows.tolist(), col.first.tolist(), strict=True):
            if rows == 0:
                continue
            entry = info.setdefault(value, [0, False, (i, first)])
            entry[0] += rows
            entry[1] = entry[1] or master
    by_key: dict[str, list[str]] = {}
    for value in info:
        key = match_key(value)
        if key:
            by_key.setdefault(key, []).append(value)
    mapping: dict[str, str] = {}
    kept: list[tuple] = []
    for key, spellings in by_key.items():
        if len(spellings) < 2:
            continue
        ranked = sorted(spellings, key=lambda w: (not info[w][1], -info[w][0], info[w][2]))
        display, others = ranked[0], ranked[1:]
        if sum(info[w][1] for w in spellings) > 1:
            kept += [(key, display, w, info[w][0]) for w in others]
        else:
            mapping.update(dict.fromkeys(others, display))
    return mapping, kept


def _rewrite(values: pd.Series, col: _Column, mapping: Mapping[str, str]) -> tuple[pd.Series, np.ndarray]:
    """``values`` with each spelling in ``mapping`` replaced (a categorical stays one, its categories
    the sorted values present), and which distinct values (of ``col``) were replaced."""
    new = np.array([mapping.get(v, v) for v in col.values] + [None], dtype=object)
    replaced = np.array([v in mapping for v in col.values], dtype=bool)
    if isinstance(values.dtype, pd.CategoricalDtype):
        index = pd.Index(sorted(set(new[:-1][col.rows > 0])), dtype=STR)  # the values present
        remap = np.append(index.get_indexer(new[:-1]), -1)
        out = pd.Categorical.from_codes(remap[col.codes], dtype=pd.CategoricalDtype(index), validate=False)
        return pd.Series(out, index=values.index, name=values.name), replaced
    out = pd.Series(new[col.codes], index=values.index, name=values.name)
    return out.astype(STR), replaced


def _log_rows(frame: pd.DataFrame, table: str, col: _Column, replaced: np.ndarray, mapping) -> list[tuple]:
    """``(key, name, written, table, rows, amount)`` per spelling replaced in ``table``."""
    amount = np.full(len(col.values), np.nan)
    if table == "sales" and "amount" in frame:
        valid = col.codes >= 0
        weights = np.abs(frame["amount"].to_numpy(dtype=float, na_value=np.nan))[valid]
        amount = np.bincount(col.codes[valid], weights=np.nan_to_num(weights), minlength=len(col.values))
    return [
        (match_key(col.values[i]), mapping[col.values[i]], col.values[i], table, int(col.rows[i]), amount[i])
        for i in sorted(np.flatnonzero(replaced & (col.rows > 0)), key=lambda i: col.values[i])
    ]


def empty_log() -> pd.DataFrame:
    """The log of :func:`unify_names` when nothing was unified."""
    return pd.DataFrame({c: pd.Series(dtype=_LOG_DTYPES[c]) for c in LOG_COLUMNS})


_LOG_DTYPES = {
    "family": "str",
    "key": "str",
    "name": "str",
    "written": "str",
    "table": "str",
    "rows": "int64",
    "amount": "float64",
    "kept_apart": "bool",
}


def unify_names(tables: Mapping[str, pd.DataFrame]) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """Each name written in one spelling per match key across the tables (module docstring).

    Parameters
    ----------
    tables
        Intake's canonical tables (not modified).

    Returns
    -------
    tables
        The same tables; a table with a rewritten column is a new frame, the others are the same
        objects.
    log
        One row per spelling rewritten (per table) or kept apart: ``family`` (``manager`` /
        ``client_id``), ``key``, ``name`` (the display spelling), ``written`` (the other spelling),
        ``table``, ``rows`` (rows holding it), ``amount`` (Σ |amount| of those rows, sales only,
        else NaN), ``kept_apart`` (True: the master table lists both, nothing was rewritten).

    Examples
    --------
    >>> sales = pd.DataFrame({"manager": ["Иванов\\u00a0Иван", "ИВАНОВ ИВАН"], "amount": [10.0, 5.0]})
    >>> managers = pd.DataFrame({"manager": ["Иванов Иван"]})
    >>> out, log = unify_names({"sales": sales, "managers": managers})
    >>> out["sales"]["manager"].tolist(), log["rows"].tolist()
    (['Иванов Иван', 'Иванов Иван'], [1, 1])
    """
    out = dict(tables)
    rows: list[tuple] = []
    for family, spec in FAMILIES.items():
        present = [(t, c) for t, c in spec if t in out and c in out[t].columns]
        cols = {(t, c): _Column.of(out[t][c]) for t, c in present}
        mapping, kept = _choose([(t == spec[0][0], cols[(t, c)]) for t, c in present])
        rows += [(family, k, n, w, spec[0][0], r, np.nan, True) for k, n, w, r in kept]
        for table, column in present if mapping else ():
            col = cols[(table, column)]
            if not any(v in mapping for v in col.values):
                continue
            values, replaced = _rewrite(out[table][column], col, mapping)
            rows += [(family, *r, False) for r in _log_rows(out[table], table, col, replaced, mapping)]
            out[table] = out[table].assign(**{column: values})
    if not rows:
        return out, empty_log()
    return out, pd.DataFrame(rows, columns=LOG_COLUMNS).astype(_LOG_DTYPES)
