"""The account page: who you are, and your calendar feed's address, made, reset and stopped."""

from __future__ import annotations

import html
import json
import logging
import re

import pytest
from sqlalchemy import select

from crm.auth.models import User
from crm.extensions import db
from crm.history.models import HistoryEntry
from crm.security import security_log
from tests.conftest import page_text


@pytest.fixture
def events(caplog):
    """The security events logged during the test, as dicts."""
    security_log.addHandler(caplog.handler)
    caplog.set_level(logging.INFO, logger=security_log.name)
    yield lambda: [json.loads(r.getMessage()) for r in caplog.records if r.name == security_log.name]
    security_log.removeHandler(caplog.handler)


def shown_address(page: str) -> str | None:
    """The feed address in the page's readonly box, as a path."""
    tag = re.search(r"<input[^>]*calendar-feed-address[^>]*>", page, re.DOTALL)
    if tag is None:
        return None
    assert "readonly" in tag.group(0)
    value = html.unescape(re.search(r'value="([^"]+)"', tag.group(0)).group(1))
    assert value.startswith("http://localhost/calendar/") and value.endswith(".ics")
    return value.removeprefix("http://localhost")


def summary_rows(page: str) -> dict[str, str]:
    """The summary list's rows: key -> value (as HTML)."""
    keys = re.findall(
        r'govuk-summary-list__key">\s*(.*?)\s*</dt>\s*<dd class="govuk-summary-list__value">\s*(.*?)\s*</dd>',
        page,
        re.DOTALL,
    )
    return dict(keys)


def change_feed(auth, change: str):
    return auth.post("/account/calendar-feed", {"change": change})


def feed_columns(app, user_id: int) -> tuple[str | None, str | None]:
    with app.app_context():
        user = db.session.get(User, user_id)
        return user.calendar_nonce, user.calendar_token_hash


@pytest.fixture
def partner(app, make, auth):
    organisation = make.organisation("Thames Valley Police")
    user = make.user("partner", organisation=organisation, email="pat@tvp.example", name="Pat Partner")
    auth.login("pat@tvp.example")
    return user


def test_the_account_page_says_who_you_are(app, client, partner):
    page = page_text(client.get("/account"))
    assert "<title>Your account – Partnership CRM</title>" in page
    rows = summary_rows(page)
    assert list(rows) == ["Name", "Email", "Role", "Organisation", "Password"]
    assert rows["Name"] == "Pat Partner" and rows["Email"] == "pat@<wbr>tvp.<wbr>example"
    assert rows["Role"] == "Partner" and rows["Organisation"] == "Thames Valley Police"
    assert 'href="/account/password"' in page
    assert "Subscribe to your meetings" in page
    assert "Create a calendar feed address" in page and shown_address(page) is None


def test_staff_have_no_organisation_row(app, client, staff):
    rows = summary_rows(page_text(client.get("/account")))
    assert list(rows) == ["Name", "Email", "Role", "Password"]
    assert rows["Role"] == "Staff"


def test_every_page_links_to_your_account(app, client, partner):
    page = page_text(client.get("/dashboard"))
    assert '<a class="govuk-link app-account__link" href="/account">Your account</a>' in page


def test_create_reset_and_stop_the_feed(app, client, auth, partner):
    response = change_feed(auth, "create")
    assert response.status_code == 302 and response.headers["Location"] == "/account"
    page = page_text(client.get("/account"))
    assert "Your calendar feed address is ready" in page
    first = shown_address(page)
    assert "Anyone with it can see your meeting times, so keep it private." in page
    assert "Reset the address" in page and "Stop the feed" in page
    calendar_app = app.test_client()
    assert calendar_app.get(first).status_code == 200
    # Shown again, the same address: made from the nonce and the secret key.
    assert shown_address(page_text(client.get("/account"))) == first

    # Creating again keeps the address that is in use.
    change_feed(auth, "create")
    page = page_text(client.get("/account"))
    assert "You already have a calendar feed address" in page and shown_address(page) == first

    change_feed(auth, "reset")
    page = page_text(client.get("/account"))
    assert "The old one has stopped working" in page
    second = shown_address(page)
    assert second != first
    assert calendar_app.get(first).status_code == 404
    assert calendar_app.get(second).status_code == 200

    change_feed(auth, "stop")
    page = page_text(client.get("/account"))
    assert "Your calendar feed has stopped" in page
    assert shown_address(page) is None and "Create a calendar feed address" in page
    assert calendar_app.get(second).status_code == 404
    assert feed_columns(app, partner.id) == (None, None)

    change_feed(auth, "stop")
    assert "You have no calendar feed to stop" in page_text(client.get("/account"))


def test_each_button_is_a_plain_form_post_with_a_token(app, client, partner):
    page = page_text(client.get("/account"))
    form = re.search(r'<form method="post" action="/account/calendar-feed">(.*?)</form>', page, re.DOTALL).group(1)
    assert 'name="csrf_token"' in form and 'name="change" value="create"' in form
    assert "<script" not in page.split("<main", 1)[1] and "style=" not in page


def test_a_post_without_its_token_or_saying_nothing_changes_nothing(app, client, auth, partner):
    assert client.post("/account/calendar-feed", data={"change": "create"}).status_code == 400
    assert auth.post("/account/calendar-feed", {}).status_code == 400
    assert auth.post("/account/calendar-feed", {"change": "everything"}).status_code == 400
    assert feed_columns(app, partner.id) == (None, None)


def test_a_feed_whose_address_cannot_be_made_again_offers_a_reset(app, client, partner, monkeypatch, make, auth):
    change_feed(auth, "create")
    monkeypatch.setitem(app.config, "SECRET_KEY", "a different secret key, long enough to use")
    auth.login("pat@tvp.example")  # the old key's session cookie no longer reads
    page = page_text(client.get("/account"))
    assert "has stopped working and cannot be shown" in page and shown_address(page) is None
    change_feed(auth, "reset")
    address = shown_address(page_text(client.get("/account")))
    assert app.test_client().get(address).status_code == 200


def test_the_feed_never_enters_history(app, client, auth, partner):
    """Every history row, read after each change, holds neither nonce, token nor hash."""
    secrets = set()
    for change in ("create", "reset", "reset", "stop", "create"):
        change_feed(auth, change)
        nonce, hash_ = feed_columns(app, partner.id)
        address = shown_address(page_text(client.get("/account")))
        secrets |= {value for value in (nonce, hash_) if value}
        if address:
            secrets.add(address.removeprefix("/calendar/").removesuffix(".ics"))
        with app.app_context():
            rows = db.session.execute(select(HistoryEntry.field, HistoryEntry.before, HistoryEntry.after)).all()
        assert rows, "the user's creation is in history, so there is something to read"
        for field, before, after in rows:
            assert not field.startswith("calendar_"), field
            for secret in secrets:
                assert secret not in (before or "") and secret not in (after or ""), field
    assert len(secrets) == 12, "four addresses made, each a nonce, a hash and a token"


def test_feed_changes_are_security_events_without_the_secret(app, client, auth, partner, events):
    for change in ("create", "reset", "stop"):
        change_feed(auth, change)
    logged = [event for event in events() if event["event"].startswith("calendar_feed")]
    assert [event["event"] for event in logged] == [
        "calendar_feed_created",
        "calendar_feed_reset",
        "calendar_feed_stopped",
    ]
    assert {event["user_id"] for event in logged} == {partner.id}
    assert {event["route"] for event in logged} == {"POST /account/calendar-feed"}


def test_fetching_a_feed_logs_nothing_that_carries_its_token(app, client, auth, partner, events):
    change_feed(auth, "create")
    address = shown_address(page_text(client.get("/account")))
    calendar_app = app.test_client()
    calendar_app.get(address)
    change_feed(auth, "reset")
    assert calendar_app.get(address).status_code == 404
    token = address.removeprefix("/calendar/").removesuffix(".ics")
    assert token not in json.dumps(events())


def test_signed_out_the_account_page_needs_a_sign_in(app, client):
    response = client.get("/account")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
