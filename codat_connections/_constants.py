"""Codat's documented limits and the client's defaults: each defined once, here.

The facade, the argument checks and the fake all read these, so the client and the fake can never
disagree about, say, the largest page.
"""

from __future__ import annotations

__all__ = [
    "API_KEY_ENV",
    "BASE_URL_ENV",
    "DEFAULT_BASE_URL",
    "DEFAULT_PAGE_SIZE",
    "IDEMPOTENCY_WINDOW_SECONDS",
    "KEYED_METHODS",
    "MAX_CONCURRENT_REQUESTS_PER_COMPANY",
    "MAX_IDEMPOTENCY_KEY_LENGTH",
    "MAX_ID_LENGTH",
    "INT32_MAX",
    "MAX_PAGE_NUMBER",
    "MAX_PAGE_SIZE",
    "MAX_QUERY_LENGTH",
    "MAX_TAGS",
    "MAX_TAG_KEY_LENGTH",
    "MAX_TAG_VALUE_LENGTH",
    "MAX_WAIT_SECONDS",
    "WEBHOOK_SECRET_ENV",
]

DEFAULT_BASE_URL = "https://api.codat.io"
"""Codat's API, where a client sends requests unless given ``base_url`` (or ``CODAT_BASE_URL``)."""
API_KEY_ENV = "CODAT_API_KEY"
BASE_URL_ENV = "CODAT_BASE_URL"
WEBHOOK_SECRET_ENV = "CODAT_WEBHOOK_SECRET"  # noqa: S105 (the variable's name, not a secret)

DEFAULT_PAGE_SIZE = 100
INT32_MAX = 2**31 - 1
"""The largest integer of the document's int32 fields: page numbers, page sizes, totals."""
MAX_PAGE_NUMBER = INT32_MAX
"""The largest page number Codat's document allows."""
MAX_PAGE_SIZE = 5000
"""Codat's largest ``pageSize`` (its paging guide and the parameter's own maximum)."""
MAX_QUERY_LENGTH = 2048
"""Codat rejects a ``query`` of this many characters or more."""
MAX_ID_LENGTH = 256
"""Longest company or connection id (or ``order_by``) the client sends; Codat's ids are 36-character UUIDs."""
MAX_IDEMPOTENCY_KEY_LENGTH = 255
IDEMPOTENCY_WINDOW_SECONDS = 90 * 60
"""How long Codat replays the first answer to a repeated Idempotency-Key."""
KEYED_METHODS = frozenset({"POST", "PATCH"})
"""The methods Codat honours an Idempotency-Key on: the client retries them only with one (PUT and
DELETE are idempotent by definition), and the fake replays them by it."""
MAX_WAIT_SECONDS = 60.0
"""The longest the client waits on its own (a Retry-After, a pause); asked for more, it raises instead."""
MAX_CONCURRENT_REQUESTS_PER_COMPANY = 10
"""Codat's limit on requests in flight for one company."""
MAX_TAGS = 10
"""Most tags a company may carry (the ``tags`` object's ``maxProperties`` in Codat's document)."""
MAX_TAG_KEY_LENGTH = 27
"""Longest tag key; a key has at least one character."""
MAX_TAG_VALUE_LENGTH = 100
"""Longest tag value."""
