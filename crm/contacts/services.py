"""Queries and changes for contacts. Services flush, never commit."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, and_, exists, or_
from sqlalchemy.orm import aliased, contains_eager, joinedload

from crm import records
from crm.auth.models import User
from crm.contacts.models import Contact
from crm.database import folded, like_pattern
from crm.extensions import db
from crm.lists import ListFilters, enum_filter, filter_field, text_filter
from crm.organisations.models import Organisation, OrganisationType
from crm.organisations.services import SEARCH_INDEX as ORGANISATION_SEARCH_INDEX
from crm.pagination import Listing
from crm.search import FullText, TextSearch
from crm.visibility import visible


@dataclass(frozen=True)
class ContactFilters(ListFilters):
    """The contacts list: search by name, job title or email; filter by the
    organisation's name and type; sort by name, organisation or job title."""

    organisation: str | None = filter_field(text_filter("organisation", "Organisation"))
    organisation_type: OrganisationType | None = filter_field(
        enum_filter("type", "Organisation type", OrganisationType)
    )

    SORTS = ("name", "organisation", "job_title")


# The SQLite trigram table over the searched columns (migration 0003).
SEARCH_INDEX = FullText(
    "contacts_search",
    Contact.id,
    {"name": Contact.name, "job_title": Contact.job_title, "email": Contact.email},
)


def active() -> list:
    """Conditions for contacts that are neither archived nor at an archived organisation.

    The organisation's side is a NOT EXISTS on the contact's own row, which
    needs no join: joined, with a condition on organisations, SQLite builds
    a Bloom filter over every organisation before it reads the first contact
    of a page (its planner does not weigh the LIMIT).
    """
    archived = aliased(Organisation)
    at_archived_organisation = exists().where(archived.id == Contact.organisation_id, archived.archived_at.is_not(None))
    return [Contact.archived_at.is_(None), ~at_archived_organisation]


def active_contacts(query: Select) -> Select:
    """Contacts in `query` that are neither archived nor at an archived organisation."""
    return query.where(*active())


def list_contacts(user: User, filters: ContactFilters) -> Listing:
    """The contacts list: what `user` may see, matching `filters`, with organisations loaded.

    The organisation is joined only where the sort or a filter needs it;
    otherwise counting and walking read contacts alone, and each page loads
    its rows' organisations with them.
    """
    needs_organisation = bool(filters.sort == "organisation" or filters.organisation_type or filters.organisation)
    select = visible(user, Contact)
    if needs_organisation:
        select = select.join(Contact.organisation)
        loader = contains_eager(Contact.organisation)
    else:
        loader = joinedload(Contact.organisation, innerjoin=True)
    conditions = []
    if filters.organisation_type:
        conditions.append(Organisation.type == filters.organisation_type)
    if not filters.include_archived:
        conditions.extend(active())
        if filters.sort == "organisation":
            # The same rows; said again on the joined organisation so that the
            # sort can read the index of active organisations by name.
            conditions.append(Organisation.archived_at.is_(None))
    searches = []
    if filters.q:
        searches.append(TextSearch(filters.q, SEARCH_INDEX, ("name", "job_title", "email"), prefix=Contact.name))
    if filters.organisation:
        searches.append(
            TextSearch(filters.organisation, ORGANISATION_SEARCH_INDEX, ("name",), prefix=Organisation.name)
        )
    # The contacts in the sort index (and perhaps a few more): how far a searched walk may go.
    window = select
    if not filters.include_archived:
        window = window.where(Contact.archived_at.is_(None))
        if filters.sort == "organisation":
            window = window.where(Organisation.archived_at.is_(None))
    return Listing(
        select,
        keys=sort_keys(filters),
        filters=conditions,
        descending=filters.descending,
        searches=searches,
        options=[loader],
        window=window,
    )


def contacts_of(user: User, organisation: Organisation, filters: ContactFilters) -> list[Contact]:
    """The contacts on an organisation's page (shown even when the organisation is archived)."""
    query = visible(user, Contact).where(Contact.organisation_id == organisation.id)
    query = search_contacts(query, filters).order_by(folded(Contact.name), Contact.id)
    return list(db.session.scalars(query))


def search_contacts(query: Select, filters: ContactFilters) -> Select:
    """One organisation's contacts matching the search box (a handful of rows: no index needed)."""
    if filters.q:
        pattern = like_pattern(filters.q)
        query = query.where(
            or_(
                Contact.name.ilike(pattern, escape="\\"),
                Contact.job_title.ilike(pattern, escape="\\"),
                Contact.email.ilike(pattern, escape="\\"),
            )
        )
    if not filters.include_archived:
        query = query.where(Contact.archived_at.is_(None))
    return query


def sort_keys(filters: ContactFilters) -> tuple:
    """The chosen column, then the name, then the id, so that pages never shuffle (each has its index)."""
    name = folded(Contact.name)
    return {
        "name": (name, Contact.id),
        # By organisation: its name and id (the organisation's own order), then the contact's.
        "organisation": (folded(Organisation.name), Organisation.id, name, Contact.id),
        "job_title": (folded(Contact.job_title), name, Contact.id),
    }[filters.sort]


EDITABLE_FIELDS = ("name", "job_title", "email", "phone", "notes")


def _values(data: dict) -> dict:
    values = {field: data.get(field) or "" for field in EDITABLE_FIELDS}
    values["organisation_id"] = int(data["organisation_id"])
    return values


def create_contact(data: dict) -> Contact:
    return records.create(Contact(), _values(data))


def update_contact(contact: Contact, data: dict, *, version: int | None = None) -> bool:
    """Save changes; False if nothing changed."""
    return records.update(contact, _values(data), version=version, noun="contact")


def contact_choices(user: User, include_id: int | None = None) -> list[tuple[str, str]]:
    """People `user` may pick, as (id, "Name, Organisation"): active ones, plus `include_id`."""
    query = (
        visible(user, Contact)
        .join(Contact.organisation)
        .where(or_(and_(*active()), Contact.id == include_id))
        .with_only_columns(Contact.id, Contact.name, Organisation.name)
        .order_by(folded(Contact.name), folded(Organisation.name), Contact.id)
    )
    return [(str(id_), f"{name}, {organisation}") for id_, name, organisation in db.session.execute(query)]
