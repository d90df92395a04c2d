"""The outbox (DESIGN 6.12): every email is a row, written once and sent from there.

- `queue` writes a message unless one with the same key is there already.
- `after_commit` is how a request sends mail: what it registers runs only once
  the request's own transaction has committed, in a transaction of its own,
  and the messages it writes are then sent.
- `send_pending` claims unsent rows, sends each, and marks it sent or keeps its
  error for the next run.
- `action_assigned`, `request_answered` and `minutes_circulated` are the
  workflow's messages: each finds its recipients and queues one per person.

A message's key is its kind, the record it is about, the Europe/London day
for a digest, and the recipient, so a second run or a second server that
would write the same message finds it there and writes nothing.
"""

from __future__ import annotations

import email.policy
import hashlib
import logging
import os
import smtplib
import ssl
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from functools import partial
from pathlib import Path

from flask import current_app
from sqlalchemy import event, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, SessionTransaction, joinedload

from crm.actions.models import Action, ActionRequest, RequestKind, RequestStatus
from crm.auth.models import Role, User
from crm.database import utcnow
from crm.extensions import db
from crm.formatting import LONDON
from crm.meetings.models import Meeting
from crm.organisations.models import Organisation
from crm.outbox.models import EMAIL_MAX, KEY_MAX, SUBJECT_MAX, OutboxMessage

log = logging.getLogger(__name__)

# The kinds of message. Invitations and password resets, when they come, are
# keyed by their own token instead of a record.
DIGEST = "digest"
ACTION_ASSIGNED = "action_assigned"
REQUEST_ANSWERED = "request_answered"
MINUTES_CIRCULATED = "minutes_circulated"

# A claim older than this is taken to be a sender that died, and is retaken.
CLAIM_TIMEOUT = timedelta(minutes=10)
# Rows claimed at once: few enough to be sent long before their claim goes
# stale, however slow the mail server (each send waits CRM_SMTP_TIMEOUT at most).
CLAIM_BATCH = 20
ERROR_MAX = 2_000

Record = tuple[str, int]


# --- writing a message ---------------------------------------------------------------


def message_key(kind: str, recipient: str, record: Record | None = None, day: date | None = None) -> str:
    """`kind|record|day|recipient`, e.g. `digest|organisations:3|2026-12-03|ann@example.org`.

    The recipient comes last: it is the only part that may hold any character,
    so the parts before it can never run into one another."""
    parts = (
        kind,
        f"{record[0]}:{record[1]}" if record else "",
        day.isoformat() if day else "",
        recipient.strip().lower(),
    )
    key = "|".join(parts)
    if len(key) > KEY_MAX:
        raise ValueError(f"An outbox key is at most {KEY_MAX} characters: {key[:60]}...")
    return key


def _one_line(text: str, limit: int) -> str:
    """A header's value: one line (a newline in a title must not start a new header), cut to fit."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# Where `queue` notes the ids of the rows it wrote, on the session it wrote them in.
_WRITTEN = "crm.outbox.written"


def queue(
    kind: str,
    recipient: str,
    subject: str,
    body_text: str,
    body_html: str = "",
    *,
    user_id: int | None = None,
    record: Record | None = None,
    day: date | None = None,
    session: Session | None = None,
) -> bool:
    """Write a message to the outbox unless one with its key is there; True when it is new.

    One statement, insert-or-ignore on the unique key, so two runs or two
    servers writing the same message at once leave one row. It flushes
    nothing and commits nothing: the caller's transaction (`session`, by
    default `db.session`) does."""
    session = session or db.session
    recipient = recipient.strip()
    if not recipient or len(recipient) > EMAIL_MAX:
        raise ValueError(f"Not an address the outbox can send to: {recipient!r}")
    insert = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = (
        insert(OutboxMessage)
        .values(
            key=message_key(kind, recipient, record, day),
            kind=kind,
            recipient=recipient,
            user_id=user_id,
            record_type=record[0] if record else "",
            record_id=record[1] if record else None,
            day=day,
            subject=_one_line(subject, SUBJECT_MAX),
            body_text=body_text,
            body_html=body_html,
        )
        .on_conflict_do_nothing(index_elements=[OutboxMessage.key])
        .returning(OutboxMessage.id)
    )
    new_id = session.execute(statement).scalar_one_or_none()
    if new_id is not None:
        session.info.setdefault(_WRITTEN, []).append(new_id)
    return new_id is not None


# --- after the request's commit ------------------------------------------------------------
#
# Why session events and not Flask's after_this_request or teardown: what
# decides whether the messages may go is the commit itself, not the response.
# A view may commit and then fail, or answer 200 having rolled back; a command
# or a test commits with no request at all. The `after_commit` event fires
# only once the database has committed the session's outermost transaction;
# a rollback, a savepoint rolled back, or a session closed without committing
# drops what was registered in it. The builders then run in a Session of
# their own, on a connection of their own, in a transaction of their own: the
# request's session is finished with and is never used to write them.
#
# The messages are sent right after they are written, before the request's
# response goes out: the wait is the mail server's handover (bounded by
# CRM_SMTP_TIMEOUT, and cut short for the rest once the server is found down).
# Nothing here can fail the request: an error is logged, and a message that
# did not go stays in the outbox for the next `crm send-outbox` or
# `crm send-reminders` run.

_PENDING = "crm.outbox.after_commit"


@dataclass(frozen=True)
class _Pending:
    transaction: SessionTransaction | None  # the (nested) transaction it was registered in
    build: Callable[..., object]


def after_commit(build: Callable[..., object], /, *args, **kwargs) -> None:
    """Once the current transaction of `db.session` has committed, call
    `build(*args, session=own, **kwargs)` in a new session's own transaction,
    then send the messages it queued. If the transaction rolls back instead,
    nothing is called and nothing is written.

        outbox.after_commit(outbox.action_assigned, action.id)
        db.session.commit()
    """
    session = db.session()
    transaction = session.get_nested_transaction() or session.get_transaction()
    session.info.setdefault(_PENDING, []).append(_Pending(transaction, partial(build, *args, **kwargs)))


def _within(transaction: SessionTransaction | None, boundary: SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is boundary:
            return True
        transaction = transaction.parent
    return False


@event.listens_for(db.session, "after_commit")
def _committed(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint released: the outer transaction may still roll back
    pending = session.info.pop(_PENDING, None)
    if pending:
        run_after_commit([item.build for item in pending])


@event.listens_for(db.session, "after_soft_rollback")
def _rolled_back(session: Session, previous_transaction: SessionTransaction) -> None:
    pending = session.info.get(_PENDING)
    if pending and previous_transaction.nested:
        session.info[_PENDING] = [item for item in pending if not _within(item.transaction, previous_transaction)]


@event.listens_for(db.session, "after_transaction_end")
def _ended(session: Session, transaction: SessionTransaction) -> None:
    # The outermost transaction is over; a commit has already taken its messages.
    if transaction.parent is None:
        session.info.pop(_PENDING, None)


def run_after_commit(builds: Iterable[Callable[..., object]]) -> list[int]:
    """Run each build in its own session and transaction, then send what they wrote.
    Errors are logged, never raised: the request has committed already."""
    written: list[int] = []
    for build in builds:
        try:
            with Session(db.engine) as session:
                with session.begin():
                    build(session=session)
                written += session.info.get(_WRITTEN, [])
        except Exception:
            log.exception("Messages to write after a commit could not be written (%r)", build)
    if written:
        try:
            send_pending(ids=written)
        except Exception:
            log.exception("Messages written after a commit could not be sent; they stay in the outbox")
    return written


# --- sending ----------------------------------------------------------------------------


class TransportDown(Exception):
    """The mail server cannot be reached (or refuses us): no use trying the next message now."""


class FileTransport:
    """Development and tests: each message as an .eml file in a folder."""

    def __init__(self, directory: str | os.PathLike):
        self.directory = Path(directory)

    def send(self, message: EmailMessage, name: str) -> None:
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            path = self.directory / f"{name}.eml"
            partial_path = path.with_name(f".{path.name}.part")
            partial_path.write_bytes(bytes(message))
            os.replace(partial_path, path)  # a reader never sees half a file
        except OSError as error:
            raise TransportDown(f"Could not write to {self.directory}: {error}") from error

    def close(self) -> None:
        pass


class SmtpTransport:
    """One connection to the mail server for a whole run, opened at the first message."""

    def __init__(self, host: str, port: int, *, username="", password="", starttls=True, timeout=10):
        self.host, self.port = host, port
        self.username, self.password = username, password
        self.starttls, self.timeout = starttls, timeout
        self._smtp: smtplib.SMTP | None = None

    def _connection(self) -> smtplib.SMTP:
        if self._smtp is None:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            try:
                smtp.ehlo()
                if self.starttls:
                    # Verify the server's certificate and name (starttls() alone checks neither).
                    smtp.starttls(context=ssl.create_default_context())
                    smtp.ehlo()
                if self.username:
                    smtp.login(self.username, self.password)
            except BaseException:
                smtp.close()
                raise
            self._smtp = smtp
        return self._smtp

    def send(self, message: EmailMessage, name: str) -> None:
        while True:
            reused = self._smtp is not None
            try:
                self._connection().send_message(message)
                return
            except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError):
                raise  # this message refused; the connection is still good for the next
            except smtplib.SMTPServerDisconnected as error:
                self.close()
                if not reused:
                    raise TransportDown(f"{type(error).__name__}: {error}") from error
                # The server let an idle or well-used connection go: one new one, once.
            except (OSError, smtplib.SMTPException) as error:
                self.close()
                raise TransportDown(f"{type(error).__name__}: {error}") from error

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (OSError, smtplib.SMTPException):
                self._smtp.close()
            self._smtp = None


def transport_from_config(config) -> FileTransport | SmtpTransport:
    """SMTP when CRM_SMTP_HOST is set; otherwise .eml files under CRM_OUTBOX_DIR."""
    if config.get("CRM_SMTP_HOST"):
        return SmtpTransport(
            config["CRM_SMTP_HOST"],
            config["CRM_SMTP_PORT"],
            username=config["CRM_SMTP_USERNAME"],
            password=config["CRM_SMTP_PASSWORD"],
            starttls=config["CRM_SMTP_STARTTLS"],
            timeout=config["CRM_SMTP_TIMEOUT"],
        )
    return FileTransport(config["CRM_OUTBOX_DIR"])


_ONE_LINE_HEADERS = email.policy.default.clone(max_line_length=998)


def email_message(row, config, now: datetime) -> EmailMessage:
    """The row as an email: text, and HTML as its alternative when there is any."""
    sender = config["CRM_MAIL_FROM"]
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    # The same row gives the same Message-ID on every try, so a message that
    # did arrive despite an error is recognised as the same one.
    digest = hashlib.sha256(f"{row.key}|{row.created_at.isoformat()}".encode()).hexdigest()[:20]
    message = EmailMessage()
    message["Subject"] = row.subject
    message["From"] = sender
    message["To"] = row.recipient
    message["Date"] = format_datetime(now.astimezone(LONDON))
    message["Message-ID"] = f"<crm.{row.id}.{digest}@{domain}>"
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies, please
    # Quoted-printable: seven-bit safe through any relay, still readable raw.
    message.set_content(row.body_text, cte="quoted-printable")
    if row.body_html:
        message.add_alternative(row.body_html, subtype="html", cte="quoted-printable")
    # Headers go out on one line each (a subject is at most 300 characters,
    # within the 998 allowed): the standard library's folding moves a long
    # subject holding a colon to a line of its own, which reads back with a
    # leading space. The bodies were encoded above, at 76 characters a line.
    message.policy = _ONE_LINE_HEADERS
    return message


@dataclass
class SendResult:
    sent: int = 0
    failed: int = 0
    taken: int = 0  # claimed by another sender between our reading and our claim
    left: int = 0  # not tried: the mail server was down, so the next run tries them

    def __str__(self) -> str:
        text = f"{self.sent} sent, {self.failed} failed"
        if self.left:
            text += f", {self.left} left for the next run (mail server down)"
        return text


_table = OutboxMessage.__table__


def _unsent(now: datetime):
    return (
        OutboxMessage.sent_at.is_(None),
        or_(OutboxMessage.claimed_at.is_(None), OutboxMessage.claimed_at < now - CLAIM_TIMEOUT),
    )


def _claim(message_ids: list[int], now: datetime) -> list[int]:
    """Take these rows for this sender: one conditional UPDATE, so of two
    senders each row goes to one; returns the ids won."""
    with db.engine.begin() as connection:
        won = connection.scalars(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(message_ids), *_unsent(now))
            .values(claimed_at=now)
            .returning(OutboxMessage.id)
        )
        return sorted(won)


def _release(message_ids: list[int], claimed_at: datetime) -> None:
    """Give back claims not tried, so the next run need not wait for them to go stale."""
    if message_ids:
        with db.engine.begin() as connection:
            connection.execute(
                update(OutboxMessage)
                .where(
                    OutboxMessage.id.in_(message_ids),
                    OutboxMessage.sent_at.is_(None),
                    OutboxMessage.claimed_at == claimed_at,
                )
                .values(claimed_at=None)
            )


def _finish(message_id: int, **values) -> None:
    with db.engine.begin() as connection:
        connection.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id)
            .values(attempts=OutboxMessage.attempts + 1, **values)
        )


def _candidates(after_id: int, wanted: list[int] | None, now: datetime):
    query = select(OutboxMessage.id).where(*_unsent(now), OutboxMessage.id > after_id)
    return query if wanted is None else query.where(OutboxMessage.id.in_(wanted))


def send_pending(
    limit: int | None = None,
    *,
    ids: Iterable[int] | None = None,
    now: datetime | None = None,
    transport: FileTransport | SmtpTransport | None = None,
) -> SendResult:
    """Send the unsent messages, oldest first (only `ids`, when given; at most `limit`).

    Rows are claimed a few at a time (`claimed_at`, by a conditional UPDATE
    that only one sender can win; a claim older than CLAIM_TIMEOUT is a dead
    sender's and is retaken), sent, then each marked `sent_at`. Every try
    counts in `attempts`. A failed send keeps its error and gives up its
    claim, so the next run tries it again; when the mail server cannot be
    reached at all the rest are left, untried, for the next run. Each step
    commits on a connection of its own: the caller's session is never touched.
    """
    config = current_app.config
    own_transport = transport is None
    transport = transport or transport_from_config(config)
    wanted = sorted(set(ids)) if ids is not None else None
    result = SendResult()
    after_id, tried = 0, 0
    try:
        while limit is None or tried < limit:
            moment = now or utcnow()
            size = CLAIM_BATCH if limit is None else min(CLAIM_BATCH, limit - tried)
            with db.engine.connect() as connection:
                batch = list(
                    connection.scalars(_candidates(after_id, wanted, moment).order_by(OutboxMessage.id).limit(size))
                )
            if not batch:
                break
            after_id = batch[-1]
            claimed = _claim(batch, moment)
            result.taken += len(batch) - len(claimed)
            if not claimed:
                continue
            with db.engine.connect() as connection:
                rows = connection.execute(select(_table).where(_table.c.id.in_(claimed)).order_by(_table.c.id)).all()
            for index, row in enumerate(rows):
                tried += 1
                try:
                    transport.send(email_message(row, config, moment), f"{moment:%Y%m%dT%H%M%S}-{row.id}-{row.kind}")
                except Exception as error:
                    text = error.args[0] if isinstance(error, TransportDown) else f"{type(error).__name__}: {error}"
                    _finish(row.id, claimed_at=None, last_error=str(text)[:ERROR_MAX])
                    result.failed += 1
                    log.warning("Outbox message %s to %s not sent: %s", row.id, row.recipient, text)
                    if isinstance(error, TransportDown):
                        _release([later.id for later in rows[index + 1 :]], moment)
                        with db.engine.connect() as connection:
                            query = _candidates(row.id, wanted, moment).subquery()
                            result.left = connection.scalar(select(func.count()).select_from(query))
                        return result
                else:
                    _finish(row.id, sent_at=moment, last_error="")
                    result.sent += 1
    finally:
        if own_transport:
            transport.close()
    return result


# --- the workflow's messages ---------------------------------------------------------------


def link(path: str) -> str:
    """An address in the service for an email: CRM_BASE_URL and the path."""
    return current_app.config["CRM_BASE_URL"] + path


def action_url(action_id: int) -> str:
    return link(f"/actions/{action_id}")


def meeting_url(meeting_id: int) -> str:
    return link(f"/meetings/{meeting_id}")


def render(name: str, **context) -> tuple[str, str]:
    """`templates/email/<name>.txt` and `.html` (autoescaped), with what every email shows."""
    environment = current_app.jinja_env
    context = {"area_name": current_app.config["CRM_AREA_NAME"], **context}
    text = environment.get_template(f"email/{name}.txt").render(context)
    html = environment.get_template(f"email/{name}.html").render(context)
    return text, html


def active_partner_users(session: Session, organisation_ids: Iterable[int] | None = None) -> list[User]:
    """The partner users who may sign in (`User.is_active`), of these organisations
    (or of all), by organisation and then email."""
    query = (
        select(User)
        .options(joinedload(User.organisation))
        .where(User.role == Role.PARTNER, User.organisation_id.is_not(None), User.disabled_at.is_(None))
        .order_by(User.organisation_id, User.email)
    )
    if organisation_ids is not None:
        query = query.where(User.organisation_id.in_(list(organisation_ids)))
    return [user for user in session.scalars(query) if user.is_active]


def action_assigned(action_id: int, *, session: Session | None = None) -> int:
    """To each partner user of the owner organisation: a new action is theirs.
    Keyed by (recipient, kind, action). Returns how many were new."""
    session = session or db.session
    action = session.get(Action, action_id)
    if action is None or action.status.is_closed:
        return 0
    organisation = session.get(Organisation, action.owner_id)
    subject = f"New action for {organisation.name}: {action.reference} {action.title}"
    written = 0
    for user in active_partner_users(session, [action.owner_id]):
        text, html = render(
            "action_assigned", user=user, action=action, organisation=organisation, url=action_url(action.id)
        )
        written += queue(
            ACTION_ASSIGNED,
            user.email,
            subject,
            text,
            html,
            user_id=user.id,
            record=("actions", action.id),
            session=session,
        )
    return written


def request_answered(request_id: int, *, session: Session | None = None) -> int:
    """To each partner user of the action's owner: staff approved or declined
    its completion or new-date request. Keyed by (recipient, kind, request)."""
    session = session or db.session
    answered = session.get(ActionRequest, request_id)
    if answered is None or answered.status is RequestStatus.PENDING:
        return 0
    action = answered.action
    organisation = session.get(Organisation, action.owner_id)
    approved = answered.status is RequestStatus.APPROVED
    what = "completion request" if answered.kind is RequestKind.COMPLETION else "request for a new due date"
    subject = f"Your {what} for {action.reference} was {'approved' if approved else 'declined'}: {action.title}"
    written = 0
    for user in active_partner_users(session, [action.owner_id]):
        text, html = render(
            "request_answered",
            user=user,
            request=answered,
            action=action,
            organisation=organisation,
            approved=approved,
            completion=answered.kind is RequestKind.COMPLETION,
            url=action_url(action.id),
        )
        written += queue(
            REQUEST_ANSWERED,
            user.email,
            subject,
            text,
            html,
            user_id=user.id,
            record=("action_requests", answered.id),
            session=session,
        )
    return written


def minutes_circulated(meeting_id: int, *, session: Session | None = None) -> int:
    """To each partner user of the organisations that may now read the minutes
    (`crm.visibility.with_minutes`): the minutes are circulated.
    Keyed by (recipient, kind, meeting)."""
    from crm.visibility import with_minutes

    session = session or db.session
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        return 0
    by_organisation: dict[int, list[User]] = {}
    for user in active_partner_users(session):
        by_organisation.setdefault(user.organisation_id, []).append(user)
    subject = f"Minutes circulated: {meeting.title}"
    written = 0
    # Whether a partner may read them depends on the organisation alone: one
    # indexed look-up per organisation with partner users, through visibility.
    for users in by_organisation.values():
        query = with_minutes(users[0], select(Meeting.id).where(Meeting.id == meeting_id))
        if session.scalar(query) is None:
            continue
        for user in users:
            text, html = render(
                "minutes_circulated",
                user=user,
                meeting=meeting,
                organisation=user.organisation,
                url=meeting_url(meeting.id),
            )
            written += queue(
                MINUTES_CIRCULATED,
                user.email,
                subject,
                text,
                html,
                user_id=user.id,
                record=("meetings", meeting.id),
                session=session,
            )
    return written
