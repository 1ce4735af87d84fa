"""Codat's in-flight 409: while the first request with an Idempotency-Key is still being answered, any other request
with that key is a 409 (whatever its body); once answered, the same request replays it and another is a 422; a 409
is never cached as the key's answer. Then six onboardings of one customer at once against the fake, while its
create takes 3 s, all get the one company (``slow``: real waits).
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from typing import Any

import httpx
import pytest

from codat_connections import AsyncCodatConnections, CodatConnections
from codat_connections.testing import FakeCodat, set_testing
from tests.conftest import API_KEY, CODAT_BASE
from tests.fake.conftest import AUTH, assert_codat_error

KEY = {"Idempotency-Key": "onboard-1"}
DELAY = 0.4
"""The first request's hold: long enough for the others to arrive while it is in flight."""


def path(company: str) -> str:
    return f"/companies/{company}/connections"


def posted(fake: FakeCodat, count: int) -> None:
    """Wait until the fake has received ``count`` POSTs (each is recorded as it arrives, before its hold)."""
    deadline = time.monotonic() + 5
    while len(fake.requests_to("POST")) < count:
        assert time.monotonic() < deadline, "the request did not reach the fake"
        time.sleep(0.005)


def in_background(call: Callable[[], httpx.Response]) -> tuple[threading.Thread, list[httpx.Response]]:
    answers: list[httpx.Response] = []
    thread = threading.Thread(target=lambda: answers.append(call()))
    thread.start()
    return thread, answers


def test_a_request_whose_key_is_in_flight_is_a_409_whatever_its_body(
    http: httpx.Client, fake: FakeCodat, company: str
) -> None:
    fake.delay(DELAY, method="POST")
    thread, first = in_background(lambda: http.post(path(company), json={"platformKey": "gbol"}, headers=KEY))
    posted(fake, 1)
    same = http.post(path(company), json={"platformKey": "gbol"}, headers=KEY)
    other = http.post(path(company), json={"platformKey": "qhyg"}, headers=KEY)
    thread.join()
    assert "still being answered" in assert_codat_error(same, 409)
    assert_codat_error(other, 409)
    assert "idempotent-replayed" not in same.headers
    [answer] = first
    assert answer.status_code == 200 and "idempotent-replayed" not in answer.headers
    assert [c["id"] for c in fake.connections_of(company)] == [answer.json()["id"]], "the 409s applied nothing"


def test_once_answered_the_same_request_replays_and_another_is_a_422_never_the_409(
    http: httpx.Client, fake: FakeCodat, company: str
) -> None:
    fake.delay(DELAY, method="POST")
    thread, first = in_background(lambda: http.post(path(company), json={"platformKey": "gbol"}, headers=KEY))
    posted(fake, 1)
    assert http.post(path(company), json={"platformKey": "gbol"}, headers=KEY).status_code == 409
    thread.join()
    replayed = http.post(path(company), json={"platformKey": "gbol"}, headers=KEY)
    assert replayed.status_code == 200, "a 409 is never cached as the key's answer"
    assert replayed.headers["idempotent-replayed"] == "true"
    assert replayed.json() == first[0].json()
    assert_codat_error(http.post(path(company), json={"platformKey": "qhyg"}, headers=KEY), 422)
    assert len(fake.connections_of(company)) == 1


def test_the_key_is_in_flight_through_the_latency_too(http: httpx.Client, fake: FakeCodat, company: str) -> None:
    fake.latency(DELAY)
    thread, _ = in_background(lambda: http.post(path(company), json={"platformKey": "gbol"}, headers=KEY))
    posted(fake, 1)
    fake.latency(0)
    assert_codat_error(http.post(path(company), json={"platformKey": "gbol"}, headers=KEY), 409)
    thread.join()
    assert http.post(path(company), json={"platformKey": "gbol"}, headers=KEY).status_code == 200


def test_another_key_is_not_held_up_by_one_in_flight(http: httpx.Client, fake: FakeCodat, company: str) -> None:
    fake.delay(DELAY, method="POST")
    thread, _ = in_background(lambda: http.post(path(company), json={"platformKey": "gbol"}, headers=KEY))
    posted(fake, 1)
    other_key = http.post(path(company), json={"platformKey": "gbol"}, headers={"Idempotency-Key": "onboard-2"})
    thread.join()
    assert other_key.status_code == 200


@pytest.mark.parametrize("way", ["in-process", "loopback"])
def test_a_client_that_gave_up_leaves_the_key_in_flight_until_the_answer_would_have_been_sent(
    fake: FakeCodat, company: str, way: str
) -> None:
    """As on a real server, the first request goes on after its client timed out: its retry is told so (409)."""
    fake.delay(DELAY, method="POST")
    with fake.serve() if way == "loopback" else nullcontext(CODAT_BASE) as base_url:
        transport = fake.transport() if way == "in-process" else None
        with httpx.Client(transport=transport, base_url=base_url, headers=AUTH, timeout=0.1) as http:
            started = time.monotonic()
            with pytest.raises(httpx.ReadTimeout):
                http.post(path(company), json={"platformKey": "gbol"}, headers=KEY)
            assert_codat_error(http.post(path(company), json={"platformKey": "gbol"}, headers=KEY), 409)
            time.sleep(max(0.0, started + DELAY + 0.1 - time.monotonic()))
            replayed = http.post(path(company), json={"platformKey": "gbol"}, headers=KEY)
    assert replayed.status_code == 200 and replayed.headers["idempotent-replayed"] == "true"


# -- six onboardings at once against a 3 s create ---------------------------------------------------------
CALLERS = 6
CREATE_SECONDS = 3.0
TAGS = {"uid": "cust-42"}


def onboarding_fake() -> FakeCodat:
    """The first create takes 3 s to answer. The fake stores a company as the create arrives, so each caller's
    lookup is held 0.5 s too: all six read "no such company" before the first create lands, as while Codat is
    still committing it, and every one of them then creates."""
    fake = FakeCodat(api_key=API_KEY)
    fake.delay(0.5, method="GET", path="/companies", times=CALLERS)
    fake.delay(CREATE_SECONDS, method="POST", path="/companies")
    return fake


def creates(fake: FakeCodat) -> list[int | None]:
    return [r.status for r in fake.requests_to("POST", "/companies")]


def one_company(fake: FakeCodat, ids: list[str]) -> None:
    assert len(set(ids)) == 1
    assert [c["id"] for c in fake_companies(fake)] == ids[:1]
    statuses = creates(fake)
    assert statuses.count(409) >= CALLERS - 1, statuses  # the others were told the first was in flight...
    assert set(statuses) == {200, 409}, statuses  # ...and waited for its answer (replayed: a 200)


def fake_companies(fake: FakeCodat) -> list[dict[str, Any]]:
    with httpx.Client(transport=fake.transport(), base_url=CODAT_BASE, headers=AUTH) as http:
        return list(http.get("/companies").json()["results"])


@pytest.mark.slow
@pytest.mark.parametrize("way", ["in-process", "loopback"])
def test_six_onboardings_while_the_create_takes_3_s_get_the_one_company(way: str) -> None:
    fake = onboarding_fake()
    start = threading.Barrier(CALLERS)
    with fake.serve() if way == "loopback" else nullcontext(CODAT_BASE) as base_url:
        http = httpx.Client(transport=fake.transport()) if way == "in-process" else None
        with (
            set_testing(False),
            CodatConnections(api_key=API_KEY, base_url=base_url, http_client=http, timeout=10) as codat,
        ):

            def onboard(_: int) -> str:
                start.wait(5)
                return codat.companies.get_or_create("Acme Ltd", tags=TAGS).id

            with ThreadPoolExecutor(max_workers=CALLERS) as pool:
                ids = list(pool.map(onboard, range(CALLERS)))
    one_company(fake, ids)


@pytest.mark.slow
@pytest.mark.parametrize("way", ["in-process", "loopback"])
async def test_six_async_onboardings_while_the_create_takes_3_s_get_the_one_company(way: str) -> None:
    fake = onboarding_fake()
    with fake.serve() if way == "loopback" else nullcontext(CODAT_BASE) as base_url:
        http = httpx.AsyncClient(transport=fake.async_transport()) if way == "in-process" else None
        with set_testing(False):
            async with AsyncCodatConnections(api_key=API_KEY, base_url=base_url, http_client=http, timeout=10) as codat:
                found = await asyncio.gather(
                    *(codat.companies.get_or_create("Acme Ltd", tags=TAGS) for _ in range(CALLERS))
                )
        if http is not None:
            await http.aclose()
    one_company(fake, [company.id for company in found])
