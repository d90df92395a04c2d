"""Admins manage the logins: create, change role or organisation, disable."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from crm.auth.models import Role, User
from crm.extensions import db
from tests.conftest import PASSWORD, page_text


@pytest.fixture
def admin(client, auth, make):
    user = make.user("admin", email="admin@example.org", name="Alex Morgan")
    auth.login("admin@example.org")
    auth.user = user
    return auth


def test_admin_creates_a_partner_user_who_can_then_sign_in(app, client, admin, make):
    police = make.organisation(name="Bedfordshire Police")
    response = admin.post(
        "/admin/users/new",
        {
            "name": "Jordan Lee",
            "email": "Jordan.Lee@Example.org",
            "password": "a long temporary pass",
            "role": "partner",
            "organisation_id": str(police.id),
        },
    )
    assert response.headers["Location"] == "/admin/users/"
    listing = page_text(client.get("/admin/users/"))
    assert "User Jordan Lee created" in listing
    assert "jordan.<wbr>lee@<wbr>example.<wbr>org" in listing  # shown with email_breaks
    assert "Bedfordshire Police" in listing
    partner = app.test_client()
    from tests.conftest import AuthActions

    assert AuthActions(partner).login("jordan.lee@example.org", "a long temporary pass").status_code == 302


def test_a_partner_user_needs_an_organisation(admin):
    page = page_text(
        admin.post(
            "/admin/users/new",
            {"name": "No Org", "email": "x@example.org", "password": "a long temporary pass", "role": "partner"},
        )
    )
    assert "Select the partner user&#39;s organisation" in page
    assert 'value="No Org"' in page


def test_an_organisation_for_staff_is_refused_not_dropped(app, admin, make):
    """Staff belong to no organisation: choosing one is a mistake to point out, not to ignore."""
    police = make.organisation()
    data = {
        "name": "Staff Person",
        "email": "s@example.org",
        "password": "a long temporary pass",
        "role": "staff",
        "organisation_id": str(police.id),
    }
    page = page_text(admin.post("/admin/users/new", data))
    assert "Only partner users belong to an organisation" in page
    assert 'value="Staff Person"' in page
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "s@example.org")) is None

    admin.post("/admin/users/new", {**data, "organisation_id": ""})
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "s@example.org"))
        assert user.role == Role.STAFF and user.organisation_id is None


def test_new_user_mistakes(admin, make):
    make.user("staff", email="taken@example.org")
    page = page_text(
        admin.post(
            "/admin/users/new",
            {"name": "", "email": "TAKEN@example.org", "password": "short", "role": "wizard"},
        )
    )
    assert "Enter the person&#39;s full name" in page
    assert "Password must be 12 characters or more" in page
    assert "Select a role" in page
    page = page_text(
        admin.post(
            "/admin/users/new",
            {"name": "Dup", "email": "TAKEN@example.org", "password": "a long temporary pass", "role": "staff"},
        )
    )
    assert "A user with this email address already exists" in page


def test_changing_a_users_organisation_signs_them_out(app, admin, make):
    first, second = make.organisation(name="First"), make.organisation(name="Second")
    partner = make.user("partner", organisation=first, email="p@example.org")
    partner_client = app.test_client()
    from tests.conftest import AuthActions

    AuthActions(partner_client).login("p@example.org")
    assert partner_client.get(f"/organisations/{first.id}").status_code == 200
    admin.post(
        f"/admin/users/{partner.id}/edit",
        {"name": "Partner", "email": "p@example.org", "role": "partner", "organisation_id": str(second.id)},
    )
    assert partner_client.get(f"/organisations/{first.id}").status_code == 302
    AuthActions(partner_client).login("p@example.org")
    assert partner_client.get(f"/organisations/{first.id}").status_code == 404
    assert partner_client.get(f"/organisations/{second.id}").status_code == 200


def test_disable_and_enable(app, admin, make):
    user = make.user("staff", email="leaver@example.org", name="Leaver")
    response = admin.post(f"/admin/users/{user.id}/disable", follow_redirects=True)
    assert "Leaver can no longer sign in" in page_text(response)
    from tests.conftest import AuthActions

    other = AuthActions(app.test_client())
    assert other.login("leaver@example.org").status_code == 200
    admin.post(f"/admin/users/{user.id}/enable")
    assert other.login("leaver@example.org").status_code == 302


def test_admins_cannot_lock_themselves_out(app, admin):
    response = admin.post(f"/admin/users/{admin.user.id}/disable", follow_redirects=True)
    assert "You cannot disable your own account." in page_text(response)
    page = page_text(
        admin.post(
            f"/admin/users/{admin.user.id}/edit", {"name": "Alex Morgan", "email": "admin@example.org", "role": "staff"}
        )
    )
    assert "You cannot remove your own admin role" in page
    with app.app_context():
        me = db.session.get(User, admin.user.id)
        assert me.is_active and me.role == Role.ADMIN


def test_password_is_stored_as_argon2id(app, make):
    user = make.user("staff", password=PASSWORD)
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash


def test_admin_corrects_an_email_and_sets_a_new_temporary_password(app, admin, make):
    from tests.conftest import AuthActions

    user = make.user("staff", email="typo@exmaple.org", name="Sam Patel")
    signed_in = AuthActions(app.test_client())
    signed_in.login("typo@exmaple.org")
    form = admin.post(
        f"/admin/users/{user.id}/edit",
        {"name": "Sam Patel", "email": "sam@example.org", "role": "staff", "password": "a new temporary one"},
    )
    assert form.status_code == 302
    assert signed_in._client.get("/dashboard").status_code == 302, "a new password signs them out"
    fresh = AuthActions(app.test_client())
    assert fresh.login("typo@exmaple.org", "a new temporary one").status_code == 200
    assert fresh.login("sam@example.org", PASSWORD).status_code == 200
    assert fresh.login("sam@example.org", "a new temporary one").status_code == 302


def test_an_email_in_use_by_someone_else_is_refused_on_edit(admin, make):
    make.user("staff", email="taken@example.org")
    user = make.user("staff", email="mine@example.org", name="Me")
    page = page_text(
        admin.post(f"/admin/users/{user.id}/edit", {"name": "Me", "email": "Taken@example.org", "role": "staff"})
    )
    assert "A user with this email address already exists" in page
    unchanged = admin.post(f"/admin/users/{user.id}/edit", {"name": "Me", "email": "mine@example.org", "role": "staff"})
    assert unchanged.status_code == 302, "keeping your own email is fine"


def test_users_list_queries_do_not_grow_with_rows(client, admin, make, count_queries):
    def queries():
        with count_queries() as counter:
            assert client.get("/admin/users/").status_code == 200
        return counter.count

    make.user("partner", organisation=make.organisation())
    few = queries()
    for _ in range(6):
        make.user("partner", organisation=make.organisation())
    assert queries() == few


def test_an_admin_links_a_user_to_their_own_contact_record(app, client, admin, make):
    """DESIGN 6.11: a partner user only to a contact of its own organisation; staff to anyone."""
    police, council = make.organisation("Thames Police"), make.organisation("Riverside Council", type="local_council")
    own_person, elsewhere = make.contact(police, "Pat Partner"), make.contact(council, "Cal Council")
    partner = make.user("partner", organisation=police, email="pat@police.example", name="Pat Partner")
    base = {"name": "Pat Partner", "email": "pat@police.example", "role": "partner", "organisation_id": str(police.id)}
    url = f"/admin/users/{partner.id}/edit"
    assert "Their own contact record" in page_text(client.get(url))
    refused = page_text(admin.post(url, {**base, "contact_id": str(elsewhere.id), "version": "1"}))
    assert "A partner user’s contact record must be at its own organisation" in refused
    assert admin.post(url, {**base, "contact_id": str(own_person.id), "version": "1"}).status_code == 302
    with app.app_context():
        assert db.session.get(User, partner.id).contact_id == own_person.id
    staff = make.user("staff", email="sam@example.org", name="Sam Staff")
    answer = admin.post(
        f"/admin/users/{staff.id}/edit",
        {
            "name": "Sam Staff",
            "email": "sam@example.org",
            "role": "staff",
            "contact_id": str(elsewhere.id),
            "version": "1",
        },
    )
    assert answer.status_code == 302
    with app.app_context():
        assert db.session.get(User, staff.id).contact_id == elsewhere.id
