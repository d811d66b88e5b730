"""One report's language and currency, said once: a formatter and module proxies that fill them in.

A notebook opens a session and gets ``s.fmt`` (``s.fmt.money(x)``, ``s.fmt.date(d)``) and
``s.bind(module)``, which calls the module's functions with ``lang`` and ``currency`` filled in wherever
the function takes them and the call does not say otherwise. The cells then read as the analysis
(``show.table(plan.shares, caption=...)``) instead of repeating ``lang=lang, currency=currency``.
"""

from __future__ import annotations

import functools
import inspect
from types import ModuleType

from .show import format_cell

KINDS = ("money", "money2", "int", "number", "number1", "percent", "percent0", "date", "text")
"""The cell kinds of :func:`salesaudit.report.show.format_cell`, each a method of :class:`Formatter`."""


class Formatter:
    """Values as report text in one language and currency (see :func:`~salesaudit.report.show.format_cell`).

    Examples
    --------
    >>> fmt = Formatter(lang="en", currency="USD")
    >>> fmt.money(1234.4), fmt.percent(0.125)
    ('$1,234', '12.5%')
    >>> import pandas as pd
    >>> Formatter(lang="ru", currency="RUB").date(pd.Timestamp("2026-11-30"))
    '30.11.2026'
    >>> Formatter(lang="ru", currency="RUB").percent0(0.7)
    '70%'
    """

    def __init__(self, *, lang: str, currency: str):
        self.lang, self.currency = lang, currency

    def __call__(self, value, kind: str) -> str:
        """``value`` formatted as ``kind`` (one of :data:`KINDS`)."""
        return format_cell(value, kind, lang=self.lang, currency=self.currency)

    def __getattr__(self, kind: str):
        if kind not in KINDS:
            raise AttributeError(f"no format {kind!r}; the formats are {', '.join(KINDS)}")
        return functools.partial(self, kind=kind)

    def __dir__(self):
        return [*super().__dir__(), *KINDS]


@functools.cache
def _parameters(func) -> frozenset[str]:
    try:
        return frozenset(inspect.signature(func).parameters)
    except (TypeError, ValueError):  # builtins without a signature
        return frozenset()


class Bound:
    """A module whose functions get this report's settings (``lang``, ``currency``) filled in.

    Only parameters the function declares are filled, and never one the call passes itself
    (positionally or by keyword); classes, constants and functions without such parameters come back
    as they are.

    Examples
    --------
    >>> from salesaudit.report import show
    >>> bound = Bound(show, lang="en", currency="EUR")
    >>> bound.format_cell(1200, "money")
    '€1,200'
    >>> bound.format_cell(1200, "money", currency="USD")
    '$1,200'
    >>> bound.KEEP_ROWS == show.KEEP_ROWS
    True
    """

    def __init__(self, module: ModuleType, **settings):
        self._module, self._settings = module, settings

    def __getattr__(self, name: str):
        attr = getattr(self._module, name)
        if isinstance(attr, type) or not callable(attr):
            return attr
        wanted = {k: v for k, v in self._settings.items() if k in _parameters(attr)}
        if not wanted:
            return attr
        signature = inspect.signature(attr)

        @functools.wraps(attr)
        def call(*args, **kwargs):
            given = signature.bind_partial(*args, **kwargs).arguments
            return attr(*args, **{k: v for k, v in wanted.items() if k not in given}, **kwargs)

        return call

    def __dir__(self):
        return dir(self._module)

    def __repr__(self) -> str:
        settings = ", ".join(f"{k}={v!r}" for k, v in self._settings.items())
        return f"<{self._module.__name__} bound to {settings}>"
