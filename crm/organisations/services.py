"""Queries and changes for organisations. Services flush, never commit."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, case, func, or_, select

from crm import records
from crm.auth.models import User
from crm.contacts.models import Contact
from crm.database import like_pattern
from crm.extensions import db
from crm.lists import ListFilters, enum_filter, filter_field
from crm.organisations.models import Organisation, OrganisationType
from crm.visibility import visible


@dataclass(frozen=True)
class OrganisationFilters(ListFilters):
    """The organisations list: search by name or area, filter by type, sort by name, type or area."""

    type: OrganisationType | None = filter_field(enum_filter("type", "Type", OrganisationType))

    SORTS = ("name", "type", "area")


def list_organisations(user: User, filters: OrganisationFilters) -> Select:
    return filter_organisations(visible(user, Organisation), filters)


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
        visible(user, Contact)
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


def squash_spaces(text: str) -> str:
    """Names as one line with single spaces: "  Bedfordshire  Police " is "Bedfordshire Police"."""
    return " ".join(text.split())


def name_taken(name: str, *, exclude_id: int | None = None) -> bool:
    query = select(Organisation.id).where(func.lower(Organisation.name) == squash_spaces(name).lower())
    if exclude_id is not None:
        query = query.where(Organisation.id != exclude_id)
    return db.session.scalar(query.limit(1)) is not None


def check_name_free(name: str, *, exclude_id: int | None = None) -> None:
    if name_taken(name, exclude_id=exclude_id):
        field, message = Organisation.duplicate
        raise records.Duplicate(message, field)


def organisation_choices(user: User, include_id: int | None = None) -> list[tuple[str, str]]:
    """Organisations `user` may pick, as (id, name): active ones, plus `include_id` even if archived."""
    query = visible(user, Organisation).where(or_(Organisation.archived_at.is_(None), Organisation.id == include_id))
    rows = db.session.execute(
        query.with_only_columns(Organisation.id, Organisation.name).order_by(func.lower(Organisation.name))
    )
    return [(str(id_), name) for id_, name in rows]


EDITABLE_FIELDS = ("name", "type", "area", "address", "website", "phone", "notes")


def _values(data: dict) -> dict:
    """The model's values from a form's data: names squashed, blanks as empty text."""
    values = {field: data.get(field) or "" for field in EDITABLE_FIELDS}
    values["name"] = squash_spaces(values["name"])
    values["type"] = OrganisationType(values["type"])
    return values


def create_organisation(data: dict) -> Organisation:
    values = _values(data)
    check_name_free(values["name"])
    return records.create(Organisation(), values)


def update_organisation(organisation: Organisation, data: dict, *, version: int | None = None) -> bool:
    """Save changes; False if nothing changed."""
    values = _values(data)
    check_name_free(values["name"], exclude_id=organisation.id)
    return records.update(organisation, values, version=version, noun="organisation")


def counts_by_type(query: Select) -> list[tuple[OrganisationType, int]]:
    """How many active organisations of each type are in `query`."""
    subquery = query.where(Organisation.archived_at.is_(None)).subquery()
    rows = db.session.execute(select(subquery.c.type, func.count()).group_by(subquery.c.type)).all()
    counts = dict(rows)
    return [(t, counts[t]) for t in OrganisationType if counts.get(t)]
