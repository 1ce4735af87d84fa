"""Time, in one place: the request loop and the pacer read the clock and sleep through here.

Looked up at call time (``_clock.sleep(...)``), so tests can replace time with a virtual clock.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

__all__ = ["Stopped", "async_sleep", "interruptible_sleep", "monotonic", "raise_if_stopped", "sleep", "stop_on"]

monotonic: Callable[[], float] = time.monotonic
sleep: Callable[[float], None] = time.sleep


async def async_sleep(seconds: float) -> None:
    import asyncio  # loaded already in any program that awaits this; `import codat_connections` skips it

    await asyncio.sleep(seconds)


class Stopped(Exception):
    """The work this thread does for a sweep was stopped (the sweep's consumer left); internal."""


_STOP: ContextVar[threading.Event | None] = ContextVar("codat_connections_stop", default=None)
_SLICE = 0.05


@contextmanager
def stop_on(event: threading.Event) -> Iterator[None]:
    """Within this block, ``interruptible_sleep`` raises ``Stopped`` soon after ``event`` is set."""
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


def interruptible_sleep(seconds: float) -> None:
    """``sleep``, but in slices that notice a sweep being stopped (see ``stop_on``)."""
    event = _STOP.get()
    if event is None:
        sleep(seconds)
        return
    while True:
        if event.is_set():
            raise Stopped
        if seconds <= 0:
            return
        step = min(seconds, _SLICE)
        sleep(step)
        seconds -= step
