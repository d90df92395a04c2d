from __future__ import annotations

from typing import ClassVar

from sqlalchemy import Column, ForeignKey, Index, String, Table, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.database import Archivable, Timestamps, folded, while_active
from crm.enums import LabelledEnum, enum_column
from crm.extensions import db
from crm.records import Tracked

NAME_MAX = 200
VENUE_MAX = 300
PURPOSE_MAX = 10_000


class Frequency(LabelledEnum):
    MONTHLY = "monthly", "Monthly"
    EVERY_TWO_MONTHS = "every_two_months", "Every two months"
    QUARTERLY = "quarterly", "Quarterly"
    TWICE_A_YEAR = "twice_a_year", "Twice a year"
    ANNUALLY = "annually", "Once a year"
    AS_NEEDED = "as_needed", "When needed"


# Which organisations sit on a series. Their partner users see the series
# and, by the meetings' own rules, its meetings.
series_members = Table(
    "series_members",
    db.metadata,
    Column("series_id", ForeignKey("meeting_series.id", ondelete="CASCADE"), primary_key=True),
    Column("organisation_id", ForeignKey("organisations.id"), primary_key=True, index=True),
)


class MeetingSeries(Tracked, Archivable, Timestamps, db.Model):
    """A standing body that meets again and again: a scrutiny panel, a partnership."""

    __tablename__ = "meeting_series"
    staff_history = True
    history_collections = ("members",)
    duplicate = ("name", "A series with this name already exists")
    field_labels: ClassVar[dict[str, str]] = {"chair_id": "Chair"}
    __table_args__ = (Index("uq_meeting_series_name_lower", text("lower(name)"), unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    purpose: Mapped[str] = mapped_column(Text, default="")
    chair_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"), index=True)
    venue: Mapped[str] = mapped_column(String(VENUE_MAX), default="")
    frequency: Mapped[Frequency | None] = enum_column(Frequency, nullable=True)

    chair: Mapped[Contact | None] = relationship()  # noqa: F821
    members: Mapped[list[Organisation]] = relationship(  # noqa: F821
        secondary=series_members, order_by="Organisation.name"
    )


Index("ix_meeting_series_name_active", folded(MeetingSeries.name), MeetingSeries.id, **while_active(MeetingSeries))
