"""One call to any endpoint of Codat's API outside the typed surface, through the client's own loop.

``client.request`` exists so that the rest of Codat's API (data status, sync settings, ...) never needs
a second client that ignores this one's pacing: the credential, retries by method, the client-wide
pause, the per-company limit (the company id is read from the path) and typed errors all apply.
"""

from __future__ import annotations

import json as json_module
import re
from collections.abc import Mapping
from typing import Any

import httpx

from codat_connections import _validation as check
from codat_connections._constants import KEYED_METHODS
from codat_connections._json import DECODE_ERRORS
from codat_connections._operations._decoding import unexpected
from codat_connections._request import Operation, RequestSpec

__all__ = ["METHODS", "request"]

METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE"})
_COMPANY = re.compile(r"^/companies/([^/]+)(?:/|$)")
# Whitespace, control characters, and what would start a query or a fragment or leave the path.
_FORBIDDEN_IN_PATH = re.compile(r"[\s?#\\\x00-\x1f\x7f]")
# A percent-encoded '/' or backslash (a server that decodes it splits the segment), and an encoded '.'.
_ENCODED_SEPARATOR = re.compile(r"%(?:2f|5c)", re.IGNORECASE)
_ENCODED_DOT = re.compile(r"%2e", re.IGNORECASE)


def request(
    method: str,
    path: str,
    params: Mapping[str, Any] | None,
    json: Any,
    idempotency_key: str | None,
) -> Operation[Any]:
    """The checked call; its result is the decoded JSON body (None when the body is empty)."""
    if not isinstance(method, str):
        raise TypeError(f"method must be a str, one of {', '.join(sorted(METHODS))}, got {type(method).__name__}")
    if method.upper() not in METHODS:
        raise ValueError(f"method must be one of {', '.join(sorted(METHODS))}, got {method!r}")
    method = method.upper()
    spec = RequestSpec(
        method,
        _path(path),
        company_id=_company_of(path),
        params=_params(params),
        json=json,
        idempotency_key=_key(method, idempotency_key),
    )
    return Operation(spec, _parse_json)


def _path(path: object) -> str:
    if not isinstance(path, str):
        raise TypeError(f"path must be a str, got {type(path).__name__}")
    if not path.startswith("/") or path.startswith("//"):
        raise ValueError(f"path must be a path on the API, starting with one '/' (e.g. '/companies/...'), got {path!r}")
    forbidden = _FORBIDDEN_IN_PATH.search(path)
    if forbidden:
        raise ValueError(
            f"path must not contain {forbidden.group(0)!r}: pass query parameters as params=, and ids without "
            f"spaces or control characters (got {path!r})"
        )
    separator = _ENCODED_SEPARATOR.search(path)
    if separator:
        decoded = "'/'" if separator.group(0).lower() == "%2f" else "backslash"
        raise ValueError(
            f"path must not contain {separator.group(0)!r} (an encoded {decoded}): a server that decodes it "
            f"reads another path (got {path!r})"
        )
    # A server that normalizes paths reads %2e as '.': DELETE /companies/C/connections/%2e%2e is DELETE /companies/C.
    if any(_ENCODED_DOT.sub(".", segment) in (".", "..") for segment in path.split("/")):
        raise ValueError(f"path must not contain '.' or '..' segments, also percent-encoded ('%2e'), got {path!r}")
    return path


def _company_of(path: str) -> str | None:
    """The company a path is about, for the per-company limit (``/companies/{id}/...``)."""
    found = _COMPANY.match(path)
    return found.group(1) if found else None


def _params(params: object) -> dict[str, Any]:
    if params is None:
        return {}
    if not isinstance(params, Mapping) or not all(isinstance(name, str) for name in params):
        raise TypeError("params must be a mapping of parameter names (str) to values")
    return dict(params)


def _key(method: str, idempotency_key: str | None) -> str | None:
    if idempotency_key is None:
        return None
    if method not in KEYED_METHODS:
        raise ValueError(f"Codat honours an Idempotency-Key on POST and PATCH only, not on {method}")
    return check.idempotency_key(idempotency_key)


def _parse_json(spec: RequestSpec, response: httpx.Response) -> Any:
    if not response.is_success or not response.content.strip():
        return None  # empty; or the 404 that proved a retried delete done: its body is Codat's error, not a result
    try:
        return json_module.loads(response.content)
    except DECODE_ERRORS as exc:
        raise unexpected(spec, response, exc, what="is not JSON") from exc
