"""Testing mode: a test that injects faults into the fake does not wait out the client's backoff."""

from __future__ import annotations

import time

import httpx
import pytest

from codat_connections import AsyncCodatConnections, CodatConnections, RateLimitError
from codat_connections.testing import FakeCodat, is_testing, set_testing
from tests.conftest import API_KEY


def test_in_testing_mode_retries_happen_without_their_waits(fake: FakeCodat, company: str) -> None:
    fake.rate_limit(times=2, retry_after="20")  # two 20 s waits, and a 20 s client-wide pause
    codat = CodatConnections(api_key=API_KEY, http_client=httpx.Client(transport=fake.transport()))
    started = time.monotonic()
    with set_testing():
        assert is_testing()
        codat.connections.list(company)
    assert time.monotonic() - started < 10, "20 s waits were skipped"
    assert [r.status for r in fake.requests_to("GET")] == [429, 429, 200], "the retries still happened"
    assert not is_testing(), "leaving the block restores the previous setting"


async def test_testing_mode_reaches_async_clients_and_can_be_left_on(fake: FakeCodat, company: str) -> None:
    fake.rate_limit(times=1, retry_after="20")
    codat = AsyncCodatConnections(api_key=API_KEY, http_client=httpx.AsyncClient(transport=fake.async_transport()))
    set_testing(True)
    try:
        started = time.monotonic()
        await codat.connections.list(company)
        assert time.monotonic() - started < 10
    finally:
        set_testing(False)
    assert not is_testing()


def test_testing_mode_does_not_retry_what_is_never_retried(fake: FakeCodat, company: str) -> None:
    fake.rate_limit(times=5, retry_after="7200")  # asks for two hours: raised at once, testing or not
    codat = CodatConnections(api_key=API_KEY, http_client=httpx.Client(transport=fake.transport()))
    with set_testing(), pytest.raises(RateLimitError, match="more than the 60 s this client waits"):
        codat.connections.list(company)
    assert len(fake.requests_to("GET")) == 1


def test_set_testing_refuses_a_non_bool() -> None:
    with pytest.raises(TypeError, match="enabled must be a bool, got str"):
        set_testing("yes")  # type: ignore[arg-type]
