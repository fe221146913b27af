"""Modal forms: opening "Log a move", "Prepare" and "Bundle", and handling their submissions.

A submission is checked and run before it is acknowledged, because inline errors can
only travel in the acknowledgement (``response_action: errors``); the lines run in one
short transaction, well inside Slack's 3 seconds. The answer is kept in the inbox, so the
same form submitted twice logs once and gets the same answer twice. On success the modal
turns into the coach's answer (``response_action: update``) and the Home tab is refreshed.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.slack.blocks import OPEN_FORM_ACTION
from bot.slack.client import call
from bot.slack.front import Front, workspace_of
from bot.slack.inbox import remember_form_answer
from bot.slack.modals import FORMS, FieldErrors, Form, inline_errors, result_view
from bot.slack.safe import guard

log = logging.getLogger(__name__)



def register(app: App, front: Front) -> None:
    """Register the form openers and submission handlers.

    Args:
        app: the Bolt app.
        front: the coach and delivery helpers.

    """
    for form in FORMS.values():
        app.view(form.callback_id)(_submission_handler(front, form))

    @app.action(re.compile(rf"^{OPEN_FORM_ACTION}(:\w+)?$"))
    def open_form_button(ack: Ack, body: dict[str, Any], action: dict[str, Any],
                         client: WebClient) -> None:
        ack()
        form = FORMS.get(str(action.get("value")))
        if form is not None:
            open_form(client, body.get("trigger_id"), form)


def open_form(client: WebClient, trigger_id: str | None, form: Form) -> bool:
    """Open a form; the trigger_id is only good for 3 seconds, so call this right after ack.

    Args:
        client: the request's Web API client.
        trigger_id: from the command, shortcut or button payload.
        form: the form to open.

    """
    if not trigger_id:
        return False
    return call(client, "views.open", trigger_id=trigger_id, view=form.view()) is not None


def _submission_handler(front: Front, form: Form):  # type: ignore[no-untyped-def]
    def submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any],
                  context: BoltContext, client: WebClient) -> None:
        handle_submission(front, form, ack, body, view, context, client)

    submitted.__name__ = f"submitted_{form.callback_id}"
    return submitted


def handle_submission(front: Front, form: Form, ack: Ack, body: dict[str, Any],
                      view: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    """Run a form's lines; acknowledge with inline errors, or with the coach's answer.

    Args:
        front: the coach and delivery helpers.
        form: the submitted form.
        ack: Bolt's acknowledgement.
        body: the ``view_submission`` payload.
        view: the submitted view.
        context: Bolt's request context.
        client: the request's Web API client.

    """
    workspace, user = workspace_of(context, body), body["user"]["id"]
    values = (view.get("state") or {}).get("values") or {}
    try:
        lines = form.lines(values)
    except FieldErrors as exc:
        _answer(front, ack, {"response_action": "errors", "errors": exc.errors})
        return
    result = front.coach.run_all(workspace, user, lines)
    if isinstance(result, dict):
        _answer(front, ack, {"response_action": "errors",
                             "errors": inline_errors(form, result)})
        return
    _answer(front, ack, {"response_action": "update",
                         "view": result_view(form.title, result.message)})
    front.after_turn(client, workspace, user, result)


def _answer(front: Front, ack: Ack, answer: dict[str, Any]) -> None:
    """Acknowledge a submission, and keep the answer for a repeat of it (a double submit)."""
    # The acknowledgement is a payload Slack parses too: the same last check as any call.
    checked = guard(answer)
    ack(**checked)
    remember_form_answer(front.coach.database, checked)
