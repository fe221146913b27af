"""Practice mode in the Slack DM: one thread per rehearsal.

The reply that starts a rehearsal is posted at the DM's top level and its ``ts`` becomes
the rehearsal's thread (kept in the practice deal's session document). What the rep
writes in that thread is run on the rehearsal, and the counterpart answers there; lines
at the DM's top level keep working on the rep's real deal, because in the DM a practice
deal is never made the active deal (:class:`bot.store.space.SqlDealSpace`).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from bot.slack.blocks import Message, context, escape
from bot.slack.coach import SlackCoach, SlackTurn
from bot.store.people import find_user
from bot.store.space import SqlDealSpace
from flows.practice.session import Session

# The engine command that starts (or lists) rehearsals.
PRACTICE_COMMAND = "practice"


def new_rehearsal(
    coach: SlackCoach, workspace_id: str, user_id: str, turn: SlackTurn
) -> str | None:
    """The rehearsal ``turn`` started, still without a thread; None for any other turn.

    Args:
        coach: the Slack coach.
        workspace_id: the Slack team id.
        user_id: the rep.
        turn: what the line produced.

    """
    if not turn.accepted or getattr(turn.outcome, "command", "") != PRACTICE_COMMAND:
        return None
    with coach.database.session() as session:
        user = find_user(session, workspace_id, user_id)
        if user is None:
            return None
        waiting = [
            deal
            for deal in SqlDealSpace(session, user).list_deals(practice=True)
            if Session.from_doc(deal.practice).is_open and not deal.practice.get("thread")
        ]
    started = waiting[-1].name if waiting else None
    return started if started == getattr(turn.outcome, "deal", None) else None


def open_thread(coach: SlackCoach, workspace_id: str, user_id: str, name: str, ts: str) -> bool:
    """Make the DM message ``ts`` the thread of rehearsal ``name``.

    Args:
        coach: the Slack coach.
        workspace_id: the Slack team id.
        user_id: the rep.
        name: the practice deal.
        ts: the reply that started it.

    """
    with coach.database.session() as session:
        user = find_user(session, workspace_id, user_id)
        if user is None:
            return False
        space = SqlDealSpace(session, user)
        deal = space.get_deal(name)
        if deal is None or not deal.is_practice:
            return False
        deal.practice["thread"] = ts
        space.save_deal(deal)
    return True


def with_thread_hint(coach: SlackCoach, message: Message) -> Message:
    """The reply that starts a rehearsal, telling the rep to play in its thread."""
    hint = context(escape(coach.engine.lib.reply("practice_slack_thread")))
    return replace(
        message,
        blocks=[*message.blocks, hint],
        expanded=[*message.expanded, hint] if message.expanded else [],
    )


def rehearsal_thread(body: dict[str, Any]) -> str | None:
    """For a click on a message in the DM, the thread it sits in (or starts); else None.

    A click in a rehearsal's thread (or on the reply that opened it) plays the rehearsal,
    like a line typed there.

    Args:
        body: the ``block_actions`` payload.

    """
    container = body.get("container") or {}
    channel = str((body.get("channel") or {}).get("id") or container.get("channel_id") or "")
    if (
        container.get("type") != "message"
        or container.get("is_ephemeral")
        or not channel.startswith("D")
    ):
        return None
    return str(container.get("thread_ts") or container.get("message_ts") or "")


def is_rehearsal(coach: SlackCoach, workspace_id: str, user_id: str, thread: str) -> bool:
    """Whether ``thread`` is the thread of one of the user's rehearsals.

    Args:
        coach: the Slack coach.
        workspace_id: the Slack team id.
        user_id: the rep.
        thread: a DM message's ``ts``.

    """
    if not thread:
        return False
    with coach.database.session() as session:
        user = find_user(session, workspace_id, user_id)
        return user is not None and any(
            deal.practice.get("thread") == thread
            for deal in SqlDealSpace(session, user).list_deals(practice=True)
        )
