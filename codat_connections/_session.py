"""What a client and every ``with_options`` copy of it share, by reference: one place for shared state.

A copy differs only in its retry policy and timeout (held by its requester); the connection pool,
the credential, the pacer and the clock are the session's. Closing is each requester's, and a copy's
requester asks its parent's, so closing a client ends it for every copy, whoever owns the pool.
"""

from __future__ import annotations

from typing import Generic, NoReturn, TypeVar

import httpx

from codat_connections._clock import Clock
from codat_connections._pacing import PacerBase

__all__ = ["Session"]

HttpT = TypeVar("HttpT", bound=httpx.Client | httpx.AsyncClient)
PacerT = TypeVar("PacerT", bound=PacerBase)


class Session(Generic[HttpT, PacerT]):
    """The pool, the credential headers, the pacer and the clock of one client and its copies."""

    __slots__ = ("base_url", "credential_forms", "headers", "http", "owns_http", "pacer")

    def __init__(
        self,
        *,
        http: HttpT,
        owns_http: bool,
        pacer: PacerT,
        base_url: str,
        headers: httpx.Headers,
        credential_forms: tuple[bytes, ...],
    ) -> None:
        self.http: HttpT = http
        self.owns_http = owns_http
        """Whether closing the client closes ``http`` too (False for a caller's own httpx client)."""
        self.pacer: PacerT = pacer
        self.base_url = base_url
        self.headers = headers
        """Accept, User-Agent and Authorization; httpx copies a ``Headers`` cheaply, a dict is re-encoded."""
        self.credential_forms = credential_forms
        """Every form the credential could be echoed back in, to redact from error bodies."""

    @property
    def clock(self) -> Clock:
        """The clock every request loop and the pacer of this client read (the pacer holds it)."""
        return self.pacer.clock

    @clock.setter
    def clock(self, clock: Clock) -> None:
        self.pacer.clock = clock

    def __repr__(self) -> str:
        return f"<Session {self.base_url}>"

    def __reduce__(self) -> NoReturn:
        raise TypeError("a client's session holds its credential and connection pool and is not picklable")
