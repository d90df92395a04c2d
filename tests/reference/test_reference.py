"""The reference lists as admins keep them: add, rename, order, archive and restore,
with the history of every change; and what other areas are offered from them."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from crm.extensions import db
from crm.history.models import HistoryEntry
from crm.meetings.models import Meeting
from crm.reference import defaults
from crm.reference.models import DESCRIPTION_MAX, NAME_MAX, ExclusionGroup, IssueCategory
from crm.reference.services import active_entries, entries_by_ids, entry_choices
from tests.conftest import page_text


@pytest.fixture
def admin(client, auth, make):
    make.user("admin", email="admin@example.org", name="Alex Morgan")
    auth.login("admin@example.org")
    return auth


def _names(app, model) -> list[str]:
    """The list's active entries, in order."""
    with app.app_context():
        return [entry.name for entry in active_entries(model)]


def _entry(app, model, name):
    with app.app_context():
        entry = db.session.scalar(select(model).where(model.name == name))
        db.session.expunge(entry)
        return entry


def _offered_names(page: str) -> list[str]:
    """The active entries on a list page, in the order shown."""
    active = page.split('id="archived-heading"')[0]
    return re.findall(r'<tr class="govuk-table__row" id="entry-\d+">\s*<td class="govuk-table__cell">([^<\n]+)', active)


def test_the_index_names_both_lists_with_their_counts(app, client, admin, make):
    make.category("Hate crime")
    make.category("Domestic abuse", archived=True)
    make.group("Older people")
    page = page_text(client.get("/reference/"))
    assert 'href="/reference/categories/">Issue categories</a>' in page
    assert 'href="/reference/groups/">Groups at increased risk of exclusion</a>' in page
    assert "1 category offered, 1 archived" in page
    assert "1 group offered" in page
    # The navigation leads here, for admins.
    assert 'href="/reference/"' in page_text(client.get("/dashboard"))


def test_staff_have_no_link_to_the_lists(client, staff):
    assert 'href="/reference/"' not in page_text(client.get("/dashboard"))
    assert client.get("/reference/").status_code == 403


def test_an_entry_is_added_at_the_end_of_the_list(app, client, admin, make):
    make.category("Hate crime")
    response = admin.post(
        "/reference/categories/new", {"name": "  Domestic   abuse ", "description": " Abuse in the home "}
    )
    assert response.status_code == 302
    added = _entry(app, IssueCategory, "Domestic abuse")
    assert response.headers["Location"] == f"/reference/categories/#entry-{added.id}"
    assert added.description == "Abuse in the home", "spaces squashed in the name, trimmed in the description"
    page = page_text(client.get("/reference/categories/"))
    assert "Domestic abuse added to the end of the list." in page
    assert _offered_names(page) == ["Hate crime", "Domestic abuse"]
    assert "Abuse in the home" in page


def test_an_entry_is_renamed_and_records_that_name_it_show_the_new_name(app, client, admin, make):
    group = make.group("BME communities")
    meeting = make.meeting("Community event", group_ids=[group.id])
    url = f"/reference/groups/{group.id}/edit"
    assert 'value="BME communities"' in page_text(client.get(url))
    response = admin.post(url, {"name": "Black and Minority Ethnic (BME) communities", "version": str(group.version)})
    assert response.headers["Location"] == f"/reference/groups/#entry-{group.id}"
    assert "Changes to Black and Minority Ethnic (BME) communities saved." in page_text(
        client.get(response.headers["Location"])
    )
    assert "<li>Black and Minority Ethnic (BME) communities</li>" in page_text(client.get(f"/meetings/{meeting.id}"))
    # The same name again in another case is its own name, not a duplicate.
    response = admin.post(url, {"name": "BLACK and Minority Ethnic (BME) communities"})
    assert response.status_code == 302
    assert _entry(app, ExclusionGroup, "BLACK and Minority Ethnic (BME) communities").id == group.id


@pytest.mark.parametrize(
    ("kind", "message"),
    [("categories", "A category with this name already exists"), ("groups", "A group with this name already exists")],
)
def test_a_name_taken_in_another_case_is_refused_and_what_was_typed_stays(app, client, admin, make, kind, message):
    if kind == "categories":
        make.category("Hate crime")
        model = IssueCategory
    else:
        make.group("Hate crime")
        model = ExclusionGroup
    response = admin.post(f"/reference/{kind}/new", {"name": "HATE  crime", "description": "A second one"})
    page = page_text(response)
    assert response.status_code == 200
    assert "There is a problem" in page and page.count(message) == 2, "in the summary and at the field"
    assert 'href="#name"' in page
    assert 'value="HATE crime"' in page and "A second one</textarea>" in page
    assert _names(app, model) == ["Hate crime"]

    # Renaming another entry to it is refused too.
    other = make.category("Stalking") if kind == "categories" else make.group("Stalking")
    response = admin.post(f"/reference/{kind}/{other.id}/edit", {"name": "hate crime"})
    assert message in page_text(response)
    assert _names(app, model) == ["Hate crime", "Stalking"]


def test_limits_are_kept_and_a_name_is_needed(app, admin, make):
    response = admin.post(
        "/reference/categories/new", {"name": "x" * (NAME_MAX + 1), "description": "y" * (DESCRIPTION_MAX + 1)}
    )
    page = page_text(response)
    assert response.status_code == 200
    assert f"Name must be {NAME_MAX} characters or fewer" in page
    assert f"Description must be {DESCRIPTION_MAX} characters or fewer" in page
    assert 'value="' + "x" * (NAME_MAX + 1) + '"' in page
    assert "Enter the name of the group" in page_text(admin.post("/reference/groups/new", {"name": "   "}))
    # Exactly at the limits is fine.
    response = admin.post("/reference/categories/new", {"name": "x" * NAME_MAX, "description": "y" * DESCRIPTION_MAX})
    assert response.status_code == 302
    assert _names(app, IssueCategory) == ["x" * NAME_MAX]


def test_two_admins_editing_the_second_is_told_and_keeps_their_text(app, admin, make):
    category = make.category("Hate crime")
    url = f"/reference/categories/{category.id}/edit"
    admin.post(url, {"name": "Hate crimes", "version": str(category.version)})
    response = admin.post(url, {"name": "Hate incidents", "version": str(category.version)})
    page = page_text(response)
    assert "Someone else changed this entry while you were editing it" in page
    assert 'value="Hate incidents"' in page
    assert _names(app, IssueCategory) == ["Hate crimes"]


def test_archiving_keeps_an_entry_on_records_but_offers_it_no_longer(app, client, admin, make):
    older, young = make.group("Older people"), make.group("Young people")
    meeting = make.meeting("Youth forum", group_ids=[young.id])
    confirm = page_text(client.get(f"/reference/groups/{young.id}/archive"))
    assert "Are you sure you want to archive this group?" in confirm and "Young people" in confirm
    assert _entry(app, ExclusionGroup, "Young people").archived_at is None, "asking changes nothing"

    response = admin.post(f"/reference/groups/{young.id}/archive")
    assert response.headers["Location"] == f"/reference/groups/#entry-{young.id}"
    page = page_text(client.get(response.headers["Location"]))
    assert "Young people archived." in page
    assert _offered_names(page) == ["Older people"]
    archived = page.split('id="archived-heading"')[1]
    assert "Young people" in archived and f"/reference/groups/{young.id}/restore" in archived

    with app.app_context():
        assert entry_choices(ExclusionGroup) == [(str(older.id), "Older people")]
        assert entry_choices(ExclusionGroup, include_ids=[young.id]) == [
            (str(older.id), "Older people"),
            (str(young.id), "Young people (archived)"),
        ]
        assert [group.name for group in db.session.get(Meeting, meeting.id).groups_reached] == ["Young people"]
    assert "<li>Young people</li>" in page_text(client.get(f"/meetings/{meeting.id}"))


def test_a_restored_entry_is_offered_again_in_its_old_place(app, client, admin, make):
    make.category("First")
    second, third = make.category("Second"), make.category("Third")
    admin.post(f"/reference/categories/{second.id}/archive")
    assert _names(app, IssueCategory) == ["First", "Third"]
    # Moving past an archived entry skips it.
    admin.post(f"/reference/categories/{third.id}/move", {"direction": "up"})
    assert _names(app, IssueCategory) == ["Third", "First"]

    response = admin.post(f"/reference/categories/{second.id}/restore")
    assert response.headers["Location"] == f"/reference/categories/#entry-{second.id}"
    assert "Second restored." in page_text(client.get(response.headers["Location"]))
    # Its place is the one it had: second, whatever moved around it meanwhile.
    assert _names(app, IssueCategory) == ["Third", "Second", "First"]
    with app.app_context():
        assert [label for _, label in entry_choices(IssueCategory)] == ["Third", "Second", "First"]


def test_moving_up_and_down_sets_the_order(app, client, admin, make):
    make.reference_defaults()
    groups = [name for name, _ in defaults.GROUPS]
    assert _names(app, ExclusionGroup) == groups
    women = _entry(app, ExclusionGroup, "Women")
    admin.post(f"/reference/groups/{women.id}/move", {"direction": "up"})
    admin.post(f"/reference/groups/{women.id}/move", {"direction": "up"})
    response = admin.post(f"/reference/groups/{women.id}/move", {"direction": "down"})
    assert response.headers["Location"] == f"/reference/groups/#entry-{women.id}"
    page = page_text(client.get(response.headers["Location"]))
    assert "Women moved down." in page
    expected = [*groups[:5], "Women", *[name for name in groups[5:] if name != "Women"]]
    assert _offered_names(page) == expected == _names(app, ExclusionGroup)

    # At either end nothing moves, and the list says why.
    top = _entry(app, ExclusionGroup, groups[0])
    response = admin.post(f"/reference/groups/{top.id}/move", {"direction": "up"}, follow_redirects=True)
    assert "Disabled people is already at the top of the list." in page_text(response)
    assert _names(app, ExclusionGroup) == expected
    # The first has no Up button, the last no Down.
    assert page.count('value="up"') == page.count('value="down"') == len(groups) - 1
    # A direction that is not one is a bad request, not a change.
    assert admin.post(f"/reference/groups/{women.id}/move", {"direction": "sideways"}).status_code == 400
    assert admin.post(f"/reference/groups/{women.id}/move").status_code == 400
    assert _names(app, ExclusionGroup) == expected


def test_an_archived_entry_is_not_moved(app, admin, make):
    make.category("First")
    archived = make.category("Second", archived=True)
    response = admin.post(f"/reference/categories/{archived.id}/move", {"direction": "up"}, follow_redirects=True)
    assert "Second is archived. Restore it before moving it." in page_text(response)
    assert _entry(app, IssueCategory, "Second").position == archived.position


def test_every_change_is_in_the_history(app, client, admin, make):
    first = make.category("Hate crime")
    admin.post("/reference/categories/new", {"name": "Stalking", "description": "Repeated unwanted contact"})
    stalking = _entry(app, IssueCategory, "Stalking")
    admin.post(f"/reference/categories/{stalking.id}/edit", {"name": "Stalking and harassment"})
    admin.post(f"/reference/categories/{stalking.id}/move", {"direction": "up"})
    admin.post(f"/reference/categories/{stalking.id}/archive")
    admin.post(f"/reference/categories/{stalking.id}/restore")
    with app.app_context():
        rows = db.session.execute(
            select(HistoryEntry.action, HistoryEntry.field, HistoryEntry.before, HistoryEntry.after)
            .where(HistoryEntry.record_type == "issue_categories", HistoryEntry.record_id == stalking.id)
            .order_by(HistoryEntry.id)
        ).all()
        actors = set(
            db.session.scalars(
                select(HistoryEntry.actor_id).where(
                    HistoryEntry.record_type == "issue_categories", HistoryEntry.record_id == stalking.id
                )
            )
        )
    assert ("created", "name", None, "Stalking") in rows
    assert ("updated", "name", "Stalking", "Stalking and harassment") in rows
    assert ("updated", "position", "2", "1") in rows
    assert [action for action, field, _, _ in rows if field == "archived_at"] == ["archived", "restored"]
    assert None not in actors, "each change names the admin who made it"

    page = page_text(client.get(f"/reference/categories/{stalking.id}/edit"))
    assert "History" in page and "by Alex Morgan" in page
    assert "Stalking and harassment" in page and "Archived" in page and "Restored" in page
    # The entry it swapped with has its move in its history too.
    with app.app_context():
        moved = select(HistoryEntry.before, HistoryEntry.after).where(
            HistoryEntry.record_type == "issue_categories",
            HistoryEntry.record_id == first.id,
            HistoryEntry.action == "updated",
        )
        assert db.session.execute(moved).all() == [("1", "2")]


def test_an_unknown_list_or_entry_is_not_found(client, admin, make):
    category = make.category("Hate crime")
    for url in (
        "/reference/issues/",
        "/reference/issues/new",
        f"/reference/issues/{category.id}/edit",
        f"/reference/groups/{category.id}/edit",  # a category is not a group
        "/reference/categories/999999/archive",
    ):
        assert client.get(url).status_code == 404, url
    assert admin.post(f"/reference/groups/{category.id}/restore").status_code == 404


def test_what_other_areas_are_offered(app, make):
    hate, abuse = make.category("Hate crime"), make.category("Domestic abuse")
    archived = make.category("Old category", archived=True)
    with app.app_context():
        assert [entry.name for entry in active_entries(IssueCategory)] == ["Hate crime", "Domestic abuse"]
        assert entry_choices(IssueCategory, include_ids=[str(abuse.id)]) == [
            (str(hate.id), "Hate crime"),
            (str(abuse.id), "Domestic abuse"),
        ]
        # Ids as numbers or text, in the list's order; what is not an id is ignored.
        found = entries_by_ids(IssueCategory, [str(archived.id), abuse.id, "x", "", None, "-1", "99999"])
        assert [entry.name for entry in found] == ["Domestic abuse", "Old category"]
        assert entries_by_ids(IssueCategory, []) == []
        assert entries_by_ids(ExclusionGroup, [hate.id]) == [], "only the list asked for"
