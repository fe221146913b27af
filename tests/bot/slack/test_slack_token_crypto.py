"""Installed tokens encrypted at rest with DEALCOACH_SECRET_KEY (SQLite and PostgreSQL)."""

from __future__ import annotations

import logging
from datetime import datetime

import pytest

pytest.importorskip("greenlet", reason="slack_sdk's SQLAlchemy stores need greenlet")

from cryptography.fernet import Fernet
from slack_harness import raw_tokens
from slack_sdk.oauth.installation_store.models.installation import Installation

from bot import cli
from bot.settings import SettingsError
from bot.slack.app import installation_store
from bot.slack.config import SlackSettings
from bot.slack.token_crypto import TokenKeyError, is_encrypted
from bot.store.database import Database

# Rotating tokens are long: about 160 characters, about 320 once encrypted.
ROTATING = "xoxe.xoxb-1-" + "MS0yLTIyMDQ0NjI3MzEyOC0zNjU5NDY0Njg4MTctNDI0MTA0NjA1MzEyMy" * 3
TOKENS = {
    "bot_token": ROTATING,
    "bot_refresh_token": "xoxe-1-" + "Ab9" * 50,
    "user_token": "xoxp-42-" + "Zq7" * 50,
    "user_refresh_token": "xoxe-1-" + "Uu1" * 50,
}
KEY = Fernet.generate_key().decode()
OTHER_KEY = Fernet.generate_key().decode()


def _settings(key: str | None) -> SlackSettings:
    return SlackSettings(client_id="111.222", client_secret="s", signing_secret="x", secret_key=key)


def _install(database: Database, key: str | None, team: str = "T1") -> None:
    installation_store(_settings(key), database.engine).save(
        Installation(
            app_id="A1",
            team_id=team,
            team_name="Acme",
            user_id="UADMIN",
            bot_id="B1",
            bot_user_id="UBOT",
            bot_scopes="chat:write",
            user_scopes="search:read",
            bot_token_expires_at=datetime(2030, 1, 1),
            user_token_expires_at=datetime(2030, 1, 1),
            **TOKENS,
        )
    )


def _url(database: Database) -> str:
    return database.engine.url.render_as_string(hide_password=False)


def test_a_round_trip_stores_no_token_text(database: Database) -> None:
    _install(database, KEY)
    raw = raw_tokens(database)
    assert len(raw) == 6  # four in the installation, the bot's two in its bot row
    assert all(is_encrypted(value) for value in raw)
    assert not any(token[:12] in value for value in raw for token in TOKENS.values())
    store = installation_store(_settings(KEY), database.engine)
    found = store.find_installation(enterprise_id=None, team_id="T1")
    assert found is not None
    assert {name: getattr(found, name) for name in TOKENS} == TOKENS
    bot = store.find_bot(enterprise_id=None, team_id="T1")
    assert bot is not None and bot.bot_token == ROTATING
    assert bot.bot_refresh_token == TOKENS["bot_refresh_token"]


def test_without_the_key_nothing_changes_and_start_up_says_so(
    database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        _install(database, None)
    assert sorted(raw_tokens(database)) == sorted(
        [*TOKENS.values(), ROTATING, TOKENS["bot_refresh_token"]]
    )
    assert (
        "DEALCOACH_SECRET_KEY is not set: installed Slack tokens are stored in plain "
        "text" in caplog.text
    )


def test_tokens_stored_before_the_key_was_set_still_read_and_can_be_encrypted(
    database: Database,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _install(database, None, team="T1")
    with caplog.at_level(logging.WARNING):
        store = installation_store(_settings(KEY), database.engine)
    assert (
        "6 installed Slack token(s) stored before DEALCOACH_SECRET_KEY was set are still "
        "in plain text: run `dealcoach db encrypt-tokens`" in caplog.text
    )
    _install(database, KEY, team="T2")  # new installs are encrypted beside the old ones
    for team in ("T1", "T2"):
        bot = store.find_bot(enterprise_id=None, team_id=team)
        assert bot is not None and bot.bot_token == ROTATING

    monkeypatch.setenv("DEALCOACH_SECRET_KEY", KEY)
    assert cli.main(["db", "encrypt-tokens", "--db", _url(database)]) == 0
    assert "Encrypted 6 installed Slack token(s)" in capsys.readouterr().out
    assert all(is_encrypted(value) for value in raw_tokens(database))
    found = store.find_installation(enterprise_id=None, team_id="T1")
    assert found is not None and {name: getattr(found, name) for name in TOKENS} == TOKENS
    assert cli.main(["db", "encrypt-tokens", "--db", _url(database)]) == 0
    assert "Encrypted 0 installed" in capsys.readouterr().out


@pytest.mark.parametrize("key", [OTHER_KEY, None], ids=["wrong key", "no key"])
def test_a_wrong_or_missing_key_stops_start_up_in_one_sentence(
    database: Database,
    key: str | None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _install(database, KEY)
    with pytest.raises(TokenKeyError, match="DEALCOACH_SECRET_KEY"):
        installation_store(_settings(key), database.engine)
    for name, value in {
        "SLACK_CLIENT_ID": "111.222",
        "SLACK_CLIENT_SECRET": "s",
        "SLACK_SIGNING_SECRET": "x",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    monkeypatch.delenv("SLACK_APP_TOKEN", raising=False)
    if key is None:
        monkeypatch.delenv("DEALCOACH_SECRET_KEY", raising=False)
    else:
        monkeypatch.setenv("DEALCOACH_SECRET_KEY", key)
    for argv in (
        ["serve", "--db", _url(database)],
        ["remind", "--once", "--db", _url(database)],
        ["db", "encrypt-tokens", "--db", _url(database)],
    ):
        assert cli.main(argv) == 2, argv
        err = capsys.readouterr().err
        assert "DEALCOACH_SECRET_KEY" in err and "Traceback" not in err, argv
        assert len(err.strip().splitlines()) == 1, err


def test_a_token_that_no_longer_decrypts_reads_as_not_installed(
    database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    store = installation_store(_settings(KEY), database.engine)
    _install(database, OTHER_KEY)  # another process, another key, after start-up
    with caplog.at_level(logging.ERROR):
        assert store.find_bot(enterprise_id=None, team_id="T1") is None
        assert store.find_installation(enterprise_id=None, team_id="T1") is None
    assert "does not decrypt the installed Slack tokens" in caplog.text


@pytest.mark.parametrize("key", ["not-a-key", "x" * 44])
def test_a_malformed_key_is_a_settings_error(key: str) -> None:
    with pytest.raises(SettingsError, match=r"not a Fernet key.*dealcoach db new-key"):
        SlackSettings.from_env(
            {
                "SLACK_CLIENT_ID": "1",
                "SLACK_CLIENT_SECRET": "s",
                "SLACK_SIGNING_SECRET": "x",
                "DEALCOACH_SECRET_KEY": key,
            }
        )


def test_new_key_prints_a_usable_key(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["db", "new-key"]) == 0
    key = capsys.readouterr().out.strip()
    assert (
        SlackSettings.from_env(
            {
                "SLACK_CLIENT_ID": "1",
                "SLACK_CLIENT_SECRET": "s",
                "SLACK_SIGNING_SECRET": "x",
                "DEALCOACH_SECRET_KEY": key,
            }
        ).secret_key
        == key
    )
