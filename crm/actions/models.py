from __future__ import annotations

from datetime import date, datetime
from typing import ClassVar

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.database import Timestamps, UTCDateTime, utcnow
from crm.enums import LabelledEnum, enum_column
from crm.extensions import db
from crm.records import Tracked

REFERENCE_MAX = 20
TITLE_MAX = 300
DESCRIPTION_MAX = 10_000
UPDATE_MAX = 2_000


class ActionStatus(LabelledEnum):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"

    @property
    def is_closed(self) -> bool:
        return self in (ActionStatus.COMPLETED, ActionStatus.CANCELLED)

    @classmethod
    def still_open(cls) -> list[ActionStatus]:
        return [cls.OPEN, cls.IN_PROGRESS]


class Action(Tracked, Timestamps, db.Model):
    """Something a partner agreed to do, with a reference that never changes (A-2026-014)."""

    __tablename__ = "actions"
    staff_history = True
    field_labels: ClassVar[dict[str, str]] = {
        "owner_id": "Owner organisation",
        "lead_id": "Lead person",
        "due_on": "Due date",
        "meeting_id": "Agreed at",
        "agenda_item_id": "Agenda item",
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(REFERENCE_MAX), unique=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    description: Mapped[str] = mapped_column(Text, default="")
    owner_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"), index=True)
    due_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[ActionStatus] = enum_column(ActionStatus, default=ActionStatus.OPEN)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"))
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_items.id"), index=True)

    owner: Mapped[Organisation] = relationship()  # noqa: F821
    lead: Mapped[Contact | None] = relationship()  # noqa: F821
    meeting: Mapped[Meeting | None] = relationship()  # noqa: F821
    agenda_item: Mapped[AgendaItem | None] = relationship()  # noqa: F821
    updates: Mapped[list[ActionUpdate]] = relationship(back_populates="action", order_by="ActionUpdate.id")

    @property
    def history_label(self) -> str:
        return f"{self.reference} {self.title}"

    def is_late(self, today: date) -> bool:
        return self.due_on is not None and self.due_on < today and not self.status.is_closed


Index("ix_actions_owner_status_due", Action.owner_id, Action.status, Action.due_on, Action.id)
Index("ix_actions_meeting", Action.meeting_id, Action.id)
Index("ix_actions_status_due", Action.status, Action.due_on, Action.id)


class ActionUpdate(db.Model):
    """A line of progress on an action, as said at a meeting or posted by its owner."""

    __tablename__ = "action_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text, default="")
    # The status the action moved to with this update, if it moved.
    status: Mapped[ActionStatus | None] = enum_column(ActionStatus, nullable=True)
    # The meeting whose matters arising recorded it, if any.
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    action: Mapped[Action] = relationship(back_populates="updates")
    author: Mapped[User | None] = relationship()  # noqa: F821


class ReferenceCounter(db.Model):
    """The last number handed out per prefix and year ("A-2026"), so that
    references run in order and are never reused."""

    __tablename__ = "reference_counters"

    prefix: Mapped[str] = mapped_column(String(REFERENCE_MAX), primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)
