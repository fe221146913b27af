"""Each workspace's Slack credentials: the installation store and a sending client per team.

Shared by the Bolt app (OAuth installs), the reminder worker and the inbox sweeper, so none
of them has to import another to reach a workspace's token.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from slack_sdk import WebClient

from bot.slack.client import SLACK_CALL_FAILURES
from bot.slack.config import SlackSettings
from bot.slack.sender import ClientFor, sender_client
from bot.store.database import Database

if TYPE_CHECKING:
    from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
    from sqlalchemy import Engine

log = logging.getLogger(__name__)

# Rotating tokens are refreshed when they expire within this many minutes.
TOKEN_ROTATION_MINUTES = 120


def installation_store(settings: SlackSettings, engine: Engine) -> SQLAlchemyInstallationStore:
    """slack_sdk's installation store on our database (tables from our migrations).

    With ``DEALCOACH_SECRET_KEY`` set its tokens are encrypted at rest
    (:mod:`bot.slack.token_crypto`); the key is checked against the stored tokens here, so
    a wrong or missing one stops start-up with one sentence.

    Args:
        settings: OAuth settings (with the client id and the secret key, if any).
        engine: the database engine.

    Raises:
        SettingsError: the key is malformed, wrong, or missing for encrypted tokens.

    """
    from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore

    from bot.slack.token_crypto import (
        EncryptedInstallationStore,
        check_stored_tokens,
        cipher_from_key,
    )
    from bot.store.slack_tables import BOTS_TABLE, INSTALLATIONS_TABLE

    assert settings.client_id is not None
    cipher = cipher_from_key(settings.secret_key)
    check_stored_tokens(engine, cipher)
    if cipher is None:
        return SQLAlchemyInstallationStore(
            client_id=settings.client_id,
            engine=engine,
            bots_table_name=BOTS_TABLE,
            installations_table_name=INSTALLATIONS_TABLE,
        )
    return EncryptedInstallationStore(
        cipher=cipher,
        client_id=settings.client_id,
        engine=engine,
        bots_table_name=BOTS_TABLE,
        installations_table_name=INSTALLATIONS_TABLE,
    )


def workspace_clients(settings: SlackSettings, database: Database) -> ClientFor:
    """A function giving each workspace's sending client.

    With one bot token every workspace shares it. With OAuth installs, each workspace's bot
    token comes from its installation and is rotated first when it expires soon.

    Args:
        settings: the Slack settings.
        database: where installations are stored.

    """
    if not settings.oauth:
        shared = sender_client(settings.api_url, settings.bot_token)
        return lambda _workspace: shared
    from slack_sdk.oauth.token_rotation import TokenRotator

    assert settings.client_id is not None and settings.client_secret is not None
    store = installation_store(settings, database.engine)
    rotator = TokenRotator(
        client_id=settings.client_id,
        client_secret=settings.client_secret,
        client=WebClient(base_url=settings.api_url),
    )

    def client_for(workspace_id: str) -> WebClient | None:
        bot = store.find_bot(enterprise_id=None, team_id=workspace_id)
        if bot is None or not bot.bot_token:
            return None
        if bot.bot_refresh_token:
            # slack_sdk's rotation helper calls oauth.v2.access itself: not through attempt().
            try:
                rotated = rotator.perform_bot_token_rotation(
                    bot=bot, minutes_before_expiration=TOKEN_ROTATION_MINUTES
                )
            except SLACK_CALL_FAILURES as exc:
                log.error("rotating the token of %s failed: %s", workspace_id, exc)
                return None
            if rotated is not None:
                store.save_bot(rotated)
                bot = rotated
        return sender_client(settings.api_url, bot.bot_token)

    return client_for
