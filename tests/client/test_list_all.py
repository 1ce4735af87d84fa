"""``list_all`` and ``iterate``: nothing lost whatever page size a server serves, typed failures, bounded fetching."""

from __future__ import annotations

import asyncio
import gc
import json
import math
import threading
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codat_connections import AsyncCodatConnections, CodatConnections, CodatError, InternalServerError
from tests.conftest import API_KEY, COMPANY, codat_error, mock_async_client, virtual_time, wire_connection
from tests.profiles import examples


class PagedServer:
    """A list endpoint over ``records`` real records whose ``totalResults`` may say anything."""

    def __init__(self, records: int, *, claimed_total: int | None = None, always_next: bool = False) -> None:
        self.records = records
        self.claimed_total = records if claimed_total is None else claimed_total
        self.always_next = always_next
        self.requests = 0
        self.failures: dict[int, int] = {}  # page -> status to answer with
        self.delays: dict[int, float] = {}
        self.started: list[int] = []
        self.cancelled: list[int] = []
        self.progress: asyncio.Event | None = None

    async def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        number = int(request.url.params["page"])
        size = int(request.url.params["pageSize"])
        self.started.append(number)
        if self.progress is not None:
            self.progress.set()
        try:
            await asyncio.sleep(self.delays.get(number, 0))
        except asyncio.CancelledError:
            self.cancelled.append(number)
            raise
        if number in self.failures:
            status = self.failures[number]
            return httpx.Response(status, json=codat_error(status, f"page {number} failed"))
        start = (number - 1) * size
        results = [wire_connection(index) for index in range(start, min(start + size, self.records))]
        links: dict[str, Any] = {"self": {"href": "/x"}}
        if self.always_next or start + size < self.records:
            links["next"] = {"href": f"/x?page={number + 1}"}
        body = {"results": results, "pageNumber": number, "pageSize": size, "totalResults": self.claimed_total}
        return httpx.Response(200, content=json.dumps({**body, "_links": links}).encode())

    def client(self, **kwargs: Any) -> AsyncCodatConnections:
        transport = httpx.MockTransport(self.handle)
        return AsyncCodatConnections(api_key=API_KEY, http_client=httpx.AsyncClient(transport=transport), **kwargs)


async def iterate_ids(server: PagedServer, page_size: int) -> list[str]:
    return [c.id async for c in server.client().connections.iterate(COMPANY, page_size=page_size)]


class CappedServer:
    """A list endpoint over ``records`` records that serves at most ``cap`` a page, whatever is asked.

    ``offsets`` is how it places page N: by the size it serves (``(N-1) * served``) or by the size asked
    (``(N-1) * asked``, serving the first ``cap`` of that range). ``total`` is what ``totalResults``
    says ("true", or unknown: "negative", "absurd"); ``next_links`` when a ``next`` link is sent
    ("correct": while records remain; "never"; "always"); ``echo`` puts the size asked in the envelope's
    ``pageSize`` instead of the size served.
    """

    def __init__(
        self, records: int, cap: int, *, offsets: str, total: str, next_links: str, echo: bool = False
    ) -> None:
        self.records, self.cap, self.offsets, self.total, self.next_links = records, cap, offsets, total, next_links
        self.echo = echo
        self.requests = 0
        self.lock = threading.Lock()

    def handle(self, request: httpx.Request) -> httpx.Response:
        with self.lock:
            self.requests += 1
        number = int(request.url.params["page"])
        asked = int(request.url.params["pageSize"])
        served = min(asked, self.cap)
        start = (number - 1) * (served if self.offsets == "served" else asked)
        end = min(start + served, self.records)
        links: dict[str, Any] = {"self": {"href": "/x"}}
        if self.next_links == "always" or (self.next_links == "correct" and end < self.records):
            links["next"] = {"href": f"/x?page={number + 1}&pageSize={served}"}
        total = {"true": self.records, "negative": -1, "absurd": 2**40}[self.total]
        body = {
            "results": [wire_connection(index) for index in range(start, end)],
            "pageNumber": number,
            "pageSize": asked if self.echo else served,
            "totalResults": total,
            "_links": links,
        }
        return httpx.Response(200, content=json.dumps(body).encode())


consistent_servers = st.one_of(
    st.tuples(st.just("true"), st.sampled_from(["correct", "never", "always"])),
    st.tuples(st.sampled_from(["negative", "absurd"]), st.just("correct")),
)


@settings(max_examples=examples(200), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    records=st.integers(min_value=0, max_value=60),
    cap=st.integers(min_value=1, max_value=15),
    page_size=st.integers(min_value=1, max_value=20),
    concurrency=st.integers(min_value=1, max_value=10),
    offsets=st.sampled_from(["served", "asked"]),
    signals=consistent_servers,
    echo=st.booleans(),
)
def test_every_record_comes_back_exactly_once_whatever_page_size_the_server_serves(  # noqa: PLR0917
    records: int, cap: int, page_size: int, concurrency: int, offsets: str, signals: tuple[str, str], echo: bool
) -> None:
    """Issue 17: asking 5000 of a server that serves 2000 a page lost a third of the records. Issue 23 §2: so
    did one that echoes the size asked as its ``pageSize``."""
    total, next_links = signals
    wanted = [wire_connection(index)["id"] for index in range(records)]
    served = min(page_size, cap)
    bound = max(1, math.ceil(records / served)) + concurrency

    def server() -> CappedServer:
        return CappedServer(records, cap, offsets=offsets, total=total, next_links=next_links, echo=echo)

    def sync_client(paged: CappedServer) -> CodatConnections:
        return CodatConnections(api_key=API_KEY, http_client=httpx.Client(transport=httpx.MockTransport(paged.handle)))

    def async_client(paged: CappedServer) -> AsyncCodatConnections:
        transport = httpx.MockTransport(paged.handle)
        return AsyncCodatConnections(api_key=API_KEY, http_client=httpx.AsyncClient(transport=transport))

    iterated = server()
    assert [c.id for c in sync_client(iterated).connections.iterate(COMPANY, page_size=page_size)] == wanted
    assert iterated.requests <= max(1, math.ceil(records / served)) + 1
    threaded = server()
    listed = sync_client(threaded).connections.list_all(COMPANY, page_size=page_size, concurrency=concurrency)
    assert [c.id for c in listed] == wanted
    assert threaded.requests <= bound

    async def scenario() -> None:
        tasks = server()
        listed = await async_client(tasks).connections.list_all(COMPANY, page_size=page_size, concurrency=concurrency)
        assert [c.id for c in listed] == wanted
        assert tasks.requests <= bound
        assert [c.id async for c in async_client(server()).connections.iterate(COMPANY, page_size=page_size)] == wanted

    asyncio.run(scenario())


@settings(max_examples=examples(100), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    claimed_total=st.integers(min_value=-(2**40), max_value=2**40),
    records=st.integers(min_value=0, max_value=60),
    page_size=st.integers(min_value=1, max_value=12),
    concurrency=st.integers(min_value=1, max_value=10),
    always_next=st.booleans(),
)
def test_list_all_equals_iterate_and_stays_bounded_whatever_totalresults_says(
    claimed_total: int, records: int, page_size: int, concurrency: int, always_next: bool
) -> None:
    """Any integer is schema-valid: a believable one that says more fetches more, an unbelievable one is ignored."""

    async def scenario() -> None:
        server = PagedServer(records, claimed_total=claimed_total, always_next=always_next)
        results = await server.client().connections.list_all(COMPANY, page_size=page_size, concurrency=concurrency)
        assert server.requests <= max(1, math.ceil(records / page_size)) + concurrency
        assert [c.id for c in results] == await iterate_ids(
            PagedServer(records, claimed_total=claimed_total, always_next=always_next), page_size
        )

    asyncio.run(scenario())


async def test_a_huge_total_with_two_records_stops_at_the_first_empty_page() -> None:
    server = PagedServer(2, claimed_total=10**9, always_next=True)
    assert len(await server.client().connections.list_all(COMPANY, page_size=100, concurrency=10)) == 2
    assert server.requests <= 1 + 10, "the window of speculative pages after the short first one"
    sequential = PagedServer(2, claimed_total=10**9, always_next=True)
    assert len([c async for c in sequential.client().connections.iterate(COMPANY, page_size=100)]) == 2
    assert sequential.requests == 2, "page 2, asked at the 2 records page 1 served, is empty"


async def test_a_huge_total_over_full_pages_keeps_at_most_concurrency_requests_in_flight() -> None:
    server = PagedServer(30, claimed_total=10**15, always_next=True)
    in_flight = peak = 0
    inner = server.handle

    async def counting(request: httpx.Request) -> httpx.Response:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        try:
            return await inner(request)
        finally:
            in_flight -= 1

    server.handle = counting  # type: ignore[method-assign]
    results = await server.client().connections.list_all(COMPANY, page_size=3, concurrency=5)
    assert len(results) == 30
    assert peak <= 5
    assert server.requests <= 10 + 5


async def test_next_null_with_an_unknown_total_reads_as_the_last_page() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        body = {
            "results": [wire_connection(1), wire_connection(2)],
            "pageNumber": 1,
            "pageSize": 2,
            "totalResults": -1,
            "_links": {"self": {"href": "/x"}, "next": None},
        }
        return httpx.Response(200, json=body)

    client = mock_async_client(handler)
    assert len(await client.connections.list_all(COMPANY, page_size=2)) == 2
    page = await client.connections.list(COMPANY, page_size=2)
    assert page.next_link is None
    assert not page.has_next_page()


async def test_a_failing_page_raises_its_typed_error_and_cancels_the_rest() -> None:
    server = PagedServer(100)
    server.failures = {3: 500, 5: 502}
    server.delays = {page: 5.0 for page in range(6, 11)}  # still running when page 3 fails
    unretrieved: list[dict[str, Any]] = []
    asyncio.get_running_loop().set_exception_handler(lambda loop, context: unretrieved.append(context))
    with pytest.raises(InternalServerError) as caught, virtual_time():
        await server.client().connections.list_all(COMPANY, page_size=10, concurrency=8)
    assert isinstance(caught.value, CodatError)
    assert caught.value.status_code == 500, "the lowest-numbered failing page's error"
    assert "page 3 failed" in str(caught.value)
    slow = sorted({page for page in server.started if page >= 6})
    assert len(slow) >= 4
    assert sorted(set(server.cancelled)) == slow, "every request still running was cancelled"
    await asyncio.sleep(0)
    gc.collect()
    await asyncio.sleep(0)
    assert unretrieved == []
    assert [t for t in asyncio.all_tasks() if t is not asyncio.current_task()] == []


async def test_a_failure_after_the_last_page_is_not_raised() -> None:
    """A page beyond the real last page fails; the list is complete without it."""
    server = PagedServer(20, claimed_total=1000, always_next=True)
    server.failures = {4: 500}
    server.delays = {2: 0.05}
    with virtual_time():
        results = await server.client(max_retries=0).connections.list_all(COMPANY, page_size=10, concurrency=4)
    assert len(results) == 20


async def test_caller_cancellation_cancels_every_page_request() -> None:
    server = PagedServer(100)
    server.delays = {page: 5.0 for page in range(2, 11)}
    task = asyncio.ensure_future(server.client().connections.list_all(COMPANY, page_size=10, concurrency=4))
    server.progress = asyncio.Event()
    while len(server.started) < 5:
        await server.progress.wait()
        server.progress.clear()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert sorted(server.cancelled) == [2, 3, 4, 5]
    assert [t for t in asyncio.all_tasks() if t is not asyncio.current_task()] == []


def test_sync_list_all_equals_iterate_over_a_lying_total() -> None:
    """totalResults says 7 of 25, the next links say more: nothing is lost to the undercount."""
    server = PagedServer(25, claimed_total=7, always_next=True)

    def handler(request: httpx.Request) -> httpx.Response:
        return asyncio.run(server.handle(request))

    client = CodatConnections(api_key=API_KEY, http_client=httpx.Client(transport=httpx.MockTransport(handler)))
    assert [c.id for c in client.connections.list_all(COMPANY, page_size=5)] == [
        c.id for c in client.connections.iterate(COMPANY, page_size=5)
    ]
    assert len(client.connections.list_all(COMPANY, page_size=5)) == 25
