"""One live Crucible server per test run: the package's own embedded launcher, shared by every test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from crucible.server import LocalServer

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def server() -> Iterator[LocalServer]:
    with LocalServer() as s:
        yield s


@pytest.fixture(scope="session")
def url(server: LocalServer) -> str:
    return server.url
