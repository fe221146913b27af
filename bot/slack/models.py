"""Tables the Slack front adds to the store, on the store's declarative ``Base``.

* ``slack_events``: Events API deliveries already acted on. Slack retries a delivery it
  thinks failed with the same ``event_id``; the id is recorded in the same transaction as
  the command it triggered, so a retry finds it and does nothing.
* ``slack_last_replies``: each user's last reply as rendered, for ``/deal share``. It
  lives in the database, not in memory, so ``share`` works whichever app replica the
  command lands on and survives restarts.

The schema is created by ``bot/store/migrations/versions/0002_slack.py``; importing this
module registers the tables on ``Base.metadata`` (the migration imports it for that).
This module must not import slack_sdk or slack_bolt: the migrations load it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, String, Text
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
