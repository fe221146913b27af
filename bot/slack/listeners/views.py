"""Modal forms: opening them (a zoned one in the user's time zone), and their submissions.

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
from bot.slack.modals import FORMS, FieldErrors, Form, Opening, inline_errors, result_view, zone_of
from bot.slack.profiles import look_up
from bot.slack.safe import guard
from flows.schedule import local_date, valid_zone

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
    def open_form_button(
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        context: BoltContext,
        client: WebClient,
    ) -> None:
        ack()
        form = FORMS.get(str(action.get("value")))
        if form is not None:
            open_form(
                client,
                body.get("trigger_id"),
                form,
                front=front,
                workspace=workspace_of(context, body),
                user=(body.get("user") or {}).get("id"),
            )


def open_form(
    client: WebClient,
    trigger_id: str | None,
    form: Form,
    *,
    front: Front | None = None,
    workspace: str | None = None,
    user: str | None = None,
) -> bool:
    """Open a form; the trigger_id is only good for 3 seconds, so call this right after ack.

    A zoned form (meeting, reminder) first asks Slack for the user's time zone (the one
    stored from an earlier command when Slack will not say), so its pickers and the
    submitted line mean the same wall-clock time.

    Args:
        client: the request's Web API client.
        trigger_id: from the command, shortcut or button payload.
        form: the form to open.
        front: the coach and delivery helpers (the stored zone, the app's clock).
        workspace: the Slack team id of who opens it.
        user: who opens it.

    """
    if not trigger_id:
        return False
    opening = Opening()
    if form.zoned and user and front is not None:
        tz = look_up(client, user).tz
        if not (tz and valid_zone(tz)):
            tz = front.coach.time_zone(workspace or "", user)
        opening = Opening(tz=tz, today=local_date(front.coach.service.clock(), tz or "UTC"))
    return (
        call(client, "views.open", trigger_id=trigger_id, view=form.view(opening=opening))
        is not None
    )


def _submission_handler(front: Front, form: Form):  # type: ignore[no-untyped-def]
    def submitted(
        ack: Ack,
        body: dict[str, Any],
        view: dict[str, Any],
        context: BoltContext,
        client: WebClient,
    ) -> None:
        handle_submission(front, form, ack, body, view, context, client)

    submitted.__name__ = f"submitted_{form.callback_id}"
    return submitted


def handle_submission(
    front: Front,
    form: Form,
    ack: Ack,
    body: dict[str, Any],
    view: dict[str, Any],
    context: BoltContext,
    client: WebClient,
) -> None:
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
    # A zoned form carries the zone its pickers were in; the lines are read in that zone.
    result = front.coach.run_all(
        workspace, user, lines, tz=zone_of(view.get("private_metadata")) if form.zoned else None
    )
    if isinstance(result, dict):
        _answer(front, ack, {"response_action": "errors", "errors": inline_errors(form, result)})
        return
    _answer(
        front, ack, {"response_action": "update", "view": result_view(form.title, result.message)}
    )
    front.after_turn(client, workspace, user, result)


def _answer(front: Front, ack: Ack, answer: dict[str, Any]) -> None:
    """Acknowledge a submission, and keep the answer for a repeat of it (a double submit)."""
    # The acknowledgement is a payload Slack parses too: the same last check as any call.
    checked = guard(answer)
    ack(**checked)
    remember_form_answer(front.coach.database, checked)
