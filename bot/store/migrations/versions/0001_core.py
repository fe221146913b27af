"""Core tables: users, deals, moves.

Revision ID: 0001_core
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_core"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the users, deals and moves tables."""
    op.create_table(
        "deals",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("workspace_id", sa.String(64), nullable=False),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("name_key", sa.String(120), nullable=False),
        sa.Column("context", sa.String(20), nullable=False),
        sa.Column("phase", sa.String(20), nullable=False),
        sa.Column("facts", sa.JSON(), nullable=False),
        sa.Column("moves_count", sa.Integer(), nullable=False),
        sa.Column("unpaired_gives", sa.Integer(), nullable=False),
        sa.Column("one_way_streak", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_move_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_deals"),
        sa.UniqueConstraint("workspace_id", "user_id", "name_key", name="uq_deals_owner_name"),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("workspace_id", sa.String(64), nullable=False),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("active_deal_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("workspace_id", "user_id", name="uq_users_workspace_user"),
        sa.ForeignKeyConstraint(
            ["active_deal_id"],
            ["deals.id"],
            ondelete="SET NULL",
            name="fk_users_active_deal_id_deals",
        ),
    )
    op.create_table(
        "moves",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("deal_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("item", sa.Text(), nullable=False),
        sa.Column("give", sa.Text(), nullable=False),
        sa.Column("get", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("give_us", sa.Integer(), nullable=True),
        sa.Column("give_them", sa.Integer(), nullable=True),
        sa.Column("get_us", sa.Integer(), nullable=True),
        sa.Column("get_them", sa.Integer(), nullable=True),
        sa.Column("trigger", sa.Text(), nullable=False),
        sa.Column("paired", sa.Boolean(), nullable=False),
        sa.Column("amount", sa.Numeric(18, 2), nullable=True),
        sa.Column("currency", sa.String(3), nullable=True),
        sa.Column("warnings", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_moves"),
        sa.ForeignKeyConstraint(
            ["deal_id"], ["deals.id"], ondelete="CASCADE", name="fk_moves_deal_id_deals"
        ),
        sa.UniqueConstraint("deal_id", "seq", name="uq_moves_deal_seq"),
    )
    op.create_index("ix_moves_deal_kind_paired_seq", "moves", ["deal_id", "kind", "paired", "seq"])


def downgrade() -> None:
    """Drop the core tables."""
    op.drop_index("ix_moves_deal_kind_paired_seq", table_name="moves")
    op.drop_table("moves")
    op.drop_table("users")
    op.drop_table("deals")
