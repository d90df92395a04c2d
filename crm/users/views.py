from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user

from crm import records
from crm.auth import services as auth_services
from crm.auth.models import Role, User
from crm.contacts.services import contact_choices
from crm.extensions import db
from crm.forms import flash_saved, show_error
from crm.history.services import history_of
from crm.organisations.services import organisation_choices
from crm.pagination import paginate
from crm.rendering import render_page
from crm.users import services
from crm.users.forms import ROLE_HINTS, EditUserForm, NewUserForm
from crm.visibility import can, require

bp = Blueprint("users", __name__, url_prefix="/admin/users")


@bp.before_request
def admins_only():
    require(can().manage_users)


def _get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


@bp.get("/")
def index():
    users = paginate(services.users_listing())
    return render_page("users/list.html", users=users)


@bp.route("/new", methods=["GET", "POST"])
def new():
    form = NewUserForm(organisation_choices=organisation_choices(current_user))
    if form.validate_on_submit():
        try:
            user = auth_services.create_user(
                email=form.email.data,
                name=form.name.data,
                password=form.password.data,
                role=Role(form.role.data),
                organisation_id=form.chosen_organisation_id,
            )
        except records.DomainError as error:
            show_error(form, error)
        else:
            db.session.commit()
            flash(f"User {user.name} created. They can now sign in.", "success")
            return redirect(url_for("users.index"))
    return render_page("users/form.html", form=form, user=None, role_hints=ROLE_HINTS)


@bp.route("/<id:user_id>/edit", methods=["GET", "POST"])
def edit(user_id: int):
    user = _get_user(user_id)
    form = EditUserForm(
        obj=user if request.method == "GET" else None,
        organisation_choices=organisation_choices(current_user, include_id=user.organisation_id),
        contact_choices=contact_choices(current_user, include_id=user.contact_id),
        user=user,
    )
    if request.method == "GET":
        form.role.data = user.role.value
        form.organisation_id.data = str(user.organisation_id or "")
        form.contact_id.data = str(user.contact_id or "")
    if form.validate_on_submit():
        try:
            changed = services.update_user(
                current_user,
                user,
                name=form.name.data,
                email=form.email.data,
                role=Role(form.role.data),
                organisation_id=form.chosen_organisation_id,
                contact_id=int(form.contact_id.data) if form.contact_id.data else None,
                new_password=form.password.data or None,
                version=form.version.data,
            )
        except records.DomainError as error:
            show_error(form, error, user)
        else:
            db.session.commit()
            flash_saved(changed, user.name)
            return redirect(url_for("users.index"))
    return render_page("users/form.html", form=form, user=user, role_hints=ROLE_HINTS, history=history_of(user, can()))


@bp.route("/<id:user_id>/disable", methods=["GET", "POST"])
def disable(user_id: int):
    """Disabling signs the person out at once, so it asks first."""
    user = _get_user(user_id)
    if request.method == "GET":
        return render_page("users/disable.html", user=user)
    try:
        services.disable_user(current_user, user)
    except records.DomainError as refusal:
        flash(refusal.message, "error")
        return redirect(url_for("users.index"))
    db.session.commit()
    flash(f"{user.name} can no longer sign in and has been signed out.", "success")
    return redirect(url_for("users.index"))


@bp.post("/<id:user_id>/enable")
def enable(user_id: int):
    user = _get_user(user_id)
    services.enable_user(user)
    db.session.commit()
    flash(f"{user.name} can sign in again.", "success")
    return redirect(url_for("users.index"))
