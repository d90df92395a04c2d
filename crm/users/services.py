"""User administration. Services flush, never commit."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from crm.auth import services as auth_services
from crm.auth.models import Role, User
from crm.database import utcnow
from crm.extensions import db


def users_query():
    """Every user, active ones first, with their organisations in the same query."""
    return (
        select(User).options(joinedload(User.organisation)).order_by(User.disabled_at.is_not(None), User.name, User.id)
    )


class ChangeRefused(Exception):
    """A change an admin may not make; the message says why, in the user's words."""


def email_taken(email: str, *, exclude: User | None = None) -> bool:
    found = auth_services.find_user_by_email(email)
    return found is not None and found is not exclude


def update_user(
    acting: User,
    user: User,
    *,
    name: str,
    email: str,
    role: Role,
    organisation_id: int | None,
    new_password: str | None = None,
) -> None:
    if user.id == acting.id and role != Role.ADMIN:
        raise ChangeRefused("You cannot remove your own admin role. Ask another admin.")
    organisation_id = organisation_id if role == Role.PARTNER else None
    changed_scope = user.role != role or user.organisation_id != organisation_id
    user.name = name
    user.email = auth_services.normalise_email(email)
    user.role = role
    user.organisation_id = organisation_id
    if new_password:
        user.password_hash = auth_services.hash_password(new_password)
    if changed_scope or new_password:
        # What the user may see, or how they sign in, has changed: sign them
        # out everywhere so that no open page keeps the old view.
        auth_services.end_all_sessions(user)
    db.session.flush()


def disable_user(acting: User, user: User) -> None:
    if user.id == acting.id:
        raise ChangeRefused("You cannot disable your own account.")
    user.disabled_at = utcnow()
    auth_services.end_all_sessions(user)
    db.session.flush()


def enable_user(user: User) -> None:
    user.disabled_at = None
    db.session.flush()
