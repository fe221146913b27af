"""``dealcoach serve``: start-up checks, Socket Mode dispatch, and HTTP under gunicorn."""

from __future__ import annotations

import argparse
import logging
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from unittest.mock import MagicMock

import pytest
from slack_sdk.socket_mode.request import SocketModeRequest

from auxil.fake_slack import FakeSlack, SignedSlackClient
from auxil.processes import SLACK_VARIABLES
from bot.service import CoachService
from bot.slack.app import build_app
from bot.slack.config import SlackSettings
from bot.slack.serve import run_serve
from bot.store.database import Database

REPO = Path(__file__).resolve().parents[3]


def _env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, **values: str) -> None:
    for name in SLACK_VARIABLES:  # what a developer's shell may hold
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'serve.db'}")
    for name, value in values.items():
        monkeypatch.setenv(name, value)


def test_missing_settings_stop_start_up_with_one_sentence(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _env(monkeypatch, tmp_path, SLACK_BOT_TOKEN="xoxb-1")
    assert run_serve(argparse.Namespace()) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("dealcoach: SLACK_SIGNING_SECRET is not set") and "\n" not in err


def test_a_refused_bot_token_stops_start_up(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    fake_slack: FakeSlack,
    capsys: pytest.CaptureFixture[str],
) -> None:
    fake_slack.answer("auth.test", lambda body: {"ok": False, "error": "invalid_auth"})
    _env(
        monkeypatch,
        tmp_path,
        SLACK_BOT_TOKEN="xoxb-bad",
        SLACK_SIGNING_SECRET="s",
        SLACK_API_URL=fake_slack.api_url,
    )
    assert run_serve(argparse.Namespace()) == 2
    assert "Slack refused SLACK_BOT_TOKEN (invalid_auth)" in capsys.readouterr().err


def test_an_unreachable_slack_stops_start_up(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gone = FakeSlack().start()
    gone.stop()  # nothing listens on its port any more
    _env(
        monkeypatch,
        tmp_path,
        SLACK_BOT_TOKEN="xoxb-1",
        SLACK_SIGNING_SECRET="s",
        SLACK_API_URL=gone.api_url,
    )
    assert run_serve(argparse.Namespace()) == 2
    assert f"Slack at {gone.api_url} could not be reached: " in capsys.readouterr().err


def test_socket_mode_opens_its_connection_through_slack_api_url(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    fake_slack: FakeSlack,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # The fake refuses apps.connections.open, so start-up ends with a clear sentence.
    _env(
        monkeypatch,
        tmp_path,
        SLACK_BOT_TOKEN="xoxb-1",
        SLACK_APP_TOKEN="xapp-1",
        SLACK_API_URL=fake_slack.api_url,
    )
    assert run_serve(argparse.Namespace()) == 2
    (call,) = fake_slack.of("apps.connections.open")
    assert call.token == "xapp-1"
    assert "Slack refused SLACK_APP_TOKEN (invalid_auth)" in capsys.readouterr().err


def test_socket_mode_requests_are_dispatched_without_signatures(
    fake_slack: FakeSlack, slack_database: Database
) -> None:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    settings = SlackSettings(bot_token="xoxb-1", app_token="xapp-1", api_url=fake_slack.api_url)
    app = build_app(settings, CoachService(slack_database))
    handler = SocketModeHandler(app, app_token="xapp-1")
    connection = MagicMock()
    connection.logger = logging.getLogger("test.socket_mode")
    try:
        command = {
            "team_id": "T1",
            "user_id": "U1",
            "channel_id": "C1",
            "command": "/deal",
            "text": "new Acme",
            "response_url": fake_slack.response_url("sm"),
            "api_app_id": "A1",
            "trigger_id": "t",
        }
        handler.handle(
            connection,
            SocketModeRequest(type="slash_commands", envelope_id="env-1", payload=command),
        )
        fake_slack.wait_for("sm")
        assert connection.send_socket_mode_response.call_args.args[0].envelope_id == "env-1"
        event = {
            "type": "message",
            "channel_type": "im",
            "channel": "DU1",
            "user": "U1",
            "text": "give training",
            "ts": "1.0",
        }
        envelope = {
            "team_id": "T1",
            "api_app_id": "A1",
            "type": "event_callback",
            "event_id": "Ev-sm",
            "event_time": 1,
            "event": event,
        }
        for attempt in (None, 1):  # a delivery, then Slack's retry of it
            handler.handle(
                connection,
                SocketModeRequest(
                    type="events_api",
                    envelope_id=f"env-{attempt}",
                    payload=envelope,
                    retry_attempt=attempt,
                    retry_reason="timeout" if attempt else None,
                ),
            )
        fake_slack.wait_for("chat.postMessage")
        fake_slack.quiet()
        assert len(fake_slack.of("chat.postMessage")) == 1
    finally:
        handler.close()  # type: ignore[no-untyped-call]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_http_mode_under_gunicorn(tmp_path: Path, fake_slack: FakeSlack) -> None:
    port = _free_port()
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": "xoxb-1",
        "SLACK_SIGNING_SECRET": "gunicorn-secret",
        "SLACK_API_URL": fake_slack.api_url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'g.db'}",
        "DEALCOACH_LOG": "warning",
    }
    for name in ("SLACK_APP_TOKEN", "SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET"):
        env.pop(name, None)
    code = (
        "import argparse, sys; from bot.slack.serve import run_serve; "
        f"sys.exit(run_serve(argparse.Namespace(port={port}, host='127.0.0.1', workers=1, "
        "threads=4)))"
    )
    server = subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2) as response:
                    assert response.status == 200
                    break
            except (urllib.error.URLError, ConnectionError):
                assert server.poll() is None, server.stdout.read() if server.stdout else ""
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.1)
        slack = SignedSlackClient(base, "gunicorn-secret", fake_slack)
        assert slack.command("new Acme", response_name="g").status == 200
        fake_slack.wait_for("g")
        assert slack.command("new Acme", secret="wrong").status == 401
    finally:
        server.terminate()
        server.wait(timeout=30)
