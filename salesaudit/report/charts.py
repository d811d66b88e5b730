"""Charts in the brand's colours and fonts (matplotlib + seaborn), returned as figures.

Functions here take tables and explicit labels, draw one chart, and return the ``Figure``; notebooks
display it. :func:`use_brand` applies the brand once per notebook.
"""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib

matplotlib.use("Agg") if matplotlib.get_backend().lower() == "agg" else None

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from .brand import Brand  # noqa: E402
from .formatting import fmt_number  # noqa: E402

FIGSIZE = (7.2, 3.2)
"""A full-width chart (inches)."""
HALF = (3.6, 2.8)
"""A chart shown half-width, beside another (:func:`salesaudit.report.show.figure_row`)."""


def use_brand(brand: Brand) -> list[str]:
    """Set the seaborn/matplotlib theme from the brand; return the palette."""
    sns.set_theme(
        style="whitegrid",
        palette=brand.palette,
        font=brand.font_base,
        rc={
            "figure.figsize": FIGSIZE,
            "figure.dpi": 110,
            "savefig.dpi": 150,
            "savefig.bbox": "tight",
            "axes.edgecolor": "#cfd5dd",
            "axes.titleweight": "bold",
            "axes.titlesize": 11,
            "axes.labelsize": 9,
            "xtick.labelsize": 8,
            "ytick.labelsize": 8,
            "legend.fontsize": 8,
            "font.family": [brand.font_base, "DejaVu Sans"],
        },
    )
    return brand.palette


def series_colors(n: int) -> list[tuple[float, float, float]]:
    """``n`` distinct colours for ``n`` series (managers): the brand palette, then the same colours
    lightened halfway to white, then evenly spaced hues, so a seventh manager never shares the first
    one's colour.

    Examples
    --------
    >>> with sns.color_palette(["#1E3A5F", "#2A9D8F"]):  # a two-colour brand, five managers
    ...     len(set(series_colors(5)))
    5
    """
    base = [tuple(c) for c in sns.color_palette()]
    light = [tuple(1 - (1 - v) * 0.5 for v in c) for c in base]
    colors = list(dict.fromkeys(base + light))
    if n > len(colors):
        colors += [tuple(c) for c in sns.color_palette("husl", n - len(colors))]
    return colors[:n]


def millions(axis, *, lang: str, scale: float = 1e6, digits: int = 0) -> None:
    """Tick labels of ``axis`` as money in millions (or ``scale``), locale-aware, with at least
    ``digits`` decimals and as many more as the tick step needs (at most 3): a client selling
    300,000 a month reads 0.1, 0.2, 0.3 on the axis, never 0, 0, 0."""

    def label(value, _):
        ticks = np.diff(np.sort(axis.get_majorticklocs())) / scale
        step = float(ticks[ticks > 0].min()) if (ticks > 0).any() else 1.0
        needed = min(3, max(0, int(np.ceil(-np.log10(step) - 1e-9))))
        return fmt_number(value / scale, lang=lang, digits=max(digits, needed))

    axis.set_major_formatter(FuncFormatter(label))


def money_axis(ax, *, lang: str, scale: float = 1e6, unit: str = "") -> None:
    """Format the y axis as money in millions (or ``scale``), locale-aware (see :func:`millions`)."""
    millions(ax.yaxis, lang=lang, scale=scale)
    if unit:
        ax.set_ylabel(unit)


def monthly_revenue(
    sales: pd.DataFrame, *, lang: str, title: str, unit: str, figsize: tuple[float, float] | None = None
) -> plt.Figure:
    """Net revenue per calendar month over the whole history, as bars."""
    monthly = (
        sales.assign(month=sales["date"].dt.to_period("M").dt.to_timestamp())
        .groupby("month", as_index=False)["amount"]
        .sum()
    )
    fig, ax = plt.subplots(figsize=figsize or FIGSIZE, layout="constrained")
    ax.bar(monthly["month"], monthly["amount"], width=20, color=sns.color_palette()[0])
    _title(ax, title)
    money_axis(ax, lang=lang, unit=unit)
    ax.set_xlabel("")
    ax.tick_params(axis="x", rotation=30)
    plt.close(fig)
    return fig


def _month_labels(periods, lang: str, *, narrow: bool = False) -> list[str]:
    """Month names in ``lang``: abbreviated ("янв."), or one letter when ``narrow`` (a half-width chart)."""
    from babel.dates import format_date

    loc = "ru_RU" if lang == "ru" else "en_US"
    fmt = "LLLLL" if narrow else "LLL"
    return [format_date(pd.Timestamp(p).date(), format=fmt, locale=loc) for p in periods]


def _narrow(fig) -> bool:
    return fig.get_figwidth() < 5


def _title(ax, title: str) -> None:
    """The chart title, wrapped at word boundaries to the figure's width as drawn (measured in the
    title's own font), so a long title never runs past the image or shrinks the chart."""
    text = ax.set_title(title)
    if not title:
        return
    renderer = ax.figure.canvas.get_renderer()
    # the title is centred on the plot, which the y labels push right: keep it within 80 % of the width
    limit = ax.figure.get_figwidth() * ax.figure.dpi * 0.8

    def fits(candidate: str) -> bool:
        text.set_text(candidate)
        return text.get_window_extent(renderer).width <= limit

    if fits(title):
        return
    lines, line = [], ""
    for word in title.split():
        if line and not fits(f"{line} {word}"):
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    text.set_text("\n".join([*lines, line]))


def _legend_below(fig, ax, *, ncols: int) -> None:
    """The legend under the plot, outside it (never over the data), in at most ``ncols`` columns and
    no more than fit the figure's width (a column per 1.7 inches: a manager's full name at 7 pt)."""
    handles, labels = ax.get_legend_handles_labels()
    if handles:
        ncols = max(1, min(ncols, int(fig.get_figwidth() / 1.7)))
        fig.legend(handles, labels, loc="outside lower center", ncols=ncols, frameon=False, fontsize=7)


def plan_by_month(
    department_monthly: pd.DataFrame,
    *,
    lang: str,
    title: str,
    unit: str,
    index_label: str,
    figsize: tuple[float, float] | None = None,
) -> plt.Figure:
    """The department's plan per month (bars) with the seasonality index behind it (line)."""
    df = department_monthly.sort_values("month_start")
    fig, ax = plt.subplots(figsize=figsize or FIGSIZE, layout="constrained")
    x = range(len(df))
    ax.bar(x, df["plan"], color=sns.color_palette()[0])
    ax.set_xticks(list(x), _month_labels(df["month_start"], lang, narrow=_narrow(fig)))
    money_axis(ax, lang=lang, unit=unit)
    _title(ax, title)
    if "index" in df:
        ax2 = ax.twinx()
        ax2.plot(list(x), df["index"] * 100, color=sns.color_palette()[2], marker="o", linewidth=1.5)
        ax2.set_ylabel(index_label)
        ax2.grid(False)
        ax2.set_ylim(0, max(df["index"] * 100) * 1.3)
    plt.close(fig)
    return fig


def plan_by_manager(
    plan_monthly: pd.DataFrame,
    *,
    lang: str,
    title: str,
    unit: str,
    figsize: tuple[float, float] | None = None,
) -> plt.Figure:
    """Each manager's plan per month, stacked."""
    pivot = plan_monthly.pivot_table(index="month_start", columns="manager", values="plan", aggfunc="sum")
    pivot = pivot.fillna(0).sort_index()
    fig, ax = plt.subplots(figsize=figsize or FIGSIZE, layout="constrained")
    bottom = None
    palette = series_colors(len(pivot.columns))
    x = range(len(pivot))
    for color, manager in zip(palette, pivot.columns, strict=False):
        values = pivot[manager].to_numpy()
        ax.bar(x, values, bottom=bottom, label=str(manager), color=color)
        bottom = values if bottom is None else bottom + values
    ax.set_xticks(list(x), _month_labels(pivot.index, lang, narrow=_narrow(fig)))
    money_axis(ax, lang=lang, unit=unit)
    _title(ax, title)
    _legend_below(fig, ax, ncols=3)
    plt.close(fig)
    return fig


def pay_curves(
    scenarios: pd.DataFrame,
    *,
    lang: str,
    title: str,
    xlabel: str,
    ylabel: str,
    figsize: tuple[float, float] | None = None,
) -> plt.Figure:
    """Monthly pay per manager against plan attainment (50 %…150 %)."""
    fig, ax = plt.subplots(figsize=figsize or FIGSIZE, layout="constrained")
    for manager, part in scenarios.groupby("manager", sort=False):
        ax.plot(part["attainment"] * 100, part["pay"] / 1000, marker=".", label=str(manager))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    _title(ax, title)
    _legend_below(fig, ax, ncols=3)
    plt.close(fig)
    return fig


def income_ceiling(
    ceiling: pd.DataFrame,
    *,
    lang: str,
    title: str,
    ceiling_label: str,
    plan_label: str,
    actual_label: str | None = None,
    unit: str = "",
    figsize: tuple[float, float] | None = None,
) -> plt.Figure:
    """Per manager: monthly sales at which today's scheme already pays the comfortable income, against
    the monthly sales the plan requires (and what they sell now)."""
    df = ceiling.sort_values("plan_monthly_avg")
    fig, ax = plt.subplots(figsize=figsize or (FIGSIZE[0], 0.45 * len(df) + 1.2), layout="constrained")
    y = range(len(df))
    pal = sns.color_palette()
    ax.barh([i + 0.2 for i in y], df["plan_monthly_avg"], height=0.4, label=plan_label, color=pal[0])
    ax.barh(
        [i - 0.2 for i in y],
        df["current_scheme_sales_for_income"],
        height=0.4,
        label=ceiling_label,
        color=pal[2],
    )
    if actual_label and "actual_monthly_sales" in df:
        ax.scatter(df["actual_monthly_sales"], list(y), color=pal[4 % len(pal)], zorder=3, label=actual_label)
    ax.set_yticks(list(y), [str(m) for m in df["manager"]])
    millions(ax.xaxis, lang=lang, digits=1)
    ax.set_xlabel(unit)
    _title(ax, title)
    _legend_below(fig, ax, ncols=1)
    plt.close(fig)
    return fig


def pareto(
    curve: pd.DataFrame,
    *,
    title: str,
    xlabel: str,
    ylabel: str,
    point_label: str,
    figsize: tuple[float, float] | None = None,
) -> plt.Figure:
    """Cumulative revenue share against cumulative client share, with the 80/20 point marked
    (``curve`` from :func:`salesaudit.clients.portfolio.pareto_curve`)."""
    fig, ax = plt.subplots(figsize=figsize or FIGSIZE, layout="constrained")
    ax.plot(curve["client_share"] * 100, curve["revenue_share"] * 100, color=sns.color_palette()[0])
    ax.plot([0, 100], [0, 100], color="#b8c0cc", linewidth=0.8, linestyle="--")
    point = curve[curve["is_point"]]
    if len(point):
        px, py = float(point["client_share"].iloc[0]) * 100, float(point["revenue_share"].iloc[0]) * 100
        ax.scatter([px], [py], color=sns.color_palette()[2], zorder=3)
        ax.annotate(point_label, (px, py), xytext=(8, -14), textcoords="offset points", fontsize=8)
        ax.axvline(px, color="#b8c0cc", linewidth=0.6)
    ax.set_xlim(0, 100)
    ax.set_ylim(0, 101)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    _title(ax, title)
    plt.close(fig)
    return fig


def heatmap(
    matrix: pd.DataFrame,
    *,
    title: str,
    xlabel: str,
    ylabel: str,
    percent: bool = False,
    figsize: tuple[float, float] | None = None,
    tick_labels: Mapping[str, str] | None = None,
) -> plt.Figure:
    """An annotated heatmap of a small matrix (ABC×XYZ counts, migration counts); ``tick_labels``
    renames row and column codes (``new`` -> "новые") for the axes."""
    data = matrix.astype(float) * (100 if percent else 1)
    if tick_labels:
        data = data.rename(index=lambda v: tick_labels.get(v, v), columns=lambda v: tick_labels.get(v, v))
    fig, ax = plt.subplots(
        figsize=figsize or (max(4.0, 0.9 * data.shape[1] + 1.5), max(2.4, 0.5 * data.shape[0] + 1.0)),
        layout="constrained",
    )
    cmap = sns.light_palette(sns.color_palette()[0], as_cmap=True)
    sns.heatmap(data, annot=True, fmt=".0f", cmap=cmap, cbar=False, ax=ax, linewidths=0.5, linecolor="white")
    _title(ax, title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.tick_params(axis="y", rotation=0)
    plt.close(fig)
    return fig


def portfolio_bars(
    portfolios: pd.DataFrame,
    *,
    lang: str,
    title: str,
    unit: str,
    classes=("A", "B", "C", "D"),
    figsize: tuple[float, float] | None = None,
) -> plt.Figure:
    """Each manager's revenue split by client class (stacked horizontal bars)."""
    df = portfolios.sort_values("revenue")
    fig, ax = plt.subplots(figsize=figsize or (FIGSIZE[0], 0.45 * len(df) + 1.2), layout="constrained")
    left = None
    pal = sns.color_palette(n_colors=len(classes))
    y = range(len(df))
    for color, cls in zip(pal, classes, strict=True):
        col = f"revenue_{cls}"
        if col not in df:
            continue
        values = df[col].clip(lower=0).to_numpy()
        ax.barh(list(y), values, left=left, label=cls, color=color)
        left = values if left is None else left + values
    ax.set_yticks(list(y), [str(m) for m in df["manager"]])
    millions(ax.xaxis, lang=lang)
    ax.set_xlabel(unit)
    _title(ax, title)
    _legend_below(fig, ax, ncols=len(classes))
    plt.close(fig)
    return fig


def trend(
    trend_table: pd.DataFrame,
    *,
    title: str,
    threshold: float | None = None,
    figsize: tuple[float, float] | None = None,
) -> plt.Figure:
    """Weekly attainment (%) per manager over the last weeks (``trend_table`` from
    :func:`salesaudit.weekly.tracking.track_trend`, already labelled), the department in bold."""
    fig, ax = plt.subplots(figsize=figsize or FIGSIZE, layout="constrained")
    lines = [  # a manager without any plan in these weeks (one who left) has no line: no legend entry
        (key, part)
        for key, part in trend_table.groupby(["level", "manager"], sort=False)
        if part["attainment"].notna().any()
    ]
    colors = iter(series_colors(sum(level != "department" for (level, _), _ in lines)))
    for (level, manager), part in lines:
        part = part.sort_values("week_start")
        bold = level == "department"
        ax.plot(
            part["iso_week"].str[-3:],
            part["attainment"] * 100,
            marker="o",
            markersize=3,
            linewidth=2.6 if bold else 1.1,
            label=str(manager),
            color="#1E2430" if bold else next(colors),
        )
    ax.axhline(100, color="#b8c0cc", linewidth=0.8)
    if threshold is not None:
        ax.axhline(
            threshold * 100,
            color=sns.color_palette()[4 % len(sns.color_palette())],
            linewidth=0.8,
            linestyle="--",
        )
    _title(ax, title)
    _legend_below(fig, ax, ncols=4)
    plt.close(fig)
    return fig


def backtest_months(
    bt: pd.DataFrame, *, lang: str, title: str, weeks_label: str, figsize: tuple[float, float] | None = None
) -> plt.Figure:
    """Department attainment per past month (bars; missed months in the warning colour), with the weeks
    of warning written above the months the weekly view flagged."""
    df = bt[bt["level"] == "department"].sort_values("period")
    fig, ax = plt.subplots(figsize=figsize or FIGSIZE, layout="constrained")
    pal = sns.color_palette()
    colors = [pal[4 % len(pal)] if m else pal[0] for m in df["missed"]]
    x = range(len(df))
    ax.bar(x, df["attainment"] * 100, color=colors)
    ax.axhline(100, color="#1E2430", linewidth=0.8)
    for i, (w, flagged) in enumerate(zip(df["weeks_of_warning"], df["flagged"], strict=True)):
        if flagged and pd.notna(w):
            ax.annotate(f"{int(w)} {weeks_label}", (i, 101), ha="center", fontsize=8, fontweight="bold")
    ax.set_xticks(list(x), _month_labels(pd.to_datetime(df["period"] + "-01"), lang, narrow=_narrow(fig)))
    ax.set_ylim(0, max(120, float((df["attainment"] * 100).max()) + 10))
    _title(ax, title)
    plt.close(fig)
    return fig
