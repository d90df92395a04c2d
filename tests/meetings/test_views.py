"""Meetings as staff use them: adding one in UK time, its lifecycle and its locks, the list."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from crm.extensions import db
from crm.history.models import HistoryEntry
from crm.meetings.models import Meeting, MeetingStatus
from tests.conftest import page_text

FORM = {
    "title": "Local Scrutiny and Involvement Panel: summer meeting",
    "kind": "scrutiny_panel",
    "day": ["14", "7", "2026"],
    "start_time": "2pm",
    "end_time": "16:30",
    "venue": "St Albans office",
    "marking": "official",
}


def _meeting(app, title) -> Meeting:
    with app.app_context():
        meeting = db.session.scalar(select(Meeting).where(Meeting.title == title))
        db.session.expunge(meeting)
        return meeting


def test_a_meeting_is_entered_in_uk_time_and_stored_in_utc(app, client, staff):
    response = staff.post("/meetings/new", FORM)
    assert response.status_code == 302
    meeting = _meeting(app, FORM["title"])
    # 14 July is British Summer Time: 2pm in St Albans is 1pm UTC.
    assert meeting.starts_at == datetime(2026, 7, 14, 13, 0, tzinfo=UTC)
    assert meeting.ends_at == datetime(2026, 7, 14, 15, 30, tzinfo=UTC)
    page = page_text(client.get(response.headers["Location"]))
    assert "Tuesday 14 July 2026, 2pm to 4:30pm" in page
    assert "St Albans office" in page


def test_winter_dates_are_gmt(app, staff):
    staff.post("/meetings/new", {**FORM, "day": ["10", "12", "2026"]})
    assert _meeting(app, FORM["title"]).starts_at == datetime(2026, 12, 10, 14, 0, tzinfo=UTC)


def test_mistakes_are_explained_and_what_was_typed_stays(app, staff):
    response = staff.post(
        "/meetings/new",
        {**FORM, "title": "Hate Crime Conference", "day": ["31", "2", ""], "start_time": "half two", "end_time": ""},
    )
    page = page_text(response)
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "The date of the meeting must include a year" in page
    assert "Enter start time as a time, like 14:30 or 2:30pm" in page
    assert 'value="Hate Crime Conference"' in page and 'value="half two"' in page and 'value="31"' in page
    response = staff.post("/meetings/new", {**FORM, "day": ["31", "2", "2026"], "end_time": "1pm"})
    page = page_text(response)
    assert "The date of the meeting must be a real date" in page
    assert "End time must be after the start time" in page


def test_a_meeting_is_not_held_before_it_starts(app, make, staff):
    meeting = make.meeting("Tomorrow's panel")
    response = staff.post(
        f"/meetings/{meeting.id}/steps/held", {"version": str(meeting.version)}, follow_redirects=True
    )
    assert "has not started yet" in page_text(response)
    assert _meeting(app, "Tomorrow's panel").status is MeetingStatus.PLANNED


def test_the_lifecycle_runs_to_approval_which_locks_the_minutes(app, client, make, staff):
    meeting = make.meeting("Spring panel", starts_at=datetime.now(UTC) - timedelta(days=2))
    for step, status in [
        ("publish-agenda", MeetingStatus.AGENDA_PUBLISHED),
        ("held", MeetingStatus.HELD),
        ("draft", MeetingStatus.MINUTES_DRAFT),
        ("circulate", MeetingStatus.CIRCULATED),
        ("approve", MeetingStatus.APPROVED),
    ]:
        assert staff.post(f"/meetings/{meeting.id}/steps/{step}").status_code == 302
        assert _meeting(app, "Spring panel").status is status, step
    approved = _meeting(app, "Spring panel")
    assert approved.approved_at is not None and approved.approved_by_id is not None

    page = page_text(client.get(f"/meetings/{meeting.id}"))
    assert "The minutes are locked" in page and "Edit details" not in page
    response = staff.post(f"/meetings/{meeting.id}/edit", {**FORM, "title": "Sneaky change"})
    assert "cannot be changed" in page_text(response)
    assert _meeting(app, "Spring panel").title == "Spring panel"

    # A step out of order is refused, not taken.
    staff.post(f"/meetings/{meeting.id}/steps/circulate")
    assert _meeting(app, "Spring panel").status is MeetingStatus.APPROVED


def test_reopening_needs_a_reason_which_the_history_keeps(app, client, make, staff):
    meeting = make.meeting("Autumn panel", status="approved")
    response = staff.post(f"/meetings/{meeting.id}/reopen", {"reason": ""})
    assert "Enter why you are reopening the minutes" in page_text(response)
    assert _meeting(app, "Autumn panel").status is MeetingStatus.APPROVED

    staff.post(f"/meetings/{meeting.id}/reopen", {"reason": "The chair's name was misspelt"})
    assert _meeting(app, "Autumn panel").status is MeetingStatus.MINUTES_DRAFT
    with app.app_context():
        fields = set(db.session.scalars(select(HistoryEntry.field).where(HistoryEntry.record_id == meeting.id)))
    assert {"status", "reopen_reason"} <= fields
    page = page_text(client.get(f"/meetings/{meeting.id}"))
    assert "History" in page and "name was misspelt" in page


def test_two_people_editing_the_second_is_told_and_keeps_their_text(app, make, staff):
    meeting = make.meeting("Shared panel")
    staff.post(f"/meetings/{meeting.id}/edit", {**FORM, "title": "First save", "version": str(meeting.version)})
    response = staff.post(
        f"/meetings/{meeting.id}/edit", {**FORM, "title": "Second save", "version": str(meeting.version)}
    )
    page = page_text(response)
    assert "Someone else changed this meeting while you were editing it" in page
    assert 'value="Second save"' in page
    assert _meeting(app, "First save") is not None


def test_the_list_shows_upcoming_meetings_soonest_first_and_past_ones_latest_first(app, client, make, staff):
    now = datetime.now(UTC)
    for title, days in [("Next week", 7), ("Tomorrow", 1), ("Last week", -7), ("Yesterday", -1)]:
        make.meeting(title, starts_at=now + timedelta(days=days))
    upcoming = page_text(client.get("/meetings/"))
    assert upcoming.index("Tomorrow") < upcoming.index("Next week") and "Yesterday" not in upcoming
    past = page_text(client.get("/meetings/?when=past"))
    assert past.index("Yesterday") < past.index("Last week") and "Tomorrow" not in past


def test_the_list_filters_by_series_kind_and_dates(app, client, make, staff):
    panel = make.series("Domestic Abuse Scrutiny Panel")
    make.meeting(
        "Coercive control session", series=panel, kind="conference", starts_at=datetime(2026, 3, 4, 10, tzinfo=UTC)
    )
    make.meeting("People Week visit", kind="visit", starts_at=datetime(2026, 5, 12, 10, tzinfo=UTC))
    by_series = page_text(client.get(f"/meetings/?when=all&series={panel.id}"))
    assert "Coercive control session" in by_series and "People Week visit" not in by_series
    by_kind = page_text(client.get("/meetings/?when=all&kind=visit"))
    assert "People Week visit" in by_kind and "Coercive control session" not in by_kind
    by_dates = page_text(client.get("/meetings/?when=all&from=1/5/2026&to=31/5/2026"))
    assert "People Week visit" in by_dates and "Coercive control session" not in by_dates
    assert "1 meeting found" in by_dates
    by_title = page_text(client.get("/meetings/?when=all&q=CONTROL"))
    assert "Coercive control session" in by_title and "People Week visit" not in by_title
    by_prefix = page_text(client.get("/meetings/?when=all&q=pe"))
    assert "People Week visit" in by_prefix and "Coercive control session" not in by_prefix


def test_the_dashboard_shows_the_next_meetings_and_the_minutes_waiting(app, client, make, auth):
    own, other = make.organisation("Own Org"), make.organisation("Other Org")
    now = datetime.now(UTC)
    make.meeting("Panel next week", organisations=[own], starts_at=now + timedelta(days=7))
    make.meeting("Other org visit", organisations=[other], starts_at=now + timedelta(days=3))
    make.meeting("Held last week", organisations=[own], starts_at=now - timedelta(days=7), status="held")
    make.meeting("Circulated panel", organisations=[own], starts_at=now - timedelta(days=30), status="circulated")
    make.user("staff", email="staff@example.org")
    make.user("partner", organisation=own, email="partner@own.example")

    auth.login("staff@example.org")
    page = page_text(client.get("/dashboard"))
    assert page.index("Other org visit") < page.index("Panel next week")
    waiting = page[page.index("Minutes waiting for staff") :]
    assert "Held last week" in waiting and "Circulated panel" not in waiting
    auth.logout()

    auth.login("partner@own.example")
    page = page_text(client.get("/dashboard"))
    assert "Panel next week" in page and "Other org visit" not in page
    assert "Circulated panel" in page[page.index("Minutes to read") :]
    assert "Held last week" not in page[page.index("Minutes to read") :]


def test_a_filter_never_names_what_the_partner_cannot_see(app, client, make, auth):
    own, other = make.organisation("Own Org"), make.organisation("Hidden Org")
    hidden_series = make.series("Hidden Series", members=[other])
    make.user("partner", organisation=own, email="partner@own.example")
    auth.login("partner@own.example")
    page = page_text(client.get(f"/meetings/?organisation={other.id}&series={hidden_series.id}"))
    assert "Hidden Org" not in page and "Hidden Series" not in page
    assert "an organisation you cannot see" in page


def test_the_list_filters_by_the_name_of_an_organisation_involved(app, client, make, staff):
    police, charity = make.organisation("Bedfordshire Police"), make.organisation("Holocaust Education Trust")
    council = make.organisation("Luton Borough Council")
    make.meeting("Named on the meeting", organisations=[police], starts_at=datetime(2026, 3, 1, 10, tzinfo=UTC))
    make.meeting(
        "In the series",
        series=make.series("Hate Crime Partnership", members=[charity]),
        starts_at=datetime(2026, 3, 2, 10, tzinfo=UTC),
    )
    make.meeting("Someone else's", organisations=[council], starts_at=datetime(2026, 3, 3, 10, tzinfo=UTC))
    police_meetings = page_text(client.get("/meetings/?when=all&org=police"))
    assert "Named on the meeting" in police_meetings and "Someone else" not in police_meetings
    education = page_text(client.get("/meetings/?when=all&org=education"))
    assert "In the series" in education and "Named on the meeting" not in education
    assert "Organisation name" in education  # the filter shows in the selected filters, removable
