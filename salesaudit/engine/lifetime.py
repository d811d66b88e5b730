"""The run's child processes die with it, and the kernels open no network socket.

A run starts kernels and a PDF worker. If the run is killed (``SIGKILL``, the laptop's OOM killer), its
children must not live on: a kernel would keep the client's data in memory, and the PDF worker would
finish ``report.pdf`` into a folder whose run never finished. Each child asks Linux to kill it when its
parent ends (``prctl(PR_SET_PDEATHSIG, SIGKILL)``) as the first thing it does, then checks that its
parent is still the process that started it (the parent may have died before the request).

``python -m salesaudit.engine.lifetime -f CONNECTION_FILE ...`` is the kernel the runner starts: the
above, then ipykernel's own launcher — with the IOPub thread's subprocess pipe turned off. That pipe
carries the output of *forked* subprocesses over a TCP listener on 127.0.0.1; without it, the kernel
talks to the runner only over the IPC sockets (:mod:`salesaudit.engine.kernel`). The playbook's
notebooks fork no subprocess that prints.

The runner ends a kernel it no longer needs with :func:`stop_kernel`: killed, never interrupted first.
"""

from __future__ import annotations

import os
import signal
import sys

PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int) -> bool:
    """Have Linux kill this process (SIGKILL) when its parent ends; whether ``parent`` is still it.

    Elsewhere than on Linux only the check is made. Note: Linux sends the signal when the *thread*
    that started this process ends; the runner starts its children from the thread that waits for them.
    """
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
        except (OSError, AttributeError):  # no libc prctl: the parent check below still holds
            pass
    return os.getppid() == parent


def stop_kernel(km) -> None:
    """Kill a kernel at once and remove its connection files.

    Not ``shutdown_kernel(now=True)`` alone: jupyter_client interrupts the kernel (SIGINT) before it
    kills it, and a kernel still booting (a run whose intake fails in its first second) prints the
    ``KeyboardInterrupt``'s traceback into the consultant's terminal when the kill comes late, as on a
    loaded machine. Killed first, it prints nothing."""
    try:
        if km.has_kernel:
            km.signal_kernel(getattr(signal, "SIGKILL", signal.SIGTERM))
        km.shutdown_kernel(now=True)
    except Exception:  # already gone
        pass


def launch_kernel() -> None:
    """ipykernel's launcher (``python -m ipykernel_launcher``), dying with the runner and without the
    IOPub subprocess pipe's TCP listener."""
    parent = int(os.environ.get("JPY_PARENT_PID") or 0)
    if parent and not die_with_parent(parent):
        sys.exit(1)  # the runner is already gone
    if sys.path and sys.path[0] == "":  # as ipykernel_launcher does
        del sys.path[0]
    from ipykernel import iostream, kernelapp

    class IOPubThreadWithoutTCP(iostream.IOPubThread):
        def __init__(self, socket, pipe=False, session=False):
            super().__init__(socket, pipe=False, session=session)

    kernelapp.IOPubThread = IOPubThreadWithoutTCP
    kernelapp.launch_new_instance()


if __name__ == "__main__":
    launch_kernel()
