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
        select(User)
        .options(joinedload(User.organisation))
        .order_by(User.disabled_at.is_not(None), User.name, User.id)
    )


def email_taken(email: str) -> bool:
    return auth_services.find_user_by_email(email) is not None


def update_user(user: User, *, name: str, role: Role, organisation_id: int | None) -> None:
    changed_scope = user.role != role or user.organisation_id != organisation_id
    user.name = name
    user.role = role
    user.organisation_id = organisation_id if role == Role.PARTNER else None
    if changed_scope:
        # What the user may see has changed: sign them out everywhere so that
        # no open page keeps the old view.
        auth_services.end_all_sessions(user)
    db.session.flush()


def disable_user(user: User) -> None:
    user.disabled_at = utcnow()
    auth_services.end_all_sessions(user)
    db.session.flush()


def enable_user(user: User) -> None:
    user.disabled_at = None
    db.session.flush()
