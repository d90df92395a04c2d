"""Queries and changes for meeting series. Services flush, never commit."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Select, func, or_, select

from crm import records
from crm.auth.models import User
from crm.contacts.models import Contact
from crm.database import folded, like_pattern, utcnow
from crm.extensions import db
from crm.forms import squash_spaces
from crm.lists import ListFilters
from crm.meetings.models import Meeting
from crm.organisations.models import Organisation
from crm.pagination import Listing
from crm.series.models import Frequency, MeetingSeries, series_members
from crm.visibility import visible

# How many upcoming and how many past meetings a series' page lists.
MEETINGS_SHOWN = 20


@dataclass(frozen=True)
class SeriesFilters(ListFilters):
    """The series list: search by name, sort by name."""

    SORTS = ("name",)


def list_series(user: User, filters: SeriesFilters) -> Listing:
    conditions = [] if filters.include_archived else [MeetingSeries.archived_at.is_(None)]
    if filters.q:
        # A few dozen series at most: a plain ILIKE needs no search index.
        conditions.append(MeetingSeries.name.ilike(like_pattern(filters.q), escape="\\"))
    return Listing(
        visible(user, MeetingSeries),
        keys=(folded(MeetingSeries.name), MeetingSeries.id),
        filters=conditions,
        descending=filters.descending,
    )


@dataclass(frozen=True)
class SeriesFacts:
    """What the list shows beside a series' name."""

    members: int
    next_meeting: datetime | None


def series_facts(user: User, series_ids: list[int]) -> dict[int, SeriesFacts]:
    """Active members and the next meeting `user` may see, for each series of a page, in one query."""
    if not series_ids:
        return {}
    members = (
        select(func.count())
        .select_from(series_members.join(Organisation, Organisation.id == series_members.c.organisation_id))
        .where(series_members.c.series_id == MeetingSeries.id, Organisation.archived_at.is_(None))
        .scalar_subquery()
    )
    next_meeting = (
        visible(user, Meeting)
        .with_only_columns(func.min(Meeting.starts_at))
        .where(Meeting.series_id == MeetingSeries.id, Meeting.starts_at >= utcnow())
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(MeetingSeries.id, members, next_meeting).where(MeetingSeries.id.in_(series_ids))
    ).all()
    return {series_id: SeriesFacts(count, starts) for series_id, count, starts in rows}


@dataclass
class SomeMeetings:
    """Up to MEETINGS_SHOWN meetings of a series, and how many there are in all."""

    items: list[Meeting] = field(default_factory=list)
    total: int = 0

    @property
    def not_shown(self) -> int:
        return self.total - len(self.items)


def series_meetings(user: User, series: MeetingSeries) -> tuple[SomeMeetings, SomeMeetings]:
    """The series' meetings that `user` may see: (upcoming, soonest first; past, latest first)."""
    now = utcnow()
    of_series = visible(user, Meeting).where(Meeting.series_id == series.id)
    upcoming = of_series.where(Meeting.starts_at >= now).order_by(Meeting.starts_at, Meeting.id)
    past = of_series.where(Meeting.starts_at < now).order_by(Meeting.starts_at.desc(), Meeting.id.desc())
    return _some(upcoming), _some(past)


def _some(query: Select) -> SomeMeetings:
    items = list(db.session.scalars(query.limit(MEETINGS_SHOWN)))
    if len(items) < MEETINGS_SHOWN:
        return SomeMeetings(items, len(items))
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    return SomeMeetings(items, total)


def series_choices(user: User, include_id: int | None = None) -> list[tuple[str, str]]:
    """Series `user` may pick, as (id, name): active ones, plus `include_id` even if archived."""
    query = visible(user, MeetingSeries).where(or_(MeetingSeries.archived_at.is_(None), MeetingSeries.id == include_id))
    rows = db.session.execute(
        query.with_only_columns(MeetingSeries.id, MeetingSeries.name).order_by(folded(MeetingSeries.name))
    )
    return [(str(id_), name) for id_, name in rows]


def member_choices(user: User, current_ids=()) -> list[tuple[str, str]]:
    """Organisations `user` may make members, as (id, name): active ones, plus the
    current members even if archived, so that saving the form does not drop them."""
    query = visible(user, Organisation).where(
        or_(Organisation.archived_at.is_(None), Organisation.id.in_(list(current_ids)))
    )
    rows = db.session.execute(
        query.with_only_columns(Organisation.id, Organisation.name, Organisation.archived_at).order_by(
            folded(Organisation.name), Organisation.id
        )
    )
    return [(str(id_), f"{name} (archived)" if archived_at else name) for id_, name, archived_at in rows]


def chair_choices(user: User, include_id: int | None = None) -> list[tuple[str, str]]:
    """Contacts `user` may name as chair, as (id, "Name (Organisation)"): active people at
    active organisations, plus `include_id` (the chair now) even if archived."""
    active = Contact.archived_at.is_(None) & Organisation.archived_at.is_(None)
    query = (
        visible(user, Contact)
        .join(Contact.organisation)
        .where(or_(active, Contact.id == include_id))
        .with_only_columns(Contact.id, Contact.name, Organisation.name)
        .order_by(folded(Contact.name), folded(Organisation.name), Contact.id)
    )
    return [(str(id_), f"{name} ({organisation})") for id_, name, organisation in db.session.execute(query)]


def check_name_free(name: str, *, exclude_id: int | None = None) -> None:
    # lower() on both sides, as the unique index has it: Python's lower() and
    # SQLite's (ASCII only) disagree about "É".
    query = select(MeetingSeries.id).where(func.lower(MeetingSeries.name) == func.lower(squash_spaces(name)))
    if exclude_id is not None:
        query = query.where(MeetingSeries.id != exclude_id)
    if db.session.scalar(query.limit(1)) is not None:
        field_name, message = MeetingSeries.duplicate
        raise records.Duplicate(message, field_name)


def _organisations(ids) -> list[Organisation]:
    wanted = {int(id_) for id_ in ids or ()}
    if not wanted:
        return []
    return list(db.session.scalars(select(Organisation).where(Organisation.id.in_(wanted))))


def _values(data: dict, series: MeetingSeries | None = None) -> dict:
    values = {
        "name": squash_spaces(data.get("name") or ""),
        "purpose": data.get("purpose") or "",
        "venue": data.get("venue") or "",
        "frequency": Frequency.parse(data.get("frequency")),
        "chair_id": int(data["chair_id"]) if data.get("chair_id") else None,
    }
    members = _organisations(data.get("member_ids"))
    # A collection compares by its members, not their order.
    if series is None or {o.id for o in members} != {o.id for o in series.members}:
        values["members"] = members
    return values


def create_series(data: dict) -> MeetingSeries:
    values = _values(data)
    check_name_free(values["name"])
    return records.create(MeetingSeries(), values)


def update_series(series: MeetingSeries, data: dict, *, version: int | None = None) -> bool:
    """Save changes; False if nothing changed."""
    values = _values(data, series)
    check_name_free(values["name"], exclude_id=series.id)
    return records.update(series, values, version=version, noun="series")
