"""Pending team invites: a manager's `team add` waits for the rep's consent.

Revision ID: 0004
Revises: 0003_teams_reminders
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003_teams_reminders"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the team_invites table (one pending invite per manager and rep)."""
    op.create_table(
        "team_invites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.String(64), nullable=False),
        sa.Column("manager_id", sa.String(64), nullable=False),
        sa.Column("member_id", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_team_invites"),
        sa.UniqueConstraint(
            "workspace_id",
            "member_id",
            "manager_id",
            name="uq_team_invites_workspace_member_manager",
        ),
    )


def downgrade() -> None:
    """Drop it again."""
    op.drop_table("team_invites")
