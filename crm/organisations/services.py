"""Queries and changes for organisations. Services flush, never commit."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, case, func, or_, select

from crm.auth.models import User
from crm.contacts.models import Contact
from crm.database import like_pattern
from crm.extensions import db
from crm.organisations.models import Organisation, OrganisationType
from crm.visibility import visible_contacts, visible_organisations

SEARCH_MAX = 100


@dataclass(frozen=True)
class OrganisationFilters:
    """What the organisations list was asked for, read safely from the query string."""

    q: str = ""
    type: OrganisationType | None = None
    include_archived: bool = False
    sort: str = "name"
    descending: bool = False

    SORTS = ("name", "type", "area")

    @classmethod
    def from_args(cls, args) -> OrganisationFilters:
        raw_type = args.get("type", "")
        try:
            org_type = OrganisationType(raw_type) if raw_type else None
        except ValueError:
            org_type = None
        sort = args.get("sort", "name")
        return cls(
            q=args.get("q", "").strip()[:SEARCH_MAX],
            type=org_type,
            include_archived=args.get("archived") == "include",
            sort=sort if sort in cls.SORTS else "name",
            descending=args.get("order") == "desc",
        )

    @property
    def active(self) -> bool:
        return bool(self.q or self.type or self.include_archived)

    def as_args(self, **changes) -> dict:
        """The query-string arguments for this list, with `changes`; defaults left out."""
        values = {
            "q": self.q or None,
            "type": self.type.value if self.type else None,
            "archived": "include" if self.include_archived else None,
            "sort": self.sort if self.sort != "name" else None,
            "order": "desc" if self.descending else None,
        }
        values.update(changes)
        return {key: value for key, value in values.items() if value is not None}

    def sort_args(self, column: str) -> dict:
        """Arguments for a column heading: sort by it, or reverse it if already sorted by it."""
        reverse = self.sort == column and not self.descending
        return self.as_args(sort=column if column != "name" else None, order="desc" if reverse else None)

    def aria_sort(self, column: str) -> str:
        if self.sort != column:
            return "none"
        return "descending" if self.descending else "ascending"


def list_organisations(user: User, filters: OrganisationFilters) -> Select:
    return filter_organisations(visible_organisations(user), filters)


def filter_organisations(query: Select, filters: OrganisationFilters) -> Select:
    if filters.q:
        pattern = like_pattern(filters.q)
        query = query.where(
            or_(
                Organisation.name.ilike(pattern, escape="\\"),
                Organisation.area.ilike(pattern, escape="\\"),
            )
        )
    if filters.type:
        query = query.where(Organisation.type == filters.type)
    if not filters.include_archived:
        query = query.where(Organisation.archived_at.is_(None))
    return query.order_by(*_ordering(filters))


def _ordering(filters: OrganisationFilters) -> list:
    """Sort by the chosen column, then by name, then id, so pages never shuffle."""
    by_type_label = case({t: t.label for t in OrganisationType}, value=Organisation.type, else_="")
    column = {
        "name": func.lower(Organisation.name),
        "type": by_type_label,
        "area": func.lower(Organisation.area),
    }[filters.sort]
    primary = column.desc() if filters.descending else column.asc()
    return [primary, func.lower(Organisation.name), Organisation.id]


def contact_counts(user: User, organisation_ids: list[int]) -> dict[int, int]:
    """Active contacts per organisation that `user` may see, in one query for a whole page."""
    if not organisation_ids:
        return {}
    contacts = (
        visible_contacts(user)
        .where(Contact.organisation_id.in_(organisation_ids), Contact.archived_at.is_(None))
        .subquery()
    )
    rows = db.session.execute(select(contacts.c.organisation_id, func.count()).group_by(contacts.c.organisation_id))
    return dict(rows.all())


def partner_user_count(organisation: Organisation) -> int:
    """Partner logins that belong to `organisation` and still work."""
    return db.session.scalar(
        select(func.count())
        .select_from(User)
        .where(User.organisation_id == organisation.id, User.disabled_at.is_(None))
    )


def name_taken(name: str, *, exclude_id: int | None = None) -> bool:
    query = select(Organisation.id).where(func.lower(Organisation.name) == name.strip().lower())
    if exclude_id is not None:
        query = query.where(Organisation.id != exclude_id)
    return db.session.scalar(query.limit(1)) is not None


def organisation_choices(include_id: int | None = None) -> list[tuple[str, str]]:
    """Active organisations as (id, name) choices, plus `include_id` even if archived."""
    query = select(Organisation.id, Organisation.name).where(
        or_(Organisation.archived_at.is_(None), Organisation.id == include_id)
    )
    rows = db.session.execute(query.order_by(func.lower(Organisation.name)))
    return [(str(id_), name) for id_, name in rows]


EDITABLE_FIELDS = ("name", "type", "area", "address", "website", "phone", "notes")


def _apply(organisation: Organisation, data: dict) -> None:
    for field in EDITABLE_FIELDS:
        value = data.get(field)
        if field == "type":
            value = OrganisationType(value)
        setattr(organisation, field, value if value is not None else "")


def create_organisation(data: dict) -> Organisation:
    organisation = Organisation()
    _apply(organisation, data)
    db.session.add(organisation)
    db.session.flush()
    return organisation


def update_organisation(organisation: Organisation, data: dict) -> None:
    _apply(organisation, data)
    db.session.flush()


def archive_organisation(organisation: Organisation) -> None:
    organisation.archive()
    db.session.flush()


def restore_organisation(organisation: Organisation) -> None:
    organisation.restore()
    db.session.flush()


def counts_by_type(query: Select) -> list[tuple[OrganisationType, int]]:
    """How many active organisations of each type are in `query`."""
    subquery = query.where(Organisation.archived_at.is_(None)).subquery()
    rows = db.session.execute(select(subquery.c.type, func.count()).group_by(subquery.c.type)).all()
    counts = dict(rows)
    return [(t, counts[t]) for t in OrganisationType if counts.get(t)]
