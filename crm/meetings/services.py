"""Queries and changes for meetings and their lifecycle. Services flush, never commit."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from flask import abort
from flask_login import current_user
from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from crm import records
from crm.actions import services as action_services
from crm.actions.models import Action, ActionStatus, ActionUpdate
from crm.auth.models import User
from crm.contacts.models import Contact
from crm.contacts.services import active as active_contact
from crm.database import folded, like_pattern, utcnow
from crm.extensions import db
from crm.formatting import LONDON, paragraphs
from crm.forms import parse_time
from crm.lists import Filter, ListFilters, date_filter, enum_filter, filter_field, id_filter, text_filter
from crm.markings import Marking
from crm.meetings.models import (
    AgendaItem,
    Attendance,
    AttendanceRole,
    AttendanceStatus,
    Feedback,
    ItemNote,
    Meeting,
    MeetingKind,
    MeetingStatus,
)
from crm.organisations.models import Organisation
from crm.organisations.services import named_like, organisation_choices
from crm.pagination import Listing
from crm.reference.models import ExclusionGroup
from crm.reference.services import entries_by_ids
from crm.search import FullText, TextSearch
from crm.series.models import MeetingSeries
from crm.visibility import (
    MeetingAccess,
    MinutesVersion,
    in_version,
    meeting_access,
    name_if_visible,
    visible,
    with_minutes,
)

# --- the list ------------------------------------------------------------------


def _series_name(series_id: int) -> str:
    """How a series filter reads, if the signed-in user may see that series."""
    return name_if_visible(current_user, MeetingSeries.name, series_id, "a series you cannot see")


def _organisation_name(organisation_id: int) -> str:
    """How an organisation filter reads, if the signed-in user may see that organisation."""
    return name_if_visible(current_user, Organisation.name, organisation_id, "an organisation you cannot see")


# The SQLite trigram table over meeting titles (migration 0004).
SEARCH_INDEX = FullText("meetings_search", Meeting.id, {"title": Meeting.title})

# Upcoming meetings are the default view; past and all are asked for.
PERIODS = {"upcoming": "Upcoming", "past": "Past", "all": "All dates"}


@dataclass(frozen=True)
class MeetingFilters(ListFilters):
    """The meetings list: upcoming or past; by series, kind, status, organisation
    involved and dates; sorted by date (soonest first upcoming, latest first past) or title."""

    when: str | None = filter_field(
        Filter("when", "Showing", parse=lambda raw: raw if raw in ("past", "all") else None, describe=PERIODS.get)
    )
    series: int | None = filter_field(id_filter("series", "Series", describe=_series_name))
    kind: MeetingKind | None = filter_field(enum_filter("kind", "Kind", MeetingKind))
    status: MeetingStatus | None = filter_field(enum_filter("status", "Status", MeetingStatus))
    organisation: int | None = filter_field(id_filter("organisation", "Organisation", describe=_organisation_name))
    # Typed in the panel: meetings involving any organisation whose name has this in it.
    organisation_name: str | None = filter_field(text_filter("org", "Organisation name"))
    date_from: date | None = filter_field(date_filter("from", "From"))
    date_to: date | None = filter_field(date_filter("to", "To"))

    SORTS = ("date", "title")
    TABS = ("when",)  # upcoming, past or all dates

    @property
    def period(self) -> str:
        return self.when or "upcoming"

    def aria_sort(self, column: str) -> str:
        if column == "date" and self.sort == "date":
            return "descending" if self.latest_first else "ascending"
        return super().aria_sort(column)

    @property
    def latest_first(self) -> bool:
        """Upcoming meetings read forwards from today, the rest backwards; a reversed sort reverses that."""
        return (self.period != "upcoming") != self.descending


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=LONDON).astimezone(UTC)


def list_meetings(user: User, filters: MeetingFilters, *, now: datetime | None = None) -> Listing:
    now = now or utcnow()
    conditions = []
    if filters.period == "upcoming":
        conditions.append(Meeting.starts_at >= now - timedelta(hours=12))
    elif filters.period == "past":
        conditions.append(Meeting.starts_at < now)
    if filters.series:
        conditions.append(Meeting.series_id == filters.series)
    if filters.kind:
        conditions.append(Meeting.kind == filters.kind)
    if filters.status:
        conditions.append(Meeting.status == filters.status)
    if filters.organisation:
        conditions.append(Meeting.involving(filters.organisation))
    if filters.organisation_name:
        conditions.append(Meeting.involving(named_like(user, filters.organisation_name)))
    if filters.date_from:
        conditions.append(Meeting.starts_at >= _start_of(filters.date_from))
    if filters.date_to:
        conditions.append(Meeting.starts_at < _start_of(filters.date_to + timedelta(days=1)))
    keys = (Meeting.starts_at, Meeting.id) if filters.sort == "date" else (folded(Meeting.title), Meeting.id)
    return Listing(
        visible(user, Meeting),
        keys=keys,
        filters=conditions,
        descending=filters.latest_first if filters.sort == "date" else filters.descending,
        options=(joinedload(Meeting.series),),
        searches=[TextSearch(filters.q, SEARCH_INDEX, ("title",), prefix=Meeting.title)] if filters.q else [],
    )


# --- saving ----------------------------------------------------------------------

EDITABLE_FIELDS = (
    "title",
    "series_id",
    "kind",
    "starts_at",
    "ends_at",
    "venue",
    "online",
    "summary",
    "headcount",
    "headcount_note",
    "marking",
    "staff_notes",
    "group_ids",
)


def london_moment(day: date, at: time) -> datetime:
    """A UK wall-clock time on `day` as a UTC moment (GMT or BST as the day falls)."""
    return datetime.combine(day, at, tzinfo=LONDON).astimezone(UTC)


def values_from_form(data: dict) -> dict:
    """A meeting's values from the meeting form: the date and times become moments."""
    start = parse_time(data.get("start_time"))
    end = parse_time(data.get("end_time"))
    values = {field: data[field] for field in EDITABLE_FIELDS if field in data}
    values["starts_at"] = london_moment(data["day"], start)
    values["ends_at"] = london_moment(data["day"], end) if end else None
    return values


def _values(data: dict) -> dict:
    values = {field: data[field] for field in EDITABLE_FIELDS if field in data}
    for text_field in ("venue", "summary", "headcount_note", "staff_notes"):
        if text_field in values:
            values[text_field] = values[text_field] or ""
    if "kind" in values:
        values["kind"] = MeetingKind(values["kind"])
    if "marking" in values:
        values["marking"] = Marking(values["marking"] or Marking.OFFICIAL)
    if "online" in values:
        values["online"] = bool(values["online"])
    if "series_id" in values:
        values["series_id"] = int(values["series_id"]) if values["series_id"] else None
    if "group_ids" in values:
        values["groups_reached"] = entries_by_ids(ExclusionGroup, values.pop("group_ids"))
    return values


def create_meeting(data: dict, *, organisation_ids=()) -> Meeting:
    values = _values(data)
    if organisation_ids:
        values["organisations"] = list(
            db.session.scalars(select(Organisation).where(Organisation.id.in_(set(organisation_ids))))
        )
    return records.create(Meeting(), values)


def check_unlocked(meeting: Meeting) -> None:
    """Approved minutes are the record: any change needs "Reopen" first."""
    if meeting.minutes_locked:
        raise records.Refused(
            "The minutes of this meeting are approved, so they cannot be changed. "
            "Reopen the minutes, giving a reason, to change them."
        )


def update_meeting(meeting: Meeting, data: dict, *, version: int | None = None) -> bool:
    check_unlocked(meeting)
    values = _values(data)
    reached = values.get("groups_reached")
    # A collection compares by its members, not their order.
    if reached is not None and {group.id for group in reached} == {group.id for group in meeting.groups_reached}:
        del values["groups_reached"]
    return records.update(meeting, values, version=version, noun="meeting")


# --- the lifecycle ------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One move along the lifecycle, as a button on the meeting page."""

    name: str
    to: MeetingStatus
    button: str
    done: str  # what the page says afterwards


STEPS = {
    "publish-agenda": Step(
        "publish-agenda", MeetingStatus.AGENDA_PUBLISHED, "Publish the agenda", "Agenda published to partners."
    ),
    "held": Step("held", MeetingStatus.HELD, "Record that the meeting was held", "Meeting recorded as held."),
    "draft": Step("draft", MeetingStatus.MINUTES_DRAFT, "Start the minutes", "The minutes are in draft."),
    "circulate": Step(
        "circulate",
        MeetingStatus.CIRCULATED,
        "Circulate the minutes",
        "Minutes circulated: partners involved can now read the partner version.",
    ),
    "approve": Step(
        "approve", MeetingStatus.APPROVED, "Record approval of the minutes", "Minutes approved and locked."
    ),
}

# Which steps each status allows next.
NEXT_STEPS = {
    MeetingStatus.PLANNED: ("publish-agenda", "held"),
    MeetingStatus.AGENDA_PUBLISHED: ("held",),
    MeetingStatus.HELD: ("draft",),
    MeetingStatus.MINUTES_DRAFT: ("circulate",),
    MeetingStatus.CIRCULATED: ("approve",),
    MeetingStatus.APPROVED: (),
}


def next_steps(meeting: Meeting) -> list[Step]:
    return [STEPS[name] for name in NEXT_STEPS[meeting.status]]


def take_step(meeting: Meeting, name: str, user: User, *, version: int | None = None, now: datetime | None = None):
    """Move `meeting` along its lifecycle by the step called `name`."""
    now = now or utcnow()
    step = STEPS.get(name)
    if step is None or name not in NEXT_STEPS[meeting.status]:
        raise records.Refused(f"This meeting is “{meeting.status.label}”, so that step is not open to it.")
    if step.to is MeetingStatus.HELD and meeting.starts_at > now:
        raise records.Refused("This meeting has not started yet, so it cannot be recorded as held.")
    values: dict = {"status": step.to}
    if step.to is MeetingStatus.CIRCULATED:
        values["circulated_at"] = now
    if step.to is MeetingStatus.APPROVED:
        values |= {"approved_at": now, "approved_by_id": user.id}
    records.update(meeting, values, version=version, noun="meeting")
    return step


def can_reopen(meeting: Meeting) -> bool:
    return meeting.status in (MeetingStatus.CIRCULATED, MeetingStatus.APPROVED)


def reopen(meeting: Meeting, reason: str, *, version: int | None = None) -> None:
    """Back to draft, with the reason kept in the meeting's history."""
    if not can_reopen(meeting):
        raise records.Refused("Only circulated or approved minutes can be reopened.")
    records.update(
        meeting,
        {"status": MeetingStatus.MINUTES_DRAFT, "reopen_reason": reason, "approved_at": None, "approved_by_id": None},
        version=version,
        noun="meeting",
    )


# --- for the dashboard and the series page ---------------------------------------------


def upcoming(user: User, *, limit: int = 5, now: datetime | None = None) -> list[Meeting]:
    now = now or utcnow()
    query = (
        visible(user, Meeting)
        .where(Meeting.starts_at >= now - timedelta(hours=12))
        .order_by(Meeting.starts_at, Meeting.id)
        .options(joinedload(Meeting.series))
        .limit(limit)
    )
    return list(db.session.scalars(query))


def recent_minutes(user: User, *, limit: int = 5) -> list[Meeting]:
    """Minutes most recently circulated that `user` may read (for a partner: the partner version)."""
    query = (
        visible(user, Meeting)
        .where(Meeting.status.in_(MeetingStatus.from_step(MeetingStatus.CIRCULATED)))
        .order_by(Meeting.circulated_at.desc(), Meeting.id.desc())
        .options(joinedload(Meeting.series))
        .limit(limit)
    )
    return list(db.session.scalars(query))


def awaiting_staff(user: User, *, limit: int = 5, now: datetime | None = None) -> list[Meeting]:
    """Meetings waiting for staff, oldest first: held or with minutes in draft,
    or past their start and not yet recorded as held.

    One small query per status, each reading the (status, starts_at) index in
    order and stopping at `limit`: an OR over the statuses would walk every
    meeting by date, most of them long approved."""
    now = now or utcnow()
    waiting = []
    for status in (
        MeetingStatus.PLANNED,
        MeetingStatus.AGENDA_PUBLISHED,
        MeetingStatus.HELD,
        MeetingStatus.MINUTES_DRAFT,
    ):
        query = visible(user, Meeting).where(Meeting.status == status)
        if not status.reached(MeetingStatus.HELD):
            query = query.where(Meeting.starts_at < now)
        query = query.order_by(Meeting.starts_at, Meeting.id).options(joinedload(Meeting.series)).limit(limit)
        waiting.extend(db.session.scalars(query))
    return sorted(waiting, key=lambda meeting: (meeting.starts_at, meeting.id))[:limit]


# --- agenda and minutes ------------------------------------------------------------------


# An item's minutes are paragraphs separated by blank lines, numbered as UK
# minutes are: item 4's paragraphs are 4.1, 4.2..., its decisions going on
# from its discussion.
@dataclass(frozen=True)
class Paragraph:
    number: str  # "4.2"
    text: str


@dataclass
class ItemView:
    """One agenda item as a reader sees it: its number in the full minutes, and
    the notes and actions of it that the reader's version holds."""

    item: AgendaItem
    number: int
    notes: list[ItemNote] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)

    @property
    def discussion(self) -> list[Paragraph]:
        return [Paragraph(f"{self.number}.{i}", text) for i, text in enumerate(paragraphs(self.item.discussion), 1)]

    @property
    def decisions(self) -> list[Paragraph]:
        start = len(paragraphs(self.item.discussion)) + 1
        return [Paragraph(f"{self.number}.{i}", text) for i, text in enumerate(paragraphs(self.item.decisions), start)]


@dataclass
class Arising:
    """An action from an earlier meeting of the series, and the latest progress on it."""

    action: Action
    latest: ActionUpdate | None = None


@dataclass
class Minutes:
    """What the meeting page shows of the agenda, matters arising and outcomes."""

    access: MeetingAccess
    items: list[ItemView]
    arising: list[Arising] | None  # None: not in a series, so no matters arising
    feedback: list[Feedback]
    outcomes: list[str]  # the outcomes' paragraphs
    today: date

    @property
    def count(self) -> int:
        return len(self.items)


def items_in_order(meeting: Meeting) -> Select:
    return select(AgendaItem).where(AgendaItem.meeting_id == meeting.id).order_by(AgendaItem.position, AgendaItem.id)


def minutes_of(user: User, meeting: Meeting, access: MeetingAccess, *, now: datetime | None = None) -> Minutes:
    """The agenda, matters arising and outcomes of `meeting` as `user` may read
    them, in a fixed number of queries however many items, notes and actions."""
    items: list[ItemView] = []
    if access.agenda:
        query = in_version(access.version, items_in_order(meeting), AgendaItem).options(
            joinedload(AgendaItem.presenter).joinedload(Contact.organisation)
        )
        loaded = list(db.session.scalars(query))
        if access.version is MinutesVersion.FULL:
            numbers = {item.id: number for number, item in enumerate(loaded, 1)}
        else:
            # The partner version keeps the full minutes' numbers, so that
            # "item 4" means the same item in both versions. A withheld
            # item leaves a gap in the numbers and nothing else: no line
            # saying that something was left out, and no title.
            every_id = db.session.scalars(items_in_order(meeting).with_only_columns(AgendaItem.id))
            numbers = {item_id: number for number, item_id in enumerate(every_id, 1)}
        items = [ItemView(item, numbers[item.id]) for item in loaded]
    if items and access.minutes:
        by_id = {view.item.id: view for view in items}
        notes = in_version(
            access.version, select(ItemNote).where(ItemNote.item_id.in_(by_id)).order_by(ItemNote.id), ItemNote
        )
        for note in db.session.scalars(notes):
            by_id[note.item_id].notes.append(note)
        actions = in_version(
            access.version,
            select(Action)
            .where(Action.agenda_item_id.in_(by_id))
            .options(joinedload(Action.owner), joinedload(Action.lead))
            .order_by(Action.id),
            Action,
        )
        for action in db.session.scalars(actions):
            by_id[action.agenda_item_id].actions.append(action)
    feedback: list[Feedback] = []
    if access.minutes:
        query = select(Feedback).where(Feedback.meeting_id == meeting.id).order_by(Feedback.id)
        feedback = list(db.session.scalars(in_version(access.version, query, Feedback)))
    arising = matters_arising(user, meeting, access) if access.agenda else None
    outcomes = paragraphs(meeting.outcomes) if access.minutes else []
    return Minutes(access, items, arising, feedback, outcomes, action_services.today(now))


def matters_arising(user: User, meeting: Meeting, access: MeetingAccess) -> list[Arising] | None:
    """Actions agreed at earlier meetings of the series (by start time) that are
    still open, or whose progress was recorded at this meeting; None for a
    meeting outside a series. A partner gets those of earlier meetings whose
    minutes it may read, in the partner version."""
    if meeting.series_id is None:
        return None
    earlier = with_minutes(user, select(Meeting.id)).where(
        Meeting.series_id == meeting.series_id, Meeting.starts_at < meeting.starts_at
    )
    recorded_here = select(ActionUpdate.action_id).where(ActionUpdate.meeting_id == meeting.id)
    query = (
        select(Action)
        .join(Action.meeting)
        .where(
            Action.meeting_id.in_(earlier),
            or_(Action.status.in_(ActionStatus.still_open()), Action.id.in_(recorded_here)),
        )
        .options(contains_eager(Action.meeting), joinedload(Action.owner), joinedload(Action.lead))
        .order_by(Meeting.starts_at, Action.id)
    )
    arising = [Arising(action) for action in db.session.scalars(in_version(access.version, query, Action))]
    if arising and access.minutes:
        # The latest line said at this meeting or before it (at an earlier
        # meeting, or by the owner before it began); never one from a later meeting.
        by_id = {entry.action.id: entry for entry in arising}
        earlier_meetings = select(Meeting.id).where(Meeting.starts_at < meeting.starts_at)
        updates = (
            select(ActionUpdate)
            .where(
                ActionUpdate.action_id.in_(by_id),
                or_(
                    ActionUpdate.meeting_id == meeting.id,
                    ActionUpdate.meeting_id.in_(earlier_meetings),
                    and_(ActionUpdate.meeting_id.is_(None), ActionUpdate.created_at < meeting.starts_at),
                ),
            )
            .order_by(ActionUpdate.id)
        )
        for update in db.session.scalars(updates):
            by_id[update.action_id].latest = update
    return arising


def item_in(meeting: Meeting, item_id: int) -> AgendaItem:
    """An item of `meeting` (staff only: the partner version is not checked here), or 404."""
    item = db.session.scalar(select(AgendaItem).where(AgendaItem.id == item_id, AgendaItem.meeting_id == meeting.id))
    if item is None:
        abort(404)
    return item


def note_in(meeting: Meeting, note_id: int) -> ItemNote:
    note = db.session.scalar(
        select(ItemNote).join(ItemNote.item).where(ItemNote.id == note_id, AgendaItem.meeting_id == meeting.id)
    )
    if note is None:
        abort(404)
    return note


def action_in(meeting: Meeting, action_id: int) -> Action:
    """An action agreed at `meeting`, or 404."""
    action = db.session.scalar(select(Action).where(Action.id == action_id, Action.meeting_id == meeting.id))
    if action is None:
        abort(404)
    return action


def arising_in(user: User, meeting: Meeting, action_id: int) -> Action:
    """An action in `meeting`'s matters arising, or 404."""
    for entry in matters_arising(user, meeting, meeting_access(user, meeting)) or []:
        if entry.action.id == action_id:
            return entry.action
    abort(404)


def feedback_in(meeting: Meeting, feedback_id: int) -> Feedback:
    feedback = db.session.scalar(select(Feedback).where(Feedback.id == feedback_id, Feedback.meeting_id == meeting.id))
    if feedback is None:
        abort(404)
    return feedback


def _item_values(data: dict) -> dict:
    values = {"title": data["title"]}
    values["presenter_id"] = int(data["presenter_id"]) if data.get("presenter_id") else None
    values["marking"] = Marking(data.get("marking") or Marking.OFFICIAL)
    for text_field in ("discussion", "decisions"):
        if text_field in data:
            values[text_field] = data[text_field] or ""
    return values


def add_item(meeting: Meeting, data: dict) -> AgendaItem:
    """A new item at the end of the agenda."""
    check_unlocked(meeting)
    last = db.session.scalar(select(func.max(AgendaItem.position)).where(AgendaItem.meeting_id == meeting.id))
    return records.create(AgendaItem(), {"meeting_id": meeting.id, "position": (last or 0) + 1, **_item_values(data)})


def update_item(item: AgendaItem, data: dict, *, version: int | None = None) -> bool:
    check_unlocked(item.meeting)
    return records.update(item, _item_values(data), version=version, noun="agenda item")


MOVES = {"up": -1, "down": 1}


def move_item(item: AgendaItem, direction: str) -> bool:
    """Swap `item` with the one above or below it. False at either end.

    Positions are renumbered 1, 2, 3... on the way, so gaps left by removed
    items close; each change goes through the save path and its history.
    """
    check_unlocked(item.meeting)
    order = list(db.session.scalars(items_in_order(item.meeting)))
    here = order.index(item)
    there = here + MOVES[direction]
    if not 0 <= there < len(order):
        return False
    order[here], order[there] = order[there], order[here]
    for position, each in enumerate(order, 1):
        records.update(each, {"position": position}, noun="agenda item")
    return True


def remove_item(item: AgendaItem) -> None:
    """Remove an item and its notes. Refused while it has actions that are not
    cancelled; cancelled ones stay with the meeting, no longer under an item."""
    check_unlocked(item.meeting)
    actions = list(db.session.scalars(select(Action).where(Action.agenda_item_id == item.id)))
    if any(action.status is not ActionStatus.CANCELLED for action in actions):
        raise records.Refused(
            "This item has actions agreed in it. Move or cancel its actions first, then remove the item."
        )
    for action in actions:
        records.update(action, {"agenda_item_id": None}, noun="action")
    records.delete(item)


def add_note(item: AgendaItem, data: dict) -> ItemNote:
    check_unlocked(item.meeting)
    return records.create(
        ItemNote(), {"item_id": item.id, "text": data["text"], "marking": Marking(data.get("marking") or "official")}
    )


def update_note(note: ItemNote, data: dict, *, version: int | None = None) -> bool:
    check_unlocked(note.item.meeting)
    values = {"text": data["text"], "marking": Marking(data.get("marking") or "official")}
    return records.update(note, values, version=version, noun="note")


def remove_note(note: ItemNote) -> None:
    check_unlocked(note.item.meeting)
    records.delete(note)


def add_action(item: AgendaItem, data: dict, *, now: datetime | None = None) -> Action:
    check_unlocked(item.meeting)
    return action_services.create_action(item, data, now=now)


def update_action(action: Action, data: dict, *, version: int | None = None) -> bool:
    check_unlocked(action.meeting)
    return action_services.update_action(action, data, version=version)


def record_progress(meeting: Meeting, action: Action, data: dict, user: User, *, version: int | None = None) -> bool:
    check_unlocked(meeting)
    return action_services.record_progress(
        action,
        meeting_id=meeting.id,
        status=ActionStatus(data["status"]),
        text=data.get("progress") or "",
        author=user,
        version=version,
    )


def update_outcomes(meeting: Meeting, outcomes: str, *, version: int | None = None) -> bool:
    check_unlocked(meeting)
    return records.update(meeting, {"outcomes": outcomes or ""}, version=version, noun="meeting")


def _feedback_values(data: dict) -> dict:
    return {"quote": data["quote"], "attribution": data["attribution"], "may_publish": bool(data.get("may_publish"))}


def add_feedback(meeting: Meeting, data: dict) -> Feedback:
    check_unlocked(meeting)
    return records.create(Feedback(), {"meeting_id": meeting.id, **_feedback_values(data)})


def update_feedback(feedback: Feedback, data: dict, *, version: int | None = None) -> bool:
    check_unlocked(feedback.meeting)
    return records.update(feedback, _feedback_values(data), version=version, noun="feedback")


def remove_feedback(feedback: Feedback) -> None:
    check_unlocked(feedback.meeting)
    records.delete(feedback)


# --- attendance ------------------------------------------------------------------------
#
# Who came to a meeting, grouped by organisation; adding people and whole
# organisations, changing and removing them; and the organisations involved.
# Everyone who may see a meeting sees its whole attendance (circulated minutes
# carry it by organisation), so rows are read through the meeting, never on
# their own. Every change goes through crm.records, which keeps the history.

# Matches shown by the search for people to add: enough to pick from, few
# enough to read; more typing narrows them.
ATTENDEE_SEARCH_LIMIT = 10
ATTENDEE_SEARCH_MAX = 100  # characters of the search that count, as the box allows


@dataclass
class AttendanceGroup:
    """One organisation's rows on a meeting's attendance."""

    organisation: Organisation
    rows: list[Attendance]


@dataclass
class MeetingAttendance:
    """A meeting's attendance as its page shows it."""

    groups: list[AttendanceGroup]
    # An agenda item's id -> its number on the agenda (1, 2, ...), for "attending items 2 and 3".
    item_numbers: dict[int, int]

    @property
    def rows(self) -> list[Attendance]:
        return [row for group in self.groups for row in group.rows]

    def row(self, attendance_id: int) -> Attendance | None:
        return next((row for row in self.rows if row.id == attendance_id), None)

    def numbers(self, row: Attendance) -> list[int]:
        return sorted(self.item_numbers[item.id] for item in row.items if item.id in self.item_numbers)

    def items_phrase(self, row: Attendance) -> str:
        """ "attending items 4 and 5" for a guest who came for part of the meeting; "" otherwise."""
        numbers = self.numbers(row) if row.role is AttendanceRole.GUEST else []
        if not numbers:
            return ""
        if len(numbers) == 1:
            return f"attending item {numbers[0]}"
        listed = ", ".join(str(number) for number in numbers[:-1])
        return f"attending items {listed} and {numbers[-1]}"

    @property
    def summary(self) -> str:
        """ "12 present, 3 apologies": people by status, then any organisations attending as a whole."""
        people = [row for row in self.rows if row.contact_id is not None]
        parts = [
            f"{count} {status.label.lower()}"
            for status in AttendanceStatus
            if (count := sum(1 for row in people if row.status is status))
        ]
        wholes = len(self.rows) - len(people)
        if wholes:
            parts.append(f"{wholes} organisation{'s' if wholes > 1 else ''} as a whole")
        return ", ".join(parts)


def _attendance_order(row: Attendance) -> tuple:
    """Within an organisation: the organisation as a whole first, then by role (the chair
    first), then by name."""
    name = row.contact.name.casefold() if row.contact else ""
    return (row.contact_id is not None, list(AttendanceRole).index(row.role), name, row.id)


def attendance_of(meeting: Meeting) -> MeetingAttendance:
    """The meeting's attendance by organisation (in name order), in a fixed number of
    queries however many came: the rows with their people and organisations, their
    items, and the agenda's numbering if any guest came for only some items."""
    rows = list(
        db.session.scalars(
            select(Attendance)
            .where(Attendance.meeting_id == meeting.id)
            .options(
                joinedload(Attendance.organisation, innerjoin=True),
                joinedload(Attendance.contact),
                selectinload(Attendance.items),
            )
        ).unique()
    )
    groups: dict[int, AttendanceGroup] = {}
    for row in rows:
        groups.setdefault(row.organisation_id, AttendanceGroup(row.organisation, [])).rows.append(row)
    for group in groups.values():
        group.rows.sort(key=_attendance_order)
    ordered = sorted(groups.values(), key=lambda group: (group.organisation.name.casefold(), group.organisation.id))
    numbers: dict[int, int] = {}
    if any(row.items for row in rows):
        item_ids = db.session.scalars(
            select(AgendaItem.id)
            .where(AgendaItem.meeting_id == meeting.id)
            .order_by(AgendaItem.position, AgendaItem.id)
        )
        numbers = {item_id: number for number, item_id in enumerate(item_ids, start=1)}
    return MeetingAttendance(ordered, numbers)


def attendance_row(meeting: Meeting, attendance_id: int) -> Attendance | None:
    """One row of `meeting`'s attendance (None if it is not on this meeting)."""
    return db.session.scalar(
        select(Attendance).where(Attendance.id == attendance_id, Attendance.meeting_id == meeting.id)
    )


def agenda_choices(meeting: Meeting) -> list[tuple[int, str]]:
    """The meeting's agenda items as (id, "2. Title"), for the items a guest attended."""
    items = db.session.scalars(
        select(AgendaItem).where(AgendaItem.meeting_id == meeting.id).order_by(AgendaItem.position, AgendaItem.id)
    )
    return [(item.id, f"{number}. {item.title}") for number, item in enumerate(items, start=1)]


def attendee_search_text(raw: str | None) -> str:
    """The search as typed, on one line with single spaces, no longer than the box allows."""
    return " ".join((raw or "").split())[:ATTENDEE_SEARCH_MAX].strip()


def contacts_to_add(user: User, meeting: Meeting, text: str) -> tuple[list[tuple[Contact, bool]], bool]:
    """Active contacts `user` may see whose name or organisation's name holds `text`
    (any case): up to ATTENDEE_SEARCH_LIMIT of them, by name, each with whether they
    are on the meeting's attendance already; and whether there were more."""
    if not text:
        return [], False
    pattern = like_pattern(text)
    query = (
        visible(user, Contact)
        .join(Contact.organisation)
        .where(
            *active_contact(),
            or_(Contact.name.ilike(pattern, escape="\\"), Organisation.name.ilike(pattern, escape="\\")),
        )
        .options(contains_eager(Contact.organisation))
        .order_by(folded(Contact.name), Contact.id)
        .limit(ATTENDEE_SEARCH_LIMIT + 1)
    )
    found = list(db.session.scalars(query))
    shown = found[:ATTENDEE_SEARCH_LIMIT]
    attending = set(
        db.session.scalars(
            select(Attendance.contact_id).where(
                Attendance.meeting_id == meeting.id, Attendance.contact_id.in_([c.id for c in shown])
            )
        )
    )
    return [(contact, contact.id in attending) for contact in shown], len(found) > len(shown)


def addable_contact(user: User, contact_id: int | None) -> Contact | None:
    """The active contact `user` may see with this id, or None."""
    if contact_id is None:
        return None
    query = visible(user, Contact).where(Contact.id == contact_id, *active_contact())
    return db.session.scalar(query.options(joinedload(Contact.organisation)))


def addable_organisation(user: User, organisation_id: int | None) -> Organisation | None:
    """The active organisation `user` may see with this id, or None."""
    if organisation_id is None:
        return None
    query = visible(user, Organisation).where(Organisation.id == organisation_id, Organisation.archived_at.is_(None))
    return db.session.scalar(query)


def _create_attendance(values: dict, duplicate: records.Duplicate) -> Attendance:
    try:
        return records.create(Attendance(), values)
    except IntegrityError as error:
        # Someone added the same row a moment earlier: the unique index said no.
        raise duplicate from error


def add_attendee(meeting: Meeting, contact: Contact) -> Attendance:
    """`contact` on the attendance as a member who was present (the usual case),
    under the organisation they are at now."""
    check_unlocked(meeting)
    duplicate = records.Duplicate(f"{contact.name} is already on the attendance", "contact_id")
    taken = select(Attendance.id).where(Attendance.meeting_id == meeting.id, Attendance.contact_id == contact.id)
    if db.session.scalar(taken) is not None:
        raise duplicate
    values = {
        "meeting_id": meeting.id,
        "contact_id": contact.id,
        "organisation_id": contact.organisation_id,
        "role": AttendanceRole.MEMBER,
        "status": AttendanceStatus.PRESENT,
    }
    return _create_attendance(values, duplicate)


def add_whole_organisation(meeting: Meeting, organisation: Organisation) -> Attendance:
    """`organisation` on the attendance as a whole ("40 volunteers"): at most once per meeting."""
    check_unlocked(meeting)
    duplicate = records.Duplicate(
        f"{organisation.name} is already on the attendance as an organisation", "organisation_id"
    )
    taken = select(Attendance.id).where(
        Attendance.meeting_id == meeting.id,
        Attendance.organisation_id == organisation.id,
        Attendance.contact_id.is_(None),
    )
    if db.session.scalar(taken) is not None:
        raise duplicate
    values = {
        "meeting_id": meeting.id,
        "contact_id": None,
        "organisation_id": organisation.id,
        "role": AttendanceRole.MEMBER,
        "status": AttendanceStatus.PRESENT,
    }
    return _create_attendance(values, duplicate)


def wholly_attending_ids(meeting: Meeting) -> set[int]:
    """Organisations on the attendance as a whole already, to leave out of the choices."""
    query = select(Attendance.organisation_id).where(
        Attendance.meeting_id == meeting.id, Attendance.contact_id.is_(None)
    )
    return set(db.session.scalars(query))


def update_attendance(attendance: Attendance, data: dict, *, version: int | None = None) -> bool:
    """A row's role and status and, for a guest, the items they came for (none
    ticked: the whole meeting). False if nothing changed."""
    meeting = attendance.meeting
    check_unlocked(meeting)
    role = AttendanceRole(data["role"])
    items: list[AgendaItem] = []
    if role is AttendanceRole.GUEST and data.get("item_ids"):
        items = list(
            db.session.scalars(
                select(AgendaItem)
                .where(AgendaItem.meeting_id == meeting.id, AgendaItem.id.in_(data["item_ids"]))
                .order_by(AgendaItem.position, AgendaItem.id)
            )
        )
    values = {"role": role, "status": AttendanceStatus(data["status"]), "items": items}
    return records.update(attendance, values, version=version, noun="attendance")


def set_attendance_status(attendance: Attendance, status: AttendanceStatus) -> bool:
    """The quick change on the meeting page: only the status, whatever else changed since."""
    check_unlocked(attendance.meeting)
    return records.update(attendance, {"status": status}, noun="attendance")


def remove_attendance(attendance: Attendance) -> None:
    check_unlocked(attendance.meeting)
    records.delete(attendance, noun="attendance")


def involvable_organisations(user: User, meeting: Meeting) -> list[tuple[str, str]]:
    """Organisations that could be added to those involved: visible, active, not involved yet."""
    involved = {str(organisation.id) for organisation in meeting.organisations}
    return [choice for choice in organisation_choices(user) if choice[0] not in involved]


def involve_organisation(meeting: Meeting, organisation: Organisation) -> None:
    check_unlocked(meeting)
    if organisation in meeting.organisations:
        raise records.Duplicate(f"{organisation.name} is already involved in this meeting", "organisation_id")
    involved = sorted([*meeting.organisations, organisation], key=lambda o: (o.name.casefold(), o.id))
    records.update(meeting, {"organisations": involved}, noun="meeting")


def uninvolve_organisation(meeting: Meeting, organisation: Organisation) -> bool:
    """Take `organisation` off those involved; False if it was not among them."""
    check_unlocked(meeting)
    involved = [o for o in meeting.organisations if o.id != organisation.id]
    return records.update(meeting, {"organisations": involved}, noun="meeting")


def meeting_for_new_contact(user: User, meeting_id: int | None) -> Meeting | None:
    """The meeting whose attendance a contact being added joins (`/contacts/new?meeting=`):
    one `user` may see, whose minutes are not locked. None otherwise: then the
    contact form works as it always does."""
    if meeting_id is None:
        return None
    meeting = db.session.scalar(visible(user, Meeting).where(Meeting.id == meeting_id))
    return None if meeting is None or meeting.minutes_locked else meeting
