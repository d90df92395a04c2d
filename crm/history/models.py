from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from crm.database import UTCDateTime, utcnow
from crm.extensions import db

ACTION_MAX = 20
FIELD_MAX = 60


class HistoryEntry(db.Model):
    """One changed field of one record in one save.

    One row per field, holding the raw stored value (for a reference, the
    referenced id; labels are drawn when read), so that removing a person's
    data later can rewrite their values in earlier rows with one query. Rows
    written by the same save share `change_key`.
    """

    __tablename__ = "history"
    __table_args__ = (Index("ix_history_record", "record_type", "record_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    change_key: Mapped[str] = mapped_column(String(32))
    record_type: Mapped[str] = mapped_column(String(50))
    record_id: Mapped[int] = mapped_column()
    action: Mapped[str] = mapped_column(String(ACTION_MAX))
    field: Mapped[str] = mapped_column(String(FIELD_MAX))
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
