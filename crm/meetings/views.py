from __future__ import annotations

from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user
from jinja2_fragments.flask import render_block

from crm import records
from crm.contacts.services import contact_choices
from crm.extensions import db
from crm.forms import flash_saved, show_error, whole_number
from crm.history.services import history_of
from crm.meetings import minutes, services
from crm.meetings.forms import (
    ActionEditForm,
    ActionForm,
    AgendaItemEditForm,
    AgendaItemForm,
    AttendanceForm,
    AttendeeForm,
    FeedbackForm,
    InvolvedOrganisationForm,
    ItemNoteForm,
    MeetingForm,
    OutcomesForm,
    ProgressForm,
    RemoveForm,
    ReopenForm,
    WholeOrganisationForm,
)
from crm.meetings.models import AttendanceStatus, Meeting, MeetingKind, MeetingStatus
from crm.organisations.services import organisation_choices
from crm.outbox import services as outbox
from crm.pagination import int_arg, paginate
from crm.pdf import pdf_response, render_pdf
from crm.reference.models import ExclusionGroup
from crm.reference.services import entry_choices
from crm.rendering import render_page, wants_fragment
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
    form = MeetingForm(series_choices=series_choices(current_user), group_choices=entry_choices(ExclusionGroup))
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
        minutes=services.minutes_of(current_user, meeting, access),
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
        # The groups the meeting names stay on offer, archived or not, so that saving keeps them.
        group_choices=entry_choices(ExclusionGroup, include_ids=[group.id for group in meeting.groups_reached]),
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
        if step == "circulate":
            outbox.after_commit(outbox.minutes_circulated, meeting.id)
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
    document = minutes.printed_minutes(meeting, version, current_user)
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


# --- agenda and minutes ------------------------------------------------------------------
#
# Every change is a plain form page that posts and redirects back to the
# meeting. With htmx the same pages come inline: the form alone (the page's
# `form` block) in place of what it changes, and after a save the changed
# section of the meeting page, swapped whole (numbers and all) by its id.

# The meeting page's sections this area keeps: (template, block).
SECTIONS = {
    "agenda": ("meetings/_agenda.html", "agenda"),
    "matters-arising": ("meetings/_matters_arising.html", "matters_arising"),
    "outcomes": ("meetings/_outcomes.html", "outcomes"),
}


def _staff_meeting(meeting_id: int) -> Meeting:
    """The meeting (404 if out of sight), for staff only (403)."""
    meeting = get_visible(current_user, Meeting, meeting_id)
    require(can().change_meetings)
    return meeting


def _section(meeting: Meeting, section: str, *, focus: str | None = None):
    """One section of the meeting page, fresh, to replace the one on the page (htmx)."""
    template, block = SECTIONS[section]
    access = meeting_access(current_user, meeting)
    body = render_block(
        template,
        block,
        meeting=meeting,
        access=access,
        minutes=services.minutes_of(current_user, meeting, access),
        focus=focus,
    ) + render_template("meetings/_lifecycle_version.html", meeting=meeting)
    response = make_response(body)
    response.vary.add("HX-Request")
    response.headers["HX-Retarget"] = f"#{section}"
    response.headers["HX-Reswap"] = "outerHTML"
    return response


def _saved(meeting: Meeting, section: str, anchor: str, message: str | None, *, focus: str | None = None):
    """After a change: commit; then the section for htmx, or a message and back to the meeting page."""
    db.session.commit()
    if wants_fragment():
        return _section(meeting, section, focus=focus or anchor)
    if message is None:
        flash_saved(False)
    else:
        flash(message, "success")
    return redirect(url_for("meetings.detail", meeting_id=meeting.id, _anchor=anchor))


def _say_if_locked(meeting: Meeting, form) -> None:
    """Locked minutes say so on the form before anyone types anything."""
    if request.method == "GET" and meeting.minutes_locked:
        try:
            services.check_unlocked(meeting)
        except records.DomainError as error:
            show_error(form, error)


def _form(template: str, meeting: Meeting, form, *, section: str, anchor: str, **context):
    """A form as a page of its own, or (htmx) the form alone, in place."""
    _say_if_locked(meeting, form)
    return render_page(
        template,
        block="form",
        meeting=meeting,
        form=form,
        inline=wants_fragment(),
        section=section,
        back=url_for("meetings.detail", meeting_id=meeting.id, _anchor=anchor),
        **context,
    )


def _remove_page(meeting: Meeting, form, *, what: str, anchor: str, **context):
    _say_if_locked(meeting, form)
    return render_page(
        "meetings/remove.html",
        meeting=meeting,
        form=form,
        what=what,
        back=url_for("meetings.detail", meeting_id=meeting.id, _anchor=anchor),
        **context,
    )


@bp.route("/<id:meeting_id>/items/new", methods=["GET", "POST"])
def item_new(meeting_id: int):
    meeting = _staff_meeting(meeting_id)
    form = AgendaItemForm(contact_choices=contact_choices(current_user))
    if form.validate_on_submit():
        try:
            item = services.add_item(meeting, form.data)
        except records.DomainError as error:
            show_error(form, error)
        else:
            return _saved(meeting, "agenda", f"item-{item.id}", f"Item “{item.title}” added to the agenda.")
    return _form("meetings/item_form.html", meeting, form, section="agenda", anchor="agenda", item=None)


@bp.route("/<id:meeting_id>/items/<id:item_id>/edit", methods=["GET", "POST"])
def item_edit(meeting_id: int, item_id: int):
    meeting = _staff_meeting(meeting_id)
    item = services.item_in(meeting, item_id)
    form = AgendaItemEditForm(
        obj=item if request.method == "GET" else None,
        contact_choices=contact_choices(current_user, include_id=item.presenter_id),
    )
    if request.method == "GET":
        form.presenter_id.data = str(item.presenter_id or "")
        form.marking.data = item.marking.value
    if form.validate_on_submit():
        try:
            changed = services.update_item(item, form.data, version=form.version.data)
        except records.DomainError as error:
            show_error(form, error, item)
        else:
            return _saved(meeting, "agenda", f"item-{item.id}", "Changes to the item saved." if changed else None)
    return _form("meetings/item_form.html", meeting, form, section="agenda", anchor=f"item-{item.id}", item=item)


@bp.post("/<id:meeting_id>/items/<id:item_id>/move")
def item_move(meeting_id: int, item_id: int):
    meeting = _staff_meeting(meeting_id)
    item = services.item_in(meeting, item_id)
    direction = request.form.get("direction")
    if direction not in services.MOVES:
        abort(400)
    try:
        services.move_item(item, direction)
    except records.DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("meetings.detail", meeting_id=meeting.id, _anchor="agenda"))
    db.session.commit()
    if wants_fragment():
        # The button pressed keeps the focus, to press again; at the top or
        # the bottom, where that button has gone, the other one takes it.
        return _section(meeting, "agenda", focus=f"move-{item.id}-{direction}")
    flash(f"Item “{item.title}” moved {direction}.", "success")
    return redirect(url_for("meetings.detail", meeting_id=meeting.id, _anchor=f"item-{item.id}"))


@bp.route("/<id:meeting_id>/items/<id:item_id>/remove", methods=["GET", "POST"])
def item_remove(meeting_id: int, item_id: int):
    meeting = _staff_meeting(meeting_id)
    item = services.item_in(meeting, item_id)
    form = RemoveForm(obj=item if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            title = item.title
            services.remove_item(item)
        except records.DomainError as error:
            show_error(form, error, item)
        else:
            db.session.commit()
            flash(f"Item “{title}” removed from the agenda.", "success")
            return redirect(url_for("meetings.detail", meeting_id=meeting.id, _anchor="agenda"))
    return _remove_page(meeting, form, what="item", anchor=f"item-{item.id}", item=item)


@bp.route("/<id:meeting_id>/items/<id:item_id>/notes/new", methods=["GET", "POST"])
def note_new(meeting_id: int, item_id: int):
    meeting = _staff_meeting(meeting_id)
    item = services.item_in(meeting, item_id)
    form = ItemNoteForm()
    if form.validate_on_submit():
        try:
            note = services.add_note(item, form.data)
        except records.DomainError as error:
            show_error(form, error)
        else:
            return _saved(meeting, "agenda", f"note-{note.id}", "Note added.")
    return _form("meetings/note_form.html", meeting, form, section="agenda", anchor=f"item-{item.id}", item=item)


@bp.route("/<id:meeting_id>/notes/<id:note_id>/edit", methods=["GET", "POST"])
def note_edit(meeting_id: int, note_id: int):
    meeting = _staff_meeting(meeting_id)
    note = services.note_in(meeting, note_id)
    form = ItemNoteForm(obj=note if request.method == "GET" else None)
    if request.method == "GET":
        form.marking.data = note.marking.value
    if form.validate_on_submit():
        try:
            changed = services.update_note(note, form.data, version=form.version.data)
        except records.DomainError as error:
            show_error(form, error, note)
        else:
            return _saved(meeting, "agenda", f"note-{note.id}", "Changes to the note saved." if changed else None)
    return _form(
        "meetings/note_form.html", meeting, form, section="agenda", anchor=f"note-{note.id}", item=note.item, note=note
    )


@bp.route("/<id:meeting_id>/notes/<id:note_id>/remove", methods=["GET", "POST"])
def note_remove(meeting_id: int, note_id: int):
    meeting = _staff_meeting(meeting_id)
    note = services.note_in(meeting, note_id)
    form = RemoveForm(obj=note if request.method == "GET" else None)
    if form.validate_on_submit():
        item_id = note.item_id
        try:
            services.remove_note(note)
        except records.DomainError as error:
            show_error(form, error, note)
        else:
            db.session.commit()
            flash("Note removed.", "success")
            return redirect(url_for("meetings.detail", meeting_id=meeting.id, _anchor=f"item-{item_id}"))
    return _remove_page(meeting, form, what="note", anchor=f"note-{note.id}", note=note, item=note.item)


def _action_form(form_class, meeting: Meeting, *, owner_id=None, lead_id=None, **kwargs):
    return form_class(
        organisation_choices=organisation_choices(current_user, include_id=owner_id),
        contact_choices=contact_choices(current_user, include_id=lead_id),
        **kwargs,
    )


@bp.route("/<id:meeting_id>/items/<id:item_id>/actions/new", methods=["GET", "POST"])
def action_new(meeting_id: int, item_id: int):
    meeting = _staff_meeting(meeting_id)
    item = services.item_in(meeting, item_id)
    form = _action_form(ActionForm, meeting)
    if form.validate_on_submit():
        try:
            action = services.add_action(item, form.data)
        except records.DomainError as error:
            show_error(form, error)
        else:
            outbox.after_commit(outbox.action_assigned, action.id)
            return _saved(meeting, "agenda", f"item-{item.id}", f"Action {action.reference} added.")
    return _form("meetings/action_form.html", meeting, form, section="agenda", anchor=f"item-{item.id}", item=item)


@bp.route("/<id:meeting_id>/actions/<id:action_id>/edit", methods=["GET", "POST"])
def action_edit(meeting_id: int, action_id: int):
    meeting = _staff_meeting(meeting_id)
    action = services.action_in(meeting, action_id)
    items = db.session.scalars(services.items_in_order(meeting))
    form = _action_form(
        ActionEditForm,
        meeting,
        owner_id=action.owner_id,
        lead_id=action.lead_id,
        obj=action if request.method == "GET" else None,
        item_choices=[(str(each.id), f"{number}. {each.title}") for number, each in enumerate(items, 1)],
    )
    if request.method == "GET":
        form.owner_id.data = str(action.owner_id)
        form.lead_id.data = str(action.lead_id or "")
        form.status.data = action.status.value
        form.agenda_item_id.data = str(action.agenda_item_id or "")
    if form.validate_on_submit():
        try:
            changed = services.update_action(action, form.data, version=form.version.data)
        except records.DomainError as error:
            show_error(form, error, action)
        else:
            message = f"Changes to action {action.reference} saved." if changed else None
            return _saved(meeting, "agenda", f"item-{action.agenda_item_id}", message)
    anchor = f"item-{action.agenda_item_id}" if action.agenda_item_id else "agenda"
    return _form(
        "meetings/action_form.html",
        meeting,
        form,
        section="agenda",
        anchor=anchor,
        item=action.agenda_item,
        action=action,
    )


@bp.route("/<id:meeting_id>/actions/<id:action_id>/progress", methods=["GET", "POST"])
def action_progress(meeting_id: int, action_id: int):
    meeting = _staff_meeting(meeting_id)
    action = services.arising_in(current_user, meeting, action_id)
    form = ProgressForm(obj=action if request.method == "GET" else None)
    if request.method == "GET":
        form.status.data = action.status.value
    if form.validate_on_submit():
        try:
            changed = services.record_progress(meeting, action, form.data, current_user, version=form.version.data)
        except records.DomainError as error:
            show_error(form, error, action)
        else:
            message = f"Progress on {action.reference} recorded." if changed else None
            return _saved(meeting, "matters-arising", f"arising-{action.id}", message)
    return _form(
        "meetings/progress_form.html",
        meeting,
        form,
        section="matters-arising",
        anchor=f"arising-{action.id}",
        action=action,
    )


@bp.route("/<id:meeting_id>/outcomes", methods=["GET", "POST"])
def outcomes_edit(meeting_id: int):
    meeting = _staff_meeting(meeting_id)
    form = OutcomesForm(obj=meeting if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            changed = services.update_outcomes(meeting, form.outcomes.data, version=form.version.data)
        except records.DomainError as error:
            show_error(form, error, meeting)
        else:
            return _saved(meeting, "outcomes", "outcomes", "Outcomes saved." if changed else None)
    return _form("meetings/outcomes_form.html", meeting, form, section="outcomes", anchor="outcomes")


@bp.route("/<id:meeting_id>/feedback/new", methods=["GET", "POST"])
def feedback_new(meeting_id: int):
    meeting = _staff_meeting(meeting_id)
    form = FeedbackForm()
    if form.validate_on_submit():
        try:
            feedback = services.add_feedback(meeting, form.data)
        except records.DomainError as error:
            show_error(form, error)
        else:
            return _saved(meeting, "outcomes", f"feedback-{feedback.id}", "Feedback added.")
    return _form("meetings/feedback_form.html", meeting, form, section="outcomes", anchor="feedback", feedback=None)


@bp.route("/<id:meeting_id>/feedback/<id:feedback_id>/edit", methods=["GET", "POST"])
def feedback_edit(meeting_id: int, feedback_id: int):
    meeting = _staff_meeting(meeting_id)
    feedback = services.feedback_in(meeting, feedback_id)
    form = FeedbackForm(obj=feedback if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            changed = services.update_feedback(feedback, form.data, version=form.version.data)
        except records.DomainError as error:
            show_error(form, error, feedback)
        else:
            message = "Changes to the feedback saved." if changed else None
            return _saved(meeting, "outcomes", f"feedback-{feedback.id}", message)
    return _form(
        "meetings/feedback_form.html",
        meeting,
        form,
        section="outcomes",
        anchor=f"feedback-{feedback.id}",
        feedback=feedback,
    )


@bp.route("/<id:meeting_id>/feedback/<id:feedback_id>/remove", methods=["GET", "POST"])
def feedback_remove(meeting_id: int, feedback_id: int):
    meeting = _staff_meeting(meeting_id)
    feedback = services.feedback_in(meeting, feedback_id)
    form = RemoveForm(obj=feedback if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            services.remove_feedback(feedback)
        except records.DomainError as error:
            show_error(form, error, feedback)
        else:
            db.session.commit()
            flash("Feedback removed.", "success")
            return redirect(url_for("meetings.detail", meeting_id=meeting.id, _anchor="feedback"))
    return _remove_page(meeting, form, what="feedback", anchor=f"feedback-{feedback.id}", feedback=feedback)


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
    meeting = _staff_meeting(meeting_id)
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
    meeting = _staff_meeting(meeting_id)
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
    meeting = _staff_meeting(meeting_id)
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
    meeting = _staff_meeting(meeting_id)
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
    meeting = _staff_meeting(meeting_id)
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
    meeting = _staff_meeting(meeting_id)
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
    meeting = _staff_meeting(meeting_id)
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
