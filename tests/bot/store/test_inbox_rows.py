"""The Slack inbox in SQL: keys, repeats, the dedupe window, leases and take-overs, pruning.

Every test runs on SQLite and, when TEST_DATABASE_URL is set, on PostgreSQL.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from alembic import command as alembic_command
from sqlalchemy import inspect, select

from bot.store.database import Database, _alembic_config
from bot.store.inbox_rows import (
    InboxClaim,
    claim_unfinished,
    commit_turn,
    finish_request,
    hand_back_claim,
    prune_inbox,
    receive_request,
    store_reply,
)
from bot.store.slack_tables import (
    COMMITTED,
    DONE,
    FAILED,
    MAX_INBOX_ATTEMPTS,
    PENDING,
    SlackInboxRow,
)

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
LEASE = timedelta(seconds=20)
WINDOW = timedelta(seconds=10)


def receive(
    database: Database, key: str = "ev:Ev1", *, at: datetime = NOW, window: timedelta | None = None
) -> InboxClaim | None:
    return receive_request(
        database,
        key=key,
        workspace_id="T1",
        kind="event",
        content_type="application/json",
        body='{"x": 1}',
        now=at,
        lease=LEASE,
        window=window,
    ).claim


def row(database: Database, claim_id: int) -> SlackInboxRow:
    with database.session() as session:
        found = session.get(SlackInboxRow, claim_id)
        assert found is not None
        return found


def test_a_request_is_written_once_and_a_repeat_only_acknowledged(database: Database) -> None:
    claim = receive(database)
    assert claim is not None and claim.attempts == 1
    assert receive(database) is None  # the retry of a delivery in progress
    stored = row(database, claim.id)
    assert stored.status == PENDING and stored.body == '{"x": 1}'


def test_a_turn_commits_the_row_and_done_drops_the_body(database: Database) -> None:
    claim = receive(database)
    assert claim is not None
    with database.session() as session:
        assert commit_turn(session, claim)
        assert commit_turn(session, claim)  # a second turn of the same request
        store_reply(session, claim, {"text": "hi", "blocks": []})
    assert row(database, claim.id).status == COMMITTED
    assert finish_request(database, claim, NOW, ack_body='{"response_action": "clear"}')
    done = row(database, claim.id)
    assert (done.status, done.body, done.reply) == (DONE, None, None)
    repeat = receive_request(
        database,
        key="ev:Ev1",
        workspace_id="T1",
        kind="view",
        content_type="x",
        body="",
        now=NOW,
        lease=LEASE,
        window=WINDOW,
    )
    assert repeat.claim is None and repeat.ack_body == '{"response_action": "clear"}'


def test_a_hash_key_acts_again_after_the_window_but_not_within_it(database: Database) -> None:
    first = receive(database, "action:abc", window=WINDOW)
    assert first is not None
    assert finish_request(database, first, NOW)
    assert receive(database, "action:abc", at=NOW + timedelta(seconds=3), window=WINDOW) is None
    again = receive(database, "action:abc", at=NOW + timedelta(seconds=30), window=WINDOW)
    assert again is not None and again.id != first.id
    # An event id or trigger id never expires as a key.
    event = receive(database, "ev:Ev9")
    assert event is not None and finish_request(database, event, NOW)
    assert receive(database, "ev:Ev9", at=NOW + timedelta(hours=2)) is None


def test_a_repeat_takes_over_a_request_whose_worker_died(database: Database) -> None:
    first = receive(database)
    assert first is not None
    assert receive(database, at=NOW + LEASE / 2) is None  # its worker may still be at it
    later = receive(database, at=NOW + LEASE + timedelta(seconds=1))
    assert later is not None and later.id == first.id and later.attempts == 2
    with database.session() as session:
        assert not commit_turn(session, first)  # the first holder lost its lease
        assert commit_turn(session, later)
    assert not finish_request(database, first, NOW)


def test_the_sweeper_claims_expired_rows_once_and_gives_up_in_the_end(database: Database) -> None:
    claim = receive(database)
    other = receive(database, "ev:Ev2")
    assert claim is not None and other is not None
    assert finish_request(database, other, NOW)
    assert claim_unfinished(database, NOW, LEASE) == ([], 0)  # still leased
    later = NOW + LEASE + timedelta(seconds=1)
    taken, given_up = claim_unfinished(database, later, LEASE)
    assert [t.claim.id for t in taken] == [claim.id] and given_up == 0
    assert taken[0].claim.status == PENDING and taken[0].claim.body == '{"x": 1}'
    assert claim_unfinished(database, later, LEASE) == ([], 0)  # now leased to the sweeper
    moment, attempts = later, taken[0].claim.attempts
    while attempts < MAX_INBOX_ATTEMPTS:
        moment += LEASE + timedelta(seconds=1)
        taken, given_up = claim_unfinished(database, moment, LEASE)
        assert len(taken) == 1 and given_up == 0
        attempts = taken[0].claim.attempts
    taken, given_up = claim_unfinished(database, moment + LEASE * 2, LEASE)
    assert taken == [] and given_up == 1
    assert row(database, claim.id).status == FAILED


def test_a_committed_row_comes_back_with_its_reply(database: Database) -> None:
    claim = receive(database)
    assert claim is not None
    with database.session() as session:
        assert commit_turn(session, claim)
        store_reply(session, claim, {"text": "Logged", "blocks": [{"type": "divider"}]})
    taken, _ = claim_unfinished(database, NOW + LEASE * 2, LEASE)
    assert taken[0].claim.status == COMMITTED
    assert taken[0].reply == {"text": "Logged", "blocks": [{"type": "divider"}]}


def test_concurrent_sweepers_never_take_the_same_row(database: Database) -> None:
    ids = set()
    for n in range(30):
        claim = receive(database, f"ev:C{n}")
        assert claim is not None
        ids.add(claim.id)
    later = NOW + LEASE * 2
    seen: list[int] = []
    lock = threading.Lock()

    def sweep() -> None:
        while True:
            taken, _ = claim_unfinished(database, later, LEASE, limit=3)
            if not taken:
                return
            with lock:
                seen.extend(t.claim.id for t in taken)

    threads = [threading.Thread(target=sweep) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(seen) == sorted(ids)


def test_a_handed_back_claim_is_taken_over_at_once_and_a_finished_one_is_not(
    database: Database,
) -> None:
    pending = receive(database, "ev:pending")
    committed = receive(database, "ev:committed")
    done = receive(database, "ev:done")
    assert pending is not None and committed is not None and done is not None
    assert finish_request(database, done, NOW)
    soon = NOW + timedelta(seconds=1)  # well within the lease
    with database.session() as session:
        assert commit_turn(session, committed)
        assert hand_back_claim(session, pending, soon)
        assert hand_back_claim(session, committed, soon)
        assert not hand_back_claim(session, done, soon)
    later = soon + timedelta(milliseconds=1)
    taken, _ = claim_unfinished(database, later, LEASE)
    assert {(t.claim.id, t.claim.status) for t in taken} == {
        (pending.id, PENDING),
        (committed.id, COMMITTED),
    }
    with database.session() as session:  # the sweeper holds them now, not the old claims
        assert not hand_back_claim(session, pending, later)


def test_finished_rows_are_pruned_after_a_while(database: Database) -> None:
    old = receive(database, "ev:old")
    young = receive(database, "ev:young", at=NOW + timedelta(days=2))
    pending = receive(database, "ev:pending")
    assert old is not None and young is not None and pending is not None
    assert finish_request(database, old, NOW)
    assert finish_request(database, young, NOW)
    assert prune_inbox(database, NOW + timedelta(days=1)) == 1
    with database.session() as session:
        keys = set(session.scalars(select(SlackInboxRow.key)))
    assert keys == {"ev:young", "ev:pending"}


def test_migration_0006_upgrades_and_downgrades(database: Database) -> None:
    assert "slack_inbox" in inspect(database.engine).get_table_names()
    config = _alembic_config(database.url)
    with database.engine.begin() as conn:
        config.attributes["connection"] = conn
        alembic_command.downgrade(config, "0005")
    assert "slack_inbox" not in inspect(database.engine).get_table_names()
    with database.engine.begin() as conn:
        config.attributes["connection"] = conn
        alembic_command.upgrade(config, "head")
    assert database.current_revision() == Database.head_revision() == "0010"
    assert receive(database) is not None
