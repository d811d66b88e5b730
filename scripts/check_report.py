"""Read a finished report the way an editor would, and list every sentence a client should never see.

    .venv/bin/python scripts/check_report.py RUN_FOLDER [--json OUT] [--require-claims]

RUN_FOLDER is the output folder of ``salesaudit run`` (``report.html`` and ``tables/``). Each problem
names its kind, the report section it is in (the nearest h1/h2 heading) and the offending text:

- ``raw_key``: a snake_case key (``clients_A``, ``a_client_interviews``) or a dotted label key
  (``scorecard.status.ok``) shown to the reader — in a heading, a table header or cell, or prose;
- ``repeated_sentence``: one sentence twice inside one block (a paragraph, a table cell, a list item,
  a headline or finding block);
- ``double_punctuation``: ``Inc..``, ``,,``, `` .``, ``. .``, ``!.`` (an ellipsis is fine);
- ``wrong_script``: a Latin-script word in a Russian report, a Cyrillic word in an English one;
- ``status_wording``: an element with ``data-claim``/``data-status`` worded with the label of another
  status (``<prefix>.<status>`` in the labels), or a claim whose status is not its label's status;
- ``claim_contradicted``: a row of the run's ``claims`` table that ``salesaudit.audit.claims.recheck``
  finds false (``claim_unchecked`` when the recheck raises); ``claims_missing`` with ``--require-claims``.

Client-supplied text is exempt from the text rules: every text of the run's canonical tables
(``intake/*.parquet``: client, manager, product, region and industry names), the questionnaire's notes,
the client's and the consultant's firm names. So are file names, URLs, ISO weeks and the short
:data:`ALLOWED_WORDS`; every allowed word found is listed (``allowed`` in the JSON).

Exit status 0 when nothing is found, 1 otherwise. The functions are importable
(``tests/report/test_check_report.py``): :func:`check_html` works on an HTML string alone.
"""

from __future__ import annotations

import argparse
import inspect
import json
import re
import string
import sys
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

STATUSES = ("ok", "warning", "problem", "unknown")
SHOWN = 120  # characters of offending text kept in a problem

# Latin words a Russian report may show: the trade's acronyms, product and format names, class letters.
ALLOWED_WORDS = frozenset(
    {"ABC", "XYZ", "ABCD", "CRM", "KPI", "ERP", "PDF", "HTML", "Excel", "CSV", "XLSX", "YAML", "FTE"}
    | {"A", "B", "C", "D", "X", "Y", "Z", "salesaudit", "Pareto", "SKU"}
    | {"holidays"}  # the calendar library named in the method notes, with its version
)
# Texts shown on purpose whatever the language: file names and paths, URLs, e-mails, ISO weeks, 1C.
_SHOWN_ON_PURPOSE = re.compile(
    r"(?P<file>[\w./\\-]*\w\.(?:csv|xlsx?|parquet|ya?ml|pdf|html|json|txt|zip|gz|ipynb|svg|png)\b)"
    r"|(?P<url>\b(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+)"
    r"|(?P<week>\b\d{4}-W\d{2}\b)"
    r"|(?P<onec>\b1[CС]\b)"
    r"|(?P<currency>\b[A-Z]{3}\b)"
)

_RAW_KEY = re.compile(
    r"(?<![\w./-])(?:[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+|[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*){2,})"
    r"(?![\w/-])"
)
_DOUBLE = re.compile(
    r"(?<!\.)\.\.(?!\.)"  # "Inc.." (never three: an ellipsis)
    r"|\.\s+\.(?!\.)"  # ". ."
    r"|[,;:][,;:.!?]"  # ",,", ",." ":."
    r"|[!?]\."  # "!."
    r"|\s[.,;:!?](?=\s|$)"  # " ." — a stop after a space
)
_SENTENCE = re.compile(r"(?<=[.!?…])\s+|\n")  # a block's title line ends a sentence too
_WORD = re.compile(r"[^\W\d_]+")
_LATIN = re.compile(r"[A-Za-z]")
_CYRILLIC = re.compile(r"[\u0400-\u04FF]")

BLOCK_TAGS = frozenset(
    "p li td th h1 h2 h3 h4 h5 h6 caption figcaption dt dd div section main nav footer header body"
    " ul ol dl table thead tbody tfoot tr blockquote pre article aside figure".split()
)
SKIP_TAGS = frozenset({"style", "script", "head", "title", "template"})
# blocks whose whole text must not repeat a sentence; and divs with one of these classes
SENTENCE_BLOCKS = frozenset({"p", "li", "td", "th", "dd", "caption", "figcaption"})
SENTENCE_CLASSES = frozenset({"headline", "finding", "kpi", "recommendation", "alert", "callout"})


@dataclass(frozen=True)
class Problem:
    """One thing the reader should not see: its ``kind``, the report ``section`` it is in (nearest
    h1/h2), the offending ``text`` (shortened)."""

    kind: str
    section: str
    text: str


@dataclass
class Findings:
    """What :func:`check_html` / :func:`check_run` found: the ``problems`` and the ``allowed`` words
    (allow-list words, file names, ISO weeks… shown on purpose, with counts)."""

    problems: list[Problem] = field(default_factory=list)
    allowed: Counter = field(default_factory=Counter)

    def add(self, kind: str, section: str, text: str) -> None:
        problem = Problem(kind, section, _short(text))
        if problem not in self.problems:
            self.problems.append(problem)


def _short(text: str, limit: int = SHOWN) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _context(text: str, start: int, end: int, width: int = 40) -> str:
    left = ("…" if start > width else "") + text[max(0, start - width) : start]
    right = text[end : end + width] + ("…" if end + width < len(text) else "")
    return left + text[start:end] + right


# --------------------------------------------------------------------------------------------------
# Text of the HTML


def _text(node: Tag, *, own: bool) -> str:
    """The text a reader sees in ``node``: inline children joined as they are, each block child on a
    line of its own (``own=True`` leaves the block children out: they are checked on their own)."""
    parts: list[str] = []
    for child in node.children:
        if isinstance(child, Comment):
            continue
        if isinstance(child, NavigableString):
            parts.append(str(child))
        elif isinstance(child, Tag):
            if child.name in SKIP_TAGS or child.name == "wbr":
                continue
            if child.name == "br":
                parts.append(" ")
            elif child.name in BLOCK_TAGS:
                parts.append(" " if own else f"\n{_text(child, own=False)}\n")
            else:
                parts.append(_text(child, own=own))
    lines = (" ".join(line.split()) for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def blocks(soup: BeautifulSoup) -> list[tuple[Tag, str]]:
    """Every block element of the body in document order, with its section (the text of the nearest
    h1/h2 before it or the heading itself; ``"(front)"`` before the first)."""
    root = soup.body or soup
    section, out = "(front)", []
    for el in root.find_all(True):
        if el.name in ("h1", "h2"):
            section = _short(_text(el, own=False), 60) or section
        if el.name in BLOCK_TAGS and not any(p.name in SKIP_TAGS for p in el.parents):
            out.append((el, section))
    return out


# --------------------------------------------------------------------------------------------------
# Exempt text: the client's own words, and what is shown on purpose


class Exempt:
    """Spans of a text that the language and key rules leave alone: client-supplied strings (matched
    whole, longest first) and :data:`_SHOWN_ON_PURPOSE` patterns."""

    def __init__(self, client_texts=()):
        self.by_word: dict[str, list[str]] = {}
        for raw in {" ".join(str(t).split()) for t in client_texts}:
            for text in {raw, raw.rstrip(" .")}:  # a note may be quoted without its full stop
                first = re.search(r"\w+", text)
                if first and len(text) >= 2:
                    self.by_word.setdefault(first.group(0), []).append(text)

    def spans(self, text: str, allowed: Counter | None = None) -> list[tuple[int, int]]:
        out = []
        words = set(re.findall(r"\w+", text))
        found = sorted(
            {c for w in words for c in self.by_word.get(w, ()) if c in text}, key=len, reverse=True
        )
        for candidate in found:
            for m in re.finditer(rf"(?<!\w){re.escape(candidate)}(?!\w)", text):
                if not _inside(m.start(), m.end(), out):
                    out.append((m.start(), m.end()))
        for m in _SHOWN_ON_PURPOSE.finditer(text):
            if m.lastgroup == "currency" and not _is_currency(m.group(0)):
                continue
            out.append((m.start(), m.end()))
            if allowed is not None:
                allowed[f"{m.lastgroup}: {m.group(0)}"] += 1
        return out


def _is_currency(code: str) -> bool:
    from babel.numbers import list_currencies

    return code in list_currencies()


def _inside(start: int, end: int, spans) -> bool:
    return any(a <= start and end <= b for a, b in spans)


def _overlaps(start: int, end: int, spans) -> bool:
    return any(start < b and a < end for a, b in spans)


# --------------------------------------------------------------------------------------------------
# The rules on HTML


def text_problems(text: str, section: str, lang: str, exempt: Exempt, found: Findings) -> None:
    """Raw keys, doubled punctuation and words of the other script in one block's own ``text``."""
    spans = exempt.spans(text, found.allowed)
    keys = []
    for m in _RAW_KEY.finditer(text):
        if not _inside(m.start(), m.end(), spans):
            found.add("raw_key", section, _context(text, m.start(), m.end()))
            keys.append((m.start(), m.end()))
    for m in _DOUBLE.finditer(text):
        if not _inside(m.start(), m.end(), spans):
            found.add("double_punctuation", section, _context(text, m.start(), m.end()))
    foreign = _LATIN if lang == "ru" else _CYRILLIC
    for m in _WORD.finditer(text):
        word = m.group(0)
        if not foreign.search(word) or _overlaps(m.start(), m.end(), spans + keys):
            continue
        if lang == "ru" and word in ALLOWED_WORDS:
            found.allowed[f"word: {word}"] += 1
            continue
        found.add("wrong_script", section, f"{word!r}: " + _context(text, m.start(), m.end()))


def repeated_sentences(text: str, section: str, found: Findings) -> None:
    """A sentence (three words or more) that occurs twice in one block's ``text``."""
    seen: set[str] = set()
    for sentence in _SENTENCE.split(text):
        sentence = sentence.strip()
        if len(sentence.split()) < 3:
            continue
        if sentence in seen:
            found.add("repeated_sentence", section, sentence)
        seen.add(sentence)


def _sentence_block(el: Tag) -> bool:
    classes = {c.split("-")[0] for c in el.get("class") or []}  # headline, headline-evidence, ...
    return el.name in SENTENCE_BLOCKS or el.has_attr("data-claim") or bool(classes & SENTENCE_CLASSES)


def template_regex(template: str) -> re.Pattern | None:
    """A label template as a regex, each ``{placeholder}`` a wildcard and each run of spaces any
    whitespace; None when the template has fewer than 8 letters of its own (it would match anything).

    >>> bool(template_regex("Grew by {pct} in {n} months").fullmatch("Grew by 5 %  in 3 months"))
    True
    >>> template_regex("{a}: {b}") is None
    True
    """
    parts, literal = [], 0
    for text, name, _spec, _conv in string.Formatter().parse(template):
        literal += len(re.sub(r"\W", "", text))
        parts.append(r"\s+".join(re.escape(piece) for piece in re.split(r"\s+", text)))
        if name is not None:
            parts.append(".+?")
    return re.compile("".join(parts)) if literal >= 8 else None


def _label_regexes(key: str, lang: str) -> list[re.Pattern]:
    from salesaudit.report.i18n import catalog

    entry = catalog().get(key)
    value = entry.get(lang) if isinstance(entry, dict) else None
    forms = value.values() if isinstance(value, dict) else [value] if value else []
    return [r for r in (template_regex(str(f)) for f in forms) if r is not None]


def status_wording(el: Tag, section: str, lang: str, found: Findings) -> None:
    """An element ``data-claim=P data-status=S`` whose text matches the label ``P.<other status>``
    and not ``P.S``."""
    prefix, status = el.get("data-claim", ""), el.get("data-status", "")
    if not prefix or status not in STATUSES:
        return
    text = _text(el, own=False)
    if any(r.search(text) for r in _label_regexes(f"{prefix}.{status}", lang)):
        return
    for other in STATUSES:
        if other != status and any(r.search(text) for r in _label_regexes(f"{prefix}.{other}", lang)):
            found.add("status_wording", section, f"{prefix}: status {status}, worded as {other}: {text}")


def check_html(
    page: str, *, lang: str | None = None, client_texts=(), found: Findings | None = None
) -> Findings:
    """Every HTML rule on the report ``page`` (language from ``<html lang>`` unless given);
    ``client_texts`` are exempt from the text rules."""
    found = found if found is not None else Findings()
    soup = BeautifulSoup(re.sub(r"<wbr\s*/?>", "", page), "html.parser")
    lang = lang or page_language(soup) or "ru"
    exempt = client_texts if isinstance(client_texts, Exempt) else Exempt(client_texts)
    for el, section in blocks(soup):
        own = _text(el, own=True)
        if own:
            text_problems(own, section, lang, exempt, found)
        if _sentence_block(el):
            repeated_sentences(_text(el, own=False), section, found)
        if el.has_attr("data-claim") and el.has_attr("data-status"):
            status_wording(el, section, lang, found)
    return found


def page_language(soup: BeautifulSoup) -> str | None:
    """``<html lang>`` (``ru``/``en``), if the page says."""
    tag = soup.find("html")
    lang = (tag.get("lang") or "").split("-")[0].lower() if tag else ""
    return lang if lang in ("ru", "en") else None


# --------------------------------------------------------------------------------------------------
# Claims: the run's ``claims`` table re-checked by salesaudit.audit.claims.recheck


def _claim(module, row: dict):
    """A ``Claim`` from one row of the ``claims`` table as read (``figures`` JSON text): the module's
    ``from_row`` if it has one, else ``Claim`` built from the columns its parameters name."""
    maker = getattr(module, "from_row", None)
    if callable(maker):
        return maker(row)
    row = {**row, "figures": _figures(row.get("figures"))}
    aliases = {
        "id": "claim_id",
        "claim_id": "claim_id",
        "kind": "kind",
        "status": "status",
        "figures": "figures",
        "text_key": "text_key",
        "label_key": "text_key",
        "key": "text_key",
        "text": "text",
    }
    params = inspect.signature(module.Claim).parameters
    return module.Claim(**{p: row[aliases[p]] for p in params if p in aliases and aliases[p] in row})


def _figures(value) -> dict:
    try:
        return json.loads(value) if isinstance(value, str) else dict(value or {})
    except (ValueError, TypeError):
        return {"unreadable": str(value)}


def check_claims(run_dir: Path, *, require: bool = False, sections: dict | None = None) -> list[Problem]:
    """Each row of the run's ``claims`` table re-checked against its figures; a missing module or table
    is a problem only when ``require``. ``sections`` maps ``data-claim`` prefixes to report sections."""
    from salesaudit.exceptions import SalesAuditError

    try:
        from salesaudit.audit import claims as module
        from salesaudit.engine.outputs import read_table

        table = read_table(run_dir, "claims")
        alerts = read_table(run_dir, "alerts") if (run_dir / "tables" / "alerts.parquet").is_file() else None
    except (ImportError, SalesAuditError) as exc:
        return (
            [Problem("claims_missing", "(claims table)", _short(f"claims table missing: {exc}"))]
            if require
            else []
        )
    if alerts is not None and len(alerts) and hasattr(module, "alert_claims"):  # the weekly flash's alerts
        import pandas as pd

        table = pd.concat([table, module.claims_table(module.alert_claims(alerts))], ignore_index=True)
    out, sections = [], sections or {}
    for row in table.to_dict("records"):
        key = str(row.get("text_key") or "")
        section = next(
            (s for p, s in sections.items() if key == p or key.startswith(p + ".")), "(claims table)"
        )
        said = f"{row.get('claim_id')} [{row.get('status')}] {row.get('text') or key}; figures {_figures(row.get('figures'))}"
        if key.rsplit(".", 1)[-1] in STATUSES and key.rsplit(".", 1)[-1] != row.get("status"):
            out.append(Problem("status_wording", section, _short(f"{key} worded for another status: {said}")))
        try:
            ok = bool(module.recheck(_claim(module, row)))
        except Exception as exc:  # noqa: BLE001 - a recheck that cannot run is reported, not raised
            out.append(Problem("claim_unchecked", section, _short(f"{type(exc).__name__}: {exc}; {said}")))
            continue
        if not ok:
            out.append(Problem("claim_contradicted", section, _short(said, 240)))
    return out


def claim_sections(page: str) -> dict[str, str]:
    """``data-claim`` prefix → the report section its first element is in."""
    soup = BeautifulSoup(page, "html.parser")
    out: dict[str, str] = {}
    for el, section in blocks(soup):
        if el.has_attr("data-claim"):
            out.setdefault(el["data-claim"], section)
    return out


# --------------------------------------------------------------------------------------------------
# A run folder


# columns of the canonical tables that hold our words or file bookkeeping, not the client's
_NOT_CLIENT_COLUMNS = frozenset(
    {"_file", "table", "file", "reason", "reason_code", "detail", "column", "key", "written", "family"}
)
# columns of result tables that carry client-supplied names
CLIENT_COLUMNS = frozenset(
    {"client_id", "client", "client_name", "name", "manager", "managers", "product", "region", "industry"}
)


def client_texts(run_dir: Path, engagement: Path | None = None) -> set[str]:
    """Every text the client (or the consultant's brand) supplied: the text values of the run's
    canonical tables (``intake/``) and the name columns of its result tables, the questionnaire's
    notes, the client's and the firm's names, the client's column headers and formats
    (``engagement.yaml``, ``brand.yml``)."""
    import pandas as pd

    texts: set[str] = set()
    frames = [(p, pd.read_parquet(p), None) for p in sorted((run_dir / "intake").glob("*.parquet"))]
    frames += [
        (p, pd.read_parquet(p), CLIENT_COLUMNS) for p in sorted((run_dir / "tables").glob("*.parquet"))
    ]
    for path, df, only in frames:
        for col in df.columns:
            if col in _NOT_CLIENT_COLUMNS and not (path.stem == "rejected" and col == "value"):
                continue
            if (only is None or col in only) and (
                df[col].dtype == object or pd.api.types.is_string_dtype(df[col])
            ):
                texts |= {str(v) for v in df[col].dropna().unique()}
            elif isinstance(df[col].dtype, pd.CategoricalDtype) and (only is None or col in only):
                texts |= {str(v) for v in df[col].cat.categories}
    texts |= portrait_traits(run_dir / "tables" / "portrait_lifts.parquet")
    if engagement is not None:
        texts |= _engagement_texts(Path(engagement))
    return {t for t in texts if t.strip()}


# the portrait's attributes whose values are the client's text (a product group is the first word of
# the client's product names); the others are band codes the report words itself
_PORTRAIT_TEXT = ("industry", "region", "product_mix", "channel")


def portrait_traits(path: Path) -> set[str]:
    """The client's own words among the portrait's traits (``tables/portrait_lifts.parquet``): its
    industries, regions, product groups and channels."""
    import pandas as pd

    if not path.exists():
        return set()
    lifts = pd.read_parquet(path)
    mine = lifts[lifts["attribute"].isin(_PORTRAIT_TEXT) & (lifts["value"] != "other")]
    return {str(v) for v in mine["value"]}


def _engagement_texts(folder: Path) -> set[str]:
    import yaml

    texts: set[str] = set()

    def walk(value, key=None):
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, k)
        elif isinstance(value, list):
            for v in value:
                walk(v, key)
        elif isinstance(value, str) and key not in ("answer", "color", "family", "logo", "file"):
            texts.add(value)

    for name in ("questionnaire.yaml", "brand.yml"):
        try:
            walk(yaml.safe_load((folder / name).read_text(encoding="utf-8")))
        except (OSError, yaml.YAMLError):
            continue
    try:
        eng = yaml.safe_load((folder / "engagement.yaml").read_text(encoding="utf-8")) or {}
        walk(eng.get("client") or {})
        walk(eng.get("inputs") or {})  # the client's file names, column headers and formats
    except (OSError, yaml.YAMLError, AttributeError):
        pass
    return texts


def run_language(run_dir: Path, page: str) -> str:
    """The report's language: ``<html lang>``, else the manifest's ``parameters.language``, else ru."""
    lang = page_language(BeautifulSoup(page[:4000], "html.parser"))
    if lang:
        return lang
    manifest = _manifest(run_dir)
    params = manifest.get("parameters") or {}
    return str(params.get("language") or "ru") if isinstance(params, dict) else "ru"


def _manifest(run_dir: Path) -> dict:
    try:
        return json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def check_run(run_dir: Path, *, require_claims: bool = False) -> Findings:
    """Every rule on one finished run folder."""
    run_dir = Path(run_dir)
    page = (run_dir / "report.html").read_text(encoding="utf-8")
    engagement = _manifest(run_dir).get("engagement")
    engagement = Path(engagement) if engagement and Path(engagement).is_dir() else None
    texts = client_texts(run_dir, engagement)
    found = check_html(page, lang=run_language(run_dir, page), client_texts=texts)
    for problem in check_claims(run_dir, require=require_claims, sections=claim_sections(page)):
        if problem not in found.problems:
            found.problems.append(problem)
    return found


def summary(found: Findings) -> dict:
    """Counts per kind, the problems and the allowed words (JSON-ready)."""
    return {
        "ok": not found.problems,
        "counts": dict(Counter(p.kind for p in found.problems)),
        "problems": [asdict(p) for p in found.problems],
        "allowed": dict(found.allowed.most_common()),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("run_dir", type=Path, help="output folder of a salesaudit run")
    parser.add_argument("--json", type=Path, default=None, help="write the findings as JSON here")
    parser.add_argument("--require-claims", action="store_true", help="a missing claims table is a problem")
    args = parser.parse_args(argv)
    if not (args.run_dir / "report.html").is_file():
        print(f"{args.run_dir / 'report.html'}: no report in this folder", file=sys.stderr)
        return 2
    found = check_run(args.run_dir, require_claims=args.require_claims)
    result = summary(found)
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    for p in found.problems:
        print(f"  {p.kind.upper()} in {p.section!r}: {p.text}")
    if found.allowed:
        print("allowed: " + ", ".join(f"{w} ×{n}" for w, n in found.allowed.most_common()))
    counts = ", ".join(f"{k} {n}" for k, n in result["counts"].items())
    print("ok" if result["ok"] else f"{len(found.problems)} problems: {counts}")
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
