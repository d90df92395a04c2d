"""The lists and the dashboard at size, on SQLite and on PostgreSQL.

    .venv/bin/python scripts/bench.py [--sizes 1000,100000] [--databases sqlite,postgresql] [--runs 15]

For each database and size: a fresh database (SQLite: a temporary file;
PostgreSQL: `crm_bench_<random>` on the local server, dropped at the end),
the schema from the real migrations, SIZE organisations with three contacts
each loaded in bulk, ANALYZE; then every page in PAGES is requested through
Flask's test client, signed in as staff, so routing, templates and SQL all
count. Each page: the median server time over --runs requests after
--warmups, and the SQL statements one request runs. Every response must be
200, and a list's "N found" must agree with the data loaded: the number up to
1,000, "More than 1,000" past it. The last page is the one
the list's own "Last" link (or highest page number) leads to, and it must
show the rows that really sort last.

The table and test-artifacts/bench.json mark what misses the targets: under 30 ms median, and at the largest size no more than 1.5
times the figure at the smallest.

Meetings (as many as organisations) and their series load after the
contacts; their list is measured upcoming, past, filtered, searched and at
its last page.

A new area adds itself in two places: a loader registered with
`@loader("area")` that inserts its rows (after the areas it points at) and
records in the Dataset what its pages need, and its pages appended to PAGES.
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import math
import os
import platform
import random
import re
import secrets
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from html import unescape
from pathlib import Path
from urllib.parse import urlencode

from sqlalchemy import event, text
from sqlalchemy.engine import Connection, make_url

from crm import PROJECT_ROOT, create_app
from crm.auth import services as auth_services
from crm.auth.models import Role
from crm.contacts.models import Contact
from crm.extensions import db
from crm.meetings.models import Meeting, MeetingKind, MeetingStatus, meeting_organisations
from crm.organisations.models import Organisation, OrganisationType
from crm.series.models import MeetingSeries, series_members

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
DEFAULT_OUTPUT = PROJECT_ROOT / "test-artifacts" / "bench.json"
TARGET_MS = 30.0
TARGET_RATIO = 1.5
BATCH = 5_000
SEED = 20_261_122
STAFF_EMAIL = "bench.staff@example.org"
STAFF_PASSWORD = secrets.token_urlsafe(16)


class BenchError(Exception):
    """Something that makes a figure worthless: a failed page or data that is not what it claims."""


# --- the data ----------------------------------------------------------------


@dataclass
class Term:
    """A search term and how many rows of its list it must find."""

    text: str
    matches: int
    of: int  # rows in the list when nothing is searched for


@dataclass
class Dataset:
    """What the loaders put in the database, for the pages to build their addresses from."""

    size: int  # organisations
    rng: random.Random
    now: datetime
    rows: dict[str, int] = field(default_factory=dict)  # table -> rows inserted
    terms: dict[str, Term] = field(default_factory=dict)  # "organisations.rare" -> Term
    facts: dict[str, object] = field(default_factory=dict)  # anything else a page or later loader needs


LOADERS: list[tuple[str, Callable[[Connection, Dataset], None]]] = []


def loader(area: str):
    """Register a loader. Loaders run in the order registered, each in one transaction."""

    def register(function):
        LOADERS.append((area, function))
        return function

    return register


def batches(rows: Iterable[dict], size: int = BATCH) -> Iterator[list[dict]]:
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def insert_rows(conn: Connection, table, rows: Iterable[dict], data: Dataset) -> None:
    """Core INSERT, executemany, BATCH rows at a time."""
    for batch in batches(rows):
        conn.execute(table.insert(), batch)
        data.rows[table.name] = data.rows.get(table.name, 0) + len(batch)


def moment(data: Dataset, *, days_ago_at_most: int) -> datetime:
    return data.now - timedelta(seconds=data.rng.randrange(days_ago_at_most * 86_400))


def slug(words: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", words.lower()).strip("-")


# Districts and counties in and around the area; "Rutland" is kept for the rare search.
AREAS = [
    "Bedfordshire", "Central Bedfordshire", "Luton", "Hertfordshire", "Watford", "St Albans",
    "Dacorum", "Stevenage", "Hertsmere", "Three Rivers", "Welwyn Hatfield", "North Hertfordshire",
    "Buckinghamshire", "Milton Keynes", "Aylesbury Vale", "Wycombe", "Chiltern", "Oxfordshire",
    "Oxford", "Cherwell", "West Oxfordshire", "South Oxfordshire", "Vale of White Horse", "Berkshire",
    "Reading", "Slough", "Windsor and Maidenhead", "Wokingham", "Bracknell Forest", "West Berkshire",
    "Thames Valley", "Northamptonshire", "Cambridgeshire", "Peterborough", "Essex", "Surrey",
    "Hampshire", "Wiltshire", "Gloucestershire", "Warwickshire",
]  # fmt: skip
RARE_AREA = "Rutland"
T = OrganisationType
# (type, weight, kinds): the name is "<Area> <Kind> <n>".
ORGANISATION_KINDS = [
    (T.VOLUNTARY_COMMUNITY_GROUP, 30, ["Food Bank", "Women's Aid", "Refugee Forum", "Youth Trust", "Mosque Committee", "Pride", "Interfaith Forum", "Disability Network", "Traveller Support Group"]),
    (T.LOCAL_COUNCIL, 14, ["District Council", "Borough Council", "City Council", "County Council", "Parish Council"]),
    (T.EDUCATION, 12, ["Academy", "College", "University", "Schools Partnership"]),
    (T.HEALTH, 10, ["NHS Trust", "Mental Health Service", "Sexual Assault Referral Centre", "Integrated Care Board"]),
    (T.POLICE, 9, ["Police", "Constabulary", "Neighbourhood Policing Team", "Hate Crime Unit"]),
    (T.VICTIM_WITNESS_SERVICE, 9, ["Victim Support", "Witness Service", "Witness Care Unit", "ISVA Service"]),
    (T.PROBATION, 7, ["Probation Delivery Unit", "Approved Premises", "Youth Justice Service"]),
    (T.COURTS_SERVICE, 6, ["Magistrates' Court", "Crown Court", "County Court", "Family Court"]),
    (T.PROSECUTION_SERVICE, 3, ["CPS Area Unit", "Complex Casework Unit"]),
]  # fmt: skip
STREETS = ["High Street", "Station Road", "Church Lane", "London Road", "Victoria Street", "Market Square", "Mill Lane", "Park Road"]  # fmt: skip
ORGANISATION_NOTES = ["Met at the hate crime scrutiny panel.", "Prefers email to phone.", "Hosts the quarterly community forum.", ""]  # fmt: skip
FIRST_NAMES = [
    "Priya", "Tom", "Helen", "Daniel", "Rachel", "Mark", "Sana", "Jordan", "Gillian", "Casey", "Imran",
    "Laura", "Peter", "Amy", "Yusuf", "Claire", "Margaret", "Olumide", "Sarah", "James", "Fatima",
    "David", "Aisha", "Michael", "Chloe", "Ravi", "Emma", "Kwame", "Sophie", "Hassan", "Grace", "Samuel",
    "Joanne", "Tariq", "Eleanor", "Wei", "Bridget", "Connor", "Nadia", "Owen",
]  # fmt: skip
LAST_NAMES = [
    "Okafor", "Brennan", "Marsh", "Osei", "Kent", "Adeyemi", "Mirza", "Lee", "Forde", "Ward", "Sheikh",
    "Finch", "Nkemelu", "Castle", "Rahman", "Dobson", "Elliot", "Patel", "Khan", "Smith", "Jones",
    "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas", "Roberts", "Johnson", "Walker",
    "Wright", "Hughes", "Green", "Hall", "Clarke", "Begum", "Nowak", "Murphy", "Singh",
]  # fmt: skip
RARE_SURNAME = "Featherstonehaugh"
JOB_TITLES = [
    "Community Safety Officer", "Safeguarding Lead", "Witness Care Officer", "Volunteer Coordinator",
    "Service Manager", "Chief Executive", "Hate Crime Coordinator", "Detective Inspector",
    "Partnership Manager", "Policy Officer", "Engagement Officer", "Caseworker", "Chair", "Trustee",
    "Head of Service", "Independent Sexual Violence Adviser", "Domestic Abuse Lead", "Youth Worker",
    "Liaison Officer", "Project Officer",
]  # fmt: skip

# The search terms: one rare, one common (a tenth of the rows or more), one of two characters.
ORGANISATION_TERMS = {"rare": RARE_AREA, "common": "Council", "short": "ox"}
CONTACT_TERMS = {"rare": RARE_SURNAME, "common": "officer", "short": "sa"}
CAP = 1000  # lists count this far (crm.pagination.CAP), then say "More than 1,000"
LAST_NAMES_KEPT = 100  # of the active organisations in name order, for the last page's check


def _count_matches(terms: dict[str, str], counts: dict[str, int], name: str, *fields: str) -> None:
    """A term of three characters or more matches anywhere in the searched fields; a shorter one, the name's start."""
    values = [value.lower() for value in (name, *fields)]
    for key, term in terms.items():
        short = len(term) < 3
        if (short and values[0].startswith(term.lower())) or (not short and any(term.lower() in v for v in values)):
            counts[key] += 1


@loader("organisations")
def load_organisations(conn: Connection, data: Dataset) -> None:
    rng, size = data.rng, data.size
    rare_every = max(size // 5, 1)  # a handful of Rutland rows at any size
    types, weights = [k[0] for k in ORGANISATION_KINDS], [k[1] for k in ORGANISATION_KINDS]
    kinds = {k[0]: k[2] for k in ORGANISATION_KINDS}
    archived: list[bool] = []  # by id - 1, for the contacts
    email_domains: list[str] = []
    counts = dict.fromkeys(ORGANISATION_TERMS, 0)
    active_by_type = dict.fromkeys(OrganisationType, 0)
    active_names: list[tuple[str, int, str]] = []  # the name sort's keys (ASCII data: both databases agree)

    def rows():
        for n in range(1, size + 1):
            area = RARE_AREA if n % rare_every == 0 else rng.choice(AREAS)
            org_type = rng.choices(types, weights)[0]
            kind = rng.choice(kinds[org_type])
            name = f"{area} {kind} {n}"
            created = moment(data, days_ago_at_most=5 * 365)
            updated = created + (data.now - created) * rng.random()
            is_archived = rng.random() < 0.02
            archived.append(is_archived)
            email_domains.append(f"{slug(kind)}.example.org")
            if not is_archived:
                active_by_type[org_type] += 1
                _count_matches(ORGANISATION_TERMS, counts, name, area)
                active_names.append((name.lower(), n, name))
            yield {
                "id": n,
                "name": name,
                "type": org_type,
                "area": area,
                "address": f"{rng.randint(1, 250)} {rng.choice(STREETS)}, {area}",
                "website": f"www.{slug(name)}.example.org" if rng.random() < 0.5 else "",
                "phone": f"01632 960 {rng.randrange(1000):03d}" if rng.random() < 0.7 else "",
                "notes": rng.choice(ORGANISATION_NOTES),
                "archived_at": updated if is_archived else None,
                "created_at": created,
                "updated_at": updated,
            }

    insert_rows(conn, Organisation.__table__, rows(), data)
    active = sum(active_by_type.values())
    data.facts["organisations.active"] = active
    data.facts["organisations.active_by_type"] = active_by_type
    data.facts["organisations.last_names"] = [name for *_, name in sorted(active_names)[-LAST_NAMES_KEPT:]]
    data.facts["organisations.archived"] = archived
    data.facts["organisations.email_domains"] = email_domains
    for key, term in ORGANISATION_TERMS.items():
        data.terms[f"organisations.{key}"] = Term(term, counts[key], active)


@loader("contacts")
def load_contacts(conn: Connection, data: Dataset) -> None:
    rng = data.rng
    organisation_archived: list[bool] = data.facts["organisations.archived"]
    domains: list[str] = data.facts["organisations.email_domains"]
    rare_every = max(3 * data.size // 5, 1)  # a handful of Featherstonehaughs at any size
    counts = dict.fromkeys(CONTACT_TERMS, 0)
    active = 0

    def rows():
        nonlocal active
        contact_id = 0
        for organisation_id in range(1, data.size + 1):
            for _ in range(3):
                contact_id += 1
                first = rng.choice(FIRST_NAMES)
                last = RARE_SURNAME if contact_id % rare_every == 0 else rng.choice(LAST_NAMES)
                name, job_title = f"{first} {last}", rng.choice(JOB_TITLES)
                email = f"{first}.{last}@{domains[organisation_id - 1]}".lower()
                created = moment(data, days_ago_at_most=5 * 365)
                updated = created + (data.now - created) * rng.random()
                is_archived = rng.random() < 0.04
                if not is_archived and not organisation_archived[organisation_id - 1]:
                    active += 1
                    _count_matches(CONTACT_TERMS, counts, name, job_title, email)
                yield {
                    "id": contact_id,
                    "organisation_id": organisation_id,
                    "name": name,
                    "job_title": job_title,
                    "email": email,
                    "phone": f"07700 900 {rng.randrange(1000):03d}" if rng.random() < 0.6 else "",
                    "notes": "",
                    "archived_at": updated if is_archived else None,
                    "created_at": created,
                    "updated_at": updated,
                }

    insert_rows(conn, Contact.__table__, rows(), data)
    data.facts["contacts.active"] = active
    for key, term in CONTACT_TERMS.items():
        data.terms[f"contacts.{key}"] = Term(term, counts[key], active)


# Meetings: as many as organisations, from three years back to a year ahead, a
# little over half in a series; none within a day of now, so that "upcoming"
# means the same when the data is loaded and when the pages are asked for.
MEETING_TERMS = {"rare": RARE_AREA, "common": "meeting", "short": "he"}
MEETING_TOPICS = ["Hate crime", "Domestic abuse", "Victims' voice", "Coercive control", "Youth justice", "Sexual violence", "Community confidence", "Disability access"]  # fmt: skip


@loader("meetings")
def load_meetings(conn: Connection, data: Dataset) -> None:
    rng, size = data.rng, data.size
    organisation_archived: list[bool] = data.facts["organisations.archived"]
    active_ids = [n for n in range(1, size + 1) if not organisation_archived[n - 1]]
    series_count = max(size // 500, 3)
    series_names = []

    def series_rows():
        for n in range(1, series_count + 1):
            name = f"{rng.choice(AREAS)} {rng.choice(MEETING_TOPICS)} Partnership {n}"
            series_names.append(name)
            created = moment(data, days_ago_at_most=5 * 365)
            yield {"id": n, "name": name, "purpose": "", "venue": "", "frequency": "quarterly",
                   "created_at": created, "updated_at": created}  # fmt: skip

    insert_rows(conn, MeetingSeries.__table__, series_rows(), data)
    members = [
        {"series_id": n, "organisation_id": organisation_id}
        for n in range(1, series_count + 1)
        for organisation_id in rng.sample(active_ids, min(5, len(active_ids)))
    ]
    insert_rows(conn, series_members, members, data)

    kinds = list(MeetingKind)
    counts = dict.fromkeys(MEETING_TERMS, 0)
    facts = {"upcoming": 0, "past": 0, "series_1": 0, "upcoming_visits": 0}
    rare_every = max(size // 5, 1)

    def meeting_rows():
        for n in range(1, size + 1):
            days = rng.choice([-1, 1]) * rng.uniform(1.5, 400) if rng.random() < 0.3 else -rng.uniform(1.5, 1100)
            starts = data.now + timedelta(days=days)
            series_id = rng.randrange(1, series_count + 1) if rng.random() < 0.55 else None
            kind = MeetingKind.SCRUTINY_PANEL if series_id else rng.choice(kinds)
            where = RARE_AREA if n % rare_every == 0 else rng.choice(AREAS)
            title = f"{series_names[series_id - 1]} meeting {n}" if series_id else f"{kind.label} in {where} {n}"
            if days > 0:
                status = rng.choice([MeetingStatus.PLANNED, MeetingStatus.AGENDA_PUBLISHED])
                facts["upcoming"] += 1
                facts["upcoming_visits"] += kind is MeetingKind.VISIT
            else:
                status = MeetingStatus.APPROVED if days < -90 else rng.choice(list(MeetingStatus)[2:])
                facts["past"] += 1
            facts["series_1"] += series_id == 1
            _count_matches(MEETING_TERMS, counts, title)
            circulated = starts + timedelta(days=7) if status.reached(MeetingStatus.CIRCULATED) else None
            yield {
                "id": n, "title": title, "series_id": series_id, "kind": kind.value, "starts_at": starts,
                "ends_at": starts + timedelta(hours=2), "venue": f"{where} offices", "online": False,
                "summary": "", "headcount": None, "headcount_note": "",
                "marking": "official_sensitive" if rng.random() < 0.03 else "official", "status": status.value,
                "outcomes": "", "staff_notes": "", "circulated_at": circulated, "reopen_reason": "",
                "created_at": starts - timedelta(days=30), "updated_at": starts,
            }  # fmt: skip

    insert_rows(conn, Meeting.__table__, meeting_rows(), data)
    involved = ({"meeting_id": n, "organisation_id": rng.choice(active_ids)} for n in range(1, size + 1))
    insert_rows(conn, meeting_organisations, involved, data)
    for key, value in facts.items():
        data.facts[f"meetings.{key}"] = value
    for key, term in MEETING_TERMS.items():
        data.terms[f"meetings.{key}"] = Term(term, counts[key], size)


def check_terms(data: Dataset) -> None:
    """The terms are what ruling 8 asks for, or the figures measure the wrong thing."""
    for key, term in data.terms.items():
        kind = key.rsplit(".", 1)[1]
        if kind == "rare" and not 1 <= term.matches <= 20:
            raise BenchError(f"{key} {term.text!r} finds {term.matches} rows, not a handful")
        if kind == "common" and term.matches < term.of / 10:
            raise BenchError(f"{key} {term.text!r} finds {term.matches} of {term.of} rows, under a tenth")
        if kind == "short" and len(term.text) != 2:
            raise BenchError(f"{key} {term.text!r} is not two characters")


def load(engine, size: int) -> Dataset:
    data = Dataset(size=size, rng=random.Random(SEED), now=datetime.now(UTC))
    for _area, load_area in LOADERS:
        with engine.begin() as conn:
            load_area(conn, data)
    if engine.dialect.name == "postgresql":
        # The loaders gave ids; move each sequence past them so the app can insert.
        with engine.begin() as conn:
            for table in db.metadata.sorted_tables:
                if "id" in table.c and data.rows.get(table.name):
                    conn.execute(
                        text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), max(id)) FROM {table.name}")
                    )
    check_terms(data)
    return data


def analyse(engine) -> None:
    """Statistics for the planners. On PostgreSQL a VACUUM as well, which autovacuum would run
    soon after a bulk load (the test server runs without it): it marks the pages all-visible,
    without which no index-only scan is possible."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
        return
    with engine.begin() as conn:
        conn.execute(text("ANALYZE"))
        conn.execute(text("PRAGMA optimize"))


# --- the pages -----------------------------------------------------------------


@dataclass
class Bench:
    """One database at one size, loaded and signed in: what a page's address is built from."""

    database: str
    data: Dataset
    client: object  # flask.testing.FlaskClient
    page_size: int

    def get(self, url: str, headers: dict | None = None):
        response = self.client.get(url, headers=headers or {})
        if response.status_code != 200:
            raise BenchError(f"GET {url} answered {response.status_code}, not 200")
        return response


@dataclass(frozen=True)
class Page:
    name: str
    url: str | Callable[[Bench], str]
    headers: dict[str, str] = field(default_factory=dict)
    # The count the list's "N found" must show; None for pages without one.
    found: Callable[[Dataset], int] | None = None
    fragment: bool = False  # an htmx request: the answer is a block, not a whole page
    check: Callable[[Bench, str], None] | None = None  # anything else the answer must show

    def address(self, bench: Bench) -> str:
        return self.url(bench) if callable(self.url) else self.url


def search(name: str, path: str, term: str, **kwargs) -> Page:
    """A list searched for one of the Dataset's terms, e.g. "organisations.rare"."""
    joiner = "&" if "?" in path else "?"
    return Page(
        name,
        lambda bench: f"{path}{joiner}{urlencode({'q': bench.data.terms[term].text})}",
        found=lambda data: data.terms[term].matches,
        **kwargs,
    )


_PAGE_LINK = re.compile(r'href="([^"]*[?&;]page=(\d+|last)(?:&[^"]*)?)"')
_ORGANISATION_LINK = re.compile(r'<a class="govuk-link" href="/organisations/\d+">([^<]+)</a>')


def last_page(path: str, count_fact: str) -> Callable[[Bench], str]:
    """The last page, as its list's own pagination links it: "Last" past 1,000 rows, else the highest number."""

    def address(bench: Bench) -> str:
        body = bench.get(path).get_data(as_text=True)
        links = {number: unescape(href) for href, number in _PAGE_LINK.findall(body)}
        count = bench.data.facts[count_fact]
        if count > CAP:
            if "last" not in links:
                raise BenchError(f"{path} has {count:,} rows but no link to its last page")
            return links["last"]
        numbers = [int(number) for number in links if number != "last"]
        if not numbers:
            raise BenchError(f"{path} shows no links to other pages")
        expected = math.ceil(count / bench.page_size)
        if max(numbers) != expected:
            raise BenchError(f"{path} links page {max(numbers)} as the last, but the data fills {expected}")
        return links[str(max(numbers))]

    return address


def shows_last_organisations(bench: Bench, body: str) -> None:
    """The last page holds the organisations that sort last, in order, as many as fit."""
    shown = [unescape(name) for name in _ORGANISATION_LINK.findall(body)]
    expected = bench.data.facts["organisations.last_names"]
    wanted = bench.page_size if bench.data.facts["organisations.active"] > CAP else None
    if not shown or (wanted and len(shown) != wanted) or shown != expected[-len(shown) :]:
        raise BenchError(f"the last page shows {shown[:3]}...{shown[-3:]}, not the last organisations by name")


PAGES: list[Page] = [
    Page("organisations", "/organisations/", found=lambda d: d.facts["organisations.active"]),
    search("organisations search, rare", "/organisations/", "organisations.rare"),
    search("organisations search, common", "/organisations/", "organisations.common"),
    search("organisations search, two characters", "/organisations/", "organisations.short"),
    search(
        "organisations search, common, htmx",
        "/organisations/",
        "organisations.common",
        headers={"HX-Request": "true"},
        fragment=True,
    ),
    Page(
        "organisations type police",
        "/organisations/?type=police",
        found=lambda d: d.facts["organisations.active_by_type"][OrganisationType.POLICE],
    ),
    Page("organisations sort by area", "/organisations/?sort=area", found=lambda d: d.facts["organisations.active"]),
    Page(
        "organisations last page",
        last_page("/organisations/", "organisations.active"),
        found=lambda d: d.facts["organisations.active"],
        check=shows_last_organisations,
    ),
    Page("contacts", "/contacts/", found=lambda d: d.facts["contacts.active"]),
    search("contacts search, rare", "/contacts/", "contacts.rare"),
    search("contacts search, common", "/contacts/", "contacts.common"),
    search("contacts search, two characters", "/contacts/", "contacts.short"),
    Page("dashboard", "/dashboard"),
    Page("meetings, upcoming", "/meetings/", found=lambda d: d.facts["meetings.upcoming"]),
    Page("meetings, past", "/meetings/?when=past", found=lambda d: d.facts["meetings.past"]),
    Page("meetings, upcoming visits", "/meetings/?kind=visit", found=lambda d: d.facts["meetings.upcoming_visits"]),
    Page("meetings, one series", "/meetings/?when=all&series=1", found=lambda d: d.facts["meetings.series_1"]),
    search("meetings search, rare", "/meetings/?when=all", "meetings.rare"),
    search("meetings search, common", "/meetings/?when=all", "meetings.common"),
    search("meetings search, two characters", "/meetings/?when=all", "meetings.short"),
    Page(
        "meetings, past, last page",
        last_page("/meetings/?when=past", "meetings.past"),
        found=lambda d: d.facts["meetings.past"],
    ),
]

_FOUND = re.compile(r"data-result-count>\s*(No|More than \d[\d,]*|\d[\d,]*)\s")


def found_in(body: str) -> int | str | None:
    """The list's "N found" as a number, or as "More than 1,000"."""
    match = _FOUND.search(body)
    if match is None:
        return None
    if match.group(1) == "No":
        return 0
    if match.group(1).startswith("More"):
        return match.group(1)
    return int(match.group(1).replace(",", ""))


def as_shown(count: int) -> int | str:
    """How a list shows `count` rows found: the number up to CAP, "More than 1,000" past it."""
    return count if count <= CAP else f"More than {CAP:,}"


# --- measuring -----------------------------------------------------------------


@contextmanager
def counting_queries(engine):
    counter = [0]

    def before_cursor_execute(*args, **kwargs):
        counter[0] += 1

    event.listen(engine, "before_cursor_execute", before_cursor_execute)
    try:
        yield counter
    finally:
        event.remove(engine, "before_cursor_execute", before_cursor_execute)


def sign_in(client) -> None:
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)
    response = client.post("/login", data={"email": STAFF_EMAIL, "password": STAFF_PASSWORD, "csrf_token": token})
    if response.status_code != 302 or not response.location.endswith("/dashboard"):
        raise BenchError(f"signing in as staff answered {response.status_code}")


def measure(bench: Bench, page: Page, counter: list[int], runs: int, warmups: int) -> dict:
    url = page.address(bench)
    times, queries = [], set()
    for run in range(warmups + runs):
        counter[0] = 0
        started = time.perf_counter()
        response = bench.client.get(url, headers=page.headers)
        elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise BenchError(f"GET {url} answered {response.status_code}, not 200")
        if run >= warmups:
            times.append(elapsed * 1000)
            queries.add(counter[0])
    body = response.get_data(as_text=True)
    if page.fragment and "<html" in body:
        raise BenchError(f"GET {url} with {page.headers} answered a whole page, not a fragment")
    found = found_in(body)
    if page.found is not None:
        expected = page.found(bench.data)
        if found != as_shown(expected):
            raise BenchError(f"GET {url} says {found} found; the data loaded has {expected:,}")
    if page.check is not None:
        page.check(bench, body)
    return {
        "url": url,
        "median_ms": round(statistics.median(times), 2),
        "min_ms": round(min(times), 2),
        "max_ms": round(max(times), 2),
        "queries": max(queries),
        "queries_vary": len(queries) > 1,
        "found": found,
    }


@contextmanager
def sqlite_database():
    with tempfile.TemporaryDirectory(prefix="crm-bench-") as folder:
        yield f"sqlite:///{Path(folder) / 'bench.sqlite3'}"


@contextmanager
def postgres_database(admin_url: str):
    import psycopg

    url = make_url(admin_url)
    dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        admin = psycopg.connect(dsn, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as error:
        raise BenchError(f"PostgreSQL not reachable at {url.render_as_string()}: {error}".strip()) from None
    name = f"crm_bench_{secrets.token_hex(6)}"
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield url.set(drivername="postgresql+psycopg", database=name).render_as_string(hide_password=False)
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run_one(database: str, url: str, size: int, pages: list[Page], args) -> tuple[dict, list[dict]]:
    from flask_migrate import upgrade

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": secrets.token_urlsafe(32)})
    load_figures: dict = {"database": database, "organisations": size}
    try:
        with app.app_context():
            engine = db.engine
            started = time.perf_counter()
            logging.disable(logging.INFO)  # Alembic's progress lines
            try:
                upgrade()
            finally:
                logging.disable(logging.NOTSET)
            load_figures["migrate_s"] = round(time.perf_counter() - started, 2)
            with engine.connect() as conn:
                load_figures["server"] = conn.scalar(
                    text("SELECT sqlite_version()" if database == "sqlite" else "SHOW server_version")
                )
            started = time.perf_counter()
            data = load(engine, size)
            load_figures["load_s"] = round(time.perf_counter() - started, 2)
            started = time.perf_counter()
            analyse(engine)
            load_figures["analyze_s"] = round(time.perf_counter() - started, 2)
            load_figures["rows"] = dict(data.rows)
            load_figures["terms"] = {
                key: {"text": t.text, "matches": t.matches, "of": t.of} for key, t in data.terms.items()
            }
            auth_services.create_user(email=STAFF_EMAIL, name="Bench Staff", password=STAFF_PASSWORD, role=Role.STAFF)
            db.session.commit()
        total = sum(data.rows.values())
        print(
            f"{database} {size:,}: migrations {load_figures['migrate_s']} s, loaded {total:,} rows in "
            f"{load_figures['load_s']} s ({total / load_figures['load_s']:,.0f} rows/s), "
            f"ANALYZE {load_figures['analyze_s']} s",
            file=sys.stderr,
            flush=True,
        )
        data.facts.pop("organisations.archived", None)  # large lists no page needs
        data.facts.pop("organisations.email_domains", None)
        gc.collect()
        client = app.test_client()
        sign_in(client)
        bench = Bench(database, data, client, app.config["CRM_PAGE_SIZE"])
        results = []
        with counting_queries(engine) as counter:
            for page in pages:
                result = {"page": page.name, "database": database, "rows": size}
                try:
                    result.update(measure(bench, page, counter, args.runs, args.warmups))
                except BenchError as error:
                    result["error"] = str(error)
                results.append(result)
                shown = result.get("error") or f"{result['median_ms']} ms, {result['queries']} queries"
                print(f"  {page.name}: {shown}", file=sys.stderr, flush=True)
        return load_figures, results
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


# --- reporting -----------------------------------------------------------------


def judge(results: list[dict]) -> None:
    """Ratio to the smallest size, and what misses the targets."""
    smallest: dict[tuple[str, str], dict] = {}
    for result in sorted(results, key=lambda r: r["rows"]):
        if "error" in result:
            result["over_target"] = ["FAILED"]
            continue
        base = smallest.setdefault((result["page"], result["database"]), result)
        misses = []
        if result["median_ms"] >= TARGET_MS:
            misses.append(f">= {TARGET_MS:g} ms")
        if base is not result:
            result["ratio"] = round(result["median_ms"] / base["median_ms"], 2)
            if result["ratio"] > TARGET_RATIO:
                misses.append(f"> {TARGET_RATIO:g}x")
            if result["queries"] > base["queries"]:
                misses.append("more queries")
        result["over_target"] = misses


def table(results: list[dict], loads: list[dict], page_order: list[str], database_order: list[str]) -> str:
    pages = {name: i for i, name in enumerate(page_order)}
    databases = {name: i for i, name in enumerate(database_order)}
    rows = sorted(results, key=lambda r: (pages.get(r["page"], 999), databases[r["database"]], r["rows"]))
    header = ("page", "database", "rows", "median ms", "queries", "ratio", "found", "over target")
    lines = [header]
    for r in rows:
        if "error" in r:
            lines.append((r["page"], r["database"], f"{r['rows']:,}", "-", "-", "-", "-", "FAILED: " + r["error"]))
            continue
        lines.append(
            (
                r["page"],
                r["database"],
                f"{r['rows']:,}",
                f"{r['median_ms']:.1f}",
                str(r["queries"]) + ("*" if r["queries_vary"] else ""),
                f"{r['ratio']:.1f}x" if "ratio" in r else "",
                "" if r["found"] is None else (f"{r['found']:,}" if isinstance(r["found"], int) else "> 1,000"),
                ", ".join(r["over_target"]),
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    right = {2, 3, 4, 5, 6}

    def format_line(line):
        cells = [cell.rjust(widths[i]) if i in right else cell.ljust(widths[i]) for i, cell in enumerate(line)]
        return " | ".join(cells).rstrip()

    out = [format_line(lines[0]), "-+-".join("-" * w for w in widths)]
    out += [format_line(line) for line in lines[1:]]
    out.append("")
    out.append("loading: database | organisations | rows | migrations s | load s | ANALYZE s")
    for load_figures in loads:
        if "load_s" in load_figures:
            out.append(
                f"  {load_figures['database']} | {load_figures['organisations']:,} | "
                f"{sum(load_figures['rows'].values()):,} | {load_figures['migrate_s']} | "
                f"{load_figures['load_s']} | {load_figures['analyze_s']}"
            )
    return "\n".join(out)


def machine() -> dict:
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        "sqlite": sqlite3.sqlite_version,
    }


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,100000", help="organisations per run, comma-separated")
    parser.add_argument("--databases", default="sqlite,postgresql", help="sqlite, postgresql or both")
    parser.add_argument("--runs", type=int, default=15, help="timed requests per page")
    parser.add_argument("--warmups", type=int, default=2, help="untimed requests per page first")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL") or DEFAULT_POSTGRES_URL,
        help="a PostgreSQL server where the bench may create and drop a database",
    )
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="where the JSON goes")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a figure misses a target, too")
    args = parser.parse_args(argv)
    args.sizes = sorted({int(size.replace("_", "")) for size in args.sizes.split(",")})
    args.databases = [name.strip() for name in args.databases.split(",") if name.strip()]
    unknown = set(args.databases) - {"sqlite", "postgresql"}
    if unknown or args.runs < 1 or args.warmups < 0 or min(args.sizes) < 1:
        parser.error("databases are sqlite and postgresql; runs, warmups and sizes are positive numbers")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    started, load_at_start = time.perf_counter(), os.getloadavg()
    loads, results, errors = [], [], []
    for database in args.databases:
        for size in args.sizes:
            database_for = sqlite_database if database == "sqlite" else lambda: postgres_database(args.postgres_url)
            try:
                with database_for() as url:
                    load_figures, page_results = run_one(database, url, size, PAGES, args)
            except BenchError as error:
                errors.append(f"{database} {size:,}: {error}")
                print(f"{database} {size:,}: {error}", file=sys.stderr)
                continue
            loads.append(load_figures)
            results.extend(page_results)
    judge(results)
    errors += [f"{r['page']} on {r['database']} at {r['rows']:,}: {r['error']}" for r in results if "error" in r]
    print()
    print(table(results, loads, [page.name for page in PAGES], args.databases))
    print(
        f"\nTargets: median under {TARGET_MS:g} ms, and no more than {TARGET_RATIO:g}x the smallest size's time. "
        f"{args.runs} runs after {args.warmups} warm-ups; * = the query count varied between runs. "
        f"Took {time.perf_counter() - started:.0f} s; load average {load_at_start[0]:.1f} at the start, "
        f"{os.getloadavg()[0]:.1f} at the end on {os.cpu_count()} CPUs (other work on the machine skews the times)."
    )
    report = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {**machine(), "load_average_at_start": [round(x, 2) for x in load_at_start]},
        "settings": {
            "sizes": args.sizes,
            "databases": args.databases,
            "runs": args.runs,
            "warmups": args.warmups,
            "contacts_per_organisation": 3,
            "target_ms": TARGET_MS,
            "target_ratio": TARGET_RATIO,
        },
        "loads": loads,
        "results": results,
        "errors": errors,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2) + "\n")
    print(f"Written to {args.output}")
    if errors:
        print("\nFAILED:\n  " + "\n  ".join(errors), file=sys.stderr)
        return 1
    if args.strict and any(r["over_target"] for r in results):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
