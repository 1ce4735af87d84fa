"""Property tests: no change to a signed body, however small, gets through; every genuine one does."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codat_connections.webhooks import WebhookVerificationError, unwrap, verify
from tests.profiles import examples
from tests.webhooks.signing import SECRET, connection_event, encode, signed_headers

BODY = encode(connection_event("connection.disconnected", "Deauthorized"))
HEADERS = signed_headers(BODY)
SETTINGS = settings(
    max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@SETTINGS
@given(position=st.integers(min_value=0, max_value=len(BODY) - 1), delta=st.integers(min_value=1, max_value=255))
def test_any_single_byte_change_fails_verification(position: int, delta: int) -> None:
    tampered = bytearray(BODY)
    tampered[position] = (tampered[position] + delta) % 256
    try:
        verify(bytes(tampered), HEADERS, secret=SECRET)
    except WebhookVerificationError as exc:
        assert exc.reason == "no_matching_signature"
    else:
        raise AssertionError(f"byte {position} changed by {delta} was accepted")


@SETTINGS
@given(position=st.integers(min_value=0, max_value=len(BODY)), extra=st.binary(min_size=1, max_size=4))
def test_inserted_bytes_fail_verification(position: int, extra: bytes) -> None:
    tampered = BODY[:position] + extra + BODY[position:]
    try:
        verify(tampered, HEADERS, secret=SECRET)
    except WebhookVerificationError as exc:
        assert exc.reason == "no_matching_signature"
    else:
        raise AssertionError("a body with inserted bytes was accepted")


@SETTINGS
@given(
    name=st.text(min_size=1, max_size=40),
    tags=st.dictionaries(st.text(max_size=10), st.text(max_size=20), max_size=5),
    message_id=st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=126), min_size=1, max_size=40),
)
def test_any_genuine_delivery_verifies_and_round_trips(name: str, tags: dict[str, str], message_id: str) -> None:
    body = connection_event()
    body["payload"]["referenceCompany"].update(name=name, tags=tags)
    raw = json.dumps(body, ensure_ascii=False).encode()  # non-ASCII names as raw UTF-8
    event = unwrap(raw, signed_headers(raw, message_id=message_id), secret=SECRET)
    assert event.message_id == message_id
    assert event.raw == body
