"""Paging: iteration over many pages, and every way a page says it is the last (never looping)."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from codat_connections import AsyncCodatConnections, CodatConnections, UnexpectedResponseError
from codat_connections.pagination import AsyncPage, Page
from codat_connections.testing import FakeCodat
from tests.conftest import API_KEY, COMPANY, Handler, mock_async_client, mock_client, wire_connection


def page_body(records: list[dict[str, Any]], *, page: int, size: int, total: Any, next_href: str | None) -> bytes:
    links: dict[str, Any] = {"self": {"href": "/x"}, "current": {"href": f"/x?page={page}"}}
    if next_href is not None:
        links["next"] = {"href": next_href}
    return json.dumps(
        {"results": records, "pageNumber": page, "pageSize": size, "totalResults": total, "_links": links}
    ).encode()


def test_codats_published_example_page_terminates() -> None:
    """Codat's own example: pageNumber 0, pageSize 0, totalResults 0 and a next link of "string"."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=page_body([wire_connection()], page=0, size=0, total=0, next_href="string"))

    client = mock_client(handler)
    assert len(client.connections.list_all(COMPANY)) == 1
    assert len(list(client.connections.iterate(COMPANY, page_size=1))) == 1
    assert len(seen) == 4, "each reads page 2 (the next link says there is one) and finds page 1 again"


@pytest.mark.parametrize(
    ("records", "total", "next_href", "why"),
    [
        ([], 500, "/x?page=2", "an empty page"),
        ([wire_connection(1), wire_connection(2)], -1, None, "no believable total and no next link"),
        ([wire_connection(1), wire_connection(2)], 2**40, None, "an absurd total and no next link"),
    ],
)
def test_each_stop_signal_alone_ends_iteration(
    records: list[dict[str, Any]], total: int, next_href: str | None, why: str
) -> None:
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        return httpx.Response(200, content=page_body(records, page=1, size=2, total=total, next_href=next_href))

    client = mock_client(handler)
    page = client.connections.list(COMPANY, page_size=2)
    assert not page.has_next_page(), why
    assert len(client.connections.list_all(COMPANY, page_size=2)) == len(records)
    assert calls == 2
    with pytest.raises(LookupError):
        page.next_page()


@pytest.mark.parametrize(
    ("records", "total", "next_href", "why"),
    [
        ([wire_connection(1)], 500, None, "a short page without a next link, while totalResults says more"),
        ([wire_connection(1)], -1, "/x?page=2", "a short page with a next link and no believable total"),
        ([wire_connection(1), wire_connection(2)], 5, None, "a full page, totalResults says more"),
        ([wire_connection(1), wire_connection(2)], 2, "/x?page=2", "totalResults reached, but a next link says more"),
    ],
)
def test_a_page_is_not_the_last_while_a_signal_says_more(
    records: list[dict[str, Any]], total: int, next_href: str | None, why: str
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=page_body(records, page=1, size=2, total=total, next_href=next_href))

    assert mock_client(handler).connections.list(COMPANY, page_size=2).has_next_page(), why


def test_after_a_short_first_page_later_pages_are_asked_at_the_size_served() -> None:
    """A server serving 2000 of the 5000 asked: page 2 is asked for 2000 so that offsets line up."""
    asked: list[tuple[str, str]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        number, size = request.url.params["page"], request.url.params["pageSize"]
        asked.append((number, size))
        served = min(int(size), 3)
        start = (int(number) - 1) * served
        records = [wire_connection(index) for index in range(start, min(start + served, 7))]
        return httpx.Response(200, content=page_body(records, page=int(number), size=served, total=7, next_href=None))

    ids = [c.id for c in mock_client(handler).connections.iterate(COMPANY, page_size=5000)]
    assert ids == [wire_connection(index)["id"] for index in range(7)]
    assert asked == [("1", "5000"), ("2", "3"), ("3", "3")]


def echoing_cap_server(records: int, cap: int) -> Handler:
    """Serves at most ``cap`` records a page, paged by the size it serves, yet echoes the ``pageSize`` asked
    in the envelope and sends no ``next`` link: only ``totalResults`` says there is more."""

    def handler(request: httpx.Request) -> httpx.Response:
        number, asked = int(request.url.params["page"]), int(request.url.params["pageSize"])
        start = (number - 1) * min(asked, cap)
        ids = range(start, min(start + min(asked, cap), records))
        body = page_body([wire_connection(i) for i in ids], page=number, size=asked, total=records, next_href=None)
        return httpx.Response(200, content=body)

    return handler


async def test_a_server_that_caps_pages_but_echoes_the_size_asked_loses_nothing() -> None:
    """Issue 23 §2: 200 served of the 2000 asked, pageSize 2000 echoed, no next links: 1,800 records were lost.
    A first page shorter than the size the server reports, with more after it, proves the report wrong."""
    wanted = [wire_connection(i)["id"] for i in range(2001)]
    client, aclient = mock_client(echoing_cap_server(2001, 200)), mock_async_client(echoing_cap_server(2001, 200))
    assert [c.id for c in client.connections.iterate(COMPANY, page_size=2000)] == wanted
    assert [c.id for c in client.connections.list_all(COMPANY, page_size=2000, concurrency=4)] == wanted
    assert [c.id async for c in aclient.connections.iterate(COMPANY, page_size=2000)] == wanted
    assert [c.id for c in await aclient.connections.list_all(COMPANY, page_size=2000, concurrency=4)] == wanted
    (swept,) = client.connections.list_many([COMPANY], page_size=2000)
    assert [c.id for c in swept.connections] == wanted, "the per-company sweep"
    (aswept,) = [r async for r in aclient.connections.list_many([COMPANY], page_size=2000)]
    assert [c.id for c in aswept.connections] == wanted


def test_pages_are_requested_in_order_with_the_same_filters() -> None:
    urls: list[httpx.URL] = []

    def handler(request: httpx.Request) -> httpx.Response:
        urls.append(request.url)
        number = int(request.url.params["page"])
        records = [wire_connection(number * 10 + i) for i in range(3 if number < 3 else 1)]
        next_href = "/x?next" if number < 3 else None
        return httpx.Response(200, content=page_body(records, page=number, size=3, total=7, next_href=next_href))

    client = mock_client(handler)
    options: dict[str, Any] = {"page_size": 3, "query": "status=Linked", "order_by": "-created"}
    assert len(list(client.connections.iterate(COMPANY, **options))) == 7
    assert len(client.connections.list_all(COMPANY, **options)) == 7
    assert [u.params["page"] for u in urls[:3]] == ["1", "2", "3"], "iterate asks page after page"
    assert sorted(u.params["page"] for u in urls[3:]) == ["1", "2", "3"], "list_all asks for the same pages"
    assert {u.params["query"] for u in urls} == {"status=Linked"}
    assert {u.params["orderBy"] for u in urls} == {"-created"}
    assert {u.params["pageSize"] for u in urls} == {"3"}


def test_page_fields_and_repr() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=page_body([wire_connection(1)] * 2, page=1, size=2, total=9, next_href="/n"))

    page = mock_client(handler).connections.list(COMPANY, page_size=2)
    assert (page.page_number, page.page_size, page.total_results, page.next_link) == (1, 2, 9, "/n")
    assert page.has_next_page()
    assert len(page) == 2
    assert repr(page) == "Page(page_number=1, page_size=2, total_results=9, results=<2 records>)"


async def test_async_list_all_fetches_concurrently_and_keeps_page_order(fake: FakeCodat) -> None:
    company = fake.add_company()
    ids = fake.seed_connections(company, 100)
    in_flight = 0
    peak = 0
    transport = fake.async_transport()

    async def handler(request: httpx.Request) -> httpx.Response:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await asyncio.sleep(0.01 if request.url.params.get("page") != "2" else 0.05)  # page 2 finishes last
        in_flight -= 1
        return await transport.handle_async_request(request)

    client = AsyncCodatConnections(
        api_key=API_KEY, http_client=httpx.AsyncClient(transport=httpx.MockTransport(handler))
    )
    results = await client.connections.list_all(company, page_size=10, concurrency=4)
    assert [c.id for c in results] == ids
    assert peak == 4


async def test_page_without_total_results_is_an_unexpected_response() -> None:
    """totalResults is documented as required: list_all cannot plan its pages without it."""

    def handler(request: httpx.Request) -> httpx.Response:
        body = json.loads(page_body([wire_connection(1), wire_connection(2)], page=1, size=2, total=0, next_href="/n"))
        del body["totalResults"]
        return httpx.Response(200, json=body)

    with pytest.raises(UnexpectedResponseError):
        await mock_async_client(handler).connections.list_all(COMPANY, page_size=2, concurrency=3)


async def test_async_list_all_continues_when_more_records_than_promised() -> None:
    """totalResults said 4, but page 2 is full and has a next link: the rest is fetched one by one."""

    def handler(request: httpx.Request) -> httpx.Response:
        number = int(request.url.params["page"])
        count = 2 if number <= 3 else 0
        records = [wire_connection(number * 10 + i) for i in range(count)]
        return httpx.Response(
            200,
            content=page_body(
                records, page=number, size=2, total=4 if number == 1 else 6, next_href="/n" if count else None
            ),
        )

    client = mock_async_client(handler)
    results = await client.connections.list_all(COMPANY, page_size=2, concurrency=4)
    assert [c.id[-2:] for c in results] == ["10", "11", "20", "21", "30", "31"]


async def test_list_all_sync_equals_async(fake: FakeCodat, company: str) -> None:
    ids = fake.seed_connections(company, 42)
    sync = CodatConnections(api_key=API_KEY, http_client=httpx.Client(transport=fake.transport()))
    asynchronous = AsyncCodatConnections(
        api_key=API_KEY, http_client=httpx.AsyncClient(transport=fake.async_transport())
    )
    sync_ids = [c.id for c in sync.connections.list_all(company, page_size=5)]
    async_ids = [c.id for c in await asynchronous.connections.list_all(company, page_size=5, concurrency=3)]
    assert sync_ids == async_ids == ids


def test_next_page_fetches_the_following_page(client: CodatConnections, fake: FakeCodat, company: str) -> None:
    ids = fake.seed_connections(company, 5)
    first = client.connections.list(company, page_size=2)
    second = first.next_page()
    assert (second.page_number, [c.id for c in second]) == (2, ids[2:4]), "a page iterates its records"
    third = second.next_page()
    assert [c.id for c in third.results] == ids[4:]
    assert not third.has_next_page()


async def test_async_next_page_fetches_the_following_page(
    aclient: AsyncCodatConnections, fake: FakeCodat, company: str
) -> None:
    ids = fake.seed_connections(company, 3)
    first = await aclient.connections.list(company, page_size=2)
    second = await first.next_page()
    assert [c.id for c in second.results] == ids[2:]
    with pytest.raises(LookupError, match=r"^this is the last page; check has_next_page\(\) first$"):
        await second.next_page()


@pytest.mark.parametrize("field", ["totalResults", "pageNumber", "pageSize"])
@pytest.mark.parametrize("value", [-1, -(2**40), 2**40, 0])
def test_any_integer_the_document_allows_in_the_envelope_is_decoded(field: str, value: int) -> None:
    """Issue 17: Prism's schema-valid data (97 of 400 list responses) failed with 'expected an integer >= 0'."""
    body = json.loads(page_body([wire_connection(1)], page=1, size=1, total=1, next_href=None))
    body[field] = value

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=body)

    page = mock_client(handler).connections.list(COMPANY, page_size=1)
    assert [c.id for c in page] == [wire_connection(1)["id"]]
    assert page.total_results == body["totalResults"]


@pytest.mark.parametrize("field", ["totalResults", "pageNumber", "pageSize"])
@pytest.mark.parametrize("value", ["12", 1.5, None, True])
def test_what_the_document_refuses_in_the_envelope_is_still_refused(field: str, value: object) -> None:
    body = json.loads(page_body([wire_connection(1)], page=1, size=1, total=1, next_href=None))
    body[field] = value

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=body)

    with pytest.raises(UnexpectedResponseError, match=f"{field}: expected an integer"):
        mock_client(handler).connections.list(COMPANY, page_size=1)


@pytest.mark.parametrize(("total", "next_href"), [(10**9, None), (10**9, "/x?page=2"), (-1, "/x?page=2")])
async def test_a_server_that_ignores_the_page_number_ends_the_listing(total: int, next_href: str | None) -> None:
    """The same page for every page number, with a total (or a next link) saying more: read once, not 10**9 times."""
    body = page_body([wire_connection(1), wire_connection(2)], page=1, size=2, total=total, next_href=next_href)
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        return httpx.Response(200, content=body)

    client = mock_client(handler)
    assert len(list(client.connections.iterate(COMPANY, page_size=2))) == 2
    assert calls == 2, "page 2 came back the same as page 1"
    calls = 0
    assert len(client.connections.list_all(COMPANY, page_size=2, concurrency=3)) == 2
    assert calls <= 1 + 3
    assert len(await mock_async_client(handler).connections.list_all(COMPANY, page_size=2, concurrency=3)) == 2


def offset_server(records: int, *, total: int | None, size: int = 100, hide: int = 0, cycle: int = 0) -> Handler:
    """Pages ``records`` records by the page size asked (at most ``size``, which it reports as ``pageSize``);
    ``hide`` leaves the first records of page 1 out (as a permission filter applied after paging would);
    ``cycle`` answers page N with page ((N-1) % cycle) + 1."""

    def handler(request: httpx.Request) -> httpx.Response:
        number = int(request.url.params["page"])
        asked = min(int(request.url.params["pageSize"]), size)
        if cycle:
            number = (number - 1) % cycle + 1
        start = (number - 1) * asked
        ids = list(range(start, min(start + asked, records)))
        if number == 1:
            ids = ids[hide:]
        more = start + size < records
        body = page_body(
            [wire_connection(i) for i in ids],
            page=number,
            size=size,
            total=records if total is None else total,
            next_href="/x?page=next" if more or cycle else None,
        )
        return httpx.Response(200, content=body)

    return handler


@pytest.mark.parametrize("total", [0, 850, -5])
async def test_a_total_that_undercounts_does_not_end_paging_while_next_links_say_more(total: int) -> None:
    """Review: totalResults 0 (Codat's own example) or n-150 with next links lost 900 of 1000 records."""
    wanted = [wire_connection(i)["id"] for i in range(1000)]
    client = mock_client(offset_server(1000, total=total))
    assert [c.id for c in client.connections.iterate(COMPANY, page_size=100)] == wanted
    assert [c.id for c in client.connections.list_all(COMPANY, page_size=100, concurrency=4)] == wanted
    aclient = mock_async_client(offset_server(1000, total=total))
    assert [c.id for c in await aclient.connections.list_all(COMPANY, page_size=100, concurrency=4)] == wanted


def test_a_next_link_without_an_href_is_schema_valid_and_says_there_is_more() -> None:
    body = json.loads(page_body([wire_connection(1)], page=1, size=1, total=-1, next_href=None))
    body["_links"]["next"] = {}

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.params["page"] == "2":
            return httpx.Response(200, content=page_body([], page=2, size=1, total=-1, next_href=None))
        return httpx.Response(200, json=body)

    page = mock_client(handler).connections.list(COMPANY, page_size=1)
    assert (page.next_link, page.has_next_page()) == ("", True)
    assert len(list(mock_client(handler).connections.iterate(COMPANY, page_size=1))) == 1


def test_a_short_first_page_with_the_servers_page_size_keeps_its_offsets() -> None:
    """Review: page 1 left 2 records out (filtered after paging); asking the rest at 98 read 2 twice."""
    served = [c.id for c in mock_client(offset_server(300, total=None, hide=2)).connections.iterate(COMPANY)]
    assert len(served) == len(set(served)) == 298, "every record the server served, each once"


def test_a_server_cycling_through_its_pages_ends_the_listing() -> None:
    """Review: pages 1, 2, 1, 2, ... with a believable huge total never ended."""
    calls = 0
    cycling = offset_server(200, total=10**9, cycle=2)

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        return cycling(request)

    assert len(list(mock_client(handler).connections.iterate(COMPANY))) == 200
    assert calls == 3, "page 3 came back as page 1"
    calls = 0
    assert len(mock_client(handler).connections.list_all(COMPANY, concurrency=4)) == 200
    assert calls <= 3 + 4


def live_pages() -> int:
    """Pages of any listing still alive (referenced), without collecting: what a consumer's process holds."""
    return sum(1 for obj in gc.get_objects() if isinstance(obj, Page | AsyncPage))


@contextlib.contextmanager
def gc_held() -> Iterator[int]:
    """Yields how many pages are alive before the test (earlier tests of the worker may leave some), with
    the cycle collector paused so that count stays put: a page the listing drops must go by its refcount."""
    gc.collect()
    gc.disable()
    try:
        yield live_pages()
    finally:
        gc.enable()


def counting_pages_handler(pages: int, size: int, alive: list[int]) -> Handler:
    """Serves ``pages`` full pages; notes how many pages are alive when each later one is asked for."""

    def handler(request: httpx.Request) -> httpx.Response:
        number = int(request.url.params["page"])
        if number > 1:
            alive.append(live_pages())
        records = [wire_connection(number * 100 + i) for i in range(size)]
        more = "/next" if number < pages else None
        body = page_body(records, page=number, size=size, total=pages * size, next_href=more)
        return httpx.Response(200, content=body)

    return handler


def test_iterate_holds_no_page_while_it_fetches_the_next() -> None:
    """The promise of ``iterate``: one page in memory at a time (the one being read), freed before the next."""
    alive: list[int] = []
    client = mock_client(counting_pages_handler(4, 3, alive))
    with gc_held() as before:
        assert len(list(client.connections.iterate(COMPANY, page_size=3))) == 12
    assert alive == [before] * 3, "pages alive beyond those other tests left"


async def test_async_iterate_holds_no_page_while_it_fetches_the_next() -> None:
    alive: list[int] = []
    client = mock_async_client(counting_pages_handler(4, 3, alive))
    with gc_held() as before:
        assert len([c async for c in client.connections.iterate(COMPANY, page_size=3)]) == 12
    assert alive == [before] * 3, "pages alive beyond those other tests left"
