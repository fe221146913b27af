"""Fix buttons: a nudge or the daily prep names a deal and the step that closes its gap.

The button's value is ``{"deal", "step"}`` (:func:`bot.slack.notices.fix_value`). The click
first switches the clicker to that deal (``use <deal>``: the DM may be about any of their
deals), then opens the step's form while the trigger_id is still fresh (``safeguard``
opens "Safeguards", ``get`` opens "What they give back"), or runs the step and answers
in the DM.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.slack.front import Front, workspace_of
from bot.slack.listeners.actions import on_click
from bot.slack.listeners.views import open_form
from bot.slack.modals import form_for
from bot.slack.notices import FIX_ACTION_PATTERN, parse_fix_value

log = logging.getLogger(__name__)


def register(app: App, front: Front) -> None:
    """Register the fix-button listener.

    Args:
        app: the Bolt app.
        front: the coach and delivery helpers.

    """
    on_click(app, front, FIX_ACTION_PATTERN, run_fix)


def run_fix(
    front: Front,
    body: dict[str, Any],
    action: dict[str, Any],
    context: BoltContext,
    client: WebClient,
) -> None:
    """Switch to the button's deal, then open the step's form or run the step.

    Args:
        front: the coach and delivery helpers.
        body: the ``block_actions`` payload.
        action: the clicked button.
        context: Bolt's request context.
        client: the request's Web API client.

    """
    workspace, user = workspace_of(context, body), body["user"]["id"]
    # The DM the button sits in; a click elsewhere still answers in the user's DM.
    channel = (body.get("channel") or {}).get("id") or user
    parsed = parse_fix_value(str(action.get("value") or ""))
    if parsed is None:
        log.warning(
            "a fix button from %s carried no deal and step: %r",
            user,
            str(action.get("value"))[:200],
        )
        return
    deal, step = parsed
    switched = front.run(client, workspace, user, f"use {deal}")
    assert switched is not None  # only retried events are dropped
    if not switched.accepted:  # renamed or deleted since: say so, and do nothing else
        front.post(client, channel, switched.message)
        return
    form = form_for(step)
    if form is not None and open_form(
        client, body.get("trigger_id"), form, front=front, workspace=workspace, user=user
    ):
        front.after_turn(client, workspace, user, switched)
        return
    turn = front.run(client, workspace, user, step)
    assert turn is not None
    front.post(client, channel, turn.message)
    front.after_turn(client, workspace, user, turn)
