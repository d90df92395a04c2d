"""User administration. Services flush, never commit."""

from __future__ import annotations

from sqlalchemy import select

from crm.auth import services as auth_services
from crm.auth.models import Role, User
from crm.database import utcnow
from crm.extensions import db


def list_users(page: int, per_page: int):
    query = select(User).order_by(User.disabled_at.is_not(None), User.name)
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


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
