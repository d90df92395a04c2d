"""Community issues, their reference lists, and meetings' reach

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 19:22:06

The two reference lists admins keep (issue categories, and the groups at
increased risk of exclusion, first filled from the lists below); the groups
each meeting reached; community issues with their categories, groups, linked
meetings and linked actions, an index per sort and filter of the register,
and title and reference search (FTS5 trigram on SQLite, pg_trgm on
PostgreSQL). Names are unique whatever their case, and titles sort as
crm.database.folded: expression indexes, written here by hand.
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from crm.reference.defaults import CATEGORIES, GROUPS
from crm.search import fts5_drop_statements, fts5_statements

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None



def _fill(table_name: str, entries: list[tuple[str, str]]) -> None:
    table = sa.table(
        table_name,
        *(sa.column(name) for name in ("name", "description", "position", "version", "created_at", "updated_at")),
    )
    now = datetime.now(UTC).replace(tzinfo=None)
    op.bulk_insert(
        table,
        [
            {
                "name": name,
                "description": description,
                "position": position,
                "version": 1,
                "created_at": now,
                "updated_at": now,
            }
            for position, (name, description) in enumerate(entries, start=1)
        ],  # fmt: skip
    )


def upgrade():
    postgresql = op.get_bind().dialect.name == "postgresql"
    op.create_table(
        "exclusion_groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("description", sa.String(length=300), server_default="", nullable=False),
        sa.Column("position", sa.Integer(), server_default="0", nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("archived_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exclusion_groups")),
    )
    op.create_table(
        "issue_categories",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("description", sa.String(length=300), server_default="", nullable=False),
        sa.Column("position", sa.Integer(), server_default="0", nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("archived_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issue_categories")),
    )
    op.create_table(
        "meeting_groups",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["exclusion_groups.id"],
            name=op.f("fk_meeting_groups_group_id_exclusion_groups"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name=op.f("fk_meeting_groups_meeting_id_meetings"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("meeting_id", "group_id", name=op.f("pk_meeting_groups")),
    )
    with op.batch_alter_table("meeting_groups", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meeting_groups_group_id"), ["group_id"], unique=False)

    op.create_table(
        "community_issues",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("area", sa.String(length=200), nullable=False),
        sa.Column("raised_on", sa.Date(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("agenda_item_id", sa.Integer(), nullable=True),
        sa.Column("raised_by_id", sa.Integer(), nullable=True),
        sa.Column("event", sa.String(length=300), nullable=False),
        sa.Column(
            "priority",
            sa.Enum("high", "medium", "low", name="issuepriority", native_enum=False, length=40),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "raised",
                "under_review",
                "action_agreed",
                "addressed",
                "closed",
                name="issuestatus",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column(
            "marking",
            sa.Enum("official", "official_sensitive", name="marking", native_enum=False, length=40),
            nullable=False,
        ),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agenda_item_id"], ["agenda_items.id"], name=op.f("fk_community_issues_agenda_item_id_agenda_items")
        ),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"], name=op.f("fk_community_issues_meeting_id_meetings")),
        sa.ForeignKeyConstraint(
            ["raised_by_id"], ["organisations.id"], name=op.f("fk_community_issues_raised_by_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community_issues")),
        sa.UniqueConstraint("reference", name=op.f("uq_community_issues_reference")),
    )
    with op.batch_alter_table("community_issues", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_community_issues_agenda_item_id"), ["agenda_item_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_community_issues_meeting_id"), ["meeting_id"], unique=False)
        batch_op.create_index("ix_community_issues_raised", ["raised_on", "id"], unique=False)
        batch_op.create_index("ix_community_issues_raised_by", ["raised_by_id", "raised_on", "id"], unique=False)
        batch_op.create_index("ix_community_issues_status_raised", ["status", "raised_on", "id"], unique=False)
        batch_op.create_index("ix_community_issues_updated", ["updated_at", "id"], unique=False)

    op.create_table(
        "community_issue_actions",
        sa.Column("issue_id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"], ["actions.id"], name=op.f("fk_community_issue_actions_action_id_actions"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["issue_id"],
            ["community_issues.id"],
            name=op.f("fk_community_issue_actions_issue_id_community_issues"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("issue_id", "action_id", name=op.f("pk_community_issue_actions")),
    )
    with op.batch_alter_table("community_issue_actions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_community_issue_actions_action_id"), ["action_id"], unique=False)

    op.create_table(
        "community_issue_categories",
        sa.Column("issue_id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["issue_categories.id"],
            name=op.f("fk_community_issue_categories_category_id_issue_categories"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["issue_id"],
            ["community_issues.id"],
            name=op.f("fk_community_issue_categories_issue_id_community_issues"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("issue_id", "category_id", name=op.f("pk_community_issue_categories")),
    )
    with op.batch_alter_table("community_issue_categories", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_community_issue_categories_category_id"), ["category_id"], unique=False)

    op.create_table(
        "community_issue_groups",
        sa.Column("issue_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["exclusion_groups.id"],
            name=op.f("fk_community_issue_groups_group_id_exclusion_groups"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["issue_id"],
            ["community_issues.id"],
            name=op.f("fk_community_issue_groups_issue_id_community_issues"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("issue_id", "group_id", name=op.f("pk_community_issue_groups")),
    )
    with op.batch_alter_table("community_issue_groups", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_community_issue_groups_group_id"), ["group_id"], unique=False)

    op.create_table(
        "community_issue_meetings",
        sa.Column("issue_id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["issue_id"],
            ["community_issues.id"],
            name=op.f("fk_community_issue_meetings_issue_id_community_issues"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_community_issue_meetings_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("issue_id", "meeting_id", name=op.f("pk_community_issue_meetings")),
    )
    with op.batch_alter_table("community_issue_meetings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_community_issue_meetings_meeting_id"), ["meeting_id"], unique=False)

    op.create_index("uq_exclusion_groups_name_lower", "exclusion_groups", [sa.text("lower(name)")], unique=True)
    op.create_index("uq_issue_categories_name_lower", "issue_categories", [sa.text("lower(name)")], unique=True)
    _fill("issue_categories", CATEGORIES)
    _fill("exclusion_groups", GROUPS)
    folded = 'lower({}) COLLATE "C"' if postgresql else "{} COLLATE NOCASE"
    op.create_index("ix_community_issues_title", "community_issues", [sa.text(folded.format("title")), "id"])
    if postgresql:
        for column in ("title", "reference"):
            op.create_index(
                f"ix_community_issues_{column}_trgm",
                "community_issues",
                [column],
                postgresql_using="gin",
                postgresql_ops={column: "gin_trgm_ops"},
                postgresql_with={"fastupdate": "off"},
            )
    else:
        for statement in fts5_statements("community_issues", ["title", "reference"]):
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_community_issues_title_trgm", table_name="community_issues")
        op.drop_index("ix_community_issues_reference_trgm", table_name="community_issues")
    else:
        for statement in fts5_drop_statements("community_issues"):
            op.execute(statement)
    op.drop_index("ix_community_issues_title", table_name="community_issues")
    op.drop_index("uq_issue_categories_name_lower", table_name="issue_categories")
    op.drop_index("uq_exclusion_groups_name_lower", table_name="exclusion_groups")
    with op.batch_alter_table("community_issue_meetings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_community_issue_meetings_meeting_id"))

    op.drop_table("community_issue_meetings")
    with op.batch_alter_table("community_issue_groups", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_community_issue_groups_group_id"))

    op.drop_table("community_issue_groups")
    with op.batch_alter_table("community_issue_categories", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_community_issue_categories_category_id"))

    op.drop_table("community_issue_categories")
    with op.batch_alter_table("community_issue_actions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_community_issue_actions_action_id"))

    op.drop_table("community_issue_actions")
    with op.batch_alter_table("community_issues", schema=None) as batch_op:
        batch_op.drop_index("ix_community_issues_updated")
        batch_op.drop_index("ix_community_issues_status_raised")
        batch_op.drop_index("ix_community_issues_raised_by")
        batch_op.drop_index("ix_community_issues_raised")
        batch_op.drop_index(batch_op.f("ix_community_issues_meeting_id"))
        batch_op.drop_index(batch_op.f("ix_community_issues_agenda_item_id"))

    op.drop_table("community_issues")
    with op.batch_alter_table("meeting_groups", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_groups_group_id"))

    op.drop_table("meeting_groups")
    op.drop_table("issue_categories")
    op.drop_table("exclusion_groups")
