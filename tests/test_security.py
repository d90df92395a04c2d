"""Headers, CSRF, error pages and the htmx contract that every page keeps."""

from __future__ import annotations

import re
from io import BytesIO

import pytest
from sqlalchemy import func, select

from crm import ConfigurationError, create_app
from crm.extensions import db
from crm.organisations.models import Organisation
from crm.visibility import public
from tests.conftest import page_text


def test_strict_content_security_policy_with_a_fresh_nonce(client, staff):
    first = client.get("/organisations/")
    second = client.get("/organisations/")
    policy = first.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
    assert "style-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    assert nonce != re.search(r"'nonce-([^']+)'", second.headers["Content-Security-Policy"]).group(1)
    html = page_text(first)
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts, "the page loads its scripts"
    for tag in scripts:
        assert 'src="' in tag, f"inline script: {tag}"
        assert f'nonce="{nonce}"' in tag
    assert not re.search(r"<style\b", html)
    assert not re.search(r'\sstyle="', html)


def test_pages_are_not_cached_and_cannot_be_framed(client, staff):
    response = client.get("/dashboard")
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_htmx_is_configured_without_eval_or_injected_styles(client):
    html = page_text(client.get("/login"))
    config = re.search(r"<meta name=\"htmx-config\" content='([^']+)'", html).group(1)
    assert '"allowEval":false' in config
    assert '"includeIndicatorStyles":false' in config
    assert '"selfRequestsOnly":true' in config
    assert '"historyCacheSize":0' in config


def test_post_without_csrf_token_gets_a_clear_400(client, staff):
    response = client.post("/organisations/new", data={"name": "No token", "type": "police"})
    assert response.status_code == 400
    page = page_text(response)
    assert "Your form could not be sent" in page
    assert "Nothing you sent has been saved" in page


def test_htmx_post_needs_the_csrf_header(client, staff):
    without = client.post("/logout", headers={"HX-Request": "true"})
    assert without.status_code == 400
    token = staff.csrf_token()
    with_header = client.post("/logout", headers={"HX-Request": "true", "X-CSRFToken": token})
    assert with_header.status_code == 302


def test_login_form_needs_csrf_too(client):
    response = client.post("/login", data={"email": "a@example.org", "password": "x"})
    assert response.status_code == 400


def test_friendly_404(client, staff):
    response = client.get("/organisations/999999")
    assert response.status_code == 404
    page = page_text(response)
    assert "Page not found" in page
    assert "Go to your dashboard" in page


def test_htmx_error_answers_with_a_fragment_into_the_main_content(client, staff):
    response = client.get("/organisations/999999", headers={"HX-Request": "true"})
    assert response.status_code == 404
    assert response.headers["HX-Retarget"] == "#main-content"
    assert response.headers["HX-Reswap"] == "innerHTML"
    page = page_text(response)
    assert "Page not found" in page
    assert "<html" not in page


def test_htmx_request_with_expired_login_is_sent_to_sign_in(client):
    response = client.get("/organisations/?q=x", headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/login?next=")


def test_list_answers_htmx_with_a_fragment_and_varies_on_it(client, staff, make):
    make.organisation(name="Thames Valley Police")
    full = client.get("/organisations/?q=thames")
    fragment = client.get("/organisations/?q=thames", headers={"HX-Request": "true"})
    restore = client.get(
        "/organisations/?q=thames",
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )
    for response in (full, fragment, restore):
        assert "HX-Request" in response.headers["Vary"]
        assert "Thames Valley Police" in page_text(response)
    assert "<html" in page_text(full)
    assert "<html" not in page_text(fragment)
    assert 'id="result-count"' in page_text(fragment)
    assert "<html" in page_text(restore), "a history restore gets the whole page"


def test_too_large_a_request_is_refused_politely(client, staff):
    response = client.post(
        "/organisations/new",
        data={"csrf_token": staff.csrf_token(), "notes": "x" * (1024 * 1024 + 10)},
    )
    assert response.status_code == 413
    assert "What you sent is too large" in page_text(response)


def test_unexpected_errors_get_a_friendly_500(tmp_path):
    app = create_app({"TESTING": False, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite3'}"})

    @app.get("/boom")
    @public  # open to anyone, so that the error is reached without signing in
    def boom():
        raise RuntimeError("boom")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in page_text(response)
    assert "RuntimeError" not in page_text(response)


def test_production_refuses_the_development_secret_key(monkeypatch, tmp_path):
    monkeypatch.setenv("CRM_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite3'}"})
    monkeypatch.setenv("SECRET_KEY", "short")
    with pytest.raises(ConfigurationError):
        create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite3'}"})
    monkeypatch.setenv("SECRET_KEY", "k" * 48)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite3'}"})
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_sqlite_connections_use_wal_and_foreign_keys(tmp_path):
    from sqlalchemy import text

    from crm.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite3'}"})
    with app.app_context():
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert db.session.execute(text("PRAGMA busy_timeout")).scalar() == 5000


def test_a_query_string_of_raw_bytes_that_are_not_utf8_gets_a_clear_400(client, staff):
    """Werkzeug cannot decode such bytes into request.args; only a hostile client sends them."""
    for path in ("/organisations/", "/login"):
        response = client.get(path, environ_overrides={"QUERY_STRING": "q=caf\xe9"})
        assert response.status_code == 400, path
        assert "There is a problem with your request" in page_text(response)
    # Percent-encoded, as a browser sends them, the same bytes are read as before.
    assert client.get("/organisations/?q=caf%E9").status_code == 200


def test_a_file_sent_to_a_form_gets_a_clear_400_and_saves_nothing(app, client, auth, make):
    """No form takes a file; WTForms would hand a text field the file object, which it cannot measure."""
    response = client.post(
        "/login",
        data={"csrf_token": auth.csrf_token(), "email": (BytesIO(b"a@example.org"), "email.txt"), "password": "x"},
    )
    assert response.status_code == 400
    make.user("staff", email="staff@example.org")
    auth.login("staff@example.org")
    response = client.post(
        "/organisations/new",
        data={"csrf_token": auth.csrf_token(), "name": "Uploaded", "type": "police", "notes": (BytesIO(b"x"), "n.txt")},
    )
    assert response.status_code == 400
    assert "There is a problem with your request" in page_text(response)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Organisation)) == 0


def test_ids_are_ascii_digits_only(client, staff, make):
    """A full-width "１" is not the id 1, in the path or in the query string."""
    organisation = make.organisation()
    fullwidth = "".join(chr(ord("０") + int(digit)) for digit in str(organisation.id))
    assert client.get(f"/organisations/{organisation.id}").status_code == 200
    assert client.get(f"/organisations/{fullwidth}").status_code == 404
    form = client.get(f"/contacts/new?organisation_id={fullwidth}")
    assert (
        form.status_code == 200
        and "selected" not in form.get_data(as_text=True).split('id="organisation_id"')[1].split("</select>")[0]
    )
