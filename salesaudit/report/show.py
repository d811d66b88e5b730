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

from .figures import figure, figure_row  # noqa: F401 - notebooks display charts through show
from .formatting import fmt_date, fmt_money, fmt_number, fmt_percent
from .i18n import catalog, column_label, t

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
    """One cell as report text: ``money``, ``money2``, ``int``, ``number`` (2 decimals), ``number1``
    (1 decimal, none when whole), ``percent`` (1 decimal), ``percent0`` (whole percent), ``date``,
    ``text``. Missing values are a dash.

    Examples
    --------
    >>> format_cell(1234567.4, "money", lang="ru", currency="RUB")
    '1\\xa0234\\xa0567\\xa0₽'
    >>> format_cell(2.0, "number1", lang="en", currency="RUB"), format_cell(None, "int", lang="en", currency="RUB")
    ('2', '—')
    """
    if kind == "number1":
        whole = _is_number(value) and float(value).is_integer()
        return fmt_number(value, lang=lang, digits=0 if whole else 1)
    if kind == "percent0":
        return fmt_percent(value, lang=lang, digits=0)
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


KEEP_ROWS = 15
"""Tables with at most this many rows are kept on one page."""


_LONG_TOKEN = re.compile(r"\S{16,}")


def wrappable(text: str, *, every: int = 12) -> str:
    """Escape ``text`` and let long unbroken tokens (codes, e-mails, file names) wrap: ``<wbr>`` after
    ``/ _ - . @`` and every ``every`` characters. Cheaper for the PDF renderer than CSS
    ``overflow-wrap: anywhere`` on every cell, and invisible in the text layer.

    Examples
    --------
    >>> wrappable("ООО <Альфа>")
    'ООО &lt;Альфа&gt;'
    >>> wrappable("sales_2025_export_final.csv").count("<wbr>") >= 3
    True
    """

    def split(match: re.Match) -> str:
        token = match.group(0)
        parts, run = [], 0
        for ch in token:
            parts.append(html.escape(ch))
            run += 1
            if ch in "/_-.@" or run >= every:
                parts.append("<wbr>")
                run = 0
        return "".join(parts).removesuffix("<wbr>")

    out, pos = [], 0
    for match in _LONG_TOKEN.finditer(text):
        out.append(html.escape(text[pos : match.start()]))
        out.append(split(match))
        pos = match.end()
    out.append(html.escape(text[pos:]))
    return "".join(out)


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
    css: str = "",
) -> str:
    """A DataFrame as an escaped, locale-formatted HTML table.

    ``formats`` maps column -> kind (see :func:`format_cell`); numeric columns without a kind are
    formatted as numbers. ``labels`` maps column -> header text. Rows beyond ``max_rows`` are cut and a
    note says how many more there are (the full table is in the workbook). ``css`` adds classes to the
    table (``compact``: smaller type for wide tables). A table of at most :data:`KEEP_ROWS` rows is kept
    on one page.

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
            cells.append(f'<td class="{_align(df[col], kind)}">{wrappable(text)}</td>')
        body.append("<tr>" + "".join(cells) + "</tr>")
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    more = ""
    if max_rows is not None and len(df) > max_rows:
        more = f'<p class="more">{html.escape(total_note or "")} (+{len(df) - max_rows})</p>'
    classes = " ".join(["sa-table", *css.split()])
    out = f'<table class="{classes}">{cap}<thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>{more}'
    # a short table is never split across pages (nor its caption left alone at the foot of a page)
    return f'<div class="keep">{out}</div>' if len(shown) <= KEEP_ROWS else out


def _is_number(value) -> bool:
    try:
        return not pd.isna(value) and isinstance(float(value), float)
    except (TypeError, ValueError):
        return False


def _align(series: pd.Series, kind: str | None) -> str:
    if kind in ("money", "money2", "int", "number", "number1", "percent", "percent0"):
        return "num"
    if kind is None and pd.api.types.is_numeric_dtype(series):
        return "num"
    return "txt"


def table(df: pd.DataFrame, *, lang: str, currency: str = "RUB", **kw) -> HTML:
    """:func:`table_html` for display in a notebook (same parameters)."""
    return HTML(table_html(df, lang=lang, currency=currency, **kw))


def kpis(items: Iterable[tuple[str, str]], *, css: str = "") -> HTML:
    """A row of key figures: ``[(label, formatted value), ...]``; ``css`` adds classes (``summary``:
    four smaller tiles a row)."""
    cells = "".join(
        f'<div class="kpi"><div class="kpi-value">{html.escape(v)}</div>'
        f'<div class="kpi-label">{html.escape(k)}</div></div>'
        for k, v in items
    )
    classes = " ".join(["kpis", *css.split()])
    return HTML(f'<div class="{classes}">{cells}</div>')


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


def key_figures(figures: pd.DataFrame, *, lang: str, currency: str = "RUB", css: str = "") -> HTML:
    """Key figures (columns figure, value, kind — see :func:`salesaudit.audit.keyfigures.key_figures`) as tiles,
    each labelled ``figure.<id>``."""
    return kpis(
        (
            (t(f"figure.{r.figure}", lang), format_cell(r.value, r.kind, lang=lang, currency=currency))
            for r in figures.itertuples(index=False)
        ),
        css=css,
    )


def flatten_columns(df: pd.DataFrame) -> pd.DataFrame:
    """Two-level column names joined with ``_`` (for CSV and the workbook)."""
    if not isinstance(df.columns, pd.MultiIndex):
        return df
    out = df.copy()
    out.columns = ["_".join(str(p) for p in col if str(p)) for col in df.columns]
    return out


# --------------------------------------------------------------------------------------------------
# The scorecard and the executive summary


def status_badge(status: str, *, lang: str) -> str:
    """A status as a coloured pill (``ok``/``warning``/``problem``/``unknown``), escaped.

    Examples
    --------
    >>> status_badge("problem", lang="en")
    '<span class="status status-problem">problem</span>'
    """
    return f'<span class="status status-{html.escape(status)}">{html.escape(t(f"scorecard.status.{status}", lang))}</span>'


def scorecard_table_html(findings: pd.DataFrame, *, lang: str) -> str:
    """The checks of one area (rows of :func:`salesaudit.audit.scorecard.evaluate_checks`): status, check,
    evidence, recommendation — with a link to the report section that deals with the check. Each row
    carries its status worded per status (``data-claim="scorecard.status"``, ``data-status``) and
    its claim (``data-check``: the check id; claim ``check.<id>`` of the table ``claims``).

    Examples
    --------
    >>> f = pd.DataFrame({"status": ["ok"], "title": ["<T>"], "evidence": ["e"], "recommendation": ["r"],
    ...                   "fix": ["plan"]})
    >>> "&lt;T&gt;" in scorecard_table_html(f, lang="en")
    True
    >>> '<tr data-claim="scorecard.status" data-status="ok"' in scorecard_table_html(f, lang="en")
    True
    """
    head = "".join(
        f"<th>{html.escape(t(k, lang))}</th>"
        for k in ("audit.col.status", "audit.col.check", "audit.col.evidence", "audit.col.recommendation")
    )
    rows = []
    for r in findings.itertuples(index=False):
        link = f' <a class="see" href="#{html.escape(r.fix)}">→</a>' if r.fix and r.status != "ok" else ""
        check = html.escape(str(getattr(r, "check_id", "")), quote=True)
        rows.append(
            f'<tr data-claim="scorecard.status" data-status="{html.escape(r.status, quote=True)}"'
            f' data-check="{check}">'
            f'<td>{status_badge(r.status, lang=lang)}</td><td class="check">{html.escape(r.title)}</td>'
            f"<td>{html.escape(r.evidence)}</td><td>{html.escape(r.recommendation)}{link}</td></tr>"
        )
    return (
        f'<table class="sa-table scorecard compact"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def scorecard_sections(findings: pd.DataFrame, *, lang: str) -> HTML:
    """Every area of the scorecard in turn: an ``h3`` with the area and its table of checks (each
    row with its ``data-claim`` and ``data-status``), the table marked with its area
    (``data-area``)."""
    from ..audit.scorecard import AREAS

    parts = [
        heading_html(t(f"scorecard.area.{area}", lang), level=3, anchor=f"checks-{area}")
        + scorecard_table_html(findings[findings["area"] == area], lang=lang).replace(
            "<table ", f'<table data-area="{html.escape(area, quote=True)}" ', 1
        )
        for area in AREAS
        if (findings["area"] == area).any()
    ]
    return HTML("".join(parts))


def headlines_html(headlines: pd.DataFrame, *, lang: str) -> str:
    """The headline findings (:func:`salesaudit.audit.scorecard.headline_findings`) as cards: status, title,
    evidence, the fix and a link to the report section that fixes it. Each card carries the label
    family of its title (``data-claim="scorecard.headline.<id>.title"``: one title per status) and
    its ``data-status``.

    Examples
    --------
    >>> h = pd.DataFrame({"headline_id": ["no_money_plan"], "status": ["problem"], "title": ["No plan"],
    ...     "evidence": ["e"], "recommendation": ["r"], "anchor": ["plan"], "section": ["Plan"]})
    >>> 'href="#plan"' in headlines_html(h, lang="en")
    True
    >>> 'data-claim="scorecard.headline.no_money_plan.title" data-status="problem"' in headlines_html(h, lang="en")
    True
    """
    out = []
    for r in headlines.itertuples(index=False):
        hid = str(getattr(r, "headline_id", ""))
        claim = f"scorecard.headline.{hid}.title" if hid else "scorecard.status"
        out.append(
            f'<div class="headline {html.escape(r.status)}" data-claim="{html.escape(claim, quote=True)}"'
            f' data-status="{html.escape(r.status, quote=True)}">'
            f'<div class="headline-title">{status_badge(r.status, lang=lang)} {html.escape(r.title)}</div>'
            f'<div class="headline-evidence">{html.escape(r.evidence)}</div>'
            f'<div class="headline-fix"><b>{html.escape(t("audit.summary.fix", lang))}</b> '
            f"{html.escape(r.recommendation)} "
            f'<a href="#{html.escape(r.anchor)}">{html.escape(t("audit.summary.see", lang, section=r.section))}</a>'
            "</div></div>"
        )
    return '<div class="headlines">' + "".join(out) + "</div>"


def headlines(headlines_table: pd.DataFrame, *, lang: str) -> HTML:
    return HTML(headlines_html(headlines_table, lang=lang))


def maturity_html(maturity: pd.DataFrame, *, lang: str) -> str:
    """Maturity per area (:func:`salesaudit.audit.scorecard.maturity_scores`) as labelled bars, the overall
    score last and in bold; each row says how many checks were assessed.

    Examples
    --------
    >>> m = pd.DataFrame({"area": ["clients", "overall"], "checks": [9, 9], "assessed": [8, 8],
    ...     "score": [50.0, 50.0], "level": ["developing", "developing"]})
    >>> 'style="width:50%"' in maturity_html(m, lang="en")
    True
    """
    rows = []
    for r in maturity.itertuples(index=False):
        score = "—" if pd.isna(r.score) else fmt_number(r.score, lang=lang)
        width = 0 if pd.isna(r.score) else int(r.score)
        level = "" if pd.isna(r.level) else t(f"scorecard.level.{r.level}", lang)
        cls = "overall" if r.area == "overall" else ""
        assessed = t("audit.maturity.assessed", lang, assessed=int(r.assessed), checks=int(r.checks))
        note = f'<td class="note">{html.escape(assessed)}</td>'
        rows.append(
            f'<tr class="{cls}"><td class="area">{html.escape(t(f"scorecard.area.{r.area}", lang))}</td>'
            f'<td class="bar"><div class="track"><div class="fill" style="width:{width}%"></div></div></td>'
            f'<td class="num">{html.escape(score)}</td><td class="level">{html.escape(level)}</td>{note}</tr>'
        )
    return '<table class="maturity">' + "".join(rows) + "</table>"


def maturity(maturity_table: pd.DataFrame, *, lang: str) -> HTML:
    return HTML(maturity_html(maturity_table, lang=lang))


def columns(*parts: str | HTML) -> HTML:
    """Blocks of HTML (strings, or the ``HTML`` objects of this module) side by side, equal widths.

    Examples
    --------
    >>> columns("<p>a</p>", HTML("<p>b</p>")).data.count("<td>")
    2
    """
    cells = "".join(f"<td>{p.data if isinstance(p, HTML) else p}</td>" for p in parts)
    return HTML(f'<table class="columns"><tr>{cells}</tr></table>')


def recommendations_html(top: pd.DataFrame, *, lang: str) -> str:
    """Top recommendations (:func:`salesaudit.audit.scorecard.top_recommendations`) as a numbered list, each
    with its check and a link to the section that deals with it.

    Examples
    --------
    >>> r = pd.DataFrame({"status": ["problem"], "title": ["T"], "recommendation": ["Do <it>"],
    ...                   "fix": ["plan"]})
    >>> "Do &lt;it&gt;" in recommendations_html(r, lang="en")
    True
    """
    items = "".join(
        f"<li>{status_badge(r.status, lang=lang)} <b>{html.escape(r.title)}.</b> "
        f'{html.escape(r.recommendation)} <a class="see" href="#{html.escape(r.fix)}">→</a></li>'
        for r in top.itertuples(index=False)
    )
    return f'<ol class="recommendations">{items}</ol>'


def recommendations(top: pd.DataFrame, *, lang: str) -> HTML:
    return HTML(recommendations_html(top, lang=lang))


def bullets(items: Iterable[str], *, css: str = "") -> HTML:
    """A bulleted list of plain-text items (escaped)."""
    cls = f' class="{css}"' if css else ""
    return HTML(f"<ul{cls}>" + "".join(f"<li>{html.escape(str(i))}</li>" for i in items) + "</ul>")


# --------------------------------------------------------------------------------------------------
# Tables reshaped to fit a printed page


def translate(values: pd.Series, *, prefix: str, lang: str) -> pd.Series:
    """Code values as words: each value ``v`` becomes label ``<prefix>.<v>``; combined codes such as
    ``runrate+two_weeks`` are translated part by part and joined with " + ". Codes without a label
    (class letters such as ``A`` or ``X``) and missing values stay as they are.

    Examples
    --------
    >>> translate(pd.Series(["problem", None, "A"]), prefix="scorecard.status", lang="ru").tolist()
    ['проблема', nan, 'A']
    """
    labels = catalog()

    def word(value):
        if not isinstance(value, str):
            return value
        parts = [labels.get(f"{prefix}.{part}") for part in value.split("+")]
        if not all(parts):
            return value
        return " + ".join(str(p[lang]) for p in parts)

    return values.astype(object).map(word)


def class_labels(*, lang: str) -> dict[str, str]:
    """The client-class codes that are words (``new``, ``none``, ``lost``) in ``lang``, for chart ticks.

    Examples
    --------
    >>> class_labels(lang="ru")["lost"]
    'ушёл'
    """
    return {code: t(f"clients.class.{code}", lang) for code in ("new", "none", "lost")}


def transpose(table: pd.DataFrame, *, index: str, name: str) -> pd.DataFrame:
    """Rows become columns: ``table``'s ``index`` column gives the new column names and its other column
    names become the values of the new first column ``name`` (a 12-month matrix of a few managers
    prints as 12 rows instead of 14 columns).

    Examples
    --------
    >>> m = pd.DataFrame({"manager": ["Ann", "Σ"], "2026-01": [1, 3], "total": [1, 3]})
    >>> transpose(m, index="manager", name="period").values.tolist()
    [['2026-01', 1, 3], ['total', 1, 3]]
    """
    out = table.set_index(index).T
    out.columns = [str(c) for c in out.columns]
    out.index.name = name
    return out.reset_index()


PAGE_COLUMNS = 8
"""Money columns a compact table fits across an A4 page beside its first column (a manager's name as
the header, ``17 742 150`` in each cell); :func:`column_groups` cuts wider tables into groups of this many."""


def column_groups(
    table: pd.DataFrame, *, keep: str | Iterable[str], width: int = PAGE_COLUMNS
) -> list[pd.DataFrame]:
    """``table`` cut into page-wide tables: each holds the ``keep`` columns and at most ``width`` of the
    others, in their order, the groups as equal in size as whole columns allow (36 columns at a width of
    8: 8, 7, 7, 7, 7 — never a last group of one). A table that fits is one group, unchanged.

    Examples
    --------
    >>> m = pd.DataFrame({"period": ["2026-01"], **{f"m{i}": [i] for i in range(36)}})
    >>> [g.shape[1] - 1 for g in column_groups(m, keep="period", width=8)]
    [8, 7, 7, 7, 7]
    >>> [list(g.columns) for g in column_groups(m[["period", "m0", "m1"]], keep="period")]
    [['period', 'm0', 'm1']]
    """
    keep = [keep] if isinstance(keep, str) else list(keep)
    rest = [c for c in table.columns if c not in keep]
    groups = max(1, -(-len(rest) // max(1, width)))
    size, extra = divmod(len(rest), groups)
    out, start = [], 0
    for i in range(groups):
        stop = start + size + (1 if i < extra else 0)
        out.append(table[keep + rest[start:stop]])
        start = stop
    return out


def split_table_html(
    df: pd.DataFrame, *, keep: str | Iterable[str], lang: str, width: int = PAGE_COLUMNS, **kw
) -> str:
    """A table too wide for the page as consecutive tables of :func:`column_groups` (the caption on the
    first), each a :func:`table_html` with the same ``kw`` (``formats``, ``labels``, ``currency``...).

    Examples
    --------
    >>> m = pd.DataFrame({"period": ["2026-01"], **{f"m{i}": [i] for i in range(20)}})
    >>> split_table_html(m, keep="period", lang="en", caption="Plan").count("<table")
    3
    """
    caption = kw.pop("caption", None)
    return "".join(
        table_html(part, lang=lang, caption=caption if i == 0 else None, **kw)
        for i, part in enumerate(column_groups(df, keep=keep, width=width))
    )


def split_table(df: pd.DataFrame, *, keep: str | Iterable[str], lang: str, **kw) -> HTML:
    """:func:`split_table_html` for display in a notebook (same parameters)."""
    return HTML(split_table_html(df, keep=keep, lang=lang, **kw))


def counted_lists(values: pd.Series, *, key: str, lang: str, limit: int = 3, sep: str = ", ") -> pd.Series:
    """Cells listing more than ``limit`` names (joined by ``sep``) as their count in words — the label
    ``key`` with ``count`` ("29 managers — listed in the workbook"); shorter lists and missing values
    stay as they are. The report counts, the workbook's table keeps every name.

    Examples
    --------
    >>> s = pd.Series(["Ann, Bob", ", ".join(f"m{i}" for i in range(29))])
    >>> counted_lists(s, key="clients.managers_in_workbook", lang="en").tolist()
    ['Ann, Bob', '29 managers — listed in the workbook']
    """

    def cell(value):
        if not isinstance(value, str):
            return value
        names = [n for n in value.split(sep) if n.strip()]
        return t(key, lang, count=len(names)) if len(names) > limit else value

    return values.astype(object).map(cell)


def weekly_plan_summary(plan_weekly: pd.DataFrame, *, as_of, weeks: int = 4) -> pd.DataFrame:
    """Each manager's money plan for the ``weeks`` ISO weeks from ``as_of``'s week on (week-parts of a
    week split by a month end are added up), and the activity norms of the first of them.

    Returns
    -------
    DataFrame: ``manager``, one column per ISO week (``2026-W48``...), then ``deals``, ``proposals``,
    ``meetings``, ``calls`` of the first week; managers without a plan in those weeks are left out.

    Examples
    --------
    >>> w = pd.DataFrame({"manager": ["a", "a", "a"], "iso_week": ["2026-W48", "2026-W49", "2026-W49"],
    ...     "week_start": pd.to_datetime(["2026-11-23", "2026-11-30", "2026-12-01"]),
    ...     "plan": [10, 4, 6], "deals": [1.0, 0.4, 0.6], "proposals": 1.0, "meetings": 1.0, "calls": 1.0})
    >>> weekly_plan_summary(w, as_of="2026-11-25", weeks=2).values.tolist()
    [['a', 10, 10, 1.0, 1.0, 1.0, 1.0]]
    """
    ts = pd.Timestamp(as_of).normalize()
    monday = ts - pd.Timedelta(days=ts.weekday())
    end = monday + pd.Timedelta(weeks=weeks)
    rows = plan_weekly[(plan_weekly["week_start"] >= monday) & (plan_weekly["week_start"] < end)]
    money = rows.pivot_table(index="manager", columns="iso_week", values="plan", aggfunc="sum", fill_value=0)
    money = money[money.sum(axis=1) > 0]
    norms = [c for c in ("deals", "proposals", "meetings", "calls") if c in rows.columns]
    first = rows[rows["iso_week"] == rows["iso_week"].min()].groupby("manager")[norms].sum()
    out = money.join(first, how="left")
    out.columns = [str(c) for c in out.columns]
    out.columns.name = None
    return out.reset_index()


def pay_summary(scenarios: pd.DataFrame, *, levels=(0.7, 1.0, 1.3)) -> pd.DataFrame:
    """Each manager's monthly pay at a few attainment levels and the cost of sales at plan
    (from :func:`salesaudit.plan.motivation.payout_scenarios`), one row per manager.

    Returns
    -------
    DataFrame: ``manager``, ``pay_<percent>`` per level (e.g. ``pay_70``, ``pay_100``, ``pay_130``),
    ``cost_of_sales`` at 100 % (NaN when 100 % is not among the scenarios).

    Examples
    --------
    >>> sc = pd.DataFrame({"manager": ["a", "a"], "attainment": [0.7, 1.0], "pay": [50.0, 80.0],
    ...                    "cost_of_sales": [0.1, 0.08]})
    >>> pay_summary(sc, levels=(0.7, 1.0)).values.tolist()
    [['a', 50.0, 80.0, 0.08]]
    """
    att = scenarios["attainment"].round(4)
    wanted = scenarios[att.isin([round(x, 4) for x in levels])]
    wide = wanted.pivot_table(index="manager", columns="attainment", values="pay", aggfunc="sum", sort=False)
    wide.columns = [f"pay_{round(float(c) * 100)}" for c in wide.columns]
    at_plan = scenarios[att == 1.0].groupby("manager", sort=False)["cost_of_sales"].first()
    out = wide.assign(cost_of_sales=at_plan.reindex(wide.index))
    out.columns.name = None
    return out.reset_index()


def pick_alerts(alerts_table: pd.DataFrame, *, n: int = 4, exclude=("silent_client",)) -> pd.DataFrame:
    """The ``n`` alerts to write out: the most urgent alert of each rule first (the table's order:
    severity, then rule), then the next most urgent; rules in ``exclude`` are left out (silent clients
    get their own table).

    Examples
    --------
    >>> a = pd.DataFrame({"rule": ["coverage", "coverage", "coverage", "activity", "silent_client"],
    ...                   "text": ["c1", "c2", "c3", "a1", "s1"]})
    >>> pick_alerts(a, n=3)["text"].tolist()
    ['c1', 'a1', 'c2']
    """
    rows = alerts_table[~alerts_table["rule"].isin(list(exclude))]
    first = ~rows["rule"].duplicated()
    order = pd.concat([rows[first], rows[~first]])
    return order.head(n)


def silent_summary(silent: pd.DataFrame, *, clients: pd.DataFrame | None = None, n: int = 10) -> pd.DataFrame:
    """The silent clients of :func:`salesaudit.weekly.alerts.silent_clients` (``silent`` true) as one compact
    table, largest window revenue first (the client table's ``revenue``), at most ``n`` rows.

    Returns
    -------
    DataFrame: ``manager``, ``name`` (else the client id), ``revenue`` (NaN without ``clients``),
    ``last_order``, ``days_silent``, ``median_gap_days``.

    Examples
    --------
    >>> s = pd.DataFrame({"client_id": ["a", "b", "c"], "name": ["A", None, "C"], "manager": "M",
    ...     "last_order": pd.to_datetime(["2026-10-01"] * 3), "days_silent": [50, 40, 5],
    ...     "median_gap_days": [10.0, 10.0, 10.0], "silent": [True, True, False]})
    >>> cl = pd.DataFrame({"client_id": ["a", "b"], "revenue": [1.0, 9.0]})
    >>> silent_summary(s, clients=cl)["name"].tolist()
    ['b', 'A']
    """
    rows = silent[silent["silent"].astype(bool)].copy()
    rows["name"] = rows["name"].astype(object).where(rows["name"].notna(), rows["client_id"].astype(object))
    revenue = (
        rows["client_id"].map(clients.set_index("client_id")["revenue"])
        if clients is not None and "revenue" in clients.columns
        else pd.Series(float("nan"), index=rows.index)
    )
    rows["revenue"] = revenue.astype(float)
    rows = rows.sort_values(["revenue", "days_silent"], ascending=False, na_position="last")
    cols = ["manager", "name", "revenue", "last_order", "days_silent", "median_gap_days"]
    return rows[cols].head(n).reset_index(drop=True)
