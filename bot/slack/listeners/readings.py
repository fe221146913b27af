"""A call recap's buttons: Log all, Edit (a form with the readings), Cancel.

A recap reply lists the moves the reader found and logs nothing until the user confirms.
The buttons carry the readings as a JSON list (Slack keeps no state for us), and the
engine's batch entry runs only commands the reader may produce, so a tampered click can
log a move at worst, never switch deals or move a phase. The answer replaces the recap
message, so it cannot be confirmed twice from the same message.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.slack.blocks import (
    RECAP_CANCEL_ACTION,
    RECAP_EDIT_ACTION,
    RECAP_LOG_ACTION,
    Message,
    escape,
    section,
)
from bot.slack.client import call
from bot.slack.front import Front, workspace_of
from bot.slack.modals import result_view, say

log = logging.getLogger(__name__)

EDIT_CALLBACK = "recap_edit_form"
EDIT_BLOCK, EDIT_INPUT = "recap_lines", "lines"
MAX_LINES = 12


def register(app: App, front: Front) -> None:
    """Register the recap buttons and the edit form's submission.

    Args:
        app: the Bolt app.
        front: the coach and delivery helpers.

    """

    @app.action(RECAP_LOG_ACTION)
    def log_all(
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        context: BoltContext,
        client: WebClient,
    ) -> None:
        ack()
        lines = readings_from(action.get("value"))
        if not lines:
            return
        turn = front.run_batch(client, workspace_of(context, body), body["user"]["id"], lines)
        _answer(front, body, client, turn.message)
        front.after_turn(client, workspace_of(context, body), body["user"]["id"], turn)

    @app.action(RECAP_EDIT_ACTION)
    def edit(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
        ack()
        lines = readings_from(action.get("value"))
        call(client, "views.open", trigger_id=body.get("trigger_id"), view=edit_view(lines))

    @app.action(RECAP_CANCEL_ACTION)
    def cancel(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        note = front.coach.engine.lib.reply("recap_cancelled")
        _answer(front, body, client, Message(note, [section(escape(note))]))

    @app.view(EDIT_CALLBACK)
    def edited(
        ack: Ack,
        body: dict[str, Any],
        view: dict[str, Any],
        context: BoltContext,
        client: WebClient,
    ) -> None:
        state = view.get("state", {}).get("values", {})
        text = str(state.get(EDIT_BLOCK, {}).get(EDIT_INPUT, {}).get("value") or "")
        lines = [li.strip() for li in text.splitlines() if li.strip()][:MAX_LINES]
        if not lines:
            ack(
                response_action="errors",
                errors={EDIT_BLOCK: front.coach.engine.lib.reply("slack_recap_no_lines")},
            )
            return
        workspace, user = workspace_of(context, body), body["user"]["id"]
        turn = front.run_batch(client, workspace, user, lines)
        if not turn.accepted:
            ack(response_action="errors", errors={EDIT_BLOCK: turn.message.text[:150]})
            return
        title = front.coach.engine.lib.reply("slack_recap_logged")
        ack(response_action="update", view=result_view(title, turn.message))
        front.after_turn(client, workspace, user, turn)


def readings_from(value: Any) -> list[str]:
    """The readings a recap button carries; anything malformed is no readings at all.

    Args:
        value: the button's value (a JSON list of command lines).

    """
    try:
        lines = json.loads(str(value or ""))
    except ValueError:
        return []
    if not isinstance(lines, list) or not all(isinstance(li, str) for li in lines):
        return []
    return [li for li in lines if li.strip()][:MAX_LINES]


def edit_view(lines: list[str]) -> dict[str, Any]:
    """The form that lets the user fix the readings before they are logged.

    Args:
        lines: the readings, one per line of the text box.

    """
    return {
        "type": "modal",
        "callback_id": EDIT_CALLBACK,
        "title": {"type": "plain_text", "text": say("slack_recap_edit_title")},
        "submit": {"type": "plain_text", "text": say("slack_recap_edit_submit")},
        "close": {"type": "plain_text", "text": say("slack_form_cancel")},
        "blocks": [
            {
                "type": "input",
                "block_id": EDIT_BLOCK,
                "label": {"type": "plain_text", "text": say("slack_recap_edit_label")},
                "element": {
                    "type": "plain_text_input",
                    "action_id": EDIT_INPUT,
                    "multiline": True,
                    "initial_value": "\n".join(lines)[:3000],
                },
            }
        ],
    }


def _answer(front: Front, body: dict[str, Any], client: WebClient, message: Message) -> None:
    """Replace the recap message with the answer, where the click came from."""
    container = body.get("container") or {}
    kind = "ephemeral" if container.get("is_ephemeral") else "in_channel"
    user = body["user"]["id"]
    channel = (body.get("channel") or {}).get("id")
    if not front.respond(
        body.get("response_url"),
        message,
        response_type=kind,
        replace_original=True,
        client=client,
        channel=channel,
        user=user,
    ):
        log.error("a recap answer to %s was not delivered", user)
