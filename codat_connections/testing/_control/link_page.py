"""The hosted Link pages of a served fake: plain HTML where the end user authorizes a connection or denies it,
and the company's page (its ``redirect``) where the end user picks a platform, which makes the connection.

``GET`` shows the company, the platform and two buttons (a form; no JavaScript, no API key: the
end user's browser has none). ``POST`` with ``choice=authorize`` completes the link
(``connection.connected``, or ``connection.reconnected`` for a ``Deauthorized`` or ``Unlinked``
connection); ``choice=deny`` fails it (``connection.failed``). The browser is then sent (303) to
the redirect template, filled in as Codat's Hosted Link fills it:

- ``{name}`` is one of Codat's reserved parameters (case-sensitive): ``clientId``, ``companyId``,
  ``connectionId``, ``integrationId``, ``sourceId``, ``platform`` (the key), ``platformName``,
  ``sourceType``, ``statusCode``, ``errorMessage``, ``statusText``, ``data.company.companyName``;
- any other ``{name}`` takes the value of that query parameter of the Link URL, or the empty string;
- every value is percent-encoded, and so is any character of the template beyond ASCII.

The template is one http(s) URL without spaces or control characters (``check_url``), so the one ``Location``
of every 303 is a URL the browser can follow and never a second header.

``statusCode`` is 200 after Authorize (201 when the connection was already ``Linked``: nothing to
do) with an empty ``errorMessage``; 403 with ``User cancelled.`` after Deny. Without a template the
page itself says what happened.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, quote, urlencode

from codat_connections.testing._pipeline.responses import FakeResponse

__all__ = [
    "DENY_ERROR_MESSAGE",
    "DENY_STATUS_TEXT",
    "LinkOutcome",
    "choice_of",
    "company_page",
    "link_page",
    "platform_of",
    "not_found_page",
    "outcome_for",
    "outcome_page",
    "redirect",
    "redirect_url",
]

DENY_ERROR_MESSAGE = "User cancelled."
DENY_STATUS_TEXT = "The user denied access on the Link page"
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color:#1a1a2e}"
    "h1{font-size:1.5rem}dl{display:grid;grid-template-columns:auto 1fr;gap:.25rem 1rem}dt{font-weight:600}"
    "button{font-size:1rem;padding:.6rem 1.4rem;margin:.5rem .75rem 0 0;border-radius:.4rem;cursor:pointer}"
    "button[value=authorize]{background:#2f54eb;color:#fff;border:1px solid #2f54eb}"
    "button[value=deny]{background:#fff;color:#1a1a2e;border:1px solid #8c8c8c}"
    "button:focus-visible{outline:3px solid #ffb020;outline-offset:2px}"
)


@dataclass(frozen=True)
class LinkOutcome:
    """What happened on the page: Codat's redirect status values."""

    status_code: int
    error_message: str
    status_text: str


def _page(title: str, body: str, status: int) -> FakeResponse:
    document = (
        f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n<style>{_STYLE}</style>\n</head>\n"
        f"<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n"
    )
    headers = {"content-type": "text/html; charset=utf-8", "cache-control": "no-store"}
    return FakeResponse(status, headers, document.encode())


def link_page(company_name: str, record: Mapping[str, Any], query: Mapping[str, str]) -> FakeResponse:
    """The page for one connection; the form posts back to the same URL, custom parameters and all."""
    platform = html.escape(str(record.get("platformName", "")))
    company = html.escape(company_name)
    status = str(record.get("status", ""))
    action = "?" + urlencode(dict(query)) if query else ""
    linked = status == "Linked"
    intro = (
        f"<p>This connection to {platform} is already linked; nothing more is needed.</p>"
        if linked
        else f"<p><strong>{company}</strong> asks for access to its data in <strong>{platform}</strong>.</p>"
    )
    buttons = (
        '<button type="submit" name="choice" value="authorize">Continue</button>'
        if linked
        else '<button type="submit" name="choice" value="authorize">Authorize</button>\n'
        '<button type="submit" name="choice" value="deny">Deny</button>'
    )
    body = (
        f'<h1 id="title">Connect {platform}</h1>\n{intro}\n'
        f'<dl aria-label="Connection details">\n<dt>Company</dt><dd>{company}</dd>\n'
        f"<dt>Platform</dt><dd>{platform}</dd>\n<dt>Status</dt><dd>{html.escape(status)}</dd>\n</dl>\n"
        f'<form method="post" action="{html.escape(action)}" aria-labelledby="title">\n{buttons}\n</form>\n'
        "<p><small>Fake Codat Link page, for tests: no data leaves this machine.</small></p>"
    )
    return _page(f"Connect {record.get('platformName', '')} - Fake Codat Link", body, 200)


def company_page(company_name: str, connections: list[Mapping[str, Any]], platforms: Mapping[str, str]) -> FakeResponse:
    """The company's page: its connections (each to its own Link page) and a button per platform (``platforms``: key
    to name) that makes a new connection and goes to its Link page."""
    company = html.escape(company_name)
    listed = "".join(
        f'<li><a href="{html.escape(str(record.get("linkUrl", "")))}">{html.escape(str(record.get("platformName")))}'
        f"</a>: {html.escape(str(record.get('status')))}</li>\n"
        for record in connections
    )
    existing = f"<h2>Connections</h2>\n<ul>\n{listed}</ul>\n" if listed else ""
    buttons = "\n".join(
        f'<button type="submit" name="platform" value="{html.escape(key)}">{html.escape(name)}</button>'
        for key, name in platforms.items()
    )
    body = (
        f'<h1 id="title">Connect {company}</h1>\n'
        f"<p><strong>{company}</strong> shares its data through the platforms it picks.</p>\n{existing}"
        f'<h2>Add a platform</h2>\n<form method="post" aria-labelledby="title">\n{buttons}\n</form>\n'
        "<p><small>Fake Codat Link page, for tests: no data leaves this machine.</small></p>"
    )
    return _page(f"Connect {company_name} - Fake Codat Link", body, 200)


def platform_of(body: bytes, known: Mapping[str, object]) -> str | None:
    """The platform key the company page's form submitted, when it is one of ``known``; else None."""
    values = parse_qs(body.decode("utf-8", "replace")).get("platform", [])
    return values[0] if len(values) == 1 and values[0] in known else None


def outcome_page(outcome: LinkOutcome) -> FakeResponse:
    """Where the browser stays when no redirect is configured."""
    if outcome.status_code == 403:
        text = "Access was denied. You can close this window."
    else:
        text = "The connection is linked. You can close this window."
    heading, detail = html.escape(text.split(".")[0]), html.escape(text)
    body = f"<h1>{heading}</h1>\n<p>{detail}</p>\n<p>statusCode: {outcome.status_code}</p>"
    return _page("Fake Codat Link", body, 200)


def not_found_page(message: str) -> FakeResponse:
    return _page("Not found - Fake Codat Link", f"<h1>Not found</h1>\n<p>{html.escape(message)}</p>", 404)


def choice_of(body: bytes) -> str | None:
    """``authorize`` or ``deny`` from the submitted form, else None."""
    values = parse_qs(body.decode("utf-8", "replace")).get("choice", [])
    return values[0] if len(values) == 1 and values[0] in ("authorize", "deny") else None


def redirect_url(
    template: str,
    *,
    client_id: str,
    company_id: str,
    company_name: str,
    record: Mapping[str, Any],
    outcome: LinkOutcome,
    query: Mapping[str, str],
) -> str:
    """``template`` with Codat's reserved parameters and the Link URL's own parameters substituted."""
    reserved = {
        "clientId": client_id,
        "companyId": company_id,
        "connectionId": str(record["id"]),
        "integrationId": str(record["integrationId"]),
        "sourceId": str(record["sourceId"]),
        "platform": str(record["integrationKey"]),
        "platformName": str(record["platformName"]),
        "sourceType": str(record["sourceType"]),
        "statusCode": str(outcome.status_code),
        "errorMessage": outcome.error_message,
        "statusText": outcome.status_text,
        "data.company.companyName": company_name,
    }

    def value(found: re.Match[str]) -> str:
        name = found.group(1)
        return quote(reserved[name] if name in reserved else query.get(name, ""), safe="")

    return _PLACEHOLDER.sub(value, template)


_ASCII_PRINTABLE = "".join(chr(code) for code in range(0x21, 0x7F))


def redirect(location: str) -> FakeResponse:
    """The 303 to ``location`` (a checked template, filled in): its one ``Location`` in ASCII, a character beyond
    it percent-encoded as a browser would (a header carries no other)."""
    return FakeResponse(303, {"location": quote(location, safe=_ASCII_PRINTABLE), "cache-control": "no-store"})


def outcome_for(choice: str, previous_status: str) -> LinkOutcome:
    """Codat's values: 201 when the connection was already Linked (nothing done), 403 for Deny, else 200."""
    if previous_status == "Linked":
        return LinkOutcome(201, "", "")
    if choice == "deny":
        return LinkOutcome(403, DENY_ERROR_MESSAGE, DENY_STATUS_TEXT)
    return LinkOutcome(200, "", "")
