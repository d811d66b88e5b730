"""The figures of one page per manager for the Monday meeting: no language, no files.

Everything comes from the weekly run's own tables, so a manager's page says exactly what the flash
report says: the manager's row of ``tracking_week`` (:func:`salesaudit.weekly.tracking.track_week`),
their alerts (:func:`salesaudit.weekly.alerts.detect_alerts`, already in listing order: high severity
first, then by rule), their silent A clients (:func:`salesaudit.report.show.silent_summary` of
:func:`salesaudit.weekly.signals.silent_clients`) and their stale deals
(:func:`salesaudit.weekly.pipeline.stale_deals`). :mod:`salesaudit.report.manager_pdf` words and prints them.

Conventions:

- **Who gets a page**: every ``level == "manager"`` row of ``tracking_week`` with a manager, unless the
  week's and the month's plan and fact are all zero (someone who left, or joins later). The row of sales
  without a manager (manager NA) is no manager. Idle managers add nothing, so the pages plus the row
  without a manager still add up to the department row (:func:`department_check`).
- **Actions**: the manager's first ``actions`` alerts in the alert table's order — most urgent first.
  Fewer alerts give fewer actions; none are made up.
- **Lists**: at most ``shown`` silent clients (largest revenue first) and stale deals (largest amount
  first) on the page; ``silent_total`` / ``stale_total`` say how many there are in all.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .inputs import NORM_COLUMNS

ACTIONS = 3
"""Actions on a page: the manager's most urgent alerts."""
FIGURES = ("plan", "fact", "mtd_plan", "mtd_fact", "month_plan")
"""The additive figures of a tracking row: a manager's page shows them, the department row sums them."""
WEEK_COLUMNS = (
    "plan",
    "fact",
    "attainment",
    "mtd_plan",
    "mtd_fact",
    "mtd_attainment",
    "month_plan",
    "forecast",
    "forecast_attainment",
    "required_daily",
    "working_days_left",
)
"""The columns of ``tracking_week`` a page shows (week, month to date, the month's pace)."""
CHANCE_COLUMNS = ("chance_plan", "chance_plan_guide", "chance_threshold", "chance_threshold_guide")
"""The month's chances a page shows, as the flash's managers table names them (``*_guide``: not confirmed)."""


@dataclass(frozen=True)
class ManagerPage:
    """One manager's page: ``figures`` (their ``tracking_week`` values, :data:`WEEK_COLUMNS`),
    ``activities`` (``kind``, ``fact``, ``norm``, ``attainment``), ``actions`` (alert rows: ``rule``,
    ``severity``, ``text``...), ``silent`` and ``stale`` (the first rows; ``stale`` is None without a
    pipeline) with their totals, and the tracked ``iso_week``, ``week_start``, ``week_end``."""

    manager: str
    figures: dict
    activities: pd.DataFrame
    actions: pd.DataFrame
    alerts_total: int
    silent: pd.DataFrame
    silent_total: int
    stale: pd.DataFrame | None
    stale_total: int
    iso_week: str
    week_start: pd.Timestamp
    week_end: pd.Timestamp


def page_managers(tracking_week: pd.DataFrame) -> list[str]:
    """The managers who get a page, in the table's order (see the module's conventions).

    Examples
    --------
    >>> tw = pd.DataFrame({"level": ["manager", "manager", "manager", "department"],
    ...     "manager": ["Ann", "Bob", None, None], "plan": [5, 0, 0, 5], "fact": [3, 0, 1, 4],
    ...     "mtd_plan": [9, 0, 0, 9], "mtd_fact": [7, 0, 1, 8], "month_plan": [20, 0, 0, 20]})
    >>> page_managers(tw)
    ['Ann']
    """
    rows = tracking_week[(tracking_week["level"] == "manager") & tracking_week["manager"].notna()]
    active = rows[[f for f in FIGURES if f in rows.columns]].fillna(0).ne(0).any(axis=1)
    return [str(m) for m in rows.loc[active, "manager"]]


def activity_rows(row: pd.Series) -> pd.DataFrame:
    """A tracking row's activities against their norm: one row per kind the plan has a norm for
    (``kind``, ``fact``, ``norm``, ``attainment``); empty without activity norms.

    Examples
    --------
    >>> activity_rows(pd.Series({"calls_fact": 8, "calls_norm": 10.0, "calls_attainment": 0.8}))
        kind  fact  norm  attainment
    0  calls   8.0  10.0         0.8
    """
    kinds = [k for k in NORM_COLUMNS if f"{k}_norm" in row.index]
    return pd.DataFrame(
        {
            "kind": kinds,
            "fact": [row[f"{k}_fact"] for k in kinds],
            "norm": [row[f"{k}_norm"] for k in kinds],
            "attainment": [row[f"{k}_attainment"] for k in kinds],
        },
        columns=["kind", "fact", "norm", "attainment"],
    )


def manager_pages(
    tracking_week: pd.DataFrame,
    *,
    alerts: pd.DataFrame,
    silent: pd.DataFrame | None = None,
    stale: pd.DataFrame | None = None,
    chances: pd.DataFrame | None = None,
    actions: int = ACTIONS,
    shown: int = 5,
) -> list[ManagerPage]:
    """One :class:`ManagerPage` per manager of :func:`page_managers`.

    Parameters
    ----------
    tracking_week
        The run's ``tracking_week`` table.
    alerts
        The run's ``alerts`` table, in its listing order.
    silent
        Silent A clients with ``manager`` (:func:`salesaudit.report.show.silent_summary`, all rows), or None.
    stale
        Stale deals with ``manager`` (:func:`salesaudit.weekly.pipeline.stale_deals`); None without a pipeline.
    chances
        The managers' month chances as the flash's table shows them (:func:`salesaudit.weekly.wording.week_with_chances`:
        ``chance_plan`` / ``chance_threshold``, or ``*_guide`` where the backtest did not confirm them),
        added to each page's ``figures``; None without chances.
    actions, shown
        Actions per page; silent clients and stale deals listed per page.

    Examples
    --------
    >>> tw = pd.DataFrame({"level": ["manager", "department"], "manager": ["Ann", None],
    ...     "iso_week": "2026-W47", "week_start": pd.Timestamp("2026-11-16"),
    ...     "week_end": pd.Timestamp("2026-11-22"), "plan": [5, 5], "fact": [3.0, 3.0]})
    >>> al = pd.DataFrame({"level": ["manager"] * 4, "manager": ["Ann"] * 4,
    ...     "rule": ["coverage", "activity", "activity", "silent_client"], "text": list("abcd")})
    >>> page = manager_pages(tw, alerts=al)[0]
    >>> page.actions["text"].tolist(), page.alerts_total, page.stale
    (['a', 'b', 'c'], 4, None)
    """
    week = tracking_week.iloc[0]
    pages = []
    for name in page_managers(tracking_week):
        row = tracking_week[(tracking_week["level"] == "manager") & (tracking_week["manager"] == name)].iloc[
            0
        ]
        mine = alerts[(alerts["level"] == "manager") & (alerts["manager"] == name)]
        odds = _of(chances, name)
        clients = _of(silent, name)
        deals = None if stale is None else _of(stale, name)
        pages.append(
            ManagerPage(
                manager=name,
                figures={c: row[c] for c in WEEK_COLUMNS if c in row.index}
                | {c: odds[c].iloc[0] for c in CHANCE_COLUMNS if c in odds and len(odds)},
                activities=activity_rows(row),
                actions=mine.head(actions).reset_index(drop=True),
                alerts_total=len(mine),
                silent=clients.head(shown).reset_index(drop=True),
                silent_total=len(clients),
                stale=None if deals is None else deals.head(shown).reset_index(drop=True),
                stale_total=0 if deals is None else len(deals),
                iso_week=str(week["iso_week"]),
                week_start=pd.Timestamp(week["week_start"]),
                week_end=pd.Timestamp(week["week_end"]),
            )
        )
    return pages


def _of(table: pd.DataFrame | None, manager: str) -> pd.DataFrame:
    """The rows of ``table`` whose ``manager`` is ``manager`` (an empty frame for None)."""
    if table is None:
        return pd.DataFrame()
    return table[table["manager"].astype("str") == manager].drop(columns="manager")


def department_check(tracking_week: pd.DataFrame, pages: list[ManagerPage]) -> pd.DataFrame:
    """Per additive figure (:data:`FIGURES`): the pages' sum, the row without a manager, their total
    and the department row; ``difference`` = department − total (0 when the pages add up).

    Examples
    --------
    >>> tw = pd.DataFrame({"level": ["manager", "manager", "department"], "manager": ["Ann", None, None],
    ...     "iso_week": "W", "week_start": pd.Timestamp("2026-11-16"), "week_end": pd.Timestamp("2026-11-22"),
    ...     "plan": [5, 0, 5], "fact": [3.0, 1.0, 4.0], "mtd_plan": [9, 0, 9], "mtd_fact": [7.0, 1.0, 8.0],
    ...     "month_plan": [20, 0, 20]})
    >>> department_check(tw, manager_pages(tw, alerts=tw.iloc[:0].assign(rule=None)))["difference"].tolist()
    [0.0, 0.0, 0.0, 0.0, 0.0]
    """
    manager_rows = tracking_week[tracking_week["level"] == "manager"]
    unassigned = manager_rows[manager_rows["manager"].isna()]
    dept = tracking_week[tracking_week["level"] == "department"].iloc[0]
    out = pd.DataFrame({"figure": list(FIGURES)})
    out["pages"] = [float(sum(p.figures[f] for p in pages)) for f in FIGURES]
    out["unassigned"] = [float(unassigned[f].sum()) for f in FIGURES]
    out["total"] = out["pages"] + out["unassigned"]
    out["department"] = [float(dept[f]) for f in FIGURES]
    out["difference"] = (out["department"] - out["total"]).round(2)
    return out
