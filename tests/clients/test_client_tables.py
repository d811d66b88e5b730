"""Issue 18: the clients stage's tables read well with a large team — long lists counted, every header a
word in both languages, no nameless manager row."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from salesaudit.clients.portfolio import manager_portfolios
from salesaudit.report import show

TEAM = [f"Менеджер {i:02d}" for i in range(29)]


def test_a_client_served_by_29_managers_is_counted_not_listed():
    shared = pd.DataFrame(
        {"client_id": ["ЦБ-1", "ЦБ-2"], "n_managers": [29, 2], "managers": [", ".join(TEAM), "Ann, Bob"]}
    )
    for lang, words in (
        ("ru", "29 менеджеров — список в книге Excel"),
        ("en", "29 managers — listed in the workbook"),
    ):
        shown = shared.assign(
            managers=show.counted_lists(shared["managers"], key="clients.managers_in_workbook", lang=lang)
        )
        html = show.table_html(shown, lang=lang)
        assert words in html and "Менеджер 05" not in html
        assert "Ann, Bob" in html  # a short list is kept as it is
    assert shared["managers"].iloc[0].count(",") == 28  # the table itself (the workbook's) keeps every name


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_portfolio_headers_are_words_not_keys(lang):
    clients = pd.DataFrame(
        {
            "client_id": ["a", "b", "c"],
            "manager": ["Ivanov", "Petrov", None],
            "segment": ["A", "D", "B"],
            "revenue": [80.0, 5.0, 15.0],
            "dormant_alarm": [False, False, False],
        }
    )
    table = manager_portfolios(clients)
    html = show.table_html(table, lang=lang)
    headers = re.findall(r"<th(?:\s[^>]*)?>(.*?)</th>", html)
    raw = [h for h in headers if re.fullmatch(r"[a-z]+(_[A-Za-z0-9]+)+", h)]
    assert not raw, f"raw keys as headers: {raw}"
    # no empty-manager row: the client without a manager is counted apart
    assert table["manager"].tolist() == ["Ivanov", "Petrov"]
