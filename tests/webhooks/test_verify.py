"""Signature, header and timestamp checks of ``verify``/``unwrap``, against independently signed deliveries."""

from __future__ import annotations

import base64
from collections.abc import Iterator, Mapping

import httpx
import pytest

from codat_connections.webhooks import WebhookVerificationError, unwrap, verify
from tests.webhooks.signing import (
    KEY,
    MESSAGE_ID,
    NOW,
    OTHER_KEY,
    OTHER_SECRET,
    SECRET,
    connection_event,
    encode,
    signature,
    signed_headers,
)

BODY = encode(connection_event())

# The Standard Webhooks specification's published vector (also in Svix's libraries' tests).
VECTOR_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
VECTOR_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
VECTOR_TIMESTAMP = 1614265330
VECTOR_BODY = b'{"test": 2432232314}'
VECTOR_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def refused(body: bytes | str, headers: Mapping[str, str], secret: str | None = SECRET, **kw: float) -> str:
    """The ``reason`` of the refusal (and the refusal must happen)."""
    with pytest.raises(WebhookVerificationError) as info:
        verify(body, headers, secret=secret, **kw)
    return info.value.reason


def test_published_vector_verifies(clock: list[float]) -> None:
    clock[0] = VECTOR_TIMESTAMP
    headers = {
        "webhook-id": VECTOR_ID,
        "webhook-timestamp": str(VECTOR_TIMESTAMP),
        "webhook-signature": VECTOR_SIGNATURE,
    }
    verify(VECTOR_BODY, headers, secret=VECTOR_SECRET)
    verify(VECTOR_BODY, headers, secret=VECTOR_SECRET.removeprefix("whsec_"))  # the prefix is optional
    assert refused(VECTOR_BODY.replace(b"2432", b"2433"), headers, secret=VECTOR_SECRET) == "no_matching_signature"


def test_independent_signature_verifies_bytes_and_str() -> None:
    headers = signed_headers(BODY)
    verify(BODY, headers, secret=SECRET)
    verify(BODY.decode(), headers, secret=SECRET)
    with pytest.raises(TypeError, match="raw body as bytes or str"):
        verify(bytearray(BODY), headers, secret=SECRET)  # type: ignore[arg-type]


def test_non_ascii_body_is_signed_over_its_utf8_bytes() -> None:
    body = encode(connection_event()).replace(b"Acme Ltd", "Café Zoë — Ltd".encode())
    headers = signed_headers(body)
    verify(body, headers, secret=SECRET)
    verify(body.decode("utf-8"), headers, secret=SECRET)
    assert refused(body.decode("utf-8").encode("latin-1", "replace"), headers) == "no_matching_signature"


def test_tampered_body_is_refused() -> None:
    headers = signed_headers(BODY)
    assert refused(BODY.replace(b"Linked", b"Unlinked"), headers) == "no_matching_signature"
    assert refused(BODY + b" ", headers) == "no_matching_signature"
    assert refused(b"", headers) == "no_matching_signature"


def test_non_utf8_body_is_refused_not_crashed() -> None:
    body = b'{"id": "\xff"}'
    with pytest.raises(WebhookVerificationError, match="not valid UTF-8") as info:
        verify(body, signed_headers(body), secret=SECRET)
    assert info.value.reason == "no_matching_signature"
    lone_surrogate = '{"id": "\udc80"}'
    assert refused(lone_surrogate, signed_headers(b'{"id": "?"}')) == "no_matching_signature"


def test_wrong_secret_is_refused() -> None:
    assert refused(BODY, signed_headers(BODY, key=OTHER_KEY)) == "no_matching_signature"
    assert refused(BODY, signed_headers(BODY), secret=OTHER_SECRET) == "no_matching_signature"


def test_changed_id_or_timestamp_is_refused() -> None:
    headers = signed_headers(BODY)
    assert refused(BODY, {**headers, "webhook-id": "msg_other"}) == "no_matching_signature"
    assert refused(BODY, {**headers, "webhook-timestamp": str(NOW - 1)}) == "no_matching_signature"


def test_rotated_secrets_any_one_valid_signature_passes() -> None:
    old = signature(OTHER_KEY, MESSAGE_ID, NOW, BODY)
    new = signature(KEY, MESSAGE_ID, NOW, BODY)
    base = signed_headers(BODY)
    for header in (f"{old} {new}", f"{new} {old}", f"v2,abcd {old}  {new}", f"v1,not!base64 {new}"):
        verify(BODY, {**base, "webhook-signature": header}, secret=SECRET)
    assert refused(BODY, {**base, "webhook-signature": f"{old} {old}"}) == "no_matching_signature"
    # The valid signature under another version label does not pass.
    assert refused(BODY, {**base, "webhook-signature": "v2," + new[3:]}) == "malformed_signature"


@pytest.mark.parametrize("good_first", [True, False])
def test_two_signature_headers_joined_with_a_comma_verify(good_first: bool) -> None:
    """A proxy or framework joins repeated headers with ", " (``httpx.Headers`` does), WSGI servers with ",".

    Each entry's own comma (``v1,<base64>``) is told from a separating one: base64 holds no comma.
    """
    good, stale = signature(KEY, MESSAGE_ID, NOW, BODY), signature(OTHER_KEY, MESSAGE_ID, NOW, BODY)
    first, second = (good, stale) if good_first else (stale, good)
    base = signed_headers(BODY)
    joined = httpx.Headers(
        [
            *((n, v) for n, v in base.items() if n != "webhook-signature"),
            ("webhook-signature", first),
            ("webhook-signature", second),
        ]
    )
    assert joined["webhook-signature"] == f"{first}, {second}"
    verify(BODY, joined, secret=SECRET)
    for header in (f"{first},{second}", f"{first} ,{second}", f"{first},  {second},", f"v2,abcd,{first} {second}"):
        verify(BODY, {**base, "webhook-signature": header}, secret=SECRET)
    assert refused(BODY, {**base, "webhook-signature": f"{stale}, {stale}"}) == "no_matching_signature"


GOOD_BASE64 = signature(KEY, MESSAGE_ID, NOW, BODY).removeprefix("v1,")


@pytest.mark.parametrize(
    "header",
    [
        f"v1,,{GOOD_BASE64}",  # an empty entry, then bare base64
        f"v1 ,{GOOD_BASE64}",  # a space between version and comma
        f",{GOOD_BASE64}",  # no version
        f"xv1,{GOOD_BASE64}",  # another version
        f"v1,{GOOD_BASE64}x",  # trailing junk in the base64
        f"v1,{GOOD_BASE64[:21]},{GOOD_BASE64[21:]}",  # a comma inside the base64
        f"v1,{GOOD_BASE64[:21]} {GOOD_BASE64[21:]}",  # a space inside the base64
    ],
)
def test_a_separator_never_makes_a_broken_entry_pass(header: str) -> None:
    """Separators go between whole ``version,base64`` entries only: none inside one is forgiven."""
    assert refused(BODY, {**signed_headers(BODY), "webhook-signature": header}) == "malformed_signature"


@pytest.mark.parametrize("header", ["webhook-id", "webhook-timestamp", "webhook-signature"])
@pytest.mark.parametrize("value", [None, ""])
def test_each_missing_header_is_named(header: str, value: str | None) -> None:
    headers = signed_headers(BODY)
    if value is None:
        del headers[header]
    else:
        headers[header] = value
    with pytest.raises(WebhookVerificationError, match=f"missing or empty {header} header") as info:
        verify(BODY, headers, secret=SECRET)
    assert (info.value.reason, info.value.header) == ("missing_header", header)


def test_svix_header_family_verifies_and_mixed_case_names_are_found() -> None:
    svix = signed_headers(BODY, family="svix")
    verify(BODY, svix, secret=SECRET)
    verify(BODY, {name.upper(): value for name, value in svix.items()}, secret=SECRET)
    verify(BODY, {name.title(): value for name, value in signed_headers(BODY).items()}, secret=SECRET)
    mixed = signed_headers(BODY)
    mixed["Webhook-Timestamp"] = mixed.pop("webhook-timestamp")  # some names exact, some not
    verify(BODY, mixed, secret=SECRET)
    del svix["svix-timestamp"]
    with pytest.raises(
        WebhookVerificationError, match=r"missing or empty webhook-timestamp header \(or svix-timestamp\)"
    ):
        verify(BODY, svix, secret=SECRET)


def test_webhook_family_wins_when_both_are_present() -> None:
    headers = {**signed_headers(BODY, family="svix", key=OTHER_KEY), **signed_headers(BODY)}
    verify(BODY, headers, secret=SECRET)


class ReadOnlyHeaders(Mapping[str, str]):
    """A framework-style header object: a Mapping that is not a dict."""

    def __init__(self, items: dict[str, str]) -> None:
        self._items = items

    def __getitem__(self, key: str) -> str:
        return self._items[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)


def test_any_mapping_of_headers_is_accepted() -> None:
    headers = {"Content-Type": "application/json", **signed_headers(BODY, family="svix")}
    verify(BODY, httpx.Headers(headers), secret=SECRET)
    verify(BODY, ReadOnlyHeaders({name.upper(): value for name, value in headers.items()}), secret=SECRET)


@pytest.mark.parametrize("tolerance", [0, 1, 300, 3600])
def test_timestamps_at_the_tolerance_pass_and_beyond_it_are_refused(clock: list[float], tolerance: int) -> None:
    for sent, expected in (
        (NOW - tolerance, None),
        (NOW + tolerance, None),
        (NOW - tolerance - 1, "timestamp_too_old"),
        (NOW + tolerance + 1, "timestamp_too_new"),
    ):
        headers = signed_headers(BODY, timestamp=sent)
        if expected is None:
            verify(BODY, headers, secret=SECRET, tolerance=tolerance)
        else:
            assert refused(BODY, headers, tolerance=tolerance) == expected
    clock[0] = NOW + tolerance + 0.5  # a fraction of a second past the window is past it
    assert refused(BODY, signed_headers(BODY), tolerance=tolerance) == "timestamp_too_old"


def test_default_tolerance_is_five_minutes() -> None:
    verify(BODY, signed_headers(BODY, timestamp=NOW - 300), secret=SECRET)
    assert refused(BODY, signed_headers(BODY, timestamp=NOW - 301)) == "timestamp_too_old"
    assert refused(BODY, signed_headers(BODY, timestamp=NOW + 301)) == "timestamp_too_new"


def test_stale_delivery_is_refused_even_with_a_valid_signature() -> None:
    """A captured delivery replayed later fails on its timestamp: the signature covers it, so it cannot be bumped."""
    stale = signed_headers(BODY, timestamp=NOW - 3600)
    with pytest.raises(WebhookVerificationError, match="too old: sent 3600 s ago, tolerance 300 s"):
        verify(BODY, stale, secret=SECRET)
    assert refused(BODY, {**stale, "webhook-timestamp": str(NOW)}) == "no_matching_signature"


@pytest.mark.parametrize(
    "timestamp", ["abc", "1764000000.5", "-1764000000", "1.764e9", "nan", "inf", "٣", "9" * 40, "+1764000000"]
)
def test_malformed_timestamp_is_refused(timestamp: str) -> None:
    headers = signed_headers(BODY, timestamp=timestamp)
    with pytest.raises(WebhookVerificationError, match="bad webhook-timestamp header") as info:
        verify(BODY, headers, secret=SECRET, tolerance=10**12)
    assert info.value.reason == "bad_timestamp"


@pytest.mark.parametrize("header", ["v1", "v1,", "nocomma", "v1,%%%%", "v1,abc", "   ", "v1 ,abcd"])
def test_malformed_signature_header_is_a_typed_error(header: str) -> None:
    headers = {**signed_headers(BODY), "webhook-signature": header}
    expected = "missing_header" if not header.strip() else "malformed_signature"
    assert refused(BODY, headers) == expected


@pytest.mark.parametrize(
    "secret",
    [
        "whsec_",
        "whsec_not base64!",
        "whsec_abc$def",
        "",
        "whsec_QUJD-_",
        "whsec_QUJD\u00a0REVG",
        "whsec_QUJ\u200bDREVG",
    ],
)
def test_malformed_secret_is_refused(secret: str) -> None:
    with pytest.raises(WebhookVerificationError, match="malformed webhook secret") as info:
        verify(BODY, signed_headers(BODY), secret=secret)
    assert info.value.reason == "malformed_secret"


def test_unpadded_secret_is_accepted() -> None:
    key = bytes(range(1, 25)) + b"\x01"  # 25 bytes: base64 ends in padding
    secret = "whsec_" + base64.b64encode(key).decode().rstrip("=")
    verify(BODY, signed_headers(BODY, key=key), secret=secret)


def test_secret_defaults_to_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(WebhookVerificationError, match="CODAT_WEBHOOK_SECRET") as info:
        verify(BODY, signed_headers(BODY))
    assert info.value.reason == "missing_secret"
    monkeypatch.setenv("CODAT_WEBHOOK_SECRET", SECRET)
    verify(BODY, signed_headers(BODY))
    assert unwrap(BODY, signed_headers(BODY)).message_id == MESSAGE_ID
    assert refused(BODY, signed_headers(BODY, key=OTHER_KEY), secret=None) == "no_matching_signature"
    # An explicit secret wins over the environment.
    verify(BODY, signed_headers(BODY, key=OTHER_KEY), secret=OTHER_SECRET)


def test_bad_arguments_are_type_and_value_errors() -> None:
    headers = signed_headers(BODY)
    with pytest.raises(TypeError, match="secret must be a str"):
        verify(BODY, headers, secret=KEY)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="payload must be the raw body"):
        verify({"id": 1}, headers, secret=SECRET)  # type: ignore[arg-type]
    for tolerance in (-1, float("nan"), float("inf")):
        with pytest.raises(ValueError, match="tolerance must be"):
            verify(BODY, headers, secret=SECRET, tolerance=tolerance)
    with pytest.raises(TypeError, match="tolerance must be a number"):
        verify(BODY, headers, secret=SECRET, tolerance="300")  # type: ignore[arg-type]
