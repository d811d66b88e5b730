"""The sentences of the section "What changed since DATE" (:mod:`salesaudit.audit.progress`), each
made from the figures printed beside it, and its tables worded for the report."""

from __future__ import annotations

import pandas as pd

from ..report.i18n import t
from ..report.locale import Formatter
from ..report.show import translate
from .progress import Progress


def _signed(value: float, text: str) -> str:
    return text if value <= 0 or text.startswith("+") else f"+{text}"


DIGITS = {"percent": 3, "percent0": 2, "number1": 1, "number": 2}
"""Decimals of a figure as the report prints it (a share in percent: 1 decimal is 3 of the fraction);
money and counts are whole."""


def shown_change(then, now, kind: str) -> float:
    """``now − then`` of the two values as printed (each rounded as its kind is), so a change always
    agrees with the two figures beside it: 80.04 % → 80.08 % prints 80.0 % → 80.1 %, change 0.1 pp.

    Examples
    --------
    >>> round(shown_change(0.8004, 0.8008, "percent"), 4), shown_change(30.4, 30.6, "int")
    (0.001, 1.0)
    """
    digits = DIGITS.get(kind, 0)
    return round(float(now), digits) - round(float(then), digits)


def maturity_sentence(progress: Progress, *, lang: str) -> str:
    """Overall maturity then and now, or why there is no comparison.

    Examples
    --------
    >>> from pathlib import Path
    >>> from salesaudit.audit.progress import _view, compare
    >>> m1 = pd.DataFrame({"area": ["overall"], "score": [28.0], "level": ["initial"]})
    >>> m2 = pd.DataFrame({"area": ["overall"], "score": [41.0], "level": ["developing"]})
    >>> before, after = _view(maturity=m1, folder=Path("a")), _view(maturity=m2, folder=Path("b"))
    >>> maturity_sentence(compare(before, after), lang="en")
    'Sales system maturity: 28 then, 41 now, out of 100 (+13).'
    """
    row = progress.maturity[progress.maturity["area"] == "overall"]
    if not len(row) or row[["then", "now"]].isna().any(axis=None):
        return t("progress.maturity_unknown", lang)
    r = row.iloc[0]
    fmt = Formatter(lang=lang, currency=progress.after.currency)
    return t(
        "progress.maturity_sentence",
        lang,
        then=fmt.int(r["then"]),
        now=fmt.int(r["now"]),
        change=_signed(change := shown_change(r["then"], r["now"], "int"), fmt.int(change)),
    )


def checks_sentence(progress: Progress, *, lang: str) -> str:
    """How many checks moved which way (the rows of the checks' table)."""
    if not len(progress.checks):
        return t("progress.no_check_changed", lang)
    n = progress.checks["direction"].value_counts()
    return t(
        "progress.checks_sentence",
        lang,
        **{d: int(n.get(d, 0)) for d in ("better", "worse", "assessed", "unassessed")},
    )


def migration_sentence(progress: Progress, *, lang: str) -> str:
    """What became of the earlier run's A clients, and how many clients became A."""
    m = progress.migration
    if m is None:
        return t("progress.migration_missing", lang)
    a = m.loc["A"]
    return t(
        "progress.migration_sentence",
        lang,
        a_then=int(a.sum()),
        kept=int(a["A"]),
        down=int(a[["B", "C", "D"]].sum()),
        gone=int(a[["lost", "none"]].sum()),
        new_a=int(m["A"].sum() - a["A"]),
    )


def plan_sentence(progress: Progress, *, lang: str) -> str:
    """The plan handed over against the sales since, in one sentence (or why there is none)."""
    months = progress.plan["months"]
    fmt = Formatter(lang=lang, currency=progress.after.currency)
    if progress.before.plan_weekly is None:
        return t("progress.plan_missing", lang)
    if not len(months):
        return t("progress.plan_none", lang, date=fmt.date(progress.before.as_of))
    total = months[months["period"] == "total"].iloc[0]
    return t(
        "progress.plan_sentence",
        lang,
        start=fmt.date(total["start"]),
        end=fmt.date(total["end"]),
        fact=fmt.money(total["fact"]),
        plan=fmt.money(total["plan"]),
        attainment=fmt.percent0(total["attainment"]),
    )


def figures_shown(progress: Progress, *, lang: str) -> pd.DataFrame:
    """The key figures as text: ``figure`` (its label), ``then``, ``now``, ``change`` — each formatted as
    its kind; a share's change in share points."""
    fmt = Formatter(lang=lang, currency=progress.after.currency)
    rows = []
    for r in progress.figures.itertuples(index=False):
        kind = r.kind if isinstance(r.kind, str) else "number"
        if pd.isna(r.change):
            change = "—"
        elif kind in ("percent", "percent0"):
            points = round(100 * shown_change(r.then, r.now, kind), 1)  # in share points
            change = t("progress.pp", lang, value=_signed(points, fmt.number1(points)))
        else:
            delta = shown_change(r.then, r.now, kind)
            change = _signed(delta, fmt(delta, kind))
        rows.append((t(f"figure.{r.figure}", lang), fmt(r.then, kind), fmt(r.now, kind), change))
    return pd.DataFrame(rows, columns=["figure", "then", "now", "change"])


def checks_shown(progress: Progress, *, lang: str) -> pd.DataFrame:
    """The checks that changed, worded: area, check, then, now, direction."""
    c = progress.checks
    return pd.DataFrame(
        {
            "area": translate(c["area"], prefix="scorecard.area", lang=lang),
            "title": c["title"],
            "then": translate(c["then"].fillna("none"), prefix="scorecard.status", lang=lang).replace(
                "none", "—"
            ),
            "now": translate(c["now"].fillna("none"), prefix="scorecard.status", lang=lang).replace(
                "none", "—"
            ),
            "direction": translate(c["direction"], prefix="progress.direction", lang=lang),
        }
    )


def maturity_shown(progress: Progress, *, lang: str) -> pd.DataFrame:
    """Maturity per area then and now, worded (the overall row last; the change signed)."""
    m = progress.maturity
    fmt = Formatter(lang=lang, currency=progress.after.currency)
    return pd.DataFrame(
        {
            "area": translate(m["area"], prefix="scorecard.area", lang=lang),
            "then": m["then"],
            "now": m["now"],
            "change": ["—" if pd.isna(c) else _signed(round(c), fmt.int(c)) for c in m["change"]],
            "level_then": translate(m["level_then"], prefix="scorecard.level", lang=lang),
            "level_now": translate(m["level_now"], prefix="scorecard.level", lang=lang),
        }
    )


def migration_shown(progress: Progress, *, lang: str) -> pd.DataFrame:
    """The migration table with its states worded (class letters stay letters)."""
    m = progress.migration
    words = {s: t(f"progress.state.{s}", lang) for s in ("lost", "none")}
    out = m.rename(index=words, columns=words)
    out.index.name = ""
    return out.reset_index()


def plan_shown(progress: Progress, *, lang: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The months' and the managers' attainment since the handover, labelled for the report (the total
    row only under two months or more)."""
    months = progress.plan["months"].copy()
    if len(months) == 2:  # one month: its row is the total
        months = months.iloc[:1]
    months["period"] = months["period"].replace("total", t("progress.total", lang))
    managers = progress.plan["managers"].copy()
    managers["manager"] = managers["manager"].replace("", t("progress.no_manager", lang))
    return months[["period", "plan", "fact", "attainment"]], managers
