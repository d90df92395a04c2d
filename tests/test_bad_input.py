"""Bad input, everywhere: the standing fuzz.

Every route in the URL map (read from it, so a route added later is fuzzed
without anyone remembering to), as every role, gets what a careless or
hostile client sends: values longer than every field limit and bodies over
MAX_CONTENT_LENGTH, NUL characters, bytes that are not UTF-8, bad ids
(negative, zero, past the database's integers, not numbers) in the path, in
the query string and in form fields, repeated parameters, bodies of the wrong
content type, htmx headers, and posts with and without a valid CSRF token.

Whatever comes in, two rules hold for every answer:

* never a 5xx. With TESTING on an exception reaches the test instead of the
  error page; it counts as the 500 a user would see;
* the database is exactly as it was unless the answer is a 302 redirect (the
  only way a change succeeds). Even after a redirect no stored text holds a
  NUL or breaks its limit, and a role changes only what it may: anonymous
  and partner users nothing but their own sign-in, staff no user accounts.

Some cases also have a fixed answer: 413 for a body over MAX_CONTENT_LENGTH;
400 for a NUL, a file, a query string of raw bytes that are not UTF-8 or a
missing CSRF token; 404 for a bad id in the path. Posts carry the session's
valid CSRF token unless the case is about the token, and the tests check that
they got past it to the handlers: a fuzz stopped at the door proves nothing.

The shape: a fixed table of cases plus a
derandomised hypothesis run with few examples,

* every route once per role with the bad-id cases (every other one as htmx);
* the whole table against one route of each kind in each area: list, detail,
  form post, fragment (the list asked for by htmx) and download (a route
  named download, export, csv or pdf; PDF routes get only the bad ids);
* hypothesis: arbitrary text and bytes in the query string and the form
  fields of each area's list and form post.

Each failure names the method, the URL, the role and the case; a test lists
all its failures at once. A new route whose path names a record the fuzz
does not know fails with a message saying where to add one (World.ids).
"""

from __future__ import annotations

import importlib
import itertools
import json
import pkgutil
import re
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from urllib.parse import quote, quote_from_bytes

import pytest
from argon2 import PasswordHasher
from flask_wtf import FlaskForm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wtforms.fields.core import UnboundField
from wtforms.validators import Length

from crm import create_app
from crm.auth import services as auth_services
from crm.auth.models import User
from crm.calendars.services import start_feed
from crm.contacts.models import Contact
from crm.extensions import db, limiter
from crm.meetings import services as meeting_services
from crm.meetings.models import Meeting
from tests.test_access_matrix import snapshot

ROLES = ("anonymous", "partner", "staff", "admin")
MIB = 1024 * 1024

# What each role may change, when a request of its succeeds (302).
MAY_CHANGE = {
    "anonymous": {"user_sessions"},
    "partner": {"user_sessions"},
    # With the history each change writes.
    "staff": {"user_sessions", "organisations", "contacts", "meeting_series", "series_members", "history"},
    "admin": None,  # anything
}

# Ids that are not ids, as they appear in a URL (already percent-encoded).
BAD_IDS = (
    "-1",
    "0",
    str(2**31),
    str(10**30),
    "-" + str(10**30),
    "9" * 5000,  # more digits than int() converts
    "abc",
    "1.5",
    "1e3",
    "0x10",
    "%201",
    "%2B1",
)


# --- what the app is made of, read from the code --------------------------------


def _form_classes():
    """Every form of the app (each module imported, so that a new area's count too)."""
    import crm

    for module in pkgutil.walk_packages(crm.__path__, "crm."):
        importlib.import_module(module.name)

    def walk(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from walk(sub)

    return [cls for cls in walk(FlaskForm) if cls.__module__.startswith("crm.")]


def _form_fields() -> tuple[list[str], dict[str, int]]:
    """Every field name any form has, and the longest each may be."""
    names, limits = set(), {}
    for form_class in _form_classes():
        for name in dir(form_class):
            unbound = getattr(form_class, name, None)
            if not isinstance(unbound, UnboundField):
                continue
            names.add(name)
            validators = list(unbound.kwargs.get("validators") or ())
            validators += [v for arg in unbound.args if isinstance(arg, list | tuple) for v in arg]
            for validator in validators:
                if isinstance(validator, Length) and validator.max >= 0:
                    limits[name] = max(limits.get(name, 0), validator.max)
    return sorted(names), limits


FORM_FIELDS, FIELD_LIMITS = _form_fields()


def _column_limits() -> int:
    return max(
        (getattr(column.type, "length", None) or 0 for table in db.metadata.sorted_tables for column in table.columns),
        default=0,
    )


# Longer than every form field and every column allows.
LONG = "x" * (max([*FIELD_LIMITS.values(), _column_limits()]) + 1)


def _query_args() -> list[str]:
    """The query-string arguments the code reads, found in its source."""
    source = "\n".join(path.read_text() for path in Path(__file__).parents[1].joinpath("crm").rglob("*.py"))
    found = set(re.findall(r"(?:args|values)\.get\(\s*[\"'](\w+)", source))
    found |= set(re.findall(r"int_arg\(\s*[\"'](\w+)", source))
    return sorted(found)


QUERY_ARGS = _query_args()


# --- the routes, by kind -----------------------------------------------------------

_ARGUMENT = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")


@dataclass(frozen=True)
class Route:
    endpoint: str
    rule: str
    method: str

    @property
    def area(self) -> str:
        return self.endpoint.rpartition(".")[0] or self.endpoint

    @property
    def arguments(self) -> list[tuple[str, str]]:
        """(converter, name) for each variable part of the rule."""
        return [(converter or "default", name) for converter, name in _ARGUMENT.findall(self.rule)]

    def url(self, **values) -> str:
        return _ARGUMENT.sub(lambda match: str(values[match.group(2)]), self.rule)

    @property
    def is_download(self) -> bool:
        return bool(re.search(r"download|export|csv|pdf", f"{self.endpoint} {self.rule}", re.IGNORECASE))

    @property
    def is_pdf(self) -> bool:
        return "pdf" in f"{self.endpoint} {self.rule}".lower()


def all_routes(app) -> list[Route]:
    routes = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            routes.append(Route(rule.endpoint, rule.rule, method))
    return routes


def routes_by_kind(app) -> list[tuple[str, Route]]:
    """One route of each kind in each area: (kind, route).

    list: a GET with no variable parts; detail: a GET of one record; form
    post: the POST of a page that is also a GET; fragment: the list, asked for
    by htmx; download: a GET that sends a file. PDF routes only get bad ids.
    """
    routes = all_routes(app)
    posted = {route.rule for route in routes if route.method == "POST"}
    chosen: dict[tuple[str, str], Route] = {}
    # An area's index is its list; a form with no record behind it (a "new"
    # form) goes before one that changes a record of the world.
    for route in sorted(routes, key=lambda r: (not r.endpoint.endswith(".index"), bool(r.arguments))):
        form_page = route.rule in posted
        if route.is_download:
            kinds = ["download"] if route.method == "GET" and not route.is_pdf else []
        elif route.method == "GET" and not form_page:
            kinds = ["detail"] if route.arguments else ["list", "fragment"]
        elif route.method == "POST" and form_page and route.rule in {r.rule for r in routes if r.method == "GET"}:
            kinds = ["form post"]
        else:
            kinds = []
        for kind in kinds:
            chosen.setdefault((route.area, kind), route)
    return sorted(((kind, route) for (_, kind), route in chosen.items()), key=lambda pair: (pair[1].area, pair[0]))


# --- the world every request runs in -------------------------------------------------


@pytest.fixture(autouse=True)
def _cheap_password_hashing(monkeypatch):
    """argon2 at minimal cost: sign-ins here test nothing about hashing."""
    monkeypatch.setattr(auth_services, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


@pytest.fixture(autouse=True)
def _no_login_throttle(app):
    """Hundreds of failed sign-ins from one address: every one must reach the
    handler, not the throttle (tests/auth covers throttling)."""
    limiter.enabled = False
    yield
    limiter.enabled = True


@dataclass
class World:
    users: dict  # role -> User or None
    ids: dict  # a route's argument name -> the id of a record every role can reach by it


@pytest.fixture
def world(make):
    own = make.organisation("Own Org")
    other = make.organisation("Other Org", type="probation")
    own_contact = make.contact(own, "Own Person")
    make.contact(other, "Other Person")
    own_series = make.series("Own Panel", members=[own])
    colleague = make.user("partner", organisation=own, email="colleague@own.example")
    users = {
        "anonymous": None,
        "partner": make.user("partner", organisation=own, email="partner@own.example"),
        "staff": make.user("staff", email="staff@example.org"),
        "admin": make.user("admin", email="admin@example.org"),
    }
    meeting = make.meeting("Own Meeting", organisations=[own], status="circulated")
    with make.app.app_context():
        attendance = meeting_services.add_attendee(
            db.session.get(Meeting, meeting.id), db.session.get(Contact, own_contact.id)
        )
        db.session.commit()
        attendance_id = attendance.id
    with make.app.app_context():
        # The partner's calendar feed: its address is /calendar/<token>.ics.
        feed_token = start_feed(db.session.get(User, users["partner"].id))
        db.session.commit()
    ids = {
        "organisation_id": own.id,
        "contact_id": own_contact.id,
        "user_id": colleague.id,
        "meeting_id": meeting.id,
        "series_id": own_series.id,
        "step": "approve",
        **_minutes(make.app, meeting, own),
        "attendance_id": attendance_id,
        "token": feed_token,
        # A reference list, and an entry of it.
        "kind": "categories",
        "entry_id": make.category("Own Category").id,
        # A table of the panel report, as its CSV is named.
        "table": "groups",
    }
    ids["request_id"] = _request(make.app, ids["action_id"], users["partner"])
    ids["issue_id"] = _issue(make, own, ids["action_id"], meeting.id)
    return World(users, ids)


def _issue(make, organisation, action_id: int, meeting_id: int) -> int:
    """A community issue the partner's organisation raised, with the world's action and meeting linked."""
    from crm.actions.models import Action

    issue = make.issue("Own Issue", raised_by=organisation)
    with make.app.app_context():
        from crm import records
        from crm.issues.models import CommunityIssue

        record = db.session.get(CommunityIssue, issue.id)
        links = {"actions": [db.session.get(Action, action_id)], "meetings": [db.session.get(Meeting, meeting_id)]}
        records.update(record, links)
        db.session.commit()
    return issue.id


def _request(app, action_id: int, partner) -> int:
    """A new due date asked for on the world's action, waiting for staff."""
    from datetime import date

    from crm.actions.models import Action
    from crm.actions.services import request_new_date
    from crm.auth.models import User

    with app.app_context():
        action = db.session.get(Action, action_id)
        request = request_new_date(action, date(2099, 1, 1), "More time", db.session.get(User, partner.id))
        db.session.commit()
        return request.id


def _minutes(app, meeting, organisation) -> dict:
    """An agenda item of the world's meeting with a note and an action, and feedback on it."""
    from crm.actions.services import create_action
    from crm.meetings import services
    from crm.meetings.models import Meeting

    with app.app_context():
        item = services.add_item(db.session.get(Meeting, meeting.id), {"title": "Own Item"})
        note = services.add_note(item, {"text": "Own note"})
        action = create_action(item, {"title": "Own action", "owner_id": organisation.id})
        feedback = services.add_feedback(db.session.get(Meeting, meeting.id), {"quote": "Good", "attribution": "Chair"})
        db.session.commit()
        return {"item_id": item.id, "note_id": note.id, "action_id": action.id, "feedback_id": feedback.id}


# --- sending and checking ----------------------------------------------------------------


def _short(text: str, limit: int = 160) -> str:
    text = str(text)
    return text if len(text) <= limit else f"{text[:limit]}…({len(text)} chars)"


def _raised_where(error: BaseException) -> str:
    """The last line of our own code the exception passed through."""
    frames = traceback.extract_tb(error.__traceback__)
    ours = [frame for frame in frames if "/crm/" in frame.filename] or frames
    frame = ours[-1]
    return f"{frame.filename}:{frame.lineno} in {frame.name}"


def describe_change(before: dict, after: dict) -> str:
    parts = []
    for table in after:
        gone, came = set(before[table]) - set(after[table]), set(after[table]) - set(before[table])
        if gone or came:
            parts.append(
                f"{table}: removed {_short(sorted(gone, key=repr), 300)}, added {_short(sorted(came, key=repr), 300)}"
            )
    return "; ".join(parts)


def broken_values(before: dict, after: dict) -> list[str]:
    """Stored text that no form should have let through."""
    problems = []
    for table in db.metadata.sorted_tables:
        for row in set(after[table.name]) - set(before[table.name]):
            for column, value in zip(table.columns, row, strict=True):
                if not isinstance(value, str):
                    continue
                limit = getattr(column.type, "length", None) or FIELD_LIMITS.get(column.name)
                if "\x00" in value:
                    problems.append(f"{table.name}.{column.name} holds a NUL")
                if limit and len(value) > limit:
                    problems.append(f"{table.name}.{column.name} holds {len(value)} characters, limit {limit}")
    return problems


@dataclass
class Request:
    """One request of a case: everything but the URL's path and the method."""

    query: str = ""  # raw: already percent-encoded
    data: object = None  # bytes, or a dict for a multipart body
    content_type: str | None = None
    headers: dict = field(default_factory=dict)
    environ: dict = field(default_factory=dict)
    expect: frozenset = frozenset()  # if not empty, the only right answers


class Fuzzer:
    """One role's client: sends requests and records every broken rule."""

    def __init__(self, app, client, auth, world: World, role: str):
        self.app, self.client, self.auth, self.world, self.role = app, client, auth, world, role
        self.failures: list[str] = []
        self.answers: dict[tuple[str, str], Counter] = {}  # (method, path) -> how often each status
        self.sent = 0
        self.token = ""
        self.before = snapshot(app)

    def sign_in(self) -> None:
        user = self.world.users[self.role]
        if user is not None:
            response = self.auth.login(user.email)
            assert response.status_code == 302, f"{self.role} could not sign in"
        self.token = self.auth.csrf_token()
        self.before = snapshot(self.app)

    def fail(self, where: str, problem: str) -> None:
        self.failures.append(f"{where}: {problem}")

    def send(self, method: str, path: str, case: str, request: Request):
        url = path + (f"?{request.query}" if request.query else "")
        # Raw bytes set in the environ instead of the URL: shown as Python sees them.
        shown = ascii(request.environ["PATH_INFO"]) if "PATH_INFO" in request.environ else path
        shown += f"?{request.query}" if request.query else ""
        shown += f"?{request.environ['QUERY_STRING']!a}" if "QUERY_STRING" in request.environ else ""
        htmx = " (htmx)" if request.headers.get("HX-Request") else ""
        where = f"{method} {_short(shown)}{htmx} as {self.role} [{case}]"
        self.sent += 1
        try:
            response = self.client.open(
                url,
                method=method,
                data=request.data,
                content_type=request.content_type,
                headers=request.headers,
                environ_overrides=request.environ,
            )
            status = response.status_code
        except Exception as error:  # the error page's 500, had TESTING been off
            response, status = None, 500
            self.fail(where, f"raised {type(error).__name__}: {_short(error, 300)} at {_raised_where(error)}")
        else:
            if status >= 500:
                self.fail(where, f"answered {status}")
            elif status == 429:
                self.fail(where, "the login throttle answered, so the fuzz did not reach the handler")
            elif request.expect and status not in request.expect:
                self.fail(where, f"answered {status}, expected {' or '.join(map(str, sorted(request.expect)))}")
        self.answers.setdefault((method, path), Counter())[status] += 1

        after = snapshot(self.app)
        if after != self.before:
            self._check_change(where, status, after)
        self.before = after
        if method != "GET" and status == 302 and self._signed_out():
            self.sign_in()  # a sign-out: it also ended the CSRF token
        return response

    def _signed_out(self) -> bool:
        with self.client.session_transaction() as session:
            return "csrf_token" not in session or (self.role != "anonymous" and "_user_id" not in session)

    def _check_change(self, where: str, status: int, after: dict) -> None:
        change = describe_change(self.before, after)
        if status != 302:
            self.fail(where, f"answered {status} but the database changed: {change}")
            return
        allowed = MAY_CHANGE[self.role]
        changed = {table for table in after if after[table] != self.before[table]}
        if allowed is not None and changed - allowed:
            self.fail(where, f"a {self.role} changed {', '.join(sorted(changed - allowed))}: {change}")
        for problem in broken_values(self.before, after):
            self.fail(where, f"stored what no form allows ({problem})")

    def report(self, what: str) -> None:
        assert self.sent, f"{what}: sent nothing"
        assert not self.failures, f"{what}: {len(self.failures)} broken rule(s):\n" + "\n".join(self.failures)


@pytest.fixture
def fuzzer_for(app, client, auth, world):
    def signed_in(role: str) -> Fuzzer:
        fuzzer = Fuzzer(app, client, auth, world, role)
        fuzzer.sign_in()
        return fuzzer

    return signed_in


def urlencode_raw(pairs) -> bytes:
    """A form body from (name, value) pairs that are already percent-encoded."""
    return "&".join(f"{name}={value}" for name, value in pairs).encode("latin-1")


FORM = "application/x-www-form-urlencoded"


def with_token(token: str, pairs=(), *, hx: bool = False, headers=None, query="", expect=()) -> Request:
    return Request(
        query=query,
        data=urlencode_raw([*pairs, ("csrf_token", token)]),
        content_type=FORM,
        headers={**({"HX-Request": "true"} if hx else {}), **(headers or {})},
        expect=frozenset(expect),
    )


def valid_ids(route: Route, world: World) -> dict:
    values = {}
    for converter, name in route.arguments:
        if name not in world.ids:
            pytest.fail(
                f"{route.method} {route.rule}: the fuzz does not know which record <{converter}:{name}> "
                "points at; add one every role can reach to World.ids in tests/test_bad_input.py"
            )
        values[name] = world.ids[name]
    return values


# --- every route, once per role, with the bad ids ----------------------------------------


def id_args() -> list[str]:
    """Query-string and form arguments that carry an id or a number."""
    return sorted({name for name in QUERY_ARGS if name.endswith("_id") or name == "page"} | {"id", "page"})


@pytest.mark.parametrize("role", ROLES)
def test_every_route_with_bad_ids(app, fuzzer_for, world, role):
    """Bad ids in the path answer 404; in the query string or a form, no 5xx and no change."""
    fuzzer = fuzzer_for(role)
    routes = all_routes(app)
    assert len(routes) >= 20, "the URL map was read"
    for route in routes:
        # Every other request as htmx: each route gets both, at half the cost of all twice.
        htmx = itertools.cycle([False, True])
        for argument in [name for converter, name in route.arguments if converter in ("id", "int")]:
            for bad in BAD_IDS:
                path = route.url(**{**valid_ids(route, world), argument: bad})
                request = with_token(fuzzer.token, hx=next(htmx), expect={404})
                fuzzer.send(route.method, path, f"{argument}={bad} in the path", bare(request, route))
        if route.arguments and route.method != "GET":
            continue  # a post to a real record with only bad query args would really change it
        path = route.url(**valid_ids(route, world))
        for bad in (*BAD_IDS, ""):
            pairs = [(name, bad) for name in id_args()]
            request = with_token(fuzzer.token, pairs, hx=next(htmx), query=urlencode_raw(pairs).decode())
            fuzzer.send(route.method, path, f"every id argument = {bad!r}", bare(request, route))
    fuzzer.report(f"every route as {role}")


def bare(request: Request, route: Route) -> Request:
    """A GET goes without the form body."""
    if route.method == "GET":
        request.data = request.content_type = None
    return request


# --- the whole table, against one route of each kind in each area -------------------------

Build = Callable[[str], Request]  # the CSRF token -> the request


@dataclass(frozen=True)
class Case:
    name: str
    build: Build
    posts_only: bool = False  # a body: only for form posts


def _query(query: str, expect=()) -> Build:
    return lambda token: Request(query=query, expect=frozenset(expect))


def _headers(headers: dict, expect=()) -> Build:
    return lambda token: Request(headers=headers, expect=frozenset(expect))


def _every_arg(value: str) -> str:
    return "&".join(f"{name}={value}" for name in QUERY_ARGS)


def _fields(value: str | Callable[[str], list[tuple[str, str]]], expect=(), headers=None) -> Build:
    """Every form field set to `value` (already percent-encoded), with a valid token."""

    def build(token):
        pairs = value(token) if callable(value) else [(name, value) for name in FORM_FIELDS]
        return with_token(token, pairs, headers=headers, expect=expect)

    return build


def _body(data, content_type=None, headers=None, expect=()) -> Build:
    """A body of another kind: `data` and `headers` may use {token}."""

    def build(token):
        body = data(token) if callable(data) else data
        return Request(
            data=body,
            content_type=content_type,
            headers={key: value.format(token=token) for key, value in (headers or {}).items()},
            expect=frozenset(expect),
        )

    return build


def _repeated(token):
    return [(name, value) for name in FORM_FIELDS for value in ("a", "b")]


def _files(token):
    return {"csrf_token": token, **{name: (BytesIO(b"not a form value"), f"{name}.txt") for name in FORM_FIELDS}}


_BOUNDARY = "fuzzboundary"


def _truncated_multipart(token):
    return (
        f'--{_BOUNDARY}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'
        f'--{_BOUNDARY}\r\nContent-Disposition: form-data; name="name"\r\n\r\nhalf a val'
    ).encode()


TABLE = [
    # The query string: for every route, and for posts with a valid token besides.
    Case("every query argument longer than every limit", _query(_every_arg(LONG))),
    Case("a query string over 1 MiB", _query("q=" + "x" * (MIB + 1))),
    Case("NUL in a query value", _query("q=a%00b", expect={400})),
    Case("NUL in a query name", _query("q%00=a", expect={400})),
    Case("NUL after an id", _query("page=1%00&organisation_id=1%00", expect={400})),
    Case("invalid UTF-8 in every query value", _query(_every_arg("%FF%FE"))),
    Case("invalid UTF-8 in query names", _query("%FF%FE=1&q%C0=2")),
    Case("an overlong NUL and a surrogate in UTF-8", _query(_every_arg("%C0%80%ED%A0%80"))),
    Case(
        "raw bytes that are not UTF-8 in the query string",
        lambda token: Request(
            environ={"QUERY_STRING": "q=\xff\xfe&page=\xff&organisation_id=\xfe"}, expect=frozenset({400})
        ),
    ),
    Case(
        "raw bytes that are not UTF-8 in the path",
        lambda token: Request(environ={"PATH_INFO": "{path}\xff\xfe"}, expect=frozenset({404})),
    ),
    Case("every query argument twice", _query("&".join(f"{name}=a&{name}=1" for name in QUERY_ARGS))),
    Case("LIKE wildcards and backslashes", _query("q=%25_%5C%5B%5E]*")),
    Case("choices that are not on offer", _query("type=bogus&archived=everything&sort=password_hash&order=sideways")),
    Case("only separators", _query("&&=&==&;;&%26")),
    Case("numbers too long for int()", _query(f"page={'9' * 5000}&organisation_id={'9' * 5000}")),
    Case("next= another site", _query("next=//evil.example/&next=https://evil.example/")),
    Case("next= not a URL", _query("next=http://[")),
    Case("next= with a line break", _query("next=/dashboard%0D%0ASet-Cookie:%20a=b")),
    # Headers.
    Case(
        "htmx headers that make no sense",
        _headers(
            {
                "HX-Request": "true",
                "HX-Current-URL": "http://[",
                "HX-Target": "<script>",
                "HX-Trigger": "x" * 5000,
                "HX-Boosted": "maybe",
            }
        ),
    ),
    Case("an htmx history restore", _headers({"HX-Request": "true", "HX-History-Restore-Request": "true"})),
    Case("a referrer that is not a URL", _headers({"Referer": "http://["})),
    Case("a Host that is not a host name", _headers({"Host": "[::1"})),
    Case("a referrer on another site", _headers({"Referer": "https://evil.example/organisations/?q=x"})),
    Case("asks for JSON", _headers({"Accept": "application/json", "X-Requested-With": "XMLHttpRequest"})),
    # Bodies: form posts only.
    Case("every field longer than every limit", _fields(LONG), posts_only=True),
    Case(
        "a body over MAX_CONTENT_LENGTH",
        _fields(lambda token: [("notes", "x" * (MIB + 1))], expect={413}),
        posts_only=True,
    ),
    Case("NUL in every field", _fields("a%00b", expect={400}), posts_only=True),
    Case("NUL in a field name", _fields(lambda token: [("name%00", "x")], expect={400}), posts_only=True),
    Case("invalid UTF-8 in every field", _fields("%FF%FE"), posts_only=True),
    Case(
        "invalid UTF-8 in field names",
        _fields(lambda token: [(f"{name}%FF", "x") for name in FORM_FIELDS]),
        posts_only=True,
    ),
    Case(
        "raw bytes that are not UTF-8 in the body",
        _body(lambda token: b"name=\xff\xfe&notes=\xc0\x80&csrf_token=" + token.encode(), FORM),
        posts_only=True,
    ),
    Case("an overlong NUL and a surrogate in every field", _fields("%C0%80%ED%A0%80"), posts_only=True),
    Case("whitespace only in every field", _fields("%20%09%0D%0A%C2%A0"), posts_only=True),
    Case("control characters and a bidi override", _fields("%1B%5B31m%E2%80%AEx%07"), posts_only=True),
    Case("every field twice", _fields(_repeated), posts_only=True),
    Case("bad ids in every field", _fields("-1"), posts_only=True),
    Case("huge ids in every field", _fields(str(10**30)), posts_only=True),
    Case("ids too long for int() in every field", _fields("9" * 5000), posts_only=True),
    Case("choices not on offer", _fields("superuser"), posts_only=True),
    Case(
        "the CSRF token twice, a forged one first",
        _body(lambda token: f"csrf_token=forged&name=x&csrf_token={token}".encode(), FORM, expect={400}),
        posts_only=True,
    ),
    Case(
        "the CSRF token twice, the good one first",
        _body(lambda token: f"csrf_token={token}&name=x&csrf_token=forged".encode(), FORM),
        posts_only=True,
    ),
    Case(
        "no CSRF token",
        _body(urlencode_raw([(name, "x") for name in FORM_FIELDS]), FORM, expect={400}),
        posts_only=True,
    ),
    Case("a forged CSRF token", _body(b"csrf_token=forged&name=x", FORM, expect={400}), posts_only=True),
    Case(
        "a JSON body, the token in the header",
        _body(json.dumps(dict.fromkeys(FORM_FIELDS, "x")), "application/json", {"X-CSRFToken": "{token}"}),
        posts_only=True,
    ),
    Case(
        "a JSON body without a token",
        _body(json.dumps({"name": "x"}), "application/json", expect={400}),
        posts_only=True,
    ),
    Case(
        "text/plain, the token in it",
        _body(lambda token: f"name=x&csrf_token={token}", "text/plain", expect={400}),
        posts_only=True,
    ),
    Case(
        "text/plain, the token in the header",
        _body("name=x", "text/plain", {"X-CSRFToken": "{token}"}),
        posts_only=True,
    ),
    Case(
        "no content type",
        _body(lambda token: f"name=x&csrf_token={token}".encode(), None, expect={400}),
        posts_only=True,
    ),
    # No form takes a file: refused before any form reads it (crm/security.py).
    Case("multipart, a file in every field", _body(_files, expect={400}), posts_only=True),
    Case(
        "multipart, a file beside the fields",
        _body(
            lambda token: {"csrf_token": token, "name": "x", "attachment": (BytesIO(b"%PDF-1.4"), "a.pdf")},
            expect={400},
        ),
        posts_only=True,
    ),
    Case(
        "multipart, a file over MAX_CONTENT_LENGTH",
        _body(lambda token: {"csrf_token": token, "notes": (BytesIO(b"x" * (MIB + 1)), "big.txt")}, expect={413}),
        posts_only=True,
    ),
    Case("multipart without a boundary", _body(b"name=x", "multipart/form-data", expect={400}), posts_only=True),
    Case(
        "multipart cut short",
        _body(_truncated_multipart, f"multipart/form-data; boundary={_BOUNDARY}"),
        posts_only=True,
    ),
    Case(
        "a charset that is not UTF-8",
        _body(
            lambda token: f"name=caf%E9&csrf_token={token}".encode(),
            f"{FORM}; charset=latin-1",
        ),
        posts_only=True,
    ),
]


@pytest.mark.parametrize("role", ROLES)
def test_the_whole_table_against_each_kind_of_route(app, fuzzer_for, world, role):
    fuzzer = fuzzer_for(role)
    targets = routes_by_kind(app)
    kinds = {kind for kind, _ in targets}
    assert {"list", "detail", "form post", "fragment"} <= kinds, f"routes of each kind were found: {targets}"
    assert {"q", "page", "organisation_id"} <= set(QUERY_ARGS), f"the query arguments were found: {QUERY_ARGS}"
    for kind, route in targets:
        path = route.url(**valid_ids(route, world))
        for case in TABLE:
            if case.posts_only and route.method != "POST":
                continue
            request = case.build(fuzzer.token)
            if route.method == "POST" and request.data is None:
                request.data, request.content_type = urlencode_raw([("csrf_token", fuzzer.token)]), FORM
            if kind == "fragment":
                request.headers = {"HX-Request": "true", **request.headers}
            request.environ = {key: value.replace("{path}", path) for key, value in request.environ.items()}
            fuzzer.send(route.method, path, f"{kind}: {case.name}", request)
        # A method the route does not take.
        other = "PUT" if route.method == "POST" else "DELETE"
        fuzzer.send(other, path, f"{kind}: a method it does not take", Request(expect=frozenset({405})))

    if role == "admin":
        # Admins may use every form: the fuzz must get past the CSRF check to
        # the handlers, or it proves nothing about them.
        for kind, route in targets:
            if kind == "form post":
                answers = fuzzer.answers[("POST", route.url(**valid_ids(route, world)))]
                assert answers.keys() & {200, 302}, f"no post to {route.rule} got past the CSRF check: {answers}"
    fuzzer.report(f"the table as {role}")


# --- hypothesis: arbitrary text and bytes --------------------------------------------------

EXAMPLES = 25  # per route

_text = st.text(max_size=300)
_raw_value = st.one_of(
    _text.map(lambda text: quote(text, safe="")),
    st.binary(max_size=60).map(lambda raw: quote_from_bytes(raw, safe="")),
    st.integers().map(str),
    st.sampled_from(BAD_IDS),
)
_name = st.one_of(st.sampled_from([*QUERY_ARGS, *FORM_FIELDS]), _text.map(lambda text: quote(text, safe="")))
_pairs = st.lists(st.tuples(_name, _raw_value), max_size=8)


@pytest.mark.parametrize("kind", ["list", "form post"])
def test_arbitrary_text_and_bytes(app, fuzzer_for, world, kind):
    """Each area's list and form post, as an admin (who may use them all)."""
    fuzzer = fuzzer_for("admin")
    routes = [route for k, route in routes_by_kind(app) if k == kind]

    @settings(
        derandomize=True,
        database=None,
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(data=st.data())
    def arbitrary_input(route, data):
        request = Request(query=urlencode_raw(data.draw(_pairs, label="query")).decode("latin-1"))
        if route.method == "POST":
            if data.draw(st.booleans(), label="raw body"):
                body = data.draw(st.binary(max_size=200), label="body")
            else:
                body = urlencode_raw(data.draw(_pairs, label="form"))
            request.data, request.content_type = body + b"&csrf_token=" + fuzzer.token.encode(), FORM
        fuzzer.failures.clear()
        fuzzer.send(route.method, route.url(**valid_ids(route, world)), "hypothesis", request)
        fuzzer.report(f"{kind} with arbitrary input")  # raises, so that hypothesis shrinks the example

    for route in routes:
        arbitrary_input(route)
        # Some of it got past the CSRF check and the refusals to the handler.
        answers = fuzzer.answers.get((route.method, route.url(**valid_ids(route, world))), {})
        assert answers.keys() & {200, 302}, f"{route.method} {route.rule}: never reached its handler: {answers}"


# --- the fuzz itself bites ------------------------------------------------------------------


def test_the_fuzz_reports_every_rule_a_route_breaks(app, world):
    """Routes that break each rule on purpose: the fuzz must report every one."""
    from flask import abort, redirect

    from crm.organisations.models import Organisation
    from crm.visibility import public

    broken = create_app(dict(app.config))

    def own_organisation():
        return db.session.get(Organisation, world.ids["organisation_id"])

    @broken.get("/boom")
    @public  # every page needs a signed-in user; these test the fuzz, not sign-in
    def boom():
        raise RuntimeError("boom")

    @broken.get("/sneaky")
    @public  # every page needs a signed-in user; these test the fuzz, not sign-in
    def sneaky():
        own_organisation().name = "Changed by a GET"
        db.session.commit()
        return "nothing to see"

    @broken.get("/lenient")
    @public  # every page needs a signed-in user; these test the fuzz, not sign-in
    def lenient():
        abort(418)

    @broken.get("/overstep")
    @public  # every page needs a signed-in user; these test the fuzz, not sign-in
    def overstep():
        own_organisation().notes = "x" * (FIELD_LIMITS["notes"] + 1)
        db.session.commit()
        return redirect("/dashboard")

    fuzzer = Fuzzer(broken, broken.test_client(), None, world, "partner")
    try:
        fuzzer.send("GET", "/boom", "raises", Request())
        fuzzer.send("GET", "/sneaky", "changes data", Request())
        fuzzer.send("GET", "/lenient", "wrong answer", Request(expect=frozenset({400})))
        fuzzer.send("GET", "/overstep", "oversteps", Request())
    finally:
        with broken.app_context():
            db.engine.dispose()
    expected = [
        "GET /boom as partner [raises]: raised RuntimeError: boom at ",
        "GET /sneaky as partner [changes data]: answered 200 but the database changed: organisations: ",
        "GET /lenient as partner [wrong answer]: answered 418, expected 400",
        # The history of the change is a second table changed.
        "GET /overstep as partner [oversteps]: a partner changed history, organisations: ",
        "GET /overstep as partner [oversteps]: stored what no form allows "
        f"(organisations.notes holds {FIELD_LIMITS['notes'] + 1} characters, limit {FIELD_LIMITS['notes']})",
    ]
    report = "\n".join(fuzzer.failures)
    assert len(fuzzer.failures) == len(expected), report
    for failure, start in zip(fuzzer.failures, expected, strict=True):
        assert failure.startswith(start), report
    assert "in boom" in fuzzer.failures[0] and "Changed by a GET" in fuzzer.failures[1], report
