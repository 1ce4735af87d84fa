"""Fixtures for the fake's own tests: raw HTTP to the fake (in-process and over loopback) and a clock a test moves."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from codat_connections.testing import FakeCodat
from tests.conftest import API_KEY, CODAT_BASE

AUTH = {"Authorization": "Basic " + base64.b64encode(API_KEY.encode()).decode()}


class Clock:
    """A UTC clock that moves only when the test says so."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 3, 2, 9, 0, 0, tzinfo=UTC))


@pytest.fixture(params=["in-process", "loopback"])
def http(request: pytest.FixtureRequest, fake: FakeCodat) -> Iterator[httpx.Client]:
    """Plain httpx to the fake with the right key: what any HTTP client in any language would send."""
    if request.param == "in-process":
        with httpx.Client(transport=fake.transport(), base_url=CODAT_BASE, headers=AUTH, timeout=5) as client:
            yield client
    else:
        with fake.serve() as base_url, httpx.Client(base_url=base_url, headers=AUTH, timeout=5) as client:
            yield client


def assert_codat_error(response: httpx.Response, status: int) -> str:
    """The response is Codat's JSON error body with this status; returns its message."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["statusCode"] == status
    assert body["correlationId"]
    assert isinstance(body["error"], str) and body["error"]
    return str(body["error"])


def company_link(http: httpx.Client, company: str) -> str:
    """A company's ``redirect``: Codat's Link in-process, the fake's own company Link page when served."""
    if str(http.base_url).startswith(CODAT_BASE):
        return f"https://link.codat.io/company/{company}"
    return f"{str(http.base_url).rstrip('/')}/_fake/link/companies/{company}/start"


def link_prefix(http: httpx.Client, company: str) -> str:
    """Where a connection's ``linkUrl`` starts: Codat's Link in-process, the fake's own Link page when served."""
    if str(http.base_url).startswith(CODAT_BASE):
        return f"https://link-api.codat.io/companies/{company}/connections/"
    return f"{str(http.base_url).rstrip('/')}/_fake/link/companies/{company}/connections/"
