"""Runs the type-checked consumer in tests/typing/webhooks_consumer.py on each kind of event."""

from __future__ import annotations

from codat_connections.webhooks import parse_event
from tests.typing.webhooks_consumer import describe, receive
from tests.webhooks.signing import LINK_URL, connection_event, encode, rate_limit_event, signed_headers


def test_the_exhaustive_match_routes_every_kind_of_event() -> None:
    deauthorized = encode(connection_event("connection.disconnected", "Deauthorized"))
    assert describe(parse_event(deauthorized)) == f"ask Acme Ltd to re-link at {LINK_URL}"
    unlinked = encode(connection_event("connection.disconnected", "Unlinked"))
    assert describe(parse_event(unlinked)) == "connection.disconnected: Xero is Unlinked"
    assert describe(parse_event(encode(connection_event()))) == "connection.connected: Xero is Linked"
    assert describe(parse_event(encode(rate_limit_event(remaining=0)))) == (
        "client.rateLimit.reached: 0/12000 left until 2025-11-25 00:00:00+00:00"
    )
    assert describe(parse_event(b'{"eventType": "read.completed"}')) == "ignored read.completed"


def test_receiver_answers_400_to_forgeries_and_204_to_genuine_deliveries() -> None:
    body = encode(connection_event())
    key = b"secret"  # the consumer's secret is whsec_c2VjcmV0, base64 of b"secret"
    assert receive(body, signed_headers(body, key=key)) == 204
    assert receive(body, signed_headers(body)) == 400
    assert receive(b"not json", signed_headers(b"not json", key=key)) == 400
