"""The client against Prism, an independent mock server built from openapi/connections.yaml.

Prism validates every request the client sends (a violation comes back as an ``sl-violations`` header
and a 4xx), answers with the document's examples, forces any documented status with ``Prefer: code=N``
and generates random valid responses with ``Prefer: dynamic=true``.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator

import httpx
import pytest

from codat_connections import (
    APIStatusError,
    AsyncCodatConnections,
    AuthenticationError,
    BadRequestError,
    CodatConnections,
    Connection,
    ConnectionStatus,
    InternalServerError,
    NotFoundError,
    PaymentRequiredError,
    PermissionDeniedError,
    RateLimitError,
    UnexpectedResponseError,
    field,
)

COMPANY = "8a210b68-6988-11ed-a1eb-0242ac120002"
CONNECTION = "2e9d2c44-f675-40ba-8049-353bfcb5e171"
API_KEY = "contract-test-key"


class Recorder:
    """Collects every response and any validation report Prism attached to it."""

    def __init__(self) -> None:
        self.statuses: Counter[int] = Counter()
        self.violations: list[str] = []

    def __call__(self, response: httpx.Response) -> None:
        self.statuses[response.status_code] += 1
        report = response.headers.get("sl-violations")
        if report:
            self.violations.append(f"{response.request.method} {response.request.url}: {report}")


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


def sync_client(prism_url: str, recorder: Recorder, headers: dict[str, str] | None = None) -> CodatConnections:
    http = httpx.Client(headers=headers or {}, event_hooks={"response": [recorder]}, timeout=30)
    return CodatConnections(api_key=API_KEY, base_url=prism_url, http_client=http, max_retries=0)


def async_client(prism_url: str, recorder: Recorder, headers: dict[str, str] | None = None) -> AsyncCodatConnections:
    async def hook(response: httpx.Response) -> None:
        recorder(response)

    http = httpx.AsyncClient(headers=headers or {}, event_hooks={"response": [hook]}, timeout=30)
    return AsyncCodatConnections(api_key=API_KEY, base_url=prism_url, http_client=http, max_retries=0)


@pytest.fixture
def codat(prism_url: str, recorder: Recorder) -> Iterator[CodatConnections]:
    client = sync_client(prism_url, recorder)
    yield client
    assert recorder.violations == [], "Prism found requests that violate the document"


# What Prism answers from the document's examples: each operation must decode into these values.
EXAMPLE_GET_ID = "ee2eb431-c0fa-4dc9-93fa-d29781c12bcd"
EXAMPLE_CREATED_PLATFORM = "Basiq"
EXAMPLE_LINK_PREFIX = "https://link-api.codat.io/"


def test_all_six_operations_send_valid_requests(codat: CodatConnections, recorder: Recorder) -> None:
    c = codat.connections
    page = c.list(
        COMPANY, page=2, page_size=5000, query=(field("status") == "Linked") | (field("n") > 3), order_by="-created"
    )
    assert isinstance(page.results[0], Connection)
    assert c.get(COMPANY, CONNECTION).id == EXAMPLE_GET_ID
    assert c.create(COMPANY, "gbol").platform_name == EXAMPLE_CREATED_PLATFORM
    c.delete(COMPANY, CONNECTION)
    assert c.unlink(COMPANY, CONNECTION).link_url.startswith(EXAMPLE_LINK_PREFIX)
    assert c.update_authorization(COMPANY, CONNECTION, {"token": "t"}).status is ConnectionStatus.LINKED
    assert c.get_authorization_url(COMPANY, CONNECTION).startswith(EXAMPLE_LINK_PREFIX)
    assert recorder.statuses == Counter({200: 7}), "one request per call, each answered 200"


async def test_all_six_operations_async(prism_url: str, recorder: Recorder) -> None:
    """The async client sends the same valid requests and decodes the same example values as the sync one."""
    async with async_client(prism_url, recorder) as codat:
        c = codat.connections
        page = await c.list(COMPANY, page=2, page_size=1, query=field("status") == "Linked", order_by="-created")
        assert isinstance(page.results[0], Connection)
        assert (await c.get(COMPANY, CONNECTION)).id == EXAMPLE_GET_ID
        assert (await c.create(COMPANY, "qhyg")).platform_name == EXAMPLE_CREATED_PLATFORM
        await c.delete(COMPANY, CONNECTION)
        assert (await c.unlink(COMPANY, CONNECTION)).link_url.startswith(EXAMPLE_LINK_PREFIX)
        assert (await c.update_authorization(COMPANY, CONNECTION, {"a": "b"})).status is ConnectionStatus.LINKED
        assert (await c.get_authorization_url(COMPANY, CONNECTION)).startswith(EXAMPLE_LINK_PREFIX)
        assert [conn.id for conn in await c.list_all(COMPANY, concurrency=4)] == [conn.id for conn in page.results]
    assert recorder.violations == []
    assert recorder.statuses == Counter({200: 9}), "one request per call, and list_all reads the next page"


def test_company_writes_send_valid_requests_whatever_the_name(codat: CodatConnections, recorder: Recorder) -> None:
    """Prism checks each body against Codat's name pattern and tag-key rule (in JSON Schema's own regex
    dialect): names are sent as Codat stores them, and a tag key with NEL or VT is within the rule."""
    codat.companies.create("Company (Codat[1])", tags={"uid": "cust-42", "a\x85b": "1", "a\x0bb": "2"})
    codat.companies.update(COMPANY, name="Acme (UK) Ltd")
    codat.companies.replace(COMPANY, name="Café Rouge\t(Soho)", description="vip", tags={"uid": "cust-42"})
    codat.companies.replace(COMPANY, name="Acme\u00a0Ltd")
    assert recorder.statuses == Counter({200: 4}), "one request per call, each answered 200"


def test_prism_really_reports_violations(prism_url: str, recorder: Recorder) -> None:
    """The check above can fail: a request with a non-UUID company id is reported by Prism."""
    with httpx.Client(event_hooks={"response": [recorder]}) as http:
        http.get(f"{prism_url}/companies/not-a-uuid/connections", headers={"Authorization": "Basic eA=="})
    assert len(recorder.violations) == 1
    assert "not-a-uuid" in recorder.violations[0]


def test_codats_example_page_terminates(codat: CodatConnections, recorder: Recorder) -> None:
    """Prism answers list with Codat's example: totalResults 0 and a next link of "string"."""
    assert len(codat.connections.list_all(COMPANY)) == 1
    assert len(list(codat.connections.iterate(COMPANY, page_size=1))) == 1
    assert recorder.statuses[200] == 4, "each follows the next link once, finds page 1 again, and stops"


@pytest.mark.parametrize(
    ("status", "error_class", "operations"),
    [
        (400, BadRequestError, ["list"]),
        (401, AuthenticationError, ["list", "get", "create", "delete", "unlink", "authorization"]),
        (402, PaymentRequiredError, ["list", "get", "create", "delete", "unlink", "authorization"]),
        (403, PermissionDeniedError, ["list", "get", "create", "delete", "unlink", "authorization"]),
        (404, NotFoundError, ["list", "get", "create", "delete", "unlink", "authorization"]),
        (429, RateLimitError, ["list", "get", "create", "delete", "unlink", "authorization"]),
        (500, InternalServerError, ["list", "get", "create", "delete", "unlink", "authorization"]),
        (503, InternalServerError, ["list", "get", "create", "delete", "unlink", "authorization"]),
    ],
)
def test_forced_statuses_map_to_error_classes(
    prism_url: str, recorder: Recorder, status: int, error_class: type[APIStatusError], operations: list[str]
) -> None:
    c = sync_client(prism_url, recorder, {"Prefer": f"code={status}"}).connections
    calls: dict[str, Callable[[], object]] = {
        "list": lambda: c.list(COMPANY),
        "get": lambda: c.get(COMPANY, CONNECTION),
        "create": lambda: c.create(COMPANY, "gbol"),
        "delete": lambda: c.delete(COMPANY, CONNECTION),
        "unlink": lambda: c.unlink(COMPANY, CONNECTION),
        "authorization": lambda: c.update_authorization(COMPANY, CONNECTION, {"a": "b"}),
    }
    for name in operations:
        with pytest.raises(error_class) as caught:
            calls[name]()
        assert caught.value.status_code == status, name
        assert caught.value.correlation_id, name
        assert caught.value.error, name
    assert recorder.violations == []
    assert recorder.statuses == Counter({status: len(operations)})


GENERATED_PER_OPERATION = 200
DELIBERATE_REJECTIONS = {
    "totalResults: expected an integer >= 0": "the document types totalResults as any integer; a negative count "
    "cannot be true, and paging on it could go wrong, so the client refuses it",
}
"""Where the client is deliberately stricter than the document: the start of the reason it gives, and why."""


def test_generated_responses_decode_or_fail_deliberately(prism_url: str, recorder: Recorder) -> None:
    """Prism's dynamic mode: 200 random schema-valid responses per read operation.

    Each one decodes into models that round-trip, or is refused for one of the deliberate reasons above
    with a message naming the request; any other refusal is a decoder rejecting data the document allows.
    The responses must really be generated (different ids), not the document's one example 400 times.
    """
    c = sync_client(prism_url, recorder, {"Prefer": "dynamic=true"}).connections
    accidental: list[str] = []
    refused: Counter[str] = Counter()
    ids: dict[str, set[str]] = {"list": set(), "get": set()}
    for _ in range(GENERATED_PER_OPERATION):
        for name in ("list", "get"):
            try:
                records = c.list(COMPANY, page_size=50).results if name == "list" else [c.get(COMPANY, CONNECTION)]
            except UnexpectedResponseError as exc:
                reason = next((known for known in DELIBERATE_REJECTIONS if known in str(exc)), None)
                if reason is None or "GET /companies/" not in str(exc):
                    accidental.append(f"{name}: {exc}")
                refused[name] += 1
                continue
            for record in records:
                assert isinstance(record, Connection)
                wire = record.to_dict()
                assert Connection.from_dict(json.loads(json.dumps(wire))).to_dict() == wire, "round trip"
                ids[name].add(record.id)
    assert accidental == [], f"{len(accidental)} schema-valid responses were refused for no deliberate reason"
    assert refused["get"] == 0, "no deliberate rule applies to a single connection"
    assert recorder.statuses == Counter({200: 2 * GENERATED_PER_OPERATION})
    assert recorder.violations == []
    assert len(ids["get"]) > GENERATED_PER_OPERATION // 2, "Prism served one example, not generated responses"
    assert len(ids["list"]) > GENERATED_PER_OPERATION // 2, "Prism served one example, not generated responses"
