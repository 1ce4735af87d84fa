"""Reading a 2xx body into the documented model, or a typed ``UnexpectedResponseError`` naming the field."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import httpx
from codat_connections_api.runtime import json_type

from codat_connections._json import DECODE_ERRORS, loads_object
from codat_connections._request import RequestSpec
from codat_connections.errors import UnexpectedResponseError
from codat_connections.pagination import PageData

__all__ = ["model_parser", "nothing", "page_parser", "secret_parser", "unexpected"]

T = TypeVar("T")


def model_parser(decode: Callable[[Mapping[str, Any]], T]) -> Callable[[RequestSpec, httpx.Response], T]:
    """A parser of one JSON object with ``decode`` (a generated model's ``from_dict``)."""

    def parse(spec: RequestSpec, response: httpx.Response) -> T:
        try:
            return decode(loads_object(response.content))
        except DECODE_ERRORS as exc:
            raise unexpected(spec, response, exc) from exc

    return parse


def secret_parser(decode: Callable[[Mapping[str, Any]], T]) -> Callable[[RequestSpec, httpx.Response], T]:
    """``model_parser`` for a body that is a credential (an access token): a failure keeps nothing of it.

    The error names the field as usual but withholds the body, and is raised with no chained
    exception, so no frame holding the decoded body reaches a traceback.
    """

    def parse(spec: RequestSpec, response: httpx.Response) -> T:
        try:
            return decode(loads_object(response.content))
        except DECODE_ERRORS as exc:
            error = unexpected(spec, response, exc, withhold_body=True)
        raise error

    return parse


def nothing(spec: RequestSpec, response: httpx.Response) -> None:
    """For operations whose success carries no body worth reading (a delete)."""
    return None


def page_parser(
    decode: Callable[[Mapping[str, Any]], T],
) -> Callable[[RequestSpec, httpx.Response], PageData[T]]:
    """A parser of Codat's list envelope: ``results`` decoded with ``decode``, ``totalResults``, ``next``.

    ``totalResults``, ``pageNumber`` and ``pageSize`` must be integers (any integer: an absurd one is
    read as unknown by the stop rule); ``_links`` an object; ``results`` absent or null is no records.
    """

    def parse(spec: RequestSpec, response: httpx.Response) -> PageData[T]:
        try:
            envelope = loads_object(response.content)
            results = envelope.get("results")
            if results is None:
                records: list[T] = []
            elif isinstance(results, list):
                records = _decode_releasing(results, decode)
            else:
                raise TypeError(f"results: expected a list, got {json_type(results)}")
            _integer(envelope, "pageNumber")
            page_size = _integer(envelope, "pageSize")
            total = _integer(envelope, "totalResults")
            next_link = _next_href(envelope["_links"])
        except DECODE_ERRORS as exc:
            raise unexpected(spec, response, exc) from exc
        return PageData(records, total, next_link, page_size)

    return parse


def _decode_releasing(items: list[Any], decode: Callable[[Mapping[str, Any]], T]) -> list[T]:
    """Each item decoded, its JSON released from ``items`` first, so it is freed as soon as its model is built.

    Why: with the whole page's JSON alive until the end, a 5000-company page's dicts all survive into
    the cyclic GC's oldest generation, which costs a sweep one more full collection of the live heap
    (a process's fleet included) per page or two.
    """
    records: list[T] = []
    for index, item in enumerate(items):
        items[index] = None
        records.append(decode(item))
    return records


def _integer(envelope: Mapping[str, Any], name: str) -> int:
    value = envelope[name]
    if type(value) is not int:
        raise TypeError(f"{name}: expected an integer, got {json_type(value)}")
    return value


def _next_href(links: Any) -> str | None:
    """The ``next`` link's href; None when it is absent or null; ``""`` for one without an href (schema-valid)."""
    if not isinstance(links, dict):
        raise TypeError(f"_links: expected an object, got {json_type(links)}")
    next_ref = links.get("next")
    if next_ref is None:
        return None
    if not isinstance(next_ref, dict):
        raise TypeError(f"_links.next: expected an object, got {json_type(next_ref)}")
    href = next_ref.get("href")
    if href is None:
        return ""
    if not isinstance(href, str):
        raise TypeError(f"_links.next.href: expected a string, got {json_type(href)}")
    return href


def unexpected(
    spec: RequestSpec,
    response: httpx.Response,
    exc: BaseException,
    *,
    what: str = "does not match the documented model",
    withhold_body: bool = False,
) -> UnexpectedResponseError:
    """The typed error for a 2xx whose body is not the documented model; says which field and why.

    ``withhold_body`` keeps nothing of a body that is a credential: the error's ``body`` is empty.
    """
    detail = f"{type(exc).__name__}: {exc}"
    if len(detail) > 300:
        detail = detail[:300] + "..."
    withheld = "; the body is withheld: it holds a credential" if withhold_body else ""
    return UnexpectedResponseError(
        f"response body {what} ({detail}){withheld}",
        status_code=response.status_code,
        method=spec.method,
        path=spec.path,
        url=str(response.request.url),
        body=b"" if withhold_body else response.content,
        headers=response.headers,
    )
