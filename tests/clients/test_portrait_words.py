"""The portrait's sentences say what its figures say, in both languages; a thin portrait says why."""

from __future__ import annotations

import pandas as pd
import pytest

from salesaudit.clients.portrait import portrait, rank_lookalikes
from salesaudit.clients.portrait_words import chart_rows, lookalike_table, portrait_sentences, value_words
from salesaudit.report.charts import portrait_shares


def attributes(n_a: int = 20) -> pd.DataFrame:
    # A clients: 15 of 20 in construction; the other buyers: 10 of 60
    status = ["A"] * n_a + ["B"] * 30 + ["C"] * 30 + ["non_buyer"] * 5
    industry = ["Строительство"] * 15 + ["Торговля"] * (n_a - 15) + ["Строительство"] * 10 + ["Торговля"] * 50
    industry += ["Строительство"] * 5
    rhythm = ["monthly"] * n_a + ["rarer"] * 60 + [None] * 5
    return pd.DataFrame(
        {
            "client_id": [f"c{i}" for i in range(len(status))],
            "name": [f"Клиент {i}" for i in range(len(status))],
            "manager": "Ann",
            "status": status,
            "industry": industry,
            "frequency": rhythm,
        }
    )


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_each_sentence_quotes_the_lift_and_the_shares_it_rests_on(lang):
    drawn = portrait(attributes())
    sentences = portrait_sentences(drawn, lang=lang)
    assert drawn.verdict == "enough" and len(sentences) == len(drawn.top)
    row = drawn.top[drawn.top["attribute"] == "industry"].iloc[0]
    assert row["a_share"] == 0.75 and row["base_share"] == 0.3125  # 15/20 against 25/80
    said = next(s for s in sentences if "Строительство" in s)
    ratio = "2,4" if lang == "ru" else "2.4"  # 0.75 / 0.3125 = 2.4
    assert ratio in said and ("75" in said and "31" in said)
    monthly = next(s for s in sentences if value_words("frequency", "monthly", lang=lang) in s)
    assert ("4,0" if lang == "ru" else "4.0") in monthly  # 100 % of A against 25 % of buyers
    assert all(s[0].isupper() for s in sentences)


def test_a_thin_portrait_says_why_and_ranks_no_one():
    few = attributes().iloc[15:]  # five A clients left
    drawn = portrait(few)
    assert drawn.verdict == "thin" and drawn.reasons[0] == "few_a"
    assert portrait_sentences(drawn, lang="en") == [
        "No portrait can be drawn: there are only 5 A clients, at least 10 are needed."
    ]
    assert rank_lookalikes(few).empty


def test_lookalike_rows_name_their_traits_and_the_a_by_potential_mark():
    ranked = rank_lookalikes(attributes())
    grow = lookalike_table(ranked, kind="grow", lang="ru", by_potential=[ranked["client_id"].iloc[0]])
    assert list(grow.columns) == ["name", "manager", "status", "similarity", "reasons", "by_potential"]
    assert grow["by_potential"].iloc[0] == "да" and (grow["by_potential"].iloc[1:] == "").all()
    assert grow["reasons"].iloc[0].startswith("отрасль: Строительство")
    find = lookalike_table(ranked, kind="find", lang="en")
    assert set(find["status"]) == {"no purchases"}


def test_the_chart_draws_a_pair_of_bars_per_trait():
    drawn = portrait(attributes())
    fig = portrait_shares(
        chart_rows(drawn, lang="en"), lang="en", title="t", labels=("A clients", "All buyers")
    )
    bars = fig.axes[0].patches
    assert len(bars) == 2 * len(drawn.top)
    assert sorted(round(b.get_width(), 4) for b in bars) == sorted(
        [*drawn.top["a_share"].round(4), *drawn.top["base_share"].round(4)]
    )
