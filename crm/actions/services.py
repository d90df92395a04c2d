"""Actions: their references, the RAG rating, the register, and every change
to them (agreed at a meeting or raised on their own, progress, status, and
partners' requests with staff's answers). Services flush, never commit."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, and_, not_, or_, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from crm import records
from crm.actions.models import (
    Action,
    ActionStatus,
    ActionUpdate,
    ReferenceCounter,
)
from crm.auth.models import User
from crm.contacts.models import Contact
from crm.database import utcnow
from crm.enums import LabelledEnum
from crm.extensions import db
from crm.formatting import LONDON
from crm.meetings.models import AgendaItem
from crm.organisations.models import Organisation

ACTION_PREFIX = "A"


def next_reference(prefix: str) -> str:
    """The next reference under `prefix` ("A-2026" -> "A-2026-014").

    One statement both counts and reads (an upsert with RETURNING), so two
    requests, on one server or two, can never be handed the same number:
    the database serialises them on the counter's row.
    """
    insert = postgresql_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = (
        insert(ReferenceCounter)
        .values(prefix=prefix, last=1)
        .on_conflict_do_update(index_elements=[ReferenceCounter.prefix], set_={"last": ReferenceCounter.last + 1})
        .returning(ReferenceCounter.last)
    )
    number = db.session.execute(statement).scalar_one()
    return f"{prefix}-{number:03d}"


def action_prefix(now: datetime | None = None) -> str:
    """ "A-2026": the year the action is created in, in UK time."""
    return f"{ACTION_PREFIX}-{(now or utcnow()).astimezone(LONDON).year}"


def today(now: datetime | None = None) -> date:
    """Today in the UK, which is what "late" is measured against."""
    return (now or utcnow()).astimezone(LONDON).date()


# --- the RAG rating: computed from the data, never typed ----------------------------

DUE_SOON_DAYS = 14  # due within this many days: amber
STALE_DAYS = 30  # no update for this many days: amber


class Rag(LabelledEnum):
    """How an outstanding action is doing. Completed and cancelled ones have no rating."""

    RED = "red", "Red: overdue"
    AMBER = "amber", "Amber: due soon or no recent update"
    GREEN = "green", "Green: on track"

    @property
    def short(self) -> str:
        return self.value.capitalize()


def rag_of(action: Action, now: datetime | None = None) -> Rag | None:
    """Red when overdue; amber when due within 14 days or no update for 30 days;
    green otherwise; None once completed or cancelled. The same rule as `rag_condition`."""
    if action.status.is_closed:
        return None
    now = now or utcnow()
    day = today(now)
    if action.due_on is not None and action.due_on < day:
        return Rag.RED
    due_soon = action.due_on is not None and action.due_on <= day + timedelta(days=DUE_SOON_DAYS)
    if due_soon or action.last_update_at < now - timedelta(days=STALE_DAYS):
        return Rag.AMBER
    return Rag.GREEN


def outstanding() -> ColumnElement[bool]:
    return Action.status.in_(ActionStatus.still_open())


def rag_condition(rag: Rag, now: datetime | None = None) -> ColumnElement[bool]:
    """The actions rated `rag` now, as SQL (the rule of `rag_of`)."""
    now = now or utcnow()
    day = today(now)
    overdue = Action.due_key() < day
    due_soon = Action.due_key() <= day + timedelta(days=DUE_SOON_DAYS)
    stale = Action.last_update_at < now - timedelta(days=STALE_DAYS)
    if rag is Rag.RED:
        return and_(outstanding(), overdue)
    amber = or_(due_soon, stale)
    if rag is Rag.AMBER:
        return and_(outstanding(), Action.due_key() >= day, amber)
    return and_(outstanding(), not_(due_soon), not_(stale))


def _check_lead(owner_id: int, lead_id: int | None) -> None:
    if lead_id is None:
        return
    lead_organisation = db.session.scalar(select(Contact.organisation_id).where(Contact.id == lead_id))
    if lead_organisation != owner_id:
        raise records.Refused(
            "The lead person must work for the owner organisation: choose someone there, or no one", "lead_id"
        )


def _values(data: dict) -> dict:
    values = {
        "title": data["title"],
        "owner_id": int(data["owner_id"]),
        "lead_id": int(data["lead_id"]) if data.get("lead_id") else None,
        "due_on": data.get("due_on"),
        "description": data.get("description") or "",
    }
    if db.session.get(Organisation, values["owner_id"]) is None:
        raise records.Refused("Select the organisation that owns the action", "owner_id")
    _check_lead(values["owner_id"], values["lead_id"])
    return values


def create_action(item: AgendaItem, data: dict, *, now: datetime | None = None) -> Action:
    """An action agreed in `item`, open, with the next reference of the year."""
    values = _values(data)
    values |= {
        "reference": next_reference(action_prefix(now)),
        "status": ActionStatus.OPEN,
        "meeting_id": item.meeting_id,
        "agenda_item_id": item.id,
    }
    return records.create(Action(), values)


def update_action(action: Action, data: dict, *, version: int | None = None) -> bool:
    """Correct an action agreed at a meeting: its details, its status, the item it belongs to."""
    values = _values(data)
    if "status" in data:
        values["status"] = ActionStatus(data["status"])
    if data.get("agenda_item_id"):
        values["agenda_item_id"] = int(data["agenda_item_id"])
    return records.update(action, values, version=version, noun="action")


def record_progress(
    action: Action,
    *,
    meeting_id: int,
    status: ActionStatus,
    text: str,
    author: User | None,
    version: int | None = None,
) -> bool:
    """A line of progress said at a meeting's matters arising, and the status it
    moved to. The status goes through the save path, so the action's history
    keeps it; the line is an ActionUpdate. False when there was nothing to say."""
    if version is not None and version != action.version:
        raise records.EditConflict("action")
    moved = status is not action.status
    if not moved and not text:
        return False
    if moved:
        records.update(action, {"status": status}, noun="action")
    db.session.add(
        ActionUpdate(
            action_id=action.id,
            text=text,
            status=status if moved else None,
            meeting_id=meeting_id,
            author_id=author.id if author else None,
        )
    )
    db.session.flush()
    return True
