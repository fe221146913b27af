"""The reminder worker against the fake Slack: each message exactly once, through failures.

Users are set up with real commands; the worker plans and sends at chosen instants. The
fake Slack keeps every DM, so "exactly once" is checked where the user would see it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from auxil.fake_slack import FakeSlack
from bot.service import CoachService
from bot.slack.sender import METADATA_EVENT, Sender, SendStats, sender_client
from bot.slack.worker import ReminderWorker, parse_now, running_from
from bot.store.database import Database
from bot.store.deliveries import SEND_LEASE, claim_deliveries
from bot.store.models import DeliveryRow

WS = "T1"
TOKEN = "xoxb-test"
MONDAY_0600 = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)
LONDON_0800 = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


class Clock:
    """A clock tests move by hand."""

    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    slack = FakeSlack().start()
    try:
        yield slack
    finally:
        slack.stop()


def setup_rep(
    database: Database,
    fake: FakeSlack,
    user: str,
    tz: str = "Europe/London",
    remind: str = "remind 08:00",
) -> None:
    fake.set_person(user, tz=tz)
    service = CoachService(database, clock=lambda: MONDAY_0600)
    for line in ("new Acme renewal", remind):
        service.handle(WS, user, line, tz=tz)


def worker_for(
    database: Database,
    fake: FakeSlack,
    clock: Callable[[], datetime],
) -> ReminderWorker:
    client = sender_client(fake.api_url, TOKEN)
    return ReminderWorker(database, lambda _ws: client, clock)


def ours(message: dict[str, object]) -> bool:
    metadata = message.get("metadata") or {}
    return isinstance(metadata, dict) and metadata.get("event_type") == METADATA_EVENT


def test_the_daily_prep_arrives_once_with_its_buttons(database: Database, fake: FakeSlack) -> None:
    setup_rep(database, fake, "U1")
    clock = Clock(LONDON_0800 - timedelta(minutes=1))
    worker = worker_for(database, fake, clock)
    assert worker.tick().sent.sent == 0
    clock.now = LONDON_0800
    tick = worker.tick()
    assert (tick.planned.queued, tick.sent.sent) == (1, 1)
    [message] = fake.dm("U1")
    assert ours(message)
    assert "Acme renewal" in str(message["blocks"])
    values = [
        e.get("value")
        for b in message["blocks"] or []
        if b.get("type") == "actions"
        for e in b["elements"]
    ]
    assert "remind snooze" in values and "remind off" in values
    clock.now += timedelta(minutes=30)
    worker.tick()
    assert len(fake.dm("U1")) == 1


def test_a_429_burst_is_waited_out_and_delivers_once(database: Database, fake: FakeSlack) -> None:
    for user in ("U1", "U2", "U3"):
        setup_rep(database, fake, user)
    fake.fail_next("chat.postMessage", 429, times=5, retry_after=0)
    tick = worker_for(database, fake, running_from(LONDON_0800)).run_once(deadline_seconds=60)
    assert tick.sent.sent == 3
    for user in ("U1", "U2", "U3"):
        assert len(fake.dm(user)) == 1


def test_a_5xx_after_posting_is_not_posted_again(database: Database, fake: FakeSlack) -> None:
    setup_rep(database, fake, "U1")
    fake.lose_answer_next("chat.postMessage", status=503)
    clock = Clock(LONDON_0800)
    worker = worker_for(database, fake, clock)
    first = worker.tick()
    assert (first.sent.sent, first.sent.retried) == (0, 1)
    assert len(fake.dm("U1")) == 1  # Slack did post it; we could not know
    clock.now += timedelta(minutes=1)  # past the backoff
    second = worker.tick()
    assert (second.sent.sent, second.sent.found) == (1, 1)
    assert len(fake.dm("U1")) == 1
    assert fake.of("conversations.history")


def test_a_plain_5xx_is_retried_with_backoff(database: Database, fake: FakeSlack) -> None:
    setup_rep(database, fake, "U1")
    fake.fail_next("chat.postMessage", 502, times=2)
    tick = worker_for(database, fake, running_from(LONDON_0800)).run_once(deadline_seconds=60)
    assert tick.sent.sent == 1
    assert len(fake.dm("U1")) == 1


def test_a_worker_that_died_after_posting_is_not_repeated(
    database: Database, fake: FakeSlack
) -> None:
    setup_rep(database, fake, "U1")
    clock = Clock(LONDON_0800)
    worker = worker_for(database, fake, clock)
    worker.planner.run(clock())
    client = sender_client(fake.api_url, TOKEN)
    dying = Sender(database, lambda _ws: client, clock)
    [item] = claim_deliveries(database, clock(), 10)

    def crash(*_args: object, **_kwargs: object) -> bool:
        raise SystemExit("the worker died before recording the send")

    import bot.slack.sender as sender_module

    original = sender_module.finish_delivery
    sender_module.finish_delivery = crash  # type: ignore[assignment]
    try:
        with pytest.raises(SystemExit):
            dying.send(item, sender_module.SendStats())
    finally:
        sender_module.finish_delivery = original
    assert len(fake.dm("U1")) == 1
    clock.now += timedelta(seconds=10)
    assert worker.tick().sent.sent == 0  # the lease still holds
    clock.now += SEND_LEASE
    tick = worker.tick()
    assert (tick.sent.sent, tick.sent.found) == (1, 1)
    assert len(fake.dm("U1")) == 1


def test_a_permanent_error_fails_without_retrying(database: Database, fake: FakeSlack) -> None:
    setup_rep(database, fake, "U1")
    fake.answer("chat.postMessage", lambda body: {"ok": False, "error": "user_not_found"})
    tick = worker_for(database, fake, running_from(LONDON_0800)).run_once(deadline_seconds=10)
    assert (tick.sent.failed, tick.sent.retried) == (1, 0)
    with database.session() as session:
        row = session.scalar(select(DeliveryRow))
        assert row is not None and (row.status, row.error) == ("failed", "user_not_found")


def test_a_workspace_without_an_install_fails_cleanly(database: Database, fake: FakeSlack) -> None:
    setup_rep(database, fake, "U1")
    worker = ReminderWorker(database, lambda _ws: None, Clock(LONDON_0800))
    assert worker.tick().sent.failed == 1
    assert fake.dm("U1") == []


def test_slacks_time_zone_moves_the_reminder(database: Database, fake: FakeSlack) -> None:
    setup_rep(database, fake, "U1")
    fake.set_person("U1", tz="America/Los_Angeles")  # they flew out after setting it
    clock = Clock(LONDON_0800 + timedelta(hours=2))  # the tz cache is an hour
    worker = worker_for(database, fake, clock)
    assert worker.tick().sent.sent == 0
    clock.now = datetime(2026, 11, 23, 16, 0, tzinfo=UTC)  # 08:00 in Los Angeles
    assert worker.tick().sent.sent == 1
    assert len(fake.dm("U1")) == 1


def test_two_workers_on_postgres_send_each_reminder_once(
    database: Database, fake: FakeSlack
) -> None:
    if database.is_sqlite:
        pytest.skip("the claim race is a PostgreSQL question; SQLite has one writer")
    users = [f"U{i:03d}" for i in range(60)]
    for user in users:
        setup_rep(database, fake, user)
    fake.fail_next("chat.postMessage", 429, times=4, retry_after=0)
    ticks = []
    barrier = threading.Barrier(2)

    def work() -> None:
        barrier.wait()
        ticks.append(
            worker_for(database, fake, running_from(LONDON_0800)).run_once(deadline_seconds=60)
        )

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # How the work is shared is the benchmark's question (tests/bench/bench_reminders.py).
    assert sum(t.sent.sent for t in ticks) == len(users)
    for user in users:
        assert len(fake.dm(user)) == 1, user


def test_now_must_be_an_iso_time() -> None:
    assert parse_now("2026-12-01T08:00:00") == datetime(2026, 12, 1, 8, tzinfo=UTC)
    with pytest.raises(ValueError, match="ISO time"):
        parse_now("tomorrow")


def test_a_stopping_sender_hands_its_claims_back(database: Database, fake: FakeSlack) -> None:
    setup_rep(database, fake, "U1")
    clock = Clock(LONDON_0800)
    worker = worker_for(database, fake, clock)
    worker.planner.run(clock())
    worker.stop.set()  # SIGTERM between the claim and the posts
    sender = worker.sender
    [item] = claim_deliveries(database, clock(), 10)
    sender.held.hold(item.id, item.lease_until, item, clock())
    sender._send_held(item, SendStats())
    with database.session() as session:
        row = session.scalar(select(DeliveryRow))
        # Back in the outbox, due now, its attempt not counted (it was never tried).
        assert row is not None and (row.status, row.lease_until, row.attempts) == (
            "pending",
            None,
            0,
        )
    assert fake.dm("U1") == [] and worker.hand_back() == 0
    fresh = worker_for(database, fake, clock)
    assert fresh.tick().sent.sent == 1 and not fake.of("conversations.history")


def test_a_send_cut_short_is_handed_back_and_not_repeated(
    database: Database, fake: FakeSlack
) -> None:
    setup_rep(database, fake, "U1")
    clock = Clock(LONDON_0800)
    worker = worker_for(database, fake, clock)
    worker.planner.run(clock())
    [item] = claim_deliveries(database, clock(), 10)
    worker.sender.held.hold(item.id, item.lease_until, item, clock())
    client = sender_client(fake.api_url, TOKEN)
    client.chat_postMessage(
        channel="U1",
        text="posted before the stop",
        metadata={"event_type": METADATA_EVENT, "event_payload": {"delivery_id": item.id}},
    )
    assert worker.hand_back() == 1  # the grace period ran out mid-send
    later = worker_for(database, fake, Clock(LONDON_0800 + timedelta(seconds=1)))
    tick = later.tick()  # at once, not after SEND_LEASE
    assert (tick.sent.sent, tick.sent.found) == (1, 1)
    assert len(fake.dm("U1")) == 1
