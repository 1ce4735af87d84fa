"""Checks on arguments, made before any request is sent, each failing with a ValueError that says why."""

from __future__ import annotations

import re
from collections.abc import Mapping

from codat_connections._constants import MAX_PAGE_SIZE

_PLATFORM_KEY = re.compile(r"[a-z]{4}")
# Path separators, query and fragment starts, backslashes and control characters.
_FORBIDDEN_IN_ID = re.compile(r"[/?#\\\x00-\x1f\x7f]")


def identifier(value: object, name: str) -> str:
    """A company or connection id that is safe as one path segment (it is percent-encoded too)."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, got {type(value).__name__}")
    if not value.strip():
        raise ValueError(f"{name} must not be empty or whitespace")
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


def page(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"page must be an integer >= 1 (pages count from 1), got {value!r}")
    return value


def page_size(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_PAGE_SIZE:
        raise ValueError(f"page_size must be an integer from 1 to {MAX_PAGE_SIZE}, got {value!r}")
    return value


def order_by(value: object) -> str:
    if not isinstance(value, str) or not value.strip() or value != value.strip():
        raise ValueError(f"order_by must be a field name such as 'created' or '-created', got {value!r}")
    return value


def authorization(value: object) -> dict[str, str]:
    if not isinstance(value, Mapping) or not value:
        raise ValueError("authorization must be a non-empty mapping of str to str")
    for key, item in value.items():
        if not isinstance(key, str) or not isinstance(item, str):
            raise ValueError(f"authorization keys and values must be str, got {key!r}: {type(item).__name__}")
    return dict(value)


def concurrency(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 10:
        raise ValueError(f"concurrency must be an integer from 1 to 10 (Codat's per-company limit), got {value!r}")
    return value
