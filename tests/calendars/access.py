"""The access matrix rows for calendars: a meeting's .ics follows the meeting's
own visibility; the account page and its feed buttons are everyone's own;
the feed itself is opened by its address alone, with or without a session.

A live feed address answers 200 to whoever holds it, signed in as anyone or
not at all: that is what it is for, and it shows its owner's meetings, which
the matrix's leak check would rightly count against the other organisation's
partner. So here the feed rows are the addresses that must answer 404 to
everyone (one reset away, one of a disabled user, one malformed);
tests/calendars/test_feed.py shows the live ones and what they hold.
"""

from sqlalchemy import select

from crm.auth.models import User
from crm.calendars import services as calendar_services
from crm.database import utcnow
from crm.extensions import db
from tests.access import LOGIN, Action, AreaAccess, To, register

ACCOUNT = To("/account")
NOBODY = (404, 404, 404, 404, 404)

# The nonce each signed-in user's feed was given before a request, to tell a reset.
_prepared: dict[int, str] = {}


def build(make, base):
    """Two feed addresses that no longer work, and the users the account rows act for."""
    # An own-organisation partner's address from before a reset.
    reset = make.user("partner", organisation=base.own_org, email="feed.reset@own.example", name="Reset Feed User")
    # An other-organisation partner's live address, whose account is then disabled.
    disabled = make.user(
        "partner", organisation=base.other_org, email="feed.disabled@other.example", name="Disabled Feed User"
    )
    with make.app.app_context():
        user = db.session.get(User, reset.id)
        old_token = calendar_services.start_feed(user)
        calendar_services.start_feed(user)
        user = db.session.get(User, disabled.id)
        disabled_token = calendar_services.start_feed(user)
        user.disabled_at = utcnow()
        db.session.commit()
    signed_in = [user.id for user in base.users.values() if user is not None]
    return {
        "own:feed": {"feed_token": old_token},
        "other:feed": {"feed_token": disabled_token},
        "account": {"account_users": signed_in},
    }


def _feeds(app, ids) -> dict[int, tuple[str | None, str | None]]:
    """(nonce, hash) of each signed-in role's user."""
    with app.app_context():
        users = db.session.scalars(select(User).where(User.id.in_(ids["account_users"])))
        return {user.id: (user.calendar_nonce, user.calendar_token_hash) for user in users}


def _give_everyone_a_feed(app, ids) -> None:
    with app.app_context():
        for user_id in ids["account_users"]:
            calendar_services.start_feed(db.session.get(User, user_id))
            _prepared[user_id] = db.session.get(User, user_id).calendar_nonce
        db.session.commit()


def _reset(app, ids) -> bool:
    return any(
        nonce is not None and nonce != _prepared.get(user_id) for user_id, (nonce, _) in _feeds(app, ids).items()
    )


register(
    AreaAccess(
        name="calendars",
        build=build,
        rows=[
            ("GET", "/meetings/{meeting}/calendar.ics", "own", (LOGIN, 200, 404, 200, 200), None),
            ("GET", "/meetings/{meeting}/calendar.ics", "other", (LOGIN, 404, 200, 200, 200), None),
            ("GET", "/meetings/{meeting}/calendar.ics", "own:sensitive", (LOGIN, 404, 404, 200, 200), None),
            ("GET", "/calendar/{feed_token}.ics", "own:feed", NOBODY, None),
            ("GET", "/calendar/{feed_token}.ics", "other:feed", NOBODY, None),
            ("GET", "/calendar/not-a-feed-token.ics", None, NOBODY, None),
            ("GET", "/account", None, (LOGIN, 200, 200, 200, 200), None),
            ("POST", "/account/calendar-feed", "account", (LOGIN, ACCOUNT, ACCOUNT, ACCOUNT, ACCOUNT), "feed_create"),
            ("POST", "/account/calendar-feed", "account", (LOGIN, ACCOUNT, ACCOUNT, ACCOUNT, ACCOUNT), "feed_reset"),
            ("POST", "/account/calendar-feed", "account", (LOGIN, ACCOUNT, ACCOUNT, ACCOUNT, ACCOUNT), "feed_stop"),
            # Only the page's buttons post here, and each says what it asks for.
            ("POST", "/account/calendar-feed", "account", (LOGIN, 400, 400, 400, 400), "feed_unknown"),
        ],
        actions={
            "feed_create": Action(
                {"change": "create"},
                done=lambda app, ids: any(hash_ is not None for _, hash_ in _feeds(app, ids).values()),
            ),
            "feed_reset": Action({"change": "reset"}, done=_reset, prepare=_give_everyone_a_feed),
            "feed_stop": Action(
                {"change": "stop"},
                done=lambda app, ids: any(hash_ is None for _, hash_ in _feeds(app, ids).values()),
                prepare=_give_everyone_a_feed,
            ),
            "feed_unknown": Action(
                {"change": "everything"},
                done=lambda app, ids: any(hash_ is not None for _, hash_ in _feeds(app, ids).values()),
            ),
        },
    )
)
