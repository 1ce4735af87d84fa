"""A small typed builder for Codat's query language, so nobody hand-writes operators.

    from codat_connections.query import field
    q = (field("status") == "Linked") & (field("sourceType") != "Banking")
    str(q)  # 'status=Linked&&sourceType!=Banking'

Operators: ``==`` (=), ``!=``, ``.contains()`` (~), ``>``, ``<``, ``>=``, ``<=``; combine with
``&`` (&&) and ``|`` (||). Mixed combinations are grouped with ``{}`` so precedence never
surprises. Values are written unquoted, as Codat expects; httpx URL-encodes the whole query. So a
value that would change the expression (``&&``, ``||``, braces, a trailing ``&`` or ``|``) or that puts
a space next to an operator's symbol (``a = b``, which Codat's tags filter reads as ``a=b``) is a
``ValueError``: a server would read another query than the one built.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import Enum

from codat_connections._constants import MAX_QUERY_LENGTH

__all__ = ["MAX_QUERY_LENGTH", "Query", "QueryValue", "field", "render_query"]

QueryValue = str | int | float | bool | date | datetime | Enum
"""What a condition compares a field with; dates and datetimes are written in ISO 8601, enums as their value."""

_FIELD_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")
# Sequences that would end a value early or change the expression's structure.
_UNSAFE_IN_VALUE = ("&&", "||", "{", "}")
# A space next to an operator's symbol: Codat's tags filter drops it (``a = b`` reads as ``a=b``).
_SPACE_BY_SYMBOL = re.compile(r"\s(!=|[=~<>])|(!=|[=~<>])\s")


class Query:
    """A Codat query expression; ``str(query)`` is the wire form."""

    __slots__ = ()

    def __and__(self, other: Query) -> Query:
        return _Combined("&&", (self, _check_query(other)))

    def __or__(self, other: Query) -> Query:
        return _Combined("||", (self, _check_query(other)))

    def render(self) -> str:
        raise NotImplementedError

    def __str__(self) -> str:
        return self.render()

    def __repr__(self) -> str:
        return f"Query({self.render()!r})"

    __hash__ = object.__hash__


class _Condition(Query):
    __slots__ = ("name", "operator", "value")

    def __init__(self, name: str, operator: str, value: str) -> None:
        self.name = name
        self.operator = operator
        self.value = value

    def render(self) -> str:
        return f"{self.name}{self.operator}{self.value}"


class _Combined(Query):
    __slots__ = ("joiner", "parts")

    def __init__(self, joiner: str, parts: tuple[Query, ...]) -> None:
        self.joiner = joiner
        self.parts = parts

    def render(self) -> str:
        rendered = []
        for part in self.parts:
            text = part.render()
            if isinstance(part, _Combined) and part.joiner != self.joiner:
                text = "{" + text + "}"
            rendered.append(text)
        return self.joiner.join(rendered)


class _Field:
    """A field name waiting for an operator; comparing it builds a ``Query``."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def _condition(self, operator: str, value: object) -> Query:
        return _Condition(self.name, operator, _format_value(operator, value))

    def __eq__(self, value: object) -> Query:  # type: ignore[override]
        return self._condition("=", value)

    def __ne__(self, value: object) -> Query:  # type: ignore[override]
        return self._condition("!=", value)

    def __gt__(self, value: QueryValue) -> Query:
        return self._condition(">", value)

    def __lt__(self, value: QueryValue) -> Query:
        return self._condition("<", value)

    def __ge__(self, value: QueryValue) -> Query:
        return self._condition(">=", value)

    def __le__(self, value: QueryValue) -> Query:
        return self._condition("<=", value)

    def contains(self, value: QueryValue) -> Query:
        """``name~value``: the field contains ``value``."""
        return self._condition("~", value)

    __hash__ = None  # type: ignore[assignment]


def field(name: str) -> _Field:
    """A field of the records being queried, e.g. ``field("status")`` or ``field("sourceType")``.

    Comparing it with a value a server would read otherwise (see the module's note) is a ``ValueError``.
    """
    if not isinstance(name, str) or not _FIELD_NAME.fullmatch(name):
        raise ValueError(f"not a valid Codat query field name: {name!r}")
    return _Field(name)


def render_query(query: Query | str, name: str = "query") -> str:
    """The wire form of a query (the argument called ``name``), checked against Codat's length limit."""
    text = query.render() if isinstance(query, Query) else query
    if not isinstance(text, str):
        raise TypeError(f"{name} must be a str or a Query, got {type(query).__name__}")
    if not text.strip():
        raise ValueError(f"{name} must not be empty or whitespace; pass None for no filter")
    if len(text) >= MAX_QUERY_LENGTH:
        raise ValueError(f"{name} is {len(text)} characters; Codat accepts fewer than {MAX_QUERY_LENGTH}")
    return text


def _check_query(value: object) -> Query:
    if not isinstance(value, Query):
        raise TypeError(f"can only combine Query objects, got {type(value).__name__}")
    return value


def _format_value(operator: str, value: object) -> str:
    """The value as written after ``operator``; a ``ValueError`` for one a server would read otherwise.

    Unquoted, a value must not change the expression's structure (``&&``, ``||``, braces; a trailing
    ``&`` or ``|`` runs into the next joiner; ``=`` after ``>`` or ``<`` makes another operator), nor
    put a space next to an operator's symbol, which Codat's tags filter drops: such a value would match
    another one, and a lookup by it would never find what was stored.
    """
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, datetime | date):
        text = value.isoformat()
    elif isinstance(value, int | float | str):
        text = str(value)
    else:
        raise TypeError(f"unsupported query value type: {type(value).__name__}")
    if not text or text != text.strip():
        raise ValueError(f"query value must be non-empty without surrounding spaces: {text!r}")
    for unsafe in _UNSAFE_IN_VALUE:
        if unsafe in text:
            raise ValueError(f"query value {text!r} contains {unsafe!r}, which Codat's query language reserves")
    if text[-1] in "&|":
        raise ValueError(
            f"query value {text!r} ends with {text[-1]!r}, which would run into the {text[-1] * 2!r} joining "
            "the next condition"
        )
    if operator in (">", "<") and text.startswith("="):
        raise ValueError(f"query value {text!r} starts with '=', which would read as the operator '{operator}='")
    spaced = _SPACE_BY_SYMBOL.search(text)
    if spaced:
        symbol = spaced.group(1) or spaced.group(2)
        raise ValueError(
            f"query value {text!r} has a space next to {symbol!r}: Codat's tags filter reads the value without "
            "it, so it would match another value"
        )
    return text
