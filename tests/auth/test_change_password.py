"""Changing your own password."""

from __future__ import annotations

from tests.conftest import PASSWORD, AuthActions, page_text


def test_change_your_password_and_other_sessions_end(app, client, auth, make):
    make.user("partner", organisation=make.organisation(), email="p@example.org")
    auth.login("p@example.org")
    elsewhere = AuthActions(app.test_client())
    elsewhere.login("p@example.org")

    response = auth.post(
        "/account/password",
        {
            "current_password": PASSWORD,
            "new_password": "three unrelated words",
            "confirm_password": "three unrelated words",
        },
    )
    assert response.headers["Location"] == "/dashboard"
    assert "Your password has been changed" in page_text(client.get("/dashboard"))
    assert elsewhere._client.get("/dashboard").status_code == 302, "the other browser is signed out"
    fresh = AuthActions(app.test_client())
    assert fresh.login("p@example.org", PASSWORD).status_code == 200
    assert fresh.login("p@example.org", "three unrelated words").status_code == 302


def test_change_password_mistakes(client, auth, make):
    make.user("staff", email="s@example.org")
    auth.login("s@example.org")
    page = page_text(
        auth.post(
            "/account/password",
            {
                "current_password": "wrong",
                "new_password": "three unrelated words",
                "confirm_password": "three unrelated words",
            },
        )
    )
    assert "Your current password is not right" in page
    page = page_text(
        auth.post(
            "/account/password",
            {"current_password": PASSWORD, "new_password": "short", "confirm_password": "different"},
        )
    )
    assert "Password must be 12 characters or more" in page
    assert "The passwords do not match" in page
    assert 'href="#new_password"' in page
    assert "<title>Error: Change your password" in page
    assert AuthActions(client.application.test_client()).login("s@example.org", PASSWORD).status_code == 302
