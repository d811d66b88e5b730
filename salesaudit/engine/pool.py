"""Warm kernels kept from one run to the next within one process.

A kernel costs about 3 s of CPU before the first cell runs (the interpreter, ipykernel, pandas,
matplotlib and every stage module: :func:`.kernel.warm_up`). A process that runs several engagements one
after another — a batch, a notebook looping over clients, the test suite — pays it once per kernel
instead of once per run inside :func:`kernel_pool`::

    with salesaudit.kernel_pool():
        for folder in folders:
            salesaudit.run(folder)

Reuse is only where it is safe:

* a kernel goes back to the pool only after a run that ended without an error (a failed stage may leave
  a half-done state, or a dead kernel); otherwise it is shut down as outside a pool;
* going back, it forgets the run: ``%reset -f`` (the notebook's names), :func:`.kernel.forget` (the
  sessions the stages shared, open figures, garbage) — no client's tables stay in memory while the kernel
  waits, and the next run cannot see them;
* at most :data:`IDLE_KERNELS` wait; the pool shuts every kernel down when the ``with`` block ends (and,
  killed, the kernels die with this process: :mod:`.lifetime`).

Kernels die with the *thread* that started them (``PR_SET_PDEATHSIG``): use the pool from the thread
that lives longest (the main thread), not from short-lived worker threads.
"""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .lifetime import stop_kernel

IDLE_KERNELS = 2
"""Kernels kept waiting between runs (one per core of the machines the playbook is measured on)."""

FORGET = "%reset -f\n__import__('salesaudit.engine.kernel').engine.kernel.forget()"
"""What a kernel runs before it goes back to the pool."""


class KernelPool:
    """Idle kernels by (working folder, warmed): :meth:`take` them for a run, :meth:`give_back` after."""

    def __init__(self) -> None:
        self._tmp = tempfile.TemporaryDirectory(prefix="sa-p-")  # IPC sockets, private (0700)
        os.chmod(self._tmp.name, 0o700)
        self._idle: list[tuple[tuple, object]] = []
        self._lock = threading.Lock()
        self._count = 0
        self.started = 0
        self.reused = 0

    def take(self, n: int, cwd: Path | None, *, warm: bool, start: Callable) -> list:
        """``n`` kernels for a run: idle ones that are still alive first, new ones for the rest, each
        started by ``start(folder, name, cwd=, warm=)`` (:func:`.kernel.start_kernel`)."""
        key = (str(cwd) if cwd else None, warm)
        kms = []
        with self._lock:
            for item in [i for i in self._idle if i[0] == key]:
                if len(kms) == n:
                    break
                self._idle.remove(item)
                if item[1].is_alive():
                    kms.append(item[1])
            self.reused += len(kms)
            names = [self._next() for _ in range(n - len(kms))]
        for name in names:
            kms.append(start(Path(self._tmp.name), name, cwd=cwd, warm=warm))
            self.started += 1
        return kms

    def _next(self) -> str:
        self._count += 1
        return f"p{self._count}"

    def give_back(self, kms: list, cwd: Path | None, *, warm: bool) -> None:
        """The kernels of a run that ended well: each forgets the run and waits (or, if it cannot
        forget or too many wait already, is shut down)."""
        key = (str(cwd) if cwd else None, warm)
        for km in kms:
            if not (km.is_alive() and _forget(km)):
                stop_kernel(km)
                continue
            with self._lock:
                self._idle.append((key, km))
                evicted = self._idle[:-IDLE_KERNELS]
                del self._idle[:-IDLE_KERNELS]
            for _, old in evicted:
                stop_kernel(old)

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for _, km in idle:
            stop_kernel(km)
        self._tmp.cleanup()


def _forget(km, timeout: float = 60) -> bool:
    """Run :data:`FORGET` in the kernel; whether it answered ``ok``."""
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=timeout)
        reply = kc.execute_interactive(
            FORGET, store_history=False, timeout=timeout, output_hook=lambda _msg: None
        )
        return reply["content"]["status"] == "ok"
    except Exception:  # a kernel that does not answer is not reused
        return False
    finally:
        kc.stop_channels()


_LOCAL = threading.local()
"""The pool of this thread's :func:`kernel_pool` block (``_LOCAL.pool``)."""


def active() -> KernelPool | None:
    """The pool of this thread's enclosing :func:`kernel_pool` block, if any. A pool belongs to the thread
    that opened it: its kernels die with the thread that started them, so another thread (a Dask task in
    a worker thread, say) starts kernels of its own instead of borrowing ones it may outlive."""
    return getattr(_LOCAL, "pool", None)


@contextmanager
def kernel_pool() -> Iterator[KernelPool]:
    """Keep warm kernels between the runs made inside the block (in this thread); shut them all down at
    its end. Nested blocks share the outermost pool."""
    current = active()
    if current is not None:
        yield current
        return
    _LOCAL.pool = KernelPool()
    try:
        yield _LOCAL.pool
    finally:
        pool, _LOCAL.pool = _LOCAL.pool, None
        pool.close()
