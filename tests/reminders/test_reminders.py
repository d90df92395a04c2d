"""`crm send-reminders`: a daily digest per partner user of its organisation's
actions overdue or due soon, and per staff lead of theirs; once a day each,
however often and on however many servers it runs."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select

from crm.actions.models import Action, ActionStatus
from crm.actions.services import Rag, rag_of
from crm.auth.models import User
from crm.cli import crm_cli
from crm.database import utcnow
from crm.extensions import db
from crm.outbox.models import OutboxMessage
from crm.reminders import services as reminders
from tests.outbox.helpers import BASE_URL, NOW, TODAY, add_action, closed_port, emails, outbox_rows, parts, to


def _run(app, *args, today=TODAY):
    return app.test_cli_runner().invoke(args=["crm", "send-reminders", "--today", today.isoformat(), *args])


def _world(app, make):
    """Two partner organisations and a member of staff, with actions in every state."""
    police = make.organisation(name="Thames Valley Police")
    council = make.organisation(name="Reading Borough Council", type="local_council")
    make.user("partner", organisation=police, email="ann@police.example.org", name="Ann Example")
    make.user("partner", organisation=police, email="bob@police.example.org", name="Bob Example")
    make.user("partner", organisation=council, email="cat@council.example.org", name="Cat Example")
    lead = make.user("staff", email="lead@example.org", name="Lee Lead")
    ids = {
        "late": add_action(app, police, "Publish the hate crime figures", due_on=date(2026, 11, 1), staff_lead=lead),
        "late_by_one": add_action(app, police, "Book the venue", due_on=TODAY - timedelta(days=1)),
        "today": add_action(app, police, "Circulate the survey", due_on=TODAY, status=ActionStatus.IN_PROGRESS),
        "soon": add_action(app, police, "Train the call handlers", due_on=TODAY + timedelta(days=14)),
        "green": add_action(app, police, "Review the protocol", due_on=TODAY + timedelta(days=15)),
        "undated": add_action(app, police, "Think about next year"),
        "done": add_action(app, police, "Finished thing", due_on=date(2026, 11, 2), status=ActionStatus.COMPLETED),
        "cancelled": add_action(app, police, "Dropped thing", due_on=date(2026, 11, 3), status=ActionStatus.CANCELLED),
        "council_late": add_action(app, council, "Council's own late action", due_on=date(2026, 11, 20)),
        "council_soon": add_action(
            app, council, "Council's action led by staff", due_on=TODAY + timedelta(days=3), staff_lead=lead
        ),
    }
    return ids


def _by_recipient(directory):
    return {to(message): message for message in emails(directory)}


def test_each_partner_user_gets_their_organisations_digest(app, make, outbox_dir):
    ids = _world(app, make)
    result = _run(app)
    assert result.exit_code == 0, result.output
    assert "Reminders for 3 December 2026: 4 digests written, 0 already written today." in result.output
    assert "Outbox: 4 sent, 0 failed" in result.output
    messages = _by_recipient(outbox_dir)
    assert sorted(messages) == [
        "ann@police.example.org",
        "bob@police.example.org",
        "cat@council.example.org",
        "lead@example.org",
    ]

    ann = messages["ann@police.example.org"]
    assert ann["Subject"] == "Actions for Thames Valley Police: 2 overdue and 2 due soon"
    assert ann["From"] == "Partnership CRM <crm@example.org>"
    text, html = parts(ann)
    assert text.startswith("Hello Ann Example,\n")
    assert "as at 3 December 2026" in text
    for key in ("late", "late_by_one", "today", "soon"):
        assert f"{BASE_URL}/actions/{ids[key]}" in text
        assert f'href="{BASE_URL}/actions/{ids[key]}"' in html
    assert "A-2026-001 Publish the hate crime figures\nDue 1 November 2026: overdue by 32 days" in text
    assert "Due 2 December 2026: overdue by 1 day" in text
    assert "Due 3 December 2026: due today" in text
    assert "Due 17 December 2026: due in 14 days" in text
    assert "Due 17 December 2026: <strong>due in 14 days</strong>" in html
    # Overdue first, each part by due date.
    assert text.index("Overdue (2)") < text.index("Book the venue") < text.index("Due soon (2)")
    assert text.index("Publish the hate crime") < text.index("Book the venue")
    # Not green, not undated, not closed, not another organisation's.
    for title in ("Review the protocol", "Think about next year", "Finished thing", "Dropped thing", "Council"):
        assert title not in text and title not in html
    for key in ("green", "undated", "done", "cancelled", "council_late", "council_soon"):
        assert f"/actions/{ids[key]}" not in text and f"/actions/{ids[key]}" not in html

    cat_text, _ = parts(messages["cat@council.example.org"])
    assert "Council's own late action" in cat_text and "Council's action led by staff" in cat_text
    assert "Thames Valley Police" not in cat_text and "Publish the hate crime figures" not in cat_text


def test_the_red_ones_listed_are_rag_red_and_the_rest_due_soon(app, make, outbox_dir):
    ids = _world(app, make)
    with app.app_context():
        digest = next(reminders.organisation_digests(TODAY))
        for listed in digest.actions:
            rag = rag_of(db.session.get(Action, listed.id), NOW)
            assert rag is (Rag.RED if listed.overdue else Rag.AMBER)
        assert [action.id for action in digest.overdue] == [ids["late"], ids["late_by_one"]]
        assert [action.id for action in digest.due_soon] == [ids["today"], ids["soon"]]


def test_a_staff_lead_gets_the_actions_they_lead(app, make, outbox_dir):
    ids = _world(app, make)
    assert _run(app).exit_code == 0
    message = _by_recipient(outbox_dir)["lead@example.org"]
    assert message["Subject"] == "Your actions as staff lead: 1 overdue and 1 due soon"
    text, html = parts(message)
    assert "These actions you are staff lead for" in text
    assert "Owner: Thames Valley Police" in text and "Owner: Reading Borough Council" in text
    assert f'href="{BASE_URL}/actions/{ids["late"]}"' in html
    assert f'href="{BASE_URL}/actions/{ids["council_soon"]}"' in html
    assert "Book the venue" not in text


def test_nothing_due_and_no_one_able_to_sign_in_get_nothing(app, make, outbox_dir):
    police = make.organisation(name="Thames Valley Police")
    quiet = make.organisation(name="Quiet Council", type="local_council")
    gone = make.user("partner", organisation=police, email="gone@police.example.org")
    make.user("partner", organisation=quiet, email="quiet@council.example.org")
    make.user("staff", email="staff@example.org")  # leads nothing
    add_action(app, police, "Late, but no one there to tell", due_on=date(2026, 11, 1))
    add_action(app, quiet, "Green", due_on=TODAY + timedelta(days=60))
    with app.app_context():
        db.session.get(User, gone.id).disabled_at = utcnow()
        db.session.commit()
    result = _run(app)
    assert result.exit_code == 0, result.output
    assert "0 digests written" in result.output
    assert outbox_rows(app) == [] and emails(outbox_dir) == []


def test_running_twice_a_day_sends_nothing_twice_and_a_new_day_sends_again(app, make, outbox_dir):
    _world(app, make)
    assert _run(app).exit_code == 0
    assert len(emails(outbox_dir)) == 4
    again = _run(app)
    assert again.exit_code == 0, again.output
    assert "0 digests written, 4 already written today" in again.output
    assert "Outbox: 0 sent, 0 failed" in again.output
    assert len(emails(outbox_dir)) == 4 and len(outbox_rows(app)) == 4

    tomorrow = _run(app, today=TODAY + timedelta(days=1))
    assert tomorrow.exit_code == 0, tomorrow.output
    assert "4 digests written" in tomorrow.output
    assert len(emails(outbox_dir)) == 8
    assert sorted({row.day for row in outbox_rows(app)}) == [TODAY, TODAY + timedelta(days=1)]


def test_the_day_is_londons(app, make, outbox_dir):
    police = make.organisation(name="Thames Valley Police")
    make.user("partner", organisation=police, email="ann@police.example.org")
    add_action(app, police, "Due on the first of July", due_on=date(2026, 7, 1))
    # 23:30 UTC on 30 June is 00:30 on 1 July in London (BST).
    with app.app_context():
        run = reminders.send_reminders(now=datetime(2026, 6, 30, 23, 30, tzinfo=UTC))
    assert run.day == date(2026, 7, 1)
    (row,) = outbox_rows(app)
    assert row.day == date(2026, 7, 1) and row.key.endswith("|2026-07-01|ann@police.example.org")
    assert "due today" in row.body_text


def test_a_dry_run_writes_and_sends_nothing(app, make, outbox_dir):
    _world(app, make)
    result = _run(app, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Dry run: nothing is written or sent." in result.output
    assert (
        "  ann@police.example.org: 'Actions for Thames Valley Police: 2 overdue and 2 due soon', 4 actions"
        in result.output
    )
    assert "  lead@example.org: 'Your actions as staff lead: 1 overdue and 1 due soon', 2 actions" in result.output
    assert "4 to send, 0 already written today" in result.output
    assert outbox_rows(app) == [] and emails(outbox_dir) == []
    # After a real run, a dry run says they are there already.
    assert _run(app).exit_code == 0
    later = _run(app, "--dry-run")
    assert "0 to send, 4 already written today" in later.output
    assert "(already written today)" in later.output
    assert len(emails(outbox_dir)) == 4


def test_html_is_escaped_and_text_is_not(app, make, outbox_dir):
    police = make.organisation(name="Police & <Partners>")
    make.user("partner", organisation=police, email="ann@police.example.org")
    add_action(app, police, '<script>alert("x")</script> & co', due_on=TODAY)
    assert _run(app).exit_code == 0
    (message,) = emails(outbox_dir)
    assert message["Subject"] == "Actions for Police & <Partners>: 1 due soon"
    text, html = parts(message)
    assert '<script>alert("x")</script> & co' in text
    assert "<script>" not in html and "&lt;script&gt;" in html and "Police &amp; &lt;Partners&gt;" in html


def test_a_failed_send_stays_unsent_and_the_next_run_sends_it(app, make, outbox_dir, monkeypatch):
    police = make.organisation(name="Thames Valley Police")
    make.user("partner", organisation=police, email="ann@police.example.org")
    add_action(app, police, "Publish the figures", due_on=date(2026, 11, 1))
    monkeypatch.setitem(app.config, "CRM_SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "CRM_SMTP_PORT", closed_port())
    failed = _run(app)
    assert failed.exit_code == 1
    assert "Outbox: 0 sent, 1 failed" in failed.output
    assert "they stay in the outbox for the next run" in failed.output
    (row,) = outbox_rows(app)
    assert row.sent_at is None and row.attempts == 1 and "Connection refused" in row.last_error

    monkeypatch.setitem(app.config, "CRM_SMTP_HOST", "")
    again = _run(app)
    assert again.exit_code == 0, again.output
    assert "0 digests written, 1 already written today" in again.output and "Outbox: 1 sent" in again.output
    (row,) = outbox_rows(app)
    assert row.sent_at is not None and row.attempts == 2 and row.last_error == ""
    assert [to(message) for message in emails(outbox_dir)] == ["ann@police.example.org"]


def test_two_servers_running_at_once_send_each_digest_once(app, make, outbox_dir):
    organisations = [make.organisation(name=f"Partner {number}") for number in range(12)]
    for number, organisation in enumerate(organisations):
        for person in range(2):
            make.user("partner", organisation=organisation, email=f"p{number}-{person}@example.org")
        add_action(app, organisation, f"Late action {number}", due_on=date(2026, 11, 1))
        add_action(app, organisation, f"Soon action {number}", due_on=TODAY + timedelta(days=2))
    barrier = threading.Barrier(2)
    errors = []

    def server():
        # Each thread is a server of its own: its own app context, session and connections.
        try:
            with app.app_context():
                barrier.wait(timeout=10)
                crm_cli.main(["send-reminders", "--today", TODAY.isoformat()], standalone_mode=False)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=server) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    recipients = [to(message) for message in emails(outbox_dir)]
    assert len(recipients) == 24 and len(set(recipients)) == 24
    rows = outbox_rows(app)
    assert len(rows) == 24 and all(row.sent_at is not None and row.attempts == 1 for row in rows)


def test_the_queries_do_not_grow_with_the_actions(app, make, outbox_dir, count_queries):
    police = make.organisation(name="Thames Valley Police")
    council = make.organisation(name="Reading Borough Council", type="local_council")
    make.user("partner", organisation=police, email="ann@police.example.org")
    make.user("partner", organisation=council, email="cat@council.example.org")
    lead = make.user("staff", email="lead@example.org")

    def load(count):
        with app.app_context():
            for number in range(count):
                for owner in (police, council):
                    db.session.add(
                        Action(
                            reference=f"B-{owner.id}-{count}-{number}",
                            title=f"Action {number}",
                            owner_id=owner.id,
                            due_on=TODAY + timedelta(days=number % 30 - 10),
                            staff_lead_id=lead.id,
                            last_update_at=NOW,
                        )
                    )
            db.session.commit()

    def queries_for_a_dry_run():
        with count_queries() as counter, app.app_context():
            run = reminders.send_reminders(now=NOW, dry_run=True)
        return counter.count, run.written

    load(5)
    small, written = queries_for_a_dry_run()
    assert written == 3
    load(300)
    large, written = queries_for_a_dry_run()
    assert written == 3 and large == small
    with app.app_context():
        listed = sum(len(digest.actions) for digest in reminders.digests(TODAY))
        due = db.session.scalar(
            select(func.count()).select_from(Action).where(Action.due_on <= TODAY + timedelta(days=14))
        )
    assert listed == 2 * due  # each once for its owner's users, once for the staff lead


def test_digest_rows_are_keyed_by_recipient_organisation_and_day(app, make, outbox_dir):
    police = make.organisation(name="Thames Valley Police")
    ann = make.user("partner", organisation=police, email="ann@police.example.org")
    add_action(app, police, "Publish the figures", due_on=date(2026, 11, 1))
    assert _run(app).exit_code == 0
    with app.app_context():
        row = db.session.scalar(select(OutboxMessage))
        assert row.key == f"digest|organisations:{police.id}|2026-12-03|ann@police.example.org"
        assert (row.kind, row.record_type, row.record_id, row.user_id) == ("digest", "organisations", police.id, ann.id)
