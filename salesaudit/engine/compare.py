"""``salesaudit compare RUN_A RUN_B``: the section "What changed since DATE" alone, as its own document.

The same notebook as in a full run's report (``notebooks/05_progress.ipynb``) runs on one kernel with
the two run folders as parameters and writes into a new folder — by default
``ENGAGEMENT/output/<date_time>_compare`` of the later run's engagement — its tables, ``report.html``
and ``report.pdf`` in the engagement's brand. Neither run folder is written to.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from pathlib import Path

from ..exceptions import ConfigError
from . import config, runfolder
from .runner import NOTEBOOKS, PROGRESS, execute_stages


def compare_runs(
    earlier: str | Path,
    later: str | Path,
    *,
    out: str | Path | None = None,
    progress: Callable[[str], None] = print,
    notebooks: Path = NOTEBOOKS,
) -> Path:
    """Compare two finished full runs; return the folder holding ``report.html`` and ``report.pdf``.

    Raises
    ------
    SalesAuditError
        Before any kernel starts: either folder is not a finished full run, the two are the same run,
        the first holds newer data than the second (:func:`salesaudit.audit.progress.compare`), or the
        later run's engagement folder is gone (its brand and language are the document's).
    """
    from ..audit.progress import compare
    from ..report.html import build_report
    from .kernel import local_kernels
    from .outputs import new_run_dir, run_manifest

    t0 = time.perf_counter()
    found = compare(earlier, later)  # every check of the two folders, before a kernel starts
    engagement = Path(run_manifest(found.after.folder).get("engagement", ""))
    if not (engagement / "engagement.yaml").is_file():
        raise ConfigError(
            "the later run's engagement folder is gone: its brand and language are the document's",
            file=str(engagement),
            hint="restore the engagement folder, or compare runs of an engagement that still exists",
        )
    # the document speaks as the later run did (its language and data date), whatever engagement.yaml says now
    eng = config.load(engagement).model_copy(
        update={"language": found.after.language, "as_of": found.after.as_of.date()}
    )
    runfolder.check_output(eng.folder, out)
    with runfolder.private_files():
        run_dir = new_run_dir(eng.folder, out, suffix="_compare")
        progress(f"output: {run_dir}")
        manifest = {
            "command": "compare",
            "engagement": str(eng.folder),
            "output": str(run_dir),
            "compared": [str(found.before.folder), str(found.after.folder)],
            "started": dt.datetime.now().isoformat(timespec="seconds"),
            "status": "running",
            **runfolder.identity(),
            "timings": {},
        }
        runfolder.write_manifest(run_dir, manifest)
        try:
            with local_kernels(1, cwd=notebooks) as kms:
                manifest["timings"] |= execute_stages(
                    (PROGRESS,),
                    kms=kms,
                    parameters={
                        "engagement": str(eng.folder),
                        "run_dir": str(run_dir),
                        "previous_run": str(found.before.folder),
                        "current_run": str(found.after.folder),
                    },
                    run_dir=run_dir,
                    progress=progress,
                    notebooks=notebooks,
                )
            build_report(
                run_dir, eng=eng, stages=[PROGRESS.notebook], title_key="progress.document", compact=True
            )
        except BaseException as exc:
            runfolder.fail_manifest(run_dir, manifest, exc)
            raise
        manifest["timings"]["total"] = round(time.perf_counter() - t0, 3)
        manifest["status"] = "ok"
        manifest["finished"] = dt.datetime.now().isoformat(timespec="seconds")
        runfolder.write_manifest(run_dir, manifest)
    return run_dir
