"""The Home tab digests in SQL: read, kept, replaced, and forgotten per workspace.

Every test runs on SQLite and, when TEST_DATABASE_URL is set, on PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.store.database import Database
from bot.store.home_views import forget_home_views, record_digest, shown_digest
from bot.store.mapping import utc
from bot.store.slack_tables import SlackHomeViewRow

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


def shown(database: Database, workspace_id: str = "T1", user_id: str = "U1") -> str | None:
    with database.read_session() as session:
        return shown_digest(session, workspace_id, user_id)


def test_a_digest_is_kept_per_workspace_and_user_and_replaced(database: Database) -> None:
    assert shown(database) is None
    record_digest(database, "T1", "U1", "a" * 64, NOW)
    assert shown(database) == "a" * 64
    assert shown(database, "T2", "U1") is None and shown(database, "T1", "U2") is None
    later = NOW + timedelta(minutes=5)
    record_digest(database, "T1", "U1", "b" * 64, later)
    assert shown(database) == "b" * 64
    with database.session() as session:
        row = session.get(SlackHomeViewRow, ("T1", "U1"))
        assert row is not None and utc(row.published_at) == later


def test_an_uninstall_forgets_only_that_workspaces_digests(database: Database) -> None:
    record_digest(database, "T1", "U1", "a" * 64, NOW)
    record_digest(database, "T1", "U2", "b" * 64, NOW)
    record_digest(database, "T2", "U1", "c" * 64, NOW)
    with database.session() as session:
        assert forget_home_views(session, "T1") == 2
    with database.session() as session:
        assert forget_home_views(session, "T1") == 0
    assert shown(database, "T1", "U1") is None and shown(database, "T1", "U2") is None
    assert shown(database, "T2", "U1") == "c" * 64
