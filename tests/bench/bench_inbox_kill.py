r"""Benchmark: SIGKILL one gunicorn worker during a burst of DMs; nothing acknowledged is lost.

Issue 12, finding 1: ``kill -9`` of a worker during a burst of 60 DMs used to lose 20-23
acknowledged messages. This runs the real ``dealcoach serve`` HTTP path (gunicorn,
``gthread``, 2 workers x 8 threads, through ``bench_slack``'s child-process server) against
the tests' fake Slack, on a migrated SQLite file and, with ``TEST_DATABASE_URL``, on
PostgreSQL in a throwaway schema. Per backend:

1. ``--users`` users each get a deal; then ``--dms`` DMs (``give <unique item>``) go out
   from ``--senders`` threads at once, signed like Slack's, each with its own event id.
2. Once ``--kill-after`` of them were acknowledged, one worker gets SIGKILL (gunicorn
   starts another). A DM that got no 200 is sent again like Slack does (same event id,
   ``X-Slack-Retry-Num``) until it is acknowledged.
3. Then every DM must end up answered exactly once in the user's DM (the fake Slack keeps
   the DMs) and logged exactly once (one move per item in the database), within
   ``--recover-seconds``; the inbox rows the sweeper had to take over are counted.

It also measures ack latency against a bare Bolt app in the same run (``bench_slack``'s
interleaved one-at-a-time ``/deal give``), for the issue's target: p99 at most 1.3x bare.

Prints one JSON object. Not part of the test run:

    TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test \
        python tests/bench/bench_inbox_kill.py [--dms 60] [--latency 300]
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import platform
import signal
import sys
import tempfile
import threading
import time
import urllib.error
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parents[1]), str(HERE.parents[1] / "tests")]

import bench_slack  # noqa: E402
from bench_slack import SECRET, TEAM, Bench, BenchSlack, Server, running_server  # noqa: E402

from auxil.fake_slack import Sent, SignedSlackClient  # noqa: E402

TARGETS = {
    "acknowledged_all": True,
    "answered_exactly_once": True,
    "logged_exactly_once": True,
    "recover_seconds_max": 60.0,
    "ack_p99_ratio_max": 1.3,
}
RETRY_PAUSE = 1.0


def workers_of(process_id: int) -> list[int]:
    """The gunicorn workers: child processes of the server (its arbiter runs in it)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == process_id:
            found.append(int(entry.name))
    return sorted(found)


def send(client: SignedSlackClient, text: str, user: str, event_id: str, retry: int = 0) -> Sent:
    """One DM delivery; a dropped connection (the worker died) is status 0."""
    headers = (
        {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_error"} if retry else None
    )
    start = time.monotonic()
    try:
        return client.dm(text, user=user, event_id=event_id, headers=headers)
    except (urllib.error.URLError, ConnectionError, http.client.HTTPException, TimeoutError) as exc:
        return Sent(0, str(exc), time.monotonic() - start)


def _ms(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(len(ordered) * q))] * 1000, 2)


def kill_run(
    tag: str,
    database: Any,
    fake: BenchSlack,
    args: argparse.Namespace,
) -> dict[str, Any]:
    """Seed, burst, kill, retry, and check every DM is answered and logged exactly once."""
    from sqlalchemy import func, select

    from bot.service import CoachService
    from bot.store.models import DealRow, MoveRow
    from bot.store.slack_tables import SlackInboxRow

    service = CoachService(database)
    users = [f"UK{tag[:2].upper()}{n}" for n in range(1, args.users + 1)]
    for user in users:
        service.handle(TEAM, user, "new Kill test")
    items = [f"kit{tag}{n:03d}z" for n in range(args.dms)]
    plan = [(item, users[n % len(users)], f"Ev{tag}{n:03d}") for n, item in enumerate(items)]
    status: dict[str, int] = {}
    acks: list[float] = []
    lock = threading.Lock()
    acked = threading.Event()
    killed: dict[str, Any] = {}
    with running_server("full", fake, database.url) as server:
        client = SignedSlackClient(server.base_url, SECRET, fake, team_id=TEAM)
        tickets = itertools.count()

        def sender() -> None:
            while (n := next(tickets)) < len(plan):
                item, user, event_id = plan[n]
                sent = send(client, f"give {item}", user, event_id)
                with lock:
                    status[item] = sent.status
                    if sent.status == 200:
                        acks.append(sent.elapsed)
                    if sum(s == 200 for s in status.values()) >= args.kill_after:
                        acked.set()

        def killer() -> None:
            acked.wait(60)
            victims = workers_of(server.process.pid)
            if victims:
                os.kill(victims[0], signal.SIGKILL)
                killed.update(pid=victims[0], at_acked=sum(s == 200 for s in status.values()))

        threads = [threading.Thread(target=sender) for _ in range(args.senders)]
        kill_thread = threading.Thread(target=killer)
        started = time.monotonic()
        kill_thread.start()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        kill_thread.join(60)
        burst_seconds = time.monotonic() - started
        # Slack resends what got no 200, with the same event id.
        retries = 0
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            missing = [p for p in plan if status.get(p[0]) != 200]
            if not missing:
                break
            time.sleep(RETRY_PAUSE)
            for item, user, event_id in missing:
                retries += 1
                status[item] = send(client, f"give {item}", user, event_id, retry=1).status
        acknowledged = sorted(item for item, s in status.items() if s == 200)

        def answers() -> dict[str, int]:
            counts = dict.fromkeys(items, 0)
            for user in users:
                for message in fake.dm(user):
                    text = json.dumps(message)
                    for item in items:
                        if item in text:
                            counts[item] += 1
            return counts

        def logged() -> dict[str, int]:
            with database.session() as session:
                found = dict(
                    session.execute(
                        select(MoveRow.item, func.count())
                        .join(DealRow, MoveRow.deal_id == DealRow.id)
                        .where(DealRow.workspace_id == TEAM, MoveRow.item.in_(items))
                        .group_by(MoveRow.item)
                    ).all()
                )
            return {item: int(found.get(item, 0)) for item in items}

        recover_started = time.monotonic()
        recovered_at: float | None = None
        while time.monotonic() - recover_started < args.recover_seconds:
            if all(answers()[i] >= 1 for i in acknowledged) and all(
                logged()[i] >= 1 for i in acknowledged
            ):
                recovered_at = time.monotonic()
                break
            time.sleep(0.5)
        # Leave a sweep or two of time for a duplicate to show up, if there were one.
        time.sleep(args.settle_seconds)
        answered, stored = answers(), logged()
        with database.session() as session:
            taken_over = int(
                session.scalar(
                    select(func.count())
                    .select_from(SlackInboxRow)
                    .where(SlackInboxRow.attempts > 1)
                )
                or 0
            )
            unfinished = int(
                session.scalar(
                    select(func.count())
                    .select_from(SlackInboxRow)
                    .where(SlackInboxRow.status.in_(("pending", "committed")))
                )
                or 0
            )
    server_log = server.log()
    unexpected_errors = [e for e in server.errors if "SIGKILL" not in e and "Worker (pid" not in e]
    return {
        "dms": len(plan),
        "users": len(users),
        "senders": args.senders,
        "killed_worker": killed,
        "burst_seconds": round(burst_seconds, 2),
        "first_try_ack_p50_ms": _ms(acks, 0.5),
        "first_try_ack_p99_ms": _ms(acks, 0.99),
        "redeliveries_like_slack": retries,
        "acknowledged": len(acknowledged),
        "answered_once": sum(answered[i] == 1 for i in items),
        "answered_twice_or_more": sorted(i for i in items if answered[i] > 1)[:10],
        "not_answered": sorted(i for i in acknowledged if answered[i] == 0)[:10],
        "logged_once": sum(stored[i] == 1 for i in items),
        "logged_twice_or_more": sorted(i for i in items if stored[i] > 1)[:10],
        "not_logged": sorted(i for i in acknowledged if stored[i] == 0)[:10],
        "inbox_rows_taken_over_after_the_kill": taken_over,
        "inbox_rows_unfinished_at_the_end": unfinished,
        "recover_seconds": round(recovered_at - recover_started, 2)
        if recovered_at is not None
        else None,
        "server_errors_besides_the_kill": len(unexpected_errors),
        "first_server_errors": unexpected_errors[:3],
        "server_warnings": server_log["distinct_warnings"],
    }


def latency_run(
    tag: str, database: Any, fake: BenchSlack, bare: Server, requests: int
) -> dict[str, Any]:
    """bench_slack's interleaved one-at-a-time ack comparison, full app versus bare Bolt."""
    with running_server("full", fake, database.url) as full:
        bench = Bench(f"{tag}-lat", fake, full, bare, 4)
        bench.warm_up()
        return bench.latency(requests)


def met(kill: dict[str, Any], latency: dict[str, Any]) -> dict[str, bool]:
    ratio = latency.get("ack_p99_ratio")
    return {
        "acknowledged_all": kill["acknowledged"] == kill["dms"],
        "answered_exactly_once": kill["answered_once"] == kill["dms"],
        "logged_exactly_once": kill["logged_once"] == kill["dms"],
        "recovered_in_time": kill["recover_seconds"] is not None
        and kill["recover_seconds"] <= TARGETS["recover_seconds_max"],
        "ack_p99_ratio": ratio is not None and ratio <= TARGETS["ack_p99_ratio_max"],
        "no_other_server_errors": kill["server_errors_besides_the_kill"] == 0,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dms", type=int, default=60)
    parser.add_argument("--users", type=int, default=12)
    parser.add_argument("--senders", type=int, default=16)
    parser.add_argument(
        "--kill-after",
        type=int,
        default=20,
        help="SIGKILL a worker once this many DMs were acknowledged",
    )
    parser.add_argument("--recover-seconds", type=float, default=90.0)
    parser.add_argument("--settle-seconds", type=float, default=8.0)
    parser.add_argument(
        "--latency",
        type=int,
        default=300,
        help="one-at-a-time requests per app for the ack ratio (0: skip)",
    )
    args = parser.parse_args()

    from auxil.databases import make_database

    started = time.monotonic()
    backends: dict[str, Any] = {}
    targets_detail: dict[str, dict[str, bool]] = {}
    fake = BenchSlack().start()
    try:
        with (
            tempfile.TemporaryDirectory() as tmp,
            running_server("bare", fake, f"sqlite:///{Path(tmp) / 'bare.db'}") as bare,
        ):
            kinds = ["sqlite"]
            if os.environ.get("TEST_DATABASE_URL", "").strip():
                kinds.append("postgres")
            for kind in kinds:
                import pytest

                try:
                    with make_database(kind, Path(tmp) / kind) as database:
                        kill = kill_run(kind, database, fake, args)
                        latency = (
                            latency_run(kind, database, fake, bare, args.latency)
                            if args.latency
                            else {}
                        )
                except pytest.skip.Exception as exc:
                    backends[kind] = {"skipped": str(exc)}
                    continue
                backends[kind] = {"kill": kill, "ack_latency_vs_bare": latency}
                targets_detail[kind] = met(kill, latency)
    finally:
        fake.stop()
    print(
        json.dumps(
            {
                "benchmark": "inbox_sigkill_during_dm_burst",
                "command": "python tests/bench/bench_inbox_kill.py",
                "setup": {
                    "server": "dealcoach serve's HTTP path (bench_slack child: gunicorn gthread, "
                    "2 workers x 8 threads), fake Slack from tests/auxil",
                    "kill": f"SIGKILL of one worker after {args.kill_after} of {args.dms} DMs were "
                    "acknowledged; DMs without a 200 re-sent like Slack (same event id)",
                    "cpus": os.cpu_count(),
                    "python": platform.python_version(),
                    "bench_slack": bench_slack.__name__,
                },
                "backends": backends,
                "targets": TARGETS,
                "targets_detail": targets_detail,
                "targets_met": bool(targets_detail)
                and all(all(v.values()) for v in targets_detail.values()),
                "runtime_seconds": round(time.monotonic() - started, 1),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
