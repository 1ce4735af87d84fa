"""Webhook values: endpoints, messages as Codat sends them, signing, and the record of each attempt.

Bodies follow Codat's ``ConnectionWebhook`` (``id``, ``eventType``, ``generatedDate`` to the millisecond as
Codat stamps it, ``payload.referenceCompany``, ``payload.connection``) and ``ClientRateLimitWebhook`` (``payload``
with ``dailyQuota``, ``quotaRemaining``, ``expiryDate``). Messages are signed the Standard Webhooks
way (Codat delivers through Svix) with the ``standardwebhooks`` reference package, each attempt
with its own timestamp and the message's one ``webhook-id``; the Svix header names carry the same
values. Delivery itself (queues, retries, threads) is ``delivery.py``.
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from standardwebhooks import Webhook

from codat_connections._config import is_loopback

__all__ = [
    "COMPANY_EVENT_TYPES",
    "CONNECTION_EVENT_TYPES",
    "RATE_LIMIT_EVENT_TYPES",
    "WEBHOOK_EVENT_TYPES",
    "WebhookCallable",
    "WebhookDelivery",
    "WebhookEndpoint",
    "WebhookMessage",
    "milliseconds",
    "new_endpoint",
    "new_message",
    "signed_headers",
]

CONNECTION_EVENT_TYPES = frozenset(
    {
        "connection.created",
        "connection.connected",
        "connection.failed",
        "connection.disconnected",
        "connection.reconnected",
        "connection.deleted",
    }
)
RATE_LIMIT_EVENT_TYPES = frozenset({"client.rateLimit.reached", "client.rateLimit.reset"})
COMPANY_EVENT_TYPES = frozenset({"company.created", "company.deleted"})
WEBHOOK_EVENT_TYPES = CONNECTION_EVENT_TYPES | RATE_LIMIT_EVENT_TYPES | COMPANY_EVENT_TYPES
"""Every event type the fake sends."""

WebhookCallable = Callable[[bytes, dict[str, str]], int]
"""An in-process receiver: ``(raw body, headers) -> HTTP status``."""

_SECRET_PREFIX = "whsec_"  # noqa: S105 (the format's prefix, not a secret)


@dataclass(frozen=True, eq=False)
class WebhookEndpoint:
    """Where the fake delivers webhooks: a loopback URL or a callable, with its signing secret.

    ``secret`` (``whsec_<base64>``) is what the receiver verifies with; it is never shown by ``repr``
    and an endpoint cannot be pickled. ``event_types`` is None for every type.
    """

    id: str
    target: str | WebhookCallable
    secret: str = field(repr=False)
    event_types: frozenset[str] | None = None

    def wants(self, event_type: str) -> bool:
        """True when this endpoint subscribes to ``event_type``."""
        return self.event_types is None or event_type in self.event_types

    def __reduce__(self) -> Any:
        raise TypeError("a WebhookEndpoint holds its signing secret and is not picklable")

    def __copy__(self) -> WebhookEndpoint:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> WebhookEndpoint:
        return self


@dataclass(frozen=True)
class WebhookMessage:
    """One event to deliver: the ``webhook-id`` every attempt repeats, its type and its exact body."""

    id: str
    event_type: str
    body: bytes


@dataclass(frozen=True)
class WebhookDelivery:
    """One delivery attempt as the fake made it.

    ``status`` is the receiver's HTTP status, or None when it raised, refused the connection or gave
    no answer within the timeout (``error`` then says which). A duplicate delivery is a further
    attempt of the same message.
    """

    endpoint: WebhookEndpoint
    message_id: str
    event_type: str
    attempt: int
    status: int | None
    error: str | None = None

    @property
    def succeeded(self) -> bool:
        """The receiver answered 2xx."""
        return self.status is not None and 200 <= self.status < 300


def new_endpoint(
    target: str | WebhookCallable, secret: str | None, event_types: Iterable[str] | None, *, remote: bool = False
) -> WebhookEndpoint:
    """Check the arguments of ``add_webhook_endpoint`` and build the endpoint; a URL beyond loopback only when
    ``remote`` (the fake was made with ``allow_remote_webhooks=True``)."""
    if isinstance(target, str):
        _check_target_url(target, remote)
    elif not callable(target):
        raise TypeError(f"target must be a loopback URL or a callable, got {type(target).__name__}")
    if secret is None:
        secret = _SECRET_PREFIX + base64.b64encode(secrets.token_bytes(24)).decode()
    else:
        _check_secret(secret)
    types: frozenset[str] | None = None
    if event_types is not None:
        if isinstance(event_types, str):
            raise TypeError("event_types must be a collection of event type names, not one string")
        types = frozenset(event_types)
        unknown = sorted(types - WEBHOOK_EVENT_TYPES)
        if unknown:
            raise ValueError(f"unknown event types {unknown}; the fake sends {sorted(WEBHOOK_EVENT_TYPES)}")
    return WebhookEndpoint("ep_" + uuid.uuid4().hex, target, secret, types)


def milliseconds(moment: datetime) -> str:
    """``moment`` as Codat stamps ``generatedDate``: UTC to the millisecond, rounded up, so an event is never dated
    before the change it reports (whose stamps keep microseconds); several events may share one."""
    rounded = moment + timedelta(microseconds=-moment.microsecond % 1000)
    return rounded.strftime("%Y-%m-%dT%H:%M:%S.") + f"{rounded.microsecond // 1000:03d}Z"


def new_message(event_type: str, generated: datetime, payload: dict[str, Any]) -> WebhookMessage:
    """A message whose body is Codat's webhook envelope around ``payload``."""
    body = {
        "id": str(uuid.uuid4()),
        "eventType": event_type,
        "generatedDate": milliseconds(generated),
        "payload": payload,
    }
    return WebhookMessage("msg_" + uuid.uuid4().hex, event_type, json.dumps(body).encode())


def signed_headers(signer: Webhook, message: WebhookMessage) -> dict[str, str]:
    """The headers of one attempt, signed at the current time (receivers check it against theirs)."""
    moment = datetime.fromtimestamp(int(time.time()), UTC)
    signature = signer.sign(message.id, moment, message.body.decode())
    timestamp = str(int(moment.timestamp()))
    return {
        "content-type": "application/json",
        "webhook-id": message.id,
        "webhook-timestamp": timestamp,
        "webhook-signature": signature,
        "svix-id": message.id,
        "svix-timestamp": timestamp,
        "svix-signature": signature,
    }


def _check_target_url(url: str, remote: bool) -> None:
    """An http(s) URL; on loopback unless ``remote``: a fake that posts anywhere a request names is a way into
    every network its machine can reach, so that takes a flag."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme not in ("http", "https") or not host or any(c.isspace() or ord(c) < 0x20 for c in url):
        raise ValueError(f"a webhook target URL must be http(s)://host:port/path, got {url!r}")
    if not (remote or is_loopback(host)):
        raise ValueError(
            f"the fake delivers only to loopback addresses (127.0.0.1, ::1, localhost), not {host!r}; "
            "FakeCodat(allow_remote_webhooks=True) or codat-fake --allow-remote-webhooks allows other hosts"
        )


def _check_secret(secret: str) -> None:
    """A ``whsec_`` secret with non-empty base64 after the prefix; the message never repeats it."""
    if not isinstance(secret, str) or not secret.startswith(_SECRET_PREFIX):
        raise ValueError(
            "a webhook secret must be a string starting with 'whsec_', then base64 (leave it out and the fake makes "
            "one; or make one: whsec_ followed by the base64 of 24 random bytes, e.g. "
            '"whsec_$(openssl rand -base64 24)")'
        )
    try:
        decoded = base64.b64decode(secret[len(_SECRET_PREFIX) :], validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("a webhook secret must be 'whsec_' followed by base64") from None
    if not decoded:
        raise ValueError("a webhook secret must not be empty after 'whsec_'")
