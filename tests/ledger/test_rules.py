"""The ledger's push rules on each backend: deduplication, newest-wins ordering, its tie rule, final deletions."""

from __future__ import annotations

import itertools
import random
import uuid
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codat_connections.ledger import Ledger, Outcome
from codat_connections.ledger._observation import _LIFECYCLE
from codat_connections.status import needs_attention
from codat_connections.webhooks import ConnectionEvent
from tests.ledger.events import at, connection_event, deleted_event, quota_event

CONN = "c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f"


def test_a_delivery_seen_before_is_a_duplicate_and_changes_nothing(ledger: Ledger) -> None:
    lost = connection_event(CONN, "Deauthorized", at(1), message_id="msg_1")
    assert ledger.record(lost) is Outcome.APPLIED
    assert ledger.record(connection_event(CONN, "Linked", at(2), message_id="msg_2")) is Outcome.APPLIED
    assert ledger.record(lost) is Outcome.DUPLICATE  # a retry of msg_1, hours late
    state = ledger.get(CONN)
    assert state is not None and state.status == "Linked" and state.as_of == at(2)


def test_events_without_a_connection_are_deduplicated_only(ledger: Ledger) -> None:
    assert ledger.record(quota_event("msg_q")) is Outcome.APPLIED
    assert ledger.record(quota_event("msg_q")) is Outcome.DUPLICATE
    assert ledger.needing_attention() == []


def test_the_newest_generated_date_wins_whatever_the_arrival_order(ledger: Ledger) -> None:
    reconnected = connection_event(CONN, "Linked", at(10), event_type="connection.reconnected")
    disconnected = connection_event(CONN, "Deauthorized", at(5))
    assert ledger.record(reconnected) is Outcome.APPLIED
    assert ledger.record(disconnected) is Outcome.STALE  # late: acting on it would undo the re-link
    state = ledger.get(CONN)
    assert state is not None
    assert (state.status, state.needs_attention, state.as_of, state.source) == ("Linked", False, at(10), "webhook")
    assert ledger.needing_attention() == []


def test_the_same_news_again_under_another_message_id_is_stale(ledger: Ledger) -> None:
    event = connection_event(CONN, "Linked", at(1), event_id="evt-1")
    again = connection_event(CONN, "Linked", at(1), event_id="evt-1")
    assert ledger.record(event) is Outcome.APPLIED
    assert ledger.record(again) is Outcome.STALE


@pytest.mark.parametrize("first_flagged", [True, False])
def test_at_one_millisecond_a_flagged_state_wins_over_an_unflagged_one(ledger: Ledger, first_flagged: bool) -> None:
    flagged = connection_event(CONN, "Deauthorized", at(3))
    linked = connection_event(CONN, "Linked", at(3), event_type="connection.reconnected")
    for event in (flagged, linked) if first_flagged else (linked, flagged):
        ledger.record(event)
    state = ledger.get(CONN)
    assert state is not None and state.status == "Deauthorized" and state.needs_attention
    assert [episode.connection_id for episode in ledger.episodes()] == [CONN]


@pytest.mark.parametrize("order", [0, 1])
def test_at_one_millisecond_flagged_wins_before_the_lifecycle_order(ledger: Ledger, order: int) -> None:
    failing = connection_event(CONN, "Linked", at(3), active_error=True)
    unlinked = connection_event(CONN, "Unlinked", at(3))
    for event in [failing, unlinked][:: 1 if order == 0 else -1]:
        ledger.record(event)
    state = ledger.get(CONN)
    assert state is not None and state.status == "Linked" and state.needs_attention


@pytest.mark.parametrize("order", [0, 1])
def test_at_one_millisecond_the_later_status_of_the_lifecycle_wins(ledger: Ledger, order: int) -> None:
    created = connection_event(CONN, "PendingAuth", at(0))
    connected = connection_event(CONN, "Linked", at(0))
    for event in [created, connected][:: 1 if order == 0 else -1]:
        ledger.record(event)
    state = ledger.get(CONN)
    assert state is not None and state.status == "Linked"


def test_a_deletion_is_final_and_wins_whatever_its_time(ledger: Ledger) -> None:
    ledger.record(connection_event(CONN, "Deauthorized", at(10)))
    assert ledger.record(deleted_event(CONN, at(10), status="Deauthorized")) is Outcome.APPLIED
    assert ledger.record(connection_event(CONN, "Linked", at(20))) is Outcome.STALE
    state = ledger.get(CONN)
    assert state is not None and state.deleted and not state.needs_attention
    assert state.status == "Deauthorized"  # the status it had when it was deleted
    assert ledger.needing_attention() == [] and ledger.episodes() == []
    # Two reports of one deletion settle on the later one, in any order; the connection stays deleted.
    assert ledger.record(deleted_event(CONN, at(30), status="Linked")) is Outcome.APPLIED
    assert ledger.record(deleted_event(CONN, at(5), status="PendingAuth")) is Outcome.STALE
    state = ledger.get(CONN)
    assert state is not None and state.deleted and state.status == "Linked" and ledger.episodes() == []


def test_a_deletion_generated_before_the_known_state_still_deletes(ledger: Ledger) -> None:
    ledger.record(connection_event(CONN, "Linked", at(10)))
    assert ledger.record(deleted_event(CONN, at(5))) is Outcome.APPLIED
    state = ledger.get(CONN)
    assert state is not None and state.deleted


def test_the_flag_is_the_status_modules_rule(ledger: Ledger) -> None:
    cases = {
        "a1": connection_event("a1", "Deauthorized", at(1)),
        "a2": connection_event("a2", "Linked", at(1), active_error=True),
        "a3": connection_event("a3", "Linked", at(1)),
        "a4": connection_event("a4", "PendingAuth", at(1), event_type="connection.failed", active_error=True),
    }
    for event in cases.values():
        ledger.record(event)
    flagged = {state.connection_id for state in ledger.needing_attention()}
    assert flagged == {key for key, event in cases.items() if needs_attention(event.connection)}


def test_record_refuses_an_event_without_its_webhook_id(ledger: Ledger) -> None:
    from codat_connections.webhooks import parse_event
    from tests.ledger.events import connection_body

    anonymous = parse_event(connection_body(CONN, "Linked", at(1)))
    with pytest.raises(ValueError, match="webhook-id"):
        ledger.record(anonymous)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="unwrap"):
        ledger.record({"eventType": "connection.connected"})  # type: ignore[arg-type]
    assert ledger.get(CONN) is None


STATUSES = ["PendingAuth", "Linked", "Unlinked", "Deauthorized"]


def winner(events: list[ConnectionEvent]) -> tuple[str, bool]:
    """The rule, stated independently: a deletion if any (of several, the latest), else the newest; at one time
    flagged, then lifecycle, then the status text, then the event id. Returns (status, deleted)."""
    deletions = [event for event in events if event.event_type == "connection.deleted"]
    if deletions:  # two reports of one deletion: the later, then by status text and event id
        last = max(deletions, key=lambda event: (event.generated_date, event.connection.status.value, event.id))
        return last.connection.status.value, True

    def key(event: ConnectionEvent) -> tuple[object, ...]:
        flagged = needs_attention(event.connection)
        status = event.connection.status.value
        return (event.generated_date, flagged, _LIFECYCLE[status], status, event.id)

    newest = max(events, key=key)
    return newest.connection.status.value, False


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    reports=st.lists(
        st.tuples(st.sampled_from(STATUSES), st.integers(0, 2), st.booleans(), st.integers(0, 40)),
        min_size=1,
        max_size=6,
    ),
    seed=st.integers(0, 2**32),
)
def test_any_arrival_order_ends_in_the_same_state(
    sqlite_url: str, reports: list[tuple[str, int, bool, int]], seed: int
) -> None:
    """Deliveries shuffled and duplicated, ties included: the final state is the rule's winner every time."""
    events = [
        deleted_event(CONN, at(millis / 1000), status=status)
        if deletion == 0 and index > 0
        else connection_event(CONN, status, at(millis / 1000), active_error=error)
        for index, (status, millis, error, deletion) in enumerate(reports)
    ]
    expected = winner(events)
    orders = [events, events[::-1], random.Random(seed).sample(events, len(events))]
    for number, order in enumerate(orders):
        url = sqlite_url.replace("fleet.db", f"fleet-{uuid.uuid4().hex}-{number}.db")
        with Ledger.open(url) as ledger:
            outcomes = [ledger.record(event) for event in itertools.chain(order, order[:2])]
            state = ledger.get(CONN)
        assert state is not None
        assert (state.status, state.deleted) == expected
        assert outcomes[len(order) :] == [Outcome.DUPLICATE] * len(order[:2])
        assert outcomes[0] is Outcome.APPLIED


def test_needing_attention_lists_flagged_connections_by_company_name(ledger: Ledger) -> None:
    ledger.record(connection_event("b", "Deauthorized", at(1), company_name="Zed Ltd"))
    ledger.record(connection_event("a", "Deauthorized", at(1), company_name="Acme Ltd"))
    ledger.record(connection_event("c", "Linked", at(1), company_name="Beta Ltd"))
    ledger.record(deleted_event("d", at(1), status="Deauthorized"))
    flagged = ledger.needing_attention()
    assert [(state.company_name, state.connection_id) for state in flagged] == [("Acme Ltd", "a"), ("Zed Ltd", "b")]
    assert all(
        state.link_url and state.link_url.endswith(f"/connections/{state.connection_id}/start") for state in flagged
    )
    assert ledger.get("nobody-knows") is None


def test_times_keep_their_milliseconds(ledger: Ledger) -> None:
    moment = at(1) + timedelta(milliseconds=123)
    ledger.record(connection_event(CONN, "Linked", moment))
    state = ledger.get(CONN)
    assert state is not None and state.as_of == moment and state.as_of.utcoffset() == timedelta(0)


def test_prune_forgets_old_delivery_ids_and_a_late_retry_still_changes_nothing(ledger: Ledger) -> None:
    event = connection_event(CONN, "Deauthorized", at(1), message_id="msg_old")
    ledger.record(event)
    ledger.record(connection_event(CONN, "Deauthorized", at(2), active_error=True, message_id="msg_new"))
    backend = ledger._store.backend
    three_days = backend.span(timedelta(days=3))
    backend.run(
        lambda cursor: cursor.execute(
            backend.dialect.sql("UPDATE codat_deliveries SET received_at = received_at - ? WHERE message_id = ?"),
            (three_days, "msg_old"),
        )
    )
    assert ledger.prune(older_than=timedelta(days=2)) == 1
    assert ledger.prune(older_than=timedelta(days=2)) == 0
    assert ledger.record(event) is Outcome.STALE  # its id is forgotten; the state it carried is not news
    assert ledger.record(connection_event(CONN, "Linked", at(3), message_id="msg_new")) is Outcome.DUPLICATE


def test_prune_keeps_at_least_a_day(ledger: Ledger) -> None:
    with pytest.raises(ValueError, match="at least 1 day"):
        ledger.prune(older_than=timedelta(hours=23))
    with pytest.raises(TypeError, match="timedelta"):
        ledger.prune(older_than=2)  # type: ignore[arg-type]
