"""The printed minutes at size: our whole request against WeasyPrint's bare render.

    .venv/bin/python scripts/bench_minutes.py [--databases sqlite,postgresql] [--runs 5] [--meetings typical]

Two meetings, on a fresh database of each kind: a typical one (10 items,
25 attendees, 30 actions, with matters arising from the meeting before) and a
very long one (200 items). For each, the median over --runs of:

- request: GET /meetings/<id>/minutes.pdf through Flask's test client, signed
  in as staff: queries, templating, WeasyPrint and the response;
- bare render: WeasyPrint alone laying out the very HTML that request made,
  with the same (already parsed) stylesheet and fonts (crm.pdf.html_to_pdf).

Targets: the typical meeting under 2 s, and the request no more than 1.1 times
the bare render. The table and test-artifacts/bench-minutes.json say which
figures miss them.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta

import bench
from flask import render_template
from flask_login import login_user
from flask_migrate import upgrade
from pypdf import PdfReader
from sqlalchemy import select

from crm import PROJECT_ROOT, create_app
from crm.actions.models import Action, ActionStatus
from crm.auth import services as auth_services
from crm.auth.models import Role, User
from crm.contacts.models import Contact
from crm.extensions import db
from crm.markings import Marking
from crm.meetings import minutes
from crm.meetings.models import (
    AgendaItem,
    Attendance,
    AttendanceRole,
    Feedback,
    ItemNote,
    Meeting,
    MeetingKind,
    MeetingStatus,
)
from crm.organisations.models import Organisation, OrganisationType
from crm.pdf import html_to_pdf
from crm.series.models import MeetingSeries
from crm.visibility import MinutesVersion

OUTPUT = PROJECT_ROOT / "test-artifacts" / "bench-minutes.json"
TARGET_SECONDS = 2.0
TARGET_RATIO = 1.1
SIZES = {
    "typical": {"items": 10, "attendees": 25, "actions": 30},
    "very long": {"items": 200, "attendees": 25, "actions": 30},
}
DISCUSSION = (
    "The panel looked at how victims of hate crime are kept informed from charge to sentence, and at the letters "
    "sent when a charge is dropped or changed.\n\nMembers from the community groups said that the letters were "
    "hard to follow and arrived too late to be of use; the police described the support their officers give.\n\n"
    "The Area explained the victims' right to review and how it is offered."
)


def build(size: dict, number: int) -> int:
    """A meeting of `size`, with an earlier meeting of its series whose open actions arise."""
    organisations = [
        Organisation(name=f"Partner {number}-{n}", type=OrganisationType.VOLUNTARY_COMMUNITY_GROUP) for n in range(6)
    ]
    db.session.add_all(organisations)
    db.session.flush()
    people = [
        Contact(name=f"Person {n} of meeting {number}", job_title="Member", organisation_id=organisations[n % 6].id)
        for n in range(size["attendees"])
    ]
    series = MeetingSeries(name=f"Scrutiny Panel {number}", members=organisations)
    db.session.add_all([*people, series])
    db.session.flush()
    start = datetime.now(UTC) - timedelta(days=7)
    earlier = Meeting(
        title="Spring panel",
        kind=MeetingKind.SCRUTINY_PANEL,
        series_id=series.id,
        starts_at=start - timedelta(days=90),
        status=MeetingStatus.APPROVED,
    )
    meeting = Meeting(
        title=f"Summer panel {number}",
        kind=MeetingKind.SCRUTINY_PANEL,
        series_id=series.id,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        venue="St Albans office",
        status=MeetingStatus.CIRCULATED,
        outcomes="Plain-English letters adopted.\n\nA leaflet for Gypsy and Traveller communities.",
    )
    db.session.add_all([earlier, meeting])
    db.session.flush()
    roles = [AttendanceRole.CHAIR, AttendanceRole.SECRETARIAT] + [AttendanceRole.MEMBER] * size["attendees"]
    db.session.add_all(
        Attendance(
            meeting_id=meeting.id,
            organisation_id=person.organisation_id,
            contact_id=person.id,
            role=role,
            status="apologies" if n % 8 == 7 else "present",
        )
        for n, (person, role) in enumerate(zip(people, roles, strict=False))
    )
    items = [
        AgendaItem(
            meeting_id=meeting.id,
            position=n,
            title=f"Item {n}: victims' letters",
            presenter_id=people[n % 5].id,
            discussion=DISCUSSION,
            decisions="Letters to be rewritten and tested with the panel.",
            marking=Marking.OFFICIAL_SENSITIVE if n % 10 == 9 else Marking.OFFICIAL,
        )
        for n in range(1, size["items"] + 1)
    ]
    db.session.add_all(items)
    db.session.flush()
    db.session.add_all(ItemNote(item_id=item.id, text="A note for the record.") for item in items)
    actions = [
        Action(
            reference=f"A-{number}-{n:03d}",
            title="Rewrite the letter to victims in plain English",
            owner_id=organisations[n % 6].id,
            lead_id=people[n % len(people)].id,
            due_on=date(2027, 1, n % 28 + 1),
            meeting_id=meeting.id,
            agenda_item_id=items[n % len(items)].id,
        )
        for n in range(size["actions"])
    ]
    arising = [
        Action(
            reference=f"A-{number}-9{n:02d}",
            title="Share the outcome figures",
            owner_id=organisations[n].id,
            meeting_id=earlier.id,
            status=ActionStatus.IN_PROGRESS,
        )
        for n in range(5)
    ]
    db.session.add_all([*actions, *arising])
    db.session.add_all(
        Feedback(
            meeting_id=meeting.id, quote="A thoughtful, useful panel.", attribution="Chair, the panel", may_publish=True
        )
        for _ in range(2)
    )
    db.session.commit()
    return meeting.id


def the_html(app, meeting_id: int) -> str:
    """The HTML the minutes view gives WeasyPrint, made the view's way, as staff."""
    with app.test_request_context():
        staff = db.session.scalar(select(User).where(User.email == bench.STAFF_EMAIL))
        login_user(staff)
        document = minutes.printed_minutes(db.session.get(Meeting, meeting_id), MinutesVersion.FULL, staff)
        return render_template(
            "meetings/minutes_pdf.html", minutes=document, marking=document.marking.label, draft=document.draft
        )


def measure(app, client, meeting_id: int, runs: int) -> dict:
    """Requests and bare renders taken in turn, so that whatever else the
    machine is doing weighs on both alike; the first of each warms up."""
    url = f"/meetings/{meeting_id}/minutes.pdf"
    html = the_html(app, meeting_id)
    request_times, bare_times, queries = [], [], 0
    with bench.counting_queries(db.engine) as counter:
        for run in range(runs + 1):
            counter[0] = 0
            started = time.perf_counter()
            response = client.get(url)
            elapsed = time.perf_counter() - started
            if response.status_code != 200 or response.mimetype != "application/pdf":
                raise bench.BenchError(f"GET {url} answered {response.status_code} {response.mimetype}")
            queries = counter[0]
            started = time.perf_counter()
            pdf = html_to_pdf(html)
            bare = time.perf_counter() - started
            if run:
                request_times.append(elapsed)
                bare_times.append(bare)
    request, bare = statistics.median(request_times), statistics.median(bare_times)
    return {
        "request_s": round(request, 3),
        "bare_s": round(bare, 3),
        "ratio": round(request / bare, 3),
        "queries": queries,
        "pdf_bytes": len(response.data),
        "pages": len(PdfReader(io.BytesIO(pdf)).pages),
    }


def run(database: str, url: str, runs: int, sizes: list[str]) -> list[dict]:
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": bench.secrets.token_urlsafe(32),
            "RATELIMIT_ENABLED": False,
            "WTF_CSRF_ENABLED": True,
        }
    )
    results = []
    with app.app_context():
        upgrade()
        auth_services.create_user(
            email=bench.STAFF_EMAIL, name="Bench Staff", password=bench.STAFF_PASSWORD, role=Role.STAFF
        )
        db.session.commit()
        ids = {name: build(SIZES[name], number) for number, name in enumerate(sizes, 1)}
        client = app.test_client()
        bench.sign_in(client)
        for name, meeting_id in ids.items():
            figures = measure(app, client, meeting_id, runs)
            misses = []
            if name == "typical" and figures["request_s"] > TARGET_SECONDS:
                misses.append(f"> {TARGET_SECONDS:g} s")
            if figures["ratio"] > TARGET_RATIO:
                misses.append(f"> {TARGET_RATIO:g}x bare")
            results.append({"meeting": name, "database": database, **SIZES[name], **figures, "misses": misses})
            print(
                f"  {database} {name}: request {figures['request_s']:.3f} s, bare {figures['bare_s']:.3f} s, "
                f"{figures['ratio']:.2f}x, {figures['queries']} queries, {figures['pages']} pages",
                flush=True,
            )
        db.engine.dispose()
    return results


def table(results: list[dict]) -> str:
    lines = [
        "minutes PDF | database   | items | request s | bare s | ratio | queries | pages | over target",
        "------------+------------+-------+-----------+--------+-------+---------+-------+------------",
    ]
    for r in results:
        lines.append(
            f"{r['meeting']:<11} | {r['database']:<10} | {r['items']:>5} | {r['request_s']:>9.3f} | "
            f"{r['bare_s']:>6.3f} | {r['ratio']:>5.2f} | {r['queries']:>7} | {r['pages']:>5} | {', '.join(r['misses'])}"
        )
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--meetings", default=",".join(SIZES), help=f"which of {', '.join(SIZES)}")
    parser.add_argument("--postgres-url", default=bench.DEFAULT_POSTGRES_URL)
    parser.add_argument("--output", default=str(OUTPUT))
    parser.add_argument("--strict", action="store_true", help="exit 1 when a figure misses a target")
    args = parser.parse_args(argv)
    results = []
    for database in args.databases.split(","):
        opener = bench.sqlite_database() if database == "sqlite" else bench.postgres_database(args.postgres_url)
        with opener as url:
            results.extend(run(database, url, args.runs, args.meetings.split(",")))
    print()
    print(table(results))
    print(
        f"\nTargets: the typical meeting under {TARGET_SECONDS:g} s; the request at most {TARGET_RATIO:g}x the bare render."
    )
    output = bench.Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps({"machine": bench.machine(), "results": results}, indent=2))
    print(f"Written to {output}")
    return 1 if args.strict and any(result["misses"] for result in results) else 0


if __name__ == "__main__":
    sys.exit(main())
