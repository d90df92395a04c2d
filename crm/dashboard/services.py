"""What the dashboard summarises. Every count goes through the visibility helpers."""

from __future__ import annotations

from sqlalchemy import func, select

from crm.auth.models import User
from crm.contacts.models import Contact
from crm.contacts.services import active_contacts
from crm.extensions import db
from crm.organisations.models import Organisation
from crm.organisations.services import counts_by_type
from crm.visibility import visible


def summary(user: User) -> dict:
    organisations = visible(user, Organisation)
    active_organisations = organisations.where(Organisation.archived_at.is_(None))
    contacts = active_contacts(visible(user, Contact))
    recent = db.session.scalars(
        active_organisations.order_by(Organisation.updated_at.desc(), Organisation.id.desc()).limit(5)
    ).all()
    return {
        "organisation_count": db.session.scalar(select(func.count()).select_from(active_organisations.subquery())),
        "contact_count": db.session.scalar(select(func.count()).select_from(contacts.subquery())),
        "by_type": counts_by_type(organisations),
        "recent_organisations": recent,
    }
