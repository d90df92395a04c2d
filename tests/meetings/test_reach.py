"""A meeting's reach: which of the groups at increased risk of exclusion it reached,
saved through the meeting's form with its history, shown on its page."""

from __future__ import annotations

import re

from sqlalchemy import select

from crm import records
from crm.extensions import db
from crm.history.models import HistoryEntry
from crm.meetings.models import Meeting
from crm.reference.models import ExclusionGroup
from tests.conftest import page_text
from tests.meetings.test_views import FORM

REACH_HINT = "Which of the groups at increased risk of exclusion this engagement reached"


def _reached(app, meeting_id: int) -> list[str]:
    with app.app_context():
        return [group.name for group in db.session.get(Meeting, meeting_id).groups_reached]


def _checked(page: str, group) -> bool:
    return re.search(rf'value="{group.id}"\s+checked', page) is not None


def test_a_new_meeting_records_the_groups_it_reached(app, client, staff, make):
    older, young, women = make.group("Older people"), make.group("Young people"), make.group("Women")
    form = page_text(client.get("/meetings/new"))
    assert "Groups reached (optional)" in form and REACH_HINT in form
    assert form.index("Older people") < form.index("Young people") < form.index("Women"), "in the list's order"

    response = staff.post("/meetings/new", {**FORM, "group_ids": [str(women.id), str(older.id)]})
    assert response.status_code == 302
    meeting_id = int(response.headers["Location"].rsplit("/", 1)[1])
    assert _reached(app, meeting_id) == ["Older people", "Women"]
    page = page_text(client.get(response.headers["Location"]))
    assert re.search(r"Groups reached\s*</dt>\s*<dd[^>]*>\s*<ul[^>]*><li>Older people</li><li>Women</li></ul>", page), (
        "in the details, one group a line"
    )
    assert young.name not in page


def test_editing_the_groups_reached_is_kept_in_the_history(app, client, staff, make):
    older, young = make.group("Older people"), make.group("Young people")
    meeting = make.meeting("Youth forum", group_ids=[older.id])
    url = f"/meetings/{meeting.id}/edit"
    form = page_text(client.get(url))
    assert _checked(form, older) and not _checked(form, young)

    edit = {**FORM, "title": "Youth forum", "version": str(meeting.version)}
    response = staff.post(url, {**edit, "group_ids": [str(young.id), str(older.id)]})
    assert response.status_code == 302
    assert _reached(app, meeting.id) == ["Older people", "Young people"]
    with app.app_context():
        rows = db.session.execute(
            select(HistoryEntry.before, HistoryEntry.after).where(
                HistoryEntry.record_type == "meetings",
                HistoryEntry.record_id == meeting.id,
                HistoryEntry.field == "groups_reached",
                HistoryEntry.action == "updated",
            )
        ).all()
    assert rows == [(str(older.id), ",".join(str(i) for i in sorted([older.id, young.id])))]
    page = page_text(client.get(f"/meetings/{meeting.id}"))
    history = page.split('id="history-heading"')[1]
    assert "Groups reached" in history and "Older people, Young people" in history

    # The same groups sent in another order change nothing.
    with app.app_context():
        version = db.session.get(Meeting, meeting.id).version
    response = staff.post(
        url,
        {**FORM, "title": "Youth forum", "version": str(version), "group_ids": [str(older.id), str(young.id)]},
        follow_redirects=True,
    )
    assert "You did not change anything, so nothing was saved." in page_text(response)

    # Unticking them all takes them away.
    staff.post(url, {**FORM, "title": "Youth forum", "version": str(version)})
    assert _reached(app, meeting.id) == []
    assert re.search(
        r"Groups reached\s*</dt>\s*<dd[^>]*>\s*None recorded", page_text(client.get(f"/meetings/{meeting.id}"))
    )


def test_partners_who_see_the_meeting_see_its_reach(app, client, auth, make):
    own = make.organisation("Own Org")
    carers = make.group("Carers/Dependants")
    reached = make.meeting("Carers' drop-in", organisations=[own], group_ids=[carers.id])
    not_recorded = make.meeting("Board meeting", organisations=[own])
    make.user("partner", organisation=own, email="partner@own.example")
    auth.login("partner@own.example")
    assert "<li>Carers/Dependants</li>" in page_text(client.get(f"/meetings/{reached.id}"))
    assert re.search(
        r"Groups reached\s*</dt>\s*<dd[^>]*>\s*None recorded", page_text(client.get(f"/meetings/{not_recorded.id}"))
    )


def test_an_archived_group_stays_on_the_meeting_that_names_it(app, client, staff, make):
    older = make.group("Older people")
    refugees = make.group("Asylum seeker/refugee communities")
    meeting = make.meeting("Drop-in", group_ids=[refugees.id])
    with app.app_context():
        records.archive(db.session.get(ExclusionGroup, refugees.id))
        db.session.commit()

    assert "<li>Asylum seeker/refugee communities</li>" in page_text(client.get(f"/meetings/{meeting.id}"))
    url = f"/meetings/{meeting.id}/edit"
    form = page_text(client.get(url))
    assert _checked(form, refugees) and "Asylum seeker/refugee communities (archived)" in form
    # Saving the form as it is keeps it.
    with app.app_context():
        version = db.session.get(Meeting, meeting.id).version
    response = staff.post(
        url, {**FORM, "title": "Drop-in", "version": str(version), "group_ids": [str(refugees.id), str(older.id)]}
    )
    assert response.status_code == 302
    assert _reached(app, meeting.id) == ["Older people", "Asylum seeker/refugee communities"]

    # Another meeting is not offered it, and cannot be given it.
    assert "Asylum seeker/refugee communities" not in page_text(client.get("/meetings/new"))
    response = staff.post("/meetings/new", {**FORM, "title": "Another", "group_ids": [str(refugees.id)]})
    assert response.status_code == 200
    assert "Select the groups reached from the list" in page_text(response)
    for junk in ("999999", "abc", ""):
        response = staff.post("/meetings/new", {**FORM, "title": "Another", "group_ids": [junk]})
        assert response.status_code == 200, junk
    with app.app_context():
        assert db.session.scalar(select(Meeting.id).where(Meeting.title == "Another")) is None


def test_with_no_groups_listed_the_form_says_so(client, staff):
    form = page_text(client.get("/meetings/new"))
    assert "No groups at increased risk of exclusion are listed yet." in form
