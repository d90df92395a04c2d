"""Reading history back: a record's changes, newest first, in words people read.

Values are stored raw; here they become labels: an enum's label, a referenced
record's name (looked up in one query per kind of record), a date as the area
writes it. Who may read which field is decided by the field's declared
audience (`Tracked.history_audience`) and the reader's permissions.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import Boolean, Date, Enum, inspect, select

from crm.auth.models import User
from crm.database import UTCDateTime
from crm.extensions import db
from crm.formatting import date_short, datetime_short
from crm.history.models import HistoryEntry
from crm.records import Audience, Tracked

# How many changes a record's page shows; the oldest are summarised.
SHOWN = 50
EMPTY = "(blank)"
ACTION_LABELS = {"created": "Created", "updated": "Changed", "archived": "Archived", "restored": "Restored"}


@dataclass
class FieldChange:
    label: str
    before: str
    after: str

    @property
    def before_blank(self) -> bool:
        """Nothing was there before: nothing to strike through."""
        return self.before == EMPTY


@dataclass
class Change:
    action: str
    changed_at: datetime
    actor: str
    fields: list[FieldChange] = field(default_factory=list)


def readable_fields(model: type[Tracked], permissions) -> set[str] | None:
    """The fields of `model` whose history the reader may see; None: all of them."""
    if permissions.see_history or (permissions.is_staff and model.staff_history):
        return None
    if permissions.is_partner:
        return {name for name, audience in model.history_audience.items() if audience == Audience.PARTNER}
    return set()


def history_of(record: Tracked, permissions) -> list[Change] | None:
    """The record's changes the reader may see, newest first; None if they see no history."""
    readable = readable_fields(type(record), permissions)
    if readable is not None and not readable:
        return None
    query = (
        select(HistoryEntry)
        .where(HistoryEntry.record_type == record.__tablename__, HistoryEntry.record_id == record.id)
        .order_by(HistoryEntry.id.desc())
    )
    if readable is not None:
        query = query.where(HistoryEntry.field.in_(readable))
    entries = db.session.scalars(query.limit(SHOWN * 10)).all()
    labels = _reference_labels(type(record), entries)
    actors = _actor_names(entries)

    changes: dict[str, Change] = {}
    for entry in entries:
        change = changes.get(entry.change_key)
        if change is None:
            if len(changes) == SHOWN:
                break
            change = changes[entry.change_key] = Change(
                action=ACTION_LABELS.get(entry.action, entry.action.capitalize()),
                changed_at=entry.changed_at,
                actor=actors.get(entry.actor_id, "The system"),
            )
        if entry.field == "archived_at":
            continue  # said by the action itself
        change.fields.append(
            FieldChange(
                label=field_label(type(record), entry.field),
                before=_readable(type(record), entry.field, entry.before, labels),
                after=_readable(type(record), entry.field, entry.after, labels),
            )
        )
    for change in changes.values():
        change.fields.reverse()  # in the order the form shows them
    return list(changes.values())


def field_label(model: type[Tracked], name: str) -> str:
    if name in model.field_labels:
        return model.field_labels[name]
    return name.removesuffix("_id").replace("_", " ").capitalize()


def _references(model: type[Tracked]) -> dict[str, type]:
    """Foreign-key fields of `model` and the model each points to."""
    mapper = inspect(model)
    found = {}
    for relationship in mapper.relationships:
        if relationship.direction.name == "MANYTOONE" and len(relationship.local_columns) == 1:
            (column,) = relationship.local_columns
            found[mapper.get_property_by_column(column).key] = relationship.mapper.class_
        elif relationship.key in model.history_collections:
            found[relationship.key] = relationship.mapper.class_
    return found


def _reference_labels(model: type[Tracked], entries) -> dict[tuple[str, str], str]:
    """(field, stored id) -> the referenced record's name, one query per kind."""
    references = _references(model)
    wanted: dict[str, set[int]] = defaultdict(set)
    for entry in entries:
        if entry.field in references:
            for value in (entry.before, entry.after):
                wanted[entry.field].update(int(part) for part in (value or "").split(",") if part.isdigit())
    labels = {}
    for field_name, ids in wanted.items():
        target = references[field_name]
        for record in db.session.scalars(select(target).where(target.id.in_(ids))):
            labels[(field_name, str(record.id))] = record.history_label
    return labels


def _actor_names(entries) -> dict[int, str]:
    ids = {entry.actor_id for entry in entries if entry.actor_id}
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).all())


def _readable(model: type[Tracked], name: str, value: str | None, labels: dict) -> str:
    if value in (None, ""):
        return EMPTY
    if (name, value) in labels:
        return labels[(name, value)]
    if name in model.history_collections:
        return ", ".join(sorted(labels.get((name, part), f"#{part}") for part in value.split(",")))
    column = inspect(model).columns.get(name)
    if column is not None and isinstance(column.type, Enum) and column.type.enum_class:
        member = _member(column.type.enum_class, value)
        if member is not None:
            return getattr(member, "label", member.value)
    if column is not None and isinstance(column.type, UTCDateTime):
        try:
            return datetime_short(datetime.fromisoformat(value))
        except ValueError:
            return value
    if column is not None and isinstance(column.type, Date):
        try:
            return date_short(date.fromisoformat(value))
        except ValueError:
            return value
    if column is not None and isinstance(column.type, Boolean):
        return {"true": "Yes", "false": "No"}.get(value, value)
    return value


def _member(enum_class: type[enum.Enum], value: str):
    try:
        return enum_class(value)
    except ValueError:
        return None
