"""Faults against the fake, in-process and over loopback: what was retried, what the server saw, nothing lost."""

from __future__ import annotations

import asyncio
import email.utils
import random
import socket
import time

import httpx
import pytest

from codat_connections import (
    APIConnectionError,
    APITimeoutError,
    AsyncCodatConnections,
    CodatConnections,
    CodatError,
    InternalServerError,
    RateLimitError,
)
from codat_connections.testing import FakeCodat
from tests.conftest import API_KEY, use_test_clock


def test_read_timeout_over_loopback_is_retried_then_typed(fake: FakeCodat, company: str, sleeps: list[float]) -> None:
    fake.delay(1.0, times=3)
    with fake.serve() as url, CodatConnections(api_key=API_KEY, base_url=url, timeout=0.2) as codat:
        use_test_clock(codat)
        started = time.monotonic()
        with pytest.raises(APITimeoutError):
            codat.connections.list(company)
        assert time.monotonic() - started < 3
    assert len(fake.requests_to("GET")) == 3
    assert len(sleeps) == 2


def test_connection_refused_is_retried_then_typed(sleeps: list[float]) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    codat = CodatConnections(api_key=API_KEY, base_url=f"http://127.0.0.1:{port}", timeout=2)
    use_test_clock(codat)
    with codat, pytest.raises(APIConnectionError) as caught:
        codat.connections.get("c", "k")
    assert not isinstance(caught.value, APITimeoutError)
    assert len(sleeps) == 2


def test_connect_timeout_is_a_timeout_error(sleeps: list[float]) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectTimeout("timed out", request=request)

    codat = CodatConnections(api_key=API_KEY, http_client=httpx.Client(transport=httpx.MockTransport(handler)))
    use_test_clock(codat)
    with pytest.raises(APITimeoutError, match="ConnectTimeout"):
        codat.connections.list("c")
    assert len(sleeps) == 2


def test_reset_mid_response_is_retried(client: CodatConnections, fake: FakeCodat, company: str) -> None:
    ids = fake.seed_connections(company, 30)
    fake.truncate_body(times=2, method="GET")
    assert [c.id for c in client.connections.list_all(company, page_size=10)] == ids
    assert [r.status for r in fake.requests_to("GET")] == [None, None, 200, 200, 200]


def test_rate_limit_storm_with_http_dates(
    client: CodatConnections, fake: FakeCodat, company: str, sleeps: list[float]
) -> None:
    fake.rate_limit(times=2, retry_after=email.utils.formatdate(time.time() + 5, usegmt=True))
    assert client.connections.list(company).results == []
    assert len(sleeps) == 2
    assert all(3 <= s <= 5 for s in sleeps)
    fake.rate_limit(times=3, retry_after="0")
    with pytest.raises(RateLimitError):
        client.connections.list(company)
    assert [r.status for r in fake.requests][-3:] == [429, 429, 429]


def test_5xx_burst_within_and_beyond_the_budget(client: CodatConnections, fake: FakeCodat, company: str) -> None:
    fake.fail_with_status(502, times=2)
    assert client.connections.list(company).results == []
    fake.non_json(503, times=3)
    with pytest.raises(InternalServerError):
        client.connections.list(company)
    assert [r.status for r in fake.requests] == [502, 502, 200, 503, 503, 503]


def test_creates_under_random_faults_are_never_applied_twice(
    client: CodatConnections, fake: FakeCodat, company: str
) -> None:
    """60 creates, each under a random fault: each applies at most once, and a returned one is stored."""
    rng = random.Random(7)
    outcomes: dict[str, int] = {"returned": 0, "failed, applied": 0, "failed, not applied": 0}

    def stored() -> set[str]:
        return {c["id"] for c in fake.connections_of(company)}

    for _ in range(60):
        fault = rng.choice(["none", "drop-before", "drop-after", "429", "409", "500", "503-after", "truncate"])
        times = rng.randint(1, 3)
        if fault == "drop-before":
            fake.drop_connection(times=times, method="POST")
        elif fault == "drop-after":
            fake.drop_connection(times=times, method="POST", after_processing=True)
        elif fault in ("429", "409", "500"):
            fake.fail_with_status(int(fault), times=times, method="POST")
        elif fault == "503-after":
            fake.fail_with_status(503, times=times, method="POST", after_processing=True)
        elif fault == "truncate":
            fake.truncate_body(times=times, method="POST")
        before = stored()
        posts_before = len(fake.requests_to("POST"))
        try:
            created = client.connections.create(company, "gbol")
        except CodatError:
            added = stored() - before
            assert len(added) <= 1, f"{fault}: a failed create was applied {len(added)} times"
            outcomes["failed, applied" if added else "failed, not applied"] += 1
        else:
            assert stored() - before == {created.id}, f"{fault}: applied more than once, or not the one returned"
            outcomes["returned"] += 1
        keys = {r.headers["idempotency-key"] for r in fake.requests_to("POST")[posts_before:]}
        assert len(keys) == 1, "every attempt of one create carries the same key"
        fake.clear_faults()
    assert outcomes["returned"] > 0
    assert outcomes["failed, applied"] + outcomes["failed, not applied"] > 0


async def test_slow_pages_during_async_list_all(aclient: AsyncCodatConnections, fake: FakeCodat, company: str) -> None:
    ids = fake.seed_connections(company, 120)
    fake.delay(0.2, times=3, method="GET")
    assert [c.id for c in await aclient.connections.list_all(company, page_size=10, concurrency=6)] == ids


async def test_cancelled_list_all_leaves_no_task_and_no_busy_connection(fake: FakeCodat, company: str) -> None:
    fake.seed_connections(company, 200)
    fake.delay(0.5, times=50, method="GET")
    with fake.serve() as url:
        codat = AsyncCodatConnections(api_key=API_KEY, base_url=url, timeout=5)
        task = asyncio.create_task(codat.connections.list_all(company, page_size=10, concurrency=5))
        await asyncio.sleep(0.7)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert [t for t in asyncio.all_tasks() if t is not asyncio.current_task()] == []
        pool = codat._requester._http._transport._pool  # type: ignore[attr-defined]
        assert all(conn.is_idle() or conn.is_closed() for conn in pool.connections)
        seen = len(fake.requests)
        await asyncio.sleep(0.6)
        assert len(fake.requests) == seen, "no request goes on after cancellation"
        await codat.close()
        assert pool.connections == []


def test_a_status_fault_with_retry_after_zero_is_retried_at_once(
    client: CodatConnections, fake: FakeCodat, company: str, sleeps: list[float]
) -> None:
    fake.fail_with_status(503, times=2, retry_after="0")
    assert client.connections.list(company).results == []
    assert sleeps == [0.0, 0.0], "no backoff: the fake said Retry-After: 0"
    assert [r.status for r in fake.requests] == [503, 503, 200]
