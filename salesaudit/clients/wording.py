"""The Clients stage in words: the consultant's findings on the client table, in the report's language.

Every sentence comes from the label catalog (:func:`salesaudit.report.i18n.t`) with its figures
formatted by :mod:`salesaudit.report.formatting`; the figures themselves are the client table of
:func:`salesaudit.clients.segmentation.segment_clients`. This module reads that table and never feeds
numbers back: no arithmetic module imports it (``segmentation`` only re-exports :func:`findings`, the
notebook's entry point, and nothing there calls it).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..report.formatting import fmt_money, fmt_percent
from ..report.i18n import t
from .views import need_client_table


@dataclass(frozen=True)
class _Voice:
    """How figures are written in the findings: the report's language and currency."""

    lang: str
    currency: str

    def pct(self, value) -> str:
        return fmt_percent(value, lang=self.lang)

    def money(self, value) -> str:
        return fmt_money(value, currency=self.currency, lang=self.lang)


def _finding(key: str, severity: str, value, lang: str, count=None, **params) -> dict:
    return {
        "key": key,
        "severity": severity,
        "value": value,
        "text": t(key, lang, count=count, **params),
    }


def findings(
    clients_table: pd.DataFrame,
    *,
    lang: str = "ru",
    currency: str = "RUB",
    dormant_months: int = 6,
    top1_alarm: float = 0.10,
) -> list[dict]:
    """Consultant-style findings on the client table: what the figure means and what to do.

    Findings, in report order (each only when it applies): ``clients.finding.abc`` (always, when
    any client has positive revenue: A clients' count, share of clients and of revenue);
    ``clients.finding.concentration`` (largest client's share >= ``top1_alarm``);
    ``clients.finding.dormant_ab``; ``clients.finding.lost_ab``; ``clients.finding.a_by_potential``
    (A by potential, B or C by revenue); ``clients.finding.d_clients`` (with the share of activities
    spent on D clients where activities are known: ``clients.finding.d_effort``);
    ``clients.finding.unstable_a`` (A clients in Z); ``clients.finding.shared`` (clients with
    several managers); ``clients.finding.no_potential`` (potential filled for fewer than half of
    the clients).

    Parameters
    ----------
    clients_table
        :func:`~salesaudit.clients.segmentation.segment_clients` output.
    lang, currency
        Report language (``ru``/``en``) and currency for money figures.
    dormant_months
        The dormancy setting used, quoted in the text.
    top1_alarm
        Share of revenue of the largest client from which concentration is a finding.

    Returns
    -------
    list of dict
        ``{"key", "severity" ("problem"/"warning"/"opportunity"/"info"), "value", "text"}``.

    Examples
    --------
    >>> from salesaudit.clients.segmentation import segment_clients
    >>> sales = pd.DataFrame({"date": pd.to_datetime(["2026-10-10", "2026-10-12"]),
    ...                       "client_id": ["c1", "c2"], "amount": [900.0, 100.0]})
    >>> table = segment_clients(sales, as_of="2026-11-25")
    >>> [f["key"] for f in findings(table, lang="en")]
    ['clients.finding.abc', 'clients.finding.concentration', 'clients.finding.no_potential']
    >>> findings(table, lang="en")[0]["text"].split(" — ")[0]
    '1 A client (50% of the clients with purchases) brings 90% of net revenue'
    """
    need_client_table(
        clients_table,
        ("revenue", "abc_class", "segment", "dormant_alarm", "lost", "prev_class", "xyz_class"),
    )
    tab, voice = clients_table, _Voice(lang, currency)
    return [
        *_revenue_split(tab, voice, top1_alarm=top1_alarm),
        *_dormant_ab(tab, voice, dormant_months=dormant_months),
        *_lost_ab(tab, voice),
        *_strategic(tab, voice),
        *_d_clients(tab, voice),
        *_unstable_a(tab, voice),
        *_shared(tab, voice),
        *_no_potential(tab, voice),
    ]


def _revenue_split(tab: pd.DataFrame, voice: _Voice, *, top1_alarm: float) -> list[dict]:
    """``abc`` (A clients' share of clients and of revenue) and ``concentration`` (largest client)."""
    rev = tab["revenue"]
    positive = rev[rev > 0]
    total = positive.sum()
    if not total > 0:
        return []
    a = tab["abc_class"] == "A"
    a_rev = rev[a].sum()
    out = [
        _finding(
            "clients.finding.abc",
            "info",
            a_rev / total,
            voice.lang,
            count=int(a.sum()),
            client_share=voice.pct(a.sum() / len(positive)),
            revenue_share=voice.pct(a_rev / total),
        )
    ]
    top1 = positive.max() / total
    if top1 >= top1_alarm:
        top10 = positive.nlargest(10).sum() / total
        out.append(
            _finding(
                "clients.finding.concentration",
                "warning",
                top1,
                voice.lang,
                top1=voice.pct(top1),
                top10=voice.pct(top10),
            )
        )
    return out


def _dormant_ab(tab: pd.DataFrame, voice: _Voice, *, dormant_months: int) -> list[dict]:
    """``dormant_ab``: A and B clients with no purchase in the last ``dormant_months``."""
    alarm = tab["dormant_alarm"]
    if not alarm.any():
        return []
    count = int(alarm.sum())
    revenue = voice.money(tab["revenue"][alarm].sum())
    return [
        _finding(
            "clients.finding.dormant_ab",
            "problem",
            count,
            voice.lang,
            count=count,
            months=dormant_months,
            revenue=revenue,
        )
    ]


def _lost_ab(tab: pd.DataFrame, voice: _Voice) -> list[dict]:
    """``lost_ab``: A and B clients of the previous window with no line in the current one."""
    lost = tab["lost"] & tab["prev_class"].isin(["A", "B"])
    if not lost.any():
        return []
    prev = tab.loc[lost, "prev_revenue"].sum() if "prev_revenue" in tab else np.nan
    count = int(lost.sum())
    return [
        _finding(
            "clients.finding.lost_ab", "problem", count, voice.lang, count=count, revenue=voice.money(prev)
        )
    ]


def _strategic(tab: pd.DataFrame, voice: _Voice) -> list[dict]:
    """``a_by_potential``: A by potential but B or C by revenue (median share of wallet)."""
    if "a_by_potential" not in tab.columns:
        return []
    strategic = tab["a_by_potential"] & tab["segment"].isin(["B", "C"])
    if not strategic.any():
        return []
    sow = tab.loc[strategic, "share_of_wallet"].median()
    count = int(strategic.sum())
    return [
        _finding(
            "clients.finding.a_by_potential",
            "opportunity",
            count,
            voice.lang,
            count=count,
            share_of_wallet=voice.pct(sow),
        )
    ]


def _d_clients(tab: pd.DataFrame, voice: _Voice) -> list[dict]:
    """``d_clients`` and, where activities are known, ``d_effort`` (their share spent on D clients)."""
    d = tab["segment"] == "D"
    if not d.any():
        return []
    count = int(d.sum())
    revenue = voice.money(tab["revenue"][d].sum())
    out = [_finding("clients.finding.d_clients", "warning", count, voice.lang, count=count, revenue=revenue)]
    acts = tab["activities"] if "activities" in tab.columns else None
    if acts is not None and acts.notna().any() and acts.sum() > 0:
        share = acts[d].sum() / acts.sum()
        if share > 0:
            out.append(
                _finding(
                    "clients.finding.d_effort",
                    "warning",
                    float(share),
                    voice.lang,
                    activity_share=voice.pct(share),
                )
            )
    return out


def _unstable_a(tab: pd.DataFrame, voice: _Voice) -> list[dict]:
    """``unstable_a``: A clients whose monthly revenue is in Z."""
    unstable = (tab["abc_class"] == "A") & (tab["xyz_class"] == "Z")
    if not unstable.any():
        return []
    count = int(unstable.sum())
    return [_finding("clients.finding.unstable_a", "warning", count, voice.lang, count=count)]


def _shared(tab: pd.DataFrame, voice: _Voice) -> list[dict]:
    """``shared``: clients sold to by more than one manager in the window."""
    if "n_managers" not in tab.columns:
        return []
    shared = tab["n_managers"].fillna(0) > 1
    if not shared.any():
        return []
    count = int(shared.sum())
    return [_finding("clients.finding.shared", "warning", count, voice.lang, count=count)]


def _no_potential(tab: pd.DataFrame, voice: _Voice) -> list[dict]:
    """``no_potential``: the potential is filled for fewer than half of the clients."""
    if "potential" not in tab.columns or not len(tab):
        return []
    filled = float(tab["potential"].notna().mean())
    if not filled < 0.5:
        return []
    return [_finding("clients.finding.no_potential", "warning", filled, voice.lang, filled=voice.pct(filled))]
