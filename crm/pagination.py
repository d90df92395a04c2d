"""Lists a page at a time, quickly at any size.

A list hands `paginate` a `Listing`: its rows as a query (visibility and
filters applied, no order), its text searches (`crm.search`), and its sort
keys, the row's id last so that no two rows tie. First a capped count,
`SELECT count(*) FROM (... LIMIT 1001)`, which stops reading at 1,001 rows:

- 1,000 rows or fewer: numbered pages, as GOV.UK pagination shows them.
  The rows are found first (through whatever index serves the filters and
  searches), then sorted: at most 1,000 of them.
- more: "more than 1,000 found", with previous and next links that carry
  the sort keys and id of the page's first or last row (`before=`/`after=`,
  a keyset: the next page starts where this one ends, through the index
  that matches the sort, however deep it is), and a "Last" link
  (`page=last`) that reads the sort reversed and shows its rows the right
  way round. An address whose keyset cannot be read shows the first page.

Stepping through a searched list in its sort order is quick when the matches
are spread through it; when they bunch together (an area's name, say), the
walk looks at most WINDOW rows past the page's start, and if that holds too
few matches, finds them through the search indexes and sorts them instead.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask import current_app, request
from sqlalchemy import ColumnElement, ScalarSelect, Select, and_, func, literal_column, select, tuple_
from sqlalchemy.orm import InstrumentedAttribute
from werkzeug.routing import IntegerConverter

from crm.extensions import db
from crm.search import TextSearch

# The largest id either database stores in an INTEGER column.
MAX_ID = 2**31 - 1
# Lists count this many rows at most; past it they say "more than 1,000" and page by keyset.
CAP = 1000
# How far past a page's start a searched list walks its sort order before it finds its matches first instead.
WINDOW = 1000
_CURSOR_MAX = 2000  # characters of an encoded keyset worth reading
_TEXT_MAX = 1000  # characters of one key value


class IdConverter(IntegerConverter):
    """`<id:name>` in a route: a positive id that fits the database, otherwise 404."""

    # ASCII digits only: `\d` would also take "１" (full-width) as 1.
    regex = r"[0-9]+"

    def __init__(self, map, *args, **kwargs):
        super().__init__(map, min=1, max=MAX_ID)


def int_arg(name: str) -> int | None:
    """A query-string id, or None if absent or not a usable id."""
    raw = request.args.get(name, "")
    if not (raw.isascii() and raw.isdigit()) or len(raw) > len(str(MAX_ID)):
        return None
    value = int(raw)
    return value if 1 <= value <= MAX_ID else None


@dataclass(frozen=True)
class Listing:
    """A list as `paginate` reads it.

    `select` is the entity as the user may see it (`visible(...)`) with the
    joins that the filters, keys and page need; `filters` narrow it, and
    `searches` (text, `crm.search`) narrow it further, each applied as suits
    the step; `keys` order the rows (all ascending, or all descending), the
    id last; `options` load what the page shows (say, `contains_eager`).
    `window`, if given, is a cheaper query with every row of the list and
    perhaps more, which the sort index reads straight through: it measures
    how far a searched walk may go (see `_walk`).
    """

    select: Select
    keys: Sequence[ColumnElement]
    filters: Sequence[ColumnElement] = ()
    descending: bool = False
    searches: Sequence[TextSearch] = ()
    options: Sequence[Any] = ()
    window: Select | None = None

    @property
    def query(self) -> Select:
        """The rows, searches aside."""
        return self.select.where(*self.filters)

    def rows(self, *, indexed: bool = True) -> Select:
        """The rows: `indexed` finds them through the search indexes; otherwise they suit a walk in sort order."""
        query = self.query
        for search in self.searches:
            query = search.apply(query, indexed=indexed)
        return query

    @property
    def id(self) -> InstrumentedAttribute:
        return self.keys[-1]

    @property
    def in_index_order(self) -> bool:
        """Whether the sort index finds this list's rows in order: no searches, or prefixes of the sort column."""
        return all(search.served_by(self.keys[0]) for search in self.searches)


def capped(query: Select, cap: int | None = None) -> ScalarSelect:
    """How many rows `query` has, up to `cap` + 1, as SQL: `(SELECT count(*) FROM (... LIMIT cap + 1))`.

    It stops reading at `cap` + 1 rows, so it costs the same at any size.
    An ORDER BY on `query` stays: it can lead the database to an index that
    it reads in order and so stops early, rather than one it reads whole.
    """
    cap = CAP if cap is None else cap
    limited = query.with_only_columns(literal_column("1"), maintain_column_froms=True).limit(cap + 1).subquery()
    return select(func.count()).select_from(limited).scalar_subquery()


def capped_count(query: Select, cap: int | None = None) -> int:
    """How many rows `query` has, up to `cap` + 1 (which means "more than `cap`")."""
    return db.session.scalar(select(capped(query, cap)))


@dataclass
class Page:
    """One page of a list, numbered or keyset-paged, for the lists macros."""

    items: list
    per_page: int
    total: int  # exact up to CAP; CAP + 1 means "more than CAP"
    page: int = 1  # numbered pages only
    has_prev: bool = False
    has_next: bool = False
    # Keyset pages: the arguments of the neighbouring pages and of this one.
    prev_args: dict = field(default_factory=dict)
    next_args: dict = field(default_factory=dict)
    args: dict = field(default_factory=dict)
    is_first: bool = True
    is_last: bool = False
    cap: int = CAP

    @property
    def numbered(self) -> bool:
        return self.total <= self.cap

    @property
    def over_cap(self) -> bool:
        return not self.numbered

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page)) if self.numbered else 0

    @property
    def prev_num(self) -> int | None:
        return self.page - 1 if self.numbered and self.page > 1 else None

    @property
    def next_num(self) -> int | None:
        return self.page + 1 if self.numbered and self.page < self.pages else None

    @property
    def first(self) -> int:
        """The number of the page's first row (numbered pages)."""
        return (self.page - 1) * self.per_page + 1 if self.items else 0

    @property
    def last(self) -> int:
        return self.first + len(self.items) - 1 if self.items else 0

    def iter_pages(self, left_edge=1, left_current=1, right_current=2, right_edge=1) -> Iterator[int | None]:
        """Page numbers to link, None where a gap is (as Flask-SQLAlchemy's)."""
        pages = self.pages
        left_end = min(1 + left_edge, pages + 1)
        yield from range(1, left_end)
        if left_end > pages:
            return
        mid_start = max(left_end, self.page - left_current)
        mid_end = min(self.page + right_current + 1, pages + 1)
        if mid_start - left_end > 0:
            yield None
        yield from range(mid_start, mid_end)
        if mid_end > pages:
            return
        right_start = max(mid_end, pages - right_edge + 1)
        if right_start - mid_end > 0:
            yield None
        yield from range(right_start, pages + 1)

    def link_args(self, list_args: dict, which: str) -> dict:
        """The address arguments of the "prev", "next", "first", "last" or "this" page, with the list's own."""
        extra = {
            "prev": self.prev_args,
            "next": self.next_args,
            "first": {},
            "last": {"page": "last"},
            "this": self.args,
        }[which]
        return {**list_args, **extra}


def paginate(listing: Listing) -> Page:
    """The page of `listing` that the address asks for (see the module's notes)."""
    per_page = current_app.config["CRM_PAGE_SIZE"]
    if any(name in request.args for name in ("after", "before")) or request.args.get("page") == "last":
        total = capped_count(listing.rows(indexed=True))
        if total > CAP:
            return _keyset_page(listing, total, per_page)
        number = 1  # the list has shrunk under a keyset address: start again
    else:
        number = max(request.args.get("page", 1, type=int), 1)
        number = min(number, -(-CAP // per_page))  # no numbered page lies past CAP
    offset = (number - 1) * per_page
    # One statement counts (up to CAP + 1) and reads the page asked for.
    if listing.in_index_order:
        rows, total = _walk_counted(listing, offset=offset, limit=per_page + 1)
    else:
        rows, total = _found_then_sorted(
            listing, descending=listing.descending, offset=offset, limit=per_page, count=True
        )
    if total is None:  # nothing on the page asked for: count apart
        total = capped_count(listing.rows(indexed=True))
    if total > CAP:
        first = rows if number == 1 and listing.in_index_order else None
        return _keyset_page(listing, total, per_page, first=first)
    pages = max(1, -(-total // per_page))
    if number > pages:  # past the end: the last page
        number = pages
        rows, _ = _found_then_sorted(
            listing, descending=listing.descending, offset=(number - 1) * per_page, limit=per_page
        )
    page = Page(items=[row[0] for row in rows[:per_page]], per_page=per_page, total=total, page=number, cap=CAP)
    page.has_prev, page.has_next = number > 1, number < pages
    page.args = {"page": number} if number > 1 else {}
    page.is_first, page.is_last = number == 1, number == pages
    return page


def _walk_counted(listing: Listing, *, offset: int, limit: int) -> tuple[list, int | None]:
    """Rows of a list its sort index serves whole, read in order from `offset`, with its capped count.

    The count is left to find any CAP + 1 rows as it likes (told to read them
    in sort order, PostgreSQL may sort them all first). Rows are (entity, key
    values...); the count is None when there are none.
    """
    keys = listing.keys
    in_order = _order(keys, listing.descending)
    total = capped(listing.rows(indexed=True))
    labelled = [key.label(f"k{i}") for i, key in enumerate(keys)]
    query = (
        listing.rows(indexed=False)
        .options(*listing.options)
        .add_columns(*labelled, total)
        .order_by(*in_order)
        .offset(offset or None)
        .limit(limit)
    )
    rows = db.session.execute(query).all()
    return [row[:-1] for row in rows], (rows[0][-1] if rows else None)


def _found_then_sorted(
    listing: Listing,
    *,
    descending: bool,
    after: Sequence | None = None,
    offset: int = 0,
    limit: int,
    count: bool = False,
) -> tuple[list, int | None]:
    """Rows of `listing` (past `after`): the matches found first, then sorted, then the page's rows read.

    The matches' keys go into a MATERIALIZED common table expression, so that
    neither database can choose to walk the sort index with a search that it
    does not serve (a good plan for a common term, a very slow one for a
    rarer term whose matches bunch at the end of the sort): the search
    indexes find them, and at most CAP + 1 of them are sorted.

    With `count`, the matches stop at CAP + 1 (any of them: the first found)
    and their number comes back too (None when the page is empty: there is
    no row to carry it). Rows are (entity, key values...).
    """
    keys = listing.keys
    found = listing.rows(indexed=True).with_only_columns(
        *(key.label(f"k{i}") for i, key in enumerate(keys)), maintain_column_froms=True
    )
    if after is not None:
        found = found.where(_beyond(keys, after, descending))
    found = found.order_by(None)
    if count:
        found = found.limit(CAP + 1)
    hits = found.cte("hits").prefix_with("MATERIALIZED")
    # Sort the matches' keys and take the page's before joining the rows, so
    # that only the page's rows are read.
    on_page = (
        select(hits)
        .order_by(*_order([hits.c[f"k{i}"] for i in range(len(keys))], descending))
        .offset(offset or None)
        .limit(limit)
        .subquery("on_page")
    )
    page_keys = [on_page.c[f"k{i}"] for i in range(len(keys))]
    query = (
        listing.select.options(*listing.options)
        .join(on_page, page_keys[-1] == listing.id)
        .add_columns(*page_keys)
        .order_by(*_order(page_keys, descending))
    )
    if count:
        query = query.add_columns(select(func.count()).select_from(hits).scalar_subquery())
    rows = db.session.execute(query).all()
    if not count:
        return rows, None
    return [row[:-1] for row in rows], (rows[0][-1] if rows else None)


# --- keyset pages -----------------------------------------------------------------


def _keyset_page(listing: Listing, total: int, per_page: int, first: list | None = None) -> Page:
    """The page that `after=`, `before=` or `page=last` asks for; the first page otherwise, or if none fits.

    `first`: the first page's rows (and one more), when they have been read already.
    """
    after, before = _cursor_arg("after", listing), _cursor_arg("before", listing)
    forwards, backwards = listing.descending, not listing.descending
    page = Page(items=[], per_page=per_page, total=total, cap=CAP)
    rows: list = []
    if first is not None:
        rows = []
    elif request.args.get("page") == "last":
        rows = _walk(listing, descending=backwards, after=None, limit=per_page + 1)
        page.has_prev, page.has_next, page.is_first, page.is_last = len(rows) > per_page, False, False, True
        rows = rows[:per_page][::-1]
        page.args = {"page": "last"}
    elif before is not None:
        rows = _walk(listing, descending=backwards, after=before, limit=per_page + 1)
        page.has_prev, page.has_next = len(rows) > per_page, True
        page.is_first, page.is_last = not page.has_prev, False
        rows = rows[:per_page][::-1]
        page.args = {"before": _encode(before)}
    elif after is not None:
        rows = _walk(listing, descending=forwards, after=after, limit=per_page + 1)
        page.has_prev, page.has_next = True, len(rows) > per_page
        page.is_first, page.is_last = False, not page.has_next
        rows = rows[:per_page]
        page.args = {"after": _encode(after)}
    if not rows:  # the first page, asked for or fallen back to
        rows = first if first is not None else _walk(listing, descending=forwards, after=None, limit=per_page + 1)
        page.has_prev, page.has_next = False, len(rows) > per_page
        rows = rows[:per_page]
        page.is_first, page.is_last = True, not page.has_next
        page.args = {}
    width = len(listing.keys)
    page.items = [row[0] for row in rows]
    if rows:
        page.prev_args = {"before": _encode(rows[0][1 : 1 + width])}
        page.next_args = {"after": _encode(rows[-1][1 : 1 + width])}
    return page


def _walk(listing: Listing, *, descending: bool, after: Sequence | None, limit: int) -> list:
    """Up to `limit` rows past `after` in sort order (entity, key values...), read through the sort index.

    A search the sort index does not serve is checked row by row as the
    walk goes, but only over the next WINDOW rows: if they hold too few
    matches (a rare term, or matches bunched elsewhere), the matches past
    `after` are found through the search indexes instead, and sorted.
    """
    keys = listing.keys
    query = listing.rows(indexed=False).options(*listing.options)
    if after is not None:
        query = query.where(_beyond(keys, after, descending))
    if listing.in_index_order:
        labelled = [key.label(f"k{i}") for i, key in enumerate(keys)]
        return db.session.execute(query.add_columns(*labelled).order_by(*_order(keys, descending)).limit(limit)).all()
    ahead = listing.window if listing.window is not None else listing.query
    for search in listing.searches:
        if search.served_by(keys[0]):
            ahead = search.apply(ahead)
    ahead = ahead.with_only_columns(*(key.label(f"k{i}") for i, key in enumerate(keys)), maintain_column_froms=True)
    if after is not None:
        ahead = ahead.where(_beyond(keys, after, descending))
    ahead = ahead.order_by(*_order(keys, descending))
    if db.engine.dialect.name == "postgresql":
        # Join the next WINDOW rows and sort by their keys: PostgreSQL reads
        # them one at a time and stops at `limit` matches.
        window = ahead.limit(WINDOW).subquery("ahead")
        window_keys = [window.c[f"k{i}"] for i in range(len(keys))]
        query = query.join(window, window_keys[-1] == listing.id).add_columns(*window_keys)
        rows = db.session.execute(query.order_by(*_order(window_keys, descending)).limit(limit)).all()
    else:
        # SQLite would sort the whole window first; so ask where the window
        # ends (from the sort index alone) and walk the index up to there.
        end = db.session.execute(ahead.offset(WINDOW - 1).limit(1)).first()
        if end is not None:
            query = query.where(_beyond(keys, end, not descending, inclusive=True))
        labelled = [key.label(f"k{i}") for i, key in enumerate(keys)]
        rows = db.session.execute(query.add_columns(*labelled).order_by(*_order(keys, descending)).limit(limit)).all()
        if end is None:  # the window reached the end of the list: nothing more to find
            return rows
    if len(rows) < limit:
        rows, _ = _found_then_sorted(listing, descending=descending, after=after, limit=limit)
    return rows


def _order(keys: Sequence[ColumnElement], descending: bool) -> list:
    return [key.desc() if descending else key.asc() for key in keys]


def _beyond(keys: Sequence[ColumnElement], values: Sequence, descending: bool, *, inclusive: bool = False):
    """Rows after `values` in the order (`keys` ascending, or descending): one row comparison.

    The first key's own bound comes too, so that SQLite (which compares
    row values but will not seek an expression index with one) reads the
    index from there rather than from its start.
    """
    row, at = tuple_(*keys), tuple_(*values)
    if descending:
        whole = (row <= at) if inclusive else (row < at)
        return and_(keys[0] <= values[0], whole)
    whole = (row >= at) if inclusive else (row > at)
    return and_(keys[0] >= values[0], whole)


# --- keysets in addresses -----------------------------------------------------------


def _encode(values: Sequence) -> str:
    # Moments and dates travel as ISO text; `_decoded` reads them back by the key's type.
    plain = [value.isoformat() if isinstance(value, date) else value for value in values]
    data = json.dumps(plain, ensure_ascii=False, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _cursor_arg(name: str, listing: Listing) -> tuple | None:
    """The keyset in the address's `name` argument if it fits the list's keys, else None."""
    raw = request.args.get(name)
    if not raw or len(raw) > _CURSOR_MAX:
        return None
    try:
        values = json.loads(base64.b64decode(raw + "=" * (-len(raw) % 4), altchars=b"-_", validate=True))
    except (ValueError, binascii.Error, RecursionError):
        return None
    if not isinstance(values, list) or len(values) != len(listing.keys):
        return None
    try:
        return tuple(_decoded(key, value) for key, value in zip(listing.keys, values, strict=True))
    except ValueError:
        return None


def _decoded(key: ColumnElement, value: object):
    """A keyset value as the key's column holds it; ValueError if it could not be one."""
    expected = key.type.python_type
    if expected in (datetime, date):
        if not isinstance(value, str) or len(value) > _DATE_TEXT_MAX:
            raise ValueError("not a date")
        if expected is date:
            return date.fromisoformat(value)
        moment = datetime.fromisoformat(value)
        if moment.tzinfo is None:
            raise ValueError("a moment needs its time zone")
        return moment
    if not _fits(key, value):
        raise ValueError("does not fit the key")
    return value


_DATE_TEXT_MAX = 40  # "2026-11-25T14:00:00.123456+00:00" and then some


def _fits(key: ColumnElement, value: object) -> bool:
    """A value a key's column could hold, safe to send to either database."""
    expected = key.type.python_type
    if expected is int:
        return type(value) is int and -(2**31) <= value <= MAX_ID
    if expected is str:
        if not isinstance(value, str) or len(value) > _TEXT_MAX or "\x00" in value:
            return False
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate, say
            return False
        return True
    return False
