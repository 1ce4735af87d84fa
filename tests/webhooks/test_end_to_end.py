"""End to end: a receiver written on ``unwrap``, fed the fake's signed deliveries, types every event, refuses forgeries.

The receiver is the hand-written one of tests/webhooks/guide_receiver.py (what the webhooks guide showed before
the receiver apps; the apps are tested in tests/ledger/test_receivers.py), so these tests hold ``unwrap`` and
the typed events to what the fake (delivering as Codat does) sends. The fixtures (``fake`` on a clock the test
moves, ``codat``, ``receiver``) are in tests/webhooks/conftest.py.
"""

from __future__ import annotations

import threading
import time
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
)
from tests.webhooks.guide_receiver import Receiver, subscribe, summary
from tests.webhooks.signing import KEY, MESSAGE_ID, OTHER_KEY, SECRET, connection_event, encode, signature


@pytest.fixture(autouse=True)
def clock() -> None:
    """The real clock (not conftest.py's pinned one): the fake signs each attempt at the current time."""


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
    # Keeping the latest state whatever the order: tests/webhooks/test_ordering.py.


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


def test_a_signature_header_sent_twice_through_a_real_wsgi_server(
    receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A proxy added a second ``webhook-signature``; wsgiref joins the two with "," in the WSGI environ."""
    body = encode(connection_event())
    sent = int(time.time())
    good, stale = signature(KEY, MESSAGE_ID, sent, body), signature(OTHER_KEY, MESSAGE_ID, sent, body)
    monkeypatch.setenv("CODAT_WEBHOOK_SECRET", SECRET)
    server = make_server("127.0.0.1", 0, receiver.wsgi_app, handler_class=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        statuses = []
        with httpx.Client(trust_env=False, timeout=5) as client:
            for first, second in ((good, stale), (stale, good)):
                headers = [("webhook-id", MESSAGE_ID), ("webhook-timestamp", str(sent))]
                headers += [("webhook-signature", first), ("webhook-signature", second)]
                url = f"http://127.0.0.1:{server.server_port}/codat/webhooks"
                statuses.append(client.post(url, content=body, headers=headers).status_code)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
    assert statuses == [202, 200]  # taken once, then acknowledged as the same message
