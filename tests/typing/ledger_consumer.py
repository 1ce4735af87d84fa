"""Consumer code for the ledger and the receiver apps, checked by mypy --strict: the types a user sees.

Run by tests/ledger/test_consumer.py, so it also works as written.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from codat_connections import CodatConnections
from codat_connections.ledger import ConnectionState, Episode, Ledger, LedgerUnavailableError, Outcome, SyncReport
from codat_connections.webhooks import ASGIApp, WebhookEvent, WSGIApp, asgi_app, unwrap, wsgi_app


def morning(url: str, client: CodatConnections) -> list[str]:
    """Sync, then one line per episode handed out (each ended at once)."""
    lines: list[str] = []
    with Ledger.open(url, timeout=2.5) as ledger:
        report: SyncReport = ledger.sync(client, tags=None, page_size=5000)
        total: int = report.companies + report.connections + report.changed + report.removed + report.requests
        lines.append(f"{total} {report.as_of}")
        episodes: list[Episode] = ledger.claim(limit=10, lease=timedelta(minutes=1))
        for episode in episodes:
            opened: datetime = episode.opened_at
            lines.append(f"{episode.id} {episode.company_name} {episode.link_url} {opened:%Y}")
            ledger.done(episode)
        flagged: list[ConnectionState] = ledger.needing_attention()
        lines += [f"{state.connection_id} {state.status} {state.source} {state.as_of:%Y}" for state in flagged]
        ledger.prune(older_than=timedelta(days=2))
    return lines


def take(ledger: Ledger, body: bytes, headers: dict[str, str], secret: str) -> str:
    """A receiver written on ``record``: the outcome's value, or "retry" while the database is down."""
    event: WebhookEvent = unwrap(body, headers, secret=secret)
    try:
        outcome: Outcome = ledger.record(event)
    except LedgerUnavailableError:
        return "retry"
    state: ConnectionState | None = ledger.get("a-connection")
    return outcome.value if state is None else f"{outcome.value} {state.deleted}"


def apps(ledger: Ledger) -> tuple[WSGIApp, ASGIApp, ASGIApp]:
    async def notify(event: WebhookEvent) -> None:
        print(event.message_id)

    return wsgi_app(ledger, secret="whsec_c2VjcmV0"), asgi_app(ledger, on_event=notify), asgi_app(on_event=print)
