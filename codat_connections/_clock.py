"""Time, in one place: the request loop and the pacer read the clock and sleep through here.

Looked up at call time (``_clock.sleep(...)``), so tests can replace time with a virtual clock.
"""

from __future__ import annotations

import time
from collections.abc import Callable

__all__ = ["async_sleep", "monotonic", "sleep"]

monotonic: Callable[[], float] = time.monotonic
sleep: Callable[[float], None] = time.sleep


async def async_sleep(seconds: float) -> None:
    import asyncio  # loaded already in any program that awaits this; `import codat_connections` skips it

    await asyncio.sleep(seconds)
