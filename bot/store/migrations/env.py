"""Alembic environment: runs migrations on the connection dealcoach hands in, or on the URL."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from bot.store import slack_tables  # noqa: F401 - the Slack front's tables join Base
from bot.store.models import Base

config = context.config
# The migrations are written by hand, so the metadata only serves `alembic revision
# --autogenerate`, with the Slack front's tables (bot/store/slack_tables.py).
# tests/bot/store/test_store.py checks both against the migrations.
target_metadata = Base.metadata


def run() -> None:
    """Run the migrations online (dealcoach never generates offline SQL scripts)."""
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.begin() as conn:
        context.configure(
            connection=conn,
            target_metadata=target_metadata,
            render_as_batch=conn.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()


run()
