"""`make demo`: a walkthrough of every operation against the embedded fake Codat, over real sockets.

Each step says what it does, does it through the public client, and checks that Codat's documented
behaviour happened; any surprise ends the demo with a non-zero exit. `make demo-live` runs the
read-only steps against the real API (CODAT_API_KEY and CODAT_COMPANY_ID must be set).
"""

from __future__ import annotations

import argparse
import base64
import logging
import os
import secrets
import sys
import time
from typing import NoReturn

import httpx

from codat_connections import (
    CodatConnections,
    CodatError,
    Connection,
    ConnectionStatus,
    InternalServerError,
    NotFoundError,
    field,
    is_linked,
    last_sync_at,
    needs_reauthorization,
)
from codat_connections._clock import Clock
from codat_connections.testing import FakeCodat
from codat_connections.webhooks import ConnectionEvent, WebhookEvent
from scripts.demo_receiver import Receiver
from scripts.demo_receiver import serve as serve_receiver

API_KEY = "demo-api-key"


class DemoFailure(Exception):
    pass


def say(text: str) -> None:
    print(text, flush=True)


def expect(condition: bool, what: str) -> None:
    if not condition:
        raise DemoFailure(what)
    say(f"   ok: {what}")


class RetryLog(logging.Handler):
    """Shows the client's retry decisions (DEBUG records of the 'codat_connections' logger)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.retries: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if "retry" in message or "-> 429" in message or "raising" in message:
            self.retries.append(message)
            say(f"   log: {message}")


def run_fake_demo(clock: Clock | None = None) -> None:
    """The walkthrough; ``clock`` (for the test suite) replaces the client's waits."""
    fake = FakeCodat(api_key=API_KEY)
    company = fake.add_company("Acme Ltd")
    retry_log = RetryLog()
    logger = logging.getLogger("codat_connections")
    logger.setLevel(logging.DEBUG)
    logger.addHandler(retry_log)
    receiver = Receiver(secret="whsec_" + base64.b64encode(secrets.token_bytes(32)).decode())
    try:
        with (
            fake.serve() as base_url,
            serve_receiver(receiver) as receiver_url,
            CodatConnections(api_key=API_KEY, base_url=base_url) as codat,
        ):
            if clock is not None:
                codat._use_clock(clock)
            fake.add_webhook_endpoint(receiver_url, secret=receiver.secret)
            say(f"Fake Codat serving on {base_url}; company {company} (Acme Ltd)")
            say(f"Webhook receiver on {receiver_url} (verifies every delivery with codat_connections.webhooks)\n")
            conn = onboarding(codat, fake, company, receiver)
            listing(codat, fake, company)
            conn = reauthorization(codat, fake, company, conn, receiver)
            reliability(codat, fake, company, conn, retry_log)
    finally:
        logger.removeHandler(retry_log)
    say("\nDemo complete: every step behaved as Codat documents.")


def events_after(fake: FakeCodat, receiver: Receiver) -> list[WebhookEvent]:
    fake.flush_webhooks()
    return receiver.take()


def onboarding(codat: CodatConnections, fake: FakeCodat, company: str, receiver: Receiver) -> Connection:
    connections = codat.connections
    say("1. Create a Xero connection (platform key gbol)")
    conn = connections.create(company, "gbol")
    say(f"   {conn.platform_name} connection {conn.id}: status {conn.status}")
    say(f"   link URL for the end user: {conn.link_url}")
    expect(conn.status is ConnectionStatus.PENDINGAUTH, "a new connection starts PendingAuth")
    expect(conn.link_url.endswith(f"/companies/{company}/connections/{conn.id}/start"), "link URL has Codat's form")

    say("\n2. The end user completes the link in Xero; Codat's webhook says so")
    fake.complete_link(company, conn.id)
    events = events_after(fake, receiver)
    say(f"   webhooks received: {', '.join(str(e.event_type) for e in events)}")
    connected = [e for e in events if isinstance(e, ConnectionEvent) and e.event_type == "connection.connected"]
    expect(len(connected) == 1 and connected[0].connection.id == conn.id, "a verified connection.connected event")
    conn = connections.get(company, conn.id)
    say(f"   status {conn.status}, integration key {conn.integration_key}, last sync {last_sync_at(conn)}")
    expect(is_linked(conn), "the connection is Linked")
    return conn


def listing(codat: CodatConnections, fake: FakeCodat, company: str) -> None:
    connections = codat.connections
    say("\n3. More connections arrive: 250 Linked QuickBooks connections and one pending Plaid one")
    fake.seed_connections(company, 250, platform_key="qhyg")
    plaid = connections.create(company, "suuo")
    linked_query = (field("status") == "Linked") & (field("integrationKey") == "qhyg")
    say(f"   query builder: {linked_query}")
    first_page = connections.list(company, query=linked_query, page_size=100)
    say(f"   page 1: {len(first_page)} of {first_page.total_results}; another page: {first_page.has_next_page()}")
    expect(first_page.total_results == 250, "the filter counts 250 Linked QuickBooks connections")

    say("\n4. Iterate every connection across pages (page size 100)")
    before = len(fake.requests)
    every = list(connections.iterate(company, page_size=100))
    pages = len(fake.requests) - before
    say(f"   {len(every)} connections in {pages} page requests")
    expect(len(every) == 252 and pages == 3, "252 connections arrive over 3 pages, each once")
    pending = connections.list_all(company, query=field("status") == "PendingAuth")
    expect([c.id for c in pending] == [plaid.id], "filtering PendingAuth finds the Plaid connection")

    say("\n5. Plaid takes credentials directly: update_authorization sends them (string keys and values)")
    updated = connections.update_authorization(company, plaid.id, {"accessToken": "demo-token", "itemId": "item-1"})
    (put,) = fake.requests_to("PUT")
    say(f"   PUT {put.path} -> {put.status}; connection {updated.id}")
    expect(put.body == {"accessToken": "demo-token", "itemId": "item-1"}, "the credentials reached Codat as sent")


def reauthorization(
    codat: CodatConnections, fake: FakeCodat, company: str, conn: Connection, receiver: Receiver
) -> Connection:
    connections = codat.connections
    say("\n6. Xero withdraws access; Codat's connection.disconnected webhook arrives twice (at least once)")
    fake.duplicate_webhooks(times=1)
    fake.deauthorize(company, conn.id, "The user revoked access in Xero")
    (event,) = [e for e in events_after(fake, receiver) if e.event_type == "connection.disconnected"]
    expect(receiver.duplicates == 1, "the duplicate delivery was acknowledged and dropped (same webhook-id)")
    expect(isinstance(event, ConnectionEvent) and event.needs_reauthorization, "the event says: re-authorize")
    assert isinstance(event, ConnectionEvent)
    errors = event.connection.data_connection_errors or []
    say(f"   {event.event_type} for {event.company.name}: {errors[0].error_message if errors else '-'}")
    url = connections.get_authorization_url(company, event.connection.id)
    say(f"   the receiver's worker fetched the URL to send the user to: {url}")
    expect(url == event.authorization_url == conn.link_url, "re-link through the same connection's link URL")

    say("\n7. Someone posts a forged webhook to the receiver")
    forged = httpx.post(
        receiver.url,
        content=b'{"eventType": "connection.deleted", "payload": {}}',
        headers={
            "webhook-id": "msg_forged",
            "webhook-timestamp": str(int(time.time())),
            "webhook-signature": "v1,AAAA",
        },
    )
    say(f"   the receiver answered {forged.status_code}: {receiver.refused[-1]}")
    expect(forged.status_code == 400 and receiver.events.empty(), "the forgery was refused and never acted on")

    say("\n8. The user re-authorizes through that URL")
    fake.complete_link(company, conn.id)
    events = events_after(fake, receiver)
    expect([str(e.event_type) for e in events] == ["connection.reconnected"], "connection.reconnected arrives")
    relinked = connections.get(company, conn.id)
    expect(relinked.status is ConnectionStatus.LINKED, "the same connection is Linked again")
    return relinked


def reliability(codat: CodatConnections, fake: FakeCodat, company: str, conn: Connection, retry_log: RetryLog) -> None:
    connections = codat.connections
    say("\n9. Codat rate-limits the next request (429, Retry-After: 1); the client waits and retries")
    fake.rate_limit(retry_after="1", method="PATCH")
    unlinked = connections.unlink(company, conn.id)
    say(f"   unlink answered after a retry: status {unlinked.status}")
    expect(unlinked.status is ConnectionStatus.UNLINKED, "unlink sets Unlinked (data kept)")
    patches = fake.requests_to("PATCH")
    expect([p.status for p in patches] == [429, 200], "the server saw a 429, then the retried unlink")
    expect(len({p.headers["idempotency-key"] for p in patches}) == 1, "both attempts carried one Idempotency-Key")
    expect(any("retry 1 of 2" in line for line in retry_log.retries), "the retry shows in the DEBUG log")

    say("\n10. A burst of two 503s: the read is retried through it")
    fake.fail_with_status(503, times=2, method="GET")
    expect(connections.get(company, conn.id).id == conn.id, "the third attempt succeeded")

    say("\n11. Three 502s in a row: the retries run out and the error says so")
    fake.fail_with_status(502, times=3, method="GET")
    try:
        connections.get(company, conn.id)
    except InternalServerError as exc:
        say(f"   {exc}")
        expect(str(exc).endswith("gave up after 3 attempts"), "a typed InternalServerError saying why it stopped")
    else:
        raise DemoFailure("three 502s were not reported")

    say("\n12. Delete, with the answer lost in transit: the retry's 404 proves the first attempt deleted it")
    fake.drop_connection(method="DELETE", after_processing=True)
    connections.delete(company, conn.id)
    expect([r.status for r in fake.requests_to("DELETE")] == [None, 404], "dropped answer, then 404: reported done")
    try:
        connections.get(company, conn.id)
    except NotFoundError as exc:
        say(f"   friendly error: {exc}")
        expect(exc.status_code == 404 and exc.correlation_id is not None, "a typed NotFoundError with a correlation id")
    else:
        raise DemoFailure("a deleted connection was still readable")


def run_live_demo() -> None:
    company = os.environ.get("CODAT_COMPANY_ID")
    if not os.environ.get("CODAT_API_KEY") or not company:
        raise DemoFailure("set CODAT_API_KEY and CODAT_COMPANY_ID for the live demo")
    with CodatConnections() as codat:
        say(f"Codat at {codat.base_url}; company {company} (read-only)\n")
        page = codat.connections.list(company, page_size=10)
        say(f"1. First page: {len(page)} of {page.total_results} connections")
        for conn in page.results:
            say(f"   {conn.id} {conn.platform_name}: {conn.status}")
        linked = codat.connections.list_all(company, query=field("status") == "Linked")
        say(f"2. Linked connections: {len(linked)}")
        for conn in codat.connections.iterate(company, page_size=100):
            if needs_reauthorization(conn):
                url = codat.connections.get_authorization_url(company, conn.id)
                say(f"3. {conn.platform_name} needs re-authorization: {url}")
                break
        else:
            say("3. No connection needs re-authorization")


def fail(message: str) -> NoReturn:
    print(f"\nDEMO FAILED: {message}", file=sys.stderr)
    sys.exit(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--live", action="store_true", help="read-only steps against the real Codat API")
    args = parser.parse_args()
    try:
        run_live_demo() if args.live else run_fake_demo()
    except DemoFailure as exc:
        fail(str(exc))
    except CodatError as exc:
        fail(f"unexpected {type(exc).__name__}: {exc}")


if __name__ == "__main__":
    main()
