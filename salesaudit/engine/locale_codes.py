"""Is this a currency / country code the report can use? Babel formats the money (ISO 4217) and the
``holidays`` package gives the working-day calendar (ISO 3166 alpha-2). No imports of the project, so
that the config model and the ``new`` command can both use them."""

from __future__ import annotations

import datetime as dt
import functools

from ..exceptions import ConfigError


@functools.cache
def _currencies_in_use() -> frozenset[str]:
    """The currencies some territory uses today, per Babel's CLDR data."""
    from babel import Locale
    from babel.numbers import get_territory_currencies

    today = dt.date.today()
    territories = [t for t in Locale("en").territories if len(t) == 2 and t.isalpha()]
    return frozenset(c for t in territories for c in get_territory_currencies(t, today))


def check_currency(code: str, *, option: str = "--currency") -> str:
    """``code`` upper-cased if it is an ISO 4217 currency Babel knows (it formats the report's money)
    and some country uses today: RUR, the rouble before 1998 that old 1C configurations still show,
    is refused with the hint RUB.

    Raises
    ------
    ConfigError
        Naming ``option`` and the value, with examples.

    Examples
    --------
    >>> check_currency("usd")
    'USD'
    """
    from babel.numbers import get_currency_name, list_currencies

    value = str(code).strip().upper()
    if value not in list_currencies():
        raise ConfigError(
            f"{option}: not an ISO 4217 currency code",
            value=code,
            hint="use a three-letter code such as RUB, USD, EUR, KZT, GBP",
        )
    if value not in _currencies_in_use():
        raise ConfigError(
            f"{option}: {get_currency_name(value, locale='en')} is no longer in use",
            value=code,
            hint="use today's code, e.g. RUB for the Russian rouble, BYN for the Belarusian one",
        )
    return value


def check_country(code: str, *, option: str = "--country") -> str:
    """``code`` upper-cased if the ``holidays`` package has a working-day calendar for it.

    Raises
    ------
    ConfigError
        Naming ``option`` and the value, with examples.

    Examples
    --------
    >>> check_country("de")
    'DE'
    """
    import holidays

    value = str(code).strip().upper()
    if value not in holidays.list_supported_countries():
        raise ConfigError(
            f"{option}: not a country the holidays package has a working-day calendar for",
            value=code,
            hint="use an ISO 3166 alpha-2 code such as RU, KZ, BY, DE, US, GB",
        )
    return value
