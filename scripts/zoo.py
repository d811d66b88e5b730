"""Generate the client zoo and run the playbook on every profile, in each language.

    .venv/bin/python scripts/zoo.py OUT [NAME ...] [--lang ru,en] [--no-pdf]

Each profile of :data:`salesaudit.demo.zoo.PROFILES` (or the NAMEs given) is generated into
``OUT/<name>-<lang>/`` (a folder left by an earlier zoo run is replaced), checked with ``salesaudit
validate`` and run with ``salesaudit run`` — both called in this process. With ``--no-pdf`` the run
writes every stage, the HTML report and the workbook but no PDF (as ``tests/test_client_corpus.py``
does). One line per profile and language: exit status of validate and run, and seconds. ``OUT/zoo.json``
holds the same, with the last lines of the error of a profile that failed.

Exit status 0 when every profile validated and ran, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import time
import traceback
from pathlib import Path

sys.modules.setdefault("rfc3987_syntax", None)  # as the CLI: no IRI grammar compiled per import


def _cli(*args) -> tuple[int, str]:
    """The command line in this process: exit code and stderr (with a traceback if it raised)."""
    from typer.testing import CliRunner

    from salesaudit.cli import app

    result = CliRunner().invoke(app, list(map(str, args)))
    stderr = result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        stderr += "".join(traceback.format_exception(result.exception))
    return result.exit_code, stderr


def _run_without_pdf(folder: Path, out: Path) -> tuple[int, str]:
    """Every stage, then the HTML report and the workbook of the run (``salesaudit.run(pdf=False)``)."""
    import salesaudit

    try:
        salesaudit.run(folder, out=out, progress=None, pdf=False)
    except Exception:
        return 1, traceback.format_exc()
    return 0, ""


def _tail(text: str, lines: int = 12) -> str:
    """The last lines of an error, and for a stage that failed, the last lines of the traceback its
    partial notebook holds (the stage's own error, which the runner's message only names)."""
    out = text.strip().splitlines()[-lines:]
    found = re.search(r"partial notebook: (\S+\.ipynb)", text)
    if found and Path(found.group(1)).is_file():
        nb = json.loads(Path(found.group(1)).read_text(encoding="utf-8"))
        for cell in nb.get("cells", []):
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    frames = re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(output.get("traceback", [])))
                    out += ["--- in the notebook:"] + frames.strip().splitlines()[-lines:]
    return "\n".join(out)


def run_one(out: Path, name: str, lang: str, *, pdf: bool) -> dict:
    """Generate, validate and run one profile in one language; what happened, with seconds."""
    from salesaudit.demo.zoo import generate_profile

    folder = out / f"{name}-{lang}"
    if folder.exists() and (folder / "engagement.yaml").is_file():
        shutil.rmtree(folder)  # a zoo folder of an earlier run: replaced
    start = time.perf_counter()
    generate_profile(folder, name, language=lang)
    entry: dict = {"profile": name, "language": lang, "generate_s": round(time.perf_counter() - start, 2)}
    start = time.perf_counter()
    code, err = _cli("validate", folder)
    entry |= {"validate_exit": code, "validate_s": round(time.perf_counter() - start, 2), "run_exit": None}
    if code != 0:
        entry["error"] = _tail(err)
        return entry
    run_dir = folder / "output" / "zoo"
    start = time.perf_counter()
    code, err = _cli("run", folder, "--out", run_dir) if pdf else _run_without_pdf(folder, run_dir)
    entry |= {"run_exit": code, "run_s": round(time.perf_counter() - start, 2), "run_dir": str(run_dir)}
    if code != 0:
        entry["error"] = _tail(err)
    return entry


def main(argv: list[str] | None = None) -> int:
    from salesaudit.demo.zoo import PROFILES

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="folder the profiles are generated and run in")
    parser.add_argument("names", nargs="*", help=f"profiles (default: all): {', '.join(sorted(PROFILES))}")
    parser.add_argument("--lang", default="ru,en", help="report languages, comma-separated (default ru,en)")
    parser.add_argument("--no-pdf", action="store_true", help="HTML report and workbook, no PDF")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.names) - set(PROFILES))
    if unknown:
        parser.error(f"unknown profile {', '.join(unknown)}; known: {', '.join(sorted(PROFILES))}")
    langs = [x.strip() for x in args.lang.split(",") if x.strip()]
    if not langs or set(langs) - {"ru", "en"}:
        parser.error("--lang takes ru, en or ru,en")
    args.out.mkdir(parents=True, exist_ok=True)
    report_path = args.out / "zoo.json"
    results: dict = {}
    for name in args.names or list(PROFILES):
        for lang in langs:
            entry = run_one(args.out, name, lang, pdf=not args.no_pdf)
            results[f"{name}-{lang}"] = entry
            report_path.write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")
            ok = entry["validate_exit"] == 0 and entry["run_exit"] == 0
            print(
                f"{'ok  ' if ok else 'FAIL'} {name}-{lang}: validate exit {entry['validate_exit']} "
                f"({entry['validate_s']} s), run exit {entry['run_exit']} ({entry.get('run_s', '-')} s)",
                flush=True,
            )
            if not ok:
                print("     " + entry["error"].replace("\n", "\n     "), flush=True)
    failed = [k for k, e in results.items() if e["validate_exit"] != 0 or e["run_exit"] != 0]
    print(f"{len(results) - len(failed)} of {len(results)} ran; written {report_path}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
