"""The printed action log of a series: read back from the PDF, in both versions, for each reader."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

import pytest
from pypdf import PdfReader

from crm.actions.models import Action, ActionStatus, ActionUpdate
from crm.actions.services import today
from crm.extensions import db
from crm.markings import Marking
from crm.meetings.models import AgendaItem
from tests.conftest import page_text

SERIES = "Local Scrutiny and Involvement Panel"
STAFF_NOTE = "Staff-only thoughts on the owner"
MEETING_STAFF_NOTE = "Staff-only thoughts on the chair"
SENSITIVE_ITEM = "Individual case review"
SENSITIVE_ACTION = "Write to the defendant's solicitor"
DRAFT_ACTION = "Action from minutes still in draft"
CLOSED_SESSION_ACTION = "Action from the closed session"
CLOSED_SESSION_PROGRESS = "Said in the closed session"
LONG_TITLE = (
    "Review every stop and search record from the last two quarters with the community reference group, "
    "agree which cases the panel looks at in depth and report back on the themes found"
)
NOW = datetime.now(UTC)
TODAY = today(NOW)  # in the UK


def pdf_text(response) -> tuple[PdfReader, str]:
    """The PDF and its text, every run of spaces and line breaks as one space
    (a table cell wraps its words onto several lines)."""
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    return reader, " ".join("\n".join(page.extract_text() for page in reader.pages).split())


def add(app, *records):
    with app.app_context():
        db.session.add_all(records)
        db.session.commit()
        return [record.id for record in records]


def said(app, action_id: int, text: str, *, days_ago: int, meeting_id: int | None = None) -> None:
    """A line of progress, committed on its own so that the newer one has the higher id."""
    add(
        app,
        ActionUpdate(action_id=action_id, text=text, meeting_id=meeting_id, created_at=NOW - timedelta(days=days_ago)),
    )


@pytest.fixture
def panel(app, make):
    """A series with an approved, a circulated, a draft and an OFFICIAL-SENSITIVE meeting, each with actions."""
    own, other = make.organisation("Own Org"), make.organisation("Other Org")
    lead = make.contact(own, "Margaret Elliot")
    series = make.series(SERIES, members=[own])

    def meeting(title, days_ago, status, **fields):
        return make.meeting(title, series=series, status=status, starts_at=NOW - timedelta(days=days_ago), **fields)

    spring = meeting("Spring panel", 90, "approved", staff_notes=MEETING_STAFF_NOTE)
    summer = meeting("Summer panel", 60, "circulated")
    autumn = meeting("Autumn panel", 20, "minutes_draft")
    closed = meeting("Closed session", 10, "circulated", marking=Marking.OFFICIAL_SENSITIVE)
    spring_item, summer_item, secret_item, autumn_item, closed_item = add(
        app,
        AgendaItem(meeting_id=spring.id, position=1, title="Hate crime outcomes"),
        AgendaItem(meeting_id=summer.id, position=1, title="Stop and search"),
        AgendaItem(meeting_id=summer.id, position=2, title=SENSITIVE_ITEM, marking=Marking.OFFICIAL_SENSITIVE),
        AgendaItem(meeting_id=autumn.id, position=1, title="Plans"),
        AgendaItem(meeting_id=closed.id, position=1, title="Closed item"),
    )

    def action(reference, title, owner, meeting_, item, **fields):
        return Action(
            reference=reference,
            title=title,
            owner_id=owner.id,
            meeting_id=meeting_.id,
            agenda_item_id=item,
            staff_notes=STAFF_NOTE,
            **fields,
        )

    leaflet, _, review, *_ = add(
        app,
        action(
            "A-2026-001", "Draft the leaflet", own, spring, spring_item, lead_id=lead.id, due_on=TODAY - timedelta(10)
        ),
        action("A-2026-002", "Book the hall", own, spring, spring_item, status=ActionStatus.COMPLETED),
        action("A-2026-003", LONG_TITLE, other, summer, summer_item, due_on=TODAY + timedelta(days=60)),
        action("A-2026-004", SENSITIVE_ACTION, other, summer, secret_item, due_on=TODAY + timedelta(days=7)),
        action("A-2026-005", DRAFT_ACTION, own, autumn, autumn_item),
        action("A-2026-006", CLOSED_SESSION_ACTION, own, closed, closed_item),
    )
    said(app, leaflet, "First draft shared", days_ago=30)
    said(app, leaflet, "Leaflet at the printers", days_ago=5)
    said(app, review, "Records gathered for the group", days_ago=15)
    said(app, review, CLOSED_SESSION_PROGRESS, days_ago=10, meeting_id=closed.id)
    make.user("partner", organisation=own, email="partner@own.example")
    make.user("partner", organisation=other, email="partner@other.example")
    make.user("staff", email="staff@example.org")
    return series


def test_staff_get_every_outstanding_action_by_meeting_oldest_first(client, auth, panel):
    auth.login("staff@example.org")
    reader, text = pdf_text(client.get(f"/series/{panel.id}/actions.pdf"))
    assert reader.metadata.title == f"Action log: {SERIES}"
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"
    assert reader.trailer["/Root"]["/MarkInfo"]["/Marked"].value is True
    for expected in (
        SERIES,
        "Action log",
        "Printed",
        f"{TODAY.day} {TODAY:%B %Y}",
        "A-2026-001 Draft the leaflet",
        "Own Org",
        "Margaret Elliot",
        "Red: overdue",
        "Progress",
        "Leaflet at the printers",
        "A-2026-003",
        LONG_TITLE,  # wrapped over several lines, but all there
        "Other Org",
        "Green: on track",
        "A-2026-004",
        f"{SENSITIVE_ACTION} [OFFICIAL-SENSITIVE]",
        "Amber: due soon or no recent update",
        "A-2026-005",
        DRAFT_ACTION,
        "Closed session [OFFICIAL-SENSITIVE]",
        CLOSED_SESSION_ACTION,
        CLOSED_SESSION_PROGRESS,  # the newest line, said in the closed session
        "5 outstanding, 1 overdue, 1 completed.",
        "Page 1 of",
    ):
        assert expected in text, expected
    # Any sensitive action in it marks the document, top and bottom of every page.
    assert text.count("OFFICIAL-SENSITIVE") >= 2 * len(reader.pages) + 2
    for absent in ("A-2026-002", "Book the hall", "First draft shared", STAFF_NOTE, MEETING_STAFF_NOTE):
        assert absent not in text, absent
    # Oldest meeting first, and in each the actions in the order agreed.
    order = [text.index(title) for title in ("Spring panel", "Summer panel", "Autumn panel", "Closed session")]
    assert order == sorted(order)
    assert text.index("A-2026-003") < text.index("A-2026-004")


def test_every_action_with_show_all_closed_ones_without_a_rating(client, auth, panel):
    auth.login("staff@example.org")
    _, text = pdf_text(client.get(f"/series/{panel.id}/actions.pdf?show=all"))
    assert "All actions, completed and cancelled ones too" in text
    assert "A-2026-002 Book the hall Own Org Completed No RAG: closed" in text, text
    assert "5 outstanding, 1 overdue, 1 completed." in text
    # Anything else lists the outstanding ones, as by default.
    _, text = pdf_text(client.get(f"/series/{panel.id}/actions.pdf?show=closed"))
    assert "A-2026-002" not in text and "Outstanding actions" in text


def test_the_partner_version_holds_only_circulated_non_sensitive_actions(client, auth, panel):
    auth.login("staff@example.org")
    _, staff_copy = pdf_text(client.get(f"/series/{panel.id}/actions.pdf?version=partner"))
    auth.logout()
    auth.login("partner@own.example")
    # A partner asking for the full version gets the partner version all the same.
    reader, text = pdf_text(client.get(f"/series/{panel.id}/actions.pdf?version=full"))
    assert text == staff_copy
    assert reader.metadata.title == f"Action log: {SERIES} (partner and panel version)"
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"
    assert reader.trailer["/Root"]["/MarkInfo"]["/Marked"].value is True
    for present in (
        SERIES,
        "Action log: partner and panel version",
        "A-2026-001 Draft the leaflet",
        "Leaflet at the printers",
        "A-2026-003",
        LONG_TITLE,  # another organisation's action, as the circulated minutes carry it
        "Other Org",
        "Records gathered for the group",  # the line before the one said in the closed session
        "OFFICIAL",
        "2 outstanding, 1 overdue, 1 completed.",
        "Page 1 of",
    ):
        assert present in text, present
    for absent in (
        "A-2026-004",
        SENSITIVE_ACTION,
        SENSITIVE_ITEM,
        "A-2026-005",
        DRAFT_ACTION,  # its minutes are not circulated
        "Autumn panel",
        "A-2026-006",
        CLOSED_SESSION_ACTION,
        "Closed session",
        CLOSED_SESSION_PROGRESS,
        "OFFICIAL-SENSITIVE",
        STAFF_NOTE,
        MEETING_STAFF_NOTE,
    ):
        assert absent not in text, absent


def test_a_partner_prints_only_the_series_its_organisation_sits_on(client, auth, panel):
    auth.login("partner@other.example")  # owns actions in it, but is not a member
    assert client.get(f"/series/{panel.id}/actions.pdf").status_code == 404
    auth.logout()
    response = client.get(f"/series/{panel.id}/actions.pdf")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_the_series_page_offers_the_log_and_to_staff_the_panel_version(client, auth, panel):
    auth.login("staff@example.org")
    page = page_text(client.get(f"/series/{panel.id}"))
    assert "Print the action log (PDF)" in page and "Print the partner and panel version (PDF)" in page
    assert f'href="/series/{panel.id}/actions.pdf?version=partner" data-pdf-download' in page
    assert f'href="/series/{panel.id}/actions.pdf?show=all" data-pdf-download' in page
    auth.logout()
    auth.login("partner@own.example")
    page = page_text(client.get(f"/series/{panel.id}"))
    assert f'href="/series/{panel.id}/actions.pdf" data-pdf-download' in page
    assert "partner and panel version" not in page and "version=partner" not in page


def test_the_download_is_named_and_tells_the_page_it_is_ready(client, auth, panel):
    auth.login("staff@example.org")
    response = client.get(f"/series/{panel.id}/actions.pdf?version=partner&download_token=abc123")
    assert "pdf-ready-abc123" in response.headers["Set-Cookie"]
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="action-log-{TODAY:%Y-%m-%d}-Local-Scrutiny-and-Involvement-Panel-partner-version.pdf"'
    )


def test_an_empty_log_says_so(client, auth, make):
    own = make.organisation("Own Org")
    series = make.series("Quiet Panel", members=[own])
    make.user("partner", organisation=own, email="partner@own.example")
    auth.login("partner@own.example")
    _, text = pdf_text(client.get(f"/series/{series.id}/actions.pdf"))
    assert "No outstanding actions." in text and "0 outstanding, 0 overdue, 0 completed." in text


@pytest.mark.parametrize("version", ["full", "partner"])
def test_queries_do_not_grow_with_meetings_actions_and_progress(app, client, auth, make, count_queries, version):
    own = make.organisation("Own Org")
    series = make.series("Busy Panel", members=[own])
    make.user("staff", email="staff@example.org")
    auth.login("staff@example.org")

    def more(n):
        for m in range(n):
            meeting = make.meeting(series=series, status="approved", starts_at=NOW - timedelta(days=100 + n + m))
            (item,) = add(app, AgendaItem(meeting_id=meeting.id, position=1, title="Item"))
            lead = make.contact(own, f"Lead {n}-{m}").id
            ids = add(
                app,
                *[
                    Action(
                        reference=f"A-{n}-{m}-{i}",
                        title="Do it",
                        owner_id=own.id,
                        lead_id=lead,
                        meeting_id=meeting.id,
                        agenda_item_id=item,
                        due_on=date(2030, 1, 1),
                    )
                    for i in range(n)
                ],
            )
            for action_id in ids:
                said(app, action_id, "Going well", days_ago=1, meeting_id=meeting.id)
                said(app, action_id, "Still going", days_ago=0)

    counts = []
    for n in (1, 6):
        more(n)
        with count_queries() as counter:
            assert client.get(f"/series/{series.id}/actions.pdf?version={version}").status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1], counts
