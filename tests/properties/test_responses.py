"""Any response, however broken, ends as a model or a CodatError: never another exception, never a hang."""

from __future__ import annotations

import json
from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codat_connections import CodatConnections, CodatError, Connection, Page, UnexpectedResponseError
from tests.conftest import API_KEY, virtual_time, wire_connection

COMPANY = "8a210b68-6988-11ed-a1eb-0242ac120002"
EXAMPLES = 400

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20,
)


@st.composite
def record_with_a_wrong_field(draw: st.DrawFn) -> dict[str, Any]:
    record = wire_connection()
    name = draw(st.sampled_from([*record, "dataConnectionErrors", "connectionInfo", "extra"]))
    record[name] = draw(json_values)
    return record


def page_of(records: list[Any], total: Any = 1) -> dict[str, Any]:
    return {
        "results": records,
        "pageNumber": 1,
        "pageSize": 100,
        "totalResults": total,
        "_links": {"self": {"href": "/x"}, "current": {"href": "/x"}},
    }


valid = json.dumps(wire_connection()).encode()
bodies = st.one_of(
    st.binary(max_size=200),
    json_values.map(lambda v: json.dumps(v).encode()),
    st.integers(min_value=0, max_value=len(valid)).map(lambda n: valid[:n]),
    st.integers(min_value=1, max_value=50_000).map(lambda depth: b"[" * depth + b"]" * depth),
    st.integers(min_value=1, max_value=50_000).map(lambda depth: b'{"a":' * depth + b"1" + b"}" * depth),
    record_with_a_wrong_field().map(lambda r: json.dumps(r).encode()),
    record_with_a_wrong_field().map(lambda r: json.dumps(page_of([r])).encode()),
    json_values.map(lambda total: json.dumps(page_of([wire_connection()], total)).encode()),
    st.just(b"<html><body>502 Bad Gateway</body></html>"),
)
statuses = st.one_of(st.integers(min_value=100, max_value=599), st.integers(min_value=600, max_value=999))
headers = st.dictionaries(
    st.sampled_from(["Retry-After", "Content-Type", "X-Rate-Limit-Remaining", "X-Correlation-Id"]),
    st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=30),
    max_size=3,
)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(status=statuses, body=bodies, response_headers=headers, operation=st.sampled_from(["get", "list", "create"]))
def test_any_response_is_a_model_or_a_codat_error(
    status: int, body: bytes, response_headers: dict[str, str], operation: str
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, content=body, headers=response_headers)

    client = CodatConnections(api_key=API_KEY, http_client=httpx.Client(transport=httpx.MockTransport(handler)))
    with virtual_time() as waits:
        try:
            if operation == "get":
                result: object = client.connections.get(COMPANY, COMPANY)
            elif operation == "list":
                result = client.connections.list_all(COMPANY)
            else:
                result = client.connections.create(COMPANY, "gbol")
        except CodatError as exc:
            assert str(exc)
            if 200 <= status < 300:
                assert isinstance(exc, UnexpectedResponseError)
                assert exc.status_code == status
        else:
            assert 200 <= status < 300
            assert isinstance(result, Connection | list | Page)
    assert all(0 <= wait <= 60 for wait in waits)
    assert len(waits) <= client.max_retries
