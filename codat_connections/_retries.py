"""When to retry a failed attempt, how long to wait first, and when a retried delete is already done.

One policy serves every operation. Reads (and PUT/DELETE, idempotent by definition) are retried
on connection errors, timeouts, 408, 429 and 500/502/503/504. Writes that carry an
Idempotency-Key (create, unlink) are retried only on connection errors, timeouts, 409 and 429:
Codat caches a 5xx against the key and would replay it, so retrying one gains nothing and a
retry under a *new* key could apply the write twice. A POST or PATCH without a key (only possible
through ``client.request``) is retried only when the failure proves nothing was applied: a 429, or a
connection that failed before the request was sent. A ``Retry-After`` on any retryable answer is
honoured up to ``max_retry_after`` seconds; a longer one is raised at once so the caller decides.
"""

from __future__ import annotations

import random

import httpx

from codat_connections._constants import KEYED_METHODS, MAX_WAIT_SECONDS
from codat_connections.errors import APIConnectionError, APIStatusError, CodatError, NotFoundError

__all__ = [
    "KEYED_WRITE_RETRY_STATUSES",
    "READ_RETRY_STATUSES",
    "RetryPolicy",
    "may_have_been_applied",
]

READ_RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
KEYED_WRITE_RETRY_STATUSES = frozenset({409, 429})
# Transport failures that happen before the request leaves: the server cannot have applied it.
_NEVER_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.UnsupportedProtocol)


def may_have_been_applied(error: CodatError) -> bool:
    """Whether the attempt that ended in ``error`` may have changed state on the server.

    A 5xx, or a connection that failed after the request was sent (a read timeout, a reset), leaves
    the outcome unknown. A 408 or 429 says the request was not processed; a refused connection
    never sent it.
    """
    if isinstance(error, APIConnectionError):
        return not isinstance(error.__cause__, _NEVER_SENT)
    return isinstance(error, APIStatusError) and error.status_code >= 500


class RetryPolicy:
    """Retry budget and backoff: ``initial_delay * 2**n`` capped at ``max_delay``, with jitter."""

    __slots__ = ("initial_delay", "max_delay", "max_retries", "max_retry_after")

    def __init__(
        self,
        max_retries: int = 2,
        *,
        initial_delay: float = 0.5,
        max_delay: float = 8.0,
        max_retry_after: float = MAX_WAIT_SECONDS,
    ) -> None:
        if isinstance(max_retries, bool) or not isinstance(max_retries, int):
            raise TypeError(f"max_retries must be an integer >= 0, got {type(max_retries).__name__}")
        if max_retries < 0:
            raise ValueError(f"max_retries must be an integer >= 0, got {max_retries!r}")
        self.max_retries = max_retries
        self.initial_delay = initial_delay
        self.max_delay = max_delay
        self.max_retry_after = max_retry_after

    def __repr__(self) -> str:
        return f"RetryPolicy(max_retries={self.max_retries})"

    def decide(
        self, error: CodatError, *, retries_done: int, keyed_write: bool, method: str = "GET"
    ) -> tuple[float | None, str | None]:
        """``(seconds, None)`` to retry after waiting, or ``(None, why)`` to raise ``error`` now.

        ``why`` is the reason retrying stopped, for the error's message (None when the error is not
        one that is ever retried, such as a 404).
        """
        if method in KEYED_METHODS and not keyed_write and not _nothing_applied(error):
            if self.retryable(error, keyed_write=False):
                return None, f"not retried: a {method} without an Idempotency-Key could be applied twice"
            return None, None
        if not self.retryable(error, keyed_write=keyed_write):
            if keyed_write and isinstance(error, APIStatusError) and error.status_code in READ_RETRY_STATUSES:
                return None, "not retried: Codat replays this answer for the same Idempotency-Key"
            return None, None
        if retries_done >= self.max_retries:
            if self.max_retries == 0:
                return None, "not retried (max_retries=0)"
            return None, f"gave up after {retries_done + 1} attempts"
        retry_after = _retry_after(error)
        if retry_after is not None:
            if retry_after > self.max_retry_after:
                return None, (
                    f"Codat asked to wait {retry_after:g} s (more than the {self.max_retry_after:g} s this client "
                    "waits); not retried"
                )
            return retry_after, None
        backoff = min(self.initial_delay * 2.0**retries_done, self.max_delay)
        return backoff * (1 - 0.25 * random.random()), None

    @staticmethod
    def retryable(error: CodatError, *, keyed_write: bool) -> bool:
        """Whether the error is one this kind of request is retried on (budget aside)."""
        if isinstance(error, APIConnectionError):
            return True
        if isinstance(error, APIStatusError):
            statuses = KEYED_WRITE_RETRY_STATUSES if keyed_write else READ_RETRY_STATUSES
            return error.status_code in statuses
        return False

    @staticmethod
    def delete_already_done(method: str, error: CodatError, *, earlier_may_have_applied: bool) -> bool:
        """A DELETE answered 404 after an earlier attempt whose outcome is unknown: that attempt deleted it.

        Only then: a 404 after a 429 or 408 (which say nothing was done) is a real 404.
        """
        return method == "DELETE" and earlier_may_have_applied and isinstance(error, NotFoundError)


def _nothing_applied(error: CodatError) -> bool:
    """A 429 (Codat processed nothing) or a connection that failed before the request left."""
    if isinstance(error, APIStatusError):
        return error.status_code == 429
    return isinstance(error, APIConnectionError) and not may_have_been_applied(error)


def _retry_after(error: CodatError) -> float | None:
    """The ``Retry-After`` the error read when it was made: the same number the pacer paused for."""
    return error.retry_after if isinstance(error, APIStatusError) else None
