"""The action register: what each role sees, its filters, sorting, paging at a
fixed number of queries, and the CSV export."""

import csv
import io
import re
from datetime import date, timedelta

import pytest

from crm.actions import services
from crm.extensions import db
from crm.markings import Marking
from tests.conftest import page_text


def rows_of(page: str) -> list[str]:
    """The action titles of a register page, in order."""
    return re.findall(r'<a class="govuk-link" href="/actions/\d+">([^<]+)</a>', page)


@pytest.fixture
def orgs(make):
    return make.organisation("Thames Police"), make.organisation("Riverside Council", type="local_council")


def test_staff_see_every_outstanding_action_and_closed_ones_apart(app, client, staff, make, orgs):
    police, council = orgs
    make.action(police, "Police action")
    make.action(council, "Council action")
    make.action(council, "Council finished", status="completed")
    page = page_text(client.get("/actions/"))
    assert {"Police action", "Council action"} <= set(rows_of(page)) and "Council finished" not in page
    closed = page_text(client.get("/actions/?show=closed"))
    assert rows_of(closed) == ["Council finished"]
    assert set(rows_of(page_text(client.get("/actions/?show=all")))) == {
        "Police action",
        "Council action",
        "Council finished",
    }


def test_a_partner_sees_only_its_organisations_actions_and_no_staff_notes(app, client, auth, make, orgs):
    police, council = orgs
    make.action(police, "Police action", staff_notes="Chase the inspector quietly")
    make.action(council, "Council action")
    partner = make.user("partner", organisation=police, email="p@police.example")
    auth.login(partner.email)
    page = page_text(client.get("/actions/?show=all"))
    assert rows_of(page) == ["Police action"]
    assert "Riverside Council" not in page and "Council action" not in page
    action_page = page_text(client.get(f"/actions/{services_id(app, 'Police action')}"))
    assert "Police action" in action_page and "Chase the inspector quietly" not in action_page
    assert client.get(f"/actions/{services_id(app, 'Council action')}").status_code == 404
    # Asking for the other organisation by filter finds nothing, and names nothing.
    filtered = page_text(client.get(f"/actions/?organisation={council.id}"))
    assert rows_of(filtered) == [] and "Riverside Council" not in filtered


def services_id(app, title: str) -> int:
    from sqlalchemy import select

    from crm.actions.models import Action

    with app.app_context():
        return db.session.scalar(select(Action.id).where(Action.title == title))


def test_filters_rag_status_owner_staff_lead_mine_and_due_dates(app, client, auth, make, orgs):
    police, council = orgs
    lead = make.user("staff", email="lead@example.org", name="Lee Lead")
    today = services.today()
    make.action(police, "Late one", due_on=today - timedelta(days=3), staff_lead_id=lead.id)
    make.action(police, "Soon one", due_on=today + timedelta(days=5))
    make.action(council, "Later one", due_on=today + timedelta(days=60), status="in_progress")
    auth.login(lead.email)
    assert rows_of(page_text(client.get("/actions/?rag=red"))) == ["Late one"]
    assert rows_of(page_text(client.get("/actions/?rag=amber"))) == ["Soon one"]
    assert rows_of(page_text(client.get("/actions/?rag=green"))) == ["Later one"]
    assert rows_of(page_text(client.get("/actions/?status=in_progress"))) == ["Later one"]
    assert rows_of(page_text(client.get(f"/actions/?organisation={council.id}"))) == ["Later one"]
    assert rows_of(page_text(client.get("/actions/?org=riverside"))) == ["Later one"]  # the owner's name, typed
    assert rows_of(page_text(client.get("/actions/?org=Ri"))) == ["Later one"]
    assert rows_of(page_text(client.get(f"/actions/?staff_lead={lead.id}"))) == ["Late one"]
    assert rows_of(page_text(client.get("/actions/?mine=yes"))) == ["Late one"]
    start, end = today, today + timedelta(days=30)
    between = page_text(client.get(f"/actions/?due_from={start:%d/%m/%Y}&due_to={end:%d/%m/%Y}"))
    assert rows_of(between) == ["Soon one"]
    assert "Due from" in between and "Remove this filter" in between
    # Nonsense in a filter is ignored, not an error.
    assert client.get("/actions/?rag=purple&due_from=31/2/2026&organisation=x&mine=maybe").status_code == 200


def test_my_actions_include_those_led_by_my_own_contact_record(app, client, auth, make, orgs):
    police, _ = orgs
    person = make.contact(police, "Pat Partner")
    partner = make.user("partner", organisation=police, email="pat@police.example")
    with app.app_context():
        from crm.auth.models import User

        db.session.get(User, partner.id).contact_id = person.id
        db.session.commit()
    make.action(police, "Pat leads this", lead_id=person.id)
    make.action(police, "Someone else leads this")
    auth.login(partner.email)
    assert rows_of(page_text(client.get("/actions/?mine=yes"))) == ["Pat leads this"]


def test_search_by_title_or_reference_and_sorting(app, client, staff, make, orgs):
    police, _ = orgs
    make.action(police, "Zebra crossing audit", due_on=date(2027, 1, 5))
    make.action(police, "Apple orchard visit")
    second = make.action(police, "Mango hate crime leaflet", due_on=date(2026, 12, 30))
    assert rows_of(page_text(client.get("/actions/?q=orchard"))) == ["Apple orchard visit"]
    assert rows_of(page_text(client.get(f"/actions/?q={second.reference}"))) == ["Mango hate crime leaflet"]
    assert rows_of(page_text(client.get("/actions/?q=ze"))) == ["Zebra crossing audit"]  # two letters: a title prefix
    # By due date, soonest first, undated last; reversed, undated first.
    assert rows_of(page_text(client.get("/actions/"))) == [
        "Mango hate crime leaflet",
        "Zebra crossing audit",
        "Apple orchard visit",
    ]
    reversed_ = rows_of(page_text(client.get("/actions/?order=desc")))
    assert reversed_ == ["Apple orchard visit", "Zebra crossing audit", "Mango hate crime leaflet"]
    assert rows_of(page_text(client.get("/actions/?sort=title")))[0] == "Apple orchard visit"


def test_the_register_asks_the_same_number_of_queries_however_many_actions(
    app, client, staff, make, count_queries, orgs
):
    police, council = orgs
    for number in range(3):
        make.action(police if number % 2 else council, f"Few {number}", due_on=date(2027, 1, 1 + number))
    with count_queries() as few:
        assert client.get("/actions/").status_code == 200
    for number in range(40):
        make.action(police if number % 2 else council, f"Many {number}", due_on=date(2027, 2, 1 + number % 28))
    with count_queries() as many:
        assert client.get("/actions/").status_code == 200
    assert many.count == few.count


def test_htmx_asks_for_the_results_alone(app, client, staff, make, orgs):
    make.action(orgs[0], "Fragment action")
    response = client.get("/actions/?q=Fragment", headers={"HX-Request": "true"})
    body = page_text(response)
    assert "Fragment action" in body and "<html" not in body
    assert response.headers["HX-Replace-Url"] == "/actions/?q=Fragment" and "HX-Request" in response.headers["Vary"]


# --- the CSV export ----------------------------------------------------------------------------


def read_csv(response) -> list[list[str]]:
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_csv_is_the_register_as_filtered_with_formulas_made_inert(app, client, staff, make, orgs):
    police, council = orgs
    make.action(police, '=HYPERLINK("http://evil.example","Click")', description="+1 and @SUM(A1)")
    make.action(police, "-2+3", staff_notes="ignored")
    make.action(council, "Council action")
    rows = read_csv(client.get(f"/actions/export.csv?organisation={police.id}&sort=title"))
    header, body = rows[0], rows[1:]
    assert header[:3] == ["Reference", "Action", "Owner organisation"] and "Staff lead" in header
    titles = [row[1] for row in body]
    assert titles == ["'-2+3", '\'=HYPERLINK("http://evil.example","Click")']
    assert body[1][header.index("Description")] == "'+1 and @SUM(A1)"
    for row in body:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


def test_partner_csv_holds_only_its_own_actions_and_no_staff_columns(app, client, auth, make, orgs):
    police, council = orgs
    meeting = make.meeting("Sensitive panel", organisations=[police, council], status="circulated")
    with app.app_context():
        from crm.actions.services import create_action
        from crm.meetings import services as meeting_services
        from crm.meetings.models import Meeting

        item = meeting_services.add_item(
            db.session.get(Meeting, meeting.id),
            {"title": "Named victim discussed", "marking": Marking.OFFICIAL_SENSITIVE.value},
        )
        create_action(item, {"title": "Police follow-up from the sensitive item", "owner_id": police.id})
        db.session.commit()
    make.action(council, "Council action")
    partner = make.user("partner", organisation=police, email="p@police.example")
    auth.login(partner.email)
    rows = read_csv(client.get("/actions/export.csv?show=all"))
    assert "Staff lead" not in rows[0] and "Staff notes" not in rows[0]
    assert [row[1] for row in rows[1:]] == ["Police follow-up from the sensitive item"]
    text = "\n".join(",".join(row) for row in rows)
    assert "Named victim discussed" not in text and "Sensitive panel" not in text and "Agreed at a meeting" in text
    # Its page keeps it whole, with its source as "agreed at a meeting" only (DESIGN 6.2).
    page = page_text(client.get(f"/actions/{services_id(app, 'Police follow-up from the sensitive item')}"))
    assert "Police follow-up from the sensitive item" in page and "Agreed at a meeting" in page
    assert "Named victim discussed" not in page and "Sensitive panel" not in page


def test_csv_of_many_rows_streams(app, client, staff, make, orgs):
    """The response is a stream (an iterator of chunks), not one string built in memory."""
    for number in range(30):
        make.action(orgs[0], f"Streamed {number}")
    response = client.get("/actions/export.csv", buffered=False)
    assert response.is_streamed
    assert len(read_csv(response)) == 31
