"""What every listener shares: the coach, and how a turn's result reaches the user.

Listeners stay thin: they pull the workspace, user and text out of Slack's payload, run
the line through :class:`~bot.slack.coach.SlackCoach`, and hand the message to one of the
delivery helpers here. Delivery happens after the transaction has committed (the coach
returns only then), so Slack never shows a reply for something that was not saved.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from slack_sdk import WebClient
from slack_sdk.oauth.installation_store import InstallationStore

from bot.slack.blocks import Message, escape, section, shared
from bot.slack.client import call, post_to_response_url
from bot.slack.coach import SlackCoach, SlackTurn
from bot.slack.config import SlackSettings
from bot.slack.home_publish import HomePublisher
from bot.slack.outbox import send_now
from bot.slack.profiles import needs_profile, who_for
from bot.slack.sheets import send_deal_chart, send_practice_chart
from flows.commands import only_reads

log = logging.getLogger(__name__)

SHARE_WORD = "share"
# The engine command whose text reply the front completes with a chart.
ANALYZE_COMMAND = "analyze"


def workspace_of(context: Mapping[str, Any], body: Mapping[str, Any] | None = None) -> str:
    """The id deals are scoped by: the team, or the enterprise for an org-wide install.

    Args:
        context: Bolt's request context.
        body: the request body, consulted when the context has no team.

    """
    team = context.get("team_id") or context.get("enterprise_id")
    if not team and body:
        team = (
            body.get("team_id") or (body.get("team") or {}).get("id") or body.get("enterprise_id")
        )
    return str(team or "unknown")


@dataclass
class Front:
    """The coach plus the delivery rules of the Slack front."""

    coach: SlackCoach
    settings: SlackSettings
    # slack_sdk's installation store when workspaces install through OAuth, else None.
    installation_store: InstallationStore | None = None
    # Publishes Home tabs when they changed, debounced per user (one per process).
    home: HomePublisher = field(init=False)

    def __post_init__(self) -> None:
        self.home = HomePublisher(
            self.coach.database, self.coach.engine.lib, self.coach.labels, self.coach.service.clock
        )

    # -- replies -------------------------------------------------------------------------
    def respond(
        self,
        response_url: str | None,
        message: Message,
        *,
        response_type: str = "ephemeral",
        replace_original: bool = False,
        client: WebClient | None = None,
        channel: str | None = None,
        user: str | None = None,
    ) -> bool:
        """Answer through the response_url; if that fails, try an ephemeral Web API post.

        Args:
            response_url: where Slack wants the answer (commands, shortcuts, actions).
            message: the blocks and notification text.
            response_type: ``ephemeral`` (only the user sees it) or ``in_channel``.
            replace_original: replace the message an action came from.
            client: the request's Web API client, for the fallback.
            channel: the channel, for the fallback.
            user: the user, for the fallback.

        Returns:
            Whether the user got the message one way or the other.

        """
        payload = {
            **message.payload(),
            "response_type": response_type,
            "replace_original": replace_original,
        }
        if response_url and post_to_response_url(response_url, payload):
            return True
        # The response_url expires (30 minutes, 5 uses); an ephemeral post still reaches
        # the user. An in-channel answer has no such fallback: it would need chat:write in
        # a channel the bot may not be in.
        if (
            client is not None
            and channel
            and user
            and response_type == "ephemeral"
            and call(client, "chat.postEphemeral", channel=channel, user=user, **message.payload())
            is not None
        ):
            return True
        log.error("a reply to %s in %s was not delivered", user, channel)
        return False

    def post(self, client: WebClient, channel: str, message: Message) -> bool:
        """Post a message with the Web API (DMs); a failure is logged.

        Args:
            client: the request's Web API client.
            channel: the channel or DM id.
            message: the blocks and notification text.

        """
        return call(client, "chat.postMessage", channel=channel, **message.payload()) is not None

    def share(
        self,
        response_url: str | None,
        workspace_id: str,
        user_id: str,
        *,
        client: WebClient | None = None,
        channel: str | None = None,
    ) -> bool:
        """Post the user's last reply in the channel ``/deal share`` was typed in.

        Args:
            response_url: the slash command's response_url.
            workspace_id: the Slack team id.
            user_id: who is sharing.
            client: the request's Web API client, for error fallbacks.
            channel: the channel, for error fallbacks.

        """
        last = self.coach.last_message(workspace_id, user_id)
        if last is None:
            lib = self.coach.engine.lib
            note = Message(
                lib.reply("slack_share_nothing_short"),
                [section(escape(lib.reply("slack_share_nothing")))],
            )
            return self.respond(response_url, note, client=client, channel=channel, user=user_id)
        # in_channel through the response_url works in any channel the command works in,
        # including ones the bot has not joined.
        return self.respond(
            response_url,
            shared(last, user_id),
            response_type="in_channel",
            client=client,
            channel=channel,
            user=user_id,
        )

    # -- commands ------------------------------------------------------------------------
    def run(
        self,
        client: WebClient,
        workspace_id: str,
        user_id: str,
        line: str,
        *,
        event_id: str | None = None,
        dm_thread: str | None = None,
    ) -> SlackTurn | None:
        """Run a line for a user, telling the coach their zone and admin flag when it needs them.

        Args:
            client: the request's Web API client (for ``users.info``).
            workspace_id: the Slack team id.
            user_id: the Slack user id.
            line: the command line.
            event_id: the Events API delivery the line came from, if any.
            dm_thread: for a line from the DM, its thread ("" at the top level): each
                rehearsal is played in its own thread (:mod:`bot.slack.rehearsal_threads`).

        Returns:
            The turn, or None when ``event_id`` was already acted on (a retry).

        """
        who = who_for(client, user_id, line)
        return self.coach.run(
            workspace_id,
            user_id,
            line,
            event_id=event_id,
            tz=who.tz,
            is_admin=who.is_admin,
            dm_thread=dm_thread,
        )

    def run_batch(
        self, client: WebClient, workspace_id: str, user_id: str, lines: list[str]
    ) -> SlackTurn:
        """Run a confirmed call recap for a user (the zone looked up when a line needs it).

        Args:
            client: the request's Web API client (for ``users.info``).
            workspace_id: the Slack team id.
            user_id: the Slack user id.
            lines: the readings to log, as one change.

        """
        who = who_for(client, user_id, next((li for li in lines if needs_profile(li)), ""))
        return self.coach.run_batch(workspace_id, user_id, lines, tz=who.tz)

    # -- App Home ------------------------------------------------------------------------
    def publish_home(self, client: WebClient, workspace_id: str, user_id: str) -> bool:
        """Publish the user's Home tab now: their deals, then their team and reminder.

        For a user opening the tab: sent whether or not it changed (see
        :mod:`bot.slack.home_publish`).

        Args:
            client: the request's Web API client.
            workspace_id: the Slack team id.
            user_id: whose Home tab.

        """
        return self.home.publish(client, workspace_id, user_id)

    def after_turn(
        self,
        client: WebClient,
        workspace_id: str,
        user_id: str,
        turn: SlackTurn,
        *,
        dm_channel: str | None = None,
        dm_thread: str | None = None,
    ) -> None:
        """Refresh the Home tab when the command may have changed what it shows.

        The refresh publishes only a view that changed, at most once a second a user
        (:class:`~bot.slack.home_publish.HomePublisher`).

        First, send the DMs the command queued for other people (a nudge, a team note)
        with the request's token. After ``analyze``, also upload the frontier chart to the
        user's DM; after a rehearsal's debrief, its chart with the path of offers, in the
        rehearsal's thread.

        Args:
            client: the request's Web API client.
            workspace_id: the Slack team id.
            user_id: who ran the command.
            turn: what the command produced.
            dm_channel: the user's DM with the app, when the command came from there.
            dm_thread: the DM thread the command came from (a rehearsal's), if any.

        """
        if turn.deliveries:
            send_now(
                self.coach.database,
                self.settings.api_url,
                client.token or self.settings.bot_token,
                turn.deliveries,
                self.coach.service.clock,
            )
        if turn.accepted and getattr(turn.outcome, "command", "") == ANALYZE_COMMAND:
            send_deal_chart(client, user_id, turn, dm_channel)
        elif turn.accepted:  # a rehearsal's debrief carries the path of its offers
            send_practice_chart(client, user_id, turn, dm_channel, dm_thread)
        # A command that only read changed nothing the Home tab shows.
        if turn.accepted and not only_reads(getattr(turn.outcome, "command", "")):
            self.home.refresh(client, workspace_id, user_id)
