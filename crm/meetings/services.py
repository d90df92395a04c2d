"""Queries and changes for meetings and their lifecycle. Services flush, never commit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from crm import records
from crm.auth.models import User
from crm.database import folded, utcnow
from crm.extensions import db
from crm.formatting import LONDON
from crm.forms import parse_time
from crm.lists import Filter, ListFilters, enum_filter, filter_field, id_filter
from crm.markings import Marking
from crm.meetings.models import Meeting, MeetingKind, MeetingStatus
from crm.organisations.models import Organisation
from crm.pagination import Listing
from crm.search import FullText, TextSearch
from crm.series.models import MeetingSeries
from crm.visibility import visible

# --- the list ------------------------------------------------------------------


def _uk_date(raw: str | None) -> date | None:
    """A filter date as people type it: 27/3/2026 or 2026-03-27."""
    raw = (raw or "").strip()
    for separator, order in (("/", "dmy"), ("-", "ymd")):
        parts = raw.split(separator)
        if len(parts) == 3 and all(part.isascii() and part.isdigit() for part in parts):
            values = dict(zip(order, map(int, parts), strict=True))
            try:
                return date(values["y"], values["m"], values["d"])
            except ValueError:
                return None
    return None


def date_filter(arg: str, label: str) -> Filter:
    return Filter(
        arg,
        label,
        parse=_uk_date,
        dump=lambda value: f"{value.day}/{value.month}/{value.year}",
        describe=lambda value: f"{value.day} {value:%B %Y}",
    )


def _series_name(series_id: int) -> str:
    """How a series filter reads, if the signed-in user may see that series."""
    query = visible(current_user, MeetingSeries).where(MeetingSeries.id == series_id)
    return db.session.scalar(query.with_only_columns(MeetingSeries.name)) or "a series you cannot see"


def _organisation_name(organisation_id: int) -> str:
    """How an organisation filter reads, if the signed-in user may see that organisation."""
    query = visible(current_user, Organisation).where(Organisation.id == organisation_id)
    return db.session.scalar(query.with_only_columns(Organisation.name)) or "an organisation you cannot see"


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
    date_from: date | None = filter_field(date_filter("from", "From"))
    date_to: date | None = filter_field(date_filter("to", "To"))

    SORTS = ("date", "title")

    @property
    def period(self) -> str:
        return self.when or "upcoming"

    @property
    def active(self) -> bool:
        """Choosing past or all dates is a tab, not a filter to clear."""
        return bool(self.selected())

    def selected(self) -> list[dict]:
        """The date tabs say which period is shown; the "selected filters" line leaves it out."""
        return [item for item in super().selected() if item["label"] != "Showing"]

    def cleared_args(self) -> dict:
        return type(self)(when=self.when, sort=self.sort, descending=self.descending).as_args()

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
    return records.update(meeting, _values(data), version=version, noun="meeting")


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
    """Meetings whose minutes wait for staff: held or in draft, oldest first."""
    now = now or utcnow()
    waiting = [MeetingStatus.HELD, MeetingStatus.MINUTES_DRAFT]
    past_planned = (Meeting.status.in_([MeetingStatus.PLANNED, MeetingStatus.AGENDA_PUBLISHED])) & (
        Meeting.starts_at < now
    )
    query = (
        visible(user, Meeting)
        .where(Meeting.status.in_(waiting) | past_planned)
        .order_by(Meeting.starts_at, Meeting.id)
        .options(joinedload(Meeting.series))
        .limit(limit)
    )
    return list(db.session.scalars(query))
