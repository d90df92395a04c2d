"""Security events: one structured line each in the application log, never a secret."""

from __future__ import annotations

import json
import logging

import pytest

from crm.security import security_log
from tests.conftest import PASSWORD, AuthActions


@pytest.fixture
def events(caplog):
    """The security events logged during the test, as dicts."""
    security_log.addHandler(caplog.handler)
    caplog.set_level(logging.INFO, logger=security_log.name)
    yield lambda: [json.loads(r.getMessage()) for r in caplog.records if r.name == security_log.name]
    security_log.removeHandler(caplog.handler)


def test_sign_in_failure_sign_out_and_password_change_are_logged(client, auth, make, events):
    user = make.user("staff", email="sam@example.org")
    auth.login("sam@example.org", "not my password at all")
    auth.login("sam@example.org")
    auth.post(
        "/account/password",
        {
            "current_password": PASSWORD,
            "new_password": "a new long password",
            "confirm_password": "a new long password",
        },
    )
    auth.logout()
    logged = events()
    assert [e["event"] for e in logged] == ["sign_in_failed", "signed_in", "password_changed", "signed_out"]
    for event in logged:
        assert {"time", "event", "user_id", "address", "route"} <= event.keys()
        assert event["address"] == "127.0.0.1"
    assert logged[0]["user_id"] is None and logged[0]["route"] == "POST /login"
    assert {e["user_id"] for e in logged[1:]} == {user.id}
    text = json.dumps(logged)
    for secret in (PASSWORD, "not my password at all", "a new long password", "argon2"):
        assert secret not in text


def test_refused_access_and_missing_records_by_id_are_logged(app, client, auth, make, events):
    own = make.organisation("Own Org")
    other = make.organisation("Other Org")
    partner = make.user("partner", organisation=own, email="p@example.org")
    auth.login("p@example.org")
    assert client.get(f"/organisations/{other.id}").status_code == 404
    assert client.get("/organisations/new").status_code == 403
    assert client.get("/no-such-page").status_code == 404  # not an id route: no event
    refused = [e for e in events() if e["event"] == "access_refused"]
    assert [(e["status"], e["route"]) for e in refused] == [
        (404, f"GET /organisations/{other.id}"),
        (403, "GET /organisations/new"),
    ]
    assert {e["user_id"] for e in refused} == {partner.id}


def test_throttling_is_logged(app, auth, make, events):
    make.user("staff", email="sam@example.org")
    for _ in range(12):
        response = auth.login("sam@example.org", "wrong password guessed")
    assert response.status_code == 429
    assert "throttled" in [e["event"] for e in events()]


def test_an_admin_disabling_an_account_or_changing_a_role_is_logged(app, make, events):
    admin_user = make.user("admin", email="admin@example.org")
    police = make.organisation("Bedfordshire Police")
    user = make.user("staff", email="sam@example.org", name="Sam")
    admin = AuthActions(app.test_client())
    admin.login("admin@example.org")
    admin.post(
        f"/admin/users/{user.id}/edit",
        {"name": "Sam", "email": "sam@example.org", "role": "partner", "organisation_id": str(police.id)},
    )
    admin.post(f"/admin/users/{user.id}/disable")
    logged = {e["event"]: e for e in events()}
    assert logged["role_changed"]["subject_id"] == user.id
    assert logged["role_changed"]["role"] == "partner"
    assert logged["role_changed"]["user_id"] == admin_user.id
    assert logged["account_disabled"]["subject_id"] == user.id
