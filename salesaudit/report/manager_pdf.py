"""A page per manager for the Monday meeting: HTML, one PDF with a page each, one PDF per manager.

``salesaudit weekly ENGAGEMENT --per-manager`` (``salesaudit.weekly(..., per_manager=True)``) calls
:func:`write_manager_pages` after the flash report. It reads the weekly run's own tables
(``tracking_week``, ``alerts``) and the run's intake, words the figures of
:mod:`salesaudit.weekly.manager_pages` in the engagement's language with the report's brand and
stylesheet, and writes into the run folder::

    per_manager/all_managers.html   the pages as one HTML document (the PDF's source)
    per_manager/all_managers.pdf    A4, one page per manager
    per_manager/<manager>.pdf       each page alone, to hand out (safe, unique file names)

The silent A clients and stale deals behind the lists are the run's tables ``silent_clients`` and
``stale_deals``, saved whole by the weekly notebook when asked for the pages (so the workbook, written
after it, has them: "N more in the workbook" is true).
A page that does not fit one A4 sheet is printed again with shorter lists (5, then 3, then 1 rows).
The HTML carries the report's Content-Security-Policy and passes its safety scan
(:func:`salesaudit.report.html.unsafe_content`); the PDF may read inline ``data:`` resources only.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from ..engine.config import Engagement
from ..engine.templates import template_path
from ..exceptions import SalesAuditError
from ..weekly.manager_pages import ACTIONS, ManagerPage, manager_pages
from .brand import Brand, css_variables, load_brand
from .formatting import fmt_date
from .html import REPORT_CSP, unsafe_content
from .i18n import t
from .show import format_cell, table_html

FOLDER = "per_manager"
"""The run folder's sub-folder the pages go to."""
COMBINED = "all_managers"
"""The file name (without suffix) of the document holding every manager's page."""
LIST_ROWS = (5, 3, 1)
"""Rows of the silent-client and stale-deal lists a page tries, until it fits one A4 sheet."""
MAX_NAME = 80
"""The longest file name stem a manager's PDF gets (characters)."""
_RESERVED = re.compile(r"^(con|prn|aux|nul|com\d|lpt\d)$", re.I)
_UNSAFE = re.compile(r"[^\w\- .]+")

_CSS = """
@page { size: A4; margin: 12mm 14mm 14mm 14mm;
  @bottom-left { content: string(client); font-size: 8pt; color: #6B7785; }
  @bottom-right { content: string(manager); font-size: 8pt; color: #6B7785; } }
body.managers { max-width: none; padding: 0; }
section.manager-page + section.manager-page { break-before: page; }
.manager-page .client { string-set: client content(); }
.manager-page .flash-titles { flex: 1 1 0; min-width: 0; }
.manager-page .meta { overflow-wrap: anywhere; }
.manager-page .manager-name { string-set: manager content(); font-size: 15pt; font-weight: 700;
  color: var(--primary); overflow-wrap: anywhere; }
.manager-page h2 { font-size: 11pt; margin: 8pt 0 3pt; }
.manager-page p { margin: 2pt 0 4pt; }
.manager-page .finding { padding: 3pt 7pt; margin: 3pt 0; font-size: 8.5pt; line-height: 1.35; }
.manager-page .rule { font-weight: 700; font-size: 8pt; color: var(--heading); }
.manager-page ol.actions { list-style: none; padding: 0; margin: 0; }
.manager-page table.sa-table { margin: 3pt 0 4pt; }
.manager-page td, .manager-page th { overflow-wrap: anywhere; }
"""


def write_manager_pages(
    run_dir: str | Path, *, eng: Engagement, progress: Callable[[str], None] | None = None
) -> list[Path]:
    """The per-manager pages of a finished weekly run (see the module's docstring); returns the PDFs
    written, the combined one first. A run that tracked no week (the plan has not started) gets none."""
    from ..engine.outputs import has_table, read_table

    run_dir = Path(run_dir)
    tell = progress or (lambda _: None)
    if not has_table(run_dir, "tracking_week"):
        tell("per-manager pages: no week tracked, none written")
        return []
    tracking_week, alerts = read_table(run_dir, "tracking_week"), read_table(run_dir, "alerts")
    silent, stale, chances = _lists(run_dir)
    brand = load_brand(eng.path(eng.brand), root=eng.folder, allow_outside=eng.allows_outside)
    versions = [  # the pages with lists of 5, 3, 1 rows, by manager
        {
            p.manager: p
            for p in manager_pages(
                tracking_week, alerts=alerts, silent=silent, stale=stale, chances=chances, shown=n
            )
        }
        for n in LIST_ROWS
    ]
    level = dict.fromkeys(versions[0], 0)
    while True:  # a page that runs over one sheet gets shorter lists, until it fits or they are 1 row
        pages = [versions[level[name]][name] for name in level]
        page = pages_html(pages, eng=eng, brand=brand)
        document, too_long = _render(page)
        shorter = [name for name in too_long if level[name] + 1 < len(LIST_ROWS)]
        if not shorter:
            break
        for name in shorter:
            level[name] += 1
    if too_long:
        tell(f"per-manager pages: longer than one page for {', '.join(sorted(too_long))}")
    return _write(run_dir, pages, document, page=page)


def _lists(run_dir: Path) -> tuple[pd.DataFrame, pd.DataFrame | None, pd.DataFrame | None]:
    """The silent A clients, the stale deals (None without a pipeline) and the managers' month chances
    (None without them), whole, as the weekly notebook saved them for the pages (its ``per_manager``
    parameter)."""
    from ..engine.outputs import has_table, read_table

    silent = read_table(run_dir, "silent_clients")
    stale = read_table(run_dir, "stale_deals") if has_table(run_dir, "stale_deals") else None
    chances = read_table(run_dir, "manager_chances") if has_table(run_dir, "manager_chances") else None
    return silent, stale, chances


def pages_html(pages: list[ManagerPage], *, eng: Engagement, brand: Brand) -> str:
    """Every manager's page as one HTML document: the report's brand variables and stylesheet, its
    Content-Security-Policy, one ``<section class="manager-page">`` per manager (a page break before
    each but the first); client text escaped."""
    lang = eng.language
    css = (
        css_variables(brand, page_word=t("report.page", lang), of_word=t("report.of", lang))
        + template_path("report/report.css").read_text(encoding="utf-8")
        + _CSS
    )
    sections = "".join(section_html(p, number=i, eng=eng, brand=brand) for i, p in enumerate(pages, 1))
    title = html.escape(f"{t('managers.title', lang)} — {eng.client.name}")
    return (
        f'<!DOCTYPE html>\n<html lang="{html.escape(lang)}">\n<head>\n<meta charset="utf-8" />\n'
        f'<meta http-equiv="Content-Security-Policy" content="{REPORT_CSP}" />\n'
        f'<title>{title}</title>\n<style type="text/css">\n{css}\n</style>\n</head>\n'
        f'<body class="compact managers">\n{sections}\n</body>\n</html>\n'
    )


def section_html(page: ManagerPage, *, number: int, eng: Engagement, brand: Brand) -> str:
    """One manager's page: header band, figures, activities, actions, silent A clients, stale deals."""
    lang, money = eng.language, {"lang": eng.language, "currency": eng.currency}
    dates = f"{fmt_date(page.week_start, lang=lang)} – {fmt_date(page.week_end, lang=lang)}"
    meta = t("managers.meta", lang, client="\0", dates=dates, firm=brand.firm or "—")
    before, after = (html.escape(part) for part in meta.split("\0", 1))
    header = (
        '<header class="flash-header">'
        f'<div class="brand-logo">{brand.logo_markup}</div><div class="flash-titles">'
        f'<div class="report-title">{html.escape(t("managers.heading", lang, iso_week=page.iso_week))}</div>'
        f'<div class="manager-name">{html.escape(page.manager)}</div>'
        f'<div class="meta">{before}<span class="client">{html.escape(eng.client.name)}</span>{after}</div>'
        "</div></header>"
    )
    f = page.figures
    kpis = [
        (t("tracking.kpi.week_attainment", lang), format_cell(f.get("attainment"), "percent", **money)),
        (t("tracking.kpi.mtd_attainment", lang), format_cell(f.get("mtd_attainment"), "percent", **money)),
        (t("tracking.kpi.forecast", lang), format_cell(f.get("forecast"), "money", **money)),
        (t("tracking.kpi.required_daily", lang), format_cell(f.get("required_daily"), "money", **money)),
    ]
    tiles = "".join(
        f'<div class="kpi"><div class="kpi-value">{html.escape(v)}</div>'
        f'<div class="kpi-label">{html.escape(k)}</div></div>'
        for k, v in kpis
    )
    parts = [
        header,
        f'<div class="kpis summary">{tiles}</div>',
        '<table class="columns"><tr>'
        f"<td>{_heading('managers.section.figures', lang)}{figures_html(page, eng=eng)}</td>"
        f"<td>{_heading('managers.section.activities', lang)}{_activities(page, lang=lang)}</td>"
        "</tr></table>",
        f"<p>{html.escape(_month_sentence(page, eng=eng))}{_chance_sentence(page, eng=eng)}</p>",
        _heading("managers.section.actions", lang) + actions_html(page, lang=lang),
        f'<div class="silent">{_heading("managers.section.silent", lang)}{_silent(page, eng=eng)}</div>',
        f'<div class="stale">{_heading("managers.section.stale", lang)}{_stale(page, eng=eng)}</div>',
    ]
    return f'<section class="manager-page" id="manager-{number}">{"".join(parts)}</section>\n'


def _heading(key: str, lang: str) -> str:
    return f"<h2>{html.escape(t(key, lang))}</h2>"


def figures_html(page: ManagerPage, *, eng: Engagement) -> str:
    """The week and the month to date, plan against fact; each value cell carries ``data-figure`` (the
    ``tracking_week`` column it shows)."""
    lang, money = eng.language, {"lang": eng.language, "currency": eng.currency}
    head = "".join(
        f'<th class="{"txt" if c == "period" else "num"}">{html.escape(label)}</th>'
        for c, label in (
            ("period", ""),
            ("plan", t("col.plan", lang)),
            ("fact", t("col.fact", lang)),
            ("attainment", t("col.attainment", lang)),
        )
    )
    body = []
    for key, cols in (
        ("managers.row.week", ("plan", "fact", "attainment")),
        ("managers.row.mtd", ("mtd_plan", "mtd_fact", "mtd_attainment")),
    ):
        cells = "".join(
            f'<td class="num" data-figure="{c}">'
            f"{html.escape(format_cell(page.figures.get(c), 'percent' if 'attainment' in c else 'money', **money))}"
            "</td>"
            for c in cols
        )
        body.append(f'<tr><td class="txt">{html.escape(t(key, lang))}</td>{cells}</tr>')
    return f'<table class="sa-table compact"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def _month_sentence(page: ManagerPage, *, eng: Engagement) -> str:
    """The month's plan, the run-rate forecast and the daily rate still needed, as one sentence."""
    lang, money = eng.language, {"lang": eng.language, "currency": eng.currency}
    f = page.figures
    if not f.get("month_plan"):
        return t("managers.month.no_plan", lang)
    params = {
        "plan": format_cell(f["month_plan"], "money", **money),
        "forecast": format_cell(f.get("forecast"), "money", **money),
        "share": format_cell(f.get("forecast_attainment"), "percent", **money),
    }
    left = int(f.get("working_days_left") or 0)
    if left <= 0 or pd.isna(f.get("required_daily")):
        return t("managers.month.closed", lang, **params)
    days = t("tracking.unit.days", lang, count=left)
    required = format_cell(f["required_daily"], "money", **money)
    return t("managers.month.pace", lang, required=required, days=days, **params)


def _chance_sentence(page: ManagerPage, *, eng: Engagement) -> str:
    """The month's chances of the plan and of the bonus threshold, as the flash's managers table has
    them (escaped, with a leading space; empty without chances). A chance the backtest did not confirm
    is marked a guide, and a note says what that means."""
    lang, money = eng.language, {"lang": eng.language, "currency": eng.currency}
    f, values, guide = page.figures, {}, False
    for kind in ("chance_plan", "chance_threshold"):
        value = f.get(kind, f.get(f"{kind}_guide"))
        text = format_cell(value, "percent0", **money)
        if f"{kind}_guide" in f and not pd.isna(value):
            text, guide = t("managers.guide", lang, value=text), True
        values[kind] = text
    if all(pd.isna(f.get(k, f.get(f"{k}_guide"))) for k in ("chance_plan", "chance_threshold")):
        return ""
    bonus = format_cell(eng.motivation.threshold, "percent0", **money)
    sentence = t(
        "managers.chance", lang, plan=values["chance_plan"], threshold=values["chance_threshold"], bonus=bonus
    )
    if guide:
        sentence += " " + t("managers.guide_note", lang)
    return " " + html.escape(sentence)


def _activities(page: ManagerPage, *, lang: str) -> str:
    rows = page.activities
    if not len(rows):
        return f'<p class="note">{html.escape(t("managers.activities.none", lang))}</p>'
    shown = rows.assign(kind=[t(f"tracking.activity.{k}", lang) for k in rows["kind"]])
    labels = {"kind": t("managers.col.activity", lang), "norm": t("managers.col.norm", lang)}
    formats = {"fact": "int", "norm": "int", "attainment": "percent"}
    return table_html(shown, lang=lang, formats=formats, labels=labels, max_rows=None, css="compact")


def actions_html(page: ManagerPage, *, lang: str) -> str:
    """This week's actions: the manager's most urgent alerts, each under its rule's name (the alert's
    sentence without the manager's name in front); fewer alerts are said as such, none made up."""
    if not len(page.actions):
        return f'<p class="note">{html.escape(t("managers.actions.none", lang))}</p>'
    items = []
    prefix = f"{page.manager}: "
    for a in page.actions.itertuples(index=False):
        text = str(a.text)
        if text.startswith(prefix):  # the page names the manager already
            text = text[len(prefix) :]
            text = text[:1].upper() + text[1:]
        severity = "problem" if a.severity == "high" else "warning"
        items.append(
            f'<li class="finding {severity}"><div class="rule">{html.escape(t(f"managers.rule.{a.rule}", lang))}'
            f"</div><div>{html.escape(text)}</div></li>"
        )
    note = ""
    if len(page.actions) < ACTIONS:
        note = t("managers.actions.fewer", lang, count=len(page.actions))
        note = f'<p class="note">{html.escape(note)}</p>'
    elif page.alerts_total > len(page.actions):
        more = t(
            "managers.actions.more",
            lang,
            count=page.alerts_total - len(page.actions),
            sheet=t("sheet.alerts", lang),
        )
        note = f'<p class="note">{html.escape(more)}</p>'
    return f'<ol class="actions">{"".join(items)}</ol>{note}'


def _more(shown: int, total: int, *, sheet: str, lang: str) -> str:
    if total <= shown:
        return ""
    text = t("managers.more", lang, count=total - shown, sheet=t(f"sheet.{sheet}", lang))
    return f'<p class="more">{html.escape(text)}</p>'


def _silent(page: ManagerPage, *, eng: Engagement) -> str:
    lang = eng.language
    if not page.silent_total:
        return f'<p class="note">{html.escape(t("managers.silent.none", lang))}</p>'
    formats = {"revenue": "money", "last_order": "date", "days_silent": "int", "median_gap_days": "int"}
    table = table_html(
        page.silent, lang=lang, currency=eng.currency, formats=formats, max_rows=None, css="compact"
    )
    return table + _more(len(page.silent), page.silent_total, sheet="silent_clients", lang=lang)


def _stale(page: ManagerPage, *, eng: Engagement) -> str:
    lang = eng.language
    if page.stale is None:
        return f'<p class="note">{html.escape(t("managers.stale.no_pipeline", lang))}</p>'
    if not page.stale_total:
        return f'<p class="note">{html.escape(t("managers.stale.none", lang))}</p>'
    shown = page.stale.drop(columns=["reason"], errors="ignore")
    formats = {"amount": "money", "expected_close": "date", "age_days": "int", "deal_id": "text"}
    table = table_html(shown, lang=lang, currency=eng.currency, formats=formats, max_rows=None, css="compact")
    return table + _more(len(page.stale), page.stale_total, sheet="stale_deals", lang=lang)


def _render(page: str):
    """WeasyPrint's layout of ``page`` (inline ``data:`` resources only, as
    :func:`salesaudit.report.pdf.write_pdf` prints) and the sections that run over one sheet, by the
    manager's name. Refuses a page the report's safety scan finds anything in."""
    import logging

    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    bad = unsafe_content(page)
    if bad:
        raise SalesAuditError(
            f"the manager pages would run or load something from outside the file ({len(bad)} finding(s))",
            value=bad[0][:120],
        )
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    fetcher = URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)
    document = HTML(string=page, url_fetcher=fetcher).render()
    names = re.findall(r'<div class="manager-name">(.*?)</div>', page)
    too_long, current = set(), None
    for pg in document.pages:
        starts = [int(a.split("-")[1]) for a in pg.anchors if re.fullmatch(r"manager-\d+", a)]
        if starts:
            current = max(starts)
        elif current is not None:
            too_long.add(html.unescape(names[current - 1]))
    return document, too_long


def _write(run_dir: Path, pages: list[ManagerPage], document, *, page: str) -> list[Path]:
    """``per_manager/``: the HTML, the combined PDF and one PDF per manager (the pages its section
    covers); each file written under a temporary name, then renamed."""
    folder = run_dir / FOLDER
    folder.mkdir(exist_ok=True)
    (folder / f"{COMBINED}.html.tmp").write_text(page, encoding="utf-8")
    (folder / f"{COMBINED}.html.tmp").replace(folder / f"{COMBINED}.html")
    written = [_pdf(document, folder / f"{COMBINED}.pdf")]
    first = {}
    for i, pg in enumerate(document.pages):
        for anchor in pg.anchors:
            if re.fullmatch(r"manager-\d+", anchor):
                first[int(anchor.split("-")[1]) - 1] = i
    starts = [first[i] for i in range(len(pages))] + [len(document.pages)]
    for i, name in enumerate(safe_file_names([p.manager for p in pages])):
        written.append(_pdf(document.copy(document.pages[starts[i] : starts[i + 1]]), folder / f"{name}.pdf"))
    return written


def _pdf(document, path: Path) -> Path:
    tmp = path.with_name(path.name + ".tmp")
    document.write_pdf(str(tmp))
    tmp.replace(path)
    return path


def safe_file_names(names: list[str]) -> list[str]:
    """A file name stem per manager, in order: letters (any script), digits, ``-``, ``_``, ``.`` and
    spaces kept, everything else (quotes, slashes, control characters) as ``_``; no leading dot or
    space; at most :data:`MAX_NAME` characters; never empty, never a Windows device name, never
    :data:`COMBINED`; unique without regard to case (``-2``, ``-3``... added).

    Examples
    --------
    >>> safe_file_names(['Петров "Дима"', "a/b", "../x", "", "A/B", "all_managers", "CON"])
    ['Петров _Дима', 'a_b', 'x', 'manager', 'A_B-2', 'all_managers-2', '_CON']
    """
    out, taken = [], {COMBINED.lower()}
    for name in names:
        stem = _UNSAFE.sub("_", unicodedata.normalize("NFC", str(name)))
        stem = re.sub(r"_+", "_", stem).strip(" ._")[:MAX_NAME].rstrip(" .") or "manager"
        if _RESERVED.match(stem):
            stem = "_" + stem
        unique, n = stem, 1
        while unique.lower() in taken:
            n += 1
            unique = f"{stem}-{n}"
        taken.add(unique.lower())
        out.append(unique)
    return out
