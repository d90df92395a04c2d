"""The access matrix rows for meetings: partners see the meetings their organisation
is involved in (never OFFICIAL-SENSITIVE ones), and change none."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from crm.contacts.models import Contact
from crm.extensions import db
from crm.markings import Marking
from crm.meetings import services as meeting_services
from crm.meetings.models import Attendance, AttendanceRole, AttendanceStatus, Meeting, MeetingStatus
from crm.organisations.models import Organisation
from tests.access import LOGIN, Action, AreaAccess, To, count, get, register

OWN_MEETING, OTHER_MEETING = "Own Org Panel Meeting", "Other Org Panel Meeting"
SENSITIVE_MEETING = "Sensitive Strategy Meeting"
MEETING = To("/meetings/{meeting}")
NEW_MEETING = To(r"/meetings/\d+")
YESTERDAY = datetime.now(UTC) - timedelta(days=1)


def build(make, base):
    def meeting(title, organisation, **fields):
        return make.meeting(title, organisations=[organisation], starts_at=YESTERDAY, **fields).id

    return {
        "own": {"meeting": meeting(OWN_MEETING, base.own_org)},
        "other": {"meeting": meeting(OTHER_MEETING, base.other_org)},
        "own:circulated": {"meeting": meeting(OWN_MEETING + " (circulated)", base.own_org, status="circulated")},
        "other:circulated": {"meeting": meeting(OTHER_MEETING + " (circulated)", base.other_org, status="circulated")},
        "own:sensitive": {"meeting": meeting(SENSITIVE_MEETING, base.own_org, marking=Marking.OFFICIAL_SENSITIVE)},
        **_attendance_targets(make, base),
    }


# --- attendance ---------------------------------------------------------------------------


def _attendance_targets(make, base):
    """A meeting for each organisation that it attended as a whole and is not
    otherwise involved in (so that it can be made involved): "own:attendance"."""
    targets = {}
    for side, title, organisation in (("own", OWN_MEETING, base.own_org), ("other", OTHER_MEETING, base.other_org)):
        meeting = make.meeting(f"{title} (attendance)", starts_at=YESTERDAY)
        with make.app.app_context():
            row = meeting_services.add_whole_organisation(
                db.session.get(Meeting, meeting.id), db.session.get(Organisation, organisation.id)
            )
            db.session.commit()
            targets[f"{side}:attendance"] = {
                "meeting": meeting.id,
                "attendance": row.id,
                "organisation": organisation.id,
            }
    return targets


ATTENDANCE = To("/meetings/{meeting}#attendance")
INVOLVED = To("/meetings/{meeting}#organisations-involved")


def _attendance(app, ids):
    return get(app, Attendance, ids["attendance"])


def _involved(app, ids) -> set[int]:
    with app.app_context():
        return {organisation.id for organisation in db.session.get(Meeting, ids["meeting"]).organisations}


def _status(app, ids):
    return get(app, Meeting, ids["meeting"]).status


NEW_MEETING_FORM = {
    "title": "Brand New Meeting",
    "kind": "workshop",
    "day": ["3", "3", "2027"],
    "start_time": "10:00",
    "marking": "official",
}

register(
    AreaAccess(
        name="meetings",
        build=build,
        secrets={"own": [OWN_MEETING, SENSITIVE_MEETING], "other": [OTHER_MEETING, SENSITIVE_MEETING]},
        rows=[
            ("GET", "/meetings/", None, (LOGIN, 200, 200, 200, 200), None),
            ("GET", "/meetings/?when=past", None, (LOGIN, 200, 200, 200, 200), None),
            ("GET", "/meetings/new", None, (LOGIN, 403, 403, 200, 200), None),
            ("POST", "/meetings/new", None, (LOGIN, 403, 403, NEW_MEETING, NEW_MEETING), "meeting_new"),
            ("GET", "/meetings/{meeting}", "own", (LOGIN, 200, 404, 200, 200), None),
            ("GET", "/meetings/{meeting}", "other", (LOGIN, 404, 200, 200, 200), None),
            ("GET", "/meetings/{meeting}", "own:circulated", (LOGIN, 200, 404, 200, 200), None),
            ("GET", "/meetings/{meeting}", "own:sensitive", (LOGIN, 404, 404, 200, 200), None),
            ("GET", "/meetings/{meeting}/edit", "own", (LOGIN, 403, 404, 200, 200), None),
            ("GET", "/meetings/{meeting}/edit", "other", (LOGIN, 404, 403, 200, 200), None),
            ("POST", "/meetings/{meeting}/edit", "own", (LOGIN, 403, 404, MEETING, MEETING), "meeting_edit"),
            ("POST", "/meetings/{meeting}/edit", "other", (LOGIN, 404, 403, MEETING, MEETING), "meeting_edit"),
            ("POST", "/meetings/{meeting}/edit", "own:sensitive", (LOGIN, 404, 404, MEETING, MEETING), "meeting_edit"),
            (
                "POST",
                "/meetings/{meeting}/steps/held",
                "own",
                (LOGIN, 403, 404, MEETING, MEETING),
                "meeting_held",
            ),
            (
                "POST",
                "/meetings/{meeting}/steps/held",
                "other",
                (LOGIN, 404, 403, MEETING, MEETING),
                "meeting_held",
            ),
            ("GET", "/meetings/{meeting}/reopen", "own:circulated", (LOGIN, 403, 404, 200, 200), None),
            ("GET", "/meetings/{meeting}/reopen", "other:circulated", (LOGIN, 404, 403, 200, 200), None),
            (
                "POST",
                "/meetings/{meeting}/reopen",
                "own:circulated",
                (LOGIN, 403, 404, MEETING, MEETING),
                "meeting_reopen",
            ),
            (
                "POST",
                "/meetings/{meeting}/reopen",
                "other:circulated",
                (LOGIN, 404, 403, MEETING, MEETING),
                "meeting_reopen",
            ),
            # --- attendance ---
            ("GET", "/meetings/{meeting}/attendance/add?q=Person", "own", (LOGIN, 403, 404, 200, 200), None),
            ("GET", "/meetings/{meeting}/attendance/add?q=Person", "other", (LOGIN, 404, 403, 200, 200), None),
            ("POST", "/meetings/{meeting}/attendance/add", "own", (LOGIN, 403, 404, ATTENDANCE, ATTENDANCE), "attend"),
            (
                "POST",
                "/meetings/{meeting}/attendance/add",
                "other",
                (LOGIN, 404, 403, ATTENDANCE, ATTENDANCE),
                "attend",
            ),
            (
                "POST",
                "/meetings/{meeting}/attendance/add-organisation",
                "own",
                (LOGIN, 403, 404, ATTENDANCE, ATTENDANCE),
                "attend_whole",
            ),
            (
                "POST",
                "/meetings/{meeting}/attendance/add-organisation",
                "other",
                (LOGIN, 404, 403, ATTENDANCE, ATTENDANCE),
                "attend_whole",
            ),
            (
                "GET",
                "/meetings/{meeting}/attendance/{attendance}/edit",
                "own:attendance",
                (LOGIN, 403, 404, 200, 200),
                None,
            ),
            (
                "GET",
                "/meetings/{meeting}/attendance/{attendance}/edit",
                "other:attendance",
                (LOGIN, 404, 403, 200, 200),
                None,
            ),
            (
                "POST",
                "/meetings/{meeting}/attendance/{attendance}/edit",
                "own:attendance",
                (LOGIN, 403, 404, ATTENDANCE, ATTENDANCE),
                "attendance_edit",
            ),
            (
                "POST",
                "/meetings/{meeting}/attendance/{attendance}/edit",
                "other:attendance",
                (LOGIN, 404, 403, ATTENDANCE, ATTENDANCE),
                "attendance_edit",
            ),
            (
                "POST",
                "/meetings/{meeting}/attendance/{attendance}/status",
                "own:attendance",
                (LOGIN, 403, 404, ATTENDANCE, ATTENDANCE),
                "attendance_status",
            ),
            (
                "POST",
                "/meetings/{meeting}/attendance/{attendance}/status",
                "other:attendance",
                (LOGIN, 404, 403, ATTENDANCE, ATTENDANCE),
                "attendance_status",
            ),
            (
                "GET",
                "/meetings/{meeting}/attendance/{attendance}/remove",
                "own:attendance",
                (LOGIN, 403, 404, 200, 200),
                None,
            ),
            (
                "GET",
                "/meetings/{meeting}/attendance/{attendance}/remove",
                "other:attendance",
                (LOGIN, 404, 403, 200, 200),
                None,
            ),
            (
                "POST",
                "/meetings/{meeting}/attendance/{attendance}/remove",
                "own:attendance",
                (LOGIN, 403, 404, ATTENDANCE, ATTENDANCE),
                "attendance_remove",
            ),
            (
                "POST",
                "/meetings/{meeting}/attendance/{attendance}/remove",
                "other:attendance",
                (LOGIN, 404, 403, ATTENDANCE, ATTENDANCE),
                "attendance_remove",
            ),
            (
                "POST",
                "/meetings/{meeting}/organisations",
                "own:attendance",
                (LOGIN, 403, 404, INVOLVED, INVOLVED),
                "involve",
            ),
            (
                "POST",
                "/meetings/{meeting}/organisations",
                "other:attendance",
                (LOGIN, 404, 403, INVOLVED, INVOLVED),
                "involve",
            ),
            (
                "POST",
                "/meetings/{meeting}/organisations/{own_org}/remove",
                "own",
                (LOGIN, 403, 404, INVOLVED, INVOLVED),
                "uninvolve",
            ),
            (
                "POST",
                "/meetings/{meeting}/organisations/{other_org}/remove",
                "other",
                (LOGIN, 404, 403, INVOLVED, INVOLVED),
                "uninvolve",
            ),
            # A new contact from the meeting page joins its attendance.
            ("GET", "/contacts/new?meeting={meeting}", "own", (LOGIN, 403, 403, 200, 200), None),
            ("POST", "/contacts/new?meeting={meeting}", "own", (LOGIN, 403, 403, ATTENDANCE, ATTENDANCE), "attend_new"),
            (
                "POST",
                "/contacts/new?meeting={meeting}",
                "other",
                (LOGIN, 403, 403, ATTENDANCE, ATTENDANCE),
                "attend_new",
            ),
        ],
        actions={
            "meeting_new": Action(
                NEW_MEETING_FORM,
                done=lambda app, ids: count(app, Meeting, Meeting.title == "Brand New Meeting") == 1,
            ),
            "meeting_edit": Action(
                {**NEW_MEETING_FORM, "title": "Renamed Meeting"},
                done=lambda app, ids: get(app, Meeting, ids["meeting"]).title == "Renamed Meeting",
            ),
            "meeting_held": Action({}, done=lambda app, ids: _status(app, ids) is MeetingStatus.HELD),
            "meeting_reopen": Action(
                {"reason": "A name was misspelt"},
                done=lambda app, ids: _status(app, ids) is MeetingStatus.MINUTES_DRAFT,
            ),
            # --- attendance ---
            "attend": Action(
                {"contact_id": "{contact}"},
                done=lambda app, ids: (
                    count(
                        app,
                        Attendance,
                        Attendance.meeting_id == ids["meeting"],
                        Attendance.contact_id == ids["contact"],
                    )
                    == 1
                ),
            ),
            "attend_whole": Action(
                {"organisation_id": "{org}"},
                done=lambda app, ids: (
                    count(
                        app,
                        Attendance,
                        Attendance.meeting_id == ids["meeting"],
                        Attendance.organisation_id == ids["org"],
                        Attendance.contact_id.is_(None),
                    )
                    == 1
                ),
            ),
            "attendance_edit": Action(
                {"role": "chair", "status": "apologies"},
                done=lambda app, ids: _attendance(app, ids).role is AttendanceRole.CHAIR,
            ),
            "attendance_status": Action(
                {"status": "absent"}, done=lambda app, ids: _attendance(app, ids).status is AttendanceStatus.ABSENT
            ),
            "attendance_remove": Action({}, done=lambda app, ids: _attendance(app, ids) is None),
            "involve": Action(
                {"organisation_id": "{organisation}"}, done=lambda app, ids: ids["organisation"] in _involved(app, ids)
            ),
            "uninvolve": Action({}, done=lambda app, ids: _involved(app, ids) == set()),
            "attend_new": Action(
                {"name": "Brand New Attendee", "organisation_id": "{org}"},
                done=lambda app, ids: (
                    count(
                        app,
                        Attendance,
                        Attendance.meeting_id == ids["meeting"],
                        Attendance.contact_id.in_(select(Contact.id).where(Contact.name == "Brand New Attendee")),
                    )
                    == 1
                ),
            ),
        },
    )
)
