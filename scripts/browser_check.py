"""Open the report in headless Chromium with hostile brand values and hostile client text: no script runs,
nothing loads from outside the file.

    .venv/bin/python scripts/browser_check.py [RUN_FOLDER] [--workdir DIR]

1. A run folder: RUN_FOLDER, or a fresh run of the demo (``salesaudit demo``, ~30 s) in DIR.
2. Hostile brand values (the issue's probes: a font family closing the ``<style>`` with a
   ``<script>``, a colour with ``url(http://…)``, a logo outside the engagement, an SVG logo with a
   script): each must be refused by ``load_brand``.
3. The report is rebuilt (``build_report``, no PDF) with hostile client-supplied text: the client's name,
   the firm and contact of brand.yml and a table of client names (through ``show.table_html``) holding
   ``<script>``, ``onerror=`` and ``url(…)``. Chromium dumps its DOM: no script may have run.
4. What might slip past escaping is simulated: ``<script>``, an inline event handler, an ``<img>``, a
   stylesheet and a CSS ``url()`` pointing at a local HTTP server are injected into that page. With the
   report's Content-Security-Policy no script may run and no request may reach the server.
5. Control: the same page without the CSP meta must run the scripts and reach the server — so this check
   can fail, and would if the CSP stopped working.
6. A screenshot of the rebuilt report (``DIR/report.png``, 1200×1600) to look at.

Scripts mark a run by adding ``'PWN'+'ED-<where>'`` to ``document.title``: the word ``PWNED`` appears in
the dumped DOM only if a script ran. Exit status 0 when every check passes, 1 otherwise.
"""

from __future__ import annotations

import argparse
import http.server
import json
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CHROMIUM_FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=0"]


def mark(where: str) -> str:
    """JavaScript that, if it runs, adds ``PWNED-<where>`` to the page title."""
    return f"document.title+=' PWN'+'ED-{where}'"


def chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        sys.exit(
            "chromium not found: install it (`make browser-check` does, as root: apt-get install chromium)"
        )
    return path


def open_page(page: Path, profile: Path, *action: str) -> tuple[str, str]:
    """``(output, browser log)`` of ``page`` opened in headless Chromium; ``action`` defaults to
    ``--dump-dom`` (the DOM after the page loaded and its scripts, if any, ran). Chromium runs in its
    own process group, killed whole if it takes longer than 3 minutes."""
    import os
    import signal

    action = action or ("--dump-dom",)
    cmd = [chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *action, page.resolve().as_uri()]
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        return proc.communicate(timeout=180)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        return "", "timed out"


def fresh_run(work: Path) -> Path:
    """The demo generated and run into ``work/run`` (what ``salesaudit demo --out`` does)."""
    from salesaudit.demo import generate_demo
    from salesaudit.engine.runner import run

    generate_demo(work / "engagement")
    return run(work / "engagement", out=work / "run", progress=lambda line: print("  " + line))


def hostile_brands(work: Path) -> list[tuple[bool, str]]:
    """Each of the issue's hostile brand values, written into a brand.yml: refused by load_brand?"""
    from salesaudit.engine.templates import template_path
    from salesaudit.exceptions import ConfigError
    from salesaudit.report.brand import load_brand

    folder = work / "brand-probes" / "engagement"
    folder.mkdir(parents=True, exist_ok=True)
    (folder.parent / "secret.png").write_text("SECRET", encoding="utf-8")
    (folder / "evil.svg").write_text(
        f'<svg xmlns="http://www.w3.org/2000/svg"><script>{mark("svg")}</script></svg>', encoding="utf-8"
    )
    shutil.copyfile(template_path("logo.svg"), folder / "logo.svg")
    template = template_path("brand.yml").read_text(encoding="utf-8")
    probes = {
        "font family closing <style> with a <script>": (
            'family: "DejaVu Sans"\n    size',
            "family: "
            + json.dumps(f'DejaVu Sans"; }} </style><script>{mark("font")}</script><style> :root {{ --z: "')
            + "\n    size",
        ),
        "colour with url(http://…)": (
            'foreground: "#1E2430"',
            'foreground: "#1B3A5C; } body{background-image:url(http://127.0.0.1:9/x.png)}"',
        ),
        "logo ../secret.png outside the engagement": ("mark: logo.svg", "mark: ../secret.png"),
        "SVG logo with a <script>": ("mark: logo.svg", "mark: evil.svg"),
    }
    results = []
    for name, (old, new) in probes.items():
        (folder / "brand.yml").write_text(template.replace(old, new, 1), encoding="utf-8")
        try:
            load_brand(folder / "brand.yml", root=folder)
            results.append((False, f"hostile brand NOT refused: {name}"))
        except ConfigError as exc:
            results.append((True, f"hostile brand refused: {name} — {str(exc).splitlines()[0][:160]}"))
    return results


HOSTILE_CLIENT = f'ООО "Альфа" <script>{mark("client")}</script>'
HOSTILE_FIRM = f'<img src=x onerror="{mark("firm")}">'
HOSTILE_CONTACT = f"</div><script>{mark('contact')}</script> url(http://127.0.0.1:9/contact)"
HOSTILE_NAMES = [
    f'<svg onload="{mark("table-svg")}">',
    f'"><script>{mark("table-script")}</script>',
    "background: url(http://127.0.0.1:9/t.png); @import 'x.css'",
]


def rebuild_with_hostile_text(run_dir: Path, work: Path) -> Path:
    """The run's report rebuilt in ``work/hostile-text`` with the hostile client name, firm, contact and
    an extra table of hostile client names (built as every report is, by ``build_report``)."""
    import nbformat
    import pandas as pd
    from nbformat.v4 import new_code_cell, new_notebook, new_output

    from salesaudit.engine import config
    from salesaudit.engine.runner import STAGES
    from salesaudit.report.html import build_report
    from salesaudit.report.show import table_html

    manifest = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    eng = config.load(manifest["engagement"])
    folder = work / "hostile-text"
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(run_dir / "notebooks", folder / "notebooks")
    brand = eng.path(eng.brand).read_text(encoding="utf-8")
    brand = re.sub(r"(?m)^(\s*full:).*$", lambda m: m.group(1) + " " + json.dumps(HOSTILE_FIRM), brand)
    brand = re.sub(r"(?m)^(\s*contact:).*$", lambda m: m.group(1) + " " + json.dumps(HOSTILE_CONTACT), brand)
    (folder / "brand.yml").write_text(brand, encoding="utf-8")
    for logo in eng.folder.glob("logo*"):
        shutil.copyfile(logo, folder / logo.name)
    hostile_eng = eng.model_copy(
        update={"folder": folder, "client": eng.client.model_copy(update={"name": HOSTILE_CLIENT})}
    )
    nb = new_notebook()
    cell = new_code_cell("")
    table = table_html(pd.DataFrame({"client": HOSTILE_NAMES}), lang=eng.language)
    cell.outputs = [new_output("display_data", data={"text/html": table})]
    nb.cells.append(cell)
    nbformat.write(nb, folder / "notebooks" / "zz_hostile.ipynb")
    stages = [s.notebook for s in STAGES if (folder / "notebooks" / s.notebook).is_file()]
    return build_report(folder, eng=hostile_eng, stages=[*stages, "zz_hostile.ipynb"], pdf=False)


class Recorder(http.server.BaseHTTPRequestHandler):
    """A local server that records every request a page makes to it (and answers 404)."""

    seen: list[str] = []

    def do_GET(self):  # noqa: N802 (http.server's naming)
        Recorder.seen.append(self.path)
        self.send_error(404)

    def log_message(self, *args):  # quiet
        pass


def injected(page: str, port: int) -> str:
    """``page`` with what might slip past escaping: scripts, a handler and remote loads."""
    base = f"http://127.0.0.1:{port}"
    payload = (
        f"<script>{mark('injected-script')}</script>"
        f'<img src="x" onerror="{mark("injected-onerror")}">'
        f'<img src="{base}/img.png"><link rel="stylesheet" href="{base}/style.css">'
        f"<style>body {{ background-image: url({base}/bg.png) }}</style>"
        f'<svg onload="{mark("injected-svg")}"></svg>'
    )
    return re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + payload, page, count=1)


def pwned(dom: str) -> list[str]:
    return sorted(set(re.findall(r"PWNED-[\w-]+", dom)))


def blocked(log: str) -> int:
    return len(re.findall(r"violates the following Content Security Policy", log))


def check_injection(report: Path, work: Path) -> list[tuple[bool, str]]:
    """Steps 4 and 5: the injected page with and without the CSP."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        page = injected(report.read_text(encoding="utf-8"), server.server_address[1])
        with_csp = work / "injected.html"
        with_csp.write_text(page, encoding="utf-8")
        without = work / "injected-without-csp.html"
        without.write_text(
            re.sub(r'<meta [^>]*http-equiv="Content-Security-Policy"[^>]*>', "", page), "utf-8"
        )
        Recorder.seen.clear()
        dom, log = open_page(with_csp, work / "profile")
        ran, hits = pwned(dom), list(Recorder.seen)
        Recorder.seen.clear()
        dom0, _ = open_page(without, work / "profile")
        ran0, hits0 = pwned(dom0), list(Recorder.seen)
    finally:
        server.shutdown()
    return [
        (
            not ran and not hits and "<html" in dom,
            f"injected <script>, onerror, onload and 3 remote loads, with the CSP: scripts run {ran or 'none'}, "
            f"requests {hits or 'none'}, {blocked(log)} blocked by the CSP",
        ),
        (
            bool(ran0) and bool(hits0),
            f"control, the same page without the CSP: scripts run {ran0 or 'NONE (check broken)'}, "
            f"requests {hits0 or 'NONE'}",
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", nargs="?", type=Path, help="a run folder (default: a fresh demo run)")
    parser.add_argument("--workdir", type=Path, help="where to work (default: a new temporary folder)")
    args = parser.parse_args(argv)
    work = (args.workdir or Path(tempfile.mkdtemp(prefix="browser-check-"))).resolve()
    work.mkdir(parents=True, exist_ok=True)
    chromium()
    print(f"work folder: {work}")
    if args.run is None:
        print("running the demo ...")
    run_dir = args.run.resolve() if args.run else fresh_run(work)
    print(f"run folder: {run_dir}")
    results = hostile_brands(work)
    report = rebuild_with_hostile_text(run_dir, work)
    dom, log = open_page(report, work / "profile")
    text_ok = "&lt;script&gt;" in dom  # the hostile text is shown, as text
    results.append(
        (
            not pwned(dom) and "<html" in dom and text_ok,
            f"report rebuilt with hostile client name, firm, contact and table ({report}): "
            f"scripts run {pwned(dom) or 'none'}, {blocked(log)} blocked by the CSP",
        )
    )
    results += check_injection(report, work)
    shot = work / "report.png"
    open_page(
        report, work / "profile", f"--screenshot={shot}", "--window-size=1200,1600", "--hide-scrollbars"
    )
    results.append((shot.is_file() and shot.stat().st_size > 0, f"screenshot: {shot}"))
    for ok, line in results:
        print(f"[{'ok' if ok else 'FAIL'}] {line}")
    passed = sum(ok for ok, _ in results)
    print(f"browser check: {'passed' if passed == len(results) else 'FAILED'} ({passed}/{len(results)})")
    return 0 if passed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
