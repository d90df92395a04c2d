"""Indexes for the lists and the dashboard: one per sort and filter, partial where archived rows are left out; trigram search

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 10:00:00

Each sort of the organisations and contacts lists, the organisations type
filter and the dashboard's "recently updated" get an index that reads them in
order, partial (`WHERE archived_at IS NULL`) because the lists leave archived
rows out unless asked. Text columns are indexed as `crm.database.folded`
writes them, so that queries meet them: `name COLLATE NOCASE` on SQLite,
`lower(name) COLLATE "C"` on PostgreSQL (which also serves a name prefix,
LIKE 'ab%', where the server's own collation would not).

Substring search (crm/search.py):
- PostgreSQL: the pg_trgm extension and a GIN trigram index per searched
  column, which serve ILIKE '%term%' as it is. `fastupdate` is off: with it
  on, new rows wait in a pending list that every search reads through (tens
  of milliseconds after a bulk load) until a vacuum merges it.
- SQLite (3.34 or newer, for the trigram tokenizer): an FTS5 table per
  searched table, with the row's id as its rowid and the searched columns'
  text taken from the table itself (an external content table), kept
  current by triggers on insert, update and delete.

A later migration that rebuilds `organisations` or `contacts` on SQLite
(batch mode's "move and copy") drops these triggers with the old table; it
must create them again (`crm.search.fts5_statements`), or search goes stale.

ANALYZEs the two tables (and runs PRAGMA optimize on SQLite) so that the
planners know the new indexes at once; not the new FTS5 tables, whose
statistics, taken empty, would make every insert slower than the last.
"""

import sqlalchemy as sa
from alembic import op

from crm.search import fts5_drop_statements, fts5_statements

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

ACTIVE = "archived_at IS NULL"
ARCHIVED = "archived_at IS NOT NULL"

# name -> (table, columns); "~column" is the column folded as crm.database.folded does it.
# On PostgreSQL the type index carries the name itself too (INCLUDE), so that the dashboard's
# counts by type can read the index alone (an index-only scan needs the columns, not only an
# expression of them).
INCLUDE = {"ix_organisations_type_active": ["name"]}
INDEXES = {
    "ix_organisations_name_active": ("organisations", ["~name", "id"]),
    "ix_organisations_type_active": ("organisations", ["type", "~name", "id"]),
    "ix_organisations_area_active": ("organisations", ["~area", "~name", "id"]),
    "ix_organisations_updated_active": ("organisations", ["updated_at", "id"]),
    "ix_contacts_name_active": ("contacts", ["~name", "id"]),
    "ix_contacts_job_title_active": ("contacts", ["~job_title", "~name", "id"]),
    "ix_contacts_organisation_active": ("contacts", ["organisation_id", "~name", "id"]),
}

# The searched columns of each table (crm/organisations/services.py, crm/contacts/services.py).
SEARCHED = {
    "organisations": ["name", "area"],
    "contacts": ["name", "job_title", "email"],
}

TRIGRAM_SQLITE = (3, 34, 0)


def _column(spec, dialect):
    if not spec.startswith("~"):
        return spec
    name = spec[1:]
    if dialect == "postgresql":
        return sa.text(f'lower({name}) COLLATE "C"')
    return sa.text(f"{name} COLLATE NOCASE")


def upgrade():
    dialect = op.get_bind().dialect.name
    for name, (table, columns) in INDEXES.items():
        with op.batch_alter_table(table) as batch:
            batch.create_index(
                name,
                [_column(spec, dialect) for spec in columns],
                unique=False,
                sqlite_where=sa.text(ACTIVE),
                postgresql_where=sa.text(ACTIVE),
                postgresql_include=INCLUDE.get(name, []),
            )
    # The few archived organisations, which the contacts list leaves out.
    with op.batch_alter_table("organisations") as batch:
        batch.create_index(
            "ix_organisations_archived",
            ["id"],
            unique=False,
            sqlite_where=sa.text(ARCHIVED),
            postgresql_where=sa.text(ARCHIVED),
        )

    if dialect == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for table, columns in SEARCHED.items():
            for column in columns:
                op.create_index(
                    f"ix_{table}_{column}_trgm",
                    table,
                    [column],
                    unique=False,
                    postgresql_using="gin",
                    postgresql_ops={column: "gin_trgm_ops"},
                    # Each insert goes straight into the index: no pending list that
                    # every search would have to read through until a vacuum.
                    postgresql_with={"fastupdate": "off"},
                )

    # The planners should know the new indexes at once: the two tables only.
    if dialect == "postgresql":
        op.execute("ANALYZE organisations, contacts")
    elif dialect == "sqlite":
        op.execute("ANALYZE organisations")
        op.execute("ANALYZE contacts")
        op.execute("PRAGMA optimize")

    if dialect == "sqlite":
        # After ANALYZE: statistics taken on a new, empty FTS5 table make every
        # later insert into it slower than the last, until the next ANALYZE.
        version = op.get_bind().exec_driver_sql("SELECT sqlite_version()").scalar()
        if tuple(int(part) for part in version.split(".")[:3]) < TRIGRAM_SQLITE:
            raise RuntimeError(f"Search needs SQLite 3.34 or newer (its trigram tokenizer); this is SQLite {version}")
        for table, columns in SEARCHED.items():
            for statement in fts5_statements(table, columns):
                op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        for table, columns in SEARCHED.items():
            for column in columns:
                op.drop_index(f"ix_{table}_{column}_trgm", table_name=table)
        # pg_trgm stays: it may have been there before, and other things may use it.
    elif dialect == "sqlite":
        for table in SEARCHED:
            for statement in fts5_drop_statements(table):
                op.execute(statement)
    with op.batch_alter_table("organisations") as batch:
        batch.drop_index("ix_organisations_archived")
    for name, (table, _columns) in reversed(INDEXES.items()):
        with op.batch_alter_table(table) as batch:
            batch.drop_index(name)
