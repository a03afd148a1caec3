"""Compile part of the numeric core in a second process while the first works (cold cache).

On a fresh machine the first command spends most of its time compiling the core, one
function after another on one core. The compile of a function and its callees does not
depend on any value, only on the argument types, and numba's cache (``cache=True``) hands
what one process compiled to the next. So a command that knows which large functions it
will need, and their argument types, forks a helper that compiles them into the cache while
the command itself goes on (solving the threat, compiling the rest); before the command
calls into them it waits for the helper (:meth:`Helper.join`), and then loads them from the
cache instead of compiling them. The results do not change: the same functions, the same
types, the same machine code.

The helper is a ``fork`` of the command (Linux only; elsewhere nothing is forked), asks the
kernel to kill it when the command dies (``prctl(PR_SET_PDEATHSIG)`` on Linux), writes
nothing to the terminal, and on any error just exits: the command then compiles what is
missing itself, as it would have without a helper.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Callable, Iterable
from typing import Any

__all__ = ["Helper", "start"]

LAST: dict[str, float] = {}
"""Figures of the last helper joined (for bench/compile.py): ``helper_cpu_s`` (its user +
system CPU seconds), ``main_cpu_at_join_s`` (this process's CPU seconds when it began to
wait) and ``waited_s`` (the wall seconds it waited)."""

Plan = Iterable[tuple[Any, tuple]]
"""(numba dispatcher, example arguments) pairs: compile each for its arguments' types."""


class Helper:
    """A forked process compiling a plan into numba's cache."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.status: int | None = None

    def join(self) -> bool:
        """Wait for the helper; whether it compiled its whole plan."""
        if self.status is None:
            cpu, t0 = time.process_time(), time.perf_counter()
            try:
                _, st, ru = os.wait4(self.pid, 0)
                self.status = os.waitstatus_to_exitcode(st)
                LAST.update(helper_cpu_s=ru.ru_utime + ru.ru_stime, main_cpu_at_join_s=cpu,
                            waited_s=time.perf_counter() - t0)  # fmt: skip
            except ChildProcessError:
                self.status = -1
        return self.status == 0

    def kill(self) -> None:
        """Stop the helper if it still runs (the command failed), and reap it."""
        if self.status is None:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.join()


def compile_plan(plan: Plan) -> None:
    """Compile each dispatcher of ``plan`` for the types of its example arguments."""
    import numba

    for disp, args in plan:
        disp.compile(tuple(numba.typeof(a) for a in args))


def _child(make_plan: Callable[[], Plan], parent_pid: int) -> None:
    code = 1
    try:
        from thaad.analysis.workers import _set_parent_death_signal

        _set_parent_death_signal()
        if os.getppid() != parent_pid:  # the command died before the prctl took effect
            os._exit(1)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        sys.stdout = sys.stderr = open(os.devnull, "w")  # os._exit closes it
        compile_plan(make_plan())
        code = 0
    except BaseException:  # the parent compiles whatever is missing
        code = 1
    finally:
        os._exit(code)


def start(make_plan: Callable[[], Plan]) -> Helper | None:
    """Fork a helper that compiles ``make_plan()``; None off Linux (no ``fork``, or one
    that is unsafe after system libraries started threads, as on macOS), on one CPU (nothing
    to gain) or when ``THAAD_NO_COMPILE_HELPER`` is set."""
    if (not sys.platform.startswith("linux") or not hasattr(os, "fork")
            or (os.cpu_count() or 1) < 2 or os.environ.get("THAAD_NO_COMPILE_HELPER")):  # fmt: skip
        return None
    parent_pid = os.getpid()
    try:
        pid = os.fork()
    except OSError:
        return None
    if pid == 0:  # pragma: no cover - the child never returns
        _child(make_plan, parent_pid)
    return Helper(pid)
