"""Meeting series as staff keep them and partners read them: add, correct, archive, find."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from crm.extensions import db
from crm.history.models import HistoryEntry
from crm.series.models import PURPOSE_MAX, Frequency, MeetingSeries
from crm.series.services import MEETINGS_SHOWN, series_meetings, update_series
from crm.visibility import Role, User
from tests.conftest import page_text

PANEL = "Thames Valley Domestic Abuse Scrutiny Panel"


def _names_in_results(html: str) -> list[str]:
    return re.findall(r'<a class="govuk-link" href="/series/\d+">([^<]+)</a>', html)


def _saved(app, series_id: int) -> MeetingSeries:
    with app.app_context():
        series = db.session.get(MeetingSeries, series_id)
        _ = series.members, series.chair  # loaded before the session closes
        db.session.expunge(series)
        return series


def _history_rows(app, series_id: int) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count()).where(
                HistoryEntry.record_type == "meeting_series", HistoryEntry.record_id == series_id
            )
        )


def test_add_a_series_with_members_and_a_chair(app, client, staff, make):
    police, charity = make.organisation("Thames Valley Police"), make.organisation("Victim Support")
    chair = make.contact(charity, "Priya Shah")
    form = page_text(client.get("/series/new"))
    assert 'value="Priya Shah"' not in form and ">Priya Shah (Victim Support)</option>" in form
    response = staff.post(
        "/series/new",
        {
            "name": f"  {PANEL} ",
            "purpose": "Reviews finalised cases.\nReports to the area board.",
            "member_ids": [str(police.id), str(charity.id)],
            "chair_id": str(chair.id),
            "venue": "Oxford Crown Court",
            "frequency": "quarterly",
        },
    )
    assert response.status_code == 302
    page = page_text(client.get(response.headers["Location"]))
    assert f"{PANEL} added." in page
    assert "Reviews finalised cases.<br>Reports to the area board." in page
    assert f'href="/contacts/{chair.id}">Priya Shah</a>, Victim Support' in page
    assert f'href="/organisations/{police.id}">Thames Valley Police</a>' in page
    assert "Quarterly" in page and "Oxford Crown Court" in page
    assert "No meetings planned." in page and "No past meetings recorded." in page
    series_id = int(response.headers["Location"].rsplit("/", 1)[1])
    saved = _saved(app, series_id)
    assert saved.name == PANEL, "spaces squashed"
    assert sorted(o.name for o in saved.members) == ["Thames Valley Police", "Victim Support"]
    assert saved.chair.name == "Priya Shah" and saved.frequency is Frequency.QUARTERLY


def test_edit_saves_changes_and_says_so(app, client, staff, make):
    police = make.organisation("Bedfordshire Police")
    series = make.series("Bedfordshire Hate Crime Partnership", members=[police], frequency="monthly")
    url = f"/series/{series.id}/edit"
    form = page_text(client.get(url))
    assert 'value="Bedfordshire Hate Crime Partnership"' in form
    assert re.search(rf'value="{police.id}"\s+checked', form), "the members are ticked"
    assert re.search(r'value="monthly"\s+checked', form)
    response = staff.post(
        url,
        {
            "name": "Bedfordshire Hate Crime Partnership",
            "member_ids": str(police.id),
            "venue": "Bedford Town Hall",
            "frequency": "",  # "Not recorded" takes the frequency away
            "version": "1",
        },
    )
    assert response.status_code == 302
    assert "Changes saved." in page_text(client.get(response.headers["Location"]))
    saved = _saved(app, series.id)
    assert saved.venue == "Bedford Town Hall" and saved.frequency is None


def test_saving_nothing_new_says_so_and_writes_no_history(app, client, staff, make):
    police = make.organisation("Kent Police")
    series = make.series("Kent Scrutiny Panel", members=[police], venue="Maidstone")
    rows = _history_rows(app, series.id)
    response = staff.post(
        f"/series/{series.id}/edit",
        {"name": "Kent Scrutiny Panel", "member_ids": str(police.id), "venue": "Maidstone", "version": "1"},
    )
    assert response.status_code == 302
    assert "You did not change anything, so nothing was saved." in page_text(client.get(response.headers["Location"]))
    assert _history_rows(app, series.id) == rows


def test_names_are_unique_whatever_their_spacing_or_case(app, staff, make):
    make.series(PANEL)
    page = page_text(staff.post("/series/new", {"name": "  thames valley  DOMESTIC abuse scrutiny panel"}))
    assert '<a href="#name">A series with this name already exists</a>' in page
    # Renaming another series to it is refused too; keeping one's own name is not.
    other = make.series("Hate Crime Partnership")
    url = f"/series/{other.id}/edit"
    assert "A series with this name already exists" in page_text(staff.post(url, {"name": PANEL.upper()}))
    assert staff.post(url, {"name": "hate crime  partnership"}).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(MeetingSeries)) == 2


def test_mistakes_are_listed_in_order_and_nothing_typed_is_lost(app, staff, make):
    police = make.organisation("Essex Police")
    data = {
        "name": "",
        "purpose": "Looks at hate crime outcomes.",
        "member_ids": [str(police.id), "999999"],
        "chair_id": "999999",
        "venue": "x" * 301,
        "frequency": "fortnightly",
    }
    page = page_text(staff.post("/series/new", data))
    assert "<title>Error: Add a meeting series" in page
    summary = re.findall(r'<a href="#([\w-]+)">([^<]+)</a>', page[page.index("govuk-error-summary") :])
    assert summary[:5] == [
        ("name", "Enter the name of the series"),
        ("member_ids", "Select member organisations from the list"),
        ("chair_id", "Select the chair from the list"),
        ("venue", "Venue must be 300 characters or fewer"),
        ("frequency", "Select how often it meets from the list"),
    ]
    assert "Looks at hate crime outcomes." in page
    assert re.search(rf'value="{police.id}"\s+checked', page), "the ticked member stays ticked"
    with app.app_context():
        assert db.session.scalar(select(MeetingSeries)) is None


def test_purpose_length_is_enforced_on_the_server(staff):
    page = page_text(staff.post("/series/new", {"name": PANEL, "purpose": "y" * (PURPOSE_MAX + 1)}))
    assert f"Purpose must be {PURPOSE_MAX:,} characters or fewer" in page


def test_an_edit_conflict_keeps_what_was_typed(app, client, staff, make):
    series = make.series(PANEL, purpose="First terms")
    url = f"/series/{series.id}/edit"
    assert 'name="version" type="hidden" value="1"' in page_text(client.get(url))
    with app.app_context():  # someone else saves meanwhile
        record = db.session.get(MeetingSeries, series.id)
        update_series(record, {"name": PANEL, "purpose": "Their terms"}, version=1)
        db.session.commit()
    typed = {"name": PANEL, "purpose": "My careful new terms", "version": "1"}
    page = page_text(staff.post(url, typed))
    assert "Someone else changed this series while you were editing it." in page
    assert "My careful new terms" in page
    assert 'name="version" type="hidden" value="2"' in page, "saving again, having looked, goes through"
    assert _saved(app, series.id).purpose == "Their terms"
    assert staff.post(url, {**typed, "version": "2"}).status_code == 302
    assert _saved(app, series.id).purpose == "My careful new terms"


def test_a_change_of_members_alone_is_an_edit_others_notice(app, staff, make):
    """Members live in their own table; the series' version must move all the same."""
    police, council = make.organisation("Police"), make.organisation("Council")
    series = make.series(PANEL, members=[police])
    with app.app_context():
        record = db.session.get(MeetingSeries, series.id)
        assert update_series(record, {"name": PANEL, "member_ids": [police.id, council.id]}, version=1)
        db.session.commit()
        assert record.version == 2
    page = page_text(staff.post(f"/series/{series.id}/edit", {"name": PANEL, "version": "1"}))
    assert "Someone else changed this series while you were editing it." in page
    assert [o.name for o in _saved(app, series.id).members] == ["Council", "Police"]


def test_staff_see_member_changes_in_the_history(app, client, staff, make):
    police, council = make.organisation("Luton Police"), make.organisation("Luton Council")
    series = make.series(PANEL, members=[police])
    staff.post(
        f"/series/{series.id}/edit", {"name": PANEL, "member_ids": [str(police.id), str(council.id)], "version": "1"}
    )
    page = page_text(client.get(f"/series/{series.id}"))
    history = page[page.index('id="history-heading"') :]
    assert "Members" in history
    assert "<del>Luton Police</del>" in history and "<ins>Luton Council, Luton Police</ins>" in history


def test_a_partner_sees_only_its_own_series_without_links_or_history(app, client, auth, make):
    own, other = make.organisation("Own Org"), make.organisation("Other Org")
    chair = make.contact(other, "Chair Person")
    mine = make.series("Own Panel", members=[own], chair_id=chair.id, purpose="Our terms")
    theirs = make.series("Their Board", members=[other])
    make.user("partner", organisation=own, email="partner@own.example")
    auth.login("partner@own.example")
    listing = page_text(client.get("/series/"))
    assert _names_in_results(listing) == ["Own Panel"]
    assert "Add a series" not in listing
    page = page_text(client.get(f"/series/{mine.id}"))
    assert "Our terms" in page and "Chair Person, Other Org" in page
    assert f'href="/contacts/{chair.id}"' not in page, "the chair's name, not a link"
    assert f'href="/organisations/{own.id}">Own Org</a>' not in page, "members' names, not links"
    assert "<li>Own Org</li>" in page
    assert "Edit details" not in page and "history-heading" not in page
    assert client.get(f"/series/{theirs.id}").status_code == 404


def test_archived_series_leave_the_list_unless_asked_for(app, client, staff, make):
    series = make.series("Old Panel")
    make.series("Current Panel")
    confirm = page_text(client.get(f"/series/{series.id}/archive"))
    assert "Are you sure you want to archive this series?" in confirm
    staff.post(f"/series/{series.id}/archive")
    assert _names_in_results(page_text(client.get("/series/"))) == ["Current Panel"]
    assert _names_in_results(page_text(client.get("/series/?archived=include"))) == ["Current Panel", "Old Panel"]
    assert "This series was archived on" in page_text(client.get(f"/series/{series.id}"))
    staff.post(f"/series/{series.id}/restore")
    assert _names_in_results(page_text(client.get("/series/"))) == ["Current Panel", "Old Panel"]


def test_search_takes_wildcards_literally(client, staff, make):
    make.series("100% Panel")
    make.series("Other Panel")
    assert _names_in_results(page_text(client.get("/series/?q=100%25"))) == ["100% Panel"]
    assert _names_in_results(page_text(client.get("/series/?q=_"))) == []
    assert _names_in_results(page_text(client.get("/series/?q=other"))) == ["Other Panel"]


def test_an_archived_member_stays_on_the_form_until_taken_off(app, client, staff, make):
    police = make.organisation("Old Police Unit")
    series = make.series(PANEL, members=[police])
    staff.post(f"/organisations/{police.id}/archive")
    form = page_text(client.get(f"/series/{series.id}/edit"))
    assert "Old Police Unit (archived)" in form
    assert re.search(rf'value="{police.id}"\s+checked', form)


def test_the_list_shows_members_and_next_meeting_in_one_query(app, client, staff, make, count_queries):
    police, council = make.organisation("Police"), make.organisation("Council")
    series = make.series("A Panel", members=[police, council], frequency="quarterly")
    soon = datetime(2100, 3, 5, 10, 0, tzinfo=UTC)
    make.meeting("Later", series=series, starts_at=soon + timedelta(days=30))
    make.meeting("Sooner", series=series, starts_at=soon)
    make.meeting("Before", series=series, starts_at=datetime.now(UTC) - timedelta(days=3))
    page = page_text(client.get("/series/"))
    row = page[page.index("A Panel") :]
    assert "Quarterly" in row and ">2</td>" in row and "5 March 2100" in row

    def queries_for_list() -> int:
        with count_queries() as counter:
            client.get("/series/")
        return counter.count

    few = queries_for_list()
    for number in range(5):
        make.series(f"Panel {number}", members=[police])
    assert queries_for_list() == few


def test_a_series_meetings_split_into_upcoming_and_past(app, make):
    own, other = make.organisation("Own Org"), make.organisation("Other Org")
    series = make.series(PANEL, members=[own])
    now = datetime.now(UTC)
    for day in range(1, MEETINGS_SHOWN + 3):
        make.meeting(f"Upcoming {day:02d}", series=series, starts_at=now + timedelta(days=day))
    make.meeting("Yesterday", series=series, starts_at=now - timedelta(days=1))
    make.meeting("Last month", series=series, starts_at=now - timedelta(days=30))
    make.meeting("Sensitive", series=series, starts_at=now - timedelta(days=2), marking="official_sensitive")
    make.meeting("Another series", starts_at=now - timedelta(days=1))
    with app.app_context():
        record = db.session.get(MeetingSeries, series.id)
        upcoming, past = series_meetings(User(role=Role.STAFF), record)
        assert [m.title for m in upcoming.items][:2] == ["Upcoming 01", "Upcoming 02"]
        assert len(upcoming.items) == MEETINGS_SHOWN and upcoming.total == MEETINGS_SHOWN + 2
        assert upcoming.not_shown == 2
        assert [m.title for m in past.items] == ["Yesterday", "Sensitive", "Last month"]
        partner = User(role=Role.PARTNER, organisation_id=own.id)
        assert [m.title for m in series_meetings(partner, record)[1].items] == ["Yesterday", "Last month"]
        outsider = User(role=Role.PARTNER, organisation_id=other.id)
        assert series_meetings(outsider, record)[0].items == []


def test_a_search_as_you_type_gets_only_the_results(client, staff, make):
    make.series("Hate Crime Partnership")
    make.series("Scrutiny Panel")
    response = client.get("/series/?q=panel&order=", headers={"HX-Request": "true"})
    assert response.headers["HX-Replace-Url"] == "/series/?q=panel"
    body = page_text(response)
    assert "<html" not in body and _names_in_results(body) == ["Scrutiny Panel"]
