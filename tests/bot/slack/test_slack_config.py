"""Slack settings: one way to run, or one clear sentence saying what to fix."""

from __future__ import annotations

import pytest

from bot.settings import SettingsError
from bot.slack.config import DEFAULT_API_URL, SlackSettings

HTTP = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"}


def test_one_workspace_over_http() -> None:
    settings = SlackSettings.from_env(HTTP)
    assert settings.bot_token == "xoxb-1" and not settings.socket_mode and not settings.oauth
    assert settings.api_url == DEFAULT_API_URL


def test_socket_mode_needs_no_signing_secret() -> None:
    settings = SlackSettings.from_env({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"})
    assert settings.socket_mode


def test_many_workspaces_with_oauth() -> None:
    settings = SlackSettings.from_env(
        {"SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "c", "SLACK_SIGNING_SECRET": "s"}
    )
    assert settings.oauth and settings.bot_token is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("http://127.0.0.1:9/api", "http://127.0.0.1:9/api/"),
        ("https://slack.example/api/", "https://slack.example/api/"),
        ("  https://slack.example/api//  ", "https://slack.example/api/"),
    ],
)
def test_the_api_url_is_normalised(value: str, expected: str) -> None:
    assert SlackSettings.from_env({**HTTP, "SLACK_API_URL": value}).api_url == expected


@pytest.mark.parametrize(
    ("env", "names"),
    [
        ({}, "SLACK_BOT_TOKEN"),
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_SIGNING_SECRET"),
        ({"SLACK_BOT_TOKEN": "xapp-1", "SLACK_SIGNING_SECRET": "s"}, "xoxb-"),
        ({**HTTP, "SLACK_APP_TOKEN": "xoxb-2"}, "xapp-"),
        ({**HTTP, "SLACK_CLIENT_ID": "1.2"}, "SLACK_CLIENT_SECRET"),
        ({**HTTP, "SLACK_CLIENT_SECRET": "c"}, "SLACK_CLIENT_ID"),
        ({**HTTP, "SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "c"}, "contradict"),
        (
            {"SLACK_APP_TOKEN": "xapp-1", "SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "c"},
            "Socket Mode",
        ),
        ({**HTTP, "SLACK_API_URL": "slack.com/api"}, "SLACK_API_URL"),
        ({**HTTP, "SLACK_API_URL": "ftp://slack.com/api"}, "SLACK_API_URL"),
    ],
)
def test_missing_or_contradictory_settings_are_one_sentence(
    env: dict[str, str], names: str
) -> None:
    with pytest.raises(SettingsError) as caught:
        SlackSettings.from_env(env)
    message = str(caught.value)
    assert names in message
    assert message.endswith(".") and "\n" not in message


def test_blank_values_count_as_missing() -> None:
    with pytest.raises(SettingsError, match="SLACK_BOT_TOKEN"):
        SlackSettings.from_env({"SLACK_BOT_TOKEN": "  ", "SLACK_SIGNING_SECRET": "s"})
