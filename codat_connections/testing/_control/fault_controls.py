"""The fault controls of ``FakeCodat``: what a test asks the fake to get wrong, for its next matching requests."""

from __future__ import annotations

import threading

from codat_connections.testing._pipeline.faults import Fault, FaultQueue

__all__ = ["FaultControls"]


class FaultControls:
    """Fault injection; each fault applies to the next ``times`` requests matching ``method`` and ``path``."""

    _lock: threading.RLock
    _faults: FaultQueue

    def inject(self, fault: Fault) -> Fault:
        """Queue a fault; faults apply in the order injected, each to its next ``times`` matches."""
        with self._lock:
            return self._faults.add(fault)

    def fail_with_status(
        self,
        status: int,
        *,
        times: int = 1,
        method: str | None = None,
        path: str | None = None,
        after_processing: bool = False,
        retry_after: str | None = None,
    ) -> Fault:
        """Answer ``status`` with Codat's error body (after applying the request, with ``after_processing``).

        ``retry_after`` adds that ``Retry-After`` header: ``"0"`` makes a client's retries immediate,
        which keeps fault tests fast.
        """
        fault = Fault("status", times, method, path, status, retry_after, after_processing=after_processing)
        return self.inject(fault)

    def rate_limit(
        self, *, times: int = 1, retry_after: str | None = "1", method: str | None = None, path: str | None = None
    ) -> Fault:
        """Answer 429 with this ``Retry-After`` value (None: no header), whatever the enforced limits."""
        return self.inject(Fault("rate_limit", times, method, path, status=429, retry_after=retry_after))

    def delay(self, seconds: float, *, times: int = 1, method: str | None = None, path: str | None = None) -> Fault:
        """Hold the answer ``seconds`` (on top of ``latency``); a client whose timeout is shorter times out."""
        return self.inject(Fault("delay", times, method, path, seconds=seconds))

    def non_json(
        self, status: int = 502, *, times: int = 1, method: str | None = None, path: str | None = None
    ) -> Fault:
        """Answer ``status`` with an HTML page, as a proxy in front of Codat would."""
        return self.inject(Fault("non_json", times, method, path, status=status))

    def drop_connection(
        self, *, times: int = 1, method: str | None = None, path: str | None = None, after_processing: bool = False
    ) -> Fault:
        """Close the connection without answering (after applying the request, with ``after_processing``)."""
        return self.inject(Fault("drop", times, method, path, after_processing=after_processing))

    def truncate_body(self, *, times: int = 1, method: str | None = None, path: str | None = None) -> Fault:
        """Apply the request, then cut the connection halfway through the response body."""
        return self.inject(Fault("truncate", times, method, path))

    def clear_faults(self) -> None:
        """Forget every fault not yet used up."""
        with self._lock:
            self._faults.clear()
