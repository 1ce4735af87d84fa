"""``fleet_pages``: the fleet listing page by page with Codat's clock (the ``Date`` header) and its cost,
and ``CompanyConnections.as_of`` on every sweep, sync and async."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import httpx
import pytest

from codat_connections import AsyncCodatConnections, CodatConnections
from codat_connections._async.fleet import fleet_pages as async_fleet_pages
from codat_connections._sweep import FleetPage
from codat_connections._sync.fleet import fleet_pages
from codat_connections.testing import FakeCodat
from tests.conftest import API_KEY


class TickingClock:
    """The fake's clock: a fixed moment that moves on by ``step`` on every reading."""

    def __init__(self, start: datetime, step: timedelta) -> None:
        self.now = start
        self.step = step

    def __call__(self) -> datetime:
        self.now += self.step
        return self.now


START = datetime(2026, 3, 2, 8, 0, 0, tzinfo=UTC)


def ticking_fake() -> FakeCodat:
    return FakeCodat(api_key=API_KEY, clock=TickingClock(START, timedelta(seconds=7)))


def sync_client(fake: FakeCodat, dates: list[datetime] | None = None) -> CodatConnections:
    """A client on the fake; each response's Date is appended to ``dates`` as it passes."""
    inner = fake.transport()

    def recording(request: httpx.Request) -> httpx.Response:
        response = inner.handle_request(request)
        if dates is not None:
            dates.append(parsedate_to_datetime(response.headers["date"]))
        return response

    return CodatConnections(api_key=API_KEY, http_client=httpx.Client(transport=httpx.MockTransport(recording)))


def async_client(fake: FakeCodat) -> AsyncCodatConnections:
    return AsyncCodatConnections(api_key=API_KEY, http_client=httpx.AsyncClient(transport=fake.async_transport()))


def test_each_page_carries_the_date_of_its_response_and_the_requests_it_took() -> None:
    fake = ticking_fake()
    companies = fake.add_companies(7, connections_each=1)
    dates: list[datetime] = []
    with sync_client(fake, dates) as client:
        pages = list(fleet_pages(client.companies, page_size=3))
    assert [company.id for page in pages for company in page.companies] == companies
    assert all(isinstance(page, FleetPage) for page in pages)
    assert sum(page.requests for page in pages) == len(fake.requests)
    assert [page.as_of for page in pages] == dates, "each page's own response's Date"
    for page in pages:
        assert page.as_of is not None and page.as_of.tzinfo is UTC and page.as_of.microsecond == 0
        assert START < page.as_of < START + timedelta(hours=1), "the fake's clock, not this machine's"
    assert len(set(dates)) == len(dates)


async def test_the_async_listing_gives_the_same_pages() -> None:
    fake = ticking_fake()
    companies = fake.add_companies(7, connections_each=1)
    async with async_client(fake) as client:
        pages = [page async for page in async_fleet_pages(client.companies, page_size=3)]
    assert [company.id for page in pages for company in page.companies] == companies
    assert sum(page.requests for page in pages) == len(fake.requests)
    assert all(page.as_of is not None and page.as_of > START for page in pages)


def test_a_retried_page_counts_every_request_it_took() -> None:
    fake = ticking_fake()
    fake.add_companies(3)
    fake.fail_with_status(503, times=2, path="/companies", method="GET", retry_after="0")
    with sync_client(fake) as client:
        (page,) = fleet_pages(client.companies)
    assert page.requests == 3 == len(fake.requests)


def test_a_response_without_a_date_has_no_as_of() -> None:
    fake = FakeCodat(api_key=API_KEY)
    fake.add_companies(2)
    inner = fake.transport()

    def without_date(request: httpx.Request) -> httpx.Response:
        response = inner.handle_request(request)
        response.read()
        headers = [(k, v) for k, v in response.headers.multi_items() if k.lower() != "date"]
        return httpx.Response(response.status_code, headers=headers, content=response.content)

    with CodatConnections(api_key=API_KEY, http_client=httpx.Client(transport=httpx.MockTransport(without_date))) as c:
        (page,) = fleet_pages(c.companies)
        assert len(page.companies) == 2 and page.as_of is None
        (result, _) = c.connections.list_many()
        assert result.as_of is None


@pytest.mark.parametrize("bad", [{"page_size": 0}, {"page_size": 5001}, {"tags": ""}])
def test_bad_arguments_raise_at_the_call_before_any_request(bad: dict[str, object]) -> None:
    fake = FakeCodat(api_key=API_KEY)
    with sync_client(fake) as client, pytest.raises(ValueError):
        fleet_pages(client.companies, **bad)  # type: ignore[arg-type]
    assert fake.requests == []


def test_every_sweep_result_carries_the_date_of_the_response_that_carried_it() -> None:
    fake = ticking_fake()
    companies = fake.add_companies(4, connections_each=2)
    fake.seed_connections(companies[2], 1, status="Deauthorized")
    dates: list[datetime] = []
    with sync_client(fake, dates) as client:
        listed = list(client.connections.list_many(page_size=2))
        assert [r.as_of for r in listed] == [dates[0], dates[0], dates[1], dates[1]], "one Date per page of two"
        del dates[:]
        (flagged,) = client.connections.needing_attention()
        assert flagged.as_of == dates[0]
        del dates[:]
        (first, second) = client.connections.list_many(companies[:2], page_size=1, concurrency=1)
    assert len(first.connections) == len(second.connections) == 2
    assert (first.as_of, second.as_of) == (dates[0], dates[2]), "the Date of each company's first page"


async def test_every_async_sweep_result_carries_its_date() -> None:
    fake = ticking_fake()
    companies = fake.add_companies(3, connections_each=1)
    async with async_client(fake) as client:
        listed = [r async for r in client.connections.list_many()]
        by_id = [r async for r in client.connections.list_many(companies)]
    assert listed[0].as_of is not None and {r.as_of for r in listed} == {listed[0].as_of}
    assert all(r.as_of is not None and r.as_of > listed[0].as_of for r in by_id)
