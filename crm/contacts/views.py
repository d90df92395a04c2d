from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, request, url_for
from flask_login import current_user

from crm import records
from crm.auth.views import safe_next
from crm.contacts import services
from crm.contacts.forms import ContactForm
from crm.contacts.models import Contact
from crm.extensions import db
from crm.forms import flash_saved, show_error
from crm.history.services import history_of
from crm.meetings import services as meeting_services
from crm.organisations.models import Organisation, OrganisationType
from crm.organisations.services import organisation_choices
from crm.pagination import int_arg, paginate
from crm.rendering import render_page
from crm.visibility import can, get_visible, require

bp = Blueprint("contacts", __name__, url_prefix="/contacts")


@bp.get("/")
def index():
    filters = services.ContactFilters.from_args(request.args)
    page = paginate(services.list_contacts(current_user, filters))
    # Each contact's page links back to this list as it is now (search, page).
    list_url = url_for("contacts.index", **page.link_args(filters.as_args(), "this"))
    return render_page(
        "contacts/list.html",
        block="results",
        page=page,
        filters=filters,
        list_url=list_url,
        type_choices=OrganisationType.choices(),
        address=url_for("contacts.index", **filters.as_args()),
    )


@bp.route("/new", methods=["GET", "POST"])
def new():
    require(can().change_partners)
    form = ContactForm(organisation_choices=organisation_choices(current_user))
    preselected = int_arg("organisation_id")
    if request.method == "GET" and preselected:
        # Only an organisation the user can see may be preselected.
        form.organisation_id.data = str(get_visible(current_user, Organisation, preselected).id)
    # Added from a meeting page (?meeting=): the new contact joins its attendance too.
    meeting = (
        meeting_services.meeting_for_new_contact(current_user, int_arg("meeting")) if can().change_meetings else None
    )
    if form.validate_on_submit():
        try:
            contact = services.create_contact(form.data)
            if meeting is not None:
                meeting_services.add_attendee(meeting, contact)
        except records.DomainError as error:
            show_error(form, error)
        else:
            db.session.commit()
            if meeting is not None:
                flash(f"{contact.name} added to the contacts and to the attendance.", "success")
                return redirect(url_for("meetings.detail", meeting_id=meeting.id, _anchor="attendance"))
            flash(f"{contact.name} added.", "success")
            return redirect(url_for("organisations.detail", organisation_id=contact.organisation_id))
    return render_page("contacts/form.html", form=form, contact=None, meeting=meeting)


@bp.get("/<id:contact_id>")
def detail(contact_id: int):
    contact = get_visible(current_user, Contact, contact_id)
    back = safe_next(request.args.get("back"))
    back_to_list = back if back and urlsplit(back).path == url_for("contacts.index") else None
    return render_page(
        "contacts/detail.html", contact=contact, history=history_of(contact, can()), back_to_list=back_to_list
    )


@bp.route("/<id:contact_id>/edit", methods=["GET", "POST"])
def edit(contact_id: int):
    contact = get_visible(current_user, Contact, contact_id)
    require(can().change_partners)
    form = ContactForm(
        obj=contact if request.method == "GET" else None,
        organisation_choices=organisation_choices(current_user, include_id=contact.organisation_id),
    )
    if request.method == "GET":
        form.organisation_id.data = str(contact.organisation_id)
    if form.validate_on_submit():
        try:
            changed = services.update_contact(contact, form.data, version=form.version.data)
        except records.DomainError as error:
            show_error(form, error, contact)
        else:
            db.session.commit()
            flash_saved(changed)
            return redirect(url_for("contacts.detail", contact_id=contact.id))
    return render_page("contacts/form.html", form=form, contact=contact)


@bp.route("/<id:contact_id>/archive", methods=["GET", "POST"])
def archive(contact_id: int):
    contact = get_visible(current_user, Contact, contact_id)
    require(can().change_partners)
    if request.method == "POST":
        records.archive(contact)
        db.session.commit()
        flash(f"{contact.name} archived.", "success")
        return redirect(url_for("contacts.detail", contact_id=contact.id))
    return render_page("contacts/archive.html", contact=contact)


@bp.post("/<id:contact_id>/restore")
def restore(contact_id: int):
    contact = get_visible(current_user, Contact, contact_id)
    require(can().change_partners)
    records.restore(contact)
    db.session.commit()
    flash(f"{contact.name} restored.", "success")
    return redirect(url_for("contacts.detail", contact_id=contact.id))
