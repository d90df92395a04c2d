"""Migration 0003 (the lists' indexes and search) up and down on both databases, on a database of its own."""

from __future__ import annotations

import secrets
import warnings

import pytest
from flask_migrate import check, downgrade, upgrade
from sqlalchemy import inspect, text

from crm import create_app
from crm.extensions import db
from tests.conftest import _temporary_postgres_database

NEW_INDEXES = {
    "organisations": {
        "ix_organisations_name_active",
        "ix_organisations_type_active",
        "ix_organisations_area_active",
        "ix_organisations_updated_active",
        "ix_organisations_archived",
    },
    "contacts": {"ix_contacts_name_active", "ix_contacts_job_title_active", "ix_contacts_organisation_active"},
}
TRIGRAM_INDEXES = {
    "organisations": {"ix_organisations_name_trgm", "ix_organisations_area_trgm"},
    "contacts": {"ix_contacts_name_trgm", "ix_contacts_job_title_trgm", "ix_contacts_email_trgm"},
}


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_app(request, tmp_path):
    def make(url):
        return create_app({"TESTING": True, "SECRET_KEY": secrets.token_urlsafe(32), "SQLALCHEMY_DATABASE_URI": url})

    if request.param == "sqlite":
        app = make(f"sqlite:///{tmp_path / 'migrations.sqlite3'}")
        yield app
        with app.app_context():
            db.engine.dispose()
    else:
        with _temporary_postgres_database() as url:
            app = make(url)
            yield app
            with app.app_context():
                db.engine.dispose()


def _indexes(table: str) -> set[str]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SQLite cannot reflect expression indexes, and says so
        return {index["name"] for index in inspect(db.engine).get_indexes(table)}


def _search(term: str) -> list[str]:
    """Organisation names matching `term` as the list finds them (through the indexes)."""
    from crm.auth.models import Role, User
    from crm.organisations.models import Organisation
    from crm.organisations.services import OrganisationFilters, list_organisations

    listing = list_organisations(User(role=Role.STAFF), OrganisationFilters(q=term, sort="name"))
    return list(db.session.scalars(listing.rows().with_only_columns(Organisation.name)))


def test_0003_goes_up_over_existing_rows_comes_down_and_goes_up_again(fresh_app):
    with fresh_app.app_context():
        upgrade(revision="0002")
        with db.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO organisations (name, type, area, address, website, phone, notes, created_at, updated_at)"
                    " VALUES ('Bedfordshire Police', 'police', 'Bedfordshire', '', '', '', '', :now, :now)"
                ),
                {"now": "2026-01-01 00:00:00"},
            )
        upgrade()
        dialect = db.engine.dialect.name
        for table, names in NEW_INDEXES.items():
            assert names <= _indexes(table)
            if dialect == "postgresql":
                assert TRIGRAM_INDEXES[table] <= _indexes(table)
        assert _search("dshire Pol") == ["Bedfordshire Police"], "rows from before the migration are searchable"
        db.session.remove()

        downgrade(revision="0002")
        for table, names in NEW_INDEXES.items():
            assert not (names | TRIGRAM_INDEXES[table]) & _indexes(table)
        if dialect == "sqlite":
            tables = set(inspect(db.engine).get_table_names())
            assert not {name for name in tables if "_search" in name}

        upgrade()
        assert _search("dshire Pol") == ["Bedfordshire Police"]
        db.session.remove()


def test_the_models_declare_what_the_migrations_make(fresh_app):
    """`flask db check`: autogenerate finds nothing to add or drop after the migrations."""
    with fresh_app.app_context():
        upgrade()
        with warnings.catch_warnings():
            # Alembic cannot compare expression indexes on SQLite and says so, for 0001's as for 0003's.
            warnings.simplefilter("ignore")
            check()


def test_0005_goes_up_over_an_existing_action_and_down_again(fresh_app):
    """An action agreed before the register keeps its data, gets a priority and a
    last update, is found by the register's search, and 0005 comes down cleanly."""
    with fresh_app.app_context():
        upgrade(revision="0004")
        with db.engine.begin() as conn:
            now = {"now": "2026-01-01 00:00:00"}
            conn.execute(
                text(
                    "INSERT INTO organisations (name, type, area, address, website, phone, notes, created_at, updated_at)"
                    " VALUES ('Bedfordshire Police', 'police', 'Bedfordshire', '', '', '', '', :now, :now)"
                ),
                now,
            )
            conn.execute(
                text(
                    "INSERT INTO actions (reference, title, description, owner_id, status, version, created_at, updated_at)"
                    " VALUES ('A-2026-001', 'Share the outcome data', '', 1, 'open', 1, :now, :now)"
                ),
                now,
            )
        upgrade()
        from crm.actions.models import Action, ActionPriority
        from crm.actions.services import ActionFilters, list_actions
        from crm.auth.models import Role, User

        action = db.session.get(Action, 1)
        assert action.priority is ActionPriority.MEDIUM and action.staff_notes == ""
        assert action.last_update_at == action.updated_at
        listing = list_actions(User(role=Role.STAFF), ActionFilters(q="outcome dat"))
        assert list(db.session.scalars(listing.rows().with_only_columns(Action.reference))) == ["A-2026-001"]
        db.session.remove()

        downgrade(revision="0004")
        assert "action_requests" not in inspect(db.engine).get_table_names()
        assert "priority" not in {column["name"] for column in inspect(db.engine).get_columns("actions")}
        upgrade()
        db.session.remove()


def test_0007_fills_the_reference_lists_and_comes_down_cleanly(fresh_app):
    """A new database starts with the issue categories and the eleven groups at
    increased risk of exclusion, in the order the area's own page names them."""
    with fresh_app.app_context():
        upgrade()
        groups = db.session.execute(text("SELECT name FROM exclusion_groups ORDER BY position")).scalars().all()
        assert len(groups) == 11
        assert groups[0] == "Disabled people" and groups[-1] == "Asylum seeker/refugee communities"
        categories = set(db.session.execute(text("SELECT name FROM issue_categories")).scalars())
        assert {"Hate crime", "Domestic abuse", "Coercive control", "Sexual violence"} <= categories
        db.session.remove()

        downgrade(revision="0006")
        tables = set(inspect(db.engine).get_table_names())
        assert not tables & {"community_issues", "exclusion_groups", "issue_categories", "meeting_groups"}
        upgrade()
        db.session.remove()
