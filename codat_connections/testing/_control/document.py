"""The control API described: the OpenAPI document served at ``/_fake/openapi.json``, from the control routes.

Every path and operation comes from the rows of ``testing/_routes.py`` (the operation id is the handler's name,
the summary its docstring), so the document describes exactly what is routed; a team can generate a client
in its own language from it.
"""

from __future__ import annotations

from typing import Any

from codat_connections.testing._control.api import ControlRoute
from codat_connections.testing._control.schemas import FORMS, SCHEMAS

__all__ = ["document"]


def _operation(op: ControlRoute) -> dict[str, Any]:
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
    operation: dict[str, Any] = {"operationId": op.operation_id, "summary": op.summary, "responses": responses}
    if not op.auth:
        operation["security"] = []
    names = [part[1:-1] for part in op.path.split("/") if part.startswith("{")]
    parameters = [{"name": n, "in": "path", "required": True, "schema": {"type": "string"}} for n in names]
    parameters += [{"name": n, "in": "query", "required": False, "schema": {"type": "string"}} for n in op.query]
    if parameters:
        operation["parameters"] = parameters
    if op.request is not None:
        media = "application/x-www-form-urlencoded" if op.request in FORMS else "application/json"
        content = {media: {"schema": {"$ref": f"#/components/schemas/{op.request}"}}}
        operation["requestBody"] = {"required": op.request in FORMS or op.request == "Any", "content": content}
    return operation


def document(routes: tuple[ControlRoute, ...]) -> dict[str, Any]:
    """The control API as OpenAPI 3.1; the key goes as Codat's does: ``Authorization: Basic <base64 key>``."""
    paths: dict[str, dict[str, Any]] = {}
    for op in routes:
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
