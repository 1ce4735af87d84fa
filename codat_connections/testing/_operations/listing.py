"""What every listing shares: ``page`` and ``pageSize`` read as Codat reads them, ``query`` and ``orderBy``,
and the paging envelope (``results``, ``pageNumber``, ``pageSize``, ``totalResults``, ``_links``).

Both query parameters are ``int32`` in Codat's document, so anything that is not a plain decimal
integer in that range (``2147483648``, ``1e3``, ``+1``, ``1_0``) is a 400 with Codat's body, never
read loosely. A page serves at most ``cap`` records (``FakeCodat(max_page_size=...)``) whatever was
asked for, and the envelope then says the page size it served; pages are numbered in that size.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlencode

from codat_connections._constants import DEFAULT_PAGE_SIZE, INT32_MAX, MAX_PAGE_SIZE, MAX_QUERY_LENGTH
from codat_connections.testing._operations.query import QueryError, UnknownFieldError, parse_query
from codat_connections.testing._pipeline.responses import FakeResponse, codat_error

__all__ = ["INT32_MAX", "PageRequest", "Refused", "filtered", "ordered", "page_body", "page_request"]

T = TypeVar("T")
View = Callable[[Any], Mapping[str, Any]] | None
"""What is queried or ordered in a record (None: the record itself)."""


class Refused(Exception):
    """A listing parameter is wrong; ``response`` is Codat's 400."""

    def __init__(self, response: FakeResponse) -> None:
        super().__init__(response.status)
        self.response = response


_DECIMAL = re.compile(r"-?[0-9]{1,11}")


@dataclass(frozen=True)
class PageRequest:
    number: int
    size: int
    """The page size served: the size asked for, capped."""


def _int32(query: Mapping[str, str], name: str, default: int) -> int | FakeResponse:
    text = query.get(name)
    if text is None:
        return default
    value = int(text) if _DECIMAL.fullmatch(text) else None
    if value is None or not -INT32_MAX - 1 <= value <= INT32_MAX:
        shown = text if len(text) <= 40 else text[:40] + "..."
        return codat_error(400, f"The value '{shown}' is not valid for {name}: it must be a 32-bit whole number.")
    return value


def page_request(query: Mapping[str, str], cap: int) -> PageRequest | FakeResponse:
    """The page asked for, or Codat's 400 for a ``page`` or ``pageSize`` out of range."""
    page = _int32(query, "page", 1)
    if isinstance(page, FakeResponse):
        return page
    size = _int32(query, "pageSize", DEFAULT_PAGE_SIZE)
    if isinstance(size, FakeResponse):
        return size
    if page < 1 or not 1 <= size <= MAX_PAGE_SIZE:
        return codat_error(400, f"page must be at least 1 and pageSize between 1 and {MAX_PAGE_SIZE}.")
    return PageRequest(page, min(size, cap))


def filtered(records: list[T], text: str, fields: frozenset[str], entity: str, view: View = None) -> list[T]:
    """The records matching Codat's ``query`` ``text``; ``Refused`` when it is malformed or names an unknown field."""
    if len(text) >= MAX_QUERY_LENGTH:
        raise Refused(codat_error(400, f"Error parsing query - a query must be under {MAX_QUERY_LENGTH} characters."))
    try:
        predicate = parse_query(text, fields)
    except UnknownFieldError as exc:
        raise Refused(
            codat_error(400, f"Error parsing query - Could not resolve property {exc.name} on {entity}")
        ) from None
    except QueryError:
        raise Refused(codat_error(400, "Error parsing query - Malformed query.")) from None
    return [r for r in records if predicate(view(r) if view else r)]  # type: ignore[arg-type]


def ordered(records: list[T], order: str, fields: frozenset[str], entity: str, view: View = None) -> list[T]:
    """The records sorted by ``orderBy`` (a field name, ``-`` first for descending); missing values last."""
    name = order.lstrip("-")
    if name not in fields:
        raise Refused(codat_error(400, f"Error parsing query - Could not resolve property {name} on {entity}"))

    def key(record: T) -> tuple[bool, str]:
        value = (view(record) if view else record).get(name)  # type: ignore[union-attr]
        return value is None, str(value or "")

    return sorted(records, key=key, reverse=order.startswith("-"))


def page_body(
    results: Sequence[Any], total: int, request: PageRequest, base: str, extra: Mapping[str, str]
) -> dict[str, Any]:
    """Codat's envelope around one page of ``results`` out of ``total``; links keep ``extra`` parameters."""
    size = request.size

    def link(number: int) -> dict[str, str]:
        return {"href": base + "?" + urlencode({"page": number, "pageSize": size, **extra})}

    links: dict[str, Any] = {"self": {"href": base}, "current": link(request.number)}
    if request.number * size < total:
        links["next"] = link(request.number + 1)
    if request.number > 1:
        links["previous"] = link(request.number - 1)
    return {
        "results": list(results),
        "pageNumber": request.number,
        "pageSize": size,
        "totalResults": total,
        "_links": links,
    }
