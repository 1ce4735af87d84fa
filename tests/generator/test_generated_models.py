"""The generated models decode what the real API sends, including what the document does not say yet."""

from __future__ import annotations

import copy
import gc
import importlib
import pickle
import sys
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import attrs
import pytest
import yaml
from codat_connections_api.api.companies import (
    create_company,
    delete_company,
    get_company,
    get_company_access_token,
    list_companies,
    replace_company,
    update_company,
)
from codat_connections_api.api.connections import create_connection, list_connections, unlink_connection
from codat_connections_api.models import (
    ClientRateLimitWebhook,
    ClientRateLimitWebhookPayload,
    Companies,
    Company,
    CompanyAccessToken,
    CompanyReference,
    Connection,
    Connections,
    ConnectionStatus,
    ConnectionWebhook,
    ConnectionWebhookPayload,
    CreateCompanyRequest,
    CreateConnectionRequest,
    DataConnectionError,
    DataConnectionErrorStatus,
    ErrorMessage,
    HalRef,
    SourceType,
    UpdateCompanyRequest,
)
from codat_connections_api.runtime import FieldTypeError, MissingFieldError, TolerantStrEnum
from codat_connections_api.types import UNSET

from tests.conftest import ROOT, SPEC_PATH, wire_connection

SPEC: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
WEBHOOK_MODELS: dict[str, type[ConnectionWebhook] | type[ClientRateLimitWebhook]] = {
    "ConnectionWebhook": ConnectionWebhook,
    "ClientRateLimitWebhook": ClientRateLimitWebhook,
}


def webhook_examples() -> list[tuple[str, str, dict[str, Any]]]:
    """(event type, body schema name, example body) for every webhook example in the vendored document."""
    found = []
    for event, item in SPEC.get("webhooks", {}).items():
        media = item["post"]["requestBody"]["content"]["application/json"]
        schema = media["schema"]["$ref"].rsplit("/", 1)[-1]
        found += [(event, schema, example["value"]) for example in media["examples"].values()]
    return found


def test_documented_record_round_trips() -> None:
    wire = wire_connection()
    conn = Connection.from_dict(wire)
    assert conn.status is ConnectionStatus.LINKED
    assert conn.source_type is SourceType.ACCOUNTING
    assert conn.integration_key == "gbol"
    assert conn.to_dict() == wire


def test_unknown_status_and_source_type_are_kept_and_written_back() -> None:
    wire = wire_connection(status="Suspended", sourceType="Payroll")
    conn = Connection.from_dict(wire)
    assert conn.status == "Suspended"
    assert conn.status.value == "Suspended"
    assert isinstance(conn.status, ConnectionStatus)
    assert conn.status != ConnectionStatus.LINKED
    assert conn.source_type == "Payroll"
    assert conn.to_dict() == wire


def test_missing_optional_fields_read_as_none_and_stay_absent() -> None:
    wire = wire_connection()
    del wire["integrationKey"]  # optional since April 2026
    del wire["lastSync"]
    conn = Connection.from_dict(wire)
    assert conn.integration_key is None
    assert conn.last_sync is None
    assert conn.data_connection_errors is None
    assert conn.connection_info is None
    assert conn.to_dict() == wire, "an absent field is not written back as null"


def test_absent_and_null_read_alike_and_are_written_back_as_they_came() -> None:
    absent = wire_connection()
    del absent["lastSync"]
    null = wire_connection(lastSync=None, integrationKey=None)
    decoded_absent, decoded_null = Connection.from_dict(absent), Connection.from_dict(null)
    assert decoded_absent.last_sync is None and decoded_null.last_sync is None
    assert decoded_absent == Connection.from_dict(absent)
    assert decoded_null.to_dict() == null
    assert decoded_absent.to_dict() == absent
    decoded_null.integration_key = "qhyg"  # a value set after decoding is written
    assert decoded_null.to_dict()["integrationKey"] == "qhyg"


def test_a_model_built_by_hand_writes_only_what_it_was_given() -> None:
    conn = Connection("i", "g", "s", SourceType.BANKING, "Plaid", "https://l", ConnectionStatus.LINKED, "2024-01-01")
    assert conn.to_dict() == {
        "id": "i",
        "integrationId": "g",
        "sourceId": "s",
        "sourceType": "Banking",
        "platformName": "Plaid",
        "linkUrl": "https://l",
        "status": "Linked",
        "created": "2024-01-01",
    }


def test_repr_and_equality_are_readable() -> None:
    wire = wire_connection(lastSync=None)
    del wire["integrationKey"]
    conn = Connection.from_dict(wire)
    text = repr(conn)
    assert "Unset" not in text and " at 0x" not in text
    assert "integration_key=None" in text and "status=<ConnectionStatus.LINKED: 'Linked'>" in text
    assert "_nulls" not in text and "additional_properties" not in text
    assert conn == Connection.from_dict(wire)
    assert conn != Connection.from_dict(wire_connection(lastSync=None, status="Deauthorized"))
    with_extra = Connection.from_dict(wire_connection(lastSync=None, surprise=1))
    assert "additional_properties={'surprise': 1}" in repr(with_extra)
    assert with_extra != Connection.from_dict(wire_connection(lastSync=None, surprise=2))


def test_decoded_containers_are_kept_not_copied() -> None:
    info = {"tenantId": "t-1", "scopes": ["a"]}
    empty: list[Any] = []
    wire = wire_connection(connectionInfo=info, dataConnectionErrors=empty)
    conn = Connection.from_dict(wire)
    assert conn.connection_info is info, "connectionInfo is the decoded dict, not a wrapper model"
    assert conn.data_connection_errors is empty
    assert conn._extra is None, "no dict is made for a record without unknown fields"
    assert conn.to_dict() == wire


@pytest.mark.skipif(
    sys.implementation.name != "cpython" or sys.version_info >= (3, 14), reason="counts CPython's GC allocations"
)
def test_a_typical_record_costs_one_gc_object() -> None:
    """Each GC-tracked allocation brings the next collection closer; a record should cost only its model."""
    wire = wire_connection(connectionInfo={"tenantId": "t"}, dataConnectionErrors=[], lastSync=None)
    Connection.from_dict(wire)  # warm any lazy state
    gc.disable()
    try:
        before = gc.get_count()[0]
        conn = Connection.from_dict(wire)
        allocated = gc.get_count()[0] - before
    finally:
        gc.enable()
    assert conn.last_sync is None
    assert allocated == 1


def test_unknown_fields_are_kept_readable() -> None:
    wire = wire_connection(newField={"nested": [1, 2]}, anotherOne="x")
    conn = Connection.from_dict(wire)
    assert conn.additional_properties == {"newField": {"nested": [1, 2]}, "anotherOne": "x"}
    assert conn["anotherOne"] == "x"
    assert conn.to_dict() == wire


def test_unknown_field_is_noticed_when_an_optional_field_is_absent() -> None:
    wire = wire_connection(surprise=1)
    del wire["integrationKey"]
    conn = Connection.from_dict(wire)
    assert conn.additional_properties == {"surprise": 1}


def test_nulls_in_nullable_fields() -> None:
    wire = wire_connection(lastSync=None, dataConnectionErrors=None, connectionInfo=None)
    conn = Connection.from_dict(wire)
    assert conn.last_sync is None
    assert conn.data_connection_errors is None
    assert conn.connection_info is None
    assert conn.to_dict() == wire


def test_connection_info_holds_any_json() -> None:
    info = {"tenantId": "t-1", "scopes": ["a", "b"], "region": {"code": "EU", "primary": True}, "n": 3}
    conn = Connection.from_dict(wire_connection(connectionInfo=info))
    assert conn.connection_info == info
    assert conn.to_dict()["connectionInfo"] == info


def test_data_connection_errors_decode_with_nullable_enum() -> None:
    errors = [
        {
            "statusCode": "401",
            "errorMessage": "token expired",
            "erroredOnUtc": "2024-01-01T00:00:00Z",
            "status": "Active",
        },
        {"statusCode": "500", "status": None, "resolvedOnUtc": None},
        {"statusCode": "502", "status": "Flapping"},
    ]
    conn = Connection.from_dict(wire_connection(dataConnectionErrors=errors))
    assert isinstance(conn.data_connection_errors, list)
    first, second, third = conn.data_connection_errors
    assert first.status is DataConnectionErrorStatus.ACTIVE
    assert second.status is None and second.resolved_on_utc is None
    assert third.status == "Flapping"
    assert conn.to_dict()["dataConnectionErrors"] == errors


def test_a_record_missing_a_required_field_fails_loudly() -> None:
    wire = wire_connection()
    del wire["status"]
    with pytest.raises(MissingFieldError) as caught:
        Connection.from_dict(wire)
    assert str(caught.value) == "Connection.status: required field is missing"
    assert isinstance(caught.value, KeyError)


def test_list_envelope_decodes_links_and_results() -> None:
    page = Connections.from_dict(
        {
            "results": [wire_connection(), wire_connection(status="PendingAuth")],
            "pageNumber": 1,
            "pageSize": 2,
            "totalResults": 3,
            "_links": {
                "self": {"href": "/companies/c/connections"},
                "current": {"href": "/x?page=1"},
                "next": {"href": "/x?page=2"},
            },
        }
    )
    assert isinstance(page.results, list)
    assert [c.status for c in page.results] == [ConnectionStatus.LINKED, ConnectionStatus.PENDINGAUTH]
    assert isinstance(page.field_links.next_, HalRef)
    assert page.field_links.next_.href == "/x?page=2"
    assert page.field_links.previous is None


def test_error_message_decodes_codat_error_body() -> None:
    body = {
        "statusCode": 404,
        "service": "PublicApi",
        "error": "Data connection x not found",
        "correlationId": "8fa2b5f4",
        "canBeRetried": "Unknown",
        "detailedErrorCode": 0,
        "validation": None,
    }
    err = ErrorMessage.from_dict(body)
    assert (err.error, err.correlation_id, err.validation) == (
        "Data connection x not found",
        "8fa2b5f4",
        None,
    )


def test_request_builders_encode_path_segments_and_bodies() -> None:
    args = list_connections.build_request("a/b?c", page=2, page_size=50, query="status=Linked")
    assert args == {
        "method": "GET",
        "url": "/companies/a%2Fb%3Fc/connections",
        "params": {"page": 2, "pageSize": 50, "query": "status=Linked"},
        "json": None,
    }
    create = create_connection.build_request("c", body=CreateConnectionRequest(platform_key="gbol"))
    assert (create["method"], create["json"]) == ("POST", {"platformKey": "gbol"})
    assert unlink_connection.build_request("c", "k")["method"] == "PATCH"


def test_every_webhook_event_we_decode_is_in_the_document() -> None:
    events = {event for event, _, _ in webhook_examples()}
    connection_events = {"created", "connected", "failed", "disconnected", "reconnected", "deleted"}
    assert events == {f"connection.{name}" for name in connection_events} | {
        "client.rateLimit.reached",
        "client.rateLimit.reset",
    }


@pytest.mark.parametrize(("event", "schema", "body"), webhook_examples(), ids=lambda v: v if isinstance(v, str) else "")
def test_webhook_examples_decode_into_typed_models(event: str, schema: str, body: dict[str, Any]) -> None:
    model = WEBHOOK_MODELS[schema].from_dict(body)
    assert model.event_type == event
    assert model.to_dict() == body
    if isinstance(model, ConnectionWebhook):
        assert isinstance(model.payload, ConnectionWebhookPayload)
        connection = model.payload.connection
        assert isinstance(connection, Connection), "the payload reuses the REST API's Connection"
        assert isinstance(connection.status, ConnectionStatus)
        assert isinstance(model.payload.reference_company, CompanyReference)
    else:
        assert isinstance(model.payload, ClientRateLimitWebhookPayload)
        assert isinstance(model.payload.daily_quota, int)


def test_webhook_bodies_keep_unknown_fields_and_unknown_statuses() -> None:
    body = {
        "id": "ba29118f-5406-4e59-b05c-ba307ca38d01",
        "eventType": "connection.suspended",
        "generatedDate": "2024-08-08T17:10:34.015Z",
        "payload": {"connection": wire_connection(status="Suspended"), "newThing": [1]},
        "version": 2,
    }
    event = ConnectionWebhook.from_dict(body)
    assert event.event_type == "connection.suspended"
    assert event.additional_properties == {"version": 2}
    assert isinstance(event.payload, ConnectionWebhookPayload)
    assert isinstance(event.payload.connection, Connection)
    assert event.payload.connection.status == "Suspended"
    assert event.to_dict() == body


CONNECTION_REQUIRED = ["id", "integrationId", "sourceId", "sourceType", "platformName", "linkUrl", "status", "created"]
WRONG_VALUES: list[tuple[Any, str]] = [
    (None, "null"),
    (42, "a number"),
    (1.5, "a number"),
    (True, "a boolean"),
    ([], "an array"),
    ({}, "an object"),
]


@pytest.mark.parametrize("name", CONNECTION_REQUIRED)
@pytest.mark.parametrize(("value", "got"), WRONG_VALUES)
def test_a_required_field_of_the_wrong_type_names_model_field_and_value(name: str, value: Any, got: str) -> None:
    with pytest.raises(FieldTypeError) as caught:
        Connection.from_dict(wire_connection(**{name: value}))
    assert str(caught.value) == f"Connection.{name}: expected a string, got {got}"


@pytest.mark.parametrize("name", CONNECTION_REQUIRED)
def test_a_missing_required_field_is_named(name: str) -> None:
    wire = wire_connection()
    del wire[name]
    with pytest.raises(MissingFieldError, match=f"^Connection.{name}: required field is missing$"):
        Connection.from_dict(wire)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("integrationKey", 7, "Connection.integrationKey: expected a string, got a number"),
        ("lastSync", ["2024"], "Connection.lastSync: expected a string or null, got an array"),
        ("dataConnectionErrors", {"a": 1}, "Connection.dataConnectionErrors: expected an array or null, got an object"),
        ("connectionInfo", "tenant", "Connection.connectionInfo: expected an object or null, got a string"),
        (
            "dataConnectionErrors",
            [{"status": 3}],
            "DataConnectionError.status: expected a string, got a number",
        ),
        (
            "dataConnectionErrors",
            [{"status": ["Active"]}],
            "DataConnectionError.status: expected a string, got an array",
        ),
        ("dataConnectionErrors", ["oops"], "DataConnectionError: expected an object, got a string"),
    ],
)
def test_an_optional_field_of_the_wrong_type_is_refused_too(name: str, value: Any, message: str) -> None:
    with pytest.raises(FieldTypeError) as caught:
        Connection.from_dict(wire_connection(**{name: value}))
    assert str(caught.value) == message


def page_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "results": [wire_connection()],
        "pageNumber": 1,
        "pageSize": 100,
        "totalResults": 1,
        "_links": {"self": {"href": "/x"}, "current": {"href": "/x"}},
    }
    body.update(overrides)
    return body


@pytest.mark.parametrize(
    ("overrides", "error", "message"),
    [
        ({"totalResults": None}, FieldTypeError, "Connections.totalResults: expected an integer, got null"),
        ({"totalResults": "3"}, FieldTypeError, "Connections.totalResults: expected an integer, got a string"),
        ({"totalResults": 3.0}, FieldTypeError, "Connections.totalResults: expected an integer, got a number"),
        ({"pageNumber": True}, FieldTypeError, "Connections.pageNumber: expected an integer, got a boolean"),
        ({"_links": None}, FieldTypeError, "Connections._links: expected an object, got null"),
        ({"_links": {"self": {"href": "/x"}}}, MissingFieldError, "Links.current: required field is missing"),
        (
            {"results": [wire_connection(linkUrl=None)]},
            FieldTypeError,
            "Connection.linkUrl: expected a string, got null",
        ),
        ({"results": [1]}, FieldTypeError, "Connection: expected an object, got a number"),
        ({"results": {}}, FieldTypeError, "Connections.results: expected an array, got an object"),
    ],
)
def test_the_list_envelope_is_checked_the_same_way(overrides: dict[str, Any], error: type, message: str) -> None:
    with pytest.raises(error) as caught:
        Connections.from_dict(page_body(**overrides))
    assert str(caught.value) == message


@pytest.mark.parametrize("body", [None, [], "x", 3])
def test_a_body_that_is_not_an_object_is_named(body: Any) -> None:
    with pytest.raises(FieldTypeError, match=r"^Connections: expected an object, got "):
        Connections.from_dict(body)


def test_a_null_next_link_reads_as_no_next_page() -> None:
    links = {"self": {"href": "/x"}, "current": {"href": "/x"}, "next": None}
    page = Connections.from_dict(page_body(_links=links))
    assert page.field_links.next_ is None
    assert page.to_dict()["_links"] == links


def test_every_generated_file_says_where_it_comes_from() -> None:
    package = ROOT / "generated" / "codat_connections_api"
    files = sorted(path for path in package.rglob("*.py") if path != package / "runtime.py")
    assert len(files) > 20
    for path in files:
        first_line = path.read_text(encoding="utf-8").splitlines()[0]
        assert first_line.startswith("# Generated by make generate from openapi/connections.yaml"), path
        assert "do not edit" in first_line and "openapi/templates" in first_line, path
    runtime_lines = (package / "runtime.py").read_text(encoding="utf-8").splitlines(keepends=True)
    assert runtime_lines[0].startswith("# Copied by make generate from openapi/runtime.py: do not edit")
    source = (ROOT / "openapi" / "runtime.py").read_text(encoding="utf-8")
    assert "".join(runtime_lines[1:]) == source, "the runtime module is openapi/runtime.py byte for byte"


def test_copies_keep_what_came_in() -> None:
    wire = wire_connection(lastSync=None, surprise={"x": 1}, connectionInfo={"tenantId": "t"})
    conn = Connection.from_dict(wire)
    for copied in (pickle.loads(pickle.dumps(conn)), copy.deepcopy(conn), attrs.evolve(conn)):  # noqa: S301
        assert copied == conn
        assert copied.to_dict() == wire, "explicit nulls and unknown fields survive pickling, copying and evolve"
    changed = attrs.evolve(conn, status=ConnectionStatus.DEAUTHORIZED)
    assert changed.to_dict() == {**wire, "status": "Deauthorized"}


# -- the seam: request builders -------------------------------------------------------------------
ENDPOINTS = sorted((ROOT / "generated" / "codat_connections_api" / "api").glob("*/[!_]*.py"))


def test_each_endpoint_module_exposes_only_build_request() -> None:
    assert len(ENDPOINTS) == 13
    for path in ENDPOINTS:
        module = importlib.import_module(f"codat_connections_api.api.{path.parent.name}.{path.stem}")
        defined = [name for name, value in vars(module).items() if getattr(value, "__module__", "") == module.__name__]
        assert defined == ["build_request"], path
        assert not [name for name in vars(module) if name in ("sync", "asyncio", "sync_detailed", "_get_kwargs")]
        text = path.read_text(encoding="utf-8")
        assert "httpx" not in text and "Client" not in text and "errors" not in text, f"{path.name} has no client"


def test_company_request_builders() -> None:
    listing = list_companies.build_request(page=2, page_size=5000, query="name~Acme", order_by="-created", tags="uid=c")
    assert listing == {
        "method": "GET",
        "url": "/companies",
        "params": {"page": 2, "pageSize": 5000, "query": "name~Acme", "orderBy": "-created", "tags": "uid=c"},
        "json": None,
    }
    assert list_companies.build_request()["params"] == {"page": 1, "pageSize": 100}
    assert list_companies.build_request(page=None, page_size=None)["params"] == {}, "None leaves a parameter out"
    body = CreateCompanyRequest(name="Acme Ltd", tags={"uid": "cust-42"})
    assert create_company.build_request(body=body) == {
        "method": "POST",
        "url": "/companies",
        "params": {},
        "json": {"name": "Acme Ltd", "tags": {"uid": "cust-42"}},
    }
    assert get_company.build_request("a/b")["url"] == "/companies/a%2Fb"
    assert delete_company.build_request("c")["method"] == "DELETE"
    assert get_company_access_token.build_request("c id")["url"] == "/companies/c%20id/accessToken"
    patch = update_company.build_request("c", body=UpdateCompanyRequest(description="vip"))
    assert (patch["method"], patch["json"]) == ("PATCH", {"description": "vip"}), "PATCH sends only what is given"
    put = replace_company.build_request("c/1", body=CreateCompanyRequest(name="Acme Ltd"))
    assert put == {"method": "PUT", "url": "/companies/c%2F1", "params": {}, "json": {"name": "Acme Ltd"}}


def test_update_body_keeps_absent_apart_from_null() -> None:
    assert UpdateCompanyRequest().to_dict() == {}
    assert UpdateCompanyRequest(name="New", tags={}).to_dict() == {"name": "New", "tags": {}}
    assert UpdateCompanyRequest().name is UNSET
    assert UpdateCompanyRequest(tags={"a": "b"}).to_dict() == {"tags": {"a": "b"}}, "tags are a plain dict"


def test_a_request_body_is_only_written_never_read() -> None:
    """What the client sends has ``to_dict`` and nothing of a received model's reading side (issue 26 §6)."""
    for model in (UpdateCompanyRequest, CreateCompanyRequest):
        assert hasattr(model, "to_dict")
        assert not hasattr(model, "from_dict") and not hasattr(model, "to_multipart")


# -- companies ----------------------------------------------------------------------------------
def company_examples() -> list[tuple[str, dict[str, Any]]]:
    """(schema name, example body) for every company response example in the vendored document."""
    found = []
    for item in SPEC["paths"].values():
        for operation in item.values():
            content = operation["responses"].get("200", {}).get("content", {}).get("application/json", {})
            schema = content.get("schema", {}).get("$ref", "").rsplit("/", 1)[-1]
            if schema in ("Company", "Companies", "CompanyAccessToken"):
                found += [(schema, example["value"]) for example in content.get("examples", {}).values()]
    return found


COMPANY_MODELS: dict[str, Any] = {"Company": Company, "Companies": Companies, "CompanyAccessToken": CompanyAccessToken}


@pytest.mark.parametrize(("schema", "body"), company_examples(), ids=lambda v: v if isinstance(v, str) else "")
def test_company_examples_decode_and_round_trip(schema: str, body: dict[str, Any]) -> None:
    model = COMPANY_MODELS[schema].from_dict(body)
    assert model.to_dict() == body
    assert "Unset" not in repr(model)


def test_a_company_carries_its_connections_as_the_same_model() -> None:
    body = company_examples_by_name()["Subsidiary multi-entity company"]
    company = Company.from_dict(body)
    assert isinstance(company.data_connections, list)
    (connection,) = company.data_connections
    assert isinstance(connection, Connection) and connection.status is ConnectionStatus.LINKED
    assert isinstance(company.reference_parent_company, CompanyReference)
    assert company.reference_subsidiary_companies == []
    assert company.products == ["spend-insights", "lending", "expenses-v1", "commerce"]
    assert company.created_at == datetime(2022, 11, 10, 10, 45, 18, tzinfo=UTC)
    assert company.last_sync_at is None


def company_examples_by_name() -> dict[str, dict[str, Any]]:
    content = SPEC["paths"]["/companies/{companyId}"]["get"]["responses"]["200"]["content"]["application/json"]
    return {name: example["value"] for name, example in content["examples"].items()}


def wire_company(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"id": "ab12c58d-a678-4ebf-a159-ae99e1807bd0", "name": "Acme", "redirect": "https://l/c"}
    body.update(overrides)
    return body


@pytest.mark.parametrize(
    ("overrides", "error", "message"),
    [
        ({"name": None}, FieldTypeError, "Company.name: expected a string, got null"),
        ({"redirect": 3}, FieldTypeError, "Company.redirect: expected a string, got a number"),
        ({"tags": {"uid": 42}}, FieldTypeError, "Company.tags: expected an object of string values, got an object"),
        ({"products": ["a", 1]}, FieldTypeError, "Company.products: expected an array of strings, got an array"),
        ({"dataConnections": [{"id": "x"}]}, MissingFieldError, "Connection.integrationId: required field is missing"),
        (
            {"referenceParentCompany": []},
            FieldTypeError,
            "Company.referenceParentCompany: expected an object or null, got an array",
        ),
    ],
)
def test_company_fields_are_typed_and_checked(overrides: dict[str, Any], error: type, message: str) -> None:
    with pytest.raises(error) as caught:
        Company.from_dict(wire_company(**overrides))
    assert str(caught.value) == message


@pytest.mark.parametrize("name", ["id", "name", "redirect"])
def test_a_company_missing_a_required_field_is_named(name: str) -> None:
    body = wire_company()
    del body[name]
    with pytest.raises(MissingFieldError, match=f"^Company.{name}: required field is missing$"):
        Company.from_dict(body)


def test_a_company_keeps_unknown_fields_and_reads_absent_as_none() -> None:
    body = wire_company(newThing={"a": 1}, description=None)
    company = Company.from_dict(body)
    assert company.additional_properties == {"newThing": {"a": 1}}
    assert (company.description, company.tags, company.data_connections, company.created_at) == (None, None, None, None)
    assert company.to_dict() == body


@pytest.mark.parametrize("model", [Connections, Companies])
@pytest.mark.parametrize("value", [-1, -(2**40), 2**70])
def test_envelope_counts_decode_any_integer_the_document_allows(model: Any, value: int) -> None:
    body = {
        "results": [],
        "pageNumber": value,
        "pageSize": value,
        "totalResults": value,
        "_links": {"self": {"href": "/x"}, "current": {"href": "/x"}},
    }
    page = model.from_dict(body)
    assert (page.page_number, page.page_size, page.total_results) == (value, value, value)


def test_the_access_token_is_kept_out_of_repr_and_pickles() -> None:
    body = {"accessToken": "tok-SECRET-1", "expiresIn": 86400, "tokenType": "Bearer"}
    token = CompanyAccessToken.from_dict(body)
    assert token.access_token == "tok-SECRET-1" and token.to_dict() == body
    assert "tok-SECRET-1" not in repr(token) and "access_token=<hidden>" in repr(token)
    assert "tok-SECRET-1" not in str(token)
    with pytest.raises(TypeError, match=r"^CompanyAccessToken holds a credential \(accessToken\) and is not pickled"):
        pickle.dumps(token)
    for copied in (copy.copy(token), copy.deepcopy(token)):
        assert copied == token and copied is not token


# -- one home for each rule: date-times and tolerant enums ------------------------------------------
def test_date_time_fields_read_as_aware_datetimes() -> None:
    conn = Connection.from_dict(wire_connection(created="2022-10-27T09:53:29", lastSync="2022-10-27T10:22:43+02:00"))
    assert conn.created_at == datetime(2022, 10, 27, 9, 53, 29, tzinfo=UTC), "a naive stamp is UTC"
    assert conn.last_sync_at == datetime(2022, 10, 27, 10, 22, 43, tzinfo=timezone(timedelta(hours=2)))
    assert Connection.from_dict(wire_connection(lastSync=None)).last_sync_at is None
    error = DataConnectionError.from_dict({"erroredOnUtc": "2024-01-01", "resolvedOnUtc": None})
    assert (error.errored_at, error.resolved_at) == (datetime(2024, 1, 1, tzinfo=UTC), None), "a date is midnight UTC"
    webhook = ClientRateLimitWebhook.from_dict(
        {"generatedDate": "2024-01-01T00:00:00Z", "payload": {"expiryDate": None}}
    )
    assert webhook.generated_at == datetime(2024, 1, 1, tzinfo=UTC)
    assert isinstance(webhook.payload, ClientRateLimitWebhookPayload) and webhook.payload.expiry_at is None
    assert ConnectionWebhook.from_dict({}).generated_at is None


def test_an_unreadable_date_time_fails_on_access_naming_it_not_on_decode() -> None:
    conn = Connection.from_dict(wire_connection(created="yesterday"))
    assert conn.created == "yesterday"
    with pytest.raises(ValueError, match="^not a Codat date-time: 'yesterday'$"):
        _ = conn.created_at


def test_generated_enums_share_the_one_tolerant_base() -> None:
    for enum in (ConnectionStatus, SourceType, DataConnectionErrorStatus):
        assert issubclass(enum, TolerantStrEnum)
        assert "_missing_" not in vars(enum), "the rule is written once, in the runtime module"
    unknown = ConnectionStatus("Suspended")
    assert (unknown == "Suspended", str(unknown), isinstance(unknown, ConnectionStatus)) == (True, "Suspended", True)
    assert pickle.loads(pickle.dumps(unknown)) == "Suspended"  # noqa: S301
    assert ConnectionStatus._lookup("Linked") is ConnectionStatus.LINKED and ConnectionStatus._lookup("x") is None
