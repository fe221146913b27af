"""Who has had Slack's welcome DM, so it goes out once per user.

Everyone the store already knows counts as welcomed: they have used dealcoach before,
and a welcome now would only be noise.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ``slack_welcomed`` and mark every known user as welcomed."""
    op.create_table(
        "slack_welcomed",
        sa.Column("workspace_id", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.String(64), primary_key=True),
        sa.Column("welcomed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.execute(
        sa.text(
            "INSERT INTO slack_welcomed (workspace_id, user_id, welcomed_at) "
            "SELECT workspace_id, user_id, created_at FROM users"
        )
    )


def downgrade() -> None:
    """Drop ``slack_welcomed``."""
    op.drop_table("slack_welcomed")
