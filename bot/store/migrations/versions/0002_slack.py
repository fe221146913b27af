"""Slack front tables: processed Events API deliveries and each user's last reply.

Revision ID: 0002_slack
Revises: 0001_core
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# Registers the Slack tables on the store's Base.metadata in every process that migrates,
# so the models-versus-migrations check (and autogenerate) see them; the schema below is
# written out in full, as migrations must not change when the models do.
import bot.slack.models  # noqa: F401

revision = "0002_slack"
down_revision = "0001_core"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create slack_events and slack_last_replies."""
    op.create_table(
        "slack_events",
        sa.Column("event_id", sa.String(64), nullable=False),
        sa.Column("workspace_id", sa.String(64), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("event_id", name="pk_slack_events"),
    )
    op.create_index("ix_slack_events_received_at", "slack_events", ["received_at"])
    op.create_table(
        "slack_last_replies",
        sa.Column("workspace_id", sa.String(64), nullable=False),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("command", sa.String(40), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("blocks", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("workspace_id", "user_id", name="pk_slack_last_replies"),
    )


def downgrade() -> None:
    """Drop the Slack tables."""
    op.drop_table("slack_last_replies")
    op.drop_index("ix_slack_events_received_at", table_name="slack_events")
    op.drop_table("slack_events")
