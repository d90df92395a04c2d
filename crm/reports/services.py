"""The figures reports are made of. Each measure is one grouped query over the
period, so a report costs the same number of queries however much it covers."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import distinct, func, select

from crm.extensions import db
from crm.issues.models import CommunityIssue, issue_actions, issue_groups
from crm.markings import Marking
from crm.meetings.models import Meeting, MeetingStatus, meeting_groups
from crm.reference.models import ExclusionGroup
from crm.reference.services import active_entries
from crm.reports.periods import Period


@dataclass(frozen=True)
class GroupReach:
    """One group's figures for a period, and the engagements of the period before."""

    group: ExclusionGroup
    engagements: int
    previous_engagements: int
    issues: int
    actions: int

    @property
    def reached(self) -> bool:
        return self.engagements > 0

    @property
    def trend(self) -> str:
        """ "up", "down" or "same": this period's engagements against the last one's."""
        if self.engagements == self.previous_engagements:
            return "same"
        return "up" if self.engagements > self.previous_engagements else "down"


@dataclass(frozen=True)
class Reach:
    period: Period
    previous: Period
    groups: list[GroupReach]
    engagements: int  # engagements held in the period that recorded any reach at all
    sensitive_included: bool

    @property
    def unreached(self) -> list[GroupReach]:
        return [row for row in self.groups if not row.reached]

    @property
    def largest(self) -> int:
        """The longest bar the chart draws (at least 1, so that an empty chart still scales)."""
        return max([1, *(max(row.engagements, row.previous_engagements) for row in self.groups)])


def _held_in(period: Period, *, sensitive: bool):
    """Meetings held in the period: a planned meeting has not reached anyone yet."""
    conditions = [
        Meeting.starts_at >= period.starts_at,
        Meeting.starts_at < period.ends_before,
        Meeting.status.in_(MeetingStatus.from_step(MeetingStatus.HELD)),
    ]
    if not sensitive:
        conditions.append(Meeting.marking == Marking.OFFICIAL)
    return conditions


def _engagements_by_group(period: Period, *, sensitive: bool) -> dict[int, int]:
    query = (
        select(meeting_groups.c.group_id, func.count(distinct(meeting_groups.c.meeting_id)))
        .join(Meeting, Meeting.id == meeting_groups.c.meeting_id)
        .where(*_held_in(period, sensitive=sensitive))
        .group_by(meeting_groups.c.group_id)
    )
    return dict(db.session.execute(query).all())


def _issues_raised_in(period: Period, *, sensitive: bool):
    conditions = [CommunityIssue.raised_on >= period.start, CommunityIssue.raised_on <= period.end]
    if not sensitive:
        conditions.append(CommunityIssue.marking == Marking.OFFICIAL)
    return conditions


def _issues_by_group(period: Period, *, sensitive: bool) -> dict[int, int]:
    query = (
        select(issue_groups.c.group_id, func.count(distinct(issue_groups.c.issue_id)))
        .join(CommunityIssue, CommunityIssue.id == issue_groups.c.issue_id)
        .where(*_issues_raised_in(period, sensitive=sensitive))
        .group_by(issue_groups.c.group_id)
    )
    return dict(db.session.execute(query).all())


def _actions_by_group(period: Period, *, sensitive: bool) -> dict[int, int]:
    """Actions linked to the issues raised in the period that affect each group."""
    query = (
        select(issue_groups.c.group_id, func.count(distinct(issue_actions.c.action_id)))
        .join(CommunityIssue, CommunityIssue.id == issue_groups.c.issue_id)
        .join(issue_actions, issue_actions.c.issue_id == issue_groups.c.issue_id)
        .where(*_issues_raised_in(period, sensitive=sensitive))
        .group_by(issue_groups.c.group_id)
    )
    return dict(db.session.execute(query).all())


def reach(period: Period, *, sensitive: bool) -> Reach:
    """For each group at increased risk of exclusion: the engagements held in the
    period that reached it (and in the period before), the issues raised in the
    period that affect it, and the actions on those issues. `sensitive`: count
    OFFICIAL-SENSITIVE meetings and issues too (staff's own figures), or leave
    them out (anything a panel or partner reads)."""
    previous = period.previous()
    engagements = _engagements_by_group(period, sensitive=sensitive)
    before = _engagements_by_group(previous, sensitive=sensitive)
    issues = _issues_by_group(period, sensitive=sensitive)
    actions = _actions_by_group(period, sensitive=sensitive)
    rows = [
        GroupReach(
            group=group,
            engagements=engagements.get(group.id, 0),
            previous_engagements=before.get(group.id, 0),
            issues=issues.get(group.id, 0),
            actions=actions.get(group.id, 0),
        )
        for group in active_entries(ExclusionGroup)
    ]
    with_reach = (
        select(func.count(distinct(meeting_groups.c.meeting_id)))
        .join(Meeting, Meeting.id == meeting_groups.c.meeting_id)
        .where(*_held_in(period, sensitive=sensitive))
    )
    return Reach(period, previous, rows, db.session.scalar(with_reach) or 0, sensitive)
