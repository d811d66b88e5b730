"""Display helpers for the notebooks: headings, tables, key figures, findings — escaped HTML.

Everything a notebook shows in the report goes through here, so client-supplied text (client names,
manager names, comments) is always HTML-escaped, numbers are always formatted for the report's locale,
and headings carry the ids the report's table of contents links to.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping

import pandas as pd
from IPython.display import HTML

from .formatting import fmt_date, fmt_money, fmt_number, fmt_percent
from .i18n import column_label

_SLUG = re.compile(r"[^0-9a-zA-Zа-яА-ЯёЁ]+")


def _slug(text: str) -> str:
    return _SLUG.sub("-", text.strip().lower()).strip("-") or "section"


def heading_html(text: str, *, level: int = 2, anchor: str | None = None) -> str:
    """``<hN id=...>`` with the text escaped.

    Examples
    --------
    >>> heading_html("ABC <анализ>", level=2, anchor="abc")
    '<h2 id="abc">ABC &lt;анализ&gt;</h2>'
    """
    anchor = anchor or _slug(text)
    return f'<h{level} id="{html.escape(anchor)}">{html.escape(text)}</h{level}>'


def heading(text: str, *, level: int = 2, anchor: str | None = None) -> HTML:
    return HTML(heading_html(text, level=level, anchor=anchor))


def paragraph(text: str, *, css: str = "") -> HTML:
    """A paragraph of plain text (escaped)."""
    cls = f' class="{css}"' if css else ""
    return HTML(f"<p{cls}>{html.escape(text)}</p>")


def format_cell(value, kind: str, *, lang: str, currency: str) -> str:
    """One cell as report text: ``money``, ``money2``, ``int``, ``number``, ``percent``, ``date``, ``text``.

    Examples
    --------
    >>> format_cell(0.1234, "percent", lang="ru", currency="RUB")
    '12,3\\xa0%'
    """
    if kind == "money":
        return fmt_money(value, currency=currency, lang=lang)
    if kind == "money2":
        return fmt_money(value, currency=currency, lang=lang, digits=2)
    if kind == "int":
        return fmt_number(value, lang=lang)
    if kind == "number":
        return fmt_number(value, lang=lang, digits=2)
    if kind == "percent":
        return fmt_percent(value, lang=lang, digits=1)
    if kind == "date":
        return fmt_date(value, lang=lang)
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "—"
    return str(value)


def table_html(
    df: pd.DataFrame,
    *,
    lang: str,
    currency: str = "RUB",
    formats: Mapping[str, str] | None = None,
    labels: Mapping[str, str] | None = None,
    max_rows: int | None = 30,
    caption: str | None = None,
    total_note: str | None = None,
) -> str:
    """A DataFrame as an escaped, locale-formatted HTML table.

    ``formats`` maps column -> kind (see :func:`format_cell`); numeric columns without a kind are
    formatted as numbers. ``labels`` maps column -> header text. Rows beyond ``max_rows`` are cut and a
    note says how many more there are (the full table is in the workbook).

    Examples
    --------
    >>> df = pd.DataFrame({"client": ['ООО "Альфа <b>"'], "amount": [1234.5]})
    >>> "&lt;b&gt;" in table_html(df, lang="ru", formats={"amount": "money"})
    True
    """
    formats = dict(formats or {})
    labels = {c: column_label(str(c), lang) for c in df.columns} | dict(labels or {})
    shown = df if max_rows is None else df.head(max_rows)
    head = "".join(
        f'<th class="{_align(df[c], formats.get(c))}">{html.escape(str(labels.get(c, c)))}</th>'
        for c in df.columns
    )
    body = []
    for row in shown.itertuples(index=False, name=None):
        cells = []
        for col, value in zip(df.columns, row, strict=True):
            kind = formats.get(col) or (
                "number"
                if pd.api.types.is_float_dtype(df[col])
                else "int"
                if pd.api.types.is_integer_dtype(df[col])
                else "text"
            )
            text = format_cell(value, kind, lang=lang, currency=currency)
            cells.append(f'<td class="{_align(df[col], kind)}">{html.escape(text)}</td>')
        body.append("<tr>" + "".join(cells) + "</tr>")
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    more = ""
    if max_rows is not None and len(df) > max_rows:
        more = f'<p class="more">{html.escape(total_note or "")} (+{len(df) - max_rows})</p>'
    return (
        f'<table class="sa-table">{cap}<thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>{more}"
    )


def _align(series: pd.Series, kind: str | None) -> str:
    if kind in ("money", "money2", "int", "number", "percent"):
        return "num"
    if kind is None and pd.api.types.is_numeric_dtype(series):
        return "num"
    return "txt"


def table(df: pd.DataFrame, **kw) -> HTML:
    return HTML(table_html(df, **kw))


def kpis(items: Iterable[tuple[str, str]]) -> HTML:
    """A row of key figures: ``[(label, formatted value), ...]``."""
    cells = "".join(
        f'<div class="kpi"><div class="kpi-value">{html.escape(v)}</div>'
        f'<div class="kpi-label">{html.escape(k)}</div></div>'
        for k, v in items
    )
    return HTML(f'<div class="kpis">{cells}</div>')


def findings(items: Iterable[Mapping[str, str]]) -> HTML:
    """Consultant findings: each a mapping with ``text`` and optional ``severity`` (ok/warning/problem)
    and ``action``."""
    out = []
    for f in items:
        sev = html.escape(str(f.get("severity", "info")))
        action = f.get("action")
        act = f'<div class="action">{html.escape(action)}</div>' if action else ""
        out.append(f'<div class="finding {sev}"><div>{html.escape(f["text"])}</div>{act}</div>')
    return HTML('<div class="findings">' + "".join(out) + "</div>")


def key_figures(figures: pd.DataFrame, *, lang: str, currency: str = "RUB") -> HTML:
    """Key figures (columns figure, value, kind — see :func:`salesaudit.audit.key_figures`) as tiles,
    each labelled ``figure.<id>``."""
    from .i18n import t

    return kpis(
        (t(f"figure.{r.figure}", lang), format_cell(r.value, r.kind, lang=lang, currency=currency))
        for r in figures.itertuples(index=False)
    )


def flatten_columns(df: pd.DataFrame) -> pd.DataFrame:
    """Two-level column names joined with ``_`` (for CSV and the workbook)."""
    if not isinstance(df.columns, pd.MultiIndex):
        return df
    out = df.copy()
    out.columns = ["_".join(str(p) for p in col if str(p)) for col in df.columns]
    return out
