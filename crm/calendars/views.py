"""A meeting's .ics file, the private calendar feed and the account page that keeps its address."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, Response, abort, current_app, flash, redirect, request, url_for
from flask_login import current_user

from crm.calendars import services
from crm.calendars.forms import CREATE, RESET, STOP, FeedChangeForm
from crm.extensions import db
from crm.meetings.models import Meeting
from crm.rendering import render_page
from crm.security import log_event
from crm.visibility import get_visible, public

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


@bp.get("/calendar/<token>.ics")
@public  # a calendar app opens it without a session: the token is the key
def feed(token: str):
    """A user's subscribed calendar: the meetings they may see, by the token of their address.

    Anything but a live address answers a bare 404, not the error page and
    not through the error handler: the page would start a session (its CSRF
    token), and the handler's log line would carry the path, token and all.
    """
    user = services.feed_user(token)
    if user is None:
        return Response("Not found\n", status=404, content_type="text/plain; charset=utf-8")
    meetings = services.feed_meetings(user)
    body = services.calendar(meetings, link=_meeting_page, domain=_domain(), name=services.CALENDAR_NAME)
    return Response(body, content_type=ICALENDAR)


@bp.get("/account")
def account():
    token = services.feed_token(current_user)
    return render_page(
        "calendars/account.html",
        user=current_user,
        has_feed=services.has_feed(current_user),
        feed_address=_absolute("calendars.feed", token=token) if token else None,
        feed_past_days=services.FEED_PAST.days,
        change={"create": CREATE, "reset": RESET, "stop": STOP},
    )


@bp.post("/account/calendar-feed")
def change_feed():
    """Create, reset or stop the signed-in user's calendar feed address."""
    form = FeedChangeForm()
    if not form.validate_on_submit():
        abort(400)  # only the account page's buttons post here, and each says what it asks for
    user = current_user._get_current_object()
    had_feed = services.has_feed(user)
    if form.change.data == CREATE and had_feed:
        flash("You already have a calendar feed address. It is below.", "info")
    elif form.change.data == STOP:
        if had_feed:
            services.stop_feed(user)
            db.session.commit()
            log_event("calendar_feed_stopped")
            flash("Your calendar feed has stopped. Its address no longer works.", "success")
        else:
            flash("You have no calendar feed to stop.", "info")
    else:  # create, or reset (which makes one if there was none)
        services.start_feed(user)
        db.session.commit()
        if had_feed:
            log_event("calendar_feed_reset")
            flash(
                "Your calendar feed has a new address. The old one has stopped working: "
                "put the new one in your calendar app.",
                "success",
            )
        else:
            log_event("calendar_feed_created")
            flash("Your calendar feed address is ready. Paste it into your calendar app.", "success")
    return redirect(url_for("calendars.account"))
