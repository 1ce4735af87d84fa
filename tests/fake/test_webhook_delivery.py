"""Webhook delivery like Codat's: at least once, retried on a schedule, duplicated and reordered on request.

Most cases use a real HTTP receiver on loopback, with the API driven over ``serve()`` as well.
"""

from __future__ import annotations

import threading
import time

import httpx
import pytest
from standardwebhooks import Webhook

from codat_connections.testing import FakeCodat
from tests.conftest import API_KEY, CODAT_BASE
from tests.fake.conftest import AUTH
from tests.fake.receiver import Inbox, LoopbackReceiver

QUICK = [0.001, 0.001, 0.001]
"""Three retries a millisecond apart: four attempts in all."""
EVENTS = ("connection.connected", "connection.disconnected")


def path(company: str, connection: str | None = None) -> str:
    return f"/companies/{company}/connections" + (f"/{connection}" if connection else "")


def linked_event(fake: FakeCodat, company: str) -> str:
    """Produce one ``connection.connected`` message; the connection's id."""
    [connection] = fake.seed_connections(company, 1, status="PendingAuth")
    fake.complete_link(company, connection)
    return connection


def webhook_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "fake-codat-webhooks"]


def test_delivered_over_http_with_the_api_over_serve(fake: FakeCodat, company: str) -> None:
    receiver = LoopbackReceiver()
    with receiver.serve() as url, fake.serve() as base_url:
        endpoint = fake.add_webhook_endpoint(url)
        created = httpx.post(base_url + path(company), json={"platformKey": "gbol"}, headers=AUTH, timeout=5).json()
        fake.complete_link(company, created["id"])
        fake.flush_webhooks()
    assert receiver.event_types == ["connection.created", "connection.connected"]
    for received in receiver.received:
        Webhook(endpoint.secret).verify(received.body, received.headers)
    assert [(d.attempt, d.status) for d in fake.webhook_deliveries] == [(1, 200), (1, 200)]


def test_failed_attempts_are_retried_with_the_same_id_until_one_succeeds(fake: FakeCodat, company: str) -> None:
    receiver = LoopbackReceiver(500, 503)
    fake.configure_webhooks(retry_schedule=QUICK)
    with receiver.serve() as url:
        endpoint = fake.add_webhook_endpoint(url)
        linked_event(fake, company)
        fake.flush_webhooks()
    assert [(d.attempt, d.status) for d in fake.webhook_deliveries] == [(1, 500), (2, 503), (3, 200)]
    assert len({r.headers["webhook-id"] for r in receiver.received}) == 1
    assert len({r.body for r in receiver.received}) == 1
    for received in receiver.received:
        Webhook(endpoint.secret).verify(received.body, received.headers)


def test_no_answer_within_the_timeout_is_retried(fake: FakeCodat, company: str) -> None:
    receiver = LoopbackReceiver(2.0)
    fake.configure_webhooks(timeout=0.2, retry_schedule=QUICK)
    with receiver.serve() as url:
        fake.add_webhook_endpoint(url)
        linked_event(fake, company)
        fake.flush_webhooks()
    first, second = fake.webhook_deliveries
    assert (first.status, second.status) == (None, 200)
    assert first.error is not None and "no answer within 0.2 s" in first.error
    assert receiver.received[0].headers["webhook-id"] == receiver.received[1].headers["webhook-id"]


def test_a_receiver_that_never_succeeds_is_given_up_after_the_schedule(fake: FakeCodat, company: str) -> None:
    receiver = LoopbackReceiver(*[500] * 10)
    fake.configure_webhooks(retry_schedule=QUICK)
    with receiver.serve() as url:
        fake.add_webhook_endpoint(url)
        linked_event(fake, company)
        fake.flush_webhooks()
        assert [d.attempt for d in fake.webhook_deliveries] == [1, 2, 3, 4]
        assert not any(d.succeeded for d in fake.webhook_deliveries)


def test_an_unreachable_receiver_is_retried_then_given_up(fake: FakeCodat, company: str) -> None:
    receiver = LoopbackReceiver()
    with receiver.serve() as url:
        closed = url  # the receiver stops below: nothing listens there any more
    fake.configure_webhooks(retry_schedule=QUICK)
    fake.add_webhook_endpoint(closed)
    linked_event(fake, company)
    fake.flush_webhooks()
    deliveries = fake.webhook_deliveries
    assert [(d.attempt, d.status) for d in deliveries] == [(1, None), (2, None), (3, None), (4, None)]
    assert all(d.error and "ConnectError" in d.error for d in deliveries)


def test_the_default_schedule_is_codats_eight_attempts_in_milliseconds(fake: FakeCodat, company: str) -> None:
    inbox = Inbox(*[500] * 20)
    fake.add_webhook_endpoint(inbox)
    linked_event(fake, company)  # a callable is served in this thread: with hours between attempts, this would hang
    assert [d.attempt for d in fake.webhook_deliveries] == list(range(1, 9))
    assert len(inbox.received) == 8


def test_a_callable_that_raises_is_retried_and_the_error_recorded(fake: FakeCodat, company: str) -> None:
    inbox = Inbox(RuntimeError("database down"))
    fake.add_webhook_endpoint(inbox)
    linked_event(fake, company)
    first, second = fake.webhook_deliveries
    assert (first.status, second.status) == (None, 200)
    assert first.error == "the receiver raised RuntimeError: database down"
    assert inbox.received[0].headers["webhook-id"] == inbox.received[1].headers["webhook-id"]


def test_duplicates_deliver_a_message_twice_with_one_id(fake: FakeCodat, company: str) -> None:
    receiver = LoopbackReceiver()
    with receiver.serve() as url:
        fake.add_webhook_endpoint(url)
        fake.duplicate_webhooks(times=1)
        connection = linked_event(fake, company)
        fake.deauthorize(company, connection)
        fake.flush_webhooks()
    ids = {event: {r.headers["webhook-id"] for r in receiver.received if r.event_type == event} for event in EVENTS}
    assert sorted(receiver.event_types) == ["connection.connected", "connection.connected", "connection.disconnected"]
    assert all(len(one_id) == 1 for one_id in ids.values()), "a duplicate repeats its message's id"
    assert sorted((d.event_type, d.attempt, d.status) for d in fake.webhook_deliveries) == [
        ("connection.connected", 1, 200),
        ("connection.connected", 2, 200),
        ("connection.disconnected", 1, 200),
    ]


def test_reorder_holds_messages_then_delivers_them_newest_first(fake: FakeCodat, company: str) -> None:
    inbox, receiver = Inbox(), LoopbackReceiver()
    with receiver.serve() as url:
        fake.add_webhook_endpoint(inbox)
        fake.add_webhook_endpoint(url)
        fake.reorder_webhooks()
        connection = linked_event(fake, company)
        fake.deauthorize(company, connection)
        assert inbox.received == []
        fake.flush_webhooks()
        fake.complete_link(company, connection)
        fake.flush_webhooks()
    expected = ["connection.disconnected", "connection.connected", "connection.reconnected"]
    assert inbox.event_types == expected
    assert receiver.event_types == expected


def test_flush_gives_up_waiting_with_a_timeout_error(fake: FakeCodat, company: str) -> None:
    receiver = LoopbackReceiver(1.0)
    with receiver.serve() as url:
        fake.add_webhook_endpoint(url)
        linked_event(fake, company)
        with pytest.raises(TimeoutError, match="1 webhook deliveries still under way"):
            fake.flush_webhooks(timeout=0.05)
        fake.flush_webhooks()
    assert [d.status for d in fake.webhook_deliveries] == [200]


def test_the_delivery_thread_exists_only_while_there_is_work(fake: FakeCodat, company: str) -> None:
    receiver = LoopbackReceiver()
    with receiver.serve() as url:
        fake.add_webhook_endpoint(url)
        linked_event(fake, company)
        fake.flush_webhooks()
        deadline = time.monotonic() + 5
        while webhook_threads() and time.monotonic() < deadline:
            time.sleep(0.01)
    assert webhook_threads() == []


def test_a_callable_that_calls_the_fake_back_does_not_deadlock(fake: FakeCodat, company: str) -> None:
    """A receiver that reads the connection back (as a real one would) over ``serve()``."""
    seen: list[str] = []
    with fake.serve() as base_url:

        def receiver(body: bytes, headers: dict[str, str]) -> int:
            connection = httpx.get(base_url + path(company), headers=AUTH, timeout=5).json()["results"][0]
            seen.append(connection["status"])
            return 200

        fake.add_webhook_endpoint(receiver)
        httpx.post(base_url + path(company), json={"platformKey": "gbol"}, headers=AUTH, timeout=5)
    assert seen == ["PendingAuth"]


def test_bad_delivery_settings_are_value_errors(fake: FakeCodat) -> None:
    with pytest.raises(ValueError, match="timeout"):
        fake.configure_webhooks(timeout=0)
    with pytest.raises(ValueError, match="retry_schedule"):
        fake.configure_webhooks(retry_schedule=[0.1, -1])
    for schedule in ("123", [True], ["1"]):  # review: "123" over HTTP became the schedule [1, 2, 3]
        with pytest.raises(ValueError, match="retry_schedule"):
            fake.configure_webhooks(retry_schedule=schedule)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="timeout"):
        fake.configure_webhooks(timeout="2")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="times"):
        fake.duplicate_webhooks(times=0)


def test_a_callable_slower_than_the_timeout_counts_as_no_answer(fake: FakeCodat, company: str) -> None:
    calls: list[float] = []

    def slow_first(body: bytes, headers: dict[str, str]) -> int:
        calls.append(time.monotonic())
        if len(calls) == 1:
            time.sleep(0.3)
        return 200

    fake.configure_webhooks(timeout=0.1, retry_schedule=QUICK)
    fake.add_webhook_endpoint(slow_first)
    linked_event(fake, company)
    first, second = fake.webhook_deliveries
    assert (first.status, second.status) == (None, 200)
    assert first.error == "no answer within 0.1 s"


# -- receivers beyond loopback, only when allowed (issue 23 §5) ---------------------------------------------
REMOTE = "http://host.docker.internal:3000/hooks"  # the host, seen from a container


def test_a_receiver_beyond_loopback_is_refused_unless_allowed(fake: FakeCodat) -> None:
    with pytest.raises(ValueError, match="allow_remote_webhooks=True") as refused:
        fake.add_webhook_endpoint(REMOTE)
    assert "--allow-remote-webhooks" in str(refused.value)
    with httpx.Client(transport=fake.transport(), base_url=CODAT_BASE, headers=AUTH) as api:
        assert api.post("/_fake/webhooks/endpoints", json={"url": REMOTE}).status_code == 400
    assert fake.webhook_endpoints == []


def test_allowed_a_receiver_beyond_loopback_gets_signed_deliveries() -> None:
    """The receiver is reached through the IPv4-mapped IPv6 address of 127.0.0.1: a URL the flag must let through
    (the check takes it for another host, as ``ipaddress`` does up to Python 3.12) that still reaches this machine."""
    fake = FakeCodat(api_key=API_KEY, allow_remote_webhooks=True)
    company = fake.add_company("Acme Ltd")
    receiver = LoopbackReceiver()
    with receiver.serve() as url:
        remote = url.replace("127.0.0.1", "[::ffff:127.0.0.1]")
        with httpx.Client(transport=fake.transport(), base_url=CODAT_BASE, headers=AUTH) as api:
            created = api.post("/_fake/webhooks/endpoints", json={"url": remote})
            assert created.status_code == 201, created.text
            api.post(f"/companies/{company}/connections", json={"platformKey": "gbol"})
        fake.flush_webhooks(timeout=5)
    assert receiver.event_types == ["connection.created"]
    Webhook(created.json()["secret"]).verify(receiver.received[0].body, receiver.received[0].headers)
    with pytest.raises(ValueError, match="http"):
        fake.add_webhook_endpoint("ftp://host.docker.internal/hooks")
