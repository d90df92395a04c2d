"""Every form: the error summary lists problems in the order the fields appear."""

from __future__ import annotations

import re

import pytest

from tests.conftest import page_text


def summary_targets(page: str) -> list[str]:
    summary = page[page.index('class="govuk-error-summary') : page.index("</ul>", page.index("govuk-error-summary"))]
    return re.findall(r'href="#([\w-]+)"', summary)


def assert_in_field_order(page: str) -> None:
    targets = summary_targets(page)
    assert len(targets) >= 2, f"the case should produce several errors, got {targets}"
    form = page[page.index('<form method="post"') :]
    positions = [form.index(f'id="{target}"') for target in targets]
    assert positions == sorted(positions), f"summary order {targets} differs from the page's field order"


@pytest.fixture
def admin(client, auth, make):
    make.user("admin", email="admin@example.org")
    auth.login("admin@example.org")
    return auth


def test_organisation_form(admin):
    page = page_text(admin.post("/organisations/new", {"name": "", "type": "", "website": "not a site", "phone": "x"}))
    assert_in_field_order(page)


def test_contact_form(admin):
    page = page_text(admin.post("/contacts/new", {"name": "", "organisation_id": "", "email": "nope", "phone": "x"}))
    assert_in_field_order(page)


def test_user_form(admin, make):
    police = make.organisation()
    page = page_text(
        admin.post(
            "/admin/users/new",
            {"name": "", "email": "nope", "role": "staff", "organisation_id": str(police.id), "password": "short"},
        )
    )
    assert summary_targets(page) == ["name", "email", "organisation_id", "password"]
    assert_in_field_order(page)


def test_change_password_form(admin):
    page = page_text(
        admin.post("/account/password", {"current_password": "", "new_password": "short", "confirm_password": "x"})
    )
    assert_in_field_order(page)


def test_series_form(admin, make):
    police = make.organisation()
    page = page_text(
        admin.post(
            "/series/new",
            {"name": "", "member_ids": [str(police.id), "999999"], "chair_id": "999999", "frequency": "weekly"},
        )
    )
    assert summary_targets(page) == ["name", "member_ids", "chair_id", "frequency"]
    assert_in_field_order(page)


def test_reference_entry_form(admin):
    page = page_text(admin.post("/reference/categories/new", {"name": "", "description": "x" * 301}))
    assert summary_targets(page) == ["name", "description"]
    assert_in_field_order(page)


def test_meeting_form_with_the_groups_reached(admin, make):
    make.group("Older people")
    page = page_text(admin.post("/meetings/new", {"title": "", "group_ids": ["999999"], "marking": "official"}))
    assert "group_ids" in summary_targets(page)
    assert_in_field_order(page)
