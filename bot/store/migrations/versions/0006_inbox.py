"""The Slack inbox: each request that asks for work, written before it is acknowledged.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create slack_inbox with its unique key and the sweeper's index."""
    op.create_table(
        "slack_inbox",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("key", sa.String(100), nullable=False),
        sa.Column("workspace_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("content_type", sa.String(100), nullable=False),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("lease_token", sa.String(32), nullable=True),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reply", sa.JSON(), nullable=True),
        sa.Column("ack_body", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_slack_inbox"),
        sa.UniqueConstraint("key", name="uq_slack_inbox_key"),
    )
    op.create_index("ix_slack_inbox_received_at", "slack_inbox", ["received_at"])
    op.create_index("ix_slack_inbox_status_lease", "slack_inbox", ["status", "lease_until"])


def downgrade() -> None:
    """Drop it (requests still in it are not replayed)."""
    op.drop_index("ix_slack_inbox_status_lease", table_name="slack_inbox")
    op.drop_index("ix_slack_inbox_received_at", table_name="slack_inbox")
    op.drop_table("slack_inbox")
