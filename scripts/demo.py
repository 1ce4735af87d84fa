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
    Company,
    Connection,
    ConnectionStatus,
    InternalServerError,
    NotFoundError,
    field,
    is_linked,
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


REDIRECT = "https://lender.example/codat/return?company={companyId}&connection={connectionId}&status={statusCode}"
"""Where the fake's Link page sends the end user's browser afterwards, as Codat's Hosted Link does."""
FLEET = 3000


def run_fake_demo(clock: Clock | None = None) -> None:
    """The walkthrough; ``clock`` (for the test suite) replaces the client's waits."""
    fake = FakeCodat(api_key=API_KEY, max_page_size=2000, link_redirect=REDIRECT)
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
            say(f"Fake Codat serving on {base_url} (it serves at most 2,000 records a page, as Codat may)")
            say(f"Webhook receiver on {receiver_url} (verifies every delivery with codat_connections.webhooks)\n")
            company = onboard(codat, fake)
            conn = connect(codat, fake, company, receiver)
            listing(codat, fake, company.id)
            deauthorized(codat, fake, company.id, conn, receiver)
            morning_question(codat, fake, company.id, conn)
            conn = relink(codat, fake, company.id, conn, receiver)
            reliability(codat, fake, company.id, conn, retry_log)
    finally:
        logger.removeHandler(retry_log)
    say("\nDemo complete: every step behaved as Codat documents.")
    say("Next: the guides and every public name, `make docs` then open site/index.html (docs/ in the repository);")
    say("the same fake for any language, `codat-fake --port 8765` (docs/guides/dev-server.md).")


def events_after(fake: FakeCodat, receiver: Receiver) -> list[WebhookEvent]:
    fake.flush_webhooks()
    return receiver.take()


def fake_base(codat: CodatConnections) -> str:
    """The served fake's base URL, which the client was pointed at."""
    return str(codat.base_url).rstrip("/")


def status_of(conn: Connection) -> str:
    return f"status {conn.status.value}"


def onboard(codat: CodatConnections, fake: FakeCodat) -> Company:
    say("1. Onboard customer cust-42: find its company by your own id (a tag), or create it")
    company = codat.companies.get_or_create("Acme Ltd", tags={"uid": "cust-42"}, description="Lending customer")
    say(f"   company {company.id} ({company.name}), tags {company.tags}")
    expect(len(fake.requests_to("POST", "/companies")) == 1, "no company had the tag: one was created")
    say("   the customer comes back (a second sign-up, a retried job): onboard again")
    again = codat.companies.get_or_create("Acme Ltd", tags={"uid": "cust-42"})
    expect(again.id == company.id, "the same company is found again")
    expect(len(fake.requests_to("POST", "/companies")) == 1, "and no second company is created")
    return company


def authorize_through_the_link_page(link_url: str) -> httpx.Response:
    """What the end user's browser does: open the link URL, press Authorize (no API key: a browser has none)."""
    page = httpx.get(link_url)
    expect(page.status_code == 200 and "Authorize" in page.text, "the link URL opens the Link page")
    return httpx.post(link_url, data={"choice": "authorize"}, follow_redirects=False)


def connect(codat: CodatConnections, fake: FakeCodat, company: Company, receiver: Receiver) -> Connection:
    say("\n2. Create a Xero connection (platform key gbol) and send the end user to its link URL")
    conn = codat.connections.create(company.id, "gbol")
    say(f"   {conn.platform_name} connection {conn.id}: {status_of(conn)}")
    say(f"   link URL for the end user: {conn.link_url}")
    expect(conn.status is ConnectionStatus.PENDINGAUTH, "a new connection starts PendingAuth")
    expect(
        conn.link_url.startswith(f"{fake_base(codat)}/_fake/link/")
        and conn.link_url.endswith(f"/companies/{company.id}/connections/{conn.id}/start"),
        "the link URL opens the fake's own Link page (Codat's would be https://link-api.codat.io/...)",
    )

    say("\n3. The end user authorizes on the Link page; the browser returns to your app; the webhook says so")
    answer = authorize_through_the_link_page(conn.link_url)
    say(f"   the Link page answered {answer.status_code}, sending the browser to {answer.headers['location']}")
    expect(answer.status_code == 303 and "status=200" in answer.headers["location"], "redirected with statusCode 200")
    events = events_after(fake, receiver)
    say(f"   webhooks received: {', '.join(str(e.event_type) for e in events)}")
    connected = [e for e in events if isinstance(e, ConnectionEvent) and e.event_type == "connection.connected"]
    expect(len(connected) == 1 and connected[0].connection.id == conn.id, "a verified connection.connected event")
    conn = codat.connections.get(company.id, conn.id)
    say(f"   {status_of(conn)}, integration key {conn.integration_key}, last sync {conn.last_sync_at}")
    expect(is_linked(conn), "the connection is Linked")
    return conn


def listing(codat: CodatConnections, fake: FakeCodat, company: str) -> None:
    connections = codat.connections
    say("\n4. More connections arrive: 250 Linked QuickBooks connections and one pending Plaid one")
    fake.seed_connections(company, 250, platform_key="qhyg")
    plaid = connections.create(company, "suuo")
    linked_query = (field("status") == "Linked") & (field("integrationKey") == "qhyg")
    say(f"   query builder: {linked_query}")
    first_page = connections.list(company, query=linked_query, page_size=100)
    say(f"   page 1: {len(first_page)} of {first_page.total_results}; another page: {first_page.has_next_page()}")
    expect(first_page.total_results == 250, "the filter counts 250 Linked QuickBooks connections")
    before = len(fake.requests)
    every = list(connections.iterate(company, page_size=100))
    pages = len(fake.requests) - before
    say(f"   every connection, page after page: {len(every)} in {pages} requests")
    expect(len(every) == 252 and pages == 3, "252 connections arrive over 3 pages, each once")
    pending = connections.list_all(company, query=field("status") == "PendingAuth")
    expect([c.id for c in pending] == [plaid.id], "filtering PendingAuth finds the Plaid connection")

    say("\n5. Plaid takes credentials directly: update_authorization sends them (string keys and values)")
    updated = connections.update_authorization(company, plaid.id, {"accessToken": "demo-token", "itemId": "item-1"})
    (put,) = fake.requests_to("PUT")
    say(f"   PUT {put.path} -> {put.status}; connection {updated.id}")
    expect(put.body == {"accessToken": "demo-token", "itemId": "item-1"}, "the credentials reached Codat as sent")


def deauthorized(codat: CodatConnections, fake: FakeCodat, company: str, conn: Connection, receiver: Receiver) -> None:
    connections = codat.connections
    say("\n6. Xero withdraws access; Codat's connection.disconnected webhook arrives twice (at least once)")
    fake.duplicate_webhooks(times=1)
    fake.deauthorize(company, conn.id, "The user revoked access in Xero")
    (event,) = [e for e in events_after(fake, receiver) if e.event_type == "connection.disconnected"]
    expect(receiver.duplicates == 1, "the duplicate delivery was acknowledged and dropped (same webhook-id)")
    expect(isinstance(event, ConnectionEvent) and event.needs_reauthorization, "the event says: re-authorize")
    assert isinstance(event, ConnectionEvent)
    errors = event.connection.data_connection_errors or []
    say(f"   {event.event_type} for {event.company.name}: {status_of(event.connection)}")
    say(f"   the platform's message: {errors[0].error_message if errors else '-'}")
    expect(event.connection.status is ConnectionStatus.DEAUTHORIZED, "the connection is Deauthorized")
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


def morning_question(codat: CodatConnections, fake: FakeCodat, company: str, conn: Connection) -> None:
    say(f"\n8. The next morning: which of {FLEET + 1:,} companies need their customer? One call over the fleet")
    fake.add_companies(FLEET, connections_each=2, deauthorized_share=0.01)
    before = len(fake.requests)
    flagged = list(codat.connections.needing_attention())
    requests = len(fake.requests) - before
    say(f"   {len(flagged)} companies need the end user, found in {requests} requests (not {FLEET + 1:,})")
    for result in flagged[:3]:
        say(f"   {result.company_name}: {', '.join(c.platform_name for c in result.connections)}")
    ours = [result for result in flagged if result.company_id == company]
    expect(len(ours) == 1 and [c.id for c in ours[0].connections] == [conn.id], "Acme Ltd's Xero connection is there")
    expect(ours[0].company_name == "Acme Ltd", "each result names its company: the message needs no further call")
    expect(requests == 2, "2 requests: a page of 2,000 companies and the rest, each with its connections")


def relink(codat: CodatConnections, fake: FakeCodat, company: str, conn: Connection, receiver: Receiver) -> Connection:
    say("\n9. The user re-authorizes through that same link URL, on the Link page")
    answer = authorize_through_the_link_page(conn.link_url)
    expect(answer.status_code == 303, "the browser is sent back to your app")
    events = events_after(fake, receiver)
    expect([str(e.event_type) for e in events] == ["connection.reconnected"], "connection.reconnected arrives")
    relinked = codat.connections.get(company, conn.id)
    say(f"   the same connection {relinked.id}: {status_of(relinked)}")
    expect(relinked.status is ConnectionStatus.LINKED, "the same connection is Linked again")
    return relinked


def reliability(codat: CodatConnections, fake: FakeCodat, company: str, conn: Connection, retry_log: RetryLog) -> None:
    connections = codat.connections
    say("\n10. Codat rate-limits the next request (429, Retry-After: 1); the client waits and retries")
    fake.rate_limit(retry_after="1", method="PATCH")
    unlinked = connections.unlink(company, conn.id)
    say(f"   unlink answered after a retry: {status_of(unlinked)}")
    expect(unlinked.status is ConnectionStatus.UNLINKED, "unlink sets Unlinked (data kept)")
    patches = fake.requests_to("PATCH")
    expect([p.status for p in patches] == [429, 200], "the server saw a 429, then the retried unlink")
    expect(len({p.headers["idempotency-key"] for p in patches}) == 1, "both attempts carried one Idempotency-Key")
    expect(any("retry 1 of 2" in line for line in retry_log.retries), "the retry shows in the DEBUG log")

    say("\n11. A burst of two 503s: the read is retried through it")
    fake.fail_with_status(503, times=2, method="GET")
    expect(connections.get(company, conn.id).id == conn.id, "the third attempt succeeded")

    say("\n12. Three 502s in a row: the retries run out and the error says so")
    fake.fail_with_status(502, times=3, method="GET")
    try:
        connections.get(company, conn.id)
    except InternalServerError as exc:
        say(f"   {exc}")
        expect(str(exc).endswith("gave up after 3 attempts"), "a typed InternalServerError saying why it stopped")
    else:
        raise DemoFailure("three 502s were not reported")

    say("\n13. Delete, with the answer lost in transit: the retry's 404 proves the first attempt deleted it")
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
