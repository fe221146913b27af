"""``/deal <command>``: the engine's whole command set, answered ephemerally.

The listener acknowledges first (Slack allows 3 seconds and shows an error after that),
then runs the command and answers through the response_url. The Slack front adds a few
words of its own: a bare ``/deal`` shows a short help, ``/deal share`` posts the user's
last reply in the channel, and a command that needs details, said bare (``/deal give``,
``/deal bundle``, ``/deal meeting``, and the front's own ``/deal prepare`` and
``/deal move``), opens the form that asks for them.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.slack.blocks import Message, escape, section, unescape
from bot.slack.front import SHARE_WORD, Front, workspace_of
from bot.slack.listeners.views import open_form
from bot.slack.modals import form_for
from bot.slack.onboarding import bare_help

log = logging.getLogger(__name__)

COMMAND = "/deal"


def register(app: App, front: Front) -> None:
    """Register the ``/deal`` slash command.

    Args:
        app: the Bolt app.
        front: the coach and delivery helpers.

    """

    @app.command(COMMAND)
    def deal_command(
        ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient
    ) -> None:
        ack()
        text = body.get("text", "").strip().lower()
        if not text:  # a bare `/deal`: what it is for and how to start, not an error
            front.respond(
                body.get("response_url"),
                bare_help(front.coach.engine.lib),
                client=client,
                channel=body.get("channel_id"),
                user=body.get("user_id"),
            )
            return
        # `/deal prepare`, `/deal give`, `/deal bundle`: a form, while the trigger is fresh.
        form = form_for(text)
        if form is not None:
            if not open_form(
                client,
                body.get("trigger_id"),
                form,
                front=front,
                workspace=workspace_of(context, body),
                user=body.get("user_id"),
            ):
                # Slack would not open the form: say so, rather than read the word as a line
                note = front.coach.engine.lib.reply("form_not_opened")
                front.respond(
                    body.get("response_url"),
                    Message(note, [section(escape(note))]),
                    client=client,
                    channel=body.get("channel_id"),
                    user=body.get("user_id"),
                )
            return
        run_slash_command(front, body, context, client)


def run_slash_command(
    front: Front, body: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    """Run one ``/deal`` invocation after it was acknowledged.

    Args:
        front: the coach and delivery helpers.
        body: the slash command payload.
        context: Bolt's request context.
        client: the request's Web API client.

    """
    workspace, user = workspace_of(context, body), body["user_id"]
    channel, response_url = body.get("channel_id"), body.get("response_url")
    # With "escape" on in the manifest Slack sends &, < and > as entities; the engine
    # should see what the user typed.
    line = unescape(body.get("text", ""))
    if line.strip().lower() == SHARE_WORD:
        front.share(response_url, workspace, user, client=client, channel=channel)
        return
    turn = front.run(client, workspace, user, line)
    assert turn is not None  # only retried events are dropped
    front.respond(response_url, turn.message, client=client, channel=channel, user=user)
    front.after_turn(client, workspace, user, turn)
