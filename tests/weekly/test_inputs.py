"""The tracking functions' prepared inputs (salesaudit.weekly.inputs): managers coded once per name."""

from __future__ import annotations

import numpy as np
import pandas as pd

from salesaudit.weekly import inputs


def test_each_line_is_coded_to_its_managers_name_blanks_and_missing_unassigned():
    names = ["Ann", "Bob", None, "  ", "Ann", '""', "Cy", "Bob"]
    sales = pd.DataFrame(
        {
            "date": pd.to_datetime(["2026-03-02"] * 7 + ["2026-04-20"]),  # the last line after as_of
            "amount": [1.0, 2, 3, 4, 5, 6, 7, 8],
            "manager": pd.Series(names, dtype="category"),
        }
    )
    plan = pd.DataFrame(
        {
            "manager": ["Ann", "Dee"],
            "week_start": pd.to_datetime(["2026-03-02"] * 2),
            "week_end": pd.to_datetime(["2026-03-08"] * 2),
            "plan": [10, 20],
        }
    )
    prepared = inputs._prepare(sales, plan, None, pd.Timestamp("2026-03-31"))
    got = prepared.names[prepared.sales["m"].to_numpy()]
    unassigned = inputs._UNASSIGNED
    assert got.tolist() == ["Ann", "Bob", unassigned, unassigned, "Ann", unassigned, "Cy"]
    assert prepared.sales["cents"].tolist() == [100, 200, 300, 400, 500, 600, 700]
    # the names: the plan's and those of the lines used (Bob's line after as_of is not used, his first is)
    assert set(prepared.names) == {"Ann", "Bob", "Cy", "Dee", unassigned}
    assert prepared.notes["sales_lines_without_manager"] == 3
    assert prepared.notes["sales_lines_after_as_of"] == 1
    assert np.array_equal(prepared.names, np.sort(prepared.names))  # sorted, the stand-in last
