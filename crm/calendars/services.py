"""Meetings as iCalendar, and the private feed address behind which a user's
calendar app reads the meetings that user may see.

A feed address is `/calendar/<token>.ics`. The token is never stored: the
user row keeps a random nonce and the SHA-256 of the token, and the token is
HMAC-SHA256(SECRET_KEY, "calendar:<user id>:<nonce>"). So the account page can
show the address again (from the nonce and the secret), a copy of the
database alone never yields a working address, and an address is found by
its hash. Resetting draws a new nonce (the old address stops at once);
stopping clears both. Neither column enters history (`User.history_exclude`).

What a calendar holds is a meeting's details only (ruling 1): title, series,
kind, when, where and a link to its page. Never its agenda, minutes, staff
notes or attendance.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import unicodedata
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta

from flask import current_app
from icalendar import Calendar, Event, vDuration
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from crm.auth.models import User
from crm.database import utcnow
from crm.extensions import db
from crm.formatting import LONDON
from crm.meetings.models import Meeting
from crm.visibility import visible

CALENDAR_NAME = "Partnership CRM meetings"
PRODUCT_ID = "-//Partnership CRM//Meetings//EN"
# A meeting with no end time recorded is shown as an hour long.
DEFAULT_LENGTH = timedelta(hours=1)
# The feed: meetings from this long ago onwards, soonest first, at most this many.
FEED_PAST = timedelta(days=30)
FEED_LIMIT = 500
# How often a calendar app is asked to look again (most take it as a hint).
FEED_REFRESH = timedelta(hours=1)

# 32 bytes of HMAC in URL-safe base64, without padding.
_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")


# --- the feed address ---------------------------------------------------------------


def _secret() -> bytes:
    key = current_app.config["SECRET_KEY"]
    return key if isinstance(key, bytes) else key.encode()


def _token_for(user_id: int, nonce: str) -> str:
    digest = hmac.new(_secret(), f"calendar:{user_id}:{nonce}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def has_feed(user: User) -> bool:
    return user.calendar_token_hash is not None


def feed_token(user: User) -> str | None:
    """The token of `user`'s feed address, made again from the nonce and the
    secret key. None when there is no feed, or when the secret key has changed
    since the address was made (then that address no longer works either)."""
    if user.calendar_nonce is None or user.calendar_token_hash is None:
        return None
    token = _token_for(user.id, user.calendar_nonce)
    return token if hmac.compare_digest(_hash(token), user.calendar_token_hash) else None


def start_feed(user: User) -> str:
    """Give `user` a feed address, in place of any they had, and return its token."""
    nonce = secrets.token_urlsafe(32)
    token = _token_for(user.id, nonce)
    user.calendar_nonce = nonce
    user.calendar_token_hash = _hash(token)
    db.session.flush()
    return token


def stop_feed(user: User) -> None:
    """End `user`'s feed: its address answers 404 from now on."""
    user.calendar_nonce = None
    user.calendar_token_hash = None
    db.session.flush()


def feed_user(token: str) -> User | None:
    """The user whose live feed address carries `token`, or None: for a token
    that is malformed, unknown, reset, stopped, made with an earlier secret
    key, or a user who may not sign in (disabled, or a partner whose
    organisation is archived)."""
    if not _TOKEN.fullmatch(token):
        return None
    user = db.session.scalar(
        select(User).where(User.calendar_token_hash == _hash(token)).options(joinedload(User.organisation))
    )
    if user is None or user.calendar_nonce is None or not user.is_active:
        return None
    if not hmac.compare_digest(_token_for(user.id, user.calendar_nonce), token):
        return None
    return user


def feed_meetings(user: User, now: datetime | None = None) -> list[Meeting]:
    """The meetings `user` may see, from 30 days ago onwards, soonest first, capped."""
    since = (now or utcnow()) - FEED_PAST
    query = (
        visible(user, Meeting)
        .where(Meeting.starts_at >= since)
        .order_by(Meeting.starts_at, Meeting.id)
        .limit(FEED_LIMIT)
        .options(selectinload(Meeting.series))
    )
    return list(db.session.scalars(query))


# --- iCalendar ----------------------------------------------------------------------


def summary(meeting: Meeting) -> str:
    """The title with its series' name in front, unless the title names the series
    already: "Local Scrutiny and Involvement Panel: victims' letters", or
    "Domestic Abuse Scrutiny Panel: annual review" in the Thames Valley
    Domestic Abuse Scrutiny Panel (a lead of two words or more, before a colon)."""
    if meeting.series is None:
        return meeting.title
    series, title = meeting.series.name.casefold(), meeting.title.casefold()
    lead = title.partition(":")[0].strip()
    if series in title or (lead != title and len(lead.split()) > 1 and lead in series):
        return meeting.title
    return f"{meeting.series.name}: {meeting.title}"


def location(meeting: Meeting) -> str:
    """Where, as the meeting page says it: the venue, "and online", or "Online"."""
    if meeting.online:
        return f"{meeting.venue} and online" if meeting.venue else "Online"
    return meeting.venue or ""


def ends_at(meeting: Meeting) -> datetime:
    if meeting.ends_at is None or meeting.ends_at <= meeting.starts_at:
        return meeting.starts_at + DEFAULT_LENGTH
    return meeting.ends_at


def event(meeting: Meeting, *, link: str, domain: str, subscribed: bool = False) -> Event:
    """One meeting as a VEVENT: its details and a link to its page, nothing more.

    A subscribed feed is copied into calendar services beyond the area's
    control, so an OFFICIAL-SENSITIVE meeting (only ever in staff's feeds)
    goes there as its time and link alone; its own .ics, downloaded on
    purpose, carries its title and venue."""
    guarded = subscribed and meeting.marking.is_sensitive
    item = Event()
    item.add("uid", f"meeting-{meeting.id}@{domain}")
    item.add("dtstamp", (meeting.updated_at or utcnow()).astimezone(UTC))
    item.add("sequence", meeting.version)
    item.add("summary", "OFFICIAL-SENSITIVE meeting" if guarded else summary(meeting))
    item.add("dtstart", meeting.starts_at.astimezone(UTC))
    item.add("dtend", ends_at(meeting).astimezone(UTC))
    where = "" if guarded else location(meeting)
    if where:
        item.add("location", where)
    item.add("url", link)
    item.add("description", f"{meeting.kind.label}. The meeting's page in Partnership CRM: {link}")
    item.add("status", "CONFIRMED")
    if meeting.marking.is_sensitive:
        # Shown to staff only; calendar apps hide a confidential event's details from those they share with.
        item.add("class", "CONFIDENTIAL")
    return item


def calendar(
    meetings: Iterable[Meeting], *, link: Callable[[Meeting], str], domain: str, name: str | None = None
) -> bytes:
    """`meetings` as an iCalendar file; `name` makes it a named, subscribed calendar."""
    document = Calendar()
    document.add("prodid", PRODUCT_ID)
    document.add("version", "2.0")
    document.add("calscale", "GREGORIAN")
    if name:
        document.add("x-wr-calname", name)
        document.add("refresh-interval", FEED_REFRESH, parameters={"VALUE": "DURATION"})
        document.add("x-published-ttl", vDuration(FEED_REFRESH))
    for meeting in meetings:
        document.add_component(event(meeting, link=link(meeting), domain=domain, subscribed=bool(name)))
    return document.to_ical()


def filename(meeting: Meeting) -> str:
    """ "2026-03-03-hate-crime-partnership.ics": ASCII letters, digits and dashes only."""
    day = meeting.starts_at.astimezone(LONDON)
    ascii_title = unicodedata.normalize("NFKD", meeting.title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:80].rstrip("-")
    return f"{day:%Y-%m-%d}-{slug or 'meeting'}.ics"
