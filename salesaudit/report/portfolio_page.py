"""The portfolio page: one page summarising a batch of engagements, as HTML and an A4 PDF.

Per client (one row each, in the order run): the tracked week, its attainment, month-to-date, the
run-rate forecast (as attainment), the number of alerts, the maturity score (a full run's; a dash for
a weekly flash), the status (ok, or failed with the message the single-client command prints) and a
relative link to the client's ``report.html``. Same brand as the reports: the report's stylesheet with
the brand's CSS variables (:func:`salesaudit.report.brand.css_variables`), the flash's header band, the
same Content-Security-Policy; the finished page is checked like a report
(:func:`salesaudit.report.html.unsafe_content`: the only links allowed are the relative ones to the
reports, percent-encoded) and printed by :func:`salesaudit.report.pdf.write_pdf`. Client names and
messages are escaped; nothing is loaded from the network.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import os
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import quote

from ..exceptions import SalesAuditError
from .brand import Brand, css_variables, load_brand
from .formatting import fmt_date, fmt_number, fmt_percent
from .i18n import t

COLUMNS = ("client", "week", "attainment", "mtd", "forecast", "alerts", "maturity", "status", "report")
NUMERIC = frozenset({"attainment", "mtd", "forecast", "alerts", "maturity"})


def batch_brand(folders: Sequence[str | Path]) -> Brand:
    """The brand of the first engagement whose brand file loads (a consultant's clients share the
    firm's); the shipped one when none does."""
    from ..engine import config
    from ..engine.templates import template_path

    for folder in folders:
        try:
            eng = config.load(folder)
            return load_brand(eng.path(eng.brand), root=eng.folder, allow_outside=eng.allows_outside)
        except Exception:  # a broken engagement: the next one's brand
            continue
    return load_brand(template_path("brand.yml"))


def link(run_dir: str | None, page_dir: Path) -> str | None:
    """The relative, percent-encoded link from the page's folder to a run's ``report.html``.

    Examples
    --------
    >>> link("/x/clients/a b/output/r1", Path("/x/portfolio/p1"))
    '../../clients/a%20b/output/r1/report.html'
    >>> link(None, Path("/x")) is None
    True
    """
    if not run_dir:
        return None
    rel = os.path.relpath(Path(run_dir) / "report.html", page_dir)
    return quote(Path(rel).as_posix(), safe="/")


def _cells(o, *, lang: str, page_dir: Path) -> list[str]:
    """One client's row as escaped HTML cells."""
    pct = [
        fmt_percent(getattr(o, c), lang=lang) if getattr(o, c) is not None else "—"
        for c in ("attainment", "mtd_attainment", "forecast_attainment")
    ]
    name = html.escape(o.client)
    status = t(f"batch.status.{'ok' if o.ok else 'failed'}", lang)
    badge = f'<span class="status status-{"ok" if o.ok else "problem"}">{html.escape(status)}</span>'
    href = link(o.run_dir, page_dir) if o.ok else None
    report = f'<a href="{html.escape(href)}">{html.escape(t("batch.open", lang))}</a>' if href else "—"
    alerts = fmt_number(o.alerts, lang=lang) if o.alerts is not None else "—"
    maturity = fmt_number(o.maturity, lang=lang) if o.maturity is not None else "—"
    week = html.escape(o.week or "—")
    return [name, week, *pct, alerts, maturity, badge, report]


def _cls(column: str) -> str:
    """A cell's class: ``num`` (right-aligned) or ``col-<column>`` (never a bare ``status``, which the
    report's stylesheet draws as a pill)."""
    return "num" if column in NUMERIC else f"col-{column}"


def render(outcomes: Sequence, *, lang: str, brand: Brand, command: str, page_dir: Path, now=None) -> str:
    """The page's HTML (see the module's docstring)."""
    from ..engine.templates import template_path
    from .html import REPORT_CSP, page_css

    now = now or dt.datetime.now()
    failed = sum(not o.ok for o in outcomes)
    css = (
        css_variables(brand, page_word=t("report.page", lang), of_word=t("report.of", lang))
        + page_css(client=t("batch.title", lang), lang=lang)
        + template_path("report/report.css").read_text(encoding="utf-8")
        + "table.portfolio td.num, table.portfolio th.num { text-align: right; }\n"
        + "table.portfolio td.col-week { white-space: nowrap; }\n"
        + "table.portfolio tr.failed td { border-left: 3pt solid var(--danger); overflow-wrap: anywhere; }\n"
    )
    head = "".join(f'<th class="{_cls(c)}">{html.escape(t(f"batch.col.{c}", lang))}</th>' for c in COLUMNS)
    rows = []
    for o in outcomes:
        cells = _cells(o, lang=lang, page_dir=page_dir)
        tds = "".join(f'<td class="{_cls(c)}">{v}</td>' for c, v in zip(COLUMNS, cells, strict=True))
        rows.append(f"<tr>{tds}</tr>")
        if not o.ok:  # the message under the row, across the table
            message = html.escape(o.message).replace("\n", "<br>")
            rows.append(f'<tr class="failed"><td colspan="{len(COLUMNS)}" class="note">{message}</td></tr>')
    title = t("batch.title", lang)
    kind = t(f"batch.kind.{command}", lang)
    summary = t("batch.summary", lang, total=len(outcomes), ok=len(outcomes) - failed, failed=failed)
    meta = f"{kind} · {fmt_date(now.date(), lang=lang)} · {brand.firm}"
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8" />\n'
        f'<meta http-equiv="Content-Security-Policy" content="{REPORT_CSP}" />\n'
        f'<title>{html.escape(title)}</title>\n<style type="text/css">\n{css}</style>\n</head>\n'
        f'<body class="compact">\n<header class="flash-header">\n'
        f'<div class="brand-logo">{brand.logo_markup}</div>\n<div class="flash-titles">'
        f'<div class="report-title" id="top">{html.escape(title)}</div>'
        f'<div class="client-name">{html.escape(summary)}</div>'
        f'<div class="meta">{html.escape(meta)}</div></div>\n</header>\n<main>\n'
        f'<table class="sa-table portfolio"><thead><tr>{head}</tr></thead>\n<tbody>\n'
        + "\n".join(rows)
        + f'\n</tbody></table>\n<p class="note">{html.escape(t("batch.note", lang))}</p>\n</main>\n'
        f'<footer class="doc-footer">{html.escape(brand.firm)} · {html.escape(brand.contact)}</footer>\n'
        "</body>\n</html>\n"
    )


def check_page(page: str, outcomes: Sequence, page_dir: Path) -> None:
    """Refuse a page that would run or load anything (:func:`salesaudit.report.html.unsafe_content`),
    the relative links to the clients' reports aside."""
    from .html import unsafe_content

    allowed = {f"<a href={link(o.run_dir, page_dir)[:80]}>" for o in outcomes if o.ok and o.run_dir}
    bad = [b for b in unsafe_content(page) if b not in allowed]
    if bad:
        raise SalesAuditError(
            f"the portfolio page would run or load something from outside the file ({len(bad)} finding(s))",
            value=bad[0][:120],
            hint="check brand.yml",
        )


def write_portfolio(
    outcomes: Sequence,
    out: str | Path,
    *,
    lang: str = "ru",
    command: str = "weekly",
    brand: Brand | None = None,
    pdf: bool = True,
) -> Path:
    """Write ``portfolio.html``, ``portfolio.pdf`` (A4) and ``portfolio.json`` (the outcomes as data)
    into ``out`` (new or empty, made private: 0700); return the HTML's path."""
    from dataclasses import asdict

    from ..engine.runfolder import private_files, refuse_used
    from .pdf import write_pdf

    out = Path(out).resolve()
    refuse_used(out)
    with private_files():
        out.mkdir(parents=True, exist_ok=True)
        out.chmod(0o700)
        brand = brand or batch_brand([o.folder for o in outcomes])
        page = render(outcomes, lang=lang, brand=brand, command=command, page_dir=out)
        check_page(page, outcomes, out)
        (out / "portfolio.html").write_text(page, encoding="utf-8")
        data = [asdict(o) for o in outcomes]
        (out / "portfolio.json").write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        if pdf:
            write_pdf(page, out / "portfolio.pdf")
    return out / "portfolio.html"


__all__ = ["COLUMNS", "batch_brand", "check_page", "link", "render", "write_portfolio"]
