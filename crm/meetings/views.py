from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user

from crm import records
from crm.extensions import db
from crm.forms import flash_saved, show_error, whole_number
from crm.history.services import history_of
from crm.meetings import minutes, services
from crm.meetings.forms import MeetingForm, ReopenForm
from crm.meetings.models import Meeting, MeetingKind, MeetingStatus
from crm.pagination import int_arg, paginate
from crm.pdf import pdf_response, render_pdf
from crm.rendering import render_page
from crm.series.models import MeetingSeries
from crm.series.services import series_choices
from crm.visibility import MinutesVersion, can, get_visible, meeting_access, require

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
    access = meeting_access(current_user, meeting)
    return render_page(
        "meetings/detail.html",
        meeting=meeting,
        access=access,
        # Minutes are printed once there is something to minute.
        printable=access.minutes and meeting.status.reached(MeetingStatus.HELD),
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


@bp.get("/<id:meeting_id>/minutes.pdf")
def minutes_pdf(meeting_id: int):
    """The printed minutes. Staff choose the full or the partner version; a
    partner gets the partner version of circulated minutes, or nothing (404)."""
    meeting = get_visible(current_user, Meeting, meeting_id)
    access = meeting_access(current_user, meeting)
    if not access.minutes:
        abort(404)
    version = access.version
    if version is MinutesVersion.FULL and request.args.get("version") == MinutesVersion.PARTNER.value:
        version = MinutesVersion.PARTNER
    document = minutes.minutes_of(meeting, version, current_user)
    pdf = render_pdf(
        "meetings/minutes_pdf.html", minutes=document, marking=document.marking.label, draft=document.draft
    )
    return pdf_response(pdf, minutes.filename(meeting, version), download_token=request.args.get("download_token"))


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
