from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask_login import current_user

from crm import records
from crm.extensions import db
from crm.forms import flash_saved, show_error
from crm.history.services import history_of
from crm.pagination import paginate
from crm.pdf import pdf_response, render_pdf
from crm.rendering import render_page
from crm.series import action_log, services
from crm.series.forms import SeriesForm
from crm.series.models import MeetingSeries
from crm.visibility import MinutesVersion, can, get_visible, require

bp = Blueprint("series", __name__, url_prefix="/series")


@bp.get("/")
def index():
    filters = services.SeriesFilters.from_args(request.args)
    page = paginate(services.list_series(current_user, filters))
    return render_page(
        "series/list.html",
        block="results",
        page=page,
        filters=filters,
        facts=services.series_facts(current_user, [series.id for series in page.items]),
        address=url_for("series.index", **filters.as_args()),
    )


def _form(series: MeetingSeries | None) -> SeriesForm:
    """The form, with the choices the user may make; on a GET of an edit, filled from the series."""
    member_ids = [organisation.id for organisation in series.members] if series else []
    form = SeriesForm(
        obj=series if request.method == "GET" else None,
        series_id=series.id if series else None,
        member_choices=services.member_choices(current_user, member_ids),
        chair_choices=services.chair_choices(current_user, include_id=series.chair_id if series else None),
    )
    if series is not None and request.method == "GET":
        form.member_ids.data = [str(id_) for id_ in member_ids]
    return form


@bp.route("/new", methods=["GET", "POST"])
def new():
    require(can().change_meetings)
    form = _form(None)
    if form.validate_on_submit():
        try:
            series = services.create_series(form.data)
        except records.DomainError as error:
            show_error(form, error)
        else:
            db.session.commit()
            flash(f"{series.name} added.", "success")
            return redirect(url_for("series.detail", series_id=series.id))
    return render_page("series/form.html", form=form, series=None)


@bp.get("/<id:series_id>")
def detail(series_id: int):
    series = get_visible(current_user, MeetingSeries, series_id)
    upcoming, past = services.series_meetings(current_user, series)
    return render_page(
        "series/detail.html",
        series=series,
        upcoming=upcoming,
        past=past,
        history=history_of(series, can()),
    )


@bp.get("/<id:series_id>/actions.pdf")
def action_log_pdf(series_id: int):
    """The printed action log. Staff get the full version, or the partner and
    panel version with ?version=partner; a partner of a member organisation
    gets the partner version; other series are not found (404).
    ?show=all lists completed and cancelled actions too."""
    series = get_visible(current_user, MeetingSeries, series_id)
    version = MinutesVersion.FULL if can().see_sensitive else MinutesVersion.PARTNER
    if request.args.get("version") == MinutesVersion.PARTNER.value:
        version = MinutesVersion.PARTNER
    showing = action_log.showing_from(request.args.get("show"))
    log = action_log.action_log(current_user, series, version, showing)
    pdf = render_pdf("series/action_log_pdf.html", log=log, marking=log.marking.label)
    return pdf_response(
        pdf,
        action_log.filename(series, version, log.printed_on),
        download_token=request.args.get("download_token"),
    )


@bp.route("/<id:series_id>/edit", methods=["GET", "POST"])
def edit(series_id: int):
    series = get_visible(current_user, MeetingSeries, series_id)
    require(can().change_meetings)
    form = _form(series)
    if form.validate_on_submit():
        try:
            changed = services.update_series(series, form.data, version=form.version.data)
        except records.DomainError as error:
            show_error(form, error, series)
        else:
            db.session.commit()
            flash_saved(changed)
            return redirect(url_for("series.detail", series_id=series.id))
    return render_page("series/form.html", form=form, series=series)


@bp.route("/<id:series_id>/archive", methods=["GET", "POST"])
def archive(series_id: int):
    series = get_visible(current_user, MeetingSeries, series_id)
    require(can().change_meetings)
    if request.method == "POST":
        records.archive(series)
        db.session.commit()
        flash(f"{series.name} archived. Its meetings and records are kept.", "success")
        return redirect(url_for("series.detail", series_id=series.id))
    return render_page("series/archive.html", series=series)


@bp.post("/<id:series_id>/restore")
def restore(series_id: int):
    series = get_visible(current_user, MeetingSeries, series_id)
    require(can().change_meetings)
    records.restore(series)
    db.session.commit()
    flash(f"{series.name} restored.", "success")
    return redirect(url_for("series.detail", series_id=series.id))
