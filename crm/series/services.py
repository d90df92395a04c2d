"""Queries and changes for meeting series. Services flush, never commit."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select

from crm import records
from crm.auth.models import User
from crm.database import folded
from crm.extensions import db
from crm.forms import squash_spaces
from crm.lists import ListFilters
from crm.organisations.models import Organisation
from crm.pagination import Listing
from crm.series.models import Frequency, MeetingSeries
from crm.visibility import visible


@dataclass(frozen=True)
class SeriesFilters(ListFilters):
    SORTS = ("name",)


def list_series(user: User, filters: SeriesFilters) -> Listing:
    conditions = [] if filters.include_archived else [MeetingSeries.archived_at.is_(None)]
    if filters.q:
        conditions.append(MeetingSeries.name.ilike(f"%{filters.q}%"))
    return Listing(
        visible(user, MeetingSeries),
        keys=(folded(MeetingSeries.name), MeetingSeries.id),
        filters=conditions,
        descending=filters.descending,
    )


def series_choices(user: User, include_id: int | None = None) -> list[tuple[str, str]]:
    """Series `user` may pick, as (id, name): active ones, plus `include_id` even if archived."""
    query = visible(user, MeetingSeries).where(or_(MeetingSeries.archived_at.is_(None), MeetingSeries.id == include_id))
    rows = db.session.execute(
        query.with_only_columns(MeetingSeries.id, MeetingSeries.name).order_by(folded(MeetingSeries.name))
    )
    return [(str(id_), name) for id_, name in rows]


def check_name_free(name: str, *, exclude_id: int | None = None) -> None:
    query = select(MeetingSeries.id).where(func.lower(MeetingSeries.name) == name.lower())
    if exclude_id is not None:
        query = query.where(MeetingSeries.id != exclude_id)
    if db.session.scalar(query.limit(1)) is not None:
        field, message = MeetingSeries.duplicate
        raise records.Duplicate(message, field)


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
    values = _values(data, series)
    check_name_free(values["name"], exclude_id=series.id)
    return records.update(series, values, version=version, noun="series")
