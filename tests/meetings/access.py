"""The access matrix rows for meetings: partners see the meetings their organisation
is involved in (never OFFICIAL-SENSITIVE ones), and change none."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from crm.actions.models import Action as AgreedAction
from crm.actions.models import ActionStatus, ActionUpdate
from crm.contacts.models import Contact
from crm.extensions import db
from crm.markings import Marking
from crm.meetings import services as meeting_services
from crm.meetings.models import (
    AgendaItem,
    Attendance,
    AttendanceRole,
    AttendanceStatus,
    Feedback,
    ItemNote,
    Meeting,
    MeetingStatus,
)
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

    targets = {
        "own": {"meeting": meeting(OWN_MEETING, base.own_org)},
        "other": {"meeting": meeting(OTHER_MEETING, base.other_org)},
        "own:circulated": {"meeting": meeting(OWN_MEETING + " (circulated)", base.own_org, status="circulated")},
        "other:circulated": {"meeting": meeting(OTHER_MEETING + " (circulated)", base.other_org, status="circulated")},
        "own:sensitive": {"meeting": meeting(SENSITIVE_MEETING, base.own_org, marking=Marking.OFFICIAL_SENSITIVE)},
        **_attendance_targets(make, base),
    }
    for side, organisation in (("own", base.own_org), ("other", base.other_org)):
        targets[side] |= build_minutes(make, targets[side]["meeting"], organisation, side)
        targets[f"{side}:series"] = build_series(make, organisation, side)
    targets["own:circulated"] |= build_sensitive_item(make, targets["own:circulated"]["meeting"], base.own_org)
    return targets


# --- agenda and minutes ---------------------------------------------------------------------

SENSITIVE_ITEM = "Sensitive Item Title"
SENSITIVE_ITEM_TEXTS = (SENSITIVE_ITEM, "Sensitive item discussion", "Note in the sensitive item", "Sensitive action")


def _minutes(make, meeting_id: int, organisation, title: str, *, marking="official", discussion="", note="", action=""):
    """An item on a meeting, with a note and an action agreed in it if asked: {"item", "note", "action"} ids."""
    from crm.actions import services as action_services
    from crm.extensions import db
    from crm.meetings import services

    with make.app.app_context():
        item = services.add_item(
            db.session.get(Meeting, meeting_id),
            {"title": title, "marking": marking, "discussion": discussion},
        )
        ids = {"item": item.id}
        if note:
            ids["note"] = services.add_note(item, {"text": note}).id
        if action:
            ids["action"] = action_services.create_action(item, {"title": action, "owner_id": organisation.id}).id
        db.session.commit()
        return ids


def build_minutes(make, meeting_id: int, organisation, side: str) -> dict:
    """On a side's meeting: an item with a note and an action, a spare item, feedback."""
    from crm.extensions import db
    from crm.meetings.models import Feedback

    name = organisation.name
    ids = _minutes(make, meeting_id, organisation, f"{name} Agenda Item", note=f"{name} note", action=f"{name} action")
    ids["spare"] = _minutes(make, meeting_id, organisation, f"{name} Spare Item")["item"]
    with make.app.app_context():
        feedback = Feedback(meeting_id=meeting_id, quote=f"{name} feedback", attribution="Chair", may_publish=True)
        db.session.add(feedback)
        db.session.commit()
        ids["feedback"] = feedback.id
    return ids


def build_series(make, organisation, side: str) -> dict:
    """A series with an earlier meeting, whose open action is a matter arising at the later one."""
    series = make.series(f"{organisation.name} Series", members=[organisation])
    earlier = make.meeting(
        f"{organisation.name} Earlier Meeting", series=series, starts_at=YESTERDAY - timedelta(days=60)
    )
    later = make.meeting(f"{organisation.name} Later Meeting", series=series, starts_at=YESTERDAY)
    arising = _minutes(make, earlier.id, organisation, f"{organisation.name} Earlier Item", action="Arising")["action"]
    return {"meeting": later.id, "arising": arising}


def build_sensitive_item(make, meeting_id: int, organisation) -> dict:
    """An OFFICIAL-SENSITIVE item on the own circulated meeting: its partner never sees it."""
    ids = _minutes(
        make,
        meeting_id,
        organisation,
        SENSITIVE_ITEM,
        marking="official_sensitive",
        discussion=SENSITIVE_ITEM_TEXTS[1],
        note=SENSITIVE_ITEM_TEXTS[2],
        action=SENSITIVE_ITEM_TEXTS[3],
    )
    return {"sensitive_item": ids["item"]}


def staff_change_rows(method: str, url: str, answer, action: str | None = None, target: str = "own") -> list[tuple]:
    """A staff-only page or post of a meeting, for the own and the other organisation's meeting:
    its own partner is refused (403), the other one does not find it (404)."""
    suffix = target.partition(":")[2]
    other = f"other:{suffix}" if suffix else "other"
    return [
        (method, url, target, (LOGIN, 403, 404, answer, answer), action),
        (method, url, other, (LOGIN, 404, 403, answer, answer), action),
    ]


def staff_form_rows(url: str, answer, action: str, target: str = "own") -> list[tuple]:
    return staff_change_rows("GET", url, 200, None, target) + staff_change_rows("POST", url, answer, action, target)


AGENDA = To(r"/meetings/{meeting}#agenda")
ITEM = To(r"/meetings/{meeting}#item-{item}")
NEW_ITEM = To(r"/meetings/{meeting}#item-\d+")
NOTE = To(r"/meetings/{meeting}#note-{note}")
NEW_NOTE = To(r"/meetings/{meeting}#note-\d+")
SPARE = To(r"/meetings/{meeting}#item-{spare}")
ARISING = To(r"/meetings/{meeting}#arising-{arising}")
OUTCOMES = To(r"/meetings/{meeting}#outcomes")
FEEDBACK = To(r"/meetings/{meeting}#feedback-{feedback}")
NEW_FEEDBACK = To(r"/meetings/{meeting}#feedback-\d+")
FEEDBACK_LIST = To(r"/meetings/{meeting}#feedback")

AGENDA_ROWS = [
    *staff_form_rows("/meetings/{meeting}/items/new", NEW_ITEM, "item_new"),
    *staff_form_rows("/meetings/{meeting}/items/{item}/edit", ITEM, "item_edit"),
    *staff_change_rows("POST", "/meetings/{meeting}/items/{spare}/move", SPARE, "item_move"),
    *staff_form_rows("/meetings/{meeting}/items/{spare}/remove", AGENDA, "item_remove"),
    *staff_form_rows("/meetings/{meeting}/items/{item}/notes/new", NEW_NOTE, "note_new"),
    *staff_form_rows("/meetings/{meeting}/notes/{note}/edit", NOTE, "note_edit"),
    *staff_form_rows("/meetings/{meeting}/notes/{note}/remove", ITEM, "note_remove"),
    *staff_form_rows("/meetings/{meeting}/items/{item}/actions/new", ITEM, "action_new"),
    *staff_form_rows("/meetings/{meeting}/actions/{action}/edit", ITEM, "action_edit"),
    *staff_form_rows("/meetings/{meeting}/actions/{arising}/progress", ARISING, "action_progress", target="own:series"),
    *staff_form_rows("/meetings/{meeting}/outcomes", OUTCOMES, "outcomes_edit"),
    *staff_form_rows("/meetings/{meeting}/feedback/new", NEW_FEEDBACK, "feedback_new"),
    *staff_form_rows("/meetings/{meeting}/feedback/{feedback}/edit", FEEDBACK, "feedback_edit"),
    *staff_form_rows("/meetings/{meeting}/feedback/{feedback}/remove", FEEDBACK_LIST, "feedback_remove"),
    # The own partner reads its circulated meeting's minutes, without the sensitive item.
    ("GET", "/meetings/{meeting}", "other:circulated", (LOGIN, 404, 200, 200, 200), None),
]


def _positions(app, ids):
    return get(app, AgendaItem, ids["spare"]).position < get(app, AgendaItem, ids["item"]).position


AGENDA_ACTIONS = {
    "item_new": Action(
        {"title": "Brand New Item", "marking": "official"},
        done=lambda app, ids: count(app, AgendaItem, AgendaItem.title == "Brand New Item") == 1,
    ),
    "item_edit": Action(
        {"title": "Renamed Item", "marking": "official", "discussion": "Said"},
        done=lambda app, ids: get(app, AgendaItem, ids["item"]).title == "Renamed Item",
    ),
    "item_move": Action({"direction": "up"}, done=_positions),
    "item_remove": Action({}, done=lambda app, ids: get(app, AgendaItem, ids["spare"]) is None),
    "note_new": Action(
        {"text": "Brand new note", "marking": "official"},
        done=lambda app, ids: count(app, ItemNote, ItemNote.text == "Brand new note") == 1,
    ),
    "note_edit": Action(
        {"text": "Changed note", "marking": "official"},
        done=lambda app, ids: get(app, ItemNote, ids["note"]).text == "Changed note",
    ),
    "note_remove": Action({}, done=lambda app, ids: get(app, ItemNote, ids["note"]) is None),
    "action_new": Action(
        {"title": "Brand new action", "owner_id": "{org}", "due_on": ["1", "4", "2027"]},
        done=lambda app, ids: count(app, AgreedAction, AgreedAction.title == "Brand new action") == 1,
    ),
    "action_edit": Action(
        {"title": "Renamed action", "owner_id": "{org}", "status": "in_progress", "agenda_item_id": "{item}"},
        done=lambda app, ids: get(app, AgreedAction, ids["action"]).status is ActionStatus.IN_PROGRESS,
    ),
    "action_progress": Action(
        {"status": "completed", "progress": "Done before the meeting"},
        done=lambda app, ids: count(app, ActionUpdate, ActionUpdate.text == "Done before the meeting") == 1,
    ),
    "outcomes_edit": Action(
        {"outcomes": "A new referral route"},
        done=lambda app, ids: get(app, Meeting, ids["meeting"]).outcomes == "A new referral route",
    ),
    "feedback_new": Action(
        {"quote": "Brand new feedback", "attribution": "Chair, Panel", "may_publish": "y"},
        done=lambda app, ids: count(app, Feedback, Feedback.quote == "Brand new feedback") == 1,
    ),
    "feedback_edit": Action(
        {"quote": "Changed feedback", "attribution": "Chair, Panel"},
        done=lambda app, ids: get(app, Feedback, ids["feedback"]).quote == "Changed feedback",
    ),
    "feedback_remove": Action({}, done=lambda app, ids: get(app, Feedback, ids["feedback"]) is None),
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
        secrets={
            "own": [OWN_MEETING, SENSITIVE_MEETING, *SENSITIVE_ITEM_TEXTS],
            "other": [OTHER_MEETING, SENSITIVE_MEETING],
        },
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
            # Printed minutes: a partner only once they are circulated, and only the partner version.
            ("GET", "/meetings/{meeting}/minutes.pdf", "own", (LOGIN, 404, 404, 200, 200), None),
            ("GET", "/meetings/{meeting}/minutes.pdf", "own:circulated", (LOGIN, 200, 404, 200, 200), None),
            ("GET", "/meetings/{meeting}/minutes.pdf", "other:circulated", (LOGIN, 404, 200, 200, 200), None),
            ("GET", "/meetings/{meeting}/minutes.pdf?version=full", "own:sensitive", (LOGIN, 404, 404, 200, 200), None),
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
            *AGENDA_ROWS,
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
            **AGENDA_ACTIONS,
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
