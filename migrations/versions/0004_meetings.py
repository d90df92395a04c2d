"""Meeting series, meetings, attendance, agenda, minutes, feedback and actions

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 17:19:09

Text sorts and unique names are indexed as crm.database.folded and
lower(name) write them (see migration 0003), by hand: autogenerate cannot
compare expression indexes.
"""

import sqlalchemy as sa
from alembic import op

from crm.search import fts5_drop_statements, fts5_statements

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "reference_counters",
        sa.Column("prefix", sa.String(length=20), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("prefix", name=op.f("pk_reference_counters")),
    )
    op.create_table(
        "meeting_series",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("chair_id", sa.Integer(), nullable=True),
        sa.Column("venue", sa.String(length=300), nullable=False),
        sa.Column(
            "frequency",
            sa.Enum(
                "monthly",
                "every_two_months",
                "quarterly",
                "twice_a_year",
                "annually",
                "as_needed",
                name="frequency",
                native_enum=False,
                length=40,
            ),
            nullable=True,
        ),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("archived_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["chair_id"], ["contacts.id"], name=op.f("fk_meeting_series_chair_id_contacts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_series")),
    )
    with op.batch_alter_table("meeting_series", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meeting_series_chair_id"), ["chair_id"], unique=False)

    op.create_table(
        "meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("series_id", sa.Integer(), nullable=True),
        sa.Column(
            "kind",
            sa.Enum(
                "partnership_meeting",
                "scrutiny_panel",
                "workshop",
                "conference",
                "visit",
                "community_event",
                "consultation",
                name="meetingkind",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("ends_at", sa.DateTime(), nullable=True),
        sa.Column("venue", sa.String(length=300), nullable=False),
        sa.Column("online", sa.Boolean(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("headcount", sa.Integer(), nullable=True),
        sa.Column("headcount_note", sa.String(length=120), nullable=False),
        sa.Column(
            "marking",
            sa.Enum("official", "official_sensitive", name="marking", native_enum=False, length=40),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "planned",
                "agenda_published",
                "held",
                "minutes_draft",
                "circulated",
                "approved",
                name="meetingstatus",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("outcomes", sa.Text(), nullable=False),
        sa.Column("staff_notes", sa.Text(), nullable=False),
        sa.Column("circulated_at", sa.DateTime(), nullable=True),
        sa.Column("approved_at", sa.DateTime(), nullable=True),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("reopen_reason", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["approved_by_id"], ["users.id"], name=op.f("fk_meetings_approved_by_id_users")),
        sa.ForeignKeyConstraint(
            ["series_id"], ["meeting_series.id"], name=op.f("fk_meetings_series_id_meeting_series")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meetings")),
    )
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.create_index("ix_meetings_kind_starts", ["kind", "starts_at", "id"], unique=False)
        batch_op.create_index("ix_meetings_circulated", ["circulated_at", "id"], unique=False)
        batch_op.create_index("ix_meetings_series_starts", ["series_id", "starts_at", "id"], unique=False)
        batch_op.create_index("ix_meetings_starts", ["starts_at", "id"], unique=False)
        batch_op.create_index("ix_meetings_status_starts", ["status", "starts_at", "id"], unique=False)

    op.create_table(
        "series_members",
        sa.Column("series_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], name=op.f("fk_series_members_organisation_id_organisations")
        ),
        sa.ForeignKeyConstraint(
            ["series_id"],
            ["meeting_series.id"],
            name=op.f("fk_series_members_series_id_meeting_series"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("series_id", "organisation_id", name=op.f("pk_series_members")),
    )
    with op.batch_alter_table("series_members", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_series_members_organisation_id"), ["organisation_id"], unique=False)

    op.create_table(
        "agenda_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("presenter_id", sa.Integer(), nullable=True),
        sa.Column("discussion", sa.Text(), nullable=False),
        sa.Column("decisions", sa.Text(), nullable=False),
        sa.Column(
            "marking",
            sa.Enum("official", "official_sensitive", name="marking", native_enum=False, length=40),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name=op.f("fk_agenda_items_meeting_id_meetings"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["presenter_id"], ["contacts.id"], name=op.f("fk_agenda_items_presenter_id_contacts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agenda_items")),
    )
    with op.batch_alter_table("agenda_items", schema=None) as batch_op:
        batch_op.create_index("ix_agenda_items_meeting", ["meeting_id", "position"], unique=False)

    op.create_table(
        "attendances",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum("present", "apologies", "absent", name="attendancestatus", native_enum=False, length=40),
            nullable=False,
        ),
        sa.Column(
            "role",
            sa.Enum(
                "chair",
                "member",
                "secretariat",
                "presenter",
                "guest",
                name="attendancerole",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(["contact_id"], ["contacts.id"], name=op.f("fk_attendances_contact_id_contacts")),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name=op.f("fk_attendances_meeting_id_meetings"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], name=op.f("fk_attendances_organisation_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attendances")),
        sa.UniqueConstraint("meeting_id", "contact_id", name="uq_attendances_meeting_contact"),
    )
    with op.batch_alter_table("attendances", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_attendances_contact_id"), ["contact_id"], unique=False)
        batch_op.create_index("ix_attendances_meeting", ["meeting_id", "id"], unique=False)
        batch_op.create_index("ix_attendances_organisation_meeting", ["organisation_id", "meeting_id"], unique=False)
        batch_op.create_index(
            "uq_attendances_meeting_whole_organisation",
            ["meeting_id", "organisation_id"],
            unique=True,
            sqlite_where=sa.text("contact_id IS NULL"),
            postgresql_where=sa.text("contact_id IS NULL"),
        )

    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("quote", sa.Text(), nullable=False),
        sa.Column("attribution", sa.String(length=200), nullable=False),
        sa.Column("may_publish", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name=op.f("fk_feedback_meeting_id_meetings"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback")),
    )
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_feedback_meeting_id"), ["meeting_id"], unique=False)

    op.create_table(
        "meeting_organisations",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_meeting_organisations_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_meeting_organisations_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("meeting_id", "organisation_id", name=op.f("pk_meeting_organisations")),
    )
    with op.batch_alter_table("meeting_organisations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meeting_organisations_organisation_id"), ["organisation_id"], unique=False)

    op.create_table(
        "actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column(
            "status",
            sa.Enum("open", "in_progress", "completed", "cancelled", name="actionstatus", native_enum=False, length=40),
            nullable=False,
        ),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("agenda_item_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agenda_item_id"], ["agenda_items.id"], name=op.f("fk_actions_agenda_item_id_agenda_items")
        ),
        sa.ForeignKeyConstraint(["lead_id"], ["contacts.id"], name=op.f("fk_actions_lead_id_contacts")),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"], name=op.f("fk_actions_meeting_id_meetings")),
        sa.ForeignKeyConstraint(["owner_id"], ["organisations.id"], name=op.f("fk_actions_owner_id_organisations")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_actions")),
        sa.UniqueConstraint("reference", name=op.f("uq_actions_reference")),
    )
    with op.batch_alter_table("actions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_actions_agenda_item_id"), ["agenda_item_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_actions_lead_id"), ["lead_id"], unique=False)
        batch_op.create_index("ix_actions_meeting", ["meeting_id", "id"], unique=False)
        batch_op.create_index("ix_actions_owner_status_due", ["owner_id", "status", "due_on", "id"], unique=False)
        batch_op.create_index("ix_actions_status_due", ["status", "due_on", "id"], unique=False)

    op.create_table(
        "attendance_items",
        sa.Column("attendance_id", sa.Integer(), nullable=False),
        sa.Column("agenda_item_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agenda_item_id"],
            ["agenda_items.id"],
            name=op.f("fk_attendance_items_agenda_item_id_agenda_items"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["attendance_id"],
            ["attendances.id"],
            name=op.f("fk_attendance_items_attendance_id_attendances"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("attendance_id", "agenda_item_id", name=op.f("pk_attendance_items")),
    )
    with op.batch_alter_table("attendance_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_attendance_items_agenda_item_id"), ["agenda_item_id"], unique=False)

    op.create_table(
        "item_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column(
            "marking",
            sa.Enum("official", "official_sensitive", name="marking", native_enum=False, length=40),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"], ["agenda_items.id"], name=op.f("fk_item_notes_item_id_agenda_items"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_item_notes")),
    )
    with op.batch_alter_table("item_notes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_item_notes_item_id"), ["item_id"], unique=False)

    op.create_table(
        "action_updates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("open", "in_progress", "completed", "cancelled", name="actionstatus", native_enum=False, length=40),
            nullable=True,
        ),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"], ["actions.id"], name=op.f("fk_action_updates_action_id_actions"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_action_updates_author_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"], name=op.f("fk_action_updates_meeting_id_meetings")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_updates")),
    )
    with op.batch_alter_table("action_updates", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_action_updates_action_id"), ["action_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_action_updates_meeting_id"), ["meeting_id"], unique=False)

    folded = 'lower({}) COLLATE "C"' if op.get_bind().dialect.name == "postgresql" else "{} COLLATE NOCASE"
    op.create_index("uq_meeting_series_name_lower", "meeting_series", [sa.text("lower(name)")], unique=True)
    op.create_index(
        "ix_meeting_series_name_active",
        "meeting_series",
        [sa.text(folded.format("name")), "id"],
        sqlite_where=sa.text("archived_at IS NULL"),
        postgresql_where=sa.text("archived_at IS NULL"),
    )
    op.create_index("ix_meetings_title", "meetings", [sa.text(folded.format("title")), "id"])

    # Substring search on meeting titles, as migration 0003 does for organisations and contacts.
    if op.get_bind().dialect.name == "postgresql":
        op.create_index(
            "ix_meetings_title_trgm",
            "meetings",
            ["title"],
            postgresql_using="gin",
            postgresql_ops={"title": "gin_trgm_ops"},
            postgresql_with={"fastupdate": "off"},
        )
    else:
        for statement in fts5_statements("meetings", ["title"]):
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_meetings_title_trgm", table_name="meetings")
    else:
        for statement in fts5_drop_statements("meetings"):
            op.execute(statement)
    op.drop_index("ix_meetings_title", table_name="meetings")
    op.drop_index("ix_meeting_series_name_active", table_name="meeting_series")
    op.drop_index("uq_meeting_series_name_lower", table_name="meeting_series")
    with op.batch_alter_table("action_updates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_action_updates_meeting_id"))
        batch_op.drop_index(batch_op.f("ix_action_updates_action_id"))

    op.drop_table("action_updates")
    with op.batch_alter_table("item_notes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_item_notes_item_id"))

    op.drop_table("item_notes")
    with op.batch_alter_table("attendance_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attendance_items_agenda_item_id"))

    op.drop_table("attendance_items")
    with op.batch_alter_table("actions", schema=None) as batch_op:
        batch_op.drop_index("ix_actions_status_due")
        batch_op.drop_index("ix_actions_owner_status_due")
        batch_op.drop_index("ix_actions_meeting")
        batch_op.drop_index(batch_op.f("ix_actions_lead_id"))
        batch_op.drop_index(batch_op.f("ix_actions_agenda_item_id"))

    op.drop_table("actions")
    with op.batch_alter_table("meeting_organisations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_organisations_organisation_id"))

    op.drop_table("meeting_organisations")
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feedback_meeting_id"))

    op.drop_table("feedback")
    with op.batch_alter_table("attendances", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_attendances_meeting_whole_organisation",
            sqlite_where=sa.text("contact_id IS NULL"),
            postgresql_where=sa.text("contact_id IS NULL"),
        )
        batch_op.drop_index("ix_attendances_organisation_meeting")
        batch_op.drop_index("ix_attendances_meeting")
        batch_op.drop_index(batch_op.f("ix_attendances_contact_id"))

    op.drop_table("attendances")
    with op.batch_alter_table("agenda_items", schema=None) as batch_op:
        batch_op.drop_index("ix_agenda_items_meeting")

    op.drop_table("agenda_items")
    with op.batch_alter_table("series_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_series_members_organisation_id"))

    op.drop_table("series_members")
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_index("ix_meetings_status_starts")
        batch_op.drop_index("ix_meetings_starts")
        batch_op.drop_index("ix_meetings_series_starts")
        batch_op.drop_index("ix_meetings_kind_starts")
        batch_op.drop_index("ix_meetings_circulated")

    op.drop_table("meetings")
    with op.batch_alter_table("meeting_series", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_series_chair_id"))

    op.drop_table("meeting_series")
    op.drop_table("reference_counters")
