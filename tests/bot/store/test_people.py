"""A user's row: found by workspace and Slack id, and its time zone kept from Slack.

Every test runs on SQLite and, when TEST_DATABASE_URL is set, on PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, datetime

from bot.store.database import Database
from bot.store.models import UserRow
from bot.store.people import find_user, stored_time_zone, update_time_zone

NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


def add_user(database: Database, workspace: str, user: str) -> None:
    with database.session() as session:
        session.add(UserRow(workspace_id=workspace, user_id=user, created_at=NOW))


def test_find_user_matches_workspace_and_user(database: Database) -> None:
    add_user(database, "T1", "U1")
    add_user(database, "T2", "U2")
    with database.read_session() as session:
        found = find_user(session, "T1", "U1")
        assert found is not None and (found.workspace_id, found.user_id) == ("T1", "U1")
        # The same Slack id in another workspace is another person, and nobody is made up.
        assert find_user(session, "T2", "U1") is None
        assert find_user(session, "T1", "U2") is None
        assert find_user(session, "T1", "UNEW") is None


def test_update_time_zone_stores_a_known_zone_only(database: Database) -> None:
    add_user(database, "T1", "U1")
    with database.session() as session:
        user = find_user(session, "T1", "U1")
        assert user is not None
        assert not update_time_zone(session, user, "Not/AZone", NOW)
        assert update_time_zone(session, user, "Europe/Paris", NOW)
        assert not update_time_zone(session, user, "Europe/Paris", NOW)
    with database.read_session() as session:
        user = find_user(session, "T1", "U1")
        assert user is not None and user.tz == "Europe/Paris"


def test_stored_time_zone_reads_the_users_zone_only(database: Database) -> None:
    add_user(database, "T1", "U1")
    add_user(database, "T2", "U1")
    with database.session() as session:
        user = find_user(session, "T1", "U1")
        assert user is not None and update_time_zone(session, user, "Asia/Tokyo", NOW)
    with database.read_session() as session:
        assert stored_time_zone(session, "T1", "U1") == "Asia/Tokyo"
        assert stored_time_zone(session, "T2", "U1") is None  # a row without a zone yet
        assert stored_time_zone(session, "T1", "UNEW") is None  # no row at all
