"""The rejected rows of intake: one row per problem (:data:`REJECTED_COLUMNS`), each with its
``reason_code`` and its reason in words (English in the table; :func:`localize_rejected` and
:func:`reason_text` give the report's language).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..report.i18n import t
from .categoricals import STR
from .raw import RawTable

REJECTED_COLUMNS = [
    "table",
    "file",
    "row",
    "column",
    "value",
    "reason",
    "reason_code",
    "detail",
    "amount",
]
REASONS = {  # reason_code -> its label (intake.yaml), ru and en
    "not_a_number": "intake.reject.not_a_number",
    "not_a_date": "intake.reject.not_a_date",
    "not_a_date_format": "intake.reject.not_a_date_format",
    "empty": "intake.reject.empty",
    "after_as_of": "intake.reject.after_as_of",
    "date_out_of_range": "intake.reject.date_out_of_range",  # salesaudit.intake.plausible
    "amount_out_of_range": "intake.reject.amount_out_of_range",
    "totals_row": "intake.reject.totals_row",
    "wrong_field_count": "intake.reject.wrong_field_count",
    "not_won": "intake.reject.not_won",
    "negative": "intake.reject.negative",
    "out_of_range": "intake.reject.out_of_range",
    "bad_period": "intake.reject.bad_period",
    "check_failed": "intake.reject.check_failed",
    # inputs.<table>.exclude / derive / join (salesaudit.intake.transform, .linked)
    "filtered_out": "intake.reject.filtered_out",
    "needs_a_number": "intake.reject.needs_a_number",
    "derive_empty": "intake.reject.derive_empty",
    "no_header": "intake.reject.no_header",
    "header_without_lines": "intake.reject.header_without_lines",
}
REASON_CODES = tuple(REASONS)


def _rejected_frame(raw: RawTable, problems, *, table: str, label: str, amounts) -> pd.DataFrame:
    parts = []
    rows = raw.row_numbers.to_numpy()
    for mask, header, code, detail in problems:
        idx = np.flatnonzero(mask)
        if not len(idx):
            continue
        values = raw.text_at(header, idx)
        amount = np.asarray(amounts)[idx] if isinstance(amounts, np.ndarray) else np.full(len(idx), np.nan)
        parts.append(
            pd.DataFrame(
                {
                    "table": table,
                    "file": label,
                    "row": rows[idx].astype(np.int64),
                    "column": str(header),
                    "value": ["" if v is None else v for v in values],
                    "reason": t(REASONS[code], "en", detail=detail),
                    "reason_code": code,
                    "detail": detail,
                    "amount": amount,
                }
            )
        )
    if not parts:
        return _empty_rejected()
    return pd.concat(parts, ignore_index=True).sort_values(["row", "column"], kind="stable")


def _dropped_frame(raw: RawTable, table: str, label: str) -> pd.DataFrame:
    """Totals rows and malformed lines set aside by the reader, in the rejected layout."""
    dropped = raw.dropped
    detail = np.where(dropped["reason_code"] == "wrong_field_count", dropped["reason"], None)
    return pd.DataFrame(
        {
            "table": table,
            "file": label,
            "row": dropped["row"].to_numpy(),
            "column": dropped["column"].to_numpy(),
            "value": dropped["value"].fillna("").to_numpy(),
            "reason": [
                t(REASONS[c], "en", detail=d) for c, d in zip(dropped["reason_code"], detail, strict=True)
            ],
            "reason_code": dropped["reason_code"].to_numpy(),
            "detail": detail,
            "amount": np.nan,
        }
    )


def _empty_rejected() -> pd.DataFrame:
    dtypes = {"row": "int64", "amount": "float64"}
    return pd.DataFrame({c: pd.Series(dtype=dtypes.get(c, STR)) for c in REJECTED_COLUMNS})


# ------------------------------------------------------------------------------------------------
# Rejection reasons in the report's language


def localize_rejected(rejected: pd.DataFrame, *, lang: str) -> pd.DataFrame:
    """A copy of ``rejected`` whose ``reason`` is in ``lang`` (``ru`` or ``en``).

    Examples
    --------
    >>> rej = pd.DataFrame({"reason": ["not a number"], "reason_code": ["not_a_number"],
    ...                     "detail": [None]})
    >>> localize_rejected(rej, lang="ru")["reason"].tolist()
    ['не число']
    """
    if not len(rejected):
        return rejected.copy()
    reasons = [
        t(REASONS[code], lang, detail=detail if isinstance(detail, str) else "")
        for code, detail in zip(rejected["reason_code"], rejected["detail"], strict=True)
    ]
    return rejected.assign(reason=pd.Series(reasons, index=rejected.index, dtype=STR))


def reason_text(code: str, *, lang: str, detail: str | None = None) -> str:
    """One rejection reason in ``lang``.

    Examples
    --------
    >>> reason_text("after_as_of", lang="en")
    'date is after the as-of date'
    """
    return t(REASONS[code], lang, detail=detail or "")
