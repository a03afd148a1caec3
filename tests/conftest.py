"""Shared fixtures: the default scenario's engagement is run once per session.

The first command of a cold numba cache says on stderr that it is compiling; the tests that
count stderr lines would see it in whichever test happens to run first, so it is off here
(tests/test_warmup.py turns it on where it is the subject).
"""

import os

import pytest

os.environ.setdefault("THAAD_NO_COMPILE_NOTICE", "1")


@pytest.fixture(scope="session")
def default_result():
    import thaad

    return thaad.run(thaad.load_scenario())


@pytest.fixture(scope="session")
def run_dir(tmp_path_factory):
    """The default scenario's output directory, made as a user would: ``thaad run --report``."""
    from thaad.cli import main

    out = tmp_path_factory.mktemp("run")
    assert main(["run", "--out", str(out), "--report"]) == 0
    return out


@pytest.fixture(scope="session")
def viewer_server(run_dir):
    """``thaad view`` of the default run on a free port of 127.0.0.1, in a thread."""
    import threading

    from thaad.output.viewer import make_server

    server = make_server(run_dir, port=0)
    server.quiet = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def pytest_terminal_summary(terminalreporter):
    """The fuzz tests' outcomes (tests/test_fuzz.py): counts by command and outcome."""
    import sys

    mod = sys.modules.get("test_fuzz") or sys.modules.get("tests.test_fuzz")
    tally = getattr(mod, "TALLY", None)
    if not tally:
        return
    tr = terminalreporter
    tr.section(f"fuzz outcomes (profile {mod.PROFILE})")
    names = sorted({name for name, _ in tally})
    for name in names:
        row = {k: tally.get((name, k), 0) for k in ("exit 0", "exit 2", "failure")}
        tr.write_line(f"{name:<12s} exit 0: {row['exit 0']:5d}   exit 2: {row['exit 2']:5d}   "
                      f"failures: {row['failure']:3d}")  # fmt: skip
    tot = {
        k: sum(v for (_, o), v in tally.items() if o == k) for k in ("exit 0", "exit 2", "failure")
    }
    tr.write_line(f"{'total':<12s} exit 0: {tot['exit 0']:5d}   exit 2: {tot['exit 2']:5d}   "
                  f"failures: {tot['failure']:3d}   ({sum(tot.values())} cases)")  # fmt: skip
