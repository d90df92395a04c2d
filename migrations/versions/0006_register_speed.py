"""Indexes for the dashboards' actions

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 03:30:00

The RAG counts and "overdue by organisation" read an index alone (status or
owner, the due date as the register sorts it, the last update, the owner,
and due_on itself, without which PostgreSQL will not read the expression
from the index); a partner's "recently updated" reads its own organisation's
actions by last change; "answered in the last 30 days" reads the requests by
when they were decided. The due date sorts as coalesce(due_on, '9999-12-31'),
written here by hand as in 0005: autogenerate cannot compare expression
indexes.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

DUE_KEY = "coalesce(due_on, '9999-12-31')"


def upgrade():
    op.create_index("ix_actions_rag", "actions", ["status", sa.text(DUE_KEY), "last_update_at", "owner_id", "due_on"])
    op.create_index(
        "ix_actions_owner_rag", "actions", ["owner_id", "status", sa.text(DUE_KEY), "last_update_at", "due_on"]
    )
    with op.batch_alter_table("actions", schema=None) as batch_op:
        batch_op.create_index("ix_actions_owner_updated", ["owner_id", "updated_at", "id"])
    with op.batch_alter_table("action_requests", schema=None) as batch_op:
        batch_op.create_index("ix_action_requests_decided", ["decided_at", "id"])


def downgrade():
    with op.batch_alter_table("action_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_action_requests_decided")
    with op.batch_alter_table("actions", schema=None) as batch_op:
        batch_op.drop_index("ix_actions_owner_updated")
    op.drop_index("ix_actions_owner_rag", table_name="actions")
    op.drop_index("ix_actions_rag", table_name="actions")
