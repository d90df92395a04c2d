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
from sqlalchemy import ColumnElement, Select, false, select

from crm.auth.models import Role, User
from crm.contacts.models import Contact
from crm.extensions import db, login_manager
from crm.organisations.models import Organisation

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


# --- partner rules: one per kind of record ------------------------------------


@partner_rule(Organisation)
def _organisation(user: User) -> ColumnElement[bool]:
    return Organisation.id == user.organisation_id


@partner_rule(Contact)
def _contact(user: User) -> ColumnElement[bool]:
    return Contact.organisation_id == user.organisation_id


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
    def manage_users(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def see_history(self) -> bool:
        """Who changed what, field by field, on organisations, contacts and users."""
        return self.role == Role.ADMIN


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
