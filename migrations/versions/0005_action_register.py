"""The action register, partner requests, calendar feeds and the outbox

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04 02:20:00

Actions gain a priority, a staff lead, staff notes and the time of their
last update (for the RAG rating), with an index per sort of the register;
partners' completion and new-date requests; a user's own contact record and
calendar feed token; the outbox that every email goes through. The due date
sorts as coalesce(due_on, '9999-12-31') (undated last on both databases) and
titles as crm.database.folded, written here by hand: autogenerate cannot
compare expression indexes.
"""

import warnings
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

from crm.search import fts5_drop_statements, fts5_statements

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

DUE_KEY = "coalesce(due_on, '9999-12-31')"
OUTSTANDING = "status IN ('open', 'in_progress')"


@contextmanager
def altering(table: str):
    """Batch mode on an existing table. On SQLite it copies the table, reflecting
    the tables it refers to on the way, whose expression indexes SQLite cannot
    reflect and warns of; those tables are not copied, so nothing is lost."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based index")
        with op.batch_alter_table(table, schema=None) as batch_op:
            yield batch_op


def upgrade():
    postgresql = op.get_bind().dialect.name == "postgresql"
    with altering("actions") as batch_op:
        batch_op.add_column(
            sa.Column(
                "priority",
                sa.Enum("high", "medium", "low", name="actionpriority", native_enum=False, length=40),
                server_default="medium",
                nullable=False,
            )
        )
        batch_op.add_column(sa.Column("staff_lead_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("staff_notes", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(sa.Column("last_update_at", sa.DateTime(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_actions_staff_lead_id_users"), "users", ["staff_lead_id"], ["id"])
    op.execute("UPDATE actions SET last_update_at = updated_at")
    with altering("actions") as batch_op:
        batch_op.alter_column("last_update_at", existing_type=sa.DateTime(), nullable=False)

    folded = 'lower({}) COLLATE "C"' if postgresql else "{} COLLATE NOCASE"
    op.create_index("ix_actions_due", "actions", [sa.text(DUE_KEY), "id"])
    op.create_index(
        "ix_actions_outstanding_due",
        "actions",
        [sa.text(DUE_KEY), "id"],
        sqlite_where=sa.text(OUTSTANDING),
        postgresql_where=sa.text(OUTSTANDING),
    )
    op.create_index(
        "ix_actions_outstanding_stale",
        "actions",
        ["last_update_at", "id"],
        sqlite_where=sa.text(OUTSTANDING),
        postgresql_where=sa.text(OUTSTANDING),
    )
    op.create_index("ix_actions_owner_due", "actions", ["owner_id", sa.text(DUE_KEY), "id"])
    op.create_index("ix_actions_staff_lead_due", "actions", ["staff_lead_id", sa.text(DUE_KEY), "id"])
    op.create_index("ix_actions_reference", "actions", ["reference", "id"])
    op.create_index("ix_actions_title", "actions", [sa.text(folded.format("title")), "id"])
    op.create_index("ix_actions_updated", "actions", ["updated_at", "id"])
    if postgresql:
        for column in ("title", "reference"):
            op.create_index(
                f"ix_actions_{column}_trgm",
                "actions",
                [column],
                postgresql_using="gin",
                postgresql_ops={column: "gin_trgm_ops"},
                postgresql_with={"fastupdate": "off"},
            )
    else:
        for statement in fts5_statements("actions", ["title", "reference"]):
            op.execute(statement)

    op.create_table(
        "action_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind", sa.Enum("completion", "new_date", name="requestkind", native_enum=False, length=40), nullable=False
        ),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("proposed_due_on", sa.Date(), nullable=True),
        sa.Column(
            "status",
            sa.Enum("pending", "approved", "declined", name="requeststatus", native_enum=False, length=40),
            nullable=False,
        ),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"], ["actions.id"], name=op.f("fk_action_requests_action_id_actions"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_action_requests_decided_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["users.id"],
            name=op.f("fk_action_requests_requested_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_requests")),
    )
    op.create_index("ix_action_requests_action", "action_requests", ["action_id", "id"])
    op.create_index(
        "ix_action_requests_pending",
        "action_requests",
        ["created_at", "id"],
        sqlite_where=sa.text("status = 'pending'"),
        postgresql_where=sa.text("status = 'pending'"),
    )

    with altering("users") as batch_op:
        batch_op.add_column(sa.Column("contact_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("calendar_nonce", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("calendar_token_hash", sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f("ix_users_contact_id"), ["contact_id"], unique=False)
        batch_op.create_unique_constraint(batch_op.f("uq_users_calendar_token_hash"), ["calendar_token_hash"])
        batch_op.create_foreign_key(batch_op.f("fk_users_contact_id_contacts"), "contacts", ["contact_id"], ["id"])

    op.create_table(
        "outbox_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=400), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("recipient", sa.String(length=254), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("record_type", sa.String(length=50), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=True),
        sa.Column("day", sa.Date(), nullable=True),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body_text", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("claimed_at", sa.DateTime(), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("last_error", sa.Text(), server_default="", nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_outbox_messages_user_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_messages")),
        sa.UniqueConstraint("key", name=op.f("uq_outbox_messages_key")),
    )
    op.create_index(op.f("ix_outbox_messages_user_id"), "outbox_messages", ["user_id"])
    op.create_index(
        "ix_outbox_unsent",
        "outbox_messages",
        ["id"],
        sqlite_where=sa.text("sent_at IS NULL"),
        postgresql_where=sa.text("sent_at IS NULL"),
    )


def downgrade():
    op.drop_index("ix_outbox_unsent", table_name="outbox_messages")
    op.drop_index(op.f("ix_outbox_messages_user_id"), table_name="outbox_messages")
    op.drop_table("outbox_messages")
    with altering("users") as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_users_contact_id_contacts"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("uq_users_calendar_token_hash"), type_="unique")
        batch_op.drop_index(batch_op.f("ix_users_contact_id"))
        batch_op.drop_column("calendar_token_hash")
        batch_op.drop_column("calendar_nonce")
        batch_op.drop_column("contact_id")
    op.drop_index("ix_action_requests_pending", table_name="action_requests")
    op.drop_index("ix_action_requests_action", table_name="action_requests")
    op.drop_table("action_requests")
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_actions_title_trgm", table_name="actions")
        op.drop_index("ix_actions_reference_trgm", table_name="actions")
    else:
        for statement in fts5_drop_statements("actions"):
            op.execute(statement)
    for name in (
        "ix_actions_updated",
        "ix_actions_title",
        "ix_actions_reference",
        "ix_actions_staff_lead_due",
        "ix_actions_owner_due",
        "ix_actions_outstanding_stale",
        "ix_actions_outstanding_due",
        "ix_actions_due",
    ):
        op.drop_index(name, table_name="actions")
    with altering("actions") as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_actions_staff_lead_id_users"), type_="foreignkey")
        batch_op.drop_column("last_update_at")
        batch_op.drop_column("staff_notes")
        batch_op.drop_column("staff_lead_id")
        batch_op.drop_column("priority")
