"""Proving a delivery came from Codat: Standard Webhooks signatures, as Svix sends them for Codat.

The HMAC itself is the ``standardwebhooks`` reference implementation's (``Webhook.sign``). Its
``Webhook.verify`` is not called because of what it lacks, which this module supplies:

- Svix's ``svix-id`` / ``svix-timestamp`` / ``svix-signature`` header names (it reads ``webhook-*`` only);
- a configurable tolerance (it reads the clock itself and fixes the window at 5 minutes);
- strict inputs: a timestamp must be whole Unix seconds (it accepts any float, then signs it floored,
  i.e. not what the sender signed); a secret must be base64 (it silently drops non-base64 characters);
- typed errors: its bare ``ValueError`` on a signature entry without a comma, its ``binascii.Error`` on bad
  base64 and its ``UnicodeDecodeError`` on a non-UTF-8 body all become ``WebhookVerificationError``.

Signatures are compared in constant time (``hmac.compare_digest``); any one valid ``v1`` entry of the
header passes, which is how a sender signs during a secret rotation. Entries are separated by spaces
(the scheme) or commas: a proxy or framework that receives the header twice joins the two with ``", "``
(``httpx.Headers`` does) or ``","`` (WSGI servers do). An entry is ``version,base64`` with nothing
between: base64 holds no comma, so the comma after a whole entry can only separate it from the next.
"""

from __future__ import annotations

import binascii
import functools
import hmac
import math
import os
import re
import time
from datetime import UTC, datetime
from typing import NamedTuple

from standardwebhooks import Webhook

from codat_connections._constants import WEBHOOK_SECRET_ENV
from codat_connections.webhooks._errors import WebhookVerificationError
from codat_connections.webhooks._headers import HEADER_NAMES, HeaderSource, header_values

__all__ = ["DEFAULT_TOLERANCE_SECONDS", "signing_key", "verified_text"]

DEFAULT_TOLERANCE_SECONDS = 300
"""How far a delivery's timestamp may be from this machine's clock, either way (Standard Webhooks' 5 minutes)."""

_SECRET_PREFIX = "whsec_"  # noqa: S105 (the prefix of every secret, not a secret)
_MAX_TIMESTAMP_DIGITS = 12  # beyond year 9999: not a time any sender means
_JOINED_ENTRIES = re.compile(r"([^\s,]+),([^\s,]+)")
"""A ``version,base64`` entry among entries joined with commas, each part running to the next comma or space.

Matches are tried leftmost first and a part cannot hold a separator, so each starts at the start of the
text or right after a separator: never inside a broken entry.
"""


def verified_text(payload: bytes | str, headers: HeaderSource, secret: str | None, tolerance: float) -> tuple[str, str]:
    """The delivery's message id and its body as text, once its signature and timestamp are proven good.

    Checks run in the order of the Standard Webhooks scheme: secret, headers, timestamp, signature.
    """
    signer = _signer(secret)
    _check_tolerance(tolerance)
    message_id, timestamp_text, signature_header = _find_headers(headers)
    sent_at = _checked_timestamp(timestamp_text, tolerance, message_id)
    text = _body_text(payload, message_id)
    compared = _compare_signatures(signer, message_id, sent_at, text, signature_header)
    if compared.matched:
        return message_id, text
    if not compared.body_is_text:  # a str body holding lone surrogates: not the UTF-8 text Codat signed
        raise _no_match(message_id, "the body is not valid UTF-8 text")
    if not compared.well_formed:
        raise WebhookVerificationError(
            "malformed webhook-signature header: no well-formed 'v1,<base64>' entry",
            reason="malformed_signature",
            message_id=message_id,
        )
    raise _no_match(
        message_id,
        f"none of the {compared.well_formed} v1 signature(s) matches (a different secret, or a changed body or header)",
    )


def _signer(secret: str | None) -> Webhook:
    """The signer for ``secret``, or for ``CODAT_WEBHOOK_SECRET`` (read on every call: a new value applies at once)."""
    if secret is None:
        secret = os.environ.get(WEBHOOK_SECRET_ENV) or None
    return _signer_for(secret)


@functools.lru_cache(maxsize=8)
def _signer_for(secret: str | None) -> Webhook:
    """The reference signer for a secret, decoded once: a receiver checks every delivery with the same one."""
    return Webhook(signing_key(secret))


def signing_key(secret: str | None) -> bytes:
    """The key bytes of a ``whsec_<base64>`` secret (the prefix is optional, as the reference allows)."""
    if secret is None:
        raise WebhookVerificationError(
            f"no webhook secret: pass secret= or set {WEBHOOK_SECRET_ENV}", reason="missing_secret"
        )
    if not isinstance(secret, str):
        raise TypeError(f"secret must be a str ('whsec_...'), got {type(secret).__name__}")
    encoded = secret.strip().removeprefix(_SECRET_PREFIX)
    try:
        key = binascii.a2b_base64(encoded + "=" * (-len(encoded) % 4), strict_mode=True)
    except (binascii.Error, ValueError):  # ValueError: a non-ASCII character pasted into it
        key = b""
    if not key:
        raise WebhookVerificationError(
            "malformed webhook secret: expected 'whsec_' followed by base64, as the Codat portal shows it",
            reason="malformed_secret",
        )
    return key


def _check_tolerance(tolerance: float) -> None:
    if isinstance(tolerance, bool) or not isinstance(tolerance, int | float):
        raise TypeError(f"tolerance must be a number of seconds, got {type(tolerance).__name__}")
    if not tolerance >= 0 or math.isinf(tolerance):  # also refuses NaN
        raise ValueError(f"tolerance must be a finite number of seconds >= 0, got {tolerance!r}")


def _find_headers(headers: HeaderSource) -> tuple[str, str, str]:
    """The id, timestamp and signature header values, each refused when missing or empty."""
    found = header_values(headers)
    message_id = _present(found[0], 0, None)
    return message_id, _present(found[1], 1, message_id), _present(found[2], 2, message_id)


def _present(value: str | None, index: int, message_id: str | None) -> str:
    if value and not value.isspace():
        return value
    primary, alternative = HEADER_NAMES[index]
    raise WebhookVerificationError(
        f"missing or empty {primary} header (or {alternative})",
        reason="missing_header",
        header=primary,
        message_id=message_id,
    )


def _checked_timestamp(text: str, tolerance: float, message_id: str) -> datetime:
    """The send time, refused unless it is whole Unix seconds within ``tolerance`` of now, either way."""
    text = text.strip()
    if not (text.isascii() and text.isdigit() and len(text) <= _MAX_TIMESTAMP_DIGITS):
        raise WebhookVerificationError(
            "bad webhook-timestamp header: expected whole Unix seconds",
            reason="bad_timestamp",
            message_id=message_id,
        )
    sent = int(text)
    age = time.time() - sent
    if age > tolerance:
        raise WebhookVerificationError(
            f"webhook timestamp too old: sent {age:.0f} s ago, tolerance {tolerance:g} s "
            "(a replayed delivery, or this machine's clock is wrong)",
            reason="timestamp_too_old",
            message_id=message_id,
        )
    if -age > tolerance:
        raise WebhookVerificationError(
            f"webhook timestamp too new: {-age:.0f} s in the future, tolerance {tolerance:g} s "
            "(this machine's clock, or the sender's, is wrong)",
            reason="timestamp_too_new",
            message_id=message_id,
        )
    return datetime.fromtimestamp(sent, UTC)


def _body_text(payload: bytes | str, message_id: str) -> str:
    if isinstance(payload, str):
        return payload
    if not isinstance(payload, bytes):
        raise TypeError(f"payload must be the raw body as bytes or str, got {type(payload).__name__}")
    try:
        return payload.decode("utf-8")
    except UnicodeDecodeError:
        raise _no_match(message_id, "the body is not valid UTF-8") from None


class _Comparison(NamedTuple):
    """What comparing the header's signatures with the expected one found."""

    matched: bool
    """Some ``v1,<base64>`` entry is the expected signature."""
    well_formed: int = 0
    """How many ``v1`` entries decoded as base64 (when none matched: 0 means a malformed header)."""
    body_is_text: bool = True
    """False when the body cannot be the UTF-8 text that was signed (a ``str`` with lone surrogates)."""


def _compare_signatures(signer: Webhook, message_id: str, sent_at: datetime, text: str, header: str) -> _Comparison:
    """Whether any ``v1,<base64>`` entry of ``header`` matches; entries of other versions are skipped.

    It raises nothing, so the expected signature never sits in a frame of a traceback (error trackers
    record frames' locals).
    """
    try:
        expected = binascii.a2b_base64(signer.sign(message_id, sent_at, text).partition(",")[2])
    except UnicodeEncodeError:
        return _Comparison(matched=False, body_is_text=False)
    well_formed = 0
    for encoded in _v1_entries(header):
        try:
            received = binascii.a2b_base64(encoded, strict_mode=True)
        except (binascii.Error, ValueError):
            continue
        well_formed += 1
        if hmac.compare_digest(expected, received):
            return _Comparison(matched=True, well_formed=well_formed)
    return _Comparison(matched=False, well_formed=well_formed)


def _v1_entries(header: str) -> list[str]:
    """The base64 part of each ``v1`` entry of the header, in order (none may be valid base64)."""
    found = []
    for chunk in header.split():
        if chunk.count(",") == 1:  # one entry, the scheme's own form (and the fast path)
            version, _, encoded = chunk.partition(",")
            if version == "v1" and encoded:
                found.append(encoded)
        else:  # entries a proxy or framework joined with commas; or no entry at all
            found.extend(encoded for version, encoded in _JOINED_ENTRIES.findall(chunk) if version == "v1")
    return found


def _no_match(message_id: str, detail: str) -> WebhookVerificationError:
    return WebhookVerificationError(
        f"no matching webhook signature: {detail}", reason="no_matching_signature", message_id=message_id
    )
