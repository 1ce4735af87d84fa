"""`make demo` is the project's main command: its walkthrough must keep passing."""

from __future__ import annotations

import pytest

from scripts import demo
from tests.conftest import VirtualClock


def test_demo_walkthrough_passes(capsys: pytest.CaptureFixture[str], client_clock: VirtualClock) -> None:
    sleeps = client_clock.waits
    demo.run_fake_demo(client_clock)
    out = capsys.readouterr().out
    assert "Demo complete" in out
    assert out.count("   ok: ") == 33
    assert "webhooks received: company.created, connection.created, connection.connected" in out
    for status in ("PendingAuth", "Linked", "Deauthorized", "Unlinked"):
        assert f"status {status}" in out, f"the demo names {status} as it reaches it"
    assert "found in 2 requests (not 3,001)" in out
    assert "the same company is found again" in out
    assert "the receiver answered 400: no matching webhook signature" in out
    assert "; gave up after 3 attempts" in out
    assert sleeps[0] == 1.0, "the demo's 429 asks for one retry after Retry-After: 1"
    assert len(sleeps) == 1 + 2 + 2 + 1, "429, two 503s, two 502s, the lost delete"
