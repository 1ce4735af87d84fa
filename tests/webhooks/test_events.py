"""Decoding verified bodies into typed events: every documented type, Codat's additions, broken bodies."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from codat_connections import Connection, ConnectionStatus, needs_attention
from codat_connections.webhooks import (
    CompanyReference,
    ConnectionEvent,
    ConnectionEventType,
    RateLimitEvent,
    RateLimitEventType,
    UnknownEvent,
    WebhookPayloadError,
    parse_event,
    unwrap,
)
from tests.webhooks.signing import (
    COMPANY_ID,
    CONNECTION_ID,
    LINK_URL,
    MESSAGE_ID,
    SECRET,
    connection_event,
    encode,
    rate_limit_event,
    signed_headers,
)

CONNECTION_TYPES = [
    ("connection.created", "PendingAuth", ConnectionEventType.CREATED),
    ("connection.connected", "Linked", ConnectionEventType.CONNECTED),
    ("connection.failed", "PendingAuth", ConnectionEventType.FAILED),
    ("connection.disconnected", "Deauthorized", ConnectionEventType.DISCONNECTED),
    ("connection.disconnected", "Unlinked", ConnectionEventType.DISCONNECTED),
    ("connection.reconnected", "Linked", ConnectionEventType.RECONNECTED),
    ("connection.deleted", "Linked", ConnectionEventType.DELETED),
]


@pytest.mark.parametrize(("event_type", "status", "member"), CONNECTION_TYPES)
def test_each_connection_event_type_decodes(event_type: str, status: str, member: ConnectionEventType) -> None:
    body = connection_event(event_type, status)
    event = unwrap(encode(body), signed_headers(encode(body)), secret=SECRET)
    assert isinstance(event, ConnectionEvent)
    assert event.event_type is member
    assert event.id == "ba29118f-5406-4e59-b05c-ba307ca38d01"
    assert event.message_id == MESSAGE_ID
    assert event.generated_date == datetime(2025, 11, 24, 16, 0, 0, 15000, tzinfo=UTC)
    assert event.company == CompanyReference(
        id=COMPANY_ID, name="Acme Ltd", description="customer 4411", tags={"region": "uk", "uid": "4411"}
    )
    # The same model, decoded the same way, as the REST API's GET of that connection.
    assert event.connection == Connection.from_dict(body["payload"]["connection"])
    assert event.connection.id == CONNECTION_ID
    assert event.connection.status == ConnectionStatus(status)
    assert event.raw == body


def test_deauthorization_needs_reauthorization_through_the_link_url() -> None:
    event = parse_event(encode(connection_event("connection.disconnected", "Deauthorized")))
    assert isinstance(event, ConnectionEvent)
    assert event.needs_reauthorization
    assert event.authorization_url == LINK_URL
    assert isinstance(event.connection.data_connection_errors, list)
    assert event.connection.data_connection_errors[0].status_code == "401"


@pytest.mark.parametrize(
    ("event_type", "status"),
    [
        ("connection.disconnected", "Unlinked"),  # you unlinked it: nothing to ask the user
        ("connection.connected", "Linked"),
        ("connection.created", "PendingAuth"),
        ("connection.deleted", "Deauthorized"),  # gone: there is nothing left to re-authorize
    ],
)
def test_no_reauthorization_otherwise(event_type: str, status: str) -> None:
    event = parse_event(encode(connection_event(event_type, status)))
    assert isinstance(event, ConnectionEvent)
    assert not event.needs_reauthorization
    assert event.authorization_url is None


def linked_with_an_active_error() -> dict[str, object]:
    body = connection_event("connection.reconnected", "Linked")
    body["payload"]["connection"]["dataConnectionErrors"] = [
        {"statusCode": "500", "statusText": "Sync failed", "errorMessage": "Token refresh failed", "status": "Active"}
    ]
    return body


@pytest.mark.parametrize(
    ("body", "flagged"),
    [
        (connection_event("connection.disconnected", "Deauthorized"), True),
        (linked_with_an_active_error(), True),  # still Linked, but the sweep flags it: so does the event
        (connection_event("connection.failed", "PendingAuth"), False),  # no active error in this body
        (connection_event("connection.disconnected", "Unlinked"), False),
        (connection_event("connection.connected", "Linked"), False),
        (connection_event("connection.deleted", "Deauthorized"), False),  # gone: nothing to attend to
    ],
)
def test_needs_attention_asks_what_the_sweep_asks(body: dict[str, object], flagged: bool) -> None:
    event = parse_event(encode(body))
    assert isinstance(event, ConnectionEvent)
    assert event.needs_attention is flagged
    assert event.authorization_url == (LINK_URL if flagged else None), "the hand-off whenever something is flagged"
    if event.event_type != ConnectionEventType.DELETED:
        assert event.needs_attention is needs_attention(event.connection)  # the sweep's own test of it


def with_an_active_error(body: dict[str, Any]) -> dict[str, Any]:
    body["payload"]["connection"]["dataConnectionErrors"] = [
        {"statusCode": "403", "statusText": "Linking failed", "errorMessage": "The user cancelled", "status": "Active"}
    ]
    return body


def test_a_failed_link_is_flagged_with_the_link_url_to_try_again() -> None:
    """Issue 23 §2: connection.failed (PendingAuth, an active error) was flagged while its docstring and the
    guide said "not flagged", and authorization_url was None: the flag came without the hand-off."""
    event = parse_event(encode(with_an_active_error(connection_event("connection.failed", "PendingAuth"))))
    assert isinstance(event, ConnectionEvent)
    assert event.needs_attention and needs_attention(event.connection)
    assert event.authorization_url == LINK_URL
    assert not event.needs_reauthorization, "not Deauthorized: the user has not authorized it yet"


def test_an_unlinked_connection_with_an_active_error_was_let_go_on_purpose() -> None:
    event = parse_event(encode(with_an_active_error(connection_event("connection.failed", "Unlinked"))))
    assert isinstance(event, ConnectionEvent)
    assert not event.needs_attention and not needs_attention(event.connection)
    assert event.authorization_url is None


def test_message_id_is_none_from_parse_event_unless_given() -> None:
    body = encode(connection_event())
    assert parse_event(body).message_id is None
    assert parse_event(body, message_id="msg_stored").message_id == "msg_stored"
    assert parse_event(body.decode()).message_id is None


@pytest.mark.parametrize(
    ("event_type", "member"),
    [("client.rateLimit.reached", RateLimitEventType.REACHED), ("client.rateLimit.reset", RateLimitEventType.RESET)],
)
def test_rate_limit_events_decode(event_type: str, member: RateLimitEventType) -> None:
    body = encode(rate_limit_event(event_type, remaining=7))
    event = unwrap(body, signed_headers(body), secret=SECRET)
    assert isinstance(event, RateLimitEvent)
    assert event.event_type is member
    assert (event.daily_quota, event.quota_remaining) == (12000, 7)
    assert event.expiry_date == datetime(2025, 11, 25, tzinfo=UTC)
    assert event.generated_date == datetime(2025, 11, 24, 12, 14, 14, tzinfo=UTC)
    assert event.message_id == MESSAGE_ID


def test_rate_limit_expiry_that_is_not_a_date_time_stays_in_raw() -> None:
    body = rate_limit_event("client.rateLimit.reset")
    body["payload"]["expiryDate"] = "2025-11-24T23:59:99Z"  # as in one of Codat's own examples
    event = parse_event(encode(body))
    assert isinstance(event, RateLimitEvent)
    assert event.expiry_date is None
    assert event.raw["payload"]["expiryDate"] == "2025-11-24T23:59:99Z"


def test_other_event_types_are_unknown_events_with_their_json() -> None:
    body = {
        "id": "4f1e1a7e-5a44-4d2b-9b7e-6c0f1b2a3c4d",
        "eventType": "company.created",
        "generatedDate": "2025-11-24T16:00:00Z",
        "payload": {"id": COMPANY_ID, "name": "Acme Ltd"},
    }
    event = unwrap(encode(body), signed_headers(encode(body)), secret=SECRET)
    assert isinstance(event, UnknownEvent)
    assert event.event_type == "company.created"
    assert event.id == body["id"]
    assert event.generated_date == datetime(2025, 11, 24, 16, tzinfo=UTC)
    assert event.raw == body
    assert event.message_id == MESSAGE_ID


def test_unknown_event_tolerates_missing_or_odd_fields() -> None:
    event = parse_event(b'{"eventType": "brand.new", "generatedDate": 12, "id": 5}')
    assert isinstance(event, UnknownEvent)
    assert (event.id, event.generated_date, event.raw) == (
        None,
        None,
        {"eventType": "brand.new", "generatedDate": 12, "id": 5},
    )


def test_a_new_connection_event_type_still_gives_the_connection() -> None:
    event = parse_event(encode(connection_event("connection.renamed", "Linked")))
    assert isinstance(event, ConnectionEvent)
    assert event.event_type == "connection.renamed"
    assert event.event_type.value == "connection.renamed"
    assert event.event_type not in list(ConnectionEventType)
    assert event.connection.id == CONNECTION_ID


def test_a_new_connection_event_type_of_another_shape_is_unknown_not_an_error() -> None:
    body = {
        "id": "e",
        "eventType": "connection.summary",
        "generatedDate": "2025-11-24T16:00:00Z",
        "payload": {"count": 3},
    }
    event = parse_event(encode(body))
    assert isinstance(event, UnknownEvent)
    assert event.raw == body


def test_extra_fields_are_tolerated_and_kept() -> None:
    body = connection_event(schemaVersion=2)
    body["payload"]["connection"]["newField"] = {"x": 1}
    body["payload"]["connection"]["status"] = "Suspended"  # a status Codat may add
    event = parse_event(encode(body))
    assert isinstance(event, ConnectionEvent)
    assert event.connection["newField"] == {"x": 1}
    assert event.connection.status == "Suspended"
    assert event.raw["schemaVersion"] == 2


def test_optional_connection_and_company_fields_may_be_absent() -> None:
    body = connection_event("connection.created", "PendingAuth")
    for key in ("integrationKey", "lastSync"):
        del body["payload"]["connection"][key]
    for key in ("description", "tags", "links"):
        del body["payload"]["referenceCompany"][key]
    event = parse_event(encode(body))
    assert isinstance(event, ConnectionEvent)
    assert event.company == CompanyReference(id=COMPANY_ID, name="Acme Ltd", description=None, tags={})
    assert not isinstance(event.connection.last_sync, str)  # Unset or None, depending on the generator


@pytest.mark.parametrize(
    ("generated", "expected"),
    [
        ("2025-11-24T16:00:00Z", datetime(2025, 11, 24, 16, tzinfo=UTC)),
        ("2025-11-24T16:00:00.1234567Z", datetime(2025, 11, 24, 16, 0, 0, 123456, tzinfo=UTC)),
        ("2025-11-24T17:00:00+01:00", datetime(2025, 11, 24, 17, tzinfo=timezone(timedelta(hours=1)))),
        ("2025-11-24T16:00:00", datetime(2025, 11, 24, 16, tzinfo=UTC)),  # naive: Codat documents UTC
    ],
)
def test_generated_date_is_always_aware(generated: str, expected: datetime) -> None:
    event = parse_event(encode(connection_event(generatedDate=generated)))
    assert event.generated_date == expected
    assert event.generated_date is not None and event.generated_date.tzinfo is not None


def broken(mutate: str) -> bytes:
    body = connection_event("connection.disconnected", "Deauthorized")
    if mutate == "no payload":
        del body["payload"]
    elif mutate == "no connection":
        del body["payload"]["connection"]
    elif mutate == "connection not an object":
        body["payload"]["connection"] = ["x"]
    elif mutate == "connection lacks status":
        del body["payload"]["connection"]["status"]
    elif mutate == "no company":
        del body["payload"]["referenceCompany"]
    elif mutate == "company id not a string":
        body["payload"]["referenceCompany"]["id"] = 7
    elif mutate == "bad generatedDate":
        body["generatedDate"] = "yesterday"
    elif mutate == "no id":
        del body["id"]
    return encode(body)


@pytest.mark.parametrize(
    "mutate",
    [
        "no payload",
        "no connection",
        "connection not an object",
        "connection lacks status",
        "no company",
        "company id not a string",
        "bad generatedDate",
        "no id",
    ],
)
def test_known_type_that_does_not_decode_is_a_payload_error(mutate: str) -> None:
    body = broken(mutate)
    with pytest.raises(WebhookPayloadError, match=r"^connection.disconnected body does not decode: .+") as info:
        unwrap(body, signed_headers(body), secret=SECRET)
    assert info.value.event_type == "connection.disconnected"
    assert info.value.message_id == MESSAGE_ID
    assert info.value.reason


@pytest.mark.parametrize(
    ("body", "why"),
    [
        (b"", "not JSON"),
        (b"<html>bad gateway</html>", "not JSON"),
        (b'{"eventType": "connection.created"', "not JSON"),
        (b"[1, 2]", "expected a JSON object"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b'{"id": "x"}', "eventType is missing"),
        (b'{"eventType": 3}', "eventType is missing or not a string"),
        (b'{"eventType": ""}', "eventType is missing or not a string"),
    ],
)
def test_body_that_is_not_an_event_is_a_payload_error(body: bytes, why: str) -> None:
    with pytest.raises(WebhookPayloadError, match=why):
        parse_event(body)


@pytest.mark.parametrize("field", ["dailyQuota", "quotaRemaining"])
def test_rate_limit_event_without_its_counts_is_a_payload_error(field: str) -> None:
    body = rate_limit_event()
    body["payload"][field] = "many"
    with pytest.raises(
        WebhookPayloadError,
        match=f"^client.rateLimit.reached body does not decode: ClientRateLimitWebhookPayload.{field}: "
        "expected an integer, got a string$",
    ):
        parse_event(json.dumps(body))


def test_parse_event_refuses_a_decoded_dict() -> None:
    with pytest.raises(TypeError, match="raw body"):
        parse_event(connection_event())  # type: ignore[call-overload]
