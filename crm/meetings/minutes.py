"""A meeting's minutes as a document: what the printed minutes (and the partner
version of them) hold, gathered in a fixed number of queries whatever the size
of the meeting.

Which version a reader gets is decided in crm/visibility.py (`meeting_access`);
what the partner version leaves out is `in_version` there. This module only
arranges what those let through, in the order UK minutes are written:
attendance by organisation, numbered items with numbered paragraphs (4.1, 4.2),
the actions agreed, matters arising, outcomes and feedback, the next meeting.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from crm.actions.models import Action, ActionStatus
from crm.extensions import db
from crm.formatting import LONDON, paragraphs
from crm.markings import Marking
from crm.meetings.models import AgendaItem, Attendance, AttendanceRole, AttendanceStatus, Feedback, ItemNote, Meeting
from crm.visibility import MinutesVersion, in_version, visible


@dataclass
class Paragraph:
    number: str  # "4.2"
    text: str
    kind: str  # "discussion", "decision" or "note"
    sensitive: bool = False


@dataclass
class Item:
    number: int
    record: AgendaItem
    paragraphs: list[Paragraph] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)


@dataclass
class Attendee:
    name: str  # a person's name, or the organisation's own when it attended as a whole
    role: AttendanceRole
    items: list[int]  # the numbers of the items a guest attended; empty for all


@dataclass
class Minutes:
    meeting: Meeting
    version: MinutesVersion
    present: dict[str, list[Attendee]]  # by organisation name, in order
    apologies: dict[str, list[Attendee]]
    items: list[Item]
    actions: list[Action]
    matters_arising: list[Action]
    feedback: list[Feedback]
    next_meeting: Meeting | None

    @property
    def marking(self) -> Marking:
        """OFFICIAL-SENSITIVE when anything in this version is; the partner version never is."""
        if self.version is MinutesVersion.PARTNER:
            return Marking.OFFICIAL
        sensitive = self.meeting.marking.is_sensitive or any(
            item.record.marking.is_sensitive or any(p.sensitive for p in item.paragraphs) for item in self.items
        )
        return Marking.OFFICIAL_SENSITIVE if sensitive else Marking.OFFICIAL

    @property
    def draft(self) -> bool:
        return not self.meeting.minutes_locked


def minutes_of(meeting: Meeting, version: MinutesVersion, user) -> Minutes:
    """The minutes of `meeting` in `version`, as `user` may read them."""
    items_query = in_version(
        version,
        select(AgendaItem)
        .where(AgendaItem.meeting_id == meeting.id)
        .order_by(AgendaItem.position, AgendaItem.id)
        .options(joinedload(AgendaItem.presenter)),
        AgendaItem,
    )
    records = list(db.session.scalars(items_query))
    # Items keep their numbers in every version, so that "item 4" means the
    # same to everyone; a withheld item leaves a gap rather than a heading.
    numbers = _item_numbers(meeting)
    notes = _notes(records, version)
    actions = list(
        db.session.scalars(
            in_version(
                version,
                select(Action)
                .where(Action.meeting_id == meeting.id)
                .order_by(Action.id)
                .options(joinedload(Action.owner), joinedload(Action.lead)),
                Action,
            )
        )
    )
    actions_by_item = defaultdict(list)
    for action in actions:
        actions_by_item[action.agenda_item_id].append(action)

    items = []
    for record in records:
        number = numbers[record.id]
        item = Item(number, record, actions=actions_by_item.get(record.id, []))
        texts = [(text, "discussion", False) for text in paragraphs(record.discussion)]
        texts += [(text, "decision", False) for text in paragraphs(record.decisions)]
        texts += [(note.text, "note", note.marking.is_sensitive) for note in notes.get(record.id, [])]
        item.paragraphs = [
            Paragraph(f"{number}.{index}", text, kind, sensitive)
            for index, (text, kind, sensitive) in enumerate(texts, 1)
        ]
        items.append(item)

    present, apologies = _attendance(meeting, numbers)
    return Minutes(
        meeting=meeting,
        version=version,
        present=present,
        apologies=apologies,
        items=items,
        actions=actions,
        matters_arising=_matters_arising(meeting, version),
        feedback=_feedback(meeting, version),
        next_meeting=_next_meeting(meeting, user),
    )


def _item_numbers(meeting: Meeting) -> dict[int, int]:
    ids = db.session.scalars(
        select(AgendaItem.id).where(AgendaItem.meeting_id == meeting.id).order_by(AgendaItem.position, AgendaItem.id)
    )
    return {item_id: number for number, item_id in enumerate(ids, 1)}


def _notes(items: list[AgendaItem], version: MinutesVersion) -> dict[int, list[ItemNote]]:
    if not items:
        return {}
    query = in_version(
        version,
        select(ItemNote).where(ItemNote.item_id.in_([item.id for item in items])).order_by(ItemNote.id),
        ItemNote,
    )
    notes = defaultdict(list)
    for note in db.session.scalars(query):
        notes[note.item_id].append(note)
    return notes


def _attendance(meeting: Meeting, numbers: dict[int, int]):
    """Present and apologies, each grouped by organisation (the chair's first, then by name)."""
    rows = db.session.scalars(
        select(Attendance)
        .where(Attendance.meeting_id == meeting.id)
        .options(joinedload(Attendance.organisation), joinedload(Attendance.contact), selectinload(Attendance.items))
        .order_by(Attendance.id)
    )
    groups = {AttendanceStatus.PRESENT: defaultdict(list), AttendanceStatus.APOLOGIES: defaultdict(list)}
    for row in rows:
        if row.status not in groups:
            continue
        name = row.contact.name if row.contact else f"{row.organisation.name} (as an organisation)"
        items = sorted(numbers[item.id] for item in row.items if item.id in numbers)
        groups[row.status][row.organisation.name].append(Attendee(name, row.role, items))

    def ordered(group):
        for attendees in group.values():
            attendees.sort(key=lambda a: (a.role is not AttendanceRole.CHAIR, a.name.lower()))
        return dict(sorted(group.items(), key=lambda pair: pair[0].lower()))

    return ordered(groups[AttendanceStatus.PRESENT]), ordered(groups[AttendanceStatus.APOLOGIES])


def _matters_arising(meeting: Meeting, version: MinutesVersion) -> list[Action]:
    """Actions from earlier meetings of the same series still open: what this meeting followed up."""
    if meeting.series_id is None:
        return []
    earlier = select(Meeting.id).where(Meeting.series_id == meeting.series_id, Meeting.starts_at < meeting.starts_at)
    query = in_version(
        version,
        select(Action)
        .where(Action.meeting_id.in_(earlier), Action.status.in_(ActionStatus.still_open()))
        .order_by(Action.due_on.is_(None), Action.due_on, Action.id)
        .options(joinedload(Action.owner), joinedload(Action.lead), selectinload(Action.updates)),
        Action,
    )
    return list(db.session.scalars(query))


def _feedback(meeting: Meeting, version: MinutesVersion) -> list[Feedback]:
    query = select(Feedback).where(Feedback.meeting_id == meeting.id).order_by(Feedback.id)
    if version is MinutesVersion.PARTNER:
        query = query.where(Feedback.may_publish.is_(True))
    return list(db.session.scalars(query))


def _next_meeting(meeting: Meeting, user) -> Meeting | None:
    if meeting.series_id is None:
        return None
    query = (
        visible(user, Meeting)
        .where(Meeting.series_id == meeting.series_id, Meeting.starts_at > meeting.starts_at)
        .order_by(Meeting.starts_at, Meeting.id)
        .limit(1)
    )
    return db.session.scalar(query)


def filename(meeting: Meeting, version: MinutesVersion) -> str:
    day: datetime = meeting.starts_at.astimezone(LONDON)
    suffix = "" if version is MinutesVersion.FULL else "-partner-version"
    return f"minutes-{day:%Y-%m-%d}-{meeting.title}{suffix}.pdf"
