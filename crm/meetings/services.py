"""Queries and changes for meetings and their lifecycle. Services flush, never commit."""

from __future__ import annotations

from sqlalchemy import select

from crm import records
from crm.extensions import db
from crm.markings import Marking
from crm.meetings.models import Meeting, MeetingKind
from crm.organisations.models import Organisation

EDITABLE_FIELDS = (
    "title",
    "series_id",
    "kind",
    "starts_at",
    "ends_at",
    "venue",
    "online",
    "summary",
    "headcount",
    "headcount_note",
    "marking",
    "staff_notes",
)


def _values(data: dict) -> dict:
    """The model's values from a form's data (or a factory's)."""
    values = {field: data[field] for field in EDITABLE_FIELDS if field in data}
    for text_field in ("venue", "summary", "headcount_note", "staff_notes"):
        if text_field in values:
            values[text_field] = values[text_field] or ""
    if "kind" in values:
        values["kind"] = MeetingKind(values["kind"])
    if "marking" in values:
        values["marking"] = Marking(values["marking"] or Marking.OFFICIAL)
    if values.get("series_id") in ("", None):
        values["series_id"] = None
    elif "series_id" in values:
        values["series_id"] = int(values["series_id"])
    return values


def create_meeting(data: dict, *, organisation_ids=()) -> Meeting:
    values = _values(data)
    if organisation_ids:
        values["organisations"] = list(
            db.session.scalars(select(Organisation).where(Organisation.id.in_(set(organisation_ids))))
        )
    return records.create(Meeting(), values)
