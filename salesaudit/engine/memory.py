"""Memory a process has freed, given back to the operating system.

Arrow's allocators (jemalloc for intake's reads, mimalloc by default) and glibc's ``malloc`` keep
memory a program freed for its next allocation instead of returning it. After a big one-off step that
is most of the process's resident memory: on the 10-million-line benchmark, a kernel that has loaded
the run's intake (0.7 GB of tables) holds 1.75 GB, 1.0 GB once the pools are trimmed; the runner, having
read and saved the intake, held 2.5 GB through every stage that followed. The run's peak is the sum over
its processes, so each trims where it has just dropped a large temporary (:func:`trim_memory`).
"""

from __future__ import annotations

import ctypes
import gc
import sys
from functools import cache


def trim_memory() -> None:
    """Collect the garbage, then have Arrow's memory pools and glibc's ``malloc`` return their free
    memory to the operating system. Costs a few milliseconds; nothing changes for the program."""
    gc.collect()
    import pyarrow as pa

    pools = [pa.default_memory_pool(), pa.system_memory_pool()]
    for make in (pa.jemalloc_memory_pool, pa.mimalloc_memory_pool):
        try:
            pools.append(make())
        except NotImplementedError:  # this pyarrow was built without it
            pass
    for pool in pools:
        pool.release_unused()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@cache
def _malloc_trim():
    """glibc's ``malloc_trim``, or ``None`` elsewhere (macOS, musl, Windows)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None
