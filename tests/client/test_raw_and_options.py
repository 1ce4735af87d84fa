"""``with_raw_response`` (the HTTP answer next to the result) and ``with_options`` (per-call settings)."""

from __future__ import annotations

import base64
import copy
import pickle
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from codat_connections import (
    APIResponse,
    AsyncCodatConnections,
    ClientClosedError,
    CodatConnections,
    Connection,
    InternalServerError,
    NotFoundError,
    Page,
    RateLimitInfo,
    UnexpectedResponseError,
)
from codat_connections.testing import FakeCodat
from tests.conftest import API_KEY, COMPANY, CONNECTION, codat_error, use_test_clock, wire_connection

QUOTA_HEADERS = {
    "x-rate-limit-limit": "4000",
    "x-rate-limit-remaining": "3998",
    "x-rate-limit-reset": "1764201600",
    "x-correlation-id": "corr-77",
}
RESET = datetime(2025, 11, 27, tzinfo=UTC)


def quota_handler(request: httpx.Request) -> httpx.Response:
    if request.url.path.endswith("/connections"):
        body: Any = {"results": [wire_connection(1)], "pageNumber": 1, "pageSize": 100, "totalResults": 1}
        body["_links"] = {"self": {"href": "/x"}}
    else:
        body = wire_connection(1)
    return httpx.Response(200, json=body, headers=QUOTA_HEADERS)


def test_every_operation_has_a_raw_form_with_status_headers_and_the_parsed_result(
    client: CodatConnections, fake: FakeCodat, company: str
) -> None:
    raw = client.connections.with_raw_response
    created = raw.create(company, "gbol")
    assert isinstance(created, APIResponse)
    assert created.status_code == 200
    assert created.method == "POST"
    assert created.url.endswith(f"/companies/{company}/connections")
    assert created.headers["content-type"] == "application/json"
    assert isinstance(created.http_response, httpx.Response)
    conn = created.parse()
    assert isinstance(conn, Connection)
    assert created.parse() is conn, "parsed once"
    fake.complete_link(company, conn.id)
    assert raw.get(company, conn.id).parse().status == "Linked"
    page = raw.list(company, page_size=1).parse()
    assert isinstance(page, Page)
    assert [c.id for c in page.results] == [conn.id]
    assert raw.get_authorization_url(company, conn.id).parse() == conn.link_url
    assert raw.update_authorization(company, conn.id, {"apiKey": "k"}).parse().id == conn.id
    assert raw.unlink(company, conn.id).parse().status == "Unlinked"
    deleted = raw.delete(company, conn.id)
    assert deleted.status_code == 200
    assert deleted.parse() is None
    with pytest.raises(NotFoundError):
        raw.get(company, conn.id)


def test_raw_response_reads_the_quota_and_correlation_headers() -> None:
    client = CodatConnections(api_key=API_KEY, http_client=httpx.Client(transport=httpx.MockTransport(quota_handler)))
    response = client.connections.with_raw_response.get(COMPANY, CONNECTION)
    assert response.rate_limit == RateLimitInfo(limit=4000, remaining=3998, reset=RESET)
    assert response.rate_limit is response.rate_limit, "read once: a relative reset does not drift"
    assert response.correlation_id == "corr-77"
    listed = client.connections.with_raw_response.list(COMPANY)
    assert listed.rate_limit.remaining == 3998
    assert listed.parse().total_results == 1


def test_rate_limit_fields_are_none_where_absent_or_unreadable() -> None:
    assert RateLimitInfo.from_headers(httpx.Headers({})) == RateLimitInfo(None, None, None)
    odd = httpx.Headers({"X-Rate-Limit-Limit": "lots", "X-Rate-Limit-Remaining": "-1", "X-Rate-Limit-Reset": "soon"})
    assert RateLimitInfo.from_headers(odd) == RateLimitInfo(None, None, None)
    relative = RateLimitInfo.from_headers(httpx.Headers({"X-Rate-Limit-Reset": "30"}), now=1_700_000_000)
    assert relative.reset == datetime.fromtimestamp(1_700_000_030, UTC)
    iso = RateLimitInfo.from_headers(httpx.Headers({"X-Rate-Limit-Reset": "2025-11-27T00:00:00Z"}))
    assert iso.reset == RESET
    assert repr(iso) == "RateLimitInfo(limit=None, remaining=None, reset='2025-11-27T00:00:00+00:00')"


def test_raw_parse_raises_as_the_plain_call_would() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={**wire_connection(), "linkUrl": None})

    client = CodatConnections(api_key=API_KEY, http_client=httpx.Client(transport=httpx.MockTransport(handler)))
    response = client.connections.with_raw_response.get(COMPANY, CONNECTION)
    assert response.status_code == 200
    with pytest.raises(UnexpectedResponseError, match="linkUrl"):
        response.parse()
    with pytest.raises(UnexpectedResponseError, match="linkUrl"):
        client.connections.get_authorization_url(COMPANY, CONNECTION)


def test_raw_calls_raise_status_errors_like_plain_calls(sleeps: list[float]) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(404, json=codat_error(404, "missing"))

    client = CodatConnections(api_key=API_KEY, http_client=httpx.Client(transport=httpx.MockTransport(handler)))
    with pytest.raises(NotFoundError, match="missing"):
        client.connections.with_raw_response.get(COMPANY, CONNECTION)


async def test_async_raw_responses(aclient: AsyncCodatConnections, fake: FakeCodat, company: str) -> None:
    raw = aclient.connections.with_raw_response
    created = await raw.create(company, "qhyg")
    conn = created.parse()
    assert created.status_code == 200
    fake.complete_link(company, conn.id)
    assert (await raw.get(company, conn.id)).parse().status == "Linked"
    page = (await raw.list(company)).parse()
    assert [c.id for c in page.results] == [conn.id]
    assert (await raw.get_authorization_url(company, conn.id)).parse() == conn.link_url
    assert (await raw.update_authorization(company, conn.id, {"k": "v"})).parse().id == conn.id
    assert (await raw.unlink(company, conn.id)).parse().status == "Unlinked"
    assert (await raw.delete(company, conn.id)).parse() is None


def test_with_options_changes_only_timeout_and_retries(sleeps: list[float]) -> None:
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(503, json=codat_error(503, "busy"))

    http = httpx.Client(transport=httpx.MockTransport(handler))
    codat = CodatConnections(api_key=API_KEY, http_client=http, timeout=30, max_retries=3)
    use_test_clock(codat)  # the copies share the clock: the retries below wait virtually
    quick = codat.with_options(timeout=2.5, max_retries=0)
    assert (quick.max_retries, codat.max_retries) == (0, 3)
    assert quick.base_url == codat.base_url
    with pytest.raises(InternalServerError, match="503"):
        quick.connections.get(COMPANY, CONNECTION)
    assert len(calls) == 1
    assert calls[0].extensions["timeout"]["read"] == 2.5
    assert calls[0].headers["authorization"] == "Basic " + base64.b64encode(API_KEY.encode()).decode()
    with pytest.raises(InternalServerError, match="503"):
        codat.connections.get(COMPANY, CONNECTION)
    assert len(calls) == 5
    assert calls[-1].extensions["timeout"]["read"] == 30
    only_retries = codat.with_options(max_retries=1)
    with pytest.raises(InternalServerError, match="503"):
        only_retries.connections.get(COMPANY, CONNECTION)
    assert calls[-1].extensions["timeout"]["read"] == 30
    assert len(sleeps) == 3 + 1, "the client's three retries and the copy's one, on the shared clock"


def test_with_options_shares_the_pool_and_closing_it_keeps_the_pool_open() -> None:
    codat = CodatConnections(api_key=API_KEY, http_client=httpx.Client(transport=httpx.MockTransport(quota_handler)))
    copy = codat.with_options(timeout=1)
    assert copy._requester._http is codat._requester._http
    assert copy._requester._pacer is codat._requester._pacer
    copy.close()
    assert codat.connections.get(COMPANY, CONNECTION).id
    own = CodatConnections(api_key=API_KEY)
    own.with_options(max_retries=0).close()
    assert not own._requester._http.is_closed
    own.close()
    assert own._requester._http.is_closed


async def test_async_with_options() -> None:
    seen: list[httpx.Request] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return quota_handler(request)

    codat = AsyncCodatConnections(
        api_key=API_KEY, http_client=httpx.AsyncClient(transport=httpx.MockTransport(handler))
    )
    quick = codat.with_options(timeout=1.5, max_retries=5)
    assert quick.max_retries == 5
    assert (await quick.connections.get(COMPANY, CONNECTION)).id
    assert seen[0].extensions["timeout"]["read"] == 1.5
    with pytest.raises(ValueError, match="max_retries"):
        codat.with_options(max_retries=-1)


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_closing_a_client_closes_every_copy_whoever_owns_the_pool(kind: str) -> None:
    """Issue 17: a copy kept sending after its parent was closed when the httpx client was the caller's."""
    if kind == "sync":
        pool: Any = httpx.Client(transport=httpx.MockTransport(quota_handler))
        codat: Any = CodatConnections(api_key=API_KEY, http_client=pool)
    else:
        pool = httpx.AsyncClient(transport=httpx.MockTransport(quota_handler))
        codat = AsyncCodatConnections(api_key=API_KEY, http_client=pool)

    async def get(client: Any) -> Any:
        result = client.connections.get(COMPANY, CONNECTION)
        return await result if kind == "async" else result

    copy = codat.with_options(timeout=5)
    grandchild = copy.with_options(max_retries=0)
    sibling = codat.with_options(max_retries=1)
    closing = sibling.close()
    if kind == "async":
        await closing
    assert sibling.is_closed and not codat.is_closed and not copy.is_closed, "closing a copy ends only the copy"
    assert (await get(copy)).id
    closing = codat.close()
    if kind == "async":
        await closing
    for client in (codat, copy, grandchild):
        assert client.is_closed
        with pytest.raises(ClientClosedError, match="the client is closed"):
            await get(client)
    assert not pool.is_closed, "the caller's httpx client stays open"


def test_a_copy_is_built_through_the_constructor_path_sharing_the_session() -> None:
    codat = CodatConnections(api_key=API_KEY, http_client=httpx.Client(transport=httpx.MockTransport(quota_handler)))
    copy = codat.with_options(timeout=2)
    assert copy._requester.session is codat._requester.session
    assert copy._requester is not codat._requester
    assert copy.connections is not codat.connections and copy.connections._sender is copy._requester
    assert (copy.max_retries, copy._requester.extensions["timeout"]["read"]) == (2, 2)


def test_a_raw_response_survives_deepcopy_without_the_credential_and_refuses_pickle(
    client: CodatConnections, fake: FakeCodat, company: str
) -> None:
    """Issue 17: deepcopy/pickle of an APIResponse parsed to a bare object(), and the pickle held the key."""
    created = client.connections.create(company, "gbol")
    for response in (
        client.connections.with_raw_response.get(company, created.id),
        client.connections.with_raw_response.list(company),
    ):
        original = response.parse()
        copied = copy.deepcopy(response)
        assert type(copied.parse()) is type(original)
        assert repr(copied.parse()) == repr(original)
        assert "authorization" not in copied.http_response.request.headers
        assert "authorization" in response.http_response.request.headers, "the original is left as it was"
        assert copied.status_code == response.status_code and copied.headers == response.headers
        with pytest.raises(TypeError, match="an APIResponse is not picklable: it holds the request it answered"):
            pickle.dumps(response)
    unparsed = client.connections.with_raw_response.get(company, created.id)
    assert copy.deepcopy(unparsed).parse().id == created.id, "a copy made before parse() parses the same"


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_a_raw_delete_whose_answer_was_lost_says_it_succeeded(kind: str, fake: FakeCodat, company: str) -> None:
    """Issue 17: the raw delete returned a bare 404 while the plain call reported success."""
    connection_id = fake.seed_connections(company, 1)[0]
    fake.fail_with_status(500, method="DELETE", after_processing=True, retry_after="0")
    if kind == "sync":
        codat: Any = CodatConnections(api_key=API_KEY, http_client=httpx.Client(transport=fake.transport()))
        response = codat.connections.with_raw_response.delete(company, connection_id)
    else:
        codat = AsyncCodatConnections(api_key=API_KEY, http_client=httpx.AsyncClient(transport=fake.async_transport()))
        response = await codat.connections.with_raw_response.delete(company, connection_id)
    assert [r.status for r in fake.requests_to("DELETE")] == [500, 404]
    assert response.is_success, "the 404 proves the first attempt deleted it"
    assert (response.status_code, response.retries_taken) == (404, 1)
    assert response.parse() is None
    assert "1 retries" in repr(response)
    assert fake.connections_of(company) == []


def test_retries_taken_counts_the_attempts_before_the_answer(fake: FakeCodat, company: str) -> None:
    fake.rate_limit(times=2, retry_after="0")
    codat = CodatConnections(api_key=API_KEY, http_client=httpx.Client(transport=fake.transport()))
    response = codat.connections.with_raw_response.list(company)
    assert (response.status_code, response.retries_taken, response.is_success) == (200, 2, True)
    assert codat.connections.with_raw_response.list(company).retries_taken == 0


def test_a_plain_call_made_while_a_raw_call_is_under_way_gets_its_plain_result(fake: FakeCodat, company: str) -> None:
    """Review: the raw flag reached a call a webhook receiver made inline, which got an APIResponse."""
    codat = CodatConnections(api_key=API_KEY, http_client=httpx.Client(transport=fake.transport()))
    seen: list[object] = []

    def receiver(body: bytes, headers: dict[str, str]) -> int:
        seen.append(codat.companies.get(company))  # the fake delivers to a callable inline, during the create
        return 200

    fake.add_webhook_endpoint(receiver, event_types=["connection.created"])
    response = codat.connections.with_raw_response.create(company, "gbol")
    assert isinstance(response, APIResponse) and response.parse().status.value == "PendingAuth"
    assert len(seen) == 1 and type(seen[0]).__name__ == "Company"
    assert len(fake.connections_of(company)) == 1


async def test_an_event_hook_making_a_plain_call_during_an_async_raw_call(fake: FakeCodat, company: str) -> None:
    plain: list[object] = []
    other = AsyncCodatConnections(api_key=API_KEY, http_client=httpx.AsyncClient(transport=fake.async_transport()))

    async def hook(request: httpx.Request) -> None:
        if request.method == "GET" and "/connections/" not in request.url.path and not plain:
            plain.append(await other.companies.get(company))

    http = httpx.AsyncClient(transport=fake.async_transport(), event_hooks={"request": [hook]})
    codat = AsyncCodatConnections(api_key=API_KEY, http_client=http)
    response = await codat.connections.with_raw_response.list(company)
    assert isinstance(response, APIResponse)
    assert [type(value).__name__ for value in plain] == ["Company"]


def test_closing_a_copy_ends_the_copies_made_from_it() -> None:
    """Review: q = p.with_options(); g = q.with_options(); q.close() left g working."""
    codat = CodatConnections(api_key=API_KEY, http_client=httpx.Client(transport=httpx.MockTransport(quota_handler)))
    child = codat.with_options(timeout=3)
    grandchild = child.with_options(max_retries=0)
    child.close()
    assert grandchild.is_closed and not codat.is_closed
    with pytest.raises(ClientClosedError):
        grandchild.connections.get(COMPANY, CONNECTION)
    assert codat.connections.get(COMPANY, CONNECTION).id


def test_a_raw_response_copies_shallow_and_deep_even_when_its_body_does_not_decode() -> None:
    """Review: copy.copy raised a TypeError about pickling; deepcopy raised the body's decoding error."""

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"id": 5})

    codat = CodatConnections(api_key=API_KEY, http_client=httpx.Client(transport=httpx.MockTransport(handler)))
    response = codat.connections.with_raw_response.get(COMPANY, CONNECTION)
    shallow = copy.copy(response)
    assert shallow.http_response is response.http_response and shallow.status_code == 200
    deep = copy.deepcopy(response)
    assert "authorization" not in deep.http_response.request.headers
    for either in (response, shallow, deep):
        with pytest.raises(UnexpectedResponseError, match=r"Connection\.id: expected a string"):
            either.parse()


def test_a_page_pickles_without_its_way_to_fetch_more(fake: FakeCodat, company: str) -> None:
    """Review: the README said to pickle parse() instead of the response; a Page refused (a local closure)."""
    fake.seed_connections(company, 3)
    codat = CodatConnections(api_key=API_KEY, http_client=httpx.Client(transport=fake.transport()))
    page = codat.connections.list(company, page_size=2)
    again = pickle.loads(pickle.dumps(page))  # noqa: S301
    assert (again.results, again.total_results, again.has_next_page()) == (page.results, 3, True)
    with pytest.raises(LookupError, match="this page has no client to fetch the next one"):
        again.next_page()
