"""Who may see and change what: the one place that decides.

Every list, detail page, search, export and PDF loads its records through
these helpers. Views never filter by organisation themselves. A record
outside a user's scope does not exist for that user (404); a record in scope
that the user may not change answers 403.
"""

from __future__ import annotations

from flask import abort
from sqlalchemy import Select, false, select

from crm.auth.models import Role, User
from crm.contacts.models import Contact
from crm.extensions import db
from crm.organisations.models import Organisation


def visible_organisations(user: User) -> Select[tuple[Organisation]]:
    query = select(Organisation)
    if user.role in (Role.ADMIN, Role.STAFF):
        return query
    if user.role == Role.PARTNER and user.organisation_id is not None:
        return query.where(Organisation.id == user.organisation_id)
    return query.where(false())


def visible_contacts(user: User) -> Select[tuple[Contact]]:
    query = select(Contact)
    if user.role in (Role.ADMIN, Role.STAFF):
        return query
    if user.role == Role.PARTNER and user.organisation_id is not None:
        return query.where(Contact.organisation_id == user.organisation_id)
    return query.where(false())


def get_visible_organisation(user: User, organisation_id: int) -> Organisation:
    organisation = db.session.scalar(visible_organisations(user).where(Organisation.id == organisation_id))
    if organisation is None:
        abort(404)
    return organisation


def get_visible_contact(user: User, contact_id: int) -> Contact:
    contact = db.session.scalar(visible_contacts(user).where(Contact.id == contact_id))
    if contact is None:
        abort(404)
    return contact


def can_change_partners(user: User) -> bool:
    """Organisations and contacts are kept by staff and admins."""
    return user.role in (Role.ADMIN, Role.STAFF)


def can_see_staff_notes(user: User) -> bool:
    """Notes on organisations and contacts are the area's own, never a partner's."""
    return user.role in (Role.ADMIN, Role.STAFF)


def require_change_partners(user: User) -> None:
    if not can_change_partners(user):
        abort(403)


def require_admin(user: User) -> None:
    if user.role != Role.ADMIN:
        abort(403)
