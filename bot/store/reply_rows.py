"""The Slack front's rows around a reply: event ids acted on, "More" replies, last replies.

The tables are ``slack_events``, ``slack_reply_more`` and ``slack_last_replies``
(:mod:`bot.store.slack_tables`). :class:`bot.slack.coach.SlackCoach` writes them inside
a turn's transaction, so each exists exactly when the turn committed, and decides when
and how far old rows are pruned; the functions here only run the statements. The rows
every reply writes use statements built once per dialect: building them per call cost as
much as running them.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, insert
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import Insert

from bot.store.database import Database
from bot.store.home_views import forget_home_views
from bot.store.insert import insert_or_ignore, upsert
from bot.store.slack_tables import SlackEventRow, SlackLastReplyRow, SlackReplyMoreRow


@dataclass(frozen=True)
class KeptReply:
    """A reply as it was rendered: its notification text and Block Kit blocks."""

    text: str
    blocks: list[dict[str, Any]]


# -- event ids ------------------------------------------------------------------------------
def claim_event(
    session: Session, workspace_id: str, event_id: str, now: datetime, *, on_sqlite: bool
) -> bool:
    """Record an Events API delivery; False when it was recorded before (a retry).

    Args:
        session: the turn's open session (the id exists exactly if the turn commits).
        workspace_id: the Slack team id.
        event_id: the Events API ``event_id``.
        now: the current time.
        on_sqlite: whether the store is SQLite (else PostgreSQL).

    """
    result = session.execute(
        _event_insert(on_sqlite),
        {"event_id": event_id[:64], "workspace_id": workspace_id, "received_at": now},
    )
    return result.first() is not None


def prune_events(session: Session, before: datetime) -> int:
    """Forget event ids received before ``before``; the number deleted.

    Args:
        session: an open session.
        before: ids received earlier than this go (Slack retries within minutes).

    """
    result = session.execute(delete(SlackEventRow).where(SlackEventRow.received_at < before))
    return int(getattr(result, "rowcount", 0) or 0)


# -- the whole reply behind "More" ----------------------------------------------------------
def keep_whole_reply(
    session: Session,
    key: str,
    workspace_id: str,
    user_id: str,
    text: str,
    blocks: list[dict[str, Any]],
    now: datetime,
) -> None:
    """In the turn's transaction: keep a whole reply for its "More" button.

    Args:
        session: the turn's open session.
        key: the button's value (a fresh random key).
        workspace_id: the Slack team id.
        user_id: whose reply it is (only they may see it).
        text: the reply's notification text.
        blocks: the whole reply's blocks.
        now: the current time.

    """
    session.execute(
        _more_insert(),
        {
            "key": key,
            "workspace_id": workspace_id,
            "user_id": user_id,
            "text": text,
            "blocks": blocks,
            "created_at": now,
        },
    )


def prune_whole_replies(session: Session, before: datetime) -> int:
    """Forget whole replies kept before ``before``; the number deleted.

    Args:
        session: an open session.
        before: replies kept earlier than this go ("More" under them stops working).

    """
    result = session.execute(delete(SlackReplyMoreRow).where(SlackReplyMoreRow.created_at < before))
    return int(getattr(result, "rowcount", 0) or 0)


def whole_reply(database: Database, workspace_id: str, user_id: str, key: str) -> KeptReply | None:
    """The whole reply behind a "More" button; None if gone or someone else's.

    Args:
        database: the store.
        workspace_id: the Slack team id of the click.
        user_id: who clicked.
        key: the button's value.

    """
    with database.read_session() as session:
        row = session.get(SlackReplyMoreRow, key[:32])
        if row is None or row.workspace_id != workspace_id or row.user_id != user_id:
            return None
        return KeptReply(row.text, list(row.blocks))


# -- the last reply, for share --------------------------------------------------------------
def keep_last_reply(
    session: Session,
    workspace_id: str,
    user_id: str,
    command: str,
    text: str,
    blocks: list[dict[str, Any]],
    now: datetime,
    *,
    on_sqlite: bool,
) -> None:
    """In the turn's transaction: keep the user's last reply, replacing the one before.

    Args:
        session: the turn's open session.
        workspace_id: the Slack team id.
        user_id: the Slack user id.
        command: the command that produced it.
        text: the reply's notification text.
        blocks: the reply's blocks as posted.
        now: the current time.
        on_sqlite: whether the store is SQLite (else PostgreSQL).

    """
    session.execute(
        _last_reply_upsert(on_sqlite),
        {
            "workspace_id": workspace_id,
            "user_id": user_id,
            "command": command[:40],
            "text": text,
            "blocks": blocks,
            "created_at": now,
        },
    )


def last_reply(database: Database, workspace_id: str, user_id: str) -> KeptReply | None:
    """The user's last reply as rendered; None before their first.

    Args:
        database: the store.
        workspace_id: the Slack team id.
        user_id: the Slack user id.

    """
    with database.read_session() as session:
        row = session.get(SlackLastReplyRow, (workspace_id, user_id))
        return KeptReply(row.text, list(row.blocks)) if row is not None else None


# -- an uninstall -----------------------------------------------------------------------------
def forget_slack_rows(database: Database, workspace_id: str) -> int:
    """Delete the Slack front's own rows for a workspace, in one transaction.

    Last replies, event ids, "More" replies and Home tab digests go; deals are the users'
    work and stay. Returns the number of rows deleted.

    Args:
        database: the store.
        workspace_id: the Slack team id.

    """
    with database.session() as session:
        removed = 0
        for model in (SlackLastReplyRow, SlackEventRow, SlackReplyMoreRow):
            result = session.execute(delete(model).where(model.workspace_id == workspace_id))
            removed += int(getattr(result, "rowcount", 0) or 0)
        return removed + forget_home_views(session, workspace_id)


@functools.cache
def _event_insert(is_sqlite: bool) -> Insert:
    """The event id's insert-or-ignore, built once per dialect (every DM runs it)."""
    events = cast(Table, SlackEventRow.__table__)
    return insert_or_ignore(events, ["event_id"], events.c.event_id, on_sqlite=is_sqlite).values(
        {name: bindparam(name) for name in ("event_id", "workspace_id", "received_at")}
    )


@functools.cache
def _more_insert() -> Insert:
    """The "More" row's insert, built once (building cost as much as running it)."""
    return insert(cast(Table, SlackReplyMoreRow.__table__))


@functools.cache
def _last_reply_upsert(is_sqlite: bool) -> Insert:
    """The last reply's upsert, built once per dialect, with the values bound per call."""
    columns = ("workspace_id", "user_id", "command", "text", "blocks", "created_at")
    return upsert(
        SlackLastReplyRow.__table__,
        ["workspace_id", "user_id"],
        {name: bindparam(name) for name in columns},
        on_sqlite=is_sqlite,
    )
