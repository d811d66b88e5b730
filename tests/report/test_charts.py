import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
import seaborn as sns  # noqa: E402
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
        lines = charts.trend(trend, title="Тренд").axes[0].get_lines()
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
    fig = charts.trend(trend, title="Тренд")
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
