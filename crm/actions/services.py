"""Actions: their references, the RAG rating, the register, and every change
to them (agreed at a meeting or raised on their own, progress, status, and
partners' requests with staff's answers). Services flush, never commit."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask_login import current_user
from sqlalchemy import ColumnElement, and_, false, func, not_, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import contains_eager, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from crm import records
from crm.actions.models import (
    Action,
    ActionPriority,
    ActionRequest,
    ActionStatus,
    ActionUpdate,
    ReferenceCounter,
    RequestKind,
    RequestStatus,
)
from crm.auth.models import Role, User
from crm.contacts.models import Contact
from crm.database import folded, utcnow
from crm.enums import LabelledEnum
from crm.extensions import db
from crm.formatting import LONDON, date_short
from crm.history.services import history_of
from crm.lists import Filter, ListFilters, date_filter, enum_filter, filter_field, id_filter, text_filter
from crm.meetings.models import AgendaItem, Meeting, MeetingStatus
from crm.organisations.models import Organisation
from crm.organisations.services import named_like
from crm.pagination import Listing, capped
from crm.search import FullText, TextSearch
from crm.series.models import MeetingSeries
from crm.visibility import name_if_visible, scoped, visible

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
    _said(action, text, author, status=status if moved else None, meeting_id=meeting_id)
    return True


# --- the register ------------------------------------------------------------------

# Outstanding actions are the register's default view; closed ones are shown apart.
SHOWING = {"outstanding": "Outstanding", "closed": "Completed and cancelled", "all": "All"}


def _organisation_name(organisation_id: int) -> str:
    return name_if_visible(current_user, Organisation.name, organisation_id, "an organisation you cannot see")


def _series_name(series_id: int) -> str:
    return name_if_visible(current_user, MeetingSeries.name, series_id, "a series you cannot see")


def _staff_name(user_id: int) -> str:
    name = db.session.scalar(select(User.name).where(User.id == user_id, User.role.in_([Role.STAFF, Role.ADMIN])))
    return name or "someone who is not staff"


@dataclass(frozen=True)
class ActionFilters(ListFilters):
    """The register: outstanding, closed or all; by status, RAG, organisation,
    series, staff lead, due dates and "my actions"; searched by title or
    reference; sorted by due date (soonest first), reference, title or last change."""

    show: str | None = filter_field(
        Filter("show", "Showing", parse=lambda raw: raw if raw in ("closed", "all") else None, describe=SHOWING.get)
    )
    status: ActionStatus | None = filter_field(enum_filter("status", "Status", ActionStatus))
    rag: Rag | None = filter_field(enum_filter("rag", "RAG", Rag))
    organisation: int | None = filter_field(id_filter("organisation", "Owner", describe=_organisation_name))
    # Typed in the panel: actions of any organisation whose name has this in it.
    organisation_name: str | None = filter_field(text_filter("org", "Owner name"))
    series: int | None = filter_field(id_filter("series", "Series", describe=_series_name))
    staff_lead: int | None = filter_field(id_filter("staff_lead", "Staff lead", describe=_staff_name))
    mine: bool | None = filter_field(
        Filter(
            "mine",
            "Only",
            parse=lambda raw: True if raw == "yes" else None,
            dump=lambda _: "yes",
            describe=lambda _: "my actions",
        )
    )
    due_from: date | None = filter_field(date_filter("due_from", "Due from"))
    due_to: date | None = filter_field(date_filter("due_to", "Due by"))

    SORTS = ("due", "reference", "title", "updated")
    TABS = ("show",)  # outstanding, closed or all

    @property
    def showing(self) -> str:
        return self.show or "outstanding"


# The SQLite trigram table over actions' titles and references (migration 0005).
SEARCH_INDEX = FullText("actions_search", Action.id, {"title": Action.title, "reference": Action.reference})


def mine(user: User) -> ColumnElement[bool]:
    """ "My actions" (DESIGN 6.11): staff, those they are staff lead of, and for
    anyone, those whose lead person is their own contact record."""
    led = Action.lead_id == user.contact_id if user.contact_id else false()
    if user.is_staff_or_admin:
        return or_(Action.staff_lead_id == user.id, led)
    return led


def _conditions(user: User, filters: ActionFilters, now: datetime | None) -> list:
    conditions = []
    if filters.showing == "outstanding":
        conditions.append(outstanding())
    elif filters.showing == "closed":
        conditions.append(Action.status.in_(ActionStatus.closed()))
    if filters.status:
        conditions.append(Action.status == filters.status)
    if filters.rag:
        conditions.append(rag_condition(filters.rag, now))
    if filters.organisation:
        conditions.append(Action.owner_id == filters.organisation)
    if filters.organisation_name:
        conditions.append(Action.owner_id.in_(named_like(user, filters.organisation_name)))
    if filters.series:
        in_series = select(Meeting.id).where(Meeting.series_id == filters.series)
        conditions.append(Action.meeting_id.in_(in_series))
    if filters.staff_lead:
        conditions.append(Action.staff_lead_id == filters.staff_lead)
    if filters.mine:
        conditions.append(mine(user))
    if filters.due_from:
        conditions.append(Action.due_on >= filters.due_from)
    if filters.due_to:
        conditions.append(Action.due_on <= filters.due_to)
    return conditions


def list_actions(user: User, filters: ActionFilters, *, now: datetime | None = None) -> Listing:
    """The register as `user` may see it (crm.visibility), filtered and sorted."""
    sorts = {
        "due": (Action.due_key(), Action.id),
        "reference": (Action.reference, Action.id),
        "title": (folded(Action.title), Action.id),
        "updated": (Action.updated_at, Action.id),
    }
    keys = sorts.get(filters.sort, sorts["due"])
    searches = [TextSearch(filters.q, SEARCH_INDEX, ("title", "reference"), prefix=Action.title)] if filters.q else []
    return Listing(
        visible(user, Action),
        keys=keys,
        filters=_conditions(user, filters, now),
        # The latest change first is what "updated" is for; a second click reverses it.
        descending=(not filters.descending) if filters.sort == "updated" else filters.descending,
        searches=searches,
        options=(joinedload(Action.owner), joinedload(Action.lead)),
    )


def register_rows(user: User, filters: ActionFilters, *, now: datetime | None = None):
    """Every row of the register as filtered, in its order, a batch at a time
    (for the CSV export: memory stays flat however many rows there are)."""
    listing = list_actions(user, filters, now=now)
    order = [key.desc() if listing.descending else key.asc() for key in listing.keys]
    loaded = (*listing.options, joinedload(Action.staff_lead), joinedload(Action.meeting))
    query = listing.rows(indexed=True).options(*loaded).order_by(*order)
    return db.session.scalars(query.execution_options(yield_per=500))


def export_source(action: Action, *, staff: bool) -> str:
    """Where an action came from, in a CSV row. Staff get the meeting; a partner,
    whose rows may include actions agreed in items it may not read, only that
    it was agreed at a meeting (DESIGN 6.2)."""
    if action.meeting_id is None:
        return "Raised on its own"
    if not staff:
        return "Agreed at a meeting"
    return f"{action.meeting.title}, {action.meeting.starts_at.astimezone(LONDON).date().isoformat()}"


def rag_counts(user: User, *, now: datetime | None = None) -> dict[Rag, int]:
    """How many of the actions `user` may see are red, amber and green, in one query (capped counts)."""
    base = visible(user, Action)
    columns = [capped(base.where(rag_condition(rag, now))).label(rag.value) for rag in Rag]
    row = db.session.execute(select(*columns)).one()
    return {rag: getattr(row, rag.value) for rag in Rag}


# --- raising, changing and progressing an action --------------------------------------------

REGISTER_FIELDS = ("priority", "staff_lead_id", "staff_notes")


def _register_values(data: dict) -> dict:
    """`_values`, and the fields the register's own form adds."""
    values = _values(data)
    if "priority" in data:
        values["priority"] = ActionPriority(data.get("priority") or ActionPriority.MEDIUM.value)
    if "staff_lead_id" in data:
        values["staff_lead_id"] = int(data["staff_lead_id"]) if data.get("staff_lead_id") else None
        if values["staff_lead_id"] is not None:
            role = db.session.scalar(select(User.role).where(User.id == values["staff_lead_id"]))
            if role not in (Role.STAFF, Role.ADMIN):
                raise records.Refused("Select a member of staff as the staff lead", "staff_lead_id")
    if "staff_notes" in data:
        values["staff_notes"] = data.get("staff_notes") or ""
    return values


def raise_action(data: dict, *, now: datetime | None = None) -> Action:
    """An action raised on its own, outside a meeting."""
    values = _register_values(data) | {
        "reference": next_reference(action_prefix(now)),
        "status": ActionStatus.OPEN,
        "last_update_at": now or utcnow(),
    }
    return records.create(Action(), values)


def change_action(action: Action, data: dict, *, version: int | None = None) -> bool:
    """Correct an action from the register: its details, owner, leads, due date, priority, notes."""
    return records.update(action, _register_values(data), version=version, noun="action")


def _said(
    action: Action,
    text: str,
    author: User | None,
    *,
    status: ActionStatus | None = None,
    meeting_id: int | None = None,
    now: datetime | None = None,
) -> ActionUpdate:
    """A line on the action's trail; saying anything counts as an update for its RAG rating."""
    line = ActionUpdate(
        action_id=action.id,
        text=text,
        status=status,
        meeting_id=meeting_id,
        author_id=author.id if author else None,
        created_at=now or utcnow(),
    )
    db.session.add(line)
    db.session.flush()
    _touch(action, line.created_at)
    return line


def _touch(action: Action, moment: datetime) -> None:
    """Note that something was said about `action` (its RAG rating reads it).
    Saying something is not editing the action, so its version stays: someone
    editing it meanwhile still saves (a plain UPDATE, not the save path)."""
    db.session.execute(update(Action.__table__).where(Action.__table__.c.id == action.id).values(last_update_at=moment))
    set_committed_value(action, "last_update_at", moment)


def set_status(
    action: Action,
    status: ActionStatus,
    text: str,
    author: User | None,
    *,
    version: int | None = None,
    now: datetime | None = None,
) -> bool:
    """Staff move an action on. Completing it needs what was done, which goes on its trail."""
    if version is not None and version != action.version:
        raise records.EditConflict("action")
    if status is ActionStatus.COMPLETED and not text:
        raise records.Refused("Say what was done to complete the action", "done")
    if status is action.status:
        if not text:
            return False
        _said(action, text, author, now=now)
        return True
    records.update(action, {"status": status}, noun="action")
    _said(action, text, author, status=status, now=now)
    _answer_waiting(action, status, author, now=now)
    return True


def post_progress(action: Action, text: str, author: User | None, *, now: datetime | None = None) -> ActionUpdate:
    """A line of progress posted on the action's page, by its owner or by staff."""
    if not text:
        raise records.Refused("Enter the progress made", "progress")
    if action.status.is_closed:
        raise records.Refused(
            f"This action is {action.status.label.lower()}: progress can no longer be posted", "progress"
        )
    return _said(action, text, author, now=now)


def _answer_waiting(action: Action, status: ActionStatus, author: User | None, *, now: datetime | None) -> None:
    """Closing an action answers the requests still waiting on it: completing it
    approves a completion request; anything else that closes it declines them."""
    if not status.is_closed:
        return
    for request in pending_requests_of(action):
        approved = status is ActionStatus.COMPLETED and request.kind is RequestKind.COMPLETION
        _decide(request, approved, "Answered when the action was " + status.label.lower(), author, now=now)


# --- partners' requests, and staff's answers ----------------------------------------------


def pending_requests_of(action: Action) -> list[ActionRequest]:
    return list(
        db.session.scalars(
            select(ActionRequest)
            .where(ActionRequest.action_id == action.id, ActionRequest.status == RequestStatus.PENDING)
            .order_by(ActionRequest.id)
        )
    )


def _check_can_ask(action: Action, kind: RequestKind) -> None:
    if action.status.is_closed:
        raise records.Refused(f"This action is {action.status.label.lower()}: there is nothing to ask")
    if any(request.kind is kind for request in pending_requests_of(action)):
        raise records.Refused(f"A {kind.label.lower()} request is already waiting for a decision on this action")


def request_completion(action: Action, done: str, user: User, *, now: datetime | None = None) -> ActionRequest:
    """The owner says the action is done; staff confirm it, or send it back with a reason."""
    if not done:
        raise records.Refused("Say what was done", "done")
    _check_can_ask(action, RequestKind.COMPLETION)
    return _ask(action, RequestKind.COMPLETION, done, user, now=now)


def request_new_date(
    action: Action, proposed: date, reason: str, user: User, *, now: datetime | None = None
) -> ActionRequest:
    """The owner asks for more time; staff approve the new date or decline it, with a reason."""
    if proposed < today(now):
        raise records.Refused("The new due date must be today or later", "proposed_due_on")
    if proposed == action.due_on:
        raise records.Refused("The new due date is the date the action is already due", "proposed_due_on")
    if not reason:
        raise records.Refused("Say why more time is needed", "reason")
    _check_can_ask(action, RequestKind.NEW_DATE)
    return _ask(action, RequestKind.NEW_DATE, reason, user, proposed=proposed, now=now)


def _ask(action, kind, reason, user, *, proposed=None, now=None) -> ActionRequest:
    moment = now or utcnow()
    request = records.create(
        ActionRequest(),
        {
            "action_id": action.id,
            "kind": kind,
            "reason": reason,
            "proposed_due_on": proposed,
            "status": RequestStatus.PENDING,
            "requested_by_id": user.id,
            "created_at": moment,
        },
    )
    _touch(action, moment)
    return request


def decide_request(
    request: ActionRequest,
    approve: bool,
    answer: str,
    user: User,
    *,
    version: int | None = None,
    now: datetime | None = None,
) -> None:
    """Staff answer a request. Approving a completion completes the action;
    approving a new date moves its due date. Declining needs a reason."""
    if version is not None and version != request.version:
        raise records.EditConflict("request")
    if request.status is not RequestStatus.PENDING:
        raise records.Refused("This request has already been answered")
    if not approve and not answer:
        raise records.Refused("Say why, so that the partner knows what to do next", "answer")
    action = request.action
    if approve and request.kind is RequestKind.COMPLETION:
        records.update(action, {"status": ActionStatus.COMPLETED}, noun="action")
        _said(action, request.reason, request.requested_by, status=ActionStatus.COMPLETED, now=now)
    elif approve:
        records.update(action, {"due_on": request.proposed_due_on}, noun="action")
    _decide(request, approve, answer, user, now=now)
    _touch(action, now or utcnow())


def _decide(request: ActionRequest, approve: bool, answer: str, user: User | None, *, now) -> None:
    records.update(
        request,
        {
            "status": RequestStatus.APPROVED if approve else RequestStatus.DECLINED,
            "answer": answer,
            "decided_by_id": user.id if user else None,
            "decided_at": now or utcnow(),
        },
        noun="request",
    )


def waiting_requests(user: User, *, limit: int = 10) -> list[ActionRequest]:
    """Requests waiting for staff's decision on actions `user` may see, oldest first."""
    # The action's visibility applies to the joined action itself (`scoped`), not as
    # "id IN (every action the user may see)": for staff that list is the whole table,
    # which SQLite walks as the outer loop instead of the waiting requests' index.
    query = scoped(
        user,
        select(ActionRequest)
        .join(ActionRequest.action)
        .where(ActionRequest.status == RequestStatus.PENDING)
        .options(contains_eager(ActionRequest.action).joinedload(Action.owner))
        .order_by(ActionRequest.created_at, ActionRequest.id)
        .limit(limit),
        Action,
    )
    return list(db.session.scalars(query))


# --- an action's page -------------------------------------------------------------


@dataclass
class TimelineEntry:
    """One event on an action's timeline: who, when, what, and any words said."""

    at: datetime
    who: str
    title: str
    text: str = ""
    changes: list = field(default_factory=list)
    meeting: Meeting | None = None
    created: bool = False  # the action's first entry: its fields as they were set


def timeline(user: User, action: Action, permissions, *, shown: int = 50) -> list[TimelineEntry]:
    """Progress, requests and answers, and the changes to the action's fields that
    `user` may read (history's audience per field), newest first."""
    entries = []
    for change in history_of(action, permissions) or []:
        created = change.action == "Created"
        title = "Action raised" if created else "Changed"
        entries.append(TimelineEntry(change.changed_at, change.actor, title, changes=change.fields, created=created))
    readable_meetings = set(
        db.session.scalars(
            visible(user, Meeting)
            .with_only_columns(Meeting.id)
            .where(Meeting.id.in_(select(ActionUpdate.meeting_id).where(ActionUpdate.action_id == action.id)))
        )
    )
    updates = db.session.scalars(
        select(ActionUpdate)
        .where(ActionUpdate.action_id == action.id)
        .options(joinedload(ActionUpdate.author), joinedload(ActionUpdate.meeting))
        .order_by(ActionUpdate.id.desc())
        .limit(shown)
    )
    for line in updates:
        if not line.text:
            continue  # a bare status change: its history says it
        said_at = line.meeting if line.meeting_id in readable_meetings else None
        title = "What was done" if line.status is ActionStatus.COMPLETED else "Progress"
        entries.append(TimelineEntry(line.created_at, _name(line.author), title, line.text, meeting=said_at))
    requests = db.session.scalars(
        select(ActionRequest)
        .where(ActionRequest.action_id == action.id)
        .options(joinedload(ActionRequest.requested_by), joinedload(ActionRequest.decided_by))
        .order_by(ActionRequest.id.desc())
        .limit(shown)
    )
    for request in requests:
        if request.kind is RequestKind.COMPLETION:
            asked = "Asked for the action to be confirmed as completed"
        else:
            asked = f"Asked for a new due date: {date_short(request.proposed_due_on)}"
        entries.append(TimelineEntry(request.created_at, _name(request.requested_by), asked, request.reason))
        if request.decided_at is not None:
            verdict = {
                (RequestKind.COMPLETION, RequestStatus.APPROVED): "Completion confirmed",
                (RequestKind.COMPLETION, RequestStatus.DECLINED): "Completion sent back",
                (RequestKind.NEW_DATE, RequestStatus.APPROVED): "New due date approved",
                (RequestKind.NEW_DATE, RequestStatus.DECLINED): "New due date declined",
            }[(request.kind, request.status)]
            entries.append(TimelineEntry(request.decided_at, _name(request.decided_by), verdict, request.answer))
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries


def _name(user: User | None) -> str:
    return user.name if user else "The system"


@dataclass(frozen=True)
class Source:
    """Where an action came from, as a user may be told (DESIGN 6.2)."""

    text: str
    meeting: Meeting | None = None
    item_title: str = ""


def source_of(user: User, action: Action) -> Source:
    """Staff see the meeting and item; a partner sees them too, unless the item is
    OFFICIAL-SENSITIVE or the meeting out of its sight: then only "agreed at a meeting"."""
    if action.meeting_id is None:
        return Source("Raised on its own")
    item = action.agenda_item
    if user.is_staff_or_admin:
        return Source("Agreed at", action.meeting, item.title if item else "")
    if item is not None and item.marking.is_sensitive:
        return Source("Agreed at a meeting")
    meeting = db.session.scalar(visible(user, Meeting).where(Meeting.id == action.meeting_id))
    if meeting is None:
        return Source("Agreed at a meeting")
    agenda_readable = meeting.status.reached(MeetingStatus.AGENDA_PUBLISHED)
    return Source("Agreed at", meeting, item.title if item and agenda_readable else "")


def dashboard_actions(user: User, *, now: datetime | None = None, limit: int = 5) -> dict:
    """The dashboard's lists of actions, each read through the register's own indexes."""
    now = now or utcnow()
    day = today(now)
    base = visible(user, Action).options(joinedload(Action.owner))
    by_due = (Action.due_key(), Action.id)

    def rows(*conditions, order=by_due):
        return list(db.session.scalars(base.where(*conditions).order_by(*order).limit(limit)))

    return {
        "overdue": rows(rag_condition(Rag.RED, now)),
        "due_soon": rows(
            outstanding(), Action.due_key() >= day, Action.due_key() <= day + timedelta(days=DUE_SOON_DAYS)
        ),
        "due_this_week": rows(outstanding(), Action.due_key() >= day, Action.due_key() <= day + timedelta(days=7)),
        "mine": rows(outstanding(), mine(user)),
        "recent": rows(order=(Action.updated_at.desc(), Action.id.desc())),
    }


def overdue_by_organisation(
    user: User, *, now: datetime | None = None, limit: int = 10
) -> list[tuple[Organisation, int]]:
    """Organisations with the most overdue actions, and how many each has."""
    overdue = visible(user, Action).where(rag_condition(Rag.RED, now))
    counted = (
        overdue.with_only_columns(Action.owner_id, func.count().label("late"))
        .group_by(Action.owner_id)
        .order_by(func.count().desc(), Action.owner_id)
        .limit(limit)
        .subquery()
    )
    query = (
        select(Organisation, counted.c.late)
        .join(counted, counted.c.owner_id == Organisation.id)
        .order_by(counted.c.late.desc(), folded(Organisation.name))
    )
    return [(organisation, late) for organisation, late in db.session.execute(query)]


ANSWERS_SHOWN_FOR = timedelta(days=30)


def answered_requests(user: User, *, now: datetime | None = None, limit: int = 5) -> list[ActionRequest]:
    """Requests on actions `user` may see answered in the last 30 days, latest first: the partner sees the answer."""
    since = (now or utcnow()) - ANSWERS_SHOWN_FOR
    query = scoped(
        user,
        select(ActionRequest)
        .join(ActionRequest.action)
        .where(ActionRequest.decided_at >= since)
        .options(contains_eager(ActionRequest.action))
        .order_by(ActionRequest.decided_at.desc(), ActionRequest.id.desc())
        .limit(limit),
        Action,
    )
    return list(db.session.scalars(query))
