"""`make test-browser`: the fake's hosted Link page in a real headless Chromium, as an end user meets it.

The flow an integrator's end-to-end test runs: the app creates a connection (over HTTP), the browser
opens its link URL, the user clicks Authorize (or Deny), the browser lands on the app's redirect with
Codat's parameters, and the signed webhook arrives; a Deauthorized connection is re-linked through
the same URL. Playwright for Python drives the system's Chromium (Debian's `chromium` package), never
a browser of its own. Without Chromium it prints the one command that installs it and exits 1.

    python scripts/browser_link_page.py [--screenshot PATH] [--chromium PATH]
"""

from __future__ import annotations

import argparse
import base64
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx

from codat_connections.testing import FakeCodat
from scripts._chromium import INSTALL, find_chromium, serve

KEY = "browser-test-key"
AUTH = {"Authorization": "Basic " + base64.b64encode(KEY.encode()).decode()}
REDIRECT = "/landed?company={companyId}&connection={connectionId}&status={statusCode}&error={errorMessage}"
REDIRECT += "&platform={platformName}&type={sourceType}&journey={journey}"


@contextmanager
def landing() -> Iterator[str]:
    """The app's page the Link redirect sends the browser to."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = b"<!DOCTYPE html><html lang='en'><title>Back in the app</title><h1>Back in the app</h1></html>"
            self.send_response(200)
            self.send_header("content-type", "text/html")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    with serve(Handler) as base:
        yield base


def check(condition: bool, what: str) -> None:
    print(("ok   " if condition else "FAIL ") + what, flush=True)
    if not condition:
        raise SystemExit(1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--screenshot", default="link-page.png", help="where to save the page as PNG")
    parser.add_argument("--chromium", help="the Chromium executable (default: $CHROMIUM, then `chromium` on PATH)")
    args = parser.parse_args()
    Path(args.screenshot).parent.mkdir(parents=True, exist_ok=True)
    chromium = find_chromium(args.chromium)
    if chromium is None:
        print(f"Chromium not found; install it with: {INSTALL}", file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    events: list[dict[str, object]] = []
    fake = FakeCodat(api_key=KEY)

    def receive(body: bytes, headers: dict[str, str]) -> int:
        events.append(json.loads(body))
        return 200

    fake.add_webhook_endpoint(receive)
    company = fake.add_company("Acme Ltd")
    with landing() as app, fake.serve() as base_url, httpx.Client(base_url=base_url, headers=AUTH) as api:
        fake.set_link_redirect(app + REDIRECT)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=["--no-sandbox"])
            page = browser.new_page()
            print(f"Chromium {browser.version} at {chromium}")

            def landed() -> dict[str, str]:
                page.wait_for_url(app + "/landed**")
                return {k: v[0] for k, v in parse_qs(urlsplit(page.url).query, keep_blank_values=True).items()}

            created = api.post(f"/companies/{company}/connections", json={"platformKey": "gbol"}).json()
            page.goto(created["linkUrl"] + "?journey=browser")
            check(page.get_by_role("heading", name="Connect Xero").is_visible(), "the page names the platform")
            check("Acme Ltd" in page.content(), "the page names the company")
            page.screenshot(path=args.screenshot, full_page=True)
            print(f"     screenshot: {args.screenshot}")
            page.get_by_role("button", name="Authorize").click()
            values = landed()
            check(values["status"] == "200" and values["error"] == "", "Authorize lands with statusCode 200")
            check(
                (values["company"], values["connection"], values["journey"]) == (company, created["id"], "browser"),
                "the redirect carries companyId, connectionId and the Link URL's own parameter",
            )
            check((values["platform"], values["type"]) == ("Xero", "Accounting"), "platformName and sourceType")
            status = api.get(f"/companies/{company}/connections/{created['id']}").json()["status"]
            check(status == "Linked", "the connection is Linked")
            check(events[-1]["eventType"] == "connection.connected", "the connection.connected webhook arrived")

            denied = api.post(f"/companies/{company}/connections", json={"platformKey": "qhyg"}).json()
            page.goto(denied["linkUrl"])
            page.get_by_role("button", name="Deny").click()
            values = landed()
            check(
                (values["status"], values["error"]) == ("403", "User cancelled."),
                "Deny lands with 403, User cancelled.",
            )
            check(events[-1]["eventType"] == "connection.failed", "the connection.failed webhook arrived")

            api.post(f"/_fake/companies/{company}/connections/{created['id']}/deauthorize")
            page.goto(created["linkUrl"])
            page.get_by_role("button", name="Authorize").click()
            check(landed()["status"] == "200", "the Deauthorized connection re-links through the same URL")
            check(events[-1]["eventType"] == "connection.reconnected", "the connection.reconnected webhook arrived")

            newcomer = api.post("/companies", json={"name": "Bright Bakery Ltd"}).json()
            page.goto(newcomer["redirect"])  # the company's own Link page: pick a platform
            check(page.get_by_role("heading", name="Connect Bright Bakery Ltd").is_visible(), "the company page")
            page.screenshot(path=str(Path(args.screenshot).with_name("company-link-page.png")), full_page=True)
            page.get_by_role("button", name="QuickBooks Online").click()
            page.wait_for_url(base_url + "/_fake/link/companies/**/connections/**")
            check(page.get_by_role("heading", name="Connect QuickBooks Online").is_visible(), "on to its Link page")
            page.get_by_role("button", name="Authorize").click()
            check(landed()["status"] == "200", "a platform picked on the company page links through its own page")
            check(
                [e["eventType"] for e in events[-2:]] == ["connection.created", "connection.connected"],
                "connection.created, then connection.connected",
            )
            browser.close()
    print("the Link page works in a real browser")
    return 0


if __name__ == "__main__":
    sys.exit(main())
