"""Data quality: what is wrong or suspicious in the client's data, counted and exemplified.

Pure functions over the canonical tables (and intake's rejected rows). Each finding is a row of a table
the consultant can send back to the client: the check, how many rows, the share of revenue affected,
examples, and a sentence in the report's language.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .i18n import t
from .intake import Intake

QUALITY_COLUMNS = ["check", "table", "severity", "count", "revenue_share", "example"]

_LEGAL = re.compile(r"\b(ооо|оао|зао|пао|ао|ип|нко|гуп|муп|llc|ltd|inc|gmbh)\b", re.IGNORECASE)
_PUNCT = re.compile(r"[\"'«»“”„`.,()\-–—]+")


def normalise_name(name: str) -> str:
    """A company name reduced to what identifies it: case, quotes, legal form, spacing and word order
    removed.

    Examples
    --------
    >>> normalise_name('ООО «Ромашка»') == normalise_name("Ромашка  ооо")
    True
    """
    if not isinstance(name, str):
        return ""
    s = _PUNCT.sub(" ", name.lower().replace("ё", "е"))
    s = _LEGAL.sub(" ", s)
    return " ".join(sorted(s.split()))


def similar_names(names: pd.DataFrame, *, id_col: str = "client_id", name_col: str = "name") -> pd.DataFrame:
    """Groups of different client ids whose names differ only by case, spacing, quotes or legal form.

    Returns columns ``key``, ``client_id``, ``name`` — one row per member of a group of 2+ ids.
    """
    df = names[[id_col, name_col]].dropna().drop_duplicates()
    df = df.assign(key=df[name_col].map(normalise_name))
    df = df[df["key"] != ""]
    counts = df.groupby("key")[id_col].nunique()
    dup = df[df["key"].isin(counts[counts > 1].index)]
    return dup.sort_values(["key", id_col]).rename(columns={id_col: "client_id", name_col: "name"})[
        ["key", "client_id", "name"]
    ].reset_index(drop=True)


def quality_checks(
    tables: dict[str, pd.DataFrame], rejected: pd.DataFrame, *, outlier_factor: float = 50.0
) -> pd.DataFrame:
    """Every data-quality check on the canonical tables.

    Conventions: a *duplicate document number* is one ``document_id`` used on different dates or for
    different clients (several lines of one invoice are normal); an *extreme outlier* is a line whose
    absolute amount exceeds ``outlier_factor`` × the median absolute line amount; returns (negative
    lines) are reported as information — they are netted, never dropped.

    Returns
    -------
    DataFrame with columns check, table, severity (info/warning/problem), count, revenue_share, example.
    """
    rows = []
    sales = tables.get("sales")
    total = float(sales["amount"].abs().sum()) if sales is not None and len(sales) else 0.0

    def share(amounts) -> float:
        return float(np.abs(amounts).sum()) / total if total else np.nan

    if len(rejected):
        for (table, reason), part in rejected.groupby(["table", "reason"], sort=True):
            example = f"{part['file'].iloc[0]}, row {part['row'].iloc[0]}: {part['value'].iloc[0]!s}"
            rows.append(("rejected: " + reason, table, "problem", part["row"].nunique(), np.nan, example))

    if sales is not None and len(sales):
        if "manager" in sales:
            m = sales["manager"].isna()
            if m.any():
                ex = sales.loc[m, "client_id"].iloc[0]
                rows.append(("no_manager", "sales", "warning", int(m.sum()), share(sales.loc[m, "amount"]), ex))
        if "document_id" in sales:
            docs = sales.dropna(subset=["document_id"])
            per = docs.groupby("document_id").agg(dates=("date", "nunique"), clients=("client_id", "nunique"))
            dup = per[(per["dates"] > 1) | (per["clients"] > 1)]
            if len(dup):
                lines = docs["document_id"].isin(dup.index)
                rows.append(("duplicate_document", "sales", "warning", len(dup),
                             share(docs.loc[lines, "amount"]), str(dup.index[0])))
        exact = sales.drop(columns=[c for c in sales.columns if c.startswith("_")]).duplicated(keep="first")
        if exact.any():
            rows.append(("duplicate_line", "sales", "warning", int(exact.sum()),
                         share(sales.loc[exact, "amount"]), str(sales.loc[exact, "client_id"].iloc[0])))
        neg = sales["amount"] < 0
        if neg.any():
            rows.append(("returns", "sales", "info", int(neg.sum()), share(sales.loc[neg, "amount"]),
                         str(sales.loc[neg, "client_id"].iloc[0])))
        median = sales["amount"].abs().median()
        if median and median > 0:
            out = sales["amount"].abs() > outlier_factor * median
            if out.any():
                rows.append(("outlier", "sales", "warning", int(out.sum()), share(sales.loc[out, "amount"]),
                             str(sales.loc[out, "amount"].abs().max())))
        managers = tables.get("managers")
        if managers is not None and "manager" in sales:
            listed = set(managers["manager"].dropna())
            sold = set(sales["manager"].dropna())
            unknown = sorted(sold - listed)
            if unknown:
                lines = sales["manager"].isin(unknown)
                rows.append(("manager_not_listed", "sales", "warning", len(unknown),
                             share(sales.loc[lines, "amount"]), repr(unknown[0])))
            idle = sorted(listed - sold)
            if idle:
                rows.append(("manager_without_sales", "managers", "info", len(idle), np.nan, idle[0]))
        clients = tables.get("clients")
        if clients is not None and "name" in clients:
            sim = similar_names(clients)
            if len(sim):
                groups = sim["key"].nunique()
                ex = " / ".join(sim.loc[sim["key"] == sim["key"].iloc[0], "name"].astype(str))
                rows.append(("similar_client_names", "clients", "warning", groups, np.nan, ex))
            unknown_clients = ~sales["client_id"].isin(set(clients["client_id"].dropna()))
            if unknown_clients.any():
                rows.append(("client_not_in_register", "sales", "warning",
                             int(sales.loc[unknown_clients, "client_id"].nunique()),
                             share(sales.loc[unknown_clients, "amount"]),
                             str(sales.loc[unknown_clients, "client_id"].iloc[0])))
    return pd.DataFrame(rows, columns=QUALITY_COLUMNS)


def describe(checks: pd.DataFrame, *, lang: str) -> pd.DataFrame:
    """Add ``text``: each check as a sentence in the report's language."""
    def sentence(row) -> str:
        if row["check"].startswith("rejected: "):
            return t("quality.rejected", lang, reason=row["check"].removeprefix("rejected: "), count=row["count"])
        return t(f"quality.{row['check']}", lang, count=row["count"])

    return checks.assign(text=checks.apply(sentence, axis=1) if len(checks) else pd.Series(dtype=str))


def quality_summary(intake: Intake, *, as_of=None, lang: str = "en") -> pd.DataFrame:
    """The checks of :func:`quality_checks` with their sentences (used by ``salesaudit validate``)."""
    return describe(quality_checks(intake.tables, intake.rejected), lang=lang)
