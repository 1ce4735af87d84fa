"""Reading a delivery's three headers from whatever a framework hands over.

A ``Mapping`` (a dict, ``httpx.Headers``, Starlette's or Django's headers) is asked for the exact
lowercase names first: the fast path, since ASGI servers deliver lowercase names and case-insensitive
header objects answer any case. Anything else is read as ``(name, value)`` pairs of ``str`` or
``bytes``: ASGI's ``scope["headers"]`` as it is, a list of pairs, or the ``items()`` of a header object
that is not a ``Mapping`` (werkzeug's ``Headers`` in Flask, ``email.message.Message`` in
``http.server``). A name that comes more than once is read as HTTP combines it, the values joined with
", ", so each copy of a repeated ``webhook-signature`` header counts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TypeAlias

__all__ = ["HEADER_NAMES", "HeaderSource", "header_values"]

HeaderSource: TypeAlias = Mapping[str, str] | Iterable[tuple[str, str]] | Iterable[tuple[bytes, bytes]]
"""What ``unwrap`` and ``verify`` read headers from (see the module docstring)."""

HEADER_NAMES = (
    ("webhook-id", "svix-id"),
    ("webhook-timestamp", "svix-timestamp"),
    ("webhook-signature", "svix-signature"),
)
"""The Standard Webhooks name of each header, and Svix's for it."""
_WANTED = frozenset(name for names in HEADER_NAMES for name in names)
_ACCEPTED_FORMS = (
    "headers must be a mapping of header names to values, or (name, value) pairs of str or bytes "
    "such as ASGI's scope['headers']"
)


def header_values(headers: HeaderSource) -> list[str | None]:
    """The id, timestamp and signature header values (None or empty when absent), whatever the names' case.

    Raises ``TypeError`` naming what to pass when ``headers`` is none of the forms above; the message
    names types only, never a value (one may be a signature).
    """
    if type(headers) is dict or isinstance(headers, Mapping):  # a dict skips the ABC check
        get = headers.get  # the fast path: written out, as every delivery takes it
        message_id, timestamp = get("webhook-id") or get("svix-id"), get("webhook-timestamp") or get("svix-timestamp")
        signature = get("webhook-signature") or get("svix-signature")
        if message_id and timestamp and signature and type(message_id) is type(timestamp) is type(signature) is str:
            return [message_id, timestamp, signature]
        pairs: Iterable[object] = headers.items()
    else:
        pairs = _pairs_of(headers)
    combined = _combined(pairs)
    return [combined.get(primary) or combined.get(alternative) for primary, alternative in HEADER_NAMES]


def _pairs_of(headers: object) -> Iterable[object]:
    items = getattr(headers, "items", None)
    if callable(items):  # a header object that is not a Mapping: all its (name, value) pairs, repeats included
        return items()  # type: ignore[no-any-return]
    if isinstance(headers, str | bytes | bytearray) or not isinstance(headers, Iterable):
        raise TypeError(f"{_ACCEPTED_FORMS}; got {type(headers).__name__}")
    return headers


def _combined(pairs: Iterable[object]) -> dict[str, str]:
    """The wanted headers by lowercase name, a repeated one's values joined with ", "; every pair type-checked."""
    combined: dict[str, str] = {}
    for pair in pairs:
        if not isinstance(pair, Sequence) or isinstance(pair, str | bytes | bytearray) or len(pair) != 2:
            size = f" with {len(pair)} items" if isinstance(pair, tuple | list) else ""
            raise TypeError(f"{_ACCEPTED_FORMS}; got an item of type {type(pair).__name__}{size}")
        name, value = _text(pair[0], "name").lower(), _text(pair[1], "value")
        if name in _WANTED:
            combined[name] = f"{combined[name]}, {value}" if name in combined else value
    return combined


def _text(part: object, what: str) -> str:
    if isinstance(part, str):
        return part
    if isinstance(part, bytes):
        return part.decode("latin-1")  # HTTP header bytes, as ASGI hands them over
    raise TypeError(f"{_ACCEPTED_FORMS}; got a header {what} of type {type(part).__name__}")
