"""The HTTP control API under ``/_fake/``: every Python control of the fake, reachable from any language.

A control route (``ControlRoute``, a row of ``testing/_routes.py``) names its handler (``handlers``), its body's
schema and its answer; ``ControlAPI`` matches a request to its route, checks the key (unless the route is
open), reads the JSON body (its names checked against the route's schema) and calls the handler, which
calls the same public control a Python test calls: no rule is written twice. Errors are Codat's error
body: 400 for a bad argument (the control's own ``ValueError`` or ``TypeError`` message), 401 without the
fake's API key, 404 for an unknown company, connection or endpoint (``NotFound``), 409 for a transition
the status does not allow, 504 when a flush times out.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from codat_connections._json import NotAJSONObject, loads_object
from codat_connections.testing._control.controls import FakeControls
from codat_connections.testing._control.inbox import Inbox
from codat_connections.testing._control.schemas import FORMS, SCHEMAS
from codat_connections.testing._pipeline.pipeline import authorized
from codat_connections.testing._pipeline.recording import IncomingRequest
from codat_connections.testing._pipeline.responses import FakeResponse, codat_error
from codat_connections.testing._pipeline.routing import Router
from codat_connections.testing._state.store import InvalidTransition, NotFound

__all__ = ["ControlAPI", "ControlCall", "ControlRoute", "Context", "camel_case"]


def camel_case(name: str) -> str:
    """A Python name as the control API spells it: ``retry_after`` is ``retryAfter``."""
    first, *rest = name.split("_")
    return first + "".join(part.title() for part in rest)


@dataclass(frozen=True)
class Context:
    """What a control handler works on: the fake's public controls, the inbox, and the control routes (which the
    OpenAPI document describes)."""

    fake: FakeControls
    inbox: Inbox
    routes: tuple[ControlRoute, ...]


@dataclass(frozen=True)
class ControlCall:
    """One control request as its handler reads it: the request, the path's ``{names}``, the JSON body's fields."""

    request: IncomingRequest
    params: Mapping[str, str]
    fields: dict[str, Any]


@dataclass(frozen=True)
class ControlRoute:
    """A route of the control API: ``method path`` answered by ``handler``, and what its OpenAPI entry says.

    The operation id is the handler's name in camelCase and the summary its docstring, so the document
    cannot drift from the handlers.
    """

    method: str
    path: str
    handler: Callable[[Context, ControlCall], FakeResponse]
    status: int = 200
    """The status of a successful answer."""
    request: str | None = None
    """The request body's schema name (``SCHEMAS``), None for no body."""
    response: str | None = None
    """The response body's schema name, None for no body."""
    auth: bool = True
    """Needs the fake's API key (the Link page, the inbox's receiving end and the document do not)."""
    query: tuple[str, ...] = ()
    """Optional query parameters the handler reads."""

    @property
    def operation_id(self) -> str:
        return camel_case(self.handler.__name__)

    @property
    def summary(self) -> str:
        return (self.handler.__doc__ or "").strip()


class ControlAPI:
    """Answers ``/_fake/`` requests for one fake (called without the fake's lock held)."""

    def __init__(self, router: Router[ControlRoute], context: Context, expected_auth: str) -> None:
        self._router = router
        self._context = context
        self._expected_auth = expected_auth

    def answer(self, request: IncomingRequest) -> FakeResponse:
        not_found = f"No control at {request.path}; the control API is described at /_fake/openapi.json"
        found = self._router.match(request.method, request.path, not_found)
        if isinstance(found, FakeResponse):
            return found
        route, params = found
        if route.auth and not authorized(request, self._expected_auth):
            return codat_error(401, "Unauthorized: the control API needs the fake's API key, as Codat's API does.")
        fields = _fields(route, request)
        if isinstance(fields, FakeResponse):
            return fields
        try:
            return route.handler(self._context, ControlCall(request, params, fields))
        except NotFound as missing:
            return codat_error(404, str(missing))
        except InvalidTransition as refused:
            return codat_error(409, str(refused))
        except (TypeError, ValueError) as wrong:
            return codat_error(400, str(wrong))
        except TimeoutError as slow:
            return codat_error(504, str(slow))


def _fields(route: ControlRoute, request: IncomingRequest) -> dict[str, Any] | FakeResponse:
    """The JSON body, its names checked against the route's schema; an empty body is ``{}``."""
    if route.request is None or route.request == "Any" or route.request in FORMS or not request.body.strip():
        body: dict[str, Any] = {}
    else:
        try:
            body = loads_object(request.body)
        except NotAJSONObject as wrong:
            return codat_error(400, f"The request body is not valid: {wrong}; send a JSON object.")
    schema = SCHEMAS.get(route.request or "", {})
    known = schema.get("properties")
    if known is not None and route.request not in FORMS:
        unknown = sorted(set(body) - set(known))
        if unknown:
            return codat_error(400, f"Unknown field(s) {unknown}; {route.operation_id} takes {sorted(known)}.")
        missing = [field for field in schema.get("required", ()) if field not in body]
        if missing:
            return codat_error(400, f"Missing field(s) {missing} for {route.operation_id}.")
    return body
