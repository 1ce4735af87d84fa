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


def test_all_six_operations_send_valid_requests(codat: CodatConnections, recorder: Recorder) -> None:
    c = codat.connections
    page = c.list(
        COMPANY, page=2, page_size=5000, query=(field("status") == "Linked") | (field("n") > 3), order_by="-created"
    )
    assert isinstance(page.results[0], Connection)
    assert c.get(COMPANY, CONNECTION).id == "ee2eb431-c0fa-4dc9-93fa-d29781c12bcd"
    assert c.create(COMPANY, "gbol").platform_name == "Basiq"
    c.delete(COMPANY, CONNECTION)
    assert c.unlink(COMPANY, CONNECTION).link_url.startswith("https://")
    assert c.update_authorization(COMPANY, CONNECTION, {"token": "t"}).status
    assert c.get_authorization_url(COMPANY, CONNECTION).startswith("https://link-api.codat.io/")
    assert set(recorder.statuses) == {200}


async def test_all_six_operations_async(prism_url: str, recorder: Recorder) -> None:
    async with async_client(prism_url, recorder) as codat:
        c = codat.connections
        assert (await c.list(COMPANY, page_size=1)).results
        assert (await c.get(COMPANY, CONNECTION)).id
        assert (await c.create(COMPANY, "qhyg")).id
        await c.delete(COMPANY, CONNECTION)
        assert (await c.unlink(COMPANY, CONNECTION)).id
        assert (await c.update_authorization(COMPANY, CONNECTION, {"a": "b"})).id
        assert await c.list_all(COMPANY, concurrency=4)
    assert recorder.violations == []
    assert set(recorder.statuses) == {200}


def test_prism_really_reports_violations(prism_url: str, recorder: Recorder) -> None:
    """The check above can fail: a request with a non-UUID company id is reported by Prism."""
    http = httpx.Client(event_hooks={"response": [recorder]})
    http.get(f"{prism_url}/companies/not-a-uuid/connections", headers={"Authorization": "Basic eA=="})
    assert recorder.violations


def test_codats_example_page_terminates(codat: CodatConnections, recorder: Recorder) -> None:
    """Prism answers list with Codat's example: totalResults 0 and a next link of "string"."""
    assert len(codat.connections.list_all(COMPANY)) == 1
    assert len(list(codat.connections.iterate(COMPANY, page_size=1))) == 1
    assert recorder.statuses[200] == 2


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


def test_generated_responses_decode_or_fail_clearly(prism_url: str, recorder: Recorder) -> None:
    """Prism's dynamic mode: 200 random valid responses per read operation, each a model or a clear error."""
    c = sync_client(prism_url, recorder, {"Prefer": "dynamic=true"}).connections
    outcomes: Counter[str] = Counter()
    for _ in range(GENERATED_PER_OPERATION):
        for name in ("list", "get"):
            try:
                records = c.list(COMPANY, page_size=50).results if name == "list" else [c.get(COMPANY, CONNECTION)]
            except UnexpectedResponseError:
                outcomes[f"{name}: unexpected response"] += 1
            else:
                outcomes[f"{name}: decoded"] += 1
                for record in records:
                    assert isinstance(record, Connection)
                    json.dumps(record.to_dict())
    assert sum(outcomes.values()) == 2 * GENERATED_PER_OPERATION
    assert outcomes["list: decoded"] + outcomes["get: decoded"] >= GENERATED_PER_OPERATION, outcomes
    assert recorder.violations == []
    print(f"dynamic responses: {dict(outcomes)}")
