"""Slack settings from the environment, checked once at start-up.

Two ways to run, chosen by which settings are present:

* one workspace: ``SLACK_BOT_TOKEN`` (and ``SLACK_SIGNING_SECRET`` over HTTP, or
  ``SLACK_APP_TOKEN`` for Socket Mode);
* many workspaces over HTTP: ``SLACK_CLIENT_ID`` + ``SLACK_CLIENT_SECRET`` +
  ``SLACK_SIGNING_SECRET``; each workspace's token comes from its installation.

A missing or contradictory combination raises :class:`bot.settings.SettingsError` with
one sentence saying what to change, so start-up never fails with a traceback. The reminder
worker (``dealcoach remind``) only sends messages, so it is checked for what sending needs:
a bot token, or the OAuth client whose installations hold the tokens (``serving=False``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from bot.settings import SettingsError

DEFAULT_API_URL = "https://slack.com/api/"
# The bot scopes the app asks for at install; deploy/manifest.yml must list the same ones
# (a test checks both, and that every Web API method the code calls is covered).
# files:read downloads a sheet shared in the DM (url_private_download, no Web API method);
# files:write uploads the frontier chart; im:write opens the DM a /deal analyze chart goes to
# (and the DM a nudge or reminder goes to); users:read reads a user's time zone and admin flag.
BOT_SCOPES = (
    "commands",
    "chat:write",
    "im:history",
    "files:read",
    "files:write",
    "im:write",
    "users:read",
)
# The scope each Web API method the app calls needs (None: the bot token alone will do).
METHOD_SCOPES: dict[str, str | None] = {
    "auth.test": None,
    "chat.postMessage": "chat:write",
    "chat.postEphemeral": "chat:write",
    "views.publish": None,
    "views.open": None,
    "views.update": None,
    "views.push": None,
    "apps.connections.open": None,  # the app-level token's connections:write
    # files_upload_v2: get an upload URL, send the bytes there, then share the file.
    "files.getUploadURLExternal": "files:write",
    "files.completeUploadExternal": "files:write",
    "conversations.open": "im:write",
    # Who is typing (time zone, admin); the sender's look in a DM before posting twice.
    "users.info": "users:read",
    "conversations.history": "im:history",
}


@dataclass(frozen=True)
class SlackSettings:
    """Everything the Slack front needs to know about its Slack app."""

    bot_token: str | None = None
    signing_secret: str | None = None
    app_token: str | None = None
    client_id: str | None = None
    client_secret: str | None = None
    api_url: str = DEFAULT_API_URL
    # DEALCOACH_SECRET_KEY: a Fernet key that encrypts installed tokens at rest (OAuth).
    secret_key: str | None = field(default=None, repr=False)

    @property
    def socket_mode(self) -> bool:
        """Whether the app connects out over Socket Mode instead of serving HTTP."""
        return self.app_token is not None

    @property
    def oauth(self) -> bool:
        """Whether workspaces install the app through OAuth (many workspaces)."""
        return self.client_id is not None

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, *, serving: bool = True
    ) -> SlackSettings:
        """Read and check the ``SLACK_*`` variables.

        Args:
            environ: the environment to read (default: ``os.environ``).
            serving: check what serving Slack's requests needs too (the signing secret over
                HTTP, the app token's form); False for a process that only sends.

        Raises:
            SettingsError: a setting is missing, malformed or contradicts another.

        """
        env = os.environ if environ is None else environ

        def get(name: str) -> str | None:
            value = env.get(name, "").strip()
            return value or None

        settings = cls(
            bot_token=get("SLACK_BOT_TOKEN"),
            signing_secret=get("SLACK_SIGNING_SECRET"),
            app_token=get("SLACK_APP_TOKEN"),
            client_id=get("SLACK_CLIENT_ID"),
            client_secret=get("SLACK_CLIENT_SECRET"),
            api_url=normalise_api_url(get("SLACK_API_URL") or DEFAULT_API_URL),
            secret_key=get("DEALCOACH_SECRET_KEY"),
        )
        settings.check(serving=serving)
        return settings

    def check(self, *, serving: bool = True) -> None:
        """Raise :class:`SettingsError` unless the settings describe one way to run.

        Args:
            serving: check what serving Slack's requests needs too; False for a process
                that only sends (the reminder worker).

        Raises:
            SettingsError: with one sentence naming the variable to fix.

        """
        if (self.client_id is None) != (self.client_secret is None):
            missing = "SLACK_CLIENT_SECRET" if self.client_secret is None else "SLACK_CLIENT_ID"
            raise SettingsError(
                f"{missing} is not set: OAuth installs need both SLACK_CLIENT_ID and "
                "SLACK_CLIENT_SECRET."
            )
        if self.oauth and self.bot_token:
            raise SettingsError(
                "SLACK_BOT_TOKEN and SLACK_CLIENT_ID/SLACK_CLIENT_SECRET contradict each other: "
                "set the bot token for one workspace or the OAuth client for many, not both."
            )
        if serving and self.oauth and self.socket_mode:
            raise SettingsError(
                "SLACK_APP_TOKEN (Socket Mode) cannot be combined with "
                "SLACK_CLIENT_ID/SLACK_CLIENT_SECRET: OAuth installs need HTTP, so unset one."
            )
        if not self.oauth and not self.bot_token:
            raise SettingsError(
                "SLACK_BOT_TOKEN is not set: set it (one workspace) or set SLACK_CLIENT_ID "
                "and SLACK_CLIENT_SECRET (many workspaces)."
            )
        if self.bot_token and not self.bot_token.startswith(("xoxb-", "xoxe.xoxb-")):
            raise SettingsError(
                "SLACK_BOT_TOKEN must be a bot token starting with xoxb- "
                "(OAuth & Permissions > Bot User OAuth Token)."
            )
        if serving and self.app_token and not self.app_token.startswith("xapp-"):
            raise SettingsError(
                "SLACK_APP_TOKEN must be an app-level token starting with xapp- "
                "(Basic Information > App-Level Tokens, scope connections:write)."
            )
        if self.secret_key is not None:
            from bot.slack.token_crypto import cipher_from_key

            cipher_from_key(self.secret_key)  # a malformed key stops start-up here
        if serving and not self.socket_mode and not self.signing_secret:
            raise SettingsError(
                "SLACK_SIGNING_SECRET is not set: HTTP mode needs it to verify requests "
                "(or set SLACK_APP_TOKEN to use Socket Mode)."
            )


def normalise_api_url(value: str) -> str:
    """The Web API base URL with exactly one trailing slash (slack_sdk appends method names).

    Args:
        value: what ``SLACK_API_URL`` holds.

    Raises:
        SettingsError: the value is not an http(s) URL.

    """
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SettingsError(
            f"SLACK_API_URL must be an http(s) URL such as {DEFAULT_API_URL}, not {value!r}."
        )
    return value.strip().rstrip("/") + "/"
