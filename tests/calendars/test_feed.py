"""The private calendar feed: a user's meetings behind the token of their address alone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from crm.auth.models import User
from crm.calendars import services
from crm.contacts.models import Contact
from crm.database import utcnow
from crm.extensions import db
from crm.markings import Marking
from crm.meetings import services as meeting_services
from crm.meetings.models import Meeting
from crm.organisations.models import Organisation
from tests.access import set_values
from tests.calendars.conftest import events_by_title, read_calendar
from tests.test_access_matrix import snapshot


@pytest.fixture
def partner_world(app, make):
    """A partner of Own Org, and meetings it is involved in each way, or not at all."""
    own, other = make.organisation("Own Org"), make.organisation("Other Org")
    partner = make.user("partner", organisation=own, email="p@own.example")
    now = datetime.now(UTC)
    series = make.series("Own Panel", members=[own])
    make.meeting("Named on it", organisations=[own], starts_at=now + timedelta(days=2))
    make.meeting("Its series", series=series, starts_at=now + timedelta(days=1))
    attended = make.meeting("Attended", starts_at=now - timedelta(days=29))
    person = make.contact(own, "Own Person")
    with app.app_context():
        meeting_services.add_attendee(db.session.get(Meeting, attended.id), db.session.get(Contact, person.id))
        db.session.commit()
    make.meeting("Long ago", organisations=[own], starts_at=now - timedelta(days=31))
    make.meeting("Other organisation's", organisations=[other], starts_at=now + timedelta(days=3))
    make.meeting("Not involving anyone", starts_at=now + timedelta(days=3))
    make.meeting(
        "Sensitive", organisations=[own], starts_at=now + timedelta(days=4), marking=Marking.OFFICIAL_SENSITIVE
    )
    return partner


def test_a_partners_feed_holds_only_the_meetings_its_organisation_is_involved_in(app, partner_world, feed_address):
    client = app.test_client()  # a calendar app: no session, no cookies
    response = client.get(feed_address(partner_world))

    calendar = read_calendar(response)
    assert str(calendar["X-WR-CALNAME"]) == "Partnership CRM meetings"
    assert b"\r\nREFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in response.data
    assert b"\r\nX-PUBLISHED-TTL:PT1H\r\n" in response.data
    titles = [str(event["SUMMARY"]) for event in calendar.walk("VEVENT")]
    # From 30 days ago onwards, soonest first.
    assert titles == ["Attended", "Own Panel: Its series", "Named on it"]
    assert b"Other organisation" not in response.data and b"Sensitive" not in response.data
    for event in calendar.walk("VEVENT"):
        assert str(event["URL"]).startswith("http://localhost/meetings/")
        assert str(event["UID"]).startswith("meeting-") and str(event["STATUS"]) == "CONFIRMED"
    # Opened without a session, it starts none.
    assert "Set-Cookie" not in response.headers


def test_the_feed_answers_the_same_whoever_is_signed_in(app, client, auth, partner_world, make, feed_address):
    address = feed_address(partner_world)
    make.user("staff", email="s@example.org")
    auth.login("s@example.org")
    titles = list(events_by_title(client.get(address)))
    assert titles == ["Attended", "Own Panel: Its series", "Named on it"], "the feed's user's meetings, not staff's"


def test_a_staff_feed_holds_every_meeting_sensitive_ones_by_time_and_link_alone(app, partner_world, make, feed_address):
    """A subscribed feed is copied into calendar services outside the area: an
    OFFICIAL-SENSITIVE meeting goes there without its title or venue."""
    staff = make.user("staff", email="s@example.org")
    events = events_by_title(app.test_client().get(feed_address(staff)))
    assert "Long ago" not in events
    assert {"Other organisation's", "Not involving anyone", "Named on it"} <= events.keys()
    assert "Sensitive" not in events
    guarded = events["OFFICIAL-SENSITIVE meeting"]
    assert str(guarded["CLASS"]) == "CONFIDENTIAL" and "LOCATION" not in guarded and "/meetings/" in str(guarded["URL"])


def test_reset_stop_and_disabled_addresses_answer_404(app, partner_world, feed_address):
    client = app.test_client()
    old = feed_address(partner_world)
    new = feed_address(partner_world)  # a reset: a new nonce
    assert old != new
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200

    set_values(app, User, partner_world.id, disabled_at=utcnow())
    assert client.get(new).status_code == 404
    set_values(app, User, partner_world.id, disabled_at=None)
    assert client.get(new).status_code == 200

    # A partner whose organisation is archived may not sign in; nor may its feed answer.
    set_values(app, Organisation, partner_world.organisation_id, archived_at=utcnow())
    assert client.get(new).status_code == 404
    set_values(app, Organisation, partner_world.organisation_id, archived_at=None)

    with app.app_context():
        services.stop_feed(db.session.get(User, partner_world.id))
        db.session.commit()
    response = client.get(new)
    assert response.status_code == 404
    assert "Set-Cookie" not in response.headers


def test_an_address_made_with_an_earlier_secret_key_stops(app, partner_world, feed_address, monkeypatch):
    address = feed_address(partner_world)
    monkeypatch.setitem(app.config, "SECRET_KEY", "a different secret key, long enough to use")
    assert app.test_client().get(address).status_code == 404
    with app.app_context():
        assert services.feed_token(db.session.get(User, partner_world.id)) is None


@pytest.mark.parametrize(
    "token",
    [
        "x",
        "A" * 43,  # the right shape, nobody's
        "A" * 42 + "=",
        "A" * 5000,
        "%00" * 43,
        "%FF%FE",
        "é" * 43,
        "..%2F..%2Fetc%2Fpasswd",
        "'%20OR%201=1--",
    ],
)
def test_tokens_that_are_not_an_address_answer_404(app, partner_world, feed_address, token):
    feed_address(partner_world)
    response = app.test_client().get(f"/calendar/{token}.ics")
    assert response.status_code == 404


def test_a_token_differing_only_in_case_is_not_the_address(app, partner_world, feed_address):
    address = feed_address(partner_world)
    token = address.removeprefix("/calendar/").removesuffix(".ics")
    other = token.swapcase()
    assert other != token
    assert app.test_client().get(f"/calendar/{other}.ics").status_code == 404


def test_the_database_alone_never_holds_the_address(app, partner_world, feed_address):
    address = feed_address(partner_world)
    token = address.removeprefix("/calendar/").removesuffix(".ics")
    assert len(token) >= 43, "32 bytes of HMAC"
    everything = repr(snapshot(app))
    assert token not in everything
    with app.app_context():
        user = db.session.get(User, partner_world.id)
        assert user.calendar_nonce and user.calendar_token_hash
        assert user.calendar_nonce != token and len(user.calendar_token_hash) == 64


def test_the_feed_is_capped_soonest_first(app, partner_world, feed_address, monkeypatch):
    monkeypatch.setattr(services, "FEED_LIMIT", 2)
    titles = list(events_by_title(app.test_client().get(feed_address(partner_world))))
    assert titles == ["Attended", "Own Panel: Its series"]


def test_the_feed_takes_the_same_queries_for_more_meetings(app, make, feed_address, count_queries):
    own = make.organisation("Own Org")
    partner = make.user("partner", organisation=own, email="p@own.example")
    address = feed_address(partner)
    client = app.test_client()

    def queries() -> int:
        with count_queries() as counter:
            assert client.get(address).status_code == 200
        return counter.count

    make.meeting("First", series=make.series("Panel A", members=[own]))
    few = queries()
    for letter in "BCDE":
        make.meeting(f"Meeting {letter}", series=make.series(f"Panel {letter}", members=[own]))
    assert queries() == few
