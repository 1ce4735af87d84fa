"""Each Python control returns what it applied, and what it returns is the caller's own (issue 26 §1).

The HTTP control API serialises these return values; here they are checked from Python, where a test
uses them: the connection after a transition, the limits, latency and webhook settings in force, the
redirect template, the deliveries after a flush, a fault as injected.
"""

from __future__ import annotations

import httpx
import pytest

from codat_connections.testing import (
    ConnectionNotFound,
    FakeCodat,
    Latency,
    NotFound,
    RateLimits,
    WebhookSettings,
)
from tests.conftest import CODAT_BASE
from tests.fake.conftest import AUTH


@pytest.fixture
def company(fake: FakeCodat) -> str:
    return fake.add_company("Acme Ltd")


def test_a_transition_returns_the_connection_as_it_is_now(fake: FakeCodat, company: str) -> None:
    [pending] = fake.seed_connections(company, 1, status="PendingAuth")
    failed = fake.fail_link(company, pending, "no")
    assert failed["status"] == "PendingAuth" and failed["dataConnectionErrors"][-1]["errorMessage"] == "no"
    linked = fake.complete_link(company, pending)
    assert linked["status"] == "Linked" and linked["dataConnectionErrors"][-1]["status"] == "Resolved"
    assert linked == fake.connection(company, pending)
    gone = fake.deauthorize(company, pending, "revoked")
    assert gone["status"] == "Deauthorized" and gone == fake.connections_of(company)[0]


def test_what_a_read_returns_is_a_copy(fake: FakeCodat, company: str) -> None:
    [lost] = fake.seed_connections(company, 1, status="Deauthorized")
    record = fake.connection(company, lost)
    record["dataConnectionErrors"][0]["status"] = "Resolved"
    record["status"] = "Linked"
    assert fake.connection(company, lost)["dataConnectionErrors"][0]["status"] == "Active"
    whole = fake.company(company)
    assert (whole["name"], [c["id"] for c in whole["dataConnections"]]) == ("Acme Ltd", [lost])
    whole["dataConnections"][0]["dataConnectionErrors"].clear()
    assert fake.connections_of(company)[0]["dataConnectionErrors"], "the store kept its errors"


def test_limits_latency_webhook_settings_and_the_redirect_are_returned_as_applied(fake: FakeCodat) -> None:
    assert fake.enforce_rate_limits() == RateLimits(1000, 60, 10, None)
    assert fake.enforce_rate_limits(5, per_seconds=1, daily_quota=9) == RateLimits(5, 1, 10, 9)
    assert fake.latency(0) == Latency(0.0, 0.0)
    assert fake.latency(0.5, 0.25) == Latency(0.5, 0.25)
    applied = fake.configure_webhooks(timeout=3, retry_schedule=[0.5])
    assert applied == WebhookSettings(3.0, (0.5,)) and applied.retry_schedule == (0.5,)
    assert fake.configure_webhooks().timeout == WebhookSettings().timeout
    template = "http://127.0.0.1:3000/done?status={statusCode}"
    assert fake.set_link_redirect(template) == template == fake.link_redirect
    assert fake.set_link_redirect(None) is None


def test_flush_returns_every_delivery(fake: FakeCodat, company: str) -> None:
    fake.add_webhook_endpoint(lambda body, headers: 200)
    [pending] = fake.seed_connections(company, 1, status="PendingAuth")
    fake.complete_link(company, pending)
    deliveries = fake.flush_webhooks()
    assert [d.event_type for d in deliveries] == ["connection.connected"]
    assert deliveries == fake.webhook_deliveries


def test_an_injected_fault_keeps_saying_what_was_injected(fake: FakeCodat, company: str) -> None:
    fault = fake.rate_limit(times=2, retry_after="0")
    changed_later = fake.fail_with_status(503, times=1, path="/accessToken")
    changed_later.status = 500
    with httpx.Client(transport=fake.transport(), base_url=CODAT_BASE, headers=AUTH) as http:
        statuses = [http.get(f"/companies/{company}/connections").status_code for _ in range(3)]
        assert http.get(f"/companies/{company}/accessToken").status_code == 503, "the queue kept its own copy"
    assert statuses == [429, 429, 200]
    assert fault.times == 2, "the fake counts the uses itself"


def test_not_found_names_what_is_missing_and_keeps_its_old_name(fake: FakeCodat, company: str) -> None:
    assert ConnectionNotFound is NotFound and issubclass(NotFound, ValueError)
    with pytest.raises(NotFound, match="No webhook endpoint with id ep_nope"):
        fake.webhook_endpoint("ep_nope")
    with pytest.raises(NotFound, match="No company was found with ID nope"):
        fake.company("nope")
    with pytest.raises(ConnectionNotFound, match="Data connection nope not found"):
        fake.connection(company, "nope")
    endpoint = fake.add_webhook_endpoint(lambda body, headers: 200)
    assert fake.webhook_endpoint(endpoint.id) is endpoint


def test_requests_to_filters_by_method_and_path_each_when_given(fake: FakeCodat, company: str) -> None:
    with httpx.Client(transport=fake.transport(), base_url=CODAT_BASE, headers=AUTH) as http:
        http.get("/companies")
        http.post(f"/companies/{company}/connections", json={"platformKey": "gbol"})
    assert [r.method for r in fake.requests_to()] == ["GET", "POST"]
    assert [r.path for r in fake.requests_to(path="/companies")] == ["/companies"]
    assert [r.method for r in fake.requests_to("post")] == ["POST"]
