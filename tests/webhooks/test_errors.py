"""Refusals name the failed check, carry no secret and no signature, and survive pickle and deepcopy."""

from __future__ import annotations

import base64
import copy
import pickle
import traceback
from collections.abc import Callable

import pytest

from codat_connections import CodatError
from codat_connections.webhooks import WebhookPayloadError, WebhookVerificationError, parse_event, unwrap
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

BODY = encode(connection_event())
EXPECTED = signature(KEY, MESSAGE_ID, NOW, BODY)
WRONG = signature(OTHER_KEY, MESSAGE_ID, NOW, BODY)
TYPO_SECRET = SECRET[:-3] + "$$="  # a real secret with a typo in it: still never echoed

# Each scenario: (reason, secret, headers, body, words the message must contain)
SCENARIOS: list[tuple[str, str | None, dict[str, str], bytes, str]] = [
    ("missing_secret", None, signed_headers(BODY), BODY, "no webhook secret"),
    ("malformed_secret", TYPO_SECRET, signed_headers(BODY), BODY, "malformed webhook secret"),
    ("malformed_secret", "whsec_", signed_headers(BODY), BODY, "malformed webhook secret"),
    ("missing_header", SECRET, {"webhook-id": MESSAGE_ID, "webhook-signature": EXPECTED}, BODY, "webhook-timestamp"),
    ("bad_timestamp", SECRET, {**signed_headers(BODY), "webhook-timestamp": EXPECTED}, BODY, "bad webhook-timestamp"),
    ("timestamp_too_old", SECRET, signed_headers(BODY, timestamp=NOW - 900), BODY, "too old"),
    ("timestamp_too_new", SECRET, signed_headers(BODY, timestamp=NOW + 900), BODY, "too new"),
    (
        "malformed_signature",
        SECRET,
        {**signed_headers(BODY), "webhook-signature": "v1" + EXPECTED[3:]},
        BODY,
        "malformed",
    ),
    (
        "no_matching_signature",
        SECRET,
        {**signed_headers(BODY), "webhook-signature": f"{WRONG} {WRONG}"},
        BODY,
        "no matching",
    ),
    ("no_matching_signature", SECRET, signed_headers(BODY), BODY + b"\n", "no matching"),
    ("no_matching_signature", SECRET, signed_headers(b"\xff"), b"\xff", "not valid UTF-8"),
]
FORBIDDEN = [
    SECRET,
    SECRET.removeprefix("whsec_"),
    TYPO_SECRET.removeprefix("whsec_")[:20],
    base64.b64encode(KEY).decode()[:16],
    KEY.hex(),
    EXPECTED,
    EXPECTED[3:],
    WRONG[3:],
    EXPECTED[3:23],  # no prefix of a signature either
]


def raised(secret: str | None, headers: dict[str, str], body: bytes) -> WebhookVerificationError:
    with pytest.raises(WebhookVerificationError) as info:
        unwrap(body, headers, secret=secret)
    return info.value


def leaks(text: str | bytes) -> list[str]:
    haystack = text if isinstance(text, str) else text.decode("latin-1")
    return [secret for secret in FORBIDDEN if secret in haystack]


@pytest.mark.parametrize(("reason", "secret", "headers", "body", "words"), SCENARIOS)
def test_refusal_says_which_check_failed_and_leaks_nothing(
    reason: str, secret: str | None, headers: dict[str, str], body: bytes, words: str
) -> None:
    error = raised(secret, headers, body)
    assert isinstance(error, CodatError)
    assert error.reason == reason
    assert words in str(error)
    traceback_text = "".join(traceback.format_exception(error))  # as a log handler renders it, chain included
    library_frames = [
        frame
        for frame in traceback.TracebackException.from_exception(error, capture_locals=True).stack
        if "codat_connections" in frame.filename
    ]
    assert library_frames
    with_locals = "\n".join(value for frame in library_frames for value in (frame.locals or {}).values())
    assert repr(base64.b64decode(EXPECTED[3:]))[2:22] not in with_locals, "the signature an attacker needs"
    for rendering in (
        str(error),
        repr(error),
        repr(error.args),
        repr(vars(error)),
        pickle.dumps(error),
        traceback_text,
    ):
        assert leaks(rendering) == []


def test_message_id_is_on_the_error_once_read() -> None:
    assert raised(SECRET, signed_headers(BODY, timestamp=NOW - 900), BODY).message_id == MESSAGE_ID
    assert raised(SECRET, {}, BODY).message_id is None


def _pickled(error: Exception) -> Exception:
    loaded: Exception = pickle.loads(pickle.dumps(error))  # noqa: S301 (our own bytes, just written)
    return loaded


def roundtrips(error: Exception) -> list[Exception]:
    copies: list[Callable[[Exception], Exception]] = [_pickled, copy.deepcopy, copy.copy]
    return [make(error) for make in copies]


def test_verification_error_survives_pickle_and_deepcopy() -> None:
    error = raised(SECRET, {"webhook-id": MESSAGE_ID}, BODY)
    for clone in roundtrips(error):
        assert type(clone) is WebhookVerificationError
        assert str(clone) == str(error) == "missing or empty webhook-timestamp header (or svix-timestamp)"
        assert clone.args == error.args
        assert (
            vars(clone)
            == vars(error)
            == {"reason": "missing_header", "header": "webhook-timestamp", "message_id": MESSAGE_ID}
        )


def test_payload_error_survives_pickle_and_deepcopy() -> None:
    body = connection_event()
    del body["payload"]["connection"]
    with pytest.raises(WebhookPayloadError) as info:
        parse_event(encode(body), message_id="msg_1")
    error = info.value
    assert isinstance(error, CodatError)
    assert str(error) == "connection.connected body does not decode: payload.connection is missing or not a JSON object"
    for clone in roundtrips(error):
        assert type(clone) is WebhookPayloadError
        assert str(clone) == str(error)
        assert (
            vars(clone)
            == vars(error)
            == {
                "reason": "payload.connection is missing or not a JSON object",
                "event_type": "connection.connected",
                "message_id": "msg_1",
            }
        )
