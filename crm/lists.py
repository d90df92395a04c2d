"""Lists in one shape: what a list was asked for, read safely from the query string.

Each list declares a `ListFilters` subclass: its sort columns (the first is
the default) and any filters of its own, each a `Filter` that knows how to
read itself from the query string and write itself back. The base gives the
search box, "include archived", sorting, the arguments for pagination and
sort links (defaults left out, so addresses stay clean), `aria-sort`, and a
description of the filters in force for the "selected filters" line.

The templates' side is `templates/_macros/lists.html`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from datetime import date
from typing import Any, ClassVar

from crm.pagination import MAX_ID

SEARCH_MAX = 100


@dataclass(frozen=True)
class Filter:
    """One filter of a list: its query-string name, its label, how to read and write it."""

    arg: str
    label: str
    parse: Callable[[str | None], Any]
    dump: Callable[[Any], str] = str
    describe: Callable[[Any], str] = str


def enum_filter(arg: str, label: str, enum_class) -> Filter:
    return Filter(arg, label, parse=enum_class.parse, dump=lambda v: v.value, describe=lambda v: v.label)


def text_filter(arg: str, label: str) -> Filter:
    return Filter(arg, label, parse=lambda raw: (raw or "").strip()[:SEARCH_MAX] or None)


def id_filter(arg: str, label: str, describe: Callable[[int], str] = str) -> Filter:
    def parse(raw):
        return int(raw) if raw and raw.isdigit() and 1 <= int(raw) <= MAX_ID else None

    return Filter(arg, label, parse=parse, describe=describe)


def _uk_date(raw: str | None) -> date | None:
    """A filter date as people type it: 27/3/2026 or 2026-03-27."""
    raw = (raw or "").strip()
    for separator, order in (("/", "dmy"), ("-", "ymd")):
        parts = raw.split(separator)
        if len(parts) == 3 and all(part.isascii() and part.isdigit() for part in parts):
            values = dict(zip(order, map(int, parts), strict=True))
            try:
                return date(values["y"], values["m"], values["d"])
            except ValueError:
                return None
    return None


def date_filter(arg: str, label: str) -> Filter:
    return Filter(
        arg,
        label,
        parse=_uk_date,
        dump=lambda value: f"{value.day}/{value.month}/{value.year}",
        describe=lambda value: f"{value.day} {value:%B %Y}",
    )


def filter_field(spec: Filter):
    """A dataclass field holding one `Filter`'s value (None: not filtered)."""
    return field(default=None, metadata={"filter": spec})


@dataclass(frozen=True)
class ListFilters:
    q: str = ""
    include_archived: bool = False
    sort: str = ""
    descending: bool = False

    # The columns the list sorts by, the default first.
    SORTS: ClassVar[tuple[str, ...]] = ("name",)
    # Filters shown as tabs above the list (upcoming or past meetings, say):
    # the tabs say which is chosen, so the "selected filters" line leaves them
    # out, and clearing the filters keeps them.
    TABS: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def from_args(cls, args):
        sort = args.get("sort", "")
        values = {
            spec.name: spec.metadata["filter"].parse(args.get(spec.metadata["filter"].arg))
            for spec in cls._filter_fields()
        }
        return cls(
            q=args.get("q", "").strip()[:SEARCH_MAX],
            include_archived=args.get("archived") == "include",
            sort=sort if sort in cls.SORTS else cls.SORTS[0],
            descending=args.get("order") == "desc",
            **values,
        )

    @classmethod
    def _filter_fields(cls):
        return [spec for spec in fields(cls) if "filter" in spec.metadata]

    def chosen(self) -> list[tuple[str, Filter, Any]]:
        """(field name, filter, value) for each list filter in force."""
        return [
            (spec.name, spec.metadata["filter"], getattr(self, spec.name))
            for spec in self._filter_fields()
            if getattr(self, spec.name) is not None
        ]

    @property
    def active(self) -> bool:
        """Anything narrows the list (sorting and tabs do not)."""
        return bool(self.selected())

    def as_args(self, **changes) -> dict:
        """The query-string arguments for this list, with `changes`; defaults left out."""
        values = {
            "q": self.q or None,
            **{spec.arg: spec.dump(value) for _, spec, value in self.chosen()},
            "archived": "include" if self.include_archived else None,
            "sort": self.sort if self.sort != self.SORTS[0] else None,
            "order": "desc" if self.descending else None,
        }
        values.update(changes)
        return {key: value for key, value in values.items() if value is not None}

    def sort_args(self, column: str) -> dict:
        """Arguments for a column heading: sort by it, or reverse it if already sorted by it."""
        reverse = self.sort == column and not self.descending
        return self.as_args(sort=column if column != self.SORTS[0] else None, order="desc" if reverse else None)

    def aria_sort(self, column: str) -> str:
        if self.sort != column:
            return "none"
        return "descending" if self.descending else "ascending"

    def selected(self) -> list[dict]:
        """Each filter in force with the arguments that remove it, for the "selected filters" line."""
        items = []
        if self.q:
            items.append({"label": "Search", "value": f"“{self.q}”", "args": self.without(q="")})
        for name, spec, value in self.chosen():
            if name not in self.TABS:
                items.append({"label": spec.label, "value": spec.describe(value), "args": self.without(**{name: None})})
        if self.include_archived:
            items.append({"label": "Including", "value": "archived", "args": self.without(include_archived=False)})
        return items

    def cleared_args(self) -> dict:
        """No filters, the same sort and tab."""
        tabs = {name: getattr(self, name) for name in self.TABS}
        return type(self)(sort=self.sort, descending=self.descending, **tabs).as_args()

    def without(self, **changes) -> dict:
        return replace(self, **changes).as_args()
