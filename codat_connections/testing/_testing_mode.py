"""Testing mode: every client skips its waits (retry backoff, Retry-After, pauses, pacing), still retrying.

A test that injects a fault (a 429, a 503) into the fake then runs at full speed without passing
``max_retries=0`` everywhere; the retries themselves still happen, so the test sees them. The switch
is global, like stamina's ``set_testing``: it also reaches clients your own code builds.
"""

from __future__ import annotations

from types import TracebackType

from codat_connections._clock import set_waits_skipped, waits_skipped

__all__ = ["is_testing", "set_testing"]


class _TestingMode:
    """What ``set_testing`` returns: leaving it as a context manager restores the previous setting."""

    def __init__(self, previous: bool) -> None:
        self._previous = previous

    def __enter__(self) -> None:
        return None

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        set_waits_skipped(self._previous)


def set_testing(enabled: bool = True) -> _TestingMode:
    """Turn testing mode on (or off) for every client, now; ``with set_testing():`` limits it to a block.

    In testing mode no client waits: retries and pacing go on, without their pauses. Leave it off in
    production, where the waits keep you within Codat's limits.
    """
    if not isinstance(enabled, bool):
        raise TypeError(f"enabled must be a bool, got {type(enabled).__name__}")
    return _TestingMode(set_waits_skipped(enabled))


def is_testing() -> bool:
    """Whether testing mode is on."""
    return waits_skipped()
