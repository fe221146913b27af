"""Wider Slack token columns, so tokens encrypted with DEALCOACH_SECRET_KEY fit.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

TOKEN_COLUMNS = {
    "slack_installations": ("bot_token", "bot_refresh_token", "user_token", "user_refresh_token"),
    "slack_bots": ("bot_token", "bot_refresh_token"),
}


def upgrade() -> None:
    """Widen the token columns from 200 to 1,000 characters."""
    for table, columns in TOKEN_COLUMNS.items():
        with op.batch_alter_table(table) as batch:
            for column in columns:
                batch.alter_column(
                    column,
                    existing_type=sa.String(200),
                    type_=sa.String(1000),
                    existing_nullable=True,
                )


def downgrade() -> None:
    """Narrow them back (encrypted tokens must be decrypted first)."""
    for table, columns in TOKEN_COLUMNS.items():
        with op.batch_alter_table(table) as batch:
            for column in columns:
                batch.alter_column(
                    column,
                    existing_type=sa.String(1000),
                    type_=sa.String(200),
                    existing_nullable=True,
                )
