"""Listener functions with mocks: what they run, what they ignore, where answers go."""

from __future__ import annotations

from typing import Any
from unittest.mock import MagicMock

import pytest

from bot.service import CoachService
from bot.settings import SettingsError
from bot.slack.app import build_app
from bot.slack.config import SlackSettings
from bot.slack.front import workspace_of
from bot.slack.listeners.actions import run_step
from bot.slack.listeners.commands import run_slash_command
from bot.slack.listeners.events import handle_direct_message
from bot.slack.listeners.shortcuts import run_their_move
from bot.store.database import Database


def _dm(**overrides: Any) -> dict[str, Any]:
    return {
        "type": "message",
        "channel_type": "im",
        "channel": "D1",
        "user": "U1",
        "text": "new Acme",
        **overrides,
    }


@pytest.mark.parametrize(
    "event",
    [
        _dm(subtype="message_changed"),
        _dm(bot_id="B1"),
        _dm(channel_type="channel"),
        _dm(user=None),
    ],
)
def test_dms_that_are_not_commands_are_ignored(event: dict[str, Any]) -> None:
    front = MagicMock()
    handle_direct_message(front, event, {"event_id": "Ev1"}, {"team_id": "T1"}, MagicMock())
    front.run.assert_not_called()
    front.post.assert_not_called()


def test_a_dm_is_unescaped_and_carries_its_event_id() -> None:
    front, client = MagicMock(), MagicMock()
    handle_direct_message(
        front, _dm(text="give R&amp;D &lt;b&gt;"), {"event_id": "Ev7"}, {"team_id": "T1"}, client
    )
    front.run.assert_called_once_with(
        client, "T1", "U1", "give R&D <b>", event_id="Ev7", dm_thread=""
    )
    # The reply goes out with the Web API client itself (marked with its inbox row).
    assert client.api_call.call_args.args[0] == "chat.postMessage"
    assert client.api_call.call_args.kwargs["json"]["channel"] == "D1"


def test_a_retried_dm_already_acted_on_posts_nothing() -> None:
    front = MagicMock()
    front.run.return_value = None
    handle_direct_message(front, _dm(), {"event_id": "Ev7"}, {"team_id": "T1"}, MagicMock())
    front.post.assert_not_called()
    front.after_turn.assert_not_called()


def test_share_in_a_dm_points_to_the_slash_command() -> None:
    front = MagicMock()
    handle_direct_message(
        front, _dm(text="share"), {"event_id": "E"}, {"team_id": "T1"}, MagicMock()
    )
    front.run.assert_not_called()
    assert "/deal share" in str(front.post.call_args)


def test_slash_share_shares_instead_of_running() -> None:
    front = MagicMock()
    body = {"user_id": "U1", "channel_id": "C1", "response_url": "http://r", "text": " Share "}
    run_slash_command(front, body, {"team_id": "T1"}, MagicMock())
    front.share.assert_called_once()
    front.run.assert_not_called()


def test_the_shortcut_logs_the_message_as_their_line() -> None:
    front = MagicMock()
    shortcut = {
        "user": {"id": "U1"},
        "channel": {"id": "C1"},
        "response_url": "http://r",
        "message": {"text": "We need 20% off &amp; free onboarding"},
    }
    run_their_move(front, shortcut, {"team_id": "T1"}, MagicMock())
    front.coach.run.assert_called_once_with("T1", "U1", "they We need 20% off & free onboarding")


def test_a_home_button_answers_in_a_modal_and_a_message_button_in_the_thread() -> None:
    front, client = MagicMock(), MagicMock()
    body = {"user": {"id": "U1"}, "trigger_id": "t", "container": {"type": "view"}}
    run_step(front, body, {"value": "status"}, {"team_id": "T1"}, client)
    front.respond.assert_not_called()
    body = {
        "user": {"id": "U1"},
        "container": {"type": "message", "is_ephemeral": False},
        "response_url": "http://r",
        "channel": {"id": "D1"},
    }
    run_step(front, body, {"value": "status"}, {"team_id": "T1"}, client)
    assert front.respond.call_args.kwargs["response_type"] == "in_channel"


def test_workspace_of_prefers_the_team_then_the_enterprise() -> None:
    assert workspace_of({"team_id": "T1", "enterprise_id": "E1"}) == "T1"
    assert workspace_of({"enterprise_id": "E1"}) == "E1"
    assert workspace_of({}, {"team": {"id": "T2"}}) == "T2"


def test_client_id_in_the_environment_cannot_silently_switch_bolt_to_file_stores(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    monkeypatch.setenv("SLACK_CLIENT_ID", "1.2")
    monkeypatch.setenv("SLACK_CLIENT_SECRET", "x")
    settings = SlackSettings(bot_token="xoxb-1", signing_secret="s", api_url="http://127.0.0.1:9/")
    with pytest.raises(SettingsError, match="SLACK_CLIENT_ID"):
        build_app(settings, CoachService(Database(f"sqlite:///{tmp_path / 'x.db'}")))
