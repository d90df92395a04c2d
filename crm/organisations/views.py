from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask_login import current_user, login_required

from crm.contacts.services import ContactFilters, contacts_of
from crm.database import save_unique
from crm.extensions import db
from crm.organisations import services
from crm.organisations.forms import TYPE_CHOICES, OrganisationForm
from crm.pagination import paginate
from crm.rendering import render_page
from crm.visibility import (
    can_change_partners,
    can_see_staff_notes,
    get_visible_organisation,
    require_change_partners,
)

bp = Blueprint("organisations", __name__, url_prefix="/organisations")

DUPLICATE_NAME = "An organisation with this name already exists"


@bp.before_request
@login_required
def signed_in_only():
    pass


def _validate(form: OrganisationForm, organisation_id: int | None = None) -> bool:
    """Validate the form and the name's uniqueness together, so every problem shows at once."""
    if not form.is_submitted():
        return False
    valid = form.validate()
    if form.name.data and not form.name.errors and services.name_taken(form.name.data, exclude_id=organisation_id):
        form.name.errors.append(DUPLICATE_NAME)
        valid = False
    return valid


@bp.get("/")
def index():
    filters = services.OrganisationFilters.from_args(request.args)
    page = paginate(services.list_organisations(current_user, filters))
    counts = services.contact_counts(current_user, [o.id for o in page.items])
    return render_page(
        "organisations/list.html",
        block="results",
        page=page,
        filters=filters,
        contact_counts=counts,
        type_choices=TYPE_CHOICES,
        can_change=can_change_partners(current_user),
    )


@bp.route("/new", methods=["GET", "POST"])
def new():
    require_change_partners(current_user)
    form = OrganisationForm()
    if _validate(form):
        organisation = save_unique(lambda: services.create_organisation(form.data), form.name, DUPLICATE_NAME)
        if organisation:
            flash(f"{organisation.name} added.", "success")
            return redirect(url_for("organisations.detail", organisation_id=organisation.id))
    return render_page("organisations/form.html", form=form, organisation=None)


@bp.get("/<id:organisation_id>")
def detail(organisation_id: int):
    organisation = get_visible_organisation(current_user, organisation_id)
    filters = ContactFilters.from_args(request.args)
    contacts = contacts_of(current_user, organisation, filters)
    return render_page(
        "organisations/detail.html",
        block="contacts",
        organisation=organisation,
        contacts=contacts,
        filters=filters,
        can_change=can_change_partners(current_user),
        can_see_notes=can_see_staff_notes(current_user),
    )


@bp.route("/<id:organisation_id>/edit", methods=["GET", "POST"])
def edit(organisation_id: int):
    organisation = get_visible_organisation(current_user, organisation_id)
    require_change_partners(current_user)
    form = OrganisationForm(obj=organisation if request.method == "GET" else None)
    if request.method == "GET":
        form.type.data = organisation.type.value
    if _validate(form, organisation_id=organisation.id) and save_unique(
        lambda: services.update_organisation(organisation, form.data), form.name, DUPLICATE_NAME
    ):
        flash("Changes saved.", "success")
        return redirect(url_for("organisations.detail", organisation_id=organisation.id))
    return render_page("organisations/form.html", form=form, organisation=organisation)


@bp.route("/<id:organisation_id>/archive", methods=["GET", "POST"])
def archive(organisation_id: int):
    organisation = get_visible_organisation(current_user, organisation_id)
    require_change_partners(current_user)
    if request.method == "POST":
        services.archive_organisation(organisation)
        db.session.commit()
        flash(f"{organisation.name} archived. Its records are kept.", "success")
        return redirect(url_for("organisations.detail", organisation_id=organisation.id))
    return render_page(
        "organisations/archive.html",
        organisation=organisation,
        partner_users=services.partner_user_count(organisation),
    )


@bp.post("/<id:organisation_id>/restore")
def restore(organisation_id: int):
    organisation = get_visible_organisation(current_user, organisation_id)
    require_change_partners(current_user)
    services.restore_organisation(organisation)
    db.session.commit()
    flash(f"{organisation.name} restored.", "success")
    return redirect(url_for("organisations.detail", organisation_id=organisation.id))
