"""The pipeline of open deals: weighted value, coverage of the remaining plan, win rate, stale deals.

PLAYBOOK.md, "Weekly tracking" and "Audit checks / Funnel". Conventions:

- **Outcome** of a deal (:func:`classify_deals`): ``status`` when it names one (won / lost / open, in
  English or Russian, case-insensitive: :data:`WON`, :data:`LOST`, :data:`OPEN`), else the ``stage`` when
  it names won or lost (CRMs often keep "Успешно реализовано" as a stage), else "closed" (outcome unknown)
  when ``closed`` is on or before ``as_of``, else "open". A deal closed after ``as_of`` is still open as
  of ``as_of``; a deal created after ``as_of`` is left out.
- **Win rate** = won / (won + lost) over deals closed by ``as_of``; the ``default`` when there are none.
- **Weighted pipeline** = Σ amount × probability over open deals; the probability is the deal's
  ``probability`` when filled, else the ``stage_probability`` mapping (stage names case-insensitive);
  deals with neither count 0 and are counted in ``without_probability``.
- **Coverage** = open deals expected to close after the reference day and by the end of its month
  (unweighted) / remaining month plan (month plan − MTD fact, at least 0), against 1 / win rate.
- **Unknown amounts**: a deal whose ``amount`` is empty (NaN: a CRM deal not priced yet) counts as a
  deal but adds no money to any sum; ``deals_without_amount`` says how many there are, so a sum is
  read as "at least".
- **Stale**: an open deal whose ``expected_close`` is before ``as_of`` (overdue), or open for longer than
  ``stale_factor`` × the median cycle (``created`` → ``closed`` of won deals, department-wide).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..exceptions import ConfigError, DataError

WON = frozenset(
    {"won", "win", "closed won", "closed_won", "closed-won", "success", "successful", "успешно",
     "успешно реализовано", "выиграна", "выигран", "выиграно", "сделка заключена"}
)  # fmt: skip
LOST = frozenset(
    {"lost", "lose", "closed lost", "closed_lost", "closed-lost", "cancelled", "canceled",
     "закрыто и не реализовано", "проиграна", "проигран", "проиграно", "отказ", "отменена"}
)  # fmt: skip
OPEN = frozenset({"open", "active", "in progress", "in_progress", "в работе", "открыта", "открыт"})


def _day(value, *, key: str) -> pd.Timestamp:
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{key} is not a date", key=key, value=value) from exc
    if pd.isna(ts):
        raise ConfigError(f"{key} is missing", key=key, value=value)
    return ts.normalize()


def _dates(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame.columns:
        return pd.Series(pd.NaT, index=frame.index, dtype="datetime64[us]")
    values = frame[column]
    if not pd.api.types.is_datetime64_any_dtype(values):
        try:
            values = pd.to_datetime(values, format="ISO8601")
        except (TypeError, ValueError) as exc:
            raise DataError(f"pipeline.{column} holds values that are not dates", column=column) from exc
    return values.dt.normalize()


def _text(values: pd.Series) -> pd.Series:
    return values.astype("str").str.strip().str.lower()


def classify_deals(pipeline: pd.DataFrame, *, as_of=None) -> pd.DataFrame:
    """The pipeline with each deal's ``outcome`` as of ``as_of``: "open", "won", "lost" or "closed".

    Parameters
    ----------
    pipeline
        Canonical pipeline: ``deal_id``, ``manager``, ``amount``, ``stage`` and optional ``status``,
        ``created``, ``closed``, ``expected_close``, ``probability``, ``client_id``.
    as_of
        Snapshot date; None keeps every deal and ignores dates in the future.

    Returns
    -------
    A copy of ``pipeline`` (deals created after ``as_of`` left out) with the column ``outcome``.

    Examples
    --------
    >>> deals = pd.DataFrame({"deal_id": ["1", "2", "3"], "manager": "Ann", "amount": 10.0,
    ...     "stage": ["КП", "Успешно реализовано", "Переговоры"], "status": [None, None, "Lost"]})
    >>> classify_deals(deals)["outcome"].tolist()
    ['open', 'won', 'lost']
    """
    missing = [c for c in ("deal_id", "manager", "amount", "stage") if c not in pipeline.columns]
    if missing:
        raise DataError(
            f"pipeline lacks column(s) {', '.join(missing)}",
            column=missing[0],
            hint="pipeline needs deal_id, manager, amount, stage",
        )
    if not pd.api.types.is_numeric_dtype(pipeline["amount"]):
        raise DataError("pipeline.amount is not numeric", column="amount")
    deals = pipeline.copy()
    created, closed = _dates(deals, "created"), _dates(deals, "closed")
    no_status = pd.Series("", index=deals.index, dtype="str")
    status = _text(deals["status"]) if "status" in deals.columns else no_status
    stage = _text(deals["stage"])
    decided = np.select(
        [status.isin(WON), status.isin(LOST), status.isin(OPEN), stage.isin(WON), stage.isin(LOST)],
        ["won", "lost", "open", "won", "lost"],
        default="",
    )
    if as_of is None:
        done = closed.notna()
    else:
        day = _day(as_of, key="as_of")
        done = closed.notna() & (closed <= day)
        later = closed.notna() & (closed > day)
        decided = np.where(later & np.isin(decided, ["won", "lost"]), "open", decided)
        keep = ~(created.notna() & (created > day))
        deals, decided, done = deals[keep], decided[keep.to_numpy()], done[keep]
    deals["outcome"] = np.where(decided == "", np.where(done, "closed", "open"), decided)
    deals["outcome"] = deals["outcome"].astype("str")
    return deals


def _rows(per_manager: pd.DataFrame, department: dict) -> pd.DataFrame:
    per_manager = per_manager.reset_index().sort_values("manager", kind="stable")
    per_manager.insert(0, "level", "manager")
    dept = pd.DataFrame([{"level": "department", "manager": pd.NA, **department}])
    out = pd.concat([per_manager, dept], ignore_index=True)
    out["manager"] = out["manager"].astype("str")
    out["level"] = out["level"].astype("str")
    return out


def win_rate(pipeline: pd.DataFrame, *, as_of=None, default: float = 0.25) -> pd.DataFrame:
    """Share of closed deals that were won, per manager and for the department.

    Convention: won / (won + lost) over deals closed by ``as_of`` (deals closed with an unknown outcome
    are left out); ``default`` (engagement.yaml ``funnel.win_rate``) where no deal was won or lost.

    Parameters
    ----------
    pipeline, as_of
        As in :func:`classify_deals`.
    default
        Win rate used where there is no won or lost deal.

    Returns
    -------
    DataFrame with columns ``level`` ("manager"/"department"), ``manager`` (NA for the department),
    ``won``, ``lost``, ``win_rate``, ``source`` ("data" or "default").

    Examples
    --------
    >>> deals = pd.DataFrame({"deal_id": list("1234"), "manager": ["Ann", "Ann", "Ann", "Bob"],
    ...     "amount": 1.0, "stage": "x", "status": ["won", "lost", "lost", "open"]})
    >>> win_rate(deals)[["manager", "won", "lost", "win_rate", "source"]]
      manager  won  lost  win_rate   source
    0     Ann    1     2  0.333333     data
    1     Bob    0     0  0.250000  default
    2     NaN    1     2  0.333333     data
    """
    return _win_rates(pipeline, as_of=as_of, default=default)


def _win_rates(pipeline: pd.DataFrame, *, as_of, default: float) -> pd.DataFrame:
    if not 0 < default <= 1:
        raise ConfigError("the default win rate must be in (0, 1]", key="funnel.win_rate", value=default)
    deals = classify_deals(pipeline, as_of=as_of)
    counts = pd.DataFrame(
        {
            "manager": deals["manager"].astype("str"),
            "won": (deals["outcome"] == "won").astype(int),
            "lost": (deals["outcome"] == "lost").astype(int),
        }
    )
    per = counts.groupby("manager")[["won", "lost"]].sum()
    out = _rows(per, {"won": int(counts["won"].sum()), "lost": int(counts["lost"].sum())})
    decided = out["won"] + out["lost"]
    out["win_rate"] = np.where(decided > 0, out["won"] / decided.where(decided > 0, 1), default)
    out["source"] = np.where(decided > 0, "data", "default")
    out["source"] = out["source"].astype("str")
    return out


def _probability(deals: pd.DataFrame, stage_probability: Mapping[str, float] | None) -> pd.Series:
    mapping = {str(k).strip().lower(): float(v) for k, v in (stage_probability or {}).items()}
    bad = [k for k, v in mapping.items() if not 0 <= v <= 1]
    if bad:
        raise ConfigError("a stage probability is outside 0..1", key="stage_probability", value=bad[0])
    from_stage = _text(deals["stage"]).map(mapping).astype(float)
    if "probability" in deals.columns:
        given = pd.to_numeric(deals["probability"], errors="coerce").astype(float)
        if ((given < 0) | (given > 1)).any():
            raise DataError("pipeline.probability is outside 0..1", column="probability")
        return given.fillna(from_stage)
    return from_stage


def weighted_pipeline(
    pipeline: pd.DataFrame, *, as_of=None, stage_probability: Mapping[str, float] | None = None
) -> pd.DataFrame:
    """Open deals and their probability-weighted value, per manager and for the department.

    Convention: weighted = Σ amount × probability over open deals (module docstring for the
    probability); a deal with no probability counts 0 and is counted in ``without_probability``.

    Parameters
    ----------
    pipeline, as_of
        As in :func:`classify_deals`.
    stage_probability
        ``{stage: probability}`` for deals without a ``probability`` (stage names case-insensitive).

    Returns
    -------
    DataFrame with columns ``level``, ``manager``, ``deals`` (open deals), ``amount`` (their total),
    ``weighted``, ``without_probability``, ``deals_without_amount`` (open deals counted in ``deals``
    whose amount is unknown: they add nothing to ``amount`` and ``weighted``).

    Examples
    --------
    >>> deals = pd.DataFrame({"deal_id": ["1", "2", "3", "4"], "manager": ["Ann", "Ann", "Bob", "Bob"],
    ...     "amount": [100.0, 200.0, 50.0, None], "stage": ["meeting", "proposal", "proposal", "proposal"],
    ...     "probability": [0.5, None, None, None]})
    >>> weighted_pipeline(deals, stage_probability={"Proposal": 0.2}).drop(columns="level")
      manager  deals  amount  weighted  without_probability  deals_without_amount
    0     Ann      2   300.0      90.0                    0                     0
    1     Bob      2    50.0      10.0                    0                     1
    2     NaN      4   350.0     100.0                    0                     1
    """
    deals = classify_deals(pipeline, as_of=as_of)
    deals = deals[deals["outcome"] == "open"]
    probability = _probability(deals, stage_probability)
    amount = deals["amount"].astype(float)
    frame = pd.DataFrame(
        {
            "manager": deals["manager"].astype("str"),
            "deals": 1,
            "amount": amount,
            "weighted": amount * probability.fillna(0.0),
            "without_probability": probability.isna().astype(int),
            "deals_without_amount": amount.isna().astype(int),
        }
    )
    cols = ["deals", "amount", "weighted", "without_probability", "deals_without_amount"]
    per = frame.groupby("manager")[cols].sum()
    return _rows(per, {c: frame[c].sum() for c in cols})


def pipeline_coverage(
    pipeline: pd.DataFrame,
    *,
    tracking: pd.DataFrame,
    as_of=None,
    win_rate: float | None = None,
    default_win_rate: float = 0.25,
) -> pd.DataFrame:
    """Does the pipeline closing this month cover what is left of the month plan?

    Convention: module docstring. One required coverage for everybody: 1 / the department's win rate
    (:func:`win_rate` on the same pipeline, or the ``win_rate`` given; infinite when the pipeline has
    lost deals and no won one, so any remaining plan is flagged). The department's pipeline holds
    every open deal in the window, including those of managers absent from ``tracking``.

    Parameters
    ----------
    pipeline
        Canonical pipeline (a snapshot as of ``as_of``).
    tracking
        Output of :func:`salesaudit.weekly.tracking.track_week` (weekly mode): ``level``, ``manager``,
        ``month_plan``, ``mtd_fact``, ``reference_day``.
    as_of
        Snapshot date for the deals' outcome; default the tracking's reference day.
    win_rate, default_win_rate
        A fixed win rate, or the default used when the pipeline has no won or lost deal.

    Returns
    -------
    DataFrame with columns ``level``, ``manager``, ``period``, ``pipeline_amount`` (open deals
    expected to close after the reference day and within its month), ``remaining_plan``, ``coverage``
    (NaN when nothing remains), ``win_rate``, ``required_coverage``, ``below`` (bool),
    ``deals_without_amount`` (open deals in that window whose amount is unknown: counted here, not in
    ``pipeline_amount``, so the coverage is a lower bound when there are any).

    Examples
    --------
    >>> tracking = pd.DataFrame({"level": ["manager", "department"],
    ...     "manager": pd.Series(["Ann", None], dtype="str"), "month_plan": [1000, 1000],
    ...     "mtd_fact": [600.0, 600.0], "reference_day": pd.Timestamp("2026-04-12")})
    >>> deals = pd.DataFrame({"deal_id": ["1", "2"], "manager": "Ann", "amount": [800.0, 500.0],
    ...     "stage": "proposal", "expected_close": pd.to_datetime(["2026-04-20", "2026-05-05"])})
    >>> pipeline_coverage(deals, tracking=tracking, win_rate=0.25)[
    ...     ["manager", "pipeline_amount", "remaining_plan", "coverage", "required_coverage", "below"]]
      manager  pipeline_amount  remaining_plan  coverage  required_coverage  below
    0     Ann            800.0           400.0       2.0                4.0   True
    1     NaN            800.0           400.0       2.0                4.0   True
    """
    ref = _reference_day(tracking)
    month_end = ref + pd.offsets.MonthEnd(0)
    snapshot = ref if as_of is None else as_of
    rate = _required_win_rate(pipeline, as_of=snapshot, fixed=win_rate, default=default_win_rate)
    deals = classify_deals(pipeline, as_of=snapshot)
    close = _dates(deals, "expected_close")
    window = (deals["outcome"] == "open") & (close > ref) & (close <= month_end)
    amount = deals["amount"].astype(float).where(window, 0.0)
    per = amount.groupby(deals["manager"].astype("str")).sum()  # unknown amounts add nothing
    unpriced = (window & amount.isna()).astype(int)
    unpriced_per = unpriced.groupby(deals["manager"].astype("str")).sum()

    out = tracking[["level", "manager"]].copy()
    out["period"] = ref.strftime("%Y-%m")
    is_dept = (out["level"] == "department").to_numpy()
    out["pipeline_amount"] = np.where(
        is_dept, float(amount.sum()), out["manager"].map(per).fillna(0.0).to_numpy(dtype=float)
    )
    remaining = (tracking["month_plan"].astype(float) - tracking["mtd_fact"].astype(float)).clip(0)
    out["remaining_plan"] = remaining.to_numpy()
    out["coverage"] = np.where(remaining > 0, out["pipeline_amount"] / remaining.where(remaining > 0), np.nan)
    out["win_rate"] = rate
    out["required_coverage"] = 1.0 / rate if rate > 0 else np.inf  # nothing won: nothing covers
    out["below"] = (out["coverage"] < out["required_coverage"]).to_numpy(dtype=bool)
    out["deals_without_amount"] = np.where(
        is_dept, int(unpriced.sum()), out["manager"].map(unpriced_per).fillna(0).to_numpy(dtype=int)
    ).astype(int)
    return out.reset_index(drop=True)


def _reference_day(tracking: pd.DataFrame) -> pd.Timestamp:
    """The one reference day of a weekly ``track_week`` table; fails on any other table."""
    need = [c for c in ("level", "manager", "month_plan", "mtd_fact", "reference_day")]
    missing = [c for c in need if c not in tracking.columns]
    if missing:
        raise DataError(
            f"tracking lacks column(s) {', '.join(missing)}",
            column=missing[0],
            hint="pass the output of track_week(..., mode='weekly')",
        )
    if tracking.duplicated(["level", "manager"]).any():
        raise DataError("tracking has several rows per manager", hint="pass track_week(..., mode='weekly')")
    refs = pd.to_datetime(tracking["reference_day"]).dt.normalize().unique()
    if len(refs) != 1:
        raise DataError("tracking mixes several reference days", column="reference_day")
    return pd.Timestamp(refs[0])


def _required_win_rate(pipeline: pd.DataFrame, *, as_of, fixed: float | None, default: float) -> float:
    """The win rate coverage is held against: ``fixed`` when given, else the department's."""
    if fixed is None:
        rates = _win_rates(pipeline, as_of=as_of, default=default)
        return float(rates.loc[rates["level"] == "department", "win_rate"].iloc[0])
    if not 0 < fixed <= 1:
        raise ConfigError("win_rate must be in (0, 1]", key="funnel.win_rate", value=fixed)
    return float(fixed)


def stale_deals(
    pipeline: pd.DataFrame,
    *,
    as_of,
    stale_factor: float = 2.0,
    cycle_days: float | None = None,
) -> pd.DataFrame:
    """Open deals past their expected close, or open far longer than the usual cycle.

    Convention: module docstring. The usual cycle is the median of ``closed − created`` in days over
    won deals closed by ``as_of`` (department-wide), or ``cycle_days`` when given; without either, only
    overdue deals are found.

    Parameters
    ----------
    pipeline
        Canonical pipeline (see :func:`classify_deals`).
    as_of
        Snapshot date.
    stale_factor
        engagement.yaml ``tracking.stale_factor``.
    cycle_days
        The usual cycle in days, instead of the median from won deals.

    Returns
    -------
    One row per stale open deal: ``deal_id``, ``manager``, ``stage``, ``amount``, ``created``,
    ``expected_close``, ``age_days`` (``as_of − created``), ``cycle_days``, ``overdue``, ``too_long``
    (bools) and ``reason`` ("overdue", "too_long" or "overdue+too_long"); ordered by amount, largest
    first.

    Examples
    --------
    >>> deals = pd.DataFrame({"deal_id": ["1", "2", "3", "4"], "manager": "Ann",
    ...     "amount": [10.0, 20.0, 30.0, 40.0], "stage": "x",
    ...     "status": ["won", "won", "open", "open"],
    ...     "created": pd.to_datetime(["2026-01-01", "2026-01-01", "2026-02-01", "2026-04-01"]),
    ...     "closed": pd.to_datetime(["2026-01-11", "2026-01-31", None, None]),
    ...     "expected_close": pd.to_datetime([None, None, "2026-05-01", "2026-04-10"])})
    >>> stale_deals(deals, as_of="2026-04-15")[["deal_id", "age_days", "cycle_days", "reason"]]
      deal_id  age_days  cycle_days    reason
    0       4        14        20.0   overdue
    1       3        73        20.0  too_long
    """
    if not stale_factor > 0:
        raise ConfigError("stale_factor must be positive", key="tracking.stale_factor", value=stale_factor)
    day = _day(as_of, key="as_of")
    deals = classify_deals(pipeline, as_of=day)
    created = _dates(deals, "created")
    cycle = _usual_cycle(deals) if cycle_days is None else float(cycle_days)
    open_ = deals["outcome"] == "open"
    expected = _dates(deals, "expected_close")
    age = (day - created).dt.days
    overdue = open_ & expected.notna() & (expected < day)
    if np.isnan(cycle):
        too_long = pd.Series(False, index=deals.index)
    else:
        too_long = open_ & age.notna() & (age > stale_factor * cycle)
    stale = overdue | too_long
    out = pd.DataFrame(
        {
            "deal_id": deals["deal_id"].astype("str"),
            "manager": deals["manager"].astype("str"),
            "stage": deals["stage"].astype("str"),
            "amount": deals["amount"].astype(float),
            "created": created,
            "expected_close": expected,
            "age_days": age.astype("Int64"),
            "cycle_days": cycle,
            "overdue": overdue.astype(bool),
            "too_long": too_long.astype(bool),
        }
    )[stale.to_numpy()]
    out["reason"] = _reasons(out)
    return out.sort_values("amount", ascending=False, kind="stable").reset_index(drop=True)


def _usual_cycle(deals: pd.DataFrame) -> float:
    """Median days from ``created`` to ``closed`` over won deals (NaN without one)."""
    created, closed = _dates(deals, "created"), _dates(deals, "closed")
    won = (deals["outcome"] == "won") & created.notna() & closed.notna()
    return float((closed[won] - created[won]).dt.days.median()) if won.any() else np.nan


def _reasons(stale: pd.DataFrame) -> pd.Series:
    """ "overdue", "too_long" or "overdue+too_long" per stale deal."""
    reason = np.where(stale["overdue"], "overdue", "")
    reason = np.where(stale["too_long"], np.char.add(reason, "+too_long"), reason)
    return pd.Series(np.char.lstrip(reason.astype(str), "+"), index=stale.index, dtype="str")
