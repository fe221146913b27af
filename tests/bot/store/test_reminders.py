"""The reminder planner's rows: claimed under a lease, handed back, read for a batch.

Every test runs on SQLite and, when TEST_DATABASE_URL is set, on PostgreSQL. Users,
deals and reminders are set up through real commands; planning itself is covered by
tests/bot/delivery/test_planner.py.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from bot.service import CoachService
from bot.store.database import Database
from bot.store.models import DealRow
from bot.store.reminders import (
    active_deals_of,
    claim_due_reminders,
    lock_users,
    release_reminders,
    reminders_by_id,
)

WS = "T1"
SET_UP = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)  # a Monday
DUE = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # 08:00 in London
LEASE = timedelta(minutes=2)


def run(database: Database, user: str, *lines: str, tz: str | None = "Europe/London") -> None:
    service = CoachService(database, clock=lambda: SET_UP)
    for line in lines:
        outcome = service.handle(WS, user, line, tz=tz)
        assert not hasattr(outcome, "code"), (line, outcome)


def test_a_due_reminder_is_claimed_once_until_its_lease_ends(database: Database) -> None:
    run(database, "U1", "remind 08:00")
    assert claim_due_reminders(database, DUE - timedelta(seconds=1), 10, DUE + LEASE) == []
    [due] = claim_due_reminders(database, DUE, 10, DUE + LEASE, zone_checks=True)
    assert (due.workspace_id, due.user_id) == (WS, "U1")
    assert due.zone_checked_at == SET_UP  # the command brought Slack's zone
    assert claim_due_reminders(database, DUE + timedelta(minutes=1), 10, DUE + 2 * LEASE) == []
    # The lease ran out (the worker died): another takes it, without the zone checks.
    later = DUE + LEASE + timedelta(seconds=1)
    [again] = claim_due_reminders(database, later, 10, later + LEASE)
    assert again.id == due.id and again.zone_checked_at is None


def test_claims_take_the_oldest_first_up_to_the_limit(database: Database) -> None:
    run(database, "U1", "remind 08:00")
    run(database, "U2", "remind 07:00")
    run(database, "U3", "remind 09:00", tz=None)  # never told a zone: UTC
    now = DUE + timedelta(hours=1)
    [first] = claim_due_reminders(database, now, 1, now + LEASE)
    assert first.user_id == "U2"
    rest = claim_due_reminders(database, now, 10, now + LEASE, zone_checks=True)
    assert [(r.user_id, r.zone_checked_at) for r in rest] == [("U1", SET_UP), ("U3", None)]


def test_only_a_lease_still_held_is_handed_back(database: Database) -> None:
    run(database, "U1", "remind 08:00")
    assert release_reminders(database, []) == 0
    [due] = claim_due_reminders(database, DUE, 10, DUE + LEASE)
    assert release_reminders(database, [(due.id, DUE + LEASE + timedelta(seconds=1))]) == 0
    assert release_reminders(database, [(due.id, DUE + LEASE)]) == 1
    assert release_reminders(database, [(due.id, DUE + LEASE)]) == 0
    [again] = claim_due_reminders(database, DUE + timedelta(seconds=1), 10, DUE + LEASE)
    assert again.id == due.id


def test_a_batch_reads_its_users_reminders_and_active_deals(database: Database) -> None:
    run(database, "U1", "new Acme", "new Beta", "new Gamma", "remind 08:00")
    run(database, "U2", "remind 08:00")
    with database.session() as session:
        session.execute(update(DealRow).where(DealRow.name == "Beta").values(phase="review"))
    claimed = claim_due_reminders(database, DUE, 10, DUE + LEASE)
    keys = [(WS, "U1"), (WS, "U2"), (WS, "UNOBODY"), ("T2", "U1")]
    with database.session() as session:
        users = lock_users(session, keys)
        assert sorted(users) == [(WS, "U1"), (WS, "U2")]
        assert users[(WS, "U1")].tz == "Europe/London"
        rows = reminders_by_id(session, [c.id for c in claimed] + [10_000])
        assert sorted((r.user_id, r.lease_until is not None) for r in rows.values()) == [
            ("U1", True),
            ("U2", True),
        ]
        deals = active_deals_of(session, keys)
        assert {key: [d.name for d in found] for key, found in deals.items()} == {
            (WS, "U1"): ["Acme", "Gamma"]
        }
