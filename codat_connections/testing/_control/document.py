"""The fake's HTTP control API, described: every operation under ``/_fake/`` and the OpenAPI document of them.

``OPERATIONS`` is what ``_control_api`` routes (each id has exactly one handler there, checked by a
test) and what ``document()`` describes, served at ``/_fake/openapi.json`` so a team can generate a
client in its own language. Request bodies are JSON objects with camelCase names; a name the
schema does not list is refused, so a typo is a 400 and never silently ignored.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, get_args

from codat_connections.testing._pipeline.faults import FaultKind
from codat_connections.testing._state.platforms import STATUSES

__all__ = ["OPERATIONS", "SCHEMAS", "ControlOperation", "document"]


@dataclass(frozen=True)
class ControlOperation:
    id: str
    method: str
    path: str
    summary: str
    status: int
    request: str | None = None
    """The request body's schema name (a JSON object), None for no body."""
    response: str | None = None
    """The response body's schema name, None for no body."""
    auth: bool = True
    """Needs the fake's API key (the Link page, the inbox's receiving end and this document do not)."""


_TABLE = """
getDocument           GET    /_fake/openapi.json                          200 -               Document         open
showLinkPage          GET    /_fake/link/{link}                           200 -               Html             open
submitLinkPage        POST   /_fake/link/{link}                           303 LinkChoice      -                open
receiveWebhook        POST   /_fake/inbox                                 204 Any             -                open
listInbox             GET    /_fake/inbox                                 200 -               Inbox            key
clearInbox            DELETE /_fake/inbox                                 204 -               -                key
addCompany            POST   /_fake/companies                             201 NewCompany      CompanyId        key
addFleet              POST   /_fake/fleet                                 201 NewFleet        CompanyIds       key
seedConnections       POST   /_fake/companies/{companyId}/connections     201 NewConnections  ConnectionIds    key
listConnections       GET    /_fake/companies/{companyId}/connections     200 -               Connections      key
completeLink          POST   /_fake/{connection}/complete-link            200 -               Connection       key
failLink              POST   /_fake/{connection}/fail-link                200 Message         Connection       key
deauthorize           POST   /_fake/{connection}/deauthorize              200 Message         Connection       key
addFault              POST   /_fake/faults                                201 Fault           Fault            key
clearFaults           DELETE /_fake/faults                                204 -               -                key
enforceRateLimits     PUT    /_fake/rate-limits                           200 RateLimits      RateLimits       key
setLatency            PUT    /_fake/latency                               200 Latency         Latency          key
setLinkRedirect       PUT    /_fake/link-redirect                         200 LinkRedirect    LinkRedirect     key
addWebhookEndpoint    POST   /_fake/webhooks/endpoints                    201 NewEndpoint     WebhookEndpoint  key
listWebhookEndpoints  GET    /_fake/webhooks/endpoints                    200 -               WebhookEndpoints key
removeWebhookEndpoint DELETE /_fake/webhooks/endpoints/{endpointId}       204 -               -                key
configureWebhooks     PUT    /_fake/webhooks/settings                     200 WebhookSettings WebhookSettings  key
flushWebhooks         POST   /_fake/webhooks/flush                        200 Flush           Deliveries       key
listWebhookDeliveries GET    /_fake/webhooks/deliveries                   200 -               Deliveries       key
duplicateWebhooks     POST   /_fake/webhooks/duplicate                    204 Times           -                key
reorderWebhooks       POST   /_fake/webhooks/reorder                      204 -               -                key
listRequests          GET    /_fake/requests                              200 -               Requests         key
checkpoint            POST   /_fake/checkpoint                            204 -               -                key
reset                 POST   /_fake/reset                                 204 -               -                key
"""
_SUMMARIES = {
    "getDocument": "This document.",
    "showLinkPage": "The Link page (HTML) the end user opens from a connection's linkUrl.",
    "submitLinkPage": "Authorize or Deny (a form); then the redirect, or a page saying what happened.",
    "receiveWebhook": "A webhook receiver that keeps what it gets (for a team without one yet).",
    "listInbox": "What the inbox received, oldest first: headers and raw body, to verify signatures.",
    "clearInbox": "Empty the inbox.",
    "addCompany": "A company, made directly (no webhook).",
    "addFleet": "Many companies with connections, some Deauthorized (deauthorizedShare).",
    "seedConnections": "Connections, made directly (no webhook).",
    "listConnections": "Every connection of a company, as the API returns it.",
    "completeLink": "The end user finished linking (connection.connected or .reconnected).",
    "failLink": "A link attempt failed (connection.failed).",
    "deauthorize": "The platform withdrew access (connection.disconnected).",
    "addFault": "A fault for the next matching requests of Codat's API (the fields its kind's Python control takes).",
    "clearFaults": "Forget every fault not yet used up.",
    "enforceRateLimits": "Enforce Codat's rate limits from now on.",
    "setLatency": "Hold every answer of Codat's API this long.",
    "setLinkRedirect": "The redirect URL template of the Link page (null: none).",
    "addWebhookEndpoint": "Deliver signed webhooks to a loopback URL.",
    "listWebhookEndpoints": "The URL endpoints and their signing secrets.",
    "removeWebhookEndpoint": "Stop sending new messages to an endpoint.",
    "configureWebhooks": "Receiver timeout and the waits before each retry.",
    "flushWebhooks": "Deliver held messages and wait until every message is delivered or given up.",
    "listWebhookDeliveries": "Every delivery attempt.",
    "duplicateWebhooks": "Deliver each of the next messages twice.",
    "reorderWebhooks": "Hold new messages until a flush, which delivers them newest first.",
    "listRequests": "The requests Codat's API got, oldest first (method= and path= filter).",
    "checkpoint": "Make the present state the one reset returns to.",
    "reset": "Back to the start state: companies, limits, latency, webhook endpoints and settings; logs cleared.",
}
_PATHS = {
    "{link}": "companies/{companyId}/connections/{connectionId}/start",
    "{connection}": "companies/{companyId}/connections/{connectionId}",
}


def _operations() -> tuple[ControlOperation, ...]:
    operations = []
    for line in _TABLE.strip().splitlines():
        op_id, method, path, status, request, response, auth = line.split()
        for short, full in _PATHS.items():
            path = path.replace(short, full)
        operations.append(
            ControlOperation(
                op_id,
                method,
                path,
                _SUMMARIES[op_id],
                int(status),
                None if request == "-" else request,
                None if response == "-" else response,
                auth == "key",
            )
        )
    return tuple(operations)


OPERATIONS = _operations()


def _object(properties: dict[str, Any], required: tuple[str, ...] = ()) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": properties, "additionalProperties": False}
    if required:
        schema["required"] = list(required)
    return schema


_STR = {"type": "string"}
_INT = {"type": "integer"}
_NUM = {"type": "number"}
_NULLABLE_STR = {"type": ["string", "null"]}
_NULLABLE_INT = {"type": ["integer", "null"]}
_TAGS = {"type": "object", "additionalProperties": _STR}
_STATUS = {"type": "string", "enum": list(STATUSES)}
_ANY_OBJECT = {"type": "object"}
_DELIVERY = _object(
    {
        "endpointId": _STR,
        "messageId": _STR,
        "eventType": _STR,
        "attempt": _INT,
        "status": _NULLABLE_INT,
        "error": _NULLABLE_STR,
        "succeeded": {"type": "boolean"},
    },
    ("endpointId", "messageId", "eventType", "attempt", "status", "error", "succeeded"),
)
_ENDPOINT = _object(
    {"id": _STR, "url": _STR, "secret": _STR, "eventTypes": {"type": ["array", "null"], "items": _STR}},
    ("id", "url", "secret", "eventTypes"),
)

SCHEMAS: dict[str, dict[str, Any]] = {
    "Any": {},
    "Document": _ANY_OBJECT,
    "Html": {"type": "string"},
    "LinkChoice": _object({"choice": {"type": "string", "enum": ["authorize", "deny"]}}, ("choice",)),
    "Inbox": _object(
        {"messages": {"type": "array", "items": _object({"headers": _TAGS, "body": _STR}, ("headers", "body"))}},
        ("messages",),
    ),
    "NewCompany": _object({"name": _STR, "companyId": _STR, "description": _STR, "tags": _TAGS}),
    "CompanyId": _object({"id": _STR}, ("id",)),
    "NewFleet": _object(
        {
            "companies": _INT,
            "connectionsEach": _INT,
            "platformKey": _STR,
            "status": _STATUS,
            "deauthorizedShare": {"type": "number", "minimum": 0, "maximum": 1},
        },
        ("companies",),
    ),
    "CompanyIds": _object({"companyIds": {"type": "array", "items": _STR}}, ("companyIds",)),
    "NewConnections": _object({"count": _INT, "platformKey": _STR, "status": _STATUS}, ("count",)),
    "ConnectionIds": _object({"connectionIds": {"type": "array", "items": _STR}}, ("connectionIds",)),
    "Connection": {"type": "object", "required": ["id", "status", "linkUrl"]},
    "Connections": _object({"connections": {"type": "array", "items": {"type": "object"}}}, ("connections",)),
    "Message": _object({"message": _STR}),
    "Fault": _object(
        {
            "kind": {"type": "string", "enum": list(get_args(FaultKind))},
            "times": _INT,
            "method": _NULLABLE_STR,
            "path": _NULLABLE_STR,
            "status": _INT,
            "retryAfter": _NULLABLE_STR,
            "seconds": _NUM,
            "afterProcessing": {"type": "boolean"},
        },
        ("kind",),
    ),
    "RateLimits": _object(
        {"requests": _INT, "perSeconds": _NUM, "perCompanyConcurrency": _NULLABLE_INT, "dailyQuota": _NULLABLE_INT}
    ),
    "Latency": _object({"seconds": _NUM, "jitter": _NUM}, ("seconds",)),
    "LinkRedirect": _object({"template": _NULLABLE_STR}, ("template",)),
    "NewEndpoint": _object({"url": _STR, "secret": _STR, "eventTypes": {"type": "array", "items": _STR}}, ("url",)),
    "WebhookEndpoint": _ENDPOINT,
    "WebhookEndpoints": _object({"endpoints": {"type": "array", "items": _ENDPOINT}}, ("endpoints",)),
    "WebhookSettings": _object({"timeout": _NUM, "retrySchedule": {"type": "array", "items": _NUM}}),
    "Flush": _object({"timeout": _NUM}),
    "Deliveries": _object({"deliveries": {"type": "array", "items": _DELIVERY}}, ("deliveries",)),
    "Times": _object({"times": _INT}),
    "Requests": _object(
        {
            "requests": {
                "type": "array",
                "items": _object(
                    {
                        "method": _STR,
                        "path": _STR,
                        "query": _TAGS,
                        "headers": _TAGS,
                        "body": {},
                        "status": _NULLABLE_INT,
                    },
                    ("method", "path", "query", "headers", "body", "status"),
                ),
            }
        },
        ("requests",),
    ),
    "ErrorMessage": {
        "type": "object",
        "properties": {"statusCode": _INT, "service": _STR, "error": _STR, "correlationId": _STR},
        "required": ["statusCode", "error", "correlationId"],
    },
}


def _operation(op: ControlOperation) -> dict[str, Any]:
    ref = {"$ref": "#/components/responses/Error"}
    responses: dict[str, Any] = {"400": ref, "404": ref}
    if op.auth:
        responses["401"] = ref
    if op.response == "Html":
        responses[str(op.status)] = {"description": op.summary, "content": {"text/html": {"schema": SCHEMAS["Html"]}}}
    elif op.response is not None:
        schema = {"$ref": f"#/components/schemas/{op.response}"}
        responses[str(op.status)] = {"description": op.summary, "content": {"application/json": {"schema": schema}}}
    else:
        responses[str(op.status)] = {"description": op.summary}
    operation: dict[str, Any] = {"operationId": op.id, "summary": op.summary, "responses": responses}
    if not op.auth:
        operation["security"] = []
    names = [part[1:-1] for part in op.path.split("/") if part.startswith("{")]
    parameters = [{"name": n, "in": "path", "required": True, "schema": {"type": "string"}} for n in names]
    if op.id == "listRequests":
        parameters += [{"name": n, "in": "query", "required": False, "schema": _STR} for n in ("method", "path")]
    if parameters:
        operation["parameters"] = parameters
    if op.request is not None:
        media = "application/x-www-form-urlencoded" if op.request == "LinkChoice" else "application/json"
        content = {media: {"schema": {"$ref": f"#/components/schemas/{op.request}"}}}
        operation["requestBody"] = {"required": op.request in ("LinkChoice", "Any"), "content": content}
    return operation


def document() -> dict[str, Any]:
    """The control API as OpenAPI 3.1; the key goes as Codat's does: ``Authorization: Basic <base64 key>``."""
    paths: dict[str, dict[str, Any]] = {}
    for op in OPERATIONS:
        paths.setdefault(op.path, {})[op.method.lower()] = _operation(op)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Fake Codat control API",
            "version": "1",
            "description": "Drive a codat-connections fake from any language: state, faults, limits, webhooks.",
        },
        "paths": paths,
        "components": {
            "schemas": SCHEMAS,
            "responses": {
                "Error": {
                    "description": "Codat's error body.",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorMessage"}}},
                }
            },
            "securitySchemes": {"apiKey": {"type": "apiKey", "in": "header", "name": "Authorization"}},
        },
        "security": [{"apiKey": []}],
    }
