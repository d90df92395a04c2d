from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from sqlalchemy import (
    Boolean,
    Column,
    ColumnElement,
    ForeignKey,
    Index,
    Integer,
    Select,
    String,
    Table,
    Text,
    UniqueConstraint,
    or_,
    select,
    union,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.database import Timestamps, UTCDateTime, folded, trigram_indexes
from crm.enums import LabelledEnum, enum_column
from crm.extensions import db
from crm.markings import Marking
from crm.records import Tracked
from crm.series.models import series_members

TITLE_MAX = 200
VENUE_MAX = 300
HEADCOUNT_NOTE_MAX = 120
HEADCOUNT_LIMIT = 100_000
SUMMARY_MAX = 10_000
MINUTES_MAX = 50_000
NOTE_MAX = 5_000
QUOTE_MAX = 5_000
ATTRIBUTION_MAX = 200
REASON_MAX = 1_000


class MeetingKind(LabelledEnum):
    PARTNERSHIP_MEETING = "partnership_meeting", "Partnership meeting"
    SCRUTINY_PANEL = "scrutiny_panel", "Scrutiny panel"
    WORKSHOP = "workshop", "Workshop"
    CONFERENCE = "conference", "Conference"
    VISIT = "visit", "Visit"
    COMMUNITY_EVENT = "community_event", "Community event"
    CONSULTATION = "consultation", "Consultation"


class MeetingStatus(LabelledEnum):
    """The lifecycle, in order. Partners see a meeting's details from the start,
    its agenda once published, and the partner version of its minutes once circulated."""

    PLANNED = "planned", "Planned"
    AGENDA_PUBLISHED = "agenda_published", "Agenda published"
    HELD = "held", "Held"
    MINUTES_DRAFT = "minutes_draft", "Minutes in draft"
    CIRCULATED = "circulated", "Minutes circulated"
    APPROVED = "approved", "Minutes approved"

    @property
    def rank(self) -> int:
        return list(MeetingStatus).index(self)

    def reached(self, step: MeetingStatus) -> bool:
        return self.rank >= step.rank

    @classmethod
    def from_step(cls, step: MeetingStatus) -> list[MeetingStatus]:
        """`step` and every later one, for queries."""
        return [status for status in cls if status.rank >= step.rank]


class AttendanceStatus(LabelledEnum):
    PRESENT = "present", "Present"
    APOLOGIES = "apologies", "Apologies"
    ABSENT = "absent", "Absent"


class AttendanceRole(LabelledEnum):
    CHAIR = "chair", "Chair"
    MEMBER = "member", "Member"
    SECRETARIAT = "secretariat", "Secretariat or minute-taker"
    PRESENTER = "presenter", "Presenter"
    GUEST = "guest", "Guest"


# The organisations a meeting involves besides its series' members and those
# who attended: the partners a visit or a conference was run with.
meeting_organisations = Table(
    "meeting_organisations",
    db.metadata,
    Column("meeting_id", ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True),
    Column("organisation_id", ForeignKey("organisations.id"), primary_key=True, index=True),
)

# The items a guest attended, when not all of them ("attending items 4 and 5").
attendance_items = Table(
    "attendance_items",
    db.metadata,
    Column("attendance_id", ForeignKey("attendances.id", ondelete="CASCADE"), primary_key=True),
    Column("agenda_item_id", ForeignKey("agenda_items.id", ondelete="CASCADE"), primary_key=True, index=True),
)


# Which of the groups at increased risk of exclusion an engagement reached (its reach).
meeting_groups = Table(
    "meeting_groups",
    db.metadata,
    Column("meeting_id", ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True),
    Column("group_id", ForeignKey("exclusion_groups.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Meeting(Tracked, Timestamps, db.Model):
    """One engagement: a panel meeting, a workshop, a conference, a visit."""

    __tablename__ = "meetings"
    staff_history = True
    history_collections = ("organisations", "groups_reached")
    field_labels: ClassVar[dict[str, str]] = {
        "series_id": "Series",
        "groups_reached": "Groups reached",
        "starts_at": "Starts",
        "ends_at": "Ends",
        "online": "Online",
        "headcount_note": "Who the headcount counts",
        "staff_notes": "Staff notes",
        "approved_by_id": "Approved by",
        "reopen_reason": "Reason for reopening",
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    series_id: Mapped[int | None] = mapped_column(ForeignKey("meeting_series.id"))
    kind: Mapped[MeetingKind] = enum_column(MeetingKind)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    venue: Mapped[str] = mapped_column(String(VENUE_MAX), default="")
    online: Mapped[bool] = mapped_column(Boolean, default=False)
    summary: Mapped[str] = mapped_column(Text, default="")
    headcount: Mapped[int | None] = mapped_column(Integer)
    headcount_note: Mapped[str] = mapped_column(String(HEADCOUNT_NOTE_MAX), default="")
    marking: Mapped[Marking] = enum_column(Marking, default=Marking.OFFICIAL)
    status: Mapped[MeetingStatus] = enum_column(MeetingStatus, default=MeetingStatus.PLANNED)
    outcomes: Mapped[str] = mapped_column(Text, default="")
    staff_notes: Mapped[str] = mapped_column(Text, default="")
    circulated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reopen_reason: Mapped[str] = mapped_column(Text, default="")

    series: Mapped[MeetingSeries | None] = relationship()  # noqa: F821
    organisations: Mapped[list[Organisation]] = relationship(  # noqa: F821
        secondary=meeting_organisations, order_by="Organisation.name"
    )
    approved_by: Mapped[User | None] = relationship()  # noqa: F821
    groups_reached: Mapped[list[ExclusionGroup]] = relationship(  # noqa: F821
        secondary=meeting_groups, order_by="ExclusionGroup.position, ExclusionGroup.name"
    )

    @property
    def history_label(self) -> str:
        return self.title

    @property
    def minutes_locked(self) -> bool:
        """Approved minutes are the record: changing them needs "reopen" with a reason."""
        return self.status is MeetingStatus.APPROVED

    @classmethod
    def involving(cls, organisations: int | Select) -> ColumnElement[bool]:
        """Meetings an organisation is involved in (or any of a query's organisations):
        named on the meeting, a member of its series, or with anyone on its
        attendance (apologies included)."""

        if isinstance(organisations, Select):
            # Many organisations (a name typed in a filter) are involved in many
            # meetings: walk the list's sorted index and test each meeting.
            return or_(
                cls.id.in_(
                    select(meeting_organisations.c.meeting_id).where(
                        meeting_organisations.c.organisation_id.in_(organisations)
                    )
                ),
                cls.series_id.in_(
                    select(series_members.c.series_id).where(series_members.c.organisation_id.in_(organisations))
                ),
                cls.id.in_(select(Attendance.meeting_id).where(Attendance.organisation_id.in_(organisations))),
            )
        # One organisation (a partner's own, above all) is involved in few: one IN
        # over the union of the three ways in lets the database start from those
        # and sort them, where the OR above would test the whole index row by row.
        series_meetings = cls.__table__.alias("series_meetings")  # not the outer query's meetings
        return cls.id.in_(
            union(
                select(meeting_organisations.c.meeting_id).where(
                    meeting_organisations.c.organisation_id == organisations
                ),
                select(series_meetings.c.id)
                .join(series_members, series_members.c.series_id == series_meetings.c.series_id)
                .where(series_members.c.organisation_id == organisations),
                select(Attendance.meeting_id).where(Attendance.organisation_id == organisations),
            )
        )


# The list sorts by date (and title); filters by series, kind and status lean on these.
Index("ix_meetings_starts", Meeting.starts_at, Meeting.id)
Index("ix_meetings_title", folded(Meeting.title), Meeting.id)
Index("ix_meetings_series_starts", Meeting.series_id, Meeting.starts_at, Meeting.id)
Index("ix_meetings_status_starts", Meeting.status, Meeting.starts_at, Meeting.id)
Index("ix_meetings_kind_starts", Meeting.kind, Meeting.starts_at, Meeting.id)
Index("ix_meetings_circulated", Meeting.circulated_at, Meeting.id)
trigram_indexes(Meeting.title)


class Attendance(Tracked, db.Model):
    """Who came: a person (a contact) or a whole organisation, and in what role."""

    __tablename__ = "attendances"
    staff_history = True
    history_collections = ("items",)
    field_labels: ClassVar[dict[str, str]] = {"contact_id": "Person", "organisation_id": "Organisation"}
    __table_args__ = (UniqueConstraint("meeting_id", "contact_id", name="uq_attendances_meeting_contact"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    # None when the organisation attended as a whole ("40 volunteers").
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"), index=True)
    status: Mapped[AttendanceStatus] = enum_column(AttendanceStatus, default=AttendanceStatus.PRESENT)
    role: Mapped[AttendanceRole] = enum_column(AttendanceRole, default=AttendanceRole.MEMBER)

    meeting: Mapped[Meeting] = relationship()
    organisation: Mapped[Organisation] = relationship()  # noqa: F821
    contact: Mapped[Contact | None] = relationship()  # noqa: F821
    # Empty: all of the meeting.
    items: Mapped[list[AgendaItem]] = relationship(secondary=attendance_items, order_by="AgendaItem.position")

    @property
    def history_label(self) -> str:
        return self.contact.name if self.contact else self.organisation.name


Index("ix_attendances_meeting", Attendance.meeting_id, Attendance.id)
# An organisation attends as a whole at most once per meeting.
Index(
    "uq_attendances_meeting_whole_organisation",
    Attendance.meeting_id,
    Attendance.organisation_id,
    unique=True,
    sqlite_where=Attendance.contact_id.is_(None),
    postgresql_where=Attendance.contact_id.is_(None),
)
Index("ix_attendances_organisation_meeting", Attendance.organisation_id, Attendance.meeting_id)


class AgendaItem(Tracked, db.Model):
    """One numbered item, with its minutes: the discussion and the decisions."""

    __tablename__ = "agenda_items"
    staff_history = True
    field_labels: ClassVar[dict[str, str]] = {"presenter_id": "Presenter"}

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    presenter_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"))
    discussion: Mapped[str] = mapped_column(Text, default="")
    decisions: Mapped[str] = mapped_column(Text, default="")
    marking: Mapped[Marking] = enum_column(Marking, default=Marking.OFFICIAL)

    meeting: Mapped[Meeting] = relationship()
    presenter: Mapped[Contact | None] = relationship()  # noqa: F821
    notes: Mapped[list[ItemNote]] = relationship(
        back_populates="item", order_by="ItemNote.id", cascade="all, delete-orphan"
    )

    @property
    def history_label(self) -> str:
        return self.title


Index("ix_agenda_items_meeting", AgendaItem.meeting_id, AgendaItem.position)


class ItemNote(Tracked, db.Model):
    """A note within an item's minutes that can carry its own marking."""

    __tablename__ = "item_notes"
    staff_history = True

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("agenda_items.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    marking: Mapped[Marking] = enum_column(Marking, default=Marking.OFFICIAL)

    item: Mapped[AgendaItem] = relationship(back_populates="notes")


class Feedback(Tracked, Timestamps, db.Model):
    """What a partner or delegate said about the work, attributed to a role."""

    __tablename__ = "feedback"
    staff_history = True
    field_labels: ClassVar[dict[str, str]] = {"may_publish": "May be published"}

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    quote: Mapped[str] = mapped_column(Text)
    # A role and a body, never a name: "Chair, Domestic Abuse Scrutiny Panel".
    attribution: Mapped[str] = mapped_column(String(ATTRIBUTION_MAX), default="")
    may_publish: Mapped[bool] = mapped_column(Boolean, default=False)

    meeting: Mapped[Meeting] = relationship()
