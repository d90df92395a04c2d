"""The community issue register, an issue's page, and every change to an issue.

Staff raise issues (on their own, or from a meeting's agenda item), move them
on, and link the actions and meetings that deal with them. A partner sees the
issues its organisation raised or owns actions on, never an OFFICIAL-SENSITIVE
one: every issue is loaded through `crm.visibility` (404 out of scope).
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user

from crm import records
from crm.extensions import db
from crm.forms import flash_saved, show_error
from crm.history.services import history_of
from crm.issues import services
from crm.issues.forms import IssueForm, LinkActionForm, LinkMeetingForm, UnlinkForm
from crm.issues.models import CommunityIssue, IssuePriority, IssueStatus
from crm.markings import Marking
from crm.meetings.models import AgendaItem, Meeting
from crm.organisations.services import organisation_choices
from crm.pagination import paginate
from crm.reference.models import ExclusionGroup, IssueCategory
from crm.reference.services import active_entries, entry_choices
from crm.rendering import render_page
from crm.visibility import can, get_visible, require

bp = Blueprint("issues", __name__, url_prefix="/issues")


@bp.get("/")
def index():
    filters = services.IssueFilters.from_args(request.args)
    page = paginate(services.list_issues(current_user, filters))
    return render_page(
        "issues/list.html",
        block="results",
        page=page,
        filters=filters,
        organisations_seen=services.organisations_seen(current_user, page.items),
        showing=services.SHOWING,
        status_choices=IssueStatus.choices(),
        priority_choices=IssuePriority.choices(),
        category_choices=[(str(entry.id), entry.name) for entry in active_entries(IssueCategory)],
        group_choices=[(str(entry.id), entry.name) for entry in active_entries(ExclusionGroup)],
        address=url_for("issues.index", **filters.as_args()),
    )


def _issue_form(issue: CommunityIssue | None = None, **kwargs) -> IssueForm:
    return IssueForm(
        category_choices=entry_choices(IssueCategory, [entry.id for entry in issue.categories] if issue else ()),
        group_choices=entry_choices(ExclusionGroup, [entry.id for entry in issue.groups] if issue else ()),
        organisation_choices=organisation_choices(current_user, include_id=issue.raised_by_id if issue else None),
        **kwargs,
    )


def _agenda_item(item_id: int | None) -> AgendaItem | None:
    """The agenda item an issue is raised from (`?item=`), in a meeting the user may see."""
    if item_id is None:
        return None
    item = db.session.get(AgendaItem, item_id)
    if item is None:
        abort(404)
    get_visible(current_user, Meeting, item.meeting_id)
    return item


@bp.route("/new", methods=["GET", "POST"])
def new():
    require(can().change_issues)
    item = _agenda_item(request.args.get("item", type=int))
    form = _issue_form()
    if request.method == "GET":
        form.raised_on.data = services.today()
        if item is not None:
            form.title.data = item.title
            if item.marking.is_sensitive or item.meeting.marking.is_sensitive:
                form.marking.data = Marking.OFFICIAL_SENSITIVE.value
    if form.validate_on_submit():
        try:
            issue = services.raise_issue(form.data, item=item)
        except records.DomainError as error:
            show_error(form, error)
        else:
            db.session.commit()
            flash(f"Community issue {issue.reference} raised.", "success")
            return redirect(url_for("issues.detail", issue_id=issue.id))
    return render_page("issues/form.html", form=form, issue=None, item=item)


@bp.get("/<id:issue_id>")
def detail(issue_id: int):
    issue = get_visible(current_user, CommunityIssue, issue_id)
    return render_page(
        "issues/detail.html",
        issue=issue,
        source=services.source_of(current_user, issue),
        actions=services.linked_actions(current_user, issue),
        meetings=services.linked_meetings(current_user, issue),
        history=history_of(issue, can()),
        now=services.utcnow(),
    )


@bp.route("/<id:issue_id>/edit", methods=["GET", "POST"])
def edit(issue_id: int):
    issue = get_visible(current_user, CommunityIssue, issue_id)
    require(can().change_issues)
    form = _issue_form(issue, obj=issue if request.method == "GET" else None)
    if request.method == "GET":
        form.category_ids.data = [str(entry.id) for entry in issue.categories]
        form.group_ids.data = [str(entry.id) for entry in issue.groups]
        form.raised_by_id.data = str(issue.raised_by_id or "")
        form.priority.data = issue.priority.value
        form.status.data = issue.status.value
        form.marking.data = issue.marking.value
    if form.validate_on_submit():
        try:
            changed = services.change_issue(issue, form.data, version=form.version.data)
        except records.DomainError as error:
            show_error(form, error, issue)
        else:
            db.session.commit()
            flash_saved(changed, f"issue {issue.reference}")
            return redirect(url_for("issues.detail", issue_id=issue.id))
    return render_page("issues/form.html", form=form, issue=issue, item=None)


# --- links to the actions and meetings that deal with an issue ---------------------------


@bp.route("/<id:issue_id>/link", methods=["GET", "POST"])
def link(issue_id: int):
    """Link an action (by its reference) or a meeting to the issue."""
    issue = get_visible(current_user, CommunityIssue, issue_id)
    require(can().change_issues)
    action_form = LinkActionForm(prefix="action")
    meeting_form = LinkMeetingForm(prefix="meeting", meeting_choices=services.meetings_to_link())
    if request.method == "GET":
        action_form.version.data = meeting_form.version.data = issue.version
    # One page, two forms: the button pressed says which was sent.
    if action_form.submit.data and action_form.validate_on_submit():
        try:
            action = services.link_action(
                current_user, issue, action_form.reference.data, version=action_form.version.data
            )
        except records.DomainError as error:
            show_error(action_form, error, issue)
        else:
            db.session.commit()
            flash(f"{action.reference} linked to {issue.reference}.", "success")
            return redirect(url_for("issues.detail", issue_id=issue.id))
    elif meeting_form.submit.data and meeting_form.validate_on_submit():
        try:
            meeting = services.link_meeting(
                current_user, issue, int(meeting_form.meeting_id.data), version=meeting_form.version.data
            )
        except records.DomainError as error:
            show_error(meeting_form, error, issue)
        else:
            db.session.commit()
            flash(f"{meeting.title} linked to {issue.reference}.", "success")
            return redirect(url_for("issues.detail", issue_id=issue.id))
    return render_page("issues/link.html", issue=issue, action_form=action_form, meeting_form=meeting_form)


@bp.post("/<id:issue_id>/actions/<id:action_id>/unlink")
def unlink_action(issue_id: int, action_id: int):
    issue = get_visible(current_user, CommunityIssue, issue_id)
    require(can().change_issues)
    action = next((linked for linked in issue.actions if linked.id == action_id), None)
    if action is None:
        abort(404)
    return _unlinked(issue, lambda version: services.unlink_action(issue, action, version=version), action.reference)


@bp.post("/<id:issue_id>/meetings/<id:meeting_id>/unlink")
def unlink_meeting(issue_id: int, meeting_id: int):
    issue = get_visible(current_user, CommunityIssue, issue_id)
    require(can().change_issues)
    meeting = next((linked for linked in issue.meetings if linked.id == meeting_id), None)
    if meeting is None:
        abort(404)
    return _unlinked(issue, lambda version: services.unlink_meeting(issue, meeting, version=version), meeting.title)


def _unlinked(issue: CommunityIssue, unlink, name: str):
    try:
        unlink(UnlinkForm().version.data)
    except records.DomainError as error:
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(f"{name} is no longer linked to {issue.reference}.", "success")
    return redirect(url_for("issues.detail", issue_id=issue.id))
