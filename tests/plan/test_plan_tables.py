"""Issue 18: the plan's per-manager tables fit an A4 page with a team of any size (1, 6, 35 managers)."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from salesaudit.plan.decomposition import plan_matrix
from salesaudit.report import show


def _monthly(managers: int) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"manager": f"Менеджер {i:02d}", "period": f"2026-{m:02d}", "plan": 100_000 * (i + 1)}
            for i in range(managers)
            for m in range(1, 13)
        ]
    )


def _headers(html: str) -> list[list[str]]:
    return [re.findall(r"<th(?:\s[^>]*)?>(.*?)</th>", part) for part in html.split("<table")[1:]]


@pytest.mark.parametrize(("managers", "tables"), [(1, 1), (6, 1), (35, 5)])
def test_plan_by_month_is_split_into_page_wide_tables(managers, tables):
    matrix = show.transpose(plan_matrix(_monthly(managers)), index="manager", name="period")
    html = show.split_table_html(matrix, keep="period", lang="en", caption="Plan by month", max_rows=None)
    heads = _headers(html)
    assert len(heads) == tables
    # months down (12 and the year), at most PAGE_COLUMNS managers across, the month column in each
    assert all(h[0] == "Period" and len(h) - 1 <= show.PAGE_COLUMNS for h in heads)
    assert all(part.count("<tr>") == 1 + 13 for part in html.split("<table")[1:])
    # every manager (and the department's Σ) exactly once, in order: nothing cut at the page edge
    across = [name for h in heads for name in h[1:]]
    assert across == [f"Менеджер {i:02d}" for i in range(managers)] + ["Σ"]
    assert html.count("<caption>") == 1


def test_column_groups_are_balanced_and_keep_their_order():
    wide = pd.DataFrame({"period": ["2026-01"], **{f"m{i}": [i] for i in range(17)}})
    groups = show.column_groups(wide, keep="period", width=8)
    assert [g.shape[1] - 1 for g in groups] == [6, 6, 5]  # never 8, 8, 1
    assert pd.concat([g.drop(columns="period") for g in groups], axis=1).columns.tolist() == [
        f"m{i}" for i in range(17)
    ]
