"""Progress of long work on stderr, only when stderr is a terminal: stdout stays clean for pipes and files.

One line, rewritten in place (carriage return, then erase to the end of the line), at most ten times a
second and always for the last state, and ended with a line break when the work ends.
"""

from __future__ import annotations

import math
import time
from typing import TextIO

__all__ = ["Progress", "describe_wait"]

_INTERVAL_SECONDS = 0.1


class Progress:
    """A status line on ``stream`` when it is a terminal; nothing otherwise."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self.enabled = _is_terminal(stream)
        self._last = -math.inf
        self._shown = False
        self._pending: str | None = None

    def show(self, text: str) -> None:
        """Show ``text`` now, or at the next call if one was shown less than a tenth of a second ago."""
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self._last < _INTERVAL_SECONDS:
            self._pending = text
            return
        self._write(text)
        self._last = now

    def close(self) -> None:
        """Show the last state held back, and end the line."""
        if not self.enabled:
            return
        if self._pending is not None:
            self._write(self._pending)
        if self._shown:
            self._stream.write("\n")
            self._stream.flush()

    def _write(self, text: str) -> None:
        self._stream.write("\r" + text + "\x1b[K")
        self._stream.flush()
        self._shown = True
        self._pending = None


def describe_wait(requests: int, max_requests_per_minute: float | None) -> str:
    """``about 2 min left at 900 requests/min`` for ``requests`` still to make, or '' without pacing."""
    if max_requests_per_minute is None or requests <= 0:
        return ""
    seconds = requests * 60.0 / max_requests_per_minute
    shown = f"{math.ceil(seconds)} s" if seconds < 90 else f"{math.ceil(seconds / 60)} min"
    return f"about {shown} left at {max_requests_per_minute:g} requests/min"


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a stream without a file, or one already closed
        return False
