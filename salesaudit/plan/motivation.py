"""Motivation: pay schemes tied to plan attainment, what they cost, and whether plans were realistic.

PLAYBOOK.md, "Motivation": salary + variable pay by attainment — no bonus below a threshold
(default 70 %), the base rate up to 100 %, accelerator tiers above, an optional cap. Plus the
**income ceiling** (the sales at which today's salary + % scheme already pays the income a manager
settles for, against what the plan requires) and the historical attainment of past targets.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd

from ..exceptions import ConfigError, DataError
from ..frames import require, resolve_as_of
from .managers import build_roster, employed_sales
from .notes import penalty_note as penalty_note  # re-exported: the plan notebook calls it from here
from .notes import verdict_texts

DEFAULT_THRESHOLD = 0.7
DEFAULT_ACCELERATORS: tuple[tuple[float, float], ...] = ((1.0, 1.5),)
"""Default tiers above plan: sales beyond 100 % of plan paid at 1.5 × the base rate."""

DEFAULT_ATTAINMENTS = np.round(np.arange(0.5, 1.501, 0.1), 10)
DEFAULT_COMFORTABLE_INCOME = 100_000.0
"""Monthly income a manager on salary + % typically settles for (PLAYBOOK: often 70–100 k₽)."""

_TOLERANCE = 1e-9  # attainment compared with this slack, so 70 000 of 100 000 reaches 70 %

SCENARIO_COLUMNS = ["manager", "attainment", "plan", "sales", "salary", "bonus", "pay", "cost_of_sales"]


class Payout(NamedTuple):
    """Result of :func:`payout` (floats for scalar input, arrays otherwise)."""

    attainment: float | np.ndarray
    bonus: float | np.ndarray
    pay: float | np.ndarray


def _tier(item) -> tuple[float, float]:
    """One accelerator tier as ``(from_attainment, multiplier)``: a pair, a mapping with keys
    ``from`` and ``multiplier``, or an object with ``from_`` and ``multiplier`` (engagement.yaml)."""
    try:
        if isinstance(item, Mapping):
            return float(item["from"]), float(item["multiplier"])
        if hasattr(item, "multiplier"):
            return float(item.from_), float(item.multiplier)
        start, mult = item
        return float(start), float(mult)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ConfigError(
            "an accelerator tier is not (from, multiplier)",
            key="motivation.accelerators",
            value=item,
            hint="e.g. [[1.0, 1.5]] or [{from: 1.0, multiplier: 1.5}]",
        ) from exc


def _tiers(threshold, decelerator, accelerators) -> tuple[np.ndarray, np.ndarray]:
    """Band edges in attainment (``[0, threshold, 1, tier starts..., inf]``) and rate multipliers."""
    thr = float(threshold)
    if not 0.0 <= thr <= 1.0:
        raise ConfigError("threshold must be between 0 and 1", key="motivation.threshold", value=threshold)
    dec = 1.0 if decelerator is None else float(decelerator)
    if not np.isfinite(dec) or dec < 0:
        raise ConfigError(
            "decelerator must be a non-negative multiplier", key="motivation.decelerator", value=decelerator
        )
    tiers = [_tier(a) for a in (accelerators or ())]
    starts = [f for f, _ in tiers]
    if any(f < 1.0 for f in starts) or any(b <= a for a, b in zip(starts, starts[1:], strict=False)):
        raise ConfigError(
            "accelerator tiers must start at 100 % or above, in increasing order",
            key="motivation.accelerators",
            value=accelerators,
            hint="e.g. [[1.0, 1.5], [1.2, 2.0]]",
        )
    if any(not np.isfinite(m) or m < 0 for _, m in tiers):
        raise ConfigError(
            "accelerator multipliers must be non-negative", key="motivation.accelerators", value=accelerators
        )
    if not tiers or starts[0] > 1.0:
        tiers = [(1.0, 1.0), *tiers]
    edges = np.array([0.0, thr, *[f for f, _ in tiers], np.inf])
    mults = np.array([1.0, dec, *[m for _, m in tiers]])
    return edges, mults


def payout(
    sales_amount,
    *,
    plan,
    salary=0.0,
    base_rate,
    threshold: float = DEFAULT_THRESHOLD,
    decelerator: float | None = None,
    accelerators: Sequence[tuple[float, float]] | None = DEFAULT_ACCELERATORS,
    cap: float | None = None,
) -> Payout:
    """Pay for one period under a salary + attainment-linked bonus scheme.

    Attainment ``a = sales_amount / plan``. The bonus is **marginal, like tax brackets**: each rate
    applies to the part of sales inside its band.

    * ``a < threshold`` (compared with a 1e-9 tolerance): bonus 0.
    * ``a ≥ threshold``: reaching the threshold **unlocks the base rate on all sales from the first
      unit**: sales up to ``threshold × plan`` earn ``base_rate``; sales between ``threshold × plan``
      and ``plan`` earn ``base_rate × decelerator`` (``decelerator`` None = 1); above ``plan``, each
      accelerator tier ``(from_attainment, multiplier)`` pays ``base_rate × multiplier`` on the sales
      from ``from_attainment × plan`` to the next tier's start (``base_rate`` between 100 % and the
      first tier if it starts above 100 %).
    * ``cap``: the bonus is at most ``cap ×`` the on-target bonus (the bonus at exactly 100 %).

    ``pay = salary + bonus``. Works element-wise on arrays (numpy broadcasting).

    Parameters
    ----------
    sales_amount
        Net sales of the period (scalar or array).
    plan
        Plan of the period, > 0 (scalar or array).
    salary
        Fixed pay of the period.
    base_rate
        Commission rate, e.g. 0.03 (scalar, or an array broadcasting with ``sales_amount``).
    threshold
        Attainment below which no bonus is paid (default 0.7).
    decelerator
        Multiplier of the rate between threshold and 100 % (optional).
    accelerators
        ``[(from_attainment, multiplier), ...]`` (or ``{from, multiplier}`` mappings), starts ≥ 1.0
        ascending (default ``[(1.0, 1.5)]``; ``None`` or ``[]`` for none).
    cap
        Maximum bonus as a multiple of the on-target bonus (optional).

    Returns
    -------
    :class:`Payout` ``(attainment, bonus, pay)``.

    Examples
    --------
    >>> p = payout(120_000, plan=100_000, salary=50_000, base_rate=0.05)
    >>> p.bonus  # 100 000 × 5 % + 20 000 × 7.5 %
    6500.0
    >>> payout(69_999, plan=100_000, salary=50_000, base_rate=0.05).pay
    50000.0
    """
    sales = np.asarray(sales_amount, dtype=float)
    plan_arr, rate = _plan_and_rate(plan, base_rate)
    edges, mults = _tiers(threshold, decelerator, accelerators)
    lo = edges[:-1] * plan_arr[..., None]
    hi = edges[1:] * plan_arr[..., None]
    portion = np.clip(sales[..., None], lo, hi) - lo
    bonus = rate * (portion * mults).sum(axis=-1)
    attainment = sales / plan_arr
    bonus = np.where(attainment >= edges[1] - _TOLERANCE, bonus, 0.0)
    if cap is not None:
        if float(cap) <= 0:
            raise ConfigError("cap must be positive", key="motivation.cap", value=cap)
        on_target = rate * plan_arr * (edges[1] + mults[1] * (1.0 - edges[1]))
        bonus = np.minimum(bonus, float(cap) * on_target)
    pay = np.asarray(salary, dtype=float) + bonus
    if np.ndim(pay) == 0:
        return Payout(float(attainment), float(bonus), float(pay))
    return Payout(attainment, bonus, pay)


def _plan_and_rate(plan, base_rate) -> tuple[np.ndarray, np.ndarray]:
    """``plan`` and ``base_rate`` as float arrays, checked: the plan positive, the rate non-negative."""
    plan_arr = np.asarray(plan, dtype=float)
    if np.any(~np.isfinite(plan_arr)) or np.any(plan_arr <= 0):
        raise DataError("the plan must be positive to measure attainment", value=plan)
    rate = np.asarray(base_rate, dtype=float)
    if not np.all(np.isfinite(rate)) or np.any(rate < 0):
        raise ConfigError(
            "base_rate must be a non-negative rate", key="motivation.base_rate", value=base_rate
        )
    return plan_arr, rate


def _per_manager(value, managers: pd.DataFrame, column: str, key: str) -> np.ndarray:
    """A scheme setting per manager: scalar, mapping manager -> value, or the managers column."""
    names = managers["manager"].astype(str)
    if value is None:
        if column not in managers.columns:
            raise ConfigError(
                f"the managers table has no {column} and none is configured",
                key=key,
                hint=f"set {key} or fill {column} in the managers file",
            )
        out = managers[column].astype(float).to_numpy()
    elif isinstance(value, Mapping):
        out = names.map({str(k): float(v) for k, v in value.items()}).astype(float).to_numpy()
    else:
        out = np.full(len(names), float(value))
    if np.isnan(out).any():
        who = names[np.isnan(out)].iloc[0]
        raise ConfigError(f"no {column} for manager {who!r}", key=key, value=who)
    return out


def _planned_team(managers: pd.DataFrame, plan_monthly: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """The managers with a plan, and the average monthly plan per manager over the months with a
    plan (> 0)."""
    require(plan_monthly, ["manager", "period", "plan"], "plan_monthly")
    rows = plan_monthly.loc[plan_monthly["plan"] > 0]
    avg = rows.groupby("manager")["plan"].mean().astype(float)
    return managers.loc[managers["manager"].isin(avg.index)].reset_index(drop=True), avg


PAY_COLUMNS: tuple[str, ...] = ("salary", "commission_rate")
"""Today's pay of a manager: monthly salary and commission rate (managers table or engagement defaults)."""


def with_default_pay(managers: pd.DataFrame, *, salary=None, commission_rate=None) -> pd.DataFrame:
    """The managers with the engagement's default pay (``motivation.salary``,
    ``motivation.commission_rate``) filled in where their own is missing.

    A column the table lacks is added when its default is given; a default of None leaves the
    column as it is (absent, or with gaps). The rows and their order are unchanged.

    Examples
    --------
    >>> team = pd.DataFrame({"manager": ["Ann", "Bob"], "salary": [50_000.0, None]})
    >>> out = with_default_pay(team, salary=40_000, commission_rate=0.03)
    >>> out["salary"].tolist(), out["commission_rate"].tolist()
    ([50000.0, 40000.0], [0.03, 0.03])
    >>> list(with_default_pay(team)) == list(team)
    True
    """
    out = managers.copy()
    for column, default in zip(PAY_COLUMNS, (salary, commission_rate), strict=True):
        if default is None:
            continue
        if column in out.columns:
            out[column] = out[column].astype(float).fillna(float(default))
        else:
            out[column] = float(default)
    return out


def pay_known(managers: pd.DataFrame, columns: Sequence[str] = PAY_COLUMNS) -> pd.Series:
    """Per manager (row): True when every one of ``columns`` is known. A column the table lacks is
    unknown for everyone.

    Examples
    --------
    >>> team = pd.DataFrame({"manager": ["Ann", "Bob"], "salary": [50_000.0, None]})
    >>> pay_known(team, ["salary"]).tolist(), pay_known(team).tolist()
    ([True, False], [False, False])
    """
    known = pd.Series(True, index=managers.index)
    for column in columns:
        known &= managers[column].notna() if column in managers.columns else False
    return known


def split_by_pay(
    managers: pd.DataFrame, plan_monthly: pd.DataFrame, columns: Sequence[str] = PAY_COLUMNS
) -> tuple[pd.DataFrame, list[str]]:
    """The managers with a plan (> 0 in some month) split by whether their pay is known.

    Returns
    -------
    ``(paid, unpaid)``: the rows of ``managers`` with a plan and every one of ``columns`` known (in
    the table's order), and the names of those with a plan whose pay is not known (:func:`pay_known`).

    Examples
    --------
    >>> team = pd.DataFrame({"manager": ["Ann", "Bob", "Cy"], "salary": [50_000.0, None, None]})
    >>> plan = pd.DataFrame({"manager": ["Ann", "Bob"], "period": ["2026-01"] * 2, "plan": [10, 10]})
    >>> paid, unpaid = split_by_pay(team, plan, ["salary"])
    >>> paid["manager"].tolist(), unpaid
    (['Ann'], ['Bob'])
    """
    team, _ = _planned_team(managers, plan_monthly)
    known = pay_known(team, columns)
    return team.loc[known].reset_index(drop=True), team.loc[~known, "manager"].astype(str).tolist()


def payout_scenarios(
    managers: pd.DataFrame,
    plan_monthly: pd.DataFrame,
    *,
    salary=None,
    base_rate=None,
    threshold: float = DEFAULT_THRESHOLD,
    decelerator: float | None = None,
    accelerators: Sequence[tuple[float, float]] | None = DEFAULT_ACCELERATORS,
    cap: float | None = None,
    attainments=DEFAULT_ATTAINMENTS,
) -> pd.DataFrame:
    """Each manager's monthly pay at a range of attainments under the proposed scheme.

    The plan is the manager's average monthly plan over the months with a plan (> 0); sales =
    attainment × that plan; bonus and pay by :func:`payout` (marginal tiers, threshold unlocking
    the base rate on all sales). ``cost_of_sales = pay / sales``. Managers with no positive plan
    are left out.

    Parameters
    ----------
    managers
        Canonical managers table (manager, + salary, commission_rate).
    plan_monthly
        manager, period, plan (from :func:`salesaudit.plan.decomposition.decompose_plan`).
    salary, base_rate
        Scheme settings: a number for everyone, a mapping manager -> value, or None to take the
        managers table's ``salary`` / ``commission_rate``.
    threshold, decelerator, accelerators, cap
        As in :func:`payout`.
    attainments
        Attainment levels (default 0.5, 0.6, ..., 1.5).

    Returns
    -------
    DataFrame, one row per manager × attainment: ``manager``, ``attainment``, ``plan``, ``sales``,
    ``salary``, ``bonus``, ``pay``, ``cost_of_sales`` (float, pay / sales).

    Examples
    --------
    >>> team = pd.DataFrame({"manager": ["Ann"], "salary": [50_000.0], "commission_rate": [0.05]})
    >>> plan = pd.DataFrame({"manager": ["Ann"], "period": ["2026-01"], "plan": [100_000]})
    >>> out = payout_scenarios(team, plan, attainments=[0.6, 1.0, 1.2])
    >>> out["bonus"].tolist(), out["cost_of_sales"].round(3).tolist()
    ([0.0, 5000.0, 6500.0], [0.833, 0.55, 0.471])
    """
    require(managers, ["manager"], "managers")
    team, avg = _planned_team(managers, plan_monthly)
    sal = _per_manager(salary, team, "salary", "motivation.salary")
    rate = _per_manager(base_rate, team, "commission_rate", "motivation.base_rate")
    levels = np.round(np.asarray(attainments, dtype=float), 10)
    n, k = len(team), len(levels)
    plan = np.repeat(avg.reindex(team["manager"]).to_numpy(float), k)
    sales = plan * np.tile(levels, n)
    scheme = {"threshold": threshold, "decelerator": decelerator, "accelerators": accelerators, "cap": cap}
    bonus = payout(sales, plan=plan, base_rate=np.repeat(rate, k), **scheme).bonus if n else np.zeros(n * k)
    salary_col = np.repeat(sal, k)
    pay = salary_col + bonus
    return pd.DataFrame(
        {
            "manager": pd.Series(np.repeat(team["manager"].astype(str).to_numpy(), k), dtype="str"),
            "attainment": np.tile(levels, n),
            "plan": plan,
            "sales": sales,
            "salary": salary_col,
            "bonus": bonus,
            "pay": pay,
            "cost_of_sales": np.divide(pay, sales, out=np.full(n * k, np.nan), where=sales > 0),
        }
    )[SCENARIO_COLUMNS]


def income_ceiling(
    managers: pd.DataFrame,
    plan_monthly: pd.DataFrame,
    *,
    comfortable_income=DEFAULT_COMFORTABLE_INCOME,
    sales: pd.DataFrame | None = None,
    as_of=None,
) -> pd.DataFrame:
    """Where today's salary + % scheme stops pushing: the sales that already pay a comfortable income.

    Under today's scheme ``pay = salary + commission_rate × sales`` (from the managers table), the
    monthly sales at which pay reaches ``comfortable_income`` are
    ``(comfortable_income − salary) / commission_rate`` (0 if the salary alone pays it; infinite
    with no commission). A manager who settles for that income has no reason to sell the plan;
    ``gap = plan_monthly_avg − current_scheme_sales_for_income`` is how much more the plan asks
    (positive = the plan is above the comfort ceiling).

    Parameters
    ----------
    managers
        Canonical managers table: manager, salary, commission_rate.
    plan_monthly
        manager, period, plan; the plan is averaged over months with a plan (> 0).
    comfortable_income
        Monthly income the managers settle for: one number (default 100 000) or a mapping
        manager -> amount; ``None`` = not known (:func:`_comfortable_income`): the ceiling, ``gap``
        and ``plan_to_ceiling`` are then NaN, pay and sales still shown.
    sales
        Optional canonical sales (date, amount, manager): adds the actual average monthly sales of
        the 12 months before ``as_of`` (per month employed) and the income they paid.
    as_of
        End of that window (exclusive); default the day after the last sale.

    Returns
    -------
    DataFrame, one row per manager with a plan: ``manager``, ``salary``, ``commission_rate``,
    ``comfortable_income``, ``current_scheme_sales_for_income``, ``plan_monthly_avg``, ``gap``,
    ``plan_to_ceiling`` (plan / ceiling), ``income_at_plan`` (today's pay at plan); with ``sales``
    also ``actual_monthly_sales`` and ``actual_monthly_income``.

    Examples
    --------
    >>> team = pd.DataFrame({"manager": ["Ann"], "salary": [40_000.0], "commission_rate": [0.03]})
    >>> plan = pd.DataFrame({"manager": ["Ann"], "period": ["2026-01"], "plan": [3_000_000]})
    >>> row = income_ceiling(team, plan, comfortable_income=100_000).iloc[0]
    >>> float(row["current_scheme_sales_for_income"]), float(row["gap"])
    (2000000.0, 1000000.0)
    """
    require(managers, ["manager", "salary", "commission_rate"], "managers")
    team, avg = _planned_team(managers, plan_monthly)
    sal = _per_manager(None, team, "salary", "motivation.salary")
    rate = _per_manager(None, team, "commission_rate", "motivation.commission_rate")
    income = _comfortable_income(comfortable_income, team)
    need = np.maximum(income - sal, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        ceiling = np.where(need <= 0, 0.0, np.where(rate > 0, need / rate, np.inf))
    ceiling = np.where(np.isnan(income), np.nan, ceiling)
    plan = avg.reindex(team["manager"]).to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(ceiling > 0, plan / ceiling, np.where(np.isnan(ceiling), np.nan, np.inf))
    out = pd.DataFrame(
        {
            "manager": pd.Series(team["manager"].astype(str).to_numpy(), dtype="str"),
            "salary": sal,
            "commission_rate": rate,
            "comfortable_income": income,
            "current_scheme_sales_for_income": ceiling,
            "plan_monthly_avg": plan,
            "gap": plan - ceiling,
            "plan_to_ceiling": ratio,
            "income_at_plan": sal + rate * plan,
        }
    )
    if sales is not None:
        actual = _actual_monthly_sales(team, sales, as_of)
        out["actual_monthly_sales"] = actual
        out["actual_monthly_income"] = sal + rate * np.maximum(actual, 0.0)
    return out


def _comfortable_income(value, team: pd.DataFrame) -> np.ndarray:
    """Per manager: ``value`` (number or mapping), the managers' own column when ``value`` is None,
    else NaN — not known (``motivation.comfortable_income: null``), the ceiling left empty."""
    if value is None and "comfortable_income" not in team.columns:
        return np.full(len(team), np.nan)
    return _per_manager(value, team, "comfortable_income", "motivation.comfortable_income")


def _actual_monthly_sales(team: pd.DataFrame, sales: pd.DataFrame, as_of) -> np.ndarray:
    """Each manager's net sales of the 12 months before ``as_of`` per month employed in them
    (:func:`salesaudit.plan.managers.employed_sales`); 0 with no sales to date."""
    require(sales, ["date", "amount", "manager"], "sales")
    end = resolve_as_of(sales, as_of)
    roster = build_roster(team)
    if end is None:
        return np.zeros(len(team))
    net, months, _ = employed_sales(roster, sales, end)
    return net / months


def historical_attainment(
    sales: pd.DataFrame,
    targets: pd.DataFrame,
    *,
    as_of,
    soft: float = 1.10,
    hard: float = 0.70,
    lang: str = "ru",
) -> pd.DataFrame:
    """How past targets compared with what was sold, and whether they were realistic, in words.

    The table of :func:`judge_attainment` (the rules are there) plus ``verdict_text``, the verdict
    in ``lang`` (:func:`salesaudit.plan.notes.verdict_texts`).

    Parameters
    ----------
    sales, targets, as_of, soft, hard
        As in :func:`judge_attainment`.
    lang
        Language of ``verdict_text``.

    Returns
    -------
    DataFrame, one row per target judged: ``manager`` (NA for the department), ``period``,
    ``target``, ``fact``, ``attainment``, ``verdict`` (repeated on the manager's rows),
    ``verdict_text``.

    Examples
    --------
    >>> sales = pd.DataFrame({"date": pd.to_datetime(["2025-01-15", "2025-02-15"]),
    ...     "client_id": ["c", "c"], "amount": [120.0, 130.0], "manager": ["Ann", "Ann"]})
    >>> targets = pd.DataFrame({"period": ["2025-01", "2025-02"], "amount": [100.0, 100.0],
    ...     "manager": ["Ann", "Ann"]})
    >>> historical_attainment(sales, targets, as_of="2025-03-01", lang="en")[
    ...     ["attainment", "verdict", "verdict_text"]].values.tolist()
    [[1.2, 'too soft', 'plan too soft'], [1.3, 'too soft', 'plan too soft']]
    """
    out = judge_attainment(sales, targets, as_of=as_of, soft=soft, hard=hard)
    out["verdict_text"] = pd.Series(verdict_texts(out["verdict"], lang), dtype="str")
    return out


def judge_attainment(
    sales: pd.DataFrame, targets: pd.DataFrame, *, as_of, soft: float = 1.10, hard: float = 0.70
) -> pd.DataFrame:
    """How past targets compared with what was sold, and whether they were realistic (no language).

    Only periods that ended before ``as_of`` are judged (a month ``YYYY-MM`` whose last day is
    before ``as_of``; a year ``YYYY`` likewise); sales on or after ``as_of`` are ignored. Fact = net
    sales (returns netted) of the manager in the period; target rows without a manager are the
    department (fact = all sales). ``attainment = fact / target`` (NaN when target ≤ 0).

    Verdict per manager (and for the department), over the manager's monthly rows (yearly rows when
    there are no monthly ones): ``"too soft"`` when more than half of the periods are above
    ``soft`` (110 %, strictly), ``"too hard"`` when more than half are below ``hard`` (70 %,
    strictly), else ``"ok"``; ``"unknown"`` with no judged period.

    Parameters
    ----------
    sales
        Canonical sales (date, amount, + manager for manager targets).
    targets
        Canonical targets: period ("YYYY" or "YYYY-MM"), amount, + manager.
    as_of
        First day not yet complete.
    soft, hard
        Attainment bounds of the verdict.

    Returns
    -------
    DataFrame, one row per target judged: ``manager`` (NA for the department), ``period``,
    ``target``, ``fact``, ``attainment``, ``verdict`` (repeated on the manager's rows).

    Examples
    --------
    >>> sales = pd.DataFrame({"date": pd.to_datetime(["2025-01-15", "2025-02-15"]),
    ...     "client_id": ["c", "c"], "amount": [60.0, 130.0], "manager": ["Ann", "Ann"]})
    >>> targets = pd.DataFrame({"period": ["2025-01", "2025-02", "2025-03"],
    ...     "amount": [100.0, 100.0, 100.0], "manager": ["Ann", "Ann", "Ann"]})
    >>> judge_attainment(sales, targets, as_of="2025-03-01")[["attainment", "verdict"]].values.tolist()
    [[0.6, 'ok'], [1.3, 'ok']]
    """
    require(sales, ["date", "amount"], "sales")
    require(targets, ["period", "amount"], "targets")
    as_of_ts = pd.Timestamp(as_of).normalize()
    rows = _ended_targets(targets, as_of_ts)
    if rows["manager"].notna().any() and "manager" not in sales.columns:
        raise DataError("targets per manager need sales with a manager column", column="manager")
    fact = _facts(sales.loc[sales["date"] < as_of_ts], rows)
    target = rows["amount"].astype(float).to_numpy()
    attainment = np.divide(fact, target, out=np.full(len(rows), np.nan), where=target > 0)
    out = pd.DataFrame(
        {
            "manager": pd.Series(rows["manager"].to_numpy(), dtype="str"),
            "period": pd.Series(rows["period"].astype(str).to_numpy(), dtype="str"),
            "target": target,
            "fact": fact,
            "attainment": attainment,
        }
    )
    verdict = _verdicts(out, rows["_monthly"].to_numpy(), soft=soft, hard=hard)
    out["verdict"] = pd.Series(verdict, dtype="str")
    return out


def _ended_targets(targets: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """The target rows whose period ended by ``as_of``, with ``manager`` (NA when absent), ``_end``
    (the day after the period) and ``_monthly`` (a ``YYYY-MM`` period)."""
    rows = targets.copy()
    if "manager" not in rows.columns:
        rows["manager"] = pd.Series(pd.NA, index=rows.index, dtype="str")
    period = rows["period"].astype(str)
    bad = ~period.str.fullmatch(r"\d{4}(-\d{2})?")
    if bad.any():
        raise DataError("a target period is not YYYY or YYYY-MM", column="period", value=period[bad].iloc[0])
    monthly = (period.str.len() == 7).to_numpy()
    start = pd.DatetimeIndex(pd.to_datetime(np.where(monthly, period + "-01", period + "-01-01")))
    end = np.where(monthly, (start + pd.DateOffset(months=1)).values, (start + pd.DateOffset(years=1)).values)
    rows = rows.assign(_end=end, _monthly=monthly)
    return rows.loc[rows["_end"] <= as_of]


def _facts(lines: pd.DataFrame, rows: pd.DataFrame) -> np.ndarray:
    """Net sales of each target row's period: the manager's, or everyone's for a department row."""
    key_m = lines["date"].dt.strftime("%Y-%m")
    key_y = lines["date"].dt.strftime("%Y")
    dept = pd.concat([lines["amount"].groupby(key_m).sum(), lines["amount"].groupby(key_y).sum()])
    fact = np.zeros(len(rows))
    is_dept = rows["manager"].isna().to_numpy()
    fact[is_dept] = rows.loc[is_dept, "period"].astype(str).map(dept).fillna(0.0).to_numpy()
    if (~is_dept).any():
        who = lines["manager"].astype(str)
        per = pd.concat(
            [lines["amount"].groupby([who, key_m]).sum(), lines["amount"].groupby([who, key_y]).sum()]
        )
        idx = pd.MultiIndex.from_arrays(
            [rows.loc[~is_dept, "manager"].astype(str), rows.loc[~is_dept, "period"].astype(str)]
        )
        fact[~is_dept] = per.reindex(idx).fillna(0.0).to_numpy()
    return fact


def _verdicts(out: pd.DataFrame, monthly: np.ndarray, *, soft: float, hard: float) -> np.ndarray:
    """The verdict of each row's manager (or the department) over its finest periods judged."""
    group = out["manager"].fillna("\x00department")
    finest = pd.Series(monthly).groupby(group.to_numpy()).transform("any")
    judged = (pd.Series(monthly) == finest) & out["attainment"].notna()
    att = out["attainment"].where(judged)
    counts = (
        pd.DataFrame({"n": judged, "soft": att > soft, "hard": att < hard, "g": group.to_numpy()})
        .groupby("g")[["n", "soft", "hard"]]
        .transform("sum")
    )
    return np.select(
        [counts["n"] == 0, counts["soft"] * 2 > counts["n"], counts["hard"] * 2 > counts["n"]],
        ["unknown", "too soft", "too hard"],
        default="ok",
    )


def attainment_verdicts(history: pd.DataFrame) -> pd.DataFrame:
    """One row per manager (and the department) from :func:`historical_attainment`: months, median
    attainment, the verdict text.

    Examples
    --------
    >>> h = pd.DataFrame({"manager": ["a", "a"], "period": ["2025-01", "2025-02"], "target": [1.0, 1.0],
    ...                   "fact": [1.2, 1.3], "attainment": [1.2, 1.3], "verdict": "too soft",
    ...                   "verdict_text": "too soft"})
    >>> attainment_verdicts(h)["attainment"].tolist()
    [1.25]
    """
    h = history.assign(manager=history["manager"].astype("object").where(history["manager"].notna(), "Σ"))
    out = h.groupby("manager", sort=False).agg(
        months=("period", "nunique"),
        target=("target", "sum"),
        fact=("fact", "sum"),
        attainment=("attainment", "median"),
        verdict_text=("verdict_text", "first"),
    )
    return out.reset_index()
