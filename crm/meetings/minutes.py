"""A meeting's minutes as a printed document: what the meeting page shows of
its agenda, matters arising and outcomes (`services.minutes_of`, the same
gathering in the same fixed number of queries), with what only the print adds:
attendance by organisation, every action agreed in one table, the next
meeting, and the document's marking and draft state.

Which version a reader gets is decided in crm/visibility.py (`meeting_access`);
what the partner version leaves out is `in_version` there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from crm.actions.models import Action
from crm.auth.models import User
from crm.extensions import db
from crm.formatting import LONDON
from crm.markings import Marking
from crm.meetings import services
from crm.meetings.models import AttendanceRole, AttendanceStatus, Meeting
from crm.visibility import MeetingAccess, MinutesVersion, visible


@dataclass
class Attendee:
    name: str  # a person's name, or the organisation's own when it attended as a whole
    role: AttendanceRole
    items: list[int]  # the numbers of the items a guest attended; empty for all of them


@dataclass
class PrintedMinutes:
    meeting: Meeting
    version: MinutesVersion
    content: services.Minutes  # items, matters arising, feedback, outcomes
    present: dict[str, list[Attendee]]  # by organisation name, in order
    apologies: dict[str, list[Attendee]]
    next_meeting: Meeting | None

    @property
    def actions(self) -> list[Action]:
        """Every action agreed at the meeting that this version holds, in the order agreed."""
        return sorted((action for view in self.content.items for action in view.actions), key=lambda a: a.id)

    @property
    def marking(self) -> Marking:
        """OFFICIAL-SENSITIVE when anything in this version is; the partner version never is."""
        if self.version is MinutesVersion.PARTNER:
            return Marking.OFFICIAL
        sensitive = self.meeting.marking.is_sensitive or any(
            view.item.marking.is_sensitive or any(note.marking.is_sensitive for note in view.notes)
            for view in self.content.items
        )
        return Marking.OFFICIAL_SENSITIVE if sensitive else Marking.OFFICIAL

    @property
    def draft(self) -> bool:
        return not self.meeting.minutes_locked


def printed_minutes(meeting: Meeting, version: MinutesVersion, user: User) -> PrintedMinutes:
    """The minutes of `meeting` in `version`, as `user` may read them."""
    access = MeetingAccess(agenda=True, minutes=True, version=version)
    content = services.minutes_of(user, meeting, access)
    numbers = {view.item.id: view.number for view in content.items}
    present, apologies = _attendance(meeting, numbers)
    return PrintedMinutes(meeting, version, content, present, apologies, _next_meeting(meeting, user))


def _attendance(meeting: Meeting, shown: dict[int, int]):
    """Present and apologies, each by organisation, in the order the meeting page shows them.

    A guest's items are named only when this version shows them: a withheld
    item is not named here either."""
    attendance = services.attendance_of(meeting)
    present: dict[str, list[Attendee]] = {}
    apologies: dict[str, list[Attendee]] = {}
    for group in attendance.groups:
        for row in group.rows:
            target = {AttendanceStatus.PRESENT: present, AttendanceStatus.APOLOGIES: apologies}.get(row.status)
            if target is None:
                continue
            name = row.contact.name if row.contact else f"{group.organisation.name} (as an organisation)"
            items = sorted(shown[item.id] for item in row.items if item.id in shown)
            target.setdefault(group.organisation.name, []).append(Attendee(name, row.role, items))
    return present, apologies


def _next_meeting(meeting: Meeting, user: User) -> Meeting | None:
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
