"""Out of order: a hand-written worker ends with each connection's latest status, whatever the delivery order.

(The ledger's own ordering, ties included, is tested in tests/ledger/test_rules.py.)

The fake's clock moves a second between actions, so each event's ``generatedDate`` is the moment of
the change it reports. ``reorder_webhooks`` delivers newest first; every other order is replayed from
the signed deliveries themselves, all 720 of a six-event history.
"""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

import pytest

from codat_connections import CodatConnections
from codat_connections.testing import FakeCodat
from codat_connections.webhooks import ConnectionEvent
from tests.webhooks.guide_receiver import Receiver, subscribe, summary

Delivery = tuple[bytes, dict[str, str]]


@pytest.fixture(autouse=True)
def clock() -> None:
    """The real clock (not conftest.py's pinned one): the fake signs each attempt at the current time."""


class History:
    """Two connections' lives, one change a second: one deauthorized then re-linked, one deleted unlinked."""

    def __init__(self, fake: FakeCodat, codat: CodatConnections, now: list[datetime]) -> None:
        def step() -> None:
            now[0] += timedelta(seconds=1)

        self.company = company = fake.add_company("Acme Ltd")
        self.relinked = codat.connections.create(company, "gbol")
        step()
        fake.complete_link(company, self.relinked.id)
        step()
        fake.deauthorize(company, self.relinked.id)  # connection.disconnected, Deauthorized
        step()
        fake.complete_link(company, self.relinked.id)  # connection.reconnected, Linked
        step()
        self.deleted = codat.connections.create(company, "qhyg")
        step()
        codat.connections.delete(company, self.deleted.id)  # its payload: PendingAuth, the status before
        self.final = {self.relinked.id: "Linked", self.deleted.id: "Deleted"}


def test_newest_first_delivery_ends_with_the_latest_states_and_acts_on_no_stale_event(
    fake: FakeCodat, codat: CodatConnections, receiver: Receiver, now: list[datetime], monkeypatch: pytest.MonkeyPatch
) -> None:
    subscribe(fake, receiver.receive, monkeypatch)
    fake.reorder_webhooks()
    history = History(fake, codat, now)
    fake.flush_webhooks()

    events = receiver.events()
    assert [summary(event) for event in events] == [
        ("connection.deleted", "PendingAuth"),
        ("connection.created", "PendingAuth"),
        ("connection.reconnected", "Linked"),
        ("connection.disconnected", "Deauthorized"),
        ("connection.connected", "Linked"),
        ("connection.created", "PendingAuth"),
    ]
    outcomes = [receiver.handle(event) for event in events]
    # The Deauthorized event arrives after the re-link that followed it: nobody is asked to re-link.
    stale = [outcome.startswith("stale: ") for outcome in outcomes]
    assert stale == [False, True, False, True, True, True]
    assert outcomes[0] == f"{history.company}: QuickBooks Online is Deleted"
    assert outcomes[2] == f"{history.company}: Xero is Linked"
    assert receiver.states() == history.final


def test_every_delivery_order_ends_with_the_latest_states(
    fake: FakeCodat, codat: CodatConnections, now: list[datetime], monkeypatch: pytest.MonkeyPatch
) -> None:
    deliveries: list[Delivery] = []

    def capture(body: bytes, headers: dict[str, str]) -> int:
        deliveries.append((body, headers))
        return 204

    subscribe(fake, capture, monkeypatch)
    history = History(fake, codat, now)
    fake.flush_webhooks()
    assert len(deliveries) == 6

    for order in itertools.permutations(deliveries):
        receiver = Receiver()
        assert [receiver.receive(body, headers) for body, headers in order] == [202] * 6
        events = receiver.events()
        outcomes = [receiver.handle(event) for event in events]
        assert receiver.states() == history.final, [summary(event) for event in events]
        kinds = [event.event_type.value for event in events if isinstance(event, ConnectionEvent)]
        deauthorized_before_relinked = kinds.index("connection.disconnected") < kinds.index("connection.reconnected")
        # Asked to re-link only while that was the latest news: never after the re-link was known.
        assert [o for o in outcomes if o.startswith("email ")] == (
            [f"email Acme Ltd: please re-link at {history.relinked.link_url}"] if deauthorized_before_relinked else []
        )
