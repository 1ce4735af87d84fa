"""Webhook tests run on a pinned clock and without a secret in the environment unless they set one."""

from __future__ import annotations

import time

import pytest

from codat_connections._constants import WEBHOOK_SECRET_ENV
from tests.webhooks.signing import NOW


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """``time.time`` reads ``clock[0]``: tests move it to probe the tolerance window."""
    now = [float(NOW)]
    monkeypatch.setattr(time, "time", lambda: now[0])
    monkeypatch.delenv(WEBHOOK_SECRET_ENV, raising=False)
    return now
