"""Attention episodes on each backend: open on entering the flagged state, close on leaving it, claimed once."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest

from codat_connections.ledger import DEFAULT_LEASE, MAX_LEASE, Ledger
from tests.ledger.events import at, connection_event, deleted_event

CONN = "c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f"


def test_an_episode_opens_when_a_connection_enters_the_flagged_state(ledger: Ledger) -> None:
    ledger.record(connection_event(CONN, "Linked", at(1)))
    assert ledger.episodes() == []
    ledger.record(connection_event(CONN, "Deauthorized", at(2), company_name="Acme Ltd"))
    [episode] = ledger.episodes()
    assert (episode.connection_id, episode.company_name, episode.opened_at, episode.claims) == (
        CONN,
        "Acme Ltd",
        at(2),
        0,
    )
    assert episode.link_url is not None and episode.link_url.endswith(f"/connections/{CONN}/start")
    assert episode.leased_until is None


def test_a_connection_has_at_most_one_open_episode(ledger: Ledger) -> None:
    ledger.record(connection_event(CONN, "Deauthorized", at(1)))
    ledger.record(connection_event(CONN, "Linked", at(2), active_error=True))  # still flagged: the same episode
    [episode] = ledger.episodes()
    assert episode.opened_at == at(1)
    assert episode.link_url is not None


@pytest.mark.parametrize("leaving", ["Linked", "Unlinked", "deleted"])
def test_an_episode_closed_before_anyone_claimed_it_is_never_handed_out(ledger: Ledger, leaving: str) -> None:
    ledger.record(connection_event(CONN, "Deauthorized", at(1)))
    if leaving == "deleted":
        ledger.record(deleted_event(CONN, at(2), status="Deauthorized"))
    else:
        ledger.record(connection_event(CONN, leaving, at(2)))
    assert ledger.episodes() == []
    assert ledger.claim(limit=10) == []


def test_a_late_event_opens_no_episode(ledger: Ledger) -> None:
    ledger.record(connection_event(CONN, "Linked", at(2), event_type="connection.reconnected"))
    ledger.record(connection_event(CONN, "Deauthorized", at(1)))  # stale: the user has re-linked
    assert ledger.episodes() == [] and ledger.claim() == []


def test_re_entering_the_flagged_state_opens_a_new_episode(ledger: Ledger) -> None:
    ledger.record(connection_event(CONN, "Deauthorized", at(1)))
    [first] = ledger.claim()
    ledger.record(connection_event(CONN, "Linked", at(2)))
    ledger.record(connection_event(CONN, "Deauthorized", at(3)))
    [second] = ledger.claim()
    assert second.id != first.id and second.opened_at == at(3)


def test_claim_hands_each_episode_to_one_claimer_until_done(ledger: Ledger) -> None:
    for number in range(5):
        ledger.record(connection_event(f"conn-{number}", "Deauthorized", at(number)))
    first = ledger.claim(limit=3)
    second = ledger.claim(limit=3)
    assert [episode.connection_id for episode in first] == ["conn-0", "conn-1", "conn-2"]
    assert [episode.connection_id for episode in second] == ["conn-3", "conn-4"]
    assert ledger.claim() == []
    assert all(episode.claims == 1 and episode.leased_until is not None for episode in first + second)
    ledger.done(first[0])
    ledger.done(first[1].id)  # by id, as from a shell
    assert {episode.connection_id for episode in ledger.episodes()} == {"conn-2", "conn-3", "conn-4"}
    ledger.done(first[0])  # twice is harmless


def test_an_episode_whose_lease_ran_out_is_handed_out_again(ledger: Ledger) -> None:
    ledger.record(connection_event(CONN, "Deauthorized", at(1)))
    [held] = ledger.claim(lease=timedelta(milliseconds=200))
    assert ledger.claim() == []
    time.sleep(0.3)  # the claimer died: its lease runs out
    [again] = ledger.claim()
    assert again.id == held.id and again.claims == 2
    ledger.done(again)
    time.sleep(0.01)
    assert ledger.claim(lease=timedelta(milliseconds=1)) == []


def test_done_episodes_never_come_back(ledger: Ledger) -> None:
    ledger.record(connection_event(CONN, "Deauthorized", at(1)))
    [episode] = ledger.claim(lease=timedelta(milliseconds=1))
    ledger.done(episode)
    time.sleep(0.01)
    ledger.record(connection_event(CONN, "Deauthorized", at(2), active_error=True))  # still flagged
    assert ledger.claim() == [] and ledger.episodes() == []


def test_claim_and_done_check_their_arguments(ledger: Ledger) -> None:
    with pytest.raises(ValueError, match="limit"):
        ledger.claim(limit=0)
    with pytest.raises(TypeError, match="limit"):
        ledger.claim(limit=True)
    with pytest.raises(ValueError, match="lease"):
        ledger.claim(lease=timedelta(0))
    with pytest.raises(TypeError, match="lease"):
        ledger.claim(lease=300)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="Episode"):
        ledger.done("1")  # type: ignore[arg-type]
    with pytest.raises(LookupError, match="no episode 999"):
        ledger.done(999)
    assert timedelta(minutes=5) == DEFAULT_LEASE


def test_numbers_beyond_the_databases_integers_are_refused_as_such(ledger: Ledger) -> None:
    ledger.record(connection_event(CONN, "Deauthorized", at(1)))
    with pytest.raises(LookupError, match=f"no episode {2**63}"):
        ledger.done(2**63)  # no 64-bit id: no such episode (not an OverflowError from the driver)
    with pytest.raises(LookupError, match="no episode -1"):
        ledger.done(-1)
    with pytest.raises(ValueError, match="at most 365 days"):
        ledger.claim(lease=timedelta(days=366))
    with pytest.raises(ValueError, match="at most 365 days"):
        ledger.claim(lease=timedelta.max)
    [episode] = ledger.claim(lease=MAX_LEASE)  # the longest lease fits
    assert episode.leased_until is not None and episode.leased_until > episode.opened_at + timedelta(days=364)
