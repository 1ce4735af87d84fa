"""Receiving Codat's webhooks: prove each delivery came from Codat, then read it as a typed event.

    from codat_connections.webhooks import ConnectionEvent, WebhookVerificationError, unwrap

    event = unwrap(raw_body, request_headers)  # secret from CODAT_WEBHOOK_SECRET
    if isinstance(event, ConnectionEvent) and event.needs_reauthorization:
        email_customer(event.company.id, event.authorization_url)

Codat delivers through Svix at least once, retries for about a day and promises no order:
deduplicate on ``event.message_id`` and answer 2xx before doing slow work, or let ``asgi_app``/``wsgi_app``
do it all: verify, record into a ``codat_connections.ledger.Ledger``, answer. This module (and
``standardwebhooks``) loads only when imported; ``import codat_connections`` does not pull it in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from codat_connections.webhooks._errors import VerificationFailure, WebhookPayloadError, WebhookVerificationError
from codat_connections.webhooks._events import (
    CompanyReference,
    ConnectionEvent,
    ConnectionEventType,
    RateLimitEvent,
    RateLimitEventType,
    UnknownEvent,
    WebhookEvent,
    parse_event,
)
from codat_connections.webhooks._receiver import DEFAULT_MAX_BODY, ASGIApp, WSGIApp, asgi_app, wsgi_app
from codat_connections.webhooks._verify import DEFAULT_TOLERANCE_SECONDS, verified_text

__all__ = [
    "DEFAULT_MAX_BODY",
    "DEFAULT_TOLERANCE_SECONDS",
    "ASGIApp",
    "CompanyReference",
    "ConnectionEvent",
    "ConnectionEventType",
    "RateLimitEvent",
    "RateLimitEventType",
    "UnknownEvent",
    "VerificationFailure",
    "WSGIApp",
    "WebhookEvent",
    "WebhookPayloadError",
    "WebhookVerificationError",
    "asgi_app",
    "parse_event",
    "unwrap",
    "verify",
    "wsgi_app",
]


def unwrap(
    payload: bytes | str,
    headers: Mapping[str, str] | Iterable[tuple[str, str]] | Iterable[tuple[bytes, bytes]],
    *,
    secret: str | None = None,
    tolerance: float = DEFAULT_TOLERANCE_SECONDS,
) -> WebhookEvent:
    """Verify a delivery, then decode it: the event, with ``message_id`` set from the ``webhook-id`` header.

    ``payload`` is the raw request body exactly as received (bytes, or the same text). ``headers`` are
    the request's headers as the framework hands them over: a mapping or header object
    (``request.headers``), or ``(name, value)`` pairs of ``str`` or ``bytes`` (ASGI's ``scope["headers"]``
    as it is); names in any case, ``webhook-*`` or ``svix-*``. Every copy of a repeated header counts (the
    values joined with ", ", as HTTP joins them) as far as the form holds them: pairs hold every copy, a
    mapping what its framework kept. Anything else is a ``TypeError`` that says what to pass.
    ``secret`` is the endpoint's ``whsec_...`` signing secret (default: the ``CODAT_WEBHOOK_SECRET``
    environment variable); ``tolerance`` the seconds the delivery's timestamp may be from now, either way.

    Raises ``WebhookVerificationError`` (answer 400) or ``WebhookPayloadError`` (authentic but unreadable).
    """
    message_id, text = verified_text(payload, headers, secret, tolerance)
    return parse_event(text, message_id=message_id)


def verify(
    payload: bytes | str,
    headers: Mapping[str, str] | Iterable[tuple[str, str]] | Iterable[tuple[bytes, bytes]],
    *,
    secret: str | None = None,
    tolerance: float = DEFAULT_TOLERANCE_SECONDS,
) -> None:
    """Raise ``WebhookVerificationError`` unless the delivery is signed by ``secret`` and recent; see ``unwrap``."""
    verified_text(payload, headers, secret, tolerance)
