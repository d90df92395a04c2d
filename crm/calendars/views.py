"""A meeting's .ics file."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, Response, current_app, request, url_for
from flask_login import current_user

from crm.calendars import services
from crm.meetings.models import Meeting
from crm.visibility import get_visible

bp = Blueprint("calendars", __name__)

ICALENDAR = "text/calendar; charset=utf-8"


def _absolute(endpoint: str, **values) -> str:
    """A full address, on CRM_BASE_URL where it is set (as in email), otherwise on this request's host."""
    base = current_app.config.get("CRM_BASE_URL")
    if base:
        return base.rstrip("/") + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)


def _domain() -> str:
    """The host that makes meetings' UIDs unique: the same on every request, where CRM_BASE_URL is set."""
    base = current_app.config.get("CRM_BASE_URL")
    return (urlsplit(base).hostname if base else None) or request.host


def _meeting_page(meeting: Meeting) -> str:
    return _absolute("meetings.detail", meeting_id=meeting.id)


@bp.get("/meetings/<id:meeting_id>/calendar.ics")
def meeting(meeting_id: int):
    """One meeting, to add to your own calendar."""
    meeting = get_visible(current_user, Meeting, meeting_id)
    body = services.calendar([meeting], link=_meeting_page, domain=_domain())
    response = Response(body, content_type=ICALENDAR)
    response.headers["Content-Disposition"] = f'attachment; filename="{services.filename(meeting)}"'
    return response
