"""Installed Slack tokens encrypted at rest when ``DEALCOACH_SECRET_KEY`` is set.

The key is a Fernet key (cryptography's AES-128-CBC + HMAC-SHA256 recipe), given as is:
44 URL-safe base64 characters, made with ``dealcoach db new-key``. It is not derived from
a passphrase, so there is no weak-passphrase case and no KDF parameters to keep.

Every token column slack_sdk's installation store writes (``bot_token``,
``bot_refresh_token``, ``user_token``, ``user_refresh_token``) is encrypted on its way to
the database and decrypted on its way back, by a column type on the store's own tables, so
every insert, update and select slack_sdk makes goes through it. Nothing else changes: the
lookups are by team and client id, never by token.

A token written in plain text before the key was set still reads (a Slack token starts
with ``xox``; a Fernet token with ``gAAAAA``); ``dealcoach db encrypt-tokens`` rewrites
those rows encrypted, and start-up says how many are left. Start-up stops with one sentence
when the key is malformed, when it does not decrypt the stored tokens, or when tokens are
encrypted and no key is set.
"""

from __future__ import annotations

import logging
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from slack_sdk.oauth.installation_store.models.bot import Bot
from slack_sdk.oauth.installation_store.models.installation import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from sqlalchemy import Engine, String, Table
from sqlalchemy.types import TypeDecorator

from bot.settings import SettingsError
from bot.store.installation_tokens import replace_token, stored_tokens

log = logging.getLogger(__name__)

SECRET_KEY_VARIABLE = "DEALCOACH_SECRET_KEY"
# The token fields of slack_sdk's Installation and Bot (the incoming webhook URL is not
# stored: the app asks for no incoming-webhook scope).
TOKEN_COLUMNS = ("bot_token", "bot_refresh_token", "user_token", "user_refresh_token")
# What a Fernet token starts with: version byte 0x80, then a 64-bit timestamp whose high
# bytes are zero for the next thousands of years.
_FERNET_PREFIX = "gAAAAA"
NEW_KEY_HINT = "make one with `dealcoach db new-key`"


class TokenKeyError(SettingsError):
    """The secret key is malformed, wrong for the stored tokens, or missing for them."""


def cipher_from_key(key: str | None) -> Fernet | None:
    """The Fernet cipher for ``DEALCOACH_SECRET_KEY``, or None when it is not set.

    Raises:
        TokenKeyError: the value is not a Fernet key.

    """
    if key is None or not key.strip():
        return None
    try:
        return Fernet(key.strip().encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        raise TokenKeyError(
            f"{SECRET_KEY_VARIABLE} is not a Fernet key (44 URL-safe base64 characters): "
            f"{NEW_KEY_HINT}."
        ) from None


def new_key() -> str:
    """A fresh random key for ``DEALCOACH_SECRET_KEY``."""
    return Fernet.generate_key().decode("ascii")


def is_encrypted(value: str) -> bool:
    """Whether a stored token value is ciphertext (else it is a plain Slack token)."""
    return value.startswith(_FERNET_PREFIX)


class EncryptedToken(TypeDecorator[str]):
    """A token column: encrypted when bound, decrypted (or read as plain text) when loaded."""

    impl = String
    cache_ok = True

    def __init__(self, cipher: Fernet, length: int | None = None) -> None:
        super().__init__(length)
        self.cipher = cipher

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        """Encrypt a token on its way to the database."""
        if value is None:
            return None
        return self.cipher.encrypt(str(value).encode()).decode("ascii")

    def process_result_value(self, value: Any, dialect: Any) -> str | None:
        """Decrypt a stored token; one stored before the key was set reads as it is."""
        if value is None:
            return None
        if not is_encrypted(value):
            return str(value)
        try:
            return self.cipher.decrypt(value.encode("ascii")).decode()
        except InvalidToken:
            raise TokenKeyError(_WRONG_KEY) from None


_WRONG_KEY = (
    f"{SECRET_KEY_VARIABLE} does not decrypt the installed Slack tokens: set the key "
    "they were encrypted with (or reinstall the app in each workspace)."
)
_NO_KEY = (
    f"the installed Slack tokens are encrypted but {SECRET_KEY_VARIABLE} is not set: "
    "set the key they were encrypted with."
)


class EncryptedInstallationStore(SQLAlchemyInstallationStore):
    """slack_sdk's SQLAlchemy installation store with its token columns encrypted."""

    def __init__(self, *, cipher: Fernet, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        for table in (self.installations, self.bots):
            for name in TOKEN_COLUMNS:
                if name in table.c:
                    column = table.c[name]
                    column.type = EncryptedToken(cipher, getattr(column.type, "length", None))

    def find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        """The workspace's bot; None (logged) when its token does not decrypt."""
        try:
            return super().find_bot(
                enterprise_id=enterprise_id,
                team_id=team_id,
                is_enterprise_install=is_enterprise_install,
            )
        except TokenKeyError as exc:
            log.error("the bot token of %s cannot be read: %s", team_id, exc)
            return None

    def find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        """The workspace's installation; None (logged) when its tokens do not decrypt."""
        try:
            return super().find_installation(
                enterprise_id=enterprise_id,
                team_id=team_id,
                user_id=user_id,
                is_enterprise_install=is_enterprise_install,
            )
        except TokenKeyError as exc:
            log.error("the installation of %s cannot be read: %s", team_id, exc)
            return None


def _tables() -> tuple[Table, ...]:
    from bot.store.slack_tables import slack_bots, slack_installations

    return (slack_installations, slack_bots)


def check_stored_tokens(engine: Engine, cipher: Fernet | None) -> int:
    """Check the key against the stored tokens at start-up; log what is in plain text.

    Args:
        engine: the database holding the installations.
        cipher: the cipher from ``DEALCOACH_SECRET_KEY``, or None when it is not set.

    Returns:
        How many stored tokens are in plain text.

    Raises:
        TokenKeyError: a stored token is encrypted and the key is missing or wrong.

    """
    plain = _count_plain(engine, cipher)
    if cipher is None:
        log.warning(
            "%s is not set: installed Slack tokens are stored in plain text.", SECRET_KEY_VARIABLE
        )
    elif plain:
        log.warning(
            "%d installed Slack token(s) stored before %s was set are still in plain "
            "text: run `dealcoach db encrypt-tokens`.",
            plain,
            SECRET_KEY_VARIABLE,
        )
    return plain


def _count_plain(engine: Engine, cipher: Fernet | None) -> int:
    """How many stored tokens are plain text; raises TokenKeyError as described above."""
    plain = 0
    with engine.connect() as conn:
        for _table, _column, _id, value in stored_tokens(conn, _tables(), TOKEN_COLUMNS):
            if not is_encrypted(value):
                plain += 1
            elif cipher is None:
                raise TokenKeyError(_NO_KEY)
            else:
                try:
                    cipher.decrypt(value.encode("ascii"))
                except InvalidToken:
                    raise TokenKeyError(_WRONG_KEY) from None
    return plain


def encrypt_stored_tokens(engine: Engine, cipher: Fernet) -> int:
    """Encrypt every token stored in plain text, in one transaction.

    Returns:
        How many tokens were encrypted (0 when all already were).

    Raises:
        TokenKeyError: a token already encrypted does not decrypt with this key.

    """
    _count_plain(engine, cipher)
    done = 0
    with engine.begin() as conn:
        for table, column, row_id, value in list(stored_tokens(conn, _tables(), TOKEN_COLUMNS)):
            if is_encrypted(value):
                continue
            ciphertext = cipher.encrypt(value.encode()).decode("ascii")
            replace_token(conn, table, column, row_id, ciphertext)
            done += 1
    return done
