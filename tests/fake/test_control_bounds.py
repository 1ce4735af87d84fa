"""Every control refuses what it cannot honour (issue 23 §5): a ``ValueError`` from the Python control, a 400 over
the control API, never a 500, a dead delivery thread, dropped requests or endless duplicates.

The review's five values: a flush timeout of 1e308, a retry schedule of 1e10, a latency of 1e300, a rate-limit
window of 1e-300 and ``duplicate_webhooks(1.5)``; and their neighbours (a delay fault, a jitter, a webhook
timeout), which reach the same sleeps and timed waits.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from codat_connections.testing import FakeCodat
from tests.fake.conftest import assert_codat_error
from tests.fake.receiver import Inbox

Case = tuple[str, Callable[[FakeCodat], object], tuple[str, str, dict[str, Any]]]
"""What is refused, the Python control given it, and the control API's (method, route, body) given it."""
CASES: list[Case] = [
    (
        "a flush timeout of 1e308",
        lambda f: f.flush_webhooks(timeout=1e308),
        ("POST", "webhooks/flush", {"timeout": 1e308}),
    ),
    (
        "a retry schedule of 1e10",
        lambda f: f.configure_webhooks(retry_schedule=[1e10]),
        ("PUT", "webhooks/settings", {"retrySchedule": [1e10]}),
    ),
    (
        "a webhook timeout of 1e300",
        lambda f: f.configure_webhooks(timeout=1e300),
        ("PUT", "webhooks/settings", {"timeout": 1e300}),
    ),
    ("a latency of 1e300", lambda f: f.latency(1e300), ("PUT", "latency", {"seconds": 1e300})),
    ("a jitter of 1e300", lambda f: f.latency(0, 1e300), ("PUT", "latency", {"seconds": 0, "jitter": 1e300})),
    ("a delay of 1e300", lambda f: f.delay(1e300), ("POST", "faults", {"kind": "delay", "seconds": 1e300})),
    (
        "a rate-limit window of 1e-300",
        lambda f: f.enforce_rate_limits(per_seconds=1e-300),
        ("PUT", "rate-limits", {"perSeconds": 1e-300}),
    ),
    (
        "a rate-limit window of 1e300",
        lambda f: f.enforce_rate_limits(per_seconds=1e300),
        ("PUT", "rate-limits", {"perSeconds": 1e300}),
    ),
    ("duplicate_webhooks(1.5)", lambda f: f.duplicate_webhooks(1.5), ("POST", "webhooks/duplicate", {"times": 1.5})),  # type: ignore[arg-type]
]
IDS = [case[0] for case in CASES]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_the_python_control_raises_a_value_error_and_the_fake_goes_on(
    fake: FakeCodat, company: str, case: Case
) -> None:
    _, control, _ = case
    with pytest.raises(ValueError, match=r"at most 86400 \(a day\)|whole number"):
        control(fake)
    assert_still_works(fake, company)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_the_control_api_answers_400_and_the_fake_goes_on(
    http: httpx.Client, fake: FakeCodat, company: str, case: Case
) -> None:
    _, _, (method, name, body) = case
    message = assert_codat_error(http.request(method, f"/_fake/{name}", json=body), 400)
    assert "at most 86400 (a day)" in message or "whole number" in message
    assert http.get(f"/companies/{company}/connections").status_code == 200
    assert_still_works(fake, company)


def assert_still_works(fake: FakeCodat, company: str) -> None:
    """Every answer is prompt, one webhook goes out once, and a flush finishes: nothing was left half-applied."""
    inbox = Inbox()
    fake.add_webhook_endpoint(inbox)
    [connection] = fake.seed_connections(company, 1)
    fake.deauthorize(company, connection)
    fake.flush_webhooks(timeout=5)
    assert inbox.event_types == ["connection.disconnected"]
    with httpx.Client(transport=fake.transport(), base_url="https://api.codat.io", timeout=5) as plain:
        assert plain.get(f"/companies/{company}").status_code == 401  # answered at once, by the pipeline


def test_a_day_is_the_longest_any_control_takes(fake: FakeCodat) -> None:
    assert fake.latency(86_400).seconds == 86_400.0
    assert fake.configure_webhooks(retry_schedule=[36_000.0]).retry_schedule == (36_000.0,)  # Codat's 10 hours
    assert fake.enforce_rate_limits(per_seconds=0.001).per_seconds == 0.001
    fake.latency(0)
