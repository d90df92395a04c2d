"""Test harness: the app on SQLite and on a real PostgreSQL server, a login
helper, factories, a query counter and a live server for browser tests.

Every test that uses `app` runs twice, once per database. PostgreSQL is taken
from TEST_DATABASE_URL (default: the local server on 127.0.0.1:5432); the
tests create a database of their own with a unique name and drop it at the
end. Where no PostgreSQL answers, that half is skipped with a visible line -
unless CRM_TESTS_STRICT=1 (set by .ci/run), where it fails instead.
"""

from __future__ import annotations

import os
import re
import secrets
import threading
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, select
from sqlalchemy.engine import make_url
from werkzeug.serving import make_server

from crm import create_app, records
from crm.auth import services as auth_services
from crm.auth.models import Role
from crm.contacts import services as contact_services
from crm.extensions import db, limiter
from crm.meetings import services as meeting_services
from crm.meetings.models import MeetingStatus
from crm.organisations import services as organisation_services
from crm.reference import defaults as reference_defaults
from crm.reference import services as reference_services
from crm.reference.models import ExclusionGroup, IssueCategory
from crm.series import services as series_services

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
STRICT = os.environ.get("CRM_TESTS_STRICT") == "1"
PASSWORD = "correct horse battery staple"

_backend_report: dict[str, str] = {}


def skip_or_fail(reason: str):
    """Skip with `reason`, or fail where CI demands that everything runs."""
    if STRICT:
        pytest.fail(f"{reason} (CRM_TESTS_STRICT=1: this must run)", pytrace=False)
    pytest.skip(reason)


# --- databases ------------------------------------------------------------


def _postgres_admin_url() -> str:
    return os.environ.get("TEST_DATABASE_URL", DEFAULT_POSTGRES_URL)


def _psycopg_dsn(url) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


@contextmanager
def _temporary_postgres_database():
    import psycopg

    admin_url = make_url(_postgres_admin_url())
    try:
        admin = psycopg.connect(_psycopg_dsn(admin_url), autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as error:
        message = f"PostgreSQL not reachable at {admin_url.render_as_string()}: {error}".strip()
        _backend_report["postgresql"] = "SKIPPED - " + message.splitlines()[0]
        skip_or_fail(message.splitlines()[0])
    name = f"crm_test_{uuid.uuid4().hex[:12]}"
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            _backend_report["postgresql"] = f"ran against {admin_url.set(database=name).render_as_string()}"
            yield admin_url.set(drivername="postgresql+psycopg", database=name).render_as_string(hide_password=False)
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request, tmp_path_factory):
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("sqlite") / "crm-test.sqlite3"
        _backend_report["sqlite"] = f"ran against {path}"
        yield f"sqlite:///{path}"
    else:
        with _temporary_postgres_database() as url:
            yield url


@pytest.fixture(scope="session")
def _session_app(database_url, tmp_path_factory):
    """One app per database, its schema built by the real migrations."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": secrets.token_urlsafe(32),
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SERVER_NAME": None,
            # Email the workflow sends goes to files here, not under the checkout's instance/.
            "CRM_OUTBOX_DIR": str(tmp_path_factory.mktemp("outbox")),
            # The test client's host: links in email and calendars point where the tests ask.
            "CRM_BASE_URL": "http://localhost",
        }
    )
    from flask_migrate import upgrade

    with app.app_context():
        upgrade()
        # Every test starts from an empty database, the first one too: the
        # migrations' own rows (the reference lists) come from factories.
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
        db.session.commit()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def app(_session_app):
    """The app with an empty database and a fresh login throttle."""
    yield _session_app
    with _session_app.app_context():
        db.session.remove()
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
        db.session.commit()
    limiter.reset()


@pytest.fixture
def client(app):
    return app.test_client()


# --- logging in -------------------------------------------------------------

_CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


class AuthActions:
    """Sign a test client in and out, and give it CSRF tokens for its posts."""

    def __init__(self, client):
        self._client = client

    def csrf_token(self) -> str:
        # Signed in, /login redirects to the dashboard: both carry the token.
        page = self._client.get("/login", follow_redirects=True)
        match = _CSRF_META.search(page.get_data(as_text=True))
        assert match, "every page carries the session's CSRF token"
        return match.group(1)

    def login(self, email: str, password: str = PASSWORD, follow_redirects=False, next_path=None):
        token = self.csrf_token()
        url = "/login" + (f"?next={next_path}" if next_path else "")
        return self._client.post(
            url,
            data={"email": email, "password": password, "csrf_token": token},
            follow_redirects=follow_redirects,
        )

    def logout(self):
        return self._client.post("/logout", data={"csrf_token": self.csrf_token()})

    def post(self, url: str, data: dict | None = None, **kwargs):
        """A form post as the browser sends it, with the session's CSRF token."""
        return self._client.post(url, data={**(data or {}), "csrf_token": self.csrf_token()}, **kwargs)


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def staff(client, auth, make):
    """`client` signed in as a member of staff; the fixture is its AuthActions."""
    make.user("staff", email="staff@example.org")
    auth.login("staff@example.org")
    return auth


def page_text(response) -> str:
    return response.get_data(as_text=True)


# --- factories --------------------------------------------------------------


@dataclass
class Factories:
    """Create records as committed, detached objects (safe to read after)."""

    app: object
    _counter: list = field(default_factory=lambda: [0])

    def _next(self) -> int:
        self._counter[0] += 1
        return self._counter[0]

    def _detached(self, obj):
        db.session.commit()
        db.session.refresh(obj)
        db.session.expunge(obj)
        return obj

    def organisation(self, name=None, type="police", area="Bedfordshire", **fields):
        with self.app.app_context():
            organisation = organisation_services.create_organisation(
                {"name": name or f"Organisation {self._next()}", "type": type, "area": area, **fields}
            )
            return self._detached(organisation)

    def contact(self, organisation, name=None, **fields):
        with self.app.app_context():
            contact = contact_services.create_contact(
                {"organisation_id": organisation.id, "name": name or f"Person {self._next()}", **fields}
            )
            return self._detached(contact)

    def series(self, name=None, members=(), **fields):
        with self.app.app_context():
            series = series_services.create_series(
                {"name": name or f"Series {self._next()}", "member_ids": [o.id for o in members], **fields}
            )
            return self._detached(series)

    def meeting(self, title=None, *, series=None, organisations=(), status=None, **fields):
        """A meeting (a partnership meeting tomorrow, unless told otherwise), at lifecycle `status`."""
        values = {
            "title": title or f"Meeting {self._next()}",
            "kind": "partnership_meeting",
            "starts_at": datetime.now(UTC) + timedelta(days=1),
            "series_id": series.id if series else None,
            **fields,
        }
        with self.app.app_context():
            meeting = meeting_services.create_meeting(values, organisation_ids=[o.id for o in organisations])
            if status is not None:
                meeting.status = MeetingStatus(status)
            return self._detached(meeting)

    def action(self, owner, title=None, *, status=None, last_update_at=None, **fields):
        """An action of `owner` raised on its own (open, updated now, unless told otherwise)."""
        from crm.actions import services as action_services
        from crm.actions.models import ActionStatus

        with self.app.app_context():
            action = action_services.raise_action(
                {"title": title or f"Action {self._next()}", "owner_id": owner.id, **fields}
            )
            if status is not None:
                action.status = ActionStatus(status)
            if last_update_at is not None:
                action.last_update_at = last_update_at
            return self._detached(action)

    def issue(self, title=None, *, raised_by=None, categories=("Hate crime",), groups=(), actions=(), **fields):
        """A community issue raised today (by `raised_by`), in the named categories
        and affecting the named groups (each made if the list lacks it)."""
        from crm.issues import services as issue_services

        def entries(model, names):
            found = []
            for name in names:
                entry = db.session.scalar(select(model).where(model.name == name))
                found.append(entry or reference_services.add_entry(model, {"name": name, "description": ""}))
            return [entry.id for entry in found]

        with self.app.app_context():
            values = {
                "title": title or f"Issue {self._next()}",
                "raised_by_id": raised_by.id if raised_by else None,
                "category_ids": entries(IssueCategory, categories),
                "group_ids": entries(ExclusionGroup, groups),
                **fields,
            }
            issue = issue_services.raise_issue(values)
            if actions:
                linked = [db.session.get(type(action), action.id) for action in actions]
                records.update(issue, {"actions": linked})
            return self._detached(issue)

    def category(self, name=None, description="", *, archived=False):
        """An issue category, at the end of the list (archived if asked)."""
        return self._reference_entry(IssueCategory, name or f"Category {self._next()}", description, archived)

    def group(self, name=None, description="", *, archived=False):
        """A group at increased risk of exclusion, at the end of the list (archived if asked)."""
        return self._reference_entry(ExclusionGroup, name or f"Group {self._next()}", description, archived)

    def reference_defaults(self):
        """Both lists as migration 0007 first fills them: (categories, groups)."""
        categories = [self.category(name, description) for name, description in reference_defaults.CATEGORIES]
        groups = [self.group(name, description) for name, description in reference_defaults.GROUPS]
        return categories, groups

    def _reference_entry(self, model, name, description, archived):
        with self.app.app_context():
            entry = reference_services.add_entry(model, {"name": name, "description": description})
            if archived:
                records.archive(entry)
            return self._detached(entry)

    def user(self, role="staff", organisation=None, email=None, name=None, password=PASSWORD):
        with self.app.app_context():
            user = auth_services.create_user(
                email=email or f"user{self._next()}@example.org",
                name=name or "Test User",
                password=password,
                role=Role(role),
                organisation_id=organisation.id if organisation else None,
            )
            return self._detached(user)


@pytest.fixture
def make(app):
    return Factories(app)


# --- counting SQL -----------------------------------------------------------


@pytest.fixture
def count_queries(app):
    """`with count_queries() as counter: ...` then `counter.count`."""

    @contextmanager
    def counting():
        class Counter:
            count = 0

        counter = Counter()

        def before_cursor_execute(*args, **kwargs):
            counter.count += 1

        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", before_cursor_execute)
        try:
            yield counter
        finally:
            event.remove(engine, "before_cursor_execute", before_cursor_execute)

    return counting


# --- a live server for the browser ------------------------------------------


@pytest.fixture(scope="session")
def live_server(_session_app):
    server = make_server("127.0.0.1", 0, _session_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


def pytest_terminal_summary(terminalreporter):
    terminalreporter.section("databases")
    for backend in ("sqlite", "postgresql"):
        terminalreporter.write_line(f"{backend}: {_backend_report.get(backend, 'not used')}")
