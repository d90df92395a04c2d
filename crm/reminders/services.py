"""The daily reminders (`flask --app wsgi crm send-reminders`).

Each partner organisation's active partner users get a digest of its
outstanding actions that are overdue (RAG red) or due within DUE_SOON_DAYS
(and not overdue); each active member of staff gets a digest of the actions
they are staff lead of. Nothing due, no digest.

A digest is one outbox row per recipient per Europe/London day (kind
"digest", the record: the organisation, or the staff lead's user), so a
second run that day, on this server or another, writes nothing new and
sends only what is still unsent.

The actions are read in two streamed queries, one ordered by owner and one
by staff lead, so memory holds one recipient's actions at a time and the
number of queries does not grow with the actions. Each digest is written in
a short transaction of its own (a second connection), so two runs at once
wait on one another only for a moment.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import groupby
from operator import attrgetter

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.actions.models import Action
from crm.actions.services import DUE_SOON_DAYS, outstanding, today
from crm.auth.models import Role, User
from crm.extensions import db
from crm.organisations.models import Organisation
from crm.outbox import services as outbox
from crm.outbox.models import OutboxMessage

STREAM_ROWS = 500


def _days(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"


@dataclass(frozen=True)
class DueAction:
    id: int
    reference: str
    title: str
    due_on: date
    owner_name: str
    day: date  # today, in London

    @property
    def overdue(self) -> bool:
        """RAG red: outstanding and due before today (crm.actions.services.rag_of)."""
        return self.due_on < self.day

    @property
    def when(self) -> str:
        if self.overdue:
            return f"overdue by {_days((self.day - self.due_on).days)}"
        days = (self.due_on - self.day).days
        return "due today" if days == 0 else f"due in {_days(days)}"

    @property
    def url(self) -> str:
        return outbox.action_url(self.id)


@dataclass
class Digest:
    """One recipient's reminder for one day."""

    user: User
    record: tuple[str, int]  # ("organisations", id) or ("users", id)
    name: str  # the organisation's name, or the staff lead's
    day: date
    actions: list[DueAction] = field(default_factory=list)

    @property
    def for_organisation(self) -> bool:
        return self.record[0] == "organisations"

    @property
    def overdue(self) -> list[DueAction]:
        return [action for action in self.actions if action.overdue]

    @property
    def due_soon(self) -> list[DueAction]:
        return [action for action in self.actions if not action.overdue]

    @property
    def sections(self) -> list[tuple[str, list[DueAction]]]:
        return [
            (heading, actions)
            for heading, actions in (("Overdue", self.overdue), ("Due soon", self.due_soon))
            if actions
        ]

    @property
    def subject(self) -> str:
        counts = []
        if self.overdue:
            counts.append(f"{len(self.overdue)} overdue")
        if self.due_soon:
            counts.append(f"{len(self.due_soon)} due soon")
        counts = " and ".join(counts)
        if self.for_organisation:
            return f"Actions for {self.name}: {counts}"
        return f"Your actions as staff lead: {counts}"

    @property
    def key(self) -> str:
        return outbox.message_key(outbox.DIGEST, self.user.email, self.record, self.day)

    def bodies(self) -> tuple[str, str]:
        return outbox.render("digest", user=self.user, digest=self, due_soon_days=DUE_SOON_DAYS)


def _due(day: date):
    """Outstanding and due by the end of the due-soon window: the red ones and
    the due-soon amber ones (an undated action sorts after every date)."""
    return (outstanding(), Action.due_key() <= day + timedelta(days=DUE_SOON_DAYS))


def _stream(session: Session, query) -> Iterator:
    return iter(session.execute(query.execution_options(yield_per=STREAM_ROWS)))


def organisation_digests(day: date, *, session: Session | None = None) -> Iterator[Digest]:
    """Per organisation with active partner users and something due, one digest per user."""
    session = session or db.session
    recipients: dict[int, list[User]] = {}
    for user in outbox.active_partner_users(session):
        recipients.setdefault(user.organisation_id, []).append(user)
    if not recipients:
        return
    with_partners = select(User.organisation_id).where(User.role == Role.PARTNER, User.disabled_at.is_(None))
    rows = _stream(
        session,
        select(Action.id, Action.reference, Action.title, Action.due_on, Action.owner_id)
        .where(*_due(day), Action.owner_id.in_(with_partners))
        .order_by(Action.owner_id, Action.due_key(), Action.id),
    )
    for owner_id, group in groupby(rows, key=attrgetter("owner_id")):
        users = recipients.get(owner_id)
        if not users:
            continue
        name = users[0].organisation.name
        actions = [DueAction(row.id, row.reference, row.title, row.due_on, name, day) for row in group]
        for user in users:
            yield Digest(user, ("organisations", owner_id), name, day, actions)


def staff_lead_digests(day: date, *, session: Session | None = None) -> Iterator[Digest]:
    """Per active member of staff (or admin) who is staff lead of something due."""
    session = session or db.session
    staff_roles = [Role.STAFF, Role.ADMIN]
    leads = {
        user.id: user
        for user in session.scalars(select(User).where(User.role.in_(staff_roles), User.disabled_at.is_(None)))
        if user.is_active
    }
    if not leads:
        return
    rows = _stream(
        session,
        select(Action.id, Action.reference, Action.title, Action.due_on, Action.staff_lead_id, Organisation.name)
        .join(Organisation, Organisation.id == Action.owner_id)
        .where(
            *_due(day),
            Action.staff_lead_id.in_(select(User.id).where(User.role.in_(staff_roles), User.disabled_at.is_(None))),
        )
        .order_by(Action.staff_lead_id, Action.due_key(), Action.id),
    )
    for lead_id, group in groupby(rows, key=attrgetter("staff_lead_id")):
        user = leads.get(lead_id)
        if user is None:
            continue
        actions = [DueAction(row.id, row.reference, row.title, row.due_on, row.name, day) for row in group]
        yield Digest(user, ("users", user.id), user.name, day, actions)


def digests(day: date, *, session: Session | None = None) -> Iterator[Digest]:
    yield from organisation_digests(day, session=session)
    yield from staff_lead_digests(day, session=session)


@dataclass
class ReminderRun:
    day: date
    written: int = 0  # digests new today
    existing: int = 0  # already in the outbox from an earlier run today
    sent: outbox.SendResult | None = None  # None on a dry run


def send_reminders(
    *,
    now: datetime | None = None,
    dry_run: bool = False,
    on_digest: Callable[[Digest, bool], None] | None = None,
) -> ReminderRun:
    """Write today's digests to the outbox and send what is unsent there.

    `on_digest(digest, new)` hears of each digest (`new` False when today's
    is there already). A dry run writes and sends nothing: it reads which
    digests are in the outbox already, to say so."""
    day = today(now)
    run = ReminderRun(day)
    # Today's digests written already (one row per recipient: few), so that a
    # second run skips them without rendering them again.
    existing = set(
        db.session.scalars(
            select(OutboxMessage.key).where(OutboxMessage.kind == outbox.DIGEST, OutboxMessage.day == day)
        )
    )
    # Read on db.session, write on a second session: each digest commits at
    # once, while the stream of actions goes on.
    with Session(db.engine) as writer:
        for digest in digests(day):
            new = digest.key not in existing
            if new and not dry_run:
                text, html = digest.bodies()
                # Another server may have written it since: then this writes nothing.
                new = outbox.queue(
                    outbox.DIGEST,
                    digest.user.email,
                    digest.subject,
                    text,
                    html,
                    user_id=digest.user.id,
                    record=digest.record,
                    day=day,
                    session=writer,
                )
                writer.commit()
            run.written += new
            run.existing += not new
            if on_digest:
                on_digest(digest, new)
    db.session.rollback()  # the reading transaction: nothing in it to keep
    if not dry_run:
        run.sent = outbox.send_pending(now=now)
    return run
