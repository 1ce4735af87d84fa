"""A receiver and worker written by hand on ``unwrap``, for the tests that feed them the fake's deliveries.

This is the code the webhooks guide showed before the receiver apps (``wsgi_app``/``asgi_app`` with a
``Ledger``) replaced it there: a set of seen ``webhook-id``s, a work queue, and a worker keeping each
connection's latest status by ``generated_date``. It stays as a second, independent consumer of ``unwrap`` and
the typed events: each ``Receiver`` executes it in a namespace of its own (a fresh deduplication set, work
queue and state). The apps themselves are tested in tests/ledger/test_receivers.py.
"""

from __future__ import annotations

import functools
import queue
from collections.abc import Callable
from types import CodeType
from typing import Any

import pytest

from codat_connections.testing import FakeCodat
from codat_connections.webhooks import ConnectionEvent, RateLimitEvent, WebhookEvent

Receive = Callable[[bytes, dict[str, str]], int]


RECEIVER = '''
import queue
from collections.abc import Callable, Iterable, Mapping
from http import HTTPStatus
from typing import Any

from codat_connections.webhooks import WebhookEvent, WebhookPayloadError, WebhookVerificationError, unwrap

seen_message_ids: set[str] = set()  # in production: a table with a unique key on the message id
work: queue.Queue[WebhookEvent] = queue.Queue()  # in production: a durable queue


def receive(body: bytes, headers: Mapping[str, str] | Iterable[tuple[bytes, bytes]]) -> int:
    """The status to answer one delivery with; quick, so Codat never times out and retries."""
    try:
        event = unwrap(body, headers)  # secret: the CODAT_WEBHOOK_SECRET environment variable
    except WebhookVerificationError:
        return 400  # forged, tampered with, replayed late, or the wrong secret: never act on it
    except WebhookPayloadError:
        return 400  # authentic but unreadable: Codat retries for a day while you look
    if event.message_id in seen_message_ids:
        return 200  # a retry or duplicate of a message already taken: acknowledge, do nothing
    seen_message_ids.add(event.message_id)  # the webhook-id header, the same on every retry
    work.put(event)  # the slow part happens after the answer
    return 202


def wsgi_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    headers = {name[5:].replace("_", "-"): value for name, value in environ.items() if name.startswith("HTTP_")}
    status = receive(body, headers)
    start_response(f"{status} {HTTPStatus(status).phrase}", [("Content-Length", "0")])
    return [b""]
'''
"""The receiver: ``receive`` (verify, deduplicate, queue) and a plain WSGI ``wsgi_app`` around it."""
WORKER = '''
from datetime import datetime
from typing import NamedTuple

from codat_connections.webhooks import ConnectionEvent, ConnectionEventType, RateLimitEvent, UnknownEvent

DELETED = "Deleted"  # not a status of Codat's: what a connection.deleted event records


class KnownState(NamedTuple):
    status: str  # a ConnectionStatus value, or DELETED
    as_of: datetime  # the generated_date of the event that said so


# Connection id -> its newest known state. In production a table, written with the same comparison in
# the UPDATE's WHERE clause, so that two workers cannot undo each other's news.
latest: dict[str, KnownState] = {}


def record(event: ConnectionEvent) -> bool:
    """Keep the event's state for its connection; False when a newer one (or the deletion) is known."""
    known = latest.get(event.connection.id)
    deleted = event.event_type == ConnectionEventType.DELETED
    if known is not None and known.status == DELETED:
        return False  # a deletion is final
    if known is not None and not deleted and known.as_of >= event.generated_date:
        return False  # generated before what is known: it arrived late, and acting on it would undo news
    status = DELETED if deleted else event.connection.status.value
    latest[event.connection.id] = KnownState(status, event.generated_date)
    return True


def handle(event: WebhookEvent) -> str:
    """What a worker does with each event taken from ``work``."""
    if isinstance(event, ConnectionEvent) and not record(event):
        return f"stale: {event.event_type} of {event.connection.id}, generated {event.generated_date}"
    match event:
        case ConnectionEvent() if event.needs_attention:  # the rule the morning sweep asks
            return f"email {event.company.name}: please re-link at {event.authorization_url}"
        case ConnectionEvent():
            return f"{event.company.id}: {event.connection.platform_name} is {latest[event.connection.id].status}"
        case RateLimitEvent():
            return f"quota: {event.quota_remaining}/{event.daily_quota} left until {event.expiry_date}"
        case UnknownEvent():
            return f"not handled: {event.event_type}"  # a type Codat added: verified, kept as event.raw
'''
"""The worker: ``handle`` and the latest known state of each connection (``latest``)."""


@functools.cache
def receiver_code() -> tuple[CodeType, ...]:
    """The receiver and the worker, compiled once."""
    return tuple(
        compile(code, f"<hand-written {name}>", "exec") for name, code in (("receiver", RECEIVER), ("worker", WORKER))
    )


class Receiver:
    """The hand-written receiver and worker in a namespace of their own."""

    def __init__(self) -> None:
        self.namespace: dict[str, Any] = {"__name__": "guide_receiver"}
        for code in receiver_code():
            exec(code, self.namespace)  # noqa: S102 (the project's own guide)
        self.receive: Receive = self.namespace["receive"]
        self.wsgi_app = self.namespace["wsgi_app"]
        self.handle: Callable[[WebhookEvent], str] = self.namespace["handle"]

    def events(self) -> list[WebhookEvent]:
        """The events taken so far (the receiver's work queue, emptied)."""
        work: queue.Queue[WebhookEvent] = self.namespace["work"]
        taken = []
        while not work.empty():
            taken.append(work.get_nowait())
        return taken

    def states(self) -> dict[str, str]:
        """The worker's latest known status of each connection, by connection id."""
        return {connection_id: known.status for connection_id, known in self.namespace["latest"].items()}


def subscribe(fake: FakeCodat, target: Receive | str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Deliver the fake's webhooks to ``target``, with its endpoint's secret where the guide reads it."""
    endpoint = fake.add_webhook_endpoint(target)
    monkeypatch.setenv("CODAT_WEBHOOK_SECRET", endpoint.secret)


def summary(event: WebhookEvent) -> tuple[str, str]:
    if isinstance(event, ConnectionEvent):
        return event.event_type.value, event.connection.status.value
    if isinstance(event, RateLimitEvent):
        return event.event_type.value, f"{event.quota_remaining}/{event.daily_quota}"
    return event.event_type, "unknown"
