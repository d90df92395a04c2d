"""Who may see and change what: the one place that decides.

Every list, detail page, search, picker, export and PDF loads its records
through `visible(user, Model)` or `get_visible(user, Model, id)`. Views and
templates never filter by organisation themselves. A record outside a user's
scope does not exist for that user (404); a record in scope that the user may
not change answers 403.

The role switch is written once, in `scoped()`. Each kind of record adds one
partner rule: a function from the partner's user to an SQL condition, which
may say anything a query can (a series membership, a lifecycle step, a
protective marking), so that a new area states its rule here and nowhere else:

    @partner_rule(Meeting)
    def _meeting(user):
        return and_(Meeting.marking == Marking.OFFICIAL, Meeting.involves(user.organisation_id))

What a user may *do* is one `Permissions` object per request, read by views
(`require(can().change_partners)`) and templates (`{% if can.change_partners %}`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from flask import abort, current_app, g, request
from flask_login import current_user
from sqlalchemy import ColumnElement, Select, and_, false, or_, select

from crm.actions.models import Action
from crm.auth.models import Role, User
from crm.contacts.models import Contact
from crm.enums import LabelledEnum
from crm.extensions import db, login_manager
from crm.issues.models import CommunityIssue, issue_actions
from crm.markings import Marking
from crm.meetings.models import AgendaItem, Feedback, ItemNote, Meeting, MeetingStatus
from crm.organisations.models import Organisation
from crm.series.models import MeetingSeries, series_members

Q = TypeVar("Q", bound=Select)
PartnerRule = Callable[[User], ColumnElement[bool]]
_PARTNER_RULES: dict[type, PartnerRule] = {}


def partner_rule(model: type) -> Callable[[PartnerRule], PartnerRule]:
    """Register what a partner user may see of `model` (one rule per kind of record)."""

    def register(rule: PartnerRule) -> PartnerRule:
        _PARTNER_RULES[model] = rule
        return rule

    return register


def scoped(user: User, query: Q, model: type) -> Q:
    """`query` over `model`, limited to the rows `user` may see."""
    if user.role in (Role.ADMIN, Role.STAFF):
        return query
    if user.role == Role.PARTNER and user.organisation_id is not None:
        return query.where(_PARTNER_RULES[model](user))
    return query.where(false())


def visible(user: User, model: type) -> Select:
    """Every `model` row `user` may see, as a query to filter, sort and page further."""
    return scoped(user, select(model), model)


def get_visible(user: User, model: type, record_id: int):
    """The `model` with this id if `user` may see it; otherwise 404."""
    record = db.session.scalar(visible(user, model).where(model.id == record_id))
    if record is None:
        abort(404)
    return record


def name_if_visible(user: User, column, record_id: int, unseen: str) -> str:
    """`column` of the record with this id (a filter's name, say), if `user` may
    see the record; otherwise `unseen` ("a series you cannot see")."""
    model = column.class_
    query = visible(user, model).where(model.id == record_id).with_only_columns(column)
    return db.session.scalar(query) or unseen


# --- partner rules: one per kind of record ------------------------------------


@partner_rule(Organisation)
def _organisation(user: User) -> ColumnElement[bool]:
    return Organisation.id == user.organisation_id


@partner_rule(Contact)
def _contact(user: User) -> ColumnElement[bool]:
    return Contact.organisation_id == user.organisation_id


@partner_rule(MeetingSeries)
def _series(user: User) -> ColumnElement[bool]:
    """A series is visible to partner users of its member organisations."""
    return MeetingSeries.id.in_(
        select(series_members.c.series_id).where(series_members.c.organisation_id == user.organisation_id)
    )


@partner_rule(Meeting)
def _meeting(user: User) -> ColumnElement[bool]:
    """A meeting's details are visible, from the moment it is planned, to partner
    users of the organisations involved in it, unless the whole meeting is
    OFFICIAL-SENSITIVE. How much more they see follows its lifecycle
    (`meeting_access`)."""
    return and_(Meeting.marking == Marking.OFFICIAL, Meeting.involving(user.organisation_id))


@partner_rule(Action)
def _action(user: User) -> ColumnElement[bool]:
    """A partner's register holds its own organisation's actions, wherever they were agreed."""
    return Action.owner_id == user.organisation_id


@partner_rule(CommunityIssue)
def _community_issue(user: User) -> ColumnElement[bool]:
    """A partner sees the issues its organisation raised or owns actions on,
    never an OFFICIAL-SENSITIVE one."""
    owns_actions_on = (
        select(issue_actions.c.issue_id)
        .join(Action, Action.id == issue_actions.c.action_id)
        .where(Action.owner_id == user.organisation_id)
    )
    return and_(
        CommunityIssue.marking == Marking.OFFICIAL,
        or_(CommunityIssue.raised_by_id == user.organisation_id, CommunityIssue.id.in_(owns_actions_on)),
    )


# --- how much of a meeting a user sees -------------------------------------------


class MinutesVersion(LabelledEnum):
    """The full minutes are the area's; partners and panels get the partner version."""

    FULL = "full", "Full version (staff only)"
    PARTNER = "partner", "Partner and panel version"


@dataclass(frozen=True)
class MeetingAccess:
    """What a user sees of a meeting they may see at all: its details always;
    its agenda once published; its minutes, in `version`, once circulated."""

    agenda: bool
    minutes: bool
    version: MinutesVersion


def meeting_access(user: User, meeting: Meeting) -> MeetingAccess:
    if user.role in (Role.ADMIN, Role.STAFF):
        return MeetingAccess(agenda=True, minutes=True, version=MinutesVersion.FULL)
    return MeetingAccess(
        agenda=meeting.status.reached(MeetingStatus.AGENDA_PUBLISHED),
        minutes=meeting.status.reached(MeetingStatus.CIRCULATED),
        version=MinutesVersion.PARTNER,
    )


def with_minutes(user: User, query: Q) -> Q:
    """`query` over meetings, limited to those whose minutes `user` may read:
    every one for staff; for a partner, visible ones whose minutes are circulated."""
    query = scoped(user, query, Meeting)
    if user.role in (Role.ADMIN, Role.STAFF):
        return query
    return query.where(Meeting.status.in_(MeetingStatus.from_step(MeetingStatus.CIRCULATED)))


# What the partner version leaves out: anything OFFICIAL-SENSITIVE,
# everything agreed in a sensitive item, and feedback not cleared for publishing.
_PARTNER_VERSION_RULES: dict[type, Callable[[], ColumnElement[bool]]] = {
    AgendaItem: lambda: AgendaItem.marking == Marking.OFFICIAL,
    ItemNote: lambda: and_(
        ItemNote.marking == Marking.OFFICIAL,
        ItemNote.item_id.in_(select(AgendaItem.id).where(AgendaItem.marking == Marking.OFFICIAL)),
    ),
    Action: lambda: or_(
        Action.agenda_item_id.is_(None),
        Action.agenda_item_id.in_(select(AgendaItem.id).where(AgendaItem.marking == Marking.OFFICIAL)),
    ),
    Feedback: lambda: Feedback.may_publish.is_(True),
}


def in_version(version: MinutesVersion, query: Q, model: type) -> Q:
    """`query` over a meeting's contents, limited to what `version` of the minutes holds."""
    if version is MinutesVersion.FULL:
        return query
    return query.where(_PARTNER_VERSION_RULES[model]())


# --- what a user may do -------------------------------------------------------


@dataclass(frozen=True)
class Permissions:
    """What the signed-in user may do, made once per request."""

    role: Role | None
    organisation_id: int | None = None

    @property
    def signed_in(self) -> bool:
        return self.role is not None

    @property
    def is_partner(self) -> bool:
        return self.role == Role.PARTNER

    @property
    def is_staff(self) -> bool:
        """Area staff, admins included."""
        return self.role in (Role.STAFF, Role.ADMIN)

    @property
    def change_partners(self) -> bool:
        """Organisations and contacts are kept by staff and admins."""
        return self.is_staff

    @property
    def see_staff_notes(self) -> bool:
        """Notes on organisations and contacts are the area's own, never a partner's."""
        return self.is_staff

    @property
    def browse_organisations(self) -> bool:
        """The list of every partner; a partner user has its own organisation's page instead."""
        return self.is_staff

    @property
    def change_meetings(self) -> bool:
        """Series, meetings, their minutes and the actions agreed in them are kept by staff."""
        return self.is_staff

    @property
    def change_actions(self) -> bool:
        """Raising actions, correcting them, changing their status and answering requests: staff."""
        return self.is_staff

    @property
    def progress_actions(self) -> bool:
        """Posting progress on an action in sight: staff, and the owner organisation's partners."""
        return self.signed_in

    @property
    def ask_about_actions(self) -> bool:
        """Asking for completion to be confirmed, or for a new due date: the owner's partners."""
        return self.is_partner

    @property
    def see_sensitive(self) -> bool:
        """OFFICIAL-SENSITIVE content, and the full version of minutes."""
        return self.is_staff

    @property
    def change_issues(self) -> bool:
        """Community issues are raised, moved on and linked to actions and meetings by staff."""
        return self.is_staff

    @property
    def see_reports(self) -> bool:
        """Reach and the panel report: staff produce them (a panel gets the printed report)."""
        return self.is_staff

    @property
    def manage_reference_lists(self) -> bool:
        """The issue categories and the groups at increased risk of exclusion: admins."""
        return self.role == Role.ADMIN

    @property
    def manage_users(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def see_history(self) -> bool:
        """Who changed what, field by field, on organisations, contacts and users."""
        return self.role == Role.ADMIN

    @property
    def see_meeting_history(self) -> bool:
        """Staff see the history of meetings (reopened minutes, say), as well as admins."""
        return self.is_staff


def permissions_for(user) -> Permissions:
    if user is None or not user.is_authenticated:
        return Permissions(role=None)
    return Permissions(role=user.role, organisation_id=user.organisation_id)


def can() -> Permissions:
    """The current user's permissions, made once per request."""
    if "permissions" not in g:
        g.permissions = permissions_for(current_user)
    return g.permissions


def require(allowed: bool) -> None:
    """403 unless `allowed`: `require(can().manage_users)`."""
    if not allowed:
        abort(403)


# --- signing in -----------------------------------------------------------------


def public(view):
    """Mark a view anyone may open, signed in or not (signing in itself, say)."""
    view.is_public = True
    return view


def require_sign_in():
    """Before every request: a page needs a signed-in user unless its view is `public`."""
    if request.endpoint in (None, "static"):
        return None  # not found, or a stylesheet: nothing to protect
    view = current_app.view_functions.get(request.endpoint)
    if getattr(view, "is_public", False) or current_user.is_authenticated:
        return None
    return login_manager.unauthorized()
