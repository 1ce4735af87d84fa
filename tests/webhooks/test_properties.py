"""Property tests: no change to a signed body, however small, gets through; every genuine one does."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codat_connections.webhooks import WebhookVerificationError, unwrap, verify
from tests.profiles import examples
from tests.webhooks.signing import (
    KEY,
    MESSAGE_ID,
    NOW,
    OTHER_KEY,
    SECRET,
    connection_event,
    encode,
    signature,
    signed_headers,
)

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


ENTRIES = st.sampled_from(
    [
        signature(OTHER_KEY, MESSAGE_ID, NOW, BODY),  # a retired secret's
        "v1a,ZmFrZSBlZDI1NTE5IHNpZ25hdHVyZQ==",  # another scheme's
        "v2," + signature(KEY, MESSAGE_ID, NOW, BODY).removeprefix("v1,"),  # the right bytes, another version
        "v1,not-base64",
    ]
)
SEPARATORS = st.text(alphabet=" ,\t", min_size=1, max_size=3)


@SETTINGS
@given(others=st.lists(ENTRIES, max_size=4), position=st.integers(min_value=0), data=st.data())
def test_the_good_entry_verifies_wherever_it_is_and_however_entries_are_joined(
    others: list[str], position: int, data: st.DataObject
) -> None:
    good = signature(KEY, MESSAGE_ID, NOW, BODY)
    entries = [*others]
    entries.insert(position % (len(others) + 1), good)
    header = entries[0]
    for entry in entries[1:]:
        header += data.draw(SEPARATORS) + entry
    verify(BODY, {**HEADERS, "webhook-signature": header}, secret=SECRET)
    without = header.replace(good, data.draw(ENTRIES))
    try:
        verify(BODY, {**HEADERS, "webhook-signature": without}, secret=SECRET)
    except WebhookVerificationError as exc:
        assert exc.reason in ("no_matching_signature", "malformed_signature")
    else:
        raise AssertionError(f"accepted without the good entry: {without!r}")
