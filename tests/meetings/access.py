"""The access matrix rows for meetings: partners see the meetings their organisation
is involved in (never OFFICIAL-SENSITIVE ones), and change none."""

from datetime import UTC, datetime, timedelta

from crm.markings import Marking
from crm.meetings.models import Meeting, MeetingStatus
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
    }


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
        },
    )
)
