from __future__ import annotations

from datetime import date, datetime
from typing import ClassVar

from sqlalchemy import ColumnElement, Date, ForeignKey, Index, Integer, String, Text, func, literal_column
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.database import Timestamps, UTCDateTime, folded, trigram_indexes, utcnow
from crm.enums import LabelledEnum, enum_column
from crm.extensions import db
from crm.records import Audience, Tracked

REFERENCE_MAX = 20
TITLE_MAX = 300
DESCRIPTION_MAX = 10_000
UPDATE_MAX = 2_000
NOTES_MAX = 5_000
REASON_MAX = 2_000
# An action with no due date sorts after every dated one, on both databases.
NO_DUE_DATE = "9999-12-31"


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

    @classmethod
    def closed(cls) -> list[ActionStatus]:
        return [cls.COMPLETED, cls.CANCELLED]


class ActionPriority(LabelledEnum):
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


# Partners read the history of these fields on their own actions (DESIGN 6.4);
# the rest (staff lead, staff notes, where it was agreed) is the area's own.
PARTNER_FIELDS = ("title", "description", "lead_id", "status", "due_on", "priority")


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
        "staff_lead_id": "Staff lead",
        "staff_notes": "Staff notes",
    }
    history_audience: ClassVar[dict[str, Audience]] = dict.fromkeys(PARTNER_FIELDS, Audience.PARTNER)
    # When progress was last said: bookkeeping for the RAG rating, not a change to show.
    history_exclude = frozenset({"last_update_at"})

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
    priority: Mapped[ActionPriority] = enum_column(
        ActionPriority, default=ActionPriority.MEDIUM, server_default=ActionPriority.MEDIUM.value
    )
    # The member of staff who chases it (a user); the lead is the partner's person.
    staff_lead_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    staff_notes: Mapped[str] = mapped_column(Text, default="", server_default="")
    # The last time anyone said how it is going (created, progress, a status
    # change, a request): "no update for 30 days" turns it amber.
    last_update_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    owner: Mapped[Organisation] = relationship()  # noqa: F821
    staff_lead: Mapped[User | None] = relationship()  # noqa: F821
    lead: Mapped[Contact | None] = relationship()  # noqa: F821
    meeting: Mapped[Meeting | None] = relationship()  # noqa: F821
    agenda_item: Mapped[AgendaItem | None] = relationship()  # noqa: F821
    updates: Mapped[list[ActionUpdate]] = relationship(back_populates="action", order_by="ActionUpdate.id")
    requests: Mapped[list[ActionRequest]] = relationship(back_populates="action", order_by="ActionRequest.id")

    @property
    def history_label(self) -> str:
        return f"{self.reference} {self.title}"

    def is_late(self, today: date) -> bool:
        return self.due_on is not None and self.due_on < today and not self.status.is_closed

    @classmethod
    def due_key(cls) -> ColumnElement[date]:
        """The due date as the register sorts it: undated actions last, on both databases."""
        return func.coalesce(cls.due_on, literal_column(f"'{NO_DUE_DATE}'", Date))


_OUTSTANDING = Action.status.in_([status.value for status in ActionStatus.still_open()])
_STILL_OPEN = {"sqlite_where": _OUTSTANDING, "postgresql_where": _OUTSTANDING}
Index("ix_actions_owner_status_due", Action.owner_id, Action.status, Action.due_on, Action.id)
Index("ix_actions_meeting", Action.meeting_id, Action.id)
Index("ix_actions_status_due", Action.status, Action.due_on, Action.id)
# The register: one index per sort, the outstanding ones (its default view) apart.
Index("ix_actions_due", Action.due_key(), Action.id)
Index("ix_actions_outstanding_due", Action.due_key(), Action.id, **_STILL_OPEN)
Index("ix_actions_outstanding_stale", Action.last_update_at, Action.id, **_STILL_OPEN)
Index("ix_actions_owner_due", Action.owner_id, Action.due_key(), Action.id)
Index("ix_actions_staff_lead_due", Action.staff_lead_id, Action.due_key(), Action.id)
Index("ix_actions_reference", Action.reference, Action.id)
Index("ix_actions_title", folded(Action.title), Action.id)
Index("ix_actions_updated", Action.updated_at, Action.id)
# The dashboards (migration 0006). The RAG counts and "overdue by organisation",
# read from the index alone: the due date as sorted, then what the rule and
# the count read. PostgreSQL reads an expression from an index only when the
# column under it is there too, hence due_on last.
Index("ix_actions_rag", Action.status, Action.due_key(), Action.last_update_at, Action.owner_id, Action.due_on)
Index("ix_actions_owner_rag", Action.owner_id, Action.status, Action.due_key(), Action.last_update_at, Action.due_on)
# A partner's "recently updated" (and its register sorted by last change).
Index("ix_actions_owner_updated", Action.owner_id, Action.updated_at, Action.id)
trigram_indexes(Action.title, Action.reference)


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
    meeting: Mapped[Meeting | None] = relationship()  # noqa: F821


class RequestKind(LabelledEnum):
    COMPLETION = "completion", "Completion"
    NEW_DATE = "new_date", "New due date"


class RequestStatus(LabelledEnum):
    PENDING = "pending", "Waiting for a decision"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"


class ActionRequest(Tracked, db.Model):
    """A partner asking staff to accept its action as completed, or to move its
    due date, with a reason; staff approve or decline (send back), with theirs."""

    __tablename__ = "action_requests"
    staff_history = True
    field_labels: ClassVar[dict[str, str]] = {
        "proposed_due_on": "Proposed due date",
        "decided_by_id": "Decided by",
    }
    history_audience: ClassVar[dict[str, Audience]] = dict.fromkeys(
        ("kind", "reason", "proposed_due_on", "status", "answer"), Audience.PARTNER
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"))
    kind: Mapped[RequestKind] = enum_column(RequestKind)
    # What was done (completion), or why more time is needed (a new date).
    reason: Mapped[str] = mapped_column(Text, default="")
    proposed_due_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[RequestStatus] = enum_column(RequestStatus, default=RequestStatus.PENDING)
    answer: Mapped[str] = mapped_column(Text, default="")
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    action: Mapped[Action] = relationship(back_populates="requests")
    requested_by: Mapped[User | None] = relationship(foreign_keys=[requested_by_id])  # noqa: F821
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])  # noqa: F821

    @property
    def history_label(self) -> str:
        return f"{self.kind.label} request"


Index("ix_action_requests_action", ActionRequest.action_id, ActionRequest.id)
# Staff's "waiting for a decision", oldest first, read from the pending ones alone.
_PENDING = ActionRequest.status == RequestStatus.PENDING.value
Index(
    "ix_action_requests_pending",
    ActionRequest.created_at,
    ActionRequest.id,
    sqlite_where=_PENDING,
    postgresql_where=_PENDING,
)
# A partner's "answered in the last 30 days", latest first (migration 0006).
Index("ix_action_requests_decided", ActionRequest.decided_at, ActionRequest.id)


class ReferenceCounter(db.Model):
    """The last number handed out per prefix and year ("A-2026"), so that
    references run in order and are never reused."""

    __tablename__ = "reference_counters"

    prefix: Mapped[str] = mapped_column(String(REFERENCE_MAX), primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)
