"""Time for a client: reading the clock and waiting, per client, so that tests can inject their own.

Every client (and its ``with_options`` copies) reads time through one ``Clock``: the request loop's
retry waits and the pacer's pauses go through ``sleep``/``async_sleep``. ``SystemClock`` is the real
one; in testing mode (``codat_connections.testing.set_testing``) it returns from every wait at once,
so a test against the fake never waits out a backoff. A sweep's worker threads wait in slices that
notice when the sweep's consumer has left (``stop_on``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

__all__ = ["SYSTEM_CLOCK", "Clock", "Stopped", "SystemClock", "raise_if_stopped", "set_waits_skipped", "stop_on"]


class Stopped(Exception):
    """The work this thread does for a sweep was stopped (the sweep's consumer left); internal."""


_STOP: ContextVar[threading.Event | None] = ContextVar("codat_connections_stop", default=None)
_SLICE = 0.05
_waits_skipped = False


def set_waits_skipped(skipped: bool) -> bool:
    """Testing mode on or off for every ``SystemClock``; returns the previous setting."""
    global _waits_skipped
    previous, _waits_skipped = _waits_skipped, bool(skipped)
    return previous


def waits_skipped() -> bool:
    return _waits_skipped


class Clock:
    """What a client needs of time. Subclass it to make waits virtual (the test suite does)."""

    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        """Block this thread ``seconds``; inside a sweep, raise ``Stopped`` soon after the sweep is left."""
        event = _STOP.get()
        while True:
            if event is not None and event.is_set():
                raise Stopped
            if seconds <= 0:
                return
            step = seconds if event is None else min(seconds, _SLICE)
            time.sleep(step)
            seconds -= step

    async def async_sleep(self, seconds: float) -> None:
        import asyncio  # loaded already in any program that awaits this; `import codat_connections` skips it

        await asyncio.sleep(seconds)


class SystemClock(Clock):
    """The real clock; in testing mode every wait returns at once (retries still happen)."""

    def sleep(self, seconds: float) -> None:
        super().sleep(0.0 if _waits_skipped else seconds)

    async def async_sleep(self, seconds: float) -> None:
        await super().async_sleep(0.0 if _waits_skipped else seconds)


SYSTEM_CLOCK = SystemClock()


@contextmanager
def stop_on(event: threading.Event) -> Iterator[None]:
    """Within this block, waits raise ``Stopped`` soon after ``event`` is set (see ``Clock.sleep``)."""
    token = _STOP.set(event)
    try:
        yield
    finally:
        _STOP.reset(token)


def raise_if_stopped() -> None:
    """``Stopped`` when this thread's sweep has been left (checked before every attempt of a request)."""
    event = _STOP.get()
    if event is not None and event.is_set():
        raise Stopped
