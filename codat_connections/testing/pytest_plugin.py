"""pytest fixtures for testing code that uses codat-connections against a fresh fake Codat.

Enable them in one of two ways (they are off otherwise, even though the library registers them):

- ``pytest_plugins = ["codat_connections.testing.pytest_plugin"]`` in your top-level ``conftest.py``;
- or ``codat_fake = true`` under ``[tool.pytest.ini_options]`` (or ``-p codat_fake`` style: ``--codat-fake``
  on the command line), read by the ``pytest11`` entry point the library installs.

Fixtures, each fresh per test; inside the client and server fixtures testing mode is on
(``set_testing``): no client waits between retries, so a test that injects a 429 or a 503 runs at full
speed while the retries still happen (the previous setting comes back after the test):

- ``codat_fake``: a ``FakeCodat`` whose key is ``CODAT_FAKE_API_KEY``;
- ``codat_client``: a ``CodatConnections`` wired to it in-process;
- ``codat_async_client``: an ``AsyncCodatConnections`` wired to it in-process;
- ``codat_fake_server``: the same fake served on loopback, as a ``ServedFake`` (``base_url``, ``api_key``,
  ``fake``), for code under test that builds its own client or speaks HTTP itself.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from codat_connections import AsyncCodatConnections, CodatConnections
from codat_connections.testing._testing_mode import set_testing
from codat_connections.testing._ways_in.fake import FakeCodat

__all__ = [
    "CODAT_FAKE_API_KEY",
    "ServedFake",
    "codat_async_client",
    "codat_client",
    "codat_fake",
    "codat_fake_server",
]

CODAT_FAKE_API_KEY = "codat-fake-test-key"
"""The key the fixtures' fake expects and their clients send."""


@dataclass(frozen=True)
class ServedFake:
    """A fake served on loopback: point your code at ``base_url`` with ``api_key``."""

    base_url: str
    api_key: str
    fake: FakeCodat


@pytest.fixture
def codat_fake() -> FakeCodat:
    """A fresh ``FakeCodat`` (key ``CODAT_FAKE_API_KEY``)."""
    return FakeCodat(api_key=CODAT_FAKE_API_KEY)


@pytest.fixture
def codat_client(codat_fake: FakeCodat) -> Iterator[CodatConnections]:
    """A ``CodatConnections`` answered by ``codat_fake`` in-process; closed after the test."""
    http_client = httpx.Client(transport=codat_fake.transport())
    with set_testing(), CodatConnections(api_key=CODAT_FAKE_API_KEY, http_client=http_client) as client:
        yield client
    http_client.close()


@pytest.fixture
def codat_async_client(codat_fake: FakeCodat) -> Iterator[AsyncCodatConnections]:
    """An ``AsyncCodatConnections`` answered by ``codat_fake`` in-process (no sockets, so any event loop may use it)."""
    http_client = httpx.AsyncClient(transport=codat_fake.async_transport())
    client = AsyncCodatConnections(api_key=CODAT_FAKE_API_KEY, http_client=http_client)
    with set_testing():
        yield client

    async def close() -> None:
        await client.close()
        await http_client.aclose()

    asyncio.run(close())


@pytest.fixture
def codat_fake_server(codat_fake: FakeCodat) -> Iterator[ServedFake]:
    """``codat_fake`` served on ``127.0.0.1`` for the test; its link URLs point at its own Link page."""
    with set_testing(), codat_fake.serve() as base_url:
        yield ServedFake(base_url, CODAT_FAKE_API_KEY, codat_fake)
