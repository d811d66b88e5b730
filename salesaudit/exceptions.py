"""Typed errors: one base class, a few specific ones, each carrying the facts a consultant needs.

The CLI prints any :class:`SalesAuditError` as one clear message and exits with status 1; anything else
is a bug and keeps its traceback.
"""

from __future__ import annotations

import reprlib

MAX_VALUE_CHARS = 120
"""A value quoted in a message is cut to this many characters (an ellipsis marks the cut)."""
MAX_MESSAGE_CHARS = 2000
"""A whole message is cut to this many characters: a hostile value never floods the terminal."""

_REPR = reprlib.Repr()
_REPR.maxlevel, _REPR.maxlist, _REPR.maxtuple, _REPR.maxdict, _REPR.maxset = 3, 8, 8, 8, 8
_REPR.maxstring = _REPR.maxother = MAX_VALUE_CHARS


def shorten(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, an ellipsis marking the cut.

    Examples
    --------
    >>> shorten("abcdef", 4), shorten("abc", 4)
    ('abc…', 'abc')
    """
    return text if len(text) <= limit else text[: limit - 1] + "…"


def short_repr(value: object, limit: int = MAX_VALUE_CHARS) -> str:
    """``repr(value)`` in at most ``limit`` characters, computed without building the whole repr of a
    huge value (a long string is cut first; containers show their first items, three levels deep).

    Examples
    --------
    >>> short_repr("twenty")
    "'twenty'"
    >>> short_repr("x" * 500) == "'" + "x" * 118 + "…"
    True
    >>> len(short_repr([[list(range(1000))] * 1000] * 1000)) <= 120
    True
    """
    if isinstance(value, str):
        text = repr(value[: limit + 1])
    elif isinstance(value, (int, float, bool, bytes)) or value is None:
        text = repr(value[: limit + 1] if isinstance(value, bytes) else value)
    else:
        text = _REPR.repr(value)
    return shorten(text, limit)


class SalesAuditError(Exception):
    """Base class for problems the consultant can fix (data, configuration, a failing stage).

    Parameters
    ----------
    message
        What went wrong, in plain words.
    file, row, column, value, key
        Where it went wrong, when known. ``row`` is the row number as the user sees it in the file
        (1-based, header included), ``key`` a dotted path in ``engagement.yaml``.
    hint
        What to do about it.

    ``str()`` is the one message the CLI prints: the value is quoted in at most
    :data:`MAX_VALUE_CHARS` characters and the whole message in at most :data:`MAX_MESSAGE_CHARS`.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
        value: object = None,
        key: str | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.row = row
        self.column = column
        self.value = value
        self.key = key
        self.hint = hint

    def __str__(self) -> str:
        where = []
        if self.file is not None:
            where.append(f"file {shorten(str(self.file), 400)}")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {short_repr(self.column)}")
        if self.key is not None:
            where.append(f"key {short_repr(self.key, 300)}")
        text = shorten(str(self.message), 1200)
        if where:
            text = f"{', '.join(where)}: {text}"
        if self.value is not None:
            text += f" (value: {short_repr(self.value)})"
        if self.hint:
            text += f"\n  hint: {shorten(str(self.hint), 600)}"
        return shorten(text, MAX_MESSAGE_CHARS)


class ConfigError(SalesAuditError):
    """``engagement.yaml`` (or a file it names) is missing, malformed or has a bad value."""


class InputFileError(SalesAuditError):
    """A client file cannot be read as configured: unreadable, empty, wrong sheet, missing column..."""


class DataError(SalesAuditError):
    """The data were read but cannot be analysed as asked (e.g. an undecidable date format)."""


class StageError(SalesAuditError):
    """A notebook stage failed while executing; ``notebook`` is the partial executed notebook."""

    def __init__(self, message: str, *, stage: str, notebook: str | None = None, **kw) -> None:
        super().__init__(message, **kw)
        self.stage = stage
        self.notebook = notebook

    def __str__(self) -> str:
        text = f"stage {self.stage!r} failed: {super().__str__()}"
        if self.notebook:
            text += f"\n  partial notebook: {self.notebook}"
        return text
