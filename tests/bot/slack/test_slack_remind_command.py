"""``dealcoach remind``: the standalone worker as cron and operators run it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from auxil.fake_slack import FakeSlack
from auxil.processes import Command, clean_env, held_leases
from bot.service import CoachService
from bot.store.database import Database

ROOT = Path(__file__).resolve().parents[3]


def remind(args: list[str], fake: FakeSlack) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": "xoxb-cli",
        "SLACK_SIGNING_SECRET": "secret",
        "SLACK_API_URL": fake.api_url,
    }
    for name in ("SLACK_APP_TOKEN", "SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "DATABASE_URL"):
        env.pop(name, None)
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "remind", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_once_with_now_replays_a_morning_and_exits(tmp_path: Path, fake_slack: FakeSlack) -> None:
    path = tmp_path / "coach.db"
    database = Database(f"sqlite:///{path}")
    database.upgrade()
    setup = CoachService(database, clock=lambda: datetime(2026, 11, 23, 6, tzinfo=UTC))
    setup.handle("T1", "U1", "new Acme renewal", tz="America/New_York")
    setup.handle("T1", "U1", "remind 07:30", tz="America/New_York")
    database.dispose()
    fake_slack.set_person("U1", tz="America/New_York")
    before = remind(["--once", "--db", str(path), "--now", "2026-11-23T12:00:00+00:00"], fake_slack)
    assert before.returncode == 0, before.stderr
    assert fake_slack.dm("U1") == []  # 07:00 in New York: not yet
    due = remind(["--once", "--db", str(path), "--now", "2026-11-23T12:31:00Z"], fake_slack)
    assert due.returncode == 0, due.stderr
    assert "sent 1" in due.stderr
    [message] = fake_slack.dm("U1")
    assert "Acme renewal" in str(message["blocks"])
    again = remind(["--once", "--db", str(path), "--now", "2026-11-23T13:00:00Z"], fake_slack)
    assert again.returncode == 0 and len(fake_slack.dm("U1")) == 1


def test_a_bad_now_is_one_sentence(tmp_path: Path, fake_slack: FakeSlack) -> None:
    result = remind(["--once", "--db", str(tmp_path / "x.db"), "--now", "soon"], fake_slack)
    assert result.returncode == 2
    assert "ISO time" in result.stderr and "Traceback" not in result.stderr


def _due_rep(path: Path, fake: FakeSlack) -> None:
    """U1 in New York with a deal and a reminder at 07:30 (12:30 UTC on Monday 23 Nov)."""
    database = Database(f"sqlite:///{path}")
    database.upgrade()
    setup = CoachService(database, clock=lambda: datetime(2026, 11, 23, 6, tzinfo=UTC))
    setup.handle("T1", "U1", "new Acme renewal", tz="America/New_York")
    setup.handle("T1", "U1", "remind 07:30", tz="America/New_York")
    database.dispose()
    fake.set_person("U1", tz="America/New_York")


def test_once_needs_only_what_sending_needs(tmp_path: Path, fake_slack: FakeSlack) -> None:
    path = tmp_path / "coach.db"
    _due_rep(path, fake_slack)
    # No signing secret, no app token: a worker only sends.
    env = clean_env(SLACK_BOT_TOKEN="xoxb-cli", SLACK_API_URL=fake_slack.api_url)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot.cli",
            "remind",
            "--once",
            "--db",
            str(path),
            "--now",
            "2026-11-23T12:31:00Z",
        ],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "sent 1" in result.stderr and "SIGNING_SECRET" not in result.stderr
    assert len(fake_slack.dm("U1")) == 1
    missing = subprocess.run(
        [sys.executable, "-m", "bot.cli", "remind", "--once", "--db", str(path)],
        env=clean_env(),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert missing.returncode == 2
    assert missing.stderr.startswith("dealcoach: SLACK_BOT_TOKEN is not set")
    assert "HTTP mode" not in missing.stderr


def test_the_worker_stops_on_sigterm_and_hands_back_the_message_in_flight(
    tmp_path: Path, fake_slack: FakeSlack
) -> None:
    path = tmp_path / "coach.db"
    _due_rep(path, fake_slack)
    post = fake_slack._message_answers()["chat.postMessage"]

    def slow(body: dict[str, Any]) -> dict[str, Any]:
        time.sleep(6.0)  # Slack posts it, but answers after the worker is gone
        return post(body)

    fake_slack.answer("chat.postMessage", slow)
    worker = Command(
        ["remind", "--db", str(path), "--now", "2026-11-23T12:31:00Z"],
        clean_env(
            SLACK_BOT_TOKEN="xoxb-cli",
            SLACK_API_URL=fake_slack.api_url,
            DEALCOACH_STOP_SECONDS="0.5",
        ),
    )
    try:
        worker.wait_for("SIGTERM or Ctrl-C stops it")
        fake_slack.wait_for("chat.postMessage", timeout=30)
        code, took = worker.stop()
    finally:
        worker.kill()
    assert code == 0 and took < 5, (took, worker.output)  # not the 6 s the post takes
    assert "reminder worker stopped on SIGTERM; 1 lease(s) handed back" in worker.output
    assert held_leases(f"sqlite:///{path}") == []
    # The next worker takes the message at once, finds it posted, and posts nothing more.
    fake_slack.wait_for("chat.postMessage")
    fake_slack.answer("chat.postMessage", post)
    deadline = time.monotonic() + 15
    while not fake_slack.dm("U1") and time.monotonic() < deadline:
        time.sleep(0.1)
    again = remind(["--once", "--db", str(path), "--now", "2026-11-23T12:32:00Z"], fake_slack)
    assert again.returncode == 0 and "sent 1" in again.stderr, again.stderr
    assert len(fake_slack.dm("U1")) == 1


def test_an_idle_worker_stops_at_once(tmp_path: Path, fake_slack: FakeSlack) -> None:
    worker = Command(
        ["remind", "--db", str(tmp_path / "idle.db")],
        clean_env(SLACK_BOT_TOKEN="xoxb-cli", SLACK_API_URL=fake_slack.api_url),
    )
    try:
        worker.wait_for("SIGTERM or Ctrl-C stops it")
        code, took = worker.stop()
    finally:
        worker.kill()
    assert code == 0 and took < 4, (took, worker.output)
    assert "reminder worker stopped on SIGTERM; 0 lease(s) handed back" in worker.output
