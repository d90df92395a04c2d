"""The one save path: history of every change, nothing-changed, edit conflicts, duplicates."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from crm import records
from crm.auth.models import User
from crm.contacts.models import Contact
from crm.enums import LabelledEnum
from crm.extensions import db
from crm.history.models import HistoryEntry
from crm.organisations.models import Organisation
from tests.conftest import PASSWORD, AuthActions, page_text

ORG_FORM = {"name": "Reading Borough Council", "type": "local_council", "area": "Reading"}


@pytest.fixture
def admin(client, auth, make):
    make.user("admin", email="admin@example.org", name="Ada Admin")
    auth.login("admin@example.org")
    return auth


def history_rows(app, model, record_id) -> list[HistoryEntry]:
    with app.app_context():
        rows = db.session.scalars(
            select(HistoryEntry)
            .where(HistoryEntry.record_type == model.__tablename__, HistoryEntry.record_id == record_id)
            .order_by(HistoryEntry.id)
        ).all()
        db.session.expunge_all()
        return rows


def version_of(page: str) -> str:
    return re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)


def test_an_edit_is_kept_field_by_field_and_admins_read_it_on_the_page(app, client, admin, make):
    organisation = make.organisation(**ORG_FORM)
    response = admin.post(
        f"/organisations/{organisation.id}/edit", {**ORG_FORM, "area": "Berkshire", "phone": "0118 937 3737"}
    )
    assert response.status_code == 302

    rows = history_rows(app, Organisation, organisation.id)
    edits = [(row.field, row.before, row.after) for row in rows if row.action == "updated"]
    assert sorted(edits) == [("area", "Reading", "Berkshire"), ("phone", "", "0118 937 3737")]
    assert {row.actor_id for row in rows if row.action == "updated"} != {None}, "who changed it is kept"
    assert len({row.change_key for row in rows if row.action == "updated"}) == 1, "one save, one change"

    page = page_text(client.get(f"/organisations/{organisation.id}"))
    history = page[page.index('id="history-heading"') :]
    assert "Changed" in history and "by Ada Admin" in history
    assert "Reading" in history and "Berkshire" in history and "0118 937 3737" in history


def test_staff_and_partners_do_not_see_the_history_of_organisations(app, client, staff, make):
    organisation = make.organisation(**ORG_FORM)
    staff.post(f"/organisations/{organisation.id}/edit", {**ORG_FORM, "area": "Berkshire"})
    assert 'id="history-heading"' not in page_text(client.get(f"/organisations/{organisation.id}"))
    partner = AuthActions(app.test_client())
    make.user("partner", organisation=organisation, email="p@example.org")
    partner.login("p@example.org")
    assert "history-heading" not in page_text(partner._client.get(f"/organisations/{organisation.id}"))


def test_saving_with_nothing_changed_says_so_and_writes_no_history(app, client, staff, make):
    organisation = make.organisation(**ORG_FORM)
    before = len(history_rows(app, Organisation, organisation.id))
    response = staff.post(f"/organisations/{organisation.id}/edit", ORG_FORM, follow_redirects=True)
    assert "You did not change anything, so nothing was saved." in page_text(response)
    assert "Changes saved" not in page_text(response)
    assert len(history_rows(app, Organisation, organisation.id)) == before


def test_a_reference_is_kept_as_its_id_and_read_as_a_name(app, client, admin, make):
    first = make.organisation("Bedfordshire Police")
    second = make.organisation("Hertfordshire Constabulary")
    contact = make.contact(first, "Jordan Lee")
    admin.post(f"/contacts/{contact.id}/edit", {"name": "Jordan Lee", "organisation_id": str(second.id)})
    (row,) = [r for r in history_rows(app, Contact, contact.id) if r.action == "updated"]
    assert (row.field, row.before, row.after) == ("organisation_id", str(first.id), str(second.id))
    page = page_text(client.get(f"/contacts/{contact.id}"))
    history = page[page.index('id="history-heading"') :]
    assert "Bedfordshire Police" in history and "Hertfordshire Constabulary" in history


def test_archive_and_restore_are_in_the_history(app, client, admin, make):
    organisation = make.organisation(**ORG_FORM)
    admin.post(f"/organisations/{organisation.id}/archive")
    admin.post(f"/organisations/{organisation.id}/restore")
    actions = [row.action for row in history_rows(app, Organisation, organisation.id)]
    assert actions[-2:] == ["archived", "restored"]
    history = page_text(client.get(f"/organisations/{organisation.id}"))
    assert "Archived" in history and "Restored" in history


def test_secrets_never_enter_history(app, client, admin, auth, make):
    """Every history row, read back, holds no password hash, no password and no session token."""
    user = make.user("staff", email="sam@example.org", name="Sam Patel")
    admin.post(
        f"/admin/users/{user.id}/edit",
        {"name": "Sam Patel", "email": "sam@example.org", "role": "staff", "password": "a new temporary one"},
    )
    own = AuthActions(app.test_client())
    own.login("sam@example.org", "a new temporary one")
    own.post(
        "/account/password",
        {
            "current_password": "a new temporary one",
            "new_password": "my own long password",
            "confirm_password": "my own long password",
        },
    )
    with app.app_context():
        hashes = db.session.scalars(select(User.password_hash)).all()
        rows = db.session.scalars(select(HistoryEntry)).all()
        assert rows, "the changes above are in the history"
        for model in (User, Organisation, Contact):
            excluded = model.history_exclude | records.ALWAYS_EXCLUDED
            assert not [r for r in rows if r.record_type == model.__tablename__ and r.field in excluded]
        secrets = [*hashes, PASSWORD, "a new temporary one", "my own long password", "$argon2"]
        for row in rows:
            for secret in secrets:
                assert secret not in (row.before or "") and secret not in (row.after or ""), row.field


def test_two_people_editing_at_once_cannot_overwrite_each_other(app, client, staff, make):
    organisation = make.organisation(**ORG_FORM)
    url = f"/organisations/{organisation.id}/edit"
    opened_version = version_of(page_text(client.get(url)))

    other = AuthActions(app.test_client())
    make.user("staff", email="other@example.org")
    other.login("other@example.org")
    assert other.post(url, {**ORG_FORM, "area": "Berkshire", "version": opened_version}).status_code == 302

    # The first person saves from the page they opened before that change.
    response = staff.post(url, {**ORG_FORM, "area": "Wokingham", "version": opened_version})
    page = page_text(response)
    assert response.status_code == 200
    assert "Someone else changed this organisation while you were editing it" in page
    assert 'value="Wokingham"' in page, "what they typed is kept"
    with app.app_context():
        assert db.session.get(Organisation, organisation.id).area == "Berkshire"

    # Having looked, saving again goes through.
    again = staff.post(url, {**ORG_FORM, "area": "Wokingham", "version": version_of(page)})
    assert again.status_code == 302
    with app.app_context():
        assert db.session.get(Organisation, organisation.id).area == "Wokingham"


def test_the_database_refuses_an_update_from_an_older_version(app, make):
    """The version is checked by the UPDATE itself, so a save racing past the form's check fails too."""
    organisation = make.organisation(**ORG_FORM)
    with app.app_context():
        record = db.session.get(Organisation, organisation.id)
        db.session.execute(Organisation.__table__.update().where(Organisation.id == organisation.id).values(version=5))
        with pytest.raises(records.EditConflict):
            records.update(record, {"area": "Kent"}, noun="organisation")
        assert db.session.get(Organisation, organisation.id).area == "Reading"


def test_duplicates_are_domain_errors_on_the_field_they_concern(app, make):
    make.organisation("Thames Valley Police")
    from crm.organisations import services

    with app.app_context(), pytest.raises(records.Duplicate) as refused:
        services.create_organisation({"name": "thames  valley   police", "type": "police"})
    assert refused.value.field == "name"


@pytest.mark.parametrize("typed", ["  Bedfordshire  Police ", "BEDFORDSHIRE\tPOLICE", "Bedfordshire Police"])
def test_names_differing_only_in_spaces_or_case_are_the_same_name(staff, make, typed):
    make.organisation("Bedfordshire Police")
    page = page_text(staff.post("/organisations/new", {"name": typed, "type": "police"}))
    assert "An organisation with this name already exists" in page


def test_inner_spaces_are_tidied_when_saved(app, staff):
    staff.post("/organisations/new", {"name": "  Luton   Borough  Council ", "type": "local_council"})
    with app.app_context():
        assert db.session.scalar(select(Organisation.name)) == "Luton Borough Council"


def test_labelled_enums_declare_value_and_label_once():
    class Colour(LabelledEnum):
        RED = "red", "Bright red"
        BLUE = "blue", "Deep blue"

    assert Colour.RED == "red" and Colour.RED.label == "Bright red"
    assert Colour.choices() == [("red", "Bright red"), ("blue", "Deep blue")]
    assert Colour.parse("blue") is Colour.BLUE
    assert Colour.parse("green") is None and Colour.parse("") is None and Colour.parse(None) is None
