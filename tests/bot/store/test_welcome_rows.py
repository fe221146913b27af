"""Who has had the Slack welcome: claimed once per user, given back when it was not sent.

Every test runs on SQLite and, when TEST_DATABASE_URL is set, on PostgreSQL.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from sqlalchemy import select

from bot.store.database import Database
from bot.store.slack_tables import SlackWelcomedRow
from bot.store.welcome_rows import claim_welcome, release_welcome

NOW = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)


def welcomed(database: Database) -> set[tuple[str, str]]:
    with database.session() as session:
        rows = session.execute(select(SlackWelcomedRow.workspace_id, SlackWelcomedRow.user_id))
        return {(row.workspace_id, row.user_id) for row in rows}


def test_a_user_is_claimed_once_per_workspace(database: Database) -> None:
    assert claim_welcome(database, "T1", "U1", NOW)
    assert not claim_welcome(database, "T1", "U1", NOW)
    assert claim_welcome(database, "T2", "U1", NOW)
    assert claim_welcome(database, "T1", "U2", NOW)
    assert welcomed(database) == {("T1", "U1"), ("T2", "U1"), ("T1", "U2")}


def test_a_released_welcome_is_claimed_again_and_only_that_one_goes(database: Database) -> None:
    assert claim_welcome(database, "T1", "U1", NOW)
    assert claim_welcome(database, "T1", "U2", NOW)
    release_welcome(database, "T1", "U1")
    release_welcome(database, "T9", "U9")  # never claimed: nothing to give back
    assert welcomed(database) == {("T1", "U2")}
    assert claim_welcome(database, "T1", "U1", NOW)


def test_overlong_ids_are_cut_to_the_columns_width_on_both_paths(database: Database) -> None:
    long_user = "U" + "x" * 80
    assert claim_welcome(database, "T1", long_user, NOW)
    assert not claim_welcome(database, "T1", long_user[:64], NOW)
    release_welcome(database, "T1", long_user)
    assert welcomed(database) == set()


def test_visits_at_the_same_moment_claim_once(database: Database) -> None:
    results: list[bool] = []
    barrier = threading.Barrier(4)

    def visit() -> None:
        barrier.wait()
        results.append(claim_welcome(database, "T1", "U1", NOW))

    threads = [threading.Thread(target=visit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(results) == [False, False, False, True]
