"""The progress of a fleet listing, for ``attention`` and ``sync``: pages read, companies seen of the total, time left.

Both read the fleet through ``fleet_pages``, which asks for each page with the client's
``companies.with_raw_response.list``; ``watch`` wraps that method on the command's own client (nothing
else is touched) to count each answer as it comes, its total included, so the line costs no request.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from codat_connections.cli._progress import Progress, describe_wait

if TYPE_CHECKING:
    from codat_connections_api.models import Company

    from codat_connections._response import APIResponse
    from codat_connections._sync.client import CodatConnections
    from codat_connections.pagination import Page

__all__ = ["ListingProgress"]


class ListingProgress:
    """What a fleet listing has read so far, shown on a terminal's stderr (see ``Progress``)."""

    def __init__(self, progress: Progress, max_requests_per_minute: float | None, *, flagged: bool) -> None:
        self.progress = progress
        self.pacing = max_requests_per_minute
        self.counts_flagged = flagged
        self.pages = self.companies = self.flagged = 0
        self.total: int | None = None
        self.served = 0  # companies a full page holds, as the server serves them

    def watch(self, codat: CodatConnections) -> None:
        """Count each page of the companies listing ``codat`` reads from now on (only when progress is shown)."""
        if not self.progress.enabled:
            return
        raw = codat.companies.with_raw_response
        read = raw.list

        def counted(*args: Any, **kwargs: Any) -> APIResponse[Page[Company]]:
            response = read(*args, **kwargs)
            self.read(response.parse())  # decoded once: the listing reuses it
            return response

        raw.list = counted

    def read(self, page: Page[Company]) -> None:
        """One page arrived."""
        self.pages += 1
        self.companies += len(page.results)
        self.served = max(self.served, len(page.results))
        self.total = page.total_results if self.total is None else self.total
        self.show()

    def show(self) -> None:
        total = self.total if self.total is not None else 0
        seen = min(self.companies, total) if self.total is not None else self.companies
        of = f" of {total:,}" if self.total is not None else ""
        text = f"{self.pages:,} page{'' if self.pages == 1 else 's'} read, {seen:,}{of} companies seen"
        if self.counts_flagged:
            text += f", {self.flagged:,} flagged"
        if self.total is not None and self.served:
            left = describe_wait(math.ceil(max(0, total - self.companies) / self.served), self.pacing)
            text += f"; {left}" if left else ""
        self.progress.show(text)
