"""Shared fixtures: the fake Codat reached in-process and over a loopback socket, and recorded sleeps."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from codat_connections import AsyncCodatConnections, CodatConnections
from codat_connections._client import ClientBase
from codat_connections._clock import Clock, raise_if_stopped
from codat_connections.testing import FakeCodat
from tests import profiles  # noqa: F401 (loads the Hypothesis profile chosen by HYPOTHESIS_PROFILE)
from tests.generator.vendor_module import vendor

ROOT = Path(__file__).resolve().parent.parent
SPEC_PATH = ROOT / "openapi" / "connections.yaml"
UPSTREAM_PATH: Path = vendor.DEFAULT_UPSTREAM  # defined once, in openapi/vendor.py


def upstream_document() -> Path:
    """Codat's own document, for tests that check against it; the test is skipped when it is not beside the
    checkout (``../shared``, as CI has it). The one rule for every such test, wherever it reads the document."""
    if not UPSTREAM_PATH.is_file():
        pytest.skip(f"Codat's upstream document is not beside the checkout: {UPSTREAM_PATH}")
    return UPSTREAM_PATH


LOOPBACK_IN_THE_FAST_LOOP = frozenset({"test_like_a_server.py", "test_abuse.py", "test_serving.py"})
"""Modules whose loopback runs prove what the in-process ones cannot (the server's own framing, timeouts, Host
check and limits), so they stay in ``make test-unit``. Everywhere else the loopback run of a test parametrized
in-process/loopback repeats the in-process one over a socket: it is ``slow`` (``make test`` runs it)."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        if "loopback" in params.values() and item.path.name not in LOOPBACK_IN_THE_FAST_LOOP:
            item.add_marker(pytest.mark.slow)


API_KEY = "sk-test-TOPSECRET-7f3a9c1e"
"""A distinctive fake key: tests assert it never shows up where it must not."""
CODAT_BASE = "https://api.codat.io"
COMPANY = "8a210b68-6988-11ed-a1eb-0242ac120002"
"""A company id for tests that talk to a mock transport (the fake makes its own)."""
CONNECTION = "2e9d2c44-f675-40ba-8049-353bfcb5e171"


class VirtualClock(Clock):
    """A client's clock for tests: time moves only by the waits, each recorded in ``waits`` and not slept."""

    def __init__(self) -> None:
        self.waits: list[float] = []
        self._start = time.monotonic()
        self._skipped = 0.0
        self._lock = threading.Lock()

    def monotonic(self) -> float:
        return self._start + self._skipped

    def sleep(self, seconds: float) -> None:
        raise_if_stopped()  # a sweep that was left stops its workers' waits, as the real clock does
        with self._lock:
            self.waits.append(seconds)
            self._skipped += max(0.0, seconds)

    async def async_sleep(self, seconds: float) -> None:
        self.sleep(seconds)
        await asyncio.sleep(0)


_TEST_CLOCK: list[VirtualClock] = []
"""The current test's clock (set by the ``client_clock`` fixture): clients this file builds use it."""


def use_test_clock(client: ClientBase[Any, Any]) -> None:
    """Put ``client`` (and its copies) on the current test's virtual clock, when the test asked for one."""
    if _TEST_CLOCK:
        client._use_clock(_TEST_CLOCK[-1])


@contextmanager
def _pushed_clock() -> Iterator[VirtualClock]:
    """A virtual clock that clients this file builds use within the block."""
    virtual = VirtualClock()
    _TEST_CLOCK.append(virtual)
    try:
        yield virtual
    finally:
        _TEST_CLOCK.remove(virtual)


@contextmanager
def virtual_time() -> Iterator[list[float]]:
    """Within the block, clients this file builds wait on a virtual clock; yields its recorded waits."""
    with _pushed_clock() as virtual:
        yield virtual.waits


@pytest.fixture
def client_clock() -> Iterator[VirtualClock]:
    """A virtual clock; every client built by this file's fixtures and helpers during the test uses it."""
    with _pushed_clock() as virtual:
        yield virtual


@pytest.fixture
def sleeps(client_clock: VirtualClock) -> list[float]:
    """The waits of the clients built by this file's fixtures and helpers, recorded instead of slept."""
    return client_clock.waits


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
            use_test_clock(codat)
            yield codat
    else:
        with (
            fake.serve() as base_url,
            CodatConnections(api_key=API_KEY, base_url=base_url, timeout=5) as codat,
        ):
            use_test_clock(codat)
            yield codat


@pytest.fixture(params=["in-process", "loopback"])
async def aclient(
    request: pytest.FixtureRequest, fake: FakeCodat, sleeps: list[float]
) -> AsyncIterator[AsyncCodatConnections]:
    """An async client on the fake, in-process and over loopback."""
    if request.param == "in-process":
        http = httpx.AsyncClient(transport=fake.async_transport())
        async with AsyncCodatConnections(api_key=API_KEY, http_client=http) as codat:
            use_test_clock(codat)
            yield codat
        await http.aclose()
    else:
        with fake.serve() as base_url:
            async with AsyncCodatConnections(api_key=API_KEY, base_url=base_url, timeout=5) as codat:
                use_test_clock(codat)
                yield codat


Handler = Callable[[httpx.Request], httpx.Response]


def mock_client(handler: Handler, **kwargs: Any) -> CodatConnections:
    """A sync client whose every request is answered by ``handler`` (recorded-shape responses)."""
    client = CodatConnections(
        api_key=API_KEY, http_client=httpx.Client(transport=httpx.MockTransport(handler)), **kwargs
    )
    use_test_clock(client)
    return client


def mock_async_client(handler: Handler, **kwargs: Any) -> AsyncCodatConnections:
    transport = httpx.MockTransport(handler)
    client = AsyncCodatConnections(api_key=API_KEY, http_client=httpx.AsyncClient(transport=transport), **kwargs)
    use_test_clock(client)
    return client


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
