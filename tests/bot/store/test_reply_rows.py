"""The Slack rows around a reply in SQL: event ids, "More" replies, last replies, uninstall.

Every test runs on SQLite and, when TEST_DATABASE_URL is set, on PostgreSQL.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.store.database import Database
from bot.store.home_views import record_digest, shown_digest
from bot.store.reply_rows import (
    KeptReply,
    claim_event,
    forget_slack_rows,
    keep_last_reply,
    keep_whole_reply,
    last_reply,
    prune_events,
    prune_whole_replies,
    whole_reply,
)
from bot.store.slack_tables import SlackEventRow, SlackLastReplyRow, SlackReplyMoreRow

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
BLOCKS = [{"type": "section", "text": {"type": "mrkdwn", "text": "Logged"}}]


def claim(database: Database, event_id: str, at: datetime = NOW, workspace: str = "T1") -> bool:
    with database.session() as session:
        return claim_event(session, workspace, event_id, at, on_sqlite=database.is_sqlite)


def event_ids(database: Database) -> set[str]:
    with database.session() as session:
        return set(session.scalars(select(SlackEventRow.event_id)))


def keep_more(database: Database, key: str, at: datetime = NOW, workspace: str = "T1") -> None:
    with database.session() as session:
        keep_whole_reply(session, key, workspace, "U1", "Logged", BLOCKS, at)


def keep_last(database: Database, text: str, workspace: str = "T1", command: str = "give") -> None:
    with database.session() as session:
        keep_last_reply(
            session, workspace, "U1", command, text, BLOCKS, NOW, on_sqlite=database.is_sqlite
        )


def test_an_event_is_claimed_once_and_a_long_id_is_cut(database: Database) -> None:
    assert claim(database, "Ev1")
    assert not claim(database, "Ev1")  # Slack's retry
    assert not claim(database, "Ev1", workspace="T2")  # event ids are global
    long_id = "Ev" + "x" * 90
    assert claim(database, long_id)
    assert not claim(database, long_id[:64])
    assert event_ids(database) == {"Ev1", long_id[:64]}


def test_concurrent_deliveries_of_one_event_claim_it_once(database: Database) -> None:
    results: list[bool] = []
    barrier = threading.Barrier(4)

    def deliver() -> None:
        barrier.wait()
        results.append(claim(database, "Ev-race"))

    threads = [threading.Thread(target=deliver) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(results) == [False, False, False, True]


def test_event_ids_received_before_the_cutoff_are_pruned(database: Database) -> None:
    assert claim(database, "Ev-old", NOW - timedelta(days=2))
    assert claim(database, "Ev-edge", NOW)
    assert claim(database, "Ev-new", NOW + timedelta(hours=1))
    with database.session() as session:
        assert prune_events(session, NOW) == 1
    assert event_ids(database) == {"Ev-edge", "Ev-new"}
    assert claim(database, "Ev-old")  # forgotten, so it would act again


def test_a_whole_reply_is_shown_only_to_its_user(database: Database) -> None:
    key = "a" * 24
    keep_more(database, key)
    assert whole_reply(database, "T1", "U1", key) == KeptReply("Logged", BLOCKS)
    assert whole_reply(database, "T1", "U2", key) is None
    assert whole_reply(database, "T2", "U1", key) is None
    assert whole_reply(database, "T1", "U1", "b" * 24) is None
    long_key = "c" * 32
    keep_more(database, long_key)
    assert whole_reply(database, "T1", "U1", long_key + "tail") is not None  # cut to the column


def test_whole_replies_kept_before_the_cutoff_are_pruned(database: Database) -> None:
    keep_more(database, "old", NOW - timedelta(days=8))
    keep_more(database, "young", NOW)
    with database.session() as session:
        assert prune_whole_replies(session, NOW - timedelta(days=7)) == 1
    assert whole_reply(database, "T1", "U1", "old") is None
    assert whole_reply(database, "T1", "U1", "young") is not None


def test_the_last_reply_is_replaced_per_workspace_and_user(database: Database) -> None:
    assert last_reply(database, "T1", "U1") is None
    keep_last(database, "first")
    keep_last(database, "second", command="x" * 60)
    keep_last(database, "elsewhere", workspace="T2")
    assert last_reply(database, "T1", "U1") == KeptReply("second", BLOCKS)
    assert last_reply(database, "T2", "U1") == KeptReply("elsewhere", BLOCKS)
    assert last_reply(database, "T1", "U2") is None
    with database.session() as session:
        row = session.get(SlackLastReplyRow, ("T1", "U1"))
        assert row is not None and row.command == "x" * 40


def test_an_uninstall_forgets_the_workspaces_slack_rows_only(database: Database) -> None:
    assert claim(database, "Ev1")
    assert claim(database, "Ev2", workspace="T2")
    keep_more(database, "k1")
    keep_more(database, "k2", workspace="T2")
    keep_last(database, "mine")
    keep_last(database, "theirs", workspace="T2")
    record_digest(database, "T1", "U1", "d" * 64, NOW)
    record_digest(database, "T2", "U1", "e" * 64, NOW)
    assert forget_slack_rows(database, "T1") == 4
    assert forget_slack_rows(database, "T1") == 0
    assert event_ids(database) == {"Ev2"}
    assert last_reply(database, "T1", "U1") is None
    assert last_reply(database, "T2", "U1") == KeptReply("theirs", BLOCKS)
    with database.session() as session:
        assert set(session.scalars(select(SlackReplyMoreRow.key))) == {"k2"}
        assert shown_digest(session, "T1", "U1") is None
        assert shown_digest(session, "T2", "U1") == "e" * 64
