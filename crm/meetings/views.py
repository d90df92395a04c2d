from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user

from crm import records
from crm.extensions import db
from crm.forms import flash_saved, show_error, whole_number
from crm.history.services import history_of
from crm.meetings import services
from crm.meetings.forms import (
    AttendanceForm,
    AttendeeForm,
    InvolvedOrganisationForm,
    MeetingForm,
    ReopenForm,
    WholeOrganisationForm,
)
from crm.meetings.models import AttendanceStatus, Meeting, MeetingKind, MeetingStatus
from crm.organisations.services import organisation_choices
from crm.pagination import int_arg, paginate
from crm.rendering import render_page, wants_fragment
from crm.series.models import MeetingSeries
from crm.series.services import series_choices
from crm.visibility import can, get_visible, meeting_access, require

bp = Blueprint("meetings", __name__, url_prefix="/meetings")


@bp.get("/")
def index():
    filters = services.MeetingFilters.from_args(request.args)
    page = paginate(services.list_meetings(current_user, filters))
    return render_page(
        "meetings/list.html",
        block="results",
        page=page,
        filters=filters,
        kind_choices=MeetingKind.choices(),
        status_choices=MeetingStatus.choices(),
        series_choices=series_choices(current_user),
        periods=services.PERIODS,
        address=url_for("meetings.index", **filters.as_args()),
    )


@bp.route("/new", methods=["GET", "POST"])
def new():
    require(can().change_meetings)
    form = MeetingForm(series_choices=series_choices(current_user))
    preselected = int_arg("series")
    if request.method == "GET" and preselected:
        series = get_visible(current_user, MeetingSeries, preselected)
        form.series_id.data = str(series.id)
        form.venue.data = series.venue
    if form.validate_on_submit():
        meeting = services.create_meeting(services.values_from_form(form.data))
        db.session.commit()
        flash(f"{meeting.title} added.", "success")
        return redirect(url_for("meetings.detail", meeting_id=meeting.id))
    return render_page("meetings/form.html", form=form, meeting=None)


@bp.get("/<id:meeting_id>")
def detail(meeting_id: int):
    meeting = get_visible(current_user, Meeting, meeting_id)
    permissions = can()
    return render_page(
        "meetings/detail.html",
        meeting=meeting,
        access=meeting_access(current_user, meeting),
        steps=services.next_steps(meeting) if permissions.change_meetings else [],
        can_reopen=permissions.change_meetings and services.can_reopen(meeting),
        history=history_of(meeting, permissions),
    )


@bp.route("/<id:meeting_id>/edit", methods=["GET", "POST"])
def edit(meeting_id: int):
    meeting = get_visible(current_user, Meeting, meeting_id)
    require(can().change_meetings)
    form = MeetingForm(
        obj=meeting if request.method == "GET" else None,
        series_choices=series_choices(current_user, include_id=meeting.series_id),
    )
    if request.method == "GET":
        form.fill_from(meeting)
    if form.validate_on_submit():
        try:
            changed = services.update_meeting(meeting, services.values_from_form(form.data), version=form.version.data)
        except records.DomainError as error:
            show_error(form, error, meeting)
        else:
            db.session.commit()
            flash_saved(changed)
            return redirect(url_for("meetings.detail", meeting_id=meeting.id))
    return render_page("meetings/form.html", form=form, meeting=meeting)


@bp.post("/<id:meeting_id>/steps/<step>")
def take_step(meeting_id: int, step: str):
    meeting = get_visible(current_user, Meeting, meeting_id)
    require(can().change_meetings)
    if step not in services.STEPS:
        abort(404)
    try:
        done = services.take_step(meeting, step, current_user, version=whole_number(request.form.get("version")))
    except records.DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(done.done, "success")
    return redirect(url_for("meetings.detail", meeting_id=meeting.id))


@bp.route("/<id:meeting_id>/reopen", methods=["GET", "POST"])
def reopen(meeting_id: int):
    meeting = get_visible(current_user, Meeting, meeting_id)
    require(can().change_meetings)
    if not services.can_reopen(meeting):
        flash("Only circulated or approved minutes can be reopened.", "error")
        return redirect(url_for("meetings.detail", meeting_id=meeting.id))
    form = ReopenForm(obj=meeting if request.method == "GET" else None)
    if request.method == "GET":
        form.reason.data = ""
    if form.validate_on_submit():
        try:
            services.reopen(meeting, form.reason.data, version=form.version.data)
        except records.DomainError as error:
            show_error(form, error, meeting)
        else:
            db.session.commit()
            flash("The minutes are back in draft. The reason is kept in the history.", "success")
            return redirect(url_for("meetings.detail", meeting_id=meeting.id))
    return render_page("meetings/reopen.html", form=form, meeting=meeting)


# --- attendance ------------------------------------------------------------------------
#
# The meeting page's "Attendance" section (templates/meetings/_attendance.html)
# and the pages behind it. Staff change it, while the minutes are not locked;
# everyone who may see the meeting reads it. Every form posts and redirects
# back to the meeting page; with htmx the search for people fills in as you
# type, and a quick change of status swaps just its row.


@bp.context_processor
def _attendance_for_templates():
    # The section reads the attendance itself, so that the meeting page's own
    # view (shared with the agenda and minutes) needs no change for it.
    return {
        "attendance_of": services.attendance_of,
        "attendance_statuses": list(AttendanceStatus),
        "involvable_organisations": lambda meeting: services.involvable_organisations(current_user, meeting),
    }


def _attendance_meeting(meeting_id: int) -> Meeting:
    """The meeting, if the user may see it (404) and change meetings (403)."""
    meeting = get_visible(current_user, Meeting, meeting_id)
    require(can().change_meetings)
    return meeting


def _attendance_row(meeting: Meeting, attendance_id: int):
    row = services.attendance_row(meeting, attendance_id)
    if row is None:
        abort(404)
    return row


def _back_to_attendance(meeting: Meeting, anchor: str = "attendance"):
    return redirect(url_for("meetings.detail", meeting_id=meeting.id, _anchor=anchor))


def _lock_message(meeting: Meeting) -> str | None:
    try:
        services.check_unlocked(meeting)
    except records.DomainError as error:
        return error.message
    return None


def _whole_organisation_choices(meeting: Meeting) -> list[tuple[str, str]]:
    attending = {str(organisation_id) for organisation_id in services.wholly_attending_ids(meeting)}
    return [choice for choice in organisation_choices(current_user) if choice[0] not in attending]


def _attendance_add_page(meeting: Meeting, text: str, *, person_form=None, organisation_form=None):
    """The page for adding to the attendance; for htmx, only its search results."""
    matches, more = services.contacts_to_add(current_user, meeting, text)
    if organisation_form is None:
        organisation_form = WholeOrganisationForm(choices=_whole_organisation_choices(meeting), formdata=None)
    # The error summary: the search box stands for the hidden person field.
    errors = []
    locked = _lock_message(meeting)
    if locked and not (person_form and person_form.errors) and not organisation_form.errors:
        errors.append({"text": locked})
    person_errors = [*person_form.form_errors, *person_form.contact_id.errors] if person_form else []
    errors.extend({"text": message, "href": "#q"} for message in person_errors)
    for message in [*organisation_form.form_errors, *organisation_form.organisation_id.errors]:
        errors.append({"text": message, "href": "#organisation_id"})
    return render_page(
        "meetings/attendance_add.html",
        block="results",
        meeting=meeting,
        q=text,
        matches=matches,
        more=more,
        limit=services.ATTENDEE_SEARCH_LIMIT,
        locked=bool(locked),
        organisation_form=organisation_form,
        person_error=person_errors[0] if person_errors else None,
        errors=errors,
    )


# One rule for both methods: two rules for one path would answer a bad id
# with 405 (the other method's rule matched the path) instead of 404.
@bp.route("/<id:meeting_id>/attendance/add", methods=["GET", "POST"])
def attendance_add(meeting_id: int):
    """The search for people to add (GET; for htmx, the results alone), and
    "Add" beside one of them (POST)."""
    meeting = _attendance_meeting(meeting_id)
    if request.method == "GET":
        return _attendance_add_page(meeting, services.attendee_search_text(request.args.get("q")))
    form = AttendeeForm()
    if form.validate_on_submit():
        contact = services.addable_contact(current_user, form.contact_id.data)
        if contact is None:
            form.contact_id.errors.append("Select a person from the search results")
        else:
            try:
                services.add_attendee(meeting, contact)
            except records.DomainError as error:
                db.session.rollback()
                show_error(form, error)
            else:
                db.session.commit()
                flash(f"{contact.name} added to the attendance.", "success")
                return _back_to_attendance(meeting)
    return _attendance_add_page(meeting, services.attendee_search_text(form.q.data), person_form=form)


@bp.post("/<id:meeting_id>/attendance/add-organisation")
def attendance_add_organisation(meeting_id: int):
    meeting = _attendance_meeting(meeting_id)
    # Any organisation the user could pick is accepted here, so that one added
    # as a whole already (in another tab, say) is refused in words that say so.
    form = WholeOrganisationForm(choices=organisation_choices(current_user))
    if form.validate_on_submit():
        organisation = services.addable_organisation(current_user, form.chosen_id)
        try:
            if organisation is None:  # archived since the page was opened
                raise records.Refused("Select an organisation from the list", "organisation_id")
            services.add_whole_organisation(meeting, organisation)
        except records.DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            flash(f"{organisation.name} added to the attendance as an organisation.", "success")
            return _back_to_attendance(meeting)
    form.organisation_id.choices = [("", "Select an organisation"), *_whole_organisation_choices(meeting)]
    return _attendance_add_page(meeting, "", organisation_form=form)


@bp.route("/<id:meeting_id>/attendance/<id:attendance_id>/edit", methods=["GET", "POST"])
def attendance_edit(meeting_id: int, attendance_id: int):
    meeting = _attendance_meeting(meeting_id)
    row = _attendance_row(meeting, attendance_id)
    form = AttendanceForm(obj=row if request.method == "GET" else None, item_choices=services.agenda_choices(meeting))
    if request.method == "GET":
        form.role.data = row.role.value
        form.status.data = row.status.value
        form.item_ids.data = [str(item.id) for item in row.items]
    if form.validate_on_submit():
        data = {"role": form.role.data, "status": form.status.data, "item_ids": form.chosen_item_ids}
        try:
            changed = services.update_attendance(row, data, version=form.version.data)
        except records.DomainError as error:
            db.session.rollback()
            show_error(form, error, row)
        else:
            db.session.commit()
            flash_saved(changed, row.history_label)
            return _back_to_attendance(meeting)
    return render_page(
        "meetings/attendance_edit.html",
        form=form,
        meeting=meeting,
        row=row,
        locked=_lock_message(meeting),
        history=history_of(row, can()),
    )


@bp.post("/<id:meeting_id>/attendance/<id:attendance_id>/status")
def attendance_status(meeting_id: int, attendance_id: int):
    """Present, apologies or absent in one press: with htmx the row comes back
    alone; without, the meeting page does."""
    meeting = _attendance_meeting(meeting_id)
    row = _attendance_row(meeting, attendance_id)
    name = row.history_label
    status = AttendanceStatus.parse(request.form.get("status"))
    error = None
    if status is None:
        error = "Select present, apologies or absent"
    else:
        try:
            services.set_attendance_status(row, status)
        except records.DomainError as refused:
            db.session.rollback()
            error = refused.message
        else:
            db.session.commit()
    if wants_fragment():
        attendance = services.attendance_of(meeting)
        return render_page(
            "meetings/attendance_row.html",
            meeting=meeting,
            attendance=attendance,
            row=attendance.row(attendance_id),
            error=error,
            said=error or f"{name}: {status.label.lower()}. {attendance.summary}.",
        )
    if error:
        flash(error, "error")
    else:
        flash(f"{name}: {status.label.lower()}.", "success")
    return _back_to_attendance(meeting)


@bp.route("/<id:meeting_id>/attendance/<id:attendance_id>/remove", methods=["GET", "POST"])
def attendance_remove(meeting_id: int, attendance_id: int):
    meeting = _attendance_meeting(meeting_id)
    row = _attendance_row(meeting, attendance_id)
    name = row.history_label
    if request.method == "POST":
        try:
            services.remove_attendance(row)
        except records.DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(f"{name} removed from the attendance.", "success")
        return _back_to_attendance(meeting)
    return render_page("meetings/attendance_remove.html", meeting=meeting, row=row, locked=_lock_message(meeting))


@bp.post("/<id:meeting_id>/organisations")
def organisation_involve(meeting_id: int):
    meeting = _attendance_meeting(meeting_id)
    form = InvolvedOrganisationForm(choices=services.involvable_organisations(current_user, meeting))
    if form.validate_on_submit():
        organisation = services.addable_organisation(current_user, form.chosen_id)
        try:
            if organisation is None:  # archived since the page was opened
                raise records.Refused("Select an organisation from the list")
            services.involve_organisation(meeting, organisation)
        except records.DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(f"{organisation.name} added to the organisations involved.", "success")
    else:
        errors = [*form.form_errors, *form.organisation_id.errors]
        flash(errors[0] if errors else "Select an organisation to add to those involved", "error")
    return _back_to_attendance(meeting, "organisations-involved")


@bp.post("/<id:meeting_id>/organisations/<id:organisation_id>/remove")
def organisation_uninvolve(meeting_id: int, organisation_id: int):
    meeting = _attendance_meeting(meeting_id)
    organisation = next((o for o in meeting.organisations if o.id == organisation_id), None)
    if organisation is None:
        abort(404)
    try:
        services.uninvolve_organisation(meeting, organisation)
    except records.DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(f"{organisation.name} is no longer listed as involved.", "success")
    return _back_to_attendance(meeting, "organisations-involved")
