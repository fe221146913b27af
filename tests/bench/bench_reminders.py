r"""Benchmark: 10,000 due reminders across 20 time zones, sent by 1 and by 2 workers.

Each run starts from a fresh PostgreSQL schema holding ``--users`` users spread over 20
IANA zones, each with one deal in preparation (so the prep reminder has something to say)
and a daily reminder a few minutes before the chosen instant in their own zone. The fake
Slack Web API (``tests/auxil/fake_slack.py``) answers ``users.info`` with each user's zone
and keeps every DM. The workers are the product's own command, ``dealcoach remind --once
--now <instant>``, started as separate processes at the same moment.

Measured per run: the time until every reminder is in its user's DM, the DMs per user
(a duplicate is any user with more than one), and how many messages each worker sent
(from the outbox rows' attempts and the workers' own reports).

Prints one JSON object. Needs ``TEST_DATABASE_URL`` (PostgreSQL). Not part of the tests:

    TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test python \
        tests/bench/bench_reminders.py [--users 10000] [--workers 1 2]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from sqlalchemy import create_engine, insert, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from auxil.fake_slack import FakeSlack  # noqa: E402
from bot.settings import normalise_database_url  # noqa: E402
from bot.store.database import Database  # noqa: E402
from bot.store.models import DealRow, ReminderRow, UserRow  # noqa: E402

ZONES = (
    "Pacific/Auckland",
    "Australia/Sydney",
    "Asia/Tokyo",
    "Asia/Shanghai",
    "Asia/Kolkata",
    "Asia/Dubai",
    "Europe/Moscow",
    "Africa/Cairo",
    "Europe/Berlin",
    "Europe/London",
    "Atlantic/Azores",
    "America/Sao_Paulo",
    "America/Halifax",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Anchorage",
    "Pacific/Honolulu",
    "Asia/Kathmandu",
)
# A Tuesday at 12:00 UTC: no zone in the list is near its local midnight.
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
WS = "TBENCH"
TOKEN = "xoxb-bench"
SECRET = "bench-signing-secret"


def seed(database: Database, users: int, fake: FakeSlack) -> None:
    """Users, a deal each, and a reminder due a few minutes ago in their own zone."""
    user_rows, deal_rows, reminder_rows = [], [], []
    for i in range(users):
        user_id, zone = f"U{i:06d}", ZONES[i % len(ZONES)]
        local = NOW.astimezone(ZoneInfo(zone)) - timedelta(minutes=5 + i % 50)
        due = local.replace(second=0, microsecond=0)
        user_rows.append({"workspace_id": WS, "user_id": user_id, "created_at": NOW, "tz": zone})
        deal_rows.append(
            {
                "workspace_id": WS,
                "user_id": user_id,
                "name": "Acme renewal",
                "name_key": "acme renewal",
                "context": "sales",
                "phase": "setup",
                "facts": {},
                "moves_count": 0,
                "unpaired_gives": 0,
                "one_way_streak": 0,
                "created_at": NOW,
                "updated_at": NOW,
            }
        )
        reminder_rows.append(
            {
                "workspace_id": WS,
                "user_id": user_id,
                "at_minutes": due.hour * 60 + due.minute,
                "days": "daily",
                "next_due_at": due.astimezone(UTC),
                "updated_at": NOW,
            }
        )
        fake.set_person(user_id, tz=zone)
    with database.session() as session:
        for model, rows in (
            (UserRow, user_rows),
            (DealRow, deal_rows),
            (ReminderRow, reminder_rows),
        ):
            for start in range(0, len(rows), 2000):
                session.execute(insert(model), rows[start : start + 2000])


def run(url: str, users: int, workers: int) -> dict[str, Any]:
    """One run: a fresh schema, ``workers`` processes; returns the figures."""
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    scoped = make_url(url).update_query_dict({"options": f"-csearch_path={schema}"})
    scoped_url = scoped.render_as_string(hide_password=False)
    database = Database(scoped_url)
    fake = FakeSlack(team_id=WS).start()
    try:
        database.upgrade()
        seed(database, users, fake)
        env = {
            **os.environ,
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": fake.api_url,
            "DEALCOACH_LOG": "ERROR",
        }
        env.pop("SLACK_APP_TOKEN", None)
        command = [
            sys.executable,
            "-m",
            "bot.cli",
            "remind",
            "--once",
            "--db",
            scoped_url,
            "--now",
            NOW.isoformat(),
        ]
        started = time.monotonic()
        procs = [
            subprocess.Popen(
                command,
                env=env,
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(workers)
        ]
        delivered_at = None
        while delivered_at is None:
            if _delivered(fake) >= users:
                delivered_at = time.monotonic() - started
            elif all(p.poll() is not None for p in procs):
                break
            time.sleep(0.05)
        reports = [p.communicate(timeout=600)[1].strip().splitlines()[-1:] for p in procs]
        finished = time.monotonic() - started
        per_user = Counter(m for m in _dm_owners(fake))
        with database.session() as session:
            statuses = dict(
                session.execute(
                    text("SELECT status, count(*) FROM deliveries GROUP BY status")
                ).all()
            )
        return {
            "workers": workers,
            "users": users,
            "zones": len(ZONES),
            "all_delivered_s": round(delivered_at, 2) if delivered_at is not None else None,
            "workers_exited_s": round(finished, 2),
            "delivered_users": len(per_user),
            "duplicates": sum(1 for n in per_user.values() if n > 1),
            "outbox": statuses,
            "users_info_calls": len(fake.of("users.info")),
            "worker_reports": [r[0] if r else "" for r in reports],
        }
    finally:
        fake.stop()
        database.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _delivered(fake: FakeSlack) -> int:
    return sum(1 for channel in list(fake.dms) if fake.dms.get(channel))


def _dm_owners(fake: FakeSlack) -> list[str]:
    return [channel for channel, messages in list(fake.dms.items()) for _ in messages]


def main() -> None:
    """Run the benchmark and print JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    raw = os.environ.get("TEST_DATABASE_URL")
    if not raw:
        sys.exit("TEST_DATABASE_URL must point at PostgreSQL")
    url = normalise_database_url(raw)
    results = [run(url, args.users, n) for n in args.workers]
    print(
        json.dumps(
            {
                "benchmark": "reminders",
                "python": platform.python_version(),
                "cpus": os.cpu_count(),
                "runs": results,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
