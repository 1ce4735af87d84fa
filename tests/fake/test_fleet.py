"""Fleet set-up and long runs: ``add_companies`` (capped, built without the lock), latency on every transport, a
bounded request log."""

from __future__ import annotations

import threading
import uuid

import httpx
import pytest

from codat_connections.testing import FakeCodat
from codat_connections.testing._state.platforms import MAX_CONNECTIONS_EACH, MAX_FLEET_COMPANIES
from tests.conftest import API_KEY
from tests.fake.conftest import AUTH, assert_codat_error, link_prefix


def path(company: str) -> str:
    return f"/companies/{company}/connections"


def test_add_companies_sets_up_a_fleet_readable_through_the_api(http: httpx.Client, fake: FakeCodat) -> None:
    ids = fake.add_companies(50, connections_each=3)
    assert len(set(ids)) == 50
    for company in (ids[0], ids[-1]):
        page = http.get(path(company)).json()
        assert page["totalResults"] == 3
        assert {c["status"] for c in page["results"]} == {"Linked"}
        assert all(c["linkUrl"].startswith(link_prefix(http, company)) for c in page["results"])


def test_add_companies_takes_a_platform_and_status(fake: FakeCodat) -> None:
    [company] = fake.add_companies(1, connections_each=2, platform_key="qhyg", status="Deauthorized")
    assert [(c["integrationKey"], c["status"]) for c in fake.connections_of(company)] == [("qhyg", "Deauthorized")] * 2
    assert fake.add_companies(0) == []
    assert fake.connections_of(fake.add_companies(1)[0]) == []


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"n": -1}, "n must be"),
        ({"n": 2, "connections_each": -1}, "connections_each must be"),
        ({"n": 1, "platform_key": "nope"}, "unknown platform key 'nope'"),
        ({"n": 1, "status": "Active"}, "status must be one of"),
    ],
)
def test_add_companies_checks_its_arguments(fake: FakeCodat, kwargs: dict[str, object], words: str) -> None:
    with pytest.raises(ValueError, match=words):
        fake.add_companies(**kwargs)  # type: ignore[arg-type]
    assert repr(fake) == "FakeCodat(companies=0, requests=0)"


def test_latency_applies_over_serve(fake: FakeCodat, company: str) -> None:
    fake.latency(5.0)
    with fake.serve() as base_url, pytest.raises(httpx.ReadTimeout):
        httpx.get(base_url + path(company), headers=AUTH, timeout=0.2)


def test_latency_with_jitter_varies_within_its_bounds(fake: FakeCodat, company: str) -> None:
    fake.latency(0.1, jitter=0.2)
    waits = [fake.handle("GET", path(company), {}, AUTH, b"").delay for _ in range(50)]
    assert all(0.1 <= wait <= 0.3 for wait in waits)
    assert len(set(waits)) > 1
    fake.latency(0)
    assert fake.handle("GET", path(company), {}, AUTH, b"").delay == 0


def test_injected_delay_adds_to_latency(fake: FakeCodat, company: str) -> None:
    fake.latency(0.25)
    fake.delay(1.0)
    assert [fake.handle("GET", path(company), {}, AUTH, b"").delay for _ in range(2)] == [1.25, 0.25]


def test_the_request_log_keeps_the_most_recent_when_bounded() -> None:
    fake = FakeCodat(api_key=API_KEY, max_recorded_requests=5)
    companies = fake.add_companies(8)
    for company in companies:
        fake.handle("GET", path(company), {}, AUTH, b"")
    assert [r.path for r in fake.requests] == [path(c) for c in companies[-5:]]
    assert "requests=5" in repr(fake)


def test_the_request_log_can_be_off() -> None:
    fake = FakeCodat(api_key=API_KEY, max_recorded_requests=0)
    [company] = fake.add_companies(1)
    assert fake.handle("GET", path(company), {}, AUTH, b"").status == 200
    assert fake.requests == []


def test_the_request_log_never_holds_the_key(fake: FakeCodat, company: str) -> None:
    fake.handle("POST", path(company), {}, {**AUTH, "Idempotency-Key": "k"}, b'{"platformKey": "gbol"}')
    [recorded] = fake.requests
    assert "authorization" not in recorded.headers
    assert recorded.headers["idempotency-key"] == "k"
    assert recorded.body == {"platformKey": "gbol"}


@pytest.mark.parametrize("bound", [-1, 2.5])
def test_a_bad_log_bound_is_a_value_error(bound: float) -> None:
    with pytest.raises(ValueError, match="max_recorded_requests"):
        FakeCodat(max_recorded_requests=bound)  # type: ignore[arg-type]


# -- a fleet is built without the lock every request needs, and capped -------------------------------------
class FirstIdWaits:
    """``uuid.uuid4`` whose first call after ``arm`` waits for ``release``: a fleet's build caught in the middle."""

    def __init__(self) -> None:
        self.real = uuid.uuid4
        self.armed = False
        self.started = threading.Event()
        self.release = threading.Event()

    def __call__(self) -> uuid.UUID:
        if self.armed and not self.started.is_set():
            self.started.set()
            self.release.wait(10)
        return self.real()


def test_a_fleet_being_built_holds_no_request_up(
    http: httpx.Client, fake: FakeCodat, company: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Review: POST /_fake/fleet built every company under the lock every request needs, so a big fleet froze
    the server; now the companies are built first, then added at once."""
    waits = FirstIdWaits()
    monkeypatch.setattr(uuid, "uuid4", waits)
    waits.armed = True
    builder = threading.Thread(target=lambda: http.post("/_fake/fleet", json={"companies": 3, "connectionsEach": 2}))
    builder.start()
    try:
        assert waits.started.wait(5), "the fleet's build did not start"
        answers: list[int] = []
        reader = threading.Thread(target=lambda: answers.append(http.get(path(company)).status_code))
        reader.start()
        reader.join(3)
        assert answers == [200], "a request waited for the fleet's build"
        assert len(fake.requests_to("GET")) == 1
    finally:
        waits.release.set()
        builder.join(10)
    assert http.get("/companies").json()["totalResults"] == 4, "then the fleet is there, all of it"


def test_the_python_control_builds_without_the_lock_too(fake: FakeCodat, monkeypatch: pytest.MonkeyPatch) -> None:
    waits = FirstIdWaits()
    monkeypatch.setattr(uuid, "uuid4", waits)
    waits.armed = True
    built: list[list[str]] = []
    builder = threading.Thread(target=lambda: built.append(fake.add_companies(2, connections_each=1)))
    builder.start()
    try:
        assert waits.started.wait(5)
        reader = threading.Thread(target=lambda: fake.add_company("Read while building"))
        reader.start()
        reader.join(3)
        assert not reader.is_alive(), "a control waited for the fleet's build"
    finally:
        waits.release.set()
        builder.join(10)
    [ids] = built
    assert all(fake.connections_of(company) for company in ids)


def test_a_fleets_stamps_are_distinct_and_before_what_follows(fake: FakeCodat) -> None:
    """Built outside the lock, a fleet still takes stamps from the fake's one clock: each record its own."""
    ids = fake.add_companies(20, connections_each=2, deauthorized_share=0.5)
    later = fake.add_company("Later")
    stamps = [fake.company(c)["created"] for c in ids]
    connection_stamps = [c["created"] for company in ids for c in fake.connections_of(company)]
    assert len(set(stamps + connection_stamps)) == 60
    assert max(stamps + connection_stamps) < fake.company(later)["created"]


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"n": MAX_FLEET_COMPANIES + 1}, "at most 100,000 companies"),
        ({"n": 1, "connections_each": MAX_CONNECTIONS_EACH + 1}, "at most 100,000 connections each"),
        ({"n": 20_000, "connections_each": 51}, "at most 1,000,000 connections in all"),
    ],
)
def test_a_fleet_is_capped_as_the_cli_caps_it(
    http: httpx.Client, fake: FakeCodat, kwargs: dict[str, int], words: str
) -> None:
    with pytest.raises(ValueError, match=words):
        fake.add_companies(**kwargs)  # type: ignore[arg-type]
    body = {"companies": kwargs["n"], "connectionsEach": kwargs.get("connections_each", 0)}
    assert words in assert_codat_error(http.post("/_fake/fleet", json=body), 400)
    assert http.get("/companies").json()["totalResults"] == 0


def test_seeded_connections_are_capped_as_the_cli_caps_them(http: httpx.Client, fake: FakeCodat, company: str) -> None:
    with pytest.raises(ValueError, match="at most 100,000 connections each"):
        fake.seed_connections(company, MAX_CONNECTIONS_EACH + 1)
    response = http.post(f"/_fake/companies/{company}/connections", json={"count": MAX_CONNECTIONS_EACH + 1})
    assert "at most 100,000" in assert_codat_error(response, 400)
