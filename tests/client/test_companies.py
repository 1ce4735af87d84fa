"""``client.companies``: the company operations, paging, onboarding without duplicates, the access token."""

from __future__ import annotations

import base64
import json
import logging
import pickle
import re
import threading
import traceback
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from codat_connections import (
    APIResponse,
    AsyncCodatConnections,
    CodatConnections,
    CodatError,
    Company,
    CompanyAccessToken,
    ConflictError,
    InternalServerError,
    MultipleCompaniesError,
    NotFoundError,
    UnexpectedResponseError,
    field,
)
from codat_connections.testing import FakeCodat
from tests.conftest import API_KEY, codat_error, mock_async_client, mock_client


def company_body(company_id: str = "c1", **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": company_id,
        "name": "Acme Ltd",
        "redirect": f"https://link.codat.io/company/{company_id}",
        "created": "2026-11-01T09:00:00Z",
        "dataConnections": [],
        "tags": {"uid": "cust-42"},
    }
    body.update(overrides)
    return body


def page_of(companies: list[dict[str, Any]], total: int | None = None) -> dict[str, Any]:
    return {
        "results": companies,
        "pageNumber": 1,
        "pageSize": 100,
        "totalResults": len(companies) if total is None else total,
        "_links": {"self": {"href": "/companies"}},
    }


def test_create_get_update_delete_through_the_fake(client: CodatConnections, fake: FakeCodat) -> None:
    created = client.companies.create("Acme Ltd", description="A lender's customer", tags={"uid": "cust-42"})
    assert isinstance(created, Company)
    assert (created.name, created.description, created.tags) == ("Acme Ltd", "A lender's customer", {"uid": "cust-42"})
    assert client.companies.get(created.id) == created
    renamed = client.companies.update(created.id, name="Acme Group")
    assert (renamed.name, renamed.description, renamed.tags) == (
        "Acme Group",
        "A lender's customer",
        {"uid": "cust-42"},
    )
    (patch,) = fake.requests_to("PATCH")
    assert patch.body == {"name": "Acme Group"}, "only the fields given are sent"
    connection = client.connections.create(created.id, "gbol")
    assert [c.id for c in client.companies.get(created.id).data_connections or []] == [connection.id]
    client.companies.delete(created.id)
    with pytest.raises(NotFoundError):
        client.companies.get(created.id)
    with pytest.raises(NotFoundError):
        client.connections.get(created.id, connection.id)


async def test_the_async_client_has_the_same_operations(aclient: AsyncCodatConnections, fake: FakeCodat) -> None:
    created = await aclient.companies.create("Acme Ltd", tags={"uid": "cust-7"})
    assert (await aclient.companies.get(created.id)).name == "Acme Ltd"
    assert (await aclient.companies.update(created.id, tags={"uid": "cust-8"})).tags == {"uid": "cust-8"}
    found = await aclient.companies.get_or_create("Acme Ltd", tags={"uid": "cust-8"})
    assert found.id == created.id
    assert [c.id async for c in aclient.companies.iterate(tags=field("uid") == "cust-8")] == [created.id]
    assert [c.id for c in await aclient.companies.list_all(tags="uid=cust-8")] == [created.id]
    token = await aclient.companies.access_token(created.id)
    assert isinstance(token, CompanyAccessToken) and token.expires_in > 0
    await aclient.companies.delete(created.id)
    assert fake.requests_to("DELETE")[-1].status == 204


def test_a_name_is_sent_as_codat_would_store_it(client: CodatConnections, fake: FakeCodat) -> None:
    """Codat removes the characters outside its name pattern and creates the company; it does not refuse."""
    company = client.companies.create("Company (Codat[1])")
    assert company.name == "Company Codat1"
    assert fake.requests_to("POST", "/companies")[0].body == {"name": "Company Codat1"}, "a request valid to the schema"
    assert client.companies.update(company.id, name="Smith/Jones LLP").name == "SmithJones LLP"
    onboarded = client.companies.get_or_create("Acme (UK) Ltd", tags={"uid": "cust-1"})
    assert onboarded.name == "Acme UK Ltd"


async def test_the_async_client_sends_names_as_codat_would_store_them(aclient: AsyncCodatConnections) -> None:
    company = await aclient.companies.create("Café Rouge\t(Soho)")
    assert company.name == "Caf Rouge\tSoho"
    assert (await aclient.companies.update(company.id, name="Company (Codat[1])")).name == "Company Codat1"


def test_a_tag_key_is_refused_only_for_a_line_break(client: CodatConnections, fake: FakeCodat) -> None:
    """Codat's ``^.{1,27}$`` in JSON Schema's dialect: VT, FF, FS-RS and NEL are within a line."""
    tags = {"a\x0bb": "1", "a\x0cb": "2", "a\x1cb": "3", "a\x1db": "4", "a\x1eb": "5", "a\x85b": "6"}
    assert client.companies.create("Acme Ltd", tags=tags).tags == tags
    for key in ("a\nb", "a\rb", "a\u2028b", "a\u2029b"):
        with pytest.raises(ValueError, match="has a line break"):
            client.companies.create("Acme Ltd", tags={key: "v"})
    assert len(fake.requests_to("POST")) == 1


async def test_the_async_client_takes_the_same_tag_keys(aclient: AsyncCodatConnections) -> None:
    company = await aclient.companies.create("Acme Ltd", tags={"a\x85b": "v"})
    assert (await aclient.companies.update(company.id, tags={"a\x0bb": "w"})).tags == {"a\x0bb": "w"}
    with pytest.raises(ValueError, match="has a line break"):
        await aclient.companies.update(company.id, tags={"a\u2028b": "v"})


def test_tags_a_lookup_cannot_find_are_still_codats_to_store(client: CodatConnections, fake: FakeCodat) -> None:
    """Only the lookup refuses them (it would create a duplicate every 90 minutes): Codat stores them."""
    tags = {"uid": "a = b", "note": "x&"}
    with pytest.raises(ValueError, match="cannot look it up"):
        client.companies.get_or_create("Acme Ltd", tags=tags)
    assert fake.requests_to("POST") == [] and fake.requests_to("GET") == []
    assert client.companies.create("Acme Ltd", tags=tags).tags == tags


def test_replace_replaces_the_whole_company(client: CodatConnections, fake: FakeCodat) -> None:
    """Codat's PUT: a description or tags left out are cleared, unlike update's PATCH."""
    company = client.companies.create("Acme Ltd", description="loan 42", tags={"uid": "cust-42"})
    replaced = client.companies.replace(company.id, name="Acme (Group)")
    assert (replaced.id, replaced.name, replaced.description, replaced.tags) == (company.id, "Acme Group", None, {})
    assert client.companies.get(company.id) == replaced
    (put,) = fake.requests_to("PUT")
    assert put.body == {"name": "Acme Group"} and "idempotency-key" not in put.headers
    again = client.companies.replace(company.id, name="Acme", description="d", tags={"uid": "cust-42"})
    assert (again.name, again.description, again.tags) == ("Acme", "d", {"uid": "cust-42"})
    raw = client.companies.with_raw_response.replace(company.id, name="Acme Two")
    assert isinstance(raw, APIResponse) and raw.status_code == 200 and raw.parse().name == "Acme Two"


async def test_the_async_client_replaces_a_company(aclient: AsyncCodatConnections, fake: FakeCodat) -> None:
    company = await aclient.companies.create("Acme Ltd", tags={"uid": "cust-7"})
    replaced = await aclient.companies.replace(company.id, name="Acme Group", description="vip")
    assert (replaced.name, replaced.description, replaced.tags) == ("Acme Group", "vip", {})
    raw = await aclient.companies.with_raw_response.replace(company.id, name="Acme")
    assert raw.parse().name == "Acme"


def test_replace_is_retried_as_a_put(client: CodatConnections, fake: FakeCodat) -> None:
    """PUT is idempotent by definition: retried after a 5xx as a read is, with no Idempotency-Key."""
    company = client.companies.create("Acme Ltd")
    fake.fail_with_status(503, method="PUT", retry_after="0")
    assert client.companies.replace(company.id, name="Acme Group").name == "Acme Group"
    assert [put.status for put in fake.requests_to("PUT")] == [503, 200]


def test_create_sends_one_idempotency_key_on_every_attempt(fake: FakeCodat, client: CodatConnections) -> None:
    fake.rate_limit(times=1, retry_after="0", method="POST")
    company = client.companies.create("Acme Ltd")
    keys = [request.headers["idempotency-key"] for request in fake.requests_to("POST")]
    assert len(keys) == 2 and keys[0] == keys[1]
    assert [c.id for c in client.companies.list_all()] == [company.id]


def test_a_create_answered_500_is_not_retried_and_makes_one_company(fake: FakeCodat, client: CodatConnections) -> None:
    fake.fail_with_status(500, method="POST", after_processing=True, retry_after="0")
    with pytest.raises(InternalServerError, match="Codat replays this answer for the same Idempotency-Key"):
        client.companies.create("Acme Ltd", idempotency_key="onboard-acme")
    assert len(fake.requests_to("POST")) == 1
    assert len(client.companies.list_all()) == 1


def test_every_company_comes_back_when_the_server_serves_fewer_than_asked(fake: FakeCodat) -> None:
    capped = FakeCodat(api_key=API_KEY, max_page_size=7)
    ids = capped.add_companies(30)
    codat = CodatConnections(api_key=API_KEY, http_client=httpx.Client(transport=capped.transport()))
    assert [c.id for c in codat.companies.iterate(page_size=5000)] == ids
    assert [c.id for c in codat.companies.list_all(page_size=5000, concurrency=3)] == ids
    page = codat.companies.list(page_size=5000)
    assert (len(page), page.total_results, page.has_next_page()) == (7, 30, True)


def test_listing_filters_by_tags_and_query(client: CodatConnections, fake: FakeCodat) -> None:
    uk = fake.add_company("Acme UK", tags={"region": "uk", "uid": "a"})
    fake.add_company("Acme US", tags={"region": "us", "uid": "b"})
    assert [c.id for c in client.companies.iterate(tags=field("region") == "uk")] == [uk]
    assert [c.name for c in client.companies.iterate(query="name~US")] == ["Acme US"]
    assert client.companies.list(tags="region=uk&&uid=b").results == []


def test_get_or_create_finds_a_returning_customer_and_creates_only_once(
    client: CodatConnections, fake: FakeCodat
) -> None:
    first = client.companies.get_or_create("Acme Ltd", tags={"uid": "cust-42"}, description="onboarded")
    again = client.companies.get_or_create("Acme Ltd", tags={"uid": "cust-42"})
    assert again.id == first.id
    assert len(fake.requests_to("POST")) == 1, "the second onboarding found the company"
    (lookup, *_) = fake.requests_to("GET")
    assert lookup.query["tags"] == "uid=cust-42"
    other = client.companies.get_or_create("Acme Ltd", tags={"uid": "cust-43"})
    assert other.id != first.id


def test_two_onboardings_of_one_customer_at_once_make_one_company(fake: FakeCodat) -> None:
    """Both look up (nothing yet), both create: the same Idempotency-Key makes Codat apply one create."""
    both_looked_up = threading.Barrier(2)
    lookups: list[httpx.Request] = []
    transport = fake.transport()

    def handler(request: httpx.Request) -> httpx.Response:
        response = transport.handle_request(request)
        if request.method == "GET" and len(lookups) < 2:
            lookups.append(request)
            both_looked_up.wait(5)  # neither creates before the other has looked up
        return response

    codat = CodatConnections(api_key=API_KEY, http_client=httpx.Client(transport=httpx.MockTransport(handler)))
    results: list[Company] = []

    def onboard() -> None:
        results.append(codat.companies.get_or_create("Acme Ltd", tags={"uid": "cust-42"}))

    threads = [threading.Thread(target=onboard) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert len(results) == 2 and results[0].id == results[1].id
    # Each create carries the one key. One that arrives while the other is still being answered gets Codat's 409
    # (the key is in flight) and is sent again, to be answered with the replay: two or three POSTs, one company.
    posts = fake.requests_to("POST")
    assert len(posts) >= 2 and len({post.headers["idempotency-key"] for post in posts}) == 1
    assert {post.status for post in posts} <= {200, 409}
    assert len(codat.companies.list_all(tags="uid=cust-42")) == 1


def test_a_refused_second_create_is_answered_by_looking_the_company_up_again(sleeps: list[float]) -> None:
    """A concurrent onboarding with another name reuses the key with another body: Codat's 422."""
    answers = [
        httpx.Response(200, json=page_of([])),
        httpx.Response(422, json=codat_error(422, "Idempotency-Key reused with a different request")),
        httpx.Response(200, json=page_of([company_body("the-first")])),
    ]  # the lookup, the refused create, the lookup again
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return answers.pop(0)

    company = mock_client(handler).companies.get_or_create("Acme Group", tags={"uid": "cust-42"})
    assert company.id == "the-first"
    assert [r.method for r in sent] == ["GET", "POST", "GET"]


def in_flight(answers_409: int | None) -> tuple[list[httpx.Request], Any]:
    """A Codat whose first create on the key is still being answered: ``answers_409`` 409s, then the replay."""
    posts: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "GET" and request.url.path == "/companies":
            return httpx.Response(200, json=page_of([]))  # not committed yet: the lookup finds nothing
        if request.method == "GET":
            return httpx.Response(200, json=company_body("the-first"))
        posts.append(request)
        if answers_409 is None or len(posts) <= answers_409:
            return httpx.Response(409, json=codat_error(409, "A request with this Idempotency-Key is in progress"))
        return httpx.Response(200, json=company_body("the-first"), headers={"idempotent-replayed": "true"})

    return posts, handler


def test_a_409_while_the_first_onboarding_is_in_flight_is_waited_out(sleeps: list[float]) -> None:
    """Codat's 409: a request with the same key is still being answered. Wait for its answer, then take it."""
    posts, handler = in_flight(answers_409=7)
    company = mock_client(handler, timeout=10).companies.get_or_create("Acme Ltd", tags={"uid": "cust-42"})
    assert company.id == "the-first"
    assert len(posts) == 8 and len({p.headers["idempotency-key"] for p in posts}) == 1
    assert 0 < sum(sleeps) < 10, "within the client's timeout"


async def test_the_async_onboarding_waits_out_a_409_too(sleeps: list[float]) -> None:
    posts, handler = in_flight(answers_409=7)
    client = mock_async_client(handler, timeout=10)
    company = await client.companies.get_or_create("Acme Ltd", tags={"uid": "cust-42"})
    assert company.id == "the-first" and len(posts) == 8


@pytest.mark.parametrize("timeout", [2.0, 7.5])
def test_an_onboarding_still_in_flight_after_the_timeout_raises_its_409(sleeps: list[float], timeout: float) -> None:
    posts, handler = in_flight(answers_409=None)
    with pytest.raises(
        ConflictError, match=re.escape(f"still in progress after {timeout:g} s (this client's timeout)")
    ):
        mock_client(handler, timeout=timeout).companies.get_or_create("Acme Ltd", tags={"uid": "cust-42"})
    # The timeout, and at most the request loop's own retries of the last 409 (0.5 s and 1 s by default).
    assert timeout <= sum(sleeps) <= timeout + 1.5, "waited the client's timeout"
    assert len({p.headers["idempotency-key"] for p in posts}) == 1 and len(posts) <= 3 * (timeout + 1)


def test_several_companies_with_the_tags_raise_listing_them_and_create_none(
    client: CodatConnections, fake: FakeCodat
) -> None:
    ids = [fake.add_company("Acme Ltd", tags={"uid": "cust-42"}) for _ in range(3)]
    with pytest.raises(MultipleCompaniesError) as caught:
        client.companies.get_or_create("Acme Ltd", tags={"uid": "cust-42"})
    assert sorted(caught.value.company_ids) == sorted(ids)
    assert caught.value.total == 3 and caught.value.tags == {"uid": "cust-42"}
    assert str(caught.value).startswith("3 companies have the tags {'uid': 'cust-42'}: ")
    assert fake.requests_to("POST") == []


def test_the_onboarding_key_is_the_same_for_the_same_tags_in_any_order(
    client: CodatConnections, fake: FakeCodat
) -> None:
    client.companies.get_or_create("Acme Ltd", tags={"uid": "1", "region": "uk"})
    second = FakeCodat(api_key=API_KEY)
    codat = CodatConnections(api_key=API_KEY, http_client=httpx.Client(transport=second.transport()))
    codat.companies.get_or_create("Acme Ltd", tags={"region": "uk", "uid": "1"})
    first_key = fake.requests_to("POST")[0].headers["idempotency-key"]
    assert second.requests_to("POST")[0].headers["idempotency-key"] == first_key
    codat.companies.get_or_create("Acme Ltd", tags={"region": "uk", "uid": "2"})
    assert second.requests_to("POST")[1].headers["idempotency-key"] != first_key


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda c: c.companies.create("(ü)"),
            ValueError,
            "the company name '(ü)' has no character Codat keeps",
        ),
        (lambda c: c.companies.create(""), ValueError, "the company name must have at least one character"),
        (lambda c: c.companies.create(42), TypeError, "the company name must be a str, got int"),
        (lambda c: c.companies.create("A", tags={f"k{i}": "v" for i in range(11)}), ValueError, "at most 10 tags"),
        (lambda c: c.companies.create("A", tags={"k" * 28: "v"}), ValueError, "a key has 1 to 27"),
        (lambda c: c.companies.create("A", tags={"k": "v" * 101}), ValueError, "a value has at most 100"),
        (lambda c: c.companies.create("A", tags={"a\nb": "v"}), ValueError, "tag key 'a\\nb' has a line break"),
        (lambda c: c.companies.create("A", description=5), TypeError, "description must be a str, got int"),
        (lambda c: c.companies.update("c1"), ValueError, "update needs one of name=, description= or tags="),
        (lambda c: c.companies.replace("c1", name="()"), ValueError, "has no character Codat keeps"),
        (lambda c: c.companies.replace("c1", name=None), TypeError, "the company name must be a str, got NoneType"),
        (lambda c: c.companies.replace("a/b", name="A"), ValueError, "company_id must not contain '/'"),
        (lambda c: c.companies.replace("c1", name="A", description=5), TypeError, "description must be a str"),
        (lambda c: c.companies.replace("c1", name="A", tags={"": "v"}), ValueError, "a key has 1 to 27"),
        (lambda c: c.companies.update("c1", name="[]"), ValueError, "has no character Codat keeps"),
        (lambda c: c.companies.get("a/b"), ValueError, "company_id must not contain '/'"),
        (lambda c: c.companies.list(tags={"uid": "x"}), TypeError, "tags= filters the listing with a query"),
        (lambda c: c.companies.list(tags=""), ValueError, "tags must not be empty"),
        (lambda c: c.companies.list(page_size=5001), ValueError, "page_size must be an integer from 1 to 5000"),
        (lambda c: c.companies.get_or_create("A", tags={}), ValueError, "tags must name at least one tag"),
        (lambda c: c.companies.get_or_create("A", tags={"customer-id": "1"}), ValueError, "cannot look it up"),
        (lambda c: c.companies.get_or_create("A", tags={"uid": "a&&b"}), ValueError, "reserves"),
        (lambda c: c.companies.get_or_create("A", tags={"uid": "a = b"}), ValueError, "has a space next to '='"),
        (lambda c: c.companies.get_or_create("A", tags={"uid": "x ~ y"}), ValueError, "cannot look it up"),
        (lambda c: c.companies.get_or_create("A", tags={"a": "x&", "b": "y"}), ValueError, "ends with '&'"),
        (lambda c: c.companies.get_or_create("{}", tags={"uid": "1"}), ValueError, "has no character Codat keeps"),
        (lambda c: c.companies.list_all(concurrency=11), ValueError, "concurrency must be an integer from 1 to 10"),
    ],
)
def test_bad_input_is_refused_before_any_request(call: Any, error: type[Exception], message: str) -> None:
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(500)

    with pytest.raises(error, match=re.escape(message)):
        call(mock_client(handler))
    assert sent == []


def test_the_access_token_never_shows(
    client: CodatConnections, fake: FakeCodat, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, "codat_connections")
    company = client.companies.create("Acme Ltd")
    token = client.companies.access_token(company.id)
    raw = client.companies.with_raw_response.access_token(company.id)
    assert token.access_token and token.token_type == "Bearer"
    assert token.access_token not in repr(token) and "<hidden>" in repr(token)
    assert token.access_token not in caplog.text
    assert raw.parse().access_token not in repr(raw)
    with pytest.raises(TypeError):
        pickle.dumps(token)


def test_raw_company_operations(client: CodatConnections, fake: FakeCodat) -> None:
    response = client.companies.with_raw_response.create("Acme Ltd", tags={"uid": "1"})
    assert isinstance(response, APIResponse) and response.status_code == 200
    company = response.parse()
    assert client.companies.with_raw_response.get(company.id).parse() == company
    assert client.companies.with_raw_response.list().parse().results[0].id == company.id
    deleted = client.companies.with_raw_response.delete(company.id)
    assert (deleted.status_code, deleted.parse()) == (204, None)


def test_a_company_answer_that_is_not_the_model_names_the_field(sleeps: list[float]) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=json.dumps(company_body(name=None)).encode())

    with pytest.raises(UnexpectedResponseError, match="Company.name: expected a string, got null"):
        mock_client(handler).companies.get("c1")


def test_a_company_lists_its_connections_as_the_connections_endpoints_return_them(
    client: CodatConnections, fake: FakeCodat
) -> None:
    company = client.companies.create("Acme Ltd")
    connection = client.connections.create(company.id, "qhyg")
    fake.complete_link(company.id, connection.id)
    (listed,) = client.companies.get(company.id).data_connections or []
    assert listed == client.connections.get(company.id, connection.id)


def test_a_company_is_the_customers_only_when_it_carries_the_tags_exactly(
    client: CodatConnections, fake: FakeCodat
) -> None:
    """Review: the fake (like any loose server filter) matched 'Ab3' to another customer's 'aB3'."""
    alpha = fake.add_company("Alpha", tags={"uid": "aB3"})
    beta = client.companies.get_or_create("Beta", tags={"uid": "Ab3"})
    assert beta.id != alpha and (beta.name, beta.tags) == ("Beta", {"uid": "Ab3"})
    assert client.companies.get_or_create("Alpha", tags={"uid": "aB3"}).id == alpha


def test_onboarding_again_after_the_company_was_deleted_makes_a_new_one(
    client: CodatConnections, fake: FakeCodat
) -> None:
    """Review: the derived key replayed the deleted company's create for 90 minutes."""
    first = client.companies.get_or_create("Acme Ltd", tags={"uid": "cust-42"})
    client.companies.delete(first.id)
    second = client.companies.get_or_create("Acme Ltd", tags={"uid": "cust-42"})
    assert second.id != first.id
    assert client.companies.get(second.id).tags == {"uid": "cust-42"}
    keys = [request.headers["idempotency-key"] for request in fake.requests_to("POST", "/companies")]
    assert len(keys) == 3 and keys[0] == keys[1] != keys[2], "the replay, then a key of its own"
    renamed = client.companies.get_or_create("Acme Limited", tags={"uid": "cust-99"})
    assert renamed.name == "Acme Limited"


def test_a_re_tagged_company_is_never_returned_for_another_customer(client: CodatConnections, fake: FakeCodat) -> None:
    """Review: c1's company re-tagged to c2 within the 90 minutes; the replayed create named it for c1."""
    first = client.companies.get_or_create("Acme Ltd", tags={"uid": "c1"})
    client.companies.update(first.id, tags={"uid": "c2"})
    again = client.companies.get_or_create("Acme Ltd", tags={"uid": "c1"})
    assert again.id != first.id and again.tags == {"uid": "c1"}
    assert client.companies.get(first.id).tags == {"uid": "c2"}, "c2's company is left as it is"
    keys = [request.headers["idempotency-key"] for request in fake.requests_to("POST", "/companies")]
    assert len(keys) == 3 and keys[0] == keys[1] != keys[2], "the replay, then a key of its own"
    assert client.companies.get_or_create("Acme Ltd", tags={"uid": "c1"}).id == again.id


async def test_the_async_onboarding_never_returns_a_re_tagged_company(aclient: AsyncCodatConnections) -> None:
    first = await aclient.companies.get_or_create("Acme Ltd", tags={"uid": "c1"})
    await aclient.companies.update(first.id, tags={"uid": "c2"})
    again = await aclient.companies.get_or_create("Acme Ltd", tags={"uid": "c1"})
    assert again.id != first.id and again.tags == {"uid": "c1"}


@pytest.mark.parametrize(
    "changed", [{"name": "Acme Limited"}, {"description": "returned in May"}], ids=["name", "description"]
)
def test_a_deleted_customer_is_onboarded_again_under_a_new_name_or_description(
    client: CodatConnections, fake: FakeCodat, changed: dict[str, str]
) -> None:
    """Review: the derived key's first create had another body, so Codat's 422 came back for 90 minutes."""
    first = client.companies.get_or_create("Acme Ltd", tags={"uid": "cust-42"})
    client.companies.delete(first.id)
    wanted = {"name": "Acme Ltd", **changed}
    again = client.companies.get_or_create(wanted.pop("name"), tags={"uid": "cust-42"}, **wanted)
    assert again.id != first.id and again.tags == {"uid": "cust-42"}
    assert (again.name, again.description) == (changed.get("name", "Acme Ltd"), changed.get("description"))
    posts = fake.requests_to("POST", "/companies")
    assert [p.status for p in posts] == [200, 422, 200]
    assert posts[2].headers["idempotency-key"] not in (posts[0].headers["idempotency-key"], None)
    assert client.companies.get_or_create("Acme Limited", tags={"uid": "cust-42"}).id == again.id


async def test_the_async_client_onboards_a_deleted_customer_under_a_new_name(aclient: AsyncCodatConnections) -> None:
    first = await aclient.companies.get_or_create("Acme Ltd", tags={"uid": "cust-42"})
    await aclient.companies.delete(first.id)
    again = await aclient.companies.get_or_create("Acme Limited", tags={"uid": "cust-42"})
    assert again.id != first.id and again.name == "Acme Limited"


def test_two_re_onboardings_of_a_deleted_customer_at_once_make_one_company(fake: FakeCodat) -> None:
    """Both are refused the old key (422) and derive the same fresh one from what they send."""
    codat = CodatConnections(api_key=API_KEY, http_client=httpx.Client(transport=fake.transport()))
    client_first = codat.companies.get_or_create("Acme Ltd", tags={"uid": "cust-42"})
    codat.companies.delete(client_first.id)
    both_refused = threading.Barrier(2)
    transport = fake.transport()

    def handler(request: httpx.Request) -> httpx.Response:
        response = transport.handle_request(request)
        if request.method == "POST" and response.status_code == 422:
            both_refused.wait(5)  # neither derives its fresh key before the other was refused too
        return response

    racing = CodatConnections(api_key=API_KEY, http_client=httpx.Client(transport=httpx.MockTransport(handler)))
    with ThreadPoolExecutor(max_workers=2) as pool:
        ids = list(
            pool.map(lambda _: racing.companies.get_or_create("Acme Limited", tags={"uid": "cust-42"}).id, [1, 2])
        )
    assert ids[0] == ids[1] != client_first.id
    assert len(codat.companies.list_all(tags="uid=cust-42")) == 1


def test_an_onboarding_whose_every_key_is_spent_stops_and_says_what_to_do(sleeps: list[float]) -> None:
    """Each create replays a company re-tagged since: a bounded number of creates, then a message, never a loop."""
    posts: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "GET" and request.url.path == "/companies":
            return httpx.Response(200, json=page_of([]))
        if request.method == "GET":
            return httpx.Response(200, json=company_body(request.url.path.rsplit("/", 1)[-1], tags={"uid": "other"}))
        posts.append(request)
        return httpx.Response(200, json=company_body(f"spent-{len(posts)}"))

    with pytest.raises(CodatError, match="found each Idempotency-Key spent .* pass idempotency_key="):
        mock_client(handler).companies.get_or_create("Acme Ltd", tags={"uid": "cust-42"})
    keys = [p.headers["idempotency-key"] for p in posts]
    assert len(keys) == 4 and len(set(keys)) == 4, "a fresh derived key each time"


def test_a_create_applied_before_its_5xx_is_found_by_looking_again(client: CodatConnections, fake: FakeCodat) -> None:
    fake.fail_with_status(500, method="POST", path="/companies", after_processing=True)
    company = client.companies.get_or_create("Acme Ltd", tags={"uid": "cust-42"})
    assert [c.id for c in client.companies.list_all()] == [company.id]


def test_a_5xx_codat_replays_says_how_to_onboard_sooner(sleeps: list[float]) -> None:
    """Codat caches a 5xx against the key: the same onboarding fails for 90 minutes unless another key is given."""
    seen: list[httpx.Request] = []
    created: list[dict[str, Any]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.method == "GET" and request.url.path == "/companies":
            return httpx.Response(200, json=page_of(created))
        if request.method == "GET":
            return httpx.Response(200, json=created[0])
        if request.headers["idempotency-key"] == "onboard-cust-42-again":
            created.append(company_body("c-new"))
            return httpx.Response(200, json=created[0])
        return httpx.Response(500, json=codat_error(500, "Internal error"))

    client = mock_client(handler)
    with pytest.raises(InternalServerError, match="pass idempotency_key= to try again sooner"):
        client.companies.get_or_create("Acme Ltd", tags={"uid": "cust-42"})
    company = client.companies.get_or_create(
        "Acme Ltd", tags={"uid": "cust-42"}, idempotency_key="onboard-cust-42-again"
    )
    assert company.id == "c-new"


def test_the_onboarding_key_is_a_guid(client: CodatConnections, fake: FakeCodat) -> None:
    client.companies.get_or_create("Acme Ltd", tags={"uid": "cust-42"})
    (post,) = fake.requests_to("POST", "/companies")
    assert str(uuid.UUID(post.headers["idempotency-key"])) == post.headers["idempotency-key"]


def test_an_access_token_answer_that_fails_to_decode_keeps_nothing_of_the_token() -> None:
    """Review: the token sat in UnexpectedResponseError.body, its pickle, and traceback locals."""

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"accessToken": "SECRET-TOKEN-1", "expiresIn": "86400", "tokenType": "Bearer"})

    with pytest.raises(UnexpectedResponseError) as caught:
        mock_client(handler).companies.access_token("c1")
    error = caught.value
    assert "CompanyAccessToken.expiresIn: expected an integer" in str(error)
    assert error.body == b"" and "the body is withheld: it holds a credential" in str(error)
    assert b"SECRET-TOKEN-1" not in pickle.dumps(error)
    rendered = "".join(traceback.TracebackException.from_exception(error, capture_locals=True).format())
    assert "SECRET-TOKEN-1" not in rendered
    assert error.__cause__ is None and error.__context__ is None


def test_a_2xx_body_that_echoes_the_credential_is_redacted_in_the_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        echo = {"id": 5, "request": dict(request.headers)}  # a proxy echoing the request, with the key
        return httpx.Response(200, json=echo, headers={"x-echo": request.headers["authorization"]})

    with pytest.raises(UnexpectedResponseError) as caught:
        mock_client(handler).companies.get("c1")
    key_forms = [API_KEY.encode(), base64.b64encode(API_KEY.encode())]
    assert not any(form in caught.value.body for form in key_forms)
    assert b"<redacted>" in caught.value.body
    assert API_KEY not in str(caught.value.headers) and "<redacted>" in caught.value.headers["x-echo"]


def test_update_is_retried_as_a_keyed_write(client: CodatConnections, fake: FakeCodat) -> None:
    """Review: a PATCH without a key was never retried, not even on a 429."""
    company = client.companies.create("Acme Ltd")
    fake.rate_limit(retry_after="0", method="PATCH")
    assert client.companies.update(company.id, name="Acme Two").name == "Acme Two"
    patches = fake.requests_to("PATCH")
    assert [p.status for p in patches] == [429, 200]
    assert patches[0].headers["idempotency-key"] == patches[1].headers["idempotency-key"]
    fake.fail_with_status(503, method="PATCH", retry_after="0")
    with pytest.raises(InternalServerError, match="Codat replays this answer for the same Idempotency-Key"):
        client.companies.update(company.id, name="Acme Three", idempotency_key="rename-3")
