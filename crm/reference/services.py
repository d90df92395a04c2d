"""Queries and changes for the reference lists. Services flush, never commit.

Other areas offer a list's entries through `entry_choices` (a form's choices,
archived entries a record already names kept among them) and turn the ids a
form sends back into entries with `entries_by_ids`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, or_, select

from crm import records
from crm.extensions import db
from crm.forms import squash_spaces, whole_number
from crm.reference.models import ExclusionGroup, IssueCategory, ReferenceEntry


@dataclass(frozen=True)
class ReferenceList:
    """One list as its admin pages name it; `kind` is its part of the address."""

    kind: str
    model: type[ReferenceEntry]
    title: str
    noun: str
    plural: str
    purpose: str


LISTS = {
    reference_list.kind: reference_list
    for reference_list in (
        ReferenceList(
            "categories",
            IssueCategory,
            "Issue categories",
            "category",
            "categories",
            "What a community issue is about. Staff choose one or more when they record an issue.",
        ),
        ReferenceList(
            "groups",
            ExclusionGroup,
            "Groups at increased risk of exclusion",
            "group",
            "groups",
            "Whom a community issue affects, and whom a meeting or event reached.",
        ),
    )
}


def _in_order(model: type[ReferenceEntry]) -> tuple:
    """The list's order, as admins set it; the name and id only settle ties."""
    return (model.position, model.name, model.id)


def active_entries(model: type[ReferenceEntry]) -> list[ReferenceEntry]:
    """The entries on offer, in the list's order."""
    return list(db.session.scalars(select(model).where(model.archived_at.is_(None)).order_by(*_in_order(model))))


def all_entries(model: type[ReferenceEntry]) -> list[ReferenceEntry]:
    """Every entry, archived ones too, in the list's order."""
    return list(db.session.scalars(select(model).order_by(*_in_order(model))))


def entry_choices(model: type[ReferenceEntry], include_ids: Iterable = ()) -> list[tuple[str, str]]:
    """A form's choices, as (str(id), name): active entries in the list's order, plus
    those of `include_ids` even if archived (the record names them already, so that
    saving its form keeps them), labelled "(archived)"."""
    wanted = _ids(include_ids)
    query = (
        select(model.id, model.name, model.archived_at)
        .where(or_(model.archived_at.is_(None), model.id.in_(wanted)))
        .order_by(*_in_order(model))
    )
    return [
        (str(id_), f"{name} (archived)" if archived_at else name)
        for id_, name, archived_at in db.session.execute(query)
    ]


def entries_by_ids(model: type[ReferenceEntry], ids: Iterable) -> list[ReferenceEntry]:
    """The entries with these ids (numbers, or numbers as text; anything else is
    ignored), archived or not, in the list's order."""
    wanted = _ids(ids)
    if not wanted:
        return []
    return list(db.session.scalars(select(model).where(model.id.in_(wanted)).order_by(*_in_order(model))))


def _ids(values: Iterable) -> set[int]:
    return {number for number in (whole_number(value) for value in values or ()) if number is not None}


def entry_counts(model: type[ReferenceEntry]) -> tuple[int, int]:
    """(active, archived) entries of the list."""
    every, archived = db.session.execute(select(func.count(model.id), func.count(model.archived_at))).one()
    return every - archived, archived


def check_name_free(model: type[ReferenceEntry], name: str, *, exclude_id: int | None = None) -> None:
    # lower() on both sides, as the unique index has it: Python's lower() and
    # SQLite's (ASCII only) disagree about "É".
    query = select(model.id).where(func.lower(model.name) == func.lower(squash_spaces(name)))
    if exclude_id is not None:
        query = query.where(model.id != exclude_id)
    if db.session.scalar(query.limit(1)) is not None:
        field_name, message = model.duplicate
        raise records.Duplicate(message, field_name)


def _values(data: dict) -> dict:
    return {"name": squash_spaces(data.get("name") or ""), "description": (data.get("description") or "").strip()}


def add_entry(model: type[ReferenceEntry], data: dict) -> ReferenceEntry:
    """A new entry, at the end of the list."""
    values = _values(data)
    check_name_free(model, values["name"])
    last = db.session.scalar(select(func.max(model.position))) or 0
    return records.create(model(), {**values, "position": last + 1})


def update_entry(entry: ReferenceEntry, data: dict, *, version: int | None = None) -> bool:
    """Rename or describe an entry; False if nothing changed. Records that name
    it show the new name, since they point at the entry."""
    values = _values(data)
    check_name_free(type(entry), values["name"], exclude_id=entry.id)
    return records.update(entry, values, version=version, noun="entry")


MOVES = {"up": -1, "down": 1}


def move_entry(entry: ReferenceEntry, direction: str) -> bool:
    """Swap `entry` with the active entry above or below it. False at either end.

    Archived entries keep their places in between, so that one restored comes
    back where it was. Positions are renumbered 1, 2, 3... on the way (ties
    and gaps close); each change goes through the save path and its history.
    """
    if entry.is_archived:
        raise records.Refused(f"{entry.name} is archived. Restore it before moving it.")
    order = all_entries(type(entry))
    here = order.index(entry)
    step = MOVES[direction]
    there = here + step
    while 0 <= there < len(order) and order[there].is_archived:
        there += step
    if not 0 <= there < len(order):
        return False
    order[here], order[there] = order[there], order[here]
    for position, each in enumerate(order, 1):
        records.update(each, {"position": position}, noun="entry")
    return True
