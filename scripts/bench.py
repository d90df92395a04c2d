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

The table and test-artifacts/bench.json mark what misses the targets: under 30 ms median (the action
register's pages 50 ms), and at the largest size no more than 1.5 times the figure at the smallest.

Meetings (as many as organisations) and their series load after the
contacts; their list is measured upcoming, past, filtered, searched and at
its last page.

Then five members of staff (the bench's own among them) and a partner user,
and actions (as many as organisations, owned by 200 of them, some agreed at
meetings of a series) with partners' requests on a few. The register is
measured as staff and, where the partner's scope changes the query, as the
partner: its first page, filtered, searched, sorted by title, at its last
page, and the CSV export of every row, streamed to /dev/null: a download has
no time target, but its peak memory (tracemalloc) must not grow with the
rows. The dashboard is checked for the overdue actions it shows.

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
import tracemalloc
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from html import unescape
from pathlib import Path
from urllib.parse import urlencode

from sqlalchemy import event, select, text
from sqlalchemy.engine import Connection, make_url

from crm import PROJECT_ROOT, create_app
from crm.actions.models import Action, ActionPriority, ActionRequest, ActionStatus, RequestKind, RequestStatus
from crm.actions.services import today
from crm.auth import services as auth_services
from crm.auth.models import Role, User
from crm.contacts.models import Contact
from crm.extensions import db
from crm.meetings.models import Meeting, MeetingKind, MeetingStatus, meeting_organisations
from crm.organisations.models import Organisation, OrganisationType
from crm.series.models import MeetingSeries, series_members

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
DEFAULT_OUTPUT = PROJECT_ROOT / "test-artifacts" / "bench.json"
TARGET_MS = 30.0
REGISTER_TARGET_MS = 50.0  # the action register's pages
# A download's peak memory is compared with the smallest size's that had this many rows: below it the
# export's batches (500 rows) are not full yet, so a lower peak there says nothing about growth.
MEMORY_BASE_ROWS = 1000
TARGET_RATIO = 1.5
BATCH = 5_000
SEED = 20_261_122
STAFF_EMAIL = "bench.staff@example.org"
PARTNER_EMAIL = "bench.partner@example.org"
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
        for organisation_id in rng.sample(active_ids[1:], min(5, len(active_ids) - 1))
    ]
    # The bench's partner (the first active organisation) sits on two series,
    # so that its meetings list and dashboard have meetings to find.
    members += [{"series_id": n, "organisation_id": active_ids[0]} for n in (1, 2)]
    insert_rows(conn, series_members, members, data)

    kinds = list(MeetingKind)
    counts = dict.fromkeys(MEETING_TERMS, 0)
    agreed_at: list[tuple[int, int]] = []  # past meetings in a series, (id, series id): for the actions
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
            if series_id and days < 0:
                agreed_at.append((n, series_id))
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
    data.facts["meetings.in_series_past"] = agreed_at
    for key, term in MEETING_TERMS.items():
        data.terms[f"meetings.{key}"] = Term(term, counts[key], size)


# Users: the bench's member of staff (signed in for the staff pages) and a few
# colleagues, who lead the actions between them, and a partner user of the
# organisation that owns the most actions (the partner pages).
STAFF_COLLEAGUES = ["Priya Okafor", "Tom Brennan", "Helen Marsh", "Daniel Osei"]


@loader("users")
def load_users(conn: Connection, data: Dataset) -> None:
    organisation_archived: list[bool] = data.facts["organisations.archived"]
    partner_organisation = next(n for n in range(1, data.size + 1) if not organisation_archived[n - 1])
    signs_in, never = auth_services.hash_password(STAFF_PASSWORD), auth_services.hash_password(secrets.token_hex(16))
    people = [(STAFF_EMAIL, "Bench Staff", Role.STAFF, None, signs_in)]
    people += [(f"{slug(name)}@example.org", name, Role.STAFF, None, never) for name in STAFF_COLLEAGUES]
    people.append((PARTNER_EMAIL, "Bench Partner", Role.PARTNER, partner_organisation, signs_in))
    rows = [
        {"id": n, "email": email, "name": name, "password_hash": password_hash, "role": role,
         "organisation_id": organisation_id, "created_at": data.now, "version": 1}
        for n, (email, name, role, organisation_id, password_hash) in enumerate(people, start=1)
    ]  # fmt: skip
    insert_rows(conn, User.__table__, rows, data)
    data.facts["users.staff"] = [row["id"] for row in rows if row["role"] is Role.STAFF]
    data.facts["users.partner_organisation"] = partner_organisation


# Actions: as many as organisations, owned by 200 of them (a few own many, as
# the police and councils do), mostly outstanding, due within a year either
# side of today or undated, some agreed at meetings of a series. None is due
# within a day of today, so that "overdue" means the same when the data is
# loaded and when the pages are asked for.
ACTION_TERMS = {"rare": "Ombudsman", "common": "report", "short": "in"}
ACTION_VERBS = [
    "Review", "Share", "Circulate", "Update", "Draft", "Confirm", "Chase", "Publish", "Present", "Agree",
    "Finalise", "Report back on", "Inform the panel about", "Invite comments on", "Translate",
]  # fmt: skip
ACTION_OBJECTS = [
    "the hate crime data", "the referral pathway", "the terms of reference", "the victims' survey results",
    "training for frontline staff", "the information-sharing agreement", "the community tension report",
    "the third-party reporting centres", "the panel's recommendations", "the safeguarding audit",
    "the action plan", "the quarterly performance report", "the consultation findings", "the funding bid",
    "the easy-read leaflet", "the guidance for schools",
]  # fmt: skip
RARE_ACTION = "Refer the complaint to the Ombudsman"
ACTION_DESCRIPTIONS = ["", "", "As agreed at the panel.", "See the minutes for the detail.", "-1 in the last quarter: ask why."]  # fmt: skip
ACTION_OWNERS = 200
ACTION_STATUSES = [(ActionStatus.OPEN, 45), (ActionStatus.IN_PROGRESS, 30), (ActionStatus.COMPLETED, 20), (ActionStatus.CANCELLED, 5)]  # fmt: skip
ACTION_PRIORITIES = [(ActionPriority.HIGH, 2), (ActionPriority.MEDIUM, 6), (ActionPriority.LOW, 2)]
LAST_ACTIONS_KEPT = 100  # of the outstanding actions in due order, for the last page's check
DASHBOARD_SHOWN = 5  # actions in each of the dashboard's short lists
OVERDUE_ORGANISATIONS_SHOWN = 10  # rows of the staff dashboard's "overdue by organisation"


def due_order(due_on: date | None, action_id: int) -> tuple[date, int]:
    """The register's default sort: due date, undated last, then id."""
    return (due_on or date.max, action_id)


@loader("actions")
def load_actions(conn: Connection, data: Dataset) -> None:
    rng, size = data.rng, data.size
    organisation_archived: list[bool] = data.facts["organisations.archived"]
    owners = [n for n in range(1, size + 1) if not organisation_archived[n - 1]][:ACTION_OWNERS]
    weights = [1 / rank**0.7 for rank in range(1, len(owners) + 1)]  # the first owns about 7%
    partner = data.facts["users.partner_organisation"]
    assert owners[0] == partner
    staff = data.facts["users.staff"]
    agreed_at: list[tuple[int, int]] = data.facts["meetings.in_series_past"]
    statuses, status_weights = zip(*ACTION_STATUSES, strict=True)
    priorities, priority_weights = zip(*ACTION_PRIORITIES, strict=True)
    day = today(data.now)
    rare_every = max(size // 5, 1)  # a handful of Ombudsman rows at any size
    numbers: dict[int, int] = {}  # year -> the last reference number given
    counts = {"all": dict.fromkeys(ACTION_TERMS, 0), "partner": dict.fromkeys(ACTION_TERMS, 0)}
    facts = dict.fromkeys(["outstanding", "red", "in_progress", "series_1", "partner.all", "partner.outstanding", "partner.red"], 0)  # fmt: skip
    outstanding: dict[str, list[tuple]] = {"all": [], "partner": []}  # (due order, reference) of the outstanding
    red_by_owner: dict[int, int] = {}
    partner_red: list[tuple] = []  # (due order, reference)
    outstanding_ids: list[int] = []

    def rows():
        for n in range(1, size + 1):
            owner = rng.choices(owners, weights)[0]
            rare = n % rare_every == 0
            status = ActionStatus.OPEN if rare else rng.choices(statuses, status_weights)[0]
            title = RARE_ACTION if rare else f"{rng.choice(ACTION_VERBS)} {rng.choice(ACTION_OBJECTS)}"
            if not rare and rng.random() < 0.5:
                title += f" for {rng.choice(AREAS)}"
            due_on = None
            if rng.random() >= 0.08:
                while due_on is None or abs((due_on - day).days) <= 1:
                    due_on = day + timedelta(days=rng.randint(-365, 365))
            created = moment(data, days_ago_at_most=730)
            last_update = max(created, data.now - timedelta(days=min(rng.expovariate(1 / 30), 700)))
            updated = created + (data.now - created) * rng.random()
            year = created.year
            numbers[year] = numbers.get(year, 0) + 1
            reference = f"A-{year}-{numbers[year]:06d}"
            meeting_id = series_id = None
            if agreed_at and rng.random() < 0.4:
                meeting_id, series_id = rng.choice(agreed_at)
            if not status.is_closed:
                late = due_on is not None and due_on < day
                key = (due_order(due_on, n), reference)
                outstanding["all"].append(key)
                outstanding_ids.append(n)
                facts["outstanding"] += 1
                facts["red"] += late
                facts["in_progress"] += status is ActionStatus.IN_PROGRESS
                facts["series_1"] += series_id == 1
                _count_matches(ACTION_TERMS, counts["all"], title, reference)
                if late:
                    red_by_owner[owner] = red_by_owner.get(owner, 0) + 1
                if owner == partner:
                    outstanding["partner"].append(key)
                    facts["partner.outstanding"] += 1
                    facts["partner.red"] += late
                    _count_matches(ACTION_TERMS, counts["partner"], title, reference)
                    if late:
                        partner_red.append(key)
            facts["partner.all"] += owner == partner
            yield {
                "id": n, "reference": reference, "title": title, "description": rng.choice(ACTION_DESCRIPTIONS),
                "owner_id": owner, "lead_id": (owner - 1) * 3 + rng.randint(1, 3) if rng.random() < 0.7 else None,
                "due_on": due_on, "status": status.value, "meeting_id": meeting_id, "agenda_item_id": None,
                "priority": rng.choices(priorities, priority_weights)[0].value,
                "staff_lead_id": rng.choice(staff) if rng.random() < 0.9 else None, "staff_notes": "",
                "last_update_at": last_update, "version": 1, "created_at": created, "updated_at": updated,
            }  # fmt: skip

    insert_rows(conn, Action.__table__, rows(), data)

    # Partners' requests on a few outstanding actions: some waiting, some answered lately.
    def request_rows():
        asked = rng.sample(outstanding_ids, len(outstanding_ids) // 20)
        for n, action_id in enumerate(asked, start=1):
            kind = rng.choice(list(RequestKind))
            created = data.now - timedelta(days=rng.uniform(0.1, 60))
            decided = n % 2 == 0
            yield {
                "id": n, "action_id": action_id, "kind": kind.value, "reason": "Done, as reported to the panel.",
                "proposed_due_on": day + timedelta(days=30) if kind is RequestKind.NEW_DATE else None,
                "status": rng.choice([RequestStatus.APPROVED, RequestStatus.DECLINED]).value if decided
                else RequestStatus.PENDING.value,
                "answer": "Thank you." if decided else "", "requested_by_id": None,
                "decided_by_id": staff[0] if decided else None, "created_at": created,
                "decided_at": created + (data.now - created) / 2 if decided else None, "version": 1,
            }  # fmt: skip

    insert_rows(conn, ActionRequest.__table__, request_rows(), data)

    for key, value in facts.items():
        data.facts[f"actions.{key}"] = value
    data.facts["actions.all"] = size
    data.facts["actions.partner.organisation"] = partner
    for prefix, keys in (("actions", outstanding["all"]), ("actions.partner", outstanding["partner"])):
        data.facts[f"{prefix}.last_references"] = [reference for _, reference in sorted(keys)[-LAST_ACTIONS_KEPT:]]
    data.facts["actions.partner.most_overdue"] = [reference for _, reference in sorted(partner_red)[:DASHBOARD_SHOWN]]
    # The staff dashboard's "overdue by organisation": the most overdue first (then by id), shown by name.
    names = dict(conn.execute(select(Organisation.id, Organisation.name).where(Organisation.id.in_(owners))).all())
    most = sorted(red_by_owner.items(), key=lambda item: (-item[1], item[0]))[:OVERDUE_ORGANISATIONS_SHOWN]
    data.facts["actions.overdue_by_organisation"] = [
        (owner, late) for owner, late in sorted(most, key=lambda item: (-item[1], names[item[0]].lower()))
    ]
    for key, term in ACTION_TERMS.items():
        data.terms[f"actions.{key}"] = Term(term, counts["all"][key], facts["outstanding"])
        data.facts[f"actions.partner.{key}"] = counts["partner"][key]


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
    clients: dict[str, object]  # role -> flask.testing.FlaskClient, signed in
    page_size: int

    def get(self, url: str, headers: dict | None = None, *, role: str = "staff"):
        response = self.clients[role].get(url, headers=headers or {})
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
    role: str = "staff"  # who asks: "staff", or "partner" (a user of the organisation owning the most actions)
    target_ms: float | None = TARGET_MS  # None: no time target (a download of every row takes what the rows take)
    # A download, streamed to /dev/null: `found` is then its rows (lines less the header), and the
    # peak of Python's memory while it streams must not grow with them.
    download: bool = False
    runs: int | None = None  # at most this many timed requests (and one warm-up), for a slow page

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


def last_page(path: str, count_fact: str, *, role: str = "staff") -> Callable[[Bench], str]:
    """The last page, as its list's own pagination links it: "Last" past 1,000 rows, else the highest number."""

    def address(bench: Bench) -> str:
        body = bench.get(path, role=role).get_data(as_text=True)
        links = {number: unescape(href) for href, number in _PAGE_LINK.findall(body)}
        count = bench.data.facts[count_fact]
        if count > CAP:
            if "last" not in links:
                raise BenchError(f"{path} has {count:,} rows but no link to its last page")
            return links["last"]
        numbers = [int(number) for number in links if number != "last"]
        if count <= bench.page_size and not numbers:
            return path  # one page: the first is the last
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


_ACTION_REFERENCE = re.compile(r'<td class="govuk-table__cell app-nowrap">(A-\d{4}-\d{6})</td>')
_LISTED_REFERENCE = re.compile(r'<span class="app-nowrap">(A-\d{4}-\d{6})</span>')
_OVERDUE_ROW = re.compile(
    r'href="/actions/\?[^"]*organisation=(\d+)[^"]*">[^<]*</a></td>\s*'
    r'<td class="govuk-table__cell govuk-table__cell--numeric">(\d+)</td>'
)
_RED_COUNT = re.compile(r'app-rag-counts__item--red">\s*<a [^>]*><span class="app-rag-counts__number">([^<]+)</span>')


def shows_last_actions(prefix: str) -> Callable[[Bench, str], None]:
    """The last page holds the outstanding actions that sort last (due date, undated last, then id), in order:
    a whole page past 1,000 rows, else what is left after the pages before it."""

    def check(bench: Bench, body: str) -> None:
        shown = _ACTION_REFERENCE.findall(body)
        expected = bench.data.facts[f"{prefix}.last_references"]
        count, per_page = bench.data.facts[f"{prefix}.outstanding"], bench.page_size
        wanted = per_page if count > CAP else count - (math.ceil(count / per_page) - 1) * per_page
        if shown != (expected[-wanted:] if wanted else []):
            raise BenchError(f"the last page shows {shown[:2]}...{shown[-2:]}, not the {wanted} actions due last")

    return check


def shows_overdue_organisations(bench: Bench, body: str) -> None:
    """Staff's dashboard: the organisations with the most overdue actions, and how many each has."""
    shown = [(int(organisation), int(late)) for organisation, late in _OVERDUE_ROW.findall(body)]
    expected = bench.data.facts.get("actions.overdue_by_organisation", [])
    if shown != expected:
        raise BenchError(f"the dashboard's overdue by organisation shows {shown[:3]}..., not {expected[:3]}...")


def shows_partner_overdue(bench: Bench, body: str) -> None:
    """A partner's dashboard: how many of its actions are overdue, and the most overdue first."""
    red, expected = _RED_COUNT.search(body), as_shown(bench.data.facts["actions.partner.red"])
    wording = expected if isinstance(expected, str) else f"{expected:,}"
    if red is None or red.group(1).strip() != wording:
        raise BenchError(f"the partner's dashboard says {red and red.group(1)!r} overdue, not {wording}")
    most_overdue = bench.data.facts["actions.partner.most_overdue"]
    listed = _LISTED_REFERENCE.findall(body)[: len(most_overdue)]
    if listed != most_overdue:
        raise BenchError(f"the partner's dashboard lists {listed} as the most overdue, not {most_overdue}")


def fact(name: str) -> Callable[[Dataset], int]:
    return lambda data: data.facts[name]


def register_page(name: str, url: str | Callable[[Bench], str], found: str | None, **kwargs) -> Page:
    """A page of the action register, with its target; `found` names the fact its "N found" must show."""
    return Page(name, url, found=fact(found) if found else None, target_ms=REGISTER_TARGET_MS, **kwargs)


def action_search(name: str, term: str, *, role: str = "staff") -> Page:
    """The register searched for one of the actions' terms; a partner's finds its own organisation's only."""
    found = (lambda d: d.terms[f"actions.{term}"].matches) if role == "staff" else fact(f"actions.partner.{term}")
    return Page(
        name,
        lambda bench: f"/actions/?{urlencode({'q': bench.data.terms[f'actions.{term}'].text})}",
        found=found,
        role=role,
        target_ms=REGISTER_TARGET_MS,
    )


def export_everything(name: str, rows: str, *, role: str = "staff") -> Page:
    return Page(
        name, "/actions/export.csv?show=all", found=fact(rows), role=role, target_ms=None, download=True, runs=3
    )


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
    Page("dashboard", "/dashboard", check=shows_overdue_organisations),
    Page("meetings, upcoming", "/meetings/", found=lambda d: d.facts["meetings.upcoming"]),
    Page("meetings, past", "/meetings/?when=past", found=lambda d: d.facts["meetings.past"]),
    Page("meetings, upcoming visits", "/meetings/?kind=visit", found=lambda d: d.facts["meetings.upcoming_visits"]),
    Page("meetings, one series", "/meetings/?when=all&series=1", found=lambda d: d.facts["meetings.series_1"]),
    search("meetings search, rare", "/meetings/?when=all", "meetings.rare"),
    search("meetings search, common", "/meetings/?when=all", "meetings.common"),
    search("meetings search, two characters", "/meetings/?when=all", "meetings.short"),
    Page("meetings, partner", "/meetings/?when=all", role="partner"),
    Page(
        "meetings, past, last page",
        last_page("/meetings/?when=past", "meetings.past"),
        found=lambda d: d.facts["meetings.past"],
    ),
    register_page("actions", "/actions/", "actions.outstanding"),
    register_page("actions, red", "/actions/?rag=red", "actions.red"),
    register_page(
        "actions, one organisation",
        lambda bench: f"/actions/?organisation={bench.data.facts['actions.partner.organisation']}",
        "actions.partner.outstanding",
    ),
    register_page("actions, in progress", "/actions/?status=in_progress", "actions.in_progress"),
    register_page("actions, one series", "/actions/?series=1", "actions.series_1"),
    action_search("actions search, rare", "rare"),
    action_search("actions search, common", "common"),
    action_search("actions search, two characters", "short"),
    register_page("actions sort by title", "/actions/?sort=title", "actions.outstanding"),
    register_page(
        "actions last page",
        last_page("/actions/", "actions.outstanding"),
        "actions.outstanding",
        check=shows_last_actions("actions"),
    ),
    export_everything("actions CSV, all", "actions.all"),
    register_page("actions, partner", "/actions/", "actions.partner.outstanding", role="partner"),
    register_page("actions, red, partner", "/actions/?rag=red", "actions.partner.red", role="partner"),
    action_search("actions search, common, partner", "common", role="partner"),
    action_search("actions search, two characters, partner", "short", role="partner"),
    register_page(
        "actions last page, partner",
        last_page("/actions/", "actions.partner.outstanding", role="partner"),
        "actions.partner.outstanding",
        role="partner",
        check=shows_last_actions("actions.partner"),
    ),
    export_everything("actions CSV, all, partner", "actions.partner.all", role="partner"),
    Page("dashboard, partner", "/dashboard", role="partner", check=shows_partner_overdue),
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


def sign_in(client, email: str = STAFF_EMAIL) -> None:
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)
    response = client.post("/login", data={"email": email, "password": STAFF_PASSWORD, "csrf_token": token})
    if response.status_code != 302 or not response.location.endswith("/dashboard"):
        raise BenchError(f"signing in as {email} answered {response.status_code}")


def download(client, url: str, headers: dict) -> int:
    """GET a download and stream it to /dev/null as it is made; the lines it had."""
    response = client.get(url, headers=headers, buffered=False)
    try:
        if response.status_code != 200:
            raise BenchError(f"GET {url} answered {response.status_code}, not 200")
        lines = 0
        with open(os.devnull, "wb") as sink:
            for chunk in response.iter_encoded():
                sink.write(chunk)
                lines += chunk.count(b"\n")
        return lines
    finally:
        response.close()


def peak_memory(client, url: str, headers: dict) -> int:
    """The peak of Python's memory (tracemalloc, bytes) while one download is made and streamed."""
    gc.collect()
    tracemalloc.start()
    try:
        download(client, url, headers)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def measure(bench: Bench, page: Page, counter: list[int], runs: int, warmups: int) -> dict:
    url = page.address(bench)
    client = bench.clients[page.role]
    if page.runs is not None:
        runs, warmups = min(runs, page.runs), min(warmups, 1)
    times, queries = [], set()
    for run in range(warmups + runs):
        counter[0] = 0
        started = time.perf_counter()
        if page.download:
            lines = download(client, url, page.headers)
        else:
            response = client.get(url, headers=page.headers)
        elapsed = time.perf_counter() - started
        if not page.download and response.status_code != 200:
            raise BenchError(f"GET {url} answered {response.status_code}, not 200")
        if run >= warmups:
            times.append(elapsed * 1000)
            queries.add(counter[0])
    figures = {}
    if page.download:
        found = lines - 1  # the header
        figures["peak_kib"] = round(peak_memory(client, url, page.headers) / 1024)
        if found != page.found(bench.data):
            raise BenchError(f"GET {url} gave {found:,} rows; the data loaded has {page.found(bench.data):,}")
    else:
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
        "role": page.role,
        "target_ms": page.target_ms,
        "median_ms": round(statistics.median(times), 2),
        "min_ms": round(min(times), 2),
        "max_ms": round(max(times), 2),
        "runs": len(times),
        "queries": max(queries),
        "queries_vary": len(queries) > 1,
        "found": found,
        **figures,
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
        total = sum(data.rows.values())
        print(
            f"{database} {size:,}: migrations {load_figures['migrate_s']} s, loaded {total:,} rows in "
            f"{load_figures['load_s']} s ({total / load_figures['load_s']:,.0f} rows/s), "
            f"ANALYZE {load_figures['analyze_s']} s",
            file=sys.stderr,
            flush=True,
        )
        for name in ("organisations.archived", "organisations.email_domains", "meetings.in_series_past"):
            data.facts.pop(name, None)  # large lists no page needs
        gc.collect()
        clients = {"staff": app.test_client(), "partner": app.test_client()}
        sign_in(clients["staff"], STAFF_EMAIL)
        sign_in(clients["partner"], PARTNER_EMAIL)
        bench = Bench(database, data, clients, app.config["CRM_PAGE_SIZE"])
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
    memory_base: dict[tuple[str, str], dict] = {}
    for result in sorted(results, key=lambda r: r["rows"]):
        if "error" in result:
            result["over_target"] = ["FAILED"]
            continue
        base = smallest.setdefault((result["page"], result["database"]), result)
        if "peak_kib" in result and result["found"] >= MEMORY_BASE_ROWS:
            memory_base.setdefault((result["page"], result["database"]), result)
        misses = []
        target = result.get("target_ms", TARGET_MS)
        if target is not None and result["median_ms"] >= target:
            misses.append(f">= {target:g} ms")
        if base is not result:
            result["ratio"] = round(result["median_ms"] / base["median_ms"], 2)
            if target is not None and result["ratio"] > TARGET_RATIO:
                misses.append(f"> {TARGET_RATIO:g}x")
            if result["queries"] > base["queries"]:
                misses.append("more queries")
        memory = memory_base.get((result["page"], result["database"]))
        if memory is not None and memory is not result:
            result["memory_ratio"] = round(result["peak_kib"] / max(memory["peak_kib"], 1), 2)
            if result["memory_ratio"] > TARGET_RATIO:
                misses.append(f"memory > {TARGET_RATIO:g}x")
        result["over_target"] = misses


def table(results: list[dict], loads: list[dict], page_order: list[str], database_order: list[str]) -> str:
    pages = {name: i for i, name in enumerate(page_order)}
    databases = {name: i for i, name in enumerate(database_order)}
    rows = sorted(results, key=lambda r: (pages.get(r["page"], 999), databases[r["database"]], r["rows"]))
    header = ("page", "database", "rows", "median ms", "queries", "ratio", "found", "peak KiB", "over target")
    lines = [header]
    for r in rows:
        if "error" in r:
            lines.append((r["page"], r["database"], f"{r['rows']:,}", *["-"] * 5, "FAILED: " + r["error"]))
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
                (f"{r['peak_kib']:,}" + (f" ({r['memory_ratio']:.1f}x)" if "memory_ratio" in r else ""))
                if "peak_kib" in r
                else "",
                ", ".join(r["over_target"]),
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    right = {2, 3, 4, 5, 6, 7}

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
    parser.add_argument(
        "--pages",
        default="",
        help="only the pages whose name holds one of these words, comma-separated (actions,dashboard)",
    )
    args = parser.parse_args(argv)
    words = [word.strip().lower() for word in args.pages.split(",") if word.strip()]
    args.pages = [page for page in PAGES if not words or any(word in page.name.lower() for word in words)]
    args.sizes = sorted({int(size.replace("_", "")) for size in args.sizes.split(",")})
    args.databases = [name.strip() for name in args.databases.split(",") if name.strip()]
    unknown = set(args.databases) - {"sqlite", "postgresql"}
    if unknown or args.runs < 1 or args.warmups < 0 or min(args.sizes) < 1:
        parser.error("databases are sqlite and postgresql; runs, warmups and sizes are positive numbers")
    if not args.pages:
        parser.error(f"no page's name holds any of {words}")
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
                    load_figures, page_results = run_one(database, url, size, args.pages, args)
            except BenchError as error:
                errors.append(f"{database} {size:,}: {error}")
                print(f"{database} {size:,}: {error}", file=sys.stderr)
                continue
            loads.append(load_figures)
            results.extend(page_results)
    judge(results)
    errors += [f"{r['page']} on {r['database']} at {r['rows']:,}: {r['error']}" for r in results if "error" in r]
    print()
    print(table(results, loads, [page.name for page in args.pages], args.databases))
    print(
        f"\nTargets: median under {TARGET_MS:g} ms (the action register's pages {REGISTER_TARGET_MS:g} ms), and no more "
        f"than {TARGET_RATIO:g}x the smallest size's time; a whole download has no time target, but its peak memory "
        f"(tracemalloc, while it streams) no more than {TARGET_RATIO:g}x the smallest size's with {MEMORY_BASE_ROWS:,} "
        "rows or more. "
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
            "register_target_ms": REGISTER_TARGET_MS,
            "pages": [page.name for page in args.pages],
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
