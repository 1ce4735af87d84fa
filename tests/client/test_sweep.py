"""Fleet sweeps: ``list_many`` and ``needing_attention``, sync and async, over the fake."""

from __future__ import annotations

import asyncio
import gc
import threading
import time
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from codat_connections import (
    AsyncCodatConnections,
    AuthenticationError,
    CodatConnections,
    CompanyConnections,
    InternalServerError,
    NotFoundError,
    PaymentRequiredError,
    PermissionDeniedError,
    RateLimitError,
    field,
    needs_attention,
)
from codat_connections.testing import FakeCodat
from tests.conftest import API_KEY


class CountingIds:
    """Company ids handed out lazily; records how many were taken."""

    def __init__(self, ids: list[str]) -> None:
        self.ids = ids
        self.taken = 0

    def __iter__(self) -> Iterator[str]:
        for company_id in self.ids:
            self.taken += 1
            yield company_id


def by_company(results: list[CompanyConnections]) -> dict[str, CompanyConnections]:
    assert len({r.company_id for r in results}) == len(results), "each company once"
    return {r.company_id: r for r in results}


def test_list_many_yields_every_company_and_reports_a_deleted_one(client: CodatConnections, fake: FakeCodat) -> None:
    companies = fake.add_companies(12, connections_each=3)
    ids = [*companies[:6], "deleted-company", *companies[6:]]
    results = by_company(list(client.connections.list_many(ids, concurrency=4)))
    assert set(results) == set(ids)
    assert isinstance(results["deleted-company"].error, NotFoundError)
    assert results["deleted-company"].connections == []
    for company in companies:
        assert results[company].error is None
        assert [c.id for c in results[company].connections] == [r["id"] for r in fake.connections_of(company)]


def test_list_many_pages_through_each_company(client: CodatConnections, fake: FakeCodat) -> None:
    big = fake.add_company()
    fake.seed_connections(big, 25)
    (result,) = client.connections.list_many([big], page_size=10)
    assert len(result.connections) == 25
    assert len(fake.requests_to("GET")) == 3


@pytest.mark.parametrize(
    ("status", "error"), [(403, PermissionDeniedError), (500, InternalServerError), (404, NotFoundError)]
)
def test_a_company_level_failure_is_reported_and_the_sweep_goes_on(
    client: CodatConnections, fake: FakeCodat, status: int, error: type[Exception]
) -> None:
    companies = fake.add_companies(5, connections_each=1)
    fake.fail_with_status(status, times=3, path=companies[2])
    results = by_company(list(client.connections.list_many(companies, concurrency=2)))
    assert isinstance(results[companies[2]].error, error)
    assert all(results[c].error is None and len(results[c].connections) == 1 for c in companies if c != companies[2])


@pytest.mark.parametrize(("status", "error"), [(401, AuthenticationError), (402, PaymentRequiredError)])
def test_a_failure_that_dooms_every_call_stops_the_sweep(
    client: CodatConnections, fake: FakeCodat, status: int, error: type[Exception]
) -> None:
    companies = fake.add_companies(40, connections_each=1)
    fake.fail_with_status(status, times=1000, path=companies[3])
    fake.latency(0.05)  # every answer takes a while: the failure is back long before 36 more companies are listed
    ids = CountingIds(companies)
    seen: list[CompanyConnections] = []
    with pytest.raises(error):
        seen.extend(client.connections.list_many(ids, concurrency=4))
    assert ids.taken < 40, "the sweep stopped"
    assert len(seen) < 40


def test_a_wrong_key_stops_the_sweep_at_once(fake: FakeCodat) -> None:
    companies = fake.add_companies(30)
    wrong = CodatConnections(api_key="wrong", http_client=httpx.Client(transport=fake.transport()))
    with pytest.raises(AuthenticationError):
        list(wrong.connections.list_many(companies, concurrency=3))
    assert len(fake.requests) <= 3


def sweep_threads() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name.startswith("codat-sweep")]


def wait_for_sweep_threads_to_end(seconds: float = 10.0) -> None:
    """The threads of a sweep that was left end once their request in flight is answered."""
    deadline = time.monotonic() + seconds
    while sweep_threads() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert sweep_threads() == []


def test_ids_are_read_lazily_and_leaving_early_stops_all_work(client: CodatConnections, fake: FakeCodat) -> None:
    companies = fake.add_companies(200, connections_each=1)
    ids = CountingIds(companies)
    sweep = client.connections.list_many(ids, concurrency=5)
    first = next(sweep)
    assert first.error is None
    assert ids.taken <= 5 + 1
    for _ in range(3):
        next(sweep)
    sweep.close()
    assert ids.taken <= 4 + 5 + 1
    wait_for_sweep_threads_to_end()
    requests_after_close = len(fake.requests)
    assert requests_after_close <= 4 + 5
    list(client.connections.list_many(companies[:2]))
    assert len(fake.requests) == requests_after_close + 2, "nothing of the closed sweep is still running"


def test_breaking_out_of_the_loop_stops_the_threads(client: CodatConnections, fake: FakeCodat) -> None:
    companies = fake.add_companies(100, connections_each=1)
    for index, _ in enumerate(client.connections.list_many(companies, concurrency=8)):
        if index == 2:
            break
    wait_for_sweep_threads_to_end()
    assert len(fake.requests) <= 3 + 8


@pytest.mark.parametrize("leave", ["break", "exception", "close"])
def test_leaving_a_sync_sweep_returns_without_waiting_for_requests_in_flight(leave: str) -> None:
    """Issue 17: leaving waited for every request in flight (2.7 s in the probe, up to the read timeout)."""
    release = threading.Event()
    arrived = threading.Semaphore(0)

    def handler(request: httpx.Request) -> httpx.Response:
        if not request.url.path.endswith("/first/connections"):
            arrived.release()
            release.wait(30)  # a slow Codat: answers only when the test lets it
        body = {"results": [], "pageNumber": 1, "pageSize": 100, "totalResults": 0, "_links": {"self": {"href": "/"}}}
        return httpx.Response(200, json=body)

    client = CodatConnections(api_key=API_KEY, http_client=httpx.Client(transport=httpx.MockTransport(handler)))
    sweep = client.connections.list_many(["first", *[f"slow-{index}" for index in range(20)]], concurrency=4)
    left = threading.Event()

    def consume() -> None:
        try:
            for result in sweep:
                if result.company_id == "first":
                    for _ in range(3):
                        assert arrived.acquire(timeout=10)  # three requests are now in flight, held
                    if leave == "exception":
                        raise KeyError("the loop body failed")
                    if leave == "break":
                        break
                    sweep.close()
        except KeyError:
            pass
        finally:
            sweep.close()
            left.set()

    consumer = threading.Thread(target=consume)
    consumer.start()
    try:
        assert left.wait(10), "leaving the sweep waited for the requests in flight"
        assert len(sweep_threads()) == 3, "the threads in flight finish in the background"
    finally:
        release.set()
        consumer.join(10)
    wait_for_sweep_threads_to_end()


def test_bad_arguments_are_refused_before_any_request(client: CodatConnections, fake: FakeCodat) -> None:
    with pytest.raises(ValueError, match="concurrency must be an integer from 1 to 100"):
        client.connections.list_many(["a"], concurrency=0)
    with pytest.raises(ValueError, match="page_size"):
        client.connections.list_many(["a"], page_size=0)
    with pytest.raises(TypeError, match="company_ids must be an iterable of ids, not one id"):
        client.connections.list_many("one-id")
    assert fake.requests == []


def test_a_malformed_id_read_lazily_is_that_companys_error_and_the_sweep_goes_on(
    client: CodatConnections, fake: FakeCodat
) -> None:
    """Issue 17: one bad id from a database row raised after 19 of 50 companies and dropped the rest."""
    companies = fake.add_companies(50, connections_each=1)
    rows: list[object] = [*companies[:19], "bad/id", None, *companies[19:]]
    results = list(client.connections.list_many(iter(rows), concurrency=4))  # type: ignore[arg-type]
    assert len(results) == 52
    by_id = {result.company_id: result for result in results}
    assert isinstance(by_id["bad/id"].error, ValueError)
    assert str(by_id["bad/id"].error).startswith("company_ids item 19 must not contain '/'")
    assert isinstance(by_id["None"].error, ValueError)
    assert str(by_id["None"].error) == "company_ids item 20 must be a str, got NoneType"
    assert all(by_id[company].error is None and len(by_id[company].connections) == 1 for company in companies)
    assert all(r.path != "/companies/bad/id/connections" for r in fake.requests)


async def test_a_malformed_id_is_that_companys_error_in_the_async_sweep_too(
    aclient: AsyncCodatConnections, fake: FakeCodat
) -> None:
    companies = fake.add_companies(6, connections_each=1)
    results = [r async for r in aclient.connections.list_many([*companies[:3], "", *companies[3:]], concurrency=2)]
    assert len(results) == 7
    (bad,) = [result for result in results if result.error is not None]
    assert (bad.company_id, str(bad.error)) == ("", "company_ids item 3 must not be empty or whitespace")


def attention_fleet(fake: FakeCodat) -> tuple[list[str], dict[str, set[str]]]:
    """Companies: all Linked; one Deauthorized; one failed link (active error); one re-linked (resolved error)."""
    companies = fake.add_companies(6, connections_each=2)
    first = [r["id"] for r in fake.connections_of(companies[1])]
    fake.deauthorize(companies[1], first[0])
    pending = fake.seed_connections(companies[2], 1, status="PendingAuth")[0]
    fake.fail_link(companies[2], pending, message="The user cancelled")
    relinked = fake.connections_of(companies[3])[0]["id"]
    fake.deauthorize(companies[3], relinked)
    fake.complete_link(companies[3], relinked)
    return companies, {companies[1]: {first[0]}, companies[2]: {pending}}


def test_needing_attention_is_the_morning_question_in_one_call(client: CodatConnections, fake: FakeCodat) -> None:
    companies, expected = attention_fleet(fake)
    results = by_company(list(client.connections.needing_attention([*companies, "gone"])))
    assert {c: {conn.id for conn in r.connections} for c, r in results.items() if r.error is None} == expected
    assert isinstance(results["gone"].error, NotFoundError)
    for result in results.values():
        assert all(needs_attention(conn) for conn in result.connections)


async def test_async_list_many_and_needing_attention(aclient: AsyncCodatConnections, fake: FakeCodat) -> None:
    companies, expected = attention_fleet(fake)
    results = by_company([r async for r in aclient.connections.list_many([*companies, "gone"], concurrency=3)])
    assert isinstance(results["gone"].error, NotFoundError)
    assert sum(len(r.connections) for r in results.values()) == 6 * 2 + 1
    flagged = [r async for r in aclient.connections.needing_attention(companies)]
    assert {r.company_id: {c.id for c in r.connections} for r in flagged} == expected


async def test_async_list_many_accepts_an_async_iterable_and_stops_when_left(fake: FakeCodat) -> None:
    companies = fake.add_companies(100, connections_each=1)
    taken = 0
    sent: list[httpx.Request] = []

    async def ids() -> AsyncIterator[str]:
        nonlocal taken
        for company in companies:
            taken += 1
            yield company

    async def record(request: httpx.Request) -> None:
        sent.append(request)

    with fake.serve() as base_url:
        http = httpx.AsyncClient(base_url=base_url, event_hooks={"request": [record]})
        async with AsyncCodatConnections(api_key=API_KEY, base_url=base_url, http_client=http) as client:
            sweep = client.connections.list_many(ids(), concurrency=4)
            got = [await anext(sweep) for _ in range(3)]
            assert all(r.error is None for r in got)
            await sweep.aclose()
            # aclose() returned: every task of the sweep was cancelled and awaited, so nothing more is sent.
            assert [t for t in asyncio.all_tasks() if t is not asyncio.current_task()] == []
            assert len(sent) <= 3 + 4
            assert taken <= 3 + 4 + 1
        await http.aclose()


async def test_async_sweep_stops_on_authentication_error(fake: FakeCodat) -> None:
    companies = fake.add_companies(30)
    wrong = AsyncCodatConnections(api_key="wrong", http_client=httpx.AsyncClient(transport=fake.async_transport()))
    unretrieved: list[dict[str, object]] = []
    asyncio.get_running_loop().set_exception_handler(lambda loop, context: unretrieved.append(context))
    with pytest.raises(AuthenticationError):
        async for _ in wrong.connections.list_many(companies, concurrency=3):
            pass
    assert len(fake.requests) <= 3
    gc.collect()
    await asyncio.sleep(0)
    assert unretrieved == [], "every task's outcome was collected"


def test_sweep_api_key_fixture_is_the_fakes(fake: FakeCodat) -> None:
    assert CodatConnections(api_key=API_KEY, http_client=httpx.Client(transport=fake.transport()))


def test_leaving_a_sync_sweep_does_not_wait_out_retries(fake: FakeCodat) -> None:
    import time

    companies = fake.add_companies(8, connections_each=1)
    for company in companies[1:]:
        fake.fail_with_status(503, times=50, path=company)
    with_retry_after: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        response = fake.transport().handle_request(request)
        if response.status_code == 503:
            with_retry_after.append(request)
            response.headers["Retry-After"] = "3"
        return response

    client = CodatConnections(api_key=API_KEY, http_client=httpx.Client(transport=httpx.MockTransport(handler)))
    sweep = client.connections.list_many(companies, concurrency=8)
    first = next(sweep)
    assert first.company_id == companies[0]
    started = time.monotonic()
    sweep.close()
    assert time.monotonic() - started < 2.0, "retry waits and pauses end when the consumer leaves (was 60 s)"


@pytest.mark.parametrize("one_id", ["8a210b68-6988-11ed-a1eb-0242ac120002", b"company"])
def test_one_id_instead_of_a_list_is_a_type_error(client: CodatConnections, fake: FakeCodat, one_id: str) -> None:
    with pytest.raises(TypeError, match=r"pass \[company_id\]"):
        client.connections.list_many(one_id)
    with pytest.raises(TypeError, match=r"pass \[company_id\]"):
        client.connections.needing_attention(one_id)
    assert fake.requests == []


async def test_async_one_id_instead_of_a_list_is_a_type_error(aclient: AsyncCodatConnections) -> None:
    with pytest.raises(TypeError, match=r"pass \[company_id\]"):
        aclient.connections.list_many("company")


def test_a_spent_daily_quota_stops_the_sweep(fake: FakeCodat) -> None:
    companies = fake.add_companies(50, connections_each=1)

    def handler(request: httpx.Request) -> httpx.Response:
        headers = {"Retry-After": "18000", "X-Rate-Limit-Remaining": "0"}
        return httpx.Response(429, json={"error": "Daily quota exceeded"}, headers=headers)

    seen: list[httpx.Request] = []

    def recording(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return handler(request)

    client = CodatConnections(api_key=API_KEY, http_client=httpx.Client(transport=httpx.MockTransport(recording)))
    with pytest.raises(RateLimitError, match="Codat asked to wait 18000 s") as caught:
        list(client.connections.list_many(companies, concurrency=4))
    assert caught.value.retry_after == 18000
    assert len(seen) <= 4 + 1


def test_leaving_a_sync_sweep_stops_a_company_between_its_pages(fake: FakeCodat) -> None:

    small, big = fake.add_company(), fake.add_company()
    fake.seed_connections(small, 1)
    fake.seed_connections(big, 200)
    fake.latency(0.01)
    client = CodatConnections(api_key=API_KEY, http_client=httpx.Client(transport=fake.transport()))
    sweep = client.connections.list_many([big, small], page_size=1, concurrency=2)
    assert next(sweep).company_id == small
    sweep.close()
    wait_for_sweep_threads_to_end()  # the big company's worker ends at its next page
    assert len(fake.requests_to("GET")) - 1 < 20, "the big company stopped at its next page"


# -- the morning question through the companies listing -------------------------------------------


def test_the_whole_fleet_in_one_request_per_page_of_companies(client: CodatConnections, fake: FakeCodat) -> None:
    """Issue 18: the sweep spent one request per company; the listing carries every company's connections."""
    companies = fake.add_companies(120, connections_each=2, deauthorized_share=0.05)
    results = list(client.connections.list_many(page_size=50))
    assert [r.company_id for r in results] == companies, "every company, in the listing's order"
    assert len(fake.requests) == 3, "ceil(120 / 50) requests, not 120"
    assert all(r.error is None and r.company_name == f"Company {i + 1}" for i, r in enumerate(results))
    for result in results[:5]:
        assert [c.id for c in result.connections] == [r["id"] for r in fake.connections_of(result.company_id)]


def test_needing_attention_over_the_listing_yields_only_what_needs_the_end_user(
    client: CodatConnections, fake: FakeCodat
) -> None:
    companies = fake.add_companies(40, connections_each=3)
    linked = fake.connections_of(companies[7])[1]["id"]
    fake.deauthorize(companies[7], linked)
    flagged = list(client.connections.needing_attention())
    assert len(fake.requests) == 1, "40 companies, one page of up to 5000"
    assert [(r.company_id, r.company_name, [c.id for c in r.connections]) for r in flagged] == [
        (companies[7], "Company 8", [linked])
    ]
    assert fake.requests[0].query["pageSize"] == "5000", "the largest page Codat serves"


async def test_the_async_listing_sweep_and_tags(aclient: AsyncCodatConnections, fake: FakeCodat) -> None:
    mine = [fake.add_company(f"Mine {n}", tags={"team": "lending"}) for n in range(3)]
    fake.add_companies(5, connections_each=1)
    for company in mine:
        fake.seed_connections(company, 1, status="Deauthorized")
    flagged = [r async for r in aclient.connections.needing_attention(tags=field("team") == "lending")]
    assert sorted(r.company_id for r in flagged) == sorted(mine)
    everyone = [r async for r in aclient.connections.list_many(page_size=2)]
    assert len(everyone) == 8


def test_nothing_is_lost_when_the_server_serves_fewer_companies_than_asked() -> None:
    capped = FakeCodat(api_key=API_KEY, max_page_size=2000)
    companies = capped.add_companies(4500, connections_each=1)
    client = CodatConnections(api_key=API_KEY, http_client=httpx.Client(transport=capped.transport()))
    results = list(client.connections.list_many())
    assert [r.company_id for r in results] == companies
    assert [(r.query["page"], r.query["pageSize"], r.query["orderBy"]) for r in capped.requests] == [
        ("1", "5000", "created")
    ] * 3, "each read is the first page of the companies after the last one read: ceil(4500 / 2000) of them"


async def test_leaving_the_async_listing_sweep_cancels_the_page_fetched_ahead(fake: FakeCodat) -> None:
    fake.add_companies(30, connections_each=1)
    fake.latency(0.05)
    http = httpx.AsyncClient(transport=fake.async_transport())
    async with AsyncCodatConnections(api_key=API_KEY, http_client=http) as client:
        sweep = client.connections.list_many(page_size=10)
        first = await anext(sweep)
        assert first.company_name == "Company 1"
        await sweep.aclose()
        assert [t for t in asyncio.all_tasks() if t is not asyncio.current_task()] == []
        assert len(fake.requests) <= 2, "the page in hand and the one fetched ahead"
    await http.aclose()


def test_listing_options_and_per_company_options_are_not_mixed(client: CodatConnections, fake: FakeCodat) -> None:
    with pytest.raises(ValueError, match="query= and order_by= filter each company's own listing"):
        client.connections.list_many(query="status=Linked")
    with pytest.raises(ValueError, match="tags= selects companies of the fleet listing"):
        client.connections.list_many(["a"], tags="uid=1")
    with pytest.raises(ValueError, match="page_size must be an integer from 1 to 5000"):
        client.connections.list_many(page_size=5001)
    with pytest.raises(TypeError, match="tags= filters the listing with a query"):
        client.connections.needing_attention(tags={"uid": "1"})  # type: ignore[arg-type]
    assert fake.requests == []


def test_a_page_of_the_listing_that_fails_raises_after_the_companies_before_it(
    client: CodatConnections, fake: FakeCodat
) -> None:
    fake.add_companies(6, connections_each=1)
    seen: list[CompanyConnections] = []
    fake.fail_with_status(500, times=10, path="/companies", method="GET")
    with pytest.raises(InternalServerError):
        seen.extend(client.connections.list_many(page_size=3))
    assert seen == [], "the first page failed: nothing was passed off as the fleet"


@pytest.mark.parametrize("ids", [5, 3.5, object()])
async def test_company_ids_that_are_not_iterable_are_refused_at_the_call(ids: object) -> None:
    """Review: list_many(5) raised a raw "'int' object is not iterable" at the first iteration."""
    client = CodatConnections(api_key=API_KEY, http_client=httpx.Client())
    with pytest.raises(TypeError, match="company_ids must be an iterable of ids"):
        client.connections.list_many(ids)  # type: ignore[arg-type]
    aclient = AsyncCodatConnections(api_key=API_KEY)
    with pytest.raises(TypeError, match="company_ids must be an iterable of ids"):
        aclient.connections.needing_attention(ids)  # type: ignore[arg-type]


def test_the_sweep_flags_what_the_rule_flags_with_the_link_url(client: CodatConnections, fake: FakeCodat) -> None:
    """interfaces §1: a failed link attempt (PendingAuth, an active error) is flagged; an Unlinked connection is
    not, even with an active error; each flagged connection carries its link URL."""
    failed, unlinked, fine = fake.add_companies(3)
    (pending,) = fake.seed_connections(failed, 1, status="PendingAuth")
    fake.fail_link(failed, pending)
    (let_go,) = fake.seed_connections(unlinked, 1, status="Unlinked")
    fake.fail_link(unlinked, let_go)
    fake.seed_connections(fine, 1, status="Linked")
    for sweep in (client.connections.needing_attention(), client.connections.needing_attention([failed, unlinked])):
        (result,) = sweep
        assert result.company_id == failed
        link_url = fake.connections_of(failed)[0]["linkUrl"]
        assert [(c.id, c.link_url) for c in result.connections] == [(pending, link_url)]
