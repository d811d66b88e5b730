"""Typed errors: one base class, a few specific ones, each carrying the facts a consultant needs.

The CLI prints any :class:`SalesAuditError` as one clear message and exits with status 1; anything else
is a bug and keeps its traceback.
"""

from __future__ import annotations


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
            where.append(f"file {self.file}")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        if self.key is not None:
            where.append(f"key {self.key!r}")
        text = self.message
        if where:
            text = f"{', '.join(where)}: {text}"
        if self.value is not None:
            text += f" (value: {self.value!r})"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text


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
