"""Local worker processes that never outlive the run that started them.

A process pool's workers are children of the command. If the command is killed (SIGTERM,
SIGKILL, a crash) they would run on, orphaned, flying engagements nobody reads. On Linux each
worker asks the kernel for ``SIGKILL`` when its parent dies (``prctl(PR_SET_PDEATHSIG)``,
prctl(2)); everywhere, a watchdog thread in each worker exits it once its parent process id
changes (the orphan is re-parented), which also covers a parent that died before the
``prctl`` call.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor

PR_SET_PDEATHSIG = 1
"""prctl(2) option: the signal sent to this process when its parent dies (linux/prctl.h)."""
WATCHDOG_PERIOD_S = 0.5
"""How often a worker's watchdog looks for its parent."""


def _set_parent_death_signal() -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes
        import signal

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watchdog(parent_pid: int) -> None:
    while True:
        if os.getppid() != parent_pid:
            os._exit(1)
        time.sleep(WATCHDOG_PERIOD_S)


def worker_init(parent_pid: int) -> None:
    """Pool initializer: die with the parent (``parent_pid``, the command's process)."""
    _set_parent_death_signal()
    if os.getppid() != parent_pid:  # the parent died before the prctl took effect
        os._exit(1)
    threading.Thread(target=_watchdog, args=(parent_pid,), daemon=True,
                     name="thaad-parent-watchdog").start()  # fmt: skip


def process_pool(workers: int) -> ProcessPoolExecutor:
    """A spawn-context pool of ``workers`` processes that exit when this process dies."""
    import multiprocessing as mp

    return ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("spawn"),
                               initializer=worker_init, initargs=(os.getpid(),))  # fmt: skip
