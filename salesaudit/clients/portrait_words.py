"""The words of the target-client portrait: its sentences, the look-alike tables as the report shows
them, and the rows of its chart, in the report's language.

The figures come from :mod:`salesaudit.clients.portrait` (no language there); band codes (``q4``,
``3y_plus``, ``monthly``, ``other``) become words through the ``portrait.value.*`` labels, register
text (an industry, a region, a product) is shown as the client wrote it.
"""

from __future__ import annotations

import pandas as pd

from ..report.formatting import fmt_number, fmt_percent
from ..report.i18n import t
from .portrait import BAND_CODES, Portrait

_THIN = {
    "few_a": "portrait.thin.few_a",
    "no_attributes": "portrait.thin.no_attributes",
    "no_lift": "portrait.thin.no_lift",
}


def value_words(attribute: str, value, *, lang: str) -> str:
    """An attribute's value as the report says it: a band code in words, register text as written.

    Examples
    --------
    >>> value_words("relationship", "3y_plus", lang="en"), value_words("industry", "Retail", lang="en")
    ('over 3 years', 'Retail')
    """
    if value in BAND_CODES.get(attribute, ()):
        return t(f"portrait.value.{value}", lang)
    return str(value)


def trait(attribute: str, value, *, lang: str) -> str:
    """ "industry: Construction" — the attribute's name and its value in words."""
    return t(
        "portrait.trait",
        lang,
        attribute=t(f"portrait.attribute.{attribute}", lang),
        value=value_words(attribute, value, lang=lang),
    )


def portrait_sentences(result: Portrait, *, lang: str, min_a: int = 10) -> list[str]:
    """One sentence per telling value ("A clients are 1.7 times more often ...: 52 % of A clients
    against 31 % of all buyers"), or the one sentence saying why there is no portrait."""
    if result.verdict == "thin":
        reason = result.reasons[0] if result.reasons else "no_lift"
        return [
            t(_THIN[reason], lang, n_a=fmt_number(result.n_a, lang=lang), min_a=fmt_number(min_a, lang=lang))
        ]
    sentences = []
    for row in result.top.itertuples():
        ratio = round(float(row.lift), 1)
        sentence = t(
            "portrait.lift",
            lang,
            ratio=fmt_number(ratio, lang=lang, digits=1),
            trait=trait(row.attribute, row.value, lang=lang),
            a_share=fmt_percent(row.a_share, lang=lang),
            base_share=fmt_percent(row.base_share, lang=lang),
        )
        sentences.append(sentence[:1].upper() + sentence[1:])
    return sentences


def chart_rows(result: Portrait, *, lang: str) -> pd.DataFrame:
    """The telling values as chart rows: ``label`` (trait in words), ``a_share``, ``base_share``."""
    top = result.top
    labels = [trait(a, v, lang=lang) for a, v in zip(top["attribute"], top["value"], strict=True)]
    labels = [label[:1].upper() + label[1:] for label in labels]
    return pd.DataFrame(
        {"label": labels, "a_share": top["a_share"].to_numpy(), "base_share": top["base_share"].to_numpy()}
    )


def lookalike_table(ranked: pd.DataFrame, *, kind: str, lang: str, by_potential=()) -> pd.DataFrame:
    """The ``kind`` ("grow" / "find") rows of :func:`~salesaudit.clients.portrait.rank_lookalikes` for
    the report: ``name``, ``manager``, ``status``, ``similarity`` (the model's score), ``reasons`` (the
    traits that put the client high, in words) and ``by_potential`` (a mark where the client is also on
    the A-by-potential list, ``by_potential`` being its client ids)."""
    rows = ranked[ranked["kind"] == kind]
    marked = set(by_potential)
    yes = t("portrait.by_potential_yes", lang)
    return pd.DataFrame(
        {
            "name": rows["name"].where(rows["name"].notna(), rows["client_id"]).to_numpy(),
            "manager": rows["manager"].to_numpy(),
            "status": [
                t("portrait.status.non_buyer", lang) if s == "non_buyer" else s for s in rows["status"]
            ],
            "similarity": rows["score"].to_numpy(),
            "reasons": ["; ".join(trait(a, v, lang=lang) for a, v in r) for r in rows["reasons"]],
            "by_potential": [yes if c in marked else "" for c in rows["client_id"]],
        }
    )


def workbook_table(ranked: pd.DataFrame, *, lang: str) -> pd.DataFrame:
    """The whole ranking for the workbook and the machine-readable tables: the reasons in words."""
    out = ranked.drop(columns=["reasons"]).copy()
    out["reasons"] = ["; ".join(trait(a, v, lang=lang) for a, v in r) for r in ranked["reasons"]]
    return out
