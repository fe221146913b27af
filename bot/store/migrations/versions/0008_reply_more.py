"""Whole replies kept for Slack's "More" button.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ``slack_reply_more``."""
    op.create_table(
        "slack_reply_more",
        sa.Column("key", sa.String(32), primary_key=True),
        sa.Column("workspace_id", sa.String(64), nullable=False),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("blocks", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_slack_reply_more_created_at", "slack_reply_more", ["created_at"])


def downgrade() -> None:
    """Drop ``slack_reply_more``."""
    op.drop_index("ix_slack_reply_more_created_at", table_name="slack_reply_more")
    op.drop_table("slack_reply_more")
