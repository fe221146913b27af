"""Tables the Slack front adds to the store, on the store's declarative ``Base``.

* ``slack_events``: Events API deliveries already acted on. Slack retries a delivery it
  thinks failed with the same ``event_id``; the id is recorded in the same transaction as
  the command it triggered, so a retry finds it and does nothing.
* ``slack_inbox``: every Slack request that asks for work (a DM, a slash command, a
  button, a form, a shortcut), written in one short transaction before it is
  acknowledged and keyed so a repeat finds it (:mod:`bot.slack.inbox`). The turn it
  causes moves its row to ``committed`` in the turn's own transaction; a row whose
  worker died is taken over when its lease runs out. Its SQL is :mod:`bot.store.inbox_rows`.
* ``slack_last_replies``: each user's last reply as rendered, for ``/deal share``. It
  lives in the database, not in memory, so ``share`` works whichever app replica the
  command lands on and survives restarts.
* ``slack_welcomed``: who has had the welcome (the onboarding DM), so it goes out once
  per user whichever replica sees their first visit (:mod:`bot.slack.onboarding`).
* ``slack_installations``, ``slack_bots``, ``slack_oauth_states``: the tables of
  slack_sdk's SQLAlchemy installation and OAuth state stores (multi-workspace installs).
  They are declared here column for column as slack_sdk builds them, so our migrations
  create them and the models-versus-migrations check covers them; a test compares these
  declarations with slack_sdk's own, so an upgrade that changes them is caught. (Importing
  slack_sdk's store module here would pull in SQLAlchemy's asyncio extension, which needs
  greenlet, into every migration.)

The schema is created by ``bot/store/migrations/versions/0002_slack.py``; Alembic's
``env.py`` imports this module beside :mod:`bot.store.models`, so autogenerate sees every
table. This module must not import slack_sdk or slack_bolt: the migrations load it.
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


# Inbox row states: received and not yet acted on; the turn committed (its reply may not
# have gone out yet); finished; given up on after MAX_INBOX_ATTEMPTS.
PENDING, COMMITTED, DONE, FAILED = "pending", "committed", "done", "failed"
MAX_INBOX_ATTEMPTS = 5
KEY_LENGTH = 80


class SlackInboxRow(Base):
    """A Slack request that asks for work, from before its ack until it is finished."""

    __tablename__ = "slack_inbox"
    __table_args__ = (Index("ix_slack_inbox_status_lease", "status", "lease_until"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # ev:<event_id>, cmd:<trigger_id>, or act:/view:/sc: and a hash of the stable payload.
    key: Mapped[str] = mapped_column(String(100), unique=True)
    workspace_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    content_type: Mapped[str] = mapped_column(String(100))
    # The raw request body; cleared once the row is done (it holds the user's text).
    body: Mapped[str | None] = mapped_column(Text, nullable=True)
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer)
    lease_token: Mapped[str | None] = mapped_column(String(32), nullable=True)
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # The turn's rendered reply ({"text", "blocks"}), kept until it is known to be posted.
    reply: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    # The acknowledgement body (a form's errors or result view), answered to a repeat.
    ack_body: Mapped[str | None] = mapped_column(Text, nullable=True)


class SlackLastReplyRow(Base):
    """A user's last reply as Block Kit, so ``share`` can post it to a channel."""

    __tablename__ = "slack_last_replies"

    workspace_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    command: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)
    blocks: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SlackReplyMoreRow(Base):
    """A whole reply, shown when its user presses "More" under the first screen."""

    __tablename__ = "slack_reply_more"

    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    blocks: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class SlackWelcomedRow(Base):
    """A user who has had the welcome DM; the row is written before it is sent."""

    __tablename__ = "slack_welcomed"

    workspace_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    welcomed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SlackHomeViewRow(Base):
    """A digest of the Home tab view last published to a user, so an unchanged one is not sent."""

    __tablename__ = "slack_home_views"

    workspace_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    digest: Mapped[str] = mapped_column(String(64))
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


# -- slack_sdk's OAuth stores (SQLAlchemyInstallationStore, SQLAlchemyOAuthStateStore) --------
INSTALLATIONS_TABLE = "slack_installations"
BOTS_TABLE = "slack_bots"
OAUTH_STATES_TABLE = "slack_oauth_states"
# The token columns are wider than slack_sdk's 200: a rotating token (about 160 characters)
# encrypted with DEALCOACH_SECRET_KEY (bot/slack/token_crypto.py) takes about 320.
TOKEN_LENGTH = 1000

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
    Column("bot_token", String(TOKEN_LENGTH)),
    Column("bot_id", String(32)),
    Column("bot_user_id", String(32)),
    Column("bot_scopes", String(1000)),
    Column("bot_refresh_token", String(TOKEN_LENGTH)),
    Column("bot_token_expires_at", DateTime),
    Column("user_id", String(32), nullable=False),
    Column("user_token", String(TOKEN_LENGTH)),
    Column("user_scopes", String(1000)),
    Column("user_refresh_token", String(TOKEN_LENGTH)),
    Column("user_token_expires_at", DateTime),
    Column("incoming_webhook_url", String(200)),
    Column("incoming_webhook_channel", String(200)),
    Column("incoming_webhook_channel_id", String(200)),
    Column("incoming_webhook_configuration_url", String(200)),
    Column("is_enterprise_install", Boolean, default=False, nullable=False),
    Column("token_type", String(32)),
    Column("installed_at", DateTime, nullable=False, default=func.now()),
    Index(
        f"{INSTALLATIONS_TABLE}_idx",
        "client_id",
        "enterprise_id",
        "team_id",
        "user_id",
        "installed_at",
    ),
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
    Column("bot_token", String(TOKEN_LENGTH)),
    Column("bot_id", String(32)),
    Column("bot_user_id", String(32)),
    Column("bot_scopes", String(1000)),
    Column("bot_refresh_token", String(TOKEN_LENGTH)),
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
