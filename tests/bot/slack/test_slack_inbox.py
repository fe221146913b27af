"""The durable inbox over signed HTTP: repeats act once, and a dead worker's requests finish.

Findings 1 and 5 of issue 12: a double click, a form submitted twice and a slash command
re-sent with its trigger_id act once; a request acknowledged by a worker that then died
(its inbox row written, its turn never run) is replayed by the sweeper and answered once;
a turn that committed but whose reply may not have gone out is answered at most once in
the DM (the reply carries its inbox row in its metadata).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
from slack_bolt import App
from slack_harness import SECRET, Running
from slack_sdk import WebClient
from sqlalchemy import func, select, update

from auxil.fake_slack import FakeSlack, SignedSlackClient, serve_wsgi
from bot.service import CoachService
from bot.slack.app import build_app
from bot.slack.config import SlackSettings
from bot.slack.inbox import LEASE, Sweeper, describe, inbox_of, marker, payload_hash
from bot.slack.modals import MOVE
from bot.slack.serve import wsgi_application
from bot.slack.workspaces import workspace_clients
from bot.store.database import Database
from bot.store.inbox_rows import InboxClaim, receive_request
from bot.store.models import DealRow, MoveRow
from bot.store.slack_tables import COMMITTED, DONE, SlackInboxRow


@pytest.fixture
def served(
    fake_slack: FakeSlack, slack_database: Database, settings: SlackSettings
) -> Iterator[tuple[Running, App]]:
    service = CoachService(slack_database)
    app = build_app(settings, service)
    with serve_wsgi(wsgi_application(app, slack_database)) as base_url:
        yield (
            Running(
                SignedSlackClient(base_url, SECRET, fake_slack),
                fake_slack,
                slack_database,
                service,
                base_url,
            ),
            app,
        )
    app.listener_runner.listener_executor.shutdown(wait=True)


def moves(database: Database, item: str) -> int:
    with database.session() as session:
        return int(
            session.scalar(
                select(func.count())
                .select_from(MoveRow)
                .join(DealRow, MoveRow.deal_id == DealRow.id)
                .where(MoveRow.item == item)
            )
            or 0
        )


def rows(database: Database) -> list[SlackInboxRow]:
    with database.session() as session:
        return list(session.scalars(select(SlackInboxRow).order_by(SlackInboxRow.id)))


def wait_until(check: Any, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def start_deal(running: Running, user: str = "U1") -> None:
    outcome = running.service.handle("T1", user, "new Acme")
    assert hasattr(outcome, "text"), outcome


# -- keys ----------------------------------------------------------------------------------
def test_keys_ignore_what_changes_between_two_clicks() -> None:
    click = {
        "type": "block_actions",
        "user": {"id": "U1"},
        "trigger_id": "t1",
        "response_url": "https://x/1",
        "actions": [{"action_id": "a", "value": "give x", "action_ts": "1.1"}],
    }
    again = {
        **click,
        "trigger_id": "t2",
        "response_url": "https://x/2",
        "actions": [{"action_id": "a", "value": "give x", "action_ts": "1.9"}],
    }
    other = {**click, "actions": [{"action_id": "a", "value": "give y", "action_ts": "1.1"}]}
    assert payload_hash(click) == payload_hash(again) != payload_hash(other)
    assert describe(click) == (f"action:{payload_hash(click)}", "action", True)
    assert describe({"command": "/deal", "trigger_id": "t9"}) == ("cmd:t9", "command", False)
    dm = {
        "type": "event_callback",
        "event_id": "Ev1",
        "event": {"type": "message", "channel_type": "im", "user": "U1", "text": "hi"},
    }
    assert describe(dm) == ("ev:Ev1", "event", False)
    for ignored in (
        {**dm, "event": {**dm["event"], "bot_id": "B1"}},
        {**dm, "event": {**dm["event"], "subtype": "message_changed"}},
        {"type": "event_callback", "event": {"type": "app_home_opened"}},
        {"type": "block_suggestion"},
        {"type": "view_closed"},
    ):
        assert describe(ignored) is None


# -- finding 5: repeats act once ------------------------------------------------------------
def test_a_double_click_logs_the_move_once(served: tuple[Running, App]) -> None:
    running, _ = served
    start_deal(running)
    for n in (1, 2):
        sent = running.slack.interaction(
            {
                "type": "block_actions",
                "user": {"id": "U1"},
                "channel": {"id": "C1"},
                "container": {"type": "message", "is_ephemeral": True, "message_ts": "5.0"},
                "response_url": running.fake.response_url(f"click{n}"),
                "trigger_id": f"t{n}",
                "actions": [
                    {
                        "type": "button",
                        "action_id": "deal_step:0",
                        "block_id": "next_steps",
                        "value": "give training",
                        "action_ts": f"{n}.0",
                    }
                ],
            }
        )
        assert sent.status == 200
    running.fake.wait_for("click1")
    running.fake.quiet(0.5)
    assert moves(running.database, "training") == 1
    assert not running.fake.of("click2")
    wait_until(lambda: [r.status for r in rows(running.database)] == [DONE])


def test_a_slash_command_resent_with_its_trigger_id_acts_once(served: tuple[Running, App]) -> None:
    running, _ = served
    start_deal(running)
    form = {
        "token": "legacy",
        "team_id": "T1",
        "channel_id": "C1",
        "user_id": "U1",
        "command": "/deal",
        "text": "give onboarding",
        "api_app_id": "A1",
        "response_url": running.fake.response_url("cmd"),
        "trigger_id": "trig.same",
    }
    for _ in range(2):
        assert (
            running.slack.post(urlencode(form), "application/x-www-form-urlencoded").status == 200
        )
    running.fake.wait_for("cmd")
    running.fake.quiet(0.5)
    assert len(running.fake.of("cmd")) == 1
    assert moves(running.database, "onboarding") == 1
    # A new invocation (a new trigger_id) of the same text is a new command.
    form["trigger_id"] = "trig.other"
    assert running.slack.post(urlencode(form), "application/x-www-form-urlencoded").status == 200
    wait_until(lambda: moves(running.database, "onboarding") == 2)


def test_a_form_submitted_twice_logs_once_and_answers_the_same(served: tuple[Running, App]) -> None:
    running, _ = served
    start_deal(running)
    payload = {
        "type": "view_submission",
        "user": {"id": "U1"},
        "view": {
            "id": "V9",
            "type": "modal",
            "callback_id": MOVE,
            "private_metadata": "",
            "state": {
                "values": {
                    "kind": {
                        "value": {
                            "type": "static_select",
                            "selected_option": {
                                "value": "give",
                                "text": {"type": "plain_text", "text": "give"},
                            },
                        }
                    },
                    "item": {"value": {"type": "plain_text_input", "value": "pilot"}},
                }
            },
        },
    }
    answers = []
    for n in (1, 2):
        sent = running.slack.interaction({**payload, "trigger_id": f"t{n}"})
        assert sent.status == 200
        answers.append(sent.json())
    assert answers[0]["response_action"] == "update"
    assert answers[1] == answers[0]
    assert moves(running.database, "pilot") == 1


def test_a_retried_dm_event_is_answered_once(served: tuple[Running, App]) -> None:
    running, _ = served
    start_deal(running)
    for attempt in (None, "1"):
        headers = (
            {"X-Slack-Retry-Num": attempt, "X-Slack-Retry-Reason": "http_timeout"}
            if attempt
            else None
        )
        assert running.slack.dm("give support", event_id="EvRetry", headers=headers).status == 200
    running.fake.wait_for("chat.postMessage")
    running.fake.quiet(0.5)
    replies = [m for m in running.fake.dm("U1") if m.get("metadata")]
    assert len(replies) == 1 and moves(running.database, "support") == 1


# -- finding 1: a dead worker's requests ----------------------------------------------------
def _orphan_dm(running: Running, text: str, event_id: str, *, ago: timedelta) -> int:
    """An inbox row as a worker leaves it when killed right after the ack."""
    envelope = {
        "token": "legacy",
        "team_id": "T1",
        "api_app_id": "A1",
        "type": "event_callback",
        "event_id": event_id,
        "event_time": int(time.time()),
        "authorizations": [{"team_id": "T1", "user_id": "UBOT", "is_bot": True}],
        "event": {
            "type": "message",
            "channel_type": "im",
            "channel": "DU1",
            "user": "U1",
            "text": text,
            "ts": f"{time.time():.6f}",
            "team": "T1",
        },
    }
    received = receive_request(
        running.database,
        key=f"ev:{event_id}",
        workspace_id="T1",
        kind="event",
        content_type="application/json",
        body=json.dumps(envelope),
        now=datetime.now(UTC) - ago,
        lease=LEASE,
        window=None,
    )
    assert received.claim is not None
    return received.claim.id


def _sweeper(app: App, settings: SlackSettings) -> Sweeper:
    inbox = inbox_of(app)
    assert inbox is not None
    return Sweeper(app, inbox, workspace_clients(settings, inbox.database))


def test_the_sweeper_answers_a_dm_its_worker_acknowledged_and_lost(
    served: tuple[Running, App], settings: SlackSettings
) -> None:
    running, app = served
    start_deal(running)
    fresh = _orphan_dm(running, "give warranty", "EvFresh", ago=timedelta(seconds=1))
    lost = _orphan_dm(running, "give training", "EvLost", ago=timedelta(minutes=1))
    stats = _sweeper(app, settings).sweep()
    assert stats.replayed == 1  # the fresh one may still be running somewhere
    assert moves(running.database, "training") == 1
    assert moves(running.database, "warranty") == 0
    replies = [
        m
        for m in running.fake.dm("U1")
        if (m.get("metadata") or {}).get("event_payload", {}).get("inbox_id") == lost
    ]
    assert len(replies) == 1 and "training" in json.dumps(replies[0]["blocks"])
    states = {r.id: r.status for r in rows(running.database)}
    assert states == {lost: DONE, fresh: "pending"}
    # Slack's own retry of the lost delivery now finds it done: acknowledged only.
    assert running.slack.dm("give training", event_id="EvLost").status == 200
    running.fake.quiet(0.5)
    assert moves(running.database, "training") == 1
    assert _sweeper(app, settings).sweep().replayed == 0


def test_a_committed_turn_is_answered_once_whatever_happened_to_its_reply(
    served: tuple[Running, App], settings: SlackSettings
) -> None:
    running, app = served
    start_deal(running)
    # One worker died after posting its reply, before marking the row done: the reply,
    # with its marker, is in the DM. Another died after committing, before posting.
    posted = _orphan_dm(running, "give pilot", "EvPosted", ago=timedelta(minutes=1))
    unposted = _orphan_dm(running, "give pilot2", "EvUnposted", ago=timedelta(minutes=1))
    with running.database.session() as session:
        for row_id, text in ((posted, "Logged pilot"), (unposted, "Logged pilot2")):
            session.execute(
                update(SlackInboxRow)
                .where(SlackInboxRow.id == row_id)
                .values(status=COMMITTED, reply={"text": text, "blocks": []})
            )
    WebClient(token="xoxb-test-token", base_url=running.fake.api_url).chat_postMessage(
        channel="DU1", text="Logged pilot", **marker(InboxClaim(posted, "k", "event", "T1", "t", 1))
    )
    before = len(running.fake.dm("U1"))
    stats = _sweeper(app, settings).sweep()
    assert (stats.found, stats.reposted, stats.replayed) == (1, 1, 0)
    after = running.fake.dm("U1")[before:]
    assert [m["text"] for m in after] == ["Logged pilot2"]
    assert {r.status for r in rows(running.database)} == {DONE}
    assert moves(running.database, "pilot2") == 0  # committed rows are never run again


def _request(body: dict[str, Any]) -> Any:
    from slack_bolt import BoltRequest

    if "command" in body:
        return BoltRequest(body=urlencode(body), headers={})
    return BoltRequest(body=urlencode({"payload": json.dumps(body)}), headers={})


def test_a_stored_command_or_click_is_acked_at_once_and_a_form_is_left_to_its_listener(
    served: tuple[Running, App],
) -> None:
    _, app = served
    inbox = inbox_of(app)
    assert inbox is not None
    command = _request(
        {
            "command": "/deal",
            "text": "status",
            "team_id": "T1",
            "user_id": "U1",
            "trigger_id": "t-now",
        }
    )
    inbox.receive(command, lambda: None)
    assert command.context.ack.response is not None  # 200 before the listener runs
    assert command.context.ack.response.status == 200
    form = _request(
        {
            "type": "view_submission",
            "team": {"id": "T1"},
            "user": {"id": "U1"},
            "view": {"id": "V1", "callback_id": MOVE, "state": {"values": {}}},
        }
    )
    inbox.receive(form, lambda: None)
    assert form.context.ack.response is None  # its answer may carry the form's errors
    assert {row.kind for row in rows(served[0].database)} == {"command", "view"}
