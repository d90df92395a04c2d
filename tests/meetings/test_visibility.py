"""Who sees a meeting, and how much of it: the rules in crm/visibility.py."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from crm.extensions import db
from crm.markings import Marking
from crm.meetings.models import AgendaItem, Attendance, ItemNote, Meeting, MeetingStatus
from crm.visibility import MinutesVersion, in_version, meeting_access, visible


@pytest.fixture
def world(make):
    own, other, third = make.organisation("Own Org"), make.organisation("Other Org"), make.organisation("Third Org")
    return {
        "own": own,
        "other": other,
        "third": third,
        "partner": make.user("partner", organisation=own, email="p@own.example"),
        "staff": make.user("staff", email="s@example.org"),
    }


def _visible_titles(app, user) -> set[str]:
    with app.app_context():
        return set(
            db.session.scalars(visible(db.session.get(type(user), user.id), Meeting).with_only_columns(Meeting.title))
        )


def test_a_partner_sees_meetings_its_organisation_is_involved_in(app, make, world):
    own, other = world["own"], world["other"]
    make.meeting("Named on the meeting", organisations=[own])
    make.meeting("Its series", series=make.series("Panel", members=[own, other]))
    attended = make.meeting("Sent apologies")
    with app.app_context():
        db.session.add(Attendance(meeting_id=attended.id, organisation_id=own.id, status="apologies"))
        db.session.commit()
    make.meeting("Someone else's", organisations=[other], series=make.series("Other panel", members=[other]))
    make.meeting("Sensitive", organisations=[own], marking=Marking.OFFICIAL_SENSITIVE)

    assert _visible_titles(app, world["partner"]) == {"Named on the meeting", "Its series", "Sent apologies"}
    assert len(_visible_titles(app, world["staff"])) == 5


@pytest.mark.parametrize(
    ("status", "agenda", "minutes"),
    [
        ("planned", False, False),
        ("agenda_published", True, False),
        ("held", True, False),
        ("minutes_draft", True, False),
        ("circulated", True, True),
        ("approved", True, True),
    ],
)
def test_a_partner_sees_the_agenda_once_published_and_the_minutes_once_circulated(
    app, make, world, status, agenda, minutes
):
    meeting = make.meeting(organisations=[world["own"]], status=status)
    with app.app_context():
        partner_access = meeting_access(world["partner"], meeting)
        staff_access = meeting_access(world["staff"], meeting)
    assert (partner_access.agenda, partner_access.minutes) == (agenda, minutes)
    assert partner_access.version is MinutesVersion.PARTNER
    assert (staff_access.agenda, staff_access.minutes, staff_access.version) == (True, True, MinutesVersion.FULL)


def test_the_partner_version_leaves_out_sensitive_items_and_notes(app, make):
    meeting = make.meeting()
    with app.app_context():
        open_item = AgendaItem(meeting_id=meeting.id, position=1, title="Open item")
        secret_item = AgendaItem(meeting_id=meeting.id, position=2, title="Secret item", marking="official_sensitive")
        db.session.add_all([open_item, secret_item])
        db.session.flush()
        db.session.add_all(
            [
                ItemNote(item_id=open_item.id, text="Open note"),
                ItemNote(item_id=open_item.id, text="Secret note", marking="official_sensitive"),
                ItemNote(item_id=secret_item.id, text="Note in a secret item"),
            ]
        )
        db.session.commit()

        def texts(version, model, column):
            return set(db.session.scalars(in_version(version, select(column), model)))

        assert texts(MinutesVersion.PARTNER, AgendaItem, AgendaItem.title) == {"Open item"}
        assert texts(MinutesVersion.PARTNER, ItemNote, ItemNote.text) == {"Open note"}
        assert texts(MinutesVersion.FULL, ItemNote, ItemNote.text) == {
            "Open note",
            "Secret note",
            "Note in a secret item",
        }


def test_lifecycle_steps_are_in_order():
    assert MeetingStatus.APPROVED.reached(MeetingStatus.CIRCULATED)
    assert not MeetingStatus.HELD.reached(MeetingStatus.CIRCULATED)
    assert MeetingStatus.from_step(MeetingStatus.CIRCULATED) == [MeetingStatus.CIRCULATED, MeetingStatus.APPROVED]
