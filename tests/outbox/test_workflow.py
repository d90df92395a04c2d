"""The workflow's messages: an action assigned, a request answered, minutes
circulated. Each goes to the active partner users who should hear of it, one
message per person, and only once."""

from __future__ import annotations

from datetime import UTC, date, datetime

from crm.actions.models import ActionRequest, ActionStatus, RequestKind, RequestStatus
from crm.database import utcnow
from crm.extensions import db
from crm.organisations.models import Organisation
from crm.outbox import services as outbox
from tests.outbox.helpers import BASE_URL, add_action, emails, outbox_rows, parts, to


def _partners(app, make):
    police = make.organisation(name="Thames Valley Police")
    council = make.organisation(name="Reading Borough Council", type="local_council")
    ann = make.user("partner", organisation=police, email="ann@police.example.org", name="Ann Example")
    make.user("partner", organisation=police, email="bob@police.example.org", name="Bob Example")
    gone = make.user("partner", organisation=police, email="gone@police.example.org")
    with app.app_context():
        db.session.get(type(gone), gone.id).disabled_at = utcnow()
        db.session.commit()
    make.user("partner", organisation=council, email="cat@council.example.org")
    make.user("staff", email="staff@example.org")
    return police, council, ann


def _after_commit(app, build, *args):
    with app.app_context():
        outbox.after_commit(build, *args)
        db.session.commit()


def test_an_action_assigned_tells_the_owners_active_partner_users(app, make, outbox_dir):
    police, _council, _ann = _partners(app, make)
    action_id = add_action(
        app, police, "Share the <hate crime> figures", due_on=date(2026, 12, 3), description="By email.\n\nMonthly."
    )
    _after_commit(app, outbox.action_assigned, action_id)
    messages = emails(outbox_dir)
    assert sorted(to(message) for message in messages) == ["ann@police.example.org", "bob@police.example.org"]
    message = next(message for message in messages if to(message) == "ann@police.example.org")
    assert message["Subject"] == "New action for Thames Valley Police: A-2026-001 Share the <hate crime> figures"
    text, html = parts(message)
    assert "Hello Ann Example" in text
    assert "A-2026-001 Share the <hate crime> figures" in text and "Due 3 December 2026" in text
    assert f"{BASE_URL}/actions/{action_id}" in text
    assert f'href="{BASE_URL}/actions/{action_id}"' in html
    assert "Share the &lt;hate crime&gt; figures" in html and "<hate crime>" not in html
    assert '<p style="margin: 0 0 16px;">Monthly.</p>' in html
    # Once per person and action, however often it is asked for.
    _after_commit(app, outbox.action_assigned, action_id)
    assert len(outbox_rows(app)) == 2 and len(emails(outbox_dir)) == 2


def test_an_archived_organisation_hears_nothing(app, make, outbox_dir):
    police, _council, _ann = _partners(app, make)
    action_id = add_action(app, police, "Share the figures")
    with app.app_context():
        db.session.get(Organisation, police.id).archived_at = utcnow()
        db.session.commit()
        assert outbox.action_assigned(action_id) == 0


def test_a_request_answered_tells_the_owners_partner_users(app, make, outbox_dir):
    police, _council, ann = _partners(app, make)
    action_id = add_action(app, police, "Share the figures", due_on=date(2026, 12, 3))
    with app.app_context():
        approved = ActionRequest(
            action_id=action_id,
            kind=RequestKind.NEW_DATE,
            reason="The figures come quarterly",
            proposed_due_on=date(2027, 1, 15),
            status=RequestStatus.APPROVED,
            answer="Agreed: the panel meets in January.",
            requested_by_id=ann.id,
            decided_at=datetime(2026, 12, 2, tzinfo=UTC),
        )
        pending = ActionRequest(action_id=action_id, kind=RequestKind.COMPLETION, status=RequestStatus.PENDING)
        db.session.add_all([approved, pending])
        db.session.commit()
        approved_id, pending_id = approved.id, pending.id
        assert outbox.request_answered(pending_id) == 0  # not answered yet
    _after_commit(app, outbox.request_answered, approved_id)
    messages = emails(outbox_dir)
    assert sorted(to(message) for message in messages) == ["ann@police.example.org", "bob@police.example.org"]
    assert messages[0]["Subject"] == "Your request for a new due date for A-2026-001 was approved: Share the figures"
    text, html = parts(messages[0])
    assert "asked for A-2026-001 to be due on 15 January 2027" in text
    assert "Staff have approved the request" in text
    assert "Agreed: the panel meets in January." in text and "Agreed: the panel meets in January." in html
    assert f"{BASE_URL}/actions/{action_id}" in text and f'href="{BASE_URL}/actions/{action_id}"' in html


def test_a_completion_declined_says_so(app, make, outbox_dir):
    police, _council, _ann = _partners(app, make)
    action_id = add_action(app, police, "Share the figures", status=ActionStatus.IN_PROGRESS)
    with app.app_context():
        declined = ActionRequest(
            action_id=action_id, kind=RequestKind.COMPLETION, status=RequestStatus.DECLINED, answer="Not yet."
        )
        db.session.add(declined)
        db.session.commit()
        assert outbox.request_answered(declined.id) == 2
        db.session.commit()
        outbox.send_pending()
    message = emails(outbox_dir)[0]
    assert message["Subject"] == "Your completion request for A-2026-001 was declined: Share the figures"
    text, _html = parts(message)
    assert "to be accepted as completed. Staff have declined the request." in text


def test_minutes_circulated_go_to_the_organisations_that_may_now_read_them(app, make, outbox_dir):
    police, council, _ann = _partners(app, make)
    probation = make.organisation(name="Probation Service", type="probation")
    make.user("partner", organisation=probation, email="dan@probation.example.org")
    series = make.series(name="Hate Crime Partnership", members=[police])
    meeting = make.meeting(
        "Hate Crime Partnership, December",
        series=series,
        organisations=[council],
        status="circulated",
        starts_at=datetime(2026, 12, 1, 14, tzinfo=UTC),
    )
    _after_commit(app, outbox.minutes_circulated, meeting.id)
    messages = emails(outbox_dir)
    # The series' member and the organisation named on it; not probation, not staff.
    assert sorted(to(message) for message in messages) == [
        "ann@police.example.org",
        "bob@police.example.org",
        "cat@council.example.org",
    ]
    assert messages[0]["Subject"] == "Minutes circulated: Hate Crime Partnership, December"
    text, html = parts(messages[0])
    assert "The minutes of Hate Crime Partnership, December on Tuesday 1 December 2026 have been circulated" in text
    assert f"{BASE_URL}/meetings/{meeting.id}" in text and f'href="{BASE_URL}/meetings/{meeting.id}"' in html


def test_minutes_not_yet_readable_or_sensitive_go_to_no_one(app, make, outbox_dir):
    police, _council, _ann = _partners(app, make)
    draft = make.meeting(organisations=[police], status="minutes_draft")
    sensitive = make.meeting(organisations=[police], status="circulated", marking="official_sensitive")
    with app.app_context():
        assert outbox.minutes_circulated(draft.id) == 0
        assert outbox.minutes_circulated(sensitive.id) == 0
        assert outbox.minutes_circulated(999_999) == 0
    assert outbox_rows(app) == []
