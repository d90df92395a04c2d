"""Queries and changes for organisations. Services flush, never commit."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, String, func, or_, select, type_coerce

from crm import records
from crm.auth.models import User
from crm.contacts.models import Contact
from crm.database import folded
from crm.extensions import db
from crm.lists import ListFilters, enum_filter, filter_field
from crm.organisations.models import Organisation, OrganisationType
from crm.pagination import Listing, capped
from crm.search import FullText, TextSearch
from crm.visibility import visible


@dataclass(frozen=True)
class OrganisationFilters(ListFilters):
    """The organisations list: search by name or area, filter by type, sort by name, type or area."""

    type: OrganisationType | None = filter_field(enum_filter("type", "Type", OrganisationType))

    SORTS = ("name", "type", "area")


# The SQLite trigram table over the searched columns (migration 0003).
SEARCH_INDEX = FullText("organisations_search", Organisation.id, {"name": Organisation.name, "area": Organisation.area})


def named_like(user: User, text: str) -> Select:
    """The ids of the organisations `user` may see whose name has `text` in it
    (or starts with it, under three characters), through the search indexes:
    for a list filtered by an organisation's name as typed."""
    named = TextSearch(text, SEARCH_INDEX, ("name",), prefix=Organisation.name)
    return named.apply(visible(user, Organisation).with_only_columns(Organisation.id))


def list_organisations(user: User, filters: OrganisationFilters) -> Listing:
    conditions = []
    if filters.type:
        conditions.append(Organisation.type == filters.type)
    if not filters.include_archived:
        conditions.append(Organisation.archived_at.is_(None))
    searches = [TextSearch(filters.q, SEARCH_INDEX, ("name", "area"), prefix=Organisation.name)] if filters.q else []
    return Listing(
        visible(user, Organisation),
        keys=sort_keys(filters),
        filters=conditions,
        descending=filters.descending,
        searches=searches,
    )


def sort_keys(filters: OrganisationFilters) -> tuple:
    """The chosen column, then the name, then the id, so that pages never shuffle.

    Each has its index (migration 0003). Types sort by value, which is the
    order of their labels (a test keeps it so), so that an index serves it.
    """
    name = folded(Organisation.name)
    return {
        "name": (name, Organisation.id),
        "type": (type_coerce(Organisation.type, String), name, Organisation.id),
        "area": (folded(Organisation.area), name, Organisation.id),
    }[filters.sort]


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
    """How many active organisations of each type are in `query`, each counted only up to CAP + 1.

    One statement of capped counts, each read in order from the index on
    (type, name, id) of active organisations, so that each stops at CAP + 1.
    """
    active = query.where(Organisation.archived_at.is_(None))
    in_order = (Organisation.type, folded(Organisation.name), Organisation.id)
    counts = [capped(active.where(Organisation.type == t).order_by(*in_order)).label(t.value) for t in OrganisationType]
    row = db.session.execute(select(*counts)).one()
    return [(t, count) for t, count in zip(OrganisationType, row, strict=True) if count]
