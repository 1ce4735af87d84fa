"""Every failure the client can raise, as one typed tree under ``CodatError``.

::

    CodatError                      anything this library raises (bad arguments are ValueError/TypeError)
    ├── ClientClosedError           a call on a client that was closed
    ├── MultipleCompaniesError      get_or_create found several companies with the tags (.company_ids)
    ├── APIError                    a request was made: .method .path .url (and, with a response,
    │   │                           .status_code .headers .body .correlation_id)
    │   ├── APIConnectionError      no usable response: DNS, refused, reset, TLS, protocol error
    │   │   └── APITimeoutError     connect, read, write or pool timeout
    │   ├── APIStatusError          a non-2xx status; Codat's .error, .correlation_id, .validation ...
    │   │   ├── BadRequestError             400
    │   │   ├── AuthenticationError         401
    │   │   ├── PaymentRequiredError        402
    │   │   ├── PermissionDeniedError       403
    │   │   ├── NotFoundError               404
    │   │   ├── ConflictError               409
    │   │   ├── UnprocessableEntityError    422
    │   │   ├── RateLimitError              429 (.retry_after, .rate_limit)
    │   │   └── InternalServerError         5xx
    │   └── UnexpectedResponseError a 2xx whose body does not decode into the documented model
    └── (webhooks) WebhookVerificationError, WebhookPayloadError

Any response (any status, any body: JSON, HTML from a proxy, empty, truncated) and any transport
failure ends as one of these; nothing raw (``KeyError``, ``JSONDecodeError``, ``httpx`` errors)
escapes the client. Messages carry the status, the request, Codat's own message and the
correlation id to quote to Codat support, and never a credential. Every error survives ``pickle``
and ``copy.deepcopy`` (type, message and attributes), so it crosses process pools and job queues.
"""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

import httpx

from codat_connections._headers import RateLimitInfo, correlation_id, parse_retry_after
from codat_connections._json import NotAJSONObject, loads_object

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ClientClosedError",
    "CodatError",
    "ConflictError",
    "InternalServerError",
    "MultipleCompaniesError",
    "NotFoundError",
    "PaymentRequiredError",
    "PermissionDeniedError",
    "RateLimitError",
    "UnexpectedResponseError",
    "UnprocessableEntityError",
    "status_error",
]


def _restore(cls: type[CodatError], args: tuple[Any, ...], state: dict[str, Any]) -> CodatError:
    error = cls.__new__(cls, *args)
    error.args = args
    error.__dict__.update(state)
    return error


class CodatError(Exception):
    """Base class of every error this library raises (bad arguments are ``ValueError``/``TypeError``)."""

    def __reduce__(self) -> tuple[Any, ...]:
        # The default rebuilds with cls(*args), which keyword-only constructors refuse.
        return (_restore, (type(self), self.args, dict(self.__dict__)))

    def _append_to_message(self, text: str) -> None:
        """Say more (e.g. why retrying stopped) in the message itself, not only in a traceback note."""
        first = str(self.args[0]) if self.args else ""
        self.args = (f"{first}; {text}" if first else text, *self.args[1:])


class ClientClosedError(CodatError):
    """The client (or the ``httpx`` client it was given) was closed; create a new client."""


class MultipleCompaniesError(CodatError):
    """``companies.get_or_create`` found more than one company with the customer's tags, so it created none.

    ``company_ids`` lists every one of them: merge or retag them in Codat, then onboard again.
    """

    def __init__(self, *, tags: Mapping[str, str], company_ids: list[str]) -> None:
        total = len(company_ids)
        shown = ", ".join(company_ids[:10]) + (f" and {total - 10} more" if total > 10 else "")
        super().__init__(f"{total} companies have the tags {dict(tags)!r}: {shown}; none was created")
        self.tags = dict(tags)
        """The tags looked up."""
        self.company_ids = list(company_ids)
        """The ids of the companies found, all of them."""
        self.total = total
        """How many companies carry these tags (``len(company_ids)``)."""


class APIError(CodatError):
    """A request was made and failed: the base of every error that has one.

    ``status_code``, ``headers``, ``body`` and ``correlation_id`` are set when a response came.
    """

    status_code: int | None
    headers: dict[str, str] | None
    body: bytes | None

    def __init__(
        self,
        message: str,
        *,
        method: str,
        path: str,
        url: str,
        status_code: int | None = None,
        headers: Mapping[str, str] | None = None,
        body: bytes | None = None,
    ) -> None:
        super().__init__(message)
        self.method = method
        """The HTTP method, e.g. ``GET``."""
        self.path = path
        """The API path, e.g. ``/companies/{id}/connections`` (no host, no query)."""
        self.url = url
        """The full URL requested, query included."""
        self.status_code = status_code
        self.headers = {name.lower(): value for name, value in headers.items()} if headers is not None else None
        self.body = body
        self.correlation_id: str | None = correlation_id(self.headers) if self.headers is not None else None
        """Codat's id for the request: quote it to Codat support."""


class APIConnectionError(APIError):
    """No usable HTTP response: DNS, refused or reset connection, TLS, protocol error."""

    def __init__(self, message: str, *, method: str, path: str, url: str) -> None:
        super().__init__(f"{message} ({method} {path})", method=method, path=path, url=url)


class APITimeoutError(APIConnectionError):
    """The request timed out (connect, read, write or pool)."""


class UnexpectedResponseError(APIError):
    """A successful status whose body cannot be decoded into the documented model."""

    status_code: int
    headers: dict[str, str]
    body: bytes

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        method: str,
        path: str,
        url: str,
        body: bytes,
        headers: Mapping[str, str],
    ) -> None:
        super().__init__(
            f"{status_code} from {method} {path}: {message}",
            method=method,
            path=path,
            url=url,
            status_code=status_code,
            headers=headers,
            body=body,
        )


class APIStatusError(APIError):
    """Codat (or something in front of it) answered with a non-2xx status."""

    status_code: int
    headers: dict[str, str]
    body: bytes

    def __init__(
        self,
        *,
        status_code: int,
        method: str,
        path: str,
        url: str,
        body: bytes,
        headers: Mapping[str, str],
    ) -> None:
        super().__init__("", method=method, path=path, url=url, status_code=status_code, headers=headers, body=body)
        try:
            payload = loads_object(body)
        except NotAJSONObject:
            payload = {}
        self.error: str | None = _str_or_none(payload.get("error"))
        """Codat's message."""
        self.correlation_id = _str_or_none(payload.get("correlationId")) or self.correlation_id
        self.service: str | None = _str_or_none(payload.get("service"))
        self.can_be_retried: str | None = _str_or_none(payload.get("canBeRetried"))
        code = payload.get("detailedErrorCode")
        self.detailed_error_code: int | None = code if isinstance(code, int) and not isinstance(code, bool) else None
        validation = payload.get("validation")
        self.validation: dict[str, Any] | None = validation if isinstance(validation, dict) else None
        """Codat's field-level validation details (400), when given."""
        self.retry_after: float | None = parse_retry_after(self.headers.get("retry-after"))
        """Seconds the server asked to wait, from ``Retry-After`` (a 429, a 503), read once; None when absent."""
        self.args = (self._describe(),)

    @property
    def reason(self) -> str:
        """The standard phrase of the status, e.g. ``Not Found``."""
        try:
            return HTTPStatus(self.status_code).phrase
        except ValueError:
            return "Unknown Status"

    def _describe(self) -> str:
        text = f"{self.status_code} {self.reason} from {self.method} {self.path}"
        detail = _one_line(self.error, 300) if self.error else _short_text(self.body)
        if detail:
            text += f": {detail}"
        if self.correlation_id:
            text += f" (correlation id {_one_line(self.correlation_id, 100)})"
        return text


class BadRequestError(APIStatusError):
    """400: the request or its query was malformed."""


class AuthenticationError(APIStatusError):
    """401: missing or invalid API key."""

    def _describe(self) -> str:
        return super()._describe() + "; check the API key (api_key=, auth_header= or CODAT_API_KEY)"


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

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.rate_limit: RateLimitInfo = RateLimitInfo.from_headers(self.headers)
        """Where the daily quota stands, from the ``X-Rate-Limit-*`` headers."""


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


def status_error(response: httpx.Response, *, method: str, path: str, url: str) -> APIStatusError:
    """The typed error for a non-2xx response; the class follows the HTTP status, never the body."""
    status = response.status_code
    cls = _BY_STATUS.get(status) or (InternalServerError if status >= 500 else APIStatusError)
    return cls(
        status_code=status,
        method=method,
        path=path,
        url=url,
        body=response.content,
        headers=response.headers,
    )


def _str_or_none(value: object) -> str | None:
    if isinstance(value, str) and value:
        return value
    return None


def _one_line(text: str, limit: int) -> str:
    """Server text made safe for a message: one line (no CR/LF to forge log lines), at most ``limit`` characters."""
    flat = " ".join("".join(c if c.isprintable() else " " for c in text[: limit * 4]).split())
    return flat[:limit] + ("..." if len(flat) > limit else "")


def _short_text(body: bytes, limit: int = 200) -> str:
    """A short, single-line excerpt of a non-JSON body (an HTML error page, plain text)."""
    return _one_line(body[: limit * 4].decode("utf-8", "replace"), limit)
