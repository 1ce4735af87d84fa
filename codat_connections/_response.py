"""``APIResponse``: what ``with_raw_response`` returns, the HTTP answer next to the parsed result."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

import httpx

from codat_connections._headers import RateLimitInfo, correlation_id
from codat_connections._request import Operation, RequestSpec

__all__ = ["APIResponse"]

T = TypeVar("T")

_NOT_PARSED = object()


class APIResponse(Generic[T]):
    """A successful response and its parsed result (``parse()``), for the headers a plain call hides.

    Errors are raised exactly as by the plain call, before an ``APIResponse`` exists; ``parse()``
    raises ``UnexpectedResponseError`` when the body does not decode, as the plain call would.
    """

    __slots__ = ("_parse", "_parsed", "_rate_limit", "_spec", "http_response")

    def __init__(
        self, http_response: httpx.Response, spec: RequestSpec, parse: Callable[[RequestSpec, httpx.Response], T]
    ) -> None:
        self.http_response = http_response
        """The ``httpx.Response`` itself (its body is already read)."""
        self._spec = spec
        self._parse = parse
        self._parsed: object = _NOT_PARSED
        self._rate_limit: RateLimitInfo | None = None

    @classmethod
    def of(cls, http_response: httpx.Response, operation: Operation[T]) -> APIResponse[T]:
        return cls(http_response, operation.spec, operation.parse)

    @property
    def status_code(self) -> int:
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        """The response headers (case-insensitive)."""
        return self.http_response.headers

    @property
    def method(self) -> str:
        return self._spec.method

    @property
    def url(self) -> str:
        """The full URL requested."""
        return str(self.http_response.request.url)

    @property
    def correlation_id(self) -> str | None:
        """Codat's id for this request, from the response headers, when it sent one."""
        return correlation_id(self.http_response.headers)

    @property
    def rate_limit(self) -> RateLimitInfo:
        """Where the daily quota stands, from the ``X-Rate-Limit-*`` headers (each None when absent); read once."""
        if self._rate_limit is None:
            self._rate_limit = RateLimitInfo.from_headers(self.http_response.headers)
        return self._rate_limit

    def parse(self) -> T:
        """The result the plain call returns (decoded once, then cached)."""
        if self._parsed is _NOT_PARSED:
            self._parsed = self._parse(self._spec, self.http_response)
        return self._parsed  # type: ignore[return-value]

    def __repr__(self) -> str:
        return f"<APIResponse [{self.status_code}] {self.method} {self._spec.path}>"
