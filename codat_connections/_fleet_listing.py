"""Which read the fleet listing makes next, and what each answer adds: every company once while the fleet changes.

Offset paging over a list that changes shifts every later record: a company deleted from page 1 moves
the first company of page 2 onto page 1, which was read already, so it is never reported; on a
newest-first server a company created meanwhile pushes the last of page 1 onto page 2, reported twice.
So the listing never asks for page N of one list. It asks for the companies ordered by their ``created``
stamp (``orderBy=created``), and then, each time, for those from the last stamp read on, less the ones
already reported with that stamp (``query=created>=S&&id!=...``; ``tags`` still selects). Each read
depends on the companies themselves, not on their positions, so creations and deletions meanwhile move
nothing: every company that exists for the whole listing is reported exactly once, and one created
meanwhile at most once. Each read is page 1 of its own query, so its ``totalResults`` counts what remains
(the stop rule) and a server that serves fewer than asked loses nothing: the listing takes
``ceil(companies / companies served a page)`` requests.

The edges:

* More companies share the last stamp than one query can exclude (``MAX_EXCLUDED``): that stamp's
  companies are read on their own (``query=created=S``) page by page, each kept once by id, stepping
  back over the pages a deletion shifted (its ``totalResults`` dropped); then the listing goes on after
  that stamp (``created>S``).
* The server refuses the first keyset read (a 400) or ignores it (its answer is not in ``created``
  order, or holds nothing past the last stamp): the listing warns and falls back to page numbers,
  keeping every id it reported (none is reported twice) and stepping back over as many pages as
  ``totalResults`` dropped. Newest first (``orderBy=-created``, when the server honours the order but
  not the query), creations land before every page read and can only push companies down, and
  deletions can push them up by no more than the drop: nothing is missed. In a server's own order,
  when it honours neither, a company can still be missed if creations and deletions balance between
  two pages; the warning says so.
* A server that honoured the keyset reads and then contradicts them: ``ListingOutOfOrder``.

The listing rests on every company carrying its ``created`` stamp, which Codat's document gives every
company (not nullable). One seen without it counts as an answer not in ``created`` order.
"""

from __future__ import annotations

import logging
import math
from datetime import datetime
from itertools import pairwise
from typing import TYPE_CHECKING, NamedTuple

from codat_connections._constants import MAX_QUERY_LENGTH
from codat_connections.pagination import PageBase, SeenPages, known_total
from codat_connections.query import field

if TYPE_CHECKING:
    from codat_connections_api.models import Company

    from codat_connections.errors import BadRequestError

__all__ = ["MAX_EXCLUDED", "FleetListing", "ListingOutOfOrder", "Read"]

log = logging.getLogger("codat_connections")

MAX_EXCLUDED = 32
"""Most ids one keyset read excludes (``&&id!=...``, 42 characters each); more companies on one stamp are
read on their own. 32 UUIDs keep the query far under Codat's 2048 characters."""
ORDER = "created"
_RISK = (
    ", in the server's own order: a company can be missed if companies are created and deleted in equal numbers "
    "between two pages"
)


class Read(NamedTuple):
    """One request of the listing: ``GET /companies?page=&pageSize=&query=&orderBy=`` (and the caller's tags)."""

    page: int
    page_size: int
    query: str | None
    order_by: str | None


class ListingOutOfOrder(Exception):
    """The server's answer contradicts the order it honoured before; the message says how."""


class _NotHonoured(Exception):
    """A keyset answer the server did not order as asked: the first one makes the listing fall back."""


def _stamp_or_none(company: Company) -> datetime | None:
    """The company's ``created`` stamp; None when it has none, or one that is no date."""
    try:
        return company.created_at
    except ValueError:
        return None


def _stamp(company: Company, *, carried: bool = False) -> datetime:
    """The company's ``created`` stamp; when ``carried`` (the page's last: the next query starts from it), one
    the query language can carry back to the server as written, too."""
    stamp = _stamp_or_none(company)
    try:
        if stamp is not None and carried:
            field("created") == company.created  # noqa: B015 (refuses a value the query language cannot carry)
    except ValueError:
        stamp = None
    if stamp is None:
        raise _NotHonoured(f"company {company.id} has no created stamp a query can carry ({company.created!r})")
    return stamp


class _Walk:
    """Offset pages of one query, each company kept once by id, stepping back when ``totalResults`` drops.

    A drop of ``d`` between two reads means companies before the page read may have been deleted, moving
    up to ``d`` companies from this page's start onto the pages before it: those pages are read again.
    A drop only happens so often (the count is finite), so the walk ends.
    """

    def __init__(self, read: Read, known: set[str], stamp: datetime | None, total: int | None = None) -> None:
        self.query, self.order_by, self.size, self.number = read.query, read.order_by, read.page_size, read.page
        self.known = known
        """The ids reported: of the stamp (its companies' walk), or of the whole listing (the fallback)."""
        self.stamp = stamp
        """The stamp every company must carry (a stamp's walk), or None (the fallback)."""
        self.total = total
        """The count of the read before (the page this walk goes on from, if any): a drop is seen from there."""
        self.most = total  # the largest believable count seen
        self.furthest = read.page - 1
        self.seen = SeenPages()
        self.done = False

    def read(self) -> Read:
        return Read(self.number, self.size, self.query, self.order_by)

    def take(self, page: PageBase[Company]) -> list[Company]:
        if self.stamp is not None and any(_stamp_or_none(company) != self.stamp for company in page.results):
            raise ListingOutOfOrder(f"the companies asked for with {self.query} carry other created stamps")
        number, forward = page.page_number, page.page_number > self.furthest
        total = known_total(page.total_results)
        if forward:
            if self._beyond_the_end(page, total):  # a server ignoring the page number: nothing more to find
                self.done = True
                return []
            self.seen.note(page)
            if number == 1:
                self.size = page._next_page_size()
            self.furthest = number
        new = [company for company in page.results if company.id not in self.known]
        self.known.update(company.id for company in new)
        dropped = self.total - total if self.total is not None and total is not None else 0
        self.total = total if total is not None else self.total
        if dropped > 0:
            self.number = max(1, number - math.ceil(dropped / self.size))
        elif page.has_next_page():
            self.number = number + 1
        else:
            self.done = True
        return new

    def _beyond_the_end(self, page: PageBase[Company], total: int | None) -> bool:
        """A page past every page the largest count seen allows, or, with no believable count, one repeating an
        earlier page. (A repeat alone proves nothing while the fleet changes: creations push a page's companies
        onto the next.)"""
        if total is not None:
            self.most = total if self.most is None else max(self.most, total)
        if self.most is None:
            return self.seen.repeats(page)
        return page.page_number > math.ceil(self.most / self.size) + 1


class FleetListing:
    """The state of one fleet listing: ``next_read()``, then ``take(page)`` or ``refused(error)``, until None."""

    def __init__(self, page_size: int) -> None:
        self._asked = page_size
        self._stamp: str | None = None  # the last created stamp read, as the server wrote it
        self._stamp_at: datetime | None = None
        self._at_stamp: set[str] = set()  # the ids reported with that stamp
        self._after_stamp = False  # every company of the stamp is reported: read from after it
        self._honoured = 0  # keyset answers taken
        self._first_ids: set[str] = set()  # the first page's ids, until a keyset query is honoured
        self._walk: _Walk | None = None
        self._done = False

    def next_read(self) -> Read | None:
        """The request to make next; None when the listing is complete."""
        if self._done:
            return None
        if self._walk is not None:
            return self._walk.read()
        return Read(1, self._asked, self._keyset_query(), ORDER)

    def take(self, page: PageBase[Company]) -> list[Company]:
        """The companies of ``page`` (the answer to ``next_read()``) not reported before."""
        if self._walk is not None:
            return self._take_walked(page)
        try:
            return self._take_keyset(page)
        except _NotHonoured as why:
            if self._honoured > 1:
                raise ListingOutOfOrder(f"the companies listing stopped honouring orderBy=created: {why}") from None
            return self._fall_back(page if self._honoured == 0 else None, str(why))

    def refused(self, error: BadRequestError) -> bool:
        """Whether the listing goes on after a 400 to ``next_read()``: only the first keyset reads fall back."""
        if self._walk is not None or self._honoured > 1:
            return False
        self._fall_back(None, f"it answered {error}")
        return True

    # -- reading by created stamp --------------------------------------------------------------------
    def _keyset_query(self) -> str | None:
        if self._stamp is None:
            return None
        if self._after_stamp:
            return str(field("created") > self._stamp)
        query = field("created") >= self._stamp
        for company_id in sorted(self._at_stamp):
            query = query & (field("id") != company_id)
        return str(query)

    def _take_keyset(self, page: PageBase[Company]) -> list[Company]:
        last = len(page.results) - 1
        stamps = [_stamp(company, carried=at == last) for at, company in enumerate(page.results)]
        if any(later < earlier for earlier, later in pairwise(stamps)):
            raise _NotHonoured("the companies did not come in created order")
        fresh = list(zip(page.results, stamps, strict=True))
        if any(self._reported(company, at) for company, at in fresh):
            raise _NotHonoured("a read from the last created stamp on brought a company reported before")
        more = page.has_next_page()
        self._honoured += 1
        if self._honoured == 1:
            self._first_ids = {company.id for company in page.results}
        else:
            self._first_ids = set()
        if page.results:
            self._advance(page.results[-1], stamps[-1], fresh)
        if not more:
            self._done = True
        elif self._must_read_stamp_alone():
            assert self._stamp is not None and self._stamp_at is not None
            read = Read(1, self._asked, str(field("created") == self._stamp), ORDER)
            self._walk = _Walk(read, self._at_stamp, self._stamp_at)
        return list(page.results)

    def _reported(self, company: Company, at: datetime) -> bool:
        """Reported already, as the order asked for says: before the last stamp, or on it and excluded (or
        on it at all, once every company of the stamp is reported). A keyset read never brings one back."""
        if self._stamp_at is None:
            return False
        on_stamp = at == self._stamp_at and (self._after_stamp or company.id in self._at_stamp)
        return at < self._stamp_at or on_stamp

    def _advance(self, last: Company, last_at: datetime, fresh: list[tuple[Company, datetime]]) -> None:
        """The last stamp is now ``last``'s; the ids reported with it are noted (``fresh``: the new companies)."""
        if last_at != self._stamp_at:
            self._at_stamp = set()
            self._after_stamp = False
        self._stamp, self._stamp_at = last.created, last_at
        self._at_stamp.update(company.id for company, at in fresh if at == last_at)

    def _must_read_stamp_alone(self) -> bool:
        """Too many companies on the last stamp for one query to exclude (or to fit in Codat's query limit)."""
        if len(self._at_stamp) > MAX_EXCLUDED:
            return True
        try:
            query = self._keyset_query()
        except ValueError:  # an id or stamp Codat's query language cannot carry
            return True
        return query is not None and len(query) >= MAX_QUERY_LENGTH

    # -- reading by page number ------------------------------------------------------------------------
    def _take_walked(self, page: PageBase[Company]) -> list[Company]:
        walk = self._walk
        assert walk is not None
        new = walk.take(page)
        if walk.done:
            self._walk = None
            if walk.stamp is None:
                self._done = True
            else:
                self._after_stamp = True
        return new

    def _fall_back(self, first: PageBase[Company] | None, why: str) -> list[Company]:
        """Read by page number from now on (see the module docstring); ``first``: page 1, not in created order."""
        if self._honoured == 1:  # created order is honoured, the query is not: newest first, creations in front
            read, known, risk = Read(1, self._asked, None, "-" + ORDER), self._first_ids, ""
        elif first is not None:  # orderBy is ignored: page 1 is the server's own order; page 2 of the same
            read, known = Read(2, first._next_page_size(), None, ORDER), {company.id for company in first.results}
            risk = _RISK
        else:  # orderBy is refused: the server's own order, from page 1
            read, known, risk = Read(1, self._asked, None, None), set(), _RISK
        log.warning(
            "codat_connections: the companies listing did not honour orderBy=created with query=created>=... (%s); "
            "reading it by page number instead%s",
            why,
            risk,
        )
        self._walk = _Walk(read, known, None, None if first is None else known_total(first.total_results))
        if first is None:
            return []
        if not first.has_next_page():
            self._walk, self._done = None, True
        return list(first.results)
