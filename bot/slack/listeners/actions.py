"""Button clicks: a next-step button runs its command for the person who clicked.

The button's value is a command line (``next``, ``get training``, ``use Acme``); a bare
command that needs details (``give``, ``batna``, ``bundle``) opens its form instead. The
answer goes where the click came from: ephemerally under a ``/deal`` reply, into the DM
under a DM reply, or into a modal for the Home tab (which has no thread to answer in).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.slack.blocks import (
    MORE_ACTION,
    STEP_ACTION_PATTERN,
    Message,
    escape,
    section,
    step_label,
)
from bot.slack.client import call
from bot.slack.front import Front, workspace_of
from bot.slack.inbox import post_dm_reply_at
from bot.slack.listeners.views import open_form
from bot.slack.modals import form_for, result_view
from bot.slack.rehearsal_threads import (
    is_rehearsal,
    new_rehearsal,
    open_thread,
    rehearsal_thread,
    with_thread_hint,
)

log = logging.getLogger(__name__)


def register(app: App, front: Front) -> None:
    """Register the button listeners.

    Args:
        app: the Bolt app.
        front: the coach and delivery helpers.

    """
    on_click(app, front, STEP_ACTION_PATTERN, run_step)
    on_click(app, front, MORE_ACTION, show_more)


# What a button listener does once the click is acknowledged.
ButtonRun = Callable[[Front, dict[str, Any], dict[str, Any], BoltContext, WebClient], None]


def on_click(app: App, front: Front, pattern: str | re.Pattern[str], run: ButtonRun) -> None:
    """Register ``run`` for the buttons ``pattern`` matches, the click acknowledged first.

    Args:
        app: the Bolt app.
        front: the coach and delivery helpers.
        pattern: the buttons' action id, or a pattern of them.
        run: what the click does (its answer goes to Slack itself).

    """

    # Bolt passes a listener what its parameter names ask for.
    def clicked(
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        context: BoltContext,
        client: WebClient,
    ) -> None:
        ack()
        run(front, body, action, context, client)

    clicked.__name__ = run.__name__  # Bolt's logs name a listener by its function
    app.action(pattern)(clicked)


def show_more(
    front: Front,
    body: dict[str, Any],
    action: dict[str, Any],
    context: BoltContext,
    client: WebClient,
) -> None:
    """Replace a reply's first screen with the whole reply, in place.

    Only the person the reply was for can open it: the stored reply is looked up by the
    clicker's workspace and user as well as the button's key.

    Args:
        front: the coach and delivery helpers.
        body: the ``block_actions`` payload.
        action: the clicked button.
        context: Bolt's request context.
        client: the request's Web API client.

    """
    workspace, user = workspace_of(context, body), body["user"]["id"]
    whole = front.coach.whole_reply(workspace, user, str(action.get("value") or ""))
    replace = whole is not None
    if whole is None:
        note = front.coach.engine.lib.reply("more_gone")
        whole = Message(note, [section(escape(note))])
    container = body.get("container") or {}
    kind = "ephemeral" if container.get("is_ephemeral") else "in_channel"
    front.respond(
        body.get("response_url"),
        whole,
        response_type=kind,
        replace_original=replace,
        client=client,
        channel=(body.get("channel") or {}).get("id"),
        user=user,
    )


def run_step(
    front: Front,
    body: dict[str, Any],
    action: dict[str, Any],
    context: BoltContext,
    client: WebClient,
) -> None:
    """Run a next-step button's command and answer where the click came from.

    Args:
        front: the coach and delivery helpers.
        body: the ``block_actions`` payload.
        action: the clicked button.
        context: Bolt's request context.
        client: the request's Web API client.

    """
    workspace, user = workspace_of(context, body), body["user"]["id"]
    line = str(action.get("value") or "")
    form = form_for(line)
    if form is not None and open_form(
        client, body.get("trigger_id"), form, front=front, workspace=workspace, user=user
    ):
        return  # a bare `give`, `batna`, `bundle`...: ask for the details in a form
    thread = rehearsal_thread(body)
    turn = front.run(client, workspace, user, line, dm_thread=thread)
    assert turn is not None
    container = body.get("container") or {}
    channel = (body.get("channel") or {}).get("id")
    rehearsal = new_rehearsal(front.coach, workspace, user, turn) if thread is not None else None
    if rehearsal is not None and channel:
        # A rehearsal started from a DM button opens its own thread, like a typed one.
        posted = post_dm_reply_at(client, channel, with_thread_hint(front.coach, turn.message))
        if posted:
            open_thread(front.coach, workspace, user, rehearsal, posted)
    elif thread and channel and is_rehearsal(front.coach, workspace, user, thread):
        # A click in a rehearsal's thread: the counterpart answers in the thread.
        post_dm_reply_at(client, channel, turn.message, thread_ts=thread)
    elif container.get("type") == "view":
        # The Home tab: show the answer in a modal, while the trigger_id is still fresh.
        modal = result_view(step_label(line) if line.strip() else "dealcoach", turn.message)
        if call(client, "views.open", trigger_id=body.get("trigger_id"), view=modal) is None:
            front.post(client, user, turn.message)  # the app's DM with the user
    else:
        kind = "ephemeral" if container.get("is_ephemeral") else "in_channel"
        front.respond(
            body.get("response_url"),
            turn.message,
            response_type=kind,
            client=client,
            channel=channel,
            user=user,
        )
    front.after_turn(client, workspace, user, turn)
