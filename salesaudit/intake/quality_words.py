"""The data-quality findings in the report's language: each finding's sentence, its example (file,
row, value, amount worded by labels: "строка 707" in Russian, "row 707" in English) and the rejection
reasons with their details worded (a canonical column by its label, a field count, a bound without
the settings' keys).

The findings themselves (:mod:`salesaudit.intake.quality`) hold no language; this module is the only
place they become text.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from babel.dates import format_date

from ..report.formatting import fmt_date, fmt_money, fmt_number, fmt_percent
from ..report.i18n import catalog, column_label, t
from .rejections import REASONS

REJECTED_PREFIX = "rejected: "
SENTENCES = {  # check -> its label (quality.yaml), ru and en
    "rejected": "quality.rejected",
    "future_date": "quality.future_date",
    "no_client": "quality.no_client",
    "totals_rows": "quality.totals_rows",
    "no_manager": "quality.no_manager",
    "duplicate_document": "quality.duplicate_document",
    "duplicate_line": "quality.duplicate_line",
    "duplicate_across_files": "quality.duplicate_across_files",
    "returns": "quality.returns",
    "outlier": "quality.outlier",
    "manager_not_listed": "quality.manager_not_listed",
    "manager_without_sales": "quality.manager_without_sales",
    "similar_client_names": "quality.similar_client_names",
    "client_not_in_register": "quality.client_not_in_register",
    "manager_names_unified": "quality.manager_names_unified",
    "client_ids_unified": "quality.client_ids_unified",
    "manager_names_kept_apart": "quality.manager_names_kept_apart",
    "client_ids_kept_apart": "quality.client_ids_kept_apart",
    "zero_amount": "quality.zero_amount",
    "data_gap": "quality.data_gap",
    "top_client": "quality.top_client",
    "round_amounts": "quality.round_amounts",
}
WITH_AMOUNT = frozenset({"returns", "outlier", "zero_amount", "round_amounts"})
"""Checks whose example shows the line's amount."""
NAME_CHECKS = frozenset(
    {"manager_names_unified", "client_ids_unified", "manager_names_kept_apart", "client_ids_kept_apart"}
)
_OUT_OF_RANGE = re.compile(r"^(\w+) outside (.+)$")
_FIELD_COUNT = re.compile(r"^(\d+) fields where the header has (\d+)$")
_SETTING_KEYS = re.compile(r"\s*\(intake\.[a-z_, .]+\)$")
_DATE_CODES = ("%d", "%m", "%Y", "%y", "%H", "%M", "%S")


def _missing(value) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def _share(value, lang: str) -> str:
    return t("quality.unknown_share", lang) if _missing(value) else fmt_percent(value, lang=lang, digits=1)


def describe(checks: pd.DataFrame, *, lang: str, currency: str = "RUB") -> pd.DataFrame:
    """Add ``example`` and ``text``: each finding's example and sentence in the report's language
    (labels ``quality.*``; a rejection reason from ``intake.reject.*``, its detail worded by
    :func:`reason_words`).

    Examples
    --------
    >>> checks = pd.DataFrame({"check": ["rejected: not_a_number", "returns"], "table": "sales",
    ...     "severity": ["problem", "info"], "count": [2, 5], "revenue_share": [None, 0.01],
    ...     "file": ["a.csv", None], "row": [707, None], "value": ["н/д", None]})
    >>> describe(checks, lang="en")["text"].tolist()
    ['2 rows rejected: not a number', '5 return lines (negative amounts, netted)']
    >>> describe(checks, lang="ru")["example"].tolist()
    ['a.csv, строка 707: н/д', '']
    """
    if not len(checks):
        return checks.assign(example=pd.Series(dtype="str"), text=pd.Series(dtype="str"))
    examples = [example_text(row, lang=lang, currency=currency) for _, row in checks.iterrows()]
    texts = [sentence(row, lang=lang) for _, row in checks.iterrows()]
    return checks.assign(
        example=pd.Series(examples, index=checks.index, dtype="str"),
        text=pd.Series(texts, index=checks.index, dtype="str"),
    )


def sentence(row, *, lang: str) -> str:
    """One finding as a sentence (``row``: a row of the findings table)."""
    check = str(row["check"])
    params = {
        "count": row["count"],
        "lines": _share(row.get("line_share"), lang),
        "revenue": _share(row.get("revenue_share"), lang),
    }
    if check.startswith(REJECTED_PREFIX):
        code = check.removeprefix(REJECTED_PREFIX)
        code = "not_a_date" if code == "not_a_date_format" else code
        detail = row.get("detail")
        reason = reason_words(code, None if _missing(detail) else str(detail), lang=lang)
        return t(SENTENCES["rejected"], lang, reason=reason, **params)
    if check == "data_gap":
        params |= {"period": period_text(str(row["value"]), lang=lang), "days": str(row["detail"])}
    elif check == "top_client":
        params["name"] = str(row["value"])
    elif check == "round_amounts":
        unit = float(row["detail"])
        params |= {
            "unit": fmt_number(unit, lang=lang),
            "large": fmt_number(100 * unit, lang=lang),
            "big": fmt_number(10 * unit, lang=lang),
        }
    return t(SENTENCES[check], lang, **params)


def example_text(row, *, lang: str, currency: str = "RUB") -> str:
    """A finding's example in words: ``<file>, row <row>: <value>[, <amount>]`` (``строка`` in
    Russian), a period, a spelling unified in a table, or the value alone.

    Examples
    --------
    >>> row = {"check": "outlier", "file": "a.csv", "row": 12, "value": "К1", "amount": 1500000.0}
    >>> example_text(row, lang="ru"), example_text(row, lang="en", currency="USD")
    ('a.csv, строка 12: К1, 1\\xa0500\\xa0000\\xa0₽', 'a.csv, row 12: К1, $1,500,000')
    """
    check, value = str(row.get("check")), row.get("value")
    value = "" if _missing(value) else str(value)
    if check == "data_gap":
        return period_text(value, lang=lang)
    if check in NAME_CHECKS and not _missing(row.get("detail")):
        table, _, rows = str(row["detail"]).rpartition(":")
        return t("quality.example_names", lang, value=value, table=_table_word(table, lang), rows=rows)
    amount = row.get("amount")
    if check in WITH_AMOUNT and not _missing(amount):
        value = t(
            "quality.example_amount",
            lang,
            value=value,
            amount=fmt_money(amount, currency=currency, lang=lang),
        )
    file, line = row.get("file"), row.get("row")
    if _missing(file) or _missing(line):
        return value
    return t("quality.example_at", lang, file=str(file), row=str(int(line)), value=value)


def _table_word(table: str, lang: str) -> str:
    key = f"cli.table.{table}"
    return t(key, lang) if key in catalog() else table


def period_text(interval: str, *, lang: str) -> str:
    """An ISO interval ``YYYY-MM-DD/YYYY-MM-DD`` in words: whole months by name, else two dates; the
    number of days after it.

    Examples
    --------
    >>> period_text("2026-03-01/2026-03-31", lang="ru"), period_text("2026-03-01/2026-04-30", lang="en")
    ('март 2026 (31 дн.)', 'March 2026 – April 2026 (61 days)')
    >>> period_text("2026-03-02/2026-03-20", lang="ru")
    '02.03.2026 – 20.03.2026 (19 дн.)'
    """
    first, last = (pd.Timestamp(part) for part in interval.split("/"))
    days = (last - first).days + 1
    if first.day == 1 and last == last + pd.offsets.MonthEnd(0):
        months = [format_date(d.date(), "LLLL yyyy", locale=lang) for d in (first, last)]
        period = months[0] if months[0] == months[1] else f"{months[0]} – {months[1]}"
    else:
        period = f"{fmt_date(first, lang=lang)} – {fmt_date(last, lang=lang)}"
    return t("quality.period", lang, period=period, count=days)


def reason_words(code: str, detail: str | None, *, lang: str) -> str:
    """A rejection reason in ``lang`` with its detail worded: a canonical column by its label, a field
    count as numbers, a plausible bound without the settings' keys; an unknown code as it is.

    Examples
    --------
    >>> reason_words("empty", "client_id", lang="ru")
    'не заполнено обязательное поле «Код клиента»'
    >>> reason_words("out_of_range", "fte outside 0..1", lang="ru")
    '«Ставка»: значение вне диапазона 0..1'
    >>> reason_words("wrong_field_count", "5 fields where the header has 4", lang="ru")
    'неверное число полей в строке: 5, в заголовке: 4'
    >>> reason_words("date_out_of_range", "1990-01-01 .. 2031-11-25 (intake.earliest_date, intake.years_after_as_of)",
    ...              lang="ru")
    'дата вне правдоподобного диапазона 1990-01-01 .. 2031-11-25'
    """
    if code not in REASONS:
        return code
    detail = detail or ""
    if code in ("empty", "negative") and detail:
        detail = _column(detail, lang)
    elif code == "not_a_date_format":
        detail = date_format_words(detail, lang=lang)
    elif code == "out_of_range" and (m := _OUT_OF_RANGE.match(detail)):
        return t("intake.reject.outside", lang, column=_column(m[1], lang), range=m[2])
    elif code == "wrong_field_count" and (m := _FIELD_COUNT.match(detail)):
        return t("intake.reject.field_count", lang, fields=m[1], header=m[2])
    elif code in ("date_out_of_range", "amount_out_of_range"):
        detail = _SETTING_KEYS.sub("", detail)
        if code == "amount_out_of_range" and detail.startswith("±"):
            try:
                detail = "±" + fmt_number(float(detail[1:]), lang=lang)
            except ValueError:
                pass
    return t(REASONS[code], lang, detail=detail).strip(" :")


def date_format_words(fmt: str, *, lang: str) -> str:
    """A date format as the reader knows it (``%d.%m.%Y``: ``ДД.ММ.ГГГГ`` / ``DD.MM.YYYY``).

    Examples
    --------
    >>> date_format_words("%d.%m.%Y %H:%M", lang="ru"), date_format_words("%m/%d/%Y", lang="en")
    ('ДД.ММ.ГГГГ чч:мм', 'MM/DD/YYYY')
    """
    words = dict(zip(_DATE_CODES, t("intake.reject.date_parts", lang).split(), strict=True))
    return re.sub("|".join(_DATE_CODES), lambda m: words[m[0]], fmt)


def _column(name: str, lang: str) -> str:
    label = column_label(name, lang)
    return f"«{label}»" if lang == "ru" else label


def rejected_in_words(rejected: pd.DataFrame, *, lang: str) -> pd.DataFrame:
    """A copy of intake's rejected rows whose ``reason`` is in ``lang``, its detail worded
    (:func:`reason_words`) — the rejected rows the report shows.

    Examples
    --------
    >>> rej = pd.DataFrame({"reason": ["client_id is empty"], "reason_code": ["empty"], "detail": ["client_id"]})
    >>> rejected_in_words(rej, lang="ru")["reason"].tolist()
    ['не заполнено обязательное поле «Код клиента»']
    """
    if not len(rejected):
        return rejected.copy()
    reasons = [
        reason_words(str(code), detail if isinstance(detail, str) else None, lang=lang)
        for code, detail in zip(rejected["reason_code"], rejected["detail"], strict=True)
    ]
    return rejected.assign(reason=pd.Series(reasons, index=rejected.index, dtype="str"))


def accounting_in_words(accounting: pd.DataFrame, *, lang: str) -> pd.DataFrame:
    """Intake's row accounting with each table named in ``lang`` (``sales``: "продажи").

    Examples
    --------
    >>> acc = pd.DataFrame({"table": ["sales", "pipeline"], "file": ["a.csv", "d.csv"]})
    >>> accounting_in_words(acc, lang="ru")["table"].tolist()
    ['продажи', 'сделки']
    """
    tables = [_table_word(str(name), lang) for name in accounting["table"]]
    return accounting.assign(table=pd.Series(tables, index=accounting.index, dtype="str"))


def any_problems(checks: pd.DataFrame) -> bool:
    """Whether a finding is a warning or a problem (else the report may say none was found).

    Examples
    --------
    >>> any_problems(pd.DataFrame({"severity": ["info"]})), any_problems(pd.DataFrame({"severity": ["warning"]}))
    (False, True)
    """
    return bool(len(checks)) and bool(np.isin(checks["severity"].astype(str), ["warning", "problem"]).any())
