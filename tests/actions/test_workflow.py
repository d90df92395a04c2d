"""A partner's week and the staff side of it: progress, requests for completion
and for more time, staff's answers, status changes, and the action's timeline."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from crm.actions import services
from crm.actions.models import Action, ActionRequest, ActionStatus, RequestStatus
from crm.extensions import db
from tests.access import get
from tests.conftest import AuthActions, page_text


@pytest.fixture
def setting(app, make):
    police = make.organisation("Thames Police")
    partner = make.user("partner", organisation=police, email="p@police.example", name="Pat Partner")
    make.user("staff", email="staff@example.org", name="Sam Staff")
    action = make.action(
        police,
        "Brief officers on hate crime",
        due_on=services.today() + timedelta(days=3),
        staff_notes="Inspector is on leave",
    )
    return {"police": police, "partner": partner, "action": action}


def as_user(app, email):
    client = app.test_client()
    auth = AuthActions(client)
    auth.login(email)
    return client, auth


def test_new_due_date_asked_for_then_approved(app, setting):
    action = setting["action"]
    partner, partner_auth = as_user(app, "p@police.example")
    url = f"/actions/{action.id}"
    new_date = services.today() + timedelta(days=40)
    answer = partner_auth.post(
        f"{url}/ask-for-time",
        {"proposed_due_on": [str(new_date.day), str(new_date.month), str(new_date.year)], "reason": "Training moved"},
    )
    assert answer.status_code == 302 and answer.location == url
    page = page_text(partner.get(url))
    assert "New due date asked for" in page
    assert "Training moved" in page and "Ask for a new due date" not in page  # one request at a time

    staff, staff_auth = as_user(app, "staff@example.org")
    dashboard = page_text(staff.get("/dashboard"))
    assert "Waiting for your decision" in dashboard and "Brief officers on hate crime" in dashboard
    with app.app_context():
        request_id = db.session.scalar(select(ActionRequest.id))
    staff_auth.post(f"{url}/requests/{request_id}", {"decision": "approve"})
    assert get(app, Action, action.id).due_on == new_date
    assert get(app, ActionRequest, request_id).status is RequestStatus.APPROVED

    page = page_text(partner.get(url))
    assert "New due date approved" in page and "by Sam Staff" in page
    assert "Answered in the last 30 days" in page_text(partner.get("/dashboard"))


def test_staff_decline_a_new_date_only_with_a_reason_which_the_partner_reads(app, setting):
    action = setting["action"]
    with app.app_context():
        asked = services.request_new_date(
            db.session.get(Action, action.id),
            services.today() + timedelta(days=90),
            "Short-staffed",
            db.session.get(type(setting["partner"]), setting["partner"].id),
        )
        db.session.commit()
        request_id = asked.id
    _staff, staff_auth = as_user(app, "staff@example.org")
    url = f"/actions/{action.id}/requests/{request_id}"
    refused = page_text(staff_auth.post(url, {"decision": "decline", "answer": ""}))
    assert "There is a problem" in refused and "Say why, so that the partner knows what to do next" in refused
    assert get(app, ActionRequest, request_id).status is RequestStatus.PENDING
    staff_auth.post(url, {"decision": "decline", "answer": "The panel meets before then"})
    assert get(app, Action, action.id).due_on == action.due_on
    partner, _ = as_user(app, "p@police.example")
    page = page_text(partner.get(f"/actions/{action.id}"))
    assert "New due date declined" in page and "The panel meets before then" in page
    # Answered once: a second answer is refused in words.
    again = page_text(staff_auth.post(url, {"decision": "approve"}))
    assert "already been answered" in again


def test_completion_proposed_sent_back_then_confirmed(app, setting):
    action = setting["action"]
    url = f"/actions/{action.id}"
    partner, partner_auth = as_user(app, "p@police.example")
    empty = page_text(partner_auth.post(f"{url}/ask-to-complete", {"done": ""}))
    assert "Say what was done" in empty
    partner_auth.post(f"{url}/ask-to-complete", {"done": "All 40 officers briefed"})
    _staff, staff_auth = as_user(app, "staff@example.org")
    with app.app_context():
        first = db.session.scalar(select(ActionRequest.id))
    staff_auth.post(f"{url}/requests/{first}", {"decision": "decline", "answer": "Send the attendance list"})
    assert get(app, Action, action.id).status is ActionStatus.OPEN
    assert "Completion sent back" in page_text(partner.get(url))

    partner_auth.post(f"{url}/ask-to-complete", {"done": "Attendance list attached to the minutes"})
    with app.app_context():
        second = db.session.scalar(select(ActionRequest.id).where(ActionRequest.id != first))
    staff_auth.post(f"{url}/requests/{second}", {"decision": "approve"})
    assert get(app, Action, action.id).status is ActionStatus.COMPLETED
    page = page_text(partner.get(url))
    assert "Completion confirmed" in page and "Attendance list attached to the minutes" in page
    # Closed: nothing more to post or ask.
    assert "Post progress" not in page and "Ask staff" not in page
    refused = page_text(partner_auth.post(f"{url}/progress", {"progress": "One more thing"}))
    assert "progress can no longer be posted" in refused


def test_completing_asks_what_was_done_and_inline_brings_the_record_back(app, setting):
    action = setting["action"]
    staff, staff_auth = as_user(app, "staff@example.org")
    url = f"/actions/{action.id}/status"
    form = page_text(staff.get(url, headers={"HX-Request": "true"}))
    assert "<html" not in form and 'hx-post="/actions/' in form
    refused = staff_auth.post(url, {"status": "completed", "done": "", "version": "1"}, headers={"HX-Request": "true"})
    assert "Say what was done to complete the action" in page_text(refused)
    assert get(app, Action, action.id).status is ActionStatus.OPEN
    done = staff_auth.post(
        url, {"status": "completed", "done": "Briefing given on 2 May", "version": "1"}, headers={"HX-Request": "true"}
    )
    assert done.headers["HX-Retarget"] == "#record" and done.headers["HX-Reswap"] == "outerHTML"
    body = page_text(done)
    assert 'id="record"' in body and "Briefing given on 2 May" in body and "is now completed" in body
    assert get(app, Action, action.id).status is ActionStatus.COMPLETED
    # Without JavaScript the same post redirects to the action's page.
    reopened = staff_auth.post(url, {"status": "open", "done": "Reopened: list missing", "version": "2"})
    assert reopened.status_code == 302 and reopened.location == f"/actions/{action.id}"


def test_progress_does_not_overwrite_an_edit_and_an_old_edit_is_refused(app, setting):
    action = setting["action"]
    _staff, staff_auth = as_user(app, "staff@example.org")
    _, partner_auth = as_user(app, "p@police.example")
    # Staff open the edit form (version 1); the partner posts progress meanwhile.
    partner_auth.post(f"/actions/{action.id}/progress", {"progress": "Half the officers briefed"})
    data = {
        "title": "Brief all officers on hate crime",
        "owner_id": str(setting["police"].id),
        "priority": "high",
        "version": "1",
    }
    assert staff_auth.post(f"/actions/{action.id}/edit", data).status_code == 302
    assert get(app, Action, action.id).title == "Brief all officers on hate crime"
    # A second edit from the same old form is refused, keeping what was typed.
    stale = page_text(staff_auth.post(f"/actions/{action.id}/edit", {**data, "title": "Something else"}))
    assert "Someone else changed this action" in stale and "Something else" in stale


def test_a_partner_reads_the_history_of_partner_fields_only(app, setting):
    action = setting["action"]
    _, staff_auth = as_user(app, "staff@example.org")
    data = {
        "title": "Brief officers on hate crime",
        "owner_id": str(setting["police"].id),
        "priority": "high",
        "staff_notes": "Escalate to the superintendent",
        "due_on": ["1", "3", "2027"],
        "version": "1",
    }
    staff_auth.post(f"/actions/{action.id}/edit", data)
    partner, _ = as_user(app, "p@police.example")
    page = page_text(partner.get(f"/actions/{action.id}"))
    assert "Priority" in page and "1 March 2027" in page
    assert "Escalate to the superintendent" not in page and "Inspector is on leave" not in page
    assert "Staff notes" not in page
    staff, _ = as_user(app, "staff@example.org")
    assert "Escalate to the superintendent" in page_text(staff.get(f"/actions/{action.id}"))


def test_a_new_date_in_the_past_or_the_same_date_is_refused(app, setting):
    action = setting["action"]
    _, partner_auth = as_user(app, "p@police.example")
    url = f"/actions/{action.id}/ask-for-time"
    past = page_text(partner_auth.post(url, {"proposed_due_on": ["1", "1", "2020"], "reason": "x"}))
    assert "The new due date must be today or later" in past
    due = action.due_on
    same = page_text(
        partner_auth.post(url, {"proposed_due_on": [str(due.day), str(due.month), str(due.year)], "reason": "x"})
    )
    assert "already due" in same
    nonsense = partner_auth.post(url, {"proposed_due_on": ["31", "2", "2027"], "reason": "x"})
    assert nonsense.status_code == 200 and "must be a real date" in page_text(nonsense)
    with app.app_context():
        assert db.session.scalar(select(ActionRequest.id)) is None


def test_staff_raise_an_action_outside_a_meeting(app, client, staff, make):
    council = make.organisation("Riverside Council", type="local_council")
    missing = page_text(staff.post("/actions/new", {"title": "", "owner_id": "", "priority": "medium"}))
    assert "Enter what is to be done" in missing and "Select the organisation that owns the action" in missing
    answer = staff.post(
        "/actions/new",
        {
            "title": "Review the reporting leaflet",
            "owner_id": str(council.id),
            "priority": "low",
            "due_on": ["5", "1", "2027"],
        },
    )
    assert answer.status_code == 302
    page = page_text(client.get(answer.location))
    assert "Review the reporting leaflet" in page and "Raised on its own" in page and "5 January 2027" in page
    assert f"A-{date.today().year}-" in page


def test_the_workflow_emails_the_owner_partners_after_the_commit(app, setting, make):
    """An action raised for an organisation, and a request answered, email its
    partner users (DESIGN 6.12), once each, with a link to the action."""
    from crm.outbox.models import OutboxMessage

    _, staff_auth = as_user(app, "staff@example.org")
    police = setting["police"]
    staff_auth.post(
        "/actions/new", {"title": "Refresh the hate crime posters", "owner_id": str(police.id), "priority": "medium"}
    )
    with app.app_context():
        messages = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        assert [(m.kind, m.recipient) for m in messages] == [("action_assigned", "p@police.example")]
        assert messages[0].sent_at is not None and "Refresh the hate crime posters" in messages[0].body_text
        action_id = db.session.scalar(select(Action.id).where(Action.title == "Refresh the hate crime posters"))
        assert f"/actions/{action_id}" in messages[0].body_text
    # A refused save sends nothing.
    staff_auth.post("/actions/new", {"title": "", "owner_id": str(police.id), "priority": "medium"})
    with app.app_context():
        assert db.session.query(OutboxMessage).count() == 1

    with app.app_context():
        asked = services.request_completion(
            db.session.get(Action, setting["action"].id),
            "Posters are up",
            db.session.get(type(setting["partner"]), setting["partner"].id),
        )
        db.session.commit()
        request_id = asked.id
    staff_auth.post(
        f"/actions/{setting['action'].id}/requests/{request_id}", {"decision": "decline", "answer": "Photos, please"}
    )
    with app.app_context():
        answered = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind != "action_assigned")).all()
        assert [m.recipient for m in answered] == ["p@police.example"] and "Photos, please" in answered[0].body_text
