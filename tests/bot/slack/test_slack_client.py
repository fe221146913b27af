"""bot/slack/client.attempt and call against the fake Slack: what each kind of failure comes to."""

from __future__ import annotations

import logging

import pytest

from auxil.fake_slack import FakeSlack
from bot.slack import client as slack_client
from bot.slack.client import CallResult, attempt, call, web_client

TOKEN = "xoxb-test"


def test_an_ok_answer_carries_the_data(fake_slack: FakeSlack) -> None:
    result = attempt(
        web_client(fake_slack.api_url, TOKEN), "chat.postMessage", channel="U1", text="hi"
    )
    assert result.ok and result.data is not None
    assert result.data["ok"] is True and result.data["channel"] == "DU1"
    assert (result.error, result.status, result.retry_after) == (None, None, None)
    (posted,) = fake_slack.of("chat.postMessage")
    assert posted.body["text"] == "hi" and posted.token == TOKEN


def test_a_message_is_guarded_on_the_way_out(fake_slack: FakeSlack) -> None:
    attempt(
        web_client(fake_slack.api_url, TOKEN), "chat.postMessage", channel="U1", text="<!channel>"
    )
    assert fake_slack.of("chat.postMessage")[0].body["text"] == "&lt;!channel&gt;"


def test_a_slack_refusal_gives_its_error_code(fake_slack: FakeSlack) -> None:
    # users.info is a read method: it goes as a query, and an unknown user is ok: false.
    result = attempt(web_client(fake_slack.api_url, TOKEN), "users.info", user="U404")
    assert result == CallResult(
        error="user_not_found", status=200, reason="user_not_found (HTTP 200)"
    )
    assert not result.ok
    assert fake_slack.of("users.info")[0].body["user"] == "U404"


def test_a_429_that_outlasts_the_retries_gives_its_retry_after(
    fake_slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(slack_client, "MAX_RETRY_AFTER_SECONDS", 0.01)
    fake_slack.fail_next("chat.postMessage", 429, times=3, retry_after=7)
    result = attempt(
        web_client(fake_slack.api_url, TOKEN), "chat.postMessage", channel="U1", text="hi"
    )
    assert (result.data, result.error, result.status, result.retry_after) == (
        None,
        "ratelimited",
        429,
        7,
    )
    # The first try and both retries were answered 429; nothing was posted.
    assert [c.status for c in fake_slack.of("chat.postMessage", ok_only=False)] == [429] * 3
    assert fake_slack.dm("U1") == []


def test_a_lost_connection_has_no_status() -> None:
    gone = FakeSlack().start()
    client = web_client(gone.api_url, TOKEN)
    gone.stop()  # nothing listens on the port any more
    result = attempt(client, "auth.test")
    assert (result.data, result.error, result.status, result.retry_after) == (
        None,
        None,
        None,
        None,
    )
    assert result.reason


def test_call_logs_a_failure_and_returns_none(
    fake_slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="bot.slack.client"):
        assert call(web_client(fake_slack.api_url, TOKEN), "users.info", user="U404") is None
    assert "Slack users.info failed: user_not_found (HTTP 200)" in caplog.messages
