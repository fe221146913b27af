"""The Bolt app factory: the only place a Slack ``App`` is built, and never at import time.

Tests, ``dealcoach serve`` and the benchmark each build their own app from settings, a
:class:`~bot.service.CoachService` and, optionally, a Web API client (a test points it at
a fake Slack).
"""

from __future__ import annotations

import logging
import os
import re
from typing import TYPE_CHECKING, Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.service import CoachService
from bot.settings import SettingsError
from bot.slack.client import web_client
from bot.slack.coach import SlackCoach
from bot.slack.config import BOT_SCOPES, SlackSettings
from bot.slack.front import Front
from bot.slack.listeners import register_all
from bot.slack.workspaces import TOKEN_ROTATION_MINUTES, installation_store
from flows.engine import default_library

if TYPE_CHECKING:
    from slack_sdk.oauth.installation_store import InstallationStore

log = logging.getLogger(__name__)

INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
# A state is issued when someone opens /slack/install and must come back within this time.
OAUTH_STATE_SECONDS = 600


def build_app(
    settings: SlackSettings, service: CoachService, *, client: WebClient | None = None
) -> App:
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
    if (
        not settings.oauth
        and os.environ.get("SLACK_CLIENT_ID")
        and os.environ.get("SLACK_CLIENT_SECRET")
    ):
        # Bolt would read them itself and silently switch to file-based OAuth stores.
        raise SettingsError(
            "SLACK_CLIENT_ID and SLACK_CLIENT_SECRET are set in the environment but the "
            "settings use a bot token: unset them, or use them instead of the token."
        )
    if client is None:
        client = web_client(settings.api_url, settings.bot_token)
    elif client.base_url != settings.api_url:
        log.warning(
            "the Web API client talks to %s, not SLACK_API_URL %s",
            client.base_url,
            settings.api_url,
        )
    installation_store = None
    options: dict[str, Any] = {}
    if settings.oauth:
        installation_store, options = _oauth_options(settings, service, client)
    quiet_slack_logs()
    app = App(
        name="dealcoach",
        client=client,
        signing_secret=settings.signing_secret or "",
        # HTTP mode always has a secret (settings.check); Socket Mode requests are not
        # signed, so a Socket Mode app without one has nothing to verify.
        request_verification_enabled=settings.signing_secret is not None,
        # auth.test at start-up: a wrong token fails here, not on the first command.
        token_verification_enabled=not settings.oauth,
        logger=logging.getLogger(BOLT_LOGGER),
        **options,
    )
    front = Front(
        coach=SlackCoach(service), settings=settings, installation_store=installation_store
    )
    register_all(app, front)
    return app


# Loggers of slack_sdk that write request and response bodies (tokens, user text) at DEBUG.
SLACK_SDK_LOGGERS = (
    "slack_sdk.web.base_client",
    "slack_sdk.web.legacy_base_client",
    "slack_sdk.webhook.client",
    "slack_sdk.socket_mode.builtin.client",
    "slack_sdk.socket_mode.client",
    "slack_sdk.oauth.installation_store.sqlalchemy",
    "slack_sdk.oauth.state_store.sqlalchemy",
    "slack_sdk.oauth.token_rotation.rotator",
    "slack_bolt.oauth.oauth_flow",
)
BOLT_LOGGER = "dealcoach.slack.bolt"
AUTHORIZE_LOGGER = "dealcoach.slack.authorize"
_TOKEN = re.compile(r"\bxox[a-z]-[A-Za-z0-9-]+|\bxapp-[A-Za-z0-9-]+")
_BODY = re.compile(r"(body\s*[:=]\s*).*", re.I | re.S)
_DICT = re.compile(r"\(\{.*\}\)", re.S)


class NoSecrets(logging.Filter):
    """Keep tokens and what users typed out of the logs, at every level.

    slack_sdk logs whole requests and responses at DEBUG (the OAuth answer carries the bot
    and user tokens); Bolt logs the body of a rejected request at INFO and of an unhandled
    one at WARNING. Those DEBUG records are dropped; any other record loses its tokens and
    request bodies.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        """Drop or clean one record."""
        if record.levelno <= logging.DEBUG and record.name.startswith("slack_"):
            return False
        message = record.getMessage()
        cleaned = _DICT.sub("({...})", _BODY.sub(r"\1(not logged)", _TOKEN.sub("xox?-…", message)))
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True


class NotNews(logging.Filter):
    """Drops what Bolt says about how it is meant to be used here.

    Bolt reads ``SLACK_BOT_TOKEN`` from the environment by itself and, since the app is
    given a client carrying that token, warns in every process that the token "will be
    unused".
    """

    def filter(self, record: logging.LogRecord) -> bool:
        """Keep every record but the expected ones."""
        return not str(record.msg).startswith(_EXPECTED)


_EXPECTED = ("As you gave `client` as well, `token` will be unused",)


def quiet_slack_logs() -> None:
    """Put :class:`NoSecrets` on Bolt's and slack_sdk's loggers, :class:`NotNews` on Bolt's.

    Bolt copies the filters of the logger the app is given to every logger it makes for
    its middleware and listeners, so the app's logger is filtered before the app is built.
    """
    for name in (BOLT_LOGGER, AUTHORIZE_LOGGER, *SLACK_SDK_LOGGERS):
        logger = logging.getLogger(name)
        if not any(isinstance(f, NoSecrets) for f in logger.filters):
            logger.addFilter(NoSecrets())
    bolt = logging.getLogger(BOLT_LOGGER)
    if not any(isinstance(f, NotNews) for f in bolt.filters):
        bolt.addFilter(NotNews())


def _oauth_options(
    settings: SlackSettings, service: CoachService, client: WebClient
) -> tuple[InstallationStore, dict[str, Any]]:
    """Bolt options for OAuth installs, with every store in our database.

    Installations and OAuth states go through slack_sdk's SQLAlchemy stores on the same
    engine as the deals (tables from our migrations). The authorizer is built here rather
    than by ``OAuthSettings`` so its token rotator uses our client, and so
    ``SLACK_API_URL``; the OAuth flow itself uses the app's client (``oauth.v2.access``).
    """
    from slack_bolt.authorization.authorize import InstallationStoreAuthorize
    from slack_bolt.oauth.oauth_settings import OAuthSettings
    from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

    from bot.store.slack_tables import OAUTH_STATES_TABLE

    assert settings.client_id is not None and settings.client_secret is not None
    engine = service.database.engine
    store = installation_store(settings, engine)
    states = SQLAlchemyOAuthStateStore(
        expiration_seconds=OAUTH_STATE_SECONDS, engine=engine, table_name=OAUTH_STATES_TABLE
    )
    oauth_settings = OAuthSettings(
        client_id=settings.client_id,
        client_secret=settings.client_secret,
        scopes=list(BOT_SCOPES),
        installation_store=store,
        installation_store_bot_only=True,
        state_store=states,
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        token_rotation_expiration_minutes=TOKEN_ROTATION_MINUTES,
    )
    authorize = InstallationStoreAuthorize(
        client_id=settings.client_id,
        client_secret=settings.client_secret,
        installation_store=store,
        bot_only=True,
        client=client,
        token_rotation_expiration_minutes=TOKEN_ROTATION_MINUTES,
        logger=logging.getLogger(AUTHORIZE_LOGGER),
    )
    return store, {
        "oauth_settings": oauth_settings,
        "authorize": authorize,
        "installation_store": store,
        "installation_store_bot_only": True,
        "user_facing_authorize_error_message": default_library().reply(
            "slack_not_installed", path=INSTALL_PATH
        ),
    }
