"""Demo community issues from the seeds' world, linked to the demo meetings and
actions, and the reach of the demo meetings, with some groups left unreached
(carers and people on low income), as a panel would want to see flagged."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from crm import records
from crm.actions.models import Action
from crm.actions.services import today
from crm.extensions import db
from crm.issues import services
from crm.issues.models import IssuePriority, IssueStatus
from crm.markings import Marking
from crm.meetings.models import AgendaItem, Meeting
from crm.organisations.models import Organisation
from crm.reference.defaults import CATEGORIES, GROUPS
from crm.reference.models import ExclusionGroup, IssueCategory, ReferenceEntry

DISABLED, BME, TRAVELLERS, LGBT, OLDER, YOUNG, WOMEN, CARERS, FAITH, LOW_INCOME, REFUGEES = (name for name, _ in GROUPS)

# Which groups each demo meeting reached, by meeting title.
REACH = {
    "Local Scrutiny and Involvement Panel: victims' letters": [DISABLED, OLDER, REFUGEES],
    "Local Scrutiny and Involvement Panel: disability hate crime": [DISABLED],
    "Local Scrutiny and Involvement Panel: confidence in reporting": [TRAVELLERS, BME],
    "Hate Crime Conference": [FAITH, BME, LGBT, YOUNG],
    "Coercive control conference": [WOMEN],
    "Vulnerable Victims' Unit visit, People Week": [DISABLED, OLDER, YOUNG],
    "Meeting with Victim Support volunteers": [OLDER, WOMEN],
}

# (title, categories, groups, area, raised days ago, (meeting title, item number) or None,
#  raised by or None, event, priority, status, marking, outcome, linked action titles)
ISSUES = [
    ("Hate crime against a faith community after the mosque fire", ["Hate crime"], [FAITH, BME], "Bedford",
     270, ("Hate Crime Conference", 1), "Bedfordshire Hate Crime Partnership", "", IssuePriority.HIGH,
     IssueStatus.ACTION_AGREED, Marking.OFFICIAL, "",
     ["Map third-party reporting centres across Milton Keynes", "Brief neighbourhood officers on recognising "
      "disability hate crime"]),
    ("Coercive control cases not recognised at charge", ["Coercive control", "Domestic abuse"], [WOMEN],
     "Thames Valley", 2, ("Local Scrutiny and Involvement Panel: right to review", 2),
     "Thames Valley Domestic Abuse Scrutiny Panel", "", IssuePriority.HIGH, IssueStatus.UNDER_REVIEW,
     Marking.OFFICIAL, "", ["Offer survivors' voices training to frontline officers"]),
    ("Access to court for disabled victims", ["Access to justice", "Victim and witness care"], [DISABLED, OLDER],
     "Hertfordshire", 40, None, "Hertfordshire Victim Support Service", "", IssuePriority.MEDIUM,
     IssueStatus.ACTION_AGREED, Marking.OFFICIAL, "",
     ["Review court waiting-area access for wheelchair users", "Exchange named contacts for arranging extra "
      "support"]),
    ("Disability hate crime missed at charge", ["Hate crime"], [DISABLED], "Thames Valley", 100,
     ("Local Scrutiny and Involvement Panel: disability hate crime", 2), None, "", IssuePriority.HIGH,
     IssueStatus.ADDRESSED, Marking.OFFICIAL,
     "A disability prompt is on the charging checklist, and neighbourhood officers are being briefed.",
     ["Add a disability prompt to the charging checklist", "Brief neighbourhood officers on recognising "
      "disability hate crime"]),
    ("Letters to victims hard to follow", ["Victim and witness care"], [DISABLED, OLDER, REFUGEES],
     "Thames and Chiltern", 190, ("Local Scrutiny and Involvement Panel: victims' letters", 2), None, "",
     IssuePriority.MEDIUM, IssueStatus.ADDRESSED, Marking.OFFICIAL,
     "The letters were rewritten in plain English and tested with Victim Support volunteers.",
     ["Rewrite the victim communication letters in plain English", "Test the new letters with volunteers"]),
    ("Gypsy and Traveller families not reporting hate incidents", ["Hate crime", "Community confidence"],
     [TRAVELLERS], "Buckinghamshire", 12, ("Local Scrutiny and Involvement Panel: confidence in reporting", 2),
     "Chiltern Gypsy and Traveller Forum", "", IssuePriority.HIGH, IssueStatus.ACTION_AGREED, Marking.OFFICIAL,
     "", ["Draft a joint leaflet on reporting hate incidents", "Name a contact for third-party reports from the "
          "forum", "Arrange interpreters for the Gypsy and Traveller forum session"]),
    ("Young LGBT people unsure how to report online abuse", ["Hate crime"], [LGBT, YOUNG], "Bedfordshire", 30,
     None, "Three Counties LGBT+ Network", "Pride in Bedford information stall", IssuePriority.MEDIUM,
     IssueStatus.RAISED, Marking.OFFICIAL, "", []),
    ("Threats to a witness in a live domestic abuse case", ["Domestic abuse", "Victim and witness care"], [WOMEN],
     "Bedfordshire", 5, None, "Bedfordshire Police", "", IssuePriority.HIGH, IssueStatus.UNDER_REVIEW,
     Marking.OFFICIAL_SENSITIVE, "", []),
]  # fmt: skip


def _entries(model: type[ReferenceEntry], defaults: list[tuple[str, str]]) -> dict[str, ReferenceEntry]:
    """The list's entries by name. A database the migrations made has them all;
    one emptied (the tests') gets them again, so the demo always has its words."""
    existing = {entry.name: entry for entry in db.session.scalars(select(model))}
    for position, (name, description) in enumerate(defaults, start=1):
        if name not in existing:
            existing[name] = records.create(model(), {"name": name, "description": description, "position": position})
    return existing


def load() -> None:
    """Add the demo issues and the demo meetings' reach. The caller commits."""
    categories = _entries(IssueCategory, CATEGORIES)
    groups = _entries(ExclusionGroup, GROUPS)
    meetings = {meeting.title: meeting for meeting in db.session.scalars(select(Meeting))}
    for title, reached in REACH.items():
        records.update(meetings[title], {"groups_reached": [groups[name] for name in reached]})

    organisations = {org.name: org for org in db.session.scalars(select(Organisation))}
    actions = {action.title: action for action in db.session.scalars(select(Action))}
    day = today()
    for (title, category_names, group_names, area, days_ago, raised_at, raised_by, event, priority, status,
         marking, outcome, action_titles) in ISSUES:  # fmt: skip
        item = None
        if raised_at is not None:
            meeting = meetings[raised_at[0]]
            item = db.session.scalar(
                select(AgendaItem).where(AgendaItem.meeting_id == meeting.id, AgendaItem.position == raised_at[1])
            )
        issue = services.raise_issue(
            {
                "title": title,
                "category_ids": [categories[name].id for name in category_names],
                "group_ids": [groups[name].id for name in group_names],
                "area": area,
                "raised_on": day - timedelta(days=days_ago),
                "raised_by_id": organisations[raised_by].id if raised_by else None,
                "event": event,
                "priority": priority.value,
                "status": status.value,
                "marking": marking.value,
                "outcome": outcome,
            },
            item=item,
        )
        if action_titles:
            records.update(issue, {"actions": [actions[name] for name in action_titles]})
