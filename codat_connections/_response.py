"""``APIResponse``: what ``with_raw_response`` returns, the HTTP answer next to the parsed result."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any, Generic, NoReturn, TypeVar, cast

import httpx

from codat_connections._config import redact
from codat_connections._headers import RateLimitInfo, correlation_id
from codat_connections._request import Answer, Operation, RequestSpec
from codat_connections.errors import UnexpectedResponseError

__all__ = ["APIResponse", "parse_answer"]

T = TypeVar("T")


class APIResponse(Generic[T]):
    """A successful call's HTTP answer and its parsed result (``parse()``), for what a plain call hides.

    Errors are raised exactly as by the plain call, before an ``APIResponse`` exists; ``parse()``
    raises ``UnexpectedResponseError`` when the body does not decode, as the plain call would.
    ``status_code`` and ``headers`` are the final attempt's; ``retries_taken`` counts the attempts
    before it.
    """

    __slots__ = (
        "_credential_forms",
        "_is_parsed",
        "_parse",
        "_parsed",
        "_rate_limit",
        "_spec",
        "http_response",
        "retries_taken",
    )

    def __init__(
        self,
        http_response: httpx.Response,
        spec: RequestSpec,
        parse: Callable[[RequestSpec, httpx.Response], T],
        *,
        retries_taken: int = 0,
        credential_forms: tuple[bytes, ...] = (),
    ) -> None:
        self.http_response = http_response
        """The final attempt's ``httpx.Response`` (its body is already read)."""
        self.retries_taken = retries_taken
        """Attempts made before the final one (0 when the first attempt answered)."""
        self._spec = spec
        self._parse = parse
        self._credential_forms = credential_forms
        self._parsed: T | None = None
        self._is_parsed = False
        self._rate_limit: RateLimitInfo | None = None

    def _twin(self, http_response: httpx.Response) -> APIResponse[T]:
        """An unparsed ``APIResponse`` of the same call over ``http_response``."""
        return APIResponse(
            http_response,
            self._spec,
            self._parse,
            retries_taken=self.retries_taken,
            credential_forms=self._credential_forms,
        )

    @classmethod
    def of(cls, answer: Answer, operation: Operation[T]) -> APIResponse[T]:
        return cls(
            answer.response,
            operation.spec,
            operation.parse,
            retries_taken=answer.retries_taken,
            credential_forms=answer.credential_forms,
        )

    @property
    def status_code(self) -> int:
        """The final attempt's status: 2xx, or 404 for a delete already applied (see ``is_success``)."""
        return self.http_response.status_code

    @property
    def is_success(self) -> bool:
        """Always True: the call succeeded (a failure raises instead of returning an ``APIResponse``).

        It differs from ``http_response.is_success`` in one case: a ``delete`` whose first answer was
        lost (a 5xx, or a connection dropped after the request was sent) and whose retry was answered
        404. That 404 proves the first attempt deleted it: the delete succeeded, ``status_code`` is
        404 and ``retries_taken`` is at least 1.
        """
        return True

    @property
    def headers(self) -> httpx.Headers:
        """The final attempt's response headers (case-insensitive)."""
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
        if not self._is_parsed:
            self._parsed = parse_answer(self._parse, self._spec, self.http_response, self._credential_forms)
            self._is_parsed = True
        return cast(T, self._parsed)

    def __repr__(self) -> str:
        retried = f", {self.retries_taken} retries" if self.retries_taken else ""
        return f"<APIResponse [{self.status_code}] {self.method} {self._spec.path}{retried}>"

    def __copy__(self) -> APIResponse[T]:
        """Another view of the same answer (the same ``http_response`` and, once parsed, the same result)."""
        twin = self._twin(self.http_response)
        twin._parsed, twin._is_parsed = self._parsed, self._is_parsed
        return twin

    def __deepcopy__(self, memo: dict[int, Any]) -> APIResponse[T]:
        """A copy whose request no longer carries the credential, parsed the same (the result is copied).

        A body that does not decode is copied unparsed: the copy's ``parse()`` raises as the original's.
        """
        try:
            parsed = self.parse()
        except UnexpectedResponseError:
            parsed, unparsed = None, True
        else:
            unparsed = False
        twin = self._twin(_without_authorization(self.http_response))
        if not unparsed:
            twin._parsed = copy.deepcopy(parsed, memo)
            twin._is_parsed = True
        return twin

    def __reduce__(self) -> NoReturn:
        raise TypeError(
            "an APIResponse is not picklable: it holds the request it answered (the API key included) and a "
            "link to its client; pickle response.parse(), or the headers you need, instead"
        )


def parse_answer(
    parse: Callable[[RequestSpec, httpx.Response], T],
    spec: RequestSpec,
    response: httpx.Response,
    credential_forms: tuple[bytes, ...],
) -> T:
    """``parse(spec, response)``; an ``UnexpectedResponseError`` loses any echo of the credential first."""
    try:
        return parse(spec, response)
    except UnexpectedResponseError as error:
        error.body, headers = redact(error.body, list(error.headers.items()), credential_forms)
        error.headers = dict(headers)
        raise


def _without_authorization(response: httpx.Response) -> httpx.Response:
    """The same answer to the same request, minus the request's Authorization header."""
    request = response.request
    headers = [(name, value) for name, value in request.headers.multi_items() if name.lower() != "authorization"]
    bare = httpx.Request(request.method, request.url, headers=headers, extensions=dict(request.extensions))
    return httpx.Response(response.status_code, headers=response.headers, content=response.content, request=bare)
