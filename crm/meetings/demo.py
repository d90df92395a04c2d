"""Demo series and meetings like the engagements in the project's seed pages, at
every stage of the lifecycle and dated from today, so that each demo login has
something real to see. Every person is fictional; the caller commits."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from crm import records
from crm.actions import services as action_services
from crm.actions.models import ActionStatus
from crm.contacts.models import Contact
from crm.formatting import LONDON
from crm.markings import Marking
from crm.meetings.models import (
    AgendaItem,
    Attendance,
    AttendanceRole,
    AttendanceStatus,
    Feedback,
    ItemNote,
    Meeting,
    MeetingKind,
    MeetingStatus,
)
from crm.organisations.models import Organisation
from crm.series import services as series_services
from crm.series.models import Frequency

SENSITIVE = Marking.OFFICIAL_SENSITIVE

LSIP = "Local Scrutiny and Involvement Panel"
HATE_CRIME = "Bedfordshire Hate Crime Partnership"
DASP = "Thames Valley Domestic Abuse Scrutiny Panel"

SERIES = [
    {
        "name": LSIP,
        "purpose": (
            "Community members and partner agencies look at how the Area handles cases involving hate crime, "
            "domestic abuse and sexual violence, and tell us how to make the service more inclusive and accessible."
        ),
        "venue": "CPS Thames and Chiltern, St Albans office",
        "frequency": Frequency.QUARTERLY,
        "chair": "Chris Palmer",
        "members": [
            "CPS Thames and Chiltern",
            "Thames Valley Police",
            "Bedfordshire Police",
            "Hertfordshire Victim Support Service",
            "Three Counties LGBT+ Network",
            "Chiltern Gypsy and Traveller Forum",
            "Oxford Refugee Welcome",
            "Thames Valley Disability Access Group",
        ],
    },
    {
        "name": HATE_CRIME,
        "purpose": "Police, councils, the CPS and community groups working together against hate crime in Bedfordshire.",
        "venue": "Bedford Borough Hall",
        "frequency": Frequency.EVERY_TWO_MONTHS,
        "chair": "Yusuf Rahman",
        "members": [
            "Bedfordshire Hate Crime Partnership",
            "Bedfordshire Police",
            "CPS Thames and Chiltern",
            "Bedford Borough Council",
            "Luton Borough Council",
            "Three Counties LGBT+ Network",
        ],
    },
    {
        "name": DASP,
        "purpose": (
            "An annual review of domestic abuse cases and how partners support victims, "
            "this year prioritising coercive control."
        ),
        "venue": "Thames Valley Police HQ, Kidlington",
        "frequency": Frequency.TWICE_A_YEAR,
        "chair": "Margaret Elliot",
        "members": [
            "Thames Valley Domestic Abuse Scrutiny Panel",
            "Thames Valley Police",
            "CPS Thames and Chiltern",
            "Witness Service, Thames Valley",
            "Oxfordshire County Council",
        ],
    },
]


def _day(days_from_today: int, hour: int, minute: int = 0) -> datetime:
    local_day = datetime.now(LONDON).date() + timedelta(days=days_from_today)
    return datetime.combine(local_day, time(hour, minute), tzinfo=LONDON).astimezone(UTC)


# Each meeting: its fields, then who came (person or organisation, status, role),
# and its items (title, presenter, discussion, decisions, marking, notes).
MEETINGS = [
    {
        "title": "Local Scrutiny and Involvement Panel: victims' letters",
        "series": LSIP,
        "kind": MeetingKind.SCRUTINY_PANEL,
        "days": -190,
        "status": MeetingStatus.APPROVED,
        "summary": "Quarterly panel. Themes: victim communication letters and hate crime outcomes.",
        "attendance": [
            ("Chris Palmer", AttendanceStatus.PRESENT, AttendanceRole.CHAIR),
            ("Priya Okafor", AttendanceStatus.PRESENT, AttendanceRole.SECRETARIAT),
            ("Helen Marsh", AttendanceStatus.PRESENT, AttendanceRole.PRESENTER),
            ("Daniel Osei", AttendanceStatus.APOLOGIES, AttendanceRole.MEMBER),
            ("Jordan Lee", AttendanceStatus.PRESENT, AttendanceRole.MEMBER),
            ("Casey Ward", AttendanceStatus.PRESENT, AttendanceRole.MEMBER),
        ],
        "items": [
            ("Welcome and apologies", "Chris Palmer", "The chair welcomed members.", "", None, []),
            (
                "Victim communication letters",
                "Helen Marsh",
                "Members read five anonymised letters to victims.\n\nTwo were found hard to follow for people "
                "whose first language is not English.",
                "Letters to be rewritten in plain English and tested with the panel.",
                None,
                [],
            ),
        ],
        "outcomes": "Plain-English letter templates adopted across the Area.",
    },
    {
        "title": "Local Scrutiny and Involvement Panel: disability hate crime",
        "series": LSIP,
        "kind": MeetingKind.SCRUTINY_PANEL,
        "days": -100,
        "status": MeetingStatus.APPROVED,
        "summary": "Quarterly panel. Themes: disability hate crime and accessible court visits.",
        "attendance": [
            ("Chris Palmer", AttendanceStatus.PRESENT, AttendanceRole.CHAIR),
            ("Priya Okafor", AttendanceStatus.PRESENT, AttendanceRole.SECRETARIAT),
            ("Jordan Lee", AttendanceStatus.PRESENT, AttendanceRole.MEMBER),
            ("Casey Ward", AttendanceStatus.APOLOGIES, AttendanceRole.MEMBER),
            ("Fatima Noor", AttendanceStatus.PRESENT, AttendanceRole.MEMBER),
        ],
        "items": [
            ("Welcome and apologies", "Chris Palmer", "", "", None, []),
            (
                "Disability hate crime",
                "Helen Marsh",
                "The panel reviewed how disability hate crime is identified at charge.",
                "The Area will add a disability prompt to its charging checklist.",
                None,
                [],
            ),
            (
                "Case file review: identifying details",
                "Helen Marsh",
                "Members looked at two case files with identifying details removed.",
                "",
                SENSITIVE,
                [],
            ),
        ],
        "outcomes": "A disability prompt added to the charging checklist.",
    },
    {
        "title": "Local Scrutiny and Involvement Panel: confidence in reporting",
        "series": LSIP,
        "kind": MeetingKind.SCRUTINY_PANEL,
        "days": -12,
        "status": MeetingStatus.CIRCULATED,
        "summary": "Quarterly panel. Themes: Gypsy and Traveller communities' confidence in reporting.",
        "attendance": [
            ("Chris Palmer", AttendanceStatus.PRESENT, AttendanceRole.CHAIR),
            ("Priya Okafor", AttendanceStatus.PRESENT, AttendanceRole.SECRETARIAT),
            ("Jordan Lee", AttendanceStatus.PRESENT, AttendanceRole.MEMBER),
            ("Casey Ward", AttendanceStatus.PRESENT, AttendanceRole.MEMBER),
            ("Bridget Lovell", AttendanceStatus.PRESENT, AttendanceRole.GUEST),
            ("Daniel Osei", AttendanceStatus.ABSENT, AttendanceRole.MEMBER),
        ],
        "items": [
            ("Welcome and apologies", "Chris Palmer", "", "", None, []),
            (
                "Confidence in reporting among Gypsy and Traveller communities",
                "Bridget Lovell",
                "The forum described why members rarely report hate incidents.\n\nThe police described "
                "third-party reporting through the forum.",
                "A joint leaflet to be drafted with the forum.",
                None,
                [("Police and forum to agree a named contact for third-party reports.", None)],
            ),
            (
                "Update on an ongoing prosecution",
                "Helen Marsh",
                "The panel was updated on a case that is still before the court.",
                "",
                SENSITIVE,
                [],
            ),
        ],
        "outcomes": "",
    },
    {
        "title": "Local Scrutiny and Involvement Panel: right to review",
        "series": LSIP,
        "kind": MeetingKind.SCRUTINY_PANEL,
        "days": -2,
        "status": MeetingStatus.MINUTES_DRAFT,
        "summary": "Quarterly panel. Themes: victims' right to review.",
        "attendance": [
            ("Chris Palmer", AttendanceStatus.PRESENT, AttendanceRole.CHAIR),
            ("Priya Okafor", AttendanceStatus.PRESENT, AttendanceRole.SECRETARIAT),
            ("Casey Ward", AttendanceStatus.PRESENT, AttendanceRole.MEMBER),
        ],
        "items": [
            ("Welcome and apologies", "Chris Palmer", "", "", None, []),
            ("Victims' right to review", "Tom Brennan", "Draft: notes still being written up.", "", None, []),
        ],
        "outcomes": "",
    },
    {
        "title": "Local Scrutiny and Involvement Panel: planning the year",
        "series": LSIP,
        "kind": MeetingKind.SCRUTINY_PANEL,
        "days": 85,
        "status": MeetingStatus.PLANNED,
        "summary": "Quarterly panel.",
        "attendance": [],
        "items": [],
        "outcomes": "",
    },
    {
        "title": "Hate Crime Conference",
        "series": None,
        "organisations": ["Bedfordshire Hate Crime Partnership", "Holocaust Education Trust for Schools"],
        "kind": MeetingKind.CONFERENCE,
        "days": -270,
        "hours": (9, 16),
        "venue": "Bedford Corn Exchange",
        "status": MeetingStatus.APPROVED,
        "headcount": 120,
        "headcount_note": "professionals from different sectors",
        "summary": "A conference delivered with the Bedfordshire Hate Crime Partnership.",
        "attendance": [
            ("Helen Marsh", AttendanceStatus.PRESENT, AttendanceRole.PRESENTER),
            ("Ruth Abrams", AttendanceStatus.PRESENT, AttendanceRole.PRESENTER),
            ("Jordan Lee", AttendanceStatus.PRESENT, AttendanceRole.MEMBER),
            ("Bedford Borough Council", AttendanceStatus.PRESENT, AttendanceRole.MEMBER),
        ],
        "items": [
            (
                "Prosecuting hate crime",
                "Helen Marsh",
                "The CPS presented how hate crime is prosecuted and how sentences are uplifted.",
                "",
                None,
                [],
            ),
            (
                "Lessons from the Holocaust",
                "Ruth Abrams",
                "The trust spoke of the need for everyone to stay vigilant, so that the lessons of the Holocaust "
                "keep genocide from happening again.",
                "",
                None,
                [],
            ),
        ],
        "outcomes": "Three partner agencies asked for hate crime training for frontline staff.",
        "feedback": [
            ("A powerful day; our officers now understand the uplift.", "Inspector, Bedfordshire Police", True),
        ],
    },
    {
        "title": "Coercive control conference",
        "series": DASP,
        "kind": MeetingKind.CONFERENCE,
        "days": -60,
        "hours": (9, 15),
        "status": MeetingStatus.APPROVED,
        "headcount": 85,
        "headcount_note": "delegates from partner agencies",
        "summary": "Supporting partners to understand how to support victims experiencing coercive control.",
        "attendance": [
            ("Margaret Elliot", AttendanceStatus.PRESENT, AttendanceRole.CHAIR),
            ("Sana Mirza", AttendanceStatus.PRESENT, AttendanceRole.PRESENTER),
            ("Helen Marsh", AttendanceStatus.PRESENT, AttendanceRole.PRESENTER),
            ("Graham Whitfield", AttendanceStatus.PRESENT, AttendanceRole.MEMBER),
        ],
        "items": [
            (
                "The law on controlling or coercive behaviour",
                "Helen Marsh",
                "The CPS presented the offence of controlling or coercive behaviour and the evidence that proves it.",
                "",
                None,
                [],
            ),
            (
                "A survivor's perspective",
                "Margaret Elliot",
                "A survivor described her experience from a victim's perspective.",
                "",
                None,
                [("The survivor's name and town are not to be recorded anywhere.", SENSITIVE)],
            ),
        ],
        "outcomes": "Partners now share information earlier where coercive control is suspected.",
        "feedback": [
            (
                "Everyone left with a much better understanding of the law as it stands, a greater awareness of the "
                "psychological impact of coercive control, and better able to spot chances to share information "
                "between agencies.",
                "Chair, Domestic Abuse Scrutiny Panel",
                True,
            ),
            ("Some delegates wanted more time for questions.", "Delegate, Oxfordshire County Council", False),
        ],
    },
    {
        "title": "Domestic Abuse Scrutiny Panel: annual review",
        "series": DASP,
        "kind": MeetingKind.SCRUTINY_PANEL,
        "days": 16,
        "status": MeetingStatus.AGENDA_PUBLISHED,
        "summary": "The panel's annual review of domestic abuse cases.",
        "attendance": [
            ("Margaret Elliot", AttendanceStatus.PRESENT, AttendanceRole.CHAIR),
            ("Sana Mirza", AttendanceStatus.APOLOGIES, AttendanceRole.MEMBER),
        ],
        "items": [
            ("Welcome and apologies", "Margaret Elliot", "", "", None, []),
            ("Review of the year's cases", "Helen Marsh", "", "", None, []),
            ("Individual case reviews", "Helen Marsh", "", "", SENSITIVE, []),
        ],
        "outcomes": "",
    },
    {
        "title": "Vulnerable Victims' Unit visit, People Week",
        "series": None,
        "organisations": ["Hertfordshire Vulnerable Victims' Unit", "Hertfordshire Victim Support Service"],
        "kind": MeetingKind.VISIT,
        "days": -30,
        "hours": (10, 12),
        "venue": "CPS Thames and Chiltern, St Albans office",
        "status": MeetingStatus.CIRCULATED,
        "summary": "The unit visited our staff during People Week to discuss how we can better work together.",
        "attendance": [
            ("Laura Finch", AttendanceStatus.PRESENT, AttendanceRole.PRESENTER),
            ("Imran Sheikh", AttendanceStatus.PRESENT, AttendanceRole.MEMBER),
            ("Priya Okafor", AttendanceStatus.PRESENT, AttendanceRole.SECRETARIAT),
        ],
        "items": [
            (
                "How victims are referred to the unit",
                "Laura Finch",
                "Staff learnt how victims are referred to the unit and how it works with the Witness Service and "
                "the Witness Care Unit.",
                "Named contacts to be exchanged so that extra support can be arranged quickly.",
                None,
                [],
            ),
        ],
        "outcomes": "Staff know how to arrange extra support for victims through the unit.",
    },
    {
        "title": "Meeting with Victim Support volunteers",
        "series": None,
        "organisations": ["Hertfordshire Victim Support Service"],
        "kind": MeetingKind.COMMUNITY_EVENT,
        "days": -75,
        "hours": (18, 20),
        "venue": "Hatfield community centre",
        "status": MeetingStatus.HELD,
        "headcount": 40,
        "headcount_note": "volunteers from Hertfordshire Victim Support Service",
        "summary": "Our Chief Crown Prosecutor met volunteers to hear how victims experience the process.",
        "attendance": [
            ("Tom Brennan", AttendanceStatus.PRESENT, AttendanceRole.PRESENTER),
            ("Hertfordshire Victim Support Service", AttendanceStatus.PRESENT, AttendanceRole.MEMBER),
        ],
        "items": [],
        "outcomes": "",
    },
    {
        "title": "Hate crime case review",
        "series": None,
        "organisations": ["Bedfordshire Police"],
        "kind": MeetingKind.PARTNERSHIP_MEETING,
        "days": -5,
        "status": MeetingStatus.HELD,
        "marking": SENSITIVE,
        "summary": "Review of live hate crime prosecutions with the police. Not shared with partners.",
        "attendance": [
            ("Helen Marsh", AttendanceStatus.PRESENT, AttendanceRole.CHAIR),
            ("Jordan Lee", AttendanceStatus.PRESENT, AttendanceRole.MEMBER),
        ],
        "items": [],
        "outcomes": "",
    },
]


# Actions agreed, by meeting title: (item number, title, owner, lead, due in
# days from today, status). Several fall to the two demo partners' organisations.
ACTIONS = {
    "Local Scrutiny and Involvement Panel: victims' letters": [
        (2, "Rewrite the victim communication letters in plain English", "CPS Thames and Chiltern", "Helen Marsh",
         -120, ActionStatus.COMPLETED),
        (2, "Test the new letters with volunteers", "Hertfordshire Victim Support Service", "Casey Ward",
         -30, ActionStatus.IN_PROGRESS),
    ],
    "Local Scrutiny and Involvement Panel: disability hate crime": [
        (2, "Add a disability prompt to the charging checklist", "CPS Thames and Chiltern", "Helen Marsh",
         -40, ActionStatus.COMPLETED),
        (2, "Brief neighbourhood officers on recognising disability hate crime", "Bedfordshire Police", "Jordan Lee",
         -10, ActionStatus.OPEN),
        (3, "Check the two case files for redaction errors", "CPS Thames and Chiltern", "Helen Marsh",
         20, ActionStatus.OPEN),
    ],
    "Local Scrutiny and Involvement Panel: confidence in reporting": [
        (2, "Draft a joint leaflet on reporting hate incidents", "Chiltern Gypsy and Traveller Forum", "Bridget Lovell",
         30, ActionStatus.OPEN),
        (2, "Name a contact for third-party reports from the forum", "Bedfordshire Police", "Jordan Lee",
         14, ActionStatus.OPEN),
        (3, "Update the panel on the case once sentenced", "CPS Thames and Chiltern", "Helen Marsh",
         60, ActionStatus.OPEN),
    ],
    "Coercive control conference": [
        (1, "Share the conference slides with all delegates", "CPS Thames and Chiltern", "Helen Marsh",
         -50, ActionStatus.COMPLETED),
        (2, "Offer survivors' voices training to frontline officers", "Bedfordshire Police", "Sana Mirza",
         45, ActionStatus.IN_PROGRESS),
    ],
    "Vulnerable Victims' Unit visit, People Week": [
        (1, "Exchange named contacts for arranging extra support", "Hertfordshire Victim Support Service",
         "Imran Sheikh", 7, ActionStatus.OPEN),
    ],
}  # fmt: skip

# Progress said at a later meeting's matters arising: (meeting title, action title, status, what was said).
PROGRESS = [
    (
        "Local Scrutiny and Involvement Panel: disability hate crime",
        "Test the new letters with volunteers",
        ActionStatus.IN_PROGRESS,
        "Two of five letters tested; volunteers found them much clearer.",
    ),
    (
        "Local Scrutiny and Involvement Panel: confidence in reporting",
        "Brief neighbourhood officers on recognising disability hate crime",
        ActionStatus.OPEN,
        "Briefing drafted; waiting for a slot at the next training day.",
    ),
]


def load(organisations: dict[str, Organisation], people: dict[str, Contact], approver_id: int) -> None:
    """Add the demo series and meetings, given the demo organisations and contacts by name."""
    series_by_name, meetings_by_title, actions_by_title = {}, {}, {}
    for spec in SERIES:
        series_by_name[spec["name"]] = series_services.create_series(
            {
                "name": spec["name"],
                "purpose": spec["purpose"],
                "venue": spec["venue"],
                "frequency": spec["frequency"].value,
                "chair_id": people[spec["chair"]].id,
                "member_ids": [organisations[name].id for name in spec["members"]],
            }
        )
    for spec in MEETINGS:
        series = series_by_name.get(spec["series"])
        start_hour, end_hour = spec.get("hours", (14, 16))
        status = spec["status"]
        meeting = records.create(
            Meeting(),
            {
                "title": spec["title"],
                "series_id": series.id if series else None,
                "kind": spec["kind"],
                "starts_at": _day(spec["days"], start_hour),
                "ends_at": _day(spec["days"], end_hour),
                "venue": spec.get("venue") or (series.venue if series else ""),
                "summary": spec["summary"],
                "headcount": spec.get("headcount"),
                "headcount_note": spec.get("headcount_note", ""),
                "marking": spec.get("marking", Marking.OFFICIAL),
                "outcomes": spec["outcomes"],
                "organisations": [organisations[name] for name in spec.get("organisations", [])],
            },
        )
        for who, attendance_status, role in spec["attendance"]:
            person = people.get(who)
            organisation = person.organisation if person else organisations[who]
            records.create(
                Attendance(),
                {
                    "meeting_id": meeting.id,
                    "organisation_id": organisation.id,
                    "contact_id": person.id if person else None,
                    "status": attendance_status,
                    "role": role,
                },
            )
        items = []
        for position, (title, presenter, discussion, decisions, marking, notes) in enumerate(spec["items"], 1):
            item = records.create(
                AgendaItem(),
                {
                    "meeting_id": meeting.id,
                    "position": position,
                    "title": title,
                    "presenter_id": people[presenter].id if presenter else None,
                    "discussion": discussion,
                    "decisions": decisions,
                    "marking": marking or Marking.OFFICIAL,
                },
            )
            items.append(item)
            for text, note_marking in notes:
                records.create(
                    ItemNote(), {"item_id": item.id, "text": text, "marking": note_marking or Marking.OFFICIAL}
                )
        for number, title, owner, lead, due_in, action_status in ACTIONS.get(spec["title"], []):
            action = action_services.create_action(
                items[number - 1],
                {
                    "title": title,
                    "owner_id": organisations[owner].id,
                    "lead_id": people[lead].id if lead else None,
                    "due_on": (datetime.now(LONDON) + timedelta(days=due_in)).date(),
                },
                now=meeting.starts_at,
            )
            if action_status is not ActionStatus.OPEN:
                records.update(action, {"status": action_status})
            actions_by_title[title] = action
        for quote, attribution, may_publish in spec.get("feedback", []):
            records.create(
                Feedback(),
                {"meeting_id": meeting.id, "quote": quote, "attribution": attribution, "may_publish": may_publish},
            )
        # Walk the lifecycle to where the meeting stands, as staff would have.
        lifecycle = {"status": status}
        if status.reached(MeetingStatus.CIRCULATED):
            lifecycle["circulated_at"] = meeting.starts_at + timedelta(days=7)
        if status is MeetingStatus.APPROVED:
            # Approved at the next meeting, as a rule; never later than yesterday.
            approved = min(meeting.starts_at + timedelta(days=90), datetime.now(UTC) - timedelta(days=1))
            lifecycle |= {"approved_at": approved, "approved_by_id": approver_id}
        records.update(meeting, lifecycle)
        meetings_by_title[spec["title"]] = meeting
    for meeting_title, action_title, action_status, said in PROGRESS:
        action_services.record_progress(
            actions_by_title[action_title],
            meeting_id=meetings_by_title[meeting_title].id,
            status=action_status,
            text=said,
            author=None,
        )
