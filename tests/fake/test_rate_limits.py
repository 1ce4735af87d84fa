"""``fake.enforce_rate_limits``: Codat's window limit, daily quota and per-company concurrency, with its headers.

Windows and the quota follow the fake's clock, which these tests move by hand; concurrency is about
real time, so those tests hold ten requests in flight with latency and send the eleventh meanwhile.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone

import httpx
import pytest

from codat_connections.testing import FakeCodat
from tests.conftest import API_KEY, CODAT_BASE
from tests.fake.conftest import AUTH, Clock, assert_codat_error
from tests.fake.upstream import validation_errors

RATE_HEADERS = ("x-rate-limit-limit", "x-rate-limit-remaining", "x-rate-limit-reset")


def path(company: str) -> str:
    return f"/companies/{company}/connections"


def rate(response: httpx.Response) -> tuple[int, int, int]:
    limit, remaining, reset = (int(response.headers[name]) for name in RATE_HEADERS)
    return limit, remaining, reset


def in_process(fake: FakeCodat) -> httpx.Client:
    return httpx.Client(transport=fake.transport(), base_url=CODAT_BASE, headers=AUTH, timeout=5)


def wait_until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + 10
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting: {what}"
        time.sleep(0.005)


@pytest.fixture
def timed(clock: Clock) -> FakeCodat:
    """A fake on the hand-moved clock, 4 s into a 10-second window (the clock starts on a whole minute)."""
    clock.advance(4)
    return FakeCodat(api_key=API_KEY, clock=clock)


# -- off by default -------------------------------------------------------------------------------------
def test_off_by_default_no_headers_and_no_429(http: httpx.Client, company: str) -> None:
    responses = [http.get(path(company)) for _ in range(30)]
    assert {r.status_code for r in responses} == {200}
    assert not any(name in responses[-1].headers for name in RATE_HEADERS)


# -- the window -----------------------------------------------------------------------------------------
def test_window_limit_counts_down_then_429s_until_the_next_window(timed: FakeCodat, clock: Clock) -> None:
    company = timed.add_company()
    timed.enforce_rate_limits(requests=3, per_seconds=10)
    window_end = int(clock.now.timestamp()) + 6
    with in_process(timed) as http:
        answers = [http.get(path(company)) for _ in range(3)]
        assert [rate(r) for r in answers] == [(3, 2, window_end), (3, 1, window_end), (3, 0, window_end)]
        clock.advance(0.5)
        refused = http.get(path(company))
        assert "3 requests in 10 seconds" in assert_codat_error(refused, 429)
        assert refused.headers["retry-after"] == "6"  # 5.5 s left, rounded up
        assert rate(refused) == (3, 0, window_end)
        clock.advance(5.5)
        again = http.get(path(company))
    assert again.status_code == 200
    assert rate(again) == (3, 2, window_end + 10)


def test_refused_requests_are_not_counted(timed: FakeCodat, clock: Clock) -> None:
    company = timed.add_company()
    timed.enforce_rate_limits(requests=2, per_seconds=10)
    with in_process(timed) as http:
        assert [http.get(path(company)).status_code for _ in range(6)] == [200, 200, 429, 429, 429, 429]
        clock.advance(6)
        assert [http.get(path(company)).status_code for _ in range(3)] == [200, 200, 429]


def test_defaults_are_codats_limits(http: httpx.Client, fake: FakeCodat, company: str) -> None:
    fake.enforce_rate_limits()
    response = http.get(path(company))
    limit, remaining, reset = rate(response)
    assert (limit, remaining) == (1000, 999)
    assert reset % 60 == 0
    assert 0 < reset - time.time() <= 61


def test_every_answer_carries_the_headers_once_enforced(http: httpx.Client, fake: FakeCodat, company: str) -> None:
    fake.enforce_rate_limits(requests=50, per_seconds=3600)
    fake.fail_with_status(503, method="DELETE")
    answers = [
        http.get(path(company)),
        http.get(path(company), params={"query": "nope=1"}),
        http.get(path(company), headers={"Authorization": "Basic d3Jvbmc="}),
        http.get("/no/such/path"),
        http.request("OPTIONS", path(company)),
        http.delete(path(company) + "/x"),
        http.post(path(company), json={"platformKey": "gbol"}),
    ]
    assert [r.status_code for r in answers] == [200, 400, 401, 404, 405, 503, 200]
    assert all(all(name in r.headers for name in RATE_HEADERS) for r in answers)
    assert int(answers[-1].headers["x-rate-limit-remaining"]) < 50


# -- the daily quota ------------------------------------------------------------------------------------
def test_daily_quota_429s_until_midnight_utc_and_sends_reached_then_reset(clock: Clock) -> None:
    clock.now = datetime(2026, 3, 2, 23, 59, 50, tzinfo=UTC)
    midnight = int(datetime(2026, 3, 3, tzinfo=UTC).timestamp())
    fake = FakeCodat(api_key=API_KEY, clock=clock)
    company = fake.add_company()
    received: list[bytes] = []

    def receiver(body: bytes, headers: dict[str, str]) -> int:
        received.append(body)
        return 200

    fake.add_webhook_endpoint(receiver, event_types=["client.rateLimit.reached", "client.rateLimit.reset"])
    fake.enforce_rate_limits(requests=1000, per_seconds=60, daily_quota=2)
    with in_process(fake) as http:
        assert [rate(http.get(path(company))) for _ in range(2)] == [(2, 1, midnight), (2, 0, midnight)]
        refused = [http.get(path(company)) for _ in range(3)]
        assert "daily quota of 2" in assert_codat_error(refused[0], 429)
        assert refused[0].headers["retry-after"] == "10"
        assert len(received) == 1, "reached is sent once, not per refused request"
        clock.advance(15)
        next_day = http.get(path(company))
    assert next_day.status_code == 200
    assert rate(next_day) == (2, 1, midnight + 86400)
    reached, reset = (json.loads(body) for body in received)
    assert (reached["eventType"], reached["payload"]["quotaRemaining"], reached["payload"]["dailyQuota"]) == (
        "client.rateLimit.reached",
        0,
        2,
    )
    assert reached["payload"]["expiryDate"] == "2026-03-03T00:00:00Z"
    assert (reset["eventType"], reset["payload"]["quotaRemaining"]) == ("client.rateLimit.reset", 2)
    assert reset["payload"]["expiryDate"] == "2026-03-04T00:00:00Z"
    for body in received:
        assert validation_errors("ClientRateLimitWebhook", body) == []


def test_quota_webhooks_are_dated_in_utc_whatever_the_clocks_zone() -> None:
    in_paris = timezone(timedelta(hours=2))
    fake = FakeCodat(api_key=API_KEY, clock=lambda: datetime(2026, 3, 3, 1, 59, 50, tzinfo=in_paris))
    company = fake.add_company()
    received: list[bytes] = []

    def receiver(body: bytes, headers: dict[str, str]) -> int:
        received.append(body)
        return 200

    fake.add_webhook_endpoint(receiver, event_types=["client.rateLimit.reached"])
    fake.enforce_rate_limits(daily_quota=1)
    with in_process(fake) as http:
        assert [http.get(path(company)).status_code for _ in range(2)] == [200, 429]
    [reached] = (json.loads(body) for body in received)
    assert reached["generatedDate"] == "2026-03-02T23:59:50.000Z", "the clock's own 01:59:50 is not UTC"


# -- per-company concurrency ----------------------------------------------------------------------------
def check_eleventh(fake: FakeCodat, http: httpx.Client, company: str, other: str) -> None:
    """With ten requests of ``company`` held in flight: the 11th is a 429, another company's is not."""
    wait_until(lambda: len(fake.requests) == 10, "ten requests in flight")
    fake.latency(0)
    eleventh = http.get(path(company))
    assert "10 concurrent requests" in assert_codat_error(eleventh, 429)
    assert eleventh.headers["retry-after"] == "1"
    assert http.get(path(other)).status_code == 200


@pytest.mark.parametrize("hold", ["latency", "delay"])
def test_an_11th_concurrent_request_for_one_company_is_429(
    http: httpx.Client, fake: FakeCodat, company: str, hold: str
) -> None:
    other = fake.add_company()
    fake.enforce_rate_limits(per_company_concurrency=10)
    if hold == "latency":
        fake.latency(1.0)
    else:
        fake.delay(1.0, times=10)
    statuses: list[int] = []
    threads = [threading.Thread(target=lambda: statuses.append(http.get(path(company)).status_code)) for _ in range(10)]
    for thread in threads:
        thread.start()
    check_eleventh(fake, http, company, other)
    for thread in threads:
        thread.join()
    assert statuses == [200] * 10
    assert http.get(path(company)).status_code == 200, "answered requests leave flight"


async def test_an_11th_concurrent_request_is_429_over_the_async_transport(fake: FakeCodat, company: str) -> None:
    other = fake.add_company()
    fake.enforce_rate_limits(per_company_concurrency=10)
    fake.latency(1.0)
    transport = fake.async_transport()
    async with httpx.AsyncClient(transport=transport, base_url=CODAT_BASE, headers=AUTH, timeout=5) as client:
        held = [asyncio.create_task(client.get(path(company))) for _ in range(10)]
        for _ in range(2000):  # up to 10 s for the tasks to reach the fake
            if len(fake.requests) == 10:
                break
            await asyncio.sleep(0.005)
        assert len(fake.requests) == 10
        fake.latency(0)
        eleventh = await client.get(path(company))
        assert_codat_error(eleventh, 429)
        assert (await client.get(path(other))).status_code == 200
        assert [r.status_code for r in await asyncio.gather(*held)] == [200] * 10
        assert (await client.get(path(company))).status_code == 200


def test_a_request_its_client_gave_up_on_stays_in_flight_until_answered(
    http: httpx.Client, fake: FakeCodat, company: str
) -> None:
    fake.enforce_rate_limits(per_company_concurrency=1)
    fake.delay(1.0)
    with pytest.raises(httpx.ReadTimeout):
        http.get(path(company), timeout=0.1)
    assert_codat_error(http.get(path(company)), 429)
    wait_until(lambda: http.get(path(company)).status_code == 200, "the abandoned request to finish")


# -- argument checks ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "kwargs",
    [
        {"requests": 0},
        {"per_seconds": 0},
        {"per_seconds": float("nan")},
        {"per_company_concurrency": 0},
        {"daily_quota": -1},
        {"requests": 1.5},
    ],
)
def test_bad_limits_are_value_errors(fake: FakeCodat, kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError, match=next(iter(kwargs))):
        fake.enforce_rate_limits(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(("seconds", "jitter"), [(-1.0, 0.0), (float("nan"), 0.0), (0.1, -0.1), (float("inf"), 0.0)])
def test_bad_latency_is_a_value_error(fake: FakeCodat, seconds: float, jitter: float) -> None:
    with pytest.raises(ValueError, match="seconds"):
        fake.latency(seconds, jitter)


def test_requests_refused_for_concurrency_are_not_counted_against_the_window(
    http: httpx.Client, fake: FakeCodat, company: str
) -> None:
    fake.enforce_rate_limits(requests=10, per_seconds=3600, per_company_concurrency=1)
    fake.delay(1.0)
    with pytest.raises(httpx.ReadTimeout):
        http.get(path(company), timeout=0.1)  # still in flight on the fake's side for about a second
    refused = [http.get(path(company)) for _ in range(3)]
    assert [(r.status_code, rate(r)[1]) for r in refused] == [(429, 9)] * 3
