import pytest

from salesaudit.report import locale, show
from salesaudit.report.locale import Bound, Formatter


def _greet(name, lang="ru", *, currency="RUB"):
    return f"{name}:{lang}:{currency}"


def test_bound_fills_only_what_the_call_leaves_out():
    bound = Bound(type("M", (), {"greet": staticmethod(_greet)}), lang="en", currency="USD")
    assert bound.greet("a") == "a:en:USD"
    assert bound.greet("a", "de") == "a:de:USD"  # lang given positionally is not passed twice
    assert bound.greet("a", currency="EUR") == "a:en:EUR"


def test_bound_leaves_functions_without_those_parameters_alone():
    bound = Bound(show, lang="en", currency="USD")
    assert bound.heading is show.heading
    assert bound.KEEP_ROWS == show.KEEP_ROWS


def test_bound_table_is_the_same_html_as_passing_lang_and_currency():
    import pandas as pd

    df = pd.DataFrame({"amount": [1234.5]})
    bound = Bound(show, lang="en", currency="USD")
    assert bound.table_html(df, formats={"amount": "money"}) == show.table_html(
        df, lang="en", currency="USD", formats={"amount": "money"}
    )
    assert bound.table(df).data == show.table(df, lang="en", currency="USD").data


def test_formatter_names_its_formats_when_one_is_unknown():
    fmt = Formatter(lang="en", currency="USD")
    assert fmt.money(10) == fmt(10, "money") == "$10"
    with pytest.raises(AttributeError, match="no format 'moneys'"):
        fmt.moneys(10)
    assert set(locale.KINDS) <= set(dir(fmt))


@pytest.mark.parametrize(
    ("language", "currency", "unit"),
    [("ru", "RUB", "млн ₽"), ("en", "RUB", "RUB mln"), ("en", "USD", "$ mln"), ("ru", "EUR", "млн €")],
)
def test_chart_money_unit_follows_the_engagement_currency(language, currency, unit):
    from pathlib import Path

    from salesaudit.engine.config import Engagement
    from salesaudit.engine.session import Session

    eng = Engagement.model_validate(
        {"client": {"name": "X"}, "as_of": "2026-11-25", "language": language, "currency": currency,
         "inputs": {"sales": {"files": ["s.csv"]}}, "plan": {"year": 2026}, "folder": Path(".")}
    )  # fmt: skip
    assert Session(eng=eng, intake=None, run_dir=None).money_unit == unit
