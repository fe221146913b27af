"""deploy/manifest.yml agrees with the code: commands, callback ids, events, scopes."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from bot.slack.config import BOT_SCOPES, METHOD_SCOPES
from bot.slack.listeners import commands, events, shortcuts
from bot.slack.serve import EVENTS_PATH

REPO = Path(__file__).resolve().parents[3]
MANIFEST = REPO / "deploy" / "manifest.yml"


def _manifest() -> dict[str, Any]:
    return dict(yaml.safe_load(MANIFEST.read_text(encoding="utf-8")))


def test_slash_commands_match_and_escape_user_text() -> None:
    (command,) = _manifest()["features"]["slash_commands"]
    assert command["command"] == commands.COMMAND
    # The listener unescapes &amp; &lt; &gt; and expects mentions as <@U...>.
    assert command["should_escape"] is True
    assert command["url"].endswith(EVENTS_PATH)


def test_shortcut_callback_ids_match() -> None:
    found = {(s["type"], s["callback_id"]) for s in _manifest()["features"]["shortcuts"]}
    assert found == {("message", shortcuts.LOG_THEIR_MOVE)}


def test_event_subscriptions_match() -> None:
    settings = _manifest()["settings"]
    assert set(settings["event_subscriptions"]["bot_events"]) == set(events.EVENTS)
    assert settings["event_subscriptions"]["request_url"].endswith(EVENTS_PATH)
    assert settings["interactivity"]["is_enabled"] is True
    assert settings["interactivity"]["request_url"].endswith(EVENTS_PATH)
    assert settings["socket_mode_enabled"] is True


def test_app_home_has_the_home_tab_and_a_writable_messages_tab() -> None:
    home = _manifest()["features"]["app_home"]
    assert home == {
        "home_tab_enabled": True,
        "messages_tab_enabled": True,
        "messages_tab_read_only_enabled": False,
    }


def test_scopes_match_and_cover_every_method_the_code_calls() -> None:
    scopes = _manifest()["oauth_config"]["scopes"]["bot"]
    assert sorted(scopes) == sorted(BOT_SCOPES)
    source = "\n".join(
        p.read_text(encoding="utf-8") for p in (REPO / "bot" / "slack").rglob("*.py")
    )
    called = set(re.findall(r"call\(\s*\w+,\s*\"([a-z]+\.[a-zA-Z.]+)\"", source))
    called |= {"views.publish", "chat.postMessage"}  # sanity: the scan finds the basics
    assert called <= set(METHOD_SCOPES), called - set(METHOD_SCOPES)
    needed = {METHOD_SCOPES[m] for m in called} - {None}
    assert needed <= set(scopes)
    # Slash commands and shortcuts need "commands"; DMs in the Messages tab need im:history.
    assert {"commands", "im:history"} <= set(scopes)


def test_the_oauth_redirect_uses_bolts_default_path() -> None:
    (url,) = _manifest()["oauth_config"]["redirect_urls"]
    assert url.endswith("/slack/oauth_redirect")
