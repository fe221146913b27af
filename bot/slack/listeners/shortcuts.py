"""The message shortcut "Log as their move": any message, logged as a ``they`` line.

The message text is analysed like ``/deal they <text>`` (their anchor, price push-back,
unbundling...) and logged to the user's active deal; the engine still reads the rest, so
"they threw in a reference call" is logged as what we got. The coach's answer comes back
ephemerally in the channel where the shortcut was used.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.slack.blocks import unescape
from bot.slack.front import Front, workspace_of
from flows.engine import MAX_LINE

# The callback id in deploy/manifest.yml; a test checks the two agree.
LOG_THEIR_MOVE = "log_their_move"


def register(app: App, front: Front) -> None:
    """Register the message shortcut.

    Args:
        app: the Bolt app.
        front: the coach and delivery helpers.

    """

    @app.message_shortcut(LOG_THEIR_MOVE)
    def log_their_move(
        ack: Ack, shortcut: dict[str, Any], context: BoltContext, client: WebClient
    ) -> None:
        ack()
        run_their_move(front, shortcut, context, client)


def run_their_move(
    front: Front, shortcut: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    """Log the shortcut's message as the other side's move and answer ephemerally.

    Args:
        front: the coach and delivery helpers.
        shortcut: the ``message_action`` payload.
        context: Bolt's request context.
        client: the request's Web API client.

    """
    workspace, user = workspace_of(context, shortcut), shortcut["user"]["id"]
    channel = (shortcut.get("channel") or {}).get("id")
    text = unescape((shortcut.get("message") or {}).get("text") or "").strip()
    # A long message is still worth logging: keep its start rather than reject it. A
    # message that already names them ("they threw in a reference call") keeps its own
    # `they`: doubled, the rest would no longer be read.
    line = (text if _names_them(text) else f"they {text}")[: MAX_LINE - 1]
    turn = front.coach.run(workspace, user, line)
    assert turn is not None
    front.respond(
        shortcut.get("response_url"), turn.message, client=client, channel=channel, user=user
    )
    front.after_turn(client, workspace, user, turn)


def _names_them(text: str) -> bool:
    """Whether the message itself starts with ``they`` (any case), the speaker we fix."""
    words = text.split(maxsplit=1)
    return len(words) == 2 and words[0].lower() == "they"
