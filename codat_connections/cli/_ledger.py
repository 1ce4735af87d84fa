"""The commands that read or write the connection ledger: ``attention --ledger``, ``sync`` and ``episodes``.

``attention --ledger`` and ``episodes`` make no API call (they need no key); ``sync`` reads the fleet
from Codat into the ledger. ``episodes --claim`` and ``--done`` are the ledger's ``claim`` and ``done``,
so a shell script that emails customers has the same once-only hand-off as Python code: an episode goes
to one claimer at a time, comes back after its lease if that claimer died, and never after ``done``.
"""

from __future__ import annotations

import argparse
from datetime import timedelta
from typing import TYPE_CHECKING

from codat_connections.cli._listing import ListingProgress
from codat_connections.cli._output import ATTENTION_COLUMNS, Column, Streams, Value, write_record, write_rows
from codat_connections.cli._parser import PROG, UsageError
from codat_connections.cli._progress import Progress

if TYPE_CHECKING:
    from codat_connections.ledger import ConnectionState, Episode, Ledger, SyncReport

__all__ = ["EPISODE_COLUMNS", "SYNC_COLUMNS", "attention", "episodes", "sync"]

EPISODE_COLUMNS: list[Column] = [
    ("id", "episode"),
    ("connection_id", "connection id"),
    ("company_id", "company id"),
    ("company_name", "company"),
    ("platform_key", "platform"),
    ("link_url", "link URL"),
    ("opened_at", "opened at"),
    ("claims", "claims"),
    ("leased_until", "leased until"),
]
SYNC_COLUMNS: list[Column] = [
    ("companies", "companies"),
    ("connections", "connections"),
    ("changed", "changed"),
    ("removed", "removed"),
    ("requests", "requests"),
    ("as_of", "as of"),
]


def _open(url: str, *, create: bool = False) -> Ledger:
    """The ledger at ``url``. Only ``sync`` makes one: a command that reads it refuses a ledger that is not there,
    so a mistyped path is an error, never an empty all-clear (``attention --exit-code`` saying 0 for ever)."""
    from codat_connections.ledger import Ledger  # loaded by the commands that use it, and only by them

    return Ledger.open(url, create=create)


def _row(item: ConnectionState | Episode | SyncReport, columns: list[Column]) -> dict[str, Value]:
    """The item's attribute for each column; None where it has none (the ledger keeps a platform's key, not
    its name)."""
    return {key: getattr(item, key, None) for key, _ in columns}


def attention(args: argparse.Namespace, streams: Streams) -> int:
    """``attention --ledger``: what the ledger flags, with no API call."""
    if args.tags:
        raise UsageError(f"{PROG}: error: --tags selects companies from Codat: leave out --ledger to use it")
    with _open(args.ledger) as ledger:
        flagged = ledger.needing_attention()
    count = write_rows(
        (_row(state, ATTENTION_COLUMNS) for state in flagged),
        ATTENTION_COLUMNS,
        args.format,
        streams.out,
        empty="No connection needs attention.",
    )
    return 1 if args.exit_code and count else 0


def sync(args: argparse.Namespace, streams: Streams) -> int:
    """``sync``: the morning job, ``ledger.sync`` over the fleet (or the companies ``--tags`` selects)."""
    from codat_connections.cli._live import client_from, tags_query  # the client: only this command asks Codat

    tags = tags_query(args)
    listing = ListingProgress(Progress(streams.err), args.max_requests_per_minute, flagged=False)
    with _open(args.ledger, create=True) as ledger, client_from(args) as codat:
        listing.watch(codat)
        try:
            report = ledger.sync(codat, tags=tags)
        finally:
            listing.progress.close()
    write_record(_row(report, SYNC_COLUMNS), SYNC_COLUMNS, args.format, streams.out)
    return 0


def episodes(args: argparse.Namespace, streams: Streams) -> int:
    """``episodes``: list the open ones, ``--claim N`` (under a lease) or ``--done ID ...``."""
    if args.lease is not None and args.claim is None:
        raise UsageError(f"{PROG}: error: --lease goes with --claim")
    from codat_connections.ledger import DEFAULT_LEASE, MAX_CLAIM, MAX_LEASE

    if args.claim is not None and args.claim > MAX_CLAIM:
        raise UsageError(f"{PROG}: error: --claim takes at most {MAX_CLAIM:,} episodes at a time")
    if args.lease is not None and args.lease > MAX_LEASE.total_seconds():
        raise UsageError(
            f"{PROG}: error: --lease is at most {MAX_LEASE.total_seconds():.0f} seconds ({MAX_LEASE.days} days)"
        )
    with _open(args.ledger) as ledger:
        if args.done:
            _done(ledger, args.done)
            return 0
        if args.claim is not None:
            lease = DEFAULT_LEASE if args.lease is None else timedelta(seconds=args.lease)
            chosen = ledger.claim(limit=args.claim, lease=lease)
        else:
            chosen = ledger.episodes()
    write_rows(
        (_row(episode, EPISODE_COLUMNS) for episode in chosen),
        EPISODE_COLUMNS,
        args.format,
        streams.out,
        empty="No open episode." if args.claim is None else "No episode to claim.",
    )
    return 0


def _done(ledger: Ledger, episode_ids: list[int]) -> None:
    """End each episode named; an id the ledger does not have is reported after the others are ended, not before
    (a script's one stale id must not leave the next customers to be emailed again after their lease)."""
    missing = []
    for episode_id in episode_ids:
        try:
            ledger.done(episode_id)
        except LookupError:
            missing.append(episode_id)
    if missing:
        ended = len(episode_ids) - len(missing)
        names = ", ".join(str(episode_id) for episode_id in missing)
        raise LookupError(
            f"there is no episode {names} in this ledger ({ended} other{'' if ended == 1 else 's'} ended)"
            if ended
            else f"there is no episode {names} in this ledger"
        )
