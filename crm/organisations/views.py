from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask_login import current_user

from crm import records
from crm.contacts.services import ContactFilters, contacts_of
from crm.extensions import db
from crm.forms import flash_saved, show_error
from crm.history.services import history_of
from crm.organisations import services
from crm.organisations.forms import TYPE_CHOICES, OrganisationForm
from crm.organisations.models import Organisation
from crm.pagination import paginate
from crm.rendering import render_page
from crm.visibility import can, get_visible, require

bp = Blueprint("organisations", __name__, url_prefix="/organisations")


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
        address=url_for("organisations.index", **filters.as_args()),
    )


@bp.route("/new", methods=["GET", "POST"])
def new():
    require(can().change_partners)
    form = OrganisationForm()
    if form.validate_on_submit():
        try:
            organisation = services.create_organisation(form.data)
        except records.DomainError as error:
            show_error(form, error)
        else:
            db.session.commit()
            flash(f"{organisation.name} added.", "success")
            return redirect(url_for("organisations.detail", organisation_id=organisation.id))
    return render_page("organisations/form.html", form=form, organisation=None)


@bp.get("/<id:organisation_id>")
def detail(organisation_id: int):
    organisation = get_visible(current_user, Organisation, organisation_id)
    filters = ContactFilters.from_args(request.args)
    contacts = contacts_of(current_user, organisation, filters)
    return render_page(
        "organisations/detail.html",
        block="contacts",
        organisation=organisation,
        contacts=contacts,
        filters=filters,
        history=history_of(organisation, can()),
    )


@bp.route("/<id:organisation_id>/edit", methods=["GET", "POST"])
def edit(organisation_id: int):
    organisation = get_visible(current_user, Organisation, organisation_id)
    require(can().change_partners)
    form = OrganisationForm(obj=organisation if request.method == "GET" else None, organisation_id=organisation.id)
    if request.method == "GET":
        form.type.data = organisation.type.value
    if form.validate_on_submit():
        try:
            changed = services.update_organisation(organisation, form.data, version=form.version.data)
        except records.DomainError as error:
            show_error(form, error, organisation)
        else:
            db.session.commit()
            flash_saved(changed)
            return redirect(url_for("organisations.detail", organisation_id=organisation.id))
    return render_page("organisations/form.html", form=form, organisation=organisation)


@bp.route("/<id:organisation_id>/archive", methods=["GET", "POST"])
def archive(organisation_id: int):
    organisation = get_visible(current_user, Organisation, organisation_id)
    require(can().change_partners)
    if request.method == "POST":
        records.archive(organisation)
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
    organisation = get_visible(current_user, Organisation, organisation_id)
    require(can().change_partners)
    records.restore(organisation)
    db.session.commit()
    flash(f"{organisation.name} restored.", "success")
    return redirect(url_for("organisations.detail", organisation_id=organisation.id))
