"""The control API's operations that need no API key: its OpenAPI document, the Link page, and the inbox's
receiving end (a webhook receiver for teams that have none yet), with the inbox's reading end."""

from __future__ import annotations

import dataclasses
import functools
from typing import Any

from codat_connections.testing._control import link_page as page
from codat_connections.testing._control.document import document
from codat_connections.testing._control.handlers import Context, handles, no_content
from codat_connections.testing._pipeline.responses import FakeResponse, codat_error, json_response
from codat_connections.testing._state.store import ConnectionNotFound

__all__: list[str] = []


@functools.cache
def _document() -> FakeResponse:
    """Built and encoded once: the document is the same for every request (22 KB, about 0.4 ms a build)."""
    return json_response(document())


@handles("getDocument")
def _get_document(ctx: Context, ids: dict[str, str], body: dict[str, Any]) -> FakeResponse:
    cached = _document()
    return dataclasses.replace(
        cached, headers=dict(cached.headers)
    )  # each answer its own headers, for whatever edits them later


@handles("showLinkPage")
def _show_link_page(ctx: Context, ids: dict[str, str], body: dict[str, Any]) -> FakeResponse:
    try:
        company_name, record = ctx.fake._describe(ids["companyId"], ids["connectionId"])
    except ConnectionNotFound as missing:
        return page.not_found_page(str(missing))
    return page.link_page(company_name, record, ctx.request.query)


@handles("submitLinkPage")
def _submit_link_page(ctx: Context, ids: dict[str, str], body: dict[str, Any]) -> FakeResponse:
    company_id, connection_id = ids["companyId"], ids["connectionId"]
    choice = page.choice_of(ctx.request.body)
    if choice is None:
        return codat_error(400, "The form needs choice=authorize or choice=deny.")
    try:
        company_name, before = ctx.fake._describe(company_id, connection_id)
    except ConnectionNotFound as missing:
        return page.not_found_page(str(missing))
    outcome = page.outcome_for(choice, before["status"])
    if outcome.status_code == 200:
        ctx.fake.complete_link(company_id, connection_id)
    elif outcome.status_code == 403:
        ctx.fake.fail_link(company_id, connection_id, page.DENY_STATUS_TEXT)
    template = ctx.fake.link_redirect
    if template is None:
        return page.outcome_page(outcome)
    _, record = ctx.fake._describe(company_id, connection_id)
    location = page.redirect_url(
        template,
        client_id=ctx.fake.client_id,
        company_id=company_id,
        company_name=company_name,
        record=record,
        outcome=outcome,
        query=ctx.request.query,
    )
    return page.redirect(location)


@handles("receiveWebhook")
def _receive(ctx: Context, ids: dict[str, str], body: dict[str, Any]) -> FakeResponse:
    ctx.inbox.append({"headers": dict(ctx.request.headers), "body": ctx.request.body.decode("utf-8", "replace")})
    return no_content()


@handles("listInbox")
def _list_inbox(ctx: Context, ids: dict[str, str], body: dict[str, Any]) -> FakeResponse:
    return json_response({"messages": list(ctx.inbox)})


@handles("clearInbox")
def _clear_inbox(ctx: Context, ids: dict[str, str], body: dict[str, Any]) -> FakeResponse:
    ctx.inbox.clear()
    return no_content()
