"""The undo journal: one row per change to a deal, with what the change replaced.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the journal_entries table and its per-deal index."""
    op.create_table(
        "journal_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("deal_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("state", sa.JSON(), nullable=False),
        sa.Column("added_moves", sa.JSON(), nullable=False),
        sa.Column("moves_before", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["deal_id"], ["deals.id"], ondelete="CASCADE", name="fk_journal_entries_deal_id_deals"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_journal_entries"),
    )
    op.create_index("ix_journal_entries_deal_id", "journal_entries", ["deal_id", "id"])


def downgrade() -> None:
    """Drop it again (pending undos are lost; the deals are untouched)."""
    op.drop_index("ix_journal_entries_deal_id", table_name="journal_entries")
    op.drop_table("journal_entries")
