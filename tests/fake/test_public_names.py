"""``codat_connections.testing`` exports exactly its documented names, each with a docstring."""

from __future__ import annotations

import inspect

from codat_connections import testing
from codat_connections.testing import FakeCodat

EXPECTED = {
    "PLATFORMS",
    "WEBHOOK_EVENT_TYPES",
    "CannotListen",
    "ConnectionNotFound",
    "FakeCodat",
    "FakeResponse",
    "Fault",
    "InvalidTransition",
    "Latency",
    "NotFound",
    "Platform",
    "RateLimits",
    "RecordedRequest",
    "WebhookDelivery",
    "WebhookEndpoint",
    "WebhookSettings",
    "is_testing",
    "set_testing",
}


def test_all_is_pinned_and_importable() -> None:
    assert set(testing.__all__) == EXPECTED
    assert len(testing.__all__) == len(EXPECTED)
    for name in testing.__all__:
        assert getattr(testing, name) is not None


def test_every_public_name_is_documented() -> None:
    package_doc = testing.__doc__ or ""
    for name in testing.__all__:
        assert f"``{name}``" in package_doc, f"{name} is not listed in the package docstring"
        value = getattr(testing, name)
        if inspect.isclass(value):
            assert inspect.getdoc(value), f"{name} has no docstring"


def test_every_public_member_of_fakecodat_is_documented() -> None:
    members = [name for name, _ in inspect.getmembers(FakeCodat) if not name.startswith("_")]
    assert {"enforce_rate_limits", "latency", "add_companies", "add_webhook_endpoint", "flush_webhooks"} <= set(members)
    undocumented = [name for name in members if not inspect.getdoc(getattr(FakeCodat, name))]
    assert undocumented == []
