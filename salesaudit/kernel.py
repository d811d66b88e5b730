"""A Jupyter kernel in this very interpreter, reached over IPC sockets.

Whatever kernels the machine has registered, the playbook's notebooks run in ``sys.executable`` (the
environment ``salesaudit`` is installed in), and the runner talks to the kernel through Unix-domain
sockets in a private temporary folder: client data never cross the network stack, not even loopback.
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

KERNEL_ENV = {
    "MPLBACKEND": "module://matplotlib_inline.backend_inline",
    "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    "PYTHONWARNINGS": "ignore",
}


class LocalIPCKernelManager(KernelManager):
    """A kernel manager whose kernel is ``sys.executable -m ipykernel_launcher`` over IPC."""

    @default("transport")
    def _transport_default(self) -> str:
        return "ipc"

    @property
    def kernel_spec(self) -> KernelSpec:
        if self._kernel_spec is None:
            self._kernel_spec = KernelSpec(
                argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                display_name=f"Python ({sys.executable})",
                language="python",
                env=KERNEL_ENV,
            )
        return self._kernel_spec


# Imported by the kernel as soon as it starts, while the runner reads the client's files: the
# first notebook cell then finds the heavy libraries already loaded.
PRELUDE = (
    "import pandas, numpy, matplotlib.pyplot, seaborn, IPython.display\n"
    "from salesaudit import (alerts, audit, brand, charts, motivation, outputs, pipeline, planning,\n"
    "    portfolio, questionnaire, quality, scorecard, segmentation, session, show, tracking)"
)


def prewarm(km: KernelManager) -> None:
    """Queue the prelude imports on the kernel without waiting for them."""
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=60)
        kc.execute(PRELUDE, silent=True, store_history=False)
    finally:
        kc.stop_channels()


@contextmanager
def local_kernel(cwd: Path | None = None, *, warm: bool = True):
    """Start one kernel for a run, yield its manager, shut it down at the end.

    The IPC socket files live in a private (0700) temporary folder removed afterwards.
    """
    with tempfile.TemporaryDirectory(prefix="sa-k-") as tmp:
        os.chmod(tmp, 0o700)
        km = LocalIPCKernelManager(ip=str(Path(tmp) / "k"), connection_file=str(Path(tmp) / "kernel.json"))
        km.start_kernel(cwd=str(cwd) if cwd else None, extra_arguments=["--HistoryManager.enabled=False"])
        try:
            if warm:
                prewarm(km)
            yield km
        finally:
            km.shutdown_kernel(now=True)
