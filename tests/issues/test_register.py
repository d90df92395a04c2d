"""The community issue register: raising an issue (on its own and from an agenda
item), what each role sees, filters and sorting, links to actions and meetings,
and the issue's timeline."""

import re

import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from crm.extensions import db
from crm.issues.models import CommunityIssue, IssueStatus
from crm.markings import Marking
from crm.meetings.models import AgendaItem
from crm.reference.models import ExclusionGroup, IssueCategory
from tests.conftest import page_text


def titles_of(page: str) -> list[str]:
    """The issue titles of a register page, in order."""
    return re.findall(r'<a class="govuk-link" href="/issues/\d+">([^<]+)</a>', page)


def issue_named(app, title: str) -> CommunityIssue:
    with app.app_context():
        links = (CommunityIssue.categories, CommunityIssue.groups, CommunityIssue.actions, CommunityIssue.meetings)
        query = select(CommunityIssue).where(CommunityIssue.title == title).options(*map(selectinload, links))
        issue = db.session.scalar(query)
        db.session.expunge(issue)
        return issue


def entry_id(app, model, name: str) -> int:
    with app.app_context():
        return db.session.scalar(select(model.id).where(model.name == name))


@pytest.fixture
def orgs(make):
    return make.organisation("Thames Police"), make.organisation(
        "Riverside Faith Forum", type="voluntary_community_group"
    )


@pytest.fixture
def lists(make):
    """The reference lists an issue form offers: made through an issue, then the issue dropped."""
    make.issue("Seed", categories=("Hate crime", "Domestic abuse"), groups=("Religious/faith groups", "Women"))
    with make.app.app_context():
        db.session.delete(db.session.scalar(select(CommunityIssue)))
        db.session.commit()


def form(app, **changes) -> dict:
    values = {
        "title": "Hate crime against the mosque after the fire",
        "description": "Members of the congregation report abuse on the way to prayers.",
        "category_ids": [str(entry_id(app, IssueCategory, "Hate crime"))],
        "group_ids": [str(entry_id(app, ExclusionGroup, "Religious/faith groups"))],
        "area": "Luton",
        "raised_on": ["14", "10", "2026"],
        "raised_by_id": "",
        "event": "",
        "priority": "high",
        "status": "raised",
        "marking": "official",
        "outcome": "",
    }
    return values | changes


def test_staff_raise_an_issue_and_see_it_with_its_reference_and_timeline(app, client, staff, lists, orgs):
    forum = orgs[1]
    response = staff.post("/issues/new", form(app, raised_by_id=str(forum.id)))
    assert response.status_code == 302
    page = page_text(client.get(response.headers["Location"]))
    assert re.search(r"Community issue CI-\d{4}-\d{3}", page)
    assert "Hate crime against the mosque after the fire" in page
    assert "Religious/faith groups" in page and "Raised by Riverside Faith Forum" in page
    assert "14 October 2026" in page
    # The timeline (history) shows who created it, with its values.
    assert "History" in page and "Created" in page
    issue = issue_named(app, "Hate crime against the mosque after the fire")
    assert issue.status is IssueStatus.RAISED and [c.name for c in issue.categories] == ["Hate crime"]


def test_a_bad_form_says_what_is_wrong_and_keeps_what_was_typed(app, client, staff, lists):
    response = staff.post(
        "/issues/new",
        form(app, title="", category_ids=[], area="A" * 201, description="Kept as typed, every word"),
    )
    page = page_text(response)
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Enter what the issue is" in page and "Select at least one category" in page
    assert "Area must be 200 characters or fewer" in page
    assert "Kept as typed, every word" in page
    # A category that is not on the list is refused, not saved.
    bogus = page_text(staff.post("/issues/new", form(app, category_ids=["999999"])))
    assert "Select categories from the list" in bogus
    with app.app_context():
        assert db.session.scalar(select(CommunityIssue.id)) is None


def test_editing_moves_it_on_and_the_timeline_shows_each_change(app, client, staff, make, lists):
    issue = make.issue("Coercive control cases dropped")
    response = staff.post(
        f"/issues/{issue.id}/edit",
        form(app, title="Coercive control cases dropped", status="action_agreed", version=str(issue.version)),
    )
    assert response.status_code == 302
    page = page_text(client.get(f"/issues/{issue.id}"))
    assert "Action agreed" in page
    assert re.search(r"Status</dt>\s*<dd>.*Raised.*Action agreed", page, re.S)


def test_two_people_editing_at_once_do_not_overwrite_each_other(app, client, staff, make, lists):
    issue = make.issue("Access to court for disabled victims")
    first = staff.post(f"/issues/{issue.id}/edit", form(app, title="First edit", version=str(issue.version)))
    assert first.status_code == 302
    second = page_text(
        staff.post(f"/issues/{issue.id}/edit", form(app, title="Second edit", version=str(issue.version)))
    )
    assert "Someone else changed this issue" in second
    assert issue_named(app, "First edit").id == issue.id


def test_a_partner_sees_what_its_organisation_raised_or_acts_on_and_nothing_sensitive(app, client, auth, make, orgs):
    police, forum = orgs
    ours = make.issue("Raised by the police", raised_by=police)
    acted_on = make.issue("Raised by the forum, police acting", raised_by=forum, actions=[make.action(police)])
    theirs = make.issue("Raised by the forum alone", raised_by=forum, description="The forum's own words")
    hidden = make.issue("Sensitive police concern", raised_by=police, marking=Marking.OFFICIAL_SENSITIVE.value)
    partner = make.user("partner", organisation=police, email="p@police.example")
    auth.login(partner.email)

    page = page_text(client.get("/issues/?show=all"))
    assert sorted(titles_of(page)) == ["Raised by the forum, police acting", "Raised by the police"]
    assert "Sensitive police concern" not in page and "Raised by the forum alone" not in page
    # An issue it acts on, raised by another organisation, does not name that organisation.
    assert "Riverside Faith Forum" not in page
    assert "Riverside Faith Forum" not in page_text(client.get(f"/issues/{acted_on.id}"))
    assert client.get(f"/issues/{ours.id}").status_code == 200
    assert client.get(f"/issues/{acted_on.id}").status_code == 200
    assert client.get(f"/issues/{theirs.id}").status_code == 404
    assert client.get(f"/issues/{hidden.id}").status_code == 404
    # Nor by search, a filter or a sort.
    for query in ("?show=all&q=forum+alone", "?show=all&q=Sensitive", f"?show=all&organisation={forum.id}&sort=title"):
        found = page_text(client.get(f"/issues/{query}"))
        assert "Raised by the forum alone" not in found and "Sensitive police concern" not in found
    # And a partner cannot change one.
    assert client.get(f"/issues/{ours.id}/edit").status_code == 403


def test_filters_tabs_and_sorting(app, client, staff, make, orgs):
    police = orgs[0]
    make.issue("Bravo hate crime", categories=("Hate crime",), groups=("Young people",), raised_by=police)
    make.issue("Alpha domestic abuse", categories=("Domestic abuse",), groups=("Women",))
    make.issue("Charlie closed", categories=("Hate crime",), status="closed")
    hate_crime = entry_id(app, IssueCategory, "Hate crime")
    women = entry_id(app, ExclusionGroup, "Women")

    assert sorted(titles_of(page_text(client.get("/issues/")))) == ["Alpha domestic abuse", "Bravo hate crime"]
    assert titles_of(page_text(client.get("/issues/?show=closed"))) == ["Charlie closed"]
    assert titles_of(page_text(client.get(f"/issues/?category={hate_crime}"))) == ["Bravo hate crime"]
    assert titles_of(page_text(client.get(f"/issues/?show=all&category={hate_crime}&sort=title"))) == [
        "Bravo hate crime",
        "Charlie closed",
    ]
    assert titles_of(page_text(client.get(f"/issues/?group={women}"))) == ["Alpha domestic abuse"]
    assert titles_of(page_text(client.get("/issues/?org=thames"))) == ["Bravo hate crime"]
    assert titles_of(page_text(client.get("/issues/?show=all&sort=title&order=desc"))) == [
        "Charlie closed",
        "Bravo hate crime",
        "Alpha domestic abuse",
    ]
    assert titles_of(page_text(client.get("/issues/?q=domestic"))) == ["Alpha domestic abuse"]
    assert titles_of(page_text(client.get("/issues/?q=Al"))) == ["Alpha domestic abuse"]  # a name prefix
    # Nonsense in the address is ignored, never a 500.
    assert client.get("/issues/?category=abc&group=-1&status=nope&from=99/99/2026&sort=x").status_code == 200


def test_raising_from_an_agenda_item_links_the_meeting_and_keeps_a_sensitive_item_sensitive(
    app, client, staff, make, lists
):
    meeting = make.meeting("Local Scrutiny and Involvement Panel")
    with app.app_context():
        open_item = AgendaItem(meeting_id=meeting.id, position=1, title="Hate crime update")
        closed_item = AgendaItem(
            meeting_id=meeting.id, position=2, title="Case review", marking=Marking.OFFICIAL_SENSITIVE
        )
        db.session.add_all([open_item, closed_item])
        db.session.commit()
        open_id, closed_id = open_item.id, closed_item.id

    meeting_page = page_text(client.get(f"/meetings/{meeting.id}"))
    assert f"/issues/new?item={open_id}" in meeting_page
    prefilled = page_text(client.get(f"/issues/new?item={open_id}"))
    assert "Raised at <strong>Local Scrutiny and Involvement Panel</strong>" in prefilled
    assert 'value="Hate crime update"' in prefilled

    response = staff.post(f"/issues/new?item={open_id}", form(app, title="Abuse at the bus station"))
    issue_page = page_text(client.get(response.headers["Location"]))
    assert "Raised at" in issue_page and "Item: Hate crime update" in issue_page
    issue = issue_named(app, "Abuse at the bus station")
    assert issue.meeting_id == meeting.id and [m.id for m in issue.meetings] == [meeting.id]

    staff.post(f"/issues/new?item={closed_id}", form(app, title="From the sensitive item"))
    assert issue_named(app, "From the sensitive item").marking is Marking.OFFICIAL_SENSITIVE
    assert client.get("/issues/new?item=999999").status_code == 404


def test_linking_and_unlinking_an_action_by_its_reference(app, client, staff, make, orgs):
    police = orgs[0]
    issue = make.issue("Court access for disabled victims")
    action = make.action(police, "Install a hearing loop in court 3")

    unknown = page_text(
        staff.post(f"/issues/{issue.id}/link", {"action-reference": "A-1999-999", "action-submit": "1"})
    )
    assert "There is no action with this reference" in unknown and 'value="A-1999-999"' in unknown

    linked = staff.post(
        f"/issues/{issue.id}/link", {"action-reference": action.reference.lower(), "action-submit": "1"}
    )
    assert linked.status_code == 302
    issue_page = page_text(client.get(f"/issues/{issue.id}"))
    assert "Install a hearing loop in court 3" in issue_page
    # The action's page names the issue it addresses.
    assert "Court access for disabled victims" in page_text(client.get(f"/actions/{action.id}"))
    again = page_text(
        staff.post(f"/issues/{issue.id}/link", {"action-reference": action.reference, "action-submit": "1"})
    )
    assert "is already linked to this issue" in again

    staff.post(f"/issues/{issue.id}/actions/{action.id}/unlink")
    assert issue_named(app, "Court access for disabled victims").actions == []
    assert "Linked actions" in page_text(client.get(f"/issues/{issue.id}"))  # the timeline keeps it


def test_linking_a_meeting(app, client, staff, make):
    issue = make.issue("Confidence in reporting")
    meeting = make.meeting("Hate Crime Partnership")
    response = staff.post(f"/issues/{issue.id}/link", {"meeting-meeting_id": str(meeting.id), "meeting-submit": "1"})
    assert response.status_code == 302
    assert "Hate Crime Partnership" in page_text(client.get(f"/issues/{issue.id}"))
    bad = page_text(staff.post(f"/issues/{issue.id}/link", {"meeting-meeting_id": "999999", "meeting-submit": "1"}))
    assert "Select the meeting from the list" in bad
