"""The Bolt app factory: the only place a Slack ``App`` is built, and never at import time.

Tests, ``dealcoach serve`` and the benchmark each build their own app from settings, a
:class:`~bot.service.CoachService` and, optionally, a Web API client (a test points it at
a fake Slack).
"""

from __future__ import annotations

import logging

from slack_bolt import App
from slack_sdk import WebClient

from bot.service import CoachService
from bot.slack.client import web_client
from bot.slack.coach import SlackCoach
from bot.slack.front import Front
from bot.slack.listeners import register_all
from bot.slack.settings import SlackSettings

log = logging.getLogger(__name__)


def build_app(settings: SlackSettings, service: CoachService, *,
              client: WebClient | None = None) -> App:
    """Build the Slack app with every listener registered.

    Args:
        settings: the checked Slack settings.
        service: the coach service (database, engine, clock).
        client: the Web API client; by default one on ``settings.api_url`` with the bot
            token and our retry handlers. Bolt copies its base URL and retry handlers into
            the client of every request.

    Returns:
        The Bolt app; serve it with :mod:`bot.slack.serve`.

    """
    settings.check()
    if client is None:
        client = web_client(settings.api_url, settings.bot_token)
    elif client.base_url != settings.api_url:
        log.warning("the Web API client talks to %s, not SLACK_API_URL %s",
                    client.base_url, settings.api_url)
    app = App(
        name="dealcoach",
        client=client,
        signing_secret=settings.signing_secret or "",
        # HTTP mode always has a secret (settings.check); Socket Mode requests are not
        # signed, so a Socket Mode app without one has nothing to verify.
        request_verification_enabled=settings.signing_secret is not None,
        # auth.test at start-up: a wrong token fails here, not on the first command.
        token_verification_enabled=True,
        logger=logging.getLogger("dealcoach.slack.bolt"),
    )
    front = Front(coach=SlackCoach(service), settings=settings)
    register_all(app, front)
    return app
