"""Files in and out, for every layer: checked reads of input files, atomic writes of output
files, output directories with their lock and provenance, JSON encoding of numpy values.

Reads (:func:`read_input`) take regular files only, up to a size cap, so a FIFO,
``/dev/zero`` or ``/proc/self/mem`` given as an input is refused instead of hanging or
exhausting memory. Writes (:func:`atomic_write_bytes`, :func:`atomic_write_via`) go to a
regular file or a new path, never replace a directory, device, FIFO or socket, follow a
symbolic link to the file it names, and never create a missing parent directory. Output
directories (:func:`output_dir`) are created one level deep at most. Every problem is a
one-line :class:`~thaad.errors.ThaadInputError` naming the path.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import json
import math
import os
import stat
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from thaad.errors import ThaadInputError

MIB = 1024 * 1024
MAX_SCENARIO_BYTES = 16 * MIB
"""Largest scenario YAML read (the default scenario is 3 kB)."""
MAX_DATA_BYTES = 512 * MIB
"""Largest measurement CSV or run-directory JSON read (a default run's history is 0.3 MB)."""
MAX_JSON_DEPTH = 64
"""Deepest nesting of a JSON file thaad reads (its own files nest 4 deep)."""
PROVENANCE_FILE = "provenance.json"
SCENARIO_FILE = "scenario.yaml"
LOCK_FILE = ".lock"


def _default(o: Any) -> Any:
    if isinstance(o, np.integer):
        return int(o)
    if isinstance(o, np.floating):
        return float(o)
    if isinstance(o, np.ndarray):
        return o.tolist()
    if isinstance(o, np.bool_):
        return bool(o)
    raise TypeError(f"not JSON serialisable: {type(o).__name__}")


def _clean(o: Any) -> Any:
    """Replace NaN and infinities (not JSON) with None."""
    if isinstance(o, float) and not math.isfinite(o):
        return None
    if isinstance(o, dict):
        return {k: _clean(v) for k, v in o.items()}
    if isinstance(o, list | tuple):
        return [_clean(v) for v in o]
    return o


def to_json(obj: Any, indent: int | None = 2) -> str:
    return json.dumps(_clean(obj), default=_default, indent=indent, allow_nan=False)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _why(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


def _kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return name
    return "not a regular file"


def _prefix(label: str | None) -> str:
    return f"{label}: " if label else ""


# ----------------------------------------------------------------------------- reading


def read_input(path: str | Path, what: str = "file", max_bytes: int = MAX_DATA_BYTES) -> bytes:
    """The bytes of the regular file ``path``, at most ``max_bytes`` of them.

    ``what`` names the file in errors (``"scenario file"``). Anything but a regular file (a
    directory, FIFO, socket or device) is refused before it is read, and so is a file longer
    than ``max_bytes`` (read with a cap, as ``/proc`` files report a size of 0).
    """
    p = Path(path)
    try:
        st = os.stat(p)
    except FileNotFoundError:
        raise ThaadInputError(f"{what} '{p}' does not exist") from None
    except OSError as exc:
        raise ThaadInputError(f"{what} '{p}' cannot be read ({_why(exc)})") from None
    if not stat.S_ISREG(st.st_mode):
        raise ThaadInputError(f"{what} '{p}' is {_kind(st.st_mode)}, not a regular file")
    try:
        fd = os.open(p, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise ThaadInputError(f"{what} '{p}' cannot be read ({_why(exc)})") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # swapped since the stat
            raise ThaadInputError(f"{what} '{p}' is not a regular file")
        chunks, total = [], 0
        while True:
            b = os.read(fd, min(MIB, max_bytes + 1 - total))
            if not b:
                break
            chunks.append(b)
            total += len(b)
            if total > max_bytes:
                raise ThaadInputError(
                    f"{what} '{p}' is larger than {max_bytes / MIB:g} MiB, the most thaad reads"
                )
    except OSError as exc:
        raise ThaadInputError(f"{what} '{p}' cannot be read ({_why(exc)})") from None
    finally:
        os.close(fd)
    return b"".join(chunks)


def read_text(path: str | Path, what: str = "file", max_bytes: int = MAX_DATA_BYTES,
              encoding: str = "utf-8") -> str:  # fmt: skip
    """:func:`read_input` decoded; a file that is not UTF-8 is one line of error."""
    try:
        return read_input(path, what, max_bytes).decode(encoding)
    except UnicodeDecodeError as exc:
        raise ThaadInputError(f"{path}: not a UTF-8 text file (byte {exc.start})") from None


_JSON_STRING = None


def _depth(text: str) -> int:
    """The deepest bracket nesting of JSON text (brackets inside strings skipped), by a
    vectorised running sum: fast on the megabytes of a long run's history."""
    import re

    global _JSON_STRING
    if _JSON_STRING is None:
        _JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
    b = np.frombuffer(_JSON_STRING.sub("", text).encode("utf-8"), dtype=np.uint8)
    step = np.isin(b, (91, 123)).astype(np.int64) - np.isin(b, (93, 125)).astype(np.int64)
    return int(np.cumsum(step).max(initial=0))


def read_json(path: str | Path, what: str | None = None, max_bytes: int = MAX_DATA_BYTES) -> Any:
    """A JSON file read through :func:`read_input`: bad JSON or nesting deeper than
    :data:`MAX_JSON_DEPTH` are one line naming the file."""
    p = Path(path)
    what = what or "file"
    text = read_text(p, what, max_bytes)
    if _quick_deep(text):
        raise ThaadInputError(f"{p}: nested deeper than {MAX_JSON_DEPTH} levels")

    try:
        # NaN and Infinity (Python's JSON extension) are read as floats, so that the models
        # that check a file can name the field that holds one
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ThaadInputError(f"{p}: not valid JSON (line {exc.lineno}: {exc.msg})") from None
    except ValueError as exc:
        raise ThaadInputError(f"{p}: not valid JSON ({exc})") from None
    except RecursionError:
        raise ThaadInputError(f"{p}: nested deeper than {MAX_JSON_DEPTH} levels") from None


def _quick_deep(text: str) -> bool:
    # a cheap pre-test on the bracket count, then the exact depth only for suspicious files
    if text.count("[") + text.count("{") < MAX_JSON_DEPTH:
        return False
    return _depth(text) > MAX_JSON_DEPTH


# ----------------------------------------------------------------------------- writing


def output_file(path: str | Path, label: str | None = None) -> Path:
    """Where a write to ``path`` lands, checked: a regular file (a symbolic link is followed to
    the file it names) or a new name in an existing directory. Refuses a directory, a device,
    FIFO or socket, a missing or non-directory parent, and a name too long for the file system.
    """
    pre = _prefix(label)
    p = Path(path)
    if not str(path):
        raise ThaadInputError(f"{pre}an empty file name")
    _check_name(p, pre)
    try:
        st = os.stat(p)
    except FileNotFoundError:
        st = None
    except NotADirectoryError:
        st = None  # reported below as the parent that is not a directory
    except OSError as exc:
        raise ThaadInputError(f"{pre}cannot write '{p}' ({_why(exc)})") from None
    if st is not None:
        if not stat.S_ISREG(st.st_mode):
            raise ThaadInputError(
                f"{pre}'{p}' is {_kind(st.st_mode)}; thaad writes only to regular files"
            )
        target = Path(os.path.realpath(p))
    else:
        target = Path(os.path.realpath(p)) if os.path.islink(p) else p
    parent = target.parent
    try:
        pst = os.stat(parent)
    except FileNotFoundError:
        raise ThaadInputError(
            f"{pre}cannot write '{p}': directory '{parent}' does not exist"
        ) from None
    except NotADirectoryError:
        raise ThaadInputError(
            f"{pre}cannot write '{p}': a part of '{parent}' is not a directory"
        ) from None
    except OSError as exc:
        raise ThaadInputError(f"{pre}cannot write '{p}' ({_why(exc)})") from None
    if not stat.S_ISDIR(pst.st_mode):
        raise ThaadInputError(f"{pre}cannot write '{p}': '{parent}' is not a directory")
    _check_name(target, pre)
    return target


def _check_name(target: Path, pre: str) -> None:
    try:
        limit = os.pathconf(target.parent, "PC_NAME_MAX")
    except (OSError, ValueError):
        limit = 255
    n = len(os.fsencode(target.name))
    if n > limit:
        raise ThaadInputError(
            f"{pre}the file name '{target.name[:40]}...' is {n} bytes, over the file "
            f"system's limit of {limit}"
        )


@contextlib.contextmanager
def _temporary(target: Path, label: str | None) -> Iterator[str]:
    """A temporary file next to ``target`` (short name: it fits wherever the target does),
    yielded by name, then given the target's permissions and renamed over it."""
    pre = _prefix(label)
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".thaad-", suffix=".tmp")
    except OSError as exc:
        raise ThaadInputError(f"{pre}cannot write in '{target.parent}' ({_why(exc)})") from None
    os.close(fd)
    try:
        yield tmp
        try:
            mode = stat.S_IMODE(os.stat(target).st_mode)
        except OSError:
            mode = 0o666 & ~_umask()
        os.chmod(tmp, mode)
        try:
            st = os.stat(target)
        except OSError:
            st = None
        if st is not None and not stat.S_ISREG(st.st_mode):  # appeared since the check
            raise ThaadInputError(f"{pre}'{target}' is {_kind(st.st_mode)}; not replaced")
        os.replace(tmp, target)
    except OSError as exc:
        raise ThaadInputError(f"{pre}cannot write '{target}' ({_why(exc)})") from None
    finally:
        Path(tmp).unlink(missing_ok=True)


def atomic_write_via(path: str | Path, write: Callable[[str], Any], label: str | None = None
                     ) -> Path:  # fmt: skip
    """Have ``write(tmp_name)`` write a file, then publish it atomically at ``path``
    (checked by :func:`output_file`). For writers that want a file name (netCDF, Parquet,
    PNG). Returns the path written (a symbolic link's target)."""
    target = output_file(path, label)
    with _temporary(target, label) as tmp:
        write(tmp)
    return target


def atomic_write_bytes(path: str | Path, data: bytes, label: str | None = None) -> Path:
    """Write ``data`` to ``path`` through a temporary file and an atomic rename."""

    def write(tmp: str) -> None:
        with open(tmp, "wb") as f:
            f.write(data)

    return atomic_write_via(path, write, label)


def atomic_write_text(path: str | Path, text: str, label: str | None = None) -> Path:
    """Write ``text`` (UTF-8) to ``path`` through a temporary file and an atomic rename."""
    return atomic_write_bytes(path, text.encode("utf-8"), label)


def write_json(path: str | Path, obj: Any, label: str | None = None) -> Path:
    return atomic_write_text(path, to_json(obj) + "\n", label)


# ----------------------------------------------------------------------------- directories


def output_dir(path: str | Path, label: str = "--out", parents: bool = False) -> Path:
    """The output directory ``path``, created if it is not there.

    Only the last part of the path is created (a missing parent is an error: a typo in it
    should not grow a tree of directories) unless ``parents`` (used for the commands' own
    defaults, such as ``out/footprint``). An existing file, device or dangling link at
    ``path`` is refused.
    """
    pre = _prefix(label)
    p = Path(path)
    if not str(path):
        raise ThaadInputError(f"{pre}an empty directory name")
    _check_name(p, pre)
    try:
        st = os.stat(p)
    except (FileNotFoundError, NotADirectoryError):
        st = None
    except OSError as exc:
        raise ThaadInputError(f"{pre}'{p}' cannot be used ({_why(exc)})") from None
    if st is not None:
        if not stat.S_ISDIR(st.st_mode):
            kind = "a file" if stat.S_ISREG(st.st_mode) else _kind(st.st_mode)
            raise ThaadInputError(f"{pre}'{p}' is {kind}, not a directory")
        return p
    if os.path.islink(p):
        raise ThaadInputError(f"{pre}'{p}' is a symbolic link to nothing")
    if not parents:
        parent = p.parent
        try:
            pst = os.stat(parent)
        except (FileNotFoundError, NotADirectoryError):
            raise ThaadInputError(
                f"{pre}cannot create '{p}': its parent '{parent}' does not exist (thaad "
                "creates only the last directory of an --out path)"
            ) from None
        except OSError as exc:
            raise ThaadInputError(f"{pre}cannot create '{p}' ({_why(exc)})") from None
        if not stat.S_ISDIR(pst.st_mode):
            raise ThaadInputError(f"{pre}cannot create '{p}': '{parent}' is not a directory")
    try:
        p.mkdir(parents=parents, exist_ok=True)
    except OSError as exc:
        raise ThaadInputError(f"{pre}cannot create '{p}' ({_why(exc)})") from None
    _CREATED.add(os.path.realpath(p))
    return p


_HELD: dict[str, int] = {}
_CREATED: set[str] = set()  # directories this process made (output_dir), for a clean refusal


def _undo_refused(path: str | Path, key: str) -> None:
    """After a refusal (bad input) inside :func:`dir_lock`: leave no trace. The lock file
    goes if nothing else was written, and the directory too if this process made it."""
    d = Path(path)
    try:
        names = {e.name for e in os.scandir(d)}
    except OSError:
        return
    if names <= {LOCK_FILE}:
        with contextlib.suppress(OSError):
            (d / LOCK_FILE).unlink()
        if key in _CREATED:
            with contextlib.suppress(OSError):
                d.rmdir()
                _CREATED.discard(key)


@contextlib.contextmanager
def dir_lock(path: str | Path, label: str = "--out") -> Iterator[None]:
    """Hold ``DIR/.lock`` (``fcntl.flock``, exclusive, not waiting) while writing ``DIR``:
    a second thaad command writing into the same directory is refused, not interleaved. The
    lock goes with the process, so a killed run leaves no stale lock behind. Re-entrant
    within one process (the command and the analysis it calls may both take it)."""
    key = os.path.realpath(path)
    if _HELD.get(key):
        _HELD[key] += 1
        try:
            yield
        finally:
            _HELD[key] -= 1
        return
    lock = Path(path) / LOCK_FILE
    try:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o666)
    except OSError as exc:
        raise ThaadInputError(f"{label}: cannot lock '{lock}' ({_why(exc)})") from None
    try:
        try:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except ImportError:  # pragma: no cover - not POSIX
            pass
        except OSError as exc:
            if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise ThaadInputError(
                    f"{label}: another thaad command is writing to '{path}' (it holds "
                    f"{LOCK_FILE}); wait for it or use another directory"
                ) from None
            raise ThaadInputError(f"{label}: cannot lock '{lock}' ({_why(exc)})") from None
        _HELD[key] = 1
        try:
            yield
        except ThaadInputError:
            _undo_refused(path, key)  # still holding the lock: nobody else is writing here
            raise
        finally:
            _HELD.pop(key, None)
    finally:
        os.close(fd)


# ----------------------------------------------------------------------------- provenance


def command_line(argv: list[str] | None) -> str:
    """``argv`` as one shell-quoted ``thaad ...`` line."""
    import shlex

    return "thaad " + " ".join(shlex.quote(a) for a in (argv or []))


def _read_provenance(d: Path) -> dict[str, Any]:
    prov_path = d / PROVENANCE_FILE
    if not prov_path.exists():
        return {}
    old = read_json(prov_path, "provenance file")
    if not isinstance(old, dict) or not isinstance(old.get("commands"), dict):
        raise ThaadInputError(f"{prov_path}: not a thaad provenance file (no 'commands' object)")
    return old


def check_provenance(out: str | Path, command: str, scenario_sha256: str) -> dict[str, Any]:
    """Refuse to write ``command``'s output for one scenario into a directory where another
    command left output for another (their ``scenario.yaml`` would clash); returns what
    ``DIR/provenance.json`` holds (``{}`` if none)."""
    d = Path(out)
    prov = _read_provenance(d)
    for name, entry in prov.get("commands", {}).items():
        if name == command or not isinstance(entry, dict):
            continue
        if entry.get("scenario_sha256") not in (None, scenario_sha256):
            raise ThaadInputError(
                f"--out: '{d}' holds the output of thaad {name} for another scenario or seed "
                f"(hash {str(entry.get('scenario_sha256'))[:12]}, now {scenario_sha256[:12]}); "
                "use another directory"
            )
    return prov


def write_provenance(
    out: str | Path, command: str, *, argv: list[str] | None, overrides: list[str],
    scenario_yaml: str, scenario_sha256: str, seed: int | None,
    files: list[str], extra: dict[str, Any] | None = None,
) -> Path:  # fmt: skip
    """Record how ``out`` was made: ``DIR/scenario.yaml`` (the resolved scenario) and this
    command's entry in ``DIR/provenance.json``: the command line, the ``--set`` overrides,
    the version, the scenario hash and seed, and the files it wrote.

    Commands sharing a directory each keep their own entry; a scenario that differs from the
    ``scenario.yaml`` another command left there is refused rather than overwritten.
    """
    from thaad.version import __version__

    d = Path(out)
    prov = check_provenance(d, command, scenario_sha256)
    commands = prov.setdefault("commands", {})
    commands[command] = {
        "command_line": command_line(argv),
        "argv": list(argv or []),
        "overrides": list(overrides),
        "version": __version__,
        "python": sys.version.split()[0],
        "scenario_sha256": scenario_sha256,
        "seed": seed,
        "files": sorted(files),
        "written_utc": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        **(extra or {}),
    }
    prov["kind"] = "thaad-provenance"
    prov["scenario_file"] = SCENARIO_FILE
    prov["scenario_sha256"] = scenario_sha256
    atomic_write_text(d / SCENARIO_FILE, scenario_yaml)
    return write_json(d / PROVENANCE_FILE, prov)


def publish(tmp: str | Path, path: str | Path) -> None:
    """Give a finished temporary file the usual permissions and rename it over ``path``
    (kept for callers that make their own temporary; prefer :func:`atomic_write_via`)."""
    os.chmod(tmp, 0o666 & ~_umask())
    os.replace(tmp, path)
