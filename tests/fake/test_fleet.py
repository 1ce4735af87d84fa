"""Fleet set-up and long runs: ``add_companies``, latency on every transport, a bounded request log."""

from __future__ import annotations

import httpx
import pytest

from codat_connections.testing import FakeCodat
from tests.conftest import API_KEY
from tests.fake.conftest import AUTH, link_prefix


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
