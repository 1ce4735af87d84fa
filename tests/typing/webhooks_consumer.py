"""Consumer code for ``codat_connections.webhooks``, checked by mypy --strict in `make test`.

``describe`` is also run by tests/webhooks/test_consumer.py on every kind of event, so the exhaustive
``match`` below is both type-checked and exercised. ``message_id`` is a ``str`` on every event from
``unwrap`` (a delivery without one is refused), and on ``parse_event``'s when one is given: a receiver
keys a table on it with no branch for None; an event decoded without one says so in its type.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, assert_never, assert_type

from codat_connections import Connection, ConnectionStatus
from codat_connections.webhooks import (
    CompanyReference,
    ConnectionEvent,
    ConnectionEventType,
    RateLimitEvent,
    RateLimitEventType,
    UnknownEvent,
    VerificationFailure,
    WebhookEvent,
    WebhookPayloadError,
    WebhookVerificationError,
    parse_event,
    unwrap,
    verify,
)


def describe(event: WebhookEvent[str | None]) -> str:
    """What a receiver does with each event, verified or not; mypy proves every member of the union is handled."""
    match event:
        case ConnectionEvent(event_type=ConnectionEventType.DISCONNECTED) if event.needs_reauthorization:
            assert_type(event.authorization_url, str | None)
            return f"ask {event.company.name} to re-link at {event.authorization_url}"
        case ConnectionEvent(event_type=event_type, connection=connection):
            assert_type(event_type, ConnectionEventType)
            assert_type(connection, Connection)
            return f"{event_type.value}: {connection.platform_name} is {connection.status.value}"
        case RateLimitEvent(daily_quota=quota, quota_remaining=remaining):
            assert_type(quota, int)
            return f"{event.event_type.value}: {remaining}/{quota} left until {event.expiry_date}"
        case UnknownEvent(event_type=name):
            assert_type(name, str)
            return f"ignored {name}"
        case _:
            assert_never(event)


seen_message_ids: set[str] = set()


def receive(body: bytes, headers: Mapping[str, str]) -> int:
    try:
        event = unwrap(body, headers, secret="whsec_c2VjcmV0", tolerance=60)
    except WebhookVerificationError as exc:
        assert_type(exc.reason, VerificationFailure)
        assert_type(exc.header, str | None)
        assert_type(exc.message_id, str | None)
        return 400
    except WebhookPayloadError as exc:
        assert_type(exc.event_type, str | None)
        return 400
    assert_type(event, ConnectionEvent[str] | RateLimitEvent[str] | UnknownEvent[str])
    assert_type(event, WebhookEvent)
    assert_type(event.message_id, str)
    seen_message_ids.add(event.message_id)  # no branch for None: unwrap refuses a delivery without a webhook-id
    assert_type(event.generated_date, datetime | None)
    if isinstance(event, ConnectionEvent):
        assert_type(event.id, str)
        assert_type(event.generated_date, datetime)
        assert_type(event.event_type, ConnectionEventType)
        assert_type(event.company, CompanyReference)
        assert_type(event.company.id, str)
        assert_type(event.company.description, str | None)
        assert_type(event.company.tags, dict[str, str])
        assert_type(event.connection.status, ConnectionStatus)
        assert_type(event.needs_reauthorization, bool)
        assert_type(event.needs_attention, bool)
        assert_type(event.raw, dict[str, Any])
    elif isinstance(event, RateLimitEvent):
        assert_type(event.event_type, RateLimitEventType)
        assert_type(event.quota_remaining, int)
        assert_type(event.expiry_date, datetime | None)
    else:
        assert_type(event, UnknownEvent)
        assert_type(event.id, str | None)
        assert_type(event.raw, dict[str, Any])
    return 204


def receive_asgi(body: bytes, scope_headers: list[tuple[bytes, bytes]]) -> str:
    event = unwrap(body, scope_headers, secret="whsec_c2VjcmV0")
    assert_type(event.message_id, str)
    return event.message_id


def work(event: WebhookEvent) -> str:
    """A worker taking events from a queue of ``WebhookEvent``: the bare name is an event from ``unwrap``."""
    assert_type(event.message_id, str)
    if isinstance(event, ConnectionEvent):
        assert_type(event, ConnectionEvent[str])
        assert_type(event.message_id, str)
    return event.message_id


def replay(stored: str, message_id: str, maybe_id: str | None) -> None:
    assert_type(verify(stored, {"webhook-id": message_id}), None)
    assert_type(parse_event(stored, message_id=message_id), WebhookEvent)
    assert_type(parse_event(stored, message_id=message_id).message_id, str)
    work(parse_event(stored, message_id=message_id))
    assert_type(parse_event(stored.encode()), ConnectionEvent[None] | RateLimitEvent[None] | UnknownEvent[None])
    assert_type(parse_event(stored.encode()).message_id, None)
    either: WebhookEvent[str | None] = parse_event(stored, message_id=maybe_id)
    assert_type(parse_event(stored, message_id=maybe_id).message_id, str | None)
    assert_type(either.message_id, str | None)
    describe(parse_event(stored))  # WebhookEvent[None] is a WebhookEvent[str | None]
    describe(parse_event(stored, message_id=message_id))
    # An event decoded without its delivery id is not one from unwrap (the ignore fails mypy if it type-checks).
    work(parse_event(stored))  # type: ignore[arg-type]
