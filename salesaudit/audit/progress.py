"""Progress since the last audit: two finished full runs of an engagement side by side.

A re-audit shows the owner what changed since the plan was handed over. Everything here is read from
the two runs' folders (their ``tables/`` and ``intake/``), so the section in a new run's report
(``notebooks/05_progress.ipynb``) and ``salesaudit compare RUN_A RUN_B`` are one computation:

- :func:`load_run`: a finished ``salesaudit run`` folder as a :class:`RunView` (its data date, its
  maturity, the status of every check, the executive summary's figures, each client's class);
- :func:`maturity_change`, :func:`check_changes`, :func:`figure_changes`: then and now per area, the
  checks whose status changed (better, worse, newly assessed or no longer assessable), the key figures;
- :func:`migration_between`: each client's class in the earlier run against the later one;
- :func:`plan_since`: the earlier run's weekly plan (the plan handed over) against the later run's
  sales, for every week-part that began after the earlier run's data date and ended by the later one's.

A figure one of the runs lacks is missing (NaN), never 0; a check "unknown" in either run is neither
better nor worse.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..engine import outputs
from ..exceptions import SalesAuditError

STATUS_RANK = {"problem": 0, "warning": 1, "ok": 2}
"""Statuses in order of health; ``unknown`` has no rank (the data could not decide)."""
STATES = ("A", "B", "C", "D", "lost", "none")
"""A client's state in one run: its segment, ``lost`` (bought before the window, not in it), or
``none`` (not in that run's data)."""
NEEDED = ("maturity", "findings")
"""Tables a run must have to be compared (the audit stage writes them)."""


@dataclass(frozen=True)
class RunView:
    """What a finished full run says, read back from its folder."""

    folder: Path
    as_of: pd.Timestamp
    finished: str
    language: str
    currency: str
    maturity: pd.DataFrame
    findings: pd.DataFrame
    figures: pd.DataFrame
    clients: pd.DataFrame | None
    plan_weekly: pd.DataFrame | None

    @property
    def name(self) -> str:
        return self.folder.name

    def sales(self) -> pd.DataFrame | None:
        """The run's canonical sales (date, amount, manager), read from its ``intake/`` when asked."""
        path = self.folder / "intake" / "sales.parquet"
        if not path.is_file():
            return None
        cols = ["date", "amount", "manager"]
        df = pd.read_parquet(path, columns=[c for c in cols if c in _parquet_columns(path)])
        if "manager" in df:
            df["manager"] = df["manager"].astype("string")
        return df


def _parquet_columns(path: Path) -> list[str]:
    import pyarrow.parquet as pq

    return list(pq.read_schema(path).names)


def load_run(folder: str | Path, *, running: bool = False) -> RunView:
    """A finished ``salesaudit run`` (or ``demo``) folder, read back for a comparison; ``running``: the
    run still going on whose report gets the section (its stages have written their tables).

    Raises
    ------
    SalesAuditError
        Naming the folder: not a run folder, a run that failed or is still running, a weekly flash
        (it has no audit), or a run without the audit's tables.
    """
    folder = Path(folder).resolve()
    manifest = outputs.run_manifest(folder)
    if not manifest:
        raise SalesAuditError(
            "not a salesaudit run folder (no readable manifest.json)",
            file=str(folder),
            hint="give the folder of a full run: ENGAGEMENT/output/<date_time>",
        )
    if manifest.get("status") != "ok" and not (running and manifest.get("status") == "running"):
        raise SalesAuditError(
            f"this run did not finish (status: {manifest.get('status', 'unknown')}); only a finished "
            "run can be compared",
            file=str(folder),
        )
    if manifest.get("command", "run") != "run":
        raise SalesAuditError(
            f"this is a '{manifest.get('command')}' run: it has no audit to compare",
            file=str(folder),
            hint="give the folders of two full runs (salesaudit run)",
        )
    missing = [n for n in NEEDED if not outputs.has_table(folder, n)]
    if missing:
        raise SalesAuditError(
            f"this run has no {', '.join(missing)} table: its audit stage did not write them",
            file=str(folder / "tables"),
        )
    params = manifest.get("parameters", {})
    maturity = _table(folder, "maturity")
    clients = _table(folder, "clients") if outputs.has_table(folder, "clients") else None
    if clients is not None and not {"client_id", "segment", "revenue"} <= set(clients.columns):
        clients = None  # a client table of an older version: the migration cannot be told
    return RunView(
        folder=folder,
        as_of=pd.Timestamp(params.get("as_of") or manifest.get("started", "")[:10]),
        finished=str(manifest.get("finished") or manifest.get("started") or ""),
        language=str(params.get("language") or outputs.run_language(folder)),
        currency=str(params.get("currency") or "RUB"),
        maturity=maturity,
        findings=_table(folder, "findings"),
        figures=_figures(folder, clients, maturity),
        clients=clients,
        plan_weekly=outputs.read_plan(folder).get("weekly"),
    )


COLUMNS = {
    "maturity": ("area", "score", "level"),
    "findings": ("check_id", "area", "title", "status"),
    "summary_figures": ("figure", "value", "kind"),
}
"""The columns a comparison reads from each table of a run."""


def _table(folder: Path, name: str) -> pd.DataFrame:
    """A run's table; one it needs columns of (:data:`COLUMNS`) without them is refused by name."""
    df = outputs.read_table(folder, name)
    missing = [c for c in COLUMNS.get(name, ()) if c not in df.columns]
    if missing:
        raise SalesAuditError(
            f"the run's {name} table has no column {', '.join(missing)} (written by another version?)",
            file=str(folder / "tables" / f"{name}.parquet"),
            hint="compare two runs made by this version: run the earlier engagement data again",
        )
    return df


def _figures(folder: Path, clients: pd.DataFrame | None, maturity: pd.DataFrame) -> pd.DataFrame:
    """The executive summary's figures as the run saved them (``summary_figures``; a run made before
    that table existed: recomputed from its client table and maturity), then the clients' figures."""
    from .scorecard import summary_figures

    if outputs.has_table(folder, "summary_figures"):
        summary = _table(folder, "summary_figures")
    else:
        summary = summary_figures(clients, maturity=maturity)
    return pd.concat([summary, client_figures(clients)], ignore_index=True)


def client_figures(clients: pd.DataFrame | None) -> pd.DataFrame:
    """Figures of the client base from the clients stage's table: buying clients, A clients and their
    share of revenue, A/B clients lost (bought in the previous window, not in this one) and dormant.

    Examples
    --------
    >>> cl = pd.DataFrame({"revenue": [80.0, 20.0, 0.0], "segment": ["A", "B", "D"],
    ...                    "lost": [False, False, True], "prev_class": ["A", "B", "A"],
    ...                    "dormant": [False, True, False]})
    >>> client_figures(cl).set_index("figure")["value"].tolist()
    [2.0, 1.0, 0.8, 1.0, 1.0]
    """
    ids = ["buying_clients", "a_clients", "a_share", "lost_ab", "dormant_ab"]
    kinds = ["int", "int", "percent", "int", "int"]
    values = [np.nan] * len(ids)
    if clients is not None and len(clients):
        revenue = clients["revenue"].astype(float)
        segment = (
            clients["segment"].astype("string")
            if "segment" in clients
            else pd.Series(pd.NA, index=clients.index)
        )
        is_a = segment.eq("A").fillna(False)
        total = revenue[revenue > 0].sum()
        values[0] = float((revenue > 0).sum())
        values[1] = float(is_a.sum())
        values[2] = float(revenue[is_a & (revenue > 0)].sum() / total) if total > 0 else np.nan
        if {"lost", "prev_class"} <= set(clients.columns):
            prev_ab = clients["prev_class"].astype("string").isin(["A", "B"]).fillna(False)
            values[3] = float((clients["lost"].astype(bool) & prev_ab).sum())
        if "dormant" in clients:
            values[4] = float(
                (clients["dormant"].astype(bool) & segment.isin(["A", "B"]).fillna(False)).sum()
            )
    return pd.DataFrame({"figure": ids, "value": values, "kind": kinds})


def maturity_change(before: RunView, after: RunView) -> pd.DataFrame:
    """Maturity per area then and now: ``area``, ``then``, ``now``, ``change`` (points), ``level_then``,
    ``level_now``; the areas in the later run's order, ``overall`` last.

    Examples
    --------
    >>> m1 = pd.DataFrame({"area": ["clients", "overall"], "score": [40.0, 40.0], "level": ["developing"] * 2})
    >>> m2 = pd.DataFrame({"area": ["clients", "overall"], "score": [55.0, 55.0], "level": ["developing"] * 2})
    >>> maturity_change(_view(maturity=m1), _view(maturity=m2))["change"].tolist()
    [15.0, 15.0]
    """
    cols = ["area", "score", "level"]
    then = before.maturity[cols].rename(columns={"score": "then", "level": "level_then"})
    now = after.maturity[cols].rename(columns={"score": "now", "level": "level_now"})
    out = now.merge(then, on="area", how="outer", sort=False)
    order = list(now["area"]) + [a for a in then["area"] if a not in set(now["area"])]
    out = out.set_index("area").loc[order].reset_index()
    out = pd.concat([out[out["area"] != "overall"], out[out["area"] == "overall"]], ignore_index=True)
    out["then"], out["now"] = out["then"].astype(float), out["now"].astype(float)
    out["change"] = out["now"] - out["then"]
    return out[["area", "then", "now", "change", "level_then", "level_now"]]


def direction(then, now) -> str:
    """How a check's status moved: ``better``, ``worse``, ``assessed`` (unknown or absent before),
    ``unassessed`` (unknown or absent now), or ``same``.

    Examples
    --------
    >>> direction("problem", "warning"), direction("ok", "problem"), direction("unknown", "ok")
    ('better', 'worse', 'assessed')
    >>> direction("ok", "unknown"), direction("warning", "warning"), direction(None, "unknown")
    ('unassessed', 'same', 'same')
    """
    a, b = STATUS_RANK.get(then), STATUS_RANK.get(now)  # None: unknown, or the check was not there
    if a is None and b is None:
        return "same"
    if a is None:
        return "assessed"
    if b is None:
        return "unassessed"
    return "better" if b > a else "worse" if b < a else "same"


def check_changes(before: RunView, after: RunView) -> pd.DataFrame:
    """The checks whose status changed: ``check_id``, ``area``, ``title`` (the later run's words, else
    the earlier's), ``then``, ``now`` (a status, or missing where the run had no such check) and
    ``direction`` (:func:`direction`); better first, then worse, then the rest, in check order."""
    cols = ["check_id", "area", "title", "status"]
    then = before.findings[cols].rename(
        columns={"status": "then", "title": "title_then", "area": "area_then"}
    )
    now = after.findings[cols].rename(columns={"status": "now"})
    out = now.merge(then, on="check_id", how="outer", sort=False)
    out["area"] = out["area"].fillna(out["area_then"])
    out["title"] = out["title"].fillna(out["title_then"])
    out["direction"] = [direction(a, b) for a, b in zip(out["then"], out["now"], strict=True)]
    out = out[out["direction"] != "same"].copy()
    rank = {"better": 0, "worse": 1, "assessed": 2, "unassessed": 3}
    out["_order"] = out["direction"].map(rank)
    out = out.sort_values("_order", kind="stable")
    return out[["check_id", "area", "title", "then", "now", "direction"]].reset_index(drop=True)


def figure_changes(before: RunView, after: RunView) -> pd.DataFrame:
    """The key figures then and now: ``figure``, ``kind``, ``then``, ``now``, ``change`` (now − then:
    money and counts in their unit, a share in share points); a figure neither run has is left out."""
    then = before.figures[["figure", "value", "kind"]].rename(columns={"value": "then", "kind": "kind_then"})
    now = after.figures[["figure", "value", "kind"]].rename(columns={"value": "now"})
    out = now.merge(then, on="figure", how="outer", sort=False)
    out["kind"] = out["kind"].fillna(out["kind_then"])
    out["then"] = pd.to_numeric(out["then"], errors="coerce").astype(float)
    out["now"] = pd.to_numeric(out["now"], errors="coerce").astype(float)
    out = out[out["then"].notna() | out["now"].notna()]
    out = out[~out["figure"].isin(["prev_days"])]  # a footnote of "growth", not a figure of its own
    order = list(after.figures["figure"]) + list(before.figures["figure"])
    out = out.assign(_order=out["figure"].map({f: i for i, f in reversed(list(enumerate(order)))}))
    out = out.sort_values("_order", kind="stable")
    out["change"] = out["now"] - out["then"]
    return out[["figure", "kind", "then", "now", "change"]].reset_index(drop=True)


def client_states(clients: pd.DataFrame | None) -> pd.Series:
    """Each client's state in one run (index ``client_id``): its segment, or ``lost``."""
    if clients is None or not len(clients):
        return pd.Series(dtype="string", name="state")
    state = clients["segment"].astype("string")
    if "lost" in clients:
        state = state.mask(clients["lost"].astype(bool), "lost")
    return pd.Series(state.to_numpy(), index=clients["client_id"].astype("string"), name="state")


def migration_between(before: RunView, after: RunView) -> pd.DataFrame | None:
    """Clients by their state in the earlier run (rows) and in the later one (columns): A, B, C, D,
    ``lost``, ``none`` (not in that run's data). Every client of either run is counted once; None when either run
    has no client table.

    Examples
    --------
    >>> c1 = pd.DataFrame({"client_id": ["x", "y"], "segment": ["A", "B"], "lost": [False, False]})
    >>> c2 = pd.DataFrame({"client_id": ["x", "z"], "segment": ["B", "A"], "lost": [False, False]})
    >>> m = migration_between(_view(clients=c1), _view(clients=c2))
    >>> int(m.loc["A", "B"]), int(m.loc["B", "none"]), int(m.loc["none", "A"])
    (1, 1, 1)
    """
    if before.clients is None or after.clients is None:
        return None  # a run without the clients stage: the migration cannot be told
    then, now = client_states(before.clients), client_states(after.clients)
    both = pd.concat([then.rename("then"), now.rename("now")], axis=1).fillna("none")
    table = pd.crosstab(
        pd.Categorical(both["then"], categories=STATES),
        pd.Categorical(both["now"], categories=STATES),
        dropna=False,
    )
    table.index.name, table.columns.name = "then", "now"
    return table.astype(int)


def plan_since(before: RunView, after: RunView, sales: pd.DataFrame | None) -> dict[str, pd.DataFrame]:
    """The plan handed over (the earlier run's weekly plan) against what was sold since (``sales``: the
    later run's, :meth:`RunView.sales`), over the week-parts that began after the earlier run's data
    date and ended by the later one's.

    Returns ``{"months": ..., "managers": ...}``: per month ``period``, ``start``, ``end``, ``plan``,
    ``fact``, ``attainment`` with a last row ``period == "total"``; per manager of the plan ``manager``,
    ``plan``, ``fact``, ``attainment`` (a seller without a plan: plan and attainment missing). Both
    empty when no such week-part exists yet (or either run has no plan or sales).
    """
    empty = {
        "months": pd.DataFrame(columns=["period", "start", "end", "plan", "fact", "attainment"]),
        "managers": pd.DataFrame(columns=["manager", "plan", "fact", "attainment"]),
    }
    plan = before.plan_weekly
    if plan is None or sales is None or not len(plan):
        return empty
    weeks = plan[(plan["week_start"] > before.as_of) & (plan["week_end"] <= after.as_of)]
    if not len(weeks):
        return empty
    start, end = weeks["week_start"].min(), weeks["week_end"].max()
    sold = sales[(sales["date"] >= start) & (sales["date"] < end + pd.Timedelta(days=1))].copy()
    sold["period"] = sold["date"].dt.strftime("%Y-%m")
    months = weeks.groupby("period").agg(
        start=("week_start", "min"), end=("week_end", "max"), plan=("plan", "sum")
    )
    months["fact"] = sold.groupby("period")["amount"].sum().reindex(months.index).fillna(0.0)
    months = months.reset_index()
    total = pd.DataFrame(
        {
            "period": ["total"],
            "start": [start],
            "end": [end],
            "plan": [months["plan"].sum()],
            "fact": [months["fact"].sum()],
        }
    )
    months = pd.concat([months, total], ignore_index=True)
    months["plan"] = months["plan"].astype(float)
    months["attainment"] = months["fact"] / months["plan"].where(months["plan"] > 0)
    by_manager = weeks.groupby("manager")["plan"].sum().astype(float)
    if "manager" not in sold:  # whose sales they were cannot be told: no managers' table
        return {"months": months, "managers": empty["managers"]}
    # sales without a manager: a row "" (they count in the months' fact too)
    fact = sold.groupby(sold["manager"].astype("string").fillna(""))["amount"].sum()
    managers = pd.concat([by_manager.rename("plan"), fact.rename("fact")], axis=1)
    managers["fact"] = managers["fact"].fillna(0.0)
    managers["attainment"] = managers["fact"] / managers["plan"].where(managers["plan"] > 0)
    managers = managers.rename_axis("manager").reset_index()
    return {"months": months, "managers": managers}


@dataclass(frozen=True)
class Progress:
    """What changed between two runs of an engagement (:func:`compare`)."""

    before: RunView
    after: RunView
    maturity: pd.DataFrame
    checks: pd.DataFrame
    figures: pd.DataFrame
    migration: pd.DataFrame | None
    plan: dict[str, pd.DataFrame]

    def tables(self) -> dict[str, pd.DataFrame]:
        """The section's tables by the names a run saves them under."""
        out = {
            "progress_maturity": self.maturity,
            "progress_checks": self.checks,
            "progress_figures": self.figures,
            "progress_plan": self.plan["months"],
            "progress_plan_managers": self.plan["managers"],
        }
        if self.migration is not None:
            out["progress_migration"] = self.migration.reset_index()
        return out


def compare(before: RunView | str | Path, after: RunView | str | Path) -> Progress:
    """Everything that changed from the run ``before`` to the run ``after`` (folders or :func:`load_run`).

    Raises
    ------
    SalesAuditError
        The same run twice, or ``before`` holding newer data than ``after`` (the earlier run goes first).
    """
    before = before if isinstance(before, RunView) else load_run(before)
    after = after if isinstance(after, RunView) else load_run(after)
    if before.folder == after.folder:
        raise SalesAuditError(
            "the two runs are the same folder",
            file=str(after.folder),
            hint="give an earlier run first, then the later one",
        )
    if before.as_of > after.as_of:
        raise SalesAuditError(
            f"the first run's data are newer ({before.as_of:%Y-%m-%d}) than the second's "
            f"({after.as_of:%Y-%m-%d})",
            file=str(before.folder),
            hint="give the earlier run first: salesaudit compare EARLIER LATER",
        )
    return Progress(
        before=before,
        after=after,
        maturity=maturity_change(before, after),
        checks=check_changes(before, after),
        figures=figure_changes(before, after),
        migration=migration_between(before, after),
        plan=plan_since(before, after, after.sales()),  # the one table read from the later run here
    )


def for_section(
    engagement_folder: str | Path,
    *,
    run_dir: str | Path | None = None,
    previous_run: str | Path | None = None,
    current_run: str | Path | None = None,
) -> tuple[Progress | None, Path | None]:
    """What the section "What changed since DATE" shows (``notebooks/05_progress.ipynb``):
    ``(progress, None)``, ``(None, earlier)`` when inside a run the earlier run cannot be read (a table
    written by another version: the section says so and the run goes on), or ``(None, None)`` with
    nothing to compare.

    Inside a run (``run_dir`` given, no ``current_run``) the later run is that run, still running; else
    ``current_run``, or the engagement's newest finished full run. The earlier run is ``previous_run``,
    or the newest other finished full run (:func:`salesaudit.engine.outputs.full_runs`).
    """
    runs = outputs.full_runs(engagement_folder)  # newest first
    inside = current_run is None and run_dir is not None
    current = current_run or run_dir or (runs[0] if runs else None)
    earlier = previous_run or next((r for r in runs if str(r) != str(current)), None)
    if earlier is None or current is None:
        return None, None
    try:
        return compare(earlier, load_run(current, running=inside)), None
    except SalesAuditError:
        if not inside:
            raise
        return None, Path(earlier)


def _view(**frames) -> RunView:
    """A :class:`RunView` from frames alone (examples and tests)."""
    base = {
        "folder": Path("."),
        "as_of": pd.Timestamp("2026-01-31"),
        "finished": "",
        "language": "en",
        "currency": "RUB",
        "maturity": pd.DataFrame(columns=["area", "score", "level"]),
        "findings": pd.DataFrame(columns=["check_id", "area", "title", "status"]),
        "figures": pd.DataFrame(columns=["figure", "value", "kind"]),
        "clients": None,
        "plan_weekly": None,
    }
    return RunView(**(base | frames))
