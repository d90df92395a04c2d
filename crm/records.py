"""The one save path: create, update, archive, restore and delete, with history.

Every area saves its records through these functions (delete only for what
is removed rather than archived: a person taken off a meeting's attendance).
On the way they check the version the person was editing (so two people
editing at once cannot overwrite each other unseen), turn a unique index's
refusal into a `Duplicate` the form can show, and flush. History is written underneath, by a
flush listener, for every `Tracked` record however it was changed: a new area
gets history by using the `Tracked` mixin, not by remembering to.

Services raise `DomainError`s; views show them with `crm.forms.show_error`.
"""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime
from typing import ClassVar

from flask import has_request_context
from flask_login import current_user
from sqlalchemy import event, insert, inspect
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, declared_attr, mapped_column
from sqlalchemy.orm.exc import StaleDataError

from crm.enums import LabelledEnum
from crm.extensions import db
from crm.history.models import HistoryEntry


class Audience(LabelledEnum):
    """Who may read a field's history. Admins read all of it."""

    STAFF = "staff", "Staff"
    PARTNER = "partner", "Partner"


class Tracked:
    """A record saved through this module: versioned, its changes kept.

    Declare on the model:
      history_exclude   fields that never enter history (secrets, bookkeeping)
      history_audience  fields a partner may read the history of (default: staff only)
      field_labels      how a field is named in its history, where the name is not enough
      staff_history     staff (not only admins) read this record's history: meetings, actions
      history_collections  many-to-many fields whose membership history keeps (as ids)
      duplicate         (field, message) for when a unique index refuses a save
    """

    version: Mapped[int] = mapped_column(default=1, server_default="1")

    history_exclude: ClassVar[frozenset[str]] = frozenset()
    history_audience: ClassVar[dict[str, Audience]] = {}
    field_labels: ClassVar[dict[str, str]] = {}
    staff_history: ClassVar[bool] = False
    history_collections: ClassVar[tuple[str, ...]] = ()
    duplicate: ClassVar[tuple[str, str] | None] = None

    # The database refuses an update made from an older version of the row.
    @declared_attr.directive
    def __mapper_args__(cls):
        return {"version_id_col": cls.version}

    @property
    def history_label(self) -> str:
        """How the record is named where another record's history points to it."""
        return getattr(self, "name", f"#{self.id}")


# Never history, on any record: the bookkeeping the save path itself does.
ALWAYS_EXCLUDED = frozenset({"id", "version", "created_at", "updated_at"})


# --- domain errors ------------------------------------------------------------


class DomainError(Exception):
    """A change the rules refuse, with a message in the user's words.

    `field` names the form field the message belongs to (None: the whole form).
    """

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class Duplicate(DomainError):
    """Another record already has this name, email or the like."""


class Refused(DomainError):
    """The change is not allowed (say, an admin removing their own admin role)."""


class EditConflict(DomainError):
    """Someone else saved the record after this person opened it."""

    def __init__(self, noun: str):
        super().__init__(
            f"Someone else changed this {noun} while you were editing it. "
            "Your changes have not been saved: check the details below, then save again."
        )


# --- the save path ----------------------------------------------------------------


def create(record: Tracked, values: dict) -> Tracked:
    """Add a new record with `values`, flushed so it has an id."""
    for field, value in values.items():
        setattr(record, field, value)
    db.session.add(record)
    _flush(record)
    return record


def update(record: Tracked, values: dict, *, version: int | None = None, noun: str = "record") -> bool:
    """Apply `values` to `record`. False when nothing differs (and nothing is written).

    `version` is the version the person was editing, from the form; if the
    record has moved on since, nothing changes and `EditConflict` is raised.
    """
    if version is not None and version != record.version:
        raise EditConflict(noun)
    changed = {field: value for field, value in values.items() if getattr(record, field) != value}
    if not changed:
        return False
    for field, value in changed.items():
        setattr(record, field, value)
    if any(field in record.history_collections for field in changed):
        # A collection lives in a table of its own: a change to it alone would
        # leave this row, and so its version, as it was, and a second person's
        # edit would pass unnoticed. Moving the version on makes it an UPDATE
        # that the database checks against the version this save started from.
        record.version += 1
    _flush(record, noun)
    return True


def archive(record: Tracked) -> None:
    if not record.is_archived:  # archiving twice keeps the first date
        record.archive()
        _flush(record)


def restore(record: Tracked) -> None:
    if record.is_archived:
        record.restore()
        _flush(record)


def delete(record: Tracked, *, noun: str = "record") -> None:
    """Remove `record` for good. Its history keeps the values it last had, so
    that "who took this off, and what was it" can still be answered."""
    db.session.delete(record)
    _flush(record, noun)


def _flush(record: Tracked, noun: str = "record") -> None:
    try:
        db.session.flush()
    except IntegrityError as error:
        # A unique index refused the save: a duplicate that raced past the
        # form's own check. The transaction cannot go on; start afresh.
        db.session.rollback()
        if record.duplicate is None:
            raise
        field, message = record.duplicate
        raise Duplicate(message, field) from error
    except StaleDataError as error:
        db.session.rollback()
        raise EditConflict(noun) from error


# --- history, written for every Tracked record at flush -------------------------


def stored_value(value) -> str | None:
    """A field's value as history keeps it: raw, as text."""
    if value is None:
        return None
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _actor_id() -> int | None:
    if has_request_context() and current_user and current_user.is_authenticated:
        return current_user.id
    return None  # the command line, a migration or a test factory


def _changed_fields(record: Tracked, *, new: bool) -> list[tuple[str, str | None, str | None]]:
    state = inspect(record)
    excluded = ALWAYS_EXCLUDED | record.history_exclude
    changes = []
    for column in state.mapper.column_attrs:
        field = column.key
        if field in excluded:
            continue
        history = state.attrs[field].history
        if new:
            after = stored_value(getattr(record, field))
            if after not in (None, ""):
                changes.append((field, None, after))
        elif history.has_changes():
            before = stored_value(history.deleted[0]) if history.deleted else None
            after = stored_value(history.added[0]) if history.added else None
            if before != after:
                changes.append((field, before, after))
    for field in record.history_collections:
        history = state.attrs[field].history
        if new or history.has_changes():
            before = _ids([*history.unchanged, *history.deleted])
            after = _ids([*history.unchanged, *history.added])
            if before != after and not (new and after is None):
                changes.append((field, None if new else before, after))
    return changes


def _ids(records) -> str | None:
    """A collection as history keeps it: its members' ids, in order, comma-separated."""
    return ",".join(str(record_id) for record_id in sorted(record.id for record in records)) or None


def _last_values(record: Tracked) -> list[tuple[str, str | None, str | None]]:
    """A deleted record's fields as they were, each going to nothing."""
    excluded = ALWAYS_EXCLUDED | record.history_exclude
    changes = []
    for column in inspect(record).mapper.column_attrs:
        if column.key not in excluded:
            before = stored_value(getattr(record, column.key))
            if before not in (None, ""):
                changes.append((column.key, before, None))
    for field in record.history_collections:
        before = _ids(getattr(record, field))
        if before is not None:
            changes.append((field, before, None))
    return changes


def _action(record: Tracked, fields: list[tuple[str, str | None, str | None]], *, new: bool) -> str:
    if new:
        return "created"
    archived = next((change for change in fields if change[0] == "archived_at"), None)
    if archived is not None:
        return "restored" if archived[2] is None else "archived"
    return "updated"


@event.listens_for(Session, "after_flush")
def _write_history(session: Session, flush_context) -> None:
    # After the flush, new records have their ids; the attribute histories
    # still hold what changed, `session.new` what was added and
    # `session.deleted` what was removed (None below: a deletion).
    rows = []
    actor_id = _actor_id()
    saved = [(r, True) for r in session.new] + [(r, False) for r in session.dirty]
    for record, new in saved + [(r, None) for r in session.deleted]:
        if not isinstance(record, Tracked):
            continue
        fields = _last_values(record) if new is None else _changed_fields(record, new=new)
        if not fields:
            continue
        key = uuid.uuid4().hex
        action = "deleted" if new is None else _action(record, fields, new=new)
        rows.extend(
            {
                "change_key": key,
                "record_type": record.__tablename__,
                "record_id": record.id,
                "action": action,
                "field": field,
                "before": before,
                "after": after,
                "actor_id": actor_id,
            }
            for field, before, after in fields
        )
    if rows:
        session.connection().execute(insert(HistoryEntry.__table__), rows)
