"""Codat's webhook bodies as typed events: connection changes, rate-limit notices, and everything else.

``WebhookEvent`` is a closed union, so ``match`` over it is checked for exhaustiveness by mypy, yet it
never breaks on Codat's news: an event type this library does not know becomes an ``UnknownEvent``
carrying its JSON, and a new ``connection.*`` type that still carries a connection becomes a
``ConnectionEvent`` whose ``event_type`` equals the new raw string.

Each event class is generic in the type of its ``message_id``: ``str`` on an event from ``unwrap``
(which refuses a delivery without a ``webhook-id``) and the default, so a bare ``WebhookEvent`` or
``ConnectionEvent`` is one from ``unwrap``; ``None`` on one that ``parse_event`` decoded without one.
The parameter is covariant: a ``WebhookEvent`` is a ``WebhookEvent[str | None]``, for code taking both.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Generic, TypeAlias, TypeVar, overload

from codat_connections_api.models.client_rate_limit_webhook import ClientRateLimitWebhook
from codat_connections_api.models.client_rate_limit_webhook_payload import ClientRateLimitWebhookPayload
from codat_connections_api.models.company_reference import CompanyReference as GeneratedCompanyReference
from codat_connections_api.models.connection import Connection
from codat_connections_api.models.connection_webhook import ConnectionWebhook
from codat_connections_api.models.connection_webhook_payload import ConnectionWebhookPayload
from codat_connections_api.runtime import FieldTypeError, MissingFieldError, TolerantStrEnum, parse_datetime

from codat_connections._json import DECODE_ERRORS, NotAJSONObject, loads_object
from codat_connections.status import needs_attention, needs_reauthorization
from codat_connections.webhooks._errors import WebhookPayloadError

__all__ = [
    "CompanyReference",
    "ConnectionEvent",
    "ConnectionEventType",
    "RateLimitEvent",
    "RateLimitEventType",
    "UnknownEvent",
    "WebhookEvent",
    "parse_event",
]

_T = TypeVar("_T")
if TYPE_CHECKING:  # type checkers read PEP 696 defaults on every Python; at run time they need 3.13
    from typing_extensions import TypeVar as DefaultedTypeVar

    _MessageId_co = DefaultedTypeVar("_MessageId_co", bound=str | None, covariant=True, default=str)
elif sys.version_info >= (3, 13):
    _MessageId_co = TypeVar("_MessageId_co", bound=str | None, covariant=True, default=str)
else:  # a default is for type checkers only: Python 3.11 and 3.12 have no place for it
    _MessageId_co = TypeVar("_MessageId_co", bound=str | None, covariant=True)


class _Mismatch(ValueError):
    """A field of a known event type is absent or of the wrong kind; the message names the field."""


class ConnectionEventType(TolerantStrEnum):
    """The six connection events Codat sends; a type it adds later is kept, equal to its raw string."""

    CREATED = "connection.created"
    CONNECTED = "connection.connected"
    FAILED = "connection.failed"
    DISCONNECTED = "connection.disconnected"
    """Unlinked by you or deauthorized by the end user or the platform: read ``connection.status``."""
    RECONNECTED = "connection.reconnected"
    DELETED = "connection.deleted"


class RateLimitEventType(TolerantStrEnum):
    """The daily quota's two events: used up, and reset at 00:00 UTC (a new type is kept as its raw string)."""

    REACHED = "client.rateLimit.reached"
    RESET = "client.rateLimit.reset"


_CONNECTION_TYPES = {member.value: member for member in ConnectionEventType}
_RATE_LIMIT_TYPES = {member.value: member for member in RateLimitEventType}


@dataclass(slots=True)
class CompanyReference:
    """The company a connection belongs to, as a connection event names it."""

    id: str
    name: str
    description: str | None
    tags: dict[str, str]


@dataclass(slots=True)
class ConnectionEvent(Generic[_MessageId_co]):
    """A connection was created, linked, failed to link, was disconnected, reconnected or deleted.

    ``connection`` is the connection as the REST API would return it when the event was generated.
    """

    id: str
    event_type: ConnectionEventType
    generated_date: datetime
    company: CompanyReference
    connection: Connection
    message_id: _MessageId_co
    """The delivery's ``webhook-id``: the same on every retry of one message, so deduplicate on it.

    A ``str`` on every event from ``unwrap``; None when ``parse_event`` was given none.
    """
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    """The decoded JSON body, for fields this library does not model."""

    @property
    def needs_reauthorization(self) -> bool:
        """The end user must authorize the connection again (it is ``Deauthorized`` and not deleted)."""
        return needs_reauthorization(self.connection) and self.event_type != ConnectionEventType.DELETED

    @property
    def needs_attention(self) -> bool:
        """The end user must act on this connection: ``needs_attention(event.connection)``, the rule the sweep
        asks, unless the event says the connection was deleted (there is nothing left to act on).

        ``Deauthorized``, or an active data connection error on a connection that is not ``Unlinked``: so a
        ``connection.failed`` event (the user's link attempt failed; the connection stays ``PendingAuth``
        with an active error) is flagged, and ``authorization_url`` is where to send the user to try again.
        """
        return needs_attention(self.connection) and self.event_type != ConnectionEventType.DELETED

    @property
    def authorization_url(self) -> str | None:
        """Where to send the end user: the connection's link URL whenever ``needs_attention`` is True, else None."""
        return self.connection.link_url if self.needs_attention else None


@dataclass(slots=True)
class RateLimitEvent(Generic[_MessageId_co]):
    """Your client's daily request quota was reached, or was reset."""

    id: str
    event_type: RateLimitEventType
    generated_date: datetime
    daily_quota: int
    quota_remaining: int
    expiry_date: datetime | None
    """When the quota resets; None if Codat sent no readable date-time (the raw value is in ``raw``)."""
    message_id: _MessageId_co
    """The delivery's ``webhook-id`` (see ``ConnectionEvent.message_id``)."""
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)


@dataclass(slots=True)
class UnknownEvent(Generic[_MessageId_co]):
    """An event type this library does not model (Codat adds types without notice): verified, kept as JSON."""

    id: str | None
    event_type: str
    generated_date: datetime | None
    raw: dict[str, Any] = field(repr=False)
    message_id: _MessageId_co
    """The delivery's ``webhook-id`` (see ``ConnectionEvent.message_id``)."""


WebhookEvent: TypeAlias = ConnectionEvent[_MessageId_co] | RateLimitEvent[_MessageId_co] | UnknownEvent[_MessageId_co]
"""Any event ``unwrap`` or ``parse_event`` returns: ``match`` on the three classes (exhaustive under mypy).

``WebhookEvent`` alone is ``WebhookEvent[str]``, what ``unwrap`` returns (``message_id`` set); ``parse_event``
without a ``message_id`` returns a ``WebhookEvent[None]``.
"""


@overload
def parse_event(payload: bytes | str, *, message_id: str) -> WebhookEvent[str]: ...
@overload
def parse_event(payload: bytes | str, *, message_id: None = None) -> WebhookEvent[None]: ...


def parse_event(payload: bytes | str, *, message_id: str | None = None) -> WebhookEvent[str | None]:
    """Decode a webhook body into its event, without verifying it: for bodies already verified and stored.

    The event's ``message_id`` is ``message_id``: give the ``webhook-id`` stored with the body to have
    the event ``unwrap`` returned (typed ``WebhookEvent``); without one it is None (``WebhookEvent[None]``).

    Raises ``WebhookPayloadError`` when the body is not a JSON object with a string ``eventType``, or a
    known event type's body lacks what that type always carries.
    """
    if not isinstance(payload, str | bytes):
        raise TypeError(f"payload must be the raw body as bytes or str, got {type(payload).__name__}")
    try:
        body = loads_object(payload)
    except NotAJSONObject as exc:
        raise WebhookPayloadError(
            f"webhook body does not decode: {exc}", reason=str(exc), message_id=message_id
        ) from None
    event_type = body.get("eventType")
    if not isinstance(event_type, str) or not event_type:
        reason = "eventType is missing or not a string"
        raise WebhookPayloadError(f"webhook body does not decode: {reason}", reason=reason, message_id=message_id)
    decode = _DECODERS.get(event_type)
    known = decode is not None
    if decode is None:
        decode = _decoder_for_new_type(event_type)
    if decode is not None:
        try:
            return decode(body, message_id)
        except DECODE_ERRORS as exc:
            if known:
                reason = _describe(exc)
                raise WebhookPayloadError(
                    f"{event_type} body does not decode: {reason}",
                    reason=reason,
                    event_type=event_type,
                    message_id=message_id,
                ) from None
    return _unknown(body, event_type, message_id)


def _decode_connection_event(body: dict[str, Any], message_id: str | None) -> ConnectionEvent[str | None]:
    model = ConnectionWebhook.from_dict(body)
    payload = _required(model.payload, ConnectionWebhookPayload, "payload")
    company = _required(payload.reference_company, GeneratedCompanyReference, "payload.referenceCompany")
    tags = company.tags
    return ConnectionEvent(
        id=_required(model.id, str, "id"),
        event_type=_CONNECTION_TYPES.get(body["eventType"]) or ConnectionEventType(body["eventType"]),
        generated_date=_aware_datetime(model.generated_date, "generatedDate"),
        company=CompanyReference(
            id=_required(company.id, str, "payload.referenceCompany.id"),
            name=_required(company.name, str, "payload.referenceCompany.name"),
            description=company.description if isinstance(company.description, str) else None,
            tags=dict(tags) if tags is not None else {},
        ),
        connection=_required(payload.connection, Connection, "payload.connection"),
        message_id=message_id,
        raw=body,
    )


def _decode_rate_limit_event(body: dict[str, Any], message_id: str | None) -> RateLimitEvent[str | None]:
    model = ClientRateLimitWebhook.from_dict(body)
    payload = _required(model.payload, ClientRateLimitWebhookPayload, "payload")
    try:
        expiry_date: datetime | None = _aware_datetime(payload.expiry_date, "payload.expiryDate")
    except _Mismatch:  # absent, or Codat's own example's "23:59:99": the raw text stays in ``raw``
        expiry_date = None
    return RateLimitEvent(
        id=_required(model.id, str, "id"),
        event_type=_RATE_LIMIT_TYPES.get(body["eventType"]) or RateLimitEventType(body["eventType"]),
        generated_date=_aware_datetime(model.generated_date, "generatedDate"),
        daily_quota=_integer(payload.daily_quota, "payload.dailyQuota"),
        quota_remaining=_integer(payload.quota_remaining, "payload.quotaRemaining"),
        expiry_date=expiry_date,
        message_id=message_id,
        raw=body,
    )


_Decoder: TypeAlias = Callable[[dict[str, Any], str | None], WebhookEvent[str | None]]
_DECODERS: dict[str, _Decoder] = {
    **{member.value: _decode_connection_event for member in ConnectionEventType},
    **{member.value: _decode_rate_limit_event for member in RateLimitEventType},
}


def _decoder_for_new_type(event_type: str) -> _Decoder | None:
    """A type Codat added to a known family is decoded like its siblings when its body allows."""
    if event_type.startswith("connection."):
        return _decode_connection_event
    if event_type.startswith("client.rateLimit."):
        return _decode_rate_limit_event
    return None


def _unknown(body: dict[str, Any], event_type: str, message_id: str | None) -> UnknownEvent[str | None]:
    event_id = body.get("id")
    try:
        generated = _aware_datetime(body.get("generatedDate"))
    except DECODE_ERRORS:
        generated = None
    return UnknownEvent(
        id=event_id if isinstance(event_id, str) else None,
        event_type=event_type,
        generated_date=generated,
        raw=body,
        message_id=message_id,
    )


def _aware_datetime(value: object, name: str = "date-time") -> datetime:
    """A Codat date-time by the library's one rule (``parse_datetime``: naive is UTC, a date alone midnight UTC)."""
    if not isinstance(value, str):
        raise _Mismatch(f"{name} is missing or not a string")
    try:
        return parse_datetime(value)
    except ValueError:
        raise _Mismatch(f"{name} is not an ISO 8601 date-time: {value[:40]!r}") from None


def _required(value: object, kind: type[_T], name: str) -> _T:
    """``value`` when it is a ``kind``; absent (``None`` or the generator's unset marker) or mistyped raises."""
    if not isinstance(value, kind):
        raise _Mismatch(f"{name} is missing or not a {'string' if kind is str else 'JSON object'}")
    return value


def _integer(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Mismatch(f"{name} is missing or not an integer")
    return value


def _describe(exc: BaseException) -> str:
    if isinstance(exc, _Mismatch | FieldTypeError | MissingFieldError):
        return str(exc)  # already names the model and the field
    if isinstance(exc, KeyError):
        return f"missing key {exc}"
    detail = f"{type(exc).__name__}: {exc}"
    return detail if len(detail) <= 300 else detail[:300] + "..."
