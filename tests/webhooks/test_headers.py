"""Every form a framework hands headers over in verifies: mappings, header objects, and (name, value) pairs.

WSGI servers and header objects such as ``email.message.Message`` (``http.server``) or werkzeug's
(Flask) are not mappings; ASGI hands ``scope["headers"]`` over as ``(bytes, bytes)`` pairs. A repeated
header is read as HTTP combines one, joined with ", ", so every signature entry of each copy counts.
"""

from __future__ import annotations

import email.message
import re
from collections.abc import Iterator

import pytest
from werkzeug.datastructures import Headers as WerkzeugHeaders

from codat_connections.webhooks import unwrap, verify
from tests.webhooks.signing import KEY, MESSAGE_ID, NOW, OTHER_KEY, SECRET, connection_event, encode, signature

BODY = encode(connection_event())
GOOD = signature(KEY, MESSAGE_ID, NOW, BODY)
STALE = signature(OTHER_KEY, MESSAGE_ID, NOW, BODY)  # signed with a retired secret, as during a rotation


def pairs(*signatures: str, family: str = "webhook") -> list[tuple[str, str]]:
    """A delivery's headers as (name, value) pairs, the signature header repeated once per signature."""
    return [
        ("Content-Type", "application/json"),
        (f"{family}-id", MESSAGE_ID),
        (f"{family}-timestamp", str(NOW)),
        *((f"{family}-signature", entry) for entry in signatures),
    ]


def asgi(items: list[tuple[str, str]]) -> list[tuple[bytes, bytes]]:
    """The pairs as ASGI's ``scope["headers"]`` holds them: lowercase names, both as bytes."""
    return [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in items]


def test_str_pairs_verify() -> None:
    verify(BODY, pairs(GOOD), secret=SECRET)
    verify(BODY, [(name.upper(), value) for name, value in pairs(GOOD, family="svix")], secret=SECRET)
    verify(BODY, tuple(pairs(GOOD)), secret=SECRET)
    # ASGI allows [name, value] lists as well: typed as tuples, accepted as any two-item sequence.
    verify(BODY, [list(pair) for pair in pairs(GOOD)], secret=SECRET)  # type: ignore[arg-type]


def test_asgi_scope_headers_unwrap_as_they_are() -> None:
    event = unwrap(BODY, asgi(pairs(GOOD)), secret=SECRET)
    assert event.message_id == MESSAGE_ID
    assert event.raw == connection_event()


def test_a_one_shot_iterator_of_pairs_verifies() -> None:
    def generated() -> Iterator[tuple[bytes, bytes]]:
        yield from asgi(pairs(GOOD))

    verify(BODY, generated(), secret=SECRET)


@pytest.mark.parametrize("order", [(GOOD, STALE), (STALE, GOOD)])
def test_every_copy_of_a_repeated_signature_header_counts(order: tuple[str, str]) -> None:
    verify(BODY, pairs(*order), secret=SECRET)
    verify(BODY, asgi(pairs(*order)), secret=SECRET)


@pytest.mark.parametrize("order", [(GOOD, STALE), (STALE, GOOD)])
def test_header_objects_that_are_not_mappings_verify_with_every_copy(order: tuple[str, str]) -> None:
    """``http.server`` hands over an ``email.message.Message``, Flask a werkzeug ``Headers``: neither is a Mapping."""
    message = email.message.Message()
    for name, value in pairs(*order):
        message[name] = value
    verify(BODY, message, secret=SECRET)  # type: ignore[arg-type]
    verify(BODY, WerkzeugHeaders(pairs(*order)), secret=SECRET)


WHAT_TO_PASS = (
    "headers must be a mapping of header names to values, or (name, value) pairs of str or bytes "
    "such as ASGI's scope['headers']; got "
)


@pytest.mark.parametrize(
    ("headers", "got"),
    [
        (None, "NoneType"),
        (42, "int"),
        ("webhook-id: msg_1", "str"),
        (b"webhook-id: msg_1", "bytes"),
        (["webhook-id", "webhook-timestamp"], "an item of type str"),
        ([("webhook-id", MESSAGE_ID, "extra")], "an item of type tuple with 3 items"),
        ([("webhook-id", 1)], "a header value of type int"),
        ([(None, MESSAGE_ID)], "a header name of type NoneType"),
        ({"webhook-id": MESSAGE_ID, "webhook-timestamp": NOW, "webhook-signature": GOOD}, "a header value of type int"),
    ],
)
def test_anything_else_is_a_type_error_that_says_what_to_pass(headers: object, got: str) -> None:
    with pytest.raises(TypeError, match=f"^{re.escape(WHAT_TO_PASS + got)}$"):
        verify(BODY, headers, secret=SECRET)  # type: ignore[arg-type]
