"""A meeting's .ics file: its details only, for those who may see the meeting."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from crm.contacts.models import Contact
from crm.extensions import db
from crm.markings import Marking
from crm.meetings import services as meeting_services
from crm.meetings.models import Meeting
from tests.calendars.conftest import read_calendar

STARTS = datetime(2027, 3, 3, 14, 0, tzinfo=UTC)


def _meeting(make, organisation, **fields):
    series = make.series("Hate Crime Partnership", members=[organisation])
    values = {
        "starts_at": STARTS,
        "ends_at": STARTS + timedelta(hours=2, minutes=30),
        "venue": "Civic Centre, Room 4",
        "online": True,
        "staff_notes": "Staff only: chair is leaving",
        "summary": "Summary that stays on the page",
        **fields,
    }
    return make.meeting("Quarterly review, 2027", series=series, **values)


def test_a_meetings_calendar_file(app, client, staff, make):
    organisation = make.organisation("Thames Valley Police")
    meeting = _meeting(make, organisation)
    response = client.get(f"/meetings/{meeting.id}/calendar.ics")

    calendar = read_calendar(response)
    assert response.headers["Content-Disposition"] == 'attachment; filename="2027-03-03-quarterly-review-2027.ics"'
    assert str(calendar["VERSION"]) == "2.0" and "PRODID" in calendar
    (event,) = calendar.walk("VEVENT")
    assert str(event["UID"]) == f"meeting-{meeting.id}@localhost"
    assert str(event["SUMMARY"]) == "Hate Crime Partnership: Quarterly review, 2027"
    assert event["DTSTART"].dt == STARTS and event["DTSTART"].dt.utcoffset() == timedelta(0)
    assert event["DTEND"].dt == STARTS + timedelta(hours=2, minutes=30)
    assert str(event["LOCATION"]) == "Civic Centre, Room 4 and online"
    assert str(event["URL"]) == f"http://localhost/meetings/{meeting.id}"
    assert f"http://localhost/meetings/{meeting.id}" in str(event["DESCRIPTION"])
    assert str(event["DESCRIPTION"]).startswith("Partnership meeting.")
    assert event.decoded("SEQUENCE") == meeting.version
    assert str(event["STATUS"]) == "CONFIRMED"
    assert event["DTSTAMP"].dt.utcoffset() == timedelta(0)
    assert "CLASS" not in event
    # In UTC on the wire ("Z"), so that every calendar app places it alike.
    assert b"DTSTART:20270303T140000Z" in response.data


def test_the_file_holds_no_agenda_minutes_notes_or_attendance(app, client, staff, make):
    organisation = make.organisation("Thames Valley Police")
    person = make.contact(organisation, "Priya Attendee")
    meeting = _meeting(make, organisation, status="circulated")
    with app.app_context():
        record = db.session.get(Meeting, meeting.id)
        record.outcomes = "Outcome text never in a calendar"
        item = meeting_services.add_item(record, {"title": "Agenda item title", "discussion": "Minutes discussion"})
        meeting_services.add_note(item, {"text": "A note in the minutes"})
        meeting_services.add_attendee(record, db.session.get(Contact, person.id))
        db.session.commit()
    body = client.get(f"/meetings/{meeting.id}/calendar.ics").get_data(as_text=True)
    assert "Quarterly review" in body
    for text in (
        "Staff only",
        "Summary that stays",
        "Outcome text",
        "Agenda item title",
        "Minutes discussion",
        "A note in the minutes",
        "Priya Attendee",
        "Thames Valley Police",
    ):
        assert text not in body, text


def test_an_hour_when_no_end_is_recorded_and_where_not_recorded(app, client, staff, make):
    meeting = make.meeting("Drop-in", starts_at=STARTS)
    (event,) = read_calendar(client.get(f"/meetings/{meeting.id}/calendar.ics")).walk("VEVENT")
    assert event["DTEND"].dt - event["DTSTART"].dt == timedelta(hours=1)
    assert "LOCATION" not in event
    assert str(event["SUMMARY"]) == "Drop-in"

    online = make.meeting("Online only", starts_at=STARTS, online=True)
    (event,) = read_calendar(client.get(f"/meetings/{online.id}/calendar.ics")).walk("VEVENT")
    assert str(event["LOCATION"]) == "Online"


def test_a_title_that_names_its_series_already_is_not_named_twice(app, client, staff, make):
    series = make.series("Local Scrutiny and Involvement Panel")
    meeting = make.meeting("Local scrutiny and involvement panel: victims' letters", series=series)
    (event,) = read_calendar(client.get(f"/meetings/{meeting.id}/calendar.ics")).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Local scrutiny and involvement panel: victims' letters"

    series = make.series("Thames Valley Domestic Abuse Scrutiny Panel")
    meeting = make.meeting("Domestic Abuse Scrutiny Panel: annual review", series=series)
    (event,) = read_calendar(client.get(f"/meetings/{meeting.id}/calendar.ics")).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Domestic Abuse Scrutiny Panel: annual review"

    # A colon alone is not the series' name.
    meeting = make.meeting("Panel: annual review", series=series)
    (event,) = read_calendar(client.get(f"/meetings/{meeting.id}/calendar.ics")).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Thames Valley Domestic Abuse Scrutiny Panel: Panel: annual review"


def test_the_sequence_follows_the_meetings_version(app, client, staff, make):
    meeting = make.meeting("Moved meeting", starts_at=STARTS)
    with app.app_context():
        record = db.session.get(Meeting, meeting.id)
        meeting_services.update_meeting(record, {"starts_at": STARTS + timedelta(days=7)})
        db.session.commit()
        version = record.version
    (event,) = read_calendar(client.get(f"/meetings/{meeting.id}/calendar.ics")).walk("VEVENT")
    assert version > meeting.version
    assert event.decoded("SEQUENCE") == version
    assert event["DTSTART"].dt == STARTS + timedelta(days=7)
    assert str(event["UID"]) == f"meeting-{meeting.id}@localhost", "the same event, moved"


def test_partners_get_only_their_organisations_meetings(app, client, auth, make):
    own, other = make.organisation("Own Org"), make.organisation("Other Org")
    make.user("partner", organisation=own, email="p@own.example")
    mine = make.meeting("Own meeting", organisations=[own])
    theirs = make.meeting("Other meeting", organisations=[other])
    sensitive = make.meeting("Sensitive meeting", organisations=[own], marking=Marking.OFFICIAL_SENSITIVE)
    auth.login("p@own.example")

    assert read_calendar(client.get(f"/meetings/{mine.id}/calendar.ics"))
    for meeting in (theirs, sensitive):
        response = client.get(f"/meetings/{meeting.id}/calendar.ics")
        assert response.status_code == 404
        assert meeting.title.encode() not in response.data


def test_staff_get_a_sensitive_meeting_marked_confidential(app, client, staff, make):
    meeting = make.meeting("Sensitive meeting", marking=Marking.OFFICIAL_SENSITIVE)
    (event,) = read_calendar(client.get(f"/meetings/{meeting.id}/calendar.ics")).walk("VEVENT")
    assert str(event["CLASS"]) == "CONFIDENTIAL"


def test_signed_out_the_file_needs_a_sign_in(app, client, make):
    meeting = make.meeting("Any meeting")
    response = client.get(f"/meetings/{meeting.id}/calendar.ics")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_a_title_of_any_characters_makes_a_plain_file_name(app, client, staff, make):
    meeting = make.meeting('Réunion "Café" / Ōtautahi: 50% <done>?', starts_at=STARTS)
    response = client.get(f"/meetings/{meeting.id}/calendar.ics")
    assert (
        response.headers["Content-Disposition"] == 'attachment; filename="2027-03-03-reunion-cafe-otautahi-50-done.ics"'
    )
    (event,) = read_calendar(response).walk("VEVENT")
    assert str(event["SUMMARY"]) == 'Réunion "Café" / Ōtautahi: 50% <done>?'


def test_the_meeting_page_links_to_its_file(app, client, staff, make):
    meeting = make.meeting("Linked meeting")
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert f'href="/meetings/{meeting.id}/calendar.ics">Add to your calendar (.ics)</a>' in page
