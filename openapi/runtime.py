"""What the generated models and request builders share at run time: plain code, checked and tested.

``make generate`` copies this file into ``generated/codat_connections_api/runtime.py`` (openapi/README.md:
"The runtime module"), so it is written, linted and type-checked here as ordinary Python rather than
inside a Jinja template. Every name below is public to ``codat_connections``, which builds on it:

- ``RequestArgs``: what an endpoint's ``build_request`` returns (the caller sends it);
- ``FieldTypeError``, ``MissingFieldError`` and the helpers the response models decode with;
- ``TolerantStrEnum``: the base of every generated enum (a value the document does not list stays readable);
- ``parse_datetime``: the one rule for the date-times Codat stamps itself.

Standard library only: the generated package must not depend on the facade.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from enum import Enum, StrEnum
from typing import Any, Literal, TypedDict, TypeVar

__all__ = [
    "FieldTypeError",
    "HTTPMethod",
    "MissingFieldError",
    "RequestArgs",
    "TolerantStrEnum",
    "decode_enum",
    "decode_failure",
    "empty_as_none",
    "json_type",
    "parse_datetime",
    "unknown_fields",
    "wrong_type",
]

E = TypeVar("E", bound=Enum)

HTTPMethod = Literal["GET", "POST", "PUT", "PATCH", "DELETE"]


# -- requests ------------------------------------------------------------------------------------
class RequestArgs(TypedDict):
    """One request as an endpoint's ``build_request`` describes it; the caller sends it with its own client.

    The builder owns the path (path parameters percent-encoded), the query parameter names and the
    JSON body, so that the facade repeats none of the document's facts.
    """

    method: HTTPMethod
    """Upper case, as HTTP writes it."""
    url: str
    """Path relative to the API's base URL, with the path parameters percent-encoded."""
    params: dict[str, Any]
    """Query parameters by their wire names; the ones given as None (or left out) are absent."""
    json: Any
    """The JSON body (the request model's ``to_dict()``), or None when the request has none."""


# -- decoding the models the API returns (openapi/README.md: "Response models") --------------------
class FieldTypeError(TypeError):
    """A field of a received body holds a JSON value of the wrong type; the message names the model and field."""


class MissingFieldError(KeyError):
    """A required field is absent from a received body; the message names the model and field."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


def json_type(value: object) -> str:
    """How a value reads in JSON terms, for error messages ("null", "a number", "an array", ...)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list | tuple):
        return "an array"
    if isinstance(value, Mapping):
        return "an object"
    return type(value).__name__


def wrong_type(field: str, expected: str, value: object) -> FieldTypeError:
    """The error for ``field`` (``Model.jsonName``) holding ``value`` where ``expected`` belongs."""
    return FieldTypeError(f"{field}: expected {expected}, got {json_type(value)}")


def decode_enum(enum: type[E], field: str, value: object) -> E:
    """Slow path of an enum field: a string the document does not list stays readable; anything else is refused."""
    if not isinstance(value, str):
        raise wrong_type(field, "a string", value)
    return enum(value)


def decode_failure(
    model: str, src: object, exc: Exception, required: tuple[str, ...], enums: tuple[str, ...]
) -> Exception:
    """The error to raise when decoding ``src`` into ``model`` failed with ``exc``: one that names the field.

    Runs only after a failure, so the fast path pays nothing for these checks.
    """
    if isinstance(exc, FieldTypeError | MissingFieldError):
        return exc
    if not isinstance(src, Mapping):
        return FieldTypeError(f"{model}: expected an object, got {json_type(src)}")
    for key in required:
        if key not in src:
            return MissingFieldError(f"{model}.{key}: required field is missing")
    for key in enums:  # an array or object in an enum field fails the member lookup
        value = src.get(key)
        if value is not None and not isinstance(value, str):
            return wrong_type(f"{model}.{key}", "a string", value)
    return exc


def unknown_fields(src: Mapping[str, Any], known: frozenset[str]) -> dict[str, Any]:
    """The fields of ``src`` a model does not declare, as they came (a newer API's additions).

    Called only when ``src`` has more keys than the model's fields account for.
    """
    return {key: value for key, value in src.items() if key not in known}


def empty_as_none(extra: dict[str, Any] | None) -> dict[str, Any] | None:
    """Equality key of a model's unknown fields: none recorded and an empty dict compare equal."""
    return extra or None


# -- enums ---------------------------------------------------------------------------------------
class TolerantStrEnum(StrEnum):
    """A string enum that never refuses a string: Codat adds values (statuses, event types) without notice.

    A value the class does not list becomes a member-like object of the class that equals its raw
    string, prints as it and is written back unchanged, so a newer API's value stays readable instead of
    failing the whole body. Generated enums and the webhook event types subclass it.
    """

    def __str__(self) -> str:
        return str(self.value)

    def __reduce_ex__(self, proto: object) -> tuple[Any, ...]:
        # By value, as Python 3.12 pickles enums: 3.11's early releases look the member up by name,
        # which an unlisted value does not have.
        return self.__class__, (self._value_,)

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if not isinstance(value, str):
            return None
        member = str.__new__(cls, value)
        member._name_ = value
        member._value_ = value
        return member


# -- date-times ----------------------------------------------------------------------------------
def parse_datetime(value: str) -> datetime:
    """A date-time Codat stamps itself (created, lastSync, erroredOnUtc, generatedDate, ...), always aware.

    Codat's DateTime strings come as UTC (``...Z``), with an offset, as unqualified local time or as a
    date alone. The "local time" form is for data synced from accounting platforms; the stamps this
    library exposes are Codat's own, which it records in UTC. So: an aware value keeps its offset; a
    naive one is UTC; a date alone is midnight UTC. Anything that is not ISO 8601 (as
    ``datetime.fromisoformat`` reads it) is a ``ValueError`` naming the value; a non-string a ``TypeError``.
    """
    if not isinstance(value, str):
        raise TypeError(f"a Codat date-time is a string, got {type(value).__name__}")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        shown = value if len(value) <= 60 else value[:60] + "..."
        raise ValueError(f"not a Codat date-time: {shown!r}") from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)
