from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.database import UTCDateTime, utcnow
from crm.enums import LabelledEnum, enum_column
from crm.extensions import db
from crm.records import Tracked


class Role(LabelledEnum):
    STAFF = "staff", "Staff"
    PARTNER = "partner", "Partner"
    ADMIN = "admin", "Admin"


EMAIL_MAX = 254
NAME_MAX = 120


class User(Tracked, UserMixin, db.Model):
    __tablename__ = "users"
    # Secrets never enter history; nor does the time of each sign-in.
    history_exclude = frozenset({"password_hash", "last_login_at", "calendar_nonce", "calendar_token_hash"})
    field_labels: ClassVar[dict[str, str]] = {"contact_id": "Their own contact record"}
    duplicate = ("email", "A user with this email address already exists")

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(EMAIL_MAX), unique=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = enum_column(Role, length=20)
    # A partner user belongs to exactly one organisation; staff and admins to none.
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    # Their own person record, set by admins (a partner's: a contact of its
    # organisation), so that the actions they lead are "my actions".
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"), index=True)
    # The private calendar feed: the address's token is made from the nonce
    # and the app's secret key; only its hash is looked up (crm.calendars).
    calendar_nonce: Mapped[str | None] = mapped_column(String(64))
    calendar_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    organisation: Mapped[Organisation | None] = relationship()  # noqa: F821
    contact: Mapped[Contact | None] = relationship()  # noqa: F821

    # Set at login or when loaded from a session record: Flask-Login keeps
    # this token in the cookie instead of the user's id, so that ending the
    # record ends the login (the "alternative token" pattern).
    session_token = None

    def get_id(self) -> str | None:
        return self.session_token

    @property
    def is_active(self) -> bool:
        """May sign in: not disabled, and a partner only while its organisation is active."""
        if self.disabled_at is not None:
            return False
        if self.role == Role.PARTNER:
            return self.organisation is not None and not self.organisation.is_archived
        return True

    @property
    def is_partner(self) -> bool:
        return self.role == Role.PARTNER

    @property
    def is_staff_or_admin(self) -> bool:
        return self.role in (Role.STAFF, Role.ADMIN)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN


class UserSession(db.Model):
    """One signed-in browser. Deleting the row signs that browser out."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()
