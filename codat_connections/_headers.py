"""What Codat's response headers say: when to retry, where the rate limit stands, the correlation id.

Pure parsing, no I/O, shared by the errors, the retry policy, the pacer and ``APIResponse``.
"""

from __future__ import annotations

import email.utils
import math
import time
from collections.abc import Mapping
from datetime import UTC, datetime

from codat_connections_api.runtime import parse_datetime

__all__ = ["RateLimitInfo", "correlation_id", "http_date", "parse_retry_after", "seconds_until", "server_date"]

# A Unix timestamp in seconds is this large from 2001 on; smaller numbers are read as seconds from now.
_EPOCH_THRESHOLD = 1_000_000_000


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value: delta-seconds or an HTTP-date; None if unusable."""
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


def _parse_count(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        number = int(value.strip())
    except ValueError:
        return None
    return number if number >= 0 else None


def _parse_reset(value: str | None, now: float) -> datetime | None:
    """``X-Rate-Limit-Reset``: a Unix timestamp (what Codat sends), seconds from now, ISO 8601 or an HTTP-date."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    else:
        if math.isnan(number) or math.isinf(number) or number < 0:
            return None
        timestamp = number if number >= _EPOCH_THRESHOLD else now + number
        try:
            return datetime.fromtimestamp(timestamp, UTC)
        except (OverflowError, OSError, ValueError):
            return None
    try:
        return parse_datetime(value)  # the library's one date-time rule: naive is UTC
    except ValueError:
        pass
    return http_date(value)


class RateLimitInfo:
    """Where Codat's daily quota stands, from ``X-Rate-Limit-Limit``, ``-Remaining`` and ``-Reset``.

    Each is None when the header is absent or unreadable.
    """

    __slots__ = ("limit", "remaining", "reset")

    def __init__(self, limit: int | None, remaining: int | None, reset: datetime | None) -> None:
        self.limit = limit
        """Requests allowed in the current period (Codat: the daily quota)."""
        self.remaining = remaining
        """Requests left in the current period."""
        self.reset = reset
        """When the period resets (an aware ``datetime``, UTC)."""

    @classmethod
    def from_headers(cls, headers: Mapping[str, str], *, now: float | None = None) -> RateLimitInfo:
        """Read the three headers (names are matched case-insensitively by httpx's ``Headers``)."""
        return cls(
            _parse_count(headers.get("x-rate-limit-limit")),
            _parse_count(headers.get("x-rate-limit-remaining")),
            _parse_reset(headers.get("x-rate-limit-reset"), time.time() if now is None else now),
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RateLimitInfo):
            return NotImplemented
        return (self.limit, self.remaining, self.reset) == (other.limit, other.remaining, other.reset)

    def __hash__(self) -> int:
        return hash((self.limit, self.remaining, self.reset))

    def __repr__(self) -> str:
        reset = self.reset.isoformat() if self.reset is not None else None
        return f"RateLimitInfo(limit={self.limit}, remaining={self.remaining}, reset={reset!r})"

    def __reduce__(self) -> tuple[type[RateLimitInfo], tuple[int | None, int | None, datetime | None]]:
        return (RateLimitInfo, (self.limit, self.remaining, self.reset))


def seconds_until(moment: datetime, *, now: float | None = None) -> float:
    """Seconds from now until ``moment`` (0 if it has passed)."""
    return max(0.0, moment.timestamp() - (time.time() if now is None else now))


def correlation_id(headers: Mapping[str, str]) -> str | None:
    """Codat's correlation id from the response headers, when the body did not carry one."""
    value = headers.get("x-correlation-id") or headers.get("correlation-id")
    return value or None


def server_date(headers: Mapping[str, str]) -> datetime | None:
    """The response's ``Date``: the server's clock when it answered (Codat's clock, to the second), in UTC.

    None when the header is absent or not an HTTP-date: an unknown moment is never guessed from the local clock.
    """
    value = headers.get("date")
    return None if value is None else http_date(value)


def http_date(value: str) -> datetime | None:
    """An HTTP-date (``Tue, 08 Dec 2026 02:00:00 GMT``) in UTC; None when ``value`` is not one."""
    try:
        when = email.utils.parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # "-0000": an HTTP-date is GMT
        return when.replace(tzinfo=UTC)
    return when.astimezone(UTC)
