"""Events API: DMs in the Messages tab, the Home tab, and install lifecycle events.

A DM runs the same commands as ``/deal`` without the ``/deal``; a scoring sheet shared in
the DM is analysed (:mod:`bot.slack.sheets`). The first visit - the Home or Messages tab
opened, or a first DM - brings the welcome, once (:mod:`bot.slack.onboarding`).

Slack redelivers an event when it did not see our 200 in time (``X-Slack-Retry-Num``
counts the attempts). The inbox (:mod:`bot.slack.inbox`) wrote the delivery down before
the ack, keyed by its ``event_id``, so a retry of it is only acknowledged; the
``event_id`` is also recorded in the same transaction as the command. A retry is not
dropped on the header alone: if the first delivery never reached the database, the retry
is the user's only copy of the message. The reply carries its inbox row in its metadata,
so a replay after a crash never posts it twice.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltContext, BoltRequest
from slack_bolt.listener.builtins import TokenRevocationListeners
from slack_sdk import WebClient

from bot.slack.blocks import Message, escape, section, unescape
from bot.slack.front import SHARE_WORD, Front, workspace_of
from bot.slack.inbox import post_dm_reply_at
from bot.slack.listeners.files import handle_file_share
from bot.slack.onboarding import welcome_once, with_welcome
from bot.slack.rehearsal_threads import new_rehearsal, open_thread, with_thread_hint
from bot.slack.sheets import FILE_SHARE
from bot.store.welcome_rows import release_welcome

log = logging.getLogger(__name__)

# Event types the manifest subscribes to; a test checks the two agree.
EVENTS = ("message.im", "app_home_opened", "tokens_revoked", "app_uninstalled")


def register(app: App, front: Front) -> None:
    """Register the Events API listeners.

    Args:
        app: the Bolt app.
        front: the coach and delivery helpers.

    """

    @app.event("message")
    def direct_message(
        event: dict[str, Any],
        body: dict[str, Any],
        context: BoltContext,
        client: WebClient,
        request: BoltRequest,
    ) -> None:
        handle_direct_message(front, event, body, context, client, request)

    @app.event("app_home_opened")
    def home_opened(event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        workspace, user = workspace_of(context), event["user"]
        if event.get("tab", "home") == "home":
            front.publish_home(client, workspace, user)
        # Either tab, the first time: the welcome DM (in Messages, it is what they see).
        coach = front.coach
        welcome_once(
            client, coach.database, coach.engine.lib, workspace, user, coach.service.clock()
        )

    @app.event("tokens_revoked")
    def tokens_revoked(event: dict[str, Any], context: BoltContext) -> None:
        log.warning(
            "tokens revoked in %s: %s",
            workspace_of(context),
            {k: len(v) for k, v in (event.get("tokens") or {}).items()},
        )
        if front.installation_store is not None:
            # The revoked tokens are useless now: forget them, so nothing tries them again.
            TokenRevocationListeners(front.installation_store).handle_tokens_revoked_events(
                event, context
            )

    @app.event("app_uninstalled")
    def app_uninstalled(context: BoltContext) -> None:
        workspace = workspace_of(context)
        if front.installation_store is not None:
            TokenRevocationListeners(front.installation_store).handle_app_uninstalled_events(
                context
            )
        removed = front.coach.forget_workspace(workspace)
        log.warning(
            "dealcoach was uninstalled from %s; removed its installation and %d Slack "
            "rows (deals are kept)",
            workspace,
            removed,
        )


def handle_direct_message(
    front: Front,
    event: dict[str, Any],
    body: dict[str, Any],
    context: BoltContext,
    client: WebClient,
    request: BoltRequest | None = None,
) -> None:
    """Run a DM as a command and answer in the DM; a retried delivery acts once.

    A shared file is a scoring sheet to analyse
    (:func:`bot.slack.listeners.files.handle_file_share`).

    Args:
        front: the coach and delivery helpers.
        event: the ``message`` event.
        body: the Events API envelope (holds the ``event_id``).
        context: Bolt's request context.
        client: the request's Web API client.
        request: the HTTP request, for the retry headers.

    """
    # Edits, joins, bot posts (our own replies included) are not commands.
    if event.get("channel_type") != "im" or event.get("bot_id") or not event.get("user"):
        return
    if event.get("subtype") == FILE_SHARE:  # a scoring sheet shared in the DM
        handle_file_share(
            front,
            event,
            body,
            workspace_of(context, body),
            client,
            context.get("bot_token") or client.token,
        )
        return
    if event.get("subtype"):
        return
    retry = _header(request, "x-slack-retry-num")
    if retry:
        log.info(
            "Slack redelivered %s (attempt %s, reason %s)",
            body.get("event_id"),
            retry,
            _header(request, "x-slack-retry-reason"),
        )
    workspace, user, channel = workspace_of(context, body), event["user"], event["channel"]
    line = unescape(event.get("text") or "")
    if line.strip().lower() == SHARE_WORD:
        front.post(
            client,
            channel,
            Message(
                "share works with /deal",
                [
                    section(
                        escape(
                            "`share` posts your last reply to a channel: type `/deal share` there."
                        )
                    )
                ],
            ),
        )
        return
    # A line in a rehearsal's thread plays the rehearsal; elsewhere, the real deals.
    thread = str(event.get("thread_ts") or "")
    turn = front.run(client, workspace, user, line, event_id=body.get("event_id"), dm_thread=thread)
    if turn is None:
        log.info("dropped a repeated delivery of %s", body.get("event_id"))
        return
    coach = front.coach
    # Their first visit may be this DM: the welcome goes on top of the reply.
    message, welcomed = with_welcome(
        coach.database, coach.engine.lib, workspace, user, turn.message, coach.service.clock()
    )
    # A new rehearsal's reply goes at the top level: it opens the rehearsal's thread.
    rehearsal = new_rehearsal(coach, workspace, user, turn)
    if rehearsal is not None:
        message = with_thread_hint(coach, message)
    posted = post_dm_reply_at(
        client, channel, message, thread_ts=thread if rehearsal is None and thread else None
    )
    if posted is None:
        log.error("the reply to %s's DM (%s) was not delivered", user, body.get("event_id"))
        if welcomed:
            release_welcome(coach.database, workspace, user)
    elif rehearsal is not None and posted:
        open_thread(coach, workspace, user, rehearsal, posted)
    front.after_turn(client, workspace, user, turn, dm_channel=channel, dm_thread=thread or None)


def _header(request: BoltRequest | None, name: str) -> str | None:
    if request is None:
        return None
    values = request.headers.get(name)
    return values[0] if values else None
