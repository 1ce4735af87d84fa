"""Every failure the client can raise, as one typed tree under ``CodatError``.

Any response (any status, any body: JSON, HTML from a proxy, empty, truncated) and any transport
failure ends as one of these; nothing raw (``KeyError``, ``JSONDecodeError``, ``httpx`` errors)
escapes the client. Messages carry the status, the request, Codat's own message and the
correlation id to quote to Codat support, and never the API key.
"""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

import httpx

from codat_connections._json import NotAJSONObject, loads_object

__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "CodatError",
    "ConflictError",
    "InternalServerError",
    "NotFoundError",
    "PaymentRequiredError",
    "PermissionDeniedError",
    "RateLimitError",
    "UnexpectedResponseError",
    "UnprocessableEntityError",
]


class CodatError(Exception):
    """Base class of every error this library raises (input errors are ``ValueError``)."""


class APIConnectionError(CodatError):
    """No usable HTTP response: DNS, refused or reset connection, TLS, protocol error."""

    def __init__(self, message: str, *, method: str, path: str) -> None:
        super().__init__(f"{message} ({method} {path})")
        self.method = method
        self.path = path


class APITimeoutError(APIConnectionError):
    """The request timed out (connect, read, write or pool)."""


class UnexpectedResponseError(CodatError):
    """A successful status whose body cannot be decoded into the documented model."""

    def __init__(self, message: str, *, status_code: int, method: str, path: str, body: bytes) -> None:
        super().__init__(f"{status_code} from {method} {path}: {message}")
        self.status_code = status_code
        self.method = method
        self.path = path
        self.body = body


class APIStatusError(CodatError):
    """Codat (or something in front of it) answered with a non-2xx status."""

    status_code: int

    def __init__(
        self,
        *,
        status_code: int,
        method: str,
        path: str,
        body: bytes,
        headers: Mapping[str, str],
    ) -> None:
        self.status_code = status_code
        self.method = method
        self.path = path
        self.body = body
        self.headers = dict(headers)
        try:
            payload = loads_object(body)
        except NotAJSONObject:
            payload = {}
        self.error: str | None = _str_or_none(payload.get("error"))
        self.correlation_id: str | None = _str_or_none(payload.get("correlationId")) or _str_or_none(
            self.headers.get("x-correlation-id") or self.headers.get("correlation-id")
        )
        self.service: str | None = _str_or_none(payload.get("service"))
        self.can_be_retried: str | None = _str_or_none(payload.get("canBeRetried"))
        code = payload.get("detailedErrorCode")
        self.detailed_error_code: int | None = code if isinstance(code, int) and not isinstance(code, bool) else None
        validation = payload.get("validation")
        self.validation: dict[str, Any] | None = validation if isinstance(validation, dict) else None
        super().__init__(self._describe())

    @property
    def reason(self) -> str:
        try:
            return HTTPStatus(self.status_code).phrase
        except ValueError:
            return "Unknown Status"

    def _describe(self) -> str:
        text = f"{self.status_code} {self.reason} from {self.method} {self.path}"
        detail = self.error or _short_text(self.body)
        if detail:
            text += f": {detail}"
        if self.correlation_id:
            text += f" (correlation id {self.correlation_id})"
        return text


class BadRequestError(APIStatusError):
    """400: the request or its query was malformed."""


class AuthenticationError(APIStatusError):
    """401: missing or invalid API key."""


class PaymentRequiredError(APIStatusError):
    """402: an account limit was reached."""


class PermissionDeniedError(APIStatusError):
    """403: the key may not access this resource."""


class NotFoundError(APIStatusError):
    """404: the company or connection does not exist (or was deleted)."""


class ConflictError(APIStatusError):
    """409: a conflicting request, e.g. one with the same Idempotency-Key still in flight."""


class UnprocessableEntityError(APIStatusError):
    """422: well-formed but refused, e.g. an Idempotency-Key reused with a different body."""


class RateLimitError(APIStatusError):
    """429: too many requests. ``retry_after`` is in seconds when the server said."""

    def __init__(self, *, retry_after: float | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.retry_after = retry_after
        self.rate_limit: dict[str, str] = {
            name: value for name, value in self.headers.items() if name.lower().startswith("x-rate-limit-")
        }


class InternalServerError(APIStatusError):
    """5xx, including non-standard ones such as Cloudflare's 520."""


_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    402: PaymentRequiredError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def status_error(response: httpx.Response, *, method: str, path: str) -> APIStatusError:
    """The typed error for a non-2xx response; the class follows the HTTP status, never the body."""
    status = response.status_code
    cls = _BY_STATUS.get(status) or (InternalServerError if status >= 500 else APIStatusError)
    headers = {name.lower(): value for name, value in response.headers.items()}
    common: dict[str, Any] = {
        "status_code": status,
        "method": method,
        "path": path,
        "body": response.content,
        "headers": headers,
    }
    if cls is RateLimitError:
        from codat_connections._retries import parse_retry_after

        return RateLimitError(retry_after=parse_retry_after(headers.get("retry-after")), **common)
    return cls(**common)


def _str_or_none(value: object) -> str | None:
    if isinstance(value, str) and value:
        return value
    return None


def _short_text(body: bytes, limit: int = 200) -> str:
    """A short, single-line excerpt of a non-JSON body (an HTML error page, plain text)."""
    text = " ".join(body[: limit * 4].decode("utf-8", "replace").split())
    return text[:limit] + ("..." if len(text) > limit else "")
