"""Signing in and out: the messages people see, throttling, redirects, sessions."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from crm.auth.models import UserSession
from crm.extensions import db
from tests.conftest import PASSWORD, AuthActions, page_text


def test_sign_in_lands_on_the_dashboard(client, auth, make):
    make.user("staff", email="sam@example.org", name="Sam Patel")
    response = auth.login("sam@example.org")
    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard"
    page = client.get("/dashboard")
    assert "Sam Patel" in page_text(page)


def test_email_is_matched_whatever_its_case_and_spaces(client, auth, make):
    make.user("staff", email="sam@example.org")
    assert auth.login("  SAM@Example.org ").status_code == 302


def test_wrong_password_and_unknown_email_get_the_same_message(client, auth, make):
    make.user("staff", email="sam@example.org")
    wrong_password = page_text(auth.login("sam@example.org", "not the password"))
    unknown_email = page_text(auth.login("nobody@example.org", PASSWORD))
    for page in (wrong_password, unknown_email):
        assert "There is a problem" in page
        assert "Enter a correct email address and password" in page
        assert "<title>Error: Sign in" in page
    # What was typed in the email box is kept; the password never comes back.
    assert 'value="sam@example.org"' in wrong_password
    assert "not the password" not in wrong_password


def test_empty_form_names_each_missing_field(auth):
    page = page_text(auth.post("/login", {"email": "", "password": ""}))
    assert "Enter your email address" in page
    assert "Enter your password" in page
    assert 'href="#email"' in page and 'href="#password"' in page


def test_disabled_account_cannot_sign_in(app, auth, make):
    user = make.user("staff", email="gone@example.org")
    with app.app_context():
        from crm.auth.models import User
        from crm.users.services import disable_user

        admin = db.session.get(User, make.user("admin").id)
        disable_user(admin, db.session.get(User, user.id))
        db.session.commit()
    page = page_text(auth.login("gone@example.org"))
    assert "Enter a correct email address and password" in page


def test_next_takes_you_back_to_a_page_on_this_site(client, auth, make):
    make.user("staff", email="sam@example.org")
    first = client.get("/organisations/?q=police")
    assert first.status_code == 302
    assert first.headers["Location"].startswith("/login?next=")
    response = auth.login("sam@example.org", next_path="/organisations/%3Fq%3Dpolice")
    assert response.headers["Location"] == "/organisations/?q=police"


def test_next_never_leaves_the_site(auth, make, client):
    make.user("staff", email="sam@example.org")
    for target in (
        "https://evil.example.com/",
        "//evil.example.com/",
        "/\\evil.example.com",
        "javascript:alert(1)",
        "http:/evil.example.com",
    ):
        auth.logout()
        response = auth.login("sam@example.org", next_path=target)
        assert response.status_code == 302, target
        assert response.headers["Location"] == "/dashboard", target


def test_failed_attempts_on_one_account_are_throttled(auth, make):
    make.user("staff", email="sam@example.org")
    for _ in range(5):
        assert auth.login("sam@example.org", "wrong password").status_code == 200
    blocked = auth.login("sam@example.org", PASSWORD)
    assert blocked.status_code == 429
    assert "Too many attempts" in page_text(blocked)
    # Another account from the same address is not locked by it.
    make.user("staff", email="other@example.org")
    assert auth.login("other@example.org").status_code == 302


def test_failed_attempts_from_one_address_are_throttled(auth, make):
    make.user("staff", email="sam@example.org")
    for attempt in range(20):
        response = auth.login(f"guess{attempt}@example.org", "wrong password")
        assert response.status_code == 200
    assert auth.login("sam@example.org").status_code == 429


def test_successful_sign_ins_are_not_counted(auth, make):
    make.user("staff", email="sam@example.org")
    for _ in range(8):
        assert auth.login("sam@example.org").status_code == 302
        auth.logout()


def test_sign_out_ends_the_session_on_the_server(app, client, auth, make):
    make.user("staff", email="sam@example.org")
    auth.login("sam@example.org")
    stolen_cookie = client.get_cookie("crm_session").value
    response = auth.logout()
    assert response.headers["Location"] == "/login"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(UserSession)) == 0
    # Replaying the old cookie does not sign anyone in again.
    other = app.test_client()
    other.set_cookie("crm_session", stolen_cookie)
    assert other.get("/dashboard").status_code == 302


def test_disabling_an_account_ends_its_open_sessions(app, client, auth, make):
    user = make.user("staff", email="sam@example.org")
    auth.login("sam@example.org")
    assert client.get("/dashboard").status_code == 200
    with app.app_context():
        from crm.auth.models import User
        from crm.users.services import disable_user

        admin = db.session.get(User, make.user("admin").id)
        disable_user(admin, db.session.get(User, user.id))
        db.session.commit()
    assert client.get("/dashboard").status_code == 302


def test_session_cookie_is_http_only_and_lax_with_no_remember_me(client, auth, make):
    make.user("staff", email="sam@example.org")
    response = auth.login("sam@example.org")
    cookies = response.headers.getlist("Set-Cookie")
    session_cookie = next(c for c in cookies if c.startswith("crm_session="))
    assert "HttpOnly" in session_cookie
    assert "SameSite=Lax" in session_cookie
    assert not any(c.startswith("remember_token") for c in cookies)


def test_session_cookie_is_secure_over_https(app, make):
    make.user("staff", email="sam@example.org")
    client = app.test_client()
    app.config["SESSION_COOKIE_SECURE"] = True
    try:
        page = client.get("/login", base_url="https://localhost")
        set_cookie = page.headers.get("Set-Cookie", "")
        assert "Secure" in set_cookie
    finally:
        app.config["SESSION_COOKIE_SECURE"] = False


def test_signing_in_starts_a_fresh_session(client, auth, make):
    """Nothing put in the session before sign-in survives it (no session fixation)."""
    make.user("staff", email="sam@example.org")
    client.get("/login")
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    auth.login("sam@example.org")
    with client.session_transaction() as session:
        assert "planted" not in session
        assert "_user_id" in session


def test_expired_session_record_signs_out(app, client, auth, make):
    from datetime import timedelta

    from sqlalchemy import update

    from crm.database import utcnow

    make.user("staff", email="sam@example.org")
    auth.login("sam@example.org")
    with app.app_context():
        db.session.execute(update(UserSession).values(expires_at=utcnow() - timedelta(minutes=1)))
        db.session.commit()
    assert client.get("/dashboard").status_code == 302


def test_guessing_from_elsewhere_does_not_lock_the_owner_out(client, auth, make):
    make.user("staff", email="sam@example.org")
    token = auth.csrf_token()
    attacker = {"REMOTE_ADDR": "203.0.113.9"}
    for _ in range(6):
        client.post(
            "/login", data={"email": "sam@example.org", "password": "guess", "csrf_token": token}, environ_base=attacker
        )
    blocked = client.post(
        "/login", data={"email": "sam@example.org", "password": PASSWORD, "csrf_token": token}, environ_base=attacker
    )
    assert blocked.status_code == 429
    assert auth.login("sam@example.org").status_code == 302, "the owner, from their own address, signs in"


def test_behind_a_proxy_the_real_address_is_throttled(app, make):
    from crm import create_app

    make.user("staff", email="sam@example.org")
    proxied = create_app({**app.config, "CRM_PROXY_HOPS": 1})
    client = proxied.test_client()
    auth = AuthActions(client)
    token = auth.csrf_token()
    for attempt in range(20):
        client.post(
            "/login",
            data={"email": f"x{attempt}@example.org", "password": "guess", "csrf_token": token},
            headers={"X-Forwarded-For": "198.51.100.7"},
        )
    from_attacker = client.post(
        "/login",
        data={"email": "sam@example.org", "password": PASSWORD, "csrf_token": token},
        headers={"X-Forwarded-For": "198.51.100.7"},
    )
    assert from_attacker.status_code == 429
    # Everyone else comes through the same proxy but is not blocked.
    assert auth.login("sam@example.org").status_code == 302


def test_a_form_posted_after_the_session_ended_comes_back_to_itspage_text(app, client, auth, make):
    organisation = make.organisation()
    make.user("staff", email="sam@example.org")
    auth.login("sam@example.org")
    token = auth.csrf_token()
    with app.app_context():
        db.session.execute(UserSession.__table__.delete())
        db.session.commit()
    response = client.post(
        f"/organisations/{organisation.id}/archive",
        data={"csrf_token": token},
        headers={"Referer": f"http://localhost/organisations/{organisation.id}/archive"},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/login?next=/organisations/{organisation.id}/archive"


@pytest.mark.parametrize("header", ["Referer", "HX-Current-URL"])
def test_a_post_from_a_page_address_that_is_not_a_url_still_goes_to_sign_in(client, auth, header):
    """A header urlsplit cannot read ("http://[") names no page to come back to: no next=, no 500."""
    headers = {header: "http://["}
    if header == "HX-Current-URL":
        headers["HX-Request"] = "true"
    response = auth.post("/organisations/new", {"name": "x", "type": "police"}, headers=headers)
    if header == "HX-Current-URL":
        assert response.status_code == 401
        assert response.headers["HX-Redirect"] == "/login"
    else:
        assert response.status_code == 302
        assert response.headers["Location"] == "/login"
