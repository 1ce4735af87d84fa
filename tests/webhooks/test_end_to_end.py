"""End to end: the README's receiver, fed by FakeCodat's signed deliveries, types every event and refuses forgeries.

The receiver is not re-typed here: it is the README "Webhooks" section's first block, executed as
written, so these tests hold the documentation to what the fake (delivering as Codat does) sends.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, make_server

import httpx
import pytest

from codat_connections import CodatConnections, RateLimitError
from codat_connections.testing import FakeCodat
from codat_connections.webhooks import (
    ConnectionEvent,
    ConnectionEventType,
    RateLimitEvent,
    RateLimitEventType,
    WebhookEvent,
)
from tests.conftest import API_KEY
from tests.webhooks.test_readme import webhook_blocks

Receive = Callable[[bytes, dict[str, str]], int]


@pytest.fixture(autouse=True)
def clock() -> None:
    """The real clock (not conftest.py's pinned one): the fake signs each attempt at the current time."""


class Receiver:
    """The README's receiver block, executed in a namespace of its own (fresh dedup set and work queue)."""

    def __init__(self) -> None:
        self.namespace: dict[str, Any] = {"__name__": "readme_receiver"}
        exec(compile(webhook_blocks()[0], "<README Webhooks block 1>", "exec"), self.namespace)  # noqa: S102
        self.receive: Receive = self.namespace["receive"]
        self.wsgi_app = self.namespace["wsgi_app"]
        self.handle: Callable[[WebhookEvent], str] = self.namespace["handle"]

    def events(self) -> list[WebhookEvent]:
        work: queue.Queue[WebhookEvent] = self.namespace["work"]
        taken = []
        while not work.empty():
            taken.append(work.get_nowait())
        return taken


@pytest.fixture
def receiver() -> Receiver:
    return Receiver()


@pytest.fixture
def now() -> list[datetime]:
    return [datetime(2026, 3, 2, 23, 50, tzinfo=UTC)]


@pytest.fixture
def fake(now: list[datetime]) -> FakeCodat:
    return FakeCodat(api_key=API_KEY, clock=lambda: now[0])


@pytest.fixture
def codat(fake: FakeCodat) -> Iterator[CodatConnections]:
    with CodatConnections(
        api_key=API_KEY, max_retries=0, http_client=httpx.Client(transport=fake.transport())
    ) as client:
        yield client


def subscribe(fake: FakeCodat, target: Receive | str, monkeypatch: pytest.MonkeyPatch) -> None:
    endpoint = fake.add_webhook_endpoint(target)
    monkeypatch.setenv("CODAT_WEBHOOK_SECRET", endpoint.secret)  # as the README's receiver expects


def summary(event: WebhookEvent) -> tuple[str, str]:
    if isinstance(event, ConnectionEvent):
        return event.event_type.value, event.connection.status.value
    if isinstance(event, RateLimitEvent):
        return event.event_type.value, f"{event.quota_remaining}/{event.daily_quota}"
    return event.event_type, "unknown"


def test_every_event_the_fake_sends_is_verified_and_typed(
    fake: FakeCodat,
    codat: CodatConnections,
    receiver: Receiver,
    now: list[datetime],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    subscribe(fake, receiver.receive, monkeypatch)
    company = fake.add_company("Acme Ltd", description="customer 4411", tags={"region": "uk"})

    conn = codat.connections.create(company, "gbol")
    fake.complete_link(company, conn.id)
    fake.deauthorize(company, conn.id)
    [deauthorized] = receiver.events()[-1:]  # delivered to a callable before the action returns
    assert isinstance(deauthorized, ConnectionEvent)
    assert deauthorized.connection == codat.connections.get(company, conn.id)  # as the API returns it then
    assert deauthorized.needs_reauthorization and deauthorized.authorization_url == conn.link_url
    assert receiver.handle(deauthorized) == f"email Acme Ltd: please re-link at {conn.link_url}"
    fake.complete_link(company, conn.id)
    codat.connections.unlink(company, conn.id)
    other = codat.connections.create(company, "qhyg")
    fake.fail_link(company, other.id, message="The user cancelled linking")
    codat.connections.delete(company, conn.id)
    fake.enforce_rate_limits(daily_quota=1)
    codat.connections.get(company, other.id)
    with pytest.raises(RateLimitError):
        codat.connections.get(company, other.id)  # the quota is used up: client.rateLimit.reached
    now[0] += timedelta(minutes=15)  # past 00:00 UTC: the quota resets
    codat.connections.get(company, other.id)
    fake.flush_webhooks()

    events = [deauthorized, *receiver.events()]
    assert [summary(event) for event in events] == [
        ("connection.disconnected", "Deauthorized"),
        ("connection.reconnected", "Linked"),
        ("connection.disconnected", "Unlinked"),
        ("connection.created", "PendingAuth"),
        ("connection.failed", "PendingAuth"),
        ("connection.deleted", "Unlinked"),
        ("client.rateLimit.reached", "0/1"),
        ("client.rateLimit.reset", "1/1"),
    ]
    deliveries = fake.webhook_deliveries
    assert [d.status for d in deliveries] == [202] * 10  # created and connected, then the eight above
    assert [d.event_type for d in deliveries[:3]] == [
        "connection.created",
        "connection.connected",
        "connection.disconnected",
    ]
    assert [e.message_id for e in events] == [d.message_id for d in deliveries[2:]]
    for event in events:
        assert event.generated_date is not None and event.generated_date.tzinfo is not None
    connection_events = [e for e in events if isinstance(e, ConnectionEvent)]
    assert all(e.company.id == company and e.company.name == "Acme Ltd" for e in connection_events)
    assert {e.event_type for e in connection_events} <= set(ConnectionEventType)
    created, failed = connection_events[3:5]
    assert created.connection.id == failed.connection.id == other.id
    assert isinstance(failed.connection.data_connection_errors, list)
    assert failed.connection.data_connection_errors[0].error_message == "The user cancelled linking"
    reached, reset = events[-2:]
    assert isinstance(reached, RateLimitEvent) and reached.event_type is RateLimitEventType.REACHED
    assert isinstance(reset, RateLimitEvent) and reset.event_type is RateLimitEventType.RESET
    assert reached.expiry_date == datetime(2026, 3, 3, tzinfo=UTC)


def test_forged_tampered_and_replayed_deliveries_are_refused(
    fake: FakeCodat, codat: CodatConnections, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    captured: list[tuple[bytes, dict[str, str]]] = []

    def tampering_proxy(body: bytes, headers: dict[str, str]) -> int:
        captured.append((body, headers))
        return receiver.receive(body.replace(b"PendingAuth", b"Linked"), headers)

    subscribe(fake, tampering_proxy, monkeypatch)
    fake.configure_webhooks(retry_schedule=[0.0, 0.0])  # three attempts, then given up
    company = fake.add_company("Acme Ltd")
    codat.connections.create(company, "gbol")
    fake.flush_webhooks()
    assert [d.status for d in fake.webhook_deliveries] == [400, 400, 400]
    assert receiver.events() == []

    body, headers = captured[0]
    assert receiver.receive(body, headers) == 202  # the genuine bytes pass...
    assert receiver.receive(body, {**headers, "webhook-signature": "v1,Zm9yZ2Vk", "svix-signature": ""}) == 400
    unsigned = {name: value for name, value in headers.items() if "signature" not in name}
    assert receiver.receive(body, unsigned) == 400
    monkeypatch.setenv("CODAT_WEBHOOK_SECRET", fake.add_webhook_endpoint(lambda b, h: 204).secret)
    assert receiver.receive(body, headers) == 400  # another endpoint's secret
    later = time.time() + 301
    monkeypatch.setattr(time, "time", lambda: later)
    assert receiver.receive(*captured[1]) == 400  # a captured delivery replayed after the tolerance


def test_duplicate_deliveries_are_processed_once(
    fake: FakeCodat, codat: CodatConnections, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    subscribe(fake, receiver.receive, monkeypatch)
    company = fake.add_company("Acme Ltd")
    fake.duplicate_webhooks(times=3)
    conn = codat.connections.create(company, "gbol")
    fake.complete_link(company, conn.id)
    fake.deauthorize(company, conn.id)
    fake.flush_webhooks()

    deliveries = fake.webhook_deliveries
    assert len(deliveries) == 6
    assert [d.status for d in deliveries] == [202, 200] * 3  # the second of each pair: seen, acknowledged
    assert [d.message_id for d in deliveries[::2]] == [d.message_id for d in deliveries[1::2]]
    events = receiver.events()
    assert [summary(e) for e in events] == [
        ("connection.created", "PendingAuth"),
        ("connection.connected", "Linked"),
        ("connection.disconnected", "Deauthorized"),
    ]
    assert len({e.message_id for e in events}) == 3


def test_reordered_deliveries_are_each_verified(
    fake: FakeCodat, codat: CodatConnections, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    subscribe(fake, receiver.receive, monkeypatch)
    company = fake.add_company("Acme Ltd")
    fake.reorder_webhooks()
    conn = codat.connections.create(company, "gbol")
    fake.complete_link(company, conn.id)
    fake.deauthorize(company, conn.id)
    assert receiver.events() == []  # held until the flush
    fake.flush_webhooks()
    events = receiver.events()
    assert [summary(e) for e in events] == [
        ("connection.disconnected", "Deauthorized"),
        ("connection.connected", "Linked"),
        ("connection.created", "PendingAuth"),
    ]
    # No order is promised: the latest state is the one generated last, whatever arrived last.
    latest = max(events, key=lambda e: (e.generated_date, e.raw["payload"]["connection"]["status"] == "Deauthorized"))
    assert summary(latest) == ("connection.disconnected", "Deauthorized")


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def test_the_readme_wsgi_app_over_real_http(
    fake: FakeCodat, codat: CodatConnections, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = make_server("127.0.0.1", 0, receiver.wsgi_app, handler_class=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        subscribe(fake, f"http://127.0.0.1:{server.server_port}/codat/webhooks", monkeypatch)
        company = fake.add_company("Acme Ltd")
        fake.duplicate_webhooks(times=1)
        conn = codat.connections.create(company, "gbol")
        fake.complete_link(company, conn.id)
        fake.flush_webhooks(timeout=10)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
    deliveries = fake.webhook_deliveries
    statuses: dict[str, list[int | None]] = {}
    for delivery in deliveries:
        statuses.setdefault(delivery.message_id, []).append(delivery.status)
    assert sorted(statuses.values()) == [[202], [202, 200]]  # the duplicated message: taken once
    assert sorted(summary(e) for e in receiver.events()) == [
        ("connection.connected", "Linked"),
        ("connection.created", "PendingAuth"),
    ]
