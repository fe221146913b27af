"""``dealcoach remind``: the standalone worker as cron and operators run it."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from auxil.fake_slack import FakeSlack
from bot.service import CoachService
from bot.store.database import Database

ROOT = Path(__file__).resolve().parents[3]


def remind(args: list[str], fake: FakeSlack) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SLACK_BOT_TOKEN": "xoxb-cli", "SLACK_SIGNING_SECRET": "secret",
           "SLACK_API_URL": fake.api_url}
    for name in ("SLACK_APP_TOKEN", "SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "DATABASE_URL"):
        env.pop(name, None)
    return subprocess.run([sys.executable, "-m", "bot.cli", "remind", *args], env=env,
                          cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_once_with_now_replays_a_morning_and_exits(tmp_path: Path,
                                                   fake_slack: FakeSlack) -> None:
    path = tmp_path / "coach.db"
    database = Database(f"sqlite:///{path}")
    database.upgrade()
    setup = CoachService(database, clock=lambda: datetime(2026, 11, 23, 6, tzinfo=UTC))
    setup.handle("T1", "U1", "new Acme renewal", tz="America/New_York")
    setup.handle("T1", "U1", "remind 07:30", tz="America/New_York")
    database.dispose()
    fake_slack.set_person("U1", tz="America/New_York")
    before = remind(["--once", "--db", str(path), "--now", "2026-11-23T12:00:00+00:00"],
                    fake_slack)
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
