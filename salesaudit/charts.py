"""Charts in the brand's colours and fonts (matplotlib + seaborn), returned as figures.

Functions here take tables and explicit labels, draw one chart, and return the ``Figure``; notebooks
display it. :func:`use_brand` applies the brand once per notebook.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg") if matplotlib.get_backend().lower() == "agg" else None

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from .brand import Brand  # noqa: E402
from .formatting import fmt_number  # noqa: E402

FIGSIZE = (7.2, 3.2)


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


def money_axis(ax, *, lang: str, scale: float = 1e6, unit: str = "") -> None:
    """Format the y axis as money in millions (or ``scale``), locale-aware."""
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt_number(v / scale, lang=lang, digits=0)))
    if unit:
        ax.set_ylabel(unit)


def monthly_revenue(sales: pd.DataFrame, *, lang: str, title: str, unit: str) -> plt.Figure:
    """Net revenue per calendar month over the whole history, as bars."""
    monthly = (
        sales.assign(month=sales["date"].dt.to_period("M").dt.to_timestamp())
        .groupby("month", as_index=False)["amount"].sum()
    )
    fig, ax = plt.subplots(figsize=FIGSIZE)
    ax.bar(monthly["month"], monthly["amount"], width=20, color=sns.color_palette()[0])
    ax.set_title(title)
    money_axis(ax, lang=lang, unit=unit)
    ax.set_xlabel("")
    fig.autofmt_xdate()
    plt.close(fig)
    return fig
