"""The hosted Link page at HTTP level (issue 19 §3): fetch it, submit each choice, follow the redirect, and check
the status, the webhook and the substituted parameters. ``make test-browser`` runs the same flow in Chromium."""

from __future__ import annotations

import re
import socket
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, urlsplit

import httpx
import pytest

from codat_connections.testing import FakeCodat
from tests.conftest import API_KEY, CODAT_BASE
from tests.fake.conftest import AUTH
from tests.fake.receiver import Inbox

RESERVED = (
    "clientId",
    "companyId",
    "connectionId",
    "integrationId",
    "sourceId",
    "platform",
    "platformName",
    "sourceType",
    "statusCode",
    "errorMessage",
    "statusText",
    "data.company.companyName",
)
TEMPLATE = "/landed?" + "&".join(f"{name}={{{name}}}" for name in RESERVED) + "&journey={journey}&none={none}"


@contextmanager
def landing() -> Iterator[tuple[str, list[str]]]:
    """Where the redirect goes: records each request's path and query."""
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(self.path)
            self.send_response(200)
            self.send_header("content-length", "6")
            self.end_headers()
            self.wfile.write(b"landed")

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def served(fake: FakeCodat) -> Iterator[tuple[str, httpx.Client, Inbox, list[str]]]:
    inbox = Inbox()
    fake.add_webhook_endpoint(inbox)
    with landing() as (landing_url, seen), fake.serve() as base_url:
        fake.set_link_redirect(landing_url + TEMPLATE)
        with httpx.Client(base_url=base_url, headers=AUTH, timeout=5) as api:
            yield base_url, api, inbox, seen


def new_connection(api: httpx.Client, company: str, platform: str = "gbol") -> dict[str, str]:
    created: dict[str, str] = api.post(f"/companies/{company}/connections", json={"platformKey": platform}).json()
    return created


def landed(seen: list[str]) -> dict[str, str]:
    [path] = seen[-1:]
    return {name: values[0] for name, values in parse_qs(urlsplit(path).query, keep_blank_values=True).items()}


def test_the_page_is_plain_accessible_html_that_names_the_company_and_platform(
    served: tuple[str, httpx.Client, Inbox, list[str]], fake: FakeCodat
) -> None:
    base_url, api, _, _ = served
    company = fake.add_company("Acme & Sons")
    link = new_connection(api, company, "qhyg")["linkUrl"]
    assert link.startswith(f"{base_url}/_fake/link/companies/{company}/connections/")
    page = httpx.get(link, timeout=5)  # the end user's browser: no API key
    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    html = page.text
    assert '<html lang="en">' in html
    assert "Acme &amp; Sons" in html and "QuickBooks Online" in html
    assert "<script" not in html.lower()
    assert re.search(r'<form method="post" action="" aria-labelledby="title">', html)
    assert '<button type="submit" name="choice" value="authorize">Authorize</button>' in html
    assert '<button type="submit" name="choice" value="deny">Deny</button>' in html


def test_authorize_links_redirects_with_codats_parameters_and_sends_the_webhook(
    served: tuple[str, httpx.Client, Inbox, list[str]], fake: FakeCodat
) -> None:
    _, api, inbox, seen = served
    company = fake.add_company("Acme Ltd")
    created = new_connection(api, company)
    done = httpx.post(
        created["linkUrl"] + "?journey=demo", data={"choice": "authorize"}, timeout=5, follow_redirects=True
    )
    assert (done.status_code, done.text, done.history[0].status_code) == (200, "landed", 303)
    values = landed(seen)
    assert values == {
        "clientId": fake.client_id,
        "companyId": company,
        "connectionId": created["id"],
        "integrationId": created["integrationId"],
        "sourceId": created["sourceId"],
        "platform": "gbol",
        "platformName": "Xero",
        "sourceType": "Accounting",
        "statusCode": "200",
        "errorMessage": "",
        "statusText": "",
        "data.company.companyName": "Acme Ltd",
        "journey": "demo",
        "none": "",
    }
    uuid.UUID(values["clientId"])
    assert api.get(f"/companies/{company}/connections/{created['id']}").json()["status"] == "Linked"
    assert inbox.event_types == ["connection.created", "connection.connected"]


def test_deny_fails_the_link_with_403_and_user_cancelled(
    served: tuple[str, httpx.Client, Inbox, list[str]], fake: FakeCodat
) -> None:
    _, api, inbox, seen = served
    company = fake.add_company("Acme Ltd")
    created = new_connection(api, company)
    denied = httpx.post(created["linkUrl"], data={"choice": "deny"}, timeout=5)
    assert denied.status_code == 303
    assert "statusCode=403&errorMessage=User%20cancelled.&statusText=The%20user%20denied" in denied.headers["location"]
    httpx.get(denied.headers["location"], timeout=5)
    values = landed(seen)
    assert (values["statusCode"], values["errorMessage"]) == ("403", "User cancelled.")
    record = api.get(f"/companies/{company}/connections/{created['id']}").json()
    assert record["status"] == "PendingAuth"
    assert record["dataConnectionErrors"][-1]["status"] == "Active"
    assert inbox.event_types == ["connection.created", "connection.failed"]


def test_a_deauthorized_connection_is_relinked_through_the_same_link_url(
    served: tuple[str, httpx.Client, Inbox, list[str]], fake: FakeCodat
) -> None:
    _, api, inbox, seen = served
    company = fake.add_company("Acme Ltd")
    created = new_connection(api, company)
    httpx.post(created["linkUrl"], data={"choice": "authorize"}, timeout=5)
    api.post(f"/_fake/companies/{company}/connections/{created['id']}/deauthorize")
    again = httpx.post(created["linkUrl"], data={"choice": "authorize"}, timeout=5, follow_redirects=True)
    assert again.status_code == 200
    assert landed(seen)["statusCode"] == "200"
    assert inbox.event_types[-2:] == ["connection.disconnected", "connection.reconnected"]
    assert api.get(f"/companies/{company}/connections/{created['id']}").json()["status"] == "Linked"


def test_an_already_linked_connection_offers_continue_and_redirects_with_201(
    served: tuple[str, httpx.Client, Inbox, list[str]], fake: FakeCodat
) -> None:
    _, _, inbox, seen = served
    company = fake.add_company("Acme Ltd")
    [linked] = fake.seed_connections(company, 1)
    link = fake.connections_of(company)[0]["linkUrl"]
    page = httpx.get(link, timeout=5).text
    assert "already linked" in page and 'value="deny"' not in page
    httpx.post(link, data={"choice": "authorize"}, timeout=5, follow_redirects=True)
    assert landed(seen)["statusCode"] == "201"
    assert inbox.event_types == [], "nothing changed"
    assert linked in link


def test_without_a_redirect_the_page_says_what_happened(fake: FakeCodat) -> None:
    company = fake.add_company("Acme Ltd")
    with fake.serve() as base_url:
        created = httpx.post(
            f"{base_url}/companies/{company}/connections", json={"platformKey": "gbol"}, headers=AUTH, timeout=5
        ).json()
        done = httpx.post(created["linkUrl"], data={"choice": "authorize"}, timeout=5)
        assert done.status_code == 200 and "The connection is linked" in done.text
        assert httpx.post(created["linkUrl"], data={"choice": "maybe"}, timeout=5).status_code == 400
        missing = httpx.get(f"{base_url}/_fake/link/companies/{company}/connections/nope/start", timeout=5)
        assert missing.status_code == 404 and "not found" in missing.text


def test_in_process_link_urls_stay_codats_unless_told_otherwise() -> None:
    for fake, prefix in (
        (FakeCodat(api_key=API_KEY), "https://link-api.codat.io/companies/"),
        (
            FakeCodat(api_key=API_KEY, link_base_url="http://127.0.0.1:8765"),
            "http://127.0.0.1:8765/_fake/link/companies/",
        ),
    ):
        company = fake.add_company()
        with httpx.Client(transport=fake.transport(), base_url=CODAT_BASE, headers=AUTH) as api:
            assert new_connection(api, company)["linkUrl"].startswith(prefix + company)
    with pytest.raises(ValueError, match="link_base_url must be an http"):
        FakeCodat(link_base_url="link-api.codat.io")
    with pytest.raises(ValueError, match="the link redirect must be an http"):
        FakeCodat().set_link_redirect("/relative")


# -- the redirect template, one Location, ids in link URLs (issue 23 §5) ------------------------------------
BAD_TEMPLATES = [
    "http://127.0.0.1:3000/linked\r\nLocation: http://attacker.example/",  # a second Location
    "http://127.0.0.1:3000/linked\nx",
    "http://127.0.0.1:3000/linked?c={companyId} http://attacker.example/",  # two URLs
    "http://127.0.0.1:3000/\x00",
    "http://127.0.0.1:3000/\x85",
    "javascript:alert(1)",
    "http://127.0.0.1:99999/linked",
]


@pytest.mark.parametrize("template", BAD_TEMPLATES)
def test_a_redirect_template_is_one_http_url_without_control_characters(fake: FakeCodat, template: str) -> None:
    """Review: a template with a line break was taken, and each 303 then carried the attacker's Location too."""
    with pytest.raises(ValueError, match="the link redirect"):
        fake.set_link_redirect(template)
    with pytest.raises(ValueError, match="link_redirect"):
        FakeCodat(link_redirect=template)
    with httpx.Client(transport=fake.transport(), base_url=CODAT_BASE, headers=AUTH) as api:
        refused = api.put("/_fake/link-redirect", json={"template": template})
    assert refused.status_code == 400 and "the link redirect" in refused.json()["error"]
    assert fake.link_redirect is None


def raw_post(url: str, body: bytes) -> bytes:
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    with socket.create_connection((parts.hostname or "", parts.port or 80), timeout=5) as sock:
        sock.sendall(
            f"POST {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
            + body
        )
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return answer


@pytest.mark.parametrize(
    ("template", "query", "location"),
    [
        (
            "http://127.0.0.1:3000/linked?j={journey}",
            "journey=a%0D%0ALocation:%20http://x",
            "j=a%0D%0ALocation%3A%20http%3A%2F%2Fx",
        ),
        ("http://127.0.0.1:3000/caf\u00e9/\u65e5\u672c?s={statusCode}", "", "/caf%C3%A9/%E6%97%A5%E6%9C%AC?s=200"),
    ],
    ids=["a line break in a parameter", "a template beyond ASCII"],
)
def test_every_303_carries_exactly_one_location_in_ascii(
    fake: FakeCodat, company: str, template: str, query: str, location: str
) -> None:
    fake.set_link_redirect(template)
    [connection] = fake.seed_connections(company, 1, status="PendingAuth")
    with fake.serve() as base_url:
        link = fake.connection(company, connection)["linkUrl"]
        answer = raw_post(link + (f"?{query}" if query else ""), b"choice=authorize")
    head = answer.split(b"\r\n\r\n", 1)[0].decode("ascii").split("\r\n")
    assert head[0].startswith("HTTP/1.1 303 ")
    [header] = [line for line in head if line.lower().startswith("location:")]
    assert header.endswith(location), header
    assert base_url


@pytest.mark.parametrize("company_id", ["acme%2Fltd", "acme ltd+co", "caf\u00e9;1", "50%"])
def test_a_link_url_opens_its_page_for_any_company_id_the_fake_accepts(fake: FakeCodat, company_id: str) -> None:
    """Review: link URLs carried the company id raw, so ``acme%2Fltd`` opened ``acme/ltd`` (a 404)."""
    fake.add_company("Acme Ltd", company_id=company_id)
    [connection] = fake.seed_connections(company_id, 1, status="PendingAuth")
    in_process = fake.connection(company_id, connection)["linkUrl"]
    assert (
        in_process == f"https://link-api.codat.io/companies/{quote(company_id, safe='')}/connections/{connection}/start"
    )
    with fake.serve():
        link = fake.connection(company_id, connection)["linkUrl"]
        assert f"/companies/{quote(company_id, safe='')}/connections/" in link
        page = httpx.get(link, timeout=5)
        assert page.status_code == 200 and "Authorize" in page.text
        assert httpx.post(link, data={"choice": "authorize"}, timeout=5).status_code == 200
    assert fake.connection(company_id, connection)["status"] == "Linked"


def test_a_companys_redirect_opens_the_fakes_company_page_where_a_platform_makes_the_connection(
    served: tuple[str, httpx.Client, Inbox, list[str]], fake: FakeCodat
) -> None:
    """A served company's ``redirect`` (Codat's Link flow for the company) stays on this machine: its page lists
    the company's connections and a button per platform; picking one makes a ``PendingAuth`` connection (the
    webhook too) and goes on to its own Link page, where Authorize links it."""
    base_url, api, inbox, _ = served
    company = api.post("/companies", json={"name": "Acme & Sons"}).json()
    assert company["redirect"] == f"{base_url}/_fake/link/companies/{company['id']}/start"
    page = httpx.get(company["redirect"], timeout=5)  # the end user's browser: no API key
    assert page.status_code == 200 and page.headers["content-type"] == "text/html; charset=utf-8"
    assert "Acme &amp; Sons" in page.text and "<script" not in page.text.lower()
    assert '<button type="submit" name="platform" value="gbol">Xero</button>' in page.text
    picked = httpx.post(company["redirect"], data={"platform": "gbol"}, timeout=5)
    assert picked.status_code == 303
    [connection] = fake.connections_of(company["id"])
    assert (connection["status"], connection["integrationKey"]) == ("PendingAuth", "gbol")
    assert picked.headers.get_list("location") == [connection["linkUrl"]]
    assert httpx.get(company["redirect"], timeout=5).text.count(connection["linkUrl"]) == 1, "listed on the page"
    httpx.post(connection["linkUrl"], data={"choice": "authorize"}, timeout=5)
    assert inbox.event_types == ["company.created", "connection.created", "connection.connected"]
    assert api.get(f"/companies/{company['id']}").json()["dataConnections"][0]["status"] == "Linked"


@pytest.mark.parametrize("form", [{}, {"platform": "nope"}, {"platform": ["gbol", "qhyg"]}])
def test_the_company_page_refuses_a_form_without_one_known_platform(
    served: tuple[str, httpx.Client, Inbox, list[str]], fake: FakeCodat, form: dict[str, object]
) -> None:
    base_url, _, _, _ = served
    company = fake.add_company("Acme Ltd")
    refused = httpx.post(f"{base_url}/_fake/link/companies/{company}/start", data=form, timeout=5)
    assert refused.status_code == 400 and "platform=<key>" in refused.json()["error"]
    assert fake.connections_of(company) == []
    missing = httpx.get(f"{base_url}/_fake/link/companies/nobody/start", timeout=5)
    assert missing.status_code == 404 and "No company" in missing.text


def test_in_process_a_companys_redirect_stays_codats(fake: FakeCodat) -> None:
    company = fake.add_company("Acme Ltd")
    assert fake.company(company)["redirect"] == f"https://link.codat.io/company/{company}"
