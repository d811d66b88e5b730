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
from .formatting import fmt_number, fmt_percent  # noqa: E402
from .i18n import t  # noqa: E402

FIGSIZE = (7.2, 3.2)
"""A full-width chart (inches)."""
HALF = (3.6, 2.8)
"""A chart shown half-width, beside another (:func:`salesaudit.report.show.figure_row`)."""
SERIES_MAX = 8
"""Managers a chart draws as series of their own, each in the legend; with more, a chart switches form
(the largest ones plus "others", or a few highlighted over grey lines) so the legend never outgrows
the plot."""
ROWS_MAX = 20
"""Managers a chart with one bar row per manager draws; with more, the largest ``ROWS_MAX - 1`` and
one row for the others (the table beside the chart lists every manager)."""
ROW_INCHES = 0.28
"""Height of one bar row; a row chart is ``ROW_INCHES`` × rows + 1.2 inches tall (1.4 with a legend of three)."""
OTHERS_GREY = "#b8c0cc"


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


def _legend_below(fig, ax, *, ncols: int, last: str | None = None) -> None:
    """The legend under the plot, outside it (never over the data), in at most ``ncols`` columns and
    no more than fit the figure's width (a column per 1.7 inches: a manager's full name at 7 pt); the
    entry ``last`` (the grey "others") goes last. Charts keep their entries few (:data:`SERIES_MAX`)."""
    handles, labels = ax.get_legend_handles_labels()
    if last in labels:
        i = labels.index(last)
        handles, labels = [*handles[:i], *handles[i + 1 :], handles[i]], [*labels[:i], *labels[i + 1 :], last]
    if handles:
        ncols = max(1, min(ncols, int(fig.get_figwidth() / 1.7)))
        fig.legend(handles, labels, loc="outside lower center", ncols=ncols, frameon=False, fontsize=7)


def _rows_height(rows: int, *, extra: float = 1.2) -> float:
    """A row chart's height in inches: :data:`ROW_INCHES` per row plus ``extra`` (title, axis, legend)."""
    return ROW_INCHES * rows + extra


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


def top_series(wide: pd.DataFrame, *, n: int, others: str) -> pd.DataFrame:
    """``wide``'s columns (one per series) as at most ``n``: the ``n - 1`` with the largest totals,
    largest first, then one column ``others`` summing the rest; ``wide`` unchanged when it has at most
    ``n`` columns.

    Examples
    --------
    >>> w = pd.DataFrame({"a": [1, 1], "b": [5, 5], "c": [2, 2], "d": [3, 0]})
    >>> top_series(w, n=3, others="rest").to_dict("list")
    {'b': [5, 5], 'c': [2, 2], 'rest': [4, 1]}
    """
    if wide.shape[1] <= n:
        return wide
    totals = wide.sum(axis=0).sort_values(ascending=False, kind="stable")
    kept = list(totals.index[: n - 1])
    rest = [c for c in wide.columns if c not in kept]
    return wide[kept].assign(**{others: wide[rest].sum(axis=1)})


def plan_by_manager(
    plan_monthly: pd.DataFrame,
    *,
    lang: str,
    title: str,
    unit: str,
    figsize: tuple[float, float] | None = None,
) -> plt.Figure:
    """Each manager's plan per month, stacked; with more than :data:`SERIES_MAX` managers the largest
    yearly plans and one grey segment for the others (labelled ``chart.others``)."""
    pivot = plan_monthly.pivot_table(index="month_start", columns="manager", values="plan", aggfunc="sum")
    pivot = pivot.fillna(0).sort_index()
    pivot.columns = [str(c) for c in pivot.columns]
    grouped = pivot.shape[1] > SERIES_MAX
    if grouped:
        others = t("chart.others", lang, count=pivot.shape[1] - SERIES_MAX + 1)
        pivot = top_series(pivot, n=SERIES_MAX, others=others)
    fig, ax = plt.subplots(figsize=figsize or FIGSIZE, layout="constrained")
    bottom = None
    palette = series_colors(pivot.shape[1] - grouped) + [OTHERS_GREY] * grouped
    x = range(len(pivot))
    for color, manager in zip(palette, pivot.columns, strict=True):
        values = pivot[manager].to_numpy()
        ax.bar(x, values, bottom=bottom, label=manager, color=color)
        bottom = values if bottom is None else bottom + values
    ax.set_xticks(list(x), _month_labels(pivot.index, lang, narrow=_narrow(fig)))
    money_axis(ax, lang=lang, unit=unit)
    _title(ax, title)
    _legend_below(fig, ax, ncols=3)
    plt.close(fig)
    return fig


def _highlighted(values: pd.Series, *, n: int) -> list:
    """The ``n`` keys of ``values`` spread over its range: the highest, the lowest and evenly spaced
    ranks between (n = 3: highest, median, lowest), highest first."""
    order = values.sort_values(ascending=False, kind="stable").index.tolist()
    if len(order) <= n:
        return order
    ranks = np.linspace(0, len(order) - 1, n).round().astype(int)
    return [order[i] for i in dict.fromkeys(ranks)]


def pay_curves(
    scenarios: pd.DataFrame,
    *,
    lang: str,
    title: str,
    xlabel: str,
    ylabel: str,
    figsize: tuple[float, float] | None = None,
) -> plt.Figure:
    """Monthly pay per manager against plan attainment (50 %…150 %). With more than
    :data:`SERIES_MAX` managers, three are drawn in colour and named — the highest, the median and the
    lowest pay at plan (the highest attainment when 100 % is not among the scenarios) — over the
    others' curves in thin grey, one legend entry (``chart.others``)."""
    fig, ax = plt.subplots(figsize=figsize or FIGSIZE, layout="constrained")
    parts = dict(list(scenarios.groupby("manager", sort=False)))
    shown = list(parts)
    if len(parts) > SERIES_MAX:
        at = 1.0 if (scenarios["attainment"].round(4) == 1.0).any() else scenarios["attainment"].max()
        pay = scenarios[scenarios["attainment"].round(4) == round(at, 4)].groupby("manager", sort=False)[
            "pay"
        ]
        shown = _highlighted(pay.sum(), n=3)
        rest = [m for m in parts if m not in shown]
        others = t("chart.others", lang, count=len(rest))
        for i, manager in enumerate(rest):
            part = parts[manager]
            label = others if i == 0 else "_"
            ax.plot(
                part["attainment"] * 100, part["pay"] / 1000, color=OTHERS_GREY, linewidth=0.7, label=label
            )
    for color, manager in zip(series_colors(len(shown)), shown, strict=True):
        part = parts[manager]
        ax.plot(part["attainment"] * 100, part["pay"] / 1000, marker=".", label=str(manager), color=color)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    _title(ax, title)
    _legend_below(fig, ax, ncols=4, last=others if len(parts) > SERIES_MAX else None)
    plt.close(fig)
    return fig


def top_rows(table: pd.DataFrame, *, by: str, n: int, label: str, agg: str = "sum") -> pd.DataFrame:
    """At most ``n`` rows of a per-manager ``table``: the ``n - 1`` largest by ``by`` and one row
    ``manager = label`` aggregating the rest's numeric columns (``agg``: ``sum`` or ``mean``); the
    table unchanged when it has at most ``n`` rows.

    Examples
    --------
    >>> m = pd.DataFrame({"manager": list("abcd"), "revenue": [4.0, 1.0, 3.0, 2.0]})
    >>> top_rows(m, by="revenue", n=3, label="others").values.tolist()
    [['a', 4.0], ['c', 3.0], ['others', 3.0]]
    """
    if len(table) <= n:
        return table
    ordered = table.sort_values(by, ascending=False, kind="stable")
    head, rest = ordered.iloc[: n - 1], ordered.iloc[n - 1 :]
    numeric = rest.select_dtypes("number")
    other = (numeric.sum() if agg == "sum" else numeric.mean()).to_frame().T.assign(manager=label)
    return pd.concat([head, other[[c for c in table.columns if c in other.columns]]], ignore_index=True)


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
    the monthly sales the plan requires (and what they sell now). At most :data:`ROWS_MAX` rows: with
    more managers, the largest plans and one row with the others' average (``chart.others_mean``)."""
    df = ceiling.sort_values("plan_monthly_avg")  # the largest plan on top
    if len(ceiling) > ROWS_MAX:  # ... and the others' row at the bottom
        label = t("chart.others_mean", lang, count=len(ceiling) - ROWS_MAX + 1)
        df = top_rows(ceiling, by="plan_monthly_avg", n=ROWS_MAX, label=label, agg="mean").iloc[::-1]
    fig, ax = plt.subplots(
        figsize=figsize or (FIGSIZE[0], _rows_height(len(df), extra=1.4)), layout="constrained"
    )
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
    _legend_below(fig, ax, ncols=3)
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
    """Each manager's revenue split by client class (stacked horizontal bars), at most
    :data:`ROWS_MAX` rows: with more managers, the largest and one row with the others' average
    (``chart.others_mean``: on the same scale as a manager). Without ``figsize`` the height follows
    the rows."""
    df = portfolios.sort_values("revenue")  # the largest on top
    if len(portfolios) > ROWS_MAX:  # ... and the others' row at the bottom
        label = t("chart.others_mean", lang, count=len(portfolios) - ROWS_MAX + 1)
        df = top_rows(portfolios, by="revenue", n=ROWS_MAX, label=label, agg="mean").iloc[::-1]
    fig, ax = plt.subplots(figsize=figsize or (FIGSIZE[0], _rows_height(len(df))), layout="constrained")
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
    lang: str,
    threshold: float | None = None,
    figsize: tuple[float, float] | None = None,
) -> plt.Figure:
    """Weekly attainment (%) per manager over the last weeks (``trend_table`` from
    :func:`salesaudit.weekly.tracking.track_trend`, already labelled), the department in bold. With more
    than :data:`SERIES_MAX` managers, the five with the lowest mean attainment are drawn in colour and
    named, the others in thin grey as one legend entry (``chart.others``)."""
    fig, ax = plt.subplots(figsize=figsize or FIGSIZE, layout="constrained")
    lines = [  # a manager without any plan in these weeks (one who left) has no line: no legend entry
        (key, part.sort_values("week_start"))
        for key, part in trend_table.groupby(["level", "manager"], sort=False)
        if part["attainment"].notna().any()
    ]
    people = [(key, part) for key, part in lines if key[0] != "department"]
    named = {key for key, _ in people}
    others = None
    if len(people) > SERIES_MAX:
        mean = pd.Series({key: part["attainment"].mean() for key, part in people})
        named = set(mean.sort_values(kind="stable").index[:5])
        others = t("chart.others", lang, count=len(people) - len(named))
    colors = iter(series_colors(len(named)))
    first_grey = True
    for (level, manager), part in sorted(
        lines, key=lambda item: item[0] in named or item[0][0] == "department"
    ):
        bold, grey = level == "department", (level, manager) not in named and level != "department"
        label = str(manager)
        if grey:
            label, first_grey = (others if first_grey else "_"), False
        ax.plot(
            part["iso_week"].str[-3:],
            part["attainment"] * 100,
            marker=None if grey else "o",
            markersize=3,
            linewidth=2.6 if bold else 0.7 if grey else 1.1,
            label=label,
            color="#1E2430" if bold else OTHERS_GREY if grey else next(colors),
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
    _legend_below(fig, ax, ncols=4, last=others)
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


def portrait_shares(
    rows: pd.DataFrame,
    *,
    lang: str,
    title: str,
    labels: tuple[str, str],
    figsize: tuple[float, float] | None = None,
) -> plt.Figure:
    """The target-client portrait: for each telling trait (``label``), the share of A clients
    (``a_share``) beside the share of all buyers (``base_share``) holding it, as paired horizontal
    bars, the most telling on top; ``labels`` name the two series (A clients, all buyers)."""
    df = rows.iloc[::-1].reset_index(drop=True)
    height = 0.38
    y = np.arange(len(df))
    fig, ax = plt.subplots(figsize=figsize or (FIGSIZE[0], _rows_height(2 * len(df))), layout="constrained")
    pal = sns.color_palette(n_colors=2)
    ax.barh(y + height / 2, df["a_share"], height=height, color=pal[0], label=labels[0])
    ax.barh(y - height / 2, df["base_share"], height=height, color=OTHERS_GREY, label=labels[1])
    ax.set_yticks(list(y), [str(v) for v in df["label"]])
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt_percent(v, lang=lang)))
    _title(ax, title)
    _legend_below(fig, ax, ncols=2)
    plt.close(fig)
    return fig
