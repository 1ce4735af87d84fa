"""Checks on arguments, made before any request is sent.

A value of the wrong type raises ``TypeError``; a value of the right type that Codat (or HTTP)
would refuse raises ``ValueError``. Each message says what is wrong and what to pass instead, and
never repeats a credential.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping

from codat_connections._constants import (
    MAX_ID_LENGTH,
    MAX_IDEMPOTENCY_KEY_LENGTH,
    MAX_PAGE_NUMBER,
    MAX_PAGE_SIZE,
    MAX_TAG_KEY_LENGTH,
    MAX_TAG_VALUE_LENGTH,
    MAX_TAGS,
)

__all__ = [
    "authorization",
    "company_name",
    "concurrency",
    "header_value",
    "idempotency_key",
    "identifier",
    "order_by",
    "page",
    "page_size",
    "platform_key",
    "tags",
]

_PLATFORM_KEY = re.compile(r"[a-z]{4}")
# Path separators, query and fragment starts, backslashes and control characters.
_FORBIDDEN_IN_ID = re.compile(r"[/?#\\\x00-\x1f\x7f]")
_ECMASCRIPT_SPACES = frozenset(
    "\t\n\x0b\x0c\r \xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000\ufeff"
)
"""What ``\\s`` matches in JSON Schema's (ECMAScript's) regex dialect: white space (tab, VT, FF, every Unicode
space separator, U+FEFF) and line terminators. Python's ``\\s`` differs (it takes FS to US and NEL, not U+FEFF)."""
_COMPANY_NAME_CHARACTERS = (
    frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-',&@.?!") | _ECMASCRIPT_SPACES
)
"""What Codat's ``name`` pattern ``^[A-Za-z0-9\\s\\-',&@.,?!]+$`` admits; Codat removes every other character."""
_LINE_BREAK = re.compile("[\n\r\u2028\u2029]")
"""What Codat's tag-key pattern (``^.{1,27}$``) does not let ``.`` match: ECMAScript's line terminators, as
JSON Schema reads it (VT, FF, FS to RS and NEL are within a line there, unlike in Python's ``re``)."""
_CONTROL_NAMES = {"\r": "CR", "\n": "LF", "\t": "TAB", "\x00": "NUL"}


def header_value(value: object, name: str, *, allow_spaces: bool = True) -> str:
    """A credential or key bound for an HTTP header: printable ASCII, surrounding whitespace removed.

    The message names the offending character's kind and position, never the value.
    """
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, got {type(value).__name__}")
    text = value.strip()
    if not text:
        raise ValueError(f"{name} must not be empty or whitespace")
    for position, char in enumerate(text):
        if " " < char <= "~" or (char == " " and allow_spaces):
            continue
        if char == " ":
            what = "a space"
        elif char > "\x7f":
            what = f"a non-ASCII character (U+{ord(char):04X})"
        else:
            what = f"a control character ({_CONTROL_NAMES.get(char, f'U+{ord(char):04X}')})"
        raise ValueError(
            f"{name} contains {what} at position {position}; it must be printable ASCII "
            "(check for a character pasted from a web page or a line break)"
        )
    return text


def identifier(value: object, name: str) -> str:
    """A company or connection id that is safe as one path segment (it is percent-encoded too)."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, got {type(value).__name__}")
    if not value.strip():
        raise ValueError(f"{name} must not be empty or whitespace")
    if len(value) > MAX_ID_LENGTH:
        raise ValueError(f"{name} is {len(value)} characters; Codat ids are UUIDs, at most {MAX_ID_LENGTH} accepted")
    if value in (".", ".."):
        raise ValueError(f"{name} must not be {value!r}")
    forbidden = _FORBIDDEN_IN_ID.search(value)
    if forbidden:
        raise ValueError(
            f"{name} must not contain {forbidden.group(0)!r} (path, query or control characters): {value!r}"
        )
    if value != value.strip():
        raise ValueError(f"{name} must not start or end with whitespace: {value!r}")
    return value


def platform_key(value: object) -> str:
    """Codat's four-lowercase-letter platform key, e.g. ``gbol`` (Xero)."""
    if not isinstance(value, str) or not _PLATFORM_KEY.fullmatch(value):
        raise ValueError(f"platform_key must be four lowercase letters such as 'gbol' (Xero), got {value!r}")
    return value


def whole_number(value: object, name: str, minimum: int, maximum: int, why: str = "") -> int:
    """An ``int`` (not a bool) from ``minimum`` to ``maximum``: ``TypeError`` for another type, else ``ValueError``."""
    because = f" ({why})" if why else ""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an integer from {minimum} to {maximum}{because}, got {type(value).__name__}")
    if not minimum <= value <= maximum:
        raise ValueError(f"{name} must be an integer from {minimum} to {maximum}{because}, got {value!r}")
    return value


def page(value: object) -> int:
    return whole_number(value, "page", 1, MAX_PAGE_NUMBER, "pages count from 1")


def page_size(value: object) -> int:
    return whole_number(value, "page_size", 1, MAX_PAGE_SIZE)


def order_by(value: object) -> str:
    if not isinstance(value, str) or not value.strip() or value != value.strip():
        raise ValueError(f"order_by must be a field name such as 'created' or '-created', got {value!r}")
    if len(value) > MAX_ID_LENGTH or _FORBIDDEN_IN_ID.search(value):
        raise ValueError(
            f"order_by must be a field name such as 'created' or '-created' (at most {MAX_ID_LENGTH} characters, "
            "no control characters)"
        )
    return value


def authorization(value: object) -> dict[str, str]:
    if not isinstance(value, Mapping) or not value:
        raise ValueError("authorization must be a non-empty mapping of str to str")
    for key, item in value.items():
        if not isinstance(key, str) or not isinstance(item, str):
            raise ValueError(f"authorization keys and values must be str, got {key!r}: {type(item).__name__}")
    return dict(value)


def idempotency_key(value: str | None) -> str:
    """Yours, checked (printable ASCII, 1-255 characters, no surrounding whitespace), or a fresh UUID."""
    if value is None:
        return str(uuid.uuid4())
    if not isinstance(value, str):
        raise TypeError(f"idempotency_key must be a str, got {type(value).__name__}")
    if value != value.strip() or not value:
        raise ValueError("idempotency_key must be non-empty, without leading or trailing whitespace")
    if len(value) > MAX_IDEMPOTENCY_KEY_LENGTH:
        raise ValueError(f"idempotency_key is {len(value)} characters; at most {MAX_IDEMPOTENCY_KEY_LENGTH} allowed")
    return header_value(value, "idempotency_key")


def concurrency(value: object, *, maximum: int, why: str) -> int:
    return whole_number(value, "concurrency", 1, maximum, why)


def company_name(value: object) -> str:
    """The name Codat stores for ``value``: the characters outside its ``name`` pattern removed, as Codat does.

    Codat does not refuse a name with other characters: it creates the company with them removed
    (``Company (Codat[1])`` becomes ``Company Codat1``). The client sends that name, so the request is
    valid against Codat's schema and the company comes back named as sent. The pattern keeps letters
    A-Z and a-z, digits, ``-',&@.?!`` and every space and line break (its ``\\s``, tab included). Only a
    name with nothing left is refused: Codat would have no name to store.
    """
    if not isinstance(value, str):
        raise TypeError(f"the company name must be a str, got {type(value).__name__}")
    if not value:
        raise ValueError("the company name must have at least one character")
    kept = "".join(char for char in value if char in _COMPANY_NAME_CHARACTERS)
    if not kept:
        raise ValueError(
            f"the company name {value!r} has no character Codat keeps: Codat removes all but letters A-Z and "
            "a-z, digits, spaces and - ' , & @ . ? ! (give a transliteration, such as 'Mueller' for 'Müller')"
        )
    return kept


def tags(value: object) -> dict[str, str]:
    """A company's tags: at most ``MAX_TAGS`` str keys of 1-27 characters with str values of at most 100."""
    if not isinstance(value, Mapping):
        raise TypeError(f"tags must be a mapping of str to str, got {type(value).__name__}")
    if len(value) > MAX_TAGS:
        raise ValueError(f"a company has at most {MAX_TAGS} tags, got {len(value)}")
    for key, item in value.items():
        if not isinstance(key, str) or not isinstance(item, str):
            raise TypeError(f"tag keys and values must be str, got {key!r}: {type(item).__name__}")
        if not 1 <= len(key) <= MAX_TAG_KEY_LENGTH:
            raise ValueError(f"tag key {key!r} is {len(key)} characters; a key has 1 to {MAX_TAG_KEY_LENGTH}")
        if _LINE_BREAK.search(key):
            raise ValueError(
                f"tag key {key!r} has a line break; Codat's keys are one line of 1 to {MAX_TAG_KEY_LENGTH}"
            )
        if len(item) > MAX_TAG_VALUE_LENGTH:
            raise ValueError(
                f"the value of tag {key!r} is {len(item)} characters; a value has at most {MAX_TAG_VALUE_LENGTH}"
            )
    return dict(value)
