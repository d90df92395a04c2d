from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from crm.database import UTCDateTime, utcnow
from crm.extensions import db

KEY_MAX = 400
EMAIL_MAX = 254
SUBJECT_MAX = 300


class OutboxMessage(db.Model):
    """One email, written once, sent from here (DESIGN 6.12).

    `key` says what the message is (recipient, kind, the record it is about
    and, for a digest, the Europe/London day) and is unique: a second run,
    or a second server, that would write the same message finds it there.
    A failed send stays unsent, with its error, and the next run retries it;
    `claimed_at` marks a row a sender has taken, so that two senders never
    send one row twice.
    """

    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(KEY_MAX), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    recipient: Mapped[str] = mapped_column(String(EMAIL_MAX))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    # What it is about, e.g. ("actions", 12), or ("organisations", 3) for a digest.
    record_type: Mapped[str] = mapped_column(String(50), default="")
    record_id: Mapped[int | None] = mapped_column(Integer)
    day: Mapped[date | None] = mapped_column(Date)
    subject: Mapped[str] = mapped_column(String(SUBJECT_MAX))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_error: Mapped[str] = mapped_column(Text, default="", server_default="")


# The sender reads the unsent ones, oldest first.
_UNSENT = OutboxMessage.sent_at.is_(None)
Index("ix_outbox_unsent", OutboxMessage.id, sqlite_where=_UNSENT, postgresql_where=_UNSENT)
