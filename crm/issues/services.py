"""Community issues: their references, the register, and every change to them
(raised on their own or from an agenda item, moved on, linked to the actions
and meetings that deal with them). Services flush, never commit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_login import current_user
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import joinedload, selectinload

from crm import records
from crm.actions.models import Action
from crm.actions.services import next_reference, today
from crm.auth.models import User
from crm.database import folded, utcnow
from crm.extensions import db
from crm.formatting import LONDON, date_short
from crm.issues.models import (
    CommunityIssue,
    IssuePriority,
    IssueStatus,
    issue_actions,
    issue_categories,
    issue_groups,
    issue_meetings,
)
from crm.lists import Filter, ListFilters, date_filter, enum_filter, filter_field, id_filter, text_filter
from crm.markings import Marking
from crm.meetings.models import AgendaItem, Meeting
from crm.organisations.models import Organisation
from crm.organisations.services import named_like
from crm.pagination import Listing
from crm.reference.models import ExclusionGroup, IssueCategory
from crm.reference.services import entries_by_ids
from crm.search import FullText, TextSearch
from crm.visibility import get_visible, meeting_access, name_if_visible, visible

ISSUE_PREFIX = "CI"
MEETINGS_OFFERED = 300  # in the "link a meeting" list


def issue_prefix(now: datetime | None = None) -> str:
    """ "CI-2026": the year the issue is logged in, in UK time."""
    return f"{ISSUE_PREFIX}-{(now or utcnow()).astimezone(LONDON).year}"


# --- the register ------------------------------------------------------------------

# Open issues (raised, under review, action agreed) are the register's default view.
SHOWING = {"open": "Open", "closed": "Addressed and closed", "all": "All"}


def _name(model, column, unseen: str):
    def describe(record_id: int) -> str:
        return db.session.scalar(select(column).where(model.id == record_id)) or unseen

    return describe


def _organisation_name(organisation_id: int) -> str:
    return name_if_visible(current_user, Organisation.name, organisation_id, "an organisation you cannot see")


@dataclass(frozen=True)
class IssueFilters(ListFilters):
    """The register: open, closed or all; by status, category, group affected,
    who raised it, priority and when; searched by title or reference; sorted by
    when raised (latest first), reference, title or last change."""

    show: str | None = filter_field(
        Filter("show", "Showing", parse=lambda raw: raw if raw in ("closed", "all") else None, describe=SHOWING.get)
    )
    status: IssueStatus | None = filter_field(enum_filter("status", "Status", IssueStatus))
    category: int | None = filter_field(
        id_filter("category", "Category", describe=_name(IssueCategory, IssueCategory.name, "a removed category"))
    )
    group: int | None = filter_field(
        id_filter("group", "Group affected", describe=_name(ExclusionGroup, ExclusionGroup.name, "a removed group"))
    )
    organisation: int | None = filter_field(id_filter("organisation", "Raised by", describe=_organisation_name))
    organisation_name: str | None = filter_field(text_filter("org", "Raised by (name)"))
    priority: IssuePriority | None = filter_field(enum_filter("priority", "Priority", IssuePriority))
    raised_from: date | None = filter_field(date_filter("from", "Raised from"))
    raised_to: date | None = filter_field(date_filter("to", "Raised by"))

    SORTS = ("raised", "reference", "title", "updated")
    TABS = ("show",)

    @property
    def showing(self) -> str:
        return self.show or "open"

    @property
    def latest_first(self) -> bool:
        """By date, the latest comes first; a second click on the heading reverses it."""
        return self.sort in ("raised", "updated") and not self.descending

    def aria_sort(self, column: str) -> str:
        if self.sort == column and column in ("raised", "updated"):
            return "descending" if self.latest_first else "ascending"
        return super().aria_sort(column)


# The SQLite trigram table over issues' titles and references (migration 0007).
SEARCH_INDEX = FullText(
    "community_issues_search", CommunityIssue.id, {"title": CommunityIssue.title, "reference": CommunityIssue.reference}
)


def _conditions(user: User, filters: IssueFilters) -> list[ColumnElement[bool]]:
    conditions = []
    if filters.showing == "open":
        conditions.append(CommunityIssue.status.in_(IssueStatus.still_open()))
    elif filters.showing == "closed":
        conditions.append(CommunityIssue.status.not_in(IssueStatus.still_open()))
    if filters.status:
        conditions.append(CommunityIssue.status == filters.status)
    if filters.category:
        tagged = select(issue_categories.c.issue_id).where(issue_categories.c.category_id == filters.category)
        conditions.append(CommunityIssue.id.in_(tagged))
    if filters.group:
        affecting = select(issue_groups.c.issue_id).where(issue_groups.c.group_id == filters.group)
        conditions.append(CommunityIssue.id.in_(affecting))
    if filters.organisation:
        conditions.append(CommunityIssue.raised_by_id == filters.organisation)
    if filters.organisation_name:
        conditions.append(CommunityIssue.raised_by_id.in_(named_like(user, filters.organisation_name)))
    if filters.priority:
        conditions.append(CommunityIssue.priority == filters.priority)
    if filters.raised_from:
        conditions.append(CommunityIssue.raised_on >= filters.raised_from)
    if filters.raised_to:
        conditions.append(CommunityIssue.raised_on <= filters.raised_to)
    return conditions


def list_issues(user: User, filters: IssueFilters) -> Listing:
    """The register as `user` may see it (crm.visibility), filtered and sorted."""
    sorts = {
        "raised": (CommunityIssue.raised_on, CommunityIssue.id),
        "reference": (CommunityIssue.reference, CommunityIssue.id),
        "title": (folded(CommunityIssue.title), CommunityIssue.id),
        "updated": (CommunityIssue.updated_at, CommunityIssue.id),
    }
    keys = sorts.get(filters.sort, sorts["raised"])
    searches = (
        [TextSearch(filters.q, SEARCH_INDEX, ("title", "reference"), prefix=CommunityIssue.title)] if filters.q else []
    )
    return Listing(
        visible(user, CommunityIssue),
        keys=keys,
        filters=_conditions(user, filters),
        descending=filters.latest_first if filters.sort in ("raised", "updated") else filters.descending,
        searches=searches,
        options=(joinedload(CommunityIssue.raised_by), selectinload(CommunityIssue.categories)),
    )


def organisations_seen(user: User, issues: list[CommunityIssue]) -> set[int]:
    """Which of these issues' raising organisations `user` may see named: a
    partner sees an issue it acts on, not who else raised it."""
    ids = {issue.raised_by_id for issue in issues if issue.raised_by_id is not None}
    if not ids:
        return set()
    return set(
        db.session.scalars(
            visible(user, Organisation).where(Organisation.id.in_(ids)).with_only_columns(Organisation.id)
        )
    )


# --- raising and changing an issue ---------------------------------------------------


def _values(data: dict) -> dict:
    values = {
        "title": data["title"],
        "description": data.get("description") or "",
        "area": data.get("area") or "",
        "raised_on": data.get("raised_on") or today(),
        "raised_by_id": int(data["raised_by_id"]) if data.get("raised_by_id") else None,
        "event": data.get("event") or "",
        "priority": IssuePriority(data.get("priority") or IssuePriority.MEDIUM.value),
        "status": IssueStatus(data.get("status") or IssueStatus.RAISED.value),
        "marking": Marking(data.get("marking") or Marking.OFFICIAL.value),
        "outcome": data.get("outcome") or "",
        "categories": entries_by_ids(IssueCategory, data.get("category_ids") or ()),
        "groups": entries_by_ids(ExclusionGroup, data.get("group_ids") or ()),
    }
    if values["raised_by_id"] is not None and db.session.get(Organisation, values["raised_by_id"]) is None:
        raise records.Refused("Select the organisation that raised it from the list", "raised_by_id")
    return values


def raise_issue(data: dict, *, item: AgendaItem | None = None, now: datetime | None = None) -> CommunityIssue:
    """A new issue with the next reference of the year; raised in `item`, it
    comes from that item's meeting, and the meeting is linked to it."""
    values = _values(data) | {"reference": next_reference(issue_prefix(now))}
    if item is not None:
        values |= {"meeting_id": item.meeting_id, "agenda_item_id": item.id, "meetings": [item.meeting]}
        if item.marking.is_sensitive or item.meeting.marking.is_sensitive:
            values["marking"] = Marking.OFFICIAL_SENSITIVE  # raised in a sensitive item: as sensitive
    return records.create(CommunityIssue(), values)


def change_issue(issue: CommunityIssue, data: dict, *, version: int | None = None) -> bool:
    return records.update(issue, _values(data), version=version, noun="issue")


def link_action(user: User, issue: CommunityIssue, reference: str, *, version: int | None = None) -> Action:
    """Link the action with this reference (one `user` may see) to the issue."""
    action = db.session.scalar(visible(user, Action).where(Action.reference == reference.strip().upper()))
    if action is None:
        raise records.Refused("There is no action with this reference: check it, for example A-2026-014", "reference")
    if action in issue.actions:
        raise records.Refused(f"{action.reference} is already linked to this issue", "reference")
    records.update(issue, {"actions": [*issue.actions, action]}, version=version, noun="issue")
    return action


def unlink_action(issue: CommunityIssue, action: Action, *, version: int | None = None) -> None:
    remaining = [linked for linked in issue.actions if linked.id != action.id]
    records.update(issue, {"actions": remaining}, version=version, noun="issue")


def link_meeting(user: User, issue: CommunityIssue, meeting_id: int, *, version: int | None = None) -> Meeting:
    meeting = get_visible(user, Meeting, meeting_id)
    if meeting not in issue.meetings:
        records.update(issue, {"meetings": [*issue.meetings, meeting]}, version=version, noun="issue")
    return meeting


def meetings_to_link(*, now: datetime | None = None) -> list[tuple[str, str]]:
    """(id, "title, date") of the meetings worth linking to an issue (staff's
    choice): from a year ago to a year ahead, the latest first."""
    now = now or utcnow()
    query = (
        select(Meeting.id, Meeting.title, Meeting.starts_at)
        .where(Meeting.starts_at.between(now - timedelta(days=366), now + timedelta(days=366)))
        .order_by(Meeting.starts_at.desc(), Meeting.id.desc())
        .limit(MEETINGS_OFFERED)
    )
    return [(str(mid), f"{title}, {date_short(starts)}") for mid, title, starts in db.session.execute(query)]


def unlink_meeting(issue: CommunityIssue, meeting: Meeting, *, version: int | None = None) -> None:
    remaining = [linked for linked in issue.meetings if linked.id != meeting.id]
    records.update(issue, {"meetings": remaining}, version=version, noun="issue")


def linked_actions(user: User, issue: CommunityIssue) -> list[Action]:
    """The actions on the issue that `user` may see (a partner: its own organisation's)."""
    query = (
        visible(user, Action)
        .join(issue_actions, issue_actions.c.action_id == Action.id)
        .where(issue_actions.c.issue_id == issue.id)
        .options(joinedload(Action.owner))
        .order_by(Action.id)
    )
    return list(db.session.scalars(query))


def linked_meetings(user: User, issue: CommunityIssue) -> list[Meeting]:
    """The meetings linked to the issue that `user` may see."""
    query = (
        visible(user, Meeting)
        .join(issue_meetings, issue_meetings.c.meeting_id == Meeting.id)
        .where(issue_meetings.c.issue_id == issue.id)
        .order_by(Meeting.starts_at, Meeting.id)
    )
    return list(db.session.scalars(query))


def issues_of_action(user: User, action: Action) -> list[CommunityIssue]:
    """The issues an action is linked to, as `user` may see them (for the action's page)."""
    query = (
        visible(user, CommunityIssue)
        .join(issue_actions, issue_actions.c.issue_id == CommunityIssue.id)
        .where(issue_actions.c.action_id == action.id)
        .order_by(CommunityIssue.id)
    )
    return list(db.session.scalars(query))


@dataclass(frozen=True)
class Source:
    """Where an issue came from, as the reader may see it."""

    meeting: Meeting | None
    item_title: str | None
    organisation: Organisation | None
    event: str


def source_of(user: User, issue: CommunityIssue) -> Source:
    meeting = None
    if issue.meeting_id is not None:
        meeting = db.session.scalar(visible(user, Meeting).where(Meeting.id == issue.meeting_id))
    item_title = None
    item = issue.agenda_item
    # A sensitive item stays out of every partner output (DESIGN 6.2), its title too.
    item_readable = item is not None and (user.is_staff_or_admin or not item.marking.is_sensitive)
    if meeting is not None and item_readable and meeting_access(user, meeting).agenda:
        item_title = item.title
    organisation = None
    if issue.raised_by_id is not None:
        organisation = db.session.scalar(visible(user, Organisation).where(Organisation.id == issue.raised_by_id))
    return Source(meeting=meeting, item_title=item_title, organisation=organisation, event=issue.event)


def open_by_category(user: User) -> list[tuple[IssueCategory, int]]:
    """How many open issues `user` may see are in each category, most first (the staff dashboard)."""
    counts = (
        visible(user, CommunityIssue)
        .where(CommunityIssue.status.in_(IssueStatus.still_open()))
        .join(issue_categories, issue_categories.c.issue_id == CommunityIssue.id)
        .with_only_columns(issue_categories.c.category_id, func.count())
        .group_by(issue_categories.c.category_id)
    )
    by_id = dict(db.session.execute(counts).all())
    categories = db.session.scalars(select(IssueCategory).where(IssueCategory.id.in_(by_id))).all()
    return sorted(((c, by_id[c.id]) for c in categories), key=lambda pair: (-pair[1], pair[0].position, pair[0].name))
