"""The JSON schemas of the control API's request and response bodies, by name (a control route names its own).

Request bodies are JSON objects with camelCase names; a name the schema does not list is refused
(``api.ControlAPI``), so a typo is a 400 and never silently ignored. ``document`` puts them in the
OpenAPI document served at ``/_fake/openapi.json``.
"""

from __future__ import annotations

from typing import Any, get_args

from codat_connections.testing._pipeline.faults import FaultKind
from codat_connections.testing._state.platforms import PLATFORMS, STATUSES

__all__ = ["FORMS", "SCHEMAS"]

FORMS = frozenset({"LinkChoice", "PlatformChoice"})
"""The request bodies a browser sends (the Link pages' forms): ``application/x-www-form-urlencoded``, not JSON."""


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
    "PlatformChoice": _object({"platform": {"type": "string", "enum": sorted(PLATFORMS)}}, ("platform",)),
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
