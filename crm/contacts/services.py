"""Queries and changes for contacts. Services flush, never commit."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func, or_
from sqlalchemy.orm import joinedload

from crm.auth.models import User
from crm.contacts.models import Contact
from crm.database import like_pattern
from crm.extensions import db
from crm.organisations.models import Organisation
from crm.visibility import visible_contacts

SEARCH_MAX = 100


@dataclass(frozen=True)
class ContactFilters:
    q: str = ""
    include_archived: bool = False

    @classmethod
    def from_args(cls, args) -> ContactFilters:
        return cls(
            q=args.get("q", "").strip()[:SEARCH_MAX],
            include_archived=args.get("archived") == "include",
        )

    @property
    def active(self) -> bool:
        return bool(self.q or self.include_archived)


def active_contacts(query: Select) -> Select:
    """Contacts in `query` that are neither archived nor at an archived organisation."""
    return query.where(
        Contact.archived_at.is_(None),
        Contact.organisation.has(Organisation.archived_at.is_(None)),
    )


def list_contacts(user: User, filters: ContactFilters) -> Select:
    """The contacts list: what `user` may see, matching `filters`, with organisations loaded."""
    query = filter_contacts(visible_contacts(user), filters).options(joinedload(Contact.organisation))
    return query if filters.include_archived else active_contacts(query)


def contacts_of(user: User, organisation: Organisation, filters: ContactFilters) -> list[Contact]:
    """The contacts on an organisation's page (shown even when the organisation is archived)."""
    query = visible_contacts(user).where(Contact.organisation_id == organisation.id)
    return list(db.session.scalars(filter_contacts(query, filters)))


def filter_contacts(query: Select, filters: ContactFilters) -> Select:
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
    return query.order_by(func.lower(Contact.name), Contact.id)


EDITABLE_FIELDS = ("name", "job_title", "email", "phone", "notes")


def _apply(contact: Contact, data: dict) -> None:
    for field in EDITABLE_FIELDS:
        setattr(contact, field, data.get(field) or "")
    contact.organisation_id = int(data["organisation_id"])


def create_contact(data: dict) -> Contact:
    contact = Contact()
    _apply(contact, data)
    db.session.add(contact)
    db.session.flush()
    return contact


def update_contact(contact: Contact, data: dict) -> None:
    _apply(contact, data)
    db.session.flush()


def archive_contact(contact: Contact) -> None:
    contact.archive()
    db.session.flush()


def restore_contact(contact: Contact) -> None:
    contact.restore()
    db.session.flush()
