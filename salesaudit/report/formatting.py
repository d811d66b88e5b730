"""Numbers, money, percentages and dates in the report's locale (Babel).

Russian: ``1 234 567,89 ₽`` and ``25.11.2026``; English: ``₽1,234,567.89`` and ``Nov 25, 2026``.
"""

from __future__ import annotations

import pandas as pd
from babel.dates import format_date
from babel.numbers import format_decimal, format_percent, get_currency_symbol

_LOCALES = {"ru": "ru_RU", "en": "en_US"}


def _locale(lang: str) -> str:
    return _LOCALES.get(lang, lang)


def _missing(value) -> bool:
    """None, NaN, NA and NaT are all "no value" (shown as a dash)."""
    try:
        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):  # array-likes are never a missing scalar
        return False


def fmt_number(value, *, lang: str = "ru", digits: int = 0) -> str:
    """A number with the locale's grouping and ``digits`` decimals; ``—`` when missing.

    Examples
    --------
    >>> fmt_number(1234567.891, lang="ru", digits=2)
    '1\\xa0234\\xa0567,89'
    >>> fmt_number(1234567, lang="en")
    '1,234,567'
    """
    if _missing(value):
        return "—"
    fmt = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=fmt, locale=_locale(lang))


def fmt_money(value, *, currency: str = "RUB", lang: str = "ru", digits: int = 0) -> str:
    """Money in the locale's currency format.

    Examples
    --------
    >>> fmt_money(1234567.89, lang="ru", digits=2)
    '1\\xa0234\\xa0567,89\\xa0₽'
    >>> fmt_money(1234567.89, lang="en", digits=2)
    '₽1,234,567.89'
    """
    if _missing(value):
        return "—"
    number = fmt_number(value, lang=lang, digits=digits)
    symbol = _symbol(currency, lang)
    if lang == "ru":
        return f"{number}\xa0{symbol}"
    if number.startswith("-"):
        return f"-{symbol}{number[1:]}"
    return f"{symbol}{number}"


# The symbol a currency has at home (₽ for RUB) reads better than an ISO code in any language.
_HOME_LOCALE = {"RUB": "ru_RU", "KZT": "kk_KZ", "BYN": "be_BY", "UAH": "uk_UA", "UZS": "uz_UZ"}


def _symbol(currency: str, lang: str) -> str:
    return get_currency_symbol(currency, locale=_HOME_LOCALE.get(currency, _locale(lang)))


def fmt_percent(value, *, lang: str = "ru", digits: int = 0) -> str:
    """A share (0.25) as a percentage (``25 %`` in Russian, ``25%`` in English).

    Examples
    --------
    >>> fmt_percent(0.805, lang="en", digits=1)
    '80.5%'
    """
    if _missing(value):
        return "—"
    fmt = "#,##0" + ("." + "0" * digits if digits else "") + "%"
    return format_percent(value, format=fmt, locale=_locale(lang))


def fmt_date(value, *, lang: str = "ru", style: str = "short") -> str:
    """A date in the locale's format (``25.11.2026`` / ``11/25/26`` for ``short``).

    Examples
    --------
    >>> fmt_date("2026-11-25", lang="ru")
    '25.11.2026'
    >>> fmt_date("2026-11-25", lang="en", style="medium")
    'Nov 25, 2026'
    """
    if _missing(value):
        return "—"
    d = pd.Timestamp(value).date()
    if lang == "ru" and style == "short":
        return format_date(d, format="dd.MM.yyyy", locale="ru_RU")
    return format_date(d, format=style, locale=_locale(lang))
