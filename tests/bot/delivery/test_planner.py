"""The reminder planner on SQLite and PostgreSQL: due reminders become outbox rows once.

Users are set up through real commands (``CoachService``) at chosen instants; the planner
then runs at other instants, as a worker would after downtime, a restart or a trip.
"""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.delivery.planner import PLAN_LEASE, Planner, PlanStats
from bot.service import CoachService
from bot.store.database import Database
from bot.store.mapping import utc
from bot.store.models import DeliveryRow, ReminderRow, UserRow

WS = "T1"
# Monday 23 Nov 2026, 06:00 UTC.
MONDAY_0600 = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)


def run(
    database: Database, user: str, lines: list[str], at: datetime, tz: str | None = None
) -> None:
    service = CoachService(database, clock=lambda: at)
    for line in lines:
        outcome = service.handle(WS, user, line, tz=tz)
        assert not hasattr(outcome, "code"), (line, outcome)


def deliveries(database: Database) -> list[DeliveryRow]:
    with database.session() as session:
        return list(session.scalars(select(DeliveryRow).order_by(DeliveryRow.id)))


def next_due(database: Database, user: str) -> datetime:
    with database.session() as session:
        value = session.scalar(select(ReminderRow.next_due_at).where(ReminderRow.user_id == user))
    result = utc(value)
    assert result is not None
    return result


def rep_with_gaps(
    database: Database, user: str, tz: str, at: datetime, remind: str = "remind 08:00"
) -> None:
    run(database, user, ["new Acme renewal", remind], at, tz=tz)


def test_a_due_reminder_is_queued_once_for_the_local_day(database: Database) -> None:
    # Auckland is UTC+13 in November: Monday 08:00 there is Sunday 19:00 UTC.
    rep_with_gaps(database, "U1", "Pacific/Auckland", datetime(2026, 11, 22, 10, tzinfo=UTC))
    due = next_due(database, "U1")
    assert due == datetime(2026, 11, 22, 19, 0, tzinfo=UTC)
    planner = Planner(database)
    assert planner.run(due - timedelta(seconds=1)).claimed == 0
    stats = planner.run(due)
    assert (stats.claimed, stats.queued) == (1, 1)
    [row] = deliveries(database)
    assert (row.kind, row.dedupe_key, row.status) == ("prep", "2026-11-23", "pending")
    assert "Acme renewal" in str(row.payload)
    assert next_due(database, "U1") == datetime(2026, 11, 23, 19, 0, tzinfo=UTC)
    assert planner.run(due + timedelta(minutes=5)).claimed == 0
    assert len(deliveries(database)) == 1


def test_nothing_to_say_sends_nothing_but_moves_on(database: Database) -> None:
    run(database, "U1", ["remind 08:00 daily"], MONDAY_0600, tz="Europe/London")
    stats = Planner(database).run(datetime(2026, 11, 23, 8, 0, tzinfo=UTC))
    assert (stats.claimed, stats.queued, stats.quiet) == (1, 0, 1)
    assert deliveries(database) == []
    assert next_due(database, "U1") == datetime(2026, 11, 24, 8, 0, tzinfo=UTC)


def test_catch_up_after_downtime_the_same_day_but_not_the_next(database: Database) -> None:
    rep_with_gaps(database, "U1", "America/New_York", MONDAY_0600)  # 08:00 EST = 13:00 UTC
    rep_with_gaps(database, "U2", "America/New_York", MONDAY_0600)
    planner = Planner(database)
    # Every worker was down from before 08:00 until 11:00 New York time: still useful.
    stats = planner.run(datetime(2026, 11, 23, 16, 0, tzinfo=UTC))
    assert stats.queued == 2
    assert {r.dedupe_key for r in deliveries(database)} == {"2026-11-23"}
    # Down from Tuesday morning until Wednesday 07:00 local: Tuesday's is gone, not sent late.
    stats = planner.run(datetime(2026, 11, 25, 12, 0, tzinfo=UTC))
    assert (stats.claimed, stats.queued, stats.missed) == (2, 0, 2)
    assert next_due(database, "U1") == datetime(2026, 11, 25, 13, 0, tzinfo=UTC)


def test_a_reminder_missed_all_day_is_not_caught_up_in_the_evening(database: Database) -> None:
    rep_with_gaps(database, "U1", "America/New_York", MONDAY_0600)  # 08:00 EST = 13:00 UTC
    # Every worker was down from before 08:00 until 22:35 New York time.
    stats = Planner(database).run(datetime(2026, 11, 24, 3, 35, tzinfo=UTC))
    assert (stats.claimed, stats.queued, stats.missed) == (1, 0, 1)
    assert deliveries(database) == []
    assert next_due(database, "U1") == datetime(2026, 11, 24, 13, 0, tzinfo=UTC)


def test_weekends_are_skipped_in_the_users_calendar(database: Database) -> None:
    # Friday 27 Nov, 18:00 UTC; Kolkata is UTC+5:30 and it is already Friday night there.
    rep_with_gaps(
        database,
        "U1",
        "Asia/Kolkata",
        datetime(2026, 11, 27, 18, tzinfo=UTC),
        remind="remind 09:30",
    )
    assert next_due(database, "U1") == datetime(2026, 11, 30, 4, 0, tzinfo=UTC)  # Monday


def test_snooze_skips_the_rest_of_today(database: Database) -> None:
    rep_with_gaps(database, "U1", "Europe/London", MONDAY_0600)
    run(database, "U1", ["remind snooze"], MONDAY_0600 + timedelta(minutes=5), tz="Europe/London")
    assert next_due(database, "U1") == datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
    assert Planner(database).run(datetime(2026, 11, 23, 9, 0, tzinfo=UTC)).claimed == 0


def test_remind_off_stops_everything(database: Database) -> None:
    rep_with_gaps(database, "U1", "Europe/London", MONDAY_0600)
    run(database, "U1", ["remind off"], MONDAY_0600, tz="Europe/London")
    assert Planner(database).run(datetime(2026, 11, 23, 9, 0, tzinfo=UTC)).claimed == 0
    assert deliveries(database) == []


def test_the_reminder_follows_a_traveller(database: Database) -> None:
    rep_with_gaps(database, "U1", "Europe/London", MONDAY_0600)  # 08:00 London = 08:00 UTC
    zones = {"U1": "America/Los_Angeles"}
    planner = Planner(database, lambda _ws, user: zones.get(user))
    # At 08:00 UTC Slack says they are in Los Angeles now, where it is midnight: not yet.
    stats = planner.run(datetime(2026, 11, 23, 8, 0, tzinfo=UTC))
    assert (stats.moved, stats.queued) == (1, 0)
    assert next_due(database, "U1") == datetime(2026, 11, 23, 16, 0, tzinfo=UTC)
    stats = planner.run(datetime(2026, 11, 23, 16, 0, tzinfo=UTC))
    assert stats.queued == 1
    with database.session() as session:
        assert (
            session.scalar(select(UserRow.tz).where(UserRow.user_id == "U1"))
            == "America/Los_Angeles"
        )


def test_a_managers_monday_digest(database: Database) -> None:
    run(database, "M1", ["team add <@U1|dana>", "remind 09:00"], MONDAY_0600, tz="Europe/London")
    rep_with_gaps(database, "U1", "Europe/London", MONDAY_0600)
    run(database, "U1", ["team accept <@M1>"], MONDAY_0600)  # the rep's consent
    Planner(database).run(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    digest = [r for r in deliveries(database) if r.kind == "digest"]
    assert len(digest) == 1 and digest[0].user_id == "M1"
    assert digest[0].payload["people"] == ["U1"]
    assert "@U1" in str(digest[0].payload)
    # Tuesday: prep reminders go on (the manager has no deals), no second digest.
    Planner(database).run(datetime(2026, 11, 24, 9, 0, tzinfo=UTC))
    assert len([r for r in deliveries(database) if r.kind == "digest"]) == 1


def test_a_dead_workers_claim_is_taken_over_once(database: Database) -> None:
    rep_with_gaps(database, "U1", "Europe/London", MONDAY_0600)
    at = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
    crashed = Planner(database)
    assert len(crashed.claim(at, 10)) == 1  # ...and the worker dies before planning
    other = Planner(database)
    assert other.run(at + timedelta(seconds=30)).claimed == 0  # the lease still holds
    stats = other.run(at + PLAN_LEASE + timedelta(seconds=1))
    assert (stats.claimed, stats.queued) == (1, 1)
    assert len(deliveries(database)) == 1


def test_two_planners_at_once_queue_each_day_once(database: Database) -> None:
    if database.is_sqlite:
        pytest.skip("SQLite has one writer; the claim race is a PostgreSQL question")
    for i in range(40):
        rep_with_gaps(database, f"U{i}", "Europe/London", MONDAY_0600)
    at = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
    results: list[PlanStats] = []
    barrier = threading.Barrier(2)

    def work() -> None:
        barrier.wait()
        results.append(Planner(database).run(at, batch=5))

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(r.claimed for r in results) == 40
    assert all(r.claimed > 0 for r in results), "both workers should share the work"
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(DeliveryRow)) == 40
    assert {r.dedupe_key for r in deliveries(database)} == {date(2026, 11, 23).isoformat()}


def test_a_stopping_planners_claim_is_handed_back_at_once(database: Database) -> None:
    rep_with_gaps(database, "U1", "Europe/London", MONDAY_0600)
    at = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
    stopping = Planner(database)
    claimed = stopping.claim(at, 10)
    for item in claimed:  # as run() records a batch before planning it
        stopping.held.hold(item.id, item.lease_until, item, at)
    assert stopping.hand_back(at + timedelta(seconds=1)) == 1  # SIGTERM before planning
    assert stopping.hand_back(at + timedelta(seconds=2)) == 0  # nothing left to hand back
    stats = Planner(database).run(at + timedelta(seconds=2))  # no wait for the lease
    assert (stats.claimed, stats.queued) == (1, 1)


def test_a_stopped_planner_claims_nothing_more(database: Database) -> None:
    rep_with_gaps(database, "U1", "Europe/London", MONDAY_0600)
    planner = Planner(database)
    planner.stop.set()
    assert planner.run(datetime(2026, 11, 23, 8, 0, tzinfo=UTC)).claimed == 0
    assert len(planner.held) == 0
