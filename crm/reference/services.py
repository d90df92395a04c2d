"""Reading the reference lists, for the forms and filters of the records that name their entries."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import or_, select

from crm.extensions import db
from crm.reference.models import ReferenceEntry


def active_entries(model: type[ReferenceEntry]) -> list[ReferenceEntry]:
    """The entries offered today, in the list's order."""
    query = select(model).where(model.archived_at.is_(None)).order_by(model.position, model.name, model.id)
    return list(db.session.scalars(query))


def entry_choices(model: type[ReferenceEntry], include_ids: Iterable[int] = ()) -> list[tuple[str, str]]:
    """(id, name) of the entries a form offers: the active ones, and any archived
    one the record already names (so that saving it keeps that entry)."""
    kept = {int(entry_id) for entry_id in include_ids}
    query = (
        select(model.id, model.name)
        .where(or_(model.archived_at.is_(None), model.id.in_(kept)))
        .order_by(model.position, model.name, model.id)
    )
    return [(str(entry_id), name) for entry_id, name in db.session.execute(query)]


def entries_by_ids(model: type[ReferenceEntry], ids: Iterable[int]) -> list[ReferenceEntry]:
    wanted = {int(entry_id) for entry_id in ids}
    if not wanted:
        return []
    return list(db.session.scalars(select(model).where(model.id.in_(wanted)).order_by(model.position, model.id)))
