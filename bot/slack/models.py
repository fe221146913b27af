"""Tables the Slack front adds to the store, on the store's declarative ``Base``.

* ``slack_events``: Events API deliveries already acted on. Slack retries a delivery it
  thinks failed with the same ``event_id``; the id is recorded in the same transaction as
  the command it triggered, so a retry finds it and does nothing.
* ``slack_last_replies``: each user's last reply as rendered, for ``/deal share``. It
  lives in the database, not in memory, so ``share`` works whichever app replica the
  command lands on and survives restarts.
* ``slack_installations``, ``slack_bots``, ``slack_oauth_states``: the tables of
  slack_sdk's SQLAlchemy installation and OAuth state stores (multi-workspace installs).
  They are declared here column for column as slack_sdk builds them, so our migrations
  create them and the models-versus-migrations check covers them; a test compares these
  declarations with slack_sdk's own, so an upgrade that changes them is caught. (Importing
  slack_sdk's store module here would pull in SQLAlchemy's asyncio extension, which needs
  greenlet, into every migration.)

The schema is created by ``bot/store/migrations/versions/0002_slack.py``; importing this
module registers the tables on ``Base.metadata`` (Alembic's ``env.py`` imports it for that).
This module must not import slack_sdk or slack_bolt: the migrations load it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Index,
    Integer,
    String,
    Table,
    Text,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.models import Base


class SlackEventRow(Base):
    """An Events API delivery that has been acted on (kept about a day, then pruned)."""

    __tablename__ = "slack_events"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(String(64))
    # Indexed: pruning deletes by age.
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class SlackLastReplyRow(Base):
    """A user's last reply as Block Kit, so ``share`` can post it to a channel."""

    __tablename__ = "slack_last_replies"

    workspace_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    command: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)
    blocks: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


# -- slack_sdk's OAuth stores (SQLAlchemyInstallationStore, SQLAlchemyOAuthStateStore) --------
INSTALLATIONS_TABLE = "slack_installations"
BOTS_TABLE = "slack_bots"
OAUTH_STATES_TABLE = "slack_oauth_states"

slack_installations = Table(
    INSTALLATIONS_TABLE,
    Base.metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("client_id", String(32), nullable=False),
    Column("app_id", String(32), nullable=False),
    Column("enterprise_id", String(32)),
    Column("enterprise_name", String(200)),
    Column("enterprise_url", String(200)),
    Column("team_id", String(32)),
    Column("team_name", String(200)),
    Column("bot_token", String(200)),
    Column("bot_id", String(32)),
    Column("bot_user_id", String(32)),
    Column("bot_scopes", String(1000)),
    Column("bot_refresh_token", String(200)),
    Column("bot_token_expires_at", DateTime),
    Column("user_id", String(32), nullable=False),
    Column("user_token", String(200)),
    Column("user_scopes", String(1000)),
    Column("user_refresh_token", String(200)),
    Column("user_token_expires_at", DateTime),
    Column("incoming_webhook_url", String(200)),
    Column("incoming_webhook_channel", String(200)),
    Column("incoming_webhook_channel_id", String(200)),
    Column("incoming_webhook_configuration_url", String(200)),
    Column("is_enterprise_install", Boolean, default=False, nullable=False),
    Column("token_type", String(32)),
    Column("installed_at", DateTime, nullable=False, default=func.now()),
    Index(f"{INSTALLATIONS_TABLE}_idx", "client_id", "enterprise_id", "team_id", "user_id",
          "installed_at"),
)

slack_bots = Table(
    BOTS_TABLE,
    Base.metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("client_id", String(32), nullable=False),
    Column("app_id", String(32), nullable=False),
    Column("enterprise_id", String(32)),
    Column("enterprise_name", String(200)),
    Column("team_id", String(32)),
    Column("team_name", String(200)),
    Column("bot_token", String(200)),
    Column("bot_id", String(32)),
    Column("bot_user_id", String(32)),
    Column("bot_scopes", String(1000)),
    Column("bot_refresh_token", String(200)),
    Column("bot_token_expires_at", DateTime),
    Column("is_enterprise_install", Boolean, default=False, nullable=False),
    Column("installed_at", DateTime, nullable=False, default=func.now()),
    Index(f"{BOTS_TABLE}_idx", "client_id", "enterprise_id", "team_id", "installed_at"),
)

slack_oauth_states = Table(
    OAUTH_STATES_TABLE,
    Base.metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("state", String(200), nullable=False),
    Column("expire_at", DateTime, nullable=False),
)
