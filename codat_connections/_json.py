"""The one reader of JSON objects, for response bodies, error bodies and the fake's request bodies."""

from __future__ import annotations

import json
from typing import Any

__all__ = ["DECODE_ERRORS", "NotAJSONObject", "loads_object"]

DECODE_ERRORS = (ValueError, KeyError, TypeError, AttributeError, RecursionError)
"""What decoding a body into a model raises when the body has the wrong shape (missing key, wrong type)."""


class NotAJSONObject(ValueError):
    """The bytes are not JSON, are nested too deeply to decode, or are JSON but not an object."""


def loads_object(body: bytes | str) -> dict[str, Any]:
    """The JSON object in ``body``; ``NotAJSONObject`` (a ``ValueError``) saying why it is not one."""
    try:
        payload = json.loads(body)
    except RecursionError:
        raise NotAJSONObject("JSON nested too deeply") from None
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError
        raise NotAJSONObject(f"not JSON ({type(exc).__name__}: {exc})") from None
    if not isinstance(payload, dict):
        raise NotAJSONObject(f"expected a JSON object, got {type(payload).__name__}")
    return payload
