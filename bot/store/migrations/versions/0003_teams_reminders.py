"""Teams, policies, nudges, daily reminders and the delivery outbox; users get a time zone.

Revision ID: 0003_teams_reminders
Revises: 0002_slack
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_teams_reminders"
down_revision = "0002_slack"
branch_labels = None
depends_on = None

_WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create the team, reminder and delivery tables; add the users' time zone."""
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("tz", sa.String(64), nullable=True))
        batch.add_column(sa.Column("tz_checked_at", _WHEN, nullable=True))
    op.create_table(
        "reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.String(64), nullable=False),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("at_minutes", sa.Integer(), nullable=False),
        sa.Column("days", sa.String(10), nullable=False),
        sa.Column("snoozed_until", sa.Date(), nullable=True),
        sa.Column("next_due_at", _WHEN, nullable=False),
        sa.Column("lease_until", _WHEN, nullable=True),
        sa.Column("updated_at", _WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_reminders"),
        sa.UniqueConstraint("workspace_id", "user_id", name="uq_reminders_workspace_user"),
    )
    op.create_index("ix_reminders_next_due_at", "reminders", ["next_due_at"])
    op.create_table(
        "team_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.String(64), nullable=False),
        sa.Column("manager_id", sa.String(64), nullable=False),
        sa.Column("member_id", sa.String(64), nullable=False),
        sa.Column("added_by", sa.String(64), nullable=False),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_team_members"),
        sa.UniqueConstraint("workspace_id", "member_id", name="uq_team_members_workspace_member"),
    )
    op.create_index("ix_team_members_manager", "team_members", ["workspace_id", "manager_id"])
    op.create_table(
        "team_policies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.String(64), nullable=False),
        sa.Column("manager_id", sa.String(64), nullable=False),
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column("value", sa.Integer(), nullable=True),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_team_policies"),
        sa.UniqueConstraint("workspace_id", "manager_id", "code", name="uq_team_policies_rule"),
    )
    op.create_table(
        "nudges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("deal_id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.String(64), nullable=False),
        sa.Column("manager_id", sa.String(64), nullable=False),
        sa.Column("gap", sa.String(40), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["deal_id"], ["deals.id"], ondelete="CASCADE", name="fk_nudges_deal_id_deals"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_nudges"),
        sa.UniqueConstraint("deal_id", "day", name="uq_nudges_deal_day"),
    )
    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.String(64), nullable=False),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("dedupe_key", sa.String(80), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("due_at", _WHEN, nullable=False),
        sa.Column("expires_at", _WHEN, nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("lease_until", _WHEN, nullable=True),
        sa.Column("channel", sa.String(64), nullable=True),
        sa.Column("ts", sa.String(32), nullable=True),
        sa.Column("error", sa.String(200), nullable=True),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.Column("sent_at", _WHEN, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_deliveries"),
        sa.UniqueConstraint(
            "workspace_id", "user_id", "kind", "dedupe_key", name="uq_deliveries_once"
        ),
    )
    op.create_index("ix_deliveries_status_due", "deliveries", ["status", "due_at"])


def downgrade() -> None:
    """Drop them again."""
    op.drop_index("ix_deliveries_status_due", table_name="deliveries")
    op.drop_table("deliveries")
    op.drop_table("nudges")
    op.drop_table("team_policies")
    op.drop_index("ix_team_members_manager", table_name="team_members")
    op.drop_table("team_members")
    op.drop_index("ix_reminders_next_due_at", table_name="reminders")
    op.drop_table("reminders")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("tz_checked_at")
        batch.drop_column("tz")
