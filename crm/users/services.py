"""User administration. Services flush, never commit."""

from __future__ import annotations

from sqlalchemy import case, select
from sqlalchemy.orm import joinedload

from crm import records
from crm.auth import services as auth_services
from crm.auth.models import Role, User
from crm.contacts.models import Contact
from crm.database import utcnow
from crm.extensions import db
from crm.pagination import Listing
from crm.security import log_event


def users_listing() -> Listing:
    """Every user, active ones first, then by name, with their organisations in the same query."""
    disabled = case((User.disabled_at.is_(None), 0), else_=1)
    return Listing(select(User), keys=(disabled, User.name, User.id), options=[joinedload(User.organisation)])


def email_taken(email: str, *, exclude: User | None = None) -> bool:
    found = auth_services.find_user_by_email(email)
    return found is not None and found is not exclude


def check_email_free(email: str, *, exclude: User | None = None) -> None:
    if email_taken(email, exclude=exclude):
        field, message = User.duplicate
        raise records.Duplicate(message, field)


def update_user(
    acting: User,
    user: User,
    *,
    name: str,
    email: str,
    role: Role,
    organisation_id: int | None,
    contact_id: int | type[Ellipsis] | None = ...,
    new_password: str | None = None,
    version: int | None = None,
) -> bool:
    """Save an admin's changes to `user`; False if nothing changed. `contact_id`
    (their own person record; left as it is when not given) must be at the
    partner user's own organisation (DESIGN 6.11)."""
    if user.id == acting.id and role != Role.ADMIN:
        raise records.Refused("You cannot remove your own admin role. Ask another admin.", "role")
    check_email_free(email, exclude=user)
    before = (user.role, user.organisation_id)
    values = {
        "name": name.strip(),
        "email": auth_services.normalise_email(email),
        "role": role,
        "organisation_id": organisation_id if role == Role.PARTNER else None,
    }
    if contact_id is not ...:
        _check_contact(contact_id, values["organisation_id"], role)
        values["contact_id"] = contact_id
    changed = records.update(user, values, version=version, noun="user")
    if new_password:
        user.password_hash = auth_services.hash_password(new_password)
        changed = True
    if (user.role, user.organisation_id) != before:
        log_event("role_changed", subject_id=user.id, role=user.role.value, organisation_id=user.organisation_id)
    if (user.role, user.organisation_id) != before or new_password:
        # What the user may see, or how they sign in, has changed: sign them
        # out everywhere so that no open page keeps the old view.
        auth_services.end_all_sessions(user)
    return changed


def _check_contact(contact_id: int | None, organisation_id: int | None, role: Role) -> None:
    if contact_id is None:
        return
    contact_organisation = db.session.scalar(select(Contact.organisation_id).where(Contact.id == contact_id))
    if contact_organisation is None:
        raise records.Refused("Select the person from the list", "contact_id")
    if role == Role.PARTNER and contact_organisation != organisation_id:
        raise records.Refused("A partner user’s contact record must be at its own organisation", "contact_id")


def disable_user(acting: User, user: User) -> None:
    if user.id == acting.id:
        raise records.Refused("You cannot disable your own account.")
    if user.disabled_at is None:
        records.update(user, {"disabled_at": utcnow()})
        log_event("account_disabled", subject_id=user.id)
    auth_services.end_all_sessions(user)


def enable_user(user: User) -> None:
    if user.disabled_at is not None:
        records.update(user, {"disabled_at": None})
        log_event("account_enabled", subject_id=user.id)
