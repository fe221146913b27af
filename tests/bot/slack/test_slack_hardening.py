"""The smaller findings of issue 12 (finding 9), over signed HTTP against the fake Slack.

Malformed timestamps and oversized bodies are refused before Bolt reads them, a slash
command may say "payload", a 429 is waited out up to a bound, a failed ``users.info``
is said, logs carry no tokens or user text, the Home refresh never raises.
"""

from __future__ import annotations

import logging
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any
from unittest.mock import patch

import pytest
from slack_harness import Running, as_text, ask

from auxil.fake_slack import FakeSlack
from bot.service import CoachService
from bot.slack import client as slack_client
from bot.slack.app import NoSecrets, build_app, quiet_slack_logs
from bot.slack.config import SlackSettings
from bot.slack.serve import MAX_BODY_BYTES
from bot.store.database import Database


def _post(running: Running, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
    request = urllib.request.Request(running.slack.url, data=body, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def test_a_malformed_timestamp_is_a_400_not_a_500(
    running: Running, caplog: pytest.LogCaptureFixture
) -> None:
    status, body = _post(
        running,
        b"text=hi",
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": "abc",
            "X-Slack-Signature": "v0=00",
        },
    )
    assert status == 400 and "Timestamp" in body
    assert "Traceback" not in caplog.text


def test_a_body_over_the_cap_is_refused_unread(running: Running) -> None:
    read: list[int] = []

    class Body:
        """A request body that records how much of it the server read."""

        def __init__(self, size: int) -> None:
            self.left = size

        def read(self, n: int = -1) -> bytes:
            n = self.left if n < 0 else min(n, self.left)
            self.left -= n
            read.append(n)
            return b"x" * n

    from bot.slack.serve import _refusal

    environ: dict[str, Any] = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/slack/events",
        "CONTENT_LENGTH": str(MAX_BODY_BYTES + 1),
        "wsgi.input": Body(MAX_BODY_BYTES + 1),
    }
    assert _refusal(environ) == ("413 Content Too Large", "request body too large\n")
    assert read == []
    # Over the wire: announce a body over the cap but send only its first bytes. The server
    # answers from the headers alone (sending the whole body would race the server's close
    # and end in a broken pipe on the client instead of the answer we want to see).
    url = urllib.parse.urlsplit(running.slack.url)
    with socket.create_connection((url.hostname, url.port), timeout=10) as sock:
        sock.sendall(
            (
                f"POST {url.path} HTTP/1.1\r\nHost: {url.hostname}\r\n"
                "Content-Type: application/x-www-form-urlencoded\r\n"
                f"X-Slack-Request-Timestamp: {int(time.time())}\r\n"
                "X-Slack-Signature: v0=00\r\n"
                f"Content-Length: {MAX_BODY_BYTES + 10}\r\n\r\n"
            ).encode()
            + b"x" * 100
        )
        answer = sock.recv(200).decode(errors="replace")
    assert answer.split("\r\n", 1)[0].split()[1] == "413"


def test_a_slash_command_may_say_payload(running: Running) -> None:
    ask(running, "new Acme")
    answer = ask(running, "give payload terms")
    assert "payload terms" in as_text(answer)


def test_a_long_retry_after_is_waited_out_up_to_the_bound(
    running: Running, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(slack_client, "MAX_RETRY_AFTER_SECONDS", 0.2)
    running.fake.fail_next("users.info", 429, retry_after=60)
    running.fake.set_person("U1", tz="Europe/Paris")
    start = time.monotonic()
    answer = ask(running, "remind 08:30")
    assert time.monotonic() - start < 20
    assert "Europe/Paris" in as_text(answer)
    assert [c.status for c in running.fake.of("users.info", ok_only=False)] == [429, 200]


def test_a_failed_users_info_says_the_zone_is_unknown(running: Running) -> None:
    running.fake.fail_next("users.info", 500, times=3, retry_after=None)
    answer = ask(running, "remind 08:30")
    text = as_text(answer)
    assert "08:30" in text and "know your time zone" in text


def test_the_home_refresh_after_a_command_never_raises(
    running: Running, caplog: pytest.LogCaptureFixture
) -> None:
    from bot.store.space import SqlDealSpace

    ask(running, "new Acme")
    with patch.object(SqlDealSpace, "list_deals", side_effect=RuntimeError("db down")):
        answer = ask(running, "give training")
        # The refresh waits out the Home tab's interval after the first command's publish.
        deadline = time.monotonic() + 5
        while "was not refreshed" not in caplog.text and time.monotonic() < deadline:
            time.sleep(0.05)
    assert "training" in as_text(answer)
    assert "was not refreshed" in caplog.text and "Traceback" not in caplog.text


def test_no_token_or_user_text_in_slack_logs(caplog: pytest.LogCaptureFixture) -> None:
    quiet_slack_logs()
    caplog.set_level(logging.DEBUG)
    sdk = logging.getLogger("slack_sdk.web.base_client")
    sdk.debug(
        "Received the following response - status: 200, body: "
        '{"access_token": "xoxb-123-456-abc", "authed_user": {"access_token": "xoxp-9"}}'
    )
    bolt = logging.getLogger("dealcoach.slack.bolt")
    bolt.info(
        "Invalid request signature detected (signature: v0=1, timestamp: 1, "
        "body: text=SECRET-USER-TEXT)"
    )
    bolt.warning("Unhandled request ({'type': None, 'value': 'SECRET-USER-TEXT'})\n---\nhint")
    bolt.error("token xoxb-1-2-3 refused")
    assert "xoxb-" not in caplog.text and "xoxp-" not in caplog.text
    assert "SECRET-USER-TEXT" not in caplog.text
    assert "Invalid request signature detected" in caplog.text
    assert isinstance(bolt.filters[0], NoSecrets)


def test_a_rejected_request_logs_no_body(
    running: Running, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    sent = running.slack.command("give SECRET-USER-TEXT", secret="wrong")
    assert sent.status == 401
    assert "SECRET-USER-TEXT" not in caplog.text


def test_bolts_unused_token_warning_is_not_logged(
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    fake_slack: FakeSlack,
    slack_database: Database,
) -> None:
    # Bolt reads SLACK_BOT_TOKEN itself and warned in every process that it goes unused.
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    caplog.set_level(logging.INFO)
    build_app(
        SlackSettings(bot_token="xoxb-1", signing_secret="s", api_url=fake_slack.api_url),
        CoachService(slack_database),
    )
    assert not [r for r in caplog.records if "will be unused" in r.getMessage()]
