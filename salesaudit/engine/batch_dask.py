"""The same batch on a Dask distributed cluster: each engagement one task, results gathered here.

``--scheduler tcp://host:8786`` connects to a running scheduler (the firm's cluster);
``--scheduler local`` starts a :class:`distributed.LocalCluster` on this machine for the batch. Each
engagement is one ``client.submit`` of :func:`run_one_in_thread` (pure=False: a second
batch runs again); the :class:`~salesaudit.engine.batch.Outcome` of each comes back as it finishes, a
task that raised (a worker lost) fails its client alone. The workers need salesaudit installed and
the engagement folders at the same path (a shared disk): each run writes the engagement's own
``output/`` there, as on this machine.

A task runs its engagement in salesaudit's own thread for the Dask worker thread that took it
(:func:`run_one_in_thread`), whose kernels stay warm from one task to the next, as a batch's worker
process keeps them (about 3 s of kernel start-up per client saved). Progress: a client is ``running``
while the scheduler says it is processing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ..exceptions import ConfigError
from .batch import COMMANDS, Job, Outcome, _client_name, failure_message

LOCAL = "local"
"""``--scheduler local``: a LocalCluster on this machine."""


def connect(address: str, *, workers: int | None = None, processes: bool = True):
    """A ``distributed.Client``: to a LocalCluster for ``local`` (``workers`` of one thread each, the
    cores by default), else to the scheduler at ``address`` (``tcp://host:8786``); the caller closes
    it (and its cluster: ``client.cluster`` when local).

    Raises
    ------
    ConfigError
        Dask is not installed, or no scheduler answers at ``address``.
    """
    try:
        from distributed import Client, LocalCluster
    except ImportError:  # pragma: no cover - a dependency
        raise ConfigError("--scheduler needs Dask distributed", hint="pip install distributed") from None
    if address == LOCAL:
        from .batch import default_jobs

        cluster = LocalCluster(
            n_workers=workers or default_jobs(),
            threads_per_worker=1,
            processes=processes,
            dashboard_address=None,
        )
        return Client(cluster)
    try:
        return Client(address, timeout="20s")
    except (OSError, TimeoutError) as exc:
        raise ConfigError(
            f"no Dask scheduler answers: {exc}",
            value=address,
            hint="give --scheduler tcp://HOST:8786 of a running scheduler, or --scheduler local",
        ) from None


def run_batch_dask(
    folders: Sequence[str | Path],
    *,
    client,
    command: str = "weekly",
    week: str | None = None,
    pdf: bool = True,
    per_manager: bool = False,
    progress: Callable[[int, str], None] | None = None,
    done: Callable[[Outcome], None] | None = None,
) -> list[Outcome]:
    """Run ``command`` on every engagement folder as tasks of the Dask ``client``; one
    :class:`Outcome` per folder, in the order given (``progress(index, "started")`` when the scheduler
    starts one, ``done(outcome)`` as each arrives)."""
    from distributed import as_completed

    if command not in COMMANDS:
        raise ConfigError("a batch runs run or weekly", value=command)

    todo = [Job(i, str(Path(f).resolve()), command, week, pdf, per_manager) for i, f in enumerate(folders)]
    futures = {
        client.submit(
            run_one_in_thread, job, key=f"salesaudit-{command}-{job.index}-{_token()}", pure=False
        ): job
        for job in todo
    }
    stop = threading.Event()
    watcher = threading.Thread(target=_watch, args=(client, futures, progress, stop), daemon=True)
    watcher.start()
    outcomes: dict[int, Outcome] = {}
    try:
        for future in as_completed(list(futures)):
            job = futures[future]
            try:
                outcome = future.result()
            except Exception as exc:  # the task itself failed (a lost worker): its client alone
                outcome = Outcome(
                    index=job.index,
                    folder=job.folder,
                    client=_client_name(Path(job.folder)),
                    command=command,
                    status="failed",
                    message=failure_message(exc, command),
                )
            outcomes[job.index] = outcome
            if done is not None:
                done(outcome)
    finally:
        stop.set()
        watcher.join(timeout=5)
    return [outcomes[job.index] for job in todo]


def run_one_in_thread(job: Job) -> Outcome:
    """:func:`salesaudit.engine.batch.run_one` in a thread of salesaudit's own, one per Dask worker
    thread (:func:`_runner_thread`), kept for the worker's life with its kernels warm between tasks, as
    a batch's worker process keeps them. The thread starts with no event loop, whatever the worker's
    thread had (in a worker that shares a process with other work — a LocalCluster without processes —
    the task's thread can find one already running: "This event loop is already running")."""
    from .batch import run_one

    return _runner_thread().submit(run_one, job).result()


_RUNNERS: dict[int, ThreadPoolExecutor] = {}
_RUNNERS_LOCK = threading.Lock()


def _runner_thread() -> ThreadPoolExecutor:
    """The calling Dask thread's own salesaudit thread (made on its first task): a one-thread executor
    that entered :func:`salesaudit.kernel_pool` as it started. The kernels die with it — with the worker
    process (they are started from it: ``PR_SET_PDEATHSIG``, :mod:`salesaudit.engine.lifetime`)."""
    with _RUNNERS_LOCK:
        key = threading.get_ident()
        if key not in _RUNNERS:
            _RUNNERS[key] = ThreadPoolExecutor(
                1, thread_name_prefix="salesaudit-task", initializer=_keep_kernels
            )
        return _RUNNERS[key]


_KEPT = threading.local()


def _keep_kernels() -> None:
    from .pool import kernel_pool

    block = kernel_pool()
    block.__enter__()  # left by release_kernels, or never: the pool lives as long as this thread
    _KEPT.block = block  # held, or collecting the generator would close the pool


def release_kernels() -> None:
    """Close the kept kernels of every salesaudit thread of this process and end the threads: for Dask
    workers that shared this process (a LocalCluster without processes) once their batch is done."""
    with _RUNNERS_LOCK:
        runners = list(_RUNNERS.values())
        _RUNNERS.clear()
    for runner in runners:
        runner.submit(lambda: _KEPT.block.__exit__(None, None, None)).result()
        runner.shutdown()


def _token() -> str:
    import uuid

    return uuid.uuid4().hex[:8]


def _watch(client, futures: dict, progress, stop: threading.Event) -> None:
    """Tell ``progress`` of each task the scheduler starts processing (polled twice a second)."""
    if progress is None:
        return
    keys = {f.key: job.index for f, job in futures.items()}
    seen: set = set()
    while not stop.wait(0.5):
        try:
            processing = client.processing()
        except Exception:  # the scheduler is busy or gone: the outcomes say the rest
            continue
        for key in {k for ks in processing.values() for k in ks} & keys.keys() - seen:
            seen.add(key)
            progress(keys[key], "started")


__all__ = ["LOCAL", "connect", "run_batch_dask"]
