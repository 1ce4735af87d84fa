"""``Ledger.sync`` against the fake: pull at Codat's time, push and pull meeting, and the removal rules."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from codat_connections import AsyncCodatConnections, CodatConnections
from codat_connections.errors import InternalServerError
from codat_connections.ledger import Ledger, LedgerError, Outcome
from codat_connections.testing import FakeCodat
from codat_connections.webhooks import unwrap
from tests.conftest import API_KEY
from tests.ledger.events import connection_event, deleted_event

START = datetime(2026, 3, 2, 8, 0, 0, 250000, tzinfo=UTC)


class Clock:
    """The fake's clock (Codat's), moved by the test."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def fake(clock: Clock) -> FakeCodat:
    return FakeCodat(api_key=API_KEY, clock=clock)


def client(
    fake: FakeCodat, answer: Callable[[httpx.Request, httpx.Response], httpx.Response] | None = None
) -> CodatConnections:
    inner = fake.transport()

    def handle(request: httpx.Request) -> httpx.Response:
        response = inner.handle_request(request)
        return response if answer is None else answer(request, response)

    return CodatConnections(
        api_key=API_KEY, max_retries=0, http_client=httpx.Client(transport=httpx.MockTransport(handle))
    )


@pytest.fixture
def codat(fake: FakeCodat) -> Iterator[CodatConnections]:
    with client(fake) as opened:
        yield opened


def webhooks_into(ledger: Ledger, fake: FakeCodat) -> list[Outcome]:
    """Deliver the fake's webhooks to the ledger, as a receiver would; the outcomes, in order."""
    outcomes: list[Outcome] = []

    def receive(body: bytes, headers: dict[str, str]) -> int:
        outcomes.append(ledger.record(unwrap(body, headers, secret=endpoint.secret)))
        return 200

    endpoint = fake.add_webhook_endpoint(receive)
    return outcomes


def test_a_sync_records_the_fleet_at_codats_time_of_each_page(
    ledger: Ledger, fake: FakeCodat, codat: CodatConnections
) -> None:
    fake.add_companies(7, connections_each=3, deauthorized_share=0.25)
    report = ledger.sync(codat, page_size=3)
    assert (report.companies, report.connections, report.changed, report.removed) == (7, 21, 21, 0)
    assert report.requests == math.ceil(7 / 3) == len(fake.requests_to("GET", "/companies"))
    date = START.replace(microsecond=0)  # the Date header has whole seconds
    assert report.as_of is not None and date - timedelta(seconds=1) < report.as_of <= date
    flagged = ledger.needing_attention()
    assert len(flagged) == 5 and all(state.status == "Deauthorized" and state.source == "sweep" for state in flagged)
    assert all(state.as_of <= date for state in flagged)
    assert len(ledger.episodes()) == 5
    again = ledger.sync(codat, page_size=3)
    assert (again.changed, again.removed) == (0, 0)


def test_push_and_pull_a_relinked_customer_whose_webhook_was_lost_gets_no_email(
    ledger: Ledger, fake: FakeCodat, clock: Clock, codat: CodatConnections
) -> None:
    """Swept; deauthorized (its webhook recorded); re-linked with the webhook lost; swept again: closed unclaimed."""
    company = fake.add_company("Bright Bakery Ltd")
    [connection_id] = fake.seed_connections(company, 1)
    ledger.sync(codat)
    clock.advance(3600)
    outcomes = webhooks_into(ledger, fake)
    fake.deauthorize(company, connection_id)
    assert outcomes == [Outcome.APPLIED]
    [episode] = ledger.episodes()
    assert episode.connection_id == connection_id and episode.company_name == "Bright Bakery Ltd"
    fake.remove_webhook_endpoint(fake.webhook_endpoints[0])  # the connection.reconnected webhook is lost
    clock.advance(60)
    fake.complete_link(company, connection_id)
    clock.advance(86400)  # the next morning
    report = ledger.sync(codat)
    assert report.changed == 1
    state = ledger.get(connection_id)
    assert state is not None and (state.status, state.source, state.needs_attention) == ("Linked", "sweep", False)
    assert ledger.episodes() == [] and ledger.claim() == []


def test_a_page_older_than_what_the_ledger_knows_changes_nothing(
    ledger: Ledger, fake: FakeCodat, codat: CodatConnections
) -> None:
    company = fake.add_company("Acme Ltd")
    [connection_id] = fake.seed_connections(company, 1, status="Linked")
    later = START + timedelta(seconds=5)
    ledger.record(connection_event(connection_id, "Deauthorized", later, company_id=company))
    report = ledger.sync(codat)
    assert report.changed == 0
    state = ledger.get(connection_id)
    assert state is not None and state.status == "Deauthorized" and state.as_of == later


def test_a_webhook_within_the_pages_second_wins_over_the_page(
    ledger: Ledger, fake: FakeCodat, codat: CodatConnections
) -> None:
    """The Date says 08:00:00 while the page was read at 08:00:00.250: a webhook of 08:00:00.000 may be newer."""
    company = fake.add_company("Acme Ltd")
    [connection_id] = fake.seed_connections(company, 1, status="Linked")
    start_of_second = START.replace(microsecond=0)
    ledger.record(connection_event(connection_id, "Deauthorized", start_of_second, company_id=company))
    ledger.sync(codat)
    state = ledger.get(connection_id)
    assert state is not None and state.status == "Deauthorized"


def test_a_connection_missing_from_a_complete_sync_is_recorded_deleted(
    ledger: Ledger, fake: FakeCodat, clock: Clock, codat: CodatConnections
) -> None:
    kept, gone = fake.add_companies(2, connections_each=1, status="Deauthorized")
    ledger.sync(codat)
    [gone_connection] = [connection["id"] for connection in fake.connections_of(gone)]
    clock.advance(60)
    codat.companies.delete(gone)  # no webhook endpoint: the deletion is heard of by the sweep only
    clock.advance(86400)
    report = ledger.sync(codat)
    assert report.removed == 1
    state = ledger.get(gone_connection)
    assert state is not None and state.deleted and not state.needs_attention and state.source == "sweep"
    assert [episode.company_id for episode in ledger.episodes()] == [kept]


def test_a_filtered_sync_removes_nothing(
    ledger: Ledger, fake: FakeCodat, clock: Clock, codat: CodatConnections
) -> None:
    fake.add_company("Tagged Ltd", tags={"region": "uk"})
    untagged = fake.add_company("Other Ltd")
    fake.seed_connections(untagged, 1)
    ledger.sync(codat)
    clock.advance(86400)
    report = ledger.sync(codat, tags="region=uk")
    assert (report.companies, report.removed) == (1, 0)
    [connection] = fake.connections_of(untagged)
    state = ledger.get(connection["id"])
    assert state is not None and not state.deleted


def test_a_sync_that_fails_half_way_keeps_its_pages_and_removes_nothing(
    ledger: Ledger, fake: FakeCodat, clock: Clock, codat: CodatConnections
) -> None:
    ids = fake.add_companies(4, connections_each=1)
    ledger.sync(codat, page_size=2)
    clock.advance(86400)
    fake.seed_connections(ids[0], 1, status="Deauthorized")  # news on the first page
    seen = {"pages": 0}

    def second_page_fails(request: httpx.Request, response: httpx.Response) -> httpx.Response:
        seen["pages"] += 1
        return httpx.Response(500, json={"statusCode": 500, "error": "boom"}) if seen["pages"] == 2 else response

    with client(fake, second_page_fails) as failing, pytest.raises(InternalServerError):
        ledger.sync(failing, page_size=2)
    assert len(ledger.needing_attention()) == 1  # the first page was recorded
    assert all(not (state := ledger.get(c["id"])) or not state.deleted for i in ids for c in fake.connections_of(i))


def test_a_connection_first_heard_of_during_the_sweep_is_not_removed(
    ledger: Ledger, fake: FakeCodat, clock: Clock, codat: CodatConnections
) -> None:
    fake.add_companies(1, connections_each=1)
    ledger.sync(codat)
    clock.advance(86400)
    # A company created while the sweep ran, after its page was read: its webhook is newer than the sweep's start.
    during = START + timedelta(days=1, milliseconds=500)
    ledger.record(connection_event("created-mid-sweep", "PendingAuth", during, company_id="new-company"))
    # One the ledger knew from before the sweep, and no sweep lists: deleted.
    ledger.record(connection_event("known-before", "Linked", START + timedelta(hours=1), company_id="old-company"))
    report = ledger.sync(codat)
    assert report.removed == 1
    mid = ledger.get("created-mid-sweep")
    before = ledger.get("known-before")
    assert mid is not None and not mid.deleted
    assert before is not None and before.deleted


def test_a_page_without_a_date_header_stops_the_sync(ledger: Ledger, fake: FakeCodat) -> None:
    fake.add_companies(1, connections_each=1)

    def no_date(request: httpx.Request, response: httpx.Response) -> httpx.Response:
        headers = {name: value for name, value in response.headers.items() if name.lower() != "date"}
        return httpx.Response(response.status_code, headers=headers, content=response.read())

    with client(fake, no_date) as undated, pytest.raises(LedgerError, match="without a Date header"):
        ledger.sync(undated)
    assert ledger.needing_attention() == []


def test_sync_takes_a_sync_client(ledger: Ledger, fake: FakeCodat) -> None:
    async_client = AsyncCodatConnections(
        api_key=API_KEY, http_client=httpx.AsyncClient(transport=fake.async_transport())
    )
    with pytest.raises(TypeError, match="CodatConnections client"):
        ledger.sync(async_client)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="page_size"):
        ledger.sync(
            CodatConnections(api_key=API_KEY, http_client=httpx.Client(transport=fake.transport())), page_size=0
        )


def test_a_page_that_took_long_is_taken_as_read_before_its_date(ledger: Ledger, fake: FakeCodat, clock: Clock) -> None:
    """Codat read the page at 08:00:00.900 and stamped it 08:00:01 (a slow answer): a webhook of 08:00:00.950
    is newer than what the page says, though older than its Date. The time the page took covers the gap."""
    company = fake.add_company("Acme Ltd")
    [connection_id] = fake.seed_connections(company, 1, status="Linked")
    clock.now = START.replace(microsecond=900000)

    def stamped_later(request: httpx.Request, response: httpx.Response) -> httpx.Response:
        import time
        from email.utils import format_datetime

        time.sleep(0.3)
        headers = dict(response.headers) | {
            "date": format_datetime(START.replace(microsecond=0) + timedelta(seconds=1), usegmt=True)
        }
        return httpx.Response(response.status_code, headers=headers, content=response.read())

    ledger.record(
        connection_event(connection_id, "Deauthorized", START.replace(microsecond=950000), company_id=company)
    )
    with client(fake, stamped_later) as slow:
        report = ledger.sync(slow)
    assert report.changed == 0
    state = ledger.get(connection_id)
    assert state is not None and state.status == "Deauthorized"


def test_a_connection_listed_by_a_slow_page_is_not_removed(ledger: Ledger, fake: FakeCodat, clock: Clock) -> None:
    """A slow second page is taken as read before the first page's time: what it lists still exists."""
    fake.add_companies(2, connections_each=1)
    with client(fake) as codat:
        ledger.sync(codat, page_size=1)
    clock.advance(86400)
    pages = {"count": 0}

    def second_page_slow(request: httpx.Request, response: httpx.Response) -> httpx.Response:
        import time

        pages["count"] += 1
        if pages["count"] == 2:
            time.sleep(0.1)
        return response

    with client(fake, second_page_slow) as slow:
        report = ledger.sync(slow, page_size=1)
    assert (report.companies, report.removed) == (2, 0)


def test_a_connection_a_sync_removed_comes_back_when_a_later_listing_shows_it(
    ledger: Ledger, fake: FakeCodat, clock: Clock
) -> None:
    """A removal is what one listing did not show, not a deletion Codat reported: if a listing ever misses a live
    connection, the next one that shows it brings it back (flagged, with a new episode), never lost for good."""
    shown, missed = fake.add_companies(2, connections_each=1, status="Deauthorized")
    [connection_id] = [connection["id"] for connection in fake.connections_of(missed)]

    def without_missed(request: httpx.Request, response: httpx.Response) -> httpx.Response:
        body = response.json()
        body["results"] = [company for company in body["results"] if company["id"] != missed]
        body["totalResults"] = len(body["results"])
        return httpx.Response(response.status_code, headers=response.headers, json=body)

    with client(fake) as codat:
        ledger.sync(codat)
    clock.advance(86400)
    with client(fake, without_missed) as glitching:
        assert ledger.sync(glitching).removed == 1
    removed = ledger.get(connection_id)
    assert removed is not None and removed.deleted and [e.company_id for e in ledger.episodes()] == [shown]
    clock.advance(86400)
    with client(fake) as codat:
        report = ledger.sync(codat)
    back = ledger.get(connection_id)
    assert back is not None and not back.deleted and back.needs_attention and report.changed == 1
    assert sorted(episode.company_id for episode in ledger.episodes()) == sorted([shown, missed])


def test_a_deletion_codat_reported_stays_whatever_a_later_listing_says(
    ledger: Ledger, fake: FakeCodat, clock: Clock, codat: CodatConnections
) -> None:
    company = fake.add_company("Acme Ltd")
    [connection_id] = fake.seed_connections(company, 1, status="Deauthorized")
    ledger.record(deleted_event(connection_id, START, status="Deauthorized", company_id=company))
    clock.advance(86400)
    assert ledger.sync(codat).changed == 0
    state = ledger.get(connection_id)
    assert state is not None and state.deleted and state.source == "webhook" and ledger.episodes() == []


def test_ctrl_c_during_a_sync_leaves_at_once_without_waiting_for_the_page_in_flight() -> None:
    """The next page is fetched on a thread while this one is written: Ctrl-C must not wait for that request (up to
    the client's timeout, a minute); it did (3.5 s left of a 5 s page, probed). Other errors still wait for it."""
    import threading
    import time
    from collections.abc import Generator
    from typing import Any

    from codat_connections.ledger._sync import _read_ahead

    asked, answered, finished = threading.Event(), threading.Event(), threading.Event()

    def pages(answer: Callable[[], object]) -> Generator[Any, None, None]:
        yield "page 1"
        asked.set()
        answer()  # the next page's request, in flight
        finished.set()
        yield "page 2"

    def leave_on(error: BaseException, answer: Callable[[], object]) -> float:
        """Raise ``error`` while the second page is in flight; the seconds it took to leave the block."""
        asked.clear()
        finished.clear()
        try:
            with _read_ahead(pages(answer)) as fetched:
                for _ in fetched:
                    assert asked.wait(5)
                    started = time.monotonic()
                    raise error
        except type(error):
            return time.monotonic() - started
        raise AssertionError("not raised")

    threading.Timer(3, answered.set).start()
    assert leave_on(KeyboardInterrupt(), lambda: answered.wait(10)) < 1.5
    assert not finished.is_set()
    answered.set()
    assert leave_on(LedgerError("the database failed"), lambda: time.sleep(0.3)) >= 0.2
    assert finished.is_set(), "on an error, the request in flight ends before the sync returns"


def test_a_sync_that_stops_does_not_wait_out_the_next_pages_back_off() -> None:
    """Review: the page fetched ahead ran outside the sweep's stop signal, so a sync stopped by a page it could
    not record still waited out the next page's retry back-off or pacing pause (up to a minute) first."""
    import threading
    import time
    from collections.abc import Generator
    from typing import Any

    from codat_connections._clock import SystemClock
    from codat_connections.ledger._sync import _read_ahead

    waiting = threading.Event()

    def pages() -> Generator[Any, None, None]:
        yield "page 1"
        waiting.set()
        SystemClock().sleep(30)  # the next page's request: a 503, and its Retry-After
        yield "page 2"

    def record_the_first_page() -> None:
        with _read_ahead(pages()) as fetched:
            for _ in fetched:
                assert waiting.wait(5)
                raise LedgerError("page 1 could not be recorded")

    started = time.monotonic()
    with pytest.raises(LedgerError):
        record_the_first_page()
    assert time.monotonic() - started < 5, "left during the back-off, not after it"
