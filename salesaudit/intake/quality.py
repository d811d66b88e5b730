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
* Severity: ``problem`` (rows lost to the analysis), ``warning`` (rows kept but doubtful),
  ``info`` (worth knowing: returns, totals rows skipped).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..report.i18n import t
from .canonical import Intake, reason_text
from .names import match_key, visible

QUALITY_COLUMNS = ["check", "table", "severity", "count", "revenue_share", "example"]
REJECTED_PREFIX = "rejected: "

_LEGAL = re.compile(
    r"\b(ооо|оао|зао|пао|ао|ип|нко|гуп|муп|фгуп|тоо|чп|llc|ltd|inc|gmbh|corp|co|plc)\b", re.IGNORECASE
)
_PUNCT = re.compile(r"[\"'«»“”„`.,()\-–—]+")
_RENAMED = {"after_as_of": ("future_date", "warning"), "totals_row": ("totals_rows", "info")}
SENTENCES = {  # check -> its label (quality.yaml), ru and en
    "rejected": "quality.rejected",
    "future_date": "quality.future_date",
    "no_client": "quality.no_client",
    "totals_rows": "quality.totals_rows",
    "no_manager": "quality.no_manager",
    "duplicate_document": "quality.duplicate_document",
    "duplicate_line": "quality.duplicate_line",
    "duplicate_across_files": "quality.duplicate_across_files",
    "returns": "quality.returns",
    "outlier": "quality.outlier",
    "manager_not_listed": "quality.manager_not_listed",
    "manager_without_sales": "quality.manager_without_sales",
    "similar_client_names": "quality.similar_client_names",
    "client_not_in_register": "quality.client_not_in_register",
    "manager_names_unified": "quality.manager_names_unified",
    "client_ids_unified": "quality.client_ids_unified",
    "manager_names_kept_apart": "quality.manager_names_kept_apart",
    "client_ids_kept_apart": "quality.client_ids_kept_apart",
}
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
    df = df.assign(key=df[name_col].map(normalise_name), form=df[name_col].map(legal_form))
    df = df[df["key"] != ""]
    ids = df.groupby("key")[id_col].nunique()
    df = df[df["key"].isin(ids[ids > 1].index)]
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

    Returns
    -------
    DataFrame with columns ``check`` (``rejected: <reason_code>``, ``future_date``, ``no_manager``,
    ``duplicate_line``, ``duplicate_across_files``, ``duplicate_document``, ``returns``, ``outlier``,
    ``manager_not_listed``, ``manager_without_sales``, ``similar_client_names``,
    ``client_not_in_register``, ``totals_rows``, ``manager_names_unified``, ``client_ids_unified``,
    ``manager_names_kept_apart``, ``client_ids_kept_apart``), ``table``, ``severity`` (info/warning/problem),
    ``count``, ``revenue_share``, ``example``.

    Examples
    --------
    >>> sales = pd.DataFrame({"date": pd.to_datetime(["2026-01-05"] * 3), "client_id": ["A", "A", "B"],
    ...                       "amount": [100.0, 100.0, -20.0], "manager": ["Иванов", "Иванов", None]})
    >>> checks = quality_checks({"sales": sales}, pd.DataFrame())
    >>> checks.set_index("check")["count"].to_dict()
    {'no_manager': 1, 'duplicate_line': 1, 'returns': 1}
    """
    rows: list[tuple] = []
    sales = tables.get("sales")
    rej = rejected if rejected is not None and len(rejected) else None
    base = float(sales["amount"].abs().sum()) if sales is not None and len(sales) else 0.0
    if rej is not None and "amount" in rej and "table" in rej:
        once = rej[rej["table"] == "sales"].drop_duplicates(["file", "row"])
        base += float(once["amount"].abs().sum())

    def share(amounts) -> float:
        return float(np.nansum(np.abs(np.asarray(amounts, dtype=float)))) / base if base else np.nan

    if rej is not None:
        rows += _rejected_findings(rej, share)
    if sales is not None and len(sales):
        rows += _sales_findings(sales, share, outlier_factor)
        rows += _register_findings(sales, tables, share)
    if names is not None and len(names):
        rows += _name_findings(names, share)
    return pd.DataFrame(rows, columns=QUALITY_COLUMNS).astype({"count": "int64", "revenue_share": "float64"})


def _rejected_findings(rej: pd.DataFrame, share) -> list[tuple]:
    out = []
    codes = rej["reason_code"] if "reason_code" in rej else rej["reason"]
    keyed = rej.assign(_code=codes.fillna("check_failed").astype(str))
    for (table, code), part in keyed.groupby(["table", "_code"], sort=True):
        once = part.drop_duplicates(["file", "row"])
        first = once.iloc[0]
        example = f"{first['file']}, row {first['row']}: {first['value']!s}"
        check, severity = _RENAMED.get(code, (REJECTED_PREFIX + code, "problem"))
        if code == "empty" and table == "sales" and (part.get("detail") == "client_id").any():
            check, severity = "no_client", "warning"
        amount = once["amount"] if "amount" in once and table == "sales" else []
        revenue = share(amount) if len(amount) and np.isfinite(np.asarray(amount, float)).any() else np.nan
        out.append((check, table, severity, len(once), revenue, example))
    return out


def _canonical(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if not c.startswith("_")]


def _sales_findings(sales: pd.DataFrame, share, outlier_factor: float) -> list[tuple]:
    out = []
    amount = sales["amount"]
    if "manager" in sales:
        m = sales["manager"].isna()
        if m.any():
            out.append(("no_manager", "sales", "warning", int(m.sum()), share(amount[m]), _example(sales, m)))
    cols = _canonical(sales)
    key = pd.util.hash_pandas_object(sales[cols], index=False).to_numpy()
    file = sales["_file"].cat.codes.to_numpy() if "_file" in sales else np.zeros(len(sales), int)
    frame = pd.DataFrame({"key": key, "file": file})
    within = frame.duplicated(["key", "file"]).to_numpy()
    if within.any():
        out.append(
            (
                "duplicate_line",
                "sales",
                "warning",
                int(within.sum()),
                share(amount[within]),
                _example(sales, within),
            )
        )
    if len(np.unique(file)) > 1:
        first_file = frame.groupby("key")["file"].transform("min").to_numpy()
        across = (file != first_file) & ~within
        if across.any():
            out.append(
                (
                    "duplicate_across_files",
                    "sales",
                    "warning",
                    int(across.sum()),
                    share(amount[across]),
                    _example(sales, across),
                )
            )
    if "document_id" in sales:
        docs = sales.dropna(subset=["document_id"])
        per = docs.groupby("document_id", sort=False).agg(
            dates=("date", "nunique"), clients=("client_id", "nunique")
        )
        dup = per[(per["dates"] > 1) | (per["clients"] > 1)]
        if len(dup):
            lines = docs["document_id"].isin(dup.index)
            out.append(
                (
                    "duplicate_document",
                    "sales",
                    "warning",
                    len(dup),
                    share(docs.loc[lines, "amount"]),
                    str(sorted(dup.index)[0]),
                )
            )
    neg = (amount < 0).to_numpy()
    if neg.any():
        out.append(("returns", "sales", "info", int(neg.sum()), share(amount[neg]), _example(sales, neg)))
    median = float(amount.abs().median())
    if median > 0:
        big = (amount.abs() > outlier_factor * median).to_numpy()
        if big.any():
            out.append(
                (
                    "outlier",
                    "sales",
                    "warning",
                    int(big.sum()),
                    share(amount[big]),
                    _example(sales, big, with_amount=True),
                )
            )
    return out


def _example(frame: pd.DataFrame, mask, *, with_amount: bool = False) -> str:
    pos = int(np.flatnonzero(np.asarray(mask))[0])
    row = frame.iloc[pos]
    where = f"{row['_file']}, row {row['_row']}: " if "_file" in frame and "_row" in frame else ""
    text = f"{where}{row['client_id']}"
    if with_amount:
        text += f" {row['amount']:,.2f}"
    return text


def _register_findings(sales: pd.DataFrame, tables, share) -> list[tuple]:
    out = []
    managers = tables.get("managers")
    if managers is not None and "manager" in sales:
        listed = set(managers["manager"].dropna())
        sold = set(sales["manager"].dropna())
        unknown = sorted(sold - listed)
        if unknown:
            lines = sales["manager"].isin(unknown)
            out.append(
                (
                    "manager_not_listed",
                    "sales",
                    "warning",
                    len(unknown),
                    share(sales.loc[lines, "amount"]),
                    unknown[0],
                )
            )
        idle = sorted(listed - sold)
        if idle:
            out.append(("manager_without_sales", "managers", "info", len(idle), np.nan, idle[0]))
    clients = tables.get("clients")
    name_col = "client_name" if "client_name" in sales else "client_id"
    pairs = pd.DataFrame({"client_id": sales["client_id"], "name": sales[name_col]}).drop_duplicates()
    if clients is not None and "name" in clients:
        pairs = pd.concat([pairs, clients[["client_id", "name"]]], ignore_index=True)
    sim = similar_names(pairs)
    if len(sim):
        first = sim["key"].iloc[0]
        ex = " / ".join(sim.loc[sim["key"] == first, "name"].astype(str))
        ids = sim["client_id"].unique()
        out.append(
            (
                "similar_client_names",
                "clients" if clients is not None else "sales",
                "warning",
                int(sim["key"].nunique()),
                share(sales.loc[sales["client_id"].isin(ids), "amount"]),
                ex,
            )
        )
    if clients is not None:
        unknown_clients = ~sales["client_id"].isin(set(clients["client_id"].dropna()))
        if unknown_clients.any():
            out.append(
                (
                    "client_not_in_register",
                    "sales",
                    "warning",
                    int(sales.loc[unknown_clients, "client_id"].nunique()),
                    share(sales.loc[unknown_clients, "amount"]),
                    str(sales.loc[unknown_clients, "client_id"].iloc[0]),
                )
            )
    return out


def _name_findings(names: pd.DataFrame, share) -> list[tuple]:
    """One finding per family and outcome (unified / kept apart): the spellings counted once each,
    the revenue share of the sales lines rewritten, the example ``written → name (table, rows)``."""
    out = []
    for (family, apart), part in names.groupby(["family", "kept_apart"], sort=False):
        check, table, severity = _NAME_CHECKS[(family, bool(apart))]
        first = part.iloc[0]
        example = (
            f"{visible(first['written'])} → {visible(first['name'])} ({first['table']}, {first['rows']})"
        )
        amounts = part.loc[part["table"] == "sales", "amount"]
        revenue = share(amounts) if len(amounts) and amounts.notna().any() else np.nan
        count = part["key" if apart else "written"].nunique()  # names kept apart, spellings unified
        out.append((check, table, severity, int(count), revenue, example))
    return out


def describe(checks: pd.DataFrame, *, lang: str) -> pd.DataFrame:
    """Add ``text``: each check as a sentence in the report's language (labels ``quality.*``; a
    rejection reason from ``intake.reject.*``).

    Examples
    --------
    >>> checks = pd.DataFrame({"check": ["rejected: not_a_number", "returns"], "table": "sales",
    ...     "severity": ["problem", "info"], "count": [2, 5], "revenue_share": [None, 0.01],
    ...     "example": ["", ""]})
    >>> describe(checks, lang="en")["text"].tolist()
    ['2 rows rejected: not a number', '5 return lines (negative amounts, netted)']
    """

    def sentence(row) -> str:
        check = str(row["check"])
        if check.startswith(REJECTED_PREFIX):
            code = check.removeprefix(REJECTED_PREFIX)
            code = "not_a_date" if code == "not_a_date_format" else code
            try:
                reason = reason_text(code, lang=lang)
            except KeyError:
                reason = code
            return t(SENTENCES["rejected"], lang, reason=reason, count=row["count"])
        return t(SENTENCES[check], lang, count=row["count"])

    text = checks.apply(sentence, axis=1) if len(checks) else pd.Series(dtype="str")
    return checks.assign(text=text.astype("str"))


def quality_summary(intake: Intake, *, as_of=None, lang: str = "en") -> pd.DataFrame:
    """The checks of :func:`quality_checks` with their sentences (used by ``salesaudit validate``).

    ``as_of`` is accepted for the CLI's call; lines after it are already rejected by intake.
    """
    return describe(quality_checks(intake.tables, intake.rejected, names=intake.names), lang=lang)
