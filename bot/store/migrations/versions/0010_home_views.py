"""The digest of the Home tab view last published to each Slack user.

The App Home is published only when what it shows changed; the digest is kept in the
store, so every worker process compares against what Slack really shows.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ``slack_home_views``."""
    op.create_table(
        "slack_home_views",
        sa.Column("workspace_id", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.String(64), primary_key=True),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    """Drop ``slack_home_views``."""
    op.drop_table("slack_home_views")
