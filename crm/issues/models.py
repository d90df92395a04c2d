from __future__ import annotations

from datetime import date
from typing import ClassVar

from sqlalchemy import Column, Date, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.actions.models import REFERENCE_MAX
from crm.database import Timestamps, folded, trigram_indexes
from crm.enums import LabelledEnum, enum_column
from crm.extensions import db
from crm.markings import Marking
from crm.records import Tracked

TITLE_MAX = 300
DESCRIPTION_MAX = 10_000
OUTCOME_MAX = 10_000
AREA_MAX = 200
EVENT_MAX = 300


class IssueStatus(LabelledEnum):
    RAISED = "raised", "Raised"
    UNDER_REVIEW = "under_review", "Under review"
    ACTION_AGREED = "action_agreed", "Action agreed"
    ADDRESSED = "addressed", "Addressed"
    CLOSED = "closed", "Closed"

    @property
    def is_open(self) -> bool:
        return self not in (IssueStatus.ADDRESSED, IssueStatus.CLOSED)

    @classmethod
    def still_open(cls) -> list[IssueStatus]:
        return [status for status in cls if status.is_open]


class IssuePriority(LabelledEnum):
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


def _link_table(name: str, column: str, target: str) -> Table:
    """An issue's many-to-many link to `target`, readable from either side."""
    return Table(
        name,
        db.metadata,
        Column("issue_id", ForeignKey("community_issues.id", ondelete="CASCADE"), primary_key=True),
        Column(column, ForeignKey(f"{target}.id", ondelete="CASCADE"), primary_key=True, index=True),
    )


issue_categories = _link_table("community_issue_categories", "category_id", "issue_categories")
issue_groups = _link_table("community_issue_groups", "group_id", "exclusion_groups")
issue_meetings = _link_table("community_issue_meetings", "meeting_id", "meetings")
issue_actions = _link_table("community_issue_actions", "action_id", "actions")


class CommunityIssue(Tracked, Timestamps, db.Model):
    """A concern raised by or for a community (CI-2026-007): what it is about, whom
    it affects, where it came from, and what was done about it."""

    __tablename__ = "community_issues"
    staff_history = True
    history_collections = ("categories", "groups", "meetings", "actions")
    field_labels: ClassVar[dict[str, str]] = {
        "raised_on": "Raised on",
        "meeting_id": "Raised at",
        "agenda_item_id": "Agenda item",
        "raised_by_id": "Raised by",
        "event": "Event",
        "marking": "Protective marking",
        "groups": "Groups affected",
        "meetings": "Linked meetings",
        "actions": "Linked actions",
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(REFERENCE_MAX), unique=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    description: Mapped[str] = mapped_column(Text, default="")
    area: Mapped[str] = mapped_column(String(AREA_MAX), default="")
    raised_on: Mapped[date] = mapped_column(Date)
    # Where it came from: a meeting (and its agenda item), a partner, an event; any of them.
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"), index=True)
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_items.id"), index=True)
    raised_by_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    event: Mapped[str] = mapped_column(String(EVENT_MAX), default="")
    priority: Mapped[IssuePriority] = enum_column(IssuePriority, default=IssuePriority.MEDIUM)
    status: Mapped[IssueStatus] = enum_column(IssueStatus, default=IssueStatus.RAISED)
    marking: Mapped[Marking] = enum_column(Marking, default=Marking.OFFICIAL)
    # What changed because of it: the "we did" of "you said, we did".
    outcome: Mapped[str] = mapped_column(Text, default="")

    meeting: Mapped[Meeting | None] = relationship()  # noqa: F821
    agenda_item: Mapped[AgendaItem | None] = relationship()  # noqa: F821
    raised_by: Mapped[Organisation | None] = relationship()  # noqa: F821
    categories: Mapped[list[IssueCategory]] = relationship(  # noqa: F821
        secondary=issue_categories, order_by="IssueCategory.position, IssueCategory.name"
    )
    groups: Mapped[list[ExclusionGroup]] = relationship(  # noqa: F821
        secondary=issue_groups, order_by="ExclusionGroup.position, ExclusionGroup.name"
    )
    meetings: Mapped[list[Meeting]] = relationship(  # noqa: F821
        secondary=issue_meetings, order_by="Meeting.starts_at"
    )
    actions: Mapped[list[Action]] = relationship(secondary=issue_actions, order_by="Action.id")  # noqa: F821

    @property
    def history_label(self) -> str:
        return f"{self.reference} {self.title}"


# The register: raised latest first by default; by status, by who raised it; by title.
Index("ix_community_issues_raised", CommunityIssue.raised_on, CommunityIssue.id)
Index("ix_community_issues_status_raised", CommunityIssue.status, CommunityIssue.raised_on, CommunityIssue.id)
Index("ix_community_issues_raised_by", CommunityIssue.raised_by_id, CommunityIssue.raised_on, CommunityIssue.id)
Index("ix_community_issues_title", folded(CommunityIssue.title), CommunityIssue.id)
Index("ix_community_issues_updated", CommunityIssue.updated_at, CommunityIssue.id)
trigram_indexes(CommunityIssue.title, CommunityIssue.reference)
