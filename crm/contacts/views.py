from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask_login import current_user, login_required

from crm.contacts import services
from crm.contacts.forms import ContactForm
from crm.extensions import db
from crm.organisations.services import organisation_choices
from crm.pagination import int_arg, paginate
from crm.rendering import render_page
from crm.visibility import (
    can_change_partners,
    can_see_staff_notes,
    get_visible_contact,
    get_visible_organisation,
    require_change_partners,
)

bp = Blueprint("contacts", __name__, url_prefix="/contacts")


@bp.before_request
@login_required
def signed_in_only():
    pass


@bp.get("/")
def index():
    filters = services.ContactFilters.from_args(request.args)
    page = paginate(services.list_contacts(current_user, filters))
    return render_page(
        "contacts/list.html",
        block="results",
        page=page,
        filters=filters,
        can_change=can_change_partners(current_user),
    )


@bp.route("/new", methods=["GET", "POST"])
def new():
    require_change_partners(current_user)
    form = ContactForm(organisation_choices=organisation_choices())
    preselected = int_arg("organisation_id")
    if request.method == "GET" and preselected:
        # Only an organisation the user can see may be preselected.
        form.organisation_id.data = str(get_visible_organisation(current_user, preselected).id)
    if form.validate_on_submit():
        contact = services.create_contact(form.data)
        db.session.commit()
        flash(f"{contact.name} added.", "success")
        return redirect(url_for("organisations.detail", organisation_id=contact.organisation_id))
    return render_page("contacts/form.html", form=form, contact=None)


@bp.get("/<id:contact_id>")
def detail(contact_id: int):
    contact = get_visible_contact(current_user, contact_id)
    return render_page(
        "contacts/detail.html",
        contact=contact,
        can_change=can_change_partners(current_user),
        can_see_notes=can_see_staff_notes(current_user),
    )


@bp.route("/<id:contact_id>/edit", methods=["GET", "POST"])
def edit(contact_id: int):
    contact = get_visible_contact(current_user, contact_id)
    require_change_partners(current_user)
    form = ContactForm(
        obj=contact if request.method == "GET" else None,
        organisation_choices=organisation_choices(include_id=contact.organisation_id),
    )
    if request.method == "GET":
        form.organisation_id.data = str(contact.organisation_id)
    if form.validate_on_submit():
        services.update_contact(contact, form.data)
        db.session.commit()
        flash("Changes saved.", "success")
        return redirect(url_for("contacts.detail", contact_id=contact.id))
    return render_page("contacts/form.html", form=form, contact=contact)


@bp.route("/<id:contact_id>/archive", methods=["GET", "POST"])
def archive(contact_id: int):
    contact = get_visible_contact(current_user, contact_id)
    require_change_partners(current_user)
    if request.method == "POST":
        services.archive_contact(contact)
        db.session.commit()
        flash(f"{contact.name} archived.", "success")
        return redirect(url_for("contacts.detail", contact_id=contact.id))
    return render_page("contacts/archive.html", contact=contact)


@bp.post("/<id:contact_id>/restore")
def restore(contact_id: int):
    contact = get_visible_contact(current_user, contact_id)
    require_change_partners(current_user)
    services.restore_contact(contact)
    db.session.commit()
    flash(f"{contact.name} restored.", "success")
    return redirect(url_for("contacts.detail", contact_id=contact.id))
