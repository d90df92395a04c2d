"""The agenda and its minutes as staff keep them and partners read them:
items, notes, actions agreed in items, matters arising, outcomes and feedback."""

from __future__ import annotations

import re
import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from crm.actions import services as action_services
from crm.actions.models import Action, ActionStatus, ActionUpdate
from crm.extensions import db
from crm.history.models import HistoryEntry
from crm.markings import Marking
from crm.meetings import services
from crm.meetings.models import AgendaItem, Feedback, ItemNote, Meeting, MeetingStatus
from tests.access import build_world
from tests.conftest import page_text
from tests.meetings.access import SENSITIVE_ITEM_TEXTS

HTMX = {"HX-Request": "true"}
YESTERDAY = datetime.now(UTC) - timedelta(days=1)


# --- helpers: records made directly through the services ---------------------------------


def add_item(app, meeting, title, **fields):
    with app.app_context():
        record = db.session.get(Meeting, meeting.id)
        item = services.add_item(record, {"title": title, **fields})
        db.session.commit()
        return item.id


def add_note(app, item_id, text, marking="official"):
    with app.app_context():
        note = services.add_note(db.session.get(AgendaItem, item_id), {"text": text, "marking": marking})
        db.session.commit()
        return note.id


def add_action(app, item_id, title, owner, **fields):
    with app.app_context():
        item = db.session.get(AgendaItem, item_id)
        action = action_services.create_action(item, {"title": title, "owner_id": str(owner.id), **fields})
        db.session.commit()
        return action.id


def get(app, model, id_):
    with app.app_context():
        record = db.session.get(model, id_)
        if record is not None:
            db.session.expunge(record)
        return record


def items_in_order(app, meeting) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(AgendaItem.title)
                .where(AgendaItem.meeting_id == meeting.id)
                .order_by(AgendaItem.position, AgendaItem.id)
            )
        )


@pytest.fixture
def org(make):
    return make.organisation("Hertfordshire Constabulary")


# --- items ----------------------------------------------------------------------------------


def test_items_are_added_numbered_and_their_minutes_are_paragraphs_numbered_as_uk_minutes(
    app, client, make, staff, org
):
    presenter = make.contact(org, "Mark Adeyemi")
    meeting = make.meeting("Spring panel")
    for title in ("Welcome and apologies", "Hate crime outcomes"):
        response = staff.post(
            f"/meetings/{meeting.id}/items/new",
            {"title": title, "presenter_id": str(presenter.id), "marking": "official"},
        )
        assert response.status_code == 302 and re.fullmatch(rf"/meetings/{meeting.id}#item-\d+", response.location)
    item_id = int(response.location.rpartition("-")[2])
    response = staff.post(
        f"/meetings/{meeting.id}/items/{item_id}/edit",
        {
            "title": "Hate crime outcomes",
            "presenter_id": str(presenter.id),
            "marking": "official",
            "discussion": "The panel looked at ten cases.\r\n\r\nTwo had no victim personal statement.\nOne was late.",
            "decisions": "The police will check statements are offered.",
            "version": "1",
        },
    )
    assert response.status_code == 302
    page = page_text(client.get(f"/meetings/{meeting.id}"))
    assert re.search(r"1\.</span>\s*Welcome and apologies", page)
    assert re.search(r"2\.</span>\s*Hate crime outcomes", page)
    assert "Presenter: Mark Adeyemi, Hertfordshire Constabulary" in page
    for number, text in [
        ("2.1", "The panel looked at ten cases."),
        ("2.2", "Two had no victim personal statement.<br>One was late."),
        ("2.3", "The police will check statements are offered."),
    ]:
        assert re.search(rf"{re.escape(number)}</span>\s*<p[^>]*>{re.escape(text)}</p>", page), number


def test_paragraphs_split_at_blank_lines():
    assert services.paragraphs("One\n\n  \nTwo\nstill two\r\n\r\nThree  ") == ["One", "Two\nstill two", "Three"]
    assert services.paragraphs("") == [] and services.paragraphs(None) == []


def test_an_item_needs_a_title_and_a_presenter_from_the_list(app, make, staff):
    meeting = make.meeting()
    page = page_text(staff.post(f"/meetings/{meeting.id}/items/new", {"title": "  ", "marking": "official"}))
    assert "There is a problem" in page and "Enter a title for the item" in page
    page = page_text(
        staff.post(f"/meetings/{meeting.id}/items/new", {"title": "X", "presenter_id": "999999", "marking": "official"})
    )
    assert "Select the presenter from the list" in page
    page = page_text(staff.post(f"/meetings/{meeting.id}/items/new", {"title": "x" * 201, "marking": "official"}))
    assert "Title must be 200 characters or fewer" in page
    assert items_in_order(app, meeting) == []


def test_two_people_editing_an_item_the_second_is_told_and_keeps_their_text(app, make, staff):
    meeting = make.meeting()
    item_id = add_item(app, meeting, "Community engagement")
    form = {"marking": "official", "version": "1"}
    first = staff.post(f"/meetings/{meeting.id}/items/{item_id}/edit", {**form, "title": "First title"})
    assert first.status_code == 302
    second = staff.post(
        f"/meetings/{meeting.id}/items/{item_id}/edit",
        {**form, "title": "Second title", "discussion": "What the second person typed"},
    )
    page = page_text(second)
    assert second.status_code == 200
    assert "Someone else changed this agenda item while you were editing it" in page
    assert 'value="Second title"' in page and "What the second person typed" in page
    assert 'name="version" type="hidden" value="2"' in page  # saving again, having looked, goes through
    assert get(app, AgendaItem, item_id).title == "First title"


def test_an_item_edit_is_in_its_history_field_by_field(app, make, staff):
    meeting = make.meeting()
    item_id = add_item(app, meeting, "Old title")
    staff.post(
        f"/meetings/{meeting.id}/items/{item_id}/edit",
        {"title": "New title", "marking": "official_sensitive", "decisions": "Agreed", "version": "1"},
    )
    with app.app_context():
        rows = db.session.scalars(
            select(HistoryEntry).where(
                HistoryEntry.record_type == "agenda_items",
                HistoryEntry.record_id == item_id,
                HistoryEntry.action == "updated",
            )
        ).all()
        changes = {row.field: (row.before, row.after) for row in rows}
        assert all(row.actor_id is not None for row in rows)
    assert changes == {
        "title": ("Old title", "New title"),
        "marking": ("official", "official_sensitive"),
        "decisions": ("", "Agreed"),
    }


def test_items_move_up_and_down_without_javascript_and_with_htmx(app, client, make, staff):
    meeting = make.meeting()
    ids = [add_item(app, meeting, title) for title in ("First", "Second", "Third")]
    response = staff.post(f"/meetings/{meeting.id}/items/{ids[2]}/move", {"direction": "up"})
    assert response.status_code == 302 and response.location == f"/meetings/{meeting.id}#item-{ids[2]}"
    assert items_in_order(app, meeting) == ["First", "Third", "Second"]

    response = staff.post(f"/meetings/{meeting.id}/items/{ids[0]}/move", {"direction": "down"}, headers=HTMX)
    assert response.status_code == 200
    assert response.headers["HX-Retarget"] == "#agenda" and response.headers["HX-Reswap"] == "outerHTML"
    fragment = page_text(response)
    assert fragment.lstrip().startswith('<section id="agenda"') and "<html" not in fragment
    assert items_in_order(app, meeting) == ["Third", "First", "Second"]
    # The button pressed keeps the focus, to press again.
    assert re.search(rf'id="move-{ids[0]}-down"[^>]*autofocus', fragment)
    assert fragment.count("autofocus") == 1
    # At the bottom, where "Move down" has gone, "Move up" takes the focus.
    fragment = page_text(staff.post(f"/meetings/{meeting.id}/items/{ids[0]}/move", {"direction": "down"}, headers=HTMX))
    assert items_in_order(app, meeting) == ["Third", "Second", "First"]
    assert re.search(rf'id="move-{ids[0]}-up"[^>]*autofocus', fragment)
    staff.post(f"/meetings/{meeting.id}/items/{ids[0]}/move", {"direction": "up"})
    # The first item cannot move up, nor the last down.
    assert f"move-{ids[2]}-up" not in fragment and f"move-{ids[0]}-down" not in fragment

    # At the top already: nothing changes.
    staff.post(f"/meetings/{meeting.id}/items/{ids[2]}/move", {"direction": "up"})
    assert items_in_order(app, meeting) == ["Third", "First", "Second"]
    assert staff.post(f"/meetings/{meeting.id}/items/{ids[2]}/move", {"direction": "sideways"}).status_code == 400


def test_removing_an_item_asks_first_and_waits_until_its_actions_are_moved_or_cancelled(app, client, make, staff, org):
    meeting = make.meeting()
    item_id = add_item(app, meeting, "Item with an action")
    add_note(app, item_id, "A note that goes with it")
    action_id = add_action(app, item_id, "Share the data", org)
    url = f"/meetings/{meeting.id}/items/{item_id}/remove"
    page = page_text(client.get(url))
    assert "Remove this agenda item?" in page and "Item with an action" in page

    page = page_text(staff.post(url, {"version": "1"}))
    assert "Move or cancel its actions first" in page
    assert get(app, AgendaItem, item_id) is not None

    with app.app_context():
        db.session.get(Action, action_id).status = ActionStatus.CANCELLED
        db.session.commit()
    response = staff.post(url, {"version": "1"})
    assert response.status_code == 302 and response.location == f"/meetings/{meeting.id}#agenda"
    assert get(app, AgendaItem, item_id) is None
    assert get(app, Action, action_id).agenda_item_id is None  # the cancelled action stays with the meeting
    with app.app_context():
        deleted = db.session.scalars(
            select(HistoryEntry.record_type).where(HistoryEntry.action == "deleted").distinct()
        ).all()
    assert set(deleted) == {"agenda_items", "item_notes"}


def test_approved_minutes_refuse_every_change(app, client, make, staff, org):
    meeting = make.meeting("Approved panel")
    item_id = add_item(app, meeting, "Locked item")
    note_id = add_note(app, item_id, "Locked note")
    with app.app_context():
        db.session.add(Feedback(meeting_id=meeting.id, quote="Good", attribution="Chair"))
        db.session.get(Meeting, meeting.id).status = "approved"
        db.session.commit()
        feedback_id = db.session.scalar(select(Feedback.id))
    message = "The minutes of this meeting are approved, so they cannot be changed"
    page = page_text(client.get(f"/meetings/{meeting.id}"))
    assert "Add an agenda item" not in page and "Edit item" not in page and "Move up" not in page
    base = f"/meetings/{meeting.id}"
    posts = {
        f"{base}/items/new": {"title": "New", "marking": "official"},
        f"{base}/items/{item_id}/edit": {"title": "Changed", "marking": "official"},
        f"{base}/items/{item_id}/remove": {},
        f"{base}/items/{item_id}/notes/new": {"text": "More", "marking": "official"},
        f"{base}/notes/{note_id}/edit": {"text": "Changed", "marking": "official"},
        f"{base}/notes/{note_id}/remove": {},
        f"{base}/items/{item_id}/actions/new": {"title": "Do it", "owner_id": str(org.id)},
        f"{base}/outcomes": {"outcomes": "Changed"},
        f"{base}/feedback/new": {"quote": "Q", "attribution": "Chair"},
        f"{base}/feedback/{feedback_id}/edit": {"quote": "Q", "attribution": "Chair"},
        f"{base}/feedback/{feedback_id}/remove": {},
    }
    for url, data in posts.items():
        response = staff.post(url, data)
        assert response.status_code == 200, url
        assert message in page_text(response), url
        assert message in page_text(client.get(url)), f"GET {url}"
    move = staff.post(f"{base}/items/{item_id}/move", {"direction": "up"}, follow_redirects=True)
    assert message in page_text(move)
    with app.app_context():
        assert db.session.scalar(select(AgendaItem.title)) == "Locked item"
        assert db.session.scalar(select(ItemNote.text)) == "Locked note"
        assert db.session.scalar(select(Action.id)) is None
        assert db.session.get(Meeting, meeting.id).outcomes == ""


def test_htmx_edits_inline_and_swaps_the_agenda(app, client, make, staff):
    meeting = make.meeting()
    item_id = add_item(app, meeting, "Inline item")
    url = f"/meetings/{meeting.id}/items/{item_id}/edit"
    form = page_text(client.get(url, headers=HTMX))
    assert "<html" not in form and 'class="app-inline-form app-inline-form--inline"' in form
    assert f'hx-post="{url}"' in form and 'name="csrf_token"' in form
    assert 'hx-select="#agenda"' in form  # Cancel brings the agenda back as it was

    problem = staff.post(url, {"title": "", "marking": "official", "version": "1"}, headers=HTMX)
    assert problem.status_code == 200 and "HX-Retarget" not in problem.headers
    assert "Enter a title for the item" in page_text(problem) and "<html" not in page_text(problem)

    saved = staff.post(url, {"title": "Renamed inline", "marking": "official", "version": "1"}, headers=HTMX)
    assert saved.headers["HX-Retarget"] == "#agenda"
    assert re.search(rf'id="item-{item_id}-heading"[^>]*autofocus', page_text(saved))
    assert "Renamed inline" in page_text(saved)
    # The whole page has no form in it: it is asked for.
    page = page_text(client.get(f"/meetings/{meeting.id}"))
    assert f'hx-get="{url}"' in page and f'href="{url}"' in page


# --- notes ------------------------------------------------------------------------------------


def test_notes_have_their_own_marking(app, client, make, staff):
    meeting = make.meeting()
    item_id = add_item(app, meeting, "Open item")
    response = staff.post(
        f"/meetings/{meeting.id}/items/{item_id}/notes/new",
        {"text": "Names the victim", "marking": "official_sensitive"},
    )
    assert response.status_code == 302
    note_id = int(response.location.rpartition("-")[2])
    page = page_text(client.get(f"/meetings/{meeting.id}"))
    note = page[page.index(f'id="note-{note_id}"') :]
    assert "OFFICIAL-SENSITIVE" in note[:500] and "Names the victim" in note[:500]

    staff.post(
        f"/meetings/{meeting.id}/notes/{note_id}/edit", {"text": "Changed", "marking": "official", "version": "1"}
    )
    assert get(app, ItemNote, note_id).text == "Changed" and get(app, ItemNote, note_id).marking is Marking.OFFICIAL
    assert "Enter the note" in page_text(
        staff.post(f"/meetings/{meeting.id}/notes/{note_id}/edit", {"text": "", "marking": "official"})
    )
    staff.post(f"/meetings/{meeting.id}/notes/{note_id}/remove", {"version": "2"})
    assert get(app, ItemNote, note_id) is None


def test_a_note_of_another_meeting_is_not_found(app, client, make, staff):
    meeting, other = make.meeting(), make.meeting()
    note_id = add_note(app, add_item(app, other, "Elsewhere"), "Elsewhere")
    assert client.get(f"/meetings/{meeting.id}/notes/{note_id}/edit").status_code == 404


# --- actions ----------------------------------------------------------------------------------


def test_an_action_gets_a_reference_that_runs_on_through_the_year(app, client, make, staff, org):
    lead = make.contact(org, "Rachel Kent")
    meeting = make.meeting()
    item_id = add_item(app, meeting, "Hate crime")
    url = f"/meetings/{meeting.id}/items/{item_id}/actions/new"
    data = {
        "title": "Share the outcomes",
        "owner_id": str(org.id),
        "lead_id": str(lead.id),
        "due_on": ["1", "2", "2020"],
    }
    response = staff.post(url, data)
    assert response.status_code == 302
    staff.post(url, {**data, "title": "Second action", "due_on": ["", "", ""]})
    year = datetime.now(UTC).year
    with app.app_context():
        actions = db.session.scalars(select(Action).order_by(Action.id)).all()
        assert [a.reference for a in actions] == [f"A-{year}-001", f"A-{year}-002"]
        first = actions[0]
        assert (first.status, first.owner_id, first.lead_id, first.due_on) == (
            ActionStatus.OPEN,
            org.id,
            lead.id,
            date(2020, 2, 1),
        )
        assert (first.meeting_id, first.agenda_item_id) == (meeting.id, item_id)
    page = page_text(client.get(f"/meetings/{meeting.id}"))
    row = page[page.index(f">A-{year}-001</td>") :][:1500]
    assert "Share the outcomes" in row and "Hertfordshire Constabulary" in row and "Rachel Kent" in row
    assert "1 February 2020" in row and "Late" in row
    second = page[page.index(f">A-{year}-002</td>") :][:1500]
    assert "No date" in second and ">Late<" not in second


def test_an_action_lead_works_for_its_owner_and_its_date_is_real(app, make, staff, org):
    elsewhere = make.organisation("Bedfordshire Police")
    outsider = make.contact(elsewhere, "Jordan Lee")
    meeting = make.meeting()
    item_id = add_item(app, meeting, "Item")
    url = f"/meetings/{meeting.id}/items/{item_id}/actions/new"
    page = page_text(staff.post(url, {"title": "Do it", "owner_id": str(org.id), "lead_id": str(outsider.id)}))
    assert "The lead person must work for the owner organisation" in page
    page = page_text(staff.post(url, {"title": "Do it", "owner_id": str(org.id), "due_on": ["31", "2", "2026"]}))
    assert "The due date must be a real date" in page
    page = page_text(staff.post(url, {"title": "", "owner_id": ""}))
    assert "Enter what is to be done" in page and "Select the organisation that owns the action" in page
    with app.app_context():
        assert db.session.scalar(select(Action.id)) is None


def test_references_run_in_order_with_no_duplicates(app):
    with app.app_context():
        references = [action_services.next_reference("A-2031") for _ in range(12)]
        db.session.commit()
        assert action_services.next_reference("A-2032") == "A-2032-001"
        db.session.rollback()
    assert references == [f"A-2031-{n:03d}" for n in range(1, 13)]


def test_two_servers_at_once_never_get_the_same_reference(app):
    """Each thread is a server of its own: its own session and connection."""
    handed_out, errors = [], []

    def server():
        try:
            with app.app_context():
                for _ in range(10):
                    handed_out.append(action_services.next_reference("A-2040"))
                    db.session.commit()
        except Exception as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=server) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(handed_out) == [f"A-2040-{n:03d}" for n in range(1, 31)]


def test_a_reference_has_at_least_three_digits():
    assert action_services.action_prefix(datetime(2026, 12, 31, 23, 30, tzinfo=UTC)) == "A-2026"
    # New Year in London comes at midnight GMT.
    assert action_services.action_prefix(datetime(2027, 1, 1, 0, 0, tzinfo=UTC)) == "A-2027"


def test_a_late_action_is_measured_in_uk_days(app):
    today = action_services.today(datetime(2026, 6, 30, 23, 30, tzinfo=UTC))  # already 1 July in London
    assert today == date(2026, 7, 1)
    action = Action(due_on=date(2026, 6, 30), status=ActionStatus.OPEN)
    assert action.is_late(today)
    action.status = ActionStatus.COMPLETED
    assert not action.is_late(today)


# --- matters arising --------------------------------------------------------------------------


@pytest.fixture
def series_world(app, make, org):
    """A panel with an earlier meeting (actions open, done, and in a sensitive item) and this one."""
    partner_org = org
    series = make.series("Hate Crime Scrutiny Panel", members=[partner_org])
    earlier = make.meeting(
        "Winter panel", series=series, starts_at=datetime.now(UTC) - timedelta(days=90), status="circulated"
    )
    now = make.meeting("Spring panel", series=series, starts_at=YESTERDAY, status="circulated")
    later = make.meeting("Summer panel", series=series, starts_at=datetime.now(UTC) + timedelta(days=90))
    standalone = make.meeting("Conference", organisations=[partner_org], status="circulated")
    open_item = add_item(app, earlier, "Outcomes")
    secret_item = add_item(app, earlier, "Secret case", marking=Marking.OFFICIAL_SENSITIVE)
    ids = {
        "open": add_action(app, open_item, "Share outcome data", partner_org),
        "done": add_action(app, open_item, "Already done", partner_org),
        "secret": add_action(app, secret_item, "Secret follow-up", partner_org),
        "later": add_action(app, add_item(app, later, "Later"), "From a later meeting", partner_org),
        "same": add_action(app, add_item(app, now, "This meeting"), "Agreed today", partner_org),
    }
    with app.app_context():
        db.session.get(Action, ids["done"]).status = ActionStatus.COMPLETED
        db.session.commit()
    return {
        "series": series,
        "earlier": earlier,
        "now": now,
        "later": later,
        "standalone": standalone,
        "ids": ids,
        "org": partner_org,
    }


def test_matters_arising_lists_open_actions_of_earlier_meetings_in_the_series(app, client, make, staff, series_world):
    page = page_text(client.get(f"/meetings/{series_world['now'].id}"))
    arising = page[page.index('id="matters-arising"') : page.index('id="agenda"')]
    assert "Share outcome data" in arising and "Secret follow-up" in arising and "Winter panel" in arising
    assert "Already done" not in arising and "From a later meeting" not in arising and "Agreed today" not in arising
    standalone = page_text(client.get(f"/meetings/{series_world['standalone'].id}"))
    assert "Matters arising" not in standalone

    # The latest progress said at an earlier meeting shows; one said at a later meeting does not.
    with app.app_context():
        for meeting, text in (("earlier", "Said at the winter panel"), ("later", "Said at the summer panel")):
            db.session.add(
                ActionUpdate(action_id=series_world["ids"]["open"], meeting_id=series_world[meeting].id, text=text)
            )
        db.session.commit()
    page = page_text(client.get(f"/meetings/{series_world['now'].id}"))
    assert "Said at the winter panel" in page and "Said at the summer panel" not in page


def test_progress_said_at_a_meeting_is_recorded_and_the_status_kept_in_history(app, client, make, staff, series_world):
    meeting, action_id = series_world["now"], series_world["ids"]["open"]
    url = f"/meetings/{meeting.id}/actions/{action_id}/progress"
    assert "Share outcome data" in page_text(client.get(url))
    response = staff.post(url, {"status": "in_progress", "progress": "Data shared for Q1", "version": "1"})
    assert response.status_code == 302 and response.location == f"/meetings/{meeting.id}#arising-{action_id}"
    with app.app_context():
        update = db.session.scalar(select(ActionUpdate))
        assert (update.action_id, update.meeting_id, update.text, update.status) == (
            action_id,
            meeting.id,
            "Data shared for Q1",
            ActionStatus.IN_PROGRESS,
        )
        assert update.author_id is not None
        history = db.session.scalars(
            select(HistoryEntry).where(HistoryEntry.record_type == "actions", HistoryEntry.record_id == action_id)
        ).all()
        assert ("status", "open", "in_progress") in [(h.field, h.before, h.after) for h in history]
    page = page_text(client.get(f"/meetings/{meeting.id}"))
    assert "Data shared for Q1" in page and "Recorded at this meeting" in page

    # Completed at this meeting: it stays in this meeting's matters arising, to say so.
    staff.post(url, {"status": "completed", "progress": "", "version": "2"})
    assert get(app, Action, action_id).status is ActionStatus.COMPLETED
    page = page_text(client.get(f"/meetings/{meeting.id}"))
    assert "Share outcome data" in page and "Status changed to completed" in page
    # Nothing said, nothing saved; an old version is a conflict.
    assert staff.post(url, {"status": "completed", "version": "3"}).status_code == 302
    page = page_text(staff.post(url, {"status": "open", "progress": "x", "version": "1"}))
    assert "Someone else changed this action" in page
    with app.app_context():
        assert len(db.session.scalars(select(ActionUpdate)).all()) == 2


def test_an_action_not_in_matters_arising_cannot_be_updated_there(app, client, make, staff, series_world):
    meeting = series_world["now"]
    for key in ("later", "same", "done"):
        url = f"/meetings/{meeting.id}/actions/{series_world['ids'][key]}/progress"
        assert client.get(url).status_code == 404, key
    url = f"/meetings/{series_world['standalone'].id}/actions/{series_world['ids']['open']}/progress"
    assert client.get(url).status_code == 404


def test_partners_matters_arising_leaves_out_actions_of_sensitive_items(app, client, auth, make, series_world):
    make.user("partner", organisation=series_world["org"], email="p@herts.example")
    auth.login("p@herts.example")
    page = page_text(client.get(f"/meetings/{series_world['now'].id}"))
    assert "Share outcome data" in page
    assert "Secret follow-up" not in page and "Record progress" not in page
    url = f"/meetings/{series_world['now'].id}/actions/{series_world['ids']['open']}/progress"
    assert client.get(url).status_code == 403


# --- outcomes and feedback ----------------------------------------------------------------------


def test_outcomes_and_feedback_partners_see_only_what_may_be_published(app, client, auth, make, staff, org):
    meeting = make.meeting("Visit", organisations=[org], status="circulated")
    version = str(meeting.version)
    response = staff.post(
        f"/meetings/{meeting.id}/outcomes",
        {"outcomes": "Two new referral routes.\n\nA second visit.", "version": version},
    )
    assert response.status_code == 302
    page = page_text(staff.post(f"/meetings/{meeting.id}/outcomes", {"outcomes": "Stale", "version": version}))
    assert "Someone else changed this meeting" in page and "Stale" in page
    for quote, attribution, publish in [
        ("The panel changed how we work", "Chair, Domestic Abuse Scrutiny Panel", "y"),
        ("Not for the newsletter", "Volunteer, Victim Support", ""),
    ]:
        data = {"quote": quote, "attribution": attribution}
        if publish:
            data["may_publish"] = publish
        assert staff.post(f"/meetings/{meeting.id}/feedback/new", data).status_code == 302
    page = page_text(client.get(f"/meetings/{meeting.id}"))
    assert "Two new referral routes." in page and "A second visit." in page
    assert "The panel changed how we work" in page and "Not for the newsletter" in page
    assert "Not for publishing" in page and "May be published" in page
    assert "never a name" in page_text(client.get(f"/meetings/{meeting.id}/feedback/new"))
    page = page_text(staff.post(f"/meetings/{meeting.id}/feedback/new", {"quote": "", "attribution": ""}))
    assert "Enter what they said" in page and "Enter who said it, by role and organisation" in page

    auth.logout()
    make.user("partner", organisation=org, email="p@herts.example")
    auth.login("p@herts.example")
    page = page_text(client.get(f"/meetings/{meeting.id}"))
    assert "Two new referral routes." in page and "The panel changed how we work" in page
    assert "Not for the newsletter" not in page and "Not for publishing" not in page and "Edit outcomes" not in page


def test_outcomes_saved_in_place_bring_the_lifecycle_buttons_the_new_version(app, client, make, staff, org):
    meeting = make.meeting("Visit", organisations=[org], status="minutes_draft")
    response = staff.post(
        f"/meetings/{meeting.id}/outcomes",
        {"outcomes": "Two new routes.", "version": str(meeting.version)},
        headers=HTMX,
    )
    body = page_text(response)
    new_version = get(app, Meeting, meeting.id).version
    assert new_version == meeting.version + 1
    assert (
        f'<input type="hidden" name="version" value="{new_version}" '
        'hx-swap-oob="outerHTML:#lifecycle input[name=version]">'
    ) in body
    # The buttons' version, as the page would now send it, takes the next step.
    response = staff.post(f"/meetings/{meeting.id}/steps/circulate", {"version": str(new_version)})
    assert response.status_code == 302
    assert get(app, Meeting, meeting.id).status is MeetingStatus.CIRCULATED


# --- the partner version ------------------------------------------------------------------------


def _circulated_with_secret(app, make, org, status="circulated"):
    meeting = make.meeting("Panel", organisations=[org], status=status, starts_at=YESTERDAY)
    presenter = make.contact(org, "Priya Presenter")
    first = add_item(app, meeting, "Open item", presenter_id=presenter.id, discussion="Open discussion")
    secret = add_item(
        app, meeting, "Secret item title", marking=Marking.OFFICIAL_SENSITIVE, discussion="Secret discussion"
    )
    third = add_item(app, meeting, "Third item", decisions="Open decision")
    add_note(app, secret, "Note in the secret item")
    add_note(app, first, "Sensitive note in an open item", marking="official_sensitive")
    add_note(app, first, "Open note")
    add_action(app, secret, "Secret action", org)
    add_action(app, first, "Open action", org)
    return meeting, (first, secret, third)


def test_a_partner_never_sees_a_sensitive_item_its_note_or_its_action(app, client, auth, make, org):
    meeting, _ = _circulated_with_secret(app, make, org)
    make.user("partner", organisation=org, email="p@herts.example")
    auth.login("p@herts.example")
    for headers in ({}, HTMX):
        page = page_text(client.get(f"/meetings/{meeting.id}", headers=headers))
        for secret in (
            "Secret item title",
            "Secret discussion",
            "Note in the secret item",
            "Secret action",
            "Sensitive note in an open item",
            "OFFICIAL-SENSITIVE",
            "not included",
        ):
            assert secret not in page, secret
        assert "Open item" in page and "Open discussion" in page and "Open note" in page and "Open action" in page
        # The full minutes' numbers, so that "item 3" is the same item in both versions.
        assert re.search(r"3\.</span>\s*Third item", page) and "3.1" in page
        assert "Edit item" not in page and "Move up" not in page


def test_staff_see_the_full_version_with_sensitive_parts_tagged(app, client, make, staff, org):
    meeting, (_, secret, _) = _circulated_with_secret(app, make, org)
    page = page_text(client.get(f"/meetings/{meeting.id}"))
    for text in ("Secret item title", "Secret discussion", "Note in the secret item", "Secret action"):
        assert text in page
    item = page[page.index(f'id="item-{secret}"') :][:1200]
    assert "OFFICIAL-SENSITIVE" in item


def test_before_circulation_a_partner_sees_titles_and_presenters_only(app, client, auth, make, org):
    meeting, _ = _circulated_with_secret(app, make, org, status="agenda_published")
    make.user("partner", organisation=org, email="p@herts.example")
    auth.login("p@herts.example")
    page = page_text(client.get(f"/meetings/{meeting.id}"))
    assert "Open item" in page and "Presenter: Priya Presenter" in page and "Third item" in page
    for hidden in ("Open discussion", "Open decision", "Open note", "Open action", "Secret item title"):
        assert hidden not in page, hidden


# --- the page's cost ----------------------------------------------------------------------------


def test_the_meeting_page_costs_the_same_queries_however_long_the_agenda(app, client, make, staff, count_queries, org):
    lead = make.contact(org, "Lead Person")

    def meeting_with(items: int, actions: int) -> int:
        meeting = make.meeting(status="circulated")
        with app.app_context():
            record = db.session.get(Meeting, meeting.id)
            made = [services.add_item(record, {"title": f"Item {n}", "presenter_id": lead.id}) for n in range(items)]
            for item in made:
                services.add_note(item, {"text": "A note", "marking": "official"})
            for n in range(actions):
                action_services.create_action(
                    made[n % items], {"title": f"Action {n}", "owner_id": org.id, "lead_id": lead.id}
                )
            db.session.commit()
        return meeting.id

    small, large = meeting_with(2, 2), meeting_with(20, 30)
    counts = {}
    for meeting_id in (small, large):
        client.get(f"/meetings/{meeting_id}")  # warm up
        with count_queries() as counter:
            response = client.get(f"/meetings/{meeting_id}")
        assert response.status_code == 200
        counts[meeting_id] = counter.count
    assert page_text(client.get(f"/meetings/{large}")).count("Action 29") == 1
    assert counts[small] == counts[large], counts


def test_the_matrix_own_partner_reads_its_circulated_minutes_without_the_sensitive_item(app, client, auth, make):
    """The access matrix checks secrets against the other partner only; this is the own partner,
    who may read the meeting, reading it without the OFFICIAL-SENSITIVE item, its note or its action."""
    world = build_world(make)
    meeting_url = f"/meetings/{world.ids('own:circulated')['meeting']}"
    auth.login(world.users["own_partner"].email)
    for headers in ({}, HTMX):
        response = client.get(meeting_url, headers=headers)
        assert response.status_code == 200
        for text in SENSITIVE_ITEM_TEXTS:
            assert text not in page_text(response), text
    auth.logout()
    auth.login(world.users["staff"].email)
    staff_page = page_text(client.get(meeting_url))
    assert all(text in staff_page for text in SENSITIVE_ITEM_TEXTS)


def test_nonsense_in_every_field_of_every_form_is_refused_without_an_error_page(app, client, make, staff, org):
    """The standing fuzz posts to one form of each area; here every form of the agenda gets nonsense."""
    meeting = make.meeting(status="circulated")
    item_id = add_item(app, meeting, "Item")
    note_id = add_note(app, item_id, "Note")
    action_id = add_action(app, item_id, "Action", org)
    with app.app_context():
        feedback = services.add_feedback(db.session.get(Meeting, meeting.id), {"quote": "Q", "attribution": "Chair"})
        db.session.commit()
        feedback_id = feedback.id
    base = f"/meetings/{meeting.id}"
    urls = [
        f"{base}/items/new",
        f"{base}/items/{item_id}/edit",
        f"{base}/items/{item_id}/move",
        f"{base}/items/{item_id}/notes/new",
        f"{base}/notes/{note_id}/edit",
        f"{base}/items/{item_id}/actions/new",
        f"{base}/actions/{action_id}/edit",
        f"{base}/outcomes",
        f"{base}/feedback/new",
        f"{base}/feedback/{feedback_id}/edit",
    ]
    fields = (
        "title",
        "presenter_id",
        "marking",
        "discussion",
        "decisions",
        "text",
        "owner_id",
        "lead_id",
        "due_on",
        "description",
        "status",
        "agenda_item_id",
        "progress",
        "outcomes",
        "quote",
        "attribution",
        "may_publish",
        "version",
        "direction",
    )
    nonsense = ["-1", "abc", str(10**30), "x" * 50_001, "", "official_sensitive ", "1.5", "\u202e\ufeff"]
    with app.app_context():
        before = {model: len(db.session.scalars(select(model)).all()) for model in (AgendaItem, ItemNote, Action)}
    for url in urls:
        for value in nonsense:
            response = staff.post(url, dict.fromkeys(fields, value))
            assert response.status_code in (200, 302, 400), f"{url} with {value[:20]!r}: {response.status_code}"
    with app.app_context():
        after = {model: len(db.session.scalars(select(model)).all()) for model in (AgendaItem, ItemNote, Action)}
        assert all(len(item.title) <= 200 for item in db.session.scalars(select(AgendaItem)))
    assert after == before
