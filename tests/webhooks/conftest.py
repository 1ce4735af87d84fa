"""Webhook tests run on a pinned clock and without a secret in the environment unless they set one.

The fake Codat here runs on a clock the test moves (``now``), so that each event's ``generatedDate``
is the moment the test chose; ``receiver`` is a receiver and worker written by hand on ``unwrap``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest

from codat_connections import CodatConnections
from codat_connections._constants import WEBHOOK_SECRET_ENV
from codat_connections.testing import FakeCodat
from tests.conftest import API_KEY
from tests.webhooks.guide_receiver import Receiver
from tests.webhooks.signing import NOW


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """``time.time`` reads ``clock[0]``: tests move it to probe the tolerance window."""
    now = [float(NOW)]
    monkeypatch.setattr(time, "time", lambda: now[0])
    monkeypatch.delenv(WEBHOOK_SECRET_ENV, raising=False)
    return now


@pytest.fixture
def now() -> list[datetime]:
    """The fake's clock: ``now[0]``, moved by the test."""
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


@pytest.fixture
def receiver() -> Receiver:
    return Receiver()
