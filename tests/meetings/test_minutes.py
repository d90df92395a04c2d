"""The printed minutes: read back from the PDF, in both versions, for each reader."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

import pytest
from pypdf import PdfReader

from crm.actions.models import Action
from crm.extensions import db
from crm.markings import Marking
from crm.meetings.models import AgendaItem, Attendance, AttendanceRole, Feedback, ItemNote, Meeting, MeetingStatus
from tests.conftest import page_text

SECRET_ITEM = "Individual case review"
SECRET_TEXT = "The defendant's address was discussed"
SECRET_NOTE = "Name of the survivor withheld"
STAFF_NOTE = "Staff-only thoughts on the chair"


def pdf_text(response) -> tuple[PdfReader, str]:
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def add(app, *records):
    with app.app_context():
        db.session.add_all(records)
        db.session.commit()
        return [record.id for record in records]


@pytest.fixture
def panel(app, make):
    """A circulated panel meeting of a series the partner's organisation sits on."""
    own, other = make.organisation("Own Org"), make.organisation("Other Org")
    chair = make.contact(own, "Margaret Elliot")
    guest = make.contact(other, "Bridget Lovell")
    series = make.series("Local Scrutiny and Involvement Panel", members=[own])
    meeting = make.meeting(
        "Summer panel",
        series=series,
        status="circulated",
        starts_at=datetime(2026, 7, 14, 13, tzinfo=UTC),
        staff_notes=STAFF_NOTE,
    )
    make.meeting("Autumn panel", series=series, starts_at=datetime(2026, 10, 13, 13, tzinfo=UTC))
    open_item, secret_item = add(
        app,
        AgendaItem(
            meeting_id=meeting.id,
            position=1,
            title="Hate crime outcomes",
            discussion='The panel looked at outcomes.\n\nMembers asked about <img src="file:///etc/passwd">.',
            decisions="A leaflet will be drafted.",
        ),
        AgendaItem(
            meeting_id=meeting.id,
            position=2,
            title=SECRET_ITEM,
            discussion=SECRET_TEXT,
            marking=Marking.OFFICIAL_SENSITIVE,
        ),
    )
    attending = Attendance(
        meeting_id=meeting.id, organisation_id=other.id, contact_id=guest.id, role=AttendanceRole.GUEST
    )
    add(
        app,
        ItemNote(item_id=open_item, text=SECRET_NOTE, marking=Marking.OFFICIAL_SENSITIVE),
        ItemNote(item_id=open_item, text="Open note for everyone"),
        Attendance(meeting_id=meeting.id, organisation_id=own.id, contact_id=chair.id, role=AttendanceRole.CHAIR),
        Attendance(meeting_id=meeting.id, organisation_id=other.id, status="apologies"),
        Action(
            reference="A-2026-001",
            title="Draft the leaflet",
            owner_id=own.id,
            meeting_id=meeting.id,
            agenda_item_id=open_item,
            due_on=date(2026, 9, 1),
        ),
        Action(
            reference="A-2026-002",
            title="Write to the defendant",
            owner_id=other.id,
            meeting_id=meeting.id,
            agenda_item_id=secret_item,
        ),
        Feedback(meeting_id=meeting.id, quote="A thoughtful panel.", attribution="Chair, the panel", may_publish=True),
        Feedback(meeting_id=meeting.id, quote="Too long by half.", attribution="Member", may_publish=False),
        attending,
    )
    with app.app_context():
        row = db.session.get(Attendance, attending.id)
        row.items = [db.session.get(AgendaItem, open_item)]
        db.session.commit()
    make.user("partner", organisation=own, email="partner@own.example")
    make.user("partner", organisation=other, email="partner@other.example")
    make.user("staff", email="staff@example.org")
    return meeting


def test_the_full_minutes_hold_everything_in_numbered_paragraphs(client, auth, panel):
    auth.login("staff@example.org")
    reader, text = pdf_text(client.get(f"/meetings/{panel.id}/minutes.pdf"))
    assert reader.metadata.title == "Minutes: Summer panel"
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"
    assert reader.trailer["/Root"]["/MarkInfo"]["/Marked"].value is True
    assert "Local Scrutiny and Involvement Panel" in text and "Tuesday 14 July 2026" in text
    assert text.count("OFFICIAL-SENSITIVE") >= 2 * len(reader.pages)  # top and bottom of every page
    for expected in (
        "Margaret Elliot (Chair)",
        "Bridget Lovell (Guest), attending item 1",
        "Other Org (as an organisation)",
        "1.1",
        "1.3",
        "Decision: A leaflet will be drafted.",
        SECRET_ITEM,
        SECRET_TEXT,
        SECRET_NOTE,
        "A-2026-001",
        "A-2026-002",
        "Too long by half.",
        "(not for publication)",
        "Tuesday 13 October 2026",  # the next meeting of the series
        "Page 1 of",
    ):
        assert expected in text, expected
    assert 'Members asked about <img src="file:///etc/passwd">.' in text  # typed text stays text
    assert "root:" not in text
    assert "DRAFT" in text  # circulated, not yet approved
    assert STAFF_NOTE not in text


def test_the_partner_version_leaves_out_everything_sensitive(client, auth, panel):
    auth.login("staff@example.org")
    _, staff_copy = pdf_text(client.get(f"/meetings/{panel.id}/minutes.pdf?version=partner"))
    auth.logout()
    auth.login("partner@own.example")
    # A partner asking for the full version gets the partner version all the same.
    reader, text = pdf_text(client.get(f"/meetings/{panel.id}/minutes.pdf?version=full"))
    assert text == staff_copy
    assert reader.metadata.title == "Minutes: Summer panel (partner and panel version)"
    for absent in (SECRET_ITEM, SECRET_TEXT, SECRET_NOTE, "A-2026-002", "Write to the defendant", "Too long by half.",
                   "OFFICIAL-SENSITIVE", STAFF_NOTE):  # fmt: skip
        assert absent not in text, absent
    for present in ("Hate crime outcomes", "Open note for everyone", "A-2026-001", "A thoughtful panel.", "OFFICIAL"):
        assert present in text, present


def test_a_partner_reads_only_circulated_minutes_of_its_own_meetings(app, client, auth, make, panel):
    auth.login("partner@other.example")  # apologies from Other Org: involved, so it may read them
    assert client.get(f"/meetings/{panel.id}/minutes.pdf").status_code == 200
    auth.logout()
    draft = make.meeting("Draft panel", series_id=panel.series_id, status="minutes_draft")
    auth.login("partner@own.example")
    assert client.get(f"/meetings/{draft.id}/minutes.pdf").status_code == 404
    page = page_text(client.get(f"/meetings/{draft.id}"))
    assert "Printed minutes" not in page


def test_approval_takes_the_draft_mark_away(app, client, auth, panel):
    with app.app_context():
        db.session.get(Meeting, panel.id).status = MeetingStatus.APPROVED
        db.session.commit()
    auth.login("staff@example.org")
    _, text = pdf_text(client.get(f"/meetings/{panel.id}/minutes.pdf"))
    assert "DRAFT" not in text and "(draft)" not in text


def test_the_page_says_the_print_is_draft_until_approval(app, client, auth, panel):
    """Circulated minutes are still a draft, for staff and for the partners who read them."""
    draft_note = "Until the minutes are approved, every page is marked DRAFT."
    for email in ("staff@example.org", "partner@own.example"):
        auth.login(email)
        assert draft_note in page_text(client.get(f"/meetings/{panel.id}"))
        _, text = pdf_text(client.get(f"/meetings/{panel.id}/minutes.pdf"))
        assert "DRAFT" in text
        auth.logout()
    with app.app_context():
        db.session.get(Meeting, panel.id).status = MeetingStatus.APPROVED
        db.session.commit()
    auth.login("staff@example.org")
    page = page_text(client.get(f"/meetings/{panel.id}"))
    assert "Printed minutes" in page and draft_note not in page


def test_the_download_tells_the_page_it_is_ready(client, auth, panel):
    auth.login("staff@example.org")
    response = client.get(f"/meetings/{panel.id}/minutes.pdf?download_token=abc123")
    assert "pdf-ready-abc123" in response.headers["Set-Cookie"]
    assert response.headers["Content-Disposition"] == ('attachment; filename="minutes-2026-07-14-Summer-panel.pdf"')


def test_queries_do_not_grow_with_items_attendees_and_actions(app, client, auth, make, count_queries):
    own = make.organisation("Own Org")
    make.user("staff", email="staff@example.org")
    auth.login("staff@example.org")

    def meeting_with(n):
        meeting = make.meeting(f"Meeting of {n}", status="held", starts_at=datetime.now(UTC) - timedelta(days=1))
        people = [make.contact(own, f"Person {n}-{i}") for i in range(n)]
        items = [AgendaItem(meeting_id=meeting.id, position=i, title=f"Item {i}", discussion="Said.") for i in range(n)]
        ids = add(app, *items)
        add(
            app,
            *[Attendance(meeting_id=meeting.id, organisation_id=own.id, contact_id=p.id) for p in people],
            *[ItemNote(item_id=item_id, text="A note") for item_id in ids],
            *[
                Action(
                    reference=f"A-{n}-{i}", title="Do it", owner_id=own.id, meeting_id=meeting.id, agenda_item_id=ids[i]
                )
                for i in range(n)
            ],
        )
        return meeting

    counts = []
    for n in (2, 12):
        meeting = meeting_with(n)
        with count_queries() as counter:
            assert client.get(f"/meetings/{meeting.id}/minutes.pdf").status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1], counts
