"""Data quality: what is wrong or suspicious in the client's data, counted and exemplified.

Pure functions over the canonical tables (and intake's rejected rows). Each finding is a row of a table
the consultant can send back to the client: the check, how many rows (or names), the share of revenue
affected, an example, and — via :func:`describe` — a sentence in the report's language.

Conventions
-----------
* **Share of revenue** = Σ |amount| of the affected sales lines / Σ |amount| of all sales lines read
  (used lines plus rejected lines whose amount could be read), so a share never exceeds 100 %.
  NaN where the finding is not about sales lines or no amount is known.
* **Duplicate line**: a sales line equal, in every canonical column, to an earlier line of the same
  file (the later copies are counted). **Duplicate across files**: a line equal to a line of another
  file of the same table — typically overlapping exports; counted in the later files.
* **Duplicate document number**: one ``document_id`` on different dates or for different clients
  (several lines of one invoice are normal).
* **Extreme outlier**: a line whose |amount| exceeds ``outlier_factor`` × the median |amount|.
* **Similar client names**: different client ids whose names are equal once case, quotes, spacing,
  ``ё`` and word order are ignored, with the same legal form or none ("ООО «Ромашка»" ~ "Ромашка ООО"
  ~ "Ромашка"; "ЗАО «Ромашка»" is another company) — :func:`similar_names`.
* **Names unified** (``manager_names_unified``, ``client_ids_unified``): spellings of one manager or
  client id (no-break or thin spaces, repeated spaces, stray quotes, case —
  :func:`salesaudit.intake.names.match_key`) that intake rewrote to one spelling so the tables
  match; counted per spelling rewritten, the example shows invisible spaces as ``<U+00A0>``.
  **Kept apart** (``manager_names_kept_apart``, ``client_ids_kept_apart``): the managers table or the
  register lists two such spellings as two rows, so nothing of that name was unified.
* **Share of lines** (``line_share``) = affected sales lines / sales lines read (used lines plus
  rejected lines in scope, each once).
* Zero amounts, round amounts, a gap, one client over half of revenue: :mod:`.quality_sales`.
* Severity: ``problem`` (rows lost to the analysis), ``warning`` (rows kept but doubtful),
  ``info`` (worth knowing: returns, totals rows skipped). Lines with a zero amount, without a client
  or manager and round amounts are a ``problem`` from ``problem_share`` of the lines or revenue
  (:class:`~salesaudit.engine.config.QualitySettings`): the analysis then rests on them. A finding
  always counts at least one row, name or period: a check that finds nothing adds no row.
* No language here: the example is data (``file``, ``row``, ``value``, ``amount``) and
  :func:`describe` (:mod:`.quality_words`) words it and the sentence in the report's language.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..engine.config import QualitySettings
from .canonical import Intake
from .names import match_key, visible
from .quality_sales import (
    QUALITY_COLUMNS,
    LineCodes,
    analysed_period,
    data_gaps,
    example_at,
    finding,
    findings_frame,
    present,
    round_amounts,
    top_client,
    zero_amounts,
)
from .quality_words import (
    REJECTED_PREFIX,
    SENTENCES,
    accounting_in_words,
    any_problems,
    describe,
    rejected_in_words,
)
from .tolerance import OUT_OF_SCOPE

_LEGAL = re.compile(
    r"\b(ооо|оао|зао|пао|ао|ип|нко|гуп|муп|фгуп|тоо|чп|llc|ltd|inc|gmbh|corp|co|plc)\b", re.IGNORECASE
)
_PUNCT = re.compile(r"[\"'«»“”„`.,()\-–—]+")
_RENAMED = {"after_as_of": ("future_date", "warning"), "totals_row": ("totals_rows", "info")}
_NAME_CHECKS = {  # (family, kept apart) -> (check, table, severity)
    ("manager", False): ("manager_names_unified", "managers", "info"),
    ("client_id", False): ("client_ids_unified", "clients", "info"),
    ("manager", True): ("manager_names_kept_apart", "managers", "warning"),
    ("client_id", True): ("client_ids_kept_apart", "clients", "warning"),
}


def normalise_name(name: str) -> str:
    """A company name reduced to what identifies it: case, quotes, legal form, ``ё``, spacing and word
    order removed.

    Examples
    --------
    >>> normalise_name('ООО «Ромашка»') == normalise_name("Ромашка  ооо")
    True
    >>> normalise_name('ИП Петров') == normalise_name('Петрова')
    False
    """
    if not isinstance(name, str):
        return ""
    s = _PUNCT.sub(" ", match_key(name).replace("ё", "е"))
    s = _LEGAL.sub(" ", s)
    return " ".join(sorted(s.split()))


def legal_form(name: str) -> str:
    """The legal form(s) written in a company name (``ооо``, ``ип``, ``llc``...), "" when none.

    Examples
    --------
    >>> legal_form('ООО «Ромашка»'), legal_form("Ромашка"), legal_form("Acme LLC")
    ('ооо', '', 'llc')
    """
    if not isinstance(name, str):
        return ""
    return " ".join(sorted(m.lower() for m in _LEGAL.findall(name.replace("ё", "е"))))


def similar_names(names: pd.DataFrame, *, id_col: str = "client_id", name_col: str = "name") -> pd.DataFrame:
    """Groups of different client ids whose names are the same company written differently.

    Convention: names match when equal once case, quotes, spacing, ``ё``, word order and the legal
    form are set aside (:func:`normalise_name`) — and their legal forms agree, or one of them has
    none ("ООО «Ромашка»" ~ "Ромашка ООО" ~ "Ромашка", but "ЗАО «Ромашка»" and "ООО «Ромашка»"
    are two companies).

    Returns
    -------
    DataFrame with columns ``key`` (the normalised name), ``client_id``, ``name`` — one row per member
    of a group of 2+ ids, sorted by key and client_id.

    Examples
    --------
    >>> df = pd.DataFrame({"client_id": ["1", "2", "3", "4"],
    ...                    "name": ["ООО «Ромашка»", "Ромашка ООО", "ЗАО Ромашка", "Лютик"]})
    >>> similar_names(df)["client_id"].tolist()
    ['1', '2']
    """
    # as text: a categorical's .map() keeps the category order, and the groups are sorted by key
    df = names[[id_col, name_col]].dropna().drop_duplicates().astype("str")
    df = df.assign(key=df[name_col].map(normalise_name))
    df = df[df["key"] != ""]
    ids = df.groupby("key")[id_col].nunique()
    df = df[df["key"].isin(ids[ids > 1].index)]
    df = df.assign(form=df[name_col].map(legal_form))  # only of the names that share their key
    keep = []
    for _, part in df.groupby("key", sort=False):
        forms = part.groupby("form")[id_col].nunique()
        named = forms.drop("", errors="ignore")
        if "" in forms.index:  # a name without a legal form matches any spelling of it
            keep.append(part)
        else:
            keep.append(part[part["form"].isin(named[named > 1].index)])
    members = pd.concat(keep) if keep else df.iloc[:0]
    counts = members.groupby("key")[id_col].nunique()
    members = members[members["key"].isin(counts[counts > 1].index)]
    out = members.sort_values(["key", id_col]).rename(columns={id_col: "client_id", name_col: "name"})
    return out[["key", "client_id", "name"]].drop_duplicates(["key", "client_id"]).reset_index(drop=True)


def quality_checks(
    tables: dict[str, pd.DataFrame],
    rejected: pd.DataFrame,
    *,
    outlier_factor: float = 50.0,
    names: pd.DataFrame | None = None,
    as_of=None,
    window_months: int = 12,
    settings: QualitySettings | None = None,
) -> pd.DataFrame:
    """Every data-quality check on the canonical tables and the rejected rows (module docstring for
    the conventions).

    Parameters
    ----------
    tables
        Intake's canonical tables (``_file`` / ``_row`` columns are used when present).
    rejected
        Intake's rejected rows.
    outlier_factor
        A line is an extreme outlier above this multiple of the median |amount|.
    names
        Intake's log of unified spellings (``Intake.names``, :func:`salesaudit.intake.names.unify_names`).
    as_of, window_months
        The analysis window a gap and the top client are looked for in; without ``as_of`` the sales
        lines' own first to last date.
    settings
        The thresholds (``intake.quality`` of engagement.yaml); the defaults when None.

    Returns
    -------
    DataFrame with :data:`QUALITY_COLUMNS`: ``check`` (``rejected: <reason_code>``, ``future_date``,
    ``no_client``, ``no_manager``, ``zero_amount``, ``duplicate_line``, ``duplicate_across_files``,
    ``duplicate_document``, ``returns``, ``outlier``, ``round_amounts``, ``data_gap``, ``top_client``,
    ``manager_not_listed``, ``manager_without_sales``, ``similar_client_names``,
    ``client_not_in_register``, ``totals_rows``, ``manager_names_unified``, ``client_ids_unified``,
    ``manager_names_kept_apart``, ``client_ids_kept_apart``), ``table``, ``severity``
    (info/warning/problem), ``count``, ``revenue_share``, ``line_share``, the example as data
    (``file``, ``row``, ``value``, ``amount``) and ``detail``.

    Examples
    --------
    >>> sales = pd.DataFrame({"date": pd.to_datetime(["2026-01-05"] * 4), "client_id": ["A", "A", "B", "C"],
    ...                       "amount": [100.0, 100.0, -20.0, 90.0], "manager": ["Иванов", "Иванов", None, "Петров"]})
    >>> checks = quality_checks({"sales": sales}, pd.DataFrame())
    >>> checks.set_index("check")["count"].to_dict()
    {'no_manager': 1, 'duplicate_line': 1, 'returns': 1, 'top_client': 2}
    >>> no_manager = checks.set_index("check").loc["no_manager"]  # 1 line of 4: from 25 %, a problem
    >>> no_manager["severity"], float(no_manager["line_share"])
    ('problem', 0.25)
    """
    settings = settings or QualitySettings()
    rows: list[dict] = []
    sales = tables.get("sales")
    rej = rejected if rejected is not None and len(rejected) else None
    base = float(sales["amount"].abs().sum()) if sales is not None and len(sales) else 0.0
    lines = len(sales) if sales is not None else 0
    if rej is not None and "table" in rej:
        once = rej[rej["table"] == "sales"].drop_duplicates(["file", "row"])
        if "amount" in rej:
            base += float(once["amount"].abs().sum())
        codes = once["reason_code"] if "reason_code" in once else pd.Series("", index=once.index)
        lines += int((~codes.isin(OUT_OF_SCOPE)).sum())

    def share(amounts) -> float:
        return float(np.nansum(np.abs(np.asarray(amounts, dtype=float)))) / base if base else np.nan

    if rej is not None:
        rows += _rejected_findings(rej, share, lines=lines)
    if sales is not None and len(sales):
        codes = LineCodes(sales)  # each text column coded once, for every check below
        rows += _sales_findings(sales, share, outlier_factor, lines=lines, codes=codes)
        rows += zero_amounts(sales, share, lines=lines) + round_amounts(sales, share, settings=settings)
        rows += _period_findings(sales, tables, as_of, window_months, settings=settings, codes=codes)
        rows += _register_findings(sales, tables, share, codes=codes)
    if names is not None and len(names):
        rows += _name_findings(names, share)
    return findings_frame([_graded(row, settings) for row in rows])


def _period_findings(sales, tables, as_of, window_months: int, *, settings, codes: LineCodes) -> list[dict]:
    """A gap and the top client, looked for in the analysed period."""
    start, end = analysed_period(sales, as_of=as_of, window_months=window_months)
    clients = tables.get("clients")
    return data_gaps(sales, start=start, end=end, settings=settings) + top_client(
        sales, start=start, end=end, settings=settings, clients=clients, codes=codes
    )


GRADED = frozenset({"zero_amount", "no_client", "no_manager", "round_amounts"})
"""Findings that are a problem from ``problem_share`` of the sales lines or revenue, else a warning."""


def _graded(row: dict, settings: QualitySettings) -> dict:
    if row["check"] not in GRADED:
        return row
    shares = [row.get("line_share", np.nan), row.get("revenue_share", np.nan)]
    big = any(np.isfinite(x) and x >= settings.problem_share for x in shares if x is not None)
    return row | {"severity": "problem" if big else "warning"}


def _rejected_findings(rej: pd.DataFrame, share, *, lines: int) -> list[dict]:
    """One finding per table and reason (and per column for a reason about a column: an empty
    client id is ``no_client``, an empty date is not); the detail kept when one for all its rows."""
    out = []
    codes = rej["reason_code"] if "reason_code" in rej else rej["reason"]
    details = rej["detail"] if "detail" in rej else pd.Series(None, index=rej.index, dtype="object")
    per_column = codes.isin(["empty", "negative", "out_of_range"])
    keyed = rej.assign(
        _code=codes.fillna("check_failed").astype(str),
        _column=details.where(per_column, "").fillna("").astype(str),
    )
    for (table, code, column), part in keyed.groupby(["table", "_code", "_column"], sort=True):
        once = part.drop_duplicates(["file", "row"])
        first = once.iloc[0]
        example = {"file": str(first["file"]), "row": int(first["row"]), "value": str(first["value"])}
        check, severity = _RENAMED.get(code, (REJECTED_PREFIX + code, "problem"))
        if code == "empty" and table == "sales" and column == "client_id":
            check, severity = "no_client", "warning"
        amount = once["amount"] if "amount" in once and table == "sales" else []
        revenue = share(amount) if len(amount) and np.isfinite(np.asarray(amount, float)).any() else np.nan
        known = part["detail"].dropna().astype(str).unique() if "detail" in part else []
        line_share = len(once) / lines if table == "sales" and lines else np.nan
        detail = known[0] if len(known) == 1 else None
        out.append(
            finding(
                check, table, severity, len(once), revenue, line_share=line_share, detail=detail, **example
            )
        )
    return out


def _canonical(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if not c.startswith("_")]


def _lines(check: str, sales: pd.DataFrame, mask, share, lines: int, **kw) -> dict:
    """A finding about the sales lines of ``mask``: counted, with their revenue and line shares."""
    mask = np.asarray(mask)
    count = int(mask.sum())
    return finding(
        check,
        "sales",
        kw.pop("severity", "warning"),
        count,
        share(np.asarray(sales["amount"], dtype=float)[mask]),
        line_share=count / lines if lines else np.nan,
        **example_at(sales, mask, with_amount=kw.pop("with_amount", False)),
    )


def _sales_findings(
    sales: pd.DataFrame, share, outlier_factor: float, *, lines: int, codes: LineCodes | None = None
) -> list[dict]:
    codes = codes or LineCodes(sales)
    out = []
    amount = np.asarray(sales["amount"], dtype=float)
    if "manager" in sales:
        m = sales["manager"].isna().to_numpy()
        if m.any():
            out.append(_lines("no_manager", sales, m, share, lines))
    within, across = _duplicates(sales, codes)
    if within.any():
        out.append(_lines("duplicate_line", sales, within, share, lines))
    if across.any():
        out.append(_lines("duplicate_across_files", sales, across, share, lines))
    if "document_id" in sales:
        out += _document_findings(sales, share, codes=codes)
    neg = amount < 0
    if neg.any():
        out.append(_lines("returns", sales, neg, share, lines, severity="info", with_amount=True))
    size = np.abs(amount)
    median = _median(size)
    if median > 0:
        big = size > outlier_factor * median
        if big.any():
            out.append(_lines("outlier", sales, big, share, lines, with_amount=True))
    return out


def _median(values: np.ndarray) -> float:
    """The median of the values that are not NaN (NaN when none), as pandas' ``Series.median``."""
    known = ~np.isnan(values)
    if not known.all():
        values = values[known]
    return float(np.median(values)) if len(values) else np.nan


_MIX = np.uint64(0x9E3779B97F4A7C15)  # odd: multiplying by it mixes the columns without losing a bit


def _duplicates(sales: pd.DataFrame, codes: LineCodes) -> tuple[np.ndarray, np.ndarray]:
    """The duplicate lines (equal in every canonical column): repeats of an earlier line of their file,
    and copies of a line first seen in an earlier file (module docstring)."""
    n = len(sales)
    within, across = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
    at, group = _repeated(codes, _canonical(sales), n)
    if not len(at):
        return within, across
    file = codes("_file")[0][at].astype(np.int64) if "_file" in sales else np.zeros(len(at), np.int64)
    files = int(file.max()) + 2  # a code from -1 (no file) up
    within[at] = pd.Series(group * files + file + 1, copy=False).duplicated().to_numpy()
    first_file = np.full(int(group.max()) + 1, files, dtype=np.int64)
    np.minimum.at(first_file, group, file)  # the first file each content appears in
    across[at] = (file != first_file[group]) & ~within[at]
    return within, across


def _repeated(codes: LineCodes, columns: list[str], n: int) -> tuple[np.ndarray, np.ndarray]:
    """The lines whose content (every column of ``columns``) another line repeats, and their content
    as a group number: a 64-bit fingerprint of each line finds the candidates, compared exactly."""
    print_ = np.zeros(n, dtype=np.uint64)
    for column in columns:
        np.multiply(print_, _MIX, out=print_)
        np.add(print_, codes.values(column), out=print_, dtype=np.uint64, casting="unsafe")
    ordered = np.sort(print_)
    twice = ordered[1:][ordered[1:] == ordered[:-1]]
    if not len(twice):
        return np.empty(0, dtype=np.intp), np.empty(0, dtype=np.int64)
    at = np.flatnonzero(pd.Series(print_, copy=False).isin(twice).to_numpy())
    group = pd.factorize(print_[at])[0].astype(np.int64)
    first = np.flatnonzero(~pd.Series(group, copy=False).duplicated().to_numpy())  # group k first at first[k]
    for column in columns:
        values = codes.values(column)[at]
        if (values != values[first][group]).any():  # two contents, one fingerprint: group exactly
            return at, _exact_groups(codes, columns, at)
    return at, group


def _exact_groups(codes: LineCodes, columns: list[str], at: np.ndarray) -> np.ndarray:
    """The lines ``at`` grouped by their content, column by column."""
    group = np.zeros(len(at), dtype=np.int64)
    for column in columns:
        values, distinct = pd.factorize(codes.values(column)[at])
        group = pd.factorize(group * len(distinct) + values)[0].astype(np.int64)
    return group


def _document_findings(sales: pd.DataFrame, share, *, codes: LineCodes | None = None) -> list[dict]:
    """Documents whose lines carry more than one date or more than one client (empty cells aside): their
    count, the revenue share of their lines, the first document number as the example."""
    codes = codes or LineCodes(sales)
    doc, docs = codes("document_id")
    n = len(docs)
    client, day = codes("client_id")[0], codes.values("date")
    dated = sales["date"].notna().to_numpy()
    first = _run_starts(doc, day, client)  # a line repeating the one before adds no date nor client
    if not first.all():
        doc, client, day, dated = doc[first], client[first], day[first], dated[first]
    has = doc >= 0
    varies = _varies(doc, day, has & dated, n)
    varies |= _varies(doc, client, has & (client >= 0), n)
    if not varies.any():
        return []
    doc = codes("document_id")[0]
    in_dup = (doc >= 0) & varies[doc]  # a missing document (-1) reads the last one: set aside
    value = str(min(docs[varies]))
    amount = np.asarray(sales["amount"], dtype=float)
    return [finding("duplicate_document", "sales", "warning", int(varies.sum()), share(amount[in_dup]),
                    value=value)]  # fmt: skip


def _varies(groups: np.ndarray, values: np.ndarray, valid: np.ndarray, n: int) -> np.ndarray:
    """Per group 0..n-1: whether its ``valid`` values are not all one (min != max; no valid value: no)."""
    if not valid.all():
        groups, values = groups[valid], values[valid]
    lo, hi = _spread(groups, values, n)
    return hi > lo


def _spread(groups: np.ndarray, values: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Per group 0..n-1 the least and the greatest of its values (int64; a group without a value:
    the int64 maximum and minimum)."""
    values = values.astype(np.int64, copy=False)  # ufunc.at of one type is the fast one
    lo = np.full(n, np.iinfo(np.int64).max)
    hi = np.full(n, np.iinfo(np.int64).min)
    np.minimum.at(lo, groups, values)
    np.maximum.at(hi, groups, values)
    return lo, hi


def _run_starts(*columns: np.ndarray) -> np.ndarray:
    """Which lines differ from the line before them in one of ``columns`` (the first line does)."""
    starts = np.ones(len(columns[0]), dtype=bool)
    for column in columns:
        starts[1:] &= column[1:] == column[:-1]
    starts[1:] = ~starts[1:]
    return starts


def _register_findings(sales: pd.DataFrame, tables, share, *, codes: LineCodes | None = None) -> list[dict]:
    codes = codes or LineCodes(sales)
    amount = np.asarray(sales["amount"], dtype=float)
    out = _manager_findings(sales, tables.get("managers"), share, codes, amount)
    clients = tables.get("clients")
    pairs = _client_names(sales, codes)
    if clients is not None and "name" in clients:
        pairs = pd.concat([pairs, clients[["client_id", "name"]]], ignore_index=True)
    sim = similar_names(pairs)
    client, ids = codes("client_id")
    if len(sim):
        first = sim["key"].iloc[0]
        example = " / ".join(sim.loc[sim["key"] == first, "name"].astype(str))
        similar = _lookup(_among(ids, sim["client_id"]), client)
        table = "clients" if clients is not None else "sales"
        out.append(
            finding(
                "similar_client_names", table, "warning", int(sim["key"].nunique()), share(amount[similar]),
                value=example,
            )
        )  # fmt: skip
    if clients is not None:
        registered = _among(ids, clients["client_id"].dropna())
        unknown = ~_lookup(registered, client)  # a line without a client is not in the register either
        if unknown.any():
            count = int((present(client[unknown], len(ids)) & ~registered).sum())
            value = str(sales["client_id"].iloc[int(np.flatnonzero(unknown)[0])])
            out.append(
                finding(
                    "client_not_in_register", "sales", "warning", count, share(amount[unknown]), value=value
                )
            )
    return out


def _among(values: pd.Index, wanted) -> np.ndarray:
    """Which of the distinct ``values`` are among ``wanted`` (``Index.isin``, by a hash look-up)."""
    return pd.Index(wanted).unique().get_indexer(values) >= 0


def _lookup(table: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """``table[code]`` for each code, False for a missing value (-1)."""
    return np.append(np.asarray(table, dtype=bool), False)[codes]


def _manager_findings(
    sales: pd.DataFrame, managers, share, codes: LineCodes, amount: np.ndarray
) -> list[dict]:
    """Managers with sales but not in the managers table, and listed managers without a sale."""
    if managers is None or "manager" not in sales:
        return []
    out = []
    listed = set(managers["manager"].dropna())
    manager, names = codes("manager")
    sold = set(names[present(manager, len(names))])  # the distinct names, not one object per line
    unknown = sorted(sold - listed)
    if unknown:
        revenue = share(amount[_lookup(_among(names, unknown), manager)])
        out.append(finding("manager_not_listed", "sales", "warning", len(unknown), revenue, value=unknown[0]))
    idle = sorted(listed - sold)
    if idle:
        out.append(finding("manager_without_sales", "managers", "info", len(idle), value=idle[0]))
    return out


def _client_names(sales: pd.DataFrame, codes: LineCodes) -> pd.DataFrame:
    """The distinct (``client_id``, ``name``) pairs of the sales lines, each client's names in the order
    they first appear (the order :func:`similar_names` keeps a spelling by); lines missing either aside."""
    client, ids = codes("client_id")
    if "client_name" not in sales:
        used = np.flatnonzero(present(client, len(ids)))
        return pd.DataFrame({"client_id": ids[used], "name": ids[used]})
    name, names = codes("client_name")
    known = (client >= 0) & (name >= 0)
    if not known.all():
        client, name = client[known], name[known]
    first = _run_starts(client, name)  # a line repeating the one before adds no pair (an invoice's
    # lines usually follow one another): only the first line of each run is looked at
    client, name = client[first].astype(np.int64), name[first].astype(np.int64)
    lo, hi = _spread(client, name, len(ids))
    one = np.flatnonzero(lo == hi)  # clients written one way: their one name
    several = (lo < hi)[client]  # the lines of clients written several ways, whose order matters
    width = len(names)
    pair = pd.unique(client[several] * width + name[several]) if several.any() else np.empty(0, np.int64)
    client_of = np.concatenate([one, pair // max(width, 1)])
    name_of = np.concatenate([lo[one], pair % max(width, 1)])
    return pd.DataFrame({"client_id": ids[client_of], "name": names[name_of]})


def _name_findings(names: pd.DataFrame, share) -> list[dict]:
    """One finding per family and outcome (unified / kept apart): the spellings counted once each,
    the revenue share of the sales lines rewritten, the example ``written → name`` with
    ``<table>:<rows>`` as its detail."""
    out = []
    for (family, apart), part in names.groupby(["family", "kept_apart"], sort=False):
        check, table, severity = _NAME_CHECKS[(family, bool(apart))]
        first = part.iloc[0]
        value = f"{visible(first['written'])} → {visible(first['name'])}"
        amounts = part.loc[part["table"] == "sales", "amount"]
        revenue = share(amounts) if len(amounts) and amounts.notna().any() else np.nan
        count = part["key" if apart else "written"].nunique()  # names kept apart, spellings unified
        detail = f"{first['table']}:{first['rows']}"
        out.append(finding(check, table, severity, int(count), revenue, value=value, detail=detail))
    return out


def quality_summary(
    intake: Intake,
    *,
    as_of=None,
    window_months: int = 12,
    settings: QualitySettings | None = None,
    lang: str = "en",
    currency: str = "RUB",
) -> pd.DataFrame:
    """The checks of :func:`quality_checks` with their examples and sentences (:func:`describe`), as
    ``salesaudit validate`` and the report's data-quality section show them.

    ``as_of`` and ``window_months`` give the analysis window a gap or the top client is looked for in
    (lines after ``as_of`` are already rejected by intake); ``settings``: ``intake.quality``.
    """
    checks = quality_checks(
        intake.tables,
        intake.rejected,
        names=intake.names,
        as_of=as_of,
        window_months=window_months,
        settings=settings,
    )
    return describe(checks, lang=lang, currency=currency)


__all__ = [
    "QUALITY_COLUMNS",
    "REJECTED_PREFIX",
    "SENTENCES",
    "accounting_in_words",
    "any_problems",
    "describe",
    "legal_form",
    "normalise_name",
    "quality_checks",
    "quality_summary",
    "rejected_in_words",
    "similar_names",
]
