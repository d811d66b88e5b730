import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
import seaborn as sns  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from PIL import Image  # noqa: E402

from salesaudit.report import charts  # noqa: E402

LONG = "Класс в прошлом периоде → класс в текущем периоде по выручке клиента"


def _printed_width(fig) -> int:
    """The chart's width in pixels as the report prints it (tight bounding box, so anything sticking
    out of the figure widens the image)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, bbox_inches="tight", pad_inches=0)
    return Image.open(buf).size[0]


@pytest.mark.parametrize("figsize", [charts.HALF, (4.6, 3.0), charts.FIGSIZE])
def test_a_long_title_wraps_inside_the_figure(figsize):
    matrix = pd.DataFrame([[1, 2], [3, 4]], index=["новые", "не было"], columns=["A", "B"])
    fig = charts.heatmap(matrix, title=LONG, xlabel="x", ylabel="y", figsize=figsize)
    assert _printed_width(fig) <= figsize[0] * 100 + 2
    assert fig.axes[0].get_title().replace("\n", " ") == LONG  # every word kept, in order
    plt.close(fig)


def test_a_short_title_stays_on_one_line():
    matrix = pd.DataFrame([[1]], index=["A"], columns=["A"])
    fig = charts.heatmap(matrix, title="ABC × XYZ", xlabel="x", ylabel="y", figsize=charts.HALF)
    assert "\n" not in fig.axes[0].get_title()
    plt.close(fig)


def test_a_half_width_legend_stays_inside_the_figure():
    months = pd.date_range("2026-01-01", periods=12, freq="MS")
    names = ["Кузнецов Алексей", "Петров Дмитрий", "Фёдорова Ольга", "Морозов Игорь", "Белов Никита"]
    monthly = pd.DataFrame(
        [
            {"manager": n, "month_start": m, "plan": 1_000_000 * (i + 1)}
            for i, n in enumerate(names)
            for m in months
        ]
    )
    fig = charts.plan_by_manager(monthly, lang="ru", title="План", unit="млн ₽", figsize=charts.HALF)
    assert _printed_width(fig) <= charts.HALF[0] * 100 + 2
    plt.close(fig)


def test_seven_managers_get_seven_colours_in_a_five_colour_brand():
    names = [f"Менеджер {i}" for i in range(7)]
    months = pd.date_range("2026-01-01", periods=3, freq="MS")
    monthly = pd.DataFrame([{"manager": n, "month_start": m, "plan": 1e6} for n in names for m in months])
    with sns.color_palette(["#1E3A5F", "#2A9D8F", "#E9A23B", "#6C7A89", "#C0392B"]):
        fig = charts.plan_by_manager(monthly, lang="ru", title="План", unit="млн ₽")
        bars = {tuple(p.get_facecolor()) for p in fig.axes[0].patches}
        weeks = [f"2026-W{w:02d}" for w in (45, 46, 47)]
        trend = pd.DataFrame(
            [
                {"level": "manager", "manager": n, "iso_week": w, "week_start": i, "attainment": 1.0}
                for n in names
                for i, w in enumerate(weeks)
            ]
            + [
                {"level": "department", "manager": "Отдел", "iso_week": w, "week_start": i, "attainment": 1.0}
                for i, w in enumerate(weeks)
            ]
        )
        lines = charts.trend(trend, title="Тренд", lang="ru").axes[0].get_lines()
    assert len(bars) == 7
    manager_lines = [ln for ln in lines if ln.get_label().startswith("Менеджер")]
    assert len({ln.get_color() for ln in manager_lines}) == 7
    plt.close("all")


def test_a_manager_without_figures_in_the_trend_has_no_legend_entry():
    weeks = [f"2026-W{w:02d}" for w in (46, 47)]
    trend = pd.DataFrame(
        [
            {"level": "manager", "manager": name, "iso_week": w, "week_start": i, "attainment": value}
            for name, value in (("Соколова Анна", 0.9), ("Морозов Игорь", float("nan")))
            for i, w in enumerate(weeks)
        ]
    )
    fig = charts.trend(trend, title="Тренд", lang="ru")
    assert [ln.get_label() for ln in fig.axes[0].get_lines() if not ln.get_label().startswith("_")] == [
        "Соколова Анна"
    ]
    plt.close(fig)


@pytest.mark.parametrize(
    ("top", "labels"),
    [(300_000, ["0.0", "0.1", "0.2", "0.3"]), (30_000_000, ["0", "10", "20", "30"])],
)
def test_a_money_axis_in_millions_never_repeats_a_label(top, labels):
    fig, ax = plt.subplots()
    ax.bar([0, 1], [top / 3, top])
    ax.set_yticks([top * i / 3 for i in range(4)])
    charts.money_axis(ax, lang="en")
    fig.canvas.draw()
    assert [t.get_text() for t in ax.get_yticklabels()] == labels
    plt.close(fig)


# --------------------------------------------------------------------------------------------------
# Issue 18: a team of 35 managers — charts switch form instead of growing a legend over the plot

TEAM = [f"Менеджер {i:02d}" for i in range(35)]


def _legend_clear_of_the_plot(fig) -> None:
    """Every legend outside every axes, and the plot at least 45 % of the figure's height."""
    canvas = FigureCanvasAgg(fig)  # a chart comes back closed: draw it on a canvas of its own
    canvas.draw()
    renderer = canvas.get_renderer()
    fig_height = fig.get_window_extent(renderer).height
    for ax in fig.axes:
        box = ax.get_window_extent(renderer)
        assert box.height >= 0.45 * fig_height, (
            f"plot squeezed to {box.height / fig_height:.0%} of the figure"
        )
        for legend in [*fig.legends, *([ax.get_legend()] if ax.get_legend() else [])]:
            assert not legend.get_window_extent(renderer).overlaps(box), "legend over the plot"


def _legend_labels(fig) -> list[str]:
    return [text.get_text() for legend in fig.legends for text in legend.get_texts()]


@pytest.mark.parametrize("figsize", [charts.HALF, charts.FIGSIZE])
def test_plan_by_manager_with_35_managers_keeps_the_largest_and_others(figsize):
    months = pd.date_range("2026-01-01", periods=12, freq="MS")
    monthly = pd.DataFrame(
        [
            {"manager": n, "month_start": m, "plan": 1_000_000 + 10_000 * i}
            for i, n in enumerate(TEAM)
            for m in months
        ]
    )
    fig = charts.plan_by_manager(monthly, lang="en", title="Plan", unit="mln", figsize=figsize)
    labels = _legend_labels(fig)
    assert len(labels) == charts.SERIES_MAX and labels[-1] == "28 other managers"
    assert labels[0] == "Менеджер 34"  # the largest plans are the ones named
    _legend_clear_of_the_plot(fig)
    # nothing lost: the stacks still add up to the department's plan
    tops = (
        pd.DataFrame([(p.get_x(), p.get_y() + p.get_height()) for p in fig.axes[0].patches])
        .groupby(0)[1]
        .max()
    )
    assert tops.iloc[0] == pytest.approx(monthly[monthly["month_start"] == months[0]]["plan"].sum())
    plt.close(fig)


def test_pay_curves_with_35_managers_name_three_over_grey_lines():
    scenarios = pd.DataFrame(
        [
            {"manager": n, "attainment": a, "pay": 50_000 + 1_000 * i + 60_000 * a}
            for i, n in enumerate(TEAM)
            for a in (0.5, 0.7, 1.0, 1.3, 1.5)
        ]
    )
    fig = charts.pay_curves(
        scenarios, lang="ru", title="Доход", xlabel="%", ylabel="тыс.", figsize=(7.2, 2.6)
    )
    assert _legend_labels(fig) == ["Менеджер 34", "Менеджер 17", "Менеджер 00", "ещё 32 менеджера"]
    assert len(fig.axes[0].get_lines()) == 35  # every manager's curve is still drawn
    _legend_clear_of_the_plot(fig)
    plt.close(fig)


def test_trend_with_35_managers_names_the_five_lowest():
    weeks = [f"2026-W{w:02d}" for w in range(40, 48)]
    rows = [
        {"level": "manager", "manager": n, "iso_week": w, "week_start": j, "attainment": 0.5 + 0.02 * i}
        for i, n in enumerate(TEAM)
        for j, w in enumerate(weeks)
    ]
    rows += [
        {"level": "department", "manager": "Отдел", "iso_week": w, "week_start": j, "attainment": 0.9}
        for j, w in enumerate(weeks)
    ]
    fig = charts.trend(pd.DataFrame(rows), title="Тренд", lang="ru", threshold=0.8, figsize=(7.2, 2.6))
    labels = _legend_labels(fig)
    assert labels[:5] == [f"Менеджер {i:02d}" for i in range(5)] and labels[-1] == "ещё 30 менеджеров"
    assert "Отдел" in labels and len(labels) == 7
    _legend_clear_of_the_plot(fig)
    plt.close(fig)


def test_row_charts_with_35_managers_fit_a_page():
    portfolios = pd.DataFrame(
        {
            "manager": TEAM,
            "revenue": [float(1000 - i) for i in range(35)],
            "revenue_A": 500.0,
            "revenue_B": 300.0,
        }
    )
    fig = charts.portfolio_bars(portfolios, lang="en", title="Portfolios", unit="mln")
    ticks = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert (
        len(ticks) == charts.ROWS_MAX
        and ticks[0] == "16 other managers, average"
        and ticks[-1] == "Менеджер 00"
    )
    assert fig.get_figheight() <= 7.0
    ceiling = pd.DataFrame(
        {
            "manager": TEAM,
            "plan_monthly_avg": [1e6 + i for i in range(35)],
            "current_scheme_sales_for_income": 2e6,
            "actual_monthly_sales": 9e5,
        }
    )
    fig2 = charts.income_ceiling(
        ceiling, lang="en", title="Ceiling", ceiling_label="c", plan_label="p", actual_label="a"
    )
    ticks = [t.get_text() for t in fig2.axes[0].get_yticklabels()]
    assert len(ticks) == charts.ROWS_MAX and ticks[0] == "16 other managers, average"
    assert ticks[-1] == "Менеджер 34" and fig2.get_figheight() <= 7.0
    _legend_clear_of_the_plot(fig2)
    plt.close("all")


@pytest.mark.parametrize("n", [1, 6])
def test_small_teams_keep_one_series_per_manager(n):
    months = pd.date_range("2026-01-01", periods=12, freq="MS")
    monthly = pd.DataFrame([{"manager": m, "month_start": d, "plan": 1e6} for m in TEAM[:n] for d in months])
    fig = charts.plan_by_manager(monthly, lang="ru", title="План", unit="млн ₽", figsize=charts.HALF)
    assert _legend_labels(fig) == TEAM[:n]
    _legend_clear_of_the_plot(fig)
    plt.close(fig)
