"""Shared fixtures: the default scenario's engagement is run once per session."""

import pytest


@pytest.fixture(scope="session")
def default_result():
    import thaad

    return thaad.run(thaad.load_scenario())
