"""Demo actions beyond those agreed at the demo meetings: raised on their own,
across many organisations, at every status and RAG rating, with progress from
partners, staff leads, and requests waiting for staff, so that each demo
partner lands on a portal with something to do. Fictional people only."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from crm import records
from crm.actions import services
from crm.actions.models import Action, ActionPriority, ActionStatus
from crm.auth.models import User
from crm.contacts.models import Contact
from crm.database import utcnow
from crm.extensions import db
from crm.formatting import LONDON
from crm.organisations.models import Organisation

P = ActionPriority
S = ActionStatus

# (title, owner, lead, due in days from today (None: no date), status, priority,
#  days since it was last updated, staff lead's email or None)
RAISED = [
    ("Send the quarterly hate crime outcome figures to the partnership", "CPS Thames and Chiltern", "Helen Marsh",
     5, S.IN_PROGRESS, P.HIGH, 3, "staff@example.org"),
    ("Arrange interpreters for the Gypsy and Traveller forum session", "Hertfordshire County Council", "Fatima Noor",
     -21, S.OPEN, P.HIGH, 40, "staff@example.org"),
    ("Review court waiting-area access for wheelchair users", "HM Courts & Tribunals Service, Thames and Chiltern",
     "Gillian Forde", 35, S.OPEN, P.MEDIUM, 45, "staff@example.org"),
    ("Publish the easy-read guide to giving evidence", "Witness Service, Thames Valley", "Peter Nkemelu",
     90, S.OPEN, P.LOW, 2, None),
    ("Confirm special measures for the two March trials", "Witness Care Unit, Bedfordshire", "Amy Castle",
     -3, S.IN_PROGRESS, P.HIGH, 6, "staff@example.org"),
    ("Map third-party reporting centres across Milton Keynes", "Milton Keynes Interfaith Forum", None,
     60, S.OPEN, P.MEDIUM, 12, None),
    ("Survey older people's confidence in reporting scams", "Berkshire Older People's Forum", None,
     None, S.OPEN, P.LOW, 50, None),
    ("Share the coercive control toolkit with GP surgeries", "Hertfordshire Constabulary", "Mark Adeyemi",
     -60, S.CANCELLED, P.MEDIUM, 55, "staff@example.org"),
    ("Train call handlers on recognising stalking", "Thames Valley Police", "Rachel Kent",
     -15, S.COMPLETED, P.HIGH, 14, "staff@example.org"),
    ("Check the victim letters are sent within five days", "Hertfordshire Victim Support Service", "Imran Sheikh",
     21, S.OPEN, P.MEDIUM, 35, "staff@example.org"),
    ("Agree a single referral form for domestic abuse victims", "Bedfordshire Police", "Sana Mirza",
     28, S.IN_PROGRESS, P.HIGH, 9, "staff@example.org"),
    ("Invite young people's council members to the next panel", "Bedfordshire Young People's Council", None,
     None, S.OPEN, P.LOW, 1, None),
]  # fmt: skip

# Progress posted by the demo partners on their organisations' actions: (action title, partner email, text).
PROGRESS = [
    ("Agree a single referral form for domestic abuse victims", "police.partner@example.org",
     "Draft form shared with the two refuges for comment."),
    ("Test the new letters with volunteers", "victimsupport.partner@example.org",
     "Three more letters tested; two volunteers asked for larger print."),
    ("Check the victim letters are sent within five days", "victimsupport.partner@example.org",
     "Sampled 20 cases: 17 sent within five days."),
]  # fmt: skip


def _by_title(title: str) -> Action:
    return db.session.scalar(select(Action).where(Action.title == title))


def load(users: dict[str, User], now: datetime | None = None) -> None:
    """Add the demo actions and their trails. The caller commits."""
    now = now or utcnow()
    today = now.astimezone(LONDON).date()
    for title, owner, lead, due_in, status, priority, quiet_days, staff_email in RAISED:
        organisation = db.session.scalar(select(Organisation).where(Organisation.name == owner))
        lead_id = db.session.scalar(select(Contact.id).where(Contact.name == lead)) if lead else None
        action = services.raise_action(
            {
                "title": title,
                "owner_id": organisation.id,
                "lead_id": lead_id,
                "due_on": today + timedelta(days=due_in) if due_in is not None else None,
                "priority": priority.value,
                "staff_lead_id": users[staff_email].id if staff_email else None,
            },
            now=now - timedelta(days=quiet_days + 20),
        )
        if status is not S.OPEN:
            records.update(action, {"status": status})
        action.last_update_at = now - timedelta(days=quiet_days)

    # The staff lead of the actions agreed at the demo meetings.
    staff = users["staff@example.org"]
    for action in db.session.scalars(select(Action).where(Action.meeting_id.is_not(None))):
        records.update(action, {"staff_lead_id": staff.id})

    # The demo partners are their own contact records, so "my actions" means something.
    for user in users.values():
        if user.is_partner:
            user.contact_id = db.session.scalar(
                select(Contact.id).where(Contact.name == user.name, Contact.organisation_id == user.organisation_id)
            )

    for title, email, text in PROGRESS:
        services.post_progress(_by_title(title), text, users[email], now=now)

    # Waiting for staff: the police ask to close one; victim support ask for more time on a late one.
    police, victim_support = users["police.partner@example.org"], users["victimsupport.partner@example.org"]
    services.request_completion(
        _by_title("Name a contact for third-party reports from the forum"),
        "PC Amira Shah is the named contact; the forum has her details.",
        police,
        now=now,
    )
    services.request_new_date(
        _by_title("Test the new letters with volunteers"),
        today + timedelta(days=30),
        "Two volunteers are away until the new year; we need them for the last letters.",
        victim_support,
        now=now,
    )
    # Answered already: a completion sent back, which the police partner reads on its portal.
    # (The trail is dated as it is loaded, after the actions' own history.)
    sent_back = services.request_completion(
        _by_title("Offer survivors' voices training to frontline officers"),
        "The first session ran in November.",
        police,
        now=now,
    )
    services.decide_request(
        sent_back,
        False,
        "One session is a start: the action is for every frontline team. Tell us when the last session is booked.",
        staff,
        now=now,
    )
