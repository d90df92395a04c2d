"""Queries and changes for contacts. Services flush, never commit."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func, or_
from sqlalchemy.orm import contains_eager

from crm import records
from crm.auth.models import User
from crm.contacts.models import Contact
from crm.database import like_pattern
from crm.extensions import db
from crm.lists import ListFilters, enum_filter, filter_field, text_filter
from crm.organisations.models import Organisation, OrganisationType
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


def active_contacts(query: Select) -> Select:
    """Contacts in `query` that are neither archived nor at an archived organisation."""
    return query.where(
        Contact.archived_at.is_(None),
        Contact.organisation.has(Organisation.archived_at.is_(None)),
    )


def list_contacts(user: User, filters: ContactFilters) -> Select:
    """The contacts list: what `user` may see, matching `filters`, with organisations loaded."""
    query = visible(user, Contact).join(Contact.organisation).options(contains_eager(Contact.organisation))
    if filters.organisation:
        query = query.where(Organisation.name.ilike(like_pattern(filters.organisation), escape="\\"))
    if filters.organisation_type:
        query = query.where(Organisation.type == filters.organisation_type)
    if not filters.include_archived:
        query = active_contacts(query)
    return search_contacts(query, filters).order_by(*_ordering(filters))


def contacts_of(user: User, organisation: Organisation, filters: ContactFilters) -> list[Contact]:
    """The contacts on an organisation's page (shown even when the organisation is archived)."""
    query = visible(user, Contact).where(Contact.organisation_id == organisation.id)
    query = search_contacts(query, filters).order_by(func.lower(Contact.name), Contact.id)
    return list(db.session.scalars(query))


def search_contacts(query: Select, filters: ContactFilters) -> Select:
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


def _ordering(filters: ContactFilters) -> list:
    """The chosen column, then name, then id, so that pages never shuffle."""
    column = {
        "name": func.lower(Contact.name),
        "organisation": func.lower(Organisation.name),
        "job_title": func.lower(Contact.job_title),
    }[filters.sort]
    primary = column.desc() if filters.descending else column.asc()
    return [primary, func.lower(Contact.name), Contact.id]


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
