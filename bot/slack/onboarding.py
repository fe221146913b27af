"""The welcome: a short DM the first time someone opens the app, and the short help.

The first time a user opens the app - its Home or Messages tab (``app_home_opened``), or
their first DM to it - they get a welcome: what the app does, three lines they could send
(two in plain words, one command) and how to start (``new <name>``). After a first DM the
welcome sits on top of the reply to it, so the DM holds one message, not two.

Once per user: a ``slack_welcomed`` row is written before the welcome is sent, with an
insert that does nothing when the row exists, so two visits at the same moment (the Home
and Messages tabs open together, or two replicas) welcome once. A welcome Slack would not
take gives the row back, so the next visit tries again. Users the store knew before the
welcome existed were marked as welcomed by migration 0009.

The Home tab of a user with no deals shows the same words (:func:`intro_blocks`), and a
bare ``/deal`` answers with a short help (:func:`bare_help`) rather than an error. All of
it is phrase-library text (``phrases/slack.yaml``), escaped here like every reply.
"""

from __future__ import annotations

import logging
from datetime import datetime

from slack_sdk import WebClient

from bot.slack.blocks import (
    MAX_MESSAGE_BLOCKS,
    OPEN_FORM_ACTION,
    STEP_ACTION,
    Block,
    Message,
    button,
    escape,
    header,
    section,
    step_label,
)
from bot.slack.client import call
from bot.slack.modals import MOVE
from bot.store.database import Database
from bot.store.welcome_rows import claim_welcome, release_welcome
from phrases import PhraseLibrary

log = logging.getLogger(__name__)

WELCOME_ACTIONS = "welcome_actions"


# -- what it says -------------------------------------------------------------------------------
def intro_blocks(lib: PhraseLibrary) -> list[Block]:
    """What the app does, three lines to send, and how to start (the welcome's body).

    Args:
        lib: the phrase library.

    """
    return [
        section(escape(lib.reply("slack_welcome"))),
        section(escape(lib.reply("slack_welcome_examples"))),
        section(escape(lib.reply("slack_welcome_start"))),
    ]


def welcome_blocks(lib: PhraseLibrary) -> list[Block]:
    """The welcome DM's blocks: a header, :func:`intro_blocks`, and "All commands".

    Args:
        lib: the phrase library.

    """
    return [
        header(lib.reply("slack_welcome_title")),
        *intro_blocks(lib),
        {
            "type": "actions",
            "block_id": WELCOME_ACTIONS,
            "elements": [button(step_label("help"), f"{STEP_ACTION}:0", "help")],
        },
    ]


def welcome_message(lib: PhraseLibrary) -> Message:
    """The welcome DM.

    Args:
        lib: the phrase library.

    """
    return Message(escape(lib.reply("slack_welcome_title")), welcome_blocks(lib))


def bare_help(lib: PhraseLibrary) -> Message:
    """What a bare ``/deal`` answers: how to use it, and buttons to go on.

    Args:
        lib: the phrase library.

    """
    text = lib.reply("slack_bare_help")
    return Message(
        escape(" ".join(text.split())),
        [
            section(escape(text), block_id="bare_help"),
            {
                "type": "actions",
                "block_id": "next_steps",
                "elements": [
                    button(step_label("help"), f"{STEP_ACTION}:0", "help", primary=True),
                    button(step_label("status"), f"{STEP_ACTION}:1", "status"),
                    button(lib.reply("slack_log_move_button"), OPEN_FORM_ACTION, MOVE),
                ],
            },
        ],
    )


# -- once per user ------------------------------------------------------------------------------
def welcome_once(
    client: WebClient,
    database: Database,
    lib: PhraseLibrary,
    workspace_id: str,
    user_id: str,
    now: datetime,
) -> bool:
    """Send the welcome DM unless the user has had it; whether it was sent now.

    Args:
        client: the request's Web API client.
        database: the store.
        lib: the phrase library.
        workspace_id: the Slack team id.
        user_id: the Slack user id (the DM goes to them).
        now: the current time.

    """
    try:
        if not claim_welcome(database, workspace_id, user_id, now):
            return False
    except Exception as exc:  # the welcome is a courtesy: never fail the visit over it
        log.error("could not record the welcome of %s: %s", user_id, type(exc).__name__)
        return False
    message = welcome_message(lib)
    if call(client, "chat.postMessage", channel=user_id, **message.payload()) is not None:
        return True
    try:
        release_welcome(database, workspace_id, user_id)
    except Exception as exc:  # then this user goes without; nothing else is affected
        log.error("could not give back the welcome of %s: %s", user_id, type(exc).__name__)
    return False


def with_welcome(
    database: Database,
    lib: PhraseLibrary,
    workspace_id: str,
    user_id: str,
    reply: Message,
    now: datetime,
) -> tuple[Message, bool]:
    """The reply to a first DM with the welcome on top, and whether it was added.

    The caller gives the welcome back (:func:`bot.store.welcome_rows.release_welcome`) if
    the reply is not delivered. A reply too long to share a message with the welcome goes as it is.

    Args:
        database: the store.
        lib: the phrase library.
        workspace_id: the Slack team id.
        user_id: the Slack user id.
        reply: the reply to their DM.
        now: the current time.

    """
    welcome = welcome_blocks(lib)
    if len(welcome) + 1 + len(reply.blocks) > MAX_MESSAGE_BLOCKS:
        return reply, False
    try:
        if not claim_welcome(database, workspace_id, user_id, now):
            return reply, False
    except Exception as exc:  # the welcome is a courtesy: never fail the reply over it
        log.error("could not record the welcome of %s: %s", user_id, type(exc).__name__)
        return reply, False
    blocks = [*welcome, {"type": "divider"}, *reply.blocks]
    return Message(reply.text, blocks, reply.expanded), True
