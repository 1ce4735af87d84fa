"""Any response, however broken, ends as a model or a CodatError: never another exception, never a hang."""

from __future__ import annotations

import gc
import json
import re
from collections.abc import Mapping
from typing import Any

import httpx
from codat_connections_api.models import Connections
from codat_connections_api.runtime import FieldTypeError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codat_connections import CodatConnections, CodatError, Connection, Page, UnexpectedResponseError
from codat_connections._operations._decoding import page_parser
from codat_connections._request import RequestSpec
from tests.conftest import API_KEY, COMPANY, virtual_time, wire_connection
from tests.profiles import examples

EXAMPLES = examples(400)

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
                assert isinstance(exc, UnexpectedResponseError), "a 2xx that fails is a body that does not decode"
                assert exc.status_code == status
        else:
            assert 200 <= status < 300
            assert isinstance(result, Connection | list | Page)
    assert all(0 <= wait <= 60 for wait in waits)
    assert len(waits) <= client.max_retries


NAMED_FIELD_ERROR = re.compile(r"\b(Data)?Connection(Error)?(\.\w+)?: (expected .+, got |required field is missing)")
CONNECTION_STRINGS = ["id", "integrationId", "sourceId", "platformName", "linkUrl", "created", "status", "sourceType"]
ENVELOPE_INTEGERS = ["pageNumber", "pageSize", "totalResults"]


def answering(body: Any) -> CodatConnections:
    payload = json.dumps(body).encode()
    transport = httpx.MockTransport(lambda request: httpx.Response(200, content=payload))
    return CodatConnections(api_key=API_KEY, http_client=httpx.Client(transport=transport))


@settings(max_examples=EXAMPLES, deadline=None)
@given(name=st.sampled_from(CONNECTION_STRINGS), value=json_values, operation=st.sampled_from(["get", "create", "url"]))
def test_a_required_connection_field_is_a_string_or_the_call_fails_naming_it(
    name: str, value: Any, operation: str
) -> None:
    client = answering(wire_connection(**{name: value}))
    try:
        if operation == "url":
            url = client.connections.get_authorization_url(COMPANY, COMPANY)
            assert isinstance(url, str), "the authorization URL is never None"
            assert name != "linkUrl" or url == value
            return
        conn = (
            client.connections.get(COMPANY, COMPANY)
            if operation == "get"
            else client.connections.create(COMPANY, "gbol")
        )
    except UnexpectedResponseError as exc:
        assert not isinstance(value, str), "a string is always accepted (an unknown enum value too)"
        assert f"Connection.{name}: expected a string, got " in str(exc)
        assert exc.status_code == 200
    else:
        assert isinstance(value, str)
        attribute = {"id": conn.id, "integrationId": conn.integration_id, "sourceId": conn.source_id}.get(name)
        decoded = conn.to_dict()[name]
        assert decoded == value and (attribute is None or attribute == value)
        assert isinstance(conn.link_url, str) and isinstance(conn.status.value, str)


@settings(max_examples=EXAMPLES, deadline=None)
@given(name=st.sampled_from(ENVELOPE_INTEGERS), value=json_values)
def test_a_required_envelope_integer_is_an_integer_or_decoding_fails_naming_it(name: str, value: Any) -> None:
    body = page_of([wire_connection()])
    body[name] = value
    try:
        page = Connections.from_dict(body)
    except FieldTypeError as exc:
        assert not isinstance(value, int) or isinstance(value, bool)
        assert str(exc).startswith(f"Connections.{name}: expected an integer, got ")
    else:
        assert isinstance(value, int) and not isinstance(value, bool)
        assert page.to_dict() == body


@settings(max_examples=EXAMPLES, deadline=None)
@given(value=json_values)
def test_a_page_whose_total_is_not_an_integer_fails_naming_it(value: Any) -> None:
    body = page_of([wire_connection()])
    body["totalResults"] = value
    try:
        page = answering(body).connections.list(COMPANY)
    except UnexpectedResponseError as exc:
        assert "totalResults" in str(exc)
    else:
        assert isinstance(value, int) and not isinstance(value, bool)
        assert page.total_results == value and len(page.results) == 1


@settings(max_examples=EXAMPLES, deadline=None)
@given(record=record_with_a_wrong_field())
def test_a_decoded_record_holds_only_the_types_it_declares(record: dict[str, Any]) -> None:
    """Whatever a field holds, the call either fails with a typed error or returns values of the declared types."""
    try:
        conn = answering(record).connections.get(COMPANY, COMPANY)
    except UnexpectedResponseError as exc:
        assert NAMED_FIELD_ERROR.search(str(exc)), str(exc)
        return
    for text in (conn.id, conn.integration_id, conn.source_id, conn.platform_name, conn.link_url, conn.created):
        assert isinstance(text, str)
    assert conn.integration_key is None or isinstance(conn.integration_key, str)
    assert conn.last_sync is None or isinstance(conn.last_sync, str)
    assert conn.connection_info is None or isinstance(conn.connection_info, dict)
    assert conn.data_connection_errors is None or isinstance(conn.data_connection_errors, list)
    assert conn.to_dict() == record, "what came in is written back, unknown fields included"


def test_a_page_lets_go_of_each_records_json_before_decoding_it() -> None:
    """A 5000-record page's JSON kept whole until its last model is built all survives into the GC's oldest
    generation, costing full collections of the live heap; each record's object is dropped as it is decoded."""
    held_by_the_page: list[bool] = []

    def decode(record: Mapping[str, Any]) -> Connection:
        held_by_the_page.append(any(isinstance(holder, list) for holder in gc.get_referrers(record)))
        return Connection.from_dict(record)

    body = page_of([wire_connection() for _ in range(3)], total=3)
    response = httpx.Response(200, json=body, request=httpx.Request("GET", "https://api.codat.io/x"))
    page = page_parser(decode)(RequestSpec("GET", "/x"), response)
    assert [c.to_dict() for c in page.results] == body["results"]
    assert held_by_the_page == [False, False, False]
