"""What both clients share: the one constructor, ``with_options``, and refusing to be pickled.

A client checks its configuration (``_config``), owns (or borrows) an httpx client, and builds a
session (pool, credential, pacer, clock) and a requester (retry policy, timeout) over it; its
resources get the requester only. ``with_options`` builds a copy through the same path, over the
same session, so a copy shares the pool, the credential, the pacing and the closing of its client.
The clients themselves (``CodatConnections``, ``AsyncCodatConnections``) add what awaits: closing
and the resources (``_async/client.py`` and its derived ``_sync/client.py``).
"""

from __future__ import annotations

from typing import Any, ClassVar, Generic, NoReturn, Self, TypeVar, cast

import httpx

from codat_connections._base_client import RequesterBase
from codat_connections._clock import Clock
from codat_connections._config import (
    DEFAULT_TIMEOUT,
    NOT_GIVEN,
    NotGiven,
    resolve_auth,
    resolve_base_url,
    timeout_extension,
    user_agent,
)
from codat_connections._pacing import PacerBase, check_requests_per_minute
from codat_connections._retries import RetryPolicy
from codat_connections._session import Session

__all__ = ["DEFAULT_TIMEOUT", "ClientBase"]

HttpT = TypeVar("HttpT", bound=httpx.Client | httpx.AsyncClient)
RequesterT = TypeVar("RequesterT", bound=RequesterBase[Any, Any])


class ClientBase(Generic[HttpT, RequesterT]):
    """What both clients are built from: settings checked before anything is allocated, copies, pickling."""

    _http_client_class: ClassVar[type[httpx.Client] | type[httpx.AsyncClient]]
    _pacer_class: ClassVar[type[PacerBase]]
    _requester_class: ClassVar[type[RequesterBase[Any, Any]]]
    _requester: RequesterT

    def _construct(
        self,
        api_key: str | None,
        *,
        auth_header: str | None,
        base_url: str | None,
        timeout: float | httpx.Timeout | NotGiven | None,
        max_retries: int,
        max_requests_per_minute: float | None,
        http_client: HttpT | None,
    ) -> None:
        """What a client's ``__init__`` does: check every setting, then build the session and the requester."""
        kind = self._http_client_class
        if http_client is not None and not isinstance(http_client, kind):
            raise TypeError(f"http_client must be an {kind.__module__}.{kind.__qualname__}, got {type(http_client)}")
        secret = resolve_auth(api_key, auth_header)
        if isinstance(timeout, NotGiven):
            # A caller's own httpx client keeps its own timeout unless one is given here.
            extensions = timeout_extension(DEFAULT_TIMEOUT) if http_client is None else {}
        else:
            extensions = timeout_extension(timeout)
        policy = RetryPolicy(max_retries=max_retries)
        pacer = self._pacer_class(
            max_requests_per_minute=check_requests_per_minute(max_requests_per_minute),
            max_pause=policy.max_retry_after,
        )
        http = (
            http_client
            if http_client is not None
            else cast(HttpT, kind(timeout=DEFAULT_TIMEOUT, follow_redirects=False))
        )
        session = Session(
            http=http,
            owns_http=http_client is None,
            pacer=pacer,
            base_url=resolve_base_url(base_url),
            headers=httpx.Headers(
                {"Accept": "application/json", "User-Agent": user_agent(), "Authorization": secret.reveal()}
            ),
            credential_forms=secret.forms(),
        )
        self._configure(session, policy=policy, timeout=extensions)

    def _configure(
        self,
        session: Session[Any, Any],
        *,
        policy: RetryPolicy,
        timeout: dict[str, Any],
        parent: RequesterBase[Any, Any] | None = None,
    ) -> None:
        """The one place a client's state is set: by the constructor, and by ``with_options`` for a copy."""
        requester = self._requester_class(session, policy=policy, timeout=timeout, parent=parent)
        self._requester = cast(RequesterT, requester)
        self._bind_resources(self._requester)

    def _bind_resources(self, requester: RequesterT) -> None:
        raise NotImplementedError

    def with_options(
        self, *, timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN, max_retries: int | NotGiven = NOT_GIVEN
    ) -> Self:
        """A client that differs only in these settings, sharing this one's pool, key, pacing and closing.

        ``codat.with_options(timeout=5, max_retries=0).connections.get(...)``. Closing a client ends it
        and every copy made from it (and from those copies); the client it was copied from goes on.
        """
        current = self._requester
        twin = type(self).__new__(type(self))
        twin._configure(
            current.session,
            policy=current.policy if isinstance(max_retries, NotGiven) else RetryPolicy(max_retries=max_retries),
            timeout=current.extensions if isinstance(timeout, NotGiven) else timeout_extension(timeout),
            parent=current,
        )
        return twin

    @property
    def base_url(self) -> str:
        """The API's base URL, e.g. ``https://api.codat.io``."""
        return self._requester.base_url

    @property
    def max_retries(self) -> int:
        """Retries after a failed attempt (the first attempt not counted)."""
        return self._requester.policy.max_retries

    @property
    def is_closed(self) -> bool:
        """True once this client, or the client it was copied from, was closed (or its httpx client was)."""
        return self._requester.is_closed()

    def _use_clock(self, clock: Clock) -> None:
        """For the test suite: this client and every copy read time and wait through ``clock``."""
        self._requester.session.clock = clock

    def __repr__(self) -> str:
        if not hasattr(self, "_requester"):  # half-built: a traceback rendered with locals still prints
            return f"<{type(self).__name__} (not configured)>"
        return f"{type(self).__name__}(base_url={self.base_url!r}, max_retries={self.max_retries})"

    def __reduce__(self) -> NoReturn:
        raise TypeError(f"{type(self).__name__} is not picklable: build a client in each process")
