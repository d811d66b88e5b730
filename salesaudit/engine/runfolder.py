"""A run folder's life: checked before any kernel starts, private to its user, a manifest that names the
process writing it, and runs that stopped without finishing told apart from runs still going on.

- :func:`check_output`: the folder a run will write into can be created and written (a probe file is
  written and removed) — a read-only or full disk stops the run before any kernel starts.
- :func:`private_files`: a run writes under umask ``077`` (folders 0700, files 0600): the client's data
  are readable by the consultant's user only. Kernels and the PDF worker inherit it as they start.
- :func:`write_manifest` / :func:`fail_manifest`: ``manifest.json`` is replaced atomically; the failure
  path never raises (on a full disk it rewrites the manifest in place, compact, if that fits).
- :func:`identity` / :func:`earlier_runs`: a manifest records ``pid``, ``host`` and the process's start
  time; a folder still "running" whose process is gone is *abandoned* (a killed run), one from another
  host cannot be told.

Runs given an ``--out`` outside ``ENGAGEMENT/output`` leave a pointer in ``ENGAGEMENT/output/.elsewhere``
while they run (removed when they end), so a later command on the engagement finds them too.
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import json
import os
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from ..exceptions import SalesAuditError

PRIVATE_UMASK = 0o077
"""The umask a run writes under: folders 0700, files 0600."""
ELSEWHERE = ".elsewhere"
"""Folder of ``ENGAGEMENT/output`` holding one pointer per running run whose ``--out`` lies elsewhere."""
PROBE_BYTES = 4096

_ELSEWHERE_HINT = "choose another folder (run, weekly, demo: --out), or check the folder's permissions"
_HINTS = {
    errno.ENOSPC: "the disk is full: free some space, or write to another disk (run, weekly, demo: --out)",
    errno.EDQUOT: "your disk quota is used up: free some space, or write to another disk (--out)",
    errno.EROFS: "that disk is read-only: " + _ELSEWHERE_HINT,
    errno.EACCES: "you may not write (or read) there: " + _ELSEWHERE_HINT,
    errno.EPERM: "you may not write (or read) there: " + _ELSEWHERE_HINT,
    errno.ENOENT: "a folder on that path does not exist: create it first, or check the spelling",
    errno.ENOTDIR: "a part of that path is a file, not a folder",
    errno.EISDIR: "that path is a folder where a file was expected",
    errno.EIO: "the disk or network share failed: check it, or copy the files to a local disk",
}


def os_error(exc: OSError, doing: str = "a file operation failed") -> SalesAuditError:
    """An :class:`OSError` as one message: what failed, the path, the operating system's reason.

    Examples
    --------
    >>> print(os_error(OSError(errno.ENOSPC, "No space left on device", "/out/x.csv"), "cannot write"))
    file /out/x.csv: cannot write: No space left on device
      hint: the disk is full: free some space, or write to another disk (run, weekly, demo: --out)
    >>> print(os_error(OSError("Cannot save file into a non-existent directory: 'x'")))
    a file operation failed: Cannot save file into a non-existent directory: 'x'
    """
    reason = exc.strerror or str(exc) or type(exc).__name__
    file = exc.filename if exc.filename is not None else None
    if file is not None and exc.filename2 is not None:
        file = f"{file} → {exc.filename2}"
    return SalesAuditError(
        f"{doing}: {reason}",
        file=None if file is None else os.fsdecode(file) if isinstance(file, bytes) else str(file),
        hint=_HINTS.get(exc.errno),
    )


@contextmanager
def private_files() -> Iterator[None]:
    """Files and folders created inside the block are the user's only (umask 077); restored after."""
    old = os.umask(PRIVATE_UMASK)
    try:
        yield
    finally:
        os.umask(old)


def check_output(engagement_folder: Path, out: str | Path | None) -> None:
    """Before any kernel starts: the folder a run will write into can be created and written.

    ``out`` (or ``ENGAGEMENT/output`` without it) is created if missing, a probe file written, flushed
    to disk and removed; every folder this check created is removed again (the run creates its folder
    when the client's files are read). An ``out`` that is a file, or a folder that is not empty, is
    refused as :func:`salesaudit.engine.outputs.new_run_dir` would.

    Raises
    ------
    SalesAuditError
        Naming the folder and the operating system's reason (``No space left on device``...).
    """
    target = Path(out).resolve() if out is not None else Path(engagement_folder).resolve() / "output"
    if out is not None and target.is_file():
        raise SalesAuditError(
            "the output folder is a file", file=str(target), hint="choose a new --out folder"
        )
    if out is not None:
        refuse_used(target)
    created: list[Path] = []
    probe = target / f".salesaudit-probe-{os.getpid()}"
    try:
        missing = [p for p in (target, *target.parents) if not p.exists()]
        for folder in reversed(missing):
            folder.mkdir()
            created.append(folder)
        try:
            with open(probe, "wb") as fh:
                fh.write(b"\0" * PROBE_BYTES)
                fh.flush()
                os.fsync(fh.fileno())
        finally:
            with suppress(OSError):
                probe.unlink()
    except OSError as exc:
        if exc.filename == str(probe):  # name the folder, not the probe
            exc.filename = str(target)
        raise os_error(exc, "the output folder cannot be written") from None
    finally:
        for folder in reversed(created):
            with suppress(OSError):
                folder.rmdir()


def refuse_used(path: Path) -> None:
    """A :class:`SalesAuditError` if ``path`` exists and is a file or a folder that is not empty."""
    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        raise SalesAuditError(
            "the output folder exists and is not empty; a run never overwrites earlier output",
            file=str(path),
            hint="choose a new --out folder, or leave --out out for a dated folder",
        )


def check_new_file(path: Path) -> None:
    """Before any work: ``path`` can be created as a new file (its folder exists and takes a file)."""
    path = Path(path)
    if path.exists():
        raise SalesAuditError("file exists; choose a new name", file=str(path))
    parent = path.resolve().parent
    if not parent.is_dir():
        raise SalesAuditError(
            "the folder to write into does not exist",
            file=str(path),
            hint="create the folder first, or check the spelling",
        )
    probe = parent / f".salesaudit-probe-{os.getpid()}"
    try:
        probe.touch(exist_ok=False)
        probe.unlink()
    except OSError as exc:
        exc.filename = str(parent)
        raise os_error(exc, "the folder cannot be written") from None


# -- the manifest ------------------------------------------------------------------------------------
def _started(pid: int) -> float | None:
    """The start time of process ``pid`` (seconds since the epoch), ``None`` if it does not exist."""
    import psutil

    try:
        return psutil.Process(pid).create_time()
    except psutil.Error:
        return None


def identity() -> dict:
    """``pid``, ``host`` and ``process_started`` of this process: recorded in a run's manifest, they tell
    a live run from a killed one whose pid was given to another process since."""
    return {"pid": os.getpid(), "host": socket.gethostname(), "process_started": _started(os.getpid())}


def _text(manifest: dict, **json_options) -> bytes:
    return json.dumps(manifest, ensure_ascii=False, default=str, **json_options).encode("utf-8")


def write_manifest(run_dir: Path, manifest: dict) -> None:
    """``run_dir/manifest.json`` replaced atomically (temporary file, then rename)."""
    tmp = Path(run_dir) / "manifest.json.tmp"
    tmp.write_bytes(_text(manifest, indent=2))
    tmp.replace(Path(run_dir) / "manifest.json")


def fail_manifest(run_dir: Path, manifest: dict, exc: BaseException) -> None:
    """Mark the manifest ``failed`` with the error; never raises.

    Best effort: when the atomic write fails (a full disk), the manifest is rewritten in place as compact
    JSON if that is no longer than the file already there (the disk blocks are already allocated); else
    it stays as it was ("running", with the process that a later command finds gone: abandoned). A
    leftover ``manifest.json.tmp`` is removed.
    """
    manifest["status"] = "failed"
    manifest["error"] = str(exc) or type(exc).__name__
    manifest["finished"] = dt.datetime.now().isoformat(timespec="seconds")
    _save_best_effort(Path(run_dir), manifest)


def _save_best_effort(run_dir: Path, manifest: dict) -> bool:
    """Write the manifest without raising (see :func:`fail_manifest`); whether it was written."""
    tmp, path = run_dir / "manifest.json.tmp", run_dir / "manifest.json"
    try:
        write_manifest(run_dir, manifest)
        return True
    except Exception:  # noqa: BLE001 - the failure path must not raise
        pass
    with suppress(OSError):
        tmp.unlink()
    try:
        compact = _text(manifest, separators=(",", ":"))
        if path.is_file() and len(compact) <= path.stat().st_size:
            with open(path, "r+b") as fh:
                fh.write(compact)
                fh.truncate()
            return True
    except Exception:  # noqa: BLE001
        pass
    return False


# -- runs that stopped without finishing ----------------------------------------------------------------
def run_state(manifest: dict) -> str:
    """``finished`` (not running), ``alive``, ``abandoned`` (this host, its process gone or its pid now
    another process's), ``elsewhere`` (written on another host: cannot tell) or ``unknown`` (no process
    recorded, an older salesaudit)."""
    import psutil

    if manifest.get("status") != "running":
        return "finished"
    pid, host = manifest.get("pid"), manifest.get("host")
    if not isinstance(pid, int) or not host:
        return "unknown"
    if host != socket.gethostname():
        return "elsewhere"
    try:
        proc = psutil.Process(pid)
        if proc.status() == psutil.STATUS_ZOMBIE:
            return "abandoned"
        started = manifest.get("process_started")
        if isinstance(started, int | float) and abs(proc.create_time() - started) > 1:
            return "abandoned"
    except psutil.NoSuchProcess:
        return "abandoned"
    except psutil.Error:  # another user's process: it exists
        return "alive"
    return "alive"


def _pointer(engagement_folder: Path, run_dir: Path) -> Path:
    digest = hashlib.sha256(str(Path(run_dir).resolve()).encode()).hexdigest()[:16]
    return Path(engagement_folder).resolve() / "output" / ELSEWHERE / f"{digest}.txt"


def register(engagement_folder: Path, run_dir: Path) -> None:
    """Leave a pointer to ``run_dir`` in the engagement when it lies outside ``ENGAGEMENT/output``
    (best effort: a read-only engagement folder keeps none)."""
    base = Path(engagement_folder).resolve() / "output"
    if Path(run_dir).resolve().parent == base:
        return
    pointer = _pointer(engagement_folder, run_dir)
    with suppress(OSError):
        pointer.parent.mkdir(parents=True, exist_ok=True)
        pointer.write_text(str(Path(run_dir).resolve()), encoding="utf-8")


def unregister(engagement_folder: Path, run_dir: Path) -> None:
    """Remove the pointer :func:`register` left, and its folders if they are empty (best effort)."""
    pointer = _pointer(engagement_folder, run_dir)
    with suppress(OSError):
        pointer.unlink(missing_ok=True)
    _tidy(pointer.parent)


def _tidy(pointers: Path) -> None:
    """The pointers' folder, and ``output`` above it, removed if empty (best effort)."""
    for folder in (pointers, pointers.parent):
        with suppress(OSError):
            folder.rmdir()


def _candidates(base: Path) -> list[tuple[Path, Path | None]]:
    """``(run folder, pointer or None)``: the folders of ``output/`` and those pointed to."""
    found: list[tuple[Path, Path | None]] = []
    with suppress(OSError):
        found += [(p, None) for p in sorted(base.iterdir()) if p.is_dir() and not p.name.startswith(".")]
    with suppress(OSError):
        for pointer in sorted((base / ELSEWHERE).glob("*.txt")):
            with suppress(OSError, ValueError):
                found.append((Path(pointer.read_text(encoding="utf-8").strip()), pointer))
    return found


def earlier_runs(engagement_folder: str | Path) -> list[tuple[Path, str, dict]]:
    """The engagement's run folders still marked "running" that are not a live run of this host:
    ``(folder, state, manifest)`` with state ``abandoned``, ``elsewhere`` or ``unknown``
    (:func:`run_state`). Pointers to runs that ended are removed on the way. Never raises."""
    base = Path(engagement_folder).resolve() / "output"
    out = []
    for run_dir, pointer in _candidates(base):
        try:
            manifest = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            manifest = {}
        state = run_state(manifest) if isinstance(manifest, dict) else "finished"
        if pointer is not None and state in ("finished", "abandoned"):
            with suppress(OSError):
                pointer.unlink()
        if state in ("abandoned", "elsewhere", "unknown"):
            out.append((run_dir, state, manifest))
    if (base / ELSEWHERE).is_dir():
        _tidy(base / ELSEWHERE)
    return out


def note_earlier_runs(engagement_folder: str | Path, tell: Callable[[str], None]) -> None:
    """One line per earlier run folder of the engagement that is marked "running" but is not a live run
    of this host; an abandoned one is marked ``abandoned`` in its manifest (best effort)."""
    try:
        runs = earlier_runs(engagement_folder)
    except Exception:  # noqa: BLE001 - a note must never stop a command
        return
    root = Path(engagement_folder).resolve()
    for run_dir, state, manifest in runs:
        shown = run_dir.relative_to(root) if run_dir.is_relative_to(root) else run_dir
        if state == "abandoned":
            tell(
                f"note: {shown} was abandoned (its run, pid {manifest.get('pid')}, stopped without finishing)"
            )
            manifest["status"] = "abandoned"
            manifest["abandoned_noted"] = dt.datetime.now().isoformat(timespec="seconds")
            _save_best_effort(run_dir, manifest)
        elif state == "elsewhere":
            tell(
                f"note: {shown} is marked running on {manifest.get('host')} (cannot tell whether it is alive)"
            )
        else:
            tell(
                f"note: {shown} is marked running but names no process (an older salesaudit); if no run "
                "is going on, it was abandoned"
            )


__all__ = [
    "check_output",
    "check_new_file",
    "earlier_runs",
    "fail_manifest",
    "identity",
    "note_earlier_runs",
    "os_error",
    "private_files",
    "refuse_used",
    "register",
    "run_state",
    "unregister",
    "write_manifest",
]
