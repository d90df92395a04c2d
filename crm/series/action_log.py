"""A series' action log as a printed document for panels: the actions agreed
at the series' meetings, by meeting, each with its RAG rating and its latest
progress, and how many are outstanding, overdue and completed.

Which actions a version holds (DESIGN 6.2 and 6.3):
  the full version, for staff: every action agreed at any meeting of the
    series, sensitive items and OFFICIAL-SENSITIVE meetings included (and
    the document marked OFFICIAL-SENSITIVE when one of those is in it);
  the partner and panel version (a partner's, or staff's with
    ?version=partner): only actions of meetings whose minutes the reader may
    read (`with_minutes`), and for staff too only meetings whose minutes are
    circulated or approved and that are not OFFICIAL-SENSITIVE; and only
    those agreed in non-sensitive items (`in_version`). Every such action,
    whoever owns it, as the circulated minutes carry them.
No version prints staff notes or staff leads.

Three statements, however many meetings and actions: the actions with their
meetings, items, owners and leads; the latest progress line of each; and
the counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import Select, case, func, or_, select
from sqlalchemy.orm import contains_eager, joinedload

from crm.actions.models import Action, ActionStatus, ActionUpdate
from crm.actions.services import Rag, outstanding, rag_condition, rag_of, today
from crm.auth.models import User
from crm.database import utcnow
from crm.extensions import db
from crm.markings import Marking
from crm.meetings.models import Meeting, MeetingStatus
from crm.series.models import MeetingSeries
from crm.visibility import MinutesVersion, in_version, with_minutes

# What the log lists: the outstanding actions (a panel's usual question), or all of them.
SHOWING = {"outstanding": "Outstanding actions", "all": "All actions, completed and cancelled ones too"}
DEFAULT_SHOWING = "outstanding"


def showing_from(value: str | None) -> str:
    return value if value in SHOWING else DEFAULT_SHOWING


@dataclass
class LoggedAction:
    action: Action
    rag: Rag | None  # None once completed or cancelled
    progress: ActionUpdate | None  # the newest line of progress this version may print

    @property
    def sensitive(self) -> bool:
        """Agreed in an OFFICIAL-SENSITIVE item or meeting: only ever in the full version."""
        item = self.action.agenda_item
        return self.action.meeting.marking.is_sensitive or (item is not None and item.marking.is_sensitive)


@dataclass
class MeetingActions:
    meeting: Meeting
    actions: list[LoggedAction] = field(default_factory=list)


@dataclass(frozen=True)
class Counts:
    """Over every action of the version, whatever the log lists."""

    outstanding: int
    overdue: int
    completed: int


@dataclass
class ActionLog:
    series: MeetingSeries
    version: MinutesVersion
    showing: str
    printed_on: date
    meetings: list[MeetingActions]
    counts: Counts

    @property
    def showing_label(self) -> str:
        return SHOWING[self.showing]

    @property
    def actions(self) -> list[LoggedAction]:
        return [logged for group in self.meetings for logged in group.actions]

    @property
    def marking(self) -> Marking:
        """OFFICIAL-SENSITIVE when an action it lists is; the partner version never is."""
        if self.version is MinutesVersion.FULL and any(logged.sensitive for logged in self.actions):
            return Marking.OFFICIAL_SENSITIVE
        return Marking.OFFICIAL


def meetings_in(user: User, series: MeetingSeries, version: MinutesVersion) -> Select:
    """The ids of the series' meetings whose actions `version` holds for `user`."""
    query = with_minutes(user, select(Meeting.id).where(Meeting.series_id == series.id))
    if version is MinutesVersion.FULL:
        return query
    # with_minutes already says this for a partner; staff printing the panel
    # version get the same: circulated or approved minutes, never a sensitive meeting.
    return query.where(
        Meeting.status.in_(MeetingStatus.from_step(MeetingStatus.CIRCULATED)),
        Meeting.marking == Marking.OFFICIAL,
    )


def action_log(
    user: User,
    series: MeetingSeries,
    version: MinutesVersion,
    showing: str = DEFAULT_SHOWING,
    *,
    now: datetime | None = None,
) -> ActionLog:
    """The action log of `series` in `version`, as `user` may read it."""
    now = now or utcnow()
    meetings = meetings_in(user, series, version)
    agreed = in_version(version, select(Action).where(Action.meeting_id.in_(meetings)), Action)

    # Oldest meeting first: a panel reads the log as it reads the minutes, in
    # the order the actions were agreed (references rising), so the longest
    # outstanding ones, the ones it chases first, open the document.
    listed = (
        agreed.join(Action.meeting)
        .options(
            contains_eager(Action.meeting),
            joinedload(Action.agenda_item),
            joinedload(Action.owner),
            joinedload(Action.lead),
        )
        .order_by(Meeting.starts_at, Meeting.id, Action.id)
    )
    if showing != "all":
        listed = listed.where(outstanding())
    actions = list(db.session.scalars(listed))

    progress = _latest_progress([action.id for action in actions], version, meetings)
    groups: dict[int, MeetingActions] = {}
    for action in actions:
        group = groups.setdefault(action.meeting_id, MeetingActions(action.meeting))
        group.actions.append(LoggedAction(action, rag_of(action, now), progress.get(action.id)))

    counted = agreed.with_only_columns(
        func.count(case((outstanding(), 1))),
        func.count(case((rag_condition(Rag.RED, now), 1))),
        func.count(case((Action.status == ActionStatus.COMPLETED, 1))),
    )
    counts = Counts(*db.session.execute(counted).one())
    return ActionLog(series, version, showing, today(now), list(groups.values()), counts)


def _latest_progress(action_ids: list[int], version: MinutesVersion, meetings: Select) -> dict[int, ActionUpdate]:
    """The newest line of progress with words in it for each action, in one query.

    In the partner version a line said at a meeting counts only when that
    meeting's minutes are in the version too: a line recorded at an
    OFFICIAL-SENSITIVE meeting, or in minutes not yet circulated, is not
    printed (the line before it is). Lines posted on the action's page,
    outside any meeting, count in both versions."""
    if not action_ids:
        return {}
    lines = select(func.max(ActionUpdate.id)).where(ActionUpdate.action_id.in_(action_ids), ActionUpdate.text != "")
    if version is MinutesVersion.PARTNER:
        lines = lines.where(or_(ActionUpdate.meeting_id.is_(None), ActionUpdate.meeting_id.in_(meetings)))
    newest = select(ActionUpdate).where(ActionUpdate.id.in_(lines.group_by(ActionUpdate.action_id)))
    return {update.action_id: update for update in db.session.scalars(newest)}


def filename(series: MeetingSeries, version: MinutesVersion, printed_on: date) -> str:
    suffix = "" if version is MinutesVersion.FULL else "-partner-version"
    return f"action-log-{printed_on:%Y-%m-%d}-{series.name}{suffix}.pdf"
