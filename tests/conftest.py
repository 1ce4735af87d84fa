"""Shared fixtures: the fake Codat reached in-process and over a loopback socket, and recorded sleeps."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from codat_connections import AsyncCodatConnections, CodatConnections, _clock
from codat_connections.testing import FakeCodat
from tests.vendor_module import vendor

ROOT = Path(__file__).resolve().parent.parent
SPEC_PATH = ROOT / "openapi" / "connections.yaml"
UPSTREAM_PATH: Path = vendor.DEFAULT_UPSTREAM  # defined once, in openapi/vendor.py

API_KEY = "sk-test-TOPSECRET-7f3a9c1e"
"""A distinctive fake key: tests assert it never shows up where it must not."""
CODAT_BASE = "https://api.codat.io"
COMPANY = "8a210b68-6988-11ed-a1eb-0242ac120002"
"""A company id for tests that talk to a mock transport (the fake makes its own)."""
CONNECTION = "2e9d2c44-f675-40ba-8049-353bfcb5e171"


@contextmanager
def virtual_time() -> Iterator[list[float]]:
    """The client's waits (retries, pauses) are recorded instead of slept; its clock moves on by each."""
    recorded: list[float] = []
    real = (_clock.sleep, _clock.async_sleep, _clock.monotonic)
    real_monotonic = _clock.monotonic
    skipped = [0.0]

    def fake_sleep(seconds: float) -> None:
        recorded.append(seconds)
        skipped[0] += seconds

    async def fake_async_sleep(seconds: float) -> None:
        fake_sleep(seconds)

    _clock.sleep, _clock.async_sleep = fake_sleep, fake_async_sleep
    _clock.monotonic = lambda: real_monotonic() + skipped[0]
    try:
        yield recorded
    finally:
        _clock.sleep, _clock.async_sleep, _clock.monotonic = real


@pytest.fixture
def sleeps() -> Iterator[list[float]]:
    """The client's waits, recorded instead of slept (see ``virtual_time``)."""
    with virtual_time() as recorded:
        yield recorded


@pytest.fixture
def fake() -> FakeCodat:
    return FakeCodat(api_key=API_KEY)


@pytest.fixture
def company(fake: FakeCodat) -> str:
    return fake.add_company("Acme Ltd")


@pytest.fixture(params=["in-process", "loopback"])
def client(request: pytest.FixtureRequest, fake: FakeCodat, sleeps: list[float]) -> Iterator[CodatConnections]:
    """A sync client on the fake: through an httpx transport, and over a real loopback socket."""
    if request.param == "in-process":
        with CodatConnections(api_key=API_KEY, http_client=httpx.Client(transport=fake.transport())) as codat:
            yield codat
    else:
        with (
            fake.serve() as base_url,
            CodatConnections(api_key=API_KEY, base_url=base_url, timeout=5) as codat,
        ):
            yield codat


@pytest.fixture(params=["in-process", "loopback"])
async def aclient(
    request: pytest.FixtureRequest, fake: FakeCodat, sleeps: list[float]
) -> AsyncIterator[AsyncCodatConnections]:
    """An async client on the fake, in-process and over loopback."""
    if request.param == "in-process":
        http = httpx.AsyncClient(transport=fake.async_transport())
        async with AsyncCodatConnections(api_key=API_KEY, http_client=http) as codat:
            yield codat
        await http.aclose()
    else:
        with fake.serve() as base_url:
            async with AsyncCodatConnections(api_key=API_KEY, base_url=base_url, timeout=5) as codat:
                yield codat


Handler = Callable[[httpx.Request], httpx.Response]


def mock_client(handler: Handler, **kwargs: Any) -> CodatConnections:
    """A sync client whose every request is answered by ``handler`` (recorded-shape responses)."""
    return CodatConnections(api_key=API_KEY, http_client=httpx.Client(transport=httpx.MockTransport(handler)), **kwargs)


def mock_async_client(handler: Handler, **kwargs: Any) -> AsyncCodatConnections:
    transport = httpx.MockTransport(handler)
    return AsyncCodatConnections(api_key=API_KEY, http_client=httpx.AsyncClient(transport=transport), **kwargs)


def wire_connection(index: int = 0, **overrides: Any) -> dict[str, Any]:
    """A connection as Codat sends it."""
    record: dict[str, Any] = {
        "id": f"00000000-0000-4000-8000-{index:012d}",
        "integrationId": "bf083d72-62c7-493e-aec9-81b4dbba7e2c",
        "integrationKey": "gbol",
        "sourceId": "bdd831ce-eebd-4896-89a7-20e5ee8989ee",
        "platformName": "Xero",
        "linkUrl": f"https://link-api.codat.io/companies/c/connections/{index}/start",
        "status": "Linked",
        "lastSync": "2022-10-27T10:22:43.6464237Z",
        "created": "2022-10-27T09:53:29Z",
        "sourceType": "Accounting",
    }
    record.update(overrides)
    return record


def codat_error(status: int, message: str, correlation_id: str = "corr-123") -> dict[str, Any]:
    return {
        "statusCode": status,
        "service": "PublicApi",
        "error": message,
        "correlationId": correlation_id,
        "canBeRetried": "Unknown",
        "detailedErrorCode": 0,
    }
