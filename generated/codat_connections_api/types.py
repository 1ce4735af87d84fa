"""Contains some shared types for properties"""

from collections.abc import Mapping, MutableMapping
from enum import Enum
from http import HTTPStatus
from typing import IO, Any, BinaryIO, Generic, Literal, TypeVar

from attrs import define


class Unset:
    def __bool__(self) -> Literal[False]:
        return False


UNSET: Unset = Unset()

# The types that `httpx.Client(files=)` can accept, copied from that library.
FileContent = IO[bytes] | bytes | str
FileTypes = (
    # (filename, file (or bytes), content_type)
    tuple[str | None, FileContent, str | None]
    # (filename, file (or bytes), content_type, headers)
    | tuple[str | None, FileContent, str | None, Mapping[str, str]]
)
RequestFiles = list[tuple[str, FileTypes]]


@define
class File:
    """Contains information for file uploads"""

    payload: BinaryIO
    file_name: str | None = None
    mime_type: str | None = None

    def to_tuple(self) -> FileTypes:
        """Return a tuple representation that httpx will accept for multipart/form-data"""
        return self.file_name, self.payload, self.mime_type


T = TypeVar("T")


@define
class Response(Generic[T]):
    """A response from an endpoint"""

    status_code: HTTPStatus
    content: bytes
    headers: MutableMapping[str, str]
    parsed: T | None


# -- decoding the models the API returns (openapi/README.md: "Response models") ----------------
E = TypeVar("E", bound=Enum)


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
    model: str,
    src: object,
    exc: Exception,
    required: tuple[str, ...],
    enums: tuple[str, ...],
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


def leftovers(
    src: Mapping[str, Any], bits: Mapping[str, int]
) -> tuple[int, dict[str, Any] | None]:
    """The optional fields ``src`` sends as null (as a bitmask) and its unknown fields (or None).

    Called only when ``src`` has a key the fast path did not account for.
    """
    nulls = 0
    extra: dict[str, Any] | None = None
    for key, value in src.items():
        bit = bits.get(key)
        if bit is None:
            if extra is None:
                extra = {}
            extra[key] = value
        elif value is None:
            nulls |= bit
    return nulls, extra


def empty_as_none(extra: dict[str, Any] | None) -> dict[str, Any] | None:
    """Equality key of a model's unknown fields: none recorded and an empty dict compare equal."""
    return extra or None


__all__ = [
    "UNSET",
    "FieldTypeError",
    "File",
    "FileTypes",
    "MissingFieldError",
    "RequestFiles",
    "Response",
    "Unset",
    "decode_enum",
    "decode_failure",
    "empty_as_none",
    "json_type",
    "leftovers",
    "wrong_type",
]
