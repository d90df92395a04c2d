from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user, login_required

from crm.auth import services as auth_services
from crm.auth.models import Role, User
from crm.database import save_unique
from crm.extensions import db
from crm.organisations.services import organisation_choices
from crm.pagination import paginate
from crm.rendering import render_page
from crm.users import services
from crm.users.forms import ROLE_HINTS, EditUserForm, NewUserForm
from crm.visibility import require_admin

bp = Blueprint("users", __name__, url_prefix="/admin/users")


@bp.before_request
@login_required
def admins_only():
    require_admin(current_user)


EMAIL_TAKEN = "A user with this email address already exists"


def _email_is_free(form, user: User | None = None) -> bool:
    if services.email_taken(form.email.data, exclude=user):
        form.email.errors.append(EMAIL_TAKEN)
        return False
    return True


def _get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


@bp.get("/")
def index():
    users = paginate(services.users_query())
    return render_page("users/list.html", users=users)


@bp.route("/new", methods=["GET", "POST"])
def new():
    form = NewUserForm(organisation_choices=organisation_choices())
    if form.validate_on_submit() and _email_is_free(form):
        user = save_unique(
            lambda: auth_services.create_user(
                email=form.email.data,
                name=form.name.data,
                password=form.password.data,
                role=Role(form.role.data),
                organisation_id=form.chosen_organisation_id,
            ),
            form.email,
            EMAIL_TAKEN,
        )
        if user:
            flash(f"User {user.name} created. They can now sign in.", "success")
            return redirect(url_for("users.index"))
    return render_page("users/form.html", form=form, user=None, role_hints=ROLE_HINTS)


@bp.route("/<id:user_id>/edit", methods=["GET", "POST"])
def edit(user_id: int):
    user = _get_user(user_id)
    form = EditUserForm(
        obj=user if request.method == "GET" else None,
        organisation_choices=organisation_choices(include_id=user.organisation_id),
    )
    if request.method == "GET":
        form.role.data = user.role.value
        form.organisation_id.data = str(user.organisation_id or "")
    if form.validate_on_submit() and _email_is_free(form, user):
        try:
            saved = save_unique(
                lambda: services.update_user(
                    current_user,
                    user,
                    name=form.name.data,
                    email=form.email.data,
                    role=Role(form.role.data),
                    organisation_id=form.chosen_organisation_id,
                    new_password=form.password.data or None,
                ),
                form.email,
                EMAIL_TAKEN,
            )
        except services.ChangeRefused as refusal:
            # Refused before anything changed.
            form.role.errors.append(str(refusal))
        else:
            if saved:
                flash(f"Changes to {user.name} saved.", "success")
                return redirect(url_for("users.index"))
    return render_page("users/form.html", form=form, user=user, role_hints=ROLE_HINTS)


@bp.post("/<id:user_id>/disable")
def disable(user_id: int):
    user = _get_user(user_id)
    try:
        services.disable_user(current_user, user)
    except services.ChangeRefused as refusal:
        flash(str(refusal), "error")
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
