"""Say so when the numeric core is about to compile.

The core's numba functions are compiled on first use and cached (``cache=True``) next to
their sources (``core/__pycache__/*.nbi`` and ``*.nbc``; ``$NUMBA_CACHE_DIR`` when set). A
cold cache means a minute or two of silence on the first command, so :func:`notice` checks,
without importing numba, whether the modules a command needs have a fresh index (numba's
own freshness test: the index's source stamp, a SHA-256 of the source in numba >= 0.61, its
``(mtime, size)`` before), and if not prints one line to stderr with the seconds elapsed,
updated by a thread until the command first writes anything or ends. ``thaad run`` also
uses :func:`cold_modules` to decide whether to fork a compile helper
(:mod:`thaad.analysis.precompile`).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["cold_modules", "notice"]

CORE = Path(__file__).resolve().parents[1] / "core"
MESSAGE = "compiling thaad's numeric core (first run only, under a minute)..."

# the core modules whose functions each command compiles first (the rest follow from them)
NEEDS = {
    "run": ("engagement", "threat", "interceptor"),
    "montecarlo": ("engagement", "threat", "interceptor"),
    "footprint": ("threat", "interceptor", "footprint"),
    "trajectory": ("threat",),
    "track": ("tracking", "tracks"),
    "coverage": ("radar",),
}


def _cache_dirs() -> list[Path]:
    """Where numba keeps the core's cache: ``$NUMBA_CACHE_DIR`` alone when set (numba looks
    there first), else beside the sources."""
    env = os.environ.get("NUMBA_CACHE_DIR")
    return [Path(env)] if env else [CORE / "__pycache__"]


def _fresh(index: Path, source: Path, numba_version: str | None) -> bool:
    """Whether a numba index file is valid for ``source`` as it is now."""
    try:
        with index.open("rb") as f:
            version = pickle.load(f)
            data = f.read()
        if numba_version is not None and version != numba_version:
            return False
        stamp, _ = pickle.loads(data)
        st = source.stat()
    except Exception:  # unreadable, truncated or foreign: numba would recompile too
        return False
    if isinstance(stamp, bytes):
        return stamp == hashlib.sha256(source.read_bytes()).digest()
    return tuple(stamp) == (st.st_mtime, st.st_size)


def cold_modules(command: str) -> list[str]:
    """The core modules ``command`` needs that have no fresh compiled cache."""
    try:
        from importlib.metadata import version

        numba_version: str | None = version("numba")
    except Exception:
        numba_version = None
    cold = []
    for mod in NEEDS.get(command, ()):
        source = CORE / f"{mod}.py"
        tag = f"py{sys.version_info.major}{sys.version_info.minor}"
        found = False
        for d in _cache_dirs():
            if not d.is_dir():
                continue
            pattern = f"{mod}.*.{tag}.nbi"
            files = d.glob(pattern) if d.name == "__pycache__" else d.rglob(pattern)
            if any(_fresh(f, source, numba_version) for f in files):
                found = True
                break
        if not found:
            cold.append(mod)
    return cold


class _Spinner:
    """Elapsed seconds on one stderr line, redrawn by a thread; on a pipe, one line only."""

    def __init__(self, stream) -> None:
        self.stream = stream
        self.t0 = time.monotonic()
        self.tty = bool(getattr(stream, "isatty", lambda: False)())
        self.stop_event = threading.Event()
        self.lock = threading.Lock()
        self.thread: threading.Thread | None = None

    def start(self) -> None:
        if not self.tty:
            self.stream.write(MESSAGE + "\n")
            self.stream.flush()
            return
        self.thread = threading.Thread(target=self._spin, name="thaad-compile-notice", daemon=True)
        self.thread.start()

    def _spin(self) -> None:
        frames = "|/-\\"
        k = 0
        while not self.stop_event.wait(0.25 if k else 0.0):
            with self.lock:
                if self.stop_event.is_set():
                    break
                s = time.monotonic() - self.t0
                self.stream.write(f"\r{MESSAGE} {frames[k % 4]} {s:4.0f} s")
                self.stream.flush()
            k += 1

    def stop(self) -> None:
        with self.lock:
            if self.stop_event.is_set():
                return
            self.stop_event.set()
            if self.tty:
                s = time.monotonic() - self.t0
                self.stream.write(f"\r{MESSAGE} done in {s:.0f} s\n")
                self.stream.flush()


class _StopOnWrite:
    """A stream that ends the spinner before its first write (so output never mixes)."""

    def __init__(self, stream, spinner: _Spinner) -> None:
        self._stream = stream
        self._spinner = spinner

    def write(self, text: str) -> int:
        self._spinner.stop()
        return self._stream.write(text)

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


@contextmanager
def notice(command: str) -> Iterator[None]:
    """Around a command: when its core modules are cold, say so (with the elapsed time on a
    terminal) until the command first writes to stdout or stderr, or ends."""
    if os.environ.get("THAAD_NO_COMPILE_NOTICE") or not cold_modules(command):
        yield
        return
    err, out = sys.stderr, sys.stdout
    spinner = _Spinner(err)
    spinner.start()
    sys.stdout = _StopOnWrite(out, spinner)
    sys.stderr = _StopOnWrite(err, spinner)
    try:
        yield
    finally:
        spinner.stop()
        sys.stdout, sys.stderr = out, err
