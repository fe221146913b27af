"""The database's health check: a store that answers passes, one that does not raises.

The passing case runs on SQLite and, when TEST_DATABASE_URL is set, on PostgreSQL.
"""

from __future__ import annotations

import pytest
from sqlalchemy.exc import OperationalError

from bot.store.database import Database


def test_a_database_that_answers_passes_the_ping(database: Database) -> None:
    database.ping()


def test_a_database_that_does_not_answer_fails_the_ping() -> None:
    pytest.importorskip("psycopg")
    # Port 1 on this machine: nothing listens, so the connection is refused at once.
    unreachable = Database("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2")
    try:
        with pytest.raises(OperationalError):
            unreachable.ping()
    finally:
        unreachable.dispose()
