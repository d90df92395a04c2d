"""The action register, an action's page, and every change to an action.

Staff raise, correct and move actions on, and answer partners' requests; a
partner posts progress on its own organisation's actions and asks for their
completion to be confirmed or for a new due date. Every action is loaded
through `crm.visibility` (404 out of scope); every form posts and redirects,
and with htmx the status change and the forms open in place on the page.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, make_response, redirect, request, url_for
from flask_login import current_user
from jinja2_fragments.flask import render_block
from sqlalchemy import select

from crm import records
from crm.actions import services
from crm.actions.forms import (
    CompletionRequestForm,
    DecisionForm,
    NewDateRequestForm,
    PostProgressForm,
    RegisterActionForm,
    StatusForm,
)
from crm.actions.models import Action, ActionPriority, ActionRequest, ActionStatus, RequestStatus
from crm.auth.models import Role, User
from crm.contacts.services import contact_choices
from crm.exports import csv_response
from crm.extensions import db
from crm.forms import flash_saved, show_error
from crm.issues.services import issues_of_action
from crm.organisations.services import organisation_choices
from crm.outbox import services as outbox
from crm.pagination import paginate
from crm.rendering import render_page, wants_fragment
from crm.series.services import series_choices
from crm.visibility import can, get_visible, require

bp = Blueprint("actions", __name__, url_prefix="/actions")


def staff_choices(include_id: int | None = None) -> list[tuple[str, str]]:
    """Members of staff who may lead an action (active ones, and `include_id`)."""
    query = (
        select(User.id, User.name)
        .where(User.role.in_([Role.STAFF, Role.ADMIN]))
        .where((User.disabled_at.is_(None)) | (User.id == include_id))
        .order_by(User.name, User.id)
    )
    return [(str(user_id), name) for user_id, name in db.session.execute(query)]


@bp.get("/")
def index():
    filters = services.ActionFilters.from_args(request.args)
    page = paginate(services.list_actions(current_user, filters))
    permissions = can()
    return render_page(
        "actions/list.html",
        block="results",
        page=page,
        filters=filters,
        showing=services.SHOWING,
        status_choices=ActionStatus.choices(),
        rag_choices=services.Rag.choices(),
        series_choices=series_choices(current_user),
        staff_choices=staff_choices() if permissions.is_staff else [],
        now=services.utcnow(),
        rag_of=services.rag_of,
        address=url_for("actions.index", **filters.as_args()),
    )


@bp.get("/export.csv")
def export():
    """The register as filtered, every row (not only a page), as the user may see it."""
    filters = services.ActionFilters.from_args(request.args)
    staff = can().is_staff
    now = services.utcnow()
    header = ["Reference", "Action", "Owner organisation", "Lead person", "Due date", "Status", "RAG", "Priority"]
    header += ["Staff lead", "Where it came from"] if staff else ["Where it came from"]
    header += ["Description", "Raised", "Last changed"]

    def rows():
        for action in services.register_rows(current_user, filters, now=now):
            rag = services.rag_of(action, now)
            row = [
                action.reference,
                action.title,
                action.owner.name,
                action.lead.name if action.lead else "",
                action.due_on.isoformat() if action.due_on else "",
                action.status.label,
                rag.short if rag else "",
                action.priority.label,
            ]
            if staff:
                row.append(action.staff_lead.name if action.staff_lead else "")
            row.append(services.export_source(action, staff=staff))
            row += [action.description, action.created_at.date().isoformat(), action.updated_at.date().isoformat()]
            yield row

    day = services.today(now).isoformat()
    return csv_response(f"actions-{day}", header, rows())


def _register_form(action: Action | None = None, **kwargs) -> RegisterActionForm:
    return RegisterActionForm(
        organisation_choices=organisation_choices(current_user, include_id=action.owner_id if action else None),
        contact_choices=contact_choices(current_user, include_id=action.lead_id if action else None),
        staff_choices=staff_choices(include_id=action.staff_lead_id if action else None),
        **kwargs,
    )


@bp.route("/new", methods=["GET", "POST"])
def new():
    require(can().change_actions)
    form = _register_form()
    if request.method == "GET":
        form.staff_lead_id.data = str(current_user.id)
        form.priority.data = ActionPriority.MEDIUM.value
    if form.validate_on_submit():
        try:
            action = services.raise_action(form.data)
        except records.DomainError as error:
            show_error(form, error)
        else:
            outbox.after_commit(outbox.action_assigned, action.id)
            db.session.commit()
            flash(f"Action {action.reference} raised.", "success")
            return redirect(url_for("actions.detail", action_id=action.id))
    return render_page("actions/form.html", form=form, action=None)


def _detail_context(action: Action) -> dict:
    permissions = can()
    return {
        "action": action,
        "rag": services.rag_of(action),
        "source": services.source_of(current_user, action),
        "waiting": services.pending_requests_of(action),
        "timeline": services.timeline(current_user, action, permissions),
        "issues": issues_of_action(current_user, action),
    }


@bp.get("/<id:action_id>")
def detail(action_id: int):
    action = get_visible(current_user, Action, action_id)
    return render_page("actions/detail.html", **_detail_context(action))


@bp.route("/<id:action_id>/edit", methods=["GET", "POST"])
def edit(action_id: int):
    action = get_visible(current_user, Action, action_id)
    require(can().change_actions)
    form = _register_form(action, obj=action if request.method == "GET" else None)
    if request.method == "GET":
        form.owner_id.data = str(action.owner_id)
        form.lead_id.data = str(action.lead_id or "")
        form.staff_lead_id.data = str(action.staff_lead_id or "")
        form.priority.data = action.priority.value
    if form.validate_on_submit():
        owner_before = action.owner_id
        try:
            changed = services.change_action(action, form.data, version=form.version.data)
        except records.DomainError as error:
            show_error(form, error, action)
        else:
            if action.owner_id != owner_before:
                outbox.after_commit(outbox.action_assigned, action.id)
            db.session.commit()
            flash_saved(changed, f"action {action.reference}")
            return redirect(url_for("actions.detail", action_id=action.id))
    return render_page("actions/form.html", form=form, action=action)


# --- changes made on the action's page -------------------------------------------------
#
# Each is a plain form page that posts and redirects back to the action. With
# htmx the form opens in place (the page's `form` block), and after a save the
# action's record (its summary, waiting requests and timeline) comes back whole.


def _record(action: Action, message: str):
    """After a change: commit; the action's record for htmx, or a message and back to its page."""
    db.session.commit()
    if not wants_fragment():
        flash(message, "success")
        return redirect(url_for("actions.detail", action_id=action.id))
    db.session.refresh(action)
    body = render_block("actions/detail.html", "record", said=message, **_detail_context(action))
    response = make_response(body)
    response.vary.add("HX-Request")
    response.headers["HX-Retarget"] = "#record"
    response.headers["HX-Reswap"] = "outerHTML"
    return response


def _form(heading: str, action: Action, form, **context):
    """A change's form: a page of its own, or (htmx) the form alone, in place on the action's page."""
    return render_page(
        "actions/change_form.html",
        heading=heading,
        block="form",
        action=action,
        form=form,
        inline=wants_fragment(),
        back=url_for("actions.detail", action_id=action.id),
        **context,
    )


@bp.route("/<id:action_id>/status", methods=["GET", "POST"])
def status(action_id: int):
    action = get_visible(current_user, Action, action_id)
    require(can().change_actions)
    form = StatusForm(obj=action if request.method == "GET" else None)
    if request.method == "GET":
        form.status.data = action.status.value
    if form.validate_on_submit():
        chosen = ActionStatus(form.status.data)
        try:
            changed = services.set_status(action, chosen, form.done.data or "", current_user, version=form.version.data)
        except records.DomainError as error:
            db.session.rollback()
            show_error(form, error, action)
        else:
            if not changed:
                db.session.rollback()
                flash_saved(False)
                return redirect(url_for("actions.detail", action_id=action.id))
            return _record(action, f"{action.reference} is now {chosen.label.lower()}.")
    return _form("Change the status", action, form)


@bp.route("/<id:action_id>/progress", methods=["GET", "POST"])
def progress(action_id: int):
    action = get_visible(current_user, Action, action_id)
    require(can().progress_actions)
    form = PostProgressForm(obj=action if request.method == "GET" else None)
    if request.method == "GET":
        form.progress.data = ""
    if form.validate_on_submit():
        try:
            services.post_progress(action, form.progress.data, current_user)
        except records.DomainError as error:
            db.session.rollback()
            show_error(form, error, action)
        else:
            return _record(action, f"Progress on {action.reference} posted.")
    return _form("Post progress", action, form)


@bp.route("/<id:action_id>/ask-to-complete", methods=["GET", "POST"])
def ask_to_complete(action_id: int):
    action = get_visible(current_user, Action, action_id)
    require(can().ask_about_actions)
    form = CompletionRequestForm()
    if form.validate_on_submit():
        try:
            services.request_completion(action, form.done.data, current_user)
        except records.DomainError as error:
            db.session.rollback()
            show_error(form, error, action)
        else:
            return _record(action, "Staff have been asked to confirm the action is complete.")
    return _form("Ask staff to confirm it is complete", action, form)


@bp.route("/<id:action_id>/ask-for-time", methods=["GET", "POST"])
def ask_for_time(action_id: int):
    action = get_visible(current_user, Action, action_id)
    require(can().ask_about_actions)
    form = NewDateRequestForm()
    if form.validate_on_submit():
        try:
            services.request_new_date(action, form.proposed_due_on.data, form.reason.data, current_user)
        except records.DomainError as error:
            db.session.rollback()
            show_error(form, error, action)
        else:
            return _record(action, "Staff have been asked for a new due date.")
    return _form("Ask for a new due date", action, form)


@bp.route("/<id:action_id>/requests/<id:request_id>", methods=["GET", "POST"])
def decide(action_id: int, request_id: int):
    action = get_visible(current_user, Action, action_id)
    require(can().change_actions)
    asked = db.session.scalar(
        select(ActionRequest).where(ActionRequest.id == request_id, ActionRequest.action_id == action.id)
    )
    if asked is None:
        abort(404)
    form = DecisionForm(obj=asked if request.method == "GET" else None)
    if request.method == "GET":
        form.answer.data = ""
        if asked.status is not RequestStatus.PENDING:
            form.form_errors.append("This request has already been answered")
    if form.validate_on_submit():
        approve = form.decision.data == "approve"
        try:
            services.decide_request(asked, approve, form.answer.data or "", current_user, version=form.version.data)
        except records.DomainError as error:
            db.session.rollback()
            show_error(form, error, asked)
        else:
            outbox.after_commit(outbox.request_answered, asked.id)
            verdict = "approved" if approve else "declined"
            return _record(action, f"The {asked.kind.label.lower()} request on {action.reference} is {verdict}.")
    return _form(f"Answer the {asked.kind.label.lower()} request", action, form, asked=asked)
