"""The commands that ask Codat: ``attention`` (live), ``onboard`` and ``link-url``.

Each goes through the client, so it has the library's guarantees: pacing, retries that never apply a
write twice, typed errors, and onboarding that never makes a second company.
"""

from __future__ import annotations

import argparse
import contextlib
import uuid
from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING

from codat_connections._operations.companies import tags_filter
from codat_connections._sync.client import CodatConnections
from codat_connections.cli._listing import ListingProgress
from codat_connections.cli._output import ATTENTION_COLUMNS, Column, Streams, Value, write_record, write_rows
from codat_connections.cli._parser import tag_pairs
from codat_connections.cli._progress import Progress
from codat_connections.errors import CodatError, ConflictError, NotFoundError
from codat_connections.query import Query

if TYPE_CHECKING:
    from codat_connections_api.models import Connection

__all__ = ["attention", "attention_row", "client_from", "link_url", "onboard", "tags_query"]

ONBOARD_COLUMNS: list[Column] = [
    ("company_id", "company id"),
    ("company_name", "company"),
    ("connection_id", "connection id"),
    ("platform_key", "platform"),
    ("status", "status"),
    ("link_url", "link URL"),
]
_CONNECTION_KEYS = uuid.UUID("0f6b3a52-3c1e-4d8e-9a7b-c0da7c011ec7")
_MAX_CREATES = 3
_REUSE_ORDER = {"Linked": 0, "Deauthorized": 1, "PendingAuth": 2, "Unlinked": 3}
"""Which of several connections to one platform onboarding hands back: the working one, else the one to re-link."""


def client_from(args: argparse.Namespace) -> CodatConnections:
    """The client the shared options describe (the key from ``--api-key`` or ``CODAT_API_KEY``)."""
    return CodatConnections(
        api_key=args.api_key,
        base_url=args.base_url,
        max_requests_per_minute=args.max_requests_per_minute,
        **({} if args.timeout is None else {"timeout": args.timeout}),
    )


def tags_query(args: argparse.Namespace) -> Query | None:
    """``--tags K=V ...`` as Codat's tags filter: every one of them (the onboarding lookup's own filter)."""
    tags = tag_pairs(args.tags, "--tags")
    return tags_filter(tags) if tags else None


def attention_row(
    company_id: str, company_name: str | None, connection: Connection, as_of: datetime | None
) -> dict[str, Value]:
    return {
        "company_id": company_id,
        "company_name": company_name,
        "connection_id": connection.id,
        "platform_key": connection.integration_key,
        "platform_name": connection.platform_name,
        "status": str(connection.status),
        "link_url": connection.link_url,
        "as_of": as_of,
    }


def attention(args: argparse.Namespace, streams: Streams) -> int:
    """``attention`` without ``--ledger``: the listing sweep, one request per page of companies."""
    tags = tags_query(args)
    listing = ListingProgress(Progress(streams.err), args.max_requests_per_minute, flagged=True)
    with client_from(args) as codat, contextlib.closing(codat.connections.needing_attention(tags=tags)) as found:
        listing.watch(codat)

        def rows() -> Iterator[dict[str, Value]]:
            for result in found:
                if result.error is not None:  # only a sweep by company ids has these; never dropped
                    raise result.error
                for connection in result.connections:
                    listing.flagged += 1
                    yield attention_row(result.company_id, result.company_name, connection, result.as_of)
                listing.show()

        try:
            count = write_rows(
                rows(), ATTENTION_COLUMNS, args.format, streams.out, empty="No connection needs attention."
            )
        finally:
            listing.progress.close()
    return 1 if args.exit_code and count else 0


def link_url(args: argparse.Namespace, streams: Streams) -> int:
    """``link-url``: the connection's own link URL."""
    with client_from(args) as codat:
        print(codat.connections.get_authorization_url(args.company_id, args.connection_id), file=streams.out)
    return 0


def onboard(args: argparse.Namespace, streams: Streams) -> int:
    """``onboard``: ``companies.get_or_create``, then the platform's connection, reused when there is one."""
    tags = tag_pairs(args.tag, "--tag")
    with client_from(args) as codat:
        company = codat.companies.get_or_create(args.name, tags=tags, description=args.description)
        record: dict[str, Value] = {
            "company_id": company.id,
            "company_name": company.name,
            "link_url": company.redirect,  # Codat's Link flow for the company: the user picks a platform there
        }
        if args.platform is not None:
            connection = _platform_connection(codat, company.id, args.platform)
            record |= {
                "connection_id": connection.id,
                "platform_key": connection.integration_key or args.platform,
                "status": str(connection.status),
                "link_url": connection.link_url,
            }
    write_record(record, ONBOARD_COLUMNS, args.format, streams.out)
    return 0


def _existing(codat: CodatConnections, company_id: str, platform_key: str) -> Connection | None:
    """The company's connection to the platform onboarding reuses: Linked first, then the one to re-link."""
    mine = [conn for conn in codat.connections.iterate(company_id) if conn.integration_key == platform_key]
    mine.sort(key=lambda conn: (_REUSE_ORDER.get(str(conn.status), len(_REUSE_ORDER)), conn.created))
    return mine[0] if mine else None


def _platform_connection(codat: CodatConnections, company_id: str, platform_key: str) -> Connection:
    """The company's connection to the platform: the existing one, or one created once however often this runs.

    The create's Idempotency-Key is derived from the company and the platform, so two onboardings at once
    make one connection within Codat's idempotency window (the second's 409 while the first is in flight
    is answered by looking again). A key whose answer names a connection deleted since is replaced.
    """
    found = _existing(codat, company_id, platform_key)
    key = str(uuid.uuid5(_CONNECTION_KEYS, f"{company_id}|{platform_key}"))
    for _ in range(_MAX_CREATES):
        if found is not None:
            return found
        try:
            created = codat.connections.create(company_id, platform_key, idempotency_key=key)
        except ConflictError:
            found = _existing(codat, company_id, platform_key)
            if found is None:
                raise
            continue
        try:
            return codat.connections.get(company_id, created.id)
        except NotFoundError:  # the key's first answer, replayed: a connection deleted since
            key = str(uuid.uuid5(_CONNECTION_KEYS, f"{key}|after|{created.id}"))
    raise CodatError(f"onboarding kept finding deleted {platform_key} connections of company {company_id}; try again")
