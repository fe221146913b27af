"""``dealcoach serve`` in Socket Mode as a real process, against the fake Slack's websocket.

"Connected" is said only once the websocket handshake succeeded; a refused websocket is
one log line an attempt with a doubling wait; a dropped connection comes back; SIGTERM
lets the turn in hand finish (or hands its request back) and exits 0 with no lease held.
"""

from __future__ import annotations

import re
import signal
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from auxil.fake_slack import FakeSlack
from auxil.fake_socket_mode import FakeSocketMode, refused_url
from auxil.processes import Command, clean_env, held_leases
from bot.logs import FORMAT
from bot.slack.inbox import LEASE
from bot.slack.socket_mode import FIRST_WAIT, JITTER, MAX_WAIT, backoff
from bot.store.database import Database
from bot.store.inbox_rows import claim_unfinished
from bot.store.slack_tables import DONE, SlackInboxRow

CONNECTED = "is connected to Slack over Socket Mode"
# Every line either process writes is a log line in the one format (bot.logs.FORMAT).
LOG_LINE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (DEBUG|INFO|WARNING|ERROR) "
    r"\[\d+\] [\w.]+: "
)


@pytest.fixture
def socket_mode(fake_slack: FakeSlack) -> Iterator[FakeSocketMode]:
    server = FakeSocketMode().start().serve_through(fake_slack)
    try:
        yield server
    finally:
        server.stop()


def serve(tmp_path: Path, fake: FakeSlack, **env: str) -> Command:
    return Command(
        ["serve"],
        clean_env(
            SLACK_BOT_TOKEN="xoxb-1",
            SLACK_APP_TOKEN="xapp-1",
            SLACK_API_URL=fake.api_url,
            DATABASE_URL=f"sqlite:///{tmp_path / 'socket.db'}",
            **env,
        ),
    )


def slow_posts(fake: FakeSlack, seconds: float) -> None:
    """Slack takes ``seconds`` to answer chat.postMessage (the post itself still happens)."""
    post = fake._message_answers()["chat.postMessage"]

    def slow(body: dict[str, Any]) -> dict[str, Any]:
        time.sleep(seconds)
        return post(body)

    fake.answer("chat.postMessage", slow)


def inbox_rows(tmp_path: Path) -> list[SlackInboxRow]:
    database = Database(f"sqlite:///{tmp_path / 'socket.db'}")
    try:
        with database.session() as session:
            return list(session.scalars(select(SlackInboxRow).order_by(SlackInboxRow.id)))
    finally:
        database.dispose()


def test_the_wait_between_attempts_doubles_up_to_a_minute() -> None:
    for attempt, base in ((1, 1.0), (2, 2.0), (3, 4.0), (7, 60.0), (50, 60.0)):
        assert base * FIRST_WAIT <= backoff(attempt) <= min(base, MAX_WAIT) * (1 + JITTER)


def test_a_refused_websocket_is_never_called_connected(
    tmp_path: Path, fake_slack: FakeSlack
) -> None:
    url = refused_url()
    fake_slack.answer("apps.connections.open", lambda body: {"ok": True, "url": url})
    app = serve(tmp_path, fake_slack)
    try:
        first, second = app.wait_for("could not connect to Slack", count=2)
        code, took = app.stop()
    finally:
        app.kill()
    assert "(attempt 1): [Errno 111] Connection refused; next attempt in 1 s" in first
    assert "(attempt 2): [Errno 111] Connection refused; next attempt in 2 s" in second
    assert CONNECTED not in app.output
    # One line an attempt: none of slack_sdk's own ("A new session has been established").
    assert "session" not in app.output and "on_error" not in app.output
    assert (code, took < 5) == (0, True), app.output
    assert len(fake_slack.of("apps.connections.open")) >= 2  # a new URL for each attempt


def test_a_command_over_the_websocket_then_sigterm(
    tmp_path: Path, fake_slack: FakeSlack, socket_mode: FakeSocketMode
) -> None:
    app = serve(tmp_path, fake_slack)
    try:
        app.wait_for(CONNECTED)
        assert socket_mode.handshakes == 1  # said after the handshake, not before
        socket_mode.command("env-1", "new Acme", response_url=fake_slack.response_url("c1"))
        assert socket_mode.wait_for_ack("env-1")["envelope_id"] == "env-1"
        fake_slack.wait_for("c1", timeout=20)
        code, took = app.stop()
    finally:
        app.kill()
    assert (code, took < 5) == (0, True), app.output
    assert held_leases(f"sqlite:///{tmp_path / 'socket.db'}") == []
    assert [row.status for row in inbox_rows(tmp_path)] == [DONE]
    assert "stopped: every request finished, 0 lease(s) handed back" in app.output
    lines = app.output.splitlines()
    assert all(LOG_LINE.match(text) for text in lines), lines
    assert FORMAT.startswith("%(asctime)s %(levelname)s [%(process)d] %(name)s")
    assert not any(
        noise in app.output
        for noise in (
            "As you gave `client` as well",
            "setup plugin",
            "Context impl",
            "Using non-ssl",
        )
    )


def test_sigterm_lets_the_turn_in_hand_finish(
    tmp_path: Path, fake_slack: FakeSlack, socket_mode: FakeSocketMode
) -> None:
    slow_posts(fake_slack, 2.0)
    app = serve(tmp_path, fake_slack)
    try:
        app.wait_for(CONNECTED)
        socket_mode.dm("env-1", "new Acme")
        socket_mode.wait_for_ack("env-1")
        code, took = app.stop()  # while the reply is still on its way to Slack
    finally:
        app.kill()
    assert code == 0 and 1.0 < took < 6, (took, app.output)
    assert [row.status for row in inbox_rows(tmp_path)] == [DONE]
    assert len(fake_slack.dm("U1")) == 1
    assert held_leases(f"sqlite:///{tmp_path / 'socket.db'}") == []


def test_a_turn_past_the_grace_period_is_handed_back(
    tmp_path: Path, fake_slack: FakeSlack, socket_mode: FakeSocketMode
) -> None:
    slow_posts(fake_slack, 6.0)
    app = serve(tmp_path, fake_slack, DEALCOACH_STOP_SECONDS="0.5")
    try:
        app.wait_for(CONNECTED)
        socket_mode.dm("env-1", "new Acme")
        socket_mode.wait_for_ack("env-1")
        fake_slack.wait_for("chat.postMessage")  # the reply is on its way, for 6 s
        code, took = app.stop()
    finally:
        app.kill()
    assert code == 0 and took < 5, (took, app.output)  # not the 6 s the post takes
    assert "handed back 1 unfinished request(s)" in app.output
    assert held_leases(f"sqlite:///{tmp_path / 'socket.db'}") == []
    # Another worker's sweeper takes it over now, not when the 20 s lease would have ended.
    database = Database(f"sqlite:///{tmp_path / 'socket.db'}")
    try:
        taken, _ = claim_unfinished(database, datetime.now(UTC), LEASE)
    finally:
        database.dispose()
    assert [item.claim.kind for item in taken] == ["event"]


def test_a_dropped_connection_comes_back(
    tmp_path: Path, fake_slack: FakeSlack, socket_mode: FakeSocketMode
) -> None:
    app = serve(tmp_path, fake_slack)
    try:
        app.wait_for(CONNECTED)
        socket_mode.close_connections()
        app.wait_for("the connection to Slack dropped; reconnecting")
        app.wait_for("reconnected to Slack (attempt 1)")
        socket_mode.wait_connected(2)
        socket_mode.command("env-2", "new Acme", response_url=fake_slack.response_url("c2"))
        fake_slack.wait_for("c2", timeout=20)
        code, _ = app.stop(signal.SIGINT)  # Ctrl-C stops it the same way
    finally:
        app.kill()
    assert code == 0, app.output
    assert app.output.count(CONNECTED) == 1
