"""When to retry a failed attempt, and how long to wait first.

One policy serves every operation. Reads (and PUT/DELETE, idempotent by definition) are retried
on connection errors, timeouts, 408, 429 and 500/502/503/504. Writes that carry an
Idempotency-Key (create, unlink) are retried only on connection errors, timeouts, 409 and 429:
Codat caches a 5xx against the key and would replay it, so retrying one gains nothing and a
retry under a *new* key could apply the write twice.
"""

from __future__ import annotations

import email.utils
import math
import random
import time

from codat_connections.errors import APIConnectionError, APIStatusError, CodatError, RateLimitError

__all__ = ["RetryPolicy", "parse_retry_after"]

READ_RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
KEYED_WRITE_RETRY_STATUSES = frozenset({409, 429})


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP-date; None if unusable."""
    if value is None:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            return None
        seconds = when.timestamp() - (time.time() if now is None else now)
    if math.isnan(seconds) or math.isinf(seconds):
        return None
    return max(0.0, seconds)


class RetryPolicy:
    """Retry budget and backoff: ``initial_delay * 2**n`` capped at ``max_delay``, with jitter."""

    __slots__ = ("initial_delay", "max_delay", "max_retries", "max_retry_after")

    def __init__(
        self,
        max_retries: int = 2,
        *,
        initial_delay: float = 0.5,
        max_delay: float = 8.0,
        max_retry_after: float = 60.0,
    ) -> None:
        if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
            raise ValueError(f"max_retries must be an integer >= 0, got {max_retries!r}")
        self.max_retries = max_retries
        self.initial_delay = initial_delay
        self.max_delay = max_delay
        self.max_retry_after = max_retry_after

    def __repr__(self) -> str:
        return f"RetryPolicy(max_retries={self.max_retries})"

    def delay(self, retries_done: int, error: CodatError, *, keyed_write: bool) -> float | None:
        """Seconds to wait before the next attempt, or None to raise ``error`` now."""
        if retries_done >= self.max_retries or not self._retryable(error, keyed_write=keyed_write):
            return None
        if isinstance(error, RateLimitError) and error.retry_after is not None:
            if error.retry_after > self.max_retry_after:
                return None  # raise at once; the caller sees retry_after and decides
            return error.retry_after
        backoff = min(self.initial_delay * 2.0**retries_done, self.max_delay)
        return backoff * (1 - 0.25 * random.random())

    @staticmethod
    def _retryable(error: CodatError, *, keyed_write: bool) -> bool:
        if isinstance(error, APIConnectionError):
            return True
        if isinstance(error, APIStatusError):
            statuses = KEYED_WRITE_RETRY_STATUSES if keyed_write else READ_RETRY_STATUSES
            return error.status_code in statuses
        return False
