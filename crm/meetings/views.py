from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user

from crm import records
from crm.extensions import db
from crm.forms import flash_saved, show_error, whole_number
from crm.history.services import history_of
from crm.meetings import services
from crm.meetings.forms import MeetingForm, ReopenForm
from crm.meetings.models import Meeting, MeetingKind, MeetingStatus
from crm.pagination import int_arg, paginate
from crm.rendering import render_page
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
