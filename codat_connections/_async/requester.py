"""The request loop: one attempt after another until a success, a final error, or the budget runs out."""

from __future__ import annotations

import httpx

from codat_connections._base_client import RequesterBase, detach_stream, retry_after_of
from codat_connections._pacing import AsyncPacer
from codat_connections._request import Answer, RequestSpec
from codat_connections._retries import may_have_been_applied

__all__ = ["AsyncRequester"]


class AsyncRequester(RequesterBase[httpx.AsyncClient, AsyncPacer]):
    """The loop of one client (or ``with_options`` copy); decisions are ``RequesterBase``'s."""

    async def send(self, spec: RequestSpec) -> Answer:
        """Send one call, retrying per the policy: the final response, or a raised ``CodatError``.

        The response is a success, or the 404 that proves a retried delete was already applied.
        """
        request = self._build(spec)
        clock = self.session.clock
        retries_done = 0
        may_have_applied = False
        while True:
            await self._pacer.start(spec.company_id)
            started = clock.monotonic()
            try:
                response = detach_stream(await self._http.send(request))
            except (httpx.HTTPError, RuntimeError) as exc:
                error = self._transport_error(spec, request, exc, started)
            else:
                if response.is_success:
                    self._pacer.observe(response.status_code, response.headers, retry_after_of(response))
                    self._log_success(spec, response, started)
                    return Answer(response, retries_done, self.session.credential_forms)
                error = self._status_error(spec, request, response, started)
                self._pacer.observe(response.status_code, response.headers, error.retry_after)
            finally:
                self._pacer.finish(spec.company_id)
            delay = self._next_step(spec, error, retries_done, may_have_applied)
            if delay is None:
                return Answer(response, retries_done, self.session.credential_forms)
            may_have_applied = may_have_applied or may_have_been_applied(error)
            await clock.async_sleep(delay)
            retries_done += 1

    async def close(self) -> None:
        """End this client and its copies (they see it through ``parent``); the root closes its own pool."""
        self.closed = True
        if self.parent is None and self.session.owns_http:
            await self._http.aclose()
