"""End to end: the real app over HTTP, a fake Slack Web API, requests signed like Slack's."""

from __future__ import annotations

import time
import urllib.request

import pytest
from slack_harness import Running

from auxil.fake_slack import Call
from bot.slack.blocks import MORE_ACTION, validate


def _blocks(call: Call) -> list[dict]:
    return list(call.body.get("blocks") or [])


def _block_ids(call: Call) -> list[str]:
    return [b.get("block_id", "") for b in _blocks(call)]


def _all_text(call: Call) -> str:
    import json

    return json.dumps(call.body)


def test_slash_command_answers_with_warning_blocks_through_the_response_url(
    running: Running,
) -> None:
    slack, fake = running.slack, running.fake
    assert slack.command("new Acme", response_name="r1").status == 200
    fake.wait_for("r1")
    sent = slack.command("give training", response_name="r2")
    assert sent.status == 200 and sent.body == ""  # an empty ack, then the answer
    (call,) = fake.wait_for("r2")
    assert call.body["response_type"] == "ephemeral"
    assert "warning:one_way_concession" in _block_ids(call)
    assert _blocks(call)[0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "Acme · Setup", "emoji": True},
    }
    validate(_blocks(call))
    buttons = next(b for b in _blocks(call) if b["type"] == "actions")["elements"]
    # After a give the main button asks what they give back (a bare `get`: its form).
    assert [(b["value"], b["text"]["text"]) for b in buttons if b["action_id"] != MORE_ACTION] == [
        ("get", "What do they give back?"),
        ("log", "Concession log"),
    ]


def test_a_rejected_command_gets_usage_and_stores_nothing(running: Running) -> None:
    running.slack.command("log", response_name="r")
    (call,) = running.fake.wait_for("r")
    assert _block_ids(call)[0] == "rejection:no_active_deal"
    assert call.body["response_type"] == "ephemeral"


def test_a_dm_runs_the_command_without_slash_deal(running: Running) -> None:
    slack, fake = running.slack, running.fake
    assert slack.dm("new Acme").status == 200
    (post,) = fake.wait_for("chat.postMessage")
    assert post.body["channel"] == "DU1"
    assert post.token == "xoxb-test-token"
    assert "Acme" in post.body["text"]


def test_a_retried_event_acts_once(running: Running) -> None:
    slack, fake = running.slack, running.fake
    slack.dm("new Acme", event_id="Ev-new")
    fake.wait_for("chat.postMessage")
    slack.dm("give training", event_id="Ev-give")
    fake.wait_for("chat.postMessage", 2)
    # Slack redelivers the same event, with and without the retry headers.
    for headers in ({"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}, {}):
        assert slack.dm("give training", event_id="Ev-give", headers=headers).status == 200
    fake.quiet()
    assert len(fake.of("chat.postMessage")) == 2
    outcome = running.service.handle("T1", "U1", "log")
    assert "Showing 1 of 1" in outcome.text  # type: ignore[union-attr]


def test_bad_signature_and_stale_timestamp_are_refused(running: Running) -> None:
    slack, fake = running.slack, running.fake
    assert slack.command("new Acme", secret="wrong").status == 401
    assert slack.command("new Acme", timestamp=int(time.time()) - 10 * 60).status == 401
    fake.quiet(0.2)
    assert not [c for c in fake.calls if c.kind == "response"]


def test_a_429_from_slack_is_retried_after_retry_after(running: Running) -> None:
    slack, fake = running.slack, running.fake
    fake.fail_next("chat.postMessage", 429, retry_after=1)
    slack.dm("new Acme")
    fake.wait_for("chat.postMessage", timeout=15)
    failed = fake.of("chat.postMessage", ok_only=False)
    assert [c.status for c in failed] == [429, 200]
    assert failed[1].at - failed[0].at >= 1.0


def test_a_429_on_the_response_url_is_retried(running: Running) -> None:
    slack, fake = running.slack, running.fake
    fake.fail_next("r", 429, retry_after=1)
    slack.command("new Acme", response_name="r")
    fake.wait_for("r", timeout=15)
    assert [c.status for c in fake.of("r", ok_only=False)] == [429, 200]


def test_a_transient_server_error_is_retried(running: Running) -> None:
    slack, fake = running.slack, running.fake
    fake.fail_next("chat.postMessage", 502, retry_after=None)
    slack.dm("new Acme")
    fake.wait_for("chat.postMessage", timeout=15)
    assert [c.status for c in fake.of("chat.postMessage", ok_only=False)] == [502, 200]


def test_two_workspaces_never_see_each_others_deals(running: Running) -> None:
    slack, fake = running.slack, running.fake
    slack.command("new Acme", team="T1", response_name="a")
    fake.wait_for("a")
    slack.command("deals", team="T2", response_name="b")
    (call,) = fake.wait_for("b")
    assert "Acme" not in _all_text(call)
    slack.command("deals", team="T1", response_name="c")
    (call,) = fake.wait_for("c")
    assert "Acme" in _all_text(call)


def test_channel_mentions_in_user_text_arrive_escaped(running: Running) -> None:
    slack, fake = running.slack, running.fake
    slack.command("new Acme", response_name="a")
    fake.wait_for("a")
    # With escaping on, Slack sends a typed @channel as <!channel>, and a typed < as &lt;.
    slack.command(
        "give <!channel> <@U999> &lt;https://evil.example|bank&gt; &amp; more", response_name="b"
    )
    (call,) = fake.wait_for("b")
    texts = [call.body["text"]] + [
        b["text"]["text"] for b in _blocks(call) if b.get("text", {}).get("type") == "mrkdwn"
    ]
    joined = "\n".join(texts)
    assert "&lt;!channel&gt;" in joined and "&lt;@U999&gt;" in joined
    assert "&lt;https://evil.example|bank&gt; &amp; more" in joined
    assert "<!channel>" not in joined and "<@U999>" not in joined and "<https" not in joined


def test_share_posts_the_last_reply_in_the_channel(running: Running) -> None:
    slack, fake = running.slack, running.fake
    slack.command("share", response_name="a")
    (nothing,) = fake.wait_for("a")
    assert nothing.body["response_type"] == "ephemeral"
    slack.command("new Acme", response_name="b")
    fake.wait_for("b")
    slack.command("share", response_name="c")
    (call,) = fake.wait_for("c")
    assert call.body["response_type"] == "in_channel"
    assert "actions" not in [b["type"] for b in _blocks(call)]
    assert "<@U1>" in _all_text(call)
    validate(_blocks(call))


def test_app_home_is_published_on_open_and_after_changes(running: Running) -> None:
    slack, fake = running.slack, running.fake
    slack.event({"type": "app_home_opened", "user": "U1", "channel": "DU1", "tab": "home"})
    (empty,) = fake.wait_for("views.publish")
    # No deals yet: the tab says what the app does and how to start.
    assert empty.body["user_id"] == "U1" and "new &lt;name&gt;" in _all_text(empty)
    slack.command("new Acme", response_name="a")
    fake.wait_for("a")
    publishes = fake.wait_for("views.publish", 2)
    view = publishes[-1].body["view"]
    validate(view["blocks"], limit=100)
    assert "Acme" in _all_text(publishes[-1]) and "No BATNA yet" in _all_text(publishes[-1])
    slack.command("status", response_name="b")  # read-only: no refresh
    fake.wait_for("b")
    fake.quiet()
    assert len(fake.of("views.publish")) == 2


def test_a_next_step_button_runs_its_command(running: Running) -> None:
    slack, fake = running.slack, running.fake
    slack.command("new Acme", response_name="a")
    fake.wait_for("a")
    slack.interaction(
        {
            "type": "block_actions",
            "user": {"id": "U1"},
            "channel": {"id": "C1"},
            "container": {"type": "message", "is_ephemeral": True},
            "response_url": fake.response_url("click"),
            "trigger_id": "t1",
            "actions": [
                {
                    "type": "button",
                    "action_id": "deal_step:0",
                    "block_id": "next_steps",
                    "value": "checklist",
                }
            ],
        }
    )
    (call,) = fake.wait_for("click")
    assert call.body["response_type"] == "ephemeral"
    assert "warning:missing_batna" in _block_ids(call)


def _more_button(call: Call) -> dict:
    actions = next(b for b in _blocks(call) if b["type"] == "actions")
    return next(e for e in actions["elements"] if e["action_id"] == MORE_ACTION)


def _click_more(running: Running, value: str, name: str, user: str = "U1") -> None:
    running.slack.interaction(
        {
            "type": "block_actions",
            "user": {"id": user},
            "channel": {"id": "C1"},
            "container": {"type": "message", "is_ephemeral": True},
            "response_url": running.fake.response_url(name),
            "trigger_id": f"t-{name}",
            "actions": [
                {
                    "type": "button",
                    "action_id": MORE_ACTION,
                    "block_id": "next_steps",
                    "value": value,
                }
            ],
        }
    )


def test_more_replaces_the_first_screen_with_the_whole_reply(running: Running) -> None:
    slack, fake = running.slack, running.fake
    slack.command("new Acme", response_name="a")
    (first,) = fake.wait_for("a")
    assert "Checklist" not in _all_text(first)  # the phase's checklist waits behind More
    _click_more(running, _more_button(first)["value"], "more")
    (whole,) = fake.wait_for("more")
    assert whole.body["replace_original"] is True
    assert "Checklist" in _all_text(whole) and "Principle" in _all_text(whole)
    assert MORE_ACTION not in _all_text(whole)  # nothing more to open
    validate(_blocks(whole))


def test_more_shows_nothing_of_someone_elses_reply(running: Running) -> None:
    slack, fake = running.slack, running.fake
    slack.command("new Acme", response_name="a")
    (first,) = fake.wait_for("a")
    _click_more(running, _more_button(first)["value"], "theirs", user="U2")
    (answer,) = fake.wait_for("theirs")
    assert answer.body["replace_original"] is False
    assert "Checklist" not in _all_text(answer) and "no longer kept" in _all_text(answer)


def test_a_button_on_the_home_tab_answers_in_a_modal(running: Running) -> None:
    slack, fake = running.slack, running.fake
    slack.command("new Acme", response_name="a")
    fake.wait_for("a")
    slack.interaction(
        {
            "type": "block_actions",
            "user": {"id": "U1"},
            "trigger_id": "t1",
            "container": {"type": "view", "view_id": "V1"},
            "view": {"id": "V1", "type": "home"},
            "actions": [
                {"type": "button", "action_id": "deal_step:0", "block_id": "x", "value": "status"}
            ],
        }
    )
    (call,) = fake.wait_for("views.open")
    assert call.body["trigger_id"] == "t1"
    validate(call.body["view"]["blocks"], limit=100)


def test_the_message_shortcut_logs_their_move(running: Running) -> None:
    slack, fake = running.slack, running.fake
    slack.command("new Acme", response_name="a")
    fake.wait_for("a")
    slack.interaction(
        {
            "type": "message_action",
            "callback_id": "log_their_move",
            "user": {"id": "U1"},
            "channel": {"id": "C1"},
            "trigger_id": "t",
            "message_ts": "1.0",
            "message": {"type": "message", "text": "Your price is too high", "ts": "1.0"},
            "response_url": fake.response_url("sc"),
        }
    )
    (call,) = fake.wait_for("sc")
    assert "warning:price_pushback" in _block_ids(call)


def test_health_endpoint(running: Running) -> None:
    with urllib.request.urlopen(running.base_url + "/healthz", timeout=5) as response:
        assert response.status == 200 and response.read() == b"ok\n"


def _wait_for_log(caplog: pytest.LogCaptureFixture, needle: str, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not any(needle in r.getMessage() for r in caplog.records):
        assert time.monotonic() < deadline, [r.getMessage() for r in caplog.records]
        time.sleep(0.05)


def test_a_reply_the_response_url_refuses_goes_out_as_an_ephemeral_post(
    running: Running, caplog: pytest.LogCaptureFixture
) -> None:
    slack, fake = running.slack, running.fake
    fake.fail_next("r", 500, times=3, retry_after=None)  # the first try and both retries
    slack.command("new Acme", response_name="r")
    (post,) = fake.wait_for("chat.postEphemeral", timeout=20)
    assert post.body["user"] == "U1" and post.body["channel"] == "C1"
    assert "Acme" in post.body["text"]
    assert any("response_url failed" in r.getMessage() for r in caplog.records)


def test_a_post_that_keeps_failing_is_logged_not_lost_silently(
    running: Running, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    slack, fake = running.slack, running.fake
    # A Retry-After longer than we hold a thread for is waited out up to the bound (made
    # short here), twice; a third 429 is an error in the log.
    monkeypatch.setattr("bot.slack.client.MAX_RETRY_AFTER_SECONDS", 0.1)
    fake.fail_next("chat.postMessage", 429, times=3, retry_after=120)
    slack.dm("new Acme", event_id="Ev-lost")
    _wait_for_log(caplog, "was not delivered")
    assert any("chat.postMessage failed: ratelimited" in r.getMessage() for r in caplog.records)
