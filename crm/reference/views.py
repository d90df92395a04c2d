"""The reference lists' admin pages: add, rename, order, archive and restore entries."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request, url_for

from crm import records
from crm.extensions import db
from crm.forms import flash_saved, show_error
from crm.history.services import history_of
from crm.reference import services
from crm.reference.forms import EntryForm
from crm.reference.models import ReferenceEntry
from crm.reference.services import LISTS, ReferenceList
from crm.rendering import render_page
from crm.visibility import can, require

bp = Blueprint("reference", __name__, url_prefix="/reference")

# A list's part of the address: only the lists there are, so that any other is not found.
KIND = f"<any({', '.join(LISTS)}):kind>"


@bp.before_request
def admins_only():
    require(can().manage_reference_lists)


def _list(kind: str) -> ReferenceList:
    return LISTS[kind]  # the address allows only the lists there are


def _entry(reference_list: ReferenceList, entry_id: int) -> ReferenceEntry:
    entry = db.session.get(reference_list.model, entry_id)
    if entry is None:
        abort(404)
    return entry


def _back_to_list(reference_list: ReferenceList, entry: ReferenceEntry):
    """To the list, at the entry just changed."""
    return redirect(url_for("reference.entries", kind=reference_list.kind, _anchor=f"entry-{entry.id}"))


@bp.get("/")
def index():
    counts = {kind: services.entry_counts(reference_list.model) for kind, reference_list in LISTS.items()}
    return render_page("reference/index.html", lists=LISTS.values(), counts=counts)


@bp.get(f"/{KIND}/")
def entries(kind: str):
    reference_list = _list(kind)
    every = services.all_entries(reference_list.model)
    return render_page(
        "reference/list.html",
        reference_list=reference_list,
        active=[entry for entry in every if not entry.is_archived],
        archived=[entry for entry in every if entry.is_archived],
    )


@bp.route(f"/{KIND}/new", methods=["GET", "POST"])
def new(kind: str):
    reference_list = _list(kind)
    form = EntryForm(reference_list=reference_list)
    if form.validate_on_submit():
        try:
            entry = services.add_entry(reference_list.model, form.data)
        except records.DomainError as error:
            show_error(form, error)
        else:
            db.session.commit()
            flash(f"{entry.name} added to the end of the list.", "success")
            return _back_to_list(reference_list, entry)
    return render_page("reference/form.html", form=form, reference_list=reference_list, entry=None)


@bp.route(f"/{KIND}/<id:entry_id>/edit", methods=["GET", "POST"])
def edit(kind: str, entry_id: int):
    reference_list = _list(kind)
    entry = _entry(reference_list, entry_id)
    form = EntryForm(obj=entry if request.method == "GET" else None, reference_list=reference_list, entry_id=entry.id)
    if form.validate_on_submit():
        try:
            changed = services.update_entry(entry, form.data, version=form.version.data)
        except records.DomainError as error:
            show_error(form, error, entry)
        else:
            db.session.commit()
            flash_saved(changed, entry.name)
            return _back_to_list(reference_list, entry)
    return render_page(
        "reference/form.html",
        form=form,
        reference_list=reference_list,
        entry=entry,
        history=history_of(entry, can()),
    )


@bp.route(f"/{KIND}/<id:entry_id>/archive", methods=["GET", "POST"])
def archive(kind: str, entry_id: int):
    reference_list = _list(kind)
    entry = _entry(reference_list, entry_id)
    if request.method == "POST":
        records.archive(entry)
        db.session.commit()
        flash(f"{entry.name} archived. Records that name it keep it; it is no longer offered.", "success")
        return _back_to_list(reference_list, entry)
    return render_page("reference/archive.html", reference_list=reference_list, entry=entry)


@bp.post(f"/{KIND}/<id:entry_id>/restore")
def restore(kind: str, entry_id: int):
    reference_list = _list(kind)
    entry = _entry(reference_list, entry_id)
    records.restore(entry)
    db.session.commit()
    flash(f"{entry.name} restored. It is offered again, in its old place in the list.", "success")
    return _back_to_list(reference_list, entry)


@bp.post(f"/{KIND}/<id:entry_id>/move")
def move(kind: str, entry_id: int):
    reference_list = _list(kind)
    entry = _entry(reference_list, entry_id)
    direction = request.form.get("direction")
    if direction not in services.MOVES:
        abort(400)
    try:
        moved = services.move_entry(entry, direction)
    except records.DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        if moved:
            flash(f"{entry.name} moved {direction}.", "success")
        else:
            flash(f"{entry.name} is already at the {'top' if direction == 'up' else 'bottom'} of the list.", "info")
    return _back_to_list(reference_list, entry)
