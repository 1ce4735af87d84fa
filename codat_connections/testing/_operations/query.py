"""Codat's query language, parsed and evaluated by the fake server.

Grammar (``&&`` binds tighter than ``||``; ``{}`` groups)::

    expr      := term ("||" term)*
    term      := factor ("&&" factor)*
    factor    := "{" expr "}" | condition
    condition := NAME OP VALUE        OP is one of != >= <= = ~ > <
    VALUE     := text up to "&&", "||", "}" or the end (unquoted, non-empty)

Written independently of ``codat_connections.query`` (the client's builder) so that a round trip
through both checks one against the other. Grouping deeper than ``MAX_NESTING`` is refused as
malformed: the parser recurses per ``{``, and a test server must answer 400, never overflow the stack.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = [
    "MAX_NESTING",
    "TAG_OPERATORS",
    "Predicate",
    "QueryError",
    "UnknownFieldError",
    "parse_query",
    "without_spaces_around_symbols",
]

Predicate = Callable[[Mapping[str, Any]], bool]

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")
_OPERATORS = ("!=", ">=", "<=", "=", "~", ">", "<")
_VALUE_END = re.compile(r"&&|\|\||\}")
MAX_NESTING = 32
"""Deepest ``{}`` grouping accepted; real queries (under 2048 characters) need a handful."""


class QueryError(ValueError):
    """The query is malformed."""


class UnknownFieldError(QueryError):
    """The query names a field the records do not have."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


@dataclass
class _Parser:
    text: str
    fields: frozenset[str] | None
    flat: bool
    operators: tuple[str, ...]
    pos: int = 0
    depth: int = 0

    def parse(self) -> Predicate:
        predicate = self._expr()
        if self.pos != len(self.text):
            raise QueryError(f"unexpected {self.text[self.pos :]!r}")
        return predicate

    def _expr(self) -> Predicate:
        return self._joined("||", self._term, any)

    def _term(self) -> Predicate:
        return self._joined("&&", self._factor, all)

    def _joined(
        self, joiner: str, part: Callable[[], Predicate], combine: Callable[[Iterator[bool]], bool]
    ) -> Predicate:
        """``part (joiner part)*``, true when ``combine`` (any/all) of the parts is."""
        parts = [part()]
        while self.text.startswith(joiner, self.pos):
            self.pos += len(joiner)
            parts.append(part())
        if len(parts) == 1:
            return parts[0]
        return lambda record: combine(p(record) for p in parts)

    def _factor(self) -> Predicate:
        if self.text.startswith("{", self.pos):
            if self.depth == MAX_NESTING:
                raise QueryError(f"groups nested more than {MAX_NESTING} deep")
            self.pos += 1
            self.depth += 1
            inner = self._expr()
            if not self.text.startswith("}", self.pos):
                raise QueryError("unclosed '{'")
            self.pos += 1
            self.depth -= 1
            return inner
        return self._condition()

    def _condition(self) -> Predicate:
        match = _NAME.match(self.text, self.pos)
        if not match:
            raise QueryError(f"expected a field name at {self.pos}")
        name = match.group(0)
        self.pos = match.end()
        operator = next((op for op in self.operators if self.text.startswith(op, self.pos)), None)
        if operator is None:
            raise QueryError(f"expected an operator after {name!r}")
        self.pos += len(operator)
        end = _VALUE_END.search(self.text, self.pos)
        stop = end.start() if end else len(self.text)
        value = self.text[self.pos : stop]
        if not value:
            raise QueryError(f"missing value for {name!r}")
        self.pos = stop
        if self.fields is not None and name.split(".", 1)[0] not in self.fields:
            raise UnknownFieldError(name)
        return _compare(name, operator, value, self.flat)


def _lookup(record: Mapping[str, Any], name: str, flat: bool) -> Any:
    if flat:
        return record.get(name)
    value: Any = record
    for part in name.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _ordered(left: str, right: str) -> tuple[Any, Any]:
    """Numbers compare as numbers, everything else (ISO dates included) as text."""
    try:
        return float(left), float(right)
    except ValueError:
        return left, right


def _compare(name: str, operator: str, value: str, flat: bool) -> Predicate:
    def predicate(record: Mapping[str, Any]) -> bool:
        actual = _as_text(_lookup(record, name, flat))
        if operator == "=":
            return actual is not None and actual.lower() == value.lower()
        if operator == "!=":
            return actual is None or actual.lower() != value.lower()
        if actual is None:
            return False
        if operator == "~":
            return value.lower() in actual.lower()
        left, right = _ordered(actual, value)
        if operator == ">":
            return bool(left > right)
        if operator == "<":
            return bool(left < right)
        if operator == ">=":
            return bool(left >= right)
        return bool(left <= right)

    return predicate


TAG_OPERATORS = ("!=", "=", "~")
"""What Codat's ``tags`` filter of the companies listing takes."""
_AROUND_SYMBOLS = re.compile(r"\s*(&&|\|\||!=|=|~|\{|\})\s*")


def without_spaces_around_symbols(text: str) -> str:
    """``region = uk && team=x`` as ``region=uk&&team=x``: Codat's tags examples put spaces around symbols."""
    return _AROUND_SYMBOLS.sub(r"\1", text).strip()


def parse_query(
    text: str, fields: frozenset[str] | None, *, flat: bool = False, operators: tuple[str, ...] = _OPERATORS
) -> Predicate:
    """A predicate over records for ``text``; ``QueryError`` if malformed or naming unknown fields.

    ``fields`` None accepts any name (a tag key); ``flat`` looks a name up as one key, dots and all,
    instead of a path into nested objects.
    """
    if not text or not text.strip():
        raise QueryError("empty query")
    return _Parser(text, fields, flat, operators).parse()
