"""A ``dealcoach`` command run as a real process: its log read as it comes, signals sent.

Operations tests start ``dealcoach serve`` or ``dealcoach remind`` the way a container
does, wait for a line in the log, send SIGTERM and time the exit.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Variables a developer's shell may hold that would change what the process does.
SLACK_VARIABLES = (
    "SLACK_BOT_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_APP_TOKEN",
    "SLACK_CLIENT_ID",
    "SLACK_CLIENT_SECRET",
    "SLACK_API_URL",
    "DATABASE_URL",
    "DEALCOACH_SECRET_KEY",
    "DEALCOACH_LOG",
    "DEALCOACH_STOP_SECONDS",
    "DEALCOACH_REMINDERS",
)


def clean_env(**values: str) -> dict[str, str]:
    """The test's environment without Slack and dealcoach settings, plus ``values``."""
    env = {k: v for k, v in os.environ.items() if k not in SLACK_VARIABLES}
    return {**env, **values}


class Command:
    """``python -m bot.cli <args>`` in the background; stdout and stderr read line by line."""

    def __init__(self, args: list[str], env: Mapping[str, str]):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", *args],
            cwd=ROOT,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []
        self._changed = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            with self._changed:
                self.lines.append(line.rstrip("\n"))
                self._changed.notify_all()

    @property
    def output(self) -> str:
        with self._changed:
            return "\n".join(self.lines)

    def wait_for(self, text: str, count: int = 1, timeout: float = 30.0) -> list[str]:
        """Wait until ``count`` lines contain ``text``; those lines."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = [line for line in self.lines if text in line]
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0 or (self.process.poll() is not None and not self._reader.is_alive()):
                    raise AssertionError(
                        f"no {count} line(s) with {text!r} in:\n" + "\n".join(self.lines)
                    )
                self._changed.wait(min(left, 0.2))

    def stop(self, signum: int = signal.SIGTERM, timeout: float = 20.0) -> tuple[int, float]:
        """Send ``signum``; the exit code and the seconds it took to exit."""
        started = time.monotonic()
        self.process.send_signal(signum)
        code = self.process.wait(timeout)
        took = time.monotonic() - started
        self._reader.join(5)
        return code, took

    def kill(self) -> None:
        """End the process if a test left it running."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
        self._reader.join(5)


def held_leases(url: str) -> list[str]:
    """The leases still held in the database at ``url``: inbox rows, reminders, deliveries.

    A process that stopped cleanly leaves none: each row is finished, or handed back with
    its lease ended, so another worker can take it at once.
    """
    from datetime import UTC, datetime

    from sqlalchemy import select

    from bot.store.database import Database
    from bot.store.deliveries import SENDING
    from bot.store.mapping import utc
    from bot.store.models import DeliveryRow, ReminderRow
    from bot.store.slack_tables import COMMITTED, PENDING, SlackInboxRow

    now = datetime.now(UTC)
    database = Database(url)
    try:
        with database.session() as session:
            found = [
                f"inbox {row.id} ({row.status})"
                for row in session.scalars(
                    select(SlackInboxRow).where(SlackInboxRow.status.in_((PENDING, COMMITTED)))
                )
                if row.lease_until is not None and (utc(row.lease_until) or now) > now
            ]
            found += [
                f"reminder {row.id}"
                for row in session.scalars(select(ReminderRow))
                if row.lease_until is not None and (utc(row.lease_until) or now) > now
            ]
            found += [
                f"delivery {row.id}"
                for row in session.scalars(select(DeliveryRow).where(DeliveryRow.status == SENDING))
            ]
    finally:
        database.dispose()
    return found
