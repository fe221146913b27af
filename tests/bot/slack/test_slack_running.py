"""``dealcoach serve`` over HTTP as a real process: gunicorn's SIGTERM, and one log format.

gunicorn stops its workers gracefully on SIGTERM; each worker then stops its sweeper and
reminder worker, lets the turn in hand finish and hands back whatever did not (see
:mod:`bot.slack.running`). gunicorn's lines, its access log and the app's share a format.
"""

from __future__ import annotations

import re
import socket
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from sqlalchemy import select

from auxil.fake_slack import FakeSlack, SignedSlackClient
from auxil.processes import Command, clean_env, held_leases
from bot.slack.running import Serving, register, stop_all
from bot.store.database import Database
from bot.store.slack_tables import DONE, SlackInboxRow

LOG_LINE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (DEBUG|INFO|WARNING|ERROR) "
    r"\[\d+\] [\w.]+: "
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_healthy(base: str, app: Command) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as response:
                assert response.status == 200
                return
        except (urllib.error.URLError, ConnectionError):
            assert app.process.poll() is None, app.output
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.1)


def test_gunicorn_finishes_the_turn_in_hand_on_sigterm(
    tmp_path: Path, fake_slack: FakeSlack
) -> None:
    post = fake_slack._message_answers()["chat.postMessage"]

    def slow(body: dict[str, Any]) -> dict[str, Any]:
        time.sleep(2.0)
        return post(body)

    fake_slack.answer("chat.postMessage", slow)
    port = _free_port()
    url = f"sqlite:///{tmp_path / 'http.db'}"
    app = Command(
        ["serve", "--port", str(port), "--host", "127.0.0.1", "--workers", "1"],
        clean_env(
            SLACK_BOT_TOKEN="xoxb-1",
            SLACK_SIGNING_SECRET="http-secret",
            SLACK_API_URL=fake_slack.api_url,
            DATABASE_URL=url,
            DEALCOACH_ACCESS_LOG="1",
        ),
    )
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_healthy(base, app)
        assert SignedSlackClient(base, "http-secret", fake_slack).dm("new Acme").status == 200
        fake_slack.wait_for("chat.postMessage")  # the reply is on its way, for 2 s
        code, took = app.stop()
    finally:
        app.kill()
    assert code == 0 and took < 10, (took, app.output)
    assert "stopped: every request finished, 0 lease(s) handed back" in app.output
    assert len(fake_slack.dm("U1")) == 1
    assert held_leases(url) == []
    database = Database(url)
    try:
        with database.session() as session:
            assert list(session.scalars(select(SlackInboxRow.status))) == [DONE]
    finally:
        database.dispose()
    lines = app.output.splitlines()
    assert all(LOG_LINE.match(line) for line in lines), lines
    assert any(" gunicorn.error: Booting worker" in line for line in lines)
    assert any(
        ' gunicorn.access: 127.0.0.1 "POST /slack/events HTTP/1.1" 200' in line for line in lines
    )
    assert not any(
        noise in app.output
        for noise in ("As you gave `client` as well", "setup plugin", "Context impl")
    )


def test_stopping_twice_is_harmless(tmp_path: Path, fake_slack: FakeSlack) -> None:
    from bot.service import CoachService
    from bot.slack.app import build_app
    from bot.slack.config import SlackSettings

    database = Database(f"sqlite:///{tmp_path / 'twice.db'}")
    database.upgrade()
    settings = SlackSettings(bot_token="xoxb-1", signing_secret="s", api_url=fake_slack.api_url)
    serving = register(Serving(build_app(settings, CoachService(database)), database))
    stop_all(grace=1)
    serving.stop(grace=1)  # atexit calls it again: nothing happens
    stop_all(grace=1)
