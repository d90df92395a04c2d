"""A meeting's attendance as staff keep it and partners read it: adding people
by search (with htmx and without), whole organisations, quick and full changes,
removal, the lock of approved minutes, a new contact added from the meeting
page, the organisations involved, history, and the queries the page costs."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from crm import records
from crm.contacts.models import Contact
from crm.database import utcnow
from crm.extensions import db
from crm.history.models import HistoryEntry
from crm.meetings import services
from crm.meetings.models import AgendaItem, Attendance, AttendanceRole, AttendanceStatus, Meeting, MeetingStatus
from tests.conftest import page_text

HTMX = {"HX-Request": "true"}


# --- helpers ----------------------------------------------------------------------


def attend(app, meeting, contact=None, *, organisation=None, **values) -> int:
    """Put `contact` (or `organisation` as a whole) on the attendance; the row's id."""
    with app.app_context():
        stored = db.session.get(Meeting, meeting.id)
        if contact is not None:
            row = services.add_attendee(stored, db.session.get(Contact, contact.id))
        else:
            row = services.add_whole_organisation(stored, organisation)
        if values:
            records.update(row, values)
        db.session.commit()
        return row.id


def agenda(app, meeting, *titles) -> list[int]:
    """Agenda items in this order (positions with gaps, as reordering leaves them)."""
    with app.app_context():
        items = [
            records.create(AgendaItem(), {"meeting_id": meeting.id, "position": 10 * (n + 1), "title": title})
            for n, title in enumerate(titles)
        ]
        db.session.commit()
        return [item.id for item in items]


def rows(app, meeting) -> list[Attendance]:
    with app.app_context():
        found = db.session.scalars(select(Attendance).where(Attendance.meeting_id == meeting.id)).all()
        for row in found:
            db.session.expunge(row)
        return found


def history(app, record_type: str, record_id: int) -> list[tuple[str, str]]:
    with app.app_context():
        query = select(HistoryEntry.action, HistoryEntry.field).where(
            HistoryEntry.record_type == record_type, HistoryEntry.record_id == record_id
        )
        return list(db.session.execute(query.order_by(HistoryEntry.id)).tuples())


def attendance_section(page: str) -> str:
    return page[page.index('id="attendance"') : page.index("</section>", page.index('id="attendance"'))]


@pytest.fixture
def panel(make):
    """A meeting with people at two organisations, none of them on its attendance yet."""
    police = make.organisation("Thames Valley Police")
    support = make.organisation("Hertfordshire Victim Support", type="victim_witness_service")
    people = {
        "jane": make.contact(police, "Jane Smith", job_title="Inspector"),
        "raj": make.contact(police, "Raj Patel"),
        "ola": make.contact(support, "Ola Brown"),
    }
    meeting = make.meeting("Scrutiny panel", organisations=[police])
    return {"meeting": meeting, "police": police, "support": support, **people}


# --- adding people ----------------------------------------------------------------


def test_the_search_fills_in_as_you_type_and_add_puts_them_on_as_a_present_member(app, client, staff, panel):
    meeting = panel["meeting"]
    url = f"/meetings/{meeting.id}/attendance/add"
    fragment = client.get(f"{url}?q=JANE", headers=HTMX)
    body = page_text(fragment)
    assert fragment.status_code == 200 and "<html" not in body, "htmx gets the results alone"
    assert "HX-Replace-Url" not in fragment.headers, "the meeting page's address stays as it is"
    assert "Jane Smith" in body and "Inspector, Thames Valley Police" in body
    assert "Raj Patel" not in body and "Ola Brown" not in body
    assert f'name="contact_id" value="{panel["jane"].id}"' in body

    response = staff.post(url, {"contact_id": str(panel["jane"].id), "q": "JANE"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/meetings/{meeting.id}#attendance"
    (row,) = rows(app, meeting)
    assert (row.contact_id, row.organisation_id) == (panel["jane"].id, panel["police"].id)
    assert (row.role, row.status) == (AttendanceRole.MEMBER, AttendanceStatus.PRESENT)

    section = attendance_section(page_text(client.get(f"/meetings/{meeting.id}")))
    assert "1 present." in section
    assert re.search(r"<h3[^>]*><a [^>]*>Thames Valley Police</a></h3>", section), "grouped under the organisation"
    assert "Jane Smith" in section and "Member" in section
    assert re.search(r'aria-pressed="true">\s*Present', section)
    # Found again, she is shown as on the attendance instead of with an Add button.
    again = page_text(client.get(f"{url}?q=jane", headers=HTMX))
    assert "On the attendance" in again and 'name="contact_id"' not in again


def test_without_javascript_the_search_is_a_page_matching_names_and_organisations(app, client, make, staff, panel):
    archived = make.contact(panel["police"], "Archie Gone")
    with app.app_context():
        db.session.get(Contact, archived.id).archived_at = utcnow()
        db.session.commit()
    page = client.get(f"/meetings/{panel['meeting'].id}/attendance/add?q=thames+valley")
    body = page_text(page)
    assert page.status_code == 200 and "<html" in body and "Add to the attendance" in body
    # The organisation's name matches, in any case; archived people are left out.
    assert "Jane Smith" in body and "Raj Patel" in body and "2 people found" in body
    assert "Ola Brown" not in body and "Archie Gone" not in body
    assert 'id="whole-organisation"' in body, "the same page adds a whole organisation"
    assert "No one found for “zzz”" in page_text(client.get(f"/meetings/{panel['meeting'].id}/attendance/add?q=zzz"))


def test_the_search_shows_ten_at_most_and_takes_wildcards_literally(app, client, make, staff, panel):
    for n in range(12):
        make.contact(panel["support"], f"Volunteer {n:02}")
    url = f"/meetings/{panel['meeting'].id}/attendance/add"
    body = page_text(client.get(f"{url}?q=volunteer", headers=HTMX))
    assert body.count('name="contact_id"') == 10 and "More than 10 people found" in body
    assert "Volunteer 09" in body and "Volunteer 10" not in body
    assert "No one found" in page_text(client.get(f"{url}?q=%25", headers=HTMX))


def test_the_same_person_twice_is_refused_politely(app, client, staff, panel):
    meeting, jane = panel["meeting"], panel["jane"]
    attend(app, meeting, jane)
    response = staff.post(f"/meetings/{meeting.id}/attendance/add", {"contact_id": str(jane.id), "q": "jane"})
    body = page_text(response)
    assert response.status_code == 200
    assert "There is a problem" in body and "Jane Smith is already on the attendance" in body
    assert 'href="#q"' in body and 'value="jane"' in body, "the error links to the search, which keeps its text"
    assert len(rows(app, meeting)) == 1


def test_a_person_who_does_not_exist_is_an_error_on_the_form(app, client, staff, panel):
    response = staff.post(f"/meetings/{panel['meeting'].id}/attendance/add", {"contact_id": "999999"})
    assert "Select a person from the search results" in page_text(response)
    assert rows(app, panel["meeting"]) == []


def test_a_whole_organisation_is_added_once_and_shows_the_headcount(app, client, make, staff, panel):
    meeting = make.meeting("Open day", headcount=40, headcount_note="volunteers")
    support = panel["support"]
    url = f"/meetings/{meeting.id}/attendance/add-organisation"
    assert staff.post(url, {"organisation_id": str(support.id)}).status_code == 302
    (row,) = rows(app, meeting)
    assert row.contact_id is None and row.organisation_id == support.id

    section = attendance_section(page_text(client.get(f"/meetings/{meeting.id}")))
    assert 'Hertfordshire Victim Support <span class="app-secondary-text">(as an organisation)</span>' in section
    assert "Headcount 40: volunteers" in section and "1 organisation as a whole." in section

    again = page_text(staff.post(url, {"organisation_id": str(support.id)}))
    assert "Hertfordshire Victim Support is already on the attendance as an organisation" in again
    assert len(rows(app, meeting)) == 1
    assert "Select the organisation that attended" in page_text(staff.post(url, {"organisation_id": ""}))


# --- changing and removing --------------------------------------------------------------


def test_a_quick_change_of_status_swaps_just_the_row_with_htmx(app, client, staff, panel):
    meeting = panel["meeting"]
    jane, raj = attend(app, meeting, panel["jane"]), attend(app, meeting, panel["raj"])
    url = f"/meetings/{meeting.id}/attendance/{jane}/status"
    response = staff.post(url, {"status": "apologies"}, headers=HTMX)
    body = page_text(response)
    assert response.status_code == 200 and "<html" not in body
    assert body.lstrip().startswith(f'<div class="govuk-summary-list__row" id="attendance-{jane}">')
    assert re.search(rf'id="attendance-{jane}-apologies"\s+class="app-status-toggle__button" aria-pressed="true"', body)
    assert f"attendance-{raj}" not in body, "only the row that changed"
    # The counts and the announcement come along, out of band.
    assert '<p class="govuk-body" id="attendance-counts" hx-swap-oob="true">1 present, 1 apologies.</p>' in body
    assert "Jane Smith: apologies. 1 present, 1 apologies." in body
    assert {row.id: row.status for row in rows(app, meeting)}[jane] is AttendanceStatus.APOLOGIES


def test_without_javascript_the_quick_change_returns_to_the_meeting_page(app, client, staff, panel):
    meeting = panel["meeting"]
    jane = attend(app, meeting, panel["jane"])
    response = staff.post(f"/meetings/{meeting.id}/attendance/{jane}/status", {"status": "absent"})
    assert response.status_code == 302 and response.headers["Location"] == f"/meetings/{meeting.id}#attendance"
    assert "Jane Smith: absent." in page_text(client.get(response.headers["Location"]))
    assert rows(app, meeting)[0].status is AttendanceStatus.ABSENT
    # Nonsense is refused and changes nothing.
    staff.post(f"/meetings/{meeting.id}/attendance/{jane}/status", {"status": "superuser"})
    assert rows(app, meeting)[0].status is AttendanceStatus.ABSENT


def test_a_guest_attending_items_2_and_3_says_so(app, client, staff, panel):
    meeting = panel["meeting"]
    _welcome, second, third = agenda(app, meeting, "Welcome", "Hate crime casework", "Any other business")
    ola = attend(app, meeting, panel["ola"])
    edit = f"/meetings/{meeting.id}/attendance/{ola}/edit"
    form = page_text(client.get(edit))
    assert "Items they attended (optional)" in form and "2. Hate crime casework" in form
    # Opened under "Guest" by the app's script, not GOV.UK's conditional reveal,
    # which puts aria-expanded on a radio (tests/browser/test_meetings.py).
    assert 'data-shown-for="role=guest"' in form and "data-aria-controls" not in form

    response = staff.post(
        edit, {"role": "guest", "status": "present", "item_ids": [str(second), str(third)], "version": "1"}
    )
    assert response.status_code == 302
    section = attendance_section(page_text(client.get(f"/meetings/{meeting.id}")))
    assert "Guest, attending items 2 and 3" in section

    # No longer a guest: the items go with the role.
    staff.post(edit, {"role": "presenter", "status": "present", "item_ids": [str(second)], "version": "2"})
    with app.app_context():
        assert db.session.get(Attendance, ola).items == []
    # Items of another meeting, or none at all, are not on offer.
    body = page_text(staff.post(edit, {"role": "guest", "status": "present", "item_ids": ["999999"]}))
    assert "Select items that are on the agenda" in body


def test_two_people_changing_the_same_row_the_second_is_told(app, client, staff, panel):
    meeting = panel["meeting"]
    first, second = agenda(app, meeting, "One", "Two")
    jane = attend(app, meeting, panel["jane"], role=AttendanceRole.GUEST)
    version = str(rows(app, meeting)[0].version)
    edit = f"/meetings/{meeting.id}/attendance/{jane}/edit"
    # A change of the items alone still moves the version on...
    staff.post(edit, {"role": "guest", "status": "present", "item_ids": [str(first)], "version": version})
    # ...so the second person, who opened the form at the same version, is told.
    body = page_text(
        staff.post(edit, {"role": "guest", "status": "present", "item_ids": [str(second)], "version": version})
    )
    assert "Someone else changed this attendance while you were editing it" in body
    with app.app_context():
        assert [item.id for item in db.session.get(Attendance, jane).items] == [first]


def test_removing_asks_first_then_takes_the_row_off(app, client, staff, panel):
    meeting = panel["meeting"]
    jane = attend(app, meeting, panel["jane"])
    url = f"/meetings/{meeting.id}/attendance/{jane}/remove"
    confirm = page_text(client.get(url))
    assert "Remove Jane Smith from the attendance?" in confirm and "Remove from the attendance" in confirm
    assert rows(app, meeting) != [], "asking changes nothing"
    response = staff.post(url)
    assert response.headers["Location"] == f"/meetings/{meeting.id}#attendance"
    assert rows(app, meeting) == []
    assert "Jane Smith removed from the attendance." in page_text(client.get(response.headers["Location"]))
    assert staff.post(url).status_code == 404, "gone"


def test_a_row_belongs_to_its_meeting(app, client, make, staff, panel):
    other = make.meeting("Another meeting")
    jane = attend(app, panel["meeting"], panel["jane"])
    assert client.get(f"/meetings/{other.id}/attendance/{jane}/edit").status_code == 404
    assert staff.post(f"/meetings/{other.id}/attendance/{jane}/remove").status_code == 404
    assert len(rows(app, panel["meeting"])) == 1


# --- approved minutes are locked -----------------------------------------------------------


def test_approved_minutes_lock_the_attendance(app, client, make, staff, panel):
    meeting = make.meeting("Approved panel", organisations=[panel["police"]])
    locked_row = attend(app, meeting, panel["jane"])  # on the attendance before the minutes were approved
    with app.app_context():
        db.session.get(Meeting, meeting.id).status = MeetingStatus.APPROVED
        db.session.commit()
    lock = "The minutes of this meeting are approved, so they cannot be changed."
    before = rows(app, meeting)

    section = attendance_section(page_text(client.get(f"/meetings/{meeting.id}")))
    assert "Jane Smith" in section and "cannot be changed" in section
    assert "app-status-toggle" not in section and "Add a person" not in section and "Remove" not in section

    base = f"/meetings/{meeting.id}/attendance"
    assert lock in page_text(staff.post(f"{base}/add", {"contact_id": str(panel["raj"].id)}))
    assert lock in page_text(staff.post(f"{base}/add-organisation", {"organisation_id": str(panel["support"].id)}))
    assert lock in page_text(client.get(f"{base}/add"))
    assert lock in page_text(client.get(f"{base}/{locked_row}/edit"))
    assert lock in page_text(staff.post(f"{base}/{locked_row}/edit", {"role": "chair", "status": "absent"}))
    assert lock in page_text(staff.post(f"{base}/{locked_row}/status", {"status": "absent"}, follow_redirects=True))
    assert lock in page_text(staff.post(f"{base}/{locked_row}/status", {"status": "absent"}, headers=HTMX))
    assert lock in page_text(staff.post(f"{base}/{locked_row}/remove", follow_redirects=True))
    involve = staff.post(f"/meetings/{meeting.id}/organisations", {"organisation_id": str(panel["support"].id)})
    assert lock in page_text(client.get(involve.headers["Location"]))
    staff.post(f"/meetings/{meeting.id}/organisations/{panel['police'].id}/remove")
    assert [(r.id, r.status, r.role) for r in rows(app, meeting)] == [(r.id, r.status, r.role) for r in before]
    with app.app_context():
        assert [o.name for o in db.session.get(Meeting, meeting.id).organisations] == ["Thames Valley Police"]


# --- a new contact from the meeting page ------------------------------------------------------


def test_a_new_contact_added_from_the_meeting_page_lands_on_its_attendance(app, client, staff, panel):
    meeting = panel["meeting"]
    section = attendance_section(page_text(client.get(f"/meetings/{meeting.id}")))
    assert f'href="/contacts/new?meeting={meeting.id}"' in section

    form = page_text(client.get(f"/contacts/new?meeting={meeting.id}"))
    assert "Scrutiny panel" in form and f'href="/meetings/{meeting.id}#attendance"' in form
    response = staff.post(
        f"/contacts/new?meeting={meeting.id}", {"name": "Nia Newcomer", "organisation_id": str(panel["support"].id)}
    )
    assert response.headers["Location"] == f"/meetings/{meeting.id}#attendance"
    page = page_text(client.get(response.headers["Location"]))
    assert "Nia Newcomer added to the contacts and to the attendance." in page
    assert "Nia Newcomer" in attendance_section(page)
    (row,) = rows(app, meeting)
    assert row.organisation_id == panel["support"].id and row.status is AttendanceStatus.PRESENT


def test_with_a_meeting_that_is_locked_or_missing_the_contact_form_works_as_before(app, client, make, staff, panel):
    approved = make.meeting("Approved panel", status="approved")
    for meeting_arg in (str(approved.id), "999999", "nonsense"):
        form = page_text(client.get(f"/contacts/new?meeting={meeting_arg}"))
        assert "Approved panel" not in form and "added to the attendance" not in form
        response = staff.post(
            f"/contacts/new?meeting={meeting_arg}",
            {"name": f"Person {meeting_arg}", "organisation_id": str(panel["support"].id)},
        )
        assert response.headers["Location"] == f"/organisations/{panel['support'].id}"
    assert rows(app, approved) == []
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Attendance)) == 0


# --- organisations involved -------------------------------------------------------------------


def test_organisations_involved_are_added_and_removed_with_history(app, client, staff, panel):
    meeting, support, police = panel["meeting"], panel["support"], panel["police"]
    page = page_text(client.get(f"/meetings/{meeting.id}"))
    assert f'<option value="{support.id}">Hertfordshire Victim Support</option>' in page
    assert f'<option value="{police.id}">' not in page, "already involved: not offered again"

    response = staff.post(f"/meetings/{meeting.id}/organisations", {"organisation_id": str(support.id)})
    assert response.headers["Location"] == f"/meetings/{meeting.id}#organisations-involved"
    with app.app_context():
        names = [o.name for o in db.session.get(Meeting, meeting.id).organisations]
    assert names == ["Hertfordshire Victim Support", "Thames Valley Police"]

    staff.post(f"/meetings/{meeting.id}/organisations/{police.id}/remove")
    with app.app_context():
        assert [o.name for o in db.session.get(Meeting, meeting.id).organisations] == ["Hertfordshire Victim Support"]
    changes = history(app, "meetings", meeting.id)
    assert changes.count(("updated", "organisations")) == 2
    assert "Select an organisation to add to those involved" in page_text(
        staff.post(f"/meetings/{meeting.id}/organisations", {"organisation_id": ""}, follow_redirects=True)
    )
    # Removing one that is not involved: nothing there to remove.
    assert staff.post(f"/meetings/{meeting.id}/organisations/{police.id}/remove").status_code == 404


# --- history ------------------------------------------------------------------------------------


def test_every_change_to_a_row_is_in_its_history(app, client, staff, panel):
    meeting = panel["meeting"]
    staff.post(f"/meetings/{meeting.id}/attendance/add", {"contact_id": str(panel["jane"].id)})
    (row,) = rows(app, meeting)
    staff.post(f"/meetings/{meeting.id}/attendance/{row.id}/status", {"status": "apologies"}, headers=HTMX)
    staff.post(f"/meetings/{meeting.id}/attendance/{row.id}/edit", {"role": "chair", "status": "apologies"})
    edit_page = page_text(client.get(f"/meetings/{meeting.id}/attendance/{row.id}/edit"))
    assert "History" in edit_page and "by Test User" in edit_page
    staff.post(f"/meetings/{meeting.id}/attendance/{row.id}/remove")

    changes = history(app, "attendances", row.id)
    assert {field for action, field in changes if action == "created"} >= {"contact_id", "status", "role"}
    assert ("updated", "status") in changes and ("updated", "role") in changes
    assert {field for action, field in changes if action == "deleted"} >= {"contact_id", "status", "role"}
    with app.app_context():
        actors = set(db.session.scalars(select(HistoryEntry.actor_id).where(HistoryEntry.record_type == "attendances")))
    assert None not in actors, "each change says who made it"


# --- who sees what ---------------------------------------------------------------------------------


def test_a_partner_reads_the_whole_attendance_but_changes_nothing(app, client, auth, make, panel):
    meeting = panel["meeting"]
    jane = attend(app, meeting, panel["jane"], role=AttendanceRole.CHAIR)
    attend(app, meeting, panel["ola"], status=AttendanceStatus.APOLOGIES)
    make.user("partner", organisation=panel["police"], email="partner@police.example")
    auth.login("partner@police.example")
    section = attendance_section(page_text(client.get(f"/meetings/{meeting.id}")))
    # Ola is at another organisation: the minutes carry the whole attendance all the same.
    assert "Jane Smith" in section and "Ola Brown" in section and "Hertfordshire Victim Support" in section
    assert "Chair" in section and '<strong class="app-block">Apologies</strong>' in section
    assert "1 present, 1 apologies." in section
    for control in ("app-status-toggle", "Change", "Remove", "Add a person", "Organisations involved", "<form"):
        assert control not in section, control
    assert client.get(f"/meetings/{meeting.id}/attendance/{jane}/edit").status_code == 403
    assert auth.post(f"/meetings/{meeting.id}/attendance/{jane}/status", {"status": "absent"}).status_code == 403


# --- queries ------------------------------------------------------------------------------------------


def test_the_meeting_page_costs_the_same_queries_for_2_or_25_attendees(app, client, make, staff, count_queries):
    counts = {}
    for size in (2, 25):
        organisations = [make.organisation(f"Org {size}-{n}") for n in range(3)]
        meeting = make.meeting(f"Meeting of {size}", organisations=organisations[:1])
        items = agenda(app, meeting, "One", "Two", "Three")
        for n in range(size):
            row = attend(app, meeting, make.contact(organisations[n % 3], f"Person {size}-{n}"))
            if n % 5 == 0:
                staff.post(
                    f"/meetings/{meeting.id}/attendance/{row}/edit",
                    {"role": "guest", "status": "present", "item_ids": [str(items[1])]},
                )
        attend(app, meeting, organisation=organisations[2])
        with count_queries() as counter:
            page = client.get(f"/meetings/{meeting.id}")
        assert page.status_code == 200 and f"Person {size}-{size - 1}" in page_text(page)
        assert "attending item 2" in page_text(page)
        counts[size] = counter.count
    assert counts[25] == counts[2], counts
