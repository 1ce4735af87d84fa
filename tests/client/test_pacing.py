"""The client paces itself: one Retry-After pauses every new request, 10 in flight per company, an optional pace."""

from __future__ import annotations

import asyncio
import itertools
import logging
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from codat_connections import AsyncCodatConnections, CodatConnections
from tests.conftest import API_KEY, COMPANY, CONNECTION, VirtualClock, codat_error, use_test_clock, wire_connection

LATENCY = 0.02


class Server:
    """Answers after ``LATENCY``; the first request gets a 429 with ``Retry-After: 1`` when asked."""

    def __init__(self, *, first_is_429: bool = False) -> None:
        self.first_is_429 = first_is_429
        self.lock = threading.Lock()
        self.arrivals: list[tuple[float, str]] = []
        self.in_flight: Counter[str] = Counter()
        self.peak: Counter[str] = Counter()
        self.answered_429_at: float | None = None

    def arrive(self, request: httpx.Request) -> tuple[str, bool]:
        company = request.url.path.split("/")[2]
        with self.lock:
            self.arrivals.append((time.monotonic(), company))
            self.in_flight[company] += 1
            self.peak[company] = max(self.peak[company], self.in_flight[company])
            limited = self.first_is_429 and len(self.arrivals) == 1
        return company, limited

    def answer(self, company: str, limited: bool) -> httpx.Response:
        with self.lock:
            self.in_flight[company] -= 1
            if limited:
                self.answered_429_at = time.monotonic()
                return httpx.Response(429, json=codat_error(429, "slow down"), headers={"Retry-After": "1"})
        return httpx.Response(200, json=wire_connection())

    def sync_client(self, **kwargs: object) -> CodatConnections:
        def handler(request: httpx.Request) -> httpx.Response:
            company, limited = self.arrive(request)
            time.sleep(LATENCY)
            return self.answer(company, limited)

        http = httpx.Client(transport=httpx.MockTransport(handler))
        client = CodatConnections(api_key=API_KEY, http_client=http, **kwargs)  # type: ignore[arg-type]
        use_test_clock(client)
        return client

    def async_client(self, **kwargs: object) -> AsyncCodatConnections:
        async def handler(request: httpx.Request) -> httpx.Response:
            company, limited = self.arrive(request)
            await asyncio.sleep(LATENCY)
            return self.answer(company, limited)

        http = httpx.AsyncClient(transport=httpx.MockTransport(handler))
        client = AsyncCodatConnections(api_key=API_KEY, http_client=http, **kwargs)  # type: ignore[arg-type]
        use_test_clock(client)
        return client

    def started_during_the_pause(self) -> list[float]:
        assert self.answered_429_at is not None
        start, end = self.answered_429_at, self.answered_429_at + 0.98
        return [at - start for at, _ in self.arrivals if start < at < end]


async def test_one_429_pauses_every_new_request_of_the_async_client() -> None:
    server = Server(first_is_429=True)
    client = server.async_client()

    async def call(index: int) -> None:
        await asyncio.sleep(index * 0.02)  # 50 tasks starting over a second
        await client.connections.get(f"company-{index}", CONNECTION)

    started = time.monotonic()
    await asyncio.gather(*(call(index) for index in range(50)))
    assert server.started_during_the_pause() == []
    assert len(server.arrivals) == 51, "50 calls and one retry"
    assert time.monotonic() - started >= 1.0


def test_one_429_pauses_every_new_request_of_the_sync_client_across_threads() -> None:
    server = Server(first_is_429=True)
    client = server.sync_client()

    def call(index: int) -> None:
        time.sleep(index * 0.02)
        client.connections.get(f"company-{index}", CONNECTION)

    with ThreadPoolExecutor(max_workers=50) as pool:
        list(pool.map(call, range(50)))
    assert server.started_during_the_pause() == []
    assert len(server.arrivals) == 51


async def test_never_more_than_ten_requests_in_flight_per_company_async() -> None:
    server = Server()
    client = server.async_client()
    await asyncio.gather(*(client.connections.get(COMPANY, CONNECTION) for _ in range(40)))
    await asyncio.gather(*(client.connections.get(company, CONNECTION) for company in ("a", "b") for _ in range(15)))
    assert server.peak == {COMPANY: 10, "a": 10, "b": 10}


def test_never_more_than_ten_requests_in_flight_per_company_sync() -> None:
    server = Server()
    client = server.sync_client()
    with ThreadPoolExecutor(max_workers=25) as pool:
        list(pool.map(lambda _: client.connections.get(COMPANY, CONNECTION), range(60)))
    assert server.peak[COMPANY] == 10


async def test_the_per_company_limit_is_shared_with_options_copies() -> None:
    server = Server()
    client = server.async_client()
    quick = client.with_options(timeout=5)
    await asyncio.gather(*(c.connections.get(COMPANY, CONNECTION) for c in (client, quick) for _ in range(12)))
    assert server.peak[COMPANY] == 10


async def test_max_requests_per_minute_spaces_request_starts() -> None:
    server = Server()
    client = server.async_client(max_requests_per_minute=3000)  # one start every 20 ms (plus 2 %)
    await asyncio.gather(*(client.connections.get(f"c{index}", CONNECTION) for index in range(20)))
    times = sorted(at for at, _ in server.arrivals)
    assert times[-1] - times[0] >= 19 * 0.02


def test_max_requests_per_minute_reserves_evenly_spaced_slots(client_clock: VirtualClock) -> None:
    sleeps = client_clock.waits
    starts: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        starts.append(client_clock.monotonic())  # the client's (virtual) clock: it moves by the waits
        return httpx.Response(200, json=wire_connection())

    http = httpx.Client(transport=httpx.MockTransport(handler))
    client = CodatConnections(api_key=API_KEY, http_client=http, max_requests_per_minute=600)
    use_test_clock(client)
    for _ in range(5):
        client.connections.get(COMPANY, CONNECTION)
    assert len(sleeps) == 4
    gaps = [later - earlier for earlier, later in itertools.pairwise(starts)]
    assert gaps == pytest.approx([60 / 600 * 1.02] * 4, abs=0.002)


@pytest.mark.parametrize("value", [0, -5, float("nan"), float("inf"), True])
def test_bad_max_requests_per_minute(value: float) -> None:
    with pytest.raises(ValueError, match="max_requests_per_minute must be a number greater than 0"):
        CodatConnections(api_key=API_KEY, max_requests_per_minute=value)


def quota_client(reset_in: float) -> CodatConnections:
    def handler(request: httpx.Request) -> httpx.Response:
        headers = {
            "X-Rate-Limit-Limit": "2000",
            "X-Rate-Limit-Remaining": "0",
            "X-Rate-Limit-Reset": str(int(time.time() + reset_in)),
        }
        return httpx.Response(200, json=wire_connection(), headers=headers)

    client = CodatConnections(api_key=API_KEY, http_client=httpx.Client(transport=httpx.MockTransport(handler)))
    use_test_clock(client)
    return client


def test_remaining_zero_waits_for_the_reset(sleeps: list[float], caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, "codat_connections")
    client = quota_client(reset_in=3)
    client.connections.get(COMPANY, CONNECTION)
    assert sleeps == []
    client.connections.get(COMPANY, CONNECTION)
    assert len(sleeps) == 1
    assert 1.9 <= sleeps[0] <= 3.1
    messages = [record.getMessage() for record in caplog.records]
    assert any("X-Rate-Limit-Remaining is 0 until X-Rate-Limit-Reset" in message for message in messages)
    assert any(message.startswith("waiting ") for message in messages)


def test_a_daily_quota_reset_hours_away_does_not_block(sleeps: list[float]) -> None:
    client = quota_client(reset_in=6 * 3600)
    for _ in range(3):
        client.connections.get(COMPANY, CONNECTION)
    assert sleeps == [], "the server decides: a 429 then raises at once with retry_after"


def test_a_pause_is_logged_with_its_reason(sleeps: list[float], caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, "codat_connections")
    server = Server(first_is_429=True)
    server.sync_client().connections.get(COMPANY, CONNECTION)
    messages = [record.getMessage() for record in caplog.records]
    assert "pausing new requests for 1.00 s: Retry-After on a 429" in messages


def test_after_a_pause_the_pace_starts_again_instead_of_a_burst() -> None:
    """Starts booked before a 429 are booked again after its pause, still one per interval."""
    starts: list[float] = []
    lock = threading.Lock()

    def handler(request: httpx.Request) -> httpx.Response:
        with lock:
            starts.append(time.monotonic())
            if len(starts) == 6:
                return httpx.Response(429, json=codat_error(429, "slow down"), headers={"Retry-After": "1"})
        return httpx.Response(200, json=wire_connection())

    http = httpx.Client(transport=httpx.MockTransport(handler))
    client = CodatConnections(api_key=API_KEY, http_client=http, max_requests_per_minute=1200)  # 51 ms apart
    with ThreadPoolExecutor(max_workers=20) as pool:
        list(pool.map(lambda index: client.connections.get(f"company-{index}", CONNECTION), range(20)))
    starts.sort()
    busiest = max(sum(1 for moment in starts if first <= moment < first + 0.2) for first in starts)
    assert busiest <= 6, f"{busiest} starts within 200 ms; the pace allows 4 (a burst was 20 and more)"
    assert starts[-1] - starts[0] < 3.0, "the pace resumed after the pause"
