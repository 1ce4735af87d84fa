"""Webhooks the fake sends: exactly the documented event per lifecycle transition, in Codat's body, signed.

Bodies are validated against Codat's upstream ``ConnectionWebhook`` schema; signatures are checked
with the ``standardwebhooks`` reference package, independently of how the fake signs.
"""

from __future__ import annotations

import copy
import pickle
from collections.abc import Callable
from datetime import UTC, datetime

import httpx
import pytest
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from codat_connections import parse_datetime
from codat_connections.testing import WEBHOOK_EVENT_TYPES, FakeCodat, WebhookEndpoint
from tests.conftest import API_KEY
from tests.fake.conftest import Clock
from tests.fake.receiver import Inbox
from tests.fake.upstream import upstream_webhook_event_types, validation_errors


def path(company: str, connection: str | None = None) -> str:
    return f"/companies/{company}/connections" + (f"/{connection}" if connection else "")


@pytest.fixture
def inbox(fake: FakeCodat) -> Inbox:
    inbox = Inbox()
    fake.add_webhook_endpoint(inbox)
    return inbox


Action = Callable[[httpx.Client, FakeCodat, str, str], object]


def api_unlink(http: httpx.Client, fake: FakeCodat, company: str, connection: str) -> None:
    assert http.patch(path(company, connection), json={"status": "Unlinked"}).status_code == 200


def api_delete(http: httpx.Client, fake: FakeCodat, company: str, connection: str) -> None:
    assert http.delete(path(company, connection)).status_code == 200


TRANSITIONS: list[tuple[str, str, Action, str, str]] = [
    ("PendingAuth", "link", lambda h, f, c, k: f.complete_link(c, k), "connection.connected", "Linked"),
    ("PendingAuth", "fail", lambda h, f, c, k: f.fail_link(c, k, "cancelled"), "connection.failed", "PendingAuth"),
    ("Deauthorized", "fail", lambda h, f, c, k: f.fail_link(c, k), "connection.failed", "Deauthorized"),
    ("Linked", "deauthorize", lambda h, f, c, k: f.deauthorize(c, k), "connection.disconnected", "Deauthorized"),
    ("Linked", "unlink", api_unlink, "connection.disconnected", "Unlinked"),
    ("Deauthorized", "link", lambda h, f, c, k: f.complete_link(c, k), "connection.reconnected", "Linked"),
    ("Unlinked", "link", lambda h, f, c, k: f.complete_link(c, k), "connection.reconnected", "Linked"),
    ("Linked", "delete", api_delete, "connection.deleted", "Linked"),
    ("PendingAuth", "delete", api_delete, "connection.deleted", "PendingAuth"),
]


@pytest.mark.parametrize("transition", TRANSITIONS, ids=[f"{start}-{name}" for start, name, *_ in TRANSITIONS])
def test_each_transition_sends_exactly_its_event_with_the_connection_as_the_api_returns_it(
    http: httpx.Client, fake: FakeCodat, company: str, inbox: Inbox, transition: tuple[str, str, Action, str, str]
) -> None:
    start, _, action, expected, status = transition
    [connection] = fake.seed_connections(company, 1, status=start)
    before = http.get(path(company, connection)).json()
    action(http, fake, company, connection)
    assert inbox.event_types == [expected]
    event = inbox.received[0].event
    after = http.get(path(company, connection))
    as_api_returns = before if expected == "connection.deleted" else after.json()
    assert event["payload"]["connection"] == as_api_returns
    assert event["payload"]["connection"]["status"] == status
    assert event["payload"]["referenceCompany"]["id"] == company
    assert validation_errors("ConnectionWebhook", inbox.received[0].body) == []


def test_create_through_the_api_sends_connection_created(http: httpx.Client, company: str, inbox: Inbox) -> None:
    created = http.post(path(company), json={"platformKey": "gbol"}).json()
    assert inbox.event_types == ["connection.created"]
    assert inbox.received[0].event["payload"]["connection"] == created
    assert validation_errors("ConnectionWebhook", inbox.received[0].body) == []


def test_failed_link_carries_an_active_data_connection_error(fake: FakeCodat, company: str, inbox: Inbox) -> None:
    [connection] = fake.seed_connections(company, 1, status="PendingAuth")
    fake.fail_link(company, connection, message="The user closed the window")
    [error] = inbox.received[0].event["payload"]["connection"]["dataConnectionErrors"]
    assert (error["status"], error["errorMessage"]) == ("Active", "The user closed the window")


def test_things_that_are_not_lifecycle_changes_send_nothing(
    http: httpx.Client, fake: FakeCodat, company: str, inbox: Inbox
) -> None:
    fake.add_companies(3, connections_each=2)
    [connection] = fake.seed_connections(company, 1, status="PendingAuth")
    http.get(path(company))
    http.get(path(company, connection))
    http.put(path(company, connection) + "/authorization", json={"token": "t"})
    assert http.patch(path(company, connection), json={"status": "Unlinked"}).status_code == 400
    assert http.post(path(company), json={"platformKey": "gbol"}, headers={"Authorization": "Basic eA=="}).is_error
    assert http.post(path(company), json={"platformKey": "zzzz"}).status_code == 400
    with pytest.raises(ValueError, match="only a Linked"):
        fake.deauthorize(company, connection)
    assert inbox.received == []


def test_a_replayed_create_sends_no_second_event(http: httpx.Client, company: str, inbox: Inbox) -> None:
    for _ in range(2):
        http.post(path(company), json={"platformKey": "gbol"}, headers={"Idempotency-Key": "k-1"})
    assert inbox.event_types == ["connection.created"]


def test_the_whole_lifecycle_in_order(http: httpx.Client, fake: FakeCodat, company: str, inbox: Inbox) -> None:
    connection = http.post(path(company), json={"platformKey": "qhyg"}).json()["id"]
    fake.fail_link(company, connection)
    fake.complete_link(company, connection)
    fake.deauthorize(company, connection)
    fake.complete_link(company, connection)
    api_unlink(http, fake, company, connection)
    fake.complete_link(company, connection)
    api_delete(http, fake, company, connection)
    assert inbox.event_types == [
        "connection.created",
        "connection.failed",
        "connection.connected",
        "connection.disconnected",
        "connection.reconnected",
        "connection.disconnected",
        "connection.reconnected",
        "connection.deleted",
    ]
    assert len({r.event["id"] for r in inbox.received}) == 8
    assert len({r.headers["webhook-id"] for r in inbox.received}) == 8
    for received in inbox.received:
        assert validation_errors("ConnectionWebhook", received.body) == []


def test_the_reference_company_is_the_company_as_added(fake: FakeCodat, inbox: Inbox) -> None:
    company = fake.add_company("Bank of Dave", description="loan 42", tags={"region": "uk"})
    [connection] = fake.seed_connections(company, 1, status="PendingAuth")
    fake.complete_link(company, connection)
    reference = inbox.received[0].event["payload"]["referenceCompany"]
    assert reference == {
        "id": company,
        "name": "Bank of Dave",
        "description": "loan 42",
        "links": {"portal": f"https://app.codat.io/companies/{company}/summary"},
        "tags": {"region": "uk"},
    }


def test_the_fake_sends_only_event_types_codat_documents() -> None:
    assert upstream_webhook_event_types() >= WEBHOOK_EVENT_TYPES


# -- signatures -----------------------------------------------------------------------------------------
def test_every_delivery_verifies_with_its_endpoints_secret_only(fake: FakeCodat, company: str) -> None:
    first, second = Inbox(), Inbox()
    first_endpoint = fake.add_webhook_endpoint(first)
    second_endpoint = fake.add_webhook_endpoint(second, secret="whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
    [connection] = fake.seed_connections(company, 1, status="PendingAuth")
    fake.complete_link(company, connection)
    [one], [two] = first.received, second.received
    assert one.body == two.body
    assert one.headers["webhook-id"] == two.headers["webhook-id"]
    Webhook(first_endpoint.secret).verify(one.body, one.headers)
    Webhook(second_endpoint.secret).verify(two.body, two.headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(second_endpoint.secret).verify(one.body, one.headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(first_endpoint.secret).verify(one.body.replace(b"Linked", b"Linkee"), one.headers)
    svix = {name.replace("svix-", "webhook-"): value for name, value in one.headers.items() if name.startswith("svix-")}
    assert svix == {name: value for name, value in one.headers.items() if name.startswith("webhook-")}
    assert one.headers["content-type"] == "application/json"


def test_each_endpoint_gets_a_fresh_secret_that_stays_out_of_reprs_and_pickles(fake: FakeCodat) -> None:
    endpoints = [fake.add_webhook_endpoint(Inbox()) for _ in range(2)]
    secrets = [endpoint.secret for endpoint in endpoints]
    assert all(secret.startswith("whsec_") and len(secret) > 30 for secret in secrets)
    assert secrets[0] != secrets[1]
    for endpoint in endpoints:
        assert endpoint.secret not in repr(endpoint)
        assert endpoint.secret.removeprefix("whsec_") not in repr(endpoint)
        with pytest.raises(TypeError, match="not picklable"):
            pickle.dumps(endpoint)
        assert copy.deepcopy(endpoint) is endpoint


def test_deliveries_name_the_endpoint_without_its_secret(fake: FakeCodat, company: str, inbox: Inbox) -> None:
    [connection] = fake.seed_connections(company, 1, status="PendingAuth")
    fake.complete_link(company, connection)
    [delivery] = fake.webhook_deliveries
    assert (delivery.event_type, delivery.attempt, delivery.status, delivery.succeeded) == (
        "connection.connected",
        1,
        200,
        True,
    )
    assert delivery.message_id == inbox.received[0].headers["webhook-id"]
    assert delivery.endpoint.secret not in repr(delivery)


def test_event_types_filter_what_an_endpoint_receives(fake: FakeCodat, company: str) -> None:
    disconnects = Inbox()
    fake.add_webhook_endpoint(disconnects, event_types=["connection.disconnected"])
    [connection] = fake.seed_connections(company, 1, status="PendingAuth")
    fake.complete_link(company, connection)
    fake.deauthorize(company, connection)
    assert disconnects.event_types == ["connection.disconnected"]


def test_a_removed_endpoint_receives_nothing_more(fake: FakeCodat, company: str) -> None:
    inbox = Inbox()
    endpoint = fake.add_webhook_endpoint(inbox)
    [connection] = fake.seed_connections(company, 1, status="PendingAuth")
    fake.complete_link(company, connection)
    fake.remove_webhook_endpoint(endpoint)
    fake.deauthorize(company, connection)
    assert inbox.event_types == ["connection.connected"]


def test_an_endpoint_removed_after_the_checkpoint_is_back_and_signs_after_reset(fake: FakeCodat, company: str) -> None:
    inbox = Inbox()
    endpoint = fake.add_webhook_endpoint(inbox)
    fake.checkpoint()
    fake.remove_webhook_endpoint(endpoint)
    fake.reset()
    [connection] = fake.seed_connections(company, 1, status="PendingAuth")
    fake.complete_link(company, connection)
    [received] = inbox.received
    Webhook(endpoint.secret).verify(received.body, received.headers)


def test_reset_restores_the_webhook_settings_of_the_checkpoint(fake: FakeCodat, company: str) -> None:
    """Review: a retry schedule set by one test survived reset() into the next."""
    fake.configure_webhooks(timeout=1.0, retry_schedule=())  # no retries
    fake.checkpoint()
    fake.configure_webhooks(timeout=0.5, retry_schedule=(0.001,) * 5)
    fake.reset()
    refusing = Inbox(*[500] * 6)
    fake.add_webhook_endpoint(refusing)
    [connection] = fake.seed_connections(company, 1, status="PendingAuth")
    fake.complete_link(company, connection)
    assert len(refusing.received) == 1, "the checkpoint's schedule: no retry"


# -- argument checks ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "target", ["http://example.com/hook", "http://10.0.0.1/hook", "ftp://127.0.0.1/x", "127.0.0.1:80", "http:///x"]
)
def test_targets_must_be_loopback_urls(fake: FakeCodat, target: str) -> None:
    with pytest.raises(ValueError, match="loopback|http"):
        fake.add_webhook_endpoint(target)


@pytest.mark.parametrize("target", ["http://127.0.0.1:9/x", "http://localhost:9/x", "http://[::1]:9/x"])
def test_loopback_targets_are_accepted(fake: FakeCodat, target: str) -> None:
    assert isinstance(fake.add_webhook_endpoint(target), WebhookEndpoint)


def test_a_target_must_be_a_url_or_a_callable(fake: FakeCodat) -> None:
    with pytest.raises(TypeError, match="callable"):
        fake.add_webhook_endpoint(42)  # type: ignore[arg-type]


@pytest.mark.parametrize("secret", ["MfKQ9r8GKYqrTwjUPD8ILPZI", "whsec_", "whsec_not base64!!", "whsec_@@@@"])
def test_a_malformed_secret_is_refused_without_repeating_it(fake: FakeCodat, secret: str) -> None:
    with pytest.raises(ValueError, match="whsec_") as caught:
        fake.add_webhook_endpoint(Inbox(), secret=secret)
    body = secret.removeprefix("whsec_")
    assert not body or body not in str(caught.value)


def test_unknown_event_types_are_refused(fake: FakeCodat) -> None:
    with pytest.raises(ValueError, match="connection.linked"):
        fake.add_webhook_endpoint(Inbox(), event_types=["connection.linked"])
    with pytest.raises(TypeError, match="one string"):
        fake.add_webhook_endpoint(Inbox(), event_types="connection.created")


# -- generatedDate at Codat's millisecond precision ---------------------------------------------------------
def test_generated_date_has_codats_milliseconds_and_events_may_share_one(clock: Clock) -> None:
    """Codat stamps ``generatedDate`` to the millisecond, so several events can share one (a receiver orders ties
    by its own rule); the fake stamps the same way, rounding up so no event is dated before the change it reports."""
    clock.now = datetime(2026, 3, 2, 9, 0, 0, 500, tzinfo=UTC)  # 0.5 ms past the second: the stamps round up
    fake = FakeCodat(api_key=API_KEY, clock=clock)
    inbox = Inbox()
    fake.add_webhook_endpoint(inbox)
    company = fake.add_company("Acme Ltd")
    [connection] = fake.seed_connections(company, 1)
    fake.deauthorize(company, connection)
    fake.complete_link(company, connection)  # a microsecond later, on the fake's clock
    dates = [received.event["generatedDate"] for received in inbox.received]
    assert dates == ["2026-03-02T09:00:00.001Z", "2026-03-02T09:00:00.001Z"]
    states = [received.event["payload"]["connection"] for received in inbox.received]
    assert all(
        parse_datetime(date) >= parse_datetime(state["created"]) for date, state in zip(dates, states, strict=True)
    )
    clock.advance(0.0015)
    fake.deauthorize(company, connection)
    assert inbox.received[-1].event["generatedDate"] == "2026-03-02T09:00:00.002Z"  # a whole millisecond stays
