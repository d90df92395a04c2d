"""Passwords, sign-in and server-side sessions. Services flush, never commit."""

from __future__ import annotations

import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from sqlalchemy import delete, func, select
from sqlalchemy.orm import joinedload

from crm import records
from crm.auth.models import Role, User, UserSession
from crm.database import utcnow
from crm.extensions import db

# argon2id with the library's defaults (RFC 9106 low-memory profile).
_hasher = PasswordHasher()

# Verified against when no account matches, so that a wrong email takes as
# long as a wrong password and the two cannot be told apart by timing.
_DUMMY_HASH = _hasher.hash("not a real password")

PASSWORD_MIN = 12
PASSWORD_MAX = 128


def normalise_email(email: str) -> str:
    return email.strip().lower()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_matches(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None for any failure."""
    user = find_user_by_email(email)
    if user is None:
        password_matches(_DUMMY_HASH, password)
        return None
    if not password_matches(user.password_hash, password):
        return None
    if not user.is_active:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def create_user(
    *,
    email: str,
    name: str,
    password: str,
    role: Role,
    organisation_id: int | None = None,
) -> User:
    if find_user_by_email(email) is not None:
        field, message = User.duplicate
        raise records.Duplicate(message, field)
    values = {
        "email": normalise_email(email),
        "name": " ".join(name.split()),
        "password_hash": hash_password(password),
        "role": role,
        "organisation_id": organisation_id if role == Role.PARTNER else None,
    }
    return records.create(User(), values)


def start_session(user: User) -> str:
    """Record a new signed-in session for `user` and return its token."""
    now = utcnow()
    token = secrets.token_urlsafe(32)
    hours = current_app.config["CRM_SESSION_HOURS"]
    db.session.add(
        UserSession(
            token=token,
            user_id=user.id,
            created_at=now,
            expires_at=now + timedelta(hours=hours),
        )
    )
    user.last_login_at = now
    user.session_token = token
    # Tidy as we go: this user's sessions that have run out are of no use.
    db.session.execute(delete(UserSession).where(UserSession.user_id == user.id, UserSession.expires_at <= now))
    db.session.flush()
    return token


def user_for_session(token: str) -> User | None:
    """The user signed in with this token, if the session is live and the account active."""
    record = db.session.scalar(
        select(UserSession)
        .where(UserSession.token == token)
        .options(joinedload(UserSession.user).joinedload(User.organisation))
    )
    if record is None or record.expires_at <= utcnow():
        return None
    user = record.user
    if not user.is_active:
        return None
    user.session_token = token
    return user


def change_password(user: User, current_password: str, new_password: str) -> bool:
    """Change `user`'s password if `current_password` is right, and sign out their other sessions."""
    if not password_matches(user.password_hash, current_password):
        return False
    user.password_hash = hash_password(new_password)
    db.session.execute(
        delete(UserSession).where(UserSession.user_id == user.id, UserSession.token != user.session_token)
    )
    db.session.flush()
    return True


def end_session(token: str | None) -> None:
    if token:
        db.session.execute(delete(UserSession).where(UserSession.token == token))


def end_all_sessions(user: User) -> None:
    db.session.execute(delete(UserSession).where(UserSession.user_id == user.id))
