"""The panel report: for a period, what was done with partners and communities,
as a Local Scrutiny and Involvement Panel reads it.

Everything here is partner-safe: OFFICIAL-SENSITIVE meetings, items, issues and
the actions agreed in sensitive items are left out. Counts about people (by
group, by category, headcounts) are suppressed (DESIGN 6.13): 1 to 4 reads
"fewer than 5", and a total over a suppressed count is rounded to the nearest
5. Zero is never suppressed: "not reached" is what the panel asks to see.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, distinct, func, select, union
from sqlalchemy.orm import selectinload

from crm.actions.models import Action, ActionStatus, ActionUpdate
from crm.extensions import db
from crm.formatting import LONDON
from crm.issues.models import CommunityIssue, issue_actions, issue_categories, issue_groups
from crm.markings import Marking
from crm.meetings.models import AgendaItem, Attendance, Feedback, Meeting, MeetingStatus, meeting_organisations
from crm.organisations.models import Organisation, OrganisationType
from crm.reference.models import ExclusionGroup, IssueCategory
from crm.reference.services import active_entries
from crm.reports import services
from crm.reports.periods import Period
from crm.series.models import series_members

SMALL = 5  # counts under this (and over 0) are not shown as they are
FEWER_THAN = f"fewer than {SMALL}"


def shown(count: int) -> str:
    """A count about people as the report prints it."""
    return FEWER_THAN if 0 < count < SMALL else f"{count:,}"


def shown_total(total: int, parts: list[int]) -> str:
    """A total as printed: rounded to the nearest 5 when any part is suppressed
    (so that the part cannot be worked out from it), and itself suppressed if small."""
    if any(0 < part < SMALL for part in parts):
        if 0 < total < SMALL:
            return FEWER_THAN
        rounded = SMALL * round(total / SMALL)
        return f"{rounded:,} (rounded)"
    return shown(total)


@dataclass(frozen=True)
class Engagement:
    meeting: Meeting
    headcount: str | None
    feedback: list[Feedback]


@dataclass(frozen=True)
class Count:
    label: str
    count: int

    @property
    def shown(self) -> str:
        return shown(self.count)


@dataclass(frozen=True)
class CountTable:
    """Counts by category or by group, with the total of the things counted
    (an issue in two categories counts once in the total)."""

    rows: list[Count]
    total: int

    @property
    def shown_total(self) -> str:
        return shown_total(self.total, [row.count for row in self.rows])


@dataclass(frozen=True)
class ActionFigures:
    agreed: int
    completed: int
    on_time: int
    still_open: int
    overdue: int


@dataclass(frozen=True)
class YouSaid:
    issue: CommunityIssue
    actions: list[Action]


@dataclass
class PanelReport:
    period: Period
    engagements: list[Engagement]
    partner_types: list[Count]
    actions: ActionFigures
    by_category: CountTable
    by_group: CountTable
    reach: services.Reach
    you_said: list[YouSaid] = field(default_factory=list)

    @property
    def reach_rows(self) -> list[tuple[str, str, str, bool]]:
        """(group, engagements as shown, issues as shown, not reached?) for the reach table."""
        return [
            (row.group.name, shown(row.engagements), shown(row.issues), not row.reached) for row in self.reach.groups
        ]


def _engagements(period: Period) -> list[Engagement]:
    query = (
        select(Meeting)
        .where(
            Meeting.starts_at >= period.starts_at,
            Meeting.starts_at < period.ends_before,
            Meeting.status.in_(MeetingStatus.from_step(MeetingStatus.HELD)),
            Meeting.marking == Marking.OFFICIAL,
        )
        .order_by(Meeting.starts_at, Meeting.id)
        .options(selectinload(Meeting.groups_reached))
    )
    meetings = list(db.session.scalars(query))
    published = defaultdict(list)
    if meetings:
        quotes = select(Feedback).where(Feedback.meeting_id.in_([m.id for m in meetings]), Feedback.may_publish)
        for quote in db.session.scalars(quotes.order_by(Feedback.id)):
            published[quote.meeting_id].append(quote)
    return [Engagement(m, shown(m.headcount) if m.headcount is not None else None, published[m.id]) for m in meetings]


def _partner_types(meeting_ids: list[int]) -> list[Count]:
    """Engagements by the type of partner involved (named on it, a member of its series, or attending)."""
    if not meeting_ids:
        return [Count(kind.label, 0) for kind in OrganisationType]
    involved = union(
        select(meeting_organisations.c.meeting_id, meeting_organisations.c.organisation_id).where(
            meeting_organisations.c.meeting_id.in_(meeting_ids)
        ),
        select(Attendance.meeting_id, Attendance.organisation_id).where(Attendance.meeting_id.in_(meeting_ids)),
        select(Meeting.id, series_members.c.organisation_id)
        .join(series_members, series_members.c.series_id == Meeting.series_id)
        .where(Meeting.id.in_(meeting_ids)),
    ).subquery()
    query = (
        select(Organisation.type, func.count(distinct(involved.c.meeting_id)))
        .join(involved, involved.c.organisation_id == Organisation.id)
        .group_by(Organisation.type)
    )
    counts = dict(db.session.execute(query).all())
    return [Count(kind.label, counts.get(kind, 0)) for kind in OrganisationType]


def _agreed_actions(meeting_ids: list[int]):
    """Actions agreed in the period's (official) meetings, in items that are not sensitive."""
    return and_(
        Action.meeting_id.in_(meeting_ids),
        Action.agenda_item_id.in_(select(AgendaItem.id).where(AgendaItem.marking == Marking.OFFICIAL)),
    )


def _action_figures(meeting_ids: list[int], today: date) -> ActionFigures:
    if not meeting_ids:
        return ActionFigures(0, 0, 0, 0, 0)
    completed_at = (
        select(ActionUpdate.action_id, func.max(ActionUpdate.created_at).label("at"))
        .where(ActionUpdate.status == ActionStatus.COMPLETED)
        .group_by(ActionUpdate.action_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Action.status, Action.due_on, completed_at.c.at)
        .outerjoin(completed_at, completed_at.c.action_id == Action.id)
        .where(_agreed_actions(meeting_ids))
    ).all()
    completed = [row for row in rows if row.status is ActionStatus.COMPLETED]
    on_time = [
        row
        for row in completed
        if row.due_on is None or (row.at is not None and row.at.astimezone(LONDON).date() <= row.due_on)
    ]
    still_open = [row for row in rows if not row.status.is_closed]
    overdue = [row for row in still_open if row.due_on is not None and row.due_on < today]
    return ActionFigures(len(rows), len(completed), len(on_time), len(still_open), len(overdue))


def _issues_raised(period: Period):
    return and_(
        CommunityIssue.raised_on >= period.start,
        CommunityIssue.raised_on <= period.end,
        CommunityIssue.marking == Marking.OFFICIAL,
    )


def _count_table(period: Period, link, column, model) -> CountTable:
    query = (
        select(link.c[column], func.count(distinct(link.c.issue_id)))
        .join(CommunityIssue, CommunityIssue.id == link.c.issue_id)
        .where(_issues_raised(period))
        .group_by(link.c[column])
    )
    counts = dict(db.session.execute(query).all())
    total = db.session.scalar(select(func.count()).select_from(CommunityIssue).where(_issues_raised(period))) or 0
    return CountTable([Count(entry.name, counts.get(entry.id, 0)) for entry in active_entries(model)], total)


def _you_said(period: Period) -> list[YouSaid]:
    """Each issue raised in the period, the actions taken on it (not those of sensitive items), its outcome."""
    issues = list(
        db.session.scalars(
            select(CommunityIssue)
            .where(_issues_raised(period))
            .order_by(CommunityIssue.raised_on, CommunityIssue.id)
            .options(selectinload(CommunityIssue.categories), selectinload(CommunityIssue.groups))
        )
    )
    if not issues:
        return []
    partner_safe = Action.agenda_item_id.is_(None) | Action.agenda_item_id.in_(
        select(AgendaItem.id).where(AgendaItem.marking == Marking.OFFICIAL)
    )
    linked = db.session.execute(
        select(issue_actions.c.issue_id, Action)
        .join(Action, Action.id == issue_actions.c.action_id)
        .where(issue_actions.c.issue_id.in_([issue.id for issue in issues]), partner_safe)
        .order_by(Action.id)
        .options(selectinload(Action.owner))
    ).all()
    by_issue = defaultdict(list)
    for issue_id, action in linked:
        by_issue[issue_id].append(action)
    return [YouSaid(issue, by_issue[issue.id]) for issue in issues]


def panel_report(period: Period, today: date) -> PanelReport:
    engagements = _engagements(period)
    meeting_ids = [engagement.meeting.id for engagement in engagements]
    return PanelReport(
        period=period,
        engagements=engagements,
        partner_types=_partner_types(meeting_ids),
        actions=_action_figures(meeting_ids, today),
        by_category=_count_table(period, issue_categories, "category_id", IssueCategory),
        by_group=_count_table(period, issue_groups, "group_id", ExclusionGroup),
        reach=services.reach(period, sensitive=False),
        you_said=_you_said(period),
    )


def panel_table(report: PanelReport, table: str) -> tuple[list[str], list[list[str]]]:
    """One of the report's tables as CSV: its header and rows, counts as the report prints them."""
    if table == "engagements":
        header = ["Engagement", "Date", "Kind", "Headcount", "Groups reached", "Outcome", "Published feedback"]
        rows = [
            [
                e.meeting.title,
                e.meeting.starts_at.astimezone(LONDON).date().isoformat(),
                e.meeting.kind.label,
                e.headcount or "",
                "; ".join(group.name for group in e.meeting.groups_reached),
                e.meeting.outcomes,
                " | ".join(f"{q.quote} ({q.attribution})" if q.attribution else q.quote for q in e.feedback),
            ]
            for e in report.engagements
        ]
    elif table == "partner-types":
        header, rows = ["Partner type", "Engagements"], [[row.label, str(row.count)] for row in report.partner_types]
    elif table == "actions":
        figures = report.actions
        header = ["Measure", "Actions"]
        rows = [
            ["Agreed", figures.agreed],
            ["Completed", figures.completed],
            ["Completed on time", figures.on_time],
            ["Still open", figures.still_open],
            ["Still open and overdue", figures.overdue],
        ]
    elif table in ("categories", "groups"):
        counts = report.by_category if table == "categories" else report.by_group
        header = ["Category" if table == "categories" else "Group", "Issues"]
        rows = [[row.label, row.shown] for row in counts.rows] + [["Issues raised", counts.shown_total]]
    elif table == "reach":
        header = ["Group", "Engagements", "Issues", "Reached"]
        rows = [
            [name, engagements, issues, "no" if gap else "yes"] for name, engagements, issues, gap in report.reach_rows
        ]
    else:  # you-said-we-did
        header = ["Issue raised", "Raised on", "Categories", "Groups affected", "What was done", "Outcome"]
        rows = [
            [
                said.issue.title,
                said.issue.raised_on.isoformat(),
                "; ".join(c.name for c in said.issue.categories),
                "; ".join(g.name for g in said.issue.groups),
                "; ".join(f"{a.title} ({a.owner.name}, {a.status.label.lower()})" for a in said.actions),
                said.issue.outcome,
            ]
            for said in report.you_said
        ]
    return header, rows
