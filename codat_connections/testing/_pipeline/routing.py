"""Route matching, the same for Codat's API and the control API: a table of (method, path template) rows.

``Router`` groups the rows of one table by path and matches a request to one row, with the path's
``{names}`` read out; a path it knows with a method it does not take is a 405 whose ``Allow`` lists
the methods that path takes, and any other path a 404. The table itself is ``testing/_routes.py``;
``Route`` is a row of Codat's API there (the control API's rows are ``_control.api.ControlRoute``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from codat_connections.testing._pipeline.recording import IncomingRequest
from codat_connections.testing._pipeline.responses import FakeResponse, codat_error
from codat_connections.testing._state.store import Store

__all__ = ["SERVED_PAGE_SIZE", "Backend", "Call", "Route", "Router"]


@dataclass(frozen=True)
class Call:
    """One routed request as a handler reads it: the request and the path's ``{names}`` (``companyId``, ...)."""

    request: IncomingRequest
    params: Mapping[str, str]


SERVED_PAGE_SIZE = 2000
"""The most records a listing page serves unless ``FakeCodat(max_page_size=)`` says otherwise: Codat's response
schema caps ``pageSize`` at 2,000 while a request may ask 5,000, and the envelope says the size served."""


@dataclass(frozen=True)
class Backend:
    """What Codat's operations act on: the store, and the most records a listing page serves."""

    store: Store
    max_page_size: int


@dataclass(frozen=True)
class Route:
    """A route of Codat's API: ``method path`` answered by ``handler`` (one of ``_operations``)."""

    method: str
    path: str
    """The path template, each id as ``{name}``: ``/companies/{companyId}/connections``."""
    handler: Callable[[Backend, Call], FakeResponse]


class Row(Protocol):
    """What the router reads of a row of any table."""

    @property
    def method(self) -> str: ...

    @property
    def path(self) -> str: ...


R = TypeVar("R", bound=Row)


def _pattern(template: str) -> re.Pattern[str]:
    """``/companies/{companyId}`` as a pattern whose group ``companyId`` is one path segment."""
    return re.compile("^" + re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template)) + "$")


class Router(Generic[R]):
    """The rows of one table, matched by path and then by method."""

    def __init__(self, rows: Iterable[R]) -> None:
        by_path: dict[str, dict[str, R]] = {}
        for row in rows:
            methods = by_path.setdefault(row.path, {})
            if row.method in methods:
                raise ValueError(f"two routes for {row.method} {row.path}")
            methods[row.method] = row
        self._paths = tuple((_pattern(path), methods) for path, methods in by_path.items())

    def match(self, method: str, path: str, not_found: str) -> tuple[R, dict[str, str]] | FakeResponse:
        """The row for ``method path`` and the path's names; else a 405 (``Allow``: the methods the path takes),
        or a 404 saying ``not_found``."""
        for pattern, methods in self._paths:
            found = pattern.match(path)
            if found is None:
                continue
            if method not in methods:
                return codat_error(405, f"{method} is not supported on {path}", {"allow": ", ".join(sorted(methods))})
            return methods[method], found.groupdict()
        return codat_error(404, not_found)
