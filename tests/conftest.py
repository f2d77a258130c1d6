"""Shared pytest fixtures. `tests/` is put on sys.path so tests can `import simweb`."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

TESTS_DIR = Path(__file__).resolve().parent
if str(TESTS_DIR) not in sys.path:
    sys.path.insert(0, str(TESTS_DIR))

from simweb import SimWeb  # noqa: E402  (needs the sys.path line above)


@pytest.fixture(scope="session")
def simweb_server() -> Iterator[SimWeb]:
    """One simulated web for the whole session (started once, closed at the end)."""
    sim = SimWeb().start()
    sim.save_baseline()
    try:
        yield sim
    finally:
        sim.close()


@pytest.fixture
def simweb(simweb_server: SimWeb) -> SimWeb:
    """The session's simulated web, reset to its baseline: no scripted paths, empty log.

    A test that stops the server must use its own `SimWeb` (see `fresh_simweb`).
    """
    if not simweb_server.running:
        simweb_server.start()
    simweb_server.reset()
    return simweb_server


@pytest.fixture
def fresh_simweb() -> Iterator[SimWeb]:
    """A simulated web of its own, for tests that stop it or change what it certifies."""
    with SimWeb() as sim:
        yield sim
