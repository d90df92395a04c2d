"""The outbox: one row per message by its key, claimed before it is sent, sent
as an .eml file or by SMTP, retried after a failure."""

from __future__ import annotations

import email
import email.policy
import threading
from datetime import date, timedelta

from sqlalchemy import select, update

from crm.database import utcnow
from crm.extensions import db
from crm.outbox import services as outbox
from crm.outbox.models import OutboxMessage
from tests.outbox.helpers import NOW, TODAY, closed_port, emails, outbox_rows, parts, smtp_server, to


def _queue(app, recipient="ann@example.org", **fields):
    values = {
        "kind": "test",
        "recipient": recipient,
        "subject": "A subject",
        "body_text": "Plain words",
        "body_html": "<p>Plain words</p>",
        "record": ("actions", 1),
    } | fields
    with app.app_context():
        new = outbox.queue(
            values.pop("kind"),
            values.pop("recipient"),
            values.pop("subject"),
            values.pop("body_text"),
            values.pop("body_html"),
            **values,
        )
        db.session.commit()
        return new


def test_the_key_is_kind_record_day_and_recipient():
    assert (
        outbox.message_key("digest", " Ann@Example.org ", ("organisations", 3), TODAY)
        == "digest|organisations:3|2026-12-03|ann@example.org"
    )
    assert outbox.message_key("action_assigned", "ann@example.org", ("actions", 12)) == (
        "action_assigned|actions:12||ann@example.org"
    )


def test_a_message_is_written_once_per_key(app, outbox_dir):
    assert _queue(app) is True
    assert _queue(app, subject="Another subject") is False  # same recipient, kind and record
    assert _queue(app, recipient="ANN@example.org") is False  # addresses compare without case
    assert _queue(app, recipient="bob@example.org") is True
    assert _queue(app, record=("actions", 2)) is True
    assert _queue(app, kind="digest", record=("organisations", 1), day=TODAY) is True
    assert _queue(app, kind="digest", record=("organisations", 1), day=TODAY) is False
    assert _queue(app, kind="digest", record=("organisations", 1), day=TODAY + timedelta(days=1)) is True
    rows = outbox_rows(app)
    assert len(rows) == 5
    assert rows[0].subject == "A subject"
    assert rows[-1].day == date(2026, 12, 4) and rows[-1].record_type == "organisations"


def test_a_subject_is_one_line(app, outbox_dir):
    _queue(app, subject="Bcc: someone@example.org\r\nSubject: injected")
    with app.app_context():
        assert outbox.send_pending().sent == 1
    (message,) = emails(outbox_dir)
    assert message["Subject"] == "Bcc: someone@example.org Subject: injected"
    assert message["Bcc"] is None


def test_the_file_transport_writes_a_whole_email(app, outbox_dir):
    _queue(
        app, subject="Minutes circulated: Hate Crime Partnership", body_text="Read them: link", body_html="<p>Read</p>"
    )
    with app.app_context():
        result = outbox.send_pending(now=NOW)
    assert (result.sent, result.failed) == (1, 0)
    (message,) = emails(outbox_dir)
    assert message["Subject"] == "Minutes circulated: Hate Crime Partnership"
    assert to(message) == "ann@example.org"
    assert message["From"] == "Partnership CRM <crm@example.org>"
    assert message["Message-ID"].endswith("@example.org>")
    assert message["Date"] == "Thu, 03 Dec 2026 09:00:00 +0000"
    assert message["Auto-Submitted"] == "auto-generated"
    assert parts(message) == ("Read them: link\n", "<p>Read</p>\n")
    (row,) = outbox_rows(app)
    assert row.sent_at == NOW and row.attempts == 1 and row.last_error == ""
    assert not list(outbox_dir.glob(".*"))  # no half-written file left behind


def test_a_sent_message_is_not_sent_again(app, outbox_dir):
    _queue(app)
    with app.app_context():
        assert outbox.send_pending().sent == 1
        assert outbox.send_pending().sent == 0
    assert len(emails(outbox_dir)) == 1


def test_a_claimed_row_is_left_to_its_sender_until_the_claim_is_stale(app, outbox_dir):
    _queue(app)
    with app.app_context():
        db.session.execute(update(OutboxMessage).values(claimed_at=NOW - timedelta(minutes=9)))
        db.session.commit()
        assert outbox.send_pending(now=NOW).sent == 0  # another sender has it
        assert outbox.send_pending(now=NOW + timedelta(minutes=2)).sent == 1  # that sender died: retaken
    assert len(emails(outbox_dir)) == 1


def test_two_senders_at_once_send_each_message_once(app, outbox_dir):
    for number in range(40):
        _queue(app, recipient=f"person{number}@example.org")
    barrier = threading.Barrier(2)
    results, errors = [], []

    def sender():
        try:
            with app.app_context():
                barrier.wait(timeout=10)
                results.append(outbox.send_pending())
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert sum(result.sent for result in results) == 40
    recipients = [to(message) for message in emails(outbox_dir)]
    assert sorted(recipients) == sorted(f"person{number}@example.org" for number in range(40))
    assert all(row.sent_at is not None and row.attempts == 1 for row in outbox_rows(app))


def test_a_failed_send_stays_unsent_and_the_next_run_sends_it(app, outbox_dir, monkeypatch):
    for number in range(3):
        _queue(app, recipient=f"person{number}@example.org")
    monkeypatch.setitem(app.config, "CRM_SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "CRM_SMTP_PORT", closed_port())
    with app.app_context():
        result = outbox.send_pending()
    # The server is down: the first try fails, the other two wait for the next run.
    assert (result.sent, result.failed, result.left) == (0, 1, 2)
    first, *rest = outbox_rows(app)
    assert first.sent_at is None and first.claimed_at is None and first.attempts == 1
    assert "ConnectionRefusedError" in first.last_error
    assert all(row.attempts == 0 and row.last_error == "" and row.claimed_at is None for row in rest)

    monkeypatch.setitem(app.config, "CRM_SMTP_HOST", "")
    with app.app_context():
        assert outbox.send_pending().sent == 3
    assert len(emails(outbox_dir)) == 3
    first, *_ = outbox_rows(app)
    assert first.sent_at is not None and first.attempts == 2 and first.last_error == ""


def test_smtp_sends_multipart_messages_on_one_connection(app, outbox_dir, monkeypatch):
    _queue(app, recipient="ann@example.org", subject="Über dates")
    _queue(app, recipient="refused@example.org")
    _queue(app, recipient="bob@example.org")
    with smtp_server() as (port, received):
        monkeypatch.setitem(app.config, "CRM_SMTP_HOST", "127.0.0.1")
        monkeypatch.setitem(app.config, "CRM_SMTP_PORT", port)
        monkeypatch.setitem(app.config, "CRM_SMTP_STARTTLS", False)
        with app.app_context():
            result = outbox.send_pending()
    # A recipient the server refuses fails alone; the others go.
    assert (result.sent, result.failed, result.left) == (2, 1, 0)
    assert [recipients for recipients, _ in received] == [["ann@example.org"], ["bob@example.org"]]
    # As it came down the wire, with CRLF line ends.
    message = email.message_from_bytes(received[0][1].replace(b"\r\n", b"\n"), policy=email.policy.default)
    assert message["Subject"] == "Über dates" and to(message) == "ann@example.org"
    assert parts(message) == ("Plain words\n", "<p>Plain words</p>\n")
    refused = next(row for row in outbox_rows(app) if row.recipient.startswith("refused"))
    assert refused.sent_at is None and "SMTPRecipientsRefused" in refused.last_error
    assert not emails(outbox_dir)


def test_a_connection_the_server_hung_up_is_opened_again(app, outbox_dir, monkeypatch):
    for number in range(3):
        _queue(app, recipient=f"person{number}@example.org")
    with smtp_server(one_message_per_connection=True) as (port, received):
        monkeypatch.setitem(app.config, "CRM_SMTP_HOST", "127.0.0.1")
        monkeypatch.setitem(app.config, "CRM_SMTP_PORT", port)
        monkeypatch.setitem(app.config, "CRM_SMTP_STARTTLS", False)
        with app.app_context():
            result = outbox.send_pending()
    assert (result.sent, result.failed) == (3, 0)
    assert [recipients for recipients, _ in received] == [[f"person{number}@example.org"] for number in range(3)]


def test_with_starttls_on_nothing_goes_in_clear(app, outbox_dir, monkeypatch):
    _queue(app)
    with smtp_server() as (port, received):
        monkeypatch.setitem(app.config, "CRM_SMTP_HOST", "127.0.0.1")
        monkeypatch.setitem(app.config, "CRM_SMTP_PORT", port)
        monkeypatch.setitem(app.config, "CRM_SMTP_USERNAME", "crm")
        monkeypatch.setitem(app.config, "CRM_SMTP_PASSWORD", "secret password")
        assert app.config["CRM_SMTP_STARTTLS"] is True  # the default
        with app.app_context():
            result = outbox.send_pending()
    assert (result.sent, result.failed) == (0, 1)
    assert received == []
    (row,) = outbox_rows(app)
    assert row.sent_at is None and "STARTTLS extension not supported" in row.last_error
    assert "secret password" not in row.last_error


def test_only_the_rows_asked_for_are_sent(app, outbox_dir):
    _queue(app, recipient="ann@example.org")
    _queue(app, recipient="bob@example.org")
    _ann, bob = outbox_rows(app)
    with app.app_context():
        assert outbox.send_pending(ids=[bob.id]).sent == 1
    assert [to(message) for message in emails(outbox_dir)] == ["bob@example.org"]
    with app.app_context():
        assert outbox.send_pending(limit=5).sent == 1


# --- after the request's commit -----------------------------------------------------------


def _note(recipient="ann@example.org", *, session, seen=None):
    """A builder: records which session it was given, and queues one message."""
    if seen is not None:
        seen.append(session)
    outbox.queue("test", recipient, "Written after the commit", "Text", "<p>Text</p>", session=session)


def test_messages_are_written_after_the_commit_in_a_session_of_their_own(app, make, outbox_dir):
    seen = []
    with app.app_context():
        make.organisation(name="Thames Valley Police")  # something of the request's own to commit
        outbox.after_commit(_note, seen=seen)
        assert outbox_rows(app) == [] and seen == []  # nothing yet: the transaction is still open
        db.session.commit()
        assert len(seen) == 1 and seen[0] is not db.session()
    (row,) = outbox_rows(app)
    assert row.subject == "Written after the commit" and row.sent_at is not None
    assert [to(message) for message in emails(outbox_dir)] == ["ann@example.org"]


def test_a_rollback_writes_nothing(app, outbox_dir):
    with app.app_context():
        db.session.execute(select(1))
        outbox.after_commit(_note)
        db.session.rollback()
        db.session.commit()  # a later commit does not bring it back
    assert outbox_rows(app) == [] and emails(outbox_dir) == []


def test_a_session_closed_without_committing_writes_nothing(app, outbox_dir):
    with app.app_context():
        db.session.execute(select(1))
        outbox.after_commit(_note)
        db.session.close()
        db.session.commit()
    assert outbox_rows(app) == []


def test_a_savepoint_rolled_back_drops_only_what_was_registered_in_it(app, outbox_dir):
    with app.app_context():
        outbox.after_commit(_note, "kept@example.org")
        savepoint = db.session.begin_nested()
        outbox.after_commit(_note, "dropped@example.org")
        savepoint.rollback()
        with db.session.begin_nested():
            outbox.after_commit(_note, "released@example.org")
        assert outbox_rows(app) == []  # a savepoint released is not the commit
        db.session.commit()
    assert sorted(row.recipient for row in outbox_rows(app)) == ["kept@example.org", "released@example.org"]


def test_a_failing_builder_neither_fails_the_commit_nor_stops_the_others(app, make, outbox_dir, caplog):
    def broken(*, session):
        raise RuntimeError("no such template")

    with app.app_context():
        organisation = make.organisation(name="Thames Valley Police")
        outbox.after_commit(broken)
        outbox.after_commit(_note)
        db.session.commit()
    assert "could not be written" in caplog.text
    assert [row.recipient for row in outbox_rows(app)] == ["ann@example.org"]
    assert organisation.id is not None


def test_in_a_request_the_messages_follow_its_commit(app, make, outbox_dir):
    """As a view does it: register, then commit once (or fail and roll back)."""
    with app.test_request_context("/actions/1", method="POST"):
        outbox.after_commit(_note, "failed@example.org")
        db.session.execute(select(1))
        db.session.rollback()
    with app.test_request_context("/actions/1", method="POST"):
        make.organisation(name="Thames Valley Police")
        outbox.after_commit(_note, "committed@example.org")
        db.session.commit()
    assert [row.recipient for row in outbox_rows(app)] == ["committed@example.org"]
    assert [to(message) for message in emails(outbox_dir)] == ["committed@example.org"]


def test_a_claim_is_made_by_one_conditional_update(app, outbox_dir):
    _queue(app)
    (row,) = outbox_rows(app)
    with app.app_context():
        now = utcnow()
        assert outbox._claim([row.id], now) == [row.id]
        assert outbox._claim([row.id], now) == []
        assert outbox._claim([row.id], now + outbox.CLAIM_TIMEOUT + timedelta(seconds=1)) == [row.id]
