"""Shared fixtures: the default scenario's engagement is run once per session."""

import pytest


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
