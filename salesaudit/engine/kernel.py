"""A Jupyter kernel in this very interpreter, reached over IPC sockets.

Whatever kernels the machine has registered, the playbook's notebooks run in ``sys.executable`` (the
environment ``salesaudit`` is installed in), and the runner talks to the kernel through Unix-domain
sockets in a private temporary folder. The kernel is started by :mod:`salesaudit.engine.lifetime`, which
turns off the one TCP listener ipykernel opens by itself (on 127.0.0.1, for the output of forked
subprocesses) and has the kernel die with the runner: client data never cross the network stack, not
even loopback (a test checks the kernel's sockets).
"""

from __future__ import annotations

import os
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

from jupyter_client.kernelspec import KernelSpec
from jupyter_client.manager import KernelManager
from traitlets import default

from .lifetime import stop_kernel

KERNEL_ENV = {
    "MPLBACKEND": "module://matplotlib_inline.backend_inline",
    "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    "PYTHONWARNINGS": "ignore",
}


class LocalIPCKernelManager(KernelManager):
    """A kernel manager whose kernel is ``sys.executable -m salesaudit.engine.lifetime`` (ipykernel's
    launcher, dying with the runner, no TCP listener) over IPC."""

    @default("transport")
    def _transport_default(self) -> str:
        return "ipc"

    @property
    def kernel_spec(self) -> KernelSpec:
        if self._kernel_spec is None:
            self._kernel_spec = KernelSpec(
                argv=[sys.executable, "-m", "salesaudit.engine.lifetime", "-f", "{connection_file}"],
                display_name=f"Python ({sys.executable})",
                language="python",
                env=KERNEL_ENV,
            )
        return self._kernel_spec


def warm_up() -> None:
    """What a kernel does as it starts, while the runner reads the client's files: import the heavy
    libraries and every stage's modules and load the report's labels, so the first notebook cell finds
    them loaded. Names stay out of the notebook's namespace (it runs as an ``exec_lines`` entry)."""
    import importlib

    for name in ("pandas", "numpy", "matplotlib.pyplot", "seaborn", "IPython.display"):
        importlib.import_module(name)
    for name in STAGE_MODULES:
        importlib.import_module(f"salesaudit.{name}")
    from ..report.i18n import catalog

    catalog()


STAGE_MODULES = (
    "weekly.alerts", "audit.keyfigures", "report.brand", "report.charts", "plan.motivation", "engine.outputs",
    "weekly.pipeline", "plan.decomposition", "clients.portfolio", "audit.questionnaire", "intake.quality",
    "audit.scorecard", "clients.segmentation", "engine.session", "report.show", "weekly.tracking",
)  # fmt: skip
WARM = '--IPKernelApp.exec_lines=__import__("salesaudit.engine.kernel").engine.kernel.warm_up()'
"""The kernel argument that runs :func:`warm_up` before the kernel answers its first request."""


KERNEL_BASE_MEMORY = 400 * 2**20
"""Bytes a warmed kernel takes before it loads any client data (measured: about 190 MB; doubled)."""
KERNEL_DATA_FACTOR = 4
"""A kernel's memory per byte of the canonical tables it loads: the tables, their derived frames and
the stages' intermediate results. Measured on the 10-million-line benchmark (``benchmarks/bigexport.py``:
0.69 GB of tables) each kernel peaks at 2.0-2.2 GB, of which a warm kernel is 0.27 GB: about 2.8 per
byte once the Parquet reader's buffers go back to the system (:func:`.memory.trim_memory`); 4 leaves room
for a shape that needs more. (On the demo, 12.5 MB of tables, the factor is about 12, but that is charts
and buffers that do not grow with the data: :data:`KERNEL_BASE_MEMORY` covers them.)"""


def affordable_kernels(n: int, *, data_bytes: int, available: int | None = None) -> int:
    """How many of ``n`` kernels the machine's free memory holds, at least one.

    Each kernel keeps its own copy of the client's tables, so on a large export and a small laptop two
    kernels could push the machine into swap; one kernel then runs the stages one after another.
    ``available`` defaults to what the operating system reports as available now; 80 % of it is used.

    Examples
    --------
    >>> affordable_kernels(2, data_bytes=10**7, available=16 * 2**30)
    2
    >>> affordable_kernels(2, data_bytes=10**9, available=8 * 2**30)
    1
    """
    if available is None:
        import psutil

        available = psutil.virtual_memory().available
    per_kernel = KERNEL_BASE_MEMORY + KERNEL_DATA_FACTOR * data_bytes
    return max(1, min(n, int(0.8 * available // per_kernel)))


def usable_cores() -> int:
    """CPU cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def start_kernel(folder: Path, name: str, *, cwd: Path | None = None, warm: bool = True) -> KernelManager:
    """Spawn one kernel whose IPC sockets are ``folder/name*`` (``folder`` private, 0700); it boots and
    (``warm``) imports what the stages need (:func:`warm_up`) while the caller goes on."""
    arguments = ["--HistoryManager.enabled=False", *([WARM] if warm else [])]
    km = LocalIPCKernelManager(ip=str(folder / name), connection_file=str(folder / f"{name}.json"))
    km.start_kernel(cwd=str(cwd) if cwd else None, extra_arguments=arguments)
    return km


def forget() -> None:
    """What a kernel does before it waits in a :mod:`.pool` for the next run (after ``%reset -f``): drop
    the sessions the run's stages shared (:func:`salesaudit.engine.session.forget_sessions`), close any
    figure left open and give the memory back (:func:`.memory.trim_memory`)."""
    import matplotlib.pyplot as plt

    from . import session
    from .memory import trim_memory

    session.forget_sessions()
    plt.close("all")
    trim_memory()


@contextmanager
def local_kernels(n: int = 1, cwd: Path | None = None, *, warm: bool = True):
    """Start ``n`` kernels for a run, yield their managers, shut them down at the end.

    Returns as soon as the processes are spawned: the kernels boot side by side and (``warm``) import
    what the stages need (:func:`warm_up`) while the caller reads the client's files; the first request
    waits for them. The IPC socket files live in a private (0700) temporary folder removed afterwards.
    Inside :func:`salesaudit.engine.pool.kernel_pool` the kernels come from the pool and, after a run
    that raised nothing, go back to it having forgotten the run.
    """
    from .pool import active

    pool = active()
    if pool is not None:
        kms = pool.take(n, cwd, warm=warm, start=start_kernel)
        try:
            yield kms
        except BaseException:
            for km in kms:
                stop_kernel(km)
            raise
        pool.give_back(kms, cwd, warm=warm)
        return
    with tempfile.TemporaryDirectory(prefix="sa-k-") as tmp:
        os.chmod(tmp, 0o700)
        kms: list[KernelManager] = []
        try:
            for i in range(n):
                kms.append(start_kernel(Path(tmp), f"k{i}", cwd=cwd, warm=warm))
            yield kms
        finally:
            for km in kms:
                stop_kernel(km)
