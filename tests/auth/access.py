"""The access matrix rows for signing in and out and changing one's own password."""

from tests.access import LOGIN, Action, AreaAccess, To, register

DASH = To("/dashboard")
SIGN_IN = To("/login")

register(
    AreaAccess(
        name="auth",
        rows=[
            ("GET", "/login", None, (200, DASH, DASH, DASH, DASH), None),
            ("POST", "/login", None, (200, DASH, DASH, DASH, DASH), "login_wrong_password"),
            # Signing out when already signed out is not an error: it ends in the same place.
            ("POST", "/logout", None, (SIGN_IN, SIGN_IN, SIGN_IN, SIGN_IN, SIGN_IN), "logout"),
            ("GET", "/account/password", None, (LOGIN, 200, 200, 200, 200), None),
            ("POST", "/account/password", None, (LOGIN, 200, 200, 200, 200), "password_wrong_current"),
        ],
        actions={
            "login_wrong_password": Action(
                {"email": "nobody@example.org", "password": "not the right password"},
                done=lambda app, ids: False,
            ),
            "logout": Action({}, done=None),  # checked by the matrix test itself: the session has ended
            # A wrong current password: the form comes back with an error and nothing changes.
            "password_wrong_current": Action(
                {
                    "current_password": "not it",
                    "new_password": "a brand new password",
                    "confirm_password": "a brand new password",
                },
                done=None,
            ),
        },
    )
)
